//! Organisations: the list in the administrator's scope, adding one, and one organisation's page.

use super::{
    Choice, Errors, ListQuery, ancestry_of, kind_noun, list_caption, one_of, path_id, scope_roots,
    with_article,
};
use crate::auth::{SignedIn, Visitor};
use crate::error::AppError;
use crate::pages::org_field::{OrgField, resolve};
use crate::pages::paging::{self, Paged, page_number};
use crate::state::AppState;
use crate::views::{PageCtx, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use pathway_domain::access::Action;
use pathway_domain::identity::{OrgKind, check_name};
use pathway_store::{OrgSummary, Organisation, StoreError};
use serde::Deserialize;

const LIST: &str = "/admin/organisations";
const NEW: &str = "/admin/organisations/new";
/// The form's fields, in page order: where store refusals can be shown.
const FIELDS: [&str; 4] = ["name", "kind", "parent", "code"];
const PARENT_FROM_LIST: &str = "Select a parent organisation from the list";
/// ODS codes are short letters-and-numbers codes such as RR8 or 8J834.
const MAX_CODE_LEN: usize = 10;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list))
        .route(NEW, get(new_form).post(create))
        .route("/admin/organisations/{id}", get(show))
        .route("/admin/organisations/{id}/edit", get(edit_form).post(edit))
}

struct OrgRow {
    id: i64,
    name: String,
    kind: &'static str,
    parent: Option<String>,
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/organisations.html")]
struct ListPage {
    ctx: PageCtx,
    search: String,
    caption: String,
    orgs: Paged<OrgRow>,
}

async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], LIST)?;
    let search = q.search();
    let roots = scope_roots(user);
    let found = paging::load(
        LIST,
        &search,
        page_number(q.page.as_deref()),
        |offset, limit| {
            state
                .store
                .orgs_page(roots.as_deref(), &search, offset, limit)
        },
    )
    .await?;
    Ok(render(&ListPage {
        ctx: PageCtx::new(&visitor, "Organisations", "admin"),
        caption: list_caption(
            &found,
            &search,
            roots.is_none(),
            [
                "Organisations",
                "All organisations",
                "Organisations you administer",
            ],
        ),
        search,
        orgs: found.map(|o| OrgRow {
            id: o.org.id,
            name: o.org.name,
            kind: o.org.kind.label(),
            parent: o.parent_name,
            code: o.org.code,
        }),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OrgForm {
    name: String,
    kind: String,
    /// The parent's id, chosen from a list or from the organisations a name matched.
    parent: String,
    /// A parent's name or ODS code typed where the organisations are too many to list.
    parent_name: String,
    code: String,
    /// The organisations `parent_name` matched, to choose from.
    #[serde(skip)]
    matches: Vec<OrgSummary>,
}

/// A checked form: what to create, with the parent still to be loaded and authorised.
#[derive(Debug, PartialEq, Eq)]
struct NewOrg {
    name: String,
    kind: OrgKind,
    parent_id: Option<i64>,
    code: Option<String>,
}

/// Checks the form; `parent_problem` is what was wrong with a typed parent, if anything.
fn check_org_form(form: &OrgForm, parent_problem: Option<&str>) -> Result<NewOrg, Errors> {
    let mut errors = Errors::default();
    let name = check_name(&form.name, "name")
        .map_err(|e| errors.add("name", e))
        .ok();
    let kind = if form.kind.trim().is_empty() {
        errors.add("kind", "Select the type of organisation");
        None
    } else {
        let kind = OrgKind::parse(&form.kind);
        if kind.is_none() {
            errors.add("kind", "Select a type of organisation from the list");
        }
        kind
    };
    let parent_id = match form.parent.trim() {
        _ if let Some(problem) = parent_problem => {
            errors.add("parent", problem);
            None
        }
        "" => Some(None),
        id => id
            .parse::<i64>()
            .map(Some)
            .map_err(|_| errors.add("parent", PARENT_FROM_LIST))
            .ok(),
    };
    let code = check_code(&form.code)
        .map_err(|e| errors.add("code", e))
        .ok();
    match (name, kind, parent_id, code) {
        (Some(name), Some(kind), Some(parent_id), Some(code)) if errors.is_empty() => Ok(NewOrg {
            name,
            kind,
            parent_id,
            code,
        }),
        _ => Err(errors),
    }
}

/// Whether an organisation of this kind may sit under the chosen parent, saying where it
/// may if not. (The store checks again; this says it in the form's words.)
fn check_parent_kind(kind: OrgKind, parent: Option<OrgKind>) -> Result<(), String> {
    let allowed = kind.allowed_parents();
    if allowed.contains(&parent) {
        return Ok(());
    }
    let this = with_article(kind_noun(kind));
    let parents: Vec<&str> = allowed.iter().flatten().map(|k| kind_noun(*k)).collect();
    Err(match (parents.is_empty(), allowed.contains(&None)) {
        (true, _) => format!("{this} is a top-level organisation: choose no parent"),
        (false, true) => format!(
            "{this} must be under {}, or have no parent",
            one_of(&parents)
        ),
        (false, false) => format!("{this} must be under {}", one_of(&parents)),
    })
}

/// An optional ODS code, stored in capitals.
fn check_code(raw: &str) -> Result<Option<String>, String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("The ODS code must contain only letters and numbers, like RR8".into());
    }
    if code.len() > MAX_CODE_LEN {
        return Err(format!(
            "The ODS code must be {MAX_CODE_LEN} characters or fewer"
        ));
    }
    Ok(Some(code))
}

#[derive(Template)]
#[template(path = "admin/organisation_new.html")]
struct NewPage {
    ctx: PageCtx,
    form: OrgForm,
    errors: Errors,
    kinds: Vec<Choice>,
    parent: OrgField,
    /// Only platform administrators add top-level organisations.
    top_level: bool,
}

async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    mut form: OrgForm,
    errors: Errors,
) -> Result<NewPage, AppError> {
    let matches = std::mem::take(&mut form.matches);
    let parent = OrgField::offer(
        state,
        scope_roots(user).as_deref(),
        &form.parent,
        &form.parent_name,
        matches,
    )
    .await?;
    let kinds = OrgKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: k.label().to_owned(),
            selected: OrgKind::parse(&form.kind) == Some(k),
        })
        .collect();
    Ok(NewPage {
        ctx: PageCtx::new(visitor, "Add an organisation", "admin").with_errors(!errors.is_empty()),
        parent,
        kinds,
        top_level: user.principal.is_platform_admin(),
        form,
        errors,
    })
}

