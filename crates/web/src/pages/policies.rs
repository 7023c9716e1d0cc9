//! The accessibility statement and the privacy notice, linked from every page's footer.
//!
//! Both describe what this software does, so the figures in them (cookie names, how long a
//! session or a sign-in attempt is kept) come from the constants the code runs on, and a
//! change to one cannot leave the notice saying something else.

use crate::auth::{
    ABSOLUTE_TIMEOUT_HOURS, CSRF_COOKIE, IDLE_TIMEOUT_HOURS, SESSION_COOKIE, Visitor,
};
use crate::housekeeping::KEEP_SIGN_IN_ATTEMPTS_HOURS;
use crate::state::AppState;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accessibility", get(accessibility))
        .route("/privacy", get(privacy))
}

#[derive(Template)]
#[template(path = "policies/accessibility.html")]
struct AccessibilityPage {
    ctx: PageCtx,
}

async fn accessibility(visitor: Visitor) -> Response {
    render(&AccessibilityPage {
        ctx: PageCtx::new(&visitor, "Accessibility statement", ""),
    })
}

#[derive(Template)]
#[template(path = "policies/privacy.html")]
struct PrivacyPage {
    ctx: PageCtx,
    session_cookie: &'static str,
    csrf_cookie: &'static str,
    idle_hours: i64,
    absolute_hours: i64,
    sign_in_attempt_hours: i64,
}

async fn privacy(visitor: Visitor) -> Response {
    render(&PrivacyPage {
        ctx: PageCtx::new(&visitor, "Privacy notice", ""),
        session_cookie: SESSION_COOKIE,
        csrf_cookie: CSRF_COOKIE,
        idle_hours: IDLE_TIMEOUT_HOURS,
        absolute_hours: ABSOLUTE_TIMEOUT_HOURS,
        sign_in_attempt_hours: KEEP_SIGN_IN_ATTEMPTS_HOURS,
    })
}
