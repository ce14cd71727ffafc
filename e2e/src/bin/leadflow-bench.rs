//! `leadflow-bench`: generates a dataset, runs the release server against it and measures.
//! Started by `cargo xtask bench`, which builds it and the server and provides PostgreSQL;
//! see `leadflow_e2e::bench`.
//!
//! ```text
//! leadflow-bench --server PATH --work DIR --dist DIR --out FILE
//!                [--quick] [--sqlite] [--postgres ADMIN_URL] [--sizes 50000,1000000] [--seed N]
//!                [--only list,capture,feed,import,dashboards,rescore,journey,wasm]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use leadflow_e2e::bench::run::{self, Options};

fn parse(args: &[String]) -> Result<(Options, PathBuf)> {
    let mut options = Options {
        server: PathBuf::new(),
        work: PathBuf::from("target/bench/work"),
        dist: PathBuf::from("dist"),
        quick: false,
        sqlite: false,
        postgres: None,
        sizes: vec![50_000],
        seed: 20_261_122,
        only: Vec::new(),
    };
    let mut out = PathBuf::from("target/bench/results.md");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--server" => options.server = value()?.into(),
            "--work" => options.work = value()?.into(),
            "--dist" => options.dist = value()?.into(),
            "--out" => out = value()?.into(),
            "--quick" => options.quick = true,
            "--sqlite" => options.sqlite = true,
            "--postgres" => options.postgres = Some(value()?.clone()),
            "--seed" => options.seed = value()?.parse().context("--seed")?,
            "--sizes" => {
                options.sizes = value()?
                    .split(',')
                    .map(|s| s.trim().replace('_', "").parse::<u64>())
                    .collect::<Result<_, _>>()
                    .context("--sizes takes numbers, e.g. 50000,1000000")?;
            }
            "--only" => {
                for what in value()?.split(',').map(str::trim) {
                    if !run::MEASUREMENTS.contains(&what) {
                        bail!(
                            "--only `{what}`: expected some of {}",
                            run::MEASUREMENTS.join(", ")
                        );
                    }
                    options.only.push(what.to_string());
                }
            }
            other => bail!("unknown option `{other}`"),
        }
    }
    if options.server.as_os_str().is_empty() {
        bail!("--server PATH (the release `leadflow` binary) is required");
    }
    if !options.sqlite && options.postgres.is_none() {
        bail!("nothing to measure: pass --sqlite and/or --postgres URL");
    }
    Ok((options, out))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (options, out) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("leadflow-bench: {error:#}");
            return ExitCode::from(2);
        }
    };
    let header = std::env::var("LEADFLOW_BENCH_HEADER").unwrap_or_default();
    match run::run(&options).await {
        Ok(report) => {
            let markdown = report.markdown(&header);
            println!("\n{markdown}");
            if let Some(dir) = out.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Err(error) = std::fs::write(&out, markdown) {
                eprintln!("leadflow-bench: writing {}: {error}", out.display());
                return ExitCode::FAILURE;
            }
            println!("results written to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("leadflow-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
