//! Framework interchange: CASE JSON and CSV, exported and imported again, and foreign CASE
//! packages imported.
//!
//! Exports are checked by a structural validator written from the CASE 1.1 package schema
//! (1EdTech `case-v1p1-cfpackage.json`): the members each class allows and requires, RFC 4122
//! identifiers, and links that resolve within the package.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use pathway_domain::framework::{
    Descriptor, Domain, Framework, FrameworkDraft, FrameworkMeta, Item, ItemKind, JsonKind, Level,
    ProviderMapping, VersionStatus, case, csv_format, json_kind, parse_native,
};
use serde_json::Value;

const HEE_JSON: &str = "frameworks/hee-ahp-support-worker-2021.json";
const DORSET_JSON: &str = "frameworks/fixtures/dorset-ahp-career-framework-sample.json";
const MARKDOWN_SAMPLE: &str = "tests/fixtures/case-sample-MarkdownFramework.opensalt.json";
const DYSPHAGIA_SAMPLE: &str = "tests/fixtures/case-foreign-dysphagia-rubric.json";

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn repo_file(relative: &str) -> PathBuf {
    crate_dir().join("../..").join(relative)
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn load(relative: &str) -> Framework {
    serde_json::from_slice(&read(&repo_file(relative)))
        .unwrap_or_else(|e| panic!("{relative} is not a valid framework: {e}"))
}

fn options() -> case::ExportOptions<'static> {
    case::ExportOptions {
        base_uri: "https://pathway.example.nhs.uk",
        last_change: "2024-05-01T12:00:00Z".parse().expect("a date"),
    }
}

fn case_round_trip(f: &Framework) -> Framework {
    let json = serde_json::to_vec_pretty(&case::export(f, &options())).expect("JSON");
    case::import(&json, "export.json").unwrap_or_else(|p| panic!("the export imports: {p}"))
}

fn import_case(relative_to_crate: &str) -> Framework {
    let bytes = read(&crate_dir().join(relative_to_crate));
    case::import(&bytes, relative_to_crate).unwrap_or_else(|p| panic!("{p}"))
}

fn text(s: &str) -> Descriptor {
    Descriptor::Text(s.into())
}

fn level(key: &str, title: &str, description: Option<&str>) -> Level {
    Level {
        key: key.parse().expect("level key"),
        title: title.into(),
        description: description.map(Into::into),
    }
}

/// Two domains, three levels, "N/A" and missing descriptors, an entry requirement and
/// provider mappings.
fn small() -> Framework {
    let item = |code: &str, domain: &str, title: &str, kind, descriptors| Item {
        code: code.parse().expect("item code"),
        domain: domain.parse().expect("domain code"),
        title: title.into(),
        kind,
        descriptors,
    };
    let mapping = |provider: &str, item: &str, statement: &str| ProviderMapping {
        provider: provider.into(),
        item: item.parse().expect("item code"),
        statement: statement.into(),
    };
    Framework::new(FrameworkDraft {
        meta: FrameworkMeta {
            id: "test-support-worker".parse().expect("framework id"),
            title: "Test support worker framework".into(),
            publisher: "Test Trust".into(),
            version: "2024.1".into(),
            status: VersionStatus::Draft,
            description: "For interchange tests.".into(),
            level_placement: Default::default(),
            case_identifier: None,
            case_identifiers: Default::default(),
            case_extras: Default::default(),
        },
        levels: vec![
            level("entry", "Entry", Some("Agenda for Change band 2")),
            level(
                "intermediate",
                "Intermediate",
                Some("Agenda for Change band 3"),
            ),
            level("assistant-practitioner", "Assistant Practitioner", None),
        ],
        domains: vec![
            Domain {
                code: "1".parse().expect("domain code"),
                title: "Formal knowledge and experience".into(),
                description: "Qualifications and experience on entry.".into(),
            },
            Domain {
                code: "2".parse().expect("domain code"),
                title: "Supporting service users".into(),
                description: "Care, wellbeing and the wider system.".into(),
            },
        ],
        items: vec![
            item(
                "1.1",
                "1",
                "Education requirements",
                ItemKind::EntryRequirement,
                vec![
                    text("RQF level 2"),
                    text("RQF level 3"),
                    text("RQF level 4"),
                ],
            ),
            item(
                "2.1",
                "2",
                "Person-centred care",
                ItemKind::Competency,
                vec![
                    Descriptor::NotApplicable,
                    text("Provides person-centred care, with support"),
                    text("Provides person-centred care"),
                ],
            ),
            item(
                "2.2",
                "2",
                "Health promotion",
                ItemKind::Competency,
                vec![
                    text("Signposts to services"),
                    Descriptor::Missing,
                    text("Advises on \"healthy choices\""),
                ],
            ),
            item(
                "2.3",
                "2",
                "Not yet written",
                ItemKind::Competency,
                vec![Descriptor::Missing; 3],
            ),
        ],
        provider_mappings: vec![
            mapping("ExR", "2.1", "ExR covers person-centred care"),
            mapping("ExR", "2.2", "ExR covers health promotion"),
            mapping("City College", "2.1", "Unit 4, care planning"),
        ],
    })
    .expect("a valid framework")
}

