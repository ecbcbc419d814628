//! The college's review (学院审核): queue, side-by-side detail, copy to 校库, 通过 / 不通过.
//! Every function checks on the server that the caller is staff and may see that student's
//! college: 学院 staff their own college only, 学校 staff every college.

use crate::domain::status::Status;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A queue's filters, kept in the URL's query string so a filtered queue is a shareable link
/// and the detail page can find the next student of the same queue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    /// `None`: every status. Default (no `status` in the URL): 学生已核.
    pub status: Option<Status>,
    pub college: Option<i64>,
    pub major: Option<i64>,
    pub class: Option<i64>,
    /// 学历代码.
    pub level: Option<String>,
    pub differs: bool,
    pub q: Option<String>,
    pub page: i64,
}

impl QueueQuery {
    /// Reads `status=submitted&major=3&q=张` (with or without the leading `?`).
    pub fn parse(query: &str) -> Self {
        let mut parsed = QueueQuery {
            status: Some(Status::Submitted),
            ..Default::default()
        };
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            let value = value.trim();
            let id = || value.parse::<i64>().ok().filter(|n| *n > 0);
            match key {
                "status" => parsed.status = Status::from_db(value),
                "college" => parsed.college = id(),
                "major" => parsed.major = id(),
                "class" => parsed.class = id(),
                "level" => {
                    parsed.level = Some(value.to_string()).filter(|v| !v.is_empty() && v.len() <= 2)
                }
                "differs" => parsed.differs = matches!(value, "1" | "on" | "true"),
                "q" => {
                    parsed.q = Some(
                        value
                            .chars()
                            .filter(|c| !matches!(c, '%' | '_'))
                            .take(40)
                            .collect::<String>(),
                    )
                    .filter(|v| !v.is_empty())
                }
                "page" => parsed.page = value.parse::<i64>().unwrap_or(0).clamp(0, 100_000),
                _ => {}
            }
        }
        parsed
    }

    /// The query string (without `?`); `page` is left out unless asked for.
    pub fn to_query(&self, with_page: bool) -> String {
        let mut parts = vec![format!(
            "status={}",
            self.status.map(Status::as_db).unwrap_or("all")
        )];
        let mut id = |key: &str, value: Option<i64>| {
            if let Some(v) = value {
                parts.push(format!("{key}={v}"));
            }
        };
        id("college", self.college);
        id("major", self.major);
        id("class", self.class);
        if let Some(level) = &self.level {
            parts.push(format!("level={}", percent_encode(level)));
        }
        if self.differs {
            parts.push("differs=1".to_string());
        }
        if let Some(q) = &self.q {
            parts.push(format!("q={}", percent_encode(q)));
        }
        if with_page && self.page > 0 {
            parts.push(format!("page={}", self.page));
        }
        parts.join("&")
    }
}

pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| {
                std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .flatten();
        match (bytes[i], hex) {
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    /// Masked: 430104************ (nothing of the last six, the default password).
    pub id_number: String,
    pub major: String,
    pub class_name: String,
    pub level: String,
    pub status: Status,
    pub submitted_at: Option<String>,
    pub differs: bool,
    pub version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub query: QueueQuery,
    /// Staff of one college see its name here; 学校 staff see `None` and a college filter.
    pub own_college: Option<String>,
    pub colleges: Vec<(i64, String)>,
    pub majors: Vec<(i64, String)>,
    pub classes: Vec<(i64, i64, String)>,
    pub counts: Vec<(Status, i64)>,
    pub rows: Vec<QueueRow>,
    pub total: i64,
    pub page_size: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldCompare {
    pub field: String,
    pub label: String,
    pub school: String,
    pub student: String,
    pub differs: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detail: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudentReview {
    pub student_id: i64,
    /// The 学籍 fields; staff who may review this student see the full 身份证号.
    pub school_fields: Vec<(String, String)>,
    pub name: String,
    pub student_no: String,
    pub college: String,
    pub status: Status,
    pub version: Option<i64>,
    pub reject_reason: Option<String>,
    pub submitted_at: Option<String>,
    pub fields: Vec<FieldCompare>,
    pub history: Vec<HistoryEntry>,
    /// The 学籍 fields as the edit form shows them, and the school record's version.
    pub record: crate::domain::record::RecordInput,
    pub record_version: i64,
    /// 学校 staff may move a student to another college.
    pub can_change_college: bool,
}

#[server(prefix = "/api", endpoint = "review_queue")]
pub async fn review_queue(filter: String) -> Result<QueuePage, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    ssr::queue(&staff, QueueQuery::parse(&filter)).await
}

#[server(prefix = "/api", endpoint = "review_detail")]
pub async fn review_detail(student_id: i64) -> Result<StudentReview, AppError> {
    let staff = ssr::reviewer_for(student_id).await?;
    ssr::detail(&staff, student_id).await
}

/// The next student of the same queue after `student_id`, if any.
#[server(prefix = "/api", endpoint = "review_next")]
pub async fn review_next(student_id: i64, filter: String) -> Result<Option<i64>, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    ssr::next(&staff, student_id, QueueQuery::parse(&filter)).await
}

/// 通过. `version` is the version of the student's copy the reviewer looked at.
#[server(prefix = "/api", endpoint = "review_approve")]
pub async fn approve(student_id: i64, version: i64) -> Result<(), AppError> {
    let staff = ssr::reviewer_for(student_id).await?;
    ssr::decide(&staff, student_id, version, None).await
}

/// 不通过, with one of the canned reasons and (for 其他, required) words of the reviewer's own.
#[server(prefix = "/api", endpoint = "review_reject")]
pub async fn reject(
    student_id: i64,
    version: i64,
    reason: String,
    #[server(default)] reason_text: String,
) -> Result<(), AppError> {
    let staff = ssr::reviewer_for(student_id).await?;
    let reason = crate::domain::review::parse_rejection(&reason, &reason_text)
        .map_err(AppError::Validation)?;
    ssr::decide(&staff, student_id, version, Some(reason)).await
}

/// 复制到校库: the student's values of `fields` (comma-separated input names, or `all` for every
/// differing field) become the school record's.
#[server(prefix = "/api", endpoint = "review_copy")]
pub async fn copy_to_school(
    student_id: i64,
    version: i64,
    fields: String,
) -> Result<StudentReview, AppError> {
    let staff = ssr::reviewer_for(student_id).await?;
    ssr::copy(&staff, student_id, version, &fields).await?;
    ssr::detail(&staff, student_id).await
}

/// Batch 通过 of queue rows, each `student_id:version`, comma-separated. Returns how many were
/// approved and, for the others, why not.
#[server(prefix = "/api", endpoint = "review_approve_many")]
pub async fn approve_many(items: String) -> Result<BatchResult, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    crate::server::windows::require_review_window(&staff).await?;
    let mut result = BatchResult::default();
    for item in items.split(',').filter(|s| !s.trim().is_empty()).take(500) {
        let parsed = item
            .trim()
            .split_once(':')
            .and_then(|(id, v)| Some((id.parse::<i64>().ok()?, v.parse::<i64>().ok()?)));
        let Some((student_id, version)) = parsed else {
            return Err(AppError::Rejected(format!("无法识别的选择：{item}")));
        };
        let outcome = match ssr::reviewer_for(student_id).await {
            Ok(reviewer) => ssr::decide(&reviewer, student_id, version, None).await,
            Err(e) => Err(e),
        };
        match outcome {
            Ok(()) => result.approved += 1,
            Err(e) => result.failed.push((student_id, e.to_string())),
        }
    }
    Ok(result)
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    pub approved: i64,
    pub failed: Vec<(i64, String)>,
}

