//! Routing rules, the claim pool, who is away, and SLA policies over GraphQL.

use async_graphql::{Context, InputObject, Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::sla::{RecycleAction, SlaPolicy as PolicyDefinition, SlaState};
use leadflow_shared::{Role, RoutingTrigger};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::leads::{actor, visibility, Lead};
use super::loaders::{Teams, Users};
use super::types::{Team, User};
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::{pool, routing, sla, users};
use crate::entity::{lead_sla, sla_policy};

/// Who designs routing rules.
const DESIGNERS: &[Role] = &[Role::Admin, Role::Marketer];
/// Who may read them.
const READERS: &[Role] = &[Role::Admin, Role::Marketer, Role::Manager];
/// Who may claim from the pool.
const CLAIMERS: &[Role] = &[Role::Admin, Role::Manager, Role::Rep];

pub struct RoutingConfig(pub routing::Config);

#[Object]
impl RoutingConfig {
    /// 0 before anything was saved (every lead waits in the pool).
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The rules (`leadflow_shared::routing::RoutingRules`).
    async fn rules(&self) -> async_graphql::Result<Json<serde_json::Value>> {
        Ok(Json(serde_json::to_value(&self.0.rules).map_err(internal)?))
    }
    async fn trigger(&self) -> RoutingTrigger {
        self.0.trigger
    }
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.0.updated_at
    }
    async fn updated_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.updated_by else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(User))
    }
}

/// Real leads of the last days and the team as it stands, for simulating rules in the
/// browser with the same code the server decides with.
#[derive(SimpleObject)]
pub struct RoutingSimulationData {
    pub days: i32,
    /// `Vec<LeadArrival>`, oldest first.
    pub arrivals: Json<serde_json::Value>,
    /// `TeamState` now.
    pub team_state: Json<serde_json::Value>,
    /// `Directory` for validation.
    pub directory: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
pub struct PoolClaimStatus {
    #[graphql(name = "claimedLast24h")]
    pub claimed_last24h: i32,
    pub limit: i32,
    pub remaining: i32,
}

pub struct SlaPolicy(pub sla_policy::Model);

#[Object]
impl SlaPolicy {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// `null`: the default policy, for owners whose team has none.
    async fn team(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Team>> {
        let Some(id) = self.0.team_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Teams>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(Team))
    }
    /// `WorkingHours`: `{utcOffsetMinutes, periods: [{days, from, to}]}`.
    async fn working_hours(&self) -> Json<serde_json::Value> {
        Json(self.0.working_hours.clone())
    }
    async fn remind_after_minutes(&self) -> i32 {
        self.0.remind_after_minutes
    }
    async fn escalate_after_minutes(&self) -> i32 {
        self.0.escalate_after_minutes
    }
    async fn recycle_after_minutes(&self) -> i32 {
        self.0.recycle_after_minutes
    }
    async fn recycle_action(&self) -> RecycleAction {
        RecycleAction::parse(&self.0.recycle_action).unwrap_or_default()
    }
    async fn inactivity_days(&self) -> Option<i32> {
        self.0.inactivity_days
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A lead's first-contact clock under its current owner.
pub struct LeadSla(pub lead_sla::Model);

#[Object]
impl LeadSla {
    async fn policy_name(&self) -> &str {
        &self.0.policy_name
    }
    async fn state(&self) -> SlaState {
        SlaState::parse(&self.0.state).unwrap_or(SlaState::Cancelled)
    }
    /// When the owner got the lead.
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    async fn remind_at(&self) -> DateTime<Utc> {
        self.0.remind_at
    }
    async fn escalate_at(&self) -> DateTime<Utc> {
        self.0.escalate_at
    }
    async fn recycle_at(&self) -> DateTime<Utc> {
        self.0.recycle_at
    }
    /// The first contact, when it came.
    async fn met_at(&self) -> Option<DateTime<Utc>> {
        self.0.met_at
    }
}

/// The lead's latest first-contact clock, if one ran.
pub async fn lead_sla(
    ctx: &Context<'_>,
    lead: &crate::entity::lead::Model,
) -> async_graphql::Result<Option<LeadSla>> {
    let state = ctx.data_unchecked::<AppState>();
    let clock = sla::current_clock(&state.db, lead.id)
        .await
        .map_err(internal)?;
    Ok(clock.map(LeadSla))
}

#[derive(Default)]
pub struct RoutingQuery;

#[Object]
impl RoutingQuery {
    /// The routing rules in force.
    #[graphql(guard = "RoleGuard::new(READERS)")]
    async fn routing_config(&self, ctx: &Context<'_>) -> async_graphql::Result<RoutingConfig> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(RoutingConfig(
            routing::current(&state.db).await.map_err(internal)?,
        ))
    }

