//! The sales pipeline: qualifying leads (BANT, lost reasons), converting an SQL into
//! an opportunity, moving deals across the kanban with a version check, and what
//! winning or losing a deal does to its lead (customer account and contact, or the
//! lost reason).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use leadflow_shared::lifecycle::{default_lost_reasons, Bant, MAX_BANT_CHARS};
use leadflow_shared::pipeline::{
    check_amount, check_deal_move, default_stages, validate_stages, weighted, StageDefinition,
    StageKind,
};
use leadflow_shared::{LeadStage, UserErrorCode};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::leads::Visibility;
use super::{audit, begin_write, timeline, Actor};
use crate::entity::{
    account, contact, lead, opportunity, pipeline, pipeline_stage, server_setting, user,
};
use crate::error::{DomainError, DomainResult, Invalid};

pub const TOPIC_DEAL: &str = "opportunity.changed";
const SETTINGS_KEY: &str = "lifecycle";
/// The most cards one column sends at a time.
pub const MAX_COLUMN_PAGE: u64 = 200;

// ---------------------------------------------------------------------------------------
// Qualification settings
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleSettings {
    /// A lead becomes an SQL only with budget, authority, need and timeline filled in.
    pub bant_required: bool,
    /// The reasons a rep picks from when a lead or deal is lost.
    pub lost_reasons: Vec<String>,
}

impl Default for LifecycleSettings {
    fn default() -> Self {
        LifecycleSettings {
            bant_required: false,
            lost_reasons: default_lost_reasons(),
        }
    }
}

pub async fn settings(db: &impl ConnectionTrait) -> DomainResult<LifecycleSettings> {
    Ok(server_setting::Entity::find_by_id(SETTINGS_KEY.to_string())
        .one(db)
        .await?
        .and_then(|row| serde_json::from_str(&row.value).ok())
        .unwrap_or_default())
}

pub async fn save_settings(
    db: &DatabaseConnection,
    actor: Actor,
    bant_required: bool,
    lost_reasons: &[String],
) -> DomainResult<LifecycleSettings> {
    let mut reasons: Vec<String> = Vec::new();
    for (i, r) in lost_reasons.iter().enumerate() {
        let r = r.trim();
        if r.is_empty() || r.chars().count() > 64 {
            return Err(DomainError::Invalid(vec![Invalid::owned(
                format!("lostReasons[{i}]"),
                UserErrorCode::Invalid,
                "a lost reason has 1 to 64 characters",
            )]));
        }
        if reasons.iter().any(|x| x == r) {
            return Err(DomainError::Invalid(vec![Invalid::owned(
                format!("lostReasons[{i}]"),
                UserErrorCode::Taken,
                format!("'{r}' is in the list twice"),
            )]));
        }
        reasons.push(r.to_string());
    }
    if reasons.is_empty() || reasons.len() > 30 {
        return Err(DomainError::invalid(
            "lostReasons",
            UserErrorCode::Invalid,
            "give between 1 and 30 lost reasons",
        ));
    }
    let settings = LifecycleSettings {
        bant_required,
        lost_reasons: reasons,
    };
    let value = serde_json::to_string(&settings).map_err(|e| DomainError::Internal(e.into()))?;
    let txn = begin_write(db).await?;
    server_setting::Entity::delete_by_id(SETTINGS_KEY.to_string())
        .exec(&txn)
        .await?;
    server_setting::ActiveModel {
        key: Set(SETTINGS_KEY.to_string()),
        value: Set(value),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "lifecycle.settings_saved",
        None,
        serde_json::to_value(&settings).unwrap_or_default(),
    )
    .await?;
    txn.commit().await?;
    Ok(settings)
}

/// A lost reason must be one from the list.
pub(crate) fn check_lost_reason(
    settings: &LifecycleSettings,
    what: &str,
    reason: Option<&str>,
) -> DomainResult<()> {
    let field = "lostReason";
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => Err(DomainError::invalid(
            field,
            UserErrorCode::Required,
            format!("say why the {what} was lost"),
        )),
        Some(r) if settings.lost_reasons.iter().any(|x| x == r) => Ok(()),
        Some(r) => Err(DomainError::invalid(
            field,
            UserErrorCode::Invalid,
            format!(
                "'{r}' is not one of the lost reasons: {}",
                settings.lost_reasons.join(", ")
            ),
        )),
    }
}

