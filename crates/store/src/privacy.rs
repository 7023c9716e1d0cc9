//! A person's rights over what Pathway holds about them (UK GDPR articles 15 and 17): all of
//! it, gathered for a subject access request; and erasure, which removes it while keeping
//! the fact of every change in the audit log and the log's chain whole.

use crate::audit::{AuditErasure, entry_from};
use crate::users::{GRANTS, USER_COLUMNS, grant_from, user_from};
use crate::{Actor, GrantRow, Store, StoreError, StoreResult, Tx, User};
use pathway_domain::audit::AuditEntry;
use pathway_domain::identity::search_text;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

/// Everything Pathway holds about one person. Never their password's hash nor a session's
/// token: those are secrets, not information about them.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectAccess {
    pub user: User,
    pub roles: Vec<GrantRow>,
    pub sessions: Vec<SessionTimes>,
    pub sign_in_attempts: Vec<SignInAttempt>,
    /// Entries they made, and entries about them, oldest first.
    pub audit: Vec<AuditEntry>,
}

/// When a session began, was last used and ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionTimes {
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

/// A sign-in attempt with their email address, kept for rate limiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignInAttempt {
    pub at: String,
    /// The address the attempt came from.
    pub address: String,
    pub succeeded: bool,
}

/// What erasing a person removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserErasure {
    pub roles_removed: u64,
    pub sessions_ended: u64,
    pub sign_in_attempts_removed: u64,
    pub audit: AuditErasure,
}

impl Store {
    /// Everything held about the user `user_id`, for them or for whoever answers their
    /// subject access request.
    pub async fn subject_access(&self, user_id: i64) -> StoreResult<SubjectAccess> {
        let user = self.user(user_id).await?;
        let roles = self.grants(user_id).await?;
        let sessions = sqlx::query(
            "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 \
             ORDER BY created_at",
        )
        .bind(user_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SessionTimes {
                created_at: r.try_get("created_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect::<StoreResult<_>>()?;
        let sign_in_attempts = sqlx::query(
            "SELECT at, ip, succeeded FROM login_attempts WHERE email = $1 ORDER BY at, id",
        )
        .bind(&user.email)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(SignInAttempt {
                at: r.try_get("at")?,
                address: r.try_get("ip")?,
                succeeded: r.try_get::<i64, _>("succeeded")? != 0,
            })
        })
        .collect::<StoreResult<_>>()?;
        let audit = sqlx::query(&format!(
            "SELECT {} FROM audit_log WHERE actor_user_id = $1 \
             OR (subject_type = 'user' AND subject_id = $2) ORDER BY seq",
            crate::audit::COLUMNS
        ))
        .bind(user_id)
        .bind(user_id.to_string())
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(entry_from)
        .collect::<StoreResult<_>>()?;
        Ok(SubjectAccess {
            user,
            roles,
            sessions,
            sign_in_attempts,
            audit,
        })
    }
}

impl Store {
    /// The user's sessions, oldest first, each saying whether it is the one whose token hash
    /// is `current`: where they are signed in, for them to see.
    pub async fn sessions_of(
        &self,
        user_id: i64,
        current: &str,
    ) -> StoreResult<Vec<(SessionTimes, bool)>> {
        sqlx::query(
            "SELECT created_at, last_seen_at, expires_at, \
             CASE WHEN token_hash = $2 THEN 1 ELSE 0 END AS current FROM sessions \
             WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(user_id)
        .bind(current)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                SessionTimes {
                    created_at: r.try_get("created_at")?,
                    last_seen_at: r.try_get("last_seen_at")?,
                    expires_at: r.try_get("expires_at")?,
                },
                r.try_get::<i64, _>("current")? != 0,
            ))
        })
        .collect()
    }
}

impl Tx {
    /// Records that what is held about `user_id` was given out, and by whom.
    pub async fn record_subject_access(&mut self, actor: &Actor, user_id: i64) -> StoreResult<()> {
        self.audit(actor, "user.export", "user", user_id, None, None)
            .await
    }

    /// Ends every session of the user but the one whose token hash is `keep`, with an audit
    /// entry saying how many ended (none when there were none). Returns how many.
    pub async fn sign_out_elsewhere(
        &mut self,
        actor: &Actor,
        user_id: i64,
        keep: &str,
    ) -> StoreResult<u64> {
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(self.conn())
            .await?
            .rows_affected();
        if ended > 0 {
            self.audit(
                actor,
                "user.sign_out_elsewhere",
                "user",
                user_id,
                None,
                Some(json!({"sessions_ended": ended})),
            )
            .await?;
        }
        Ok(ended)
    }

    /// Erases a person: their name and email address are replaced, their account can never
    /// be signed in to (`unusable_hash` is a hash of a secret nobody holds), their roles,
    /// sessions and sign-in attempts are deleted, and the personal content of every audit
    /// entry they made or that is about them is removed, the fact of each change kept.
    /// The last enabled platform administrator cannot be erased, so Pathway always has one.
    pub async fn erase_user(
        &mut self,
        actor: &Actor,
        user_id: i64,
        unusable_hash: &str,
    ) -> StoreResult<UserErasure> {
        let user = user_from(
            &sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
                .bind(user_id)
                .fetch_optional(self.conn())
                .await?
                .ok_or(StoreError::NotFound("user"))?,
        )?;
        let roles: Vec<GrantRow> = sqlx::query(&format!("{GRANTS} WHERE g.user_id = $1"))
            .bind(user_id)
            .fetch_all(self.conn())
            .await?
            .iter()
            .map(grant_from)
            .collect::<StoreResult<_>>()?;
        if roles
            .iter()
            .any(|g| g.role == pathway_domain::identity::Role::PlatformAdmin)
        {
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id \
                 WHERE g.role = 'platform_admin' AND u.disabled = 0 AND u.id <> $1",
            )
            .bind(user_id)
            .fetch_one(self.conn())
            .await?;
            if others == 0 {
                return Err(StoreError::Conflict {
                    field: "user",
                    message: format!(
                        "{} is the only platform administrator; make someone else one before erasing them",
                        user.name
                    ),
                });
            }
        }
        let name = format!("Erased person {user_id}");
        let email = format!("erased-{user_id}@erased.invalid");
        sqlx::query(
            "UPDATE users SET name = $1, email = $2, password_hash = $3, disabled = 1, \
             must_change_password = 0, search_text = $4 WHERE id = $5",
        )
        .bind(&name)
        .bind(&email)
        .bind(unusable_hash)
        .bind(search_text(&[&name, &email]))
        .bind(user_id)
        .execute(self.conn())
        .await?;
        let roles_removed = sqlx::query("DELETE FROM role_grants WHERE user_id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await?
            .rows_affected();
        let sessions_ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await?
            .rows_affected();
        let sign_in_attempts_removed = sqlx::query("DELETE FROM login_attempts WHERE email = $1")
            .bind(&user.email)
            .execute(self.conn())
            .await?
            .rows_affected();
        let mut details = serde_json::Map::new();
        details.insert("account".into(), json!("erased"));
        details.insert("roles_removed".into(), roles_removed.into());
        details.insert("sessions_ended".into(), sessions_ended.into());
        details.insert(
            "sign_in_attempts_removed".into(),
            sign_in_attempts_removed.into(),
        );
        let audit = self.erase_from_audit(actor, user_id, details).await?;
        Ok(UserErasure {
            roles_removed,
            sessions_ended,
            sign_in_attempts_removed,
            audit,
        })
    }
}