    /// The leads of the last `days` days (at most 5,000) and the team, to simulate rules.
    #[graphql(guard = "RoleGuard::new(READERS)")]
    async fn routing_simulation_data(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 7)] days: i32,
    ) -> async_graphql::Result<RoutingSimulationData> {
        let state = ctx.data_unchecked::<AppState>();
        let days = u32::try_from(days).unwrap_or(0);
        let me = current_user(ctx)?;
        let visibility = crate::domain::leads::Visibility::for_user(&state.db, me.id, me.role)
            .await
            .map_err(internal)?;
        let sim = match routing::simulation(&state.db, &visibility, days, Utc::now()).await {
            Ok(sim) => sim,
            Err(crate::error::DomainError::Invalid(problems)) => {
                return Err(super::errors::ErrorCode::BadRequest.error(
                    problems
                        .into_iter()
                        .map(|p| p.message)
                        .collect::<Vec<_>>()
                        .join("; "),
                ))
            }
            Err(other) => return Err(internal(other)),
        };
        let json = |v: serde_json::Result<serde_json::Value>| v.map(Json).map_err(internal);
        Ok(RoutingSimulationData {
            days: sim.days as i32,
            arrivals: json(serde_json::to_value(&sim.arrivals))?,
            team_state: json(serde_json::to_value(&sim.team_state))?,
            directory: json(serde_json::to_value(&sim.directory))?,
        })
    }

    /// How many leads the signed-in user claimed in the last 24 hours, of how many.
    #[graphql(guard = "RoleGuard::new(CLAIMERS)")]
    async fn pool_claim_status(&self, ctx: &Context<'_>) -> async_graphql::Result<PoolClaimStatus> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let status = pool::status(
            &state.db,
            me.id,
            state.config.pool_claims_per_day,
            Utc::now(),
        )
        .await
        .map_err(internal)?;
        Ok(PoolClaimStatus {
            claimed_last24h: status.claimed_last_24h as i32,
            limit: status.limit as i32,
            remaining: status.remaining() as i32,
        })
    }

    #[graphql(guard = "RoleGuard::admin_or_manager()")]
    async fn sla_policies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SlaPolicy>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(sla::policies(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(SlaPolicy)
            .collect())
    }
}

#[derive(InputObject)]
pub struct RoutingConfigSaveInput {
    /// `leadflow_shared::routing::RoutingRules`.
    pub rules: Json<serde_json::Value>,
    pub trigger: RoutingTrigger,
    /// The version the designer started from; a save made meanwhile is not overwritten.
    pub expected_version: Option<i32>,
}

#[derive(SimpleObject)]
pub struct RoutingConfigSavePayload {
    pub routing: Option<RoutingConfig>,
    /// `field` is the path inside the rules (`rules[2].strategy.teamId`).
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LeadClaimInput {
    pub lead_id: ID,
}

#[derive(SimpleObject)]
pub struct LeadClaimPayload {
    pub lead: Option<Lead>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UserSetAwayInput {
    pub user_id: ID,
    pub away: bool,
}

#[derive(SimpleObject)]
pub struct UserSetAwayPayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SlaPolicySaveInput {
    /// Absent: a new policy.
    pub id: Option<ID>,
    pub name: String,
    /// Absent: the default policy.
    pub team_id: Option<ID>,
    pub working_hours: Json<serde_json::Value>,
    pub remind_after_minutes: i32,
    pub escalate_after_minutes: i32,
    pub recycle_after_minutes: i32,
    pub recycle_action: RecycleAction,
    pub inactivity_days: Option<i32>,
}

#[derive(SimpleObject)]
pub struct SlaPolicySavePayload {
    pub policy: Option<SlaPolicy>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct SlaPolicyDeleteInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct SlaPolicyDeletePayload {
    pub deleted_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

fn minutes(field: &'static str, value: i32) -> Result<u32, UserError> {
    u32::try_from(value).map_err(|_| UserError {
        field: Some(field.to_string()),
        message: "must not be negative".to_string(),
        code: leadflow_shared::UserErrorCode::Invalid,
    })
}

#[derive(Default)]
pub struct RoutingMutation;

#[Object]
impl RoutingMutation {
    /// Saves a new version of the routing rules. Rules naming deleted users or teams, a
    /// round robin over a team without active members, a calendar without working
    /// hours... are refused, each problem naming its place.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn routing_config_save(
        &self,
        ctx: &Context<'_>,
        input: RoutingConfigSaveInput,
    ) -> async_graphql::Result<RoutingConfigSavePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let saved = routing::save(
            &state.db,
            actor(ctx)?,
            input.rules.0,
            input.trigger,
            input.expected_version,
        )
        .await;
        Ok(match payload(saved)? {
            Ok(config) => RoutingConfigSavePayload {
                routing: Some(RoutingConfig(config)),
                user_errors: vec![],
            },
            Err(user_errors) => RoutingConfigSavePayload {
                routing: None,
                user_errors,
            },
        })
    }

