//! API types: the JSON contract, kept apart from domain and storage types.

use pathway_domain::framework::{
    Descriptor, DescriptorChange, Framework, Item, Segment, compare, version_diff,
};
use pathway_store::VersionSummary;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct FrameworkSummary {
    /// Stable framework id, e.g. `hee-ahp-support-worker-2021`.
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub version: String,
    /// `draft`, `published` or `retired`.
    pub status: String,
    pub item_count: i64,
    /// UTC, RFC 3339.
    pub published_at: Option<String>,
    /// How many times the version has been saved: a change to a draft names the revision it
    /// was made against.
    pub revision: i64,
}

impl From<VersionSummary> for FrameworkSummary {
    fn from(v: VersionSummary) -> Self {
        Self {
            id: v.framework_id,
            title: v.title,
            publisher: v.publisher,
            version: v.version,
            status: v.status.as_str().into(),
            item_count: v.item_count,
            published_at: v.published_at,
            revision: v.revision,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LevelBody {
    pub key: String,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainBody {
    pub code: String,
    pub title: String,
    pub description: String,
}

#[derive(Serialize, ToSchema)]
pub struct DescriptorBody {
    /// The level's key.
    pub level: String,
    /// `text`, `not_applicable` or `missing`.
    pub kind: String,
    pub text: Option<String>,
    /// How it differs from the level before: `first`, `same`, `changed` or `replaced`.
    pub change: String,
}

#[derive(Serialize, ToSchema)]
pub struct ItemBody {
    pub code: String,
    pub domain: String,
    pub title: String,
    /// `entry_requirement` or `competency`.
    pub kind: String,
    pub descriptors: Vec<DescriptorBody>,
}

#[derive(Serialize, ToSchema)]
pub struct ProviderMappingBody {
    pub provider: String,
    pub item: String,
    pub statement: String,
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkBody {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub version: String,
    pub status: String,
    pub description: String,
    /// `whole_framework`: a person holds one level across the framework; `per_domain`: a
    /// level in each domain, which may differ from domain to domain.
    pub level_placement: String,
    pub levels: Vec<LevelBody>,
    pub domains: Vec<DomainBody>,
    pub items: Vec<ItemBody>,
    pub provider_mappings: Vec<ProviderMappingBody>,
}

#[derive(Serialize, ToSchema)]
pub struct LevelItemsBody {
    pub framework: String,
    pub version: String,
    pub level: LevelBody,
    /// Every item with its descriptor at this level.
    pub items: Vec<LevelItem>,
}

#[derive(Serialize, ToSchema)]
pub struct LevelItem {
    pub code: String,
    pub domain: String,
    pub title: String,
    pub kind: String,
    pub descriptor: DescriptorBody,
}

#[derive(Serialize, ToSchema)]
pub struct PlacementBody {
    pub domain: String,
    /// The level key held in the domain.
    pub level: String,
}

#[derive(Serialize, ToSchema)]
pub struct ExpectationsBody {
    pub framework: String,
    pub version: String,
    /// `whole_framework` or `per_domain`.
    pub level_placement: String,
    /// The level held in each domain, in domain order.
    pub placement: Vec<PlacementBody>,
    /// Every item, with its descriptor at the level held in its domain.
    pub items: Vec<LevelItem>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportedBody {
    pub id: String,
    pub version: String,
    pub status: String,
    pub levels: usize,
    pub domains: usize,
    pub items: usize,
    /// What the file says that Pathway has no place for (keywords, notes on items,
    /// associations other than the hierarchy), each with where it is; a re-export will not
    /// carry these.
    pub not_kept: Vec<crate::error::ProblemBody>,
}

pub fn descriptor_body(f: &Framework, item: &Item, index: usize) -> DescriptorBody {
    let d = &item.descriptors[index];
    let change = match index.checked_sub(1) {
        None => DescriptorChange::First.name(),
        Some(previous) => compare::change_name(&item.descriptors[previous], d),
    };
    DescriptorBody {
        level: f.levels()[index].key.to_string(),
        kind: match d {
            Descriptor::Text(_) => "text",
            Descriptor::NotApplicable => "not_applicable",
            Descriptor::Missing => "missing",
        }
        .into(),
        text: d.text().map(str::to_owned),
        change: change.into(),
    }
}

pub fn item_body(f: &Framework, item: &Item) -> ItemBody {
    ItemBody {
        code: item.code.to_string(),
        domain: item.domain.to_string(),
        title: item.title.clone(),
        kind: item.kind.as_str().into(),
        descriptors: (0..item.descriptors.len())
            .map(|i| descriptor_body(f, item, i))
            .collect(),
    }
}

pub fn framework_body(f: &Framework) -> FrameworkBody {
    FrameworkBody {
        id: f.id().to_string(),
        title: f.meta.title.clone(),
        publisher: f.meta.publisher.clone(),
        version: f.meta.version.clone(),
        status: f.meta.status.as_str().into(),
        description: f.meta.description.clone(),
        level_placement: f.meta.level_placement.as_str().into(),
        levels: f
            .levels()
            .iter()
            .map(|l| LevelBody {
                key: l.key.to_string(),
                title: l.title.clone(),
                description: l.description.clone(),
            })
            .collect(),
        domains: f
            .domains()
            .iter()
            .map(|d| DomainBody {
                code: d.code.to_string(),
                title: d.title.clone(),
                description: d.description.clone(),
            })
            .collect(),
        items: f.items().iter().map(|i| item_body(f, i)).collect(),
        provider_mappings: f
            .provider_mappings()
            .iter()
            .map(|m| ProviderMappingBody {
                provider: m.provider.clone(),
                item: m.item.to_string(),
                statement: m.statement.clone(),
            })
            .collect(),
    }
}

/// A field that differs between two versions.
#[derive(Serialize, ToSchema)]
pub struct FieldChangeBody {
    /// `title`, `publisher`, `description`, `level_placement`, `kind` or `domain`.
    pub field: String,
    pub before: String,
    pub after: String,
}

impl From<&version_diff::FieldChange> for FieldChangeBody {
    fn from(c: &version_diff::FieldChange) -> Self {
        Self {
            field: c.field.into(),
            before: c.before.clone(),
            after: c.after.clone(),
        }
    }
}

fn fields_body(fields: &[version_diff::FieldChange]) -> Vec<FieldChangeBody> {
    fields.iter().map(Into::into).collect()
}

fn change_name(change: version_diff::Change) -> String {
    match change {
        version_diff::Change::Added => "added",
        version_diff::Change::Removed => "removed",
        version_diff::Change::Changed => "changed",
    }
    .into()
}

#[derive(Serialize, ToSchema)]
pub struct LevelChangeBody {
    pub key: String,
    pub title: String,
    pub fields: Vec<FieldChangeBody>,
}

#[derive(Serialize, ToSchema)]
pub struct DomainChangeBody {
    pub code: String,
    pub title: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    pub fields: Vec<FieldChangeBody>,
}

/// A descriptor's value: `text` (with its text), `not_applicable` or `missing`.
#[derive(Serialize, ToSchema)]
pub struct DescriptorValue {
    pub kind: String,
    pub text: Option<String>,
}

impl From<&Descriptor> for DescriptorValue {
    fn from(d: &Descriptor) -> Self {
        let (kind, text) = match d {
            Descriptor::Text(t) => ("text", Some(t.clone())),
            Descriptor::NotApplicable => ("not_applicable", None),
            Descriptor::Missing => ("missing", None),
        };
        Self {
            kind: kind.into(),
            text,
        }
    }
}

/// A run of words in a reworded descriptor.
#[derive(Serialize, ToSchema)]
pub struct WordsBody {
    /// `same`, `added` or `removed`.
    pub change: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct DescriptorChangeBody {
    /// The level's key.
    pub level: String,
    pub before: DescriptorValue,
    pub after: DescriptorValue,
    /// `reworded` (some words changed: see `words`), `rewritten` (most words changed),
    /// `introduced` (text where the item did not apply or said nothing) or `replaced`
    /// (the item no longer applies or says nothing).
    pub change: String,
    /// For `reworded`: the later text as runs of kept, added and removed words.
    pub words: Option<Vec<WordsBody>>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemChangeBody {
    pub code: String,
    /// The later version's title, or the earlier one's for a removed item.
    pub title: String,
    pub domain: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// Title, kind and domain, where they differ.
    pub fields: Vec<FieldChangeBody>,
    /// The levels whose descriptor differs.
    pub descriptors: Vec<DescriptorChangeBody>,
}

#[derive(Serialize, ToSchema)]
pub struct MappingChangeBody {
    pub provider: String,
    pub item: String,
    pub statement: String,
    /// `added` or `removed` (a reworded statement is one of each).
    pub change: String,
}

#[derive(Serialize, ToSchema)]
pub struct ItemCountsBody {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

/// Everything that differs between two versions of a framework. Items are matched by code,
/// domains by code and levels by key.
#[derive(Serialize, ToSchema)]
pub struct ChangesBody {
    pub framework: String,
    pub from_version: String,
    pub to_version: String,
    pub items_count: ItemCountsBody,
    pub details: Vec<FieldChangeBody>,
    pub levels: Vec<LevelChangeBody>,
    /// Added and changed domains in the later version's order, then removed ones.
    pub domains: Vec<DomainChangeBody>,
    /// Added and changed items in the later version's order, then removed ones.
    pub items: Vec<ItemChangeBody>,
    pub provider_mappings: Vec<MappingChangeBody>,
}

pub fn changes_body(framework: &str, d: &version_diff::VersionDiff) -> ChangesBody {
    let counts = d.item_counts();
    ChangesBody {
        framework: framework.into(),
        from_version: d.from_version.clone(),
        to_version: d.to_version.clone(),
        items_count: ItemCountsBody {
            added: counts.added,
            removed: counts.removed,
            changed: counts.changed,
        },
        details: fields_body(&d.details),
        levels: d
            .levels
            .iter()
            .map(|l| LevelChangeBody {
                key: l.key.to_string(),
                title: l.title.clone(),
                fields: fields_body(&l.fields),
            })
            .collect(),
        domains: d
            .domains
            .iter()
            .map(|dm| DomainChangeBody {
                code: dm.code.to_string(),
                title: dm.title.clone(),
                change: change_name(dm.change),
                fields: fields_body(&dm.fields),
            })
            .collect(),
        items: d
            .items
            .iter()
            .map(|i| ItemChangeBody {
                code: i.code.to_string(),
                title: i.title.clone(),
                domain: i.domain.to_string(),
                change: change_name(i.change),
                fields: fields_body(&i.fields),
                descriptors: i
                    .descriptors
                    .iter()
                    .map(|c| DescriptorChangeBody {
                        level: c.level_key.to_string(),
                        before: (&c.before).into(),
                        after: (&c.after).into(),
                        change: match &c.change {
                            DescriptorChange::Changed { .. } => "reworded",
                            DescriptorChange::Rewritten => "rewritten",
                            DescriptorChange::Introduced => "introduced",
                            _ => "replaced",
                        }
                        .into(),
                        words: match &c.change {
                            DescriptorChange::Changed { segments } => Some(
                                segments
                                    .iter()
                                    .map(|s| {
                                        let (change, text) = match s {
                                            Segment::Same(t) => ("same", t),
                                            Segment::Added(t) => ("added", t),
                                            Segment::Removed(t) => ("removed", t),
                                        };
                                        WordsBody {
                                            change: change.into(),
                                            text: text.clone(),
                                        }
                                    })
                                    .collect(),
                            ),
                            _ => None,
                        },
                    })
                    .collect(),
            })
            .collect(),
        provider_mappings: d
            .provider_mappings
            .iter()
            .map(|m| MappingChangeBody {
                provider: m.provider.clone(),
                item: m.item.to_string(),
                statement: m.statement.clone(),
                change: change_name(m.change),
            })
            .collect(),
    }
}
