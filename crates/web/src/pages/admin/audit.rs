//! The audit log: every change, newest first, and a check that the hash chain is unbroken.

use super::sentence;
use crate::auth::Visitor;
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{PageCtx, render, uk_date_time};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathway_domain::access::Action;
use pathway_domain::audit::{Anchor, AuditEntry, Verified};
use serde::Deserialize;

const PATH: &str = "/admin/audit";
const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show))
        .route("/admin/audit/verify", post(verify))
}

struct Row {
    seq: i64,
    when: String,
    actor: String,
    action: String,
    subject: String,
    subject_href: Option<String>,
    before: Option<String>,
    after: Option<String>,
    /// When the entry's personal content was erased, shown in place of who acted.
    erased: Option<String>,
}

impl Row {
    fn from(e: AuditEntry) -> Self {
        let subject_href = match (e.subject_type.as_str(), e.subject_id.parse::<i64>()) {
            ("organisation", Ok(id)) => Some(format!("/admin/organisations/{id}")),
            ("user", Ok(id)) => Some(format!("/admin/users/{id}")),
            _ => None,
        };
        Self {
            seq: e.seq,
            when: uk_date_time(&e.at),
            erased: e.erased_at.as_deref().map(uk_date_time),
            actor: e.actor,
            action: e.action,
            subject: format!("{} {}", e.subject_type.replace('_', " "), e.subject_id),
            subject_href,
            before: e.before.as_deref().map(pretty),
            after: e.after.as_deref().map(pretty),
        }
    }
}

/// Stored JSON laid out for reading; anything else as stored.
fn pretty(stored: &str) -> String {
    serde_json::from_str::<serde_json::Value>(stored)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| stored.to_owned())
}

/// One link in the numbered pagination, or a gap.
#[derive(Debug, PartialEq, Eq)]
struct PageLink {
    number: i64,
    current: bool,
    ellipsis: bool,
}

/// Pages to link: the first, the last, and the current one with its neighbours, with gaps
/// marked. Nothing when everything fits on one page.
fn page_links(current: i64, last: i64) -> Vec<PageLink> {
    if last <= 1 {
        return Vec::new();
    }
    let mut links: Vec<PageLink> = Vec::new();
    for n in 1..=last {
        if n == 1 || n == last || (n - current).abs() <= 1 {
            if links.last().is_some_and(|l| l.number < n - 1) {
                links.push(PageLink {
                    number: 0,
                    current: false,
                    ellipsis: true,
                });
            }
            links.push(PageLink {
                number: n,
                current: n == current,
                ellipsis: false,
            });
        }
    }
    links
}

fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

/// The page asked for; anything that is not a page number means the first.
fn page_number(raw: Option<&str>) -> i64 {
    raw.and_then(|p| p.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct LogPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    total: i64,
    first: i64,
    last: i64,
    page: i64,
    pages: Vec<PageLink>,
    previous: Option<i64>,
    next: Option<i64>,
    /// After a check: how many entries verified and the head, or where the chain breaks.
    verified: Option<Verified>,
    broken: Option<String>,
    /// The anchor checked against, as typed, and why it could not be read.
    anchor: String,
    anchor_error: Option<String>,
}

async fn log_page(state: &AppState, visitor: &Visitor, page: i64) -> Result<LogPage, AppError> {
    let mut page = page;
    let mut found = state
        .store
        .audit_page((page - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    let pages = page_count(found.total);
    if page > pages {
        page = pages;
        found = state
            .store
            .audit_page((page - 1) * PAGE_SIZE, PAGE_SIZE)
            .await?;
    }
    let shown = found.entries.len() as i64;
    let first = if shown == 0 {
        0
    } else {
        (page - 1) * PAGE_SIZE + 1
    };
    Ok(LogPage {
        ctx: PageCtx::new(visitor, "Audit log", "admin"),
        rows: found.entries.into_iter().map(Row::from).collect(),
        total: found.total,
        first,
        last: first + shown - 1,
        pages: page_links(page, pages),
        previous: (page > 1).then_some(page - 1),
        next: (page < pages).then_some(page + 1),
        page,
        verified: None,
        broken: None,
        anchor: String::new(),
        anchor_error: None,
    })
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    visitor.require(Action::ReadAuditLog, &[], PATH)?;
    let page = log_page(&state, &visitor, page_number(q.page.as_deref())).await?;
    Ok(render(&page))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct VerifyForm {
    page: String,
    /// `SEQ:HASH` recorded from an earlier check; optional.
    anchor: String,
}

async fn verify(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<VerifyForm>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::ReadAuditLog, &[], PATH)?;
    let mut page = log_page(&state, &visitor, page_number(Some(&form.page))).await?;
    page.anchor = form.anchor.trim().to_owned();
    let anchor = match page.anchor.as_str() {
        "" => None,
        typed => match typed.parse::<Anchor>() {
            Ok(a) => Some(a),
            Err(e) => {
                page.anchor_error = Some(sentence(&e));
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
            }
        },
    };
    match state.store.verify_audit(anchor).await? {
        Ok(v) => page.verified = Some(v),
        Err(broken) => {
            tracing::warn!(user_id = user.user_id, error = %broken, "the audit chain is broken");
            page.broken = Some(sentence(&broken.to_string()));
        }
    }
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(links: &[PageLink]) -> String {
        links
            .iter()
            .map(|l| match (l.ellipsis, l.current) {
                (true, _) => "…".to_owned(),
                (false, true) => format!("[{}]", l.number),
                (false, false) => l.number.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn pagination_shows_the_ends_and_the_neighbourhood() {
        assert!(page_links(1, 1).is_empty());
        assert_eq!(shown(&page_links(1, 3)), "[1] 2 3");
        assert_eq!(shown(&page_links(5, 10)), "1 … 4 [5] 6 … 10");
        assert_eq!(shown(&page_links(1, 10)), "[1] 2 … 10");
        assert_eq!(shown(&page_links(10, 10)), "1 … 9 [10]");
        assert_eq!(shown(&page_links(3, 10)), "1 2 [3] 4 … 10");
    }

    #[test]
    fn page_numbers_are_forgiving() {
        assert_eq!(page_number(Some("3")), 3);
        assert_eq!(page_number(Some("0")), 1);
        assert_eq!(page_number(Some("-2")), 1);
        assert_eq!(page_number(Some("two")), 1);
        assert_eq!(page_number(None), 1);
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(50), 1);
        assert_eq!(page_count(51), 2);
    }

    #[test]
    fn entries_link_to_their_subjects_and_show_readable_json() {
        let row = Row::from(AuditEntry {
            seq: 4,
            at: "2026-11-23T13:17:23.000000Z".into(),
            actor_user_id: Some(1),
            actor: "admin@pathway.demo".into(),
            action: "role.grant".into(),
            subject_type: "user".into(),
            subject_id: "9".into(),
            before: None,
            after: Some(r#"{"user_id":9,"role":"worker"}"#.into()),
            content_salt: None,
            content_digest: None,
            erased_at: None,
            prev_hash: String::new(),
            hash: String::new(),
            mac: None,
        });
        assert_eq!(row.subject_href.as_deref(), Some("/admin/users/9"));
        assert_eq!(row.when, "23 November 2026 at 1:17pm");
        assert_eq!(
            row.after.as_deref(),
            Some("{\n  \"user_id\": 9,\n  \"role\": \"worker\"\n}")
        );
        assert_eq!(pretty("not json"), "not json");
    }
}
