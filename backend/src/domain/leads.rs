//! Reading leads: who may see which, and the filtered, sorted, paged list.
//!
//! Visibility is decided here once, so the list, the detail, exports and subscriptions
//! agree: a rep sees their own leads and the pool; a manager sees their teams' leads
//! and the pool; admins, marketers and integrations with `leads:read` see all. A lead
//! someone may not see is reported as not found, never as forbidden.

use chrono::{DateTime, Utc};
use leadflow_shared::analytics::FunnelStep;
use leadflow_shared::{Channel, LeadStage, Role};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use crate::entity::{lead, team, user};
use crate::error::DomainResult;

/// Whose leads a caller may see.
#[derive(Debug, Clone)]
pub enum Visibility {
    All,
    /// These owners' leads, plus unowned (pool) leads.
    OwnersAndPool(Vec<Uuid>),
}

impl Visibility {
    /// Works out the owners a signed-in user may see.
    pub async fn for_user(
        db: &impl ConnectionTrait,
        user_id: Uuid,
        role: Role,
    ) -> DomainResult<Visibility> {
        Ok(match role {
            Role::Admin | Role::Marketer => Visibility::All,
            Role::Rep => Visibility::OwnersAndPool(vec![user_id]),
            Role::Manager => {
                let managed: Vec<Uuid> = team::Entity::find()
                    .filter(team::Column::ManagerId.eq(user_id))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|t| t.id)
                    .collect();
                let mut owners: Vec<Uuid> = user::Entity::find()
                    .filter(user::Column::TeamId.is_in(managed))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|u| u.id)
                    .collect();
                owners.push(user_id);
                Visibility::OwnersAndPool(owners)
            }
        })
    }

    pub(crate) fn condition(&self) -> Condition {
        match self {
            Visibility::All => Condition::all(),
            Visibility::OwnersAndPool(owners) => Condition::any()
                .add(lead::Column::OwnerId.is_null())
                .add(lead::Column::OwnerId.is_in(owners.iter().copied())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    /// Only these leads (a bulk selection); empty means no such condition.
    pub ids: Vec<Uuid>,
    pub stages: Vec<LeadStage>,
    pub owner_id: Option<Uuid>,
    /// Only leads in the claim pool.
    pub pool: bool,
    pub sources: Vec<Channel>,
    pub campaign_id: Option<Uuid>,
    pub tag: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub industry: Option<String>,
    pub score_min: Option<i32>,
    pub score_max: Option<i32>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Free text over name, company, email and phone.
    pub search: Option<String>,
    /// Owned by a member of this team.
    pub team_id: Option<Uuid>,
    /// Ever reached this funnel step, whatever the stage now (the dashboards' funnel).
    pub reached: Option<FunnelStep>,
    /// Lost for exactly this reason.
    pub lost_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeadSort {
    #[default]
    ScoreDesc,
    CreatedDesc,
    CreatedAsc,
    UpdatedDesc,
    LastActivityDesc,
}

/// Where a page ends: the sort key of its last lead, so the next page starts right
/// after it with an index range read (no OFFSET scan, however deep the reader goes),
/// and the position, for `hasPreviousPage` and cursors.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ListCursor {
    #[serde(rename = "o")]
    pub position: u64,
    #[serde(rename = "s")]
    pub score: i32,
    #[serde(rename = "c")]
    pub created_at: DateTime<Utc>,
    #[serde(rename = "u")]
    pub updated_at: DateTime<Utc>,
    #[serde(rename = "a")]
    pub last_activity_at: DateTime<Utc>,
    pub id: Uuid,
}

impl ListCursor {
    pub fn at(position: u64, lead: &lead::Model) -> ListCursor {
        ListCursor {
            position,
            score: lead.total_score,
            created_at: lead.created_at,
            updated_at: lead.updated_at,
            last_activity_at: lead.last_activity_at,
            id: lead.id,
        }
    }
}

/// One page of the list.
#[derive(Debug)]
pub struct ListPage {
    pub leads: Vec<lead::Model>,
    /// Position of the first lead in the whole list.
    pub start: u64,
    pub has_next: bool,
    /// Counted only when asked for: on a million leads it is the dearest part.
    pub total: Option<Total>,
}

fn like_pattern(term: &str) -> LikeExpr {
    LikeExpr::new(format!(
        "%{}%",
        term.to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    ))
    .escape('\\')
}

fn filtered(
    backend: DbBackend,
    visibility: &Visibility,
    filter: &LeadFilter,
    plan: SearchPlan,
) -> Select<lead::Entity> {
    let mut q = lead::Entity::find()
        .filter(lead::Column::MergedInto.is_null())
        .filter(visibility.condition());
    if !filter.ids.is_empty() {
        q = q.filter(lead::Column::Id.is_in(filter.ids.iter().copied()));
    }
    if !filter.stages.is_empty() {
        q = q.filter(lead::Column::Stage.is_in(filter.stages.iter().map(|s| s.as_str())));
    }
    if filter.pool {
        q = q.filter(lead::Column::OwnerId.is_null());
    } else if let Some(owner) = filter.owner_id {
        q = q.filter(lead::Column::OwnerId.eq(owner));
    }
    if !filter.sources.is_empty() {
        q = q.filter(lead::Column::Source.is_in(filter.sources.iter().map(|s| s.as_str())));
    }
    if let Some(c) = filter.campaign_id {
        q = q.filter(lead::Column::CampaignId.eq(c));
    }
    if let Some(tag) = filter
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        // Tags are a JSON array of strings; match the quoted element.
        q = q.filter(
            Expr::col(lead::Column::Tags)
                .cast_as("text")
                .like(format!("%\"{}\"%", tag.replace('"', ""))),
        );
    }
    for (col, value) in [
        (lead::Column::Province, &filter.province),
        (lead::Column::City, &filter.city),
        (lead::Column::Industry, &filter.industry),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            q = q.filter(col.eq(v));
        }
    }
    if let Some(min) = filter.score_min {
        q = q.filter(lead::Column::TotalScore.gte(min));
    }
    if let Some(max) = filter.score_max {
        q = q.filter(lead::Column::TotalScore.lte(max));
    }
    if let Some(team_id) = filter.team_id {
        q = q.filter(
            lead::Column::OwnerId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(user::Column::Id)
                    .from(user::Entity)
                    .and_where(user::Column::TeamId.eq(team_id))
                    .to_owned(),
            ),
        );
    }
    if let Some(step) = filter.reached {
        use lead::Column as C;
        let reached: Vec<C> = match step {
            FunnelStep::Lead => vec![],
            FunnelStep::Mql => vec![C::MqlAt, C::SqlAt, C::OpportunityAt, C::WonAt],
            FunnelStep::Sql => vec![C::SqlAt, C::OpportunityAt, C::WonAt],
            FunnelStep::Opportunity => vec![C::OpportunityAt, C::WonAt],
            FunnelStep::Won => vec![C::WonAt],
        };
        if !reached.is_empty() {
            let mut any = Condition::any();
            for c in reached {
                any = any.add(c.is_not_null());
            }
            q = q.filter(any);
        }
    }
    if let Some(reason) = filter
        .lost_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        q = q.filter(lead::Column::LostReason.eq(reason));
    }
    if let Some(from) = filter.created_from {
        q = q.filter(lead::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.created_to {
        q = q.filter(lead::Column::CreatedAt.lt(to));
    }
    if let Some(term) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        q = q.filter(search_condition(backend, term, plan));
    }
    q
}

