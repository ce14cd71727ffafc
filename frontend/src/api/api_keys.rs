//! API keys for integrations: list, create (the secret comes back exactly once), revoke.

use leadflow_shared::ApiScope;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::field;
use super::types::{ApiKey, UserError, API_KEY_FIELDS};
use super::{ApiError, Client};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyCreatePayload {
    pub api_key: Option<ApiKey>,
    /// The full key; the server keeps only a hash, so this is the only chance to copy it.
    pub secret: Option<String>,
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRevokePayload {
    pub api_key: Option<ApiKey>,
    pub user_errors: Vec<UserError>,
}

pub async fn list(client: &Client) -> Result<Vec<ApiKey>, ApiError> {
    let document = format!("query ApiKeys {{ apiKeys {{ {API_KEY_FIELDS} }} }}");
    let data: Value = client.request(&document, json!({})).await?;
    field(data, "apiKeys")
}

pub async fn create(
    client: &Client,
    name: &str,
    scopes: &[ApiScope],
) -> Result<ApiKeyCreatePayload, ApiError> {
    let document = format!(
        "mutation ApiKeyCreate($input: ApiKeyCreateInput!) {{
           apiKeyCreate(input: $input) {{ apiKey {{ {API_KEY_FIELDS} }} secret userErrors {{ field message code }} }}
         }}"
    );
    let input = json!({ "input": { "name": name, "scopes": scopes } });
    let data: Value = client.request(&document, input).await?;
    field(data, "apiKeyCreate")
}

pub async fn revoke(client: &Client, id: &str) -> Result<ApiKeyRevokePayload, ApiError> {
    let document = format!(
        "mutation ApiKeyRevoke($input: ApiKeyRevokeInput!) {{
           apiKeyRevoke(input: $input) {{ apiKey {{ {API_KEY_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let data: Value = client
        .request(&document, json!({ "input": { "id": id } }))
        .await?;
    field(data, "apiKeyRevoke")
}
