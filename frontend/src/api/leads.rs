//! Leads: the filtered, sorted, paged list, one lead with its timeline, and capture.
//!
//! The list and the detail select different fields ([`LEAD_ROW_FIELDS`],
//! [`LEAD_DETAIL_FIELDS`]) so a page of fifty rows stays small. Stages and channels are
//! the enums from `leadflow-shared`; the sort order and the capture outcome are GraphQL
//! enums only the SPA needs, so they live here.

use leadflow_shared::analytics::FunnelStep;
use leadflow_shared::predict::Prediction;
use leadflow_shared::sla::SlaState;
use leadflow_shared::{AssignmentReason, Channel, LeadStage, ScoreBreakdown};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::activities::{Task, TASK_FIELDS};
use super::client::field;
use super::types::{PageInfo, UserError, UserRef};
use super::{ApiError, Client};

/// How many leads one page of the list holds.
pub const PAGE_SIZE: i32 = 50;

/// How many timeline events the detail page asks for.
const TIMELINE_LENGTH: i32 = 100;

/// Server-side order of the list (`LeadSort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeadSort {
    /// Hottest first; the server's default.
    #[default]
    ScoreDesc,
    CreatedDesc,
    CreatedAsc,
    UpdatedDesc,
    /// Most recent call, visit, email, note or behaviour first.
    LastActivityDesc,
}

impl LeadSort {
    pub const ALL: [LeadSort; 5] = [
        LeadSort::ScoreDesc,
        LeadSort::LastActivityDesc,
        LeadSort::CreatedDesc,
        LeadSort::CreatedAsc,
        LeadSort::UpdatedDesc,
    ];

    /// The short word used in the address bar (`?sort=newest`).
    pub fn as_query(self) -> &'static str {
        match self {
            LeadSort::ScoreDesc => "score",
            LeadSort::CreatedDesc => "newest",
            LeadSort::CreatedAsc => "oldest",
            LeadSort::UpdatedDesc => "updated",
            LeadSort::LastActivityDesc => "active",
        }
    }

    pub fn from_query(s: &str) -> Option<LeadSort> {
        LeadSort::ALL.into_iter().find(|v| v.as_query() == s)
    }
}

/// The `LeadFilter` input; empty parts are left out so the server applies no condition.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadFilter {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<LeadStage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Channel>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pool: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Captured at or after this instant (RFC 3339); a dashboard's drill-down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_from: Option<String>,
    /// Captured before this instant (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Owned by a member of this team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign_id: Option<String>,
    /// Ever reached this funnel step, whatever the stage now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached: Option<FunnelStep>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_reason: Option<String>,
}

/// A lead as one row of the list shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadRow {
    pub id: String,
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub source: Channel,
    pub stage: LeadStage,
    /// `None`: waiting in the claim pool.
    pub owner: Option<UserRef>,
    pub total_score: i32,
    pub created_at: String,
    /// Shown under the name, so a bulk "Tag…" is visible at once.
    #[serde(default)]
    pub tags: Vec<String>,
}

const LEAD_ROW_FIELDS: &str = "id personName title company email phone province city \
     source stage owner { id name } totalScore createdAt tags";

/// What a bulk mutation changed on one lead: enough to update its row in place.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BulkLead {
    pub id: String,
    pub owner: Option<UserRef>,
    pub tags: Vec<String>,
    pub stage: LeadStage,
}

impl LeadRow {
    /// Takes the owner and tags a bulk mutation reported.
    pub fn apply(&mut self, changed: &BulkLead) {
        self.owner = changed.owner.clone();
        self.tags = changed.tags.clone();
        self.stage = changed.stage;
    }
}

/// `LeadsPayload`: every lead changed, or none and the reasons (all-or-none).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadsPayload {
    pub leads: Vec<BulkLead>,
    pub user_errors: Vec<UserError>,
}

const LEADS_PAYLOAD_FIELDS: &str =
    "leads { id owner { id name } tags stage } userErrors { field message code }";

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LeadEdge {
    pub node: LeadRow,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadConnection {
    pub edges: Vec<LeadEdge>,
    pub page_info: PageInfo,
    pub total_count: i64,
    /// False when a search matched more leads than the server counts ("10,000+").
    #[serde(default = "exact")]
    pub total_count_exact: bool,
}

fn exact() -> bool {
    true
}

/// One thing that happened to a lead.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadEvent {
    pub id: String,
    /// `captured`, `captured_again`, ...; kinds this SPA does not know yet are shown raw.
    pub kind: String,
    pub occurred_at: String,
    pub actor: Option<UserRef>,
    pub data: Value,
}

