//! The dashboards' numbers: source and campaign ROI, the funnel, speed-to-lead, the
//! conversion cycle, the rep leaderboard, lost reasons, unit economics and trends.
//!
//! Every number is an aggregate computed by the database; no widget loads leads into
//! memory. Lead-based numbers count a cohort — the leads captured in `[from, to)` that
//! the viewer may see and the filter picks (see `leadflow_shared::analytics`). Funnel
//! progress is read from the first-arrival times kept on the lead (`mql_at` ...
//! `won_at`, written by [`stage_reached`] in the same transaction as every stage
//! change), so no widget scans the timeline.
//!
//! Medians are exact without sorting the cohort: a grouped histogram (one `GROUP BY`
//! over fixed edges) finds the bucket holding the middle rank, then one ordered read
//! inside that bucket (`ORDER BY … LIMIT 1 OFFSET k`) gives the value.
//!
//! SQL is written once for SQLite and PostgreSQL with bound values; only three small
//! expressions differ (elapsed seconds, local day, the PostgreSQL casts).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration as StdDuration;

use chrono::{DateTime, NaiveDate, Utc};
use leadflow_shared::analytics::{
    per_unit_minor, ratio, roi, AnalyticsFilter, AnalyticsWidget, CampaignRoiRow, ConversionCycle,
    CycleByCompanySize, CycleBySource, CycleStats, Funnel, FunnelStep, FunnelStepRow,
    LeaderboardRow, LostReasonRow, LostReasons, RoiMetrics, SlaRepRow, SlaTeamRow, SourceRoiRow,
    SpeedBucket, SpeedToLead, Trend, TrendPoint, UnitEconomics, COMPANY_SIZE_BANDS, FIVE_MINUTES,
    ONE_HOUR, SPEED_BUCKETS,
};
use leadflow_shared::money::format_minor_units;
use leadflow_shared::predict::CompanySize;
use leadflow_shared::{ActivityKind, Channel, LeadStage, Role, UserErrorCode};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryResult, Statement, TransactionTrait, Value,
};
use uuid::Uuid;

use super::leads::Visibility;
use crate::entity::{campaign, lead, team, user};
use crate::error::{DomainError, DomainResult, Invalid};

/// No dashboard query may run longer than this; PostgreSQL cancels it.
pub const STATEMENT_TIMEOUT: StdDuration = StdDuration::from_secs(15);

// ---------------------------------------------------------------------------------
// Keeping the funnel clock
// ---------------------------------------------------------------------------------

/// Records that a lead arrived at `stage` at `at`, inside the caller's transaction:
/// the first arrival at each funnel stage is kept; a win also keeps the amount of the
/// lead's won deals. Call it beside every `stage_changed` event.
pub(crate) async fn stage_reached(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
    stage: LeadStage,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    use sea_orm::sea_query::{Expr, Func};
    let column = match FunnelStep::of_stage(stage) {
        Some(FunnelStep::Mql) => lead::Column::MqlAt,
        Some(FunnelStep::Sql) => lead::Column::SqlAt,
        Some(FunnelStep::Opportunity) => lead::Column::OpportunityAt,
        Some(FunnelStep::Won) => lead::Column::WonAt,
        Some(FunnelStep::Lead) | None => return Ok(()),
    };
    let mut update = lead::Entity::update_many()
        .col_expr(
            column,
            Func::coalesce([Expr::col(column), Expr::value(at)]).into(),
        )
        .filter(lead::Column::Id.eq(lead_id));
    if stage == LeadStage::Customer {
        // sea-query's custom expressions take `$1` on PostgreSQL and `?` on SQLite.
        let (cast, placeholder) = if db.get_database_backend() == DbBackend::Postgres {
            ("CAST(SUM(o.amount_minor) AS BIGINT)", "$1")
        } else {
            ("SUM(o.amount_minor)", "?")
        };
        update = update.col_expr(
            lead::Column::WonAmountMinor,
            Expr::cust_with_values(
                format!(
                    "(SELECT {cast} FROM opportunities o JOIN pipeline_stages s \
                     ON s.id = o.stage_id WHERE o.lead_id = {placeholder} AND s.kind = 'won')"
                ),
                [lead_id],
            ),
        );
    }
    update.exec(db).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// Who sees what, and the checked filter
// ---------------------------------------------------------------------------------

/// Whose leads a dashboard counts. Unlike the lead list, reps and managers do not see
/// pool leads here: "my numbers" are the leads they own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Owners(Vec<Uuid>),
}

impl Scope {
    pub async fn for_user(
        db: &DatabaseConnection,
        user_id: Uuid,
        role: Role,
    ) -> DomainResult<Scope> {
        Ok(match Visibility::for_user(db, user_id, role).await? {
            Visibility::All => Scope::All,
            Visibility::OwnersAndPool(owners) => Scope::Owners(owners),
        })
    }

    fn allows(&self, owner: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Owners(owners) => owners.contains(&owner),
        }
    }
}

/// A dashboard filter checked against the database: ids exist and are within the
/// viewer's scope.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub filter: AnalyticsFilter,
    scope: Scope,
    owner_id: Option<Uuid>,
    /// The team's members, when filtered by team.
    team_members: Option<Vec<Uuid>>,
    campaign_id: Option<Uuid>,
}

fn not_found(field: &'static str, what: &str) -> Invalid {
    Invalid::new(
        field,
        UserErrorCode::NotFound,
        format!("{what} not found; pick one from the list"),
    )
}

