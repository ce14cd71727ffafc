//! The sales pipeline seen by two people at once: one drags a deal to the next stage
//! and the columns' counts and sums follow, while a colleague's board (never reloaded)
//! shows the same move live; and a deal that is already lost cannot be dragged back
//! into play — the server refuses, the card returns, and the refusal is told in a toast.

use anyhow::{ensure, Context, Result};
use leadflow_e2e::{serial, Browser, TestApp, USER_PASSWORD};
use serde_json::{json, Value};

const SECOND_ADMIN_EMAIL: &str = "zhouyi@example.com";
const BIG_DEAL: &str = "明达精密 MES 项目";
const SMALL_DEAL: &str = "云栖科技 CRM 部署";

/// Runs `query` as `token` and fails on any `userErrors` of the payload at `field`.
async fn mutate(
    app: &TestApp,
    token: &str,
    field: &str,
    query: &str,
    input: Value,
) -> Result<Value> {
    let data = app
        .graphql(Some(token), query, json!({ "input": input }))
        .await?;
    let errors = &data[field]["userErrors"];
    ensure!(
        errors.as_array().is_some_and(Vec::is_empty),
        "{field} refused: {errors}"
    );
    Ok(data[field].clone())
}

/// "YYYY-06-30" of next year: a close date that is never overdue.
fn next_june() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    // Mean Gregorian year in seconds; the start of a year may be off by a day, which
    // does not matter half a year later.
    let year = 1970 + secs / 31_556_952;
    format!("{}-06-30", year + 1)
}

