//! Opportunities, pipelines and BANT: the kanban board, one column's next page, moving a
//! deal, converting an SQL, qualification, and the admin's lifecycle and stage settings.
//!
//! The board is one `pipelineBoard` request (every column with its first cards, counts
//! and sums); "load more" in a column is `pipelineColumn` after that column's last
//! cursor. Live changes arrive through the `pipelineEvents` subscription
//! ([`EVENTS`]), each the deal as it is now. Amounts travel as decimal strings in
//! major units ("180000.00"); the board turns them into minor units to add them up.

use leadflow_shared::pipeline::StageKind;
use leadflow_shared::LeadStage;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::field;
use super::types::{TeamRef, UserError};
use super::{ApiError, Client};

/// Cards each column shows before "Load more".
pub const PER_COLUMN: i32 = 50;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PipelineStage {
    pub id: String,
    pub name: String,
    pub position: i32,
    /// Percent, 0–100.
    pub probability: i32,
    pub kind: StageKind,
}

impl PipelineStage {
    /// The probability as [`leadflow_shared::pipeline::weighted`] takes it.
    pub fn percent(&self) -> u8 {
        self.probability.clamp(0, 100) as u8
    }
}

const STAGE_FIELDS: &str = "id name position probability kind";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    pub is_default: bool,
    pub stages: Vec<PipelineStage>,
}

/// A deal's owner, with the team the board's team filter looks at.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DealOwner {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub team: Option<TeamRef>,
}

/// The lead a deal came from, as a card shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DealLead {
    pub id: String,
    pub person_name: String,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Opportunity {
    pub id: String,
    pub name: String,
    /// Major units, e.g. "180000.00".
    pub amount: String,
    pub weighted_amount: String,
    pub currency: String,
    /// "2026-12-31".
    pub expected_close_on: Option<String>,
    pub stage: PipelineStage,
    pub pipeline_id: String,
    pub owner: Option<DealOwner>,
    pub lead: Option<DealLead>,
    pub lost_reason: Option<String>,
    pub version: i32,
    pub updated_at: String,
    /// For `pipelineColumn(after:)`.
    pub cursor: String,
}

const OPPORTUNITY_FIELDS: &str = "id name amount weightedAmount currency expectedCloseOn \
     stage { id name position probability kind } pipelineId \
     owner { id name team { id name } } lead { id personName company } lostReason version \
     updatedAt cursor";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardColumn {
    pub stage: PipelineStage,
    pub count: i64,
    pub amount: String,
    pub weighted_amount: String,
    pub cards: Vec<Opportunity>,
    pub has_more: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineBoard {
    pub pipeline: Pipeline,
    pub columns: Vec<BoardColumn>,
    pub open_amount: String,
    pub open_weighted_amount: String,
}

/// `BoardFilter`; empty parts are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// "2026-12".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_month: Option<String>,
}

impl BoardFilter {
    /// Whether a deal, as an event reports it, belongs on a board with this filter.
    pub fn matches(&self, deal: &Opportunity) -> bool {
        let owner_ok = self
            .owner_id
            .as_ref()
            .is_none_or(|id| deal.owner.as_ref().is_some_and(|o| &o.id == id));
        let team_ok = self.team_id.as_ref().is_none_or(|id| {
            deal.owner
                .as_ref()
                .and_then(|o| o.team.as_ref())
                .is_some_and(|t| &t.id == id)
        });
        let month_ok = self.close_month.as_ref().is_none_or(|month| {
            deal.expected_close_on
                .as_deref()
                .is_some_and(|d| d.starts_with(month.as_str()))
        });
        owner_ok && team_ok && month_ok
    }
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
pub struct Bant {
    pub budget: Option<String>,
    pub authority: Option<String>,
    pub need: Option<String>,
    pub timeline: Option<String>,
    #[serde(default)]
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleSettings {
    pub bant_required: bool,
    pub lost_reasons: Vec<String>,
}

impl Default for LifecycleSettings {
    fn default() -> Self {
        LifecycleSettings {
            bant_required: false,
            lost_reasons: leadflow_shared::lifecycle::default_lost_reasons(),
        }
    }
}

/// What the page needs before the first board: the pipelines to choose from and the
/// lost reasons the "Lost" dialog offers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineMeta {
    pub pipelines: Vec<Pipeline>,
    pub lifecycle_settings: LifecycleSettings,
}

pub async fn meta(client: &Client) -> Result<PipelineMeta, ApiError> {
    let document = format!(
        "query PipelineMeta {{
           pipelines {{ id name isDefault stages {{ {STAGE_FIELDS} }} }}
           lifecycleSettings {{ bantRequired lostReasons }}
         }}"
    );
    client.request(&document, json!({})).await
}

