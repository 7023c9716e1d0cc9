//! The JSON API, described by an OpenAPI 3.1 document served at `/api/openapi.json`
//! and rendered as a page at `/api/docs`.

mod docs;
mod drafts;
mod frameworks;
mod session;
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
session's CSRF token in the X-CSRF-Token header. A script signs in by reading its token from \
GET /api/session, posting the form fields email, password and csrf_token to /sign-in (keeping the \
session cookie it sets), then reading /api/session again for the signed-in session's token. \
Every error has the same JSON shape.",
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
        frameworks::changes,
        frameworks::import,
        drafts::version,
        drafts::new_draft,
        drafts::edit_details,
        drafts::edit_domain,
        drafts::add_item,
        drafts::edit_item,
        drafts::remove_item,
        drafts::publish,
        drafts::discard,
        session::show,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail, crate::error::ProblemBody)),
    modifiers(&Security),
    tags(
        (name = "frameworks", description = "Competency frameworks: levels, domains, items and their descriptors"),
        (name = "authoring", description = "Drafts: start one from a version, change its details, domains and items, then publish or discard it. Framework authors only; each change names the draft's revision it was made against, and is refused (409) if someone saved a change since"),
        (name = "session", description = "Who is calling, and the CSRF token their changes must carry")
    )
)]
struct ApiDoc;

/// The session cookie and the CSRF header, as security schemes the import operation names.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "Set by signing in at /sign-in",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The csrf_token from GET /api/session, sent with every POST, PUT, PATCH and DELETE",
            ))),
        );
    }
}

/// Whether a path answers in JSON, refusals included: Pathway's API and the CASE provider
/// API. The session layer and the error shaping must agree, or a refusal comes back in the
/// wrong shape.
pub fn answers_in_json(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/ims/")
}

/// Where a script reads its CSRF token.
pub const SESSION_PATH: &str = "/api/session";

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(frameworks::router())
        .merge(drafts::router())
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
        .route(SESSION_PATH, get(session::show))
}

/// The OpenAPI document as pretty JSON; the committed copy in `docs/openapi.json` must match.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
