//! Nurture journeys end to end: a real SMTP server on 127.0.0.1 (a minimal sink started
//! here that speaks SMTP to the server's real `lettre` client), the server's injected
//! clock moved forward instead of sleeping, opens and unsubscribes over HTTP through
//! the links in the delivered messages.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use leadflow::domain::email::{SmtpConfig, SmtpTls};
use leadflow::entity::{enrollment, job, journey_step, outbound_email};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{spawn_app_with, TestApp};

// ---------------------------------------------------------------------------------
// A real SMTP server that keeps what it is given
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) to: Vec<String>,
    pub(crate) raw: String,
}

impl Received {
    /// The decoded text of every base64 part (the plain and the HTML alternative).
    fn body(&self) -> String {
        let mut out = String::new();
        let mut lines = self.raw.lines().peekable();
        while let Some(line) = lines.next() {
            if !line.eq_ignore_ascii_case("Content-Transfer-Encoding: base64") {
                continue;
            }
            // Skip the rest of the part's headers.
            for l in lines.by_ref() {
                if l.is_empty() {
                    break;
                }
            }
            let mut b64 = String::new();
            while let Some(l) = lines.peek() {
                if l.is_empty() || l.starts_with("--") {
                    break;
                }
                b64.push_str(l.trim());
                lines.next();
            }
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64 part");
            out.push_str(&String::from_utf8(bytes).expect("utf-8 part"));
            out.push('\n');
        }
        out
    }

    fn subject(&self) -> String {
        self.raw
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_string()
    }
}

#[derive(Clone, Default)]
pub(crate) struct SmtpSink {
    pub(crate) port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    /// Answer every RCPT with 550.
    refuse: Arc<AtomicBool>,
    refusals: Arc<AtomicUsize>,
}

impl SmtpSink {
    pub(crate) async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind sink");
        let mut sink = SmtpSink {
            port: listener.local_addr().expect("addr").port(),
            ..SmtpSink::default()
        };
        let shared = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(shared.clone().session(stream));
            }
        });
        sink.port = sink.port.max(1);
        sink
    }

    async fn session(self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let mut to = Vec::new();
        if write.write_all(b"220 sink.test ESMTP\r\n").await.is_err() {
            return;
        }
        let mut line = String::new();
        loop {
            line.clear();
            if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") {
                b"250-sink.test\r\n250 8BITMIME\r\n"
            } else if command.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if command.starts_with("MAIL FROM") {
                to.clear();
                b"250 2.1.0 OK\r\n"
            } else if command.starts_with("RCPT TO") {
                if self.refuse.load(Ordering::SeqCst) {
                    self.refusals.fetch_add(1, Ordering::SeqCst);
                    b"550 5.1.1 mailbox unavailable\r\n"
                } else {
                    let addr = line.trim_end()[8..].trim().trim_matches(['<', '>']);
                    to.push(addr.to_string());
                    b"250 2.1.5 OK\r\n"
                }
            } else if command == "DATA" {
                if write.write_all(b"354 go ahead\r\n").await.is_err() {
                    return;
                }
                let mut raw = String::new();
                loop {
                    let mut l = String::new();
                    if read.read_line(&mut l).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    let l = l
                        .strip_prefix('.')
                        .filter(|_| l.starts_with(".."))
                        .unwrap_or(&l);
                    raw.push_str(&l.replace("\r\n", "\n"));
                }
                self.messages.lock().unwrap().push(Received {
                    to: std::mem::take(&mut to),
                    raw,
                });
                b"250 2.0.0 queued\r\n"
            } else if command == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else if command == "RSET" || command == "NOOP" {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }

    fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            tls: SmtpTls::None,
            from: "Leadflow <news@leadflow.test>".into(),
            username: None,
            password: None,
            timeout_secs: 10,
        }
    }

    pub(crate) fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }
}

async fn app_with_sink() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let smtp = sink.config();
    let app = spawn_app_with(move |c| c.smtp = Some(smtp)).await;
    (app, sink)
}

/// Polls until `check` holds (jobs run in the background); fails after 60 s, which a
/// step retried after a busy database (2, 4, 8, 16 s backoff) on a loaded machine needs.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Moves the servers' clock forward and wakes their job runners.
fn advance(app: &TestApp, by: chrono::Duration) {
    app.config.clock.advance(by);
    app.server.jobs.wake();
}

