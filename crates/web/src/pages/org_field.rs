//! The organisation field of a form: where a user holds a role, an organisation's parent, a
//! framework's steward. An employer or ICS lead, who works with a few dozen organisations,
//! chooses from a list. A regional lead or a platform administrator may work with hundreds
//! or, nationally, thousands: a list that long cannot be read or scrolled by anyone, so they
//! type a name or ODS code instead, which the server looks up among the organisations they
//! may choose. When it names several, or only part of a name was typed, they choose from
//! those that match. Nothing here needs JavaScript.
//!
//! Whatever is chosen comes back as an id, which the handlers load and authorise exactly as
//! an id chosen from the list: this only finds organisations, it grants nothing.

use super::admin::{ChoiceGroup, org_choices};
use crate::error::AppError;
use crate::state::AppState;
use pathway_store::OrgSummary;

/// Up to this many organisations are offered as a list; more, and a name or code is typed.
pub const LIST_AT_MOST: i64 = 150;

/// How many of the organisations that match a typed name are offered to choose from.
pub const MATCHES_SHOWN: i64 = 20;

/// What a form shows for an organisation: a list, or a box for a name or code with the
/// organisations it matched.
#[derive(Debug, Default)]
pub struct OrgField {
    /// The list to choose from, when `search` is false.
    pub groups: Vec<ChoiceGroup>,
    /// Whether the organisation is typed rather than chosen from a list.
    pub search: bool,
    /// What was typed.
    pub text: String,
    /// Organisations the text matched (or the one chosen from them), offered as radios.
    pub matches: Vec<OrgMatch>,
}

/// An organisation a typed name matched.
#[derive(Debug, PartialEq, Eq)]
pub struct OrgMatch {
    pub value: String,
    pub label: String,
    /// What tells it from others of the same name: its kind, parent and code.
    pub hint: String,
    pub checked: bool,
}

/// What the organisation answer comes to.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The id to check and authorise ("" for none), as if it had been chosen from a list.
    Chosen(String),
    /// The text names no one organisation: why, and those to choose from.
    Ask {
        message: String,
        matches: Vec<OrgSummary>,
    },
}

/// What the organisation answer of a form (`chosen` from a list or from matches, else the
/// `text` typed) means, among the organisations at or below `roots` (all when `None`).
pub async fn look_up(
    state: &AppState,
    roots: Option<&[i64]>,
    chosen: &str,
    text: &str,
) -> Result<Lookup, AppError> {
    let text: String = text.trim().chars().take(100).collect();
    if !chosen.trim().is_empty() || text.is_empty() {
        return Ok(Lookup::Chosen(chosen.trim().to_owned()));
    }
    let named = state.store.orgs_named(roots, &text).await?;
    if !named.is_empty() {
        return Ok(decide(&text, named, None));
    }
    let found = state
        .store
        .orgs_page(roots, &text, 0, MATCHES_SHOWN)
        .await?;
    Ok(decide(&text, found.rows, Some(found.total)))
}

/// Looks up a form's organisation answer among the organisations at or below `roots` (all
/// when `None`): sets `org` to the id it comes to, or fills `matches` with those to choose
/// from and returns what was wrong.
pub async fn resolve(
    state: &AppState,
    roots: Option<&[i64]>,
    org: &mut String,
    text: &str,
    matches: &mut Vec<OrgSummary>,
) -> Result<Option<String>, AppError> {
    Ok(match look_up(state, roots, org, text).await? {
        Lookup::Chosen(id) => {
            *org = id;
            None
        }
        Lookup::Ask {
            message,
            matches: found,
        } => {
            *matches = found;
            Some(message)
        }
    })
}

/// The lookup's answer from the organisations named `text` exactly (`contain` is `None`), or
/// else from those whose name or code contains it (`contain` is how many in all). Only an
/// exact and single match is taken without asking: a part of a name may be part of the
/// wrong one.
fn decide(text: &str, mut orgs: Vec<OrgSummary>, contain: Option<i64>) -> Lookup {
    let message = match (contain, orgs.as_slice()) {
        (None, [only]) => return Lookup::Chosen(only.org.id.to_string()),
        (None, named) if named.len() <= MATCHES_SHOWN as usize => format!(
            "{} organisations are named “{text}”: choose the one you mean",
            named.len()
        ),
        // The store reads at most 100 of one name.
        (None, named) => format!(
            "{} organisations are named “{text}”, too many to list: type its ODS code instead. The first {MATCHES_SHOWN} are shown",
            if named.len() >= 100 {
                "100 or more".to_owned()
            } else {
                named.len().to_string()
            }
        ),
        (Some(0), _) => format!(
            "No organisation you can choose here has “{text}” in its name or ODS code: check the spelling, or type its ODS code"
        ),
        (Some(1), _) => format!(
            "No organisation is named “{text}”, but one has it in its name or code: choose it if it is the one you mean"
        ),
        (Some(n), _) if n <= MATCHES_SHOWN => format!(
            "No organisation is named “{text}”, but {n} have it in their name or code: choose the one you mean"
        ),
        (Some(n), _) => format!(
            "{n} organisations have “{text}” in their name or code, too many to list: type more of the name, or its ODS code. The first {MATCHES_SHOWN} are shown"
        ),
    };
    orgs.truncate(MATCHES_SHOWN as usize);
    Lookup::Ask {
        message,
        matches: orgs,
    }
}

