//! Who may do what, decided in one place.
//!
//! A role held at an organisation applies to that organisation and everything below it
//! (its *scope*). Handlers never test roles themselves: they ask [`Principal::may`] with an
//! [`Action`] and, for organisation-scoped actions, the target organisation's ancestry
//! (the organisation itself first, then its parent, up to the top) as loaded from storage.

use crate::identity::Role;
use serde::Serialize;

pub type OrgId = i64;
pub type UserId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub role: Role,
    /// `None` for a role over all of Pathway: a platform administrator, or a framework author
    /// of national frameworks.
    pub org: Option<OrgId>,
}

/// The signed-in user as authorisation sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub grants: Vec<Grant>,
}

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read published frameworks. Frameworks are public documents: anyone may.
    ReadPublishedFrameworks,
    /// Author frameworks at all: open the import page and import a new framework.
    AuthorFrameworks,
    /// See and edit the drafts of one framework, start and discard them, publish them, and
    /// import new versions of it. The target is the ancestry of the organisation that
    /// stewards the framework, empty for a national framework: a framework author's role
    /// covers the frameworks its organisation and those below it steward, and a framework
    /// author held across all of Pathway covers every framework, national ones included.
    AuthorFramework,
    /// Open the administration pages at all.
    OpenAdministration,
    /// Add an organisation under the target (or at the top, with no target).
    CreateOrganisation,
    /// See the target organisation and its users.
    ViewOrganisation,
    /// Add users to, and grant roles at, the target organisation.
    ManageUsers,
    /// Rename the target organisation or change its code: whoever administers it.
    EditOrganisation,
    /// Grant this role at the target organisation.
    GrantRole(Role),
    /// Read and verify the audit log.
    ReadAuditLog,
}

impl Principal {
    pub fn is_platform_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == Role::PlatformAdmin)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Roles the user holds whose scope covers an organisation with this ancestry.
    fn roles_over<'a>(&'a self, ancestry: &'a [OrgId]) -> impl Iterator<Item = Role> + 'a {
        self.grants.iter().filter_map(move |g| match g.org {
            None => Some(g.role),
            Some(o) if ancestry.contains(&o) => Some(g.role),
            Some(_) => None,
        })
    }

    /// Decides an action. `target` is the ancestry of the organisation acted on, target first;
    /// empty when the action is not about one organisation.
    pub fn may(&self, action: Action, target: &[OrgId]) -> bool {
        if self.is_platform_admin() {
            return true;
        }
        let lead = |r: Role| matches!(r, Role::EmployerLead | Role::IcsLead | Role::RegionalLead);
        match action {
            Action::ReadPublishedFrameworks => true,
            Action::AuthorFrameworks => self.has_role(Role::FrameworkAuthor),
            Action::AuthorFramework => self
                .roles_over(target)
                .any(|held| held == Role::FrameworkAuthor),
            Action::OpenAdministration => self.grants.iter().any(|g| lead(g.role)),
            Action::ReadAuditLog => false,
            // Only platform administrators add top-level organisations.
            Action::CreateOrganisation
            | Action::ViewOrganisation
            | Action::ManageUsers
            | Action::EditOrganisation => !target.is_empty() && self.roles_over(target).any(lead),
            Action::GrantRole(role) => {
                !target.is_empty()
                    && self
                        .roles_over(target)
                        .any(|held| grantable_by(held).contains(&role))
            }
        }
    }
}

impl Principal {
    /// Whether this user may act on another's account as a whole: reset its password, disable
    /// or enable it. An account is one person's across every organisation, so every role it
    /// holds (given as the role and its organisation's ancestry, empty for platform-wide
    /// roles) must be one this user holds a role *above*, over that organisation: otherwise an
    /// employer lead could take over an ICS lead who also works in their trust, or a fellow
    /// employer lead (a reset shows the new password to whoever reset it). An account with no
    /// roles is for platform administrators only, and nobody acts on their own account this
    /// way (they change their own password on their account page).
    pub fn may_manage_account(&self, account: UserId, roles: &[(Role, &[OrgId])]) -> bool {
        if account == self.user_id {
            return false;
        }
        if self.is_platform_admin() {
            return true;
        }
        !roles.is_empty()
            && roles
                .iter()
                .all(|(role, ancestry)| self.outranks(*role, ancestry))
    }

    /// Whether this user may take `role`, held at the organisation with `ancestry`, away from
    /// someone. Granting a role needs only the right to grant it (a lead may make a fellow
    /// lead), but taking one away needs a role above it: otherwise a lead could strip a fellow
    /// lead down to a worker, whose account they may then reset and take over.
    pub fn may_revoke(&self, role: Role, ancestry: &[OrgId]) -> bool {
        self.is_platform_admin() || self.outranks(role, ancestry)
    }