// ----- A structural validator for CASE 1.1 packages -----

/// Members each class may have (CASE 1.1 package schema; `additionalProperties: false`).
const PACKAGE: &[&str] = &[
    "CFDocument",
    "CFItems",
    "CFAssociations",
    "CFDefinitions",
    "CFRubrics",
    "extensions",
];
const DOCUMENT: &[&str] = &[
    "identifier",
    "uri",
    "frameworkType",
    "caseVersion",
    "creator",
    "title",
    "lastChangeDateTime",
    "officialSourceURL",
    "publisher",
    "description",
    "subject",
    "subjectURI",
    "language",
    "version",
    "adoptionStatus",
    "statusStartDate",
    "statusEndDate",
    "licenseURI",
    "notes",
    "extensions",
];
const DOCUMENT_REQUIRED: &[&str] = &[
    "identifier",
    "uri",
    "creator",
    "title",
    "lastChangeDateTime",
];
const ITEM: &[&str] = &[
    "identifier",
    "fullStatement",
    "alternativeLabel",
    "CFItemType",
    "uri",
    "humanCodingScheme",
    "listEnumeration",
    "abbreviatedStatement",
    "conceptKeywords",
    "conceptKeywordsURI",
    "notes",
    "subject",
    "subjectURI",
    "language",
    "educationLevel",
    "CFItemTypeURI",
    "licenseURI",
    "statusStartDate",
    "statusEndDate",
    "lastChangeDateTime",
    "extensions",
];
const ITEM_REQUIRED: &[&str] = &["identifier", "fullStatement", "uri", "lastChangeDateTime"];
const ASSOCIATION: &[&str] = &[
    "identifier",
    "associationType",
    "sequenceNumber",
    "uri",
    "originNodeURI",
    "destinationNodeURI",
    "CFAssociationGroupingURI",
    "lastChangeDateTime",
    "notes",
    "extensions",
];
const ASSOCIATION_REQUIRED: &[&str] = &[
    "identifier",
    "associationType",
    "uri",
    "originNodeURI",
    "destinationNodeURI",
    "lastChangeDateTime",
];
const ASSOCIATION_TYPES: &[&str] = &[
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
];
const DEFINITIONS: &[&str] = &[
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFItemTypes",
    "CFAssociationGroupings",
    "extensions",
];
const ITEM_TYPE: &[&str] = &[
    "identifier",
    "uri",
    "title",
    "description",
    "hierarchyCode",
    "typeCode",
    "lastChangeDateTime",
    "extensions",
];
const ITEM_TYPE_REQUIRED: &[&str] = &[
    "identifier",
    "uri",
    "title",
    "description",
    "hierarchyCode",
    "lastChangeDateTime",
];
const RUBRIC: &[&str] = &[
    "identifier",
    "uri",
    "title",
    "description",
    "lastChangeDateTime",
    "CFRubricCriteria",
    "extensions",
];
const CRITERION: &[&str] = &[
    "identifier",
    "uri",
    "category",
    "description",
    "CFItemURI",
    "weight",
    "position",
    "rubricId",
    "lastChangeDateTime",
    "CFRubricCriterionLevels",
    "extensions",
];
const CRITERION_LEVEL: &[&str] = &[
    "identifier",
    "uri",
    "description",
    "quality",
    "score",
    "feedback",
    "position",
    "rubricCriterionId",
    "lastChangeDateTime",
    "extensions",
];
const RUBRIC_PART_REQUIRED: &[&str] = &["identifier", "uri", "lastChangeDateTime"];
const LINK: &[&str] = &["title", "identifier", "uri"];
const LINK_GEN: &[&str] = &["title", "identifier", "uri", "targetType"];

/// An RFC 4122 UUID as the CASE 1.0 schema checks it: lower-case 8-4-4-4-12 hex, version
/// nibble 1-5, variant nibble 8-b.
fn is_rfc4122(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && groups.iter().all(|g| {
            g.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        })
        && ('1'..='5').contains(&groups[2].chars().next().unwrap_or('0'))
        && matches!(groups[3].chars().next(), Some('8' | '9' | 'a' | 'b'))
}

struct Validator<'v> {
    errors: Vec<String>,
    /// Every record's identifier, to check uniqueness.
    identifiers: HashSet<&'v str>,
    base_uri: &'v str,
}

impl<'v> Validator<'v> {
    fn error(&mut self, at: &str, message: impl std::fmt::Display) {
        self.errors.push(format!("{at}: {message}"));
    }

