//! The GraphQL types the SPA reads and writes, as plain serde structs.
//!
//! Field names follow the schema (camelCase on the wire). Enums (`Role`, `ApiScope`,
//! `UserErrorCode`) come from `leadflow-shared`, so the server and the SPA cannot drift.

use leadflow_shared::{ApiScope, Role, UserErrorCode};
use serde::{Deserialize, Serialize};

/// A mutation's explanation of why an input was refused.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserError {
    /// The camelCase input field it is about, if any.
    pub field: Option<String>,
    /// The server's English wording; the SPA shows its own translation of `code`.
    pub message: String,
    pub code: UserErrorCode,
}

/// The team a user belongs to, as far as a user row needs it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TeamRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team: Option<TeamRef>,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    pub capacity: i32,
    pub active: bool,
    pub created_at: String,
}

/// The selection every query returning a `User` uses, so they all decode into [`User`].
pub const USER_FIELDS: &str =
    "id email name role team { id name } regions industries capacity active createdAt";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    pub id: String,
    pub name: String,
    pub manager: Option<UserRef>,
    pub members: Vec<UserRef>,
    pub created_at: String,
}

pub const TEAM_FIELDS: &str = "id name manager { id name } members { id name } createdAt";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub const API_KEY_FIELDS: &str = "id name prefix scopes createdAt lastUsedAt revokedAt";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

/// Input of `userCreate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCreateInput {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub team_id: Option<String>,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i32>,
}

/// Input of `userUpdate`. `team_id: None` sends `null`, which means "no team".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdateInput {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub team_id: Option<String>,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i32>,
}
