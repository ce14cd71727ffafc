//! The claim pool (公海): leads without an owner, which reps take for themselves.
//!
//! A rep may claim a limited number of leads per 24 hours and never beyond their
//! capacity of open leads. Two reps claiming the same lead at once: the claim is a
//! conditional update (`owner_id IS NULL`), so exactly one wins and the other is told
//! someone was quicker.

use chrono::{DateTime, Utc};
use leadflow_shared::{AssignmentReason, NotificationKind, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::leads::{find_visible, Visibility};
use super::{assignments, notifications, Actor};
use crate::entity::{assignment, lead, team, user};
use crate::error::{DomainError, DomainResult};

/// Claims per rep per 24 hours unless configured otherwise.
pub const DEFAULT_CLAIMS_PER_DAY: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimStatus {
    pub claimed_last_24h: u32,
    pub limit: u32,
}

impl ClaimStatus {
    pub fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.claimed_last_24h)
    }
}

pub async fn status(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    limit: u32,
    now: DateTime<Utc>,
) -> DomainResult<ClaimStatus> {
    let claimed = assignment::Entity::find()
        .filter(assignment::Column::ToOwnerId.eq(user_id))
        .filter(assignment::Column::Reason.eq(AssignmentReason::Claim.as_str()))
        .filter(assignment::Column::CreatedAt.gt(now - chrono::Duration::hours(24)))
        .count(db)
        .await?;
    Ok(ClaimStatus {
        claimed_last_24h: u32::try_from(claimed).unwrap_or(u32::MAX),
        limit,
    })
}

fn someone_was_quicker() -> DomainError {
    DomainError::invalid(
        "leadId",
        UserErrorCode::Taken,
        "someone else claimed this lead first",
    )
}

/// A lead the rep no longer sees because another rep took it from the pool moments
/// ago: they lost a race, they did not ask for someone else's lead.
async fn recently_claimed(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::LeadId.eq(lead_id))
        .filter(assignment::Column::Reason.eq(AssignmentReason::Claim.as_str()))
        .filter(assignment::Column::FromOwnerId.is_null())
        .filter(assignment::Column::CreatedAt.gt(now - chrono::Duration::minutes(10)))
        .count(db)
        .await?
        > 0)
}

/// `user_id` takes `lead_id` from the pool.
pub async fn claim(
    db: &DatabaseConnection,
    user_id: Uuid,
    visibility: &Visibility,
    lead_id: Uuid,
    limit: u32,
) -> DomainResult<lead::Model> {
    let txn = super::begin_write(db).await?;
    let now = Utc::now();
    let me = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| DomainError::not_found("leadId", "user"))?;
    let Some(l) = find_visible(&txn, visibility, lead_id)
        .await?
        .filter(|l| l.merged_into.is_none())
    else {
        return Err(if recently_claimed(&txn, lead_id, now).await? {
            someone_was_quicker()
        } else {
            DomainError::not_found("leadId", "lead")
        });
    };
    if l.owner_id == Some(user_id) {
        return Err(DomainError::invalid(
            "leadId",
            UserErrorCode::Invalid,
            "this lead is already yours",
        ));
    }
    let status = status(&txn, user_id, limit, now).await?;
    if status.remaining() == 0 {
        return Err(DomainError::invalid(
            "leadId",
            UserErrorCode::RateLimited,
            format!(
                "you have claimed {} leads in the last 24 hours, the most allowed; work those first",
                status.claimed_last_24h
            ),
        ));
    }
    let open = super::routing::open_loads(&txn)
        .await?
        .get(&user_id)
        .copied()
        .unwrap_or(0);
    if open >= u32::try_from(me.capacity).unwrap_or(0) {
        return Err(DomainError::invalid(
            "leadId",
            UserErrorCode::Invalid,
            format!(
                "you already have {open} open leads, your capacity; close or hand over some first"
            ),
        ));
    }
    // The claim itself: only while nobody owns the lead.
    let taken = lead::Entity::update_many()
        .col_expr(lead::Column::OwnerId, Expr::value(user_id))
        .filter(lead::Column::Id.eq(l.id))
        .filter(lead::Column::OwnerId.is_null())
        .filter(lead::Column::MergedInto.is_null())
        .exec(&txn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(someone_was_quicker());
    }
    // `l` still says "no owner": the change is recorded from the pool to the claimer.
    let name = l.person_name.clone();
    let claimed = assignments::record_owner_change(
        &txn,
        Actor::user(user_id),
        l,
        Some(user_id),
        AssignmentReason::Claim,
        None,
        None,
        now,
    )
    .await?;
    if let Some(manager) = match me.team_id {
        Some(t) => team::Entity::find_by_id(t)
            .one(&txn)
            .await?
            .and_then(|t| t.manager_id),
        None => None,
    }
    .filter(|m| *m != user_id)
    {
        notifications::notify(
            &txn,
            manager,
            NotificationKind::LeadClaimed,
            Some(claimed.id),
            &name,
            serde_json::json!({ "ownerId": user_id, "ownerName": me.name }),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(claimed)
}
