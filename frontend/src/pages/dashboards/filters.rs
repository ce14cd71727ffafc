//! What the dashboard looks at, as it lives in the address bar, so a reload, a shared
//! link or a printed page shows the same numbers:
//! `/dashboards?range=this_quarter&team=…&source=paid_ads&bucket=week`, or a custom
//! range `from=2026-11-01&to=2026-11-30` (local calendar days, both inclusive).
//!
//! A preset stays relative ("this month" is always the current month); the days are
//! turned into instants at the viewer's local midnight and sent with their UTC offset,
//! so trends start their days, weeks and months where the viewer does. Unknown or
//! malformed values are dropped, never an error.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use leadflow_shared::analytics::{AnalyticsFilter, TrendBucket};
use leadflow_shared::Channel;
use serde::{Deserialize, Serialize};

/// The ranges offered as one click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    ThisMonth,
    Last30Days,
    ThisQuarter,
    ThisYear,
}

impl Preset {
    pub const ALL: [Preset; 4] = [
        Preset::ThisMonth,
        Preset::Last30Days,
        Preset::ThisQuarter,
        Preset::ThisYear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::ThisMonth => "this_month",
            Preset::Last30Days => "last_30_days",
            Preset::ThisQuarter => "this_quarter",
            Preset::ThisYear => "this_year",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// First and last day (inclusive) as of `today`.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first = match self {
            Preset::ThisMonth => today.with_day(1),
            Preset::Last30Days => Some(today - Duration::days(29)),
            Preset::ThisQuarter => {
                NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1)
            }
            Preset::ThisYear => NaiveDate::from_ymd_opt(today.year(), 1, 1),
        };
        (first.unwrap_or(today), today)
    }
}

/// The dashboard's range: a preset or two days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Preset(Preset),
    Days { from: NaiveDate, to: NaiveDate },
}

impl Default for Range {
    fn default() -> Self {
        Range::Preset(Preset::ThisMonth)
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashParams {
    pub range: Range,
    pub team: Option<String>,
    pub owner: Option<String>,
    pub source: Option<Channel>,
    pub campaign: Option<String>,
    /// `None`: chosen from the range's length.
    pub bucket: Option<TrendBucket>,
}

/// The query-string form; absent parts are left out of the URL.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DashQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn day(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

impl DashParams {
    pub fn from_query(q: &DashQuery) -> DashParams {
        let range = match (day(&q.from), day(&q.to)) {
            (Some(from), Some(to)) => Range::Days { from, to },
            _ => q
                .range
                .as_deref()
                .and_then(Preset::parse)
                .map(Range::Preset)
                .unwrap_or_default(),
        };
        DashParams {
            range,
            team: non_empty(&q.team),
            owner: non_empty(&q.owner),
            source: q.source.as_deref().and_then(Channel::parse),
            campaign: non_empty(&q.campaign),
            bucket: q.bucket.as_deref().and_then(TrendBucket::parse),
        }
    }

    pub fn to_query(&self) -> DashQuery {
        let (range, from, to) = match self.range {
            Range::Preset(Preset::ThisMonth) => (None, None, None),
            Range::Preset(p) => (Some(p.as_str().to_owned()), None, None),
            Range::Days { from, to } => (None, Some(from.to_string()), Some(to.to_string())),
        };
        DashQuery {
            range,
            from,
            to,
            team: self.team.clone(),
            owner: self.owner.clone(),
            source: self.source.map(|c| c.as_str().to_owned()),
            campaign: self.campaign.clone(),
            bucket: self.bucket.map(|b| b.as_str().to_owned()),
        }
    }

    /// First and last local day (inclusive).
    pub fn days(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self.range {
            Range::Preset(p) => p.days(today),
            Range::Days { from, to } => (from, to),
        }
    }

    /// The trend's grouping: the chosen one, else days up to two months, weeks up to a
    /// year, months beyond.
    pub fn bucket(&self, today: NaiveDate) -> TrendBucket {
        if let Some(b) = self.bucket {
            return b;
        }
        let (from, to) = self.days(today);
        match (to - from).num_days() {
            ..=62 => TrendBucket::Day,
            63..=366 => TrendBucket::Week,
            _ => TrendBucket::Month,
        }
    }

    /// The server's filter, with days starting at local midnight `utc_offset_minutes`
    /// east of UTC. `owner` is forced for a rep's own view.
    pub fn filter(&self, today: NaiveDate, utc_offset_minutes: i32) -> AnalyticsFilter {
        let (from, to) = self.days(today);
        AnalyticsFilter {
            from: local_midnight(from, utc_offset_minutes),
            to: local_midnight(to + Duration::days(1), utc_offset_minutes),
            team_id: self.team.clone(),
            owner_id: self.owner.clone(),
            source: self.source,
            campaign_id: self.campaign.clone(),
            bucket: self.bucket(today),
            utc_offset_minutes,
        }
    }

    /// Whether anything beyond the range narrows the numbers.
    pub fn is_narrowed(&self) -> bool {
        self.team.is_some()
            || self.owner.is_some()
            || self.source.is_some()
            || self.campaign.is_some()
    }
}

/// The instant local midnight of `day` is, `offset` minutes east of UTC.
pub fn local_midnight(day: NaiveDate, offset_minutes: i32) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    naive.and_utc() - Duration::minutes(i64::from(offset_minutes))
}

/// The browser's today and its offset from UTC (minutes east), from `Date`.
pub fn browser_today() -> (NaiveDate, i32) {
    let now = js_sys::Date::new_0();
    let offset = -(now.get_timezone_offset() as i32);
    let today = NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default();
    (today, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn presets_end_today() {
        let today = d(2026, 11, 22);
        assert_eq!(Preset::ThisMonth.days(today), (d(2026, 11, 1), today));
        assert_eq!(Preset::Last30Days.days(today), (d(2026, 10, 24), today));
        assert_eq!(Preset::ThisQuarter.days(today), (d(2026, 10, 1), today));
        assert_eq!(Preset::ThisYear.days(today), (d(2026, 1, 1), today));
    }

    #[test]
    fn params_round_trip_and_junk_is_dropped() {
        let params = DashParams {
            range: Range::Days {
                from: d(2026, 11, 1),
                to: d(2026, 11, 30),
            },
            team: Some("t1".into()),
            owner: None,
            source: Some(Channel::PaidAds),
            campaign: None,
            bucket: Some(TrendBucket::Week),
        };
        assert_eq!(DashParams::from_query(&params.to_query()), params);
        assert_eq!(DashParams::default().to_query(), DashQuery::default());
        let junk = DashQuery {
            range: Some("forever".into()),
            from: Some("yesterday".into()),
            source: Some("pigeon".into()),
            team: Some(" ".into()),
            ..DashQuery::default()
        };
        assert_eq!(DashParams::from_query(&junk), DashParams::default());
    }

    #[test]
    fn days_become_local_midnights() {
        let params = DashParams {
            range: Range::Days {
                from: d(2026, 11, 1),
                to: d(2026, 11, 30),
            },
            ..DashParams::default()
        };
        let f = params.filter(d(2026, 11, 22), 480);
        assert_eq!(f.from.to_rfc3339(), "2026-10-31T16:00:00+00:00");
        assert_eq!(f.to.to_rfc3339(), "2026-11-30T16:00:00+00:00");
        assert_eq!(f.bucket, TrendBucket::Day);
        assert_eq!(f.utc_offset_minutes, 480);
        let year = DashParams {
            range: Range::Preset(Preset::ThisYear),
            ..DashParams::default()
        };
        assert_eq!(year.bucket(d(2026, 11, 22)), TrendBucket::Week);
    }
}
