//! The review queue and the staff side of a student's record.

use super::editable_columns;
use crate::domain::form::VerificationInput;
use crate::domain::status::Status;
use sqlx::{Row, Sqlite, SqliteConnection, SqlitePool};

/// Which students a queue shows. `None` fields do not filter.
#[derive(Clone, Debug, Default)]
pub struct QueueFilter {
    pub college_id: Option<i64>,
    pub status: Option<Status>,
    pub major_id: Option<i64>,
    pub class_id: Option<i64>,
    /// 学历代码 (01/11/31/41).
    pub level: Option<String>,
    /// Only students whose copy differs from 校库.
    pub differs: bool,
    /// 学号 prefix or part of 姓名.
    pub search: Option<String>,
}

/// True when any checked field of the student's copy differs from 校库.
macro_rules! differs_sql {
    () => {
        "(v.origin_code <> s.origin_code OR v.training_mode <> s.training_mode
          OR v.sponsor_unit <> s.sponsor_unit OR v.normal_category <> s.normal_category
          OR v.urban_rural <> s.urban_rural OR v.ethnicity <> s.ethnicity OR v.political <> s.political
          OR v.hardship <> s.hardship OR v.mobile <> s.mobile OR v.email <> s.email OR v.qq <> s.qq
          OR v.home_address <> s.home_address OR v.home_phone <> s.home_phone OR v.postcode <> s.postcode)"
    };
}

