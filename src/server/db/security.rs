//! Wrong-password counters, locks, password resets and the security log.

use sqlx::{QueryBuilder, Sqlite, SqliteExecutor, SqlitePool};

/// Which table an account lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Student,
    Staff,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Student => "student",
            AccountKind::Staff => "staff",
        }
    }
}

/// Counts one more wrong password for (account, address); returns the new count.
pub async fn record_failure(
    pool: &SqlitePool,
    kind: AccountKind,
    login: &str,
    client_addr: &str,
) -> Result<i64, sqlx::Error> {
    let now = crate::server::now();
    sqlx::query_scalar::<Sqlite, i64>(
        "INSERT INTO login_failures (kind, login, client_addr, failures, last_at)
         VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (kind, login, client_addr)
         DO UPDATE SET failures = failures + 1, last_at = excluded.last_at
         RETURNING failures",
    )
    .bind(kind.as_str())
    .bind(login)
    .bind(client_addr)
    .bind(now)
    .fetch_one(pool)
    .await
}

pub async fn clear_failures<'e, E: SqliteExecutor<'e>>(
    executor: E,
    kind: AccountKind,
    login: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("DELETE FROM login_failures WHERE kind = $1 AND login = $2")
        .bind(kind.as_str())
        .bind(login)
        .execute(executor)
        .await?;
    Ok(())
}

/// Locks the account (idempotent: an existing lock keeps its time).
pub async fn lock(
    pool: &SqlitePool,
    kind: AccountKind,
    id: i64,
    failures: i64,
) -> Result<(), sqlx::Error> {
    let sql = match kind {
        AccountKind::Student => {
            "UPDATE students SET locked_at = COALESCE(locked_at, $2), failed_logins = $3 WHERE id = $1"
        }
        AccountKind::Staff => {
            "UPDATE staff SET locked_at = COALESCE(locked_at, $2), failed_logins = $3 WHERE id = $1"
        }
    };
    sqlx::query::<Sqlite>(sql)
        .bind(id)
        .bind(crate::server::now())
        .bind(failures)
        .execute(pool)
        .await?;
    Ok(())
}

/// A successful login from `client_addr`: that pair's count starts again; other addresses keep
/// theirs (an attacker's lock is not lifted by the owner's login).
pub async fn reset_counters(
    pool: &SqlitePool,
    kind: AccountKind,
    id: i64,
    login: &str,
    client_addr: &str,
) -> Result<(), sqlx::Error> {
    let sql = match kind {
        AccountKind::Student => {
            "UPDATE students SET failed_logins = 0 WHERE id = $1 AND failed_logins <> 0"
        }
        AccountKind::Staff => {
            "UPDATE staff SET failed_logins = 0 WHERE id = $1 AND failed_logins <> 0"
        }
    };
    sqlx::query::<Sqlite>(sql).bind(id).execute(pool).await?;
    clear_pair(pool, kind, login, client_addr).await
}

/// A locked (or otherwise listed) student account as staff see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StudentAccountRow {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub college_name: String,
    pub class_name: String,
    pub locked_at: Option<String>,
    pub must_change_password: bool,
    pub default_password: bool,
}

macro_rules! student_account_select {
    () => {
        "SELECT s.id, s.student_no, s.name, COALESCE(co.name, '') AS college_name,
                COALESCE(cl.name, '') AS class_name, s.locked_at,
                s.must_change_password <> 0 AS must_change_password,
                s.password_hash IS NULL AS default_password
         FROM students s
         LEFT JOIN colleges co ON co.id = s.college_id
         LEFT JOIN classes cl ON cl.id = s.class_id
         WHERE s.removed_at IS NULL"
    };
}

/// Locked student accounts, of one college or (for 学校) all.
pub async fn locked_students(
    pool: &SqlitePool,
    college_id: Option<i64>,
) -> Result<Vec<StudentAccountRow>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StudentAccountRow>(concat!(
        student_account_select!(),
        " AND s.locked_at IS NOT NULL AND ($1 IS NULL OR s.college_id = $1) ORDER BY s.locked_at DESC, s.student_no"
    ))
    .bind(college_id)
    .fetch_all(pool)
    .await
}

