//! Signing in and out.

use super::{SESSION_COOKIE, Visitor, append_cookie, cookies};
use crate::accounts::verify_off_thread;
use crate::error::AppError;
use crate::pages::forms::Errors;
use crate::state::AppState;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Duration, Utc};
use pathway_domain::time::to_stored;
use serde::Deserialize;
use std::net::SocketAddr;

/// Failed attempts allowed in the window, per account and per address.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 20;
const WINDOW_MINUTES: i64 = 15;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(show).post(submit))
        .route("/sign-out", post(sign_out))
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    ctx: PageCtx,
    email: String,
    next: String,
    errors: Errors,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths, so a link cannot send someone elsewhere after signing in. Browsers
/// ignore tabs and newlines in a `Location` (`/\t/evil.example` is `//evil.example`), so any
/// whitespace or control character refuses the path too.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

async fn show(visitor: Visitor, Query(q): Query<NextQuery>) -> Response {
    render(&SignInPage {
        ctx: PageCtx::new(&visitor, "Sign in", ""),
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        errors: Errors::default(),
    })
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let email = form.email.trim().to_lowercase();
    let ip =
        crate::client_ip::client_ip(peer.ip(), &headers, state.config.trusted_proxies).to_string();
    let next = safe_next(form.next.as_deref());
    let again = |status, errors: Errors| {
        let page = SignInPage {
            ctx: PageCtx::new(&visitor, "Sign in", "").with_errors(true),
            email: form.email.clone(),
            next: next.clone(),
            errors,
        };
        (status, render(&page)).into_response()
    };
    let missing = missing_fields(&email, &form.password);
    if !missing.is_empty() {
        return Ok(again(axum::http::StatusCode::UNPROCESSABLE_ENTITY, missing));
    }

    // The attempt is counted before the password is checked, so requests sent all at once
    // cannot each slip under the limit while the others are still being checked.
    let attempt = state.store.begin_login_attempt(&email, &ip).await?;
    let since = to_stored(Utc::now() - Duration::minutes(WINDOW_MINUTES));
    let (by_account, by_address) = state.store.failed_logins_since(&email, &ip, &since).await?;
    if by_account > MAX_FAILURES_PER_ACCOUNT || by_address > MAX_FAILURES_PER_ADDRESS {
        tracing::warn!(%ip, "sign-in rate limited");
        state.store.forget_login_attempt(attempt).await?;
        return Ok(again(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            Errors::one(
                "email",
                format!(
                    "Too many failed attempts to sign in. Wait {WINDOW_MINUTES} minutes and try again, or ask your administrator to reset your password"
                ),
            ),
        ));
    }

    let found = state.store.user_for_sign_in(&email).await?;
    // Every answer costs one password check, so its timing does not reveal whether the
    // account exists or is disabled.
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let matches = verify_off_thread(form.password.clone(), hash).await?;
    let Some(user) = user.filter(|u| matches && !u.disabled) else {
        // Which of the two is wrong is not said, so as not to reveal who has an account.
        return Ok(again(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            Errors::one("email", "Enter a correct email address and password"),
        ));
    };
    state.store.mark_login_succeeded(attempt).await?;

    // Signing in again replaces the session this browser had.
    if let Some(previous) = &visitor.signed_in {
        state.store.delete_session(&previous.token_hash).await?;
    }
    tracing::info!(user_id = user.id, "signed in");
    let cookie = super::start_session(&state, &headers, user.id).await?;
    let mut response = Redirect::to(&next).into_response();
    append_cookie(&mut response, &cookie);
    Ok(response)
}

/// An error on each field left empty, so the summary links to the one to fill in.
fn missing_fields(email: &str, password: &str) -> Errors {
    let mut errors = Errors::default();
    if email.is_empty() {
        errors.add("email", "Enter your email address");
    }
    if password.is_empty() {
        errors.add("password", "Enter your password");
    }
    errors
}

async fn sign_out(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(user) = &visitor.signed_in {
        state.store.delete_session(&user.token_hash).await?;
    }
    let mut response = Redirect::to("/").into_response();
    append_cookie(
        &mut response,
        &cookies::clear(SESSION_COOKIE, super::is_secure(&state, &headers)),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::{missing_fields, safe_next};

    #[test]
    fn each_empty_field_gets_its_own_error() {
        let fields = |e: &str, p: &str| {
            missing_fields(e, p)
                .iter()
                .map(|f| f.field.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fields("a@b.example", ""), ["password"]);
        assert_eq!(fields("", "secret"), ["email"]);
        assert_eq!(fields("", ""), ["email", "password"]);
        assert!(fields("a@b.example", "secret").is_empty());
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(
            safe_next(Some("/frameworks?version=2")),
            "/frameworks?version=2"
        );
        assert_eq!(safe_next(None), "/");
    }
}
