//! Who authors which framework: the shipped framework is national, so only national framework
//! authors (and platform administrators) draft it; a framework a regional author imports is
//! stewarded by the region, and authored by its framework authors and those above it, not by
//! authors elsewhere; and drafts are seen only by those who may author them.

use crate::authoring::create_draft;
use crate::helpers::{
    ADMIN, AUTHOR, Browser, FRAMEWORK, NORTH_LEAD, PASSWORD, TestApp, get_csrf, json_body,
    page_text, spawn_app,
};
use pathway_domain::identity::Role;
use pathway_store::Actor;
use reqwest::StatusCode;

/// The demo's regional framework author, at North East and Yorkshire.
const REGIONAL_AUTHOR: &str = "author2@pathway.demo";

const CSV: &str = "domain,code,title,kind,Entry,Intermediate,Assistant Practitioner\n\
Swallowing,1.1,Supports safe swallowing,competency,Follows the plan.,Adapts the plan.,N/A\n";

/// Imports a small framework through the API as `author`; returns the response.
async fn import_csv(author: &Browser, id: &str, steward: Option<&str>) -> reqwest::Response {
    let (_, page) = author.get_page("/").await;
    let token = get_csrf(&page);
    let mut path = format!("/api/frameworks/import?id={id}&title=Dysphagia&publisher=NEY");
    if let Some(steward) = steward {
        path.push_str(&format!("&steward={steward}"));
    }
    author
        .post_body(&path, "text/csv", CSV.to_owned(), Some(&token))
        .await
}

/// Gives the account `email` one more role at the organisation named `org`.
async fn grant(app: &TestApp, email: &str, role: Role, org: &str) {
    let email = pathway_domain::identity::Email::parse(email).expect("an email");
    let user = app
        .store
        .user_by_email(&email)
        .await
        .expect("query")
        .expect("a demo user");
    let org = app.org(org).await.id;
    let mut tx = app.store.begin().await.expect("a transaction");
    tx.grant_role(&Actor::system(), user.id, role, Some(org))
        .await
        .expect("grant");
    tx.commit().await.expect("commit");
}

/// A region other than the demo's, where no demo author authors.
async fn another_region(app: &TestApp) -> pathway_store::Organisation {
    let mut tx = app.store.begin().await.expect("a transaction");
    let region = tx
        .create_org(
            &Actor::system(),
            "London",
            pathway_domain::identity::OrgKind::Region,
            None,
            None,
        )
        .await
        .expect("a region");
    tx.commit().await.expect("commit");
    region
}

async fn post(browser: &Browser, path: &str) -> StatusCode {
    let (_, page) = browser.get_page("/").await;
    browser
        .post_form(path, &[("csrf_token", &get_csrf(&page))])
        .await
        .status()
}

