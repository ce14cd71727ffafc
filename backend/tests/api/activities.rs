//! Working a lead: activities, edits with version checks, tasks, behaviour events.

use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, TestApp};

async fn new_lead(app: &TestApp, token: &str, name: &str, phone: &str) -> String {
    let body = app
        .gql(
            Some(token),
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { message } } }",
            json!({ "input": { "personName": name, "phone": phone } }),
        )
        .await;
    body["data"]["leadCapture"]["leadId"]
        .as_str()
        .expect("captured")
        .to_string()
}

const LOG: &str = "mutation($input: LeadLogActivityInput!) { leadLogActivity(input: $input) {
    lead { firstContactedAt version } event { kind data actor { email } } userErrors { field code } } }";

#[tokio::test]
async fn the_first_contact_is_stamped_and_notes_are_not_contact() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let lead = new_lead(&app, &admin, "周杰", "13800001111").await;

    let note = app
        .gql(
            Some(&admin),
            LOG,
            json!({ "input": { "leadId": lead, "kind": "NOTE", "note": "展会上聊过" } }),
        )
        .await;
    let note = &note["data"]["leadLogActivity"];
    assert_eq!(note["userErrors"], json!([]));
    assert!(
        note["lead"]["firstContactedAt"].is_null(),
        "a note is not contact"
    );

    let call_time = "2026-11-20T02:30:00Z";
    let call = app
        .gql(Some(&admin), LOG, json!({ "input": { "leadId": lead, "kind": "CALL", "outcome": "CONNECTED", "note": "约了周二演示", "occurredAt": call_time } }))
        .await;
    let call = &call["data"]["leadLogActivity"];
    assert_eq!(call["event"]["kind"], "call");
    assert_eq!(call["event"]["data"]["outcome"], "connected");
    assert_eq!(call["event"]["actor"]["email"], "admin@example.com");
    assert!(call["lead"]["firstContactedAt"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-20T02:30:00"));

    let later = app
        .gql(
            Some(&admin),
            LOG,
            json!({ "input": { "leadId": lead, "kind": "EMAIL" } }),
        )
        .await;
    assert!(later["data"]["leadLogActivity"]["lead"]["firstContactedAt"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-20T02:30:00"));

    let future = app
        .gql(Some(&admin), LOG, json!({ "input": { "leadId": lead, "kind": "CALL", "occurredAt": "2099-01-01T00:00:00Z" } }))
        .await;
    assert_eq!(
        future["data"]["leadLogActivity"]["userErrors"][0]["field"],
        "occurredAt"
    );
    let empty_note = app
        .gql(
            Some(&admin),
            LOG,
            json!({ "input": { "leadId": lead, "kind": "NOTE" } }),
        )
        .await;
    assert_eq!(
        empty_note["data"]["leadLogActivity"]["userErrors"][0]["code"],
        "REQUIRED"
    );
}

const UPDATE: &str = "mutation($input: LeadUpdateInput!) { leadUpdate(input: $input) {
    lead { personName title email phoneE164 tags version timeline(first: 1) { kind data } } userErrors { field code message } } }";

#[tokio::test]
async fn edits_are_validated_and_never_overwrite_a_colleagues_change() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let lead = new_lead(&app, &admin, "吴昊", "13800002222").await;

    let edit = app
        .gql(Some(&admin), UPDATE, json!({ "input": { "id": lead, "version": 1, "title": "采购经理", "email": "Wu.Hao@Example.cn", "tags": ["决策人"] } }))
        .await;
    let updated = &edit["data"]["leadUpdate"]["lead"];
    assert_eq!(updated["email"], "wu.hao@example.cn");
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["timeline"][0]["kind"], "updated");
    assert_eq!(
        updated["timeline"][0]["data"]["title"],
        json!({ "from": null, "to": "采购经理" })
    );

    // A colleague still on version 1 is told, and nothing of theirs is written.
    let stale = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": lead, "version": 1, "title": "总经理" } }),
        )
        .await;
    let errors = &stale["data"]["leadUpdate"]["userErrors"];
    assert_eq!(errors[0]["code"], "CONFLICT", "{stale}");
    assert!(errors[0]["message"].as_str().unwrap().contains("version 2"));

    let bad = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": lead, "version": 2, "phone": "12", "email": "nope" } }),
        )
        .await;
    let fields: Vec<&str> = bad["data"]["leadUpdate"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["email", "phone"]);
    let unreachable = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": lead, "version": 2, "phone": null, "email": null } }),
        )
        .await;
    assert_eq!(
        unreachable["data"]["leadUpdate"]["userErrors"][0]["code"],
        "REQUIRED"
    );

    let check = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { title version phoneE164 } }",
            json!({ "id": lead }),
        )
        .await;
    assert_eq!(
        check["data"]["lead"],
        json!({ "title": "采购经理", "version": 2, "phoneE164": "+8613800002222" })
    );

    // Two edits racing from the same version: exactly one wins.
    let (a, b) = tokio::join!(
        app.gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": lead, "version": 2, "title": "A" } })
        ),
        app.gql(
            Some(&admin),
            UPDATE,
            json!({ "input": { "id": lead, "version": 2, "title": "B" } })
        ),
    );
    let won = [&a, &b]
        .iter()
        .filter(|r| r["data"]["leadUpdate"]["userErrors"] == json!([]))
        .count();
    assert_eq!(won, 1, "{a}\n{b}");
}

