//! Authoring endpoints: start a draft, change its details, domains and items, publish it or
//! discard it; what the author's pages do, for scripts and other tools. The same rules
//! apply ([`crate::drafting`]), and the same people may: the framework's authors (see
//! [`crate::stewardship`]).
//!
//! Every change names the draft's revision it was made against. If someone else has saved a
//! change since, the change is refused (409) and nothing is written, so two tools cannot
//! undo each other's work. Each response carries the draft's revision after the change.

use super::types::FrameworkSummary;
use crate::auth::{SignedIn, Visitor};
use crate::drafting::{DraftChange, apply};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::operations;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use pathway_domain::access::Action;
use pathway_domain::framework::{
    Descriptor, Framework, ItemKind, NewItem, Problem, Problems, VersionStatus,
};
use pathway_store::VersionSummary;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/frameworks/{id}/drafts", post(new_draft))
        .route(
            "/api/frameworks/{id}/versions/{version}",
            get(version).patch(edit_details).delete(discard),
        )
        .route(
            "/api/frameworks/{id}/versions/{version}/publish",
            post(publish),
        )
        .route(
            "/api/frameworks/{id}/versions/{version}/domains/{code}",
            patch(edit_domain),
        )
        .route(
            "/api/frameworks/{id}/versions/{version}/items",
            post(add_item),
        )
        .route(
            "/api/frameworks/{id}/versions/{version}/items/{code}",
            put(edit_item).delete(remove_item),
        )
}

/// Starting a draft.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraftInput {
    /// The version to copy; the current published version when left out.
    from: Option<String>,
}

/// The framework's details; a field left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailsInput {
    /// The draft's revision this change was made against.
    revision: i64,
    title: Option<String>,
    publisher: Option<String>,
    description: Option<String>,
}

/// A domain's title and description; a field left out stays as it is. Its code never changes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainInput {
    /// The draft's revision this change was made against.
    revision: i64,
    title: Option<String>,
    description: Option<String>,
}

/// What a descriptor says at one level.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DescriptorInput {
    /// The level's key, as in the framework's `levels`.
    level: String,
    /// `text`, `not_applicable` (the framework's "N/A") or `missing` (it says nothing here).
    /// When left out: `text` if there is text, else `missing`.
    kind: Option<String>,
    /// The descriptor, for `text`.
    text: Option<String>,
}

/// An item's title, kind and descriptors, all given: they replace the item's. Its code and
/// domain never change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// The draft's revision this change was made against.
    revision: i64,
    title: String,
    /// `competency` or `entry_requirement`.
    kind: String,
    /// One per level, each naming its level.
    descriptors: Vec<DescriptorInput>,
}

/// A new item, added after the last item of its domain.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemInput {
    /// The draft's revision this change was made against.
    revision: i64,
    /// The domain's code.
    domain: String,
    /// A code no item of the framework has; it never changes afterwards.
    code: String,
    title: String,
    /// `competency` or `entry_requirement`.
    kind: String,
    /// One per level, each naming its level.
    descriptors: Vec<DescriptorInput>,
}

/// Publishing a draft: the revision whose changes were reviewed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionInput {
    /// The draft's revision to publish; a later one is not published.
    revision: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RevisionParam {
    /// The draft's revision this change was made against.
    revision: Option<String>,
}

/// A draft of `id` that `visitor` authors, with the author; anything else is refused.
async fn draft(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
    version: &str,
) -> Result<(VersionSummary, Arc<Framework>, SignedIn), ApiError> {
    let user = visitor
        .require(
            Action::AuthorFrameworks,
            &[],
            &format!("/api/frameworks/{id}"),
        )?
        .clone();
    let (versions, may_author) = crate::stewardship::versions_for(state, visitor, id).await?;
    let summary = labelled(&versions, id, version)?;
    if !may_author {
        return Err(AppError::Forbidden.into());
    }
    if summary.status != VersionStatus::Draft {
        return Err(AppError::Refused {
            status: StatusCode::CONFLICT,
            code: "not_a_draft",
            message: format!(
                "Version {version} of framework {id} is {} and cannot change. Start a draft with POST /api/frameworks/{id}/drafts and change that",
                summary.status.as_str()
            ),
        }
        .into());
    }
    let framework = state.framework(summary.version_id).await?.framework;
    Ok((summary, framework, user))
}