/// The fewest characters the trigram index can look up; shorter terms are matched by
/// reading the leads.
const INDEXED_TERM_CHARS: usize = 3;

/// Above this many matches a search counts no further (by default): the list says
/// "10,000+" and the count stays as quick as the page.
pub const SEARCH_COUNT_CAP: u64 = 10_000;

/// How a free-text search meets the leads (SQLite, whose search index is a table of
/// its own).
///
/// A rare term is cheapest gathered: the index's matches, then those leads. A term
/// that matches a large share of the leads ("138", "有限公司") is cheapest probed:
/// walk the leads in the list's order and test each one, so a page stops after its
/// 50 rows instead of gathering a million matches first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchPlan {
    Gather,
    Probe,
}

/// The plan for `filter`'s search: probe when the search index holds more than `cap`
/// matches (found by counting no further than that).
pub async fn search_plan(
    db: &DatabaseConnection,
    filter: &LeadFilter,
    cap: u64,
) -> Result<SearchPlan, sea_orm::DbErr> {
    let Some(term) = search_term(filter) else {
        return Ok(SearchPlan::Gather);
    };
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(SearchPlan::Gather);
    }
    let terms = SearchTerms::new(term);
    let (matching, values) = terms.sqlite_match("s", SearchPlan::Gather);
    let sql = format!(
        "SELECT count(*) AS n FROM (SELECT 1 FROM lead_search s WHERE {matching} LIMIT {})",
        cap + 1
    );
    let row = db
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Sqlite,
            sql,
            values,
        ))
        .await?;
    let matches: i64 = match row {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(if matches as u64 > cap {
        SearchPlan::Probe
    } else {
        SearchPlan::Gather
    })
}

