//! Layers every response passes through, and the operational endpoints.

use crate::auth::Visitor;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use crate::views::ErrorPage;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest any request may take, uploads included; a slower client gets 408 rather
/// than holding a connection (and a graceful shutdown) open indefinitely.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Applied to every route. Order (outermost first): request id, trace (one log line per
/// request, at info, with its id), metrics, security headers, the one error shape, timeout,
/// body limit, session and CSRF.
pub fn wrap(routes: Router<AppState>, state: AppState) -> Router<AppState> {
    routes
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session_layer,
        ))
        // Every body extractor (forms, uploads, the API) takes up to the documented limit.
        .layer(axum::extract::DefaultBodyLimit::max(crate::auth::MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(error_shape))
        .layer(middleware::from_fn_with_state(state, security_headers))
        .layer(middleware::from_fn(record_metrics))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
}

/// `/healthz` (the process answers), `/readyz` (and its database does), `/metrics`.
pub fn ops_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
}

/// Paths whose plain-text answers are for probes and scrapers, not people.
fn is_ops(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// Gives every error the one shape of where it happened: JSON under `/api/`, an NHS.UK
/// error page elsewhere. Handlers already answer so; this catches what is refused before a
/// handler runs (no such route or method, a body too large, a malformed path or query, a
/// timeout), which axum answers in plain text.
async fn error_shape(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    let mut response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_ops(&path) {
        return response;
    }
    let visitor = response.extensions_mut().remove::<Visitor>();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // The CASE provider API answers in JSON too (its own errors are CASE's shape).
    let is_api = crate::api::answers_in_json(&path);
    let shaped = if is_api {
        content_type.starts_with("application/json")
    } else {
        content_type.starts_with("text/html")
    };
    if shaped {
        return match (visitor, response.extensions_mut().remove::<ErrorPage>()) {
            (Some(visitor), Some(page)) if visitor.signed_in.is_some() => {
                with_page(response, page.seen_by(&visitor))
            }
            _ => response,
        };
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let error = refusal(status, &parts.headers, &detail, is_api, &method, &path);
    let mut shaped = if is_api {
        ApiError(error).into_response()
    } else {
        error.into_response()
    };
    if let (Some(visitor), Some(page)) = (visitor, shaped.extensions_mut().remove::<ErrorPage>())
        && visitor.signed_in.is_some()
    {
        shaped = with_page(shaped, page.seen_by(&visitor));
    }
    // Keep what the refusal said beyond its body, such as which methods are allowed.
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        shaped.headers_mut().insert(header::ALLOW, allow.clone());
    }
    shaped
}

/// The response with its body replaced by `page`, keeping its status and headers (the
/// cookies the session layer set, `Retry-After`, `Allow`).
fn with_page(response: Response, page: ErrorPage) -> Response {
    let (mut parts, _) = response.into_parts();
    let (_, body) = page.into_response().into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}

/// What a refusal made before any handler ran means, for the person or program reading it.
fn refusal(
    status: StatusCode,
    headers: &axum::http::HeaderMap,
    detail: &str,
    is_api: bool,
    method: &axum::http::Method,
    path: &str,
) -> AppError {
    let (code, message) = match status {
        StatusCode::NOT_FOUND if is_api => (
            "not_found",
            "Nothing is at this API address; /api/docs lists the addresses there are".to_owned(),
        ),
        StatusCode::NOT_FOUND => return AppError::NotFound("The page".into()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            match headers.get(header::ALLOW).and_then(|v| v.to_str().ok()) {
                Some(allowed) => {
                    format!("This address does not accept {method}; it accepts {allowed}")
                }
                // axum adds `Allow` after this layer; the response still carries it.
                None => format!(
                    "This address does not accept {method}; see the Allow header for the methods it does"
                ),
            },
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            format!(
                "The request is too large; send at most {}",
                crate::auth::size(crate::auth::body_limit(path, true))
            ),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            format!(
                "The request took longer than {} seconds and was stopped; try again",
                REQUEST_TIMEOUT.as_secs()
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            format!("The request's content type is not accepted here: {detail}"),
        ),
        s if s.is_server_error() => return AppError::Internal(detail.to_owned()),
        _ => (
            "bad_request",
            if detail.is_empty() {
                "The request is not valid".to_owned()
            } else {
                format!("The request is not valid: {detail}")
            },
        ),
    };
    AppError::Refused {
        status,
        code,
        message,
    }
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

const METRICS_UPKEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// One recorder per process; every app in the process (tests start several) shares it.
fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ])
            .expect("static bucket list is valid")
            .build_recorder();
        let handle = recorder.handle();
        // Fails only if another recorder was installed first; then metrics go there.
        let _ = metrics::set_global_recorder(recorder);
        // Histogram samples pile up in memory until upkeep folds them into the buckets;
        // without it a server nobody scrapes grows by every request it serves.
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(METRICS_UPKEEP_INTERVAL);
                    upkeep.run_upkeep();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start metrics upkeep; histogram memory will grow");
        }
        handle
    })
}

/// Metrics describe the service's traffic, which is not for everyone. With a token
/// configured, every scraper must present it. Without one, only a scraper on this host may
/// read them: a loopback connection carrying no forwarding headers, and only when Pathway is
/// not behind proxies (whose connections are loopback too; give them a token).
async fn metrics_text(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    let allowed = match &state.config.metrics_token {
        Some(expected) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| crate::auth::same_token(expected, given)),
        None => {
            let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
                .iter()
                .any(|h| headers.contains_key(*h));
            peer.ip().is_loopback() && !forwarded && state.config.trusted_proxies == 0
        }
    };
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            "metrics need the bearer token set by --metrics-token (without one, only a scraper on this host may read them)\n",
        )
            .into_response();
    }
    describe_metrics();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        prometheus().render(),
    )
        .into_response()
}

/// The `# HELP` lines, once per process.
fn describe_metrics() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        metrics::describe_counter!(
            "pathway_http_requests_total",
            "HTTP requests answered, by method, route template and status"
        );
        metrics::describe_histogram!(
            "pathway_http_request_duration_seconds",
            metrics::Unit::Seconds,
            "Time to answer HTTP requests, by method, route template and status"
        );
        metrics::describe_gauge!(
            "pathway_http_requests_in_flight",
            "HTTP requests being answered now"
        );
    });
}

async fn record_metrics(request: Request, next: Next) -> Response {
    prometheus();
    let start = Instant::now();
    let method = request.method().to_string();
    // The route template, not the raw path, so ids don't explode the label space.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let in_flight = metrics::gauge!("pathway_http_requests_in_flight");
    in_flight.increment(1.0);
    let response = next.run(request).await;
    in_flight.decrement(1.0);
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("pathway_http_requests_total", &labels).increment(1);
    metrics::histogram!("pathway_http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = crate::auth::is_secure(&state, request.headers());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if secure {
        // Once a browser has reached Pathway over TLS, it never tries plain HTTP again.
        h.entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(
                "max-age=31536000; includeSubDomains",
            ));
    }
    let mut set = |name: HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    // Pages may show personal data: never keep them in shared caches.
    set(header::CACHE_CONTROL, "no-store");
    response
}
