//! Who gets a new lead, decided in the transaction that captured it (or made it an
//! MQL), by the routing rules an admin designed.
//!
//! The decision itself is `leadflow_shared::routing` — the same code the designer's
//! simulation runs in the browser. This module feeds it: the rules in force, the
//! people (active, away, how many open leads), the teams, and where each round robin
//! stands. The round-robin state is one row that every decision locks (`FOR UPDATE` on
//! PostgreSQL; SQLite writes one transaction at a time anyway), so leads captured at
//! the same moment on several servers take turns one after another: no turn is given
//! twice and none is skipped.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use leadflow_shared::routing::{
    Decision, Directory, KnownUser, LeadArrival, RepState, Rotation, RoutingLead, RoutingRules,
    Team, TeamState,
};
use leadflow_shared::{AssignmentReason, LeadStage, Role, RoutingTrigger, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{assignments, audit, Actor};
use crate::entity::{campaign, lead, routing_config, routing_state, team, user};
use crate::error::{DomainError, DomainResult, Invalid};

/// The rules in force.
#[derive(Debug, Clone)]
pub struct Config {
    /// 0: nothing saved yet (every lead waits in the pool).
    pub version: i32,
    pub rules: RoutingRules,
    pub trigger: RoutingTrigger,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<Uuid>,
}

/// The newest saved rules, or the default (everything to the pool).
pub async fn current(db: &impl ConnectionTrait) -> DomainResult<Config> {
    super::memo::remembered(|m| &mut m.routing, current_uncached(db)).await
}

async fn current_uncached(db: &impl ConnectionTrait) -> DomainResult<Config> {
    let row = routing_config::Entity::find()
        .order_by_desc(routing_config::Column::Version)
        .one(db)
        .await?;
    let Some(row) = row else {
        return Ok(Config {
            version: 0,
            rules: RoutingRules::default(),
            trigger: RoutingTrigger::OnCapture,
            updated_at: None,
            updated_by: None,
        });
    };
    let rules = serde_json::from_value(row.rules.clone())
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("stored routing rules: {e}")))?;
    Ok(Config {
        version: row.version,
        rules,
        trigger: RoutingTrigger::parse(&row.trigger).unwrap_or_default(),
        updated_at: Some(row.created_at),
        updated_by: row.created_by,
    })
}

/// Users, teams and campaigns as the rules may name them.
pub async fn directory(db: &impl ConnectionTrait) -> DomainResult<Directory> {
    let users = user::Entity::find().all(db).await?;
    let teams = team::Entity::find().all(db).await?;
    let campaign_ids: Vec<Uuid> = campaign::Entity::find()
        .select_only()
        .column(campaign::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Directory {
        users: users
            .iter()
            .map(|u| {
                (
                    u.id.to_string(),
                    KnownUser {
                        name: u.name.clone(),
                        active: u.active,
                    },
                )
            })
            .collect(),
        teams: teams_of(&teams, &users),
        campaign_ids: campaign_ids.iter().map(Uuid::to_string).collect(),
    })
}

/// Teams and the reps in them: round robins and least-loaded rules hand leads to reps,
/// not to the team's manager.
fn teams_of(teams: &[team::Model], users: &[user::Model]) -> BTreeMap<String, Team> {
    teams
        .iter()
        .map(|t| {
            let mut member_ids: Vec<String> = users
                .iter()
                .filter(|u| u.team_id == Some(t.id) && Role::from(u.role) == Role::Rep)
                .map(|u| u.id.to_string())
                .collect();
            member_ids.sort();
            (
                t.id.to_string(),
                Team {
                    name: t.name.clone(),
                    member_ids,
                },
            )
        })
        .collect()
}

