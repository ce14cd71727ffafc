//! One benchmark run: for each database and size, a fresh database with the demo's teams,
//! reps and routing, the dataset written straight in, then the server in release measured
//! through its public API, each figure beside a baseline taken in the same run on the same
//! data. The result is a markdown report.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value as DbValue};
use serde_json::{json, Value};

use super::api::{self, Api, Visitors, CAPTURE};
use super::baseline::BareServer;
use super::data::{Dataset, ROUTED_PROVINCES};
use super::journey;
use super::load::{closed_loop, open_loop, Limits};
use super::server::Server;
use super::stats::{
    format_duration, format_rate, format_ratio, per_second, ratio, thousands, Sample,
};
use super::store::{self, Directory};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The release `leadflow` binary.
    pub server: PathBuf,
    /// Databases, logs and the import file go here.
    pub work: PathBuf,
    /// The SPA build, for the wasm size (`dist/`).
    pub dist: PathBuf,
    pub quick: bool,
    pub sqlite: bool,
    /// The superuser URL of a PostgreSQL server to create databases on.
    pub postgres: Option<String>,
    /// Leads per dataset; the first size also gets the capture, feed and import measurements.
    pub sizes: Vec<u64>,
    pub seed: u64,
    /// Only these measurements (`list`, `capture`, `feed`, `import`, `dashboards`,
    /// `rescore`, `journey`, `wasm`); all when empty. For profiling one of them.
    pub only: Vec<String>,
}

impl Options {
    /// Whether the measurement `what` is part of this run.
    pub fn wants(&self, what: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == what)
    }
}

/// The measurements `--only` accepts.
pub const MEASUREMENTS: [&str; 8] = [
    "list",
    "capture",
    "feed",
    "import",
    "dashboards",
    "rescore",
    "journey",
    "wasm",
];

/// How hard each measurement pushes.
#[derive(Clone, Copy, Debug)]
struct Budget {
    limits: Limits,
    feed_time: Duration,
    import_rows: u64,
    import_limit: Duration,
    rescore_limit: Duration,
    /// The journey advance at 1M enrolments; smaller datasets get a share of it.
    journey_limit: Duration,
}

impl Budget {
    fn new(quick: bool) -> Budget {
        if quick {
            Budget {
                limits: Limits {
                    max_requests: 1_500,
                    max_time: Duration::from_secs(2),
                },
                feed_time: Duration::from_secs(2),
                import_rows: 1_000,
                import_limit: Duration::from_secs(60),
                rescore_limit: Duration::from_secs(60),
                journey_limit: Duration::from_secs(20),
            }
        } else {
            Budget {
                limits: Limits {
                    max_requests: 60_000,
                    max_time: Duration::from_secs(12),
                },
                feed_time: Duration::from_secs(15),
                import_rows: 50_000,
                import_limit: Duration::from_secs(600),
                rescore_limit: Duration::from_secs(600),
                journey_limit: Duration::from_secs(900),
            }
        }
    }
}

/// A line of the results table.
#[derive(Clone, Debug)]
pub struct Row {
    pub measurement: String,
    pub db: String,
    pub leads: u64,
    pub figure: String,
    pub baseline: String,
    pub ratio: String,
}

/// A target of the issue, and whether this run met it.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    pub target: String,
    pub measured: String,
    pub met: Option<bool>,
}

#[derive(Default)]
pub struct Report {
    pub rows: Vec<Row>,
    pub targets: Vec<Target>,
    pub notes: Vec<String>,
}

impl Report {
    fn row(
        &mut self,
        db: &str,
        leads: u64,
        measurement: &str,
        figure: String,
        baseline: String,
        ratio: Option<f64>,
    ) {
        let row = Row {
            measurement: measurement.to_string(),
            db: db.to_string(),
            leads,
            figure,
            baseline,
            ratio: format_ratio(ratio),
        };
        println!(
            "[result] {} | {} | {} | {} | {} | {}",
            row.measurement,
            row.db,
            thousands(row.leads),
            row.figure,
            row.baseline,
            row.ratio
        );
        self.rows.push(row);
    }

    fn note(&mut self, note: String) {
        println!("[note] {note}");
        self.notes.push(note);
    }

    fn target(&mut self, name: &str, target: &str, measured: String, met: Option<bool>) {
        self.targets.push(Target {
            name: name.to_string(),
            target: target.to_string(),
            measured,
            met,
        });
    }

    /// The report as markdown: the table, the targets, the notes.
    pub fn markdown(&self, header: &str) -> String {
        let mut md = String::new();
        md.push_str(header);
        md.push_str(
            "\n| Measurement | DB | Leads | Leadflow | Baseline (same run, same data) | Ratio |\n",
        );
        md.push_str("|---|---|---:|---:|---|---:|\n");
        for r in &self.rows {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                r.measurement,
                r.db,
                thousands(r.leads),
                r.figure,
                r.baseline,
                r.ratio
            ));
        }
        md.push_str("\n### Targets\n\n| Target | Goal | Measured | Met |\n|---|---|---|---|\n");
        for t in &self.targets {
            let met = match t.met {
                Some(true) => "met",
                Some(false) => "**not met**",
                None => "not measured",
            };
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                t.name, t.target, t.measured, met
            ));
        }
        if !self.notes.is_empty() {
            md.push_str("\n### Notes\n\n");
            for n in &self.notes {
                md.push_str(&format!("- {n}\n"));
            }
        }
        md
    }
}

/// Where databases are made: files in a directory, or databases on a PostgreSQL server.
enum Databases {
    Sqlite { dir: PathBuf },
    Postgres { admin_url: String },
}

impl Databases {
    fn label(&self) -> &'static str {
        match self {
            Databases::Sqlite { .. } => "SQLite",
            Databases::Postgres { .. } => "PostgreSQL",
        }
    }

    fn url(&self, name: &str) -> String {
        match self {
            Databases::Sqlite { dir } => {
                format!(
                    "sqlite://{}?mode=rwc",
                    dir.join(format!("{name}.db")).display()
                )
            }
            Databases::Postgres { admin_url } => {
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                format!("{base}/{name}")
            }
        }
    }

    async fn admin(&self) -> Result<DatabaseConnection> {
        match self {
            Databases::Postgres { admin_url } => store::connect(admin_url).await,
            Databases::Sqlite { .. } => bail!("no admin database on SQLite"),
        }
    }

    /// An empty database `name` (dropping an old one).
    async fn create(&self, name: &str) -> Result<()> {
        match self {
            Databases::Sqlite { dir } => {
                std::fs::create_dir_all(dir)?;
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{name}.db{suffix}")));
                }
            }
            Databases::Postgres { .. } => {
                let admin = self.admin().await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                    .await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                admin.close().await?;
            }
        }
        Ok(())
    }

    /// `to` as a copy of `from` (no server may be connected to `from`).
    async fn copy(&self, from: &str, to: &str) -> Result<()> {
        match self {
            Databases::Sqlite { dir } => {
                for suffix in ["", "-wal", "-shm"] {
                    let source = dir.join(format!("{from}.db{suffix}"));
                    let target = dir.join(format!("{to}.db{suffix}"));
                    let _ = std::fs::remove_file(&target);
                    if source.exists() {
                        std::fs::copy(&source, &target)?;
                    }
                }
            }
            Databases::Postgres { .. } => {
                let admin = self.admin().await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {to}"))
                    .await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {to} TEMPLATE {from}"))
                    .await?;
                admin.close().await?;
            }
        }
        Ok(())
    }
}

