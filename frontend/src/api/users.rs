//! Users: the list, the admin mutations and the `userChanges` feed.

use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{PageInfo, User, UserCreateInput, UserError, UserUpdateInput, USER_FIELDS};
use super::{ApiError, Client};

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserEdge {
    pub node: User,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserConnection {
    pub edges: Vec<UserEdge>,
    pub page_info: PageInfo,
    pub total_count: i64,
}

/// What every user mutation returns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserPayload {
    pub user: Option<User>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserChangeKind {
    Created,
    Updated,
    Deactivated,
    Reactivated,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UserChangeEvent {
    pub kind: UserChangeKind,
    pub user: User,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserChanges {
    pub user_changes: UserChangeEvent,
}

/// How many users one page of the table holds.
pub const PAGE_SIZE: i32 = 50;

/// One page of users, sorted by name on the server.
pub async fn list(client: &Client, after: Option<String>) -> Result<UserConnection, ApiError> {
    let document = format!(
        "query Users($first: Int, $after: String) {{
           users(first: $first, after: $after) {{
             edges {{ node {{ {USER_FIELDS} }} }}
             pageInfo {{ hasNextPage endCursor }}
             totalCount
           }}
         }}"
    );
    let data: Value = client
        .request(&document, json!({ "first": PAGE_SIZE, "after": after }))
        .await?;
    field(data, "users")
}

/// People a lead can be given to (the owner picker): active users, first `PICK_SIZE`
/// by name, narrowed by `search` when given.
pub async fn pickable(client: &Client, search: Option<&str>) -> Result<Vec<User>, ApiError> {
    const PICK_SIZE: i32 = 100;
    let document = format!(
        "query AssignableUsers($first: Int, $search: String) {{
           users(first: $first, search: $search) {{ edges {{ node {{ {USER_FIELDS} }} }} }}
         }}"
    );
    #[derive(Deserialize)]
    struct Page {
        edges: Vec<UserEdge>,
    }
    let data: Value = client
        .request(&document, json!({ "first": PICK_SIZE, "search": search }))
        .await?;
    let page: Page = field(data, "users")?;
    Ok(page
        .edges
        .into_iter()
        .map(|e| e.node)
        .filter(|u| u.active)
        .collect())
}

async fn mutate(
    client: &Client,
    name: &str,
    input_type: &str,
    input: Value,
) -> Result<UserPayload, ApiError> {
    let document = format!(
        "mutation M($input: {input_type}!) {{
           {name}(input: $input) {{ user {{ {USER_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let data: Value = client.request(&document, json!({ "input": input })).await?;
    field(data, name)
}

pub async fn create(client: &Client, input: &UserCreateInput) -> Result<UserPayload, ApiError> {
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    mutate(client, "userCreate", "UserCreateInput", input).await
}

pub async fn update(client: &Client, input: &UserUpdateInput) -> Result<UserPayload, ApiError> {
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    mutate(client, "userUpdate", "UserUpdateInput", input).await
}

pub async fn set_active(client: &Client, id: &str, active: bool) -> Result<UserPayload, ApiError> {
    let (name, input_type) = if active {
        ("userReactivate", "UserReactivateInput")
    } else {
        ("userDeactivate", "UserDeactivateInput")
    };
    mutate(client, name, input_type, json!({ "id": id })).await
}

/// The `userChanges` subscription document.
pub fn changes_document() -> String {
    format!("subscription UserChanges {{ userChanges {{ kind user {{ {USER_FIELDS} }} }} }}")
}

/// Whether a user is away: routing skips them and their SLA clocks wait.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AwayState {
    pub id: String,
    pub away: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSetAwayPayload {
    pub user: Option<AwayState>,
    pub user_errors: Vec<UserError>,
}

/// The signed-in user's away switch (asked apart from `me`, so older servers without
/// it only hide the switch).
pub async fn my_away(client: &Client) -> Result<AwayState, ApiError> {
    let data: Value = client
        .request("query MyAway { me { id away } }", json!({}))
        .await?;
    field(data, "me")
}

pub async fn set_away(
    client: &Client,
    user_id: &str,
    away: bool,
) -> Result<UserSetAwayPayload, ApiError> {
    const SET_AWAY: &str = "mutation UserSetAway($input: UserSetAwayInput!) {
      userSetAway(input: $input) { user { id away } userErrors { field message code } }
    }";
    let variables = json!({ "input": { "userId": user_id, "away": away } });
    let data: Value = client.request(SET_AWAY, variables).await?;
    field(data, "userSetAway")
}
