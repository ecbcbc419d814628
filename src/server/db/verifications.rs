//! 学生核验信息: the student's copy, its status and version.

use super::{bind_editable, editable_from_row};
use crate::domain::form::VerificationInput;
use crate::domain::status::Status;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteConnection, SqliteExecutor};

#[derive(Clone, Debug)]
pub struct VerificationRow {
    pub student_id: i64,
    pub status: Status,
    pub values: VerificationInput,
    pub reject_reason: Option<String>,
    pub last_submission_id: Option<String>,
    pub version: i64,
    pub saved_at: Option<String>,
    pub submitted_at: Option<String>,
    pub reviewed_at: Option<String>,
}

fn from_row(row: &SqliteRow) -> Result<VerificationRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(VerificationRow {
        student_id: row.try_get("student_id")?,
        status: Status::from_db(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {status}").into()))?,
        values: editable_from_row(row)?,
        reject_reason: row.try_get("reject_reason")?,
        last_submission_id: row.try_get("last_submission_id")?,
        version: row.try_get("version")?,
        saved_at: row.try_get("saved_at")?,
        submitted_at: row.try_get("submitted_at")?,
        reviewed_at: row.try_get("reviewed_at")?,
    })
}

pub async fn find<'e, E: SqliteExecutor<'e>>(
    executor: E,
    student_id: i64,
) -> Result<Option<VerificationRow>, sqlx::Error> {
    let row = sqlx::query::<Sqlite>("SELECT * FROM verifications WHERE student_id = $1")
        .bind(student_id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// 开始核验: creates the student's copy from the school record's values, once.
/// Returns true when this call created it.
pub async fn start(
    conn: &mut SqliteConnection,
    student_id: i64,
    values: &VerificationInput,
) -> Result<bool, sqlx::Error> {
    let now = crate::server::now();
    let query = sqlx::query::<Sqlite>(
        "INSERT INTO verifications (student_id, origin_code, training_mode, sponsor_unit, normal_category,
            urban_rural, ethnicity, political, hardship, mobile, email, qq, home_address, home_phone,
            postcode, started_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         ON CONFLICT (student_id) DO NOTHING",
    )
    .bind(student_id);
    let done = bind_editable(query, values)
        .bind(&now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What a save changes; applied only when the stored version is still `expected_version`.
pub struct Change<'a> {
    pub status: Status,
    pub values: &'a VerificationInput,
    pub submission_id: Option<&'a str>,
    pub submitted: bool,
}

/// Returns false when the row changed since `expected_version` (nothing is written then).
pub async fn save(
    conn: &mut SqliteConnection,
    student_id: i64,
    expected_version: i64,
    change: Change<'_>,
) -> Result<bool, sqlx::Error> {
    let now = crate::server::now();
    let query = sqlx::query::<Sqlite>(
        "UPDATE verifications SET status = $3, origin_code = $4, training_mode = $5, sponsor_unit = $6,
            normal_category = $7, urban_rural = $8, ethnicity = $9, political = $10, hardship = $11,
            mobile = $12, email = $13, qq = $14, home_address = $15, home_phone = $16, postcode = $17,
            last_submission_id = COALESCE($18, last_submission_id),
            submitted_at = CASE WHEN $19 THEN $20 ELSE submitted_at END,
            reject_reason = CASE WHEN $19 THEN NULL ELSE reject_reason END,
            saved_at = $20, updated_at = $20, version = version + 1
         WHERE student_id = $1 AND version = $2",
    )
    .bind(student_id)
    .bind(expected_version)
    .bind(change.status.as_db());
    let done = bind_editable(query, change.values)
        .bind(change.submission_id)
        .bind(change.submitted)
        .bind(&now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A status-only move (提交撤回); false when the row changed since `expected_version`.
pub async fn set_status(
    conn: &mut SqliteConnection,
    student_id: i64,
    expected_version: i64,
    status: Status,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE verifications SET status = $3, updated_at = $4, version = version + 1
         WHERE student_id = $1 AND version = $2",
    )
    .bind(student_id)
    .bind(expected_version)
    .bind(status.as_db())
    .bind(crate::server::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a save with this browser-generated id was applied already (an empty id: never).
/// Submits from before `applied_saves` are found by the copy's `last_submission_id`.
pub async fn save_applied(
    conn: &mut SqliteConnection,
    student_id: i64,
    submission_id: &str,
) -> Result<bool, sqlx::Error> {
    if submission_id.is_empty() {
        return Ok(false);
    }
    let found = sqlx::query_scalar::<Sqlite, i64>(
        "SELECT 1 FROM applied_saves WHERE student_id = $1 AND submission_id = $2
         UNION ALL
         SELECT 1 FROM verifications WHERE student_id = $1 AND last_submission_id = $2
         LIMIT 1",
    )
    .bind(student_id)
    .bind(submission_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Remembers a save's id, in the transaction that applies it.
pub async fn remember_save(
    conn: &mut SqliteConnection,
    student_id: i64,
    submission_id: &str,
    intent: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "INSERT INTO applied_saves (student_id, submission_id, intent, applied_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(student_id)
    .bind(submission_id)
    .bind(intent)
    .bind(crate::server::now())
    .execute(conn)
    .await?;
    Ok(())
}
