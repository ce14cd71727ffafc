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