    fn object(
        &mut self,
        v: &'v Value,
        at: &str,
        allowed: &[&str],
        required: &[&str],
    ) -> Option<&'v serde_json::Map<String, Value>> {
        let Some(obj) = v.as_object() else {
            self.error(at, "not an object");
            return None;
        };
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) {
                self.error(at, format_args!("member {key} is not allowed"));
            }
        }
        for key in required {
            if !obj.contains_key(*key) {
                self.error(at, format_args!("member {key} is required"));
            }
        }
        Some(obj)
    }

    fn list(
        &mut self,
        obj: &'v serde_json::Map<String, Value>,
        key: &str,
        at: &str,
    ) -> &'v [Value] {
        match obj.get(key) {
            None => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.error(&format!("{at}.{key}"), "not a list");
                &[]
            }
        }
    }

    /// A record: its identifier is an RFC 4122 UUID, unique, and its uri ends with it.
    fn record(
        &mut self,
        obj: &'v serde_json::Map<String, Value>,
        at: &str,
        class: &str,
    ) -> Option<&'v str> {
        let id = obj.get("identifier").and_then(Value::as_str)?;
        if !is_rfc4122(id) {
            self.error(at, format_args!("identifier {id} is not an RFC 4122 UUID"));
        }
        if !self.identifiers.insert(id) {
            self.error(at, format_args!("identifier {id} is used twice"));
        }
        let expected = format!("{}/ims/case/v1p1/{class}/{id}", self.base_uri);
        if obj.get("uri").and_then(Value::as_str) != Some(expected.as_str()) {
            self.error(at, format_args!("uri is not {expected}"));
        }
        match obj.get("lastChangeDateTime").and_then(Value::as_str) {
            Some(t) if chrono::DateTime::parse_from_rfc3339(t).is_ok() => {}
            _ => self.error(at, "lastChangeDateTime is not an RFC 3339 date-time"),
        }
        for key in ["rubricId", "rubricCriterionId"] {
            if let Some(id) = obj.get(key).and_then(Value::as_str)
                && !is_rfc4122(id)
            {
                self.error(at, format_args!("{key} {id} is not an RFC 4122 UUID"));
            }
        }
        Some(id)
    }

    /// A LinkURI or LinkGenURI; returns the identifier it names.
    fn link(&mut self, v: Option<&'v Value>, at: &str, allowed: &[&str]) -> Option<&'v str> {
        let Some(v) = v else {
            self.error(at, "missing link");
            return None;
        };
        let obj = self.object(v, at, allowed, LINK)?;
        let id = obj.get("identifier").and_then(Value::as_str)?;
        if allowed == LINK && !is_rfc4122(id) {
            self.error(at, format_args!("identifier {id} is not an RFC 4122 UUID"));
        }
        Some(id)
    }
}