/// The whole board in one request; `pipeline_id: None` is the default pipeline.
pub async fn board(
    client: &Client,
    pipeline_id: Option<&str>,
    filter: &BoardFilter,
) -> Result<PipelineBoard, ApiError> {
    let document = format!(
        "query PipelineBoard($pipelineId: ID, $filter: BoardFilter, $perColumn: Int) {{
           pipelineBoard(pipelineId: $pipelineId, filter: $filter, perColumn: $perColumn) {{
             pipeline {{ id name isDefault stages {{ {STAGE_FIELDS} }} }}
             columns {{
               stage {{ {STAGE_FIELDS} }} count amount weightedAmount hasMore
               cards {{ {OPPORTUNITY_FIELDS} }}
             }}
             openAmount openWeightedAmount
           }}
         }}"
    );
    let variables = json!({ "pipelineId": pipeline_id, "filter": filter, "perColumn": PER_COLUMN });
    let data: Value = client.request(&document, variables).await?;
    field(data, "pipelineBoard")
}

/// The next cards of one column, after `after`.
pub async fn column(
    client: &Client,
    stage_id: &str,
    filter: &BoardFilter,
    after: Option<&str>,
) -> Result<Vec<Opportunity>, ApiError> {
    let document = format!(
        "query PipelineColumn($stageId: ID!, $filter: BoardFilter, $after: String, $first: Int) {{
           pipelineColumn(stageId: $stageId, filter: $filter, after: $after, first: $first) {{
             {OPPORTUNITY_FIELDS}
           }}
         }}"
    );
    let variables =
        json!({ "stageId": stage_id, "filter": filter, "after": after, "first": PER_COLUMN });
    let data: Value = client.request(&document, variables).await?;
    field(data, "pipelineColumn")
}

/// `pipelineEvents(pipelineId)`: each change of a deal, as it is now.
pub fn events_document() -> String {
    format!(
        "subscription PipelineEvents($pipelineId: ID!) {{
           pipelineEvents(pipelineId: $pipelineId) {{ {OPPORTUNITY_FIELDS} }}
         }}"
    )
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineEvent {
    pub pipeline_events: Opportunity,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityPayload {
    pub opportunity: Option<Opportunity>,
    pub user_errors: Vec<UserError>,
}

/// Moves a deal; `lost_reason` is required for the LOST stage.
pub async fn move_deal(
    client: &Client,
    id: &str,
    stage_id: &str,
    version: i32,
    lost_reason: Option<&str>,
) -> Result<OpportunityPayload, ApiError> {
    let document = format!(
        "mutation OpportunityMove($input: OpportunityMoveInput!) {{
           opportunityMove(input: $input) {{
             opportunity {{ {OPPORTUNITY_FIELDS} }} userErrors {{ field message code }}
           }}
         }}"
    );
    let mut input = json!({ "id": id, "stageId": stage_id, "version": version });
    if let Some(reason) = lost_reason {
        input["lostReason"] = json!(reason);
    }
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "opportunityMove")
}

// ---------------------------------------------------------------- the lead-stage board

/// A lead as a card of the lead-stage board shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadCard {
    pub id: String,
    pub person_name: String,
    pub company: Option<String>,
    pub total_score: i32,
    pub version: i32,
    pub owner: Option<OwnerName>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OwnerName {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LeadCardEdge {
    pub node: LeadCard,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadColumnPage {
    pub total_count: i64,
    pub edges: Vec<LeadCardEdge>,
}

/// The three columns of the lead-stage board, by their aliases.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LeadBoardData {
    pub lead: LeadColumnPage,
    pub mql: LeadColumnPage,
    pub sql: LeadColumnPage,
}

/// LEAD, MQL and SQL with their hottest fifty each, in ONE request (aliases).
pub async fn lead_board(client: &Client) -> Result<LeadBoardData, ApiError> {
    const CARD: &str =
        "totalCount edges { node { id personName company totalScore version owner { name } } }";
    let document = format!(
        "query LeadStageBoard($first: Int) {{
           lead: leads(filter: {{ stages: [LEAD] }}, first: $first, sort: SCORE_DESC) {{ {CARD} }}
           mql: leads(filter: {{ stages: [MQL] }}, first: $first, sort: SCORE_DESC) {{ {CARD} }}
           sql: leads(filter: {{ stages: [SQL] }}, first: $first, sort: SCORE_DESC) {{ {CARD} }}
         }}"
    );
    client
        .request(&document, json!({ "first": PER_COLUMN }))
        .await
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MovedLead {
    pub id: String,
    pub stage: LeadStage,
    pub version: i32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadMovePayload {
    pub leads: Vec<MovedLead>,
    pub user_errors: Vec<UserError>,
}

/// `leadsMoveStage` for one lead, answering its new version.
pub async fn move_lead(
    client: &Client,
    id: &str,
    stage: LeadStage,
) -> Result<LeadMovePayload, ApiError> {
    const MOVE: &str = "mutation LeadsMoveStage($input: LeadsMoveStageInput!) {
      leadsMoveStage(input: $input) { leads { id stage version } userErrors { field message code } }
    }";
    let input = json!({ "leadIds": [id], "stage": stage });
    let data: Value = client.request(MOVE, json!({ "input": input })).await?;
    field(data, "leadsMoveStage")
}

