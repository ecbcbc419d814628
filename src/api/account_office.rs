//! The staff back office for accounts (账号管理 and 安全日志): locked accounts and the brakes on
//! guessing, unlocking, resets to the default password, and the security log.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// A student account as the back office lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub class_name: String,
    pub locked_at: Option<String>,
    pub must_change_password: bool,
    /// The addresses the account is locked from (the lock belongs to the account and address).
    pub locked_from: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LockedStaff {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub college: String,
    pub locked_at: String,
}

/// An account slowed down by the account-wide brake (many wrong passwords from any addresses).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlowedAccount {
    /// `student:2019010001` or `staff:zhang`.
    pub account: String,
    pub failures: i64,
    pub last_at: String,
}

/// An address held by the per-address brake (many wrong passwords over many accounts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LimitedAddress {
    pub client_addr: String,
    pub failures: i64,
    pub last_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountOffice {
    /// 学院 name, or `None` for 学校 staff.
    pub college: Option<String>,
    pub locked: Vec<AccountRow>,
    /// Accounts of the caller's scope whose logins are slowed down right now.
    pub slowed: Vec<SlowedAccount>,
    /// Addresses whose logins are paused right now (学校 only).
    pub limited_addresses: Vec<LimitedAddress>,
    /// Locked staff accounts (学校 only).
    pub locked_staff: Vec<LockedStaff>,
    /// Classes the caller may reset as a whole: (id, "专业 · 班级").
    pub classes: Vec<(i64, String)>,
}

#[server(prefix = "/api", endpoint = "load_account_office")]
pub async fn load_account_office() -> Result<AccountOffice, AppError> {
    ssr::office().await
}

/// Unlocks the given student accounts (all must be in the caller's scope).
#[server(prefix = "/api", endpoint = "unlock_students", input = Json)]
pub async fn unlock_students(ids: Vec<i64>) -> Result<usize, AppError> {
    ssr::unlock(ids).await
}

/// Unlocks a staff account (学校 only).
#[server(prefix = "/api", endpoint = "unlock_staff")]
pub async fn unlock_staff(id: i64) -> Result<(), AppError> {
    ssr::unlock_staff_account(id).await
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResetOutcome {
    /// 学号 and 姓名 of every student reset.
    pub reset: Vec<(String, String)>,
    /// 学号 that are not (or not in the caller's college).
    pub not_found: Vec<String>,
}

/// Resets to the default password (forcing a change at the next login): a whole class
/// (`class_id`), or the 学号 listed in `student_nos` (separated by spaces, commas or lines).
#[server(prefix = "/api", endpoint = "reset_passwords", input = Json)]
pub async fn reset_passwords(
    class_id: Option<i64>,
    student_nos: String,
) -> Result<ResetOutcome, AppError> {
    ssr::reset(class_id, student_nos).await
}

/// The 学号 in a pasted list: split on whitespace, commas and the Chinese separators.
pub fn split_student_nos(text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    for no in text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !seen.iter().any(|s: &String| s == no) {
            seen.push(no.to_string());
        }
    }
    seen
}

/// The security log's filter, as in the page's URL query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogQuery {
    pub action: String,
    pub actor: String,
    pub addr: String,
    pub from: String,
    pub to: String,
    pub page: i64,
}

