//! Protections every request passes through: the one error shape for refusals made before
//! any handler runs, body limits, which responses carry cookies, HSTS, who may read the
//! metrics, the session endpoint scripts use, sign-in under a burst of guesses, and what a
//! database failure looks like.

use crate::helpers::{
    ADMIN, AUTHOR, FRAMEWORK, NORTH_LEAD, PASSWORD, TestApp, assert_api_error,
    burst_of_wrong_guesses, get_csrf, json_body, location, set_cookie, spawn_app, spawn_app_with,
};
use pathway_web::Config;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, SET_COOKIE};

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn api_refusals_made_before_any_handler_have_the_json_shape() {
    let app = spawn_app().await;
    let body = assert_api_error(
        app.get("/api/no-such-thing").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/api/docs"),
        "{body}"
    );

    let body = assert_api_error(
        app.get("/api/frameworks/%FF").await,
        StatusCode::BAD_REQUEST,
        "bad_request",
    )
    .await;
    assert!(!body["error"]["message"].as_str().unwrap().is_empty());

    // The wrong method, with a valid token so the CSRF check is not what refuses it.
    let token = app.csrf_token().await;
    let response = app
        .client
        .delete(app.url("/api/frameworks"))
        .header("x-csrf-token", &token)
        .send()
        .await
        .unwrap();
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET"), "{allow}");
    assert_api_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;

    // Neither JSON nor CSV.
    let author = app.signed_in(AUTHOR).await;
    let (_, page) = author.get_page("/").await;
    let response = author
        .post_body(
            "/api/frameworks/import",
            "text/plain",
            "hello".into(),
            Some(&get_csrf(&page)),
        )
        .await;
    assert_api_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

#[tokio::test]
async fn page_refusals_are_pages() {
    let app = spawn_app().await;
    // A query string that cannot be read (a value given twice) is refused before the handler.
    let response = app
        .get(&format!("/frameworks/{FRAMEWORK}?version=1&version=2"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(content_type(&response).starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("There is a problem"), "{html}");

    let response = app.get("/no-such-page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&response).starts_with("text/html"));
}

#[tokio::test]
async fn someone_not_signed_in_may_send_only_a_small_body() {
    let app = spawn_app().await;
    let token = app.csrf_token().await;
    let padding = "x".repeat(100 * 1024);
    let response = app
        .post_form(
            "/sign-in",
            &[
                ("csrf_token", &token),
                ("email", "a@b.nhs.uk"),
                ("password", &padding),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(content_type(&response).starts_with("text/html"));

    let response = app
        .post_body(
            "/api/frameworks/import",
            "application/json",
            padding.clone(),
            None,
        )
        .await;
    assert_api_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn only_pages_set_the_anonymous_token_cookie() {
    let app = spawn_app().await;
    let bare = app.bare_client();
    for path in [
        "/healthz",
        "/readyz",
        "/assets/pathway.css",
        "/api/frameworks",
        "/api/openapi.json",
    ] {
        let response = bare.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers().get(SET_COOKIE).is_none(),
            "{path} set a cookie"
        );
    }
    for path in ["/", "/sign-in", "/api/session"] {
        let response = bare.get(app.url(path)).send().await.unwrap();
        assert!(
            set_cookie(response.headers(), "pathway_csrf").is_some(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn browsers_that_came_over_tls_are_told_to_keep_to_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    let response = app.get("/").await;
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

#[tokio::test]
async fn metrics_are_for_the_holder_of_the_token() {
    let app = spawn_app_with(Config {
        metrics_token: Some("scrape-token-123".into()),
        ..Config::default()
    })
    .await;
    let scrape = |token: Option<&str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send()
    };
    // With a token configured, even this host needs it.
    assert_eq!(scrape(None).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(
        scrape(Some("wrong")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let response = scrape(Some("scrape-token-123")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# HELP pathway_http_requests_total"),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_token_metrics_are_for_this_host_alone() {
    let app = spawn_app().await;
    assert_eq!(app.get("/metrics").await.status(), StatusCode::OK);
    // Anything forwarded, or claiming to be, came from somewhere else.
    for (header, value) in [
        ("x-forwarded-for", "127.0.0.1"),
        ("forwarded", "for=127.0.0.1"),
        ("x-real-ip", "127.0.0.1"),
    ] {
        let response = app
            .client
            .get(app.url("/metrics"))
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{header}");
    }
    // Behind proxies, every connection is the proxy's: a token is needed.
    let proxied = spawn_app_with(Config {
        trusted_proxies: 1,
        ..Config::default()
    })
    .await;
    assert_eq!(
        proxied.get("/metrics").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_script_signs_in_and_changes_things_with_the_session_endpoint() {
    let app = spawn_app().await;
    let script = app.browser();
    let (status, session) = script.get_json("/api/session").await;
    assert_eq!(status, StatusCode::OK);
    assert!(session["user"].is_null(), "{session}");
    let anonymous = session["csrf_token"].as_str().unwrap().to_owned();

    let response = script
        .post_form(
            "/sign-in",
            &[
                ("csrf_token", &anonymous),
                ("email", AUTHOR),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, session) = script.get_json("/api/session").await;
    assert_eq!(session["user"]["email"], AUTHOR);
    assert_eq!(session["user"]["roles"][0]["role"], "framework_author");
    assert_eq!(session["user"]["must_change_password"], false);
    let token = session["csrf_token"].as_str().unwrap().to_owned();
    assert_ne!(token, anonymous, "a new token for the session");

    let csv = "domain,code,title,kind,Entry\nOne,1.1,Doing,competency,Does it\n";
    let response = script
        .post_body(
            "/api/frameworks/import?id=scripted&title=Scripted&publisher=A%20trust",
            "text/csv",
            csv.into(),
            Some(&token),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
}

#[tokio::test]
async fn a_burst_of_guesses_gets_no_more_tries_than_the_limit() {
    let app = spawn_app().await;
    let statuses = burst_of_wrong_guesses(&app, NORTH_LEAD, 16).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {statuses:?}"
    );
    assert_eq!(checked + limited, 16, "{statuses:?}");
}

#[tokio::test]
async fn signing_in_again_ends_the_session_it_replaces() {
    let app = spawn_app().await;
    let first = app.bare_client();
    let sign_in = |client: reqwest::Client, cookie: Option<String>| {
        let app_url = app.url("/sign-in");
        async move {
            // Signed in already, the page's form carries the session's token.
            let session = cookie.map(|c| format!("pathway_session={c}"));
            let mut get = client.get(&app_url);
            if let Some(c) = &session {
                get = get.header("cookie", c);
            }
            let page = get.send().await.unwrap();
            let cookies = match (&session, set_cookie(page.headers(), "pathway_csrf")) {
                (Some(c), _) => c.clone(),
                (None, Some(anonymous)) => {
                    format!("pathway_csrf={}", crate::helpers::cookie_value(&anonymous))
                }
                (None, None) => panic!("no token cookie for an anonymous visitor"),
            };
            let token = get_csrf(&page.text().await.unwrap());
            let response = client
                .post(&app_url)
                .header("cookie", cookies)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("email", ADMIN),
                    ("password", PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            crate::helpers::cookie_value(
                &set_cookie(response.headers(), "pathway_session").unwrap(),
            )
        }
    };
    let old = sign_in(first.clone(), None).await;
    let new = sign_in(first.clone(), Some(old.clone())).await;
    assert_ne!(old, new);
    let with = |session: String| {
        first
            .get(app.url("/account"))
            .header("cookie", format!("pathway_session={session}"))
            .send()
    };
    assert_eq!(with(new).await.unwrap().status(), StatusCode::OK);
    let response = with(old).await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the replaced session is over"
    );
    assert!(location(&response).starts_with("/sign-in"));
}

#[tokio::test]
async fn a_database_failure_is_the_services_problem_not_a_missing_framework() {
    let app: TestApp = spawn_app().await;
    app.store.close().await;
    let response = app.get("/api/frameworks/some-framework").await;
    let body = json_body(response).await;
    assert_eq!(body["error"]["status"], 500, "{body}");
    assert_eq!(body["error"]["code"], "internal");
    let response = app.get("/frameworks/some-framework").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn a_framework_file_may_be_as_large_as_a_full_export_and_other_requests_ten_mebibytes() {
    let app = spawn_app().await;
    let author = app.signed_in(crate::helpers::AUTHOR).await;
    let (_, page) = author.get_page("/frameworks/import").await;
    let token = get_csrf(&page);
    // Twelve megabytes of JSON that is not a framework, more than other requests may send:
    // read whole, then refused for what it is.
    let big = format!("{{\"padding\": \"{}\"}}", "x".repeat(12 * 1024 * 1024));
    let response = author
        .post_body(
            "/api/frameworks/import",
            "application/json",
            big.clone(),
            Some(&token),
        )
        .await;
    assert_api_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    // The same through the page's file upload.
    let response = author
        .post_upload(
            "/frameworks/import",
            &[("csrf_token", &token)],
            "big.json",
            &big,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Anywhere else, twelve megabytes is too much, and the refusal says what the limit is.
    let response = author
        .post_body(
            "/account/password",
            "application/x-www-form-urlencoded",
            big,
            Some(&token),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = response.text().await.unwrap();
    assert!(page.contains("send at most 10 MiB"), "{page}");
    // Beyond the import limit, the import is refused the same way.
    let huge = "x".repeat(65 * 1024 * 1024);
    let response = author
        .post_body(
            "/api/frameworks/import",
            "application/json",
            huge,
            Some(&token),
        )
        .await;
    let body = assert_api_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("send at most 64 MiB"),
        "{body}"
    );
}

#[tokio::test]
async fn refused_attempts_do_not_extend_a_lock() {
    let app = spawn_app().await;
    for _ in 0..8 {
        app.browser()
            .submit_sign_in(NORTH_LEAD, "a wrong guess at it")
            .await;
    }
    let (failures, _) = app
        .store
        .failed_logins_since(NORTH_LEAD, "-", "2000-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(failures, 5, "only the checked guesses count");
}

#[tokio::test]
async fn changing_your_password_gives_this_browser_a_new_session() {
    let app = spawn_app().await;
    let client = app.bare_client();
    let with = |session: &str| format!("pathway_session={session}");
    // Sign in by hand to see the session cookie.
    let page = client.get(app.url("/sign-in")).send().await.unwrap();
    let anonymous = set_cookie(page.headers(), "pathway_csrf").unwrap();
    let token = get_csrf(&page.text().await.unwrap());
    let response = client
        .post(app.url("/sign-in"))
        .header(
            "cookie",
            format!("pathway_csrf={}", crate::helpers::cookie_value(&anonymous)),
        )
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", ADMIN),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let old =
        crate::helpers::cookie_value(&set_cookie(response.headers(), "pathway_session").unwrap());
    let form = client
        .get(app.url("/account/password"))
        .header("cookie", with(&old))
        .send()
        .await
        .unwrap();
    let token = get_csrf(&form.text().await.unwrap());
    let response = client
        .post(app.url("/account/password"))
        .header("cookie", with(&old))
        .form(&[
            ("csrf_token", token.as_str()),
            ("current", PASSWORD),
            ("new", "a brand new passphrase"),
            ("confirm", "a brand new passphrase"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let new =
        crate::helpers::cookie_value(&set_cookie(response.headers(), "pathway_session").unwrap());
    assert_ne!(new, old);
    let account = |session: String| {
        client
            .get(app.url("/account"))
            .header("cookie", session)
            .send()
    };
    assert_eq!(account(with(&new)).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        account(with(&old)).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}