#[tokio::test]
async fn tasks_make_my_day() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let rep_id = app
        .create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let lead = new_lead(&app, &admin, "郑爽", "13800003333").await;
    let create = "mutation($input: TaskCreateInput!) { taskCreate(input: $input) { task { id title overdue assignee { email } lead { personName } } userErrors { field code } } }";
    let overdue = app
        .gql(Some(&admin), create, json!({ "input": { "leadId": lead, "title": "回电确认预算", "dueAt": "2026-01-05T01:00:00Z", "assigneeId": rep_id } }))
        .await;
    let task = &overdue["data"]["taskCreate"]["task"];
    assert_eq!(task["overdue"], true);
    assert_eq!(task["assignee"]["email"], "rep@example.com");
    let task_id = task["id"].as_str().unwrap().to_string();
    app.gql(Some(&admin), create, json!({ "input": { "leadId": lead, "title": "发送报价", "dueAt": "2099-01-01T00:00:00Z", "assigneeId": rep_id } }))
        .await;

    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let day = app
        .gql(
            Some(&rep),
            "{ myTasks { title overdue lead { personName } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        day["data"]["myTasks"],
        json!([
            { "title": "回电确认预算", "overdue": true, "lead": { "personName": "郑爽" } },
            { "title": "发送报价", "overdue": false, "lead": { "personName": "郑爽" } }
        ])
    );
    let done = app
        .gql(Some(&rep), "mutation($id: ID!) { taskComplete(input: { id: $id }) { task { doneAt overdue } userErrors { code } } }", json!({ "id": task_id }))
        .await;
    assert!(
        done["data"]["taskComplete"]["task"]["doneAt"].is_string(),
        "{done}"
    );
    let day = app
        .gql(Some(&rep), "{ myTasks { title } }", json!({}))
        .await;
    assert_eq!(day["data"]["myTasks"].as_array().unwrap().len(), 1);

    let blank = app
        .gql(
            Some(&admin),
            create,
            json!({ "input": { "leadId": lead, "title": " ", "dueAt": "2099-01-01T00:00:00Z" } }),
        )
        .await;
    assert_eq!(
        blank["data"]["taskCreate"]["userErrors"][0]["field"],
        "title"
    );
}

#[tokio::test]
async fn websites_and_integrations_report_behaviour() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let lead = new_lead(&app, &admin, "孙丽", "13800004444").await;
    let token_body = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { trackingToken } }",
            json!({ "id": lead }),
        )
        .await;
    let tracking_token = token_body["data"]["lead"]["trackingToken"]
        .as_str()
        .unwrap()
        .to_string();
    let client = reqwest::Client::new();

    // From the visitor's browser, on the company's site.
    let response = client
        .post(app.url("/t"))
        .header("origin", "https://www.example.cn")
        .json(&json!({ "token": tracking_token, "kind": "page_view", "url": "https://www.example.cn/pricing" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");

    let forged = format!("{}.AAAAAAAAAAAAAAAAAAAAAA", lead.replace('-', ""));
    let response = client
        .post(app.url("/t"))
        .json(&json!({ "token": forged, "kind": "page_view", "url": "https://x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // From an integration with an API key.
    let key = app
        .gql(
            Some(&admin),
            "mutation { apiKeyCreate(input: { name: \"webinar\", scopes: [CAPTURE] }) { secret } }",
            json!({}),
        )
        .await["data"]["apiKeyCreate"]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let response = client
        .post(app.url("/t"))
        .bearer_auth(&key)
        .json(&json!({ "leadId": lead, "kind": "webinar_attended", "name": "2026 智能制造峰会", "properties": { "minutes": 52 } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let response = client
        .post(app.url("/t"))
        .bearer_auth(&key)
        .json(&json!({ "leadId": lead, "kind": "teleport" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let response = client
        .post(app.url("/t"))
        .bearer_auth(&key)
        .json(&json!({ "leadId": lead, "kind": "page_view" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422, "a page view without its URL");

    let via_graphql = app
        .gql(
            Some(&key),
            "mutation($input: LeadTrackEventInput!) { leadTrackEvent(input: $input) { event { kind } userErrors { field code } } }",
            json!({ "input": { "leadId": lead, "kind": "DOWNLOAD", "name": "数字化转型白皮书.pdf" } }),
        )
        .await;
    assert_eq!(
        via_graphql["data"]["leadTrackEvent"]["event"]["kind"],
        "download"
    );
    let missing = app
        .gql(
            Some(&key),
            "mutation($input: LeadTrackEventInput!) { leadTrackEvent(input: $input) { event { kind } userErrors { field code } } }",
            json!({ "input": { "leadId": uuid::Uuid::now_v7().to_string(), "kind": "EMAIL_OPEN" } }),
        )
        .await;
    assert_eq!(
        missing["data"]["leadTrackEvent"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );

    let timeline = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { timeline { kind data } } }",
            json!({ "id": lead }),
        )
        .await;
    let kinds: Vec<Value> = timeline["data"]["lead"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        vec![
            json!("download"),
            json!("webinar_attended"),
            json!("page_view"),
            json!("captured")
        ]
    );

    let denied = app.gql(Some(&key), "{ myTasks { id } }", json!({})).await;
    assert_eq!(error_code(&denied), "FORBIDDEN");
}
