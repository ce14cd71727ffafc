//! The dashboards' vocabulary: the filter every widget takes, the rules that check it,
//! the buckets numbers are grouped into, and the typed series the server returns.
//!
//! The server computes the series (`backend::domain::analytics`) and exposes them over
//! GraphQL and as CSV; the SPA deserialises the same structs and draws them. Counting
//! rules that both sides need — which period a day falls in, which band a company size
//! is in, how a dashboard filter becomes a lead-list filter for a drill-down — are
//! written here once.
//!
//! Every lead-based number counts a *cohort*: the leads captured in `[from, to)` that
//! match the filter. A funnel step counts the cohort's leads that ever reached it, so
//! a lead that reached SQL and was then lost still counts as an SQL. Activities are the
//! exception: they are counted when they happened, within `[from, to)`.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::predict::CompanySize;
use crate::{Channel, LeadStage, UserErrorCode};

/// The longest range a dashboard may cover, in calendar months (ten years).
pub const MAX_RANGE_MONTHS: u32 = 120;
/// Daily buckets only up to this many days, so a chart stays readable.
pub const MAX_DAY_BUCKET_DAYS: i64 = 366;
/// Time zones are whole fixed offsets from UTC, at most this far.
pub const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;

/// How a trend groups time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TrendBucket {
    Day,
    /// Weeks start on Monday.
    #[default]
    Week,
    /// Calendar months.
    Month,
}

impl TrendBucket {
    pub const ALL: [TrendBucket; 3] = [TrendBucket::Day, TrendBucket::Week, TrendBucket::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            TrendBucket::Day => "day",
            TrendBucket::Week => "week",
            TrendBucket::Month => "month",
        }
    }

    /// `day`, `week`, `month`, in any case.
    pub fn parse(s: &str) -> Option<TrendBucket> {
        let s = s.trim().to_ascii_lowercase();
        TrendBucket::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The first day of the period `day` falls in.
    pub fn period_start(self, day: NaiveDate) -> NaiveDate {
        match self {
            TrendBucket::Day => day,
            TrendBucket::Week => {
                day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
            TrendBucket::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the period after the one starting at `start`.
    pub fn next_period(self, start: NaiveDate) -> NaiveDate {
        match self {
            TrendBucket::Day => start + Duration::days(1),
            TrendBucket::Week => start + Duration::days(7),
            TrendBucket::Month => start
                .checked_add_months(Months::new(1))
                .unwrap_or(start + Duration::days(31)),
        }
    }
}

/// The steps of the funnel, in order. `Won` is the lead stage `CUSTOMER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FunnelStep {
    Lead,
    Mql,
    Sql,
    Opportunity,
    Won,
}

impl FunnelStep {
    pub const ALL: [FunnelStep; 5] = [
        FunnelStep::Lead,
        FunnelStep::Mql,
        FunnelStep::Sql,
        FunnelStep::Opportunity,
        FunnelStep::Won,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FunnelStep::Lead => "lead",
            FunnelStep::Mql => "mql",
            FunnelStep::Sql => "sql",
            FunnelStep::Opportunity => "opportunity",
            FunnelStep::Won => "won",
        }
    }

    pub fn parse(s: &str) -> Option<FunnelStep> {
        let s = s.trim().to_ascii_lowercase();
        FunnelStep::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The lead stage whose first arrival marks reaching this step.
    pub fn stage(self) -> LeadStage {
        match self {
            FunnelStep::Lead => LeadStage::Lead,
            FunnelStep::Mql => LeadStage::Mql,
            FunnelStep::Sql => LeadStage::Sql,
            FunnelStep::Opportunity => LeadStage::Opportunity,
            FunnelStep::Won => LeadStage::Customer,
        }
    }

    /// The step a lead reaches by arriving at `stage`, if it is a funnel stage.
    pub fn of_stage(stage: LeadStage) -> Option<FunnelStep> {
        FunnelStep::ALL.into_iter().find(|s| s.stage() == stage)
    }
}

/// Which widget, as named in CSV export paths (`/api/analytics/{slug}.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AnalyticsWidget {
    SourceRoi,
    CampaignRoi,
    Funnel,
    SpeedToLead,
    SlaBreaches,
    ConversionCycle,
    Leaderboard,
    LostReasons,
    UnitEconomics,
    Trend,
}

impl AnalyticsWidget {
    pub const ALL: [AnalyticsWidget; 10] = [
        AnalyticsWidget::SourceRoi,
        AnalyticsWidget::CampaignRoi,
        AnalyticsWidget::Funnel,
        AnalyticsWidget::SpeedToLead,
        AnalyticsWidget::SlaBreaches,
        AnalyticsWidget::ConversionCycle,
        AnalyticsWidget::Leaderboard,
        AnalyticsWidget::LostReasons,
        AnalyticsWidget::UnitEconomics,
        AnalyticsWidget::Trend,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AnalyticsWidget::SourceRoi => "source-roi",
            AnalyticsWidget::CampaignRoi => "campaign-roi",
            AnalyticsWidget::Funnel => "funnel",
            AnalyticsWidget::SpeedToLead => "speed-to-lead",
            AnalyticsWidget::SlaBreaches => "sla-breaches",
            AnalyticsWidget::ConversionCycle => "conversion-cycle",
            AnalyticsWidget::Leaderboard => "leaderboard",
            AnalyticsWidget::LostReasons => "lost-reasons",
            AnalyticsWidget::UnitEconomics => "unit-economics",
            AnalyticsWidget::Trend => "trend",
        }
    }

    pub fn parse(slug: &str) -> Option<AnalyticsWidget> {
        AnalyticsWidget::ALL.into_iter().find(|w| w.slug() == slug)
    }
}

