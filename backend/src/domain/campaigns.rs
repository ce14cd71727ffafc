//! Campaigns: what marketing spent where, so leads can be counted against cost
//! (cost per lead, ROI).

use chrono::{NaiveDate, Utc};
use leadflow_shared::money::parse_minor_units;
use leadflow_shared::{Channel, UserErrorCode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::{audit, begin_write, is_unique_violation, required_text, Actor};
use crate::entity::campaign;
use crate::error::{DomainError, DomainResult, Invalid};

#[derive(Debug, Clone)]
pub struct CampaignInput {
    pub name: String,
    pub channel: Channel,
    /// As typed: `180000`, `180,000.50`.
    pub cost: String,
    /// ISO 4217; CNY when omitted.
    pub currency: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

struct Valid {
    name: String,
    cost_cents: i64,
    currency: String,
}

fn validate(input: &CampaignInput) -> Result<Valid, Vec<Invalid>> {
    let mut problems = Vec::new();
    let name = required_text("name", "campaign name", &input.name, 200)
        .map_err(|e| problems.push(e))
        .ok();
    let cost_cents = parse_minor_units(&input.cost)
        .map_err(|m| problems.push(Invalid::new("cost", UserErrorCode::Invalid, m)))
        .ok();
    let currency = input
        .currency
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("CNY")
        .to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        problems.push(Invalid::new(
            "currency",
            UserErrorCode::Invalid,
            "currency is a three-letter code such as CNY",
        ));
    }
    if let (Some(start), Some(end)) = (input.starts_on, input.ends_on) {
        if end < start {
            problems.push(Invalid::new(
                "endsOn",
                UserErrorCode::Invalid,
                "the campaign ends before it starts",
            ));
        }
    }
    match (name, cost_cents) {
        (Some(name), Some(cost_cents)) if problems.is_empty() => Ok(Valid {
            name,
            cost_cents,
            currency,
        }),
        _ => Err(problems),
    }
}

fn taken(name: &str) -> DomainError {
    DomainError::invalid(
        "name",
        UserErrorCode::Taken,
        format!("a campaign called {name} already exists"),
    )
}

pub async fn create(
    db: &DatabaseConnection,
    actor: Actor,
    input: CampaignInput,
) -> DomainResult<campaign::Model> {
    let valid = validate(&input).map_err(DomainError::Invalid)?;
    let txn = begin_write(db).await?;
    if campaign::Entity::find()
        .filter(campaign::Column::Name.eq(valid.name.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(taken(&valid.name));
    }
    let now = Utc::now();
    let created = campaign::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(valid.name.clone()),
        channel: Set(input.channel.as_str().to_string()),
        cost_cents: Set(valid.cost_cents),
        currency: Set(valid.currency),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken(&valid.name)
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "campaign.create",
        Some(created.id),
        serde_json::json!({ "name": created.name, "costCents": created.cost_cents }),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn update(
    db: &DatabaseConnection,
    actor: Actor,
    id: Uuid,
    input: CampaignInput,
) -> DomainResult<campaign::Model> {
    let valid = validate(&input).map_err(DomainError::Invalid)?;
    let txn = begin_write(db).await?;
    let existing = campaign::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "campaign"))?;
    if campaign::Entity::find()
        .filter(campaign::Column::Name.eq(valid.name.as_str()))
        .filter(campaign::Column::Id.ne(id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(taken(&valid.name));
    }
    let mut model = existing.into_active_model();
    model.name = Set(valid.name);
    model.channel = Set(input.channel.as_str().to_string());
    model.cost_cents = Set(valid.cost_cents);
    model.currency = Set(valid.currency);
    model.starts_on = Set(input.starts_on);
    model.ends_on = Set(input.ends_on);
    model.updated_at = Set(Utc::now());
    let updated = model.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "campaign.update",
        Some(id),
        serde_json::json!({ "name": updated.name, "costCents": updated.cost_cents }),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

pub async fn list(db: &DatabaseConnection) -> DomainResult<Vec<campaign::Model>> {
    Ok(campaign::Entity::find()
        .order_by_desc(campaign::Column::CreatedAt)
        .all(db)
        .await?)
}
