//! Signing in and out: cookies, mistakes, rate limiting, where people land afterwards.

use crate::helpers::{
    ADMIN, NORTH_LEAD, NORTH_WORKER, PASSWORD, TestApp, cookie_attributes, cookie_value, get_csrf,
    location, page_text, set_cookie, spawn_app, spawn_app_with,
};
use pathway_web::Config;
use reqwest::StatusCode;
use reqwest::header::COOKIE;

const WRONG_CREDENTIALS: &str = "Enter a correct email address and password";

#[tokio::test]
async fn the_sign_in_page_sets_a_csrf_cookie_matching_its_form() {
    let app = spawn_app().await;
    let response = app.get("/sign-in").await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(response.headers(), "pathway_csrf").expect("a pathway_csrf cookie");
    let attributes = cookie_attributes(&cookie);
    for expected in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(attributes.iter().any(|a| a == expected), "{cookie}");
    }
    assert!(
        !attributes.iter().any(|a| a == "Secure"),
        "plain HTTP: {cookie}"
    );
    let token = cookie_value(&cookie);
    assert!(token.len() >= 32, "{cookie}");

    let html = response.text().await.expect("read the page");
    assert!(html.contains("Sign in to Pathway"), "{html}");
    assert_eq!(
        get_csrf(&html),
        token,
        "the form carries the cookie's token"
    );

    // The token stays the same while the cookie lasts, so two open tabs both work.
    let again = app.get("/sign-in").await;
    assert!(set_cookie(again.headers(), "pathway_csrf").is_none());
    assert_eq!(get_csrf(&again.text().await.expect("read the page")), token);
}

#[tokio::test]
async fn signing_in_sets_a_session_cookie_and_redirects() {
    let app = spawn_app().await;
    let response = app.submit_sign_in(ADMIN, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let cookie =
        set_cookie(response.headers(), "pathway_session").expect("a pathway_session cookie");
    let attributes = cookie_attributes(&cookie);
    for expected in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(attributes.iter().any(|a| a == expected), "{cookie}");
    }
    assert!(
        !attributes.iter().any(|a| a == "Secure"),
        "plain HTTP: {cookie}"
    );
    assert!(cookie_value(&cookie).len() >= 32, "{cookie}");

    let (status, home) = app.get_page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Alex Admin"), "{home}");
    assert!(home.contains("Sign out"), "{home}");
}

