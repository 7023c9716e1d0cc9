//! One storage suite, run against SQLite and PostgreSQL.
//!
//! PostgreSQL tests use `PATHWAY_TEST_POSTGRES_URL` (default: the `test` database on
//! 127.0.0.1:5432) and create a fresh database per test. They never skip: if PostgreSQL is
//! unreachable they fail, so CI cannot pass without running them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use pathway_domain::audit::ChainError;
use pathway_domain::framework::{Descriptor, Framework, LevelPlacement, VersionStatus};
use pathway_domain::identity::{Email, OrgKind, Role};
use pathway_store::{Actor, Backend, Organisation, Store, StoreError};

struct TestDb {
    store: Store,
    url: String,
    _dir: Option<tempfile::TempDir>,
    /// The server connection and name of a PostgreSQL test database, dropped after the test.
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// Drops a PostgreSQL test database once its test has passed (a failed test leaves it
    /// behind to be looked at).
    async fn finish(self) {
        use sqlx::Connection;
        self.store.close().await;
        if let Some((admin_url, name)) = self.postgres {
            let mut admin = sqlx::AnyConnection::connect(&admin_url).await.unwrap();
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    }
}

async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("pathway.db").display());
    TestDb {
        store: Store::open(&url).await.unwrap(),
        url,
        _dir: Some(dir),
        postgres: None,
    }
}

async fn postgres() -> TestDb {
    use sqlx::Connection;
    let admin_url = std::env::var("PATHWAY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    sqlx::any::install_default_drivers();
    let mut admin = sqlx::AnyConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is required for the storage tests and is not reachable at {admin_url}: {e}")
    });
    let name = format!("pathway_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
    let url = format!("{base}/{name}");
    TestDb {
        store: Store::open(&url).await.unwrap(),
        url,
        _dir: None,
        postgres: Some((admin_url, name)),
    }
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite_backend {
            $(#[tokio::test] async fn $name() { let db = super::sqlite().await; assert_eq!(db.store.backend(), super::Backend::Sqlite); super::$name(&db).await; db.finish().await; })*
        }
        mod postgres_backend {
            $(#[tokio::test] async fn $name() { let db = super::postgres().await; assert_eq!(db.store.backend(), super::Backend::Postgres); super::$name(&db).await; db.finish().await; })*
        }
    };
}

on_both!(
    framework_round_trips_through_storage,
    the_career_framework_keeps_its_per_domain_placement,
    published_versions_are_immutable_and_drafts_are_new_versions,
    one_version_is_published_at_a_time,
    a_draft_saved_since_it_was_read_refuses_the_stale_change,
    discarding_a_draft_deletes_it_and_never_a_published_version,
    a_framework_is_national_until_an_organisation_stewards_it,
    duplicate_versions_are_refused_and_nothing_is_written,
    organisations_nest_and_scope_follows_the_hierarchy,
    users_roles_and_unique_emails,
    sessions_expire_and_belong_to_enabled_users,
    password_resets_and_disabling_end_sessions,
    audit_log_chains_every_change_and_detects_tampering,
    erasing_a_person_from_the_audit_log_keeps_the_chain,
    a_failed_transaction_writes_nothing,
    the_database_keeps_the_audit_log_append_only,
    a_keyed_seal_catches_entries_written_outside_pathway,
    login_attempts_are_counted_per_account_and_address,
    users_and_organisations_are_edited_with_their_before_and_after,
    lists_are_searched_and_paged_in_the_database_within_scope,
    audit_descriptions_look_names_up_in_bulk,
    the_synthetic_national_data_set_loads_whole_into_an_empty_database_only,
    people_and_organisations_are_found_by_any_case_in_any_script,
    organisations_are_found_by_their_whole_name_or_code_within_scope,
    a_person_gets_everything_held_about_them_and_can_be_erased,
);

/// Who makes the changes in these tests: Pathway itself, so no user row is needed for it.
fn actor() -> Actor {
    Actor::system()
}

fn shipped() -> Framework {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frameworks/hee-ahp-support-worker-2021.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn framework_round_trips_through_storage(db: &TestDb) {
    let store = &db.store;
    let f = shipped();
    let mut tx = store.begin().await.unwrap();
    let id = tx.insert_framework(&actor(), &f).await.unwrap();
    tx.commit().await.unwrap();
    let back = store.load_framework(id).await.unwrap();
    assert_eq!(back, f);
    assert_eq!(back.items().len(), 55);
    assert_eq!(back.provider_mappings().len(), 12);
    let current = store
        .resolve_version("hee-ahp-support-worker-2021", None, false)
        .await
        .unwrap();
    assert_eq!(current.version_id, id);
    assert_eq!(current.item_count, 55);
    assert_eq!(current.status, VersionStatus::Published);

    // Identifiers another tool gave the framework's parts are kept with the version.
    let mut foreign = f.new_draft("2022".into());
    foreign.meta.case_identifier = Some("1cf7ed7c-361c-412b-9115-34d8c3cc1fbd".parse().unwrap());
    foreign.meta.case_identifiers.insert(
        "item:3.9".into(),
        "6734f407-733e-47f7-991c-245d5cc5abb9".parse().unwrap(),
    );
    // So is what the tool said that Pathway shows nowhere, and a draft's edits keep it.
    foreign.meta.case_extras.nodes.insert(
        "item:3.9".into(),
        serde_json::json!({"conceptKeywords": ["escalation"], "notes": "From the tool."})
            .as_object()
            .unwrap()
            .clone(),
    );
    let mut tx = store.begin().await.unwrap();
    let id = tx.insert_framework(&actor(), &foreign).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.load_framework(id).await.unwrap(), foreign);
    let mut edited = foreign.clone();
    edited.edit_details("Another title", "HEE", "").unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.replace_draft(id, 0, &edited).await.unwrap();
    tx.commit().await.unwrap();
    let back = store.load_framework(id).await.unwrap();
    assert_eq!(back.meta.case_extras, foreign.meta.case_extras);
    assert_eq!(back, edited);
}

async fn the_career_framework_keeps_its_per_domain_placement(db: &TestDb) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../frameworks/fixtures/dorset-ahp-career-framework-sample.json"
    );
    let f: Framework = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(f.meta.level_placement, LevelPlacement::PerDomain);
    let mut tx = db.store.begin().await.unwrap();
    let id = tx.insert_framework(&actor(), &f).await.unwrap();
    tx.commit().await.unwrap();
    let back = db.store.load_framework(id).await.unwrap();
    assert_eq!(
        back, f,
        "bands, pillars, N/A descriptors and placement survive"
    );

    // A person's band in each pillar is read against the stored version.
    let placement = back
        .place(&[
            ("PP", "band-6"),
            ("ED", "band-7"),
            ("LD", "band-8"),
            ("RS", "band-5"),
        ])
        .unwrap();
    let expected = back.expected_of(&placement).unwrap();
    assert_eq!(expected.len(), back.items().len());
    assert!(
        expected
            .iter()
            .filter(|e| e.item.domain.as_str() == "RS")
            .all(|e| e.level.key.as_str() == "band-5")
    );

    // A draft made from it keeps the placement.
    let draft = back.new_draft(back.next_version_label());
    let mut tx = db.store.begin().await.unwrap();
    let draft_id = tx.insert_framework(&actor(), &draft).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        db.store
            .load_framework(draft_id)
            .await
            .unwrap()
            .meta
            .level_placement,
        LevelPlacement::PerDomain
    );
}

async fn published_versions_are_immutable_and_drafts_are_new_versions(db: &TestDb) {
    let store = &db.store;
    let f = shipped();
    let mut tx = store.begin().await.unwrap();
    let published = tx.insert_framework(&actor(), &f).await.unwrap();
    tx.commit().await.unwrap();

    // Writing over the published version is refused.
    let mut tx = store.begin().await.unwrap();
    let err = tx.replace_draft(published, 0, &f).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert!(err.to_string().contains("cannot change"), "{err}");
    drop(tx);

    // Editing makes a new draft; the published version is untouched.
    let mut draft = f.new_draft(f.next_version_label());
    draft
        .edit_item(
            "3.3",
            "Autonomy".into(),
            vec![
                Descriptor::Text("Works under supervision.".into()),
                Descriptor::Missing,
                Descriptor::NotApplicable,
            ],
        )
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let draft_id = tx.insert_framework(&actor(), &draft).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.load_framework(published).await.unwrap(), f);
    let stored = store.load_framework(draft_id).await.unwrap();
    assert_eq!(
        stored.item("3.3").unwrap().descriptors[1],
        Descriptor::Missing
    );
    assert_eq!(
        stored.item("3.3").unwrap().descriptors[2],
        Descriptor::NotApplicable
    );

    // Readers see the published version; authors can see the draft.
    assert_eq!(
        store
            .resolve_version(f.id().as_str(), None, false)
            .await
            .unwrap()
            .version_id,
        published
    );
    assert!(
        store
            .resolve_version(f.id().as_str(), Some("2021.1"), false)
            .await
            .is_err()
    );
    assert_eq!(
        store
            .resolve_version(f.id().as_str(), Some("2021.1"), true)
            .await
            .unwrap()
            .version_id,
        draft_id
    );

    // Publishing the draft retires the old version.
    let mut tx = store.begin().await.unwrap();
    tx.publish(&actor(), draft_id, 0).await.unwrap();
    tx.commit().await.unwrap();
    let versions = store.versions_of(f.id().as_str(), true).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.status).collect::<Vec<_>>(),
        [VersionStatus::Retired, VersionStatus::Published]
    );
    assert_eq!(
        store
            .resolve_version(f.id().as_str(), None, false)
            .await
            .unwrap()
            .version_id,
        draft_id
    );
}

