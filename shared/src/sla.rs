//! Service levels for the first contact: how long a new owner has, counted in the
//! team's business hours, before a reminder, an escalation and a recycle.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::routing::{WorkingHours, MAX_PERIODS};
use crate::scoring::RuleError;
use crate::UserErrorCode;

/// The longest policy name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest a threshold may be: 30 days' worth of business minutes (43 200). Even
/// a team working one hour a week reaches it, so no clock runs for ever.
pub const MAX_THRESHOLD_MINUTES: u32 = 60 * 24 * 30;
/// The longest inactivity period, in calendar days.
pub const MAX_INACTIVITY_DAYS: u32 = 365;
/// How far a team's clock may be from UTC, either way, in minutes (14 hours).
pub const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;

/// Where a lead's first-contact clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SlaState {
    /// Waiting for the first contact; no threshold passed yet.
    Running,
    /// The first threshold passed: the owner was reminded.
    Reminded,
    /// The second threshold passed: the manager was told.
    Escalated,
    /// The owner contacted the lead in time (or late, after a reminder).
    Met,
    /// The third threshold passed: the lead went back to the pool or was re-routed.
    Recycled,
    /// The lead left its owner another way (reassigned, released, closed).
    Cancelled,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Running => "running",
            SlaState::Reminded => "reminded",
            SlaState::Escalated => "escalated",
            SlaState::Met => "met",
            SlaState::Recycled => "recycled",
            SlaState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<SlaState> {
        [
            SlaState::Running,
            SlaState::Reminded,
            SlaState::Escalated,
            SlaState::Met,
            SlaState::Recycled,
            SlaState::Cancelled,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// Still counting: no first contact and not recycled or cancelled.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            SlaState::Running | SlaState::Reminded | SlaState::Escalated
        )
    }
}

/// What the third threshold does with a lead nobody contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[cfg_attr(feature = "graphql", graphql(name = "SlaRecycleAction"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecycleAction {
    /// Back to the claim pool.
    #[default]
    Pool,
    /// Through the routing rules again, skipping the owner who let it wait.
    Reroute,
}

impl RecycleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RecycleAction::Pool => "pool",
            RecycleAction::Reroute => "reroute",
        }
    }

    pub fn parse(s: &str) -> Option<RecycleAction> {
        [RecycleAction::Pool, RecycleAction::Reroute]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// A first-contact service level as an admin defines it. Thresholds are business
/// minutes after the assignment, in increasing order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaPolicy {
    pub name: String,
    /// The business calendar the minutes are counted in.
    pub working_hours: WorkingHours,
    pub remind_after_minutes: u32,
    pub escalate_after_minutes: u32,
    pub recycle_after_minutes: u32,
    #[serde(default)]
    pub recycle_action: RecycleAction,
    /// Open leads with no activity for this many (calendar) days go back to the pool;
    /// `None`: never.
    #[serde(default)]
    pub inactivity_days: Option<u32>,
}

