//! Passwords (argon2id), server-side sessions and "who is calling".

use super::AppState;
use super::db::security::{self, AccountKind};
use super::db::{accounts, accounts::SessionOwner, audit, students};
use super::throttle;
use crate::domain::limits;
use crate::error::AppError;
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderValue, request::Parts};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "sy_session";

/// Hashes a new password (capped like every hash, see `passwords`).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    AppState::current()?.hashing.hash(password).await
}

/// Checks a password against the stored hash (or the default password when there is none).
pub async fn verify_password(
    stored: Option<String>,
    fallback: Option<String>,
    password: String,
) -> Result<bool, AppError> {
    AppState::current()?
        .hashing
        .verify(stored, fallback, password)
        .await
}

fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn request_parts() -> Option<Parts> {
    leptos::prelude::use_context::<Parts>()
}

fn session_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The caller's network address, for the audit log and the brakes on wrong passwords.
pub fn client_addr() -> Option<String> {
    let parts = request_parts()?;
    let state = leptos::prelude::use_context::<AppState>()?;
    client_addr_of(&parts, &state.config)
}

/// The TCP peer of a request.
pub fn peer_of(parts: &Parts) -> Option<std::net::IpAddr> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The client address of a request's `parts` (for plain axum handlers as well): the TCP peer,
/// unless the peer is a trusted proxy (`SHENGYUAN_TRUSTED_PROXIES`); then the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy. Entries further left were written
/// by the client and prove nothing.
pub fn client_addr_of(parts: &Parts, config: &super::Config) -> Option<String> {
    let peer = peer_of(parts)?;
    if !config.is_trusted_proxy(peer) {
        return Some(peer.to_string());
    }
    let hops: Vec<std::net::IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let client = hops
        .iter()
        .rev()
        .find(|hop| !config.is_trusted_proxy(**hop))
        .or(hops.first())
        .copied()
        .unwrap_or(peer);
    Some(client.to_string())
}

fn set_cookie(value: String) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        && let Ok(header) = HeaderValue::from_str(&value)
    {
        response.append_header(SET_COOKIE, header);
    }
}

/// The session cookie; without `max_age_secs` it lives until the browser closes (on a shared
/// computer the next person does not find the last one logged in).
fn session_cookie(config: &super::Config, token: &str, max_age_secs: Option<i64>) -> String {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let max_age = max_age_secs
        .map(|secs| format!("; Max-Age={secs}"))
        .unwrap_or_default();
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}")
}

#[derive(Clone, Debug)]
pub struct StudentCaller {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub must_change_password: bool,
}

#[derive(Clone, Debug)]
pub struct StaffCaller {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// `None`: school-wide (学校).
    pub college_id: Option<i64>,
    pub college_name: Option<String>,
    pub must_change_password: bool,
}

impl StaffCaller {
    pub fn actor(&self) -> String {
        format!("staff:{}", self.username)
    }
}

impl StudentCaller {
    pub fn actor(&self) -> String {
        format!("student:{}", self.student_no)
    }
}

#[derive(Clone, Debug)]
pub enum Caller {
    Student(StudentCaller),
    Staff(StaffCaller),
}

/// Who is calling, from the session cookie; `None` when not logged in (or the session ended).
pub async fn caller() -> Result<Option<Caller>, AppError> {
    let state = AppState::current()?;
    match request_parts() {
        Some(parts) => caller_for(&state, &parts).await,
        None => Ok(None),
    }
}

