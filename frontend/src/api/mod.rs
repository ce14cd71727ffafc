//! The one way the SPA talks to the server.
//!
//! - [`client`]: queries and mutations over HTTP (`POST /graphql`), with the access token
//!   attached and a single transparent `refreshSession` when the server says the token
//!   expired.
//! - [`subscription`]: live updates over WebSocket (`/graphql/ws`, graphql-transport-ws).
//! - [`files`]: uploads and CSV downloads over plain HTTP, with the same token.
//! - [`types`]: the wire types; [`auth`], [`users`], [`teams`], [`api_keys`], [`leads`],
//!   [`activities`], [`forms`], [`imports`], [`duplicates`], [`scoring`], [`routing`],
//!   [`sla`], [`pool`], [`notifications`], [`feed`], [`pipeline`], [`analytics`], [`journeys`]:
//!   the documents and typed calls, one module per area of the schema.
//!
//! Every failure becomes an [`ApiError`], which pages render with
//! [`crate::components::error_notice::ErrorNotice`] — a title and what to do next.

pub mod activities;
pub mod analytics;
pub mod api_keys;
pub mod auth;
pub mod client;
pub mod duplicates;
pub mod error;
pub mod feed;
pub mod files;
pub mod forms;
pub mod imports;
pub mod journeys;
pub mod leads;
pub mod notifications;
pub mod pipeline;
pub mod pool;
pub mod routing;
pub mod scoring;
pub mod sla;
pub mod subscription;
pub mod teams;
pub mod types;
pub mod users;

pub use client::{use_client, Client};
pub use error::ApiError;