pub fn bant_of(l: &lead::Model) -> Bant {
    l.bant
        .clone()
        .and_then(|b| serde_json::from_value(b).ok())
        .unwrap_or_default()
}

/// Records what qualifying the lead found out (budget, authority, need, timeline).
pub async fn set_bant(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    lead_id: Uuid,
    version: i32,
    bant: Bant,
) -> DomainResult<lead::Model> {
    let clean = |field: &'static str, v: Option<String>| -> DomainResult<Option<String>> {
        super::optional_text(field, field, v.as_deref(), MAX_BANT_CHARS)
            .map_err(|e| DomainError::Invalid(vec![e]))
    };
    let bant = Bant {
        budget: clean("budget", bant.budget)?,
        authority: clean("authority", bant.authority)?,
        need: clean("need", bant.need)?,
        timeline: clean("timeline", bant.timeline)?,
    };
    let txn = begin_write(db).await?;
    let l = super::leads::find_visible(&txn, visibility, lead_id)
        .await?
        .filter(|l| l.merged_into.is_none())
        .ok_or_else(|| DomainError::not_found("leadId", "lead"))?;
    if l.version != version {
        return Err(stale("lead", l.version));
    }
    let value = serde_json::to_value(&bant).map_err(|e| DomainError::Internal(e.into()))?;
    let now = Utc::now();
    let mut model = l.into_active_model();
    model.bant = Set(Some(value.clone()));
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    timeline::event(
        updated.id,
        "updated",
        actor,
        serde_json::json!({ "bant": value }),
        now,
    )
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(updated)
}

fn stale(what: &str, current: i32) -> DomainError {
    DomainError::invalid(
        "version",
        UserErrorCode::Conflict,
        format!(
            "someone changed this {what} meanwhile (now version {current}); reload and try again"
        ),
    )
}

// ---------------------------------------------------------------------------------------
// Pipelines
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct PipelineWithStages {
    pub pipeline: pipeline::Model,
    pub stages: Vec<pipeline_stage::Model>,
}

pub fn kind_of(stage: &pipeline_stage::Model) -> StageKind {
    StageKind::parse(&stage.kind).unwrap_or_default()
}

/// A new installation gets the standard pipeline.
pub async fn ensure_default(db: &DatabaseConnection) -> DomainResult<()> {
    if pipeline::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let txn = begin_write(db).await?;
    if pipeline::Entity::find().count(&txn).await? > 0 {
        return Ok(());
    }
    insert_pipeline(&txn, "标准销售流程", true, &default_stages()).await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_pipeline(
    db: &impl ConnectionTrait,
    name: &str,
    is_default: bool,
    stages: &[StageDefinition],
) -> DomainResult<pipeline::Model> {
    let now = Utc::now();
    let created = pipeline::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_string()),
        is_default: Set(is_default),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    for (i, s) in stages.iter().enumerate() {
        insert_stage(db, created.id, i as i32, s).await?;
    }
    Ok(created)
}

async fn insert_stage(
    db: &impl ConnectionTrait,
    pipeline_id: Uuid,
    position: i32,
    s: &StageDefinition,
) -> DomainResult<pipeline_stage::Model> {
    Ok(pipeline_stage::ActiveModel {
        id: Set(Uuid::now_v7()),
        pipeline_id: Set(pipeline_id),
        name: Set(s.name.trim().to_string()),
        position: Set(position),
        probability: Set(i16::from(s.probability)),
        kind: Set(s.kind.as_str().to_string()),
    }
    .insert(db)
    .await?)
}

pub async fn pipelines(db: &impl ConnectionTrait) -> DomainResult<Vec<PipelineWithStages>> {
    let all = pipeline::Entity::find()
        .order_by_desc(pipeline::Column::IsDefault)
        .order_by_asc(pipeline::Column::Name)
        .all(db)
        .await?;
    let mut stages: HashMap<Uuid, Vec<pipeline_stage::Model>> = HashMap::new();
    for s in pipeline_stage::Entity::find()
        .order_by_asc(pipeline_stage::Column::Position)
        .all(db)
        .await?
    {
        stages.entry(s.pipeline_id).or_default().push(s);
    }
    Ok(all
        .into_iter()
        .map(|p| PipelineWithStages {
            stages: stages.remove(&p.id).unwrap_or_default(),
            pipeline: p,
        })
        .collect())
}

