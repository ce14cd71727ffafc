//! Capture through the API: normalisation, duplicates, idempotent retries, visibility.

use leadflow::entity::lead;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{json, Value};

use crate::helpers::{error_code, spawn_app, TestApp};

const CAPTURE: &str = "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) {
    leadId outcome matchedBy replayed
    lead { id personName company email phone phoneE164 source tags stage owner { id } }
    userErrors { field message code } } }";

async fn capture(app: &TestApp, token: &str, input: Value) -> Value {
    let body = app
        .gql(Some(token), CAPTURE, json!({ "input": input }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["leadCapture"].clone()
}

async fn lead_count(app: &TestApp) -> u64 {
    lead::Entity::find().count(&app.server.db).await.unwrap()
}

#[tokio::test]
async fn a_capture_is_normalised_and_listed() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let captured = capture(
        &app,
        &admin,
        json!({ "personName": " 张伟 ", "company": "上海恒通智能制造有限公司", "email": " Zhang.Wei@HengTong.cn ",
                "phone": "+86 138-0013-8000", "province": "上海", "source": "EVENT", "tags": ["展会", "展会", " 决策人 "] }),
    )
    .await;
    assert_eq!(captured["userErrors"], json!([]));
    assert_eq!(captured["outcome"], "CREATED");
    let lead = &captured["lead"];
    assert_eq!(lead["personName"], "张伟");
    assert_eq!(lead["email"], "zhang.wei@hengtong.cn");
    assert_eq!(lead["phone"], "+86 138-0013-8000");
    assert_eq!(lead["phoneE164"], "+8613800138000");
    assert_eq!(lead["tags"], json!(["展会", "决策人"]));
    assert_eq!(lead["stage"], "LEAD");
    assert!(
        lead["owner"].is_null(),
        "a new lead waits in the pool until routing"
    );

    let list = app
        .gql(
            Some(&admin),
            "{ leads(filter: { search: \"恒通\", sources: [EVENT] }) { totalCount edges { node { personName timeline { kind } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(list["data"]["leads"]["totalCount"], 1, "{list}");
    assert_eq!(
        list["data"]["leads"]["edges"][0]["node"]["timeline"][0]["kind"],
        "captured"
    );
    let by_phone = app
        .gql(
            Some(&admin),
            "{ leads(filter: { search: \"0013 8000\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(by_phone["data"]["leads"]["totalCount"], 1);
}

#[tokio::test]
async fn duplicates_are_merged_not_created() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let first = capture(
        &app,
        &admin,
        json!({ "personName": "张伟", "phone": "13800138000", "company": "华为技术有限公司" }),
    )
    .await;
    let id = first["leadId"].clone();

    // (input, how it should match)
    let cases = [
        (
            json!({ "personName": "Zhang Wei", "phone": "+86 138-0013-8000" }),
            "PHONE",
        ),
        (
            json!({ "personName": "张伟", "phone": "0086 138 0013 8000", "title": "IT总监" }),
            "PHONE",
        ),
        (
            json!({ "personName": "张伟", "company": "华为技术（有限公司）", "email": "zw@huawei.com" }),
            "COMPANY_AND_NAME",
        ),
        (
            json!({ "personName": "Someone", "email": "ZW@Huawei.COM" }),
            "EMAIL",
        ),
    ];
    for (input, matched_by) in cases {
        let got = capture(&app, &admin, input.clone()).await;
        assert_eq!(got["outcome"], "MERGED", "{input} -> {got}");
        assert_eq!(got["matchedBy"], matched_by, "{input}");
        assert_eq!(got["leadId"], id);
    }
    // Another person at the same company is a new lead.
    let colleague = capture(
        &app,
        &admin,
        json!({ "personName": "李娜", "company": "华为技术有限公司", "email": "ln@huawei.com" }),
    )
    .await;
    assert_eq!(colleague["outcome"], "CREATED");
    assert_eq!(lead_count(&app).await, 2);

    // The merge filled the empty fields and kept the original ones and every event.
    let lead = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { personName title email phone timeline { kind data } } }",
            json!({ "id": id }),
        )
        .await;
    let lead = &lead["data"]["lead"];
    assert_eq!(lead["personName"], "张伟");
    assert_eq!(lead["title"], "IT总监");
    assert_eq!(lead["email"], "zw@huawei.com");
    assert_eq!(lead["phone"], "13800138000");
    let kinds: Vec<&str> = lead["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "captured_again",
            "captured_again",
            "captured_again",
            "captured_again",
            "captured"
        ]
    );
}

