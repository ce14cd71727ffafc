//! Lead scoring on the server: the versioned models marketers design, keeping every
//! lead's score current, and re-scoring all open leads when a model changes.
//!
//! The rules themselves live in `leadflow_shared::scoring` (the SPA previews with the
//! same code). Here: a capture, a behaviour event or an edit re-scores that one lead in
//! the same transaction ([`rescore_lead`]); a lead whose total reaches the MQL
//! threshold moves Lead → MQL and an `lead.mql` outbox row announces it (the routing
//! trigger). Activating a model starts a [`rescore_run`] job over every open lead; a
//! daily decay job does the same with the active model, so quiet leads cool down.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use leadflow_shared::scoring::{CompiledModel, RuleError, ScoringEvent, ScoringLead, ScoringModel};
use leadflow_shared::{BehaviourKind, Channel, LeadStage, UserErrorCode};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{begin_write, timeline, Actor};
use crate::entity::{campaign, lead, lead_event, rescore_run, scoring_model};
use crate::error::{DomainError, DomainResult, Invalid};
use crate::events::{EventBus, RescoreProgressed};
use crate::jobs::{self, Job, Queue};

/// The job that re-scores every open lead for a run.
pub const RESCORE_JOB: &str = "rescore";
/// The daily job that applies decay (starts a run with the active model).
pub const DECAY_JOB: &str = "score_decay";
/// Leads per transaction in a run: big enough to be fast, small enough that a run
/// never holds the write lock for long.
const BATCH: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelStatus {
    Draft,
    Active,
    Retired,
}

