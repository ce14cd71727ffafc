//! Signing in and staying signed in.
//!
//! A sign-in yields a short-lived access token (JWT) and a refresh token. Each refresh
//! hands back a new refresh token and retires the old one; presenting a retired token
//! again means it was copied, so the whole sign-in (the token family) is revoked.
//! Logging out revokes the family, which also stops its access tokens at once.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use leadflow_shared::normalize::Email;
use leadflow_shared::{ApiScope, Role, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use uuid::Uuid;

use crate::auth::{
    self, ApiKeyPrincipal, Authentication, CurrentUser, LoginThrottle, Principal, TokenKeys,
    TokenRejected, API_KEY_PREFIX,
};
use crate::entity::{api_key, refresh_token, user};
use crate::error::{DomainError, DomainResult};

pub const REFRESH_TOKEN_DAYS: i64 = 30;

#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub user: user::Model,
}

fn bad_credentials() -> DomainError {
    DomainError::invalid(
        None,
        UserErrorCode::InvalidCredentials,
        "email or password is incorrect",
    )
}

fn token_invalid() -> DomainError {
    DomainError::invalid(
        "refreshToken",
        UserErrorCode::TokenInvalid,
        "the session has ended; sign in again",
    )
}

pub async fn login(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    throttle: &LoginThrottle,
    ip: IpAddr,
    email: &str,
    password: &str,
) -> DomainResult<Session> {
    if let Err(wait) = throttle.check(ip) {
        return Err(DomainError::invalid(
            None,
            UserErrorCode::RateLimited,
            format!(
                "too many failed sign-ins from your address; try again in {} seconds",
                wait.as_secs().max(1)
            ),
        ));
    }
    let found = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let password_ok = match &found {
        Some(u) => auth::verify_password(password, &u.password_hash),
        None => {
            auth::verify_password_against_dummy(password);
            false
        }
    };
    let user = match found {
        Some(u) if password_ok && u.active => u,
        _ => {
            throttle.record_failure(ip);
            metrics::counter!("leadflow_login_failures_total").increment(1);
            tracing::info!(%ip, "sign-in refused");
            return Err(bad_credentials());
        }
    };
    throttle.record_success(ip);
    let session = start_session(db, keys, user).await?;
    tracing::info!(user_id = %session.user.id, "signed in");
    Ok(session)
}

async fn start_session(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    user: user::Model,
) -> DomainResult<Session> {
    let family = Uuid::now_v7();
    let refresh = auth::new_refresh_token();
    insert_refresh(db, user.id, family, &refresh).await?;
    session_for(keys, user, family, refresh)
}

fn session_for(
    keys: &TokenKeys,
    user: user::Model,
    family: Uuid,
    refresh_token: String,
) -> DomainResult<Session> {
    let access_token = keys.issue(
        user.id,
        family,
        Role::from(user.role),
        Utc::now().timestamp(),
    )?;
    Ok(Session {
        access_token,
        refresh_token,
        expires_in: keys.access_ttl_secs,
        user,
    })
}

async fn insert_refresh(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    family: Uuid,
    token: &str,
) -> DomainResult<()> {
    let now = Utc::now();
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        family_id: Set(family),
        token_hash: Set(auth::sha256_hex(token)),
        expires_at: Set(now + Duration::days(REFRESH_TOKEN_DAYS)),
        used_at: Set(None),
        revoked_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn revoke_family(db: &impl ConnectionTrait, family: Uuid) -> DomainResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Trades a refresh token for a new access token and a new refresh token.
pub async fn refresh(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    token: &str,
) -> DomainResult<Session> {
    let txn = super::begin_write(db).await?;
    let Some(stored) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(auth::sha256_hex(token)))
        .one(&txn)
        .await?
    else {
        return Err(token_invalid());
    };
    if stored.revoked_at.is_some() || stored.expires_at < Utc::now() {
        return Err(token_invalid());
    }
    if stored.used_at.is_some() {
        // A retired token came back: somebody holds a copy. End the whole sign-in.
        revoke_family(&txn, stored.family_id).await?;
        txn.commit().await?;
        tracing::warn!(user_id = %stored.user_id, family = %stored.family_id, "refresh token reused; sign-in revoked");
        return Err(token_invalid());
    }
    // Retire it; only one of two concurrent refreshes can win this update.
    let retired = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if retired.rows_affected != 1 {
        return Err(token_invalid());
    }
    let user = user::Entity::find_by_id(stored.user_id)
        .one(&txn)
        .await?
        .filter(|u| u.active)
        .ok_or_else(token_invalid)?;
    let next = auth::new_refresh_token();
    insert_refresh(&txn, user.id, stored.family_id, &next).await?;
    txn.commit().await?;
    session_for(keys, user, stored.family_id, next)
}

/// Ends the sign-in the refresh token belongs to.
pub async fn logout(db: &DatabaseConnection, token: &str) -> DomainResult<()> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(auth::sha256_hex(token)))
        .one(db)
        .await?
        .ok_or_else(token_invalid)?;
    revoke_family(db, stored.family_id).await?;
    tracing::info!(user_id = %stored.user_id, "signed out");
    Ok(())
}

/// Reads a bearer credential: an access token or an API key.
pub async fn authenticate(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    bearer: Option<&str>,
) -> DomainResult<Authentication> {
    let Some(bearer) = bearer.map(str::trim).filter(|b| !b.is_empty()) else {
        return Ok(Authentication::Anonymous);
    };
    if bearer.starts_with(API_KEY_PREFIX) {
        return authenticate_api_key(db, bearer).await;
    }
    let claims = match keys.verify(bearer) {
        Ok(c) => c,
        Err(TokenRejected::Expired) => {
            return Ok(Authentication::Rejected("the access token has expired"))
        }
        Err(TokenRejected::Invalid) => {
            return Ok(Authentication::Rejected("the access token is not valid"))
        }
    };
    let Some(user) = user::Entity::find_by_id(claims.sub).one(db).await? else {
        return Ok(Authentication::Rejected("the account no longer exists"));
    };
    if !user.active {
        return Ok(Authentication::Rejected("the account is deactivated"));
    }
    let live = refresh_token::Entity::find()
        .filter(refresh_token::Column::FamilyId.eq(claims.sid))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    if live.is_none() {
        return Ok(Authentication::Rejected("the session has ended"));
    }
    Ok(Authentication::Authenticated(Principal::User(
        CurrentUser {
            id: user.id,
            role: Role::from(user.role),
            team_id: user.team_id,
            session_id: Some(claims.sid),
        },
    )))
}

async fn authenticate_api_key(db: &DatabaseConnection, key: &str) -> DomainResult<Authentication> {
    let Some(found) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(auth::sha256_hex(key)))
        .one(db)
        .await?
    else {
        return Ok(Authentication::Rejected("the API key is not valid"));
    };
    if found.revoked_at.is_some() {
        return Ok(Authentication::Rejected("the API key has been revoked"));
    }
    let now = Utc::now();
    // Record use at most once a minute, so busy integrations do not write on every call.
    if found
        .last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(found.id))
            .exec(db)
            .await
            .map_err(DomainError::from)?;
    }
    let scopes = found
        .scopes
        .0
        .iter()
        .filter_map(|s| ApiScope::parse(s))
        .collect();
    Ok(Authentication::Authenticated(Principal::ApiKey(
        ApiKeyPrincipal {
            id: found.id,
            scopes,
        },
    )))
}
