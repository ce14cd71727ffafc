//! A business calendar editor: a time zone and periods of weekdays with opening and
//! closing times, the shared [`WorkingHours`]. The routing designer uses it for rules
//! that only apply during office hours, the SLA settings for the calendar the
//! first-contact minutes are counted in.
//!
//! Times stay the text typed (`9:00` half-typed must survive a re-render); the shared
//! routing checks say what is wrong, by JSON path, and [`check`] runs those checks for a
//! calendar on its own.

use leadflow_shared::routing::{
    RoutingRule, RoutingRules, Strategy, Weekday, WorkingHours, WorkingPeriod,
};
use leadflow_shared::scoring::RuleError;
use yew::prelude::*;

use crate::components::form::{input_value, select_value};
use crate::components::icon::{Icon, IconName};
use crate::i18n::{use_i18n, user_error_key, I18n, Key};

/// China Standard Time, the offset new calendars start with.
pub const DEFAULT_UTC_OFFSET: i32 = 480;

/// Monday to Friday, 09:00–18:00, China Standard Time.
pub fn default_hours() -> WorkingHours {
    WorkingHours {
        utc_offset_minutes: DEFAULT_UTC_OFFSET,
        periods: vec![default_period()],
    }
}

fn default_period() -> WorkingPeriod {
    WorkingPeriod {
        days: Weekday::ALL[..5].to_vec(),
        from: "09:00".into(),
        to: "18:00".into(),
    }
}

pub fn weekday_key(day: Weekday) -> Key {
    match day {
        Weekday::Monday => Key::WeekdayMon,
        Weekday::Tuesday => Key::WeekdayTue,
        Weekday::Wednesday => Key::WeekdayWed,
        Weekday::Thursday => Key::WeekdayThu,
        Weekday::Friday => Key::WeekdayFri,
        Weekday::Saturday => Key::WeekdaySat,
        Weekday::Sunday => Key::WeekdaySun,
    }
}

