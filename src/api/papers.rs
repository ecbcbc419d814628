//! 附件4 and 附件5 for a college (college staff: their own; 学校: any one, or all), from the
//! cohort's current 校库 values. The same numbers feed the print page and the spreadsheet.

use crate::domain::papers::{LetterCounts, SummaryTable};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CollegePapers {
    pub college_id: i64,
    pub college: String,
    pub letter: LetterCounts,
    pub table: SummaryTable,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PapersData {
    pub cohort: String,
    pub school_name: String,
    pub colleges: Vec<CollegePapers>,
    /// Colleges 学校 staff can choose from (empty for college staff).
    pub choices: Vec<(i64, String)>,
}

/// `college_id` None: the caller's own college, or (学校) every college.
#[server(prefix = "/api", endpoint = "load_papers")]
pub async fn load_papers(
    #[server(default)] college_id: Option<i64>,
) -> Result<PapersData, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    let state = crate::server::AppState::current()?;
    crate::server::papers::load(
        &state,
        staff.college_id.or(college_id),
        staff.college_id.is_none(),
    )
    .await
    .map_err(AppError::from)
}