#[cfg(feature = "ssr")]
pub use ssr::reviewer_for;

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::domain::codes::EducationLevel;
    use crate::domain::form::{FIELDS, display_value};
    use crate::domain::identity::IdNumber;
    use crate::domain::status::{Action, Actor, transition};
    use crate::server::AppState;
    use crate::server::auth::{StaffCaller, client_addr, require_staff};
    use crate::server::db::{self, audit, notifications, review, students, verifications};

    fn actor_kind(staff: &StaffCaller) -> Actor {
        if staff.college_id.is_some() {
            Actor::CollegeStaff
        } else {
            Actor::SchoolStaff
        }
    }

    /// The caller, when they are staff who may review this student.
    pub async fn reviewer_for(student_id: i64) -> Result<StaffCaller, AppError> {
        let staff = require_staff().await?;
        let state = AppState::current()?;
        let college = review::college_of(&state.pool, student_id)
            .await?
            .ok_or(AppError::NotFound)?;
        match staff.college_id {
            Some(own) if own != college => {
                Err(
                    crate::server::auth::refuse(&staff.actor(), Some(student_id), "另一学院的学生")
                        .await,
                )
            }
            _ => Ok(staff),
        }
    }

    fn filter_for(staff: &StaffCaller, query: &QueueQuery) -> review::QueueFilter {
        review::QueueFilter {
            // 学院 staff see their own college whatever the URL says.
            college_id: staff.college_id.or(query.college),
            status: query.status,
            major_id: query.major,
            class_id: query.class,
            level: query.level.clone(),
            differs: query.differs,
            search: query.q.clone(),
        }
    }

    fn level_label(code: &str) -> String {
        EducationLevel::parse(code)
            .map(|l| l.label().to_string())
            .unwrap_or_else(|| code.to_string())
    }

    pub async fn queue(staff: &StaffCaller, query: QueueQuery) -> Result<QueuePage, AppError> {
        let state = AppState::current()?;
        let filter = filter_for(staff, &query);
        let (rows, total) = review::queue_page(&state.pool, &filter, query.page).await?;
        let counts = review::queue_counts(&state.pool, &filter).await?;
        let (majors, classes) = review::majors_and_classes(&state.pool, filter.college_id).await?;
        let colleges = if staff.college_id.is_none() {
            review::colleges(&state.pool).await?
        } else {
            Vec::new()
        };
        Ok(QueuePage {
            query,
            own_college: staff.college_name.clone(),
            colleges,
            majors,
            classes,
            counts,
            total,
            page_size: review::PAGE_SIZE,
            rows: rows
                .into_iter()
                .map(|r| QueueRow {
                    student_id: r.student_id,
                    student_no: r.student_no,
                    name: r.name,
                    id_number: crate::domain::identity::mask_id_number(&r.id_number),
                    major: r.major_name,
                    class_name: r.class_name,
                    level: level_label(&r.education_level),
                    status: Status::from_db(&r.status).unwrap_or(Status::Unverified),
                    submitted_at: r.submitted_at,
                    differs: r.differs,
                    version: r.version,
                })
                .collect(),
        })
    }

    pub async fn next(
        staff: &StaffCaller,
        current: i64,
        query: QueueQuery,
    ) -> Result<Option<i64>, AppError> {
        let state = AppState::current()?;
        Ok(review::next_in_queue(&state.pool, &filter_for(staff, &query), current).await?)
    }

    fn shown(state: &AppState, field: &str, value: &str) -> String {
        if field == "origin_code" && !value.is_empty() {
            let name = state.divisions.full_name(value);
            if name.is_empty() {
                value.to_string()
            } else {
                format!("{name}（{value}）")
            }
        } else {
            display_value(field, value)
        }
    }

    pub async fn detail(staff: &StaffCaller, student_id: i64) -> Result<StudentReview, AppError> {
        let state = AppState::current()?;
        let record = students::record_by_id(&state.pool, student_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let verification = verifications::find(&state.pool, student_id).await?;
        let fields = FIELDS
            .iter()
            .map(|(field, label)| {
                let school = record.values.get(field);
                let student = verification
                    .as_ref()
                    .map(|v| v.values.get(field))
                    .unwrap_or(school);
                FieldCompare {
                    field: field.to_string(),
                    label: label.to_string(),
                    school: shown(&state, field, school),
                    student: shown(&state, field, student),
                    differs: school != student,
                }
            })
            .collect();
        let history = audit::for_student(&state.pool, student_id)
            .await?
            .into_iter()
            .filter(|e| {
                !matches!(
                    e.action.as_str(),
                    "login" | "login_failed" | "id_number_viewed"
                )
            })
            .map(|e| HistoryEntry {
                field: e.field.as_deref().map(|f| field_label(f).to_string()),
                old_value: e.old_value.map(|v| {
                    e.field
                        .as_deref()
                        .map(|f| shown(&state, f, &v))
                        .unwrap_or(v)
                }),
                new_value: e.new_value.map(|v| {
                    e.field
                        .as_deref()
                        .map(|f| shown(&state, f, &v))
                        .unwrap_or(v)
                }),
                action: action_label(&e.action).to_string(),
                at: e.at,
                actor: e.actor,
                detail: e.detail,
            })
            .collect();
        let id_number = IdNumber::parse_legacy(&record.id_number)
            .map(|id| id.as_str().to_string())
            .unwrap_or(record.id_number.clone());
        // The page and its edit form carry the full number: who saw it, and when, is logged.
        if !id_number.is_empty() {
            let scope = staff.college_name.as_deref().unwrap_or("全校");
            crate::server::auth::log_event(
                &staff.actor(),
                "id_number_viewed",
                Some(student_id),
                Some(&format!("查看完整身份证号（{scope}）")),
            )
            .await?;
        }
        let school_fields = record.display_fields(id_number.clone());
        let edit_form = crate::domain::record::RecordInput {
            id_number,
            ..record.record_input()
        };
        Ok(StudentReview {
            record: edit_form,
            record_version: record.version,
            can_change_college: staff.college_id.is_none(),
            student_id,
            school_fields,
            name: record.name,
            student_no: record.student_no,
            college: record.college_name,
            status: verification
                .as_ref()
                .map(|v| v.status)
                .unwrap_or(Status::Unverified),
            version: verification.as_ref().map(|v| v.version),
            reject_reason: verification.as_ref().and_then(|v| v.reject_reason.clone()),
            submitted_at: verification.as_ref().and_then(|v| v.submitted_at.clone()),
            fields,
            history,
        })
    }

    /// The label of a form field or of a 学籍 field.
    fn field_label(field: &str) -> &str {
        crate::domain::record::RECORD_FIELDS
            .iter()
            .chain(FIELDS.iter())
            .find(|(name, _)| *name == field)
            .map_or(field, |(_, label)| label)
    }

    fn action_label(action: &str) -> &str {
        match action {
            "start" => "开始核验",
            "edit" => "学生修改",
            "save_draft" => "保存草稿",
            "submit" => "提交核验",
            "withdraw" => "提交撤回",
            "approve" => "审核通过",
            "reject" => "审核不通过",
            "copy_to_school" => "复制到校库",
            "staff_edit" => "老师修改学籍",
            "add_student" => "新增学生",
            "import_roster" => "名单导入",
            "removal_requested" => "申请移出本届",
            "removal_approved" => "移出本届",
            "removal_refused" => "移出申请未获同意",
            "student_restored" => "恢复到本届",
            other => match crate::server::db::security::action_label(other) {
                "其他" => other,
                label => label,
            },
        }
    }

    const STALE: &str = "该学生的信息刚刚有了变化（例如学生撤回或他人已审核），请刷新后再操作";

    pub async fn decide(
        staff: &StaffCaller,
        student_id: i64,
        version: i64,
        reject_reason: Option<String>,
    ) -> Result<(), AppError> {
        crate::server::windows::require_review_window(staff).await?;
        let state = AppState::current()?;
        let action = if reject_reason.is_some() {
            Action::Reject
        } else {
            Action::Approve
        };
        let mut tx = db::begin_write(&state.pool).await?;
        let current = verifications::find(&mut *tx, student_id)
            .await?
            .ok_or_else(|| AppError::Rejected("该学生尚未提交核验信息".to_string()))?;
        if current.version != version {
            return Err(AppError::Conflict(STALE.to_string()));
        }
        let next =
            transition(current.status, action, actor_kind(staff)).map_err(AppError::Rejected)?;
        if !review::decide(&mut tx, student_id, version, next, reject_reason.as_deref()).await? {
            return Err(AppError::Conflict(STALE.to_string()));
        }
        audit::record(
            &mut *tx,
            audit::Entry {
                actor: &staff.actor(),
                action: if reject_reason.is_some() {
                    "reject"
                } else {
                    "approve"
                },
                student_id: Some(student_id),
                old_value: Some(current.status.as_db()),
                new_value: Some(next.as_db()),
                detail: reject_reason.as_deref(),
                client_addr: client_addr().as_deref(),
                ..Default::default()
            },
        )
        .await?;
        match &reject_reason {
            None => {
                notifications::push(
                    &mut *tx,
                    student_id,
                    "生源信息审核通过",
                    "学院已审核通过你的生源信息，生源核验已完成。",
                )
                .await?
            }
            Some(reason) => {
                notifications::push(
                    &mut *tx,
                    student_id,
                    "生源信息审核不通过",
                    &format!("原因：{reason}。请修改后重新提交核验。"),
                )
                .await?
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn copy(
        staff: &StaffCaller,
        student_id: i64,
        version: i64,
        fields: &str,
    ) -> Result<(), AppError> {
        crate::server::windows::require_review_window(staff).await?;
        let state = AppState::current()?;
        let mut tx = db::begin_write(&state.pool).await?;
        let current = verifications::find(&mut *tx, student_id)
            .await?
            .ok_or_else(|| {
                AppError::Rejected("该学生尚未开始核验，没有可复制的信息".to_string())
            })?;
        if current.version != version {
            return Err(AppError::Conflict(STALE.to_string()));
        }
        let record = students::record_by_id(&state.pool, student_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let chosen: Vec<&str> = if fields.trim() == "all" {
            db::editable_columns().collect()
        } else {
            let names: Vec<&str> = fields
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect();
            if let Some(unknown) = names
                .iter()
                .find(|f| !db::editable_columns().any(|c| c == **f))
            {
                return Err(AppError::Rejected(format!("不能复制字段 {unknown}")));
            }
            names
        };
        let changed = review::copy_to_school(
            &mut tx,
            student_id,
            &current.values,
            &record.values,
            &chosen,
        )
        .await?;
        let actor = staff.actor();
        let addr = client_addr();
        // Collected first: a closure held across the await would make the future not Send.
        let changes: Vec<(&str, &str, &str)> = changed
            .iter()
            .map(|(f, old, new)| (*f, old.as_str(), new.as_str()))
            .collect();
        audit::record_changes(
            &mut tx,
            audit::Entry {
                actor: &actor,
                action: "copy_to_school",
                student_id: Some(student_id),
                client_addr: addr.as_deref(),
                ..Default::default()
            },
            changes,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_queries_round_trip() {
        let q = QueueQuery::parse(
            "?status=rejected&major=3&class=7&level=31&differs=1&q=%E5%BC%A0&page=2",
        );
        assert_eq!(q.status, Some(Status::Rejected));
        assert_eq!((q.major, q.class, q.page), (Some(3), Some(7), 2));
        assert_eq!(q.level.as_deref(), Some("31"));
        assert!(q.differs);
        assert_eq!(q.q.as_deref(), Some("张"));
        assert_eq!(QueueQuery::parse(&q.to_query(true)), q);
    }

    #[test]
    fn the_default_queue_is_submitted_and_all_means_all() {
        assert_eq!(QueueQuery::parse("").status, Some(Status::Submitted));
        assert_eq!(QueueQuery::parse("status=all").status, None);
        assert_eq!(QueueQuery::parse("major=abc&page=-5").major, None);
        assert_eq!(QueueQuery::parse("page=-5").page, 0);
        assert_eq!(
            QueueQuery::parse("q=50%25_off").q.as_deref(),
            Some("50off"),
            "LIKE wildcards are dropped"
        );
        assert_eq!(percent_decode("a+b%2"), "a b%2");
    }
}
