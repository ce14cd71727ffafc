//! Scoring over GraphQL: model versions (draft → active), the sample the designer
//! previews on, re-scoring runs with live progress, and the predictive model.

use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject, Subscription, ID};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use leadflow_shared::predict::{Evaluation, Factor};
use leadflow_shared::{LeadStage, Role};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use super::errors::{internal, payload, UserError};
use super::guards::RoleGuard;
use super::leads::actor;
use super::loaders::Users;
use super::types::User;
use super::users::parse_id;
use crate::app::AppState;
use crate::domain::scoring::{self, ModelStatus, RunStatus};
use crate::domain::{predictive, Actor};
use crate::entity::{lead, predictive_model, rescore_run, scoring_model};

/// Who designs scoring models.
const DESIGNERS: &[Role] = &[Role::Admin, Role::Marketer];

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ScoringModelStatus {
    Draft,
    Active,
    Retired,
}

pub struct ScoringModelVersion(pub scoring_model::Model);

#[Object]
impl ScoringModelVersion {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn status(&self) -> ScoringModelStatus {
        match ModelStatus::parse(&self.0.status) {
            ModelStatus::Draft => ScoringModelStatus::Draft,
            ModelStatus::Active => ScoringModelStatus::Active,
            ModelStatus::Retired => ScoringModelStatus::Retired,
        }
    }
    /// The model as the designer edits it (`leadflow_shared::scoring::ScoringModel`).
    async fn definition(&self) -> Json<serde_json::Value> {
        Json(self.0.definition.clone())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    async fn activated_at(&self) -> Option<DateTime<Utc>> {
        self.0.activated_at
    }
    async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<Users>();
        Ok(loader.load_one(id).await.map_err(internal)?.map(User))
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RescoreStatus {
    Running,
    Done,
    Failed,
}

pub struct RescoreRun(pub rescore_run::Model);

#[Object]
impl RescoreRun {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn model_version(&self) -> i32 {
        self.0.model_version
    }
    async fn status(&self) -> RescoreStatus {
        match RunStatus::parse(&self.0.status) {
            RunStatus::Running => RescoreStatus::Running,
            RunStatus::Done => RescoreStatus::Done,
            RunStatus::Failed => RescoreStatus::Failed,
        }
    }
    /// Open leads to re-score.
    async fn total(&self) -> i64 {
        self.0.total
    }
    async fn done(&self) -> i64 {
        self.0.done
    }
    /// Leads whose score moved.
    async fn changed(&self) -> i64 {
        self.0.changed
    }
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
}

/// A real open lead as the designer's preview scores it in the browser.
#[derive(SimpleObject)]
pub struct ScoringSampleLead {
    pub lead_id: ID,
    pub person_name: String,
    pub company: Option<String>,
    /// `leadflow_shared::scoring::ScoringLead`.
    pub lead: Json<serde_json::Value>,
    /// `[leadflow_shared::scoring::ScoringEvent]`.
    pub events: Json<serde_json::Value>,
    /// The score under the active model, as stored.
    pub total_score: i32,
}

/// The predictive model's state, for the admin panel.
#[derive(SimpleObject)]
pub struct PredictiveModelInfo {
    /// A model exists and scores open leads.
    pub ready: bool,
    /// What to tell the admin ("not enough history: 12 closed leads, …").
    pub message: String,
    pub trained_at: Option<DateTime<Utc>>,
    pub evaluation: Option<Evaluation>,
    /// Won and lost leads there are to learn from now.
    pub closed_leads: i64,
    pub needed: i64,
}

/// A lead's chance to be won, and why.
#[derive(SimpleObject)]
pub struct LeadPrediction {
    /// 0..1.
    pub probability: f64,
    /// Strongest first: up to three for, two against.
    pub factors: Vec<Factor>,
}

async fn model_info(
    state: &AppState,
    latest: Option<predictive_model::Model>,
    refused: Option<String>,
) -> async_graphql::Result<PredictiveModelInfo> {
    let closed = predictive::closed_count(&state.db)
        .await
        .map_err(internal)? as i64;
    let needed = predictive::needed() as i64;
    let evaluation = match &latest {
        Some(_) => predictive::latest(&state.db)
            .await
            .map_err(internal)?
            .map(|(_, m)| m.evaluation().clone()),
        None => None,
    };
    let message = match (&refused, &evaluation) {
        (Some(why), _) => why.clone(),
        (None, Some(e)) => match e.auc {
            Some(auc) => format!(
                "trained on {} closed leads; hold-out AUC {auc:.2}",
                e.closed
            ),
            None => format!("trained on {} closed leads", e.closed),
        },
        (None, None) => format!(
            "not enough history yet: {closed} closed leads, the predictive score needs {needed}"
        ),
    };
    Ok(PredictiveModelInfo {
        ready: latest.is_some(),
        message,
        trained_at: latest.as_ref().map(|m| m.trained_at),
        evaluation,
        closed_leads: closed,
        needed,
    })
}

#[derive(Default)]
pub struct ScoringQuery;

#[Object]
impl ScoringQuery {
    /// Every version of the scoring model, newest first.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn scoring_models(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ScoringModelVersion>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(scoring::versions(&state.db)
            .await
            .map_err(internal)?
            .into_iter()
            .map(ScoringModelVersion)
            .collect())
    }

