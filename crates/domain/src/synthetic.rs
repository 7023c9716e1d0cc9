//! The synthetic national data set: England's AHP support workforce at full size, made up,
//! for benchmarks and load tests. Seven regions hold 42 integrated care systems (as many as
//! each real region has); each system holds NHS employers with services and teams, social
//! care providers and a training provider; 100,000 support workers (at scale 1) hold the
//! worker role in a team, with a supervisor for about every eight and leads at every level.
//!
//! The plan is pure: the same scale and seed always give the same organisations and
//! people, so benchmark runs on different days and databases measure the same data.
//! Nothing in it is real: names are drawn from short lists, organisation codes start with
//! `SYN` and every email address is under `synthetic.test`, a domain reserved for testing
//! (RFC 2606) that can never reach anyone. Later capabilities (passports, workforce
//! records, readiness rounds) add their own records to the same plan.

use crate::identity::{OrgKind, Role};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The email domain of every synthetic user.
pub const EMAIL_DOMAIN: &str = "synthetic.test";

/// Support workers at scale 1, as the product brief sets the national data set.
pub const WORKERS_AT_SCALE_ONE: usize = 100_000;

/// The largest scale accepted: ten times England (a million workers) is already far beyond
/// any deployment, and keeps a mistyped scale from filling a disk.
pub const MAX_SCALE: f64 = 10.0;

/// NHS England's seven regions and how many integrated care systems each holds (42 in all).
const REGIONS: [(&str, usize); 7] = [
    ("North East and Yorkshire", 4),
    ("North West", 3),
    ("Midlands", 11),
    ("East of England", 6),
    ("London", 5),
    ("South East", 6),
    ("South West", 7),
];

/// Services an employer's AHP support workers work in.
const SERVICES: [&str; 8] = [
    "Physiotherapy",
    "Occupational therapy",
    "Dietetics",
    "Speech and language therapy",
    "Podiatry",
    "Radiography",
    "Orthoptics",
    "Therapy outreach",
];

const GIVEN_NAMES: [&str; 32] = [
    "Aisha", "Ben", "Chloe", "Daniel", "Emma", "Farah", "George", "Hannah", "Imran", "Jade",
    "Kwame", "Laura", "Mohammed", "Niamh", "Oliver", "Priya", "Quinn", "Rosa", "Samuel", "Tara",
    "Usman", "Violet", "William", "Xena", "Yusuf", "Zoe", "Amir", "Bethan", "Callum", "Deepa",
    "Eilidh", "Femi",
];

const FAMILY_NAMES: [&str; 32] = [
    "Ahmed",
    "Baker",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quigley",
    "Roberts",
    "Singh",
    "Taylor",
    "Underwood",
    "Vaughan",
    "Walker",
    "Xu",
    "Young",
    "Zielinski",
    "Begum",
    "Clarke",
    "Doyle",
    "Edwards",
    "Foster",
    "Gill",
];

/// How big, and which draw of, the national data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// 1.0 is England: 100,000 support workers in about 200 NHS employers. Organisations
    /// above employers (regions, systems) are always all there; employers, teams and
    /// people scale.
    pub scale: f64,
    pub seed: u64,
}

impl Params {
    /// Checks the scale: positive, at most [`MAX_SCALE`], and big enough for one worker.
    pub fn new(scale: f64, seed: u64) -> Result<Self, String> {
        if !scale.is_finite() || scale <= 0.0 {
            return Err(format!(
                "the scale must be a number above 0 (1 is England); got {scale}"
            ));
        }
        if scale > MAX_SCALE {
            return Err(format!(
                "the scale must be at most {MAX_SCALE} ({} support workers); got {scale}",
                (MAX_SCALE * WORKERS_AT_SCALE_ONE as f64) as usize
            ));
        }
        if scale * (WORKERS_AT_SCALE_ONE as f64) < 1.0 {
            return Err(format!(
                "the scale {scale} is too small for a single support worker; use at least {}",
                1.0 / WORKERS_AT_SCALE_ONE as f64
            ));
        }
        Ok(Self { scale, seed })
    }

    fn workers(&self) -> usize {
        (self.scale * WORKERS_AT_SCALE_ONE as f64).round() as usize
    }
}

/// An organisation to create; `parent` is the index of an earlier one in [`Plan::orgs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOrg {
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<usize>,
    pub code: String,
}

/// A user to create, with the roles they hold: (role, index in [`Plan::orgs`], or `None`
/// for a role over all of Pathway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUser {
    pub email: String,
    pub name: String,
    pub grants: Vec<(Role, Option<usize>)>,
}