#[tokio::test]
async fn retries_with_an_idempotency_key_never_make_a_second_lead() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let input = json!({ "personName": "王芳", "email": "wang.fang@example.cn", "idempotencyKey": "form-42" });
    let first = capture(&app, &admin, input.clone()).await;
    assert_eq!(first["replayed"], false);
    let retry = capture(&app, &admin, input.clone()).await;
    assert_eq!(retry["replayed"], true);
    assert_eq!(retry["leadId"], first["leadId"]);
    assert_eq!(retry["outcome"], "CREATED");

    // Retries racing each other, with a new key and a new person.
    let input =
        json!({ "personName": "赵敏", "phone": "13912345678", "idempotencyKey": "burst-1" });
    let (a, b, c) = tokio::join!(
        capture(&app, &admin, input.clone()),
        capture(&app, &admin, input.clone()),
        capture(&app, &admin, input.clone())
    );
    for r in [&a, &b, &c] {
        assert_eq!(r["userErrors"], json!([]), "{r}");
    }
    assert_eq!(a["leadId"], b["leadId"]);
    assert_eq!(b["leadId"], c["leadId"]);
    assert_eq!(lead_count(&app).await, 2);
    let events = leadflow::entity::lead_event::Entity::find()
        .count(&app.server.db)
        .await
        .unwrap();
    assert_eq!(
        events, 2,
        "one capture event per lead, none for the replays"
    );
}

#[tokio::test]
async fn captures_arriving_together_are_each_written_once_or_refused_alone() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // Forty captures at once: on SQLite they share transactions (group commit), so a
    // refused one must take back only its own writes, and retries of one key in the
    // same group must still make one lead.
    let mut inputs = Vec::new();
    for i in 0..24 {
        inputs.push(json!({ "personName": format!("并发客户{i}"), "email": format!("burst{i}@example.cn") }));
    }
    for _ in 0..8 {
        inputs.push(json!({ "personName": "周芷若", "phone": "13700001111", "idempotencyKey": "together-1" }));
    }
    for i in 0..8 {
        inputs.push(json!({ "personName": format!("无效活动{i}"), "email": format!("nocampaign{i}@example.cn"),
                            "campaignId": "0190c0de-0000-7000-8000-000000000000" }));
    }
    let answers = futures_util::future::join_all(
        inputs
            .iter()
            .map(|input| capture(&app, &admin, input.clone())),
    )
    .await;

    let mut created = std::collections::HashSet::new();
    for answer in &answers[..24] {
        assert_eq!(answer["userErrors"], json!([]), "{answer}");
        assert_eq!(answer["outcome"], "CREATED", "{answer}");
        assert!(created.insert(answer["leadId"].clone()), "{answer}");
    }
    let keyed = &answers[24..32];
    for answer in keyed {
        assert_eq!(answer["userErrors"], json!([]), "{answer}");
        assert_eq!(answer["leadId"], keyed[0]["leadId"], "one lead for one key");
    }
    assert_eq!(
        keyed.iter().filter(|a| a["replayed"] == false).count(),
        1,
        "the first is written, the rest are answered from it"
    );
    for answer in &answers[32..] {
        assert!(answer["leadId"].is_null(), "{answer}");
        assert_eq!(answer["userErrors"][0]["field"], "campaignId", "{answer}");
        assert_eq!(answer["userErrors"][0]["code"], "NOT_FOUND", "{answer}");
    }

    assert_eq!(lead_count(&app).await, 25);
    let events = leadflow::entity::lead_event::Entity::find()
        .filter(leadflow::entity::lead_event::Column::Kind.eq("captured"))
        .count(&app.server.db)
        .await
        .unwrap();
    assert_eq!(
        events, 25,
        "one capture event per lead, none for refusals or replays"
    );
    let refused = lead::Entity::find()
        .filter(lead::Column::Email.like("nocampaign%"))
        .count(&app.server.db)
        .await
        .unwrap();
    assert_eq!(refused, 0, "a refused capture leaves nothing behind");
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let cases = [
        (
            json!({ "personName": "A", "email": "not-an-email" }),
            "email",
            "INVALID",
        ),
        (
            json!({ "personName": "A", "phone": "12345" }),
            "phone",
            "INVALID",
        ),
        (json!({ "personName": "A" }), "email", "REQUIRED"),
        (
            json!({ "personName": "  ", "email": "a@example.com" }),
            "personName",
            "REQUIRED",
        ),
        (
            json!({ "personName": "A", "email": "a@example.com", "companySize": 0 }),
            "companySize",
            "INVALID",
        ),
        (
            json!({ "personName": "A", "email": "a@example.com", "customFields": [1, 2] }),
            "customFields",
            "INVALID",
        ),
        (
            json!({ "personName": "A", "email": "a@example.com", "campaignId": uuid::Uuid::now_v7().to_string() }),
            "campaignId",
            "NOT_FOUND",
        ),
    ];
    for (input, field, code) in cases {
        let got = capture(&app, &admin, input.clone()).await;
        assert!(got["leadId"].is_null(), "{input}");
        assert_eq!(got["userErrors"][0]["field"], field, "{input} -> {got}");
        assert_eq!(got["userErrors"][0]["code"], code, "{input}");
    }
    assert_eq!(lead_count(&app).await, 0);
}

