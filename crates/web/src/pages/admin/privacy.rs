//! A person's rights, for platform administrators, who answer for the deployment: download
//! everything Pathway holds about someone (a subject access request), and erase them. Each
//! is recorded in the audit log; erasure keeps the fact of every change and the log's chain.

use super::path_id;
use super::users::ConfirmPage;
use crate::accounts::{generate_password, hash_off_thread};
use crate::auth::{SignedIn, Visitor};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{PageCtx, render};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use pathway_domain::access::Action;
use pathway_store::User;

const LIST: &str = "/admin/users";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users/{id}/data", get(data))
        .route("/admin/users/{id}/erase", get(confirm_erase).post(erase))
}

/// The platform administrator and the person they act on; anyone else is refused.
async fn for_platform_admin<'v>(
    state: &AppState,
    visitor: &'v Visitor,
    raw: &str,
) -> Result<(&'v SignedIn, User), AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], &format!("{LIST}/{raw}"))?;
    if !user.principal.is_platform_admin() {
        tracing::info!(user_id = user.user_id, "refused a privacy request");
        return Err(AppError::Forbidden);
    }
    let shown = state.store.user(path_id(raw, "user")?).await?;
    Ok((user, shown))
}

async fn data(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (user, shown) = for_platform_admin(&state, &visitor, &raw).await?;
    tracing::info!(
        user_id = shown.id,
        by = user.user_id,
        "subject access export"
    );
    crate::privacy::download(&state, &user.actor(), shown.id).await
}

/// [`for_platform_admin`], for someone other than the administrator: erasing oneself would
/// leave the deployment to whoever is left, so another administrator does it, or the CLI.
async fn erasable<'v>(
    state: &AppState,
    visitor: &'v Visitor,
    raw: &str,
) -> Result<(&'v SignedIn, User), AppError> {
    let (user, shown) = for_platform_admin(state, visitor, raw).await?;
    if shown.id == user.user_id {
        return Err(AppError::BadRequest(
            "You cannot erase your own account. Ask another platform administrator, or use pathway user erase".into(),
        ));
    }
    Ok((user, shown))
}

async fn confirm_erase(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (_, shown) = erasable(&state, &visitor, &raw).await?;
    let doing = format!("erase {}", shown.name);
    Ok(render(&ConfirmPage {
        ctx: PageCtx::new(&visitor, crate::pages::forms::sentence(&doing), "admin"),
        heading: format!("Are you sure you want to {doing}?"),
        consequence: "Their name and email address will be replaced, they will never be able to sign in again, and their roles, sessions and sign-in attempts will be deleted. The audit log keeps the fact of each change they made or that is about them, without their details. This cannot be undone: if they asked for their data, download it first.".to_owned(),
        action: format!("{LIST}/{}/erase", shown.id),
        button: "Erase this person",
        cancel: format!("{LIST}/{}", shown.id),
    }))
}

async fn erase(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (user, shown) = erasable(&state, &visitor, &raw).await?;
    // A hash of a secret nobody holds: the account can never be signed in to.
    let unusable = hash_off_thread(generate_password()).await?;
    let mut tx = state.store.begin().await?;
    let done = tx.erase_user(&user.actor(), shown.id, &unusable).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = shown.id,
        by = user.user_id,
        audit_entries = done.audit.erased,
        "person erased"
    );
    Ok(Redirect::to(&format!("{LIST}/{}", shown.id)).into_response())
}
