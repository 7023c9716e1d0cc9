//! A draft's whole life through the pages: its details, a domain and items edited, an item
//! added and one removed, the changes reviewed and published, and what readers see of them;
//! two authors editing one draft; discarding a draft.

use crate::authoring::{create_draft, publish};
use crate::helpers::{
    AUTHOR, Browser, FRAMEWORK, NORTH_WORKER, get_csrf, hidden_value, location, page_text,
    spawn_app,
};
use reqwest::StatusCode;

/// Opens a form page of a draft and submits it with these fields (and the page's token and
/// revision).
async fn submit(author: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let (status, html) = author.get_page(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {html}");
    let token = get_csrf(&html);
    let revision = hidden_value(&html, "revision");
    let mut form = vec![
        ("csrf_token", token.as_str()),
        ("revision", revision.as_str()),
    ];
    form.extend_from_slice(fields);
    author.post_form(path, &form).await
}

const NEW_ITEM: [(&str, &str); 6] = [
    ("domain", "2"),
    ("code", "2.99"),
    ("title", "Uses digital care records"),
    ("kind", "competency"),
    (
        "level_0",
        "Records care in the electronic record with support.",
    ),
    ("level_1", "Records care in the electronic record."),
];

#[tokio::test]
async fn an_author_reshapes_a_draft_reviews_the_changes_and_publishes_them() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let v = create_draft(&author).await;

    let response = submit(
        &author,
        &format!("/frameworks/{FRAMEWORK}/edit?version={v}"),
        &[
            ("title", "AHP Support Worker Framework"),
            ("publisher", "NHS England"),
            ("description", ""),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let response = submit(
        &author,
        &format!("/frameworks/{FRAMEWORK}/domains/2/edit?version={v}"),
        &[
            ("title", "Communication"),
            ("description", "How support workers communicate."),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/frameworks/{FRAMEWORK}/domains/2?version={v}")
    );

    let mut fields = NEW_ITEM.to_vec();
    fields.push(("level_2", "N/A"));
    let response = submit(
        &author,
        &format!("/frameworks/{FRAMEWORK}/new-item?version={v}"),
        &fields,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        format!("/frameworks/{FRAMEWORK}/items/2.99?version={v}")
    );

    let response = submit(
        &author,
        &format!("/frameworks/{FRAMEWORK}/items/3.9/remove?version={v}"),
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // The new item sits at the end of domain 2, and 3.9 is gone, in the draft only.
    let (_, domain) = author
        .get_page(&format!("/frameworks/{FRAMEWORK}/domains/2?version={v}"))
        .await;
    let text = page_text(&domain);
    assert!(text.contains("Domain 2: Communication"), "{text}");
    assert!(text.contains("2.99 Uses digital care records"), "{text}");
    let (status, _) = author
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/3.9?version={v}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get_page(&format!("/frameworks/{FRAMEWORK}/items/3.9"))
        .await;
    assert_eq!(status, StatusCode::OK, "the published version keeps it");

    // The review before publishing lists every change.
    let (status, review) = author
        .get_page(&format!("/frameworks/{FRAMEWORK}/publish?version={v}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&review);
    assert!(
        text.contains("It replaces version 2021, which will be retired."),
        "{text}"
    );
    assert!(
        text.contains(
            "1 item added and 1 removed; 3 details of the framework and 1 domain changed."
        ),
        "{text}"
    );
    assert!(text.contains("2.99 Uses digital care records"), "{text}");
    assert!(
        text.contains("3.9 Reporting, Referring and Escalating Concerns"),
        "{text}"
    );
    assert!(
        text.contains("Publisher Health Education England NHS England"),
        "{text}"
    );

    assert_eq!(publish(&author, &v).await.status(), StatusCode::SEE_OTHER);

    // Anyone can read what changed, as a page and in the API.
    let reader = app.browser();
    let (_, overview) = reader.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    assert!(
        overview.contains(&format!(
            "/frameworks/{FRAMEWORK}/changes?from=2021&amp;to={v}"
        )),
        "the overview links to what changed"
    );
    let (status, html) = reader
        .get_page(&format!("/frameworks/{FRAMEWORK}/changes"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    assert!(
        text.contains(&format!("Changes from version 2021 to version {v}")),
        "{text}"
    );
    assert!(text.contains("Items removed"), "{text}");

    let (status, body) = reader
        .get_json(&format!("/api/frameworks/{FRAMEWORK}/changes"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["from_version"], "2021");
    assert_eq!(body["to_version"], v.as_str());
    assert_eq!(body["items_count"]["added"], 1);
    assert_eq!(body["items_count"]["removed"], 1);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items[0]["code"], "2.99");
    assert_eq!(items[0]["change"], "added");
    assert_eq!(items[1]["code"], "3.9");
    assert_eq!(items[1]["change"], "removed");
    assert_eq!(body["domains"][0]["fields"][0]["after"], "Communication");

    // Each change is on the record, as the author's.
    let log = app.store.audit_page(0, 30).await.unwrap();
    let actions: Vec<&str> = log
        .entries
        .iter()
        .filter(|e| e.actor == AUTHOR)
        .map(|e| e.action.as_str())
        .collect();
    for action in [
        "framework.details.edit",
        "framework.domain.edit",
        "framework.item.add",
        "framework.item.remove",
        "framework.publish",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
    let admin = app.signed_in(crate::helpers::ADMIN).await;
    let (_, audit) = admin.get_page("/admin/audit").await;
    let text = page_text(&audit);
    assert!(
        text.contains("added item 2.99 to the draft")
            && text.contains("removed item 3.9 from the draft"),
        "{text}"
    );
}

#[tokio::test]
async fn a_change_made_from_a_stale_form_is_refused_and_undoes_nothing() {
    let app = spawn_app().await;
    let first = app.signed_in(AUTHOR).await;
    let second = app.signed_in(AUTHOR).await;
    let v = create_draft(&first).await;
    let path = format!("/frameworks/{FRAMEWORK}/domains/2/edit?version={v}");
    // Both open the form; the first saves.
    let (_, html) = second.get_page(&path).await;
    let stale = hidden_value(&html, "revision");
    let response = submit(
        &first,
        &path,
        &[("title", "Communication"), ("description", "")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let response = second
        .post_form(
            &path,
            &[
                ("csrf_token", &get_csrf(&html)),
                ("revision", &stale),
                ("title", "Talking with people"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(
        page_text(&html)
            .contains("Someone else has saved a change to this draft since you opened it"),
        "{html}"
    );
    assert!(
        html.contains("Talking with people"),
        "what they typed is kept: {html}"
    );
    let versions = app.store.versions_of(FRAMEWORK, true).await.unwrap();
    let draft = app
        .store
        .load_framework(versions.last().unwrap().version_id)
        .await
        .unwrap();
    assert_eq!(draft.domain("2").unwrap().title, "Communication");

    // Publishing a revision other than the one reviewed is refused too.
    let (_, review) = first
        .get_page(&format!("/frameworks/{FRAMEWORK}/publish?version={v}"))
        .await;
    let reviewed = hidden_value(&review, "revision");
    let response = submit(&second, &path, &[("title", "Talking"), ("description", "")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = first
        .post_form(
            &format!("/frameworks/{FRAMEWORK}/publish?version={v}"),
            &[("csrf_token", &get_csrf(&review)), ("revision", &reviewed)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(
        page_text(&html).contains("Domain 2: Talking"),
        "the review shows the draft as it is now: {html}"
    );
    let current = app
        .store
        .resolve_version(FRAMEWORK, None, false)
        .await
        .unwrap();
    assert_eq!(current.version, "2021");
}

#[tokio::test]
async fn a_new_item_with_problems_is_refused_field_by_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let v = create_draft(&author).await;
    let response = submit(
        &author,
        &format!("/frameworks/{FRAMEWORK}/new-item?version={v}"),
        &[
            ("domain", ""),
            ("code", "3.9"),
            ("title", " "),
            ("kind", "competency"),
            ("level_0", ""),
            ("level_1", ""),
            ("level_2", ""),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for field in ["domain", "code", "title"] {
        assert!(
            html.contains(&format!(r#"id="{field}-error""#)),
            "{field}: {html}"
        );
        assert!(
            html.contains(&format!(r##"href="#{field}""##)),
            "{field}: {html}"
        );
    }
    assert!(
        page_text(&html).contains("Item 3.9 is already in this framework"),
        "{html}"
    );
    let versions = app.store.versions_of(FRAMEWORK, true).await.unwrap();
    assert_eq!(versions.last().unwrap().item_count, 55);
    assert_eq!(versions.last().unwrap().revision, 0, "nothing was saved");
}

#[tokio::test]
async fn a_draft_can_be_discarded_and_a_published_version_cannot() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let (status, html) = author
        .get_page(&format!("/frameworks/{FRAMEWORK}/discard?version=2021"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");

    let v = create_draft(&author).await;
    let (status, html) = author
        .get_page(&format!("/frameworks/{FRAMEWORK}/discard?version={v}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page_text(&html).contains("The framework's other versions are not affected."),
        "{html}"
    );
    let response = submit(
        &author,
        &format!("/frameworks/{FRAMEWORK}/discard?version={v}"),
        &[],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/frameworks/{FRAMEWORK}"));
    let versions = app.store.versions_of(FRAMEWORK, true).await.unwrap();
    assert_eq!(versions.len(), 1);
    let log = app.store.audit_page(0, 5).await.unwrap();
    assert_eq!(log.entries[0].action, "framework.discard");
}

#[tokio::test]
async fn readers_compare_published_versions_but_never_see_a_draft() {
    let app = spawn_app().await;
    let author = app.signed_in(AUTHOR).await;
    let v = create_draft(&author).await;

    // The only published version has nothing before it.
    let reader = app.browser();
    let (status, html) = reader
        .get_page(&format!("/frameworks/{FRAMEWORK}/changes"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page_text(&html).contains("Version 2021 is the first version of this framework"),
        "{html}"
    );
    let (status, body) = reader
        .get_json(&format!("/api/frameworks/{FRAMEWORK}/changes"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "bad_request");

    // The draft is the author's to compare; to anyone else it does not exist.
    let (status, _) = reader
        .get_page(&format!("/frameworks/{FRAMEWORK}/changes?to={v}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let worker = app.signed_in(NORTH_WORKER).await;
    let (status, _) = worker
        .get_json(&format!(
            "/api/frameworks/{FRAMEWORK}/changes?from={v}&to=2021"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = author
        .get_json(&format!("/api/frameworks/{FRAMEWORK}/changes?to={v}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["from_version"], "2021");
    assert_eq!(body["items"].as_array().unwrap().len(), 0);
}
