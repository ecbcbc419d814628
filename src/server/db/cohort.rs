//! Cohort changes: removal requests (留级, 休学 …), their decisions, restores.

use crate::api::cohort::{RemovalRequest, RemovedStudent};
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

/// Files a request; `None` when the student already has one waiting.
pub async fn request_removal(
    conn: &mut SqliteConnection,
    student_id: i64,
    reason: &str,
    actor: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let open: i64 = sqlx::query_scalar::<Sqlite, i64>(
        "SELECT COUNT(*) FROM removal_requests WHERE student_id = $1 AND decision IS NULL",
    )
    .bind(student_id)
    .fetch_one(&mut *conn)
    .await?;
    if open > 0 {
        return Ok(None);
    }
    let id = sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO removal_requests (student_id, reason, requested_by, requested_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(student_id)
    .bind(reason)
    .bind(actor)
    .bind(crate::server::now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Some(id))
}

pub async fn open_requests(
    pool: &SqlitePool,
    college_id: Option<i64>,
) -> Result<Vec<RemovalRequest>, sqlx::Error> {
    sqlx::query_as::<Sqlite, RemovalRequest>(
        "SELECT r.id, r.student_id, s.student_no, s.name, c.name AS college,
                COALESCE(k.name, '') AS class_name, r.reason, r.requested_by, r.requested_at
         FROM removal_requests r
         JOIN students s ON s.id = r.student_id
         JOIN colleges c ON c.id = s.college_id
         LEFT JOIN classes k ON k.id = s.class_id
         WHERE r.decision IS NULL AND ($1 IS NULL OR s.college_id = $1)
         ORDER BY r.id",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await
}

/// The request's student, when it is still waiting for a decision.
pub async fn open_request_student(
    conn: &mut SqliteConnection,
    request_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "SELECT student_id FROM removal_requests WHERE id = $1 AND decision IS NULL",
    )
    .bind(request_id)
    .fetch_optional(conn)
    .await
}

/// Records the decision; an approval takes the student out of the cohort and ends their sessions.
pub async fn decide(
    conn: &mut SqliteConnection,
    request_id: i64,
    student_id: i64,
    approve: bool,
    actor: &str,
    note: &str,
) -> Result<(), sqlx::Error> {
    let now = crate::server::now();
    sqlx::query::<Sqlite>(
        "UPDATE removal_requests SET decision = $2, decided_by = $3, decided_at = $4, note = $5
         WHERE id = $1",
    )
    .bind(request_id)
    .bind(if approve { "approved" } else { "refused" })
    .bind(actor)
    .bind(&now)
    .bind(note)
    .execute(&mut *conn)
    .await?;
    if approve {
        set_removed(conn, student_id, Some(&now)).await?;
    }
    Ok(())
}

/// Takes a student out of (`Some(time)`) or back into (`None`) the cohort.
pub async fn set_removed(
    conn: &mut SqliteConnection,
    student_id: i64,
    removed_at: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "UPDATE students SET removed_at = $2, version = version + 1, updated_at = $3 WHERE id = $1",
    )
    .bind(student_id)
    .bind(removed_at)
    .bind(crate::server::now())
    .execute(&mut *conn)
    .await?;
    if removed_at.is_some() {
        sqlx::query::<Sqlite>("DELETE FROM sessions WHERE student_id = $1")
            .bind(student_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn removed_students(
    pool: &SqlitePool,
    college_id: Option<i64>,
) -> Result<Vec<RemovedStudent>, sqlx::Error> {
    sqlx::query_as::<Sqlite, RemovedStudent>(
        "SELECT s.id AS student_id, s.student_no, s.name, c.name AS college,
                COALESCE(k.name, '') AS class_name, s.removed_at,
                COALESCE((SELECT r.reason FROM removal_requests r WHERE r.student_id = s.id
                   AND r.decision = 'approved' ORDER BY r.id DESC LIMIT 1), '') AS reason
         FROM students s
         JOIN colleges c ON c.id = s.college_id
         LEFT JOIN classes k ON k.id = s.class_id
         WHERE s.removed_at IS NOT NULL AND ($1 IS NULL OR s.college_id = $1)
         ORDER BY s.removed_at DESC",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await
}

/// The college of a student, removed or not.
pub async fn college_of_any(
    pool: &SqlitePool,
    student_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>("SELECT college_id FROM students WHERE id = $1")
        .bind(student_id)
        .fetch_optional(pool)
        .await
}
