//! First-contact service levels: nobody may sit on a lead.
//!
//! When a lead gets an owner and nobody has contacted it yet, a clock starts under the
//! SLA policy of the owner's team (or the default policy). Its three thresholds are
//! counted in the policy's business hours and stored as instants. Each threshold is a
//! durable job: at the first the owner is reminded, at the second their manager is
//! told, at the third the lead goes back to the pool or is routed again, passing over
//! the owner. The first contact stops the clock; so does any other owner change. Each
//! step happens once: a step moves the clock's state with a conditional update, and
//! only the job that moved it acts and books the next step.
//!
//! A daily sweep returns open leads nobody worked on for the policy's inactivity days
//! to the pool.

use chrono::{DateTime, Utc};
use leadflow_shared::routing::WorkingHours;
use leadflow_shared::sla::{self as rules, RecycleAction, SlaPolicy, SlaState};
use leadflow_shared::{AssignmentReason, LeadStage, NotificationKind, Role, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{assignments, audit, notifications, timeline, Actor};
use crate::entity::{lead, lead_sla, sla_policy, team, user};
use crate::error::{DomainError, DomainResult, Invalid};
use crate::jobs::{self, Job, Queue};

pub const STEP_JOB: &str = "sla_step";
pub const INACTIVITY_JOB: &str = "sla_inactivity";
/// The most leads one inactivity sweep returns to the pool per transaction.
const SWEEP_BATCH: u64 = 200;

// ---------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------

pub struct PolicyInput {
    pub id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub policy: SlaPolicy,
}

fn rule_errors(errors: Vec<leadflow_shared::scoring::RuleError>) -> DomainError {
    DomainError::Invalid(
        errors
            .into_iter()
            .map(|e| Invalid::owned(e.path, e.code, e.message))
            .collect(),
    )
}

pub fn policy_of(row: &sla_policy::Model) -> SlaPolicy {
    SlaPolicy {
        name: row.name.clone(),
        working_hours: serde_json::from_value(row.working_hours.clone()).unwrap_or(WorkingHours {
            utc_offset_minutes: 480,
            periods: Vec::new(),
        }),
        remind_after_minutes: u32::try_from(row.remind_after_minutes).unwrap_or(0),
        escalate_after_minutes: u32::try_from(row.escalate_after_minutes).unwrap_or(0),
        recycle_after_minutes: u32::try_from(row.recycle_after_minutes).unwrap_or(0),
        recycle_action: RecycleAction::parse(&row.recycle_action).unwrap_or_default(),
        inactivity_days: row.inactivity_days.and_then(|d| u32::try_from(d).ok()),
    }
}

pub async fn policies(db: &DatabaseConnection) -> DomainResult<Vec<sla_policy::Model>> {
    Ok(sla_policy::Entity::find()
        .order_by_asc(sla_policy::Column::Name)
        .all(db)
        .await?)
}

/// Creates or changes a policy. One policy per team, one default (no team).
pub async fn save_policy(
    db: &DatabaseConnection,
    actor: Actor,
    input: PolicyInput,
) -> DomainResult<sla_policy::Model> {
    input.policy.validate().map_err(rule_errors)?;
    let policy = input.policy;
    let txn = super::begin_write(db).await?;
    if let Some(team_id) = input.team_id {
        team::Entity::find_by_id(team_id)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::not_found("teamId", "team"))?;
    }
    let mut same_scope = sla_policy::Entity::find();
    same_scope = match input.team_id {
        Some(t) => same_scope.filter(sla_policy::Column::TeamId.eq(t)),
        None => same_scope.filter(sla_policy::Column::TeamId.is_null()),
    };
    if let Some(other) = same_scope.one(&txn).await? {
        if Some(other.id) != input.id {
            return Err(DomainError::invalid(
                "teamId",
                UserErrorCode::Taken,
                match input.team_id {
                    Some(_) => "this team already has an SLA policy; edit that one",
                    None => "there already is a default SLA policy; edit that one",
                },
            ));
        }
    }
    let now = Utc::now();
    let hours =
        serde_json::to_value(&policy.working_hours).map_err(|e| DomainError::Internal(e.into()))?;
    let saved = match input.id {
        Some(id) => {
            let existing = sla_policy::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::not_found("id", "SLA policy"))?;
            let mut model = existing.into_active_model();
            model.name = Set(policy.name.trim().to_string());
            model.team_id = Set(input.team_id);
            model.working_hours = Set(hours);
            model.remind_after_minutes = Set(policy.remind_after_minutes as i32);
            model.escalate_after_minutes = Set(policy.escalate_after_minutes as i32);
            model.recycle_after_minutes = Set(policy.recycle_after_minutes as i32);
            model.recycle_action = Set(policy.recycle_action.as_str().to_string());
            model.inactivity_days = Set(policy.inactivity_days.map(|d| d as i32));
            model.updated_at = Set(now);
            model.update(&txn).await?
        }
        None => {
            sla_policy::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(policy.name.trim().to_string()),
                team_id: Set(input.team_id),
                working_hours: Set(hours),
                remind_after_minutes: Set(policy.remind_after_minutes as i32),
                escalate_after_minutes: Set(policy.escalate_after_minutes as i32),
                recycle_after_minutes: Set(policy.recycle_after_minutes as i32),
                recycle_action: Set(policy.recycle_action.as_str().to_string()),
                inactivity_days: Set(policy.inactivity_days.map(|d| d as i32)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(
        &txn,
        actor,
        "sla_policy.saved",
        Some(saved.id),
        serde_json::json!({ "name": saved.name, "teamId": saved.team_id }),
    )
    .await?;
    schedule_inactivity_sweep(&txn, now).await?;
    txn.commit().await?;
    Ok(saved)
}

pub async fn delete_policy(db: &DatabaseConnection, actor: Actor, id: Uuid) -> DomainResult<()> {
    let txn = super::begin_write(db).await?;
    let existing = sla_policy::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "SLA policy"))?;
    sla_policy::Entity::delete_by_id(existing.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        "sla_policy.deleted",
        Some(id),
        serde_json::json!({ "name": existing.name }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The policy that applies to leads owned by `owner`: their team's, else the default.
async fn policy_for(
    db: &impl ConnectionTrait,
    owner: &user::Model,
) -> DomainResult<Option<sla_policy::Model>> {
    if let Some(team_id) = owner.team_id {
        if let Some(p) = sla_policy::Entity::find()
            .filter(sla_policy::Column::TeamId.eq(team_id))
            .one(db)
            .await?
        {
            return Ok(Some(p));
        }
    }
    Ok(sla_policy::Entity::find()
        .filter(sla_policy::Column::TeamId.is_null())
        .one(db)
        .await?)
}

// ---------------------------------------------------------------------------------------
// Clocks
// ---------------------------------------------------------------------------------------

/// The clock of the lead's current owner, if one ran.
pub async fn current_clock(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
) -> DomainResult<Option<lead_sla::Model>> {
    Ok(lead_sla::Entity::find()
        .filter(lead_sla::Column::LeadId.eq(lead_id))
        .order_by_desc(lead_sla::Column::StartedAt)
        .order_by_desc(lead_sla::Column::Id)
        .one(db)
        .await?)
}

async fn cancel_open(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let open: Vec<&str> = [SlaState::Running, SlaState::Reminded, SlaState::Escalated]
        .iter()
        .map(|s| s.as_str())
        .collect();
    lead_sla::Entity::update_many()
        .col_expr(
            lead_sla::Column::State,
            Expr::value(SlaState::Cancelled.as_str()),
        )
        .col_expr(lead_sla::Column::UpdatedAt, Expr::value(now))
        .filter(lead_sla::Column::LeadId.eq(lead_id))
        .filter(lead_sla::Column::State.is_in(open))
        .exec(db)
        .await?;
    Ok(())
}

/// After an owner change, inside its transaction: stops the old clock and, when the lead
/// has a new owner and no first contact yet, starts theirs.
pub(crate) async fn owner_changed(
    db: &impl ConnectionTrait,
    l: &lead::Model,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    cancel_open(db, l.id, now).await?;
    let Some(owner_id) = l.owner_id else {
        return Ok(());
    };
    if l.first_contacted_at.is_some() || !LeadStage::parse(&l.stage).is_some_and(LeadStage::is_open)
    {
        return Ok(());
    }
    let Some(owner) = user::Entity::find_by_id(owner_id).one(db).await? else {
        return Ok(());
    };
    let Some(row) = policy_for(db, &owner).await? else {
        return Ok(());
    };
    let policy = policy_of(&row);
    let hours = &policy.working_hours;
    let (Some(remind_at), Some(escalate_at), Some(recycle_at)) = (
        rules::add_business_minutes(now, policy.remind_after_minutes, hours),
        rules::add_business_minutes(now, policy.escalate_after_minutes, hours),
        rules::add_business_minutes(now, policy.recycle_after_minutes, hours),
    ) else {
        tracing::warn!(policy = %row.name, "SLA policy without working hours: no clock");
        return Ok(());
    };
    let clock = lead_sla::ActiveModel {
        id: Set(Uuid::now_v7()),
        lead_id: Set(l.id),
        owner_id: Set(owner_id),
        policy_id: Set(Some(row.id)),
        policy_name: Set(row.name.clone()),
        state: Set(SlaState::Running.as_str().to_string()),
        started_at: Set(now),
        remind_at: Set(remind_at),
        escalate_at: Set(escalate_at),
        recycle_at: Set(recycle_at),
        met_at: Set(None),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    jobs::enqueue(
        db,
        STEP_JOB,
        serde_json::json!({ "slaId": clock.id, "step": "remind" }),
        remind_at,
    )
    .await?;
    Ok(())
}

/// The first contact, inside the transaction that records it: the clock is met.
pub(crate) async fn contacted(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    let open: Vec<&str> = [SlaState::Running, SlaState::Reminded, SlaState::Escalated]
        .iter()
        .map(|s| s.as_str())
        .collect();
    lead_sla::Entity::update_many()
        .col_expr(lead_sla::Column::State, Expr::value(SlaState::Met.as_str()))
        .col_expr(lead_sla::Column::MetAt, Expr::value(at))
        .col_expr(lead_sla::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(lead_sla::Column::LeadId.eq(lead_id))
        .filter(lead_sla::Column::State.is_in(open))
        .exec(db)
        .await?;
    Ok(())
}

/// Moves a clock from one of `from` to `to`; true only for the one caller that did.
async fn advance(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: &[SlaState],
    to: SlaState,
    now: DateTime<Utc>,
) -> DomainResult<bool> {
    let from: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
    let moved = lead_sla::Entity::update_many()
        .col_expr(lead_sla::Column::State, Expr::value(to.as_str()))
        .col_expr(lead_sla::Column::UpdatedAt, Expr::value(now))
        .filter(lead_sla::Column::Id.eq(id))
        .filter(lead_sla::Column::State.is_in(from))
        .exec(db)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// Who hears of an escalation: the manager of the owner's team, else every admin.
async fn escalation_readers(
    db: &impl ConnectionTrait,
    owner: Option<&user::Model>,
) -> DomainResult<Vec<Uuid>> {
    if let Some(team_id) = owner.and_then(|o| o.team_id) {
        if let Some(manager) = team::Entity::find_by_id(team_id)
            .one(db)
            .await?
            .and_then(|t| t.manager_id)
        {
            return Ok(vec![manager]);
        }
    }
    Ok(user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .filter(|u| Role::from(u.role) == Role::Admin)
        .map(|u| u.id)
        .collect())
}

/// Runs one SLA step (remind, escalate, recycle) of one clock.
pub async fn run_step(
    db: &DatabaseConnection,
    queue: &Queue,
    now: DateTime<Utc>,
    job: &Job,
) -> anyhow::Result<()> {
    let Some(id) = job
        .payload
        .get("slaId")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
    else {
        tracing::warn!(job = %job.id, "SLA step without a clock id");
        return Ok(());
    };
    let step = job
        .payload
        .get("step")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string();
    let txn = super::begin_write(db).await?;
    let Some(clock) = lead_sla::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(());
    };
    let Some(l) = lead::Entity::find_by_id(clock.lead_id).one(&txn).await? else {
        return Ok(());
    };
    // The lead left this owner, was merged or closed: the clock has nothing to guard.
    let still_theirs = l.owner_id == Some(clock.owner_id)
        && l.merged_into.is_none()
        && LeadStage::parse(&l.stage).is_some_and(LeadStage::is_open)
        && l.first_contacted_at.is_none();
    if !still_theirs {
        if advance(
            &txn,
            clock.id,
            &[SlaState::Running, SlaState::Reminded, SlaState::Escalated],
            SlaState::Cancelled,
            now,
        )
        .await?
        {
            txn.commit().await?;
        }
        return Ok(());
    }
    let owner = user::Entity::find_by_id(clock.owner_id).one(&txn).await?;
    let owner_name = owner.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    let policy = match clock.policy_id {
        Some(p) => sla_policy::Entity::find_by_id(p).one(&txn).await?,
        None => None,
    };
    let minutes_of = |f: fn(&sla_policy::Model) -> i32| policy.as_ref().map(f);
    match step.as_str() {
        "remind" => {
            if !advance(
                &txn,
                clock.id,
                &[SlaState::Running],
                SlaState::Reminded,
                now,
            )
            .await?
            {
                return Ok(());
            }
            let data = serde_json::json!({
                "step": "remind",
                "ownerId": clock.owner_id,
                "minutes": minutes_of(|p| p.remind_after_minutes),
            });
            timeline::event(l.id, "sla_reminded", Actor::system(), data.clone(), now)
                .insert(&txn)
                .await?;
            notifications::notify(
                &txn,
                clock.owner_id,
                NotificationKind::SlaReminder,
                Some(l.id),
                &l.person_name,
                data,
                now,
            )
            .await?;
            jobs::enqueue(
                &txn,
                STEP_JOB,
                serde_json::json!({ "slaId": clock.id, "step": "escalate" }),
                clock.escalate_at,
            )
            .await?;
        }
        "escalate" => {
            if !advance(
                &txn,
                clock.id,
                &[SlaState::Running, SlaState::Reminded],
                SlaState::Escalated,
                now,
            )
            .await?
            {
                return Ok(());
            }
            let data = serde_json::json!({
                "step": "escalate",
                "ownerId": clock.owner_id,
                "ownerName": owner_name,
                "minutes": minutes_of(|p| p.escalate_after_minutes),
            });
            timeline::event(l.id, "sla_escalated", Actor::system(), data.clone(), now)
                .insert(&txn)
                .await?;
            for reader in escalation_readers(&txn, owner.as_ref()).await? {
                notifications::notify(
                    &txn,
                    reader,
                    NotificationKind::SlaEscalation,
                    Some(l.id),
                    &l.person_name,
                    data.clone(),
                    now,
                )
                .await?;
            }
            jobs::enqueue(
                &txn,
                STEP_JOB,
                serde_json::json!({ "slaId": clock.id, "step": "recycle" }),
                clock.recycle_at,
            )
            .await?;
        }
        "recycle" => {
            if !advance(
                &txn,
                clock.id,
                &[SlaState::Running, SlaState::Reminded, SlaState::Escalated],
                SlaState::Recycled,
                now,
            )
            .await?
            {
                return Ok(());
            }
            let action = policy
                .as_ref()
                .and_then(|p| RecycleAction::parse(&p.recycle_action))
                .unwrap_or_default();
            let minutes = minutes_of(|p| p.recycle_after_minutes);
            let data = serde_json::json!({
                "step": "recycle",
                "ownerId": clock.owner_id,
                "ownerName": owner_name,
                "minutes": minutes,
                "action": action.as_str(),
            });
            timeline::event(l.id, "sla_recycled", Actor::system(), data.clone(), now)
                .insert(&txn)
                .await?;
            let name = l.person_name.clone();
            let lead_id = l.id;
            match action {
                RecycleAction::Pool => {
                    let note = format!(
                        "no first contact within {} business minutes",
                        minutes.unwrap_or_default()
                    );
                    assignments::record_owner_change(
                        &txn,
                        Actor::system(),
                        l,
                        None,
                        AssignmentReason::SlaRecycle,
                        Some(&note),
                        None,
                        now,
                    )
                    .await?;
                }
                RecycleAction::Reroute => {
                    super::routing::route(&txn, l, super::routing::Occasion::Recycled, now).await?;
                }
            }
            notifications::notify(
                &txn,
                clock.owner_id,
                NotificationKind::SlaRecycled,
                Some(lead_id),
                &name,
                data,
                now,
            )
            .await?;
        }
        other => {
            tracing::warn!(step = other, "unknown SLA step");
            return Ok(());
        }
    }
    txn.commit().await?;
    queue.wake();
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Inactivity
// ---------------------------------------------------------------------------------------

/// Makes sure the daily inactivity sweep is booked.
pub(crate) async fn schedule_inactivity_sweep(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    jobs::ensure_pending(db, INACTIVITY_JOB, now).await?;
    Ok(())
}

pub async fn schedule(db: &DatabaseConnection) -> DomainResult<()> {
    schedule_inactivity_sweep(db, Utc::now()).await
}

/// Returns open leads nobody worked on for their policy's inactivity days to the pool,
/// then books tomorrow's sweep.
pub async fn run_inactivity(
    db: &DatabaseConnection,
    queue: &Queue,
    now: DateTime<Utc>,
    _job: &Job,
) -> anyhow::Result<()> {
    let policies = sla_policy::Entity::find().all(db).await?;
    let users = user::Entity::find().all(db).await?;
    let with_team_policy: Vec<Uuid> = policies.iter().filter_map(|p| p.team_id).collect();
    for policy in policies.iter() {
        let Some(days) = policy.inactivity_days.filter(|d| *d > 0) else {
            continue;
        };
        let owners: Vec<Uuid> = users
            .iter()
            .filter(|u| match policy.team_id {
                Some(t) => u.team_id == Some(t),
                None => u.team_id.is_none_or(|t| !with_team_policy.contains(&t)),
            })
            .map(|u| u.id)
            .collect();
        if owners.is_empty() {
            continue;
        }
        let cutoff = now - chrono::Duration::days(i64::from(days));
        loop {
            let txn = super::begin_write(db).await?;
            let quiet = lead::Entity::find()
                .filter(lead::Column::OwnerId.is_in(owners.clone()))
                .filter(lead::Column::MergedInto.is_null())
                .filter(lead::Column::Stage.is_in(super::scoring::open_stages()))
                .filter(lead::Column::LastActivityAt.lt(cutoff))
                .limit(SWEEP_BATCH)
                .all(&txn)
                .await?;
            let n = quiet.len() as u64;
            for l in quiet {
                let former = l.owner_id;
                let (id, name) = (l.id, l.person_name.clone());
                let note = format!("no activity for {days} days");
                assignments::record_owner_change(
                    &txn,
                    Actor::system(),
                    l,
                    None,
                    AssignmentReason::SlaRecycle,
                    Some(&note),
                    None,
                    now,
                )
                .await?;
                if let Some(former) = former {
                    notifications::notify(
                        &txn,
                        former,
                        NotificationKind::SlaRecycled,
                        Some(id),
                        &name,
                        serde_json::json!({ "step": "inactivity", "days": days }),
                        now,
                    )
                    .await?;
                }
            }
            txn.commit().await?;
            if n < SWEEP_BATCH {
                break;
            }
        }
    }
    jobs::enqueue(
        db,
        INACTIVITY_JOB,
        serde_json::json!({}),
        now + chrono::Duration::days(1),
    )
    .await?;
    queue.wake();
    Ok(())
}
