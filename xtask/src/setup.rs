//! `cargo xtask setup`: installs what building and testing Leadflow needs, and nothing twice.
//!
//! Every check runs before any install, and a tool that is already present at the right version is
//! left alone, so a second run (or a run on a machine without network) only prints what it found.
//! Rust tools go through `rustup` and `cargo install` into `~/.cargo/bin`; system packages
//! (Chromium, chromedriver, PostgreSQL, npm) through `apt-get`, which needs root; without root we
//! say exactly what to install instead.
//!
//! `wasm-opt`, which shrinks the SPA in release builds, comes from binaryen's npm package (the
//! distributions' binaryen is too old for what rustc emits): `npm install` puts it under
//! `~/.local/share/binaryen-<version>`, and a link in `~/.cargo/bin` puts it on the `PATH` where
//! Trunk looks for it. Trunk runs offline and never downloads it itself.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::postgres;
use crate::process::{self, cargo, command, find_program, probe};

/// The Trunk release we build with; newer releases need a newer rustc than we pin.
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The binaryen release whose `wasm-opt` release builds run; `Trunk.toml` asks for the same one
/// (`[tools] wasm_opt = "version_132"`), and a test below keeps the two equal.
pub const BINARYEN_VERSION: u32 = 132;

/// What beyond the Rust toolchain a command needs.
#[derive(Clone, Copy, Debug)]
pub struct Needs {
    /// Chromium and chromedriver, for the browser end-to-end suite.
    pub browser: bool,
    /// PostgreSQL server binaries, for the integration suite on PostgreSQL.
    pub postgres: bool,
}

impl Needs {
    /// Only what building the SPA and running the server need.
    pub const BUILD: Needs = Needs {
        browser: false,
        postgres: false,
    };
}

/// Makes sure everything in `needs` (and the WebAssembly toolchain, always) is installed.
pub fn ensure(needs: Needs) -> Result<()> {
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    let wasm_opt_missing = wasm_opt_version() != Some(BINARYEN_VERSION);
    let mut packages: Vec<&str> = Vec::new();
    if wasm_opt_missing && find_program("npm").is_none() {
        say("npm (to install wasm-opt): missing");
        packages.push("npm");
    }
    if needs.browser {
        packages.extend(missing_browser());
    }
    if needs.postgres {
        packages.extend(missing_postgres());
    }
    if !packages.is_empty() {
        apt_install(&packages)?;
    }
    wasm_opt()
}

