//! Nurture journeys and their email templates (contract: `notes/journeys-api.md`).
//!
//! A journey's draft and versions travel as JSON and are read into the shared
//! [`JourneyDefinition`], the type the server validates and runs, so the designer's
//! live validation and its dry run are exactly the server's.

use leadflow_shared::journey::JourneyDefinition;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::UserError;
use super::{ApiError, Client};

/// `JourneyStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JourneyStatus {
    Draft,
    Active,
    Paused,
}

/// One line of `Journey.problems` (the server's `validate()` of the stored draft).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct JourneyProblem {
    pub node: Option<String>,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyVersion {
    pub version: i32,
    pub activated_at: String,
    pub enrolled_count: i32,
}

/// Live counts of one node: leads that entered it, wait in it now, left from it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NodeCount {
    pub node: String,
    pub entered: i32,
    pub waiting: i32,
    pub left: i32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Journey {
    pub id: String,
    pub name: String,
    pub status: JourneyStatus,
    /// The stored draft; read it with [`Journey::definition`].
    pub draft: Value,
    pub problems: Vec<JourneyProblem>,
    pub active_version: Option<i32>,
    pub versions: Vec<JourneyVersion>,
    pub node_counts: Vec<NodeCount>,
    pub enrolled_count: i32,
    pub updated_at: String,
}

impl Journey {
    /// The draft as the shared type, or `None` when it cannot be read (a newer server).
    pub fn definition(&self) -> Option<JourneyDefinition> {
        serde_json::from_value(self.draft.clone()).ok()
    }

    /// How many leads entered the journey, every version together.
    pub fn entered_total(&self) -> i32 {
        self.versions.iter().map(|v| v.enrolled_count).sum()
    }
}

