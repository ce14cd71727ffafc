//! API keys: created by admins, shown once, accepted as bearer tokens, revocable.

use serde_json::json;

use crate::helpers::{error_code, spawn_app};

#[tokio::test]
async fn keys_are_shown_once_work_as_bearer_and_can_be_revoked() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = app
        .gql(
            Some(&admin),
            "mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) {
                secret apiKey { id name prefix scopes revokedAt } userErrors { field code } } }",
            json!({ "input": { "name": "官网表单", "scopes": ["CAPTURE", "LEADS_READ", "CAPTURE"] } }),
        )
        .await;
    let payload = &body["data"]["apiKeyCreate"];
    let secret = payload["secret"].as_str().unwrap().to_string();
    let key = &payload["apiKey"];
    assert!(secret.starts_with("lf_") && secret.len() > 40);
    assert!(secret.starts_with(key["prefix"].as_str().unwrap()));
    assert_eq!(key["scopes"], json!(["CAPTURE", "LEADS_READ"]));
    let key_id = key["id"].as_str().unwrap().to_string();

    // The list never shows the secret again.
    let listed = app
        .gql(
            Some(&admin),
            "{ apiKeys { id name prefix lastUsedAt } }",
            json!({}),
        )
        .await;
    assert!(!listed.to_string().contains(&secret));

    // The key authenticates (it is not a person, so `me` is forbidden, not unauthenticated).
    let me = app.gql(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(error_code(&me), "FORBIDDEN");
    let listed = app
        .gql(Some(&admin), "{ apiKeys { lastUsedAt } }", json!({}))
        .await;
    assert!(
        listed["data"]["apiKeys"][0]["lastUsedAt"].is_string(),
        "{listed}"
    );

    let revoked = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { apiKeyRevoke(input: { id: $id }) { apiKey { revokedAt } userErrors { code } } }",
            json!({ "id": key_id }),
        )
        .await;
    assert!(revoked["data"]["apiKeyRevoke"]["apiKey"]["revokedAt"].is_string());
    let me = app.gql(Some(&secret), "{ me { id } }", json!({})).await;
    assert_eq!(error_code(&me), "UNAUTHENTICATED");
    assert!(me["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("revoked"));

    let no_scope = app
        .gql(
            Some(&admin),
            "mutation { apiKeyCreate(input: { name: \"x\", scopes: [] }) { secret userErrors { field code } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        no_scope["data"]["apiKeyCreate"]["userErrors"],
        json!([{ "field": "scopes", "code": "REQUIRED" }])
    );
    assert!(no_scope["data"]["apiKeyCreate"]["secret"].is_null());

    let unknown = app
        .gql(Some("lf_made-up-key"), "{ teams { id } }", json!({}))
        .await;
    assert_eq!(error_code(&unknown), "UNAUTHENTICATED");
}
