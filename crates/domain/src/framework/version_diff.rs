//! What changed from one version of a framework to another.
//!
//! A framework author reads this before publishing a draft, and anyone reading a new version
//! wants to know what is different from the one they knew. Items are matched by code (codes
//! are what records and credentials cite), domains by code and levels by key; a descriptor
//! that changed is compared word by word with the same rules as the level-to-level view
//! ([`compare::compare`]), so "changed", "rewritten" and "introduced" mean the same on both.

use super::compare::{self, DescriptorChange};
use super::{Descriptor, DomainCode, Framework, Item, ItemCode, LevelKey};
use serde::Serialize;
use std::collections::HashMap;

/// Whether a domain, item or mapping is new, gone, or kept with changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// One field whose value differs between the versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `title`, `publisher`, `description`, `level_placement`, `kind` or `domain`.
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelDiff {
    pub key: LevelKey,
    pub title: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainDiff {
    pub code: DomainCode,
    /// The title in the later version, or the earlier one for a removed domain.
    pub title: String,
    pub change: Change,
    pub fields: Vec<FieldChange>,
}

/// A descriptor that differs between the versions, at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DescriptorDiff {
    pub level_index: usize,
    pub level_key: LevelKey,
    pub before: Descriptor,
    pub after: Descriptor,
    /// How the later text differs from the earlier one, word by word where that helps.
    pub change: DescriptorChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDiff {
    pub code: ItemCode,
    /// The title in the later version, or the earlier one for a removed item.
    pub title: String,
    pub domain: DomainCode,
    pub change: Change,
    /// Title, kind and domain, where they differ.
    pub fields: Vec<FieldChange>,
    /// Only the levels whose descriptor differs; empty for added and removed items.
    pub descriptors: Vec<DescriptorDiff>,
}

/// A provider's statement that one version has and the other has not (a reworded statement
/// is one removed and one added: it is a new statement by the provider).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingDiff {
    pub provider: String,
    pub item: ItemCode,
    pub statement: String,
    pub change: Change,
}

/// Everything that differs from version `from_version` to version `to_version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionDiff {
    pub from_version: String,
    pub to_version: String,
    /// The framework's title, publisher, description and how people are placed on levels.
    pub details: Vec<FieldChange>,
    pub levels: Vec<LevelDiff>,
    /// Added and changed domains in the later version's order, then removed ones.
    pub domains: Vec<DomainDiff>,
    /// Added and changed items in the later version's order, then removed ones.
    pub items: Vec<ItemDiff>,
    pub provider_mappings: Vec<MappingDiff>,
}

/// How many items were added, removed and changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ItemCounts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

impl VersionDiff {
    /// True when the two versions say the same, word for word.
    pub fn is_empty(&self) -> bool {
        self.details.is_empty()
            && self.levels.is_empty()
            && self.domains.is_empty()
            && self.items.is_empty()
            && self.provider_mappings.is_empty()
    }

    pub fn item_counts(&self) -> ItemCounts {
        let mut counts = ItemCounts::default();
        for item in &self.items {
            match item.change {
                Change::Added => counts.added += 1,
                Change::Removed => counts.removed += 1,
                Change::Changed => counts.changed += 1,
            }
        }
        counts
    }

    /// What changed, counted in words: "2 items added, 1 removed and 5 changed; 1 domain
    /// changed.", or that nothing did.
    pub fn summary(&self) -> String {
        summary(self)
    }

