//! Framework versions and their content.
//!
//! Content is stored in tables (levels, domains, items, descriptors, provider mappings) so
//! later records can cite an item of a version, and queries can aggregate over items.
//! A published version's content is never written again: every content write below first
//! checks, in its transaction, that the version is a draft, holding the version's row (on
//! PostgreSQL, `FOR UPDATE`; SQLite transactions write one at a time) so a publish cannot
//! slip in between the check and the write. At most one version of a framework is published:
//! publishing one, or importing one already published, retires the one before, and says so
//! in the audit log.

use crate::{Actor, Backend, Store, StoreError, StoreResult, Tx, now};
use pathway_domain::framework::{
    Descriptor, Domain, Framework, FrameworkDraft, FrameworkMeta, Item, ItemKind, Level,
    LevelPlacement, Problems, ProviderMapping, VersionStatus,
};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionSummary {
    pub version_id: i64,
    pub framework_id: String,
    pub version: String,
    pub status: VersionStatus,
    pub title: String,
    pub publisher: String,
    pub description: String,
    pub created_at: String,
    pub published_at: Option<String>,
    pub item_count: i64,
    /// How many times a draft has been saved: edits and publishing name the revision they
    /// were made from, and are refused if another has been saved since.
    pub revision: i64,
    /// The organisation that stewards the framework (see [`Tx::set_steward`]); `None` for a
    /// national framework.
    pub steward_org_id: Option<i64>,
}

const SUMMARY: &str = "SELECT v.id, v.framework_id, v.version, v.status, v.title, v.publisher, v.description, \
    v.created_at, v.published_at, v.revision, f.steward_org_id, \
    (SELECT COUNT(*) FROM framework_items i WHERE i.version_id = v.id) AS item_count \
    FROM framework_versions v JOIN frameworks f ON f.id = v.framework_id";

fn summary_from(row: &sqlx::any::AnyRow) -> StoreResult<VersionSummary> {
    let status: String = row.try_get("status")?;
    Ok(VersionSummary {
        version_id: row.try_get("id")?,
        framework_id: row.try_get("framework_id")?,
        version: row.try_get("version")?,
        status: VersionStatus::parse(&status)
            .ok_or_else(|| StoreError::corrupt(format!("status {status}")))?,
        title: row.try_get("title")?,
        publisher: row.try_get("publisher")?,
        description: row.try_get("description")?,
        created_at: row.try_get("created_at")?,
        published_at: row.try_get("published_at")?,
        item_count: row.try_get("item_count")?,
        revision: row.try_get("revision")?,
        steward_org_id: row.try_get("steward_org_id")?,
    })
}

/// The version a reader means among a framework's versions (in creation order): the named
/// one, or else the current published version (or, when nothing is published, the newest).
pub fn pick_version<'a>(
    versions: &'a [VersionSummary],
    version: Option<&str>,
) -> Option<&'a VersionSummary> {
    match version {
        Some(v) => versions.iter().find(|s| s.version == v),
        None => versions
            .iter()
            .filter(|s| s.status == VersionStatus::Published)
            .max_by_key(|s| (s.published_at.as_deref(), s.version_id))
            .or_else(|| versions.last()),
    }
}

/// The version a version is best compared with: for a draft, the version in use now; for
/// any other, the last published or retired version before it. None for a first version.
pub fn baseline<'a>(
    versions: &'a [VersionSummary],
    shown: &VersionSummary,
) -> Option<&'a VersionSummary> {
    if shown.status == VersionStatus::Draft
        && let Some(current) = pick_version(versions, None)
            .filter(|v| v.status == VersionStatus::Published && v.version_id != shown.version_id)
    {
        return Some(current);
    }
    versions
        .iter()
        .rfind(|v| v.status != VersionStatus::Draft && v.version_id < shown.version_id)
}

