//! Nurture journeys as a marketer builds one: an admin draws a four-step journey with
//! the mouse (trigger, email, wait, exit dragged from the palette, ports connected by
//! dragging), picks the email template, activates it; a lead captured over the API is
//! enrolled at once, shows on the canvas counts, and its email arrives at a real SMTP
//! server on 127.0.0.1. The dry run then walks the same lead through in the browser.

use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use leadflow_e2e::smtp::SmtpSink;
use leadflow_e2e::{serial, Browser, TestApp};
use serde_json::json;

const SUBJECT: &str = "Thanks for visiting our booth";
const LEAD_EMAIL: &str = "wangwei@expo.example";

fn node(id: &str) -> String {
    format!("[data-testid=jd-node][data-node={id}]")
}

fn port_out(id: &str, port: &str) -> String {
    format!("[data-testid=port-out][data-node={id}][data-port={port}]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_draws_a_journey_with_the_mouse_and_a_captured_lead_gets_its_email() -> Result<()>
{
    let _one_at_a_time = serial().await;
    let sink = SmtpSink::start().await?;
    let smtp = sink.config();
    let app = TestApp::spawn_with(move |c| c.smtp = Some(smtp)).await?;
    let token = app.admin_token().await?;
    let created = app
        .graphql(
            Some(&token),
            "mutation($input: EmailTemplateCreateInput!) { emailTemplateCreate(input: $input) { template { id } userErrors { field message } } }",
            json!({ "input": {
                "name": "Expo welcome",
                "subject": SUBJECT,
                "body": "Hi {{name}},\n\nit was good to meet {{company}} at the expo. {{owner_name}} will be in touch.\n\nhttps://leadflow.test/brochure",
            } }),
        )
        .await?;
    let template_id = created["emailTemplateCreate"]["template"]["id"]
        .as_str()
        .with_context(|| format!("creating the template failed: {created}"))?
        .to_owned();

    let browser = Browser::start().await?;
    browser.goto(&app.url("/login")).await?;
    browser.click("[data-testid=lang-en]").await?;
    browser.sign_in(&app).await?;
    browser.click("[data-testid=nav-journeys]").await?;
    browser.wait_for_path("/journeys").await?;
    browser.find("[data-testid=journeys-empty]").await?;

    // A blank journey opens in the designer.
    browser
        .fill("[data-testid=journey-new-name]", "Expo follow-up")
        .await?;
    browser.click("[data-testid=journey-new-blank]").await?;
    browser.find("[data-testid=jd-canvas]").await?;
    browser
        .wait_for_value("[data-testid=jd-name]", "Expo follow-up")
        .await?;
    browser
        .wait_for_attr("[data-testid=journey-status]", "data-status", "draft")
        .await?;

    // Drag the trigger and three steps from the palette onto the canvas.
    let canvas = "[data-testid=jd-canvas]";
    browser
        .mouse_drag(
            "[data-testid=jd-palette-trigger][data-kind=trigger-source]",
            canvas,
            -120.0,
            -260.0,
        )
        .await?;
    browser
        .wait_for_attr("[data-testid=jd-trigger]", "data-kind", "source")
        .await?;
    for (kind, dy) in [("email", -110.0), ("wait", 40.0), ("exit", 190.0)] {
        browser
            .mouse_drag(
                &format!("[data-testid=jd-palette-node][data-kind={kind}]"),
                canvas,
                -120.0,
                dy,
            )
            .await?;
        browser.find(&node(&format!("{kind}-1"))).await?;
    }
    // Nothing is connected yet: the shared validation says so on the trigger.
    browser
        .wait_for_text(
            "[data-testid=jd-problem][data-node=trigger]",
            "connect the trigger",
        )
        .await?;

    // Connect the ports by dragging from each output to the next node; until the path
    // reaches them, the steps below are marked as unreachable.
    browser
        .mouse_drag(&port_out("trigger", "next"), &node("email-1"), 0.0, 0.0)
        .await?;
    browser
        .wait_gone("[data-testid=jd-problem][data-node=trigger]")
        .await?;
    browser
        .wait_for_text("[data-testid=jd-problem][data-node=exit-1]", "no path")
        .await?;
    browser.screenshot("jrn-01-half-connected").await?;
    browser
        .mouse_drag(&port_out("email-1", "next"), &node("wait-1"), 0.0, 0.0)
        .await?;
    browser
        .mouse_drag(&port_out("wait-1", "next"), &node("exit-1"), 0.0, 0.0)
        .await?;
    browser.wait_for_count("[data-testid=jd-edge]", 3).await?;
    browser
        .wait_gone("[data-testid=jd-problem][data-node=exit-1]")
        .await?;

    // Move a node with the mouse: it follows and stays connected.
    browser
        .mouse_drag(&node("exit-1"), &node("exit-1"), 60.0, 20.0)
        .await?;
    browser.wait_for_count("[data-testid=jd-edge]", 3).await?;

    // Pick the email's template in the side panel.
    browser.click(&node("email-1")).await?;
    browser
        .select("[data-testid=jd-template]", &template_id)
        .await?;
    browser
        .wait_for_text(
            &format!("{} .jd-node-summary", node("email-1")),
            "Expo welcome",
        )
        .await?;
    browser.find("[data-testid=jd-ready]").await?;
    browser.click("[data-testid=jd-zoom-in]").await?;
    browser
        .wait_for_text("[data-testid=jd-zoom-level]", "120%")
        .await?;
    browser.click("[data-testid=jd-zoom-out]").await?;
    browser
        .wait_for_text("[data-testid=jd-zoom-level]", "100%")
        .await?;
    browser.screenshot("jrn-02-designed").await?;

    // Activate: version 1 goes live.
    browser.click("[data-testid=jd-activate]").await?;
    browser
        .wait_for_attr("[data-testid=journey-status]", "data-status", "active")
        .await?;
    browser
        .wait_for_text("[data-testid=jd-version]", "v1 live")
        .await?;
    browser
        .find("[data-testid=jd-counts][data-node=email-1]")
        .await?;

    // A web-form lead arrives over the API: enrolled at once, the email goes out, and
    // the lead waits in the wait step; the canvas counts follow.
    let captured = app
        .graphql(
            Some(&token),
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { code message } } }",
            json!({ "input": {
                "personName": "Wang Wei",
                "company": "Suzhou Precision",
                "email": LEAD_EMAIL,
                "source": "WEB_FORM",
            } }),
        )
        .await?;
    ensure!(
        captured["leadCapture"]["leadId"].is_string(),
        "capture failed: {captured}"
    );
    browser
        .wait_for_exact_text(
            &format!("{} [data-testid=count-entered]", node("email-1")),
            "1",
        )
        .await?;
    browser
        .wait_for_exact_text(
            &format!("{} [data-testid=count-waiting]", node("wait-1")),
            "1",
        )
        .await?;

    let deadline = Instant::now() + Duration::from_secs(20);
    let mail = loop {
        if let Some(m) = sink
            .messages()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t == LEAD_EMAIL))
        {
            break m;
        }
        ensure!(
            Instant::now() < deadline,
            "no email reached the SMTP sink for {LEAD_EMAIL}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ensure!(
        mail.subject() == SUBJECT,
        "unexpected subject {:?}",
        mail.subject()
    );

    // The dry run takes the same lead through a simulated month in the browser.
    browser.click("[data-testid=jd-dry-run]").await?;
    browser
        .wait_for_attr(
            "[data-testid=jd-dry-badge][data-node=exit-1]",
            "data-entered",
            "1",
        )
        .await?;
    browser
        .wait_for_text("[data-testid=jd-dry-summary]", "1 of 1 leads enter")
        .await?;
    browser.screenshot("jrn-03-live-counts-and-dry-run").await?;

    // The list shows the journey live with its lead.
    browser.click("[data-testid=nav-journeys]").await?;
    let row = "[data-testid=journey-row][data-name=\"Expo follow-up\"]";
    browser
        .wait_for_attr(
            &format!("{row} [data-testid=journey-status]"),
            "data-status",
            "active",
        )
        .await?;
    browser
        .wait_for_exact_text(&format!("{row} [data-testid=journey-version]"), "v1")
        .await?;
    browser
        .wait_for_exact_text(&format!("{row} [data-testid=journey-enrolled]"), "1")
        .await?;
    browser.click("[data-testid=lang-zh]").await?;
    browser.screenshot("jrn-04-list-zh").await?;

    browser.close().await?;
    app.shutdown().await;
    Ok(())
}