impl ModelStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::Draft => "draft",
            ModelStatus::Active => "active",
            ModelStatus::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> ModelStatus {
        match s {
            "active" => ModelStatus::Active,
            "retired" => ModelStatus::Retired,
            _ => ModelStatus::Draft,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Done,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Done => "done",
            RunStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> RunStatus {
        match s {
            "done" => RunStatus::Done,
            "failed" => RunStatus::Failed,
            _ => RunStatus::Running,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The active model
// ---------------------------------------------------------------------------------------

/// The compiled active model, kept while its row is unchanged (ids are never reused, so
/// one cache serves every database this process talks to).
static COMPILED: Mutex<Option<(Uuid, Arc<CompiledModel>)>> = Mutex::new(None);

/// The active model and its version; `None` before one exists.
pub async fn active(
    db: &impl ConnectionTrait,
) -> DomainResult<Option<(scoring_model::Model, Arc<CompiledModel>)>> {
    super::memo::remembered(|m| &mut m.scoring, active_uncached(db)).await
}

async fn active_uncached(
    db: &impl ConnectionTrait,
) -> DomainResult<Option<(scoring_model::Model, Arc<CompiledModel>)>> {
    let Some(row) = scoring_model::Entity::find()
        .filter(scoring_model::Column::Status.eq(ModelStatus::Active.as_str()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if let Some((id, compiled)) = COMPILED.lock().map(|c| c.clone()).unwrap_or_default() {
        if id == row.id {
            return Ok(Some((row, compiled)));
        }
    }
    let model: ScoringModel = serde_json::from_value(row.definition.clone())
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("stored scoring model: {e}")))?;
    let compiled = Arc::new(model.compile().map_err(|errors| {
        DomainError::Internal(anyhow::anyhow!(
            "the active scoring model does not compile: {errors:?}"
        ))
    })?);
    if let Ok(mut cache) = COMPILED.lock() {
        *cache = Some((row.id, compiled.clone()));
    }
    Ok(Some((row, compiled)))
}

/// Gives a new installation the starter model, active, so leads are scored from the
/// first capture. Several servers starting together agree: the version is unique.
pub async fn ensure_model(db: &DatabaseConnection) -> DomainResult<()> {
    if scoring_model::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let now = Utc::now();
    let definition = serde_json::to_value(ScoringModel::starter())
        .map_err(|e| DomainError::Internal(e.into()))?;
    let inserted = scoring_model::Entity::insert(scoring_model::ActiveModel {
        id: Set(Uuid::now_v7()),
        version: Set(1),
        status: Set(ModelStatus::Active.as_str().to_string()),
        definition: Set(definition),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        activated_at: Set(Some(now)),
    })
    .on_conflict_do_nothing_on([scoring_model::Column::Version])
    .exec(db)
    .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if super::is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// What scoring sees of a lead
// ---------------------------------------------------------------------------------------

/// Timeline kinds that are behaviour; captures through a web form count as a form
/// submission.
const BEHAVIOUR_EVENT_KINDS: [&str; 9] = [
    "page_view",
    "download",
    "webinar_attended",
    "email_open",
    "email_click",
    "form_submit",
    "custom",
    "captured",
    "captured_again",
];

fn scoring_event(kind: &str, data: &serde_json::Value, at: DateTime<Utc>) -> Option<ScoringEvent> {
    let text = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let kind = match kind {
        "captured" | "captured_again" => {
            if data.get("source").and_then(|v| v.as_str()) != Some(Channel::WebForm.as_str()) {
                return None;
            }
            BehaviourKind::FormSubmit
        }
        other => BehaviourKind::parse(other)?,
    };
    Some(ScoringEvent {
        kind,
        url: text("url"),
        name: text("name"),
        at,
    })
}

pub(crate) fn scoring_lead(l: &lead::Model, campaign: Option<String>) -> ScoringLead {
    ScoringLead {
        title: l.title.clone(),
        company: l.company.clone(),
        company_size: l.company_size.map(i64::from),
        industry: l.industry.clone(),
        province: l.province.clone(),
        city: l.city.clone(),
        source: Channel::parse(&l.source),
        campaign,
        tags: l.tags.0.clone(),
        email: l.email.clone(),
        stage: LeadStage::parse(&l.stage),
        custom_fields: l.custom_fields.as_object().cloned().unwrap_or_default(),
    }
}

/// Scoring inputs for many leads with two queries (campaign names, behaviour events).
pub async fn inputs(
    db: &impl ConnectionTrait,
    leads: &[lead::Model],
) -> DomainResult<Vec<(ScoringLead, Vec<ScoringEvent>)>> {
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let campaign_ids: Vec<Uuid> = leads.iter().filter_map(|l| l.campaign_id).collect();
    let campaigns: HashMap<Uuid, String> = if campaign_ids.is_empty() {
        HashMap::new()
    } else {
        campaign::Entity::find()
            .filter(campaign::Column::Id.is_in(campaign_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    };
    let mut events: HashMap<Uuid, Vec<ScoringEvent>> = HashMap::new();
    if !ids.is_empty() {
        let rows: Vec<(Uuid, String, serde_json::Value, DateTime<Utc>)> =
            lead_event::Entity::find()
                .select_only()
                .column(lead_event::Column::LeadId)
                .column(lead_event::Column::Kind)
                .column(lead_event::Column::Data)
                .column(lead_event::Column::OccurredAt)
                .filter(lead_event::Column::LeadId.is_in(ids))
                .filter(lead_event::Column::Kind.is_in(BEHAVIOUR_EVENT_KINDS))
                .into_tuple()
                .all(db)
                .await?;
        for (lead_id, kind, data, at) in rows {
            if let Some(e) = scoring_event(&kind, &data, at) {
                events.entry(lead_id).or_default().push(e);
            }
        }
    }
    Ok(leads
        .iter()
        .map(|l| {
            let campaign = l.campaign_id.and_then(|c| campaigns.get(&c).cloned());
            (
                scoring_lead(l, campaign),
                events.remove(&l.id).unwrap_or_default(),
            )
        })
        .collect())
}

/// The breakdown of `lead`'s score under the active model, as of `now`.
pub async fn breakdown(
    db: &impl ConnectionTrait,
    l: &lead::Model,
    now: DateTime<Utc>,
) -> DomainResult<Option<leadflow_shared::scoring::ScoreBreakdown>> {
    let Some((_, model)) = active(db).await? else {
        return Ok(None);
    };
    let mut input = inputs(db, std::slice::from_ref(l)).await?;
    let (lead_input, events) = input.pop().unwrap_or_default();
    Ok(Some(model.evaluate(&lead_input, &events, now)))
}

// ---------------------------------------------------------------------------------------
// Keeping scores current
// ---------------------------------------------------------------------------------------

/// Writes a new score onto a lead (not an edit: the version stays) and, when it reaches
/// the threshold while still a plain or recycled lead, qualifies it as MQL.
async fn apply_score(
    db: &impl ConnectionTrait,
    mut l: lead::Model,
    score: leadflow_shared::scoring::Score,
    model_version: i32,
    now: DateTime<Utc>,
) -> DomainResult<(lead::Model, bool)> {
    let stage = LeadStage::parse(&l.stage).unwrap_or(LeadStage::Lead);
    let qualifies = score.is_mql && matches!(stage, LeadStage::Lead | LeadStage::Recycled);
    let moved = (l.fit_score, l.engagement_score, l.total_score)
        != (score.fit, score.engagement, score.total);
    if !moved && !qualifies {
        return Ok((l, false));
    }
    let mut update = lead::Entity::update_many()
        .col_expr(lead::Column::FitScore, Expr::value(score.fit))
        .col_expr(lead::Column::EngagementScore, Expr::value(score.engagement))
        .col_expr(lead::Column::TotalScore, Expr::value(score.total))
        .filter(lead::Column::Id.eq(l.id));
    if qualifies {
        update = update
            .col_expr(lead::Column::Stage, Expr::value(LeadStage::Mql.as_str()))
            .col_expr(lead::Column::UpdatedAt, Expr::value(now));
    }
    update.exec(db).await?;
    l.fit_score = score.fit;
    l.engagement_score = score.engagement;
    l.total_score = score.total;
    if qualifies {
        l.stage = LeadStage::Mql.as_str().to_string();
        l.updated_at = now;
        let data = serde_json::json!({
            "from": stage.as_str(),
            "to": LeadStage::Mql.as_str(),
            "reason": "score",
            "score": score.total,
            "modelVersion": model_version,
        });
        timeline::event(l.id, "stage_changed", Actor::system(), data, now)
            .insert(db)
            .await?;
        super::analytics::stage_reached(db, l.id, LeadStage::Mql, now).await?;
        timeline::announce(
            "lead.mql",
            l.id,
            serde_json::json!({ "leadId": l.id, "score": score.total, "ownerId": l.owner_id }),
        )
        .insert(db)
        .await?;
    }
    Ok((l, true))
}

/// Writes new scores onto many leads with one statement (an `UPDATE … FROM (VALUES …)`
/// both databases understand): a re-score run of a million leads otherwise spends its
/// time on a million single-row updates. Stages and versions stay as they are.
async fn write_scores(
    db: &impl ConnectionTrait,
    scores: &[(Uuid, leadflow_shared::scoring::Score)],
) -> DomainResult<()> {
    if scores.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(scores.len() * 4);
    let mut rows = Vec::with_capacity(scores.len());
    for (id, score) in scores {
        let at = values.len();
        let row = match backend {
            sea_orm::DbBackend::Postgres => format!(
                "(${}::uuid, ${}::int, ${}::int, ${}::int)",
                at + 1,
                at + 2,
                at + 3,
                at + 4
            ),
            _ => "(?, ?, ?, ?)".to_string(),
        };
        rows.push(row);
        values.extend([
            (*id).into(),
            score.fit.into(),
            score.engagement.into(),
            score.total.into(),
        ]);
    }
    let sql = format!(
        "UPDATE leads SET fit_score = v.column2, engagement_score = v.column3, \
         total_score = v.column4 FROM (VALUES {}) AS v WHERE leads.id = v.column1",
        rows.join(", ")
    );
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await?;
    Ok(())
}

/// Re-scores one lead inside the caller's transaction, after whatever changed it.
pub(crate) async fn rescore_lead(
    db: &impl ConnectionTrait,
    l: lead::Model,
    now: DateTime<Utc>,
) -> DomainResult<lead::Model> {
    if l.merged_into.is_some() {
        return Ok(l);
    }
    let Some((row, model)) = active(db).await? else {
        return Ok(l);
    };
    let mut input = inputs(db, std::slice::from_ref(&l)).await?;
    let (lead_input, events) = input.pop().unwrap_or_default();
    let score = model.score(&lead_input, &events, now);
    let was_mql = l.stage == LeadStage::Mql.as_str();
    let score_before = l.total_score;
    let mut l = apply_score(db, l, score, row.version, now).await?.0;
    let mut signals = Vec::new();
    if l.total_score != score_before {
        signals.push(super::journeys::Signal::ScoreChanged {
            from: score_before,
            to: l.total_score,
        });
    }
    if !was_mql && l.stage == LeadStage::Mql.as_str() {
        // Reaching MQL is a routing trigger (when the rules say so).
        l = super::routing::route(db, l, super::routing::Occasion::BecameMql, now).await?;
        // ...and wakes the lead up: it leaves its nurture journeys for a rep.
        super::journeys::lead_woke_up(db, l.id, now).await?;
        signals.push(super::journeys::Signal::EnteredStage(LeadStage::Mql));
    }
    super::journeys::on_signal(db, &l, &signals, now).await?;
    // The predictive score reads the same facts: keep it current too.
    super::predictive::repredict_lead(db, l).await
}

// ---------------------------------------------------------------------------------------
// Designing models
// ---------------------------------------------------------------------------------------

fn rule_errors(errors: Vec<RuleError>) -> DomainError {
    DomainError::Invalid(
        errors
            .into_iter()
            .map(|e| Invalid::owned(e.path, e.code, e.message))
            .collect(),
    )
}

/// Checks a definition as the designer sent it; every problem names its JSON path.
fn parse_definition(definition: serde_json::Value) -> DomainResult<ScoringModel> {
    let model: ScoringModel = serde_json::from_value(definition).map_err(|e| {
        DomainError::Invalid(vec![Invalid::owned(
            "definition".to_string(),
            UserErrorCode::Invalid,
            format!("not a scoring model: {e}"),
        )])
    })?;
    model.compile().map_err(rule_errors)?;
    Ok(model)
}

/// All versions, newest first.
pub async fn versions(db: &DatabaseConnection) -> DomainResult<Vec<scoring_model::Model>> {
    Ok(scoring_model::Entity::find()
        .order_by_desc(scoring_model::Column::Version)
        .all(db)
        .await?)
}

/// Saves a draft: `id` of an existing draft updates it, none starts a new version.
/// A definition that cannot be evaluated is refused before it is stored.
pub async fn save_draft(
    db: &DatabaseConnection,
    actor: Actor,
    id: Option<Uuid>,
    definition: serde_json::Value,
) -> DomainResult<scoring_model::Model> {
    let model = parse_definition(definition)?;
    let definition = serde_json::to_value(&model).map_err(|e| DomainError::Internal(e.into()))?;
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let saved = match id {
        Some(id) => {
            let existing = scoring_model::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| DomainError::not_found("id", "scoring model"))?;
            if ModelStatus::parse(&existing.status) != ModelStatus::Draft {
                return Err(DomainError::invalid(
                    "id",
                    UserErrorCode::Invalid,
                    "only a draft can be changed; save a new draft instead",
                ));
            }
            let mut m = existing.into_active_model();
            m.definition = Set(definition);
            m.updated_at = Set(now);
            m.update(&txn).await?
        }
        None => {
            let latest = scoring_model::Entity::find()
                .order_by_desc(scoring_model::Column::Version)
                .one(&txn)
                .await?
                .map_or(0, |m| m.version);
            scoring_model::ActiveModel {
                id: Set(Uuid::now_v7()),
                version: Set(latest + 1),
                status: Set(ModelStatus::Draft.as_str().to_string()),
                definition: Set(definition),
                created_by: Set(actor.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                activated_at: Set(None),
            }
            .insert(&txn)
            .await?
        }
    };
    super::audit::record(
        &txn,
        actor,
        "scoring_model.saved",
        Some(saved.id),
        serde_json::json!({ "version": saved.version }),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Makes a draft (or an earlier version) the active model and starts re-scoring every
/// open lead with it. A model that does not compile is never activated.
pub async fn activate(
    db: &DatabaseConnection,
    queue: &Queue,
    actor: Actor,
    id: Uuid,
) -> DomainResult<(scoring_model::Model, rescore_run::Model)> {
    let txn = begin_write(db).await?;
    let chosen = scoring_model::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::not_found("id", "scoring model"))?;
    parse_definition(chosen.definition.clone())?;
    let now = Utc::now();
    let chosen = if ModelStatus::parse(&chosen.status) == ModelStatus::Active {
        chosen
    } else {
        scoring_model::Entity::update_many()
            .col_expr(
                scoring_model::Column::Status,
                Expr::value(ModelStatus::Retired.as_str()),
            )
            .filter(scoring_model::Column::Status.eq(ModelStatus::Active.as_str()))
            .exec(&txn)
            .await?;
        let mut m = chosen.into_active_model();
        m.status = Set(ModelStatus::Active.as_str().to_string());
        m.activated_at = Set(Some(now));
        m.updated_at = Set(now);
        m.update(&txn).await?
    };
    let run = start_run(&txn, chosen.version, "activation", now).await?;
    super::audit::record(
        &txn,
        actor,
        "scoring_model.activated",
        Some(chosen.id),
        serde_json::json!({ "version": chosen.version, "runId": run.id }),
    )
    .await?;
    txn.commit().await?;
    queue.wake();
    tracing::info!(version = chosen.version, run = %run.id, "scoring model activated");
    Ok((chosen, run))
}

// ---------------------------------------------------------------------------------------
// Re-scoring every open lead
// ---------------------------------------------------------------------------------------

pub(crate) fn open_stages() -> Vec<&'static str> {
    LeadStage::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(LeadStage::as_str)
        .collect()
}

async fn start_run(
    db: &impl ConnectionTrait,
    model_version: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> DomainResult<rescore_run::Model> {
    let total = lead::Entity::find()
        .filter(lead::Column::MergedInto.is_null())
        .filter(lead::Column::Stage.is_in(open_stages()))
        .count(db)
        .await?;
    let run = rescore_run::ActiveModel {
        id: Set(Uuid::now_v7()),
        model_version: Set(model_version),
        reason: Set(reason.to_string()),
        status: Set(RunStatus::Running.as_str().to_string()),
        total: Set(total as i64),
        done: Set(0),
        changed: Set(0),
        after_lead_id: Set(None),
        started_at: Set(now),
        finished_at: Set(None),
    }
    .insert(db)
    .await?;
    jobs::enqueue(db, RESCORE_JOB, serde_json::json!({ "runId": run.id }), now).await?;
    Ok(run)
}

pub async fn find_run(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> DomainResult<Option<rescore_run::Model>> {
    Ok(rescore_run::Entity::find_by_id(id).one(db).await?)
}

/// Runs (or resumes) a re-scoring run: batches of open leads in id order, each batch
/// committed with the run's position, so a restart continues where it stopped and no
/// lead is scored twice for one run. A newer model taking over ends an older run.
pub async fn run_rescore(
    db: &DatabaseConnection,
    events: &EventBus,
    job: &Job,
) -> anyhow::Result<()> {
    let run_id = job
        .payload
        .get("runId")
        .and_then(|v| v.as_str())
        .and_then(|v| Uuid::parse_str(v).ok())
        .ok_or_else(|| anyhow::anyhow!("rescore job without a runId"))?;
    let stages = open_stages();
    loop {
        let txn = begin_write(db).await?;
        let Some(run) = find_run(&txn, run_id).await? else {
            return Ok(());
        };
        if RunStatus::parse(&run.status) != RunStatus::Running {
            return Ok(());
        }
        let now = Utc::now();
        let model = active(&txn)
            .await?
            .filter(|(m, _)| m.version == run.model_version);
        let Some((_, model)) = model else {
            // Another model became active meanwhile; its own run re-scores everything.
            finish_run(&txn, run, RunStatus::Done, now).await?;
            txn.commit().await?;
            publish(events, run_id);
            return Ok(());
        };
        let mut query = lead::Entity::find()
            .filter(lead::Column::MergedInto.is_null())
            .filter(lead::Column::Stage.is_in(stages.clone()));
        if let Some(after) = run.after_lead_id {
            query = query.filter(lead::Column::Id.gt(after));
        }
        let batch = query
            .order_by_asc(lead::Column::Id)
            .limit(BATCH)
            .all(&txn)
            .await?;
        let Some(last) = batch.last().map(|l| l.id) else {
            finish_run(&txn, run, RunStatus::Done, now).await?;
            txn.commit().await?;
            publish(events, run_id);
            tracing::info!(run = %run_id, "re-scoring finished");
            return Ok(());
        };
        let inputs = inputs(&txn, &batch).await?;
        let mut changed = 0i64;
        let count = batch.len() as i64;
        // Scores that merely move are written together; a lead that qualifies as MQL
        // takes the one-lead path, which also records and announces the move.
        let mut moved = Vec::new();
        for (l, (lead_input, lead_events)) in batch.into_iter().zip(inputs) {
            let score = model.score(&lead_input, &lead_events, now);
            let qualifies = score.is_mql
                && matches!(
                    LeadStage::parse(&l.stage),
                    Some(LeadStage::Lead | LeadStage::Recycled) | None
                );
            if qualifies {
                apply_score(&txn, l, score, run.model_version, now).await?;
                changed += 1;
            } else if (l.fit_score, l.engagement_score, l.total_score)
                != (score.fit, score.engagement, score.total)
            {
                moved.push((l.id, score));
                changed += 1;
            }
        }
        write_scores(&txn, &moved).await?;
        let (done, total_changed) = (run.done + count, run.changed + changed);
        let mut m = run.into_active_model();
        m.done = Set(done);
        m.changed = Set(total_changed);
        m.after_lead_id = Set(Some(last));
        m.update(&txn).await?;
        txn.commit().await?;
        publish(events, run_id);
    }
}

async fn finish_run(
    db: &impl ConnectionTrait,
    run: rescore_run::Model,
    status: RunStatus,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let done = run.done;
    let mut m = run.into_active_model();
    m.status = Set(status.as_str().to_string());
    m.finished_at = Set(Some(now));
    // Leads captured during the run were scored on arrival; the total is what was done.
    m.total = Set(done);
    m.update(db).await?;
    Ok(())
}

fn publish(events: &EventBus, run_id: Uuid) {
    events.publish_rescore(RescoreProgressed { run_id });
}

/// The daily decay: starts a run with the active model (so quiet leads cool down and
/// nobody stays MQL-hot on old clicks), and books tomorrow's.
/// `now` is the server's clock: decay is counted, and tomorrow's run booked, from it.
pub async fn run_decay(
    db: &DatabaseConnection,
    queue: &Queue,
    now: DateTime<Utc>,
    _job: &Job,
) -> anyhow::Result<()> {
    let txn = begin_write(db).await?;
    if let Some((model, _)) = active(&txn).await? {
        start_run(&txn, model.version, "decay", now).await?;
    }
    jobs::enqueue(
        &txn,
        DECAY_JOB,
        serde_json::json!({}),
        now + Duration::days(1),
    )
    .await?;
    txn.commit().await?;
    queue.wake();
    Ok(())
}

/// Books the daily decay job unless one is already waiting.
pub async fn schedule_decay(db: &DatabaseConnection) -> DomainResult<()> {
    jobs::ensure_pending(db, DECAY_JOB, Utc::now() + Duration::days(1)).await?;
    Ok(())
}
