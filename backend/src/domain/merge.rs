//! Duplicates: finding leads that are probably one person, and merging them.
//!
//! Capture already merges what it recognises. Duplicates still appear — an import with
//! the "create" policy, an edit that gives two leads the same phone — and a person
//! decides: the surviving lead takes, field by field, the value the person picked;
//! tags and custom fields are united; the others are marked `merged_into` the survivor
//! and their history shows on its timeline.

use std::collections::{BTreeMap, HashSet};

use chrono::Utc;
use leadflow_shared::{AssignmentReason, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, Set, Statement,
};
use uuid::Uuid;

use super::leads::{find_visible, Visibility};
use super::timeline;
use super::{begin_write, Actor};
use crate::entity::{lead, task, StringList};
use crate::error::{DomainError, DomainResult};

/// Why two leads look like one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateReason {
    Email,
    Phone,
    CompanyAndName,
}

#[derive(Debug, Clone)]
pub struct DuplicatePair {
    pub a: lead::Model,
    pub b: lead::Model,
    pub reason: DuplicateReason,
}

/// Likely duplicate pairs among live leads the caller may see, strongest evidence first.
pub async fn find_duplicates(
    db: &DatabaseConnection,
    visibility: &Visibility,
    limit: usize,
) -> DomainResult<Vec<DuplicatePair>> {
    let backend = db.get_database_backend();
    let mut pairs: Vec<(Uuid, Uuid, DuplicateReason)> = Vec::new();
    let mut seen: HashSet<(Uuid, Uuid)> = HashSet::new();
    for (reason, join) in [
        (
            DuplicateReason::Email,
            "a.email_normalized = b.email_normalized",
        ),
        (DuplicateReason::Phone, "a.phone_e164 = b.phone_e164"),
        (
            DuplicateReason::CompanyAndName,
            "a.company_key = b.company_key AND a.person_name = b.person_name",
        ),
    ] {
        // Enough candidates to fill the page after visibility filtering.
        let sql = format!(
            "SELECT a.id AS a_id, b.id AS b_id FROM leads a JOIN leads b ON {join} AND a.id < b.id \
             WHERE a.merged_into IS NULL AND b.merged_into IS NULL ORDER BY a.created_at DESC LIMIT {}",
            limit * 5
        );
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        for row in rows {
            let a: Uuid = row.try_get("", "a_id")?;
            let b: Uuid = row.try_get("", "b_id")?;
            if seen.insert((a, b)) {
                pairs.push((a, b, reason));
            }
        }
    }
    let mut out = Vec::new();
    for (a, b, reason) in pairs {
        if out.len() >= limit {
            break;
        }
        let (Some(a), Some(b)) = (
            find_visible(db, visibility, a).await?,
            find_visible(db, visibility, b).await?,
        ) else {
            continue;
        };
        out.push(DuplicatePair { a, b, reason });
    }
    Ok(out)
}

/// Fields a person picks a value for when merging.
pub const MERGEABLE_FIELDS: [&str; 11] = [
    "personName",
    "title",
    "company",
    "email",
    "phone",
    "industry",
    "province",
    "city",
    "companySize",
    "source",
    "campaignId",
];

