//! The framework author's pages: start a draft from a version, edit the draft's details,
//! domains and items, add and remove items, review what changed and publish it, or discard it.
//!
//! Every form carries the draft's revision: a change saved by someone else since the form
//! was opened refuses the stale one (nothing is written) instead of silently undoing it, and
//! publishing publishes the revision whose changes the author reviewed.

use super::forms::{Choice, Errors};
use super::frameworks::{Loaded, load};
use super::version_changes::{self, ChangesView};
use crate::auth::{SignedIn, Visitor};
use crate::drafting::{DraftChange, added_code, apply};
use crate::error::AppError;
use crate::operations::{self, DraftEdit};
use crate::state::AppState;
use crate::views::{PageCtx, render, url_encode};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pathway_domain::access::Action;
use pathway_domain::framework::{
    Descriptor, Framework, ItemKind, NewItem, Problems, Segment, VersionStatus,
};
use pathway_store::{StoreError, VersionSummary};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/frameworks/{id}/drafts", post(new_draft))
        .route(
            "/frameworks/{id}/edit",
            get(details_form).post(details_submit),
        )
        .route(
            "/frameworks/{id}/domains/{code}/edit",
            get(domain_form).post(domain_submit),
        )
        .route(
            "/frameworks/{id}/new-item",
            get(new_item_form).post(new_item_submit),
        )
        .route(
            "/frameworks/{id}/items/{code}/edit",
            get(edit_item_form).post(edit_item_submit),
        )
        .route(
            "/frameworks/{id}/items/{code}/remove",
            get(remove_item_form).post(remove_item_submit),
        )
        .route(
            "/frameworks/{id}/publish",
            get(publish_review).post(publish),
        )
        .route("/frameworks/{id}/discard", get(discard_form).post(discard))
}

#[derive(Deserialize, Default)]
struct DraftQuery {
    version: Option<String>,
    /// The domain a new item goes in, when the author came from a domain's page.
    domain: Option<String>,
}

/// A submitted form's fields, in order.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The draft as the form's author read it: the stored summary with the revision the
    /// form was made from.
    fn read_version(&self, stored: &VersionSummary) -> Result<VersionSummary, AppError> {
        let revision = self.get("revision").parse::<i64>().map_err(|_| {
            AppError::BadRequest(
                "The form did not say which revision of the draft it changes. Open the page again and make the change there.".into(),
            )
        })?;
        Ok(VersionSummary {
            revision,
            ..stored.clone()
        })
    }
}

/// The draft a form is about, for an author; anything else is refused.
async fn load_draft(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
    version: Option<&str>,
    path: &str,
) -> Result<(Loaded, SignedIn), AppError> {
    let user = visitor
        .require(Action::AuthorFrameworks, &[], path)?
        .clone();
    let l = load(state, visitor, id, version).await?;
    if !l.may_author {
        return Err(AppError::Forbidden);
    }
    if l.summary.status != VersionStatus::Draft {
        return Err(AppError::BadRequest(format!(
            "Version {} is {} and cannot change. Create a new draft version to edit it.",
            l.summary.version,
            l.summary.status.as_str()
        )));
    }
    Ok((l, user))
}

/// The form field a problem from an edit is about: `descriptors[2]` is the textarea
/// `level_2`; problems about the whole framework (its size, its status) go on `fallback`.
fn form_field(location: &str, fields: &[&str], fallback: &str) -> String {
    if let Some(n) = location
        .strip_prefix("descriptors[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok())
    {
        return format!("level_{n}");
    }
    if location == "descriptors" {
        return "level_0".into();
    }
    fields
        .iter()
        .find(|f| **f == location)
        .map_or_else(|| fallback.to_owned(), |f| (*f).to_owned())
}

fn problems_on(problems: &Problems, fields: &[&str], fallback: &str) -> Errors {
    let mut errors = Errors::default();
    for p in problems.iter() {
        errors.add(form_field(&p.location, fields, fallback), &p.message);
    }
    errors
}

/// A form the author sent back to them: with what status, and what to fix.
type Refusal = (StatusCode, Errors);

/// Problems with what the author typed.
fn invalid(errors: Errors) -> Refusal {
    (StatusCode::UNPROCESSABLE_ENTITY, errors)
}

/// Saves an edited draft. A refusal the author can act on comes back as errors on `field`:
/// a conflict when someone else saved a change first, else the problems with the draft.
async fn save(
    state: &AppState,
    version: &VersionSummary,
    edited: &Framework,
    user: &SignedIn,
    edit: DraftEdit,
    field: &'static str,
) -> Result<Result<(), Refusal>, AppError> {
    match operations::save_draft(&state.store, version, edited, &user.actor(), edit).await {
        Ok(()) => Ok(Ok(())),
        Err(e @ StoreError::Conflict { .. }) => Ok(Err((
            StatusCode::CONFLICT,
            Errors::from_store(e, &[field], field)?,
        ))),
        Err(e @ StoreError::Invalid(_)) => {
            Ok(Err(invalid(Errors::from_store(e, &[field], field)?)))
        }
        Err(e) => Err(e.into()),
    }
}

fn version_query(version: &str) -> String {
    format!("?version={}", url_encode(version))
}

// ---- a new draft ----

async fn new_draft(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::AuthorFrameworks, &[], &format!("/frameworks/{id}"))?;
    let l = load(&state, &visitor, &id, q.version.as_deref()).await?;
    if !l.may_author {
        return Err(AppError::Forbidden);
    }
    let (_, label) = operations::create_draft(&state.store, &l.framework, &user.actor()).await?;
    Ok(Redirect::to(&format!("/frameworks/{id}{}", version_query(&label))).into_response())
}

