//! Who owns a lead. Every change of owner — a manager's (bulk) reassignment, a release
//! to the pool, later routing rules and claims — goes through here and leaves an
//! assignment record with its reason, a timeline event and an outbox row.

use chrono::{DateTime, Utc};
use leadflow_shared::{AssignmentReason, NotificationKind, Role, UserErrorCode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::leads::{find_visible, Visibility};
use super::timeline;
use super::{begin_write, optional_text, Actor};
use crate::entity::{assignment, lead, user, StringList};
use crate::error::{DomainError, DomainResult};

/// How many leads one bulk action may touch.
pub const MAX_BULK: usize = 500;

pub(crate) fn unique(ids: &[Uuid]) -> DomainResult<Vec<Uuid>> {
    let mut out: Vec<Uuid> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if out.is_empty() {
        return Err(DomainError::invalid(
            "leadIds",
            UserErrorCode::Required,
            "select at least one lead",
        ));
    }
    if out.len() > MAX_BULK {
        return Err(DomainError::invalid(
            "leadIds",
            UserErrorCode::Invalid,
            format!("select at most {MAX_BULK} leads at a time"),
        ));
    }
    Ok(out)
}

/// Every lead, visible and live, or nothing: a bulk action is all or none.
pub(crate) async fn load_all(
    db: &impl ConnectionTrait,
    visibility: &Visibility,
    ids: &[Uuid],
) -> DomainResult<Vec<lead::Model>> {
    let mut leads = Vec::with_capacity(ids.len());
    for id in ids {
        let l = find_visible(db, visibility, *id)
            .await?
            .filter(|l| l.merged_into.is_none())
            .ok_or_else(|| DomainError::not_found("leadIds", "lead"))?;
        leads.push(l);
    }
    Ok(leads)
}

/// Records an owner change inside the caller's transaction: the lead's new owner, the
/// assignment record with its reason (and the routing rule, for rule assignments), the
/// timeline event, the outbox event for live feeds, the SLA clock and the new owner's
/// notification. A decision that leaves a pool lead in the pool is recorded too (the
/// feed shows where each lead went), without touching the lead.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_owner_change(
    db: &impl ConnectionTrait,
    actor: Actor,
    lead: lead::Model,
    to: Option<Uuid>,
    reason: AssignmentReason,
    note: Option<&str>,
    rule_label: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    let from = lead.owner_id;
    let updated = if from == to {
        lead
    } else {
        let version = lead.version;
        let first_assigned = lead.first_assigned_at;
        let mut model = lead.into_active_model();
        model.owner_id = Set(to);
        if to.is_some() && first_assigned.is_none() {
            model.first_assigned_at = Set(Some(now));
        }
        model.version = Set(version + 1);
        model.updated_at = Set(now);
        model.update(db).await?
    };
    let assignment_id = Uuid::now_v7();
    assignment::ActiveModel {
        id: Set(assignment_id),
        lead_id: Set(updated.id),
        from_owner_id: Set(from),
        to_owner_id: Set(to),
        reason: Set(reason.as_str().to_string()),
        actor_user_id: Set(actor.user_id),
        note: Set(note.map(str::to_string)),
        rule_label: Set(rule_label.map(|l| l.chars().take(120).collect())),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let data = serde_json::json!({
        "from": from, "to": to, "reason": reason.as_str(), "note": note, "rule": rule_label,
    });
    timeline::event(updated.id, "assigned", actor, data, now)
        .insert(db)
        .await?;
    timeline::announce(
        TOPIC_ASSIGNED,
        updated.id,
        serde_json::json!({
            "leadId": updated.id,
            "assignmentId": assignment_id,
            "fromOwnerId": from,
            "ownerId": to,
            "reason": reason.as_str(),
        }),
    )
    .insert(db)
    .await?;
    if from != to {
        super::sla::owner_changed(db, &updated, now).await?;
    }
    if let Some(owner) = to.filter(|o| from != to && actor.user_id != Some(*o)) {
        super::notifications::notify(
            db,
            owner,
            NotificationKind::LeadAssigned,
            Some(updated.id),
            &updated.person_name,
            serde_json::json!({ "reason": reason.as_str(), "rule": rule_label }),
            now,
        )
        .await?;
    }
    Ok(updated)
}

/// The outbox topic of every assignment: what live assignment feeds show.
pub const TOPIC_ASSIGNED: &str = "lead.assigned";

/// Gives the leads to `owner` (`None`: back to the pool). Managers assign within their
/// teams; admins to anyone active.
pub async fn assign(
    db: &DatabaseConnection,
    actor: Actor,
    actor_role: Role,
    visibility: &Visibility,
    lead_ids: &[Uuid],
    owner: Option<Uuid>,
    note: Option<&str>,
) -> DomainResult<Vec<lead::Model>> {
    let ids = unique(lead_ids)?;
    let note =
        optional_text("note", "note", note, 500).map_err(|e| DomainError::Invalid(vec![e]))?;
    let txn = begin_write(db).await?;
    if let Some(owner_id) = owner {
        let owner = user::Entity::find_by_id(owner_id)
            .one(&txn)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| DomainError::not_found("ownerId", "active user"))?;
        if let (Role::Manager, Visibility::OwnersAndPool(owners)) = (actor_role, visibility) {
            if !owners.contains(&owner.id) {
                return Err(DomainError::invalid(
                    "ownerId",
                    UserErrorCode::Invalid,
                    "you can assign leads only to people in your teams",
                ));
            }
        }
    }
    let leads = load_all(&txn, visibility, &ids).await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(leads.len());
    for l in leads {
        if l.owner_id == owner {
            out.push(l);
            continue;
        }
        out.push(
            record_owner_change(
                &txn,
                actor,
                l,
                owner,
                AssignmentReason::Manual,
                note.as_deref(),
                None,
                now,
            )
            .await?,
        );
    }
    txn.commit().await?;
    tracing::info!(count = out.len(), owner = ?owner, "leads assigned");
    Ok(out)
}

