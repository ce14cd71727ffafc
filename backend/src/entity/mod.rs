//! Database rows (sea-orm entities). These are storage types: the domain converts them
//! to its own types before anything reaches GraphQL.

pub mod account;
pub mod api_key;
pub mod assignment;
pub mod audit_log;
pub mod campaign;
pub mod capture_request;
pub mod contact;
pub mod email_template;
pub mod email_unsubscribe;
pub mod enrollment;
pub mod form;
pub mod import_job;
pub mod import_row_error;
pub mod job;
pub mod journey;
pub mod journey_step;
pub mod journey_version;
pub mod lead;
pub mod lead_event;
pub mod lead_sla;
pub mod notification;
pub mod opportunity;
pub mod outbound_email;
pub mod outbox;
pub mod pipeline;
pub mod pipeline_stage;
pub mod predictive_model;
pub mod refresh_token;
pub mod rescore_run;
pub mod routing_config;
pub mod routing_state;
pub mod scoring_model;
pub mod server_setting;
pub mod sla_policy;
pub mod task;
pub mod team;
pub mod user;

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};

/// A JSON array of strings (regions, industries, scopes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
pub struct StringList(pub Vec<String>);
