//! Audit entries in words: "Alex Admin (admin@pathway.demo) reset the password of Wren
//! Worker" rather than an action code and numeric ids.
//!
//! Names are looked up as they are now, for the entries on one page at once. An erased
//! entry names nobody: its personal content was removed on purpose, and looking the people
//! up by id would put it back.

use pathway_domain::audit::{AuditEntry, ERASED};
use pathway_domain::identity::Role;
use pathway_domain::numbers::thousands;
use pathway_store::{Store, StoreResult};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// The people, organisations and framework versions a page of entries refers to.
#[derive(Debug, Default)]
pub struct Names {
    /// Name and email address by user id.
    pub users: HashMap<i64, (String, String)>,
    pub orgs: HashMap<i64, String>,
    /// Title and version label by framework version id.
    pub versions: HashMap<i64, (String, String)>,
}

/// An entry's before and after values, read once.
struct Values {
    before: Option<Value>,
    after: Option<Value>,
}

impl Values {
    fn of(e: &AuditEntry) -> Self {
        let read = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
        Self {
            before: read(&e.before),
            after: read(&e.after),
        }
    }

    /// A field of the after values, else of the before values.
    fn get(&self, key: &str) -> Option<&Value> {
        self.after
            .as_ref()
            .and_then(|v| v.get(key))
            .or_else(|| self.before.as_ref().and_then(|v| v.get(key)))
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    fn int(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(Value::as_i64)
    }

    /// A count, written as people read it: "112,951".
    fn count(&self, key: &str) -> String {
        let n = self.get(key).and_then(Value::as_u64).unwrap_or(0);
        thousands(usize::try_from(n).unwrap_or(usize::MAX))
    }
}

fn subject_number(e: &AuditEntry) -> Option<i64> {
    e.subject_id.parse().ok()
}

impl Names {
    /// Loads every name the entries refer to, in one query for each kind of thing.
    pub async fn for_entries(store: &Store, entries: &[AuditEntry]) -> StoreResult<Self> {
        let mut users = BTreeSet::new();
        let mut orgs = BTreeSet::new();
        let mut versions = BTreeSet::new();
        for e in entries.iter().filter(|e| e.erased_at.is_none()) {
            users.extend(e.actor_user_id);
            let id = subject_number(e);
            match e.subject_type.as_str() {
                "user" if e.action != pathway_domain::audit::ERASURE_ACTION => users.extend(id),
                "organisation" => orgs.extend(id),
                "framework_version" => versions.extend(id),
                _ => {}
            }
            if e.action.starts_with("role.") {
                orgs.extend(Values::of(e).int("org_id"));
            }
            if matches!(e.action.as_str(), "framework.import" | "framework.steward") {
                orgs.extend(Values::of(e).int("steward_org_id"));
            }
        }
        let ids = |set: BTreeSet<i64>| set.into_iter().collect::<Vec<_>>();
        Ok(Self {
            users: store.user_labels(&ids(users)).await?,
            orgs: store.org_names(&ids(orgs)).await?,
            versions: store.version_labels(&ids(versions)).await?,
        })
    }

    /// Who acted: "Alex Admin (admin@pathway.demo)", "Pathway", "bob at the command line".
    fn actor(&self, e: &AuditEntry) -> String {
        if e.erased_at.is_some() || e.actor == ERASED {
            return "Someone".into();
        }
        if let Some((name, _)) = e.actor_user_id.and_then(|id| self.users.get(&id)) {
            // The address they acted under, which may since have changed.
            return format!("{name} ({})", e.actor);
        }
        match e.actor.as_str() {
            "system" => "Pathway".into(),
            label => match label.strip_prefix("cli:") {
                Some(who) => format!("{who} at the command line"),
                None => label.to_owned(),
            },
        }
    }

    /// The user an entry is about, by name and email address: names are chosen by people
    /// and need not be unique, so the address says who it is.
    fn user(&self, e: &AuditEntry) -> String {
        if e.erased_at.is_some() {
            return "someone".into();
        }
        subject_number(e)
            .and_then(|id| self.users.get(&id))
            .map_or_else(
                || format!("user {}", e.subject_id),
                |(name, email)| format!("{name} ({email})"),
            )
    }

