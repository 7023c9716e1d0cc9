//! Competency frameworks: levels, domains, items and their per-level descriptors.
//!
//! A [`Framework`] is one version of a named framework. It is built only through
//! [`Framework::new`], which checks every rule below, so code that holds a `Framework`
//! can rely on: a title and a publisher, unique level keys, unique domain codes, unique item
//! codes, at least one item and every item in a known domain, exactly one descriptor per level,
//! provider mappings that name real items, and sizes within [`limits`].

pub mod case;
pub mod compare;
pub mod csv_format;
mod editing;
mod ids;
pub mod limits;
pub mod native;
mod placement;
mod problems;
pub mod version_diff;

use std::collections::HashSet;

use limits::{
    MAX_DOMAINS, MAX_ITEM_TITLE_CHARS, MAX_ITEMS, MAX_LEVEL_DESCRIPTION_CHARS, MAX_LEVELS,
    MAX_NAME_CHARS, MAX_TEXT_CHARS, too_long, too_many,
};
use serde::{Deserialize, Serialize};

pub use compare::{DescriptorChange, LevelChanges, LevelStep, Segment};
pub use editing::NewItem;
pub use ids::{DomainCode, FrameworkId, ItemCode, LevelKey, MAX_ITEM_CODE_CHARS, slugify};
pub use native::{JsonKind, json_kind, parse_native};
pub use placement::{Expectation, LevelPlacement, Placement};
pub use problems::{Origins, Problem, Problems};
pub use version_diff::{VersionDiff, diff as diff_versions};

/// Lifecycle of a framework version. Published versions never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Draft,
    Published,
    Retired,
}

impl VersionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }

    /// Only drafts may be edited; editing a published version makes a new draft instead.
    pub fn is_editable(self) -> bool {
        self == Self::Draft
    }
}

/// What an item is: an entry requirement is checked against a worker's records
/// (qualifications, experience), a competency is assessed and verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    EntryRequirement,
    Competency,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EntryRequirement => "entry_requirement",
            Self::Competency => "competency",
        }
    }

    /// Accepts the stored form and the forms people type in a spreadsheet.
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "entry_requirement" | "entry" | "requirement" => Some(Self::EntryRequirement),
            "competency" | "capability" => Some(Self::Competency),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::EntryRequirement => "Entry requirement",
            Self::Competency => "Competency",
        }
    }

    /// The label in a deployment's words ("Capability" where it says so).
    pub fn label_in(self, terms: &crate::terminology::Terminology) -> &'static str {
        terms.item_kind(self)
    }
}

/// What a framework says about an item at one level.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Descriptor {
    Text(String),
    /// The framework states the item does not apply at this level ("N/A").
    NotApplicable,
    /// The framework says nothing for this level.
    Missing,
}

impl Descriptor {
    /// Reads a spreadsheet or seed cell: blank is missing, "N/A" is not applicable.
    pub fn from_cell(cell: &str) -> Self {
        let t = cell.trim();
        if t.is_empty() {
            Self::Missing
        } else if t.eq_ignore_ascii_case("n/a") || t.eq_ignore_ascii_case("not applicable") {
            Self::NotApplicable
        } else {
            Self::Text(t.to_owned())
        }
    }

    /// The inverse of [`Descriptor::from_cell`].
    pub fn to_cell(&self) -> &str {
        match self {
            Self::Text(t) => t,
            Self::NotApplicable => "N/A",
            Self::Missing => "",
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub key: LevelKey,
    pub title: String,
    /// Optional gloss, e.g. "Agenda for Change band 2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub code: DomainCode,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub code: ItemCode,
    pub domain: DomainCode,
    pub title: String,
    pub kind: ItemKind,
    /// One per level, in level order.
    pub descriptors: Vec<Descriptor>,
}

/// A training provider's statement about how its courses map to an item
/// (seed 000's "ExR" column). Not a level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMapping {
    pub provider: String,
    pub item: ItemCode,
    pub statement: String,
}

/// Everything about a framework version except its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkMeta {
    pub id: FrameworkId,
    pub title: String,
    pub publisher: String,
    pub version: String,
    pub status: VersionStatus,
    #[serde(default)]
    pub description: String,
    /// Whether a person holds one level for the whole framework or one per domain.
    #[serde(default)]
    pub level_placement: LevelPlacement,
    /// Stable CASE identifier of the framework document, kept across export and import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_identifier: Option<uuid::Uuid>,
    /// CASE identifiers another tool gave this framework's domains and items (`domain:1`,
    /// `item:3.9`), kept so that a re-export names them as that tool did and links made
    /// to them (an Open Badges alignment) still resolve. Pathway's own are derived, not kept.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub case_identifiers: std::collections::BTreeMap<String, uuid::Uuid>,
    /// What a CASE package from another tool says that Pathway shows nowhere, kept so that a
    /// re-export gives it back (see [`case::CaseExtras`]).
    #[serde(default, skip_serializing_if = "case::CaseExtras::is_empty")]
    pub case_extras: case::CaseExtras,
}

