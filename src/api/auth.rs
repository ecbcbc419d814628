//! Login, logout and "who am I".

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Account {
    Student {
        student_no: String,
        name: String,
        /// Notifications not yet read.
        unread: i64,
    },
    Staff {
        username: String,
        display_name: String,
        college: Option<String>,
    },
}

impl Account {
    pub fn label(&self) -> String {
        match self {
            Account::Student {
                student_no, name, ..
            } => format!("{name}（{student_no}）"),
            Account::Staff {
                display_name,
                college,
                ..
            } => {
                format!("{display_name}（{}）", college.as_deref().unwrap_or("学校"))
            }
        }
    }

    pub fn home(&self) -> &'static str {
        match self {
            Account::Student { .. } => "/student",
            Account::Staff { .. } => "/staff",
        }
    }
}

#[server(prefix = "/api", endpoint = "account")]
pub async fn current_account() -> Result<Option<Account>, AppError> {
    use crate::server::auth::{Caller, caller};
    let state = crate::server::AppState::current()?;
    Ok(match caller().await? {
        Some(Caller::Student(s)) => Some(Account::Student {
            unread: crate::server::db::notifications::unread_count(&state.pool, s.id).await?,
            student_no: s.student_no,
            name: s.name,
        }),
        Some(Caller::Staff(s)) => Some(Account::Staff {
            username: s.username,
            display_name: s.display_name,
            college: s.college_name,
        }),
        None => None,
    })
}

/// Student login: 学号 + password (default: the last six characters of the 身份证号).
/// `keep_signed_in` (the checkbox 在本设备上保持登录, `on`): the login outlives the browser.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    student_no: String,
    password: String,
    #[server(default)] keep_signed_in: Option<String>,
) -> Result<(), AppError> {
    let keep = matches!(keep_signed_in.as_deref(), Some("on" | "true"));
    let must_change = crate::server::auth::login_student(&student_no, &password, keep).await?;
    leptos_axum::redirect(if must_change { "/account" } else { "/student" });
    Ok(())
}

#[server(prefix = "/api", endpoint = "staff_login")]
pub async fn staff_login(username: String, password: String) -> Result<(), AppError> {
    let must_change = crate::server::auth::login_staff(&username, &password).await?;
    leptos_axum::redirect(if must_change { "/account" } else { "/staff" });
    Ok(())
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::server::auth::logout().await?;
    leptos_axum::redirect("/login");
    Ok(())
}
