//! Teams: list, create, rename, set the manager.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::types::Team;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::{teams, Actor};

#[derive(Default)]
pub struct TeamsQuery;

#[Object]
impl TeamsQuery {
    /// Every team, by name.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn teams(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Team>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(teams::list(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(Team)
            .collect())
    }
}

#[derive(InputObject)]
pub struct TeamCreateInput {
    pub name: String,
    /// A user with the manager or admin role.
    pub manager_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct TeamCreatePayload {
    pub team: Option<Team>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct TeamUpdateInput {
    pub id: ID,
    pub name: Option<String>,
    /// Omit to keep the manager, `null` to leave the team without one.
    pub manager_id: MaybeUndefined<ID>,
}

#[derive(SimpleObject)]
pub struct TeamUpdatePayload {
    pub team: Option<Team>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct TeamsMutation;

#[Object]
impl TeamsMutation {
    #[graphql(guard = "RoleGuard::admin()")]
    async fn team_create(
        &self,
        ctx: &Context<'_>,
        input: TeamCreateInput,
    ) -> async_graphql::Result<TeamCreatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let manager_id = input
            .manager_id
            .as_ref()
            .map(|id| parse_id("managerId", id))
            .transpose()?;
        Ok(
            match payload(teams::create(&state.db, actor, &input.name, manager_id).await)? {
                Ok(t) => TeamCreatePayload {
                    team: Some(Team(t)),
                    user_errors: vec![],
                },
                Err(user_errors) => TeamCreatePayload {
                    team: None,
                    user_errors,
                },
            },
        )
    }

    #[graphql(guard = "RoleGuard::admin()")]
    async fn team_update(
        &self,
        ctx: &Context<'_>,
        input: TeamUpdateInput,
    ) -> async_graphql::Result<TeamUpdatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &input.id)?;
        let manager_id = match input.manager_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(id) => Some(Some(parse_id("managerId", &id)?)),
        };
        Ok(
            match payload(
                teams::update(&state.db, actor, id, input.name.as_deref(), manager_id).await,
            )? {
                Ok(t) => TeamUpdatePayload {
                    team: Some(Team(t)),
                    user_errors: vec![],
                },
                Err(user_errors) => TeamUpdatePayload {
                    team: None,
                    user_errors,
                },
            },
        )
    }
}
