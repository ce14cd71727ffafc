//! Browser tests: Chromium clicks through the real SPA served by a real server.
//!
//! Run with `cargo xtask test` (builds `dist/` first), or after `trunk build --release`:
//! `cargo test -p leadflow-e2e --test browser`.

use anyhow::Result;
use leadflow_e2e::{serial, Browser, TestApp};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_signs_in_switches_to_chinese_creates_a_rep_and_signs_out() -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let browser = Browser::start().await?;

    // Signed out, the app opens on the login page.
    browser.goto(&app.url("/")).await?;
    browser.find("[data-testid=login-page]").await?;
    browser.wait_for_path("/login").await?;
    browser.click("[data-testid=lang-en]").await?;
    browser.screenshot("01-login").await?;

    browser
        .fill("[data-testid=login-email]", &app.admin_email)
        .await?;
    browser
        .fill("[data-testid=login-password]", &app.admin_password)
        .await?;
    browser.click("[data-testid=login-submit]").await?;

    // The shell, with the (still empty) lead list and the admin's name.
    browser.find("[data-testid=app-shell]").await?;
    browser.find("[data-testid=page-leads]").await?;
    browser.wait_for_path("/leads").await?;
    browser
        .wait_for_text("[data-testid=nav-leads]", "Leads")
        .await?;
    browser
        .wait_for_text("[data-testid=current-user]", "admin")
        .await?;
    browser.screenshot("02-shell-en").await?;

    // Chinese everywhere after one click.
    browser.click("[data-testid=lang-zh]").await?;
    browser
        .wait_for_text("[data-testid=nav-leads]", "线索")
        .await?;
    browser
        .wait_for_text("[data-testid=nav-settings]", "设置")
        .await?;
    browser
        .wait_for_text("[data-testid=page-leads]", "还没有线索")
        .await?;
    browser.screenshot("03-shell-zh").await?;

    // Settings → Users lists the admin.
    browser.click("[data-testid=nav-settings]").await?;
    browser.wait_for_path("/settings/users").await?;
    browser.find("[data-testid=users-table]").await?;
    browser
        .find(r#"[data-testid=user-row][data-email="admin@example.com"]"#)
        .await?;
    browser
        .wait_for_text("[data-testid=live-indicator]", "实时")
        .await?;
    browser.screenshot("04-settings-users").await?;

    // Create a rep through the form.
    browser.click("[data-testid=new-user]").await?;
    browser.find("[data-testid=user-form]").await?;
    browser
        .fill("[data-testid=user-email]", "rep@example.com")
        .await?;
    browser.fill("[data-testid=user-name]", "王小明").await?;
    browser
        .fill("[data-testid=user-password]", "rep-password-2024")
        .await?;
    browser.select("[data-testid=user-role]", "rep").await?;
    browser.fill("[data-testid=user-capacity]", "25").await?;
    browser
        .fill("[data-testid=user-regions]", "华东, 华南")
        .await?;
    browser
        .fill("[data-testid=user-industries]", "SaaS，制造业")
        .await?;
    browser.screenshot("05-user-form").await?;
    browser.click("[data-testid=user-submit]").await?;

    browser.wait_gone("[data-testid=user-form]").await?;
    let row = r#"[data-testid=user-row][data-email="rep@example.com"]"#;
    browser.wait_for_text(row, "王小明").await?;
    browser.wait_for_text(row, "销售").await?;
    browser.wait_for_text(row, "25").await?;
    browser
        .wait_for_text("[data-testid=success-notice]", "王小明")
        .await?;
    browser.screenshot("06-rep-created").await?;

    // Another administrator adds someone over the API: the row appears live.
    let token = app.admin_token().await?;
    app.graphql(
        Some(&token),
        "mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id } userErrors { code } } }",
        json!({ "input": { "email": "manager@example.com", "name": "Li Na", "password": "manager-pw-2024", "role": "MANAGER" } }),
    )
    .await?;
    browser
        .wait_for_text(
            r#"[data-testid=user-row][data-email="manager@example.com"]"#,
            "Li Na",
        )
        .await?;
    browser.screenshot("07-live-update").await?;

    // Deactivating asks first, then shows the rep as deactivated.
    browser
        .click(&format!("{row} [data-testid=user-toggle-active]"))
        .await?;
    browser.accept_dialog().await?;
    browser.wait_for_text(row, "已停用").await?;

    // Teams: create one with Li Na as manager.
    browser.click("[data-testid=tab-teams]").await?;
    browser.wait_for_path("/settings/teams").await?;
    browser.find("[data-testid=team-form]").await?;
    browser
        .fill("[data-testid=team-name]", "华东销售一组")
        .await?;
    browser
        .select_by_label_containing("[data-testid=team-manager]", "Li Na")
        .await?;
    browser.click("[data-testid=team-create]").await?;
    let team_row = r#"[data-testid=team-row][data-name="华东销售一组"]"#;
    browser.find(team_row).await?;
    browser
        .wait_for_text("[data-testid=success-notice]", "华东销售一组")
        .await?;
    browser.screenshot("08-teams").await?;

    // API keys: the secret is shown once, with a warning, then the key is listed.
    browser.click("[data-testid=tab-api-keys]").await?;
    browser.wait_for_path("/settings/api-keys").await?;
    browser
        .fill("[data-testid=apikey-name]", "官网表单")
        .await?;
    browser.click("[data-testid=apikey-scope-CAPTURE]").await?;
    browser
        .click("[data-testid=apikey-scope-LEADS_READ]")
        .await?;
    browser.click("[data-testid=apikey-create]").await?;
    let secret = browser.find("[data-testid=apikey-secret]").await?;
    let value = secret.prop("value").await?.unwrap_or_default();
    anyhow::ensure!(value.starts_with("lf_"), "unexpected secret {value:?}");
    browser
        .wait_for_text("[data-testid=apikey-secret-box]", "只显示这一次")
        .await?;
    let key_row = r#"[data-testid=apikey-row][data-name="官网表单"]"#;
    browser.wait_for_text(key_row, "采集线索与行为事件").await?;
    browser.screenshot("09-api-key-secret").await?;
    browser.click("[data-testid=apikey-done]").await?;
    browser.wait_gone("[data-testid=apikey-secret-box]").await?;
    browser
        .click(&format!("{key_row} [data-testid=apikey-revoke]"))
        .await?;
    browser.accept_dialog().await?;
    browser.wait_for_text(key_row, "已吊销").await?;

    // Tablet portrait: the sidebar folds into a top bar and the table still fits.
    browser.client.set_window_size(768, 1024).await?;
    browser.click("[data-testid=tab-users]").await?;
    browser.find("[data-testid=users-table]").await?;
    browser.screenshot("10-tablet-users").await?;
    browser.client.set_window_size(1366, 900).await?;

    // Signing out returns to the login page, and the app stays there.
    browser.click("[data-testid=sign-out]").await?;
    browser.find("[data-testid=login-page]").await?;
    browser.wait_for_path("/login").await?;
    browser.goto(&app.url("/settings/users")).await?;
    browser.find("[data-testid=login-page]").await?;
    browser.screenshot("11-signed-out").await?;

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_shows_a_translated_error() -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let browser = Browser::start().await?;

    browser.goto(&app.url("/login")).await?;
    browser.find("[data-testid=login-page]").await?;
    browser.click("[data-testid=lang-zh]").await?;
    browser
        .fill("[data-testid=login-email]", &app.admin_email)
        .await?;
    browser
        .fill("[data-testid=login-password]", "not-the-password")
        .await?;
    browser.click("[data-testid=login-submit]").await?;

    browser
        .wait_for_text("[data-testid=login-error]", "邮箱或密码不正确")
        .await?;
    browser.screenshot("20-wrong-password-zh").await?;

    // The message follows the language, because it is translated from the error code.
    browser.click("[data-testid=lang-en]").await?;
    browser
        .wait_for_text(
            "[data-testid=login-error]",
            "Email or password is incorrect",
        )
        .await?;
    browser.screenshot("21-wrong-password-en").await?;

    // Still signed out.
    browser.wait_for_path("/login").await?;

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_access_token_is_refreshed_once_then_the_session_ends() -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let browser = Browser::start().await?;
    browser.sign_in(&app).await?;
    browser.click("[data-testid=nav-settings]").await?;
    browser.find("[data-testid=users-table]").await?;

    // The server stops accepting the access token (as when it expires)...
    let mut session = browser.stored("leadflow.session").await?;
    let old_refresh = session["refresh_token"].clone();
    session["access_token"] = json!("expired-or-forged");
    browser.store("leadflow.session", &session).await?;

    // ...the next request refreshes the session silently and the page still loads.
    browser.click("[data-testid=tab-teams]").await?;
    browser
        .find("[data-testid=teams-tab] [data-testid=empty-state]")
        .await?;
    let renewed = browser.stored("leadflow.session").await?;
    anyhow::ensure!(
        renewed["refresh_token"] != old_refresh,
        "the refresh token should have rotated"
    );
    anyhow::ensure!(renewed["access_token"] != json!("expired-or-forged"));

    // When the refresh token is no good either, the user lands on the login page.
    let dead = json!({ "access_token": "expired", "refresh_token": "revoked" });
    browser.store("leadflow.session", &dead).await?;
    browser.click("[data-testid=tab-users]").await?;
    browser.find("[data-testid=login-page]").await?;
    browser.wait_for_path("/login").await?;
    anyhow::ensure!(browser.stored("leadflow.session").await?.is_null());

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}

