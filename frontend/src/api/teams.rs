//! Teams: list, create, rename and set a manager.

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{Team, UserError, TEAM_FIELDS};
use super::{ApiError, Client};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamPayload {
    pub team: Option<Team>,
    pub user_errors: Vec<UserError>,
}

pub async fn list(client: &Client) -> Result<Vec<Team>, ApiError> {
    let document = format!("query Teams {{ teams {{ {TEAM_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "teams")
}

pub async fn create(
    client: &Client,
    name: &str,
    manager_id: Option<&str>,
) -> Result<TeamPayload, ApiError> {
    let document = format!(
        "mutation TeamCreate($input: TeamCreateInput!) {{
           teamCreate(input: $input) {{ team {{ {TEAM_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let input = json!({ "input": { "name": name, "managerId": manager_id } });
    let data: Value = client.request(&document, input).await?;
    field(data, "teamCreate")
}

pub async fn set_manager(
    client: &Client,
    id: &str,
    manager_id: &str,
) -> Result<TeamPayload, ApiError> {
    let document = format!(
        "mutation TeamUpdate($input: TeamUpdateInput!) {{
           teamUpdate(input: $input) {{ team {{ {TEAM_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let input = json!({ "input": { "id": id, "managerId": manager_id } });
    let data: Value = client.request(&document, input).await?;
    field(data, "teamUpdate")
}
