//! How failures look on the wire.
//!
//! - Something the user can fix: a `UserError` in the payload (field, message, code).
//! - Not signed in / not allowed / malformed: a top-level error with `extensions.code`.
//! - The database full, read-only or unreachable: logged in full, sent with a code and
//!   a message that says so (see [`Outage`]), so nobody mistakes it for a bug.
//! - Anything else: logged in full, sent as "internal error".

use async_graphql::{ErrorExtensions, SimpleObject};
use leadflow_shared::UserErrorCode;

use crate::error::{DomainError, Invalid, Outage};

#[derive(Debug, Clone, SimpleObject)]
pub struct UserError {
    /// The input field at fault (camelCase), when there is one.
    pub field: Option<String>,
    /// What went wrong and what to do, in English; clients translate `code`.
    pub message: String,
    pub code: UserErrorCode,
}

impl From<Invalid> for UserError {
    fn from(i: Invalid) -> Self {
        UserError {
            field: i.field,
            message: i.message,
            code: i.code,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    BadRequest,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    pub fn error(self, message: impl Into<String>) -> async_graphql::Error {
        async_graphql::Error::new(message).extend_with(|_, e| e.set("code", self.as_str()))
    }
}

/// Splits a domain result into the payload's value or its user errors; internal
/// failures become a top-level error after being logged.
pub fn payload<T>(
    result: Result<T, DomainError>,
) -> async_graphql::Result<Result<T, Vec<UserError>>> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(DomainError::Invalid(problems)) => {
            Ok(Err(problems.into_iter().map(UserError::from).collect()))
        }
        Err(other) => Err(internal(other)),
    }
}

/// Logs an unexpected failure and returns the error the client sees: what is wrong
/// with the database when that is the cause, an opaque "internal error" otherwise.
pub fn internal(err: impl std::fmt::Display) -> async_graphql::Error {
    if let Some(outage) = Outage::of(&err) {
        tracing::error!(error = %err, code = outage.code(), "request failed: database unavailable");
        return outage_error(outage);
    }
    tracing::error!(error = %err, "request failed");
    ErrorCode::Internal
        .error("internal error; try again, and tell your administrator if it persists")
}

/// The error a client sees when the database cannot serve its request.
pub fn outage_error(outage: Outage) -> async_graphql::Error {
    async_graphql::Error::new(outage.message()).extend_with(|_, e| e.set("code", outage.code()))
}

pub fn bad_id(field: &str) -> async_graphql::Error {
    ErrorCode::BadRequest.error(format!("{field} is not a valid id"))
}
