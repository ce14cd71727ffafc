//! Sales teams: a name, a manager, and the reps who belong to it.

use chrono::Utc;
use leadflow_shared::{Role, UserErrorCode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use super::{audit, is_unique_violation, required_text, Actor};
use crate::entity::{team, user};
use crate::error::{DomainError, DomainResult};

fn name_taken(name: &str) -> DomainError {
    DomainError::invalid(
        "name",
        UserErrorCode::Taken,
        format!("a team called {name} already exists"),
    )
}

async fn check_manager(db: &impl ConnectionTrait, manager_id: Option<Uuid>) -> DomainResult<()> {
    let Some(id) = manager_id else { return Ok(()) };
    let manager = user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::not_found("managerId", "manager"))?;
    if !manager.active {
        return Err(DomainError::invalid(
            "managerId",
            UserErrorCode::Invalid,
            "the manager's account is deactivated",
        ));
    }
    if !matches!(Role::from(manager.role), Role::Manager | Role::Admin) {
        return Err(DomainError::invalid(
            "managerId",
            UserErrorCode::Invalid,
            "a team's manager must have the manager or admin role",
        ));
    }
    Ok(())
}

async fn check_unique_name(
    db: &impl ConnectionTrait,
    name: &str,
    except: Option<Uuid>,
) -> DomainResult<()> {
    let mut query = team::Entity::find().filter(team::Column::Name.eq(name));
    if let Some(id) = except {
        query = query.filter(team::Column::Id.ne(id));
    }
    if query.one(db).await?.is_some() {
        return Err(name_taken(name));
    }
    Ok(())
}

pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    name: &str,
    manager_id: Option<Uuid>,
) -> DomainResult<team::Model> {
    let name =
        required_text("name", "team name", name, 100).map_err(|e| DomainError::Invalid(vec![e]))?;
    let txn = super::begin_write(db).await?;
    check_manager(&txn, manager_id).await?;
    check_unique_name(&txn, &name, None).await?;
    let now = Utc::now();
    let created = team::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.clone()),
        manager_id: Set(manager_id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            name_taken(&name)
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "team.create",
        Some(created.id),
        serde_json::json!({ "name": created.name }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames a team and/or changes its manager. `manager_id: Some(None)` leaves it without one.
pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
    name: Option<&str>,
    manager_id: Option<Option<Uuid>>,
) -> DomainResult<team::Model> {
    let name = name
        .map(|n| required_text("name", "team name", n, 100))
        .transpose()
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let txn = super::begin_write(db).await?;
    let existing = team::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "team"))?;
    if let Some(manager_id) = manager_id {
        check_manager(&txn, manager_id).await?;
    }
    if let Some(name) = &name {
        check_unique_name(&txn, name, Some(id)).await?;
    }
    let mut model = existing.into_active_model();
    if let Some(name) = name.clone() {
        model.name = Set(name);
    }
    if let Some(manager_id) = manager_id {
        model.manager_id = Set(manager_id);
    }
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await.map_err(|e| {
        if is_unique_violation(&e) {
            name_taken(name.as_deref().unwrap_or_default())
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "team.update",
        Some(id),
        serde_json::json!({ "name": updated.name }),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn list(db: &DatabaseConnection) -> DomainResult<Vec<team::Model>> {
    Ok(team::Entity::find()
        .order_by_asc(team::Column::Name)
        .all(db)
        .await?)
}

pub async fn find_many(db: &impl ConnectionTrait, ids: &[Uuid]) -> DomainResult<Vec<team::Model>> {
    Ok(team::Entity::find()
        .filter(team::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}
