//! Roster uploads from the office pages: a file is read once when it arrives (on the blocking
//! pool, one file at a time), its preview is worked out and stored, and it is applied on
//! confirmation with the scope of the staff member who uploaded it, whoever confirms.

use super::AppState;
use super::auth::StaffCaller;
use super::db::{audit, students, uploads};
use super::roster::{self, ApplyOptions, Outcome, Parsed, Problem};
use crate::api::import::{ImportRow, PREVIEW_ROWS, RosterPreview};
use crate::error::AppError;
use axum::body::Bytes;

/// One file is parsed at a time: each may take a few hundred MB at the limits.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// A file read into rows, with the header matching shown in the preview.
pub struct Read {
    pub columns: Vec<(String, Option<String>)>,
    pub parsed: Parsed,
}

/// Reads and parses `bytes` on the blocking pool; the error is the message for the uploader.
pub async fn read(file_name: String, bytes: Bytes) -> Result<Read, String> {
    let _permit = PARSING.acquire().await.map_err(|_| busy())?;
    tokio::task::spawn_blocking(move || {
        let table = super::spreadsheet::read(&file_name, &bytes)?;
        let columns = roster::matched_columns(&table.headers)
            .into_iter()
            .map(|(h, c)| (h, c.map(str::to_string)))
            .collect();
        let parsed = roster::parse_rows(&table.headers, table.rows)?;
        Ok(Read { columns, parsed })
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "reading an upload failed");
        busy()
    })?
}

fn busy() -> String {
    "系统繁忙，请稍后再试".to_string()
}

/// The import's scope for an uploader of `college_id` (`None`: 学校, the whole school).
pub async fn scope_name(
    state: &AppState,
    college_id: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    match college_id {
        None => Ok(None),
        // A college that no longer exists matches no row, so nothing is imported.
        Some(id) => Ok(Some(
            students::college_name(&state.pool, id)
                .await?
                .unwrap_or_else(|| format!("（已删除的学院 {id}）")),
        )),
    }
}

/// What the upload of `file_name` by `staff` did: stored as upload `id`, or refused with a
/// message.
pub enum Staged {
    Stored { id: i64 },
    Refused(String),
}

/// Reads the file, works out its preview (a dry run in the uploader's scope), and stores both;
/// the upload is logged with its row count.
pub async fn stage(
    state: &AppState,
    staff: &StaffCaller,
    client_addr: Option<&str>,
    file_name: &str,
    bytes: Bytes,
) -> Result<Staged, AppError> {
    let read = read(file_name.to_string(), bytes.clone()).await;
    let log = |detail: String| async move {
        audit::record(
            &state.pool,
            audit::Entry {
                actor: &staff.actor(),
                action: "upload_roster",
                detail: Some(&detail),
                client_addr,
                ..Default::default()
            },
        )
        .await
    };
    let read = match read {
        Ok(read) => read,
        Err(message) => {
            log(format!("{file_name}：未接受（{message}）")).await?;
            return Ok(Staged::Refused(message));
        }
    };
    let scope = scope_name(state, staff.college_id).await?;
    let row_count = read.parsed.students.len() + refused_count(&read.parsed);
    let options = ApplyOptions {
        college: scope.clone(),
        dry_run: true,
        ..Default::default()
    };
    let report = roster::apply_with(&state.pool, read.parsed, &staff.actor(), options)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "upload preview failed");
            AppError::Internal
        })?;
    let preview = preview_of(file_name, read.columns, &report, scope.clone());
    let preview = serde_json::to_string(&preview).map_err(|e| {
        tracing::error!(error = %e, "storing a preview failed");
        AppError::Internal
    })?;
    let id = uploads::create(
        &state.pool,
        uploads::NewUpload {
            staff_id: staff.id,
            college_id: staff.college_id,
            file_name,
            content: &bytes,
            preview: &preview,
            row_count: row_count as i64,
        },
    )
    .await?;
    log(format!(
        "{file_name}（{row_count} 行，上传编号 {id}，范围：{}）",
        scope.as_deref().unwrap_or("全校")
    ))
    .await?;
    Ok(Staged::Stored { id })
}

fn refused_count(parsed: &Parsed) -> usize {
    parsed
        .problems
        .iter()
        .filter(|p| matches!(p, Problem::Refused { .. }))
        .count()
}

fn row(o: &Outcome) -> ImportRow {
    ImportRow {
        line: o.line,
        student_no: o.student_no.clone(),
        name: o.name.clone(),
        college: o.college.clone(),
    }
}

/// The preview of a dry run: counts in full, the first `PREVIEW_ROWS` rows of each kind.
fn preview_of(
    file_name: &str,
    columns: Vec<(String, Option<String>)>,
    report: &roster::Report,
    scope: Option<String>,
) -> RosterPreview {
    let mut preview = RosterPreview {
        id: 0,
        file_name: file_name.to_string(),
        uploaded_at: String::new(),
        applied: None,
        discarded: false,
        columns,
        added_count: report.added,
        changed_count: report.changed,
        unchanged_count: report.unchanged,
        refused_count: report.refused,
        warning_count: report.problems.len() - report.refused,
        added: Vec::new(),
        changed: Vec::new(),
        refused: Vec::new(),
        warnings: Vec::new(),
        scope,
    };
    for o in &report.outcomes {
        let list = match o.upsert {
            students::Upsert::Added => &mut preview.added,
            students::Upsert::Changed => &mut preview.changed,
            students::Upsert::Unchanged => continue,
        };
        if list.len() < PREVIEW_ROWS {
            list.push(row(o));
        }
    }
    for p in &report.problems {
        match p {
            Problem::Refused { line, reason } if preview.refused.len() < PREVIEW_ROWS => {
                preview.refused.push((*line, reason.clone()))
            }
            Problem::Warning { .. } if preview.warnings.len() < PREVIEW_ROWS => {
                preview.warnings.push(p.to_string())
            }
            _ => {}
        }
    }
    preview
}