fn wasm_target() -> Result<()> {
    if find_program("rustup").is_none() {
        // A toolchain without rustup (distro packages): the target must come with it.
        let sysroot = probe(command("rustc").args(["--print", "sysroot"])).unwrap_or_default();
        let installed = std::path::Path::new(&sysroot)
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .is_dir();
        if installed {
            say(&format!("{WASM_TARGET} target: present"));
            return Ok(());
        }
        bail!("the {WASM_TARGET} target is missing and rustup is not installed; install Rust with rustup (https://rustup.rs)");
    }
    let installed =
        probe(command("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        say(&format!("{WASM_TARGET} target: present"));
        return Ok(());
    }
    say(&format!("{WASM_TARGET} target: missing, adding it"));
    process::run(command("rustup").args(["target", "add", WASM_TARGET]))
}

fn trunk() -> Result<()> {
    ensure_cargo_tool("trunk", TRUNK_VERSION, &["install", "--locked", "trunk"])
}

/// wasm-bindgen-cli must be exactly the version of the `wasm-bindgen` crate in Cargo.lock, or the
/// generated JS glue does not match the compiled module. It does not build with `--locked`.
fn wasm_bindgen() -> Result<()> {
    let lock_path = process::workspace_root().join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let version = locked_version(&lock, "wasm-bindgen")
        .context("Cargo.lock has no `wasm-bindgen` package")?;
    ensure_cargo_tool("wasm-bindgen", &version, &["install", "wasm-bindgen-cli"])
}

/// Installs `program` with `cargo <install_args> --version <version>` unless
/// `program --version` already reports that version.
fn ensure_cargo_tool(program: &str, version: &str, install_args: &[&str]) -> Result<()> {
    let found = installed_version(program);
    if found.as_deref() == Some(version) {
        say(&format!("{program} {version}: present"));
        return Ok(());
    }
    match &found {
        Some(other) => say(&format!(
            "{program}: found {other}, need {version}; installing (this takes several minutes)"
        )),
        None => say(&format!(
            "{program} {version}: missing; installing (this takes several minutes)"
        )),
    }
    process::run(cargo().args(install_args).args(["--version", version]))?;
    match installed_version(program) {
        Some(now) if now == version => Ok(()),
        now => bail!(
            "installed {program} {version}, but `{program} --version` reports {}; is another {program} earlier on PATH?",
            now.as_deref().unwrap_or("nothing")
        ),
    }
}

/// Installs binaryen's `wasm-opt` from npm unless the one on `PATH` is already [`BINARYEN_VERSION`].
fn wasm_opt() -> Result<()> {
    let found = wasm_opt_version();
    if found == Some(BINARYEN_VERSION) {
        say(&format!("wasm-opt (binaryen {BINARYEN_VERSION}): present"));
        return Ok(());
    }
    match found {
        Some(other) => say(&format!(
            "wasm-opt: found binaryen {other}, need {BINARYEN_VERSION}; installing it with npm"
        )),
        None => say(&format!(
            "wasm-opt (binaryen {BINARYEN_VERSION}): missing; installing it with npm"
        )),
    }
    let home =
        env_path("HOME").context("HOME is not set; cannot choose where to install wasm-opt")?;
    let data_home = env_path("XDG_DATA_HOME").unwrap_or_else(|| home.join(".local/share"));
    let prefix = data_home.join(format!("binaryen-{BINARYEN_VERSION}"));
    process::run(
        command("npm")
            .arg("install")
            .arg("--prefix")
            .arg(&prefix)
            .args([
                "--no-audit",
                "--no-fund",
                &format!("binaryen@{BINARYEN_VERSION}.0.0"),
            ]),
    )?;
    let program = prefix.join("node_modules/binaryen/bin/wasm-opt");
    if !program.is_file() {
        bail!(
            "npm installed binaryen, but {} is missing",
            program.display()
        );
    }
    let bin_dir = process::cargo_bin_dir().context("neither CARGO_HOME nor HOME is set")?;
    fs::create_dir_all(&bin_dir).with_context(|| format!("creating {}", bin_dir.display()))?;
    let link = bin_dir.join("wasm-opt");
    if fs::symlink_metadata(&link).is_ok() {
        fs::remove_file(&link).with_context(|| format!("replacing {}", link.display()))?;
    }
    link_program(&program, &link)?;
    say(&format!(
        "wasm-opt: {} -> {}",
        link.display(),
        program.display()
    ));
    match wasm_opt_version() {
        Some(BINARYEN_VERSION) => Ok(()),
        now => bail!(
            "installed wasm-opt from binaryen {BINARYEN_VERSION}, but `wasm-opt --version` reports {}; \
             is Node.js (`node`) on PATH?",
            now.map_or("nothing".to_owned(), |v| format!("binaryen {v}"))
        ),
    }
}

#[cfg(unix)]
fn link_program(program: &Path, link: &Path) -> Result<()> {
    std::os::unix::fs::symlink(program, link)
        .with_context(|| format!("linking {} to {}", link.display(), program.display()))
}

#[cfg(not(unix))]
fn link_program(program: &Path, _link: &Path) -> Result<()> {
    bail!(
        "put {} on PATH as `wasm-opt` (automatic only on Unix)",
        program.display()
    )
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// Fails, saying what to do, unless the `wasm-opt` that release builds run is binaryen
/// [`BINARYEN_VERSION`]; Trunk's own message for that does not say how to get it.
pub fn require_wasm_opt() -> Result<()> {
    match wasm_opt_version() {
        Some(BINARYEN_VERSION) => Ok(()),
        found => bail!(
            "the release build of the SPA shrinks it with wasm-opt from binaryen {BINARYEN_VERSION}, \
             but {}; run `cargo xtask setup` to install it",
            found.map_or("no wasm-opt is on PATH".to_owned(), |v| format!(
                "the wasm-opt on PATH is binaryen {v}"
            ))
        ),
    }
}

/// The binaryen release of the `wasm-opt` on `PATH`.
fn wasm_opt_version() -> Option<u32> {
    let path = find_program("wasm-opt")?;
    binaryen_version(&probe(Command::new(path).arg("--version"))?)
}

/// The release number in `wasm-opt --version` output (`wasm-opt version 132 (version_132)`).
fn binaryen_version(output: &str) -> Option<u32> {
    let mut words = output.split_whitespace();
    words.find(|word| *word == "version")?;
    words.next()?.parse().ok()
}

/// The version `program --version` prints as its last word (`trunk 0.21.14`).
fn installed_version(program: &str) -> Option<String> {
    let path = find_program(program)?;
    let output = probe(Command::new(path).arg("--version"))?;
    output.split_whitespace().last().map(str::to_owned)
}

/// The version of `package` in a Cargo.lock (the first one, should there be several).
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line == wanted {
            let version = lines.next()?.strip_prefix("version = \"")?;
            return version.strip_suffix('"').map(str::to_owned);
        }
    }
    None
}

