//! Scoring: the model versions a marketer designs, the sample of open leads the designer
//! previews against, activating a version (which re-scores every open lead while the
//! `rescoreProgress` subscription reports how far it got), and the predictive model
//! admins retrain.
//!
//! The model itself travels as JSON and is read into [`ScoringModel`] from
//! `leadflow-shared`, the very type the server evaluates; sample leads and events are the
//! shared [`ScoringLead`] and [`ScoringEvent`], so the browser preview computes exactly
//! what the server will.

use leadflow_shared::predict::Evaluation;
use leadflow_shared::scoring::RuleError;
use leadflow_shared::{ScoringEvent, ScoringLead, ScoringModel};
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{UserError, UserRef};
use super::{ApiError, Client};

/// How many open leads the designer previews against.
pub const SAMPLE_SIZE: i32 = 500;

/// Where a model version is in its life (`ScoringModelStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ModelStatus {
    /// Saved, not scoring anyone yet.
    Draft,
    /// The one version every lead is scored with.
    Active,
    /// Was active once; kept for the record.
    Retired,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelVersion {
    pub id: String,
    pub version: i32,
    pub status: ModelStatus,
    /// The model as stored; read it with [`ModelVersion::model`].
    pub definition: Value,
    pub created_at: String,
    pub activated_at: Option<String>,
    pub created_by: Option<UserRef>,
}

impl ModelVersion {
    /// The stored definition as the shared type, or why it cannot be read.
    pub fn model(&self) -> Result<ScoringModel, RuleError> {
        ScoringModel::from_json(&self.definition.to_string())
    }
}

const MODEL_FIELDS: &str =
    "id version status definition createdAt activatedAt createdBy { id name }";

/// One real open lead with what it did, as the designer's preview scores it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampleLead {
    pub lead_id: String,
    pub person_name: String,
    pub company: Option<String>,
    pub lead: ScoringLead,
    pub events: Vec<ScoringEvent>,
    /// The score the server holds today, under the active model.
    pub total_score: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RescoreStatus {
    Running,
    Done,
    Failed,
}

/// Re-scoring every open lead after a version was activated.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescoreRun {
    pub id: String,
    pub model_version: i32,
    pub status: RescoreStatus,
    /// Open leads to re-score.
    pub total: i64,
    pub done: i64,
    /// Leads whose score moved.
    #[serde(default)]
    pub changed: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
}

impl RescoreRun {
    pub fn is_finished(&self) -> bool {
        self.status != RescoreStatus::Running
    }

    /// Progress from 0 to 100; 100 once finished, whatever the counts say.
    pub fn percent(&self) -> u32 {
        if self.is_finished() {
            return 100;
        }
        if self.total <= 0 {
            return 0;
        }
        let done = self.done.clamp(0, self.total);
        u32::try_from(done * 100 / self.total).unwrap_or(0)
    }

    /// The further along of two reports of the same run: reports can arrive out of order
    /// when the subscription and a query race.
    pub fn latest(self, other: RescoreRun) -> RescoreRun {
        match (self.is_finished(), other.is_finished()) {
            (true, false) => self,
            (false, true) => other,
            _ if other.done > self.done => other,
            _ => self,
        }
    }
}

const RUN_FIELDS: &str = "id modelVersion status total done changed startedAt finishedAt";

/// How the predictive win score stands, for admins.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PredictiveInfo {
    pub ready: bool,
    /// The server's own explanation (English); the SPA words the common cases itself.
    pub message: String,
    pub trained_at: Option<String>,
    pub evaluation: Option<Evaluation>,
    /// Won and lost leads there are to learn from.
    pub closed_leads: i64,
    pub needed: i64,
}

const PREDICTIVE_FIELDS: &str = "ready message trainedAt closedLeads needed \
     evaluation { auc trainedOn heldOut closed won wonRate }";

/// `scoringModelSaveDraft` and `scoringModelActivate` both answer with this (the first
/// without a run).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelPayload {
    pub model: Option<ModelVersion>,
    #[serde(default)]
    pub run: Option<RescoreRun>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainPayload {
    pub model: Option<PredictiveInfo>,
    pub user_errors: Vec<UserError>,
}

/// Every version, newest first (admins and marketers).
pub async fn models(client: &Client) -> Result<Vec<ModelVersion>, ApiError> {
    let document = format!("query ScoringModels {{ scoringModels {{ {MODEL_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "scoringModels")
}

/// Open leads with their behaviour, for the live preview.
pub async fn sample(client: &Client, size: i32) -> Result<Vec<SampleLead>, ApiError> {
    const SAMPLE: &str = "query ScoringSample($size: Int!) {
      scoringSample(size: $size) { leadId personName company lead events totalScore }
    }";
    let data: Value = client.request(SAMPLE, json!({ "size": size })).await?;
    field(data, "scoringSample")
}

