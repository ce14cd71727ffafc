//! The dashboards, checked against numbers worked out by hand.
//!
//! One small sales month (October 2026) is built through the API: three reps in two
//! set-ups (a team of two under a manager, one rep without a team), two campaigns, nine
//! leads captured, assigned, contacted, qualified, converted, won and lost. The API
//! stamps everything with the wall clock, so the test then pins capture and stage times
//! to a fixed calendar (the same instant on the lead and on its `stage_changed` event)
//! and adds the first-contact SLA clocks; activities are logged through the API with
//! their `occurredAt`. Every expected number below is computed by hand from the table
//! in `build()`.
//!
//! A second test recounts every widget from plain rows (leads, events, deals, clocks)
//! in Rust and compares — on SQLite, and on PostgreSQL with
//! `LEADFLOW_TEST_DATABASE_URL`.

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadflow::entity::{lead, lead_event, lead_sla, opportunity, pipeline_stage, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{error_code, spawn_app, TestApp};

const DAY: i64 = 86_400;

const REPORT: &str = "query($f: AnalyticsFilterInput!) { analytics(filter: $f) {
  userErrors { field message code }
  report {
    from to
    sourceRoi { source metrics { leads mqls sqls opportunities won wonAmount mqlRate sqlRate opportunityRate winRate cost costPerLead roi } }
    campaignRoi { campaignId name channel totalCost totalLeads metrics { leads mqls sqls opportunities won wonAmount cost costPerLead roi } }
    funnel { steps { step count conversionFromPrevious conversionFromStart medianSecondsInStep timedLeads } }
    speedToLead { leads contacted medianSeconds withinFiveMinutes withinOneHour withinFiveMinutesRate withinOneHourRate
      buckets { label minSeconds maxSeconds count }
      breachesByRep { ownerId ownerName teamId teamName clocks breached breachRate }
      breachesByTeam { teamId teamName clocks breached breachRate } }
    conversionCycle { overall { won averageDays medianDays }
      bySource { source stats { won averageDays medianDays } }
      byCompanySize { companySize stats { won averageDays medianDays } } }
    leaderboard { ownerId ownerName teamId teamName leads contacted won wonAmount conversionRate averageResponseSeconds calls emails visits notes }
    lostReasons { lost reasons { reason count share } }
    unitEconomics { marketingCost newCustomers wonAmount cac ltv ltvToCac }
    trend { bucket points { periodStart leads mqls sqls opportunities won wonAmount } }
  } } }";

fn t(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, 0).unwrap()
}

struct Month {
    app: TestApp,
    admin: String,
    ana: String,
    bo: String,
    chen: String,
    manager: String,
    team: String,
    c1: String,
    c2: String,
    /// L1..L9 in the order of the table in `build()`.
    leads: Vec<String>,
}

async fn ok(app: &TestApp, token: &str, query: &str, vars: Value, root: &str) -> Value {
    let body = app.gql(Some(token), query, vars).await;
    assert_eq!(
        body["data"][root]["userErrors"],
        json!([]),
        "{root}: {body}"
    );
    body["data"][root].clone()
}

const MOVE_LEADS: &str = "mutation($ids: [ID!]!, $stage: LeadStage!, $reason: String) {
    leadsMoveStage(input: { leadIds: $ids, stage: $stage, lostReason: $reason }) {
      leads { stage version } userErrors { field message code } } }";

async fn move_lead(app: &TestApp, token: &str, id: &str, stage: &str, reason: Option<&str>) -> i64 {
    let moved = ok(
        app,
        token,
        MOVE_LEADS,
        json!({ "ids": [id], "stage": stage, "reason": reason }),
        "leadsMoveStage",
    )
    .await;
    moved["leads"][0]["version"].as_i64().unwrap()
}

async fn convert(app: &TestApp, token: &str, id: &str, version: i64, amount: &str) -> String {
    let c = ok(
        app,
        token,
        "mutation($input: LeadConvertInput!) { leadConvert(input: $input) {
            opportunity { id } userErrors { field message code } } }",
        json!({ "input": { "leadId": id, "leadVersion": version, "amount": amount } }),
        "leadConvert",
    )
    .await;
    c["opportunity"]["id"].as_str().unwrap().to_string()
}

async fn close_deal(app: &TestApp, token: &str, deal: &str, stage: &str, reason: Option<&str>) {
    ok(
        app,
        token,
        "mutation($input: OpportunityMoveInput!) { opportunityMove(input: $input) {
            opportunity { id } userErrors { field message code } } }",
        json!({ "input": { "id": deal, "stageId": stage, "version": 1, "lostReason": reason } }),
        "opportunityMove",
    )
    .await;
}

async fn activity(app: &TestApp, token: &str, lead: &str, kind: &str, at: DateTime<Utc>) {
    ok(
        app,
        token,
        "mutation($input: LeadLogActivityInput!) { leadLogActivity(input: $input) {
            event { id } userErrors { field message code } } }",
        json!({ "input": { "leadId": lead, "kind": kind, "occurredAt": at.to_rfc3339(),
            "note": (kind == "NOTE").then_some("报价单已发") } }),
        "leadLogActivity",
    )
    .await;
}

