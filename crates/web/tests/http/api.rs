//! The JSON API: reading frameworks, exporting and importing them, and its one error shape.

use crate::helpers::{
    AUTHOR, Browser, FRAMEWORK, NORTH_WORKER, TestApp, assert_api_error, get_csrf, json_body,
    json_strings, shipped, spawn_app,
};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

fn api(rest: &str) -> String {
    format!("/api/frameworks/{FRAMEWORK}{rest}")
}

fn len(body: &Value, key: &str) -> usize {
    body[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is not a list: {body}"))
        .len()
}

/// The form token of a signed-in page, as a script would read it.
async fn token_of(browser: &Browser) -> String {
    let (status, html) = browser.get_page("/").await;
    assert_eq!(status, StatusCode::OK);
    get_csrf(&html)
}

/// The shipped framework's CASE export, as the API serves it.
async fn case_export(app: &TestApp) -> Value {
    let response = app.get(&api("/export?format=case")).await;
    assert_eq!(response.status(), StatusCode::OK);
    json_body(response).await
}

#[tokio::test]
async fn the_framework_list_includes_the_shipped_framework() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/frameworks").await;
    assert_eq!(status, StatusCode::OK);
    let list = body
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {body}"));
    let shipped = list
        .iter()
        .find(|f| f["id"] == FRAMEWORK)
        .unwrap_or_else(|| panic!("{FRAMEWORK} is not listed: {body}"));
    assert_eq!(shipped["status"], "published", "{shipped}");
    assert_eq!(shipped["item_count"], 55, "{shipped}");
}

