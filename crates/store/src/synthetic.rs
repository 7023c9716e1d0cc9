//! Writing the synthetic national data set ([`pathway_domain::synthetic`]) in bulk: a
//! hundred thousand people and their roles in seconds, on either database.

use crate::{Actor, Backend, Store, StoreError, StoreResult, Tx, now};
use pathway_domain::identity::search_text;
use pathway_domain::synthetic::{Params, Plan};
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

/// Rows per multi-row `INSERT`: enough that round trips to PostgreSQL stop mattering, and
/// few enough for SQLite, whose driver looks each `$N` up among all of a statement's
/// parameters (time grows with their square: at scale 1, 1,000 rows a statement took 5.7 s in all,
/// 100 rows 2.5 s).
const ROWS_PER_INSERT: usize = 100;

/// What a load wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    pub organisations: usize,
    pub users: usize,
    pub grants: usize,
}

impl Tx {
    /// Writes `plan` into an empty database: every organisation, user and role grant, each
    /// user with `password_hash` (one password for the whole synthetic workforce, chosen by
    /// whoever generates it, so nobody must change it at first sign-in). One audit entry
    /// records the load and what it wrote rather than one per record: the data set is made
    /// up, and a national chain of 200,000 entries would only slow every later check.
    ///
    /// A database that already holds organisations or users is refused: made-up people
    /// must never mix with real ones.
    pub async fn load_synthetic(
        &mut self,
        actor: &Actor,
        params: Params,
        plan: &Plan,
        password_hash: &str,
    ) -> StoreResult<Loaded> {
        let existing: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM organisations) + (SELECT COUNT(*) FROM users)",
        )
        .fetch_one(self.conn())
        .await?;
        if existing > 0 {
            return Err(StoreError::Conflict {
                field: "database",
                message: "this database already holds organisations or users; the synthetic \
                          national data set goes only into a new, empty database (give a new \
                          --data-dir or --database-url)"
                    .to_owned(),
            });
        }
        let created_at = now();
        let org_ids = self.insert_orgs(plan, &created_at).await?;
        self.insert_users(plan, password_hash, &created_at).await?;
        let user_ids: HashMap<String, i64> = sqlx::query("SELECT id, email FROM users")
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("email")?, r.try_get("id")?)))
            .collect::<StoreResult<_>>()?;
        let grants = self
            .insert_grants(plan, &org_ids, &user_ids, &created_at)
            .await?;
        let loaded = Loaded {
            organisations: org_ids.len(),
            users: plan.users.len(),
            grants,
        };
        self.audit(
            actor,
            "dataset.generate",
            "dataset",
            "synthetic-national",
            None,
            Some(json!({
                "scale": params.scale,
                "seed": params.seed,
                "organisations": loaded.organisations,
                "users": loaded.users,
                "grants": loaded.grants,
            })),
        )
        .await?;
        Ok(loaded)
    }

    /// One at a time, parents first, each learning its parent's new id: a few thousand rows.
    async fn insert_orgs(&mut self, plan: &Plan, created_at: &str) -> StoreResult<Vec<i64>> {
        let mut ids: Vec<i64> = Vec::with_capacity(plan.orgs.len());
        for org in &plan.orgs {
            let parent = org.parent.map(|p| ids[p]);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO organisations (name, kind, parent_id, code, created_at, search_text) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&org.name)
            .bind(org.kind.as_str())
            .bind(parent)
            .bind(&org.code)
            .bind(created_at)
            .bind(search_text(&[&org.name, &org.code]))
            .fetch_one(self.conn())
            .await?;
            ids.push(id);
        }
        Ok(ids)
    }

    async fn insert_users(
        &mut self,
        plan: &Plan,
        password_hash: &str,
        created_at: &str,
    ) -> StoreResult<()> {
        for chunk in plan.users.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO users (email, name, password_hash, disabled, must_change_password, \
                 created_at, search_text) VALUES {}",
                placeholders(chunk.len(), 5, |p| format!(
                    "({}, {}, {}, 0, 0, {}, {})",
                    p[0], p[1], p[2], p[3], p[4]
                ))
            );
            let mut query = sqlx::query(&sql);
            for user in chunk {
                query = query
                    .bind(&user.email)
                    .bind(&user.name)
                    .bind(password_hash)
                    .bind(created_at)
                    .bind(search_text(&[&user.name, &user.email]));
            }
            query.execute(self.conn()).await?;
        }
        Ok(())
    }

    async fn insert_grants(
        &mut self,
        plan: &Plan,
        org_ids: &[i64],
        user_ids: &HashMap<String, i64>,
        created_at: &str,
    ) -> StoreResult<usize> {
        let grants: Vec<(i64, Option<i64>, &str)> = plan
            .users
            .iter()
            .flat_map(|u| {
                let user_id = user_ids[&u.email];
                u.grants
                    .iter()
                    .map(move |(role, org)| (user_id, org.map(|o| org_ids[o]), role.as_str()))
            })
            .collect();
        for chunk in grants.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO role_grants (user_id, org_id, role, granted_at) VALUES {}",
                placeholders(chunk.len(), 4, |p| format!(
                    "({}, {}, {}, {})",
                    p[0], p[1], p[2], p[3]
                ))
            );
            let mut query = sqlx::query(&sql);
            for (user_id, org_id, role) in chunk {
                query = query
                    .bind(*user_id)
                    .bind(*org_id)
                    .bind(*role)
                    .bind(created_at);
            }
            query.execute(self.conn()).await?;
        }
        Ok(grants.len())
    }
}

impl Store {
    /// Brings the query planner's statistics up to date after a bulk load, so the first
    /// requests are planned for the tables as they now are, not as they were when empty
    /// (PostgreSQL's autovacuum would get there, minutes later; SQLite never does by itself).
    /// PostgreSQL also marks the new rows visible to all, which index-only scans need.
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        let sql = match self.backend() {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM (ANALYZE)",
        };
        sqlx::query(sql).execute(self.pool()).await?;
        Ok(())
    }
}

/// `rows` groups of `per_row` numbered placeholders (`$1`, `$2`, …), each group written by
/// `row`, joined by commas.
fn placeholders(rows: usize, per_row: usize, row: impl Fn(&[String]) -> String) -> String {
    (0..rows)
        .map(|r| {
            let numbers: Vec<String> = (1..=per_row)
                .map(|c| format!("${}", r * per_row + c))
                .collect();
            row(&numbers)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_number_every_value_once_in_order() {
        let sql = super::placeholders(2, 2, |p| format!("({}, {})", p[0], p[1]));
        assert_eq!(sql, "($1, $2), ($3, $4)");
    }
}
