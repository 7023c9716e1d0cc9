//! Operational endpoints and the headers every response carries.

use crate::helpers::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let (status, body) = app.get_page("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_does() {
    let app = spawn_app().await;
    let (status, body) = app.get_page("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn metrics_count_requests() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    assert_eq!(app.get("/sign-in").await.status(), StatusCode::OK);

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let body = response.text().await.expect("read the metrics");
    assert!(body.contains("pathway_http_requests_total"), "{body}");
    // Labelled by route template and status, so ids in paths cannot explode the label space.
    assert!(
        body.lines()
            .any(|l| l.starts_with("pathway_http_requests_total")
                && l.contains(r#"route="/healthz""#)
                && l.contains(r#"status="200""#)),
        "{body}"
    );
    assert!(
        body.contains("pathway_http_request_duration_seconds"),
        "{body}"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let anonymous_post = app
        .client
        .post(app.url("/sign-in"))
        .form(&[("email", "x@example.com"), ("password", "x")])
        .send()
        .await
        .expect("send");
    let mut responses = vec![("POST /sign-in without a token", anonymous_post)];
    for path in [
        "/",
        "/healthz",
        "/sign-in",
        "/frameworks",
        "/admin",
        "/no-such-page",
        "/api/frameworks",
    ] {
        responses.push((path, app.get(path).await));
    }

    let mut ids = Vec::new();
    for (what, response) in &responses {
        let h = response.headers();
        let header = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'self'"), "{what}: CSP {csp:?}");
        assert!(
            csp.contains("frame-ancestors 'none'"),
            "{what}: CSP {csp:?}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        let id = header("x-request-id");
        assert!(!id.is_empty(), "{what}: no x-request-id");
        ids.push(id.to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), responses.len(), "every request gets its own id");
}

#[tokio::test]
async fn an_incoming_request_id_is_echoed_back() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-from-the-proxy-42")
        .send()
        .await
        .expect("send");
    assert_eq!(
        response.headers()["x-request-id"],
        "trace-from-the-proxy-42"
    );
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.store.close().await;
    let (status, body) = app.get_page("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let (status, _) = app.get_page("/healthz").await;
    assert_eq!(status, StatusCode::OK, "the process itself still answers");
}

/// A client that stops sending halfway through its request cannot hold a shutdown open
/// past the grace period.
#[tokio::test]
async fn shutdown_does_not_wait_for_a_stalled_client_beyond_the_grace_period() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = pathway_store::Store::open(&format!(
        "sqlite://{}",
        dir.path().join("pathway.db").display()
    ))
    .await
    .expect("open a database");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let config = pathway_web::Config {
        shutdown_grace: std::time::Duration::from_millis(300),
        ..pathway_web::Config::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pathway_web::serve(
        listener,
        pathway_web::AppState::new(store, config),
        async move {
            let _ = stopped.await;
        },
    ));
    // Headers promising a body that never comes.
    let mut stalled = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stalled
        .write_all(b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=a")
        .await
        .expect("send part of a request");
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    stop.send(()).expect("signal shutdown");
    // A guard against hanging the test run, far beyond the grace period: not a timing check.
    let finished = tokio::time::timeout(std::time::Duration::from_secs(60), server).await;
    assert!(
        matches!(finished, Ok(Ok(Ok(())))),
        "the server stopped cleanly: {finished:?}"
    );
    drop(stalled);
}

#[tokio::test]
async fn assets_are_revalidated_by_their_content_hash() {
    let app = spawn_app().await;
    let response = app.get("/assets/pathway.css").await;
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
    assert_eq!(response.headers()["cache-control"], "public, max-age=86400");
    let again = app
        .client
        .get(app.url("/assets/pathway.css"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
    let (status, _) = app.get_page("/assets/no-such-file.css").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