/// One version of a framework, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framework {
    #[serde(flatten)]
    pub meta: FrameworkMeta,
    levels: Vec<Level>,
    domains: Vec<Domain>,
    items: Vec<Item>,
    provider_mappings: Vec<ProviderMapping>,
}

/// The unchecked shape of a framework, as read from a data file or built by an importer.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FrameworkDraft {
    #[serde(flatten)]
    pub meta: FrameworkMeta,
    pub levels: Vec<Level>,
    pub domains: Vec<Domain>,
    pub items: Vec<Item>,
    #[serde(default)]
    pub provider_mappings: Vec<ProviderMapping>,
}

impl<'de> Deserialize<'de> for Framework {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let draft = FrameworkDraft::deserialize(d)?;
        Framework::new(draft).map_err(serde::de::Error::custom)
    }
}

impl Framework {
    /// Checks every structural rule and the size limits in [`limits`]; reports all problems
    /// at once, each with a location.
    pub fn new(draft: FrameworkDraft) -> Result<Self, Problems> {
        let mut problems = Problems::default();
        let FrameworkDraft {
            meta,
            levels,
            domains,
            items,
            provider_mappings,
        } = draft;
        check_meta(&meta, &mut problems);
        if let Err(counts) = check_counts(&levels, &domains, &items) {
            // Past a limit the content is not checked further: that could take long and would
            // bury the one problem that matters.
            problems.0.extend(counts.0);
            return Err(problems);
        }
        if levels.is_empty() {
            problems.push("levels", "a framework needs at least one level");
        }
        let mut level_keys = HashSet::new();
        for (i, level) in levels.iter().enumerate() {
            if !level_keys.insert(level.key.as_str()) {
                problems.push(
                    format!("levels[{i}].key"),
                    format!("level \"{}\" appears more than once", level.key),
                );
            }
            if level.title.trim().is_empty() {
                problems.push(format!("levels[{i}].title"), "the level has no title");
            }
            let long = too_long(
                "the level's title",
                &level.title,
                MAX_NAME_CHARS,
                "Shorten it, and put the detail in the level's description",
            );
            problems.push_some(format!("levels[{i}].title"), long);
            if let Some(description) = &level.description {
                let long = too_long(
                    "the level's description",
                    description,
                    MAX_LEVEL_DESCRIPTION_CHARS,
                    "Shorten it",
                );
                problems.push_some(format!("levels[{i}].description"), long);
            }
        }
        let mut domain_codes = HashSet::new();
        for (i, domain) in domains.iter().enumerate() {
            if !domain_codes.insert(domain.code.as_str()) {
                problems.push(
                    format!("domains[{i}].code"),
                    format!("domain \"{}\" appears more than once", domain.code),
                );
            }
            if domain.title.trim().is_empty() {
                problems.push(format!("domains[{i}].title"), "the domain has no title");
            }
            let long = too_long(
                "the domain's title",
                &domain.title,
                MAX_NAME_CHARS,
                "Shorten it, and put the detail in the domain's description",
            );
            problems.push_some(format!("domains[{i}].title"), long);
            let long = too_long(
                "the domain's description",
                &domain.description,
                MAX_TEXT_CHARS,
                "Shorten it",
            );
            problems.push_some(format!("domains[{i}].description"), long);
        }
        if items.is_empty() {
            problems.push("items", "a framework needs at least one item");
        }
        let mut item_codes = HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let at = |field: &str| format!("items[{i}].{field} (item {})", item.code);
            if !item_codes.insert(item.code.as_str()) {
                problems.push(
                    at("code"),
                    format!("item code \"{}\" appears more than once", item.code),
                );
            }
            if item.title.trim().is_empty() {
                problems.push(at("title"), "the item has no title");
            }
            if let Some(long) = item_title_too_long(&item.title) {
                problems.push(at("title"), long);
            }
            if !domain_codes.contains(item.domain.as_str()) {
                problems.push(
                    at("domain"),
                    format!(
                        "domain \"{}\" is not one of the framework's domains",
                        item.domain
                    ),
                );
            }
            if item.descriptors.len() != levels.len() {
                problems.push(
                    at("descriptors"),
                    format!(
                        "the item has {} descriptors but the framework has {} levels; give one per level (\"N/A\" where it does not apply)",
                        item.descriptors.len(),
                        levels.len()
                    ),
                );
            }
            for (l, descriptor) in item.descriptors.iter().enumerate() {
                if let Some(wrong) = descriptor_text_problem(descriptor) {
                    problems.push(at(&format!("descriptors[{l}]")), wrong);
                }
                if let Some(long) = descriptor_too_long(descriptor, levels.get(l)) {
                    problems.push(at(&format!("descriptors[{l}]")), long);
                }
            }
        }
        for (i, m) in provider_mappings.iter().enumerate() {
            if !item_codes.contains(m.item.as_str()) {
                problems.push(
                    format!("provider_mappings[{i}].item"),
                    format!("item \"{}\" is not in the framework", m.item),
                );
            }
            if m.provider.trim().is_empty() {
                problems.push(
                    format!("provider_mappings[{i}].provider"),
                    "no provider named",
                );
            }
            let long = too_long(
                "the provider's name",
                &m.provider,
                MAX_NAME_CHARS,
                "Shorten it",
            );
            problems.push_some(format!("provider_mappings[{i}].provider"), long);
            if m.statement.trim().is_empty() {
                problems.push(
                    format!("provider_mappings[{i}].statement"),
                    "the statement is empty",
                );
            }
            let long = too_long("the statement", &m.statement, MAX_TEXT_CHARS, "Shorten it");
            problems.push_some(format!("provider_mappings[{i}].statement"), long);
        }
        let mut meta = meta;
        prune_case_extras(&mut meta.case_extras, &items, &domains);
        check_characters(
            &meta,
            &levels,
            &domains,
            &items,
            &provider_mappings,
            &mut problems,
        );
        problems.into_result()?;
        Ok(Self {
            meta,
            levels,
            domains,
            items,
            provider_mappings,
        })
    }

    pub fn id(&self) -> &FrameworkId {
        &self.meta.id
    }
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }
    pub fn domains(&self) -> &[Domain] {
        &self.domains
    }
    pub fn items(&self) -> &[Item] {
        &self.items
    }
    pub fn provider_mappings(&self) -> &[ProviderMapping] {
        &self.provider_mappings
    }

    pub fn level(&self, key: &str) -> Option<(usize, &Level)> {
        self.levels
            .iter()
            .enumerate()
            .find(|(_, l)| l.key.as_str() == key)
    }
    pub fn domain(&self, code: &str) -> Option<&Domain> {
        self.domains.iter().find(|d| d.code.as_str() == code)
    }
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code.as_str() == code)
    }
    pub fn items_in<'a>(&'a self, domain: &'a DomainCode) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| &i.domain == domain)
    }
    pub fn mappings_for<'a>(
        &'a self,
        item: &'a ItemCode,
    ) -> impl Iterator<Item = &'a ProviderMapping> + 'a {
        self.provider_mappings
            .iter()
            .filter(move |m| &m.item == item)
    }

    pub fn into_draft(self) -> FrameworkDraft {
        FrameworkDraft {
            meta: self.meta,
            levels: self.levels,
            domains: self.domains,
            items: self.items,
            provider_mappings: self.provider_mappings,
        }
    }

    /// The content of an edited copy: same levels, domains and items, as a new draft version.
    pub fn new_draft(&self, version: String) -> Framework {
        let mut f = self.clone();
        f.meta.status = VersionStatus::Draft;
        f.meta.version = version;
        f
    }

    /// Next version label for a draft made from this one: "2021" → "2021.1", "1.4" → "1.5".
    pub fn next_version_label(&self) -> String {
        next_version_label(&self.meta.version)
    }
}

