//! Framework changes shared by the pages, the API and the CLI, each one transaction with its
//! audit entry.

use pathway_domain::framework::{
    Framework, FrameworkId, FrameworkMeta, LevelPlacement, Problems, VersionStatus, csv_format,
};
use pathway_store::{Actor, Store, StoreError};
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
/// next. `None` when the framework is new or the levels match.
pub async fn check_levels_kept(
    store: &Store,
    framework: &Framework,
) -> Result<Option<Problems>, StoreError> {
    let existing = match store
        .resolve_version(framework.id().as_str(), None, true)
        .await
    {
        Ok(v) => store.load_framework(v.version_id).await?,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
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
    use pathway_domain::framework::native::{JsonKind, json_kind, parse_native};
    match json_kind(bytes) {
        JsonKind::Native => parse_native(file_name, bytes),
        // CASE, or something else: the CASE reader says best what is wrong with it.
        _ => pathway_domain::framework::case::import(bytes, file_name),
    }
}

/// Stores an imported framework as a new version, after [`check_levels_kept`]. Nothing is
/// written if anything fails; a version imported as published retires the one before.
/// `source` names the file (or "request body") in problems and in the audit log.
pub async fn import_framework(
    store: &Store,
    framework: &Framework,
    actor: &Actor,
    source: &str,
) -> Result<i64, StoreError> {
    if let Some(problems) = check_levels_kept(store, framework).await? {
        return Err(StoreError::Invalid(problems.within(source)));
    }
    let mut tx = store.begin().await?;
    let id = tx.insert_framework(actor, framework).await?;
    tx.audit(
        actor,
        "framework.import",
        "framework_version",
        id,
        None,
        Some(json!({
            "framework": framework.id(),
            "version": framework.meta.version,
            "status": framework.meta.status,
            "items": framework.items().len(),
            "source": source,
        })),
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

/// Saves an edited draft. `before` is the stored draft, for the audit entry.
pub async fn save_draft(
    store: &Store,
    version_id: i64,
    before: &Framework,
    after: &Framework,
    actor: &Actor,
    item: &str,
) -> Result<(), StoreError> {
    if before.meta.status != VersionStatus::Draft {
        return Err(StoreError::Invalid(Problems::one(
            "status",
            "only draft versions can be edited",
        )));
    }
    let mut tx = store.begin().await?;
    tx.replace_draft(version_id, after).await?;
    tx.audit(
        actor,
        "framework.item.edit",
        "framework_version",
        version_id,
        before.item(item).map(|i| json!(i)),
        after.item(item).map(|i| json!(i)),
    )
    .await?;
    tx.commit().await
}

pub async fn publish(
    store: &Store,
    version_id: i64,
    framework: &Framework,
    actor: &Actor,
) -> Result<(), StoreError> {
    let mut tx = store.begin().await?;
    tx.publish(actor, version_id).await?;
    tx.audit(
        actor,
        "framework.publish",
        "framework_version",
        version_id,
        Some(json!({"status": "draft"})),
        Some(json!({"status": "published", "framework": framework.id(), "version": framework.meta.version})),
    )
    .await?;
    tx.commit().await
}