async fn again(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    form: OrgForm,
    errors: Errors,
) -> Result<Response, AppError> {
    let page = form_page(state, visitor, user, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    parent: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], NEW)?;
    let form = OrgForm {
        parent: q.parent.unwrap_or_default(),
        ..OrgForm::default()
    };
    Ok(render(
        &form_page(&state, &visitor, user, form, Errors::default()).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(mut form): Form<OrgForm>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], NEW)?;
    let parent_problem = resolve(
        &state,
        scope_roots(user).as_deref(),
        &mut form.parent,
        &form.parent_name,
        &mut form.matches,
    )
    .await?;
    let new = match check_org_form(&form, parent_problem.as_deref()) {
        Ok(new) => new,
        Err(errors) => return again(&state, &visitor, user, form, errors).await,
    };
    let parent = match new.parent_id {
        None => None,
        Some(id) => match state.store.org(id).await {
            Ok(org) => Some(org),
            Err(StoreError::NotFound(_)) => {
                return again(
                    &state,
                    &visitor,
                    user,
                    form,
                    Errors::one("parent", PARENT_FROM_LIST),
                )
                .await;
            }
            Err(e) => return Err(e.into()),
        },
    };
    // Where it would go decides who may add it; with no parent, only platform administrators.
    let ancestry = ancestry_of(&state, parent.as_ref().map(|p| p.id)).await?;
    let user = visitor.require(Action::CreateOrganisation, &ancestry, NEW)?;

    if let Err(message) = check_parent_kind(new.kind, parent.as_ref().map(|p| p.kind)) {
        return again(&state, &visitor, user, form, Errors::one("parent", message)).await;
    }

    let mut tx = state.store.begin().await?;
    let org = match tx
        .create_org(
            &user.actor(),
            &new.name,
            new.kind,
            parent.as_ref(),
            new.code.as_deref(),
        )
        .await
    {
        Ok(org) => org,
        Err(e) => {
            drop(tx);
            let errors = Errors::from_store(e, &FIELDS, "parent")?;
            return again(&state, &visitor, user, form, errors).await;
        }
    };
    tx.commit().await?;
    tracing::info!(org_id = org.id, by = user.user_id, "organisation created");
    Ok(Redirect::to(&format!("/admin/organisations/{}", org.id)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditForm {
    name: String,
    code: String,
}

/// A checked edit: the name, and the code or none.
fn check_edit_form(form: &EditForm) -> Result<(String, Option<String>), Errors> {
    let mut errors = Errors::default();
    let name = check_name(&form.name, "name")
        .map_err(|e| errors.add("name", e))
        .ok();
    let code = check_code(&form.code)
        .map_err(|e| errors.add("code", e))
        .ok();
    match (name, code) {
        (Some(name), Some(code)) if errors.is_empty() => Ok((name, code)),
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "admin/organisation_edit.html")]
struct EditPage {
    ctx: PageCtx,
    org: Organisation,
    form: EditForm,
    errors: Errors,
}

fn edit_page(visitor: &Visitor, org: Organisation, form: EditForm, errors: Errors) -> EditPage {
    EditPage {
        ctx: PageCtx::new(visitor, format!("Change {}", org.name), "admin")
            .with_errors(!errors.is_empty()),
        org,
        form,
        errors,
    }
}

/// Loads the organisation in the path if this visitor may edit it.
async fn editable_org(
    state: &AppState,
    visitor: &Visitor,
    raw: &str,
) -> Result<Organisation, AppError> {
    let path = format!("{LIST}/{raw}/edit");
    visitor.require(Action::OpenAdministration, &[], &path)?;
    let org = state.store.org(path_id(raw, "organisation")?).await?;
    let ancestry = state.store.org_ancestry(org.id).await?;
    visitor.require(Action::EditOrganisation, &ancestry, &path)?;
    Ok(org)
}

async fn edit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let org = editable_org(&state, &visitor, &raw).await?;
    let form = EditForm {
        name: org.name.clone(),
        code: org.code.clone().unwrap_or_default(),
    };
    Ok(render(&edit_page(&visitor, org, form, Errors::default())))
}

async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let org = editable_org(&state, &visitor, &raw).await?;
    let user = visitor.user(LIST)?;
    let again = |org, form, errors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&edit_page(&visitor, org, form, errors)),
        )
            .into_response()
    };
    let (name, code) = match check_edit_form(&form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(again(org, form, errors)),
    };
    let mut tx = state.store.begin().await?;
    match tx
        .update_org(&user.actor(), org.id, &name, code.as_deref())
        .await
    {
        Ok(changed) => {
            tx.commit().await?;
            if changed {
                tracing::info!(org_id = org.id, by = user.user_id, "organisation changed");
            }
        }
        Err(e) => {
            drop(tx);
            let errors = Errors::from_store(e, &["name", "code"], "name")?;
            return Ok(again(org, form, errors));
        }
    }
    Ok(Redirect::to(&format!("{LIST}/{}", org.id)).into_response())
}

