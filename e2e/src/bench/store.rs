//! Writing a dataset straight into a migrated Leadflow database: batched multi-row INSERTs in
//! transactions, on SQLite and PostgreSQL, the triggers (search index, owner loads) firing as
//! they do for the server. The same path, timed on a fresh database, is the "raw batched
//! INSERT" baseline the capture and import figures are compared with.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::Utc;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement,
    TransactionTrait, Value,
};
use serde_json::json;
use uuid::Uuid;

use super::data::{Dataset, Lead, CAMPAIGNS};

/// Rows per INSERT statement: 30 columns x 400 rows stays below SQLite's 32,766 parameters.
const LEAD_ROWS_PER_INSERT: usize = 400;
const EVENT_ROWS_PER_INSERT: usize = 2_000;
/// Statements per transaction.
const INSERTS_PER_TRANSACTION: usize = 25;

const LEAD_COLUMNS: [&str; 30] = [
    "id",
    "person_name",
    "title",
    "company",
    "company_key",
    "email",
    "email_normalized",
    "phone",
    "phone_e164",
    "industry",
    "province",
    "city",
    "company_size",
    "source",
    "campaign_id",
    "tags",
    "custom_fields",
    "stage",
    "owner_id",
    "fit_score",
    "engagement_score",
    "total_score",
    "lost_reason",
    "first_assigned_at",
    "first_contacted_at",
    "merged_into",
    "version",
    "created_at",
    "updated_at",
    "last_activity_at",
];
const EVENT_COLUMNS: [&str; 6] = ["id", "lead_id", "kind", "data", "occurred_at", "created_at"];

/// A connection for bulk work: one connection (SQLite has one writer anyway), and on SQLite
/// no fsync and a large page cache while loading.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = OFF",
            "PRAGMA cache_size = -262144",
            "PRAGMA temp_store = MEMORY",
        ] {
            db.execute_unprepared(pragma).await?;
        }
    } else {
        db.execute_unprepared("SET synchronous_commit = off")
            .await?;
    }
    Ok(db)
}

/// Who owns what: the reps per province (from their regions) and the campaigns.
pub struct Directory {
    reps_by_province: HashMap<String, Vec<Uuid>>,
    reps: Vec<Uuid>,
    campaigns: Vec<Uuid>,
    /// Added to every time of the dataset: its "now" ([`super::data::epoch`]) becomes today's
    /// midnight (UTC), so the database looks current to the server's clock (SLA sweeps,
    /// decay) on whatever day the benchmark runs.
    shift: chrono::Duration,
}

impl Directory {
    /// Reads the reps the demo made and inserts the dataset's campaigns (once).
    pub async fn prepare(db: &DatabaseConnection) -> Result<Directory> {
        let backend = db.get_database_backend();
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, regions FROM users WHERE role = 'rep' AND active ORDER BY email",
            ))
            .await?;
        let mut reps = Vec::new();
        let mut reps_by_province: HashMap<String, Vec<Uuid>> = HashMap::new();
        for row in rows {
            let id: Uuid = row.try_get("", "id")?;
            let regions: serde_json::Value = row.try_get("", "regions")?;
            for region in regions.as_array().into_iter().flatten() {
                if let Some(region) = region.as_str() {
                    reps_by_province
                        .entry(region.to_string())
                        .or_default()
                        .push(id);
                }
            }
            reps.push(id);
        }
        anyhow::ensure!(
            !reps.is_empty(),
            "no reps in the database: load the demo first (`leadflow serve --demo`)"
        );
        let mut campaigns = Vec::new();
        for (i, (name, channel, cost, _)) in CAMPAIGNS.iter().enumerate() {
            let existing = db
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    placeholders(backend, "SELECT id FROM campaigns WHERE name = ?"),
                    [Value::from(*name)],
                ))
                .await?;
            if let Some(row) = existing {
                campaigns.push(row.try_get("", "id")?);
                continue;
            }
            let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + i as u128);
            let now = super::data::epoch() - chrono::Duration::days(365);
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                placeholders(
                    backend,
                    "INSERT INTO campaigns (id, name, channel, cost_cents, currency, created_at, updated_at) \
                     VALUES (?, ?, ?, ?, 'CNY', ?, ?)",
                ),
                [
                    id.into(),
                    (*name).into(),
                    (*channel).into(),
                    (*cost).into(),
                    now.into(),
                    now.into(),
                ],
            ))
            .await?;
            campaigns.push(id);
        }
        let today = Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or_else(super::data::epoch);
        Ok(Directory {
            reps_by_province,
            reps,
            campaigns,
            shift: today - super::data::epoch(),
        })
    }

    fn owner(&self, lead: &Lead) -> Option<Uuid> {
        let slot = lead.owner_slot? as usize;
        let reps = self
            .reps_by_province
            .get(lead.province)
            .filter(|reps| !reps.is_empty())
            .unwrap_or(&self.reps);
        Some(reps[slot % reps.len()])
    }
}