/// Captures a lead, qualifies it to SQL and converts it into a deal of `amount`;
/// returns the deal's id.
async fn deal_from_a_new_lead(
    app: &TestApp,
    token: &str,
    person: &str,
    company: &str,
    phone: &str,
    deal_name: &str,
    amount: &str,
) -> Result<String> {
    let captured = mutate(
        app,
        token,
        "leadCapture",
        "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { field code message } } }",
        json!({ "personName": person, "company": company, "phone": phone, "source": "INBOUND" }),
    )
    .await?;
    let lead_id = captured["leadId"]
        .as_str()
        .context("no lead id")?
        .to_owned();

    let moved = mutate(
        app,
        token,
        "leadsMoveStage",
        "mutation($input: LeadsMoveStageInput!) { leadsMoveStage(input: $input) { leads { id version stage } userErrors { field code message } } }",
        json!({ "leadIds": [lead_id], "stage": "SQL" }),
    )
    .await?;
    let lead = &moved["leads"][0];
    ensure!(lead["stage"] == "SQL", "the lead is not an SQL: {lead}");
    let version = lead["version"].as_i64().context("no lead version")?;

    let converted = mutate(
        app,
        token,
        "leadConvert",
        "mutation($input: LeadConvertInput!) { leadConvert(input: $input) { opportunity { id } userErrors { field code message } } }",
        json!({
            "leadId": lead_id,
            "leadVersion": version,
            "name": deal_name,
            "amount": amount,
            "expectedCloseOn": next_june(),
        }),
    )
    .await?;
    converted["opportunity"]["id"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no deal from {converted}"))
}

/// Opens the deal board and waits until it is loaded and listening for live changes.
async fn open_board(browser: &Browser, app: &TestApp) -> Result<()> {
    browser.goto(&app.url("/pipeline")).await?;
    browser.find("[data-testid=pipeline-board]").await?;
    browser
        .wait_for_attr("[data-testid=pipeline-live]", "class", "live-dot is-live")
        .await?;
    Ok(())
}

fn column(stage_id: &str) -> String {
    format!(r#"[data-testid=board-column][data-stage-id="{stage_id}"]"#)
}

fn card(deal_id: &str) -> String {
    format!(r#"[data-testid=deal-card][data-deal-id="{deal_id}"]"#)
}

/// Waits until a column's count, amount and weighted amount read exactly these.
async fn expect_sums(
    browser: &Browser,
    stage_id: &str,
    count: &str,
    amount: &str,
    weighted: &str,
) -> Result<()> {
    let col = column(stage_id);
    for (testid, expected) in [
        ("column-count", count),
        ("column-amount", amount),
        ("column-weighted", weighted),
    ] {
        browser
            .wait_for_exact_text(&format!("{col} [data-testid={testid}]"), expected)
            .await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deal_dragged_to_the_next_stage_moves_on_a_colleagues_board_and_a_lost_one_stays_lost(
) -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let token = app.admin_token().await?;
    app.create_user(SECOND_ADMIN_EMAIL, "周怡", "ADMIN").await?;

    // Two qualified leads became deals: ¥100,000 and ¥50,000, both in the first stage.
    let big = deal_from_a_new_lead(
        &app,
        &token,
        "陈明",
        "苏州明达精密机械有限公司",
        "13912345678",
        BIG_DEAL,
        "100000",
    )
    .await?;
    let small = deal_from_a_new_lead(
        &app,
        &token,
        "赵敏",
        "杭州云栖科技有限公司",
        "13957123456",
        SMALL_DEAL,
        "50000",
    )
    .await?;

    let data = app
        .graphql(
            Some(&token),
            "{ pipelineBoard { pipeline { stages { id name kind } } } }",
            json!({}),
        )
        .await?;
    let stages = data["pipelineBoard"]["pipeline"]["stages"]
        .as_array()
        .context("no stages")?;
    let stage_id = |name: &str| -> Result<String> {
        stages
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["id"].as_str())
            .map(str::to_owned)
            .with_context(|| format!("no stage {name} in {stages:?}"))
    };
    let (first, second, lost) = (
        stage_id("初步接洽")?,
        stage_id("方案演示")?,
        stage_id("输单")?,
    );
    ensure!(
        stages.first().and_then(|s| s["id"].as_str()) == Some(first.as_str()),
        "初步接洽 is not the first stage: {stages:?}"
    );

    // Both admins have the board open.
    let a = Browser::start().await?;
    a.sign_in(&app).await?;
    open_board(&a, &app).await?;
    let b = Browser::start().await?;
    b.sign_in_as(&app, SECOND_ADMIN_EMAIL, USER_PASSWORD)
        .await?;
    open_board(&b, &app).await?;
    for browser in [&a, &b] {
        browser
            .find(&format!("{} {}", column(&first), card(&big)))
            .await?;
        browser
            .find(&format!("{} {}", column(&first), card(&small)))
            .await?;
        expect_sums(browser, &first, "2", "¥150,000", "¥15,000").await?;
        expect_sums(browser, &second, "0", "¥0", "¥0").await?;
    }

    // A drags the ¥100,000 deal from 初步接洽 to 方案演示 (30%).
    a.drag_and_drop(&card(&big), &column(&second)).await?;
    a.find(&format!("{} {}", column(&second), card(&big)))
        .await?;
    a.wait_gone(&format!("{} {}", column(&first), card(&big)))
        .await?;
    expect_sums(&a, &first, "1", "¥50,000", "¥5,000").await?;
    expect_sums(&a, &second, "1", "¥100,000", "¥30,000").await?;
    // The server took it: the card carries the next version, and so does the API.
    a.wait_for_attr(&card(&big), "data-version", "2").await?;
    let data = app
        .graphql(
            Some(&token),
            "query($id: ID!) { opportunity(id: $id) { version stage { id } } }",
            json!({ "id": big }),
        )
        .await?;
    ensure!(
        data["opportunity"]["stage"]["id"] == second.as_str(),
        "the move was not saved: {data}"
    );
    a.screenshot("pipeline-board-a").await?;

    // B never reloads: the move arrives through the subscription.
    b.find(&format!("{} {}", column(&second), card(&big)))
        .await?;
    b.wait_gone(&format!("{} {}", column(&first), card(&big)))
        .await?;
    b.wait_for_attr(&card(&big), "data-version", "2").await?;
    expect_sums(&b, &first, "1", "¥50,000", "¥5,000").await?;
    expect_sums(&b, &second, "1", "¥100,000", "¥30,000").await?;
    b.screenshot("pipeline-board-b").await?;

    // Meanwhile the ¥50,000 deal is lost, over the API, for one of the admin's reasons.
    let data = app
        .graphql(
            Some(&token),
            "query($id: ID!) { lifecycleSettings { lostReasons } opportunity(id: $id) { version } }",
            json!({ "id": small }),
        )
        .await?;
    let reason = data["lifecycleSettings"]["lostReasons"][0]
        .as_str()
        .context("no lost reasons")?
        .to_owned();
    let version = data["opportunity"]["version"]
        .as_i64()
        .context("no deal version")?;
    mutate(
        &app,
        &token,
        "opportunityMove",
        "mutation($input: OpportunityMoveInput!) { opportunityMove(input: $input) { opportunity { id } userErrors { field code message } } }",
        json!({ "id": small, "stageId": lost, "version": version, "lostReason": reason }),
    )
    .await?;

    // A reloads and finds it lost; dragging it back into 方案演示 is refused.
    open_board(&a, &app).await?;
    let lost_card = format!("{} {}", column(&lost), card(&small));
    a.wait_for_text(&lost_card, &reason).await?;
    expect_sums(&a, &first, "0", "¥0", "¥0").await?;
    expect_sums(&a, &lost, "1", "¥50,000", "¥0").await?;
    a.drag_and_drop(&card(&small), &column(&second)).await?;
    let toast = "[data-testid=toast].toast-error";
    a.wait_for_text(toast, SMALL_DEAL).await?;
    a.wait_for_text(toast, "closed").await?;
    a.find(&lost_card).await?;
    a.wait_gone(&format!("{} {}", column(&second), card(&small)))
        .await?;
    expect_sums(&a, &second, "1", "¥100,000", "¥30,000").await?;
    expect_sums(&a, &lost, "1", "¥50,000", "¥0").await?;
    // 赢单 and 输单 are past the right edge of a laptop screen: scroll the board there.
    a.client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'nearest', inline: 'end' });",
            vec![json!(column(&lost))],
        )
        .await?;
    a.screenshot("pipeline-refused").await?;

    // Nothing moved on the server either.
    let data = app
        .graphql(
            Some(&token),
            "query($id: ID!) { opportunity(id: $id) { version stage { id } } }",
            json!({ "id": small }),
        )
        .await?;
    ensure!(
        data["opportunity"]["stage"]["id"] == lost.as_str()
            && data["opportunity"]["version"].as_i64() == Some(version + 1),
        "the lost deal changed: {data}"
    );

    a.close().await?;
    b.close().await?;
    app.shutdown().await;
    Ok(())
}
