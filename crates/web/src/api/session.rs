//! Who the caller is, and the token their changes must carry: how a script that signed in
//! through `/sign-in` learns its CSRF token without reading a page.

use crate::auth::Visitor;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// The caller's session.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    /// The signed-in user, or null for someone not signed in.
    pub user: Option<SessionUser>,
    /// Send this in the `X-CSRF-Token` header with every POST (including `/sign-in`, as the
    /// `csrf_token` form field, before signing in). It changes when the session changes:
    /// read it again after signing in.
    pub csrf_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The roles the user holds.
    pub roles: Vec<SessionRole>,
    /// True when someone else set the password: until the user chooses their own on the
    /// account page, every other API call is refused with `password_change_required`.
    pub must_change_password: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionRole {
    /// `worker`, `supervisor`, `employer_lead`, `ics_lead`, `regional_lead`,
    /// `training_provider`, `framework_author` or `platform_admin`.
    pub role: &'static str,
    /// The organisation the role is held at; null for a platform administrator.
    pub organisation_id: Option<i64>,
}

/// The caller's session and CSRF token.
#[utoipa::path(get, path = "/api/session", tag = "session", operation_id = "getSession",
    responses((status = 200, description = "The caller, if signed in, and the token to send with changes", body = Session)))]
pub async fn show(visitor: Visitor) -> Json<Session> {
    Json(Session {
        user: visitor.signed_in.as_ref().map(|s| SessionUser {
            id: s.user_id,
            name: s.name.clone(),
            email: s.email.clone(),
            roles: s
                .principal
                .grants
                .iter()
                .map(|g| SessionRole {
                    role: g.role.as_str(),
                    organisation_id: g.org,
                })
                .collect(),
            must_change_password: s.must_change_password,
        }),
        csrf_token: visitor.csrf_token.clone(),
    })
}