/// FROM and WHERE of every queue query; parameters $1–$7 as bound by `bind_filter!`.
macro_rules! queue_from {
    () => {
        concat!(
            " FROM students s
              JOIN majors m ON m.id = s.major_id
              LEFT JOIN classes k ON k.id = s.class_id
              LEFT JOIN verifications v ON v.student_id = s.id
              WHERE s.removed_at IS NULL
                AND ($1 IS NULL OR s.college_id = $1)
                AND ($2 IS NULL OR COALESCE(v.status, 'unverified') = $2)
                AND ($3 IS NULL OR s.major_id = $3)
                AND ($4 IS NULL OR s.class_id = $4)
                AND ($5 IS NULL OR s.education_level = $5)
                AND ($6 = 0 OR COALESCE(",
            differs_sql!(),
            ", 0) <> 0)
                AND ($7 IS NULL OR s.student_no LIKE $7 || '%' OR s.name LIKE '%' || $7 || '%')"
        )
    };
}

macro_rules! bind_filter {
    ($query:expr, $filter:expr, $status:expr) => {
        $query
            .bind($filter.college_id)
            .bind($status)
            .bind($filter.major_id)
            .bind($filter.class_id)
            .bind($filter.level.clone())
            .bind($filter.differs)
            .bind($filter.search.clone())
    };
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QueueRow {
    pub student_id: i64,
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub major_name: String,
    pub class_name: String,
    pub education_level: String,
    pub status: String,
    pub submitted_at: Option<String>,
    pub differs: bool,
    pub version: Option<i64>,
}

pub const PAGE_SIZE: i64 = 50;

pub async fn queue_page(
    pool: &SqlitePool,
    filter: &QueueFilter,
    page: i64,
) -> Result<(Vec<QueueRow>, i64), sqlx::Error> {
    let status = filter.status.map(Status::as_db);
    let total = bind_filter!(
        sqlx::query_scalar::<Sqlite, i64>(concat!("SELECT COUNT(*)", queue_from!())),
        filter,
        status
    )
    .fetch_one(pool)
    .await?;
    let rows = bind_filter!(
        sqlx::query_as::<Sqlite, QueueRow>(concat!(
            "SELECT s.id AS student_id, s.student_no, s.name, s.id_number, m.name AS major_name,
                    COALESCE(k.name, '') AS class_name, s.education_level,
                    COALESCE(v.status, 'unverified') AS status, v.submitted_at, v.version,
                    COALESCE(",
            differs_sql!(),
            ", 0) <> 0 AS differs",
            queue_from!(),
            " ORDER BY v.submitted_at IS NULL, v.submitted_at, s.student_no LIMIT $8 OFFSET $9"
        )),
        filter,
        status
    )
    .bind(PAGE_SIZE)
    .bind(page.max(0) * PAGE_SIZE)
    .fetch_all(pool)
    .await?;
    Ok((rows, total))
}

/// Students per status under the filter's other conditions (the queue's tabs).
pub async fn queue_counts(
    pool: &SqlitePool,
    filter: &QueueFilter,
) -> Result<Vec<(Status, i64)>, sqlx::Error> {
    let rows = bind_filter!(
        sqlx::query::<Sqlite>(concat!(
            "SELECT COALESCE(v.status, 'unverified') AS status, COUNT(*) AS n",
            queue_from!(),
            " GROUP BY COALESCE(v.status, 'unverified')"
        )),
        filter,
        None::<&str>
    )
    .fetch_all(pool)
    .await?;
    Ok(Status::ALL
        .iter()
        .map(|s| {
            let n = rows
                .iter()
                .filter(|r| r.try_get::<String, _>("status").ok().as_deref() == Some(s.as_db()))
                .filter_map(|r| r.try_get::<i64, _>("n").ok())
                .sum();
            (*s, n)
        })
        .collect())
}

/// The student after `current` in the queue's order (or the first one, when `current` has left
/// the queue, as it does after a decision).
pub async fn next_in_queue(
    pool: &SqlitePool,
    filter: &QueueFilter,
    current: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let status = filter.status.map(Status::as_db);
    let ids = bind_filter!(
        sqlx::query_scalar::<Sqlite, i64>(concat!(
            "SELECT s.id",
            queue_from!(),
            " ORDER BY v.submitted_at IS NULL, v.submitted_at, s.student_no LIMIT 5000"
        )),
        filter,
        status
    )
    .fetch_all(pool)
    .await?;
    Ok(match ids.iter().position(|id| *id == current) {
        Some(i) => ids.get(i + 1).copied(),
        None => ids.first().copied(),
    })
}

pub async fn college_of(pool: &SqlitePool, student_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "SELECT college_id FROM students WHERE id = $1 AND removed_at IS NULL",
    )
    .bind(student_id)
    .fetch_optional(pool)
    .await
}

/// A review decision, applied only when the copy is still at `expected_version`.
pub async fn decide(
    conn: &mut SqliteConnection,
    student_id: i64,
    expected_version: i64,
    status: Status,
    reject_reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE verifications SET status = $3, reject_reason = $4, reviewed_at = $5, updated_at = $5,
            version = version + 1
         WHERE student_id = $1 AND version = $2",
    )
    .bind(student_id)
    .bind(expected_version)
    .bind(status.as_db())
    .bind(reject_reason)
    .bind(crate::server::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Copies the student's values of `fields` into 校库; returns (field, old, new) of each change.
pub async fn copy_to_school(
    conn: &mut SqliteConnection,
    student_id: i64,
    student_values: &VerificationInput,
    school_values: &VerificationInput,
    fields: &[&str],
) -> Result<Vec<(&'static str, String, String)>, sqlx::Error> {
    let mut changed = Vec::new();
    for column in editable_columns() {
        if !fields.contains(&column) {
            continue;
        }
        let (old, new) = (school_values.get(column), student_values.get(column));
        if old == new {
            continue;
        }
        // Column names come from the fixed list above, never from input.
        let sql = format!(
            "UPDATE students SET {column} = $2, updated_at = $3, version = version + 1 WHERE id = $1"
        );
        sqlx::query::<Sqlite>(sqlx::AssertSqlSafe(sql))
            .bind(student_id)
            .bind(new)
            .bind(crate::server::now())
            .execute(&mut *conn)
            .await?;
        changed.push((column, old.to_string(), new.to_string()));
    }
    Ok(changed)
}

/// Majors and classes of a college (or of all), for the queue's filters.
pub async fn majors_and_classes(
    pool: &SqlitePool,
    college_id: Option<i64>,
) -> Result<(Vec<(i64, String)>, Vec<(i64, i64, String)>), sqlx::Error> {
    let majors = sqlx::query::<Sqlite>(
        "SELECT m.id, m.name || CASE WHEN m.code <> '' THEN '（' || m.code || '）' ELSE '' END AS label
         FROM majors m WHERE ($1 IS NULL OR m.college_id = $1) ORDER BY m.code, m.name",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("label")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let classes = sqlx::query::<Sqlite>(
        "SELECT k.id, k.major_id, k.name FROM classes k JOIN majors m ON m.id = k.major_id
         WHERE ($1 IS NULL OR m.college_id = $1) ORDER BY k.name",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("major_id")?, r.try_get("name")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((majors, classes))
}

pub async fn colleges(pool: &SqlitePool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query::<Sqlite>("SELECT id, name FROM colleges ORDER BY id")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}
