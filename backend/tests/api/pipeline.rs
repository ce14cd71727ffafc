//! The sales pipeline as reps and managers use it: qualify (BANT), convert an SQL,
//! move the deal across the board, win or lose it.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::routing::{next_event, subscribe};

const MOVE_LEADS: &str = "mutation($ids: [ID!]!, $stage: LeadStage!, $reason: String) {
    leadsMoveStage(input: { leadIds: $ids, stage: $stage, lostReason: $reason }) {
      leads { stage version } userErrors { field message code } } }";
const CONVERT: &str = "mutation($input: LeadConvertInput!) { leadConvert(input: $input) {
    opportunity { id name amount weightedAmount currency version stage { id name } }
    lead { stage version } userErrors { field message code } } }";
const MOVE: &str = "mutation($input: OpportunityMoveInput!) { opportunityMove(input: $input) {
    opportunity { id version stage { name kind } lostReason closedAt } userErrors { field message code } } }";
const BOARD: &str =
    "query($filter: BoardFilter, $per: Int) { pipelineBoard(filter: $filter, perColumn: $per) {
    pipeline { id name stages { id name probability kind } }
    columns { stage { name } count amount weightedAmount hasMore cards { id cursor name } }
    openAmount openWeightedAmount } }";

async fn capture(app: &TestApp, token: &str, name: &str, company: &str) -> String {
    let email = format!("{}@example.cn", uuid::Uuid::new_v4().simple());
    app.capture_lead(
        token,
        json!({ "personName": name, "company": company, "email": email }),
    )
    .await
}

/// Captures a lead and qualifies it to SQL; gives its id and version.
async fn sql_lead(app: &TestApp, token: &str, name: &str, company: &str) -> (String, i64) {
    let id = capture(app, token, name, company).await;
    let moved = app
        .gql(
            Some(token),
            MOVE_LEADS,
            json!({ "ids": [id], "stage": "SQL" }),
        )
        .await;
    let leads = &moved["data"]["leadsMoveStage"];
    assert_eq!(leads["userErrors"], json!([]), "{moved}");
    (id, leads["leads"][0]["version"].as_i64().unwrap())
}

async fn convert(app: &TestApp, token: &str, lead: &str, version: i64, amount: &str) -> Value {
    app.gql(
        Some(token),
        CONVERT,
        json!({ "input": { "leadId": lead, "leadVersion": version, "amount": amount, "expectedCloseOn": "2026-12-20" } }),
    )
    .await["data"]["leadConvert"]
        .clone()
}

