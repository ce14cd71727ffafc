//! Harness for the browser tests: a real Leadflow server on a fresh SQLite database,
//! and headless Chromium driven through chromedriver (fantoccini).
//!
//! The server runs in-process ([`leadflow::startup::spawn`]) and serves the SPA from
//! `<workspace>/dist`, which `cargo xtask test` builds first. Every wait is an explicit
//! poll for a condition with a deadline ([`WAIT`]); nothing sleeps for a fixed time.
//! Screenshots land in `<workspace>/target/e2e-screenshots/`.
//!
//! [`bench`] is the benchmark harness (`cargo xtask bench`), kept here because this crate
//! already has the HTTP, WebSocket and database clients it needs.

pub mod bench;

use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use leadflow::config::Config;
use leadflow::startup::Spawned;
use serde_json::{json, Value};
use tempfile::TempDir;

pub mod smtp;

/// How long any wait polls before failing.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "pw-admin-e2e-2024";
/// The password of every user [`TestApp::create_user`] makes.
pub const USER_PASSWORD: &str = "e2e-password-2024";

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The built SPA, or a message that says how to build it.
pub fn dist_dir() -> Result<PathBuf> {
    let dist = workspace_root().join("dist");
    if !dist.join("index.html").is_file() {
        bail!(
            "{} is missing: the browser tests need the built SPA. Run `cargo xtask test` \
             (it builds the SPA with Trunk first), or `trunk build --release` in the workspace root.",
            dist.join("index.html").display()
        );
    }
    Ok(dist)
}

/// Browser tests run one at a time: two Chromiums on a small CI machine make both flaky.
pub async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    LOCK.lock().await
}

/// A running server with one administrator.
pub struct TestApp {
    pub server: Spawned,
    pub admin_email: String,
    pub admin_password: String,
    _data: TempDir,
}

impl TestApp {
    pub async fn spawn() -> Result<TestApp> {
        TestApp::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], with the configuration adjusted first (e.g. an SMTP
    /// relay: `|c| c.smtp = Some(sink.config())`).
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> Result<TestApp> {
        leadflow::install_crypto_provider();
        let dist = dist_dir()?;
        let data = tempfile::tempdir().context("creating a temporary data directory")?;
        let database_url = format!(
            "sqlite://{}?mode=rwc",
            data.path().join("leadflow.db").display()
        );
        let mut config = Config::for_tests(database_url, dist);
        configure(&mut config);
        let server = leadflow::startup::spawn(config)
            .await
            .context("starting the Leadflow server")?;
        let admin =
            leadflow::domain::users::create_admin(&server.db, ADMIN_EMAIL, Some(ADMIN_PASSWORD))
                .await
                .context("creating the administrator")?;
        Ok(TestApp {
            server,
            admin_email: admin.email,
            admin_password: admin.password,
            _data: data,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// Runs a GraphQL request as a separate client (e.g. "another administrator").
    pub async fn graphql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Result<Value> {
        let mut request = reqwest::Client::new()
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let body: Value = request.send().await?.error_for_status()?.json().await?;
        if let Some(errors) = body.get("errors") {
            bail!("GraphQL errors: {errors}");
        }
        Ok(body["data"].clone())
    }

    /// An access token for the administrator, obtained over the API.
    pub async fn admin_token(&self) -> Result<String> {
        let data = self
            .graphql(
                None,
                "mutation($input: LoginInput!) { login(input: $input) { accessToken userErrors { code } } }",
                json!({ "input": { "email": self.admin_email, "password": self.admin_password } }),
            )
            .await?;
        data["login"]["accessToken"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("login refused: {data}"))
    }

    /// Creates an active user over the API as the administrator and returns its id.
    pub async fn create_user(&self, email: &str, name: &str, role: &str) -> Result<String> {
        let token = self.admin_token().await?;
        let data = self
            .graphql(
                Some(&token),
                "mutation($input: UserCreateInput!) { userCreate(input: $input) { user { id } userErrors { field code } } }",
                json!({ "input": { "email": email, "name": name, "password": USER_PASSWORD, "role": role } }),
            )
            .await?;
        data["userCreate"]["user"]["id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("creating {email} failed: {data}"))
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Headless Chromium behind a private chromedriver.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
    screenshots: PathBuf,
}

fn find_chromedriver() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMEDRIVER") {
        return Ok(PathBuf::from(path));
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromedriver"))
            .find(|candidate| candidate.is_file())
    });
    let fallback = PathBuf::from("/usr/bin/chromedriver");
    match on_path {
        Some(path) => Ok(path),
        None if fallback.is_file() => Ok(fallback),
        None => bail!(
            "chromedriver not found on PATH or at /usr/bin/chromedriver; run `cargo xtask setup`"
        ),
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

impl Browser {
    pub async fn start() -> Result<Browser> {
        let chromedriver = find_chromedriver()?;
        let port = free_port()?;
        let profile = tempfile::tempdir().context("creating a Chromium profile directory")?;
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;

        let chromium = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1366,900".into(),
            "--lang=en-US".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args }),
        );

        // chromedriver takes a moment to listen; retry the session until the deadline.
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + WAIT;
        let client = loop {
            let attempt = ClientBuilder::rustls()
                .context("setting up the WebDriver HTTP client")?
                .capabilities(capabilities.clone())
                .connect(&url)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(err) if Instant::now() < deadline => {
                    if let Ok(Some(status)) = driver.try_wait() {
                        bail!("chromedriver exited early ({status}): {err}");
                    }
                    tokio::time::sleep(POLL).await;
                }
                Err(err) => {
                    let _ = driver.kill();
                    bail!(
                        "could not start a Chromium session via {}: {err}",
                        chromedriver.display()
                    );
                }
            }
        };

        let screenshots = workspace_root().join("target").join("e2e-screenshots");
        std::fs::create_dir_all(&screenshots).context("creating the screenshot directory")?;
        Ok(Browser {
            client,
            driver,
            _profile: profile,
            screenshots,
        })
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("opening {url}"))
    }

