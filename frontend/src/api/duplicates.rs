//! Leads that are probably one person: the pairs the server finds, and merging them.
//!
//! Capture merges what it recognises by itself; what remains (an edit that gave two
//! leads one phone, an import with "create new") a person decides here, field by field.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::field;
use super::leads::DuplicateMatch;
use super::types::UserError;
use super::{ApiError, Client};

/// How many pairs the page asks for.
const PAIRS_SHOWN: i32 = 50;

/// One side of a pair: the fields a merge can pick from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DuplicateLead {
    pub id: String,
    pub person_name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub created_at: String,
}

impl DuplicateLead {
    /// The value of a mergeable field by its schema name; `None` when empty.
    pub fn value(&self, field: MergeField) -> Option<&str> {
        let value = match field {
            MergeField::PersonName => Some(self.person_name.as_str()),
            MergeField::Title => self.title.as_deref(),
            MergeField::Company => self.company.as_deref(),
            MergeField::Email => self.email.as_deref(),
            MergeField::Phone => self.phone.as_deref(),
            MergeField::Province => self.province.as_deref(),
            MergeField::City => self.city.as_deref(),
            MergeField::Industry => self.industry.as_deref(),
        };
        value.map(str::trim).filter(|v| !v.is_empty())
    }
}

/// The fields the comparison offers a choice for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MergeField {
    PersonName,
    Title,
    Company,
    Email,
    Phone,
    Province,
    City,
    Industry,
}

impl MergeField {
    pub const ALL: [MergeField; 8] = [
        MergeField::PersonName,
        MergeField::Title,
        MergeField::Company,
        MergeField::Email,
        MergeField::Phone,
        MergeField::Province,
        MergeField::City,
        MergeField::Industry,
    ];

    /// The schema's name for the field (`MergePick.field`).
    pub fn as_str(self) -> &'static str {
        match self {
            MergeField::PersonName => "personName",
            MergeField::Title => "title",
            MergeField::Company => "company",
            MergeField::Email => "email",
            MergeField::Phone => "phone",
            MergeField::Province => "province",
            MergeField::City => "city",
            MergeField::Industry => "industry",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DuplicatePair {
    pub reason: DuplicateMatch,
    pub a: DuplicateLead,
    pub b: DuplicateLead,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergePick {
    pub field: String,
    pub from_lead_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadMergeInput {
    pub survivor_id: String,
    pub merged_ids: Vec<String>,
    pub picks: Vec<MergePick>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MergedLead {
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadMergePayload {
    pub lead: Option<MergedLead>,
    pub user_errors: Vec<UserError>,
}

const LEAD_FIELDS: &str =
    "id personName title company email phone province city industry createdAt";

/// Likely duplicates among the leads this user may see, strongest evidence first.
pub async fn list(client: &Client) -> Result<Vec<DuplicatePair>, ApiError> {
    let document = format!(
        "query LeadDuplicates($first: Int) {{
           leadDuplicates(first: $first) {{ reason a {{ {LEAD_FIELDS} }} b {{ {LEAD_FIELDS} }} }}
         }}"
    );
    let data: Value = client
        .request(&document, json!({ "first": PAIRS_SHOWN }))
        .await?;
    field(data, "leadDuplicates")
}

pub async fn merge(client: &Client, input: &LeadMergeInput) -> Result<LeadMergePayload, ApiError> {
    const MERGE: &str = "mutation LeadMerge($input: LeadMergeInput!) {
      leadMerge(input: $input) { lead { id } userErrors { field message code } }
    }";
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client.request(MERGE, json!({ "input": input })).await?;
    field(data, "leadMerge")
}
