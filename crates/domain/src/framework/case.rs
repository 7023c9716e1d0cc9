//! 1EdTech CASE (Competency and Academic Standards Exchange) JSON.
//!
//! [`export`] writes a CASE 1.1 CFPackage; [`import`] reads a CASE 1.0 or 1.1 CFPackage.
//! Bytes in, values out: nothing here touches files or the network.
//!
//! # Mapping
//!
//! | Pathway | CASE |
//! |---|---|
//! | framework | `CFDocument` (`creator` and `publisher` = publisher, `adoptionStatus` Draft / Adopted / Deprecated) |
//! | domain | `CFItem` typed "Domain": `humanCodingScheme` = code, `fullStatement` = title, `notes` = description; `isChildOf` the document |
//! | item | `CFItem` typed "Competency" or "Entry requirement": `humanCodingScheme` = code, `fullStatement` = title; `isChildOf` its domain |
//! | provider mapping | `CFItem` typed "Provider mapping": `abbreviatedStatement` = provider, `fullStatement` = statement; `isChildOf` its item |
//! | descriptors | one `CFRubric` ("Levels"): one criterion per item, one criterion level per level (`quality` = level title, `description` = the descriptor, "N/A" for not applicable, empty when the framework says nothing) |
//! | id, status, level placement, levels | the package's `extensions.pathway` (`frameworkId`, `status`, `levelPlacement`, `levels`), so a Pathway export imports back exactly |
//!
//! Identifiers are stable: the document's is the framework's stored `case_identifier`, or a
//! UUID v5 of the framework id in [`NAMESPACE`]; every other identifier is a UUID v5 in the
//! document's identifier of a name such as `item:3.9`, so exporting twice gives the same file.
//!
//! Import is lenient about what other tools write (identifiers that are not RFC 4122 UUIDs,
//! missing `sequenceNumber`s, no item types, `subject` as a string, unknown fields) and strict
//! about what Pathway needs (a CASE version it reads, a title, a creator, at least one item,
//! statements, unique codes, associations that resolve). A criterion level with no
//! description, or an item with no criterion level at some level, is a descriptor the
//! framework does not state. Every problem names a JSON path such as
//! `$.CFItems[3].fullStatement`.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::SecondsFormat;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::ids::{MAX_LEVEL_KEY, unique_slug};
use super::{
    Descriptor, Domain, DomainCode, Framework, FrameworkDraft, FrameworkId, FrameworkMeta, Item,
    ItemCode, ItemKind, Level, LevelKey, LevelPlacement, Origins, Problems, ProviderMapping,
    VersionStatus, slugify,
};

/// Namespace of the UUID v5 identifiers Pathway derives: of a framework document from its
/// framework id, and of the CASE item types it defines. A fixed random (v4) UUID; changing
/// it would change the identifiers of every export.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x0cc2_b4d7_7052_4755_91da_f8e6_b21f_9092);

const TYPE_DOMAIN: &str = "Domain";
const TYPE_COMPETENCY: &str = "Competency";
const TYPE_ENTRY_REQUIREMENT: &str = "Entry requirement";
const TYPE_PROVIDER_MAPPING: &str = "Provider mapping";

/// The item types an export defines in `CFDefinitions.CFItemTypes`, with their descriptions.
const ITEM_TYPES: [(&str, &str); 4] = [
    (
        TYPE_DOMAIN,
        "A group of related items of a Pathway framework.",
    ),
    (
        TYPE_ENTRY_REQUIREMENT,
        "An item checked against a worker's records, such as qualifications and experience.",
    ),
    (
        TYPE_COMPETENCY,
        "An item assessed and verified at each level of the framework.",
    ),
    (
        TYPE_PROVIDER_MAPPING,
        "A training provider's statement of how its courses map to the parent item.",
    ),
];

#[derive(Debug, Clone, Copy)]
pub struct ExportOptions<'a> {
    /// Where the CASE API is served, e.g. `https://pathway.example` (a trailing slash is
    /// ignored). URIs are `{base_uri}/ims/case/v1p1/CFItems/{identifier}` and so on.
    pub base_uri: &'a str,
    /// Written as every record's `lastChangeDateTime`.
    pub last_change: chrono::DateTime<chrono::Utc>,
}

/// What a CASE package from another tool says that Pathway shows nowhere, kept with the
/// framework so that an export gives it back: the tool's keywords, notes, education levels
/// and the like on items, and associations other than the hierarchy (`isRelatedTo`,
/// `exactMatchOf`, …). Pathway does not read or change them; they follow their items from
/// version to version, and go when their items go.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CaseExtras {
    /// CFItem fields, as the package gave them, by node: `item:{code}` or `domain:{code}`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub nodes: std::collections::BTreeMap<String, Map<String, Value>>,
    /// Associations other than `isChildOf`, in package order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associations: Vec<KeptAssociation>,
}

/// An association kept as the package gave it, with which of its ends are this framework's
/// own nodes: those ends are written on export as the nodes the export has, so they resolve
/// whatever identifiers the export gives them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptAssociation {
    pub value: Map<String, Value>,
    /// `document`, `domain:{code}` or `item:{code}`; `None` for a node outside the framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

impl CaseExtras {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.associations.is_empty()
    }

    /// Drops what belongs to items or domains the framework no longer has.
    pub(super) fn prune(&mut self, items: &HashSet<&str>, domains: &HashSet<&str>) {
        let here = |node: &str| match node.split_once(':') {
            Some(("item", code)) => items.contains(code),
            Some(("domain", code)) => domains.contains(code),
            _ => node == "document",
        };
        self.nodes.retain(|node, _| here(node));
        self.associations.retain(|a| {
            a.origin.as_deref().is_none_or(here) && a.destination.as_deref().is_none_or(here)
        });
    }

    /// Follows items whose codes change (`renamed`: old code to new).
    fn rename_items(&mut self, renamed: &HashMap<ItemCode, ItemCode>) {
        let by_old: HashMap<&str, &ItemCode> = renamed
            .iter()
            .map(|(old, new)| (old.as_str(), new))
            .collect();
        let nodes = std::mem::take(&mut self.nodes);
        self.nodes = nodes
            .into_iter()
            .map(
                |(node, fields)| match node.strip_prefix("item:").and_then(|c| by_old.get(c)) {
                    Some(new) => (format!("item:{new}"), fields),
                    None => (node, fields),
                },
            )
            .collect();
        for a in &mut self.associations {
            for end in [&mut a.origin, &mut a.destination] {
                if let Some(code) = end.as_deref().and_then(|e| e.strip_prefix("item:"))
                    && let Some(new) = by_old.get(code)
                {
                    *end = Some(format!("item:{new}"));
                }
            }
        }
    }
}

/// The CASE identifier of a framework's document: its stored `case_identifier`, else a UUID v5
/// of its id in [`NAMESPACE`].
pub fn document_identifier(framework: &Framework) -> Uuid {
    framework
        .meta
        .case_identifier
        .unwrap_or_else(|| derived_document_identifier(framework.id()))
}

/// The CASE identifier Pathway gives the document of a framework that came with none of its own.
pub fn derived_document_identifier(id: &FrameworkId) -> Uuid {
    Uuid::new_v5(&NAMESPACE, id.as_str().as_bytes())
}

/// The CASE identifier an export gives an item's CFItem: the one another tool gave it, if
/// it came from one, else one derived from the document's and the code.
pub fn item_identifier(framework: &Framework, code: &ItemCode) -> Uuid {
    let name = format!("item:{code}");
    framework
        .meta
        .case_identifiers
        .get(&name)
        .copied()
        .unwrap_or_else(|| Uuid::new_v5(&document_identifier(framework), name.as_bytes()))
}

/// The URI an export gives an item's CFItem, e.g. for an Open Badges alignment.
pub fn item_uri(base_uri: &str, framework: &Framework, code: &ItemCode) -> String {
    uri(base_uri, "CFItems", item_identifier(framework, code))
}

/// Gives the items of a new version whose codes were made up ([`Imported::made_up_codes`])
/// the codes their CASE identifiers had in `previous`, the framework's version before: an
/// item keeps its code from version to version as long as its tool keeps its identifier,
/// wherever it moves in the package. A made-up code that is not an earlier item's is kept
/// unless another item now has it, or an item of `previous` had it (records made against
/// that item must not seem to be about this one): such an item gets a number no item of
/// either version has. Codes the package gives are never changed.
pub fn keep_item_codes(
    framework: Framework,
    previous: &Framework,
    made_up: &BTreeSet<ItemCode>,
) -> Framework {
    if made_up.is_empty() {
        return framework;
    }
    let before: HashMap<Uuid, &ItemCode> = previous
        .items()
        .iter()
        .map(|i| (item_identifier(previous, &i.code), &i.code))
        .collect();
    let identifiers: Vec<(ItemCode, Uuid)> = framework
        .items()
        .iter()
        .map(|i| (i.code.clone(), item_identifier(&framework, &i.code)))
        .collect();
    let mut taken: HashSet<ItemCode> = identifiers
        .iter()
        .map(|(code, _)| code)
        .filter(|code| !made_up.contains(*code))
        .cloned()
        .collect();
    let mut renamed: HashMap<ItemCode, ItemCode> = HashMap::new();
    for (code, uuid) in &identifiers {
        if made_up.contains(code)
            && let Some(old) = before.get(uuid)
            && !taken.contains(*old)
        {
            taken.insert((*old).clone());
            renamed.insert(code.clone(), (*old).clone());
        }
    }
    let earlier: HashSet<&ItemCode> = previous.items().iter().map(|i| &i.code).collect();
    let mut next = identifiers
        .iter()
        .map(|(code, _)| code)
        .chain(earlier.iter().copied())
        .chain(taken.iter())
        .filter_map(|c| c.as_str().parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    for (code, _) in &identifiers {
        if !made_up.contains(code) || renamed.contains_key(code) {
            continue;
        }
        if taken.contains(code) || earlier.contains(code) {
            let fresh = loop {
                next += 1;
                if let Ok(c) = ItemCode::parse(&next.to_string())
                    && !taken.contains(&c)
                    && !earlier.contains(&c)
                {
                    break c;
                }
            };
            taken.insert(fresh.clone());
            renamed.insert(code.clone(), fresh);
        } else {
            taken.insert(code.clone());
        }
    }
    if renamed.is_empty() {
        return framework;
    }
    let document = document_identifier(&framework);
    let unchanged = framework.clone();
    let mut draft = framework.into_draft();
    let final_code = |code: &ItemCode| renamed.get(code).unwrap_or(code).clone();
    for (code, _) in &identifiers {
        draft.meta.case_identifiers.remove(&format!("item:{code}"));
    }
    for (code, uuid) in &identifiers {
        let name = format!("item:{}", final_code(code));
        // As on import: an identifier an export derives again is not kept.
        if *uuid != Uuid::new_v5(&document, name.as_bytes()) {
            draft.meta.case_identifiers.insert(name, *uuid);
        }
    }
    for item in &mut draft.items {
        item.code = final_code(&item.code);
    }
    draft.meta.case_extras.rename_items(&renamed);
    for mapping in &mut draft.provider_mappings {
        mapping.item = final_code(&mapping.item);
    }
    // The codes are unique by construction; should the framework not check, the version
    // keeps the codes it was read with rather than fail an import that was valid.
    Framework::new(draft).unwrap_or(unchanged)
}

fn uri(base_uri: &str, class: &str, id: Uuid) -> String {
    format!(
        "{}/ims/case/v1p1/{class}/{id}",
        base_uri.trim_end_matches('/')
    )
}

/// A CASE 1.1 CFPackage.
pub fn export(framework: &Framework, opts: &ExportOptions<'_>) -> serde_json::Value {
    let meta = &framework.meta;
    let doc_id = document_identifier(framework);
    let ex = Exporter {
        base_uri: opts.base_uri,
        doc_id,
        when: opts.last_change.to_rfc3339_opts(SecondsFormat::Secs, true),
        kept: &meta.case_identifiers,
    };
    let doc = Target {
        class: "CFDocuments",
        id: doc_id,
        title: meta.title.clone(),
    };

    let mut document = Map::new();
    document.insert("identifier".into(), doc_id.to_string().into());
    document.insert("uri".into(), ex.uri("CFDocuments", doc_id).into());
    document.insert("creator".into(), meta.publisher.clone().into());
    document.insert("title".into(), meta.title.clone().into());
    document.insert("lastChangeDateTime".into(), ex.when.clone().into());
    document.insert("publisher".into(), meta.publisher.clone().into());
    if !meta.description.is_empty() {
        document.insert("description".into(), meta.description.clone().into());
    }
    document.insert("language".into(), "en".into());
    document.insert("version".into(), meta.version.clone().into());
    document.insert(
        "adoptionStatus".into(),
        match meta.status {
            VersionStatus::Draft => "Draft",
            VersionStatus::Published => "Adopted",
            VersionStatus::Retired => "Deprecated",
        }
        .into(),
    );
    document.insert("caseVersion".into(), "1.1".into());

    let mut items = Vec::new();
    let mut associations = Vec::new();
    let mut criteria = Vec::new();
    let rubric_id = ex.id("rubric:levels");
    for (d, domain) in framework.domains().iter().enumerate() {
        let domain_node = Target {
            class: "CFItems",
            id: ex.id(&format!("domain:{}", domain.code)),
            title: domain.code.to_string(),
        };
        let mut value = ex.cf_item(&domain_node, TYPE_DOMAIN);
        value.insert("humanCodingScheme".into(), domain.code.as_str().into());
        value.insert("fullStatement".into(), domain.title.clone().into());
        if !domain.description.is_empty() {
            value.insert("notes".into(), domain.description.clone().into());
        }
        if let Some(extras) = meta
            .case_extras
            .nodes
            .get(&format!("domain:{}", domain.code))
        {
            for (field, v) in extras {
                value.entry(field.clone()).or_insert_with(|| v.clone());
            }
        }
        items.push(ex.finish(value));
        associations.push(ex.child_of(&domain_node, &doc, d + 1));

        for (p, item) in framework.items_in(&domain.code).enumerate() {
            let item_node = Target {
                class: "CFItems",
                id: ex.id(&format!("item:{}", item.code)),
                title: item.code.to_string(),
            };
            let item_type = match item.kind {
                ItemKind::EntryRequirement => TYPE_ENTRY_REQUIREMENT,
                ItemKind::Competency => TYPE_COMPETENCY,
            };
            let mut value = ex.cf_item(&item_node, item_type);
            value.insert("humanCodingScheme".into(), item.code.as_str().into());
            match single_level_statement(framework, item) {
                // As the package it came from had it: the statement in full, the title short.
                Some(statement) => {
                    value.insert("fullStatement".into(), statement.into());
                    value.insert("abbreviatedStatement".into(), item.title.clone().into());
                }
                None => {
                    value.insert("fullStatement".into(), item.title.clone().into());
                }
            }
            // What another tool said of the item, without overriding what Pathway writes.
            if let Some(extras) = meta.case_extras.nodes.get(&format!("item:{}", item.code)) {
                for (field, v) in extras {
                    value.entry(field.clone()).or_insert_with(|| v.clone());
                }
            }
            items.push(ex.finish(value));
            associations.push(ex.child_of(&item_node, &domain_node, p + 1));
            criteria.push(ex.criterion(framework, item, &item_node, rubric_id, criteria.len() + 1));
        }
    }

    let mut per_item: HashMap<&str, usize> = HashMap::new();
    for mapping in framework.provider_mappings() {
        let n = per_item.entry(mapping.item.as_str()).or_insert(0);
        *n += 1;
        let node = Target {
            class: "CFItems",
            id: ex.id(&format!("provider-mapping:{}:{n}", mapping.item)),
            title: mapping.provider.clone(),
        };
        let parent = Target {
            class: "CFItems",
            id: ex.id(&format!("item:{}", mapping.item)),
            title: mapping.item.to_string(),
        };
        let mut value = ex.cf_item(&node, TYPE_PROVIDER_MAPPING);
        value.insert(
            "abbreviatedStatement".into(),
            mapping.provider.clone().into(),
        );
        value.insert("fullStatement".into(), mapping.statement.clone().into());
        items.push(ex.finish(value));
        associations.push(ex.child_of(&node, &parent, *n));
    }

    // Associations another tool made, as it made them; their ends that are this framework's
    // nodes name them as this export does.
    for kept in &meta.case_extras.associations {
        let mut value = kept.value.clone();
        // Served by this Pathway like every other object of the export: under a UUID (the
        // tool's, or one derived from what it used) and this server's address.
        let given = value
            .get("identifier")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let id = Uuid::parse_str(&given)
            .unwrap_or_else(|_| Uuid::new_v5(&doc_id, format!("association:{given}").as_bytes()));
        value.insert("identifier".into(), id.to_string().into());
        value.insert("uri".into(), ex.uri("CFAssociations", id).into());
        for (field, end) in [
            ("originNodeURI", &kept.origin),
            ("destinationNodeURI", &kept.destination),
        ] {
            let node = match end.as_deref() {
                Some("document") => Some(Target {
                    class: "CFDocuments",
                    id: doc_id,
                    title: meta.title.clone(),
                }),
                Some(end) => end.split_once(':').map(|(_, code)| Target {
                    class: "CFItems",
                    id: ex.id(end),
                    title: code.to_owned(),
                }),
                None => None,
            };
            if let Some(node) = node {
                value.insert(field.into(), ex.link(&node));
            }
        }
        associations.push(Value::Object(value));
    }

    let item_types: Vec<Value> = ITEM_TYPES
        .iter()
        .enumerate()
        .map(|(i, (title, description))| {
            let id = item_type_identifier(title);
            json!({
                "identifier": id.to_string(),
                "uri": ex.uri("CFItemTypes", id),
                "title": title,
                "description": description,
                "hierarchyCode": (i + 1).to_string(),
                "lastChangeDateTime": ex.when,
            })
        })
        .collect();

    let levels: Vec<Value> = framework
        .levels()
        .iter()
        .map(|level| {
            let mut value = Map::new();
            value.insert("key".into(), level.key.as_str().into());
            value.insert("title".into(), level.title.clone().into());
            if let Some(description) = &level.description {
                value.insert("description".into(), description.clone().into());
            }
            Value::Object(value)
        })
        .collect();

    json!({
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {
            "CFConcepts": [],
            "CFSubjects": [],
            "CFLicenses": [],
            "CFItemTypes": item_types,
            "CFAssociationGroupings": [],
        },
        "CFRubrics": [{
            "identifier": rubric_id.to_string(),
            "uri": ex.uri("CFRubrics", rubric_id),
            "title": "Levels",
            "description": format!("What each item of {} asks at each level.", meta.title),
            "lastChangeDateTime": ex.when,
            "CFRubricCriteria": criteria,
        }],
        "extensions": {
            "pathway": {
                "frameworkId": meta.id.as_str(),
                "status": meta.status.as_str(),
                "levelPlacement": meta.level_placement.as_str(),
                "levels": levels,
            }
        }
    })
}

fn item_type_identifier(title: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("item-type:{title}").as_bytes())
}

