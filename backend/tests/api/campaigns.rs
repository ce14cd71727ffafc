//! Campaigns: spend recorded in exact money, leads counted against them.

use serde_json::json;

use crate::helpers::{error_code, spawn_app};

const CREATE: &str = "mutation($input: CampaignInput!) { campaignCreate(input: $input) {
    campaign { id name channel cost currency startsOn endsOn } userErrors { field code } } }";

#[tokio::test]
async fn marketers_record_campaigns_and_leads_point_at_them() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "2026 上海工博会", "channel": "EVENT", "cost": "¥180,000.5", "startsOn": "2026-09-15", "endsOn": "2026-09-19" } }),
        )
        .await;
    let campaign = &created["data"]["campaignCreate"]["campaign"];
    assert_eq!(campaign["cost"], "180000.50");
    assert_eq!(campaign["currency"], "CNY");
    let id = campaign["id"].as_str().unwrap().to_string();

    let bad = [
        (
            json!({ "name": "2026 上海工博会", "channel": "EVENT", "cost": "1" }),
            "name",
            "TAKEN",
        ),
        (
            json!({ "name": "x", "channel": "EVENT", "cost": "-5" }),
            "cost",
            "INVALID",
        ),
        (
            json!({ "name": "x", "channel": "EVENT", "cost": "1.999" }),
            "cost",
            "INVALID",
        ),
        (
            json!({ "name": "x", "channel": "EVENT", "cost": "1", "currency": "yuan" }),
            "currency",
            "INVALID",
        ),
        (
            json!({ "name": "x", "channel": "EVENT", "cost": "1", "startsOn": "2026-10-02", "endsOn": "2026-10-01" }),
            "endsOn",
            "INVALID",
        ),
    ];
    for (input, field, code) in bad {
        let body = app
            .gql(Some(&admin), CREATE, json!({ "input": input }))
            .await;
        let errors = &body["data"]["campaignCreate"]["userErrors"];
        assert_eq!(
            (errors[0]["field"].as_str(), errors[0]["code"].as_str()),
            (Some(field), Some(code)),
            "{input} -> {body}"
        );
    }

    app.create_user(&admin, "rep@example.com", "REP", None)
        .await;
    let rep = app.login("rep@example.com", "rep-password-123").await["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let denied = app
        .gql(
            Some(&rep),
            CREATE,
            json!({ "input": { "name": "y", "channel": "OTHER", "cost": "1" } }),
        )
        .await;
    assert_eq!(error_code(&denied), "FORBIDDEN");
    let listed = app
        .gql(Some(&rep), "{ campaigns { name cost } }", json!({}))
        .await;
    assert_eq!(
        listed["data"]["campaigns"],
        json!([{ "name": "2026 上海工博会", "cost": "180000.50" }])
    );

    for (i, campaign) in [Some(id.as_str()), None].into_iter().enumerate() {
        app.gql(
            Some(&admin),
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId } }",
            json!({ "input": { "personName": format!("访客{i}"), "email": format!("v{i}@example.cn"), "source": "EVENT", "campaignId": campaign } }),
        )
        .await;
    }
    let filtered = app
        .gql(Some(&admin), "query($c: ID!) { leads(filter: { campaignId: $c }) { totalCount edges { node { personName campaignId } } } }", json!({ "c": id }))
        .await;
    assert_eq!(filtered["data"]["leads"]["totalCount"], 1);
    assert_eq!(
        filtered["data"]["leads"]["edges"][0]["node"]["personName"],
        "访客0"
    );

    let updated = app
        .gql(
            Some(&admin),
            "mutation($id: ID!, $input: CampaignInput!) { campaignUpdate(id: $id, input: $input) { campaign { cost channel } userErrors { code } } }",
            json!({ "id": id, "input": { "name": "2026 上海工博会", "channel": "EVENT", "cost": "200000" } }),
        )
        .await;
    assert_eq!(
        updated["data"]["campaignUpdate"]["campaign"],
        json!({ "cost": "200000.00", "channel": "EVENT" })
    );
}
