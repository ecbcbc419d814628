//! How fast secrets may be guessed. Three brakes, none of which locks the real owner out:
//! - a lock on the (account, address) pair that typed the password wrong `lockout_threshold`
//!   times in a row (`login_failures`, see `auth`): the student logs in from their own address;
//! - an account-wide slowdown: after [`ACCOUNT_FREE_FAILURES`] failures from any addresses in
//!   [`ACCOUNT_WINDOW_MINUTES`] minutes, each further try must wait twice as long as the last
//!   (up to [`ACCOUNT_MAX_DELAY_SECS`]), which stops guessing spread over many addresses;
//! - a per-address limit over all accounts ([`ADDRESS_MAX_FAILURES`] in
//!   [`ADDRESS_WINDOW_MINUTES`] minutes), generous for a campus NAT, that slows a scanner.
//!
//! Logins, the current password asked by 账号安全 and recovery codes all count here.

use super::AppState;
use super::db::audit;
use super::db::security::{self, AccountKind, Secret};
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};

pub const ACCOUNT_WINDOW_MINUTES: i64 = 15;
pub const ACCOUNT_FREE_FAILURES: i64 = 10;
pub const ACCOUNT_MAX_DELAY_SECS: i64 = 300;
pub const ADDRESS_WINDOW_MINUTES: i64 = 10;
pub const ADDRESS_MAX_FAILURES: i64 = 100;
/// Wrong recovery codes in a day after which e-mail recovery is closed for the account.
pub const RECOVERY_MAX_WRONG_CODES: i64 = 10;

/// The format of `auth_failures.at` (milliseconds, so that quick failures keep their order).
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn parse(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The wait the account-wide slowdown asks after `failures` recent failures.
pub fn account_delay_secs(failures: i64) -> i64 {
    if failures < ACCOUNT_FREE_FAILURES {
        0
    } else {
        let doublings = (failures - ACCOUNT_FREE_FAILURES).min(16) as u32;
        2i64.pow(doublings).min(ACCOUNT_MAX_DELAY_SECS)
    }
}

/// Refuses a password check that comes too soon (HTTP 429), before any hash is spent.
pub async fn check_password_attempt(
    state: &AppState,
    kind: AccountKind,
    login: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    let from_address = security::failures_from_address(
        &state.pool,
        client_addr,
        &stamp(now - Duration::minutes(ADDRESS_WINDOW_MINUTES)),
    )
    .await?;
    if from_address >= ADDRESS_MAX_FAILURES {
        return Err(AppError::TooManyAttempts(format!(
            "当前网络地址的密码错误次数过多，请 {ADDRESS_WINDOW_MINUTES} 分钟后再试"
        )));
    }
    let (failures, last) = security::failures_of_account(
        &state.pool,
        kind,
        login,
        Secret::Password,
        &stamp(now - Duration::minutes(ACCOUNT_WINDOW_MINUTES)),
    )
    .await?;
    let delay = account_delay_secs(failures);
    if delay > 0
        && let Some(last) = last.as_deref().and_then(parse)
    {
        let wait_ms = (last + Duration::seconds(delay) - now).num_milliseconds();
        if wait_ms > 0 {
            let wait = (wait_ms + 999) / 1000;
            return Err(AppError::TooManyAttempts(format!(
                "该账号近 {ACCOUNT_WINDOW_MINUTES} 分钟内密码错误次数过多，请 {wait} 秒后再试"
            )));
        }
    }
    Ok(())
}

/// Whom a failure is about, for the counters and the security log.
pub struct Failure<'a> {
    pub kind: AccountKind,
    pub login: &'a str,
    pub client_addr: &'a str,
    /// As in the audit log, e.g. `student:2019010001`.
    pub actor: &'a str,
    pub student_id: Option<i64>,
}

