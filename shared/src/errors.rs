//! Machine-readable codes for the `userErrors` every mutation payload carries.
//!
//! The server attaches an English message; the SPA shows its own translation of the
//! code, so a Chinese-speaking rep reads Chinese whatever the server said.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserErrorCode {
    /// The value is malformed or out of range.
    Invalid,
    /// A required value is missing or blank.
    Required,
    /// The value must be unique and is already used.
    Taken,
    /// The referenced record does not exist or is not visible to the caller.
    NotFound,
    /// Email and password do not match an active account.
    InvalidCredentials,
    /// Too many attempts; wait and try again.
    RateLimited,
    /// A session or refresh token is unknown, expired or revoked.
    TokenInvalid,
    /// The change conflicts with the current state.
    Conflict,
}
