//! Static assets (NHS.UK frontend and Pathway's own CSS/JS), compiled into the binary.

use crate::state::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
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

/// Assets change only with a new release, so browsers keep them for a day and then ask again
/// with the entity tag (the content's hash), getting `304 Not Modified` unless it changed.
async fn serve(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(file) = Assets::get(&path) else {
        return crate::error::AppError::NotFound("The file".into()).into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let cache = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, "public, max-age=86400".to_owned()),
    ];
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
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
    ([(header::CONTENT_TYPE, mime.to_owned())], cache, file.data).into_response()
}
