//! What changed between two versions of a framework: a page anyone may read for published
//! versions (authors also for drafts), and the list a framework author reviews before
//! publishing a draft.

use super::forms::{Choice, Errors};
use super::frameworks::{Loaded, load};
use crate::auth::Visitor;
use crate::error::AppError;
use crate::state::AppState;
use crate::views::{PageCtx, render, url_encode};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use pathway_domain::framework::version_diff::{Change, FieldChange};
use pathway_domain::framework::{Descriptor, DescriptorChange, Framework, Segment, diff_versions};
use pathway_store::VersionSummary;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new().route("/frameworks/{id}/changes", get(page))
}

/// A field of a framework, level, domain or item that differs, in words.
pub struct FieldRow {
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

/// A field's value as the page shows it: an empty one says so.
fn shown(value: &str) -> String {
    if value.is_empty() {
        "(none)".into()
    } else {
        value.to_owned()
    }
}

fn field_rows(fields: &[FieldChange]) -> Vec<FieldRow> {
    fields
        .iter()
        .map(|c| FieldRow {
            label: match c.field {
                "title" => "Title",
                "publisher" => "Publisher",
                "description" => "Description",
                "level_placement" => "How a person is placed on the levels",
                "kind" => "Kind",
                "domain" => "Domain",
                _ => "Other",
            },
            before: shown(&c.before),
            after: shown(&c.after),
        })
        .collect()
}

pub struct LevelRow {
    pub title: String,
    pub fields: Vec<FieldRow>,
}

pub struct DomainRow {
    pub code: String,
    pub title: String,
    pub change: &'static str,
    pub fields: Vec<FieldRow>,
}

pub struct ItemRow {
    pub code: String,
    pub title: String,
    /// The item's page in the version that has it.
    pub href: String,
}

/// One level of a changed item whose descriptor differs.
pub struct DescriptorRow {
    pub level: String,
    pub label: &'static str,
    pub before: String,
    pub after: String,
    /// Words added and removed, where only some changed.
    pub segments: Option<Vec<Segment>>,
}

pub struct ChangedItem {
    pub item: ItemRow,
    pub fields: Vec<FieldRow>,
    pub descriptors: Vec<DescriptorRow>,
}

pub struct MappingRow {
    pub change: &'static str,
    pub provider: String,
    pub item: String,
    pub statement: String,
}

/// A [`VersionDiff`] in the words the pages use.
pub struct ChangesView {
    pub from: String,
    pub to: String,
    pub summary: String,
    pub details: Vec<FieldRow>,
    pub levels: Vec<LevelRow>,
    pub domains: Vec<DomainRow>,
    pub added: Vec<ItemRow>,
    pub removed: Vec<ItemRow>,
    pub changed: Vec<ChangedItem>,
    pub mappings: Vec<MappingRow>,
}

fn descriptor_text(d: &Descriptor) -> String {
    match d {
        Descriptor::Text(t) => t.clone(),
        Descriptor::NotApplicable => "Not applicable at this level".into(),
        Descriptor::Missing => "The framework does not say".into(),
    }
}

/// The view of what changed from `from` to `to` (both of framework `id`).
pub fn view(id: &str, from: &Framework, to: &Framework, from_vq: &str, to_vq: &str) -> ChangesView {
    let d = diff_versions(from, to);
    let item_href =
        |code: &str, vq: &str| format!("/frameworks/{id}/items/{}{vq}", url_encode(code));
    let level_title = |key: &str| {
        to.level(key)
            .map_or_else(|| key.to_owned(), |(_, l)| l.title.clone())
    };
    let row = |i: &pathway_domain::framework::version_diff::ItemDiff, vq: &str| ItemRow {
        code: i.code.to_string(),
        title: i.title.clone(),
        href: item_href(i.code.as_str(), vq),
    };
    ChangesView {
        from: d.from_version.clone(),
        to: d.to_version.clone(),
        summary: d.summary(),
        details: field_rows(&d.details),
        levels: d
            .levels
            .iter()
            .map(|l| LevelRow {
                title: l.title.clone(),
                fields: field_rows(&l.fields),
            })
            .collect(),
        domains: d
            .domains
            .iter()
            .map(|dm| DomainRow {
                code: dm.code.to_string(),
                title: dm.title.clone(),
                change: match dm.change {
                    Change::Added => "Added",
                    Change::Removed => "Removed",
                    Change::Changed => "Changed",
                },
                fields: field_rows(&dm.fields),
            })
            .collect(),
        added: d.items_with(Change::Added).map(|i| row(i, to_vq)).collect(),
        removed: d
            .items_with(Change::Removed)
            .map(|i| row(i, from_vq))
            .collect(),
        changed: d
            .items_with(Change::Changed)
            .map(|i| ChangedItem {
                item: row(i, to_vq),
                fields: field_rows(&i.fields),
                descriptors: i
                    .descriptors
                    .iter()
                    .map(|c| DescriptorRow {
                        level: level_title(c.level_key.as_str()),
                        label: match &c.change {
                            DescriptorChange::Changed { .. } => "Reworded",
                            DescriptorChange::Rewritten => "Rewritten",
                            DescriptorChange::Introduced => "Now applies",
                            _ => match c.after {
                                Descriptor::NotApplicable => "No longer applies",
                                _ => "No longer stated",
                            },
                        },
                        before: descriptor_text(&c.before),
                        after: descriptor_text(&c.after),
                        segments: match &c.change {
                            DescriptorChange::Changed { segments } => Some(segments.clone()),
                            _ => None,
                        },
                    })
                    .collect(),
            })
            .collect(),
        mappings: d
            .provider_mappings
            .iter()
            .map(|m| MappingRow {
                change: match m.change {
                    Change::Added => "Added",
                    _ => "Removed",
                },
                provider: m.provider.clone(),
                item: m.item.to_string(),
                statement: m.statement.clone(),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "frameworks/changes.html")]
struct ChangesPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    from_choices: Vec<Choice>,
    to_choices: Vec<Choice>,
    changes: Option<ChangesView>,
    errors: Errors,
}

#[derive(Deserialize, Default)]
struct ChangesQuery {
    from: Option<String>,
    to: Option<String>,
}

fn choices(versions: &[VersionSummary], selected: Option<&str>) -> Vec<Choice> {
    versions
        .iter()
        .map(|v| Choice {
            value: v.version.clone(),
            label: format!("Version {} ({})", v.version, v.status.as_str()),
            selected: selected == Some(v.version.as_str()),
        })
        .collect()
}

fn version_query(version: &str) -> String {
    format!("?version={}", url_encode(version))
}

async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<ChangesQuery>,
) -> Result<Response, AppError> {
    let to: Loaded = load(&state, &visitor, &id, q.to.as_deref()).await?;
    let from_summary = match q.from.as_deref() {
        Some(v) => Some(
            pathway_store::pick_version(&to.versions, Some(v))
                .cloned()
                .ok_or_else(|| AppError::NotFound(format!("Version {v} of framework {id}")))?,
        ),
        None => pathway_store::baseline(&to.versions, &to.summary).cloned(),
    };
    let changes = match &from_summary {
        Some(from) => {
            let content = state.framework(from.version_id).await?;
            Some(view(
                &id,
                &content.framework,
                &to.framework,
                &version_query(&from.version),
                &version_query(&to.summary.version),
            ))
        }
        None => None,
    };
    let title = match &changes {
        Some(c) => format!("Changes from version {} to version {}", c.from, c.to),
        None => format!("Changes in version {}", to.summary.version),
    };
    let page = ChangesPage {
        ctx: PageCtx::new(&visitor, to.title(&title), "frameworks"),
        from_choices: choices(
            &to.versions,
            from_summary.as_ref().map(|v| v.version.as_str()),
        ),
        to_choices: choices(&to.versions, Some(&to.summary.version)),
        vq: to.vq.clone(),
        f: to.framework,
        changes,
        errors: Errors::default(),
    };
    Ok(render(&page))
}
