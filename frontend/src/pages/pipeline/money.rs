//! How the board writes money: whole units with thousands separators and the
//! currency's sign, e.g. `¥1,234,567`. Amounts arrive as decimal strings in major units
//! and are added up in minor units (fen), never as floating point.

use leadflow_shared::money::parse_minor_units;

/// An amount from the wire ("180000.00") in minor units; unreadable counts as zero, so
/// one odd value cannot break a column's sum.
pub fn minor(amount: &str) -> i64 {
    parse_minor_units(amount).unwrap_or(0)
}

fn symbol(currency: &str) -> Option<&'static str> {
    match currency.trim().to_ascii_uppercase().as_str() {
        "CNY" | "RMB" | "" => Some("¥"),
        "USD" => Some("$"),
        "EUR" => Some("€"),
        "GBP" => Some("£"),
        "JPY" => Some("JP¥"),
        "HKD" => Some("HK$"),
        _ => None,
    }
}

/// `123456789` (fen), "CNY" → `¥1,234,568`: rounded to whole units, grouped by three.
pub fn format_money(minor: i64, currency: &str) -> String {
    let negative = minor < 0;
    let whole = (minor.unsigned_abs() + 50) / 100;
    let digits = whole.to_string();
    // Groups of three from the right: the first group takes what is left over.
    let lead = match digits.len() % 3 {
        0 => 3,
        n => n,
    };
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    grouped.push_str(&digits[..lead]);
    let mut rest = &digits[lead..];
    while !rest.is_empty() {
        grouped.push(',');
        grouped.push_str(&rest[..3]);
        rest = &rest[3..];
    }
    let sign = if negative { "-" } else { "" };
    match symbol(currency) {
        Some(s) => format!("{sign}{s}{grouped}"),
        None => format!("{sign}{} {grouped}", currency.trim().to_ascii_uppercase()),
    }
}

/// A wire amount ("180000.00") written for people.
pub fn format_amount(amount: &str, currency: &str) -> String {
    format_money(minor(amount), currency)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_and_rounds_to_whole_units() {
        assert_eq!(format_money(123_456_700, "CNY"), "¥1,234,567");
        assert_eq!(format_money(0, "CNY"), "¥0");
        assert_eq!(format_money(99_949, "CNY"), "¥999");
        assert_eq!(format_money(99_950, "CNY"), "¥1,000");
        assert_eq!(format_money(100_000_000, "USD"), "$1,000,000");
        assert_eq!(format_money(-250_000, "CNY"), "-¥2,500");
        assert_eq!(format_money(12_300, "chf"), "CHF 123");
    }

    #[test]
    fn reads_wire_amounts() {
        assert_eq!(minor("180000.00"), 18_000_000);
        assert_eq!(minor("nonsense"), 0);
        assert_eq!(format_amount("1234567.00", "CNY"), "¥1,234,567");
    }
}