/// A record an association or a rubric criterion points at.
struct Target {
    class: &'static str,
    id: Uuid,
    title: String,
}

struct Exporter<'a> {
    base_uri: &'a str,
    doc_id: Uuid,
    when: String,
    /// Identifiers another tool gave domains and items, by name (`item:3.9`).
    kept: &'a std::collections::BTreeMap<String, Uuid>,
}

impl Exporter<'_> {
    fn id(&self, name: &str) -> Uuid {
        self.kept
            .get(name)
            .copied()
            .unwrap_or_else(|| Uuid::new_v5(&self.doc_id, name.as_bytes()))
    }

    fn uri(&self, class: &str, id: Uuid) -> String {
        uri(self.base_uri, class, id)
    }

    fn link(&self, node: &Target) -> Value {
        json!({
            "title": node.title,
            "identifier": node.id.to_string(),
            "uri": self.uri(node.class, node.id),
        })
    }

    /// The start of a CFItem: identifier, uri and type; [`Exporter::finish`] adds the date.
    fn cf_item(&self, node: &Target, item_type: &str) -> Map<String, Value> {
        let mut value = Map::new();
        value.insert("identifier".into(), node.id.to_string().into());
        value.insert("uri".into(), self.uri(node.class, node.id).into());
        value.insert("CFItemType".into(), item_type.into());
        value.insert(
            "CFItemTypeURI".into(),
            self.link(&Target {
                class: "CFItemTypes",
                id: item_type_identifier(item_type),
                title: item_type.to_owned(),
            }),
        );
        value
    }

    fn finish(&self, mut value: Map<String, Value>) -> Value {
        value.insert("lastChangeDateTime".into(), self.when.clone().into());
        Value::Object(value)
    }

    fn child_of(&self, child: &Target, parent: &Target, sequence: usize) -> Value {
        let id = self.id(&format!("is-child-of:{}", child.id));
        json!({
            "identifier": id.to_string(),
            "uri": self.uri("CFAssociations", id),
            "associationType": "isChildOf",
            "sequenceNumber": sequence,
            "originNodeURI": self.link(child),
            "destinationNodeURI": self.link(parent),
            "lastChangeDateTime": self.when,
        })
    }

    fn criterion(
        &self,
        framework: &Framework,
        item: &Item,
        node: &Target,
        rubric_id: Uuid,
        position: usize,
    ) -> Value {
        let id = self.id(&format!("rubric-criterion:{}", item.code));
        let levels: Vec<Value> = framework
            .levels()
            .iter()
            .zip(&item.descriptors)
            .enumerate()
            // Every level has a criterion level; an empty description is a missing descriptor.
            .map(|(i, (level, descriptor))| {
                let level_id = self.id(&format!(
                    "rubric-criterion-level:{}:{}",
                    item.code, level.key
                ));
                json!({
                    "identifier": level_id.to_string(),
                    "uri": self.uri("CFRubricCriterionLevels", level_id),
                    "description": descriptor.to_cell(),
                    "quality": level.title,
                    "score": i + 1,
                    "position": i + 1,
                    "rubricCriterionId": id.to_string(),
                    "lastChangeDateTime": self.when,
                })
            })
            .collect();
        json!({
            "identifier": id.to_string(),
            "uri": self.uri("CFRubricCriteria", id),
            "CFItemURI": self.link(node),
            "position": position,
            "rubricId": rubric_id.to_string(),
            "lastChangeDateTime": self.when,
            "CFRubricCriterionLevels": levels,
        })
    }
}

/// Reads a CASE 1.0 or 1.1 CFPackage. `file_name` prefixes every problem location.
pub fn import(bytes: &[u8], file_name: &str) -> Result<Framework, Problems> {
    import_noting(bytes, file_name).map(|(framework, _)| framework)
}

/// [`import`], with notices of what the package says that Pathway does not keep (keywords,
/// notes on items, associations other than the hierarchy…), each with where it is, so the
/// person importing knows what a re-export will not carry.
pub fn import_noting(bytes: &[u8], file_name: &str) -> Result<(Framework, Problems), Problems> {
    import_detailed(bytes, file_name).map(|i| (i.framework, i.notices))
}

/// A package as read, with what the reading had to say about it.
#[derive(Debug, Clone)]
pub struct Imported {
    pub framework: Framework,
    /// What the package says that Pathway does not keep (see [`import_noting`]).
    pub notices: Problems,
    /// The codes Pathway made up, from their positions, for items the package gives none
    /// (no `humanCodingScheme` or `listEnumeration`). Positions move when items are added or
    /// removed, so a new version of a framework Pathway holds gives these items back the codes
    /// they had before: see [`keep_item_codes`].
    pub made_up_codes: BTreeSet<ItemCode>,
}

/// [`import_noting`], with the item codes that were made up.
pub fn import_detailed(bytes: &[u8], file_name: &str) -> Result<Imported, Problems> {
    read_package(bytes)
        .map(|(framework, notices, made_up_codes)| Imported {
            framework,
            notices: notices.within(file_name),
            made_up_codes,
        })
        .map_err(|p| p.within(file_name))
}

fn read_package(bytes: &[u8]) -> Result<(Framework, Problems, BTreeSet<ItemCode>), Problems> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problems::one(
            "line 1",
            "the file is empty; expected a CASE CFPackage (a JSON object with a CFDocument)",
        ));
    }
    let root: Value = serde_json::from_slice(bytes).map_err(json_problem)?;
    let Some(root) = root.as_object() else {
        return Err(Problems::one(
            "$",
            "expected a JSON object: a CASE CFPackage with a CFDocument",
        ));
    };
    let doc = match root.get("CFDocument") {
        Some(Value::Object(doc)) => doc,
        None | Some(Value::Null) => {
            return Err(Problems::one(
                "$.CFDocument",
                "the file has no CFDocument; a CASE CFPackage describes its framework in one",
            ));
        }
        Some(_) => {
            return Err(Problems::one(
                "$.CFDocument",
                "expected an object describing the framework",
            ));
        }
    };
    check_case_version(doc)?;
    let mut r = Reader::default();
    let draft = Package::read(&mut r, root, doc).into_draft(&mut r);
    match draft {
        Some((draft, origins)) if r.problems.is_empty() => Framework::new(draft)
            .map(|f| (f, r.notices(), std::mem::take(&mut r.made_up_codes)))
            .map_err(|p| p.relocate(&origins)),
        _ if r.problems.is_empty() => Err(Problems::one("$", "the package could not be read")),
        _ => Err(r.problems),
    }
}

/// The statement of an item of a one-level framework when it is more than its title. A CASE
/// package without rubrics gives each item one statement, read as its descriptor, and
/// perhaps an abbreviated one, read as its title: written back the same way, the item's
/// identifier keeps naming the statement it named.
fn single_level_statement<'f>(framework: &Framework, item: &'f Item) -> Option<&'f str> {
    match item.descriptors.as_slice() {
        [Descriptor::Text(statement)]
            if framework.levels().len() == 1 && *statement != item.title =>
        {
            Some(statement)
        }
        _ => None,
    }
}

/// What to do about a hierarchy link to something the package does not hold.
const OUT_OF_PACKAGE: &str = "the hierarchy must be whole within the package: export the whole framework (its CFPackage) from its tool, with every item its isChildOf associations link";

/// CFItem fields Pathway has no place for, kept as given for items (see [`CaseExtras`]).
const KEPT_ITEM_FIELDS: [&str; 9] = [
    "alternativeLabel",
    "conceptKeywords",
    "conceptKeywordsURI",
    "educationLevel",
    "subject",
    "subjectURI",
    "statusStartDate",
    "statusEndDate",
    "licenseURI",
];

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// The CASE versions [`import`] reads, as `CFDocument.caseVersion` gives them. CASE 1.0 has
/// no `caseVersion`, so a package without one is read as 1.0.
pub const CASE_VERSIONS: [&str; 2] = ["1.0", "1.1"];

/// Refuses a package that says it is of a CASE version Pathway does not read: its shape may
/// differ in ways that would import as something other than what it says.
fn check_case_version(doc: &Map<String, Value>) -> Result<(), Problems> {
    let at = "$.CFDocument.caseVersion";
    let accepted =
        "Pathway reads CASE 1.0 and 1.1 packages (caseVersion \"1.0\" or \"1.1\", or none)";
    match doc.get("caseVersion") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(v)) if CASE_VERSIONS.contains(&v.trim()) => Ok(()),
        Some(Value::String(v)) => Err(Problems::one(
            at,
            format!(
                "the package is CASE version \"{}\"; {accepted}. Export the framework from its tool as CASE 1.1 or 1.0",
                v.escape_debug()
            ),
        )),
        Some(other) => Err(Problems::one(
            at,
            format!("expected a string such as \"1.1\", not {other}; {accepted}"),
        )),
    }
}

fn json_problem(e: serde_json::Error) -> Problems {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    Problems::one(
        format!("line {}, column {}", e.line(), e.column()),
        format!("the file is not valid JSON: {message}"),
    )
}

/// Reads typed fields out of JSON objects, recording a problem for each wrong type.
#[derive(Default)]
struct Reader {
    problems: Problems,
    /// What the package says that Pathway does not keep, by what it is: how many places say
    /// it and the first of them.
    not_kept: std::collections::BTreeMap<String, (usize, String)>,
    /// Item codes made up from positions, for items the package gives no code.
    made_up_codes: BTreeSet<ItemCode>,
    /// Associations other than the hierarchy; their ends are the keys of the package's
    /// identifiers until the framework's nodes are known.
    kept_associations: Vec<KeptAssociation>,
}

impl Reader {
    /// Records that something the package says at `at` is not kept, as `what`.
    fn not_kept(&mut self, what: impl Into<String>, at: &str) {
        let entry = self
            .not_kept
            .entry(what.into())
            .or_insert_with(|| (0, at.to_owned()));
        entry.0 += 1;
    }

    /// The notices for [`import_noting`]: one per kind of thing not kept.
    fn notices(&self) -> Problems {
        let mut notices = Problems::default();
        for (what, (count, first)) in &self.not_kept {
            let location = match count {
                1 => first.clone(),
                n => format!("{first} and {} more", n - 1),
            };
            notices.push(location, what.clone());
        }
        notices
    }

    fn push(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.problems.push(at, message);
    }

    /// Reports a missing value, unless its field was already reported (e.g. as the wrong type).
    fn missing(&mut self, at: impl Into<String>, message: impl Into<String>) {
        let at = at.into();
        if !self.problems.iter().any(|p| p.location == at) {
            self.push(at, message);
        }
    }