fn stage_id(board: &Value, name: &str) -> String {
    board["data"]["pipelineBoard"]["pipeline"]["stages"]
        .as_array()
        .unwrap_or_else(|| panic!("{board}"))
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("stage {name}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn move_deal(
    app: &TestApp,
    token: &str,
    id: &str,
    stage: &str,
    version: i64,
    reason: Option<&str>,
) -> Value {
    app.gql(
        Some(token),
        MOVE,
        json!({ "input": { "id": id, "stageId": stage, "version": version, "lostReason": reason } }),
    )
    .await["data"]["opportunityMove"]
        .clone()
}

#[tokio::test]
async fn an_sql_becomes_a_deal_that_moves_across_the_board_and_is_won() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (lead, version) = sql_lead(&app, &admin, "张伟", "杭州云帆科技有限公司").await;

    let converted = convert(&app, &admin, &lead, version, "180,000").await;
    assert_eq!(converted["userErrors"], json!([]), "{converted}");
    let deal = &converted["opportunity"];
    assert_eq!(deal["name"], "杭州云帆科技有限公司");
    assert_eq!(deal["amount"], "180000.00");
    assert_eq!(deal["currency"], "CNY");
    assert_eq!(deal["stage"]["name"], "初步接洽");
    assert_eq!(deal["weightedAmount"], "18000.00");
    assert_eq!(converted["lead"]["stage"], "OPPORTUNITY");
    let deal_id = deal["id"].as_str().unwrap().to_string();

    // Converting twice is refused: the lead is no longer an SQL.
    let again = convert(&app, &admin, &lead, version + 1, "1").await;
    assert!(
        again["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("only an SQL")),
        "{again}"
    );

    let board = app.gql(Some(&admin), BOARD, json!({})).await;
    let columns = &board["data"]["pipelineBoard"]["columns"];
    assert_eq!(columns.as_array().unwrap().len(), 6);
    assert_eq!(columns[0]["count"], 1);
    assert_eq!(columns[0]["amount"], "180000.00");
    assert_eq!(columns[0]["weightedAmount"], "18000.00");
    assert_eq!(columns[0]["cards"][0]["id"], deal_id.as_str());
    assert_eq!(
        board["data"]["pipelineBoard"]["openWeightedAmount"],
        "18000.00"
    );

    let demo = stage_id(&board, "方案演示");
    let moved = move_deal(&app, &admin, &deal_id, &demo, 1, None).await;
    assert_eq!(moved["userErrors"], json!([]), "{moved}");
    assert_eq!(moved["opportunity"]["version"], 2);
    // A move made on the old version sees where the card is now.
    let stale = move_deal(&app, &admin, &deal_id, &stage_id(&board, "报价"), 1, None).await;
    assert_eq!(stale["userErrors"][0]["code"], "CONFLICT");
    assert!(stale["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("方案演示"));

    let won = move_deal(&app, &admin, &deal_id, &stage_id(&board, "赢单"), 2, None).await;
    assert_eq!(won["userErrors"], json!([]), "{won}");
    assert_eq!(won["opportunity"]["stage"]["kind"], "WON");
    assert!(won["opportunity"]["closedAt"].is_string());
    let lead_now = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { stage opportunities { stage { name } } timeline(first: 20) { kind } } }",
            json!({ "id": lead }),
        )
        .await;
    assert_eq!(lead_now["data"]["lead"]["stage"], "CUSTOMER");
    assert_eq!(
        lead_now["data"]["lead"]["opportunities"][0]["stage"]["name"],
        "赢单"
    );
    let kinds: Vec<&str> = lead_now["data"]["lead"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"won") && kinds.contains(&"opportunity_moved"),
        "{kinds:?}"
    );
    // The customer: an account for the company and the person as its contact.
    use leadflow::entity::{account, contact};
    assert_eq!(
        account::Entity::find().count(&app.server.db).await.unwrap(),
        1
    );
    assert_eq!(
        contact::Entity::find().count(&app.server.db).await.unwrap(),
        1
    );

    // A closed deal stays closed.
    let reopened = move_deal(&app, &admin, &deal_id, &demo, 3, None).await;
    assert!(reopened["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("closed"));
}

#[tokio::test]
async fn losing_needs_a_listed_reason_and_bad_amounts_and_unqualified_leads_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (lead, version) = sql_lead(&app, &admin, "李娜", "上海星河传媒").await;
    for (amount, expect) in [("-5", "not an amount"), ("99999999999999", "large")] {
        let refused = convert(&app, &admin, &lead, version, amount).await;
        assert_eq!(refused["userErrors"][0]["field"], "amount", "{refused}");
        assert!(
            refused["userErrors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(expect),
            "{refused}"
        );
    }
    let deal = convert(&app, &admin, &lead, version, "50000").await;
    let deal_id = deal["opportunity"]["id"].as_str().unwrap().to_string();
    let board = app.gql(Some(&admin), BOARD, json!({})).await;
    let lost = stage_id(&board, "输单");
    let no_reason = move_deal(&app, &admin, &deal_id, &lost, 1, None).await;
    assert_eq!(no_reason["userErrors"][0]["field"], "lostReason");
    let unlisted = move_deal(&app, &admin, &deal_id, &lost, 1, Some("心情不好")).await;
    assert_eq!(unlisted["userErrors"][0]["code"], "INVALID");
    let ok = move_deal(&app, &admin, &deal_id, &lost, 1, Some("价格太高")).await;
    assert_eq!(ok["userErrors"], json!([]), "{ok}");
    assert_eq!(ok["opportunity"]["lostReason"], "价格太高");
    let l = app
        .gql(
            Some(&admin),
            "query($id: ID!) { lead(id: $id) { stage lostReason } }",
            json!({ "id": lead }),
        )
        .await;
    assert_eq!(l["data"]["lead"]["stage"], "LOST");
    assert_eq!(l["data"]["lead"]["lostReason"], "价格太高");
    // A lost lead is recycled back into nurture, and re-enters the funnel from there.
    for (stage, expect) in [("SQL", false), ("RECYCLED", true), ("MQL", true)] {
        let moved = app
            .gql(
                Some(&admin),
                MOVE_LEADS,
                json!({ "ids": [lead], "stage": stage }),
            )
            .await;
        assert_eq!(
            moved["data"]["leadsMoveStage"]["userErrors"] == json!([]),
            expect,
            "{stage}: {moved}"
        );
    }

    // A lead that is not an SQL does not convert.
    let fresh = capture(&app, &admin, "王芳", "北京").await;
    let refused = convert(&app, &admin, &fresh, 1, "100").await;
    assert!(refused["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("only an SQL"));

    // With BANT required, SQL waits for all four answers.
    let saved = app
        .gql(
            Some(&admin),
            "mutation { lifecycleSettingsSave(input: { bantRequired: true, lostReasons: [\"价格太高\", \"没有预算\"] }) { settings { bantRequired lostReasons } userErrors { message } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        saved["data"]["lifecycleSettingsSave"]["settings"]["bantRequired"], true,
        "{saved}"
    );
    let gated = app
        .gql(
            Some(&admin),
            MOVE_LEADS,
            json!({ "ids": [fresh], "stage": "SQL" }),
        )
        .await;
    let error = &gated["data"]["leadsMoveStage"]["userErrors"][0];
    assert_eq!(error["field"], "bant", "{gated}");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("budget, authority, need, timeline"));
    let bant = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { leadSetBant(input: { leadId: $id, version: 1, budget: \"50 万\", authority: \"IT 总监\", need: \"替换旧系统\", timeline: \"本季度\" }) { lead { bant { complete } } userErrors { message } } }",
            json!({ "id": fresh }),
        )
        .await;
    assert_eq!(
        bant["data"]["leadSetBant"]["lead"]["bant"]["complete"], true,
        "{bant}"
    );
    let passed = app
        .gql(
            Some(&admin),
            MOVE_LEADS,
            json!({ "ids": [fresh], "stage": "SQL" }),
        )
        .await;
    assert_eq!(
        passed["data"]["leadsMoveStage"]["userErrors"],
        json!([]),
        "{passed}"
    );
}

#[tokio::test]
async fn two_people_moving_one_card_at_once_never_overwrite_each_other() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (lead, version) = sql_lead(&app, &admin, "陈静", "苏州精工").await;
    let deal = convert(&app, &admin, &lead, version, "80000").await;
    let deal_id = deal["opportunity"]["id"].as_str().unwrap().to_string();
    let board = app.gql(Some(&admin), BOARD, json!({})).await;
    let (a, b) = (stage_id(&board, "方案演示"), stage_id(&board, "报价"));
    let (ra, rb) = tokio::join!(
        move_deal(&app, &admin, &deal_id, &a, 1, None),
        move_deal(&app, &admin, &deal_id, &b, 1, None)
    );
    let ok: Vec<&Value> = [&ra, &rb]
        .into_iter()
        .filter(|r| r["userErrors"] == json!([]))
        .collect();
    assert_eq!(ok.len(), 1, "{ra} {rb}");
    let loser = if ok[0] == &ra { &rb } else { &ra };
    assert_eq!(loser["userErrors"][0]["code"], "CONFLICT", "{loser}");
    let now = app
        .gql(
            Some(&admin),
            "query($id: ID!) { opportunity(id: $id) { version stage { name } } }",
            json!({ "id": deal_id }),
        )
        .await;
    assert_eq!(now["data"]["opportunity"]["version"], 2);
    assert_eq!(
        now["data"]["opportunity"]["stage"]["name"],
        ok[0]["opportunity"]["stage"]["name"]
    );
}

#[tokio::test]
async fn the_board_loads_in_one_request_pages_filters_and_follows_moves_live() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let rep = app.create_user(&admin, "rep@x.cn", "REP", None).await;
    let mut deals = Vec::new();
    for i in 0..7 {
        let (lead, version) =
            sql_lead(&app, &admin, &format!("客户{i}"), &format!("公司{i}")).await;
        let d = convert(&app, &admin, &lead, version, &format!("{}", (i + 1) * 1000)).await;
        deals.push(d["opportunity"]["id"].as_str().unwrap().to_string());
    }
    let board = app.gql(Some(&admin), BOARD, json!({ "per": 3 })).await;
    let first = &board["data"]["pipelineBoard"]["columns"][0];
    assert_eq!(first["count"], 7);
    assert_eq!(first["amount"], "28000.00");
    assert_eq!(first["hasMore"], true);
    assert_eq!(first["cards"].as_array().unwrap().len(), 3);
    let stage = stage_id(&board, "初步接洽");
    let mut seen: Vec<String> = first["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let mut after = first["cards"][2]["cursor"].as_str().unwrap().to_string();
    loop {
        let page = app
            .gql(
                Some(&admin),
                "query($s: ID!, $a: String) { pipelineColumn(stageId: $s, after: $a, first: 3) { id cursor } }",
                json!({ "s": stage, "a": after }),
            )
            .await;
        let cards = page["data"]["pipelineColumn"]
            .as_array()
            .unwrap_or_else(|| panic!("{page}"))
            .clone();
        if cards.is_empty() {
            break;
        }
        after = cards.last().unwrap()["cursor"]
            .as_str()
            .unwrap()
            .to_string();
        seen.extend(cards.iter().map(|c| c["id"].as_str().unwrap().to_string()));
    }
    seen.sort();
    let mut all = deals.clone();
    all.sort();
    assert_eq!(seen, all, "every card once");

    // Filters: the rep owns none; close month.
    let mine = app
        .gql(Some(&admin), BOARD, json!({ "filter": { "ownerId": rep } }))
        .await;
    assert_eq!(mine["data"]["pipelineBoard"]["columns"][0]["count"], 0);
    let december = app
        .gql(
            Some(&admin),
            BOARD,
            json!({ "filter": { "closeMonth": "2026-12" } }),
        )
        .await;
    assert_eq!(december["data"]["pipelineBoard"]["columns"][0]["count"], 7);
    let january = app
        .gql(
            Some(&admin),
            BOARD,
            json!({ "filter": { "closeMonth": "2027-01" } }),
        )
        .await;
    assert_eq!(january["data"]["pipelineBoard"]["columns"][0]["count"], 0);

    // Another session watching the board sees the move.
    let pipeline_id = board["data"]["pipelineBoard"]["pipeline"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut watcher = subscribe(
        &app,
        &admin,
        "subscription($p: ID!) { pipelineEvents(pipelineId: $p) { id version stage { name } } }",
        json!({ "p": pipeline_id }),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let moved = move_deal(&app, &admin, &deals[0], &stage_id(&board, "报价"), 1, None).await;
    assert_eq!(moved["userErrors"], json!([]));
    let event = next_event(&mut watcher).await;
    assert_eq!(event["pipelineEvents"]["id"], deals[0].as_str());
    assert_eq!(event["pipelineEvents"]["stage"]["name"], "报价");
    assert_eq!(event["pipelineEvents"]["version"], 2);
}

#[tokio::test]
async fn pipelines_are_configurable_and_checked() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let save = "mutation($input: PipelineSaveInput!) { pipelineSave(input: $input) {
        pipeline { id name stages { id name probability kind } } userErrors { field message code } } }";
    let bad = app
        .gql(
            Some(&admin),
            save,
            json!({ "input": { "name": "渠道", "stages": [
                { "name": "接洽", "probability": 10, "kind": "OPEN" },
                { "name": "接洽", "probability": 20, "kind": "OPEN" },
                { "name": "成交", "probability": 100, "kind": "WON" }
            ] } }),
        )
        .await;
    let errors = bad["data"]["pipelineSave"]["userErrors"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        errors.iter().any(|e| e["field"] == "stages[1].name"),
        "{bad}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("one lost stage")),
        "{bad}"
    );
    let good = app
        .gql(
            Some(&admin),
            save,
            json!({ "input": { "name": "渠道", "stages": [
                { "name": "接洽", "probability": 10, "kind": "OPEN" },
                { "name": "签约", "probability": 100, "kind": "WON" },
                { "name": "流失", "probability": 0, "kind": "LOST" }
            ] } }),
        )
        .await;
    assert_eq!(
        good["data"]["pipelineSave"]["userErrors"],
        json!([]),
        "{good}"
    );
    let list = app
        .gql(
            Some(&admin),
            "{ pipelines { name isDefault stages { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(list["data"]["pipelines"].as_array().unwrap().len(), 2);
    assert_eq!(list["data"]["pipelines"][0]["isDefault"], true);
}

#[tokio::test]
async fn tasks_on_deals_show_in_my_day_and_remind_when_due() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (lead, version) = sql_lead(&app, &admin, "周敏", "宁波港通物流").await;
    let deal = convert(&app, &admin, &lead, version, "30000").await;
    let deal_id = deal["opportunity"]["id"].as_str().unwrap().to_string();
    let create = "mutation($input: TaskCreateInput!) { taskCreate(input: $input) {
        task { id title opportunity { id name } } userErrors { field message } } }";
    let due = chrono::Utc::now() + chrono::Duration::hours(1);
    let call = app
        .gql(
            Some(&admin),
            create,
            json!({ "input": { "leadId": lead, "opportunityId": deal_id, "title": "发报价单", "dueAt": due } }),
        )
        .await;
    assert_eq!(
        call["data"]["taskCreate"]["userErrors"],
        json!([]),
        "{call}"
    );
    assert_eq!(
        call["data"]["taskCreate"]["task"]["opportunity"]["id"],
        deal_id.as_str()
    );
    let done_early = app
        .gql(
            Some(&admin),
            create,
            json!({ "input": { "leadId": lead, "title": "确认预算", "dueAt": due } }),
        )
        .await;
    let done_id = done_early["data"]["taskCreate"]["task"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.gql(
        Some(&admin),
        "mutation($id: ID!) { taskComplete(input: { id: $id }) { userErrors { message } } }",
        json!({ "id": done_id }),
    )
    .await;
    // A deal of another lead is refused.
    let (other, other_version) = sql_lead(&app, &admin, "吴昊", "厦门海川").await;
    let wrong = app
        .gql(
            Some(&admin),
            create,
            json!({ "input": { "leadId": other, "opportunityId": deal_id, "title": "x", "dueAt": due } }),
        )
        .await;
    assert_eq!(
        wrong["data"]["taskCreate"]["userErrors"][0]["field"],
        "opportunityId"
    );
    let _ = other_version;

    let my_day = app
        .gql(
            Some(&admin),
            "{ myTasks { title opportunity { name } } }",
            json!({}),
        )
        .await;
    let titles: Vec<&str> = my_day["data"]["myTasks"]
        .as_array()
        .unwrap_or_else(|| panic!("{my_day}"))
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["发报价单"]);

    // An hour later the open task reminds its assignee, once; the done one does not.
    app.config.clock.advance(chrono::Duration::minutes(61));
    app.server.jobs.wake();
    let mut reminders = Vec::new();
    for _ in 0..250 {
        let notes = app
            .gql(
                Some(&admin),
                "{ notifications(first: 20) { items { kind data } } }",
                json!({}),
            )
            .await;
        reminders = notes["data"]["notifications"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "TASK_DUE")
            .cloned()
            .collect();
        if !reminders.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert_eq!(reminders[0]["data"]["title"], "发报价单");
}
