//! The predictive score: how likely an open lead is to be won, learned from the leads
//! this company already closed (won = customer, lost = lost), with the factors behind
//! it. Trained on demand by an admin and nightly by a job; below the minimum history
//! it says so instead of guessing. The learning itself is `leadflow_shared::predict`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use leadflow_shared::predict::{
    self, company_size_bucket, title_level, ClosedLead, Observation, Prediction, PredictiveModel,
    TrainError, TrainOptions,
};
use leadflow_shared::LeadStage;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{audit, Actor};
use crate::entity::{lead, lead_event, predictive_model};
use crate::error::{DomainError, DomainResult};
use crate::jobs::{self, Job, Queue};

/// The nightly retraining job.
pub const TRAIN_JOB: &str = "predictive_train";
/// Writes a newly trained model's prediction onto every open lead.
pub const SCORE_JOB: &str = "predictive_score";
const BATCH: u64 = 2_000;

/// Behaviour counted per lead, by timeline kind → feature name.
const COUNTED: [(&str, &str); 6] = [
    ("page_view", "pageViews"),
    ("download", "downloads"),
    ("webinar_attended", "webinars"),
    ("email_open", "emailOpens"),
    ("email_click", "emailClicks"),
    ("form_submit", "formSubmits"),
];

/// What the predictive model sees of leads: their attributes and behaviour counts.
async fn observations(
    db: &impl ConnectionTrait,
    leads: &[lead::Model],
) -> DomainResult<Vec<Observation>> {
    let ids: Vec<Uuid> = leads.iter().map(|l| l.id).collect();
    let mut counts: HashMap<(Uuid, String), i64> = HashMap::new();
    if !ids.is_empty() {
        let rows: Vec<(Uuid, String, i64)> = lead_event::Entity::find()
            .select_only()
            .column(lead_event::Column::LeadId)
            .column(lead_event::Column::Kind)
            .column_as(lead_event::Column::Id.count(), "n")
            .filter(lead_event::Column::LeadId.is_in(ids))
            .filter(lead_event::Column::Kind.is_in(COUNTED.iter().map(|(k, _)| *k)))
            .group_by(lead_event::Column::LeadId)
            .group_by(lead_event::Column::Kind)
            .into_tuple()
            .all(db)
            .await?;
        for (id, kind, n) in rows {
            counts.insert((id, kind), n);
        }
    }
    Ok(leads
        .iter()
        .map(|l| {
            let mut o = Observation::new()
                .category("source", l.source.clone())
                .category("industry", l.industry.clone().unwrap_or_default())
                .category("province", l.province.clone().unwrap_or_default())
                .category(
                    "titleLevel",
                    title_level(l.title.as_deref().unwrap_or("")).as_str(),
                )
                .category(
                    "companySize",
                    company_size_bucket(l.company_size.map(i64::from)).as_str(),
                );
            for (kind, feature) in COUNTED {
                let n = counts.get(&(l.id, kind.to_string())).copied().unwrap_or(0);
                o = o.count(feature, n as f64);
            }
            o
        })
        .collect())
}

/// The model in use and when it was trained; cached per row.
static CURRENT: Mutex<Option<(Uuid, Arc<PredictiveModel>)>> = Mutex::new(None);

pub async fn latest(
    db: &impl ConnectionTrait,
) -> DomainResult<Option<(predictive_model::Model, Arc<PredictiveModel>)>> {
    super::memo::remembered(|m| &mut m.predictive, latest_uncached(db)).await
}

