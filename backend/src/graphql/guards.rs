//! Permission checks, declared on each field: `#[graphql(guard = "RoleGuard::admin()")]`.

use async_graphql::{Context, Guard};
use leadflow_shared::Role;

use super::errors::ErrorCode;
use crate::auth::{Authentication, CurrentUser, Principal};

/// The signed-in person, or an UNAUTHENTICATED error. API keys are not people.
pub fn current_user<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a CurrentUser> {
    match principal(ctx)? {
        Principal::User(user) => Ok(user),
        Principal::ApiKey(_) => {
            Err(ErrorCode::Forbidden.error("this operation needs a signed-in user, not an API key"))
        }
    }
}

pub fn principal<'a>(ctx: &'a Context<'_>) -> async_graphql::Result<&'a Principal> {
    match ctx.data_opt::<Authentication>() {
        Some(Authentication::Authenticated(p)) => Ok(p),
        Some(Authentication::Rejected(why)) => {
            Err(ErrorCode::Unauthenticated.error(format!("{why}; sign in again")))
        }
        _ => Err(ErrorCode::Unauthenticated.error("sign in first")),
    }
}

/// Lets a signed-in user through when their role is one of the listed ones.
pub struct RoleGuard {
    roles: &'static [Role],
}

impl RoleGuard {
    pub fn new(roles: &'static [Role]) -> Self {
        RoleGuard { roles }
    }

    pub fn any_user() -> Self {
        RoleGuard::new(&Role::ALL)
    }

    pub fn admin() -> Self {
        RoleGuard::new(&[Role::Admin])
    }

    pub fn admin_or_manager() -> Self {
        RoleGuard::new(&[Role::Admin, Role::Manager])
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let user = current_user(ctx)?;
        if self.roles.contains(&user.role) {
            Ok(())
        } else {
            Err(ErrorCode::Forbidden.error("your role does not allow this"))
        }
    }
}

/// Lets through signed-in users of the listed roles and API keys holding `scope`.
pub struct AccessGuard {
    roles: &'static [Role],
    scope: leadflow_shared::ApiScope,
}

impl AccessGuard {
    /// Any signed-in user, or a key with `scope`.
    pub fn users_or_key(scope: leadflow_shared::ApiScope) -> Self {
        AccessGuard {
            roles: &Role::ALL,
            scope,
        }
    }
}

impl Guard for AccessGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        match principal(ctx)? {
            Principal::User(user) if self.roles.contains(&user.role) => Ok(()),
            Principal::User(_) => Err(ErrorCode::Forbidden.error("your role does not allow this")),
            Principal::ApiKey(key) if key.scopes.contains(&self.scope) => Ok(()),
            Principal::ApiKey(_) => Err(ErrorCode::Forbidden.error(format!(
                "this API key lacks the {} scope",
                self.scope.as_str()
            ))),
        }
    }
}
