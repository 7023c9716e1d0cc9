//! Users: the list in the administrator's scope, adding one with a first role, one user's
//! page, granting and removing roles, and acting on the account itself: resetting its
//! password, disabling and enabling it.

use super::{
    Choice, Errors, InScope, ListQuery, ancestry_of, grantable_roles, kind_noun, list_caption,
    one_of, path_id, role_choices, scope_roots, sentence, with_article,
};
use crate::accounts::{generate_password, hash_off_thread};
use crate::auth::{SignedIn, Visitor};
use crate::error::AppError;
use crate::pages::org_field::{OrgField, resolve};
use crate::pages::paging::{self, Paged, page_number};
use crate::state::AppState;
use crate::views::{PageCtx, render, uk_date};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pathway_domain::access::{Action, OrgId, Principal};
use pathway_domain::identity::{Email, OrgKind, Role, check_name, check_new_password};
use pathway_store::{GrantRow, OrgSummary, Organisation, StoreError, User};
use serde::Deserialize;

const LIST: &str = "/admin/users";
const NEW: &str = "/admin/users/new";
/// The new-user form's fields, in page order: where store refusals can be shown.
const FIELDS: [&str; 5] = ["name", "email", "password", "org", "role"];
const ORG_FROM_LIST: &str = "Select an organisation from the list";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list))
        .route(NEW, get(new_form).post(create))
        .route("/admin/users/{id}", get(show))
        .route("/admin/users/{id}/grants", post(grant))
        .route("/admin/users/{id}/edit", get(edit_form).post(edit))
        .route(
            "/admin/users/{id}/grants/{grant_id}/revoke",
            get(confirm_revoke).post(revoke),
        )
        .route(
            "/admin/users/{id}/password",
            get(confirm_reset_password).post(reset_password),
        )
        .route(
            "/admin/users/{id}/disable",
            get(confirm_disable).post(disable),
        )
        .route("/admin/users/{id}/enable", post(enable))
}

/// "Support worker at North Trust", or just the role when it is held everywhere.
fn describe(g: &GrantRow) -> String {
    match &g.org_name {
        Some(org) => format!("{} at {org}", g.role.label()),
        None => g.role.label().to_owned(),
    }
}

