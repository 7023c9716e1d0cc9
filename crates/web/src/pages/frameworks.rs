//! The framework browser (public) and the framework author's pages.

use super::versions::{self, Publication, VersionNotice, publication};
use crate::auth::Visitor;
use crate::error::AppError;
use crate::operations;
use crate::pages::forms::{Choice, Errors};
use crate::state::AppState;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use pathway_domain::access::Action;
use pathway_domain::framework::{
    Descriptor, DescriptorChange, Framework, Item, ItemKind, LevelChanges, LevelPlacement,
    Problems, ProviderMapping, Segment, VersionStatus,
};
use pathway_store::VersionSummary;
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    Router::new()
        .route("/frameworks", get(list))
        .route(
            "/frameworks/import",
            get(import_form)
                .post(import_submit)
                .layer(DefaultBodyLimit::max(crate::auth::MAX_IMPORT_BODY)),
        )
        .route("/frameworks/{id}", get(overview))
        .route("/frameworks/{id}/domains/{code}", get(domain))
        .route("/frameworks/{id}/items/{code}", get(item))
        .route("/frameworks/{id}/levels/{key}", get(level))
}

#[derive(Deserialize, Default)]
pub struct VersionQuery {
    pub version: Option<String>,
}

/// A framework version as a page sees it.
pub(super) struct Loaded {
    pub summary: VersionSummary,
    pub framework: Arc<Framework>,
    pub changes: Arc<LevelChanges>,
    /// Query suffix that keeps links on this version: "" for the current one.
    pub vq: String,
    /// Every version of the framework the reader may see, in creation order.
    pub versions: Arc<[VersionSummary]>,
    /// Whether the reader authors this framework (see [`crate::stewardship`]): sees its
    /// drafts and may edit them.
    pub may_author: bool,
}

impl Loaded {
    /// A page's title naming the framework, and the version when it is not the one in force,
    /// so a tab or a bookmark says which text it holds.
    pub fn title(&self, page: &str) -> String {
        let framework = &self.framework.meta.title;
        let whole = if page.is_empty() {
            framework.clone()
        } else {
            format!("{page} – {framework}")
        };
        match self.summary.status {
            VersionStatus::Published => whole,
            status => format!(
                "{whole} (version {}, {})",
                self.summary.version,
                status.as_str()
            ),
        }
    }

    /// The warning shown on a draft's or a replaced version's page at `here` (its path).
    pub fn notice_at(&self, here: &str) -> Option<VersionNotice> {
        versions::notice(&self.summary, &self.versions, here)
    }
}

/// Finds the version a reader asked for. Drafts are visible to framework authors only.
pub(super) async fn load(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
    version: Option<&str>,
) -> Result<Loaded, AppError> {
    let (versions, may_author) = crate::stewardship::versions_for(state, visitor, id).await?;
    let summary = pathway_store::pick_version(&versions, version)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("Framework {id}")))?;
    let content = state.framework(summary.version_id).await?;
    let vq = match version {
        Some(v) => format!("?version={}", crate::views::url_encode(v)),
        None => String::new(),
    };
    Ok(Loaded {
        summary,
        framework: content.framework,
        changes: content.changes,
        vq,
        versions,
        may_author,
    })
}

fn status_tag(status: VersionStatus) -> (&'static str, &'static str) {
    match status {
        VersionStatus::Draft => ("Draft", "nhsuk-tag--yellow"),
        VersionStatus::Published => ("Published", "nhsuk-tag--green"),
        VersionStatus::Retired => ("Retired", "nhsuk-tag--grey"),
    }
}

// ---- list ----

#[derive(Template)]
#[template(path = "frameworks/list.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<ListRow>,
}

struct ListRow {
    id: String,
    title: String,
    publisher: String,
    version: String,
    status: (&'static str, &'static str),
    items: i64,
    vq: String,
}

