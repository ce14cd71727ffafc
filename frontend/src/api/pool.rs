//! The claim pool: how many leads the signed-in user may still take, and taking one.
//!
//! The daily limit and the race between two reps are the server's to decide; a lost
//! race or a reached limit comes back as `userErrors`, never as an [`ApiError`].

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{UserError, UserRef};
use super::{ApiError, Client};

/// Claims in the last 24 hours against the limit.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolClaimStatus {
    #[serde(rename = "claimedLast24h")]
    pub claimed_last_24h: i32,
    pub limit: i32,
    pub remaining: i32,
}

/// The claimed lead, as far as a confirmation needs it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimedLead {
    pub id: String,
    pub person_name: String,
    pub owner: Option<UserRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadClaimPayload {
    pub lead: Option<ClaimedLead>,
    pub user_errors: Vec<UserError>,
}

pub async fn claim_status(client: &Client) -> Result<PoolClaimStatus, ApiError> {
    const STATUS: &str =
        "query PoolClaimStatus { poolClaimStatus { claimedLast24h limit remaining } }";
    let data: Value = client.request(STATUS, json!({})).await?;
    field(data, "poolClaimStatus")
}

/// Takes `lead_id` from the pool for the signed-in user.
pub async fn claim(client: &Client, lead_id: &str) -> Result<LeadClaimPayload, ApiError> {
    const CLAIM: &str = "mutation LeadClaim($input: LeadClaimInput!) {
      leadClaim(input: $input) {
        lead { id personName owner { id name } }
        userErrors { field message code }
      }
    }";
    let variables = json!({ "input": { "leadId": lead_id } });
    let data: Value = client.request(CLAIM, variables).await?;
    field(data, "leadClaim")
}
