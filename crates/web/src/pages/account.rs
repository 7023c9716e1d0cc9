//! A signed-in person's own account: who Pathway knows them as, the roles they hold, and
//! changing their password (which they must do first when someone else set it).

use super::forms::Errors;
use crate::accounts::{hash_off_thread, verify_off_thread};
use crate::auth::{CHANGE_PASSWORD_PATH, SignedIn, Visitor};
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{PageCtx, render, uk_date_time};
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};
use pathway_domain::identity::{check_name, check_new_password};
use pathway_domain::time::to_stored;
use serde::Deserialize;
use std::net::SocketAddr;

const ACCOUNT: &str = "/account";
const NAME: &str = "/account/name";
const SESSIONS: &str = "/account/sessions";
/// Wrong current passwords count against the same limit as failed sign-ins, so a stolen
/// session cannot be used to guess the password behind it.
const MAX_FAILURES: i64 = 5;
const WINDOW_MINUTES: i64 = 15;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(ACCOUNT, get(show))
        .route("/account/data", get(data))
        .route(SESSIONS, post(sign_out_elsewhere))
        .route(NAME, get(name_form).post(change_name))
        .route(
            CHANGE_PASSWORD_PATH,
            get(password_form).post(change_password),
        )
}

struct RoleView {
    role: &'static str,
    org: Option<String>,
}

