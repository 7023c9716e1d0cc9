//! The audit log: every change, newest first, and a check that the hash chain is unbroken.

mod describe;

use super::sentence;
use crate::auth::Visitor;
use crate::error::AppError;
use crate::pages::paging::{self, Paged, page_number};
use crate::state::AppState;
use crate::views::{PageCtx, render, uk_date_time};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use describe::{Names, describe};
use pathway_domain::access::Action;
use pathway_domain::audit::{Anchor, AuditEntry, Verified};
use pathway_store::AuditFilter;
use serde::Deserialize;

const PATH: &str = "/admin/audit";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show))
        .route("/admin/audit/verify", post(verify))
}

struct Row {
    seq: i64,
    when: String,
    /// What happened, in words.
    description: String,
    /// The raw record, kept for anyone who needs the exact values.
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
    fn from(e: AuditEntry, names: &Names) -> Self {
        let subject_href = match (e.subject_type.as_str(), e.subject_id.parse::<i64>()) {
            ("organisation", Ok(id)) => Some(format!("/admin/organisations/{id}")),
            ("user", Ok(id)) => Some(format!("/admin/users/{id}")),
            _ => None,
        };
        Self {
            seq: e.seq,
            when: uk_date_time(&e.at),
            description: describe(&e, names),
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

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct LogPage {
    ctx: PageCtx,
    log: Paged<Row>,
    /// After a check: how many entries verified and the head, or where the chain breaks.
    verified: Option<Verified>,
    broken: Option<String>,
    /// The anchor checked against, as typed, and why it could not be read.
    anchor: String,
    anchor_error: Option<String>,
    /// Whose entries are shown, when not everyone's: "by or about Wren Worker".
    showing: Option<String>,
}

/// Which entries the address asks for, the address of its pages, and how to say whose they
/// are; an id naming nobody is not found.
async fn chosen(
    state: &AppState,
    q: &PageQuery,
) -> Result<(AuditFilter, String, Option<String>), AppError> {
    let id = |raw: &str, what: &str| super::path_id(raw.trim(), what);
    if let Some(raw) = q.user.as_deref().filter(|r| !r.trim().is_empty()) {
        let user = state.store.user(id(raw, "user")?).await?;
        return Ok((
            AuditFilter::Person(user.id),
            format!("{PATH}?user={}", user.id),
            Some(format!("by or about {} ({})", user.name, user.email)),
        ));
    }
    if let Some(raw) = q.organisation.as_deref().filter(|r| !r.trim().is_empty()) {
        let org = state.store.org(id(raw, "organisation")?).await?;
        return Ok((
            AuditFilter::Organisation(org.id),
            format!("{PATH}?organisation={}", org.id),
            Some(format!("about {}", org.name)),
        ));
    }
    Ok((AuditFilter::Everything, PATH.to_owned(), None))
}

async fn log_page(
    state: &AppState,
    visitor: &Visitor,
    page: i64,
    (filter, path, showing): (AuditFilter, String, Option<String>),
) -> Result<LogPage, AppError> {
    let found = paging::load(&path, "", page, |offset, limit| async move {
        let found = state.store.audit_page_of(filter, offset, limit).await?;
        Ok(pathway_store::Listing {
            rows: found.entries,
            total: found.total,
        })
    })
    .await?;
    let names = Names::for_entries(&state.store, &found.rows).await?;
    Ok(LogPage {
        ctx: PageCtx::new(visitor, "Audit log", "admin"),
        log: found.map(|e| Row::from(e, &names)),
        verified: None,
        broken: None,
        anchor: String::new(),
        anchor_error: None,
        showing,
    })
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    page: Option<String>,
    /// Only the entries a person made or that are about them.
    user: Option<String>,
    /// Only the entries about an organisation.
    organisation: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    visitor.require(Action::ReadAuditLog, &[], PATH)?;
    let which = chosen(&state, &q).await?;
    let page = log_page(&state, &visitor, page_number(q.page.as_deref()), which).await?;
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
    let everything = (AuditFilter::Everything, PATH.to_owned(), None);
    let mut page = log_page(&state, &visitor, page_number(Some(&form.page)), everything).await?;
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

    #[test]
    fn entries_link_to_their_subjects_and_show_readable_json() {
        let row = Row::from(
            describe::tests::entry(
                "role.grant",
                ("user", "9"),
                None,
                Some(r#"{"user_id":9,"role":"worker"}"#),
            ),
            &Names::default(),
        );
        assert_eq!(row.subject_href.as_deref(), Some("/admin/users/9"));
        assert_eq!(row.when, "23 November 2026 at 1:17pm");
        assert_eq!(
            row.after.as_deref(),
            Some("{\n  \"user_id\": 9,\n  \"role\": \"worker\"\n}")
        );
        assert_eq!(
            row.description,
            "admin@pathway.demo gave user 9 the role Support worker across every organisation"
        );
        assert_eq!(pretty("not json"), "not json");
    }
}
