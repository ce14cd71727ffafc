//! The duplicates view and merging leads field by field.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

async fn capture(app: &TestApp, token: &str, input: Value) -> String {
    let body = app
        .gql(
            Some(token),
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId outcome } }",
            json!({ "input": input }),
        )
        .await;
    assert_eq!(body["data"]["leadCapture"]["outcome"], "CREATED", "{body}");
    body["data"]["leadCapture"]["leadId"]
        .as_str()
        .unwrap()
        .to_string()
}

const MERGE: &str = "mutation($input: LeadMergeInput!) { leadMerge(input: $input) {
    lead { id personName email phone tags firstContactedAt tasks { title } timeline { kind } } userErrors { field code } } }";

#[tokio::test]
async fn a_person_merges_two_leads_choosing_each_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let a = capture(
        &app,
        &admin,
        json!({ "personName": "张伟", "phone": "13800001111", "tags": ["展会"] }),
    )
    .await;
    let b = capture(
        &app,
        &admin,
        json!({ "personName": "张伟 (采购)", "email": "zw@hengtong.cn", "tags": ["决策人"] }),
    )
    .await;
    // An edit makes them share a phone: now they are likely one person.
    let edit = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { leadUpdate(input: { id: $id, version: 1, phone: \"+86 138 0000 1111\" }) { userErrors { code } } }",
            json!({ "id": b }),
        )
        .await;
    assert_eq!(edit["data"]["leadUpdate"]["userErrors"], json!([]));
    app.gql(
        Some(&admin),
        "mutation($id: ID!) { leadLogActivity(input: { leadId: $id, kind: CALL, outcome: CONNECTED, occurredAt: \"2026-11-01T03:00:00Z\" }) { userErrors { code } } }",
        json!({ "id": b }),
    )
    .await;
    app.gql(
        Some(&admin),
        "mutation($id: ID!) { taskCreate(input: { leadId: $id, title: \"寄样品\", dueAt: \"2099-01-01T00:00:00Z\" }) { userErrors { code } } }",
        json!({ "id": b }),
    )
    .await;

    let dups = app
        .gql(
            Some(&admin),
            "{ leadDuplicates { reason a { id } b { id } } }",
            json!({}),
        )
        .await;
    let pairs = dups["data"]["leadDuplicates"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{dups}");
    assert_eq!(pairs[0]["reason"], "PHONE");

    let bad = app
        .gql(Some(&admin), MERGE, json!({ "input": { "survivorId": a, "mergedIds": [b], "picks": [{ "field": "ownerId", "fromLeadId": b }] } }))
        .await;
    assert_eq!(bad["data"]["leadMerge"]["userErrors"][0]["field"], "fields");
    let alone = app
        .gql(
            Some(&admin),
            MERGE,
            json!({ "input": { "survivorId": a, "mergedIds": [a] } }),
        )
        .await;
    assert_eq!(
        alone["data"]["leadMerge"]["userErrors"][0]["code"],
        "REQUIRED"
    );

    let merged = app
        .gql(Some(&admin), MERGE, json!({ "input": { "survivorId": a, "mergedIds": [b], "picks": [{ "field": "personName", "fromLeadId": b }] } }))
        .await;
    let lead = &merged["data"]["leadMerge"]["lead"];
    assert_eq!(
        merged["data"]["leadMerge"]["userErrors"],
        json!([]),
        "{merged}"
    );
    assert_eq!(lead["id"], a.as_str());
    assert_eq!(lead["personName"], "张伟 (采购)");
    assert_eq!(
        lead["email"], "zw@hengtong.cn",
        "an empty field is filled from the other lead"
    );
    assert_eq!(
        lead["phone"], "13800001111",
        "the survivor keeps what it had unless picked otherwise"
    );
    assert_eq!(lead["tags"], json!(["展会", "决策人"]));
    assert!(lead["firstContactedAt"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-01T03:00:00"));
    assert_eq!(lead["tasks"], json!([{ "title": "寄样品" }]));
    let kinds: Vec<&str> = lead["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in ["merged", "call", "updated", "captured"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(
        kinds.iter().filter(|k| **k == "captured").count(),
        2,
        "both histories: {kinds:?}"
    );

    let gone = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { mergedInto } }",
            json!({ "id": b }),
        )
        .await;
    assert_eq!(gone["data"]["lead"]["mergedInto"], a.as_str());
    let list = app
        .gql(
            Some(&admin),
            "{ leads { totalCount } leadDuplicates { reason } }",
            json!({}),
        )
        .await;
    assert_eq!(list["data"]["leads"]["totalCount"], 1);
    assert_eq!(list["data"]["leadDuplicates"], json!([]));
    let again = app
        .gql(
            Some(&admin),
            MERGE,
            json!({ "input": { "survivorId": a, "mergedIds": [b] } }),
        )
        .await;
    assert_eq!(
        again["data"]["leadMerge"]["userErrors"][0]["code"],
        "CONFLICT"
    );
}
