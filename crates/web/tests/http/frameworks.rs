//! The framework pages anyone can read: the list, a framework, a domain, a level, an item.

use crate::helpers::{FRAMEWORK, location, marked, page_text, shipped, spawn_app, text_without};
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

/// The text of the page's `<title>`.
fn title_of(html: &str) -> String {
    let start = html.find("<title>").expect("a title") + "<title>".len();
    let end = html.find("</title>").expect("a closed title");
    page_text(&html[start..end])
}

#[tokio::test]
async fn framework_page_titles_name_the_framework() {
    let app = spawn_app().await;
    let framework = shipped().meta.title;
    for (page, named) in [
        ("", framework.clone()),
        (
            "/items/3.9",
            format!("3.9 Reporting, Referring and Escalating Concerns – {framework} – Pathway"),
        ),
        (
            "/domains/3",
            format!(
                "Domain 3: Clinical, technical and scientific roles and responsibilities – {framework} – Pathway"
            ),
        ),
        (
            "/levels/intermediate",
            format!("Everything expected at Intermediate – {framework} – Pathway"),
        ),
        (
            "/expectations",
            format!("What is expected – {framework} – Pathway"),
        ),
    ] {
        let (status, html) = app.get_page(&path(page)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            title_of(&html).starts_with(&named),
            "{page}: {}",
            title_of(&html)
        );
    }
}

#[tokio::test]
async fn the_shipped_framework_is_dated_by_its_publisher_not_by_the_day_it_was_loaded() {
    let app = spawn_app().await;
    let (_, html) = app.get_page(&path("")).await;
    let text = page_text(&html);
    assert!(
        text.contains("Published by Health Education England in 2021. Added to Pathway on"),
        "{text}"
    );
    assert!(
        !text.contains(", published "),
        "no load date as a publication date: {text}"
    );
    // The versions are listed with their status and dates, so older ones can be found.
    let table = &html[html.find("<h2>Versions</h2>").expect("a list of versions")..];
    let table = page_text(&table[..table.find("</table>").expect("a table")]);
    assert!(
        table.contains("Version Status Published 2021 (this page) Published Published by Health Education England in 2021 Added to Pathway on"),
        "{table}"
    );
}

#[tokio::test]
async fn an_item_page_links_to_its_domain_and_to_each_level() {
    let app = spawn_app().await;
    let (_, html) = app.get_page(&path("/items/3.9")).await;
    assert!(
        html.contains(&format!(r#"href="/frameworks/{FRAMEWORK}/domains/3""#)),
        "{html}"
    );
    for level in shipped().levels() {
        assert!(
            html.contains(&format!(
                r#"href="/frameworks/{FRAMEWORK}/levels/{}""#,
                level.key
            )),
            "no link to {}",
            level.key
        );
    }
    assert!(
        page_text(&html).contains("Intermediate : everything expected at this level"),
        "{html}"
    );
}

#[tokio::test]
async fn an_item_found_by_its_code_opens_and_a_code_not_there_is_explained() {
    let app = spawn_app().await;
    let (_, overview) = app.get_page(&path("")).await;
    assert!(
        overview.contains(&format!(r#"action="/frameworks/{FRAMEWORK}""#))
            && overview.contains(r#"name="code""#),
        "the overview has the form: {overview}"
    );
    let found = app.get(&path("?code=+3.9+")).await;
    assert_eq!(found.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&found),
        format!("/frameworks/{FRAMEWORK}/items/3.9")
    );

    let (status, html) = app.get_page(&path("?code=9.9")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&html);
    assert!(
        text.contains("There is no item 9.9 in this framework. Codes look like 1.1"),
        "{text}"
    );
    assert!(
        html.contains(r##"<a href="#code">"##),
        "in the error summary: {html}"
    );
    assert!(html.contains(r#"value="9.9""#), "kept to correct: {html}");
    assert!(
        title_of(&html).starts_with("Error: "),
        "{}",
        title_of(&html)
    );

    let (status, html) = app.get_page(&path("?code=")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page_text(&html).contains("Enter an item code, for example 1.1"));
}

#[tokio::test]
async fn a_level_page_says_what_the_level_means_and_how_to_use_it() {
    let app = spawn_app().await;
    let (_, html) = app.get_page(&path("/levels/intermediate")).await;
    let text = page_text(&html);
    assert!(
        text.contains("a person holds one level for the whole framework, so this page is everything expected of someone at Intermediate"),
        "{text}"
    );
    assert!(
        text.contains("Each item is marked with whether it says something different from Entry. Select an item to read it at every level"),
        "{text}"
    );
}

#[tokio::test]
async fn a_published_version_carries_no_version_warning() {
    let app = spawn_app().await;
    for page in [
        "",
        "/items/3.9",
        "/domains/3",
        "/levels/entry",
        "/expectations",
    ] {
        let (_, html) = app.get_page(&path(page)).await;
        assert!(!html.contains("nhsuk-warning-callout"), "{page}");
    }
}
