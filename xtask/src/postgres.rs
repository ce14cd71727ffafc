//! A throwaway PostgreSQL server for the integration suite.
//!
//! [`TempServer::start`] runs `initdb` into a fresh directory under the system temp dir and starts
//! the server on a free port, with durability switched off (the data dies with the run anyway).
//! Dropping the guard stops the server and deletes the directory, also when tests failed or
//! xtask returned early with an error. PostgreSQL refuses to run as root, so as root its tools
//! run as the `postgres` system user (`runuser`, or `su` where that is missing).
//!
//! Ctrl-C kills xtask without running destructors while `pg_ctl` has detached the server, so a
//! run also stops and removes servers left behind by earlier runs that no longer exist.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};

use crate::process::{self, find_program, probe};

/// The superuser role the tests connect as; its password is the same.
const ROLE: &str = "leadflow";
const DIR_PREFIX: &str = "leadflow-pg-";
const START_ATTEMPTS: usize = 3;

/// The directory holding `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/<major>/bin`
/// (Debian and Ubuntu), else wherever `pg_ctl` is on `PATH`.
pub fn bin_dir() -> Option<PathBuf> {
    let debian = fs::read_dir("/usr/lib/postgresql")
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
        let pg_ctl = find_program("pg_ctl")?;
        let dir = pg_ctl.parent()?;
        dir.join("initdb").is_file().then(|| dir.to_path_buf())
    })
}

/// A running throwaway server; stopped and deleted on drop.
pub struct TempServer {
    /// Owns everything: `data/`, the socket and `server.log`.
    base: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres_user: bool,
}

impl TempServer {
    /// Initialises a cluster in a new temp directory and starts it on a free port.
    pub fn start() -> Result<TempServer> {
        let bin = bin_dir().context(
            "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH); \
             run `cargo xtask setup` or pass --skip-pg",
        )?;
        let as_postgres_user = process::is_root();
        remove_abandoned(&bin, as_postgres_user);

        let base = std::env::temp_dir().join(format!(
            "{DIR_PREFIX}{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|elapsed| elapsed.subsec_nanos())
                .unwrap_or_default()
        ));
        fs::create_dir(&base).with_context(|| format!("creating {}", base.display()))?;
        // From here on the guard owns the directory: any early return cleans it up.
        let mut server = TempServer {
            base,
            bin,
            port: 0,
            as_postgres_user,
        };
        server.init()?;
        server.boot()?;
        Ok(server)
    }

    /// The URL of the `postgres` database as the superuser; the test harness creates one fresh
    /// database per test from it.
    pub fn admin_url(&self) -> String {
        format!("postgres://{ROLE}:{ROLE}@127.0.0.1:{}/postgres", self.port)
    }

    fn data_dir(&self) -> PathBuf {
        self.base.join("data")
    }

    fn init(&self) -> Result<()> {
        let password_file = self.base.join("password");
        fs::write(&password_file, ROLE)?;
        if self.as_postgres_user {
            process::run_quiet(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&self.base),
            )?;
        }
        println!("[postgres] initdb into {}", self.data_dir().display());
        process::run_quiet(
            self.tool("initdb")
                .arg("-D")
                .arg(self.data_dir())
                .args([
                    "-U",
                    ROLE,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ])
                .arg(format!("--pwfile={}", password_file.display())),
        )?;
        fs::remove_file(&password_file)?;
        Ok(())
    }

    /// Starts the server, retrying on a new port should another process take the one we picked
    /// between choosing and binding it.
    fn boot(&mut self) -> Result<()> {
        let log = self.base.join("server.log");
        for attempt in 1..=START_ATTEMPTS {
            self.port = free_port()?;
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
                 -c full_page_writes=off -c max_connections=200",
                self.port,
                self.base.display()
            );
            let started = process::run_quiet(
                self.tool("pg_ctl")
                    .args(["-w", "-t", "60", "-D"])
                    .arg(self.data_dir())
                    .arg("-l")
                    .arg(&log)
                    .args(["-o", &options, "start"]),
            );
            match started {
                Ok(()) => {
                    println!("[postgres] listening on 127.0.0.1:{}", self.port);
                    return Ok(());
                }
                Err(error) => {
                    eprintln!("{}", fs::read_to_string(&log).unwrap_or_default());
                    if attempt == START_ATTEMPTS {
                        return Err(error);
                    }
                    eprintln!("[postgres] start failed ({error:#}); retrying on another port");
                }
            }
        }
        bail!("PostgreSQL did not start")
    }

    /// A PostgreSQL tool, run as the `postgres` user when we are root.
    fn tool(&self, name: &str) -> Command {
        tool_command(&self.bin.join(name), self.as_postgres_user)
    }
}

