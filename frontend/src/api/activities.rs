//! Working a lead: log what happened (`leadLogActivity`), edit its details with a version
//! check (`leadUpdate`), and tasks (`taskCreate`, `taskComplete`, `myTasks`).
//!
//! The activity kind and outcome are the enums from `leadflow-shared`, so a new outcome
//! on the server is a compile error here, not a silent blank.

use leadflow_shared::{ActivityKind, ActivityOutcome};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::field;
use super::types::UserError;
use super::{ApiError, Client};

/// The lead a task belongs to, as far as a task row needs it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskLead {
    pub id: String,
    pub person_name: String,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub title: String,
    pub due_at: String,
    pub done_at: Option<String>,
    /// Not done and past due, as the server saw it when answering.
    pub overdue: bool,
    /// Only asked for in "my tasks"; `None` on a lead's own list.
    #[serde(default)]
    pub lead: Option<TaskLead>,
}

/// The selection of a task on a lead's page.
pub const TASK_FIELDS: &str = "id title dueAt doneAt overdue";

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskPayload {
    pub task: Option<Task>,
    pub user_errors: Vec<UserError>,
}

/// Only the errors matter: the page reloads the lead to show the result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorsOnly {
    pub user_errors: Vec<UserError>,
}

/// Input of `leadLogActivity`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityInput {
    pub lead_id: String,
    pub kind: ActivityKind,
    pub outcome: Option<ActivityOutcome>,
    pub note: Option<String>,
}

/// Input of `leadUpdate`: every detail the edit form shows; `None` clears it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadUpdateInput {
    pub id: String,
    /// The version the edit started from; the server refuses with CONFLICT if it moved.
    pub version: i32,
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub industry: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub company_size: Option<i32>,
}

pub async fn log_activity(client: &Client, input: &ActivityInput) -> Result<ErrorsOnly, ApiError> {
    const LOG: &str = "mutation Log($input: LeadLogActivityInput!) {
      leadLogActivity(input: $input) { userErrors { field message code } }
    }";
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(LOG, json!({ "input": input })).await?;
    field(data, "leadLogActivity")
}

pub async fn update_lead(client: &Client, input: &LeadUpdateInput) -> Result<ErrorsOnly, ApiError> {
    const UPDATE: &str = "mutation Update($input: LeadUpdateInput!) {
      leadUpdate(input: $input) { userErrors { field message code } }
    }";
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(UPDATE, json!({ "input": input })).await?;
    field(data, "leadUpdate")
}

/// A task on `lead_id` for the signed-in user; `due_at` is RFC 3339.
pub async fn create_task(
    client: &Client,
    lead_id: &str,
    title: &str,
    due_at: &str,
) -> Result<TaskPayload, ApiError> {
    let document = format!(
        "mutation TaskCreate($input: TaskCreateInput!) {{
           taskCreate(input: $input) {{ task {{ {TASK_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let input = json!({ "input": { "leadId": lead_id, "title": title, "dueAt": due_at } });
    let data: Value = client.request(&document, input).await?;
    field(data, "taskCreate")
}

pub async fn complete_task(client: &Client, id: &str) -> Result<TaskPayload, ApiError> {
    let document = format!(
        "mutation TaskComplete($input: TaskCompleteInput!) {{
           taskComplete(input: $input) {{ task {{ {TASK_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let data: Value = client
        .request(&document, json!({ "input": { "id": id } }))
        .await?;
    field(data, "taskComplete")
}

/// The signed-in user's open tasks, soonest due first, with their leads.
pub async fn my_tasks(client: &Client) -> Result<Vec<Task>, ApiError> {
    let document = format!(
        "query MyTasks {{ myTasks(first: 100) {{ {TASK_FIELDS} lead {{ id personName company }} }} }}"
    );
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "myTasks")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_input_speaks_the_schema() {
        let input = ActivityInput {
            lead_id: "l1".into(),
            kind: ActivityKind::Call,
            outcome: Some(ActivityOutcome::NoAnswer),
            note: None,
        };
        assert_eq!(
            serde_json::to_value(input).ok(),
            Some(json!({ "leadId": "l1", "kind": "CALL", "outcome": "NO_ANSWER", "note": null }))
        );
    }
}
