//! 教师账号 (学校 only): create staff accounts for 学校 or one college, rename, move to another
//! college, disable / enable, and set a new initial password.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub college_id: Option<i64>,
    pub college: String,
    pub disabled: bool,
    pub locked: bool,
    pub is_self: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffDirectory {
    pub staff: Vec<StaffRow>,
    pub colleges: Vec<(i64, String)>,
}

#[server(prefix = "/api", endpoint = "load_staff_directory")]
pub async fn load_staff_directory() -> Result<StaffDirectory, AppError> {
    ssr::directory().await
}

/// A new account; the person must change `password` at the first login.
#[server(prefix = "/api", endpoint = "create_staff_account")]
pub async fn create_staff_account(
    username: String,
    display_name: String,
    #[server(default)] college_id: Option<i64>,
    password: String,
) -> Result<(), AppError> {
    ssr::create(username, display_name, college_id, password).await
}

#[server(prefix = "/api", endpoint = "update_staff_account")]
pub async fn update_staff_account(
    id: i64,
    display_name: String,
    #[server(default)] college_id: Option<i64>,
    disabled: bool,
) -> Result<(), AppError> {
    ssr::update(id, display_name, college_id, disabled).await
}

/// Sets a new initial password (changed at the next login) and unlocks the account.
#[server(prefix = "/api", endpoint = "reset_staff_password")]
pub async fn reset_staff_password(id: i64, password: String) -> Result<(), AppError> {
    ssr::reset(id, password).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::domain::password::{PasswordContext, check_new_password};
    use crate::domain::staff::{check_display_name, check_username, normalize_username};
    use crate::server::AppState;
    use crate::server::auth::{hash_password, log_event, require_school_staff};
    use crate::server::db::{accounts, begin_write, review, students};

    pub async fn directory() -> Result<StaffDirectory, AppError> {
        let me = require_school_staff().await?;
        let state = AppState::current()?;
        let staff = accounts::list_staff(&state.pool)
            .await?
            .into_iter()
            .map(|s| StaffRow {
                is_self: s.id == me.id,
                id: s.id,
                username: s.username,
                display_name: s.display_name,
                college_id: s.college_id,
                college: s.college_name.unwrap_or_else(|| "学校".to_string()),
                disabled: s.disabled_at.is_some(),
                locked: s.locked_at.is_some(),
            })
            .collect();
        Ok(StaffDirectory {
            staff,
            colleges: review::colleges(&state.pool).await?,
        })
    }

    async fn check_college(state: &AppState, college_id: Option<i64>) -> Result<(), AppError> {
        if let Some(id) = college_id
            && students::college_name(&state.pool, id).await?.is_none()
        {
            return Err(AppError::field("college_id", "没有这个学院"));
        }
        Ok(())
    }

    fn check_name(display_name: &str) -> Result<String, AppError> {
        check_display_name(display_name).map_err(|m| AppError::field("display_name", m))
    }

    fn check_password(username: &str, password: &str) -> Result<(), AppError> {
        let ctx = PasswordContext {
            login: username,
            ..Default::default()
        };
        let errors = check_new_password(password, password, &ctx);
        match errors.get("new_password") {
            Some(m) => Err(AppError::field("password", m.replace("新密码", "初始密码"))),
            None => Ok(()),
        }
    }

    pub async fn create(
        username: String,
        display_name: String,
        college_id: Option<i64>,
        password: String,
    ) -> Result<(), AppError> {
        let me = require_school_staff().await?;
        let state = AppState::current()?;
        let username = normalize_username(&username);
        check_username(&username).map_err(|m| AppError::field("username", m))?;
        let display_name = check_name(&display_name)?;
        check_college(&state, college_id).await?;
        check_password(&username, &password)?;
        let hash = hash_password(password).await?;
        let mut tx = begin_write(&state.pool).await?;
        if accounts::create_staff(&mut tx, &username, &display_name, &hash, college_id)
            .await?
            .is_none()
        {
            return Err(AppError::field("username", "该用户名已被使用"));
        }
        tx.commit().await?;
        log_event(
            &me.actor(),
            "staff_created",
            None,
            Some(&format!("{username}（{display_name}）")),
        )
        .await
    }

    pub async fn update(
        id: i64,
        display_name: String,
        college_id: Option<i64>,
        disabled: bool,
    ) -> Result<(), AppError> {
        let me = require_school_staff().await?;
        let state = AppState::current()?;
        let display_name = check_name(&display_name)?;
        check_college(&state, college_id).await?;
        if id == me.id && (disabled || college_id.is_some()) {
            return Err(AppError::Rejected(
                "不能停用自己的账号，也不能把自己改为学院账号".to_string(),
            ));
        }
        let mut tx = begin_write(&state.pool).await?;
        if !accounts::update_staff(&mut tx, id, &display_name, college_id, disabled).await? {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        let detail = format!(
            "账号 #{id}：{display_name}，{}，{}",
            college_id.map_or("学校".to_string(), |c| format!("学院 #{c}")),
            if disabled { "停用" } else { "启用" }
        );
        log_event(&me.actor(), "staff_updated", None, Some(&detail)).await
    }

    pub async fn reset(id: i64, password: String) -> Result<(), AppError> {
        let me = require_school_staff().await?;
        let state = AppState::current()?;
        let Some(target) = accounts::list_staff(&state.pool)
            .await?
            .into_iter()
            .find(|s| s.id == id)
        else {
            return Err(AppError::NotFound);
        };
        check_password(&target.username, &password)?;
        let hash = hash_password(password).await?;
        let mut tx = begin_write(&state.pool).await?;
        accounts::set_staff_password(&mut tx, id, &hash).await?;
        tx.commit().await?;
        log_event(
            &me.actor(),
            "password_reset",
            None,
            Some(&format!("教师账号 {}", target.username)),
        )
        .await
    }
}
