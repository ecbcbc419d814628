//! Configuration from the environment (documented in the README).

use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`, default `sqlite://data/shengyuan.db`.
    pub database_url: String,
    /// `SHENGYUAN_DIVISIONS`: the GB/T 2260 list (CSV `code,name`), default `data/divisions.csv`.
    pub divisions_path: PathBuf,
    /// `SHENGYUAN_SECURE_COOKIES=1` when served over https.
    pub secure_cookies: bool,
    /// Idle and absolute session lifetimes, in minutes
    /// (`SHENGYUAN_SESSION_IDLE_MINUTES`, default 30; `SHENGYUAN_SESSION_MAX_HOURS`, default 12).
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/shengyuan.db";

impl Config {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: i64| {
            var(name)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(default)
        };
        Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            divisions_path: var("SHENGYUAN_DIVISIONS")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data/divisions.csv")),
            secure_cookies: matches!(
                var("SHENGYUAN_SECURE_COOKIES").as_deref(),
                Some("1" | "true" | "yes")
            ),
            session_idle_minutes: number("SHENGYUAN_SESSION_IDLE_MINUTES", 30),
            session_max_hours: number("SHENGYUAN_SESSION_MAX_HOURS", 12),
        }
    }

    /// A configuration for tests: a given database, the bundled division list.
    pub fn for_database(database_url: &str) -> Self {
        Config {
            database_url: database_url.to_string(),
            divisions_path: PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/divisions.csv"
            )),
            secure_cookies: false,
            session_idle_minutes: 30,
            session_max_hours: 12,
        }
    }
}