/// Who sent `parts` (for plain axum handlers such as downloads, outside server functions).
pub async fn caller_for(state: &AppState, parts: &Parts) -> Result<Option<Caller>, AppError> {
    let Some(token) = session_token(parts) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let Some(session) = accounts::find_session(&state.pool, &hash).await? else {
        return Ok(None);
    };
    let now = chrono::Utc::now();
    let parse = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&chrono::Utc))
            .ok()
    };
    let (Some(expires), Some(last_seen)) =
        (parse(&session.expires_at), parse(&session.last_seen_at))
    else {
        return Ok(None);
    };
    if expires <= now
        || last_seen + chrono::Duration::minutes(state.config.session_idle_minutes) <= now
    {
        accounts::delete_session(&state.pool, &hash).await?;
        return Ok(None);
    }
    // Refresh the idle clock at most once a minute: fewer writes on busy days.
    if now - last_seen > chrono::Duration::seconds(60) {
        accounts::touch_session(&state.pool, &hash).await?;
    }
    Ok(match session.owner() {
        Some(SessionOwner::Student(id)) => {
            students::account_by_id(&state.pool, id).await?.map(|a| {
                Caller::Student(StudentCaller {
                    id: a.id,
                    student_no: a.student_no,
                    name: a.name,
                    must_change_password: a.must_change_password,
                })
            })
        }
        Some(SessionOwner::Staff(id)) => accounts::staff_by_id(&state.pool, id).await?.map(|s| {
            Caller::Staff(StaffCaller {
                id: s.id,
                username: s.username,
                display_name: s.display_name,
                college_id: s.college_id,
                college_name: s.college_name,
                must_change_password: s.must_change_password,
            })
        }),
        None => None,
    })
}

