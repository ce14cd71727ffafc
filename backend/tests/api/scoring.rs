//! Lead scoring on the server: every capture and event re-scores in its transaction,
//! crossing the threshold makes an MQL, a model change re-scores every open lead in the
//! background, a model that cannot be evaluated is refused, and the predictive score
//! learns from closed leads (or says there is not enough history).

use std::time::Duration;

use chrono::Utc;
use leadflow::entity::{lead, outbox};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::subscriptions::{next_message, open};

async fn capture(app: &TestApp, token: &str, input: Value) -> String {
    app.capture_lead(token, input).await
}

async fn track(app: &TestApp, token: &str, lead: &str, kind: &str, extra: Value) {
    let mut input = json!({ "leadId": lead, "kind": kind });
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let body = app
        .gql(
            Some(token),
            "mutation($input: LeadTrackEventInput!) { leadTrackEvent(input: $input) { event { kind } userErrors { field message } } }",
            json!({ "input": input }),
        )
        .await;
    assert_eq!(
        body["data"]["leadTrackEvent"]["userErrors"],
        json!([]),
        "{body}"
    );
}

const SCORE: &str = "query($id: ID!) { lead(id: $id) { stage fitScore engagementScore totalScore
    scoreBreakdown { fit engagement total isMql lines { kind ruleId label points count capped } }
    timeline(first: 20) { kind data } } }";

#[tokio::test]
async fn behaviour_raises_the_score_until_the_lead_becomes_an_mql() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // The starter model: senior title +15, > 500 staff +10, target industry +10,
    // key region +5 → fit 40; MQL at 60.
    let id = capture(
        &app,
        &admin,
        json!({ "personName": "李总", "title": "销售总监", "companySize": 1200, "industry": "制造业",
                "province": "上海", "email": "li@factory.cn", "source": "API" }),
    )
    .await;
    let lead = &app.gql(Some(&admin), SCORE, json!({ "id": id })).await["data"]["lead"];
    assert_eq!(lead["fitScore"], 40, "{lead}");
    assert_eq!(lead["engagementScore"], 0);
    assert_eq!(lead["stage"], "LEAD");
    let rules: Vec<&str> = lead["scoreBreakdown"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "senior-title",
            "large-company",
            "target-industry",
            "core-region"
        ],
        "{lead}"
    );

    track(
        &app,
        &admin,
        &id,
        "WEBINAR_ATTENDED",
        json!({ "name": "智能制造线上研讨会" }),
    )
    .await;
    let lead = &app.gql(Some(&admin), SCORE, json!({ "id": id })).await["data"]["lead"];
    assert_eq!(lead["totalScore"], 55);
    assert_eq!(lead["stage"], "LEAD", "not yet at the threshold");

    // Two pricing views: +10 once, the daily cap holds the second back.
    for _ in 0..2 {
        track(
            &app,
            &admin,
            &id,
            "PAGE_VIEW",
            json!({ "url": "https://example.cn/pricing?plan=pro" }),
        )
        .await;
    }
    let lead = &app.gql(Some(&admin), SCORE, json!({ "id": id })).await["data"]["lead"];
    assert_eq!(lead["stage"], "MQL", "{lead}");
    assert!(lead["totalScore"].as_i64().unwrap() >= 60);
    let pricing = lead["scoreBreakdown"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ruleId"] == "pricing-view")
        .expect("the pricing line");
    assert_eq!(pricing["points"], 10);
    assert_eq!(pricing["count"], 2);
    assert_eq!(pricing["capped"], true);
    let moved = lead["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "stage_changed")
        .expect("the MQL move is on the timeline");
    assert_eq!(moved["data"]["to"], "mql");
    assert_eq!(moved["data"]["reason"], "score");

    // The routing trigger: one lead.mql outbox row.
    let lead_id: uuid::Uuid = id.parse().unwrap();
    let announced = outbox::Entity::find()
        .filter(outbox::Column::Topic.eq("lead.mql"))
        .filter(outbox::Column::AggregateId.eq(lead_id))
        .all(&app.server.db)
        .await
        .unwrap();
    assert_eq!(announced.len(), 1);

    // More behaviour keeps it an MQL and announces nothing new.
    track(&app, &admin, &id, "DOWNLOAD", json!({ "name": "案例.pdf" })).await;
    let announced = outbox::Entity::find()
        .filter(outbox::Column::Topic.eq("lead.mql"))
        .all(&app.server.db)
        .await
        .unwrap();
    assert_eq!(announced.len(), 1);
}

const SAVE: &str =
    "mutation($input: ScoringModelSaveDraftInput!) { scoringModelSaveDraft(input: $input) {
    model { id version status } userErrors { field code message } } }";

