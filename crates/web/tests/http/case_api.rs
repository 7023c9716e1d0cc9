//! The CASE provider API: the identifiers a CASE export carries resolve on this server.

use crate::helpers::{AUTHOR, FRAMEWORK, TestApp, get_csrf, json_body, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn exported(app: &TestApp) -> Value {
    let response = app
        .get(&format!("/api/frameworks/{FRAMEWORK}/export?format=case"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json_body(response).await
}

/// The path of a URI the export gave (its host is the configured public address).
fn path_of(uri: &Value) -> String {
    let uri = uri.as_str().expect("a URI");
    let at = uri
        .find("/ims/case/v1p1/")
        .unwrap_or_else(|| panic!("{uri}"));
    uri[at..].to_owned()
}

#[tokio::test]
async fn every_uri_in_an_export_resolves_to_the_object_it_names() {
    let app = spawn_app().await;
    let package = exported(&app).await;
    let mut objects: Vec<&Value> = vec![&package["CFDocument"]];
    for key in ["CFItems", "CFAssociations", "CFRubrics"] {
        objects.extend(package[key].as_array().unwrap());
    }
    objects.extend(package["CFDefinitions"]["CFItemTypes"].as_array().unwrap());
    let criteria: Vec<&Value> = package["CFRubrics"][0]["CFRubricCriteria"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    objects.extend(criteria.iter().take(3));
    objects.extend(criteria[0]["CFRubricCriterionLevels"].as_array().unwrap());
    assert!(objects.len() > 150, "{}", objects.len());
    for object in objects {
        let (status, served) = app.get_json(&path_of(&object["uri"])).await;
        assert_eq!(status, StatusCode::OK, "{}", object["uri"]);
        assert_eq!(&served, object, "{}", object["uri"]);
    }
}

#[tokio::test]
async fn documents_packages_and_an_items_associations() {
    let app = spawn_app().await;
    let package = exported(&app).await;
    let doc_id = package["CFDocument"]["identifier"].as_str().unwrap();

    let (status, documents) = app.get_json("/ims/case/v1p1/CFDocuments").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(documents["CFDocuments"][0]["identifier"], doc_id);

    let (status, served) = app
        .get_json(&format!("/ims/case/v1p1/CFPackages/{doc_id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(served, package);

    let item = package["CFItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["humanCodingScheme"] == "3.9")
        .unwrap();
    let id = item["identifier"].as_str().unwrap();
    let (status, served) = app
        .get_json(&format!("/ims/case/v1p1/CFItemAssociations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&served["CFItem"], item);
    let associations = served["CFAssociations"].as_array().unwrap();
    assert!(
        associations
            .iter()
            .any(|a| a["associationType"] == "isChildOf" && a["originNodeURI"]["identifier"] == id),
        "{served}"
    );
}

#[tokio::test]
async fn unknown_and_malformed_identifiers_get_case_errors() {
    let app = spawn_app().await;
    let (status, body) = app
        .get_json("/ims/case/v1p1/CFItems/6f1d8f0e-0000-4000-8000-000000000000")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["imsx_codeMajor"], "failure");
    assert_eq!(
        body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "unknownobject"
    );
    let (status, body) = app.get_json("/ims/case/v1p1/CFItems/not-a-uuid").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "invalid_uuid"
    );
    let (status, _) = app
        .get_json("/ims/case/v1p1/CFSomething/6f1d8f0e-0000-4000-8000-000000000000")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn drafts_are_not_served_until_published() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (_, page) = author.get_page("/").await;
    let csv = "domain,code,title,kind,Entry\nOne,LS 1.A(i),Doing things,competency,Does them\n";
    let response = author
        .post_body(
            "/api/frameworks/import?id=drafty&title=Drafty&publisher=A%20trust",
            "text/csv",
            csv.into(),
            Some(&get_csrf(&page)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let (_, documents) = app.get_json("/ims/case/v1p1/CFDocuments").await;
    assert_eq!(
        documents["CFDocuments"].as_array().unwrap().len(),
        1,
        "only the shipped one"
    );

    // The draft's item code, with a space and brackets, works in the author's pages too.
    let (status, html) = author
        .get_page("/frameworks/drafty/items/LS%201.A(i)")
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Doing things"));
    let (_, overview) = author.get_page("/frameworks/drafty").await;
    assert!(
        overview.contains("/frameworks/drafty/items/LS%201.A%28i%29"),
        "{overview}"
    );
}
