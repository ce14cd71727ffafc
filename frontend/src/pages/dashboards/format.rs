//! How dashboard numbers read: money in yuan with thousands separators (`¥1,234,567`),
//! rates as whole percents, durations in the unit that fits, `—` where there is nothing
//! to divide by.

use crate::i18n::{I18n, Key};
use crate::pages::pipeline::money::{format_money, minor};

/// The currency every dashboard amount is in.
pub const CURRENCY: &str = "CNY";

pub const NONE: &str = "—";

/// A wire amount ("180000.00") as `¥180,000`.
pub fn money(amount: &str) -> String {
    format_money(minor(amount), CURRENCY)
}

pub fn money_opt(amount: Option<&str>) -> String {
    amount.map(money).unwrap_or_else(|| NONE.to_owned())
}

/// Major units as a number, for chart lengths.
pub fn amount_value(amount: &str) -> f64 {
    minor(amount) as f64 / 100.0
}

/// `0.4567` → `46%`; below 10 % one decimal (`4.5%`).
pub fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => {
            let p = r * 100.0;
            if p.abs() < 10.0 && (p - p.round()).abs() > 0.05 {
                format!("{p:.1}%")
            } else {
                format!("{}%", p.round() as i64)
            }
        }
        _ => NONE.to_owned(),
    }
}

/// A ratio like LTV:CAC, `3.2×`.
pub fn times(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map(|v| format!("{v:.1}×"))
        .unwrap_or_else(|| NONE.to_owned())
}

/// Seconds in the unit that reads best: `45 s`, `12 min`, `3.5 h`, `2.1 d`.
pub fn duration(i18n: &I18n, seconds: Option<f64>) -> String {
    let Some(s) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return NONE.to_owned();
    };
    let (n, key) = if s < 60.0 {
        (s, Key::DurSeconds)
    } else if s < 3600.0 {
        (s / 60.0, Key::DurMinutes)
    } else if s < 86_400.0 {
        (s / 3600.0, Key::DurHours)
    } else {
        (s / 86_400.0, Key::DurDays)
    };
    i18n.tf(key, &[("n", &short_number(n))])
}

/// Days (the conversion cycle), one decimal.
pub fn days(i18n: &I18n, days: Option<f64>) -> String {
    match days.filter(|d| d.is_finite()) {
        Some(d) => i18n.tf(Key::DurDays, &[("n", &short_number(d))]),
        None => NONE.to_owned(),
    }
}

/// `12`, `3.5`: a decimal only when it says something.
pub fn short_number(n: f64) -> String {
    if (n - n.round()).abs() < 0.05 || n >= 100.0 {
        format!("{}", n.round() as i64)
    } else {
        format!("{n:.1}")
    }
}

/// Whole counts with thousands separators.
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(money("1234567.00"), "¥1,234,567");
        assert_eq!(money_opt(None), "—");
        assert_eq!(percent(Some(0.4567)), "46%");
        assert_eq!(percent(Some(0.045)), "4.5%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(None), "—");
        assert_eq!(times(Some(3.24)), "3.2×");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(short_number(3.5), "3.5");
        assert_eq!(short_number(4.0), "4");
    }
}