/// What a dashboard looks at. Ids are strings (UUIDs) so the SPA can hold them as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsFilter {
    /// Inclusive.
    pub from: DateTime<Utc>,
    /// Exclusive.
    pub to: DateTime<Utc>,
    #[serde(default)]
    pub team_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub source: Option<Channel>,
    #[serde(default)]
    pub campaign_id: Option<String>,
    /// Trends only.
    #[serde(default)]
    pub bucket: TrendBucket,
    /// The viewer's offset from UTC; days, weeks and months start at local midnight.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

/// Something wrong with a filter, as the server reports it in `userErrors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterProblem {
    /// The input field (camelCase).
    pub field: &'static str,
    pub code: UserErrorCode,
    pub message: String,
}

impl AnalyticsFilter {
    /// Checks the parts that need no database: the range and the bucket. Unknown
    /// team, owner and campaign ids are the server's to find.
    pub fn validate(&self) -> Vec<FilterProblem> {
        let mut out = Vec::new();
        if self.to <= self.from {
            out.push(FilterProblem {
                field: "to",
                code: UserErrorCode::Invalid,
                message: "the end of the range must come after its start".into(),
            });
        } else if self
            .from
            .checked_add_months(Months::new(MAX_RANGE_MONTHS))
            .is_none_or(|limit| self.to > limit)
        {
            out.push(FilterProblem {
                field: "to",
                code: UserErrorCode::Invalid,
                message: "a dashboard covers at most ten years; pick a shorter range".into(),
            });
        } else if self.bucket == TrendBucket::Day
            && (self.to - self.from) > Duration::days(MAX_DAY_BUCKET_DAYS)
        {
            out.push(FilterProblem {
                field: "bucket",
                code: UserErrorCode::Invalid,
                message: format!(
                    "daily trends cover at most {MAX_DAY_BUCKET_DAYS} days; group by week or month"
                ),
            });
        }
        if self.utc_offset_minutes.abs() > MAX_UTC_OFFSET_MINUTES {
            out.push(FilterProblem {
                field: "utcOffsetMinutes",
                code: UserErrorCode::Invalid,
                message: "the UTC offset must be between -840 and 840 minutes".into(),
            });
        }
        out
    }

