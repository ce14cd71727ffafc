//! `cargo xtask run`: build the SPA and the server in release mode and serve them.
//!
//! The server migrates its SQLite file (or whatever `DATABASE_URL` names) on start and, on an
//! empty database, creates the first admin and prints the password; xtask only builds and starts
//! it, from the workspace root so the default `dist/` and `leadflow.db` land there.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Result;

use crate::process::{self, cargo, command};
use crate::setup::{self, Needs};

/// Options of `cargo xtask run`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Start with the demo admin (fixed password) and demo teams and reps.
    pub demo: bool,
    /// Listen address; passed to the server as `LEADFLOW_BIND`.
    pub bind: Option<SocketAddr>,
}

/// Sets up, builds and runs the server in the foreground until it exits (Ctrl-C).
pub fn run(options: &Options) -> Result<ExitCode> {
    setup::ensure(Needs::BUILD)?;
    build_spa()?;

    let mut server = cargo();
    server.args([
        "run",
        "--release",
        "-p",
        "leadflow-backend",
        "--bin",
        "leadflow",
        "--",
        "serve",
    ]);
    if options.demo {
        server.arg("--demo");
    }
    let address = match options.bind {
        Some(bind) => {
            server.env("LEADFLOW_BIND", bind.to_string());
            bind.to_string()
        }
        None => std::env::var("LEADFLOW_BIND").unwrap_or_else(|_| "127.0.0.1:8080".to_owned()),
    };
    println!("==> starting Leadflow on http://{address} (Ctrl-C stops it)");
    let status = process::status(&mut server)?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE, // killed by a signal, e.g. Ctrl-C
    })
}

/// Builds the SPA into `dist/` with Trunk in release mode, never downloading anything (the tools
/// come from `cargo xtask setup`).
pub fn build_spa() -> Result<()> {
    setup::require_wasm_opt()?;
    println!("==> building the SPA (trunk build --release)");
    process::run(
        command("trunk")
            .args(["build", "--release"])
            .env("TRUNK_OFFLINE", "true"),
    )
}