/// Checks and stores a new version of the rules. `expected_version` guards against
/// overwriting someone else's save made meanwhile.
pub async fn save(
    db: &DatabaseConnection,
    actor: Actor,
    rules: serde_json::Value,
    trigger: RoutingTrigger,
    expected_version: Option<i32>,
) -> DomainResult<Config> {
    let rules: RoutingRules = serde_json::from_value(rules).map_err(|e| {
        DomainError::Invalid(vec![Invalid::owned(
            "rules".to_string(),
            UserErrorCode::Invalid,
            format!("not a routing rule set: {e}"),
        )])
    })?;
    let txn = super::begin_write(db).await?;
    let directory = directory(&txn).await?;
    rules.validate(&directory).map_err(|errors| {
        DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| Invalid::owned(e.path, e.code, e.message))
                .collect(),
        )
    })?;
    let now_config = current(&txn).await?;
    if let Some(expected) = expected_version {
        if expected != now_config.version {
            return Err(DomainError::invalid(
                "expectedVersion",
                UserErrorCode::Conflict,
                format!(
                    "someone saved version {} meanwhile; reload to see it",
                    now_config.version
                ),
            ));
        }
    }
    let version = now_config.version + 1;
    let value = serde_json::to_value(&rules).map_err(|e| DomainError::Internal(e.into()))?;
    let now = Utc::now();
    let saved = routing_config::ActiveModel {
        id: Set(Uuid::now_v7()),
        version: Set(version),
        rules: Set(value),
        trigger: Set(trigger.as_str().to_string()),
        created_by: Set(actor.user_id),
        created_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if super::is_unique_violation(&e) {
            DomainError::invalid(
                "expectedVersion",
                UserErrorCode::Conflict,
                "someone saved the routing rules at the same moment; reload to see theirs",
            )
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "routing.saved",
        Some(saved.id),
        serde_json::json!({ "version": version, "rules": rules.rules.len() }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(version, "routing rules saved");
    Ok(Config {
        version,
        rules,
        trigger,
        updated_at: Some(now),
        updated_by: actor.user_id,
    })
}

/// Open leads per owner, as the database keeps them (`owner_loads`, maintained by
/// triggers on `leads`).
pub async fn open_loads(db: &impl ConnectionTrait) -> DomainResult<BTreeMap<Uuid, u32>> {
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT owner_id, open_leads FROM owner_loads WHERE open_leads > 0",
        ))
        .await?;
    let mut out = BTreeMap::new();
    for row in rows {
        let owner: Uuid = row.try_get("", "owner_id")?;
        let open: i64 = row.try_get("", "open_leads")?;
        out.insert(owner, u32::try_from(open).unwrap_or(0));
    }
    Ok(out)
}

/// Every user and team (the memo's `people`).
pub(crate) async fn people(db: &impl ConnectionTrait) -> DomainResult<super::memo::People> {
    super::memo::remembered(|m| &mut m.people, async {
        Ok::<_, DomainError>(Arc::new((
            user::Entity::find().all(db).await?,
            team::Entity::find().all(db).await?,
        )))
    })
    .await
}

/// Everyone routing may hand a lead to, as of now, with the stored rotations.
/// `passed_over` counts as away (a recycled lead does not go back to its owner).
pub async fn team_state(
    db: &impl ConnectionTrait,
    rotations: BTreeMap<String, Rotation>,
    passed_over: Option<Uuid>,
) -> DomainResult<TeamState> {
    let people = people(db).await?;
    let (users, teams) = (&people.0, &people.1);
    let loads = open_loads(db).await?;
    let reps = users
        .iter()
        .filter(|u| Role::from(u.role) != Role::Marketer)
        .map(|u| {
            (
                u.id.to_string(),
                RepState {
                    name: u.name.clone(),
                    active: u.active,
                    away: u.away || Some(u.id) == passed_over,
                    capacity: u32::try_from(u.capacity).ok(),
                    open_leads: loads.get(&u.id).copied().unwrap_or(0),
                    open_pipeline_amount: 0,
                },
            )
        })
        .collect();
    Ok(TeamState {
        reps,
        teams: teams_of(teams, users),
        rotations,
    })
}

fn routing_lead(l: &lead::Model, campaign_name: Option<String>) -> RoutingLead {
    RoutingLead {
        lead: super::scoring::scoring_lead(l, campaign_name),
        score: l.total_score,
        campaign_id: l.campaign_id.map(|c| c.to_string()),
    }
}

async fn campaign_name(db: &impl ConnectionTrait, l: &lead::Model) -> DomainResult<Option<String>> {
    let Some(id) = l.campaign_id else {
        return Ok(None);
    };
    Ok(campaign::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|c| c.name))
}

/// Reads the rotations under a lock held until the caller's transaction ends.
async fn lock_rotations(db: &impl ConnectionTrait) -> DomainResult<BTreeMap<String, Rotation>> {
    let mut query = routing_state::Entity::find_by_id(1);
    if db.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    let row = query.one(db).await?;
    Ok(row
        .and_then(|r| serde_json::from_value(r.rotations).ok())
        .unwrap_or_default())
}

/// Why routing ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    Captured,
    BecameMql,
    /// The SLA ran out: route again, passing over the owner who let it wait.
    Recycled,
}