    /// The local calendar day of an instant, in the filter's offset.
    pub fn local_day(&self, at: DateTime<Utc>) -> NaiveDate {
        (at + Duration::minutes(i64::from(self.utc_offset_minutes))).date_naive()
    }

    /// Every period of the trend, in order, from the one holding `from` to the one
    /// holding the last instant before `to`.
    pub fn periods(&self) -> Vec<NaiveDate> {
        let first = self.bucket.period_start(self.local_day(self.from));
        let last_instant = self.to - Duration::microseconds(1);
        let last = self.bucket.period_start(self.local_day(last_instant));
        let mut out = Vec::new();
        let mut p = first;
        while p <= last {
            out.push(p);
            p = self.bucket.next_period(p);
        }
        out
    }

    /// The lead-list filter showing the leads behind this dashboard's numbers; narrow
    /// it further with the `LeadDrillDown` builders for one bar or step.
    pub fn drill_down(&self) -> LeadDrillDown {
        LeadDrillDown {
            created_from: self.from,
            created_to: self.to,
            team_id: self.team_id.clone(),
            owner_id: self.owner_id.clone(),
            source: self.source,
            campaign_id: self.campaign_id.clone(),
            reached: None,
            stages: Vec::new(),
            lost_reason: None,
        }
    }
}

/// The `leads` list filter behind a number: the GraphQL `LeadFilter` fields
/// `createdFrom`, `createdTo`, `teamId`, `ownerId`, `sources`, `campaignId`, `reached`,
/// `stages`, `lostReason`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadDrillDown {
    pub created_from: DateTime<Utc>,
    pub created_to: DateTime<Utc>,
    pub team_id: Option<String>,
    pub owner_id: Option<String>,
    pub source: Option<Channel>,
    pub campaign_id: Option<String>,
    /// Leads that ever reached this funnel step (whatever their stage now).
    pub reached: Option<FunnelStep>,
    /// Leads whose stage is one of these now.
    pub stages: Vec<LeadStage>,
    pub lost_reason: Option<String>,
}

impl LeadDrillDown {
    /// A funnel step, or a source/campaign column (MQL, SQL, opportunities, won).
    pub fn reached(mut self, step: FunnelStep) -> Self {
        self.reached = (step != FunnelStep::Lead).then_some(step);
        self
    }
    pub fn source(mut self, source: Channel) -> Self {
        self.source = Some(source);
        self
    }
    pub fn campaign(mut self, campaign_id: &str) -> Self {
        self.campaign_id = Some(campaign_id.to_string());
        self
    }
    pub fn owner(mut self, owner_id: &str) -> Self {
        self.owner_id = Some(owner_id.to_string());
        self
    }
    /// A lost-reason slice: leads lost now, for that reason.
    pub fn lost_reason(mut self, reason: &str) -> Self {
        self.stages = vec![LeadStage::Lost];
        self.lost_reason = Some(reason.to_string());
        self
    }
}

/// One bar of the speed-to-lead distribution: first contact within
/// `[min_seconds, max_seconds)` of capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeedBucketDef {
    pub label: &'static str,
    pub min_seconds: i64,
    pub max_seconds: Option<i64>,
}

pub const FIVE_MINUTES: i64 = 5 * 60;
pub const ONE_HOUR: i64 = 60 * 60;

/// The speed-to-lead bars. 5 minutes and 1 hour are edges, so the two headline shares
/// are sums of whole bars.
pub const SPEED_BUCKETS: [SpeedBucketDef; 7] = [
    SpeedBucketDef {
        label: "<1m",
        min_seconds: 0,
        max_seconds: Some(60),
    },
    SpeedBucketDef {
        label: "1-5m",
        min_seconds: 60,
        max_seconds: Some(FIVE_MINUTES),
    },
    SpeedBucketDef {
        label: "5-15m",
        min_seconds: FIVE_MINUTES,
        max_seconds: Some(15 * 60),
    },
    SpeedBucketDef {
        label: "15-60m",
        min_seconds: 15 * 60,
        max_seconds: Some(ONE_HOUR),
    },
    SpeedBucketDef {
        label: "1-4h",
        min_seconds: ONE_HOUR,
        max_seconds: Some(4 * ONE_HOUR),
    },
    SpeedBucketDef {
        label: "4-24h",
        min_seconds: 4 * ONE_HOUR,
        max_seconds: Some(24 * ONE_HOUR),
    },
    SpeedBucketDef {
        label: ">24h",
        min_seconds: 24 * ONE_HOUR,
        max_seconds: None,
    },
];