/// Everything wrong with a package as a Pathway export must be: a valid CASE 1.1 package,
/// RFC 4122 identifiers throughout, and links that resolve within the package.
fn validate(package: &Value, base_uri: &str) -> Vec<String> {
    let mut v = Validator {
        errors: Vec::new(),
        identifiers: HashSet::new(),
        base_uri,
    };
    let Some(root) = v.object(package, "$", PACKAGE, &["CFDocument"]) else {
        return v.errors;
    };

    let mut document_id = None;
    if let Some(doc) = root
        .get("CFDocument")
        .and_then(|d| v.object(d, "$.CFDocument", DOCUMENT, DOCUMENT_REQUIRED))
    {
        document_id = v.record(doc, "$.CFDocument", "CFDocuments");
        if doc.get("caseVersion").and_then(Value::as_str) != Some("1.1") {
            v.error("$.CFDocument", "caseVersion is not \"1.1\"");
        }
    }

    let mut item_types = HashSet::new();
    if let Some(defs) = root
        .get("CFDefinitions")
        .and_then(|d| v.object(d, "$.CFDefinitions", DEFINITIONS, &[]))
    {
        for (i, t) in v
            .list(defs, "CFItemTypes", "$.CFDefinitions")
            .iter()
            .enumerate()
        {
            let at = format!("$.CFDefinitions.CFItemTypes[{i}]");
            if let Some(obj) = v.object(t, &at, ITEM_TYPE, ITEM_TYPE_REQUIRED) {
                item_types.extend(v.record(obj, &at, "CFItemTypes"));
            }
        }
    }

    let mut items = HashSet::new();
    for (i, item) in v.list(root, "CFItems", "$").iter().enumerate() {
        let at = format!("$.CFItems[{i}]");
        let Some(obj) = v.object(item, &at, ITEM, ITEM_REQUIRED) else {
            continue;
        };
        items.extend(v.record(obj, &at, "CFItems"));
        if obj.contains_key("CFItemTypeURI") {
            let type_id = v.link(
                obj.get("CFItemTypeURI"),
                &format!("{at}.CFItemTypeURI"),
                LINK,
            );
            if type_id.is_some_and(|t| !item_types.contains(t)) {
                v.error(&at, "CFItemTypeURI is not one of the CFItemTypes");
            }
        }
        if obj
            .get("fullStatement")
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            v.error(&at, "fullStatement is empty");
        }
    }

    let mut children: HashMap<&str, usize> = HashMap::new();
    for (i, a) in v.list(root, "CFAssociations", "$").iter().enumerate() {
        let at = format!("$.CFAssociations[{i}]");
        let Some(obj) = v.object(a, &at, ASSOCIATION, ASSOCIATION_REQUIRED) else {
            continue;
        };
        v.record(obj, &at, "CFAssociations");
        let kind = obj
            .get("associationType")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !ASSOCIATION_TYPES.contains(&kind) && !kind.starts_with("ext:") {
            v.error(
                &at,
                format_args!("associationType {kind} is not a CASE 1.1 type"),
            );
        }
        // The hierarchy stays within the package; other associations (kept from the tool a
        // framework came from) may point at another framework's items.
        let hierarchy = kind == "isChildOf";
        for end in ["originNodeURI", "destinationNodeURI"] {
            let id = v.link(obj.get(end), &format!("{at}.{end}"), LINK_GEN);
            let resolves = id.is_some_and(|id| items.contains(id) || Some(id) == document_id);
            if hierarchy && !resolves {
                v.error(
                    &at,
                    format_args!("{end} resolves to neither the document nor an item"),
                );
            }
        }
        if hierarchy
            && let Some(origin) = obj
                .get("originNodeURI")
                .and_then(|o| o.get("identifier"))
                .and_then(Value::as_str)
        {
            *children.entry(origin).or_default() += 1;
        }
    }
    // Every item hangs in the tree exactly once.
    for item in &items {
        if children.get(item) != Some(&1) {
            v.error(
                "$.CFAssociations",
                format_args!("item {item} is not the child of exactly one node"),
            );
        }
    }

    // Pathway's own rule: one criterion per item, one criterion level per framework level.
    let level_count = package["extensions"]["pathway"]["levels"]
        .as_array()
        .map_or(0, Vec::len);
    let described: Vec<&str> = root
        .get("CFItems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|i| {
            matches!(
                i["CFItemType"].as_str(),
                Some("Competency" | "Entry requirement")
            )
        })
        .filter_map(|i| i["identifier"].as_str())
        .collect();
    let mut criteria_of: HashMap<&str, usize> = HashMap::new();
    for (r, rubric) in v.list(root, "CFRubrics", "$").iter().enumerate() {
        let at = format!("$.CFRubrics[{r}]");
        let Some(obj) = v.object(rubric, &at, RUBRIC, RUBRIC_PART_REQUIRED) else {
            continue;
        };
        let rubric_id = v.record(obj, &at, "CFRubrics");
        for (c, criterion) in v.list(obj, "CFRubricCriteria", &at).iter().enumerate() {
            let at = format!("{at}.CFRubricCriteria[{c}]");
            let Some(obj) = v.object(criterion, &at, CRITERION, RUBRIC_PART_REQUIRED) else {
                continue;
            };
            let criterion_id = v.record(obj, &at, "CFRubricCriteria");
            if obj.get("rubricId").and_then(Value::as_str) != rubric_id {
                v.error(&at, "rubricId is not the rubric's identifier");
            }
            let item = v.link(obj.get("CFItemURI"), &format!("{at}.CFItemURI"), LINK);
            if item.is_some_and(|i| !items.contains(i)) {
                v.error(&at, "CFItemURI is not one of the CFItems");
            }
            if let Some(item) = item {
                *criteria_of.entry(item).or_default() += 1;
            }
            let positions: Vec<u64> = obj
                .get("CFRubricCriterionLevels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|l| l["position"].as_u64())
                .collect();
            let expected: Vec<u64> = (1..=level_count as u64).collect();
            if positions != expected {
                v.error(
                    &at,
                    format_args!(
                        "criterion levels at positions {positions:?}, not one per framework level {expected:?}"
                    ),
                );
            }
            for (l, level) in v
                .list(obj, "CFRubricCriterionLevels", &at)
                .iter()
                .enumerate()
            {
                let at = format!("{at}.CFRubricCriterionLevels[{l}]");
                let Some(obj) = v.object(level, &at, CRITERION_LEVEL, RUBRIC_PART_REQUIRED) else {
                    continue;
                };
                v.record(obj, &at, "CFRubricCriterionLevels");
                if obj.get("rubricCriterionId").and_then(Value::as_str) != criterion_id {
                    v.error(&at, "rubricCriterionId is not the criterion's identifier");
                }
                if !obj.get("score").is_some_and(Value::is_number)
                    || !obj.get("position").is_some_and(Value::is_u64)
                {
                    v.error(&at, "score and position must be numbers");
                }
            }
        }
    }
    for item in described {
        if criteria_of.get(item) != Some(&1) {
            v.error(
                "$.CFRubrics",
                format_args!("item {item} does not have exactly one criterion"),
            );
        }
    }
    v.errors
}

// ----- CASE -----

