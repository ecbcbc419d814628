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
pub mod roster;
pub mod spreadsheet;
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
