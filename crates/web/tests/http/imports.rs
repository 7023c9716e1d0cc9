//! Bad framework files, sent through the API and the import page: each refused with the file,
//! row or JSON path and the reason, and nothing written.

use crate::helpers::{
    AUTHOR, Browser, FRAMEWORK, TestApp, get_csrf, json_body, page_text, spawn_app,
};
use reqwest::StatusCode;

/// Name, content type, body, the framework id a CSV is for, and what the refusal must say
/// (after the file's name).
const BAD: &[(&str, &str, &str, &str, &str)] = &[
    (
        "malformed.json",
        "application/json",
        "{\"CFDocument\": {\"title\": \"Broken\",\n",
        "",
        "line 2, column 0: the file is not valid JSON",
    ),
    (
        "unknown-level.csv",
        "text/csv",
        "domain,code,title,kind,Entry,Intermediate,Expert\nOne,1.1,T,competency,a,b,c\n",
        FRAMEWORK,
        "row 1, column 7 (\"Expert\"): \"Expert\" is not a level of this framework",
    ),
    (
        "duplicate.csv",
        "text/csv",
        "domain,code,title,kind,Entry\nOne,1.1,A,competency,a\nOne,1.1,B,competency,b\n",
        "bad",
        "row 3, column 2 (code): item code \"1.1\" appears more than once",
    ),
    (
        "no-title.csv",
        "text/csv",
        "domain,code,title,kind,Entry\nOne,1.1,,competency,a\n",
        "bad",
        "row 2, column 3 (title): the title is empty",
    ),
    (
        "short-row.csv",
        "text/csv",
        "domain,code,title,kind,Entry\nOne,1.1,A,competency\n",
        "bad",
        "row 2: 4 columns, expected 5",
    ),
];

async fn written(app: &TestApp) -> (usize, i64) {
    let versions = app.store.framework_versions(true).await.expect("versions");
    (versions.len(), app.audit_entries().await)
}

