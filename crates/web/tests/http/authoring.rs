//! Framework authoring through the pages: a draft from the published version, an edited
//! item, publication; and what readers on this and other app instances see meanwhile.

use crate::helpers::{
    AUTHOR, Browser, FRAMEWORK, NORTH_LEAD, get_csrf, hidden_value, location, page_text, spawn_app,
    text_without,
};
use pathway_domain::framework::VersionStatus;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

pub(crate) const NEW_TEXT: &str =
    "Reports concerns to the registered professional at once, in writing.";

/// Creates a draft from the current version through the overview page's form; returns its label.
pub(crate) async fn create_draft(author: &Browser) -> String {
    let (_, html) = author.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    let response = author
        .post_form(
            &format!("/frameworks/{FRAMEWORK}/drafts"),
            &[("csrf_token", &get_csrf(&html))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let to = location(&response);
    to.split("version=")
        .nth(1)
        .unwrap_or_else(|| panic!("no version in {to}"))
        .to_owned()
}

/// Edits item 3.9 of a draft through its form: a new Intermediate descriptor.
pub(crate) async fn edit_item(author: &Browser, version: &str) -> reqwest::Response {
    edit_item_to(
        author,
        version,
        "Reporting, Referring and Escalating Concerns",
        ["Reports concerns.", NEW_TEXT, "N/A"],
    )
    .await
}

/// Submits item 3.9's edit form of a draft with this title and these descriptors.
async fn edit_item_to(
    author: &Browser,
    version: &str,
    title: &str,
    levels: [&str; 3],
) -> reqwest::Response {
    let edit = format!("/frameworks/{FRAMEWORK}/items/3.9/edit?version={version}");
    let (status, html) = author.get_page(&edit).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let token = get_csrf(&html);
    let revision = hidden_value(&html, "revision");
    author
        .post_form(
            &edit,
            &[
                ("csrf_token", &token),
                ("revision", &revision),
                ("title", title),
                ("level_0", levels[0]),
                ("level_1", levels[1]),
                ("level_2", levels[2]),
            ],
        )
        .await
}

/// Item 3.9's page in `version`, as this visitor sees it.
async fn item_page(visitor: &Browser, version: &str) -> String {
    let (_, html) = visitor
        .get_page(&format!(
            "/frameworks/{FRAMEWORK}/items/3.9?version={version}"
        ))
        .await;
    html
}

/// Publishes a draft of the shipped framework as an author does: from the page that shows
/// what changes.
pub(crate) async fn publish(author: &Browser, version: &str) -> reqwest::Response {
    publish_version(author, FRAMEWORK, version).await
}

/// Publishes version `version` of framework `id` from its review page.
pub(crate) async fn publish_version(
    author: &Browser,
    id: &str,
    version: &str,
) -> reqwest::Response {
    let path = format!("/frameworks/{id}/publish?version={version}");
    let (status, html) = author.get_page(&path).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    author
        .post_form(
            &path,
            &[
                ("csrf_token", &get_csrf(&html)),
                ("revision", &hidden_value(&html, "revision")),
            ],
        )
        .await
}

pub(crate) async fn current_version(reader: &Browser) -> String {
    let (status, body) = reader
        .get_json(&format!("/api/frameworks/{FRAMEWORK}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["version"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn an_author_drafts_edits_and_publishes_a_new_version() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let version = create_draft(&author).await;
    assert_eq!(version, "2021.1");

    let response = edit_item(&author, &version).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The draft shows the edit against the level before (most of its words are new, so it is
    // rewritten rather than word-diffed); the public still reads 2021.
    let html = item_page(&author, &version).await;
    let text = page_text(&html);
    assert!(text.contains("Rewritten from Entry"), "{text}");
    assert!(text.contains(NEW_TEXT), "shown in full: {text}");
    assert!(text.contains("Not applicable at this level"), "{text}");
    let (_, public) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/3.9"))
        .await;
    assert!(!page_text(&public).contains(NEW_TEXT));
    let (status, _) = app
        .get_page(&format!(
            "/frameworks/{FRAMEWORK}/items/3.9?version={version}"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "drafts are for authors only");

    let response = publish(&author, &version).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        current_version(&app).await,
        version,
        "served as current at once"
    );
    let (_, public) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/3.9"))
        .await;
    assert!(text_without(&public, "details").contains(NEW_TEXT));

    // The old version is retired, still readable by version, and unchanged.
    let versions = app.store.versions_of(FRAMEWORK, true).await.unwrap();
    let statuses: Vec<(&str, VersionStatus)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("2021", VersionStatus::Retired),
            ("2021.1", VersionStatus::Published)
        ]
    );
    let (status, old) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/3.9?version=2021"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page_text(&old).contains(NEW_TEXT));

    let log = app.store.audit_page(0, 20).await.unwrap();
    let actions: Vec<&str> = log
        .entries
        .iter()
        .filter(|e| e.actor == AUTHOR)
        .map(|e| e.action.as_str())
        .collect();
    for action in [
        "framework.draft",
        "framework.item.edit",
        "framework.publish",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
}

#[tokio::test]
async fn a_published_version_cannot_be_edited() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (status, html) = author
        .get_page(&format!(
            "/frameworks/{FRAMEWORK}/items/3.9/edit?version=2021"
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page_text(&html).contains("Create a new draft version to edit it"),
        "{html}"
    );
    let (_, home) = author.get_page("/").await;
    let token = get_csrf(&home);
    let response = author
        .post_form(
            &format!("/frameworks/{FRAMEWORK}/items/3.9/edit?version=2021"),
            &[
                ("csrf_token", &token),
                ("title", "Changed"),
                ("level_0", "x"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.store.versions_of(FRAMEWORK, true).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn an_edit_without_a_title_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let version = create_draft(&author).await;
    let response = edit_item_to(&author, &version, "  ", ["a", "b", "c"]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"id="title-error""#) && html.contains(r##"href="#title""##),
        "the message is beside the field and linked from the summary: {html}"
    );
    assert!(
        page_text(&html).contains("Enter a title for the item"),
        "{html}"
    );
    assert!(
        html.contains("<title>Error: "),
        "the title says first that something is wrong: {html}"
    );
    let item = item_page(&author, &version).await;
    assert!(page_text(&item).contains("Reporting, Referring and Escalating Concerns"));
}

#[tokio::test]
async fn an_item_that_starts_to_apply_at_a_level_is_new_there() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let version = create_draft(&author).await;
    let response = edit_item_to(
        &author,
        &version,
        "Reporting, Referring and Escalating Concerns",
        ["N/A", NEW_TEXT, NEW_TEXT],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let html = item_page(&author, &version).await;
    let text = page_text(&html);
    assert!(text.contains("New at this level"), "{text}");
    for wrong in [
        "Changed from Entry",
        "Different from Entry",
        "Rewritten from Entry",
    ] {
        assert!(!text.contains(wrong), "{wrong}: {text}");
    }
    assert!(text.contains("Same as Intermediate"), "{text}");
    assert!(text_without(&html, "details").contains(NEW_TEXT), "{text}");
}

#[tokio::test]
async fn only_authors_may_draft_or_publish() {
    let app = spawn_app().await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, html) = lead.get_page("/").await;
    let token = get_csrf(&html);
    let response = lead
        .post_form(
            &format!("/frameworks/{FRAMEWORK}/drafts"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = lead
        .post_form(
            &format!("/frameworks/{FRAMEWORK}/publish?version=2021"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.store.versions_of(FRAMEWORK, true).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn another_instance_serves_a_new_publication_within_seconds() {
    let app = spawn_app().await;
    let other = app.another_instance().await;
    assert_eq!(current_version(&other).await, "2021");

    let author = app.signed_in(AUTHOR).await;
    let version = create_draft(&author).await;
    assert_eq!(
        publish(&author, &version).await.status(),
        StatusCode::SEE_OTHER
    );

    // The other instance has its own memory; it must notice without a restart, within
    // its cache's lifetime.
    let deadline = Instant::now() + pathway_web::PUBLISHED_VERSIONS_TTL + Duration::from_secs(5);
    loop {
        if current_version(&other).await == version {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the other instance still serves the retired version"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, html) = other.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    assert!(
        page_text(&html).contains(&format!("Published Version {version}")),
        "{html}"
    );
}

#[tokio::test]
async fn the_api_serves_a_draft_as_it_is_now_and_a_published_version_as_it_was() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let version = create_draft(&author).await;
    let item_text = |body: &serde_json::Value| {
        body["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["code"] == "3.9"))
            .map(|i| i["descriptors"][1]["text"].clone())
            .unwrap_or_default()
    };
    let path = format!("/api/frameworks/{FRAMEWORK}?version={version}");
    let (_, before) = author.get_json(&path).await;
    assert_ne!(item_text(&before), NEW_TEXT);
    assert_eq!(
        edit_item(&author, &version).await.status(),
        StatusCode::SEE_OTHER
    );
    let response = author.get(&path).await;
    assert_eq!(
        response.headers()[reqwest::header::CONTENT_TYPE],
        "application/json"
    );
    let after: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        item_text(&after),
        NEW_TEXT,
        "a draft is never served from memory"
    );

    // The published version reads the same, request after request.
    let (_, first) = app.get_json(&format!("/api/frameworks/{FRAMEWORK}")).await;
    let (_, second) = app.get_json(&format!("/api/frameworks/{FRAMEWORK}")).await;
    assert_eq!(first, second);
    assert_ne!(item_text(&first), NEW_TEXT);
}

/// Submits the import page's form as a browser does: multipart, with the page's token.
async fn submit_import(author: &Browser, file: Option<(&str, &str)>) -> (StatusCode, String) {
    let (_, page) = author.get_page("/frameworks/import").await;
    let boundary = "pathway-test-boundary";
    let mut body = String::new();
    for (name, value) in [("csrf_token", get_csrf(&page).as_str()), ("format", "case")] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    let (file_name, content) = file.unwrap_or(("", ""));
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/json\r\n\r\n{content}\r\n--{boundary}--\r\n"
    ));
    let response = author
        .post_body(
            "/frameworks/import",
            &format!("multipart/form-data; boundary={boundary}"),
            body,
            None,
        )
        .await;
    let status = response.status();
    (status, response.text().await.unwrap_or_default())
}

/// The form group around the field `id`, from its opening `<div` to the field itself.
fn form_group_of<'a>(html: &'a str, id: &str) -> &'a str {
    let field = html
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no field {id}: {html}"));
    let start = html[..field]
        .rfind(r#"<div class="nhsuk-form-group"#)
        .unwrap_or_else(|| panic!("field {id} is not in a form group: {html}"));
    &html[start..field]
}

#[tokio::test]
async fn the_import_page_marks_the_file_field_and_says_error_in_its_title() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;

    let (status, html) = submit_import(&author, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<title>Error: "), "{html}");
    assert!(
        form_group_of(&html, "file").contains("nhsuk-form-group--error"),
        "{html}"
    );
    assert!(page_text(&html).contains("Select a CASE JSON or CSV file"));

    // A file with problems: they are listed, and the file field is the one to fix.
    let (status, html) = submit_import(&author, Some(("broken.json", "{}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<title>Error: "), "{html}");
    let group = form_group_of(&html, "file");
    assert!(
        group.contains("nhsuk-form-group--error") && group.contains(r#"id="file-error""#),
        "{html}"
    );
    assert!(html.contains(r##"href="#file""##), "{html}");
}

/// Every framework page of a version, with the path of the same page in the current version.
const VERSION_PAGES: [&str; 5] = [
    "",
    "/domains/3",
    "/items/3.9",
    "/levels/entry",
    "/expectations",
];

/// The warning callout on a page, as read: empty when there is none.
fn warning(html: &str) -> String {
    let Some(start) = html.find(r#"<div class="nhsuk-warning-callout">"#) else {
        return String::new();
    };
    let rest = &html[start..];
    page_text(&rest[..rest.find("</div>").expect("a closed callout")])
}

#[tokio::test]
async fn drafts_and_replaced_versions_are_marked_on_every_page_with_a_way_to_the_current() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let draft = create_draft(&author).await;
    for page in VERSION_PAGES {
        let (status, html) = author
            .get_page(&format!("/frameworks/{FRAMEWORK}{page}?version={draft}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let said = warning(&html);
        assert!(
            said.starts_with("Important: Draft version This is a draft, not yet published.")
                && said.ends_with("Read this in version 2021, the current version"),
            "{page}: {said}"
        );
        assert!(
            html.contains(&format!(r#"href="/frameworks/{FRAMEWORK}{page}""#)),
            "{page} links to itself in the current version"
        );
        assert!(
            html.contains("(version 2021.1, draft) – Pathway</title>"),
            "{page}: the title says which version"
        );
    }

    assert_eq!(
        publish(&author, &draft).await.status(),
        StatusCode::SEE_OTHER
    );
    let reader = app.browser();
    for page in VERSION_PAGES {
        let (status, html) = reader
            .get_page(&format!("/frameworks/{FRAMEWORK}{page}?version=2021"))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let said = warning(&html);
        assert!(
            said.starts_with(
                "Important: Replaced version This version has been replaced by version 2021.1."
            ) && said.ends_with("Read this in version 2021.1, the current version"),
            "{page}: {said}"
        );
        let (_, current) = reader
            .get_page(&format!("/frameworks/{FRAMEWORK}{page}"))
            .await;
        assert_eq!(warning(&current), "", "{page} in the current version");
    }

    // The overview lists both, the new one published here and dated so.
    let (_, html) = reader.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    let text = page_text(&html);
    assert!(
        text.contains(
            "Version 2021 Retired Published by Health Education England in 2021 Added to Pathway on"
        ),
        "{text}"
    );
    assert!(
        text.contains("2021.1 (this page) Published Published in Pathway on"),
        "{text}"
    );
    assert!(
        html.contains(&format!(r#"href="/frameworks/{FRAMEWORK}?version=2021""#)),
        "the old version is a link"
    );
}