fn search_term(filter: &LeadFilter) -> Option<&str> {
    filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A search term as the search index is asked for it.
struct SearchTerms {
    lowered: String,
    /// The term's digits, when it is a phone fragment written with spaces or dashes.
    digits: Option<String>,
    indexed: bool,
}

impl SearchTerms {
    fn new(term: &str) -> SearchTerms {
        let lowered = term.to_lowercase();
        let digits: String = term.chars().filter(char::is_ascii_digit).collect();
        let digits = (digits.len() >= 4 && digits != lowered).then_some(digits);
        let indexed = lowered.chars().count() >= INDEXED_TERM_CHARS;
        SearchTerms {
            lowered,
            digits,
            indexed,
        }
    }

    /// The SQLite condition on the search table aliased `s`, and its values: the
    /// trigram index for gathering; for probing one lead's text, or a short term,
    /// plain substring tests (a probe reads one row, where the index would walk its
    /// whole list of matches each time).
    fn sqlite_match(&self, s: &str, plan: SearchPlan) -> (String, Vec<sea_orm::Value>) {
        if self.indexed && plan == SearchPlan::Gather {
            let phrase = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
            let mut query = phrase(&self.lowered);
            if let Some(d) = &self.digits {
                query = format!("{query} OR {}", phrase(d));
            }
            return (format!("{s}.lead_search MATCH ?"), vec![query.into()]);
        }
        let body = if self.lowered.chars().any(|c| c.is_ascii_alphabetic()) {
            format!("lower({s}.body)")
        } else {
            format!("{s}.body")
        };
        let mut sql = format!("instr({body}, ?) > 0");
        let mut values: Vec<sea_orm::Value> = vec![self.lowered.clone().into()];
        if let Some(d) = &self.digits {
            sql = format!("({sql} OR instr({s}.body, ?) > 0)");
            values.push(d.clone().into());
        }
        (sql, values)
    }
}

/// Name, company, email or phone contains `term` (or, for a phone, its digits: "138
/// 0013" finds +8613800138000). Terms of three or more characters use the trigram
/// index (FTS5 on SQLite, pg_trgm on PostgreSQL).
fn search_condition(backend: DbBackend, term: &str, plan: SearchPlan) -> Condition {
    let terms = SearchTerms::new(term);
    match backend {
        DbBackend::Sqlite => {
            let (matching, values) = terms.sqlite_match("s", plan);
            let sql = match plan {
                SearchPlan::Gather => format!(
                    "leads.id IN (SELECT d.lead_id FROM lead_search s \
                     JOIN lead_search_docs d ON d.doc = s.rowid WHERE {matching})"
                ),
                SearchPlan::Probe => format!(
                    "EXISTS (SELECT 1 FROM lead_search_docs d JOIN lead_search s \
                     ON s.rowid = d.doc WHERE d.lead_id = leads.id AND {matching})"
                ),
            };
            Condition::all().add(Expr::cust_with_values(sql, values))
        }
        DbBackend::Postgres => {
            let text = Expr::cust(leadflow_migrations::PG_SEARCH_EXPR);
            let mut any = Condition::any().add(text.clone().like(like_pattern(&terms.lowered)));
            if let Some(d) = &terms.digits {
                any = any.add(text.like(like_pattern(d)));
            }
            any
        }
        _ => {
            let pattern = like_pattern(&terms.lowered);
            let mut any = Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(lead::Column::PersonName)))
                        .like(pattern.clone()),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(lead::Column::Company))).like(pattern.clone()),
                )
                .add(lead::Column::EmailNormalized.like(pattern));
            if let Some(d) = &terms.digits {
                any = any.add(lead::Column::PhoneE164.like(like_pattern(d)));
            }
            any
        }
    }
}