/// Checks a filter: the range and bucket rules, then the team, owner and campaign.
pub async fn dashboard(
    db: &DatabaseConnection,
    scope: Scope,
    filter: AnalyticsFilter,
) -> DomainResult<Dashboard> {
    let mut problems: Vec<Invalid> = filter
        .validate()
        .into_iter()
        .map(|p| Invalid::new(p.field, p.code, p.message))
        .collect();
    let id = |raw: &Option<String>| -> Result<Option<Uuid>, ()> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => Uuid::parse_str(s).map(Some).map_err(|_| ()),
        }
    };
    let owner_id = match id(&filter.owner_id) {
        Ok(Some(owner)) => {
            let known = user::Entity::find_by_id(owner).one(db).await?.is_some();
            if known && scope.allows(owner) {
                Some(owner)
            } else {
                problems.push(not_found("ownerId", "owner"));
                None
            }
        }
        Ok(None) => None,
        Err(()) => {
            problems.push(not_found("ownerId", "owner"));
            None
        }
    };
    let team_members = match id(&filter.team_id) {
        Ok(Some(team_id)) => {
            let exists = team::Entity::find_by_id(team_id).one(db).await?.is_some();
            let members: Vec<Uuid> = if exists {
                user::Entity::find()
                    .filter(user::Column::TeamId.eq(team_id))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect()
            } else {
                Vec::new()
            };
            let visible = match &scope {
                Scope::All => true,
                Scope::Owners(_) => members.iter().any(|m| scope.allows(*m)),
            };
            if exists && visible {
                Some(members)
            } else {
                problems.push(not_found("teamId", "team"));
                None
            }
        }
        Ok(None) => None,
        Err(()) => {
            problems.push(not_found("teamId", "team"));
            None
        }
    };
    let campaign_id = match id(&filter.campaign_id) {
        Ok(Some(c)) => {
            if campaign::Entity::find_by_id(c).one(db).await?.is_some() {
                Some(c)
            } else {
                problems.push(not_found("campaignId", "campaign"));
                None
            }
        }
        Ok(None) => None,
        Err(()) => {
            problems.push(not_found("campaignId", "campaign"));
            None
        }
    };
    if !problems.is_empty() {
        return Err(DomainError::Invalid(problems));
    }
    Ok(Dashboard {
        filter,
        scope,
        owner_id,
        team_members,
        campaign_id,
    })
}

// ---------------------------------------------------------------------------------
// SQL building
// ---------------------------------------------------------------------------------

/// A statement being written, with its bound values; `?` or `$n` as the database wants.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DbBackend) -> Sql {
        Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn bind(&mut self, v: impl Into<Value>) -> &mut Self {
        self.values.push(v.into());
        if self.backend == DbBackend::Postgres {
            let n = self.values.len();
            self.text.push_str(&format!("${n}"));
        } else {
            self.text.push('?');
        }
        self
    }

    fn bind_list(&mut self, ids: &[Uuid]) -> &mut Self {
        if ids.is_empty() {
            return self.push("(NULL)");
        }
        self.push("(");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(*id);
        }
        self.push(")")
    }

    fn statement(&self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text.clone(), self.values.clone())
    }
}

/// Seconds from `a` to `b` (timestamps), to the millisecond.
fn seconds_between(backend: DbBackend, a: &str, b: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(ROUND(EXTRACT(EPOCH FROM ({b} - {a})), 3) AS DOUBLE PRECISION)")
        }
        _ => format!("ROUND((julianday({b}) - julianday({a})) * 86400.0, 3)"),
    }
}

/// The local calendar day (`YYYY-MM-DD`) of a timestamp column.
fn local_day(backend: DbBackend, col: &str, offset_minutes: i32) -> String {
    match backend {
        DbBackend::Postgres => format!(
            "to_char(({col} AT TIME ZONE 'UTC') + INTERVAL '{offset_minutes} minutes', 'YYYY-MM-DD')"
        ),
        _ => format!("date({col}, '{offset_minutes:+} minutes')"),
    }
}

/// `SUM(x)` as a 64-bit integer on both databases (PostgreSQL sums bigints to numeric).
fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

fn count_if(cond: &str) -> String {
    sum(&format!("CASE WHEN {cond} THEN 1 ELSE 0 END"))
}

const REACHED_MQL: &str = "COALESCE(l.mql_at, l.sql_at, l.opportunity_at, l.won_at) IS NOT NULL";
const REACHED_SQL: &str = "COALESCE(l.sql_at, l.opportunity_at, l.won_at) IS NOT NULL";
const REACHED_OPPORTUNITY: &str = "COALESCE(l.opportunity_at, l.won_at) IS NOT NULL";
const REACHED_WON: &str = "l.won_at IS NOT NULL";

/// The funnel counts and won amount, as select-list items, in this order: leads, mqls,
/// sqls, opportunities, won, won amount.
fn funnel_columns() -> String {
    [
        "COUNT(*)".to_string(),
        count_if(REACHED_MQL),
        count_if(REACHED_SQL),
        count_if(REACHED_OPPORTUNITY),
        count_if(REACHED_WON),
        sum(&format!(
            "CASE WHEN {REACHED_WON} THEN l.won_amount_minor ELSE 0 END"
        )),
    ]
    .join(", ")
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    leads: i64,
    mqls: i64,
    sqls: i64,
    opportunities: i64,
    won: i64,
    won_amount: i64,
}

impl Counts {
    fn read(row: &QueryResult, first: usize) -> DomainResult<Counts> {
        Ok(Counts {
            leads: row.try_get_by_index(first)?,
            mqls: row.try_get_by_index(first + 1)?,
            sqls: row.try_get_by_index(first + 2)?,
            opportunities: row.try_get_by_index(first + 3)?,
            won: row.try_get_by_index(first + 4)?,
            won_amount: row.try_get_by_index(first + 5)?,
        })
    }

    fn add(&mut self, o: &Counts) {
        self.leads += o.leads;
        self.mqls += o.mqls;
        self.sqls += o.sqls;
        self.opportunities += o.opportunities;
        self.won += o.won;
        self.won_amount += o.won_amount;
    }

