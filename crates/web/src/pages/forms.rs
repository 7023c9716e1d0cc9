//! Errors on a submitted form, shown beside each field and in the NHS.UK error summary.

use crate::error::AppError;
use pathway_store::StoreError;

/// One problem with one form field; `field` is the id of the input it links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An option in a select.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The problems with a submitted form, in the order of its fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn one(field: impl Into<String>, message: impl AsRef<str>) -> Self {
        let mut e = Self::default();
        e.add(field, message);
        e
    }

    /// Adds a message, starting it with a capital letter as the NHS.UK error pattern does.
    pub fn add(&mut self, field: impl Into<String>, message: impl AsRef<str>) {
        self.0.push(FieldError {
            field: field.into(),
            message: sentence(message.as_ref()),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// The message for one field, shown beside it.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Turns a store refusal the person can fix into errors on the form's fields; anything
    /// else stays an error. Problems at unknown locations go on `fallback`.
    pub fn from_store(
        e: StoreError,
        fields: &[&'static str],
        fallback: &'static str,
    ) -> Result<Self, AppError> {
        let field = |at: &str| {
            fields
                .iter()
                .copied()
                .find(|f| *f == at)
                .unwrap_or(fallback)
        };
        match e {
            StoreError::Invalid(problems) if !problems.is_empty() => {
                let mut errors = Self::default();
                for p in &problems.0 {
                    errors.add(field(&p.location), &p.message);
                }
                Ok(errors)
            }
            StoreError::Conflict { field: at, message } => Ok(Self::one(field(at), message)),
            other => Err(other.into()),
        }
    }
}

/// "enter the name" → "Enter the name".
pub fn sentence(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_as_sentences_and_are_found_by_field() {
        let mut e = Errors::default();
        e.add("name", "enter the name");
        e.add("code", "");
        assert_eq!(e.get("name"), Some("Enter the name"));
        assert_eq!(e.get("code"), Some(""));
        assert_eq!(e.get("kind"), None);
        assert_eq!(
            e.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            ["name", "code"]
        );
    }

    #[test]
    fn store_refusals_become_field_errors() {
        let invalid = StoreError::Invalid(pathway_domain::framework::Problems::one(
            "parent",
            "a region cannot sit under an employer",
        ));
        let e = Errors::from_store(invalid, &["name", "parent"], "name").unwrap();
        assert_eq!(
            e.get("parent"),
            Some("A region cannot sit under an employer")
        );
        let conflict = StoreError::Conflict {
            field: "code",
            message: "taken".into(),
        };
        assert_eq!(
            Errors::from_store(conflict, &["code"], "name")
                .unwrap()
                .get("code"),
            Some("Taken")
        );
        let elsewhere = StoreError::Conflict {
            field: "other",
            message: "taken".into(),
        };
        assert_eq!(
            Errors::from_store(elsewhere, &["code"], "name")
                .unwrap()
                .get("name"),
            Some("Taken")
        );
        assert!(Errors::from_store(StoreError::NotFound("user"), &[], "name").is_err());
    }
}
