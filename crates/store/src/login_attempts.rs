//! Failed sign-ins, counted in the database so the limit holds across app instances.

use crate::{Store, StoreResult, now};

impl Store {
    /// Records a sign-in attempt as failed before the password is checked, so that it counts
    /// against the limits at once; [`Store::mark_login_succeeded`] corrects it if it succeeds.
    pub async fn begin_login_attempt(&self, email: &str, ip: &str) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO login_attempts (email, ip, at, succeeded) VALUES ($1, $2, $3, 0) RETURNING id",
        )
        .bind(email)
        .bind(ip)
        .bind(now())
        .fetch_one(self.pool())
        .await?)
    }

    /// Forgets an attempt refused by the limit before its password was checked: only
    /// checked passwords count, so the lock lifts 15 minutes after the last real guess
    /// however often someone knocks meanwhile.
    pub async fn forget_login_attempt(&self, attempt: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_attempts WHERE id = $1")
            .bind(attempt)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn mark_login_succeeded(&self, attempt: i64) -> StoreResult<()> {
        sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
            .bind(attempt)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Failed attempts since `since` for this account and from this address.
    pub async fn failed_logins_since(
        &self,
        email: &str,
        ip: &str,
        since: &str,
    ) -> StoreResult<(i64, i64)> {
        let by_email: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $2 AND succeeded = 0",
        )
        .bind(email)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        let by_ip: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at > $2 AND succeeded = 0",
        )
        .bind(ip)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok((by_email, by_ip))
    }

    /// Old attempts are only needed for the rate-limit window.
    pub async fn prune_login_attempts(&self, before: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(before)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