/// The students of a class, or the students with the given 学号, in the caller's scope.
pub async fn students_for_reset(
    pool: &SqlitePool,
    college_id: Option<i64>,
    class_id: Option<i64>,
    student_nos: &[String],
) -> Result<Vec<StudentAccountRow>, sqlx::Error> {
    let mut query = QueryBuilder::<Sqlite>::new(student_account_select!());
    if let Some(college) = college_id {
        query.push(" AND s.college_id = ").push_bind(college);
    }
    if let Some(class) = class_id {
        query.push(" AND s.class_id = ").push_bind(class);
    } else {
        query.push(" AND s.student_no IN (");
        let mut list = query.separated(", ");
        for no in student_nos {
            list.push_bind(no.clone());
        }
        if student_nos.is_empty() {
            list.push("NULL");
        }
        query.push(")");
    }
    query.push(" ORDER BY s.student_no");
    query
        .build_query_as::<StudentAccountRow>()
        .fetch_all(pool)
        .await
}

/// Clears the lock and counters of the students `ids` (already checked to be in scope).
pub async fn unlock_students(
    conn: &mut sqlx::SqliteConnection,
    ids: &[(i64, String)],
) -> Result<(), sqlx::Error> {
    for (id, student_no) in ids {
        sqlx::query::<Sqlite>(
            "UPDATE students SET locked_at = NULL, failed_logins = 0 WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
        clear_failures(&mut *conn, AccountKind::Student, student_no).await?;
        forget_failures(&mut *conn, AccountKind::Student, student_no).await?;
    }
    Ok(())
}

/// Back to the default password, with a change forced at the next login; also unlocks, and ends
/// the students' sessions.
pub async fn reset_students(
    conn: &mut sqlx::SqliteConnection,
    ids: &[(i64, String)],
) -> Result<(), sqlx::Error> {
    for (id, student_no) in ids {
        sqlx::query::<Sqlite>(
            "UPDATE students SET password_hash = NULL, must_change_password = 1,
                 locked_at = NULL, failed_logins = 0
             WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await?;
        sqlx::query::<Sqlite>("DELETE FROM sessions WHERE student_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        clear_failures(&mut *conn, AccountKind::Student, student_no).await?;
        forget_failures(&mut *conn, AccountKind::Student, student_no).await?;
    }
    Ok(())
}

/// Sets a new password hash (clearing any forced change and lock), and ends every session of
/// the account except `keep_session` (the one that made the change).
pub async fn set_password(
    conn: &mut sqlx::SqliteConnection,
    kind: AccountKind,
    id: i64,
    hash: &str,
    keep_session: Option<&str>,
) -> Result<(), sqlx::Error> {
    let (update, sessions) = match kind {
        AccountKind::Student => (
            "UPDATE students SET password_hash = $2, must_change_password = 0, locked_at = NULL,
                 failed_logins = 0 WHERE id = $1",
            "DELETE FROM sessions WHERE student_id = $1 AND token_hash IS NOT $2",
        ),
        AccountKind::Staff => (
            "UPDATE staff SET password_hash = $2, must_change_password = 0, locked_at = NULL,
                 failed_logins = 0 WHERE id = $1",
            "DELETE FROM sessions WHERE staff_id = $1 AND token_hash IS NOT $2",
        ),
    };
    sqlx::query::<Sqlite>(update)
        .bind(id)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query::<Sqlite>(sessions)
        .bind(id)
        .bind(keep_session)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_recovery_email(
    pool: &SqlitePool,
    student_id: i64,
    email: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("UPDATE students SET recovery_email = $2 WHERE id = $1")
        .bind(student_id)
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}

/// Stores a new one-time code (its hash), replacing any earlier unused one.
pub async fn create_reset_code(
    pool: &SqlitePool,
    student_id: i64,
    code_hash: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let now = crate::server::now();
    sqlx::query::<Sqlite>(
        "UPDATE password_resets SET used_at = $2 WHERE student_id = $1 AND used_at IS NULL",
    )
    .bind(student_id)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    sqlx::query::<Sqlite>(
        "INSERT INTO password_resets (student_id, code_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(student_id)
    .bind(code_hash)
    .bind(&now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResetCode {
    pub id: i64,
    pub code_hash: String,
    pub expires_at: String,
    pub attempts: i64,
}

/// The student's latest unused code, if any.
pub async fn active_reset_code<'e, E: SqliteExecutor<'e>>(
    executor: E,
    student_id: i64,
) -> Result<Option<ResetCode>, sqlx::Error> {
    sqlx::query_as::<Sqlite, ResetCode>(
        "SELECT id, code_hash, expires_at, attempts FROM password_resets
         WHERE student_id = $1 AND used_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(student_id)
    .fetch_optional(executor)
    .await
}

/// Counts a wrong code; at `max_attempts` the code is spent.
pub async fn wrong_reset_code(
    pool: &SqlitePool,
    id: i64,
    max_attempts: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "UPDATE password_resets SET attempts = attempts + 1,
             used_at = CASE WHEN attempts + 1 >= $2 THEN $3 ELSE used_at END
         WHERE id = $1",
    )
    .bind(id)
    .bind(max_attempts)
    .bind(crate::server::now())
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks the code used; false when someone else used it first.
pub async fn use_reset_code(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query::<Sqlite>(
        "UPDATE password_resets SET used_at = $2 WHERE id = $1 AND used_at IS NULL",
    )
    .bind(id)
    .bind(crate::server::now())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The actions the security log shows.
pub const SECURITY_ACTIONS: &[(&str, &str)] = &[
    ("login", "登录成功"),
    ("login_failed", "密码错误"),
    ("login_refused_locked", "锁定期间尝试登录"),
    ("account_locked", "账号锁定"),
    ("account_unlocked", "解锁"),
    ("password_reset", "重置为初始密码"),
    ("password_changed", "修改密码"),
    ("password_change_refused", "修改密码时当前密码错误"),
    ("password_recovery_requested", "申请找回密码"),
    ("password_recovered", "通过验证码重设密码"),
    ("recovery_code_wrong", "验证码错误"),
    ("recovery_closed", "验证码错误过多，邮箱找回暂停"),
    ("recovery_email_requested", "申请绑定找回密码邮箱"),
    ("recovery_email_refused", "绑定邮箱时当前密码或验证码错误"),
    ("recovery_email_bound", "绑定找回密码邮箱"),
    ("account_throttled", "账号密码错误过多，放慢受理"),
    ("address_throttled", "地址密码错误过多，暂停受理"),
    ("login_throttled", "尝试过于频繁被拒绝"),
    ("logout", "退出登录"),
    ("forbidden", "越权访问被拒绝"),
    ("staff_created", "新建教师账号"),
    ("staff_updated", "修改教师账号"),
    ("survey_required", "问卷开关"),
    ("first_login_change", "首次登录改密开关"),
    ("survey_changed", "修改问卷"),
    ("export", "导出或下载文件"),
    ("id_number_viewed", "查看完整身份证号"),
];

pub fn action_label(action: &str) -> &'static str {
    SECURITY_ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map(|(_, label)| *label)
        .unwrap_or("其他")
}

/// Filters of the security log; empty strings mean "any".
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub action: String,
    pub actor: String,
    pub client_addr: String,
    /// `YYYY-MM-DD`, inclusive, Beijing time.
    pub from: String,
    pub to: String,
    pub page: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LogRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
}

pub const LOG_PAGE_SIZE: i64 = 50;

/// Security entries matching `filter`, newest first, one page; and the total count.
pub async fn security_log(
    pool: &SqlitePool,
    filter: &LogFilter,
    limit: Option<i64>,
) -> Result<(Vec<LogRow>, i64), sqlx::Error> {
    fn conditions(query: &mut QueryBuilder<Sqlite>, filter: &LogFilter) {
        query.push(" WHERE action IN (");
        let mut list = query.separated(", ");
        for (action, _) in SECURITY_ACTIONS {
            if filter.action.is_empty() || filter.action == *action {
                list.push_bind(*action);
            }
        }
        query.push(")");
        if !filter.actor.is_empty() {
            query
                .push(" AND instr(actor, ")
                .push_bind(filter.actor.clone())
                .push(") > 0");
        }
        if !filter.client_addr.is_empty() {
            query
                .push(" AND client_addr = ")
                .push_bind(filter.client_addr.clone());
        }
        // Dates are Beijing days; stored times are UTC.
        if let Some(from) = beijing_day_start(&filter.from, 0) {
            query.push(" AND at >= ").push_bind(from);
        }
        if let Some(to) = beijing_day_start(&filter.to, 1) {
            query.push(" AND at < ").push_bind(to);
        }
    }
    let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM audit_log");
    conditions(&mut count, filter);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT id, at, actor, action, detail, client_addr FROM audit_log",
    );
    conditions(&mut query, filter);
    let limit = limit.unwrap_or(LOG_PAGE_SIZE);
    query
        .push(" ORDER BY id DESC LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(filter.page.max(0) * limit);
    let rows = query.build_query_as::<LogRow>().fetch_all(pool).await?;
    Ok((rows, total))
}

/// The UTC instant (stored format) at which Beijing day `date` (+`plus_days`) starts.
fn beijing_day_start(date: &str, plus_days: i64) -> Option<String> {
    let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let start = (day + chrono::Duration::days(plus_days)).and_hms_opt(0, 0, 0)?
        - chrono::Duration::hours(8);
    Some(format!("{}Z", start.format("%Y-%m-%dT%H:%M:%S")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn beijing_days_start_at_16_utc_the_day_before() {
        assert_eq!(
            super::beijing_day_start("2023-05-10", 0).as_deref(),
            Some("2023-05-09T16:00:00Z")
        );
        assert_eq!(
            super::beijing_day_start("2023-05-10", 1).as_deref(),
            Some("2023-05-10T16:00:00Z")
        );
        assert_eq!(super::beijing_day_start("10/05/2023", 0), None);
    }
}

/// Which secret a failed check was about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Secret {
    Password,
    RecoveryCode,
}

impl Secret {
    fn as_str(self) -> &'static str {
        match self {
            Secret::Password => "password",
            Secret::RecoveryCode => "recovery_code",
        }
    }
}

/// Notes one failed check of `secret` for `login` from `client_addr`; rows older than a day go.
pub async fn note_failure(
    pool: &SqlitePool,
    kind: AccountKind,
    login: &str,
    client_addr: &str,
    secret: Secret,
) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now();
    let day_ago = now - chrono::Duration::hours(24);
    let mut tx = super::begin_write(pool).await?;
    sqlx::query::<Sqlite>("DELETE FROM auth_failures WHERE at < $1")
        .bind(day_ago.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .execute(&mut *tx)
        .await?;
    // Consecutive counts of names that are no account age out after a day (a real account's
    // lock stays until staff lift it).
    sqlx::query::<Sqlite>(
        "DELETE FROM login_failures WHERE last_at < $1
           AND ((kind = 'student' AND login NOT IN (SELECT student_no FROM students))
             OR (kind = 'staff' AND login NOT IN (SELECT username FROM staff)))",
    )
    .bind(day_ago.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    .execute(&mut *tx)
    .await?;
    sqlx::query::<Sqlite>(
        "INSERT INTO auth_failures (kind, login, client_addr, secret, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(kind.as_str())
    .bind(login)
    .bind(client_addr)
    .bind(secret.as_str())
    .bind(now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Failures of `secret` for `login` since `since`: how many, and when the last one was.
pub async fn failures_of_account(
    pool: &SqlitePool,
    kind: AccountKind,
    login: &str,
    secret: Secret,
    since: &str,
) -> Result<(i64, Option<String>), sqlx::Error> {
    sqlx::query_as::<Sqlite, (i64, Option<String>)>(
        "SELECT COUNT(*), MAX(at) FROM auth_failures
         WHERE kind = $1 AND login = $2 AND secret = $3 AND at >= $4",
    )
    .bind(kind.as_str())
    .bind(login)
    .bind(secret.as_str())
    .bind(since)
    .fetch_one(pool)
    .await
}

/// Failures of any kind from `client_addr` since `since`.
pub async fn failures_from_address(
    pool: &SqlitePool,
    client_addr: &str,
    since: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "SELECT COUNT(*) FROM auth_failures WHERE client_addr = $1 AND at >= $2",
    )
    .bind(client_addr)
    .bind(since)
    .fetch_one(pool)
    .await
}

/// Forgets the failures of `login` (staff unlocked or reset the account).
pub async fn forget_failures<'e, E: SqliteExecutor<'e>>(
    executor: E,
    kind: AccountKind,
    login: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("DELETE FROM auth_failures WHERE kind = $1 AND login = $2")
        .bind(kind.as_str())
        .bind(login)
        .execute(executor)
        .await?;
    Ok(())
}

/// The consecutive wrong passwords of one (account, address) pair.
pub async fn pair_failures(
    pool: &SqlitePool,
    kind: AccountKind,
    login: &str,
    client_addr: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "SELECT COALESCE(MAX(failures), 0) FROM login_failures
         WHERE kind = $1 AND login = $2 AND client_addr = $3",
    )
    .bind(kind.as_str())
    .bind(login)
    .bind(client_addr)
    .fetch_one(pool)
    .await
}

/// A successful login from this pair: its count starts again (other pairs keep theirs).
pub async fn clear_pair(
    pool: &SqlitePool,
    kind: AccountKind,
    login: &str,
    client_addr: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "DELETE FROM login_failures WHERE kind = $1 AND login = $2 AND client_addr = $3",
    )
    .bind(kind.as_str())
    .bind(login)
    .bind(client_addr)
    .execute(pool)
    .await?;
    Ok(())
}

/// The addresses from which `login` is locked (their count reached `threshold`).
pub async fn locked_addresses(
    pool: &SqlitePool,
    kind: AccountKind,
    threshold: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as::<Sqlite, (String, String)>(
        "SELECT login, client_addr FROM login_failures WHERE kind = $1 AND failures >= $2
         ORDER BY login, client_addr",
    )
    .bind(kind.as_str())
    .bind(threshold)
    .fetch_all(pool)
    .await
}

/// Accounts with at least `min` password failures since `since` (the slowed-down ones); with
/// `college_id`, only that college's students.
pub async fn busy_accounts(
    pool: &SqlitePool,
    since: &str,
    min: i64,
    college_id: Option<i64>,
) -> Result<Vec<(String, String, i64, String)>, sqlx::Error> {
    sqlx::query_as::<Sqlite, (String, String, i64, String)>(
        "SELECT kind, login, COUNT(*), MAX(at) FROM auth_failures
         WHERE secret = 'password' AND at >= $1
           AND ($3 IS NULL OR (kind = 'student'
                AND login IN (SELECT student_no FROM students WHERE college_id = $3)))
         GROUP BY kind, login HAVING COUNT(*) >= $2 ORDER BY MAX(at) DESC LIMIT 200",
    )
    .bind(since)
    .bind(min)
    .bind(college_id)
    .fetch_all(pool)
    .await
}

/// Addresses with at least `min` failures since `since` (the limited ones).
pub async fn busy_addresses(
    pool: &SqlitePool,
    since: &str,
    min: i64,
) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    sqlx::query_as::<Sqlite, (String, i64, String)>(
        "SELECT client_addr, COUNT(*), MAX(at) FROM auth_failures WHERE at >= $1
         GROUP BY client_addr HAVING COUNT(*) >= $2 ORDER BY MAX(at) DESC LIMIT 200",
    )
    .bind(since)
    .bind(min)
    .fetch_all(pool)
    .await
}

/// Recovery codes created for the student since `since`, and the newest one's creation time.
pub async fn codes_created_since(
    pool: &SqlitePool,
    student_id: i64,
    since: &str,
) -> Result<(i64, Option<String>), sqlx::Error> {
    sqlx::query_as::<Sqlite, (i64, Option<String>)>(
        "SELECT COUNT(*), MAX(created_at) FROM password_resets
         WHERE student_id = $1 AND created_at >= $2",
    )
    .bind(student_id)
    .bind(since)
    .fetch_one(pool)
    .await
}

/// A recovery address waiting for its code to come back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EmailClaim {
    pub email: String,
    pub code_hash: String,
    pub expires_at: String,
    pub attempts: i64,
}

/// Replaces any earlier claim of the student.
pub async fn create_email_claim(
    pool: &SqlitePool,
    student_id: i64,
    email: &str,
    code_hash: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "INSERT INTO recovery_email_claims (student_id, email, code_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (student_id) DO UPDATE SET email = excluded.email,
            code_hash = excluded.code_hash, created_at = excluded.created_at,
            expires_at = excluded.expires_at, attempts = 0",
    )
    .bind(student_id)
    .bind(email)
    .bind(code_hash)
    .bind(crate::server::now())
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn email_claim(
    pool: &SqlitePool,
    student_id: i64,
) -> Result<Option<EmailClaim>, sqlx::Error> {
    sqlx::query_as::<Sqlite, EmailClaim>(
        "SELECT email, code_hash, expires_at, attempts FROM recovery_email_claims
         WHERE student_id = $1",
    )
    .bind(student_id)
    .fetch_optional(pool)
    .await
}

/// Counts a wrong code; at `max_attempts` the claim is dropped.
pub async fn wrong_email_claim(
    pool: &SqlitePool,
    student_id: i64,
    max_attempts: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = super::begin_write(pool).await?;
    sqlx::query::<Sqlite>(
        "UPDATE recovery_email_claims SET attempts = attempts + 1 WHERE student_id = $1",
    )
    .bind(student_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query::<Sqlite>(
        "DELETE FROM recovery_email_claims WHERE student_id = $1 AND attempts >= $2",
    )
    .bind(student_id)
    .bind(max_attempts)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn drop_email_claim<'e, E: SqliteExecutor<'e>>(
    executor: E,
    student_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>("DELETE FROM recovery_email_claims WHERE student_id = $1")
        .bind(student_id)
        .execute(executor)
        .await?;
    Ok(())
}
