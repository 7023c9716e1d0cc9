//! Framework endpoints.

use super::types::*;
use crate::auth::Visitor;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::operations;
use crate::state::{AppState, VersionContent};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use pathway_domain::access::Action;
use pathway_domain::framework::{Framework, FrameworkId, LevelPlacement, csv_format};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/frameworks", get(list))
        .route(
            "/api/frameworks/import",
            post(import).layer(axum::extract::DefaultBodyLimit::max(
                crate::auth::MAX_IMPORT_BODY,
            )),
        )
        .route("/api/frameworks/{id}", get(show))
        .route("/api/frameworks/{id}/versions", get(versions))
        .route("/api/frameworks/{id}/items/{code}", get(item))
        .route("/api/frameworks/{id}/levels/{key}", get(level))
        .route("/api/frameworks/{id}/expectations", get(expectations))
        .route("/api/frameworks/{id}/export", get(export))
        .route("/api/frameworks/{id}/changes", get(changes))
}

#[derive(Deserialize, IntoParams)]
pub struct ChangesParams {
    /// The earlier version's label. When left out: for a draft, the version in use now; for
    /// any other version, the published or retired version before it.
    from: Option<String>,
    /// The later version's label; the current published version when left out.
    to: Option<String>,
}

/// What changed between two versions of a framework: details, levels, domains, items (with
/// each changed descriptor word by word) and training provider statements.
#[utoipa::path(get, path = "/api/frameworks/{id}/changes", tag = "frameworks", operation_id = "compareVersions",
    params(("id" = String, Path, description = "Framework id"), ChangesParams),
    responses(
        (status = 200, description = "Everything that differs from `from` to `to`", body = ChangesBody),
        (status = 400, description = "`to` is the framework's first version and no `from` was given", body = ErrorBody),
        (status = 404, description = "No such framework or version", body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<ChangesParams>,
) -> Result<Json<ChangesBody>, ApiError> {
    let (to, to_content) = load(&state, &visitor, &id, q.to.as_deref()).await?;
    let from = match q.from.as_deref() {
        Some(v) => load(&state, &visitor, &id, Some(v)).await?.1,
        None => {
            let (versions, _) = crate::stewardship::versions_for(&state, &visitor, &id).await?;
            let Some(before) = pathway_store::baseline(&versions, &to) else {
                return Err(AppError::BadRequest(format!(
                    "Version {} is the first version of framework {id}, so there is nothing before it to compare with. Name a version to compare it with in `from`.",
                    to.version
                ))
                .into());
            };
            state.framework(before.version_id).await?.framework
        }
    };
    let diff = pathway_domain::framework::diff_versions(&from, &to_content);
    Ok(Json(changes_body(&id, &diff)))
}

#[derive(Deserialize, IntoParams)]
pub struct VersionParam {
    /// A version label; the current published version when left out.
    version: Option<String>,
}

async fn load(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
    version: Option<&str>,
) -> Result<(pathway_store::VersionSummary, Arc<Framework>), ApiError> {
    let (summary, content) = load_content(state, visitor, id, version).await?;
    Ok((summary, content.framework))
}

/// Like [`load`], with everything the server keeps about the version.
async fn load_content(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
    version: Option<&str>,
) -> Result<(pathway_store::VersionSummary, VersionContent), ApiError> {
    let (versions, _) = crate::stewardship::versions_for(state, visitor, id).await?;
    let summary = pathway_store::pick_version(&versions, version)
        .cloned()
        .ok_or_else(|| {
            AppError::NotFound(match version {
                Some(v) => format!("Framework {id} version {v}"),
                None => format!("Framework {id}"),
            })
        })?;
    let content = state.framework(summary.version_id).await?;
    Ok((summary, content))
}

/// Frameworks and their versions (drafts only for framework authors).
#[utoipa::path(get, path = "/api/frameworks", tag = "frameworks", operation_id = "listFrameworks",
    responses((status = 200, description = "Every framework version the caller may read", body = [FrameworkSummary])))]
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Json<Vec<FrameworkSummary>>, ApiError> {
    let versions = crate::stewardship::all_versions_for(&state, &visitor).await?;
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}

