//! Handing a framework to another steward (see [`crate::stewardship`]): the organisation
//! whose framework authors create, edit and publish its drafts, or none for a national
//! framework. Its authors may hand it only where they author themselves, so nobody hands
//! away what they could not take back, and a regional author cannot make a framework
//! national. Its published versions do not change.

use super::frameworks::{Loaded, load};
use super::org_field::{OrgField, resolve};
use crate::auth::{SignedIn, Visitor};
use crate::error::AppError;
use crate::pages::forms::Errors;
use crate::state::AppState;
use crate::stewardship::author_roots;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Router, routing::get};
use pathway_domain::access::Action;
use pathway_domain::framework::Framework;
use pathway_store::{OrgSummary, StoreError};
use serde::Deserialize;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new().route("/frameworks/{id}/steward", get(form).post(change))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StewardForm {
    /// "national" or "org"; only national framework authors are asked.
    steward: String,
    /// The organisation, as in [`crate::pages::org_field`].
    org: String,
    org_name: String,
    #[serde(skip)]
    matches: Vec<OrgSummary>,
}

#[derive(Template)]
#[template(path = "frameworks/steward.html")]
struct StewardPage {
    ctx: PageCtx,
    f: Arc<Framework>,
    vq: String,
    cancel: String,
    /// Who stewards it now, as a sentence.
    now: String,
    /// Whether the author may make it national, and so chooses between that and an
    /// organisation.
    national: bool,
    form: StewardForm,
    org: OrgField,
    errors: Errors,
}

/// The framework an author may hand on, with the author; anything else is refused.
async fn authored(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
) -> Result<(Loaded, SignedIn), AppError> {
    let path = format!("/frameworks/{id}/steward");
    let user = visitor
        .require(Action::AuthorFrameworks, &[], &path)?
        .clone();
    let l = load(state, visitor, id, None).await?;
    if !l.may_author {
        return Err(AppError::Forbidden);
    }
    Ok((l, user))
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    l: &Loaded,
    mut form: StewardForm,
    errors: Errors,
) -> Result<StewardPage, AppError> {
    let now = match l.summary.steward_org_id {
        Some(org) => format!("{} stewards it now.", state.store.org(org).await?.name),
        None => "It is a national framework now: no organisation stewards it.".to_owned(),
    };
    let matches = std::mem::take(&mut form.matches);
    let roots = author_roots(user);
    let org = OrgField::offer(state, roots.as_deref(), &form.org, &form.org_name, matches).await?;
    Ok(StewardPage {
        ctx: PageCtx::new(visitor, l.title("Change who stewards it"), "frameworks")
            .with_errors(!errors.is_empty()),
        f: l.framework.clone(),
        vq: String::new(),
        cancel: format!("/frameworks/{}", l.framework.id()),
        now,
        national: user.principal.may(Action::AuthorFramework, &[]),
        form,
        org,
        errors,
    })
}

async fn form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (l, user) = authored(&state, &visitor, &id).await?;
    // The steward now, as it would be typed or chosen.
    let form = match l.summary.steward_org_id {
        Some(org) => StewardForm {
            steward: "org".into(),
            org: org.to_string(),
            org_name: state.store.org(org).await?.name,
            ..StewardForm::default()
        },
        None => StewardForm {
            steward: "national".into(),
            ..StewardForm::default()
        },
    };
    let mut shown = page(&state, &visitor, &user, &l, form, Errors::default()).await?;
    // Where the organisation is typed, the box holds its name, and nothing is ticked that
    // would win over a name typed in its place.
    if shown.org.search {
        shown.org.matches.clear();
    }
    Ok(render(&shown))
}

/// What the form asks for: `Some(None)` for national, `Some(Some(id))` for an
/// organisation, or `None` with the problems.
async fn chosen(
    state: &AppState,
    user: &SignedIn,
    form: &mut StewardForm,
) -> Result<Result<Option<i64>, Errors>, AppError> {
    let national = user.principal.may(Action::AuthorFramework, &[]);
    match form.steward.trim() {
        "national" if national => return Ok(Ok(None)),
        "" if national => {
            return Ok(Err(Errors::one(
                "steward",
                "Choose whether an organisation stewards the framework, or none",
            )));
        }
        // Only offered to those who may; asked for by anyone else, it is refused.
        "national" => {
            tracing::info!(user_id = user.user_id, "refused a national steward");
            return Err(AppError::Forbidden);
        }
        "org" | "" => {}
        _ => return Ok(Err(Errors::one("steward", "Choose from the options"))),
    }
    let roots = author_roots(user);
    let problem = resolve(
        state,
        roots.as_deref(),
        &mut form.org,
        &form.org_name,
        &mut form.matches,
    )
    .await?;
    if let Some(problem) = problem {
        return Ok(Err(Errors::one("org", problem)));
    }
    let Ok(org) = form.org.trim().parse::<i64>() else {
        let message = if form.org.trim().is_empty() {
            "Choose the organisation that is to steward the framework"
        } else {
            "Choose an organisation from the list"
        };
        return Ok(Err(Errors::one("org", message)));
    };
    Ok(Ok(Some(org)))
}

async fn change(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Form(mut form): Form<StewardForm>,
) -> Result<Response, AppError> {
    let (l, user) = authored(&state, &visitor, &id).await?;
    let again = async |form: StewardForm, errors: Errors| -> Result<Response, AppError> {
        let shown = page(&state, &visitor, &user, &l, form, errors).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&shown)).into_response())
    };
    let steward = match chosen(&state, &user, &mut form).await? {
        Ok(steward) => steward,
        Err(errors) => return again(form, errors).await,
    };
    // The organisation chosen is loaded and authorised here, whatever the form said: the
    // author must author for it, as for where it stands now.
    let ancestry = match steward {
        Some(org) => match state.store.org_ancestry(org).await {
            Ok(ancestry) => ancestry,
            Err(StoreError::NotFound(_)) => {
                let errors = Errors::one("org", "Choose an organisation from the list");
                return again(form, errors).await;
            }
            Err(e) => return Err(e.into()),
        },
        None => Vec::new(),
    };
    if !user.principal.may(Action::AuthorFramework, &ancestry) {
        tracing::info!(user_id = user.user_id, framework = %id, "refused a steward");
        return Err(AppError::Forbidden);
    }
    let mut tx = state.store.begin().await?;
    let changed = tx.change_steward(&user.actor(), &id, steward).await?;
    tx.commit().await?;
    state.forget_versions(&id);
    tracing::info!(user_id = user.user_id, framework = %id, changed, "steward");
    Ok(Redirect::to(&format!("/frameworks/{id}")).into_response())
}
