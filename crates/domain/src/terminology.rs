//! Words a deployment chooses for ideas its organisations name differently.
//!
//! Some services say "capability" where the HEE framework says "competency"; some say
//! "service users" or "patients" for the people who access services. Only Pathway's own
//! words change: a framework's text is always shown as its publisher wrote it, and the API
//! keeps its machine values (`competency`) so integrations do not depend on a deployment.

use crate::framework::ItemKind;

/// What an assessed framework item is called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum CompetencyWord {
    #[default]
    Competency,
    Capability,
}

impl CompetencyWord {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "competency" => Some(Self::Competency),
            "capability" => Some(Self::Capability),
            _ => None,
        }
    }
}

/// What the people who receive care are called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PeopleWord {
    #[default]
    PeopleWhoAccessServices,
    ServiceUsers,
    Patients,
}

impl PeopleWord {
    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "people who access services" => Some(Self::PeopleWhoAccessServices),
            "service users" => Some(Self::ServiceUsers),
            "patients" => Some(Self::Patients),
            _ => None,
        }
    }
}

/// A deployment's choice of words; the default is the HEE framework's own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Terminology {
    pub competency: CompetencyWord,
    pub people: PeopleWord,
}

impl Terminology {
    /// "competency" or "capability", inside a sentence.
    pub fn competency(&self) -> &'static str {
        match self.competency {
            CompetencyWord::Competency => "competency",
            CompetencyWord::Capability => "capability",
        }
    }

    /// "Competency" or "Capability", starting a sentence or a label.
    pub fn competency_label(&self) -> &'static str {
        match self.competency {
            CompetencyWord::Competency => "Competency",
            CompetencyWord::Capability => "Capability",
        }
    }

    pub fn competencies(&self) -> &'static str {
        match self.competency {
            CompetencyWord::Competency => "competencies",
            CompetencyWord::Capability => "capabilities",
        }
    }

    /// The label of a kind of item, in this deployment's words.
    pub fn item_kind(&self, kind: ItemKind) -> &'static str {
        match kind {
            ItemKind::EntryRequirement => kind.label(),
            ItemKind::Competency => self.competency_label(),
        }
    }

    /// "people who access services", "service users" or "patients", inside a sentence.
    pub fn people(&self) -> &'static str {
        match self.people {
            PeopleWord::PeopleWhoAccessServices => "people who access services",
            PeopleWord::ServiceUsers => "service users",
            PeopleWord::Patients => "patients",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_frameworks_own_words() {
        let t = Terminology::default();
        assert_eq!(t.competency(), "competency");
        assert_eq!(t.competencies(), "competencies");
        assert_eq!(t.item_kind(ItemKind::Competency), "Competency");
        assert_eq!(t.people(), "people who access services");
    }

    #[test]
    fn a_deployment_may_say_capability_and_service_users() {
        let t = Terminology {
            competency: CompetencyWord::parse("Capability").unwrap(),
            people: PeopleWord::parse("service-users").unwrap(),
        };
        assert_eq!(t.competency_label(), "Capability");
        assert_eq!(t.competencies(), "capabilities");
        assert_eq!(t.item_kind(ItemKind::Competency), "Capability");
        assert_eq!(
            t.item_kind(ItemKind::EntryRequirement),
            "Entry requirement",
            "entry requirements are not renamed"
        );
        assert_eq!(t.people(), "service users");
        assert_eq!(PeopleWord::parse("Patients"), Some(PeopleWord::Patients));
        assert_eq!(PeopleWord::parse("clients"), None);
        assert_eq!(CompetencyWord::parse("skill"), None);
    }
}
