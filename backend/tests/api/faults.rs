//! Faults a real deployment meets, against the real binary. Killed with SIGKILL: in the
//! middle of a burst of captures (every acknowledged capture is there after the
//! restart, and retries with their idempotency key never make a second lead), and
//! while a journey is emailing (every lead gets its email, none a second one).
//! PostgreSQL restarted under load: requests fail with a clear error meanwhile and the
//! server serves again once the database is back, without being restarted itself.
//! The SQLite disk full: a clear error (GraphQL `DATABASE_FULL`, HTTP 507 for form
//! posts), no corruption, nothing acknowledged lost, and writes resume once space is
//! freed.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    /// A failed test does not leave its server running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    let mut command = Command::new(env!("CARGO_BIN_EXE_leadflow"));
    command.arg("serve");
    start_command(command, db_url, data_dir, env).await
}

/// Starts the server with `command` (the binary itself, or a wrapper that ends by
/// running it) and waits until it is healthy.
async fn start_command(
    mut command: Command,
    db_url: &str,
    data_dir: &std::path::Path,
    env: &[(&str, String)],
) -> Server {
    let port = free_port();
    let mut child = command
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
    let password = create_admin(&db_url, dir.path());

    let mut server = start(&db_url, dir.path()).await;
    let client = reqwest::Client::new();
    let token = admin_token(&client, &server.base, &password).await;

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
    let password = create_admin(&db_url, dir.path());
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
    let token = admin_token(&client, &server.base, &password).await;

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
    // An email whose job the killed server had claimed, but not yet sent, waits for that
    // claim's lease to run out (60 s) and the next poll: the deadline allows for it.
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
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

/// Creates the first admin with the real binary; gives the generated password.
fn create_admin(db_url: &str, data_dir: &std::path::Path) -> String {
    let created = Command::new(env!("CARGO_BIN_EXE_leadflow"))
        .args(["create-admin", "--email", "ops@example.com"])
        .env("DATABASE_URL", db_url)
        .env("LEADFLOW_DATA_DIR", data_dir)
        .output()
        .unwrap();
    assert!(
        created.status.success(),
        "create-admin: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    admin_password(&String::from_utf8_lossy(&created.stdout))
}

fn admin_password(create_admin_output: &str) -> String {
    create_admin_output
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once): "))
        .expect("create-admin prints the password")
        .trim()
        .to_string()
}

async fn admin_token(client: &reqwest::Client, base: &str, password: &str) -> String {
    let login = gql(
        client,
        base,
        "",
        "mutation($p: String!) { login(input: { email: \"ops@example.com\", password: $p }) { accessToken } }",
        json!({ "p": password }),
    )
    .await;
    login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("{login}"))
        .to_string()
}

/// What a client got back from one capture.
#[derive(Debug, Clone)]
enum Captured {
    Acknowledged(String),
    /// The server answered with an error: HTTP status, `extensions.code`, message.
    Refused(u16, String, String),
    /// No answer at all (connection refused or reset, or no reply in time).
    NoAnswer(String),
}

async fn capture_keyed(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    key: &str,
    timeout: Duration,
) -> Captured {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({
            "query": "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { message } } }",
            "variables": { "input": {
                "personName": format!("访客 {key}"),
                "email": format!("{key}@faults.example.com"),
                "idempotencyKey": key,
            } }
        }))
        .timeout(timeout)
        .send()
        .await;
    let response = match response {
        Ok(r) => r,
        Err(e) => return Captured::NoAnswer(e.to_string()),
    };
    let status = response.status().as_u16();
    let text = match response.text().await {
        Ok(t) => t,
        Err(e) => return Captured::NoAnswer(e.to_string()),
    };
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    match body["data"]["leadCapture"]["leadId"].as_str() {
        Some(id) if status == 200 => Captured::Acknowledged(id.to_string()),
        _ => Captured::Refused(
            status,
            body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            body["errors"][0]["message"]
                .as_str()
                .map_or(text.clone(), str::to_string),
        ),
    }
}

/// After a fault is over, every key is captured again: each must succeed, an
/// acknowledged one must give back its first lead, and no two keys share a lead.
async fn recapture_all(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    keys: &[String],
    acknowledged: &BTreeMap<String, String>,
) {
    let mut ids = BTreeSet::new();
    for key in keys {
        let id = match capture_keyed(client, base, token, key, Duration::from_secs(30)).await {
            Captured::Acknowledged(id) => id,
            other => panic!("capture {key} after the fault: {other:?}"),
        };
        if let Some(first) = acknowledged.get(key) {
            assert_eq!(first, &id, "a retry of {key} returns its first lead");
        }
        assert!(ids.insert(id), "{key} got another key's lead");
    }
    let total = gql(
        client,
        base,
        token,
        "{ leads(filter: { search: \"faults.example.com\" }) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(
        total["data"]["leads"]["totalCount"],
        keys.len(),
        "one lead per key, none lost, none doubled: {total}"
    );
}