async fn latest_uncached(
    db: &impl ConnectionTrait,
) -> DomainResult<Option<(predictive_model::Model, Arc<PredictiveModel>)>> {
    let Some(row) = predictive_model::Entity::find()
        .order_by_desc(predictive_model::Column::TrainedAt)
        .order_by_desc(predictive_model::Column::Id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if let Some((id, model)) = CURRENT.lock().map(|c| c.clone()).unwrap_or_default() {
        if id == row.id {
            return Ok(Some((row, model)));
        }
    }
    let model: PredictiveModel = serde_json::from_value(row.model.clone())
        .map_err(|e| DomainError::Internal(anyhow::anyhow!("stored predictive model: {e}")))?;
    let model = Arc::new(model);
    if let Ok(mut cache) = CURRENT.lock() {
        *cache = Some((row.id, model.clone()));
    }
    Ok(Some((row, model)))
}

/// Writes predictions onto leads (not an edit: versions stay); closed leads lose theirs.
async fn store(
    db: &impl ConnectionTrait,
    model: &PredictiveModel,
    leads: &[lead::Model],
) -> DomainResult<()> {
    use sea_orm::sea_query::Expr;
    let observations = observations(db, leads).await?;
    for (l, observation) in leads.iter().zip(observations) {
        let open = LeadStage::parse(&l.stage).is_some_and(LeadStage::is_open);
        let (probability, factors) = if open {
            let p = model.predict(&observation);
            (
                Some(p.probability),
                Some(
                    serde_json::to_value(&p.factors)
                        .map_err(|e| DomainError::Internal(e.into()))?,
                ),
            )
        } else {
            (None, None)
        };
        lead::Entity::update_many()
            .col_expr(lead::Column::WinProbability, Expr::value(probability))
            .col_expr(lead::Column::WinFactors, Expr::value(factors))
            .filter(lead::Column::Id.eq(l.id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Re-predicts one lead inside the caller's transaction, after whatever changed it.
pub(crate) async fn repredict_lead(
    db: &impl ConnectionTrait,
    mut l: lead::Model,
) -> DomainResult<lead::Model> {
    let Some((_, model)) = latest(db).await? else {
        return Ok(l);
    };
    store(db, &model, std::slice::from_ref(&l)).await?;
    if let Some(fresh) = lead::Entity::find_by_id(l.id).one(db).await? {
        l.win_probability = fresh.win_probability;
        l.win_factors = fresh.win_factors;
    }
    Ok(l)
}

/// The stored prediction of a lead, as the lead page shows it.
pub fn stored(l: &lead::Model) -> Option<Prediction> {
    Some(Prediction {
        probability: l.win_probability?,
        factors: l
            .win_factors
            .clone()
            .and_then(|f| serde_json::from_value(f).ok())
            .unwrap_or_default(),
    })
}

/// Predicts every live lead with the newest model, in id-ordered batches (each its own
/// transaction, so a restart simply does it again: writing a prediction twice is
/// harmless).
pub async fn run_scoring(db: &DatabaseConnection, _job: &Job) -> anyhow::Result<()> {
    let Some((row, model)) = latest(db).await? else {
        return Ok(());
    };
    let mut after: Option<Uuid> = None;
    loop {
        let txn = super::begin_write(db).await?;
        let mut q = lead::Entity::find().filter(lead::Column::MergedInto.is_null());
        if let Some(a) = after {
            q = q.filter(lead::Column::Id.gt(a));
        }
        let batch = q
            .order_by_asc(lead::Column::Id)
            .limit(BATCH)
            .all(&txn)
            .await?;
        let Some(last) = batch.last().map(|l| l.id) else {
            break;
        };
        store(&txn, &model, &batch).await?;
        txn.commit().await?;
        after = Some(last);
    }
    tracing::info!(model = %row.id, "predictions written");
    Ok(())
}

/// How many closed leads there are to learn from.
pub async fn closed_count(db: &impl ConnectionTrait) -> DomainResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(lead::Entity::find()
        .filter(lead::Column::MergedInto.is_null())
        .filter(lead::Column::Stage.is_in([LeadStage::Customer.as_str(), LeadStage::Lost.as_str()]))
        .count(db)
        .await?)
}

/// Trains on every closed lead and, when there is enough history, stores the model.
/// Not enough history is an answer (`Ok(Err(..))`), not a failure.
pub async fn train(
    db: &DatabaseConnection,
    queue: &Queue,
    actor: Actor,
) -> DomainResult<Result<predictive_model::Model, TrainError>> {
    let mut history = Vec::new();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = lead::Entity::find()
            .filter(lead::Column::MergedInto.is_null())
            .filter(
                lead::Column::Stage.is_in([LeadStage::Customer.as_str(), LeadStage::Lost.as_str()]),
            );
        if let Some(a) = after {
            q = q.filter(lead::Column::Id.gt(a));
        }
        let batch = q
            .order_by_asc(lead::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = batch.last().map(|l| l.id) else {
            break;
        };
        after = Some(last);
        let obs = observations(db, &batch).await?;
        for (l, observation) in batch.iter().zip(obs) {
            history.push(ClosedLead {
                key: l.id.to_string(),
                observation,
                won: l.stage == LeadStage::Customer.as_str(),
            });
        }
    }
    // Training is CPU work: keep it off the request threads.
    let trained =
        tokio::task::spawn_blocking(move || predict::train(&history, &TrainOptions::default()))
            .await
            .map_err(|e| DomainError::Internal(e.into()))?;
    let model = match trained {
        Ok(model) => model,
        Err(refused) => return Ok(Err(refused)),
    };
    let evaluation = model.evaluation().clone();
    let json = serde_json::to_value(&model).map_err(|e| DomainError::Internal(e.into()))?;
    let txn = super::begin_write(db).await?;
    let row = predictive_model::ActiveModel {
        id: Set(Uuid::now_v7()),
        model: Set(json),
        auc: Set(evaluation.auc),
        trained_on: Set(evaluation.trained_on as i32),
        held_out: Set(evaluation.held_out as i32),
        closed: Set(evaluation.closed as i32),
        trained_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    jobs::enqueue(
        &txn,
        SCORE_JOB,
        serde_json::json!({ "modelId": row.id }),
        Utc::now(),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "predictive_model.trained",
        Some(row.id),
        serde_json::json!({ "closed": evaluation.closed, "auc": evaluation.auc }),
    )
    .await?;
    txn.commit().await?;
    queue.wake();
    tracing::info!(closed = evaluation.closed, auc = ?evaluation.auc, "predictive model trained");
    Ok(Ok(row))
}

/// The nightly retraining; books the next night's.
/// `now` is the server's clock: tomorrow's run is booked from it.
pub async fn run_nightly(
    db: &DatabaseConnection,
    queue: &Queue,
    now: chrono::DateTime<Utc>,
    _job: &Job,
) -> anyhow::Result<()> {
    if let Ok(Err(refused)) = train(db, queue, Actor::system()).await {
        tracing::info!(%refused, "predictive model not retrained");
    }
    jobs::enqueue(
        db,
        TRAIN_JOB,
        serde_json::json!({}),
        now + Duration::days(1),
    )
    .await?;
    queue.wake();
    Ok(())
}

/// Books the nightly retraining unless one is already waiting.
pub async fn schedule_nightly(db: &DatabaseConnection) -> DomainResult<()> {
    jobs::ensure_pending(db, TRAIN_JOB, Utc::now() + Duration::days(1)).await?;
    Ok(())
}

/// The minimum history, for "12 closed leads, 50 needed".
pub const fn needed() -> usize {
    predict::MIN_CLOSED_LEADS
}
