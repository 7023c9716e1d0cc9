//! HTML pages, one module per feature.

mod admin;
mod frameworks;
mod home;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(frameworks::router())
        .merge(admin::router())
        .fallback(not_found)
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound("The page".into())
}

/// An error shown beside a form field and in the error summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The id of the field, which the summary links to.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: &str) -> Self {
        Self {
            field: field.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// The message for one field, if it has one.
pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}
