//! Framework changes shared by the pages, the API and the CLI, each one transaction with its
//! audit entry.

use pathway_domain::framework::{
    Framework, FrameworkId, FrameworkMeta, JsonKind, LevelPlacement, Problems, VersionStatus, case,
    csv_format,
};
use pathway_store::{Actor, Store, StoreError, VersionSummary};
use serde_json::json;

/// What a CSV file does not say about itself, given by the person importing it.
#[derive(Debug, Clone)]
pub struct CsvDetails {
    pub id: FrameworkId,
    pub title: String,
    pub publisher: String,
    pub version: String,
    /// None: keep the existing framework's placement, or one level for the whole framework.
    pub level_placement: Option<LevelPlacement>,
}

/// Reads a framework from CSV as a draft. When the framework already exists the file is a
/// new version of it: its level columns must be the existing levels, it keeps the existing
/// level placement unless another is given, and it keeps the training providers' mappings
/// of the items it still has (a CSV has no column for them). The outer error is the
/// database's; the inner one lists the file's problems.
pub async fn read_csv(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    details: CsvDetails,
) -> Result<Result<Framework, Problems>, StoreError> {
    let existing = match store.resolve_version(details.id.as_str(), None, true).await {
        Ok(v) => Some(store.load_framework(v.version_id).await?),
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(parse_csv(bytes, file_name, details, existing.as_ref()))
}

/// [`read_csv`] given the framework's current version, if it has one.
pub fn parse_csv(
    bytes: &[u8],
    file_name: &str,
    details: CsvDetails,
    existing: Option<&Framework>,
) -> Result<Framework, Problems> {
    let level_placement = details
        .level_placement
        .or_else(|| existing.map(|f| f.meta.level_placement))
        .unwrap_or_default();
    let meta = FrameworkMeta {
        id: details.id,
        title: details.title,
        publisher: details.publisher,
        version: details.version,
        status: VersionStatus::Draft,
        description: String::new(),
        level_placement,
        case_identifier: existing.and_then(|f| f.meta.case_identifier),
        // The same framework under the same CASE identifiers, whatever format a version came in.
        case_identifiers: existing
            .map(|f| f.meta.case_identifiers.clone())
            .unwrap_or_default(),
        // What another tool said about the items the file still has, as the identifiers.
        case_extras: existing
            .map(|f| f.meta.case_extras.clone())
            .unwrap_or_default(),
    };
    let imported = csv_format::import(
        bytes,
        csv_format::ImportOptions {
            file_name,
            meta,
            expected_levels: existing.map(Framework::levels),
            known_domains: existing.map(Framework::domains),
        },
    );
    match (imported, existing) {
        (Ok(new), Some(old)) if !old.provider_mappings().is_empty() => {
            let mut draft = new.into_draft();
            draft.provider_mappings = old
                .provider_mappings()
                .iter()
                .filter(|m| draft.items.iter().any(|i| i.code == m.item))
                .cloned()
                .collect();
            Framework::new(draft)
        }
        (imported, _) => imported,
    }
}

/// A new version must keep its framework's levels, in order: records made against one
/// version (an assessment at Intermediate, a band in a pillar) must mean the same in the
/// next. `versions` are the framework's stored versions. `None` when the framework is new
/// or the levels match.
async fn check_levels_kept(
    store: &Store,
    framework: &Framework,
    versions: &[VersionSummary],
) -> Result<Option<Problems>, StoreError> {
    let existing = match pathway_store::pick_version(versions, None) {
        Some(v) => store.load_framework(v.version_id).await?,
        None => return Ok(None),
    };
    let titles = |f: &Framework| {
        f.levels()
            .iter()
            .map(|l| l.title.clone())
            .collect::<Vec<_>>()
    };
    let keys = |f: &Framework| {
        f.levels()
            .iter()
            .map(|l| l.key.to_string())
            .collect::<Vec<_>>()
    };
    if keys(&existing) == keys(framework) {
        return Ok(None);
    }
    Ok(Some(Problems::one(
        "levels",
        format!(
            "framework {} already has the levels {} (version {}); this file has {}. A new version must keep the same levels in the same order, so records made against earlier versions keep their meaning: use the same levels, or import it as a new framework with another id",
            framework.id(),
            titles(&existing).join(", "),
            existing.meta.version,
            titles(framework).join(", ")
        ),
    )))
}

/// Reads a JSON framework file: a CASE package (1.0 or 1.1), or Pathway's own framework
/// file (the form of the shipped framework and the test fixtures).
pub fn read_json(bytes: &[u8], file_name: &str) -> Result<Framework, Problems> {
    read_json_noting(bytes, file_name).map(|(framework, _)| framework)
}

/// [`read_json`], with notices of what the file says that Pathway does not keep.
pub fn read_json_noting(bytes: &[u8], file_name: &str) -> Result<(Framework, Problems), Problems> {
    read_json_detailed(bytes, file_name).map(|i| (i.framework, i.notices))
}

/// [`read_json_noting`], with the item codes made up for items the file gives none.
fn read_json_detailed(bytes: &[u8], file_name: &str) -> Result<case::Imported, Problems> {
    use pathway_domain::framework::native::{JsonKind, json_kind, parse_native};
    match json_kind(bytes) {
        JsonKind::Native => parse_native(file_name, bytes).map(|framework| case::Imported {
            framework,
            notices: Problems::default(),
            made_up_codes: Default::default(),
        }),
        // CASE, or something else: the CASE reader says best what is wrong with it.
        _ => case::import_detailed(bytes, file_name),
    }
}

/// Reads a JSON framework file and works out which framework it is a version of: the one
/// that holds its CASE document already, whatever the document's title is now. `requested`
/// is an id the person importing chose, which makes the file that framework (a copy of a
/// document Pathway already holds becomes a new document); an id the file gives in Pathway's
/// own terms counts as chosen. A file whose id is taken by a different document is refused,
/// with how to give it an id of its own. Comes with notices of what the file says that
/// Pathway does not keep.
pub async fn read_json_into(
    store: &Store,
    bytes: &[u8],
    file_name: &str,
    requested: Option<FrameworkId>,
) -> Result<Result<(Framework, Problems), Problems>, StoreError> {
    let case::Imported {
        framework,
        notices,
        made_up_codes,
    } = match read_json_detailed(bytes, file_name) {
        Ok(read) => read,
        Err(problems) => return Ok(Err(problems)),
    };
    let documents = store.case_documents().await?;
    let is_case = pathway_domain::framework::json_kind(bytes) == JsonKind::Case;
    // A file that names its framework (Pathway's own format, or Pathway's CASE extension) is
    // that framework, as if the importer had chosen the id.
    let names_itself = !is_case
        || serde_json::from_slice::<serde_json::Value>(bytes).is_ok_and(|v| {
            v.pointer("/extensions/pathway/frameworkId")
                .is_some_and(serde_json::Value::is_string)
        });
    let requested = requested.or_else(|| names_itself.then(|| framework.id().clone()));
    let framework = match identify(framework, requested, &documents, is_case) {
        Ok(f) => f,
        Err(p) => return Ok(Err(p.within(file_name))),
    };
    // A new version of a framework Pathway holds: items the file gives no code keep the
    // codes they had in the version before, found by their CASE identifiers.
    let framework = match store
        .versions_of(framework.id().as_str(), true)
        .await?
        .last()
    {
        Some(latest) if !made_up_codes.is_empty() => {
            let previous = store.load_framework(latest.version_id).await?;
            case::keep_item_codes(framework, &previous, &made_up_codes)
        }
        _ => framework,
    };
    Ok(Ok((framework, notices)))
}

/// [`read_json_into`] given each stored framework's id and kept CASE document identifier.
fn identify(
    mut framework: Framework,
    requested: Option<FrameworkId>,
    documents: &[(String, Option<String>)],
    is_case: bool,
) -> Result<Framework, Problems> {
    let document_of = |id: &str, kept: &Option<String>| {
        kept.as_deref()
            .and_then(|k| uuid::Uuid::parse_str(k).ok())
            .or_else(|| {
                FrameworkId::parse(id)
                    .ok()
                    .map(|id| case::derived_document_identifier(&id))
            })
    };
    let document = case::document_identifier(&framework);
    let holder = documents
        .iter()
        .find(|(id, kept)| document_of(id, kept) == Some(document))
        .map(|(id, _)| id.as_str());
    match requested {
        Some(id) if holder.is_some_and(|h| h != id.as_str()) => {
            // Another framework is this document: the copy is a document of its own, and so
            // are its items.
            framework.meta.case_identifier = None;
            framework.meta.case_identifiers.clear();
            framework.meta.id = id;
        }
        Some(id) => {
            framework.meta.case_identifier = Some(document);
            framework.meta.id = id;
        }
        None => {
            if let Some(holder) = holder.and_then(|h| FrameworkId::parse(h).ok()) {
                framework.meta.id = holder;
            }
        }
    }
    // Kept only when it is not the one the id gives anyway, as an import keeps it.
    if framework.meta.case_identifier == Some(case::derived_document_identifier(framework.id())) {
        framework.meta.case_identifier = None;
    }
    let document = case::document_identifier(&framework);
    let taken = documents.iter().find(|(id, kept)| {
        id == framework.id().as_str() && document_of(id, kept) != Some(document)
    });
    if let Some((id, kept)) = taken {
        let (location, theirs) = if is_case {
            ("$.CFDocument.identifier", "CASE document")
        } else {
            ("$.id", "framework")
        };
        let existing = document_of(id, kept)
            .map(|u| u.to_string())
            .unwrap_or_default();
        return Err(Problems::one(
            location,
            format!(
                "Pathway already has a framework \"{id}\" that is a different {theirs} (identifier {existing}; this file's is {document}), so this file is another framework, not a new version of it. Import it under an id of its own: --id on the command line, the id query parameter in the API, or Framework id on the import page"
            ),
        ));
    }
    Ok(framework)
}

/// Stores an imported framework as a new version, after [`check_levels_kept`]. Nothing is
/// written if anything fails; a version imported as published retires the one before.
/// `source` names the file (or "request body") in problems and in the audit log. A new
/// framework is stewarded by `steward` (`None`: national); an existing one keeps its steward.
pub async fn import_framework(
    store: &Store,
    framework: &Framework,
    actor: &Actor,
    source: &str,
    steward: Option<i64>,
) -> Result<i64, StoreError> {
    let versions = store.versions_of(framework.id().as_str(), true).await?;
    if let Some(problems) = check_levels_kept(store, framework, &versions).await? {
        return Err(StoreError::Invalid(problems.within(source)));
    }
    let is_new = versions.is_empty();
    let mut tx = store.begin().await?;
    let id = tx.insert_framework(actor, framework).await?;
    if is_new {
        tx.set_steward(framework.id().as_str(), steward).await?;
    }
    let mut after = json!({
        "framework": framework.id(),
        "version": framework.meta.version,
        "status": framework.meta.status,
        "items": framework.items().len(),
        "source": source,
    });
    if is_new {
        after["steward_org_id"] = json!(steward);
    }
    tx.audit(
        actor,
        "framework.import",
        "framework_version",
        id,
        None,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Makes a new draft version from an existing version, for editing.
pub async fn create_draft(
    store: &Store,
    from: &Framework,
    actor: &Actor,
) -> Result<(i64, String), StoreError> {
    let existing = store.versions_of(from.id().as_str(), true).await?;
    let mut label = from.next_version_label();
    while existing.iter().any(|v| v.version == label) {
        label = pathway_domain::framework::next_version_label(&label);
    }
    let draft = from.new_draft(label.clone());
    let mut tx = store.begin().await?;
    let id = tx.insert_framework(actor, &draft).await?;
    tx.audit(
        actor,
        "framework.draft",
        "framework_version",
        id,
        None,
        Some(json!({"framework": from.id(), "version": label, "from_version": from.meta.version})),
    )
    .await?;
    tx.commit().await?;
    Ok((id, label))
}

/// One change an author made to a draft, as the audit log records it: `framework.item.edit`
/// with the item before and after, say. The framework's id and the version's label are
/// added to `after`, so the entry still reads well once the draft is discarded.
#[derive(Debug)]
pub struct DraftEdit {
    pub action: &'static str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// `values` with the framework and version named in it (an object, or an object made).
fn naming_version(values: Option<serde_json::Value>, f: &Framework) -> serde_json::Value {
    let mut values = match values {
        Some(serde_json::Value::Object(map)) => map,
        Some(other) => {
            let mut map = serde_json::Map::new();
            map.insert("value".into(), other);
            map
        }
        None => serde_json::Map::new(),
    };
    values.insert("framework".into(), json!(f.id()));
    values.insert("version".into(), json!(f.meta.version));
    serde_json::Value::Object(values)
}

/// Saves an edited draft, if no other change has been saved to it since `version` was read.
pub async fn save_draft(
    store: &Store,
    version: &VersionSummary,
    after: &Framework,
    actor: &Actor,
    edit: DraftEdit,
) -> Result<(), StoreError> {
    if version.status != VersionStatus::Draft {
        return Err(StoreError::Invalid(Problems::one(
            "status",
            "only draft versions can be edited",
        )));
    }
    let mut tx = store.begin().await?;
    tx.replace_draft(version.version_id, version.revision, after)
        .await?;
    tx.audit(
        actor,
        edit.action,
        "framework_version",
        version.version_id,
        edit.before,
        Some(naming_version(edit.after, after)),
    )
    .await?;
    tx.commit().await
}

/// Deletes a draft nobody has changed since `version` was read.
pub async fn discard_draft(
    store: &Store,
    version: &VersionSummary,
    framework: &Framework,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    tx.discard_draft(version.version_id, version.revision)
        .await?;
    tx.audit(
        actor,
        "framework.discard",
        "framework_version",
        version.version_id,
        Some(naming_version(
            Some(json!({"status": "draft", "items": framework.items().len()})),
            framework,
        )),
        None,
    )
    .await?;
    tx.commit().await
}

/// Publishes the revision of a draft its author reviewed (`version`, as read then).
pub async fn publish(
    store: &Store,
    version: &VersionSummary,
    framework: &Framework,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    tx.publish(actor, version.version_id, version.revision)
        .await?;
    tx.audit(
        actor,
        "framework.publish",
        "framework_version",
        version.version_id,
        Some(json!({"status": "draft"})),
        Some(json!({"status": "published", "framework": framework.id(), "version": framework.meta.version})),
    )
    .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOREIGN: &[u8] =
        include_bytes!("../../domain/tests/fixtures/case-foreign-dysphagia-rubric.json");
    const ITS_DOCUMENT: &str = "1cf7ed7c-361c-412b-9115-34d8c3cc1fbd";

    fn foreign(edit: impl FnOnce(&mut serde_json::Value)) -> Framework {
        let mut v: serde_json::Value = serde_json::from_slice(FOREIGN).unwrap();
        edit(&mut v);
        read_json(&serde_json::to_vec(&v).unwrap(), "case.json").unwrap()
    }

    fn stored(id: &str, document: Option<&str>) -> (String, Option<String>) {
        (id.to_owned(), document.map(str::to_owned))
    }

    #[test]
    fn a_package_whose_document_pathway_holds_is_a_new_version_of_it_whatever_its_title() {
        let f = foreign(|v| v["CFDocument"]["title"] = "Swallowing support".into());
        assert_eq!(f.id().as_str(), "swallowing-support");
        let documents = [stored("dysphagia", Some(ITS_DOCUMENT))];
        let f = identify(f, None, &documents, true).unwrap();
        assert_eq!(f.id().as_str(), "dysphagia");
        assert_eq!(
            f.meta.case_identifier.map(|u| u.to_string()).as_deref(),
            Some(ITS_DOCUMENT)
        );
    }

    #[test]
    fn a_different_document_with_a_taken_id_is_refused_with_what_to_do() {
        // Same title, so the same id, but another tool's different document.
        let other = String::from_utf8_lossy(FOREIGN).replace(
            "1CF7ED7C-361C-412B-9115-34D8C3CC1FBD",
            "6b1c1c8e-1f43-4f0e-9a53-3c8b3bb0c001",
        );
        let f = read_json(other.as_bytes(), "case.json").unwrap();
        let documents = [stored(f.id().as_str(), Some(ITS_DOCUMENT))];
        let problems = identify(f, None, &documents, true).unwrap_err();
        let text = problems.to_string();
        assert!(text.starts_with("$.CFDocument.identifier: Pathway already has a framework \"dysphagia-support-competencies\" that is a different CASE document"), "{text}");
        assert!(text.contains("--id on the command line"), "{text}");
        // Pathway's own framework, which has no kept identifier, is a different document too.
        let f = foreign(|_| {});
        let documents = [stored(f.id().as_str(), None)];
        assert!(identify(f, None, &documents, true).is_err());
    }

    #[test]
    fn a_chosen_id_imports_a_copy_as_a_document_of_its_own() {
        let f = foreign(|_| {});
        let documents = [stored("dysphagia", Some(ITS_DOCUMENT))];
        let copy = identify(f, "dysphagia-copy".parse().ok(), &documents, true).unwrap();
        assert_eq!(copy.id().as_str(), "dysphagia-copy");
        assert_eq!(copy.meta.case_identifier, None, "a new document");
        assert!(
            copy.meta.case_identifiers.is_empty(),
            "new item identifiers"
        );
        assert_ne!(case::document_identifier(&copy).to_string(), ITS_DOCUMENT);

        // Chosen for a document Pathway does not hold yet, the id keeps the document's identity.
        let f = foreign(|_| {});
        let kept = identify(f, "dysphagia".parse().ok(), &[], true).unwrap();
        assert_eq!(case::document_identifier(&kept).to_string(), ITS_DOCUMENT);
    }
}
