//! Files in and out of the office pages: roster upload (staged for its preview), the import
//! template, and the national export. Each handler checks the session like a server function;
//! each download is logged (`send_logged`).

use super::AppState;
use super::auth::{Caller, StaffCaller, caller_for, client_addr_of};
use super::db::audit;
use super::downloads::{Download, csv_bytes, scope_name, send_logged};
use super::imports::Staged;
use axum::extract::{Multipart, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use http::request::Parts;

/// Largest roster file accepted (20,000 students as xlsx are about 2 MB).
pub const UPLOAD_LIMIT: usize = super::spreadsheet::limits::MAX_FILE_BYTES;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The staff member who sent `parts`, or the response that refuses them.
pub async fn staff_of(
    state: &AppState,
    parts: &Parts,
    school_only: bool,
    what: &str,
) -> Result<StaffCaller, Response> {
    let who = caller_for(state, parts)
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    let refusal = match who {
        Some(Caller::Staff(s))
            if !s.must_change_password && (!school_only || s.college_id.is_none()) =>
        {
            return Ok(s);
        }
        None => return Err((StatusCode::UNAUTHORIZED, "请先登录").into_response()),
        Some(Caller::Staff(s)) => s.actor(),
        Some(Caller::Student(s)) => s.actor(),
    };
    let addr = client_addr_of(parts, &state.config);
    let _ = audit::record(
        &state.pool,
        audit::Entry {
            actor: &refusal,
            action: "forbidden",
            detail: Some(what),
            client_addr: addr.as_deref(),
            ..Default::default()
        },
    )
    .await;
    Err((StatusCode::FORBIDDEN, "没有权限执行此操作").into_response())
}

/// The value of `key` in the request's query string, decoded.
pub fn query_param(parts: &Parts, key: &str) -> Option<String> {
    parts
        .uri
        .query()?
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| crate::api::review::percent_decode(v))
}

/// `POST /staff/import/upload` (multipart, field `file`): reads the file, stores it with its
/// preview and shows that; a file over the limits or unreadable goes back with the reason.
pub async fn upload_roster(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let staff = match staff_of(&state, &parts, false, "上传名单").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let addr = client_addr_of(&parts, &state.config);
    let request = Request::from_parts(parts, body);
    let mut multipart =
        match <Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await {
            Ok(m) => m,
            Err(_) => return back_with_error("请选择要上传的文件（.xlsx 或 .csv）"),
        };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return back_with_error("请选择要上传的文件（.xlsx 或 .csv）"),
            Err(_) => return back_with_error("文件上传不完整（超过 20 MB 或网络中断），请重试"),
        };
        if field.name() != Some("file") {
            continue;
        }
        let file_name = field
            .file_name()
            .map(|n| {
                n.rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(n)
                    .chars()
                    .take(120)
                    .collect()
            })
            .unwrap_or_else(|| "名单".to_string());
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(_) => return back_with_error("文件上传不完整（超过 20 MB 或网络中断），请重试"),
        };
        if bytes.is_empty() {
            return back_with_error("请选择要上传的文件（.xlsx 或 .csv）");
        }
        // Read once, here: the preview page shows what was stored.
        return match super::imports::stage(&state, &staff, addr.as_deref(), &file_name, bytes).await
        {
            Ok(Staged::Stored { id }) => {
                Redirect::to(&format!("/staff/import/{id}")).into_response()
            }
            Ok(Staged::Refused(message)) => back_with_error(&message),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    }
}

fn back_with_error(message: &str) -> Response {
    Redirect::to(&format!(
        "/staff/import?error={}",
        crate::api::review::percent_encode(message)
    ))
    .into_response()
}