/// What a load wrote and how long it took.
#[derive(Clone, Copy, Debug, Default)]
pub struct Loaded {
    pub leads: u64,
    pub events: u64,
    pub elapsed: Duration,
}

/// Inserts leads `range` of `data` (and their events when `with_events`), duplicates as leads
/// merged into their original.
pub async fn insert(
    db: &DatabaseConnection,
    directory: &Directory,
    data: Dataset,
    range: std::ops::Range<u64>,
    with_events: bool,
) -> Result<Loaded> {
    insert_rows(db, directory, data, range, with_events, true).await
}

/// Inserts leads `range` as plain rows, duplicates not linked to their original (which may
/// not be in this database): the raw-INSERT baseline.
pub async fn insert_unlinked(
    db: &DatabaseConnection,
    directory: &Directory,
    data: Dataset,
    range: std::ops::Range<u64>,
) -> Result<Loaded> {
    insert_rows(db, directory, data, range, false, false).await
}

async fn insert_rows(
    db: &DatabaseConnection,
    directory: &Directory,
    data: Dataset,
    range: std::ops::Range<u64>,
    with_events: bool,
    link_duplicates: bool,
) -> Result<Loaded> {
    let backend = db.get_database_backend();
    let range_len = range.end - range.start;
    let started = Instant::now();
    let (sender, mut batches) =
        tokio::sync::mpsc::channel::<(Vec<Lead>, Vec<(Uuid, super::data::Event)>)>(4);
    // Generating rows is CPU work: a thread of its own, while this task waits on the database.
    let producer = std::thread::spawn(move || {
        let mut at = range.start;
        while at < range.end {
            let end = (at + (LEAD_ROWS_PER_INSERT * 5) as u64).min(range.end);
            let leads: Vec<Lead> = (at..end).map(|i| data.lead(i)).collect();
            let events = if with_events {
                leads
                    .iter()
                    .flat_map(|lead| data.events(lead).into_iter().map(|e| (lead.id, e)))
                    .collect()
            } else {
                Vec::new()
            };
            if sender.blocking_send((leads, events)).is_err() {
                return;
            }
            at = end;
        }
    });
    let mut loaded = Loaded::default();
    let lead_sql = insert_sql(backend, "leads", &LEAD_COLUMNS, LEAD_ROWS_PER_INSERT);
    let event_sql = insert_sql(
        backend,
        "lead_events",
        &EVENT_COLUMNS,
        EVENT_ROWS_PER_INSERT,
    );
    let mut txn = db.begin().await?;
    let mut statements = 0;
    let mut next_report = 100_000;
    while let Some((leads, events)) = batches.recv().await {
        for chunk in leads.chunks(LEAD_ROWS_PER_INSERT) {
            let sql = if chunk.len() == LEAD_ROWS_PER_INSERT {
                lead_sql.clone()
            } else {
                insert_sql(backend, "leads", &LEAD_COLUMNS, chunk.len())
            };
            let values: Vec<Value> = chunk
                .iter()
                .flat_map(|lead| lead_values(&data, directory, lead, link_duplicates))
                .collect();
            txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await
                .context("inserting leads")?;
            statements += 1;
        }
        loaded.leads += leads.len() as u64;
        for chunk in events.chunks(EVENT_ROWS_PER_INSERT) {
            let sql = if chunk.len() == EVENT_ROWS_PER_INSERT {
                event_sql.clone()
            } else {
                insert_sql(backend, "lead_events", &EVENT_COLUMNS, chunk.len())
            };
            let values: Vec<Value> = chunk
                .iter()
                .flat_map(|(lead_id, event)| {
                    let data = json!({ "url": event.url, "name": null, "properties": {} });
                    [
                        event.id.into(),
                        (*lead_id).into(),
                        event.kind.into(),
                        data.into(),
                        (event.occurred_at + directory.shift).into(),
                        (event.occurred_at + directory.shift).into(),
                    ]
                })
                .collect();
            txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
                .await
                .context("inserting events")?;
            statements += 1;
        }
        loaded.events += events.len() as u64;
        if statements >= INSERTS_PER_TRANSACTION {
            txn.commit().await?;
            txn = db.begin().await?;
            statements = 0;
        }
        if loaded.leads >= next_report && range_len >= 200_000 {
            println!(
                "[generate] {} leads, {} events, {:.1} s",
                loaded.leads,
                loaded.events,
                started.elapsed().as_secs_f64()
            );
            next_report += 100_000;
        }
    }
    txn.commit().await?;
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("the row generator panicked"))?;
    loaded.elapsed = started.elapsed();
    Ok(loaded)
}

