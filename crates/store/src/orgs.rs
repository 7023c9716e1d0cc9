//! Organisations and their hierarchy.

use crate::{
    Actor, Changes, ListQuery, Listing, Store, StoreError, StoreResult, Tx, id_list, now, scope_cte,
};
use pathway_domain::identity::{OrgKind, search_text};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    pub parent_id: Option<i64>,
    pub code: Option<String>,
}

/// An organisation as a list shows it, with its parent's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSummary {
    pub org: Organisation,
    pub parent_name: Option<String>,
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

/// A code is unique: another organisation's is a conflict on `code`.
fn code_taken(code: Option<&str>) -> impl FnOnce(sqlx::Error) -> StoreError {
    StoreError::on_unique(
        "code",
        format!(
            "another organisation already has the code {}",
            code.unwrap_or_default()
        ),
    )
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
        self.check_name_free(name, parent.map(|p| p.id), None)
            .await?;
        let row = sqlx::query(
            "INSERT INTO organisations (name, kind, parent_id, code, created_at, search_text) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(name)
        .bind(kind.as_str())
        .bind(parent.map(|p| p.id))
        .bind(code)
        .bind(now())
        .bind(search_text(&[name, code.unwrap_or_default()]))
        .fetch_one(self.conn())
        .await
        .map_err(code_taken(code))?;
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

impl Tx {
    /// Refuses a name another organisation under the same parent has (in any case): people
    /// choose organisations by name when they add users and give roles, and two alike under
    /// one parent could not be told apart.
    async fn check_name_free(
        &mut self,
        name: &str,
        parent: Option<i64>,
        except: Option<i64>,
    ) -> StoreResult<()> {
        // Compared here rather than with the database's LOWER, which on SQLite lower-cases
        // only ASCII: "Ysbyty Ŵyr" and "YSBYTY ŴYR" would pass it as two names.
        let siblings = sqlx::query(
            "SELECT name FROM organisations \
             WHERE COALESCE(parent_id, 0) = COALESCE($1, 0) AND id <> $2",
        )
        .bind(parent)
        .bind(except.unwrap_or(0))
        .fetch_all(self.conn())
        .await?;
        let wanted = name.to_lowercase();
        for r in &siblings {
            if r.try_get::<String, _>("name")?.to_lowercase() == wanted {
                return Err(StoreError::Conflict {
                    field: "name",
                    message: format!(
                        "another organisation in the same place already has the name {name}; give each a name that tells them apart"
                    ),
                });
            }
        }
        Ok(())
    }

    /// Renames an organisation and sets or clears its ODS code, with an audit entry holding
    /// the fields that changed before and after. A code another organisation has is a
    /// conflict on `code`. Returns whether anything changed.
    pub async fn update_org(
        &mut self,
        actor: &Actor,
        org_id: i64,
        name: &str,
        code: Option<&str>,
    ) -> StoreResult<bool> {
        let row = sqlx::query("SELECT name, code, parent_id FROM organisations WHERE id = $1")
            .bind(org_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound("organisation"))?;
        let was_name: String = row.try_get("name")?;
        let parent: Option<i64> = row.try_get("parent_id")?;
        if was_name.to_lowercase() != name.to_lowercase() {
            self.check_name_free(name, parent, Some(org_id)).await?;
        }
        let was_code: Option<String> = row.try_get("code")?;
        let mut changes = Changes::default();
        changes.field("name", was_name.as_str(), name);
        changes.field("code", &was_code.as_deref(), &code);
        if changes.is_empty() {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE organisations SET name = $1, code = $2, search_text = $3 WHERE id = $4",
        )
        .bind(name)
        .bind(code)
        .bind(search_text(&[name, code.unwrap_or_default()]))
        .bind(org_id)
        .execute(self.conn())
        .await
        .map_err(code_taken(code))?;
        let (before, after) = changes.values();
        self.audit(
            actor,
            "organisation.update",
            "organisation",
            org_id,
            before,
            after,
        )
        .await?;
        Ok(true)
    }
}

impl Store {
    /// One page of the organisations at or below `roots` (every one when `None`) whose name
    /// or ODS code contains `search` (any case; empty for all), ordered by name, each with
    /// its parent's name. Filtered, scoped and counted in the database.
    pub async fn orgs_page(
        &self,
        roots: Option<&[i64]>,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Listing<OrgSummary>> {
        let query = ListQuery {
            columns: "o.id AS id, o.name AS name, o.kind AS kind, o.parent_id AS parent_id, \
                      o.code AS code, p.name AS parent_name",
            from: "FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id \
                   WHERE {filter}{scope}",
            filter: "o.search_text LIKE $1 ESCAPE '\\'",
            scope_with: "",
            scoped: " AND o.id IN (SELECT id FROM scope)",
            order: "name, id",
        };
        self.listing(&query, roots, search, (offset, limit), |r| {
            Ok(OrgSummary {
                org: org_from(r)?,
                parent_name: r.try_get("parent_name")?,
            })
        })
        .await
    }

    /// Names of these organisations, by id, to describe audit entries.
    pub async fn org_names(&self, ids: &[i64]) -> StoreResult<HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT id, name FROM organisations WHERE id IN ({})",
            id_list(ids)
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
            .collect()
    }

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
                    sqlx::query(&format!(
                        "{} SELECT id, name, kind, parent_id, code FROM organisations \
                         WHERE id IN (SELECT id FROM scope) ORDER BY name, id",
                        scope_cte(roots)
                    ))
                    .fetch_all(self.pool())
                    .await?
                }
            };
        rows.iter().map(org_from).collect()
    }
}