/// The Debian packages for the browser suite that are not installed yet.
fn missing_browser() -> Vec<&'static str> {
    let chromium = ["chromium", "chromium-browser"]
        .iter()
        .any(|name| find_program(name).is_some());
    let driver = find_program("chromedriver").is_some();
    // Without a CJK font, Chinese renders as empty boxes in the suite's screenshots.
    let cjk_font = std::path::Path::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").exists();
    let mut missing = Vec::new();
    if chromium && driver {
        say("chromium and chromedriver: present");
    } else {
        say("chromium/chromedriver: missing");
        missing.extend(["chromium", "chromium-driver"]);
    }
    if !cjk_font {
        say("a Chinese font for screenshots: missing");
        missing.push("fonts-wqy-microhei");
    }
    missing
}

/// `postgresql` unless the server binaries are installed.
fn missing_postgres() -> Vec<&'static str> {
    match postgres::bin_dir() {
        Some(dir) => {
            say(&format!("PostgreSQL server: present ({})", dir.display()));
            Vec::new()
        }
        None => {
            say("PostgreSQL server (initdb, pg_ctl): missing");
            vec!["postgresql"]
        }
    }
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let list = packages.join(" ");
    if !process::is_root() || find_program("apt-get").is_none() {
        bail!(
            "missing system packages: {list}\n\
             install them (Debian/Ubuntu: `sudo apt-get update && sudo apt-get install -y {list}`), \
             or skip the suites that need them with `cargo xtask test --skip-e2e --skip-pg`"
        );
    }
    say(&format!("installing {list} with apt-get"));
    let quiet = process::in_ci().then_some("-q");
    process::run(
        command("apt-get")
            .arg("update")
            .args(quiet)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    process::run(
        command("apt-get")
            .args(["install", "-y"])
            .args(quiet)
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn say(message: &str) {
    println!("[setup] {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
[[package]]
name = "wasm-bindgen-futures"
version = "0.4.53"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;

    #[test]
    fn finds_the_exact_package_not_one_with_the_same_prefix() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen-futures").as_deref(),
            Some("0.4.53")
        );
        assert_eq!(locked_version(LOCK, "trunk"), None);
    }

    #[test]
    fn reads_the_binaryen_release_from_wasm_opt() {
        assert_eq!(
            binaryen_version("wasm-opt version 132 (version_132)"),
            Some(132)
        );
        assert_eq!(binaryen_version("wasm-opt version 108"), Some(108));
        assert_eq!(binaryen_version("wasm-opt"), None);
    }

    #[test]
    fn trunk_asks_for_the_binaryen_release_setup_installs() {
        let root = process::workspace_root();
        let trunk = fs::read_to_string(root.join("Trunk.toml")).expect("Trunk.toml");
        let wanted = format!("wasm_opt = \"version_{BINARYEN_VERSION}\"");
        assert!(
            trunk.lines().any(|line| line.trim() == wanted),
            "Trunk.toml must say `{wanted}` under [tools]"
        );
        let index = fs::read_to_string(root.join("frontend/index.html")).expect("index.html");
        assert!(
            index.contains("data-wasm-opt=") && !index.contains("data-wasm-opt=\"0\""),
            "frontend/index.html must turn wasm-opt on"
        );
    }

    #[test]
    fn reads_the_real_lockfile() {
        let lock = fs::read_to_string(process::workspace_root().join("Cargo.lock"))
            .expect("the workspace has a Cargo.lock");
        assert!(locked_version(&lock, "wasm-bindgen").is_some());
    }
}
