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

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RosterPreview {
    pub id: i64,
    pub file_name: String,
    pub uploaded_at: String,
    /// The import's summary, once confirmed.
    pub applied: Option<String>,
    /// The file was discarded (放弃) or left unconfirmed too long: only its preview is left.
    pub discarded: bool,
    /// Each header of the file and the column it was matched to (None: ignored).
    pub columns: Vec<(String, Option<String>)>,
    pub added_count: usize,
    pub changed_count: usize,
    pub unchanged_count: usize,
    pub refused_count: usize,
    pub warning_count: usize,
    /// The first rows of each kind (the counts are complete).
    pub added: Vec<ImportRow>,
    pub changed: Vec<ImportRow>,
    /// (line, reason) of the first refused rows.
    pub refused: Vec<(u64, String)>,
    /// The first values imported as they are, to be checked by the student.
    pub warnings: Vec<String>,
    /// "数学与计算科学学院" when the import is limited to one college (the uploader's).
    pub scope: Option<String>,
}

/// Rows of each kind the preview lists (the counts cover all).
pub const PREVIEW_ROWS: usize = 200;

/// The preview stored when the file was uploaded (the file is not read again).
#[server(prefix = "/api", endpoint = "import_preview")]
pub async fn import_preview(upload_id: i64) -> Result<RosterPreview, AppError> {
    ssr::preview(upload_id).await
}

/// Writes the previewed file (again checked, in one transaction, in the uploader's scope);
/// returns the summary. The file is deleted afterwards.
#[server(prefix = "/api", endpoint = "import_confirm")]
pub async fn import_confirm(upload_id: i64) -> Result<String, AppError> {
    ssr::confirm(upload_id).await
}

/// 放弃: deletes the uploaded file without importing it.
#[server(prefix = "/api", endpoint = "import_discard")]
pub async fn import_discard(upload_id: i64) -> Result<(), AppError> {
    ssr::discard(upload_id).await
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::server::AppState;
    use crate::server::auth::{StaffCaller, client_addr, refuse, require_staff};
    use crate::server::db::{audit, uploads};
    use crate::server::imports;
    use crate::server::roster::{self, ApplyOptions};

    /// The upload, when the caller may see it: its uploader, or 学校. Stale files go first.
    async fn own_upload(staff: &StaffCaller, id: i64) -> Result<uploads::Upload, AppError> {
        let state = AppState::current()?;
        uploads::purge_stale(&state.pool).await?;
        let upload = uploads::find(&state.pool, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if staff.college_id.is_some() && upload.staff_id != staff.id {
            return Err(refuse(&staff.actor(), None, "查看他人上传的名单").await);
        }
        Ok(upload)
    }

    pub async fn preview(id: i64) -> Result<RosterPreview, AppError> {
        let staff = require_staff().await?;
        let upload = own_upload(&staff, id).await?;
        let mut preview = match upload.preview.as_deref() {
            Some(json) => serde_json::from_str::<RosterPreview>(json).map_err(|e| {
                tracing::error!(error = %e, "a stored preview does not read back");
                AppError::Internal
            })?,
            // Imported before previews were stored: only the summary is left.
            None => RosterPreview {
                file_name: upload.file_name.clone(),
                ..Default::default()
            },
        };
        preview.id = id;
        preview.uploaded_at = upload.created_at.clone();
        preview.applied = upload
            .applied_at
            .as_ref()
            .map(|_| upload.summary.clone().unwrap_or_default());
        preview.discarded = upload.applied_at.is_none() && upload.content.is_none();
        Ok(preview)
    }

    const GONE: &str = "这个文件已放弃或上传超过 24 小时，请重新上传";

    pub async fn confirm(id: i64) -> Result<String, AppError> {
        let staff = require_staff().await?;
        let upload = own_upload(&staff, id).await?;
        if upload.applied_at.is_some() {
            return Err(AppError::Rejected("这个文件已经导入过了".to_string()));
        }
        let content = upload
            .content
            .ok_or_else(|| AppError::Rejected(GONE.to_string()))?;
        let state = AppState::current()?;
        let read = imports::read(upload.file_name.clone(), content.into())
            .await
            .map_err(AppError::Rejected)?;
        // Claimed first, so two clicks (or two tabs) import once.
        if !uploads::claim(&state.pool, id).await? {
            return Err(AppError::Rejected("这个文件已经导入过了".to_string()));
        }
        // The uploader's scope, whoever confirms: 学校 confirming a college's file imports
        // only that college's rows, as its preview showed.
        let options = ApplyOptions {
            college: imports::scope_name(&state, upload.college_id).await?,
            dry_run: false,
            client_addr: client_addr(),
            source: Some(format!("{}（上传编号 {id}）", upload.file_name)),
        };
        match roster::apply_with(&state.pool, read.parsed, &staff.actor(), options).await {
            Ok(report) => {
                let summary = report.summary();
                uploads::finish(&state.pool, id, &summary).await?;
                Ok(summary)
            }
            Err(e) => {
                tracing::error!(error = %e, "import failed");
                uploads::unclaim(&state.pool, id).await?;
                Err(AppError::Internal)
            }
        }
    }

    pub async fn discard(id: i64) -> Result<(), AppError> {
        let staff = require_staff().await?;
        let upload = own_upload(&staff, id).await?;
        let state = AppState::current()?;
        if !uploads::discard(&state.pool, id).await? {
            return Err(AppError::Rejected(if upload.applied_at.is_some() {
                "这个文件已经导入，不能放弃".to_string()
            } else {
                GONE.to_string()
            }));
        }
        let scope = imports::scope_name(&state, upload.college_id).await?;
        let addr = client_addr();
        audit::record(
            &state.pool,
            audit::Entry {
                actor: &staff.actor(),
                action: "discard_upload",
                detail: Some(&format!(
                    "{}（{} 行，上传编号 {id}，范围：{}）",
                    upload.file_name,
                    upload.row_count,
                    scope.as_deref().unwrap_or("全校")
                )),
                client_addr: addr.as_deref(),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}
