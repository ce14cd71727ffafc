//! Starting a test server and talking to it.

use std::path::PathBuf;

use leadflow::config::Config;
use leadflow::startup::{self, Spawned};
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin-password-123";

pub struct TestApp {
    pub server: Spawned,
    pub client: reqwest::Client,
    pub admin_id: String,
    /// What the server was started with; [`TestApp::restart`] reuses it.
    pub config: Config,
    _dir: std::sync::Arc<tempfile::TempDir>,
}

/// A fresh database URL: a new SQLite file, or a new database on the PostgreSQL server
/// named by `LEADFLOW_TEST_DATABASE_URL`.
async fn fresh_database(dir: &tempfile::TempDir) -> String {
    match std::env::var("LEADFLOW_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sea_orm::ConnectionTrait;
            let name = format!("lf_test_{}", uuid::Uuid::new_v4().simple());
            let admin = sea_orm::Database::connect(&admin_url)
                .await
                .expect("connect to the test PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create a test database");
            admin.close().await.ok();
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        _ => format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("leadflow.db").display()
        ),
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A test server whose configuration the test adjusts first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    leadflow::install_crypto_provider();
    // `RUST_LOG=leadflow=debug cargo test ...` shows the server's logs of a failing test.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "off".into()),
        )
        .try_init();
    let dir = tempfile::tempdir().expect("temp dir");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).expect("dist dir");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Leadflow test shell</title>",
    )
    .expect("index");
    let mut config = Config::for_tests(fresh_database(&dir).await, PathBuf::from(&dist));
    config.data_dir = dir.path().join("data");
    configure(&mut config);
    let server = startup::spawn(config.clone()).await.expect("server starts");
    let admin =
        leadflow::domain::users::create_admin(&server.db, ADMIN_EMAIL, Some(ADMIN_PASSWORD))
            .await
            .expect("admin");
    TestApp {
        server,
        client: reqwest::Client::new(),
        admin_id: admin.id.to_string(),
        config,
        _dir: std::sync::Arc::new(dir),
    }
}

impl TestApp {
    /// Another server on the same database and configuration (several instances
    /// behind one load balancer).
    pub fn beside(first: &TestApp, server: Spawned) -> TestApp {
        TestApp {
            server,
            client: first.client.clone(),
            admin_id: first.admin_id.clone(),
            config: first.config.clone(),
            _dir: first._dir.clone(),
        }
    }

    /// Stops the server (its background jobs abandoned mid-way, as in a crash or a
    /// deploy) and starts a new one on the same database and data folder.
    pub async fn restart(self) -> TestApp {
        let TestApp {
            server,
            client,
            admin_id,
            config,
            _dir,
        } = self;
        server.shutdown().await;
        let server = startup::spawn(config.clone())
            .await
            .expect("server restarts");
        TestApp {
            server,
            client,
            admin_id,
            config,
            _dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/graphql/ws", self.server.addr)
    }

    /// POSTs a GraphQL request and returns the whole JSON response.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        assert!(response.status().is_success(), "HTTP {}", response.status());
        response.json().await.expect("JSON response")
    }

    /// Signs in and returns the login payload.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let body = self
            .gql(
                None,
                "mutation($input: LoginInput!) { login(input: $input) {
                    accessToken refreshToken expiresIn user { id email role }
                    userErrors { field message code } } }",
                json!({ "input": { "email": email, "password": password } }),
            )
            .await;
        body["data"]["login"].clone()
    }

    pub async fn admin_token(&self) -> String {
        let login = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        login["accessToken"]
            .as_str()
            .expect("admin signs in")
            .to_string()
    }

    /// Captures a lead through the API; gives its id.
    pub async fn capture_lead(&self, token: &str, input: Value) -> String {
        let body = self
            .gql(
                Some(token),
                "mutation($input: LeadCaptureInput!) { leadCapture(input: $input) { leadId userErrors { field message } } }",
                json!({ "input": input }),
            )
            .await;
        body["data"]["leadCapture"]["leadId"]
            .as_str()
            .unwrap_or_else(|| panic!("captured: {body}"))
            .to_string()
    }

    /// Signs in a user made by [`TestApp::create_user`]; gives the access token.
    pub async fn user_token(&self, email: &str) -> String {
        let login = self.login(email, "rep-password-123").await;
        login["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("{email} signs in: {login}"))
            .to_string()
    }

    /// Creates a user through the API as the admin; returns the new user's id.
    pub async fn create_user(
        &self,
        admin_token: &str,
        email: &str,
        role: &str,
        team_id: Option<&str>,
    ) -> String {
        let body = self
            .gql(
                Some(admin_token),
                "mutation($input: UserCreateInput!) { userCreate(input: $input) {
                    user { id } userErrors { field message code } } }",
                json!({ "input": {
                    "email": email, "name": email.split('@').next().unwrap(),
                    "password": "rep-password-123", "role": role, "teamId": team_id
                } }),
            )
            .await;
        let payload = &body["data"]["userCreate"];
        assert_eq!(payload["userErrors"], json!([]), "{body}");
        payload["user"]["id"].as_str().expect("user id").to_string()
    }
}

/// The `extensions.code` of the first top-level error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<no error>")
}
