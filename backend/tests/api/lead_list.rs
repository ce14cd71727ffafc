//! The lead list: cursor paging in every sort order, totals, last activity, and bulk
//! stage moves checked against the lifecycle.

use std::collections::HashSet;

use leadflow::domain::demo;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};

const PAGE: &str = "query($after: String, $sort: LeadSort, $filter: LeadFilter) {
    leads(first: 37, after: $after, sort: $sort, filter: $filter) {
      edges { cursor node { id totalScore createdAt updatedAt lastActivityAt } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
      totalCount } }";

/// Every page of the list in `sort` order.
async fn walk(app: &TestApp, token: &str, sort: &str, filter: Value) -> (Vec<Value>, i64) {
    let mut after = Value::Null;
    let mut all = Vec::new();
    let mut total = None;
    loop {
        let body = app
            .gql(
                Some(token),
                PAGE,
                json!({ "after": after, "sort": sort, "filter": filter }),
            )
            .await;
        let leads = &body["data"]["leads"];
        assert!(leads.is_object(), "{body}");
        let count = leads["totalCount"].as_i64().unwrap();
        assert_eq!(*total.get_or_insert(count), count, "the total is stable");
        assert_eq!(
            leads["pageInfo"]["hasPreviousPage"],
            !all.is_empty(),
            "{sort}"
        );
        all.extend(
            leads["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if leads["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = leads["pageInfo"]["endCursor"].clone();
    }
    (all, total.unwrap())
}

#[tokio::test]
async fn every_sort_pages_through_every_lead_once_in_order() {
    let app = spawn_app().await;
    demo::load(&app.server.db).await.expect("demo loads");
    let admin = app.login(demo::DEMO_ADMIN_EMAIL, demo::DEMO_PASSWORD).await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let key = |l: &Value, f: &str| l[f].as_str().unwrap().to_string();
    for sort in [
        "SCORE_DESC",
        "CREATED_DESC",
        "CREATED_ASC",
        "UPDATED_DESC",
        "LAST_ACTIVITY_DESC",
    ] {
        let (leads, total) = walk(&app, &admin, sort, json!({})).await;
        assert_eq!(leads.len() as i64, total, "{sort}");
        assert!(total >= 300, "the demo has a few hundred leads");
        let ids: HashSet<String> = leads.iter().map(|l| key(l, "id")).collect();
        assert_eq!(ids.len(), leads.len(), "{sort}: no lead twice");
        for pair in leads.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let ordered = match sort {
                "SCORE_DESC" => {
                    let (sa, sb) = (a["totalScore"].as_i64(), b["totalScore"].as_i64());
                    sa > sb || (sa == sb && key(a, "createdAt") >= key(b, "createdAt"))
                }
                "CREATED_DESC" => key(a, "createdAt") >= key(b, "createdAt"),
                "CREATED_ASC" => key(a, "createdAt") <= key(b, "createdAt"),
                "UPDATED_DESC" => key(a, "updatedAt") >= key(b, "updatedAt"),
                _ => key(a, "lastActivityAt") >= key(b, "lastActivityAt"),
            };
            assert!(ordered, "{sort}: {a} before {b}");
        }
    }

    // Filters page the same way, and the total follows the filter.
    let (mql, total) = walk(&app, &admin, "SCORE_DESC", json!({ "stages": ["MQL"] })).await;
    assert_eq!(mql.len() as i64, total);
    assert!(total > 0);

    let bad = app
        .gql(
            Some(&admin),
            PAGE,
            json!({ "after": "bm90LWEtY3Vyc29y", "sort": "SCORE_DESC" }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&bad), "BAD_REQUEST");
}

#[tokio::test]
async fn logging_a_call_makes_a_lead_the_most_recently_active() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = app
            .gql(
                Some(&admin),
                "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId } }",
                json!({ "input": { "personName": format!("活跃{i}"), "email": format!("a{i}@example.cn") } }),
            )
            .await;
        ids.push(
            body["data"]["leadCapture"]["leadId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let logged = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { leadLogActivity(input: { leadId: $id, kind: CALL, outcome: CONNECTED }) { userErrors { field } } }",
            json!({ "id": ids[0] }),
        )
        .await;
    assert_eq!(
        logged["data"]["leadLogActivity"]["userErrors"],
        json!([]),
        "{logged}"
    );
    let (leads, _) = walk(&app, &admin, "LAST_ACTIVITY_DESC", json!({})).await;
    assert_eq!(leads[0]["id"], ids[0]);
    assert_eq!(leads[1]["id"], ids[2]);
}

const MOVE: &str = "mutation($input: LeadsMoveStageInput!) { leadsMoveStage(input: $input) {
    leads { id stage lostReason version timeline(first: 5) { kind data } } userErrors { field code message } } }";

