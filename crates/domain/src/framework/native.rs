//! Pathway's own framework JSON: the serde form of [`Framework`], as in
//! `frameworks/hee-ahp-support-worker-2021.json`.
//!
//! [`parse_native`] reads it with the same checks as every other import ([`Framework::new`]),
//! and says where a file that does not fit the form goes wrong: its line and column and the
//! JSON path of the value, such as `$.items[3].kind`. [`json_kind`] tells these files from CASE
//! packages, so a caller given "some JSON" can pick the importer.
//!
//! Bytes in, values out: nothing here touches files.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{
    Domain, Framework, FrameworkDraft, FrameworkId, FrameworkMeta, Item, Level, LevelPlacement,
    Problems, ProviderMapping, VersionStatus,
};

/// What a JSON file holds, by its top-level members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonKind {
    /// A CASE CFPackage (it has a `CFDocument`): read it with [`super::case::import`].
    Case,
    /// Pathway's own framework JSON (it has `levels`, `domains` or `items`): read it with
    /// [`parse_native`].
    Native,
    /// Neither, or not a JSON object at all. [`super::case::import`] then says what is wrong in
    /// terms of a CASE package, the format other tools exchange.
    Unknown,
}

/// Tells a CASE package from Pathway's own framework JSON without reading either in full.
/// A byte order mark is ignored.
pub fn json_kind(text: impl AsRef<[u8]>) -> JsonKind {
    /// Only whether each member is there; its value is skipped, not kept.
    #[derive(Deserialize)]
    struct Members {
        #[serde(rename = "CFDocument")]
        cf_document: Option<IgnoredAny>,
        levels: Option<IgnoredAny>,
        domains: Option<IgnoredAny>,
        items: Option<IgnoredAny>,
    }
    match serde_json::from_slice::<Members>(without_bom(text.as_ref())) {
        Ok(m) if m.cf_document.is_some() => JsonKind::Case,
        Ok(m) if m.levels.is_some() || m.domains.is_some() || m.items.is_some() => JsonKind::Native,
        _ => JsonKind::Unknown,
    }
}

/// Reads a framework from Pathway's own JSON and checks it as every import is checked.
/// `file_name` prefixes every problem location.
pub fn parse_native(file_name: &str, text: impl AsRef<[u8]>) -> Result<Framework, Problems> {
    read(text.as_ref()).map_err(|p| p.within(file_name))
}

/// The members of a framework file, spelled out rather than read through
/// `#[serde(flatten)]` as [`FrameworkDraft`] does: a flattened value is buffered before it is
/// read, and its errors lose their line and column.
#[derive(Deserialize)]
#[serde(expecting = "a JSON object with levels, domains and items")]
struct NativeFile {
    id: FrameworkId,
    title: String,
    publisher: String,
    version: String,
    status: VersionStatus,
    #[serde(default)]
    description: String,
    #[serde(default)]
    level_placement: LevelPlacement,
    #[serde(default)]
    case_identifier: Option<uuid::Uuid>,
    #[serde(default)]
    case_identifiers: std::collections::BTreeMap<String, uuid::Uuid>,
    #[serde(default)]
    case_extras: super::case::CaseExtras,
    levels: Vec<Level>,
    domains: Vec<Domain>,
    items: Vec<Item>,
    #[serde(default)]
    provider_mappings: Vec<ProviderMapping>,
}

impl NativeFile {
    fn into_draft(self) -> FrameworkDraft {
        // A struct literal without `..`: a new field of `FrameworkMeta` must be read here too.
        FrameworkDraft {
            meta: FrameworkMeta {
                id: self.id,
                title: self.title,
                publisher: self.publisher,
                version: self.version,
                status: self.status,
                description: self.description,
                level_placement: self.level_placement,
                case_identifier: self.case_identifier,
                case_identifiers: self.case_identifiers,
                case_extras: self.case_extras,
            },
            levels: self.levels,
            domains: self.domains,
            items: self.items,
            provider_mappings: self.provider_mappings,
        }
    }
}

fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn read(bytes: &[u8]) -> Result<Framework, Problems> {
    let bytes = without_bom(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problems::one(
            "line 1",
            "the file is empty; expected a Pathway framework: a JSON object with levels, domains and items",
        ));
    }
    // Serde would read a list as the members in order; a framework file is an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Problems::one(
            "$",
            "expected a JSON object with levels, domains and items, starting with \"{\"",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let file = serde_path_to_error::deserialize::<_, NativeFile>(&mut de).map_err(|e| {
        if json_kind(bytes) == JsonKind::Case {
            Problems::one(
                "$.CFDocument",
                "the file is a CASE package, not a Pathway framework file; import it as CASE JSON",
            )
        } else {
            problem(e.inner(), Some(e.path()))
        }
    })?;
    // Anything after the object is refused, as `serde_json::from_slice` does.
    de.end().map_err(|e| problem(&e, None))?;
    // The framework's own locations are the file's JSON paths.
    Framework::new(file.into_draft()).map_err(|mut problems| {
        for p in &mut problems.0 {
            p.location = format!("$.{}", p.location);
        }
        problems
    })
}

/// Where a file goes wrong and why: the line and column, with the JSON path of the value when
/// the JSON itself is well formed.
fn problem(inner: &serde_json::Error, path: Option<&serde_path_to_error::Path>) -> Problems {
    let full = inner.to_string();
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let reason = full.strip_suffix(&suffix).unwrap_or(&full);
    let at =
        (inner.line() > 0).then(|| format!("line {}, column {}", inner.line(), inner.column()));
    if inner.is_syntax() || inner.is_eof() {
        return Problems::one(
            at.unwrap_or_else(|| "$".to_owned()),
            format!("the file is not valid JSON: {reason}"),
        );
    }
    let path = path.map_or_else(|| "$".to_owned(), json_path);
    let location = match at {
        Some(at) => format!("{path} ({at})"),
        None => path,
    };
    Problems::one(location, reason)
}

