//! Lead routing seen by the people it serves: a rule hands a web-form lead to a rep, who
//! hears about it at once (toast and bell) while their manager watches it land in the
//! live feed; and a rep claims a lead nobody was given from the pool.

use anyhow::{ensure, Context, Result};
use leadflow_e2e::{serial, Browser, TestApp, USER_PASSWORD};
use serde_json::{json, Value};

const REP_EMAIL: &str = "wangfang@example.com";
const REP_NAME: &str = "王芳";
const MANAGER_EMAIL: &str = "lina@example.com";
const RULE_LABEL: &str = "全部给销售";

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

/// Puts `user` in a new team managed by `manager`.
async fn team_of(app: &TestApp, token: &str, manager: &str, user: &str) -> Result<()> {
    let team = mutate(
        app,
        token,
        "teamCreate",
        "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id } userErrors { field code message } } }",
        json!({ "name": "华东销售一组", "managerId": manager }),
    )
    .await?;
    let team_id = team["team"]["id"].as_str().context("no team id")?;
    mutate(
        app,
        token,
        "userUpdate",
        "mutation($input: UserUpdateInput!) { userUpdate(input: $input) { user { id } userErrors { field code message } } }",
        json!({ "id": user, "teamId": team_id }),
    )
    .await?;
    Ok(())
}

