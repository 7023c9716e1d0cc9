//! Who authors which framework. Every framework is stewarded by an organisation, or by none
//! (a national framework, such as the shipped HEE framework); its drafts, edits, new versions
//! and publication are for the framework authors whose scope covers that organisation, and
//! for national framework authors and platform administrators (see
//! [`Action::AuthorFramework`]). Everyone reads published versions.

use crate::auth::{SignedIn, Visitor};
use crate::error::AppError;
use crate::state::AppState;
use axum::http::StatusCode;
use pathway_domain::access::Action;
use pathway_domain::framework::VersionStatus;
use pathway_domain::identity::Role;
use pathway_store::{Store, StoreError, StoreResult, VersionSummary};
use std::sync::Arc;

/// Whether `user` may author a framework stewarded by `steward` (`None`: national).
pub async fn may_author(
    store: &Store,
    user: Option<&SignedIn>,
    steward: Option<i64>,
) -> StoreResult<bool> {
    let Some(user) = user else {
        return Ok(false);
    };
    // Most people author nothing: no need to read the steward's ancestry for them.
    if !user.principal.may(Action::AuthorFrameworks, &[]) {
        return Ok(false);
    }
    let ancestry = match steward {
        Some(org) => store.org_ancestry(org).await?,
        None => Vec::new(),
    };
    Ok(user.principal.may(Action::AuthorFramework, &ancestry))
}

/// A framework's versions as `visitor` may see them, in creation order, and whether they may
/// author it: drafts only for its authors, and the published versions from the list the
/// server keeps for everyone else.
pub async fn versions_for(
    state: &AppState,
    visitor: &Visitor,
    framework_id: &str,
) -> StoreResult<(Arc<[VersionSummary]>, bool)> {
    if !visitor.may(Action::AuthorFrameworks) {
        return Ok((state.versions_of(framework_id, false).await?, false));
    }
    let all = state.versions_of(framework_id, true).await?;
    let steward = match all.first() {
        Some(v) => v.steward_org_id,
        None => return Ok((all, false)),
    };
    if may_author(&state.store, visitor.signed_in.as_ref(), steward).await? {
        return Ok((all, true));
    }
    let published: Arc<[VersionSummary]> = all
        .iter()
        .filter(|v| v.status != VersionStatus::Draft)
        .cloned()
        .collect();
    Ok((published, false))
}

/// Every framework version `visitor` may see, drafts only of the frameworks they author.
pub async fn all_versions_for(
    state: &AppState,
    visitor: &Visitor,
) -> StoreResult<Vec<VersionSummary>> {
    if !visitor.may(Action::AuthorFrameworks) {
        return state.store.framework_versions(false).await;
    }
    let all = state.store.framework_versions(true).await?;
    // One decision per steward, not per version.
    let mut decided: std::collections::HashMap<Option<i64>, bool> = Default::default();
    let mut seen = Vec::with_capacity(all.len());
    for v in all {
        if v.status == VersionStatus::Draft {
            let may = match decided.get(&v.steward_org_id) {
                Some(may) => *may,
                None => {
                    let may =
                        may_author(&state.store, visitor.signed_in.as_ref(), v.steward_org_id)
                            .await?;
                    decided.insert(v.steward_org_id, may);
                    may
                }
            };
            if !may {
                continue;
            }
        }
        seen.push(v);
    }
    Ok(seen)
}

/// Who may steward a new framework an author imports: national (`None`), if they author
/// national frameworks, then each organisation where they hold the framework author role.
pub async fn steward_choices(
    store: &Store,
    user: &SignedIn,
) -> StoreResult<Vec<(Option<i64>, String)>> {
    let mut choices = Vec::new();
    if user.principal.may(Action::AuthorFramework, &[]) {
        choices.push((None, "National (no organisation)".to_owned()));
    }
    let orgs: Vec<i64> = user
        .principal
        .grants
        .iter()
        .filter(|g| g.role == Role::FrameworkAuthor)
        .filter_map(|g| g.org)
        .collect();
    let names = store.org_names(&orgs).await?;
    for org in orgs {
        if let Some(name) = names.get(&org) {
            choices.push((Some(org), name.clone()));
        }
    }
    Ok(choices)
}