/// The company-size bands as employee ranges `[min, max]`, in order (`Unknown`: no
/// size given). Agrees with `predict::company_size_bucket` (tested).
pub const COMPANY_SIZE_BANDS: [(CompanySize, i64, Option<i64>); 6] = [
    (CompanySize::UpTo10, 0, Some(10)),
    (CompanySize::From11To50, 11, Some(50)),
    (CompanySize::From51To200, 51, Some(200)),
    (CompanySize::From201To1000, 201, Some(1000)),
    (CompanySize::From1001To5000, 1001, Some(5000)),
    (CompanySize::Over5000, 5001, None),
];

/// `n / d`, or `None` when there is nothing to divide by.
pub fn ratio(n: i64, d: i64) -> Option<f64> {
    (d != 0).then(|| n as f64 / d as f64)
}

/// Return on spend: `(revenue − cost) / cost`; `None` without cost.
pub fn roi(revenue_minor: i64, cost_minor: i64) -> Option<f64> {
    (cost_minor > 0).then(|| (revenue_minor - cost_minor) as f64 / cost_minor as f64)
}

/// `total / n` in minor units, rounded half away from zero; `None` when `n` is 0.
pub fn per_unit_minor(total_minor: i64, n: i64) -> Option<i64> {
    if n == 0 {
        return None;
    }
    let (t, n) = (i128::from(total_minor), i128::from(n));
    let q = (2 * t + n.signum() * t.signum() * n.abs()) / (2 * n);
    i64::try_from(q).ok()
}

// ---------------------------------------------------------------------------------
// Series. Amounts are decimal strings in major units ("180000.00"), like the pipeline.
// Rates are fractions 0..1 (null when the denominator is 0). Durations are seconds.
// ---------------------------------------------------------------------------------