// ---- the framework's details ----

#[derive(Template)]
#[template(path = "frameworks/edit_details.html")]
struct DetailsPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    revision: i64,
    /// The framework's page, to go back to unchanged.
    cancel: String,
    title: String,
    publisher: String,
    description: String,
    errors: Errors,
}

fn details_page(
    visitor: &Visitor,
    l: &Loaded,
    revision: i64,
    values: [String; 3],
    errors: Errors,
) -> DetailsPage {
    let [title, publisher, description] = values;
    DetailsPage {
        ctx: PageCtx::new(
            visitor,
            l.title("Edit the framework's details"),
            "frameworks",
        )
        .with_errors(!errors.is_empty()),
        f: l.framework.clone(),
        vq: l.vq.clone(),
        revision,
        cancel: format!("/frameworks/{}{}", l.framework.id(), l.vq),
        title,
        publisher,
        description,
        errors,
    }
}

async fn details_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/edit");
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let meta = &l.framework.meta;
    let values = [
        meta.title.clone(),
        meta.publisher.clone(),
        meta.description.clone(),
    ];
    Ok(render(&details_page(
        &visitor,
        &l,
        l.summary.revision,
        values,
        Errors::default(),
    )))
}

async fn details_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/edit");
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let form = Fields(form);
    let read = form.read_version(&l.summary)?;
    let values = [
        form.get("title"),
        form.get("publisher"),
        form.get("description"),
    ];
    let change = DraftChange::Details {
        title: &values[0],
        publisher: &values[1],
        description: &values[2],
    };
    let outcome = match apply(&l.framework, change) {
        Err(problems) => Err(invalid(problems_on(
            &problems,
            &["title", "publisher", "description"],
            "title",
        ))),
        Ok((edited, edit)) => save(&state, &read, &edited, &user, edit, "title").await?,
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/frameworks/{id}{}", l.vq)).into_response()),
        Err((status, errors)) => {
            let page = details_page(&visitor, &l, read.revision, values, errors);
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---- a domain ----

#[derive(Template)]
#[template(path = "frameworks/edit_domain.html")]
struct DomainPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    code: String,
    /// The domain's page, to go back to unchanged.
    cancel: String,
    revision: i64,
    title: String,
    description: String,
    errors: Errors,
}

async fn domain_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/domains/{}/edit", url_encode(&code));
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let domain = l
        .framework
        .domain(&code)
        .ok_or_else(|| AppError::NotFound(format!("Domain {code}")))?;
    let page = DomainPage {
        ctx: PageCtx::new(
            &visitor,
            l.title(&format!("Edit domain {code}")),
            "frameworks",
        ),
        title: domain.title.clone(),
        description: domain.description.clone(),
        f: l.framework.clone(),
        vq: l.vq.clone(),
        cancel: format!("/frameworks/{id}/domains/{}{}", url_encode(&code), l.vq),
        code,
        revision: l.summary.revision,
        errors: Errors::default(),
    };
    Ok(render(&page))
}