    /// Waits for an element matching `css` to exist.
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(WAIT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for `{css}`"))
    }

    /// Waits until the element matching `css` shows text containing `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Result<Element> {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(expected) {
                        return Ok(element);
                    }
                    last = text;
                }
            }
            if Instant::now() >= deadline {
                bail!("`{css}` never showed {expected:?} (last text: {last:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the element matching `css` shows exactly `expected` (trimmed) — for
    /// numbers, where "¥50,000" must not pass for "¥150,000".
    pub async fn wait_for_exact_text(&self, css: &str, expected: &str) -> Result<Element> {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.trim() == expected {
                        return Ok(element);
                    }
                    last = text;
                }
            }
            if Instant::now() >= deadline {
                bail!("`{css}` never showed exactly {expected:?} (last text: {last:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Drags the element matching `source` onto the one matching `target` with HTML5
    /// drag and drop. WebDriver's pointer actions do not fire HTML5 drag events in
    /// Chromium, so this dispatches the events a real drag fires, in order, sharing one
    /// `DataTransfer`: `dragstart` on the source, `dragenter` and `dragover` on the
    /// target, then `drop` on the target and `dragend` on the source. Fails when the
    /// target did not accept the drop (a drop zone calls `preventDefault` on `dragover`).
    pub async fn drag_and_drop(&self, source: &str, target: &str) -> Result<()> {
        self.find(source).await?;
        self.find(target).await?;
        let accepted = self
            .client
            .execute(
                r#"
                const source = document.querySelector(arguments[0]);
                const target = document.querySelector(arguments[1]);
                const dataTransfer = new DataTransfer();
                const fire = (el, type) => {
                    const rect = el.getBoundingClientRect();
                    const event = new DragEvent(type, {
                        bubbles: true,
                        cancelable: true,
                        composed: true,
                        dataTransfer,
                        clientX: rect.left + rect.width / 2,
                        clientY: rect.top + Math.min(rect.height / 2, 40),
                    });
                    // dispatchEvent is false when a listener called preventDefault.
                    return !el.dispatchEvent(event);
                };
                fire(source, 'dragstart');
                fire(target, 'dragenter');
                const accepted = fire(target, 'dragover');
                if (accepted) {
                    fire(target, 'drop');
                }
                fire(source, 'dragend');
                return accepted;
                "#,
                vec![json!(source), json!(target)],
            )
            .await
            .with_context(|| format!("dragging `{source}` onto `{target}`"))?;
        if accepted != Value::Bool(true) {
            bail!("`{target}` did not accept the drop of `{source}` (dragover not cancelled)");
        }
        Ok(())
    }

    /// Drags with the real mouse (WebDriver pointer actions: `pointerdown`, a few
    /// `pointermove`s, `pointerup`) from the centre of `source` to the centre of
    /// `target` moved by `(dx, dy)` pixels. Canvas editors that listen to pointer events
    /// (not HTML5 drag and drop) are driven with this.
    pub async fn mouse_drag(&self, source: &str, target: &str, dx: f64, dy: f64) -> Result<()> {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
        let centre = |css: &str| {
            let css = css.to_owned();
            async move {
                self.find(&css).await?;
                let rect = self
                    .client
                    .execute(
                        "const el = document.querySelector(arguments[0]);
                         el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
                         const r = el.getBoundingClientRect();
                         return [r.left + r.width / 2, r.top + r.height / 2];",
                        vec![json!(css)],
                    )
                    .await?;
                let x = rect[0].as_f64().context("no x")?;
                let y = rect[1].as_f64().context("no y")?;
                anyhow::Ok((x, y))
            }
        };
        let (sx, sy) = centre(source).await?;
        let (tx, ty) = centre(target).await?;
        let (tx, ty) = (tx + dx, ty + dy);
        let mut mouse = MouseActions::new("mouse".into())
            .then(PointerAction::MoveTo {
                duration: None,
                x: sx.round(),
                y: sy.round(),
            })
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            });
        const STEPS: u32 = 8;
        for i in 1..=STEPS {
            let f = f64::from(i) / f64::from(STEPS);
            mouse = mouse.then(PointerAction::MoveTo {
                duration: Some(Duration::from_millis(20)),
                x: (sx + (tx - sx) * f).round(),
                y: (sy + (ty - sy) * f).round(),
            });
        }
        mouse = mouse.then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
        self.client
            .perform_actions(mouse)
            .await
            .with_context(|| format!("mouse-dragging `{source}` to `{target}` ({dx:+}, {dy:+})"))?;
        self.client.release_actions().await.ok();
        Ok(())
    }

    /// Waits until the form control matching `css` holds a value containing `expected`
    /// (inputs and textareas keep their text in `value`, not in their children).
    pub async fn wait_for_value(&self, css: &str, expected: &str) -> Result<String> {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(Some(value)) = element.prop("value").await {
                    if value.contains(expected) {
                        return Ok(value);
                    }
                    last = value;
                }
            }
            if Instant::now() >= deadline {
                bail!("`{css}` never held {expected:?} (last value: {last:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the element matching `css` has the attribute `name` equal to
    /// `expected` (e.g. a `data-status` or a `data-count` the page exposes for tests).
    pub async fn wait_for_attr(&self, css: &str, name: &str, expected: &str) -> Result<Element> {
        let deadline = Instant::now() + WAIT;
        let mut last = None;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(value) = element.attr(name).await {
                    if value.as_deref() == Some(expected) {
                        return Ok(element);
                    }
                    last = value;
                }
            }
            if Instant::now() >= deadline {
                bail!("`{css}` never had {name}={expected:?} (last: {last:?})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The attribute `name` of every element matching `css`, in document order.
    pub async fn attrs(&self, css: &str, name: &str) -> Result<Vec<String>> {
        let mut values = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            values.push(element.attr(name).await?.unwrap_or_default());
        }
        Ok(values)
    }

    /// Sets the value of the input matching `css` the way typing would end, and fires
    /// `input` — for controls WebDriver cannot type into portably (`datetime-local`).
    pub async fn set_value(&self, css: &str, value: &str) -> Result<()> {
        self.find(css).await?;
        self.client
            .execute(
                "const el = document.querySelector(arguments[0]); el.value = arguments[1]; \
                 el.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![json!(css), json!(value)],
            )
            .await
            .with_context(|| format!("setting the value of `{css}`"))?;
        Ok(())
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = self.client.find_all(Locator::Css(css)).await?;
            if found.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("`{css}` is still on the page");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until exactly `expected` elements match `css`.
    pub async fn wait_for_count(&self, css: &str, expected: usize) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let found = self.client.find_all(Locator::Css(css)).await?.len();
            if found == expected {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("expected {expected} of `{css}`, found {found}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the current URL's query string contains `fragment` (as written in
    /// the address bar, i.e. percent-encoded).
    pub async fn wait_for_query(&self, fragment: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let current = self.client.current_url().await?;
            if current.query().unwrap_or_default().contains(fragment) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("expected the query to contain {fragment:?}, URL is {current}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the path of the current URL is `path`.
    pub async fn wait_for_path(&self, path: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let current = self.client.current_url().await?;
            if current.path() == path {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!("expected to be at {path}, still at {current}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.find(css)
            .await?
            .click()
            .await
            .with_context(|| format!("clicking `{css}`"))
    }

    /// Replaces the value of the input matching `css` by typing `text`.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let input = self.find(css).await?;
        input.clear().await?;
        input
            .send_keys(text)
            .await
            .with_context(|| format!("typing into `{css}`"))
    }

    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        self.find(css)
            .await?
            .select_by_value(value)
            .await
            .with_context(|| format!("choosing {value:?} in `{css}`"))
    }

    /// Chooses the first option of the `<select>` matching `css` whose label contains `text`.
    pub async fn select_by_label_containing(&self, css: &str, text: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let select = self.find(css).await?;
            for option in select.find_all(Locator::Css("option")).await? {
                if option.text().await?.contains(text) {
                    return option
                        .click()
                        .await
                        .with_context(|| format!("choosing {text:?} in `{css}`"));
                }
            }
            if Instant::now() >= deadline {
                bail!("`{css}` never offered an option containing {text:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits for a `confirm()` dialog and accepts it.
    pub async fn accept_dialog(&self) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.client.accept_alert().await {
                Ok(()) => return Ok(()),
                Err(_) if Instant::now() < deadline => tokio::time::sleep(POLL).await,
                Err(err) => return Err(err).context("waiting for a confirmation dialog"),
            }
        }
    }

    /// Signs in as the administrator through the login page and waits for the app shell.
    pub async fn sign_in(&self, app: &TestApp) -> Result<()> {
        self.sign_in_as(app, &app.admin_email, &app.admin_password)
            .await
    }

    /// Signs in as anyone through the login page and waits for the app shell (users made
    /// by [`TestApp::create_user`] have the password [`USER_PASSWORD`]).
    pub async fn sign_in_as(&self, app: &TestApp, email: &str, password: &str) -> Result<()> {
        self.goto(&app.url("/login")).await?;
        self.fill("[data-testid=login-email]", email).await?;
        self.fill("[data-testid=login-password]", password).await?;
        self.click("[data-testid=login-submit]").await?;
        self.find("[data-testid=app-shell]")
            .await
            .with_context(|| format!("signing in as {email}"))?;
        Ok(())
    }

    /// The JSON value the SPA stored under `key` in localStorage (`null` if absent).
    pub async fn stored(&self, key: &str) -> Result<Value> {
        let raw = self
            .client
            .execute(
                "return window.localStorage.getItem(arguments[0]);",
                vec![json!(key)],
            )
            .await?;
        Ok(match raw.as_str() {
            Some(text) => serde_json::from_str(text)?,
            None => Value::Null,
        })
    }

    /// Replaces the JSON value stored under `key` in localStorage.
    pub async fn store(&self, key: &str, value: &Value) -> Result<()> {
        self.client
            .execute(
                "window.localStorage.setItem(arguments[0], arguments[1]);",
                vec![json!(key), json!(value.to_string())],
            )
            .await?;
        Ok(())
    }

    /// Saves `target/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        let path = self.screenshots.join(format!("{name}.png"));
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    pub async fn close(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        closed.context("closing the browser session")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Covers failed tests that never reach `close`; killing twice is harmless.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