    fn metrics(&self, cost: i64) -> RoiMetrics {
        RoiMetrics {
            leads: self.leads,
            mqls: self.mqls,
            sqls: self.sqls,
            opportunities: self.opportunities,
            won: self.won,
            won_amount: format_minor_units(self.won_amount),
            mql_rate: ratio(self.mqls, self.leads),
            sql_rate: ratio(self.sqls, self.leads),
            opportunity_rate: ratio(self.opportunities, self.leads),
            win_rate: ratio(self.won, self.leads),
            cost: format_minor_units(cost),
            cost_per_lead: (cost > 0)
                .then(|| per_unit_minor(cost, self.leads))
                .flatten()
                .map(format_minor_units),
            roi: roi(self.won_amount, cost),
        }
    }
}

/// The dashboard's statements run in one read transaction with a time limit.
pub struct Reader {
    txn: DatabaseTransaction,
    backend: DbBackend,
}

impl Reader {
    pub async fn open(db: &DatabaseConnection) -> DomainResult<Reader> {
        let backend = db.get_database_backend();
        let txn = db.begin().await?;
        if backend == DbBackend::Postgres {
            txn.execute_unprepared(&format!(
                "SET LOCAL statement_timeout = {}",
                STATEMENT_TIMEOUT.as_millis()
            ))
            .await?;
        }
        Ok(Reader { txn, backend })
    }

    pub async fn close(self) -> DomainResult<()> {
        self.txn.commit().await?;
        Ok(())
    }

    fn sql(&self) -> Sql {
        Sql::new(self.backend)
    }

    async fn all(&self, sql: &Sql) -> DomainResult<Vec<QueryResult>> {
        Ok(self.txn.query_all_raw(sql.statement()).await?)
    }
}

impl Dashboard {
    /// Appends ` WHERE …` selecting the cohort from `leads l`.
    fn cohort(&self, sql: &mut Sql) {
        sql.push(" WHERE l.merged_into IS NULL AND l.created_at >= ")
            .bind(self.filter.from)
            .push(" AND l.created_at < ")
            .bind(self.filter.to);
        if let Scope::Owners(owners) = &self.scope {
            sql.push(" AND l.owner_id IN ").bind_list(owners);
        }
        if let Some(members) = &self.team_members {
            sql.push(" AND l.owner_id IN ").bind_list(members);
        }
        if let Some(owner) = self.owner_id {
            sql.push(" AND l.owner_id = ").bind(owner);
        }
        if let Some(source) = self.filter.source {
            sql.push(" AND l.source = ").bind(source.as_str());
        }
        if let Some(c) = self.campaign_id {
            sql.push(" AND l.campaign_id = ").bind(c);
        }
    }

    /// The exact median of `expr` over the cohort rows meeting `cond`.
    async fn median(&self, r: &Reader, expr: &str, cond: &str) -> DomainResult<Option<f64>> {
        // Edges in seconds: minutes to a year, fine enough that the ordered read inside
        // one bucket is small.
        const EDGES: [f64; 16] = [
            60.0,
            300.0,
            900.0,
            1800.0,
            3600.0,
            14_400.0,
            43_200.0,
            86_400.0,
            259_200.0,
            604_800.0,
            1_209_600.0,
            2_592_000.0,
            5_184_000.0,
            7_776_000.0,
            15_552_000.0,
            31_536_000.0,
        ];
        let mut case = String::from("CASE");
        for (i, e) in EDGES.iter().enumerate() {
            case.push_str(&format!(" WHEN {expr} < {e:.1} THEN {i}"));
        }
        case.push_str(&format!(" ELSE {} END", EDGES.len()));
        let mut sql = r.sql();
        sql.push(&format!(
            "SELECT CAST({case} AS BIGINT) AS k, COUNT(*) FROM leads l"
        ));
        self.cohort(&mut sql);
        sql.push(&format!(" AND {cond} GROUP BY 1"));
        let mut histogram: BTreeMap<i64, i64> = BTreeMap::new();
        for row in r.all(&sql).await? {
            let k: i64 = row.try_get_by_index(0)?;
            let n: i64 = row.try_get_by_index(1)?;
            histogram.insert(k, n);
        }
        let total: i64 = histogram.values().sum();
        if total == 0 {
            return Ok(None);
        }
        let ranks = if total % 2 == 1 {
            vec![total / 2]
        } else {
            vec![total / 2 - 1, total / 2]
        };
        let mut values = Vec::new();
        for rank in ranks {
            let mut before = 0;
            let mut bucket = 0;
            for (k, n) in &histogram {
                if rank < before + n {
                    bucket = *k;
                    break;
                }
                before += n;
            }
            let idx = usize::try_from(bucket).unwrap_or(0);
            let mut sql = r.sql();
            sql.push(&format!("SELECT {expr} FROM leads l"));
            self.cohort(&mut sql);
            sql.push(&format!(" AND {cond}"));
            if idx > 0 {
                sql.push(&format!(" AND {expr} >= {:.1}", EDGES[idx - 1]));
            }
            if let Some(hi) = EDGES.get(idx) {
                sql.push(&format!(" AND {expr} < {hi:.1}"));
            }
            sql.push(&format!(" ORDER BY 1 LIMIT 1 OFFSET {}", rank - before));
            let rows = r.all(&sql).await?;
            if let Some(row) = rows.first() {
                values.push(row.try_get_by_index::<f64>(0)?);
            }
        }
        Ok((!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64))
    }

    // -----------------------------------------------------------------------------
    // Source and campaign ROI, unit economics
    // -----------------------------------------------------------------------------