/// Drops what a CASE package said about items and domains the framework does not have.
fn prune_case_extras(extras: &mut case::CaseExtras, items: &[Item], domains: &[Domain]) {
    let items: HashSet<&str> = items.iter().map(|i| i.code.as_str()).collect();
    let domains: HashSet<&str> = domains.iter().map(|d| d.code.as_str()).collect();
    extras.prune(&items, &domains);
}

/// The framework's own fields: title, publisher, version and description.
fn check_meta(meta: &FrameworkMeta, problems: &mut Problems) {
    if meta.title.trim().is_empty() {
        problems.push("title", "the framework has no title");
    }
    let long = too_long(
        "the framework's title",
        &meta.title,
        MAX_NAME_CHARS,
        "Shorten it, and put the detail in the framework's description",
    );
    problems.push_some("title", long);
    if meta.publisher.trim().is_empty() {
        problems.push(
            "publisher",
            "the framework has no publisher; give the name of the organisation that publishes it",
        );
    }
    let long = too_long(
        "the publisher's name",
        &meta.publisher,
        MAX_NAME_CHARS,
        "Shorten it",
    );
    problems.push_some("publisher", long);
    if meta.version.trim().is_empty() {
        problems.push("version", "the framework has no version");
    }
    let long = too_long(
        "the framework's description",
        &meta.description,
        MAX_TEXT_CHARS,
        "Shorten it",
    );
    problems.push_some("description", long);
}

