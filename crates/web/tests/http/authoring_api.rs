//! The authoring API: a script starts a draft, changes its details, a domain and items, and
//! publishes it, each change naming the revision it was made against; stale revisions,
//! broken rules and callers who are not the framework's authors change nothing.

use crate::helpers::{
    AUTHOR, Browser, FRAMEWORK, TestApp, assert_api_error, get_csrf, json_body, location, spawn_app,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const REGIONAL_AUTHOR: &str = "author2@pathway.demo";

/// A signed-in script: its browser and CSRF token.
async fn script(app: &TestApp, email: &str) -> (Browser, String) {
    let browser = app.signed_in(email).await;
    let (_, page) = browser.get_page("/").await;
    let token = get_csrf(&page);
    (browser, token)
}

async fn call(
    (browser, token): &(Browser, String),
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value, String) {
    let response = browser.send_json(method, path, body, Some(token)).await;
    let status = response.status();
    let to = location(&response);
    let body = if status == StatusCode::NO_CONTENT {
        Value::Null
    } else {
        json_body(response).await
    };
    (status, body, to)
}

fn draft(rest: &str) -> String {
    format!("/api/frameworks/{FRAMEWORK}/versions/2021.1{rest}")
}

/// Descriptors for the shipped framework's three levels.
fn three(entry: Value, intermediate: Value, practitioner: Value) -> Value {
    json!([
        {"level": "entry", "kind": entry["kind"], "text": entry["text"]},
        {"level": "intermediate", "kind": intermediate["kind"], "text": intermediate["text"]},
        {"level": "assistant-practitioner", "kind": practitioner["kind"], "text": practitioner["text"]},
    ])
}

fn text(t: &str) -> Value {
    json!({"kind": "text", "text": t})
}

/// Starts the draft 2021.1 of the shipped framework; returns its revision.
async fn start(author: &(Browser, String)) -> i64 {
    let path = format!("/api/frameworks/{FRAMEWORK}/drafts");
    let (status, body, to) = call(author, Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(to, draft(""));
    assert_eq!(
        (&body["version"], &body["status"]),
        (&json!("2021.1"), &json!("draft"))
    );
    body["revision"].as_i64().expect("a revision")
}

#[tokio::test]
async fn a_script_edits_a_draft_and_publishes_it() {
    let app = spawn_app().await;
    let author = script(&app, AUTHOR).await;
    let mut revision = start(&author).await;

    // Details: only what is given changes.
    let (status, body, _) = call(
        &author,
        Method::PATCH,
        &draft(""),
        Some(json!({"revision": revision, "publisher": "NHS England"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["revision"].as_i64() > Some(revision));
    revision = body["revision"].as_i64().unwrap();

    // A domain's description.
    let (status, body, _) = call(
        &author,
        Method::PATCH,
        &draft("/domains/2"),
        Some(
            json!({"revision": revision, "description": "Working with people and their families."}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    revision = body["revision"].as_i64().unwrap();

    // A new item, then a change to it.
    let (status, body, to) = call(
        &author,
        Method::POST,
        &draft("/items"),
        Some(json!({
            "revision": revision, "domain": "2", "code": "2.99", "title": "Safe swallowing",
            "kind": "competency",
            "descriptors": three(text("Follows the plan."), text("Adapts the plan."), json!({"kind": "not_applicable"})),
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        to,
        format!("/api/frameworks/{FRAMEWORK}/items/2.99?version=2021.1")
    );
    revision = body["revision"].as_i64().unwrap();
    let (status, body, _) = call(
        &author,
        Method::PUT,
        &draft("/items/2.99"),
        Some(json!({
            "revision": revision, "title": "Supports safe swallowing", "kind": "entry_requirement",
            // In any order, each naming its level; text alone is text, nothing is missing.
            "descriptors": [
                {"level": "assistant-practitioner"},
                {"level": "intermediate", "text": "Adapts the plan with the person."},
                {"level": "entry", "text": "Follows the plan."},
            ],
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    revision = body["revision"].as_i64().unwrap();
    let (_, item, _) = call(&author, Method::GET, &to, None).await;
    assert_eq!(item["title"], "Supports safe swallowing");
    assert_eq!(item["kind"], "entry_requirement");
    let kinds: Vec<&str> = item["descriptors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["text", "text", "missing"]);

    // An item removed.
    let (status, body, _) = call(
        &author,
        Method::DELETE,
        &draft(&format!("/items/3.9?revision={revision}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["item_count"], 55, "one added, one removed");
    revision = body["revision"].as_i64().unwrap();

    // Published: everyone now reads it.
    let (status, body, _) = call(
        &author,
        Method::POST,
        &draft("/publish"),
        Some(json!({"revision": revision})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "published");
    let (_, now) = app.get_json(&format!("/api/frameworks/{FRAMEWORK}")).await;
    assert_eq!(now["version"], "2021.1");
    assert_eq!(now["publisher"], "NHS England");
    let codes: Vec<&str> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"2.99") && !codes.contains(&"3.9"));

    // Each change is in the audit log, as the pages' are.
    let log = app.store.audit_page(0, 20).await.unwrap();
    let actions: Vec<&str> = log.entries.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "framework.draft",
        "framework.details.edit",
        "framework.domain.edit",
        "framework.item.add",
        "framework.item.edit",
        "framework.item.remove",
        "framework.publish",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
}

#[tokio::test]
async fn a_stale_revision_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let author = script(&app, AUTHOR).await;
    let revision = start(&author).await;
    let (status, _, _) = call(
        &author,
        Method::PATCH,
        &draft(""),
        Some(json!({"revision": revision, "title": "Renamed"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let before = app.audit_entries().await;
    for (method, path, body) in [
        (
            Method::PATCH,
            draft(""),
            Some(json!({"revision": revision, "title": "Renamed again"})),
        ),
        (
            Method::POST,
            draft("/publish"),
            Some(json!({"revision": revision})),
        ),
        (
            Method::DELETE,
            draft(&format!("/items/3.9?revision={revision}")),
            None,
        ),
        (
            Method::DELETE,
            draft(&format!("?revision={revision}")),
            None,
        ),
    ] {
        let (status, body, _) = call(&author, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{method} {path}: {body}");
        assert_eq!(body["error"]["code"], "conflict", "{body}");
    }
    assert_eq!(app.audit_entries().await, before);
    let (_, now, _) = call(&author, Method::GET, &draft(""), None).await;
    assert_eq!(
        (&now["title"], &now["status"]),
        (&json!("Renamed"), &json!("draft"))
    );
}

#[tokio::test]
async fn each_problem_names_its_json_path_and_nothing_is_written() {
    let app = spawn_app().await;
    let author = script(&app, AUTHOR).await;
    let revision = start(&author).await;
    let before = app.audit_entries().await;
    let item = |descriptors: Value| json!({"revision": revision, "title": "T", "kind": "competency", "descriptors": descriptors});
    let cases = [
        (
            Method::PUT,
            draft("/items/3.9"),
            item(json!([{"level": "entry", "text": "a"}, {"level": "band-5", "text": "b"}])),
            "$.descriptors[1].level",
        ),
        (
            Method::PUT,
            draft("/items/3.9"),
            item(json!([{"level": "entry", "text": "a"}])),
            "$.descriptors",
        ),
        (
            Method::PUT,
            draft("/items/3.9"),
            item(json!([
                {"level": "entry", "text": "a"}, {"level": "entry", "text": "b"},
                {"level": "intermediate"}, {"level": "assistant-practitioner"}
            ])),
            "$.descriptors[1].level",
        ),
        (
            Method::PUT,
            draft("/items/3.9"),
            item(three(
                text("a"),
                json!({"kind": "not_applicable", "text": "b"}),
                text("c"),
            )),
            "$.descriptors[1].text",
        ),
        (
            Method::PUT,
            draft("/items/3.9"),
            json!({"revision": revision, "title": " ", "kind": "competency", "descriptors": three(text("a"), text("b"), text("c"))}),
            "$.title",
        ),
        (
            Method::PUT,
            draft("/items/3.9"),
            json!({"revision": revision, "title": "T", "kind": "skill", "descriptors": three(text("a"), text("b"), text("c"))}),
            "$.kind",
        ),
        (
            Method::POST,
            draft("/items"),
            json!({"revision": revision, "domain": "3", "code": "3.9", "title": "T", "kind": "competency", "descriptors": three(text("a"), text("b"), text("c"))}),
            "$.code",
        ),
        (
            Method::PATCH,
            draft(""),
            json!({"revision": "latest"}),
            "$.revision",
        ),
        (
            Method::PATCH,
            draft(""),
            json!({"revision": revision, "colour": "blue"}),
            "$.colour",
        ),
        (Method::PATCH, draft(""), json!({"title": "T"}), "$"),
    ];
    // A wrong type says what was expected, where, and nothing of lines and columns.
    let (_, answer, _) = call(
        &author,
        Method::PATCH,
        &draft(""),
        Some(json!({"revision": "latest"})),
    )
    .await;
    assert_eq!(
        answer["error"]["problems"][0]["message"],
        "invalid type: string \"latest\", expected i64"
    );
    for (method, path, body, at) in cases {
        let (status, answer, _) = call(&author, method.clone(), &path, Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        let locations: Vec<&str> = answer["error"]["problems"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer}"))
            .iter()
            .map(|p| p["location"].as_str().unwrap())
            .collect();
        assert!(locations.contains(&at), "{body}: {at} not in {locations:?}");
    }

    // Not JSON; a published version; a revision not given.
    let response = author
        .0
        .post_body(
            &draft("/publish"),
            "text/plain",
            "1".into(),
            Some(&author.1),
        )
        .await;
    assert_api_error(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let (status, body, _) = call(
        &author,
        Method::PATCH,
        &format!("/api/frameworks/{FRAMEWORK}/versions/2021"),
        Some(json!({"revision": 0, "title": "T"})),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::CONFLICT, &json!("not_a_draft"))
    );
    let (status, _, _) = call(&author, Method::DELETE, &draft(""), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.audit_entries().await, before);
}

#[tokio::test]
async fn only_the_frameworks_authors_change_it_and_its_drafts_are_theirs_to_see() {
    let app = spawn_app().await;
    let author = script(&app, AUTHOR).await;
    let revision = start(&author).await;

    // A regional author does not author the national framework: no draft, and its draft
    // is not found.
    let regional = script(&app, REGIONAL_AUTHOR).await;
    let (status, _, _) = call(
        &regional,
        Method::POST,
        &format!("/api/frameworks/{FRAMEWORK}/drafts"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(
        &regional,
        Method::PATCH,
        &draft(""),
        Some(json!({"revision": revision, "title": "Mine"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get_json(&draft("")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "drafts are hidden from readers"
    );

    // Without the CSRF token, even its author is refused.
    let response = author
        .0
        .send_json(
            Method::PATCH,
            &draft(""),
            Some(json!({"revision": revision, "title": "T"})),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Its author discards it.
    let (status, _, _) = call(
        &author,
        Method::DELETE,
        &draft(&format!("?revision={revision}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = call(&author, Method::GET, &draft(""), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