    /// Takes a lead from the pool. When two reps claim the same lead at once, one gets
    /// it and the other a userError.
    #[graphql(guard = "RoleGuard::new(CLAIMERS)")]
    async fn lead_claim(
        &self,
        ctx: &Context<'_>,
        input: LeadClaimInput,
    ) -> async_graphql::Result<LeadClaimPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let id = parse_id("leadId", &input.lead_id)?;
        let Some(visibility) = visibility(ctx).await? else {
            return Err(super::errors::ErrorCode::Forbidden.error("your role does not allow this"));
        };
        let claimed = pool::claim(
            &state.db,
            me.id,
            &visibility,
            id,
            state.config.pool_claims_per_day,
        )
        .await;
        Ok(match payload(claimed)? {
            Ok(lead) => LeadClaimPayload {
                lead: Some(Lead(lead)),
                user_errors: vec![],
            },
            Err(user_errors) => LeadClaimPayload {
                lead: None,
                user_errors,
            },
        })
    }

    /// Marks a user away (routing passes them over) or back. Anyone for themselves,
    /// managers for their teams, admins for everyone.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn user_set_away(
        &self,
        ctx: &Context<'_>,
        input: UserSetAwayInput,
    ) -> async_graphql::Result<UserSetAwayPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let id = parse_id("userId", &input.user_id)?;
        let changed = users::set_away(
            &state.db,
            &state.events,
            actor(ctx)?,
            me.role,
            id,
            input.away,
        )
        .await;
        Ok(match payload(changed)? {
            Ok(user) => UserSetAwayPayload {
                user: Some(User(user)),
                user_errors: vec![],
            },
            Err(user_errors) => UserSetAwayPayload {
                user: None,
                user_errors,
            },
        })
    }

    /// Creates or changes an SLA policy: the default one, or one team's.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn sla_policy_save(
        &self,
        ctx: &Context<'_>,
        input: SlaPolicySaveInput,
    ) -> async_graphql::Result<SlaPolicySavePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = input.id.as_ref().map(|id| parse_id("id", id)).transpose()?;
        let team_id = input
            .team_id
            .as_ref()
            .map(|id| parse_id("teamId", id))
            .transpose()?;
        let refused = |user_errors| SlaPolicySavePayload {
            policy: None,
            user_errors,
        };
        let working_hours = match serde_json::from_value(input.working_hours.0) {
            Ok(h) => h,
            Err(e) => {
                return Ok(refused(vec![UserError {
                    field: Some("workingHours".to_string()),
                    message: format!("not a calendar: {e}"),
                    code: leadflow_shared::UserErrorCode::Invalid,
                }]))
            }
        };
        let numbers = (
            minutes("remindAfterMinutes", input.remind_after_minutes),
            minutes("escalateAfterMinutes", input.escalate_after_minutes),
            minutes("recycleAfterMinutes", input.recycle_after_minutes),
            input
                .inactivity_days
                .map(|d| minutes("inactivityDays", d))
                .transpose(),
        );
        let (remind, escalate, recycle, inactivity) = match numbers {
            (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
            (a, b, c, d) => {
                let errors = [a.err(), b.err(), c.err(), d.err()]
                    .into_iter()
                    .flatten()
                    .collect();
                return Ok(refused(errors));
            }
        };
        let policy = PolicyDefinition {
            name: input.name,
            working_hours,
            remind_after_minutes: remind,
            escalate_after_minutes: escalate,
            recycle_after_minutes: recycle,
            recycle_action: input.recycle_action,
            inactivity_days: inactivity,
        };
        let saved = sla::save_policy(
            &state.db,
            actor(ctx)?,
            sla::PolicyInput {
                id,
                team_id,
                policy,
            },
        )
        .await;
        Ok(match payload(saved)? {
            Ok(row) => SlaPolicySavePayload {
                policy: Some(SlaPolicy(row)),
                user_errors: vec![],
            },
            Err(user_errors) => refused(user_errors),
        })
    }

    #[graphql(guard = "RoleGuard::admin()")]
    async fn sla_policy_delete(
        &self,
        ctx: &Context<'_>,
        input: SlaPolicyDeleteInput,
    ) -> async_graphql::Result<SlaPolicyDeletePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(
            match payload(sla::delete_policy(&state.db, actor(ctx)?, id).await)? {
                Ok(()) => SlaPolicyDeletePayload {
                    deleted_id: Some(input.id),
                    user_errors: vec![],
                },
                Err(user_errors) => SlaPolicyDeletePayload {
                    deleted_id: None,
                    user_errors,
                },
            },
        )
    }
}
