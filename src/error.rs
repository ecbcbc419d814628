//! The one error type every server function returns.

use crate::domain::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input broke a rule; each entry names its field.
    #[error("{0}")]
    Validation(FieldErrors),
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限执行此操作")]
    Forbidden,
    /// The account's password was reset (or set by someone else) and must be changed first.
    #[error("请先修改密码")]
    PasswordChangeRequired,
    /// The job-intention survey comes before 生源信息.
    #[error("请先完成求职意向调研问卷")]
    SurveyRequired,
    #[error("未找到相应记录")]
    NotFound,
    /// The record changed since the caller loaded it.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    OutsideWindow(String),
    /// A request that is well-formed but not allowed now (wrong password, wrong status …).
    #[error("{0}")]
    Rejected(String),
    /// The account (from this address) is locked after too many wrong passwords.
    #[error("{0}")]
    Locked(String),
    /// Too many tries in a short time (passwords, codes, mails); the text says when to try again.
    #[error("{0}")]
    TooManyAttempts(String),
    /// The server is at its limit (e.g. password checks); trying again shortly will work.
    #[error("系统繁忙，请稍后再试")]
    Busy,
    /// Details go to the server log only.
    #[error("服务器内部错误，请稍后再试")]
    Internal,
    /// Transport-level failures (network, decoding) raised by the server-function machinery.
    #[error("网络或服务异常，请稍后再试（{0}）")]
    Transport(ServerFnErrorErr),
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.push(field, message);
        AppError::Validation(errors)
    }

    /// The message for one field, when this is a validation error naming it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.get(field).map(str::to_string),
            _ => None,
        }
    }

    /// As a form shows it: a validation error's fields, anything else under `form`.
    pub fn into_field_errors(self) -> FieldErrors {
        match self {
            AppError::Validation(errors) => errors,
            other => {
                let mut errors = FieldErrors::new();
                errors.push("form", other.to_string());
                errors
            }
        }
    }

    /// True when the request may succeed if simply sent again later.
    pub fn is_transport(&self) -> bool {
        matches!(self, AppError::Transport(_))
    }

    pub fn conflict() -> Self {
        AppError::Conflict("记录已被他人修改，请刷新页面后再试".to_string())
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value)
    }

    /// Serialising an error is the one place every failed server function passes through: it
    /// also gives the response its HTTP status, so proxies, logs and scripts see what happened.
    #[cfg(feature = "ssr")]
    fn ser(&self) -> leptos::server_fn::Bytes {
        ssr::set_response_status(self.status());
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self).unwrap_or_else(|e| {
            tracing::error!(error = %e, "an error could not be serialised");
            leptos::server_fn::Bytes::from_static(b"\"Internal\"")
        })
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status this error is answered with (server functions and file routes alike).
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden
            | AppError::PasswordChangeRequired
            | AppError::SurveyRequired
            | AppError::OutsideWindow(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::Rejected(_) => StatusCode::CONFLICT,
            AppError::Locked(_) => StatusCode::LOCKED,
            AppError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::Deserialization(_)
                | ServerFnErrorErr::MissingArg(_),
            ) => StatusCode::BAD_REQUEST,
            AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// File routes answer an error with its status and its message as plain text.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        (self.status(), self.to_string()).into_response()
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use http::header::ACCEPT;

    /// Sets the status of the current server-function response. A plain HTML form post (no
    /// WASM yet) keeps Leptos' redirect back to the form, which carries the error in its URL.
    pub fn set_response_status(status: http::StatusCode) {
        use leptos::prelude::use_context;
        let html_form = use_context::<http::request::Parts>().is_some_and(|parts| {
            parts
                .headers
                .get(ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
        });
        if !html_form && let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}
