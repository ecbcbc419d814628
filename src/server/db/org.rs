//! 院系 → 专业 → 班级, as imports create them and staff correct them.

use sqlx::{Row, Sqlite, SqlitePool};

/// (college id, name, code), (major id, college id, name, code), (class id, major id, name).
pub type Tree = (
    Vec<(i64, String, String)>,
    Vec<(i64, i64, String, String)>,
    Vec<(i64, i64, String)>,
);

pub async fn tree(pool: &SqlitePool, college_id: Option<i64>) -> Result<Tree, sqlx::Error> {
    let colleges = sqlx::query::<Sqlite>(
        "SELECT id, name, code FROM colleges WHERE ($1 IS NULL OR id = $1) ORDER BY id",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("name")?, r.try_get("code")?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let majors = sqlx::query::<Sqlite>(
        "SELECT id, college_id, name, code FROM majors WHERE ($1 IS NULL OR college_id = $1)
         ORDER BY code, name",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("college_id")?,
            r.try_get("name")?,
            r.try_get("code")?,
        ))
    })
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
    Ok((colleges, majors, classes))
}

/// The college an org unit belongs to (None: no such unit).
pub async fn college_of(
    pool: &SqlitePool,
    kind: &str,
    id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = match kind {
        "college" => "SELECT id FROM colleges WHERE id = $1",
        "major" => "SELECT college_id FROM majors WHERE id = $1",
        "class" => {
            "SELECT m.college_id FROM classes k JOIN majors m ON m.id = k.major_id WHERE k.id = $1"
        }
        _ => return Ok(None),
    };
    sqlx::query_scalar::<Sqlite, i64>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Renames (and re-codes) a unit; `Ok(false)` when the new name is taken by a sibling.
pub async fn rename(
    pool: &SqlitePool,
    kind: &str,
    id: i64,
    name: &str,
    code: &str,
) -> Result<bool, sqlx::Error> {
    let sql = match kind {
        "college" => "UPDATE colleges SET name = $2, code = $3 WHERE id = $1",
        "major" => "UPDATE majors SET name = $2, code = $3 WHERE id = $1",
        _ => "UPDATE classes SET name = $2 WHERE id = $1",
    };
    match sqlx::query::<Sqlite>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(name)
        .bind(code)
        .execute(pool)
        .await
    {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}