pub async fn find_pipeline(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
) -> DomainResult<PipelineWithStages> {
    pipelines(db)
        .await?
        .into_iter()
        .find(|p| id.is_none_or(|id| p.pipeline.id == id))
        .ok_or_else(|| DomainError::not_found("pipelineId", "pipeline"))
}

/// Creates a pipeline or changes one's name and stages. Stages are matched by id;
/// a stage left out is removed, unless deals are in it.
pub async fn save_pipeline(
    db: &DatabaseConnection,
    actor: Actor,
    id: Option<Uuid>,
    name: &str,
    stages: Vec<(Option<Uuid>, StageDefinition)>,
) -> DomainResult<PipelineWithStages> {
    let name = super::required_text("name", "pipeline name", name, 100)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let definitions: Vec<StageDefinition> = stages.iter().map(|(_, s)| s.clone()).collect();
    validate_stages(&definitions).map_err(|errors| {
        DomainError::Invalid(
            errors
                .into_iter()
                .map(|e| Invalid::owned(e.path, e.code, e.message))
                .collect(),
        )
    })?;
    let txn = begin_write(db).await?;
    let saved_id = match id {
        None => {
            let first = pipeline::Entity::find().count(&txn).await? == 0;
            insert_pipeline(&txn, &name, first, &definitions).await?.id
        }
        Some(id) => {
            let existing = find_pipeline(&txn, Some(id)).await?;
            let keep: Vec<Uuid> = stages.iter().filter_map(|(id, _)| *id).collect();
            for old in &existing.stages {
                if keep.contains(&old.id) {
                    continue;
                }
                let deals = opportunity::Entity::find()
                    .filter(opportunity::Column::StageId.eq(old.id))
                    .count(&txn)
                    .await?;
                if deals > 0 {
                    return Err(DomainError::invalid(
                        "stages",
                        UserErrorCode::Invalid,
                        format!(
                            "stage '{}' still has {deals} deals; move them before removing it",
                            old.name
                        ),
                    ));
                }
                pipeline_stage::Entity::delete_by_id(old.id)
                    .exec(&txn)
                    .await?;
            }
            for (i, (stage_id, def)) in stages.iter().enumerate() {
                match stage_id {
                    Some(sid) => {
                        let Some(row) = existing.stages.iter().find(|s| s.id == *sid) else {
                            return Err(DomainError::Invalid(vec![Invalid::owned(
                                format!("stages[{i}].id"),
                                UserErrorCode::NotFound,
                                "no such stage in this pipeline",
                            )]));
                        };
                        let mut model = row.clone().into_active_model();
                        model.name = Set(def.name.trim().to_string());
                        model.position = Set(i as i32);
                        model.probability = Set(i16::from(def.probability));
                        model.kind = Set(def.kind.as_str().to_string());
                        model.update(&txn).await?;
                    }
                    None => {
                        insert_stage(&txn, id, i as i32, def).await?;
                    }
                }
            }
            let mut model = existing.pipeline.into_active_model();
            model.name = Set(name.clone());
            model.updated_at = Set(Utc::now());
            model.update(&txn).await?;
            id
        }
    };
    audit::record(
        &txn,
        actor,
        "pipeline.saved",
        Some(saved_id),
        serde_json::json!({ "name": name, "stages": definitions.len() }),
    )
    .await?;
    let saved = find_pipeline(&txn, Some(saved_id)).await?;
    txn.commit().await?;
    Ok(saved)
}

// ---------------------------------------------------------------------------------------
// Opportunities
// ---------------------------------------------------------------------------------------

fn deal_visible(visibility: &Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::OwnersAndPool(owners) => Condition::any()
            .add(opportunity::Column::OwnerId.is_null())
            .add(opportunity::Column::OwnerId.is_in(owners.iter().copied())),
    }
}

pub async fn find_deal(
    db: &impl ConnectionTrait,
    visibility: &Visibility,
    id: Uuid,
) -> DomainResult<Option<opportunity::Model>> {
    Ok(opportunity::Entity::find_by_id(id)
        .filter(deal_visible(visibility))
        .one(db)
        .await?)
}

pub async fn deals_of_lead(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
) -> DomainResult<Vec<opportunity::Model>> {
    Ok(opportunity::Entity::find()
        .filter(opportunity::Column::LeadId.eq(lead_id))
        .order_by_desc(opportunity::Column::CreatedAt)
        .all(db)
        .await?)
}

