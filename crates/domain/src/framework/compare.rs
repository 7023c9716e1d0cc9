//! What changes for an item from one level to the next.
//!
//! Identical descriptors at adjacent levels are common (27 of the HEE framework's 55 items
//! say the same at every level); later rules rely on this, e.g. a verification at one level
//! carries forward while the descriptor stays the same.

use super::{Descriptor, Framework, Item};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// A run of words in a descriptor, marked by how it differs from the previous level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", content = "text", rename_all = "snake_case")]
pub enum Segment {
    Same(String),
    Added(String),
    Removed(String),
}

/// How a descriptor relates to the one at the level before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DescriptorChange {
    /// The first level: nothing to compare with.
    First,
    /// Word for word the same as the previous level.
    Same,
    /// Text at both levels that differs; the segments mark added and removed words.
    Changed { segments: Vec<Segment> },
    /// Text at both levels with most words changed (see [`is_rewrite`]): a word diff would
    /// mark nearly everything, so readers are told it was rewritten instead.
    Rewritten,
    /// Text where the level before was "N/A" or missing: the item starts to apply here.
    Introduced,
    /// Text to "N/A" or missing, or both non-text and different.
    Replaced,
}

/// One level's descriptor of an item with its change from the previous level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelStep<'a> {
    pub level_index: usize,
    pub descriptor: &'a Descriptor,
    pub change: DescriptorChange,
}

/// Compares two descriptors of adjacent levels.
pub fn compare(previous: &Descriptor, current: &Descriptor) -> DescriptorChange {
    if previous == current {
        return DescriptorChange::Same;
    }
    match (previous, current) {
        (Descriptor::Text(a), Descriptor::Text(b)) => {
            let segments = word_diff(a, b);
            if is_rewrite(&segments) {
                DescriptorChange::Rewritten
            } else {
                DescriptorChange::Changed { segments }
            }
        }
        (_, Descriptor::Text(_)) => DescriptorChange::Introduced,
        _ => DescriptorChange::Replaced,
    }
}

/// True when more than half of the words of the two descriptors together are added or
/// removed, i.e. fewer words are kept than changed on either side. Counting both sides
/// catches a long descriptor cut down to a few words as well as a short one expanded.
pub fn is_rewrite(segments: &[Segment]) -> bool {
    let (mut kept, mut changed) = (0, 0);
    for s in segments {
        match s {
            Segment::Same(t) => kept += 2 * t.split_whitespace().count(),
            Segment::Added(t) | Segment::Removed(t) => changed += t.split_whitespace().count(),
        }
    }
    changed > kept
}

/// The name of [`compare`]'s answer without working out the word diff: `same`, `changed` or
/// `replaced`, as the API reports it. The API's names predate [`DescriptorChange::Rewritten`]
/// and [`DescriptorChange::Introduced`], which it reports as `changed` and `replaced`, so
/// clients keep working.
pub fn change_name(previous: &Descriptor, current: &Descriptor) -> &'static str {
    match (previous, current) {
        (a, b) if a == b => "same",
        (Descriptor::Text(_), Descriptor::Text(_)) => "changed",
        _ => "replaced",
    }
}

impl DescriptorChange {
    pub fn name(&self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Same => "same",
            Self::Changed { .. } | Self::Rewritten => "changed",
            Self::Replaced | Self::Introduced => "replaced",
        }
    }
}

/// Word-level diff of `old` → `new`, with adjacent runs of the same kind merged.
pub fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value();
        let merged = match (out.last_mut(), change.tag()) {
            (Some(Segment::Same(s)), ChangeTag::Equal)
            | (Some(Segment::Added(s)), ChangeTag::Insert)
            | (Some(Segment::Removed(s)), ChangeTag::Delete) => {
                s.push_str(text);
                true
            }
            _ => false,
        };
        if !merged {
            out.push(match change.tag() {
                ChangeTag::Equal => Segment::Same(text.to_owned()),
                ChangeTag::Insert => Segment::Added(text.to_owned()),
                ChangeTag::Delete => Segment::Removed(text.to_owned()),
            });
        }
    }
    out
}

impl Item {
    /// Every level's descriptor with what changed from the level before.
    pub fn steps(&self) -> Vec<LevelStep<'_>> {
        self.descriptors
            .iter()
            .enumerate()
            .map(|(i, d)| LevelStep {
                level_index: i,
                descriptor: d,
                change: if i == 0 {
                    DescriptorChange::First
                } else {
                    compare(&self.descriptors[i - 1], d)
                },
            })
            .collect()
    }

    /// True when the descriptor at `level_index` is word for word the one at the level before.
    pub fn same_as_previous(&self, level_index: usize) -> bool {
        level_index > 0
            && level_index < self.descriptors.len()
            && self.descriptors[level_index] == self.descriptors[level_index - 1]
            && matches!(self.descriptors[level_index], Descriptor::Text(_))
    }

    /// The lowest level whose descriptor is identical to this level's, with no change between:
    /// the level a verification must have been made at to still count here.
    pub fn same_since(&self, level_index: usize) -> usize {
        let mut i = level_index.min(self.descriptors.len().saturating_sub(1));
        while self.same_as_previous(i) {
            i -= 1;
        }
        i
    }

    /// True when every level has the same text.
    pub fn identical_at_every_level(&self) -> bool {
        (1..self.descriptors.len()).all(|i| self.same_as_previous(i))
    }
}

/// What changes between adjacent levels for every item of a framework version, worked out
/// once. Word diffs are the costly part of showing an item; a published version never
/// changes, so a server computes this once per version rather than once per page view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelChanges {
    /// Indexed by item position, then level index.
    by_item: Vec<Vec<DescriptorChange>>,
}