async fn list(State(state): State<AppState>, visitor: Visitor) -> Result<Response, AppError> {
    let authors = visitor.may(Action::AuthorFrameworks);
    let versions = crate::stewardship::all_versions_for(&state, &visitor).await?;
    let rows = versions
        .into_iter()
        .filter(|v| authors || v.status == VersionStatus::Published)
        .map(|v| ListRow {
            vq: if v.status == VersionStatus::Published {
                String::new()
            } else {
                format!("?version={}", crate::views::url_encode(&v.version))
            },
            id: v.framework_id,
            title: v.title,
            publisher: v.publisher,
            version: v.version,
            status: status_tag(v.status),
            items: v.item_count,
        })
        .collect();
    Ok(render(&ListPage {
        ctx: PageCtx::new(&visitor, "Frameworks", "frameworks"),
        rows,
    }))
}

// ---- overview ----

#[derive(Template)]
#[template(path = "frameworks/overview.html")]
struct OverviewPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    summary: VersionSummary,
    status: (&'static str, &'static str),
    vq: String,
    publication: Publication,
    notice: Option<VersionNotice>,
    versions: Vec<VersionRow>,
    can_author: bool,
    /// The organisation that stewards the framework, shown to its authors; `None`: national.
    steward: Option<String>,
    /// The version this one is best compared with, if any (see [`version_changes::baseline`]).
    compared_with: Option<String>,
    /// The "find an item by code" form: what was typed, and what was wrong with it.
    code: String,
    code_hint: String,
    errors: Errors,
}

/// A row of the overview's table of versions.
struct VersionRow {
    label: String,
    status: (&'static str, &'static str),
    publication: Publication,
    vq: String,
    shown: bool,
}

#[derive(Deserialize, Default)]
struct OverviewQuery {
    version: Option<String>,
    /// An item code to go to, from the "find an item by code" form.
    code: Option<String>,
}

async fn overview(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &visitor, &id, q.version.as_deref()).await?;
    let errors = match find_item(&l.framework, q.code.as_deref()) {
        Ok(Some(found)) => {
            return Ok(Redirect::to(&format!(
                "/frameworks/{id}/items/{}{}",
                crate::views::url_encode(found),
                l.vq
            ))
            .into_response());
        }
        Ok(None) => Errors::default(),
        Err(errors) => errors,
    };
    let versions = l
        .versions
        .iter()
        .map(|v| VersionRow {
            label: v.version.clone(),
            status: status_tag(v.status),
            publication: publication(v),
            vq: format!("?version={}", crate::views::url_encode(&v.version)),
            shown: v.version_id == l.summary.version_id,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = OverviewPage {
        ctx: PageCtx::new(&visitor, l.title(""), "frameworks").with_errors(!errors.is_empty()),
        status: status_tag(l.summary.status),
        publication: publication(&l.summary),
        notice: l.notice_at(&format!("/frameworks/{id}")),
        can_author: l.may_author,
        // Shown to the framework's authors only: no query for everyone else.
        steward: match l.summary.steward_org_id.filter(|_| l.may_author) {
            Some(org) => Some(state.store.org(org).await?.name),
            None => None,
        },
        compared_with: pathway_store::baseline(&l.versions, &l.summary).map(|v| v.version.clone()),
        code: q.code.unwrap_or_default(),
        code_hint: format!("For example, {}", example_code(&l.framework)),
        f: l.framework,
        summary: l.summary,
        vq: l.vq,
        versions,
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// A code of this framework to show what codes look like: its first item's.
fn example_code(f: &Framework) -> &str {
    f.items().first().map_or("1.1", |i| i.code.as_str())
}

/// The item the "find an item by code" form asks for: none when the form was not sent, or
/// the error to show when the code is empty or names no item.
fn find_item<'a>(f: &'a Framework, code: Option<&str>) -> Result<Option<&'a str>, Errors> {
    let Some(code) = code else {
        return Ok(None);
    };
    let example = example_code(f);
    let wanted = code.trim();
    if wanted.is_empty() {
        return Err(Errors::one(
            "code",
            format!("Enter an item code, for example {example}"),
        ));
    }
    f.items()
        .iter()
        .find(|i| i.code.as_str().eq_ignore_ascii_case(wanted))
        .map(|i| Some(i.code.as_str()))
        .ok_or_else(|| {
            Errors::one(
                "code",
                format!(
                    "There is no item {wanted} in this framework. Codes look like {example}: check the code, or find the item in the list of domains below"
                ),
            )
        })
}

// ---- domain ----

#[derive(Template)]
#[template(path = "frameworks/domain.html")]
struct DomainPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    code: String,
    title: String,
    description: String,
    items: Vec<ItemLink>,
    vq: String,
    notice: Option<VersionNotice>,
    editable: bool,
}

