//! Who is making a request, and the checks every request passes: session, CSRF, authorisation.
//!
//! [`session_layer`] runs for every request. It loads the session (stored in the database, so
//! any instance can serve it), refuses state-changing requests whose CSRF token does not
//! match, and leaves a [`Visitor`] for handlers. Handlers enforce access through
//! [`Visitor::require`], which asks the domain's one policy ([`Principal::may`]).

mod cookies;
mod csrf;
mod sign_in;

pub use csrf::{MAX_BODY, MAX_IMPORT_BODY, body_limit, same as same_token, size};
pub use sign_in::router;

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use cookies::Jar;
use pathway_domain::access::{Action, OrgId, Principal};
use pathway_domain::terminology::Terminology;
use pathway_domain::time::to_stored;
use pathway_store::Actor;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "pathway_session";
pub const CSRF_COOKIE: &str = "pathway_csrf";
/// A session ends after this long without use.
pub const IDLE_TIMEOUT_HOURS: i64 = 8;
/// And after this long however busy, so a stolen session cannot be kept alive (a working day
/// and a long shift fit inside it).
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 14;
/// Where someone whose password was set by another must go before anything else.
pub const CHANGE_PASSWORD_PATH: &str = "/account/password";

#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub principal: Principal,
    /// Someone else set their password; until they choose their own, only the
    /// change-password page and signing out are open to them.
    pub must_change_password: bool,
    token_hash: String,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::user(self.user_id, &self.email)
    }

    /// The stored hash of this request's session token, so a password change can keep it.
    pub fn session_hash(&self) -> &str {
        &self.token_hash
    }
}

/// The person behind a request, signed in or not.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub signed_in: Option<SignedIn>,
    /// The token forms must send back: the session's, or an anonymous visitor's cookie value.
    pub csrf_token: String,
    /// The deployment's words, which every page a visitor sees uses.
    pub terms: Terminology,
}

impl Visitor {
    /// Enforces an action: not signed in → sign in first; signed in but not allowed → 403.
    /// `target` is the ancestry of the organisation acted on (see [`Principal::may`]).
    pub fn require(
        &self,
        action: Action,
        target: &[OrgId],
        path: &str,
    ) -> Result<&SignedIn, AppError> {
        let Some(user) = &self.signed_in else {
            return Err(AppError::Unauthenticated {
                next: path.to_owned(),
            });
        };
        if user.principal.may(action, target) {
            Ok(user)
        } else {
            tracing::info!(user_id = user.user_id, ?action, "refused");
            Err(AppError::Forbidden)
        }
    }

    /// Requires only that someone is signed in.
    pub fn user(&self, path: &str) -> Result<&SignedIn, AppError> {
        self.signed_in
            .as_ref()
            .ok_or_else(|| AppError::Unauthenticated {
                next: path.to_owned(),
            })
    }

    pub fn may(&self, action: Action) -> bool {
        self.signed_in
            .as_ref()
            .is_some_and(|s| s.principal.may(action, &[]))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| AppError::Internal("session layer missing".into()))
    }
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn session_expiry() -> String {
    to_stored(Utc::now() + Duration::hours(IDLE_TIMEOUT_HOURS))
}

/// Starts a session for `user_id` and returns the `Set-Cookie` value that hands it to the
/// browser. A new token every time: one known before (planted, or seen) is worth nothing after.
pub async fn start_session(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    user_id: i64,
) -> Result<String, AppError> {
    let token = random_token();
    state
        .store
        .create_session(
            &hash_token(&token),
            user_id,
            &random_token(),
            &session_expiry(),
        )
        .await?;
    Ok(cookies::set(
        SESSION_COOKIE,
        &token,
        is_secure(state, headers),
        None,
    ))
}

/// Sessions begun before this instant have reached their absolute limit.
pub fn sessions_begun_after() -> String {
    to_stored(Utc::now() - Duration::hours(ABSOLUTE_TIMEOUT_HOURS))
}

/// Paths open to someone who must change their password first.
fn open_before_password_change(path: &str) -> bool {
    path == CHANGE_PASSWORD_PATH
        || path == "/sign-out"
        || path == crate::api::SESSION_PATH
        || path.starts_with("/assets/")
}