/// The whole data set, parents before children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub orgs: Vec<PlannedOrg>,
    pub users: Vec<PlannedUser>,
}

impl Plan {
    pub fn grant_count(&self) -> usize {
        self.users.iter().map(|u| u.grants.len()).sum()
    }

    pub fn count_orgs(&self, kind: OrgKind) -> usize {
        self.orgs.iter().filter(|o| o.kind == kind).count()
    }

    /// Users holding `role` anywhere.
    pub fn count_role(&self, role: Role) -> usize {
        self.users
            .iter()
            .filter(|u| u.grants.iter().any(|(r, _)| *r == role))
            .count()
    }
}

/// Well-known accounts of every data set, so benchmarks and testers know whom to sign in as.
/// Each is the first of its kind in the plan.
pub mod accounts {
    /// The platform administrator.
    pub const ADMIN: &str = "admin@synthetic.test";
    /// The regional lead of North East and Yorkshire.
    pub const REGIONAL_LEAD: &str = "regional-lead.syn-r1@synthetic.test";
    /// The ICS lead of the first system.
    pub const ICS_LEAD: &str = "ics-lead.syn-q01@synthetic.test";
    /// The employer lead of the first system's first employer.
    pub const EMPLOYER_LEAD: &str = "employer-lead.syn-e001@synthetic.test";
}

/// Builds the plan: deterministic for `params`.
pub fn plan(params: Params) -> Plan {
    let mut builder = Builder {
        rng: ChaCha8Rng::seed_from_u64(params.seed),
        plan: Plan {
            orgs: Vec::new(),
            users: Vec::new(),
        },
        people: 0,
    };
    builder.build(params);
    builder.plan
}

struct Builder {
    rng: ChaCha8Rng,
    plan: Plan,
    /// People named so far, so every made-up email address is different.
    people: usize,
}

/// An employer or social care provider and the teams its workers and supervisors sit in.
struct Workplace {
    teams: Vec<usize>,
    /// Its relative size: how many of the nation's workers it employs, in proportion.
    weight: f64,
}

impl Builder {
    fn build(&mut self, params: Params) {
        let workers = params.workers();
        // About 200 NHS employers at scale 1 (4 to 6 a system), never fewer than one a
        // system, so even a small data set has the full shape.
        let employer_share = params.scale.min(1.0);
        let mut workplaces = Vec::new();
        let mut ics_number = 0;
        let mut employer_number = 0;
        let mut care_number = 0;
        self.user(
            accounts::ADMIN.to_owned(),
            "Synthetic Administrator".to_owned(),
            vec![(Role::PlatformAdmin, None)],
        );
        self.user(
            format!("framework-author@{EMAIL_DOMAIN}"),
            "Synthetic Framework Author".to_owned(),
            vec![(Role::FrameworkAuthor, None)],
        );
        for (r, (region_name, systems)) in REGIONS.iter().enumerate() {
            let region_code = format!("SYN-R{}", r + 1);
            let region = self.org(region_name.to_string(), OrgKind::Region, None, &region_code);
            self.leads(Role::RegionalLead, "regional-lead", region, &region_code, 2);
            let provider_code = format!("SYN-T{}", r + 1);
            let provider = self.org(
                format!("{region_name} Training Partnership (synthetic)"),
                OrgKind::TrainingProvider,
                Some(region),
                &provider_code,
            );
            self.leads(
                Role::TrainingProvider,
                "training",
                provider,
                &provider_code,
                2,
            );
            for s in 0..*systems {
                ics_number += 1;
                let ics_code = format!("SYN-Q{ics_number:02}");
                let ics = self.org(
                    format!("{region_name} System {} (synthetic ICS)", s + 1),
                    OrgKind::Ics,
                    Some(region),
                    &ics_code,
                );
                self.leads(Role::IcsLead, "ics-lead", ics, &ics_code, 2);
                let employers =
                    ((self.rng.gen_range(4..=6) as f64 * employer_share).round() as usize).max(1);
                for e in 0..employers {
                    employer_number += 1;
                    let code = format!("SYN-E{employer_number:03}");
                    let name = format!(
                        "{region_name} System {} {} NHS Trust (synthetic)",
                        s + 1,
                        [
                            "Acute",
                            "Community",
                            "Teaching",
                            "Mental Health",
                            "Partnership",
                            "Hospitals"
                        ][e % 6]
                    );
                    let employer = self.org(name, OrgKind::Employer, Some(ics), &code);
                    self.leads(Role::EmployerLead, "employer-lead", employer, &code, 2);
                    let services = self.rng.gen_range(4..=SERVICES.len());
                    let teams = (0..services)
                        .map(|t| {
                            self.org(
                                format!("{} {}", self.plan.orgs[employer].name, SERVICES[t]),
                                OrgKind::Team,
                                Some(employer),
                                &format!("{code}-{}", t + 1),
                            )
                        })
                        .collect();
                    let weight = self.rng.gen_range(0.5..2.0);
                    workplaces.push(Workplace { teams, weight });
                }
                // Social care employs a tenth of the data set's support workers.
                for _ in 0..2 {
                    care_number += 1;
                    let code = format!("SYN-C{care_number:03}");
                    let care = self.org(
                        format!(
                            "{region_name} System {} Care Provider {care_number} (synthetic)",
                            s + 1
                        ),
                        OrgKind::SocialCareProvider,
                        Some(ics),
                        &code,
                    );
                    self.leads(Role::EmployerLead, "employer-lead", care, &code, 1);
                    let team = self.org(
                        format!("{} Rehabilitation", self.plan.orgs[care].name),
                        OrgKind::Team,
                        Some(care),
                        &format!("{code}-1"),
                    );
                    workplaces.push(Workplace {
                        teams: vec![team],
                        weight: 0.12,
                    });
                }
            }
        }
        self.workforce(&workplaces, workers);
    }

