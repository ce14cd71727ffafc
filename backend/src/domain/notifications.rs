//! What one user should know now: a lead given to them, an SLA reminder, an
//! escalation to their manager, a lead taken back, a claim in their team.
//!
//! A notification is a row written in the same transaction as what it tells about,
//! plus an outbox event (`notification.created`, aggregate: the reader) that reaches
//! the reader's open sessions on every server.

use chrono::{DateTime, Utc};
use leadflow_shared::{NotificationKind, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::timeline;
use crate::entity::notification;
use crate::error::{DomainError, DomainResult};

pub const TOPIC: &str = "notification.created";
/// The most notifications one page may list.
pub const MAX_PAGE: u64 = 100;

/// Tells `user_id` about `kind` on a lead, inside the caller's transaction.
pub(crate) async fn notify(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    kind: NotificationKind,
    lead_id: Option<Uuid>,
    lead_name: &str,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> DomainResult<notification::Model> {
    let lead_name: String = lead_name.chars().take(200).collect();
    let row = notification::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        kind: Set(kind.as_str().to_string()),
        lead_id: Set(lead_id),
        lead_name: Set(lead_name),
        data: Set(data),
        created_at: Set(now),
        read_at: Set(None),
    }
    .insert(db)
    .await?;
    timeline::announce(
        TOPIC,
        user_id,
        serde_json::json!({ "notificationId": row.id, "kind": kind.as_str() }),
    )
    .insert(db)
    .await?;
    Ok(row)
}

/// The newest notifications of `user_id`.
pub async fn list(
    db: &DatabaseConnection,
    user_id: Uuid,
    first: u64,
    unread_only: bool,
) -> DomainResult<Vec<notification::Model>> {
    if first == 0 || first > MAX_PAGE {
        return Err(DomainError::invalid(
            "first",
            UserErrorCode::Invalid,
            format!("first must be between 1 and {MAX_PAGE}"),
        ));
    }
    let mut query = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
    if unread_only {
        query = query.filter(notification::Column::ReadAt.is_null());
    }
    Ok(query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .limit(first)
        .all(db)
        .await?)
}

pub async fn unread_count(db: &impl ConnectionTrait, user_id: Uuid) -> DomainResult<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// One notification of `user_id`, or nothing (someone else's is not found).
pub async fn find(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: Uuid,
) -> DomainResult<Option<notification::Model>> {
    Ok(notification::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|n| n.user_id == user_id))
}

/// Marks some (or all) of `user_id`'s notifications read; gives the unread count left.
pub async fn mark_read(
    db: &DatabaseConnection,
    user_id: Uuid,
    ids: &[Uuid],
    all: bool,
    now: DateTime<Utc>,
) -> DomainResult<u64> {
    if !all && ids.is_empty() {
        return Err(DomainError::invalid(
            "ids",
            UserErrorCode::Required,
            "give the notifications to mark read, or all",
        ));
    }
    if ids.len() > MAX_PAGE as usize {
        return Err(DomainError::invalid(
            "ids",
            UserErrorCode::Invalid,
            format!("mark at most {MAX_PAGE} notifications at a time"),
        ));
    }
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if !all {
        update = update.filter(notification::Column::Id.is_in(ids.to_vec()));
    }
    update.exec(db).await?;
    unread_count(db, user_id).await
}