    /// The model scoring leads now.
    #[graphql(guard = "RoleGuard::any_user()")]
    async fn active_scoring_model(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ScoringModelVersion>> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(scoring::active(&state.db)
            .await
            .map_err(internal)?
            .map(|(m, _)| ScoringModelVersion(m)))
    }

    /// A sample of real open leads with their behaviour, newest first, for the
    /// designer's live preview (scored in the browser with the same rules).
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn scoring_sample(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 500, validator(minimum = 1, maximum = 2000))] size: i32,
    ) -> async_graphql::Result<Vec<ScoringSampleLead>> {
        let state = ctx.data_unchecked::<AppState>();
        let open: Vec<&str> = LeadStage::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .map(LeadStage::as_str)
            .collect();
        let leads = lead::Entity::find()
            .filter(lead::Column::MergedInto.is_null())
            .filter(lead::Column::Stage.is_in(open))
            .order_by_desc(lead::Column::CreatedAt)
            .limit(size as u64)
            .all(&state.db)
            .await
            .map_err(internal)?;
        let inputs = scoring::inputs(&state.db, &leads).await.map_err(internal)?;
        Ok(leads
            .into_iter()
            .zip(inputs)
            .map(|(l, (lead, events))| ScoringSampleLead {
                lead_id: ID(l.id.to_string()),
                person_name: l.person_name,
                company: l.company,
                lead: Json(serde_json::to_value(lead).unwrap_or_default()),
                events: Json(serde_json::to_value(events).unwrap_or_default()),
                total_score: l.total_score,
            })
            .collect())
    }

    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn rescore_run(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<RescoreRun>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &id)?;
        Ok(scoring::find_run(&state.db, id)
            .await
            .map_err(internal)?
            .map(RescoreRun))
    }

    /// The predictive model: ready or why not, and its hold-out accuracy.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn predictive_model(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<PredictiveModelInfo> {
        let state = ctx.data_unchecked::<AppState>();
        let latest = predictive::latest(&state.db)
            .await
            .map_err(internal)?
            .map(|(row, _)| row);
        model_info(state, latest, None).await
    }
}

#[derive(InputObject)]
pub struct ScoringModelSaveDraftInput {
    /// A draft to change; none starts a new version.
    pub id: Option<ID>,
    pub definition: Json<serde_json::Value>,
}

