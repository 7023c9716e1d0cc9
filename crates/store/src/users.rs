//! Users and the roles they hold.

use crate::{Actor, Changes, ListQuery, Listing, Store, StoreError, StoreResult, Tx, id_list, now};
use pathway_domain::access::{Grant, Principal};
use pathway_domain::identity::{Email, Role, search_text};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    /// Someone else set their password: they must choose their own before anything else.
    pub must_change_password: bool,
    pub created_at: String,
}

/// A role grant with the organisation's name, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRow {
    pub id: i64,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
}

pub(crate) fn user_from(row: &sqlx::any::AnyRow) -> StoreResult<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) const USER_COLUMNS: &str = "id, email, name, disabled, must_change_password, created_at";

fn grant_json(user_id: i64, role: &str, org_id: Option<i64>) -> serde_json::Value {
    json!({"user_id": user_id, "role": role, "org_id": org_id})
}

/// A role grant with its organisation's name; [`grant_from`] reads a row of it.
pub(crate) const GRANTS: &str = "SELECT g.user_id, g.id, g.role, g.org_id, o.name AS org_name FROM role_grants g \
     LEFT JOIN organisations o ON o.id = g.org_id";

pub(crate) fn grant_from(r: &sqlx::any::AnyRow) -> StoreResult<GrantRow> {
    let role: String = r.try_get("role")?;
    Ok(GrantRow {
        id: r.try_get("id")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::corrupt(format!("role {role}")))?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
    })
}

impl Tx {
    /// Adds a user, with its audit entry (never the password or its hash). With
    /// `must_change_password` (someone else chose the password) they must choose their own
    /// when they first sign in.
    pub async fn create_user(
        &mut self,
        actor: &Actor,
        email: &Email,
        name: &str,
        password_hash: &str,
        must_change_password: bool,
    ) -> StoreResult<User> {
        let created_at = now();
        let row = sqlx::query(
            "INSERT INTO users (email, name, password_hash, disabled, must_change_password, created_at, search_text) \
             VALUES ($1, $2, $3, 0, $4, $5, $6) RETURNING id",
        )
        .bind(email.as_str())
        .bind(name)
        .bind(password_hash)
        .bind(i64::from(must_change_password))
        .bind(&created_at)
        .bind(search_text(&[name, email.as_str()]))
        .fetch_one(self.conn())
        .await
        .map_err(StoreError::on_unique(
            "email",
            format!("a user with the email address {email} already exists"),
        ))?;
        let user = User {
            id: row.try_get("id")?,
            email: email.to_string(),
            name: name.to_owned(),
            disabled: false,
            must_change_password,
            created_at,
        };
        let after = json!({"id": user.id, "email": user.email, "name": user.name,
            "must_change_password": must_change_password});
        self.audit(actor, "user.create", "user", user.id, None, Some(after))
            .await?;
        Ok(user)
    }

    /// Sets a password someone other than its owner chose (an administrator's reset, the CLI,
    /// demo data). Every session of the user ends, so a stolen session dies with the old
    /// password; with `must_change` they must choose their own password at next sign-in.
    /// The audit entry holds no hash.
    pub async fn reset_password(
        &mut self,
        actor: &Actor,
        user_id: i64,
        hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
        )
        .bind(hash)
        .bind(i64::from(must_change))
        .bind(user_id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        self.end_sessions(user_id, None).await?;
        let after = json!({"must_change_password": must_change});
        self.audit(
            actor,
            "user.password_reset",
            "user",
            user_id,
            None,
            Some(after),
        )
        .await
    }

    /// The owner replaces their own password: the session they used stays, every other
    /// session of theirs ends.
    pub async fn change_own_password(
        &mut self,
        actor: &Actor,
        user_id: i64,
        hash: &str,
        keep_session_hash: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(self.conn())
            .await?;
        self.end_sessions(user_id, Some(keep_session_hash)).await?;
        self.audit(actor, "user.password_change", "user", user_id, None, None)
            .await
    }

