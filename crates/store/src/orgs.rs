//! Organisations and their hierarchy.

use crate::{Actor, Store, StoreError, StoreResult, Tx, now};
use pathway_domain::identity::OrgKind;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
    pub code: Option<String>,
}

fn org_from(row: &sqlx::any::AnyRow) -> StoreResult<Organisation> {
    let kind: String = row.try_get("kind")?;
    Ok(Organisation {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        kind: OrgKind::parse(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("organisation kind {kind}")))?,
        parent_id: row.try_get("parent_id")?,
        code: row.try_get("code")?,
    })
}

impl Tx {
    /// Adds an organisation after checking that its kind may sit under its parent, with its
    /// audit entry.
    pub async fn create_org(
        &mut self,
        actor: &Actor,
        name: &str,
        kind: OrgKind,
        parent: Option<&Organisation>,
        code: Option<&str>,
    ) -> StoreResult<Organisation> {
        kind.check_parent(parent.map(|p| p.kind))
            .map_err(|message| {
                StoreError::Invalid(pathway_domain::framework::Problems::one("parent", message))
            })?;
        let row = sqlx::query(
            "INSERT INTO organisations (name, kind, parent_id, code, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(name)
        .bind(kind.as_str())
        .bind(parent.map(|p| p.id))
        .bind(code)
        .bind(now())
        .fetch_one(self.conn())
        .await
        .map_err(StoreError::on_unique(
            "code",
            format!("another organisation already has the code {}", code.unwrap_or_default()),
        ))?;
        let org = Organisation {
            id: row.try_get("id")?,
            name: name.to_owned(),
            kind,
            parent_id: parent.map(|p| p.id),
            code: code.map(str::to_owned),
        };
        let after = serde_json::to_value(&org).ok();
        self.audit(
            actor,
            "organisation.create",
            "organisation",
            org.id,
            None,
            after,
        )
        .await?;
        Ok(org)
    }
}

impl Store {
    pub async fn org(&self, id: i64) -> StoreResult<Organisation> {
        let row =
            sqlx::query("SELECT id, name, kind, parent_id, code FROM organisations WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .ok_or(StoreError::NotFound("organisation"))?;
        org_from(&row)
    }

    pub async fn org_by_name(&self, name: &str) -> StoreResult<Option<Organisation>> {
        let row = sqlx::query("SELECT id, name, kind, parent_id, code FROM organisations WHERE name = $1 ORDER BY id LIMIT 1")
            .bind(name)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(org_from).transpose()
    }

    /// The organisation and its ancestors, nearest first: what scope checks compare against.
    pub async fn org_ancestry(&self, id: i64) -> StoreResult<Vec<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "WITH RECURSIVE up(id, parent_id, depth) AS ( \
               SELECT id, parent_id, 0 FROM organisations WHERE id = $1 \
               UNION ALL \
               SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.parent_id \
             ) SELECT id FROM up ORDER BY depth",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        if ids.is_empty() {
            return Err(StoreError::NotFound("organisation"));
        }
        Ok(ids)
    }

    /// Every organisation, or only those at or below `roots` when given: the caller's scope.
    pub async fn orgs_in_scope(&self, roots: Option<&[i64]>) -> StoreResult<Vec<Organisation>> {
        let rows =
            match roots {
                None => sqlx::query(
                    "SELECT id, name, kind, parent_id, code FROM organisations ORDER BY name, id",
                )
                .fetch_all(self.pool())
                .await?,
                Some([]) => Vec::new(),
                Some(roots) => {
                    // Ids are integers we hold, not user text, so listing them inline is safe.
                    let list = roots
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(",");
                    sqlx::query(&format!(
                        "WITH RECURSIVE down(id) AS ( \
                       SELECT id FROM organisations WHERE id IN ({list}) \
                       UNION \
                       SELECT o.id FROM organisations o JOIN down ON o.parent_id = down.id \
                     ) SELECT id, name, kind, parent_id, code FROM organisations \
                       WHERE id IN (SELECT id FROM down) ORDER BY name, id"
                    ))
                    .fetch_all(self.pool())
                    .await?
                }
            };
        rows.iter().map(org_from).collect()
    }
}
