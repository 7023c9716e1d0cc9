//! One error type for handlers, rendered as an NHS.UK error page for people
//! and as one JSON shape for the API.

use crate::views::ErrorPage;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use pathway_domain::framework::Problems;
use pathway_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} was not found")]
    NotFound(String),
    #[error("sign in to continue")]
    Unauthenticated { next: String },
    #[error("you do not have permission to do this")]
    Forbidden,
    #[error(
        "this form has expired or did not come from Pathway; go back, reload the page and try again"
    )]
    Csrf,
    #[error(
        "your password was set by someone else: sign in on a page and choose your own before using Pathway"
    )]
    PasswordChangeRequired,
    #[error("{0}")]
    BadRequest(String),
    #[error("the input has problems")]
    Invalid(Problems),
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("internal error: {0}")]
    Internal(String),
    /// Refusals made before a handler runs (wrong method, body too large, timed out…),
    /// given the one shape by [`crate::middleware`].
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what.to_owned()),
            StoreError::Conflict { field, message } => Self::Conflict {
                field: field.to_owned(),
                message,
            },
            StoreError::Invalid(p) => Self::Invalid(p),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf | Self::PasswordChangeRequired => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Refused { status, .. } => *status,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Unauthenticated { .. } => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::Csrf => "csrf_token_invalid",
            Self::PasswordChangeRequired => "password_change_required",
            Self::BadRequest(_) => "bad_request",
            Self::Invalid(_) => "invalid",
            Self::Conflict { .. } => "conflict",
            Self::Internal(_) => "internal",
            Self::Refused { code, .. } => code,
        }
    }

    /// What a person may read: never internals.
    fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => {
                "Sorry, there is a problem with the service. Try again later.".into()
            }
            Self::Invalid(p) if !p.is_empty() => format!(
                "The input has {} problem(s); fix them and try again.",
                p.0.len()
            ),
            other => {
                let s = other.to_string();
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or(s)
            }
        }
    }

    fn log(&self) {
        if let Self::Internal(detail) = self {
            tracing::error!(error = %detail, "request failed");
        }
    }
}

/// Pages: an NHS.UK error page (or a redirect to sign in).
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if let Self::Unauthenticated { next } = &self {
            let target = format!("/sign-in?next={}", crate::views::url_encode(next));
            return Redirect::to(&target).into_response();
        }
        let status = self.status();
        let page = ErrorPage::new(
            status,
            &self.public_message(),
            match &self {
                Self::Invalid(p) => p.0.iter().map(|p| p.to_string()).collect(),
                _ => Vec::new(),
            },
        );
        (status, page).into_response()
    }
}

/// The JSON error body, the same everywhere in the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// HTTP status code.
    pub status: u16,
    /// Stable machine-readable code, e.g. `not_found`, `invalid`, `forbidden`.
    pub code: String,
    /// What went wrong and what to do, for people.
    pub message: String,
    /// Each problem with the input, where it was found and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemBody {
    /// File, row, column or JSON path.
    pub location: String,
    pub message: String,
}

/// API handlers return this so errors are JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let status = self.0.status();
        let problems = match &self.0 {
            AppError::Invalid(p) => {
                p.0.iter()
                    .map(|p| ProblemBody {
                        location: p.location.clone(),
                        message: p.message.clone(),
                    })
                    .collect()
            }
            AppError::Conflict { field, message } => vec![ProblemBody {
                location: field.clone(),
                message: message.clone(),
            }],
            _ => Vec::new(),
        };
        let message = match &self.0 {
            AppError::Unauthenticated { .. } => "Sign in to continue.".to_owned(),
            other => other.public_message(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                code: self.0.code().into(),
                message,
                problems,
            },
        };
        (status, Json(body)).into_response()
    }
}