/// A framework version with its levels, domains, items, descriptors and provider mappings.
#[utoipa::path(get, path = "/api/frameworks/{id}", tag = "frameworks", operation_id = "getFramework",
    params(("id" = String, Path, description = "Framework id"), VersionParam),
    responses(
        (status = 200, description = "The version whole: levels, domains, items with their descriptors, provider mappings", body = FrameworkBody),
        (status = 404, description = "No such framework or version", body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<VersionParam>,
) -> Result<Response, ApiError> {
    let (_, content) = load_content(&state, &visitor, &id, q.version.as_deref()).await?;
    // The whole document is large and, for a published version, never changes: serialise
    // it once per version rather than once per request.
    let json = match content.whole_json.get() {
        Some(json) => json.clone(),
        None => {
            let json = serde_json::to_vec(&framework_body(&content.framework))
                .map_err(|e| AppError::Internal(format!("framework JSON: {e}")))?;
            content.whole_json.get_or_init(|| Bytes::from(json)).clone()
        }
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}

/// Every version of a framework.
#[utoipa::path(get, path = "/api/frameworks/{id}/versions", tag = "frameworks", operation_id = "listFrameworkVersions",
    params(("id" = String, Path, description = "Framework id")),
    responses(
        (status = 200, description = "The framework's versions the caller may read, oldest first", body = [FrameworkSummary]),
        (status = 404, description = "No such framework", body = ErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Json<Vec<FrameworkSummary>>, ApiError> {
    let (versions, _) = crate::stewardship::versions_for(&state, &visitor, &id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound(format!("Framework {id}")).into());
    }
    Ok(Json(versions.iter().cloned().map(Into::into).collect()))
}

/// One item with its descriptor at every level and how each differs from the level before.
#[utoipa::path(get, path = "/api/frameworks/{id}/items/{code}", tag = "frameworks", operation_id = "getItem",
    params(("id" = String, Path, description = "Framework id"), ("code" = String, Path, description = "Item code, e.g. 3.9 (percent-encoded)"), VersionParam),
    responses(
        (status = 200, description = "The item, its descriptor at each level and what changes between levels", body = ItemBody),
        (status = 404, description = "No such framework, version or item", body = ErrorBody)))]
pub async fn item(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, code)): Path<(String, String)>,
    Query(q): Query<VersionParam>,
) -> Result<Json<ItemBody>, ApiError> {
    let (_, f) = load(&state, &visitor, &id, q.version.as_deref()).await?;
    let item = f
        .item(&code)
        .ok_or_else(|| AppError::NotFound(format!("Item {code} of framework {id}")))?;
    Ok(Json(item_body(&f, item)))
}

/// Everything expected at one level.
#[utoipa::path(get, path = "/api/frameworks/{id}/levels/{key}", tag = "frameworks", operation_id = "getLevel",
    params(("id" = String, Path, description = "Framework id"), ("key" = String, Path, description = "Level key, e.g. intermediate"), VersionParam),
    responses(
        (status = 200, description = "Everything expected at the level, item by item", body = LevelItemsBody),
        (status = 404, description = "No such framework, version or level", body = ErrorBody)))]
pub async fn level(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, key)): Path<(String, String)>,
    Query(q): Query<VersionParam>,
) -> Result<Json<LevelItemsBody>, ApiError> {
    let (_, f) = load(&state, &visitor, &id, q.version.as_deref()).await?;
    let (index, lvl) = f
        .level(&key)
        .ok_or_else(|| AppError::NotFound(format!("Level {key} of framework {id}")))?;
    Ok(Json(LevelItemsBody {
        framework: f.id().to_string(),
        version: f.meta.version.clone(),
        level: LevelBody {
            key: lvl.key.to_string(),
            title: lvl.title.clone(),
            description: lvl.description.clone(),
        },
        items: f
            .items()
            .iter()
            .map(|i| LevelItem {
                code: i.code.to_string(),
                domain: i.domain.to_string(),
                title: i.title.clone(),
                kind: i.kind.as_str().into(),
                descriptor: descriptor_body(&f, i, index),
            })
            .collect(),
    }))
}