    /// Disables or enables an account. A disabled user cannot sign in and their sessions end
    /// at once; nothing about them is deleted. Returns whether anything changed (disabling a
    /// disabled account is not a second change, and writes no audit entry).
    pub async fn set_disabled(
        &mut self,
        actor: &Actor,
        user_id: i64,
        disabled: bool,
    ) -> StoreResult<bool> {
        let was: i64 = sqlx::query_scalar("SELECT disabled FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        if (was != 0) == disabled {
            return Ok(false);
        }
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(self.conn())
            .await?;
        if disabled {
            self.end_sessions(user_id, None).await?;
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.audit(
            actor,
            action,
            "user",
            user_id,
            Some(json!({"disabled": was != 0})),
            Some(json!({"disabled": disabled})),
        )
        .await?;
        Ok(true)
    }

    /// Changes a user's name and, when given, email address, with an audit entry holding
    /// the fields that changed before and after. Email addresses stay unique whatever their
    /// case: one taken by someone else is a conflict on `email`. Returns whether anything
    /// changed (saving the same details writes no audit entry). A new address ends the
    /// user's sessions.
    pub async fn update_user(
        &mut self,
        actor: &Actor,
        user_id: i64,
        name: &str,
        email: Option<&Email>,
    ) -> StoreResult<bool> {
        let row = sqlx::query("SELECT name, email FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        let was_name: String = row.try_get("name")?;
        let was_email: String = row.try_get("email")?;
        let email = email.map_or(was_email.as_str(), Email::as_str);
        let mut changes = Changes::default();
        changes.field("name", was_name.as_str(), name);
        changes.field("email", was_email.as_str(), email);
        let taken = format!("another user already has the email address {email}");
        if changes.has("email") {
            // The column is unique as stored; this also catches addresses stored before
            // every address was lower-cased.
            let clash: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM users WHERE LOWER(email) = LOWER($1) AND id <> $2",
            )
            .bind(email)
            .bind(user_id)
            .fetch_optional(self.conn())
            .await?;
            if clash.is_some() {
                return Err(StoreError::Conflict {
                    field: "email",
                    message: taken,
                });
            }
        }
        if changes.is_empty() {
            return Ok(false);
        }
        sqlx::query("UPDATE users SET name = $1, email = $2, search_text = $3 WHERE id = $4")
            .bind(name)
            .bind(email)
            .bind(search_text(&[name, email]))
            .bind(user_id)
            .execute(self.conn())
            .await
            .map_err(StoreError::on_unique("email", taken))?;
        if changes.has("email") {
            // Whoever is signed in as the account now answers to another address: they sign
            // in again with it, as after a password reset.
            self.end_sessions(user_id, None).await?;
        }
        let (before, after) = changes.values();
        self.audit(actor, "user.update", "user", user_id, before, after)
            .await?;
        Ok(true)
    }

    /// The ids of a user's role grants, in order, as this transaction sees them: an action
    /// checked against the grants read before it began can see whether they are still so.
    pub async fn grant_ids(&mut self, user_id: i64) -> StoreResult<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM role_grants WHERE user_id = $1 ORDER BY id")
                .bind(user_id)
                .fetch_all(self.conn())
                .await?,
        )
    }

    /// Ends a user's sessions, except the one whose token hash is `keep`.
    async fn end_sessions(&mut self, user_id: i64, keep: Option<&str>) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or_default())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Grants a role, recording who granted it, with its audit entry; granting one already
    /// held is a conflict, so callers can say so.
    pub async fn grant_role(
        &mut self,
        actor: &Actor,
        user_id: i64,
        role: Role,
        org_id: Option<i64>,
    ) -> StoreResult<i64> {
        // UNIQUE treats NULL organisations as distinct, so global grants are checked here.
        let existing: Option<i64> = match org_id {
            Some(org) => {
                sqlx::query_scalar(
                    "SELECT id FROM role_grants WHERE user_id = $1 AND role = $2 AND org_id = $3",
                )
                .bind(user_id)
                .bind(role.as_str())
                .bind(org)
                .fetch_optional(self.conn())
                .await?
            }
            None => sqlx::query_scalar(
                "SELECT id FROM role_grants WHERE user_id = $1 AND role = $2 AND org_id IS NULL",
            )
            .bind(user_id)
            .bind(role.as_str())
            .fetch_optional(self.conn())
            .await?,
        };
        if existing.is_some() {
            return Err(StoreError::Conflict {
                field: "role",
                message: format!(
                    "the user already holds the role {} there",
                    role.label().to_lowercase()
                ),
            });
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO role_grants (user_id, org_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(org_id)
        .bind(role.as_str())
        .bind(now())
        .bind(actor.user_id)
        .fetch_one(self.conn())
        .await?;
        let after = grant_json(user_id, role.as_str(), org_id);
        self.audit(actor, "role.grant", "user", user_id, None, Some(after))
            .await?;
        Ok(id)
    }

    /// Removes a role grant, with its audit entry.
    pub async fn revoke_grant(&mut self, actor: &Actor, grant_id: i64) -> StoreResult<()> {
        let row =
            sqlx::query("DELETE FROM role_grants WHERE id = $1 RETURNING user_id, role, org_id")
                .bind(grant_id)
                .fetch_optional(self.conn())
                .await?
                .ok_or(StoreError::NotFound("role grant"))?;
        let user_id: i64 = row.try_get("user_id")?;
        let role: String = row.try_get("role")?;
        let before = grant_json(user_id, &role, row.try_get("org_id")?);
        self.audit(actor, "role.revoke", "user", user_id, Some(before), None)
            .await
    }
}

impl Store {
    pub async fn user(&self, id: i64) -> StoreResult<User> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user_from(&row)
    }

    pub async fn user_by_email(&self, email: &Email) -> StoreResult<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// The user and their stored password hash, for signing in.
    pub async fn user_for_sign_in(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok((user_from(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn grants(&self, user_id: i64) -> StoreResult<Vec<GrantRow>> {
        let rows = sqlx::query(&format!("{GRANTS} WHERE g.user_id = $1 ORDER BY g.id"))
            .bind(user_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(grant_from).collect()
    }

    /// [`Store::grants`] of several users in one query, for a list of them.
    pub async fn grants_of(&self, user_ids: &[i64]) -> StoreResult<HashMap<i64, Vec<GrantRow>>> {
        let mut out: HashMap<i64, Vec<GrantRow>> = HashMap::new();
        if user_ids.is_empty() {
            return Ok(out);
        }
        let rows = sqlx::query(&format!(
            "{GRANTS} WHERE g.user_id IN ({}) ORDER BY g.id",
            id_list(user_ids)
        ))
        .fetch_all(self.pool())
        .await?;
        for r in &rows {
            out.entry(r.try_get("user_id")?)
                .or_default()
                .push(grant_from(r)?);
        }
        Ok(out)
    }

    pub async fn principal(&self, user_id: i64) -> StoreResult<Principal> {
        let grants = self
            .grants(user_id)
            .await?
            .into_iter()
            .map(|g| Grant {
                role: g.role,
                org: g.org_id,
            })
            .collect();
        Ok(Principal { user_id, grants })
    }

    /// Users holding any role at an organisation in `orgs`, or every user when `None`.
    pub async fn users_in(&self, orgs: Option<&[i64]>) -> StoreResult<Vec<User>> {
        let rows = match orgs {
            None => {
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
                ))
                .fetch_all(self.pool())
                .await?
            }
            Some([]) => Vec::new(),
            Some(orgs) => {
                let list = id_list(orgs);
                sqlx::query(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE id IN \
                     (SELECT user_id FROM role_grants WHERE org_id IN ({list})) ORDER BY name, id"
                ))
                .fetch_all(self.pool())
                .await?
            }
        };
        rows.iter().map(user_from).collect()
    }

    /// One page of the users an administrator may see, whose name or email address
    /// contains `search` (any case; empty for everyone), ordered by name: everyone when
    /// `roots` is `None`, else those holding a role at or below one of `roots`. Filtering,
    /// scoping and counting happen in the database, so no page loads every user.
    pub async fn users_page(
        &self,
        roots: Option<&[i64]>,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> StoreResult<Listing<User>> {
        // The scope's members are gathered first (materialised), so the database looks up
        // each of them rather than walking every user in name order to test each one, which
        // PostgreSQL chose for small scopes, reading the whole nation to list one team.
        let query = ListQuery {
            columns: USER_COLUMNS,
            from: "FROM users WHERE {filter}{scope}",
            filter: "search_text LIKE $1 ESCAPE '\\'",
            scope_with: ", members(id) AS MATERIALIZED \
                 (SELECT DISTINCT user_id FROM role_grants WHERE org_id IN (SELECT id FROM scope))",
            scoped: " AND id IN (SELECT id FROM members)",
            order: "name, id",
        };
        self.listing(&query, roots, search, (offset, limit), user_from)
            .await
    }

    /// Names and email addresses of these users, by id, to describe audit entries; ids
    /// that name nobody are left out.
    pub async fn user_labels(&self, ids: &[i64]) -> StoreResult<HashMap<i64, (String, String)>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT id, name, email FROM users WHERE id IN ({})",
            id_list(ids)
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, (r.try_get("name")?, r.try_get("email")?))))
            .collect()
    }

    pub async fn count_users(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?)
    }
}
