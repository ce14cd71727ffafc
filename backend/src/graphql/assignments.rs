//! Bulk actions on leads over GraphQL: assign (or release to the pool), tag, and move
//! through the lifecycle.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use leadflow_shared::{AssignmentReason, LeadStage};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::leads::{actor, visibility, Lead};
use super::loaders::Users;
use super::types::User;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::leads::Visibility;
use crate::domain::{assignments, lifecycle};
use crate::entity::assignment;

pub struct Assignment(pub assignment::Model);

#[Object]
impl Assignment {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn from(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.from_owner_id).await
    }
    /// `null`: released to the pool.
    async fn to(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.to_owner_id).await
    }
    async fn reason(&self) -> AssignmentReason {
        AssignmentReason::parse(&self.0.reason).unwrap_or(AssignmentReason::Manual)
    }
    /// Who made the change; `null` for automatic ones.
    async fn actor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        load_user(ctx, self.0.actor_user_id).await
    }
    /// Why: a manager's note, or for rule assignments the routing decision explained.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The routing rule that decided (`fallback` when none matched).
    async fn rule_label(&self) -> Option<&str> {
        self.0.rule_label.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

async fn load_user(
    ctx: &Context<'_>,
    id: Option<uuid::Uuid>,
) -> async_graphql::Result<Option<User>> {
    let Some(id) = id else { return Ok(None) };
    let loader = ctx.data_unchecked::<Users>();
    Ok(loader.load_one(id).await.map_err(internal)?.map(User))
}

#[derive(InputObject)]
pub struct LeadsAssignInput {
    pub lead_ids: Vec<ID>,
    /// The new owner; `null` releases the leads to the pool.
    pub owner_id: Option<ID>,
    pub note: Option<String>,
}

#[derive(InputObject)]
pub struct LeadsTagInput {
    pub lead_ids: Vec<ID>,
    pub add: Option<Vec<String>>,
    pub remove: Option<Vec<String>>,
}

#[derive(InputObject)]
pub struct LeadsMoveStageInput {
    pub lead_ids: Vec<ID>,
    pub stage: LeadStage,
    /// Required when the stage is LOST (e.g. price, competitor, no budget).
    pub lost_reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct LeadsPayload {
    pub leads: Vec<Lead>,
    pub user_errors: Vec<UserError>,
}

fn ids(field: &str, ids: &[ID]) -> async_graphql::Result<Vec<uuid::Uuid>> {
    ids.iter().map(|id| parse_id(field, id)).collect()
}

fn leads_payload(
    result: crate::error::DomainResult<Vec<crate::entity::lead::Model>>,
) -> async_graphql::Result<LeadsPayload> {
    Ok(match payload(result)? {
        Ok(leads) => LeadsPayload {
            leads: leads.into_iter().map(Lead).collect(),
            user_errors: vec![],
        },
        Err(user_errors) => LeadsPayload {
            leads: vec![],
            user_errors,
        },
    })
}

#[derive(Default)]
pub struct AssignmentsMutation;

#[Object]
impl AssignmentsMutation {
    /// Assigns leads to a person, or releases them to the pool. All or none.
    #[graphql(guard = "RoleGuard::admin_or_manager()")]
    async fn leads_assign(
        &self,
        ctx: &Context<'_>,
        input: LeadsAssignInput,
    ) -> async_graphql::Result<LeadsPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        let v = visibility(ctx)
            .await?
            .unwrap_or(Visibility::OwnersAndPool(vec![]));
        let lead_ids = ids("leadIds", &input.lead_ids)?;
        let owner = input
            .owner_id
            .as_ref()
            .map(|id| parse_id("ownerId", id))
            .transpose()?;
        leads_payload(
            assignments::assign(
                &state.db,
                actor(ctx)?,
                me.role,
                &v,
                &lead_ids,
                owner,
                input.note.as_deref(),
            )
            .await,
        )
    }

    /// Adds and removes tags on many leads at once.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn leads_tag(
        &self,
        ctx: &Context<'_>,
        input: LeadsTagInput,
    ) -> async_graphql::Result<LeadsPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = visibility(ctx)
            .await?
            .unwrap_or(Visibility::OwnersAndPool(vec![]));
        let lead_ids = ids("leadIds", &input.lead_ids)?;
        let (add, remove) = (
            input.add.unwrap_or_default(),
            input.remove.unwrap_or_default(),
        );
        leads_payload(assignments::tag(&state.db, actor(ctx)?, &v, &lead_ids, &add, &remove).await)
    }

    /// Moves leads to another lifecycle stage, as the stage machine allows. All or
    /// none; losing needs a reason.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn leads_move_stage(
        &self,
        ctx: &Context<'_>,
        input: LeadsMoveStageInput,
    ) -> async_graphql::Result<LeadsPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let v = visibility(ctx)
            .await?
            .unwrap_or(Visibility::OwnersAndPool(vec![]));
        let lead_ids = ids("leadIds", &input.lead_ids)?;
        leads_payload(
            lifecycle::move_stage(
                &state.db,
                actor(ctx)?,
                &v,
                &lead_ids,
                input.stage,
                input.lost_reason.as_deref(),
            )
            .await,
        )
    }
}