/// What is expected of a person at the levels they hold: every item with its descriptor at
/// the level held in the item's domain. For a framework whose `level_placement` is
/// `whole_framework` give `level`; for one placed `per_domain` give `level-<domain code>`
/// for every domain (e.g. `level-PP=band-6&level-ED=band-7`).
#[utoipa::path(get, path = "/api/frameworks/{id}/expectations", tag = "frameworks", operation_id = "getExpectations",
    params(
        ("id" = String, Path, description = "Framework id"),
        ("version" = Option<String>, Query, description = "A version label; the current published version when left out"),
        ("level" = Option<String>, Query, description = "The level key held across the whole framework; for a framework placed per domain, give level-<domain code> for each domain instead"),
    ),
    responses(
        (status = 200, description = "What is expected of someone placed at these levels, domain by domain", body = ExpectationsBody),
        (status = 404, description = "No such framework or version", body = ErrorBody),
        (status = 422, description = "No level, an unknown level, or a domain without a level; each problem names its parameter", body = ErrorBody)))]
pub async fn expectations(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<ExpectationsBody>, ApiError> {
    let version = params
        .iter()
        .find(|(k, _)| k == "version")
        .map(|(_, v)| v.as_str());
    let (_, f) = load(&state, &visitor, &id, version).await?;
    let placement = crate::placement_query::placement_from(&f, &params)
        .map_err(AppError::Invalid)?
        .ok_or_else(|| {
            let first = f
                .domains()
                .first()
                .map(|d| crate::placement_query::field_for(f.meta.level_placement, &d.code))
                .unwrap_or_else(|| "level".into());
            AppError::Invalid(pathway_domain::framework::Problems::one(
                first,
                match f.meta.level_placement {
                    LevelPlacement::WholeFramework => {
                        "give the level held, e.g. level=intermediate"
                    }
                    LevelPlacement::PerDomain => {
                        "give the level held in each domain as level-<domain code>"
                    }
                },
            ))
        })?;
    let expected = f.expected_of(&placement).map_err(AppError::Invalid)?;
    Ok(Json(ExpectationsBody {
        framework: f.id().to_string(),
        version: f.meta.version.clone(),
        level_placement: f.meta.level_placement.as_str().into(),
        placement: placement
            .levels()
            .iter()
            .map(|(domain, level)| PlacementBody {
                domain: domain.to_string(),
                level: level.to_string(),
            })
            .collect(),
        items: expected
            .iter()
            .filter_map(|e| {
                let (index, _) = f.level(e.level.key.as_str())?;
                Some(LevelItem {
                    code: e.item.code.to_string(),
                    domain: e.item.domain.to_string(),
                    title: e.item.title.clone(),
                    kind: e.item.kind.as_str().into(),
                    descriptor: descriptor_body(&f, e.item, index),
                })
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct ExportParams {
    /// `case` (1EdTech CASE 1.1 JSON, the default) or `csv`.
    format: Option<String>,
    /// A version label; the current published version when left out.
    version: Option<String>,
}

/// Downloads a framework version as CASE 1.1 JSON or CSV.
#[utoipa::path(get, path = "/api/frameworks/{id}/export", tag = "frameworks", operation_id = "exportFramework",
    params(("id" = String, Path, description = "Framework id"), ExportParams),
    responses(
        (status = 200, description = "The version as a CASE 1.1 package (format=case) or CSV (format=csv)",
            content((Object = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Unknown format", body = ErrorBody),
        (status = 404, description = "No such framework or version", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let (summary, content) = load_content(&state, &visitor, &id, q.version.as_deref()).await?;
    let f = content.framework.clone();
    let name = format!("{}-{}", f.id(), f.meta.version);
    match q.format.as_deref().unwrap_or("case") {
        "case" => {
            // Published versions' packages are made once and kept; drafts' every time.
            let body = crate::case_api::package_of(&state, &summary, &content);
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.case.json\""),
                    ),
                ],
                Json(body.as_ref()),
            )
                .into_response())
        }
        "csv" => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            csv_format::export(&f),
        )
            .into_response()),
        other => Err(AppError::BadRequest(format!(
            "Format \"{other}\" is not supported; use case or csv"
        ))
        .into()),
    }
}

#[derive(Deserialize, IntoParams)]
pub struct ImportParams {
    /// The framework id: needed for CSV. For JSON, imports the file as this framework instead
    /// of the one it names (a copy of a framework Pathway has becomes one of its own).
    id: Option<String>,
    /// For CSV: the title.
    title: Option<String>,
    /// For CSV: the publisher.
    publisher: Option<String>,
    /// For CSV: the version label.
    version: Option<String>,
    /// For CSV: `whole_framework` (a person holds one level across the framework) or
    /// `per_domain` (a level in each domain). By default an existing framework's placement,
    /// or `whole_framework` for a new one.
    level_placement: Option<String>,
    /// For a new framework: the organisation that stewards it, by id, or `national`; its
    /// framework authors author it. Needed only by someone who authors frameworks for more
    /// than one; an existing framework keeps its steward.
    steward: Option<String>,
}

/// Imports a framework from CASE JSON (`Content-Type: application/json`) or CSV (`text/csv`).
/// Framework authors only. Nothing is written unless the whole file is valid.
#[utoipa::path(post, path = "/api/frameworks/import", tag = "frameworks", operation_id = "importFramework",
    params(ImportParams),
    request_body(description = "A CASE 1.0/1.1 package or a Pathway framework file (application/json), or a CSV file (text/csv) with the framework's details in the query",
        content((Object = "application/json"), (String = "text/csv"))),
    security(("session" = [], "csrf" = [])),
    responses(
        (status = 201, description = "Imported as a new version", body = ImportedBody),
        (status = 400, description = "The caller authors frameworks for several organisations and named none to steward a new framework, or named one that does not exist", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a framework author, not one of this framework's authors (it is stewarded by an organisation outside the caller's scope, or is national), or the CSRF token is missing or wrong", body = ErrorBody),
        (status = 409, description = "The framework already has a version with this label", body = ErrorBody),
        (status = 413, description = "The file is larger than 64 MiB", body = ErrorBody),
        (status = 415, description = "Neither JSON nor CSV", body = ErrorBody),
        (status = 422, description = "The file has problems, or names a framework that is a different document; each problem names its location", body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Query(q): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = visitor
        .require(Action::AuthorFrameworks, &[], "/api/frameworks/import")?
        .clone();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (framework, notices) = if content_type.starts_with("text/csv") {
        let id = FrameworkId::parse(q.id.as_deref().unwrap_or_default()).map_err(|e| {
            AppError::Invalid(pathway_domain::framework::Problems::one(
                "id",
                format!("{e}; give the framework id in the id query parameter"),
            ))
        })?;
        let level_placement = match q.level_placement.as_deref() {
            None => None,
            Some(p) => Some(LevelPlacement::parse(p).ok_or_else(|| {
                AppError::Invalid(pathway_domain::framework::Problems::one(
                    "level_placement",
                    format!("unknown level placement \"{p}\"; use whole_framework or per_domain"),
                ))
            })?),
        };
        let details = operations::CsvDetails {
            id,
            title: q.title.unwrap_or_default(),
            publisher: q.publisher.unwrap_or_default(),
            version: q.version.unwrap_or_else(|| "1".into()),
            level_placement,
        };
        operations::read_csv(&state.store, &body, "request body", details)
            .await?
            .map(|f| (f, pathway_domain::framework::Problems::default()))
    } else if content_type.starts_with("application/json") {
        let id = q
            .id
            .as_deref()
            .map(|id| {
                FrameworkId::parse(id).map_err(|e| {
                    AppError::Invalid(pathway_domain::framework::Problems::one("id", e))
                })
            })
            .transpose()?;
        operations::read_json_into(&state.store, &body, "request body", id).await?
    } else {
        return Err(AppError::Refused {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            message: "Send a CASE package or Pathway framework file with Content-Type: application/json, or CSV with Content-Type: text/csv".into(),
        }
        .into());
    }
    .map_err(AppError::Invalid)?;
    let requested = crate::stewardship::parse_steward(q.steward.as_deref())
        .map_err(|e| AppError::Invalid(pathway_domain::framework::Problems::one("steward", e)))?;
    let steward =
        crate::stewardship::check_import(&state.store, &user, framework.id().as_str(), requested)
            .await?
            .map_err(AppError::from)?;
    operations::import_framework(
        &state.store,
        &framework,
        &user.actor(),
        "request body",
        steward,
    )
    .await?;
    state.forget_versions(framework.id().as_str());
    let body = ImportedBody {
        id: framework.id().to_string(),
        version: framework.meta.version.clone(),
        status: framework.meta.status.as_str().into(),
        levels: framework.levels().len(),
        domains: framework.domains().len(),
        items: framework.items().len(),
        not_kept: notices
            .iter()
            .map(|n| crate::error::ProblemBody {
                location: n.location.clone(),
                message: n.message.clone(),
            })
            .collect(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