struct Member {
    id: i64,
    name: String,
    email: String,
    roles: String,
}

#[derive(Template)]
#[template(path = "admin/organisation.html")]
struct ShowPage {
    ctx: PageCtx,
    org: Organisation,
    parent: Option<Organisation>,
    parent_visible: bool,
    children: Vec<Organisation>,
    members: Vec<Member>,
    may_add_org: bool,
    may_add_user: bool,
    may_edit: bool,
    /// The administrator reads the audit log, so is offered the organisation's history.
    show_audit: bool,
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let path = format!("{LIST}/{raw}");
    visitor.require(Action::OpenAdministration, &[], &path)?;
    let org = state.store.org(path_id(&raw, "organisation")?).await?;
    let ancestry = state.store.org_ancestry(org.id).await?;
    let user = visitor.require(Action::ViewOrganisation, &ancestry, &path)?;

    let parent = match org.parent_id {
        Some(id) => Some(state.store.org(id).await?),
        None => None,
    };
    let parent_visible = user.principal.may(
        Action::ViewOrganisation,
        ancestry.get(1..).unwrap_or_default(),
    );
    let children = state
        .store
        .orgs_in_scope(Some(&[org.id]))
        .await?
        .into_iter()
        .filter(|o| o.parent_id == Some(org.id))
        .collect();
    let mut members = Vec::new();
    for u in state.store.users_in(Some(&[org.id])).await? {
        let roles: Vec<&str> = state
            .store
            .grants(u.id)
            .await?
            .iter()
            .filter(|g| g.org_id == Some(org.id))
            .map(|g| g.role.label())
            .collect();
        members.push(Member {
            id: u.id,
            name: u.name,
            email: u.email,
            roles: roles.join(", "),
        });
    }
    Ok(render(&ShowPage {
        ctx: PageCtx::new(&visitor, org.name.clone(), "admin"),
        may_add_org: user.principal.may(Action::CreateOrganisation, &ancestry),
        may_add_user: user.principal.may(Action::ManageUsers, &ancestry),
        may_edit: user.principal.may(Action::EditOrganisation, &ancestry),
        show_audit: user.principal.may(Action::ReadAuditLog, &[]),
        org,
        parent,
        parent_visible,
        children,
        members,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, kind: &str, parent: &str, code: &str) -> OrgForm {
        OrgForm {
            name: name.into(),
            kind: kind.into(),
            parent: parent.into(),
            code: code.into(),
            ..OrgForm::default()
        }
    }

    #[test]
    fn a_complete_form_is_accepted() {
        assert_eq!(
            check_org_form(&form("  North Trust ", "employer", "7", " rr8 "), None),
            Ok(NewOrg {
                name: "North Trust".into(),
                kind: OrgKind::Employer,
                parent_id: Some(7),
                code: Some("RR8".into())
            })
        );
        assert_eq!(
            check_org_form(&form("A region", "region", "", ""), None)
                .map(|n| (n.parent_id, n.code)),
            Ok((None, None))
        );
    }

    #[test]
    fn an_empty_form_has_an_error_for_each_required_field() {
        let errors = check_org_form(&OrgForm::default(), None).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["name", "kind"]
        );
        assert_eq!(errors.get("name"), Some("Enter the name"));
        assert_eq!(errors.get("kind"), Some("Select the type of organisation"));
    }

    #[test]
    fn parents_must_suit_the_kind_of_organisation() {
        assert!(check_parent_kind(OrgKind::Ics, Some(OrgKind::Region)).is_ok());
        assert!(check_parent_kind(OrgKind::TrainingProvider, None).is_ok());
        assert_eq!(
            check_parent_kind(OrgKind::Ics, Some(OrgKind::Employer)).unwrap_err(),
            "An integrated care system must be under a region"
        );
        assert_eq!(
            check_parent_kind(OrgKind::Region, Some(OrgKind::Region)).unwrap_err(),
            "A region is a top-level organisation: choose no parent"
        );
        assert_eq!(
            check_parent_kind(OrgKind::Employer, None).unwrap_err(),
            "An employer must be under an integrated care system or region"
        );
        assert_eq!(
            check_parent_kind(OrgKind::SocialCareProvider, Some(OrgKind::Team)).unwrap_err(),
            "A social care provider must be under a region or integrated care system, or have no parent"
        );
    }

    #[test]
    fn forged_choices_and_bad_codes_are_errors() {
        let errors = check_org_form(&form("X", "castle", "seven", "RR-8"), None).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["kind", "parent", "code"]
        );
        assert_eq!(errors.get("parent"), Some(PARENT_FROM_LIST));
        assert!(check_code("ABCDEFGHIJK").is_err());
        assert_eq!(check_code("8j834"), Ok(Some("8J834".into())));
    }
}
