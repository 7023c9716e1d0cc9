//! A person's own account, and administrators acting on accounts: changing a password,
//! resetting one, disabling and enabling, and who may do which.

use crate::helpers::{
    ADMIN, NORTH_LEAD, NORTH_WORKER, PASSWORD, assert_api_error, get_csrf, location, page_text,
    spawn_app,
};
use pathway_domain::identity::Role;
use reqwest::StatusCode;

const NEW_PASSWORD: &str = "three unrelated words";

async fn user_id(app: &crate::helpers::TestApp, email: &str) -> i64 {
    app.store
        .user_for_sign_in(email)
        .await
        .expect("look up a user")
        .expect("the user exists")
        .0
        .id
}

/// The new password shown once after a reset.
fn shown_password(html: &str) -> String {
    let start = html
        .find(r#"id="new-password">"#)
        .expect("a new password is shown")
        + 18;
    let end = start + html[start..].find('<').expect("the end of the password");
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_account_page_shows_who_you_are_and_your_roles() {
    let app = spawn_app().await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let (status, html) = worker.get_page("/account").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let text = page_text(&html);
    assert!(text.contains(NORTH_WORKER), "{text}");
    assert!(text.contains("Support worker at North Trust"), "{text}");
    assert!(html.contains(r#"href="/account/password""#));
    // Everyone reaches it from the header.
    let (_, home) = worker.get_page("/").await;
    assert!(home.contains(r#"href="/account""#), "{home}");

    let response = app.get("/account").await;
    assert_eq!(location(&response), "/sign-in?next=%2Faccount");
}

#[tokio::test]
async fn changing_your_password_keeps_this_session_and_ends_the_others() {
    let app = spawn_app().await;
    let laptop = app.signed_in(NORTH_WORKER).await;
    let phone = app.signed_in(NORTH_WORKER).await;
    let (_, form) = laptop.get_page("/account/password").await;
    let token = get_csrf(&form);

    // Each mistake is named on its field, and nothing changes.
    let response = laptop
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current", "not my password"),
                ("new", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Your current password is not correct"),
        "{html}"
    );
    assert!(html.contains(r##"href="#current""##), "{html}");
    let response = laptop
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current", PASSWORD),
                ("new", NEW_PASSWORD),
                ("confirm", "three unrelated wards"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The passwords do not match")
    );
    // No password is ever sent back.
    let response = laptop
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current", PASSWORD),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    let html = response.text().await.unwrap();
    assert!(html.contains("at least 12 characters"), "{html}");
    assert!(!html.contains(PASSWORD), "{html}");

    let response = laptop
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &token),
                ("current", PASSWORD),
                ("new", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/account?changed=password");
    let (status, html) = laptop.get_page("/account?changed=password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Your password has been changed"), "{html}");

    // The phone's session ended; the old password no longer works, the new one does.
    let response = phone.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app.browser().submit_sign_in(NORTH_WORKER, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.browser().sign_in(NORTH_WORKER, NEW_PASSWORD).await;

    let id = user_id(&app, NORTH_WORKER).await;
    let log = app.store.audit_for("user", &id.to_string()).await.unwrap();
    assert_eq!(log.last().unwrap().action, "user.password_change");
}

#[tokio::test]
async fn wrong_current_passwords_are_rate_limited_like_sign_ins() {
    let app = spawn_app().await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let (_, form) = worker.get_page("/account/password").await;
    let token = get_csrf(&form);
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = worker
            .post_form(
                "/account/password",
                &[
                    ("csrf_token", &token),
                    ("current", "a guess at it"),
                    ("new", NEW_PASSWORD),
                    ("confirm", NEW_PASSWORD),
                ],
            )
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_administrator_resets_a_password_and_the_owner_must_choose_their_own() {
    let app = spawn_app().await;
    let worker_id = user_id(&app, NORTH_WORKER).await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;

    let (status, page) = lead.get_page(&format!("/admin/users/{worker_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Reset password"), "{page}");
    let response = lead
        .post_form(
            &format!("/admin/users/{worker_id}/password"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"].to_str().unwrap(),
        "no-store"
    );
    let html = response.text().await.unwrap();
    let temporary = shown_password(&html);
    assert_eq!(temporary.len(), 20);
    // Shown once: the user's page does not show it again.
    let (_, again) = lead.get_page(&format!("/admin/users/{worker_id}")).await;
    assert!(!again.contains(&temporary));
    assert!(
        page_text(&again).contains("must choose their own password"),
        "{again}"
    );

    // The worker was signed out; the old password is gone.
    assert_eq!(worker.get("/account").await.status(), StatusCode::SEE_OTHER);
    let response = app.browser().submit_sign_in(NORTH_WORKER, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // With the temporary password, only the change-password page is open.
    let worker = app.browser();
    worker.sign_in(NORTH_WORKER, &temporary).await;
    for path in ["/", "/account", "/frameworks", "/admin"] {
        let response = worker.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&response), "/account/password", "{path}");
    }
    let response = worker.get("/api/frameworks").await;
    assert_api_error(response, StatusCode::FORBIDDEN, "password_change_required").await;
    let (status, form) = worker.get_page("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("Your password was set by someone else"),
        "{form}"
    );
    let response = worker
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &get_csrf(&form)),
                ("current", &temporary),
                ("new", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, _) = worker.get_page("/frameworks").await;
    assert_eq!(status, StatusCode::OK, "free to use Pathway again");

    let log = app
        .store
        .audit_for("user", &worker_id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&["user.password_reset", "user.password_change"]),
        "{actions:?}"
    );
    let lead_id = user_id(&app, NORTH_LEAD).await;
    assert_eq!(log[log.len() - 2].actor_user_id, Some(lead_id));
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_until_enabled() {
    let app = spawn_app().await;
    let worker_id = user_id(&app, NORTH_WORKER).await;
    let worker = app.signed_in(NORTH_WORKER).await;
    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.get_page(&format!("/admin/users/{worker_id}")).await;
    let token = get_csrf(&page);

    let response = admin
        .post_form(
            &format!("/admin/users/{worker_id}/disable"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_page(&format!("/admin/users/{worker_id}")).await;
    assert!(page.contains("Disabled: they cannot sign in"), "{page}");
    assert!(page.contains("Enable account"), "{page}");
    assert_eq!(worker.get("/account").await.status(), StatusCode::SEE_OTHER);
    let response = app.browser().submit_sign_in(NORTH_WORKER, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let response = admin
        .post_form(
            &format!("/admin/users/{worker_id}/enable"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    app.browser().sign_in(NORTH_WORKER, PASSWORD).await;
    // Their roles were kept throughout.
    let grants = app.store.grants(worker_id).await.unwrap();
    assert_eq!(grants[0].role, Role::Worker);

    let log = app
        .store
        .audit_for("user", &worker_id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&["user.disable", "user.enable"]),
        "{actions:?}"
    );
}

#[tokio::test]
async fn only_someone_who_could_grant_every_role_an_account_holds_may_manage_it() {
    let app = spawn_app().await;
    let admin_id = user_id(&app, ADMIN).await;
    let worker_id = user_id(&app, NORTH_WORKER).await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, page) = lead.get_page(&format!("/admin/users/{worker_id}")).await;
    let token = get_csrf(&page);

    // The worker also leads the ICS: the trust's lead can no longer touch the account.
    let ics = app.org("Humber and North Yorkshire ICS").await.id;
    let mut tx = app.store.begin().await.unwrap();
    tx.grant_role(
        &pathway_store::Actor::system(),
        worker_id,
        Role::IcsLead,
        Some(ics),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (status, page) = lead.get_page(&format!("/admin/users/{worker_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Reset password"), "{page}");
    for action in ["password", "disable"] {
        let response = lead
            .post_form(
                &format!("/admin/users/{worker_id}/{action}"),
                &[("csrf_token", &token)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
    }
    assert!(!app.store.user(worker_id).await.unwrap().disabled);

    // Nobody disables or resets their own account this way, not even an administrator.
    let admin = app.signed_in(ADMIN).await;
    let (_, page) = admin.get_page(&format!("/admin/users/{admin_id}")).await;
    assert!(!page.contains("Disable account"), "{page}");
    let response = admin
        .post_form(
            &format!("/admin/users/{admin_id}/disable"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!app.store.user(admin_id).await.unwrap().disabled);

    // A lead cannot reach a platform administrator's account at all.
    let response = lead
        .post_form(
            &format!("/admin/users/{admin_id}/password"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // And every one of these needs the form's token.
    let response = admin
        .post_form(&format!("/admin/users/{worker_id}/disable"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!app.store.user(worker_id).await.unwrap().disabled);
}

#[tokio::test]
async fn a_lead_cannot_take_over_a_fellow_lead_but_the_lead_above_can() {
    let app = spawn_app().await;
    let peer = user_id(&app, "lead2@north-trust.pathway.demo").await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let (status, page) = lead.get_page(&format!("/admin/users/{peer}")).await;
    assert_eq!(status, StatusCode::OK, "the fellow lead is in scope to see");
    assert!(!page.contains("Reset password"), "{page}");
    let response = lead
        .post_form(
            &format!("/admin/users/{peer}/password"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Nor by the long way round: stripping the fellow lead down to a worker first.
    let north = app.org("North Trust").await.id;
    let response = lead
        .post_form(
            &format!("/admin/users/{peer}/grants"),
            &[
                ("csrf_token", &get_csrf(&page)),
                ("org", &north.to_string()),
                ("role", "worker"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "a lead may add a role"
    );
    let grants = app.store.grants(peer).await.unwrap();
    let lead_grant = grants
        .iter()
        .find(|g| g.role == Role::EmployerLead)
        .unwrap();
    let (_, page) = lead.get_page(&format!("/admin/users/{peer}")).await;
    assert!(
        !page.contains(&format!("/grants/{}/revoke", lead_grant.id)),
        "no Remove button for the fellow lead's role: {page}"
    );
    let response = lead
        .post_form(
            &format!("/admin/users/{peer}/grants/{}/revoke", lead_grant.id),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store
            .grants(peer)
            .await
            .unwrap()
            .iter()
            .any(|g| g.role == Role::EmployerLead)
    );
    let response = lead
        .post_form(
            &format!("/admin/users/{peer}/password"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let ics = app.signed_in("ics@pathway.demo").await;
    let (_, page) = ics.get_page(&format!("/admin/users/{peer}")).await;
    assert!(page.contains("Reset password"), "{page}");
    let response = ics
        .post_form(
            &format!("/admin/users/{peer}/password"),
            &[("csrf_token", &get_csrf(&page))],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_lead_sees_only_the_roles_held_in_their_own_organisations() {
    let app = spawn_app().await;
    let worker_id = user_id(&app, NORTH_WORKER).await;
    let south = app.org("South Trust").await.id;
    let mut tx = app.store.begin().await.unwrap();
    tx.grant_role(
        &pathway_store::Actor::system(),
        worker_id,
        Role::Supervisor,
        Some(south),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, page) = lead.get_page(&format!("/admin/users/{worker_id}")).await;
    let text = page_text(&page);
    assert!(!text.contains("South Trust"), "{text}");
    assert!(
        text.contains("also holds a role outside the organisations you administer"),
        "{text}"
    );
}

#[tokio::test]
async fn a_person_sees_where_they_are_signed_in_and_signs_out_everywhere_else() {
    let app = spawn_app().await;
    let laptop = app.signed_in(NORTH_WORKER).await;
    let phone = app.signed_in(NORTH_WORKER).await;
    let (_, page) = laptop.get_page("/account").await;
    let text = page_text(&page);
    assert_eq!(page.matches("This browser").count(), 1, "{text}");
    assert_eq!(
        page.matches("<tr class=\"nhsuk-table__row\">").count(),
        3,
        "a header and two sessions"
    );
    let response = laptop
        .post_form("/account/sessions", &[("csrf_token", &get_csrf(&page))])
        .await;
    assert_eq!(location(&response), "/account?changed=sessions");
    let (status, page) = laptop.get_page("/account?changed=sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page_text(&page).contains("You have been signed out everywhere else"));
    assert!(
        !page.contains("Sign out everywhere else</button>"),
        "one session is left"
    );
    let (status, _) = phone.get_page("/account").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the other session has ended");
    let log = app.store.audit_page(0, 1).await.unwrap();
    assert_eq!(log.entries[0].action, "user.sign_out_elsewhere");
    assert_eq!(
        log.entries[0].after.as_deref(),
        Some(r#"{"sessions_ended":1}"#)
    );
}
