//! Endpoints that are not GraphQL resolvers: the GraphQL transport itself, health,
//! metrics, the SPA's files, and the protections every request passes through.

pub mod analytics;
pub mod email;
pub mod export;
pub mod forms;
pub mod graphql;
pub mod headers;
pub mod health;
pub mod imports;
pub mod limits;
pub mod metrics;
pub mod spa;
pub mod tracking;