/// Where `user` may hand the frameworks they author, for queries that apply it in the
/// database: anywhere (`None`) for national framework authors and platform administrators,
/// else at or below the organisations where they hold the framework author role.
pub fn author_roots(user: &SignedIn) -> Option<Vec<i64>> {
    if user.principal.may(Action::AuthorFramework, &[]) {
        return None;
    }
    Some(
        user.principal
            .grants
            .iter()
            .filter(|g| g.role == Role::FrameworkAuthor)
            .filter_map(|g| g.org)
            .collect(),
    )
}

/// A steward asked for: `national`, an organisation's id, or nothing.
pub fn parse_steward(raw: Option<&str>) -> Result<Option<Option<i64>>, String> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some("national") => Ok(Some(None)),
        Some(id) => id.parse::<i64>().map(|id| Some(Some(id))).map_err(|_| {
            format!(
                "\"{id}\" is not an organisation's id; give an organisation's number, or national"
            )
        }),
    }
}

/// Why an import was refused before anything was written.
#[derive(Debug)]
pub enum ImportRefusal {
    /// The framework exists and the importer is not one of its authors.
    NotItsAuthor(String),
    /// The steward asked for (or not asked for) is not one the importer may choose.
    Steward { status: StatusCode, message: String },
}

impl From<ImportRefusal> for AppError {
    fn from(r: ImportRefusal) -> Self {
        match r {
            ImportRefusal::NotItsAuthor(message) => AppError::Refused {
                status: StatusCode::FORBIDDEN,
                code: "forbidden",
                message,
            },
            ImportRefusal::Steward { status, message } => AppError::Refused {
                status,
                code: if status == StatusCode::FORBIDDEN {
                    "forbidden"
                } else {
                    "bad_request"
                },
                message,
            },
        }
    }
}

/// Checks that `user` may import `framework_id`: a new version of a framework only its
/// authors may; a new framework is stewarded by `requested`, which they must author for, or
/// by their only choice. Returns the steward for a new framework (an existing one keeps its).
pub async fn check_import(
    store: &Store,
    user: &SignedIn,
    framework_id: &str,
    requested: Option<Option<i64>>,
) -> Result<Result<Option<i64>, ImportRefusal>, StoreError> {
    let existing = store.versions_of(framework_id, true).await?;
    if let Some(v) = existing.first() {
        if may_author(store, Some(user), v.steward_org_id).await? {
            return Ok(Ok(v.steward_org_id));
        }
        let steward = match v.steward_org_id {
            Some(org) => format!("is stewarded by {}", store.org(org).await?.name),
            None => "is a national framework".to_owned(),
        };
        return Ok(Err(ImportRefusal::NotItsAuthor(format!(
            "Framework {framework_id} {steward}, and you are not one of its framework authors, so you cannot import a new version of it. Import the file as a framework of your own, under another id"
        ))));
    }
    let refuse = |status, message: &str| {
        Ok(Err(ImportRefusal::Steward {
            status,
            message: message.to_owned(),
        }))
    };
    let Some(steward) = requested else {
        let choices = steward_choices(store, user).await?;
        return match choices.as_slice() {
            [(only, _)] => Ok(Ok(*only)),
            [] => refuse(
                StatusCode::FORBIDDEN,
                "You author no frameworks, so you cannot import one",
            ),
            _ => refuse(
                StatusCode::BAD_REQUEST,
                "You author frameworks for more than one organisation: choose which is to steward this framework",
            ),
        };
    };
    let ancestry = match steward {
        Some(org) => match store.org_ancestry(org).await {
            Ok(a) => a,
            Err(StoreError::NotFound(_)) => {
                return refuse(
                    StatusCode::BAD_REQUEST,
                    &format!("There is no organisation {org} to steward the framework"),
                );
            }
            Err(e) => return Err(e),
        },
        None => Vec::new(),
    };
    if user.principal.may(Action::AuthorFramework, &ancestry) {
        Ok(Ok(steward))
    } else {
        refuse(
            StatusCode::FORBIDDEN,
            "You are not a framework author for the organisation chosen to steward the framework; choose one you author frameworks for",
        )
    }
}