/// Runs everything `options` asks for and returns the report.
pub async fn run(options: &Options) -> Result<Report> {
    let budget = Budget::new(options.quick);
    let mut report = Report::default();
    std::fs::create_dir_all(&options.work)?;
    let mut kinds = Vec::new();
    if options.sqlite {
        kinds.push(Databases::Sqlite {
            dir: options.work.join("sqlite"),
        });
    }
    if let Some(admin_url) = &options.postgres {
        kinds.push(Databases::Postgres {
            admin_url: admin_url.clone(),
        });
    }
    let mut bench = Bench {
        options,
        budget,
        report: &mut report,
        bare: BareServer::start()?,
    };
    for dbs in &kinds {
        for (k, size) in options.sizes.iter().enumerate() {
            bench
                .one_dataset(dbs, *size, k == 0)
                .await
                .with_context(|| format!("{} with {size} leads", dbs.label()))?;
        }
    }
    if options.wants("wasm") {
        bench.wasm_size()?;
    }
    bench.targets();
    Ok(report)
}

struct Bench<'a> {
    options: &'a Options,
    budget: Budget,
    report: &'a mut Report,
    bare: BareServer,
}

/// A GraphQL body as the load generator posts it.
fn gql_body(query: &str, variables: Value) -> Vec<u8> {
    json!({ "query": query, "variables": variables })
        .to_string()
        .into_bytes()
}

async fn post_bytes(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: Vec<u8>,
) -> Result<axum::body::Bytes> {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if !token.is_empty() {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let bytes = response.bytes().await?;
    if !status.is_success() {
        bail!("HTTP {status}: {}", String::from_utf8_lossy(&bytes));
    }
    Ok(bytes)
}

fn has_errors(body: &[u8]) -> bool {
    let contains = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    contains(b"\"errors\":") || contains(b"\"userErrors\":[{")
}

const LIST: &str = "query($filter: LeadFilter) { leads(first: 50, sort: SCORE_DESC, filter: $filter) {
    totalCount edges { node { id personName company province city stage totalScore owner { id name } } } } }";
const LIST_PROVINCES: [&str; 5] = ["广东", "江苏", "浙江", "上海", "北京"];
const JOURNEY_TARGET: &str = "journey advance over 1M enrolments (wait → branch, SQLite)";
const OPEN_STAGES_SQL: &str = "('lead', 'mql', 'sql', 'opportunity', 'recycled')";

