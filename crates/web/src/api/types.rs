//! API types: the JSON contract, kept apart from domain and storage types.

use pathway_domain::framework::{Descriptor, DescriptorChange, Framework, Item, compare};
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