fn tuple(values: Vec<Expr>) -> Expr {
    Expr::tuple(values)
}

/// One page of leads the caller may see, after `after` in `sort` order.
#[allow(clippy::too_many_arguments)] // each is one knob of the list the client turns
pub async fn list(
    db: &DatabaseConnection,
    visibility: &Visibility,
    filter: &LeadFilter,
    sort: LeadSort,
    after: Option<&ListCursor>,
    limit: u64,
    count_total: bool,
    search_cap: u64,
) -> DomainResult<ListPage> {
    let backend = db.get_database_backend();
    let plan = search_plan(db, filter, search_cap).await?;
    let query = filtered(backend, visibility, filter, plan);
    use lead::Column as C;
    // Every order ends in the id, so it is total and a cursor names one place in it.
    let (keys, values, descending): (Vec<C>, Option<Vec<Expr>>, bool) = match sort {
        LeadSort::ScoreDesc => (
            vec![C::TotalScore, C::CreatedAt, C::Id],
            after.map(|a| {
                vec![
                    Expr::value(a.score),
                    Expr::value(a.created_at),
                    Expr::value(a.id),
                ]
            }),
            true,
        ),
        LeadSort::CreatedDesc | LeadSort::CreatedAsc => (
            vec![C::CreatedAt, C::Id],
            after.map(|a| vec![Expr::value(a.created_at), Expr::value(a.id)]),
            sort == LeadSort::CreatedDesc,
        ),
        LeadSort::UpdatedDesc => (
            vec![C::UpdatedAt, C::Id],
            after.map(|a| vec![Expr::value(a.updated_at), Expr::value(a.id)]),
            true,
        ),
        LeadSort::LastActivityDesc => (
            vec![C::LastActivityAt, C::Id],
            after.map(|a| vec![Expr::value(a.last_activity_at), Expr::value(a.id)]),
            true,
        ),
    };
    let mut query = query;
    if let Some(values) = values {
        let columns = tuple(keys.iter().map(|c| Expr::col(*c)).collect());
        let values = tuple(values);
        query = query.filter(if descending {
            columns.lt(values)
        } else {
            columns.gt(values)
        });
    }
    for key in keys {
        query = if descending {
            query.order_by_desc(key)
        } else {
            query.order_by_asc(key)
        };
    }
    // The count and the page are read side by side (two pooled connections), so a
    // page costs the dearer of the two, not their sum.
    let (mut leads, total) = tokio::try_join!(query.limit(limit + 1).all(db), async {
        if count_total {
            count_planned(db, visibility, filter, plan, search_cap)
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    })?;
    let has_next = leads.len() as u64 > limit;
    leads.truncate(limit as usize);
    Ok(ListPage {
        leads,
        start: after.map_or(0, |a| a.position + 1),
        has_next,
        total,
    })
}

/// How many leads the caller may see that pass `filter`.
///
/// "These owners or the pool" as one `OR` leads both databases to read every live lead;
/// as two disjoint counts each is a range of the owner index (the pool alone is a
/// third of a typical table), so a rep's unfiltered list counts in milliseconds.
///
/// A free-text search counts up to `search_cap` and no further.
pub async fn count(
    db: &DatabaseConnection,
    visibility: &Visibility,
    filter: &LeadFilter,
    search_cap: u64,
) -> Result<Total, sea_orm::DbErr> {
    let plan = search_plan(db, filter, search_cap).await?;
    count_planned(db, visibility, filter, plan, search_cap).await
}

async fn count_planned(
    db: &DatabaseConnection,
    visibility: &Visibility,
    filter: &LeadFilter,
    plan: SearchPlan,
    search_cap: u64,
) -> Result<Total, sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let cap = search_term(filter).map(|_| search_cap);
    let counted = |q: Select<lead::Entity>| async move {
        match cap {
            Some(cap) => {
                q.select_only()
                    .column(lead::Column::Id)
                    .limit(cap + 1)
                    .count(db)
                    .await
            }
            None => q.count(db).await,
        }
    };
    let n = match visibility {
        Visibility::OwnersAndPool(owners) if !filter.pool && filter.owner_id.is_none() => {
            let all = filtered(backend, &Visibility::All, filter, plan);
            let (pool, owned) = tokio::try_join!(
                counted(all.clone().filter(lead::Column::OwnerId.is_null())),
                counted(all.filter(lead::Column::OwnerId.is_in(owners.iter().copied()))),
            )?;
            pool + owned
        }
        _ => counted(filtered(backend, visibility, filter, plan)).await?,
    };
    Ok(match cap {
        Some(cap) if n > cap => Total {
            count: cap,
            exact: false,
        },
        _ => Total {
            count: n,
            exact: true,
        },
    })
}