async fn domain_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/domains/{}/edit", url_encode(&code));
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    if l.framework.domain(&code).is_none() {
        return Err(AppError::NotFound(format!("Domain {code}")));
    }
    let form = Fields(form);
    let read = form.read_version(&l.summary)?;
    let (title, description) = (form.get("title"), form.get("description"));
    let change = DraftChange::Domain {
        code: &code,
        title: &title,
        description: &description,
    };
    let outcome = match apply(&l.framework, change) {
        Err(problems) => Err(invalid(problems_on(
            &problems,
            &["title", "description"],
            "title",
        ))),
        Ok((edited, edit)) => save(&state, &read, &edited, &user, edit, "title").await?,
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/frameworks/{id}/domains/{}{}",
            url_encode(&code),
            l.vq
        ))
        .into_response()),
        Err((status, errors)) => {
            let page = DomainPage {
                ctx: PageCtx::new(
                    &visitor,
                    l.title(&format!("Edit domain {code}")),
                    "frameworks",
                )
                .with_errors(true),
                f: l.framework.clone(),
                vq: l.vq.clone(),
                cancel: format!("/frameworks/{id}/domains/{}{}", url_encode(&code), l.vq),
                code,
                revision: read.revision,
                title,
                description,
                errors,
            };
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---- items: edit and add ----

/// The item form, for a new item (with its domain and code) or an existing one.
#[derive(Template)]
#[template(path = "frameworks/item_form.html")]
struct ItemFormPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    heading: String,
    action: String,
    cancel: String,
    revision: i64,
    /// Only for a new item: the domains to choose from, the code typed, and the code's hint.
    new: Option<(Vec<Choice>, String, String)>,
    title: String,
    kinds: Vec<Choice>,
    /// (field index, level title, value).
    levels: Vec<(usize, String, String)>,
    errors: Errors,
}

/// What the item form holds: the values to show again when something is wrong.
struct ItemValues {
    domain: String,
    code: String,
    title: String,
    kind: String,
    levels: Vec<String>,
}

impl ItemValues {
    fn read(form: &Fields, levels: usize) -> Self {
        Self {
            domain: form.get("domain"),
            code: form.get("code"),
            title: form.get("title"),
            kind: form.get("kind"),
            levels: (0..levels)
                .map(|i| form.get(&format!("level_{i}")))
                .collect(),
        }
    }

    fn descriptors(&self) -> Vec<Descriptor> {
        self.levels
            .iter()
            .map(|v| Descriptor::from_cell(v))
            .collect()
    }
}

struct ItemForm<'a> {
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    revision: i64,
    values: &'a ItemValues,
}

fn item_form_page(visitor: &Visitor, l: &Loaded, form: ItemForm, errors: Errors) -> ItemFormPage {
    let f = &l.framework;
    let values = form.values;
    let kinds = [ItemKind::Competency, ItemKind::EntryRequirement]
        .into_iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: k.label_in(&visitor.terms).to_owned(),
            selected: values.kind == k.as_str(),
        })
        .collect();
    let domains = f
        .domains()
        .iter()
        .map(|d| Choice {
            value: d.code.to_string(),
            label: format!("Domain {}: {}", d.code, d.title),
            selected: values.domain == d.code.as_str(),
        })
        .collect();
    ItemFormPage {
        ctx: PageCtx::new(visitor, l.title(&form.heading), "frameworks")
            .with_errors(!errors.is_empty()),
        f: f.clone(),
        vq: l.vq.clone(),
        heading: form.heading,
        action: form.action,
        cancel: form.cancel,
        revision: form.revision,
        new: form
            .is_new
            .then(|| (domains, values.code.clone(), code_hint(f, &values.domain))),
        title: values.title.clone(),
        kinds,
        levels: f
            .levels()
            .iter()
            .enumerate()
            .map(|(i, lv)| {
                (
                    i,
                    lv.title.clone(),
                    values.levels.get(i).cloned().unwrap_or_default(),
                )
            })
            .collect(),
        errors,
    }
}

async fn edit_item_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/items/{}/edit", url_encode(&code));
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let item = l
        .framework
        .item(&code)
        .ok_or_else(|| AppError::NotFound(format!("Item {code}")))?;
    let values = ItemValues {
        domain: item.domain.to_string(),
        code: item.code.to_string(),
        title: item.title.clone(),
        kind: item.kind.as_str().to_owned(),
        levels: item
            .descriptors
            .iter()
            .map(|d| d.to_cell().to_owned())
            .collect(),
    };
    let form = edit_item_form_of(&l, &id, &code, l.summary.revision, &values);
    Ok(render(&item_form_page(
        &visitor,
        &l,
        form,
        Errors::default(),
    )))
}

