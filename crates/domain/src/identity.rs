//! Organisations, users and roles.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an organisation is. Kinds nest: a region holds ICSs, an ICS holds employers,
/// an employer holds services and teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Region,
    Ics,
    Employer,
    Team,
    TrainingProvider,
    SocialCareProvider,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        Self::Region,
        Self::Ics,
        Self::Employer,
        Self::Team,
        Self::TrainingProvider,
        Self::SocialCareProvider,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Region => "region",
            Self::Ics => "ics",
            Self::Employer => "employer",
            Self::Team => "team",
            Self::TrainingProvider => "training_provider",
            Self::SocialCareProvider => "social_care_provider",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_");
        match norm.as_str() {
            "region" => Some(Self::Region),
            "ics" | "integrated_care_system" => Some(Self::Ics),
            "employer" => Some(Self::Employer),
            "team" | "service" | "service_team" => Some(Self::Team),
            "training_provider" => Some(Self::TrainingProvider),
            "social_care_provider" => Some(Self::SocialCareProvider),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Region => "Region",
            Self::Ics => "Integrated care system",
            Self::Employer => "Employer",
            Self::Team => "Service or team",
            Self::TrainingProvider => "Training provider",
            Self::SocialCareProvider => "Social care provider",
        }
    }

    /// Which kinds may hold an organisation of this kind; `None` in the list means "no parent".
    pub fn allowed_parents(self) -> &'static [Option<OrgKind>] {
        match self {
            Self::Region => &[None],
            Self::Ics => &[Some(Self::Region)],
            Self::Employer => &[Some(Self::Ics), Some(Self::Region)],
            Self::Team => &[
                Some(Self::Employer),
                Some(Self::SocialCareProvider),
                Some(Self::Team),
            ],
            Self::TrainingProvider => &[None, Some(Self::Region), Some(Self::Ics)],
            Self::SocialCareProvider => &[None, Some(Self::Region), Some(Self::Ics)],
        }
    }

    /// Checks a proposed parent; the error says what would be allowed.
    pub fn check_parent(self, parent: Option<OrgKind>) -> Result<(), String> {
        if self.allowed_parents().contains(&parent) {
            return Ok(());
        }
        let allowed: Vec<&str> = self
            .allowed_parents()
            .iter()
            .map(|p| p.map(|k| k.label()).unwrap_or("no parent"))
            .collect();
        Err(format!(
            "{} cannot sit under {}; choose {}",
            with_article(self.label()),
            parent
                .map(|p| with_article(p.label()))
                .unwrap_or_else(|| "no parent".into()),
            allowed.join(" or ").to_lowercase()
        ))
    }
}

/// "an integrated care system", "a region".
fn with_article(label: &str) -> String {
    let lower = label.to_lowercase();
    let article = if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {lower}")
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A role held at an organisation (or, for platform administrators, everywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Worker,
    Supervisor,
    EmployerLead,
    IcsLead,
    RegionalLead,
    TrainingProvider,
    FrameworkAuthor,
    PlatformAdmin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Self::Worker,
        Self::Supervisor,
        Self::EmployerLead,
        Self::IcsLead,
        Self::RegionalLead,
        Self::TrainingProvider,
        Self::FrameworkAuthor,
        Self::PlatformAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Worker => "worker",
            Self::Supervisor => "supervisor",
            Self::EmployerLead => "employer_lead",
            Self::IcsLead => "ics_lead",
            Self::RegionalLead => "regional_lead",
            Self::TrainingProvider => "training_provider",
            Self::FrameworkAuthor => "framework_author",
            Self::PlatformAdmin => "platform_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|r| r.as_str() == norm)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Worker => "Support worker",
            Self::Supervisor => "Supervisor",
            Self::EmployerLead => "Employer lead",
            Self::IcsLead => "ICS lead",
            Self::RegionalLead => "Regional lead",
            Self::TrainingProvider => "Training provider",
            Self::FrameworkAuthor => "Framework author",
            Self::PlatformAdmin => "Platform administrator",
        }
    }

    /// Platform administrators act everywhere; every other role is held at an organisation.
    pub fn is_global(self) -> bool {
        self == Self::PlatformAdmin
    }

    /// The kinds of organisation this role makes sense at; `None` is no organisation, a role
    /// over all of Pathway: a platform administrator's, or a framework author of national
    /// frameworks (those no organisation stewards, such as the shipped HEE framework).
    pub fn fits(self, kind: Option<OrgKind>) -> bool {
        use OrgKind::*;
        match (self, kind) {
            (Self::PlatformAdmin | Self::FrameworkAuthor, None) => true,
            (Self::PlatformAdmin, Some(_)) | (_, None) => false,
            (Self::Worker | Self::Supervisor, Some(k)) => {
                matches!(k, Employer | Team | SocialCareProvider)
            }
            (Self::EmployerLead, Some(k)) => matches!(k, Employer | SocialCareProvider | Team),
            (Self::IcsLead, Some(k)) => k == Ics,
            (Self::RegionalLead, Some(k)) => k == Region,
            (Self::TrainingProvider, Some(k)) => k == TrainingProvider,
            (Self::FrameworkAuthor, Some(_)) => true,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An email address, the sign-in name. Stored lower-cased so look-ups ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(
                "enter an email address in the correct format, like name@example.nhs.uk".into(),
            );
        };
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
            && !domain.contains('@')
            && s.len() <= 254;
        if ok {
            Ok(Self(s))
        } else {
            Err("enter an email address in the correct format, like name@example.nhs.uk".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Minimum length follows NCSC advice: length over complexity rules.
pub const MIN_PASSWORD_LEN: usize = 12;

pub fn check_new_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "the password must be at least {MIN_PASSWORD_LEN} characters long"
        ));
    }
    if password.chars().count() > 256 {
        return Err("the password must be at most 256 characters long".into());
    }
    Ok(())
}

