//! Static assets (NHS.UK frontend and Pathway's own CSS/JS), compiled into the binary.

use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

#[derive(rust_embed::Embed)]
#[folder = "../../assets/"]
#[include = "vendor/**"]
#[include = "pathway.css"]
#[include = "pathway.js"]
struct Assets;

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(serve))
}

async fn serve(Path(path): Path<String>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            // Assets change only with a new release of the binary.
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        file.data,
    )
        .into_response()
}
