//! Administrators changing people and organisations: editing a user's name and email, an
//! organisation's name and code, a person's own name; confirming before a destructive
//! action; searching and paging the lists; and the audit log saying what happened in words.

use crate::helpers::{
    ADMIN, Browser, NORTH_LEAD, NORTH_WORKER, PASSWORD, SOUTH_LEAD, TestApp, get_csrf, location,
    page_text, spawn_app,
};
use pathway_domain::identity::{Email, Role};
use pathway_store::Actor;
use reqwest::StatusCode;

const FELLOW_LEAD: &str = "lead2@north-trust.pathway.demo";

async fn user_id(app: &TestApp, email: &str) -> i64 {
    app.store
        .user_for_sign_in(email)
        .await
        .expect("look up a user")
        .unwrap_or_else(|| panic!("no user {email}"))
        .0
        .id
}

/// Posts a form with the token from `page_path`, as a browser would after opening it.
async fn submit(
    browser: &Browser,
    page_path: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (status, page) = browser.get_page(page_path).await;
    assert_eq!(status, StatusCode::OK, "GET {page_path}: {page}");
    let token = get_csrf(&page);
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    browser.post_form(action, &form).await
}

#[tokio::test]
async fn a_lead_changes_a_workers_name_and_email_and_it_is_audited() {
    let app = spawn_app().await;
    let worker = user_id(&app, NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let edit = format!("/admin/users/{worker}/edit");

    let (_, page) = lead.get_page(&format!("/admin/users/{worker}")).await;
    assert!(page.contains(&format!(r#"href="{edit}""#)), "{page}");
    let (status, form) = lead.get_page(&edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains(r#"value="Wren Worker""#), "{form}");

    let response = submit(
        &lead,
        &edit,
        &edit,
        &[
            ("name", "Wren Jones"),
            ("email", "Wren.Jones@North-Trust.nhs.uk"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/admin/users/{worker}"));
    let changed = app.store.user(worker).await.unwrap();
    assert_eq!(
        (changed.name.as_str(), changed.email.as_str()),
        ("Wren Jones", "wren.jones@north-trust.nhs.uk")
    );
    let entry = app
        .store
        .audit_for("user", &worker.to_string())
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(entry.action, "user.update");
    assert_eq!(entry.actor_user_id, Some(user_id(&app, NORTH_LEAD).await));
    let json = |s: Option<String>| serde_json::from_str::<serde_json::Value>(&s.unwrap()).unwrap();
    assert_eq!(
        json(entry.before),
        serde_json::json!({"name": "Wren Worker", "email": NORTH_WORKER})
    );
    assert_eq!(
        json(entry.after),
        serde_json::json!({"name": "Wren Jones", "email": "wren.jones@north-trust.nhs.uk"})
    );
    // They sign in with the new address, not the old.
    app.browser()
        .sign_in("wren.jones@north-trust.nhs.uk", PASSWORD)
        .await;
    let refused = app.browser().submit_sign_in(NORTH_WORKER, PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bad_or_taken_details_are_explained_and_change_nothing() {
    let app = spawn_app().await;
    let worker = user_id(&app, NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let edit = format!("/admin/users/{worker}/edit");
    let audited = app.audit_entries().await;

    let response = submit(&lead, &edit, &edit, &[("name", " "), ("email", "wren@")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Enter the full name"), "{html}");
    assert!(
        html.contains("Enter an email address in the correct format"),
        "{html}"
    );
    assert!(html.contains(r##"href="#email""##), "{html}");

    // Someone else's address, typed in capitals, is still theirs.
    let response = submit(
        &lead,
        &edit,
        &edit,
        &[
            ("name", "Wren Worker"),
            ("email", &SOUTH_LEAD.to_uppercase()),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&response.text().await.unwrap());
    assert!(
        text.contains(&format!(
            "Another user already has the email address {SOUTH_LEAD}"
        )),
        "{text}"
    );

    let unchanged = app.store.user(worker).await.unwrap();
    assert_eq!(
        (unchanged.name.as_str(), unchanged.email.as_str()),
        ("Wren Worker", NORTH_WORKER)
    );
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
}

#[tokio::test]
async fn a_lead_cannot_change_a_fellow_leads_details_nor_a_worker_anyones() {
    let app = spawn_app().await;
    let fellow = user_id(&app, FELLOW_LEAD).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let audited = app.audit_entries().await;
    let edit = format!("/admin/users/{fellow}/edit");

    let (status, _) = lead.get_page(&edit).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = lead.get_page("/account").await;
    let response = lead
        .post_form(
            &edit,
            &[
                ("csrf_token", &get_csrf(&page)),
                ("name", "Taken Over"),
                ("email", "mine@evil.example"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // Their page offers no change either.
    let (_, page) = lead.get_page(&format!("/admin/users/{fellow}")).await;
    assert!(!page.contains(&edit), "{page}");

    let worker = app.signed_in(NORTH_WORKER).await;
    let lead_id = user_id(&app, NORTH_LEAD).await;
    let (status, _) = worker
        .get_page(&format!("/admin/users/{lead_id}/edit"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Nobody edits themselves here: their own name is on their account page.
    let (status, _) = lead.get_page(&format!("/admin/users/{lead_id}/edit")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    assert_eq!(app.store.user(fellow).await.unwrap().name, "Noor Lead");
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
    // Anonymous visitors are sent to sign in.
    let response = app.get(&edit).await;
    assert!(location(&response).starts_with("/sign-in"));
}

#[tokio::test]
async fn organisations_are_renamed_by_whoever_administers_them() {
    let app = spawn_app().await;
    let north = app.org("North Trust").await.id;
    let south = app.org("South Trust").await.id;
    let ics = app.org("Humber and North Yorkshire ICS").await.id;
    let lead = app.signed_in(NORTH_LEAD).await;
    let edit = format!("/admin/organisations/{north}/edit");

    let (_, page) = lead
        .get_page(&format!("/admin/organisations/{north}"))
        .await;
    assert!(page.contains(&format!(r#"href="{edit}""#)), "{page}");
    let response = submit(
        &lead,
        &edit,
        &edit,
        &[("name", "North Hospitals Trust"), ("code", " rr8 ")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let org = app.store.org(north).await.unwrap();
    assert_eq!(
        (org.name.as_str(), org.code.as_deref()),
        ("North Hospitals Trust", Some("RR8"))
    );
    let entry = app
        .store
        .audit_for("organisation", &north.to_string())
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(entry.action, "organisation.update");
    assert!(
        entry
            .before
            .as_deref()
            .is_some_and(|b| b.contains(r#""name":"North Trust""#)),
        "{entry:?}"
    );

    // Not the trust next door, nor the ICS above.
    let audited = app.audit_entries().await;
    for other in [south, ics] {
        let (status, _) = lead
            .get_page(&format!("/admin/organisations/{other}/edit"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, page) = lead.get_page("/account").await;
        let response = lead
            .post_form(
                &format!("/admin/organisations/{other}/edit"),
                &[("csrf_token", &get_csrf(&page)), ("name", "Mine now")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    let (_, page) = lead
        .get_page(&format!("/admin/organisations/{south}"))
        .await;
    assert!(!page.contains("/edit"), "no change offered where refused");

    // A code another organisation has, or a bad one, changes nothing.
    let admin = app.signed_in(ADMIN).await;
    let south_edit = format!("/admin/organisations/{south}/edit");
    let response = submit(
        &admin,
        &south_edit,
        &south_edit,
        &[("name", "South Trust"), ("code", "RR8")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page_text(&response.text().await.unwrap())
            .contains("Another organisation already has the code RR8")
    );
    let response = submit(
        &admin,
        &south_edit,
        &south_edit,
        &[("name", ""), ("code", "R-8")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&response.text().await.unwrap());
    assert!(text.contains("Enter the name"), "{text}");
    assert!(text.contains("only letters and numbers"), "{text}");
    assert_eq!(app.store.org(south).await.unwrap().name, "South Trust");
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
}

#[tokio::test]
async fn people_change_their_own_name_but_not_their_email() {
    let app = spawn_app().await;
    let id = user_id(&app, NORTH_WORKER).await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let (_, account) = worker.get_page("/account").await;
    assert!(account.contains(r#"href="/account/name""#), "{account}");

    let audited = app.audit_entries().await;
    let response = submit(&worker, "/account/name", "/account/name", &[("name", "")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Enter the full name")
    );
    assert_eq!(app.audit_entries().await, audited);

    // An email address slipped into the form is ignored.
    let response = submit(
        &worker,
        "/account/name",
        "/account/name",
        &[("name", "Wren Okafor"), ("email", "someone@else.example")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account?changed=name");
    let (_, page) = worker.get_page("/account?changed=name").await;
    let text = page_text(&page);
    assert!(text.contains("Your name has been changed"), "{text}");
    assert!(text.contains("Wren Okafor"), "{text}");
    let user = app.store.user(id).await.unwrap();
    assert_eq!(
        (user.name.as_str(), user.email.as_str()),
        ("Wren Okafor", NORTH_WORKER)
    );
    let entry = app
        .store
        .audit_for("user", &id.to_string())
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.actor_user_id),
        ("user.update", Some(id))
    );
    assert_eq!(entry.after.as_deref(), Some(r#"{"name":"Wren Okafor"}"#));
}

#[tokio::test]
async fn destructive_actions_ask_first_and_asking_changes_nothing() {
    let app = spawn_app().await;
    let worker = user_id(&app, NORTH_WORKER).await;
    let grant = app.store.grants(worker).await.unwrap()[0].id;
    let lead = app.signed_in(NORTH_LEAD).await;
    let audited = app.audit_entries().await;

    // The user's page links to the questions rather than acting at once.
    let (_, page) = lead.get_page(&format!("/admin/users/{worker}")).await;
    for step in [
        "disable".to_owned(),
        "password".to_owned(),
        format!("grants/{grant}/revoke"),
    ] {
        let path = format!("/admin/users/{worker}/{step}");
        assert!(
            page.contains(&format!(r#"href="{path}""#)),
            "{step}: {page}"
        );
        assert!(
            !page.contains(&format!(r#"action="{path}""#)),
            "{step} is not a button that acts at once"
        );
    }

    for (step, question, button) in [
        (
            "disable".to_owned(),
            "Are you sure you want to disable Wren Worker’s account?",
            "Disable account",
        ),
        (
            "password".to_owned(),
            "Are you sure you want to reset Wren Worker’s password?",
            "Reset password",
        ),
        (
            format!("grants/{grant}/revoke"),
            "Are you sure you want to remove the role Support worker at North Trust from Wren Worker?",
            "Remove role",
        ),
    ] {
        let path = format!("/admin/users/{worker}/{step}");
        let (status, html) = lead.get_page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        let text = page_text(&html);
        assert!(text.contains(question), "{text}");
        assert!(text.contains(button) && text.contains("Cancel"), "{text}");
        assert!(html.contains(&format!(r#"action="{path}""#)), "{html}");
        assert!(html.contains(r#"name="csrf_token""#));
        assert!(html.contains(&format!(r#"href="/admin/users/{worker}""#)));
    }
    // Asking changed nothing: the worker is enabled, keeps their password and their role.
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
    assert!(!app.store.user(worker).await.unwrap().disabled);
    assert_eq!(app.store.grants(worker).await.unwrap().len(), 1);
    app.browser().sign_in(NORTH_WORKER, PASSWORD).await;

    // Confirming acts, checking everything again.
    let path = format!("/admin/users/{worker}/disable");
    let response = submit(&lead, &path, &path, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(app.store.user(worker).await.unwrap().disabled);
    // A disabled account has nothing to confirm: back to its page.
    let response = lead.get(&path).await;
    assert_eq!(location(&response), format!("/admin/users/{worker}"));
}

#[tokio::test]
async fn a_lead_is_not_asked_about_what_they_may_not_do() {
    let app = spawn_app().await;
    let fellow = user_id(&app, FELLOW_LEAD).await;
    let grant = app.store.grants(fellow).await.unwrap()[0].id;
    let lead = app.signed_in(NORTH_LEAD).await;
    for step in [
        "disable".to_owned(),
        "password".to_owned(),
        format!("grants/{grant}/revoke"),
    ] {
        let (status, _) = lead
            .get_page(&format!("/admin/users/{fellow}/{step}"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{step}");
    }
    // A grant of someone else's, named under this user, is not theirs.
    let worker = user_id(&app, NORTH_WORKER).await;
    let (status, _) = lead
        .get_page(&format!("/admin/users/{worker}/grants/{grant}/revoke"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Rows in the page's table body.
fn rows(html: &str) -> usize {
    html.matches(r#"<tr class="nhsuk-table__row">"#).count() - 1
}

#[tokio::test]
async fn the_users_list_is_searched_and_paged_within_the_administrators_scope() {
    let app = spawn_app().await;
    let north = app.org("North Trust").await.id;
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..60 {
        let email = Email::parse(&format!("bulk{i:02}@north-trust.nhs.uk")).unwrap();
        let user = tx
            .create_user(
                &Actor::system(),
                &email,
                &format!("Bulk Person {i:02}"),
                "x",
                false,
            )
            .await
            .unwrap();
        tx.grant_role(&Actor::system(), user.id, Role::Worker, Some(north))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let lead = app.signed_in(NORTH_LEAD).await;

    let (status, html) = lead.get_page("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rows(&html), 50);
    let text = page_text(&html);
    assert!(
        text.contains("People with roles at the organisations you administer: 1 to 50 of 65"),
        "{text}"
    );
    assert!(html.contains(r#"href="/admin/users?page=2""#), "{html}");
    let (_, html) = lead.get_page("/admin/users?page=2").await;
    assert_eq!(rows(&html), 15);
    assert!(page_text(&html).contains("51 to 65 of 65"));

    // Searching by part of a name, in any case, keeps the search in the page links.
    let (_, html) = lead.get_page("/admin/users?q=bulk+person+1").await;
    assert_eq!(rows(&html), 10);
    assert!(
        page_text(&html).contains("Users matching “bulk person 1”: 1 to 10 of 10"),
        "{}",
        page_text(&html)
    );
    assert!(html.contains(r#"value="bulk person 1""#));
    let (_, html) = lead.get_page("/admin/users?q=bulk").await;
    assert!(
        html.contains(r#"href="/admin/users?q=bulk&#38;page=2""#),
        "{html}"
    );
    // By email address; and never anyone outside the lead's scope.
    let (_, html) = lead.get_page("/admin/users?q=WORKER@north").await;
    let text = page_text(&html);
    assert_eq!(rows(&html), 2, "{text}");
    assert!(text.contains(NORTH_WORKER) && text.contains("physio.worker@north-trust"));
    let (_, html) = lead.get_page("/admin/users?q=south").await;
    let text = page_text(&html);
    assert!(text.contains("No users at the organisations you administer have a name or email address containing “south”"), "{text}");
    let admin = app.signed_in(ADMIN).await;
    let (_, html) = admin.get_page("/admin/users?q=south").await;
    assert!(page_text(&html).contains(SOUTH_LEAD));
}

#[tokio::test]
async fn the_organisations_list_is_searched_within_scope() {
    let app = spawn_app().await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, html) = lead.get_page("/admin/organisations?q=physio").await;
    assert_eq!(rows(&html), 1);
    let text = page_text(&html);
    assert!(
        text.contains("North Trust Physiotherapy Service or team North Trust"),
        "{text}"
    );
    let (_, html) = lead.get_page("/admin/organisations?q=south").await;
    assert!(page_text(&html).contains("No organisations you can see"));
    let admin = app.signed_in(ADMIN).await;
    let (_, html) = admin.get_page("/admin/organisations?q=trust").await;
    assert!(page_text(&html).contains("Organisations matching “trust”: 1 to 3 of 3"));
}

#[tokio::test]
async fn the_audit_log_says_what_happened_in_words_and_keeps_the_record() {
    let app = spawn_app().await;
    let worker = user_id(&app, NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let path = format!("/admin/users/{worker}/password");
    let response = submit(&lead, &path, &path, &[]).await;
    assert_eq!(response.status(), StatusCode::OK);

    let admin = app.signed_in(ADMIN).await;
    let (status, html) = admin.get_page("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&html);
    assert!(
        text.contains("Nia Lead (lead@north-trust.pathway.demo) reset the password of Wren Worker (worker@north-trust.pathway.demo)"),
        "{text}"
    );
    // The recorded values are still there, folded away.
    assert!(html.contains("<code>user.password_reset</code>"), "{html}");
    assert!(html.contains(&format!(r#"href="/admin/users/{worker}""#)));
    // The oldest entries, on the last page: the shipped framework and the demo's grants.
    let total = app.audit_entries().await;
    let last = (total + 49) / 50;
    let (_, html) = admin.get_page(&format!("/admin/audit?page={last}")).await;
    let text = page_text(&html);
    assert!(text.contains("Pathway imported"), "{text}");
    assert!(
        text.contains("Pathway gave Wren Worker (worker@north-trust.pathway.demo) the role Support worker at North Trust"),
        "{text}"
    );
}

#[tokio::test]
async fn an_organisation_cannot_take_a_neighbours_name() {
    // Names are how organisations are chosen when adding users and giving roles.
    let app = spawn_app().await;
    let north = app.org("North Trust").await.id;
    let lead = app.signed_in(NORTH_LEAD).await;
    let edit = format!("/admin/organisations/{north}/edit");
    let audited = app.audit_entries().await;
    let response = submit(
        &lead,
        &edit,
        &edit,
        &[("name", "south trust"), ("code", "")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = page_text(&response.text().await.unwrap());
    assert!(
        text.contains("Another organisation in the same place already has the name south trust"),
        "{text}"
    );
    assert_eq!(app.store.org(north).await.unwrap().name, "North Trust");
    assert_eq!(app.audit_entries().await, audited, "nothing was recorded");
}

#[tokio::test]
async fn a_new_email_address_signs_the_person_out() {
    let app = spawn_app().await;
    let worker_id = user_id(&app, NORTH_WORKER).await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let edit = format!("/admin/users/{worker_id}/edit");
    // A new name alone keeps them signed in; a new address does not.
    let response = submit(
        &lead,
        &edit,
        &edit,
        &[("name", "Wren Jones"), ("email", NORTH_WORKER)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(worker.get("/account").await.status(), StatusCode::OK);
    let response = submit(
        &lead,
        &edit,
        &edit,
        &[
            ("name", "Wren Jones"),
            ("email", "wren.jones@north-trust.nhs.uk"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = worker.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&response).starts_with("/sign-in"),
        "{}",
        location(&response)
    );
}