impl LevelChanges {
    pub fn of(framework: &Framework) -> Self {
        Self {
            by_item: framework
                .items()
                .iter()
                .map(|item| item.steps().into_iter().map(|s| s.change).collect())
                .collect(),
        }
    }

    /// The changes of the item at `position` in the framework, one per level.
    pub fn item(&self, position: usize) -> &[DescriptorChange] {
        self.by_item.get(position).map_or(&[], Vec::as_slice)
    }
}

impl Framework {
    /// Items whose descriptor changes between level `from` and the next level.
    pub fn items_changing_after(&self, from: usize) -> impl Iterator<Item = &Item> {
        self.items()
            .iter()
            .filter(move |i| from + 1 < i.descriptors.len() && !i.same_as_previous(from + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Descriptor {
        Descriptor::Text(s.into())
    }

    #[test]
    fn change_name_agrees_with_the_full_comparison() {
        let all = [
            text("Works well."),
            text("Works well with others."),
            text("Leads."),
            Descriptor::NotApplicable,
            Descriptor::Missing,
        ];
        for a in &all {
            for b in &all {
                assert_eq!(change_name(a, b), compare(a, b).name(), "{a:?} -> {b:?}");
            }
        }
    }

    #[test]
    fn level_changes_are_the_steps_of_every_item() {
        let f = Framework::new(crate::framework::tests::sample()).unwrap();
        let changes = LevelChanges::of(&f);
        for (pos, item) in f.items().iter().enumerate() {
            let steps: Vec<DescriptorChange> = item.steps().into_iter().map(|s| s.change).collect();
            assert_eq!(changes.item(pos), steps.as_slice(), "{}", item.code);
        }
        assert!(changes.item(f.items().len()).is_empty());
    }

    #[test]
    fn identical_descriptors_are_the_same() {
        assert_eq!(
            compare(&text("Works well."), &text("Works well.")),
            DescriptorChange::Same
        );
    }

    #[test]
    fn text_after_na_or_nothing_is_new_and_anything_else_non_text_a_replacement() {
        assert_eq!(
            compare(&Descriptor::NotApplicable, &text("x")),
            DescriptorChange::Introduced
        );
        assert_eq!(
            compare(&Descriptor::Missing, &text("x")),
            DescriptorChange::Introduced
        );
        assert_eq!(
            compare(&text("x"), &Descriptor::NotApplicable),
            DescriptorChange::Replaced
        );
        assert_eq!(
            compare(&Descriptor::Missing, &Descriptor::NotApplicable),
            DescriptorChange::Replaced
        );
        assert_eq!(
            compare(&Descriptor::NotApplicable, &Descriptor::NotApplicable),
            DescriptorChange::Same
        );
    }

    #[test]
    fn a_descriptor_with_most_words_changed_is_rewritten_not_diffed() {
        // 4 of 6 words kept on each side: 8 kept against 4 changed.
        assert!(matches!(
            compare(
                &text("Works well with others in teams."),
                &text("Works well with others across services.")
            ),
            DescriptorChange::Changed { .. }
        ));
        // Half kept, half changed is still a change worth showing word by word.
        assert!(!is_rewrite(&word_diff("a b c d", "a b e f")));
        // One word kept on each side: 2 kept against 7 changed.
        assert_eq!(
            compare(
                &text("Reports concerns promptly."),
                &text("Escalates concerns to the registered professional.")
            ),
            DescriptorChange::Rewritten
        );
        // A long descriptor cut down to a few of its words is rewritten too.
        assert!(is_rewrite(&word_diff(
            "Maintains records accurately in line with local policy and national guidance",
            "Maintains records"
        )));
    }

    #[test]
    fn word_diff_marks_added_and_removed_words() {
        let segs = word_diff(
            "Manages own workload and time, for example maintaining own diary",
            "Manages own workload and time, including prioritising tasks",
        );
        assert_eq!(
            segs[0],
            Segment::Same("Manages own workload and time, ".into())
        );
        assert!(
            segs.iter()
                .any(|s| matches!(s, Segment::Removed(t) if t.contains("diary")))
        );
        assert!(
            segs.iter()
                .any(|s| matches!(s, Segment::Added(t) if t.contains("prioritising")))
        );
        // Reassembling the unchanged and added words gives the new text back.
        let new: String = segs
            .iter()
            .filter_map(|s| match s {
                Segment::Same(t) | Segment::Added(t) => Some(t.as_str()),
                Segment::Removed(_) => None,
            })
            .collect();
        assert_eq!(
            new,
            "Manages own workload and time, including prioritising tasks"
        );
    }

    #[test]
    fn same_since_walks_back_over_identical_levels() {
        let item = Item {
            code: "1.1".parse().unwrap(),
            domain: "1".parse().unwrap(),
            title: "t".into(),
            kind: crate::framework::ItemKind::Competency,
            descriptors: vec![text("a"), text("b"), text("b"), text("c")],
        };
        assert_eq!(item.same_since(0), 0);
        assert_eq!(item.same_since(1), 1);
        assert_eq!(item.same_since(2), 1);
        assert_eq!(item.same_since(3), 3);
        assert!(!item.identical_at_every_level());
        assert!(item.same_as_previous(2));
        assert!(!item.same_as_previous(0));
    }

    #[test]
    fn na_is_never_carried_forward() {
        let item = Item {
            code: "1".parse().unwrap(),
            domain: "1".parse().unwrap(),
            title: "t".into(),
            kind: crate::framework::ItemKind::Competency,
            descriptors: vec![Descriptor::NotApplicable, Descriptor::NotApplicable],
        };
        assert!(!item.same_as_previous(1));
    }
}