/// The hint for a new item's code: an unused code after the last one in the domain chosen
/// (or in the framework), so the author sees how codes run here.
fn code_hint(f: &Framework, domain: &str) -> String {
    let last = f
        .items()
        .iter()
        .rev()
        .find(|i| domain.is_empty() || i.domain.as_str() == domain)
        .map(|i| i.code.to_string());
    let example = last.as_deref().map(|last| {
        let mut next = pathway_domain::framework::next_version_label(last);
        while f.item(&next).is_some() {
            next = pathway_domain::framework::next_version_label(&next);
        }
        (last.to_owned(), next)
    });
    let rule = "No other item of the framework may have it, and it cannot be changed later: records cite items by their code.";
    match example {
        Some((last, next)) if !domain.is_empty() => {
            format!("The domain's last item is {last}, so for example {next}. {rule}")
        }
        Some((_, next)) => format!("For example {next}. {rule}"),
        None => rule.to_owned(),
    }
}

fn edit_item_form_of<'a>(
    l: &Loaded,
    id: &str,
    code: &str,
    revision: i64,
    values: &'a ItemValues,
) -> ItemForm<'a> {
    let item_path = format!("/frameworks/{id}/items/{}", url_encode(code));
    ItemForm {
        heading: format!("Edit {code} {}", values.title),
        action: format!("{item_path}/edit{}", l.vq),
        cancel: format!("{item_path}{}", l.vq),
        is_new: false,
        revision,
        values,
    }
}

async fn edit_item_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/items/{}/edit", url_encode(&code));
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let before = l
        .framework
        .item(&code)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("Item {code}")))?;
    let form = Fields(form);
    let read = form.read_version(&l.summary)?;
    let values = ItemValues::read(&form, l.framework.levels().len());
    let change = DraftChange::Item {
        code: &code,
        title: values.title.clone(),
        kind: ItemKind::parse(&values.kind).unwrap_or(before.kind),
        descriptors: values.descriptors(),
    };
    let outcome = match apply(&l.framework, change) {
        Err(problems) => Err(invalid(problems_on(&problems, &["title", "kind"], "title"))),
        Ok((edited, edit)) => save(&state, &read, &edited, &user, edit, "title").await?,
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/frameworks/{id}/items/{}{}",
            url_encode(&code),
            l.vq
        ))
        .into_response()),
        Err((status, errors)) => {
            let form = edit_item_form_of(&l, &id, &code, read.revision, &values);
            let page = item_form_page(&visitor, &l, form, errors);
            Ok((status, render(&page)).into_response())
        }
    }
}

fn new_item_form_of<'a>(
    l: &Loaded,
    id: &str,
    revision: i64,
    values: &'a ItemValues,
) -> ItemForm<'a> {
    ItemForm {
        heading: "Add an item".into(),
        action: format!("/frameworks/{id}/new-item{}", l.vq),
        cancel: format!("/frameworks/{id}{}", l.vq),
        is_new: true,
        revision,
        values,
    }
}

async fn new_item_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/new-item");
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let values = ItemValues {
        domain: q.domain.unwrap_or_default(),
        code: String::new(),
        title: String::new(),
        kind: ItemKind::Competency.as_str().to_owned(),
        levels: vec![String::new(); l.framework.levels().len()],
    };
    let form = new_item_form_of(&l, &id, l.summary.revision, &values);
    Ok(render(&item_form_page(
        &visitor,
        &l,
        form,
        Errors::default(),
    )))
}

