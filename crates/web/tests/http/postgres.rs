//! The flows whose storage differs most between the databases, against the real server on
//! PostgreSQL: authoring and publication, accounts, sign-in limits under a burst, the audit
//! chain, and the CASE provider API. (Every storage query is tested on both databases in
//! `pathway-store`; these show the server on top of PostgreSQL behaves the same.)

use crate::authoring::{NEW_TEXT, create_draft, current_version, edit_item, publish};
use crate::helpers::{
    ADMIN, AUTHOR, FRAMEWORK, NORTH_LEAD, NORTH_WORKER, PASSWORD, burst_of_wrong_guesses, get_csrf,
    location, spawn_app_on_postgres,
};
use reqwest::StatusCode;

#[tokio::test]
async fn an_author_drafts_edits_and_publishes_on_postgres() {
    let app = spawn_app_on_postgres().await;
    let author = app.signed_in(AUTHOR).await;
    let version = create_draft(&author).await;
    assert_eq!(
        edit_item(&author, &version).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(current_version(&app).await, "2021");
    assert_eq!(
        publish(&author, &version).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(current_version(&app).await, version);
    let (_, item) = app
        .get_json(&format!("/api/frameworks/{FRAMEWORK}/items/3.9"))
        .await;
    assert!(item.to_string().contains(NEW_TEXT), "{item}");
    // One published version: the one before was retired, and that is on the record.
    let versions = app.store.versions_of(FRAMEWORK, true).await.unwrap();
    let published = versions
        .iter()
        .filter(|v| v.status == pathway_domain::framework::VersionStatus::Published)
        .count();
    assert_eq!(published, 1, "{versions:?}");

    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.get_page("/admin/audit").await;
    let response = admin
        .post_form("/admin/audit/verify", &[("csrf_token", &get_csrf(&page))])
        .await;
    let text = response.text().await.unwrap();
    assert!(text.contains("entries verified"), "{text}");
}

#[tokio::test]
async fn accounts_work_the_same_on_postgres() {
    let app = spawn_app_on_postgres().await;
    let worker_id = app
        .store
        .user_for_sign_in(NORTH_WORKER)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let worker = app.signed_in(NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, page) = lead.get_page(&format!("/admin/users/{worker_id}")).await;
    let response = lead
        .post_form(
            &format!("/admin/users/{worker_id}/disable"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(worker.get("/account").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.browser()
            .submit_sign_in(NORTH_WORKER, PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let response = lead
        .post_form(
            &format!("/admin/users/{worker_id}/enable"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let again = app.signed_in(NORTH_WORKER).await;
    let (status, _) = again.get_page("/account").await;
    assert_eq!(status, StatusCode::OK);
    let response = app.get("/account").await;
    assert!(location(&response).starts_with("/sign-in"));
}

#[tokio::test]
async fn a_burst_of_guesses_gets_no_more_tries_than_the_limit_on_postgres() {
    let app = spawn_app_on_postgres().await;
    let statuses = burst_of_wrong_guesses(&app, NORTH_LEAD, 16).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert!(
        checked <= 5,
        "{checked} passwords were checked: {statuses:?}"
    );
}

#[tokio::test]
async fn case_identifiers_resolve_on_postgres() {
    let app = spawn_app_on_postgres().await;
    let (_, package) = app
        .get_json(&format!("/api/frameworks/{FRAMEWORK}/export?format=case"))
        .await;
    let item = &package["CFItems"][10];
    let id = item["identifier"].as_str().unwrap();
    let (status, served) = app.get_json(&format!("/ims/case/v1p1/CFItems/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&served, item);
}
