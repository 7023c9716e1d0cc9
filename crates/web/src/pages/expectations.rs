//! "What is expected of someone placed here": every item's descriptor at the level a person
//! holds in its domain. For a framework placed per domain (a band in each pillar) the reader
//! chooses a level for each domain; otherwise one level for the whole framework.
//!
//! The choice travels in the query string (see [`crate::placement_query`]), so a result can
//! be bookmarked and shared, and the page works without JavaScript.

use super::frameworks::load;
use crate::auth::Visitor;
use crate::error::AppError;
use crate::pages::forms::{Choice, Errors};
use crate::placement_query::{field_for, placement_from};
use crate::state::AppState;
use crate::views::{PageCtx, render, url_encode};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathway_domain::framework::{Descriptor, Framework, ItemKind, LevelPlacement, Placement};
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new().route("/frameworks/{id}/expectations", get(page))
}

#[derive(Template)]
#[template(path = "frameworks/expectations.html")]
struct ExpectationsPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    version: Option<String>,
    per_domain: bool,
    selects: Vec<LevelSelect>,
    errors: Errors,
    groups: Vec<ExpectedGroup>,
    notice: Option<crate::pages::versions::VersionNotice>,
}

struct LevelSelect {
    field: String,
    label: String,
    choices: Vec<Choice>,
}

struct ExpectedGroup {
    code: String,
    title: String,
    level_title: String,
    rows: Vec<ExpectedRow>,
}

struct ExpectedRow {
    code: String,
    title: String,
    kind: ItemKind,
    text: Option<String>,
    /// "text", "na" or "missing".
    state: &'static str,
}

async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let version = params
        .iter()
        .find(|(k, _)| k == "version")
        .map(|(_, v)| v.clone());
    let l = load(&state, &visitor, &id, version.as_deref()).await?;
    let f = &l.framework;
    let rule = f.meta.level_placement;
    let (placement, errors) = match placement_from(f, &params) {
        Ok(None) => (None, unanswered(f, &params)),
        Ok(p) => (p, Errors::default()),
        Err(problems) => {
            let mut errors = Errors::default();
            for p in problems.iter() {
                errors.add(p.location.clone(), &p.message);
            }
            (None, errors)
        }
    };
    let selected = |field: &str| {
        params
            .iter()
            .find(|(k, _)| k == field)
            .map_or("", |(_, v)| v.as_str())
    };
    let level_choices = |field: &str| -> Vec<Choice> {
        f.levels()
            .iter()
            .map(|lv| Choice {
                value: lv.key.to_string(),
                label: lv.title.clone(),
                selected: selected(field) == lv.key.as_str(),
            })
            .collect()
    };
    let selects = match rule {
        LevelPlacement::WholeFramework => vec![LevelSelect {
            field: "level".into(),
            label: "Level".into(),
            choices: level_choices("level"),
        }],
        LevelPlacement::PerDomain => f
            .domains()
            .iter()
            .map(|d| {
                let field = field_for(rule, &d.code);
                LevelSelect {
                    label: format!("Domain {}: {}", d.code, d.title),
                    choices: level_choices(&field),
                    field,
                }
            })
            .collect(),
    };
    let groups = match &placement {
        Some(p) => groups(f, p)?,
        None => Vec::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ExpectationsPage {
        ctx: PageCtx::new(&visitor, l.title("What is expected"), "frameworks")
            .with_errors(!errors.is_empty()),
        notice: l.notice_at(&same_choices_in_current(&id, &params)),
        per_domain: rule == LevelPlacement::PerDomain,
        selects,
        errors,
        groups,
        version,
        f: l.framework.clone(),
        vq: l.vq,
    };
    Ok((status, render(&page)).into_response())
}

/// This page with the reader's choices but no version: the same question of the current one.
fn same_choices_in_current(id: &str, params: &[(String, String)]) -> String {
    let query: Vec<String> = params
        .iter()
        .filter(|(k, _)| k != "version")
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect();
    match query.is_empty() {
        true => format!("/frameworks/{id}/expectations"),
        false => format!("/frameworks/{id}/expectations?{}", query.join("&")),
    }
}

/// A first visit has no level parameters; the form submitted without a choice sends them
/// empty, and then each is an error to fix rather than a page that silently shows nothing.
fn unanswered(f: &Framework, params: &[(String, String)]) -> Errors {
    let rule = f.meta.level_placement;
    let mut errors = Errors::default();
    for d in f.domains() {
        let field = field_for(rule, &d.code);
        let submitted = params.iter().any(|(k, _)| *k == field);
        if !submitted || errors.get(&field).is_some() {
            continue;
        }
        let message = match rule {
            LevelPlacement::WholeFramework => {
                "Choose a level to see what is expected of someone at it".to_owned()
            }
            LevelPlacement::PerDomain => format!(
                "Choose a level for domain {}: {} to see what is expected",
                d.code, d.title
            ),
        };
        errors.add(field, message);
    }
    errors
}

fn groups(f: &Framework, placement: &Placement) -> Result<Vec<ExpectedGroup>, AppError> {
    let expected = f.expected_of(placement).map_err(AppError::Invalid)?;
    Ok(f.domains()
        .iter()
        .map(|d| ExpectedGroup {
            code: d.code.to_string(),
            title: d.title.clone(),
            level_title: placement
                .level_in(d.code.as_str())
                .and_then(|k| f.level(k.as_str()))
                .map(|(_, lv)| lv.title.clone())
                .unwrap_or_default(),
            rows: expected
                .iter()
                .filter(|e| e.item.domain == d.code)
                .map(|e| ExpectedRow {
                    code: e.item.code.to_string(),
                    title: e.item.title.clone(),
                    kind: e.item.kind,
                    text: e.descriptor.text().map(str::to_owned),
                    state: match e.descriptor {
                        Descriptor::Text(_) => "text",
                        Descriptor::NotApplicable => "na",
                        Descriptor::Missing => "missing",
                    },
                })
                .collect(),
        })
        .collect())
}
