//! Routing rules, the claim pool, SLA timers and the live assignment feed, as managers,
//! reps and API clients meet them.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{spawn_app, TestApp};
use crate::subscriptions::{next_message, open};

const SAVE: &str = "mutation($input: RoutingConfigSaveInput!) { routingConfigSave(input: $input) {
    routing { version trigger } userErrors { field message code } } }";

async fn capture(app: &TestApp, token: &str, input: Value) -> String {
    app.capture_lead(token, input).await
}

async fn team(app: &TestApp, admin: &str, name: &str, manager: Option<&str>) -> String {
    let body = app
        .gql(
            Some(admin),
            "mutation($name: String!, $m: ID) { teamCreate(input: { name: $name, managerId: $m }) { team { id } userErrors { message } } }",
            json!({ "name": name, "m": manager }),
        )
        .await;
    body["data"]["teamCreate"]["team"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("team: {body}"))
        .to_string()
}

async fn save_rules(app: &TestApp, admin: &str, rules: Value, trigger: &str) -> Value {
    app.gql(
        Some(admin),
        SAVE,
        json!({ "input": { "rules": rules, "trigger": trigger } }),
    )
    .await
}

fn round_robin(team_id: &str) -> Value {
    json!({
        "rules": [{ "id": "everyone", "label": "华东轮询", "strategy": { "kind": "ROUND_ROBIN", "teamId": team_id } }],
        "fallback": { "kind": "POOL" }
    })
}

fn always_open() -> Value {
    json!({ "utcOffsetMinutes": 480, "periods": [{
        "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"],
        "from": "00:00", "to": "24:00"
    }] })
}

async fn lead_owner(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app
        .gql(
            Some(token),
            "query($id: ID!) { lead(id: $id) { owner { id } sla { state policyName } assignments { reason ruleLabel to { id } } } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["lead"].clone()
}

/// The open-lead counts routing reads (kept by triggers) equal a recount.
async fn assert_loads_match(app: &TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = &app.server.db;
    let read = |sql: &'static str| async move {
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap();
        rows.into_iter()
            .map(|r| {
                (
                    r.try_get::<uuid::Uuid>("", "owner_id").unwrap(),
                    r.try_get::<i64>("", "open_leads").unwrap(),
                )
            })
            .collect::<BTreeMap<_, _>>()
    };
    let kept = read("SELECT owner_id, open_leads FROM owner_loads WHERE open_leads <> 0").await;
    let recount = read(
        "SELECT owner_id, COUNT(*) AS open_leads FROM leads WHERE owner_id IS NOT NULL \
         AND merged_into IS NULL AND stage IN ('lead', 'mql', 'sql', 'opportunity', 'recycled') \
         GROUP BY owner_id",
    )
    .await;
    assert_eq!(kept, recount, "kept loads equal a recount");
}