fn check_currency(currency: Option<&str>) -> DomainResult<String> {
    let c = currency
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("CNY");
    if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c.to_string())
    } else {
        Err(DomainError::invalid(
            "currency",
            UserErrorCode::Invalid,
            format!("'{c}' is not a currency code like CNY or USD"),
        ))
    }
}

fn amount(field: &'static str, minor: i64) -> DomainResult<i64> {
    check_amount(minor).map_err(|m| DomainError::invalid(field, UserErrorCode::Invalid, m))?;
    Ok(minor)
}

pub struct ConvertInput {
    pub lead_id: Uuid,
    pub lead_version: i32,
    pub name: Option<String>,
    pub amount_minor: i64,
    pub currency: Option<String>,
    pub expected_close_on: Option<NaiveDate>,
    pub pipeline_id: Option<Uuid>,
}

fn announce_deal(
    deal: &opportunity::Model,
    from_stage: Option<Uuid>,
) -> crate::entity::outbox::ActiveModel {
    timeline::announce(
        TOPIC_DEAL,
        deal.id,
        serde_json::json!({
            "opportunityId": deal.id,
            "pipelineId": deal.pipeline_id,
            "stageId": deal.stage_id,
            "fromStageId": from_stage,
            "ownerId": deal.owner_id,
            "version": deal.version,
        }),
    )
}

/// Turns an SQL into an opportunity in the first open stage of the pipeline; the lead
/// moves to Opportunity.
pub async fn convert(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    input: ConvertInput,
) -> DomainResult<(opportunity::Model, lead::Model)> {
    let amount_minor = amount("amount", input.amount_minor)?;
    let currency = check_currency(input.currency.as_deref())?;
    let name = super::optional_text("name", "deal name", input.name.as_deref(), 200)
        .map_err(|e| DomainError::Invalid(vec![e]))?;
    let txn = begin_write(db).await?;
    let l = super::leads::find_visible(&txn, visibility, input.lead_id)
        .await?
        .filter(|l| l.merged_into.is_none())
        .ok_or_else(|| DomainError::not_found("leadId", "lead"))?;
    if l.version != input.lead_version {
        return Err(stale("lead", l.version));
    }
    let from = LeadStage::parse(&l.stage).unwrap_or(LeadStage::Lead);
    if from != LeadStage::Sql {
        return Err(DomainError::invalid(
            "leadId",
            UserErrorCode::Invalid,
            format!(
                "only an SQL becomes an opportunity; this lead is {}",
                from.as_str().to_uppercase()
            ),
        ));
    }
    let pipe = find_pipeline(&txn, input.pipeline_id).await?;
    let first = pipe
        .stages
        .iter()
        .find(|s| kind_of(s) == StageKind::Open)
        .ok_or_else(|| {
            DomainError::invalid(
                "pipelineId",
                UserErrorCode::Invalid,
                "the pipeline has no open stage",
            )
        })?;
    let now = Utc::now();
    let deal = opportunity::ActiveModel {
        id: Set(Uuid::now_v7()),
        lead_id: Set(l.id),
        pipeline_id: Set(pipe.pipeline.id),
        stage_id: Set(first.id),
        name: Set(
            name.unwrap_or_else(|| l.company.clone().unwrap_or_else(|| l.person_name.clone()))
        ),
        amount_minor: Set(amount_minor),
        currency: Set(currency),
        expected_close_on: Set(input.expected_close_on),
        owner_id: Set(l.owner_id.or(actor.user_id)),
        lost_reason: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
    }
    .insert(&txn)
    .await?;
    let l = move_lead(&txn, actor, l, LeadStage::Opportunity, None, now).await?;
    timeline::event(
        l.id,
        "opportunity_created",
        actor,
        serde_json::json!({ "opportunityId": deal.id, "amount": deal.amount_minor, "currency": deal.currency, "stage": first.name }),
        now,
    )
    .insert(&txn)
    .await?;
    announce_deal(&deal, None).insert(&txn).await?;
    txn.commit().await?;
    Ok((deal, l))
}