const JOURNEY_FIELDS: &str = "id name status draft problems { node code message } activeVersion \
     versions { version activatedAt enrolledCount } nodeCounts { node entered waiting left } \
     enrolledCount updatedAt";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JourneyPayload {
    pub journey: Option<Journey>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailTemplate {
    pub id: String,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub updated_at: String,
}

const TEMPLATE_FIELDS: &str = "id name subject body updatedAt";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatePayload {
    pub template: Option<EmailTemplate>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EmailPreview {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewPayload {
    pub preview: Option<EmailPreview>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestSendPayload {
    pub sent: bool,
    pub user_errors: Vec<UserError>,
}

pub async fn list(client: &Client) -> Result<Vec<Journey>, ApiError> {
    let document = format!("query Journeys {{ journeys {{ {JOURNEY_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "journeys")
}

pub async fn get(client: &Client, id: &str) -> Result<Option<Journey>, ApiError> {
    let document = format!("query Journey($id: ID!) {{ journey(id: $id) {{ {JOURNEY_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({ "id": id })).await?;
    field(data, "journey")
}

/// Only what changes while a journey runs: status and counts, for the canvas' refresh.
pub async fn counts(client: &Client, id: &str) -> Result<Option<Vec<NodeCount>>, ApiError> {
    const DOCUMENT: &str = "query JourneyCounts($id: ID!) {
      journey(id: $id) { nodeCounts { node entered waiting left } }
    }";
    let mut data: Value = client.request(DOCUMENT, json!({ "id": id })).await?;
    let journey = data["journey"].take();
    if journey.is_null() {
        return Ok(None);
    }
    field(journey, "nodeCounts").map(Some)
}

async fn journey_mutation(
    client: &Client,
    name: &str,
    input_type: &str,
    input: Value,
) -> Result<JourneyPayload, ApiError> {
    let document = format!(
        "mutation M($input: {input_type}!) {{
           {name}(input: $input) {{ journey {{ {JOURNEY_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, name)
}

pub async fn create(
    client: &Client,
    name: &str,
    definition: &JourneyDefinition,
) -> Result<JourneyPayload, ApiError> {
    let input = json!({ "name": name, "definition": definition });
    journey_mutation(client, "journeyCreate", "JourneyCreateInput", input).await
}

pub async fn create_reactivation(
    client: &Client,
    name: &str,
    inactive_days: i32,
) -> Result<JourneyPayload, ApiError> {
    let input = json!({ "name": name, "inactiveDays": inactive_days });
    journey_mutation(
        client,
        "journeyCreateReactivation",
        "JourneyCreateReactivationInput",
        input,
    )
    .await
}

pub async fn save_draft(
    client: &Client,
    id: &str,
    name: &str,
    definition: &JourneyDefinition,
) -> Result<JourneyPayload, ApiError> {
    let input = json!({ "id": id, "name": name, "definition": definition });
    journey_mutation(client, "journeySaveDraft", "JourneySaveDraftInput", input).await
}

/// What the status buttons do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusChange {
    Activate,
    Pause,
    Resume,
}

pub async fn change_status(
    client: &Client,
    id: &str,
    change: StatusChange,
) -> Result<JourneyPayload, ApiError> {
    let name = match change {
        StatusChange::Activate => "journeyActivate",
        StatusChange::Pause => "journeyPause",
        StatusChange::Resume => "journeyResume",
    };
    journey_mutation(client, name, "JourneyIdInput", json!({ "id": id })).await
}

pub async fn templates(client: &Client) -> Result<Vec<EmailTemplate>, ApiError> {
    let document = format!("query EmailTemplates {{ emailTemplates {{ {TEMPLATE_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "emailTemplates")
}

/// Creates (`id: None`) or updates a template.
pub async fn save_template(
    client: &Client,
    id: Option<&str>,
    name: &str,
    subject: &str,
    body: &str,
) -> Result<TemplatePayload, ApiError> {
    let (mutation, input_type, input) = match id {
        Some(id) => (
            "emailTemplateUpdate",
            "EmailTemplateUpdateInput",
            json!({ "id": id, "name": name, "subject": subject, "body": body }),
        ),
        None => (
            "emailTemplateCreate",
            "EmailTemplateCreateInput",
            json!({ "name": name, "subject": subject, "body": body }),
        ),
    };
    let document = format!(
        "mutation M($input: {input_type}!) {{
           {mutation}(input: $input) {{ template {{ {TEMPLATE_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, mutation)
}

pub async fn preview(
    client: &Client,
    subject: &str,
    body: &str,
) -> Result<PreviewPayload, ApiError> {
    const DOCUMENT: &str = "query Preview($subject: String!, $body: String!) {
      emailTemplatePreview(subject: $subject, body: $body) {
        preview { subject text html } userErrors { field message code }
      }
    }";
    let data: Value = client
        .request(DOCUMENT, json!({ "subject": subject, "body": body }))
        .await?;
    field(data, "emailTemplatePreview")
}

pub async fn test_send(client: &Client, id: &str, to: &str) -> Result<TestSendPayload, ApiError> {
    const DOCUMENT: &str = "mutation TestSend($input: EmailTemplateTestSendInput!) {
      emailTemplateTestSend(input: $input) { sent userErrors { field message code } }
    }";
    let data: Value = client
        .request(DOCUMENT, json!({ "input": { "id": id, "to": to } }))
        .await?;
    field(data, "emailTemplateTestSend")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journey_decodes_with_its_draft_as_the_shared_type() {
        let json = json!({
            "id": "j1", "name": "Welcome", "status": "ACTIVE",
            "draft": { "trigger": { "type": "MANUAL" }, "start": null, "nodes": [] },
            "problems": [{ "node": null, "code": "MISSING_START", "message": "connect" }],
            "activeVersion": 2,
            "versions": [{ "version": 1, "activatedAt": "2026-01-01T00:00:00Z", "enrolledCount": 3 },
                         { "version": 2, "activatedAt": "2026-01-02T00:00:00Z", "enrolledCount": 4 }],
            "nodeCounts": [{ "node": "n1", "entered": 5, "waiting": 1, "left": 2 }],
            "enrolledCount": 1, "updatedAt": "2026-01-02T00:00:00Z"
        });
        let journey: Journey = serde_json::from_value(json).expect("decodes");
        assert_eq!(journey.status, JourneyStatus::Active);
        assert_eq!(journey.entered_total(), 7);
        assert!(journey.definition().is_some_and(|d| d.nodes.is_empty()));
    }
}