#[tokio::test]
async fn bulk_stage_moves_follow_the_lifecycle_all_or_none() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = app
            .gql(
                Some(&admin),
                "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId } }",
                json!({ "input": { "personName": format!("阶段{i}"), "email": format!("s{i}@example.cn") } }),
            )
            .await;
        ids.push(
            body["data"]["leadCapture"]["leadId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let body = app
        .gql(
            Some(&admin),
            MOVE,
            json!({ "input": { "leadIds": ids, "stage": "MQL" } }),
        )
        .await;
    let moved = body["data"]["leadsMoveStage"]["leads"].as_array().unwrap();
    assert_eq!(moved.len(), 3, "{body}");
    for l in moved {
        assert_eq!(l["stage"], "MQL");
        assert_eq!(l["version"], 2);
        let event = l["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["kind"] == "stage_changed")
            .expect("the move is on the timeline");
        assert_eq!(event["data"]["from"], "lead");
        assert_eq!(event["data"]["to"], "mql");
    }

    // Losing needs a reason.
    let body = app
        .gql(
            Some(&admin),
            MOVE,
            json!({ "input": { "leadIds": [ids[0]], "stage": "LOST" } }),
        )
        .await;
    assert_eq!(
        body["data"]["leadsMoveStage"]["userErrors"][0],
        json!({ "field": "lostReason", "code": "REQUIRED", "message": "say why the lead was lost" })
    );
    let body = app
        .gql(
            Some(&admin),
            MOVE,
            json!({ "input": { "leadIds": [ids[0]], "stage": "LOST", "lostReason": "没有预算" } }),
        )
        .await;
    assert_eq!(
        body["data"]["leadsMoveStage"]["leads"][0]["lostReason"],
        "没有预算"
    );

    // One lead the machine refuses (LOST → SQL) refuses the whole selection.
    let body = app
        .gql(
            Some(&admin),
            MOVE,
            json!({ "input": { "leadIds": ids, "stage": "SQL" } }),
        )
        .await;
    let error = &body["data"]["leadsMoveStage"]["userErrors"][0];
    assert_eq!(error["field"], "stage", "{body}");
    assert!(
        error["message"].as_str().unwrap().contains("阶段0"),
        "the refused lead is named: {error}"
    );
    for id in &ids[1..] {
        let lead = app
            .gql(
                Some(&admin),
                "query($id: ID!) { lead(id: $id) { stage } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(lead["data"]["lead"]["stage"], "MQL", "nothing half-written");
    }

    // Opportunities are opened from the lead, not by a bulk move.
    let body = app
        .gql(
            Some(&admin),
            MOVE,
            json!({ "input": { "leadIds": [ids[1]], "stage": "OPPORTUNITY" } }),
        )
        .await;
    assert_eq!(
        body["data"]["leadsMoveStage"]["userErrors"][0]["field"],
        "stage"
    );
}

async fn search(app: &TestApp, token: &str, term: &str) -> Vec<String> {
    let body = app
        .gql(
            Some(token),
            "query($s: String) { leads(first: 50, filter: { search: $s }) { totalCount edges { node { personName } } } }",
            json!({ "s": term }),
        )
        .await;
    let leads = &body["data"]["leads"];
    let mut names: Vec<String> = leads["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["personName"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(leads["totalCount"].as_u64().unwrap() as usize, names.len());
    names.sort();
    names
}

#[tokio::test]
async fn free_text_search_finds_fragments_of_name_company_email_and_phone_and_follows_edits() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let capture = |input: Value| {
        let (app, admin) = (&app, &admin);
        async move {
            let body = app
                .gql(
                    Some(admin),
                    "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId lead { version } } }",
                    json!({ "input": input }),
                )
                .await;
            (
                body["data"]["leadCapture"]["leadId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                body["data"]["leadCapture"]["lead"]["version"]
                    .as_i64()
                    .unwrap(),
            )
        }
    };
    let (zhang, zhang_version) = capture(json!({
        "personName": "张伟", "company": "杭州云帆科技有限公司",
        "email": "Zhang.Wei@YunFan.cn", "phone": "138 0013 8000"
    }))
    .await;
    capture(json!({ "personName": "Alice Smith", "company": "Acme Robotics Inc.", "email": "alice@acme.io" }))
        .await;
    capture(
        json!({ "personName": "王芳", "company": "上海云帆物流", "phone": "+86 139 1234 5678" }),
    )
    .await;

    // Fragments of three characters or more, any case, inside any field.
    assert_eq!(search(&app, &admin, "云帆科技").await, vec!["张伟"]);
    assert_eq!(search(&app, &admin, "云帆").await, vec!["张伟", "王芳"]);
    assert_eq!(search(&app, &admin, "YUNFAN.CN").await, vec!["张伟"]);
    assert_eq!(search(&app, &admin, "robot").await, vec!["Alice Smith"]);
    assert_eq!(search(&app, &admin, "0013 8000").await, vec!["张伟"]);
    assert_eq!(search(&app, &admin, "1234").await, vec!["王芳"]);
    // Short terms and characters that mean something to SQL or the index.
    assert_eq!(search(&app, &admin, "王").await, vec!["王芳"]);
    assert!(search(&app, &admin, "100%").await.is_empty());
    assert!(search(&app, &admin, "\"云帆\" OR x").await.is_empty());

    // An edit is searchable at once; the old company is not.
    let edited = app
        .gql(
            Some(&admin),
            "mutation($id: ID!, $v: Int!) { leadUpdate(input: { id: $id, version: $v, company: \"北京星河传媒\" }) { userErrors { message } } }",
            json!({ "id": zhang, "v": zhang_version }),
        )
        .await;
    assert_eq!(
        edited["data"]["leadUpdate"]["userErrors"],
        json!([]),
        "{edited}"
    );
    assert_eq!(search(&app, &admin, "星河传媒").await, vec!["张伟"]);
    assert_eq!(search(&app, &admin, "云帆").await, vec!["王芳"]);
}

/// A term that matches more leads than a search counts (here a cap of 3, 10,000 in
/// production) still lists every match in order, says its count is capped, and exports
/// every match; a rarer term still counts exactly, for reps too.
#[tokio::test]
async fn a_search_matching_many_leads_caps_its_count_but_lists_and_exports_every_match() {
    let app = crate::helpers::spawn_app_with(|c| c.search_count_cap = 3).await;
    let admin = app.admin_token().await;
    let rep = app
        .create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let rep_token = app.user_token("rep@example.com").await;
    let mut ids = Vec::new();
    for (i, name) in ["赵一", "钱二", "孙三", "李四", "周五", "吴六"]
        .iter()
        .enumerate()
    {
        let id = app
            .capture_lead(
                &admin,
                json!({ "personName": name, "company": format!("深圳鑫源电子{i}号有限公司"),
                        "email": format!("buyer{i}@xinyuan.cn") }),
            )
            .await;
        ids.push(id);
    }
    app.capture_lead(
        &admin,
        json!({ "personName": "Alice Smith", "company": "Acme Robotics Inc.", "email": "alice@acme.io" }),
    )
    .await;
    // Two of the matches become the rep's; the rest stay in the pool.
    let assigned = app
        .gql(
            Some(&admin),
            "mutation($ids: [ID!]!, $o: ID) { leadsAssign(input: { leadIds: $ids, ownerId: $o }) { userErrors { message } } }",
            json!({ "ids": [ids[0], ids[1]], "o": rep }),
        )
        .await;
    assert_eq!(
        assigned["data"]["leadsAssign"]["userErrors"],
        json!([]),
        "{assigned}"
    );

    let listed = |token: String, term: &'static str| {
        let app = &app;
        async move {
            let body = app
                .gql(
                    Some(&token),
                    "query($s: String) { leads(first: 50, filter: { search: $s }) {
                        totalCount totalCountExact edges { node { personName } } } }",
                    json!({ "s": term }),
                )
                .await;
            let leads = &body["data"]["leads"];
            let names = leads["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .len();
            (
                names,
                leads["totalCount"].as_i64().unwrap(),
                leads["totalCountExact"].as_bool().unwrap(),
            )
        }
    };
    // Indexed (3+ characters) and short terms, each matching all six.
    for term in ["鑫源电子", "鑫源", "xinyuan"] {
        assert_eq!(listed(admin.clone(), term).await, (6, 3, false), "{term}");
    }
    // Rare terms count exactly.
    assert_eq!(listed(admin.clone(), "3号").await, (1, 1, true));
    assert_eq!(listed(admin.clone(), "robot").await, (1, 1, true));
    // A rep sees the pool and their own: all six, still capped.
    assert_eq!(listed(rep_token.clone(), "鑫源电子").await, (6, 3, false));

    // The export is not capped: every match, once.
    let csv = app
        .client
        .get(app.url("/leads/export.csv?search=%E9%91%AB%E6%BA%90"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.matches("xinyuan.cn").count(), 6, "{csv}");
    assert!(!csv.contains("Acme"), "{csv}");
}