    /// Counts per (source, campaign) cell and the cost attributed to each cell.
    async fn roi_cells(&self, r: &Reader) -> DomainResult<RoiCells> {
        let mut sql = r.sql();
        sql.push(&format!(
            "SELECT l.source, l.campaign_id, {} FROM leads l",
            funnel_columns()
        ));
        self.cohort(&mut sql);
        sql.push(" GROUP BY l.source, l.campaign_id");
        let mut cells = Vec::new();
        for row in r.all(&sql).await? {
            let source: String = row.try_get_by_index(0)?;
            let campaign: Option<Uuid> = row.try_get_by_index(1)?;
            cells.push((
                Channel::parse(&source).unwrap_or(Channel::Other),
                campaign,
                Counts::read(&row, 2)?,
                0i64,
            ));
        }
        let ids: Vec<Uuid> = cells
            .iter()
            .filter_map(|c| c.1)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut campaigns: HashMap<Uuid, (campaign::Model, i64)> = HashMap::new();
        if !ids.is_empty() {
            let mut sql = r.sql();
            sql.push(
                "SELECT l.campaign_id, COUNT(*) FROM leads l \
                 WHERE l.merged_into IS NULL AND l.campaign_id IN ",
            )
            .bind_list(&ids)
            .push(" GROUP BY l.campaign_id");
            let totals: HashMap<Uuid, i64> = r
                .all(&sql)
                .await?
                .iter()
                .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
                .collect::<DomainResult<_>>()?;
            for c in campaign::Entity::find()
                .filter(campaign::Column::Id.is_in(ids))
                .all(&r.txn)
                .await?
            {
                let total = totals.get(&c.id).copied().unwrap_or(0);
                campaigns.insert(c.id, (c, total));
            }
        }
        for cell in &mut cells {
            if let Some((c, total)) = cell.1.and_then(|id| campaigns.get(&id)) {
                // cost × cell leads ÷ campaign leads, rounded to the fen.
                cell.3 = if *total > 0 {
                    let num = i128::from(c.cost_cents) * i128::from(cell.2.leads);
                    let den = i128::from(*total);
                    i64::try_from((2 * num + den) / (2 * den)).unwrap_or(i64::MAX)
                } else {
                    0
                };
            }
        }
        Ok(RoiCells { cells, campaigns })
    }

    pub async fn source_roi(&self, r: &Reader) -> DomainResult<Vec<SourceRoiRow>> {
        let cells = self.roi_cells(r).await?;
        let mut by_source: HashMap<Channel, (Counts, i64)> = HashMap::new();
        for (source, _, counts, cost) in &cells.cells {
            let e = by_source.entry(*source).or_default();
            e.0.add(counts);
            e.1 += cost;
        }
        let mut rows: Vec<SourceRoiRow> = by_source
            .into_iter()
            .map(|(source, (counts, cost))| SourceRoiRow {
                source,
                metrics: counts.metrics(cost),
            })
            .collect();
        rows.sort_by(|a, b| {
            b.metrics
                .leads
                .cmp(&a.metrics.leads)
                .then(a.source.as_str().cmp(b.source.as_str()))
        });
        Ok(rows)
    }

