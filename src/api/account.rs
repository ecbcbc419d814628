//! Passwords and account recovery: a user's own password and recovery e-mail, forgotten
//! passwords, and the staff back office (locked accounts, resets, the security log).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the 账号安全 page shows about the caller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecuritySettings {
    pub login: String,
    pub is_student: bool,
    /// A reset (or someone else) set the password: it must be changed before anything else.
    pub must_change_password: bool,
    /// The bound recovery address, partly masked.
    pub recovery_email: Option<String>,
    /// Still the initial password (a student's: the last six of the 身份证号). The password
    /// itself is never sent: the server refuses it as a new password.
    pub on_default_password: bool,
    /// A new recovery address waiting for its code (masked).
    pub pending_email: Option<String>,
}

#[server(prefix = "/api", endpoint = "load_security_settings")]
pub async fn load_security_settings() -> Result<SecuritySettings, AppError> {
    ssr::settings().await
}

/// Changes the caller's own password (the current one is required). Other sessions of the
/// account end; this one stays.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    ssr::change(current_password, new_password, confirm_password).await
}

/// What binding a recovery address led to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum BindOutcome {
    /// A code went to the new address (masked); the address is bound once it comes back.
    CodeSent(String),
    /// The address was removed.
    Unbound,
}

/// Step 1 of binding a recovery address (the current password is required): a code goes to the
/// new address. With an empty address, unbinds at once. The old address hears of either.
#[server(prefix = "/api", endpoint = "bind_recovery_email")]
pub async fn bind_recovery_email(email: String, password: String) -> Result<BindOutcome, AppError> {
    ssr::bind_email(email, password).await
}

/// Step 2: the code from the new address binds it.
#[server(prefix = "/api", endpoint = "confirm_recovery_email")]
pub async fn confirm_recovery_email(code: String) -> Result<String, AppError> {
    ssr::confirm_email(code).await
}

/// The same answer whether or not the account exists or has an address bound.
pub const RECOVERY_SENT: &str = "如果该学号已绑定找回密码邮箱，验证码已发送到该邮箱，15 分钟内有效。\
     没有绑定邮箱的同学请联系所在学院辅导员重置密码。";

/// The answer when no mail server is configured: no code reaches a real address.
pub const RECOVERY_NO_MAIL: &str = "本系统尚未配置邮件服务，验证码无法发送到邮箱。\
     请联系所在学院辅导员重置密码。";

/// Step 1 of 忘记密码: sends a one-time code to the student's bound address (if any).
#[server(prefix = "/api", endpoint = "forgot_password")]
pub async fn forgot_password(student_no: String) -> Result<String, AppError> {
    ssr::forgot(student_no).await
}

