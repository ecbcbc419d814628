//! Survey questions and responses.

use crate::domain::survey::{Answers, Kind, Question};
use sqlx::{Row, Sqlite, SqliteConnection, SqliteExecutor, SqlitePool};

pub async fn questions<'e, E: SqliteExecutor<'e>>(
    executor: E,
) -> Result<Vec<Question>, sqlx::Error> {
    let rows = sqlx::query::<Sqlite>(
        "SELECT id, kind, prompt, options, required FROM survey_questions ORDER BY position, id",
    )
    .fetch_all(executor)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(kind) = Kind::from_db(&r.try_get::<String, _>("kind")?) else {
            continue;
        };
        out.push(Question {
            id: r.try_get("id")?,
            kind,
            prompt: r.try_get("prompt")?,
            options: serde_json::from_str(&r.try_get::<String, _>("options")?).unwrap_or_default(),
            required: r.try_get::<i64, _>("required")? != 0,
        });
    }
    Ok(out)
}

pub async fn insert_question(
    conn: &mut SqliteConnection,
    kind: Kind,
    prompt: &str,
    options: &[String],
    required: bool,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO survey_questions (position, kind, prompt, options, required, created_at)
         VALUES ((SELECT COALESCE(MAX(position), 0) + 1 FROM survey_questions), $1, $2, $3, $4, $5)
         RETURNING id",
    )
    .bind(kind.as_db())
    .bind(prompt)
    .bind(serde_json::to_string(options).unwrap_or_else(|_| "[]".into()))
    .bind(required)
    .bind(crate::server::now())
    .fetch_one(conn)
    .await
}

pub async fn update_question(conn: &mut SqliteConnection, q: &Question) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "UPDATE survey_questions SET kind = $2, prompt = $3, options = $4, required = $5 WHERE id = $1",
    )
    .bind(q.id)
    .bind(q.kind.as_db())
    .bind(&q.prompt)
    .bind(serde_json::to_string(&q.options).unwrap_or_else(|_| "[]".into()))
    .bind(q.required)
    .execute(conn)
    .await?;
    Ok(())
}