async fn new_item_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/new-item");
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let form = Fields(form);
    let read = form.read_version(&l.summary)?;
    let values = ItemValues::read(&form, l.framework.levels().len());
    let fields = ["domain", "code", "title", "kind"];
    let outcome = match ItemKind::parse(&values.kind) {
        None => Err(invalid(Errors::one(
            "kind",
            "choose whether the item is a competency or an entry requirement",
        ))),
        Some(kind) => match apply(
            &l.framework,
            DraftChange::NewItem(NewItem {
                domain: values.domain.clone(),
                code: values.code.clone(),
                title: values.title.clone(),
                kind,
                descriptors: values.descriptors(),
            }),
        ) {
            Err(problems) => Err(invalid(problems_on(&problems, &fields, "code"))),
            Ok((edited, edit)) => save(&state, &read, &edited, &user, edit, "code")
                .await?
                .map(|()| added_code(&values.code)),
        },
    };
    match outcome {
        Ok(code) => Ok(Redirect::to(&format!(
            "/frameworks/{id}/items/{}{}",
            url_encode(&code),
            l.vq
        ))
        .into_response()),
        Err((status, errors)) => {
            let form = new_item_form_of(&l, &id, read.revision, &values);
            let page = item_form_page(&visitor, &l, form, errors);
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---- confirmations: removing an item, discarding a draft ----

#[derive(Template)]
#[template(path = "frameworks/confirm.html")]
struct ConfirmPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    heading: String,
    consequence: String,
    action: String,
    button: String,
    cancel: String,
    revision: i64,
    errors: Errors,
}

struct Confirm {
    heading: String,
    consequence: String,
    action: String,
    button: &'static str,
    cancel: String,
}

fn confirm_page(
    visitor: &Visitor,
    l: &Loaded,
    c: Confirm,
    revision: i64,
    errors: Errors,
) -> ConfirmPage {
    ConfirmPage {
        ctx: PageCtx::new(visitor, l.title(&c.heading), "frameworks")
            .with_errors(!errors.is_empty()),
        f: l.framework.clone(),
        vq: l.vq.clone(),
        heading: c.heading,
        consequence: c.consequence,
        action: c.action,
        button: c.button.to_owned(),
        cancel: c.cancel,
        revision,
        errors,
    }
}

fn remove_confirm(l: &Loaded, id: &str, code: &str) -> Result<Confirm, AppError> {
    let item = l
        .framework
        .item(code)
        .ok_or_else(|| AppError::NotFound(format!("Item {code}")))?;
    let mappings = l.framework.mappings_for(&item.code).count();
    let item_path = format!("/frameworks/{id}/items/{}", url_encode(code));
    Ok(Confirm {
        heading: format!("Remove {} {}?", item.code, item.title),
        consequence: format!(
            "Item {} will not be in version {}{}. Earlier versions keep it, and so do records made against them.",
            item.code,
            l.summary.version,
            match mappings {
                0 => String::new(),
                1 => ", nor will the training provider statement about it".into(),
                n => format!(", nor will the {n} training provider statements about it"),
            }
        ),
        action: format!("{item_path}/remove{}", l.vq),
        button: "Remove the item",
        cancel: format!("{item_path}{}", l.vq),
    })
}

async fn remove_item_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/items/{}/remove", url_encode(&code));
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let confirm = remove_confirm(&l, &id, &code)?;
    Ok(render(&confirm_page(
        &visitor,
        &l,
        confirm,
        l.summary.revision,
        Errors::default(),
    )))
}

async fn remove_item_submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/items/{}/remove", url_encode(&code));
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let confirm = remove_confirm(&l, &id, &code)?;
    let read = Fields(form).read_version(&l.summary)?;
    let outcome = match apply(&l.framework, DraftChange::RemoveItem { code: &code }) {
        Err(problems) => Err(invalid(problems_on(&problems, &[], "confirm"))),
        Ok((edited, edit)) => save(&state, &read, &edited, &user, edit, "confirm").await?,
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/frameworks/{id}{}", l.vq)).into_response()),
        Err((status, errors)) => {
            let page = confirm_page(&visitor, &l, confirm, read.revision, errors);
            Ok((status, render(&page)).into_response())
        }
    }
}

fn discard_confirm(l: &Loaded, id: &str) -> Confirm {
    Confirm {
        heading: format!("Discard draft version {}?", l.summary.version),
        consequence: format!(
            "The draft and every change made to it will be deleted. This cannot be undone. {}",
            if l.versions.len() > 1 {
                "The framework's other versions are not affected."
            } else {
                "It is the framework's only version, so the framework goes too."
            }
        ),
        action: format!(
            "/frameworks/{id}/discard{}",
            version_query(&l.summary.version)
        ),
        button: "Discard the draft",
        cancel: format!("/frameworks/{id}{}", l.vq),
    }
}

async fn discard_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/discard");
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let confirm = discard_confirm(&l, &id);
    Ok(render(&confirm_page(
        &visitor,
        &l,
        confirm,
        l.summary.revision,
        Errors::default(),
    )))
}