/// Routes `l` if the rules in force say so for `occasion`, inside the caller's
/// transaction: decides, advances the round robin, and records the owner change (or
/// the pool) with the rule and the reason. Gives the lead as it is afterwards.
pub(crate) async fn route(
    db: &impl ConnectionTrait,
    l: lead::Model,
    occasion: Occasion,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    if l.merged_into.is_some() {
        return Ok(l);
    }
    let config = current(db).await?;
    let wanted = match occasion {
        // A lead captured straight into MQL was routed by that trigger already.
        Occasion::Captured => {
            config.trigger.on_capture()
                && l.owner_id.is_none()
                && !(config.trigger.on_mql() && l.stage == LeadStage::Mql.as_str())
        }
        Occasion::BecameMql => config.trigger.on_mql() && l.owner_id.is_none(),
        Occasion::Recycled => true,
    };
    // Nothing saved yet: leads wait in the pool, as they always did.
    if !wanted || (config.version == 0 && occasion != Occasion::Recycled) {
        return Ok(l);
    }
    let compiled = config.rules.compile().map_err(|errors| {
        DomainError::Internal(anyhow::anyhow!(
            "stored routing rules do not compile: {}",
            errors
                .iter()
                .map(|e| format!("{}: {}", e.path, e.message))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    })?;
    let rotations = lock_rotations(db).await?;
    let passed_over = (occasion == Occasion::Recycled)
        .then_some(l.owner_id)
        .flatten();
    let state = team_state(db, rotations.clone(), passed_over).await?;
    let input = routing_lead(&l, campaign_name(db, &l).await?);
    let decision = compiled.decide(&input, &state, now);
    if let Some(advance) = &decision.advance {
        let mut rotations = rotations;
        rotations.insert(advance.key.clone(), advance.rotation.clone());
        let value =
            serde_json::to_value(&rotations).map_err(|e| DomainError::Internal(e.into()))?;
        routing_state::Entity::update_many()
            .col_expr(routing_state::Column::Rotations, Expr::value(value))
            .col_expr(routing_state::Column::UpdatedAt, Expr::value(now))
            .filter(routing_state::Column::Id.eq(1))
            .exec(db)
            .await?;
    }
    apply(db, l, &config.rules, &decision, occasion, now).await
}

fn rule_label(rules: &RoutingRules, decision: &Decision) -> Option<String> {
    match decision.rule_id.as_deref() {
        None => None,
        Some(id) => rules
            .rules
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.label.clone())
            .or_else(|| Some(id.to_string())),
    }
}

async fn apply(
    db: &impl ConnectionTrait,
    l: lead::Model,
    rules: &RoutingRules,
    decision: &Decision,
    occasion: Occasion,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    let owner = decision
        .owner
        .as_deref()
        .and_then(|id| Uuid::parse_str(id).ok());
    let label = rule_label(rules, decision);
    let label = Some(label.unwrap_or_else(|| "fallback".to_string()));
    let reason = match occasion {
        Occasion::Recycled => AssignmentReason::SlaRecycle,
        _ => AssignmentReason::Rule,
    };
    let note: String = decision.reason.chars().take(500).collect();
    assignments::record_owner_change(
        db,
        Actor::system(),
        l,
        owner,
        reason,
        Some(&note),
        label.as_deref(),
        now,
    )
    .await
}

/// The last `days` days of real leads, oldest first, and the team as it stands, for
/// the designer's simulation in the browser.
pub struct Simulation {
    pub days: u32,
    pub arrivals: Vec<LeadArrival>,
    pub team_state: TeamState,
    pub directory: Directory,
}

/// The most leads a simulation replays.
pub const MAX_SIMULATED: u64 = 5_000;

/// Only leads `visibility` lets the designer see are replayed: a manager simulates
/// with their teams' leads and the pool.
pub async fn simulation(
    db: &DatabaseConnection,
    visibility: &super::leads::Visibility,
    days: u32,
    now: DateTime<Utc>,
) -> DomainResult<Simulation> {
    if !(1..=90).contains(&days) {
        return Err(DomainError::invalid(
            "days",
            UserErrorCode::Invalid,
            "simulate between 1 and 90 days",
        ));
    }
    let since = now - chrono::Duration::days(i64::from(days));
    let mut leads = lead::Entity::find()
        .filter(lead::Column::CreatedAt.gte(since))
        .filter(lead::Column::MergedInto.is_null())
        .filter(visibility.condition())
        .order_by_desc(lead::Column::CreatedAt)
        .limit(MAX_SIMULATED)
        .all(db)
        .await?;
    leads.reverse();
    let campaigns: BTreeMap<Uuid, String> = campaign::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let arrivals = leads
        .iter()
        .map(|l| LeadArrival {
            at: l.created_at,
            lead: routing_lead(l, l.campaign_id.and_then(|c| campaigns.get(&c).cloned())),
        })
        .collect();
    let rotations = routing_state::Entity::find_by_id(1)
        .one(db)
        .await?
        .and_then(|r| serde_json::from_value(r.rotations).ok())
        .unwrap_or_default();
    Ok(Simulation {
        days,
        arrivals,
        team_state: team_state(db, rotations, None).await?,
        directory: directory(db).await?,
    })
}
