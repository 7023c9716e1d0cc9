//! Administration: organisations, users and their roles, and the audit log.
//!
//! Every handler reads as a script: authenticate, load, authorise, act in one transaction
//! with its audit entries, respond. Ids from requests and forms are never trusted: the thing
//! they name is loaded from the store and authorised against its ancestry there.

mod audit;
mod organisations;
mod privacy;
mod users;

use crate::auth::{SignedIn, Visitor};
use crate::error::AppError;
use crate::pages::paging::Paged;
use crate::state::AppState;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::get;
use pathway_domain::access::{Action, Principal, grantable_by};
use pathway_domain::identity::{OrgKind, Role};
use pathway_store::Organisation;
use std::collections::HashSet;

pub use crate::pages::forms::{Choice, Errors, sentence};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview))
        .merge(organisations::router())
        .merge(users::router())
        .merge(privacy::router())
        .merge(audit::router())
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct OverviewPage {
    ctx: PageCtx,
    show_audit: bool,
}

async fn overview(visitor: Visitor) -> Result<Response, AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], "/admin")?;
    let show_audit = user.principal.may(Action::ReadAuditLog, &[]);
    Ok(render(&OverviewPage {
        ctx: PageCtx::new(&visitor, "Administration", "admin"),
        show_audit,
    }))
}

/// A kind of organisation inside a sentence.
pub fn kind_noun(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Region => "region",
        OrgKind::Ics => "integrated care system",
        OrgKind::Employer => "employer",
        OrgKind::Team => "team",
        OrgKind::TrainingProvider => "training provider",
        OrgKind::SocialCareProvider => "social care provider",
    }
}

/// "A support worker", "An ICS lead", "An employer".
pub fn with_article(noun: &str) -> String {
    let vowel = noun
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {noun}", if vowel { "An" } else { "A" })
}

/// "an employer, team or social care provider" (empty for no nouns).
pub fn one_of(nouns: &[&str]) -> String {
    let Some((last, rest)) = nouns.split_last() else {
        return String::new();
    };
    let list = if rest.is_empty() {
        (*last).to_owned()
    } else {
        format!("{} or {last}", rest.join(", "))
    };
    with_article(&list).to_lowercase()
}

/// Options grouped under a heading (`<optgroup>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChoiceGroup {
    pub label: &'static str,
    pub choices: Vec<Choice>,
}

/// Organisations as options, grouped by kind in the hierarchy's order.
pub fn org_choices(orgs: &[Organisation], selected: &str) -> Vec<ChoiceGroup> {
    OrgKind::ALL
        .into_iter()
        .map(|kind| ChoiceGroup {
            label: kind.label(),
            choices: orgs
                .iter()
                .filter(|o| o.kind == kind)
                .map(|o| {
                    let value = o.id.to_string();
                    Choice {
                        selected: value == selected,
                        label: o.name.clone(),
                        value,
                    }
                })
                .collect(),
        })
        .filter(|g| !g.choices.is_empty())
        .collect()
}

pub fn role_choices(roles: &[Role], selected: &str) -> Vec<Choice> {
    roles
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: r.label().to_owned(),
            selected: r.as_str() == selected,
        })
        .collect()
}

/// Roles whose holders administer the organisations under them.
fn is_lead(role: Role) -> bool {
    matches!(
        role,
        Role::EmployerLead | Role::IcsLead | Role::RegionalLead
    )
}

/// Where an administrator's scope starts, for queries that apply it in the database: `None`
/// for platform administrators (everything), else the organisations where they hold a lead
/// role (everything at or below them).
pub fn scope_roots(user: &SignedIn) -> Option<Vec<i64>> {
    if user.principal.is_platform_admin() {
        return None;
    }
    Some(
        user.principal
            .grants
            .iter()
            .filter(|g| is_lead(g.role))
            .filter_map(|g| g.org)
            .collect(),
    )
}

/// Which organisations an administrator works with, to check each row of a list against:
/// everything for a platform administrator (found without a query, which at national size
/// would read every organisation for nothing), else a set of ids.
pub enum InScope {
    Everything,
    Only(HashSet<i64>),
}

impl InScope {
    pub async fn of(state: &AppState, user: &SignedIn) -> Result<Self, AppError> {
        Ok(match scope_roots(user) {
            None => Self::Everything,
            Some(roots) => Self::Only(
                state
                    .store
                    .orgs_in_scope(Some(&roots))
                    .await?
                    .iter()
                    .map(|o| o.id)
                    .collect(),
            ),
        })
    }