async fn discard(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/discard");
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let read = Fields(form).read_version(&l.summary)?;
    match operations::discard_draft(&state.store, &read, &l.framework, &user.actor()).await {
        Ok(()) => {}
        Err(e @ StoreError::Conflict { .. }) => {
            let errors = Errors::from_store(e, &[], "confirm")?;
            // Shown again as the draft is now, which is what a second press discards.
            let page = confirm_page(
                &visitor,
                &l,
                discard_confirm(&l, &id),
                l.summary.revision,
                errors,
            );
            return Ok((StatusCode::CONFLICT, render(&page)).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    let remaining = state.store.versions_of(&id, true).await?;
    let to = if remaining.is_empty() {
        "/frameworks".to_owned()
    } else {
        format!("/frameworks/{id}")
    };
    Ok(Redirect::to(&to).into_response())
}

// ---- review and publish ----

#[derive(Template)]
#[template(path = "frameworks/publish.html")]
struct PublishPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    version: String,
    /// The version in use now, which publishing retires.
    current: Option<String>,
    changes: Option<ChangesView>,
    revision: i64,
    errors: Errors,
}

async fn publish_page(
    state: &AppState,
    visitor: &Visitor,
    l: &Loaded,
    id: &str,
    revision: i64,
    errors: Errors,
) -> Result<PublishPage, AppError> {
    let current = pathway_store::baseline(&l.versions, &l.summary)
        .filter(|v| v.status == VersionStatus::Published)
        .cloned();
    let changes = match &current {
        Some(v) => {
            let content = state.framework(v.version_id).await?;
            Some(version_changes::view(
                id,
                &content.framework,
                &l.framework,
                &version_query(&v.version),
                &l.vq,
            ))
        }
        None => None,
    };
    Ok(PublishPage {
        ctx: PageCtx::new(
            visitor,
            l.title(&format!("Publish version {}", l.summary.version)),
            "frameworks",
        )
        .with_errors(!errors.is_empty()),
        f: l.framework.clone(),
        vq: l.vq.clone(),
        version: l.summary.version.clone(),
        current: current.map(|v| v.version),
        changes,
        revision,
        errors,
    })
}

async fn publish_review(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/publish");
    let (l, _) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let page = publish_page(
        &state,
        &visitor,
        &l,
        &id,
        l.summary.revision,
        Errors::default(),
    )
    .await?;
    Ok(render(&page))
}

async fn publish(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let path = format!("/frameworks/{id}/publish");
    let (l, user) = load_draft(&state, &visitor, &id, q.version.as_deref(), &path).await?;
    let read = Fields(form).read_version(&l.summary)?;
    match operations::publish(&state.store, &read, &l.framework, &user.actor()).await {
        Ok(()) => {}
        Err(e @ StoreError::Conflict { .. }) => {
            let errors = Errors::from_store(e, &[], "confirm")?;
            // The page shows the draft as it is now, to be reviewed again.
            let page = publish_page(&state, &visitor, &l, &id, l.summary.revision, errors).await?;
            return Ok((StatusCode::CONFLICT, render(&page)).into_response());
        }
        Err(e) => return Err(e.into()),
    }
    state.forget_versions(&id);
    Ok(Redirect::to(&format!("/frameworks/{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::{code_hint, form_field};
    use pathway_domain::framework::Framework;

    #[test]
    fn a_new_items_code_hint_follows_on_from_the_domains_last_code() {
        let f: Framework = serde_json::from_str(include_str!(
            "../../../../frameworks/hee-ahp-support-worker-2021.json"
        ))
        .unwrap();
        let last = f
            .items_in(&"2".parse().unwrap())
            .last()
            .unwrap()
            .code
            .to_string();
        let (head, n) = last.rsplit_once('.').unwrap();
        let next = format!("{head}.{}", n.parse::<u32>().unwrap() + 1);
        assert!(
            code_hint(&f, "2").starts_with(&format!(
                "The domain's last item is {last}, so for example {next}. "
            )),
            "{}",
            code_hint(&f, "2")
        );
        assert!(code_hint(&f, "").starts_with("For example 8."));
    }

    #[test]
    fn edit_problems_go_to_their_fields() {
        let fields = ["title", "code", "domain"];
        assert_eq!(form_field("title", &fields, "title"), "title");
        assert_eq!(form_field("code", &fields, "title"), "code");
        assert_eq!(form_field("descriptors[2]", &fields, "title"), "level_2");
        assert_eq!(form_field("descriptors", &fields, "title"), "level_0");
        assert_eq!(form_field("items", &fields, "code"), "code");
        assert_eq!(form_field("status", &fields, "title"), "title");
    }
}