/// Pins when a lead was captured and when it first reached each stage, on the lead and
/// on its `stage_changed` events alike.
async fn pin(app: &TestApp, lead_id: &str, created: DateTime<Utc>, stages: &[(&str, i64)]) {
    let db = &app.server.db;
    let id = Uuid::parse_str(lead_id).unwrap();
    lead::Entity::update_many()
        .col_expr(lead::Column::CreatedAt, Expr::value(created))
        .filter(lead::Column::Id.eq(id))
        .exec(db)
        .await
        .unwrap();
    let events = lead_event::Entity::find()
        .filter(lead_event::Column::LeadId.eq(id))
        .filter(lead_event::Column::Kind.eq("stage_changed"))
        .all(db)
        .await
        .unwrap();
    for (stage, after) in stages {
        let at = created + Duration::seconds(*after);
        let col = match *stage {
            "mql" => lead::Column::MqlAt,
            "sql" => lead::Column::SqlAt,
            "opportunity" => lead::Column::OpportunityAt,
            "customer" => lead::Column::WonAt,
            other => panic!("no funnel column for {other}"),
        };
        // The API recorded the arrival; only its time moves.
        let recorded = lead::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        let was = match *stage {
            "mql" => recorded.mql_at,
            "sql" => recorded.sql_at,
            "opportunity" => recorded.opportunity_at,
            _ => recorded.won_at,
        };
        assert!(was.is_some(), "{lead_id} reached {stage} through the API");
        lead::Entity::update_many()
            .col_expr(col, Expr::value(at))
            .filter(lead::Column::Id.eq(id))
            .exec(db)
            .await
            .unwrap();
        for e in events.iter().filter(|e| e.data["to"] == *stage) {
            lead_event::Entity::update_many()
                .col_expr(lead_event::Column::OccurredAt, Expr::value(at))
                .filter(lead_event::Column::Id.eq(e.id))
                .exec(db)
                .await
                .unwrap();
        }
    }
}

async fn clock(
    app: &TestApp,
    lead_id: &str,
    owner: &str,
    state: &str,
    started: DateTime<Utc>,
    met_after: Option<i64>,
) {
    lead_sla::ActiveModel {
        id: Set(Uuid::now_v7()),
        lead_id: Set(Uuid::parse_str(lead_id).unwrap()),
        owner_id: Set(Uuid::parse_str(owner).unwrap()),
        policy_id: Set(None),
        policy_name: Set("首次联系 5 分钟".into()),
        state: Set(state.into()),
        started_at: Set(started),
        remind_at: Set(started + Duration::minutes(5)),
        escalate_at: Set(started + Duration::minutes(15)),
        recycle_at: Set(started + Duration::minutes(60)),
        met_at: Set(met_after.map(|s| started + Duration::seconds(s))),
        updated_at: Set(started),
    }
    .insert(&app.server.db)
    .await
    .unwrap();
}

/// A lead to capture: name, owner, source, campaign, company size, captured at.
type Planned<'a> = (
    &'a str,
    Option<&'a str>,
    &'a str,
    Option<&'a str>,
    Option<i32>,
    DateTime<Utc>,
);

