//! Staged roster uploads: the file waits, with the preview worked out when it arrived, until it
//! is confirmed or discarded (then only the summary is kept) or a day passes.

use sqlx::{Sqlite, SqlitePool};

/// How long an unconfirmed upload (and the 身份证号 in it) is kept.
pub const KEEP_UNCONFIRMED: chrono::Duration = chrono::Duration::hours(24);

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Upload {
    pub id: i64,
    pub staff_id: i64,
    /// The uploader's college when uploading (`None`: 学校): the import's scope.
    pub college_id: Option<i64>,
    pub file_name: String,
    /// `None` once confirmed or discarded.
    pub content: Option<Vec<u8>>,
    /// The stored preview (JSON).
    pub preview: Option<String>,
    pub row_count: i64,
    pub created_at: String,
    pub applied_at: Option<String>,
    pub discarded_at: Option<String>,
    pub summary: Option<String>,
}

/// A new upload with its preview.
pub struct NewUpload<'a> {
    pub staff_id: i64,
    pub college_id: Option<i64>,
    pub file_name: &'a str,
    pub content: &'a [u8],
    pub preview: &'a str,
    pub row_count: i64,
}

pub async fn create(pool: &SqlitePool, upload: NewUpload<'_>) -> Result<i64, sqlx::Error> {
    purge_stale(pool).await?;
    sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO uploads (staff_id, college_id, file_name, content, preview, row_count, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id",
    )
    .bind(upload.staff_id)
    .bind(upload.college_id)
    .bind(upload.file_name)
    .bind(upload.content)
    .bind(upload.preview)
    .bind(upload.row_count)
    .bind(crate::server::now())
    .fetch_one(pool)
    .await
}

/// Drops the file of every upload left unconfirmed for longer than `KEEP_UNCONFIRMED`.
pub async fn purge_stale(pool: &SqlitePool) -> Result<u64, sqlx::Error> {
    let cutoff =
        (chrono::Utc::now() - KEEP_UNCONFIRMED).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let done = sqlx::query::<Sqlite>(
        "UPDATE uploads SET content = NULL, discarded_at = $2
         WHERE content IS NOT NULL AND applied_at IS NULL AND created_at < $1",
    )
    .bind(cutoff)
    .bind(crate::server::now())
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

pub async fn find(pool: &SqlitePool, id: i64) -> Result<Option<Upload>, sqlx::Error> {
    sqlx::query_as::<Sqlite, Upload>(
        "SELECT id, staff_id, college_id, file_name, content, preview, row_count, created_at,
                applied_at, discarded_at, summary
         FROM uploads WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Marks the upload as being imported; false when it already was (or was discarded).
pub async fn claim(pool: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE uploads SET applied_at = $2
         WHERE id = $1 AND applied_at IS NULL AND content IS NOT NULL",
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

/// The import is done: its summary stays, the file goes.
pub async fn finish(pool: &SqlitePool, id: i64, summary: &str) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("UPDATE uploads SET summary = $2, content = NULL WHERE id = $1")
        .bind(id)
        .bind(summary)
        .execute(pool)
        .await?;
    Ok(())
}

/// Drops a waiting upload's file; false when it was already imported or discarded.
pub async fn discard(pool: &SqlitePool, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE uploads SET content = NULL, discarded_at = $2
         WHERE id = $1 AND applied_at IS NULL AND content IS NOT NULL",
    )
    .bind(id)
    .bind(crate::server::now())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