    /// A string field, trimmed; `None` when absent, null or blank.
    fn text<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, at: &str) -> Option<&'v str> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim()).filter(|s| !s.is_empty()),
            Some(_) => {
                self.push(format!("{at}.{key}"), "expected a string");
                None
            }
        }
    }

    /// A whole number, also accepted as a string of digits.
    fn integer(&mut self, obj: &Map<String, Value>, key: &str, at: &str) -> Option<i64> {
        let value = obj.get(key)?;
        let n = match value {
            Value::Null => return None,
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if n.is_none() {
            self.push(format!("{at}.{key}"), "expected a whole number");
        }
        n
    }

    /// A list field; empty when absent or null.
    fn list<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, at: &str) -> &'v [Value] {
        match obj.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.push(format!("{at}.{key}"), "expected a list");
                &[]
            }
        }
    }

    fn object<'v>(&mut self, value: &'v Value, at: &str) -> Option<&'v Map<String, Value>> {
        let obj = value.as_object();
        if obj.is_none() {
            self.push(at, "expected an object");
        }
        obj
    }

    /// The identifier of a LinkURI / LinkGenURI field, e.g. an association's `originNodeURI`.
    fn link<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        at: &str,
        missing: &str,
    ) -> Option<&'v str> {
        let link_at = format!("{at}.{key}");
        let identifier = match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => {
                let link = self.object(value, &link_at)?;
                self.text(link, "identifier", &link_at)
            }
        };
        if identifier.is_none() {
            self.missing(link_at, missing);
        }
        identifier
    }
}

/// Identifiers are compared without case: `ABC…` and `abc…` name the same node.
fn key(identifier: &str) -> String {
    identifier.trim().to_ascii_lowercase()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parent {
    Document,
    Node(usize),
}

/// One CFItem as read.
struct Node<'v> {
    /// Position in `CFItems`.
    index: usize,
    /// `$.CFItems[i]`
    at: String,
    /// The identifier, as compared.
    key: String,
    item_type: Option<&'v str>,
    /// The field the code comes from and its value.
    code: Option<(&'static str, &'v str)>,
    full_statement: Option<&'v str>,
    abbreviated_statement: Option<&'v str>,
    notes: Option<&'v str>,
    /// Fields Pathway shows nowhere but keeps for an item (see [`CaseExtras`]).
    extras: Map<String, Value>,
    /// The first `isChildOf` association from this node, with its sequence number.
    parent: Option<(Parent, Option<i64>)>,
}

impl Node<'_> {
    fn is(&self, item_type: &str) -> bool {
        self.item_type
            .is_some_and(|t| t.eq_ignore_ascii_case(item_type))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Unreached,
    /// A heading over items within a domain; not an item itself.
    Group,
    Domain(usize),
    Item,
    Mapping,
}

/// A criterion level as read, tied to the item node its criterion names.
struct Cell<'v> {
    at: String,
    node: usize,
    quality: Option<&'v str>,
    description: &'v str,
    position: Option<i64>,
}

/// The extension an export writes so that it imports back exactly.
#[derive(Default)]
struct PathwayExtension {
    framework_id: Option<FrameworkId>,
    status: Option<VersionStatus>,
    level_placement: Option<LevelPlacement>,
    levels: Option<Vec<Level>>,
}

struct Package<'v> {
    title: &'v str,
    publisher: &'v str,
    description: &'v str,
    version: &'v str,
    adoption_status: Option<&'v str>,
    identifier: Option<&'v str>,
    extension: PathwayExtension,
    nodes: Vec<Node<'v>>,
    /// How many entries `CFItems` has, including any that could not be read.
    cf_items: usize,
    /// Top-level nodes, then each node's children, in sequence order.
    roots: Vec<usize>,
    children: Vec<Vec<usize>>,
    rubrics: &'v [Value],
}

impl<'v> Package<'v> {
    fn read(r: &mut Reader, root: &'v Map<String, Value>, doc: &'v Map<String, Value>) -> Self {
        let at = "$.CFDocument";
        let identifier = r.text(doc, "identifier", at);
        if identifier.is_none() {
            r.missing("$.CFDocument.identifier", "the document has no identifier");
        }
        let title = r.text(doc, "title", at).unwrap_or_default();
        if title.is_empty() {
            r.missing("$.CFDocument.title", "the document has no title");
        }
        let publisher = r.text(doc, "publisher", at);
        let creator = r.text(doc, "creator", at);
        if creator.is_none() {
            r.missing(
                "$.CFDocument.creator",
                "the document has no creator; CASE requires one: the name of the organisation that wrote the framework",
            );
        }
        let description = r.text(doc, "description", at).unwrap_or_default();
        let version = r.text(doc, "version", at).unwrap_or("1");
        let adoption_status = r.text(doc, "adoptionStatus", at);
        let extension = read_extension(r, root);

        let mut nodes: Vec<Node<'v>> = Vec::new();
        let mut index: HashMap<String, (usize, String)> = HashMap::new();
        let doc_key = identifier.map(key);
        let cf_items = r.list(root, "CFItems", "$");
        for (i, value) in cf_items.iter().enumerate() {
            let at = format!("$.CFItems[{i}]");
            let Some(obj) = r.object(value, &at) else {
                continue;
            };
            let Some(id) = r.text(obj, "identifier", &at) else {
                r.missing(format!("{at}.identifier"), "the item has no identifier");
                continue;
            };
            if doc_key.as_deref() == Some(key(id).as_str()) {
                r.push(
                    format!("{at}.identifier"),
                    format!("identifier \"{id}\" is the CFDocument's identifier"),
                );
                continue;
            }
            if let Some((_, first)) = index.get(&key(id)) {
                r.push(
                    format!("{at}.identifier"),
                    format!("identifier \"{id}\" appears more than once (also at {first})"),
                );
                continue;
            }
            let item_type = r.text(obj, "CFItemType", &at).or_else(|| {
                obj.get("CFItemTypeURI")
                    .and_then(|l| l.get("title"))
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
            });
            let code = r
                .text(obj, "humanCodingScheme", &at)
                .map(|c| ("humanCodingScheme", c))
                .or_else(|| {
                    r.text(obj, "listEnumeration", &at)
                        .map(|c| ("listEnumeration", c))
                });
            let extras: Map<String, Value> = KEPT_ITEM_FIELDS
                .iter()
                .filter_map(|field| {
                    obj.get(*field)
                        .filter(|v| !is_empty_value(v))
                        .map(|v| ((*field).to_owned(), v.clone()))
                })
                .collect();
            index.insert(key(id), (nodes.len(), at.clone()));
            nodes.push(Node {
                index: i,
                key: key(id),
                item_type,
                code,
                full_statement: r.text(obj, "fullStatement", &at),
                abbreviated_statement: r.text(obj, "abbreviatedStatement", &at),
                notes: r.text(obj, "notes", &at),
                extras,
                parent: None,
                at,
            });
        }

        for (i, value) in r.list(root, "CFAssociations", "$").iter().enumerate() {
            let at = format!("$.CFAssociations[{i}]");
            let Some(obj) = r.object(value, &at) else {
                continue;
            };
            let Some(kind) = r.text(obj, "associationType", &at) else {
                r.missing(
                    format!("{at}.associationType"),
                    "the association has no associationType",
                );
                continue;
            };
            if !kind.eq_ignore_ascii_case("isChildOf") {
                let end = |field: &str| {
                    obj.get(field)
                        .and_then(|n| n.get("identifier"))
                        .and_then(Value::as_str)
                        .map(key)
                };
                r.kept_associations.push(KeptAssociation {
                    value: obj.clone(),
                    origin: end("originNodeURI"),
                    destination: end("destinationNodeURI"),
                });
                continue;
            }
            let origin = r.link(
                obj,
                "originNodeURI",
                &at,
                "the association has no origin node",
            );
            let destination = r.link(
                obj,
                "destinationNodeURI",
                &at,
                "the association has no destination node",
            );
            let sequence = r.integer(obj, "sequenceNumber", &at);
            let resolve = |r: &mut Reader, field: &str, id: &str| -> Option<Parent> {
                if doc_key.as_deref() == Some(key(id).as_str()) {
                    Some(Parent::Document)
                } else if let Some((n, _)) = index.get(&key(id)) {
                    Some(Parent::Node(*n))
                } else {
                    r.push(
                        format!("{at}.{field}"),
                        format!(
                            "\"{id}\" is not the CFDocument or one of the CFItems; {OUT_OF_PACKAGE}"
                        ),
                    );
                    None
                }
            };
            let origin = origin.and_then(|id| resolve(r, "originNodeURI", id));
            let destination = destination.and_then(|id| resolve(r, "destinationNodeURI", id));
            match (origin, destination) {
                (Some(Parent::Document), _) => r.push(
                    format!("{at}.originNodeURI"),
                    "the CFDocument cannot be the child in an isChildOf association",
                ),
                (Some(Parent::Node(child)), Some(parent)) => {
                    // A node reused under a second parent stays under its first.
                    let node = &mut nodes[child];
                    if node.parent.is_none() {
                        node.parent = Some((parent, sequence));
                    }
                }
                _ => {}
            }
        }

        let mut roots = Vec::new();
        let mut children = vec![Vec::new(); nodes.len()];
        for (i, node) in nodes.iter().enumerate() {
            match node.parent {
                None | Some((Parent::Document, _)) => roots.push(i),
                Some((Parent::Node(p), _)) => children[p].push(i),
            }
        }
        // By sequence number; nodes without one after those with, in file order.
        let order = |i: &usize| (nodes[*i].parent.and_then(|p| p.1).unwrap_or(i64::MAX), *i);
        roots.sort_by_key(order);
        for list in &mut children {
            list.sort_by_key(order);
        }

        let rubrics = r.list(root, "CFRubrics", "$");
        Self {
            title,
            publisher: publisher.or(creator).unwrap_or_default(),
            description,
            version,
            adoption_status,
            identifier,
            extension,
            nodes,
            cf_items: cf_items.len(),
            roots,
            children,
            rubrics,
        }
    }