/// Captures `n` leads over the API, as an integration would, for paging checks.
async fn seed_leads(app: &TestApp, n: usize) -> Result<()> {
    let token = app.admin_token().await?;
    let channels = ["WEB_FORM", "PAID_ADS", "EVENT", "REFERRAL", "ORGANIC"];
    for i in 0..n {
        let data = app
            .graphql(
                Some(&token),
                "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { code message } } }",
                json!({ "input": {
                    "personName": format!("Seed Person {i:03}"),
                    "company": format!("Seed Company {i:03}"),
                    "email": format!("seed{i:03}@seed.example"),
                    "province": "广东",
                    "city": "深圳",
                    "source": channels[i % channels.len()],
                } }),
            )
            .await?;
        anyhow::ensure!(
            data["leadCapture"]["leadId"].is_string(),
            "seeding lead {i} failed: {data}"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_is_captured_by_hand_found_in_the_list_and_merged_on_the_second_try() -> Result<()> {
    let _one_at_a_time = serial().await;
    let app = TestApp::spawn().await?;
    let browser = Browser::start().await?;
    browser.sign_in(&app).await?;

    // No leads yet: the list says what to do.
    browser.find("[data-testid=page-leads]").await?;
    browser
        .wait_for_text(
            "[data-testid=lead-list] [data-testid=empty-state]",
            "No leads yet",
        )
        .await?;
    browser.screenshot("30-leads-empty").await?;

    // New lead, by hand.
    browser.click("[data-testid=new-lead]").await?;
    browser.find("[data-testid=lead-form]").await?;
    browser.fill("[data-testid=lead-name]", "张伟").await?;
    browser
        .fill("[data-testid=lead-company]", "杭州云启科技有限公司")
        .await?;
    browser.fill("[data-testid=lead-title]", "采购经理").await?;
    browser
        .fill("[data-testid=lead-phone]", "+86 138-0013-8000")
        .await?;
    browser
        .fill("[data-testid=lead-email]", "zhangwei@yunqi.example")
        .await?;
    browser.fill("[data-testid=lead-province]", "浙江").await?;
    browser.fill("[data-testid=lead-city]", "杭州").await?;
    browser
        .fill("[data-testid=lead-industry]", "制造业")
        .await?;
    browser
        .select("[data-testid=lead-source-input]", "paid_ads")
        .await?;
    browser
        .fill("[data-testid=lead-tags]", "展会，重点客户")
        .await?;
    browser.screenshot("31-lead-form").await?;
    browser.click("[data-testid=lead-submit]").await?;

    // Straight to the new lead: normalised phone, facts, the capture in the timeline.
    browser.find("[data-testid=page-lead-detail]").await?;
    browser
        .wait_for_text("[data-testid=success-notice]", "Lead created")
        .await?;
    browser
        .wait_for_text("[data-testid=lead-phone-e164]", "+8613800138000")
        .await?;
    browser
        .wait_for_text("[data-testid=lead-facts]", "Paid ads")
        .await?;
    browser
        .wait_for_text("[data-testid=lead-facts]", "重点客户")
        .await?;
    browser
        .wait_for_text(
            "[data-testid=lead-header]",
            "采购经理 · 杭州云启科技有限公司",
        )
        .await?;
    browser
        .wait_for_text(
            "[data-testid=timeline-event][data-kind=captured]",
            "Captured",
        )
        .await?;
    let detail_path = browser.client.current_url().await?.path().to_owned();
    anyhow::ensure!(
        detail_path.starts_with("/leads/"),
        "unexpected detail path {detail_path}"
    );
    browser.screenshot("32-lead-detail").await?;

    // Sixty more arrive over the API, as from an integration.
    seed_leads(&app, 60).await?;

    // Back to the list: a search finds exactly that lead, and survives a reload.
    browser.click(".back-link").await?;
    browser.wait_for_path("/leads").await?;
    browser
        .wait_for_text("[data-testid=lead-count]", "61 leads")
        .await?;
    browser.fill("[data-testid=lead-search]", "张伟").await?;
    browser.wait_for_query("q=").await?;
    browser.wait_for_count("[data-testid=lead-row]", 1).await?;
    browser
        .wait_for_text("[data-testid=lead-row]", "张伟")
        .await?;
    browser
        .wait_for_text("[data-testid=lead-row]", "+86 138-0013-8000")
        .await?;
    browser.screenshot("33-leads-search").await?;
    browser.client.refresh().await?;
    browser
        .wait_for_text("[data-testid=lead-count]", "1 lead")
        .await?;
    browser.wait_for_count("[data-testid=lead-row]", 1).await?;
    let kept = browser
        .find("[data-testid=lead-search]")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    anyhow::ensure!(kept == "张伟", "the search box lost the query: {kept:?}");

    // Paging: 50 first, then the rest on "Load more".
    browser.click("[data-testid=clear-filters]").await?;
    browser.wait_for_count("[data-testid=lead-row]", 50).await?;
    browser
        .wait_for_text("[data-testid=lead-count]", "61 leads")
        .await?;
    browser
        .wait_for_text("[data-testid=lead-count]", "showing 50")
        .await?;
    browser.screenshot("35-leads-list").await?;
    browser.click("[data-testid=load-more]").await?;
    browser.wait_for_count("[data-testid=lead-row]", 61).await?;
    browser.wait_gone("[data-testid=load-more]").await?;

    // Sort and stage filters go to the address bar; a stage nobody is in explains itself.
    browser.select("[data-testid=lead-sort]", "oldest").await?;
    browser.wait_for_query("sort=oldest").await?;
    browser
        .wait_for_text("[data-testid=lead-row]:first-child", "张伟")
        .await?;
    browser.click("[data-testid=stage-chip-lost]").await?;
    browser.wait_for_query("stage=lost").await?;
    browser
        .wait_for_text(
            "[data-testid=lead-list] [data-testid=empty-state]",
            "No leads match",
        )
        .await?;
    browser.screenshot("36-leads-no-match").await?;
    browser.click("[data-testid=clear-filters]").await?;
    browser.wait_for_count("[data-testid=lead-row]", 50).await?;
    // One source: twelve of the seeded leads came from events.
    browser.select("[data-testid=lead-source]", "event").await?;
    browser.wait_for_query("source=event").await?;
    browser
        .wait_for_text("[data-testid=lead-count]", "12 leads")
        .await?;
    browser.wait_for_count("[data-testid=lead-row]", 12).await?;
    browser.click("[data-testid=clear-filters]").await?;
    browser.wait_for_count("[data-testid=lead-row]", 50).await?;

    // The same person again, phone written differently: merged, not duplicated.
    browser.click("[data-testid=new-lead]").await?;
    browser.find("[data-testid=lead-form]").await?;
    browser.fill("[data-testid=lead-name]", "张伟").await?;
    // Without a way to reach them the server refuses, and the form says why, in place.
    browser.click("[data-testid=lead-submit]").await?;
    browser
        .wait_for_text("[data-testid=field-error-lead-email]", "This is required.")
        .await?;
    browser
        .wait_for_text("[data-testid=field-error-lead-email]", "phone number")
        .await?;
    browser.screenshot("3d-lead-form-error").await?;
    browser
        .fill("[data-testid=lead-phone]", "13800138000")
        .await?;
    browser.click("[data-testid=lead-submit]").await?;
    browser.wait_for_path(&detail_path).await?;
    browser
        .wait_for_text(
            "[data-testid=success-notice]",
            "Merged into an existing lead (matched by phone)",
        )
        .await?;
    browser
        .wait_for_text(
            "[data-testid=timeline-event][data-kind=captured_again]",
            "Captured again (merged)",
        )
        .await?;
    browser.screenshot("34-lead-merged").await?;

    // The pool: the same list, only unowned leads, and no pretend claim button.
    browser.click("[data-testid=nav-pool]").await?;
    browser.wait_for_path("/pool").await?;
    browser
        .wait_for_text(
            "[data-testid=pool-claim-note]",
            "Claiming arrives with lead routing",
        )
        .await?;
    browser
        .wait_for_text(
            "[data-testid=page-pool] [data-testid=lead-count]",
            "61 leads",
        )
        .await?;
    browser.wait_gone("[data-testid=lead-pool-only]").await?;
    browser.screenshot("37-pool").await?;

    // A lead that is not there (or not visible) says so.
    browser
        .goto(&app.url("/leads/0190f0e0-0000-7000-8000-000000000000"))
        .await?;
    browser
        .wait_for_text(
            "[data-testid=lead-not-found]",
            "This lead does not exist or is not visible to you",
        )
        .await?;
    browser.screenshot("38-lead-not-found").await?;

    // Chinese: stages, channels, event names and the count all follow.
    browser.click("[data-testid=lang-zh]").await?;
    browser.goto(&app.url(&detail_path)).await?;
    browser
        .wait_for_text("[data-testid=timeline]", "重复录入（已合并）")
        .await?;
    browser
        .wait_for_text("[data-testid=timeline]", "录入")
        .await?;
    browser
        .wait_for_text("[data-testid=lead-facts]", "付费广告")
        .await?;
    browser.screenshot("39-lead-detail-zh").await?;
    browser.goto(&app.url("/leads?sort=newest")).await?;
    browser
        .wait_for_text("[data-testid=lead-count]", "共 61 条线索")
        .await?;
    browser.wait_for_count("[data-testid=lead-row]", 50).await?;
    browser.screenshot("3a-leads-zh").await?;

    // Tablet portrait: the list drops its less useful columns, the detail stacks.
    browser.client.set_window_size(768, 1024).await?;
    browser.wait_for_count("[data-testid=lead-row]", 50).await?;
    browser.screenshot("3b-tablet-leads").await?;
    browser.goto(&app.url(&detail_path)).await?;
    browser.find("[data-testid=timeline]").await?;
    browser.screenshot("3c-tablet-lead-detail").await?;
    browser.client.set_window_size(1366, 900).await?;

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}