#[derive(Template)]
#[template(path = "account/show.html")]
struct AccountPage {
    ctx: PageCtx,
    name: String,
    email: String,
    roles: Vec<RoleView>,
    /// Where they are signed in: started, last used (UK times), and whether it is this one.
    sessions: Vec<(String, String, bool)>,
    /// What was just changed, for the success banner: its heading and what else to know.
    changed: Option<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ShowQuery {
    changed: Option<String>,
}

/// Ends every other session of the person signed in: for a shared or lost device.
async fn sign_out_elsewhere(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let user = visitor.user(SESSIONS)?;
    let mut tx = state.store.begin().await?;
    let ended = tx
        .sign_out_elsewhere(&user.actor(), user.user_id, user.session_hash())
        .await?;
    tx.commit().await?;
    tracing::info!(user_id = user.user_id, ended, "signed out elsewhere");
    Ok(Redirect::to(&format!("{ACCOUNT}?changed=sessions")).into_response())
}

/// Everything Pathway holds about the person signed in, for them to keep (UK GDPR article 15).
async fn data(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let user = visitor.user("/account/data")?;
    crate::privacy::download(&state, &user.actor(), user.user_id).await
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let user = visitor.user(ACCOUNT)?;
    let roles = state
        .store
        .grants(user.user_id)
        .await?
        .into_iter()
        .map(|g| RoleView {
            role: g.role.label(),
            org: g.org_name,
        })
        .collect();
    let sessions = state
        .store
        .sessions_of(user.user_id, user.session_hash())
        .await?
        .into_iter()
        .map(|(s, current)| {
            (
                uk_date_time(&s.created_at),
                uk_date_time(&s.last_seen_at),
                current,
            )
        })
        .collect();
    Ok(render(&AccountPage {
        ctx: PageCtx::new(&visitor, "Your account", ""),
        name: user.name.clone(),
        email: user.email.clone(),
        roles,
        sessions,
        changed: match q.changed.as_deref() {
            Some("password") => Some((
                "Your password has been changed",
                "You have been signed out everywhere else you were signed in.",
            )),
            Some("name") => Some(("Your name has been changed", "")),
            Some("sessions") => Some((
                "You have been signed out everywhere else",
                "Anyone using your account on another device or browser must sign in again.",
            )),
            _ => None,
        },
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NameForm {
    name: String,
}

#[derive(Template)]
#[template(path = "account/name.html")]
struct NamePage {
    ctx: PageCtx,
    name: String,
    errors: Errors,
}

fn name_page(visitor: &Visitor, name: String, errors: Errors) -> NamePage {
    NamePage {
        ctx: PageCtx::new(visitor, "Change your name", "").with_errors(!errors.is_empty()),
        name,
        errors,
    }
}

async fn name_form(visitor: Visitor) -> Result<Response, AppError> {
    let user = visitor.user(NAME)?;
    Ok(render(&name_page(
        &visitor,
        user.name.clone(),
        Errors::default(),
    )))
}

/// People change their own name (on marriage, say) without asking anyone; their email
/// address is how they sign in and how administrators know them, so only an administrator
/// changes that.
async fn change_name(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<NameForm>,
) -> Result<Response, AppError> {
    let user = visitor.user(NAME)?;
    let name = match check_name(&form.name, "full name") {
        Ok(name) => name,
        Err(e) => {
            let page = name_page(&visitor, form.name, Errors::one("name", e));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    let mut tx = state.store.begin().await?;
    if tx
        .update_user(&user.actor(), user.user_id, &name, None)
        .await?
    {
        tx.commit().await?;
        tracing::info!(user_id = user.user_id, "own name changed");
    }
    Ok(Redirect::to(&format!("{ACCOUNT}?changed=name")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: PageCtx,
    errors: Errors,
    required: bool,
}

fn password_page(visitor: &Visitor, user: &SignedIn, errors: Errors) -> PasswordPage {
    PasswordPage {
        ctx: PageCtx::new(visitor, "Change your password", "").with_errors(!errors.is_empty()),
        errors,
        required: user.must_change_password,
    }
}

async fn password_form(visitor: Visitor) -> Result<Response, AppError> {
    let user = visitor.user(CHANGE_PASSWORD_PATH)?;
    Ok(render(&password_page(&visitor, user, Errors::default())))
}

/// What is wrong with the form before the current password is checked, field by field.
fn check_form(form: &PasswordForm) -> Errors {
    let mut errors = Errors::default();
    if form.current.is_empty() {
        errors.add("current", "Enter your current password");
    }
    if form.new.is_empty() {
        errors.add("new", "Enter a new password");
    } else if let Err(e) = check_new_password(&form.new) {
        errors.add("new", e);
    } else if form.new == form.current {
        errors.add(
            "new",
            "Enter a new password that is different from your current one",
        );
    }
    if form.confirm.is_empty() && !form.new.is_empty() {
        errors.add("confirm", "Enter your new password again");
    } else if !form.new.is_empty() && form.confirm != form.new {
        errors.add(
            "confirm",
            "The passwords do not match: enter the same new password twice",
        );
    }
    errors
}

async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let user = visitor.user(CHANGE_PASSWORD_PATH)?;
    let again = |status: StatusCode, errors: Errors| {
        (status, render(&password_page(&visitor, user, errors))).into_response()
    };
    let errors = check_form(&form);
    if !errors.is_empty() {
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, errors));
    }

    let ip =
        crate::client_ip::client_ip(peer.ip(), &headers, state.config.trusted_proxies).to_string();
    // Counted before the check, as at sign-in, so parallel guesses cannot slip past the limit.
    let attempt = state.store.begin_login_attempt(&user.email, &ip).await?;
    let since = to_stored(Utc::now() - Duration::minutes(WINDOW_MINUTES));
    let (failures, _) = state
        .store
        .failed_logins_since(&user.email, &ip, &since)
        .await?;
    if failures > MAX_FAILURES {
        state.store.forget_login_attempt(attempt).await?;
        return Ok(again(
            StatusCode::TOO_MANY_REQUESTS,
            Errors::one(
                "current",
                format!("Too many wrong passwords. Wait {WINDOW_MINUTES} minutes and try again"),
            ),
        ));
    }
    let Some((_, stored)) = state.store.user_for_sign_in(&user.email).await? else {
        return Err(AppError::Unauthenticated {
            next: CHANGE_PASSWORD_PATH.into(),
        });
    };
    if !verify_off_thread(form.current.clone(), Some(stored)).await? {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            Errors::one("current", "Your current password is not correct"),
        ));
    }
    state.store.mark_login_succeeded(attempt).await?;
    let hash = hash_off_thread(form.new.clone()).await?;

    let mut tx = state.store.begin().await?;
    tx.change_own_password(&user.actor(), user.user_id, &hash, user.session_hash())
        .await?;
    tx.commit().await?;
    tracing::info!(user_id = user.user_id, "password changed");
    // This browser carries on under a new session token; the old one ends with the old password.
    let cookie = crate::auth::start_session(&state, &headers, user.user_id).await?;
    state.store.delete_session(user.session_hash()).await?;
    let mut response = Redirect::to(&format!("{ACCOUNT}?changed=password")).into_response();
    crate::auth::append_cookie(&mut response, &cookie);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(current: &str, new: &str, confirm: &str) -> PasswordForm {
        PasswordForm {
            current: current.into(),
            new: new.into(),
            confirm: confirm.into(),
        }
    }

    fn messages(e: &Errors) -> Vec<(String, String)> {
        e.iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect()
    }

    #[test]
    fn a_complete_form_has_no_errors() {
        assert!(
            check_form(&form(
                "old password!",
                "a brand new passphrase",
                "a brand new passphrase"
            ))
            .is_empty()
        );
    }

    #[test]
    fn each_field_says_what_is_wrong() {
        assert_eq!(
            messages(&check_form(&PasswordForm::default())),
            [
                ("current".into(), "Enter your current password".into()),
                ("new".into(), "Enter a new password".into()),
            ]
        );
        assert_eq!(
            messages(&check_form(&form("x", "short", "short"))),
            [(
                "new".into(),
                "The password must be at least 12 characters long".into()
            )]
        );
        assert_eq!(
            messages(&check_form(&form(
                "same old passphrase",
                "same old passphrase",
                "same old passphrase"
            ))),
            [(
                "new".into(),
                "Enter a new password that is different from your current one".into()
            )]
        );
        assert_eq!(
            messages(&check_form(&form(
                "x",
                "a brand new passphrase",
                "a brand new passfrase"
            ))),
            [(
                "confirm".into(),
                "The passwords do not match: enter the same new password twice".into()
            )]
        );
        assert_eq!(
            messages(&check_form(&form("x", "a brand new passphrase", ""))),
            [("confirm".into(), "Enter your new password again".into())]
        );
    }
}