#[test]
fn case_export_then_import_gives_an_equal_framework() {
    let f = small();
    assert_eq!(case_round_trip(&f), f);
}

#[test]
fn case_export_is_a_valid_case_1_1_package() {
    let f = small();
    let package = case::export(&f, &options());
    let errors = validate(&package, options().base_uri);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(package["CFDocument"]["caseVersion"], "1.1");
    // 2 domains + 4 items + 3 provider mappings, each a child of one node.
    assert_eq!(package["CFItems"].as_array().map(Vec::len), Some(9));
    assert_eq!(package["CFAssociations"].as_array().map(Vec::len), Some(9));
}

#[test]
fn a_missing_descriptor_is_exported_as_an_empty_criterion_level_and_imported_as_missing() {
    let f = small();
    let package = case::export(&f, &options());
    let criteria = package["CFRubrics"][0]["CFRubricCriteria"]
        .as_array()
        .expect("criteria");
    assert_eq!(criteria.len(), 4, "one criterion per item");
    let cells = |c: usize| -> Vec<(&str, &str)> {
        criteria[c]["CFRubricCriterionLevels"]
            .as_array()
            .expect("levels")
            .iter()
            .map(|l| {
                (
                    l["quality"].as_str().expect("quality"),
                    l["description"].as_str().expect("description"),
                )
            })
            .collect()
    };
    assert_eq!(
        cells(2),
        [
            ("Entry", "Signposts to services"),
            ("Intermediate", ""),
            ("Assistant Practitioner", "Advises on \"healthy choices\""),
        ]
    );
    assert_eq!(
        cells(3),
        [
            ("Entry", ""),
            ("Intermediate", ""),
            ("Assistant Practitioner", "")
        ]
    );
    let back = case_round_trip(&f);
    assert_eq!(back, f);
    assert_eq!(
        back.item("2.3").expect("2.3").descriptors,
        [
            Descriptor::Missing,
            Descriptor::Missing,
            Descriptor::Missing
        ]
    );
}

#[test]
fn the_validator_rejects_what_it_should() {
    // The OpenSALT sample's document identifier has version nibble 0.
    let sample: Value =
        serde_json::from_slice(&read(&crate_dir().join(MARKDOWN_SAMPLE))).expect("JSON");
    let errors = validate(&sample, "http://server");
    assert!(
        errors
            .iter()
            .any(|e| e.contains("d0000000-0000-0000-0000-000000000000 is not an RFC 4122 UUID")),
        "{errors:#?}"
    );

    let mut package = case::export(&small(), &options());
    package["CFAssociations"][0]["destinationNodeURI"]["identifier"] = "elsewhere".into();
    package["CFItems"][0]["CFDocumentURI"] = Value::Null;
    package["CFDocument"]["caseVersion"] = "1.0".into();
    let errors = validate(&package, options().base_uri);
    assert_eq!(errors.len(), 3, "{errors:#?}");

    // A criterion level left out, as exports once did for missing descriptors.
    let mut package = case::export(&small(), &options());
    let levels = package["CFRubrics"][0]["CFRubricCriteria"][2]["CFRubricCriterionLevels"]
        .as_array_mut()
        .expect("levels");
    levels.remove(1);
    assert_eq!(
        validate(&package, options().base_uri),
        [
            "$.CFRubrics[0].CFRubricCriteria[2]: criterion levels at positions [1, 3], not one per framework level [1, 2, 3]"
        ]
    );
    assert!(is_rfc4122("5b1f0b43-4d54-4f0e-9d1e-3f0f3bd0c5a1"));
    assert!(!is_rfc4122("5b1f0b43-4d54-4f0e-cd1e-3f0f3bd0c5a1"));
    assert!(!is_rfc4122("5B1F0B43-4D54-4F0E-9D1E-3F0F3BD0C5A1"));
}

