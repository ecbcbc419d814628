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
    /// Consecutive wrong passwords that lock an account (`SHENGYUAN_LOCKOUT_THRESHOLD`, default 5).
    pub lockout_threshold: i64,
    /// `SHENGYUAN_TRUSTED_PROXIES`: the reverse proxies (addresses or CIDRs, comma-separated)
    /// whose `X-Forwarded-For` / `-Host` / `-Proto` are believed. `SHENGYUAN_TRUST_PROXY=1`
    /// alone means a proxy on this machine (127.0.0.1, ::1). Empty: no header is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `SHENGYUAN_SMTP_URL`, e.g. `smtps://user:password@smtp.example.edu.cn:465`; without it
    /// e-mails are written to the outbox folder instead of being sent.
    pub smtp_url: Option<String>,
    /// `SHENGYUAN_MAIL_FROM`, default `生源信息采集核对 <noreply@localhost>`.
    pub mail_from: String,
    /// `SHENGYUAN_OUTBOX`, default `data/outbox`.
    pub outbox_dir: PathBuf,
    /// Lifetime of a password-recovery code (`SHENGYUAN_RESET_CODE_MINUTES`, default 15).
    pub reset_code_minutes: i64,
}

pub const DEFAULT_MAIL_FROM: &str = "生源信息采集核对 <noreply@localhost>";

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/shengyuan.db";

/// The trusted proxies from `SHENGYUAN_TRUSTED_PROXIES` (entries that do not parse are reported
/// and left out), or the loopback addresses when only `SHENGYUAN_TRUST_PROXY=1` is set.
fn trusted_proxies(list: Option<&str>, trust_local: bool) -> Vec<ipnet::IpNet> {
    match list {
        Some(list) => list
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .filter_map(|entry| {
                let parsed = entry.parse::<ipnet::IpNet>().ok().or_else(|| {
                    entry
                        .parse::<std::net::IpAddr>()
                        .ok()
                        .map(ipnet::IpNet::from)
                });
                if parsed.is_none() {
                    eprintln!(
                        "SHENGYUAN_TRUSTED_PROXIES: {entry} is not an address or CIDR, ignored"
                    );
                }
                parsed
            })
            .collect(),
        None if trust_local => vec![
            "127.0.0.0/8".parse().expect("a CIDR"),
            "::1/128".parse().expect("a CIDR"),
        ],
        None => Vec::new(),
    }
}

impl Config {
    /// Whether forwarding headers from `peer` are believed.
    pub fn is_trusted_proxy(&self, peer: std::net::IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&peer))
    }

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
            lockout_threshold: number("SHENGYUAN_LOCKOUT_THRESHOLD", 5),
            trusted_proxies: trusted_proxies(
                var("SHENGYUAN_TRUSTED_PROXIES").as_deref(),
                matches!(
                    var("SHENGYUAN_TRUST_PROXY").as_deref(),
                    Some("1" | "true" | "yes")
                ),
            ),
            smtp_url: var("SHENGYUAN_SMTP_URL"),
            mail_from: var("SHENGYUAN_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_string()),
            outbox_dir: var("SHENGYUAN_OUTBOX")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("data/outbox")),
            reset_code_minutes: number("SHENGYUAN_RESET_CODE_MINUTES", 15),
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
            lockout_threshold: 5,
            trusted_proxies: Vec::new(),
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_string(),
            outbox_dir: std::path::Path::new(database_url.trim_start_matches("sqlite://"))
                .parent()
                .map(|dir| dir.join("outbox"))
                .unwrap_or_else(|| PathBuf::from("outbox")),
            reset_code_minutes: 15,
        }
    }
}
