//! Campaign windows, enforced on the server: students fill within theirs, college staff review
//! within theirs. 学校 staff, who set the windows, are not held by them.

use super::AppState;
use super::db::campaign;
use crate::domain::campaign::beijing_today;
use crate::error::AppError;

pub fn today() -> chrono::NaiveDate {
    beijing_today(chrono::Utc::now())
}

/// Refuses a student's change outside the students' window.
pub async fn require_student_window() -> Result<(), AppError> {
    let state = AppState::current()?;
    let today = today();
    let c = campaign::load(&state.pool, today).await?;
    c.students
        .check("学生填报", today)
        .map_err(AppError::OutsideWindow)
}

/// Refuses a college staff member's review action outside the review window.
pub async fn require_review_window(staff: &super::auth::StaffCaller) -> Result<(), AppError> {
    if staff.college_id.is_none() {
        return Ok(());
    }
    let state = AppState::current()?;
    let c = campaign::load(&state.pool, today()).await?;
    c.review
        .check("学院审核", today())
        .map_err(AppError::OutsideWindow)
}

/// Refuses the 生源信息 form to a student who has not answered the survey, when 学校 requires it.
/// One query: it runs on every student server function.
pub async fn require_survey(student_id: i64) -> Result<(), AppError> {
    let state = AppState::current()?;
    if super::db::survey::survey_pending(&state.pool, student_id).await? {
        Err(AppError::SurveyRequired)
    } else {
        Ok(())
    }
}