/// The version of `id` labelled `version` among those the caller may see.
fn labelled(
    versions: &[VersionSummary],
    id: &str,
    version: &str,
) -> Result<VersionSummary, AppError> {
    versions
        .iter()
        .find(|v| v.version == version)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("Framework {id} version {version}")))
}

/// The request body as `T`, or what is wrong with it at its JSON path.
fn input<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/json"));
    if !json {
        return Err(AppError::Refused {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            message: "Send the change as JSON, with Content-Type: application/json".into(),
        }
        .into());
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let location = if path == "." {
            "$".to_owned()
        } else {
            format!("$.{path}")
        };
        // The path says where; serde's " at line 1 column 20" says it again, less usefully.
        let message = e.into_inner().to_string();
        let message = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(m, _)| m)
            .to_owned();
        AppError::Invalid(Problems::one(location, message)).into()
    })
}

/// An item's kind as the API names it.
fn kind(raw: &str, at: &str) -> Result<ItemKind, Problems> {
    ItemKind::parse(raw).ok_or_else(|| {
        Problems::one(
            at,
            format!("unknown kind \"{raw}\"; use competency or entry_requirement"),
        )
    })
}

/// The descriptors given, in the framework's level order: every level once, each by its key.
/// Also gives, for each level, where in `given` it was, to name problems by.
fn descriptors(
    f: &Framework,
    given: &[DescriptorInput],
) -> Result<(Vec<Descriptor>, Vec<usize>), Problems> {
    let mut problems = Problems::default();
    let mut at_level: Vec<Option<(usize, Descriptor)>> = vec![None; f.levels().len()];
    for (i, d) in given.iter().enumerate() {
        let here = format!("$.descriptors[{i}]");
        let Some(level) = f.levels().iter().position(|l| l.key.as_str() == d.level) else {
            let keys: Vec<&str> = f.levels().iter().map(|l| l.key.as_str()).collect();
            problems.push(
                format!("{here}.level"),
                format!(
                    "the framework has no level \"{}\"; its levels are {}",
                    d.level,
                    keys.join(", ")
                ),
            );
            continue;
        };
        let text = d.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let descriptor = match (d.kind.as_deref(), text) {
            (Some("text") | None, Some(t)) => Descriptor::Text(t.to_owned()),
            (None, None) | (Some("missing"), None) => Descriptor::Missing,
            (Some("not_applicable"), None) => Descriptor::NotApplicable,
            (Some("text"), None) => {
                problems.push(format!("{here}.text"), "give the descriptor's text");
                continue;
            }
            (Some(k @ ("missing" | "not_applicable")), Some(_)) => {
                problems.push(
                    format!("{here}.text"),
                    format!("a {k} descriptor has no text; leave text out, or make it text"),
                );
                continue;
            }
            (Some(other), _) => {
                problems.push(
                    format!("{here}.kind"),
                    format!("unknown kind \"{other}\"; use text, not_applicable or missing"),
                );
                continue;
            }
        };
        if at_level[level].is_some() {
            problems.push(
                format!("{here}.level"),
                format!("level {} is given twice", d.level),
            );
            continue;
        }
        at_level[level] = Some((i, descriptor));
    }
    let missing: Vec<&str> = f
        .levels()
        .iter()
        .zip(&at_level)
        .filter(|(_, d)| d.is_none())
        .map(|(l, _)| l.key.as_str())
        .collect();
    if problems.is_empty() && !missing.is_empty() {
        problems.push(
            "$.descriptors",
            format!(
                "give a descriptor for every level; missing: {} (use kind missing where the framework says nothing)",
                missing.join(", ")
            ),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(at_level.into_iter().flatten().map(|(i, d)| (d, i)).unzip())
}

/// An item's kind and descriptors as given, with every problem in either; see [`descriptors`].
fn item_parts(
    f: &Framework,
    kind_given: &str,
    descriptors_given: &[DescriptorInput],
) -> Result<(ItemKind, Vec<Descriptor>, Vec<usize>), ApiError> {
    let mut problems = Problems::default();
    let kind = kind(kind_given, "$.kind")
        .map_err(|p| problems.0.extend(p.0))
        .ok();
    let levels = descriptors(f, descriptors_given)
        .map_err(|p| problems.0.extend(p.0))
        .ok();
    match (kind, levels) {
        (Some(kind), Some((descriptors, given_at))) => Ok((kind, descriptors, given_at)),
        _ => Err(AppError::Invalid(problems).into()),
    }
}

/// The engine's problems with a change, at the JSON paths of the request: `title` is
/// `$.title`, and `descriptors[n]` (the nth level) is where that level was given.
fn at_paths(problems: Problems, given_at: &[usize]) -> Problems {
    Problems(
        problems
            .0
            .into_iter()
            .map(|p| {
                let level = p
                    .location
                    .strip_prefix("descriptors[")
                    .and_then(|r| r.strip_suffix(']'))
                    .and_then(|n| n.parse::<usize>().ok());
                let location = match level.and_then(|n| given_at.get(n)) {
                    Some(i) => format!("$.descriptors[{i}]"),
                    None => format!("$.{}", p.location),
                };
                Problem { location, ..p }
            })
            .collect(),
    )
}

/// Saves `change` to the draft as read at `revision`; returns the draft's summary after it.
async fn save(
    state: &AppState,
    (summary, framework, user): (VersionSummary, Arc<Framework>, SignedIn),
    revision: i64,
    change: DraftChange<'_>,
    given_at: &[usize],
) -> Result<Json<FrameworkSummary>, ApiError> {
    let (edited, edit) =
        apply(&framework, change).map_err(|p| AppError::Invalid(at_paths(p, given_at)))?;
    let read = VersionSummary {
        revision,
        ..summary.clone()
    };
    operations::save_draft(&state.store, &read, &edited, &user.actor(), edit).await?;
    Ok(Json(now(state, &summary).await?))
}

/// The version's summary as stored now.
async fn now(state: &AppState, v: &VersionSummary) -> Result<FrameworkSummary, ApiError> {
    let versions = state.store.versions_of(&v.framework_id, true).await?;
    let now = versions
        .into_iter()
        .find(|x| x.version_id == v.version_id)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "Framework {} version {}",
                v.framework_id, v.version
            ))
        })?;
    Ok(now.into())
}

