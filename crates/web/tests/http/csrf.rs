//! State-changing requests must carry the visitor's token: a form field or `X-CSRF-Token`.

use crate::helpers::{
    ADMIN, AUTHOR, FRAMEWORK, PASSWORD, assert_api_error, get_csrf, set_cookie, spawn_app,
};
use reqwest::StatusCode;

const EXPIRED_FORM: &str = "expired or did not come from Pathway";

#[tokio::test]
async fn signing_in_without_the_form_token_is_refused() {
    let app = spawn_app().await;
    // The visitor has the cookie (they opened the page) but the form did not come from it.
    let _ = app.csrf_token().await;
    for token in [None, Some("forged-token-forged-token-forged-token")] {
        let mut form = vec![("email", ADMIN), ("password", PASSWORD)];
        if let Some(t) = token {
            form.push(("csrf_token", t));
        }
        let response = app.post_form("/sign-in", &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
        assert!(set_cookie(response.headers(), "pathway_session").is_none());
        let html = response.text().await.expect("read the page");
        assert!(html.contains(EXPIRED_FORM), "{html}");
    }
    let (_, home) = app.get_page("/").await;
    assert!(!home.contains("Sign out"), "not signed in: {home}");
}

#[tokio::test]
async fn a_signed_in_form_with_a_wrong_token_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let orgs_before = app.org_count().await;
    let audit_before = app.audit_entries().await;
    let parent = app.org("North Trust").await.id.to_string();
    let form = |token| {
        [
            ("name", "Forged Trust Team"),
            ("kind", "team"),
            ("parent", parent.as_str()),
            ("code", ""),
            ("csrf_token", token),
        ]
    };

    let response = admin
        .post_form(
            "/admin/organisations/new",
            &form("forged-token-forged-token-forged-token"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.expect("read the page");
    assert!(html.contains(EXPIRED_FORM), "{html}");

    assert_eq!(app.org_count().await, orgs_before);
    assert!(
        app.store
            .org_by_name("Forged Trust Team")
            .await
            .expect("query")
            .is_none()
    );
    let audit_after = app.audit_entries().await;
    assert_eq!(audit_after, audit_before, "nothing was audited");

    // The same form with the page's token goes through, so the refusal above was the token's.
    let (_, page) = admin.get_page("/admin/organisations/new").await;
    let response = admin
        .post_form("/admin/organisations/new", &form(&get_csrf(&page)))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.org_count().await, orgs_before + 1);
}

#[tokio::test]
async fn an_api_post_without_the_csrf_header_gets_the_json_error() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let response = author
        .post_json("/api/frameworks/import", "{}".into(), None)
        .await;
    let body = assert_api_error(response, StatusCode::FORBIDDEN, "csrf_token_invalid").await;
    insta::assert_json_snapshot!(body, @r#"
    {
      "error": {
        "status": 403,
        "code": "csrf_token_invalid",
        "message": "This form has expired or did not come from Pathway; go back, reload the page and try again"
      }
    }
    "#);

    // A wrong header is refused the same way, and nothing is imported.
    let response = author
        .post_json(
            "/api/frameworks/import",
            "{}".into(),
            Some("forged-token-forged-token-forged-token"),
        )
        .await;
    assert_api_error(response, StatusCode::FORBIDDEN, "csrf_token_invalid").await;
    let versions = app
        .store
        .framework_versions(true)
        .await
        .expect("list versions");
    assert!(
        versions.iter().all(|v| v.framework_id == FRAMEWORK),
        "{versions:?}"
    );
}

#[tokio::test]
async fn a_post_to_the_case_api_without_the_csrf_header_gets_the_json_error() {
    // The CASE provider API answers in JSON: a refusal there must not be an HTML page
    // wrapped in a JSON message.
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let response = author
        .post_json("/ims/case/v1p1/CFDocuments", "{}".into(), None)
        .await;
    let body = assert_api_error(response, StatusCode::FORBIDDEN, "csrf_token_invalid").await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.contains('<'), "{message}");
}
