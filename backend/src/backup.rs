//! `leadflow backup` and `leadflow restore`: a consistent copy of a running SQLite
//! database, and putting one back.
//!
//! The backup is SQLite's `VACUUM INTO`: one read transaction, so the copy is the
//! database as of one instant while the server keeps capturing leads, and compact.
//! Each copy is checked (`PRAGMA integrity_check`) before it is reported written or
//! restored. PostgreSQL has its own tools, which this points to.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::startup;

/// What a backup or restore found in the copy.
#[derive(Debug)]
pub struct Summary {
    pub path: PathBuf,
    pub leads: i64,
    pub users: i64,
    pub bytes: u64,
}

const PG_GUIDANCE: &str = "this database is PostgreSQL: back it up with \
    `pg_dump --format=custom --file leadflow.dump \"$DATABASE_URL\"` and restore with \
    `pg_restore --clean --if-exists --no-owner --dbname \"$DATABASE_URL\" leadflow.dump` \
    (both run while Leadflow is up; stop it before a restore)";

fn sqlite_file(database_url: &str) -> anyhow::Result<PathBuf> {
    if database_url.starts_with("postgres") {
        bail!("{PG_GUIDANCE}");
    }
    startup::sqlite_path(database_url)
        .map(PathBuf::from)
        .context("DATABASE_URL names no SQLite file (an in-memory database cannot be backed up)")
}

/// Writes a consistent copy of the database at `database_url` to `out`, which must not
/// exist yet; the server may keep running.
pub async fn backup(database_url: &str, out: &Path) -> anyhow::Result<Summary> {
    let source = sqlite_file(database_url)?;
    anyhow::ensure!(
        source.is_file(),
        "there is no database at {} to back up",
        source.display()
    );
    anyhow::ensure!(
        !out.exists(),
        "{} already exists; choose a new file name (a backup never overwrites)",
        out.display()
    );
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating the folder for {}", out.display()))?;
    }
    let db = startup::connect(database_url).await?;
    let target = out.to_str().context("the backup path is not valid UTF-8")?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .with_context(|| format!("writing the backup to {}", out.display()))?;
    db.close().await.ok();
    check(out).await
}

/// Replaces the database at `database_url` with the backup at `from`, after checking
/// the backup, then brings its schema up to date. Leadflow must be stopped; an existing
/// database is replaced only with `force`.
pub async fn restore(database_url: &str, from: &Path, force: bool) -> anyhow::Result<Summary> {
    let target = sqlite_file(database_url)?;
    anyhow::ensure!(from.is_file(), "there is no backup at {}", from.display());
    check(from)
        .await
        .with_context(|| format!("{} is not a usable Leadflow backup", from.display()))?;
    if target.exists() && !force {
        bail!(
            "{} already holds a database; stop Leadflow and run again with --force to replace it",
            target.display()
        );
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    // Copy beside the target, then swap it in with a rename: a crash midway leaves the
    // old database or the new one, never half of each.
    let staging = target.with_extension("restoring");
    std::fs::copy(from, &staging)
        .with_context(|| format!("copying the backup to {}", staging.display()))?;
    std::fs::File::open(&staging)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).context("removing the old database's write-ahead log"),
        }
    }
    std::fs::rename(&staging, &target)
        .with_context(|| format!("moving the restored database to {}", target.display()))?;
    // A backup from an older release gets this release's migrations.
    let db = startup::connect(database_url).await?;
    startup::migrate(&db).await?;
    db.close().await.ok();
    check(&target).await
}

/// Opens `path` read-only, checks its integrity and that it is a Leadflow database.
async fn check(path: &Path) -> anyhow::Result<Summary> {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let db = sea_orm::Database::connect(&url)
        .await
        .with_context(|| format!("opening {}", path.display()))?;
    let result = summarise(&db, path).await;
    db.close().await.ok();
    result
}

async fn summarise(db: &DatabaseConnection, path: &Path) -> anyhow::Result<Summary> {
    let one = |sql: &str| Statement::from_string(DbBackend::Sqlite, sql);
    let integrity: String = db
        .query_one_raw(one("PRAGMA integrity_check"))
        .await?
        .context("no integrity report")?
        .try_get_by_index(0)?;
    anyhow::ensure!(integrity == "ok", "integrity check failed: {integrity}");
    let count = |table: &'static str| async move {
        let row = db
            .query_one_raw(one(&format!("SELECT count(*) FROM {table}")))
            .await
            .with_context(|| format!("no {table} table: not a Leadflow database"))?
            .context("no count")?;
        anyhow::Ok(row.try_get_by_index::<i64>(0)?)
    };
    Ok(Summary {
        path: path.to_path_buf(),
        leads: count("leads").await?,
        users: count("users").await?,
        bytes: std::fs::metadata(path)?.len(),
    })
}
