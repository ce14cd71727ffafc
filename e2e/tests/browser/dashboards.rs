//! Dashboards as a sales manager and a rep use them: a small month of leads is
//! captured over the API (paid search with a campaign, the web form, a referral), some
//! are qualified, one becomes a ¥120,000 deal and is won, one is lost. The manager's
//! dashboard draws its charts, a click on the funnel's SQL bar opens exactly the two
//! leads that reached SQL, and the "Won" step's link exactly the one customer. The rep
//! sees "My performance": their own three leads and their own won amount only.

use anyhow::{ensure, Context, Result};
use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use leadflow_e2e::{serial, Browser, TestApp, USER_PASSWORD};
use serde_json::{json, Value};

const REP_EMAIL: &str = "zhou.sales@example.com";
const REP_NAME: &str = "周销售";

/// Runs a mutation and fails on any `userErrors` of the payload at `field`.
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
        "{field} refused: {errors} ({data})"
    );
    Ok(data[field].clone())
}

async fn capture(app: &TestApp, token: &str, input: Value) -> Result<String> {
    let out = mutate(
        app,
        token,
        "leadCapture",
        "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { field code message } } }",
        input,
    )
    .await?;
    out["leadId"]
        .as_str()
        .map(str::to_owned)
        .context("no lead id")
}

async fn assign(app: &TestApp, token: &str, ids: &[&str], owner: &str) -> Result<()> {
    mutate(
        app,
        token,
        "leadsAssign",
        "mutation($input: LeadsAssignInput!) { leadsAssign(input: $input) { leads { id } userErrors { field code message } } }",
        json!({ "leadIds": ids, "ownerId": owner }),
    )
    .await?;
    Ok(())
}

/// Moves leads to `stage`; returns the first lead's new version.
async fn move_stage(
    app: &TestApp,
    token: &str,
    ids: &[&str],
    stage: &str,
    reason: Option<&str>,
) -> Result<i64> {
    let out = mutate(
        app,
        token,
        "leadsMoveStage",
        "mutation($input: LeadsMoveStageInput!) { leadsMoveStage(input: $input) { leads { id version stage } userErrors { field code message } } }",
        json!({ "leadIds": ids, "stage": stage, "lostReason": reason }),
    )
    .await?;
    out["leads"][0]["version"].as_i64().context("no version")
}

/// The month's data; returns (the two SQL leads, the won lead).
async fn a_month_of_leads(app: &TestApp, token: &str, rep: &str) -> Result<(Vec<String>, String)> {
    let campaign = mutate(
        app,
        token,
        "campaignCreate",
        "mutation($input: CampaignInput!) { campaignCreate(input: $input) { campaign { id } userErrors { field code message } } }",
        json!({ "name": "双十一搜索广告", "channel": "PAID_ADS", "cost": "3000" }),
    )
    .await?;
    let campaign = campaign["campaign"]["id"]
        .as_str()
        .context("no campaign id")?
        .to_owned();
    let paid = |name: &str, email: &str| {
        json!({ "personName": name, "company": format!("{name}科技"), "email": email,
                "source": "PAID_ADS", "campaignId": campaign })
    };
    let won = capture(app, token, paid("陈明", "chenming@mingda.cn")).await?;
    let mql = capture(app, token, paid("赵敏", "zhaomin@yunqi.cn")).await?;
    let sql = capture(app, token, paid("孙丽", "sunli@haina.cn")).await?;
    let form = capture(
        app,
        token,
        json!({ "personName": "李雷", "email": "lilei@hanmei.cn", "source": "WEB_FORM" }),
    )
    .await?;
    let lost = capture(
        app,
        token,
        json!({ "personName": "王芳", "email": "wangfang@xinda.cn", "source": "REFERRAL" }),
    )
    .await?;
    capture(
        app,
        token,
        json!({ "personName": "刘洋", "email": "liuyang@pool.cn", "source": "WEB_FORM" }),
    )
    .await?;

    // The rep works three of them; the manager keeps the SQL and the lost one.
    assign(app, token, &[&won, &mql, &form], rep).await?;
    move_stage(app, token, &[&mql], "MQL", None).await?;
    move_stage(app, token, &[&sql], "SQL", None).await?;
    let version = move_stage(app, token, &[&won], "SQL", None).await?;
    move_stage(app, token, &[&lost], "LOST", Some("没有预算")).await?;

    // The SQL becomes a ¥120,000 deal, and the deal is won.
    let converted = mutate(
        app,
        token,
        "leadConvert",
        "mutation($input: LeadConvertInput!) { leadConvert(input: $input) { opportunity { id version } userErrors { field code message } } }",
        json!({ "leadId": won, "leadVersion": version, "name": "明达 MES 项目", "amount": "120000" }),
    )
    .await?;
    let deal = &converted["opportunity"];
    let board = app
        .graphql(
            Some(token),
            "{ pipelineBoard { pipeline { stages { id kind } } } }",
            json!({}),
        )
        .await?;
    let won_stage = board["pipelineBoard"]["pipeline"]["stages"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["kind"] == "WON"))
        .and_then(|s| s["id"].as_str())
        .context("no won stage")?
        .to_owned();
    mutate(
        app,
        token,
        "opportunityMove",
        "mutation($input: OpportunityMoveInput!) { opportunityMove(input: $input) { opportunity { id } userErrors { field code message } } }",
        json!({ "id": deal["id"], "stageId": won_stage, "version": deal["version"] }),
    )
    .await?;
    Ok((vec![won.clone(), sql], won))
}

