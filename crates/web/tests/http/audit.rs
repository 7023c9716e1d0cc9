//! The audit log page: checking the chain, and anchors that reveal entries cut from its end.

use crate::helpers::{ADMIN, Browser, NORTH_LEAD, get_csrf, page_text, spawn_app};
use reqwest::StatusCode;

async fn check(admin: &Browser, anchor: &str) -> (StatusCode, String) {
    let (_, html) = admin.get_page("/").await;
    let response = admin
        .post_form(
            "/admin/audit/verify",
            &[
                ("csrf_token", &get_csrf(&html)),
                ("page", "1"),
                ("anchor", anchor),
            ],
        )
        .await;
    let status = response.status();
    (
        status,
        page_text(&response.text().await.expect("read the page")),
    )
}

/// The anchor the page offers after a successful check.
fn offered_anchor(text: &str) -> String {
    let after = text
        .split("give it at the next check: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no anchor offered: {text}"));
    after
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_administrator_checks_the_chain_and_is_given_an_anchor() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (status, text) = check(&admin, "").await;
    assert_eq!(status, StatusCode::OK);
    let total = app.audit_entries().await;
    assert!(
        text.contains(&format!("All {total} entries verified")),
        "{text}"
    );
    let anchor = offered_anchor(&text);
    assert!(anchor.starts_with(&format!("{total}:")), "{anchor}");

    let (status, text) = check(&admin, &anchor).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("Every entry up to the anchor you gave is still there"),
        "{text}"
    );

    // Someone with database access cuts the newest entries: the chain still links, but the
    // anchor is gone.
    use sqlx::Connection;
    let db = app.database_url();
    let mut conn = sqlx::AnyConnection::connect(&db).await.expect("connect");
    // Past the database's own guard first, as such a person could.
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(&mut conn)
        .await
        .expect("drop the guard");
    sqlx::query(&format!("DELETE FROM audit_log WHERE seq >= {}", total - 1))
        .execute(&mut conn)
        .await
        .expect("delete entries");
    let (status, text) = check(&admin, "").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the shortened chain itself is valid"
    );
    let (_, text_with_anchor) = check(&admin, &anchor).await;
    assert!(
        text_with_anchor.contains("The audit log has been changed")
            && text_with_anchor.contains(&format!(
                "Entry {total}, recorded earlier as an anchor, is no longer in the log"
            )),
        "{text_with_anchor}\n\nwithout the anchor: {text}"
    );
}

#[tokio::test]
async fn an_unreadable_anchor_is_refused_with_what_to_give() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (status, text) = check(&admin, "yesterday's").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text.contains("is not an anchor; give the entry number and its hash"),
        "{text}"
    );
    assert!(!text.contains("entries verified"), "{text}");
}

#[tokio::test]
async fn only_those_who_may_read_the_log_may_check_it() {
    let app = spawn_app().await;
    let lead = app.signed_in(NORTH_LEAD).await;
    let (status, _) = check(&lead, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_erased_entry_shows_the_fact_without_the_person() {
    let app = spawn_app().await;
    let (worker, _) = app
        .store
        .user_for_sign_in("worker@north-trust.pathway.demo")
        .await
        .expect("look up the worker")
        .expect("the demo worker exists");
    let mut tx = app.store.begin().await.expect("begin");
    let done = tx
        .erase_user_from_audit(&pathway_store::Actor::system(), worker.id)
        .await
        .expect("erase");
    tx.commit().await.expect("commit");
    assert!(done.erased > 0, "{done:?}");

    let admin = app.signed_in(ADMIN).await;
    // The worker's entries are among the demo data's first, on the log's last page.
    let mut text = String::new();
    for page in 1..=3 {
        let (_, html) = admin.get_page(&format!("/admin/audit?page={page}")).await;
        text.push_str(&page_text(&html));
    }
    assert!(text.contains("Erased"), "{text}");
    // (physio.worker@north-trust… is someone else, whose entries stay.)
    assert!(
        !text.contains("\"worker@north-trust.pathway.demo\""),
        "{text}"
    );
    assert!(!text.contains(" worker@north-trust.pathway.demo"), "{text}");
    let (status, text) = check(&admin, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("entries verified"), "{text}");
}

#[tokio::test]
async fn the_log_shows_one_persons_or_one_organisations_history() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let worker = app
        .store
        .user_for_sign_in(crate::helpers::NORTH_WORKER)
        .await
        .unwrap()
        .unwrap()
        .0;
    let (_, page) = admin.get_page(&format!("/admin/users/{}", worker.id)).await;
    let link = format!("/admin/audit?user={}", worker.id);
    assert!(page.contains(&format!("href=\"{link}\"")));
    let (status, page) = admin.get_page(&link).await;
    assert_eq!(status, StatusCode::OK);
    let text = page_text(&page);
    assert!(
        text.contains(&format!(
            "Entries by or about {} ({})",
            worker.name, worker.email
        )),
        "{text}"
    );
    assert!(
        text.contains("Entries 1 to 2 of 2"),
        "created and given a role: {text}"
    );
    assert!(
        text.contains(&format!("added the user {}", worker.name)),
        "{text}"
    );

    let north = app.org("North Trust").await;
    let (_, page) = admin
        .get_page(&format!("/admin/organisations/{}", north.id))
        .await;
    let link = format!("/admin/audit?organisation={}", north.id);
    assert!(page.contains(&format!("href=\"{link}\"")));
    let (_, page) = admin.get_page(&link).await;
    let text = page_text(&page);
    assert!(text.contains("Entries about North Trust"), "{text}");
    assert!(text.contains("Entries 1 to 1 of 1"), "{text}");

    // Nobody by that id; and a lead, who may not read the log, is not offered it.
    let (status, _) = admin.get_page("/admin/audit?user=99999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = admin.get_page("/admin/audit?organisation=x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let lead = app.signed_in(NORTH_LEAD).await;
    let (_, page) = lead
        .get_page(&format!("/admin/organisations/{}", north.id))
        .await;
    assert!(!page.contains("/admin/audit?organisation="));
    let (status, _) = lead.get_page(&link).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