/// What the administration's lists search: a person's name and email address, or an
/// organisation's name and code, lower-cased in every script (not only ASCII, as SQLite's
/// LOWER does), one per line. Searches are lower-cased the same way, so they match
/// whatever the case.
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A name shown to people; not empty, not absurdly long, and with nothing that is not seen:
/// no control characters (line breaks included) and no invisible formatting such as
/// right-to-left overrides, which could make a name in the audit log or a question read as
/// something else.
pub fn check_name(raw: &str, what: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("enter the {what}"));
    }
    if s.chars().count() > 200 {
        return Err(format!("the {what} must be 200 characters or fewer"));
    }
    if s.chars().any(|c| c.is_control() || is_invisible_format(c)) {
        return Err(format!(
            "the {what} holds a line break, tab or invisible character; type it again on one line"
        ));
    }
    Ok(s.to_owned())
}

/// Unicode's invisible formatting characters: zero-width spaces and joiners, direction
/// marks, embeddings, overrides and isolates, and the byte order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_hold_nothing_that_is_not_seen() {
        assert_eq!(
            check_name("  Siân O'Brien ", "name").unwrap(),
            "Siân O'Brien"
        );
        for bad in [
            "Kit\nWorker",
            "Kit\u{7}",
            "\u{202E}Kit",
            "Kit\u{200B}Worker",
        ] {
            assert!(check_name(bad, "name").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kinds_and_roles_round_trip_their_names() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.as_str()), Some(k));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(OrgKind::parse("Service/Team"), Some(OrgKind::Team));
        assert_eq!(Role::parse("employer-lead"), Some(Role::EmployerLead));
    }

    #[test]
    fn the_hierarchy_nests_regions_icss_employers_and_teams() {
        assert!(OrgKind::Ics.check_parent(Some(OrgKind::Region)).is_ok());
        assert!(OrgKind::Employer.check_parent(Some(OrgKind::Ics)).is_ok());
        assert!(OrgKind::Team.check_parent(Some(OrgKind::Employer)).is_ok());
        let err = OrgKind::Ics
            .check_parent(Some(OrgKind::Employer))
            .unwrap_err();
        assert_eq!(
            err,
            "an integrated care system cannot sit under an employer; choose region"
        );
        assert!(OrgKind::Region.check_parent(Some(OrgKind::Region)).is_err());
    }

    #[test]
    fn roles_fit_their_organisations() {
        assert!(Role::PlatformAdmin.fits(None));
        assert!(!Role::PlatformAdmin.fits(Some(OrgKind::Employer)));
        assert!(Role::IcsLead.fits(Some(OrgKind::Ics)));
        assert!(!Role::IcsLead.fits(Some(OrgKind::Employer)));
        assert!(Role::Worker.fits(Some(OrgKind::SocialCareProvider)));
        assert!(!Role::Worker.fits(None));
        assert!(
            Role::FrameworkAuthor.fits(None),
            "a national framework author"
        );
        assert!(Role::FrameworkAuthor.fits(Some(OrgKind::Region)));
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(
            Email::parse(" Ana@Trust.NHS.uk ").unwrap().as_str(),
            "ana@trust.nhs.uk"
        );
        for bad in [
            "", "ana", "ana@", "@x.uk", "ana@nhs", "a b@x.uk", "a@x.uk.", "a@b@c.uk",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_must_be_long_enough() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("correct horse battery").is_ok());
    }
}
