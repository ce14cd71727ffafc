//! The people who use Leadflow: creating, editing, deactivating and listing them.
//!
//! Deactivation is how someone leaves: their row stays (their history still points at
//! it), their sessions end at once, and they cannot sign in again until reactivated.

use chrono::Utc;
use leadflow_shared::normalize::Email;
use leadflow_shared::{Role, UserErrorCode};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{audit, is_unique_violation, required_text, Actor};
use crate::auth;
use crate::entity::{refresh_token, team, user, StringList};
use crate::error::{DomainError, DomainResult, Invalid};
use crate::events::{EventBus, UserChangeKind, UserChanged};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const MAX_CAPACITY: i32 = 10_000;
/// Open leads a rep holds before routing passes them by, unless set otherwise.
pub const DEFAULT_CAPACITY: i32 = 200;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub team_id: Option<Uuid>,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    pub capacity: Option<i32>,
}

/// A partial change; `None` leaves a field as it is. `team_id: Some(None)` removes the
/// user from their team.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub team_id: Option<Option<Uuid>>,
    pub regions: Option<Vec<String>>,
    pub industries: Option<Vec<String>>,
    pub capacity: Option<i32>,
}

fn check_password(password: &str) -> Result<(), Invalid> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(Invalid::new(
            "password",
            UserErrorCode::Invalid,
            format!("password must have at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(Invalid::new(
            "password",
            UserErrorCode::Invalid,
            format!("password must have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

fn check_capacity(capacity: i32) -> Result<i32, Invalid> {
    if (0..=MAX_CAPACITY).contains(&capacity) {
        Ok(capacity)
    } else {
        Err(Invalid::new(
            "capacity",
            UserErrorCode::Invalid,
            format!("capacity must be between 0 and {MAX_CAPACITY} open leads"),
        ))
    }
}

/// Trims, drops blanks and repeats, keeps the order the admin typed.
fn clean_list(field: &'static str, values: &[String]) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let v = v.trim();
        if v.is_empty() || out.iter().any(|o| o == v) {
            continue;
        }
        if v.chars().count() > 64 {
            return Err(Invalid::new(
                field,
                UserErrorCode::Invalid,
                format!("'{v}' is too long (at most 64 characters)"),
            ));
        }
        out.push(v.to_string());
    }
    if out.len() > 100 {
        return Err(Invalid::new(
            field,
            UserErrorCode::Invalid,
            "at most 100 entries",
        ));
    }
    Ok(out)
}

async fn check_team(db: &impl ConnectionTrait, team_id: Option<Uuid>) -> DomainResult<()> {
    if let Some(id) = team_id {
        if team::Entity::find_by_id(id).one(db).await?.is_none() {
            return Err(DomainError::not_found("teamId", "team"));
        }
    }
    Ok(())
}

pub async fn create_user(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: Actor,
    input: NewUser,
) -> DomainResult<user::Model> {
    let mut problems = Vec::new();
    let email = Email::parse(&input.email)
        .map_err(|e| {
            let code = if input.email.trim().is_empty() {
                UserErrorCode::Required
            } else {
                UserErrorCode::Invalid
            };
            problems.push(Invalid::new("email", code, e.to_string()))
        })
        .ok();
    let name = required_text("name", "name", &input.name, 100)
        .map_err(|e| problems.push(e))
        .ok();
    let _ = check_password(&input.password).map_err(|e| problems.push(e));
    let capacity = check_capacity(input.capacity.unwrap_or(DEFAULT_CAPACITY))
        .map_err(|e| problems.push(e))
        .ok();
    let regions = clean_list("regions", &input.regions)
        .map_err(|e| problems.push(e))
        .ok();
    let industries = clean_list("industries", &input.industries)
        .map_err(|e| problems.push(e))
        .ok();
    let (Some(email), Some(name), Some(capacity), Some(regions), Some(industries), true) = (
        email,
        name,
        capacity,
        regions,
        industries,
        problems.is_empty(),
    ) else {
        return Err(DomainError::Invalid(problems));
    };
    let password_hash = auth::hash_password(&input.password)?;

    let txn = super::begin_write(db).await?;
    check_team(&txn, input.team_id).await?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(DomainError::invalid(
            "email",
            UserErrorCode::Taken,
            format!("{email} already has an account"),
        ));
    }
    let now = Utc::now();
    let created = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.to_string()),
        name: Set(name),
        password_hash: Set(password_hash),
        role: Set(input.role.into()),
        team_id: Set(input.team_id),
        regions: Set(StringList(regions)),
        industries: Set(StringList(industries)),
        capacity: Set(capacity),
        active: Set(true),
        away: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            DomainError::invalid(
                "email",
                UserErrorCode::Taken,
                format!("{email} already has an account"),
            )
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "user.create",
        Some(created.id),
        serde_json::json!({ "email": created.email, "role": Role::from(created.role).as_str() }),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(user_id = %created.id, role = Role::from(created.role).as_str(), "user created");
    events.publish_user(UserChanged {
        kind: UserChangeKind::Created,
        user_id: created.id,
    });
    Ok(created)
}

pub async fn update_user(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: Actor,
    id: Uuid,
    patch: UserPatch,
) -> DomainResult<user::Model> {
    let mut problems = Vec::new();
    let name = patch
        .name
        .as_deref()
        .map(|n| required_text("name", "name", n, 100))
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    let capacity = patch
        .capacity
        .map(check_capacity)
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    let regions = patch
        .regions
        .as_deref()
        .map(|r| clean_list("regions", r))
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    let industries = patch
        .industries
        .as_deref()
        .map(|r| clean_list("industries", r))
        .transpose()
        .map_err(|e| problems.push(e))
        .ok()
        .flatten();
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }

    let txn = super::begin_write(db).await?;
    let existing = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "user"))?;
    if let Some(team_id) = patch.team_id {
        check_team(&txn, team_id).await?;
    }
    if let Some(role) = patch.role {
        if actor.user_id == Some(id)
            && role != Role::Admin
            && Role::from(existing.role) == Role::Admin
        {
            return Err(DomainError::invalid(
                "role",
                UserErrorCode::Conflict,
                "you cannot take the admin role away from yourself",
            ));
        }
    }
    let mut model = existing.into_active_model();
    if let Some(name) = name {
        model.name = Set(name);
    }
    if let Some(role) = patch.role {
        model.role = Set(role.into());
    }
    if let Some(team_id) = patch.team_id {
        model.team_id = Set(team_id);
    }
    if let Some(regions) = regions {
        model.regions = Set(StringList(regions));
    }
    if let Some(industries) = industries {
        model.industries = Set(StringList(industries));
    }
    if let Some(capacity) = capacity {
        model.capacity = Set(capacity);
    }
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await?;
    announce_access(&txn, &updated).await?;
    audit::record(
        &txn,
        actor,
        "user.update",
        Some(id),
        serde_json::json!({ "role": Role::from(updated.role).as_str() }),
    )
    .await?;
    txn.commit().await?;
    events.publish_user(UserChanged {
        kind: UserChangeKind::Updated,
        user_id: id,
    });
    Ok(updated)
}