/// Counts a wrong password; the moment the account or the address reaches its brake is logged.
pub async fn note_password_failure(state: &AppState, f: &Failure<'_>) -> Result<(), AppError> {
    security::note_failure(
        &state.pool,
        f.kind,
        f.login,
        f.client_addr,
        Secret::Password,
    )
    .await?;
    let now = Utc::now();
    let (failures, _) = security::failures_of_account(
        &state.pool,
        f.kind,
        f.login,
        Secret::Password,
        &stamp(now - Duration::minutes(ACCOUNT_WINDOW_MINUTES)),
    )
    .await?;
    if failures == ACCOUNT_FREE_FAILURES {
        log(
            state,
            f,
            "account_throttled",
            format!(
                "{ACCOUNT_WINDOW_MINUTES} 分钟内密码错误 {failures} 次（来自任意地址），此后每次尝试须等待"
            ),
        )
        .await?;
    }
    let from_address = security::failures_from_address(
        &state.pool,
        f.client_addr,
        &stamp(now - Duration::minutes(ADDRESS_WINDOW_MINUTES)),
    )
    .await?;
    if from_address == ADDRESS_MAX_FAILURES {
        log(
            state,
            f,
            "address_throttled",
            format!(
                "地址 {} 在 {ADDRESS_WINDOW_MINUTES} 分钟内密码错误 {from_address} 次（多个账号），暂停受理",
                f.client_addr
            ),
        )
        .await?;
    }
    Ok(())
}

/// Wrong recovery codes of the account in the last day.
pub async fn wrong_codes_today(state: &AppState, student_no: &str) -> Result<i64, AppError> {
    let (count, _) = security::failures_of_account(
        &state.pool,
        AccountKind::Student,
        student_no,
        Secret::RecoveryCode,
        &stamp(Utc::now() - Duration::hours(24)),
    )
    .await?;
    Ok(count)
}

/// Counts a wrong recovery code; returns whether recovery is now closed for the account.
pub async fn note_wrong_code(state: &AppState, f: &Failure<'_>) -> Result<bool, AppError> {
    security::note_failure(
        &state.pool,
        AccountKind::Student,
        f.login,
        f.client_addr,
        Secret::RecoveryCode,
    )
    .await?;
    let wrong = wrong_codes_today(state, f.login).await?;
    if wrong == RECOVERY_MAX_WRONG_CODES {
        log(
            state,
            f,
            "recovery_closed",
            format!("一天内验证码错误 {wrong} 次，邮箱找回密码暂停至次日或由辅导员处理"),
        )
        .await?;
    }
    Ok(wrong >= RECOVERY_MAX_WRONG_CODES)
}

async fn log(
    state: &AppState,
    f: &Failure<'_>,
    action: &str,
    detail: String,
) -> Result<(), AppError> {
    audit::record(
        &state.pool,
        audit::Entry {
            actor: f.actor,
            action,
            student_id: f.student_id,
            detail: Some(&detail),
            client_addr: Some(f.client_addr),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// The slowed accounts and limited addresses, as 账号管理 lists them.
pub struct Brakes {
    /// (kind, login, failures, last failure)
    pub accounts: Vec<(String, String, i64, String)>,
    /// (address, failures, last failure)
    pub addresses: Vec<(String, i64, String)>,
}

/// The slowed accounts of `college_id`'s students (`None`: every account).
pub async fn current_brakes(state: &AppState, college_id: Option<i64>) -> Result<Brakes, AppError> {
    let now = Utc::now();
    Ok(Brakes {
        accounts: security::busy_accounts(
            &state.pool,
            &stamp(now - Duration::minutes(ACCOUNT_WINDOW_MINUTES)),
            ACCOUNT_FREE_FAILURES,
            college_id,
        )
        .await?,
        addresses: security::busy_addresses(
            &state.pool,
            &stamp(now - Duration::minutes(ADDRESS_WINDOW_MINUTES)),
            ADDRESS_MAX_FAILURES,
        )
        .await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_delay_doubles_after_ten_failures_and_is_capped() {
        assert_eq!(account_delay_secs(9), 0);
        assert_eq!(account_delay_secs(10), 1);
        assert_eq!(account_delay_secs(11), 2);
        assert_eq!(account_delay_secs(14), 16);
        assert_eq!(account_delay_secs(19), 300);
        assert_eq!(account_delay_secs(10_000), 300);
    }
}