#[tokio::test]
async fn a_model_that_cannot_be_evaluated_is_refused_with_the_place_of_each_problem() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let active = app
        .gql(
            Some(&admin),
            "{ activeScoringModel { version status definition } }",
            json!({}),
        )
        .await;
    let mut definition = active["data"]["activeScoringModel"]["definition"].clone();
    assert_eq!(active["data"]["activeScoringModel"]["status"], "ACTIVE");
    definition["fitRules"][0]["field"] = json!("shoeSize");
    definition["behaviourRules"][0]["urlPattern"] = json!("**");
    definition["behaviourRules"][1]["maxPointsPerDay"] = json!(-5);
    let body = app
        .gql(
            Some(&admin),
            SAVE,
            json!({ "input": { "definition": definition } }),
        )
        .await;
    let fields: Vec<&str> = body["data"]["scoringModelSaveDraft"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"fitRules[0].field"), "{body}");
    assert!(fields.contains(&"behaviourRules[0].urlPattern"), "{body}");
    assert!(
        fields.contains(&"behaviourRules[1].maxPointsPerDay"),
        "{body}"
    );
    assert!(body["data"]["scoringModelSaveDraft"]["model"].is_null());

    let garbage = app
        .gql(
            Some(&admin),
            SAVE,
            json!({ "input": { "definition": { "fitRules": "lots" } } }),
        )
        .await;
    assert_eq!(
        garbage["data"]["scoringModelSaveDraft"]["userErrors"][0]["field"],
        "definition"
    );
    let versions = app
        .gql(
            Some(&admin),
            "{ scoringModels { version status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        versions["data"]["scoringModels"],
        json!([{ "version": 1, "status": "ACTIVE" }])
    );

    // Reps read the active model but do not design.
    app.create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let denied = app
        .gql(
            Some(&rep),
            SAVE,
            json!({ "input": { "definition": definition } }),
        )
        .await;
    assert_eq!(crate::helpers::error_code(&denied), "FORBIDDEN");
}