struct ItemLink {
    code: String,
    title: String,
    kind: ItemKind,
    same_everywhere: bool,
}

fn item_link(i: &Item) -> ItemLink {
    ItemLink {
        code: i.code.to_string(),
        title: i.title.clone(),
        kind: i.kind,
        same_everywhere: i.identical_at_every_level(),
    }
}

async fn domain(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &visitor, &id, q.version.as_deref()).await?;
    let d = l
        .framework
        .domain(&code)
        .ok_or_else(|| AppError::NotFound(format!("Domain {code}")))?
        .clone();
    let items = l.framework.items_in(&d.code).map(item_link).collect();
    Ok(render(&DomainPage {
        ctx: PageCtx::new(
            &visitor,
            l.title(&format!("Domain {}: {}", d.code, d.title)),
            "frameworks",
        ),
        notice: l.notice_at(&format!(
            "/frameworks/{id}/domains/{}",
            crate::views::url_encode(d.code.as_str())
        )),
        code: d.code.to_string(),
        title: d.title,
        description: d.description,
        items,
        editable: l.summary.status == VersionStatus::Draft && l.may_author,
        f: l.framework,
        vq: l.vq,
    }))
}

// ---- item ----

/// One level's column on the item page, borrowed from the cached version content.
pub struct LevelCell<'a> {
    pub key: &'a str,
    pub level: &'a str,
    pub level_description: Option<&'a str>,
    /// "text", "na" or "missing".
    pub kind: &'static str,
    pub text: &'a str,
    /// None for the first level.
    pub change: Option<ChangeView<'a>>,
}

pub enum ChangeView<'a> {
    Same {
        previous: &'a str,
    },
    /// A few words changed: the card offers a word diff against `previous`.
    Changed {
        previous: &'a str,
        segments: &'a [Segment],
    },
    /// Most words changed: a word diff would mark nearly everything, so none is offered.
    Rewritten {
        previous: &'a str,
    },
    Introduced,
    Replaced {
        previous: &'a str,
    },
}

impl ChangeView<'_> {
    /// The note at the top of a level's card saying how it relates to the level before.
    pub fn label(&self) -> String {
        match self {
            Self::Same { previous } => format!("Same as {previous}"),
            Self::Changed { previous, .. } => format!("Changed from {previous}"),
            Self::Rewritten { previous } => format!("Rewritten from {previous}"),
            Self::Introduced => "New at this level".to_owned(),
            Self::Replaced { previous } => format!("Different from {previous}"),
        }
    }
}

