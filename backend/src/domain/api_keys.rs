//! API keys for third-party integrations. The key is shown once at creation; only its
//! SHA-256 is stored, so a leaked database does not leak working keys.

use chrono::Utc;
use leadflow_shared::{ApiScope, UserErrorCode};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryOrder, Set,
};
use uuid::Uuid;

use super::{audit, required_text, Actor};
use crate::auth;
use crate::entity::{api_key, StringList};
use crate::error::{DomainError, DomainResult};

/// How many characters of a key stay visible in lists.
const SHOWN_PREFIX_CHARS: usize = 10;

pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    name: &str,
    scopes: &[ApiScope],
) -> DomainResult<(api_key::Model, String)> {
    let name =
        required_text("name", "key name", name, 100).map_err(|e| DomainError::Invalid(vec![e]))?;
    if scopes.is_empty() {
        return Err(DomainError::invalid(
            "scopes",
            UserErrorCode::Required,
            "choose at least one scope",
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for s in scopes {
        if !names.iter().any(|n| n == s.as_str()) {
            names.push(s.as_str().to_string());
        }
    }
    let secret = auth::new_api_key();
    let txn = super::begin_write(db).await?;
    let created = api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        prefix: Set(secret.chars().take(SHOWN_PREFIX_CHARS).collect()),
        key_hash: Set(auth::sha256_hex(&secret)),
        scopes: Set(StringList(names)),
        created_by: Set(actor.user_id),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "api_key.create",
        Some(created.id),
        serde_json::json!({ "name": created.name, "scopes": created.scopes.0 }),
    )
    .await?;
    txn.commit().await?;
    Ok((created, secret))
}

pub async fn revoke(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
) -> DomainResult<api_key::Model> {
    let txn = super::begin_write(db).await?;
    let existing = api_key::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "API key"))?;
    if existing.revoked_at.is_some() {
        txn.commit().await?;
        return Ok(existing);
    }
    let mut model = existing.into_active_model();
    model.revoked_at = Set(Some(Utc::now()));
    let revoked = model.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "api_key.revoke",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(revoked)
}

pub async fn list(db: &DatabaseConnection) -> DomainResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await?)
}