/// The `revision` query parameter of a DELETE.
fn revision_param(q: &RevisionParam) -> Result<i64, ApiError> {
    let raw = q.revision.as_deref().unwrap_or_default();
    raw.trim().parse().map_err(|_| {
        AppError::Invalid(Problems::one(
            "revision",
            "give the draft's revision in the revision query parameter, as a number (GET the version for it)",
        ))
        .into()
    })
}

/// One version of a framework: its status and its revision, which a change must name.
#[utoipa::path(get, path = "/api/frameworks/{id}/versions/{version}", tag = "authoring", operation_id = "getFrameworkVersion",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "Version label")),
    responses(
        (status = 200, description = "The version, with its revision", body = FrameworkSummary),
        (status = 404, description = "No such framework or version (drafts are found only by their authors)", body = ErrorBody)))]
pub async fn version(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<FrameworkSummary>, ApiError> {
    let (versions, _) = crate::stewardship::versions_for(&state, &visitor, &id).await?;
    Ok(Json(labelled(&versions, &id, &version)?.into()))
}

/// Starts a draft: a copy of a version (the current published one unless `from` says),
/// labelled after it ("2021" → "2021.1").
#[utoipa::path(post, path = "/api/frameworks/{id}/drafts", tag = "authoring", operation_id = "createDraft",
    params(("id" = String, Path, description = "Framework id")),
    request_body(content = NewDraftInput, description = "Which version to copy; an empty body copies the current published version"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "The new draft; its address is in Location", body = FrameworkSummary),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework or version", body = ErrorBody),
        (status = 422, description = "The body is not the JSON expected", body = ErrorBody)))]