#[test]
fn the_opensalt_markdown_sample_imports() {
    let f = import_case(MARKDOWN_SAMPLE);
    assert_eq!(f.meta.title, "Test Markdown Framework");
    assert_eq!(f.id().as_str(), "test-markdown-framework");
    assert_eq!(f.meta.publisher, "OpenSALT Testing");
    assert_eq!(f.meta.version, "1");
    assert_eq!(f.meta.status, VersionStatus::Draft);
    assert_eq!(
        f.meta.case_identifier,
        Some(
            "d0000000-0000-0000-0000-000000000000"
                .parse()
                .expect("uuid")
        )
    );

    let levels: Vec<(&str, &str)> = f
        .levels()
        .iter()
        .map(|l| (l.key.as_str(), l.title.as_str()))
        .collect();
    assert_eq!(levels, [("standard", "Standard")]);
    assert_eq!(f.domains().len(), 1, "one implicit domain");
    assert_eq!(f.domains()[0].title, "Test Markdown Framework");

    let codes: Vec<&str> = f.items().iter().map(|i| i.code.as_str()).collect();
    assert_eq!(
        codes,
        ["MD.Table", "MD.Math"],
        "file order without sequence numbers"
    );
    let math = f.item("MD.Math").expect("MD.Math");
    assert_eq!(math.title, "This contains math markdown: $x^2$");
    assert_eq!(
        math.descriptors,
        [text("This contains math markdown: $x^2$")]
    );
    assert_eq!(math.kind, ItemKind::Competency);
    assert_eq!(math.domain, f.domains()[0].code);
    let table = f.item("MD.Table").expect("MD.Table");
    assert!(
        table
            .title
            .starts_with("This contains a _table_ in markdown:\r\n\r\n| Column 1 |")
    );
    assert!(f.provider_mappings().is_empty());

    // Exported by Pathway, the identifier is kept and the framework comes back the same.
    let again = case_round_trip(&f);
    assert_eq!(again, f);

    // The items keep the identifiers OpenSALT gave them, so links made to them still hold.
    let source: Value = serde_json::from_slice(&read(&crate_dir().join(MARKDOWN_SAMPLE)))
        .expect("the sample is JSON");
    let exported = case::export(&f, &options());
    for item in source["CFItems"].as_array().expect("CFItems") {
        let code = item["humanCodingScheme"].as_str().expect("a code");
        let id = item["identifier"].as_str().expect("an identifier");
        let out = exported["CFItems"]
            .as_array()
            .expect("CFItems")
            .iter()
            .find(|i| i["humanCodingScheme"] == code)
            .unwrap_or_else(|| panic!("{code} exported"));
        assert_eq!(out["identifier"].as_str(), Some(id), "{code}");
        assert!(out["uri"].as_str().expect("uri").ends_with(id));
    }
    // Pathway's own identifiers are derived again, so none are kept for a framework it made.
    assert!(case_round_trip(&small()).meta.case_identifiers.is_empty());
}

