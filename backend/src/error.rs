//! One error policy for the whole server.
//!
//! - The domain returns [`DomainError`]: either something the user can fix (it becomes a
//!   GraphQL `userError` with a field and a code) or an internal failure.
//! - Internal failures (database down, a bug) are logged with their details and reach the
//!   client only as "internal error": no SQL, no stack, no paths.
//! - `anyhow` is used off the request path (startup, CLI).

use leadflow_shared::UserErrorCode;

/// A problem a user can fix, tied to an input field when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: Option<String>,
    pub message: String,
    pub code: UserErrorCode,
}

impl Invalid {
    pub fn new(
        field: impl Into<Option<&'static str>>,
        code: UserErrorCode,
        message: impl Into<String>,
    ) -> Self {
        Invalid {
            field: field.into().map(str::to_string),
            message: message.into(),
            code,
        }
    }

    /// For a field named at run time, e.g. a path inside a scoring model
    /// (`fitRules[2].condition.values`).
    pub fn owned(field: String, code: UserErrorCode, message: impl Into<String>) -> Self {
        Invalid {
            field: Some(field),
            message: message.into(),
            code,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The caller's input or the current state rules the change out.
    #[error("{}", .0.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Invalid>),
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("internal error: {0}")]
    Internal(#[from] anyhow::Error),
}

impl DomainError {
    pub fn invalid(
        field: impl Into<Option<&'static str>>,
        code: UserErrorCode,
        message: impl Into<String>,
    ) -> Self {
        DomainError::Invalid(vec![Invalid::new(field, code, message)])
    }

    pub fn not_found(field: &'static str, what: &str) -> Self {
        DomainError::invalid(field, UserErrorCode::NotFound, format!("{what} not found"))
    }
}

impl From<sea_orm::TransactionError<DomainError>> for DomainError {
    fn from(e: sea_orm::TransactionError<DomainError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => DomainError::Db(db),
            sea_orm::TransactionError::Transaction(inner) => inner,
        }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
