use crate::auth::Visitor;
use crate::state::AppState;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use pathway_store::VersionSummary;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    frameworks: Vec<VersionSummary>,
}

async fn home(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, crate::error::AppError> {
    let mut frameworks = state.store.framework_versions(false).await?;
    frameworks.retain(|v| v.status == pathway_domain::framework::VersionStatus::Published);
    Ok(render(&HomePage {
        ctx: PageCtx::new(&visitor, "Home", ""),
        frameworks,
    }))
}