#[tokio::test]
async fn activating_a_changed_model_rescores_every_open_lead_with_live_progress() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            capture(
                &app,
                &admin,
                json!({ "personName": format!("经理{i}"), "title": "采购经理", "email": format!("m{i}@example.cn") }),
            )
            .await,
        );
    }
    let lost = capture(
        &app,
        &admin,
        json!({ "personName": "已流失", "title": "采购经理", "email": "lost@example.cn" }),
    )
    .await;
    app.gql(
        Some(&admin),
        "mutation($id: ID!) { leadsMoveStage(input: { leadIds: [$id], stage: LOST, lostReason: \"没有预算\" }) { userErrors { field } } }",
        json!({ "id": lost }),
    )
    .await;
    let before = app.gql(Some(&admin), SCORE, json!({ "id": ids[0] })).await;
    assert_eq!(
        before["data"]["lead"]["fitScore"], 8,
        "manager title +8: {before}"
    );

    // Managers are worth 70 now: every open lead becomes an MQL.
    let active = app
        .gql(
            Some(&admin),
            "{ activeScoringModel { definition } }",
            json!({}),
        )
        .await;
    let mut definition = active["data"]["activeScoringModel"]["definition"].clone();
    let rules = definition["fitRules"].as_array_mut().unwrap();
    let manager = rules
        .iter_mut()
        .find(|r| r["id"] == "manager-title")
        .unwrap();
    manager["points"] = json!(70);
    let saved = app
        .gql(
            Some(&admin),
            SAVE,
            json!({ "input": { "definition": definition } }),
        )
        .await;
    let draft = &saved["data"]["scoringModelSaveDraft"]["model"];
    assert_eq!(draft["version"], 2, "{saved}");
    assert_eq!(draft["status"], "DRAFT");
    // Saving a draft changes no score.
    let unchanged = app.gql(Some(&admin), SCORE, json!({ "id": ids[0] })).await;
    assert_eq!(unchanged["data"]["lead"]["fitScore"], 8);

    let activated = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { scoringModelActivate(input: { id: $id }) { model { version status } run { id total status } userErrors { field } } }",
            json!({ "id": draft["id"] }),
        )
        .await;
    let payload = &activated["data"]["scoringModelActivate"];
    assert_eq!(payload["model"]["status"], "ACTIVE", "{activated}");
    assert_eq!(payload["run"]["total"], 5, "the lost lead is not re-scored");
    let run_id = payload["run"]["id"].as_str().unwrap().to_string();

    // A real WebSocket client follows the run to the end.
    let mut socket = open(&app, json!({ "authorization": format!("Bearer {admin}") })).await;
    let ack = next_message(&mut socket, Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ack["type"], "connection_ack");
    use futures_util::SinkExt;
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            json!({ "id": "1", "type": "subscribe", "payload": {
                "query": "subscription($id: ID!) { rescoreProgress(runId: $id) { status done total } }",
                "variables": { "id": run_id } } })
            .to_string()
            .into(),
        ))
        .await
        .unwrap();
    let mut last = Value::Null;
    loop {
        match next_message(&mut socket, Duration::from_secs(20)).await {
            Some(Ok(msg)) if msg["type"] == "next" => {
                last = msg["payload"]["data"]["rescoreProgress"].clone()
            }
            Some(Ok(msg)) if msg["type"] == "complete" => break,
            other => panic!("unexpected {other:?} after {last}"),
        }
    }
    assert_eq!(last["status"], "DONE");
    assert_eq!(last["done"], 5);

    for id in &ids {
        let lead = app.gql(Some(&admin), SCORE, json!({ "id": id })).await;
        assert_eq!(lead["data"]["lead"]["fitScore"], 70, "{lead}");
        assert_eq!(lead["data"]["lead"]["stage"], "MQL");
    }
    let lost = app.gql(Some(&admin), SCORE, json!({ "id": lost })).await;
    assert_eq!(lost["data"]["lead"]["stage"], "LOST");
    let versions = app
        .gql(
            Some(&admin),
            "{ scoringModels { version status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        versions["data"]["scoringModels"],
        json!([{ "version": 2, "status": "ACTIVE" }, { "version": 1, "status": "RETIRED" }])
    );
}

const TRAIN: &str = "mutation { predictiveModelTrain { model { ready message closedLeads needed
    evaluation { auc closed won } } userErrors { message } } }";

