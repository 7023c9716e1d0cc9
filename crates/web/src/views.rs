//! Shared view parts: the page context every template gets, and formatting helpers.

use crate::auth::Visitor;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use pathway_domain::access::Action;
use pathway_domain::terminology::Terminology;

/// What every page's layout needs: who is signed in, the form token, where we are.
#[derive(Clone, Debug)]
pub struct PageCtx {
    pub title: String,
    pub user_name: Option<String>,
    pub csrf_token: String,
    pub show_admin: bool,
    pub show_author: bool,
    /// Which header link is current: "frameworks", "admin", "api".
    pub section: &'static str,
    pub terms: Terminology,
}

impl PageCtx {
    pub fn new(visitor: &Visitor, title: impl Into<String>, section: &'static str) -> Self {
        let signed_in = visitor.signed_in.as_ref();
        Self {
            title: title.into(),
            user_name: signed_in.map(|s| s.name.clone()),
            csrf_token: visitor.csrf_token.clone(),
            show_admin: signed_in.is_some_and(|s| s.principal.may(Action::OpenAdministration, &[])),
            show_author: signed_in.is_some_and(|s| s.principal.may(Action::AuthorFrameworks, &[])),
            section,
            terms: visitor.terms,
        }
    }

    /// Starts the title with "Error: " when the page shows errors, as the NHS.UK error
    /// summary pattern asks: the title is the first thing a screen reader announces.
    pub fn with_errors(mut self, shows_errors: bool) -> Self {
        if shows_errors {
            self.title = format!("Error: {}", self.title);
        }
        self
    }

    /// For pages rendered without a request context (error pages), in the default words.
    pub fn bare(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user_name: None,
            csrf_token: String::new(),
            show_admin: false,
            show_author: false,
            section: "",
            terms: Terminology::default(),
        }
    }
}

/// Renders a template into a response; a template error becomes a logged 500.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sorry, there is a problem with the service.",
            )
                .into_response()
        }
    }
}

#[derive(Clone, Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub heading: String,
    pub message: String,
    pub details: Vec<String>,
}

impl ErrorPage {
    pub fn new(status: StatusCode, message: &str, details: Vec<String>) -> Self {
        let heading = match status {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::FORBIDDEN => "You do not have permission to see this page",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST | StatusCode::CONFLICT => {
                "There is a problem"
            }
            _ => "Sorry, there is a problem with the service",
        };
        Self {
            ctx: PageCtx::bare(heading),
            heading: heading.into(),
            message: message.into(),
            details,
        }
    }
}

impl ErrorPage {
    /// The page as the visitor sees it: their name, sign-out and menu in the header,
    /// as on every other page, rather than the "Sign in" link a bare page shows.
    pub fn seen_by(mut self, visitor: &Visitor) -> Self {
        self.ctx = PageCtx::new(visitor, self.ctx.title, "");
        self
    }
}

/// Error pages are made where no request is at hand (an error converted to a response),
/// so each carries itself in the response's extensions for the middleware, which knows
/// the visitor, to render again for them (see [`crate::middleware`]).
impl IntoResponse for ErrorPage {
    fn into_response(self) -> Response {
        let mut response = render(&self);
        response.extensions_mut().insert(self);
        response
    }
}

/// Dates the NHS way, in UK time: "23 November 2026".
pub fn uk_date(stored: &str) -> String {
    uk(stored, "%-d %B %Y")
}

/// "23 November 2026 at 1:17pm", in UK time.
pub fn uk_date_time(stored: &str) -> String {
    match pathway_domain::time::from_stored(stored) {
        Some(t) => {
            let local = t.with_timezone(&chrono_tz::Europe::London);
            format!(
                "{} at {}",
                local.format("%-d %B %Y"),
                local.format("%-I:%M%P")
            )
        }
        None => stored.to_owned(),
    }
}

fn uk(stored: &str, fmt: &str) -> String {
    pathway_domain::time::from_stored(stored)
        .map(|t: DateTime<Utc>| {
            t.with_timezone(&chrono_tz::Europe::London)
                .format(fmt)
                .to_string()
        })
        .unwrap_or_else(|| stored.to_owned())
}

/// Percent-encodes a path segment or query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_in_uk_time_the_nhs_way() {
        assert_eq!(uk_date("2026-11-23T13:17:23.000000Z"), "23 November 2026");
        // British Summer Time: 23:30 UTC on 30 June is 00:30 on 1 July in the UK.
        assert_eq!(uk_date("2026-06-30T23:30:00.000000Z"), "1 July 2026");
        assert_eq!(
            uk_date_time("2026-11-23T13:17:23.000000Z"),
            "23 November 2026 at 1:17pm"
        );
    }

    #[test]
    fn url_encoding_escapes_reserved_characters() {
        assert_eq!(url_encode("/admin/users?x=1"), "%2Fadmin%2Fusers%3Fx%3D1");
        assert_eq!(url_encode("3.9"), "3.9");
    }
}