/// Writes an event of the current request (with its client address) to the audit log.
pub async fn log_event(
    actor: &str,
    action: &str,
    student_id: Option<i64>,
    detail: Option<&str>,
) -> Result<(), AppError> {
    let state = AppState::current()?;
    let addr = client_addr();
    audit::record(
        &state.pool,
        audit::Entry {
            actor,
            action,
            student_id,
            detail,
            client_addr: addr.as_deref(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

/// Logs a refused authorization in the security log and returns `Forbidden`.
pub async fn refuse(actor: &str, student_id: Option<i64>, detail: &str) -> AppError {
    match log_event(actor, "forbidden", student_id, Some(detail)).await {
        Ok(()) => AppError::Forbidden,
        Err(e) => e,
    }
}

fn caller_actor(caller: &Caller) -> String {
    match caller {
        Caller::Student(s) => s.actor(),
        Caller::Staff(s) => s.actor(),
    }
}

/// Any logged-in account, also one that still has to change its password.
pub async fn require_account() -> Result<Caller, AppError> {
    caller().await?.ok_or(AppError::Unauthenticated)
}

/// A student who may use the system (their password is not waiting for a forced change).
pub async fn require_student() -> Result<StudentCaller, AppError> {
    match caller().await? {
        Some(Caller::Student(s)) if s.must_change_password => Err(AppError::PasswordChangeRequired),
        Some(Caller::Student(s)) => Ok(s),
        Some(other) => Err(refuse(&caller_actor(&other), None, "学生功能").await),
        None => Err(AppError::Unauthenticated),
    }
}

pub async fn require_staff() -> Result<StaffCaller, AppError> {
    match caller().await? {
        Some(Caller::Staff(s)) if s.must_change_password => Err(AppError::PasswordChangeRequired),
        Some(Caller::Staff(s)) => Ok(s),
        Some(other) => Err(refuse(&caller_actor(&other), None, "教师功能").await),
        None => Err(AppError::Unauthenticated),
    }
}

/// Staff of 学校 (school-wide).
pub async fn require_school_staff() -> Result<StaffCaller, AppError> {
    let staff = require_staff().await?;
    if staff.college_id.is_some() {
        return Err(refuse(&staff.actor(), None, "仅限学校管理员").await);
    }
    Ok(staff)
}

/// The hash of the caller's session token (to keep that session when others are ended).
pub fn current_session_hash() -> Option<String> {
    request_parts()
        .as_ref()
        .and_then(session_token)
        .map(|t| token_hash(&t))
}

/// Ends the caller's current session (if any) and starts a new one for `owner`:
/// the session id always changes at login. `keep`: the cookie outlives the browser (在本设备上
/// 保持登录), up to the session's absolute lifetime.
async fn start_session(state: &AppState, owner: SessionOwner, keep: bool) -> Result<(), AppError> {
    if let Some(old) = request_parts().as_ref().and_then(session_token) {
        accounts::delete_session(&state.pool, &token_hash(&old)).await?;
    }
    accounts::purge_expired_sessions(&state.pool).await?;
    let token = new_token();
    let max_age = chrono::Duration::hours(state.config.session_max_hours);
    let expires = (chrono::Utc::now() + max_age).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    accounts::create_session(&state.pool, &token_hash(&token), owner, &expires).await?;
    set_cookie(session_cookie(
        &state.config,
        &token,
        keep.then(|| max_age.num_seconds()),
    ));
    Ok(())
}

const WRONG_CREDENTIALS: &str = "账号或密码错误";

fn require_present(field: &str, value: &str, message: &str) -> Result<(), AppError> {
    if value.trim().is_empty() {
        Err(AppError::field(field, message))
    } else {
        Ok(())
    }
}

/// Refuses (naming the field) any value over its length limit, before anything is stored.
pub fn within_limits(values: &[(limits::Limit, &str)]) -> Result<(), AppError> {
    let errors = limits::check_all(values);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// What a login attempt needs to know about the account it names (if it exists).
struct LoginTarget {
    kind: AccountKind,
    login: String,
    account: Option<(i64, Option<i64>)>, // (id, student id for the log)
    stored_hash: Option<String>,
    default_password: Option<String>,
    must_change_password: bool,
    /// 在本设备上保持登录 was ticked.
    keep_signed_in: bool,
}

/// The lock message: who to ask depends on the kind of account.
fn locked_message(kind: AccountKind, threshold: i64) -> String {
    match kind {
        AccountKind::Student => format!(
            "账号已锁定（在当前网络）：密码连续输错 {threshold} 次。请联系所在学院的辅导员（学院管理员）解锁，\
             或使用“忘记密码”通过已绑定的邮箱重设密码。"
        ),
        AccountKind::Staff => format!(
            "账号已锁定（在当前网络）：密码连续输错 {threshold} 次。请联系招生就业处（学校管理员）解锁。"
        ),
    }
}

/// The common part of both logins: the brakes (see `throttle`), the pair's lock, the password
/// check, counters, audit, session. Returns whether the account must change its password now.
async fn attempt_login(
    state: &AppState,
    target: LoginTarget,
    password: &str,
) -> Result<bool, AppError> {
    let addr = client_addr().unwrap_or_else(|| "unknown".to_string());
    let actor = format!("{}:{}", target.kind.as_str(), target.login);
    let threshold = state.config.lockout_threshold;
    let student_id = target.account.and_then(|(_, student)| student);
    let log = |action: &'static str, detail: Option<String>| {
        let actor = actor.clone();
        let addr = addr.clone();
        let pool = state.pool.clone();
        async move {
            audit::record(
                &pool,
                audit::Entry {
                    actor: &actor,
                    action,
                    student_id,
                    detail: detail.as_deref(),
                    client_addr: Some(&addr),
                    ..Default::default()
                },
            )
            .await
        }
    };
    // Too many failures lately (this account from anywhere, or anything from this address):
    // refused before a hash is spent, and not counted as a failure.
    throttle::check_password_attempt(state, target.kind, &target.login, &addr).await?;
    // The lock belongs to this (account, address) pair; unknown names are locked alike, so the
    // answer does not tell whether an account exists.
    let locked =
        security::pair_failures(&state.pool, target.kind, &target.login, &addr).await? >= threshold;
    // Always one argon2 verification, so a locked or unknown account answers as slowly.
    let ok = verify_password(
        target.stored_hash.clone(),
        target.default_password.clone(),
        password.to_string(),
    )
    .await?;
    if locked {
        log("login_refused_locked", None).await?;
        return Err(AppError::Locked(locked_message(target.kind, threshold)));
    }
    match target.account {
        Some((id, _)) if ok => {
            security::reset_counters(&state.pool, target.kind, id, &target.login, &addr).await?;
            let owner = match target.kind {
                AccountKind::Student => SessionOwner::Student(id),
                AccountKind::Staff => SessionOwner::Staff(id),
            };
            start_session(state, owner, target.keep_signed_in).await?;
            log("login", None).await?;
            Ok(target.must_change_password)
        }
        account => {
            let failures =
                security::record_failure(&state.pool, target.kind, &target.login, &addr).await?;
            throttle::note_password_failure(
                state,
                &throttle::Failure {
                    kind: target.kind,
                    login: &target.login,
                    client_addr: &addr,
                    actor: &actor,
                    student_id,
                },
            )
            .await?;
            log("login_failed", Some(format!("连续第 {failures} 次"))).await?;
            if failures >= threshold {
                if let Some((id, _)) = account {
                    security::lock(&state.pool, target.kind, id, failures).await?;
                    log(
                        "account_locked",
                        Some(format!("在地址 {addr} 密码连续输错 {failures} 次")),
                    )
                    .await?;
                }
                return Err(AppError::Locked(locked_message(target.kind, threshold)));
            }
            let left = threshold - failures;
            Err(AppError::Rejected(format!(
                "{WRONG_CREDENTIALS}（再错 {left} 次账号将在当前网络被锁定）"
            )))
        }
    }
}

/// Student login; `Ok(true)` when the student must change the password before going on.
/// `keep_signed_in`: the cookie outlives the browser (the student ticked 在本设备上保持登录).
pub async fn login_student(
    student_no: &str,
    password: &str,
    keep_signed_in: bool,
) -> Result<bool, AppError> {
    let state = AppState::current()?;
    let student_no = student_no.trim();
    require_present("student_no", student_no, "请输入学号")?;
    require_present("password", password, "请输入密码")?;
    within_limits(&[
        (limits::STUDENT_NO, student_no),
        (limits::PASSWORD, password),
    ])?;
    let account = students::account_by_student_no(&state.pool, student_no).await?;
    let target = LoginTarget {
        kind: AccountKind::Student,
        login: student_no.to_string(),
        account: account.as_ref().map(|a| (a.id, Some(a.id))),
        stored_hash: account.as_ref().and_then(|a| a.password_hash.clone()),
        default_password: account.as_ref().and_then(|a| {
            crate::domain::identity::IdNumber::parse(&a.id_number)
                .ok()
                .map(|id| id.default_password())
        }),
        must_change_password: account.as_ref().is_some_and(|a| a.must_change_password),
        keep_signed_in,
    };
    attempt_login(&state, target, password).await
}

/// Staff login (the cookie always ends with the browser); `Ok(true)` when the password must be changed first.
pub async fn login_staff(username: &str, password: &str) -> Result<bool, AppError> {
    let state = AppState::current()?;
    let username = username.trim();
    require_present("username", username, "请输入用户名")?;
    require_present("password", password, "请输入密码")?;
    within_limits(&[(limits::USERNAME, username), (limits::PASSWORD, password)])?;
    let account = accounts::staff_by_username(&state.pool, username).await?;
    let target = LoginTarget {
        kind: AccountKind::Staff,
        login: username.to_string(),
        account: account.as_ref().map(|a| (a.id, None)),
        stored_hash: account.as_ref().map(|a| a.password_hash.clone()),
        default_password: None,
        must_change_password: account.as_ref().is_some_and(|a| a.must_change_password),
        keep_signed_in: false,
    };
    attempt_login(&state, target, password).await
}

/// Ends the current session and clears the cookie; harmless without one.
pub async fn logout() -> Result<(), AppError> {
    let state = AppState::current()?;
    if let Some(who) = caller().await? {
        let addr = client_addr();
        audit::record(
            &state.pool,
            audit::Entry {
                actor: &caller_actor(&who),
                action: "logout",
                client_addr: addr.as_deref(),
                ..Default::default()
            },
        )
        .await?;
    }
    if let Some(token) = request_parts().as_ref().and_then(session_token) {
        accounts::delete_session(&state.pool, &token_hash(&token)).await?;
    }
    set_cookie(session_cookie(&state.config, "", Some(0)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_is_sha256_hex() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_token());
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