/// A version's CASE extras as stored: JSON, or NULL when there are none.
fn extras_json(f: &Framework) -> StoreResult<Option<String>> {
    (!f.meta.case_extras.is_empty())
        .then(|| serde_json::to_string(&f.meta.case_extras))
        .transpose()
        .map_err(|e| StoreError::corrupt(format!("CASE extras: {e}")))
}

impl Store {
    /// Every version of every framework, drafts only when asked for.
    pub async fn framework_versions(
        &self,
        include_drafts: bool,
    ) -> StoreResult<Vec<VersionSummary>> {
        let rows = sqlx::query(&format!(
            "{SUMMARY} WHERE v.status <> 'draft' OR $1 = 1 ORDER BY v.framework_id, v.id"
        ))
        .bind(i64::from(include_drafts))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(summary_from).collect()
    }

    /// Each framework's id with the CASE document identifier it keeps from the tool it came
    /// from, if any: how an import tells a new version of a framework from another framework.
    pub async fn case_documents(&self) -> StoreResult<Vec<(String, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT framework_id, case_identifier FROM framework_versions ORDER BY framework_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("framework_id")?, r.try_get("case_identifier")?)))
            .collect()
    }

    pub async fn versions_of(
        &self,
        framework_id: &str,
        include_drafts: bool,
    ) -> StoreResult<Vec<VersionSummary>> {
        let rows = sqlx::query(&format!(
            "{SUMMARY} WHERE v.framework_id = $1 AND (v.status <> 'draft' OR $2 = 1) ORDER BY v.id"
        ))
        .bind(framework_id)
        .bind(i64::from(include_drafts))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(summary_from).collect()
    }

    /// The version a reader means: the named one, or else the current published version
    /// (or, for authors, the newest draft when nothing is published yet).
    pub async fn resolve_version(
        &self,
        framework_id: &str,
        version: Option<&str>,
        include_drafts: bool,
    ) -> StoreResult<VersionSummary> {
        let versions = self.versions_of(framework_id, include_drafts).await?;
        pick_version(&versions, version)
            .cloned()
            .ok_or(StoreError::NotFound("framework version"))
    }

    pub async fn load_framework(&self, version_id: i64) -> StoreResult<Framework> {
        let mut conn = self.pool().acquire().await?;
        let conn = &mut *conn;
        let meta = sqlx::query(
            "SELECT framework_id, version, status, title, publisher, description, level_placement, \
             case_identifier, case_identifiers, case_extras FROM framework_versions WHERE id = $1",
        )
        .bind(version_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("framework version"))?;
        let status: String = meta.try_get("status")?;
        let id: String = meta.try_get("framework_id")?;
        let case_identifier: Option<String> = meta.try_get("case_identifier")?;
        let case_identifiers: Option<String> = meta.try_get("case_identifiers")?;
        let case_identifiers = match case_identifiers {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::corrupt(format!("case identifiers: {e}")))?,
            None => Default::default(),
        };
        let case_extras: Option<String> = meta.try_get("case_extras")?;
        let case_extras = match case_extras {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| StoreError::corrupt(format!("CASE extras: {e}")))?,
            None => Default::default(),
        };
        let placement: String = meta.try_get("level_placement")?;
        let meta = FrameworkMeta {
            id: id.parse().map_err(StoreError::corrupt)?,
            title: meta.try_get("title")?,
            publisher: meta.try_get("publisher")?,
            version: meta.try_get("version")?,
            status: VersionStatus::parse(&status).ok_or_else(|| StoreError::corrupt(&status))?,
            description: meta.try_get("description")?,
            level_placement: LevelPlacement::parse(&placement)
                .ok_or_else(|| StoreError::corrupt(&placement))?,
            case_identifier: case_identifier.and_then(|s| s.parse().ok()),
            case_identifiers,
            case_extras,
        };

        let levels = sqlx::query("SELECT key, title, description FROM framework_levels WHERE version_id = $1 ORDER BY position")
            .bind(version_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                let key: String = r.try_get("key")?;
                Ok(Level {
                    key: key.parse().map_err(StoreError::corrupt)?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;

        let domains = sqlx::query("SELECT code, title, description FROM framework_domains WHERE version_id = $1 ORDER BY position")
            .bind(version_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                let code: String = r.try_get("code")?;
                Ok(Domain {
                    code: code.parse().map_err(StoreError::corrupt)?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;

        let mut descriptors: HashMap<i64, Vec<Descriptor>> = HashMap::new();
        for r in sqlx::query(
            "SELECT d.item_id, d.level_position, d.kind, d.text FROM framework_descriptors d \
             JOIN framework_items i ON i.id = d.item_id WHERE i.version_id = $1",
        )
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?
        {
            let item_id: i64 = r.try_get("item_id")?;
            let pos = usize::try_from(r.try_get::<i64, _>("level_position")?)
                .map_err(StoreError::corrupt)?;
            let kind: String = r.try_get("kind")?;
            let d = match kind.as_str() {
                "text" => {
                    Descriptor::Text(r.try_get::<Option<String>, _>("text")?.unwrap_or_default())
                }
                _ => Descriptor::NotApplicable,
            };
            let slots = descriptors
                .entry(item_id)
                .or_insert_with(|| vec![Descriptor::Missing; levels.len()]);
            if let Some(slot) = slots.get_mut(pos) {
                *slot = d;
            }
        }

        let items = sqlx::query("SELECT id, domain_code, code, title, kind FROM framework_items WHERE version_id = $1 ORDER BY position")
            .bind(version_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                let item_id: i64 = r.try_get("id")?;
                let code: String = r.try_get("code")?;
                let domain: String = r.try_get("domain_code")?;
                let kind: String = r.try_get("kind")?;
                Ok(Item {
                    code: code.parse().map_err(StoreError::corrupt)?,
                    domain: domain.parse().map_err(StoreError::corrupt)?,
                    title: r.try_get("title")?,
                    kind: ItemKind::parse(&kind).ok_or_else(|| StoreError::corrupt(&kind))?,
                    descriptors: descriptors
                        .remove(&item_id)
                        .unwrap_or_else(|| vec![Descriptor::Missing; levels.len()]),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;

        let provider_mappings = sqlx::query(
            "SELECT provider, item_code, statement FROM provider_mappings WHERE version_id = $1 ORDER BY position",
        )
        .bind(version_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let item: String = r.try_get("item_code")?;
            Ok(ProviderMapping {
                provider: r.try_get("provider")?,
                item: item.parse().map_err(StoreError::corrupt)?,
                statement: r.try_get("statement")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;

        Framework::new(FrameworkDraft {
            meta,
            levels,
            domains,
            items,
            provider_mappings,
        })
        .map_err(|p| StoreError::corrupt(p.to_string()))
    }
}

impl Tx {
    /// Stores a new framework version (creating the framework on its first version).
    /// Stores a new version. A version stored as published replaces the framework's current
    /// published version, which is retired (and the retirement audited as `actor`'s).
    pub async fn insert_framework(&mut self, actor: &Actor, f: &Framework) -> StoreResult<i64> {
        let at = now();
        sqlx::query(
            "INSERT INTO frameworks (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(f.id().as_str())
        .bind(&at)
        .execute(self.conn())
        .await?;
        let published_at = (f.meta.status != VersionStatus::Draft).then(|| at.clone());
        let version_id: i64 = sqlx::query_scalar(
            "INSERT INTO framework_versions (framework_id, version, status, title, publisher, description, \
             level_placement, case_identifier, case_identifiers, case_extras, created_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(f.id().as_str())
        .bind(&f.meta.version)
        .bind(f.meta.status.as_str())
        .bind(&f.meta.title)
        .bind(&f.meta.publisher)
        .bind(&f.meta.description)
        .bind(f.meta.level_placement.as_str())
        .bind(f.meta.case_identifier.map(|u| u.to_string()))
        .bind(
            (!f.meta.case_identifiers.is_empty())
                .then(|| serde_json::to_string(&f.meta.case_identifiers))
                .transpose()
                .map_err(|e| StoreError::corrupt(format!("case identifiers: {e}")))?,
        )
        .bind(extras_json(f)?)
        .bind(&at)
        .bind(published_at)
        .fetch_one(self.conn())
        .await
        .map_err(StoreError::on_unique(
            "version",
            format!(
                "framework {} already has a version {}; give the new version a different version label",
                f.id(),
                f.meta.version
            ),
        ))?;
        self.write_content(version_id, f).await?;
        if f.meta.status == VersionStatus::Published {
            self.retire_others(actor, f.id().as_str(), version_id, &f.meta.version)
                .await?;
        }
        Ok(version_id)
    }

    /// Makes `org` (or, with `None`, nobody: a national framework) the framework's steward,
    /// whose framework authors author it.
    pub async fn set_steward(&mut self, framework_id: &str, org: Option<i64>) -> StoreResult<()> {
        sqlx::query("UPDATE frameworks SET steward_org_id = $1 WHERE id = $2")
            .bind(org)
            .bind(framework_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Hands a framework to another steward (`None`: national), with an audit entry holding
    /// the steward before and after: its drafts, edits and publication pass to that
    /// organisation's framework authors. Returns whether anything changed. An unknown
    /// framework or organisation is not found, and nothing is written.
    pub async fn change_steward(
        &mut self,
        actor: &Actor,
        framework_id: &str,
        org: Option<i64>,
    ) -> StoreResult<bool> {
        let was: Option<i64> =
            sqlx::query_scalar("SELECT steward_org_id FROM frameworks WHERE id = $1")
                .bind(framework_id)
                .fetch_optional(self.conn())
                .await?
                .ok_or(StoreError::NotFound("framework"))?;
        if let Some(org) = org {
            let known: Option<i64> =
                sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
                    .bind(org)
                    .fetch_optional(self.conn())
                    .await?;
            known.ok_or(StoreError::NotFound("organisation"))?;
        }
        if was == org {
            return Ok(false);
        }
        self.set_steward(framework_id, org).await?;
        self.audit(
            actor,
            "framework.steward",
            "framework",
            framework_id,
            Some(json!({"framework": framework_id, "steward_org_id": was})),
            Some(json!({"framework": framework_id, "steward_org_id": org})),
        )
        .await?;
        Ok(true)
    }

    /// Retires every published version of the framework but `current`, with an audit entry
    /// for each.
    async fn retire_others(
        &mut self,
        actor: &Actor,
        framework_id: &str,
        current: i64,
        current_label: &str,
    ) -> StoreResult<()> {
        let retired = sqlx::query(
            "UPDATE framework_versions SET status = 'retired' \
             WHERE framework_id = $1 AND status = 'published' AND id <> $2 RETURNING id, version",
        )
        .bind(framework_id)
        .bind(current)
        .fetch_all(self.conn())
        .await?;
        for row in retired {
            let id: i64 = row.try_get("id")?;
            let version: String = row.try_get("version")?;
            self.audit(
                actor,
                "framework.retire",
                "framework_version",
                id,
                Some(serde_json::json!({"status": "published"})),
                Some(serde_json::json!({
                    "status": "retired",
                    "framework": framework_id,
                    "version": version,
                    "replaced_by": current_label,
                })),
            )
            .await?;
        }
        Ok(())
    }

    async fn write_content(&mut self, version_id: i64, f: &Framework) -> StoreResult<()> {
        for (pos, l) in f.levels().iter().enumerate() {
            sqlx::query("INSERT INTO framework_levels (version_id, position, key, title, description) VALUES ($1, $2, $3, $4, $5)")
                .bind(version_id)
                .bind(pos as i64)
                .bind(l.key.as_str())
                .bind(&l.title)
                .bind(&l.description)
                .execute(self.conn())
                .await?;
        }
        for (pos, d) in f.domains().iter().enumerate() {
            sqlx::query("INSERT INTO framework_domains (version_id, position, code, title, description) VALUES ($1, $2, $3, $4, $5)")
                .bind(version_id)
                .bind(pos as i64)
                .bind(d.code.as_str())
                .bind(&d.title)
                .bind(&d.description)
                .execute(self.conn())
                .await?;
        }
        for (pos, item) in f.items().iter().enumerate() {
            let item_id: i64 = sqlx::query_scalar(
                "INSERT INTO framework_items (version_id, position, domain_code, code, title, kind) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(version_id)
            .bind(pos as i64)
            .bind(item.domain.as_str())
            .bind(item.code.as_str())
            .bind(&item.title)
            .bind(item.kind.as_str())
            .fetch_one(self.conn())
            .await?;
            for (level, d) in item.descriptors.iter().enumerate() {
                let (kind, text) = match d {
                    Descriptor::Text(t) => ("text", Some(t.as_str())),
                    Descriptor::NotApplicable => ("not_applicable", None),
                    Descriptor::Missing => continue,
                };
                sqlx::query("INSERT INTO framework_descriptors (item_id, level_position, kind, text) VALUES ($1, $2, $3, $4)")
                    .bind(item_id)
                    .bind(level as i64)
                    .bind(kind)
                    .bind(text)
                    .execute(self.conn())
                    .await?;
            }
        }
        for (pos, m) in f.provider_mappings().iter().enumerate() {
            sqlx::query("INSERT INTO provider_mappings (version_id, position, provider, item_code, statement) VALUES ($1, $2, $3, $4, $5)")
                .bind(version_id)
                .bind(pos as i64)
                .bind(&m.provider)
                .bind(m.item.as_str())
                .bind(&m.statement)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Checks the version is a draft and holds its row until the transaction ends.
    async fn require_draft(&mut self, version_id: i64) -> StoreResult<()> {
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let row = sqlx::query(&format!(
            "SELECT version, status FROM framework_versions WHERE id = $1{lock}"
        ))
        .bind(version_id)
        .fetch_optional(self.conn())
        .await?
        .ok_or(StoreError::NotFound("framework version"))?;
        let status: String = row.try_get("status")?;
        if status != "draft" {
            let version: String = row.try_get("version")?;
            return Err(StoreError::Invalid(Problems::one(
                "status",
                format!(
                    "version {version} is {status} and cannot change; create a new draft version to edit it"
                ),
            )));
        }
        Ok(())
    }

    /// Claims the next revision of a draft whose current revision is `revision`: refused
    /// with a conflict when another change has been saved since the author read it.
    async fn claim_revision(&mut self, version_id: i64, revision: i64) -> StoreResult<()> {
        self.require_draft(version_id).await?;
        let claimed = sqlx::query(
            "UPDATE framework_versions SET revision = revision + 1 \
             WHERE id = $1 AND status = 'draft' AND revision = $2",
        )
        .bind(version_id)
        .bind(revision)
        .execute(self.conn())
        .await?;
        if claimed.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                field: "revision",
                message: "someone else has saved a change to this draft since you opened it. Nothing was saved: open it again to see the latest, then make your change there".into(),
            });
        }
        Ok(())
    }

    /// Replaces a draft's content, if its revision is still `revision`. Refused for
    /// published and retired versions.
    pub async fn replace_draft(
        &mut self,
        version_id: i64,
        revision: i64,
        f: &Framework,
    ) -> StoreResult<()> {
        self.claim_revision(version_id, revision).await?;
        self.delete_content(version_id).await?;
        sqlx::query(
            "UPDATE framework_versions SET title = $1, publisher = $2, description = $3, level_placement = $4, \
             case_extras = $5 WHERE id = $6 AND status = 'draft'",
        )
        .bind(&f.meta.title)
        .bind(&f.meta.publisher)
        .bind(&f.meta.description)
        .bind(f.meta.level_placement.as_str())
        .bind(extras_json(f)?)
        .bind(version_id)
        .execute(self.conn())
        .await?;
        self.write_content(version_id, f).await
    }

    /// Deletes a draft version, if its revision is still `revision`, and the framework itself
    /// when the draft was all it had. Returns the framework's id and the version's label.
    /// Published and retired versions are never deleted: records may cite them.
    pub async fn discard_draft(
        &mut self,
        version_id: i64,
        revision: i64,
    ) -> StoreResult<(String, String)> {
        self.claim_revision(version_id, revision).await?;
        self.delete_content(version_id).await?;
        let row = sqlx::query(
            "DELETE FROM framework_versions WHERE id = $1 AND status = 'draft' RETURNING framework_id, version",
        )
        .bind(version_id)
        .fetch_one(self.conn())
        .await?;
        let framework_id: String = row.try_get("framework_id")?;
        let version: String = row.try_get("version")?;
        sqlx::query(
            "DELETE FROM frameworks WHERE id = $1 \
             AND NOT EXISTS (SELECT 1 FROM framework_versions v WHERE v.framework_id = $1)",
        )
        .bind(&framework_id)
        .execute(self.conn())
        .await?;
        Ok((framework_id, version))
    }

    async fn delete_content(&mut self, version_id: i64) -> StoreResult<()> {
        for table in ["framework_levels", "framework_domains", "provider_mappings"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE version_id = $1"))
                .bind(version_id)
                .execute(self.conn())
                .await?;
        }
        sqlx::query("DELETE FROM framework_descriptors WHERE item_id IN (SELECT id FROM framework_items WHERE version_id = $1)")
            .bind(version_id)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM framework_items WHERE version_id = $1")
            .bind(version_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Publishes a draft; the version that was current until now is retired (audited as
    /// `actor`'s).
    /// Publishes the draft's revision `revision`, the one its author reviewed.
    pub async fn publish(
        &mut self,
        actor: &Actor,
        version_id: i64,
        revision: i64,
    ) -> StoreResult<()> {
        self.claim_revision(version_id, revision).await?;
        let row = sqlx::query(
            "UPDATE framework_versions SET status = 'published', published_at = $1 \
             WHERE id = $2 AND status = 'draft' RETURNING framework_id, version",
        )
        .bind(now())
        .bind(version_id)
        .fetch_one(self.conn())
        .await?;
        let framework_id: String = row.try_get("framework_id")?;
        let version: String = row.try_get("version")?;
        self.retire_others(actor, &framework_id, version_id, &version)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(id: i64, label: &str, status: VersionStatus) -> VersionSummary {
        VersionSummary {
            version_id: id,
            framework_id: "f".into(),
            version: label.into(),
            status,
            title: "F".into(),
            publisher: "P".into(),
            description: String::new(),
            created_at: String::new(),
            published_at: (status != VersionStatus::Draft).then(|| format!("2026-0{id}")),
            item_count: 1,
            revision: 0,
            steward_org_id: None,
        }
    }

    #[test]
    fn a_draft_is_compared_with_the_version_in_use_and_others_with_the_one_before() {
        let versions = [
            version(1, "1", VersionStatus::Retired),
            version(2, "2", VersionStatus::Published),
            version(3, "2.1", VersionStatus::Draft),
        ];
        assert_eq!(baseline(&versions, &versions[2]).unwrap().version, "2");
        assert_eq!(baseline(&versions, &versions[1]).unwrap().version, "1");
        assert!(baseline(&versions, &versions[0]).is_none());
        // A first draft has nothing to be compared with.
        assert!(baseline(&versions[2..], &versions[2]).is_none());
    }
}