/// Saves `model` as a draft: over the draft `id` when given, else as a new draft.
pub async fn save_draft(
    client: &Client,
    id: Option<&str>,
    model: &ScoringModel,
) -> Result<ModelPayload, ApiError> {
    let document = format!(
        "mutation ScoringModelSaveDraft($input: ScoringModelSaveDraftInput!) {{
           scoringModelSaveDraft(input: $input) {{
             model {{ {MODEL_FIELDS} }} userErrors {{ field message code }}
           }}
         }}"
    );
    let definition =
        serde_json::to_value(model).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let input = match id {
        Some(id) => json!({ "id": id, "definition": definition }),
        None => json!({ "definition": definition }),
    };
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "scoringModelSaveDraft")
}

/// Makes the draft `id` the active model; the answer carries the re-scoring run.
pub async fn activate(client: &Client, id: &str) -> Result<ModelPayload, ApiError> {
    let document = format!(
        "mutation ScoringModelActivate($input: ScoringModelActivateInput!) {{
           scoringModelActivate(input: $input) {{
             model {{ {MODEL_FIELDS} }} run {{ {RUN_FIELDS} }} userErrors {{ field message code }}
           }}
         }}"
    );
    let data: Value = client
        .request(&document, json!({ "input": { "id": id } }))
        .await?;
    field(data, "scoringModelActivate")
}

/// One re-scoring run as it stands now.
pub async fn rescore_run(client: &Client, id: &str) -> Result<Option<RescoreRun>, ApiError> {
    let document =
        format!("query RescoreRun($id: ID!) {{ rescoreRun(id: $id) {{ {RUN_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({ "id": id })).await?;
    field(data, "rescoreRun")
}

/// The `rescoreProgress` subscription document, for [`super::subscription::subscribe`].
pub fn progress_document() -> String {
    format!("subscription RescoreProgress($id: ID!) {{ rescoreProgress(runId: $id) {{ {RUN_FIELDS} }} }}")
}

/// One `rescoreProgress` event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescoreProgressData {
    pub rescore_progress: RescoreRun,
}

pub async fn predictive(client: &Client) -> Result<PredictiveInfo, ApiError> {
    let document = format!("query PredictiveModel {{ predictiveModel {{ {PREDICTIVE_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "predictiveModel")
}

/// Retrains the predictive model on every closed lead (admins).
pub async fn train(client: &Client) -> Result<TrainPayload, ApiError> {
    let document = format!(
        "mutation PredictiveModelTrain {{
           predictiveModelTrain {{ model {{ {PREDICTIVE_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "predictiveModelTrain")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(status: RescoreStatus, done: i64) -> RescoreRun {
        RescoreRun {
            id: "r".into(),
            model_version: 3,
            status,
            total: 200,
            done,
            changed: 0,
            started_at: "2026-03-10T12:00:00Z".into(),
            finished_at: None,
        }
    }

    #[test]
    fn progress_counts_up_and_ends_at_a_hundred() {
        assert_eq!(run(RescoreStatus::Running, 50).percent(), 25);
        assert_eq!(run(RescoreStatus::Running, 900).percent(), 100);
        assert_eq!(run(RescoreStatus::Done, 10).percent(), 100);
        let empty = RescoreRun {
            total: 0,
            ..run(RescoreStatus::Running, 0)
        };
        assert_eq!(empty.percent(), 0);
    }

    #[test]
    fn the_later_report_wins_whatever_order_they_came_in() {
        let a = run(RescoreStatus::Running, 50);
        let b = run(RescoreStatus::Running, 120);
        let done = run(RescoreStatus::Done, 200);
        assert_eq!(a.clone().latest(b.clone()).done, 120);
        assert_eq!(b.clone().latest(a.clone()).done, 120);
        assert_eq!(done.clone().latest(b.clone()).status, RescoreStatus::Done);
        assert_eq!(b.latest(done).status, RescoreStatus::Done);
    }

    #[test]
    fn sample_leads_decode_into_the_shared_types() {
        let json = json!({
            "leadId": "l1", "personName": "王磊", "company": null, "totalScore": 42,
            "lead": { "title": "IT总监", "companySize": 1200, "source": "WEB_FORM", "tags": [] },
            "events": [{ "kind": "PAGE_VIEW", "url": "https://acme.cn/pricing", "at": "2026-03-09T08:00:00Z" }]
        });
        let lead: Result<SampleLead, _> = serde_json::from_value(json);
        let lead = lead.ok();
        assert_eq!(
            lead.as_ref().and_then(|l| l.lead.title.clone()).as_deref(),
            Some("IT总监")
        );
        assert_eq!(lead.map(|l| l.events.len()), Some(1));
    }
}