/// The item's columns, from the version's precomputed [`LevelChanges`].
pub fn level_cells<'a>(
    f: &'a Framework,
    changes: &'a LevelChanges,
    position: usize,
) -> Vec<LevelCell<'a>> {
    let levels = f.levels();
    let Some(item) = f.items().get(position) else {
        return Vec::new();
    };
    item.descriptors
        .iter()
        .zip(changes.item(position))
        .enumerate()
        .map(|(i, (descriptor, change))| {
            let previous = i.checked_sub(1).map_or("", |p| levels[p].title.as_str());
            let (kind, text) = match descriptor {
                Descriptor::Text(t) => ("text", t.as_str()),
                Descriptor::NotApplicable => ("na", "Not applicable at this level"),
                Descriptor::Missing => ("missing", "The framework does not say"),
            };
            let change = match change {
                DescriptorChange::First => None,
                DescriptorChange::Same => Some(ChangeView::Same { previous }),
                DescriptorChange::Rewritten => Some(ChangeView::Rewritten { previous }),
                DescriptorChange::Introduced => Some(ChangeView::Introduced),
                DescriptorChange::Replaced => Some(ChangeView::Replaced { previous }),
                DescriptorChange::Changed { segments } => {
                    Some(ChangeView::Changed { previous, segments })
                }
            };
            LevelCell {
                key: levels[i].key.as_str(),
                level: &levels[i].title,
                level_description: levels[i].description.as_deref(),
                kind,
                text,
                change,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "frameworks/item.html")]
struct ItemPage<'a> {
    ctx: PageCtx,
    f: &'a Framework,
    item: &'a Item,
    domain_title: &'a str,
    cells: Vec<LevelCell<'a>>,
    mappings: Vec<&'a ProviderMapping>,
    vq: &'a str,
    notice: Option<VersionNotice>,
    editable: bool,
    prev: Option<ItemLink>,
    next: Option<ItemLink>,
}

async fn item(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &visitor, &id, q.version.as_deref()).await?;
    let f = &l.framework;
    let pos = f
        .items()
        .iter()
        .position(|i| i.code.as_str() == code)
        .ok_or_else(|| AppError::NotFound(format!("Item {code}")))?;
    let item = &f.items()[pos];
    let page = ItemPage {
        ctx: PageCtx::new(
            &visitor,
            l.title(&format!("{} {}", item.code, item.title)),
            "frameworks",
        ),
        notice: l.notice_at(&format!(
            "/frameworks/{id}/items/{}",
            crate::views::url_encode(item.code.as_str())
        )),
        domain_title: f
            .domain(item.domain.as_str())
            .map_or("", |d| d.title.as_str()),
        cells: level_cells(f, &l.changes, pos),
        mappings: f.mappings_for(&item.code).collect(),
        editable: l.summary.status == VersionStatus::Draft && l.may_author,
        prev: pos.checked_sub(1).map(|p| item_link(&f.items()[p])),
        next: f.items().get(pos + 1).map(item_link),
        item,
        f,
        vq: &l.vq,
    };
    Ok(render(&page))
}

// ---- level ----

#[derive(Template)]
#[template(path = "frameworks/level.html")]
struct LevelPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    level_title: String,
    level_description: Option<String>,
    /// Whether a person holds a level per domain, which changes what "at this level" means.
    per_domain: bool,
    previous_title: Option<String>,
    groups: Vec<LevelGroup>,
    changed_count: usize,
    vq: String,
    notice: Option<VersionNotice>,
}

struct LevelGroup {
    code: String,
    title: String,
    rows: Vec<LevelRow>,
}

struct LevelRow {
    code: String,
    title: String,
    kind: ItemKind,
    text: String,
    /// "first", "same", "changed", "na", "missing"
    state: &'static str,
}