/// No journey or email job is due and unfinished.
async fn settled(app: &TestApp) -> bool {
    job::Entity::find()
        .filter(job::Column::Kind.is_in(["journey_step", "email_send"]))
        .filter(job::Column::DoneAt.is_null())
        .filter(job::Column::RunAt.lte(app.config.clock.now()))
        .count(&app.server.db)
        .await
        .unwrap()
        == 0
}

async fn create_template(
    app: &TestApp,
    token: &str,
    name: &str,
    subject: &str,
    body: &str,
) -> String {
    let res = app
        .gql(
            Some(token),
            "mutation($input: EmailTemplateCreateInput!) { emailTemplateCreate(input: $input) {
                template { id } userErrors { field message code } } }",
            json!({ "input": { "name": name, "subject": subject, "body": body } }),
        )
        .await;
    let p = &res["data"]["emailTemplateCreate"];
    assert_eq!(p["userErrors"], json!([]), "{res}");
    p["template"]["id"].as_str().unwrap().to_string()
}

async fn create_journey(app: &TestApp, token: &str, definition: Value) -> String {
    let res = app
        .gql(
            Some(token),
            "mutation($input: JourneyCreateInput!) { journeyCreate(input: $input) {
                journey { id status } userErrors { field message code } } }",
            json!({ "input": { "name": "Nurture", "definition": definition } }),
        )
        .await;
    let p = &res["data"]["journeyCreate"];
    assert_eq!(p["userErrors"], json!([]), "{res}");
    assert_eq!(p["journey"]["status"], "DRAFT");
    p["journey"]["id"].as_str().unwrap().to_string()
}

async fn activate(app: &TestApp, token: &str, id: &str) -> Value {
    app.gql(
        Some(token),
        "mutation($input: JourneyIdInput!) { journeyActivate(input: $input) {
            journey { status activeVersion } userErrors { field message code } } }",
        json!({ "input": { "id": id } }),
    )
    .await["data"]["journeyActivate"]
        .clone()
}

fn node(id: &str, action: Value) -> Value {
    json!({ "id": id, "position": { "x": 0.0, "y": 0.0 }, "action": action })
}

/// Tag-triggered: email → wait `wait_minutes` → opened? yes: email 2 → exit; no: exit.
fn opened_branch_journey(tag: &str, first: &str, second: &str, wait_minutes: u32) -> Value {
    json!({
        "trigger": { "type": "TAG_ADDED", "tag": tag },
        "start": "e1",
        "nodes": [
            node("e1", json!({ "type": "SEND_EMAIL", "template_id": first, "next": "w1" })),
            node("w1", json!({ "type": "WAIT", "wait": { "type": "DURATION", "minutes": wait_minutes }, "next": "b1" })),
            node("b1", json!({ "type": "BRANCH", "condition": { "type": "OPENED_PREVIOUS_EMAIL" }, "yes": "e2", "no": "x-no" })),
            node("e2", json!({ "type": "SEND_EMAIL", "template_id": second, "next": "x-yes" })),
            node("x-yes", json!({ "type": "EXIT" })),
            node("x-no", json!({ "type": "EXIT" })),
        ]
    })
}

async fn node_counts(app: &TestApp, token: &str, id: &str) -> Value {
    let res = app
        .gql(
            Some(token),
            "query($id: ID!) { journey(id: $id) { enrolledCount nodeCounts { node entered waiting left } } }",
            json!({ "id": id }),
        )
        .await;
    res["data"]["journey"].clone()
}