/// Waits until the canvas is drawn, and checks that it is not blank.
async fn expect_drawn(browser: &Browser, testid: &str) -> Result<()> {
    let css = format!("[data-testid={testid}]");
    browser.wait_for_attr(&css, "data-drawn", "true").await?;
    let inked = browser
        .client
        .execute(
            "const c = document.querySelector(arguments[0]);
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let n = 0;
             for (let i = 0; i < d.length; i += 4) { if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) n++; }
             return n;",
            vec![json!(css)],
        )
        .await?;
    let inked = inked.as_u64().unwrap_or_default();
    ensure!(inked > 500, "{testid} looks blank ({inked} inked pixels)");
    Ok(())
}

/// Clicks with the mouse in the middle of item `index` of a chart, where its
/// `data-hits` says the item was drawn.
async fn click_item(browser: &Browser, testid: &str, index: usize) -> Result<()> {
    let at = browser
        .client
        .execute(
            "const c = document.querySelector(arguments[0]);
             c.scrollIntoView({ block: 'center' });
             const box = c.getBoundingClientRect();
             const [x0, y0, x1, y1] = c.dataset.hits.split(';')[arguments[1]].split(',').map(Number);
             return [box.left + (x0 + x1) / 2, box.top + (y0 + y1) / 2];",
            vec![json!(format!("[data-testid={testid}]")), json!(index)],
        )
        .await?;
    let (x, y) = (
        at[0].as_f64().context("no x")?,
        at[1].as_f64().context("no y")?,
    );
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.client.perform_actions(mouse).await?;
    Ok(())
}

/// Waits until the list shows exactly these leads.
async fn expect_leads(browser: &Browser, ids: &[String]) -> Result<()> {
    browser
        .wait_for_count("[data-testid=lead-row]", ids.len())
        .await?;
    for id in ids {
        browser
            .find(&format!(r#"[data-testid=lead-row][data-id="{id}"]"#))
            .await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reads_the_funnel_drills_into_its_leads_and_a_rep_sees_only_their_own_numbers(
) -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let token = app.admin_token().await?;
    let rep = app.create_user(REP_EMAIL, REP_NAME, "REP").await?;
    let (sqls, won) = a_month_of_leads(&app, &token, &rep).await?;

    let browser = Browser::start().await?;
    browser.client.set_window_size(1440, 2600).await?;
    browser.sign_in(&app).await?;
    browser.click("[data-testid=lang-en]").await?;
    browser.click("[data-testid=nav-dashboards]").await?;
    browser.wait_for_path("/dashboards").await?;

    // This month: six leads, three reached MQL, two SQL, one won for ¥120,000.
    browser
        .wait_for_exact_text("[data-testid=kpi-leads-value]", "6")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-mql-value]", "3")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-sql-value]", "2")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-won-value]", "¥120,000")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-cpl-value]", "¥500")
        .await?;
    browser
        .wait_for_attr("[data-testid=funnel-row][data-step=sql]", "data-count", "2")
        .await?;
    for chart in [
        "chart-funnel",
        "chart-trend",
        "chart-sources",
        "chart-source-share",
        "chart-leaderboard",
        "chart-lost",
    ] {
        expect_drawn(&browser, chart).await?;
    }
    browser
        .wait_for_attr("[data-testid=chart-funnel]", "data-items", "5")
        .await?;
    let shot = browser.screenshot("dashboards-01-manager").await?;
    println!("screenshot: {}", shot.display());

    // A real click on the canvas, on the funnel's SQL bar, opens its two leads.
    click_item(&browser, "chart-funnel", 2).await?;
    browser.wait_for_path("/leads").await?;
    browser.wait_for_query("reached=sql").await?;
    browser.find("[data-testid=drill-banner]").await?;
    expect_leads(&browser, &sqls).await?;
    browser.screenshot("dashboards-02-drill-sql").await?;

    // Back, and the "Won" step's link (the keyboard way) opens the one customer.
    browser.click("[data-testid=drill-back]").await?;
    browser.wait_for_path("/dashboards").await?;
    browser.click("[data-testid=funnel-link-won]").await?;
    browser.wait_for_query("reached=won").await?;
    expect_leads(&browser, std::slice::from_ref(&won)).await?;

    // Paid search only: the filter lives in the address bar.
    browser
        .goto(&app.url("/dashboards?source=paid_ads"))
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-leads-value]", "3")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-roi-value]", "3900%")
        .await?;

    // The rep: "My performance", three leads of their own, their own win.
    browser.click("[data-testid=sign-out]").await?;
    browser.wait_for_path("/login").await?;
    browser.sign_in_as(&app, REP_EMAIL, USER_PASSWORD).await?;
    browser
        .wait_for_exact_text("[data-testid=nav-dashboards]", "My performance")
        .await?;
    browser.click("[data-testid=nav-dashboards]").await?;
    browser
        .wait_for_attr("[data-testid=page-dashboards]", "data-view", "mine")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-leads-value]", "3")
        .await?;
    browser
        .wait_for_exact_text("[data-testid=kpi-won-value]", "¥120,000")
        .await?;
    browser
        .wait_for_count("[data-testid=leaderboard-row]", 1)
        .await?;
    browser
        .find(&format!(
            r#"[data-testid=leaderboard-row][data-owner="{rep}"]"#
        ))
        .await?;
    ensure!(
        browser
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=dash-team]"))
            .await?
            .is_empty(),
        "a rep has no team filter"
    );
    expect_drawn(&browser, "chart-funnel").await?;
    browser.screenshot("dashboards-03-my-performance").await?;

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}
