//! First start: load the shipped framework. Demo: a small, realistic organisation tree
//! with a user for each role.

use crate::accounts::hash_password;
use pathway_domain::framework::Framework;
use pathway_domain::identity::{Email, OrgKind, Role};
use pathway_store::{Actor, Organisation, Store, StoreError};

/// The HEE framework as shipped in `frameworks/`, compiled into the binary.
pub const SHIPPED_FRAMEWORK_JSON: &str =
    include_str!("../../../frameworks/hee-ahp-support-worker-2021.json");
pub const SHIPPED_FRAMEWORK_ID: &str = "hee-ahp-support-worker-2021";

pub fn shipped_framework() -> Result<Framework, serde_json::Error> {
    serde_json::from_str(SHIPPED_FRAMEWORK_JSON)
}

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the shipped framework file is invalid: {0}")]
    Shipped(#[from] serde_json::Error),
    #[error("could not hash a password: {0}")]
    Hash(String),
}

/// Loads the shipped framework unless some version of it is already stored. Safe when
/// several instances start at once on one new database: one loads it, the others find it.
pub async fn ensure_shipped_framework(store: &Store) -> Result<bool, BootstrapError> {
    if !store
        .versions_of(SHIPPED_FRAMEWORK_ID, true)
        .await?
        .is_empty()
    {
        return Ok(false);
    }
    let framework = shipped_framework()?;
    let mut tx = store.begin().await?;
    let id = match tx.insert_framework(&Actor::system(), &framework).await {
        Ok(id) => id,
        // Several instances starting together on a new database: another one loaded it first.
        Err(StoreError::Conflict { .. }) => {
            tracing::info!(
                framework = SHIPPED_FRAMEWORK_ID,
                "another instance loaded the shipped framework"
            );
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    };
    tx.audit(
        &Actor::system(),
        "framework.import",
        "framework_version",
        id,
        None,
        Some(serde_json::json!({"framework": framework.id(), "version": framework.meta.version, "source": "shipped"})),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        framework = SHIPPED_FRAMEWORK_ID,
        "loaded the shipped framework"
    );
    Ok(true)
}

/// A demo account, printed so people can sign in.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// The role and where it is held: "Employer lead, North Trust".
    pub role: String,
    pub email: String,
    pub password: String,
}

struct DemoOrg {
    name: &'static str,
    kind: OrgKind,
    parent: Option<&'static str>,
}

const DEMO_ORGS: &[DemoOrg] = &[
    DemoOrg {
        name: "North East and Yorkshire",
        kind: OrgKind::Region,
        parent: None,
    },
    DemoOrg {
        name: "Humber and North Yorkshire ICS",
        kind: OrgKind::Ics,
        parent: Some("North East and Yorkshire"),
    },
    DemoOrg {
        name: "North Trust",
        kind: OrgKind::Employer,
        parent: Some("Humber and North Yorkshire ICS"),
    },
    DemoOrg {
        name: "South Trust",
        kind: OrgKind::Employer,
        parent: Some("Humber and North Yorkshire ICS"),
    },
    DemoOrg {
        name: "North Trust Physiotherapy",
        kind: OrgKind::Team,
        parent: Some("North Trust"),
    },
    DemoOrg {
        name: "Riverside Care",
        kind: OrgKind::SocialCareProvider,
        parent: Some("Humber and North Yorkshire ICS"),
    },
    DemoOrg {
        name: "ExR Training",
        kind: OrgKind::TrainingProvider,
        parent: Some("North East and Yorkshire"),
    },
    DemoOrg {
        name: "Northern College",
        kind: OrgKind::TrainingProvider,
        parent: Some("North East and Yorkshire"),
    },
];

