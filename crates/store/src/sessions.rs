//! Sessions live in the database so any app instance can serve any request.
//! Only a hash of the session token is stored: a copy of the database cannot sign anyone in.

use crate::{Store, StoreResult, now};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub csrf_token: String,
    pub expires_at: String,
    pub last_seen_at: String,
    pub must_change_password: bool,
}

impl Store {
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: &str,
    ) -> StoreResult<()> {
        let at = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(&at)
        .bind(expires_at)
        .bind(&at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A live session of an enabled user: not idle past its expiry, and begun after
    /// `created_after` (the absolute limit on a session's life, however busy).
    pub async fn session(
        &self,
        token_hash: &str,
        created_after: &str,
    ) -> StoreResult<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT s.user_id, u.email, u.name, s.csrf_token, s.expires_at, s.last_seen_at, u.must_change_password \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.created_at > $3 AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now())
        .bind(created_after)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                user_id: r.try_get("user_id")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
                last_seen_at: r.try_get("last_seen_at")?,
                must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
            })
        })
        .transpose()
    }

    /// Slides an idle session's expiry forward.
    pub async fn touch_session(&self, token_hash: &str, expires_at: &str) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now())
            .bind(expires_at)
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Removes sessions idle past their expiry or begun before `created_before`.
    pub async fn delete_expired_sessions(&self, created_before: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR created_at <= $2")
            .bind(now())
            .bind(created_before)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