/// `text` as a `LIKE … ESCAPE '\'` pattern matching itself only, lower-cased.
fn exact_pattern(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Which organisations [`Store::summaries`] reads.
enum Pick {
    /// Those whose name or code is this text, as a `LIKE` pattern matching itself only.
    Named(String),
    Id(i64),
}

impl Store {
    /// The organisations at or below `roots` (every one when `None`) whose name or ODS code
    /// is `text`, in any case, each with its parent's name: what someone who typed a name
    /// or code means. Names are unique only among siblings, so there may be several.
    pub async fn orgs_named(
        &self,
        roots: Option<&[i64]>,
        text: &str,
    ) -> StoreResult<Vec<OrgSummary>> {
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        self.summaries(roots, Pick::Named(exact_pattern(text)))
            .await
    }

    /// The organisation `id` with its parent's name, if it is at or below `roots` (any
    /// when `None`): an id a form sent back, shown again only to those who may see it.
    pub async fn org_in_scope(
        &self,
        roots: Option<&[i64]>,
        id: i64,
    ) -> StoreResult<Option<OrgSummary>> {
        Ok(self
            .summaries(roots, Pick::Id(id))
            .await?
            .into_iter()
            .next())
    }

    async fn summaries(&self, roots: Option<&[i64]>, pick: Pick) -> StoreResult<Vec<OrgSummary>> {
        let (with, scoped) = match roots {
            None => (String::new(), ""),
            Some([]) => return Ok(Vec::new()),
            Some(roots) => (scope_cte(roots), " AND o.id IN (SELECT id FROM scope)"),
        };
        // The search text is the lower-cased name, a line break and the lower-cased code;
        // neither may hold a line break, so these patterns match whole fields only.
        let filter = match pick {
            Pick::Named(_) => {
                "(o.search_text LIKE $1 ESCAPE '\\' OR o.search_text LIKE $2 ESCAPE '\\')"
            }
            Pick::Id(_) => "o.id = $1",
        };
        let sql = format!(
            "{with} SELECT o.id AS id, o.name AS name, o.kind AS kind, o.parent_id AS parent_id, \
             o.code AS code, p.name AS parent_name \
             FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id \
             WHERE {filter}{scoped} ORDER BY o.name, o.id LIMIT 100"
        );
        let query = sqlx::query(&sql);
        let query = match pick {
            Pick::Named(exact) => query
                .bind(format!("{exact}\n%"))
                .bind(format!("%\n{exact}")),
            Pick::Id(id) => query.bind(id),
        };
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                Ok(OrgSummary {
                    org: org_from(r)?,
                    parent_name: r.try_get("parent_name")?,
                })
            })
            .collect()
    }
}