    fn org(&self, id: Option<i64>) -> String {
        match id {
            Some(id) => self
                .orgs
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("organisation {id}")),
            None => "every organisation".into(),
        }
    }

    /// "HEE AHP Support Worker Framework version 2021.1".
    fn version(&self, e: &AuditEntry, values: &Values) -> String {
        if let Some((title, version)) = subject_number(e).and_then(|id| self.versions.get(&id)) {
            return format!("{title} version {version}");
        }
        match (values.text("framework"), values.text("version")) {
            (Some(f), Some(v)) => format!("{f} version {v}"),
            _ => format!("framework version {}", e.subject_id),
        }
    }
}

/// "a role Support worker at North Trust" from a grant's values.
fn role_at(names: &Names, values: &Values) -> String {
    let role = values
        .text("role")
        .map(|r| Role::parse(r).map_or(r, |role| role.label()))
        .unwrap_or("a role");
    match values.int("org_id") {
        Some(id) => format!("the role {role} at {}", names.org(Some(id))),
        None => format!("the role {role} across {}", names.org(None)),
    }
}

/// "name from “A” to “B” and email address from a to b": each field an entry changed.
fn changes(values: &Values, fields: &[(&str, &str)]) -> String {
    let show = |v: Option<&Value>| match v {
        // Quote marks inside a value are shown straight, so a value cannot end its own
        // quotation and read as more of the sentence.
        Some(Value::String(s)) => format!("“{}”", s.replace(['“', '”'], "\"")),
        _ => "none".to_owned(),
    };
    let parts: Vec<String> = fields
        .iter()
        .filter(|(key, _)| values.after.as_ref().is_some_and(|a| a.get(*key).is_some()))
        .map(|(key, label)| {
            format!(
                "{label} from {} to {}",
                show(values.before.as_ref().and_then(|b| b.get(*key))),
                show(values.after.as_ref().and_then(|a| a.get(*key)))
            )
        })
        .collect();
    if parts.is_empty() {
        "details".into()
    } else {
        parts.join(" and ")
    }
}