fn count_of(counts: &Value, node: &str) -> (i64, i64, i64) {
    counts["nodeCounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["node"] == node)
        .map_or((0, 0, 0), |c| {
            (
                c["entered"].as_i64().unwrap(),
                c["waiting"].as_i64().unwrap(),
                c["left"].as_i64().unwrap(),
            )
        })
}

/// The first URL in `body` that contains `marker`.
fn link(body: &str, marker: &str) -> String {
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {body}"));
    let start = body[..start].rfind("http://").expect("absolute link");
    let end = body[start..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .map_or(body.len(), |e| start + e);
    body[start..end].replace("&amp;", "&")
}

async fn timeline_kinds(app: &TestApp, token: &str, lead_id: &str) -> Vec<String> {
    let res = app
        .gql(
            Some(token),
            "query($id: ID!) { lead(id: $id) { timeline(first: 100) { kind } } }",
            json!({ "id": lead_id }),
        )
        .await;
    res["data"]["lead"]["timeline"]
        .as_array()
        .unwrap_or_else(|| panic!("{res}"))
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_captured_lead_is_emailed_waits_and_branches_on_its_open() {
    let (app, sink) = app_with_sink().await;
    let token = app.admin_token().await;
    let t1 = create_template(
        &app,
        &token,
        "Welcome",
        "Hello {{name}}",
        "Dear {{ name }} at {{company}},\nsee https://example.com/pricing for prices.",
    )
    .await;
    let t2 = create_template(
        &app,
        &token,
        "Follow-up",
        "Glad you read it",
        "Thanks {{name}}.",
    )
    .await;
    let journey = create_journey(
        &app,
        &token,
        opened_branch_journey("nurture", &t1, &t2, 3 * 24 * 60),
    )
    .await;
    let activated = activate(&app, &token, &journey).await;
    assert_eq!(activated["userErrors"], json!([]), "{activated}");
    assert_eq!(activated["journey"]["activeVersion"], 1);

    let lead = app
        .capture_lead(
            &token,
            json!({ "personName": "Li Wei", "email": "li.wei@example.com", "company": "Acme Trading", "tags": ["nurture"] }),
        )
        .await;
    // An untagged lead does not enter.
    app.capture_lead(
        &token,
        json!({ "personName": "Other", "email": "other@example.com" }),
    )
    .await;

    eventually("the first email", || async { sink.messages().len() == 1 }).await;
    let first = &sink.messages()[0];
    assert_eq!(first.to, vec!["li.wei@example.com"]);
    assert_eq!(first.subject(), "Hello Li Wei");
    let body = first.body();
    assert!(body.contains("Dear Li Wei at Acme Trading,"), "{body}");
    assert!(!body.contains("{{"), "{body}");
    assert!(
        body.contains("/e/c/") && body.contains("u=https%3A%2F%2Fexample.com%2Fpricing"),
        "{body}"
    );
    let pixel = link(&body, "/e/o/");
    let unsubscribe = link(&body, "/e/u/");
    assert!(unsubscribe.starts_with(&app.server.url()), "{unsubscribe}");

    // Waiting three days at w1.
    eventually("the lead to wait", || async {
        count_of(&node_counts(&app, &token, &journey).await, "w1").1 == 1
    })
    .await;
    let counts = node_counts(&app, &token, &journey).await;
    assert_eq!(count_of(&counts, "e1"), (1, 0, 0));
    assert_eq!(counts["enrolledCount"], 1);

    // A day early nothing more happens.
    advance(&app, chrono::Duration::days(1));
    eventually("due jobs to run", || settled(&app)).await;
    assert_eq!(sink.messages().len(), 1);

    // The lead opens the email: the pixel over HTTP.
    let response = app.client.get(&pixel).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/gif");
    // ...and clicks its link: recorded, then sent on; a tampered destination is refused.
    let click = link(&body, "/e/c/");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects.get(&click).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "https://example.com/pricing"
    );
    let tampered = click.replace("pricing", "elsewhere");
    assert_eq!(
        no_redirects.get(&tampered).send().await.unwrap().status(),
        404
    );
    let kinds = timeline_kinds(&app, &token, &lead).await;
    assert!(kinds.contains(&"email_click".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"email_open".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"email_sent".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"journey_enrolled".to_string()), "{kinds:?}");

    advance(
        &app,
        chrono::Duration::days(2) + chrono::Duration::minutes(1),
    );
    eventually("the follow-up", || async { sink.messages().len() == 2 }).await;
    assert_eq!(sink.messages()[1].subject(), "Glad you read it");
    assert!(sink.messages()[1].body().contains("Thanks Li Wei."));
    eventually("the lead to leave", || async {
        node_counts(&app, &token, &journey).await["enrolledCount"] == 0
    })
    .await;
    let counts = node_counts(&app, &token, &journey).await;
    assert_eq!(count_of(&counts, "b1"), (1, 0, 0));
    assert_eq!(count_of(&counts, "x-yes"), (1, 0, 1));
    assert_eq!(count_of(&counts, "x-no"), (0, 0, 0));
}

#[tokio::test]
async fn an_unopened_email_takes_the_no_path_and_unsubscribing_stops_every_journey() {
    let (app, sink) = app_with_sink().await;
    let token = app.admin_token().await;
    let t1 = create_template(&app, &token, "One", "First for {{name}}", "Hi {{name}}").await;
    let t2 = create_template(&app, &token, "Two", "Second", "Again").await;
    let branching =
        create_journey(&app, &token, opened_branch_journey("quiet", &t1, &t2, 60)).await;
    assert_eq!(
        activate(&app, &token, &branching).await["userErrors"],
        json!([])
    );
    let drip = create_journey(
        &app,
        &token,
        json!({
            "trigger": { "type": "TAG_ADDED", "tag": "drip" },
            "start": "a",
            "nodes": [
                node("a", json!({ "type": "SEND_EMAIL", "template_id": t1, "next": "w" })),
                node("w", json!({ "type": "WAIT", "wait": { "type": "DURATION", "minutes": 1440 }, "next": "b" })),
                node("b", json!({ "type": "SEND_EMAIL", "template_id": t2, "next": null })),
            ]
        }),
    )
    .await;
    assert_eq!(activate(&app, &token, &drip).await["userErrors"], json!([]));

    // Never opens: the branch sends nothing more.
    app.capture_lead(
        &token,
        json!({ "personName": "Quiet", "email": "quiet@example.com", "tags": ["quiet"] }),
    )
    .await;
    eventually("the first email", || async { sink.messages().len() == 1 }).await;
    // The step into the wait is a job of its own: the wait starts once it has run.
    eventually("the wait to begin", || settled(&app)).await;
    advance(&app, chrono::Duration::minutes(61));
    eventually("the branch", || async {
        count_of(&node_counts(&app, &token, &branching).await, "x-no").2 == 1
    })
    .await;
    assert_eq!(sink.messages().len(), 1);

    // In both journeys, then unsubscribes from the first email's link.
    let lead = app
        .capture_lead(
            &token,
            json!({ "personName": "Zhang Min", "email": "zm@example.com", "tags": ["drip", "quiet"] }),
        )
        .await;
    eventually("two emails to the lead", || async {
        sink.messages()
            .iter()
            .filter(|m| m.to == vec!["zm@example.com"])
            .count()
            == 2
    })
    .await;
    let mail = sink
        .messages()
        .into_iter()
        .find(|m| m.to == vec!["zm@example.com"])
        .unwrap();
    let unsubscribe = link(&mail.body(), "/e/u/");
    // A forged token is refused.
    let forged = format!("{}x", unsubscribe);
    assert_eq!(app.client.get(&forged).send().await.unwrap().status(), 404);
    let page = app.client.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page.status(), 200);

    advance(&app, chrono::Duration::days(2));
    eventually("due jobs to run", || settled(&app)).await;
    let to_lead = sink
        .messages()
        .iter()
        .filter(|m| m.to == vec!["zm@example.com"])
        .count();
    assert_eq!(to_lead, 2, "no email after unsubscribing");
    let lead_id = uuid::Uuid::parse_str(&lead).unwrap();
    let enrolments = enrollment::Entity::find()
        .filter(enrollment::Column::LeadId.eq(lead_id))
        .all(&app.server.db)
        .await
        .unwrap();
    assert_eq!(enrolments.len(), 2);
    for e in &enrolments {
        assert_eq!(e.left_reason.as_deref(), Some("unsubscribed"));
    }
    assert!(timeline_kinds(&app, &token, &lead)
        .await
        .contains(&"email_unsubscribed".to_string()));
    // It does not enter again.
    app.capture_lead(
        &token,
        json!({ "personName": "Zhang Min", "email": "zm@example.com", "tags": ["drip"] }),
    )
    .await;
    assert_eq!(
        enrollment::Entity::find()
            .filter(enrollment::Column::LeadId.eq(lead_id))
            .count(&app.server.db)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn a_refused_send_is_retried_with_backoff_then_recorded_as_failed() {
    let (app, sink) = app_with_sink().await;
    sink.refuse.store(true, Ordering::SeqCst);
    let token = app.admin_token().await;
    let t1 = create_template(&app, &token, "One", "Hi {{name}}", "Hello").await;
    let j = create_journey(
        &app,
        &token,
        json!({
            "trigger": { "type": "TAG_ADDED", "tag": "x" },
            "start": "a",
            "nodes": [ node("a", json!({ "type": "SEND_EMAIL", "template_id": t1, "next": null })) ]
        }),
    )
    .await;
    assert_eq!(activate(&app, &token, &j).await["userErrors"], json!([]));
    let lead = app
        .capture_lead(
            &token,
            json!({ "personName": "Bounce", "email": "nobody@example.com", "tags": ["x"] }),
        )
        .await;
    eventually("the first refusal", || async {
        sink.refusals.load(Ordering::SeqCst) >= 1
    })
    .await;
    // Not yet failed: it waits for its retry.
    let mail = outbound_email::Entity::find()
        .one(&app.server.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail.status, "queued");
    for _ in 0..40 {
        let mail = outbound_email::Entity::find()
            .one(&app.server.db)
            .await
            .unwrap()
            .unwrap();
        if mail.status != "queued" {
            break;
        }
        advance(&app, chrono::Duration::minutes(20));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mail = outbound_email::Entity::find()
        .one(&app.server.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mail.status, "failed");
    assert_eq!(mail.attempts, 4);
    assert!(mail.last_error.unwrap_or_default().contains("550"));
    assert_eq!(sink.refusals.load(Ordering::SeqCst), 4);
    assert!(sink.messages().is_empty());
    let kinds = timeline_kinds(&app, &token, &lead).await;
    assert!(kinds.contains(&"email_failed".to_string()), "{kinds:?}");
}

#[tokio::test]
async fn an_invalid_graph_cannot_be_activated_and_unknown_variables_are_refused() {
    let (app, _sink) = app_with_sink().await;
    let token = app.admin_token().await;
    let t1 = create_template(&app, &token, "One", "Hi", "Hello {{name}}").await;
    let j = create_journey(
        &app,
        &token,
        json!({
            "trigger": { "type": "MANUAL" },
            "start": "a",
            "nodes": [
                node("a", json!({ "type": "SEND_EMAIL", "template_id": t1, "next": "b" })),
                node("b", json!({ "type": "BRANCH", "condition": { "type": "SCORE_ABOVE", "points": 10 }, "yes": "a", "no": null })),
                node("lonely", json!({ "type": "EXIT" })),
                node("c", json!({ "type": "SEND_EMAIL", "template_id": "no-such-template", "next": null })),
            ]
        }),
    )
    .await;
    let res = activate(&app, &token, &j).await;
    assert_eq!(res["journey"], Value::Null);
    let errors: Vec<(String, String)> = res["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |field: &str, code: &str| errors.iter().any(|(f, m)| f == field && m.contains(code));
    assert!(has("definition.nodes.b", "DANGLING_BRANCH"), "{errors:?}");
    assert!(has("definition.nodes.a", "LOOP_WITHOUT_WAIT"), "{errors:?}");
    assert!(has("definition.nodes.lonely", "ORPHAN"), "{errors:?}");
    assert!(has("definition.nodes.c", "UNKNOWN_TEMPLATE"), "{errors:?}");
    // Nothing was written: still a draft without versions; its problems are listed.
    let res = app
        .gql(
            Some(&token),
            "query($id: ID!) { journey(id: $id) { status activeVersion versions { version } problems { node code } } }",
            json!({ "id": j }),
        )
        .await;
    let journey = &res["data"]["journey"];
    assert_eq!(journey["status"], "DRAFT");
    assert_eq!(journey["versions"], json!([]));
    assert!(journey["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["node"] == "c" && p["code"] == "UNKNOWN_TEMPLATE"));

    // A definition that is not a graph is a userError too.
    let res = app
        .gql(
            Some(&token),
            "mutation($input: JourneySaveDraftInput!) { journeySaveDraft(input: $input) { userErrors { field code } } }",
            json!({ "input": { "id": j, "definition": { "nodes": "nope" } } }),
        )
        .await;
    assert_eq!(
        res["data"]["journeySaveDraft"]["userErrors"][0]["field"],
        "definition"
    );

    // Templates: an unknown variable is refused at save, naming it.
    let res = app
        .gql(
            Some(&token),
            "mutation($input: EmailTemplateCreateInput!) { emailTemplateCreate(input: $input) {
                template { id } userErrors { field message code } } }",
            json!({ "input": { "name": "Bad", "subject": "Hi {{name}}", "body": "Dear {{first_name}}" } }),
        )
        .await;
    let p = &res["data"]["emailTemplateCreate"];
    assert_eq!(p["template"], Value::Null);
    assert_eq!(p["userErrors"][0]["field"], "body");
    assert_eq!(p["userErrors"][0]["code"], "INVALID");
    assert!(p["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("first_name"));
    let res = app
        .gql(Some(&token), "{ emailTemplates { name } }", json!({}))
        .await;
    assert_eq!(res["data"]["emailTemplates"].as_array().unwrap().len(), 1);

    // Preview renders the variables; a test send reaches the mail server.
    let res = app
        .gql(
            Some(&token),
            r#"{ emailTemplatePreview(subject: "For {{company}}", body: "Hi {{name}}") { preview { subject text } userErrors { code } } }"#,
            json!({}),
        )
        .await;
    let preview = &res["data"]["emailTemplatePreview"]["preview"];
    assert!(
        !preview["subject"].as_str().unwrap().contains("{{"),
        "{res}"
    );
    let res = app
        .gql(
            Some(&token),
            "mutation($input: EmailTemplateTestSendInput!) { emailTemplateTestSend(input: $input) { sent userErrors { field code } } }",
            json!({ "input": { "id": t1, "to": "marketer@example.com" } }),
        )
        .await;
    assert_eq!(res["data"]["emailTemplateTestSend"]["sent"], true, "{res}");
    assert_eq!(_sink.messages().len(), 1);
    assert!(_sink.messages()[0].subject().starts_with("[Test]"));
}

#[tokio::test]
async fn two_servers_on_one_database_take_each_step_once_and_a_rerun_sends_nothing() {
    let (app, sink) = app_with_sink().await;
    let second = TestApp::beside(
        &app,
        leadflow::startup::spawn(app.config.clone())
            .await
            .expect("second server"),
    );
    let token = app.admin_token().await;
    let t1 = create_template(&app, &token, "One", "First {{name}}", "Hi").await;
    let t2 = create_template(&app, &token, "Two", "Second {{name}}", "Again").await;
    let j = create_journey(
        &app,
        &token,
        json!({
            "trigger": { "type": "SOURCE", "channel": "EVENT" },
            "start": "a",
            "nodes": [
                node("a", json!({ "type": "SEND_EMAIL", "template_id": t1, "next": "w" })),
                node("w", json!({ "type": "WAIT", "wait": { "type": "DURATION", "minutes": 30 }, "next": "b" })),
                node("b", json!({ "type": "SEND_EMAIL", "template_id": t2, "next": null })),
            ]
        }),
    )
    .await;
    assert_eq!(activate(&app, &token, &j).await["userErrors"], json!([]));
    let leads = 6;
    for i in 0..leads {
        // Half the captures arrive through each server.
        let server = if i % 2 == 0 { &app } else { &second };
        server
            .capture_lead(
                &token,
                json!({ "personName": format!("Lead {i}"), "email": format!("lead{i}@example.com"), "source": "EVENT" }),
            )
            .await;
    }
    eventually("first emails", || async { sink.messages().len() == leads }).await;
    // Each step into the wait is a job of its own: the waits start once they have run.
    eventually("the waits to begin", || settled(&app)).await;
    advance(&app, chrono::Duration::minutes(31));
    second.server.jobs.wake();
    eventually("second emails", || async {
        sink.messages().len() == 2 * leads
    })
    .await;
    eventually("due jobs to run", || settled(&app)).await;
    for i in 0..leads {
        let to = format!("lead{i}@example.com");
        let mut subjects: Vec<String> = sink
            .messages()
            .iter()
            .filter(|m| m.to == vec![to.clone()])
            .map(Received::subject)
            .collect();
        subjects.sort();
        assert_eq!(
            subjects,
            vec![format!("First Lead {i}"), format!("Second Lead {i}")]
        );
    }

    // A step's job run again (as after a crash before it was acknowledged): nothing.
    let e = enrollment::Entity::find()
        .one(&app.server.db)
        .await
        .unwrap()
        .unwrap();
    let steps_before = journey_step::Entity::find()
        .count(&app.server.db)
        .await
        .unwrap();
    for step in 1..=3 {
        leadflow::jobs::enqueue(
            &app.server.db,
            "journey_step",
            json!({ "enrollmentId": e.id, "step": step }),
            app.config.clock.now(),
        )
        .await
        .unwrap();
    }
    app.server.jobs.wake();
    eventually("the reruns", || settled(&app)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 2 * leads);
    assert_eq!(
        journey_step::Entity::find()
            .count(&app.server.db)
            .await
            .unwrap(),
        steps_before
    );
    assert_eq!(
        outbound_email::Entity::find()
            .count(&app.server.db)
            .await
            .unwrap() as usize,
        2 * leads
    );
    second.server.shutdown().await;
}

#[tokio::test]
async fn more_due_steps_than_one_claim_takes_all_advance_each_once() {
    let (app, _sink) = app_with_sink().await;
    let token = app.admin_token().await;
    let j = create_journey(
        &app,
        &token,
        json!({
            "trigger": { "type": "SOURCE", "channel": "EVENT" },
            "start": "w",
            "nodes": [
                node("w", json!({ "type": "WAIT", "wait": { "type": "DURATION", "minutes": 30 }, "next": "b" })),
                node("b", json!({ "type": "BRANCH", "condition": { "type": "SCORE_ABOVE", "points": -1 }, "yes": "t", "no": "x" })),
                node("t", json!({ "type": "ADD_TAG", "tag": "nurtured", "next": null })),
                node("x", json!({ "type": "EXIT" })),
            ]
        }),
    )
    .await;
    assert_eq!(activate(&app, &token, &j).await["userErrors"], json!([]));
    // More than a claim takes at once (`jobs::BATCH`), all due at the same moment.
    let leads = leadflow::jobs::BATCH as usize * 2 + 10;
    for i in 0..leads {
        app.capture_lead(
            &token,
            json!({ "personName": format!("Batch {i}"), "email": format!("batch{i}@example.com"), "source": "EVENT" }),
        )
        .await;
    }
    eventually("the waits to begin", || settled(&app)).await;
    advance(&app, chrono::Duration::minutes(31));
    eventually("every lead to finish the journey", || async {
        enrollment::Entity::find()
            .filter(enrollment::Column::LeftAt.is_null())
            .count(&app.server.db)
            .await
            .unwrap()
            == 0
    })
    .await;
    eventually("due jobs to run", || settled(&app)).await;
    let enrolments = enrollment::Entity::find()
        .all(&app.server.db)
        .await
        .unwrap();
    assert_eq!(enrolments.len(), leads);
    let steps = journey_step::Entity::find()
        .count(&app.server.db)
        .await
        .unwrap() as usize;
    assert_eq!(steps % leads, 0, "every lead takes the same steps");
    for e in &enrolments {
        assert_eq!(e.left_reason.as_deref(), Some("completed"), "{e:?}");
    }
    // Each step's job ran once and ended with its step: done, lease let go.
    let jobs = job::Entity::find()
        .filter(job::Column::Kind.eq("journey_step"))
        .all(&app.server.db)
        .await
        .unwrap();
    assert_eq!(jobs.len(), steps);
    for j in &jobs {
        assert!(j.done_at.is_some(), "{j:?}");
        assert_eq!((j.attempts, j.locked_by), (1, None), "{j:?}");
    }
    let tagged = app
        .gql(
            Some(&token),
            r#"query { leads(first: 1, filter: { tag: "nurtured" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(tagged["data"]["leads"]["totalCount"], leads, "{tagged}");
}

#[tokio::test]
async fn a_lead_that_wakes_up_leaves_for_a_rep_and_paused_journeys_hold_their_leads() {
    let (app, sink) = app_with_sink().await;
    let token = app.admin_token().await;
    let t1 = create_template(&app, &token, "One", "First {{name}}", "Hi").await;
    let t2 = create_template(&app, &token, "Two", "Second {{name}}", "Again").await;
    let j = create_journey(
        &app,
        &token,
        json!({
            "trigger": { "type": "TAG_ADDED", "tag": "n" },
            "start": "a",
            "goal": { "type": "REACHES_STAGE", "stage": "SQL" },
            "nodes": [
                node("a", json!({ "type": "SEND_EMAIL", "template_id": t1, "next": "w" })),
                node("w", json!({ "type": "WAIT", "wait": { "type": "DURATION", "minutes": 60 }, "next": "b" })),
                node("b", json!({ "type": "SEND_EMAIL", "template_id": t2, "next": null })),
            ]
        }),
    )
    .await;
    assert_eq!(activate(&app, &token, &j).await["userErrors"], json!([]));
    let waking = app
        .capture_lead(
            &token,
            json!({ "personName": "Awake", "email": "awake@example.com", "tags": ["n"] }),
        )
        .await;
    let held = app
        .capture_lead(
            &token,
            json!({ "personName": "Held", "email": "held@example.com", "tags": ["n"] }),
        )
        .await;
    eventually("first emails", || async { sink.messages().len() == 2 }).await;
    eventually("both waiting", || async {
        count_of(&node_counts(&app, &token, &j).await, "w").1 == 2
    })
    .await;

    // Qualified by hand while waiting: it leaves the journey at once.
    let res = app
        .gql(
            Some(&token),
            "mutation($input: LeadsMoveStageInput!) { leadsMoveStage(input: $input) { userErrors { message } } }",
            json!({ "input": { "leadIds": [waking], "stage": "MQL" } }),
        )
        .await;
    assert_eq!(
        res["data"]["leadsMoveStage"]["userErrors"],
        json!([]),
        "{res}"
    );
    let waking_id = uuid::Uuid::parse_str(&waking).unwrap();
    eventually("the awake lead to leave", || async {
        enrollment::Entity::find()
            .filter(enrollment::Column::LeadId.eq(waking_id))
            .one(&app.server.db)
            .await
            .unwrap()
            .is_some_and(|e| e.left_reason.as_deref() == Some("woke_up"))
    })
    .await;

    // Paused: the other lead holds past its wait; resumed, it carries on.
    let pause = |name: &'static str| {
        let (app, token, j) = (&app, &token, &j);
        async move {
            let doc = format!(
                "mutation($input: JourneyIdInput!) {{ {name}(input: $input) {{ journey {{ status }} userErrors {{ code }} }} }}"
            );
            app.gql(Some(token), &doc, json!({ "input": { "id": j } }))
                .await["data"][name]
                .clone()
        }
    };
    assert_eq!(pause("journeyPause").await["journey"]["status"], "PAUSED");
    assert_eq!(
        pause("journeyPause").await["userErrors"][0]["code"],
        "CONFLICT"
    );
    advance(&app, chrono::Duration::minutes(90));
    eventually("due jobs to run", || settled(&app)).await;
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(pause("journeyResume").await["journey"]["status"], "ACTIVE");
    eventually("the held lead's second email", || async {
        sink.messages().len() == 3
    })
    .await;
    assert_eq!(sink.messages()[2].to, vec!["held@example.com"]);
    let kinds = timeline_kinds(&app, &token, &held).await;
    assert!(kinds.contains(&"journey_left".to_string()), "{kinds:?}");
}

#[tokio::test]
async fn the_ready_reactivation_journey_activates_and_versions_keep_enrolled_leads() {
    let (app, _sink) = app_with_sink().await;
    let token = app.admin_token().await;
    let res = app
        .gql(
            Some(&token),
            "mutation { journeyCreateReactivation(input: { name: \"Wake sleeping leads\", inactiveDays: 30 }) {
                journey { id draft problems { node code } } userErrors { field code } } }",
            json!({}),
        )
        .await;
    let p = &res["data"]["journeyCreateReactivation"];
    assert_eq!(p["userErrors"], json!([]), "{res}");
    assert_eq!(p["journey"]["problems"], json!([]));
    assert_eq!(
        p["journey"]["draft"]["trigger"],
        json!({ "type": "INACTIVE", "days": 30 })
    );
    let id = p["journey"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        activate(&app, &token, &id).await["journey"]["activeVersion"],
        1
    );
    // A lead quiet for a month is found by the daily sweep and gets the first email.
    app.capture_lead(
        &token,
        json!({ "personName": "Sleepy", "email": "sleepy@example.com", "company": "Dormant Ltd" }),
    )
    .await;
    advance(&app, chrono::Duration::days(31));
    eventually("the re-activation email", || async {
        _sink.messages().len() == 1
    })
    .await;
    let mail = &_sink.messages()[0];
    assert_eq!(mail.to, vec!["sleepy@example.com"]);
    assert_eq!(mail.subject(), "Sleepy, is Dormant Ltd still looking?");
    // Activating the same draft again is refused; a changed draft becomes version 2.
    assert_eq!(
        activate(&app, &token, &id).await["userErrors"][0]["code"],
        "CONFLICT"
    );
    let mut draft = p["journey"]["draft"].clone();
    draft["trigger"]["days"] = json!(60);
    let res = app
        .gql(
            Some(&token),
            "mutation($input: JourneySaveDraftInput!) { journeySaveDraft(input: $input) { userErrors { field } } }",
            json!({ "input": { "id": id, "definition": draft } }),
        )
        .await;
    assert_eq!(res["data"]["journeySaveDraft"]["userErrors"], json!([]));
    assert_eq!(
        activate(&app, &token, &id).await["journey"]["activeVersion"],
        2
    );
    let res = app
        .gql(
            Some(&token),
            "query($id: ID!) { journey(id: $id) { versions { version definition } } }",
            json!({ "id": id }),
        )
        .await;
    let versions = res["data"]["journey"]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["definition"]["trigger"]["days"], 30);
    assert_eq!(versions[1]["definition"]["trigger"]["days"], 60);
    // The enrolled lead finishes on the version it entered.
    let res = app
        .gql(
            Some(&token),
            "query($id: ID!) { journey(id: $id) { versions { version enrolledCount } } }",
            json!({ "id": id }),
        )
        .await;
    let versions = res["data"]["journey"]["versions"].as_array().unwrap();
    assert_eq!(versions[0]["enrolledCount"], 1);
    assert_eq!(versions[1]["enrolledCount"], 0);
}
