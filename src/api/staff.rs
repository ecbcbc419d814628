//! The staff start page: where their scope stands.

use crate::domain::status::Status;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub display_name: String,
    /// 学院 name, or 学校 for school-wide staff.
    pub scope: String,
    pub counts: Vec<(Status, i64)>,
    pub total: i64,
}

#[server(prefix = "/api", endpoint = "staff_overview")]
pub async fn staff_overview() -> Result<Overview, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    let state = crate::server::AppState::current()?;
    let rows = crate::server::db::students::status_counts(&state.pool, staff.college_id).await?;
    let counts: Vec<(Status, i64)> = Status::ALL
        .iter()
        .map(|s| {
            (
                *s,
                rows.iter()
                    .filter(|(db, _)| db == s.as_db())
                    .map(|(_, n)| *n)
                    .sum(),
            )
        })
        .collect();
    Ok(Overview {
        display_name: staff.display_name,
        scope: staff.college_name.unwrap_or_else(|| "学校".to_string()),
        total: counts.iter().map(|(_, n)| n).sum(),
        counts,
    })
}
