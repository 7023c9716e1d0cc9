//! A person's data as they, or whoever answers their subject access request, receive it:
//! the same JSON from "Your account", an administrator's page and `pathway user export`.

use pathway_store::SubjectAccess;
use serde_json::{Value, json};

/// What the export says it is.
const ABOUT: &str = "Everything Pathway holds about this person: their account, roles, \
sessions, sign-in attempts with their email address, and every audit log entry they made or \
that is about them. Passwords and session tokens are secrets, not information about anyone: \
they are never exported.";

/// `held` as the JSON document a person receives; `exported_at` is a stored UTC time.
pub fn subject_access_json(held: &SubjectAccess, exported_at: &str) -> Value {
    let u = &held.user;
    json!({
        "about": ABOUT,
        "exported_at": exported_at,
        "person": {
            "id": u.id,
            "name": u.name,
            "email": u.email,
            "created_at": u.created_at,
            "disabled": u.disabled,
            "must_change_password": u.must_change_password,
        },
        "roles": held.roles.iter().map(|g| json!({
            "role": g.role.as_str(),
            "role_name": g.role.label(),
            "organisation_id": g.org_id,
            "organisation": g.org_name,
        })).collect::<Vec<_>>(),
        "sessions": held.sessions,
        "sign_in_attempts": held.sign_in_attempts,
        "audit_log": held.audit.iter().map(|e| json!({
            "seq": e.seq,
            "at": e.at,
            "action": e.action,
            "actor": e.actor,
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            // Stored as JSON text: given back as JSON, so it reads as what was recorded.
            "before": recorded(e.before.as_deref()),
            "after": recorded(e.after.as_deref()),
            "erased_at": e.erased_at,
        })).collect::<Vec<_>>(),
    })
}

fn recorded(text: Option<&str>) -> Value {
    text.map(|t| serde_json::from_str(t).unwrap_or_else(|_| Value::String(t.to_owned())))
        .unwrap_or(Value::Null)
}

/// A file name for a person's export: `pathway-data-<id>.json`.
pub fn file_name(user_id: i64) -> String {
    format!("pathway-data-{user_id}.json")
}

/// Everything held about `user_id` as a JSON file to download, its giving out recorded in
/// the audit log with who asked.
pub async fn download(
    state: &crate::state::AppState,
    actor: &pathway_store::Actor,
    user_id: i64,
) -> Result<axum::response::Response, crate::error::AppError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let held = state.store.subject_access(user_id).await?;
    let at = pathway_domain::time::to_stored(chrono::Utc::now());
    let body = serde_json::to_vec_pretty(&subject_access_json(&held, &at))
        .map_err(|e| crate::error::AppError::Internal(format!("export JSON: {e}")))?;
    let mut tx = state.store.begin().await?;
    tx.record_subject_access(actor, user_id).await?;
    tx.commit().await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file_name(user_id)),
            ),
            // Personal data: never kept by a browser's or a proxy's cache.
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
