//! `cargo xtask bench`: builds the server and the benchmark harness in release mode, provides
//! a throwaway PostgreSQL when asked, and runs `leadflow-bench` (the harness lives in the e2e
//! crate, `e2e/src/bench/`, which already has the HTTP, WebSocket and database clients; this
//! crate stays dependency-free). The report lands in `target/bench/results.md` of the
//! workspace (databases in `target/bench/work/`), the source of `BENCHMARKS.md`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::postgres::TempServer;
use crate::process::{self, cargo, probe, workspace_root};

/// Which databases to measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Databases {
    Sqlite,
    Postgres,
    #[default]
    Both,
}

impl Databases {
    fn sqlite(self) -> bool {
        self != Databases::Postgres
    }

    fn postgres(self) -> bool {
        self != Databases::Sqlite
    }
}

/// Options of `cargo xtask bench`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Small data and short measurements: catches crashes, judges nothing.
    pub quick: bool,
    pub db: Databases,
    /// Leads per dataset; by default 5,000 (quick) or 50,000 and 1,000,000.
    pub sizes: Option<Vec<u64>>,
    pub seed: Option<u64>,
    /// Only some measurements (`--only capture,list`), for profiling one of them.
    pub only: Option<String>,
}

impl Options {
    pub fn sizes(&self) -> Vec<u64> {
        match (&self.sizes, self.quick) {
            (Some(sizes), _) => sizes.clone(),
            (None, true) => vec![5_000],
            (None, false) => vec![50_000, 1_000_000],
        }
    }
}

/// Parses `[--quick] [--db sqlite|postgres|both] [--sizes 50000,1000000] [--seed N]
/// [--only list,capture,...]` (the harness checks the names).
pub fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || -> Result<String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args
                    .next()
                    .cloned()
                    .with_context(|| format!("{name} needs a value")),
            }
        };
        match name {
            "--quick" if inline.is_none() => options.quick = true,
            "--db" => {
                options.db = match value()?.as_str() {
                    "sqlite" => Databases::Sqlite,
                    "postgres" | "pg" => Databases::Postgres,
                    "both" => Databases::Both,
                    other => bail!("--db `{other}`: expected sqlite, postgres or both"),
                }
            }
            "--sizes" => {
                let sizes = value()?
                    .split(',')
                    .map(|s| s.trim().replace('_', "").parse::<u64>())
                    .collect::<Result<Vec<_>, _>>()
                    .context("--sizes takes lead counts, e.g. 50000,1000000")?;
                if sizes.is_empty() || sizes.contains(&0) {
                    bail!("--sizes needs at least one count above zero");
                }
                options.sizes = Some(sizes);
            }
            "--seed" => options.seed = Some(value()?.parse().context("--seed takes a number")?),
            "--only" => options.only = Some(value()?),
            other => bail!("unknown option `{other}`"),
        }
    }
    Ok(options)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds, runs, and writes `target/bench/results.md`.
pub fn run(options: &Options, command_line: &str) -> Result<ExitCode> {
    println!("==> building the server and the benchmark harness (release)");
    process::run(cargo().args([
        "build",
        "--release",
        "-p",
        "leadflow-backend",
        "--bin",
        "leadflow",
        "-p",
        "leadflow-e2e",
        "--bin",
        "leadflow-bench",
    ]))?;
    let release = target_dir().join("release");
    let dist = workspace_root().join("dist");
    let has_wasm = std::fs::read_dir(&dist)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "wasm"))
        })
        .unwrap_or(false);
    if !has_wasm {
        if let Err(error) = crate::run::build_spa() {
            eprintln!("[bench] the SPA did not build ({error:#}); its size is left out");
        }
    }
    let postgres = if options.db.postgres() {
        Some(TempServer::start()?)
    } else {
        None
    };
    // Results and databases under the workspace's own target/, wherever cargo builds.
    let bench_dir = workspace_root().join("target").join("bench");
    let out = bench_dir.join("results.md");
    let mut harness = process::command(release.join("leadflow-bench"));
    harness
        .arg("--server")
        .arg(release.join("leadflow"))
        .arg("--work")
        .arg(bench_dir.join("work"))
        .arg("--dist")
        .arg(&dist)
        .arg("--out")
        .arg(&out)
        .arg("--sizes")
        .arg(
            options
                .sizes()
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
        .env("LEADFLOW_BENCH_HEADER", header(command_line));
    if options.quick {
        harness.arg("--quick");
    }
    if let Some(seed) = options.seed {
        harness.arg("--seed").arg(seed.to_string());
    }
    if let Some(only) = &options.only {
        harness.arg("--only").arg(only);
    }
    if options.db.sqlite() {
        harness.arg("--sqlite");
    }
    if let Some(server) = &postgres {
        harness.arg("--postgres").arg(server.admin_url());
    }
    let status = process::status(&mut harness)?;
    drop(postgres);
    if !status.success() {
        bail!("the benchmark failed ({status})");
    }
    println!("==> results: {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Date, machine and command: the heading of a results file.
fn header(command_line: &str) -> String {
    let date = probe(std::process::Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
        .unwrap_or_default();
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        })
        .map_or("?".into(), |kb| {
            format!("{:.1} GiB", kb as f64 / 1_048_576.0)
        });
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_default();
    let kernel = probe(std::process::Command::new("uname").arg("-r")).unwrap_or_default();
    let rustc = probe(std::process::Command::new("rustc").arg("--version")).unwrap_or_default();
    let commit =
        probe(process::command("git").args(["rev-parse", "--short", "HEAD"])).unwrap_or_default();
    format!(
        "## Run of {date}\n\n- command: `{command_line}` (commit {commit})\n- machine: {cpu}, \
         {cores} cores, {memory} RAM, Linux {kernel}; {rustc}\n- server: release build, \
         `RUST_LOG=warn`, loopback; load generator and baselines on the same machine \
         (load average {load} when the run began)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Options> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn parses_options() {
        assert_eq!(parse_line("").unwrap(), Options::default());
        assert_eq!(parse_line("").unwrap().sizes(), vec![50_000, 1_000_000]);
        let quick = parse_line("--quick --db sqlite").unwrap();
        assert!(quick.quick);
        assert_eq!(quick.db, Databases::Sqlite);
        assert_eq!(quick.sizes(), vec![5_000]);
        let sized = parse_line("--db=postgres --sizes 50_000,1000000 --seed 7").unwrap();
        assert_eq!(sized.db, Databases::Postgres);
        assert_eq!(sized.sizes(), vec![50_000, 1_000_000]);
        assert_eq!(sized.seed, Some(7));
        assert_eq!(
            parse_line("--only capture,list").unwrap().only.as_deref(),
            Some("capture,list")
        );
        assert!(!sized.db.sqlite() && sized.db.postgres());
        assert!(Databases::Both.sqlite() && Databases::Both.postgres());
    }

    #[test]
    fn rejects_bad_options() {
        for line in [
            "--db",
            "--db mysql",
            "--sizes",
            "--sizes 0",
            "--sizes ten",
            "--seed x",
            "--fast",
            "--quick=yes",
        ] {
            assert!(parse_line(line).is_err(), "accepted `{line}`");
        }
    }
}