impl Drop for TempServer {
    fn drop(&mut self) {
        if self.data_dir().join("postmaster.pid").exists() {
            let stopped = process::run_quiet(
                self.tool("pg_ctl")
                    .arg("-D")
                    .arg(self.data_dir())
                    .args(["-m", "fast", "-w", "stop"]),
            );
            if let Err(error) = stopped {
                eprintln!("[postgres] could not stop the server: {error:#}");
            }
        }
        match fs::remove_dir_all(&self.base) {
            Ok(()) => println!("[postgres] stopped and removed {}", self.base.display()),
            Err(error) => eprintln!(
                "[postgres] could not remove {}: {error}",
                self.base.display()
            ),
        }
    }
}

fn tool_command(program: &Path, as_postgres_user: bool) -> Command {
    if !as_postgres_user {
        return Command::new(program);
    }
    let mut command;
    if find_program("runuser").is_some() {
        command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]);
    } else {
        // `sh -c 'exec "$0" "$@"' program args...` passes the arguments through unquoted; the
        // `--` keeps su from reading the program's options (`-D`, `--version`) as its own.
        command = Command::new("su");
        command.args([
            "-s",
            "/bin/sh",
            "-c",
            "exec \"$0\" \"$@\"",
            "--",
            "postgres",
        ]);
    }
    command.arg(program);
    // The postgres user cannot enter root's working directory.
    command.current_dir(std::env::temp_dir());
    command
}

/// A port nothing listens on right now: bind port 0 and let the kernel choose.
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// Stops and deletes servers whose xtask process (the pid in the directory name) is gone.
fn remove_abandoned(bin: &Path, as_postgres_user: bool) {
    if !Path::new("/proc/self").exists() {
        return; // No cheap way to tell whether a pid is alive.
    }
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|name| name.strip_prefix(DIR_PREFIX))
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if Path::new("/proc").join(pid).exists() {
            continue;
        }
        let dir = entry.path();
        println!(
            "[postgres] removing {} left by an interrupted run",
            dir.display()
        );
        let data = dir.join("data");
        if data.join("postmaster.pid").exists() {
            probe(
                tool_command(&bin.join("pg_ctl"), as_postgres_user)
                    .arg("-D")
                    .arg(&data)
                    .args(["-m", "immediate", "-w", "stop"]),
            );
        }
        if let Err(error) = fs::remove_dir_all(&dir) {
            eprintln!("[postgres] could not remove {}: {error}", dir.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Needs PostgreSQL server binaries and `psql`, which `cargo xtask test` installs
    /// before it runs the workspace's tests.
    #[test]
    fn starts_a_reachable_server_and_cleans_up() {
        let server = TempServer::start().expect("server starts");
        let base = server.base.clone();
        let answer = probe(Command::new("psql").args([
            server.admin_url().as_str(),
            "-tAc",
            "select current_user || ' ' || (select rolsuper from pg_roles where rolname = current_user)",
        ]));
        assert_eq!(answer.as_deref(), Some("leadflow true"));
        assert!(base.join("data/postmaster.pid").exists());
        drop(server);
        assert!(!base.exists(), "{} is left behind", base.display());
    }
}
