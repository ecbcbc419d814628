//! All SQL lives below this folder.

pub mod accounts;
pub mod audit;
pub mod campaign;
pub mod cohort;
pub mod notifications;
pub mod org;
pub mod review;
pub mod security;
pub mod students;
pub mod survey;
pub mod uploads;
pub mod verifications;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// The editable fields (学生核验信息) as columns: the same names in `students` (校库 values) and
/// `verifications` (the student's copy), in the form's order, which every statement binding them
/// follows.
pub fn editable_columns() -> impl Iterator<Item = &'static str> {
    crate::domain::form::FIELDS.iter().map(|(name, _)| *name)
}

/// Binds the editable values in `editable_columns()` order.
pub fn bind_editable<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    values: &'q crate::domain::form::VerificationInput,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    for column in editable_columns() {
        query = query.bind(values.get(column));
    }
    query
}

/// Opens (creating when missing) the database and brings its schema up to date.
pub async fn connect(database_url: &str) -> Result<SqlitePool, String> {
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| format!("DATABASE_URL {database_url} is not a SQLite URL: {e}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    private_files(options.get_filename())?;
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot open database {database_url}: {e}"))?;
    sqlx::migrate!()
        .run(&pool)
        .await
        .map_err(|e| format!("database migration failed: {e}"))?;
    Ok(pool)
}

/// The database holds 身份证号 of a whole cohort: its folder is the service user's alone (0700)
/// and the file, created here when missing, 0600 — SQLite gives its `-wal` and `-shm` files the
/// database file's permissions.
fn private_files(path: &std::path::Path) -> Result<(), String> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        super::private_dir(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create database file {}: {e}", path.display()))?;
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| format!("cannot restrict {}: {e}", file.display()))?;
        }
    }
    Ok(())
}

/// Reads the editable columns of a row into the form's input type.
pub fn editable_from_row(
    row: &sqlx::sqlite::SqliteRow,
) -> Result<crate::domain::form::VerificationInput, sqlx::Error> {
    use sqlx::Row;
    let mut input = crate::domain::form::VerificationInput::default();
    for column in editable_columns() {
        input.set(column, row.try_get::<String, _>(column)?);
    }
    Ok(input)
}

/// A transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`), so that two writers
/// that both read first queue on `busy_timeout` instead of one failing when it upgrades its lock.
pub async fn begin_write(
    pool: &SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}
