//! The changes an author makes to a draft version, the same from the pages and the API: each
//! is made to a copy of the draft by the engine's rules, and comes with the audit record
//! [`crate::operations::save_draft`] writes beside it, holding what changed and what it
//! was before.

use crate::operations::DraftEdit;
use pathway_domain::framework::{Descriptor, Framework, ItemCode, ItemKind, NewItem, Problems};
use serde_json::json;

/// One change to a draft.
#[derive(Debug, Clone)]
pub enum DraftChange<'a> {
    /// The framework's title, publisher and description.
    Details {
        title: &'a str,
        publisher: &'a str,
        description: &'a str,
    },
    /// A domain's title and description; its code never changes.
    Domain {
        code: &'a str,
        title: &'a str,
        description: &'a str,
    },
    /// An item's title, kind and descriptors; its code and domain never change.
    Item {
        code: &'a str,
        title: String,
        kind: ItemKind,
        descriptors: Vec<Descriptor>,
    },
    /// A new item, after the last item of its domain.
    NewItem(NewItem),
    /// An item taken out, with the training providers' statements about it.
    RemoveItem { code: &'a str },
}

/// The draft with `change` made, and its audit record; or the problems, each named by the
/// field of the change it is about (`title`, `code`, `descriptors[1]`).
pub fn apply(draft: &Framework, change: DraftChange) -> Result<(Framework, DraftEdit), Problems> {
    let mut edited = draft.clone();
    let edit = match change {
        DraftChange::Details {
            title,
            publisher,
            description,
        } => {
            edited.edit_details(title, publisher, description)?;
            let (before, after) = (&draft.meta, &edited.meta);
            let (before, after) = changed_fields(&[
                ("title", &before.title, &after.title),
                ("publisher", &before.publisher, &after.publisher),
                ("description", &before.description, &after.description),
            ]);
            DraftEdit {
                action: "framework.details.edit",
                before: Some(before),
                after: Some(after),
            }
        }
        DraftChange::Domain {
            code,
            title,
            description,
        } => {
            let before = draft.domain(code).ok_or_else(|| no_such("domain", code))?;
            edited.edit_domain(code, title, description)?;
            let after = edited.domain(code).unwrap_or(before);
            let (mut was, mut now) = changed_fields(&[
                ("title", &before.title, &after.title),
                ("description", &before.description, &after.description),
            ]);
            was["code"] = json!(code);
            now["code"] = json!(code);
            DraftEdit {
                action: "framework.domain.edit",
                before: Some(was),
                after: Some(now),
            }
        }
        DraftChange::Item {
            code,
            title,
            kind,
            descriptors,
        } => {
            let before = draft.item(code).ok_or_else(|| no_such("item", code))?;
            edited.edit_item(code, title, descriptors)?;
            edited.set_item_kind(code, kind)?;
            DraftEdit {
                action: "framework.item.edit",
                before: Some(json!(before)),
                after: edited.item(code).map(|i| json!(i)),
            }
        }
        DraftChange::NewItem(new) => {
            let code = edited.add_item(new)?;
            DraftEdit {
                action: "framework.item.add",
                before: None,
                after: edited.item(code.as_str()).map(|i| json!(i)),
            }
        }
        DraftChange::RemoveItem { code } => {
            let removed = edited.remove_item(code)?;
            DraftEdit {
                action: "framework.item.remove",
                before: Some(json!(removed)),
                after: Some(json!({"code": removed.code})),
            }
        }
    };
    Ok((edited, edit))
}

/// The code a new item was added under, from the code the author gave: what the item's
/// address names once [`DraftChange::NewItem`] has been saved.
pub fn added_code(given: &str) -> String {
    ItemCode::parse(given).map_or_else(|_| given.trim().to_owned(), |c| c.to_string())
}

fn no_such(what: &str, code: &str) -> Problems {
    Problems::one("code", format!("{what} \"{code}\" is not in the framework"))
}

/// The fields whose values differ, as the before and after of an audit entry: an entry
/// records what changed, not every field of the form.
fn changed_fields(fields: &[(&str, &str, &str)]) -> (serde_json::Value, serde_json::Value) {
    let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
    for (name, was, now) in fields {
        if was != now {
            before.insert((*name).to_owned(), json!(was));
            after.insert((*name).to_owned(), json!(now));
        }
    }
    (before.into(), after.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pathway_domain::framework::VersionStatus;

    fn draft() -> Framework {
        let f: Framework = serde_json::from_str(include_str!(
            "../../../frameworks/hee-ahp-support-worker-2021.json"
        ))
        .unwrap();
        f.new_draft("2021.1".into())
    }

    #[test]
    fn an_edit_records_only_what_changed() {
        let f = draft();
        let (edited, edit) = apply(
            &f,
            DraftChange::Details {
                title: &f.meta.title,
                publisher: "NHS England",
                description: &f.meta.description,
            },
        )
        .unwrap();
        assert_eq!(edited.meta.publisher, "NHS England");
        assert_eq!(edit.action, "framework.details.edit");
        assert_eq!(
            edit.before,
            Some(json!({"publisher": f.meta.publisher.clone()}))
        );
        assert_eq!(edit.after, Some(json!({"publisher": "NHS England"})));
    }

    #[test]
    fn items_are_added_edited_and_removed_with_what_they_were() {
        let f = draft();
        let levels = f.levels().len();
        let (added, edit) = apply(
            &f,
            DraftChange::NewItem(NewItem {
                domain: "2".into(),
                code: "2.99".into(),
                title: "Swallowing".into(),
                kind: ItemKind::Competency,
                descriptors: vec![Descriptor::Text("Follows the plan.".into()); levels],
            }),
        )
        .unwrap();
        assert_eq!(edit.action, "framework.item.add");
        assert_eq!(edit.after.unwrap()["code"], "2.99");
        let (edited, edit) = apply(
            &added,
            DraftChange::Item {
                code: "2.99",
                title: "Safe swallowing".into(),
                kind: ItemKind::EntryRequirement,
                descriptors: vec![Descriptor::NotApplicable; levels],
            },
        )
        .unwrap();
        assert_eq!(edit.before.unwrap()["title"], "Swallowing");
        let item = edited.item("2.99").unwrap();
        assert_eq!(
            (item.title.as_str(), item.kind),
            ("Safe swallowing", ItemKind::EntryRequirement)
        );
        let (removed, edit) = apply(&edited, DraftChange::RemoveItem { code: "2.99" }).unwrap();
        assert!(removed.item("2.99").is_none());
        assert_eq!(edit.after, Some(json!({"code": "2.99"})));
    }

    #[test]
    fn problems_name_the_field_and_nothing_changes() {
        let f = draft();
        let problems = apply(
            &f,
            DraftChange::Domain {
                code: "2",
                title: " ",
                description: "",
            },
        )
        .unwrap_err();
        assert_eq!(problems.0[0].location, "title");
        let problems = apply(&f, DraftChange::RemoveItem { code: "9.9" }).unwrap_err();
        assert_eq!(problems.0[0].location, "code");
        let mut published = f.clone();
        published.meta.status = VersionStatus::Published;
        let problems = apply(&published, DraftChange::RemoveItem { code: "2.1" }).unwrap_err();
        assert_eq!(problems.0[0].location, "status");
    }
}
