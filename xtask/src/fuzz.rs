//! `cargo xtask fuzz`: builds the fuzz targets in `shared/fuzz` with coverage
//! instrumentation and runs each under libFuzzer for a bounded time.
//!
//! The build is what `cargo fuzz build -s none` does (no sanitizer: the product forbids
//! `unsafe`, so the bugs to find are panics, broken rules and hangs), done with plain
//! cargo on the stable toolchain so no extra tool is needed. Each target keeps a growing
//! corpus in `target/fuzz/corpus/<target>` and reads the kept inputs in
//! `shared/fuzz/seeds/<target>` and `shared/fuzz/regressions/<target>`. An input that
//! breaks a target is saved under `target/fuzz/artifacts/<target>/`; copy it into
//! `shared/fuzz/regressions/<target>/`, and `cargo test -p leadflow-fuzz` replays it
//! from then on.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::process;

/// Every fuzz target, as named in `shared/fuzz/Cargo.toml`.
pub const TARGETS: [&str; 4] = ["normalize", "csv_import", "definitions", "form_post"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How long each target runs.
    pub seconds: u64,
    /// One target, or all of them.
    pub target: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seconds: 60,
            target: None,
        }
    }
}

pub fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || -> Result<String> {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .with_context(|| format!("{name} needs a value"))
        };
        match name {
            "--seconds" => {
                let v = value()?;
                options.seconds = v
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .with_context(|| format!("--seconds `{v}` is not a positive number"))?;
            }
            "--target" => {
                let v = value()?;
                if !TARGETS.contains(&v.as_str()) {
                    bail!(
                        "unknown fuzz target `{v}`; the targets are {}",
                        TARGETS.join(", ")
                    );
                }
                options.target = Some(v);
            }
            other => bail!("unknown option `{other}`"),
        }
    }
    Ok(options)
}

/// The compiler flags `cargo fuzz` uses for libFuzzer's coverage feedback.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

fn host_triple() -> Result<String> {
    let info =
        process::probe(process::command("rustc").arg("-vV")).context("running `rustc -vV`")?;
    info.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_string)
        .context("`rustc -vV` did not name the host")
}

struct Outcome {
    target: &'static str,
    runs: Option<u64>,
    corpus: usize,
    broke: Option<PathBuf>,
}

pub fn run(options: &Options) -> Result<ExitCode> {
    let root = process::workspace_root();
    let triple = host_triple()?;
    // An explicit --target keeps these flags off build scripts and proc macros.
    process::run(
        process::cargo()
            .args(["build", "--profile", "fuzz", "-p", "leadflow-fuzz"])
            .args(["--features", "libfuzzer", "--bins", "--target", &triple])
            .env("RUSTFLAGS", RUSTFLAGS),
    )?;
    let bin_dir = root.join("target").join(&triple).join("fuzz");
    let targets: Vec<&'static str> = TARGETS
        .into_iter()
        .filter(|t| options.target.as_deref().is_none_or(|only| only == *t))
        .collect();
    let mut outcomes = Vec::new();
    for target in targets {
        outcomes.push(run_target(root, &bin_dir, target, options.seconds)?);
    }

    println!("\nFuzzing summary ({} s per target)", options.seconds);
    let mut broken = false;
    for o in &outcomes {
        let runs = o.runs.map_or("?".to_string(), |r| r.to_string());
        match &o.broke {
            None => println!(
                "  {:<12} ok       {runs:>10} inputs run, corpus {}",
                o.target, o.corpus
            ),
            Some(input) => {
                broken = true;
                println!(
                    "  {:<12} BROKEN   {runs:>10} inputs run; the input: {}",
                    o.target,
                    input.display()
                );
            }
        }
    }
    if broken {
        eprintln!(
            "\nA target broke. Copy the input into shared/fuzz/regressions/<target>/, fix the \
             cause, and `cargo test -p leadflow-fuzz` replays it from then on."
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn run_target(root: &Path, bin_dir: &Path, target: &'static str, seconds: u64) -> Result<Outcome> {
    let fuzz_dir = root.join("target").join("fuzz");
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let kept = root.join("shared").join("fuzz");
    let seeds = kept.join("seeds").join(target);
    let regressions = kept.join("regressions").join(target);
    let log = fuzz_dir.join(format!("{target}.log"));
    println!(
        "\n==> fuzzing {target} for {seconds} s (log: {})",
        log.display()
    );
    let before = list(&artifacts);
    let started = Instant::now();
    let status = process::status(
        process::command(bin_dir.join(target))
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            // A single input taking over 10 s is a hang; over 2 GiB is a leak.
            .args(["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"])
            .arg(&corpus)
            .arg(&seeds)
            .arg(&regressions)
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).context("creating the fuzz log")?),
    )?;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let runs = text
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok());
    let broke = list(&artifacts).into_iter().find(|p| !before.contains(p));
    if !status.success() && broke.is_none() {
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        for line in tail.into_iter().rev() {
            eprintln!("{line}");
        }
        bail!(
            "the {target} fuzzer stopped with {status} after {:?} without saving an input",
            started.elapsed()
        );
    }
    if broke.is_some() {
        for line in text.lines().filter(|l| {
            l.contains("panicked at") || l.contains("ERROR: libFuzzer") || l.starts_with("thread")
        }) {
            eprintln!("  {line}");
        }
    }
    Ok(Outcome {
        target,
        runs,
        corpus: list(&corpus).len(),
        broke,
    })
}

fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}
