//! Web-to-lead forms: the list, and saving a definition (`formCreate` / `formUpdate`).
//!
//! A saved form also answers with its public path and the embed snippet for this
//! server's origin, so the designer can offer both without building HTML itself.

use leadflow_shared::Channel;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::client::field;
use super::types::UserError;
use super::{ApiError, Client};

/// One field of a form: a lead field (`personName`, `phone`...) or `custom:<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    pub name: String,
    pub label: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Form {
    pub id: String,
    pub key: String,
    pub name: String,
    pub path: String,
    pub fields: Vec<FormField>,
    pub source: Channel,
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
    pub active: bool,
    /// The paste-in HTML for the origin the SPA runs on.
    pub embed_snippet: String,
    pub created_at: String,
}

const FORM_FIELDS: &str = "id key name path fields { name label required } source \
     thankYouUrl thankYouMessage active embedSnippet(origin: $origin) createdAt";

/// What the designer sends; `id: None` creates, `Some` updates.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    pub fields: Vec<FormField>,
    pub source: Channel,
    pub thank_you_url: Option<String>,
    pub thank_you_message: Option<String>,
    /// Only `formUpdate` takes it; a new form starts active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormPayload {
    pub form: Option<Form>,
    pub user_errors: Vec<UserError>,
}

/// The address this SPA is served from, which is also where forms post.
pub fn origin() -> String {
    gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default()
}

pub async fn list(client: &Client) -> Result<Vec<Form>, ApiError> {
    let document = format!("query Forms($origin: String!) {{ forms {{ {FORM_FIELDS} }} }}");
    let data: Value = client
        .request(&document, json!({ "origin": origin() }))
        .await?;
    field(data, "forms")
}

/// Creates the form, or replaces an existing one's definition when `input.id` is set.
pub async fn save(client: &Client, input: &FormInput) -> Result<FormPayload, ApiError> {
    let (mutation, input_type) = if input.id.is_some() {
        ("formUpdate", "FormUpdateInput")
    } else {
        ("formCreate", "FormCreateInput")
    };
    let document = format!(
        "mutation Save($input: {input_type}!, $origin: String!) {{
           {mutation}(input: $input) {{ form {{ {FORM_FIELDS} }} userErrors {{ field message code }} }}
         }}"
    );
    let input = serde_json::to_value(input).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let data: Value = client
        .request(&document, json!({ "input": input, "origin": origin() }))
        .await?;
    field(data, mutation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_form_sends_neither_id_nor_active() {
        let input = FormInput {
            id: None,
            name: "Demo".into(),
            fields: vec![FormField {
                name: "personName".into(),
                label: "姓名".into(),
                required: true,
            }],
            source: Channel::WebForm,
            thank_you_url: None,
            thank_you_message: Some("Thanks".into()),
            active: None,
        };
        let value = serde_json::to_value(input).ok();
        assert_eq!(
            value,
            Some(json!({
                "name": "Demo",
                "fields": [{ "name": "personName", "label": "姓名", "required": true }],
                "source": "WEB_FORM",
                "thankYouUrl": null,
                "thankYouMessage": "Thanks",
            }))
        );
    }
}