/// A count of leads; not `exact` when a search stopped counting at its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    pub count: u64,
    pub exact: bool,
}

/// One lead, if the caller may see it.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    visibility: &Visibility,
    id: Uuid,
) -> DomainResult<Option<lead::Model>> {
    Ok(lead::Entity::find_by_id(id)
        .filter(visibility.condition())
        .one(db)
        .await?)
}

/// The next batch of an export: leads matching `filter` in the order they were created,
/// after the `(created_at, id)` of the last one sent. Keyset paging keeps every batch
/// as cheap as the first, however long the export.
pub async fn export_batch(
    db: &DatabaseConnection,
    visibility: &Visibility,
    filter: &LeadFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: u64,
    search_cap: u64,
) -> DomainResult<Vec<lead::Model>> {
    let plan = search_plan(db, filter, search_cap).await?;
    let mut query = filtered(db.get_database_backend(), visibility, filter, plan);
    if let Some((created, id)) = after {
        query = query.filter(
            Condition::any()
                .add(lead::Column::CreatedAt.gt(created))
                .add(
                    Condition::all()
                        .add(lead::Column::CreatedAt.eq(created))
                        .add(lead::Column::Id.gt(id)),
                ),
        );
    }
    Ok(query
        .order_by_asc(lead::Column::CreatedAt)
        .order_by_asc(lead::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Moves a lead's last activity forward to `at` (never back), inside the caller's
/// transaction. Not an edit of the lead, so its version stays.
pub(crate) async fn touch_activity(
    db: &impl ConnectionTrait,
    lead_id: Uuid,
    at: DateTime<Utc>,
) -> DomainResult<()> {
    lead::Entity::update_many()
        .col_expr(lead::Column::LastActivityAt, Expr::value(at))
        .filter(lead::Column::Id.eq(lead_id))
        .filter(lead::Column::LastActivityAt.lt(at))
        .exec(db)
        .await?;
    Ok(())
}
