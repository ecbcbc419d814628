//! Roster import in the browser: an uploaded `.xlsx` / `.csv` (see `server::uploads`) is shown as
//! a preview — matched columns, rows to add / change / leave, bad rows with line and reason — and
//! written only when confirmed, in one transaction. College staff import their own college only.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: u64,
    pub student_no: String,
    pub name: String,
    pub college: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RosterPreview {
    pub id: i64,
    pub file_name: String,
    pub uploaded_at: String,
    /// The import's summary, once confirmed.
    pub applied: Option<String>,
    /// Each header of the file and the column it was matched to (None: ignored).
    pub columns: Vec<(String, Option<String>)>,
    pub added_count: usize,
    pub changed_count: usize,
    pub unchanged_count: usize,
    /// The first rows of each kind (the counts are complete).
    pub added: Vec<ImportRow>,
    pub changed: Vec<ImportRow>,
    /// (line, reason) of every refused row.
    pub refused: Vec<(u64, String)>,
    /// Values imported as they are, to be checked by the student.
    pub warnings: Vec<String>,
    /// Why the whole file cannot be imported (unreadable, required columns missing).
    pub error: Option<String>,
    /// "数学与计算科学学院" when the import is limited to one college.
    pub scope: Option<String>,
}

/// Rows of each kind the preview lists (the counts cover all).
pub const PREVIEW_ROWS: usize = 200;

#[server(prefix = "/api", endpoint = "import_preview")]
pub async fn import_preview(upload_id: i64) -> Result<RosterPreview, AppError> {
    ssr::preview(upload_id).await
}

/// Writes the previewed file (again checked, in one transaction); returns the summary.
#[server(prefix = "/api", endpoint = "import_confirm")]
pub async fn import_confirm(upload_id: i64) -> Result<String, AppError> {
    ssr::confirm(upload_id).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::server::AppState;
    use crate::server::auth::{StaffCaller, refuse, require_staff};
    use crate::server::db::uploads;
    use crate::server::roster::{self, ApplyOptions, Outcome};

    async fn own_upload(staff: &StaffCaller, id: i64) -> Result<uploads::Upload, AppError> {
        let state = AppState::current()?;
        let upload = uploads::find(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if staff.college_id.is_some() && upload.staff_id != staff.id {
            return Err(refuse(&staff.actor(), None, "查看他人上传的名单").await);
        }
        Ok(upload)
    }

    fn options(staff: &StaffCaller, dry_run: bool) -> ApplyOptions {
        ApplyOptions {
            college: staff.college_name.clone(),
            dry_run,
        }
    }

    fn row(o: &Outcome) -> ImportRow {
        ImportRow {
            line: o.line,
            student_no: o.student_no.clone(),
            name: o.name.clone(),
            college: o.college.clone(),
        }
    }

    pub async fn preview(id: i64) -> Result<RosterPreview, AppError> {
        let staff = require_staff().await?;
        let upload = own_upload(&staff, id).await?;
        let state = AppState::current()?;
        let mut preview = RosterPreview {
            id,
            file_name: upload.file_name.clone(),
            uploaded_at: upload.created_at.clone(),
            applied: upload
                .applied_at
                .as_ref()
                .map(|_| upload.summary.clone().unwrap_or_default()),
            columns: Vec::new(),
            added_count: 0,
            changed_count: 0,
            unchanged_count: 0,
            added: Vec::new(),
            changed: Vec::new(),
            refused: Vec::new(),
            warnings: Vec::new(),
            error: None,
            scope: staff.college_name.clone(),
        };
        let table = match crate::server::spreadsheet::read(&upload.file_name, &upload.content) {
            Ok(t) => t,
            Err(e) => {
                preview.error = Some(e);
                return Ok(preview);
            }
        };
        preview.columns = roster::matched_columns(&table.headers)
            .into_iter()
            .map(|(h, c)| (h, c.map(str::to_string)))
            .collect();
        let parsed = match roster::parse_rows(&table.headers, table.rows) {
            Ok(p) => p,
            Err(e) => {
                preview.error = Some(e);
                return Ok(preview);
            }
        };
        let report = roster::apply_with(&state.pool, parsed, &staff.actor(), options(&staff, true))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "import preview failed");
                AppError::Internal
            })?;
        preview.added_count = report.added;
        preview.changed_count = report.changed;
        preview.unchanged_count = report.unchanged;
        for o in &report.outcomes {
            match o.upsert {
                crate::server::db::students::Upsert::Added
                    if preview.added.len() < PREVIEW_ROWS =>
                {
                    preview.added.push(row(o))
                }
                crate::server::db::students::Upsert::Changed
                    if preview.changed.len() < PREVIEW_ROWS =>
                {
                    preview.changed.push(row(o))
                }
                _ => {}
            }
        }
        for p in &report.problems {
            match p {
                roster::Problem::Refused { line, reason } => {
                    preview.refused.push((*line, reason.clone()))
                }
                warning => preview.warnings.push(warning.to_string()),
            }
        }
        Ok(preview)
    }

    pub async fn confirm(id: i64) -> Result<String, AppError> {
        let staff = require_staff().await?;
        let upload = own_upload(&staff, id).await?;
        if upload.applied_at.is_some() {
            return Err(AppError::Rejected("这个文件已经导入过了".to_string()));
        }
        let state = AppState::current()?;
        let table = crate::server::spreadsheet::read(&upload.file_name, &upload.content)
            .map_err(AppError::Rejected)?;
        let parsed = roster::parse_rows(&table.headers, table.rows).map_err(AppError::Rejected)?;
        // Claimed first, so two clicks (or two tabs) import once.
        if !uploads::claim(&state.pool, id).await? {
            return Err(AppError::Rejected("这个文件已经导入过了".to_string()));
        }
        match roster::apply_with(&state.pool, parsed, &staff.actor(), options(&staff, false)).await
        {
            Ok(report) => {
                let summary = report.summary();
                uploads::set_summary(&state.pool, id, &summary).await?;
                Ok(summary)
            }
            Err(e) => {
                tracing::error!(error = %e, "import failed");
                uploads::unclaim(&state.pool, id).await?;
                Err(AppError::Internal)
            }
        }
    }
}