/// Merges `merged` leads into `survivor`. `picks` maps a field to the lead whose value
/// it keeps; fields not picked keep the survivor's value, or the first non-empty one.
pub async fn merge(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    survivor_id: Uuid,
    merged_ids: &[Uuid],
    picks: &BTreeMap<String, Uuid>,
) -> DomainResult<lead::Model> {
    let mut others: Vec<Uuid> = Vec::new();
    for id in merged_ids {
        if *id != survivor_id && !others.contains(id) {
            others.push(*id);
        }
    }
    if others.is_empty() {
        return Err(DomainError::invalid(
            "mergedIds",
            UserErrorCode::Required,
            "choose at least one other lead to merge",
        ));
    }
    if others.len() > 20 {
        return Err(DomainError::invalid(
            "mergedIds",
            UserErrorCode::Invalid,
            "merge at most 20 leads at a time",
        ));
    }
    for (field, from) in picks {
        if !MERGEABLE_FIELDS.contains(&field.as_str()) {
            return Err(DomainError::invalid(
                "fields",
                UserErrorCode::Invalid,
                format!(
                    "'{field}' cannot be picked; use one of {}",
                    MERGEABLE_FIELDS.join(", ")
                ),
            ));
        }
        if *from != survivor_id && !others.contains(from) {
            return Err(DomainError::invalid(
                "fields",
                UserErrorCode::Invalid,
                format!("the value for {field} must come from one of the merged leads"),
            ));
        }
    }
    let txn = begin_write(db).await?;
    let survivor = find_visible(&txn, visibility, survivor_id)
        .await?
        .ok_or_else(|| DomainError::not_found("survivorId", "lead"))?;
    let mut all = vec![survivor.clone()];
    for id in &others {
        let l = find_visible(&txn, visibility, *id)
            .await?
            .ok_or_else(|| DomainError::not_found("mergedIds", "lead"))?;
        if l.merged_into.is_some() {
            return Err(DomainError::invalid(
                "mergedIds",
                UserErrorCode::Conflict,
                format!("{} was already merged into another lead", l.person_name),
            ));
        }
        all.push(l);
    }
    if survivor.merged_into.is_some() {
        return Err(DomainError::invalid(
            "survivorId",
            UserErrorCode::Conflict,
            "the surviving lead was itself merged into another lead",
        ));
    }
    let by_id = |id: Uuid| all.iter().find(|l| l.id == id);
    macro_rules! choose {
        ($field:literal, $get:expr) => {{
            let get = $get;
            match picks.get($field).and_then(|id| by_id(*id)) {
                Some(l) => get(l),
                None => get(&survivor).or_else(|| all.iter().find_map(|l| get(l))),
            }
        }};
    }
    let now = Utc::now();
    let mut next = survivor.clone().into_active_model();
    let person_name = picks
        .get("personName")
        .and_then(|id| by_id(*id))
        .map_or(survivor.person_name.clone(), |l| l.person_name.clone());
    next.person_name = Set(person_name);
    next.title = Set(choose!("title", |l: &lead::Model| l.title.clone()));
    let company_from = picks
        .get("company")
        .and_then(|id| by_id(*id))
        .or_else(|| all.iter().find(|l| l.company.is_some()));
    if let Some(l) =
        company_from.filter(|_| survivor.company.is_none() || picks.contains_key("company"))
    {
        next.company = Set(l.company.clone());
        next.company_key = Set(l.company_key.clone());
    }
    let email_from = picks
        .get("email")
        .and_then(|id| by_id(*id))
        .or_else(|| all.iter().find(|l| l.email.is_some()));
    if let Some(l) = email_from.filter(|_| survivor.email.is_none() || picks.contains_key("email"))
    {
        next.email = Set(l.email.clone());
        next.email_normalized = Set(l.email_normalized.clone());
    }
    let phone_from = picks
        .get("phone")
        .and_then(|id| by_id(*id))
        .or_else(|| all.iter().find(|l| l.phone.is_some()));
    if let Some(l) = phone_from.filter(|_| survivor.phone.is_none() || picks.contains_key("phone"))
    {
        next.phone = Set(l.phone.clone());
        next.phone_e164 = Set(l.phone_e164.clone());
    }
    next.industry = Set(choose!("industry", |l: &lead::Model| l.industry.clone()));
    next.province = Set(choose!("province", |l: &lead::Model| l.province.clone()));
    next.city = Set(choose!("city", |l: &lead::Model| l.city.clone()));
    next.company_size = Set(choose!("companySize", |l: &lead::Model| l.company_size));
    next.campaign_id = Set(choose!("campaignId", |l: &lead::Model| l.campaign_id));
    if let Some(l) = picks.get("source").and_then(|id| by_id(*id)) {
        next.source = Set(l.source.clone());
    }
    let mut tags: Vec<String> = Vec::new();
    let mut custom = serde_json::Map::new();
    for l in &all {
        for t in &l.tags.0 {
            if !tags.contains(t) {
                tags.push(t.clone());
            }
        }
        if let Some(map) = l.custom_fields.as_object() {
            for (k, v) in map {
                custom.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    next.tags = Set(StringList(tags));
    next.custom_fields = Set(serde_json::Value::Object(custom));
    // The person was first seen, assigned and contacted when the earliest of them was.
    next.created_at = Set(all
        .iter()
        .map(|l| l.created_at)
        .min()
        .unwrap_or(survivor.created_at));
    next.first_assigned_at = Set(all.iter().filter_map(|l| l.first_assigned_at).min());
    next.first_contacted_at = Set(all.iter().filter_map(|l| l.first_contacted_at).min());
    next.version = Set(survivor.version + 1);
    next.updated_at = Set(now);
    let mut merged = next.update(&txn).await?;
    // A survivor without an owner takes the first merged lead's owner, as an assignment.
    if let Some(owner) = all
        .iter()
        .find_map(|l| l.owner_id)
        .filter(|_| survivor.owner_id.is_none())
    {
        merged = super::assignments::record_owner_change(
            &txn,
            actor,
            merged,
            Some(owner),
            AssignmentReason::Merge,
            None,
            None,
            now,
        )
        .await?;
    }

    lead::Entity::update_many()
        .col_expr(lead::Column::MergedInto, Expr::value(survivor_id))
        .col_expr(lead::Column::UpdatedAt, Expr::value(now))
        .filter(lead::Column::Id.is_in(others.clone()))
        .exec(&txn)
        .await?;
    // Leads earlier merged into the ones merged now point at the survivor too.
    lead::Entity::update_many()
        .col_expr(lead::Column::MergedInto, Expr::value(survivor_id))
        .filter(lead::Column::MergedInto.is_in(others.clone()))
        .exec(&txn)
        .await?;
    task::Entity::update_many()
        .col_expr(task::Column::LeadId, Expr::value(survivor_id))
        .filter(task::Column::LeadId.is_in(others.clone()))
        .exec(&txn)
        .await?;
    let picked: BTreeMap<&String, String> = picks.iter().map(|(k, v)| (k, v.to_string())).collect();
    timeline::event(
        survivor_id,
        "merged",
        actor,
        serde_json::json!({ "mergedIds": others, "picks": picked }),
        now,
    )
    .insert(&txn)
    .await?;
    timeline::announce(
        "lead.merged",
        survivor_id,
        serde_json::json!({ "leadId": survivor_id, "mergedIds": others }),
    )
    .insert(&txn)
    .await?;
    // Both histories now count towards the survivor's score.
    let merged = super::scoring::rescore_lead(&txn, merged, now).await?;
    txn.commit().await?;
    tracing::info!(lead_id = %survivor_id, merged = others.len(), "leads merged");
    Ok(merged)
}

/// The leads whose history shows on `lead_id`'s timeline: itself and those merged into it.
pub async fn timeline_ids(db: &impl ConnectionTrait, lead_id: Uuid) -> DomainResult<Vec<Uuid>> {
    let mut ids = vec![lead_id];
    let merged = lead::Entity::find()
        .filter(lead::Column::MergedInto.eq(lead_id))
        .all(db)
        .await?;
    ids.extend(merged.into_iter().map(|l| l.id));
    Ok(ids)
}