struct UserRow {
    id: i64,
    name: String,
    email: String,
    roles: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct ListPage {
    ctx: PageCtx,
    everything: bool,
    search: String,
    caption: String,
    users: Paged<UserRow>,
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
                .users_page(roots.as_deref(), &search, offset, limit)
        },
    )
    .await?;
    let scope = InScope::of(&state, user).await?;
    let ids: Vec<i64> = found.rows.iter().map(|u| u.id).collect();
    let mut grants = state.store.grants_of(&ids).await?;
    let mut rows = Vec::with_capacity(found.rows.len());
    for u in &found.rows {
        // Leads see only the roles held inside their scope.
        let roles: Vec<String> = grants
            .remove(&u.id)
            .unwrap_or_default()
            .iter()
            .filter(|g| scope.contains(g.org_id))
            .map(describe)
            .collect();
        rows.push(roles.join("; "));
    }
    let mut roles = rows.into_iter();
    Ok(render(&ListPage {
        ctx: PageCtx::new(&visitor, "Users", "admin"),
        caption: list_caption(
            &found,
            &search,
            scope.everything(),
            [
                "Users",
                "All users",
                "People with roles at the organisations you administer",
            ],
        ),
        everything: scope.everything(),
        search,
        users: found.map(|u| UserRow {
            id: u.id,
            name: u.name,
            email: u.email,
            roles: roles.next().unwrap_or_default(),
            disabled: u.disabled,
        }),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NewUserForm {
    name: String,
    email: String,
    password: String,
    /// The organisation's id, chosen from a list or from the organisations a name matched.
    org: String,
    /// A name or ODS code typed where the organisations are too many to list.
    org_name: String,
    role: String,
    /// The organisations `org_name` matched, to choose from.
    #[serde(skip)]
    matches: Vec<OrgSummary>,
}

/// A checked new-user form; the organisation is still to be loaded and authorised.
#[derive(Debug, PartialEq, Eq)]
struct NewUser {
    name: String,
    email: Email,
    password: String,
    org_id: Option<i64>,
    role: Role,
}

/// Checks the form; `org_problem` is what was wrong with a typed organisation, if anything.
fn check_new_user(form: &NewUserForm, org_problem: Option<&str>) -> Result<NewUser, Errors> {
    let mut errors = Errors::default();
    let name = check_name(&form.name, "full name")
        .map_err(|e| errors.add("name", e))
        .ok();
    let email = check_email(&form.email, &mut errors);
    let password = if form.password.is_empty() {
        errors.add("password", "Enter a password");
        None
    } else {
        check_new_password(&form.password)
            .map_err(|e| errors.add("password", e))
            .ok()
    };
    let placement = check_placement(&form.org, org_problem, &form.role, &mut errors);
    match (name, email, password, placement) {
        (Some(name), Some(email), Some(()), Some((org_id, role))) if errors.is_empty() => {
            Ok(NewUser {
                name,
                email,
                password: form.password.clone(),
                org_id,
                role,
            })
        }
        _ => Err(errors),
    }
}

/// The email address typed, or an error on "email".
fn check_email(raw: &str, errors: &mut Errors) -> Option<Email> {
    if raw.trim().is_empty() {
        errors.add("email", "Enter an email address");
        return None;
    }
    Email::parse(raw).map_err(|e| errors.add("email", e)).ok()
}

/// The organisation and role chosen: a role is held at an organisation, except a
/// platform administrator's, which covers everything, and a national framework author's.
/// Errors go on "org" (`org_problem`, when the organisation typed named none) then "role".
fn check_placement(
    org: &str,
    org_problem: Option<&str>,
    role: &str,
    errors: &mut Errors,
) -> Option<(Option<i64>, Role)> {
    let role = match role.trim() {
        "" => Err("Select a role"),
        r => Role::parse(r).ok_or("Select a role from the list"),
    };
    let org = match (org.trim(), role) {
        _ if let Some(problem) = org_problem => Err(problem.to_owned()),
        // A platform administrator, or a framework author of national frameworks.
        ("", Ok(r)) if r.fits(None) => Ok(None),
        ("", _) => Err("Choose an organisation".to_owned()),
        (_, Ok(r)) if r.is_global() => Err(format!(
            "{} works across every organisation: do not choose one",
            with_article(&role_name(r))
        )),
        (id, _) => id
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ORG_FROM_LIST.to_owned()),
    };
    let org = org.map_err(|e| errors.add("org", e)).ok();
    let role = role.map_err(|e| errors.add("role", e)).ok();
    Some((org?, role?))
}

/// Whether a role makes sense at this kind of organisation, saying where it does if not.
fn check_fits(role: Role, kind: Option<OrgKind>) -> Result<(), String> {
    if role.fits(kind) {
        return Ok(());
    }
    let kinds: Vec<&str> = OrgKind::ALL
        .into_iter()
        .filter(|k| role.fits(Some(*k)))
        .map(kind_noun)
        .collect();
    if kinds.is_empty() {
        return Err(format!(
            "{} role covers every organisation, so it is not held at one",
            with_article(&role_name(role))
        ));
    }
    Err(format!(
        "{} role must be held at {}",
        with_article(&role_name(role)),
        one_of(&kinds)
    ))
}

/// A role's label inside a sentence: "support worker", but "ICS lead".
fn role_name(role: Role) -> String {
    let label = role.label();
    let first_word = label.split(' ').next().unwrap_or_default();
    if first_word.len() > 1 && first_word.chars().all(|c| c.is_ascii_uppercase()) {
        label.to_owned()
    } else {
        label.to_lowercase()
    }
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewPage {
    ctx: PageCtx,
    form: NewUserForm,
    errors: Errors,
    org: OrgField,
    roles: Vec<Choice>,
    platform_admin: bool,
}

async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    mut form: NewUserForm,
    errors: Errors,
) -> Result<NewPage, AppError> {
    // A password is never sent back to the browser.
    form.password.clear();
    let matches = std::mem::take(&mut form.matches);
    let org = OrgField::offer(
        state,
        scope_roots(user).as_deref(),
        &form.org,
        &form.org_name,
        matches,
    )
    .await?;
    Ok(NewPage {
        ctx: PageCtx::new(visitor, "Add a user", "admin").with_errors(!errors.is_empty()),
        org,
        roles: role_choices(&grantable_roles(&user.principal), form.role.trim()),
        platform_admin: user.principal.is_platform_admin(),
        form,
        errors,
    })
}

async fn again(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    form: NewUserForm,
    errors: Errors,
) -> Result<Response, AppError> {
    let page = form_page(state, visitor, user, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

#[derive(Deserialize)]
struct NewQuery {
    org: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], NEW)?;
    let form = NewUserForm {
        org: q.org.unwrap_or_default(),
        ..NewUserForm::default()
    };
    Ok(render(
        &form_page(&state, &visitor, user, form, Errors::default()).await?,
    ))
}

/// Loads the chosen organisation; `Ok(Err(..))` when the id names none (a form error).
async fn load_org(
    state: &AppState,
    org_id: Option<i64>,
) -> Result<Result<Option<Organisation>, Errors>, AppError> {
    match org_id {
        None => Ok(Ok(None)),
        Some(id) => match state.store.org(id).await {
            Ok(org) => Ok(Ok(Some(org))),
            Err(StoreError::NotFound(_)) => Ok(Err(Errors::one("org", ORG_FROM_LIST))),
            Err(e) => Err(e.into()),
        },
    }
}

async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(mut form): Form<NewUserForm>,
) -> Result<Response, AppError> {
    let user = visitor.require(Action::OpenAdministration, &[], NEW)?;
    let org_problem = resolve(
        &state,
        scope_roots(user).as_deref(),
        &mut form.org,
        &form.org_name,
        &mut form.matches,
    )
    .await?;
    let new = match check_new_user(&form, org_problem.as_deref()) {
        Ok(new) => new,
        Err(errors) => return again(&state, &visitor, user, form, errors).await,
    };
    let org = match load_org(&state, new.org_id).await? {
        Ok(org) => org,
        Err(errors) => return again(&state, &visitor, user, form, errors).await,
    };
    let org_id = org.as_ref().map(|o| o.id);
    let ancestry = ancestry_of(&state, org_id).await?;
    let user = visitor.require(Action::GrantRole(new.role), &ancestry, NEW)?;
    if let Err(message) = check_fits(new.role, org.as_ref().map(|o| o.kind)) {
        return again(&state, &visitor, user, form, Errors::one("role", message)).await;
    }

    let hash = hash_off_thread(new.password.clone()).await?;

    let mut tx = state.store.begin().await?;
    let actor = user.actor();
    let created = match tx
        .create_user(&actor, &new.email, &new.name, &hash, true)
        .await
    {
        Ok(created) => created,
        Err(e) => {
            drop(tx);
            let errors = Errors::from_store(e, &FIELDS, "email")?;
            return again(&state, &visitor, user, form, errors).await;
        }
    };
    if let Err(e) = tx.grant_role(&actor, created.id, new.role, org_id).await {
        drop(tx);
        let errors = Errors::from_store(e, &FIELDS, "role")?;
        return again(&state, &visitor, user, form, errors).await;
    }
    tx.commit().await?;
    tracing::info!(user_id = created.id, by = user.user_id, "user created");
    Ok(Redirect::to(&format!("{LIST}/{}", created.id)).into_response())
}

/// A user's grants, each with its organisation's ancestry (empty for platform-wide ones).
async fn placed(state: &AppState, user_id: i64) -> Result<Vec<(GrantRow, Vec<OrgId>)>, AppError> {
    let mut out = Vec::new();
    for g in state.store.grants(user_id).await? {
        let ancestry = ancestry_of(state, g.org_id).await?;
        out.push((g, ancestry));
    }
    Ok(out)
}

/// Administrators see a user when they may see an organisation where the user holds a
/// role; a user with no role there is visible to platform administrators only.
fn may_see(principal: &Principal, grants: &[(GrantRow, Vec<OrgId>)]) -> bool {
    principal.is_platform_admin()
        || grants.iter().any(|(g, ancestry)| {
            g.org_id.is_some() && principal.may(Action::ViewOrganisation, ancestry)
        })
}

/// Whether this administrator may remove this grant from this user (see
/// [`Principal::may_revoke`]).
fn may_remove(principal: &Principal, user_id: i64, grant: &GrantRow, ancestry: &[OrgId]) -> bool {
    principal.may_revoke(grant.role, ancestry) && !own_platform_admin(principal, user_id, grant)
}

/// Platform administrators cannot remove their own role, so one always remains.
fn own_platform_admin(principal: &Principal, user_id: i64, grant: &GrantRow) -> bool {
    grant.role == Role::PlatformAdmin && principal.user_id == user_id
}

/// Whether this administrator may reset the password of, or disable, this account: only if
/// they could grant every role it holds (see [`Principal::may_manage_account`]).
fn may_manage_account(
    principal: &Principal,
    user_id: i64,
    grants: &[(GrantRow, Vec<OrgId>)],
) -> bool {
    let roles: Vec<(Role, &[OrgId])> = grants
        .iter()
        .map(|(g, ancestry)| (g.role, ancestry.as_slice()))
        .collect();
    principal.may_manage_account(user_id, &roles)
}

/// Loads a user the administrator may see, with their placed grants.
async fn visible_user(
    state: &AppState,
    user: &SignedIn,
    raw_id: &str,
) -> Result<(User, Vec<(GrantRow, Vec<OrgId>)>), AppError> {
    let shown = state.store.user(path_id(raw_id, "user")?).await?;
    let grants = placed(state, shown.id).await?;
    if !may_see(&user.principal, &grants) {
        tracing::info!(user_id = user.user_id, shown = shown.id, "refused");
        return Err(AppError::Forbidden);
    }
    Ok((shown, grants))
}

struct GrantView {
    id: i64,
    role: &'static str,
    org_id: Option<i64>,
    org_name: Option<String>,
    org_visible: bool,
    removable: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GrantForm {
    /// As in [`NewUserForm`].
    org: String,
    org_name: String,
    role: String,
    #[serde(skip)]
    matches: Vec<OrgSummary>,
}

#[derive(Template)]
#[template(path = "admin/user.html")]
struct UserPage {
    ctx: PageCtx,
    shown: User,
    created: String,
    grants: Vec<GrantView>,
    errors: Errors,
    /// The grant form's organisation field.
    org: OrgField,
    roles: Vec<Choice>,
    platform_admin: bool,
    /// The administrator may reset this account's password and disable it.
    manage_account: bool,
    /// How many roles the user holds outside this administrator's scope.
    roles_elsewhere: usize,
    /// A password just set by a reset, shown this once.
    new_password: Option<String>,
    /// The administrator is looking at their own account.
    is_self: bool,
}

async fn user_page(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    shown: User,
    grants: Vec<(GrantRow, Vec<OrgId>)>,
    mut form: GrantForm,
    errors: Errors,
) -> Result<UserPage, AppError> {
    let matches = std::mem::take(&mut form.matches);
    let org = OrgField::offer(
        state,
        scope_roots(user).as_deref(),
        &form.org,
        &form.org_name,
        matches,
    )
    .await?;
    let p = &user.principal;
    let manage_account = may_manage_account(p, shown.id, &grants);
    // Administrators see the roles held inside their own scope; of the rest, only how many.
    let (grants, hidden): (Vec<_>, Vec<_>) = grants.into_iter().partition(|(g, ancestry)| {
        p.is_platform_admin() || (g.org_id.is_some() && p.may(Action::ViewOrganisation, ancestry))
    });
    let grants = grants
        .into_iter()
        .map(|(g, ancestry)| GrantView {
            id: g.id,
            role: g.role.label(),
            org_visible: g.org_id.is_some() && p.may(Action::ViewOrganisation, &ancestry),
            removable: may_remove(p, shown.id, &g, &ancestry),
            org_id: g.org_id,
            org_name: g.org_name,
        })
        .collect();
    let shown_id = shown.id;
    Ok(UserPage {
        ctx: PageCtx::new(visitor, shown.name.clone(), "admin").with_errors(!errors.is_empty()),
        created: uk_date(&shown.created_at),
        shown,
        grants,
        errors,
        org,
        roles: role_choices(&grantable_roles(p), form.role.trim()),
        platform_admin: p.is_platform_admin(),
        manage_account,
        roles_elsewhere: hidden.len(),
        new_password: None,
        is_self: shown_id == user.user_id,
    })
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let path = format!("{LIST}/{raw}");
    let user = visitor.require(Action::OpenAdministration, &[], &path)?;
    let (shown, grants) = visible_user(&state, user, &raw).await?;
    let page = user_page(
        &state,
        &visitor,
        user,
        shown,
        grants,
        GrantForm::default(),
        Errors::default(),
    )
    .await?;
    Ok(render(&page))
}

fn check_grant_form(
    form: &GrantForm,
    org_problem: Option<&str>,
) -> Result<(Option<i64>, Role), Errors> {
    let mut errors = Errors::default();
    match check_placement(&form.org, org_problem, &form.role, &mut errors) {
        Some(placement) if errors.is_empty() => Ok(placement),
        _ => Err(errors),
    }
}

/// The user's page again, with the problems in the grant form.
async fn grant_again(
    state: &AppState,
    visitor: &Visitor,
    user: &SignedIn,
    shown: User,
    grants: Vec<(GrantRow, Vec<OrgId>)>,
    form: GrantForm,
    errors: Errors,
) -> Result<Response, AppError> {
    let page = user_page(state, visitor, user, shown, grants, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

async fn grant(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
    Form(mut form): Form<GrantForm>,
) -> Result<Response, AppError> {
    let path = format!("{LIST}/{raw}");
    let user = visitor.require(Action::OpenAdministration, &[], &path)?;
    let (shown, grants) = visible_user(&state, user, &raw).await?;
    let org_problem = resolve(
        &state,
        scope_roots(user).as_deref(),
        &mut form.org,
        &form.org_name,
        &mut form.matches,
    )
    .await?;
    let (org_id, role) = match check_grant_form(&form, org_problem.as_deref()) {
        Ok(placement) => placement,
        Err(errors) => {
            return grant_again(&state, &visitor, user, shown, grants, form, errors).await;
        }
    };
    let org = match load_org(&state, org_id).await? {
        Ok(org) => org,
        Err(errors) => {
            return grant_again(&state, &visitor, user, shown, grants, form, errors).await;
        }
    };
    let ancestry = ancestry_of(&state, org_id).await?;
    let user = visitor.require(Action::GrantRole(role), &ancestry, &path)?;
    if let Err(message) = check_fits(role, org.as_ref().map(|o| o.kind)) {
        return grant_again(
            &state,
            &visitor,
            user,
            shown,
            grants,
            form,
            Errors::one("role", message),
        )
        .await;
    }

    let mut tx = state.store.begin().await?;
    if let Err(e) = tx.grant_role(&user.actor(), shown.id, role, org_id).await {
        drop(tx);
        let errors = Errors::from_store(e, &["org", "role"], "role")?;
        return grant_again(&state, &visitor, user, shown, grants, form, errors).await;
    }
    tx.commit().await?;
    tracing::info!(
        user_id = shown.id,
        by = user.user_id,
        role = role.as_str(),
        "role granted"
    );
    Ok(Redirect::to(&path).into_response())
}

/// Loads a grant of the user in the path that this administrator may remove, refusing
/// otherwise: the administrator, the user and the grant.
async fn removable_grant<'v>(
    state: &AppState,
    visitor: &'v Visitor,
    raw: &str,
    raw_grant: &str,
) -> Result<(&'v SignedIn, User, GrantRow), AppError> {
    let path = format!("{LIST}/{raw}");
    let user = visitor.require(Action::OpenAdministration, &[], &path)?;
    let (shown, grants) = visible_user(state, user, raw).await?;
    // The grant must be one of this user's: the id alone is never trusted.
    let grant_id = path_id(raw_grant, "role")?;
    let Some((grant, ancestry)) = grants.into_iter().find(|(g, _)| g.id == grant_id) else {
        return Err(AppError::NotFound("The role".into()));
    };
    let user = visitor.require(Action::GrantRole(grant.role), &ancestry, &path)?;
    if !user.principal.may_revoke(grant.role, &ancestry) {
        tracing::info!(
            user_id = user.user_id,
            shown = shown.id,
            "refused role removal"
        );
        return Err(AppError::Forbidden);
    }
    if own_platform_admin(&user.principal, shown.id, &grant) {
        return Err(AppError::BadRequest(
            "You cannot remove your own platform administrator role. Ask another platform administrator to do it".into(),
        ));
    }
    Ok((user, shown, grant))
}

async fn confirm_revoke(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((raw, raw_grant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (_, shown, grant) = removable_grant(&state, &visitor, &raw, &raw_grant).await?;
    let role = describe(&grant);
    Ok(render(&ConfirmPage {
        ctx: PageCtx::new(
            &visitor,
            format!("Remove a role from {}", shown.name),
            "admin",
        ),
        heading: format!(
            "Are you sure you want to remove the role {role} from {}?",
            shown.name
        ),
        consequence: format!(
            "{} will no longer be able to do what the role {role} allows. You can grant it again later.",
            shown.name
        ),
        action: format!("{LIST}/{}/grants/{}/revoke", shown.id, grant.id),
        button: "Remove role",
        cancel: format!("{LIST}/{}", shown.id),
    }))
}

async fn revoke(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((raw, raw_grant)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let path = format!("{LIST}/{raw}");
    let (user, shown, grant) = removable_grant(&state, &visitor, &raw, &raw_grant).await?;
    let mut tx = state.store.begin().await?;
    tx.revoke_grant(&user.actor(), grant.id).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = shown.id,
        by = user.user_id,
        role = grant.role.as_str(),
        "role removed"
    );
    // Without that role the user may now be outside this administrator's scope.
    let still_visible = may_see(&user.principal, &placed(&state, shown.id).await?);
    Ok(Redirect::to(if still_visible { &path } else { LIST }).into_response())
}

/// "Are you sure?" before a change that is hard to undo: its Confirm button posts to the
/// action, which checks everything again.
#[derive(Template)]
#[template(path = "admin/confirm.html")]
pub(super) struct ConfirmPage {
    pub ctx: PageCtx,
    pub heading: String,
    /// What will happen, so the administrator knows what they are confirming.
    pub consequence: String,
    pub action: String,
    pub button: &'static str,
    pub cancel: String,
}

/// Loads a user whose account this administrator may manage, refusing otherwise.
async fn manageable_user<'v>(
    state: &AppState,
    visitor: &'v Visitor,
    raw_id: &str,
) -> Result<(&'v SignedIn, User, Vec<(GrantRow, Vec<OrgId>)>), AppError> {
    let path = format!("{LIST}/{raw_id}");
    let user = visitor.require(Action::OpenAdministration, &[], &path)?;
    let (shown, grants) = visible_user(state, user, raw_id).await?;
    if shown.id == user.user_id {
        return Err(AppError::BadRequest(
            "You cannot do this to your own account. Change your password on your account page, or ask another administrator".into(),
        ));
    }
    if !may_manage_account(&user.principal, shown.id, &grants) {
        tracing::info!(
            user_id = user.user_id,
            shown = shown.id,
            "refused account change"
        );
        return Err(AppError::Forbidden);
    }
    Ok((user, shown, grants))
}

/// Refuses, before `tx` commits, a change to an account whose roles changed since they were
/// checked: a role above the administrator's granted meanwhile would put the account out of
/// their reach. Read after the change is written, so on SQLite the write lock is held and on
/// PostgreSQL a grant committed before it is seen.
async fn still_manageable(
    tx: &mut pathway_store::Tx,
    user_id: i64,
    checked: &[(GrantRow, Vec<OrgId>)],
) -> Result<(), AppError> {
    let now = tx.grant_ids(user_id).await?;
    let then: Vec<i64> = checked.iter().map(|(g, _)| g.id).collect();
    if now == then {
        return Ok(());
    }
    Err(AppError::Refused {
        status: StatusCode::CONFLICT,
        code: "changed",
        message: "This person's roles changed while you were making this change, so nothing was changed. Open their page again to see their roles, then try again".into(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EditForm {
    name: String,
    email: String,
}

/// A checked edit: the name and the email address.
fn check_edit_form(form: &EditForm) -> Result<(String, Email), Errors> {
    let mut errors = Errors::default();
    let name = check_name(&form.name, "full name")
        .map_err(|e| errors.add("name", e))
        .ok();
    let email = check_email(&form.email, &mut errors);
    match (name, email) {
        (Some(name), Some(email)) if errors.is_empty() => Ok((name, email)),
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "admin/user_edit.html")]
struct EditPage {
    ctx: PageCtx,
    shown: User,
    form: EditForm,
    errors: Errors,
}

fn edit_page(visitor: &Visitor, shown: User, form: EditForm, errors: Errors) -> EditPage {
    EditPage {
        ctx: PageCtx::new(visitor, format!("Change {}’s details", shown.name), "admin")
            .with_errors(!errors.is_empty()),
        shown,
        form,
        errors,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (_, shown, _) = manageable_user(&state, &visitor, &raw).await?;
    let form = EditForm {
        name: shown.name.clone(),
        email: shown.email.clone(),
    };
    Ok(render(&edit_page(&visitor, shown, form, Errors::default())))
}

/// Changes a user's name and email address: only for administrators who may act on the
/// account as a whole, since the email address is what they sign in with.
async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, AppError> {
    let (user, shown, checked) = manageable_user(&state, &visitor, &raw).await?;
    let again = |shown, form, errors| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&edit_page(&visitor, shown, form, errors)),
        )
            .into_response()
    };
    let (name, email) = match check_edit_form(&form) {
        Ok(checked) => checked,
        Err(errors) => return Ok(again(shown, form, errors)),
    };
    let mut tx = state.store.begin().await?;
    match tx
        .update_user(&user.actor(), shown.id, &name, Some(&email))
        .await
    {
        Ok(changed) => {
            still_manageable(&mut tx, shown.id, &checked).await?;
            tx.commit().await?;
            if changed {
                tracing::info!(
                    user_id = shown.id,
                    by = user.user_id,
                    "user details changed"
                );
            }
        }
        Err(e) => {
            drop(tx);
            let errors = Errors::from_store(e, &["name", "email"], "email")?;
            return Ok(again(shown, form, errors));
        }
    }
    Ok(Redirect::to(&format!("{LIST}/{}", shown.id)).into_response())
}

/// Asks "Are you sure you want to {doing}?" about `shown`'s account, with Confirm posting
/// to `{LIST}/{id}/{step}`.
fn confirm_account(
    visitor: &Visitor,
    shown: &User,
    step: &str,
    doing: String,
    consequence: &str,
    button: &'static str,
) -> Response {
    render(&ConfirmPage {
        ctx: PageCtx::new(visitor, sentence(&doing), "admin"),
        heading: format!("Are you sure you want to {doing}?"),
        consequence: consequence.to_owned(),
        action: format!("{LIST}/{}/{step}", shown.id),
        button,
        cancel: format!("{LIST}/{}", shown.id),
    })
}

async fn confirm_reset_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (_, shown, _) = manageable_user(&state, &visitor, &raw).await?;
    Ok(confirm_account(
        &visitor,
        &shown,
        "password",
        format!("reset {}’s password", shown.name),
        "Pathway will make a new password and show it to you once, for you to give them securely. Their current password will stop working, they will be signed out everywhere, and they must choose their own password when they next sign in.",
        "Reset password",
    ))
}

async fn confirm_disable(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let path = format!("{LIST}/{raw}");
    let (_, shown, _) = manageable_user(&state, &visitor, &raw).await?;
    if shown.disabled {
        // Nothing to confirm: their page says the account is disabled.
        return Ok(Redirect::to(&path).into_response());
    }
    Ok(confirm_account(
        &visitor,
        &shown,
        "disable",
        format!("disable {}’s account", shown.name),
        "They will be signed out everywhere and will not be able to sign in. Their records and roles are kept, and you can enable the account again at any time.",
        "Disable account",
    ))
}

/// Gives the account a new random password, shown to the administrator once, and signs the
/// user out everywhere; they must choose their own password when they next sign in.
async fn reset_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    let (user, mut shown, grants) = manageable_user(&state, &visitor, &raw).await?;
    let password = generate_password();
    let hash = hash_off_thread(password.clone()).await?;
    let mut tx = state.store.begin().await?;
    tx.reset_password(&user.actor(), shown.id, &hash, true)
        .await?;
    still_manageable(&mut tx, shown.id, &grants).await?;
    tx.commit().await?;
    tracing::info!(user_id = shown.id, by = user.user_id, "password reset");
    shown.must_change_password = true;
    let mut page = user_page(
        &state,
        &visitor,
        user,
        shown,
        grants,
        GrantForm::default(),
        Errors::default(),
    )
    .await?;
    // Shown in this response only: a redirect would have to carry it in the address.
    page.new_password = Some(password);
    let mut response = render(&page);
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

async fn disable(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(state, visitor, raw, true).await
}

async fn enable(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(raw): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(state, visitor, raw, false).await
}

/// Disabling keeps everything about the user and their records; they just cannot sign in,
/// and any session they have ends at once.
async fn set_disabled(
    state: AppState,
    visitor: Visitor,
    raw: String,
    disabled: bool,
) -> Result<Response, AppError> {
    let path = format!("{LIST}/{raw}");
    let (user, shown, checked) = manageable_user(&state, &visitor, &raw).await?;
    let mut tx = state.store.begin().await?;
    let changed = tx.set_disabled(&user.actor(), shown.id, disabled).await?;
    still_manageable(&mut tx, shown.id, &checked).await?;
    tx.commit().await?;
    if changed {
        tracing::info!(
            user_id = shown.id,
            by = user.user_id,
            disabled,
            "account status changed"
        );
    }
    Ok(Redirect::to(&path).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pathway_domain::access::Grant;

    #[tokio::test]
    async fn a_change_is_refused_when_the_roles_changed_after_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("pathway.db").display());
        let store = pathway_store::Store::open(&url).await.unwrap();
        let actor = pathway_store::Actor::system();
        let mut tx = store.begin().await.unwrap();
        let email = Email::parse("ana@trust.nhs.uk").unwrap();
        let ana = tx
            .create_user(&actor, &email, "Ana", "hash", false)
            .await
            .unwrap();
        tx.grant_role(&actor, ana.id, Role::Worker, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let checked: Vec<(GrantRow, Vec<OrgId>)> = store
            .grants(ana.id)
            .await
            .unwrap()
            .into_iter()
            .map(|g| (g, Vec::new()))
            .collect();

        let mut tx = store.begin().await.unwrap();
        assert!(still_manageable(&mut tx, ana.id, &checked).await.is_ok());
        drop(tx);
        // A platform administrator role given meanwhile puts Ana out of a lead's reach.
        let mut tx = store.begin().await.unwrap();
        tx.grant_role(&actor, ana.id, Role::PlatformAdmin, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let refused = still_manageable(&mut tx, ana.id, &checked)
            .await
            .unwrap_err();
        assert!(
            matches!(
                refused,
                AppError::Refused {
                    status: StatusCode::CONFLICT,
                    ..
                }
            ),
            "{refused:?}"
        );
        drop(tx);
        store.close().await;
    }

    fn form(name: &str, email: &str, password: &str, org: &str, role: &str) -> NewUserForm {
        NewUserForm {
            name: name.into(),
            email: email.into(),
            password: password.into(),
            org: org.into(),
            role: role.into(),
            ..NewUserForm::default()
        }
    }

    fn fields(e: &Errors) -> Vec<String> {
        e.iter().map(|f| f.field.clone()).collect()
    }

    #[test]
    fn a_complete_form_is_accepted() {
        let new = check_new_user(
            &form(
                " Priya Patel ",
                "Priya@Trust.NHS.uk",
                "a-long-enough-password",
                "3",
                "worker",
            ),
            None,
        )
        .unwrap();
        assert_eq!(new.name, "Priya Patel");
        assert_eq!(new.email.as_str(), "priya@trust.nhs.uk");
        assert_eq!((new.org_id, new.role), (Some(3), Role::Worker));
    }

    #[test]
    fn an_empty_form_has_one_error_per_field() {
        let errors = check_new_user(&NewUserForm::default(), None).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["name", "email", "password", "org", "role"]
        );
        assert_eq!(errors.get("name"), Some("Enter the full name"));
        assert_eq!(errors.get("email"), Some("Enter an email address"));
        assert_eq!(errors.get("password"), Some("Enter a password"));
        assert_eq!(errors.get("org"), Some("Choose an organisation"));
        assert_eq!(errors.get("role"), Some("Select a role"));
    }

    #[test]
    fn bad_values_are_explained() {
        let errors =
            check_new_user(&form("Ana", "ana@", "short", "x", "emperor"), None).unwrap_err();
        assert_eq!(fields(&errors), ["email", "password", "org", "role"]);
        assert!(
            errors
                .get("email")
                .is_some_and(|m| m.starts_with("Enter an email address in the correct format"))
        );
        assert_eq!(
            errors.get("password"),
            Some("The password must be at least 12 characters long")
        );
        assert_eq!(errors.get("org"), Some(ORG_FROM_LIST));
        assert_eq!(errors.get("role"), Some("Select a role from the list"));
    }

    #[test]
    fn an_edit_needs_a_name_and_a_real_email_address() {
        let edit = |name: &str, email: &str| {
            check_edit_form(&EditForm {
                name: name.into(),
                email: email.into(),
            })
        };
        let (name, email) = edit(" Wren Worker ", " Wren@North.NHS.uk").unwrap();
        assert_eq!(
            (name.as_str(), email.as_str()),
            ("Wren Worker", "wren@north.nhs.uk")
        );
        let errors = edit("", "").unwrap_err();
        assert_eq!(fields(&errors), ["name", "email"]);
        assert_eq!(errors.get("name"), Some("Enter the full name"));
        assert_eq!(errors.get("email"), Some("Enter an email address"));
        assert_eq!(fields(&edit("Wren", "wren@").unwrap_err()), ["email"]);
    }

    #[test]
    fn platform_administrators_are_not_placed_at_an_organisation() {
        let mut errors = Errors::default();
        assert_eq!(
            check_placement("", None, "platform_admin", &mut errors),
            Some((None, Role::PlatformAdmin))
        );
        assert!(errors.is_empty());
        assert_eq!(
            check_placement("3", None, "platform_admin", &mut errors),
            None
        );
        assert_eq!(fields(&errors), ["org"]);
        assert_eq!(
            check_grant_form(
                &GrantForm {
                    role: "worker".into(),
                    ..GrantForm::default()
                },
                None
            )
            .map_err(|e| fields(&e)),
            Err(vec!["org".to_owned()])
        );
    }

    #[test]
    fn an_organisation_typed_that_names_none_is_the_organisation_field_problem() {
        let errors = check_new_user(
            &form("Ana", "ana@north.nhs.uk", "a-long-enough-password", "", ""),
            Some("no organisation you administer has “zz” in its name"),
        )
        .unwrap_err();
        assert_eq!(fields(&errors), ["org", "role"]);
        assert_eq!(
            errors.get("org"),
            Some("No organisation you administer has “zz” in its name")
        );
    }

    #[test]
    fn roles_must_fit_the_kind_of_organisation() {
        assert!(check_fits(Role::Worker, Some(OrgKind::Team)).is_ok());
        assert!(check_fits(Role::PlatformAdmin, None).is_ok());
        assert_eq!(
            check_fits(Role::Worker, Some(OrgKind::Region)).unwrap_err(),
            "A support worker role must be held at an employer, team or social care provider"
        );
        assert_eq!(
            check_fits(Role::IcsLead, Some(OrgKind::Employer)).unwrap_err(),
            "An ICS lead role must be held at an integrated care system"
        );
        assert_eq!(
            check_fits(Role::EmployerLead, None).unwrap_err(),
            "An employer lead role must be held at an employer, team or social care provider"
        );
        assert!(check_fits(Role::PlatformAdmin, Some(OrgKind::Region)).is_err());
    }

    fn grant_row(id: i64, role: Role, org_id: Option<i64>) -> GrantRow {
        GrantRow {
            id,
            role,
            org_id,
            org_name: org_id.map(|o| format!("Org {o}")),
        }
    }

    fn principal(user_id: i64, grants: &[(Role, Option<i64>)]) -> Principal {
        Principal {
            user_id,
            grants: grants
                .iter()
                .map(|&(role, org)| Grant { role, org })
                .collect(),
        }
    }

    #[test]
    fn users_are_visible_through_the_organisations_where_they_hold_roles() {
        let lead = principal(1, &[(Role::EmployerLead, Some(3))]);
        let at_team = [(grant_row(9, Role::Worker, Some(5)), vec![5, 3, 2, 1])];
        let elsewhere = [(grant_row(9, Role::Worker, Some(4)), vec![4, 2, 1])];
        assert!(may_see(&lead, &at_team));
        assert!(!may_see(&lead, &elsewhere));
        assert!(!may_see(&lead, &[]));
        assert!(may_see(&principal(1, &[(Role::PlatformAdmin, None)]), &[]));
    }

    #[test]
    fn platform_administrators_keep_their_own_role() {
        let admin = principal(1, &[(Role::PlatformAdmin, None)]);
        let own = grant_row(7, Role::PlatformAdmin, None);
        assert!(!may_remove(&admin, 1, &own, &[]));
        assert!(may_remove(&admin, 2, &own, &[]));
        let lead = principal(1, &[(Role::EmployerLead, Some(3))]);
        assert!(may_remove(
            &lead,
            2,
            &grant_row(8, Role::Worker, Some(3)),
            &[3, 2, 1]
        ));
        assert!(!may_remove(
            &lead,
            2,
            &grant_row(8, Role::IcsLead, Some(2)),
            &[2, 1]
        ));
        assert!(!may_remove(&lead, 2, &own, &[]));
    }
}