/// A path such as `$.items[3].descriptors[0]`.
fn json_path(path: &serde_path_to_error::Path) -> String {
    let mut out = String::from("$");
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key } => {
                out.push('.');
                out.push_str(key);
            }
            serde_path_to_error::Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            _ => out.push_str(".?"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::tests::sample;

    fn json() -> String {
        serde_json::to_string_pretty(&Framework::new(sample()).unwrap()).unwrap()
    }

    fn errors(text: &str) -> Vec<String> {
        parse_native("framework.json", text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_framework_reads_back_as_itself() {
        let f = Framework::new(sample()).unwrap();
        assert_eq!(parse_native("framework.json", json()).unwrap(), f);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend(json().into_bytes());
        assert_eq!(parse_native("framework.json", &with_bom).unwrap(), f);
    }

    #[test]
    fn json_kinds_are_told_apart_by_their_members() {
        assert_eq!(json_kind(json()), JsonKind::Native);
        assert_eq!(json_kind(r#"{"items": []}"#), JsonKind::Native);
        assert_eq!(
            json_kind("\u{FEFF}{\"CFDocument\": {}, \"CFItems\": []}"),
            JsonKind::Case
        );
        assert_eq!(
            json_kind(br#"{"CFDocument": {"title": "x"}, "items": []}"#.as_slice()),
            JsonKind::Case,
            "a CFDocument makes a CASE package"
        );
        assert_eq!(json_kind(r#"{"CFDocument": null}"#), JsonKind::Unknown);
        assert_eq!(json_kind(r#"{"title": "x"}"#), JsonKind::Unknown);
        assert_eq!(json_kind("[1, 2]"), JsonKind::Unknown);
        assert_eq!(json_kind("{\"levels\": "), JsonKind::Unknown);
        assert_eq!(json_kind(""), JsonKind::Unknown);
    }

    #[test]
    fn a_wrong_value_is_reported_with_its_path_line_and_column() {
        let text = json().replace("\"competency\"", "\"skill\"");
        let line = text.lines().position(|l| l.contains("\"skill\"")).unwrap() + 1;
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with(&format!(
                "framework.json: $.items[0].kind (line {line}, column "
            )),
            "{found:?}"
        );
        assert!(
            found[0]
                .ends_with("unknown variant `skill`, expected `entry_requirement` or `competency`"),
            "{found:?}"
        );
    }

    #[test]
    fn an_invalid_code_is_reported_with_its_path() {
        let text = json().replace("\"code\": \"1.1\"", "\"code\": \"1/1\"");
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("framework.json: $.items[0].code (line "),
            "{found:?}"
        );
        assert!(
            found[0].contains("item code \"1/1\" holds \"/\""),
            "{found:?}"
        );
    }

    #[test]
    fn a_missing_member_is_reported_with_the_object_it_is_missing_from() {
        let text = json().replace("\"publisher\": \"Test\",", "");
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("framework.json: $ (line "),
            "{found:?}"
        );
        assert!(found[0].ends_with("missing field `publisher`"), "{found:?}");
    }

    #[test]
    fn malformed_json_is_reported_with_its_line_and_column() {
        assert_eq!(
            errors("{\n  \"id\": \"x\",\n}"),
            ["framework.json: line 3, column 1: the file is not valid JSON: trailing comma"]
        );
        assert_eq!(
            errors(&format!("{} x", json())),
            [format!(
                "framework.json: line {}, column 3: the file is not valid JSON: trailing characters",
                json().lines().count()
            )]
        );
        assert_eq!(
            errors(" \n"),
            [
                "framework.json: line 1: the file is empty; expected a Pathway framework: a JSON object with levels, domains and items"
            ]
        );
        assert_eq!(
            errors("[1]"),
            [
                "framework.json: $: expected a JSON object with levels, domains and items, starting with \"{\""
            ]
        );
        assert_eq!(
            errors("{\"id\": 7}"),
            [
                "framework.json: $.id (line 1, column 8): invalid type: integer `7`, expected a string"
            ]
        );
    }

    #[test]
    fn a_case_package_is_named_as_one() {
        assert_eq!(
            errors(r#"{"CFDocument": {"title": "x"}, "CFItems": []}"#),
            [
                "framework.json: $.CFDocument: the file is a CASE package, not a Pathway framework file; import it as CASE JSON"
            ]
        );
    }

    #[test]
    fn descriptor_text_that_means_something_else_is_refused() {
        let with = |descriptor: &str| {
            let mut v: serde_json::Value = serde_json::from_str(&json()).unwrap();
            v["items"][0]["descriptors"][1] = serde_json::from_str(descriptor).unwrap();
            errors(&v.to_string())
        };
        assert_eq!(
            with(r#"{"text": " n/a "}"#),
            [
                "framework.json: $.items[0].descriptors[1] (item 1.1): the descriptor's text \"n/a\" means not applicable; write \"not_applicable\" instead of a text"
            ]
        );
        assert_eq!(
            with(r#"{"text": " \n"}"#),
            [
                "framework.json: $.items[0].descriptors[1] (item 1.1): the descriptor's text is blank; write \"missing\" instead of a text where the framework says nothing at this level"
            ]
        );
        assert_eq!(
            with(r#"{"text": "Leads "}"#),
            [
                "framework.json: $.items[0].descriptors[1] (item 1.1): the descriptor's text starts or ends with spaces or line breaks; remove them"
            ]
        );
        assert_eq!(
            with(r#"{"text": "Le\u0000ads"}"#),
            [
                "framework.json: $.items[0].descriptors[1] (item 1.1): the text holds the control character U+0000, which cannot be shown or stored; remove it (the file may be damaged or not text)"
            ]
        );
        // Written as the framework means it, the same item reads.
        let mut v: serde_json::Value = serde_json::from_str(&json()).unwrap();
        v["items"][0]["descriptors"][1] = "not_applicable".into();
        let f = parse_native("framework.json", v.to_string()).unwrap();
        assert_eq!(
            f.items()[0].descriptors[1],
            crate::framework::Descriptor::NotApplicable
        );
    }

    #[test]
    fn framework_rules_are_checked_after_reading() {
        let text = json()
            .replace("\"publisher\": \"Test\"", "\"publisher\": \" \"")
            .replace("\"domain\": \"1\"", "\"domain\": \"9\"");
        assert_eq!(
            errors(&text),
            [
                "framework.json: $.publisher: the framework has no publisher; give the name of the organisation that publishes it",
                "framework.json: $.items[0].domain (item 1.1): domain \"9\" is not one of the framework's domains",
            ]
        );
    }
}
