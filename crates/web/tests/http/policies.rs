//! The site's shell: the accessibility statement and privacy notice in every page's footer,
//! and a home page that describes what works today.

use crate::helpers::{FRAMEWORK, TestApp, page_text, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn every_page_links_to_the_accessibility_statement_and_privacy_notice() {
    let app = spawn_app().await;
    for page in [
        "/".to_owned(),
        "/sign-in".to_owned(),
        "/frameworks".to_owned(),
        format!("/frameworks/{FRAMEWORK}/items/3.9"),
        "/api/docs".to_owned(),
        "/no-such-page".to_owned(),
        "/accessibility".to_owned(),
    ] {
        let (_, html) = app.get_page(&page).await;
        let footer = &html[html.find("<footer").expect("a footer")..];
        assert!(
            footer.contains(r#"href="/accessibility">Accessibility statement</a>"#)
                && footer.contains(r#"href="/privacy">Privacy notice</a>"#),
            "{page}: {footer}"
        );
    }
}

#[tokio::test]
async fn the_accessibility_statement_says_what_is_aimed_at_and_how_to_report_a_problem() {
    let app = spawn_app().await;
    says(
        &app,
        "/accessibility",
        &[
            "Accessibility statement",
            "WCAG) version 2.2 at level AA",
            "Known limitations",
            "Reporting a problem with accessibility",
            "Equality Advisory and Support Service",
        ],
    )
    .await;
}

/// Asserts the page at `path` is there and says each of `phrases`.
async fn says(app: &TestApp, path: &str, phrases: &[&str]) {
    let (status, html) = app.get_page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    let text = page_text(&html);
    for said in phrases {
        assert!(text.contains(said), "{path} does not say {said}: {text}");
    }
}

#[tokio::test]
async fn the_privacy_notice_names_what_is_kept_and_each_cookie() {
    let app = spawn_app().await;
    says(
        &app,
        "/privacy",
        &[
            "That organisation is the data controller",
            "your name and email address",
            "your roles",
            "Every change made through the service is recorded",
            "pathway_session Keeps you signed in",
            "pathway_csrf Protects forms",
            "There are no analytics",
            "deleted after 24 hours",
            "after 8 hours without use, or 14 hours after you signed in",
        ],
    )
    .await;
    // The cookies it names are the ones the server sets.
    let response = app.get("/").await;
    let set: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        set.iter()
            .all(|c| c.starts_with("pathway_csrf=") || c.starts_with("pathway_session=")),
        "{set:?}"
    );
}

#[tokio::test]
async fn the_home_page_offers_only_what_is_built_and_labels_the_rest_planned() {
    let app = spawn_app().await;
    let (_, html) = app.get_page("/").await;
    let text = page_text(&html);
    let (now, planned) = text
        .split_once("Planned Planned These are not available yet.")
        .unwrap_or_else(|| panic!("a labelled planned section: {text}"));
    for unbuilt in [
        "passport",
        "workforce planning",
        "readiness",
        "job description",
        "training catalogue",
        "consultation",
    ] {
        assert!(
            !now.to_lowercase().contains(unbuilt),
            "{unbuilt} offered as built: {now}"
        );
        assert!(
            planned.to_lowercase().contains(unbuilt),
            "{unbuilt} not listed as planned"
        );
    }
    assert!(now.contains("What you can do in Pathway now"), "{now}");
}