#[derive(SimpleObject)]
pub struct ScoringModelPayload {
    pub model: Option<ScoringModelVersion>,
    /// `field` is the path inside the definition (`fitRules[2].condition.values`).
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct ScoringModelActivateInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct ScoringModelActivatePayload {
    pub model: Option<ScoringModelVersion>,
    /// Re-scoring every open lead with the model; follow it with `rescoreProgress`.
    pub run: Option<RescoreRun>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct PredictiveModelTrainPayload {
    pub model: Option<PredictiveModelInfo>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct ScoringMutation;

#[Object]
impl ScoringMutation {
    /// Saves a scoring model draft. A definition that cannot be evaluated is refused,
    /// each problem naming its place in the model.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn scoring_model_save_draft(
        &self,
        ctx: &Context<'_>,
        input: ScoringModelSaveDraftInput,
    ) -> async_graphql::Result<ScoringModelPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = input.id.as_ref().map(|id| parse_id("id", id)).transpose()?;
        Ok(
            match payload(
                scoring::save_draft(&state.db, actor(ctx)?, id, input.definition.0).await,
            )? {
                Ok(m) => ScoringModelPayload {
                    model: Some(ScoringModelVersion(m)),
                    user_errors: vec![],
                },
                Err(user_errors) => ScoringModelPayload {
                    model: None,
                    user_errors,
                },
            },
        )
    }

    /// Makes a version the active model and re-scores every open lead with it in the
    /// background.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn scoring_model_activate(
        &self,
        ctx: &Context<'_>,
        input: ScoringModelActivateInput,
    ) -> async_graphql::Result<ScoringModelActivatePayload> {
        let state = ctx.data_unchecked::<AppState>();
        let id = parse_id("id", &input.id)?;
        Ok(
            match payload(scoring::activate(&state.db, &state.jobs, actor(ctx)?, id).await)? {
                Ok((m, run)) => ScoringModelActivatePayload {
                    model: Some(ScoringModelVersion(m)),
                    run: Some(RescoreRun(run)),
                    user_errors: vec![],
                },
                Err(user_errors) => ScoringModelActivatePayload {
                    model: None,
                    run: None,
                    user_errors,
                },
            },
        )
    }

    /// Retrains the predictive model on every closed lead now.
    #[graphql(guard = "RoleGuard::admin()")]
    async fn predictive_model_train(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<PredictiveModelTrainPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let actor: Actor = actor(ctx)?;
        let trained = predictive::train(&state.db, &state.jobs, actor)
            .await
            .map_err(internal)?;
        Ok(match trained {
            Ok(row) => PredictiveModelTrainPayload {
                model: Some(model_info(state, Some(row), None).await?),
                user_errors: vec![],
            },
            Err(refused) if refused.is_not_enough_history() => {
                let latest = predictive::latest(&state.db)
                    .await
                    .map_err(internal)?
                    .map(|(row, _)| row);
                PredictiveModelTrainPayload {
                    model: Some(model_info(state, latest, Some(refused.to_string())).await?),
                    user_errors: vec![UserError {
                        field: None,
                        message: refused.to_string(),
                        code: leadflow_shared::UserErrorCode::Invalid,
                    }],
                }
            }
            Err(other) => return Err(internal(other)),
        })
    }
}

#[derive(Default)]
pub struct ScoringSubscription;

#[Subscription]
impl ScoringSubscription {
    /// The run now, then after every committed batch; ends when it is done or failed.
    #[graphql(guard = "RoleGuard::new(DESIGNERS)")]
    async fn rescore_progress(
        &self,
        ctx: &Context<'_>,
        run_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = RescoreRun>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let id = parse_id("runId", &run_id)?;
        // Subscribe before reading the current state, so no change falls in between.
        let changes = BroadcastStream::new(state.events.subscribe_rescores())
            .filter_map(Result::ok)
            .filter(move |e| e.run_id == id)
            .map(|_| ());
        let updates = tokio_stream::once(()).chain(changes);
        let runs = Box::pin(
            updates
                .then(move |()| {
                    let db = state.db.clone();
                    async move { scoring::find_run(&db, id).await.ok().flatten() }
                })
                .filter_map(|run| run),
        );
        Ok(futures_util::stream::unfold(
            (runs, false),
            |(mut runs, finished)| async move {
                if finished {
                    return None;
                }
                let run = runs.next().await?;
                let finished = RunStatus::parse(&run.status) != RunStatus::Running;
                Some((RescoreRun(run), (runs, finished)))
            },
        ))
    }
}
