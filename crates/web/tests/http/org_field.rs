//! Choosing an organisation where there are too many to list: administrators with more than
//! 150 organisations in their scope type a name or ODS code, and choose among the
//! organisations it matches; those with fewer choose from a list.

use crate::helpers::*;
use pathway_domain::identity::OrgKind;
use pathway_store::{Actor, Organisation};
use reqwest::StatusCode;

/// The demo with 151 wards under North Trust (codes W001…W151), and a team called
/// "Physiotherapy" under each trust: too many organisations to list for the platform
/// administrators and North Trust's leads, as for a regional lead in a real region.
async fn a_big_north_trust() -> (TestApp, Organisation, Organisation) {
    let app = spawn_app().await;
    let north = app.org("North Trust").await;
    let south = app.org("South Trust").await;
    let mut tx = app.store.begin().await.expect("begin");
    for i in 1..=151 {
        tx.create_org(
            &Actor::system(),
            &format!("Ward {i:03}"),
            OrgKind::Team,
            Some(&north),
            Some(&format!("W{i:03}")),
        )
        .await
        .expect("add a ward");
    }
    let north_physio = tx
        .create_org(
            &Actor::system(),
            "Physiotherapy",
            OrgKind::Team,
            Some(&north),
            None,
        )
        .await
        .expect("add a team");
    tx.create_org(
        &Actor::system(),
        "Physiotherapy",
        OrgKind::Team,
        Some(&south),
        None,
    )
    .await
    .expect("add a team");
    tx.commit().await.expect("commit");
    (app, north, north_physio)
}

/// Posts the new-user form with this organisation answer.
async fn add_user(
    browser: &Browser,
    email: &str,
    org: &[(&str, &str)],
    role: &str,
) -> reqwest::Response {
    let (_, page) = browser.get_page("/admin/users/new").await;
    let token = get_csrf(&page);
    let mut form = vec![
        ("name", "Ada New"),
        ("email", email),
        ("password", "a-long-enough-password-42"),
        ("role", role),
        ("csrf_token", &token),
    ];
    form.extend_from_slice(org);
    browser.post_form("/admin/users/new", &form).await
}

async fn grants_of(app: &TestApp, email: &str) -> Vec<(String, Option<String>)> {
    let Some((user, _)) = app
        .store
        .user_for_sign_in(email)
        .await
        .expect("find the user")
    else {
        return Vec::new();
    };
    app.store
        .grants(user.id)
        .await
        .expect("read the grants")
        .into_iter()
        .map(|g| (g.role.as_str().to_owned(), g.org_name))
        .collect()
}

