//! Staff accounts and sessions.

use sqlx::{Sqlite, SqlitePool};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffAccount {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub college_id: Option<i64>,
    pub college_name: Option<String>,
    pub locked_at: Option<String>,
    pub must_change_password: bool,
}

macro_rules! select_staff {
    () => {
        "SELECT s.id, s.username, s.display_name, s.password_hash, s.college_id, c.name AS college_name,
                s.locked_at, s.must_change_password <> 0 AS must_change_password
         FROM staff s LEFT JOIN colleges c ON c.id = s.college_id"
    };
}

pub async fn staff_by_username(
    pool: &SqlitePool,
    username: &str,
) -> Result<Option<StaffAccount>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StaffAccount>(concat!(
        select_staff!(),
        " WHERE s.username = $1 AND s.disabled_at IS NULL"
    ))
    .bind(username)
    .fetch_optional(pool)
    .await
}

pub async fn staff_by_id(pool: &SqlitePool, id: i64) -> Result<Option<StaffAccount>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StaffAccount>(concat!(
        select_staff!(),
        " WHERE s.id = $1 AND s.disabled_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Locked staff accounts, for 学校.
pub async fn locked_staff(pool: &SqlitePool) -> Result<Vec<StaffAccount>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StaffAccount>(concat!(
        select_staff!(),
        " WHERE s.locked_at IS NOT NULL AND s.disabled_at IS NULL ORDER BY s.locked_at DESC"
    ))
    .fetch_all(pool)
    .await
}

/// Clears a staff account's lock; returns its user name (None: no such account).
pub async fn unlock_staff(pool: &SqlitePool, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, String>(
        "UPDATE staff SET locked_at = NULL, failed_logins = 0 WHERE id = $1 RETURNING username",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Creates the account, or replaces the password and scope of an existing one.
pub async fn upsert_staff(
    pool: &SqlitePool,
    username: &str,
    display_name: &str,
    password_hash: &str,
    college_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO staff (username, display_name, password_hash, college_id, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
            password_hash = excluded.password_hash, college_id = excluded.college_id, disabled_at = NULL,
            locked_at = NULL, failed_logins = 0
         RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(college_id)
    .bind(crate::server::now())
    .fetch_one(pool)
    .await
}

/// Who a session belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionOwner {
    Student(i64),
    Staff(i64),
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub student_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub last_seen_at: String,
    pub expires_at: String,
}

impl SessionRow {
    pub fn owner(&self) -> Option<SessionOwner> {
        match (self.student_id, self.staff_id) {
            (Some(id), None) => Some(SessionOwner::Student(id)),
            (None, Some(id)) => Some(SessionOwner::Staff(id)),
            _ => None,
        }
    }
}

pub async fn create_session(
    pool: &SqlitePool,
    token_hash: &str,
    owner: SessionOwner,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    let (student_id, staff_id) = match owner {
        SessionOwner::Student(id) => (Some(id), None),
        SessionOwner::Staff(id) => (None, Some(id)),
    };
    let now = crate::server::now();
    sqlx::query::<Sqlite>(
        "INSERT INTO sessions (token_hash, student_id, staff_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(token_hash)
    .bind(student_id)
    .bind(staff_id)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find_session(
    pool: &SqlitePool,
    token_hash: &str,
) -> Result<Option<SessionRow>, sqlx::Error> {
    sqlx::query_as::<Sqlite, SessionRow>(
        "SELECT student_id, staff_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await
}

pub async fn touch_session(pool: &SqlitePool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(crate::server::now())
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_session(pool: &SqlitePool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Drops sessions past their absolute expiry (called at login, so the table stays small).
pub async fn purge_expired_sessions(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("DELETE FROM sessions WHERE expires_at < $1")
        .bind(crate::server::now())
        .execute(pool)
        .await?;
    Ok(())
}

/// A staff account as 学校 manages it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StaffListRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub college_id: Option<i64>,
    pub college_name: Option<String>,
    pub disabled_at: Option<String>,
    pub locked_at: Option<String>,
    pub created_at: String,
}

pub async fn list_staff(pool: &SqlitePool) -> Result<Vec<StaffListRow>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StaffListRow>(
        "SELECT s.id, s.username, s.display_name, s.college_id, c.name AS college_name,
                s.disabled_at, s.locked_at, s.created_at
         FROM staff s LEFT JOIN colleges c ON c.id = s.college_id
         ORDER BY s.college_id IS NOT NULL, c.id, s.username",
    )
    .fetch_all(pool)
    .await
}

/// A new account whose password must be changed at the first login; `None` if the name is taken.
pub async fn create_staff(
    conn: &mut sqlx::SqliteConnection,
    username: &str,
    display_name: &str,
    password_hash: &str,
    college_id: Option<i64>,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO staff (username, display_name, password_hash, college_id, created_at,
            must_change_password)
         VALUES ($1, $2, $3, $4, $5, 1)
         ON CONFLICT (username) DO NOTHING
         RETURNING id",
    )
    .bind(username)
    .bind(display_name)
    .bind(password_hash)
    .bind(college_id)
    .bind(crate::server::now())
    .fetch_optional(conn)
    .await
}

/// Changes name, scope and whether the account may log in; disabling ends its sessions.
pub async fn update_staff(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    display_name: &str,
    college_id: Option<i64>,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE staff SET display_name = $2, college_id = $3,
            disabled_at = CASE WHEN $4 THEN COALESCE(disabled_at, $5) ELSE NULL END
         WHERE id = $1",
    )
    .bind(id)
    .bind(display_name)
    .bind(college_id)
    .bind(disabled)
    .bind(crate::server::now())
    .execute(&mut *conn)
    .await?;
    if disabled {
        sqlx::query::<Sqlite>("DELETE FROM sessions WHERE staff_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(done.rows_affected() == 1)
}

/// A password set by 学校 for someone else: to be changed at the next login.
pub async fn set_staff_password(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE staff SET password_hash = $2, must_change_password = 1, locked_at = NULL,
            failed_logins = 0 WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query::<Sqlite>("DELETE FROM sessions WHERE staff_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