pub async fn new_draft(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = visitor
        .require(
            Action::AuthorFrameworks,
            &[],
            &format!("/api/frameworks/{id}"),
        )?
        .clone();
    let wanted: NewDraftInput = if body.iter().all(u8::is_ascii_whitespace) {
        NewDraftInput::default()
    } else {
        input(&headers, &body)?
    };
    let (versions, may_author) = crate::stewardship::versions_for(&state, &visitor, &id).await?;
    let from = pathway_store::pick_version(&versions, wanted.from.as_deref())
        .cloned()
        .ok_or_else(|| {
            AppError::NotFound(match &wanted.from {
                Some(v) => format!("Framework {id} version {v}"),
                None => format!("A published version of framework {id}"),
            })
        })?;
    if !may_author {
        return Err(AppError::Forbidden.into());
    }
    let framework = state.framework(from.version_id).await?.framework;
    let (version_id, label) =
        operations::create_draft(&state.store, &framework, &user.actor()).await?;
    let created = VersionSummary { version_id, ..from };
    let body = now(&state, &created).await?;
    let location = format!(
        "/api/frameworks/{id}/versions/{}",
        crate::views::url_encode(&label)
    );
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// Changes a draft's title, publisher or description.
#[utoipa::path(patch, path = "/api/frameworks/{id}/versions/{version}", tag = "authoring", operation_id = "editDraftDetails",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label")),
    request_body(content = DetailsInput, content_type = "application/json"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Saved; the draft with its new revision", body = FrameworkSummary),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework or draft", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was written", body = ErrorBody),
        (status = 422, description = "The change breaks the framework's rules; each problem names its JSON path", body = ErrorBody)))]
pub async fn edit_details(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<FrameworkSummary>, ApiError> {
    let loaded = draft(&state, &visitor, &id, &version).await?;
    let given: DetailsInput = input(&headers, &body)?;
    let meta = loaded.1.meta.clone();
    let change = DraftChange::Details {
        title: given.title.as_deref().unwrap_or(&meta.title),
        publisher: given.publisher.as_deref().unwrap_or(&meta.publisher),
        description: given.description.as_deref().unwrap_or(&meta.description),
    };
    save(&state, loaded, given.revision, change, &[]).await
}

/// Changes a domain's title or description.
#[utoipa::path(patch, path = "/api/frameworks/{id}/versions/{version}/domains/{code}", tag = "authoring", operation_id = "editDraftDomain",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label"), ("code" = String, Path, description = "Domain code")),
    request_body(content = DomainInput, content_type = "application/json"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Saved; the draft with its new revision", body = FrameworkSummary),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework, draft or domain", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was written", body = ErrorBody),
        (status = 422, description = "The change breaks the framework's rules; each problem names its JSON path", body = ErrorBody)))]
pub async fn edit_domain(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path((id, version, code)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<FrameworkSummary>, ApiError> {
    let loaded = draft(&state, &visitor, &id, &version).await?;
    let domain = loaded.1.domain(&code).cloned().ok_or_else(|| {
        AppError::NotFound(format!("Domain {code} of framework {id} version {version}"))
    })?;
    let given: DomainInput = input(&headers, &body)?;
    let change = DraftChange::Domain {
        code: &code,
        title: given.title.as_deref().unwrap_or(&domain.title),
        description: given.description.as_deref().unwrap_or(&domain.description),
    };
    save(&state, loaded, given.revision, change, &[]).await
}

/// Adds an item to a draft, after the last item of its domain.
#[utoipa::path(post, path = "/api/frameworks/{id}/versions/{version}/items", tag = "authoring", operation_id = "addDraftItem",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label")),
    request_body(content = NewItemInput, content_type = "application/json"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Added; the item's address is in Location, and the body is the draft with its new revision", body = FrameworkSummary),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework or draft", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was written", body = ErrorBody),
        (status = 422, description = "The item breaks the framework's rules (a code another item has, an unknown domain or level, a missing title); each problem names its JSON path", body = ErrorBody)))]
pub async fn add_item(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let loaded = draft(&state, &visitor, &id, &version).await?;
    let given: NewItemInput = input(&headers, &body)?;
    let (kind, descriptors, given_at) = item_parts(&loaded.1, &given.kind, &given.descriptors)?;
    let change = DraftChange::NewItem(NewItem {
        domain: given.domain.clone(),
        code: given.code.clone(),
        title: given.title.clone(),
        kind,
        descriptors,
    });
    let saved = save(&state, loaded, given.revision, change, &given_at).await?;
    let location = format!(
        "/api/frameworks/{id}/items/{}?version={}",
        crate::views::url_encode(&crate::drafting::added_code(&given.code)),
        crate::views::url_encode(&version)
    );
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], saved).into_response())
}

