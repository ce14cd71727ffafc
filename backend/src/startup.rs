//! Starting the server: connect, migrate, bind, serve. `main.rs` and the tests both
//! come through here, so what the tests start is what production runs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use leadflow_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::app::{self, AppState};
use crate::auth::{LoginThrottle, TokenKeys};
use crate::config::Config;
use crate::domain::settings;
use crate::events::EventBus;

/// Opens the database. An SQLite file (and its folder) is created when missing and put
/// in WAL mode, so readers never wait for the writer.
pub async fn connect(database_url: &str) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_path(database_url) {
        if let Some(parent) = std::path::Path::new(&path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the folder for the database file {path}"))?;
        }
        if !database_url.contains("mode=ro") {
            check_writable(std::path::Path::new(&path))?;
        }
    }
    let mut options = ConnectOptions::new(database_url.to_string());
    options
        .max_connections(if database_url.starts_with("sqlite") {
            8
        } else {
            20
        })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(15))
        // Every statement at debug level (`RUST_LOG=sqlx=debug` shows what a request
        // runs and how long each took); statements slower than a second at warn.
        .sqlx_logging(true)
        .sqlx_logging_level(tracing::log::LevelFilter::Debug)
        .sqlx_slow_statements_logging_settings(
            tracing::log::LevelFilter::Warn,
            Duration::from_secs(1),
        )
        // A 4 MiB page cache per connection (SQLite's default is 2 MiB). Bigger does not
        // pay: in WAL mode a connection drops its whole cache whenever another one has
        // committed since its last read, which under captures is every request, and the
        // operating system caches the file anyway. At 16 MiB the eight connections held
        // up to 128 MiB and spent their time freeing pages (measured in BENCHMARKS.md).
        //
        // SQLite has one writer at a time: a write waits for the lock up to 20 s (the
        // driver's default is 5 s) rather than fail, so a burst of captures arriving
        // while an import commits a chunk queues instead of erroring; the request timeout
        // (30 s) still bounds the wait.
        //
        // Temporary files (a savepoint's journal: captures written in a group and import
        // rows each run inside one) stay in memory rather than in a file written for
        // every savepoint.
        .map_sqlx_sqlite_opts(|opts| {
            opts.pragma("cache_size", "-4096")
                .pragma("temp_store", "memory")
                .busy_timeout(Duration::from_secs(20))
        })
        // A connection must come back to the pool outside any transaction. When SQLite
        // has already undone a transaction itself (it does on a full disk or an I/O
        // error), the driver's own ROLLBACK fails and it keeps counting the transaction
        // as open: every later "transaction" on that connection would then be a mere
        // savepoint that cannot take the write lock up front, and writes would fail
        // with "database is locked" long after the disk has room again. Such a
        // connection is closed and replaced instead.
        .map_sqlx_sqlite_pool_opts(|opts| {
            opts.after_release(|conn, _| {
                Box::pin(async move {
                    use sea_orm::sqlx::Connection;
                    // Runs the rollback a dropped transaction queued.
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
        });
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to the database ({})", redact(database_url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL;").await?;
    }
    Ok(db)
}

/// Refuses to start on a SQLite file that cannot be written (a read-only disk, a file or
/// folder without write permission), saying so, rather than failing later with SQLite's
/// "unable to open database file". SQLite also writes its log (`-wal`, `-shm`) beside
/// the file, so the folder must be writable too.
fn check_writable(path: &std::path::Path) -> anyhow::Result<()> {
    let advice = "Leadflow stores every lead there: mount the disk read-write, or point \
                  DATABASE_URL at a writable place";
    if path.exists() {
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| {
                anyhow::anyhow!(
                    "the database file {} cannot be written ({e}). {advice}",
                    path.display()
                )
            })?;
    }
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."));
    let probe = folder.join(format!(".leadflow-write-check-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| {
            anyhow::anyhow!(
                "the folder {} of the database cannot be written ({e}); SQLite keeps its \
                 write-ahead log beside the database file. {advice}",
                folder.display()
            )
        })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

pub(crate) fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("migrating the database")
}

