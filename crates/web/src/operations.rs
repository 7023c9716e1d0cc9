//! Framework changes shared by the pages, the API and the CLI, each one transaction with its
//! audit entry.

use pathway_domain::framework::{Framework, Problems, VersionStatus};
use pathway_store::{Actor, Store, StoreError};
use serde_json::json;

/// Stores an imported framework as a new version. Nothing is written if anything fails.
pub async fn import_framework(
    store: &Store,
    framework: &Framework,
    actor: &Actor,
    source: &str,
) -> Result<i64, StoreError> {
    let mut tx = store.begin().await?;
    let id = tx.insert_framework(framework).await?;
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
    let id = tx.insert_framework(&draft).await?;
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
    tx.publish(version_id).await?;
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
