//! The framework pages anyone can read: the list, a framework, a domain, a level, an item.

use crate::helpers::{FRAMEWORK, marked, page_text, shipped, spawn_app, text_without};
use reqwest::StatusCode;

fn path(rest: &str) -> String {
    format!("/frameworks/{FRAMEWORK}{rest}")
}

/// The descriptor texts of an item in the shipped file, level by level.
fn descriptors(code: &str) -> Vec<String> {
    let framework = shipped();
    let item = framework
        .item(code)
        .expect("the item is in the shipped framework");
    item.descriptors
        .iter()
        .map(|d| d.text().expect("a text descriptor").to_owned())
        .collect()
}

#[tokio::test]
async fn the_list_links_to_the_shipped_framework() {
    let app = spawn_app().await;
    let (status, html) = app.get_page("/frameworks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!(r#"href="/frameworks/{FRAMEWORK}""#)),
        "{html}"
    );
    assert!(
        page_text(&html).contains(&shipped().meta.title),
        "the framework's title: {html}"
    );
}

#[tokio::test]
async fn the_framework_page_links_to_every_item() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("")).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    let framework = shipped();
    assert!(text.contains(&framework.meta.title), "{text}");
    for domain in framework.domains() {
        assert!(
            text.contains(&domain.title),
            "domain {}: {text}",
            domain.code
        );
    }
    for item in framework.items() {
        let link = format!(r#"href="/frameworks/{FRAMEWORK}/items/{}""#, item.code);
        assert!(html.contains(&link), "no link to item {}", item.code);
    }
}

#[tokio::test]
async fn an_item_page_shows_every_level_in_full_and_what_changes() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("/items/2.8")).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    assert!(
        text.contains("Legal and ethical responsibilities"),
        "{text}"
    );
    for level in ["Entry", "Intermediate", "Assistant Practitioner"] {
        assert!(text.contains(level), "level {level}: {text}");
    }

    // Word for word as published, before any word diff is opened.
    let as_published = text_without(&html, "details");
    let texts = descriptors("2.8");
    assert_eq!(texts.len(), 3);
    for (level, descriptor) in texts.iter().enumerate() {
        assert!(
            as_published.contains(descriptor.as_str()),
            "level {level}'s descriptor is missing:\n{descriptor}\n\npage:\n{as_published}"
        );
    }
    assert!(text.contains("Changed from Entry"), "{text}");
    assert!(text.contains("What changed from Entry"), "{text}");
    assert!(text.contains("What changed from Intermediate"), "{text}");
    // Entry → Intermediate: "Aware of" gives way to "Understands and can explain", each
    // saying in words what it is, as screen readers mostly do not announce <ins> and <del>.
    let added = marked(&html, "ins");
    assert!(
        added
            .iter()
            .any(|t| t.starts_with("added: ") && t.contains("explain")),
        "added words are marked with <ins> and say so: {added:?}"
    );
    let removed = marked(&html, "del");
    assert!(
        removed
            .iter()
            .any(|t| t.starts_with("removed: ") && t.contains("Aware")),
        "removed words are marked with <del> and say so: {removed:?}"
    );
}

#[tokio::test]
async fn a_rewritten_descriptor_is_labelled_so_without_a_word_diff() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("/items/3.9")).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    assert!(text.contains("Rewritten from Entry"), "{text}");
    assert!(text.contains("Rewritten from Intermediate"), "{text}");
    assert!(!text.contains("What changed from"), "no word diff: {text}");
    let as_published = text_without(&html, "details");
    for descriptor in descriptors("3.9") {
        assert!(as_published.contains(descriptor.as_str()), "{descriptor}");
    }
}

#[tokio::test]
async fn every_framework_page_has_a_back_link_for_phones() {
    let app = spawn_app().await;
    let overview = format!(r#"class="nhsuk-back-link" href="/frameworks/{FRAMEWORK}""#);
    for (page, back) in [
        (
            path(""),
            r#"class="nhsuk-back-link" href="/frameworks""#.to_owned(),
        ),
        (path("/domains/3"), overview.clone()),
        (path("/items/3.9"), overview.clone()),
        (path("/levels/intermediate"), overview.clone()),
        (path("/expectations"), overview.clone()),
    ] {
        let (status, html) = app.get_page(&page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            html.contains(&back),
            "{page} has no back link {back}: {html}"
        );
    }
}

#[tokio::test]
async fn choosing_no_level_says_to_choose_one() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("/expectations?level=")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&html);
    assert!(text.contains("There is a problem"), "{text}");
    assert!(
        html.contains(r##"href="#level""##) && html.contains(r#"id="level-error""#),
        "the summary links to the select, which shows the message too: {html}"
    );
    assert!(text.contains("Choose a level"), "{text}");
    assert!(html.contains("<title>Error: "), "{html}");

    // A first visit, before anything is chosen, is not an error.
    let (status, html) = app.get_page(&path("/expectations")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("nhsuk-error-summary"), "{html}");
}

