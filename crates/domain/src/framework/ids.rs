//! Identifiers that appear in URLs and data files. Each is parsed once, at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $check:expr, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                let check: fn(&str) -> Result<String, String> = $check;
                check(raw).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }
        const _: &str = $what;
    };
}

fn slug(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if s.len() > max {
        return Err(format!("{what} \"{s}\" is longer than {max} characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || s.starts_with('-')
        || s.ends_with('-')
    {
        return Err(format!(
            "{what} \"{s}\" may hold only lower-case letters, digits and single hyphens"
        ));
    }
    Ok(s.to_owned())
}

/// The longest item code, in characters.
pub const MAX_ITEM_CODE_CHARS: usize = 50;

/// Punctuation an item code may hold besides letters, digits and single spaces. Real CASE
/// `humanCodingScheme` values look like "LS 1.A(i)" or "HS-ESS1-1"; `/`, `?`, `#`, `%` and
/// `\` stay out because codes are part of page addresses.
const ITEM_CODE_PUNCTUATION: [char; 10] = ['.', '-', '_', '(', ')', '[', ']', ':', '+', '\''];

/// An item's or a domain's code, as other tools write them: the same rules for both, as
/// both are part of page addresses and CASE `humanCodingScheme` values.
fn code(raw: &str, what: &str) -> Result<String, String> {
    // Seed 000 writes "4.4." for item 4.4; a trailing full stop is punctuation, not part of the code.
    let s = raw.trim().trim_end_matches('.').trim_end();
    let allowed = "letters, digits, single spaces between them, and . - _ ( ) [ ] : + '";
    if s.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let length = s.chars().count();
    if length > MAX_ITEM_CODE_CHARS {
        let start: String = s.chars().take(MAX_ITEM_CODE_CHARS).collect();
        return Err(format!(
            "{what} \"{start}…\" is {length} characters long; the limit is {MAX_ITEM_CODE_CHARS}. Use a shorter code"
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == ' ' || ITEM_CODE_PUNCTUATION.contains(&c)))
    {
        let shown = if bad.is_control() || bad.is_whitespace() {
            format!("the character U+{:04X}", u32::from(bad))
        } else {
            format!("\"{bad}\"")
        };
        return Err(format!(
            "{what} \"{}\" holds {shown}, which a code may not; a code may hold only {allowed}",
            s.escape_debug()
        ));
    }
    if s.contains("  ") {
        return Err(format!(
            "{what} \"{s}\" has two spaces together; a code may hold only {allowed}"
        ));
    }
    Ok(s.to_owned())
}

id_type!(
    /// A framework's stable name, e.g. `hee-ahp-support-worker-2021`.
    FrameworkId,
    |s| slug(s, "framework id", 100),
    "framework id"
);
id_type!(
    /// A level's key, e.g. `intermediate` or `band-5`.
    LevelKey,
    |s| slug(s, "level key", MAX_LEVEL_KEY),
    "level key"
);
id_type!(
    /// A domain's code, e.g. `3`, `PP` or `Domain A`, under the same rules as an item's.
    DomainCode,
    |s| code(s, "domain code"),
    "domain code"
);
id_type!(
    /// An item's code, e.g. `3.9` or `LS 1.A(i)`: letters and digits in any script, single
    /// spaces, and `. - _ ( ) [ ] : + '`.
    ItemCode,
    |s| code(s, "item code"),
    "item code"
);

/// `slug` cut to `max` bytes, with `-2`, `-3`… added until it is not in `taken`; the result
/// is added to `taken`. Titles that are different but slug alike (titles in scripts other than
/// Latin all slug to the same word) each get a key of their own.
pub(crate) fn unique_slug(
    slug: &str,
    max: usize,
    taken: &mut std::collections::HashSet<String>,
) -> String {
    let cut = |s: &str, max: usize| s[..s.len().min(max)].trim_end_matches('-').to_owned();
    let base = cut(slug, max);
    let mut candidate = base.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        let suffix = format!("-{n}");
        candidate = format!("{}{suffix}", cut(&base, max - suffix.len()));
    }
    taken.insert(candidate.clone());
    candidate
}

/// The longest level key, in bytes.
pub(crate) const MAX_LEVEL_KEY: usize = 60;

/// Turns a title into a key: "Assistant Practitioner" → "assistant-practitioner".
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "level".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_codes_drop_a_trailing_full_stop() {
        assert_eq!(ItemCode::parse("4.4.").unwrap().as_str(), "4.4");
        assert_eq!(ItemCode::parse(" 3.9 ").unwrap().as_str(), "3.9");
        assert!(ItemCode::parse("").is_err());
        assert!(ItemCode::parse(" . ").is_err());
        assert_eq!(ItemCode::parse("A 1 .").unwrap().as_str(), "A 1");
    }

    #[test]
    fn item_codes_take_what_case_packages_use() {
        for code in [
            "LS 1.A(i)",
            "HS-ESS1-1",
            "CCSS.Math.Content.1.OA.A.1",
            "K:2",
            "[3]+",
            "O'Neill 2",
            "Ÿ1.ä",
            "数学 1",
            "Ⅳ.2",
            "x_y",
        ] {
            assert_eq!(ItemCode::parse(code).unwrap().as_str(), code);
        }
        assert!(ItemCode::parse(&"é".repeat(50)).is_ok());
    }

    #[test]
    fn item_codes_refuse_what_would_break_an_address() {
        let allowed = "a code may hold only letters, digits, single spaces between them, and . - _ ( ) [ ] : + '";
        assert_eq!(
            ItemCode::parse("LS/1").unwrap_err(),
            format!("item code \"LS/1\" holds \"/\", which a code may not; {allowed}")
        );
        for code in ["1?", "1#2", "50%", "a\\b", "a,b", "a\"b", "a;b"] {
            assert!(ItemCode::parse(code).is_err(), "{code}");
        }
        assert_eq!(
            ItemCode::parse("1\t2").unwrap_err(),
            format!(
                "item code \"1\\t2\" holds the character U+0009, which a code may not; {allowed}"
            )
        );
        assert!(ItemCode::parse("1\u{7f}").is_err());
        assert!(ItemCode::parse("1\u{a0}2").is_err(), "a no-break space");
        assert_eq!(
            ItemCode::parse("LS  1").unwrap_err(),
            format!("item code \"LS  1\" has two spaces together; {allowed}")
        );
        assert_eq!(
            ItemCode::parse(&"é".repeat(51)).unwrap_err(),
            format!(
                "item code \"{}…\" is 51 characters long; the limit is 50. Use a shorter code",
                "é".repeat(50)
            )
        );
    }

    #[test]
    fn domain_codes_follow_the_item_code_rules() {
        assert!(DomainCode::parse("PP").is_ok());
        assert_eq!(DomainCode::parse("Domain A.").unwrap().as_str(), "Domain A");
        assert!(DomainCode::parse("P  P").is_err());
        assert!(DomainCode::parse("P/P").is_err());
        assert!(DomainCode::parse(&"D".repeat(51)).is_err());
    }

    #[test]
    fn framework_ids_are_slugs() {
        assert!(FrameworkId::parse("hee-ahp-support-worker-2021").is_ok());
        assert!(FrameworkId::parse("HEE").is_err());
        assert!(FrameworkId::parse("-x").is_err());
        assert!(FrameworkId::parse("a b").is_err());
    }

    #[test]
    fn slugify_makes_level_keys() {
        assert_eq!(slugify("Assistant Practitioner"), "assistant-practitioner");
        assert_eq!(slugify("Band 5"), "band-5");
        assert_eq!(slugify("  Entry level "), "entry-level");
        assert!(LevelKey::parse(&slugify("Ünïcode!")).is_ok());
    }
}
