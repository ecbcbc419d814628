//! Students' in-app notifications.

use sqlx::{Sqlite, SqliteExecutor, SqlitePool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub at: String,
    pub title: String,
    pub body: String,
    pub read_at: Option<String>,
}

pub async fn push<'e, E: SqliteExecutor<'e>>(
    executor: E,
    student_id: i64,
    title: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "INSERT INTO notifications (student_id, at, title, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(student_id)
    .bind(crate::server::now())
    .bind(title)
    .bind(body)
    .execute(executor)
    .await?;
    Ok(())
}

pub async fn list(pool: &SqlitePool, student_id: i64) -> Result<Vec<Notification>, sqlx::Error> {
    sqlx::query_as::<Sqlite, Notification>(
        "SELECT id, at, title, body, read_at FROM notifications WHERE student_id = $1 ORDER BY id DESC LIMIT 100",
    )
    .bind(student_id)
    .fetch_all(pool)
    .await
}

pub async fn unread_count(pool: &SqlitePool, student_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "SELECT COUNT(*) FROM notifications WHERE student_id = $1 AND read_at IS NULL",
    )
    .bind(student_id)
    .fetch_one(pool)
    .await
}

pub async fn mark_all_read(pool: &SqlitePool, student_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "UPDATE notifications SET read_at = $2 WHERE student_id = $1 AND read_at IS NULL",
    )
    .bind(student_id)
    .bind(crate::server::now())
    .execute(pool)
    .await?;
    Ok(())
}