async fn level(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &visitor, &id, q.version.as_deref()).await?;
    let f = &l.framework;
    let (index, lvl) = f
        .level(&key)
        .ok_or_else(|| AppError::NotFound(format!("Level {key}")))?;
    let mut changed_count = 0;
    let groups = f
        .domains()
        .iter()
        .map(|d| LevelGroup {
            code: d.code.to_string(),
            title: d.title.clone(),
            rows: f
                .items_in(&d.code)
                .map(|i| {
                    let descriptor = &i.descriptors[index];
                    let state = match descriptor {
                        Descriptor::NotApplicable => "na",
                        Descriptor::Missing => "missing",
                        Descriptor::Text(_) if index == 0 => "first",
                        Descriptor::Text(_) if i.same_as_previous(index) => "same",
                        Descriptor::Text(_) => "changed",
                    };
                    if state == "changed" {
                        changed_count += 1;
                    }
                    LevelRow {
                        code: i.code.to_string(),
                        title: i.title.clone(),
                        kind: i.kind,
                        text: descriptor.to_cell().to_owned(),
                        state,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(render(&LevelPage {
        ctx: PageCtx::new(
            &visitor,
            l.title(&format!("Everything expected at {}", lvl.title)),
            "frameworks",
        ),
        notice: l.notice_at(&format!(
            "/frameworks/{id}/levels/{}",
            crate::views::url_encode(lvl.key.as_str())
        )),
        level_title: lvl.title.clone(),
        level_description: lvl.description.clone(),
        per_domain: f.meta.level_placement == LevelPlacement::PerDomain,
        previous_title: index.checked_sub(1).map(|i| f.levels()[i].title.clone()),
        groups,
        changed_count,
        f: l.framework.clone(),
        vq: l.vq,
    }))
}

// ---- import ----

/// Shown after an import that left things out, instead of going straight to the framework,
/// so the person importing sees what was not kept.
#[derive(Template)]
#[template(path = "frameworks/imported.html")]
struct ImportedPage {
    ctx: PageCtx,
    title: String,
    version: String,
    status: &'static str,
    link: String,
    notices: Vec<String>,
}

#[derive(Template)]
#[template(path = "frameworks/import.html")]
struct ImportPage {
    ctx: PageCtx,
    errors: Errors,
    problems: Vec<String>,
    form: ImportValues,
    /// Who may steward a new framework: national, or an organisation the author authors for.
    stewards: Vec<Choice>,
}

/// The stewards `user` may choose for a new framework, `chosen` selected.
async fn steward_choices(
    state: &AppState,
    user: &crate::auth::SignedIn,
    chosen: &str,
) -> Result<Vec<Choice>, AppError> {
    Ok(crate::stewardship::steward_choices(&state.store, user)
        .await?
        .into_iter()
        .map(|(org, label)| {
            let value = org.map_or_else(|| "national".to_owned(), |o| o.to_string());
            Choice {
                selected: value == chosen,
                value,
                label,
            }
        })
        .collect())
}

#[derive(Default, Clone)]
struct ImportValues {
    format: String,
    id: String,
    title: String,
    publisher: String,
    version: String,
    /// "whole_framework", "per_domain", or "" to keep an existing framework's.
    level_placement: String,
    /// Who stewards a new framework: "national" or an organisation's id.
    steward: String,
}

async fn import_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::AuthorFrameworks, &[], "/frameworks/import")?;
    Ok(render(&ImportPage {
        ctx: PageCtx::new(&visitor, "Import a framework", "import"),
        errors: Errors::default(),
        problems: Vec::new(),
        stewards: steward_choices(&state, user, "").await?,
        form: ImportValues {
            format: "case".into(),
            version: "1".into(),
            ..Default::default()
        },
    }))
}

async fn import_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, AppError> {
    let user = visitor
        .require(Action::AuthorFrameworks, &[], "/frameworks/import")?
        .clone();
    // Whether the request is a form upload is asked only of someone who may import: anyone
    // else is sent to sign in or refused, whatever they sent.
    let mut multipart = multipart.map_err(|e| {
        AppError::BadRequest(format!(
            "The upload could not be read ({e}); choose the file on the import page and send it again"
        ))
    })?;
    let mut values = ImportValues::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("The upload could not be read: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("The file could not be read: {e}")))?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.unwrap_or_default();
        match name.as_str() {
            "format" => values.format = text,
            "id" => values.id = text.trim().to_owned(),
            "title" => values.title = text.trim().to_owned(),
            "publisher" => values.publisher = text.trim().to_owned(),
            "version" => values.version = text.trim().to_owned(),
            "level_placement" => values.level_placement = text,
            "steward" => values.steward = text.trim().to_owned(),
            _ => {}
        }
    }
    let stewards = steward_choices(&state, &user, &values.steward).await?;
    let again = |mut errors: Errors, problems: Vec<String>, values: ImportValues| {
        if !problems.is_empty() {
            // The problems are in the file, so the file field is the one to fix.
            errors.add(
                "file",
                "The file was not imported. Fix the problems listed at the top of the page and upload it again",
            );
        }
        let page = ImportPage {
            ctx: PageCtx::new(&visitor, "Import a framework", "import")
                .with_errors(!errors.is_empty()),
            errors,
            problems,
            form: values,
            stewards: stewards.clone(),
        };
        (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
    };
    let mut errors = Errors::default();
    if file.is_none() {
        errors.add("file", "Select a CASE JSON or CSV file");
    }
    let is_csv = values.format == "csv";
    let mut meta = None;
    if is_csv {
        match pathway_domain::framework::FrameworkId::parse(&values.id) {
            Ok(id) => meta = Some(id),
            Err(e) => errors.add("id", e),
        }
        if values.title.is_empty() {
            errors.add("title", "Enter the framework's title");
        }
        if values.version.is_empty() {
            errors.add("version", "Enter a version label, for example 1");
        }
    }
    let Some((file_name, bytes)) = file.filter(|_| errors.is_empty()) else {
        return Ok(again(errors, Vec::new(), values));
    };
    let parsed = if let Some(id) = meta {
        let details = operations::CsvDetails {
            id,
            title: values.title.clone(),
            publisher: values.publisher.clone(),
            version: values.version.clone(),
            level_placement: LevelPlacement::parse(&values.level_placement),
        };
        operations::read_csv(&state.store, &bytes, &file_name, details)
            .await?
            .map(|f| (f, Problems::default()))
    } else {
        // An id given with a JSON file imports it as that framework.
        let id = match values.id.as_str() {
            "" => None,
            id => match pathway_domain::framework::FrameworkId::parse(id) {
                Ok(id) => Some(id),
                Err(e) => {
                    let mut errors = Errors::default();
                    errors.add("id", e);
                    return Ok(again(errors, Vec::new(), values));
                }
            },
        };
        operations::read_json_into(&state.store, &bytes, &file_name, id).await?
    };
    let (framework, notices) = match parsed {
        Ok(read) => read,
        Err(problems) => {
            return Ok(again(
                Errors::default(),
                problems.iter().map(|p| p.to_string()).collect(),
                values,
            ));
        }
    };
    let requested = match crate::stewardship::parse_steward(Some(&values.steward)) {
        Ok(requested) => requested,
        Err(e) => return Ok(again(Errors::one("steward", e), Vec::new(), values)),
    };
    let steward = match crate::stewardship::check_import(
        &state.store,
        &user,
        framework.id().as_str(),
        requested,
    )
    .await?
    {
        Ok(steward) => steward,
        Err(crate::stewardship::ImportRefusal::NotItsAuthor(message)) => {
            return Ok(again(
                Errors::default(),
                vec![format!("{file_name}: {message}")],
                values,
            ));
        }
        Err(crate::stewardship::ImportRefusal::Steward { message, .. }) => {
            return Ok(again(Errors::one("steward", message), Vec::new(), values));
        }
    };
    let imported =
        operations::import_framework(&state.store, &framework, &user.actor(), &file_name, steward)
            .await;
    state.forget_versions(framework.id().as_str());
    let link = format!(
        "/frameworks/{}?version={}",
        framework.id(),
        crate::views::url_encode(&framework.meta.version)
    );
    match imported {
        Ok(_) if notices.is_empty() => Ok(Redirect::to(&link).into_response()),
        Ok(_) => Ok(render(&ImportedPage {
            ctx: PageCtx::new(&visitor, "Framework imported", "import"),
            title: framework.meta.title.clone(),
            version: framework.meta.version.clone(),
            status: framework.meta.status.as_str(),
            link,
            notices: notices.iter().map(ToString::to_string).collect(),
        })),
        Err(pathway_store::StoreError::Conflict { message, .. }) => Ok(again(
            Errors::default(),
            vec![format!("{file_name}: {message}")],
            values,
        )),
        Err(pathway_store::StoreError::Invalid(problems)) => Ok(again(
            Errors::default(),
            problems.iter().map(|p| p.to_string()).collect(),
            values,
        )),
        Err(e) => Err(e.into()),
    }
}
