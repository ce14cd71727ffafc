//! First-contact service levels: the policies an admin defines per team (`slaPolicies`,
//! `slaPolicySave`, `slaPolicyDelete`). The calendar is the shared [`WorkingHours`] the
//! routing rules use too.

use leadflow_shared::routing::WorkingHours;
use leadflow_shared::sla::RecycleAction;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::field;
use super::types::{TeamRef, UserError};
use super::{ApiError, Client};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    pub id: String,
    pub name: String,
    /// `None`: the default policy, for teams without their own.
    pub team: Option<TeamRef>,
    pub working_hours: WorkingHours,
    pub remind_after_minutes: i32,
    pub escalate_after_minutes: i32,
    pub recycle_after_minutes: i32,
    pub recycle_action: RecycleAction,
    /// `None`: never.
    pub inactivity_days: Option<i32>,
    pub updated_at: String,
}

const POLICY_FIELDS: &str = "id name team { id name } workingHours remindAfterMinutes \
     escalateAfterMinutes recycleAfterMinutes recycleAction inactivityDays updatedAt";

/// Input of `slaPolicySave`; no `id` creates a policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicySaveInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub team_id: Option<String>,
    pub working_hours: WorkingHours,
    pub remind_after_minutes: i32,
    pub escalate_after_minutes: i32,
    pub recycle_after_minutes: i32,
    pub recycle_action: RecycleAction,
    pub inactivity_days: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavePayload {
    pub policy: Option<SlaPolicy>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletePayload {
    pub deleted_id: Option<String>,
    pub user_errors: Vec<UserError>,
}

pub async fn list(client: &Client) -> Result<Vec<SlaPolicy>, ApiError> {
    let document = format!("query SlaPolicies {{ slaPolicies {{ {POLICY_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "slaPolicies")
}

pub async fn save(client: &Client, input: &SlaPolicySaveInput) -> Result<SavePayload, ApiError> {
    let document = format!(
        "mutation SlaPolicySave($input: SlaPolicySaveInput!) {{
           slaPolicySave(input: $input) {{ policy {{ {POLICY_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "slaPolicySave")
}

pub async fn delete(client: &Client, id: &str) -> Result<DeletePayload, ApiError> {
    const DOCUMENT: &str = "mutation SlaPolicyDelete($input: SlaPolicyDeleteInput!) {
      slaPolicyDelete(input: $input) { deletedId userErrors { field message code } }
    }";
    let data: Value = client
        .request(DOCUMENT, json!({ "input": { "id": id } }))
        .await?;
    field(data, "slaPolicyDelete")
}