    /// Shares `workers` among the workplaces by weight (largest remainders, so the total is
    /// exact), each with a supervisor for every eight workers or part of eight.
    fn workforce(&mut self, workplaces: &[Workplace], workers: usize) {
        let total: f64 = workplaces.iter().map(|w| w.weight).sum();
        let exact: Vec<f64> = workplaces
            .iter()
            .map(|w| w.weight / total * workers as f64)
            .collect();
        let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
        let mut by_remainder: Vec<usize> = (0..workplaces.len()).collect();
        by_remainder.sort_by(|&a, &b| {
            let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
            rb.total_cmp(&ra).then(a.cmp(&b))
        });
        let short = workers - counts.iter().sum::<usize>();
        for &i in by_remainder.iter().take(short) {
            counts[i] += 1;
        }
        for (workplace, count) in workplaces.iter().zip(counts) {
            for n in 0..count {
                let team = workplace.teams[n % workplace.teams.len()];
                if n % 8 == 0 {
                    self.person(Role::Supervisor, team);
                }
                self.person(Role::Worker, team);
            }
        }
    }

    fn org(&mut self, name: String, kind: OrgKind, parent: Option<usize>, code: &str) -> usize {
        self.plan.orgs.push(PlannedOrg {
            name,
            kind,
            parent,
            code: code.to_owned(),
        });
        self.plan.orgs.len() - 1
    }

