//! Bulk actions on selected leads: assign, release to the pool, tag.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn leads(app: &TestApp, token: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let body = app
            .gql(
                Some(token),
                "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId } }",
                json!({ "input": { "personName": format!("客户{i}"), "email": format!("k{i}@example.cn") } }),
            )
            .await;
        ids.push(
            body["data"]["leadCapture"]["leadId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    ids
}

const ASSIGN: &str = "mutation($input: LeadsAssignInput!) { leadsAssign(input: $input) {
    leads { id owner { email } firstAssignedAt assignments { reason to { email } actor { email } } } userErrors { field code } } }";

#[tokio::test]
async fn managers_assign_within_their_teams_and_everything_is_recorded() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let manager_id = app
        .create_user(&admin, "mgr@example.com", "MANAGER", None)
        .await;
    let team = app
        .gql(Some(&admin), "mutation($m: ID!) { teamCreate(input: { name: \"华东\", managerId: $m }) { team { id } } }", json!({ "m": manager_id }))
        .await["data"]["teamCreate"]["team"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.create_user(&admin, "rep@example.com", "REP", Some(&team))
        .await;
    let outsider = app
        .create_user(&admin, "other@example.com", "REP", None)
        .await;
    let rep_id = app
        .gql(
            Some(&admin),
            "{ users(search: \"rep@\") { edges { node { id } } } }",
            json!({}),
        )
        .await["data"]["users"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ids = leads(&app, &admin, 3).await;
    let manager = app.login("mgr@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();

    let body = app
        .gql(
            Some(&manager),
            ASSIGN,
            json!({ "input": { "leadIds": ids, "ownerId": rep_id, "note": "华东展会名单" } }),
        )
        .await;
    let assigned = body["data"]["leadsAssign"]["leads"].as_array().unwrap();
    assert_eq!(assigned.len(), 3, "{body}");
    for l in assigned {
        assert_eq!(l["owner"]["email"], "rep@example.com");
        assert!(l["firstAssignedAt"].is_string());
        assert_eq!(
            l["assignments"][0],
            json!({ "reason": "MANUAL", "to": { "email": "rep@example.com" }, "actor": { "email": "mgr@example.com" } })
        );
    }
    let outside = app
        .gql(
            Some(&manager),
            ASSIGN,
            json!({ "input": { "leadIds": [ids[0]], "ownerId": outsider } }),
        )
        .await;
    assert_eq!(
        outside["data"]["leadsAssign"]["userErrors"][0]["field"],
        "ownerId"
    );

    // Back to the pool: recorded too, and the first assignment time stays.
    let released = app
        .gql(
            Some(&manager),
            ASSIGN,
            json!({ "input": { "leadIds": [ids[0]], "ownerId": null } }),
        )
        .await;
    let lead: &Value = &released["data"]["leadsAssign"]["leads"][0];
    assert!(lead["owner"].is_null());
    assert!(lead["firstAssignedAt"].is_string());
    assert_eq!(lead["assignments"].as_array().unwrap().len(), 2);

    // All or none: one unknown id and nothing changes.
    let unknown = app
        .gql(Some(&admin), ASSIGN, json!({ "input": { "leadIds": [ids[1], uuid::Uuid::now_v7().to_string()], "ownerId": outsider } }))
        .await;
    assert_eq!(
        unknown["data"]["leadsAssign"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let still = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { owner { email } } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(still["data"]["lead"]["owner"]["email"], "rep@example.com");

    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let denied = app
        .gql(
            Some(&rep),
            ASSIGN,
            json!({ "input": { "leadIds": [ids[1]], "ownerId": null } }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&denied), "FORBIDDEN");
}

#[tokio::test]
async fn tags_are_added_and_removed_in_bulk() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let ids = leads(&app, &admin, 2).await;
    let tag = "mutation($input: LeadsTagInput!) { leadsTag(input: $input) { leads { tags version } userErrors { field code } } }";
    let body = app
        .gql(
            Some(&admin),
            tag,
            json!({ "input": { "leadIds": ids, "add": ["展会", " 决策人 ", "展会"] } }),
        )
        .await;
    for l in body["data"]["leadsTag"]["leads"].as_array().unwrap() {
        assert_eq!(l["tags"], json!(["展会", "决策人"]));
        assert_eq!(l["version"], 2);
    }
    let body = app
        .gql(
            Some(&admin),
            tag,
            json!({ "input": { "leadIds": ids, "remove": ["展会"] } }),
        )
        .await;
    assert_eq!(
        body["data"]["leadsTag"]["leads"][0]["tags"],
        json!(["决策人"])
    );
    let empty = app
        .gql(Some(&admin), tag, json!({ "input": { "leadIds": ids } }))
        .await;
    assert_eq!(
        empty["data"]["leadsTag"]["userErrors"][0]["code"],
        "REQUIRED"
    );
    let none = app
        .gql(
            Some(&admin),
            tag,
            json!({ "input": { "leadIds": [], "add": ["x"] } }),
        )
        .await;
    assert_eq!(
        none["data"]["leadsTag"]["userErrors"][0]["field"],
        "leadIds"
    );
}