#[test]
fn a_case_1_1_package_with_rubrics_and_nested_domains_imports() {
    let f = import_case(DYSPHAGIA_SAMPLE);
    let expected = Framework::new(FrameworkDraft {
        meta: FrameworkMeta {
            id: "dysphagia-support-competencies".parse().expect("id"),
            title: "Dysphagia Support Competencies".into(),
            publisher: "Example Therapy Network".into(),
            version: "2.0".into(),
            status: VersionStatus::Published,
            description: "A fictional framework written to test CASE import: nested domains, a deeper tree, rubric levels in mixed order, a provider mapping, upper-case identifiers and associations that Pathway ignores.".into(),
            level_placement: Default::default(),
            case_identifier: Some("1cf7ed7c-361c-412b-9115-34d8c3cc1fbd".parse().expect("uuid")),
            case_identifiers: Default::default(),
            case_extras: Default::default(),
        },
        levels: vec![
            level("foundation", "Foundation", None),
            level("enhanced", "Enhanced", None),
            level("advanced", "Advanced", None),
        ],
        domains: vec![
            Domain {
                code: "PP".parse().expect("code"),
                title: "Professional practice".into(),
                description: String::new(),
            },
            Domain {
                code: "EDS".parse().expect("code"),
                title: "Eating and drinking support".into(),
                description: "Supporting people to eat and drink safely.".into(),
            },
            Domain {
                code: "EDS.T".parse().expect("code"),
                title: "Texture modification".into(),
                description: String::new(),
            },
        ],
        items: vec![
            Item {
                code: "PP.1".parse().expect("code"),
                domain: "PP".parse().expect("code"),
                title: "Holds the Care Certificate".into(),
                kind: ItemKind::EntryRequirement,
                descriptors: vec![text("Care Certificate"); 3],
            },
            Item {
                code: "PP.2".parse().expect("code"),
                domain: "PP".parse().expect("code"),
                title: "Works within the limits of the role".into(),
                kind: ItemKind::Competency,
                descriptors: vec![Descriptor::Missing; 3],
            },
            Item {
                code: "EDS.1".parse().expect("code"),
                domain: "EDS".parse().expect("code"),
                title: "Positions the person safely for eating and drinking".into(),
                kind: ItemKind::Competency,
                descriptors: vec![
                    text("Positions the person with support"),
                    text("Positions the person independently"),
                    text("Teaches others to position people safely for meals"),
                ],
            },
            Item {
                code: "EDS.3".parse().expect("code"),
                domain: "EDS".parse().expect("code"),
                title: "Recognises risk during meals".into(),
                kind: ItemKind::Competency,
                descriptors: vec![Descriptor::Missing; 3],
            },
            Item {
                code: "EDS.3.1".parse().expect("code"),
                domain: "EDS".parse().expect("code"),
                title: "Recognises the signs of aspiration and acts on them".into(),
                kind: ItemKind::Competency,
                descriptors: vec![Descriptor::Missing; 3],
            },
            Item {
                code: "EDS.T.2".parse().expect("code"),
                domain: "EDS.T".parse().expect("code"),
                title: "Checks food texture against the IDDSI descriptors".into(),
                kind: ItemKind::Competency,
                descriptors: vec![
                    text("Checks texture with the IDDSI checklist"),
                    Descriptor::Missing,
                    Descriptor::Missing,
                ],
            },
            Item {
                code: "EDS.T.1".parse().expect("code"),
                domain: "EDS.T".parse().expect("code"),
                title: "Prepares food and drink to the IDDSI level in the care plan".into(),
                kind: ItemKind::Competency,
                descriptors: vec![
                    Descriptor::NotApplicable,
                    text("Prepares IDDSI levels 4 to 6"),
                    text("Prepares every IDDSI level, including transitional foods"),
                ],
            },
        ],
        provider_mappings: vec![ProviderMapping {
            provider: "Swallow Aware Ltd".into(),
            item: "EDS.1".parse().expect("code"),
            statement: "Module 2 covers positioning for meals".into(),
        }],
    })
    .expect("valid");
    // The identifiers the package gave its domains and items are kept, upper case or not.
    let kept: Vec<&str> = f.meta.case_identifiers.keys().map(String::as_str).collect();
    assert_eq!(
        kept,
        [
            "domain:EDS",
            "domain:EDS.T",
            "domain:PP",
            "item:EDS.1",
            "item:EDS.3",
            "item:EDS.3.1",
            "item:EDS.T.1",
            "item:EDS.T.2",
            "item:PP.1",
            "item:PP.2"
        ]
    );
    // What the package says that Pathway shows nowhere is kept for a re-export: the keywords,
    // education level and short statement of items and domains, and the associations other
    // than the hierarchy, one to an item of another framework and one between two items.
    let extras = &f.meta.case_extras;
    let kept: Vec<(&str, Vec<&str>)> = extras
        .nodes
        .iter()
        .map(|(node, fields)| (node.as_str(), fields.keys().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        kept,
        [
            ("domain:EDS", vec!["educationLevel"]),
            (
                "item:EDS.1",
                vec!["conceptKeywords", "abbreviatedStatement"]
            ),
        ]
    );
    let ends: Vec<(&str, Option<&str>, Option<&str>)> = extras
        .associations
        .iter()
        .map(|a| {
            (
                a.value["associationType"].as_str().unwrap_or_default(),
                a.origin.as_deref(),
                a.destination.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ends,
        [
            ("isRelatedTo", Some("item:EDS.3.1"), None),
            (
                "ext:hasProgression",
                Some("item:EDS.T.2"),
                Some("item:EDS.T.1")
            ),
        ]
    );
    let mut without_identifiers = f.clone();
    without_identifiers.meta.case_identifiers.clear();
    without_identifiers.meta.case_extras = Default::default();
    assert_eq!(without_identifiers, expected);

    // Re-exported by Pathway it is a valid package and imports back the same.
    let package = case::export(&f, &options());
    let errors = validate(&package, options().base_uri);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(
        package["CFDocument"]["identifier"], "1cf7ed7c-361c-412b-9115-34d8c3cc1fbd",
        "the foreign document keeps its identifier"
    );
    assert_eq!(case_round_trip(&f), f);
}

#[test]
fn the_hee_framework_round_trips_through_case() {
    let f = load(HEE_JSON);
    let package = case::export(&f, &options());
    let errors = validate(&package, options().base_uri);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(case_round_trip(&f), f);
}

#[test]
fn the_dorset_sample_round_trips_through_case() {
    let f = load(DORSET_JSON);
    let errors = validate(&case::export(&f, &options()), options().base_uri);
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(case_round_trip(&f), f);
}

// ----- CSV -----

/// Exports `f` as CSV and imports it, as a new version of `existing` when given.
fn csv_round_trip(f: &Framework, existing: Option<&Framework>) -> Framework {
    let csv = csv_format::export(f);
    csv_format::import(
        csv.as_bytes(),
        csv_format::ImportOptions {
            file_name: "export.csv",
            meta: f.meta.clone(),
            expected_levels: existing.map(Framework::levels),
            known_domains: existing.map(Framework::domains),
        },
    )
    .unwrap_or_else(|p| panic!("the export imports: {p}"))
}

/// What CSV carries as a new version of itself: everything except provider mappings.
fn without_what_csv_drops(f: &Framework) -> Framework {
    let mut d = f.clone().into_draft();
    d.provider_mappings.clear();
    Framework::new(d).expect("still valid")
}

#[test]
fn csv_export_then_import_gives_the_same_levels_items_and_domain_titles() {
    let f = small();
    let back = csv_round_trip(&f, Some(&f));
    assert_eq!(back, without_what_csv_drops(&f));
    // Without the framework's levels, level keys come from the titles and have no description.
    let back = csv_round_trip(&f, None);
    let levels: Vec<(&str, &str)> = back
        .levels()
        .iter()
        .map(|l| (l.key.as_str(), l.title.as_str()))
        .collect();
    assert_eq!(
        levels,
        [
            ("entry", "Entry"),
            ("intermediate", "Intermediate"),
            ("assistant-practitioner", "Assistant Practitioner")
        ]
    );
    assert_eq!(back.items(), f.items());
}

#[test]
fn a_csv_new_version_keeps_the_domain_codes_it_is_a_version_of() {
    let f = load(DORSET_JSON);
    let back = csv_round_trip(&f, Some(&f));
    assert_eq!(back, without_what_csv_drops(&f));
    let codes: Vec<&str> = back.domains().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["PP", "ED", "LD", "RS"]);

    // A new framework has no codes to keep: its domains are numbered.
    let fresh = csv_round_trip(&f, None);
    let codes: Vec<&str> = fresh.domains().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["1", "2", "3", "4"]);
    assert!(fresh.domains().iter().all(|d| d.description.is_empty()));

    // A domain the existing version does not have takes the first free number.
    let known = fresh.domains();
    let csv = "domain,code,title,kind,Band 5,Band 6,Band 7,Band 8,Band 9\n\
               Research,R.1,Evidence,competency,a,b,c,d,e\n\
               Digital,DG.1,Records,competency,a,b,c,d,e\n";
    let added = csv_format::import(
        csv.as_bytes(),
        csv_format::ImportOptions {
            file_name: "new.csv",
            meta: f.meta.clone(),
            expected_levels: Some(f.levels()),
            known_domains: Some(known),
        },
    )
    .unwrap();
    let domains: Vec<(&str, &str)> = added
        .domains()
        .iter()
        .map(|d| (d.code.as_str(), d.title.as_str()))
        .collect();
    assert_eq!(domains, [("4", "Research"), ("5", "Digital")]);
}

#[test]
fn the_hee_framework_round_trips_through_csv() {
    let f = load(HEE_JSON);
    let back = csv_round_trip(&f, Some(&f));
    assert_eq!(back, without_what_csv_drops(&f));
    let csv = csv_format::export(&f);
    assert_eq!(csv.lines().count(), 1 + 55);
    assert!(csv.starts_with(
        "\u{FEFF}domain,code,title,kind,Entry,Intermediate,Assistant Practitioner\r\n"
    ));
}

// ----- Pathway's own framework JSON -----

#[test]
fn the_shipped_framework_files_parse_as_native_json_to_what_serde_gives() {
    for relative in [HEE_JSON, DORSET_JSON] {
        let bytes = read(&repo_file(relative));
        assert_eq!(json_kind(&bytes), JsonKind::Native, "{relative}");
        let text = String::from_utf8(bytes).expect("UTF-8");
        let native = parse_native(relative, &text).unwrap_or_else(|p| panic!("{p}"));
        assert_eq!(native, load(relative), "{relative}");
    }
    let f = load(HEE_JSON);
    assert_eq!(f.items().len(), 55);
}

#[test]
fn json_kind_tells_case_packages_from_native_files() {
    for sample in [MARKDOWN_SAMPLE, DYSPHAGIA_SAMPLE] {
        assert_eq!(
            json_kind(read(&crate_dir().join(sample))),
            JsonKind::Case,
            "{sample}"
        );
    }
    let export = serde_json::to_vec(&case::export(&small(), &options())).expect("JSON");
    assert_eq!(json_kind(&export), JsonKind::Case);
    let native = serde_json::to_vec(&small()).expect("JSON");
    assert_eq!(json_kind(&native), JsonKind::Native);
    assert_eq!(json_kind(b"not json"), JsonKind::Unknown);
}

#[test]
fn a_broken_native_file_is_reported_with_its_line_column_and_path() {
    let text = std::fs::read_to_string(repo_file(HEE_JSON)).expect("read");
    // The third item's kind, misspelt.
    let mut seen = 0;
    let mut broken_line = 0;
    let broken: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(n, line)| {
            if line.contains("\"kind\"") {
                seen += 1;
                if seen == 3 {
                    broken_line = n + 1;
                    return line
                        .replace("\"competency\"", "\"competence\"")
                        .replace("\"entry_requirement\"", "\"competence\"");
                }
            }
            line.to_owned()
        })
        .collect();
    let problems = parse_native("hee.json", broken.join("\n")).expect_err("refused");
    let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(&format!(
            "hee.json: $.items[2].kind (line {broken_line}, column "
        )),
        "{found:#?}"
    );
    assert!(
        found[0].contains("unknown variant `competence`"),
        "{found:#?}"
    );

    // Well-formed but breaking a framework rule: named by where it is in the framework.
    let no_publisher = text.replacen(
        "\"publisher\": \"Health Education England\"",
        "\"publisher\": \"\"",
        1,
    );
    let found: Vec<String> = parse_native("hee.json", &no_publisher)
        .expect_err("refused")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        found,
        [
            "hee.json: $.publisher: the framework has no publisher; give the name of the organisation that publishes it"
        ]
    );
}