/// Step 2 of 忘记密码: the code and a new password.
#[server(prefix = "/api", endpoint = "recover_password")]
pub async fn recover_password(
    student_no: String,
    code: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    ssr::recover(student_no, code, new_password, confirm_password).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::FieldErrors;
    use crate::domain::identity::IdNumber;
    use crate::domain::limits;
    use crate::domain::password::{PasswordContext, check_new_password};
    use crate::server::AppState;
    use crate::server::auth::{
        Caller, client_addr, current_session_hash, hash_password, log_event, require_account,
        verify_password, within_limits,
    };
    use crate::server::db::security::{self, AccountKind};
    use crate::server::db::{accounts, begin_write, students};
    use crate::server::throttle;

    /// Codes a recovery (or a new address) may be tried with before it is spent.
    const MAX_CODE_ATTEMPTS: i64 = 5;
    /// Recovery codes: at least this long apart, at most so many a day per account.
    const CODE_INTERVAL_SECS: i64 = 60;
    const CODES_PER_DAY: i64 = 5;

    fn mask_email(email: &str) -> String {
        match email.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(2).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_string(),
        }
    }

    pub async fn settings() -> Result<SecuritySettings, AppError> {
        let state = AppState::current()?;
        Ok(match require_account().await? {
            Caller::Student(s) => {
                let account = students::account_by_id(&state.pool, s.id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                let pending = security::email_claim(&state.pool, s.id)
                    .await?
                    .filter(|c| !expired(&c.expires_at))
                    .map(|c| mask_email(&c.email));
                SecuritySettings {
                    login: account.student_no,
                    is_student: true,
                    must_change_password: account.must_change_password,
                    recovery_email: account.recovery_email.as_deref().map(mask_email),
                    on_default_password: account.password_hash.is_none(),
                    pending_email: pending,
                }
            }
            Caller::Staff(s) => SecuritySettings {
                login: s.username,
                is_student: false,
                must_change_password: s.must_change_password,
                recovery_email: None,
                on_default_password: false,
                pending_email: None,
            },
        })
    }

    /// The stored hash and the rules' context of the caller's account.
    struct Own {
        kind: AccountKind,
        id: i64,
        student_id: Option<i64>,
        actor: String,
        login: String,
        name: String,
        stored: Option<String>,
        id_number: Option<String>,
        default_password: Option<String>,
        recovery_email: Option<String>,
    }

    async fn own_account(state: &AppState) -> Result<Own, AppError> {
        Ok(match require_account().await? {
            Caller::Student(s) => {
                let a = students::account_by_id(&state.pool, s.id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                let default_password = IdNumber::parse(&a.id_number)
                    .ok()
                    .map(|id| id.default_password());
                Own {
                    kind: AccountKind::Student,
                    id: a.id,
                    student_id: Some(a.id),
                    actor: s.actor(),
                    login: a.student_no,
                    name: a.name,
                    stored: a.password_hash,
                    id_number: Some(a.id_number),
                    default_password,
                    recovery_email: a.recovery_email,
                }
            }
            Caller::Staff(s) => {
                let a = accounts::staff_by_id(&state.pool, s.id)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                Own {
                    kind: AccountKind::Staff,
                    id: a.id,
                    student_id: None,
                    actor: s.actor(),
                    login: a.username,
                    name: a.display_name,
                    stored: Some(a.password_hash),
                    id_number: None,
                    default_password: None,
                    recovery_email: None,
                }
            }
        })
    }

    fn check_rules(own: &Own, new: &str, confirm: &str) -> Result<(), AppError> {
        let ctx = PasswordContext {
            login: &own.login,
            default_password: own.default_password.as_deref(),
            id_number: own.id_number.as_deref(),
        };
        let errors = check_new_password(new, confirm, &ctx);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// Asks the account's current password the way a login does: slowed down with the same
    /// brakes, every wrong answer counted and logged as `refused_action`.
    async fn check_current_password(
        state: &AppState,
        own: &Own,
        field: &str,
        password: String,
        refused_action: &str,
    ) -> Result<(), AppError> {
        let addr = client_addr().unwrap_or_else(|| "unknown".to_string());
        throttle::check_password_attempt(state, own.kind, &own.login, &addr).await?;
        if verify_password(own.stored.clone(), own.default_password.clone(), password).await? {
            return Ok(());
        }
        throttle::note_password_failure(
            state,
            &throttle::Failure {
                kind: own.kind,
                login: &own.login,
                client_addr: &addr,
                actor: &own.actor,
                student_id: own.student_id,
            },
        )
        .await?;
        log_event(
            &own.actor,
            refused_action,
            own.student_id,
            Some("当前密码错误"),
        )
        .await?;
        Err(AppError::field(field, "当前密码不正确"))
    }

    pub async fn change(current: String, new: String, confirm: String) -> Result<(), AppError> {
        let state = AppState::current()?;
        let own = own_account(&state).await?;
        within_limits(&[
            (limits::CURRENT_PASSWORD, &current),
            (limits::NEW_PASSWORD, &new),
            (limits::CONFIRM_PASSWORD, &confirm),
        ])?;
        if current.is_empty() {
            return Err(AppError::field("current_password", "请输入当前密码"));
        }
        check_rules(&own, &new, &confirm)?;
        check_current_password(
            &state,
            &own,
            "current_password",
            current,
            "password_change_refused",
        )
        .await?;
        let hash = hash_password(new).await?;
        let mut tx = begin_write(&state.pool).await?;
        security::set_password(
            &mut tx,
            own.kind,
            own.id,
            &hash,
            current_session_hash().as_deref(),
        )
        .await?;
        tx.commit().await?;
        log_event(&own.actor, "password_changed", own.student_id, None).await
    }

    fn expired(expires_at: &str) -> bool {
        chrono::DateTime::parse_from_rfc3339(expires_at)
            .map(|e| e <= chrono::Utc::now())
            .unwrap_or(true)
    }

    fn new_code() -> String {
        format!("{:06}", rand::random_range(0..1_000_000u32))
    }

    fn code_expiry(state: &AppState) -> String {
        (chrono::Utc::now() + chrono::Duration::minutes(state.config.reset_code_minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// Tells the old recovery address that it no longer is one (best effort: logged if not sent).
    async fn announce_to_old_address(state: &AppState, own: &Own, old: &str, what: &str) {
        let body = format!(
            "{name}：\n\n你在“毕业生生源信息采集核对”系统（账号 {login}）的找回密码邮箱{what}。\n\
             如果不是你本人操作，请立即修改密码，并告知所在学院辅导员。\n",
            name = own.name,
            login = own.login,
        );
        let mail = crate::server::mail::Mail {
            to: old,
            subject: "找回密码邮箱已更改",
            body,
        };
        if let Err(e) = crate::server::mail::send(&state.config, mail).await {
            tracing::error!(error = %e, "notice to the old recovery address not sent");
        }
    }

    pub async fn bind_email(email: String, password: String) -> Result<BindOutcome, AppError> {
        let state = AppState::current()?;
        let own = own_account(&state).await?;
        let Some(student_id) = own.student_id else {
            return Err(AppError::Rejected(
                "教师账号忘记密码请联系招生就业处".to_string(),
            ));
        };
        within_limits(&[(limits::EMAIL, email.trim()), (limits::PASSWORD, &password)])?;
        let email = email.trim();
        let address = if email.is_empty() {
            None
        } else {
            Some(
                crate::domain::contact::parse_email(email)
                    .map_err(|m| AppError::field("email", m))?,
            )
        };
        if password.is_empty() {
            return Err(AppError::field("password", "请输入当前密码"));
        }
        check_current_password(&state, &own, "password", password, "recovery_email_refused")
            .await?;
        let Some(address) = address else {
            security::set_recovery_email(&state.pool, student_id, None).await?;
            security::drop_email_claim(&state.pool, student_id).await?;
            if let Some(old) = &own.recovery_email {
                announce_to_old_address(&state, &own, old, "已被解除绑定").await;
            }
            log_event(
                &own.actor,
                "recovery_email_bound",
                Some(student_id),
                Some("解除绑定"),
            )
            .await?;
            return Ok(BindOutcome::Unbound);
        };
        let code = new_code();
        security::create_email_claim(
            &state.pool,
            student_id,
            &address,
            &code_hash(student_id, &code),
            &code_expiry(&state),
        )
        .await?;
        let body = format!(
            "{name}：\n\n你正在把本邮箱绑定为“毕业生生源信息采集核对”系统（学号 {no}）的找回密码邮箱。\n\
             验证码：{code}\n验证码 {minutes} 分钟内有效。\n\n如果不是你本人操作，请忽略本邮件。\n",
            name = own.name,
            no = own.login,
            minutes = state.config.reset_code_minutes,
        );
        let (sent, detail) = send_code(&state, &address, "绑定找回密码邮箱验证码", body).await;
        let masked = mask_email(&address);
        log_event(
            &own.actor,
            "recovery_email_requested",
            Some(student_id),
            Some(&detail),
        )
        .await?;
        if !sent {
            return Err(AppError::Rejected(
                "验证码邮件发送失败，请稍后再试".to_string(),
            ));
        }
        Ok(BindOutcome::CodeSent(masked))
    }

    pub async fn confirm_email(code: String) -> Result<String, AppError> {
        let state = AppState::current()?;
        let own = own_account(&state).await?;
        let Some(student_id) = own.student_id else {
            return Err(AppError::Forbidden);
        };
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AppError::field("code", "请输入邮件中的 6 位数字验证码"));
        }
        let claim = security::email_claim(&state.pool, student_id)
            .await?
            .filter(|c| !expired(&c.expires_at) && c.attempts < MAX_CODE_ATTEMPTS);
        let Some(claim) = claim else {
            return Err(AppError::field("code", "验证码已失效，请重新获取"));
        };
        if code_hash(student_id, code) != claim.code_hash {
            security::wrong_email_claim(&state.pool, student_id, MAX_CODE_ATTEMPTS).await?;
            log_event(
                &own.actor,
                "recovery_email_refused",
                Some(student_id),
                Some("验证码错误"),
            )
            .await?;
            return Err(AppError::field("code", BAD_CODE));
        }
        security::drop_email_claim(&state.pool, student_id).await?;
        security::set_recovery_email(&state.pool, student_id, Some(&claim.email)).await?;
        let masked = mask_email(&claim.email);
        if let Some(old) = own
            .recovery_email
            .as_deref()
            .filter(|old| *old != claim.email)
        {
            announce_to_old_address(&state, &own, old, &format!("已更改为 {masked}")).await;
        }
        log_event(
            &own.actor,
            "recovery_email_bound",
            Some(student_id),
            Some(&masked),
        )
        .await?;
        Ok(masked)
    }

    /// Mails a code; whether it went out, and what the security log says about it.
    async fn send_code(state: &AppState, to: &str, subject: &str, body: String) -> (bool, String) {
        let mail = crate::server::mail::Mail { to, subject, body };
        match crate::server::mail::send(&state.config, mail).await {
            Ok(()) => (true, format!("验证码已发送至 {}", mask_email(to))),
            Err(e) => {
                tracing::error!(error = %e, subject, "a code e-mail was not sent");
                (false, "邮件发送失败".to_string())
            }
        }
    }

    fn code_hash(student_id: i64, code: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("{student_id}:{code}").as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// What 忘记密码 answers: the same words whether or not the account exists or has an
    /// address, and never a claim that a mail went out when no mail server is configured.
    fn recovery_answer(state: &AppState) -> String {
        if state.config.smtp_url.is_some() {
            RECOVERY_SENT.to_string()
        } else {
            RECOVERY_NO_MAIL.to_string()
        }
    }

    pub async fn forgot(student_no: String) -> Result<String, AppError> {
        let state = AppState::current()?;
        let student_no = student_no.trim();
        if student_no.is_empty() {
            return Err(AppError::field("student_no", "请输入学号"));
        }
        within_limits(&[(limits::STUDENT_NO, student_no)])?;
        let actor = format!("student:{student_no}");
        let answer = recovery_answer(&state);
        let account = students::account_by_student_no(&state.pool, student_no).await?;
        let Some(account) = account else {
            log_event(
                &actor,
                "password_recovery_requested",
                None,
                Some("学号不存在"),
            )
            .await?;
            return Ok(answer);
        };
        let Some(email) = account.recovery_email.clone() else {
            log_event(
                &actor,
                "password_recovery_requested",
                Some(account.id),
                Some("未绑定邮箱"),
            )
            .await?;
            return Ok(answer);
        };
        // Codes are limited by when they were made (not by whether they are still open, which
        // five wrong guesses end): one a minute, five a day, none once recovery is closed.
        let refusal = if throttle::wrong_codes_today(&state, student_no).await?
            >= throttle::RECOVERY_MAX_WRONG_CODES
        {
            Some("验证码错误次数过多，今日不再发送")
        } else {
            let day_ago = (chrono::Utc::now() - chrono::Duration::hours(24))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let (today, last) =
                security::codes_created_since(&state.pool, account.id, &day_ago).await?;
            let recent = last
                .as_deref()
                .and_then(|l| chrono::DateTime::parse_from_rfc3339(l).ok())
                .is_some_and(|l| {
                    chrono::Utc::now() - l.with_timezone(&chrono::Utc)
                        < chrono::Duration::seconds(CODE_INTERVAL_SECS)
                });
            if recent {
                Some("一分钟内重复申请，未重发")
            } else if today >= CODES_PER_DAY {
                Some("今日申请次数已达上限，未重发")
            } else {
                None
            }
        };
        if let Some(why) = refusal {
            log_event(
                &actor,
                "password_recovery_requested",
                Some(account.id),
                Some(why),
            )
            .await?;
            return Ok(answer);
        }
        let code = new_code();
        security::create_reset_code(
            &state.pool,
            account.id,
            &code_hash(account.id, &code),
            &code_expiry(&state),
        )
        .await?;
        let body = format!(
            "{name}同学：\n\n你正在找回“毕业生生源信息采集核对”系统的登录密码（学号 {no}）。\n\
             验证码：{code}\n验证码 {minutes} 分钟内有效，只能使用一次。\n\n\
             如果不是你本人操作，请忽略本邮件，并告知所在学院辅导员。\n",
            name = account.name,
            no = account.student_no,
            minutes = state.config.reset_code_minutes,
        );
        let (_, detail) = send_code(&state, &email, "找回密码验证码", body).await;
        log_event(
            &actor,
            "password_recovery_requested",
            Some(account.id),
            Some(&detail),
        )
        .await?;
        Ok(answer)
    }

    /// Logs and counts a wrong recovery code; the answer says whether recovery is now closed.
    async fn wrong_code(
        state: &AppState,
        failure: &throttle::Failure<'_>,
        detail: &str,
    ) -> Result<(), AppError> {
        log_event(
            failure.actor,
            "recovery_code_wrong",
            failure.student_id,
            Some(detail),
        )
        .await?;
        if throttle::note_wrong_code(state, failure).await? {
            Err(AppError::TooManyAttempts(RECOVERY_CLOSED.to_string()))
        } else {
            Err(AppError::field("code", BAD_CODE))
        }
    }

    const BAD_CODE: &str = "验证码错误或已失效，请重新获取";
    const RECOVERY_CLOSED: &str = "验证码错误次数过多，今天已不能再通过邮箱找回密码。\
         请明天再试，或联系所在学院辅导员重置密码。";

    pub async fn recover(
        student_no: String,
        code: String,
        new: String,
        confirm: String,
    ) -> Result<(), AppError> {
        let state = AppState::current()?;
        let student_no = student_no.trim();
        let code = code.trim();
        within_limits(&[
            (limits::STUDENT_NO, student_no),
            (limits::NEW_PASSWORD, &new),
            (limits::CONFIRM_PASSWORD, &confirm),
        ])?;
        let mut errors = FieldErrors::new();
        if student_no.is_empty() {
            errors.push("student_no", "请输入学号");
        }
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            errors.push("code", "请输入邮件中的 6 位数字验证码");
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let actor = format!("student:{student_no}");
        // Wrong codes count per 学号 across all its codes (also for 学号 that do not exist, so
        // the answers do not tell them apart); ten in a day close recovery until staff or the
        // next day.
        if throttle::wrong_codes_today(&state, student_no).await?
            >= throttle::RECOVERY_MAX_WRONG_CODES
        {
            return Err(AppError::TooManyAttempts(RECOVERY_CLOSED.to_string()));
        }
        let account = students::account_by_student_no(&state.pool, student_no).await?;
        let active = match &account {
            Some(a) => security::active_reset_code(&state.pool, a.id).await?,
            None => None,
        };
        let addr = client_addr().unwrap_or_else(|| "unknown".to_string());
        let failure = throttle::Failure {
            kind: AccountKind::Student,
            login: student_no,
            client_addr: &addr,
            actor: &actor,
            student_id: account.as_ref().map(|a| a.id),
        };
        let (Some(account), Some(active)) = (account.clone(), active) else {
            return wrong_code(&state, &failure, "无有效验证码").await;
        };
        let is_expired = expired(&active.expires_at);
        let hash = code_hash(account.id, code);
        if is_expired || active.attempts >= MAX_CODE_ATTEMPTS || hash != active.code_hash {
            security::wrong_reset_code(&state.pool, active.id, MAX_CODE_ATTEMPTS).await?;
            let detail = if is_expired {
                "验证码已过期"
            } else {
                "验证码错误"
            };
            return wrong_code(&state, &failure, detail).await;
        }
        let id_number = account.id_number.clone();
        let default_password = IdNumber::parse(&id_number)
            .ok()
            .map(|id| id.default_password());
        let ctx = PasswordContext {
            login: &account.student_no,
            default_password: default_password.as_deref(),
            id_number: Some(&id_number),
        };
        let errors = check_new_password(&new, &confirm, &ctx);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let new_hash = hash_password(new).await?;
        let mut tx = begin_write(&state.pool).await?;
        if !security::use_reset_code(&mut tx, active.id).await? {
            return Err(AppError::field("code", BAD_CODE));
        }
        security::set_password(&mut tx, AccountKind::Student, account.id, &new_hash, None).await?;
        security::clear_failures(&mut *tx, AccountKind::Student, &account.student_no).await?;
        security::forget_failures(&mut *tx, AccountKind::Student, &account.student_no).await?;
        tx.commit().await?;
        log_event(&actor, "password_recovered", Some(account.id), None).await
    }
}
