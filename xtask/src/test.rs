//! `cargo xtask test`: everything CI checks, in the order that fails fastest.
//!
//! Formatting, clippy, tool setup, the SPA build (the browser suite serves it), the whole
//! workspace's tests on SQLite (including the Chromium end-to-end suite), then the backend
//! integration suite again against a throwaway PostgreSQL. The first failing step stops the run;
//! a timing summary is printed either way. Every cargo invocation selects `--workspace` so
//! features unify the same way each time and nothing is compiled twice.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};

use crate::postgres::TempServer;
use crate::process::{self, cargo};
use crate::run::build_spa;
use crate::setup::{self, Needs};

/// Where the backend test harness finds a PostgreSQL server (an admin URL; it creates one
/// database per test). Unset, the suite runs on SQLite.
const TEST_DATABASE_URL: &str = "LEADFLOW_TEST_DATABASE_URL";
const E2E_CRATE: &str = "leadflow-e2e";

/// Options of `cargo xtask test`, for local iteration; CI runs everything.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Skip Chromium setup, the SPA build and the browser suite.
    pub skip_e2e: bool,
    /// Skip PostgreSQL setup and the integration suite on PostgreSQL.
    pub skip_pg: bool,
}

type Action<'a> = Box<dyn FnOnce() -> Result<()> + 'a>;

struct Step<'a> {
    name: &'static str,
    /// `None` when an option skips the step.
    action: Option<Action<'a>>,
}

impl<'a> Step<'a> {
    fn new(name: &'static str, action: impl FnOnce() -> Result<()> + 'a) -> Step<'a> {
        Step {
            name,
            action: Some(Box::new(action)),
        }
    }

    fn unless(
        skip: bool,
        name: &'static str,
        action: impl FnOnce() -> Result<()> + 'a,
    ) -> Step<'a> {
        let mut step = Step::new(name, action);
        if skip {
            step.action = None;
        }
        step
    }
}

enum Outcome {
    Passed(Duration),
    Failed(Duration),
    Skipped,
    NotRun,
}

/// Runs every step; fails (exit code 1) at the first step that fails.
pub fn run(options: &Options) -> Result<ExitCode> {
    if process::in_ci() && (options.skip_e2e || options.skip_pg) {
        bail!("CI=true runs every step; --skip-e2e and --skip-pg are for local iteration");
    }
    let scope: &[&str] = if options.skip_e2e {
        &["--workspace", "--exclude", E2E_CRATE]
    } else {
        &["--workspace"]
    };
    let steps = vec![
        Step::new("fmt", || {
            process::run(cargo().args(["fmt", "--all", "--", "--check"]))
        }),
        Step::new("clippy", || {
            process::run(cargo().args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]))
        }),
        Step::new("setup", || {
            setup::ensure(Needs {
                browser: !options.skip_e2e,
                postgres: !options.skip_pg,
            })
        }),
        Step::unless(options.skip_e2e, "spa build", build_spa),
        Step::new("tests (SQLite)", || {
            process::run(
                cargo()
                    .arg("test")
                    .args(scope)
                    .env_remove(TEST_DATABASE_URL),
            )
        }),
        Step::unless(options.skip_pg, "api tests (PostgreSQL)", || {
            postgres_suite(scope)
        }),
    ];

    let total = steps.len();
    let mut outcomes = Vec::with_capacity(total);
    let mut failed = None;
    for (index, step) in steps.into_iter().enumerate() {
        let outcome = match step.action {
            _ if failed.is_some() => Outcome::NotRun,
            None => Outcome::Skipped,
            Some(action) => {
                println!("\n==> [{}/{total}] {}", index + 1, step.name);
                let started = Instant::now();
                let result = action();
                let took = started.elapsed();
                match result {
                    Ok(()) => Outcome::Passed(took),
                    Err(error) => {
                        eprintln!("\nerror: step `{}` failed: {error:#}", step.name);
                        failed = Some(step.name);
                        Outcome::Failed(took)
                    }
                }
            }
        };
        outcomes.push((step.name, outcome));
    }

    print_summary(&outcomes);
    Ok(match failed {
        Some(name) => {
            eprintln!("cargo xtask test: FAILED at `{name}`");
            ExitCode::FAILURE
        }
        None => {
            println!("cargo xtask test: all steps passed");
            ExitCode::SUCCESS
        }
    })
}

/// The backend integration suite against a throwaway PostgreSQL, stopped and deleted afterwards
/// whatever the tests did.
fn postgres_suite(scope: &[&str]) -> Result<()> {
    let server = TempServer::start()?;
    let result = process::run(
        cargo()
            .arg("test")
            .args(scope)
            .args(["--test", "api"])
            .env(TEST_DATABASE_URL, server.admin_url()),
    );
    drop(server);
    result
}

fn print_summary(outcomes: &[(&str, Outcome)]) {
    let width = outcomes
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    let mut total = Duration::ZERO;
    println!("\nSummary");
    for (name, outcome) in outcomes {
        let (time, verdict) = match outcome {
            Outcome::Passed(took) => (seconds(*took), "ok"),
            Outcome::Failed(took) => (seconds(*took), "FAILED"),
            Outcome::Skipped => ("-".to_owned(), "skipped"),
            Outcome::NotRun => ("-".to_owned(), "not run"),
        };
        if let Outcome::Passed(took) | Outcome::Failed(took) = outcome {
            total += *took;
        }
        println!("  {name:<width$}  {time:>8}  {verdict}");
    }
    println!("  {:<width$}  {:>8}", "total", seconds(total));
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}
