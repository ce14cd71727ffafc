//! Local times for `<input type="datetime-local">` and "is it today?", through the
//! browser's `Date` so the user's own time zone applies. The server speaks UTC RFC 3339.

use wasm_bindgen::JsValue;

/// `"2026-05-01T09:30"` as typed (local time) → `"2026-05-01T01:30:00.000Z"`.
pub fn local_input_to_rfc3339(local: &str) -> Option<String> {
    if local.trim().is_empty() {
        return None;
    }
    let date = js_sys::Date::new(&JsValue::from_str(local));
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

/// The value a datetime-local input shows for `date`, in local time.
fn to_local_input(date: &js_sys::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Tomorrow at nine in the morning: when a follow-up is most often due.
pub fn default_due_input() -> String {
    let date = js_sys::Date::new_0();
    date.set_date(date.get_date() + 1);
    date.set_hours(9);
    date.set_minutes(0);
    to_local_input(&date)
}

/// Whether an RFC 3339 time falls on today's local date.
pub fn is_today(rfc3339: &str) -> bool {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    let today = js_sys::Date::new_0();
    !date.get_time().is_nan()
        && date.get_full_year() == today.get_full_year()
        && date.get_month() == today.get_month()
        && date.get_date() == today.get_date()
}

/// The browser's clock as RFC 3339 (UTC), e.g. for scoring "as of now" in the browser.
pub fn now_rfc3339() -> String {
    js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}
