//! The business of Leadflow. Knows the database and the shared rules crate; knows
//! nothing of HTTP or GraphQL. Each module is an area a sales team would name.

pub mod activities;
pub mod analytics;
pub mod api_keys;
pub mod assignments;
pub mod audit;
pub mod campaigns;
pub mod capture;
pub mod demo;
pub mod email;
pub mod forms;
pub mod imports;
pub mod journeys;
pub mod leads;
pub mod lifecycle;
mod memo;
pub mod merge;
pub mod notifications;
pub mod pipeline;
pub mod pool;
pub mod predictive;
pub mod routing;
pub mod scoring;
pub mod sessions;
pub mod settings;
pub mod sla;
pub mod teams;
mod timeline;
pub mod tracking;
pub mod users;
mod writer;

use uuid::Uuid;

/// Who performs a change, for the audit log.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub api_key_id: Option<Uuid>,
}

impl Actor {
    pub fn system() -> Self {
        Actor::default()
    }

    pub fn user(id: Uuid) -> Self {
        Actor {
            user_id: Some(id),
            api_key_id: None,
        }
    }
}

/// Trims and rejects blank text; counts characters, not bytes (Chinese names are short
/// in characters and long in bytes).
pub(crate) fn required_text(
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, crate::error::Invalid> {
    use leadflow_shared::UserErrorCode;
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(crate::error::Invalid::new(
            field,
            UserErrorCode::Required,
            format!("{label} is required"),
        ));
    }
    if trimmed.contains('\0') {
        return Err(nul_in(field, label));
    }
    if trimmed.chars().count() > max_chars {
        return Err(crate::error::Invalid::new(
            field,
            UserErrorCode::Invalid,
            format!("{label} is too long (at most {max_chars} characters)"),
        ));
    }
    Ok(trimmed.to_string())
}

/// Trims optional text: blank becomes `None`; too long is an error.
pub(crate) fn optional_text(
    field: &'static str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, crate::error::Invalid> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => Err(crate::error::Invalid::new(
            field,
            leadflow_shared::UserErrorCode::Invalid,
            format!("{label} is too long (at most {max} characters)"),
        )),
        Some(v) if v.contains('\0') => Err(nul_in(field, label)),
        Some(v) => Ok(Some(v.to_string())),
    }
}

/// Text with U+0000: nobody types it, and PostgreSQL cannot store it.
pub(crate) fn nul_in(field: &'static str, label: &str) -> crate::error::Invalid {
    crate::error::Invalid::new(
        field,
        leadflow_shared::UserErrorCode::Invalid,
        format!("{label} contains the NUL character (U+0000)"),
    )
}

/// True when any string in a JSON value (keys included) holds U+0000.
pub(crate) fn json_has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(json_has_nul),
        serde_json::Value::Object(map) => {
            map.iter().any(|(k, v)| k.contains('\0') || json_has_nul(v))
        }
        _ => false,
    }
}

/// True when a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

pub(crate) use writer::{begin_write, commits, WriteTxn};
