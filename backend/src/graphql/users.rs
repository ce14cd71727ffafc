//! People administration: list, create, edit, deactivate; the live `userChanges` feed.

use async_graphql::{
    Context, Enum, InputObject, MaybeUndefined, Object, SimpleObject, Subscription, ID,
};
use futures_util::Stream;
use leadflow_shared::Role;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;
use uuid::Uuid;

use super::errors::{bad_id, internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::types::{page, page_window, PageInfo, User};
use crate::app::AppState;
use crate::domain::{users, Actor};
use crate::events::UserChangeKind as DomainKind;

pub(super) fn parse_id(field: &str, id: &ID) -> async_graphql::Result<Uuid> {
    Uuid::parse_str(id.as_str()).map_err(|_| bad_id(field))
}

#[derive(SimpleObject)]
pub struct UserEdge {
    pub node: User,
    pub cursor: String,
}

#[derive(SimpleObject)]
pub struct UserConnection {
    pub edges: Vec<UserEdge>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

#[derive(Default)]
pub struct UsersQuery;

#[Object]
impl UsersQuery {
    /// Everyone with an account, sorted by name; `search` matches name or email.
    #[graphql(
        guard = "RoleGuard::admin_or_manager()",
        complexity = "first.unwrap_or(50).max(0) as usize * child_complexity"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
    ) -> async_graphql::Result<UserConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let (offset, limit) = page_window(first, after.as_deref(), 200)?;
        let (rows, total) = users::list(&state.db, search.as_deref(), offset, limit)
            .await
            .map_err(internal)?;
        let (edges, page_info) = page(rows, offset, total, |u, cursor| UserEdge {
            node: User(u),
            cursor,
        });
        Ok(UserConnection {
            page_info,
            edges,
            total_count: total as i64,
        })
    }
}

#[derive(InputObject)]
pub struct UserCreateInput {
    pub email: String,
    pub name: String,
    /// At least 10 characters.
    pub password: String,
    pub role: Role,
    pub team_id: Option<ID>,
    pub regions: Option<Vec<String>>,
    pub industries: Option<Vec<String>>,
    /// Open leads the user can hold; 200 when omitted.
    pub capacity: Option<i32>,
}

#[derive(SimpleObject)]
pub struct UserCreatePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UserUpdateInput {
    pub id: ID,
    pub name: Option<String>,
    pub role: Option<Role>,
    /// Omit to keep the team, `null` to remove the user from their team.
    pub team_id: MaybeUndefined<ID>,
    pub regions: Option<Vec<String>>,
    pub industries: Option<Vec<String>>,
    pub capacity: Option<i32>,
}

#[derive(SimpleObject)]
pub struct UserUpdatePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UserDeactivateInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct UserDeactivatePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UserReactivateInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct UserReactivatePayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

fn split_user(
    result: crate::error::DomainResult<crate::entity::user::Model>,
) -> async_graphql::Result<(Option<User>, Vec<UserError>)> {
    Ok(match payload(result)? {
        Ok(u) => (Some(User(u)), vec![]),
        Err(errors) => (None, errors),
    })
}

#[derive(Default)]
pub struct UsersMutation;

#[Object]
impl UsersMutation {
    #[graphql(guard = "RoleGuard::admin()")]
    async fn user_create(
        &self,
        ctx: &Context<'_>,
        input: UserCreateInput,
    ) -> async_graphql::Result<UserCreatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let team_id = input
            .team_id
            .as_ref()
            .map(|id| parse_id("teamId", id))
            .transpose()?;
        let new = users::NewUser {
            email: input.email,
            name: input.name,
            password: input.password,
            role: input.role,
            team_id,
            regions: input.regions.unwrap_or_default(),
            industries: input.industries.unwrap_or_default(),
            capacity: input.capacity,
        };
        let (user, user_errors) =
            split_user(users::create_user(&state.db, &state.events, actor, new).await)?;
        Ok(UserCreatePayload { user, user_errors })
    }

    #[graphql(guard = "RoleGuard::admin()")]
    async fn user_update(
        &self,
        ctx: &Context<'_>,
        input: UserUpdateInput,
    ) -> async_graphql::Result<UserUpdatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &input.id)?;
        let team_id = match input.team_id {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(id) => Some(Some(parse_id("teamId", &id)?)),
        };
        let patch = users::UserPatch {
            name: input.name,
            role: input.role,
            team_id,
            regions: input.regions,
            industries: input.industries,
            capacity: input.capacity,
        };
        let (user, user_errors) =
            split_user(users::update_user(&state.db, &state.events, actor, id, patch).await)?;
        Ok(UserUpdatePayload { user, user_errors })
    }

    /// Ends every session of the user and stops them signing in, keeping their history.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn user_deactivate(
        &self,
        ctx: &Context<'_>,
        input: UserDeactivateInput,
    ) -> async_graphql::Result<UserDeactivatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &input.id)?;
        let (user, user_errors) =
            split_user(users::set_active(&state.db, &state.events, actor, id, false).await)?;
        Ok(UserDeactivatePayload { user, user_errors })
    }

    #[graphql(guard = "RoleGuard::admin()")]
    async fn user_reactivate(
        &self,
        ctx: &Context<'_>,
        input: UserReactivateInput,
    ) -> async_graphql::Result<UserReactivatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &input.id)?;
        let (user, user_errors) =
            split_user(users::set_active(&state.db, &state.events, actor, id, true).await)?;
        Ok(UserReactivatePayload { user, user_errors })
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum UserChangeKind {
    Created,
    Updated,
    Deactivated,
    Reactivated,
}

impl From<DomainKind> for UserChangeKind {
    fn from(k: DomainKind) -> Self {
        match k {
            DomainKind::Created => UserChangeKind::Created,
            DomainKind::Updated => UserChangeKind::Updated,
            DomainKind::Deactivated => UserChangeKind::Deactivated,
            DomainKind::Reactivated => UserChangeKind::Reactivated,
        }
    }
}

#[derive(SimpleObject)]
pub struct UserChangeEvent {
    pub kind: UserChangeKind,
    pub user: User,
}

#[derive(Default)]
pub struct UsersSubscription;

#[Subscription]
impl UsersSubscription {
    /// Every change to an account, as it happens. Ends when the subscriber is deactivated.
    #[graphql(guard = "RoleGuard::admin_or_manager()")]
    async fn user_changes(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = UserChangeEvent>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let me = current_user(ctx)?.id;
        let events = BroadcastStream::new(state.events.subscribe_users())
            // A lagging subscriber skips what it missed rather than failing.
            .filter_map(Result::ok)
            .take_while(move |e| !(e.user_id == me && e.kind == DomainKind::Deactivated));
        Ok(events
            .then(move |event| {
                let db = state.db.clone();
                async move {
                    let user = users::find(&db, event.user_id).await.ok().flatten();
                    user.map(|u| UserChangeEvent {
                        kind: event.kind.into(),
                        user: User(u),
                    })
                }
            })
            .filter_map(|e| e))
    }
}