/// Polls `check` until it gives `Some`, for at most ten seconds.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..500 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn round_robin_stays_fair_under_concurrent_captures() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let team_id = team(&app, &admin, "华东", None).await;
    let mut reps = Vec::new();
    for i in 0..5 {
        reps.push(
            app.create_user(&admin, &format!("rep{i}@x.cn"), "REP", Some(&team_id))
                .await,
        );
    }
    let saved = save_rules(&app, &admin, round_robin(&team_id), "ON_CAPTURE").await;
    assert_eq!(
        saved["data"]["routingConfigSave"]["userErrors"],
        json!([]),
        "{saved}"
    );
    assert_eq!(saved["data"]["routingConfigSave"]["routing"]["version"], 1);

    let ids: Vec<String> = futures_util::stream::iter(0..200)
        .map(|i| {
            let (app, admin) = (&app, &admin);
            async move {
                capture(
                    app,
                    admin,
                    json!({ "personName": format!("客户{i}"), "email": format!("c{i}@example.cn") }),
                )
                .await
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert_eq!(ids.len(), 200);

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for id in &ids {
        let lead = lead_owner(&app, &admin, id).await;
        let owner = lead["owner"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("routed: {lead}"))
            .to_string();
        assert_eq!(lead["assignments"][0]["reason"], "RULE");
        assert_eq!(lead["assignments"][0]["ruleLabel"], "华东轮询");
        *counts.entry(owner).or_default() += 1;
    }
    assert_eq!(counts.len(), 5, "every rep got leads: {counts:?}");
    let (min, max) = (
        counts.values().min().unwrap(),
        counts.values().max().unwrap(),
    );
    assert!(max - min <= 1, "turns stay even: {counts:?}");
    assert_loads_match(&app).await;
}

#[tokio::test]
async fn rules_naming_what_does_not_exist_are_refused_and_unmatched_leads_reach_the_fallback() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let empty_team = team(&app, &admin, "空团队", None).await;
    let full_team = team(&app, &admin, "华南", None).await;
    let rep = app
        .create_user(&admin, "rep@x.cn", "REP", Some(&full_team))
        .await;

    let bad = json!({
        "rules": [
            { "id": "gone", "label": "离职销售", "strategy": { "kind": "REP", "userId": "0190a000-0000-7000-8000-000000000000" } },
            { "id": "empty", "label": "空团队", "strategy": { "kind": "ROUND_ROBIN", "teamId": empty_team } },
            { "id": "night", "label": "夜间", "workingHours": { "utcOffsetMinutes": 480, "periods": [] },
              "strategy": { "kind": "REP", "userId": rep } }
        ],
        "fallback": { "kind": "POOL" }
    });
    let refused = save_rules(&app, &admin, bad, "ON_CAPTURE").await;
    let errors = refused["data"]["routingConfigSave"]["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("{refused}"))
        .clone();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"rules[0].strategy.userId"), "{fields:?}");
    assert!(
        fields.iter().any(|f| f.starts_with("rules[1].strategy")),
        "{fields:?}"
    );
    assert!(
        fields
            .iter()
            .any(|f| f.starts_with("rules[2].workingHours")),
        "{fields:?}"
    );
    assert!(refused["data"]["routingConfigSave"]["routing"].is_null());
    let config = app
        .gql(Some(&admin), "{ routingConfig { version } }", json!({}))
        .await;
    assert_eq!(
        config["data"]["routingConfig"]["version"], 0,
        "nothing was saved"
    );

    // Shanghai leads go to the rep; the rest fall back to the pool, recorded.
    let rules = json!({
        "rules": [{ "id": "sh", "label": "上海", "conditions": [
            { "field": "province", "condition": { "op": "IN", "values": ["上海"] } }
        ], "strategy": { "kind": "REP", "userId": rep } }],
        "fallback": { "kind": "POOL" }
    });
    let saved = save_rules(&app, &admin, rules, "ON_CAPTURE").await;
    assert_eq!(
        saved["data"]["routingConfigSave"]["userErrors"],
        json!([]),
        "{saved}"
    );
    let stale = app
        .gql(
            Some(&admin),
            SAVE,
            json!({ "input": { "rules": { "fallback": { "kind": "POOL" } }, "trigger": "ON_CAPTURE", "expectedVersion": 0 } }),
        )
        .await;
    assert_eq!(
        stale["data"]["routingConfigSave"]["userErrors"][0]["code"],
        "CONFLICT"
    );

    let shanghai = capture(
        &app,
        &admin,
        json!({ "personName": "上海客户", "province": "上海", "email": "sh@x.cn" }),
    )
    .await;
    let elsewhere = capture(
        &app,
        &admin,
        json!({ "personName": "成都客户", "province": "四川", "email": "cd@x.cn" }),
    )
    .await;
    let sh = lead_owner(&app, &admin, &shanghai).await;
    assert_eq!(sh["owner"]["id"], rep.as_str());
    let other = lead_owner(&app, &admin, &elsewhere).await;
    assert!(other["owner"].is_null(), "{other}");
    assert_eq!(other["assignments"][0]["reason"], "RULE");
    assert_eq!(other["assignments"][0]["ruleLabel"], "fallback");
    assert!(other["assignments"][0]["to"].is_null());
}

const CLAIM: &str = "mutation($id: ID!) { leadClaim(input: { leadId: $id }) {
    lead { id owner { id } } userErrors { field message code } } }";

