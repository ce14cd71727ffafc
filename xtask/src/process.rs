//! Running external programs the same way everywhere.
//!
//! Every child runs in the workspace root with `$CARGO_HOME/bin` first on `PATH`, so tools that
//! `cargo xtask setup` installed with `cargo install` are found even when the caller's shell has
//! not sourced `~/.cargo/env`. Each command is echoed before it runs, so a CI log shows exactly
//! what happened.

use std::env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};

use anyhow::{bail, Context, Result};

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or_else(|| Path::new("."))
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, by default `~/.cargo/bin`.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    Some(home.join("bin"))
}

/// The `PATH` children get: ours with the cargo bin directory in front.
fn search_path() -> OsString {
    let cargo_bin = cargo_bin_dir();
    let inherited = env::var_os("PATH").unwrap_or_default();
    let dirs = cargo_bin
        .iter()
        .cloned()
        .chain(env::split_paths(&inherited).filter(|dir| Some(dir) != cargo_bin.as_ref()));
    env::join_paths(dirs).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default())
}

/// Finds `name` on the `PATH` children get.
pub fn find_program(name: &str) -> Option<PathBuf> {
    env::split_paths(&search_path())
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A command for `program`, run from the workspace root with the extended `PATH`.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(workspace_root())
        .env("PATH", search_path());
    command
}

/// A command for the cargo that runs this xtask, so nested builds use the same toolchain.
pub fn cargo() -> Command {
    command(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command` with inherited stdio and fails unless it exits successfully.
pub fn run(command: &mut Command) -> Result<()> {
    let status = status(command)?;
    if !status.success() {
        bail!("`{}` failed ({status})", display(command));
    }
    Ok(())
}

/// Runs `command` with inherited stdio and returns how it exited.
pub fn status(command: &mut Command) -> Result<ExitStatus> {
    let shown = display(command);
    println!("$ {shown}");
    command
        .status()
        .with_context(|| format!("could not start `{shown}`"))
}

/// Runs `command` with its output captured; the output is printed only if it fails.
pub fn run_quiet(command: &mut Command) -> Result<()> {
    let shown = display(command);
    println!("$ {shown}");
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !output.status.success() {
        print_output(&output);
        bail!("`{shown}` failed ({})", output.status);
    }
    Ok(())
}

/// The trimmed stdout of a successful run, or `None` when the program is missing or fails.
/// For probes such as `trunk --version`; nothing is echoed.
pub fn probe(command: &mut Command) -> Option<String> {
    let output = command.stdin(Stdio::null()).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Whether we run as root (uid 0), which decides between `apt-get` and advice.
pub fn is_root() -> bool {
    probe(Command::new("id").arg("-u")).as_deref() == Some("0")
}

/// Whether we run in CI (`CI=true`, as GitHub Actions, GitLab and `.ci/run` set it).
pub fn in_ci() -> bool {
    env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

fn print_output(output: &Output) {
    eprint!("{}", String::from_utf8_lossy(&output.stdout));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
}

/// `KEY=value program args...`, leaving out `PATH`, which every command gets.
fn display(command: &Command) -> String {
    let envs = command
        .get_envs()
        .filter(|(key, _)| *key != "PATH")
        .filter_map(|(key, value)| {
            Some(format!(
                "{}={}",
                key.to_string_lossy(),
                value?.to_string_lossy()
            ))
        });
    let program = Path::new(command.get_program())
        .file_name()
        .unwrap_or(command.get_program())
        .to_string_lossy()
        .into_owned();
    let args = command.get_args().map(|arg| {
        let arg = arg.to_string_lossy();
        let plain = !arg.is_empty() && !arg.contains([' ', '"', '\'', '$']);
        if plain {
            arg.into_owned()
        } else if !arg.contains('\'') {
            format!("'{arg}'")
        } else {
            format!("\"{arg}\"")
        }
    });
    envs.chain(std::iter::once(program))
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_env_program_and_quoted_args() {
        let mut command = command("/usr/bin/trunk");
        command
            .args(["build", "-o", "-p 5 -k x"])
            .env("TRUNK_OFFLINE", "true");
        assert_eq!(
            display(&command),
            "TRUNK_OFFLINE=true trunk build -o '-p 5 -k x'"
        );
    }
}