#[tokio::test]
async fn email_addresses_are_matched_ignoring_case_and_spaces() {
    let app = spawn_app().await;
    app.sign_in("  Lead@North-Trust.Pathway.Demo ", PASSWORD)
        .await;
    let (_, home) = app.get_page("/").await;
    assert!(home.contains("Nia Lead"), "{home}");
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_a_tls_proxy() {
    let app = spawn_app().await;
    // Cookies by hand: a cookie jar would not send Secure cookies over plain HTTP.
    let client = app.bare_client();
    let page = client
        .get(app.url("/sign-in"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("send");
    let csrf_cookie = set_cookie(page.headers(), "pathway_csrf").expect("a pathway_csrf cookie");
    assert!(
        cookie_attributes(&csrf_cookie)
            .iter()
            .any(|a| a == "Secure"),
        "{csrf_cookie}"
    );
    let token = cookie_value(&csrf_cookie);

    let response = client
        .post(app.url("/sign-in"))
        .header("x-forwarded-proto", "https")
        .header(COOKIE, format!("pathway_csrf={token}"))
        .form(&[
            ("email", ADMIN),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie =
        set_cookie(response.headers(), "pathway_session").expect("a pathway_session cookie");
    let attributes = cookie_attributes(&cookie);
    for expected in ["HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(attributes.iter().any(|a| a == expected), "{cookie}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused_without_echoing_it() {
    let app = spawn_app().await;
    let response = app.submit_sign_in(ADMIN, "not-the-password-987").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(set_cookie(response.headers(), "pathway_session").is_none());
    let html = response.text().await.expect("read the page");
    assert!(html.contains(WRONG_CREDENTIALS), "{html}");
    assert!(html.contains("nhsuk-error-summary"), "{html}");
    assert!(
        html.contains(r#"value="admin@pathway.demo""#),
        "the email is kept: {html}"
    );
    assert!(
        !html.contains("not-the-password-987"),
        "the password is echoed: {html}"
    );

    let (_, home) = app.get_page("/").await;
    assert!(!home.contains("Sign out"), "not signed in: {home}");
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_message_as_a_wrong_password() {
    let app = spawn_app().await;
    let response = app.submit_sign_in("nobody@pathway.demo", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(set_cookie(response.headers(), "pathway_session").is_none());
    let html = response.text().await.expect("read the page");
    assert!(html.contains(WRONG_CREDENTIALS), "{html}");
}

#[tokio::test]
async fn an_empty_form_asks_for_both_fields() {
    let app = spawn_app().await;
    let response = app.submit_sign_in("", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("read the page");
    let text = page_text(&html);
    assert!(text.contains("Enter your email address"), "{text}");
    assert!(text.contains("Enter your password"), "{text}");
    assert!(html.contains("<title>Error: Sign in"), "{html}");
}

#[tokio::test]
async fn an_empty_password_is_the_field_in_error() {
    let app = spawn_app().await;
    let response = app.submit_sign_in(ADMIN, "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.expect("read the page");
    assert!(
        html.contains(r##"href="#password""##) && !html.contains(r##"href="#email""##),
        "the summary links to the password field, not the email: {html}"
    );
    assert!(
        html.contains(r#"id="password-error""#) && !html.contains(r#"id="email-error""#),
        "the message is beside the password field: {html}"
    );
    assert!(page_text(&html).contains("Enter your password"), "{html}");
}

#[tokio::test]
async fn after_five_failures_an_account_is_locked_even_for_the_right_password() {
    let app = spawn_app().await;
    for attempt in 1..=5 {
        let guess = format!("wrong-guess-{attempt}");
        let response = app.submit_sign_in(NORTH_WORKER, &guess).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}"
        );
    }
    let response = app.submit_sign_in(NORTH_WORKER, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(response.headers(), "pathway_session").is_none());
    let html = response.text().await.expect("read the page");
    assert!(html.contains("Too many failed attempts"), "{html}");

    // The limit is per account: another person at the same address can still sign in.
    app.browser().sign_in(NORTH_LEAD, PASSWORD).await;
}

/// Twenty failed sign-ins, each to a different unknown account, through a proxy that says
/// they came from `address`.
async fn fail_twenty_times(app: &TestApp, address: &str) {
    for attempt in 1..=20 {
        let response = app
            .submit_sign_in_via(
                &format!("nobody-{attempt}@example.org"),
                "wrong-password-1",
                Some(address),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_address_limit_applies_to_the_forwarded_client() {
    let app = spawn_app_with(Config {
        trusted_proxies: 1,
        ..Config::default()
    })
    .await;
    fail_twenty_times(&app, "198.51.100.7, 203.0.113.7").await;
    let response = app
        .submit_sign_in_via(ADMIN, PASSWORD, Some("203.0.113.7"))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);

    // Another client behind the same proxy is not locked out with it.
    let response = app
        .browser()
        .submit_sign_in_via(ADMIN, PASSWORD, Some("203.0.113.8"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn without_trusted_proxies_a_forged_forwarded_address_does_not_escape_the_limit() {
    let app = spawn_app().await;
    fail_twenty_times(&app, "203.0.113.7").await;
    let response = app
        .submit_sign_in_via(ADMIN, PASSWORD, Some("203.0.113.8"))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = spawn_app().await;
    let response = app.submit_sign_in(ADMIN, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session = cookie_value(
        &set_cookie(response.headers(), "pathway_session").expect("a pathway_session cookie"),
    );
    let (_, home) = app.get_page("/").await;
    let token = get_csrf(&home);

    // Without the form's token, signing out is refused and the session lives on.
    let forged = app.post_form("/sign-out", &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(app.get_page("/").await.1.contains("Sign out"));

    let response = app.post_form("/sign-out", &[("csrf_token", &token)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let cleared =
        set_cookie(response.headers(), "pathway_session").expect("the session cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(!app.get_page("/").await.1.contains("Sign out"));

    // The old cookie, replayed, no longer works: it is gone from the database too.
    let replayed = app
        .bare_client()
        .get(app.url("/admin"))
        .header(COOKIE, format!("pathway_session={session}"))
        .send()
        .await
        .expect("send");
    assert_eq!(replayed.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&replayed), "/sign-in?next=%2Fadmin");
    let cleared = set_cookie(replayed.headers(), "pathway_session")
        .expect("the stale session cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

#[tokio::test]
async fn the_sign_in_page_keeps_only_local_next_paths() {
    let app = spawn_app().await;
    let cases = [
        ("/admin/users", "/admin/users"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ];
    for (next, kept) in cases {
        let response = app
            .client
            .get(app.url("/sign-in"))
            .query(&[("next", next)])
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::OK);
        let html = response.text().await.expect("read the page");
        assert!(
            html.contains(&format!(r#"name="next" value="{kept}""#)),
            "next={next} should become {kept}: {html}"
        );
    }
}

#[tokio::test]
async fn signing_in_returns_to_a_local_next_path_only() {
    let app = spawn_app().await;
    for (next, lands) in [("/frameworks", "/frameworks"), ("//evil.example/x", "/")] {
        let browser = app.browser();
        let token = browser.csrf_token().await;
        let response = browser
            .post_form(
                "/sign-in",
                &[
                    ("email", ADMIN),
                    ("password", PASSWORD),
                    ("csrf_token", &token),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(location(&response), lands, "next={next}");
    }
}