    /// Nodes in preorder; reports nodes that loops keep out of the tree.
    fn preorder(&self, r: &mut Reader) -> Vec<usize> {
        let mut seen = vec![false; self.nodes.len()];
        let mut order = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push(i);
            stack.extend(self.children[i].iter().rev());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if !seen[i] {
                r.push(
                    &node.at,
                    "the item is not connected to the CFDocument: its isChildOf associations form a loop",
                );
            }
        }
        order
    }

    /// The framework the package describes, with where each of its parts came from.
    fn into_draft(self, r: &mut Reader) -> Option<(FrameworkDraft, Origins)> {
        let nodes = &self.nodes;
        let order = self.preorder(r);

        // Domains: items typed "Domain"; without any, top-level nodes with children.
        let typed = nodes.iter().any(|n| n.is(TYPE_DOMAIN));
        let is_domain = |i: usize| {
            let node = &nodes[i];
            if typed {
                node.is(TYPE_DOMAIN)
            } else {
                !matches!(node.parent, Some((Parent::Node(_), _)))
                    && self.children[i]
                        .iter()
                        .any(|&c| !nodes[c].is(TYPE_PROVIDER_MAPPING))
            }
        };
        // Groups: nodes below a domain with items under them and nothing that makes them an
        // item themselves, neither a code nor a type. A coded node with sub-items is an item,
        // and the tree is flattened under it.
        let is_group = |i: usize| {
            let node = &nodes[i];
            node.code.is_none()
                && !node.is(TYPE_COMPETENCY)
                && !node.is(TYPE_ENTRY_REQUIREMENT)
                && self.children[i]
                    .iter()
                    .any(|&c| !nodes[c].is(TYPE_PROVIDER_MAPPING))
        };
        let mut role = vec![Role::Unreached; nodes.len()];
        let mut nearest_domain: Vec<Option<usize>> = vec![None; nodes.len()];
        // `None` is the implicit domain that holds items outside any domain.
        let mut domains: Vec<Option<usize>> = Vec::new();
        let mut implicit: Option<usize> = None;
        let mut items: Vec<(usize, usize)> = Vec::new();
        let mut mappings: Vec<usize> = Vec::new();
        for &i in &order {
            let inherited = match nodes[i].parent {
                Some((Parent::Node(p), _)) => match role[p] {
                    Role::Domain(d) => Some(d),
                    _ => nearest_domain[p],
                },
                _ => None,
            };
            nearest_domain[i] = inherited;
            if nodes[i].is(TYPE_PROVIDER_MAPPING) {
                role[i] = Role::Mapping;
                mappings.push(i);
            } else if is_domain(i) {
                role[i] = Role::Domain(domains.len());
                domains.push(Some(i));
            } else if is_group(i) {
                // A heading between a domain and its items, as deeper trees have: Pathway's
                // domains hold items directly, so the items under it join its domain.
                role[i] = Role::Group;
                r.not_kept(
                    "groups of items within a domain are not kept as items: the items under them are items of the domain",
                    &nodes[i].at,
                );
            } else {
                role[i] = Role::Item;
                let domain = match (inherited, implicit) {
                    (Some(d), _) | (None, Some(d)) => d,
                    (None, None) => {
                        domains.push(None);
                        implicit = Some(domains.len() - 1);
                        domains.len() - 1
                    }
                };
                items.push((i, domain));
            }
        }
        // Deeper trees are flattened: each domain's items together, in domain order.
        items.sort_by_key(|&(_, d)| d);
        if self.cf_items == 0 {
            // Unless `CFItems` was already reported, e.g. as not a list.
            r.missing(
                "$.CFItems",
                "the package has no CFItems; nothing to import. A framework needs at least one item: add a CFItem for each competency, with an isChildOf association to the CFDocument or to its domain",
            );
        } else if items.is_empty()
            && !nodes.is_empty()
            && role
                .iter()
                .all(|k| matches!(k, Role::Domain(_) | Role::Mapping))
        {
            r.push(
                "$.CFItems",
                "the package has no CFItems that are items (competencies or entry requirements), only domains or provider mappings; nothing to import. Give each domain its items with isChildOf associations",
            );
        }

        // Groups and provider mappings do not become nodes of the framework, so what else
        // they say has nowhere to be kept.
        for (i, node) in nodes.iter().enumerate() {
            let what = match role[i] {
                Role::Group => "groups of items",
                Role::Mapping => "provider mappings",
                _ => continue,
            };
            for field in node.extras.keys() {
                r.not_kept(
                    format!("{field} on {what} is not kept"),
                    &format!("{}.{field}", node.at),
                );
            }
        }
        let domain_codes = assign_codes(
            r,
            "domain",
            &domains
                .iter()
                .map(|d| d.map(|i| &nodes[i]))
                .collect::<Vec<_>>(),
            DomainCode::parse,
            DomainCode::as_str,
        );
        let item_codes = assign_codes(
            r,
            "item",
            &items
                .iter()
                .map(|&(i, _)| Some(&nodes[i]))
                .collect::<Vec<_>>(),
            ItemCode::parse,
            ItemCode::as_str,
        );
        for (&(i, _), code) in items.iter().zip(&item_codes) {
            if nodes[i].code.is_none()
                && let Some(code) = code
            {
                r.made_up_codes.insert(code.clone());
            }
        }

        for &i in &order {
            let node = &nodes[i];
            if node.full_statement.is_none() && role[i] != Role::Group {
                let what = match role[i] {
                    Role::Domain(_) => "domain",
                    Role::Group => "group",
                    Role::Mapping => "provider mapping",
                    Role::Item | Role::Unreached => "item",
                };
                r.missing(
                    format!("{}.fullStatement", node.at),
                    format!("the {what} has no statement"),
                );
            }
        }

        let (levels, descriptors) = self.levels_and_descriptors(r, &role);

        // Provider mappings in file order, each the child of the item it maps.
        mappings.sort_unstable();
        let item_code_of: HashMap<usize, Option<&ItemCode>> = items
            .iter()
            .zip(&item_codes)
            .map(|(&(i, _), code)| (i, code.as_ref()))
            .collect();
        let mut provider_mappings = Vec::new();
        let mut mapping_origins = Vec::new();
        for &m in &mappings {
            let node = &nodes[m];
            let parent_item = match node.parent {
                Some((Parent::Node(p), _)) if role[p] == Role::Item => item_code_of.get(&p),
                _ => None,
            };
            let Some(code) = parent_item else {
                r.push(
                    &node.at,
                    "the provider mapping is not the child of an item; link it to the item it maps with an isChildOf association",
                );
                continue;
            };
            let Some(provider) = node.abbreviated_statement else {
                r.missing(
                    format!("{}.abbreviatedStatement", node.at),
                    "the provider mapping names no provider; put the provider's name in abbreviatedStatement",
                );
                continue;
            };
            if let (Some(code), Some(statement)) = (*code, node.full_statement) {
                mapping_origins.push(node.at.clone());
                provider_mappings.push(ProviderMapping {
                    provider: provider.to_owned(),
                    item: code.clone(),
                    statement: statement.to_owned(),
                });
            }
        }

        let extension = &self.extension;
        let id = match &extension.framework_id {
            Some(id) => id.clone(),
            None => framework_id_from_title(self.title)?,
        };
        let identifier = self
            .identifier
            .and_then(|s| Uuid::parse_str(s).ok())
            // An identifier derived from the id is derived again on export: keep it implicit.
            .filter(|u| *u != derived_document_identifier(&id));
        let status = extension.status.unwrap_or_else(|| {
            self.adoption_status
                .map_or(VersionStatus::Draft, status_from_adoption)
        });

        if !r.problems.is_empty() {
            return None;
        }
        let levels = levels?;
        // Identifiers another tool chose are kept; ones an export derives again are not.
        let doc_uuid = identifier.unwrap_or_else(|| derived_document_identifier(&id));
        let mut case_identifiers = std::collections::BTreeMap::new();
        let mut case_extras = CaseExtras::default();
        // Which of the framework's nodes each identifier in the package is, for the ends of
        // the associations kept (see `KeptAssociation`).
        let mut ends: HashMap<String, String> = HashMap::new();
        if let Some(doc) = self.identifier {
            ends.insert(key(doc), "document".to_owned());
        }
        let mut keep = |name: String, node: &Node<'_>| {
            if let Ok(u) = Uuid::parse_str(&node.key)
                && u != Uuid::new_v5(&doc_uuid, name.as_bytes())
            {
                case_identifiers.insert(name, u);
            }
        };
        let mut domains_out = Vec::new();
        for (d, code) in domains.iter().zip(domain_codes) {
            let code = code?;
            let (title, description) = match d {
                Some(i) => {
                    keep(format!("domain:{code}"), &nodes[*i]);
                    ends.insert(nodes[*i].key.clone(), format!("domain:{code}"));
                    if !nodes[*i].extras.is_empty() {
                        case_extras
                            .nodes
                            .insert(format!("domain:{code}"), nodes[*i].extras.clone());
                    }
                    (nodes[*i].full_statement?, nodes[*i].notes.unwrap_or(""))
                }
                None => (self.title, ""),
            };
            domains_out.push(Domain {
                code,
                title: title.to_owned(),
                description: description.to_owned(),
            });
        }
        let mut items_out = Vec::new();
        for (&(i, d), code) in items.iter().zip(item_codes) {
            let node = &nodes[i];
            let full = node.full_statement?;
            // With one level, the statement is the descriptor and the abbreviated statement
            // the title, rubric or not (see `single_level_statement`).
            let one_level = levels.len() == 1;
            let title = match &descriptors {
                Descriptors::ByNode(_) if !one_level => full,
                _ => node.abbreviated_statement.unwrap_or(full),
            };
            let mut extras = node.extras.clone();
            if let Some(notes) = node.notes {
                extras.insert("notes".into(), notes.into());
            }
            if matches!(descriptors, Descriptors::ByNode(_))
                && !one_level
                && let Some(abbreviated) = node.abbreviated_statement.filter(|a| *a != full)
            {
                // The full statement is the item's title; the short one goes back as it came.
                extras.insert("abbreviatedStatement".into(), abbreviated.into());
            }
            let kind = match node.item_type.and_then(ItemKind::parse) {
                Some(ItemKind::EntryRequirement) => ItemKind::EntryRequirement,
                _ => ItemKind::Competency,
            };
            let item_descriptors = match &descriptors {
                Descriptors::Standard => vec![Descriptor::from_cell(full)],
                Descriptors::ByNode(by_node) => by_node
                    .get(&i)
                    .cloned()
                    .unwrap_or_else(|| vec![Descriptor::Missing; levels.len()]),
            };
            let code = code?;
            keep(format!("item:{code}"), node);
            ends.insert(node.key.clone(), format!("item:{code}"));
            if !extras.is_empty() {
                case_extras.nodes.insert(format!("item:{code}"), extras);
            }
            items_out.push(Item {
                code,
                domain: domains_out.get(d)?.code.clone(),
                title: title.to_owned(),
                kind,
                descriptors: item_descriptors,
            });
        }
        let origins = Origins {
            members: vec![
                ("title", "$.CFDocument.title".to_owned()),
                ("publisher", "$.CFDocument.creator".to_owned()),
                ("version", "$.CFDocument.version".to_owned()),
                ("description", "$.CFDocument.description".to_owned()),
            ],
            levels: (0..levels.len())
                .map(|i| match (&self.extension.levels, &descriptors) {
                    (Some(_), _) => format!("$.extensions.pathway.levels[{i}]"),
                    (None, Descriptors::Standard) => "$.CFDocument".to_owned(),
                    (None, Descriptors::ByNode(_)) => format!(
                        "$.CFRubrics (the criterion levels of quality \"{}\")",
                        levels[i].title
                    ),
                })
                .collect(),
            domains: domains
                .iter()
                .map(|d| d.map_or_else(|| "$.CFDocument".to_owned(), |i| nodes[i].at.clone()))
                .collect(),
            items: items.iter().map(|&(i, _)| nodes[i].at.clone()).collect(),
            provider_mappings: mapping_origins,
            level_titles: levels.iter().map(|l| l.title.clone()).collect(),
        };
        let draft = FrameworkDraft {
            meta: FrameworkMeta {
                id,
                title: self.title.to_owned(),
                publisher: self.publisher.to_owned(),
                version: self.version.to_owned(),
                status,
                description: self.description.to_owned(),
                level_placement: self.extension.level_placement.unwrap_or_default(),
                case_identifier: identifier,
                case_identifiers,
                case_extras: CaseExtras {
                    associations: std::mem::take(&mut r.kept_associations)
                        .into_iter()
                        .map(|kept| {
                            let mut value = kept.value;
                            let origin = kept.origin.and_then(|k| ends.get(&k).cloned());
                            let destination = kept.destination.and_then(|k| ends.get(&k).cloned());
                            // An end that is the framework's own is written on export as the
                            // export names it: what the package said of it is not kept.
                            if origin.is_some() {
                                value.remove("originNodeURI");
                            }
                            if destination.is_some() {
                                value.remove("destinationNodeURI");
                            }
                            // Its address is the server's that serves it, written on export.
                            value.remove("uri");
                            KeptAssociation {
                                value,
                                origin,
                                destination,
                            }
                        })
                        .collect(),
                    ..case_extras
                },
            },
            levels,
            domains: domains_out,
            items: items_out,
            provider_mappings,
        };
        Some((draft, origins))
    }

    /// The framework's levels and each item node's descriptors. Levels come from the Pathway
    /// extension, else from the rubrics' criterion levels, else there is one "Standard" level
    /// whose descriptor is each item's statement.
    fn levels_and_descriptors(
        &self,
        r: &mut Reader,
        role: &[Role],
    ) -> (Option<Vec<Level>>, Descriptors) {
        let cells = self.read_rubrics(r, role);
        let levels = match &self.extension.levels {
            Some(levels) => levels.clone(),
            None if cells.is_empty() => {
                let standard = LevelKey::parse("standard").ok();
                let levels = standard.map(|key| {
                    vec![Level {
                        key,
                        title: "Standard".into(),
                        description: None,
                    }]
                });
                return (levels, Descriptors::Standard);
            }
            None => levels_from_qualities(&cells),
        };

        let names = levels
            .iter()
            .map(|l| l.title.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut by_node: HashMap<usize, Vec<Descriptor>> = HashMap::new();
        let mut set: HashMap<(usize, usize), &str> = HashMap::new();
        for cell in &cells {
            let by_position = cell
                .position
                .and_then(|p| usize::try_from(p).ok())
                .filter(|p| (1..=levels.len()).contains(p))
                .map(|p| p - 1);
            let index = match cell.quality {
                Some(quality) => {
                    let matches: Vec<usize> = levels
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| same_title(&l.title, quality))
                        .map(|(i, _)| i)
                        .collect();
                    // Two levels with one title: the position tells them apart.
                    let found = by_position
                        .filter(|p| matches.contains(p))
                        .or(matches.first().copied());
                    if found.is_none() {
                        r.push(
                            format!("{}.quality", cell.at),
                            format!(
                                "unknown level \"{quality}\"; the framework's levels are {names}"
                            ),
                        );
                    }
                    found
                }
                None => {
                    // Levels made from positions alone are titled by them.
                    let by_position = cell
                        .position
                        .and_then(|p| levels.iter().position(|l| l.title == position_title(p)))
                        .or(by_position);
                    if by_position.is_none() {
                        r.push(
                            format!("{}.quality", cell.at),
                            format!(
                                "the criterion level has no quality; give the title of its level ({names})"
                            ),
                        );
                    }
                    by_position
                }
            };
            let Some(index) = index else { continue };
            if let Some(first) = set.insert((cell.node, index), &cell.at) {
                r.push(
                    &cell.at,
                    format!(
                        "the item already has a descriptor at level \"{}\" (at {first})",
                        levels[index].title
                    ),
                );
                continue;
            }
            by_node
                .entry(cell.node)
                .or_insert_with(|| vec![Descriptor::Missing; levels.len()])[index] =
                Descriptor::from_cell(cell.description);
        }
        (Some(levels), Descriptors::ByNode(by_node))
    }

    fn read_rubrics(&self, r: &mut Reader, role: &[Role]) -> Vec<Cell<'v>> {
        let index: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.key.as_str(), i))
            .collect();
        let mut cells = Vec::new();
        for (ri, rubric) in self.rubrics.iter().enumerate() {
            let at = format!("$.CFRubrics[{ri}]");
            let Some(rubric) = r.object(rubric, &at) else {
                continue;
            };
            for (ci, criterion) in r.list(rubric, "CFRubricCriteria", &at).iter().enumerate() {
                let at = format!("{at}.CFRubricCriteria[{ci}]");
                let Some(criterion) = r.object(criterion, &at) else {
                    continue;
                };
                let Some(target) =
                    r.link(criterion, "CFItemURI", &at, "the criterion names no item")
                else {
                    continue;
                };
                let node = match index.get(key(target).as_str()) {
                    Some(&i) if role[i] == Role::Item => i,
                    Some(&i) => {
                        let what = match role[i] {
                            Role::Domain(_) => "a domain",
                            Role::Group => "a group of items",
                            Role::Mapping => "a provider mapping",
                            Role::Item | Role::Unreached => "not connected to the CFDocument",
                        };
                        r.push(
                            format!("{at}.CFItemURI"),
                            format!(
                                "\"{target}\" is {what}; a criterion describes an item at each level"
                            ),
                        );
                        continue;
                    }
                    None => {
                        r.push(
                            format!("{at}.CFItemURI"),
                            format!("\"{target}\" is not one of the CFItems"),
                        );
                        continue;
                    }
                };
                for (li, level) in r
                    .list(criterion, "CFRubricCriterionLevels", &at)
                    .iter()
                    .enumerate()
                {
                    let at = format!("{at}.CFRubricCriterionLevels[{li}]");
                    let Some(level) = r.object(level, &at) else {
                        continue;
                    };
                    cells.push(Cell {
                        quality: r.text(level, "quality", &at),
                        description: r.text(level, "description", &at).unwrap_or_default(),
                        position: r.integer(level, "position", &at),
                        node,
                        at,
                    });
                }
            }
        }
        cells
    }
}

enum Descriptors {
    /// No rubrics: one level, whose descriptor is each item's statement.
    Standard,
    ByNode(HashMap<usize, Vec<Descriptor>>),
}