    /// The items with one kind of change, in the order of [`VersionDiff::items`].
    pub fn items_with(&self, change: Change) -> impl Iterator<Item = &ItemDiff> {
        self.items.iter().filter(move |i| i.change == change)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "and"-joined list: "a", "a and b", "a, b and c".
fn listed(mut parts: Vec<String>) -> String {
    let last = parts.pop().unwrap_or_default();
    if parts.is_empty() {
        last
    } else {
        format!("{} and {last}", parts.join(", "))
    }
}

/// "2 items added, 1 removed and 5 changed; 1 domain changed.", or that nothing changed.
fn summary(d: &VersionDiff) -> String {
    let counts = d.item_counts();
    let mut items = Vec::new();
    for (n, what) in [
        (counts.added, "added"),
        (counts.removed, "removed"),
        (counts.changed, "changed"),
    ] {
        if n > 0 {
            // Only the first count names what is counted: "2 items added, 1 removed".
            items.push(if items.is_empty() {
                format!("{} {what}", plural(n, "item", "items"))
            } else {
                format!("{n} {what}")
            });
        }
    }
    let others: Vec<String> = [
        (
            d.details.len(),
            "detail of the framework",
            "details of the framework",
        ),
        (d.levels.len(), "level", "levels"),
        (d.domains.len(), "domain", "domains"),
        (
            d.provider_mappings.len(),
            "training provider statement",
            "training provider statements",
        ),
    ]
    .iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| plural(*n, one, many))
    .collect();
    let mut parts = Vec::new();
    if !items.is_empty() {
        parts.push(listed(items));
    }
    if !others.is_empty() {
        parts.push(format!("{} changed", listed(others)));
    }
    if parts.is_empty() {
        return "Nothing changed: the two versions say the same, word for word.".into();
    }
    format!("{}.", parts.join("; "))
}

fn field(
    out: &mut Vec<FieldChange>,
    name: &'static str,
    before: impl AsRef<str>,
    after: impl AsRef<str>,
) {
    if before.as_ref() != after.as_ref() {
        out.push(FieldChange {
            field: name,
            before: before.as_ref().to_owned(),
            after: after.as_ref().to_owned(),
        });
    }
}

/// Compares two versions of a framework (normally of the same framework, but nothing here
/// requires it: a copy imported under another id compares the same way).
pub fn diff(from: &Framework, to: &Framework) -> VersionDiff {
    let mut details = Vec::new();
    field(&mut details, "title", &from.meta.title, &to.meta.title);
    field(
        &mut details,
        "publisher",
        &from.meta.publisher,
        &to.meta.publisher,
    );
    field(
        &mut details,
        "description",
        &from.meta.description,
        &to.meta.description,
    );
    field(
        &mut details,
        "level_placement",
        from.meta.level_placement.as_str(),
        to.meta.level_placement.as_str(),
    );

    VersionDiff {
        from_version: from.meta.version.clone(),
        to_version: to.meta.version.clone(),
        details,
        levels: level_diffs(from, to),
        domains: domain_diffs(from, to),
        items: item_diffs(from, to),
        provider_mappings: mapping_diffs(from, to),
    }
}

/// Levels are kept from version to version (records made at a level must keep their
/// meaning), so only their titles and descriptions can differ.
fn level_diffs(from: &Framework, to: &Framework) -> Vec<LevelDiff> {
    to.levels()
        .iter()
        .filter_map(|level| {
            let (_, before) = from.level(level.key.as_str())?;
            let mut fields = Vec::new();
            field(&mut fields, "title", &before.title, &level.title);
            field(
                &mut fields,
                "description",
                before.description.as_deref().unwrap_or(""),
                level.description.as_deref().unwrap_or(""),
            );
            (!fields.is_empty()).then(|| LevelDiff {
                key: level.key.clone(),
                title: level.title.clone(),
                fields,
            })
        })
        .collect()
}

fn domain_diffs(from: &Framework, to: &Framework) -> Vec<DomainDiff> {
    let mut out = Vec::new();
    for domain in to.domains() {
        match from.domain(domain.code.as_str()) {
            None => out.push(DomainDiff {
                code: domain.code.clone(),
                title: domain.title.clone(),
                change: Change::Added,
                fields: Vec::new(),
            }),
            Some(before) => {
                let mut fields = Vec::new();
                field(&mut fields, "title", &before.title, &domain.title);
                field(
                    &mut fields,
                    "description",
                    &before.description,
                    &domain.description,
                );
                if !fields.is_empty() {
                    out.push(DomainDiff {
                        code: domain.code.clone(),
                        title: domain.title.clone(),
                        change: Change::Changed,
                        fields,
                    });
                }
            }
        }
    }
    for domain in from.domains() {
        if to.domain(domain.code.as_str()).is_none() {
            out.push(DomainDiff {
                code: domain.code.clone(),
                title: domain.title.clone(),
                change: Change::Removed,
                fields: Vec::new(),
            });
        }
    }
    out
}

fn item_diffs(from: &Framework, to: &Framework) -> Vec<ItemDiff> {
    // Frameworks hold up to thousands of items: look codes up, do not scan for each.
    let before_by_code: HashMap<&str, &Item> =
        from.items().iter().map(|i| (i.code.as_str(), i)).collect();
    let after_codes: std::collections::HashSet<&str> =
        to.items().iter().map(|i| i.code.as_str()).collect();
    let mut out = Vec::new();
    for item in to.items() {
        let Some(before) = before_by_code.get(item.code.as_str()) else {
            out.push(ItemDiff {
                code: item.code.clone(),
                title: item.title.clone(),
                domain: item.domain.clone(),
                change: Change::Added,
                fields: Vec::new(),
                descriptors: Vec::new(),
            });
            continue;
        };
        let mut fields = Vec::new();
        field(&mut fields, "title", &before.title, &item.title);
        field(&mut fields, "kind", before.kind.label(), item.kind.label());
        field(
            &mut fields,
            "domain",
            before.domain.as_str(),
            item.domain.as_str(),
        );
        let descriptors: Vec<DescriptorDiff> = to
            .levels()
            .iter()
            .enumerate()
            .filter_map(|(index, level)| {
                let after = item.descriptors.get(index)?;
                // Levels are matched by key: the same level may sit elsewhere in a copy.
                let (before_index, _) = from.level(level.key.as_str())?;
                let before = before.descriptors.get(before_index)?;
                (before != after).then(|| DescriptorDiff {
                    level_index: index,
                    level_key: level.key.clone(),
                    before: before.clone(),
                    after: after.clone(),
                    change: compare::compare(before, after),
                })
            })
            .collect();
        if !fields.is_empty() || !descriptors.is_empty() {
            out.push(ItemDiff {
                code: item.code.clone(),
                title: item.title.clone(),
                domain: item.domain.clone(),
                change: Change::Changed,
                fields,
                descriptors,
            });
        }
    }
    for item in from.items() {
        if !after_codes.contains(item.code.as_str()) {
            out.push(ItemDiff {
                code: item.code.clone(),
                title: item.title.clone(),
                domain: item.domain.clone(),
                change: Change::Removed,
                fields: Vec::new(),
                descriptors: Vec::new(),
            });
        }
    }
    out
}

fn mapping_diffs(from: &Framework, to: &Framework) -> Vec<MappingDiff> {
    let key =
        |m: &super::ProviderMapping| (m.provider.clone(), m.item.clone(), m.statement.clone());
    let before: std::collections::HashSet<_> = from.provider_mappings().iter().map(key).collect();
    let after: std::collections::HashSet<_> = to.provider_mappings().iter().map(key).collect();
    let added = to
        .provider_mappings()
        .iter()
        .filter(|m| !before.contains(&key(m)))
        .map(|m| (m, Change::Added));
    let removed = from
        .provider_mappings()
        .iter()
        .filter(|m| !after.contains(&key(m)))
        .map(|m| (m, Change::Removed));
    added
        .chain(removed)
        .map(|(m, change)| MappingDiff {
            provider: m.provider.clone(),
            item: m.item.clone(),
            statement: m.statement.clone(),
            change,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::{FrameworkDraft, ItemKind, ProviderMapping, Segment};

    fn shipped() -> Framework {
        serde_json::from_str(include_str!(
            "../../../../frameworks/hee-ahp-support-worker-2021.json"
        ))
        .unwrap()
    }

    fn edited(f: &Framework, edit: impl FnOnce(&mut FrameworkDraft)) -> Framework {
        let mut draft = f.new_draft(format!("{}.1", f.meta.version)).into_draft();
        edit(&mut draft);
        Framework::new(draft).unwrap()
    }

    #[test]
    fn a_version_compared_with_itself_has_no_changes() {
        let f = shipped();
        let d = diff(&f, &f);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(d.item_counts(), ItemCounts::default());
    }

    #[test]
    fn a_new_draft_differs_only_in_its_version_label() {
        let f = shipped();
        let draft = f.new_draft("2021.1".into());
        let d = diff(&f, &draft);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            (d.from_version.as_str(), d.to_version.as_str()),
            ("2021", "2021.1")
        );
    }

    #[test]
    fn a_reworded_descriptor_is_marked_word_by_word_at_its_level_only() {
        let f = shipped();
        let before = f.item("3.9").unwrap().descriptors[1].clone();
        let Descriptor::Text(text) = &before else {
            panic!("3.9 has text at Intermediate")
        };
        let reworded = format!("{text} and records it");
        let to = edited(&f, |d| {
            let item = d
                .items
                .iter_mut()
                .find(|i| i.code.as_str() == "3.9")
                .unwrap();
            item.descriptors[1] = Descriptor::Text(reworded.clone());
        });
        let d = diff(&f, &to);
        assert_eq!(d.items.len(), 1);
        let item = &d.items[0];
        assert_eq!((item.code.as_str(), item.change), ("3.9", Change::Changed));
        assert!(item.fields.is_empty());
        assert_eq!(item.descriptors.len(), 1);
        let level = &item.descriptors[0];
        assert_eq!(
            (level.level_index, level.level_key.as_str()),
            (1, "intermediate")
        );
        let DescriptorChange::Changed { segments } = &level.change else {
            panic!(
                "a few added words are a change, not a rewrite: {:?}",
                level.change
            )
        };
        assert!(
            segments.contains(&Segment::Added(" and records it".into()))
                || segments
                    .iter()
                    .any(|s| matches!(s, Segment::Added(t) if t.contains("records"))),
            "{segments:?}"
        );
        assert_eq!(
            d.item_counts(),
            ItemCounts {
                added: 0,
                removed: 0,
                changed: 1
            }
        );
    }

    #[test]
    fn added_and_removed_items_and_their_mappings_are_listed_in_order() {
        let f = shipped();
        let mapped = f.provider_mappings()[0].item.clone();
        let to = edited(&f, |d| {
            d.items.retain(|i| i.code != mapped);
            d.provider_mappings.retain(|m| m.item != mapped);
            let mut new = d
                .items
                .iter()
                .find(|i| i.domain.as_str() == "2")
                .unwrap()
                .clone();
            new.code = "2.99".parse().unwrap();
            new.title = "Uses digital records".into();
            d.items.push(new);
        });
        let d = diff(&f, &to);
        let counts = d.item_counts();
        assert_eq!((counts.added, counts.removed, counts.changed), (1, 1, 0));
        // Added (in the new order) come before removed.
        assert_eq!(d.items[0].code.as_str(), "2.99");
        assert_eq!(d.items[0].change, Change::Added);
        assert_eq!(d.items[1].code, mapped);
        assert_eq!(d.items[1].change, Change::Removed);
        assert_eq!(d.provider_mappings.len(), 1);
        assert_eq!(d.provider_mappings[0].change, Change::Removed);
        assert_eq!(d.provider_mappings[0].item, mapped);
    }

    #[test]
    fn title_kind_and_domain_changes_are_fields_of_the_item() {
        let f = shipped();
        let to = edited(&f, |d| {
            let item = d
                .items
                .iter_mut()
                .find(|i| i.code.as_str() == "2.1")
                .unwrap();
            item.title = "A new title".into();
            item.kind = ItemKind::EntryRequirement;
            item.domain = "3".parse().unwrap();
        });
        let d = diff(&f, &to);
        let fields: Vec<_> = d.items[0].fields.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["title", "kind", "domain"]);
        assert_eq!(d.items[0].fields[1].before, "Competency");
        assert_eq!(d.items[0].fields[1].after, "Entry requirement");
        assert_eq!(d.items[0].title, "A new title");
    }

    #[test]
    fn details_levels_and_domains_are_compared_field_by_field() {
        let f = shipped();
        let to = edited(&f, |d| {
            d.meta.title = "AHP Support Worker Framework".into();
            d.levels[0].description = Some("Band 2".into());
            d.domains[1].description = "Updated description".into();
            d.provider_mappings.push(ProviderMapping {
                provider: "Another college".into(),
                item: "2.1".parse().unwrap(),
                statement: "Covered in module 1".into(),
            });
        });
        let d = diff(&f, &to);
        assert_eq!(d.details.len(), 1);
        assert_eq!(d.details[0].field, "title");
        assert_eq!(d.levels.len(), 1);
        assert_eq!(d.levels[0].fields[0].field, "description");
        assert_eq!(d.levels[0].fields[0].before, "");
        assert_eq!(d.domains.len(), 1);
        assert_eq!(d.domains[0].change, Change::Changed);
        assert_eq!(d.domains[0].code.as_str(), "2");
        assert_eq!(d.provider_mappings.len(), 1);
        assert_eq!(d.provider_mappings[0].change, Change::Added);
        assert!(d.items.is_empty());
    }

    #[test]
    fn a_descriptor_that_starts_or_stops_applying_is_named_so() {
        let f = shipped();
        let not_applying = edited(&f, |d| {
            let item = d
                .items
                .iter_mut()
                .find(|i| i.code.as_str() == "2.1")
                .unwrap();
            item.descriptors[0] = Descriptor::NotApplicable;
        });
        let d = diff(&not_applying, &f);
        assert_eq!(
            d.items[0].descriptors[0].change,
            DescriptorChange::Introduced
        );
        let d = diff(&f, &not_applying);
        assert_eq!(d.items[0].descriptors[0].change, DescriptorChange::Replaced);
        assert_eq!(d.items[0].descriptors[0].after, Descriptor::NotApplicable);
    }

    #[test]
    fn the_summary_counts_in_words() {
        let f = shipped();
        let mut draft = f.new_draft("2021.1".into());
        assert_eq!(
            diff(&f, &draft).summary(),
            "Nothing changed: the two versions say the same, word for word."
        );
        draft
            .edit_item(
                "2.3",
                "New title".into(),
                draft.item("2.3").unwrap().descriptors.clone(),
            )
            .unwrap();
        assert_eq!(diff(&f, &draft).summary(), "1 item changed.");
        draft.remove_item("2.1").unwrap();
        draft.remove_item("2.2").unwrap();
        draft.edit_domain("3", "New title", "").unwrap();
        assert_eq!(
            diff(&f, &draft).summary(),
            "2 items removed and 1 changed; 1 domain changed."
        );
    }
}