/// Replaces an item's title, kind and descriptors.
#[utoipa::path(put, path = "/api/frameworks/{id}/versions/{version}/items/{code}", tag = "authoring", operation_id = "editDraftItem",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label"), ("code" = String, Path, description = "Item code (percent-encoded)")),
    request_body(content = ItemInput, content_type = "application/json"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Saved; the draft with its new revision", body = FrameworkSummary),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework, draft or item", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was written", body = ErrorBody),
        (status = 422, description = "The change breaks the framework's rules; each problem names its JSON path", body = ErrorBody)))]
pub async fn edit_item(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path((id, version, code)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<FrameworkSummary>, ApiError> {
    let loaded = draft(&state, &visitor, &id, &version).await?;
    if loaded.1.item(&code).is_none() {
        return Err(
            AppError::NotFound(format!("Item {code} of framework {id} version {version}")).into(),
        );
    }
    let given: ItemInput = input(&headers, &body)?;
    let (kind, descriptors, given_at) = item_parts(&loaded.1, &given.kind, &given.descriptors)?;
    let change = DraftChange::Item {
        code: &code,
        title: given.title.clone(),
        kind,
        descriptors,
    };
    save(&state, loaded, given.revision, change, &given_at).await
}

/// Removes an item from a draft, with the training providers' statements about it.
#[utoipa::path(delete, path = "/api/frameworks/{id}/versions/{version}/items/{code}", tag = "authoring", operation_id = "removeDraftItem",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label"), ("code" = String, Path, description = "Item code (percent-encoded)"), RevisionParam),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Removed; the draft with its new revision", body = FrameworkSummary),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework, draft or item", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was written", body = ErrorBody),
        (status = 422, description = "No revision given, or the item is the framework's only one", body = ErrorBody)))]
pub async fn remove_item(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, version, code)): Path<(String, String, String)>,
    Query(q): Query<RevisionParam>,
) -> Result<Json<FrameworkSummary>, ApiError> {
    let loaded = draft(&state, &visitor, &id, &version).await?;
    if loaded.1.item(&code).is_none() {
        return Err(
            AppError::NotFound(format!("Item {code} of framework {id} version {version}")).into(),
        );
    }
    let revision = revision_param(&q)?;
    save(
        &state,
        loaded,
        revision,
        DraftChange::RemoveItem { code: &code },
        &[],
    )
    .await
}

/// Publishes a draft, retiring the version in use: the revision reviewed, not a later one.
#[utoipa::path(post, path = "/api/frameworks/{id}/versions/{version}/publish", tag = "authoring", operation_id = "publishDraft",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label")),
    request_body(content = RevisionInput, content_type = "application/json"),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 200, description = "Published", body = FrameworkSummary),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework or draft", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was published", body = ErrorBody),
        (status = 422, description = "The body is not the JSON expected", body = ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path((id, version)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<FrameworkSummary>, ApiError> {
    let (summary, framework, user) = draft(&state, &visitor, &id, &version).await?;
    let given: RevisionInput = input(&headers, &body)?;
    let read = VersionSummary {
        revision: given.revision,
        ..summary.clone()
    };
    operations::publish(&state.store, &read, &framework, &user.actor()).await?;
    state.forget_versions(&id);
    Ok(Json(now(&state, &summary).await?))
}

/// Discards a draft: it and every change made to it are deleted.
#[utoipa::path(delete, path = "/api/frameworks/{id}/versions/{version}", tag = "authoring", operation_id = "discardDraft",
    params(("id" = String, Path, description = "Framework id"), ("version" = String, Path, description = "The draft's version label"), RevisionParam),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 204, description = "Discarded"),
        (status = 403, description = "Not one of the framework's authors, or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such framework or draft", body = ErrorBody),
        (status = 409, description = "The version is not a draft, or someone saved a change to it since `revision`; nothing was deleted", body = ErrorBody),
        (status = 422, description = "No revision given", body = ErrorBody)))]
pub async fn discard(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, version)): Path<(String, String)>,
    Query(q): Query<RevisionParam>,
) -> Result<StatusCode, ApiError> {
    let (summary, framework, user) = draft(&state, &visitor, &id, &version).await?;
    let read = VersionSummary {
        revision: revision_param(&q)?,
        ..summary
    };
    operations::discard_draft(&state.store, &read, &framework, &user.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}