    /// `count` people holding `role` at `org`, the first with a well-known address.
    fn leads(&mut self, role: Role, prefix: &str, org: usize, code: &str, count: usize) {
        let code = code.to_lowercase();
        for n in 1..=count {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("-{n}")
            };
            let email = format!("{prefix}.{code}{suffix}@{EMAIL_DOMAIN}");
            let name = self.name();
            self.user(email, name, vec![(role, Some(org))]);
        }
    }

    fn person(&mut self, role: Role, team: usize) {
        let name = self.name();
        let email = format!(
            "{}.{}@{EMAIL_DOMAIN}",
            name.to_lowercase().replace(' ', "."),
            self.people
        );
        self.user(email, name, vec![(role, Some(team))]);
    }

    fn name(&mut self) -> String {
        self.people += 1;
        let given = GIVEN_NAMES[self.rng.gen_range(0..GIVEN_NAMES.len())];
        let family = FAMILY_NAMES[self.rng.gen_range(0..FAMILY_NAMES.len())];
        format!("{given} {family}")
    }

    fn user(&mut self, email: String, name: String, grants: Vec<(Role, Option<usize>)>) {
        self.plan.users.push(PlannedUser {
            email,
            name,
            grants,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn england() -> Plan {
        plan(Params::new(1.0, 1).expect("scale 1"))
    }

    #[test]
    fn england_has_the_shape_the_brief_describes() {
        let plan = england();
        assert_eq!(plan.count_orgs(OrgKind::Region), 7);
        assert_eq!(plan.count_orgs(OrgKind::Ics), 42);
        let employers = plan.count_orgs(OrgKind::Employer);
        assert!((168..=252).contains(&employers), "{employers} employers");
        assert_eq!(plan.count_orgs(OrgKind::SocialCareProvider), 84);
        assert_eq!(plan.count_orgs(OrgKind::TrainingProvider), 7);
        assert_eq!(plan.count_role(Role::Worker), WORKERS_AT_SCALE_ONE);
        let supervisors = plan.count_role(Role::Supervisor);
        assert!(
            (WORKERS_AT_SCALE_ONE / 8..WORKERS_AT_SCALE_ONE / 8 + 600).contains(&supervisors),
            "{supervisors} supervisors"
        );
        assert_eq!(plan.count_role(Role::IcsLead), 84);
        assert_eq!(plan.count_role(Role::RegionalLead), 14);
        assert_eq!(plan.count_role(Role::PlatformAdmin), 1);
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        let small = |seed| plan(Params::new(0.01, seed).expect("scale"));
        assert_eq!(small(7), small(7));
        assert_ne!(small(7).users, small(8).users);
    }

    #[test]
    fn every_organisation_sits_where_its_kind_may_and_every_role_fits_where_it_is_held() {
        let plan = england();
        for (i, org) in plan.orgs.iter().enumerate() {
            if let Some(p) = org.parent {
                assert!(p < i, "{} comes before its parent", org.name);
            }
            let parent_kind = org.parent.map(|p| plan.orgs[p].kind);
            org.kind
                .check_parent(parent_kind)
                .unwrap_or_else(|e| panic!("{}: {e}", org.name));
        }
        for user in &plan.users {
            for (role, org) in &user.grants {
                assert!(
                    role.fits(org.map(|o| plan.orgs[o].kind)),
                    "{} holds {role:?} where it does not fit",
                    user.email
                );
            }
        }
    }

    #[test]
    fn codes_and_email_addresses_are_unique_and_all_made_up() {
        let plan = england();
        let codes: HashSet<&str> = plan.orgs.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes.len(), plan.orgs.len());
        assert!(plan.orgs.iter().all(|o| o.code.starts_with("SYN-")));
        // Names are unique under each parent, as Pathway requires of organisations made by hand.
        let names: HashSet<(Option<usize>, &str)> = plan
            .orgs
            .iter()
            .map(|o| (o.parent, o.name.as_str()))
            .collect();
        assert_eq!(names.len(), plan.orgs.len());
        let emails: HashSet<&str> = plan.users.iter().map(|u| u.email.as_str()).collect();
        assert_eq!(emails.len(), plan.users.len());
        for user in &plan.users {
            crate::identity::Email::parse(&user.email)
                .unwrap_or_else(|e| panic!("{}: {e}", user.email));
            assert!(user.email.ends_with("@synthetic.test"), "{}", user.email);
        }
        assert!(plan.orgs.iter().all(|o| o.name.contains("(synthetic")
            || o.kind == OrgKind::Region
            || o.kind == OrgKind::Team));
    }

    #[test]
    fn the_well_known_accounts_exist_with_their_roles() {
        let plan = plan(Params::new(0.001, 3).expect("scale"));
        let holds = |email: &str, role: Role, kind: Option<OrgKind>| {
            let user = plan
                .users
                .iter()
                .find(|u| u.email == email)
                .unwrap_or_else(|| panic!("{email} is missing"));
            assert_eq!(user.grants.len(), 1);
            let (r, org) = user.grants[0];
            assert_eq!((r, org.map(|o| plan.orgs[o].kind)), (role, kind), "{email}");
        };
        holds(accounts::ADMIN, Role::PlatformAdmin, None);
        holds(
            accounts::REGIONAL_LEAD,
            Role::RegionalLead,
            Some(OrgKind::Region),
        );
        holds(accounts::ICS_LEAD, Role::IcsLead, Some(OrgKind::Ics));
        holds(
            accounts::EMPLOYER_LEAD,
            Role::EmployerLead,
            Some(OrgKind::Employer),
        );
    }

    #[test]
    fn a_small_scale_keeps_every_system_and_the_exact_number_of_workers() {
        let plan = plan(Params::new(0.001, 1).expect("scale"));
        assert_eq!(plan.count_orgs(OrgKind::Ics), 42);
        assert_eq!(plan.count_orgs(OrgKind::Employer), 42);
        assert_eq!(plan.count_role(Role::Worker), 100);
    }

    #[test]
    fn scales_outside_the_range_are_refused_with_the_reason() {
        for bad in [0.0, -1.0, f64::NAN, 10.5, 0.000_001] {
            let err = Params::new(bad, 1).expect_err("refused");
            assert!(err.contains("scale"), "{err}");
        }
        assert!(Params::new(10.0, 1).is_ok());
    }
}
