//! HTML pages, one module per feature.

mod account;
mod admin;
mod authoring;
mod expectations;
pub mod forms;
mod frameworks;
mod home;
pub mod org_field;
pub mod paging;
mod policies;
mod steward;
mod version_changes;
mod versions;

use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(account::router())
        .merge(frameworks::router())
        .merge(authoring::router())
        .merge(steward::router())
        .merge(version_changes::router())
        .merge(expectations::router())
        .merge(admin::router())
        .merge(policies::router())
        .fallback(not_found)
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound("The page".into())
}
