//! Appends to the audit log inside the caller's transaction, so the record exists
//! exactly when the change does.

use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use super::Actor;
use crate::entity::audit_log;

pub async fn record(
    db: &impl ConnectionTrait,
    actor: Actor,
    action: &str,
    subject_id: Option<Uuid>,
    detail: serde_json::Value,
) -> Result<(), sea_orm::DbErr> {
    audit_log::ActiveModel {
        id: Set(Uuid::now_v7()),
        actor_user_id: Set(actor.user_id),
        actor_api_key_id: Set(actor.api_key_id),
        action: Set(action.to_string()),
        subject_id: Set(subject_id),
        detail: Set(detail),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}
