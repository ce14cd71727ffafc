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

/// The database could not do what a request asked for a reason outside the request:
/// its disk is full, its storage is read-only or failing, or it cannot be reached.
/// Users are told which, so they know the change was not saved and whether waiting or
/// an administrator fixes it; the details still go to the log only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// No space left for the database (SQLite `SQLITE_FULL`, PostgreSQL class 53).
    Full,
    /// The database's storage refuses writes.
    ReadOnly,
    /// The disk under the database reported an I/O error.
    Disk,
    /// The database server is down, restarting, or every connection is busy.
    Unreachable,
}

impl Outage {
    /// Reads the cause from a failure's message. Failures reach the request edge wrapped
    /// in several layers (`DbErr`, `DomainError`, `anyhow`), and every layer keeps the
    /// driver's wording, which is stable: SQLite's result strings, PostgreSQL's
    /// server messages and the pool's own.
    pub fn of(err: &dyn std::fmt::Display) -> Option<Outage> {
        let text = err.to_string().to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
        if has(&[
            "database or disk is full",
            "no space left on device",
            "could not extend file",
            "disk quota exceeded",
        ]) {
            Some(Outage::Full)
        } else if has(&[
            "attempt to write a readonly database",
            "read-only file system",
            "in a read-only transaction",
        ]) {
            Some(Outage::ReadOnly)
        } else if has(&["disk i/o error"]) {
            Some(Outage::Disk)
        } else if has(&[
            "error communicating with database",
            "pool timed out",
            "failed to acquire connection from pool",
            "attempted to acquire a connection on a closed pool",
            "terminating connection due to",
            "the database system is",
            "connection to server was lost",
        ]) {
            Some(Outage::Unreachable)
        } else {
            None
        }
    }

    /// The machine-readable code clients switch on.
    pub fn code(self) -> &'static str {
        match self {
            Outage::Full => "DATABASE_FULL",
            Outage::ReadOnly => "DATABASE_READ_ONLY",
            Outage::Disk => "DATABASE_DISK_ERROR",
            Outage::Unreachable => "DATABASE_UNAVAILABLE",
        }
    }

    /// What happened and what to do, for the person who made the request.
    pub fn message(self) -> &'static str {
        match self {
            Outage::Full => {
                "the database is full, so this change was not saved; \
                 ask your administrator to free disk space on the server, then try again"
            }
            Outage::ReadOnly => {
                "the database is read-only, so this change was not saved; \
                 ask your administrator to make its storage writable, then try again"
            }
            Outage::Disk => {
                "the database could not write to its disk, so this change was not saved; \
                 try again, and tell your administrator if it persists"
            }
            Outage::Unreachable => {
                "the database cannot be reached right now, so nothing was saved; \
                 try again in a moment"
            }
        }
    }
}

/// How an HTTP endpoint answers a failure on its side: when the database is the cause,
/// 507 (full) or 503 (read-only, disk, unreachable) with the outage's code and words, so
/// the caller knows nothing was saved and whether to retry; otherwise a plain 500.
pub fn failure_reply(
    err: &dyn std::fmt::Display,
) -> (axum::http::StatusCode, &'static str, &'static str) {
    use axum::http::StatusCode;
    match Outage::of(err) {
        Some(Outage::Full) => (
            StatusCode::INSUFFICIENT_STORAGE,
            Outage::Full.code(),
            Outage::Full.message(),
        ),
        Some(outage) => (
            StatusCode::SERVICE_UNAVAILABLE,
            outage.code(),
            outage.message(),
        ),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal error; try again, and tell your administrator if it persists",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::Outage;

    #[test]
    fn http_endpoints_answer_outages_with_507_or_503_and_the_rest_with_500() {
        let status = |text: &str| super::failure_reply(&text).0.as_u16();
        assert_eq!(status("(code: 13) database or disk is full"), 507);
        assert_eq!(status("attempt to write a readonly database"), 503);
        assert_eq!(
            status("pool timed out while waiting for an open connection"),
            503
        );
        assert_eq!(status("relation \"leads\" does not exist"), 500);
    }

    #[test]
    fn storage_and_connection_failures_are_told_apart() {
        let cases = [
            (
                "Execution Error: error returned from database: (code: 13) database or disk is full",
                Some(Outage::Full),
            ),
            (
                "Execution Error: error returned from database: (code: 8) attempt to write a readonly database",
                Some(Outage::ReadOnly),
            ),
            (
                "Query Error: error returned from database: (code: 778) disk I/O error",
                Some(Outage::Disk),
            ),
            (
                "Failed to acquire connection from pool: Connection pool timed out",
                Some(Outage::Unreachable),
            ),
            (
                "Query Error: error returned from database: terminating connection due to administrator command",
                Some(Outage::Unreachable),
            ),
            (
                "Connection Error: error communicating with database: Connection refused (os error 111)",
                Some(Outage::Unreachable),
            ),
            (
                "Execution Error: error returned from database: UNIQUE constraint failed: leads.id",
                None,
            ),
            ("sending the email failed: Connection refused", None),
        ];
        for (message, expected) in cases {
            assert_eq!(Outage::of(&message), expected, "{message}");
        }
    }
}
