//! The API as clients see it: a real server on a free port against a fresh database
//! (SQLite by default; PostgreSQL when `LEADFLOW_TEST_DATABASE_URL` names a server),
//! spoken to over HTTP and WebSocket.

mod helpers;

mod accounts;
mod activities;
mod analytics;
mod api_keys;
mod authz;
mod bulk;
mod campaigns;
mod capture;
mod cli;
mod demo;
mod duplicates;
mod export;
mod faults;
mod forms;
mod hostile;
mod imports;
mod journeys;
mod lead_list;
mod limits;
mod pipeline;
mod platform;
mod routing;
mod schema;
mod scoring;
mod sessions;
mod subscriptions;