    pub async fn campaign_roi(&self, r: &Reader) -> DomainResult<Vec<CampaignRoiRow>> {
        let cells = self.roi_cells(r).await?;
        let mut by_campaign: HashMap<Uuid, (Counts, i64)> = HashMap::new();
        for (_, campaign, counts, cost) in &cells.cells {
            if let Some(id) = campaign {
                let e = by_campaign.entry(*id).or_default();
                e.0.add(counts);
                e.1 += cost;
            }
        }
        let mut rows: Vec<CampaignRoiRow> = by_campaign
            .into_iter()
            .filter_map(|(id, (counts, cost))| {
                let (c, total) = cells.campaigns.get(&id)?;
                Some(CampaignRoiRow {
                    campaign_id: id.to_string(),
                    name: c.name.clone(),
                    channel: Channel::parse(&c.channel).unwrap_or(Channel::Other),
                    total_cost: format_minor_units(c.cost_cents),
                    total_leads: *total,
                    metrics: counts.metrics(cost),
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            b.metrics
                .leads
                .cmp(&a.metrics.leads)
                .then(a.name.cmp(&b.name))
        });
        Ok(rows)
    }

    pub async fn unit_economics(&self, r: &Reader) -> DomainResult<UnitEconomics> {
        let cells = self.roi_cells(r).await?;
        let mut total = Counts::default();
        let mut cost = 0;
        for (_, _, counts, c) in &cells.cells {
            total.add(counts);
            cost += c;
        }
        let cac = per_unit_minor(cost, total.won);
        let ltv = per_unit_minor(total.won_amount, total.won);
        Ok(UnitEconomics {
            marketing_cost: format_minor_units(cost),
            new_customers: total.won,
            won_amount: format_minor_units(total.won_amount),
            cac: cac.map(format_minor_units),
            ltv: ltv.map(format_minor_units),
            ltv_to_cac: match (ltv, cac) {
                (Some(l), Some(c)) if c > 0 => Some(l as f64 / c as f64),
                _ => None,
            },
        })
    }

    // -----------------------------------------------------------------------------
    // Funnel
    // -----------------------------------------------------------------------------

    pub async fn funnel(&self, r: &Reader) -> DomainResult<Funnel> {
        let mut sql = r.sql();
        sql.push(&format!("SELECT {} FROM leads l", funnel_columns()));
        self.cohort(&mut sql);
        let rows = r.all(&sql).await?;
        let counts = match rows.first() {
            Some(row) => Counts::read(row, 0)?,
            None => Counts::default(),
        };
        let b = r.backend;
        // (step, count, from, to) — time in a step runs from reaching it to reaching the next.
        let steps = [
            (
                FunnelStep::Lead,
                counts.leads,
                Some(("l.created_at", "COALESCE(l.mql_at, l.sql_at)")),
            ),
            (FunnelStep::Mql, counts.mqls, Some(("l.mql_at", "l.sql_at"))),
            (
                FunnelStep::Sql,
                counts.sqls,
                Some(("l.sql_at", "l.opportunity_at")),
            ),
            (
                FunnelStep::Opportunity,
                counts.opportunities,
                Some(("l.opportunity_at", "l.won_at")),
            ),
            (FunnelStep::Won, counts.won, None),
        ];
        let mut out = Vec::new();
        let mut previous: Option<i64> = None;
        for (step, count, span) in steps {
            let (median, timed) = match span {
                Some((a, z)) => {
                    let e = seconds_between(b, a, z);
                    let cond = format!("{a} IS NOT NULL AND {z} IS NOT NULL AND {e} >= 0");
                    let mut sql = r.sql();
                    sql.push("SELECT COUNT(*) FROM leads l");
                    self.cohort(&mut sql);
                    sql.push(&format!(" AND {cond}"));
                    let timed: i64 = match r.all(&sql).await?.first() {
                        Some(row) => row.try_get_by_index(0)?,
                        None => 0,
                    };
                    let median = if timed > 0 {
                        self.median(r, &e, &cond).await?
                    } else {
                        None
                    };
                    (median, timed)
                }
                None => (None, 0),
            };
            out.push(FunnelStepRow {
                step,
                count,
                conversion_from_previous: previous.and_then(|p| ratio(count, p)),
                conversion_from_start: ratio(count, counts.leads),
                median_seconds_in_step: median,
                timed_leads: timed,
            });
            previous = Some(count);
        }
        Ok(Funnel { steps: out })
    }

    // -----------------------------------------------------------------------------
    // Speed to lead and SLA breaches
    // -----------------------------------------------------------------------------

    pub async fn speed_to_lead(&self, r: &Reader) -> DomainResult<SpeedToLead> {
        let e = seconds_between(r.backend, "l.created_at", "l.first_contacted_at");
        let contacted = "l.first_contacted_at IS NOT NULL";
        let mut cols = vec!["COUNT(*)".to_string(), count_if(contacted)];
        for bucket in SPEED_BUCKETS {
            let mut cond = contacted.to_string();
            if bucket.min_seconds > 0 {
                cond.push_str(&format!(" AND {e} >= {}", bucket.min_seconds));
            }
            if let Some(max) = bucket.max_seconds {
                cond.push_str(&format!(" AND {e} < {max}"));
            }
            cols.push(count_if(&cond));
        }
        let mut sql = r.sql();
        sql.push(&format!("SELECT {} FROM leads l", cols.join(", ")));
        self.cohort(&mut sql);
        let rows = r.all(&sql).await?;
        let row = rows.first();
        let get = |i: usize| -> DomainResult<i64> {
            Ok(match row {
                Some(row) => row.try_get_by_index(i)?,
                None => 0,
            })
        };
        let leads = get(0)?;
        let contacted_n = get(1)?;
        let mut buckets = Vec::new();
        let (mut within_five, mut within_hour) = (0, 0);
        for (i, def) in SPEED_BUCKETS.iter().enumerate() {
            let count = get(2 + i)?;
            if def.max_seconds.is_some_and(|m| m <= FIVE_MINUTES) {
                within_five += count;
            }
            if def.max_seconds.is_some_and(|m| m <= ONE_HOUR) {
                within_hour += count;
            }
            buckets.push(SpeedBucket {
                label: def.label.to_string(),
                min_seconds: def.min_seconds,
                max_seconds: def.max_seconds,
                count,
            });
        }
        let median = self.median(r, &e, contacted).await?;
        let (by_rep, by_team) = self.sla_breaches(r).await?;
        Ok(SpeedToLead {
            leads,
            contacted: contacted_n,
            median_seconds: median,
            within_five_minutes: within_five,
            within_one_hour: within_hour,
            within_five_minutes_rate: ratio(within_five, contacted_n),
            within_one_hour_rate: ratio(within_hour, contacted_n),
            buckets,
            breaches_by_rep: by_rep,
            breaches_by_team: by_team,
        })
    }

    pub async fn sla_breaches(
        &self,
        r: &Reader,
    ) -> DomainResult<(Vec<SlaRepRow>, Vec<SlaTeamRow>)> {
        let breached = "s.state IN ('reminded', 'escalated', 'recycled') \
                        OR (s.state = 'met' AND s.met_at > s.remind_at)";
        let mut sql = r.sql();
        sql.push(&format!(
            "SELECT s.owner_id, COUNT(*), {} FROM lead_slas s JOIN leads l ON l.id = s.lead_id",
            count_if(breached)
        ));
        self.cohort(&mut sql);
        sql.push(" GROUP BY s.owner_id");
        let mut per_owner: Vec<(Uuid, i64, i64)> = Vec::new();
        for row in r.all(&sql).await? {
            per_owner.push((
                row.try_get_by_index(0)?,
                row.try_get_by_index(1)?,
                row.try_get_by_index(2)?,
            ));
        }
        let people = People::load(r, per_owner.iter().map(|p| p.0)).await?;
        let mut reps: Vec<SlaRepRow> = per_owner
            .iter()
            .map(|(owner, clocks, breached)| {
                let (name, team_id, team_name) = people.describe(*owner);
                SlaRepRow {
                    owner_id: owner.to_string(),
                    owner_name: name,
                    team_id: team_id.map(|t| t.to_string()),
                    team_name,
                    clocks: *clocks,
                    breached: *breached,
                    breach_rate: ratio(*breached, *clocks),
                }
            })
            .collect();
        reps.sort_by(|a, b| {
            b.breached
                .cmp(&a.breached)
                .then(a.owner_name.cmp(&b.owner_name))
                .then(a.owner_id.cmp(&b.owner_id))
        });
        let mut teams: BTreeMap<Option<String>, SlaTeamRow> = BTreeMap::new();
        for rep in &reps {
            let t = teams
                .entry(rep.team_id.clone())
                .or_insert_with(|| SlaTeamRow {
                    team_id: rep.team_id.clone(),
                    team_name: rep.team_name.clone(),
                    clocks: 0,
                    breached: 0,
                    breach_rate: None,
                });
            t.clocks += rep.clocks;
            t.breached += rep.breached;
        }
        let mut teams: Vec<SlaTeamRow> = teams
            .into_values()
            .map(|mut t| {
                t.breach_rate = ratio(t.breached, t.clocks);
                t
            })
            .collect();
        teams.sort_by(|a, b| {
            b.breached
                .cmp(&a.breached)
                .then(a.team_name.cmp(&b.team_name))
        });
        Ok((reps, teams))
    }

    // -----------------------------------------------------------------------------
    // Conversion cycle
    // -----------------------------------------------------------------------------

    async fn cycle_stats(&self, r: &Reader, extra: &str) -> DomainResult<CycleStats> {
        let e = seconds_between(r.backend, "l.created_at", "l.won_at");
        let cond = format!("l.won_at IS NOT NULL{extra}");
        let mut sql = r.sql();
        sql.push(&format!("SELECT COUNT(*), AVG({e}) FROM leads l"));
        self.cohort(&mut sql);
        sql.push(&format!(" AND {cond}"));
        let rows = r.all(&sql).await?;
        let (won, avg): (i64, Option<f64>) = match rows.first() {
            Some(row) => (row.try_get_by_index(0)?, row.try_get_by_index(1)?),
            None => (0, None),
        };
        let median = if won > 0 {
            self.median(r, &e, &cond).await?
        } else {
            None
        };
        Ok(CycleStats {
            won,
            average_days: avg.filter(|_| won > 0).map(|s| s / 86_400.0),
            median_days: median.map(|s| s / 86_400.0),
        })
    }

    pub async fn conversion_cycle(&self, r: &Reader) -> DomainResult<ConversionCycle> {
        let overall = self.cycle_stats(r, "").await?;
        // Which groups have wins: one grouped count, then stats for those only.
        let size_case = size_band_case();
        let mut sql = r.sql();
        sql.push(&format!(
            "SELECT l.source, CAST({size_case} AS BIGINT), COUNT(*) FROM leads l"
        ));
        self.cohort(&mut sql);
        sql.push(" AND l.won_at IS NOT NULL GROUP BY 1, 2");
        let mut sources: Vec<Channel> = Vec::new();
        let mut bands: Vec<usize> = Vec::new();
        for row in r.all(&sql).await? {
            let source: String = row.try_get_by_index(0)?;
            let band: i64 = row.try_get_by_index(1)?;
            if let Some(c) = Channel::parse(&source) {
                if !sources.contains(&c) {
                    sources.push(c);
                }
            }
            let band = usize::try_from(band).unwrap_or(COMPANY_SIZE_BANDS.len());
            if !bands.contains(&band) {
                bands.push(band);
            }
        }
        sources.sort_by_key(|s| Channel::ALL.iter().position(|x| x == s));
        bands.sort_unstable();
        let mut by_source = Vec::new();
        for source in sources {
            // The channel name is one of ours, never user text.
            let stats = self
                .cycle_stats(r, &format!(" AND l.source = '{}'", source.as_str()))
                .await?;
            by_source.push(CycleBySource { source, stats });
        }
        let mut by_company_size = Vec::new();
        for band in bands {
            let stats = self
                .cycle_stats(r, &format!(" AND {size_case} = {band}"))
                .await?;
            let name = COMPANY_SIZE_BANDS
                .get(band)
                .map(|b| b.0)
                .unwrap_or(CompanySize::Unknown);
            by_company_size.push(CycleByCompanySize {
                company_size: name.as_str().to_string(),
                stats,
            });
        }
        Ok(ConversionCycle {
            overall,
            by_source,
            by_company_size,
        })
    }

    // -----------------------------------------------------------------------------
    // Leaderboard
    // -----------------------------------------------------------------------------

    pub async fn leaderboard(&self, r: &Reader) -> DomainResult<Vec<LeaderboardRow>> {
        let e = seconds_between(r.backend, "l.created_at", "l.first_contacted_at");
        let mut sql = r.sql();
        sql.push(&format!(
            "SELECT l.owner_id, COUNT(*), {}, {}, {}, \
             AVG(CASE WHEN l.first_contacted_at IS NOT NULL THEN {e} END) FROM leads l",
            count_if("l.first_contacted_at IS NOT NULL"),
            count_if(REACHED_WON),
            sum(&format!(
                "CASE WHEN {REACHED_WON} THEN l.won_amount_minor ELSE 0 END"
            )),
        ));
        self.cohort(&mut sql);
        sql.push(" AND l.owner_id IS NOT NULL GROUP BY l.owner_id");
        let mut rows: BTreeMap<Uuid, LeaderboardRow> = BTreeMap::new();
        let mut amounts: HashMap<Uuid, i64> = HashMap::new();
        for row in r.all(&sql).await? {
            let owner: Uuid = row.try_get_by_index(0)?;
            let leads: i64 = row.try_get_by_index(1)?;
            let won: i64 = row.try_get_by_index(3)?;
            let amount: i64 = row.try_get_by_index(4)?;
            amounts.insert(owner, amount);
            rows.insert(
                owner,
                LeaderboardRow {
                    owner_id: owner.to_string(),
                    owner_name: String::new(),
                    team_id: None,
                    team_name: None,
                    leads,
                    contacted: row.try_get_by_index(2)?,
                    won,
                    won_amount: format_minor_units(amount),
                    conversion_rate: ratio(won, leads),
                    average_response_seconds: row.try_get_by_index(5)?,
                    calls: 0,
                    emails: 0,
                    visits: 0,
                    notes: 0,
                },
            );
        }
        for (actor, kind, n) in self.activities(r).await? {
            let row = rows.entry(actor).or_insert_with(|| LeaderboardRow {
                owner_id: actor.to_string(),
                owner_name: String::new(),
                team_id: None,
                team_name: None,
                leads: 0,
                contacted: 0,
                won: 0,
                won_amount: format_minor_units(0),
                conversion_rate: None,
                average_response_seconds: None,
                calls: 0,
                emails: 0,
                visits: 0,
                notes: 0,
            });
            match kind {
                ActivityKind::Call => row.calls += n,
                ActivityKind::Email => row.emails += n,
                ActivityKind::Visit => row.visits += n,
                ActivityKind::Note => row.notes += n,
            }
        }
        let people = People::load(r, rows.keys().copied()).await?;
        let mut out: Vec<LeaderboardRow> = rows
            .into_iter()
            .map(|(id, mut row)| {
                let (name, team_id, team_name) = people.describe(id);
                row.owner_name = name;
                row.team_id = team_id.map(|t| t.to_string());
                row.team_name = team_name;
                row
            })
            .collect();
        out.sort_by(|a, b| {
            let amount = |r: &LeaderboardRow| {
                Uuid::parse_str(&r.owner_id)
                    .ok()
                    .and_then(|id| amounts.get(&id).copied())
                    .unwrap_or(0)
            };
            amount(b)
                .cmp(&amount(a))
                .then(b.won.cmp(&a.won))
                .then(a.owner_name.cmp(&b.owner_name))
                .then(a.owner_id.cmp(&b.owner_id))
        });
        Ok(out)
    }

    /// Activities logged within the range, per actor and kind. Owner, team and scope
    /// filters name the actor; source and campaign filters the lead.
    async fn activities(&self, r: &Reader) -> DomainResult<Vec<(Uuid, ActivityKind, i64)>> {
        let mut sql = r.sql();
        let join_lead = self.filter.source.is_some() || self.campaign_id.is_some();
        sql.push("SELECT e.actor_user_id, e.kind, COUNT(*) FROM lead_events e");
        if join_lead {
            sql.push(" JOIN leads l ON l.id = e.lead_id");
        }
        sql.push(" WHERE e.actor_user_id IS NOT NULL AND e.occurred_at >= ")
            .bind(self.filter.from)
            .push(" AND e.occurred_at < ")
            .bind(self.filter.to)
            .push(" AND e.kind IN (");
        for (i, k) in ActivityKind::ALL.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(k.as_str());
        }
        sql.push(")");
        if let Scope::Owners(owners) = &self.scope {
            sql.push(" AND e.actor_user_id IN ").bind_list(owners);
        }
        if let Some(members) = &self.team_members {
            sql.push(" AND e.actor_user_id IN ").bind_list(members);
        }
        if let Some(owner) = self.owner_id {
            sql.push(" AND e.actor_user_id = ").bind(owner);
        }
        if let Some(source) = self.filter.source {
            sql.push(" AND l.source = ").bind(source.as_str());
        }
        if let Some(c) = self.campaign_id {
            sql.push(" AND l.campaign_id = ").bind(c);
        }
        sql.push(" GROUP BY e.actor_user_id, e.kind");
        let mut out = Vec::new();
        for row in r.all(&sql).await? {
            let kind: String = row.try_get_by_index(1)?;
            if let Some(kind) = ActivityKind::ALL.into_iter().find(|k| k.as_str() == kind) {
                out.push((row.try_get_by_index(0)?, kind, row.try_get_by_index(2)?));
            }
        }
        Ok(out)
    }

    // -----------------------------------------------------------------------------
    // Lost reasons and trends
    // -----------------------------------------------------------------------------

    pub async fn lost_reasons(&self, r: &Reader) -> DomainResult<LostReasons> {
        let mut sql = r.sql();
        sql.push("SELECT COALESCE(l.lost_reason, ''), COUNT(*) FROM leads l");
        self.cohort(&mut sql);
        sql.push(" AND l.stage = ")
            .bind(LeadStage::Lost.as_str())
            .push(" GROUP BY 1");
        let mut reasons = Vec::new();
        for row in r.all(&sql).await? {
            reasons.push((
                row.try_get_by_index::<String>(0)?,
                row.try_get_by_index::<i64>(1)?,
            ));
        }
        let lost: i64 = reasons.iter().map(|r| r.1).sum();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(LostReasons {
            lost,
            reasons: reasons
                .into_iter()
                .map(|(reason, count)| LostReasonRow {
                    reason,
                    count,
                    share: ratio(count, lost),
                })
                .collect(),
        })
    }

    pub async fn trend(&self, r: &Reader) -> DomainResult<Trend> {
        let day = local_day(r.backend, "l.created_at", self.filter.utc_offset_minutes);
        let mut sql = r.sql();
        sql.push(&format!("SELECT {day}, {} FROM leads l", funnel_columns()));
        self.cohort(&mut sql);
        sql.push(" GROUP BY 1");
        let bucket = self.filter.bucket;
        let mut periods: BTreeMap<NaiveDate, Counts> = self
            .filter
            .periods()
            .into_iter()
            .map(|p| (p, Counts::default()))
            .collect();
        for row in r.all(&sql).await? {
            let day: String = row.try_get_by_index(0)?;
            let Ok(day) = NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
                continue;
            };
            let counts = Counts::read(&row, 1)?;
            periods
                .entry(bucket.period_start(day))
                .or_default()
                .add(&counts);
        }
        Ok(Trend {
            bucket,
            points: periods
                .into_iter()
                .map(|(period_start, c)| TrendPoint {
                    period_start,
                    leads: c.leads,
                    mqls: c.mqls,
                    sqls: c.sqls,
                    opportunities: c.opportunities,
                    won: c.won,
                    won_amount: format_minor_units(c.won_amount),
                })
                .collect(),
        })
    }
}