/// (email, name, role, organisation; `None` for all of Pathway): at least two of each role,
/// so that what one person may do to a peer can be tried.
const DEMO_USERS: &[(&str, &str, Role, Option<&str>)] = &[
    (
        "admin@pathway.demo",
        "Alex Admin",
        Role::PlatformAdmin,
        None,
    ),
    (
        "admin2@pathway.demo",
        "Blake Admin",
        Role::PlatformAdmin,
        None,
    ),
    // A national framework author (who authors the shipped framework) and a regional one
    // (who authors the frameworks the region stewards).
    (
        "author@pathway.demo",
        "Fran Author",
        Role::FrameworkAuthor,
        None,
    ),
    (
        "author2@pathway.demo",
        "Dev Author",
        Role::FrameworkAuthor,
        Some("North East and Yorkshire"),
    ),
    (
        "regional@pathway.demo",
        "Rene Regional",
        Role::RegionalLead,
        Some("North East and Yorkshire"),
    ),
    (
        "regional2@pathway.demo",
        "Ravi Regional",
        Role::RegionalLead,
        Some("North East and Yorkshire"),
    ),
    (
        "ics@pathway.demo",
        "Isha Ics",
        Role::IcsLead,
        Some("Humber and North Yorkshire ICS"),
    ),
    (
        "ics2@pathway.demo",
        "Ira Ics",
        Role::IcsLead,
        Some("Humber and North Yorkshire ICS"),
    ),
    (
        "lead@north-trust.pathway.demo",
        "Nia Lead",
        Role::EmployerLead,
        Some("North Trust"),
    ),
    (
        "supervisor@north-trust.pathway.demo",
        "Sam Supervisor",
        Role::Supervisor,
        Some("North Trust"),
    ),
    (
        "lead2@north-trust.pathway.demo",
        "Noor Lead",
        Role::EmployerLead,
        Some("North Trust"),
    ),
    (
        "worker@north-trust.pathway.demo",
        "Wren Worker",
        Role::Worker,
        Some("North Trust"),
    ),
    (
        "physio.worker@north-trust.pathway.demo",
        "Pat Worker",
        Role::Worker,
        Some("North Trust Physiotherapy"),
    ),
    (
        "lead@south-trust.pathway.demo",
        "Sol Lead",
        Role::EmployerLead,
        Some("South Trust"),
    ),
    (
        "supervisor@south-trust.pathway.demo",
        "Sky Supervisor",
        Role::Supervisor,
        Some("South Trust"),
    ),
    (
        "worker@south-trust.pathway.demo",
        "Kit Worker",
        Role::Worker,
        Some("South Trust"),
    ),
    (
        "manager@riverside-care.pathway.demo",
        "Rae Manager",
        Role::EmployerLead,
        Some("Riverside Care"),
    ),
    (
        "worker@riverside-care.pathway.demo",
        "Lou Worker",
        Role::Worker,
        Some("Riverside Care"),
    ),
    (
        "provider@exr.pathway.demo",
        "Eli Provider",
        Role::TrainingProvider,
        Some("ExR Training"),
    ),
    (
        "provider@northern-college.pathway.demo",
        "Tam Provider",
        Role::TrainingProvider,
        Some("Northern College"),
    ),
];

/// Creates the demo organisations and users if missing and (re)sets the demo passwords:
/// `password` for all of them, or a fresh random one each.
pub async fn seed_demo(
    store: &Store,
    password: Option<&str>,
) -> Result<Vec<DemoLogin>, BootstrapError> {
    let actor = Actor::system();
    let mut tx = store.begin().await?;
    let mut orgs: Vec<Organisation> = Vec::new();
    for d in DEMO_ORGS {
        if let Some(existing) = store.org_by_name(d.name).await? {
            orgs.push(existing);
            continue;
        }
        let parent = d
            .parent
            .and_then(|p| orgs.iter().find(|o| o.name == p))
            .cloned();
        let org = tx
            .create_org(&actor, d.name, d.kind, parent.as_ref(), None)
            .await?;
        orgs.push(org);
    }
    let mut logins = Vec::new();
    for &(email, name, role, org_name) in DEMO_USERS {
        let password = password
            .map(str::to_owned)
            .unwrap_or_else(crate::accounts::generate_password);
        let hash = hash_password(&password).map_err(|e| BootstrapError::Hash(e.to_string()))?;
        let parsed = Email::parse(email).map_err(BootstrapError::Hash)?;
        match store.user_for_sign_in(email).await? {
            Some((user, _)) => {
                tx.reset_password(&actor, user.id, &hash, false).await?;
            }
            None => {
                let user = tx.create_user(&actor, &parsed, name, &hash, false).await?;
                let org = org_name.and_then(|n| orgs.iter().find(|o| o.name == n));
                tx.grant_role(&actor, user.id, role, org.map(|o| o.id))
                    .await?;
            }
        }
        logins.push(DemoLogin {
            role: match (org_name, role) {
                (Some(org), _) => format!("{}, {org}", role.label()),
                (None, Role::PlatformAdmin) => role.label().to_owned(),
                (None, _) => format!("{}, national", role.label()),
            },
            email: email.to_owned(),
            password,
        });
    }
    tx.commit().await?;
    Ok(logins)
}