/// The month. Times are UTC; "+1d" is after capture.
///
/// | lead | owner | source / campaign | size | captured | first contact | funnel | end |
/// |---|---|---|---|---|---|---|---|
/// | L1 | ana | PAID_ADS / 百度推广 | 30 | 10-01 09:00 | call +3m | MQL +1d, SQL +3d, opp +5d | won ¥10,000 +15d |
/// | L2 | ana | PAID_ADS / 百度推广 | 120 | 10-02 10:00 | email +30m | MQL +2d, SQL +6d, opp +7d | won ¥20,000 +27d |
/// | L3 | bo | PAID_ADS / 百度推广 | 30 | 10-08 08:00 | visit +2h | MQL +1d | lost 价格太高 |
/// | L4 | bo | EVENT / 秋季展会 | 500 | 10-09 12:00 | call +10m | SQL +2d (no MQL), opp +4d | deal lost 选择了竞争对手 |
/// | L5 | chen | EVENT / 秋季展会 | — | 10-15 15:00 | call +30s | MQL +1d, SQL +2d, opp +3d | won ¥8,000 +9d |
/// | L6 | chen | ORGANIC | — | 10-20 09:00 | — | — | open |
/// | L7 | ana | WEB_FORM | — | 10-21 11:00 | email +26h | — | lost 没有预算 |
/// | L8 | pool | PAID_ADS / 百度推广 | — | 10-25 00:00 | — | — | open |
/// | L9 | ana | PAID_ADS / 百度推广 | — | 09-15 10:00 | call 09-16 | — | open (before the range) |
///
/// Campaigns: 百度推广 ¥1,200 (5 leads in all: ¥240 a lead), 秋季展会 ¥900 (2: ¥450).
/// Other activities: ana a note on L1 (10-01 12:00) and a call on L9 (10-03 10:00).
/// SLA clocks: L1 ana met +3m; L2 ana met +30m (late); L3 bo escalated; L4 bo met
/// +2m; L5 chen recycled; L9 ana reminded (before the range).
async fn build() -> Month {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let manager = app
        .create_user(&admin, "mia@bi.test", "MANAGER", None)
        .await;
    let team = ok(
        &app,
        &admin,
        "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id } userErrors { field code message } } }",
        json!({ "input": { "name": "华东", "managerId": manager } }),
        "teamCreate",
    )
    .await["team"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ana = app
        .create_user(&admin, "ana@bi.test", "REP", Some(&team))
        .await;
    let bo = app
        .create_user(&admin, "bo@bi.test", "REP", Some(&team))
        .await;
    let chen = app.create_user(&admin, "chen@bi.test", "REP", None).await;
    let campaign = |name: &str, channel: &str, cost: &str| json!({ "input": { "name": name, "channel": channel, "cost": cost } });
    let create = "mutation($input: CampaignInput!) { campaignCreate(input: $input) { campaign { id } userErrors { field code message } } }";
    let c1 = ok(
        &app,
        &admin,
        create,
        campaign("百度推广", "PAID_ADS", "1200"),
        "campaignCreate",
    )
    .await["campaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c2 = ok(
        &app,
        &admin,
        create,
        campaign("秋季展会", "EVENT", "900"),
        "campaignCreate",
    )
    .await["campaign"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // (name, owner, source, campaign, size, captured)
    let table: [Planned; 9] = [
        (
            "李一",
            Some(&ana),
            "PAID_ADS",
            Some(&c1),
            Some(30),
            t(10, 1, 9, 0),
        ),
        (
            "王二",
            Some(&ana),
            "PAID_ADS",
            Some(&c1),
            Some(120),
            t(10, 2, 10, 0),
        ),
        (
            "张三",
            Some(&bo),
            "PAID_ADS",
            Some(&c1),
            Some(30),
            t(10, 8, 8, 0),
        ),
        (
            "赵四",
            Some(&bo),
            "EVENT",
            Some(&c2),
            Some(500),
            t(10, 9, 12, 0),
        ),
        (
            "钱五",
            Some(&chen),
            "EVENT",
            Some(&c2),
            None,
            t(10, 15, 15, 0),
        ),
        ("孙六", Some(&chen), "ORGANIC", None, None, t(10, 20, 9, 0)),
        ("周七", Some(&ana), "WEB_FORM", None, None, t(10, 21, 11, 0)),
        ("吴八", None, "PAID_ADS", Some(&c1), None, t(10, 25, 0, 0)),
        (
            "郑九",
            Some(&ana),
            "PAID_ADS",
            Some(&c1),
            None,
            t(9, 15, 10, 0),
        ),
    ];
    let mut leads = Vec::new();
    for (i, (name, owner, source, campaign, size, _)) in table.iter().enumerate() {
        let id = app
            .capture_lead(
                &admin,
                json!({ "personName": name, "email": format!("l{}@month.test", i + 1),
                    "source": source, "campaignId": campaign, "companySize": size }),
            )
            .await;
        if let Some(owner) = owner {
            ok(
                &app,
                &admin,
                "mutation($ids: [ID!]!, $owner: ID) { leadsAssign(input: { leadIds: $ids, ownerId: $owner }) { userErrors { field code message } } }",
                json!({ "ids": [id], "owner": owner }),
                "leadsAssign",
            )
            .await;
        }
        leads.push(id);
    }
    let ana_t = app.user_token("ana@bi.test").await;
    let bo_t = app.user_token("bo@bi.test").await;
    let chen_t = app.user_token("chen@bi.test").await;

    // Activities, at their real times; the first call, email or visit is first contact.
    let at = |i: usize, secs: i64| table[i].5 + Duration::seconds(secs);
    activity(&app, &ana_t, &leads[0], "CALL", at(0, 180)).await;
    activity(&app, &ana_t, &leads[0], "NOTE", t(10, 1, 12, 0)).await;
    activity(&app, &ana_t, &leads[1], "EMAIL", at(1, 1800)).await;
    activity(&app, &bo_t, &leads[2], "VISIT", at(2, 7200)).await;
    activity(&app, &bo_t, &leads[3], "CALL", at(3, 600)).await;
    activity(&app, &chen_t, &leads[4], "CALL", at(4, 30)).await;
    activity(&app, &ana_t, &leads[6], "EMAIL", at(6, 26 * 3600)).await;
    activity(&app, &ana_t, &leads[8], "CALL", t(9, 16, 10, 0)).await;
    activity(&app, &ana_t, &leads[8], "CALL", t(10, 3, 10, 0)).await;

    // The funnel, through the API.
    let board = app
        .gql(
            Some(&admin),
            "{ pipelineBoard(perColumn: 1) { pipeline { stages { id name kind } } } }",
            json!({}),
        )
        .await;
    let stage = |kind: &str| {
        board["data"]["pipelineBoard"]["pipeline"]["stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == kind)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (won, lost) = (stage("WON"), stage("LOST"));
    for (i, amount) in [(0usize, "10000"), (1, "20000"), (4, "8000")] {
        move_lead(&app, &admin, &leads[i], "MQL", None).await;
        let v = move_lead(&app, &admin, &leads[i], "SQL", None).await;
        let deal = convert(&app, &admin, &leads[i], v, amount).await;
        close_deal(&app, &admin, &deal, &won, None).await;
    }
    move_lead(&app, &admin, &leads[2], "MQL", None).await;
    move_lead(&app, &admin, &leads[2], "LOST", Some("价格太高")).await;
    let v = move_lead(&app, &admin, &leads[3], "SQL", None).await;
    let deal = convert(&app, &admin, &leads[3], v, "50000").await;
    close_deal(&app, &admin, &deal, &lost, Some("选择了竞争对手")).await;
    move_lead(&app, &admin, &leads[6], "LOST", Some("没有预算")).await;

    // The calendar.
    let funnel: [&[(&str, i64)]; 9] = [
        &[
            ("mql", DAY),
            ("sql", 3 * DAY),
            ("opportunity", 5 * DAY),
            ("customer", 15 * DAY),
        ],
        &[
            ("mql", 2 * DAY),
            ("sql", 6 * DAY),
            ("opportunity", 7 * DAY),
            ("customer", 27 * DAY),
        ],
        &[("mql", DAY)],
        &[("sql", 2 * DAY), ("opportunity", 4 * DAY)],
        &[
            ("mql", DAY),
            ("sql", 2 * DAY),
            ("opportunity", 3 * DAY),
            ("customer", 9 * DAY),
        ],
        &[],
        &[],
        &[],
        &[],
    ];
    for (i, stages) in funnel.iter().enumerate() {
        pin(&app, &leads[i], table[i].5, stages).await;
    }
    clock(&app, &leads[0], &ana, "met", at(0, 0), Some(180)).await;
    clock(&app, &leads[1], &ana, "met", at(1, 0), Some(1800)).await;
    clock(&app, &leads[2], &bo, "escalated", at(2, 0), None).await;
    clock(&app, &leads[3], &bo, "met", at(3, 0), Some(120)).await;
    clock(&app, &leads[4], &chen, "recycled", at(4, 0), None).await;
    clock(&app, &leads[8], &ana, "reminded", at(8, 0), None).await;

    Month {
        app,
        admin,
        ana,
        bo,
        chen,
        manager,
        team,
        c1,
        c2,
        leads,
    }
}

fn october() -> Value {
    json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z", "utcOffsetMinutes": 480 })
}

async fn report(app: &TestApp, token: &str, filter: Value) -> Value {
    let body = app.gql(Some(token), REPORT, json!({ "f": filter })).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["analytics"]["userErrors"], json!([]), "{body}");
    body["data"]["analytics"]["report"].clone()
}

fn close(v: &Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("a number, got {v}"));
    assert!((got - want).abs() < 1e-6, "{got} != {want}");
}

#[tokio::test]
async fn analytics_dashboards_match_the_hand_counted_month() {
    let m = build().await;
    let r = report(&m.app, &m.admin, october()).await;

    // Source ROI: 百度推广 costs ¥240 a lead (¥1,200 / 5), 秋季展会 ¥450 (¥900 / 2).
    let sources = r["sourceRoi"].as_array().unwrap();
    let names: Vec<&str> = sources
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["PAID_ADS", "EVENT", "ORGANIC", "WEB_FORM"]);
    let paid = &sources[0]["metrics"];
    assert_eq!(
        (
            paid["leads"].clone(),
            paid["mqls"].clone(),
            paid["sqls"].clone(),
            paid["opportunities"].clone(),
            paid["won"].clone()
        ),
        (json!(4), json!(3), json!(2), json!(2), json!(2))
    );
    assert_eq!(paid["wonAmount"], "30000.00");
    assert_eq!(paid["cost"], "960.00");
    assert_eq!(paid["costPerLead"], "240.00");
    close(&paid["mqlRate"], 0.75);
    close(&paid["winRate"], 0.5);
    close(&paid["roi"], (3_000_000.0 - 96_000.0) / 96_000.0);
    let event = &sources[1]["metrics"];
    assert_eq!(
        (
            event["leads"].clone(),
            event["mqls"].clone(),
            event["sqls"].clone(),
            event["won"].clone()
        ),
        (json!(2), json!(2), json!(2), json!(1))
    );
    assert_eq!(event["wonAmount"], "8000.00");
    assert_eq!(event["costPerLead"], "450.00");
    close(&event["roi"], (800_000.0 - 90_000.0) / 90_000.0);
    let organic = &sources[2]["metrics"];
    assert_eq!(organic["leads"], 1);
    assert_eq!(organic["cost"], "0.00");
    assert!(organic["costPerLead"].is_null() && organic["roi"].is_null());

    let campaigns = r["campaignRoi"].as_array().unwrap();
    assert_eq!(campaigns.len(), 2);
    assert_eq!(campaigns[0]["campaignId"], m.c1.as_str());
    assert_eq!(campaigns[0]["name"], "百度推广");
    assert_eq!(campaigns[0]["totalCost"], "1200.00");
    assert_eq!(campaigns[0]["totalLeads"], 5);
    assert_eq!(campaigns[0]["metrics"]["leads"], 4);
    assert_eq!(campaigns[0]["metrics"]["cost"], "960.00");
    assert_eq!(campaigns[1]["campaignId"], m.c2.as_str());
    assert_eq!(campaigns[1]["metrics"]["costPerLead"], "450.00");

    // Funnel: 8 leads, 5 reached MQL (L4 went straight to SQL and counts), 4 SQL, 4
    // opportunities, 3 won. Time in step, in days: lead [1,2,1,2,1] → 1; MQL [2,4,1]
    // → 2; SQL [2,1,2,1] → 1.5; opportunity [10,20,6] → 10.
    let steps = r["funnel"]["steps"].as_array().unwrap();
    let counts: Vec<i64> = steps.iter().map(|s| s["count"].as_i64().unwrap()).collect();
    assert_eq!(counts, [8, 5, 4, 4, 3]);
    assert!(steps[0]["conversionFromPrevious"].is_null());
    close(&steps[1]["conversionFromPrevious"], 5.0 / 8.0);
    close(&steps[2]["conversionFromPrevious"], 0.8);
    close(&steps[3]["conversionFromPrevious"], 1.0);
    close(&steps[4]["conversionFromPrevious"], 0.75);
    close(&steps[4]["conversionFromStart"], 3.0 / 8.0);
    let medians: Vec<Value> = steps
        .iter()
        .map(|s| s["medianSecondsInStep"].clone())
        .collect();
    assert_eq!(
        medians,
        [
            json!(86_400.0),
            json!(172_800.0),
            json!(129_600.0),
            json!(864_000.0),
            Value::Null
        ]
    );
    let timed: Vec<i64> = steps
        .iter()
        .map(|s| s["timedLeads"].as_i64().unwrap())
        .collect();
    assert_eq!(timed, [5, 3, 4, 3, 0]);

    // Speed to lead: contacted after 180, 1800, 7200, 600, 30 and 93,600 seconds.
    let s = &r["speedToLead"];
    assert_eq!(
        (s["leads"].clone(), s["contacted"].clone()),
        (json!(8), json!(6))
    );
    close(&s["medianSeconds"], 1200.0);
    assert_eq!(
        (s["withinFiveMinutes"].clone(), s["withinOneHour"].clone()),
        (json!(2), json!(4))
    );
    close(&s["withinFiveMinutesRate"], 2.0 / 6.0);
    close(&s["withinOneHourRate"], 4.0 / 6.0);
    let bars: Vec<(String, i64)> = s["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["label"].as_str().unwrap().to_string(),
                b["count"].as_i64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, i64)> = [
        ("<1m", 1),
        ("1-5m", 1),
        ("5-15m", 1),
        ("15-60m", 1),
        ("1-4h", 1),
        ("4-24h", 0),
        (">24h", 1),
    ]
    .iter()
    .map(|(l, n)| (l.to_string(), *n))
    .collect();
    assert_eq!(bars, want);
    // Breaches: L2 (met after the reminder), L3 (escalated), L5 (recycled); L9's clock is
    // outside the range.
    let reps: Vec<(String, i64, i64)> = s["breachesByRep"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["ownerName"].as_str().unwrap().to_string(),
                b["clocks"].as_i64().unwrap(),
                b["breached"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reps,
        [
            ("ana".into(), 2, 1),
            ("bo".into(), 2, 1),
            ("chen".into(), 1, 1)
        ]
    );
    let teams = s["breachesByTeam"].as_array().unwrap();
    assert_eq!(teams[0]["teamId"], m.team.as_str());
    assert_eq!(
        (teams[0]["clocks"].clone(), teams[0]["breached"].clone()),
        (json!(4), json!(2))
    );
    assert!(teams[1]["teamId"].is_null());
    assert_eq!(
        (teams[1]["clocks"].clone(), teams[1]["breached"].clone()),
        (json!(1), json!(1))
    );

    // Conversion cycle: won after 15, 27 and 9 days.
    let c = &r["conversionCycle"];
    assert_eq!(
        c["overall"],
        json!({ "won": 3, "averageDays": 17.0, "medianDays": 15.0 })
    );
    assert_eq!(
        c["bySource"],
        json!([
            { "source": "PAID_ADS", "stats": { "won": 2, "averageDays": 21.0, "medianDays": 21.0 } },
            { "source": "EVENT", "stats": { "won": 1, "averageDays": 9.0, "medianDays": 9.0 } }
        ])
    );
    assert_eq!(
        c["byCompanySize"],
        json!([
            { "companySize": "11-50", "stats": { "won": 1, "averageDays": 15.0, "medianDays": 15.0 } },
            { "companySize": "51-200", "stats": { "won": 1, "averageDays": 27.0, "medianDays": 27.0 } },
            { "companySize": "unknown", "stats": { "won": 1, "averageDays": 9.0, "medianDays": 9.0 } }
        ])
    );

    // Leaderboard: ana ¥30,000 (L1, L2 of L1, L2, L7), chen ¥8,000, bo nothing won.
    let board = r["leaderboard"].as_array().unwrap();
    let row = |i: usize| {
        let b = &board[i];
        (
            b["ownerId"].as_str().unwrap().to_string(),
            b["leads"].as_i64().unwrap(),
            b["contacted"].as_i64().unwrap(),
            b["won"].as_i64().unwrap(),
            b["wonAmount"].as_str().unwrap().to_string(),
            [
                b["calls"].as_i64().unwrap(),
                b["emails"].as_i64().unwrap(),
                b["visits"].as_i64().unwrap(),
                b["notes"].as_i64().unwrap(),
            ],
        )
    };
    assert_eq!(board.len(), 3);
    assert_eq!(
        row(0),
        (m.ana.clone(), 3, 3, 2, "30000.00".into(), [2, 2, 0, 1])
    );
    assert_eq!(
        row(1),
        (m.chen.clone(), 2, 1, 1, "8000.00".into(), [1, 0, 0, 0])
    );
    assert_eq!(row(2), (m.bo.clone(), 2, 2, 0, "0.00".into(), [1, 0, 1, 0]));
    close(&board[0]["conversionRate"], 2.0 / 3.0);
    close(
        &board[0]["averageResponseSeconds"],
        (180.0 + 1800.0 + 93_600.0) / 3.0,
    );
    close(&board[2]["averageResponseSeconds"], 3900.0);
    assert_eq!(board[0]["teamName"], "华东");
    assert!(board[1]["teamId"].is_null());

    // Lost reasons: one each.
    let lost = &r["lostReasons"];
    assert_eq!(lost["lost"], 3);
    let mut reasons: Vec<&str> = lost["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    reasons.sort_unstable();
    let mut want = vec!["价格太高", "选择了竞争对手", "没有预算"];
    want.sort_unstable();
    assert_eq!(reasons, want);
    close(&lost["reasons"][0]["share"], 1.0 / 3.0);

    // CAC: ¥1,860 of attributed spend over 3 customers; LTV: ¥38,000 over 3.
    assert_eq!(
        r["unitEconomics"],
        json!({ "marketingCost": "1860.00", "newCustomers": 3, "wonAmount": "38000.00",
                "cac": "620.00", "ltv": "12666.67", "ltvToCac": 1_266_667.0 / 62_000.0 })
    );

    // Weekly trend in China time (UTC+8), weeks from Monday.
    let points: Vec<(String, i64, i64, i64, String)> = r["trend"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["periodStart"].as_str().unwrap().to_string(),
                p["leads"].as_i64().unwrap(),
                p["mqls"].as_i64().unwrap(),
                p["won"].as_i64().unwrap(),
                p["wonAmount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        points,
        [
            ("2026-09-28".into(), 2, 2, 2, "30000.00".into()),
            ("2026-10-05".into(), 2, 2, 0, "0.00".into()),
            ("2026-10-12".into(), 1, 1, 1, "8000.00".into()),
            ("2026-10-19".into(), 3, 0, 0, "0.00".into()),
            ("2026-10-26".into(), 0, 0, 0, "0.00".into()),
        ]
    );
    let mut monthly = october();
    monthly["bucket"] = json!("MONTH");
    let by_month = report(&m.app, &m.admin, monthly).await;
    let months: Vec<(String, i64)> = by_month["trend"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["periodStart"].as_str().unwrap().to_string(),
                p["leads"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(months, [("2026-10-01".into(), 8), ("2026-11-01".into(), 0)]);

    // Filters: one source, one campaign, one team, one owner.
    let mut f = october();
    f["source"] = json!("EVENT");
    assert_eq!(
        report(&m.app, &m.admin, f).await["funnel"]["steps"][0]["count"],
        2
    );
    let mut f = october();
    f["campaignId"] = json!(m.c1);
    let by_campaign = report(&m.app, &m.admin, f).await;
    assert_eq!(by_campaign["funnel"]["steps"][0]["count"], 4);
    assert_eq!(by_campaign["unitEconomics"]["marketingCost"], "960.00");
    let mut f = october();
    f["teamId"] = json!(m.team);
    assert_eq!(
        report(&m.app, &m.admin, f).await["funnel"]["steps"][0]["count"],
        5
    );
    let mut f = october();
    f["ownerId"] = json!(m.chen);
    let chen = report(&m.app, &m.admin, f).await;
    assert_eq!(chen["funnel"]["steps"][0]["count"], 2);
    assert_eq!(chen["leaderboard"].as_array().unwrap().len(), 1);

    // Drill-down: the lead list's `reached` filter gives the funnel's own counts.
    for (step, want) in [("MQL", 5), ("SQL", 4), ("OPPORTUNITY", 4), ("WON", 3)] {
        let list = m
            .app
            .gql(
                Some(&m.admin),
                "query($f: LeadFilter) { leads(filter: $f, first: 50) { totalCount } }",
                json!({ "f": { "createdFrom": "2026-10-01T00:00:00Z", "createdTo": "2026-11-01T00:00:00Z", "reached": step } }),
            )
            .await;
        assert_eq!(list["data"]["leads"]["totalCount"], want, "{step}: {list}");
    }
    let list = m
        .app
        .gql(
            Some(&m.admin),
            "query($f: LeadFilter) { leads(filter: $f, first: 50) { totalCount } }",
            json!({ "f": { "createdFrom": "2026-10-01T00:00:00Z", "createdTo": "2026-11-01T00:00:00Z",
                "teamId": m.team, "stages": ["LOST"], "lostReason": "价格太高" } }),
        )
        .await;
    assert_eq!(list["data"]["leads"]["totalCount"], 1, "{list}");
}

#[tokio::test]
async fn analytics_are_scoped_by_role_and_refuse_bad_input() {
    let m = build().await;
    let app = &m.app;
    // A rep sees their own leads only: ana owns L1, L2, L7 (L9 is before the range).
    let ana_t = app.user_token("ana@bi.test").await;
    let mine = report(app, &ana_t, october()).await;
    let counts: Vec<i64> = mine["funnel"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [3, 2, 2, 2, 2]);
    let board = mine["leaderboard"].as_array().unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0]["ownerId"], m.ana.as_str());
    assert_eq!(
        mine["speedToLead"]["breachesByRep"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // ... and may not look at a colleague.
    let mut f = october();
    f["ownerId"] = json!(m.bo);
    let refused = app.gql(Some(&ana_t), REPORT, json!({ "f": f })).await;
    assert_eq!(
        refused["data"]["analytics"]["userErrors"][0]["field"],
        "ownerId"
    );
    assert_eq!(
        refused["data"]["analytics"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert!(refused["data"]["analytics"]["report"].is_null());

    // The manager sees the team (ana and bo): L1, L2, L3, L4, L7 — not chen's, not the pool.
    let mia_t = app.user_token("mia@bi.test").await;
    let team = report(app, &mia_t, october()).await;
    assert_eq!(team["funnel"]["steps"][0]["count"], 5);
    let mut owners: Vec<&str> = team["leaderboard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ownerId"].as_str().unwrap())
        .collect();
    owners.sort_unstable();
    let mut want = vec![m.ana.as_str(), m.bo.as_str()];
    want.sort_unstable();
    assert_eq!(owners, want);
    let _ = &m.manager;

    // Bad input is a userError, never a hung or failed query.
    let cases = [
        (
            json!({ "from": "2026-11-01T00:00:00Z", "to": "2026-10-01T00:00:00Z" }),
            "to",
            "INVALID",
        ),
        (
            json!({ "from": "2010-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z" }),
            "to",
            "INVALID",
        ),
        (
            json!({ "from": "2024-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z", "bucket": "DAY" }),
            "bucket",
            "INVALID",
        ),
        (
            json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z", "utcOffsetMinutes": 2000 }),
            "utcOffsetMinutes",
            "INVALID",
        ),
        (
            json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z", "teamId": Uuid::now_v7() }),
            "teamId",
            "NOT_FOUND",
        ),
        (
            json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z", "ownerId": Uuid::now_v7() }),
            "ownerId",
            "NOT_FOUND",
        ),
        (
            json!({ "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z", "campaignId": "not-an-id" }),
            "campaignId",
            "NOT_FOUND",
        ),
    ];
    for (filter, field, code) in cases {
        let body = app
            .gql(Some(&m.admin), REPORT, json!({ "f": filter }))
            .await;
        let errors = &body["data"]["analytics"]["userErrors"];
        assert_eq!(errors[0]["field"], field, "{filter}: {body}");
        assert_eq!(errors[0]["code"], code, "{filter}: {body}");
        assert!(body["data"]["analytics"]["report"].is_null());
    }
    // A bucket that is not one is refused by the schema.
    let body = app
        .gql(Some(&m.admin), REPORT, json!({ "f": { "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z", "bucket": "HOUR" } }))
        .await;
    assert!(body["errors"].is_array(), "{body}");
    // Anonymous callers are refused.
    let body = app.gql(None, REPORT, json!({ "f": october() })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn analytics_widgets_download_as_csv() {
    let m = build().await;
    let app = &m.app;
    let get = |path: String, token: Option<String>| {
        let mut req = app.client.get(app.url(&path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let q = "from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&utcOffsetMinutes=480";
    let response = get(
        format!("/api/analytics/source-roi.csv?{q}"),
        Some(m.admin.clone()),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("source-roi-20261001-20261101.csv"));
    let text = response.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "source,leads,mqls,sqls,opportunities,won,wonAmount,mqlRate,sqlRate,opportunityRate,winRate,cost,costPerLead,roi");
    assert!(
        lines[1].starts_with("paid_ads,4,3,2,2,2,30000.00,0.75,0.5,0.5,0.5,960.00,240.00,30.25"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 5);

    // Every widget downloads, with a header row of GraphQL field names.
    for widget in leadflow_shared::analytics::AnalyticsWidget::ALL {
        let response = get(
            format!("/api/analytics/{}.csv?{q}&bucket=week", widget.slug()),
            Some(m.admin.clone()),
        )
        .await
        .unwrap();
        assert_eq!(response.status(), 200, "{}", widget.slug());
        let text = response.text().await.unwrap();
        assert!(text.lines().count() >= 2, "{}: {text}", widget.slug());
    }
    let funnel = get(
        format!("/api/analytics/funnel.csv?{q}"),
        Some(m.admin.clone()),
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(funnel.contains("\nwon,3,0.75,0.375,,0\n"), "{funnel}");

    // A rep's file holds their numbers only.
    let ana_t = app.user_token("ana@bi.test").await;
    let board = get(format!("/api/analytics/leaderboard.csv?{q}"), Some(ana_t))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(board.lines().count(), 2, "{board}");
    assert!(board.contains(&m.ana));

    // Refusals.
    let anonymous = get(format!("/api/analytics/funnel.csv?{q}"), None)
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let inverted = get(
        "/api/analytics/funnel.csv?from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z".into(),
        Some(m.admin.clone()),
    )
    .await
    .unwrap();
    assert_eq!(inverted.status(), 400);
    let body: Value = inverted.json().await.unwrap();
    assert_eq!(body["field"], "to");
    let bucket = get(
        format!("/api/analytics/trend.csv?{q}&bucket=hour"),
        Some(m.admin.clone()),
    )
    .await
    .unwrap();
    assert_eq!(bucket.status(), 400);
    let unknown = get(
        format!("/api/analytics/everything.csv?{q}"),
        Some(m.admin.clone()),
    )
    .await
    .unwrap();
    assert_eq!(unknown.status(), 404);
    let no_team = get(
        format!("/api/analytics/funnel.csv?{q}&teamId={}", Uuid::now_v7()),
        Some(m.admin.clone()),
    )
    .await
    .unwrap();
    assert_eq!(no_team.status(), 400);
    let body: Value = no_team.json().await.unwrap();
    assert_eq!(body["code"], "NOT_FOUND");
}

// ---------------------------------------------------------------------------------
// The recount: every widget from plain rows
// ---------------------------------------------------------------------------------

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn secs(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_milliseconds() as f64 / 1000.0
}

fn opt(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn same(got: Option<f64>, want: Option<f64>, what: &str) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6, "{what}: {g} != {w}"),
        _ => panic!("{what}: {got:?} != {want:?}"),
    }
}

/// Recounts the dashboard for one viewer from rows read with plain queries, and
/// compares every widget.
async fn recount_and_compare(m: &Month, token: &str, owners: Option<Vec<Uuid>>) {
    let db = &m.app.server.db;
    let (from, to) = (t(10, 1, 0, 0), t(11, 1, 0, 0));
    let cohort: Vec<lead::Model> = lead::Entity::find()
        .filter(lead::Column::MergedInto.is_null())
        .filter(lead::Column::CreatedAt.gte(from))
        .filter(lead::Column::CreatedAt.lt(to))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter(|l| match &owners {
            None => true,
            Some(o) => l.owner_id.is_some_and(|id| o.contains(&id)),
        })
        .collect();
    let events = lead_event::Entity::find().all(db).await.unwrap();
    // First arrival at each stage, from the timeline.
    let first = |lead: Uuid, stage: &str| {
        events
            .iter()
            .filter(|e| e.lead_id == lead && e.kind == "stage_changed" && e.data["to"] == stage)
            .map(|e| e.occurred_at)
            .min()
    };
    let won_stages: Vec<Uuid> = pipeline_stage::Entity::find()
        .filter(pipeline_stage::Column::Kind.eq("won"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let deals = opportunity::Entity::find().all(db).await.unwrap();
    let won_amount = |lead: Uuid| -> i64 {
        deals
            .iter()
            .filter(|d| d.lead_id == lead && won_stages.contains(&d.stage_id))
            .map(|d| d.amount_minor)
            .sum()
    };
    struct Row {
        l: lead::Model,
        mql: Option<DateTime<Utc>>,
        sql: Option<DateTime<Utc>>,
        opp: Option<DateTime<Utc>>,
        won: Option<DateTime<Utc>>,
        amount: i64,
    }
    let rows: Vec<Row> = cohort
        .into_iter()
        .map(|l| Row {
            mql: first(l.id, "mql"),
            sql: first(l.id, "sql"),
            opp: first(l.id, "opportunity"),
            won: first(l.id, "customer"),
            amount: won_amount(l.id),
            l,
        })
        .collect();
    let reached = |r: &Row, step: usize| match step {
        0 => true,
        1 => r.mql.or(r.sql).or(r.opp).or(r.won).is_some(),
        2 => r.sql.or(r.opp).or(r.won).is_some(),
        3 => r.opp.or(r.won).is_some(),
        _ => r.won.is_some(),
    };

    let got = report(&m.app, token, october()).await;

    // Funnel.
    let steps = got["funnel"]["steps"].as_array().unwrap();
    for (i, step) in steps.iter().enumerate() {
        let n = rows.iter().filter(|r| reached(r, i)).count() as i64;
        assert_eq!(step["count"], n, "funnel step {i}");
        let spans: Vec<f64> = rows
            .iter()
            .filter_map(|r| {
                let (a, b) = match i {
                    0 => (Some(r.l.created_at), r.mql.or(r.sql)),
                    1 => (r.mql, r.sql),
                    2 => (r.sql, r.opp),
                    3 => (r.opp, r.won),
                    _ => (None, None),
                };
                Some(secs(a?, b?)).filter(|s| *s >= 0.0)
            })
            .collect();
        assert_eq!(step["timedLeads"], spans.len() as i64, "timed {i}");
        same(
            opt(&step["medianSecondsInStep"]),
            median(spans),
            "median in step",
        );
    }

    // Source ROI (counts and won amounts; cost is checked by hand above).
    for src in got["sourceRoi"].as_array().unwrap() {
        let mine: Vec<&Row> = rows
            .iter()
            .filter(|r| r.l.source == src["source"].as_str().unwrap().to_lowercase())
            .collect();
        let metrics = &src["metrics"];
        assert_eq!(metrics["leads"], mine.len() as i64);
        assert_eq!(
            metrics["mqls"],
            mine.iter().filter(|r| reached(r, 1)).count() as i64
        );
        assert_eq!(
            metrics["sqls"],
            mine.iter().filter(|r| reached(r, 2)).count() as i64
        );
        assert_eq!(
            metrics["opportunities"],
            mine.iter().filter(|r| reached(r, 3)).count() as i64
        );
        assert_eq!(
            metrics["won"],
            mine.iter().filter(|r| reached(r, 4)).count() as i64
        );
        let amount: i64 = mine
            .iter()
            .filter(|r| r.won.is_some())
            .map(|r| r.amount)
            .sum();
        assert_eq!(
            metrics["wonAmount"],
            leadflow_shared::money::format_minor_units(amount)
        );
    }
    let listed: i64 = got["sourceRoi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["metrics"]["leads"].as_i64().unwrap())
        .sum();
    assert_eq!(listed, rows.len() as i64);

    // Speed to lead.
    let delays: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.l.first_contacted_at.map(|c| secs(r.l.created_at, c)))
        .collect();
    let s = &got["speedToLead"];
    assert_eq!(s["contacted"], delays.len() as i64);
    same(
        opt(&s["medianSeconds"]),
        median(delays.clone()),
        "speed median",
    );
    assert_eq!(
        s["withinFiveMinutes"],
        delays.iter().filter(|d| **d < 300.0).count() as i64
    );
    assert_eq!(
        s["withinOneHour"],
        delays.iter().filter(|d| **d < 3600.0).count() as i64
    );
    for b in s["buckets"].as_array().unwrap() {
        let lo = b["minSeconds"].as_f64().unwrap();
        let hi = b["maxSeconds"].as_f64().unwrap_or(f64::INFINITY);
        let n = delays
            .iter()
            .filter(|d| (lo == 0.0 || **d >= lo) && **d < hi)
            .count() as i64;
        assert_eq!(b["count"], n, "{}", b["label"]);
    }
    let clocks = lead_sla::Entity::find().all(db).await.unwrap();
    for rep in s["breachesByRep"].as_array().unwrap() {
        let owner = Uuid::parse_str(rep["ownerId"].as_str().unwrap()).unwrap();
        let theirs: Vec<&lead_sla::Model> = clocks
            .iter()
            .filter(|c| c.owner_id == owner && rows.iter().any(|r| r.l.id == c.lead_id))
            .collect();
        let breached = theirs
            .iter()
            .filter(|c| {
                matches!(c.state.as_str(), "reminded" | "escalated" | "recycled")
                    || (c.state == "met" && c.met_at.is_some_and(|m| m > c.remind_at))
            })
            .count() as i64;
        assert_eq!(rep["clocks"], theirs.len() as i64);
        assert_eq!(rep["breached"], breached);
    }

    // Conversion cycle.
    let cycles: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.won.map(|w| secs(r.l.created_at, w) / DAY as f64))
        .collect();
    let c = &got["conversionCycle"]["overall"];
    assert_eq!(c["won"], cycles.len() as i64);
    same(
        opt(&c["medianDays"]),
        median(cycles.clone()),
        "cycle median",
    );
    same(
        opt(&c["averageDays"]),
        (!cycles.is_empty()).then(|| cycles.iter().sum::<f64>() / cycles.len() as f64),
        "cycle average",
    );

    // Leaderboard.
    let users = user::Entity::find().all(db).await.unwrap();
    for row in got["leaderboard"].as_array().unwrap() {
        let owner = Uuid::parse_str(row["ownerId"].as_str().unwrap()).unwrap();
        let theirs: Vec<&Row> = rows
            .iter()
            .filter(|r| r.l.owner_id == Some(owner))
            .collect();
        assert_eq!(row["leads"], theirs.len() as i64);
        assert_eq!(
            row["won"],
            theirs.iter().filter(|r| r.won.is_some()).count() as i64
        );
        let acts = |kind: &str| {
            events
                .iter()
                .filter(|e| {
                    e.actor_user_id == Some(owner)
                        && e.kind == kind
                        && e.occurred_at >= from
                        && e.occurred_at < to
                })
                .count() as i64
        };
        assert_eq!(row["calls"], acts("call"));
        assert_eq!(row["emails"], acts("email"));
        assert_eq!(row["visits"], acts("visit"));
        assert_eq!(row["notes"], acts("note"));
        let name = &users.iter().find(|u| u.id == owner).unwrap().name;
        assert_eq!(row["ownerName"], name.as_str());
    }

    // Lost reasons.
    let lost: Vec<&Row> = rows.iter().filter(|r| r.l.stage == "lost").collect();
    assert_eq!(got["lostReasons"]["lost"], lost.len() as i64);
    for reason in got["lostReasons"]["reasons"].as_array().unwrap() {
        let n = lost
            .iter()
            .filter(|r| r.l.lost_reason.as_deref().unwrap_or("") == reason["reason"])
            .count() as i64;
        assert_eq!(reason["count"], n);
    }

    // Trend: every lead lands in exactly one week, counted once.
    let total: i64 = got["trend"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["leads"].as_i64().unwrap())
        .sum();
    assert_eq!(total, rows.len() as i64);
    let won_total: i64 = got["trend"]["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["won"].as_i64().unwrap())
        .sum();
    assert_eq!(
        won_total,
        rows.iter().filter(|r| r.won.is_some()).count() as i64
    );
    assert_eq!(got["unitEconomics"]["newCustomers"], won_total);
}

#[tokio::test]
async fn analytics_agree_with_a_plain_recount() {
    let m = build().await;
    recount_and_compare(&m, &m.admin, None).await;
    let ana_t = m.app.user_token("ana@bi.test").await;
    recount_and_compare(&m, &ana_t, Some(vec![Uuid::parse_str(&m.ana).unwrap()])).await;
    let mia_t = m.app.user_token("mia@bi.test").await;
    let team = vec![
        Uuid::parse_str(&m.ana).unwrap(),
        Uuid::parse_str(&m.bo).unwrap(),
        Uuid::parse_str(&m.manager).unwrap(),
    ];
    recount_and_compare(&m, &mia_t, Some(team)).await;
    let _ = (&m.chen, &m.leads);
}
