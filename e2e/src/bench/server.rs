//! The Leadflow server under test: a release binary started as its own process on a free
//! loopback port, timed from spawn to a healthy `/healthz`, its memory read from `/proc`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// How long a start may take before the run gives up (a 1M-lead database included).
const START_LIMIT: Duration = Duration::from_secs(180);

pub struct Server {
    child: Child,
    pub base_url: String,
    pub addr: std::net::SocketAddr,
    /// From spawning the process to the first healthy `/healthz`.
    pub cold_start: Duration,
    log: PathBuf,
}

/// Server memory from `/proc/<pid>/status`, in MiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// Resident now.
    pub rss_mib: f64,
    /// Highest resident so far.
    pub peak_mib: f64,
}

/// A free loopback port.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

impl Server {
    /// Starts `binary serve` against `database_url` with its data under `dir`, and waits until
    /// it answers `/healthz`.
    pub async fn start(
        binary: &Path,
        database_url: &str,
        dir: &Path,
        dist: &Path,
        demo: bool,
    ) -> Result<Server> {
        std::fs::create_dir_all(dir)?;
        let port = free_port()?;
        let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let log = dir.join(format!("server-{port}.log"));
        let out = std::fs::File::create(&log)?;
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("LEADFLOW_BIND", addr.to_string())
            .env("LEADFLOW_DATA_DIR", dir.join("data"))
            .env("LEADFLOW_DIST_DIR", dist)
            .env("LEADFLOW_GRAPHIQL", "false")
            // The load generator is one integration sending far more than a key's
            // default allowance per minute; the limit itself is not what is measured.
            .env("LEADFLOW_API_KEY_REQUESTS_PER_MINUTE", "0")
            // Info logs per request would be part of what is measured; operators run at warn.
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out);
        if demo {
            command.arg("--demo");
        }
        let started = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let mut server = Server {
            child,
            base_url: format!("http://{addr}"),
            addr,
            cold_start: Duration::ZERO,
            log,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()?;
        loop {
            if let Ok(response) = client.get(server.url("/healthz")).send().await {
                if response.status().is_success() {
                    break;
                }
            }
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "the server exited ({status}) before it was healthy; its log:\n{}",
                    server.log_tail()
                );
            }
            if started.elapsed() > START_LIMIT {
                bail!(
                    "the server was not healthy after {START_LIMIT:?}:\n{}",
                    server.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.cold_start = started.elapsed();
        Ok(server)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn memory(&self) -> Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let field = |name: &str| -> f64 {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kb| kb.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        Ok(Memory {
            rss_mib: field("VmRSS:"),
            peak_mib: field("VmHWM:"),
        })
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Stops the server the way a service manager does: SIGTERM, then SIGKILL after 15 s.
    pub fn stop(mut self) -> Result<()> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