#[tokio::test]
async fn only_national_authors_draft_the_national_framework_and_others_never_see_its_drafts() {
    let app = spawn_app().await;
    let national = app.signed_in(AUTHOR).await;
    let regional = app.signed_in(REGIONAL_AUTHOR).await;
    let draft = create_draft(&national).await;

    // The regional author reads the framework as anyone does: no edit controls, no drafts.
    let (_, overview) = regional.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    assert!(
        !overview.contains("Create a new draft version"),
        "{overview}"
    );
    assert!(
        !page_text(&overview).contains(&draft),
        "the draft is not listed"
    );
    let (status, _) = regional
        .get_page(&format!("/frameworks/{FRAMEWORK}?version={draft}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, listed) = regional.get_json("/api/frameworks").await;
    assert!(
        !listed.to_string().contains(&format!("\"{draft}\"")),
        "{listed}"
    );
    let (status, _) = regional
        .get_json(&format!("/api/frameworks/{FRAMEWORK}?version={draft}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Nor may they start one, or import a new version over it.
    assert_eq!(
        post(&regional, &format!("/frameworks/{FRAMEWORK}/drafts")).await,
        StatusCode::FORBIDDEN
    );
    let (_, csv) = app
        .get_page(&format!("/api/frameworks/{FRAMEWORK}/export?format=csv"))
        .await;
    let (_, page) = regional.get_page("/").await;
    let response = regional
        .post_body(
            &format!("/api/frameworks/import?id={FRAMEWORK}&title=HEE&publisher=HEE&version=2099"),
            "text/csv",
            csv,
            Some(&get_csrf(&page)),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body = json_body(response).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("is a national framework, and you are not one of its framework authors"),
        "{body}"
    );
    assert_eq!(
        app.store.versions_of(FRAMEWORK, true).await.unwrap().len(),
        2
    );

    // The national author sees it stewarded so.
    let (_, overview) = national.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    assert!(
        page_text(&overview).contains("This is a national framework"),
        "{overview}"
    );
}

#[tokio::test]
async fn a_framework_a_regional_author_imports_is_the_regions_to_author() {
    let app = spawn_app().await;
    let regional = app.signed_in(REGIONAL_AUTHOR).await;
    let response = import_csv(&regional, "dysphagia", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let versions = app.store.versions_of("dysphagia", true).await.unwrap();
    let region = app.org("North East and Yorkshire").await.id;
    assert_eq!(versions[0].steward_org_id, Some(region));

    // Its draft is the regional author's, and the national author's (who covers everything).
    let (_, overview) = regional.get_page("/frameworks/dysphagia").await;
    assert!(
        page_text(&overview).contains("North East and Yorkshire stewards this framework"),
        "{overview}"
    );
    let national = app.signed_in(AUTHOR).await;
    let (status, _) = national.get_page("/frameworks/dysphagia?version=1").await;
    assert_eq!(status, StatusCode::OK);

    // An author at a trust in the region authors only what the trust stewards.
    grant(&app, NORTH_LEAD, Role::FrameworkAuthor, "North Trust").await;
    let trust_author = app.browser();
    trust_author.sign_in(NORTH_LEAD, PASSWORD).await;
    let (status, _) = trust_author
        .get_page("/frameworks/dysphagia?version=1")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a draft they may not author");
    assert_eq!(
        post(&trust_author, "/frameworks/dysphagia/publish?version=1").await,
        StatusCode::NOT_FOUND
    );
    let (status, _) = trust_author
        .get_page("/frameworks/dysphagia/items/1.1/edit?version=1")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Once the region's author publishes it, everyone reads it; the trust's author still may
    // not start a draft of it.
    assert_eq!(
        crate::authoring::publish_version(&regional, "dysphagia", "1")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (status, _) = trust_author.get_page("/frameworks/dysphagia").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        post(&trust_author, "/frameworks/dysphagia/drafts").await,
        StatusCode::FORBIDDEN
    );

    // Import log names the steward.
    let log = app.store.audit_page(0, 5).await.unwrap();
    let import = log
        .entries
        .iter()
        .find(|e| e.action == "framework.import")
        .unwrap();
    assert!(
        import
            .after
            .as_deref()
            .unwrap()
            .contains(&format!("\"steward_org_id\":{region}")),
        "{import:?}"
    );
}

#[tokio::test]
async fn an_author_for_several_organisations_says_which_stewards_a_new_framework() {
    let app = spawn_app().await;
    grant(&app, REGIONAL_AUTHOR, Role::FrameworkAuthor, "North Trust").await;
    let author = app.signed_in(REGIONAL_AUTHOR).await;

    let response = import_csv(&author, "dysphagia", None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = json_body(response).await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("choose which is to steward"),
        "{body}"
    );
    // An organisation outside their scope is refused; nothing was written either time.
    let london = another_region(&app).await;
    let response = import_csv(&author, "dysphagia", Some(&london.id.to_string())).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = import_csv(&author, "dysphagia", Some("national")).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store
            .versions_of("dysphagia", true)
            .await
            .unwrap()
            .is_empty()
    );

    let trust = app.org("North Trust").await.id;
    let response = import_csv(&author, "dysphagia", Some(&trust.to_string())).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let versions = app.store.versions_of("dysphagia", true).await.unwrap();
    assert_eq!(versions[0].steward_org_id, Some(trust));

    // The import page offers the choice.
    let (_, page) = author.get_page("/frameworks/import").await;
    let text = page_text(&page);
    assert!(
        text.contains("Stewarded by") && text.contains("North Trust"),
        "{text}"
    );
}

#[tokio::test]
async fn only_a_platform_administrator_makes_a_national_framework_author() {
    let app = spawn_app().await;
    let user = app
        .store
        .user_by_email(
            &pathway_domain::identity::Email::parse("worker@north-trust.pathway.demo").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let path = format!("/admin/users/{}/grants", user.id);
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, page) = lead.get_page(&format!("/admin/users/{}", user.id)).await;
    let response = lead
        .post_form(
            &path,
            &[
                ("csrf_token", &get_csrf(&page)),
                ("org", ""),
                ("role", "framework_author"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.get_page(&format!("/admin/users/{}", user.id)).await;
    let response = admin
        .post_form(
            &path,
            &[
                ("csrf_token", &get_csrf(&page)),
                ("org", ""),
                ("role", "framework_author"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let grants = app.store.grants(user.id).await.unwrap();
    assert!(
        grants
            .iter()
            .any(|g| g.role == Role::FrameworkAuthor && g.org_id.is_none()),
        "{grants:?}"
    );
}

/// Sends the steward form for `framework` as `author`.
async fn hand_over(author: &Browser, framework: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let path = format!("/frameworks/{framework}/steward");
    let (_, page) = author.get_page(&path).await;
    let token = get_csrf(&page);
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend_from_slice(form);
    author.post_form(&path, &fields).await
}

async fn steward_of(app: &TestApp, framework: &str) -> Option<i64> {
    app.store
        .versions_of(framework, true)
        .await
        .expect("versions")[0]
        .steward_org_id
}

#[tokio::test]
async fn authors_hand_a_framework_on_only_where_they_author_themselves() {
    let app = spawn_app().await;
    let north = app.org("North Trust").await.id.to_string();
    let south = app.org("South Trust").await.id.to_string();

    // The national author hands the national framework to a trust, and is asked first.
    let national = app.signed_in(AUTHOR).await;
    let (status, page) = national
        .get_page(&format!("/frameworks/{FRAMEWORK}/steward"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page_text(&page).contains("It is a national framework now"));
    assert!(page.contains("value=\"national\" checked"), "{page}");
    let response = hand_over(&national, FRAMEWORK, &[("steward", "org"), ("org", &north)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        steward_of(&app, FRAMEWORK).await,
        Some(north.parse().unwrap())
    );
    let entry = &app.store.audit_page(0, 1).await.unwrap().entries[0];
    assert_eq!(entry.action, "framework.steward");
    let (_, overview) = national.get_page(&format!("/frameworks/{FRAMEWORK}")).await;
    assert!(page_text(&overview).contains("North Trust stewards this framework"));

    // The region's author now authors it (North Trust is in the region), may hand it to
    // another trust in the region, is never offered "national", and may not make it so.
    let regional = app.signed_in(REGIONAL_AUTHOR).await;
    let (status, page) = regional
        .get_page(&format!("/frameworks/{FRAMEWORK}/steward"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("value=\"national\""));
    assert!(page_text(&page).contains("North Trust stewards it now"));
    let response = hand_over(&regional, FRAMEWORK, &[("org", &south)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        steward_of(&app, FRAMEWORK).await,
        Some(south.parse().unwrap())
    );
    let response = hand_over(&regional, FRAMEWORK, &[("steward", "national")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Nor to an organisation outside the region.
    let elsewhere = another_region(&app).await;
    let before = app.audit_entries().await;
    let response = hand_over(&regional, FRAMEWORK, &[("org", &elsewhere.id.to_string())]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit_entries().await, before);
    assert_eq!(
        steward_of(&app, FRAMEWORK).await,
        Some(south.parse().unwrap())
    );

    // The national author makes it national again.
    let response = hand_over(
        &national,
        FRAMEWORK,
        &[("steward", "national"), ("org", &north)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(steward_of(&app, FRAMEWORK).await, None);
}

#[tokio::test]
async fn a_steward_form_with_problems_says_what_and_changes_nothing() {
    let app = spawn_app().await;
    let national = app.signed_in(AUTHOR).await;
    let before = app.audit_entries().await;
    for (form, field, message) in [
        (
            vec![("org", "")],
            "steward",
            "Choose whether an organisation stewards the framework, or none",
        ),
        (
            vec![("steward", "org")],
            "org",
            "Choose the organisation that is to steward the framework",
        ),
        (
            vec![("steward", "org"), ("org", "99999")],
            "org",
            "Choose an organisation from the list",
        ),
        (
            vec![("steward", "org"), ("org", "North")],
            "org",
            "Choose an organisation from the list",
        ),
    ] {
        let response = hand_over(&national, FRAMEWORK, &form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{form:?}"
        );
        let page = response.text().await.unwrap();
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "{form:?}: {page}"
        );
        assert!(page_text(&page).contains(message), "{form:?}");
    }
    assert_eq!(app.audit_entries().await, before);
    assert_eq!(steward_of(&app, FRAMEWORK).await, None);
}

#[tokio::test]
async fn only_a_frameworks_authors_may_change_its_steward() {
    let app = spawn_app().await;
    let path = format!("/frameworks/{FRAMEWORK}/steward");
    // A regional author does not author the national framework; a lead authors nothing.
    for who in [REGIONAL_AUTHOR, NORTH_LEAD] {
        let browser = app.signed_in(who).await;
        let (status, _) = browser.get_page(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let response = hand_over(&browser, FRAMEWORK, &[("steward", "national")]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{who}");
    }
    // Nobody signed in is sent to sign in.
    let (status, _) = app.get_page(&path).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Authors of nothing are not shown the link; the framework's authors are.
    let (_, overview) = app
        .signed_in(REGIONAL_AUTHOR)
        .await
        .get_page(&format!("/frameworks/{FRAMEWORK}"))
        .await;
    assert!(!overview.contains("/steward\""));
    let (_, overview) = app
        .signed_in(ADMIN)
        .await
        .get_page(&format!("/frameworks/{FRAMEWORK}"))
        .await;
    assert!(overview.contains(&format!("href=\"/frameworks/{FRAMEWORK}/steward\"")));
}
