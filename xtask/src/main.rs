//! Project automation, so that building, running and testing Leadflow is one command each and
//! no logic lives in shell scripts: `cargo xtask setup | run | test | bench | fuzz` (the alias is in
//! `.cargo/config.toml`).
//!
//! - [`setup`] installs missing tools (wasm target, Trunk, wasm-bindgen-cli, Chromium,
//!   PostgreSQL), idempotently.
//! - [`run`] builds the SPA and the server in release mode and serves them.
//! - [`test`] runs every check CI runs, [`postgres`] providing the throwaway database server.
//! - [`bench`] builds and runs the benchmark harness (`e2e/src/bench/`) against SQLite and a
//!   throwaway PostgreSQL.
//!
//! Arguments are parsed by hand to keep this crate's dependencies (and its compile time) tiny.

mod bench;
mod fuzz;
mod postgres;
mod process;
mod run;
mod setup;
mod test;

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup [--skip-e2e] [--skip-pg]  install missing tools: wasm32 target, trunk, wasm-bindgen-cli,
                                  chromium + chromedriver and PostgreSQL (apt-get, as root)
  run [--demo] [--bind ADDR]      build the SPA and server in release mode and serve on
                                  http://127.0.0.1:8080 (--demo: demo admin, teams and reps)
  test [--skip-e2e] [--skip-pg]   fmt, clippy, SPA build, all tests on SQLite (with the Chromium
                                  e2e suite), the API suite on a throwaway PostgreSQL
  bench [--quick] [--db sqlite|postgres|both] [--sizes 50000,1000000] [--seed N]
                                  seeded data, the release server under load, baselines in the
                                  same run; writes target/bench/results.md (--quick: 5k leads,
                                  short runs, to catch crashes only; --only capture,list,...:
                                  some measurements, for profiling)
  fuzz [--seconds N] [--target T] build the fuzz targets (shared/fuzz) with coverage and run
                                  each under libFuzzer for N seconds (default 60); targets:
                                  normalize, csv_import, definitions, form_post
  help                            show this text
";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Setup(test::Options),
    Run(run::Options),
    Test(test::Options),
    Bench(bench::Options),
    Fuzz(fuzz::Options),
    Help,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = match parse(&args) {
        Ok(task) => task,
        Err(error) => {
            eprintln!("error: {error:#}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match task {
        Task::Help => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Task::Setup(options) => setup::ensure(setup::Needs {
            browser: !options.skip_e2e,
            postgres: !options.skip_pg,
        })
        .map(|()| ExitCode::SUCCESS),
        Task::Run(options) => run::run(&options),
        Task::Test(options) => test::run(&options),
        Task::Bench(options) => bench::run(&options, &format!("cargo xtask {}", args.join(" "))),
        Task::Fuzz(options) => fuzz::run(&options),
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error:#}");
        ExitCode::FAILURE
    })
}

fn parse(args: &[String]) -> Result<Task> {
    let Some((command, rest)) = args.split_first() else {
        bail!("no command given");
    };
    match command.as_str() {
        "setup" => parse_suite_options(rest).map(Task::Setup),
        "run" => parse_run_options(rest).map(Task::Run),
        "test" => parse_suite_options(rest).map(Task::Test),
        "bench" => bench::parse(rest).map(Task::Bench),
        "fuzz" => fuzz::parse(rest).map(Task::Fuzz),
        "help" | "-h" | "--help" => Ok(Task::Help),
        other => bail!("unknown command `{other}`"),
    }
}

fn parse_suite_options(args: &[String]) -> Result<test::Options> {
    let mut options = test::Options::default();
    for arg in args {
        match arg.as_str() {
            "--skip-e2e" => options.skip_e2e = true,
            "--skip-pg" => options.skip_pg = true,
            other => bail!("unknown option `{other}`"),
        }
    }
    Ok(options)
}

fn parse_run_options(args: &[String]) -> Result<run::Options> {
    let mut options = run::Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let bind = match arg.as_str() {
            "--demo" => {
                options.demo = true;
                continue;
            }
            "--bind" => args
                .next()
                .context("--bind needs an address, e.g. 0.0.0.0:8080")?,
            other => match other.strip_prefix("--bind=") {
                Some(bind) => bind,
                None => bail!("unknown option `{other}`"),
            },
        };
        options.bind = Some(
            bind.parse()
                .with_context(|| format!("--bind `{bind}` is not an IP:port address"))?,
        );
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Task> {
        let args: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        parse(&args)
    }

    #[test]
    fn parses_each_command() {
        assert_eq!(
            parse_line("test --skip-pg").unwrap(),
            Task::Test(test::Options {
                skip_e2e: false,
                skip_pg: true
            })
        );
        assert_eq!(
            parse_line("run --demo --bind 0.0.0.0:9000").unwrap(),
            Task::Run(run::Options {
                demo: true,
                bind: Some("0.0.0.0:9000".parse().unwrap())
            })
        );
        assert_eq!(
            parse_line("run --bind=127.0.0.1:1").unwrap(),
            Task::Run(run::Options {
                demo: false,
                bind: Some("127.0.0.1:1".parse().unwrap())
            })
        );
        assert_eq!(parse_line("help").unwrap(), Task::Help);
        assert_eq!(
            parse_line("fuzz --seconds 30 --target csv_import").unwrap(),
            Task::Fuzz(fuzz::Options {
                seconds: 30,
                target: Some("csv_import".into())
            })
        );
        assert_eq!(
            parse_line("fuzz").unwrap(),
            Task::Fuzz(fuzz::Options::default())
        );
        assert_eq!(
            parse_line("bench --quick").unwrap(),
            Task::Bench(bench::Options {
                quick: true,
                ..bench::Options::default()
            })
        );
    }

    #[test]
    fn rejects_what_it_does_not_know() {
        for line in [
            "",
            "bench --fast",
            "fuzz --seconds 0",
            "fuzz --target everything",
            "fuzz --seconds",
            "test --fast",
            "run --bind",
            "run --bind nowhere",
        ] {
            assert!(parse_line(line).is_err(), "accepted `{line}`");
        }
    }
}
