//! Problems found in framework content, each tied to where it was found.

use serde::Serialize;
use std::fmt;

/// One thing wrong with input: where (a file, row, column or JSON path) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub location: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Every problem found in one input, so a user can fix them all in one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            location: location.into(),
            message: message.into(),
        });
    }

    /// Records a problem when there is one, e.g. from a check that returns `Option<String>`.
    pub fn push_some(&mut self, location: impl Into<String>, message: Option<String>) {
        if let Some(message) = message {
            self.push(location, message);
        }
    }

    pub fn one(location: impl Into<String>, message: impl Into<String>) -> Self {
        let mut p = Self::default();
        p.push(location, message);
        p
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Prefixes every location, e.g. with the file name.
    pub fn within(mut self, prefix: &str) -> Self {
        for p in &mut self.0 {
            p.location = format!("{prefix}: {}", p.location);
        }
        self
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// Rewrites the locations [`Framework::new`](super::Framework::new) gives (`items[3].title
    /// (item 2.1)`) as places in the file the framework was read from, so a reader can find
    /// them: a row of a CSV file, a node of a CASE package. Locations the origins do not cover
    /// are kept.
    pub fn relocate(mut self, origins: &Origins) -> Self {
        for p in &mut self.0 {
            if let Some(location) = origins.locate(&p.location) {
                p.location = location;
            }
        }
        self
    }
}

/// Where each part of a framework came from in its file, for [`Problems::relocate`].
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// The framework's own members (`title`, `publisher`), by name.
    pub members: Vec<(&'static str, String)>,
    pub levels: Vec<String>,
    pub domains: Vec<String>,
    pub items: Vec<String>,
    pub provider_mappings: Vec<String>,
    /// Level titles, to name the level a descriptor problem is about.
    pub level_titles: Vec<String>,
}

impl Origins {
    fn locate(&self, location: &str) -> Option<String> {
        if let Some((_, origin)) = self.members.iter().find(|(m, _)| *m == location) {
            return Some(origin.clone());
        }
        let (collection, rest) = location.split_once('[')?;
        let (index, rest) = rest.split_once(']')?;
        let index: usize = index.parse().ok()?;
        let origin = match collection {
            "levels" => self.levels.get(index),
            "domains" => self.domains.get(index),
            "items" => self.items.get(index),
            "provider_mappings" => self.provider_mappings.get(index),
            _ => None,
        }?;
        // `.title (item 2.1)` → field `title`, note `(item 2.1)`.
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        let (field, note) = match rest.split_once(" (") {
            Some((field, note)) => (field, Some(note.trim_end_matches(')'))),
            None => (rest, None),
        };
        let field = match field
            .strip_prefix("descriptors[")
            .and_then(|l| l.strip_suffix(']'))
            .and_then(|l| l.parse::<usize>().ok())
        {
            Some(l) => match self.level_titles.get(l) {
                Some(title) => format!("descriptor at level \"{title}\""),
                None => "descriptor".to_owned(),
            },
            None => field.replace('_', " "),
        };
        let mut out = origin.clone();
        if let Some(note) = note {
            out.push_str(&format!(" ({note})"));
        }
        if !field.is_empty() {
            out.push_str(&format!(", {field}"));
        }
        Some(out)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
