//! The second framework shape over HTTP: a registered AHP career framework (bands 5-9 across
//! four pillars, a person at a different band in each pillar) imported from CSV.

use crate::helpers::{AUTHOR, Browser, assert_api_error, get_csrf, page_text, spawn_app};
use pathway_domain::framework::{Framework, LevelPlacement, csv_format};
use reqwest::StatusCode;

const CAREER: &str = "career-framework";

fn dorset() -> Framework {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frameworks/fixtures/dorset-ahp-career-framework-sample.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the fixture"))
        .expect("the fixture is a framework")
}

async fn import_csv(author: &Browser, query: &str) -> reqwest::Response {
    let (_, html) = author.get_page("/").await;
    author
        .post_body(
            &format!("/api/frameworks/import?id={CAREER}&title=Career%20framework&{query}"),
            "text/csv",
            csv_format::export(&dorset()),
            Some(&get_csrf(&html)),
        )
        .await
}

#[tokio::test]
async fn a_career_framework_imports_from_csv_with_a_level_in_each_domain() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let response = import_csv(&author, "version=1&level_placement=per_domain").await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );

    let (status, body) = author
        .get_json(&format!("/api/frameworks/{CAREER}?version=1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["level_placement"], "per_domain");
    let bands: Vec<&str> = body["levels"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["title"].as_str())
        .collect();
    assert_eq!(bands, ["Band 5", "Band 6", "Band 7", "Band 8", "Band 9"]);
    assert_eq!(body["domains"].as_array().unwrap().len(), 4);

    let (_, html) = author
        .get_page(&format!("/frameworks/{CAREER}?version=1"))
        .await;
    assert!(
        page_text(&html).contains(LevelPlacement::PerDomain.explain()),
        "{html}"
    );

    // A second version from CSV keeps the placement when none is given, and the domain
    // codes of the first (a CSV names domains by title; a new framework's are numbered).
    let response = import_csv(&author, "version=2").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored = app
        .store
        .resolve_version(CAREER, Some("2"), true)
        .await
        .unwrap();
    let f = app.store.load_framework(stored.version_id).await.unwrap();
    assert_eq!(f.meta.level_placement, LevelPlacement::PerDomain);
    let pillars: Vec<(&str, &str)> = f
        .domains()
        .iter()
        .map(|d| (d.code.as_str(), d.title.as_str()))
        .collect();
    assert_eq!(
        pillars,
        [
            ("1", "Professional practice"),
            ("2", "Education"),
            ("3", "Leadership"),
            ("4", "Research")
        ]
    );
    let placement = f
        .place(&[
            ("1", "band-7"),
            ("2", "band-5"),
            ("3", "band-6"),
            ("4", "band-9"),
        ])
        .expect("a band in each pillar");
    assert_eq!(f.expected_of(&placement).unwrap().len(), 12);
}

#[tokio::test]
async fn an_unknown_level_placement_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let response = import_csv(&author, "version=1&level_placement=by_pillar").await;
    let body = assert_api_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    assert_eq!(body["error"]["problems"][0]["location"], "level_placement");
    assert!(
        body["error"]["problems"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("use whole_framework or per_domain"),
        "{body}"
    );
    assert!(
        app.store
            .versions_of(CAREER, true)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_shipped_framework_says_a_worker_holds_one_level() {
    let app = spawn_app().await;
    let (_, body) = app
        .get_json("/api/frameworks/hee-ahp-support-worker-2021")
        .await;
    assert_eq!(body["level_placement"], "whole_framework");
    let (_, html) = app
        .get_page("/frameworks/hee-ahp-support-worker-2021")
        .await;
    assert!(page_text(&html).contains(LevelPlacement::WholeFramework.explain()));
}
