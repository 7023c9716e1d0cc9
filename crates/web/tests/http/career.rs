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
            &format!("/api/frameworks/import?id={CAREER}&title=Career%20framework&publisher=A%20trust&{query}"),
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

const DORSET: &str = "dorset-ahp-career-framework-sample";

/// The career framework fixture, imported as CASE so its pillar codes (PP, ED, LD, RS) and
/// its published status come with it.
async fn with_dorset(app: &crate::helpers::TestApp) {
    let package = pathway_domain::framework::case::export(
        &dorset(),
        &pathway_domain::framework::case::ExportOptions {
            base_uri: "https://pathway.example",
            last_change: chrono::Utc::now(),
        },
    );
    let author = app.signed_in(AUTHOR).await;
    let (_, html) = author.get_page("/").await;
    let response = author
        .post_json(
            "/api/frameworks/import",
            package.to_string(),
            Some(&get_csrf(&html)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

const BANDS: &str = "level-PP=band-6&level-ED=band-7&level-LD=band-8&level-RS=band-5";

fn band_text(code: &str, band: &str) -> String {
    let f = dorset();
    let (index, _) = f.level(band).expect("a band of the fixture");
    f.item(code).expect("an item of the fixture").descriptors[index]
        .text()
        .unwrap_or_else(|| panic!("{code} has no text at {band}"))
        .to_owned()
}

#[tokio::test]
async fn anyone_sees_what_is_expected_at_a_band_in_each_pillar() {
    let app = spawn_app().await;
    with_dorset(&app).await;

    let (status, html) = app
        .get_page(&format!("/frameworks/{DORSET}/expectations"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("<select").count(), 4, "one choice per pillar");

    let (status, html) = app
        .get_page(&format!("/frameworks/{DORSET}/expectations?{BANDS}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    for heading in [
        "Domain PP: Professional practice at Band 6",
        "Domain ED: Education at Band 7",
        "Domain LD: Leadership at Band 8",
        "Domain RS: Research at Band 5",
    ] {
        assert!(text.contains(heading), "{heading}: {text}");
    }
    for (code, band) in [("PP.2", "band-6"), ("ED.2", "band-7"), ("LD.3", "band-8")] {
        assert!(text.contains(&band_text(code, band)), "{code} at {band}");
    }
    // The choices stay chosen, so the reader can change one pillar and look again.
    assert!(
        html.contains(r#"<option value="band-8" selected>"#),
        "{html}"
    );
}

#[tokio::test]
async fn a_pillar_without_a_band_is_named() {
    let app = spawn_app().await;
    with_dorset(&app).await;
    let (status, html) = app
        .get_page(&format!(
            "/frameworks/{DORSET}/expectations?level-PP=band-6&level-ED=band-7"
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&html);
    assert!(text.contains("There is a problem"), "{text}");
    assert!(text.contains("Choose a level for domain LD"), "{text}");
    assert!(text.contains("Choose a level for domain RS"), "{text}");
    assert!(
        html.contains(r##"href="#level-RS""##),
        "the summary links to the select"
    );
}

#[tokio::test]
async fn the_api_answers_with_each_item_at_its_pillars_band() {
    let app = spawn_app().await;
    with_dorset(&app).await;
    let (status, body) = app
        .get_json(&format!("/api/frameworks/{DORSET}/expectations?{BANDS}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["level_placement"], "per_domain");
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 12);
    for item in items {
        let expected_band = match item["domain"].as_str().unwrap() {
            "PP" => "band-6",
            "ED" => "band-7",
            "LD" => "band-8",
            _ => "band-5",
        };
        assert_eq!(item["descriptor"]["level"], expected_band, "{item}");
    }

    let response = app
        .get(&format!(
            "/api/frameworks/{DORSET}/expectations?level-PP=band-6"
        ))
        .await;
    let body = assert_api_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    let locations: Vec<&str> = body["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["location"].as_str())
        .collect();
    assert_eq!(locations, ["level-ED", "level-LD", "level-RS"]);

    // A framework placed as a whole takes one level.
    let (status, body) = app
        .get_json("/api/frameworks/hee-ahp-support-worker-2021/expectations?level=intermediate")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 55);
    let response = app
        .get("/api/frameworks/hee-ahp-support-worker-2021/expectations")
        .await;
    let body = assert_api_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid").await;
    assert_eq!(body["error"]["problems"][0]["location"], "level");
}

#[tokio::test]
async fn a_band_page_says_what_a_band_in_a_pillar_means() {
    let app = spawn_app().await;
    with_dorset(&app).await;
    let (status, html) = app
        .get_page(&format!("/frameworks/{DORSET}/levels/band-6"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    // The band's own description, then what holding it in one pillar means.
    assert!(text.contains("Agenda for Change band 6"), "{text}");
    assert!(
        text.contains("a person holds a level in each domain, and it may differ from one domain to the next. Being at Band 6 in a domain means meeting that domain's items as they read at Band 6"),
        "{text}"
    );
    assert!(
        html.contains(&format!(r#"href="/frameworks/{DORSET}/expectations""#)),
        "{html}"
    );
}
