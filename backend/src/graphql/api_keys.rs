//! API keys for integrations: list, create (the secret is returned once), revoke.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use leadflow_shared::ApiScope;

use super::errors::{internal, payload, UserError};
use super::guards::{current_user, RoleGuard};
use super::types::ApiKey;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::{api_keys, Actor};

#[derive(Default)]
pub struct ApiKeysQuery;

#[Object]
impl ApiKeysQuery {
    /// All keys, newest first, including revoked ones.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(api_keys::list(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(ApiKey)
            .collect())
    }
}

#[derive(InputObject)]
pub struct ApiKeyCreateInput {
    pub name: String,
    pub scopes: Vec<ApiScope>,
}

#[derive(SimpleObject)]
pub struct ApiKeyCreatePayload {
    pub api_key: Option<ApiKey>,
    /// The full key. Shown this once; store it in the integration now.
    pub secret: Option<String>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ApiKeyRevokeInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct ApiKeyRevokePayload {
    pub api_key: Option<ApiKey>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ApiKeysMutation;

#[Object]
impl ApiKeysMutation {
    #[graphql(guard = "RoleGuard::admin()")]
    async fn api_key_create(
        &self,
        ctx: &Context<'_>,
        input: ApiKeyCreateInput,
    ) -> async_graphql::Result<ApiKeyCreatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        Ok(
            match payload(api_keys::create(&state.db, actor, &input.name, &input.scopes).await)? {
                Ok((key, secret)) => ApiKeyCreatePayload {
                    api_key: Some(ApiKey(key)),
                    secret: Some(secret),
                    user_errors: vec![],
                },
                Err(user_errors) => ApiKeyCreatePayload {
                    api_key: None,
                    secret: None,
                    user_errors,
                },
            },
        )
    }

    /// Stops the key working at once.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn api_key_revoke(
        &self,
        ctx: &Context<'_>,
        input: ApiKeyRevokeInput,
    ) -> async_graphql::Result<ApiKeyRevokePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor = Actor::user(current_user(ctx)?.id);
        let id = parse_id("id", &input.id)?;
        Ok(
            match payload(api_keys::revoke(&state.db, actor, id).await)? {
                Ok(key) => ApiKeyRevokePayload {
                    api_key: Some(ApiKey(key)),
                    user_errors: vec![],
                },
                Err(user_errors) => ApiKeyRevokePayload {
                    api_key: None,
                    user_errors,
                },
            },
        )
    }
}