/// The radios the organisations that matched are offered as: (value, label text).
fn offered(html: &str) -> Vec<String> {
    html.match_indices("name=\"org\" type=\"radio\" value=\"")
        .map(|(at, found)| {
            let rest = &html[at + found.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_short_list_is_a_list_and_a_long_one_a_box_for_a_name_or_code() {
    let (app, _, _) = a_big_north_trust().await;
    let (_, page) = app
        .signed_in(SOUTH_LEAD)
        .await
        .get_page("/admin/users/new")
        .await;
    assert!(page.contains("<select class=\"nhsuk-select\" id=\"org\" name=\"org\""));
    assert!(!page.contains("name=\"org_name\""));

    let admin = app.signed_in(ADMIN).await;
    for path in ["/admin/users/new", "/admin/organisations/new"] {
        let (status, page) = admin.get_page(path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains("Ward 001"), "{path} lists the organisations");
        assert!(page.contains("_name\" type=\"text\""), "{path}");
    }
}

#[tokio::test]
async fn a_whole_name_or_code_is_taken_and_part_of_one_is_offered_to_choose_from() {
    let (app, _, _) = a_big_north_trust().await;
    let admin = app.signed_in(ADMIN).await;

    // An ODS code, in any case.
    let response = add_user(
        &admin,
        "ada@north.nhs.uk",
        &[("org_name", " w007 ")],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        grants_of(&app, "ada@north.nhs.uk").await,
        [("worker".to_owned(), Some("Ward 007".to_owned()))]
    );

    // Part of a name: the matches to choose from, and nothing written.
    let before = app.audit_entries().await;
    let response = add_user(
        &admin,
        "bo@north.nhs.uk",
        &[("org_name", "ward 01")],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    let text = collapse_spaces(&page_text(&page));
    assert!(
        text.contains("No organisation is named “ward 01”, but 10 have it in their name or code: choose the one you mean"),
        "{text}"
    );
    let choices = offered(&page);
    assert_eq!(choices.len(), 11, "ten wards and none of these");
    assert_eq!(choices.last().map(String::as_str), Some(""));
    assert!(
        text.contains("Ward 010 Service or team in North Trust, ODS code W010"),
        "{text}"
    );
    assert!(page.contains("value=\"ward 01\""), "the typed text is kept");
    assert_eq!(app.audit_entries().await, before);

    // Choosing one of them.
    let ward = app.org("Ward 012").await.id.to_string();
    let response = add_user(
        &admin,
        "bo@north.nhs.uk",
        &[("org_name", "ward 01"), ("org", &ward)],
        "supervisor",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        grants_of(&app, "bo@north.nhs.uk").await,
        [("supervisor".to_owned(), Some("Ward 012".to_owned()))]
    );

    // "None of these" looks up the text again.
    let response = add_user(
        &admin,
        "cy@north.nhs.uk",
        &[("org_name", "Ward 013"), ("org", "")],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Too many to list, and nothing at all.
    let response = add_user(&admin, "di@north.nhs.uk", &[("org_name", "ward")], "worker").await;
    let text = collapse_spaces(&page_text(&response.text().await.unwrap()));
    assert!(
        text.contains("151 organisations have “ward” in their name or code, too many to list"),
        "{text}"
    );
    let response = add_user(&admin, "di@north.nhs.uk", &[("org_name", "zz")], "worker").await;
    let page = response.text().await.unwrap();
    assert!(offered(&page).is_empty());
    assert!(
        page_text(&page)
            .contains("No organisation you can choose here has “zz” in its name or ODS code")
    );
}

#[tokio::test]
async fn teams_of_the_same_name_are_told_apart_by_their_parents() {
    let (app, _, north_physio) = a_big_north_trust().await;
    let admin = app.signed_in(ADMIN).await;
    let response = add_user(
        &admin,
        "ed@north.nhs.uk",
        &[("org_name", "physiotherapy")],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    let text = collapse_spaces(&page_text(&page));
    assert!(
        text.contains("2 organisations are named “physiotherapy”: choose the one you mean"),
        "{text}"
    );
    assert!(
        text.contains("Physiotherapy Service or team in North Trust"),
        "{text}"
    );
    assert!(
        text.contains("Physiotherapy Service or team in South Trust"),
        "{text}"
    );

    // A problem elsewhere on the form shows the organisation chosen, still chosen.
    let chosen = north_physio.id.to_string();
    let response = add_user(
        &admin,
        "ed@north.nhs.uk",
        &[("org_name", "physiotherapy"), ("org", &chosen)],
        "ics_lead",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert_eq!(offered(&page), [chosen.clone(), String::new()]);
    assert!(page.contains(&format!(
        "value=\"{chosen}\" aria-describedby=\"org-match-1-hint\" checked"
    )));
}

#[tokio::test]
async fn a_lead_finds_only_the_organisations_they_administer() {
    let (app, _, _) = a_big_north_trust().await;
    let lead = app.signed_in(NORTH_LEAD).await;
    // Their own trust's team of that name, without asking: the south's is not theirs.
    let response = add_user(
        &lead,
        "fi@north.nhs.uk",
        &[("org_name", "Physiotherapy")],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        grants_of(&app, "fi@north.nhs.uk").await,
        [("worker".to_owned(), Some("Physiotherapy".to_owned()))]
    );
    // Another trust's name finds nothing, and says nothing of it.
    let response = add_user(
        &lead,
        "gu@north.nhs.uk",
        &[("org_name", "South Trust")],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(offered(&page).is_empty());
    assert!(page_text(&page).contains("No organisation you can choose here has “South Trust”"));
    // An id sent back from outside their scope is refused, and not shown back.
    let south = app.org("South Trust").await.id.to_string();
    let response = add_user(
        &lead,
        "gu@north.nhs.uk",
        &[("org_name", "x"), ("org", &south)],
        "worker",
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(grants_of(&app, "gu@north.nhs.uk").await.is_empty());
}

#[tokio::test]
async fn roles_and_parents_are_given_by_name_too() {
    let (app, north, _) = a_big_north_trust().await;
    let admin = app.signed_in(ADMIN).await;

    // A role granted on a user's page, at an organisation typed by code.
    let worker = app
        .store
        .user_for_sign_in(NORTH_WORKER)
        .await
        .unwrap()
        .unwrap()
        .0;
    let path = format!("/admin/users/{}", worker.id);
    let (_, page) = admin.get_page(&path).await;
    assert!(page.contains("name=\"org_name\""));
    let response = admin
        .post_form(
            &format!("{path}/grants"),
            &[
                ("org_name", "W100"),
                ("role", "supervisor"),
                ("csrf_token", &get_csrf(&page)),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        grants_of(&app, NORTH_WORKER)
            .await
            .contains(&("supervisor".to_owned(), Some("Ward 100".to_owned())))
    );

    // A new organisation under a parent typed by name.
    let (_, page) = admin.get_page("/admin/organisations/new").await;
    let response = admin
        .post_form(
            "/admin/organisations/new",
            &[
                ("name", "Ward 152"),
                ("kind", "team"),
                ("parent_name", "north trust"),
                ("code", ""),
                ("csrf_token", &get_csrf(&page)),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.org("Ward 152").await.parent_id, Some(north.id));

    // A parent that names none: the problem is on the parent field, and nothing is added.
    let response = admin
        .post_form(
            "/admin/organisations/new",
            &[
                ("name", "Ward 153"),
                ("kind", "team"),
                ("parent_name", "Nowhere Trust"),
                ("csrf_token", &get_csrf(&page)),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("href=\"#parent\""),
        "the summary links to the field"
    );
    assert!(app.store.org_by_name("Ward 153").await.unwrap().is_none());
}