/// Form submissions one address may make per minute: plenty for an office behind one
/// NAT, too few for a flood.
pub const FORM_POSTS_PER_MINUTE: u32 = 30;
/// Tracking events one address may send per minute (a busy reader clicks a lot).
pub const TRACKING_EVENTS_PER_MINUTE: u32 = 300;

/// A connected, migrated application bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        // Record from the first request on.
        crate::telemetry::metrics();
        let db = connect(&config.database_url).await?;
        migrate(&db).await?;
        let secret = settings::jwt_secret(&db, config.jwt_secret.as_deref()).await?;
        crate::domain::scoring::ensure_model(&db).await?;
        crate::domain::scoring::schedule_decay(&db).await?;
        crate::domain::predictive::schedule_nightly(&db).await?;
        crate::domain::sla::schedule(&db).await?;
        crate::domain::journeys::schedule(&db).await?;
        crate::domain::pipeline::ensure_default(&db).await?;
        crate::relay::schedule_prune(&db).await?;
        let keys = TokenKeys::new(&secret, config.access_token_ttl_secs);
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("listening on {}", config.bind))?;
        let mut config = config;
        if config.public_url.is_none() {
            config.public_url = Some(format!("http://{}", listener.local_addr()?));
        }
        let state = AppState {
            email_links: crate::domain::email::LinkKey::derive(&secret),
            db,
            keys: Arc::new(keys),
            login_throttle: LoginThrottle::default(),
            events: EventBus::default(),
            form_limiter: crate::http::limits::RateLimiter::new(
                FORM_POSTS_PER_MINUTE,
                Duration::from_secs(60),
            ),
            tracking: crate::domain::tracking::TrackingKey::derive(&secret),
            tracking_limiter: crate::http::limits::RateLimiter::new(
                TRACKING_EVENTS_PER_MINUTE,
                Duration::from_secs(60),
            ),
            api_key_limiter: crate::http::limits::RateLimiter::new(
                config.api_key_requests_per_minute,
                Duration::from_secs(60),
            ),
            jobs: crate::jobs::Queue::default(),
            config: Arc::new(config),
        };
        Ok(Application { listener, state })
    }

    pub fn addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes the requests in flight.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        // Background jobs run beside the HTTP server and stop after it.
        let (stop_jobs, jobs_stopped) = tokio::sync::watch::channel(false);
        let relay = tokio::spawn(crate::relay::run(self.state.clone(), jobs_stopped.clone()));
        let runner = tokio::spawn(crate::jobs::runner(self.state.clone()).run(jobs_stopped));
        let router = app::router(self.state);
        let served = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP");
        let _ = stop_jobs.send(true);
        let _ = runner.await;
        let _ = relay.await;
        served
    }
}

/// A server running in the background of the current tokio runtime (tests, e2e).
pub struct Spawned {
    pub addr: SocketAddr,
    pub db: DatabaseConnection,
    /// Wakes the server's job runner (tests that move the clock forward).
    pub jobs: crate::jobs::Queue,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Spawned {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

pub async fn spawn(config: Config) -> anyhow::Result<Spawned> {
    let app = Application::build(config).await?;
    let addr = app.addr()?;
    let db = app.state().db.clone();
    let jobs = app.state().jobs.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.serve(async move {
        let _ = stopped.await;
    }));
    Ok(Spawned {
        addr,
        db,
        jobs,
        stop,
        task,
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://leadflow.db?mode=rwc").as_deref(),
            Some("leadflow.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/lf/x.db").as_deref(),
            Some("/var/lib/lf/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u:p@h/db"), None);
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://lf:secret@127.0.0.1:5432/lf"),
            "postgres://lf:***@127.0.0.1:5432/lf"
        );
        assert_eq!(redact("sqlite://leadflow.db"), "sqlite://leadflow.db");
    }
}
