//! Server-only code: configuration, state, database, sessions, imports and the CLI.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod divisions;
pub mod downloads;
pub mod export;
pub mod files;
pub mod http;
pub mod imports;
pub mod mail;
pub mod offline;
pub mod papers;
pub mod passwords;
pub mod roster;
pub mod spreadsheet;
pub mod throttle;
pub mod windows;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::SqlitePool;
use std::sync::Arc;

pub use config::Config;
pub use divisions::Divisions;

/// Everything a request handler or server function may need; provided to server functions as
/// context by `http::router`.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: SqlitePool,
    pub config: Arc<Config>,
    pub divisions: Arc<Divisions>,
    /// Caps the argon2 hashes running at once (19 MiB each).
    pub hashing: Arc<passwords::HashLimiter>,
}

impl AppState {
    /// The state of the current server function call.
    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            crate::error::AppError::Internal
        })
    }
}

/// The current time as stored in the database (RFC 3339, UTC, seconds).
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Creates `dir` when missing and makes it the service user's alone (0700): the database and
/// the outbox hold personal data and one-time codes.
pub fn private_dir(dir: &std::path::Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create folder {}: {e}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| format!("cannot restrict folder {}: {e}", dir.display()))
}