/// Funnel counts, money and rates for one slice of the cohort (a source, a campaign).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct RoiMetrics {
    pub leads: i64,
    /// Reached MQL (or beyond).
    pub mqls: i64,
    /// Reached SQL (or beyond).
    pub sqls: i64,
    /// Reached the pipeline.
    pub opportunities: i64,
    /// Won: became customers.
    pub won: i64,
    /// The won deals' amounts.
    pub won_amount: String,
    /// mqls / leads.
    pub mql_rate: Option<f64>,
    /// sqls / leads.
    pub sql_rate: Option<f64>,
    /// opportunities / leads.
    pub opportunity_rate: Option<f64>,
    /// won / leads.
    pub win_rate: Option<f64>,
    /// The campaign spend attributed to these leads.
    pub cost: String,
    /// cost / leads (null without leads or without cost).
    pub cost_per_lead: Option<String>,
    /// (wonAmount − cost) / cost (null without cost).
    pub roi: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SourceRoiRow {
    pub source: Channel,
    pub metrics: RoiMetrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct CampaignRoiRow {
    pub campaign_id: String,
    pub name: String,
    pub channel: Channel,
    /// The campaign's whole spend.
    pub total_cost: String,
    /// Every lead the campaign ever brought (the divisor of its cost per lead).
    pub total_leads: i64,
    pub metrics: RoiMetrics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct FunnelStepRow {
    pub step: FunnelStep,
    /// Cohort leads that reached this step.
    pub count: i64,
    /// count / the previous step's count (null for the first step).
    pub conversion_from_previous: Option<f64>,
    /// count / the first step's count.
    pub conversion_from_start: Option<f64>,
    /// Median time from reaching this step to reaching the next, over the leads that
    /// did both (null for WON, or when none did).
    pub median_seconds_in_step: Option<f64>,
    /// How many leads that median is over.
    pub timed_leads: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Funnel {
    pub steps: Vec<FunnelStepRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SpeedBucket {
    pub label: String,
    pub min_seconds: i64,
    /// Exclusive; null for the last bar.
    pub max_seconds: Option<i64>,
    pub count: i64,
}

/// First-contact clocks of one rep: how many ran, how many were breached (the owner
/// was reminded, escalated or recycled, or made first contact after the reminder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SlaRepRow {
    pub owner_id: String,
    pub owner_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub clocks: i64,
    pub breached: i64,
    pub breach_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SlaTeamRow {
    /// Null: reps without a team.
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub clocks: i64,
    pub breached: i64,
    pub breach_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct SpeedToLead {
    pub leads: i64,
    /// Leads with a first call, email or visit.
    pub contacted: i64,
    /// Median capture → first contact over contacted leads.
    pub median_seconds: Option<f64>,
    pub within_five_minutes: i64,
    pub within_one_hour: i64,
    /// withinFiveMinutes / contacted.
    pub within_five_minutes_rate: Option<f64>,
    /// withinOneHour / contacted.
    pub within_one_hour_rate: Option<f64>,
    /// `SPEED_BUCKETS` in order, every bar present.
    pub buckets: Vec<SpeedBucket>,
    /// Sorted by breached, most first.
    pub breaches_by_rep: Vec<SlaRepRow>,
    pub breaches_by_team: Vec<SlaTeamRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct CycleStats {
    pub won: i64,
    /// Created → won.
    pub average_days: Option<f64>,
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct CycleBySource {
    pub source: Channel,
    pub stats: CycleStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct CycleByCompanySize {
    /// `1-10`, `11-50`, `51-200`, `201-1000`, `1001-5000`, `5000+`, `unknown`.
    pub company_size: String,
    pub stats: CycleStats,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct ConversionCycle {
    pub overall: CycleStats,
    /// Sources with at least one win.
    pub by_source: Vec<CycleBySource>,
    /// Bands with at least one win, in band order.
    pub by_company_size: Vec<CycleByCompanySize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct LeaderboardRow {
    pub owner_id: String,
    pub owner_name: String,
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    /// Cohort leads they own now.
    pub leads: i64,
    pub contacted: i64,
    pub won: i64,
    pub won_amount: String,
    /// won / leads.
    pub conversion_rate: Option<f64>,
    /// Average capture → first contact over their contacted leads.
    pub average_response_seconds: Option<f64>,
    /// Activities they logged within the range (any lead matching source/campaign).
    pub calls: i64,
    pub emails: i64,
    pub visits: i64,
    pub notes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct LostReasonRow {
    pub reason: String,
    pub count: i64,
    /// count / all lost.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct LostReasons {
    /// Cohort leads lost now.
    pub lost: i64,
    /// Most frequent first; a lead lost without a reason counts under "".
    pub reasons: Vec<LostReasonRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct UnitEconomics {
    /// Campaign spend attributed to the cohort.
    pub marketing_cost: String,
    /// Cohort leads won.
    pub new_customers: i64,
    pub won_amount: String,
    /// Customer acquisition cost: marketingCost / newCustomers.
    pub cac: Option<String>,
    /// Lifetime value: wonAmount / newCustomers.
    pub ltv: Option<String>,
    /// ltv / cac.
    pub ltv_to_cac: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct TrendPoint {
    /// First local day of the period ("2026-11-02").
    pub period_start: NaiveDate,
    pub leads: i64,
    pub mqls: i64,
    pub sqls: i64,
    pub opportunities: i64,
    pub won: i64,
    pub won_amount: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Trend {
    pub bucket: TrendBucket,
    /// Every period of the range, empty ones included.
    pub points: Vec<TrendPoint>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::predict::company_size_bucket;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn filter(from: DateTime<Utc>, to: DateTime<Utc>) -> AnalyticsFilter {
        AnalyticsFilter {
            from,
            to,
            team_id: None,
            owner_id: None,
            source: None,
            campaign_id: None,
            bucket: TrendBucket::Week,
            utc_offset_minutes: 0,
        }
    }

    #[test]
    fn analytics_filter_rules() {
        let ok = filter(at(2026, 1, 1, 0), at(2026, 2, 1, 0));
        assert!(ok.validate().is_empty());
        let inverted = filter(at(2026, 2, 1, 0), at(2026, 1, 1, 0));
        assert_eq!(inverted.validate()[0].field, "to");
        let empty = filter(at(2026, 2, 1, 0), at(2026, 2, 1, 0));
        assert_eq!(empty.validate().len(), 1);
        let ten = filter(at(2016, 1, 1, 0), at(2026, 1, 1, 0));
        assert!(ten.validate().is_empty());
        let over = filter(at(2016, 1, 1, 0), at(2026, 1, 1, 1));
        assert_eq!(over.validate()[0].code, UserErrorCode::Invalid);
        let mut daily = filter(at(2024, 1, 1, 0), at(2026, 1, 1, 0));
        daily.bucket = TrendBucket::Day;
        assert_eq!(daily.validate()[0].field, "bucket");
        let mut zone = ok.clone();
        zone.utc_offset_minutes = 15 * 60;
        assert_eq!(zone.validate()[0].field, "utcOffsetMinutes");
    }

    #[test]
    fn analytics_periods() {
        // 2026-11-02 is a Monday.
        let mut f = filter(at(2026, 11, 4, 0), at(2026, 11, 17, 0));
        assert_eq!(
            f.periods(),
            vec![
                NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
                NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            ]
        );
        f.bucket = TrendBucket::Month;
        f.to = at(2027, 1, 1, 0);
        assert_eq!(f.periods().len(), 2);
        f.bucket = TrendBucket::Day;
        f.from = at(2026, 11, 1, 20);
        f.to = at(2026, 11, 3, 0);
        f.utc_offset_minutes = 480;
        // 20:00 UTC on the 1st is 04:00 on the 2nd in UTC+8; the range ends 08:00 on the 3rd.
        assert_eq!(
            f.periods(),
            vec![
                NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            ]
        );
    }

    #[test]
    fn analytics_bands_agree_with_the_predictive_model() {
        for n in [
            0i64, 1, 10, 11, 50, 51, 200, 201, 1000, 1001, 5000, 5001, 90_000,
        ] {
            let band = COMPANY_SIZE_BANDS
                .iter()
                .find(|(_, min, max)| n >= *min && max.is_none_or(|m| n <= m))
                .map(|(b, _, _)| *b);
            assert_eq!(band, Some(company_size_bucket(Some(n))), "{n}");
        }
        let edges: Vec<_> = SPEED_BUCKETS.windows(2).collect();
        for w in edges {
            assert_eq!(w[0].max_seconds, Some(w[1].min_seconds));
        }
    }

    #[test]
    fn analytics_money_rules() {
        assert_eq!(per_unit_minor(1000, 3), Some(333));
        assert_eq!(per_unit_minor(1001, 2), Some(501));
        assert_eq!(per_unit_minor(5, 0), None);
        assert_eq!(roi(300, 100), Some(2.0));
        assert_eq!(roi(300, 0), None);
        assert_eq!(ratio(1, 4), Some(0.25));
        assert_eq!(
            AnalyticsWidget::parse("speed-to-lead"),
            Some(AnalyticsWidget::SpeedToLead)
        );
        assert_eq!(
            FunnelStep::of_stage(LeadStage::Customer),
            Some(FunnelStep::Won)
        );
        assert_eq!(TrendBucket::parse("MONTH"), Some(TrendBucket::Month));
    }
}