/// (source, campaign, counts, attributed cost in minor units) per cell, and the
/// campaigns met with their lifetime lead counts.
struct RoiCells {
    cells: Vec<(Channel, Option<Uuid>, Counts, i64)>,
    campaigns: HashMap<Uuid, (campaign::Model, i64)>,
}

/// `CASE` giving a company size's index in `COMPANY_SIZE_BANDS` (its length: unknown).
fn size_band_case() -> String {
    let mut case = String::from("(CASE");
    for (i, (_, min, max)) in COMPANY_SIZE_BANDS.iter().enumerate() {
        match max {
            Some(max) => case.push_str(&format!(
                " WHEN l.company_size >= {min} AND l.company_size <= {max} THEN {i}"
            )),
            None => case.push_str(&format!(" WHEN l.company_size >= {min} THEN {i}")),
        }
    }
    case.push_str(&format!(" ELSE {} END)", COMPANY_SIZE_BANDS.len()));
    case
}

/// Names and teams of the people in a widget.
struct People {
    users: HashMap<Uuid, user::Model>,
    teams: HashMap<Uuid, team::Model>,
}

impl People {
    async fn load(r: &Reader, ids: impl Iterator<Item = Uuid>) -> DomainResult<People> {
        let ids: Vec<Uuid> = ids.collect::<HashSet<_>>().into_iter().collect();
        let users: HashMap<Uuid, user::Model> = if ids.is_empty() {
            HashMap::new()
        } else {
            user::Entity::find()
                .filter(user::Column::Id.is_in(ids))
                .all(&r.txn)
                .await?
                .into_iter()
                .map(|u| (u.id, u))
                .collect()
        };
        let team_ids: Vec<Uuid> = users.values().filter_map(|u| u.team_id).collect();
        let teams = if team_ids.is_empty() {
            HashMap::new()
        } else {
            team::Entity::find()
                .filter(team::Column::Id.is_in(team_ids))
                .all(&r.txn)
                .await?
                .into_iter()
                .map(|t| (t.id, t))
                .collect()
        };
        Ok(People { users, teams })
    }

