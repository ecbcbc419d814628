//! Staged roster uploads.

use sqlx::{Sqlite, SqlitePool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Upload {
    pub id: i64,
    pub staff_id: i64,
    pub file_name: String,
    pub content: Vec<u8>,
    pub created_at: String,
    pub applied_at: Option<String>,
    pub summary: Option<String>,
}

pub async fn create(
    pool: &SqlitePool,
    staff_id: i64,
    file_name: &str,
    content: &[u8],
) -> Result<i64, sqlx::Error> {
    // Uploads older than a week that were never confirmed are dropped on the way.
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    sqlx::query::<Sqlite>("DELETE FROM uploads WHERE applied_at IS NULL AND created_at < $1")
        .bind(week_ago)
        .execute(pool)
        .await?;
    sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO uploads (staff_id, file_name, content, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(staff_id)
    .bind(file_name)
    .bind(content)
    .bind(crate::server::now())
    .fetch_one(pool)
    .await
}

pub async fn find(pool: &SqlitePool, id: i64) -> Result<Option<Upload>, sqlx::Error> {
    sqlx::query_as::<Sqlite, Upload>(
        "SELECT id, staff_id, file_name, content, created_at, applied_at, summary
         FROM uploads WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Marks the upload as being imported; false when it already was.
pub async fn claim(pool: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE uploads SET applied_at = $2 WHERE id = $1 AND applied_at IS NULL",
    )
    .bind(id)
    .bind(crate::server::now())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn unclaim(pool: &SqlitePool, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("UPDATE uploads SET applied_at = NULL WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn set_summary(pool: &SqlitePool, id: i64, summary: &str) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("UPDATE uploads SET summary = $2 WHERE id = $1")
        .bind(id)
        .bind(summary)
        .execute(pool)
        .await?;
    Ok(())
}
