//! Staff changes to the school record: editing 学籍 fields, and 新增 (adding a missing student).

use crate::domain::form::VerificationInput;
use crate::domain::record::RecordInput;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Staff edit of a student's 学籍 fields (before the student submits, or after review).
/// `version` is the school record's version the form was loaded at. 所在院系 only 学校 staff.
#[server(prefix = "/api", endpoint = "update_record", input = Json)]
pub async fn update_record(
    student_id: i64,
    version: i64,
    record: RecordInput,
) -> Result<(), AppError> {
    let staff = crate::api::review::reviewer_for(student_id).await?;
    ssr::update(&staff, student_id, version, record).await
}

/// 新增: a missing student with every field filled; they log in with the default password.
/// Returns the new student's id.
#[server(prefix = "/api", endpoint = "add_student", input = Json)]
pub async fn add_student(record: RecordInput, values: VerificationInput) -> Result<i64, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    ssr::add(&staff, record, values).await
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Colleges {
    /// The caller's own college; `None` for 学校 staff, who may choose any.
    pub own: Option<String>,
    pub all: Vec<String>,
}

#[server(prefix = "/api", endpoint = "college_choices")]
pub async fn college_choices() -> Result<Colleges, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    let state = crate::server::AppState::current()?;
    let all = crate::server::db::review::colleges(&state.pool)
        .await?
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    Ok(Colleges {
        own: staff.college_name,
        all,
    })
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::domain::FieldErrors;
    use crate::domain::form::StudentContext;
    use crate::domain::identity::IdNumber;
    use crate::domain::record::RECORD_FIELDS;
    use crate::domain::status::Status;
    use crate::server::AppState;
    use crate::server::auth::{StaffCaller, client_addr};
    use crate::server::db::{self, audit, students, verifications};

    /// Which college the record may name: 学院 staff only their own.
    async fn college_for(
        state: &AppState,
        staff: &StaffCaller,
        name: &str,
        errors: &mut FieldErrors,
    ) -> Result<Option<i64>, AppError> {
        if let (Some(own), Some(own_name)) = (staff.college_id, &staff.college_name)
            && name != own_name
        {
            errors.push("college", "所在院系只能由学校老师修改");
            return Ok(Some(own));
        }
        let id = students::college_id_by_name(&state.pool, name).await?;
        if id.is_none() && !name.is_empty() {
            errors.push("college", "没有这个院系，请从已有院系中选择");
        }
        Ok(id)
    }

    pub async fn update(
        staff: &StaffCaller,
        student_id: i64,
        version: i64,
        input: RecordInput,
    ) -> Result<(), AppError> {
        crate::server::windows::require_review_window(staff).await?;
        let state = AppState::current()?;
        let (record, _) = input.parse(false).map_err(AppError::Validation)?;
        let current = students::record_by_id(&state.pool, student_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if verifications::find(&state.pool, student_id)
            .await?
            .is_some_and(|v| v.status == Status::Submitted)
        {
            return Err(AppError::Rejected(
                "学生已提交、正在等待审核，审核后再修改学籍信息".to_string(),
            ));
        }
        let mut errors = FieldErrors::new();
        let college_id = college_for(&state, staff, &record.college, &mut errors).await?;
        if students::student_no_taken(&state.pool, &record.student_no, Some(student_id)).await? {
            errors.push("student_no", "该学号已被其他学生使用");
        }
        let Some(college_id) = college_id.filter(|_| errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        let gender = IdNumber::parse(&record.id_number)
            .map(|id| id.gender_code())
            .unwrap_or("1");
        let before = current.record_input();
        let mut tx = db::begin_write(&state.pool).await?;
        if !students::update_record(&mut tx, student_id, version, &record, gender, college_id)
            .await?
        {
            return Err(AppError::Conflict(
                "学籍信息刚被他人修改，请刷新后再改".to_string(),
            ));
        }
        let actor = staff.actor();
        let addr = client_addr();
        // Collected first: a closure held across the await would make the future not Send.
        let changes: Vec<(&str, &str, &str)> = RECORD_FIELDS
            .iter()
            .map(|(f, _)| (*f, before.get(f), record.get(f)))
            .collect();
        audit::record_changes(
            &mut tx,
            audit::Entry {
                actor: &actor,
                action: "staff_edit",
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

    pub async fn add(
        staff: &StaffCaller,
        input: RecordInput,
        values: VerificationInput,
    ) -> Result<i64, AppError> {
        crate::server::windows::require_review_window(staff).await?;
        let state = AppState::current()?;
        let mut errors = FieldErrors::new();
        let parsed = input.parse(true);
        let level = match &parsed {
            Ok((_, level)) => Some(*level),
            Err(e) => {
                errors.0.extend(e.iter().cloned());
                crate::domain::codes::EducationLevel::parse(&input.education_level)
            }
        };
        // The fields the student would check are required too, by the same rules.
        let checked = level.map(|level| values.parse(&StudentContext { level }));
        match &checked {
            Some(Err(e)) => errors.0.extend(e.iter().cloned()),
            Some(Ok(v)) if !state.divisions.contains(v.origin_code.as_str()) => {
                errors.push("origin_code", "生源所在地代码不存在，请从列表中选择")
            }
            _ => {}
        }
        let college_name = if staff.college_id.is_some() {
            staff.college_name.clone().unwrap_or_default()
        } else {
            input.college.trim().to_string()
        };
        college_for(&state, staff, &college_name, &mut errors).await?;
        if students::student_no_taken(&state.pool, input.student_no.trim(), None).await? {
            errors.push("student_no", "该学号已存在");
        }
        let (Ok((record, _)), Some(Ok(verified))) = (parsed, checked) else {
            return Err(AppError::Validation(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let id = IdNumber::parse(&record.id_number).map_err(|m| AppError::field("id_number", m))?;
        let student = students::RosterStudent {
            student_no: record.student_no.clone(),
            exam_no: record.exam_no,
            name: record.name,
            gender: id.gender_code().to_string(),
            id_number: record.id_number,
            education_level: record.education_level,
            college: college_name,
            major: record.major,
            major_code: record.major_code,
            major_direction: record.major_direction,
            class_name: record.class_name,
            study_years: record.study_years,
            enrolled_on: record.enrolled_on,
            graduating_on: record.graduating_on,
            values: verified.to_input(),
        };
        let mut tx = db::begin_write(&state.pool).await?;
        let mut cache = students::OrgCache::default();
        if students::upsert_roster(&mut tx, &mut cache, &student)
            .await?
            .upsert
            != students::Upsert::Added
        {
            return Err(AppError::field("student_no", "该学号已存在"));
        }
        let new_id = students::id_by_student_no(&mut *tx, &student.student_no)
            .await?
            .ok_or(AppError::Internal)?;
        audit::record(
            &mut *tx,
            audit::Entry {
                actor: &staff.actor(),
                action: "add_student",
                student_id: Some(new_id),
                detail: Some(&format!("新增 {} {}", student.student_no, student.name)),
                client_addr: client_addr().as_deref(),
                ..Default::default()
            },
        )
        .await?;
        tx.commit().await?;
        Ok(new_id)
    }
}
