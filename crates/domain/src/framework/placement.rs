//! Where a person stands in a framework: the level they hold in each domain.
//!
//! Frameworks differ in how a person is placed. The HEE support worker framework places a
//! worker at one stage for the whole framework (a worker is "at Intermediate"). A registered
//! AHP career framework places a person separately in each pillar: band 6 in professional
//! practice, band 7 in education, band 5 in research. [`LevelPlacement`] says which rule a
//! framework follows, and [`Framework::place`] builds a [`Placement`] only when it obeys it,
//! so later records (a passport's profile, a readiness check) can rely on a placement being
//! valid for the version it names.

use super::{Descriptor, DomainCode, Framework, FrameworkId, Item, Level, LevelKey, Problems};
use serde::{Deserialize, Serialize};

/// How a framework places a person on its levels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelPlacement {
    /// One level across every domain (a support worker's stage).
    #[default]
    WholeFramework,
    /// A level in each domain, which may differ from domain to domain (bands per pillar).
    PerDomain,
}

impl LevelPlacement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WholeFramework => "whole_framework",
            Self::PerDomain => "per_domain",
        }
    }

    /// Accepts the stored form and the hyphenated form people type on a command line.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "whole_framework" => Some(Self::WholeFramework),
            "per_domain" => Some(Self::PerDomain),
            _ => None,
        }
    }

    /// How the rule reads on a page.
    pub fn explain(self) -> &'static str {
        match self {
            Self::WholeFramework => "A person holds one level across the whole framework.",
            Self::PerDomain => {
                "A person holds a level in each domain, and it may differ from domain to domain."
            }
        }
    }
}

/// A person's level in every domain of one framework version, checked against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placement {
    framework: FrameworkId,
    version: String,
    /// One entry per domain, in the framework's domain order.
    levels: Vec<(DomainCode, LevelKey)>,
}

/// What a placement expects of a person for one item: the descriptor at their level in the
/// item's domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation<'f> {
    pub item: &'f Item,
    pub level: &'f Level,
    pub descriptor: &'f Descriptor,
}

impl Placement {
    /// The level held in a domain, if the domain is in the framework.
    pub fn level_in(&self, domain: &str) -> Option<&LevelKey> {
        self.levels
            .iter()
            .find(|(d, _)| d.as_str() == domain)
            .map(|(_, l)| l)
    }

    /// Every domain with its level, in the framework's domain order.
    pub fn levels(&self) -> &[(DomainCode, LevelKey)] {
        &self.levels
    }

    /// The level held everywhere, when it is the same in every domain.
    pub fn single_level(&self) -> Option<&LevelKey> {
        let (_, first) = self.levels.first()?;
        self.levels.iter().all(|(_, l)| l == first).then_some(first)
    }
}

impl Framework {
    /// Places a person at one level in every domain; valid under either placement rule.
    pub fn place_at(&self, level: &str) -> Result<Placement, Problems> {
        let by_domain: Vec<(&str, &str)> = self
            .domains()
            .iter()
            .map(|d| (d.code.as_str(), level))
            .collect();
        self.place(&by_domain)
    }

    /// Places a person by naming their level in each domain. Every domain must be named once
    /// with one of the framework's levels, and a framework placed as a whole must be given
    /// the same level in every domain. Reports every problem at once.
    pub fn place(&self, by_domain: &[(&str, &str)]) -> Result<Placement, Problems> {
        let mut problems = Problems::default();
        for (i, (domain, level)) in by_domain.iter().enumerate() {
            let at = format!("levels[{i}]");
            if self.domain(domain).is_none() {
                problems.push(
                    format!("{at}.domain"),
                    format!("domain \"{domain}\" is not one of the framework's domains"),
                );
            } else if by_domain[..i].iter().any(|(d, _)| d == domain) {
                problems.push(
                    format!("{at}.domain"),
                    format!("domain \"{domain}\" is given a level more than once"),
                );
            }
            if self.level(level).is_none() {
                problems.push(
                    format!("{at}.level"),
                    format!(
                        "level \"{level}\" is not one of the framework's levels ({})",
                        self.level_keys()
                    ),
                );
            }
        }
        for d in self.domains() {
            if !by_domain.iter().any(|(code, _)| *code == d.code.as_str()) {
                problems.push(
                    "levels",
                    format!("no level given for domain \"{}\" ({})", d.code, d.title),
                );
            }
        }
        let distinct = {
            let mut keys: Vec<&str> = by_domain.iter().map(|(_, l)| *l).collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        if self.meta.level_placement == LevelPlacement::WholeFramework && distinct.len() > 1 {
            problems.push(
                "levels",
                format!(
                    "{} places a person at one level across the whole framework, but the levels given differ ({})",
                    self.meta.title,
                    distinct.join(", ")
                ),
            );
        }
        problems.into_result()?;

        let levels = self
            .domains()
            .iter()
            .filter_map(|d| {
                let (_, key) = by_domain.iter().find(|(c, _)| *c == d.code.as_str())?;
                let (_, level) = self.level(key)?;
                Some((d.code.clone(), level.key.clone()))
            })
            .collect();
        Ok(Placement {
            framework: self.meta.id.clone(),
            version: self.meta.version.clone(),
            levels,
        })
    }

    /// Everything a placement expects, item by item in framework order: for each item, the
    /// descriptor at the level the person holds in the item's domain. Refuses a placement
    /// made for another framework or another version, whose levels may not mean the same.
    pub fn expected_of(&self, placement: &Placement) -> Result<Vec<Expectation<'_>>, Problems> {
        if placement.framework != self.meta.id || placement.version != self.meta.version {
            return Err(Problems::one(
                "placement",
                format!(
                    "the placement is for {} version {}, not {} version {}",
                    placement.framework, placement.version, self.meta.id, self.meta.version
                ),
            ));
        }
        Ok(self
            .items()
            .iter()
            .filter_map(|item| {
                let key = placement.level_in(item.domain.as_str())?;
                let (index, level) = self.level(key.as_str())?;
                Some(Expectation {
                    item,
                    level,
                    descriptor: item.descriptors.get(index)?,
                })
            })
            .collect())
    }

    fn level_keys(&self) -> String {
        self.levels()
            .iter()
            .map(|l| l.key.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