/// Swaps a question with its neighbour above (`up`) or below; false at either end.
pub async fn move_question(
    conn: &mut SqliteConnection,
    id: i64,
    up: bool,
) -> Result<bool, sqlx::Error> {
    let order: Vec<(i64, i64)> = sqlx::query_as::<Sqlite, (i64, i64)>(
        "SELECT id, position FROM survey_questions ORDER BY position, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let Some(i) = order.iter().position(|(q, _)| *q == id) else {
        return Ok(false);
    };
    let j = if up {
        i.checked_sub(1)
    } else {
        Some(i + 1).filter(|j| *j < order.len())
    };
    let Some(j) = j else {
        return Ok(false);
    };
    // Positions are renumbered 1..n with the two swapped, so equal positions cannot tie.
    let mut ids: Vec<i64> = order.iter().map(|(q, _)| *q).collect();
    ids.swap(i, j);
    for (n, q) in ids.iter().enumerate() {
        sqlx::query::<Sqlite>("UPDATE survey_questions SET position = $2 WHERE id = $1")
            .bind(q)
            .bind(n as i64 + 1)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

pub async fn delete_question(conn: &mut SqliteConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("DELETE FROM survey_questions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn response_count<'e, E: SqliteExecutor<'e>>(executor: E) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>("SELECT COUNT(*) FROM survey_responses")
        .fetch_one(executor)
        .await
}

/// (answers, submitted at) of a student, if they answered.
pub async fn response<'e, E: SqliteExecutor<'e>>(
    executor: E,
    student_id: i64,
) -> Result<Option<(Answers, String)>, sqlx::Error> {
    let row = sqlx::query::<Sqlite>(
        "SELECT answers, submitted_at FROM survey_responses WHERE student_id = $1",
    )
    .bind(student_id)
    .fetch_optional(executor)
    .await?;
    row.map(|r| {
        Ok((
            serde_json::from_str(&r.try_get::<String, _>("answers")?).unwrap_or_default(),
            r.try_get("submitted_at")?,
        ))
    })
    .transpose()
}

pub async fn save_response(
    conn: &mut SqliteConnection,
    student_id: i64,
    answers: &Answers,
) -> Result<(), sqlx::Error> {
    let now = crate::server::now();
    sqlx::query::<Sqlite>(
        "INSERT INTO survey_responses (student_id, answers, submitted_at, updated_at)
         VALUES ($1, $2, $3, $3)
         ON CONFLICT (student_id) DO UPDATE SET answers = excluded.answers, updated_at = excluded.updated_at",
    )
    .bind(student_id)
    .bind(serde_json::to_string(answers).unwrap_or_else(|_| "{}".into()))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every response of the scope with the student's identity, for statistics and the export.
#[derive(Clone, Debug)]
pub struct ResponseRow {
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub major: String,
    pub class_name: String,
    pub submitted_at: String,
    pub answers: Answers,
}

pub async fn responses(
    pool: &SqlitePool,
    college_id: Option<i64>,
) -> Result<Vec<ResponseRow>, sqlx::Error> {
    let rows = sqlx::query::<Sqlite>(
        "SELECT s.student_no, s.name, c.name AS college, m.name AS major,
                COALESCE(k.name, '') AS class_name, r.submitted_at, r.answers
         FROM survey_responses r
         JOIN students s ON s.id = r.student_id
         JOIN colleges c ON c.id = s.college_id
         JOIN majors m ON m.id = s.major_id
         LEFT JOIN classes k ON k.id = s.class_id
         WHERE s.removed_at IS NULL AND ($1 IS NULL OR s.college_id = $1)
         ORDER BY c.id, s.student_no",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ResponseRow {
                student_no: r.try_get("student_no")?,
                name: r.try_get("name")?,
                college: r.try_get("college")?,
                major: r.try_get("major")?,
                class_name: r.try_get("class_name")?,
                submitted_at: r.try_get("submitted_at")?,
                answers: serde_json::from_str(&r.try_get::<String, _>("answers")?)
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Renames choice labels inside every stored answer to `question_id` (old → new, by position).
pub async fn rename_choices(
    conn: &mut SqliteConnection,
    question_id: i64,
    renames: &[(String, String)],
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query::<Sqlite>("SELECT student_id, answers FROM survey_responses")
        .fetch_all(&mut *conn)
        .await?;
    for r in rows {
        let student_id: i64 = r.try_get("student_id")?;
        let mut answers: Answers =
            serde_json::from_str(&r.try_get::<String, _>("answers")?).unwrap_or_default();
        let Some(values) = answers.get_mut(&question_id) else {
            continue;
        };
        for v in values.iter_mut() {
            if let Some((_, new)) = renames.iter().find(|(old, _)| old == v) {
                *v = new.clone();
            }
        }
        sqlx::query::<Sqlite>("UPDATE survey_responses SET answers = $2 WHERE student_id = $1")
            .bind(student_id)
            .bind(serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether the gate holds this student: required, there are questions, and no response yet.
pub async fn survey_pending(pool: &SqlitePool, student_id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, bool>(
        "SELECT COALESCE((SELECT survey_required FROM campaign WHERE id = 1), 0) <> 0
            AND EXISTS (SELECT 1 FROM survey_questions)
            AND NOT EXISTS (SELECT 1 FROM survey_responses WHERE student_id = $1)",
    )
    .bind(student_id)
    .fetch_one(pool)
    .await
}

pub async fn survey_required<'e, E: SqliteExecutor<'e>>(executor: E) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<Sqlite, i64>("SELECT survey_required FROM campaign WHERE id = 1")
            .fetch_optional(executor)
            .await?
            .unwrap_or(0)
            != 0,
    )
}

/// Switches the gate (the campaign row is created with its defaults when missing).
pub async fn set_survey_required(
    conn: &mut SqliteConnection,
    required: bool,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let today = crate::server::windows::today();
    let campaign = super::campaign::load(&mut *conn, today).await?;
    super::campaign::save(&mut *conn, &campaign, actor).await?;
    sqlx::query::<Sqlite>("UPDATE campaign SET survey_required = $1 WHERE id = 1")
        .bind(required)
        .execute(conn)
        .await?;
    Ok(())
}