/// Moves the lead's stage as a consequence of its deal, recorded like any move.
async fn move_lead(
    db: &impl ConnectionTrait,
    actor: Actor,
    l: lead::Model,
    to: LeadStage,
    lost_reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    let from = LeadStage::parse(&l.stage).unwrap_or(LeadStage::Lead);
    if from == to {
        return Ok(l);
    }
    leadflow_shared::lifecycle::check_move(from, to, lost_reason)
        .map_err(|r| DomainError::invalid("stage", UserErrorCode::Invalid, r.to_string()))?;
    let version = l.version;
    let mut model = l.into_active_model();
    model.stage = Set(to.as_str().to_string());
    model.lost_reason = Set(lost_reason.map(str::to_string));
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    let updated = model.update(db).await?;
    let data =
        serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "lostReason": lost_reason });
    timeline::event(updated.id, "stage_changed", actor, data.clone(), now)
        .insert(db)
        .await?;
    super::analytics::stage_reached(db, updated.id, to, now).await?;
    let mut announced = data;
    announced["leadId"] = serde_json::json!(updated.id);
    timeline::announce("lead.stage_changed", updated.id, announced)
        .insert(db)
        .await?;
    Ok(updated)
}

/// A won deal's customer: the account of the same company, or a new one, with the
/// lead's person as a contact.
async fn make_customer(
    db: &impl ConnectionTrait,
    l: &lead::Model,
    owner: Option<Uuid>,
    now: DateTime<Utc>,
) -> DomainResult<account::Model> {
    let existing = match &l.company_key {
        Some(key) => {
            account::Entity::find()
                .filter(account::Column::CompanyKey.eq(key.clone()))
                .one(db)
                .await?
        }
        None => None,
    };
    let acct = match existing {
        Some(a) => a,
        None => {
            account::ActiveModel {
                id: Set(Uuid::now_v7()),
                name: Set(l.company.clone().unwrap_or_else(|| l.person_name.clone())),
                company_key: Set(l.company_key.clone()),
                owner_id: Set(owner),
                created_at: Set(now),
            }
            .insert(db)
            .await?
        }
    };
    let known = contact::Entity::find()
        .filter(contact::Column::AccountId.eq(acct.id))
        .filter(contact::Column::LeadId.eq(l.id))
        .count(db)
        .await?;
    if known == 0 {
        contact::ActiveModel {
            id: Set(Uuid::now_v7()),
            account_id: Set(acct.id),
            lead_id: Set(Some(l.id)),
            name: Set(l.person_name.clone()),
            title: Set(l.title.clone()),
            email: Set(l.email.clone()),
            phone: Set(l.phone.clone()),
            created_at: Set(now),
        }
        .insert(db)
        .await?;
    }
    Ok(acct)
}

/// Moves a deal to another stage of its pipeline. `version` is the one the mover saw:
/// if someone moved the deal meanwhile, the move is refused and says where it is now.
pub async fn move_deal(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    id: Uuid,
    to_stage: Uuid,
    version: i32,
    lost_reason: Option<&str>,
) -> DomainResult<opportunity::Model> {
    let txn = begin_write(db).await?;
    let deal = find_deal(&txn, visibility, id)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "opportunity"))?;
    let pipe = find_pipeline(&txn, Some(deal.pipeline_id)).await?;
    let from = pipe
        .stages
        .iter()
        .find(|s| s.id == deal.stage_id)
        .cloned()
        .ok_or_else(|| DomainError::Internal(anyhow::anyhow!("deal in a missing stage")))?;
    if deal.version != version {
        return Err(DomainError::invalid(
            "version",
            UserErrorCode::Conflict,
            format!(
                "someone moved this deal meanwhile; it is now in {}",
                from.name
            ),
        ));
    }
    let to = pipe
        .stages
        .iter()
        .find(|s| s.id == to_stage)
        .cloned()
        .ok_or_else(|| DomainError::not_found("stageId", "stage of this pipeline"))?;
    let (from_kind, to_kind) = (kind_of(&from), kind_of(&to));
    check_deal_move(from_kind, to_kind, from.id == to.id, lost_reason).map_err(|r| {
        let field = match r {
            leadflow_shared::pipeline::DealMoveRefused::ReasonRequired => "lostReason",
            _ => "stageId",
        };
        DomainError::invalid(field, UserErrorCode::Invalid, r.to_string())
    })?;
    let settings = settings(&txn).await?;
    if to_kind == StageKind::Lost {
        check_lost_reason(&settings, "deal", lost_reason)?;
    }
    let now = Utc::now();
    let lost = (to_kind == StageKind::Lost)
        .then(|| lost_reason.map(|r| r.trim().to_string()))
        .flatten();
    let moved = opportunity::Entity::update_many()
        .col_expr(opportunity::Column::StageId, Expr::value(to.id))
        .col_expr(opportunity::Column::Version, Expr::value(version + 1))
        .col_expr(opportunity::Column::UpdatedAt, Expr::value(now))
        .col_expr(opportunity::Column::LostReason, Expr::value(lost.clone()))
        .col_expr(
            opportunity::Column::ClosedAt,
            Expr::value(to_kind.is_closed().then_some(now)),
        )
        .filter(opportunity::Column::Id.eq(deal.id))
        .filter(opportunity::Column::Version.eq(version))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(DomainError::invalid(
            "version",
            UserErrorCode::Conflict,
            "someone moved this deal at the same moment; reload the board",
        ));
    }
    let deal = opportunity::Entity::find_by_id(deal.id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "opportunity"))?;
    let l = lead::Entity::find_by_id(deal.lead_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "lead"))?;
    timeline::event(
        l.id,
        "opportunity_moved",
        actor,
        serde_json::json!({ "opportunityId": deal.id, "from": from.name, "to": to.name, "lostReason": lost }),
        now,
    )
    .insert(&txn)
    .await?;
    match to_kind {
        StageKind::Won => {
            let acct = make_customer(&txn, &l, deal.owner_id, now).await?;
            let l = move_lead(&txn, actor, l, LeadStage::Customer, None, now).await?;
            timeline::event(
                l.id,
                "won",
                actor,
                serde_json::json!({ "opportunityId": deal.id, "accountId": acct.id, "amount": deal.amount_minor, "currency": deal.currency }),
                now,
            )
            .insert(&txn)
            .await?;
        }
        StageKind::Lost => {
            move_lead(&txn, actor, l, LeadStage::Lost, lost.as_deref(), now).await?;
        }
        StageKind::Open => {}
    }
    announce_deal(&deal, Some(from.id)).insert(&txn).await?;
    txn.commit().await?;
    Ok(deal)
}