impl SlaPolicy {
    /// Every problem, by JSON path (`workingHours.periods[0].from`,
    /// `escalateAfterMinutes`): no working hours, thresholds out of order or zero,
    /// absurd values, a blank name.
    ///
    /// The order of the thresholds is only checked between values that are themselves
    /// in range, so a manager sees one message per field.
    pub fn validate(&self) -> Result<(), Vec<RuleError>> {
        let mut problems = Vec::new();
        let mut push = |path: String, code: UserErrorCode, message: String| {
            problems.push(RuleError {
                path,
                code,
                message,
            });
        };

        let name = self.name.trim();
        if name.is_empty() {
            push(
                "name".into(),
                UserErrorCode::Required,
                "the policy needs a name".into(),
            );
        } else if name.chars().count() > MAX_NAME_CHARS {
            push(
                "name".into(),
                UserErrorCode::Invalid,
                format!("the name is at most {MAX_NAME_CHARS} characters"),
            );
        }

        let hours = &self.working_hours;
        if !(-MAX_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES).contains(&hours.utc_offset_minutes) {
            push(
                "workingHours.utcOffsetMinutes".into(),
                UserErrorCode::Invalid,
                format!(
                    "the time zone is between -{MAX_UTC_OFFSET_MINUTES} and \
                     +{MAX_UTC_OFFSET_MINUTES} minutes from UTC"
                ),
            );
        }
        if hours.periods.len() > MAX_PERIODS {
            push(
                "workingHours.periods".into(),
                UserErrorCode::Invalid,
                format!("a calendar has at most {MAX_PERIODS} periods"),
            );
        }
        if Schedule::new(hours).weekly_seconds == 0 {
            push(
                "workingHours.periods".into(),
                UserErrorCode::Required,
                "the calendar has no working hours, so the clock would never run; add at \
                 least one period"
                    .into(),
            );
        }
        for (k, period) in hours.periods.iter().enumerate() {
            let at = format!("workingHours.periods[{k}]");
            if period.days.is_empty() {
                push(
                    format!("{at}.days"),
                    UserErrorCode::Required,
                    "pick at least one day".into(),
                );
            }
            let from = parse_clock(&period.from, false)
                .map_err(|m| push(format!("{at}.from"), UserErrorCode::Invalid, m))
                .ok();
            let to = parse_clock(&period.to, true)
                .map_err(|m| push(format!("{at}.to"), UserErrorCode::Invalid, m))
                .ok();
            if let (Some(from), Some(to)) = (from, to) {
                if from >= to {
                    push(
                        format!("{at}.to"),
                        UserErrorCode::Invalid,
                        "the period must end after it starts; split a night shift in two \
                         at midnight"
                            .into(),
                    );
                }
            }
        }

        let thresholds = [
            (
                "remindAfterMinutes",
                "the reminder",
                self.remind_after_minutes,
            ),
            (
                "escalateAfterMinutes",
                "the escalation",
                self.escalate_after_minutes,
            ),
            (
                "recycleAfterMinutes",
                "the recycle",
                self.recycle_after_minutes,
            ),
        ];
        let in_range = |minutes: u32| (1..=MAX_THRESHOLD_MINUTES).contains(&minutes);
        for (k, &(path, what, minutes)) in thresholds.iter().enumerate() {
            if minutes == 0 {
                push(
                    path.into(),
                    UserErrorCode::Invalid,
                    format!("{what} comes at least 1 business minute after the assignment"),
                );
            } else if minutes > MAX_THRESHOLD_MINUTES {
                push(
                    path.into(),
                    UserErrorCode::Invalid,
                    format!(
                        "{what} comes at most {MAX_THRESHOLD_MINUTES} business minutes \
                         after the assignment"
                    ),
                );
            } else if let Some(&(_, before, earlier)) = k.checked_sub(1).map(|j| &thresholds[j]) {
                if in_range(earlier) && minutes <= earlier {
                    push(
                        path.into(),
                        UserErrorCode::Invalid,
                        format!(
                            "{what} must come after {before} ({earlier} minutes); got \
                             {minutes}"
                        ),
                    );
                }
            }
        }

        if let Some(days) = self.inactivity_days {
            if !(1..=MAX_INACTIVITY_DAYS).contains(&days) {
                push(
                    "inactivityDays".into(),
                    UserErrorCode::Invalid,
                    format!(
                        "inactivity is between 1 and {MAX_INACTIVITY_DAYS} days; leave it \
                         empty to never recycle idle leads"
                    ),
                );
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// The instant `minutes` business minutes after `start`, counting only time inside
/// `hours`. A start outside business hours counts from the next opening. Calendars
/// without any working time are refused by validation; given one, this returns
/// `None`.
///
/// - The answer is the earliest instant at which the count is reached, so a count that
///   runs out exactly at closing time lands on the closing time (Friday 17:00 plus 60
///   minutes is Friday 18:00, not Monday 09:00).
/// - `minutes == 0` gives `start` itself when the team is working at `start`, and
///   otherwise the next opening (the moment the clock would start running).
/// - Seconds are kept: 09:00:30 plus one minute is 09:01:30.
/// - Periods that validation would refuse (a malformed time, an end before the start)
///   are left out of the calendar. `None` also comes back, rather than a panic, for an
///   answer beyond the dates the system can represent.
///
/// The work is proportional to the number of periods in a week, whatever `minutes`.
pub fn add_business_minutes(
    start: DateTime<Utc>,
    minutes: u32,
    hours: &WorkingHours,
) -> Option<DateTime<Utc>> {
    let schedule = Schedule::new(hours);
    if schedule.weekly_seconds == 0 {
        return None;
    }
    // Any seven consecutive days hold exactly one week of working time. Skip whole
    // weeks while more than a week's worth remains, keeping the rest in (0, a week].
    let mut remaining = i64::from(minutes) * 60;
    let weeks = if remaining > 0 {
        (remaining - 1) / schedule.weekly_seconds
    } else {
        0
    };
    remaining -= weeks * schedule.weekly_seconds;
    let mut cursor = start.checked_add_signed(TimeDelta::try_weeks(weeks)?)?;
    let mut remaining = TimeDelta::try_seconds(remaining)?;
    // The first stretch may be cut short by the start; the spans of the following
    // week then hold at least a week of working time.
    for _ in 0..schedule.spans.len() + 2 {
        let (open, close) = schedule.stretch_at(cursor)?;
        let available = close - open;
        if remaining <= available {
            return open.checked_add_signed(remaining);
        }
        remaining -= available;
        cursor = close;
    }
    None
}

/// Business minutes (whole, rounded down) between `from` and `to`; 0 when `to` is not
/// after `from`.
///
/// Counts the working time inside `[from, to)`, to the nanosecond, then rounds down:
/// from 09:00:30 to 09:02:00 is one minute. A calendar without working time gives 0.
/// The work is proportional to the number of periods in a week, however long the
/// range.
pub fn business_minutes_between(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    hours: &WorkingHours,
) -> i64 {
    if to <= from {
        return 0;
    }
    let schedule = Schedule::new(hours);
    if schedule.weekly_seconds == 0 {
        return 0;
    }
    let weeks = (to - from).num_seconds() / SECONDS_PER_WEEK;
    // Whole weeks hold a whole number of minutes, as every period starts and ends on a
    // minute.
    let whole_weeks = weeks * (schedule.weekly_seconds / 60);
    let Some(mut cursor) = TimeDelta::try_weeks(weeks).and_then(|w| from.checked_add_signed(w))
    else {
        return whole_weeks;
    };
    // Less than a week remains: at most one partial stretch and a week of spans.
    let mut worked = TimeDelta::zero();
    for _ in 0..schedule.spans.len() + 2 {
        let Some((open, close)) = schedule.stretch_at(cursor) else {
            break;
        };
        if open >= to {
            break;
        }
        worked += close.min(to) - open;
        cursor = close;
    }
    whole_weeks + worked.num_minutes()
}

const SECONDS_PER_DAY: i64 = 86_400;
const SECONDS_PER_WEEK: i64 = 7 * SECONDS_PER_DAY;
/// 1 January 1970 was a Thursday: three days after a Monday.
const EPOCH_DAYS_AFTER_MONDAY: i64 = 3;

/// A calendar as one week of working time: spans in seconds from Monday 00:00 on the
/// team's clock, sorted, overlaps and touching periods merged (a night shift split at
/// midnight becomes one span again, except from Sunday into Monday).
#[derive(Debug, Clone)]
struct Schedule {
    offset_seconds: i64,
    spans: Vec<(i64, i64)>,
    weekly_seconds: i64,
}

impl Schedule {
    /// Leaves out what validation refuses: periods with a malformed time, no days, or
    /// an end not after the start.
    fn new(hours: &WorkingHours) -> Schedule {
        let mut spans = Vec::new();
        for period in &hours.periods {
            let (Ok(from), Ok(to)) = (
                parse_clock(&period.from, false),
                parse_clock(&period.to, true),
            ) else {
                continue;
            };
            if from >= to {
                continue;
            }
            let days = period
                .days
                .iter()
                .fold(0u8, |bits, d| bits | 1 << (*d as u8));
            for day in 0..7i64 {
                if days & (1 << day) != 0 {
                    let midnight = day * SECONDS_PER_DAY;
                    spans.push((
                        midnight + i64::from(from) * 60,
                        midnight + i64::from(to) * 60,
                    ));
                }
            }
        }
        spans.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
        for (from, to) in spans {
            match merged.last_mut() {
                Some(last) if from <= last.1 => last.1 = last.1.max(to),
                _ => merged.push((from, to)),
            }
        }
        Schedule {
            offset_seconds: i64::from(hours.utc_offset_minutes) * 60,
            weekly_seconds: merged.iter().map(|(from, to)| to - from).sum(),
            spans: merged,
        }
    }

    /// The stretch of working time that `at` falls in, from `at`, or else the next one,
    /// from its opening: `(start, end)`, with `start >= at`. `None` for a calendar
    /// without working time, or past the last representable date.
    fn stretch_at(&self, at: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let seconds = at.timestamp();
        // Whole seconds suffice: spans start and end on whole seconds, so `at` is inside
        // one exactly when its second is.
        let in_week = (seconds + self.offset_seconds + EPOCH_DAYS_AFTER_MONDAY * SECONDS_PER_DAY)
            .rem_euclid(SECONDS_PER_WEEK);
        let monday = seconds - in_week;
        let (monday, (from, to)) = match self.spans.iter().find(|&&(_, to)| to > in_week) {
            Some(&span) => (monday, span),
            None => (monday + SECONDS_PER_WEEK, *self.spans.first()?),
        };
        let start = if monday + from <= seconds {
            at
        } else {
            DateTime::from_timestamp(monday + from, 0)?
        };
        Some((start, DateTime::from_timestamp(monday + to, 0)?))
    }
}

/// `HH:MM` → minutes from midnight; `24:00` only as an end. The same reading as the
/// routing rules' working hours, so one calendar means the same in both.
fn parse_clock(text: &str, end: bool) -> Result<u32, String> {
    let text = text.trim();
    let bad = || format!("'{text}' is not a time like 09:00");
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    match (h, m) {
        (24, 0) if end => Ok(24 * 60),
        (0..=23, 0..=59) => Ok(h * 60 + m),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Weekday, WorkingPeriod};
    use chrono::{NaiveDateTime, TimeZone};
    use proptest::prelude::{prop_assert, prop_assert_eq, proptest};
    use proptest::strategy::Strategy;

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];

    fn period(days: &[Weekday], from: &str, to: &str) -> WorkingPeriod {
        WorkingPeriod {
            days: days.to_vec(),
            from: from.into(),
            to: to.into(),
        }
    }

    fn calendar(offset: i32, periods: Vec<WorkingPeriod>) -> WorkingHours {
        WorkingHours {
            utc_offset_minutes: offset,
            periods,
        }
    }

    /// Asia/Shanghai, Monday to Friday, 09:00–18:00.
    fn office() -> WorkingHours {
        calendar(480, vec![period(&WEEKDAYS, "09:00", "18:00")])
    }

    /// Office hours with a lunch break.
    fn lunch() -> WorkingHours {
        calendar(
            480,
            vec![
                period(&WEEKDAYS, "09:00", "12:00"),
                period(&WEEKDAYS, "13:00", "18:00"),
            ],
        )
    }

    /// A night desk from 22:00 to 06:00, Monday night to Saturday morning.
    fn nights() -> WorkingHours {
        calendar(
            480,
            vec![
                period(&WEEKDAYS, "22:00", "24:00"),
                period(
                    &[
                        Weekday::Tuesday,
                        Weekday::Wednesday,
                        Weekday::Thursday,
                        Weekday::Friday,
                        Weekday::Saturday,
                    ],
                    "00:00",
                    "06:00",
                ),
            ],
        )
    }

    /// Weekends only, all day.
    fn weekends() -> WorkingHours {
        calendar(
            480,
            vec![period(
                &[Weekday::Saturday, Weekday::Sunday],
                "00:00",
                "24:00",
            )],
        )
    }

    fn always(offset: i32) -> WorkingHours {
        calendar(offset, vec![period(&Weekday::ALL, "00:00", "24:00")])
    }

    /// A local time on a calendar's clock: `2024-06-07 17:30` or `… 17:30:15`.
    fn local(hours: &WorkingHours, text: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        Utc.from_utc_datetime(&naive) - TimeDelta::minutes(i64::from(hours.utc_offset_minutes))
    }

    /// What, calendar, local start, minutes, local answer.
    type Case = (
        &'static str,
        fn() -> WorkingHours,
        &'static str,
        u32,
        &'static str,
    );

    // 2024-06-07 is a Friday; 2024-06-10 a Monday.
    #[test]
    fn adding_business_minutes() {
        let cases: [Case; 29] = [
            (
                "over the weekend",
                office,
                "2024-06-07 17:30",
                60,
                "2024-06-10 09:30",
            ),
            (
                "up to closing time",
                office,
                "2024-06-07 17:00",
                60,
                "2024-06-07 18:00",
            ),
            (
                "within the day",
                office,
                "2024-06-10 10:15",
                100,
                "2024-06-10 11:55",
            ),
            (
                "seconds are kept",
                office,
                "2024-06-10 09:00:30",
                1,
                "2024-06-10 09:01:30",
            ),
            (
                "zero, inside",
                office,
                "2024-06-12 12:34:56",
                0,
                "2024-06-12 12:34:56",
            ),
            (
                "zero, at opening",
                office,
                "2024-06-10 09:00",
                0,
                "2024-06-10 09:00",
            ),
            (
                "zero, before opening",
                office,
                "2024-06-10 08:59:59",
                0,
                "2024-06-10 09:00",
            ),
            (
                "zero, at closing",
                office,
                "2024-06-07 18:00",
                0,
                "2024-06-10 09:00",
            ),
            (
                "zero, on Saturday",
                office,
                "2024-06-08 10:00",
                0,
                "2024-06-10 09:00",
            ),
            (
                "from Saturday",
                office,
                "2024-06-08 10:00",
                45,
                "2024-06-10 09:45",
            ),
            (
                "from Sunday night",
                office,
                "2024-06-09 23:00",
                540,
                "2024-06-10 18:00",
            ),
            (
                "before opening",
                office,
                "2024-06-11 07:00",
                30,
                "2024-06-11 09:30",
            ),
            (
                "one working week",
                office,
                "2024-06-10 09:00",
                5 * 540,
                "2024-06-14 18:00",
            ),
            (
                "a week and a minute",
                office,
                "2024-06-10 09:00",
                5 * 540 + 1,
                "2024-06-17 09:01",
            ),
            (
                "two weeks",
                office,
                "2024-06-10 09:00",
                10 * 540,
                "2024-06-21 18:00",
            ),
            (
                "sixteen weeks",
                office,
                "2024-06-10 12:00",
                43_200,
                "2024-09-30 12:00",
            ),
            (
                "into lunch",
                lunch,
                "2024-06-10 11:30",
                60,
                "2024-06-10 13:30",
            ),
            (
                "up to lunch",
                lunch,
                "2024-06-10 11:00",
                60,
                "2024-06-10 12:00",
            ),
            (
                "from lunch",
                lunch,
                "2024-06-10 12:15",
                10,
                "2024-06-10 13:10",
            ),
            (
                "zero at lunch",
                lunch,
                "2024-06-10 12:00",
                0,
                "2024-06-10 13:00",
            ),
            (
                "lunch and weekend",
                lunch,
                "2024-06-07 17:50",
                500,
                "2024-06-11 09:10",
            ),
            (
                "across midnight",
                nights,
                "2024-06-10 23:30",
                60,
                "2024-06-11 00:30",
            ),
            (
                "to the last morning",
                nights,
                "2024-06-14 23:00",
                420,
                "2024-06-15 06:00",
            ),
            (
                "to the next week",
                nights,
                "2024-06-14 23:00",
                421,
                "2024-06-17 22:01",
            ),
            (
                "zero by day",
                nights,
                "2024-06-10 12:00",
                0,
                "2024-06-10 22:00",
            ),
            (
                "24:00, Saturday night",
                weekends,
                "2024-06-08 23:59",
                2,
                "2024-06-09 00:01",
            ),
            (
                "24:00, Sunday night",
                weekends,
                "2024-06-09 23:00",
                61,
                "2024-06-15 00:01",
            ),
            (
                "24:00, whole weekend",
                weekends,
                "2024-06-12 10:00",
                2880,
                "2024-06-16 24:00",
            ),
            (
                "round the clock",
                || always(480),
                "2024-06-09 23:59:30",
                1,
                "2024-06-10 00:00:30",
            ),
        ];
        for (what, hours, start, minutes, want) in cases {
            let hours = hours();
            let want = if want.ends_with("24:00") {
                local(&hours, &want.replace("24:00", "00:00")) + TimeDelta::days(1)
            } else {
                local(&hours, want)
            };
            let start = local(&hours, start);
            assert_eq!(
                add_business_minutes(start, minutes, &hours),
                Some(want),
                "{what}"
            );
            assert_eq!(
                business_minutes_between(start, want, &hours),
                i64::from(minutes),
                "{what}"
            );
        }
    }

    #[test]
    fn other_time_zones_count_on_their_own_clock() {
        for offset in [-720, -300, 0, 330, 840] {
            let mut hours = office();
            hours.utc_offset_minutes = offset;
            let start = local(&hours, "2024-06-07 17:30");
            assert_eq!(
                add_business_minutes(start, 60, &hours),
                Some(local(&hours, "2024-06-10 09:30")),
                "offset {offset}"
            );
        }
        // Friday 17:30 in Shanghai is Friday 09:30 in UTC.
        let utc = calendar(0, vec![period(&WEEKDAYS, "09:00", "18:00")]);
        let start = local(&office(), "2024-06-07 17:30");
        assert_eq!(
            add_business_minutes(start, 60, &utc),
            Some(local(&utc, "2024-06-07 10:30"))
        );
    }

    #[test]
    fn overlapping_and_repeated_periods_count_once() {
        let messy = calendar(
            480,
            vec![
                period(&[Weekday::Monday, Weekday::Monday], "09:00", "12:00"),
                period(&[Weekday::Monday], "11:00", "18:00"),
                period(&[Weekday::Monday], "10:00", "10:30"),
                period(&[Weekday::Monday], "18:00", "19:00"),
            ],
        );
        let monday = local(&messy, "2024-06-10 00:00");
        let next = local(&messy, "2024-06-17 00:00");
        assert_eq!(business_minutes_between(monday, next, &messy), 600);
        assert_eq!(
            add_business_minutes(monday, 600, &messy),
            Some(local(&messy, "2024-06-10 19:00"))
        );
        assert_eq!(
            add_business_minutes(monday, 601, &messy),
            Some(local(&messy, "2024-06-17 09:01"))
        );
    }

    #[test]
    fn counting_between_two_instants() {
        let hours = office();
        let at = |text| local(&hours, text);
        let cases = [
            ("reversed", "2024-06-10 12:00", "2024-06-10 10:00", 0),
            ("empty", "2024-06-10 12:00", "2024-06-10 12:00", 0),
            ("weekend", "2024-06-08 00:00", "2024-06-10 09:00", 0),
            ("rounded down", "2024-06-10 09:00:30", "2024-06-10 09:02", 1),
            (
                "under a minute",
                "2024-06-10 09:00:01",
                "2024-06-10 09:01",
                0,
            ),
            (
                "over the weekend",
                "2024-06-07 17:30",
                "2024-06-10 09:30",
                60,
            ),
            ("a day", "2024-06-10 00:00", "2024-06-11 00:00", 540),
            // June 2024 has 20 weekdays, the year 2024 has 262.
            ("June", "2024-06-01 00:00", "2024-07-01 00:00", 20 * 540),
            ("2024", "2024-01-01 00:00", "2025-01-01 00:00", 262 * 540),
        ];
        for (what, from, to, want) in cases {
            assert_eq!(
                business_minutes_between(at(from), at(to), &hours),
                want,
                "{what}"
            );
        }
        let lunch = lunch();
        assert_eq!(
            business_minutes_between(
                local(&lunch, "2024-06-10 11:00"),
                local(&lunch, "2024-06-10 14:00"),
                &lunch
            ),
            120
        );
        let nights = nights();
        assert_eq!(
            business_minutes_between(
                local(&nights, "2024-06-10 00:00"),
                local(&nights, "2024-06-17 00:00"),
                &nights
            ),
            5 * 480
        );
        let start = local(&always(0), "2024-01-01 00:00");
        let end = local(&always(0), "2034-01-01 00:00");
        assert_eq!(
            business_minutes_between(start, end, &always(0)),
            (end - start).num_minutes()
        );
    }

    #[test]
    fn calendars_without_working_time() {
        let start = local(&office(), "2024-06-10 10:00");
        let later = local(&office(), "2024-07-10 10:00");
        let empty = [
            calendar(480, vec![]),
            calendar(480, vec![period(&WEEKDAYS, "09:00", "09:00")]),
            calendar(480, vec![period(&WEEKDAYS, "18:00", "09:00")]),
            calendar(480, vec![period(&[], "09:00", "18:00")]),
            calendar(480, vec![period(&WEEKDAYS, "9am", "18:00")]),
            calendar(480, vec![period(&WEEKDAYS, "24:00", "24:00")]),
        ];
        for hours in empty {
            assert_eq!(add_business_minutes(start, 0, &hours), None, "{hours:?}");
            assert_eq!(add_business_minutes(start, 60, &hours), None, "{hours:?}");
            assert_eq!(business_minutes_between(start, later, &hours), 0);
        }
        // Broken periods are left out; the rest still counts.
        let partly = calendar(
            480,
            vec![
                period(&WEEKDAYS, "9am", "18:00"),
                period(&WEEKDAYS, "09:00", "18:00"),
            ],
        );
        assert_eq!(
            add_business_minutes(start, 60, &partly),
            Some(local(&partly, "2024-06-10 11:00"))
        );
    }

    #[test]
    fn answers_beyond_the_calendar_are_none_not_a_panic() {
        let sparse = calendar(-840, vec![period(&[Weekday::Sunday], "23:59", "24:00")]);
        let start = DateTime::<Utc>::MAX_UTC - TimeDelta::days(30);
        assert_eq!(add_business_minutes(start, u32::MAX, &sparse), None);
        assert_eq!(
            add_business_minutes(DateTime::<Utc>::MAX_UTC, 1, &office()),
            None
        );
        // One minute a week over the whole representable range, without walking it.
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        let weeks = (last - first).num_seconds() / SECONDS_PER_WEEK;
        let counted = business_minutes_between(first, last, &sparse);
        assert!(
            (weeks..=weeks + 1).contains(&counted),
            "{counted} for {weeks} weeks"
        );
        // Far but representable: one minute a week for 4 294 967 295 weeks is too far;
        // a million minutes is not.
        let now = local(&office(), "2024-06-10 09:00");
        let due = add_business_minutes(now, 1_000_000, &sparse).unwrap();
        assert_eq!(business_minutes_between(now, due, &sparse), 1_000_000);
    }

    fn policy() -> SlaPolicy {
        SlaPolicy {
            name: "New web leads".into(),
            working_hours: office(),
            remind_after_minutes: 30,
            escalate_after_minutes: 120,
            recycle_after_minutes: 480,
            recycle_action: RecycleAction::Reroute,
            inactivity_days: Some(14),
        }
    }

    fn problems(policy: &SlaPolicy) -> Vec<(String, UserErrorCode, String)> {
        match policy.validate() {
            Ok(()) => vec![],
            Err(errors) => errors
                .into_iter()
                .map(|e| (e.path, e.code, e.message))
                .collect(),
        }
    }

    fn paths(policy: &SlaPolicy) -> Vec<String> {
        problems(policy).into_iter().map(|p| p.0).collect()
    }

    #[test]
    fn a_sensible_policy_is_valid() {
        assert_eq!(policy().validate(), Ok(()));
        let edges = SlaPolicy {
            name: "x".repeat(MAX_NAME_CHARS),
            working_hours: calendar(-840, vec![period(&Weekday::ALL, "00:00", "24:00")]),
            remind_after_minutes: 1,
            escalate_after_minutes: 2,
            recycle_after_minutes: MAX_THRESHOLD_MINUTES,
            inactivity_days: Some(MAX_INACTIVITY_DAYS),
            ..policy()
        };
        assert_eq!(edges.validate(), Ok(()));
        let never_idle = SlaPolicy {
            inactivity_days: None,
            working_hours: calendar(840, nights().periods),
            ..policy()
        };
        assert_eq!(never_idle.validate(), Ok(()));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let broken = SlaPolicy {
            name: "  ".into(),
            working_hours: calendar(
                900,
                vec![
                    period(&[], "9:00", "24:00"),
                    period(&WEEKDAYS, "18:00", "09:00"),
                    period(&WEEKDAYS, "24:00", "9am"),
                    period(&WEEKDAYS, "10:00", "10:00"),
                ],
            ),
            remind_after_minutes: 0,
            escalate_after_minutes: 60,
            recycle_after_minutes: 60,
            recycle_action: RecycleAction::Pool,
            inactivity_days: Some(0),
        };
        let got = problems(&broken);
        let reported: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            reported,
            [
                "name",
                "workingHours.utcOffsetMinutes",
                "workingHours.periods",
                "workingHours.periods[0].days",
                "workingHours.periods[1].to",
                "workingHours.periods[2].from",
                "workingHours.periods[2].to",
                "workingHours.periods[3].to",
                "remindAfterMinutes",
                "recycleAfterMinutes",
                "inactivityDays",
            ],
            "{got:#?}"
        );
        let message = |path: &str| &got.iter().find(|p| p.0 == path).unwrap().2;
        let code = |path: &str| got.iter().find(|p| p.0 == path).unwrap().1;
        assert_eq!(code("name"), UserErrorCode::Required);
        assert_eq!(code("workingHours.periods"), UserErrorCode::Required);
        assert_eq!(
            code("workingHours.periods[0].days"),
            UserErrorCode::Required
        );
        assert_eq!(code("remindAfterMinutes"), UserErrorCode::Invalid);
        assert!(message("workingHours.periods").contains("the calendar has no working hours"));
        assert!(message("workingHours.periods[1].to").contains("must end after it starts"));
        assert!(message("workingHours.periods[2].from").contains("'24:00' is not a time"));
        assert!(message("workingHours.periods[2].to").contains("'9am' is not a time"));
        assert!(message("remindAfterMinutes").contains("at least 1"));
        assert!(message("recycleAfterMinutes").contains("after the escalation (60 minutes)"));
        assert!(message("inactivityDays").contains("between 1 and 365"));
    }

    #[test]
    fn names_and_limits() {
        let long = SlaPolicy {
            name: format!(" {} ", "名".repeat(MAX_NAME_CHARS + 1)),
            ..policy()
        };
        assert_eq!(paths(&long), ["name"]);
        assert!(problems(&long)[0].2.contains("at most 100 characters"));

        let west = SlaPolicy {
            working_hours: calendar(-841, office().periods),
            ..policy()
        };
        assert_eq!(paths(&west), ["workingHours.utcOffsetMinutes"]);

        let crowded = SlaPolicy {
            working_hours: calendar(480, vec![period(&WEEKDAYS, "09:00", "18:00"); 29]),
            ..policy()
        };
        assert_eq!(paths(&crowded), ["workingHours.periods"]);

        let no_periods = SlaPolicy {
            working_hours: calendar(480, vec![]),
            ..policy()
        };
        assert_eq!(paths(&no_periods), ["workingHours.periods"]);

        let idle = SlaPolicy {
            inactivity_days: Some(366),
            ..policy()
        };
        assert_eq!(paths(&idle), ["inactivityDays"]);
    }

    #[test]
    fn thresholds_must_be_in_range_and_in_order() {
        let with = |remind, escalate, recycle| SlaPolicy {
            remind_after_minutes: remind,
            escalate_after_minutes: escalate,
            recycle_after_minutes: recycle,
            ..policy()
        };
        let too_long = MAX_THRESHOLD_MINUTES + 1;
        let cases: [(u32, u32, u32, &[&str]); 9] = [
            (30, 120, 480, &[]),
            (30, 30, 480, &["escalateAfterMinutes"]),
            (60, 30, 480, &["escalateAfterMinutes"]),
            (30, 480, 120, &["recycleAfterMinutes"]),
            (
                480,
                120,
                30,
                &["escalateAfterMinutes", "recycleAfterMinutes"],
            ),
            (
                0,
                0,
                0,
                &[
                    "remindAfterMinutes",
                    "escalateAfterMinutes",
                    "recycleAfterMinutes",
                ],
            ),
            (30, 120, too_long, &["recycleAfterMinutes"]),
            // An out-of-range value is reported once, not also as out of order.
            (too_long, 120, 480, &["remindAfterMinutes"]),
            (30, too_long, 480, &["escalateAfterMinutes"]),
        ];
        for (remind, escalate, recycle, want) in cases {
            assert_eq!(
                paths(&with(remind, escalate, recycle)),
                want,
                "{remind} / {escalate} / {recycle}"
            );
        }
        let late = problems(&with(30, 120, too_long));
        assert!(
            late[0].2.contains("at most 43200 business minutes"),
            "{late:?}"
        );
    }

    // -----------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------

    fn clock(minutes: u32) -> String {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }

    /// Calendars with one to four periods, any days, any minutes (`24:00` included),
    /// any offset validation accepts; periods may overlap.
    fn arb_calendar() -> impl Strategy<Value = WorkingHours> {
        let period = (1u8..128, 0u32..1440, 1u32..=1440).prop_map(|(days, from, length)| {
            let to = (from + length).min(1440);
            WorkingPeriod {
                days: Weekday::ALL
                    .into_iter()
                    .filter(|d| days & 1 << (*d as u8) != 0)
                    .collect(),
                from: clock(from),
                to: clock(to),
            }
        });
        (
            -MAX_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES,
            proptest::collection::vec(period, 1..5),
        )
            .prop_map(|(offset, periods)| calendar(offset, periods))
    }

    /// Instants from 2000 to 2100, to the millisecond.
    fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (946_684_800i64..4_102_444_800, 0u32..1000)
            .prop_map(|(s, ms)| DateTime::from_timestamp(s, ms * 1_000_000).unwrap())
    }

    /// Whether the team works at `at`, read straight from the periods.
    fn works_at(hours: &WorkingHours, at: DateTime<Utc>) -> bool {
        let local = at.timestamp() + i64::from(hours.utc_offset_minutes) * 60;
        let weekday = (local.div_euclid(SECONDS_PER_DAY) + 3).rem_euclid(7) as u8;
        let minute = (local.rem_euclid(SECONDS_PER_DAY) / 60) as u32;
        hours.periods.iter().any(|p| {
            let (Ok(from), Ok(to)) = (parse_clock(&p.from, false), parse_clock(&p.to, true)) else {
                return false;
            };
            p.days.iter().any(|d| *d as u8 == weekday) && from <= minute && minute < to
        })
    }

    proptest! {
        #[test]
        fn adding_then_counting_gives_the_minutes_back(
            hours in arb_calendar(),
            start in arb_instant(),
            minutes in 0u32..=MAX_THRESHOLD_MINUTES * 3,
        ) {
            let due = add_business_minutes(start, minutes, &hours).unwrap();
            prop_assert!(due >= start);
            prop_assert_eq!(business_minutes_between(start, due, &hours), i64::from(minutes));
            if minutes == 0 {
                // The clock starts at `start` or at the next opening.
                prop_assert!(works_at(&hours, due));
                prop_assert!(due == start || !works_at(&hours, start));
            } else {
                // The count runs out while the team works, not on a closed day.
                prop_assert!(works_at(&hours, due - TimeDelta::nanoseconds(1)));
            }
        }

        #[test]
        fn more_minutes_never_come_sooner(
            hours in arb_calendar(),
            start in arb_instant(),
            a in 0u32..=MAX_THRESHOLD_MINUTES,
            b in 0u32..=MAX_THRESHOLD_MINUTES,
        ) {
            let (fewer, more) = (a.min(b), a.max(b));
            let sooner = add_business_minutes(start, fewer, &hours).unwrap();
            let later = add_business_minutes(start, more, &hours).unwrap();
            prop_assert!(start <= sooner && sooner <= later);
            let one_more = add_business_minutes(start, fewer + 1, &hours).unwrap();
            prop_assert!(one_more > sooner);
        }

        #[test]
        fn counting_agrees_with_the_calendar_minute_by_minute(
            hours in arb_calendar(),
            from in arb_instant(),
            length in 0i64..4 * 24 * 60,
        ) {
            let from = DateTime::from_timestamp(from.timestamp() / 60 * 60, 0).unwrap();
            let to = from + TimeDelta::minutes(length);
            let expected = (0..length)
                .filter(|m| works_at(&hours, from + TimeDelta::minutes(*m)))
                .count() as i64;
            prop_assert_eq!(business_minutes_between(from, to, &hours), expected);
        }

        #[test]
        fn counting_adds_up_across_a_split(
            hours in arb_calendar(),
            from in arb_instant(),
            first in 0i64..90 * 24 * 60,
            second in 0i64..90 * 24 * 60,
        ) {
            // Whole-minute splits keep the rounding exact.
            let from = DateTime::from_timestamp(from.timestamp() / 60 * 60, 0).unwrap();
            let middle = from + TimeDelta::minutes(first);
            let to = middle + TimeDelta::minutes(second);
            prop_assert_eq!(
                business_minutes_between(from, to, &hours),
                business_minutes_between(from, middle, &hours)
                    + business_minutes_between(middle, to, &hours)
            );
        }
    }
}