// ---------------------------------------------------------------- one lead: BANT, deals

/// A lead's qualification and its deals, for the lead page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadPipeline {
    pub id: String,
    pub version: i32,
    pub stage: LeadStage,
    pub bant: Bant,
    pub opportunities: Vec<Opportunity>,
}

pub async fn lead_pipeline(client: &Client, id: &str) -> Result<Option<LeadPipeline>, ApiError> {
    let document = format!(
        "query LeadPipeline($id: ID!) {{
           lead(id: $id) {{
             id version stage
             bant {{ budget authority need timeline complete }}
             opportunities {{ {OPPORTUNITY_FIELDS} }}
           }}
         }}"
    );
    let data: Value = client.request(&document, json!({ "id": id })).await?;
    field(data, "lead")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadSetBantInput {
    pub lead_id: String,
    pub version: i32,
    pub budget: Option<String>,
    pub authority: Option<String>,
    pub need: Option<String>,
    pub timeline: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadVersionPayload {
    pub lead: Option<LeadVersion>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LeadVersion {
    pub id: String,
    pub version: i32,
}

pub async fn set_bant(
    client: &Client,
    input: &LeadSetBantInput,
) -> Result<LeadVersionPayload, ApiError> {
    const SET: &str = "mutation LeadSetBant($input: LeadSetBantInput!) {
      leadSetBant(input: $input) { lead { id version } userErrors { field message code } }
    }";
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(SET, json!({ "input": input })).await?;
    field(data, "leadSetBant")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadConvertInput {
    pub lead_id: String,
    pub lead_version: i32,
    pub name: Option<String>,
    pub amount: String,
    pub currency: Option<String>,
    pub expected_close_on: Option<String>,
    pub pipeline_id: Option<String>,
}

pub async fn convert(
    client: &Client,
    input: &LeadConvertInput,
) -> Result<OpportunityPayload, ApiError> {
    let document = format!(
        "mutation LeadConvert($input: LeadConvertInput!) {{
           leadConvert(input: $input) {{
             opportunity {{ {OPPORTUNITY_FIELDS} }} userErrors {{ field message code }}
           }}
         }}"
    );
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "leadConvert")
}

// ---------------------------------------------------------------- settings

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsPayload {
    pub settings: Option<LifecycleSettings>,
    pub user_errors: Vec<UserError>,
}

pub async fn save_lifecycle(
    client: &Client,
    settings: &LifecycleSettings,
) -> Result<SettingsPayload, ApiError> {
    const SAVE: &str = "mutation LifecycleSettingsSave($input: LifecycleSettingsSaveInput!) {
      lifecycleSettingsSave(input: $input) {
        settings { bantRequired lostReasons } userErrors { field message code }
      }
    }";
    let input = serde_json::to_value(settings).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(SAVE, json!({ "input": input })).await?;
    field(data, "lifecycleSettingsSave")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineStageInput {
    /// `None` for a new stage.
    pub id: Option<String>,
    pub name: String,
    pub probability: i32,
    pub kind: StageKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineSaveInput {
    pub id: Option<String>,
    pub name: String,
    pub stages: Vec<PipelineStageInput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelinePayload {
    pub pipeline: Option<Pipeline>,
    pub user_errors: Vec<UserError>,
}

pub async fn save_pipeline(
    client: &Client,
    input: &PipelineSaveInput,
) -> Result<PipelinePayload, ApiError> {
    let document = format!(
        "mutation PipelineSave($input: PipelineSaveInput!) {{
           pipelineSave(input: $input) {{
             pipeline {{ id name isDefault stages {{ {STAGE_FIELDS} }} }}
             userErrors {{ field message code }}
           }}
         }}"
    );
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "pipelineSave")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_sends_nothing() {
        assert_eq!(
            serde_json::to_value(BoardFilter::default()).ok(),
            Some(json!({}))
        );
        let filter = BoardFilter {
            owner_id: Some("u1".into()),
            team_id: None,
            close_month: Some("2026-12".into()),
        };
        assert_eq!(
            serde_json::to_value(filter).ok(),
            Some(json!({ "ownerId": "u1", "closeMonth": "2026-12" }))
        );
    }

    #[test]
    fn stage_kinds_decode_from_the_wire() {
        let stage: PipelineStage = serde_json::from_value(json!({
            "id": "s1", "name": "赢单", "position": 4, "probability": 100, "kind": "WON"
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stage.kind, StageKind::Won);
        assert_eq!(stage.percent(), 100);
    }
}