impl LogQuery {
    pub fn parse(query: &str) -> Self {
        let mut q = LogQuery::default();
        for pair in query.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = crate::api::review::percent_decode(value).trim().to_string();
            match key {
                "action" => q.action = value,
                "actor" => q.actor = value,
                "addr" => q.addr = value,
                "from" => q.from = value,
                "to" => q.to = value,
                "page" => q.page = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        q
    }

    pub fn to_query(&self, page: Option<i64>) -> String {
        let mut parts = Vec::new();
        for (key, value) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("addr", &self.addr),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !value.is_empty() {
                parts.push(format!(
                    "{key}={}",
                    crate::api::review::percent_encode(value)
                ));
            }
        }
        if let Some(page) = page.filter(|p| *p > 0) {
            parts.push(format!("page={page}"));
        }
        parts.join("&")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub action_label: String,
    pub detail: String,
    pub client_addr: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityLog {
    pub entries: Vec<LogEntry>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    /// (action, label) for the filter.
    pub actions: Vec<(String, String)>,
}

/// The security log (学校 only).
#[server(prefix = "/api", endpoint = "browse_security_log")]
pub async fn browse_security_log(query: String) -> Result<SecurityLog, AppError> {
    ssr::browse(LogQuery::parse(&query)).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::limits;
    use crate::server::AppState;
    use crate::server::auth::{
        client_addr, log_event, refuse, require_school_staff, require_staff, within_limits,
    };
    use crate::server::db::security::{self, AccountKind};
    use crate::server::db::{accounts, audit, begin_write, review, students};
    use crate::server::throttle;

    fn account_row(r: security::StudentAccountRow, locks: &[(String, String)]) -> AccountRow {
        AccountRow {
            locked_from: locks
                .iter()
                .filter(|(login, _)| *login == r.student_no)
                .map(|(_, addr)| addr.clone())
                .collect(),
            id: r.id,
            student_no: r.student_no,
            name: r.name,
            college: r.college_name,
            class_name: r.class_name,
            locked_at: r.locked_at,
            must_change_password: r.must_change_password,
        }
    }

    pub async fn office() -> Result<AccountOffice, AppError> {
        let staff = require_staff().await?;
        let state = AppState::current()?;
        let threshold = state.config.lockout_threshold;
        let locks =
            security::locked_addresses(&state.pool, AccountKind::Student, threshold).await?;
        let locked: Vec<AccountRow> = security::locked_students(&state.pool, staff.college_id)
            .await?
            .into_iter()
            .map(|r| account_row(r, &locks))
            .collect();
        // A college sees its own students' brakes; 学校 every account and the addresses.
        let brakes = throttle::current_brakes(&state, staff.college_id).await?;
        let slowed = brakes
            .accounts
            .into_iter()
            .map(|(kind, login, failures, last_at)| SlowedAccount {
                account: format!("{kind}:{login}"),
                failures,
                last_at,
            })
            .collect();
        let limited_addresses = if staff.college_id.is_none() {
            brakes
                .addresses
                .into_iter()
                .map(|(client_addr, failures, last_at)| LimitedAddress {
                    client_addr,
                    failures,
                    last_at,
                })
                .collect()
        } else {
            Vec::new()
        };
        let locked_staff = if staff.college_id.is_none() {
            accounts::locked_staff(&state.pool)
                .await?
                .into_iter()
                .map(|a| LockedStaff {
                    id: a.id,
                    username: a.username,
                    display_name: a.display_name,
                    college: a.college_name.unwrap_or_else(|| "学校".to_string()),
                    locked_at: a.locked_at.unwrap_or_default(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let (majors, classes) = review::majors_and_classes(&state.pool, staff.college_id).await?;
        let classes = classes
            .into_iter()
            .map(|(id, major, name)| {
                let major = majors
                    .iter()
                    .find(|(m, _)| *m == major)
                    .map(|(_, label)| label.as_str())
                    .unwrap_or("");
                (id, format!("{major} · {name}"))
            })
            .collect();
        Ok(AccountOffice {
            college: staff.college_name,
            locked,
            slowed,
            limited_addresses,
            locked_staff,
            classes,
        })
    }

    pub async fn unlock(ids: Vec<i64>) -> Result<usize, AppError> {
        let staff = require_staff().await?;
        let state = AppState::current()?;
        if ids.is_empty() {
            return Err(AppError::Rejected("请先选择要解锁的账号".to_string()));
        }
        let mut targets = Vec::new();
        for id in &ids {
            let Some(account) = students::account_by_id(&state.pool, *id).await? else {
                return Err(AppError::NotFound);
            };
            if staff.college_id.is_some() && account.college_id != staff.college_id {
                return Err(refuse(&staff.actor(), Some(*id), "解锁另一学院的学生账号").await);
            }
            targets.push((account.id, account.student_no));
        }
        let mut tx = begin_write(&state.pool).await?;
        security::unlock_students(&mut tx, &targets).await?;
        tx.commit().await?;
        for (id, _) in &targets {
            log_event(&staff.actor(), "account_unlocked", Some(*id), None).await?;
        }
        Ok(targets.len())
    }

    pub async fn unlock_staff_account(id: i64) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        let Some(username) = accounts::unlock_staff(&state.pool, id).await? else {
            return Err(AppError::NotFound);
        };
        security::clear_failures(&state.pool, AccountKind::Staff, &username).await?;
        security::forget_failures(&state.pool, AccountKind::Staff, &username).await?;
        log_event(
            &staff.actor(),
            "account_unlocked",
            None,
            Some(&format!("教师账号 {username}")),
        )
        .await
    }

    pub async fn reset(
        class_id: Option<i64>,
        student_nos: String,
    ) -> Result<ResetOutcome, AppError> {
        let staff = require_staff().await?;
        let state = AppState::current()?;
        within_limits(&[(limits::STUDENT_NO_LIST, &student_nos)])?;
        let wanted = split_student_nos(&student_nos);
        if class_id.is_none() && wanted.is_empty() {
            return Err(AppError::field("student_nos", "请填写学号，或选择一个班级"));
        }
        if wanted.len() > 5000 {
            return Err(AppError::field("student_nos", "一次最多重置 5000 个账号"));
        }
        let rows =
            security::students_for_reset(&state.pool, staff.college_id, class_id, &wanted).await?;
        if class_id.is_some() && rows.is_empty() {
            return Err(AppError::field(
                "class_id",
                "该班级没有可重置的学生（或不属于本学院）",
            ));
        }
        let not_found = wanted
            .iter()
            .filter(|no| class_id.is_none() && !rows.iter().any(|r| &r.student_no == *no))
            .cloned()
            .collect::<Vec<_>>();
        let targets: Vec<(i64, String)> =
            rows.iter().map(|r| (r.id, r.student_no.clone())).collect();
        let mut tx = begin_write(&state.pool).await?;
        security::reset_students(&mut tx, &targets).await?;
        for (id, _) in &targets {
            let addr = client_addr();
            audit::record(
                &mut *tx,
                audit::Entry {
                    actor: &staff.actor(),
                    action: "password_reset",
                    student_id: Some(*id),
                    client_addr: addr.as_deref(),
                    ..Default::default()
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ResetOutcome {
            reset: rows.into_iter().map(|r| (r.student_no, r.name)).collect(),
            not_found,
        })
    }

    pub fn filter_of(query: &LogQuery) -> security::LogFilter {
        security::LogFilter {
            action: query.action.clone(),
            actor: query.actor.clone(),
            client_addr: query.addr.clone(),
            from: query.from.clone(),
            to: query.to.clone(),
            page: query.page,
        }
    }

    pub fn entry_of(row: security::LogRow) -> LogEntry {
        LogEntry {
            action_label: security::action_label(&row.action).to_string(),
            at: row.at,
            actor: row.actor,
            action: row.action,
            detail: row.detail.unwrap_or_default(),
            client_addr: row.client_addr.unwrap_or_default(),
        }
    }

    pub async fn browse(query: LogQuery) -> Result<SecurityLog, AppError> {
        require_school_staff().await?;
        let state = AppState::current()?;
        let (rows, total) = security::security_log(&state.pool, &filter_of(&query), None).await?;
        Ok(SecurityLog {
            entries: rows.into_iter().map(entry_of).collect(),
            total,
            page: query.page.max(0),
            page_size: security::LOG_PAGE_SIZE,
            actions: security::SECURITY_ACTIONS
                .iter()
                .map(|(a, l)| (a.to_string(), l.to_string()))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_student_numbers_are_split_and_deduplicated() {
        assert_eq!(
            split_student_nos("2019001, 2019002，2019003\n2019001、 2019004;2019005"),
            vec!["2019001", "2019002", "2019003", "2019004", "2019005"]
        );
        assert!(split_student_nos(" \n ,").is_empty());
    }

    #[test]
    fn log_query_round_trips_through_the_url() {
        let q = LogQuery {
            action: "login_failed".into(),
            actor: "student:2019".into(),
            addr: "10.0.0.1".into(),
            from: "2023-05-01".into(),
            to: String::new(),
            page: 2,
        };
        assert_eq!(LogQuery::parse(&q.to_query(Some(2))), q);
    }
}
