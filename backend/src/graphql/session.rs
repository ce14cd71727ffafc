//! Signing in and out, refreshing a session, and `me`.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::types::User;
use super::ClientIp;
use crate::app::AppState;
use crate::domain::{sessions, users};

#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// The signed-in user.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let state = ctx.data_unchecked::<AppState>();
        let me = current_user(ctx)?;
        users::find(&state.db, me.id)
            .await
            .map_err(internal)?
            .map(User)
            .ok_or_else(|| super::ErrorCode::Unauthenticated.error("the account no longer exists"))
    }
}

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <accessToken>`.
    pub access_token: Option<String>,
    /// Trade for a new access token with `refreshSession` before `expiresIn` runs out.
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: Option<i64>,
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct RefreshSessionInput {
    pub refresh_token: String,
}

#[derive(SimpleObject)]
pub struct RefreshSessionPayload {
    pub access_token: Option<String>,
    /// The next refresh token; the one sent is used up.
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct LogoutInput {
    pub refresh_token: String,
}

#[derive(SimpleObject)]
pub struct LogoutPayload {
    pub logged_out: bool,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
    /// Signs in with email and password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        input: LoginInput,
    ) -> async_graphql::Result<LoginPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let ip = ctx.data_unchecked::<ClientIp>().0;
        let keys = &state.keys;
        let result = sessions::login(
            &state.db,
            keys,
            &state.login_throttle,
            ip,
            &input.email,
            &input.password,
        )
        .await;
        Ok(match payload(result)? {
            Ok(s) => LoginPayload {
                access_token: Some(s.access_token),
                refresh_token: Some(s.refresh_token),
                expires_in: Some(s.expires_in),
                user: Some(User(s.user)),
                user_errors: vec![],
            },
            Err(user_errors) => LoginPayload {
                access_token: None,
                refresh_token: None,
                expires_in: None,
                user: None,
                user_errors,
            },
        })
    }

    /// Trades a refresh token for a fresh access token and the next refresh token.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        input: RefreshSessionInput,
    ) -> async_graphql::Result<RefreshSessionPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let result = sessions::refresh(&state.db, &state.keys, &input.refresh_token).await;
        Ok(match payload(result)? {
            Ok(s) => RefreshSessionPayload {
                access_token: Some(s.access_token),
                refresh_token: Some(s.refresh_token),
                expires_in: Some(s.expires_in),
                user_errors: vec![],
            },
            Err(user_errors) => RefreshSessionPayload {
                access_token: None,
                refresh_token: None,
                expires_in: None,
                user_errors,
            },
        })
    }

    /// Ends the sign-in: its refresh token and its access tokens stop working.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        input: LogoutInput,
    ) -> async_graphql::Result<LogoutPayload> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(
            match payload(sessions::logout(&state.db, &input.refresh_token).await)? {
                Ok(()) => LogoutPayload {
                    logged_out: true,
                    user_errors: vec![],
                },
                Err(user_errors) => LogoutPayload {
                    logged_out: false,
                    user_errors,
                },
            },
        )
    }
}
