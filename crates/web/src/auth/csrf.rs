//! The CSRF check for state-changing requests: the token must come back in the
//! `X-CSRF-Token` header (API and scripts) or a `csrf_token` form field (HTML forms,
//! including file uploads).

use axum::body::{Body, to_bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::header;
use tower::{Layer, ServiceExt};

/// Largest body the check will read for a signed-in user; bigger uploads are refused
/// before any handler runs.
pub const MAX_BODY: usize = 10 * 1024 * 1024;
/// Largest body read from someone not signed in: the sign-in form is well under it.
pub const MAX_ANONYMOUS_BODY: usize = 64 * 1024;
/// Largest framework file the import page and API take: a CASE export of a framework at the
/// item limit (10,000 items at three levels is about 40 MiB) must import back.
pub const MAX_IMPORT_BODY: usize = 64 * 1024 * 1024;
/// Where framework files are imported, which take [`MAX_IMPORT_BODY`].
pub const IMPORT_PATHS: [&str; 2] = ["/frameworks/import", "/api/frameworks/import"];

/// A body limit as people say it: "64 KiB", "10 MiB".
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// The largest body read for a request to `path`.
pub fn body_limit(path: &str, signed_in: bool) -> usize {
    if !signed_in {
        MAX_ANONYMOUS_BODY
    } else if IMPORT_PATHS.contains(&path) {
        MAX_IMPORT_BODY
    } else {
        MAX_BODY
    }
}

/// Why a state-changing request was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The token is missing or wrong.
    Invalid,
    /// The body is larger than the limit, so it was not read.
    TooLarge,
}

pub async fn check(request: Request, expected: &str, limit: usize) -> Result<Request, Refusal> {
    if let Some(v) = request.headers().get("x-csrf-token") {
        if !v.to_str().is_ok_and(|v| same(v, expected)) {
            return Err(Refusal::Invalid);
        }
        // The limit holds however the token came: read the body here, within it.
        let (parts, body) = request.into_parts();
        let bytes = to_bytes(body, limit).await.map_err(|_| Refusal::TooLarge)?;
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, limit).await.map_err(|_| Refusal::TooLarge)?;
    let presented = if content_type.starts_with("application/x-www-form-urlencoded") {
        form_urlencoded_field(&bytes)
    } else if content_type.starts_with("multipart/form-data") {
        let copy = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        // The upload is read already, within `limit`: the multipart reader may take all of
        // it, whatever limit the routes in general have.
        let reader = DefaultBodyLimit::max(limit).layer(tower::service_fn(|r: Request| async {
            Ok::<_, std::convert::Infallible>(multipart_field(r).await)
        }));
        reader.oneshot(copy).await.unwrap_or(None)
    } else {
        None
    };
    match presented {
        Some(token) if same(&token, expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(Refusal::Invalid),
    }
}

fn form_urlencoded_field(bytes: &[u8]) -> Option<String> {
    serde_urlencoded_pairs(bytes)
        .into_iter()
        .find(|(k, _)| k == "csrf_token")
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(bytes).unwrap_or_default()
}

async fn multipart_field(request: Request) -> Option<String> {
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("csrf_token") {
            return field.text().await.ok();
        }
    }
    None
}

/// Compares without leaking, through timing, how much of the token matched.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }

    #[test]
    fn form_fields_are_found() {
        assert_eq!(
            form_urlencoded_field(b"a=1&csrf_token=x%2By"),
            Some("x+y".into())
        );
        assert_eq!(form_urlencoded_field(b"a=1"), None);
    }
}