#[tokio::test]
async fn two_reps_claiming_one_lead_at_once_get_one_winner() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let manager = app.create_user(&admin, "boss@x.cn", "MANAGER", None).await;
    let team_id = team(&app, &admin, "华北", Some(&manager)).await;
    app.create_user(&admin, "a@x.cn", "REP", Some(&team_id))
        .await;
    app.create_user(&admin, "b@x.cn", "REP", Some(&team_id))
        .await;
    let (a, b) = (
        app.user_token("a@x.cn").await,
        app.user_token("b@x.cn").await,
    );
    let boss = app.user_token("boss@x.cn").await;

    for round in 0..5 {
        let lead = capture(
            &app,
            &admin,
            json!({ "personName": format!("公海{round}"), "email": format!("p{round}@x.cn") }),
        )
        .await;
        let (ra, rb) = tokio::join!(
            app.gql(Some(&a), CLAIM, json!({ "id": lead })),
            app.gql(Some(&b), CLAIM, json!({ "id": lead }))
        );
        let won: Vec<&Value> = [&ra, &rb]
            .into_iter()
            .filter(|r| r["data"]["leadClaim"]["userErrors"] == json!([]))
            .collect();
        assert_eq!(won.len(), 1, "exactly one wins: {ra} {rb}");
        let lost = if won[0] == &ra { &rb } else { &ra };
        assert_eq!(
            lost["data"]["leadClaim"]["userErrors"][0]["code"], "TAKEN",
            "{lost}"
        );
        assert!(lost["data"]["leadClaim"]["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("claimed this lead first"));
        let history = lead_owner(&app, &admin, &lead).await;
        assert_eq!(history["assignments"][0]["reason"], "CLAIM");
        assert_eq!(
            history["assignments"].as_array().unwrap().len(),
            1,
            "one owner change: {history}"
        );
    }
    let status = app
        .gql(
            Some(&a),
            "{ poolClaimStatus { claimedLast24h limit remaining } }",
            json!({}),
        )
        .await;
    let claimed_a = status["data"]["poolClaimStatus"]["claimedLast24h"]
        .as_i64()
        .unwrap();
    assert_eq!(status["data"]["poolClaimStatus"]["limit"], 20);
    assert_eq!(
        status["data"]["poolClaimStatus"]["remaining"],
        20 - claimed_a
    );

    // The manager hears of each claim in their team.
    let notes = app
        .gql(
            Some(&boss),
            "{ notifications(first: 20) { unreadCount items { kind leadName } } }",
            json!({}),
        )
        .await;
    assert_eq!(notes["data"]["notifications"]["unreadCount"], 5, "{notes}");
    assert_eq!(
        notes["data"]["notifications"]["items"][0]["kind"],
        "LEAD_CLAIMED"
    );

    // A rep cannot claim a lead a manager gave someone else, nor learn of it.
    let owned = capture(
        &app,
        &admin,
        json!({ "personName": "已分配", "email": "owned@x.cn" }),
    )
    .await;
    let a_id = app.login("a@x.cn", "rep-password-123").await["user"]["id"].clone();
    let assigned = app
        .gql(
            Some(&admin),
            "mutation($ids: [ID!]!, $to: ID) { leadsAssign(input: { leadIds: $ids, ownerId: $to }) { userErrors { message } } }",
            json!({ "ids": [owned], "to": a_id }),
        )
        .await;
    assert_eq!(
        assigned["data"]["leadsAssign"]["userErrors"],
        json!([]),
        "{assigned}"
    );
    let refused = app.gql(Some(&b), CLAIM, json!({ "id": owned })).await;
    assert_eq!(
        refused["data"]["leadClaim"]["userErrors"][0]["code"], "NOT_FOUND",
        "{refused}"
    );
}

#[tokio::test]
async fn sla_reminds_escalates_and_recycles_on_its_clock_across_a_restart() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let manager = app.create_user(&admin, "boss@x.cn", "MANAGER", None).await;
    let team_id = team(&app, &admin, "华东", Some(&manager)).await;
    let rep = app
        .create_user(&admin, "rep@x.cn", "REP", Some(&team_id))
        .await;

    // A calendar without working hours is refused before saving.
    let policy = |hours: Value| {
        json!({ "input": {
            "name": "首次联系 10 分钟", "teamId": team_id, "workingHours": hours,
            "remindAfterMinutes": 10, "escalateAfterMinutes": 20, "recycleAfterMinutes": 30,
            "recycleAction": "POOL", "inactivityDays": 3
        } })
    };
    let save = "mutation($input: SlaPolicySaveInput!) { slaPolicySave(input: $input) {
        policy { id name team { id } } userErrors { field message code } } }";
    let refused = app
        .gql(
            Some(&admin),
            save,
            policy(json!({ "utcOffsetMinutes": 480, "periods": [] })),
        )
        .await;
    assert_eq!(
        refused["data"]["slaPolicySave"]["userErrors"][0]["field"], "workingHours.periods",
        "{refused}"
    );
    let saved = app.gql(Some(&admin), save, policy(always_open())).await;
    assert_eq!(
        saved["data"]["slaPolicySave"]["userErrors"],
        json!([]),
        "{saved}"
    );
    let rules = json!({
        "rules": [{ "id": "rep", "label": "直接分配", "strategy": { "kind": "REP", "userId": rep } }],
        "fallback": { "kind": "POOL" }
    });
    save_rules(&app, &admin, rules, "ON_CAPTURE").await;

    let lead = capture(
        &app,
        &admin,
        json!({ "personName": "等待联系", "email": "wait@x.cn" }),
    )
    .await;
    let routed = lead_owner(&app, &admin, &lead).await;
    assert_eq!(routed["owner"]["id"], rep.as_str());
    assert_eq!(routed["sla"]["state"], "RUNNING");
    assert_eq!(routed["sla"]["policyName"], "首次联系 10 分钟");

    let rep_token = app.user_token("rep@x.cn").await;
    let boss_token = app.user_token("boss@x.cn").await;
    let kinds = |token: String| {
        let app = &app;
        async move {
            let body = app
                .gql(
                    Some(&token),
                    "{ notifications(first: 20) { items { kind } } }",
                    json!({}),
                )
                .await;
            body["data"]["notifications"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["kind"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(kinds(rep_token.clone()).await, vec!["LEAD_ASSIGNED"]);

    // 11 minutes later: the owner is reminded.
    app.config.clock.advance(chrono::Duration::minutes(11));
    app.server.jobs.wake();
    eventually("the reminder", || async {
        (lead_owner(&app, &admin, &lead).await["sla"]["state"] == "REMINDED").then_some(())
    })
    .await;
    assert_eq!(
        kinds(rep_token.clone()).await,
        vec!["SLA_REMINDER", "LEAD_ASSIGNED"]
    );

    // The server restarts; the clock keeps running. 10 minutes on: the manager hears.
    let app = app.restart().await;
    app.config.clock.advance(chrono::Duration::minutes(10));
    app.server.jobs.wake();
    eventually("the escalation", || async {
        (lead_owner(&app, &admin, &lead).await["sla"]["state"] == "ESCALATED").then_some(())
    })
    .await;
    let boss_kinds = kinds_of(&app, &boss_token).await;
    assert_eq!(boss_kinds, vec!["SLA_ESCALATION"]);

    // 10 more: back to the pool, recorded as an SLA recycle.
    app.config.clock.advance(chrono::Duration::minutes(10));
    app.server.jobs.wake();
    let recycled = eventually("the recycle", || async {
        // The lead and its SLA clock are read by separate statements, so one read may
        // straddle the recycle's commit: wait until both show it.
        let l = lead_owner(&app, &admin, &lead).await;
        (l["sla"]["state"] == "RECYCLED" && l["owner"].is_null()).then_some(l)
    })
    .await;
    assert_eq!(recycled["assignments"][0]["reason"], "SLA_RECYCLE");
    assert_eq!(
        kinds_of(&app, &rep_token).await,
        vec!["SLA_RECYCLED", "SLA_REMINDER", "LEAD_ASSIGNED"]
    );
    // Each step happened once.
    assert_eq!(kinds_of(&app, &boss_token).await, vec!["SLA_ESCALATION"]);

    // A lead contacted in time meets its SLA and is never reminded.
    let contacted = capture(
        &app,
        &admin,
        json!({ "personName": "及时联系", "email": "quick@x.cn" }),
    )
    .await;
    let logged = app
        .gql(
            Some(&rep_token),
            "mutation($id: ID!) { leadLogActivity(input: { leadId: $id, kind: CALL, outcome: CONNECTED, note: \"聊了需求\" }) { userErrors { message } } }",
            json!({ "id": contacted }),
        )
        .await;
    assert_eq!(
        logged["data"]["leadLogActivity"]["userErrors"],
        json!([]),
        "{logged}"
    );
    assert_eq!(
        lead_owner(&app, &admin, &contacted).await["sla"]["state"],
        "MET"
    );

    // Four quiet days later, the inactivity sweep returns the contacted lead to the pool.
    app.config.clock.advance(chrono::Duration::days(4));
    app.server.jobs.wake();
    eventually("the inactivity sweep", || async {
        lead_owner(&app, &admin, &contacted).await["owner"]
            .is_null()
            .then_some(())
    })
    .await;
    assert_loads_match(&app).await;
}

async fn kinds_of(app: &TestApp, token: &str) -> Vec<String> {
    let body = app
        .gql(
            Some(token),
            "{ notifications(first: 20) { items { kind } } }",
            json!({}),
        )
        .await;
    body["data"]["notifications"]["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) async fn subscribe(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
) -> crate::subscriptions::Socket {
    let mut socket = open(app, json!({ "token": token })).await;
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
        .send(Message::Text(
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } })
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    socket
}

pub(crate) async fn next_event(socket: &mut crate::subscriptions::Socket) -> Value {
    let msg = next_message(socket, Duration::from_secs(10))
        .await
        .expect("an event arrives")
        .expect("the socket stays open");
    assert_eq!(msg["type"], "next", "{msg}");
    msg["payload"]["data"].clone()
}

const FEED: &str = "subscription($scope: FeedScope!, $after: String) {
    assignmentEvents(scope: $scope, after: $after) {
        cursor ruleLabel lead { id personName } assignment { reason to { id } } } }";

#[tokio::test]
async fn the_live_feed_delivers_assignments_and_catches_up_after_a_reconnect() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let manager = app.create_user(&admin, "boss@x.cn", "MANAGER", None).await;
    let team_id = team(&app, &admin, "华东", Some(&manager)).await;
    let rep = app
        .create_user(&admin, "rep@x.cn", "REP", Some(&team_id))
        .await;
    let rules = json!({
        "rules": [{ "id": "team", "label": "华东轮询", "strategy": { "kind": "ROUND_ROBIN", "teamId": team_id } }],
        "fallback": { "kind": "POOL" }
    });
    save_rules(&app, &admin, rules, "ON_CAPTURE").await;
    let rep_token = app.user_token("rep@x.cn").await;
    let boss_token = app.user_token("boss@x.cn").await;

    // A rep may not watch the whole team.
    let mut refused = subscribe(&app, &rep_token, FEED, json!({ "scope": "TEAM" })).await;
    let msg = next_message(&mut refused, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        msg["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{msg}"
    );

    let mut boss = subscribe(&app, &boss_token, FEED, json!({ "scope": "TEAM" })).await;
    let mut mine = subscribe(
        &app,
        &rep_token,
        "subscription { notifications { kind leadName lead { id } } }",
        json!({}),
    )
    .await;
    // Give the subscriptions a moment to be registered before the capture.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let first = capture(
        &app,
        &admin,
        json!({ "personName": "实时线索", "email": "live@x.cn" }),
    )
    .await;
    let event = next_event(&mut boss).await;
    let event = &event["assignmentEvents"];
    assert_eq!(event["lead"]["id"], first.as_str());
    assert_eq!(event["assignment"]["reason"], "RULE");
    assert_eq!(event["assignment"]["to"]["id"], rep.as_str());
    assert_eq!(event["ruleLabel"], "华东轮询");
    let cursor = event["cursor"].as_str().unwrap().to_string();
    let note = next_event(&mut mine).await;
    assert_eq!(note["notifications"]["kind"], "LEAD_ASSIGNED");
    assert_eq!(note["notifications"]["leadName"], "实时线索");

    // The manager's connection drops; two leads arrive meanwhile.
    drop(boss);
    let missed_a = capture(
        &app,
        &admin,
        json!({ "personName": "错过一", "email": "m1@x.cn" }),
    )
    .await;
    let missed_b = capture(
        &app,
        &admin,
        json!({ "personName": "错过二", "email": "m2@x.cn" }),
    )
    .await;
    let mut again = subscribe(
        &app,
        &boss_token,
        FEED,
        json!({ "scope": "TEAM", "after": cursor }),
    )
    .await;
    let a = next_event(&mut again).await;
    let b = next_event(&mut again).await;
    assert_eq!(a["assignmentEvents"]["lead"]["id"], missed_a.as_str());
    assert_eq!(b["assignmentEvents"]["lead"]["id"], missed_b.as_str());
    // And then live ones, each once.
    let after = capture(
        &app,
        &admin,
        json!({ "personName": "重连之后", "email": "m3@x.cn" }),
    )
    .await;
    let c = next_event(&mut again).await;
    assert_eq!(c["assignmentEvents"]["lead"]["id"], after.as_str());

    // The feed page's first load: newest first.
    let page = app
        .gql(
            Some(&boss_token),
            "{ assignmentFeed(scope: TEAM, first: 2) { cursor lead { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        page["data"]["assignmentFeed"][0]["lead"]["id"],
        after.as_str()
    );
    assert_eq!(
        page["data"]["assignmentFeed"][1]["lead"]["id"],
        missed_b.as_str()
    );
}

/// Two servers on one PostgreSQL: an assignment made on one reaches a subscriber on the
/// other, and each SLA step runs once although both servers run jobs.
#[tokio::test]
async fn two_servers_on_one_postgresql_share_the_feed_and_the_sla_jobs() {
    if std::env::var("LEADFLOW_TEST_DATABASE_URL").map_or(true, |u| u.is_empty()) {
        return; // SQLite is one server; the API suite runs again on PostgreSQL.
    }
    let a = spawn_app().await;
    let b = leadflow::startup::spawn(a.config.clone())
        .await
        .expect("a second server starts");
    let admin = a.admin_token().await;
    let manager = a.create_user(&admin, "boss@x.cn", "MANAGER", None).await;
    let team_id = team(&a, &admin, "华东", Some(&manager)).await;
    let rep = a
        .create_user(&admin, "rep@x.cn", "REP", Some(&team_id))
        .await;
    let save = "mutation($input: SlaPolicySaveInput!) { slaPolicySave(input: $input) { userErrors { message } } }";
    let saved = a
        .gql(
            Some(&admin),
            save,
            json!({ "input": {
                "name": "默认", "workingHours": always_open(),
                "remindAfterMinutes": 5, "escalateAfterMinutes": 10, "recycleAfterMinutes": 15,
                "recycleAction": "POOL"
            } }),
        )
        .await;
    assert_eq!(saved["data"]["slaPolicySave"]["userErrors"], json!([]));
    let rules = json!({
        "rules": [{ "id": "rep", "label": "直接分配", "strategy": { "kind": "REP", "userId": rep } }],
        "fallback": { "kind": "POOL" }
    });
    save_rules(&a, &admin, rules, "ON_CAPTURE").await;

    // The subscriber talks to server B.
    let boss_token = a.user_token("boss@x.cn").await;
    let b_app = TestApp::beside(&a, b);
    let mut feed = subscribe(&b_app, &boss_token, FEED, json!({ "scope": "TEAM" })).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let lead = capture(
        &a,
        &admin,
        json!({ "personName": "跨实例", "email": "x@x.cn" }),
    )
    .await;
    let event = next_event(&mut feed).await;
    assert_eq!(event["assignmentEvents"]["lead"]["id"], lead.as_str());

    // Both servers run jobs: each step still happens once.
    for _ in 0..3 {
        a.config.clock.advance(chrono::Duration::minutes(6));
        a.server.jobs.wake();
        b_app.server.jobs.wake();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eventually("the recycle", || async {
        (lead_owner(&a, &admin, &lead).await["sla"]["state"] == "RECYCLED").then_some(())
    })
    .await;
    let rep_token = a.user_token("rep@x.cn").await;
    assert_eq!(
        kinds_of(&a, &rep_token).await,
        vec!["SLA_RECYCLED", "SLA_REMINDER", "LEAD_ASSIGNED"]
    );
    assert_eq!(kinds_of(&a, &boss_token).await, vec!["SLA_ESCALATION"]);
    b_app.server.shutdown().await;
}

#[tokio::test]
async fn outbox_events_are_forgotten_after_a_week() {
    use leadflow::entity::outbox;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for i in 0..3 {
        capture(
            &app,
            &admin,
            json!({ "personName": format!("旧事件{i}"), "email": format!("old{i}@x.cn") }),
        )
        .await;
    }
    let last = leadflow::relay::last_seq(&app.server.db).await.unwrap();
    assert!(last >= 3);
    let old = || async {
        outbox::Entity::find()
            .filter(outbox::Column::Seq.lte(last))
            .count(&app.server.db)
            .await
            .unwrap()
    };
    app.config.clock.advance(chrono::Duration::days(6));
    app.server.jobs.wake();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(old().await > 0, "kept for a week");
    app.config.clock.advance(chrono::Duration::days(2));
    app.server.jobs.wake();
    eventually("the prune", || async { (old().await == 0).then_some(()) }).await;
}