#[tokio::test]
async fn a_framework_comes_whole() {
    let app = spawn_app().await;
    let (status, body) = app.get_json(&api("")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(len(&body, "items"), 55);
    assert_eq!(len(&body, "levels"), 3);
    assert_eq!(len(&body, "domains"), 8);
    assert_eq!(len(&body, "provider_mappings"), 12);
    assert!(json_strings(&body).contains(&FRAMEWORK), "{body}");
}

#[tokio::test]
async fn an_item_comes_with_its_descriptors() {
    let app = spawn_app().await;
    let (status, body) = app.get_json(&api("/items/3.9")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let strings = json_strings(&body);
    assert!(
        strings.contains(&"Reporting, Referring and Escalating Concerns"),
        "{body}"
    );
    let framework = shipped();
    let item = framework.item("3.9").expect("item 3.9");
    for d in &item.descriptors {
        let text = d.text().expect("a text descriptor");
        assert!(strings.contains(&text), "missing {text:?} in {body}");
    }
    let changes: Vec<&Value> = body["descriptors"]
        .as_array()
        .expect("descriptors")
        .iter()
        .map(|d| &d["change"])
        .collect();
    assert_eq!(changes, ["first", "changed", "changed"], "{body}");

    let (status, same) = app.get_json(&api("/items/2.1")).await;
    assert_eq!(status, StatusCode::OK, "{same}");
    let changes: Vec<&Value> = same["descriptors"]
        .as_array()
        .expect("descriptors")
        .iter()
        .map(|d| &d["change"])
        .collect();
    assert_eq!(changes, ["first", "same", "same"], "{same}");
}

#[tokio::test]
async fn unknown_things_get_the_one_error_shape() {
    let app = spawn_app().await;
    for missing in [
        "/api/frameworks/no-such-framework".to_owned(),
        api("/items/9.99"),
        "/api/frameworks/no-such-framework/items/3.9".to_owned(),
    ] {
        let response = app.get(&missing).await;
        let mut body = assert_api_error(response, StatusCode::NOT_FOUND, "not_found").await;
        let message = body["error"]["message"].take();
        assert!(
            message
                .as_str()
                .is_some_and(|m| m.ends_with("was not found")),
            "{missing}: {message}"
        );
        body["error"]["message"] = "[message]".into();
        insta::allow_duplicates! {
            insta::assert_json_snapshot!(body, @r#"
            {
              "error": {
                "status": 404,
                "code": "not_found",
                "message": "[message]"
              }
            }
            "#);
        }
    }
}

#[tokio::test]
async fn the_openapi_document_is_served() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["openapi"], "3.1.0");
    assert!(body["paths"].get("/api/frameworks").is_some(), "{body}");
    let built: Value =
        serde_json::from_str(&pathway_web::openapi_json()).expect("openapi_json() is JSON");
    assert_eq!(
        body, built,
        "the served document is the one the code describes"
    );
}

#[tokio::test]
async fn a_framework_exports_as_case_json() {
    let app = spawn_app().await;
    let response = app.get(&api("/export?format=case")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let package = json_body(response).await;

    let items = package["CFItems"].as_array().expect("CFItems");
    assert_eq!(items.len(), 8 + 55 + 12);
    let of_type = |t: &str| items.iter().filter(|i| i["CFItemType"] == t).count();
    assert_eq!(of_type("Domain"), 8);
    assert_eq!(of_type("Competency") + of_type("Entry requirement"), 55);
    assert_eq!(of_type("Provider mapping"), 12);
    assert_eq!(
        package["CFDocument"]["title"],
        shipped().meta.title.as_str()
    );
    assert_eq!(package["extensions"]["pathway"]["frameworkId"], FRAMEWORK);
}

#[tokio::test]
async fn a_framework_exports_as_csv() {
    let app = spawn_app().await;
    let response = app.get(&api("/export?format=csv")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let csv = response.text().await.expect("read the CSV");
    let lines: Vec<&str> = csv.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 56, "a header and one row per item");
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "domain,code,title,kind,Entry,Intermediate,Assistant Practitioner"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains(r#",3.9,"Reporting, Referring and Escalating Concerns",Competency,"#)),
        "{csv}"
    );
}

#[tokio::test]
async fn an_author_imports_a_case_package() {
    let app = spawn_app().await;
    let mut package = case_export(&app).await;
    package["extensions"]["pathway"]["frameworkId"] = "hee-ahp-support-worker-2021-copy".into();

    let author = app.signed_in(AUTHOR).await;
    let token = token_of(&author).await;
    let response = author
        .post_json("/api/frameworks/import", package.to_string(), Some(&token))
        .await;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let versions = app
        .store
        .versions_of("hee-ahp-support-worker-2021-copy", true)
        .await
        .expect("list versions");
    assert_eq!(versions.len(), 1, "{versions:?}");
    assert_eq!(versions[0].item_count, 55);
    let log = app
        .store
        .audit_page(0, 10)
        .await
        .expect("read the audit log");
    assert!(
        log.entries
            .iter()
            .any(|e| e.action == "framework.import" && e.actor == AUTHOR),
        "{:?}",
        log.entries
    );
}

#[tokio::test]
async fn malformed_json_is_refused_with_where_it_broke() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let token = token_of(&author).await;
    let response = author
        .post_json(
            "/api/frameworks/import",
            "{\n  \"CFDocument\": {,\n}".into(),
            Some(&token),
        )
        .await;
    let body = assert_api_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    let problems = body["error"]["problems"].as_array().expect("problems");
    assert!(!problems.is_empty(), "{body}");
    let location = problems[0]["location"].as_str().unwrap_or_default();
    assert!(
        location.contains("line 2") && location.contains("column"),
        "{body}"
    );
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    let versions = app
        .store
        .framework_versions(true)
        .await
        .expect("list versions");
    assert_eq!(versions.len(), 1, "nothing was imported: {versions:?}");
}

#[tokio::test]
async fn only_authors_may_import() {
    let app = spawn_app().await;
    let mut package = case_export(&app).await;
    package["extensions"]["pathway"]["frameworkId"] = "worker-import".into();

    let worker = app.signed_in(NORTH_WORKER).await;
    let token = token_of(&worker).await;
    let response = worker
        .post_json("/api/frameworks/import", package.to_string(), Some(&token))
        .await;
    assert_api_error(response, StatusCode::FORBIDDEN, "forbidden").await;

    // Signed out: a JSON 401, not a redirect to the sign-in page...
    let anonymous = app.browser();
    let token = anonymous.csrf_token().await;
    let response = anonymous
        .post_json("/api/frameworks/import", "{}".into(), Some(&token))
        .await;
    assert_api_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // ...and a whole framework is more than anyone not signed in may send.
    let response = anonymous
        .post_json("/api/frameworks/import", package.to_string(), Some(&token))
        .await;
    let body = assert_api_error(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("before signing in"),
        "{body}"
    );

    let versions = app
        .store
        .versions_of("worker-import", true)
        .await
        .expect("list versions");
    assert!(versions.is_empty(), "{versions:?}");
}
