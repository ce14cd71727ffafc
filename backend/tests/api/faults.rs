//! Faults a real deployment meets, with the real binary killed with SIGKILL: in the
//! middle of a burst of captures (every acknowledged capture is there after the
//! restart, and retries with their idempotency key never make a second lead), and
//! while a journey is emailing (every lead gets its email, none a second one).

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(db_url: &str, data_dir: &std::path::Path) -> Server {
    start_with(db_url, data_dir, &[]).await
}

async fn start_with(db_url: &str, data_dir: &std::path::Path, env: &[(&str, String)]) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadflow"))
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .env("DATABASE_URL", db_url)
        .env("LEADFLOW_BIND", format!("127.0.0.1:{port}"))
        .env("LEADFLOW_DATA_DIR", data_dir)
        .env("LEADFLOW_DIST_DIR", data_dir.join("no-dist"))
        .env("LEADFLOW_API_KEY_REQUESTS_PER_MINUTE", "0")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("leadflow starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return Server { child, base };
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().ok();
    child.wait().ok();
    panic!("the server did not become healthy");
}

async fn capture(client: &reqwest::Client, base: &str, token: &str, n: usize) -> Option<String> {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({
            "query": "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { message } } }",
            "variables": { "input": {
                "personName": format!("访客{n}"),
                "email": format!("visitor{n}@burst.example.com"),
                "idempotencyKey": format!("burst-{n}"),
            } }
        }))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    let body: Value = response.json().await.ok()?;
    body["data"]["leadCapture"]["leadId"]
        .as_str()
        .map(str::to_string)
}