/// `480` → `UTC+8`, `330` → `UTC+5:30`, `-210` → `UTC-3:30`, `0` → `UTC`.
pub fn offset_label(minutes: i32) -> String {
    if minutes == 0 {
        return "UTC".into();
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

/// Runs of consecutive days read as ranges: `Mon–Fri`, `Mon, Wed, Fri–Sun`.
fn days_summary(i18n: &I18n, days: &[Weekday]) -> String {
    let mut sorted = days.to_vec();
    crate::sort::by(&mut sorted, Ord::cmp);
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = i;
        while i + 1 < sorted.len() && sorted[i + 1] as u8 == sorted[i] as u8 + 1 {
            i += 1;
        }
        let (first, last) = (sorted[start], sorted[i]);
        parts.push(match i - start {
            0 => i18n.t(weekday_key(first)).to_owned(),
            1 => format!(
                "{}, {}",
                i18n.t(weekday_key(first)),
                i18n.t(weekday_key(last))
            ),
            _ => format!(
                "{}–{}",
                i18n.t(weekday_key(first)),
                i18n.t(weekday_key(last))
            ),
        });
        i += 1;
    }
    parts.join(", ")
}

/// `Mon–Fri 09:00–18:00 UTC+8`; several periods are separated by semicolons.
pub fn summary(i18n: &I18n, hours: &WorkingHours) -> String {
    if hours.periods.is_empty() {
        return i18n.t(Key::NoWorkingHours).to_owned();
    }
    let periods: Vec<String> = hours
        .periods
        .iter()
        .map(|p| {
            format!(
                "{} {}–{}",
                days_summary(i18n, &p.days),
                p.from.trim(),
                p.to.trim()
            )
        })
        .collect();
    format!(
        "{} {}",
        periods.join("; "),
        offset_label(hours.utc_offset_minutes)
    )
}

/// The shared routing checks for a calendar on its own, reported under `path`
/// (`workingHours.periods[0].from`).
pub fn check(hours: &WorkingHours, path: &str) -> Vec<RuleError> {
    let probe = RoutingRules {
        rules: vec![RoutingRule {
            id: "calendar".into(),
            label: "calendar".into(),
            enabled: true,
            conditions: Vec::new(),
            working_hours: Some(hours.clone()),
            strategy: Strategy::Pool,
        }],
        fallback: Strategy::Pool,
    };
    const AT: &str = "rules[0].workingHours";
    match probe.compile() {
        Ok(_) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .filter_map(|e| {
                let rest = e.path.strip_prefix(AT)?.to_owned();
                Some(RuleError {
                    path: format!("{path}{rest}"),
                    ..e
                })
            })
            .collect(),
    }
}

/// Whether `path` is `prefix` itself or lies inside it.
pub fn within(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Time zones offered: every half hour from UTC-12 to UTC+14, plus the one loaded.
fn offsets(current: i32) -> Vec<i32> {
    let mut all: Vec<i32> = (-24..=28).map(|h| h * 30).collect();
    if !all.contains(&current) {
        all.push(current);
        all.sort_unstable();
    }
    all
}

fn input_name(rest: &str) -> Key {
    if rest.ends_with(".from") {
        Key::PeriodFrom
    } else if rest.ends_with(".to") {
        Key::PeriodTo
    } else if rest.ends_with(".days") {
        Key::WorkingDays
    } else if rest.starts_with(".utcOffsetMinutes") {
        Key::TimeZone
    } else {
        Key::WorkingHours
    }
}

/// One edit of the calendar, given the text an input carried.
type Change = Box<dyn Fn(&mut WorkingHours, String)>;

#[derive(Properties, PartialEq)]
pub struct WorkingHoursEditorProps {
    pub hours: WorkingHours,
    /// Where the calendar sits in what is saved (`rules[2].workingHours`,
    /// `workingHours`); problems are looked up under it.
    pub path: AttrValue,
    /// Problems anywhere; those under `path` are shown here.
    #[prop_or_default]
    pub errors: Vec<RuleError>,
    pub on_change: Callback<WorkingHours>,
}

#[component]
pub fn WorkingHoursEditor(props: &WorkingHoursEditorProps) -> Html {
    let i18n = use_i18n();
    let path = props.path.as_str();
    let mine: Vec<&RuleError> = props
        .errors
        .iter()
        .filter(|e| within(&e.path, path))
        .collect();
    let invalid = |suffix: &str| {
        let at = format!("{path}{suffix}");
        mine.iter().any(|e| within(&e.path, &at)).then_some("true")
    };
    let change = |f: Change| {
        let (cb, hours) = (props.on_change.clone(), props.hours.clone());
        move |value: String| {
            let mut next = hours.clone();
            f(&mut next, value);
            cb.emit(next);
        }
    };
    let on_offset = {
        let apply = change(Box::new(|h, v| {
            if let Ok(minutes) = v.parse() {
                h.utc_offset_minutes = minutes;
            }
        }));
        Callback::from(move |e: Event| apply(select_value(&e)))
    };
    let add = {
        let apply = change(Box::new(|h, _| h.periods.push(default_period())));
        Callback::from(move |_: MouseEvent| apply(String::new()))
    };
    let current = props.hours.utc_offset_minutes;

    html! {
        <div class="hours-editor" data-testid="working-hours">
            <label class="hours-zone">
                <span class="hours-zone-label">{ i18n.t(Key::TimeZone) }</span>
                <select class="input input-sm" data-testid="hours-offset" aria-invalid={invalid(".utcOffsetMinutes")}
                        onchange={on_offset}>
                    { for offsets(current).into_iter().map(|m| html! {
                        <option value={m.to_string()} selected={m == current}>
                            { offset_label(m) }
                            if m == DEFAULT_UTC_OFFSET { { " · " }{ i18n.t(Key::ChinaStandardTime) } }
                        </option>
                    }) }
                </select>
            </label>
            if props.hours.periods.is_empty() {
                <p class="muted hours-empty">{ i18n.t(Key::NoWorkingHours) }</p>
            }
            <ul class="hours-periods">
                { for props.hours.periods.iter().enumerate().map(|(k, period)| {
                    let at = format!(".periods[{k}]");
                    let toggle = |day: Weekday| {
                        let apply = change(Box::new(move |h, _| {
                            if let Some(p) = h.periods.get_mut(k) {
                                match p.days.iter().position(|d| *d == day) {
                                    Some(i) => { p.days.remove(i); }
                                    None => { p.days.push(day); crate::sort::by(&mut p.days, Ord::cmp); }
                                }
                            }
                        }));
                        Callback::from(move |_: MouseEvent| apply(String::new()))
                    };
                    let time = |end: bool| {
                        let apply = change(Box::new(move |h, v| {
                            if let Some(p) = h.periods.get_mut(k) {
                                if end { p.to = v } else { p.from = v }
                            }
                        }));
                        Callback::from(move |e: InputEvent| apply(input_value(&e)))
                    };
                    let remove = {
                        let apply = change(Box::new(move |h, _| {
                            if k < h.periods.len() {
                                h.periods.remove(k);
                            }
                        }));
                        Callback::from(move |_: MouseEvent| apply(String::new()))
                    };
                    html! {
                        <li class="hours-period" data-testid="hours-period">
                            <div class={classes!("choice-chips", "hours-days", invalid(&format!("{at}.days")).map(|_| "is-invalid"))}
                                 role="group" aria-label={i18n.t(Key::WorkingDays)}>
                                { for Weekday::ALL.into_iter().map(|day| html! {
                                    <button type="button" class="chip-toggle" data-testid="hours-day"
                                            aria-pressed={period.days.contains(&day).to_string()}
                                            onclick={toggle(day)}>{ i18n.t(weekday_key(day)) }</button>
                                }) }
                            </div>
                            <input class="input input-sm mono hours-time" type="text" inputmode="numeric" autocomplete="off"
                                   data-testid="hours-from" placeholder="09:00" aria-label={i18n.t(Key::PeriodFrom)}
                                   aria-invalid={invalid(&format!("{at}.from"))}
                                   value={period.from.clone()} oninput={time(false)} />
                            <span class="muted" aria-hidden="true">{ "–" }</span>
                            <input class="input input-sm mono hours-time" type="text" inputmode="numeric" autocomplete="off"
                                   data-testid="hours-to" placeholder="18:00" aria-label={i18n.t(Key::PeriodTo)}
                                   aria-invalid={invalid(&format!("{at}.to"))}
                                   value={period.to.clone()} oninput={time(true)} />
                            <button type="button" class="btn btn-ghost btn-sm btn-danger-text" data-testid="hours-period-remove"
                                    title={i18n.t(Key::RemovePeriod)} aria-label={i18n.t(Key::RemovePeriod)}
                                    onclick={remove}><Icon name={IconName::Trash} /></button>
                        </li>
                    }
                }) }
            </ul>
            <button type="button" class="btn btn-ghost btn-sm add-rule" data-testid="hours-period-add" onclick={add}>
                <Icon name={IconName::Plus} />{ i18n.t(Key::AddPeriod) }
            </button>
            if !mine.is_empty() {
                <ul class="rule-errors" role="alert">
                    { for mine.iter().map(|e| html! {
                        <li data-testid="rule-error" data-path={e.path.clone()}>
                            <strong>{ i18n.t(input_name(e.path.strip_prefix(path).unwrap_or_default())) }</strong>
                            { " · " }{ i18n.t(user_error_key(e.code)) }
                            if !e.message.trim().is_empty() {
                                <span class="rule-error-detail">{ e.message.clone() }</span>
                            }
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_like_people_write_them() {
        assert_eq!(offset_label(480), "UTC+8");
        assert_eq!(offset_label(330), "UTC+5:30");
        assert_eq!(offset_label(-210), "UTC-3:30");
        assert_eq!(offset_label(0), "UTC");
        assert!(offsets(345).contains(&345));
    }

    #[test]
    fn a_calendar_is_checked_by_the_shared_rules_at_its_own_paths() {
        assert!(check(&default_hours(), "workingHours").is_empty());
        let mut hours = default_hours();
        hours.periods[0].from = "9h".into();
        hours.periods[0].days.clear();
        let paths: Vec<String> = check(&hours, "workingHours")
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            paths,
            [
                "workingHours.periods[0].days",
                "workingHours.periods[0].from"
            ]
        );
        let empty = WorkingHours {
            utc_offset_minutes: 480,
            periods: vec![],
        };
        assert_eq!(check(&empty, "workingHours").len(), 1);
    }
}
