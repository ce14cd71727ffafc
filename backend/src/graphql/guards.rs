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