#[tokio::test]
async fn api_keys_capture_with_scope_and_see_only_what_they_may() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let key = |scopes: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let body = app
                .gql(
                    Some(&admin),
                    "mutation($s: [ApiScope!]!) { apiKeyCreate(input: { name: \"site\", scopes: $s }) { secret } }",
                    json!({ "s": scopes }),
                )
                .await;
            body["data"]["apiKeyCreate"]["secret"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let capture_only = key(json!(["CAPTURE"])).await;
    let read_only = key(json!(["LEADS_READ"])).await;

    let got = capture(
        &app,
        &capture_only,
        json!({ "personName": "刘洋", "email": "ly@example.cn", "source": "WEB_FORM" }),
    )
    .await;
    assert_eq!(got["outcome"], "CREATED");
    assert!(got["leadId"].is_string());
    assert!(
        got["lead"].is_null(),
        "a capture-only key cannot read leads back"
    );
    let again = capture(
        &app,
        &capture_only,
        json!({ "personName": "刘洋", "email": "LY@example.cn", "title": "CEO" }),
    )
    .await;
    assert_eq!(again["outcome"], "MERGED");
    assert!(
        again["lead"].is_null(),
        "nor learn what an existing lead holds"
    );

    let denied = app
        .gql(Some(&capture_only), "{ leads { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&denied), "FORBIDDEN");
    let denied = app
        .gql(
            Some(&read_only),
            CAPTURE,
            json!({ "input": { "personName": "x", "email": "x@example.cn" } }),
        )
        .await;
    assert_eq!(error_code(&denied), "FORBIDDEN");
    let listed = app
        .gql(
            Some(&read_only),
            "{ leads { totalCount edges { node { source } } } }",
            json!({}),
        )
        .await;
    assert_eq!(listed["data"]["leads"]["totalCount"], 1);
    assert_eq!(
        listed["data"]["leads"]["edges"][0]["node"]["source"],
        "WEB_FORM"
    );
}

#[tokio::test]
async fn reps_see_their_own_leads_and_the_pool_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let rep_a = app.create_user(&admin, "a@example.com", "REP", None).await;
    let rep_b = app.create_user(&admin, "b@example.com", "REP", None).await;
    let mut ids = Vec::new();
    for (i, owner) in [Some(&rep_a), Some(&rep_b), None].into_iter().enumerate() {
        let got = capture(
            &app,
            &admin,
            json!({ "personName": format!("客户{i}"), "email": format!("c{i}@example.cn") }),
        )
        .await;
        let id: uuid::Uuid = got["leadId"].as_str().unwrap().parse().unwrap();
        if let Some(owner) = owner {
            let row = lead::Entity::find_by_id(id)
                .one(&app.server.db)
                .await
                .unwrap()
                .unwrap();
            let mut row = row.into_active_model();
            row.owner_id = Set(Some(owner.parse().unwrap()));
            row.update(&app.server.db).await.unwrap();
        }
        ids.push(id.to_string());
    }
    let token = app.login("a@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let list = app
        .gql(
            Some(&token),
            "{ leads { totalCount edges { node { personName } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = list["data"]["leads"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["personName"].as_str().unwrap())
        .collect();
    assert_eq!(list["data"]["leads"]["totalCount"], 2);
    assert!(
        names.contains(&"客户0") && names.contains(&"客户2"),
        "{names:?}"
    );
    // Another rep's lead is simply not there.
    let other = app
        .gql(
            Some(&token),
            "query($id: ID!) { lead(id: $id) { id } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert!(other["errors"].is_null());
    assert!(other["data"]["lead"].is_null());
    let pool = app
        .gql(
            Some(&token),
            "{ leads(filter: { pool: true }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(pool["data"]["leads"]["totalCount"], 1);
}