fn same_title(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The title of a level known only by its criterion levels' position.
fn position_title(position: i64) -> String {
    format!("Level {position}")
}

/// Distinct criterion-level qualities, ordered by their lowest position, then first appearance;
/// with no qualities at all, one level per distinct position.
fn levels_from_qualities(cells: &[Cell<'_>]) -> Vec<Level> {
    let mut found: Vec<(&str, i64)> = Vec::new();
    for cell in cells {
        let Some(quality) = cell.quality else {
            continue;
        };
        let position = cell.position.unwrap_or(i64::MAX);
        match found.iter_mut().find(|(t, _)| same_title(t, quality)) {
            Some((_, p)) => *p = (*p).min(position),
            None => found.push((quality, position)),
        }
    }
    if found.is_empty() {
        // No criterion level names its level: the positions are the levels.
        let mut positions: Vec<i64> = cells.iter().filter_map(|c| c.position).collect();
        positions.sort_unstable();
        positions.dedup();
        return positions
            .into_iter()
            .filter_map(|p| {
                Some(Level {
                    key: LevelKey::parse(&format!("level-{}", p.unsigned_abs())).ok()?,
                    title: position_title(p),
                    description: None,
                })
            })
            .collect();
    }
    // A stable sort keeps first appearance among equal positions.
    found.sort_by_key(|&(_, p)| p);
    let mut keys = HashSet::new();
    found
        .into_iter()
        .filter_map(|(title, _)| {
            let key = unique_slug(&slugify(title), MAX_LEVEL_KEY, &mut keys);
            Some(Level {
                key: LevelKey::parse(&key).ok()?,
                title: title.to_owned(),
                description: None,
            })
        })
        .collect()
}

/// `slug` cut to `max` characters, made unique among `taken` with a "-2", "-3"… suffix.
fn framework_id_from_title(title: &str) -> Option<FrameworkId> {
    let slug = if title.chars().any(|c| c.is_ascii_alphanumeric()) {
        slugify(title)
    } else {
        "framework".to_owned()
    };
    FrameworkId::parse(&unique_slug(&slug, 100, &mut HashSet::new())).ok()
}

fn status_from_adoption(status: &str) -> VersionStatus {
    let s = status.to_ascii_lowercase();
    if s.contains("deprecat") || s.contains("retire") {
        VersionStatus::Retired
    } else if s.contains("adopt") || s.contains("implement") || s.contains("publish") {
        VersionStatus::Published
    } else {
        VersionStatus::Draft
    }
}

fn read_extension(r: &mut Reader, root: &Map<String, Value>) -> PathwayExtension {
    let mut ext = PathwayExtension::default();
    let Some(pathway) = root
        .get("extensions")
        .and_then(|e| e.get("pathway"))
        .and_then(Value::as_object)
    else {
        return ext;
    };
    let at = "$.extensions.pathway";
    if let Some(id) = r.text(pathway, "frameworkId", at) {
        match FrameworkId::parse(id) {
            Ok(id) => ext.framework_id = Some(id),
            Err(e) => r.push(format!("{at}.frameworkId"), e),
        }
    }
    if let Some(status) = r.text(pathway, "status", at) {
        match VersionStatus::parse(status) {
            Some(s) => ext.status = Some(s),
            None => r.push(
                format!("{at}.status"),
                format!("unknown status \"{status}\"; expected draft, published or retired"),
            ),
        }
    }
    if let Some(placement) = r.text(pathway, "levelPlacement", at) {
        match LevelPlacement::parse(placement) {
            Some(p) => ext.level_placement = Some(p),
            None => r.push(
                format!("{at}.levelPlacement"),
                format!(
                    "unknown level placement \"{placement}\"; expected whole_framework or per_domain"
                ),
            ),
        }
    }
    if pathway.contains_key("levels") {
        let mut levels = Vec::new();
        for (i, value) in r.list(pathway, "levels", at).iter().enumerate() {
            let at = format!("{at}.levels[{i}]");
            let Some(obj) = r.object(value, &at) else {
                continue;
            };
            let Some(title) = r.text(obj, "title", &at) else {
                r.missing(format!("{at}.title"), "the level has no title");
                continue;
            };
            let key = r
                .text(obj, "key", &at)
                .map_or_else(|| slugify(title), str::to_owned);
            match LevelKey::parse(&key) {
                Ok(key) => levels.push(Level {
                    key,
                    title: title.to_owned(),
                    description: r.text(obj, "description", &at).map(str::to_owned),
                }),
                Err(e) => r.push(format!("{at}.key"), e),
            }
        }
        ext.levels = Some(levels);
    }
    ext
}

/// Codes for domains or items, in order: each node's `humanCodingScheme` or
/// `listEnumeration`, else its position ("1", "2"…) unless another node already uses that.
/// Reports invalid codes, and duplicates (in file order) at the later node.
fn assign_codes<C>(
    r: &mut Reader,
    what: &str,
    nodes: &[Option<&Node<'_>>],
    parse: impl Fn(&str) -> Result<C, String>,
    as_str: fn(&C) -> &str,
) -> Vec<Option<C>> {
    let mut codes: Vec<Option<C>> = nodes
        .iter()
        .map(|n| {
            let node = (*n)?;
            let (field, raw) = node.code?;
            match parse(raw) {
                Ok(code) => Some(code),
                Err(e) => {
                    r.push(format!("{}.{field}", node.at), e);
                    None
                }
            }
        })
        .collect();

    let mut by_file: Vec<(&Node<'_>, &str)> = nodes
        .iter()
        .zip(&codes)
        .filter_map(|(n, c)| Some(((*n)?, as_str(c.as_ref()?))))
        .collect();
    by_file.sort_by_key(|(n, _)| n.index);
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (node, code) in by_file {
        if let Some(other) = first.get(code) {
            let field = node.code.map_or("humanCodingScheme", |c| c.0);
            r.push(
                format!("{}.{field}", node.at),
                format!("{what} code \"{code}\" appears more than once (also at {other})"),
            );
        } else {
            first.insert(code, &node.at);
        }
    }
    let mut taken: HashSet<String> = first.keys().map(|s| (*s).to_owned()).collect();
    drop(first);
    for (i, n) in nodes.iter().enumerate() {
        if n.is_some_and(|n| n.code.is_some()) {
            continue;
        }
        let position = (i + 1).to_string();
        let mut candidate = position.clone();
        let mut k = 1;
        while taken.contains(&candidate) {
            k += 1;
            candidate = format!("{position}-{k}");
        }
        codes[i] = parse(&candidate).ok();
        taken.insert(candidate);
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn when() -> DateTime<Utc> {
        "2024-05-01T12:00:00Z".parse().unwrap()
    }

    fn opts() -> ExportOptions<'static> {
        ExportOptions {
            base_uri: "https://pathway.example/",
            last_change: when(),
        }
    }

    fn text(s: &str) -> Descriptor {
        Descriptor::Text(s.into())
    }

    /// Two domains, three levels, "N/A" and missing descriptors, an entry requirement and
    /// provider mappings.
    fn small() -> Framework {
        let level = |key: &str, title: &str, description: Option<&str>| Level {
            key: key.parse().unwrap(),
            title: title.into(),
            description: description.map(Into::into),
        };
        let item = |code: &str, domain: &str, title: &str, kind, descriptors| Item {
            code: code.parse().unwrap(),
            domain: domain.parse().unwrap(),
            title: title.into(),
            kind,
            descriptors,
        };
        let mapping = |provider: &str, item: &str, statement: &str| ProviderMapping {
            provider: provider.into(),
            item: item.parse().unwrap(),
            statement: statement.into(),
        };
        Framework::new(FrameworkDraft {
            meta: FrameworkMeta {
                id: "sample-framework".parse().unwrap(),
                title: "Sample framework".into(),
                publisher: "Sample Trust".into(),
                version: "1.2".into(),
                status: VersionStatus::Published,
                description: "A framework for tests.".into(),
                level_placement: Default::default(),
                case_identifier: None,
                case_identifiers: Default::default(),
                case_extras: Default::default(),
            },
            levels: vec![
                level("entry", "Entry", Some("Agenda for Change band 2")),
                level("intermediate", "Intermediate", None),
                level("assistant-practitioner", "Assistant Practitioner", None),
            ],
            domains: vec![
                Domain {
                    code: "1".parse().unwrap(),
                    title: "Formal knowledge".into(),
                    description: "Qualifications and experience.".into(),
                },
                Domain {
                    code: "2".parse().unwrap(),
                    title: "Supporting service users".into(),
                    description: String::new(),
                },
            ],
            items: vec![
                item(
                    "1.1",
                    "1",
                    "Education requirements",
                    ItemKind::EntryRequirement,
                    vec![text("Level 2"), text("Level 3"), text("Level 4")],
                ),
                item(
                    "2.1",
                    "2",
                    "Person-centred care",
                    ItemKind::Competency,
                    vec![
                        Descriptor::NotApplicable,
                        text("Provides person-centred care"),
                        text("Provides person-centred care"),
                    ],
                ),
                item(
                    "2.2",
                    "2",
                    "Health promotion",
                    ItemKind::Competency,
                    vec![
                        text("Signposts"),
                        text("Advises, \"in detail\""),
                        Descriptor::Missing,
                    ],
                ),
            ],
            provider_mappings: vec![
                mapping("ExR", "2.2", "ExR covers health promotion"),
                mapping("ExR", "2.1", "ExR covers person-centred care"),
                mapping("Other College", "2.1", "Unit 4"),
            ],
        })
        .unwrap()
    }

    fn round_trip(f: &Framework) -> Framework {
        let json = serde_json::to_vec_pretty(&export(f, &opts())).unwrap();
        import(&json, "case.json").unwrap()
    }

    fn errors(package: &Value) -> Vec<String> {
        errors_in(&serde_json::to_vec_pretty(package).unwrap())
    }

    fn errors_in(bytes: &[u8]) -> Vec<String> {
        import(bytes, "case.json")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const DOC: &str = "8f3c2a8e-1d5b-4c7e-9a2f-0b1c2d3e4f50";

    fn package(items: Vec<Value>, associations: Vec<Value>) -> Value {
        json!({
            "CFDocument": {
                "identifier": DOC,
                "uri": format!("https://case.example/CFDocuments/{DOC}"),
                "creator": "Test Body",
                "title": "Test Framework",
                "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
            },
            "CFItems": items,
            "CFAssociations": associations,
        })
    }

    fn cf_item(id: &str, fields: Value) -> Value {
        let mut value = json!({
            "identifier": id,
            "uri": format!("https://case.example/CFItems/{id}"),
            "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
        });
        let Value::Object(fields) = fields else {
            panic!("fields must be an object")
        };
        value.as_object_mut().unwrap().extend(fields);
        value
    }

    fn child_of(origin: &str, destination: &str, sequence: Option<i64>) -> Value {
        let mut value = json!({
            "identifier": format!("{origin}-in-{destination}"),
            "uri": "https://case.example/CFAssociations/x",
            "associationType": "isChildOf",
            "originNodeURI": {"title": origin, "identifier": origin, "uri": "https://case.example/x"},
            "destinationNodeURI": {"title": destination, "identifier": destination, "uri": "https://case.example/x"},
            "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
        });
        if let Some(n) = sequence {
            value["sequenceNumber"] = n.into();
        }
        value
    }

    /// A package of items with no codes, under the document, in this order.
    fn uncoded(items: &[(&str, &str)]) -> Value {
        package(
            items
                .iter()
                .map(|(id, statement)| cf_item(id, json!({"fullStatement": statement})))
                .collect(),
            items
                .iter()
                .enumerate()
                .map(|(n, (id, _))| child_of(id, DOC, Some(n as i64 + 1)))
                .collect(),
        )
    }

    const A: &str = "0a000000-0000-4000-8000-00000000000a";
    const B: &str = "0b000000-0000-4000-8000-00000000000b";
    const C: &str = "0c000000-0000-4000-8000-00000000000c";
    const N: &str = "0d000000-0000-4000-8000-00000000000d";

    fn codes(f: &Framework) -> Vec<(&str, &str)> {
        f.items()
            .iter()
            .map(|i| (i.code.as_str(), i.title.as_str()))
            .collect()
    }

    #[test]
    fn items_without_codes_keep_theirs_from_version_to_version_by_identifier() {
        let first = import_detailed(
            &serde_json::to_vec(&uncoded(&[(A, "Alpha"), (B, "Beta"), (C, "Gamma")])).unwrap(),
            "v1.json",
        )
        .unwrap();
        assert_eq!(
            codes(&first.framework),
            [("1", "Alpha"), ("2", "Beta"), ("3", "Gamma")]
        );
        assert_eq!(first.made_up_codes.len(), 3);

        // The next version adds an item at the top and drops Beta: by position every code
        // would move; by identifier Alpha and Gamma keep theirs, the new item gets a number
        // no item has had, and Beta's 2 is not given to anything else.
        let next = import_detailed(
            &serde_json::to_vec(&uncoded(&[(N, "New"), (A, "Alpha"), (C, "Gamma")])).unwrap(),
            "v2.json",
        )
        .unwrap();
        assert_eq!(
            codes(&next.framework),
            [("1", "New"), ("2", "Alpha"), ("3", "Gamma")],
            "positions, before the codes are kept"
        );
        let kept = keep_item_codes(next.framework, &first.framework, &next.made_up_codes);
        assert_eq!(codes(&kept), [("4", "New"), ("1", "Alpha"), ("3", "Gamma")]);
        // Each code still names its item's identifier, for export and for the CASE API.
        let a: ItemCode = "1".parse().unwrap();
        assert_eq!(item_identifier(&kept, &a).to_string(), A);
        let n: ItemCode = "4".parse().unwrap();
        assert_eq!(item_identifier(&kept, &n).to_string(), N);
    }

    #[test]
    fn codes_a_package_gives_are_never_changed() {
        let first = import_detailed(
            &serde_json::to_vec(&uncoded(&[(A, "Alpha"), (B, "Beta")])).unwrap(),
            "v1.json",
        )
        .unwrap();
        // Now Beta has a code of its own, "1", which Alpha had: Beta keeps it, and Alpha keeps
        // the code made up for it beside Beta's.
        let mut p = uncoded(&[(A, "Alpha"), (B, "Beta")]);
        p["CFItems"][1]["humanCodingScheme"] = "1".into();
        let next = import_detailed(&serde_json::to_vec(&p).unwrap(), "v2.json").unwrap();
        let kept = keep_item_codes(next.framework, &first.framework, &next.made_up_codes);
        assert_eq!(codes(&kept), [("1-2", "Alpha"), ("1", "Beta")]);
    }

    /// A typed package: domain "D" (id "d") with items "D.1" (id "a") and "D.2" (id "b").
    fn typed_package() -> Value {
        package(
            vec![
                cf_item(
                    "d",
                    json!({"CFItemType": "Domain", "humanCodingScheme": "D", "fullStatement": "Domain"}),
                ),
                cf_item(
                    "a",
                    json!({"CFItemType": "Competency", "humanCodingScheme": "D.1", "fullStatement": "First"}),
                ),
                cf_item(
                    "b",
                    json!({"CFItemType": "Competency", "humanCodingScheme": "D.2", "fullStatement": "Second"}),
                ),
            ],
            vec![
                child_of("d", DOC, Some(1)),
                child_of("a", "d", Some(1)),
                child_of("b", "d", Some(2)),
            ],
        )
    }

    #[test]
    fn framework_rules_name_the_node_in_the_package() {
        let mut p = typed_package();
        p["CFItems"][2]["fullStatement"] = "Sec\u{0}ond".into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[2] (item D.2), title: the text holds the control character U+0000, which cannot be shown or stored; remove it (the file may be damaged or not text)",
                "case.json: $.CFItems[2] (item D.2), descriptor at level \"Standard\": the text holds the control character U+0000, which cannot be shown or stored; remove it (the file may be damaged or not text)",
            ]
        );
        let mut p = typed_package();
        p["CFDocument"]["title"] = "x".repeat(301).into();
        let found = errors(&p);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(
                "case.json: $.CFDocument.title: the framework's title is 301 characters long"
            ),
            "{found:?}"
        );
    }

    fn rubric(criteria: Value) -> Value {
        json!([{
            "identifier": "rubric",
            "uri": "https://case.example/CFRubrics/rubric",
            "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
            "CFRubricCriteria": criteria,
        }])
    }

    fn criterion(item: &str, levels: Value) -> Value {
        json!({
            "identifier": format!("criterion-{item}"),
            "uri": "https://case.example/x",
            "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
            "CFItemURI": {"title": item, "identifier": item, "uri": "https://case.example/x"},
            "CFRubricCriterionLevels": levels,
        })
    }

    fn criterion_level(quality: &str, position: i64, description: &str) -> Value {
        json!({
            "identifier": format!("level-{quality}-{description}"),
            "uri": "https://case.example/x",
            "lastChangeDateTime": "2024-01-01T00:00:00+00:00",
            "quality": quality,
            "position": position,
            "description": description,
        })
    }

    #[test]
    fn export_then_import_gives_the_same_framework() {
        let f = small();
        assert_eq!(round_trip(&f), f);

        let mut stored = f.into_draft();
        stored.meta.case_identifier = Some("5b1f0b43-4d54-4f0e-9d1e-3f0f3bd0c5a1".parse().unwrap());
        stored.meta.status = VersionStatus::Retired;
        let stored = Framework::new(stored).unwrap();
        assert_eq!(round_trip(&stored), stored);
    }

    #[test]
    fn export_is_stable_and_identifiers_are_derived() {
        let f = small();
        let a = export(&f, &opts());
        let b = export(&f, &opts());
        assert_eq!(a, b);

        let doc_id = Uuid::new_v5(&NAMESPACE, b"sample-framework");
        assert_eq!(document_identifier(&f), doc_id);
        assert_eq!(doc_id.get_version_num(), 5);
        assert_eq!(NAMESPACE.get_version_num(), 4);
        assert_eq!(a["CFDocument"]["identifier"], doc_id.to_string());
        assert_eq!(
            a["CFDocument"]["uri"],
            format!("https://pathway.example/ims/case/v1p1/CFDocuments/{doc_id}")
        );

        let code: ItemCode = "2.1".parse().unwrap();
        let item_id = Uuid::new_v5(&doc_id, b"item:2.1");
        assert_eq!(item_identifier(&f, &code), item_id);
        let uri = item_uri("https://pathway.example", &f, &code);
        assert_eq!(
            uri,
            format!("https://pathway.example/ims/case/v1p1/CFItems/{item_id}")
        );
        let exported = a["CFItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["humanCodingScheme"] == "2.1" && i["CFItemType"] == "Competency")
            .unwrap();
        assert_eq!(exported["identifier"], item_id.to_string());
        assert_eq!(exported["uri"], uri);

        // Another last-change time changes only the dates.
        let later = ExportOptions {
            last_change: "2025-01-01T00:00:00Z".parse().unwrap(),
            ..opts()
        };
        let c = export(&f, &later);
        assert_eq!(c["CFItems"][1]["identifier"], a["CFItems"][1]["identifier"]);
        assert_eq!(
            c["CFItems"][1]["lastChangeDateTime"],
            "2025-01-01T00:00:00Z"
        );
    }

    #[test]
    fn export_writes_the_document_and_the_extension() {
        let v = export(&small(), &opts());
        let doc_id = Uuid::new_v5(&NAMESPACE, b"sample-framework");
        assert_eq!(
            v["CFDocument"],
            json!({
                "identifier": doc_id.to_string(),
                "uri": format!("https://pathway.example/ims/case/v1p1/CFDocuments/{doc_id}"),
                "creator": "Sample Trust",
                "title": "Sample framework",
                "lastChangeDateTime": "2024-05-01T12:00:00Z",
                "publisher": "Sample Trust",
                "description": "A framework for tests.",
                "language": "en",
                "version": "1.2",
                "adoptionStatus": "Adopted",
                "caseVersion": "1.1",
            })
        );
        assert_eq!(
            v["extensions"],
            json!({"pathway": {
                "frameworkId": "sample-framework",
                "status": "published",
                "levelPlacement": "whole_framework",
                "levels": [
                    {"key": "entry", "title": "Entry", "description": "Agenda for Change band 2"},
                    {"key": "intermediate", "title": "Intermediate"},
                    {"key": "assistant-practitioner", "title": "Assistant Practitioner"},
                ],
            }})
        );
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "CFDocument",
                "CFItems",
                "CFAssociations",
                "CFDefinitions",
                "CFRubrics",
                "extensions"
            ]
        );
    }

    #[test]
    fn adoption_status_follows_the_version_status() {
        for (status, adoption) in [
            (VersionStatus::Draft, "Draft"),
            (VersionStatus::Published, "Adopted"),
            (VersionStatus::Retired, "Deprecated"),
        ] {
            let mut d = small().into_draft();
            d.meta.status = status;
            let v = export(&Framework::new(d).unwrap(), &opts());
            assert_eq!(v["CFDocument"]["adoptionStatus"], adoption);
        }
    }

    #[test]
    fn export_writes_domains_items_and_their_tree() {
        let v = export(&small(), &opts());
        let items = v["CFItems"].as_array().unwrap();
        let summary: Vec<(String, String, String)> = items
            .iter()
            .map(|i| {
                let s = |k: &str| i[k].as_str().unwrap_or("").to_owned();
                (s("CFItemType"), s("humanCodingScheme"), s("fullStatement"))
            })
            .collect();
        let expect = |t: &str, c: &str, s: &str| (t.to_owned(), c.to_owned(), s.to_owned());
        assert_eq!(
            summary,
            [
                expect("Domain", "1", "Formal knowledge"),
                expect("Entry requirement", "1.1", "Education requirements"),
                expect("Domain", "2", "Supporting service users"),
                expect("Competency", "2.1", "Person-centred care"),
                expect("Competency", "2.2", "Health promotion"),
                expect("Provider mapping", "", "ExR covers health promotion"),
                expect("Provider mapping", "", "ExR covers person-centred care"),
                expect("Provider mapping", "", "Unit 4"),
            ]
        );
        assert_eq!(items[0]["notes"], "Qualifications and experience.");
        assert!(
            items[2].get("notes").is_none(),
            "an empty description is left out"
        );
        assert_eq!(items[7]["abbreviatedStatement"], "Other College");
        assert_eq!(items[0]["CFItemTypeURI"]["title"], "Domain");

        // isChildOf: each origin is the child, with its position under its parent.
        let id = |i: usize| items[i]["identifier"].as_str().unwrap().to_owned();
        let doc = v["CFDocument"]["identifier"].as_str().unwrap().to_owned();
        let tree: Vec<(String, String, i64)> = v["CFAssociations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                assert_eq!(a["associationType"], "isChildOf");
                (
                    a["originNodeURI"]["identifier"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    a["destinationNodeURI"]["identifier"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    a["sequenceNumber"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            tree,
            [
                (id(0), doc.clone(), 1),
                (id(1), id(0), 1),
                (id(2), doc, 2),
                (id(3), id(2), 1),
                (id(4), id(2), 2),
                (id(5), id(4), 1),
                (id(6), id(3), 1),
                (id(7), id(3), 2),
            ]
        );
        assert_eq!(v["CFAssociations"][1]["originNodeURI"]["title"], "1.1");
        assert_eq!(
            v["CFAssociations"][0]["destinationNodeURI"]["title"],
            "Sample framework"
        );
    }

    #[test]
    fn export_writes_descriptors_as_one_rubric() {
        let v = export(&small(), &opts());
        let rubrics = v["CFRubrics"].as_array().unwrap();
        assert_eq!(rubrics.len(), 1);
        assert_eq!(rubrics[0]["title"], "Levels");
        let criteria = rubrics[0]["CFRubricCriteria"].as_array().unwrap();
        assert_eq!(criteria.len(), 3, "one criterion per item");
        for (i, c) in criteria.iter().enumerate() {
            assert_eq!(c["position"], i + 1);
            assert_eq!(c["rubricId"], rubrics[0]["identifier"]);
        }
        assert_eq!(criteria[1]["CFItemURI"]["title"], "2.1");
        assert_eq!(
            criteria[1]["CFItemURI"]["identifier"],
            v["CFItems"][3]["identifier"]
        );

        let levels = |c: usize| -> Vec<(String, String, i64, i64)> {
            criteria[c]["CFRubricCriterionLevels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    assert_eq!(l["rubricCriterionId"], criteria[c]["identifier"]);
                    (
                        l["quality"].as_str().unwrap().to_owned(),
                        l["description"].as_str().unwrap().to_owned(),
                        l["position"].as_i64().unwrap(),
                        l["score"].as_i64().unwrap(),
                    )
                })
                .collect()
        };
        let level = |q: &str, d: &str, p: i64| (q.to_owned(), d.to_owned(), p, p);
        assert_eq!(
            levels(1),
            [
                level("Entry", "N/A", 1),
                level("Intermediate", "Provides person-centred care", 2),
                level("Assistant Practitioner", "Provides person-centred care", 3),
            ]
        );
        // A missing descriptor has a criterion level with an empty description.
        assert_eq!(
            levels(2),
            [
                level("Entry", "Signposts", 1),
                level("Intermediate", "Advises, \"in detail\"", 2),
                level("Assistant Practitioner", "", 3),
            ]
        );
        for c in criteria {
            assert_eq!(
                c["CFRubricCriterionLevels"].as_array().unwrap().len(),
                3,
                "one criterion level per framework level"
            );
        }
    }

    #[test]
    fn a_framework_with_no_descriptors_at_all_keeps_its_levels() {
        let mut d = small().into_draft();
        for item in &mut d.items {
            item.descriptors = vec![Descriptor::Missing; 3];
        }
        let f = Framework::new(d).unwrap();
        assert_eq!(round_trip(&f), f);
    }

    #[test]
    fn items_outside_domain_order_come_back_grouped_by_domain() {
        let mut d = small().into_draft();
        d.items.swap(0, 2); // 2.2, 2.1, 1.1
        let f = Framework::new(d).unwrap();
        let back = round_trip(&f);
        let codes: Vec<&str> = back.items().iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["1.1", "2.2", "2.1"]);
    }

    #[test]
    fn a_derived_identifier_stays_implicit_and_a_foreign_one_is_kept() {
        // Exporting a framework without a stored identifier and importing it gives `None`
        // back: the same identifier is derived again from the framework id.
        assert_eq!(round_trip(&small()).meta.case_identifier, None);
        let f = import(&serde_json::to_vec(&typed_package()).unwrap(), "case.json").unwrap();
        assert_eq!(f.meta.case_identifier, Some(DOC.parse().unwrap()));
        // Not a UUID: no identifier kept.
        let mut p = typed_package();
        p["CFDocument"]["identifier"] = "framework-7".into();
        p["CFAssociations"][0]["destinationNodeURI"]["identifier"] = "framework-7".into();
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        assert_eq!(f.meta.case_identifier, None);
    }

    #[test]
    fn a_typed_foreign_package_imports_with_one_standard_level() {
        let mut p = typed_package();
        p["CFItems"][1]["abbreviatedStatement"] = "Short".into();
        p["CFDocument"]["subject"] = "Therapy".into();
        p["CFDocument"]["adoptionStatus"] = "Deprecated".into();
        p["CFDocument"]["unknownField"] = json!({"anything": [1, 2]});
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        assert_eq!(f.id().as_str(), "test-framework");
        assert_eq!(f.meta.title, "Test Framework");
        assert_eq!(
            f.meta.publisher, "Test Body",
            "creator stands in for publisher"
        );
        assert_eq!(f.meta.version, "1");
        assert_eq!(f.meta.status, VersionStatus::Retired);
        assert_eq!(f.levels().len(), 1);
        assert_eq!(f.levels()[0].key.as_str(), "standard");
        assert_eq!(f.levels()[0].title, "Standard");
        assert_eq!(f.domains().len(), 1);
        assert_eq!(f.domains()[0].code.as_str(), "D");
        let first = f.item("D.1").unwrap();
        assert_eq!(
            first.title, "Short",
            "without rubrics the short statement is the title"
        );
        assert_eq!(first.descriptors, [text("First")]);
        assert_eq!(f.item("D.2").unwrap().title, "Second");
    }

    #[test]
    fn an_untyped_tree_takes_domains_from_top_level_nodes_with_children() {
        let p = package(
            vec![
                cf_item(
                    "leaf-1",
                    json!({"fullStatement": "A top-level leaf", "listEnumeration": "L1"}),
                ),
                cf_item(
                    "group",
                    json!({"fullStatement": "A group", "humanCodingScheme": "G"}),
                ),
                cf_item(
                    "g-2",
                    json!({"fullStatement": "Second in group", "humanCodingScheme": "G.2"}),
                ),
                cf_item(
                    "g-1",
                    json!({"fullStatement": "First in group", "humanCodingScheme": "G.1"}),
                ),
                cf_item("g-1-a", json!({"fullStatement": "Under the first"})),
                cf_item("leaf-2", json!({"fullStatement": "Another leaf"})),
                cf_item(
                    "g-3",
                    json!({"fullStatement": "Unsequenced in group", "humanCodingScheme": "G.3"}),
                ),
            ],
            vec![
                child_of("group", DOC, Some(2)),
                child_of("leaf-1", DOC, Some(1)),
                child_of("leaf-2", DOC, Some(3)),
                child_of("g-3", "group", None),
                child_of("g-2", "group", Some(2)),
                child_of("g-1", "group", Some(1)),
                child_of("g-1-a", "g-1", Some(1)),
            ],
        );
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let domains: Vec<(&str, &str)> = f
            .domains()
            .iter()
            .map(|d| (d.code.as_str(), d.title.as_str()))
            .collect();
        // The implicit domain comes where its first item does, titled after the document.
        assert_eq!(domains, [("1", "Test Framework"), ("G", "A group")]);
        let items: Vec<(&str, &str, &str)> = f
            .items()
            .iter()
            .map(|i| (i.code.as_str(), i.domain.as_str(), i.title.as_str()))
            .collect();
        assert_eq!(
            items,
            [
                ("L1", "1", "A top-level leaf"),
                ("2", "1", "Another leaf"),
                ("G.1", "G", "First in group"),
                ("4", "G", "Under the first"),
                ("G.2", "G", "Second in group"),
                ("G.3", "G", "Unsequenced in group"),
            ]
        );
    }

    #[test]
    fn nodes_without_associations_are_top_level_and_generated_codes_avoid_given_ones() {
        let p = package(
            vec![
                cf_item(
                    "a",
                    json!({"fullStatement": "Gets code 1", "humanCodingScheme": ""}),
                ),
                cf_item(
                    "b",
                    json!({"fullStatement": "Has code 2", "humanCodingScheme": "2"}),
                ),
            ],
            vec![],
        );
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let codes: Vec<&str> = f.items().iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["1", "2"]);

        let p = package(
            vec![
                cf_item(
                    "a",
                    json!({"fullStatement": "Has code 2", "humanCodingScheme": "2"}),
                ),
                cf_item("b", json!({"fullStatement": "Second, no code"})),
            ],
            vec![],
        );
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let codes: Vec<&str> = f.items().iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["2", "2-2"]);
    }

    #[test]
    fn levels_come_from_criterion_qualities_in_position_order() {
        let mut p = typed_package();
        p["CFRubrics"] = rubric(json!([
            criterion(
                "a",
                json!([
                    criterion_level("Band 6", 2, "Leads"),
                    criterion_level("Band 5", 1, "Does"),
                ])
            ),
            criterion(
                "b",
                json!([
                    criterion_level("band 5", 1, "n/a"),
                    criterion_level("Band 7", 3, "Shapes"),
                ])
            ),
        ]));
        p["CFItems"][1]["abbreviatedStatement"] = "Not the title with levels".into();
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let levels: Vec<(&str, &str)> = f
            .levels()
            .iter()
            .map(|l| (l.key.as_str(), l.title.as_str()))
            .collect();
        assert_eq!(
            levels,
            [
                ("band-5", "Band 5"),
                ("band-6", "Band 6"),
                ("band-7", "Band 7")
            ]
        );
        let a = f.item("D.1").unwrap();
        assert_eq!(a.title, "First");
        assert_eq!(
            a.descriptors,
            [text("Does"), text("Leads"), Descriptor::Missing]
        );
        assert_eq!(
            f.item("D.2").unwrap().descriptors,
            [
                Descriptor::NotApplicable,
                Descriptor::Missing,
                text("Shapes")
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_and_upper_case_identifiers_are_accepted() {
        let mut p = typed_package();
        p["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "D".into();
        p["CFAssociations"][0]["destinationNodeURI"]["identifier"] = DOC.to_uppercase().into();
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(serde_json::to_vec(&p).unwrap());
        let f = import(&bytes, "case.json").unwrap();
        assert_eq!(f.items().len(), 2);
    }

    #[test]
    fn malformed_json_reports_line_and_column() {
        let bytes = b"{\n  \"CFDocument\": {\n    \"title\": \"x\",\n  }\n}";
        assert_eq!(
            errors_in(bytes),
            ["case.json: line 4, column 3: the file is not valid JSON: trailing comma"]
        );
        assert_eq!(
            errors_in(b"{\"CFDocument\": "),
            ["case.json: line 1, column 15: the file is not valid JSON: EOF while parsing a value"]
        );
    }

    #[test]
    fn an_empty_file_or_a_file_that_is_not_a_package_is_reported() {
        assert_eq!(
            errors_in(b" \n"),
            [
                "case.json: line 1: the file is empty; expected a CASE CFPackage (a JSON object with a CFDocument)"
            ]
        );
        assert_eq!(
            errors_in(b"[1, 2]"),
            ["case.json: $: expected a JSON object: a CASE CFPackage with a CFDocument"]
        );
        assert_eq!(
            errors(&json!({"CFItems": []})),
            [
                "case.json: $.CFDocument: the file has no CFDocument; a CASE CFPackage describes its framework in one"
            ]
        );
        assert_eq!(
            errors(&json!({"CFDocument": "x"})),
            ["case.json: $.CFDocument: expected an object describing the framework"]
        );
    }

    #[test]
    fn case_versions_1_0_and_1_1_are_read_and_others_refused() {
        for version in [
            None,
            Some(json!("1.0")),
            Some(json!("1.1")),
            Some(json!(" 1.1 ")),
        ] {
            let mut p = typed_package();
            if let Some(v) = version {
                p["CFDocument"]["caseVersion"] = v;
            }
            assert!(import(&serde_json::to_vec(&p).unwrap(), "case.json").is_ok());
        }
        let mut p = typed_package();
        p["CFDocument"]["caseVersion"] = "2.0".into();
        p["CFItems"][0]["fullStatement"] = "".into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFDocument.caseVersion: the package is CASE version \"2.0\"; Pathway reads CASE 1.0 and 1.1 packages (caseVersion \"1.0\" or \"1.1\", or none). Export the framework from its tool as CASE 1.1 or 1.0"
            ],
            "only the version is reported: the rest may mean something else in another version"
        );
        p["CFDocument"]["caseVersion"] = 1.1.into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFDocument.caseVersion: expected a string such as \"1.1\", not 1.1; Pathway reads CASE 1.0 and 1.1 packages (caseVersion \"1.0\" or \"1.1\", or none)"
            ]
        );
    }

    #[test]
    fn a_document_needs_a_creator() {
        let mut p = typed_package();
        p["CFDocument"].as_object_mut().unwrap().remove("creator");
        p["CFDocument"]["publisher"] = "A publisher".into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFDocument.creator: the document has no creator; CASE requires one: the name of the organisation that wrote the framework"
            ]
        );
        p["CFDocument"]["creator"] = " ".into();
        assert_eq!(errors(&p).len(), 1);
        // With a creator, the publisher is still preferred as the framework's publisher.
        p["CFDocument"]["creator"] = "A creator".into();
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        assert_eq!(f.meta.publisher, "A publisher");
    }

    #[test]
    fn a_package_without_items_is_refused() {
        assert_eq!(
            errors(&package(vec![], vec![])),
            [
                "case.json: $.CFItems: the package has no CFItems; nothing to import. A framework needs at least one item: add a CFItem for each competency, with an isChildOf association to the CFDocument or to its domain"
            ]
        );
        let mut p = package(vec![], vec![]);
        p.as_object_mut().unwrap().remove("CFItems");
        assert_eq!(errors(&p).len(), 1);
        p["CFItems"] = json!({"not": "a list"});
        assert_eq!(errors(&p), ["case.json: $.CFItems: expected a list"]);

        let only_domains = package(
            vec![
                cf_item(
                    "d",
                    json!({"CFItemType": "Domain", "humanCodingScheme": "D", "fullStatement": "Domain"}),
                ),
                cf_item(
                    "e",
                    json!({"CFItemType": "Domain", "humanCodingScheme": "E", "fullStatement": "Another"}),
                ),
            ],
            vec![child_of("d", DOC, Some(1)), child_of("e", DOC, Some(2))],
        );
        assert_eq!(
            errors(&only_domains),
            [
                "case.json: $.CFItems: the package has no CFItems that are items (competencies or entry requirements), only domains or provider mappings; nothing to import. Give each domain its items with isChildOf associations"
            ]
        );
    }

    #[test]
    fn an_empty_criterion_level_is_a_missing_descriptor_that_still_names_its_level() {
        let mut p = typed_package();
        p["CFRubrics"] = rubric(json!([
            criterion(
                "a",
                json!([
                    criterion_level("Band 5", 1, "Does"),
                    criterion_level("Band 6", 2, ""),
                ])
            ),
            criterion("b", json!([criterion_level("Band 5", 1, "  ")])),
        ]));
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let titles: Vec<&str> = f.levels().iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles, ["Band 5", "Band 6"]);
        assert_eq!(
            f.item("D.1").unwrap().descriptors,
            [text("Does"), Descriptor::Missing]
        );
        assert_eq!(
            f.item("D.2").unwrap().descriptors,
            [Descriptor::Missing, Descriptor::Missing]
        );
    }

    #[test]
    fn missing_descriptors_round_trip_at_every_position() {
        let mut d = small().into_draft();
        d.items[0].descriptors = vec![Descriptor::Missing, text("Level 3"), Descriptor::Missing];
        d.items[1].descriptors = vec![Descriptor::Missing; 3];
        let f = Framework::new(d).unwrap();
        let v = export(&f, &opts());
        let criteria = v["CFRubrics"][0]["CFRubricCriteria"].as_array().unwrap();
        let descriptions: Vec<Vec<&str>> = criteria
            .iter()
            .map(|c| {
                c["CFRubricCriterionLevels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["description"].as_str().unwrap())
                    .collect()
            })
            .collect();
        assert_eq!(
            descriptions,
            [
                vec!["", "Level 3", ""],
                vec!["", "", ""],
                vec!["Signposts", "Advises, \"in detail\"", ""],
            ]
        );
        assert_eq!(round_trip(&f), f);

        // Without the Pathway extension, as another tool reads it, the levels still come
        // from the criterion levels and the missing descriptors stay missing.
        let mut foreign = v.clone();
        foreign.as_object_mut().unwrap().remove("extensions");
        let back = import(&serde_json::to_vec(&foreign).unwrap(), "case.json").unwrap();
        let titles: Vec<&str> = back.levels().iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles, ["Entry", "Intermediate", "Assistant Practitioner"]);
        let descriptors: Vec<&[Descriptor]> = back
            .items()
            .iter()
            .map(|i| i.descriptors.as_slice())
            .collect();
        let expected: Vec<&[Descriptor]> =
            f.items().iter().map(|i| i.descriptors.as_slice()).collect();
        assert_eq!(descriptors, expected);
    }

    #[test]
    fn a_document_needs_an_identifier_and_a_title() {
        let mut p = typed_package();
        p["CFDocument"]
            .as_object_mut()
            .unwrap()
            .remove("identifier");
        p["CFDocument"]["title"] = " ".into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFDocument.identifier: the document has no identifier",
                "case.json: $.CFDocument.title: the document has no title",
                format!("case.json: $.CFAssociations[0].destinationNodeURI: \"{DOC}\" is not the CFDocument or one of the CFItems; {OUT_OF_PACKAGE}").as_str(),
            ]
        );
    }

    #[test]
    fn an_association_to_an_unknown_node_is_reported() {
        let mut p = typed_package();
        p["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "nowhere".into();
        p["CFAssociations"][2]["originNodeURI"]["identifier"] = "nobody".into();
        p["CFAssociations"]
            .as_array_mut()
            .unwrap()
            .push(child_of(DOC, "d", None));
        p["CFAssociations"].as_array_mut().unwrap().push(json!({
            "identifier": "x", "associationType": "isChildOf", "originNodeURI": {"title": "t", "uri": "u"},
        }));
        // Other association types may point outside the package.
        p["CFAssociations"].as_array_mut().unwrap().push(json!({
            "identifier": "y", "associationType": "exactMatchOf",
            "originNodeURI": {"title": "t", "identifier": "a", "uri": "u"},
            "destinationNodeURI": {"title": "t", "identifier": "elsewhere", "uri": "u"},
        }));
        assert_eq!(
            errors(&p),
            [
                format!("case.json: $.CFAssociations[1].destinationNodeURI: \"nowhere\" is not the CFDocument or one of the CFItems; {OUT_OF_PACKAGE}").as_str(),
                format!("case.json: $.CFAssociations[2].originNodeURI: \"nobody\" is not the CFDocument or one of the CFItems; {OUT_OF_PACKAGE}").as_str(),
                "case.json: $.CFAssociations[3].originNodeURI: the CFDocument cannot be the child in an isChildOf association",
                "case.json: $.CFAssociations[4].originNodeURI: the association has no origin node",
                "case.json: $.CFAssociations[4].destinationNodeURI: the association has no destination node",
            ]
        );
    }

    #[test]
    fn duplicate_item_codes_name_both_places() {
        let mut items = Vec::new();
        let mut associations = vec![child_of("d", DOC, Some(1))];
        items.push(cf_item(
            "d",
            json!({"CFItemType": "Domain", "humanCodingScheme": "2", "fullStatement": "Domain"}),
        ));
        for i in 1..=12 {
            let code = match i {
                3 | 12 => "2.1".to_owned(),
                7 => "2.2.".to_owned(),
                8 => "2.2".to_owned(),
                n => format!("2.{}", n + 10),
            };
            let id = format!("i{i}");
            items.push(cf_item(&id, json!({"CFItemType": "Competency", "humanCodingScheme": code, "fullStatement": "Item"})));
            // Tree order is not file order: duplicates are named in file order.
            associations.push(child_of(&id, "d", Some(100 - i)));
        }
        let p = package(items, associations);
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[8].humanCodingScheme: item code \"2.2\" appears more than once (also at $.CFItems[7])",
                "case.json: $.CFItems[12].humanCodingScheme: item code \"2.1\" appears more than once (also at $.CFItems[3])",
            ]
        );
    }

    #[test]
    fn duplicate_domain_codes_and_identifiers_are_reported() {
        let mut p = typed_package();
        let items = p["CFItems"].as_array_mut().unwrap();
        items.push(cf_item(
            "d2",
            json!({"CFItemType": "Domain", "listEnumeration": "D", "fullStatement": "Again"}),
        ));
        items.push(cf_item("a", json!({"fullStatement": "Same identifier"})));
        items.push(cf_item(
            DOC,
            json!({"fullStatement": "The document's identifier"}),
        ));
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[4].identifier: identifier \"a\" appears more than once (also at $.CFItems[1])",
                format!("case.json: $.CFItems[5].identifier: identifier \"{DOC}\" is the CFDocument's identifier").as_str(),
                "case.json: $.CFItems[3].listEnumeration: domain code \"D\" appears more than once (also at $.CFItems[0])",
            ]
        );
    }

    #[test]
    fn domain_codes_follow_the_same_rules_as_item_codes() {
        // Other tools code domains as they code items: with spaces, and longer than 40.
        let long = "Communication and relationship building 1";
        for code in ["Domain A", long] {
            let mut p = typed_package();
            p["CFItems"][0]["humanCodingScheme"] = code.into();
            let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
            assert_eq!(f.domains()[0].code.as_str(), code);
        }
    }

    #[test]
    fn criterion_levels_without_qualities_are_levels_by_position() {
        let mut p = typed_package();
        let level = |position: i64, description: &str| json!({"identifier": format!("l-{position}-{description}"), "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z", "position": position, "description": description});
        p["CFRubrics"] = rubric(json!([
            criterion("a", json!([level(1, "Does"), level(2, "Leads")])),
            criterion("b", json!([level(1, "Helps"), level(2, "Teaches")])),
        ]));
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let titles: Vec<&str> = f.levels().iter().map(|l| l.title.as_str()).collect();
        assert_eq!(titles, ["Level 1", "Level 2"]);
        assert_eq!(f.items()[1].descriptors, [text("Helps"), text("Teaches")]);
    }

    #[test]
    fn what_another_tool_says_that_pathway_shows_nowhere_is_kept_and_given_back() {
        let mut p = typed_package();
        p["CFItems"][1]["conceptKeywords"] = json!(["swallowing"]);
        p["CFItems"][2]["conceptKeywords"] = json!(["eating"]);
        p["CFItems"][2]["notes"] = "Seen by the SLT.".into();
        p["CFItems"][1]["alternativeLabel"] = "".into();
        let related = json!({
            "identifier": "r", "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z",
            "associationType": "isRelatedTo",
            "originNodeURI": {"title": "a", "identifier": "a", "uri": "u"},
            "destinationNodeURI": {"title": "b", "identifier": "b", "uri": "u"},
        });
        let elsewhere = json!({
            "identifier": "x", "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z",
            "associationType": "exactMatchOf",
            "originNodeURI": {"title": "a", "identifier": "a", "uri": "u"},
            "destinationNodeURI": {"title": "Elsewhere", "identifier": "e1", "uri": "https://other.example/e1"},
        });
        p["CFAssociations"].as_array_mut().unwrap().push(related);
        p["CFAssociations"].as_array_mut().unwrap().push(elsewhere);
        let (f, notices) = import_noting(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        assert_eq!(f.items().len(), 2);
        assert!(notices.is_empty(), "nothing is lost: {notices}");
        let extras = &f.meta.case_extras;
        assert_eq!(
            extras.nodes["item:D.1"]["conceptKeywords"],
            json!(["swallowing"])
        );
        assert_eq!(extras.nodes["item:D.2"]["notes"], "Seen by the SLT.");
        assert!(
            !extras.nodes["item:D.1"].contains_key("alternativeLabel"),
            "empty fields say nothing"
        );
        assert_eq!(extras.associations.len(), 2);
        assert_eq!(extras.associations[0].origin.as_deref(), Some("item:D.1"));
        assert_eq!(
            extras.associations[0].destination.as_deref(),
            Some("item:D.2")
        );
        assert_eq!(
            extras.associations[1].destination, None,
            "outside the framework"
        );

        // The export gives it all back, the ends inside the framework named as it names them.
        let exported = export(&f, &opts());
        let item = |code: &str| {
            exported["CFItems"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["humanCodingScheme"] == code)
                .unwrap()
                .clone()
        };
        assert_eq!(item("D.1")["conceptKeywords"], json!(["swallowing"]));
        assert_eq!(item("D.2")["notes"], "Seen by the SLT.");
        let associations = exported["CFAssociations"].as_array().unwrap();
        let related = associations
            .iter()
            .find(|a| a["associationType"] == "isRelatedTo")
            .unwrap();
        assert_eq!(
            related["originNodeURI"]["identifier"],
            item("D.1")["identifier"]
        );
        assert_eq!(
            related["destinationNodeURI"]["identifier"],
            item("D.2")["identifier"]
        );
        let elsewhere = associations
            .iter()
            .find(|a| a["associationType"] == "exactMatchOf")
            .unwrap();
        assert_eq!(
            elsewhere["destinationNodeURI"]["uri"],
            "https://other.example/e1"
        );

        // Imported again, with nothing to note; its associations now have the UUIDs the
        // export gave them ("r" and "x" are not UUIDs), and keep them from then on.
        let (again, notices) =
            import_noting(&serde_json::to_vec(&exported).unwrap(), "case.json").unwrap();
        assert!(notices.is_empty(), "{notices}");
        assert_eq!(again.meta.case_extras.nodes, f.meta.case_extras.nodes);
        let third = import(
            &serde_json::to_vec(&export(&again, &opts())).unwrap(),
            "case.json",
        )
        .unwrap();
        assert_eq!(third.meta.case_extras, again.meta.case_extras);
    }

    #[test]
    fn what_is_kept_of_an_item_goes_when_the_item_goes() {
        let mut p = typed_package();
        p["CFItems"][2]["notes"] = "Seen by the SLT.".into();
        p["CFAssociations"].as_array_mut().unwrap().push(json!({
            "identifier": "r", "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z",
            "associationType": "isRelatedTo",
            "originNodeURI": {"title": "a", "identifier": "a", "uri": "u"},
            "destinationNodeURI": {"title": "b", "identifier": "b", "uri": "u"},
        }));
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let mut draft = f.new_draft("2".into());
        draft.remove_item("D.2").unwrap();
        assert!(
            draft.meta.case_extras.is_empty(),
            "{:?}",
            draft.meta.case_extras
        );
    }

    #[test]
    fn a_group_between_a_domain_and_its_items_is_not_an_item() {
        let p = package(
            vec![
                cf_item(
                    "d",
                    json!({"CFItemType": "Domain", "humanCodingScheme": "D", "fullStatement": "Domain"}),
                ),
                cf_item("g", json!({"fullStatement": "A heading"})),
                cf_item(
                    "a",
                    json!({"CFItemType": "Competency", "humanCodingScheme": "D.1", "fullStatement": "First"}),
                ),
                cf_item(
                    "b",
                    json!({"humanCodingScheme": "D.2", "fullStatement": "Second"}),
                ),
            ],
            vec![
                child_of("d", DOC, Some(1)),
                child_of("g", "d", Some(1)),
                child_of("a", "g", Some(1)),
                child_of("b", "g", Some(2)),
            ],
        );
        let (f, notices) = import_noting(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let codes: Vec<&str> = f.items().iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["D.1", "D.2"]);
        assert!(f.items().iter().all(|i| i.domain.as_str() == "D"));
        assert_eq!(
            notices.to_string(),
            "case.json: $.CFItems[1]: groups of items within a domain are not kept as items: the items under them are items of the domain"
        );
    }

    #[test]
    fn a_package_without_rubrics_is_written_back_with_its_statements_where_they_were() {
        let mut p = typed_package();
        p["CFItems"][1]["abbreviatedStatement"] = "First, short".into();
        let bytes = serde_json::to_vec(&p).unwrap();
        let f = import(&bytes, "case.json").unwrap();
        assert_eq!(f.items()[0].title, "First, short");
        assert_eq!(f.items()[0].descriptors, [text("First")]);
        let out = export(&f, &opts());
        let item = out["CFItems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["humanCodingScheme"] == "D.1")
            .expect("the item is exported");
        assert_eq!(item["fullStatement"], "First");
        assert_eq!(item["abbreviatedStatement"], "First, short");
        let back = import(&serde_json::to_vec(&out).unwrap(), "case.json").unwrap();
        assert_eq!(back.items(), f.items());
    }

    #[test]
    fn invalid_codes_are_reported() {
        let mut p = typed_package();
        p["CFItems"][1]["humanCodingScheme"] = "D/1".into();
        p["CFItems"][0]["humanCodingScheme"] = "Dom/1".into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[0].humanCodingScheme: domain code \"Dom/1\" holds \"/\", which a code may not; a code may hold only letters, digits, single spaces between them, and . - _ ( ) [ ] : + '",
                "case.json: $.CFItems[1].humanCodingScheme: item code \"D/1\" holds \"/\", which a code may not; a code may hold only letters, digits, single spaces between them, and . - _ ( ) [ ] : + '",
            ]
        );
    }

    #[test]
    fn item_codes_as_other_tools_write_them_import() {
        let mut p = typed_package();
        p["CFItems"][1]["humanCodingScheme"] = "LS 1.A(i)".into();
        p["CFItems"][2]["humanCodingScheme"] = "Ämne 2:3".into();
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        let codes: Vec<&str> = f.items().iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes, ["LS 1.A(i)", "Ämne 2:3"]);
        assert_eq!(round_trip(&f), f);
    }

    #[test]
    fn a_node_without_a_statement_is_reported() {
        let mut p = typed_package();
        p["CFItems"][2]["fullStatement"] = "".into();
        p["CFItems"][0]
            .as_object_mut()
            .unwrap()
            .remove("fullStatement");
        p["CFItems"][1]["fullStatement"] = 7.into();
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[1].fullStatement: expected a string",
                "case.json: $.CFItems[0].fullStatement: the domain has no statement",
                "case.json: $.CFItems[2].fullStatement: the item has no statement",
            ]
        );
    }

    #[test]
    fn a_loop_of_associations_is_reported() {
        let mut p = typed_package();
        p["CFItems"]
            .as_array_mut()
            .unwrap()
            .push(cf_item("x", json!({"fullStatement": "X"})));
        p["CFItems"]
            .as_array_mut()
            .unwrap()
            .push(cf_item("y", json!({"fullStatement": "Y"})));
        let associations = p["CFAssociations"].as_array_mut().unwrap();
        associations.push(child_of("x", "y", None));
        associations.push(child_of("y", "x", None));
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[3]: the item is not connected to the CFDocument: its isChildOf associations form a loop",
                "case.json: $.CFItems[4]: the item is not connected to the CFDocument: its isChildOf associations form a loop",
            ]
        );
    }

    #[test]
    fn provider_mappings_must_hang_under_items_and_name_a_provider() {
        let mut p = typed_package();
        let items = p["CFItems"].as_array_mut().unwrap();
        items.push(cf_item("m1", json!({"CFItemType": "Provider mapping", "abbreviatedStatement": "ExR", "fullStatement": "Covers it"})));
        items.push(cf_item(
            "m2",
            json!({"CFItemType": "provider mapping", "fullStatement": "No provider"}),
        ));
        items.push(cf_item("m3", json!({"CFItemType": "Provider mapping", "abbreviatedStatement": "ExR", "fullStatement": "Under a domain"})));
        let associations = p["CFAssociations"].as_array_mut().unwrap();
        associations.push(child_of("m1", "a", Some(1)));
        associations.push(child_of("m2", "a", Some(2)));
        associations.push(child_of("m3", "d", Some(3)));
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[4].abbreviatedStatement: the provider mapping names no provider; put the provider's name in abbreviatedStatement",
                "case.json: $.CFItems[5]: the provider mapping is not the child of an item; link it to the item it maps with an isChildOf association",
            ]
        );
        // A good one imports.
        let mut p = typed_package();
        p["CFItems"].as_array_mut().unwrap().push(cf_item("m1", json!({"CFItemType": "Provider mapping", "abbreviatedStatement": "ExR", "fullStatement": "Covers it"})));
        p["CFAssociations"]
            .as_array_mut()
            .unwrap()
            .push(child_of("m1", "b", None));
        let f = import(&serde_json::to_vec(&p).unwrap(), "case.json").unwrap();
        assert_eq!(
            f.provider_mappings(),
            [ProviderMapping {
                provider: "ExR".into(),
                item: "D.2".parse().unwrap(),
                statement: "Covers it".into()
            }]
        );
        assert_eq!(f.items().len(), 2, "a provider mapping is not an item");
    }

    fn with_extension_levels() -> Value {
        let mut p = typed_package();
        p["extensions"] = json!({"pathway": {"frameworkId": "test", "status": "draft", "levels": [
            {"key": "entry", "title": "Entry"},
            {"key": "intermediate", "title": "Intermediate"},
        ]}});
        p
    }

    #[test]
    fn an_unknown_level_is_reported() {
        let mut p = with_extension_levels();
        p["CFRubrics"] = rubric(json!([
            criterion(
                "a",
                json!([
                    criterion_level("Entry", 1, "Does"),
                    criterion_level("Band 4", 3, "Leads"),
                ])
            ),
            criterion(
                "b",
                json!([
                    {"identifier": "q", "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z", "description": "No quality, no position"},
                    {"identifier": "r", "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z", "description": "Position only", "position": 2},
                ])
            ),
        ]));
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFRubrics[0].CFRubricCriteria[0].CFRubricCriterionLevels[1].quality: unknown level \"Band 4\"; the framework's levels are Entry, Intermediate",
                "case.json: $.CFRubrics[0].CFRubricCriteria[1].CFRubricCriterionLevels[0].quality: the criterion level has no quality; give the title of its level (Entry, Intermediate)",
            ]
        );
    }

    #[test]
    fn criteria_must_describe_items_once_per_level() {
        let mut p = with_extension_levels();
        p["CFRubrics"] = rubric(json!([
            criterion("d", json!([])),
            criterion("ghost", json!([])),
            criterion("a", json!([criterion_level("Entry", 1, "Does")])),
            criterion("a", json!([criterion_level("entry", 1, "Does again")])),
            {"identifier": "c", "uri": "u", "lastChangeDateTime": "2024-01-01T00:00:00Z"},
        ]));
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFRubrics[0].CFRubricCriteria[0].CFItemURI: \"d\" is a domain; a criterion describes an item at each level",
                "case.json: $.CFRubrics[0].CFRubricCriteria[1].CFItemURI: \"ghost\" is not one of the CFItems",
                "case.json: $.CFRubrics[0].CFRubricCriteria[4].CFItemURI: the criterion names no item",
                "case.json: $.CFRubrics[0].CFRubricCriteria[3].CFRubricCriterionLevels[0]: the item already has a descriptor at level \"Entry\" (at $.CFRubrics[0].CFRubricCriteria[2].CFRubricCriterionLevels[0])",
            ]
        );
    }

    #[test]
    fn a_bad_extension_is_reported() {
        let mut p = typed_package();
        p["extensions"] = json!({"pathway": {"frameworkId": "Not A Slug", "status": "live", "levelPlacement": "sometimes", "levels": [
            {"key": "Entry", "title": "Entry"},
            {"key": "x"},
        ]}});
        assert_eq!(
            errors(&p),
            [
                "case.json: $.extensions.pathway.frameworkId: framework id \"Not A Slug\" may hold only lower-case letters, digits and single hyphens",
                "case.json: $.extensions.pathway.status: unknown status \"live\"; expected draft, published or retired",
                "case.json: $.extensions.pathway.levelPlacement: unknown level placement \"sometimes\"; expected whole_framework or per_domain",
                "case.json: $.extensions.pathway.levels[0].key: level key \"Entry\" may hold only lower-case letters, digits and single hyphens",
                "case.json: $.extensions.pathway.levels[1].title: the level has no title",
            ]
        );
    }

    #[test]
    fn framework_rules_are_checked_after_reading_and_named_with_the_file() {
        let mut p = typed_package();
        p["extensions"] = json!({"pathway": {"levels": []}});
        assert_eq!(
            errors(&p),
            ["case.json: levels: a framework needs at least one level"]
        );
    }

    #[test]
    fn wrong_types_are_reported() {
        let mut p = typed_package();
        p["CFAssociations"][1]["sequenceNumber"] = "first".into();
        p["CFItems"] = json!([
            p["CFItems"][0],
            p["CFItems"][1],
            p["CFItems"][2],
            "not an item"
        ]);
        p["CFRubrics"] = json!({"not": "a list"});
        assert_eq!(
            errors(&p),
            [
                "case.json: $.CFItems[3]: expected an object",
                "case.json: $.CFAssociations[1].sequenceNumber: expected a whole number",
                "case.json: $.CFRubrics: expected a list",
            ]
        );
    }

    #[test]
    fn every_problem_in_a_file_is_reported_at_once() {
        let mut p = typed_package();
        p["CFItems"][2]["humanCodingScheme"] = "D.1".into();
        p["CFItems"][0]["fullStatement"] = "".into();
        p["CFAssociations"][1]["destinationNodeURI"]["identifier"] = "missing".into();
        let found = errors(&p);
        assert_eq!(found.len(), 3, "{found:#?}");
    }

    #[test]
    fn titles_make_valid_framework_ids() {
        assert_eq!(
            framework_id_from_title("Allied Health Professions’ Support Worker Framework")
                .unwrap()
                .as_str(),
            "allied-health-professions-support-worker-framework"
        );
        assert_eq!(
            framework_id_from_title("¿¡!").unwrap().as_str(),
            "framework"
        );
        let long = "word ".repeat(40);
        let id = framework_id_from_title(&long).unwrap();
        assert!(id.as_str().len() <= 100 && !id.as_str().ends_with('-'));
    }

    #[test]
    fn adoption_statuses_map_to_version_statuses() {
        assert_eq!(status_from_adoption("Private Draft"), VersionStatus::Draft);
        assert_eq!(status_from_adoption("Adopted"), VersionStatus::Published);
        assert_eq!(
            status_from_adoption("Implemented"),
            VersionStatus::Published
        );
        assert_eq!(status_from_adoption("Deprecated"), VersionStatus::Retired);
        assert_eq!(status_from_adoption("Something else"), VersionStatus::Draft);
    }
}
