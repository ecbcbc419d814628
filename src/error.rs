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
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "database error");
        AppError::Internal
    }
}