impl Bench<'_> {
    fn seconds(&self, d: Duration) -> String {
        format_duration(d)
    }

    async fn one_dataset(&mut self, dbs: &Databases, size: u64, first: bool) -> Result<()> {
        let label = dbs.label();
        let name = format!("bench_{size}");
        let data = Dataset::new(self.options.seed, size);
        let dir = self
            .options
            .work
            .join(format!("{}-{size}", label.to_lowercase()));
        let _ = std::fs::remove_dir_all(dir.join("data"));
        println!("==> {label}, {} leads", thousands(size));

        // The demo's admin, 4 teams of reps, routing rules and campaigns.
        dbs.create(&name).await?;
        let url = dbs.url(&name);
        let demo =
            Server::start(&self.options.server, &url, &dir, &self.options.dist, true).await?;
        self.report.row(
            label,
            0,
            "cold start to /healthz, empty database (migrate + demo)",
            self.seconds(demo.cold_start),
            String::new(),
            None,
        );
        demo.stop()?;
        let scratch = format!("bench_scratch_{size}");
        dbs.copy(&name, &scratch).await?;

        // The dataset, straight into the database.
        let db = store::connect(&url).await?;
        let directory = Directory::prepare(&db).await?;
        let loaded = store::insert(&db, &directory, data, 0..size, true).await?;
        store::analyze(&db).await?;
        db.close().await?;
        let rows = loaded.leads + loaded.events;
        self.report.row(
            label,
            size,
            &format!(
                "generate: {} leads + {} events, batched INSERT (indexes and triggers on)",
                thousands(loaded.leads),
                thousands(loaded.events)
            ),
            self.seconds(loaded.elapsed),
            format!("{} rows", format_rate(per_second(rows, loaded.elapsed))),
            None,
        );

        let scratch_db = store::connect(&dbs.url(&scratch)).await?;
        let scratch_dir = Directory::prepare(&scratch_db).await?;

        let server =
            Server::start(&self.options.server, &url, &dir, &self.options.dist, false).await?;
        self.report.row(
            label,
            size,
            "cold start to /healthz",
            self.seconds(server.cold_start),
            String::new(),
            None,
        );
        let api = Api::new(&server.base_url)?;
        let admin = api.login(api::DEMO_ADMIN, api::DEMO_PASSWORD).await?;
        let idle = server.memory()?;
        self.report.row(
            label,
            size,
            "server RSS, idle after start",
            format!("{:.0} MiB", idle.rss_mib),
            String::new(),
            None,
        );

        let wants = |what: &str| self.options.wants(what);
        if wants("list") {
            self.lead_list(label, size, &url, &api, &admin).await?;
        }
        if first && wants("capture") {
            self.captures(label, size, data, &api, &admin, &scratch_db, &scratch_dir)
                .await?;
        }
        if first && wants("feed") {
            self.feed(label, size, data, &server, &api, &admin).await?;
        }
        if first && wants("import") {
            self.import(label, size, data, &api, &admin, &scratch_db, &scratch_dir)
                .await?;
        }
        if wants("dashboards") {
            self.dashboards(label, size, &url, &api, &admin).await?;
        }
        if wants("rescore") {
            self.rescore(label, size, &url, &api, &admin).await?;
        }
        let memory = server.memory()?;
        self.report.row(
            label,
            size,
            "server RSS, peak (VmHWM) over the run",
            format!("{:.0} MiB", memory.peak_mib),
            format!("idle {:.0} MiB", idle.rss_mib),
            ratio(memory.peak_mib, idle.rss_mib),
        );
        if !self.options.wants("journey") {
            server.stop()?;
            scratch_db.close().await?;
            return Ok(());
        }
        let journey_id = self.create_journey(&api, &admin).await?;
        server.stop()?;
        scratch_db.close().await?;
        self.journey_advance(label, size, &url, &dir, journey_id)
            .await?;
        Ok(())
    }

    /// The benchmark's journey, created and activated as a marketer does.
    async fn create_journey(&self, api: &Api, admin: &str) -> Result<uuid::Uuid> {
        let created = api
            .gql(
                admin,
                "mutation($input: JourneyCreateInput!) { journeyCreate(input: $input) { journey { id } userErrors { field message } } }",
                json!({ "input": { "name": "Bench: wait a day, then split by score", "definition": journey::definition() } }),
            )
            .await?;
        let id = created["journeyCreate"]["journey"]["id"]
            .as_str()
            .with_context(|| format!("creating the journey: {created}"))?
            .to_string();
        let activated = api
            .gql(
                admin,
                "mutation($id: ID!) { journeyActivate(input: { id: $id }) { journey { activeVersion } userErrors { field message } } }",
                json!({ "id": id }),
            )
            .await?;
        anyhow::ensure!(
            activated["journeyActivate"]["journey"]["activeVersion"] == 1,
            "activating the journey: {activated}"
        );
        Ok(id.parse()?)
    }

    /// Every live lead enrolled in the journey and due at its branch, written straight into
    /// the database while the server is down; then the server started and timed until no
    /// enrolment is left before the branch (or the limit, then the rate is extrapolated).
    async fn journey_advance(
        &mut self,
        label: &str,
        size: u64,
        url: &str,
        dir: &Path,
        journey_id: uuid::Uuid,
    ) -> Result<()> {
        let db = store::connect(url).await?;
        let backend = db.get_database_backend();
        let version_id: uuid::Uuid = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                store::placeholders(
                    backend,
                    "SELECT id FROM journey_versions WHERE journey_id = ? AND version = 1",
                ),
                [journey_id.into()],
            ))
            .await?
            .context("the journey has no version 1")?
            .try_get("", "id")?;
        let enrolled = journey::enrol_all(&db, journey_id, version_id, chrono::Utc::now()).await?;
        store::analyze(&db).await?;
        self.report.row(
            label,
            size,
            &format!(
                "journey: enrol {} leads at a due wait, batched INSERT (enrolment, step 1, 2 jobs each)",
                thousands(enrolled.enrolments)
            ),
            self.seconds(enrolled.elapsed),
            format!(
                "{} enrolments",
                format_rate(per_second(enrolled.enrolments, enrolled.elapsed))
            ),
            None,
        );
        let total = journey::before_branch(&db, version_id).await?.0;
        // Two steps per enrolment: the wait ends (to the branch), the branch picks a path.
        // Due steps run oldest first, so nearly every wait ends before the first branch is
        // taken: progress is counted in steps.
        let steps = |(waiting, branching): (u64, u64)| {
            2 * total.saturating_sub(waiting + branching) + branching
        };
        // A share of the 1M limit, but long enough to read a steady rate.
        let limit = if self.options.quick {
            self.budget.journey_limit
        } else {
            self.budget
                .journey_limit
                .mul_f64((size as f64 / 1e6).min(1.0))
                .max(Duration::from_secs(180))
        };
        let poll = if total > 200_000 {
            Duration::from_secs(1)
        } else {
            Duration::from_millis(200)
        };
        let began = Instant::now();
        let server =
            Server::start(&self.options.server, url, dir, &self.options.dist, false).await?;
        let mut remaining;
        let mut last_report = Instant::now();
        loop {
            remaining = journey::before_branch(&db, version_id).await?;
            if remaining == (0, 0) || began.elapsed() > limit {
                break;
            }
            if last_report.elapsed() > Duration::from_secs(30) {
                println!(
                    "[journey] {} of {} steps after {:.0} s",
                    thousands(steps(remaining)),
                    thousands(2 * total),
                    began.elapsed().as_secs_f64()
                );
                last_report = Instant::now();
            }
            tokio::time::sleep(poll).await;
        }
        let elapsed = began.elapsed();
        let memory = server.memory()?;
        server.stop()?;
        let taken = steps(remaining);
        let advanced = total.saturating_sub(remaining.0 + remaining.1);
        let finished = remaining == (0, 0);
        let positions = journey::positions(&db, version_id).await?;
        self.report.note(format!(
            "{label} {size}: journey enrolments after the advance: {}",
            positions
                .iter()
                .map(|(at, n)| format!("{at} {}", thousands(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let sql = journey::set_based_advance(&db, version_id, chrono::Utc::now()).await?;
        db.close().await?;
        // Enrolments per second: half the steps per second.
        let rate = per_second(taken, elapsed) / 2.0;
        let extrapolate = |n: u64| {
            if taken > 0 {
                elapsed.mul_f64(2.0 * n as f64 / taken as f64)
            } else {
                Duration::from_secs(u64::MAX / 4)
            }
        };
        let all = extrapolate(total);
        self.report.row(
            label,
            size,
            &format!(
                "journey advance: {} enrolments through wait (due) → branch, server start to all past the branch",
                thousands(total)
            ),
            if finished {
                format!("{} ({})", format_duration(elapsed), format_rate(rate))
            } else {
                format!(
                    "{} extrapolated ({} enrolments; at the {} limit {} of {} steps taken, {} past the branch)",
                    format_duration(all),
                    format_rate(rate),
                    format_duration(elapsed),
                    thousands(taken),
                    thousands(2 * total),
                    thousands(advanced)
                )
            },
            format!(
                "set-based SQL (2 journey_steps INSERT…SELECT + 1 UPDATE): {}",
                format_duration(sql)
            ),
            ratio(all.as_secs_f64(), sql.as_secs_f64()),
        );
        self.report.row(
            label,
            size,
            "server RSS, peak (VmHWM) during the journey advance",
            format!("{:.0} MiB", memory.peak_mib),
            String::new(),
            None,
        );
        if label == "SQLite" && (size >= 1_000_000 || self.options.sizes.len() == 1) {
            let million = extrapolate(1_000_000);
            self.report.target(
                JOURNEY_TARGET,
                "< 60 s",
                if size >= 1_000_000 && finished {
                    format!(
                        "{} for {} enrolments ({})",
                        format_duration(elapsed),
                        thousands(total),
                        format_rate(rate)
                    )
                } else {
                    format!(
                        "{} extrapolated from {} steps in {} ({} enrolments)",
                        format_duration(million),
                        thousands(taken),
                        format_duration(elapsed),
                        format_rate(rate)
                    )
                },
                Some(million < Duration::from_secs(60)),
            );
        }
        Ok(())
    }

    /// The lead list at c=16 against the bare handler and the same query in SQL.
    async fn lead_list(
        &mut self,
        label: &str,
        size: u64,
        url: &str,
        api: &Api,
        admin: &str,
    ) -> Result<()> {
        let filter = |i: u64| json!({ "stages": ["LEAD", "MQL"], "province": LIST_PROVINCES[(i % 5) as usize] });
        let first = api.gql(admin, LIST, json!({ "filter": filter(0) })).await?;
        let total = first["leads"]["totalCount"].as_i64().unwrap_or(0);
        anyhow::ensure!(total > 0, "the list is empty: {first}");
        let endpoint = api.url("/graphql");
        let (http, token) = (api.http.clone(), admin.to_string());
        let sample = closed_loop(16, self.budget.limits, move |i| {
            let (http, endpoint, token) = (http.clone(), endpoint.clone(), token.clone());
            async move {
                let body = post_bytes(
                    &http,
                    &endpoint,
                    &token,
                    gql_body(LIST, json!({ "filter": filter(i) })),
                )
                .await?;
                anyhow::ensure!(!has_errors(&body), "{}", String::from_utf8_lossy(&body));
                Ok(())
            }
        })
        .await;

        // The same JSON from a bare handler.
        let answer = post_bytes(
            &api.http,
            &api.url("/graphql"),
            admin,
            gql_body(LIST, json!({ "filter": filter(0) })),
        )
        .await?;
        self.bare.answer_with(answer);
        let bare = self
            .bare_loop(16, gql_body(LIST, json!({ "filter": filter(0) })))
            .await;

        // The same query written by hand, on a pool of 16 connections.
        let pool = sea_orm::Database::connect({
            let mut o = sea_orm::ConnectOptions::new(url.to_string());
            o.max_connections(16).sqlx_logging(false);
            o
        })
        .await?;
        let pool = Arc::new(pool);
        let backend = pool.get_database_backend();
        let page_sql = store::placeholders(
            backend,
            "SELECT l.id, l.person_name, l.company, l.province, l.city, l.stage, l.total_score, u.id AS owner_id, u.name AS owner_name \
             FROM leads l LEFT JOIN users u ON u.id = l.owner_id \
             WHERE l.merged_into IS NULL AND l.stage IN ('lead', 'mql') AND l.province = ? \
             ORDER BY l.total_score DESC, l.created_at DESC, l.id DESC LIMIT 50",
        );
        let count_sql = store::placeholders(
            backend,
            "SELECT COUNT(*) AS n FROM leads WHERE merged_into IS NULL AND stage IN ('lead', 'mql') AND province = ?",
        );
        let sql_pool = pool.clone();
        let sql = closed_loop(16, self.budget.limits, move |i| {
            let pool = sql_pool.clone();
            let (page_sql, count_sql) = (page_sql.clone(), count_sql.clone());
            async move {
                let province = DbValue::from(LIST_PROVINCES[(i % 5) as usize]);
                let rows = pool
                    .query_all_raw(Statement::from_sql_and_values(
                        backend,
                        page_sql,
                        [province.clone()],
                    ))
                    .await?;
                anyhow::ensure!(!rows.is_empty(), "no rows");
                for row in &rows {
                    let _: String = row.try_get("", "person_name")?;
                }
                pool.query_one_raw(Statement::from_sql_and_values(
                    backend,
                    count_sql,
                    [province],
                ))
                .await?;
                Ok(())
            }
        })
        .await;
        if let Ok(pool) = Arc::try_unwrap(pool) {
            pool.close().await?;
        }

        let what = "lead list: 50 rows, stage + province filter, by score, totalCount, c=16";
        self.sample_rows(
            label,
            size,
            what,
            &sample,
            &[("bare axum, same JSON", &bare), ("hand-written SQL", &sql)],
        );
        self.report.note(format!(
            "{label} {size}: the lead list's filter (open stages LEAD/MQL, one of 5 provinces) matches {} leads for 广东",
            thousands(total as u64)
        ));
        Ok(())
    }

    /// Every dashboard widget over the last year of leads, one request at a time (as a
    /// manager opening the page), against a hand-written GROUP BY over the same leads.
    async fn dashboards(
        &mut self,
        label: &str,
        size: u64,
        url: &str,
        api: &Api,
        admin: &str,
    ) -> Result<()> {
        const ROI: &str = "leads mqls sqls opportunities won wonAmount cost costPerLead roi";
        const CYCLE: &str = "won averageDays medianDays";
        let widgets: Vec<(&str, String)> = vec![
            ("source ROI", format!("sourceRoi {{ source metrics {{ {ROI} }} }}")),
            ("campaign ROI", format!("campaignRoi {{ campaignId metrics {{ {ROI} }} }}")),
            ("funnel", "funnel { steps { step count conversionFromPrevious medianSecondsInStep } }".into()),
            ("speed to lead", "speedToLead { leads contacted medianSeconds withinFiveMinutes withinOneHour buckets { label count } breachesByRep { ownerId breached } breachesByTeam { teamId breached } }".into()),
            ("conversion cycle", format!("conversionCycle {{ overall {{ {CYCLE} }} bySource {{ source stats {{ {CYCLE} }} }} byCompanySize {{ companySize stats {{ {CYCLE} }} }} }}")),
            ("rep leaderboard", "leaderboard { ownerId leads won wonAmount conversionRate averageResponseSeconds calls emails visits notes }".into()),
            ("lost reasons", "lostReasons { lost reasons { reason count } }".into()),
            ("CAC / LTV", "unitEconomics { marketingCost newCustomers cac ltv }".into()),
            ("trend by week", "trend { bucket points { periodStart leads mqls won } }".into()),
        ];
        let now = chrono::Utc::now();
        let filter = json!({
            "from": (now - chrono::Duration::days(365)).to_rfc3339(),
            "to": (now + chrono::Duration::days(1)).to_rfc3339(),
            "bucket": "WEEK",
            "utcOffsetMinutes": 480,
        });
        let rounds = if self.options.quick { 3 } else { 7 };

        // The hand-written baseline: leads and stages reached per source, in one scan.
        let pool = sea_orm::Database::connect(url).await?;
        let backend = pool.get_database_backend();
        let baseline_sql = store::placeholders(
            backend,
            "SELECT source, COUNT(*) AS leads, COUNT(mql_at) AS mqls, COUNT(sql_at) AS sqls, \
             COUNT(won_at) AS won FROM leads \
             WHERE merged_into IS NULL AND created_at >= ? AND created_at < ? GROUP BY source",
        );
        let mut baseline = Vec::new();
        for _ in 0..rounds {
            let started = Instant::now();
            pool.query_all_raw(Statement::from_sql_and_values(
                backend,
                baseline_sql.clone(),
                [
                    DbValue::from(now - chrono::Duration::days(365)),
                    DbValue::from(now + chrono::Duration::days(1)),
                ],
            ))
            .await?;
            baseline.push(started.elapsed());
        }
        pool.close().await?;
        let baseline = median(&mut baseline);

        let mut slowest = Duration::ZERO;
        for (name, selection) in widgets {
            let query = format!(
                "query($f: AnalyticsFilterInput!) {{ analytics(filter: $f) {{ userErrors {{ message }} report {{ {selection} }} }} }}"
            );
            let mut times = Vec::new();
            for _ in 0..rounds {
                let started = Instant::now();
                let data = api.gql(admin, &query, json!({ "f": filter })).await?;
                anyhow::ensure!(
                    data["analytics"]["userErrors"]
                        .as_array()
                        .is_some_and(|e| e.is_empty()),
                    "{name}: {data}"
                );
                times.push(started.elapsed());
            }
            let took = median(&mut times);
            slowest = slowest.max(took);
            self.report.row(
                label,
                size,
                &format!("dashboard widget: {name}, last 365 days, median of {rounds}"),
                format_duration(took),
                format!(
                    "hand-written GROUP BY source: {}",
                    format_duration(baseline)
                ),
                ratio(took.as_secs_f64(), baseline.as_secs_f64()),
            );
        }
        if size >= 1_000_000 {
            self.report.target(
                &format!("every dashboard widget at 1M leads ({label})"),
                "< 200 ms median",
                format!("slowest {}", format_duration(slowest)),
                Some(slowest < Duration::from_millis(200)),
            );
        }
        Ok(())
    }

    /// Three rows for a closed-loop measurement: throughput, p50, p99, each against baselines.
    fn sample_rows(
        &mut self,
        label: &str,
        size: u64,
        what: &str,
        sample: &Sample,
        baselines: &[(&str, &Sample)],
    ) {
        let describe = |f: &dyn Fn(&Sample) -> String| {
            baselines
                .iter()
                .map(|(name, b)| format!("{name}: {}", f(b)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let first = baselines.first().map(|(_, b)| *b);
        let errors = if sample.errors > 0 {
            format!(" ({} errors)", sample.errors)
        } else {
            String::new()
        };
        self.report.row(
            label,
            size,
            &format!("{what} — throughput"),
            format!("{}{errors}", format_rate(sample.per_second())),
            describe(&|b| format_rate(b.per_second())),
            first.and_then(|b| ratio(sample.per_second(), b.per_second())),
        );
        self.report.row(
            label,
            size,
            &format!("{what} — p50"),
            format_duration(sample.p50()),
            describe(&|b| format_duration(b.p50())),
            first.and_then(|b| ratio(sample.p50().as_secs_f64(), b.p50().as_secs_f64())),
        );
        self.report.row(
            label,
            size,
            &format!("{what} — p99"),
            format_duration(sample.p99()),
            describe(&|b| format_duration(b.p99())),
            first.and_then(|b| ratio(sample.p99().as_secs_f64(), b.p99().as_secs_f64())),
        );
        if label == "SQLite" && what.starts_with("lead list") && size <= 50_000 {
            self.report.target(
                "lead list at 50k leads, c=16",
                "≥ 3,000 req/s, p99 < 15 ms",
                format!(
                    "{}, p99 {}",
                    format_rate(sample.per_second()),
                    format_duration(sample.p99())
                ),
                Some(
                    sample.per_second() >= 3000.0
                        && sample.p99() < Duration::from_millis(15)
                        && sample.errors == 0,
                ),
            );
        }
    }

    async fn bare_loop(&self, concurrency: usize, body: Vec<u8>) -> Sample {
        let url = self.bare.url("/graphql");
        let http = api::client().unwrap_or_default();
        closed_loop(concurrency, self.budget.limits, move |_| {
            let (http, url, body) = (http.clone(), url.clone(), body.clone());
            async move {
                post_bytes(&http, &url, "", body).await?;
                Ok(())
            }
        })
        .await
    }

    /// Captures through the hosted form and through GraphQL, at c=1 and c=16.
    #[allow(clippy::too_many_arguments)]
    async fn captures(
        &mut self,
        label: &str,
        size: u64,
        data: Dataset,
        api: &Api,
        admin: &str,
        scratch: &DatabaseConnection,
        scratch_dir: &Directory,
    ) -> Result<()> {
        let key = api.api_key(admin, &["CAPTURE"]).await?;
        let form = api.form(admin).await?;
        let mut offset = size + 1_000_000;
        for concurrency in [1usize, 16] {
            // The hosted form, each visitor from their own loopback address.
            let visitors = Arc::new(Visitors::new(20, self.budget.limits.max_requests / 20 + 1));
            let form_url = api.url(&form);
            let start = offset;
            let sample = closed_loop(concurrency, self.budget.limits, {
                let form_url = form_url.clone();
                move |i| {
                    let (visitors, form_url) = (visitors.clone(), form_url.clone());
                    async move {
                        let lead = data.lead(start + i);
                        let response = visitors
                            .client(i)?
                            .post(&form_url)
                            .header("origin", "https://www.example.cn")
                            .json(&api::lead_fields(&lead))
                            .send()
                            .await?;
                        let status = response.status();
                        let body = response.bytes().await?;
                        anyhow::ensure!(
                            status == 200,
                            "HTTP {status}: {}",
                            String::from_utf8_lossy(&body)
                        );
                        Ok(())
                    }
                }
            })
            .await;
            let answer = api
                .http
                .post(&form_url)
                .json(&api::lead_fields(&data.lead(offset + 999_999)))
                .send()
                .await?
                .bytes()
                .await?;
            self.bare.answer_with(answer);
            let bare = self
                .bare_loop(
                    concurrency,
                    serde_json::to_vec(&api::lead_fields(&data.lead(start)))?,
                )
                .await;
            let raw = self
                .raw_insert(scratch, scratch_dir, data, start..start + sample.ok.max(1))
                .await?;
            let what = format!("capture via web form POST /f/{{key}}, c={concurrency}");
            self.capture_rows(label, size, &what, &sample, &bare, raw);
            offset += 1_000_000;

            // GraphQL leadCapture with an API key.
            let start = offset;
            let endpoint = api.url("/graphql");
            let (http, token) = (api.http.clone(), key.clone());
            let sample = closed_loop(concurrency, self.budget.limits, move |i| {
                let (http, endpoint, token) = (http.clone(), endpoint.clone(), token.clone());
                async move {
                    let lead = data.lead(start + i);
                    let body = post_bytes(
                        &http,
                        &endpoint,
                        &token,
                        gql_body(CAPTURE, json!({ "input": api::capture_input(&lead) })),
                    )
                    .await?;
                    anyhow::ensure!(!has_errors(&body), "{}", String::from_utf8_lossy(&body));
                    Ok(())
                }
            })
            .await;
            let request = gql_body(
                CAPTURE,
                json!({ "input": api::capture_input(&data.lead(start)) }),
            );
            let answer = post_bytes(
                &api.http,
                &api.url("/graphql"),
                &key,
                gql_body(
                    CAPTURE,
                    json!({ "input": api::capture_input(&data.lead(offset + 999_999)) }),
                ),
            )
            .await?;
            self.bare.answer_with(answer);
            let bare = self.bare_loop(concurrency, request).await;
            let raw = self
                .raw_insert(scratch, scratch_dir, data, start..start + sample.ok.max(1))
                .await?;
            let what = format!("capture via GraphQL leadCapture (API key), c={concurrency}");
            self.capture_rows(label, size, &what, &sample, &bare, raw);
            if label == "SQLite" && concurrency == 16 {
                self.report.target(
                    "captures on SQLite at c=16 (GraphQL)",
                    "≥ 2,000/s",
                    format_rate(sample.per_second()),
                    Some(sample.per_second() >= 2000.0),
                );
            }
            offset += 1_000_000;
        }
        Ok(())
    }

    fn capture_rows(
        &mut self,
        label: &str,
        size: u64,
        what: &str,
        sample: &Sample,
        bare: &Sample,
        raw: f64,
    ) {
        let errors = if sample.errors > 0 {
            format!(" ({} errors)", sample.errors)
        } else {
            String::new()
        };
        self.report.row(
            label,
            size,
            &format!("{what} — captures/s"),
            format!("{}{errors}", format_rate(sample.per_second())),
            format!(
                "raw batched INSERT of the same rows: {}; bare axum: {}",
                format_rate(raw),
                format_rate(bare.per_second())
            ),
            ratio(sample.per_second(), raw),
        );
        self.report.row(
            label,
            size,
            &format!("{what} — p50 / p99"),
            format!(
                "{} / {}",
                format_duration(sample.p50()),
                format_duration(sample.p99())
            ),
            format!(
                "bare axum: {} / {}",
                format_duration(bare.p50()),
                format_duration(bare.p99())
            ),
            ratio(sample.p99().as_secs_f64(), bare.p99().as_secs_f64()),
        );
    }

    /// Rows per second of a batched INSERT of leads `range` into the scratch copy.
    async fn raw_insert(
        &self,
        scratch: &DatabaseConnection,
        directory: &Directory,
        data: Dataset,
        range: std::ops::Range<u64>,
    ) -> Result<f64> {
        let loaded = store::insert_unlinked(scratch, directory, data, range).await?;
        Ok(per_second(loaded.leads, loaded.elapsed))
    }

    /// Capture → routed → a WebSocket subscriber has it, at a fixed 200 captures/s.
    async fn feed(
        &mut self,
        label: &str,
        size: u64,
        data: Dataset,
        server: &Server,
        api: &Api,
        admin: &str,
    ) -> Result<()> {
        const RATE: f64 = 200.0;
        let key = api.api_key(admin, &["CAPTURE"]).await?;
        let ws_url = format!("ws://{}/graphql/ws", server.addr);
        let mut socket = api::subscribe(
            &ws_url,
            admin,
            "subscription { assignmentEvents(scope: ALL) { lead { email } assignment { reason } } }",
        )
        .await?;
        let received: Arc<Mutex<std::collections::HashMap<String, Instant>>> = Arc::default();
        let reader = {
            let received = received.clone();
            tokio::spawn(async move {
                while let Ok(Some(message)) =
                    api::next_message(&mut socket, Duration::from_secs(30)).await
                {
                    let at = Instant::now();
                    if let Some(email) =
                        message["payload"]["data"]["assignmentEvents"]["lead"]["email"].as_str()
                    {
                        if let Ok(mut r) = received.lock() {
                            r.insert(email.to_string(), at);
                        }
                    }
                }
            })
        };
        let run = size;
        let email = move |i: u64| format!("feed{i}.r{run}@bench-feed.cn");
        let responses: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let limits = Limits {
            max_requests: (RATE * self.budget.feed_time.as_secs_f64()) as u64,
            max_time: self.budget.feed_time + Duration::from_secs(1),
        };
        let start = size + 10_000_000;
        let endpoint = api.url("/graphql");
        let (http, token, times) = (api.http.clone(), key.clone(), responses.clone());
        let (sent, errors) = open_loop(RATE, limits, move |i| {
            let (http, endpoint, token, times) =
                (http.clone(), endpoint.clone(), token.clone(), times.clone());
            async move {
                let mut lead = data.lead(start + i);
                lead.email = Some(email(i));
                lead.phone = None;
                lead.company = None;
                lead.province = ROUTED_PROVINCES[(i % ROUTED_PROVINCES.len() as u64) as usize];
                lead.city = lead.province;
                let at = Instant::now();
                let body = post_bytes(
                    &http,
                    &endpoint,
                    &token,
                    gql_body(CAPTURE, json!({ "input": api::capture_input(&lead) })),
                )
                .await?;
                anyhow::ensure!(!has_errors(&body), "{}", String::from_utf8_lossy(&body));
                if let Ok(mut t) = times.lock() {
                    t.push(at.elapsed());
                }
                Ok(())
            }
        })
        .await;
        // Stragglers get five seconds.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let got = received.lock().map(|r| r.len()).unwrap_or(0);
            if got >= sent.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        reader.abort();
        let received = received.lock().map(|r| r.clone()).unwrap_or_default();
        let mut latencies = Vec::new();
        for (i, at) in sent.iter().enumerate() {
            if let Some(got) = received.get(&email(i as u64)) {
                latencies.push(got.saturating_duration_since(*at));
            }
        }
        let missing = sent.len() as u64 - latencies.len() as u64;
        let elapsed = sent
            .last()
            .zip(sent.first())
            .map(|(l, f)| *l - *f)
            .unwrap_or_default();
        let sample = Sample::new(latencies, missing, elapsed);
        let responses = Sample::new(
            responses.lock().map(|r| r.clone()).unwrap_or_default(),
            errors,
            elapsed,
        );
        self.report.row(
            label,
            size,
            &format!(
                "capture → routed → subscriber (graphql-transport-ws) at {RATE:.0} captures/s, {} sent — p50 / p99",
                sent.len()
            ),
            format!(
                "{} / {}{}",
                format_duration(sample.p50()),
                format_duration(sample.p99()),
                if missing > 0 { format!(" ({missing} never arrived)") } else { String::new() }
            ),
            format!(
                "the capture's own HTTP response: {} / {}",
                format_duration(responses.p50()),
                format_duration(responses.p99())
            ),
            ratio(sample.p99().as_secs_f64(), responses.p99().as_secs_f64()),
        );
        if label == "SQLite" {
            self.report.target(
                "capture → subscriber at 200/s (SQLite)",
                "p99 < 50 ms",
                format!("p99 {}", format_duration(sample.p99())),
                Some(sample.p99() < Duration::from_millis(50) && missing == 0),
            );
        }
        Ok(())
    }

    /// CSV import through the upload endpoint and GraphQL, with dedup (MERGE).
    #[allow(clippy::too_many_arguments)]
    async fn import(
        &mut self,
        label: &str,
        size: u64,
        data: Dataset,
        api: &Api,
        admin: &str,
        scratch: &DatabaseConnection,
        scratch_dir: &Directory,
    ) -> Result<()> {
        let rows = self.budget.import_rows;
        let start = size + 20_000_000;
        let path = self.options.work.join(format!("import-{label}-{size}.csv"));
        let bytes = store::write_csv(&path, &data, start..start + rows)?;
        let file = std::fs::read(&path)?;
        let began = Instant::now();
        let response = api
            .http
            .post(api.url("/imports/upload"))
            .query(&[("fileName", "leads.csv")])
            .bearer_auth(admin)
            .body(file)
            .send()
            .await?;
        let status = response.status();
        let uploaded: Value = response.json().await?;
        anyhow::ensure!(status.as_u16() == 201, "upload: HTTP {status}: {uploaded}");
        let upload_id = uploaded["uploadId"]
            .as_str()
            .context("uploadId")?
            .to_string();
        let preview = api
            .gql(
                admin,
                "query($id: ID!) { importPreview(uploadId: $id) { suggestedMapping { column field } } }",
                json!({ "id": upload_id }),
            )
            .await?;
        let mapping = preview["importPreview"]["suggestedMapping"].clone();
        let started = api
            .gql(
                admin,
                "mutation($input: ImportStartInput!) { importStart(input: $input) { importJob { id } userErrors { field message } } }",
                json!({ "input": { "uploadId": upload_id, "mapping": mapping, "dedupPolicy": "MERGE" } }),
            )
            .await?;
        let job_id = started["importStart"]["importJob"]["id"]
            .as_str()
            .with_context(|| format!("import did not start: {started}"))?
            .to_string();
        let mut job;
        loop {
            job = api
                .gql(
                    admin,
                    "query($id: ID!) { importJob(id: $id) { status totalRows rowsDone rowsCreated rowsMerged rowsSkipped rowsFailed error } }",
                    json!({ "id": job_id }),
                )
                .await?["importJob"]
                .clone();
            if job["status"] == "DONE"
                || job["status"] == "FAILED"
                || began.elapsed() > self.budget.import_limit
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let elapsed = began.elapsed();
        let done = job["rowsDone"].as_u64().unwrap_or(0);
        let finished = job["status"] == "DONE";
        let rate = per_second(done, elapsed);
        let raw = self
            .raw_insert(scratch, scratch_dir, data, start..start + rows)
            .await?;
        self.report.row(
            label,
            size,
            &format!(
                "CSV import with dedup (MERGE), {} rows, {:.1} MB: upload → done",
                thousands(rows),
                bytes as f64 / 1e6
            ),
            format!(
                "{} in {}{}",
                format_rate(rate),
                format_duration(elapsed),
                if finished {
                    String::new()
                } else {
                    format!(" — stopped at the limit, status {}", job["status"])
                }
            ),
            format!("raw batched INSERT of the same rows: {}", format_rate(raw)),
            ratio(rate, raw),
        );
        self.report.note(format!(
            "{label} import: created {}, merged {}, skipped {}, failed {}",
            job["rowsCreated"], job["rowsMerged"], job["rowsSkipped"], job["rowsFailed"]
        ));
        if label == "SQLite" {
            let million = if rate > 0.0 {
                Duration::from_secs_f64(1e6 / rate)
            } else {
                Duration::MAX
            };
            self.report.target(
                "1M-row CSV import (SQLite)",
                "< 60 s",
                format!(
                    "{} extrapolated from {} rows at {}",
                    format_duration(million),
                    thousands(done),
                    format_rate(rate)
                ),
                Some(finished && million < Duration::from_secs(60)),
            );
        }
        Ok(())
    }

    /// Activating a changed scoring model re-scores every open lead; timed to the run's end.
    async fn rescore(
        &mut self,
        label: &str,
        size: u64,
        url: &str,
        api: &Api,
        admin: &str,
    ) -> Result<()> {
        let active = api
            .gql(admin, "{ activeScoringModel { definition } }", json!({}))
            .await?;
        let mut definition = active["activeScoringModel"]["definition"].clone();
        if let Some(points) = definition["fitRules"][0]["points"].as_i64() {
            definition["fitRules"][0]["points"] = json!(points + 1);
        }
        let saved = api
            .gql(
                admin,
                "mutation($input: ScoringModelSaveDraftInput!) { scoringModelSaveDraft(input: $input) { model { id } userErrors { field message } } }",
                json!({ "input": { "definition": definition } }),
            )
            .await?;
        let model = saved["scoringModelSaveDraft"]["model"]["id"]
            .as_str()
            .with_context(|| format!("saving a draft: {saved}"))?
            .to_string();
        let began = Instant::now();
        let activated = api
            .gql(
                admin,
                "mutation($id: ID!) { scoringModelActivate(input: { id: $id }) { run { id total } userErrors { field message } } }",
                json!({ "id": model }),
            )
            .await?;
        let run_id = activated["scoringModelActivate"]["run"]["id"]
            .as_str()
            .with_context(|| format!("activating: {activated}"))?
            .to_string();
        let mut run;
        loop {
            run = api
                .gql(
                    admin,
                    "query($id: ID!) { rescoreRun(id: $id) { status done total changed } }",
                    json!({ "id": run_id }),
                )
                .await?["rescoreRun"]
                .clone();
            if run["status"] != "RUNNING" || began.elapsed() > self.budget.rescore_limit {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let elapsed = began.elapsed();
        let total = run["total"].as_u64().unwrap_or(0);
        let done = run["done"].as_u64().unwrap_or(0);
        let finished = run["status"] == "DONE";

        // The same rows rewritten by one UPDATE.
        let db = store::connect(url).await?;
        let sql_began = Instant::now();
        db.execute_unprepared(&format!(
            "UPDATE leads SET total_score = fit_score + engagement_score WHERE merged_into IS NULL AND stage IN {OPEN_STAGES_SQL}"
        ))
        .await?;
        let sql = sql_began.elapsed();
        db.close().await?;
        self.report.row(
            label,
            size,
            &format!(
                "re-score all open leads after a model change ({} leads)",
                thousands(total)
            ),
            format!(
                "{} ({}){}",
                format_duration(elapsed),
                format_rate(per_second(done, elapsed)),
                if finished {
                    String::new()
                } else {
                    format!(" — {} at the limit, {done} done", run["status"])
                }
            ),
            format!("one SQL UPDATE of the same rows: {}", format_duration(sql)),
            ratio(elapsed.as_secs_f64(), sql.as_secs_f64()),
        );
        if label == "SQLite" && (size >= 1_000_000 || self.options.sizes.len() == 1) {
            let million = if done > 0 {
                elapsed.mul_f64(1e6 / done as f64)
            } else {
                Duration::MAX
            };
            self.report.target(
                "re-score 1M open leads (SQLite)",
                "< 10 s",
                if size >= 1_000_000 {
                    format!(
                        "{} for {} open leads",
                        format_duration(elapsed),
                        thousands(total)
                    )
                } else {
                    format!(
                        "{} extrapolated from {}",
                        format_duration(million),
                        thousands(done)
                    )
                },
                Some(finished && million < Duration::from_secs(10)),
            );
        }
        Ok(())
    }

    /// The SPA's wasm, gzipped as a CDN would send it.
    fn wasm_size(&mut self) -> Result<()> {
        let wasm = std::fs::read_dir(&self.options.dist)
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "wasm"));
        let Some(wasm) = wasm else {
            self.report.note(format!(
                "no wasm in {}: the SPA size was not measured",
                self.options.dist.display()
            ));
            self.report
                .target("SPA wasm, gzip", "< 700 KB", "not built".into(), None);
            return Ok(());
        };
        let raw = std::fs::metadata(&wasm)?.len();
        let gzipped = gzip_size(&wasm)?;
        self.report.row(
            "—",
            0,
            "SPA wasm size, gzip -9",
            format!("{:.0} KB", gzipped as f64 / 1000.0),
            format!("uncompressed {:.0} KB", raw as f64 / 1000.0),
            ratio(gzipped as f64, raw as f64),
        );
        self.report.target(
            "SPA wasm, gzip",
            "< 700 KB",
            format!("{:.0} KB", gzipped as f64 / 1000.0),
            Some(gzipped < 700_000),
        );
        Ok(())
    }

    /// Targets read off the rows recorded.
    fn targets(&mut self) {
        let mut cold = None;
        let mut peak: Option<f64> = None;
        for row in &self.report.rows {
            if row.db == "SQLite" && row.measurement == "cold start to /healthz" && cold.is_none() {
                cold = Some(row.figure.clone());
            }
            if row.measurement.starts_with("server RSS, peak") {
                let mib: f64 = row.figure.trim_end_matches(" MiB").parse().unwrap_or(0.0);
                peak = Some(peak.map_or(mib, |p: f64| p.max(mib)));
            }
        }
        let cold_ok = self
            .report
            .rows
            .iter()
            .find(|r| r.measurement == "cold start to /healthz" && r.db == "SQLite");
        self.report.target(
            "cold start to /healthz (SQLite, populated database)",
            "< 0.5 s",
            cold.clone().unwrap_or_else(|| "not measured".into()),
            cold_ok.map(|r| parse_seconds(&r.figure) < 0.5),
        );
        self.report.target(
            "server RSS under load (peak of the runs)",
            "< 150 MB",
            peak.map_or("not measured".into(), |p| format!("{p:.0} MiB")),
            peak.map(|p| p * 1.048_576 < 150.0),
        );
        if !self.report.targets.iter().any(|t| t.name == JOURNEY_TARGET) {
            self.report
                .target(JOURNEY_TARGET, "< 60 s", "not run on SQLite".into(), None);
        }
        // The slowest widget's median at the largest size measured; the target is
        // judged only at 1M leads.
        let widgets: Vec<&Row> = self
            .report
            .rows
            .iter()
            .filter(|r| r.measurement.starts_with("dashboard widget:"))
            .collect();
        let largest = widgets.iter().map(|r| r.leads).max();
        let slowest = widgets
            .iter()
            .filter(|r| Some(r.leads) == largest)
            .max_by(|a, b| parse_seconds(&a.figure).total_cmp(&parse_seconds(&b.figure)));
        let (measured, met) = match (largest, slowest) {
            (Some(leads), Some(row)) => {
                let name = row
                    .measurement
                    .trim_start_matches("dashboard widget: ")
                    .split(',')
                    .next()
                    .unwrap_or_default();
                let text = format!("slowest: {name} {} ({}, {leads} leads)", row.figure, row.db);
                if leads >= 1_000_000 {
                    (text, Some(parse_seconds(&row.figure) < 0.2))
                } else {
                    (format!("{text}; not run at 1M"), None)
                }
            }
            _ => ("not measured".into(), None),
        };
        self.report.target(
            "every dashboard widget at 1M leads",
            "< 200 ms median",
            measured,
            met,
        );
    }
}

/// `0.84 ms` / `1.25 s` back to seconds.
fn parse_seconds(text: &str) -> f64 {
    let mut parts = text.split_whitespace();
    let value: f64 = parts
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::MAX);
    match parts.next() {
        Some("ms") => value / 1000.0,
        _ => value,
    }
}

fn gzip_size(path: &Path) -> Result<u64> {
    let output = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .context("running gzip")?;
    anyhow::ensure!(output.status.success(), "gzip failed");
    Ok(output.stdout.len() as u64)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_back() {
        assert!((parse_seconds("0.84 ms") - 0.00084).abs() < 1e-12);
        assert_eq!(parse_seconds("1.25 s"), 1.25);
        assert!(has_errors(br#"{"errors":[{"message":"x"}]}"#));
        assert!(has_errors(
            br#"{"data":{"leadCapture":{"userErrors":[{"field":"x"}]}}}"#
        ));
        assert!(!has_errors(
            br#"{"data":{"leadCapture":{"userErrors":[]}}}"#
        ));
    }
}