impl OrgField {
    /// The field for a form, offering the organisations at or below `roots` (all when
    /// `None`): the list, with `chosen` selected, when they are few; else the `text` typed and the `matches` to choose from (or,
    /// when `chosen` came from them, that one organisation, checked).
    pub async fn offer(
        state: &AppState,
        roots: Option<&[i64]>,
        chosen: &str,
        text: &str,
        mut matches: Vec<OrgSummary>,
    ) -> Result<Self, AppError> {
        let first = state
            .store
            .orgs_page(roots, "", 0, LIST_AT_MOST + 1)
            .await?;
        if first.total <= LIST_AT_MOST {
            let orgs: Vec<_> = first.rows.into_iter().map(|s| s.org).collect();
            return Ok(Self {
                groups: org_choices(&orgs, chosen.trim()),
                ..Self::default()
            });
        }
        if matches.is_empty()
            && let Ok(id) = chosen.trim().parse::<i64>()
            && let Some(org) = state.store.org_in_scope(roots, id).await?
        {
            matches.push(org);
        }
        Ok(Self {
            search: true,
            text: text.trim().to_owned(),
            matches: matches
                .into_iter()
                .map(|s| org_match(s, chosen.trim()))
                .collect(),
            ..Self::default()
        })
    }
}

impl OrgField {
    /// Whether none of the matches is chosen, so "none of these" is.
    pub fn none_chosen(&self) -> bool {
        !self.matches.iter().any(|m| m.checked)
    }
}

fn org_match(s: OrgSummary, chosen: &str) -> OrgMatch {
    let mut hint = s.org.kind.label().to_owned();
    if let Some(parent) = &s.parent_name {
        hint.push_str(&format!(" in {parent}"));
    }
    if let Some(code) = &s.org.code {
        hint.push_str(&format!(", ODS code {code}"));
    }
    let value = s.org.id.to_string();
    OrgMatch {
        checked: value == chosen,
        label: s.org.name,
        hint,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pathway_domain::identity::OrgKind;
    use pathway_store::Organisation;

    fn summary(id: i64, name: &str, parent: Option<&str>, code: Option<&str>) -> OrgSummary {
        OrgSummary {
            org: Organisation {
                id,
                name: name.into(),
                kind: OrgKind::Team,
                parent_id: parent.map(|_| 1),
                code: code.map(Into::into),
            },
            parent_name: parent.map(Into::into),
        }
    }

    fn asked(l: Lookup) -> (String, usize) {
        match l {
            Lookup::Ask { message, matches } => (message, matches.len()),
            Lookup::Chosen(id) => panic!("chose {id}"),
        }
    }

    #[test]
    fn one_exact_name_or_code_is_taken_without_asking() {
        let only = vec![summary(7, "Physiotherapy", Some("North Trust"), None)];
        assert_eq!(
            decide("physiotherapy", only, None),
            Lookup::Chosen("7".into())
        );
    }

    #[test]
    fn several_of_the_same_name_are_offered() {
        let two = vec![
            summary(7, "Physiotherapy", Some("North Trust"), None),
            summary(9, "Physiotherapy", Some("South Trust"), None),
        ];
        let (message, offered) = asked(decide("Physiotherapy", two, None));
        assert_eq!(
            message,
            "2 organisations are named “Physiotherapy”: choose the one you mean"
        );
        assert_eq!(offered, 2);
        let many: Vec<_> = (0..100)
            .map(|i| summary(i, "Physiotherapy", Some("A Trust"), None))
            .collect();
        let (message, offered) = asked(decide("Physiotherapy", many, None));
        assert!(
            message.starts_with("100 or more organisations are named “Physiotherapy”, too many to list: type its ODS code"),
            "{message}"
        );
        assert_eq!(offered, MATCHES_SHOWN as usize);
    }

    #[test]
    fn part_of_a_name_is_never_taken_without_asking() {
        let one = vec![summary(7, "Physiotherapy", Some("North Trust"), None)];
        let (message, offered) = asked(decide("physio", one, Some(1)));
        assert!(message.contains("one has it in its name"), "{message}");
        assert_eq!(offered, 1);
        let (message, _) = asked(decide("physio", Vec::new(), Some(0)));
        assert!(message.starts_with("No organisation you can choose here"));
        let (message, _) = asked(decide("trust", Vec::new(), Some(400)));
        assert!(message.contains("400 organisations"), "{message}");
        assert!(message.contains("first 20 are shown"), "{message}");
    }

    #[test]
    fn matches_say_what_tells_them_apart() {
        let m = org_match(
            summary(7, "Physiotherapy", Some("North Trust"), Some("RX1")),
            "7",
        );
        assert_eq!(m.hint, "Service or team in North Trust, ODS code RX1");
        assert!(m.checked);
        assert!(!org_match(summary(8, "A", None, None), "7").checked);
        assert_eq!(
            org_match(summary(8, "A", None, None), "").hint,
            "Service or team"
        );
    }
}