#[tokio::test]
async fn a_server_killed_mid_burst_keeps_every_acknowledged_capture_once() {
    leadflow::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("leadflow.db").display()
    );
    let created = Command::new(env!("CARGO_BIN_EXE_leadflow"))
        .args(["create-admin", "--email", "ops@example.com"])
        .env("DATABASE_URL", &db_url)
        .env("LEADFLOW_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(created.status.success());
    let password = String::from_utf8_lossy(&created.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once): "))
        .unwrap()
        .trim()
        .to_string();

    let mut server = start(&db_url, dir.path()).await;
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{}/graphql", server.base))
        .json(&json!({ "query": format!(
            "mutation {{ login(input: {{ email: \"ops@example.com\", password: \"{password}\" }}) {{ accessToken }} }}"
        ) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap()
        .to_string();

    // 8 clients capture 400 leads as fast as they can; the server is killed midway.
    const LEADS: usize = 400;
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let base = server.base.clone();
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        let (acknowledged, next) = (acknowledged.clone(), next.clone());
        clients.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                if n >= LEADS {
                    break;
                }
                if let Some(id) = capture(&client, &base, &token, n).await {
                    acknowledged.lock().unwrap().insert(n, id);
                }
            }
        }));
    }
    // Kill once a good part of the burst is in.
    for _ in 0..400 {
        if acknowledged.lock().unwrap().len() >= 60 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    for c in clients {
        c.await.unwrap();
    }
    let before_restart = acknowledged.lock().unwrap().clone();
    assert!(
        before_restart.len() >= 60 && before_restart.len() < LEADS,
        "the kill landed mid-burst: {} acknowledged",
        before_restart.len()
    );

    // After a restart, clients retry every capture with its key (they cannot know
    // which of the unacknowledged ones the server committed before it died).
    let mut server = start(&db_url, dir.path()).await;
    let mut ids = BTreeMap::new();
    for n in 0..LEADS {
        let id = capture(&client, &server.base, &token, n)
            .await
            .unwrap_or_else(|| panic!("capture {n} after the restart"));
        if let Some(first) = before_restart.get(&n) {
            assert_eq!(first, &id, "a retry of capture {n} returns the first lead");
        }
        ids.insert(n, id);
    }
    let distinct: BTreeSet<&String> = ids.values().collect();
    assert_eq!(distinct.len(), LEADS, "one lead per capture, none doubled");

    let total: Value = client
        .post(format!("{}/graphql", server.base))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ leads(filter: { search: \"burst.example.com\" }) { totalCount } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(total["data"]["leads"]["totalCount"], LEADS, "{total}");
    // The database is intact.
    let check = Command::new("sqlite3")
        .arg(dir.path().join("leadflow.db"))
        .arg("PRAGMA integrity_check;")
        .output();
    if let Ok(out) = check {
        if out.status.success() {
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
        }
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

async fn gql(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Value {
    client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn message_id(raw: &str) -> Option<String> {
    raw.lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("message-id"))
        })
        .map(|(_, v)| v.trim().to_string())
}

#[tokio::test]
async fn a_server_killed_while_a_journey_emails_sends_every_email_once() {
    leadflow::install_crypto_provider();
    let sink = crate::journeys::SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("leadflow.db").display()
    );
    let created = Command::new(env!("CARGO_BIN_EXE_leadflow"))
        .args(["create-admin", "--email", "ops@example.com"])
        .env("DATABASE_URL", &db_url)
        .env("LEADFLOW_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(created.status.success());
    let password = String::from_utf8_lossy(&created.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once): "))
        .unwrap()
        .trim()
        .to_string();
    let env = [
        ("LEADFLOW_SMTP_HOST", "127.0.0.1".to_string()),
        ("LEADFLOW_SMTP_PORT", sink.port.to_string()),
        ("LEADFLOW_SMTP_TLS", "none".to_string()),
        (
            "LEADFLOW_SMTP_FROM",
            "Leadflow <news@leadflow.test>".to_string(),
        ),
    ];
    let mut server = start_with(&db_url, dir.path(), &env).await;
    let client = reqwest::Client::new();
    let login = gql(
        &client,
        &server.base,
        "",
        "mutation($p: String!) { login(input: { email: \"ops@example.com\", password: $p }) { accessToken } }",
        json!({ "p": password }),
    )
    .await;
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string();

    // A journey that emails every lead tagged "expo" once.
    let template = gql(
        &client,
        &server.base,
        &token,
        "mutation { emailTemplateCreate(input: { name: \"Expo\", subject: \"Thanks for visiting, {{name}}\", body: \"Hello {{name}}\" }) { template { id } userErrors { message } } }",
        json!({}),
    )
    .await;
    let template = template["data"]["emailTemplateCreate"]["template"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{template}"))
        .to_string();
    let journey = gql(
        &client,
        &server.base,
        &token,
        "mutation($d: JSON!) { journeyCreate(input: { name: \"Expo follow-up\", definition: $d }) { journey { id } userErrors { message } } }",
        json!({ "d": {
            "trigger": { "type": "TAG_ADDED", "tag": "expo" },
            "start": "e1",
            "nodes": [
                { "id": "e1", "position": { "x": 0.0, "y": 0.0 }, "action": { "type": "SEND_EMAIL", "template_id": template, "next": "x" } },
                { "id": "x", "position": { "x": 0.0, "y": 0.0 }, "action": { "type": "EXIT" } },
            ]
        } }),
    )
    .await;
    let journey = journey["data"]["journeyCreate"]["journey"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{journey}"))
        .to_string();
    let active = gql(
        &client,
        &server.base,
        &token,
        "mutation($id: ID!) { journeyActivate(input: { id: $id }) { userErrors { message } } }",
        json!({ "id": journey }),
    )
    .await;
    assert_eq!(
        active["data"]["journeyActivate"]["userErrors"],
        json!([]),
        "{active}"
    );

    // 120 leads from a trade show; the server dies while their emails go out.
    const LEADS: usize = 120;
    for n in 0..LEADS {
        let body = gql(
            &client,
            &server.base,
            &token,
            "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { message } } }",
            json!({ "input": { "personName": format!("展会访客{n}"), "email": format!("expo{n}@visitors.example.com"), "tags": ["expo"] } }),
        )
        .await;
        assert!(body["data"]["leadCapture"]["leadId"].is_string(), "{body}");
    }
    for _ in 0..600 {
        if sink.messages().len() >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let at_kill = sink.messages().len();

    let mut server = start_with(&db_url, dir.path(), &env).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let recipients = || {
        sink.messages()
            .iter()
            .flat_map(|m| m.to.clone())
            .collect::<BTreeSet<String>>()
    };
    while recipients().len() < LEADS {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} of {LEADS} leads were emailed after the restart",
            recipients().len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Give a wrongly repeated step time to show itself.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let messages = sink.messages();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &messages {
        let id = message_id(&m.raw).expect("every email has a Message-ID");
        for to in &m.to {
            ids.entry(to.clone()).or_default().insert(id.clone());
        }
    }
    assert_eq!(ids.len(), LEADS, "every lead got its email");
    for (to, sent) in &ids {
        assert_eq!(sent.len(), 1, "{to} got {} different emails", sent.len());
    }
    assert!(
        at_kill < LEADS,
        "the kill landed while emails were going out ({at_kill} sent before it)"
    );
    // A message the mail server took just before the kill may be handed over again; it
    // keeps its Message-ID, so the receiving server drops it. Anything more is a bug.
    assert!(
        messages.len() <= LEADS + 2,
        "{} deliveries for {LEADS} emails",
        messages.len()
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}
