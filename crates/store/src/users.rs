//! Users and the roles they hold.

use crate::{Actor, Store, StoreError, StoreResult, Tx, now};
use pathway_domain::access::{Grant, Principal};
use pathway_domain::identity::{Email, Role};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub disabled: bool,
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

fn user_from(row: &sqlx::any::AnyRow) -> StoreResult<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

const USER_COLUMNS: &str = "id, email, name, disabled, created_at";

fn grant_json(user_id: i64, role: &str, org_id: Option<i64>) -> serde_json::Value {
    json!({"user_id": user_id, "role": role, "org_id": org_id})
}

impl Tx {
    /// Adds a user, with its audit entry (never the password or its hash).
    pub async fn create_user(
        &mut self,
        actor: &Actor,
        email: &Email,
        name: &str,
        password_hash: &str,
    ) -> StoreResult<User> {
        let created_at = now();
        let row = sqlx::query(
            "INSERT INTO users (email, name, password_hash, disabled, created_at) VALUES ($1, $2, $3, 0, $4) RETURNING id",
        )
        .bind(email.as_str())
        .bind(name)
        .bind(password_hash)
        .bind(&created_at)
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
            created_at,
        };
        let after = json!({"id": user.id, "email": user.email, "name": user.name});
        self.audit(actor, "user.create", "user", user.id, None, Some(after))
            .await?;
        Ok(user)
    }

    /// Replaces a user's password hash, with its audit entry (which holds no hash).
    pub async fn set_password_hash(
        &mut self,
        actor: &Actor,
        user_id: i64,
        hash: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(self.conn())
            .await?;
        self.audit(actor, "user.password_reset", "user", user_id, None, None)
            .await
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
        let rows = sqlx::query(
            "SELECT g.id, g.role, g.org_id, o.name AS org_name FROM role_grants g \
             LEFT JOIN organisations o ON o.id = g.org_id WHERE g.user_id = $1 ORDER BY g.id",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("role")?;
                Ok(GrantRow {
                    id: r.try_get("id")?,
                    role: Role::parse(&role)
                        .ok_or_else(|| StoreError::corrupt(format!("role {role}")))?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("org_name")?,
                })
            })
            .collect()
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
                // Ids are integers we loaded, not user text.
                let list = orgs
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
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

    pub async fn count_users(&self) -> StoreResult<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(self.pool())
            .await?)
    }
}