/// Adds and removes tags on many leads at once.
pub async fn tag(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    lead_ids: &[Uuid],
    add: &[String],
    remove: &[String],
) -> DomainResult<Vec<lead::Model>> {
    let ids = unique(lead_ids)?;
    let clean = |tags: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for t in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
            if !out.iter().any(|o| o == t) {
                out.push(t.to_string());
            }
        }
        out
    };
    let (add, remove) = (clean(add), clean(remove));
    if add.is_empty() && remove.is_empty() {
        return Err(DomainError::invalid(
            "add",
            UserErrorCode::Required,
            "give tags to add or remove",
        ));
    }
    if let Some(long) = add.iter().find(|t| t.chars().count() > 40) {
        return Err(DomainError::invalid(
            "add",
            UserErrorCode::Invalid,
            format!("tag '{long}' is too long (at most 40 characters)"),
        ));
    }
    let txn = begin_write(db).await?;
    let leads = load_all(&txn, visibility, &ids).await?;
    let now = Utc::now();
    let mut out = Vec::with_capacity(leads.len());
    for l in leads {
        let mut tags: Vec<String> = l
            .tags
            .0
            .iter()
            .filter(|t| !remove.contains(t))
            .cloned()
            .collect();
        for t in &add {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        if tags == l.tags.0 {
            out.push(l);
            continue;
        }
        let before = l.tags.0.clone();
        let version = l.version;
        let mut model = l.into_active_model();
        model.tags = Set(StringList(tags.clone()));
        model.version = Set(version + 1);
        model.updated_at = Set(now);
        let updated = model.update(&txn).await?;
        let updated = super::scoring::rescore_lead(&txn, updated, now).await?;
        timeline::event(
            updated.id,
            "updated",
            actor,
            serde_json::json!({ "tags": { "from": before, "to": tags } }),
            now,
        )
        .insert(&txn)
        .await?;
        out.push(updated);
    }
    txn.commit().await?;
    Ok(out)
}

/// A lead's owner history, newest first.
pub async fn history(
    db: &DatabaseConnection,
    lead_id: Uuid,
) -> DomainResult<Vec<assignment::Model>> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::LeadId.eq(lead_id))
        .order_by_desc(assignment::Column::CreatedAt)
        .order_by_desc(assignment::Column::Id)
        .all(db)
        .await?)
}