/// The entry as a sentence.
pub fn describe(e: &AuditEntry, names: &Names) -> String {
    let actor = names.actor(e);
    let values = Values::of(e);
    let own = e.erased_at.is_none()
        && e.actor_user_id.is_some()
        && e.actor_user_id == subject_number(e)
        && e.subject_type == "user";
    // "their own password", or "the password of Wren Worker (w@…)".
    let of_user = |thing: &str| {
        if own {
            format!("their own {thing}")
        } else {
            format!("the {thing} of {}", names.user(e))
        }
    };
    match e.action.as_str() {
        "user.create" => format!("{actor} added the user {}", names.user(e)),
        "user.update" => format!(
            "{actor} changed {}: {}",
            of_user("details"),
            changes(&values, &[("name", "name"), ("email", "email address")])
        ),
        "user.password_reset" => format!("{actor} reset {}", of_user("password")),
        "user.password_change" => format!("{actor} changed {}", of_user("password")),
        "user.disable" => format!("{actor} disabled {}", of_user("account")),
        "user.enable" => format!("{actor} enabled {}", of_user("account")),
        "role.grant" => format!("{actor} gave {} {}", names.user(e), role_at(names, &values)),
        "role.revoke" => format!(
            "{actor} took {} away from {}",
            role_at(names, &values),
            names.user(e)
        ),
        "user.sign_out_elsewhere" => format!(
            "{actor} signed {} out of {} other session(s)",
            if own {
                "themselves".to_owned()
            } else {
                names.user(e)
            },
            values.int("sessions_ended").unwrap_or(0)
        ),
        "user.export" => format!(
            "{actor} downloaded everything Pathway holds about {}",
            if own {
                "themselves".to_owned()
            } else {
                names.user(e)
            }
        ),
        pathway_domain::audit::ERASURE_ACTION if values.text("account") == Some("erased") => {
            format!(
                "{actor} erased user {}: their account, {} role(s), {} session(s), {} sign-in attempt(s), and their personal details in {} audit entries",
                e.subject_id,
                values.int("roles_removed").unwrap_or(0),
                values.int("sessions_ended").unwrap_or(0),
                values.int("sign_in_attempts_removed").unwrap_or(0),
                values.int("entries_erased").unwrap_or(0)
            )
        }
        pathway_domain::audit::ERASURE_ACTION => format!(
            "{actor} erased the personal details of user {} from {} audit entries",
            e.subject_id,
            values.int("entries_erased").unwrap_or(0)
        ),
        "organisation.create" => format!(
            "{actor} added the organisation {}",
            values
                .text("name")
                .map_or_else(|| names.org(subject_number(e)), str::to_owned)
        ),
        "organisation.update" => format!(
            "{actor} changed the organisation {}: {}",
            names.org(subject_number(e)),
            changes(&values, &[("name", "name"), ("code", "ODS code")])
        ),
        "framework.import" => format!(
            "{actor} imported {}{}",
            names.version(e, &values),
            // Said for a new framework only: a new version keeps its framework's steward.
            match values.get("steward_org_id") {
                Some(Value::Null) => " as a national framework".to_owned(),
                Some(id) => format!(", stewarded by {}", names.org(id.as_i64())),
                None => String::new(),
            }
        ),
        "framework.draft" => format!(
            "{actor} started the draft {}{}",
            names.version(e, &values),
            values
                .text("from_version")
                .map(|v| format!(" from version {v}"))
                .unwrap_or_default()
        ),
        "framework.item.edit" => format!(
            "{actor} edited item {} of the draft {}",
            values.text("code").unwrap_or("(unknown)"),
            names.version(e, &values)
        ),
        "framework.item.add" => format!(
            "{actor} added item {} to the draft {}",
            values.text("code").unwrap_or("(unknown)"),
            names.version(e, &values)
        ),
        "framework.item.remove" => format!(
            "{actor} removed item {} from the draft {}",
            values.text("code").unwrap_or("(unknown)"),
            names.version(e, &values)
        ),
        "framework.domain.edit" => format!(
            "{actor} edited domain {} of the draft {}: {}",
            values.text("code").unwrap_or("(unknown)"),
            names.version(e, &values),
            changes(
                &values,
                &[("title", "title"), ("description", "description")]
            )
        ),
        "framework.details.edit" => format!(
            "{actor} edited the draft {}: {}",
            names.version(e, &values),
            changes(
                &values,
                &[
                    ("title", "title"),
                    ("publisher", "publisher"),
                    ("description", "description")
                ]
            )
        ),
        "framework.steward" => {
            let framework = values.text("framework").unwrap_or(&e.subject_id);
            match values.after.as_ref().and_then(|a| a.get("steward_org_id")) {
                Some(Value::Number(id)) => format!(
                    "{actor} made {} the steward of framework {framework}",
                    names.org(id.as_i64())
                ),
                _ => format!("{actor} made framework {framework} national"),
            }
        }
        "framework.discard" => format!("{actor} discarded the draft {}", names.version(e, &values)),
        "framework.publish" => format!("{actor} published {}", names.version(e, &values)),
        "framework.retire" => format!(
            "{} was retired{}",
            names.version(e, &values),
            values
                .text("replaced_by")
                .map(|v| format!(" when version {v} was published"))
                .unwrap_or_default()
        ),
        "dataset.generate" => format!(
            "{actor} generated the synthetic national data set (scale {}, seed {}): {} organisations and {} made-up users",
            values
                .get("scale")
                .map_or_else(|| "?".to_owned(), Value::to_string),
            values.int("seed").unwrap_or(0),
            values.count("organisations"),
            values.count("users")
        ),
        "audit.seal" => format!(
            "{actor} sealed the audit log with the key {} ({} earlier entries)",
            values.text("key").unwrap_or(&e.subject_id),
            values.int("entries_sealed").unwrap_or(0)
        ),
        other => format!(
            "{actor}: {other} on {} {}",
            e.subject_type.replace('_', " "),
            e.subject_id
        ),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// An entry by the demo administrator (user 1), as stored.
    pub fn entry(
        action: &str,
        subject: (&str, &str),
        before: Option<&str>,
        after: Option<&str>,
    ) -> AuditEntry {
        AuditEntry {
            seq: 1,
            at: "2026-11-23T13:17:23.000000Z".into(),
            actor_user_id: Some(1),
            actor: "admin@pathway.demo".into(),
            action: action.into(),
            subject_type: subject.0.into(),
            subject_id: subject.1.into(),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
            content_salt: None,
            content_digest: None,
            erased_at: None,
            prev_hash: String::new(),
            hash: String::new(),
            mac: None,
        }
    }

    fn names() -> Names {
        Names {
            users: HashMap::from([
                (1, ("Alex Admin".into(), "admin@pathway.demo".into())),
                (9, ("Wren Worker".into(), "worker@north.nhs.uk".into())),
            ]),
            orgs: HashMap::from([(3, "North Trust".into())]),
            versions: HashMap::from([(
                5,
                ("HEE AHP Support Worker Framework".into(), "2021.1".into()),
            )]),
        }
    }

    #[test]
    fn downloads_and_erasures_say_whose_and_what_went() {
        let n = names();
        assert_eq!(
            describe(&entry("user.export", ("user", "9"), None, None), &n),
            "Alex Admin (admin@pathway.demo) downloaded everything Pathway holds about Wren Worker (worker@north.nhs.uk)"
        );
        let mut own = entry("user.export", ("user", "1"), None, None);
        own.actor_user_id = Some(1);
        assert_eq!(
            describe(&own, &n),
            "Alex Admin (admin@pathway.demo) downloaded everything Pathway holds about themselves"
        );
        let erased = entry(
            pathway_domain::audit::ERASURE_ACTION,
            ("user", "9"),
            None,
            Some(
                r#"{"account":"erased","roles_removed":1,"sessions_ended":2,"sign_in_attempts_removed":3,"entries_erased":4,"entries_kept_unsealed":0}"#,
            ),
        );
        assert_eq!(
            describe(&erased, &n),
            "Alex Admin (admin@pathway.demo) erased user 9: their account, 1 role(s), 2 session(s), 3 sign-in attempt(s), and their personal details in 4 audit entries"
        );
    }

    #[test]
    fn account_changes_name_who_did_what_to_whom() {
        let n = names();
        assert_eq!(
            describe(&entry("user.password_reset", ("user", "9"), None, None), &n),
            "Alex Admin (admin@pathway.demo) reset the password of Wren Worker (worker@north.nhs.uk)"
        );
        assert_eq!(
            describe(
                &entry(
                    "user.disable",
                    ("user", "9"),
                    Some(r#"{"disabled":false}"#),
                    Some(r#"{"disabled":true}"#)
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) disabled the account of Wren Worker (worker@north.nhs.uk)"
        );
        assert_eq!(
            describe(
                &entry(
                    "user.update",
                    ("user", "9"),
                    Some(r#"{"email":"w@a.nhs.uk","name":"Wren"}"#),
                    Some(r#"{"email":"worker@north.nhs.uk","name":"Wren Worker"}"#)
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) changed the details of Wren Worker (worker@north.nhs.uk): name from “Wren” to “Wren Worker” and email address from “w@a.nhs.uk” to “worker@north.nhs.uk”"
        );
        assert_eq!(
            describe(
                &entry(
                    "user.update",
                    ("user", "1"),
                    Some(r#"{"name":"Alex"}"#),
                    Some(r#"{"name":"Alex Admin"}"#)
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) changed their own details: name from “Alex” to “Alex Admin”"
        );
        // A value cannot end its own quotation and read as more of the sentence.
        let spoof = Values::of(&entry(
            "user.update",
            ("user", "9"),
            Some(r#"{"name":"Kit"}"#),
            Some(r#"{"name":"Kit” and email address from “a” to “b"}"#),
        ));
        assert_eq!(
            changes(&spoof, &[("name", "name"), ("email", "email address")]),
            "name from “Kit” to “Kit\" and email address from \"a\" to \"b”"
        );
    }

    #[test]
    fn roles_name_the_role_and_the_organisation() {
        let n = names();
        assert_eq!(
            describe(
                &entry(
                    "role.grant",
                    ("user", "9"),
                    None,
                    Some(r#"{"user_id":9,"role":"worker","org_id":3}"#)
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) gave Wren Worker (worker@north.nhs.uk) the role Support worker at North Trust"
        );
        assert_eq!(
            describe(
                &entry(
                    "role.revoke",
                    ("user", "9"),
                    Some(r#"{"user_id":9,"role":"platform_admin","org_id":null}"#),
                    None
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) took the role Platform administrator across every organisation away from Wren Worker (worker@north.nhs.uk)"
        );
    }

    #[test]
    fn organisations_and_frameworks_are_named() {
        let n = names();
        assert_eq!(
            describe(
                &entry(
                    "organisation.update",
                    ("organisation", "3"),
                    Some(r#"{"code":null}"#),
                    Some(r#"{"code":"RR8"}"#)
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) changed the organisation North Trust: ODS code from none to “RR8”"
        );
        let mut published = entry("framework.publish", ("framework_version", "5"), None, None);
        published.actor_user_id = None;
        published.actor = "system".into();
        assert_eq!(
            describe(&published, &n),
            "Pathway published HEE AHP Support Worker Framework version 2021.1"
        );
        // A version no longer stored is named from the entry itself.
        assert_eq!(
            describe(
                &entry(
                    "framework.import",
                    ("framework_version", "77"),
                    None,
                    Some(r#"{"framework":"dorset","version":"1.0"}"#)
                ),
                &n
            ),
            "Alex Admin (admin@pathway.demo) imported dorset version 1.0"
        );
        // A new framework says who stewards it.
        let import = |after: &str| {
            describe(
                &entry(
                    "framework.import",
                    ("framework_version", "77"),
                    None,
                    Some(after),
                ),
                &n,
            )
        };
        assert_eq!(
            import(r#"{"framework":"dorset","version":"1.0","steward_org_id":3}"#),
            "Alex Admin (admin@pathway.demo) imported dorset version 1.0, stewarded by North Trust"
        );
        assert_eq!(
            import(r#"{"framework":"dorset","version":"1.0","steward_org_id":null}"#),
            "Alex Admin (admin@pathway.demo) imported dorset version 1.0 as a national framework"
        );
    }

    #[test]
    fn a_change_of_steward_names_the_new_one() {
        let n = names();
        let entry_to = |after: &str| {
            entry(
                "framework.steward",
                ("framework", "dorset"),
                Some(r#"{"framework":"dorset","steward_org_id":null}"#),
                Some(after),
            )
        };
        assert_eq!(
            describe(
                &entry_to(r#"{"framework":"dorset","steward_org_id":3}"#),
                &n
            ),
            "Alex Admin (admin@pathway.demo) made North Trust the steward of framework dorset"
        );
        assert_eq!(
            describe(
                &entry_to(r#"{"framework":"dorset","steward_org_id":null}"#),
                &n
            ),
            "Alex Admin (admin@pathway.demo) made framework dorset national"
        );
    }

    #[test]
    fn the_synthetic_data_set_is_described_with_its_size() {
        let mut e = entry(
            "dataset.generate",
            ("dataset", "synthetic-national"),
            None,
            Some(r#"{"scale":1.0,"seed":7,"organisations":1612,"users":112951,"grants":112951}"#),
        );
        e.actor_user_id = None;
        e.actor = "cli:pat".into();
        assert_eq!(
            describe(&e, &names()),
            "pat at the command line generated the synthetic national data set (scale 1.0, seed 7): 1,612 organisations and 112,951 made-up users"
        );
    }

    #[test]
    fn erased_entries_name_nobody() {
        let mut e = entry("user.password_reset", ("user", "9"), None, None);
        e.erased_at = Some("2026-11-24T10:00:00.000000Z".into());
        e.actor = ERASED.into();
        assert_eq!(
            describe(&e, &names()),
            "Someone reset the password of someone"
        );
    }

    #[test]
    fn unknown_actions_still_say_what_and_on_what() {
        let mut e = entry("thing.frob", ("widget_part", "4"), None, None);
        e.actor_user_id = None;
        e.actor = "cli:pat".into();
        assert_eq!(
            describe(&e, &names()),
            "pat at the command line: thing.frob on widget part 4"
        );
    }
}
