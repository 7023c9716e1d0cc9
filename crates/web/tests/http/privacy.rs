//! A person's rights: everyone downloads what Pathway holds about them; platform
//! administrators download anyone's and erase people; erasure ends their access, removes
//! their details and keeps the audit log's chain whole.

use crate::helpers::{
    ADMIN, NORTH_LEAD, NORTH_WORKER, PASSWORD, TestApp, get_csrf, page_text, spawn_app,
};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use serde_json::Value;

async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.store
        .user_for_sign_in(email)
        .await
        .expect("query")
        .expect("a demo user")
        .0
        .id
}

#[tokio::test]
async fn everyone_downloads_what_pathway_holds_about_them_and_no_secret() {
    let app = spawn_app().await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let (_, account) = worker.get_page("/account").await;
    assert!(account.contains("href=\"/account/data\""));
    let response = worker.get("/account/data").await;
    assert_eq!(response.status(), StatusCode::OK);
    let id = user_id(&app, NORTH_WORKER).await;
    assert_eq!(
        response.headers()[CONTENT_DISPOSITION],
        format!("attachment; filename=\"pathway-data-{id}.json\"").as_str()
    );
    assert_eq!(response.headers()[CACHE_CONTROL], "no-store");
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["person"]["email"], NORTH_WORKER);
    assert_eq!(body["roles"][0]["role"], "worker");
    assert!(!body["sessions"].as_array().unwrap().is_empty(), "{body}");
    assert!(!body["sign_in_attempts"].as_array().unwrap().is_empty());
    let actions: Vec<&str> = body["audit_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"user.create") && actions.contains(&"role.grant"));
    assert!(!text.contains("$argon2"), "no password hash");
    assert!(!text.contains("csrf"), "no session secret");
    // The download itself is recorded, as theirs.
    let log = app.store.audit_page(0, 1).await.unwrap();
    assert_eq!(log.entries[0].action, "user.export");
    assert_eq!(log.entries[0].actor_user_id, Some(id));
}

#[tokio::test]
async fn only_platform_administrators_answer_for_someone_else() {
    let app = spawn_app().await;
    let worker = user_id(&app, NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    for path in [
        format!("/admin/users/{worker}/data"),
        format!("/admin/users/{worker}/erase"),
    ] {
        let (status, _) = lead.get_page(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (_, page) = lead.get_page(&format!("/admin/users/{worker}")).await;
    assert!(
        !page.contains("/erase\""),
        "an employer lead is not offered erasure"
    );

    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.get_page(&format!("/admin/users/{worker}")).await;
    assert!(page.contains(&format!("href=\"/admin/users/{worker}/data\"")));
    let response = admin.get(&format!("/admin/users/{worker}/data")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["person"]["email"], NORTH_WORKER);
    // Not themselves: erasing oneself is refused and not offered.
    let me = user_id(&app, ADMIN).await;
    let (_, page) = admin.get_page(&format!("/admin/users/{me}")).await;
    assert!(!page.contains("/erase\""));
    let (status, _) = admin.get_page(&format!("/admin/users/{me}/erase")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_erased_person_is_gone_and_the_audit_log_still_holds_together() {
    let app = spawn_app().await;
    let id = user_id(&app, NORTH_WORKER).await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let admin = app.signed_in(ADMIN).await;
    let anchor = app.store.verify_audit(None).await.unwrap().unwrap().head;

    let path = format!("/admin/users/{id}/erase");
    let (status, question) = admin.get_page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page_text(&question).contains("This cannot be undone"));
    // Without the form's token nothing happens.
    let refused = admin.post_form(&path, &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store
            .user_for_sign_in(NORTH_WORKER)
            .await
            .unwrap()
            .is_some()
    );

    let response = admin
        .post_form(&path, &[("csrf_token", &get_csrf(&question))])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_page(&format!("/admin/users/{id}")).await;
    assert!(page_text(&page).contains(&format!("Erased person {id}")));
    assert!(!page.contains(NORTH_WORKER));

    // Their session has ended, and they cannot sign in again.
    let (status, _) = worker.get_page("/account").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let again = app.browser();
    let response = again.submit_sign_in(NORTH_WORKER, PASSWORD).await;
    assert_ne!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.store.grants(id).await.unwrap().is_empty());

    // The log keeps every entry and its chain; the erasure is the newest.
    app.store
        .verify_audit(anchor)
        .await
        .unwrap()
        .expect("the chain is whole after erasure");
    let log = app.store.audit_page(0, 1).await.unwrap();
    assert_eq!(log.entries[0].action, "user.erase_from_audit");
    let (_, audit) = admin.get_page("/admin/audit").await;
    // (physio.worker@north-trust… is someone else.)
    for named in [
        format!("&#34;{NORTH_WORKER}&#34;"),
        format!(">{NORTH_WORKER}<"),
    ] {
        assert!(!audit.contains(&named), "the audit page names them nowhere");
    }
    assert!(audit.contains("&#34;physio.worker@north-trust.pathway.demo&#34;"));
}
