//! The `leadflow` command line, run as an operator would.

use std::process::Command;

use leadflow::config::Config;
use serde_json::json;

fn leadflow(db_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_leadflow"))
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("leadflow runs")
}

#[tokio::test]
async fn migrate_create_admin_and_sign_in_across_restarts() {
    leadflow::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("data/leadflow.db").display()
    );

    let migrate = leadflow(&db_url, &["migrate"]);
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(String::from_utf8_lossy(&migrate.stdout).contains("up to date"));

    let created = leadflow(&db_url, &["create-admin", "--email", "Ops@Example.com"]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let out = String::from_utf8_lossy(&created.stdout).to_string();
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once): "))
        .expect("the password is printed")
        .trim()
        .to_string();
    assert!(password.len() >= 20);

    let again = leadflow(&db_url, &["create-admin", "--email", "ops@example.com"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has an account"));

    // The generated JWT secret is kept: a token from before a restart still works after.
    let dist = dir.path().join("dist");
    let first = leadflow::startup::spawn(Config::for_tests(&db_url, dist.clone()))
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{}/graphql", first.url()))
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
        .expect("signs in")
        .to_string();
    first.shutdown().await;

    let second = leadflow::startup::spawn(Config::for_tests(&db_url, dist))
        .await
        .unwrap();
    let me: serde_json::Value = client
        .post(format!("{}/graphql", second.url()))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { email role } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["data"]["me"],
        json!({ "email": "ops@example.com", "role": "ADMIN" })
    );

    // Without a built SPA the server says how to get one instead of a bare 404.
    let page = client
        .get(format!("{}/leads", second.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("cargo xtask run"));
    second.shutdown().await;
}

#[test]
fn schema_command_prints_the_checked_in_schema() {
    let out = Command::new(env!("CARGO_BIN_EXE_leadflow"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert!(
        printed == checked_in,
        "`leadflow schema` differs from backend/schema.graphql"
    );
}

/// Signs in and returns an access token.
async fn sign_in(client: &reqwest::Client, base: &str, password: &str) -> String {
    let login: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": format!(
            "mutation {{ login(input: {{ email: \"ops@example.com\", password: \"{password}\" }}) {{ accessToken }} }}"
        ) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_else(|| panic!("signs in: {login}"))
        .to_string()
}

async fn gql(client: &reqwest::Client, base: &str, token: &str, query: &str) -> serde_json::Value {
    client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_to_that_moment() {
    leadflow::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("data/leadflow.db").display()
    );
    let created = leadflow(&db_url, &["create-admin", "--email", "ops@example.com"]);
    assert!(created.status.success(), "{}", text(&created));
    let password = String::from_utf8_lossy(&created.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Password (shown once): "))
        .unwrap()
        .trim()
        .to_string();
    let dist = dir.path().join("dist");
    let client = reqwest::Client::new();
    let capture = |name: &str| {
        format!(
            "mutation {{ leadCapture(input: {{ personName: \"{name}\", company: \"杭州云帆科技有限公司\", phone: \"138 0013 80{}\" }}) {{ leadId }} }}",
            name.len() + 10
        )
    };

    let server = leadflow::startup::spawn(Config::for_tests(&db_url, dist.clone()))
        .await
        .unwrap();
    let token = sign_in(&client, &server.url(), &password).await;
    let before = gql(&client, &server.url(), &token, &capture("张伟")).await;
    assert!(
        before["data"]["leadCapture"]["leadId"].is_string(),
        "{before}"
    );

    // Online: the server keeps serving while the copy is taken.
    let file = dir.path().join("backups/monday.db");
    let file_arg = file.to_str().unwrap();
    let backup = leadflow(&db_url, &["backup", "--out", file_arg]);
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(
        text(&backup).contains("Backed up 1 leads and 1 users"),
        "{}",
        text(&backup)
    );
    // A backup never overwrites another.
    let again = leadflow(&db_url, &["backup", "--out", file_arg]);
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));

    let after = gql(&client, &server.url(), &token, &capture("Alice Smith")).await;
    assert!(
        after["data"]["leadCapture"]["leadId"].is_string(),
        "{after}"
    );
    server.shutdown().await;

    // Replacing a database takes --force.
    let refused = leadflow(&db_url, &["restore", "--from", file_arg]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("--force"), "{}", text(&refused));
    // Something that is not a backup is refused before the database is touched.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let bad = leadflow(
        &db_url,
        &["restore", "--from", junk.to_str().unwrap(), "--force"],
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("not a usable Leadflow backup"),
        "{}",
        text(&bad)
    );

    let restored = leadflow(&db_url, &["restore", "--from", file_arg, "--force"]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(
        text(&restored).contains("Restored 1 leads"),
        "{}",
        text(&restored)
    );

    let server = leadflow::startup::spawn(Config::for_tests(&db_url, dist))
        .await
        .unwrap();
    let token = sign_in(&client, &server.url(), &password).await;
    let leads = gql(
        &client,
        &server.url(),
        &token,
        "{ leads { totalCount edges { node { personName } } } }",
    )
    .await;
    assert_eq!(leads["data"]["leads"]["totalCount"], 1, "{leads}");
    assert_eq!(
        leads["data"]["leads"]["edges"][0]["node"]["personName"],
        "张伟"
    );
    server.shutdown().await;

    // PostgreSQL has its own tools; the command says which.
    let pg = leadflow(
        "postgres://leadflow@127.0.0.1:1/leadflow",
        &[
            "backup",
            "--out",
            dir.path().join("pg.db").to_str().unwrap(),
        ],
    );
    assert!(!pg.status.success());
    assert!(text(&pg).contains("pg_dump"), "{}", text(&pg));
}
