//! Types and rules that the Leadflow server and the single-page app both speak.
//!
//! Everything here is plain data and pure functions: no I/O, no clocks, no database.
//! The server compiles it with the `graphql` feature so the same enums appear in the
//! GraphQL schema; the browser compiles it without, so the wasm bundle stays small.

pub mod access;
pub mod activity;
pub mod analytics;
pub mod errors;
pub mod feed;
pub mod journey;
pub mod lead;
pub mod lifecycle;
pub mod money;
pub mod normalize;
pub mod pipeline;
pub mod predict;
pub mod routing;
pub mod scoring;
pub mod sla;

pub use access::{ApiScope, Role};
pub use activity::{ActivityKind, ActivityOutcome, BehaviourKind};
pub use errors::UserErrorCode;
pub use feed::{FeedScope, NotificationKind, RoutingTrigger};
pub use lead::{AssignmentReason, Channel, LeadStage};
pub use scoring::{
    CompiledModel, ScoreBreakdown, ScoreLine, ScoringEvent, ScoringLead, ScoringModel,
};