#[tokio::test]
async fn bad_files_sent_to_the_api_are_refused_with_where_and_why() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (_, page) = author.get_page("/").await;
    let token = get_csrf(&page);
    let before = written(&app).await;
    for (name, content_type, body, id, want) in BAD {
        let path = if id.is_empty() {
            "/api/frameworks/import".to_owned()
        } else {
            format!("/api/frameworks/import?id={id}&title=Bad&publisher=Test")
        };
        let response = author
            .post_body(&path, content_type, (*body).to_owned(), Some(&token))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}"
        );
        let body = json_body(response).await;
        assert_eq!(body["error"]["code"], "invalid", "{name}: {body}");
        let problems: Vec<String> = body["error"]["problems"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: no problems in {body}"))
            .iter()
            .map(|p| {
                format!(
                    "{}: {}",
                    p["location"].as_str().unwrap_or(""),
                    p["message"].as_str().unwrap_or("")
                )
            })
            .collect();
        let want = format!("request body: {want}");
        assert!(
            problems.iter().any(|p| p.starts_with(&want)),
            "{name}: expected {want:?} in {problems:?}"
        );
    }
    assert_eq!(written(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn bad_files_uploaded_on_the_import_page_are_shown_with_where_and_why() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let before = written(&app).await;
    for (name, _, body, id, want) in BAD {
        let (status, html) = upload(&author, name, body, id).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let text = page_text(&html);
        assert!(text.contains("There is a problem"), "{name}: {text}");
        let want = format!("{name}: {want}");
        assert!(text.contains(&want), "{name}: expected {want:?} in {text}");
        // The form keeps what was typed, so only the file needs choosing again.
        if !id.is_empty() {
            assert!(html.contains(&format!("value=\"{id}\"")), "{name}: {html}");
        }
    }
    assert_eq!(written(&app).await, before, "nothing was written");
}

/// Sends the import page's form with a file, as a browser does.
async fn upload(author: &Browser, name: &str, body: &str, id: &str) -> (StatusCode, String) {
    let (_, page) = author.get_page("/frameworks/import").await;
    let token = get_csrf(&page);
    let mut fields = vec![("csrf_token", token.as_str())];
    if id.is_empty() {
        fields.push(("format", "case"));
    } else {
        fields.extend([
            ("format", "csv"),
            ("id", id),
            ("title", "Bad"),
            ("publisher", "Test"),
            ("version", "1"),
        ]);
    }
    let response = author
        .post_upload("/frameworks/import", &fields, name, body)
        .await;
    let status = response.status();
    (status, response.text().await.expect("read the page"))
}

#[tokio::test]
async fn a_case_file_whose_id_is_taken_by_another_document_is_imported_under_a_chosen_id() {
    const FOREIGN: &str =
        include_str!("../../../domain/tests/fixtures/case-foreign-dysphagia-rubric.json");
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (_, page) = author.get_page("/frameworks/import").await;
    let token = get_csrf(&page);
    let fields = [("csrf_token", token.as_str()), ("format", "case")];
    let response = author
        .post_upload("/frameworks/import", &fields, "first.json", FOREIGN)
        .await;
    // Imported, with what was left out listed before going on to the framework.
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("read the page");
    let text = page_text(&html);
    assert!(
        text.contains("Dysphagia Support Competencies imported"),
        "{text}"
    );
    assert!(
        text.contains(
            "first.json: $.CFItems[10].conceptKeywords: conceptKeywords on provider mappings is not kept"
        ),
        "{text}"
    );
    assert!(
        html.contains("href=\"/frameworks/dysphagia-support-competencies?version=2.0\""),
        "{html}"
    );

    // The same title from another document: refused, saying what to do.
    let other = FOREIGN.replace(
        "1CF7ED7C-361C-412B-9115-34D8C3CC1FBD",
        "6B1C1C8E-1F43-4F0E-9A53-3C8B3BB0C001",
    );
    let before = written(&app).await;
    let response = author
        .post_upload("/frameworks/import", &fields, "other.json", &other)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&response.text().await.expect("read the page"));
    assert!(
        text.contains("other.json: $.CFDocument.identifier: Pathway already has a framework \"dysphagia-support-competencies\" that is a different CASE document"),
        "{text}"
    );
    assert!(text.contains("Framework id on the import page"), "{text}");
    assert_eq!(written(&app).await, before, "nothing was written");

    // Given an id of its own on the page, it imports as a framework of its own.
    let with_id = [
        ("csrf_token", token.as_str()),
        ("format", "case"),
        ("id", "dysphagia-other"),
    ];
    let response = author
        .post_upload("/frameworks/import", &with_id, "other.json", &other)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.expect("read the page");
    assert!(
        html.contains("href=\"/frameworks/dysphagia-other?version=2.0\""),
        "{html}"
    );
    // The API says the same in its answer.
    let (_, page) = author.get_page("/").await;
    let response = author
        .post_json(
            "/api/frameworks/import?id=dysphagia-third",
            other.clone(),
            Some(&get_csrf(&page)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body = json_body(response).await;
    let not_kept = body["not_kept"].as_array().expect("not_kept");
    assert!(
        not_kept.iter().any(
            |n| n["location"] == "request body: $.CFItems[10].conceptKeywords"
                && n["message"] == "conceptKeywords on provider mappings is not kept"
        ),
        "{body}"
    );
}

#[tokio::test]
async fn a_domain_code_with_a_space_is_browsable() {
    let shipped = include_str!("../../../../frameworks/hee-ahp-support-worker-2021.json");
    let mut v: serde_json::Value = serde_json::from_str(shipped).expect("the shipped file");
    v["id"] = "spaced-codes".into();
    v["domains"][0]["code"] = "Domain A".into();
    for item in v["items"].as_array_mut().expect("items") {
        if item["domain"] == "1" {
            item["domain"] = "Domain A".into();
        }
    }
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (_, page) = author.get_page("/").await;
    let response = author
        .post_json(
            "/api/frameworks/import",
            v.to_string(),
            Some(&get_csrf(&page)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let (status, overview) = author.get_page("/frameworks/spaced-codes").await;
    assert_eq!(status, StatusCode::OK);
    let link = "/frameworks/spaced-codes/domains/Domain%20A";
    assert!(overview.contains(link), "{overview}");
    let (status, domain) = author.get_page(link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page_text(&domain).contains("Domain Domain A:"), "{domain}");
}

/// A CASE package of items with no codes, directly under the document, in this order.
fn uncoded_package(items: &[(&str, &str)]) -> String {
    const DOC: &str = "5e0b7c1a-2f4d-4b8e-9c3a-7d6e5f4a3b21";
    let node = |id: &str| serde_json::json!({"identifier": id, "uri": format!("https://case.example/{id}"), "title": id});
    serde_json::json!({
        "CFDocument": {
            "identifier": DOC,
            "uri": format!("https://case.example/CFDocuments/{DOC}"),
            "creator": "A Tool",
            "title": "Swallowing support",
            "lastChangeDateTime": "2026-01-01T00:00:00+00:00",
        },
        "CFItems": items.iter().map(|(id, statement)| serde_json::json!({
            "identifier": id,
            "uri": format!("https://case.example/CFItems/{id}"),
            "fullStatement": statement,
            "lastChangeDateTime": "2026-01-01T00:00:00+00:00",
        })).collect::<Vec<_>>(),
        "CFAssociations": items.iter().enumerate().map(|(n, (id, _))| serde_json::json!({
            "identifier": format!("{}-{n}", &id[..8]),
            "uri": "https://case.example/CFAssociations/x",
            "associationType": "isChildOf",
            "sequenceNumber": n + 1,
            "originNodeURI": node(id),
            "destinationNodeURI": node(DOC),
            "lastChangeDateTime": "2026-01-01T00:00:00+00:00",
        })).collect::<Vec<_>>(),
    })
    .to_string()
}

#[tokio::test]
async fn items_a_tool_gives_no_codes_keep_theirs_in_the_next_version() {
    const A: &str = "0a000000-0000-4000-8000-00000000000a";
    const B: &str = "0b000000-0000-4000-8000-00000000000b";
    const N: &str = "0d000000-0000-4000-8000-00000000000d";
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (_, page) = author.get_page("/").await;
    let token = get_csrf(&page);
    let import = |body: String| {
        let author = &author;
        let token = &token;
        async move {
            author
                .post_body(
                    "/api/frameworks/import",
                    "application/json",
                    body,
                    Some(token),
                )
                .await
        }
    };
    let response = import(uncoded_package(&[(A, "Alpha"), (B, "Beta")])).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut next =
        serde_json::from_str::<serde_json::Value>(&uncoded_package(&[(N, "New"), (A, "Alpha")]))
            .unwrap();
    next["CFDocument"]["lastChangeDateTime"] = "2026-06-01T00:00:00+00:00".into();
    // A second version needs a version label of its own.
    next["CFDocument"]["version"] = "2".into();
    let response = import(next.to_string()).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );

    let (_, body) = author
        .get_json("/api/frameworks/swallowing-support?version=2")
        .await;
    let items: Vec<(String, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_owned(),
                i["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [("3".into(), "New".into()), ("1".into(), "Alpha".into())],
        "Alpha keeps 1; the new item takes neither 1 nor Beta's 2"
    );
}