    fn describe(&self, id: Uuid) -> (String, Option<Uuid>, Option<String>) {
        match self.users.get(&id) {
            Some(u) => (
                u.name.clone(),
                u.team_id,
                u.team_id
                    .and_then(|t| self.teams.get(&t))
                    .map(|t| t.name.clone()),
            ),
            None => (String::new(), None, None),
        }
    }
}

/// One widget's numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetData {
    SourceRoi(Vec<SourceRoiRow>),
    CampaignRoi(Vec<CampaignRoiRow>),
    Funnel(Funnel),
    SpeedToLead(SpeedToLead),
    SlaBreaches(Vec<SlaRepRow>, Vec<SlaTeamRow>),
    ConversionCycle(ConversionCycle),
    Leaderboard(Vec<LeaderboardRow>),
    LostReasons(LostReasons),
    UnitEconomics(UnitEconomics),
    Trend(Trend),
}

impl Dashboard {
    /// Computes one widget in its own read transaction, within the time limit.
    pub async fn widget(
        &self,
        db: &DatabaseConnection,
        widget: AnalyticsWidget,
    ) -> DomainResult<WidgetData> {
        let started = std::time::Instant::now();
        let work = async {
            let r = Reader::open(db).await?;
            let data = match widget {
                AnalyticsWidget::SourceRoi => WidgetData::SourceRoi(self.source_roi(&r).await?),
                AnalyticsWidget::CampaignRoi => {
                    WidgetData::CampaignRoi(self.campaign_roi(&r).await?)
                }
                AnalyticsWidget::Funnel => WidgetData::Funnel(self.funnel(&r).await?),
                AnalyticsWidget::SpeedToLead => {
                    WidgetData::SpeedToLead(self.speed_to_lead(&r).await?)
                }
                AnalyticsWidget::SlaBreaches => {
                    let (reps, teams) = self.sla_breaches(&r).await?;
                    WidgetData::SlaBreaches(reps, teams)
                }
                AnalyticsWidget::ConversionCycle => {
                    WidgetData::ConversionCycle(self.conversion_cycle(&r).await?)
                }
                AnalyticsWidget::Leaderboard => {
                    WidgetData::Leaderboard(self.leaderboard(&r).await?)
                }
                AnalyticsWidget::LostReasons => {
                    WidgetData::LostReasons(self.lost_reasons(&r).await?)
                }
                AnalyticsWidget::UnitEconomics => {
                    WidgetData::UnitEconomics(self.unit_economics(&r).await?)
                }
                AnalyticsWidget::Trend => WidgetData::Trend(self.trend(&r).await?),
            };
            r.close().await?;
            Ok::<_, DomainError>(data)
        };
        let data = tokio::time::timeout(STATEMENT_TIMEOUT + StdDuration::from_secs(5), work)
            .await
            .map_err(|_| {
                DomainError::Internal(anyhow::anyhow!(
                    "analytics widget {} ran out of time",
                    widget.slug()
                ))
            })??;
        tracing::debug!(
            widget = widget.slug(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "analytics widget computed"
        );
        Ok(data)
    }
}