/// What an edit of a deal changes; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct DealChanges {
    pub name: Option<String>,
    pub amount_minor: Option<i64>,
    /// `Some(None)` clears the date.
    pub expected_close_on: Option<Option<NaiveDate>>,
}

/// Changes a deal's name, amount or expected close date (version-checked).
pub async fn update_deal(
    db: &DatabaseConnection,
    actor: Actor,
    visibility: &Visibility,
    id: Uuid,
    version: i32,
    changes: DealChanges,
) -> DomainResult<opportunity::Model> {
    let DealChanges {
        name,
        amount_minor,
        expected_close_on,
    } = changes;
    if let Some(a) = amount_minor {
        amount("amount", a)?;
    }
    let name = match name {
        Some(n) => Some(
            super::required_text("name", "deal name", &n, 200)
                .map_err(|e| DomainError::Invalid(vec![e]))?,
        ),
        None => None,
    };
    let txn = begin_write(db).await?;
    let deal = find_deal(&txn, visibility, id)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "opportunity"))?;
    if deal.version != version {
        return Err(stale("deal", deal.version));
    }
    let now = Utc::now();
    let mut model = deal.clone().into_active_model();
    if let Some(n) = name {
        model.name = Set(n);
    }
    if let Some(a) = amount_minor {
        model.amount_minor = Set(a);
    }
    if let Some(c) = expected_close_on {
        model.expected_close_on = Set(c);
    }
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    let updated = model.update(&txn).await?;
    timeline::event(
        updated.lead_id,
        "opportunity_updated",
        actor,
        serde_json::json!({ "opportunityId": updated.id, "amount": updated.amount_minor, "expectedCloseOn": updated.expected_close_on }),
        now,
    )
    .insert(&txn)
    .await?;
    announce_deal(&updated, Some(deal.stage_id))
        .insert(&txn)
        .await?;
    txn.commit().await?;
    Ok(updated)
}

// ---------------------------------------------------------------------------------------
// The board
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    pub owner_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    /// `(year, month)` of the expected close date.
    pub close_month: Option<(i32, u32)>,
}

pub struct BoardColumn {
    pub stage: pipeline_stage::Model,
    pub count: u64,
    pub amount_minor: i64,
    pub weighted_minor: i64,
    pub cards: Vec<opportunity::Model>,
}