/// Whether cookies must carry `Secure`: configured, or the proxy says the client used TLS.
pub fn is_secure(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub async fn session_layer(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let secure = is_secure(&state, &parts.headers);
    let jar = cookies::parse(&parts.headers);
    let is_api = crate::api::answers_in_json(parts.uri.path());
    let path_hands_out_token = parts.uri.path() == crate::api::SESSION_PATH;
    let fail = |e: AppError| {
        if is_api {
            crate::error::ApiError(e).into_response()
        } else {
            e.into_response()
        }
    };

    let mut signed_in = None;
    let mut session_csrf = None;
    let mut clear_session_cookie = false;
    if let Some(token) = jar.value(SESSION_COOKIE) {
        let token_hash = hash_token(token);
        match state
            .store
            .session(&token_hash, &sessions_begun_after())
            .await
        {
            Ok(Some(s)) => {
                let principal = match state.store.principal(s.user_id).await {
                    Ok(p) => p,
                    Err(e) => return fail(e.into()),
                };
                // Slide the idle timeout, at most once a minute, to keep writes rare.
                let stale = pathway_domain::time::from_stored(&s.last_seen_at)
                    .is_none_or(|t| Utc::now() - t > Duration::minutes(1));
                if stale
                    && let Err(e) = state
                        .store
                        .touch_session(&token_hash, &session_expiry())
                        .await
                {
                    tracing::warn!(error = %e, "could not extend session");
                }
                session_csrf = Some(s.csrf_token);
                signed_in = Some(SignedIn {
                    user_id: s.user_id,
                    email: s.email,
                    name: s.name,
                    principal,
                    must_change_password: s.must_change_password,
                    token_hash,
                });
            }
            Ok(None) => clear_session_cookie = true,
            Err(e) => return fail(e.into()),
        }
    }

    // Signed-in forms carry the session's token; anonymous ones (sign in) a cookie's.
    let anonymous_cookie = jar
        .value(CSRF_COOKIE)
        .filter(|t| t.len() >= 32)
        .map(str::to_owned);
    let new_anonymous_token = session_csrf.is_none() && anonymous_cookie.is_none();
    let csrf_token = session_csrf
        .or(anonymous_cookie)
        .unwrap_or_else(random_token);
    let must_change_first = signed_in.as_ref().is_some_and(|s| s.must_change_password)
        && !open_before_password_change(parts.uri.path());
    let is_signed_in = signed_in.is_some();
    let visitor = Visitor {
        signed_in,
        csrf_token: csrf_token.clone(),
        terms: state.config.terminology,
    };
    parts.extensions.insert(visitor.clone());

    if must_change_first {
        return if is_api {
            fail(AppError::PasswordChangeRequired)
        } else {
            axum::response::Redirect::to(CHANGE_PASSWORD_PATH).into_response()
        };
    }

    let mut request = Request::from_parts(parts, body);
    if !is_safe(request.method()) {
        // Someone not signed in can only sign in, which is a small form.
        let limit = body_limit(request.uri().path(), is_signed_in);
        request = match csrf::check(request, &csrf_token, limit).await {
            Ok(r) => r,
            Err(csrf::Refusal::TooLarge) => {
                return fail(AppError::Refused {
                    status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    code: "payload_too_large",
                    message: format!(
                        "The request is too large; send at most {}{}",
                        size(limit),
                        if is_signed_in {
                            ""
                        } else {
                            " before signing in"
                        }
                    ),
                });
            }
            Err(csrf::Refusal::Invalid) => return fail(AppError::Csrf),
        };
    }
    let mut response = next.run(request).await;
    // Error pages are made without the visitor; the error shaping outside this layer
    // renders them again for whoever is signed in.
    if response.status().is_client_error() || response.status().is_server_error() {
        response.extensions_mut().insert(visitor);
    }
    // Only pages carry forms, and only they need the anonymous token's cookie: assets,
    // probes and JSON stay free of cookies (and cacheable where they say so).
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if new_anonymous_token && (is_page || path_hands_out_token) {
        append_cookie(
            &mut response,
            &cookies::set(CSRF_COOKIE, &csrf_token, secure, None),
        );
    }
    if clear_session_cookie {
        append_cookie(&mut response, &cookies::clear(SESSION_COOKIE, secure));
    }
    response
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::open_before_password_change;

    #[test]
    fn only_the_password_change_is_open_before_a_password_change() {
        assert!(open_before_password_change("/account/password"));
        assert!(open_before_password_change("/sign-out"));
        assert!(open_before_password_change("/assets/nhsuk.css"));
        assert!(open_before_password_change("/api/session"), "it says why");
        assert!(!open_before_password_change("/"));
        assert!(!open_before_password_change("/account"));
        assert!(!open_before_password_change("/admin/users"));
        assert!(!open_before_password_change("/api/frameworks"));
    }
}