async fn a_draft_saved_since_it_was_read_refuses_the_stale_change(db: &TestDb) {
    let store = &db.store;
    let f = shipped();
    let draft = f.new_draft("2021.1".into());
    let mut tx = store.begin().await.unwrap();
    tx.insert_framework(&actor(), &f).await.unwrap();
    let draft_id = tx.insert_framework(&actor(), &draft).await.unwrap();
    tx.commit().await.unwrap();
    let revision = |versions: Vec<pathway_store::VersionSummary>| {
        versions
            .into_iter()
            .find(|v| v.version_id == draft_id)
            .unwrap()
            .revision
    };
    assert_eq!(
        revision(store.versions_of(f.id().as_str(), true).await.unwrap()),
        0
    );

    // Two authors read revision 0; the first to save wins and the revision moves on.
    let mut first = draft.clone();
    first.edit_details("First title", "HEE", "").unwrap();
    let mut second = draft.clone();
    second.edit_details("Second title", "HEE", "").unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.replace_draft(draft_id, 0, &first).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err = tx.replace_draft(draft_id, 0, &second).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                field: "revision",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("since you opened it"), "{err}");
    drop(tx);
    assert_eq!(
        store.load_framework(draft_id).await.unwrap().meta.title,
        "First title"
    );
    assert_eq!(
        revision(store.versions_of(f.id().as_str(), true).await.unwrap()),
        1
    );

    // Publishing names the revision reviewed too.
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.publish(&actor(), draft_id, 0).await.unwrap_err(),
        StoreError::Conflict { .. }
    ));
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    tx.publish(&actor(), draft_id, 1).await.unwrap();
    tx.commit().await.unwrap();
    let current = store
        .resolve_version(f.id().as_str(), None, false)
        .await
        .unwrap();
    assert_eq!(
        (current.version_id, current.title.as_str()),
        (draft_id, "First title")
    );
}

async fn discarding_a_draft_deletes_it_and_never_a_published_version(db: &TestDb) {
    let store = &db.store;
    let f = shipped();
    let mut tx = store.begin().await.unwrap();
    let published = tx.insert_framework(&actor(), &f).await.unwrap();
    let draft_id = tx
        .insert_framework(&actor(), &f.new_draft("2021.1".into()))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let err = tx.discard_draft(published, 0).await.unwrap_err();
    assert!(err.to_string().contains("cannot change"), "{err}");
    drop(tx);

    let mut tx = store.begin().await.unwrap();
    let (framework, version) = tx.discard_draft(draft_id, 0).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (framework.as_str(), version.as_str()),
        (f.id().as_str(), "2021.1")
    );
    let versions = store.versions_of(f.id().as_str(), true).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version_id).collect::<Vec<_>>(),
        [published]
    );
    assert!(matches!(
        store.load_framework(draft_id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.load_framework(published).await.unwrap(), f);

    // A framework whose only version was the draft goes with it, so its id is free again.
    let mut other = f.new_draft("1".into()).into_draft();
    other.meta.id = "only-a-draft".parse().unwrap();
    let other = Framework::new(other).unwrap();
    let mut tx = store.begin().await.unwrap();
    let only = tx.insert_framework(&actor(), &other).await.unwrap();
    tx.discard_draft(only, 0).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        store
            .versions_of("only-a-draft", true)
            .await
            .unwrap()
            .is_empty()
    );
    let mut tx = store.begin().await.unwrap();
    tx.insert_framework(&actor(), &other).await.unwrap();
    tx.commit().await.unwrap();
}

async fn a_framework_is_national_until_an_organisation_stewards_it(db: &TestDb) {
    let store = &db.store;
    let f = shipped();
    let mut tx = store.begin().await.unwrap();
    tx.insert_framework(&actor(), &f).await.unwrap();
    let region = tx
        .create_org(
            &actor(),
            "North East and Yorkshire",
            OrgKind::Region,
            None,
            None,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let steward = |versions: Vec<pathway_store::VersionSummary>| {
        versions
            .iter()
            .map(|v| v.steward_org_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        steward(store.versions_of(f.id().as_str(), true).await.unwrap()),
        [None]
    );

    let mut tx = store.begin().await.unwrap();
    tx.set_steward(f.id().as_str(), Some(region.id))
        .await
        .unwrap();
    tx.insert_framework(&actor(), &f.new_draft("2021.1".into()))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Every version, and the list of all frameworks, carry it.
    assert_eq!(
        steward(store.versions_of(f.id().as_str(), true).await.unwrap()),
        [Some(region.id), Some(region.id)]
    );
    assert_eq!(
        steward(store.framework_versions(true).await.unwrap()),
        [Some(region.id), Some(region.id)]
    );

    // Handed back to the nation, with an audit entry saying from whom; the same again
    // changes nothing, and an unknown organisation or framework writes nothing.
    let id = f.id().as_str();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.change_steward(&actor(), id, None).await.unwrap());
    assert!(!tx.change_steward(&actor(), id, None).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        steward(store.versions_of(id, true).await.unwrap()),
        [None, None]
    );
    let entry = &store.audit_page(0, 1).await.unwrap().entries[0];
    assert_eq!(entry.action, "framework.steward");
    let before: serde_json::Value = serde_json::from_str(entry.before.as_deref().unwrap()).unwrap();
    assert_eq!(before["steward_org_id"], region.id);
    let entries = store.audit_page(0, 1).await.unwrap().total;
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(
        tx.change_steward(&actor(), id, Some(region.id + 1000))
            .await,
        Err(StoreError::NotFound("organisation"))
    ));
    assert!(matches!(
        tx.change_steward(&actor(), "no-such-framework", None).await,
        Err(StoreError::NotFound("framework"))
    ));
    drop(tx);
    assert_eq!(store.audit_page(0, 1).await.unwrap().total, entries);
    assert_eq!(
        steward(store.versions_of(id, true).await.unwrap()),
        [None, None]
    );
}

async fn one_version_is_published_at_a_time(db: &TestDb) {
    let store = &db.store;
    let mut f = shipped();
    let mut tx = store.begin().await.unwrap();
    tx.insert_framework(&actor(), &f).await.unwrap();
    tx.commit().await.unwrap();
    // A version imported as already published replaces the current one.
    f.meta.version = "2030".into();
    let mut tx = store.begin().await.unwrap();
    let newer = tx.insert_framework(&actor(), &f).await.unwrap();
    tx.commit().await.unwrap();
    let statuses = |versions: Vec<pathway_store::VersionSummary>| {
        versions
            .into_iter()
            .map(|v| (v.version, v.status))
            .collect::<Vec<_>>()
    };
    let id = f.id().as_str().to_owned();
    let mut now = statuses(store.versions_of(&id, true).await.unwrap());
    now.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        now,
        [
            ("2021".to_owned(), VersionStatus::Retired),
            ("2030".to_owned(), VersionStatus::Published)
        ]
    );
    let retired = store.audit_for("framework_version", "1").await.unwrap();
    assert_eq!(retired.last().unwrap().action, "framework.retire");
    assert!(
        retired
            .last()
            .unwrap()
            .after
            .as_deref()
            .unwrap()
            .contains("\"replaced_by\":\"2030\"")
    );

    // Publishing a draft does the same.
    let draft = f.new_draft("2031".into());
    let mut tx = store.begin().await.unwrap();
    let draft_id = tx.insert_framework(&actor(), &draft).await.unwrap();
    tx.publish(&actor(), draft_id, 0).await.unwrap();
    tx.commit().await.unwrap();
    let published: Vec<_> = store
        .versions_of(&id, true)
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.status == VersionStatus::Published)
        .map(|v| v.version_id)
        .collect();
    assert_eq!(published, [draft_id]);
    let log = store
        .audit_for("framework_version", &newer.to_string())
        .await
        .unwrap();
    assert_eq!(log.last().unwrap().action, "framework.retire");
}