/// Control characters other than tab and line breaks: a NUL cannot be stored by PostgreSQL
/// and the rest cannot be seen on a page, so a file that carries them is damaged or not text.
fn check_characters(
    meta: &FrameworkMeta,
    levels: &[Level],
    domains: &[Domain],
    items: &[Item],
    provider_mappings: &[ProviderMapping],
    problems: &mut Problems,
) {
    let mut check = |at: String, text: &str| {
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            problems.push(
                at,
                format!(
                    "the text holds the control character U+{:04X}, which cannot be shown or stored; remove it (the file may be damaged or not text)",
                    u32::from(c)
                ),
            );
        }
    };
    check("title".into(), &meta.title);
    check("publisher".into(), &meta.publisher);
    check("version".into(), &meta.version);
    check("description".into(), &meta.description);
    for (i, level) in levels.iter().enumerate() {
        check(format!("levels[{i}].title"), &level.title);
        if let Some(description) = &level.description {
            check(format!("levels[{i}].description"), description);
        }
    }
    for (i, domain) in domains.iter().enumerate() {
        check(format!("domains[{i}].title"), &domain.title);
        check(format!("domains[{i}].description"), &domain.description);
    }
    for (i, item) in items.iter().enumerate() {
        check(
            format!("items[{i}].title (item {})", item.code),
            &item.title,
        );
        for (l, descriptor) in item.descriptors.iter().enumerate() {
            if let Some(text) = descriptor.text() {
                check(
                    format!("items[{i}].descriptors[{l}] (item {})", item.code),
                    text,
                );
            }
        }
    }
    for (i, m) in provider_mappings.iter().enumerate() {
        check(format!("provider_mappings[{i}].provider"), &m.provider);
        check(format!("provider_mappings[{i}].statement"), &m.statement);
    }
}

/// How many levels, domains and items there are, against [`limits`].
fn check_counts(levels: &[Level], domains: &[Domain], items: &[Item]) -> Result<(), Problems> {
    let mut problems = Problems::default();
    let levels = too_many(
        "levels",
        levels.len(),
        MAX_LEVELS,
        "Check the levels are right: they are the framework's stages or bands, such as Entry, Intermediate and Assistant Practitioner",
    );
    problems.push_some("levels", levels);
    let domains = too_many(
        "domains",
        domains.len(),
        MAX_DOMAINS,
        "Check the domains are right: they group the items, and there are usually a few dozen at most",
    );
    problems.push_some("domains", domains);
    let items = too_many(
        "items",
        items.len(),
        MAX_ITEMS,
        "Split it into smaller frameworks",
    );
    problems.push_some("items", items);
    problems.into_result()
}

fn item_title_too_long(title: &str) -> Option<String> {
    too_long(
        "the item's title",
        title,
        MAX_ITEM_TITLE_CHARS,
        "Shorten it, and put the detail in its descriptors",
    )
}

/// A descriptor's text that means something else: "N/A" written as text would be shown and
/// compared as words, and blank text as an empty statement, where the framework means "does
/// not apply" or "says nothing".
fn descriptor_text_problem(descriptor: &Descriptor) -> Option<String> {
    let text = descriptor.text()?;
    match Descriptor::from_cell(text) {
        Descriptor::Missing => Some(
            "the descriptor's text is blank; write \"missing\" instead of a text where the framework says nothing at this level"
                .to_owned(),
        ),
        Descriptor::NotApplicable => Some(format!(
            "the descriptor's text \"{}\" means not applicable; write \"not_applicable\" instead of a text",
            text.trim()
        )),
        Descriptor::Text(trimmed) if trimmed.len() != text.len() => Some(
            "the descriptor's text starts or ends with spaces or line breaks; remove them".to_owned(),
        ),
        Descriptor::Text(_) => None,
    }
}

fn descriptor_too_long(descriptor: &Descriptor, level: Option<&Level>) -> Option<String> {
    let text = descriptor.text()?;
    // Most descriptors are short: name the level only for one that is not.
    too_long("", text, MAX_TEXT_CHARS, "")?;
    let what = match level {
        Some(level) => format!("the descriptor at level \"{}\"", level.title),
        None => "the descriptor".to_owned(),
    };
    too_long(&what, text, MAX_TEXT_CHARS, "Shorten it")
}

pub fn next_version_label(version: &str) -> String {
    match version.rsplit_once('.') {
        Some((head, tail)) if tail.chars().all(|c| c.is_ascii_digit()) && !tail.is_empty() => {
            let n: u64 = tail.parse().unwrap_or(0);
            format!("{head}.{}", n + 1)
        }
        _ => format!("{version}.1"),
    }
}

#[cfg(test)]
mod tests;