    pub fn everything(&self) -> bool {
        matches!(self, Self::Everything)
    }

    pub fn contains(&self, org_id: Option<i64>) -> bool {
        match self {
            Self::Everything => true,
            Self::Only(ids) => org_id.is_some_and(|id| ids.contains(&id)),
        }
    }
}

/// Roles this administrator may grant somewhere, in the usual order. Platform
/// administrator is offered only to platform administrators.
pub fn grantable_roles(principal: &Principal) -> Vec<Role> {
    let admin = principal.is_platform_admin();
    Role::ALL
        .into_iter()
        .filter(|r| admin || *r != Role::PlatformAdmin)
        .filter(|r| {
            principal
                .grants
                .iter()
                .any(|g| grantable_by(g.role).contains(r))
        })
        .collect()
}

/// A list's search and page, as sent in its address (`?q=…&page=…`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub page: Option<String>,
}

impl ListQuery {
    /// The search, trimmed; very long ones are cut, as nothing that long names anyone.
    pub fn search(&self) -> String {
        self.q.trim().chars().take(100).collect()
    }
}

/// A list's caption: what it holds and which rows are shown, as in "Users matching “ann”:
/// 1 to 3 of 3". Given what the list holds, its title when it holds everything, and its
/// title when it holds what a lead administers.
pub fn list_caption<T>(
    found: &Paged<T>,
    search: &str,
    everything: bool,
    [things, all, scoped]: [&str; 3],
) -> String {
    let whom = match (search.is_empty(), everything) {
        (false, _) => format!("{things} matching “{search}”"),
        (true, true) => all.to_owned(),
        (true, false) => scoped.to_owned(),
    };
    format!(
        "{whom}: {} to {} of {}",
        found.first, found.last, found.total
    )
}

/// Ids in paths are numbers; anything else names nothing.
pub fn path_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .map_err(|_| AppError::NotFound(sentence(what)))
}

/// The ancestry authorisation checks against: the organisation's, or none for a
/// platform-wide grant.
pub async fn ancestry_of(state: &AppState, org_id: Option<i64>) -> Result<Vec<i64>, AppError> {
    match org_id {
        Some(id) => Ok(state.store.org_ancestry(id).await?),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, name: &str, kind: OrgKind) -> Organisation {
        Organisation {
            id,
            name: name.into(),
            kind,
            parent_id: None,
            code: None,
        }
    }

    #[test]
    fn organisations_are_offered_grouped_by_kind() {
        let orgs = [
            org(3, "North Trust", OrgKind::Employer),
            org(1, "North East", OrgKind::Region),
            org(4, "South Trust", OrgKind::Employer),
        ];
        let groups = org_choices(&orgs, "4");
        assert_eq!(
            groups.iter().map(|g| g.label).collect::<Vec<_>>(),
            ["Region", "Employer"]
        );
        assert_eq!(
            groups[1]
                .choices
                .iter()
                .map(|c| (c.label.as_str(), c.selected))
                .collect::<Vec<_>>(),
            [("North Trust", false), ("South Trust", true)]
        );
    }

    #[test]
    fn administrators_are_offered_the_roles_they_may_grant() {
        use pathway_domain::access::Grant;
        let who = |grants: &[(Role, Option<i64>)]| Principal {
            user_id: 1,
            grants: grants
                .iter()
                .map(|&(role, org)| Grant { role, org })
                .collect(),
        };
        assert_eq!(
            grantable_roles(&who(&[
                (Role::EmployerLead, Some(3)),
                (Role::Worker, Some(3))
            ])),
            [Role::Worker, Role::Supervisor, Role::EmployerLead]
        );
        assert_eq!(
            grantable_roles(&who(&[(Role::PlatformAdmin, None)])),
            Role::ALL
        );
        assert!(grantable_roles(&who(&[(Role::Supervisor, Some(3))])).is_empty());
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(with_article("ICS lead"), "An ICS lead");
        assert_eq!(with_article("region"), "A region");
        assert_eq!(
            one_of(&["employer", "team", "social care provider"]),
            "an employer, team or social care provider"
        );
        assert_eq!(one_of(&["region"]), "a region");
        assert_eq!(one_of(&[]), "");
    }

    #[test]
    fn bad_path_ids_are_not_found() {
        assert_eq!(path_id("12", "user").ok(), Some(12));
        assert!(matches!(path_id("12x", "user"), Err(AppError::NotFound(w)) if w == "User"));
    }
}