async fn duplicate_versions_are_refused_and_nothing_is_written(db: &TestDb) {
    let store = &db.store;
    let f = shipped();
    let mut tx = store.begin().await.unwrap();
    tx.insert_framework(&actor(), &f).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err = tx.insert_framework(&actor(), &f).await.unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                field: "version",
                ..
            }
        ),
        "{err}"
    );
    drop(tx);
    assert_eq!(store.framework_versions(true).await.unwrap().len(), 1);
}

async fn organisations_nest_and_scope_follows_the_hierarchy(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(
            &actor(),
            "North East and Yorkshire",
            OrgKind::Region,
            None,
            None,
        )
        .await
        .unwrap();
    let ics = tx
        .create_org(
            &actor(),
            "Humber ICS",
            OrgKind::Ics,
            Some(&region),
            Some("QOQ"),
        )
        .await
        .unwrap();
    let trust = tx
        .create_org(&actor(), "North Trust", OrgKind::Employer, Some(&ics), None)
        .await
        .unwrap();
    let team = tx
        .create_org(&actor(), "Physiotherapy", OrgKind::Team, Some(&trust), None)
        .await
        .unwrap();
    let other = tx
        .create_org(&actor(), "Other region", OrgKind::Region, None, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let err = tx
        .create_org(&actor(), "Bad", OrgKind::Ics, Some(&trust), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot sit under"), "{err}");
    let dup = tx
        .create_org(&actor(), "Dup", OrgKind::Ics, Some(&region), Some("QOQ"))
        .await
        .unwrap_err();
    assert!(
        matches!(dup, StoreError::Conflict { field: "code", .. }),
        "{dup}"
    );
    drop(tx);

    assert_eq!(
        store.org_ancestry(team.id).await.unwrap(),
        vec![team.id, trust.id, ics.id, region.id]
    );
    let scope: Vec<i64> = store
        .orgs_in_scope(Some(&[ics.id]))
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    assert!(scope.contains(&ics.id) && scope.contains(&trust.id) && scope.contains(&team.id));
    assert!(!scope.contains(&region.id) && !scope.contains(&other.id));
    assert_eq!(store.orgs_in_scope(None).await.unwrap().len(), 5);
    assert!(matches!(
        store.org(9999).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn users_roles_and_unique_emails(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(&actor(), "Region", OrgKind::Region, None, None)
        .await
        .unwrap();
    let ics = tx
        .create_org(&actor(), "ICS", OrgKind::Ics, Some(&region), None)
        .await
        .unwrap();
    let trust2 = tx
        .create_org(&actor(), "Trust", OrgKind::Employer, Some(&ics), None)
        .await
        .unwrap();
    let email = Email::parse("Ana@Trust.nhs.uk").unwrap();
    let ana = tx
        .create_user(&actor(), &email, "Ana Jones", "hash", false)
        .await
        .unwrap();
    tx.grant_role(&actor(), ana.id, Role::Worker, Some(trust2.id))
        .await
        .unwrap();
    tx.grant_role(&actor(), ana.id, Role::PlatformAdmin, None)
        .await
        .unwrap();
    let again = tx
        .grant_role(&actor(), ana.id, Role::PlatformAdmin, None)
        .await
        .unwrap_err();
    assert!(
        matches!(again, StoreError::Conflict { field: "role", .. }),
        "{again}"
    );
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let dup = tx
        .create_user(&actor(), &email, "Someone", "hash", false)
        .await
        .unwrap_err();
    assert!(
        matches!(dup, StoreError::Conflict { field: "email", .. }),
        "{dup}"
    );
    drop(tx);

    let (user, hash) = store
        .user_for_sign_in("ANA@trust.nhs.uk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id, ana.id);
    assert_eq!(hash, "hash");
    let principal = store.principal(ana.id).await.unwrap();
    assert!(principal.is_platform_admin());
    assert_eq!(store.users_in(Some(&[trust2.id])).await.unwrap().len(), 1);
    assert_eq!(store.users_in(Some(&[ics.id])).await.unwrap().len(), 0);
    let grants = store.grants(ana.id).await.unwrap();
    assert_eq!(grants[0].org_name.as_deref(), Some("Trust"));
    // A list's grants come in one query, each user's as `grants` gives them.
    let listed = store.grants_of(&[ana.id, ana.id + 1000]).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[&ana.id], grants);
    let mut tx = store.begin().await.unwrap();
    // A transaction sees the grants as they are, for checks made before it began.
    let ids: Vec<i64> = grants.iter().map(|g| g.id).collect();
    assert_eq!(tx.grant_ids(ana.id).await.unwrap(), ids);
    tx.revoke_grant(&actor(), grants[0].id).await.unwrap();
    assert_eq!(tx.grant_ids(ana.id).await.unwrap(), ids[1..]);
    tx.commit().await.unwrap();
    assert_eq!(store.grants(ana.id).await.unwrap().len(), 1);

    // Every change above recorded itself; the refused ones did not, and no entry holds the hash.
    let log = store.audit_for("user", &ana.id.to_string()).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["user.create", "role.grant", "role.grant", "role.revoke"]
    );
    let revoked: serde_json::Value =
        serde_json::from_str(log[3].before.as_deref().unwrap()).unwrap();
    assert_eq!(
        revoked,
        serde_json::json!({"user_id": ana.id, "role": "worker", "org_id": trust2.id})
    );
    assert!(
        log.iter()
            .all(|e| !e.after.as_deref().unwrap_or("").contains("hash"))
    );
}

async fn users_and_organisations_are_edited_with_their_before_and_after(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(&actor(), "Region", OrgKind::Region, None, Some("Y63"))
        .await
        .unwrap();
    let other = tx
        .create_org(&actor(), "Other", OrgKind::Region, None, Some("Y62"))
        .await
        .unwrap();
    let ann_email = Email::parse("ann@trust.nhs.uk").unwrap();
    let ann = tx
        .create_user(&actor(), &ann_email, "Ann Smith", "hash", false)
        .await
        .unwrap();
    let bob = tx
        .create_user(
            &actor(),
            &Email::parse("bob@trust.nhs.uk").unwrap(),
            "Bob Jones",
            "hash",
            false,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // A new name and address, recorded as what changed from what.
    let new_email = Email::parse("Ann.Jones@Trust.nhs.uk").unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(
        tx.update_user(&actor(), ann.id, "Ann Jones", Some(&new_email))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let now = store.user(ann.id).await.unwrap();
    assert_eq!(
        (now.name.as_str(), now.email.as_str()),
        ("Ann Jones", "ann.jones@trust.nhs.uk")
    );
    let log = store.audit_for("user", &ann.id.to_string()).await.unwrap();
    let entry = log.last().unwrap();
    assert_eq!(entry.action, "user.update");
    let json = |s: &Option<String>| -> serde_json::Value {
        serde_json::from_str(s.as_deref().unwrap()).unwrap()
    };
    assert_eq!(
        json(&entry.before),
        serde_json::json!({"name": "Ann Smith", "email": "ann@trust.nhs.uk"})
    );
    assert_eq!(
        json(&entry.after),
        serde_json::json!({"name": "Ann Jones", "email": "ann.jones@trust.nhs.uk"})
    );

    // Only the name, keeping the address: just the name is recorded.
    let mut tx = store.begin().await.unwrap();
    assert!(
        tx.update_user(&actor(), ann.id, "Ann B Jones", None)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let entry = store
        .audit_for("user", &ann.id.to_string())
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        json(&entry.before),
        serde_json::json!({"name": "Ann Jones"})
    );
    assert_eq!(
        store.user(ann.id).await.unwrap().email,
        "ann.jones@trust.nhs.uk"
    );

    // Saving the same details is no change, and writes nothing.
    let entries = store.audit_page(0, 1).await.unwrap().total;
    let mut tx = store.begin().await.unwrap();
    assert!(
        !tx.update_user(&actor(), ann.id, "Ann B Jones", None)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(store.audit_page(0, 1).await.unwrap().total, entries);

    // Someone else's address, in any case, is taken; nothing changes.
    let mut tx = store.begin().await.unwrap();
    let taken = tx
        .update_user(
            &actor(),
            bob.id,
            "Bob",
            Some(&Email::parse("ANN.JONES@trust.nhs.uk").unwrap()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(taken, StoreError::Conflict { field: "email", .. }),
        "{taken}"
    );
    drop(tx);
    assert_eq!(store.user(bob.id).await.unwrap().name, "Bob Jones");
    assert!(matches!(
        store
            .begin()
            .await
            .unwrap()
            .update_user(&actor(), 9999, "X", None)
            .await,
        Err(StoreError::NotFound(_))
    ));

    // Organisations: a new name and code, then the code cleared.
    let mut tx = store.begin().await.unwrap();
    assert!(
        tx.update_org(&actor(), region.id, "North East", Some("Y64"))
            .await
            .unwrap()
    );
    assert!(
        tx.update_org(&actor(), region.id, "North East", None)
            .await
            .unwrap()
    );
    assert!(
        !tx.update_org(&actor(), region.id, "North East", None)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let org = store.org(region.id).await.unwrap();
    assert_eq!((org.name.as_str(), org.code), ("North East", None));
    let log = store
        .audit_for("organisation", &region.id.to_string())
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "organisation.create",
            "organisation.update",
            "organisation.update"
        ]
    );
    assert_eq!(
        (json(&log[1].before), json(&log[1].after)),
        (
            serde_json::json!({"name": "Region", "code": "Y63"}),
            serde_json::json!({"name": "North East", "code": "Y64"})
        )
    );
    assert_eq!(
        (json(&log[2].before), json(&log[2].after)),
        (
            serde_json::json!({"code": "Y64"}),
            serde_json::json!({"code": null})
        )
    );
    // Another organisation's code is taken.
    let mut tx = store.begin().await.unwrap();
    let taken = tx
        .update_org(&actor(), region.id, "North East", Some("Y62"))
        .await
        .unwrap_err();
    assert!(
        matches!(taken, StoreError::Conflict { field: "code", .. }),
        "{taken}"
    );
    drop(tx);
    assert_eq!(
        store.org(other.id).await.unwrap().code.as_deref(),
        Some("Y62")
    );
    assert_eq!(store.org(region.id).await.unwrap().code, None);
}

async fn lists_are_searched_and_paged_in_the_database_within_scope(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(&actor(), "Region", OrgKind::Region, None, None)
        .await
        .unwrap();
    let ics = tx
        .create_org(&actor(), "ICS", OrgKind::Ics, Some(&region), Some("QOQ"))
        .await
        .unwrap();
    let north = tx
        .create_org(
            &actor(),
            "North Trust",
            OrgKind::Employer,
            Some(&ics),
            Some("RR8"),
        )
        .await
        .unwrap();
    let team = tx
        .create_org(&actor(), "North Physio", OrgKind::Team, Some(&north), None)
        .await
        .unwrap();
    let south = tx
        .create_org(&actor(), "South Trust", OrgKind::Employer, Some(&ics), None)
        .await
        .unwrap();
    // Twelve workers in the north team, three in the south, one with no role.
    let mut add = async |email: &str, name: &str, org: Option<i64>| {
        let user = tx
            .create_user(&actor(), &Email::parse(email).unwrap(), name, "hash", false)
            .await
            .unwrap();
        if let Some(org) = org {
            tx.grant_role(&actor(), user.id, Role::Worker, Some(org))
                .await
                .unwrap();
        }
        user
    };
    for i in 0..12 {
        add(
            &format!("n{i:02}@north.nhs.uk"),
            &format!("North Worker {i:02}"),
            Some(team.id),
        )
        .await;
    }
    for i in 0..3 {
        add(
            &format!("s{i}@south.nhs.uk"),
            &format!("South Worker {i}"),
            Some(south.id),
        )
        .await;
    }
    add("percent_100%@north.nhs.uk", "Pat O'Brien", Some(north.id)).await;
    add("nobody@example.org", "Nora Noone", None).await;
    tx.commit().await.unwrap();

    let names = |l: &pathway_store::Listing<pathway_store::User>| -> Vec<String> {
        l.rows.iter().map(|u| u.name.clone()).collect()
    };
    // Everyone, a page at a time, in name order.
    let all = store.users_page(None, "", 0, 5).await.unwrap();
    assert_eq!(all.total, 17);
    assert_eq!(names(&all)[0], "Nora Noone");
    let last = store.users_page(None, "", 15, 5).await.unwrap();
    assert_eq!(names(&last), ["South Worker 1", "South Worker 2"]);

    // Scoped to the north trust: its team's workers and its own, never the south's or the
    // person with no role.
    let scoped = store
        .users_page(Some(&[north.id]), "", 0, 50)
        .await
        .unwrap();
    assert_eq!(scoped.total, 13);
    assert!(
        names(&scoped)
            .iter()
            .all(|n| n.starts_with("North") || n == "Pat O'Brien")
    );
    let page_two = store
        .users_page(Some(&[north.id]), "", 10, 10)
        .await
        .unwrap();
    assert_eq!(page_two.rows.len(), 3);
    assert_eq!(page_two.total, 13);
    // A page past the end has no rows and still says how many there are.
    let beyond = store
        .users_page(Some(&[north.id]), "", 50, 10)
        .await
        .unwrap();
    assert!(beyond.rows.is_empty());
    assert_eq!(beyond.total, 13);
    let beyond = store.users_page(None, "worker", 50, 10).await.unwrap();
    assert_eq!((beyond.rows.len(), beyond.total), (0, 15));

    // Search by part of a name or email address, in any case, within the scope.
    let found = store
        .users_page(Some(&[north.id]), "WORKER 1", 0, 50)
        .await
        .unwrap();
    assert_eq!(names(&found), ["North Worker 10", "North Worker 11"]);
    assert_eq!(
        store
            .users_page(Some(&[north.id]), "south", 0, 50)
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        store
            .users_page(None, "@SOUTH.nhs", 0, 50)
            .await
            .unwrap()
            .total,
        3
    );
    // Wildcards typed in a search match only themselves.
    assert_eq!(
        names(&store.users_page(None, "_100%", 0, 50).await.unwrap()),
        ["Pat O'Brien"]
    );
    assert_eq!(store.users_page(None, "%", 0, 50).await.unwrap().total, 1);
    assert_eq!(
        store
            .users_page(None, "o'brien", 0, 50)
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        store.users_page(Some(&[]), "", 0, 50).await.unwrap().total,
        0
    );

    // Organisations: scoped, searched by name or code, with the parent's name.
    let orgs = store.orgs_page(Some(&[north.id]), "", 0, 50).await.unwrap();
    let listed: Vec<(&str, Option<&str>)> = orgs
        .rows
        .iter()
        .map(|o| (o.org.name.as_str(), o.parent_name.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            ("North Physio", Some("North Trust")),
            ("North Trust", Some("ICS"))
        ]
    );
    assert_eq!(store.orgs_page(None, "", 0, 50).await.unwrap().total, 5);
    let by_code = store.orgs_page(None, "rr8", 0, 50).await.unwrap();
    assert_eq!(by_code.rows[0].org.id, north.id);
    assert_eq!(
        store
            .orgs_page(Some(&[ics.id]), "trust", 0, 1)
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(
        store
            .orgs_page(Some(&[ics.id]), "trust", 1, 1)
            .await
            .unwrap()
            .rows[0]
            .org
            .id,
        south.id
    );
    assert_eq!(
        store
            .orgs_page(Some(&[north.id]), "south", 0, 50)
            .await
            .unwrap()
            .total,
        0
    );
}

async fn organisations_are_found_by_their_whole_name_or_code_within_scope(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(&actor(), "Region", OrgKind::Region, None, None)
        .await
        .unwrap();
    let ics = tx
        .create_org(&actor(), "ICS", OrgKind::Ics, Some(&region), None)
        .await
        .unwrap();
    let mut trust = async |name: &str, code: &str| {
        tx.create_org(&actor(), name, OrgKind::Employer, Some(&ics), Some(code))
            .await
            .unwrap()
    };
    let north = trust("North Trust", "RR8").await;
    let northern = trust("North Trust East", "RX1").await;
    // A name holding a wildcard character matches only itself.
    let odd = trust("A_B 100%", "RX2").await;
    let mut team = async |name: &str, parent: &Organisation| {
        tx.create_org(&actor(), name, OrgKind::Team, Some(parent), None)
            .await
            .unwrap()
    };
    let north_physio = team("Physiotherapy", &north).await;
    let east_physio = team("Physiotherapy", &northern).await;
    let ystwyth = team("Ŵyr Ystwyth", &northern).await;
    tx.commit().await.unwrap();

    let ids = |found: Vec<pathway_store::OrgSummary>| -> Vec<i64> {
        found.iter().map(|s| s.org.id).collect()
    };
    // The whole name, in any case, not part of it; or the whole code.
    assert_eq!(
        ids(store.orgs_named(None, " north trust ").await.unwrap()),
        [north.id]
    );
    assert_eq!(
        ids(store.orgs_named(None, "rx1").await.unwrap()),
        [northern.id]
    );
    assert!(store.orgs_named(None, "north").await.unwrap().is_empty());
    assert!(store.orgs_named(None, "r").await.unwrap().is_empty());
    assert!(store.orgs_named(None, "").await.unwrap().is_empty());
    assert_eq!(
        ids(store.orgs_named(None, "a_b 100%").await.unwrap()),
        [odd.id]
    );
    assert!(store.orgs_named(None, "a%").await.unwrap().is_empty());
    assert_eq!(
        ids(store.orgs_named(None, "ŵYR ystwyth").await.unwrap()),
        [ystwyth.id]
    );
    // Teams of the same name under two trusts, each with its parent's name.
    let both = store.orgs_named(None, "physiotherapy").await.unwrap();
    assert_eq!(ids(both.clone()), [north_physio.id, east_physio.id]);
    assert_eq!(both[1].parent_name.as_deref(), Some("North Trust East"));
    // Only within the scope given.
    assert_eq!(
        ids(store
            .orgs_named(Some(&[north.id]), "Physiotherapy")
            .await
            .unwrap()),
        [north_physio.id]
    );
    assert!(
        store
            .orgs_named(Some(&[]), "Physiotherapy")
            .await
            .unwrap()
            .is_empty()
    );

    // An id sent back by a form is shown again only within the scope.
    let shown = store
        .org_in_scope(Some(&[ics.id]), east_physio.id)
        .await
        .unwrap();
    assert_eq!(
        shown.map(|s| (s.org.name, s.parent_name)),
        Some((
            "Physiotherapy".to_owned(),
            Some("North Trust East".to_owned())
        ))
    );
    assert_eq!(
        store
            .org_in_scope(Some(&[north.id]), east_physio.id)
            .await
            .unwrap(),
        None
    );
    assert!(store.org_in_scope(None, region.id).await.unwrap().is_some());
    assert_eq!(store.org_in_scope(None, 99_999).await.unwrap(), None);
}

async fn a_person_gets_everything_held_about_them_and_can_be_erased(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(&actor(), "Region", OrgKind::Region, None, None)
        .await
        .unwrap();
    let email = Email::parse("ana@north.nhs.uk").unwrap();
    let ana = tx
        .create_user(&actor(), &email, "Ana Worker", "ana's-secret-hash", false)
        .await
        .unwrap();
    tx.grant_role(&actor(), ana.id, Role::RegionalLead, Some(region.id))
        .await
        .unwrap();
    let admin_email = Email::parse("only-admin@x.nhs.uk").unwrap();
    let admin = tx
        .create_user(&actor(), &admin_email, "Only Admin", "hash", false)
        .await
        .unwrap();
    tx.grant_role(&actor(), admin.id, Role::PlatformAdmin, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store
        .create_session("ana-token-hash", ana.id, "csrf", "2999-01-01T00:00:00Z")
        .await
        .unwrap();
    let attempt = store
        .begin_login_attempt("ana@north.nhs.uk", "192.0.2.7")
        .await
        .unwrap();
    store.mark_login_succeeded(attempt).await.unwrap();
    store
        .begin_login_attempt("someone-else@north.nhs.uk", "192.0.2.8")
        .await
        .unwrap();
    let as_admin = Actor::user(admin.id, "only-admin@x.nhs.uk");

    // Everything about Ana, and no secret.
    let held = store.subject_access(ana.id).await.unwrap();
    assert_eq!(held.user.name, "Ana Worker");
    assert_eq!(held.roles.len(), 1);
    assert_eq!(held.sessions.len(), 1);
    assert_eq!(held.sign_in_attempts.len(), 1);
    assert_eq!(held.sign_in_attempts[0].address, "192.0.2.7");
    assert!(held.sign_in_attempts[0].succeeded);
    let actions: Vec<&str> = held.audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.create", "role.grant"]);
    let json = serde_json::to_string(&held).unwrap();
    assert!(!json.contains("ana's-secret-hash") && !json.contains("ana-token-hash"));
    // The audit log's pages of one person, and of one organisation.
    let hers = store
        .audit_page_of(pathway_store::AuditFilter::Person(ana.id), 0, 1)
        .await
        .unwrap();
    assert_eq!(hers.total, 2);
    assert_eq!(hers.entries[0].action, "role.grant", "newest first");
    let its = store
        .audit_page_of(pathway_store::AuditFilter::Organisation(region.id), 0, 10)
        .await
        .unwrap();
    let actions: Vec<&str> = its.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["organisation.create"]);
    let mut tx = store.begin().await.unwrap();
    tx.record_subject_access(&as_admin, ana.id).await.unwrap();
    tx.commit().await.unwrap();

    // Where Ana is signed in, this session marked; signing out elsewhere keeps it.
    store
        .create_session("ana-other-hash", ana.id, "csrf2", "2999-01-01T00:00:00Z")
        .await
        .unwrap();
    let sessions = store.sessions_of(ana.id, "ana-token-hash").await.unwrap();
    let marks: Vec<bool> = sessions.iter().map(|(_, current)| *current).collect();
    assert_eq!(marks, [true, false]);
    let mut tx = store.begin().await.unwrap();
    let ended = tx
        .sign_out_elsewhere(&actor(), ana.id, "ana-token-hash")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(ended, 1);
    assert_eq!(store.sessions_of(ana.id, "").await.unwrap().len(), 1);

    // The only platform administrator cannot be erased; nothing changes.
    let mut tx = store.begin().await.unwrap();
    let refused = tx.erase_user(&actor(), admin.id, "unusable").await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict { field: "user", .. })),
        "{refused:?}"
    );
    drop(tx);
    assert_eq!(store.grants(admin.id).await.unwrap().len(), 1);

    // Ana is erased: account, roles, session and attempts; the audit log keeps the facts.
    let anchor = store.verify_audit(None).await.unwrap().unwrap().head;
    let mut tx = store.begin().await.unwrap();
    let done = tx.erase_user(&as_admin, ana.id, "unusable").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        (
            done.roles_removed,
            done.sessions_ended,
            done.sign_in_attempts_removed
        ),
        (1, 1, 1)
    );
    assert_eq!(
        done.audit.erased, 4,
        "created, granted, exported, signed out elsewhere"
    );
    let after = store.subject_access(ana.id).await.unwrap();
    assert_eq!(after.user.name, format!("Erased person {}", ana.id));
    assert_eq!(
        after.user.email,
        format!("erased-{}@erased.invalid", ana.id)
    );
    assert!(after.user.disabled);
    assert!(after.roles.is_empty() && after.sessions.is_empty());
    assert!(after.sign_in_attempts.is_empty());
    let json = serde_json::to_string(&after).unwrap();
    assert!(
        !json.contains("Ana") && !json.contains("ana@north"),
        "{json}"
    );
    assert!(
        store
            .user_for_sign_in("ana@north.nhs.uk")
            .await
            .unwrap()
            .is_none()
    );
    store
        .verify_audit(anchor)
        .await
        .unwrap()
        .expect("the chain is whole after erasure");
    // Someone else's attempt is not theirs to lose.
    let (by_email, _) = store
        .failed_logins_since(
            "someone-else@north.nhs.uk",
            "192.0.2.8",
            "2000-01-01T00:00:00Z",
        )
        .await
        .unwrap();
    assert_eq!(by_email, 1);
}

async fn audit_descriptions_look_names_up_in_bulk(db: &TestDb) {
    let store = &db.store;
    let (region, ann) = a_region_and_a_user(store, "ann@x.nhs.uk", "Ann").await;
    let mut tx = store.begin().await.unwrap();
    let version = tx.insert_framework(&actor(), &shipped()).await.unwrap();
    tx.commit().await.unwrap();
    let users = store.user_labels(&[ann.id, 9999]).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        users[&ann.id],
        ("Ann".to_owned(), "ann@x.nhs.uk".to_owned())
    );
    assert_eq!(
        store.org_names(&[region.id]).await.unwrap()[&region.id],
        "Region"
    );
    let (title, label) = &store.version_labels(&[version]).await.unwrap()[&version];
    assert_eq!(
        (title.as_str(), label.as_str()),
        (
            shipped().meta.title.as_str(),
            shipped().meta.version.as_str()
        )
    );
    assert!(store.user_labels(&[]).await.unwrap().is_empty());
}

const LONG_AGO: &str = "2000-01-01T00:00:00.000000Z";
const FAR_AHEAD: &str = "2999-01-01T00:00:00.000000Z";

async fn sessions_expire_and_belong_to_enabled_users(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let u = tx
        .create_user(
            &actor(),
            &Email::parse("s@x.nhs.uk").unwrap(),
            "S",
            "h",
            false,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store
        .create_session("live", u.id, "csrf1", FAR_AHEAD)
        .await
        .unwrap();
    store
        .create_session("old", u.id, "csrf2", LONG_AGO)
        .await
        .unwrap();
    let s = store.session("live", LONG_AGO).await.unwrap().unwrap();
    assert_eq!((s.user_id, s.csrf_token.as_str()), (u.id, "csrf1"));
    assert!(!s.must_change_password);
    assert!(store.session("old", LONG_AGO).await.unwrap().is_none());
    assert!(store.session("nope", LONG_AGO).await.unwrap().is_none());
    // However recently used, a session begun before the absolute limit is over.
    assert!(store.session("live", FAR_AHEAD).await.unwrap().is_none());
    assert_eq!(store.delete_expired_sessions(LONG_AGO).await.unwrap(), 1);
    assert!(store.session("live", LONG_AGO).await.unwrap().is_some());
    store.delete_session("live").await.unwrap();
    assert!(store.session("live", LONG_AGO).await.unwrap().is_none());

    store
        .create_session("busy", u.id, "csrf3", FAR_AHEAD)
        .await
        .unwrap();
    assert_eq!(store.delete_expired_sessions(FAR_AHEAD).await.unwrap(), 1);
    assert!(store.session("busy", LONG_AGO).await.unwrap().is_none());
}

async fn password_resets_and_disabling_end_sessions(db: &TestDb) {
    let store = &db.store;
    let admin = Actor::user(1, "admin@x.nhs.uk");
    let mut tx = store.begin().await.unwrap();
    let u = tx
        .create_user(
            &actor(),
            &Email::parse("t@x.nhs.uk").unwrap(),
            "T",
            "h0",
            true,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(store.user(u.id).await.unwrap().must_change_password);
    for token in ["phone", "laptop"] {
        store
            .create_session(token, u.id, "csrf", FAR_AHEAD)
            .await
            .unwrap();
    }
    let live = |token: &'static str| async move {
        store.session(token, LONG_AGO).await.unwrap().is_some()
    };
    assert!(
        store
            .session("phone", LONG_AGO)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );

    // The owner chooses their own password from the laptop: the phone is signed out.
    let mut tx = store.begin().await.unwrap();
    tx.change_own_password(&Actor::user(u.id, "t@x.nhs.uk"), u.id, "h1", "laptop")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(!live("phone").await);
    assert!(live("laptop").await);
    let (user, hash) = store.user_for_sign_in("t@x.nhs.uk").await.unwrap().unwrap();
    assert_eq!(hash, "h1");
    assert!(!user.must_change_password);

    // An administrator resets it: every session ends and the owner must choose again.
    let mut tx = store.begin().await.unwrap();
    tx.reset_password(&admin, u.id, "h2", true).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!live("laptop").await);
    assert!(store.user(u.id).await.unwrap().must_change_password);
    let mut tx = store.begin().await.unwrap();
    let missing = tx
        .reset_password(&admin, 9999, "h", true)
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound("user")), "{missing}");
    drop(tx);

    // Disabling ends sessions and refuses new ones; doing it twice is one change.
    store
        .create_session("desk", u.id, "csrf", FAR_AHEAD)
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    assert!(tx.set_disabled(&admin, u.id, true).await.unwrap());
    assert!(!tx.set_disabled(&admin, u.id, true).await.unwrap());
    tx.commit().await.unwrap();
    assert!(store.user(u.id).await.unwrap().disabled);
    assert!(!live("desk").await);
    store
        .create_session("after", u.id, "csrf", FAR_AHEAD)
        .await
        .unwrap();
    assert!(
        !live("after").await,
        "a disabled user's session is never live"
    );
    let mut tx = store.begin().await.unwrap();
    assert!(tx.set_disabled(&admin, u.id, false).await.unwrap());
    tx.commit().await.unwrap();
    assert!(live("after").await);

    let by_email = store
        .user_by_email(&Email::parse("T@X.nhs.uk").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_email.id, u.id);

    let log = store.audit_for("user", &u.id.to_string()).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "user.create",
            "user.password_change",
            "user.password_reset",
            "user.disable",
            "user.enable"
        ]
    );
    assert_eq!(log[3].before.as_deref(), Some(r#"{"disabled":false}"#));
    assert_eq!(log[3].after.as_deref(), Some(r#"{"disabled":true}"#));
    assert!(log.iter().all(|e| {
        let text = format!("{:?}{:?}", e.before, e.after);
        !text.contains("h1") && !text.contains("h2")
    }));
}

async fn audit_log_chains_every_change_and_detects_tampering(db: &TestDb) {
    let store = &db.store;
    for i in 0..5 {
        let mut tx = store.begin().await.unwrap();
        tx.audit(
            &Actor::system(),
            "test.change",
            "thing",
            i,
            None,
            Some(serde_json::json!({"n": i})),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    let verified = store.verify_audit(None).await.unwrap().unwrap();
    assert_eq!(verified.entries, 5);
    let anchor = verified.head.unwrap();
    assert_eq!(anchor.seq, 5);
    let page = store.audit_page(0, 2).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(page.entries[0].seq, 5);
    assert_eq!(store.audit_for("thing", "3").await.unwrap().len(), 1);

    // Concurrent writers never fork the chain.
    let mut handles = Vec::new();
    for i in 0..8 {
        let s = store.clone();
        handles.push(tokio::spawn(async move {
            let mut tx = s.begin().await.unwrap();
            tx.audit(
                &Actor::system(),
                "test.concurrent",
                "thing",
                100 + i,
                None,
                None,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let verified = store
        .verify_audit(Some(anchor.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        verified.entries, 13,
        "the anchor is still there after more entries"
    );

    // Cutting entries from the end leaves a valid chain; only the anchor shows it.
    tamper(db, "DELETE FROM audit_log WHERE seq >= 5").await;
    assert_eq!(store.verify_audit(None).await.unwrap().unwrap().entries, 4);
    let err = store.verify_audit(Some(anchor)).await.unwrap().unwrap_err();
    assert_eq!(err, ChainError::AnchorMissing { seq: 5 });

    tamper(
        db,
        "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE seq = 3",
    )
    .await;
    let err = store.verify_audit(None).await.unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "entry 3: its hash does not match its contents (it was changed after it was written)"
    );
}

async fn erasing_a_person_from_the_audit_log_keeps_the_chain(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let email = Email::parse("ana@trust.nhs.uk").unwrap();
    let admin = actor();
    // Creating the user records her name and email in the log.
    let ana = tx
        .create_user(&admin, &email, "Ana Jones", "hash", false)
        .await
        .unwrap();
    // Something Ana did herself, and something unrelated.
    tx.audit(
        &Actor::user(ana.id, "ana@trust.nhs.uk"),
        "framework.draft",
        "framework_version",
        7,
        None,
        Some(serde_json::json!({"version": "2"})),
    )
    .await
    .unwrap();
    tx.audit(
        &admin,
        "org.create",
        "organisation",
        3,
        None,
        Some(serde_json::json!({"name": "North"})),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let before = store.verify_audit(None).await.unwrap().unwrap();
    let anchor = before.head.clone().unwrap();

    let mut tx = store.begin().await.unwrap();
    let done = tx.erase_user_from_audit(&admin, ana.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(done.erased, 2);
    assert_eq!(done.kept_unsealed, 0);

    let after = store
        .verify_audit(Some(anchor))
        .await
        .unwrap()
        .expect("the chain is whole after erasure, and every earlier entry is still there");
    assert_eq!(
        after.entries,
        before.entries + 1,
        "the erasure is itself recorded"
    );

    let page = store.audit_page(0, 10).await.unwrap();
    let about_ana: Vec<_> = page
        .entries
        .iter()
        .filter(|e| e.erased_at.is_some())
        .collect();
    assert_eq!(about_ana.len(), 2);
    for e in &about_ana {
        assert_eq!(e.actor, pathway_domain::audit::ERASED);
        assert!(e.before.is_none() && e.after.is_none() && e.content_salt.is_none());
        assert!(e.content_digest.is_some());
    }
    let everything = serde_json::to_string(&page.entries).unwrap();
    assert!(!everything.contains("Ana Jones") && !everything.contains("ana@trust.nhs.uk"));
    assert!(
        everything.contains("North"),
        "other entries keep their content"
    );
    let fact = &page.entries[0];
    assert_eq!(fact.action, "user.erase_from_audit");
    assert_eq!(fact.subject_id, ana.id.to_string());

    // Putting content back into an erased entry is caught.
    let seq = about_ana[0].seq;
    tamper(
        db,
        &format!("UPDATE audit_log SET after_json = '{{\"name\":\"Someone\"}}' WHERE seq = {seq}"),
    )
    .await;
    assert_eq!(
        store.verify_audit(None).await.unwrap().unwrap_err(),
        ChainError::ErasedWithContent { seq }
    );
    tamper(
        db,
        &format!("UPDATE audit_log SET after_json = NULL WHERE seq = {seq}"),
    )
    .await;
    assert!(store.verify_audit(None).await.unwrap().is_ok());

    // Erasing a second time keeps the record of the first erasure.
    let mut tx = store.begin().await.unwrap();
    let again = tx.erase_user_from_audit(&actor(), ana.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again.erased, 0);
    assert!(store.verify_audit(None).await.unwrap().is_ok());

    // Blanking someone else's entry by hand, as an erasure would, is caught: no erasure of
    // them was recorded.
    let other = page
        .entries
        .iter()
        .find(|e| {
            e.erased_at.is_none()
                && e.content_digest.is_some()
                && e.action != "user.erase_from_audit"
        })
        .expect("an entry not about Ana")
        .seq;
    tamper(
        db,
        &format!(
            "UPDATE audit_log SET actor = '{}', before_json = NULL, after_json = NULL, \
             content_salt = NULL, erased_at = '2026-11-23T12:00:00.000000Z' WHERE seq = {other}",
            pathway_domain::audit::ERASED
        ),
    )
    .await;
    assert_eq!(
        store.verify_audit(None).await.unwrap().unwrap_err(),
        ChainError::ErasedWithoutRecord { seq: other }
    );
}

/// Reaches past the store's API on purpose: this is what someone with database access could do.
/// First it removes the database's own guard on the log, as such a person could.
async fn tamper(db: &TestDb, sql: &str) {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    let unguard = match db.store.backend() {
        Backend::Sqlite => {
            "DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_only_erasure"
        }
        Backend::Postgres => {
            "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log; DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"
        }
    };
    for statement in unguard.split("; ") {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

/// What the database itself refuses, whoever asks.
async fn refused(db: &TestDb, sql: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query(sql)
        .execute(&mut conn)
        .await
        .expect_err("the database refuses it")
        .to_string()
}

/// A region and a user with no role, committed.
async fn a_region_and_a_user(
    store: &Store,
    email: &str,
    name: &str,
) -> (pathway_store::Organisation, pathway_store::User) {
    let mut tx = store.begin().await.unwrap();
    let region = tx
        .create_org(&actor(), "Region", OrgKind::Region, None, None)
        .await
        .unwrap();
    let user = tx
        .create_user(&actor(), &Email::parse(email).unwrap(), name, "h", false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (region, user)
}

async fn the_database_keeps_the_audit_log_append_only(db: &TestDb) {
    let store = &db.store;
    let (region, ana) = a_region_and_a_user(store, "ana@x.nhs.uk", "Ana").await;
    assert!(
        refused(db, "DELETE FROM audit_log WHERE seq = 1")
            .await
            .contains("append-only")
    );
    assert!(
        refused(db, "UPDATE audit_log SET after_json = '{}' WHERE seq = 1")
            .await
            .contains("append-only")
    );
    assert!(
        refused(db, "UPDATE audit_log SET action = 'nothing' WHERE seq = 2")
            .await
            .contains("append-only")
    );
    assert!(
        refused(db, "UPDATE audit_log SET actor = 'someone else', before_json = NULL, after_json = NULL, content_salt = NULL, erased_at = '2030-01-01T00:00:00Z' WHERE seq = 2")
            .await
            .contains("append-only"),
        "an erasure that names someone"
    );
    if db.store.backend() == Backend::Postgres {
        assert!(
            refused(db, "TRUNCATE audit_log")
                .await
                .contains("append-only")
        );
    }
    // Erasing a person is the one change allowed, and it goes through.
    let mut tx = store.begin().await.unwrap();
    let done = tx.erase_user_from_audit(&actor(), ana.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(done.erased, 1);
    assert!(store.verify_audit(None).await.unwrap().is_ok());
    // ...once: an erased entry stays as it is.
    assert!(
        refused(
            db,
            "UPDATE audit_log SET erased_at = '2030-01-01T00:00:00Z' WHERE erased_at IS NOT NULL"
        )
        .await
        .contains("append-only")
    );
    let _ = region;
}

async fn a_failed_transaction_writes_nothing(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    // The organisation and its audit entry are written in the transaction...
    tx.create_org(&actor(), "Region", OrgKind::Region, None, None)
        .await
        .unwrap();
    drop(tx); // ...which is never committed
    assert!(store.orgs_in_scope(None).await.unwrap().is_empty());
    assert_eq!(store.audit_page(0, 10).await.unwrap().total, 0);
}

async fn login_attempts_are_counted_per_account_and_address(db: &TestDb) {
    let store = &db.store;
    for _ in 0..3 {
        store
            .begin_login_attempt("a@x.uk", "10.0.0.1")
            .await
            .unwrap();
    }
    store
        .begin_login_attempt("b@x.uk", "10.0.0.1")
        .await
        .unwrap();
    // An attempt counts as failed from the moment it begins until it succeeds.
    let good = store
        .begin_login_attempt("a@x.uk", "10.0.0.2")
        .await
        .unwrap();
    let (email, _) = store
        .failed_logins_since("a@x.uk", "10.0.0.2", "2000-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(email, 4);
    store.mark_login_succeeded(good).await.unwrap();
    let (email, ip) = store
        .failed_logins_since("a@x.uk", "10.0.0.1", "2000-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!((email, ip), (3, 4));
    let (email, _) = store
        .failed_logins_since("a@x.uk", "10.0.0.1", "2999-01-01T00:00:00Z")
        .await
        .unwrap();
    assert_eq!(email, 0);
    assert_eq!(
        store
            .prune_login_attempts("2999-01-01T00:00:00Z")
            .await
            .unwrap(),
        5
    );
}

async fn a_keyed_seal_catches_entries_written_outside_pathway(db: &TestDb) {
    use pathway_domain::audit::{AuditEntry, AuditKey, entry_hash, seal};
    let key = AuditKey::from_bytes([7; 32]);
    let mut tx = db.store.begin().await.unwrap();
    tx.create_org(&actor(), "Before sealing", OrgKind::Region, None, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // A key not made for this log does not seal what is already there unless asked.
    let refused = Store::open(&db.url)
        .await
        .unwrap()
        .use_audit_key(key.clone(), false)
        .await;
    assert!(matches!(refused, Err(StoreError::Config(m)) if m.contains("never sealed")));
    // Asked, the first key seals what is there, and every entry after.
    let mut store = Store::open(&db.url).await.unwrap();
    assert_eq!(
        store.use_audit_key(key.clone(), true).await.unwrap(),
        pathway_store::KeyUse::Registered { sealed: 1 }
    );
    let mut tx = store.begin().await.unwrap();
    tx.create_org(&actor(), "After sealing", OrgKind::Region, None, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let verified = store.verify_audit(None).await.unwrap().unwrap();
    assert_eq!(verified.entries, 2);
    let mut again = Store::open(&db.url).await.unwrap();
    assert_eq!(
        again.use_audit_key(key.clone(), false).await.unwrap(),
        pathway_store::KeyUse::Known
    );
    // Another instance with its own key is refused.
    let other = Store::open(&db.url)
        .await
        .unwrap()
        .use_audit_key(AuditKey::from_bytes([8; 32]), true)
        .await;
    assert!(matches!(other, Err(StoreError::Config(m)) if m.contains("sealed with the key")));

    // An entry appended with a valid hash but without the key links, and is caught.
    let last = store.audit_page(0, 1).await.unwrap().entries.remove(0);
    let mut forged = AuditEntry {
        seq: last.seq + 1,
        at: "2030-01-01T00:00:00.000000Z".into(),
        actor_user_id: None,
        actor: "system".into(),
        action: "user.erase_from_audit".into(),
        subject_type: "user".into(),
        subject_id: "1".into(),
        before: None,
        after: None,
        content_salt: None,
        content_digest: None,
        erased_at: None,
        prev_hash: last.hash.clone(),
        hash: String::new(),
        mac: None,
    };
    seal(&mut forged, "salt".into());
    forged.hash = entry_hash(&forged);
    tamper(
        db,
        &format!(
            "INSERT INTO audit_log (seq, at, actor, action, subject_type, subject_id, content_salt, content_digest, prev_hash, hash) \
             VALUES ({}, '{}', 'system', '{}', 'user', '1', 'salt', '{}', '{}', '{}')",
            forged.seq,
            forged.at,
            forged.action,
            forged.content_digest.clone().unwrap(),
            forged.prev_hash,
            forged.hash
        ),
    )
    .await;
    assert!(
        db.store.verify_audit(None).await.unwrap().is_ok(),
        "without the key, the chain alone holds"
    );
    assert_eq!(
        store.verify_audit(None).await.unwrap().unwrap_err(),
        ChainError::SealMissing { seq: forged.seq }
    );

    // Removing the record of the key does not get the log sealed again.
    tamper(db, "DELETE FROM audit_key").await;
    let refused = Store::open(&db.url)
        .await
        .unwrap()
        .use_audit_key(key.clone(), true)
        .await;
    assert!(matches!(refused, Err(StoreError::Config(m)) if m.contains("no record of the key")));
    // Nor does removing the seals too get the log sealed again, unless someone asks after
    // checking it.
    tamper(db, "UPDATE audit_log SET mac = NULL").await;
    let refused = Store::open(&db.url)
        .await
        .unwrap()
        .use_audit_key(key, false)
        .await;
    assert!(matches!(refused, Err(StoreError::Config(m)) if m.contains("never sealed")));
}

#[tokio::test]
async fn a_sqlite_database_is_one_file_in_wal_mode() {
    use sqlx::{Connection, Row};
    let db = sqlite().await;
    // WAL is a property of the file: any connection, not only Pathway's, reads it so.
    let mut other = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut other)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    assert_eq!(mode, "wal");
    other.close().await.unwrap();
    db.finish().await;
}

async fn the_synthetic_national_data_set_loads_whole_into_an_empty_database_only(db: &TestDb) {
    use pathway_domain::synthetic::{self, Params, accounts};
    let store = &db.store;
    let params = Params::new(0.01, 5).unwrap();
    let plan = synthetic::plan(params);
    let mut tx = store.begin().await.unwrap();
    let loaded = tx
        .load_synthetic(&actor(), params, &plan, "shared-hash")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(loaded.organisations, plan.orgs.len());
    assert_eq!(loaded.users, plan.users.len());
    assert_eq!(loaded.grants, plan.grant_count());
    assert_eq!(store.count_users().await.unwrap(), plan.users.len() as i64);
    store.refresh_statistics().await.unwrap();

    // Roles land where the plan put them, so scope works as for organisations made by hand:
    // an employer lead sees exactly the people of their employer's teams, and themselves.
    let lead = store
        .user_by_email(&Email::parse(accounts::EMPLOYER_LEAD).unwrap())
        .await
        .unwrap()
        .unwrap();
    let principal = store.principal(lead.id).await.unwrap();
    assert_eq!(principal.grants.len(), 1);
    assert_eq!(principal.grants[0].role, Role::EmployerLead);
    let employer = principal.grants[0].org.unwrap();
    let code = store.org(employer).await.unwrap().code.unwrap();
    let index = plan.orgs.iter().position(|o| o.code == code).unwrap();
    let teams: Vec<usize> = (0..plan.orgs.len())
        .filter(|&i| plan.orgs[i].parent == Some(index))
        .collect();
    let expected = plan
        .users
        .iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|(_, o)| *o == Some(index) || o.is_some_and(|o| teams.contains(&o)))
        })
        .count();
    let page = store
        .users_page(Some(&[employer]), "", 0, 10)
        .await
        .unwrap();
    assert_eq!(page.total, expected as i64);
    assert!(expected > 2, "an employer with staff: {expected}");
    let orgs = store.orgs_page(None, "", 0, 10).await.unwrap();
    assert_eq!(orgs.total, plan.orgs.len() as i64);

    // One audit entry tells what was loaded, and the chain still holds.
    let audit = store.audit_page(0, 1).await.unwrap();
    assert_eq!(audit.entries[0].action, "dataset.generate");
    let after: serde_json::Value =
        serde_json::from_str(audit.entries[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(after["users"], plan.users.len());
    assert_eq!(after["seed"], 5);
    store.verify_audit(None).await.unwrap().unwrap();

    // A second load, or a load into a database with people in it, is refused and writes
    // nothing.
    let audit_before = store.audit_page(0, 1).await.unwrap().total;
    let mut tx = store.begin().await.unwrap();
    let err = tx
        .load_synthetic(&actor(), params, &plan, "shared-hash")
        .await
        .unwrap_err();
    drop(tx);
    assert!(
        matches!(&err, StoreError::Conflict { field: "database", message } if message.contains("new, empty database")),
        "{err}"
    );
    assert_eq!(store.count_users().await.unwrap(), plan.users.len() as i64);
    assert_eq!(store.audit_page(0, 1).await.unwrap().total, audit_before);
}

async fn people_and_organisations_are_found_by_any_case_in_any_script(db: &TestDb) {
    let store = &db.store;
    let mut tx = store.begin().await.unwrap();
    let mut ids = Vec::new();
    for (email, name) in [
        ("elodie@north.nhs.uk", "Élodie Ørsted"),
        ("siobhan@north.nhs.uk", "Siobhán Ó Súilleabháin"),
        ("ann@north.nhs.uk", "Ann Smith"),
    ] {
        let user = tx
            .create_user(&actor(), &Email::parse(email).unwrap(), name, "hash", false)
            .await
            .unwrap();
        ids.push(user.id);
    }
    let region = tx
        .create_org(&actor(), "Cymru", OrgKind::Region, None, None)
        .await
        .unwrap();
    tx.create_org(
        &actor(),
        "Bwrdd Iechyd Ŵyr a Môn",
        OrgKind::Employer,
        Some(&region),
        Some("7A1"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let orgs_found = |store: &Store, search: &'static str| {
        let store = store.clone();
        async move {
            store
                .orgs_page(None, search, 0, 10)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|o| o.org.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        orgs_found(store, "ŵYR A MÔN").await,
        ["Bwrdd Iechyd Ŵyr a Môn"]
    );
    assert_eq!(orgs_found(store, "7a1").await, ["Bwrdd Iechyd Ŵyr a Môn"]);
    // The same name in other capitals is taken, in every script.
    let mut tx = store.begin().await.unwrap();
    let taken = tx
        .create_org(
            &actor(),
            "BWRDD IECHYD ŵYR A MÔN",
            OrgKind::Employer,
            Some(&region),
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&taken, StoreError::Conflict { field: "name", .. }),
        "{taken}"
    );
    drop(tx);
    let found = |search: &'static str| async move {
        store
            .users_page(None, search, 0, 10)
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|u| u.name)
            .collect::<Vec<_>>()
    };
    // Letters beyond ASCII match in either case on both databases (SQLite's own LOWER
    // leaves them as they are).
    assert_eq!(found("élodie").await, ["Élodie Ørsted"]);
    assert_eq!(found("ØRSTED").await, ["Élodie Ørsted"]);
    assert_eq!(found("ó súil").await, ["Siobhán Ó Súilleabháin"]);
    assert_eq!(found("SMITH").await, ["Ann Smith"]);
    assert_eq!(found("NORTH.NHS").await.len(), 3);

    // A new name or address is what is searched from then on.
    let mut tx = store.begin().await.unwrap();
    tx.update_user(
        &actor(),
        ids[2],
        "Ann Ærø",
        Some(&Email::parse("ann.aero@south.nhs.uk").unwrap()),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(found("smith").await.is_empty());
    assert_eq!(found("ÆRØ").await, ["Ann Ærø"]);
    assert_eq!(found("south.nhs").await, ["Ann Ærø"]);

    // Users stored before searching had its own column (the migration leaves names beyond
    // ASCII to Pathway) are filled in when the database is next opened.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    for table in ["users", "organisations"] {
        sqlx::query(&format!("UPDATE {table} SET search_text = NULL"))
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
    assert!(found("élodie").await.is_empty());
    let reopened = Store::open(&db.url).await.unwrap();
    let names: Vec<String> = reopened
        .users_page(None, "ÉLODIE", 0, 10)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Élodie Ørsted"]);
    assert_eq!(
        reopened
            .users_page(None, "nhs.uk", 0, 10)
            .await
            .unwrap()
            .total,
        3
    );
    assert_eq!(
        orgs_found(&reopened, "MÔN").await,
        ["Bwrdd Iechyd Ŵyr a Môn"]
    );
    reopened.close().await;
}
