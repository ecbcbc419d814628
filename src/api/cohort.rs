//! Cohort changes: a college asks for a student to leave the cohort (留级, 休学), 学校 staff
//! decide; removed students cannot log in, keep their history and can be restored.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RemovalRequest {
    pub id: i64,
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub class_name: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RemovedStudent {
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub class_name: String,
    pub removed_at: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortChanges {
    pub pending: Vec<RemovalRequest>,
    pub removed: Vec<RemovedStudent>,
    /// 学校 staff decide and restore; colleges see their own requests.
    pub may_decide: bool,
}

#[server(prefix = "/api", endpoint = "load_cohort_changes")]
pub async fn load_cohort_changes() -> Result<CohortChanges, AppError> {
    ssr::changes().await
}

/// A college's request to take a student out of the cohort, with the reason.
#[server(prefix = "/api", endpoint = "request_removal")]
pub async fn request_removal(student_id: i64, reason: String) -> Result<(), AppError> {
    ssr::request(student_id, reason).await
}

/// 学校: approve (`approve` = true) or refuse a request.
#[server(prefix = "/api", endpoint = "decide_removal")]
pub async fn decide_removal(
    request_id: i64,
    approve: bool,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    ssr::decide(request_id, approve, note).await
}

/// 学校: bring a removed student back into the cohort (复学).
#[server(prefix = "/api", endpoint = "restore_student")]
pub async fn restore_student(student_id: i64) -> Result<(), AppError> {
    ssr::restore(student_id).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::server::AppState;
    use crate::server::auth::{client_addr, require_school_staff, require_staff};
    use crate::server::db::{audit, begin_write, cohort};

    pub async fn changes() -> Result<CohortChanges, AppError> {
        let staff = require_staff().await?;
        let state = AppState::current()?;
        let pending = cohort::open_requests(&state.pool, staff.college_id).await?;
        let removed = cohort::removed_students(&state.pool, staff.college_id).await?;
        Ok(CohortChanges {
            pending,
            removed,
            may_decide: staff.college_id.is_none(),
        })
    }

    pub async fn request(student_id: i64, reason: String) -> Result<(), AppError> {
        let staff = crate::api::review::reviewer_for(student_id).await?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(AppError::field(
                "removal_reason",
                "请填写移出原因（如留级、休学）",
            ));
        }
        if reason.chars().count() > 200 {
            return Err(AppError::field("removal_reason", "移出原因最多 200 个字"));
        }
        let state = AppState::current()?;
        let mut tx = begin_write(&state.pool).await?;
        let Some(_) = cohort::request_removal(&mut tx, student_id, &reason, &staff.actor()).await?
        else {
            return Err(AppError::Rejected("该学生已有待处理的移出申请".to_string()));
        };
        let addr = client_addr();
        audit::record(
            &mut *tx,
            audit::Entry {
                actor: &staff.actor(),
                action: "removal_requested",
                student_id: Some(student_id),
                detail: Some(&reason),
                client_addr: addr.as_deref(),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn decide(request_id: i64, approve: bool, note: String) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        let mut tx = begin_write(&state.pool).await?;
        let Some(student_id) = cohort::open_request_student(&mut tx, request_id).await? else {
            return Err(AppError::Conflict("该申请已被处理，请刷新".to_string()));
        };
        let note = note.trim().chars().take(200).collect::<String>();
        cohort::decide(
            &mut tx,
            request_id,
            student_id,
            approve,
            &staff.actor(),
            &note,
        )
        .await?;
        let addr = client_addr();
        audit::record(
            &mut *tx,
            audit::Entry {
                actor: &staff.actor(),
                action: if approve {
                    "removal_approved"
                } else {
                    "removal_refused"
                },
                student_id: Some(student_id),
                detail: (!note.is_empty()).then_some(note.as_str()),
                client_addr: addr.as_deref(),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn restore(student_id: i64) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        if cohort::college_of_any(&state.pool, student_id)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        let mut tx = begin_write(&state.pool).await?;
        cohort::set_removed(&mut tx, student_id, None).await?;
        let addr = client_addr();
        audit::record(
            &mut *tx,
            audit::Entry {
                actor: &staff.actor(),
                action: "student_restored",
                student_id: Some(student_id),
                client_addr: addr.as_deref(),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
