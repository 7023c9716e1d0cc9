//! How large a framework may be. The limits are far above any real framework (HEE's has 3
//! levels, 8 domains and 55 items, its longest descriptor under 400 characters) and keep one
//! import from filling the database or making pages no one can read.

use crate::numbers::thousands;

/// Framework title and publisher, level titles and domain titles, provider names.
pub const MAX_NAME_CHARS: usize = 300;
/// An item's title.
pub const MAX_ITEM_TITLE_CHARS: usize = 1_000;
/// A level's description (a gloss such as "Agenda for Change band 2").
pub const MAX_LEVEL_DESCRIPTION_CHARS: usize = 1_000;
/// Each descriptor, the framework's and each domain's description, each provider mapping's
/// statement.
pub const MAX_TEXT_CHARS: usize = 10_000;
pub const MAX_LEVELS: usize = 20;
pub const MAX_DOMAINS: usize = 500;
pub const MAX_ITEMS: usize = 10_000;

/// A problem message when `text` is longer than `max` characters: "the item's title is
/// 1,204 characters long; the limit is 1,000. Shorten it".
pub(crate) fn too_long(what: &str, text: &str, max: usize, advice: &str) -> Option<String> {
    // Counting stops just past the limit, so a huge text costs no more than a short one.
    if text.chars().take(max + 1).count() <= max {
        return None;
    }
    Some(format!(
        "{what} is {} characters long; the limit is {}. {advice}",
        thousands(text.chars().count()),
        thousands(max)
    ))
}

/// A problem message when there are more than `max` of something.
pub(crate) fn too_many(what: &str, count: usize, max: usize, advice: &str) -> Option<String> {
    (count > max).then(|| {
        format!(
            "the framework has {} {what}; the limit is {}. {advice}",
            thousands(count),
            thousands(max)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_counted_in_characters() {
        assert_eq!(
            too_long("the title", &"é".repeat(300), 300, "Shorten it"),
            None
        );
        assert_eq!(
            too_long("the title", &"é".repeat(301), 300, "Shorten it").as_deref(),
            Some("the title is 301 characters long; the limit is 300. Shorten it")
        );
        assert_eq!(too_many("levels", 20, 20, ""), None);
        assert_eq!(
            too_many("levels", 21, 20, "Merge some").as_deref(),
            Some("the framework has 21 levels; the limit is 20. Merge some")
        );
    }
}