/// `GET /staff/import-template.xlsx`: the 补充生源信息模板 with every column and an example row.
pub async fn import_template(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match staff_of(&state, &parts, false, "下载模板").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let (headers, example) = super::roster::template();
    match super::export::to_xlsx("补充生源信息", &headers, &[example]) {
        Ok(bytes) => {
            let scope = scope_name(&state, staff.college_id).await;
            let download = Download {
                bytes,
                content_type: XLSX,
                file_name: "补充生源信息模板.xlsx",
                scope: &scope,
                rows: 1,
            };
            send_logged(&state, &parts, &staff, download).await
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /staff/export.xlsx` and `/staff/export.csv`, `?college=<id>&status=<status>`: college
/// staff get their own college whatever they ask; 学校 staff the whole cohort or one college.
pub async fn national_export(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match staff_of(&state, &parts, false, "导出名单").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let college = staff
        .college_id
        .or_else(|| query_param(&parts, "college").and_then(|c| c.parse().ok()));
    let status =
        query_param(&parts, "status").and_then(|s| crate::domain::status::Status::from_db(&s));
    let rows = match super::export::rows(&state.pool, &state.divisions, college, status).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "export failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let today = super::windows::today();
    let cohort = super::db::campaign::load(&state.pool, today)
        .await
        .map(|c| c.cohort)
        .unwrap_or_default();
    let scope = scope_name(&state, college).await;
    let base = format!("{cohort}毕业生生源信息-{scope}-{}", today.format("%Y%m%d"));
    let count = rows.len();
    let csv = parts.uri.path().ends_with(".csv");
    let file = if csv {
        csv_bytes(super::export::COLUMNS, rows)
    } else {
        super::export::to_xlsx("生源信息", super::export::COLUMNS, &rows)
    };
    let bytes = match file {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "export file failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let (content_type, extension) = if csv {
        ("text/csv; charset=utf-8", "csv")
    } else {
        (XLSX, "xlsx")
    };
    let file_name = format!("{base}.{extension}");
    let download = Download {
        bytes,
        content_type,
        file_name: &file_name,
        scope: &scope,
        rows: count,
    };
    send_logged(&state, &parts, &staff, download).await
}

/// `GET /staff/not-started.csv`: every student of the caller's scope who has not started, with
/// the 校库 mobile number, for counselors to chase.
pub async fn not_started_csv(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match staff_of(&state, &parts, false, "导出未开始名单").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let rows = match super::db::students::not_started(&state.pool, staff.college_id, None).await {
        Ok((rows, _)) => rows,
        Err(e) => {
            tracing::error!(error = %e, "not-started export failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let count = rows.len();
    let rows = rows.into_iter().map(|r| {
        vec![
            r.student_no,
            r.name,
            r.college,
            r.major,
            r.class_name,
            r.mobile,
        ]
    });
    let scope = scope_name(&state, staff.college_id).await;
    match csv_bytes(&["学号", "姓名", "学院", "专业", "班级", "手机号码"], rows) {
        Ok(bytes) => {
            let file_name = format!(
                "未开始核验名单-{scope}-{}.csv",
                super::windows::today().format("%Y%m%d")
            );
            let download = Download {
                bytes,
                content_type: "text/csv; charset=utf-8",
                file_name: &file_name,
                scope: &scope,
                rows: count,
            };
            send_logged(&state, &parts, &staff, download).await
        }
        Err(e) => {
            tracing::error!(error = %e, "not-started CSV failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /staff/papers.xlsx?college=<id>`: 附件4 and 附件5 as a workbook (college staff: their own
/// college whatever they ask; 学校: one college, or all of them).
pub async fn papers_xlsx(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match staff_of(&state, &parts, false, "下载附件4、附件5").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let asked = query_param(&parts, "college").and_then(|v| v.parse::<i64>().ok());
    let college = staff.college_id.or(asked);
    let data = match super::papers::load(&state, college, false).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "papers failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let scope = match data.colleges.as_slice() {
        [one] => one.college.clone(),
        _ => "全部学院".to_string(),
    };
    match super::papers::workbook(&data) {
        Ok(bytes) => {
            let file_name = format!("{}资格审核材料-{scope}.xlsx", data.cohort);
            let download = Download {
                bytes,
                content_type: XLSX,
                file_name: &file_name,
                scope: &scope_name(&state, college).await,
                rows: data.colleges.iter().map(|c| c.table.total as usize).sum(),
            };
            send_logged(&state, &parts, &staff, download).await
        }
        Err(e) => {
            tracing::error!(error = %e, "papers workbook failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /staff/survey.xlsx?college=<id>`: one row per student who answered (college staff: their
/// own college), one column per question.
pub async fn survey_xlsx(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let staff = match staff_of(&state, &parts, false, "导出问卷").await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let asked = query_param(&parts, "college").and_then(|v| v.parse::<i64>().ok());
    let college = staff.college_id.or(asked);
    let (questions, responses) = match (
        super::db::survey::questions(&state.pool).await,
        super::db::survey::responses(&state.pool, college).await,
    ) {
        (Ok(q), Ok(r)) => (q, r),
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let mut headers: Vec<String> = ["学号", "姓名", "学院", "专业", "班级", "提交时间"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    headers.extend(questions.iter().map(|q| q.prompt.clone()));
    let rows: Vec<Vec<String>> = responses
        .into_iter()
        .map(|r| {
            let mut row = vec![
                r.student_no,
                r.name,
                r.college,
                r.major,
                r.class_name,
                crate::components::beijing_time(&r.submitted_at, "%Y-%m-%d %H:%M"),
            ];
            row.extend(questions.iter().map(|q| {
                r.answers
                    .get(&q.id)
                    .map(|v| v.join("、"))
                    .unwrap_or_default()
            }));
            row
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    match super::export::to_xlsx("求职意向调研", &header_refs, &rows) {
        Ok(bytes) => {
            let download = Download {
                bytes,
                content_type: XLSX,
                file_name: "求职意向调研问卷.xlsx",
                scope: &scope_name(&state, college).await,
                rows: rows.len(),
            };
            send_logged(&state, &parts, &staff, download).await
        }
        Err(e) => {
            tracing::error!(error = %e, "survey export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