#[tokio::test]
async fn an_item_the_same_at_every_level_says_so() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("/items/2.1")).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    assert!(text.contains("Positive Relationships"), "{text}");
    assert!(text.contains("Same as Entry"), "{text}");
    assert!(text.contains(descriptors("2.1")[0].as_str()), "{text}");
    assert!(text.contains("Same as Intermediate"), "{text}");
    let changed: Vec<String> = [marked(&html, "ins"), marked(&html, "del")].concat();
    assert!(
        !changed.iter().any(|t| t.contains("relationships")),
        "no words of the descriptor are marked as changed: {changed:?}"
    );
}

#[tokio::test]
async fn a_level_page_lists_every_item() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("/levels/intermediate")).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    assert!(text.contains("Intermediate"), "{text}");
    let framework = shipped();
    assert_eq!(framework.items().len(), 55);
    for item in framework.items() {
        assert!(
            text.contains(&item.title),
            "item {} {} is not listed",
            item.code,
            item.title
        );
    }
    // The intermediate descriptor of 3.9, which differs from entry's.
    assert!(text.contains(descriptors("3.9")[1].as_str()), "{text}");
}

#[tokio::test]
async fn a_domain_page_lists_its_items() {
    let app = spawn_app().await;
    let (status, html) = app.get_page(&path("/domains/3")).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    let framework = shipped();
    let domain = framework.domain("3").expect("domain 3");
    assert!(text.contains(&domain.title), "{text}");
    for item in framework.items_in(&domain.code) {
        assert!(text.contains(&item.title), "item {}: {text}", item.code);
    }
    // Not the items of other domains.
    assert!(!text.contains("Positive Relationships"), "{text}");
}

#[tokio::test]
async fn missing_frameworks_items_levels_and_domains_are_not_found() {
    let app = spawn_app().await;
    for missing in [
        "/frameworks/no-such-framework".to_owned(),
        "/frameworks/no-such-framework/items/3.9".to_owned(),
        path("/items/9.99"),
        path("/levels/expert"),
        path("/domains/99"),
        "/no-such-page".to_owned(),
    ] {
        let (status, html) = app.get_page(&missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
        assert!(html.contains("Page not found"), "{missing}: {html}");
    }
}

#[tokio::test]
async fn a_deployment_that_says_capability_and_service_users_sees_its_words() {
    use pathway_domain::terminology::{CompetencyWord, PeopleWord, Terminology};
    let app = crate::helpers::spawn_app_with(pathway_web::Config {
        terminology: Terminology {
            competency: CompetencyWord::Capability,
            people: PeopleWord::ServiceUsers,
        },
        ..pathway_web::Config::default()
    })
    .await;
    let (_, home) = app.get_page("/").await;
    let home = crate::helpers::page_text(&home);
    assert!(
        home.contains("Capability frameworks for the allied health professions"),
        "{home}"
    );
    assert!(
        home.contains("employers and service users can all see it"),
        "{home}"
    );

    let (_, item) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/3.9"))
        .await;
    let item = crate::helpers::page_text(&item);
    assert!(
        item.contains("Escalating Concerns Capability What is expected"),
        "{item}"
    );
    // The framework's own text is never reworded.
    assert!(
        item.contains("Support Worker Competency, Education"),
        "{item}"
    );
    let (_, entry) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/1.1"))
        .await;
    assert!(crate::helpers::page_text(&entry).contains("Entry requirement"));

    // The API keeps its machine values, whatever a deployment's words.
    let (_, body) = app
        .get_json(&format!("/api/frameworks/{FRAMEWORK}/items/3.9"))
        .await;
    assert_eq!(body["kind"], "competency");

    let (_, domain) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/domains/3"))
        .await;
    assert!(
        crate::helpers::page_text(&domain)
            .contains("3.9 Reporting, Referring and Escalating Concerns Capability")
    );
}
