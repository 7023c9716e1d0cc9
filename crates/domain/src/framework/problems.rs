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
