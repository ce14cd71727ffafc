//! Normalisation of contact data so that the same person is recognised however they
//! typed it. Used for sign-in emails now and for lead de-duplication.

/// A syntactically plausible, normalised (trimmed, lower-cased) email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("email is required")]
    Empty,
    #[error("email is too long (at most 254 characters)")]
    TooLong,
    #[error("'{0}' is not an email address")]
    Malformed(String),
}

impl Email {
    /// Parses user input: trims, lower-cases, and checks the `local@domain.tld` shape.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let lower = trimmed.to_lowercase();
        let malformed = || EmailError::Malformed(trimmed.to_string());
        let (local, domain) = lower.split_once('@').ok_or_else(malformed)?;
        let valid_local = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let valid_domain = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if valid_local && valid_domain {
            Ok(Email(lower))
        } else {
            Err(malformed())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let cases = [
            ("  Li.Wei@Example.COM ", "li.wei@example.com"),
            ("sales+cn@huawei-tech.com.cn", "sales+cn@huawei-tech.com.cn"),
            ("王伟@例子.中国", "王伟@例子.中国"),
        ];
        for (input, want) in cases {
            assert_eq!(Email::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "   ",
            "no-at-sign",
            "@example.com",
            "a@",
            "a@localhost",
            "a..b@example.com",
            "a@-x.com",
            "a b@example.com",
            "a@exa mple.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(Email::parse(" "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}

/// The key two spellings of one company share: full-width characters folded to ASCII,
/// case and spaces and punctuation dropped, and legal-form suffixes removed, so
/// "华为技术有限公司", "华为技术 有限公司" and "华为技术（有限公司）" all give "华为技术",
/// and "Acme Co., Ltd." gives "acme".
pub fn company_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            // Full-width ASCII variants (Ａ, （, ．) to their ASCII twins.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect();
    const SUFFIXES: [&str; 14] = [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团公司",
        "集团",
        "公司",
        "coltd",
        "limited",
        "ltd",
        "inc",
        "corporation",
        "corp",
        "gmbh",
        "llc",
    ];
    // Longest suffix first; a name that is nothing but a suffix is kept as it is.
    let mut key = folded.as_str();
    while let Some(suffix) = SUFFIXES.iter().find(|s| key.ends_with(*s)) {
        let stripped = &key[..key.len() - suffix.len()];
        if stripped.is_empty() {
            break;
        }
        key = stripped;
    }
    key.to_string()
}

#[cfg(test)]
mod company_tests {
    use super::company_key;

    #[test]
    fn spellings_of_one_company_share_a_key() {
        let same = [
            ("华为技术有限公司", "华为技术"),
            ("华为技术 有限公司", "华为技术"),
            ("华为技术（有限公司）", "华为技术"),
            ("深圳市腾讯计算机系统有限责任公司", "深圳市腾讯计算机系统"),
            ("阿里巴巴集团", "阿里巴巴"),
            ("Acme Co., Ltd.", "acme"),
            ("ACME Inc", "acme"),
            ("Ａｃｍｅ　Ｌｔｄ", "acme"),
        ];
        for (name, key) in same {
            assert_eq!(company_key(name), key, "{name}");
        }
    }

    #[test]
    fn a_bare_suffix_is_kept() {
        assert_eq!(company_key("有限公司"), "有限公司");
        assert_eq!(company_key(""), "");
    }
}

/// A phone number in E.164 form (`+8613800138000`), parsed with libphonenumber's
/// metadata. Numbers without a country code are read as Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone is required")]
    Empty,
    #[error("'{0}' is not a phone number")]
    Malformed(String),
}

impl Phone {
    /// Parses what a person typed: spaces, dashes, brackets, `+86`, `0086`, a leading
    /// trunk `0` for landlines. Rejects numbers that cannot exist.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let malformed = || PhoneError::Malformed(trimmed.to_string());
        // Full-width digits and plus signs come from Chinese input methods.
        let folded: String = trimmed
            .chars()
            .map(|c| match c {
                '\u{FF10}'..='\u{FF19}' | '\u{FF0B}' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                _ => c,
            })
            .collect();
        // "00" is the international prefix dialled from China.
        let candidate = match folded.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => folded,
        };
        let number = phonenumber::parse(Some(phonenumber::country::Id::CN), &candidate)
            .map_err(|_| malformed())?;
        if !phonenumber::is_valid(&number) {
            return Err(malformed());
        }
        let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
        // A few numbers (leading zeros in some non-geographic codes) format to an E.164
        // string that does not read back as the same number; storing one would make the
        // lead impossible to save again or to match, so they are refused.
        match phonenumber::parse(Some(phonenumber::country::Id::CN), &e164) {
            Ok(again)
                if phonenumber::is_valid(&again)
                    && again.format().mode(phonenumber::Mode::E164).to_string() == e164 =>
            {
                Ok(Phone(e164))
            }
            _ => Err(malformed()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod phone_tests {
    use super::{Phone, PhoneError};

    #[test]
    fn a_number_whose_e164_form_does_not_read_back_is_refused() {
        // Found by the normalize fuzz target: "+88800208310000" did not parse back.
        assert!(matches!(
            Phone::parse(" +88 80000-20831-0000 "),
            Err(PhoneError::Malformed(_))
        ));
    }

    #[test]
    fn one_number_however_it_is_written() {
        for input in [
            "13800138000",
            "+86 138-0013-8000",
            "0086 138 0013 8000",
            "+86 (138) 0013 8000",
            "１３８ ００１３ ８０００",
            "＋８６ １３８００１３８０００",
            " 138 0013 8000 ",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().as_str(),
                "+8613800138000",
                "{input}"
            );
        }
    }

    #[test]
    fn landlines_and_other_countries() {
        assert_eq!(
            Phone::parse("021-6888 8888").unwrap().as_str(),
            "+862168888888"
        );
        assert_eq!(
            Phone::parse("(010) 8888 6666").unwrap().as_str(),
            "+861088886666"
        );
        assert_eq!(
            Phone::parse("+1 415 555 2671").unwrap().as_str(),
            "+14155552671"
        );
        assert_eq!(
            Phone::parse("+852 2345 6789").unwrap().as_str(),
            "+85223456789"
        );
    }

    #[test]
    fn rejects_what_cannot_be_a_number() {
        assert_eq!(Phone::parse("  "), Err(PhoneError::Empty));
        for bad in ["12345", "call me", "1380013800", "+86 999 9999 9999 9999"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }
}
