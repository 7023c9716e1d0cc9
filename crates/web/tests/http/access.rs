//! Who may see and do what: signing in first, permission, the organisation tree.

use crate::helpers::{
    ADMIN, FRAMEWORK, NORTH_LEAD, NORTH_WORKER, SOUTH_LEAD, get_csrf, location, spawn_app,
};
use reqwest::StatusCode;

const NO_PERMISSION: &str = "You do not have permission";

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_back() {
    let app = spawn_app().await;
    for (path, to) in [
        ("/admin", "/sign-in?next=%2Fadmin"),
        ("/admin/users", "/sign-in?next=%2Fadmin%2Fusers"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), to, "{path}");
    }
    // The sign-in page it leads to keeps where to go back to.
    let (status, html) = app.get_page("/sign-in?next=%2Fadmin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="next" value="/admin""#), "{html}");
}

#[tokio::test]
async fn a_support_worker_cannot_open_administration() {
    let app = spawn_app().await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let (status, html) = worker.get_page("/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains(NO_PERMISSION), "{html}");
    // The layout does not offer what the worker may not open.
    let (_, home) = worker.get_page("/").await;
    assert!(!home.contains(r#"href="/admin""#), "{home}");
}

#[tokio::test]
async fn error_pages_show_who_is_signed_in() {
    let app = spawn_app().await;
    let worker = app.signed_in(NORTH_WORKER).await;
    // Refused by a handler, by an unknown item, and by no route at all.
    for (path, status) in [
        ("/admin", StatusCode::FORBIDDEN),
        (
            &*format!("/frameworks/{FRAMEWORK}/items/99.99"),
            StatusCode::NOT_FOUND,
        ),
        ("/no-such-page", StatusCode::NOT_FOUND),
    ] {
        let (got, html) = worker.get_page(path).await;
        assert_eq!(got, status, "{path}");
        assert!(html.contains("Sign out"), "{path}: {html}");
        assert!(html.contains(": your account"), "{path}: {html}");
        assert!(!html.contains(r#"href="/sign-in""#), "{path}: {html}");
    }
    // An anonymous visitor's error page offers signing in.
    let (status, html) = app.browser().get_page("/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains(r#"href="/sign-in""#), "{html}");
}

#[tokio::test]
async fn an_employer_lead_sees_only_their_own_part_of_the_tree() {
    let app = spawn_app().await;
    let north = app.org("North Trust").await.id;
    let north_team = app.org("North Trust Physiotherapy").await.id;
    let south = app.org("South Trust").await.id;
    let lead = app.signed_in(NORTH_LEAD).await;

    let (status, html) = lead
        .get_page(&format!("/admin/organisations/{north}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("North Trust"), "{html}");
    let (status, html) = lead
        .get_page(&format!("/admin/organisations/{north_team}"))
        .await;
    assert_eq!(status, StatusCode::OK, "a team under the trust: {html}");

    let (status, html) = lead
        .get_page(&format!("/admin/organisations/{south}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains(NO_PERMISSION), "{html}");
    assert!(
        !html.contains("South Trust"),
        "nothing of South Trust shows: {html}"
    );

    // And the other way round.
    let south_lead = app.signed_in(SOUTH_LEAD).await;
    let (status, _) = south_lead
        .get_page(&format!("/admin/organisations/{north}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = south_lead
        .get_page(&format!("/admin/organisations/{south}"))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn anyone_can_read_the_frameworks() {
    let app = spawn_app().await;
    let base = format!("/frameworks/{FRAMEWORK}");
    for path in [
        "/".to_owned(),
        "/frameworks".to_owned(),
        base.clone(),
        format!("{base}/items/3.9"),
        format!("{base}/levels/intermediate"),
        format!("{base}/domains/3"),
    ] {
        let (status, html) = app.get_page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
    }
}

#[tokio::test]
async fn an_administrator_creates_a_user_who_can_sign_in() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (status, form) = admin.get_page("/admin/users/new").await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let token = get_csrf(&form);
    let north = app.org("North Trust").await.id.to_string();
    let email = "priya.new@north-trust.pathway.demo";
    let password = "a-long-enough-password-42";

    let response = admin
        .post_form(
            "/admin/users/new",
            &[
                ("name", "Priya New"),
                ("email", email),
                ("password", password),
                ("org", &north),
                ("role", "worker"),
                ("csrf_token", &token),
            ],
        )
        .await;
    let status = response.status();
    let to = location(&response);
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap_or_default()
    );
    assert!(to.starts_with("/admin/users"), "lands on {to}");

    let (created, _) = app
        .store
        .user_for_sign_in(email)
        .await
        .expect("look up the user")
        .expect("the user exists");
    assert_eq!(created.name, "Priya New");
    let grants = app.store.grants(created.id).await.expect("read grants");
    assert_eq!(grants.len(), 1, "{grants:?}");
    assert_eq!(grants[0].role.as_str(), "worker");
    assert_eq!(grants[0].org_name.as_deref(), Some("North Trust"));

    let log = app
        .store
        .audit_page(0, 100)
        .await
        .expect("read the audit log");
    let entry = log
        .entries
        .iter()
        .find(|e| e.action == "user.create" && e.subject_id == created.id.to_string())
        .expect("a user.create entry for the new user");
    assert_eq!(entry.actor, ADMIN);
    let after = entry.after.as_deref().unwrap_or_default();
    assert!(after.contains(email), "{after}");
    for e in &log.entries {
        for json in [&e.before, &e.after].into_iter().flatten() {
            assert!(
                !json.contains(password),
                "{} records the password: {json}",
                e.action
            );
        }
    }

    app.browser().sign_in(email, password).await;
}
