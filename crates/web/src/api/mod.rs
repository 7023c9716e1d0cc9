//! The JSON API, described by an OpenAPI 3.1 document served at `/api/openapi.json`
//! and rendered as a page at `/api/docs`.

mod docs;
mod frameworks;
mod types;

use crate::state::AppState;
use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pathway API",
        description = "Competency frameworks for the allied health professions support workforce. \
Reading published frameworks needs no sign-in. Changes need a signed-in session cookie and the \
session's CSRF token in the X-CSRF-Token header. Every error has the same JSON shape.",
        license(name = "MIT")
    ),
    paths(
        frameworks::list,
        frameworks::show,
        frameworks::versions,
        frameworks::item,
        frameworks::level,
        frameworks::expectations,
        frameworks::export,
        frameworks::import,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail, crate::error::ProblemBody)),
    tags((name = "frameworks", description = "Competency frameworks: levels, domains, items and their descriptors"))
)]
struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(frameworks::router())
        .route(
            "/api/openapi.json",
            get(|| async {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    openapi_json(),
                )
            }),
        )
        .route("/api/docs", get(docs::page))
}

/// The OpenAPI document as pretty JSON; the committed copy in `docs/openapi.json` must match.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
