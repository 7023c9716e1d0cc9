//! Removing what is no longer needed: ended sessions, and sign-in attempts older than anyone
//! needs them (they hold email and network addresses, personal data kept only for the
//! rate limit and a day's investigation).

use crate::auth::sessions_begun_after;
use chrono::{Duration, Utc};
use pathway_domain::time::to_stored;
use pathway_store::{Store, StoreResult};

/// How often each app instance tidies up; several instances doing it is harmless.
const EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);
/// Sign-in attempts are kept this long (the rate limit needs only 15 minutes).
pub const KEEP_SIGN_IN_ATTEMPTS_HOURS: i64 = 24;

/// Tidies once; returns how many sessions and sign-in attempts went.
pub async fn tidy(store: &Store) -> StoreResult<(u64, u64)> {
    let sessions = store
        .delete_expired_sessions(&sessions_begun_after())
        .await?;
    let attempts = store
        .prune_login_attempts(&to_stored(
            Utc::now() - Duration::hours(KEEP_SIGN_IN_ATTEMPTS_HOURS),
        ))
        .await?;
    Ok((sessions, attempts))
}

/// Tidies now and then every [`EVERY`] until the server stops.
pub fn spawn(store: Store) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            ticks.tick().await;
            match tidy(&store).await {
                Ok((sessions, attempts)) => {
                    tracing::debug!(sessions, attempts, "housekeeping removed ended records");
                }
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; will try again"),
            }
        }
    })
}