/// The outbox topic of a change to what a user may see (their role, or whether they may
/// sign in at all). Every server relays it, so each closes the live sockets of that user
/// it holds, not only the server that made the change.
pub const ACCESS_CHANGED_TOPIC: &str = "user.access_changed";

async fn announce_access(txn: &impl ConnectionTrait, user: &user::Model) -> DomainResult<()> {
    super::timeline::announce(
        ACCESS_CHANGED_TOPIC,
        user.id,
        serde_json::json!({ "active": user.active, "role": Role::from(user.role).as_str() }),
    )
    .insert(txn)
    .await?;
    Ok(())
}

/// Deactivates or reactivates a user. Deactivating ends every session they have.
pub async fn set_active(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: Actor,
    id: Uuid,
    active: bool,
) -> DomainResult<user::Model> {
    if !active && actor.user_id == Some(id) {
        return Err(DomainError::invalid(
            "id",
            UserErrorCode::Conflict,
            "you cannot deactivate your own account",
        ));
    }
    let txn = super::begin_write(db).await?;
    let existing = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "user"))?;
    let mut model = existing.into_active_model();
    model.active = Set(active);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await?;
    if !active {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(refresh_token::Column::UserId.eq(id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
    }
    announce_access(&txn, &updated).await?;
    audit::record(
        &txn,
        actor,
        if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        },
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(user_id = %id, active, "user activation changed");
    events.publish_user(UserChanged {
        kind: if active {
            UserChangeKind::Reactivated
        } else {
            UserChangeKind::Deactivated
        },
        user_id: id,
    });
    Ok(updated)
}

/// Marks a user away (on leave, out of office) or back: routing passes over a user who
/// is away. Users switch themselves; managers their team's members; admins anyone.
pub async fn set_away(
    db: &DatabaseConnection,
    events: &EventBus,
    actor: Actor,
    actor_role: leadflow_shared::Role,
    id: Uuid,
    away: bool,
) -> DomainResult<user::Model> {
    use leadflow_shared::Role;
    let txn = super::begin_write(db).await?;
    let existing = user::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("userId", "user"))?;
    let allowed = actor.user_id == Some(id)
        || actor_role == Role::Admin
        || (actor_role == Role::Manager
            && match existing.team_id {
                Some(team_id) => crate::entity::team::Entity::find_by_id(team_id)
                    .one(&txn)
                    .await?
                    .is_some_and(|t| t.manager_id == actor.user_id),
                None => false,
            });
    if !allowed {
        return Err(DomainError::not_found("userId", "user"));
    }
    let mut model = existing.into_active_model();
    model.away = Set(away);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        if away { "user.away" } else { "user.back" },
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    events.publish_user(UserChanged {
        kind: UserChangeKind::Updated,
        user_id: id,
    });
    Ok(updated)
}

pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> DomainResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> DomainResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

pub async fn team_members(
    db: &impl ConnectionTrait,
    team_id: Uuid,
) -> DomainResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::TeamId.eq(team_id))
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?)
}

/// One page of users sorted by name, with the total matching count.
pub async fn list(
    db: &DatabaseConnection,
    search: Option<&str>,
    offset: u64,
    limit: u64,
) -> DomainResult<(Vec<user::Model>, u64)> {
    let mut query = user::Entity::find();
    if let Some(term) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!(
            "%{}%",
            term.to_lowercase().replace('%', "\\%").replace('_', "\\_")
        );
        query = query.filter(
            sea_orm::Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(user::Column::Name))).like(pattern.clone()))
                .add(user::Column::Email.like(pattern)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

pub async fn count(db: &DatabaseConnection) -> DomainResult<u64> {
    Ok(user::Entity::find().count(db).await?)
}

/// The first administrator, created from the command line or on first start.
#[derive(Debug, Clone)]
pub struct CreatedAdmin {
    pub id: Uuid,
    pub email: String,
    pub password: String,
}

/// Creates an administrator; a generated password when none is given.
pub async fn create_admin(
    db: &DatabaseConnection,
    email: &str,
    password: Option<&str>,
) -> anyhow::Result<CreatedAdmin> {
    let password = password.map_or_else(auth::generate_password, str::to_string);
    let name = email.split('@').next().unwrap_or("admin").to_string();
    let created = create_user(
        db,
        &EventBus::default(),
        Actor::system(),
        NewUser {
            email: email.to_string(),
            name: if name.is_empty() {
                "admin".into()
            } else {
                name
            },
            password: password.clone(),
            role: Role::Admin,
            team_id: None,
            regions: vec![],
            industries: vec![],
            capacity: Some(0),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("creating the admin failed: {e}"))?;
    Ok(CreatedAdmin {
        id: created.id,
        email: created.email,
        password,
    })
}
