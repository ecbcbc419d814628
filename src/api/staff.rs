//! The staff start page: progress of the caller's scope (one college, or every college for 学校)
//! by status and by 学历层次, and who has not started yet.

use crate::domain::codes::EducationLevel;
use crate::domain::status::Status;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Counts of one group (a college, a 学历层次 or the whole scope), by status in `Status::ALL` order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub label: String,
    pub by_status: [i64; 4],
}

impl Counts {
    pub fn total(&self) -> i64 {
        self.by_status.iter().sum()
    }

    pub fn of(&self, status: Status) -> i64 {
        Status::ALL
            .iter()
            .position(|s| *s == status)
            .map_or(0, |i| self.by_status[i])
    }

    fn add(&mut self, status: Status, n: i64) {
        if let Some(i) = Status::ALL.iter().position(|s| *s == status) {
            self.by_status[i] += n;
        }
    }
}

/// A student who has not pressed 开始核验.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NotStarted {
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub major: String,
    pub class_name: String,
    pub mobile: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub display_name: String,
    /// 学院 name, or 全校 for school-wide staff.
    pub scope: String,
    pub is_school: bool,
    pub cohort: String,
    pub total: Counts,
    /// One row per college (for 学校; a college sees its own).
    pub colleges: Vec<Counts>,
    /// One row per 学历层次 present.
    pub levels: Vec<Counts>,
    /// The first students who have not started (all of them are in the CSV).
    pub not_started: Vec<NotStarted>,
    pub not_started_total: i64,
}

/// Students the dashboard lists by name (the CSV has them all).
pub const NOT_STARTED_SHOWN: i64 = 100;

#[server(prefix = "/api", endpoint = "load_dashboard")]
pub async fn load_dashboard() -> Result<Dashboard, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    let state = crate::server::AppState::current()?;
    let rows = crate::server::db::students::progress_counts(&state.pool, staff.college_id).await?;
    let (total, colleges, levels) = tally(&rows);
    let (not_started, not_started_total) = crate::server::db::students::not_started(
        &state.pool,
        staff.college_id,
        Some(NOT_STARTED_SHOWN),
    )
    .await?;
    let today = crate::server::windows::today();
    let cohort = crate::server::db::campaign::load(&state.pool, today)
        .await?
        .cohort;
    Ok(Dashboard {
        display_name: staff.display_name,
        is_school: staff.college_id.is_none(),
        scope: staff.college_name.unwrap_or_else(|| "全校".to_string()),
        cohort,
        total,
        colleges,
        levels,
        not_started,
        not_started_total,
    })
}

/// Sums (college id, college, 学历代码, status, n) rows into the scope's total, per college and
/// per 学历层次 (in the national order: 博士, 硕士, 本科, 专科).
pub fn tally(rows: &[(i64, String, String, String, i64)]) -> (Counts, Vec<Counts>, Vec<Counts>) {
    let mut total = Counts {
        label: "合计".to_string(),
        ..Default::default()
    };
    let mut colleges: Vec<(i64, Counts)> = Vec::new();
    let mut levels: Vec<(EducationLevel, Counts)> = Vec::new();
    for (college_id, college, level, status, n) in rows {
        let Some(status) = Status::from_db(status) else {
            continue;
        };
        total.add(status, *n);
        match colleges.iter_mut().find(|(id, _)| id == college_id) {
            Some((_, c)) => c.add(status, *n),
            None => {
                let mut c = Counts {
                    label: college.clone(),
                    ..Default::default()
                };
                c.add(status, *n);
                colleges.push((*college_id, c));
            }
        }
        if let Some(level) = EducationLevel::parse(level) {
            match levels.iter_mut().find(|(l, _)| *l == level) {
                Some((_, c)) => c.add(status, *n),
                None => {
                    let mut c = Counts {
                        label: level.label().to_string(),
                        ..Default::default()
                    };
                    c.add(status, *n);
                    levels.push((level, c));
                }
            }
        }
    }
    levels.sort_by_key(|(l, _)| EducationLevel::ALL.iter().position(|x| x == l));
    (
        total,
        colleges.into_iter().map(|(_, c)| c).collect(),
        levels.into_iter().map(|(_, c)| c).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_sums_by_college_and_level() {
        let rows = vec![
            (
                1,
                "数学".to_string(),
                "31".to_string(),
                "approved".to_string(),
                3,
            ),
            (
                1,
                "数学".to_string(),
                "11".to_string(),
                "submitted".to_string(),
                2,
            ),
            (
                2,
                "外语".to_string(),
                "31".to_string(),
                "unverified".to_string(),
                5,
            ),
        ];
        let (total, colleges, levels) = tally(&rows);
        assert_eq!(total.total(), 10);
        assert_eq!(total.of(Status::Approved), 3);
        assert_eq!(colleges.len(), 2);
        assert_eq!(colleges[0].total(), 5);
        assert_eq!(colleges[1].of(Status::Unverified), 5);
        assert_eq!(levels.len(), 2);
        assert_eq!(levels[0].total(), 2, "硕士 before 本科: {levels:?}");
        assert_eq!(levels[1].total(), 8);
    }
}
