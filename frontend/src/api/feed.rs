//! The live assignment feed: who got which lead, from whom, and why.
//!
//! `assignmentFeed` gives the newest events; `assignmentEvents` continues from a cursor,
//! so a page that reconnects passes the last cursor it saw and misses nothing.

use leadflow_shared::FeedScope;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::leads::{Assignment, ASSIGNMENT_FIELDS};
use super::{ApiError, Client};

/// How many events the page starts with.
pub const FIRST: i32 = 50;

/// The lead of an event, as a feed row shows it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedLead {
    pub id: String,
    pub person_name: String,
    pub company: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentEvent {
    /// Passed back as `after` to resume.
    pub cursor: String,
    pub assignment: Assignment,
    /// `None` if the viewer may not see the lead.
    pub lead: Option<FeedLead>,
    /// The routing rule that decided, when the reason is `RULE`.
    pub rule_label: Option<String>,
}

/// What each `next` of the live subscription carries.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveAssignment {
    pub assignment_events: AssignmentEvent,
}

fn event_fields() -> String {
    format!(
        "cursor assignment {{ {ASSIGNMENT_FIELDS} }} lead {{ id personName company }} ruleLabel"
    )
}

/// The newest events in `scope`, newest first.
pub async fn latest(client: &Client, scope: FeedScope) -> Result<Vec<AssignmentEvent>, ApiError> {
    let document = format!(
        "query AssignmentFeed($scope: FeedScope!, $first: Int) {{
           assignmentFeed(scope: $scope, first: $first) {{ {} }}
         }}",
        event_fields()
    );
    let variables = json!({ "scope": scope, "first": FIRST });
    let data: Value = client.request(&document, variables).await?;
    field(data, "assignmentFeed")
}

/// The live subscription; its variables are `{scope, after}`.
pub fn live_document() -> String {
    format!(
        "subscription AssignmentEvents($scope: FeedScope!, $after: String) {{
           assignmentEvents(scope: $scope, after: $after) {{ {} }}
         }}",
        event_fields()
    )
}