async fn board_condition(
    db: &impl ConnectionTrait,
    visibility: &Visibility,
    filter: &BoardFilter,
) -> DomainResult<Condition> {
    let mut cond = Condition::all().add(deal_visible(visibility));
    if let Some(owner) = filter.owner_id {
        cond = cond.add(opportunity::Column::OwnerId.eq(owner));
    }
    if let Some(team) = filter.team_id {
        let members: Vec<Uuid> = user::Entity::find()
            .filter(user::Column::TeamId.eq(team))
            .all(db)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect();
        cond = cond.add(opportunity::Column::OwnerId.is_in(members));
    }
    if let Some((year, month)) = filter.close_month {
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| {
            DomainError::invalid("closeMonth", UserErrorCode::Invalid, "not a month")
        })?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }
        .unwrap_or(first);
        cond = cond
            .add(opportunity::Column::ExpectedCloseOn.gte(first))
            .add(opportunity::Column::ExpectedCloseOn.lt(next));
    }
    Ok(cond)
}

/// Every column of a pipeline with its count, amount and weighted amount, and the
/// first `per_column` cards (most recently changed first).
pub async fn board(
    db: &DatabaseConnection,
    visibility: &Visibility,
    pipeline_id: Option<Uuid>,
    filter: &BoardFilter,
    per_column: u64,
) -> DomainResult<(PipelineWithStages, Vec<BoardColumn>)> {
    let per_column = per_column.clamp(1, MAX_COLUMN_PAGE);
    let pipe = find_pipeline(db, pipeline_id).await?;
    let cond = board_condition(db, visibility, filter).await?;
    let totals: Vec<(Uuid, i64, Option<i64>)> = opportunity::Entity::find()
        .select_only()
        .column(opportunity::Column::StageId)
        .column_as(opportunity::Column::Id.count(), "n")
        // PostgreSQL sums a bigint into a numeric: back to a bigint.
        .column_as(
            Expr::expr(Func::cast_as(
                Func::sum(Expr::col(opportunity::Column::AmountMinor)),
                Alias::new("bigint"),
            )),
            "amount",
        )
        .filter(opportunity::Column::PipelineId.eq(pipe.pipeline.id))
        .filter(cond.clone())
        .group_by(opportunity::Column::StageId)
        .into_tuple()
        .all(db)
        .await?;
    let totals: HashMap<Uuid, (i64, i64)> = totals
        .into_iter()
        .map(|(s, n, a)| (s, (n, a.unwrap_or(0))))
        .collect();
    let mut columns = Vec::with_capacity(pipe.stages.len());
    for stage in &pipe.stages {
        let (count, amount_minor) = totals.get(&stage.id).copied().unwrap_or((0, 0));
        let cards = if count == 0 {
            Vec::new()
        } else {
            opportunity::Entity::find()
                .filter(opportunity::Column::PipelineId.eq(pipe.pipeline.id))
                .filter(opportunity::Column::StageId.eq(stage.id))
                .filter(cond.clone())
                .order_by_desc(opportunity::Column::UpdatedAt)
                .order_by_desc(opportunity::Column::Id)
                .limit(per_column)
                .all(db)
                .await?
        };
        columns.push(BoardColumn {
            count: count as u64,
            amount_minor,
            weighted_minor: weighted(amount_minor, stage.probability.clamp(0, 100) as u8),
            cards,
            stage: stage.clone(),
        });
    }
    Ok((pipe, columns))
}

/// More cards of one column, after the last one shown.
pub async fn column_page(
    db: &DatabaseConnection,
    visibility: &Visibility,
    stage_id: Uuid,
    filter: &BoardFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
) -> DomainResult<Vec<opportunity::Model>> {
    let cond = board_condition(db, visibility, filter).await?;
    let mut q = opportunity::Entity::find()
        .filter(opportunity::Column::StageId.eq(stage_id))
        .filter(cond);
    if let Some((at, id)) = after {
        q = q.filter(
            Condition::any()
                .add(opportunity::Column::UpdatedAt.lt(at))
                .add(
                    Condition::all()
                        .add(opportunity::Column::UpdatedAt.eq(at))
                        .add(opportunity::Column::Id.lt(id)),
                ),
        );
    }
    Ok(q.order_by_desc(opportunity::Column::UpdatedAt)
        .order_by_desc(opportunity::Column::Id)
        .limit(limit.clamp(1, MAX_COLUMN_PAGE))
        .all(db)
        .await?)
}

/// The month a close date falls in, for filters.
pub fn month_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}