/// The integration suite's PostgreSQL pass (`LEADFLOW_TEST_DATABASE_URL` set) runs
/// the whole suite a second time; tests that bring their own database run only in the
/// first pass, so they are not paid for twice.
fn in_postgres_pass() -> bool {
    std::env::var("LEADFLOW_TEST_DATABASE_URL").is_ok_and(|url| !url.is_empty())
}

/// A PostgreSQL cluster of the test's own, on a free port of 127.0.0.1; stopped and
/// deleted when dropped. As root its tools run as the `postgres` user.
struct PgCluster {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

impl PgCluster {
    /// The newest `/usr/lib/postgresql/<major>/bin`, or wherever `pg_ctl` is on `PATH`.
    fn binaries() -> Option<std::path::PathBuf> {
        let debian = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let major: u32 = entry.file_name().to_str()?.parse().ok()?;
                let bin = entry.path().join("bin");
                bin.join("initdb").is_file().then_some((major, bin))
            })
            .max_by_key(|(major, _)| *major)
            .map(|(_, bin)| bin);
        debian.or_else(|| {
            std::env::var_os("PATH").and_then(|path| {
                std::env::split_paths(&path)
                    .find(|dir| dir.join("pg_ctl").is_file() && dir.join("initdb").is_file())
            })
        })
    }

    fn as_root() -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }

    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        if Self::as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn run(&self, command: &mut Command) {
        let out = command.output().expect("PostgreSQL tool runs");
        assert!(
            out.status.success(),
            "{command:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start() -> Option<PgCluster> {
        let bin = Self::binaries()?;
        let dir = tempfile::Builder::new()
            .prefix("leadflow-faults-pg-")
            .tempdir()
            .unwrap();
        let cluster = PgCluster {
            dir,
            bin,
            port: free_port(),
        };
        if Self::as_root() {
            cluster.run(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(cluster.dir.path()),
            );
        }
        cluster.run(
            cluster
                .tool("initdb")
                .arg("-D")
                .arg(cluster.data())
                .args(["-U", "leadflow", "-A", "trust", "-E", "UTF8"])
                .args(["--locale=C", "--no-sync"]),
        );
        cluster.pg_ctl("start");
        Some(cluster)
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    fn url(&self) -> String {
        format!("postgres://leadflow@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl <action>`, waiting until it is done; stops are "fast": every session is
    /// cut off mid-way, as when an administrator restarts the database.
    fn pg_ctl(&self, action: &str) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        self.run(
            self.tool("pg_ctl")
                .args(["-w", "-t", "30", "-m", "fast", "-D"])
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.path().join("server.log"))
                .args(["-o", &options, action]),
        );
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self
            .tool("pg_ctl")
            .args(["-w", "-m", "immediate", "-D"])
            .arg(self.data())
            .arg("stop")
            .output();
    }
}

#[tokio::test]
async fn a_postgres_restart_under_load_fails_requests_cleanly_and_the_server_recovers() {
    leadflow::install_crypto_provider();
    if in_postgres_pass() {
        return;
    }
    let Some(pg) = PgCluster::start() else {
        eprintln!("skipped: no PostgreSQL server binaries (cargo xtask setup installs them)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let password = create_admin(&pg.url(), dir.path());
    let mut server = start(&pg.url(), dir.path()).await;
    let client = reqwest::Client::new();
    let token = admin_token(&client, &server.base, &password).await;

    // 8 clients capture as fast as they can; each request is timed and its answer kept.
    let started = std::time::Instant::now();
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (client, base, token) = (client.clone(), server.base.clone(), token.clone());
        let (log, next, stop) = (log.clone(), next.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let key = format!("pg-restart-{n}");
                let sent = started.elapsed();
                // Longer than the server's own request timeout, to see a hang.
                let got =
                    capture_keyed(&client, &base, &token, &key, Duration::from_secs(45)).await;
                let took = started.elapsed() - sent;
                log.lock().unwrap().push((key, sent, took, got));
            }
        }));
    }
    let acknowledged = |log: &std::sync::Mutex<Vec<(String, Duration, Duration, Captured)>>| {
        log.lock()
            .unwrap()
            .iter()
            .filter(|(.., got)| matches!(got, Captured::Acknowledged(_)))
            .count()
    };
    while acknowledged(&log) < 40 {
        assert!(started.elapsed() < Duration::from_secs(20), "captures flow");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The database goes away for two seconds under load, then comes back.
    let down_at = started.elapsed();
    pg.pg_ctl("stop");
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg.pg_ctl("start");
    let up_at = started.elapsed();

    // The server serves again without being restarted.
    let before = acknowledged(&log);
    while acknowledged(&log) < before + 40 {
        assert!(
            started.elapsed() < up_at + Duration::from_secs(25),
            "captures succeed again after PostgreSQL is back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for c in clients {
        c.await.unwrap();
    }
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );

    let log = log.lock().unwrap().clone();
    let mut failed = Vec::new();
    for (key, sent, took, got) in &log {
        assert!(
            *took < Duration::from_secs(31),
            "{key} waited {took:?}, longer than the request timeout"
        );
        match got {
            Captured::Acknowledged(_) => {}
            Captured::Refused(status, code, message) => {
                assert!(
                    code == "DATABASE_UNAVAILABLE" && message.contains("cannot be reached"),
                    "{key} failed with a clear error, not HTTP {status} {code}: {message}"
                );
                failed.push((*sent, *took));
            }
            Captured::NoAnswer(why) => panic!("{key} got no answer: {why}"),
        }
    }
    let first_failure = failed.iter().map(|(sent, _)| *sent).min();
    let last_failure = failed.iter().map(|(sent, took)| *sent + *took).max();
    let slowest = log.iter().map(|(_, _, took, _)| *took).max().unwrap();
    eprintln!(
        "PostgreSQL down from {down_at:?} to {up_at:?}; {} captures, {} failed \
         (first sent at {first_failure:?}, last answered at {last_failure:?}); slowest answer {slowest:?}",
        log.len(),
        failed.len(),
    );

    // Every acknowledged capture is there exactly once; the others can be retried.
    let keys: Vec<String> = log.iter().map(|(key, ..)| key.clone()).collect();
    let acked: BTreeMap<String, String> = log
        .iter()
        .filter_map(|(key, _, _, got)| match got {
            Captured::Acknowledged(id) => Some((key.clone(), id.clone())),
            _ => None,
        })
        .collect();
    recapture_all(&client, &server.base, &token, &keys, &acked).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

/// A folder for a server's database that a test can mount its own disk over, inside a
/// private mount namespace: the temporary directory, the folder, the database file and
/// its URL. `None` when mount namespaces are not permitted here.
fn private_disk() -> Option<(
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    String,
)> {
    let private_mounts = Command::new("unshare")
        .args(["-m", "--propagation", "private", "true"])
        .output();
    if !private_mounts.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let db_file = disk.join("leadflow.db");
    let db_url = format!("sqlite://{}?mode=rwc", db_file.display());
    Some((dir, disk, db_file, db_url))
}

/// Runs `script` with `sh` inside the mount namespace of process `pid`.
fn in_namespace_of(pid: u32, script: &str) -> std::process::Output {
    Command::new("nsenter")
        .args(["-t", &pid.to_string(), "-m", "--", "sh", "-c", script])
        .output()
        .expect("nsenter runs")
}

#[tokio::test]
async fn a_full_disk_under_sqlite_is_reported_clearly_and_loses_nothing() {
    leadflow::install_crypto_provider();
    if in_postgres_pass() {
        return;
    }
    // The server runs in a mount namespace of its own, its data on a small disk (a tmpfs)
    // that only it sees and that goes away with it.
    let Some((dir, disk, db_file, db_url)) = private_disk() else {
        eprintln!("skipped: creating a mount namespace is not permitted here");
        return;
    };
    let admin_out = dir.path().join("admin.txt");
    let mut command = Command::new("unshare");
    command
        .args(["-m", "--propagation", "private", "sh", "-c"])
        .arg(format!(
            "mount -t tmpfs -o size=32m leadflow-disk '{disk}' \
         && \"$0\" create-admin --email ops@example.com > '{admin}' \
         && exec \"$0\" serve",
            disk = disk.display(),
            admin = admin_out.display()
        ));
    command.arg(env!("CARGO_BIN_EXE_leadflow"));
    let mut server = start_command(command, &db_url, &disk, &[]).await;
    let pid = server.child.id();
    let password = admin_password(&std::fs::read_to_string(&admin_out).unwrap());
    let client = reqwest::Client::new();
    let token = admin_token(&client, &server.base, &password).await;
    let form = gql(
        &client,
        &server.base,
        &token,
        "mutation { formCreate(input: { name: \"Contact\", fields: [{ name: \"personName\", label: \"Name\", required: true }, { name: \"email\", label: \"Email\", required: true }] }) { form { path } userErrors { message } } }",
        json!({}),
    )
    .await;
    let form_url = format!(
        "{}{}",
        server.base,
        form["data"]["formCreate"]["form"]["path"]
            .as_str()
            .unwrap_or_else(|| panic!("{form}"))
    );
    let post_form = |n: usize| {
        client
            .post(&form_url)
            .json(&json!({ "personName": format!("表单访客{n}"), "email": format!("form{n}@faults.example.com") }))
            .timeout(Duration::from_secs(30))
            .send()
    };

    let mut keys = Vec::new();
    let mut acked = BTreeMap::new();
    for n in 0..20 {
        let key = format!("disk-{n}");
        match capture_keyed(&client, &server.base, &token, &key, Duration::from_secs(30)).await {
            Captured::Acknowledged(id) => acked.insert(key.clone(), id),
            other => panic!("{key} before the disk filled: {other:?}"),
        };
        keys.push(key);
    }

    // Something else fills the disk.
    in_namespace_of(pid, &format!("cat /dev/zero > '{}/filler'", disk.display()));
    let df = in_namespace_of(pid, &format!("df -k '{}'", disk.display()));
    eprintln!("{}", String::from_utf8_lossy(&df.stdout));

    // Captures fail with a clear error once the database needs a new page (what is
    // already allocated may still take a few).
    let mut refused = 0;
    for n in 20..400 {
        let key = format!("disk-{n}");
        let got = capture_keyed(&client, &server.base, &token, &key, Duration::from_secs(30)).await;
        keys.push(key.clone());
        match got {
            Captured::Acknowledged(id) => {
                acked.insert(key, id);
            }
            Captured::Refused(status, code, message) => {
                assert_eq!(status, 200, "{message}");
                assert_eq!(code, "DATABASE_FULL", "{key}: {message}");
                assert!(message.contains("the database is full"), "{message}");
                refused += 1;
                if refused == 5 {
                    break;
                }
            }
            Captured::NoAnswer(why) => panic!("{key} got no answer: {why}"),
        }
    }
    assert_eq!(refused, 5, "captures are refused while the disk is full");
    eprintln!("{} captures acknowledged while filling", acked.len() - 20);

    // A visitor's form post is told the same, with 507 Insufficient Storage.
    let mut form_leads = 0;
    let mut form_refused = false;
    for n in 0..5 {
        let response = post_form(n).await.expect("the form post is answered");
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status == 200 {
            form_leads += 1;
            continue;
        }
        assert_eq!(status, 507, "{body}");
        assert_eq!(body["ok"], false);
        assert!(
            body["error"]
                .as_str()
                .unwrap_or_default()
                .contains("database is full"),
            "{body}"
        );
        form_refused = true;
        break;
    }
    assert!(
        form_refused,
        "form posts are refused while the disk is full"
    );
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );

    // Space is freed; the same server takes writes again, and nothing was lost or doubled.
    in_namespace_of(pid, &format!("rm '{}/filler'", disk.display()));
    recapture_all(&client, &server.base, &token, &keys, &acked).await;
    let response = post_form(99).await.unwrap();
    assert_eq!(response.status(), 200, "form posts are taken again");
    let total = gql(
        &client,
        &server.base,
        &token,
        "{ leads(filter: { search: \"faults.example.com\" }) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(
        total["data"]["leads"]["totalCount"],
        keys.len() + form_leads + 1,
        "{total}"
    );
    let check = in_namespace_of(
        pid,
        &format!("sqlite3 '{}' 'PRAGMA integrity_check;'", db_file.display()),
    );
    if check.status.success() {
        assert_eq!(String::from_utf8_lossy(&check.stdout).trim(), "ok");
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[tokio::test]
async fn a_read_only_sqlite_disk_stops_the_server_with_a_clear_message_and_keeps_the_data() {
    leadflow::install_crypto_provider();
    if in_postgres_pass() {
        return;
    }
    let Some((_dir, disk, _db_file, db_url)) = private_disk() else {
        eprintln!("skipped: creating a mount namespace is not permitted here");
        return;
    };
    create_admin(&db_url, &disk);

    // The disk the database lives on is remounted read-only (a full root partition
    // remounted by the kernel after an error looks the same), then the server starts.
    let output = Command::new("unshare")
        .args(["-m", "--propagation", "private", "sh", "-c"])
        .arg(format!(
            "mount --bind '{disk}' '{disk}' && mount -o remount,ro,bind '{disk}' && exec \"$0\" serve",
            disk = disk.display()
        ))
        .arg(env!("CARGO_BIN_EXE_leadflow"))
        .env("DATABASE_URL", &db_url)
        .env("LEADFLOW_BIND", format!("127.0.0.1:{}", free_port()))
        .env("LEADFLOW_DATA_DIR", &disk)
        .env("LEADFLOW_DIST_DIR", disk.join("no-dist"))
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .output()
        .expect("the server runs");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the server refused to start: {said}"
    );
    assert!(
        said.contains("cannot be written") && said.contains("Read-only file system"),
        "the message names the problem: {said}"
    );

    // Nothing was damaged: back on a writable disk, the same database serves its admin.
    let db = leadflow::startup::connect(&db_url).await.unwrap();
    use sea_orm::ConnectionTrait;
    let check = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
    let users = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT count(*) FROM users",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(users.try_get_by_index::<i64>(0).unwrap(), 1);
}

/// The import's progress as the importer's screen shows it.
async fn import_job(client: &reqwest::Client, base: &str, token: &str, id: &str) -> Value {
    let body = gql(
        client,
        base,
        token,
        "query($id: ID!) { importJob(id: $id) { status totalRows rowsDone rowsCreated rowsFailed } }",
        json!({ "id": id }),
    )
    .await;
    body["data"]["importJob"].clone()
}

#[tokio::test]
async fn a_server_killed_mid_import_resumes_with_every_row_once() {
    leadflow::install_crypto_provider();
    if in_postgres_pass() {
        return;
    }
    const ROWS: usize = 3000;
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("leadflow.db").display()
    );
    let password = create_admin(&db_url, dir.path());
    let mut server = start(&db_url, dir.path()).await;
    let client = reqwest::Client::new();
    let token = admin_token(&client, &server.base, &password).await;

    let mut csv = String::from("姓名,邮箱,手机,公司\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "客户{i},kill{i}@import.example.com,1390000{i:04},公司{i}\n"
        ));
    }
    let uploaded: Value = client
        .post(format!("{}/imports/upload", server.base))
        .query(&[("fileName", "trade-show.csv")])
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = uploaded["uploadId"]
        .as_str()
        .expect("an upload id")
        .to_string();
    let started = gql(
        &client,
        &server.base,
        &token,
        "mutation($input: ImportStartInput!) { importStart(input: $input) { userErrors { message } } }",
        json!({ "input": { "uploadId": id, "dedupPolicy": "MERGE", "mapping": [
            { "column": 0, "field": "personName" },
            { "column": 1, "field": "email" },
            { "column": 2, "field": "phone" },
            { "column": 3, "field": "company" }
        ] } }),
    )
    .await;
    assert_eq!(
        started["data"]["importStart"]["userErrors"],
        json!([]),
        "{started}"
    );

    // SIGKILL once some chunks are committed, mid-way.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let before = loop {
        let j = import_job(&client, &server.base, &token, &id).await;
        if j["rowsDone"].as_i64().unwrap_or(0) > 0 {
            break j;
        }
        assert!(std::time::Instant::now() < deadline, "no progress: {j}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert_ne!(before["status"], "DONE", "killed mid-way: {before}");

    // A new server takes the import over once the dead one's lease runs out.
    let server = start(&db_url, dir.path()).await;
    let token = admin_token(&client, &server.base, &password).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    let done = loop {
        let j = import_job(&client, &server.base, &token, &id).await;
        if j["status"] == "DONE" || j["status"] == "FAILED" {
            break j;
        }
        assert!(std::time::Instant::now() < deadline, "not finished: {j}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done["status"], "DONE", "{done}");
    assert_eq!(done["totalRows"], ROWS, "{done}");
    assert_eq!(done["rowsDone"], ROWS, "{done}");
    assert_eq!(done["rowsCreated"], ROWS, "{done}");
    assert_eq!(done["rowsFailed"], 0, "{done}");

    // Every row is a lead once, with one capture event.
    let db = leadflow::startup::connect(&db_url).await.unwrap();
    use sea_orm::ConnectionTrait;
    let count = |sql: &'static str| {
        let db = &db;
        async move {
            db.query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap()
        }
    };
    assert_eq!(
        count("SELECT count(*) FROM leads WHERE email LIKE '%@import.example.com'").await,
        ROWS as i64
    );
    assert_eq!(
        count("SELECT count(DISTINCT email) FROM leads WHERE email LIKE '%@import.example.com'")
            .await,
        ROWS as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM lead_events WHERE kind = 'captured'").await,
        ROWS as i64,
        "one capture event per row"
    );
}