/// Everything the detail page shows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadDetail {
    pub id: String,
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_e164: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub company_size: Option<i32>,
    pub source: Channel,
    pub tags: Vec<String>,
    pub stage: LeadStage,
    pub owner: Option<UserRef>,
    pub fit_score: i32,
    pub engagement_score: i32,
    pub total_score: i32,
    pub created_at: String,
    pub updated_at: String,
    /// When someone first called, emailed or visited; `None` until then.
    pub first_contacted_at: Option<String>,
    /// Sent back with edits so two people cannot overwrite each other unknowingly.
    pub version: i32,
    pub tasks: Vec<Task>,
    pub timeline: Vec<LeadEvent>,
}

const LEAD_DETAIL_FIELDS: &str = "id personName title company email phone phoneE164 industry \
     province city companySize source tags stage owner { id name } fitScore engagementScore \
     totalScore createdAt updatedAt firstContactedAt version";

/// Input of `leadCapture`, as the "New lead" form sends it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadCaptureInput {
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub source: Channel,
    pub tags: Vec<String>,
    /// One per opening of the form: a double click or a retry cannot create two leads.
    pub idempotency_key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaptureOutcome {
    Created,
    Merged,
}

/// How a capture was recognised as an existing lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DuplicateMatch {
    Email,
    Phone,
    CompanyAndName,
}

impl DuplicateMatch {
    /// The lowercase form the server writes into `captured_again` event data.
    pub fn parse_event(s: &str) -> Option<DuplicateMatch> {
        match s {
            "email" => Some(DuplicateMatch::Email),
            "phone" => Some(DuplicateMatch::Phone),
            "company_and_name" => Some(DuplicateMatch::CompanyAndName),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadCapturePayload {
    pub lead_id: Option<String>,
    pub outcome: Option<CaptureOutcome>,
    /// Absent on a replayed answer (the first answer's match is not kept).
    pub matched_by: Option<DuplicateMatch>,
    pub user_errors: Vec<UserError>,
}

/// One page of leads matching `filter`, in `sort` order, after the cursor `after`.
pub async fn list(
    client: &Client,
    filter: &LeadFilter,
    sort: LeadSort,
    after: Option<String>,
) -> Result<LeadConnection, ApiError> {
    let document = format!(
        "query Leads($first: Int, $after: String, $filter: LeadFilter, $sort: LeadSort) {{
           leads(first: $first, after: $after, filter: $filter, sort: $sort) {{
             edges {{ node {{ {LEAD_ROW_FIELDS} }} }}
             pageInfo {{ hasNextPage endCursor }}
             totalCount totalCountExact
           }}
         }}"
    );
    let variables = json!({ "first": PAGE_SIZE, "after": after, "filter": filter, "sort": sort });
    let data: Value = client.request(&document, variables).await?;
    field(data, "leads")
}

/// One lead with its newest events; `None` when it does not exist or is not visible.
pub async fn get(client: &Client, id: &str) -> Result<Option<LeadDetail>, ApiError> {
    let document = format!(
        "query Lead($id: ID!, $events: Int) {{
           lead(id: $id) {{
             {LEAD_DETAIL_FIELDS}
             tasks {{ {TASK_FIELDS} }}
             timeline(first: $events) {{ id kind occurredAt actor {{ id name }} data }}
           }}
         }}"
    );
    let variables = json!({ "id": id, "events": TIMELINE_LENGTH });
    let data: Value = client.request(&document, variables).await?;
    field(data, "lead")
}

pub async fn capture(
    client: &Client,
    input: &LeadCaptureInput,
) -> Result<LeadCapturePayload, ApiError> {
    const CAPTURE: &str = "mutation LeadCapture($input: LeadCaptureInput!) {
      leadCapture(input: $input) { leadId outcome matchedBy userErrors { field message code } }
    }";
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(CAPTURE, json!({ "input": input })).await?;
    field(data, "leadCapture")
}

/// Why a lead scores what it does, and (once the history allows) its chance of being won.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadScore {
    /// `None` while no scoring model is active.
    pub score_breakdown: Option<ScoreBreakdown>,
    /// `None` until the predictive model has enough closed leads to learn from.
    pub prediction: Option<Prediction>,
}

/// The score card of one lead: its breakdown under the active model and its prediction.
/// Asked for apart from [`get`], so the rest of the page never waits on it.
pub async fn score(client: &Client, id: &str) -> Result<Option<LeadScore>, ApiError> {
    const SCORE: &str = "query LeadScore($id: ID!) {
      lead(id: $id) {
        scoreBreakdown { fit engagement total isMql lastEngagedAt lines { kind ruleId label points count capped } }
        prediction { probability factors { feature field value label contribution } }
      }
    }";
    let data: Value = client.request(SCORE, json!({ "id": id })).await?;
    field(data, "lead")
}