/// Refreshes the planner's statistics after a bulk load, as an operator would.
pub async fn analyze(db: &DatabaseConnection) -> Result<()> {
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

fn lead_values(data: &Dataset, directory: &Directory, lead: &Lead, link: bool) -> [Value; 30] {
    let merged_into = lead
        .duplicate_of
        .filter(|_| link)
        .map(|original| data.lead(original).id);
    // A merged duplicate keeps its row but leaves the lists and the owner's load.
    let owner = if merged_into.is_some() {
        None
    } else {
        directory.owner(lead)
    };
    let campaign = lead
        .campaign
        .and_then(|i| directory.campaigns.get(i).copied());
    let contacted = matches!(lead.stage, "sql" | "opportunity" | "customer" | "lost")
        .then(|| lead.created_at + chrono::Duration::minutes(47));
    let lost_reason = (lead.stage == "lost").then_some(if lead.index.is_multiple_of(3) {
        "选了竞品"
    } else {
        "没有预算"
    });
    // A rep works their open leads, or the daily inactivity sweep (30 days in the demo's
    // policy) would have returned them to the pool: owned open leads saw activity in the
    // last 20 days.
    let open = matches!(
        lead.stage,
        "lead" | "mql" | "sql" | "opportunity" | "recycled"
    );
    let last_activity = if owner.is_some() && open {
        (super::data::epoch() - chrono::Duration::hours((lead.index % 480) as i64))
            .max(lead.created_at)
    } else {
        (lead.created_at + chrono::Duration::hours(i64::from(lead.events.min(2000))))
            .min(super::data::epoch())
    };
    let shift = directory.shift;
    let updated = last_activity + shift;
    [
        lead.id.into(),
        lead.person_name.clone().into(),
        lead.title.map(str::to_string).into(),
        lead.company.clone().into(),
        lead.company
            .as_deref()
            .map(leadflow_shared::normalize::company_key)
            .into(),
        lead.email.clone().into(),
        lead.email_normalized().into(),
        lead.phone.clone().into(),
        lead.phone_e164.clone().into(),
        Some(lead.industry.to_string()).into(),
        Some(lead.province.to_string()).into(),
        Some(lead.city.to_string()).into(),
        Some(lead.company_size).into(),
        lead.source.into(),
        campaign.into(),
        json!(lead.tags).into(),
        json!({}).into(),
        lead.stage.into(),
        owner.into(),
        lead.fit_score.into(),
        lead.engagement_score.into(),
        lead.total_score().into(),
        lost_reason.map(str::to_string).into(),
        owner
            .map(|_| lead.created_at + shift + chrono::Duration::seconds(3))
            .into(),
        contacted.map(|at| at + shift).into(),
        merged_into.into(),
        1i32.into(),
        (lead.created_at + shift).into(),
        updated.into(),
        (last_activity + shift).into(),
    ]
}

/// `INSERT INTO table (cols) VALUES (?, ...), ...` with `rows` rows, in the backend's
/// placeholder style.
pub fn insert_sql(backend: DbBackend, table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for col in 0..columns.len() {
            if col > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// `?` placeholders rewritten as `$1, $2...` for PostgreSQL.
pub fn placeholders(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_string();
    }
    let mut out = String::new();
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes leads `range` of `data` as the CSV file a user would import.
pub fn write_csv(
    path: &std::path::Path,
    data: &Dataset,
    range: std::ops::Range<u64>,
) -> Result<u64> {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    file.write_all(Dataset::CSV_HEADER.as_bytes())?;
    let mut line = String::new();
    for i in range {
        line.clear();
        data.csv_row(i, &mut line);
        file.write_all(line.as_bytes())?;
    }
    file.flush()?;
    Ok(file.get_ref().metadata()?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_statements_number_their_placeholders() {
        assert_eq!(
            insert_sql(DbBackend::Sqlite, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(
            insert_sql(DbBackend::Postgres, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            placeholders(DbBackend::Postgres, "x = ? AND y = ?"),
            "x = $1 AND y = $2"
        );
    }
}
