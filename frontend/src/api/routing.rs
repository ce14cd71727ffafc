//! Lead routing: the rules the designer edits (`routingConfig`, `routingConfigSave`) and
//! what it simulates them against (`routingSimulationData`).
//!
//! The rules travel as JSON and are read into [`RoutingRules`] from `leadflow-shared`,
//! the type the server decides with; the arrivals, the team state and the directory are
//! the shared [`LeadArrival`], [`TeamState`] and [`Directory`], so the browser's
//! simulation and validation are exactly the server's.

use leadflow_shared::routing::{Directory, LeadArrival, RoutingRules, TeamState};
use leadflow_shared::scoring::RuleError;
use leadflow_shared::RoutingTrigger;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{UserError, UserRef};
use super::{ApiError, Client};

/// The saved routing rules.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingConfig {
    /// 0 before anything was saved (everything goes to the pool).
    pub version: i32,
    /// The rules as stored; read them with [`RoutingConfig::rules`].
    pub rules: Value,
    pub trigger: RoutingTrigger,
    pub updated_at: Option<String>,
    pub updated_by: Option<UserRef>,
}

impl RoutingConfig {
    /// The stored rules as the shared type, or why they cannot be read.
    pub fn rules(&self) -> Result<RoutingRules, RuleError> {
        if self.rules.is_null() {
            return Ok(RoutingRules::default());
        }
        RoutingRules::from_json(&self.rules.to_string())
    }
}

const CONFIG_FIELDS: &str = "version rules trigger updatedAt updatedBy { id name }";

/// Real leads of the last days and the team as it is now, for the designer's simulation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationData {
    pub days: i32,
    /// Oldest first.
    pub arrivals: Vec<LeadArrival>,
    pub team_state: TeamState,
    pub directory: Directory,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavePayload {
    pub routing: Option<RoutingConfig>,
    pub user_errors: Vec<UserError>,
}

pub async fn config(client: &Client) -> Result<RoutingConfig, ApiError> {
    let document = format!("query RoutingConfig {{ routingConfig {{ {CONFIG_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "routingConfig")
}

/// Leads created in the last `days` days (at most 5000), with the team state and
/// directory the rules are checked against.
pub async fn simulation_data(client: &Client, days: i32) -> Result<SimulationData, ApiError> {
    const DOCUMENT: &str = "query RoutingSimulationData($days: Int) {
      routingSimulationData(days: $days) { days arrivals teamState directory }
    }";
    let data: Value = client.request(DOCUMENT, json!({ "days": days })).await?;
    field(data, "routingSimulationData")
}

/// Saves the rules; `expected_version` makes the server refuse (CONFLICT) when someone
/// saved in between.
pub async fn save(
    client: &Client,
    rules: &RoutingRules,
    trigger: RoutingTrigger,
    expected_version: i32,
) -> Result<SavePayload, ApiError> {
    let document = format!(
        "mutation RoutingConfigSave($input: RoutingConfigSaveInput!) {{
           routingConfigSave(input: $input) {{
             routing {{ {CONFIG_FIELDS} }} userErrors {{ field message code }}
           }}
         }}"
    );
    let rules = serde_json::to_value(rules).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let input = json!({ "rules": rules, "trigger": trigger, "expectedVersion": expected_version });
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, "routingConfigSave")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_data_decodes_into_the_shared_types() {
        let json = json!({
            "days": 7,
            "arrivals": [{ "at": "2026-03-09T08:00:00Z", "lead": { "province": "江苏", "score": 42, "campaignId": null } }],
            "teamState": { "reps": { "u1": { "name": "张伟", "openLeads": 3 } }, "teams": {}, "rotations": {} },
            "directory": { "users": { "u1": { "name": "张伟", "active": true } }, "teams": {}, "campaignIds": [] }
        });
        let data: Result<SimulationData, _> = serde_json::from_value(json);
        let data = data.ok();
        assert_eq!(data.as_ref().map(|d| d.arrivals.len()), Some(1));
        assert_eq!(data.map(|d| d.team_state.reps["u1"].open_leads), Some(3));
    }

    #[test]
    fn a_config_never_saved_reads_as_the_default() {
        let config = RoutingConfig {
            version: 0,
            rules: Value::Null,
            trigger: RoutingTrigger::OnCapture,
            updated_at: None,
            updated_by: None,
        };
        assert_eq!(config.rules(), Ok(RoutingRules::default()));
    }
}