/// Gives `ids` to `owner_id`, or back to the pool when `None` (admins and managers).
pub async fn assign(
    client: &Client,
    ids: &[String],
    owner_id: Option<&str>,
    note: Option<&str>,
) -> Result<LeadsPayload, ApiError> {
    let document = format!(
        "mutation LeadsAssign($input: LeadsAssignInput!) {{
           leadsAssign(input: $input) {{ {LEADS_PAYLOAD_FIELDS} }}
         }}"
    );
    let input = json!({ "leadIds": ids, "ownerId": owner_id, "note": note });
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "leadsAssign")
}

/// Adds `add` and removes `remove` on every lead in `ids`.
pub async fn tag(
    client: &Client,
    ids: &[String],
    add: &[String],
    remove: &[String],
) -> Result<LeadsPayload, ApiError> {
    let document = format!(
        "mutation LeadsTag($input: LeadsTagInput!) {{
           leadsTag(input: $input) {{ {LEADS_PAYLOAD_FIELDS} }}
         }}"
    );
    let input = json!({ "leadIds": ids, "add": add, "remove": remove });
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "leadsTag")
}

/// Moves every lead in `ids` to `stage`; `lost_reason` is required for LOST.
pub async fn move_stage(
    client: &Client,
    ids: &[String],
    stage: LeadStage,
    lost_reason: Option<&str>,
) -> Result<LeadsPayload, ApiError> {
    let document = format!(
        "mutation LeadsMoveStage($input: LeadsMoveStageInput!) {{
           leadsMoveStage(input: $input) {{ {LEADS_PAYLOAD_FIELDS} }}
         }}"
    );
    let input = json!({ "leadIds": ids, "stage": stage, "lostReason": lost_reason });
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "leadsMoveStage")
}

/// One change of owner: who had the lead, who has it now (`None`: the pool), and why.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub id: String,
    pub from: Option<UserRef>,
    pub to: Option<UserRef>,
    pub reason: AssignmentReason,
    /// `None` for automatic changes (a rule, an SLA recycle).
    pub actor: Option<UserRef>,
    pub note: Option<String>,
    /// The routing rule that decided (`fallback` when none matched), for rule assignments.
    #[serde(default)]
    pub rule_label: Option<String>,
    pub created_at: String,
}

pub const ASSIGNMENT_FIELDS: &str =
    "id from { id name } to { id name } reason actor { id name } note ruleLabel createdAt";

/// The first-contact clock of the current owner; thresholds are wall-clock instants.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadSla {
    pub policy_name: String,
    pub state: SlaState,
    pub started_at: String,
    pub remind_at: String,
    pub escalate_at: String,
    pub recycle_at: String,
    pub met_at: Option<String>,
}

/// Who owns a lead, how their SLA clock stands, and every change of owner (newest first).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadOwnership {
    pub id: String,
    pub owner: Option<UserRef>,
    /// `None` when no clock ran for the current owner (e.g. the lead is in the pool).
    pub sla: Option<LeadSla>,
    pub assignments: Vec<Assignment>,
}

/// The "Owner & SLA" card of one lead. Asked for apart from [`get`] (like [`score`]), so
/// the rest of the page never waits on it or fails with it.
pub async fn ownership(client: &Client, id: &str) -> Result<Option<LeadOwnership>, ApiError> {
    let document = format!(
        "query LeadOwnership($id: ID!) {{
           lead(id: $id) {{
             id owner {{ id name }}
             sla {{ policyName state startedAt remindAt escalateAt recycleAt metAt }}
             assignments {{ {ASSIGNMENT_FIELDS} }}
           }}
         }}"
    );
    let data: Value = client.request(&document, json!({ "id": id })).await?;
    field(data, "lead")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_words_round_trip() {
        for sort in LeadSort::ALL {
            assert_eq!(LeadSort::from_query(sort.as_query()), Some(sort));
        }
        assert_eq!(LeadSort::from_query("random"), None);
    }

    #[test]
    fn an_empty_filter_sends_no_conditions() {
        assert_eq!(
            serde_json::to_value(LeadFilter::default()).ok(),
            Some(json!({}))
        );
        let filter = LeadFilter {
            stages: vec![LeadStage::Mql],
            sources: vec![Channel::WebForm],
            pool: true,
            search: Some("张".into()),
            ..LeadFilter::default()
        };
        assert_eq!(
            serde_json::to_value(filter).ok(),
            Some(
                json!({ "stages": ["MQL"], "sources": ["WEB_FORM"], "pool": true, "search": "张" })
            )
        );
    }
}
