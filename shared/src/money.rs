//! Money as whole minor units (fen for CNY), never floating point.

/// Parses an amount as people type it — `180000`, `180,000.5`, `¥1,234.56`,
/// `１２３４` — into minor units. At most two decimals; no negatives.
pub fn parse_minor_units(input: &str) -> Result<i64, String> {
    let folded: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF0E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '¥' | '￥' | '_'))
        .collect();
    let bad = || format!("'{}' is not an amount like 1234.56", input.trim());
    if folded.is_empty() {
        return Err(bad());
    }
    let (whole, fraction) = match folded.split_once('.') {
        Some((w, f)) => (w, f),
        None => (folded.as_str(), ""),
    };
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .filter(|v| *v <= 100_000_000_000_000)
        .ok_or_else(|| "the amount is too large".to_string())
}

/// `123456` → `"1234.56"`.
pub fn format_minor_units(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        for (input, want) in [
            ("180000", 18_000_000),
            ("180,000.5", 18_000_050),
            ("¥1,234.56", 123_456),
            ("１２３４", 123_400),
            ("0.07", 7),
            (".5", 50),
            ("12.", 1_200),
        ] {
            assert_eq!(parse_minor_units(input), Ok(want), "{input}");
        }
        for bad in ["", "abc", "-5", "1.234", "1.2.3", "1e5", "."] {
            assert!(parse_minor_units(bad).is_err(), "{bad}");
        }
        assert!(parse_minor_units("99999999999999999999").is_err());
    }

    #[test]
    fn formats_and_round_trips() {
        assert_eq!(format_minor_units(123_456), "1234.56");
        assert_eq!(format_minor_units(5), "0.05");
        assert_eq!(format_minor_units(-250), "-2.50");
        for v in [0, 1, 99, 100, 18_000_050] {
            assert_eq!(parse_minor_units(&format_minor_units(v)), Ok(v));
        }
    }
}