/// Signs in on the login page in Chinese, the way these users work.
async fn sign_in_zh(browser: &Browser, app: &TestApp, email: &str) -> Result<()> {
    browser.goto(&app.url("/login")).await?;
    browser.click("[data-testid=lang-zh]").await?;
    browser.sign_in_as(app, email, USER_PASSWORD).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_gives_a_web_form_lead_to_a_rep_who_is_told_while_the_manager_watches_the_feed(
) -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let token = app.admin_token().await?;

    // The admin's setup: 李娜 manages 王芳; every lead goes to 王芳 on capture; a first
    // contact is due within 30 minutes around the clock; and a web-to-lead form.
    let manager = app.create_user(MANAGER_EMAIL, "李娜", "MANAGER").await?;
    let rep = app.create_user(REP_EMAIL, REP_NAME, "REP").await?;
    team_of(&app, &token, &manager, &rep).await?;
    mutate(
        &app,
        &token,
        "routingConfigSave",
        "mutation($input: RoutingConfigSaveInput!) { routingConfigSave(input: $input) { routing { version } userErrors { field code message } } }",
        json!({
            "rules": {
                "rules": [{ "id": "all", "label": RULE_LABEL, "strategy": { "kind": "REP", "userId": rep } }],
                "fallback": { "kind": "POOL" },
            },
            "trigger": "ON_CAPTURE",
        }),
    )
    .await?;
    mutate(
        &app,
        &token,
        "slaPolicySave",
        "mutation($input: SlaPolicySaveInput!) { slaPolicySave(input: $input) { policy { id } userErrors { field code message } } }",
        json!({
            "name": "首次联系 30 分钟",
            "workingHours": { "utcOffsetMinutes": 480, "periods": [{
                "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"],
                "from": "00:00", "to": "24:00",
            }] },
            "remindAfterMinutes": 30,
            "escalateAfterMinutes": 60,
            "recycleAfterMinutes": 240,
            "recycleAction": "POOL",
        }),
    )
    .await?;
    let form = mutate(
        &app,
        &token,
        "formCreate",
        "mutation($input: FormCreateInput!) { formCreate(input: $input) { form { key path } userErrors { field code message } } }",
        json!({
            "name": "产品演示预约",
            "fields": [
                { "name": "personName", "label": "姓名", "required": true },
                { "name": "company", "label": "公司", "required": false },
                { "name": "phone", "label": "手机", "required": true },
            ],
        }),
    )
    .await?;
    let form_path = form["form"]["path"]
        .as_str()
        .context("no form path")?
        .to_owned();
    ensure!(form_path.starts_with("/f/"), "form path {form_path}");

    // The rep is signed in somewhere in the app, with the bell listening.
    let rep_browser = Browser::start().await?;
    sign_in_zh(&rep_browser, &app, REP_EMAIL).await?;
    rep_browser
        .wait_for_attr("[data-testid=notification-bell]", "data-live", "true")
        .await?;
    rep_browser
        .wait_gone("[data-testid=notification-count]")
        .await?;

    // The manager watches the team's feed, live and still empty.
    let manager_browser = Browser::start().await?;
    sign_in_zh(&manager_browser, &app, MANAGER_EMAIL).await?;
    manager_browser.goto(&app.url("/feed")).await?;
    manager_browser.find("[data-testid=page-feed]").await?;
    manager_browser
        .wait_for_attr(
            "[data-testid=feed-scope] [data-scope=TEAM]",
            "aria-pressed",
            "true",
        )
        .await?;
    manager_browser
        .wait_for_attr("[data-testid=feed-live]", "class", "live live-on")
        .await?;
    manager_browser
        .wait_for_count("[data-testid=feed-row]", 0)
        .await?;

    // A visitor fills in the form on the company's website: a plain form POST.
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let response = visitor
        .post(app.url(&form_path))
        .form(&[
            ("personName", "赵敏"),
            ("company", "杭州云栖科技有限公司"),
            ("phone", "139 5712 3456"),
            ("website", ""),
        ])
        .send()
        .await?;
    ensure!(
        response.status() == reqwest::StatusCode::SEE_OTHER,
        "the form answered {}",
        response.status()
    );

    // The rep hears about it at once: a toast naming the lead, and one unread on the bell.
    let toast = "[data-testid=toast]";
    rep_browser.wait_for_text(toast, "赵敏").await?;
    rep_browser
        .wait_for_text("[data-testid=notification-count]", "1")
        .await?;
    let link = rep_browser
        .find(&format!("{toast} a.toast-link"))
        .await?
        .attr("href")
        .await?
        .context("the toast has no link")?;
    ensure!(link.starts_with("/leads/"), "toast link {link}");
    rep_browser.screenshot("routing-rep-toast").await?;

    // The rep opens the lead from the toast: theirs, by the rule, with the clock running.
    rep_browser.click(&format!("{toast} a.toast-link")).await?;
    rep_browser.wait_for_path(&link).await?;
    rep_browser
        .wait_for_text("[data-testid=lead-ownership-owner]", REP_NAME)
        .await?;
    let assignment = "[data-testid=lead-assignments] [data-testid=lead-assignment]";
    rep_browser
        .wait_for_attr(assignment, "data-reason", "rule")
        .await?;
    rep_browser
        .wait_for_text(
            &format!("{assignment} [data-testid=lead-assignment-rule]"),
            RULE_LABEL,
        )
        .await?;
    rep_browser.wait_for_text(assignment, REP_NAME).await?;
    rep_browser
        .wait_for_attr("[data-testid=lead-sla]", "data-state", "running")
        .await?;
    rep_browser
        .wait_for_text("[data-testid=lead-sla]", "首次联系 30 分钟")
        .await?;
    rep_browser.screenshot("routing-rep-lead").await?;

    // The manager saw it land in the team's feed: the lead, the rule, the new owner.
    let row = "[data-testid=feed-row]";
    manager_browser.wait_for_text(row, "赵敏").await?;
    manager_browser.wait_for_text(row, RULE_LABEL).await?;
    manager_browser.wait_for_text(row, REP_NAME).await?;
    manager_browser
        .wait_for_attr(row, "data-reason", "rule")
        .await?;
    manager_browser.wait_for_count(row, 1).await?;
    manager_browser.screenshot("routing-manager-feed").await?;

    rep_browser.close().await?;
    manager_browser.close().await?;
    app.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_rules_a_lead_waits_in_the_pool_until_a_rep_claims_it() -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let token = app.admin_token().await?;
    app.create_user(REP_EMAIL, REP_NAME, "REP").await?;
    // No routing rules saved: every captured lead waits in the pool.
    let data = app
        .graphql(
            Some(&token),
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { code message } } }",
            json!({ "input": {
                "personName": "孙立",
                "company": "无锡恒达机械有限公司",
                "phone": "13861234567",
                "source": "INBOUND",
            } }),
        )
        .await?;
    let lead_id = data["leadCapture"]["leadId"]
        .as_str()
        .with_context(|| format!("capturing failed: {data}"))?
        .to_owned();

    let browser = Browser::start().await?;
    sign_in_zh(&browser, &app, REP_EMAIL).await?;
    browser.goto(&app.url("/pool")).await?;
    browser.find("[data-testid=page-pool]").await?;
    let row = format!(r#"[data-testid=lead-row][data-id="{lead_id}"]"#);
    browser.wait_for_text(&row, "孙立").await?;
    let status = "[data-testid=pool-claim-status]";
    let remaining = browser
        .find(status)
        .await?
        .attr("data-remaining")
        .await?
        .and_then(|n| n.parse::<u32>().ok())
        .context("no claims left to count")?;
    ensure!(remaining > 0, "no claims left");
    browser
        .click(&format!(
            r#"[data-testid=pool-claim][data-lead-id="{lead_id}"]"#
        ))
        .await?;

    // Claimed: a success toast naming the lead, and the row leaves the pool.
    browser
        .wait_for_text("[data-testid=toast].toast-success", "孙立")
        .await?;
    browser.wait_gone(&row).await?;
    browser
        .wait_for_attr(status, "data-remaining", &(remaining - 1).to_string())
        .await?;
    browser.screenshot("pool-claim").await?;

    // It is the rep's now, claimed by hand.
    browser.goto(&app.url(&format!("/leads/{lead_id}"))).await?;
    browser
        .wait_for_text("[data-testid=lead-ownership-owner]", REP_NAME)
        .await?;
    browser
        .wait_for_attr(
            "[data-testid=lead-assignments] [data-testid=lead-assignment]",
            "data-reason",
            "claim",
        )
        .await?;

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}