#[tokio::test]
async fn the_predictive_score_learns_from_closed_leads_and_explains_itself() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;

    let refused = app.gql(Some(&admin), TRAIN, json!({})).await;
    let model = &refused["data"]["predictiveModelTrain"]["model"];
    assert_eq!(model["ready"], false, "{refused}");
    assert_eq!(model["closedLeads"], 0);
    assert_eq!(model["needed"], 50);
    assert!(
        refused["data"]["predictiveModelTrain"]["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not enough history")
    );

    // A history with a planted signal: manufacturers usually buy, retailers rarely.
    // Fixed ids keep the hold-out split (a hash of the id) the same on every run.
    let now = Utc::now();
    let industries = ["制造业", "零售"];
    for i in 0..240u32 {
        let industry = industries[(i % 2) as usize];
        let won = if industry == "制造业" {
            (i / 2) % 10 < 9
        } else {
            (i / 2) % 10 < 1
        };
        lead::ActiveModel {
            id: Set(uuid::Uuid::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0000 + u128::from(i),
            )),
            person_name: Set(format!("历史{i}")),
            industry: Set(Some(industry.to_string())),
            source: Set("event".to_string()),
            tags: Set(Default::default()),
            custom_fields: Set(json!({})),
            stage: Set(if won { "customer" } else { "lost" }.to_string()),
            fit_score: Set(0),
            engagement_score: Set(0),
            total_score: Set(0),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            last_activity_at: Set(now),
            ..Default::default()
        }
        .insert(&app.server.db)
        .await
        .unwrap();
    }
    // A lead already open before training gets its prediction from the scoring job.
    let early = capture(
        &app,
        &admin,
        json!({ "personName": "早到", "industry": "制造业", "email": "early@x.cn" }),
    )
    .await;
    let trained = app.gql(Some(&admin), TRAIN, json!({})).await;
    let model = &trained["data"]["predictiveModelTrain"]["model"];
    assert_eq!(model["ready"], true, "{trained}");
    assert_eq!(model["evaluation"]["closed"], 240);
    assert!(
        model["evaluation"]["auc"].as_f64().unwrap() > 0.7,
        "{trained}"
    );

    let hot = capture(
        &app,
        &admin,
        json!({ "personName": "制造", "industry": "制造业", "email": "m@x.cn" }),
    )
    .await;
    let cold = capture(
        &app,
        &admin,
        json!({ "personName": "零售", "industry": "零售", "email": "r@x.cn" }),
    )
    .await;
    let predict = "query($id: ID!) { lead(id: $id) { prediction { probability factors { field value label contribution } } } }";
    let hot = app.gql(Some(&admin), predict, json!({ "id": hot })).await;
    let cold = app.gql(Some(&admin), predict, json!({ "id": cold })).await;
    let (p_hot, p_cold) = (
        hot["data"]["lead"]["prediction"]["probability"]
            .as_f64()
            .unwrap(),
        cold["data"]["lead"]["prediction"]["probability"]
            .as_f64()
            .unwrap(),
    );
    assert!(p_hot > p_cold + 0.3, "{p_hot} vs {p_cold}");
    assert_eq!(
        hot["data"]["lead"]["prediction"]["factors"][0]["value"], "制造业",
        "the planted factor explains it: {hot}"
    );
    let mut waited = 0;
    loop {
        let body = app.gql(Some(&admin), predict, json!({ "id": early })).await;
        if let Some(p) = body["data"]["lead"]["prediction"]["probability"].as_f64() {
            assert!(
                (p - p_hot).abs() < 1e-9,
                "same facts, same chance: {p} vs {p_hot}"
            );
            break;
        }
        waited += 1;
        assert!(
            waited < 100,
            "the scoring job never wrote the prediction: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_daily_decay_job_cools_down_quiet_leads() {
    use leadflow::domain::scoring;
    use leadflow::entity::{lead_event, rescore_run};
    use sea_orm::sea_query::Expr;

    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = capture(
        &app,
        &admin,
        json!({ "personName": "安静", "email": "quiet@example.cn" }),
    )
    .await;
    track(
        &app,
        &admin,
        &id,
        "WEBINAR_ATTENDED",
        json!({ "name": "行业峰会" }),
    )
    .await;
    let lead = app.gql(Some(&admin), SCORE, json!({ "id": id })).await;
    assert_eq!(lead["data"]["lead"]["engagementScore"], 15);

    // Three quiet weeks pass.
    let lead_id: uuid::Uuid = id.parse().unwrap();
    lead_event::Entity::update_many()
        .col_expr(
            lead_event::Column::OccurredAt,
            Expr::value(Utc::now() - chrono::Duration::days(21)),
        )
        .filter(lead_event::Column::LeadId.eq(lead_id))
        .exec(&app.server.db)
        .await
        .unwrap();

    let queue = leadflow::jobs::Queue::default();
    let job = leadflow::jobs::Job::new;
    scoring::run_decay(
        &app.server.db,
        &queue,
        Utc::now(),
        &job(scoring::DECAY_JOB, json!({})),
    )
    .await
    .unwrap();
    let run = rescore_run::Entity::find()
        .filter(rescore_run::Column::Reason.eq("decay"))
        .one(&app.server.db)
        .await
        .unwrap()
        .expect("the decay started a run");
    // Run it here rather than wait for the server's runner to poll.
    scoring::run_rescore(
        &app.server.db,
        &leadflow::events::EventBus::default(),
        &job(scoring::RESCORE_JOB, json!({ "runId": run.id })),
    )
    .await
    .unwrap();
    let lead = app.gql(Some(&admin), SCORE, json!({ "id": id })).await;
    assert_eq!(
        lead["data"]["lead"]["engagementScore"], 0,
        "−5 a week: {lead}"
    );
    let decay = lead["data"]["lead"]["scoreBreakdown"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "DECAY")
        .cloned()
        .expect("a decay line");
    assert_eq!(decay["points"], -15);
    assert_eq!(decay["count"], 21);

    // Tomorrow's decay is booked.
    let waiting = leadflow::entity::job::Entity::find()
        .filter(leadflow::entity::job::Column::Kind.eq(scoring::DECAY_JOB))
        .filter(leadflow::entity::job::Column::DoneAt.is_null())
        .all(&app.server.db)
        .await
        .unwrap();
    assert!(!waiting.is_empty());
}
