//! File downloads (plain axum handlers: they stream a file rather than return data to a page).
//! Each checks the caller from the session cookie exactly as the server functions do, and each
//! file goes out through `send_logged`, which writes its audit row first.

use super::AppState;
use super::auth::{StaffCaller, client_addr_of};
use super::db::{audit, security};
use crate::domain::export::safe_cell;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{StatusCode, header};

/// A CSV that Excel and WPS open as UTF-8 (with a byte-order mark), every cell formula-safe.
pub fn csv_bytes(
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    writer.write_record(headers).map_err(|e| e.to_string())?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| safe_cell(cell).into_owned()))
            .map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
}

/// A download response with a UTF-8 file name (RFC 6266 / 5987).
pub fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let encoded = crate::api::review::percent_encode(file_name);
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"download.{}\"; filename*=UTF-8''{encoded}",
                    file_name.rsplit('.').next().unwrap_or("bin")
                ),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

/// A file about to leave the system.
pub struct Download<'a> {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub file_name: &'a str,
    /// Whose data it holds: 全校, or the college's name.
    pub scope: &'a str,
    /// How many rows of people's data it holds (for 附件4/5, how many students it counts).
    pub rows: usize,
}

/// Sends `download` once its `export` audit row (who, from where, the file, scope and rows) is
/// written; a file whose row cannot be written is not sent.
pub async fn send_logged(
    state: &AppState,
    parts: &Parts,
    staff: &StaffCaller,
    download: Download<'_>,
) -> Response {
    let addr = client_addr_of(parts, &state.config);
    let detail = format!(
        "{}（{}，{} 条）",
        download.file_name, download.scope, download.rows
    );
    let logged = audit::record(
        &state.pool,
        audit::Entry {
            actor: &staff.actor(),
            action: "export",
            detail: Some(&detail),
            client_addr: addr.as_deref(),
            ..Default::default()
        },
    )
    .await;
    match logged {
        Ok(()) => attachment(download.bytes, download.content_type, download.file_name),
        Err(e) => {
            tracing::error!(error = %e, "the audit row of a download failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// 全校, or the name of college `college_id`.
pub async fn scope_name(state: &AppState, college_id: Option<i64>) -> String {
    match college_id {
        Some(id) => super::db::students::college_name(&state.pool, id)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| format!("学院 {id}")),
        None => "全校".to_string(),
    }
}

/// `GET /staff/security-log.csv?<the security log page's filters>` (学校 staff only).
pub async fn security_log_csv(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match super::files::staff_of(&state, &parts, true, "下载安全日志").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let query = crate::api::account_office::LogQuery::parse(parts.uri.query().unwrap_or(""));
    let filter =
        crate::api::account_office::ssr::filter_of(&crate::api::account_office::LogQuery {
            page: 0,
            ..query
        });
    let rows = match security::security_log(&state.pool, &filter, Some(100_000)).await {
        Ok((rows, _)) => rows,
        Err(e) => {
            tracing::error!(error = %e, "security log export failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let count = rows.len();
    let rows = rows.into_iter().map(|r| {
        vec![
            crate::components::beijing_time(&r.at, "%Y-%m-%d %H:%M:%S"),
            r.actor,
            security::action_label(&r.action).to_string(),
            r.detail.unwrap_or_default(),
            r.client_addr.unwrap_or_default(),
        ]
    });
    match csv_bytes(
        &["时间（北京时间）", "账号", "事件", "说明", "来源地址"],
        rows,
    ) {
        Ok(bytes) => {
            let download = Download {
                bytes,
                content_type: "text/csv; charset=utf-8",
                file_name: "安全日志.csv",
                scope: "全校",
                rows: count,
            };
            send_logged(&state, &parts, &staff, download).await
        }
        Err(e) => {
            tracing::error!(error = %e, "security log CSV failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_cells_cannot_become_formulas() {
        let bytes = super::csv_bytes(
            &["账号", "说明"],
            vec![vec![
                "=HYPERLINK(\"http://evil\",\"x\")".to_string(),
                "+1".to_string(),
            ]],
        )
        .expect("csv");
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.starts_with('\u{feff}'));
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let row = reader.records().next().expect("a row").expect("parses");
        assert_eq!(&row[0], "'=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!(&row[1], "'+1");
    }
}
