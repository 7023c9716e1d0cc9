//! The CASE 1.1 provider API, read-only: every identifier a CASE export carries
//! (`{public_url}/ims/case/v1p1/CFItems/{identifier}` and so on) resolves here, so other
//! tools (and Open Badges alignments) can follow them. Current published versions only:
//! a framework's identifiers stay the same from one version to the next, and the current
//! version is the one they mean. Errors are CASE's own `imsx_StatusInfo`.

use crate::state::{AppState, VersionContent};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use pathway_domain::framework::VersionStatus;
use pathway_domain::framework::case;
use pathway_store::VersionSummary;
use serde_json::{Value, json};
use std::sync::Arc;

const BASE: &str = "/ims/case/v1p1";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{BASE}/CFDocuments"), get(documents))
        .route(&format!("{BASE}/CFPackages/{{id}}"), get(package))
        .route(
            &format!("{BASE}/CFItemAssociations/{{id}}"),
            get(item_associations),
        )
        .route(&format!("{BASE}/{{class}}/{{id}}"), get(object))
}

/// A version's CASE package, made once per published version and kept with its content.
pub fn package_of(
    state: &AppState,
    summary: &VersionSummary,
    content: &VersionContent,
) -> Arc<Value> {
    content
        .case_json
        .get_or_init(|| {
            let last_change = summary
                .published_at
                .as_deref()
                .and_then(pathway_domain::time::from_stored)
                .or_else(|| pathway_domain::time::from_stored(&summary.created_at))
                .unwrap_or_else(chrono::Utc::now);
            Arc::new(case::export(
                &content.framework,
                &case::ExportOptions {
                    base_uri: &state.config.public_url,
                    last_change,
                },
            ))
        })
        .clone()
}

/// The packages of every framework's current published version.
async fn packages(state: &AppState) -> Result<Vec<Arc<Value>>, Failure> {
    let versions = state
        .all_published_versions()
        .await
        .map_err(Failure::internal)?;
    let mut out = Vec::new();
    for v in versions
        .iter()
        .filter(|v| v.status == VersionStatus::Published)
    {
        let content = state
            .framework(v.version_id)
            .await
            .map_err(Failure::internal)?;
        out.push(package_of(state, v, &content));
    }
    Ok(out)
}

/// A refusal in CASE's own shape (`imsx_StatusInfo`).
struct Failure {
    status: StatusCode,
    minor: &'static str,
    description: String,
}

impl Failure {
    fn internal(e: pathway_store::StoreError) -> Self {
        tracing::error!(error = %e, "CASE API request failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            minor: "internal_server_error",
            description: "Sorry, there is a problem with the service. Try again later.".into(),
        }
    }

    fn unknown(class: &str, id: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            minor: "unknownobject",
            description: format!("no {class} has the identifier {id} in any published framework"),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({
                "imsx_codeMajor": "failure",
                "imsx_severity": "error",
                "imsx_description": self.description,
                "imsx_codeMinor": {"imsx_codeMinorField": [
                    {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": self.minor}
                ]},
            })),
        )
            .into_response()
    }
}

/// Identifiers are UUIDs; anything else cannot name an object.
fn check_id(id: &str) -> Result<(), Failure> {
    uuid::Uuid::parse_str(id).map(|_| ()).map_err(|_| Failure {
        status: StatusCode::BAD_REQUEST,
        minor: "invalid_uuid",
        description: format!("\"{id}\" is not a UUID; CASE identifiers are UUIDs"),
    })
}

fn same_id(v: &Value, id: &str) -> bool {
    v["identifier"]
        .as_str()
        .is_some_and(|i| i.eq_ignore_ascii_case(id))
}

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v[key].as_array().into_iter().flatten()
}

async fn documents(State(state): State<AppState>) -> Result<Response, Failure> {
    let packages = packages(&state).await?;
    let documents: Vec<&Value> = packages.iter().map(|p| &p["CFDocument"]).collect();
    Ok(Json(json!({ "CFDocuments": documents })).into_response())
}

async fn package(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    check_id(&id)?;
    let packages = packages(&state).await?;
    let package = packages
        .iter()
        .find(|p| same_id(&p["CFDocument"], &id))
        .ok_or_else(|| Failure::unknown("CFPackage", &id))?;
    Ok(Json(package.as_ref()).into_response())
}

async fn item_associations(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    check_id(&id)?;
    let packages = packages(&state).await?;
    for p in &packages {
        if let Some(item) = list(p, "CFItems").find(|i| same_id(i, &id)) {
            let ends_here = |end: &Value| same_id(end, &id);
            let associations: Vec<&Value> = list(p, "CFAssociations")
                .filter(|a| ends_here(&a["originNodeURI"]) || ends_here(&a["destinationNodeURI"]))
                .collect();
            return Ok(
                Json(json!({"CFItem": item, "CFAssociations": associations})).into_response(),
            );
        }
    }
    Err(Failure::unknown("CFItem", &id))
}

/// One object of a package by its class and identifier.
fn find<'a>(package: &'a Value, class: &str, id: &str) -> Option<&'a Value> {
    match class {
        "CFDocuments" => Some(&package["CFDocument"]).filter(|d| same_id(d, id)),
        "CFItems" | "CFAssociations" | "CFRubrics" => list(package, class).find(|o| same_id(o, id)),
        "CFItemTypes" => list(&package["CFDefinitions"], "CFItemTypes").find(|o| same_id(o, id)),
        "CFRubricCriteria" => list(package, "CFRubrics")
            .flat_map(|r| list(r, "CFRubricCriteria"))
            .find(|o| same_id(o, id)),
        "CFRubricCriterionLevels" => list(package, "CFRubrics")
            .flat_map(|r| list(r, "CFRubricCriteria"))
            .flat_map(|c| list(c, "CFRubricCriterionLevels"))
            .find(|o| same_id(o, id)),
        _ => None,
    }
}

/// The classes whose objects are served one by one.
const CLASSES: [&str; 7] = [
    "CFDocuments",
    "CFItems",
    "CFAssociations",
    "CFRubrics",
    "CFItemTypes",
    "CFRubricCriteria",
    "CFRubricCriterionLevels",
];

async fn object(
    State(state): State<AppState>,
    Path((class, id)): Path<(String, String)>,
) -> Result<Response, Failure> {
    if !CLASSES.contains(&class.as_str()) {
        return Err(Failure {
            status: StatusCode::NOT_FOUND,
            minor: "unknownobject",
            description: format!(
                "{class} is not a CASE class this service provides; it provides {}, CFPackages and CFItemAssociations",
                CLASSES.join(", ")
            ),
        });
    }
    check_id(&id)?;
    let packages = packages(&state).await?;
    let found = packages.iter().find_map(|p| find(p, &class, &id));
    match found {
        Some(o) => Ok(Json(o).into_response()),
        None => Err(Failure::unknown(class.trim_end_matches('s'), &id)),
    }
}
