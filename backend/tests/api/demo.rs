//! `leadflow serve --demo`: a believable organisation and a few hundred leads.

use leadflow::domain::demo;
use leadflow::entity::{campaign, lead};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test]
async fn demo_data_is_a_working_sales_organisation() {
    let app = spawn_app().await;
    demo::load(&app.server.db).await.expect("demo loads");

    let login = app.login(demo::DEMO_ADMIN_EMAIL, demo::DEMO_PASSWORD).await;
    let admin = login["accessToken"].as_str().expect("demo admin signs in");
    let rep = app
        .login("wang.wei@leadflow.local", demo::DEMO_PASSWORD)
        .await;
    assert_eq!(rep["user"]["role"], "REP");

    let teams = app
        .gql(
            Some(admin),
            "{ teams { name manager { role } members { role } } }",
            json!({}),
        )
        .await;
    let teams = teams["data"]["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 4);
    for team in teams {
        assert_eq!(team["manager"]["role"], "MANAGER", "{team}");
        let reps = team["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "REP")
            .count();
        assert_eq!(reps, 5, "{team}");
    }

    let db = &app.server.db;
    assert_eq!(
        lead::Entity::find().count(db).await.unwrap(),
        demo::DEMO_LEADS as u64
    );
    assert_eq!(campaign::Entity::find().count(db).await.unwrap(), 4);
    let leads = lead::Entity::find().all(db).await.unwrap();
    let owned = leads.iter().filter(|l| l.owner_id.is_some()).count();
    assert!(
        owned > 150 && owned < demo::DEMO_LEADS,
        "most leads have an owner, some wait in the pool: {owned}"
    );
    for l in &leads {
        assert!(leadflow_shared::LeadStage::parse(&l.stage).is_some());
        assert!(leadflow_shared::Channel::parse(&l.source).is_some());
        assert_eq!(l.total_score, l.fit_score + l.engagement_score);
        let e164 = l.phone_e164.as_deref().unwrap();
        assert!(e164.starts_with("+861") && e164.len() == 14, "{e164}");
        assert_eq!(l.first_assigned_at.is_some(), l.owner_id.is_some());
    }

    // Every lead in the pipeline has its deal; the board shows them.
    let in_pipeline = leads
        .iter()
        .filter(|l| matches!(l.stage.as_str(), "opportunity" | "customer"))
        .count();
    let board = app
        .gql(
            Some(admin),
            "{ pipelineBoard(perColumn: 1) { columns { stage { kind } count } } }",
            json!({}),
        )
        .await;
    let columns = board["data"]["pipelineBoard"]["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("{board}"))
        .clone();
    let count = |kind: &str| -> i64 {
        columns
            .iter()
            .filter(|c| c["stage"]["kind"] == kind)
            .map(|c| c["count"].as_i64().unwrap())
            .sum()
    };
    assert!(in_pipeline > 0);
    assert_eq!((count("OPEN") + count("WON")) as usize, in_pipeline);
    assert!(count("LOST") > 0);
}