    /// Holds, over the organisation with `ancestry`, a role that may grant `role` and is not
    /// `role` itself.
    fn outranks(&self, role: Role, ancestry: &[OrgId]) -> bool {
        !ancestry.is_empty()
            && self
                .roles_over(ancestry)
                .any(|held| held != role && grantable_by(held).contains(&role))
    }
}

/// Roles a holder of `role` may grant within their scope: never above their own.
pub fn grantable_by(role: Role) -> &'static [Role] {
    match role {
        Role::PlatformAdmin => &Role::ALL,
        Role::RegionalLead => &[
            Role::Worker,
            Role::Supervisor,
            Role::EmployerLead,
            Role::IcsLead,
            Role::RegionalLead,
        ],
        Role::IcsLead => &[
            Role::Worker,
            Role::Supervisor,
            Role::EmployerLead,
            Role::IcsLead,
        ],
        Role::EmployerLead => &[Role::Worker, Role::Supervisor, Role::EmployerLead],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGION: OrgId = 1;
    const ICS: OrgId = 2;
    const TRUST_A: OrgId = 3;
    const TRUST_B: OrgId = 4;
    const TEAM_A: OrgId = 5;

    fn who(grants: &[(Role, Option<OrgId>)]) -> Principal {
        Principal {
            user_id: 9,
            grants: grants
                .iter()
                .map(|&(role, org)| Grant { role, org })
                .collect(),
        }
    }

    #[test]
    fn anyone_reads_published_frameworks() {
        assert!(who(&[]).may(Action::ReadPublishedFrameworks, &[]));
    }

    #[test]
    fn a_role_covers_its_organisation_and_everything_below() {
        let lead = who(&[(Role::EmployerLead, Some(TRUST_A))]);
        assert!(lead.may(Action::ManageUsers, &[TEAM_A, TRUST_A, ICS, REGION]));
        assert!(lead.may(Action::ManageUsers, &[TRUST_A, ICS, REGION]));
        assert!(!lead.may(Action::ManageUsers, &[TRUST_B, ICS, REGION]));
        assert!(!lead.may(Action::ManageUsers, &[ICS, REGION]));
        let ics = who(&[(Role::IcsLead, Some(ICS))]);
        assert!(ics.may(Action::ViewOrganisation, &[TRUST_B, ICS, REGION]));
    }

    #[test]
    fn leads_grant_only_roles_at_or_below_their_own() {
        let lead = who(&[(Role::EmployerLead, Some(TRUST_A))]);
        let at = [TRUST_A, ICS, REGION];
        assert!(lead.may(Action::GrantRole(Role::Supervisor), &at));
        assert!(!lead.may(Action::GrantRole(Role::IcsLead), &at));
        assert!(!lead.may(Action::GrantRole(Role::PlatformAdmin), &at));
    }

    #[test]
    fn workers_and_supervisors_administer_nothing() {
        let worker = who(&[
            (Role::Worker, Some(TRUST_A)),
            (Role::Supervisor, Some(TRUST_A)),
        ]);
        assert!(!worker.may(Action::OpenAdministration, &[]));
        assert!(!worker.may(Action::ManageUsers, &[TRUST_A, ICS, REGION]));
        assert!(!worker.may(Action::AuthorFrameworks, &[]));
        assert!(!worker.may(Action::ReadAuditLog, &[]));
    }

    #[test]
    fn platform_admins_may_do_everything_and_only_they_add_top_level_organisations() {
        let admin = who(&[(Role::PlatformAdmin, None)]);
        assert!(admin.may(Action::CreateOrganisation, &[]));
        assert!(admin.may(Action::ReadAuditLog, &[]));
        let regional = who(&[(Role::RegionalLead, Some(REGION))]);
        assert!(!regional.may(Action::CreateOrganisation, &[]));
        assert!(regional.may(Action::CreateOrganisation, &[REGION]));
    }

    #[test]
    fn accounts_are_managed_only_by_someone_who_could_grant_every_role_they_hold() {
        let lead = who(&[(Role::EmployerLead, Some(TRUST_A))]);
        let in_team: &[OrgId] = &[TEAM_A, TRUST_A, ICS, REGION];
        let in_ics: &[OrgId] = &[ICS, REGION];
        let other_trust: &[OrgId] = &[TRUST_B, ICS, REGION];
        assert!(lead.may_manage_account(1, &[(Role::Worker, in_team)]));
        // A fellow lead of the same rank is not this lead's to take over; the ICS lead's is.
        assert!(!lead.may_manage_account(1, &[(Role::EmployerLead, in_team)]));
        let ics_lead = who(&[(Role::IcsLead, Some(ICS))]);
        assert!(ics_lead.may_manage_account(1, &[(Role::EmployerLead, in_team)]));
        assert!(!ics_lead.may_manage_account(1, &[(Role::IcsLead, in_ics)]));
        assert!(
            lead.may_manage_account(1, &[(Role::Worker, in_team), (Role::Supervisor, in_team)])
        );
        // The same person also leads the ICS, or also works in another trust: not this lead's.
        assert!(!lead.may_manage_account(1, &[(Role::Worker, in_team), (Role::IcsLead, in_ics)]));
        assert!(
            !lead.may_manage_account(1, &[(Role::Worker, in_team), (Role::Worker, other_trust)])
        );
        assert!(
            !lead.may_manage_account(1, &[(Role::Worker, in_team), (Role::PlatformAdmin, &[])])
        );
        assert!(!lead.may_manage_account(1, &[]), "an account with no roles");
        assert!(
            !lead.may_manage_account(9, &[(Role::Worker, in_team)]),
            "their own account"
        );

        let admin = who(&[(Role::PlatformAdmin, None)]);
        assert!(admin.may_manage_account(1, &[]));
        assert!(admin.may_manage_account(1, &[(Role::PlatformAdmin, &[])]));
        assert!(!admin.may_manage_account(9, &[(Role::PlatformAdmin, &[])]));
        assert!(
            !who(&[(Role::Supervisor, Some(TRUST_A))])
                .may_manage_account(1, &[(Role::Worker, in_team)])
        );
    }

    #[test]
    fn a_role_is_taken_away_only_by_someone_above_it() {
        let lead = who(&[(Role::EmployerLead, Some(TRUST_A))]);
        let at: &[OrgId] = &[TRUST_A, ICS, REGION];
        assert!(
            lead.may(Action::GrantRole(Role::EmployerLead), at),
            "a lead may make a fellow lead"
        );
        assert!(
            !lead.may_revoke(Role::EmployerLead, at),
            "but not unmake one"
        );
        assert!(lead.may_revoke(Role::Worker, at));
        assert!(lead.may_revoke(Role::Supervisor, &[TEAM_A, TRUST_A, ICS, REGION]));
        assert!(!lead.may_revoke(Role::Worker, &[TRUST_B, ICS, REGION]));
        let ics = who(&[(Role::IcsLead, Some(ICS))]);
        assert!(ics.may_revoke(Role::EmployerLead, at));
        assert!(!ics.may_revoke(Role::IcsLead, &[ICS, REGION]));
        assert!(who(&[(Role::PlatformAdmin, None)]).may_revoke(Role::PlatformAdmin, &[]));
    }

    #[test]
    fn organisations_are_edited_by_whoever_administers_them() {
        let lead = who(&[(Role::EmployerLead, Some(TRUST_A))]);
        assert!(lead.may(Action::EditOrganisation, &[TRUST_A, ICS, REGION]));
        assert!(lead.may(Action::EditOrganisation, &[TEAM_A, TRUST_A, ICS, REGION]));
        assert!(!lead.may(Action::EditOrganisation, &[TRUST_B, ICS, REGION]));
        assert!(
            !lead.may(Action::EditOrganisation, &[ICS, REGION]),
            "not above them"
        );
        assert!(!who(&[(Role::Worker, Some(TRUST_A))]).may(Action::EditOrganisation, &[TRUST_A]));
        assert!(
            !who(&[(Role::FrameworkAuthor, Some(REGION))]).may(Action::EditOrganisation, &[REGION])
        );
        assert!(who(&[(Role::PlatformAdmin, None)]).may(Action::EditOrganisation, &[REGION]));
    }

    #[test]
    fn framework_authors_author_frameworks() {
        assert!(who(&[(Role::FrameworkAuthor, Some(REGION))]).may(Action::AuthorFrameworks, &[]));
        assert!(!who(&[(Role::EmployerLead, Some(TRUST_A))]).may(Action::AuthorFrameworks, &[]));
    }

    #[test]
    fn a_framework_is_authored_within_the_scope_of_the_organisation_that_stewards_it() {
        let regional = who(&[(Role::FrameworkAuthor, Some(REGION))]);
        let at_trust = who(&[(Role::FrameworkAuthor, Some(TRUST_A))]);
        let national = who(&[(Role::FrameworkAuthor, None)]);
        let trust_a = [TRUST_A, ICS, REGION];
        // A framework a trust stewards: its authors, and those of the organisations above it.
        assert!(regional.may(Action::AuthorFramework, &trust_a));
        assert!(at_trust.may(Action::AuthorFramework, &trust_a));
        assert!(national.may(Action::AuthorFramework, &trust_a));
        // A framework the region stewards: not the trust's authors.
        assert!(!at_trust.may(Action::AuthorFramework, &[REGION]));
        assert!(!at_trust.may(Action::AuthorFramework, &[TRUST_B, ICS, REGION]));
        // A national framework: national authors and platform administrators only.
        assert!(!regional.may(Action::AuthorFramework, &[]));
        assert!(national.may(Action::AuthorFramework, &[]));
        assert!(who(&[(Role::PlatformAdmin, None)]).may(Action::AuthorFramework, &[]));
        // Other roles over the steward are not authorship.
        assert!(!who(&[(Role::RegionalLead, Some(REGION))]).may(Action::AuthorFramework, &trust_a));
    }
}
