//! Accounts and security over HTTP: lockout and unlock, the shared-address case, bulk reset with a
//! forced change, password rules, recovery codes, the security log and the page CSP.

mod common;

use common::{STAFF_PASSWORD, TestApp, default_password};
use serde_json::json;
use shengyuan::error::AppError;

const STUDENT: &str = "2019010001"; // 数学与计算科学学院
const NEW_PASSWORD: &str = "Yellow-River-7";

fn rejected_text(result: Result<serde_json::Value, AppError>) -> String {
    match result {
        Err(AppError::Rejected(text) | AppError::Locked(text)) => text,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<sqlx::Sqlite, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn the_sixth_attempt_is_refused_even_with_the_right_password_until_unlocked() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for attempt in 1..=4 {
        let text = rejected_text(client.login(STUDENT, "wrong-password").await);
        assert!(
            text.contains(&format!("再错 {} 次", 5 - attempt)),
            "attempt {attempt}: {text}"
        );
    }
    let fifth = rejected_text(client.login(STUDENT, "wrong-password").await);
    assert!(fifth.contains("账号已锁定"), "{fifth}");
    assert!(
        fifth.contains("辅导员"),
        "the message says whom to ask: {fifth}"
    );
    let sixth = rejected_text(client.login(STUDENT, &default_password(STUDENT)).await);
    assert!(sixth.contains("账号已锁定"), "{sixth}");
    assert_eq!(app.audit_count(STUDENT, "account_locked").await, 1);
    assert_eq!(app.audit_count(STUDENT, "login_refused_locked").await, 1);

    // Staff of another college may neither see nor unlock it.
    let id = app.student_id(STUDENT).await;
    let other = app.staff("cs").await;
    let office = other
        .call("load_account_office", &[])
        .await
        .expect("office");
    assert_eq!(office["locked"].as_array().unwrap().len(), 0);
    assert_eq!(
        other
            .call_json("unlock_students", json!({ "ids": [id] }))
            .await,
        Err(AppError::Forbidden)
    );
    assert_eq!(app.audit_count(STUDENT, "forbidden").await, 1);

    // The student's counselor sees it in the list and unlocks it.
    let counselor = app.staff("math").await;
    let office = counselor
        .call("load_account_office", &[])
        .await
        .expect("office");
    let locked = office["locked"].as_array().unwrap();
    assert_eq!(locked.len(), 1);
    assert_eq!(locked[0]["student_no"], STUDENT);
    assert_eq!(
        counselor
            .call_json("unlock_students", json!({ "ids": [id] }))
            .await
            .expect("unlock"),
        json!(1)
    );
    assert_eq!(app.audit_count(STUDENT, "account_unlocked").await, 1);
    client
        .login(STUDENT, &default_password(STUDENT))
        .await
        .expect("logs in after the unlock");
    client.info().await.expect("and reaches the form");
}

#[tokio::test]
async fn one_mistyping_account_behind_a_shared_address_does_not_block_the_others() {
    let app = TestApp::spawn().await;
    // 50 more students, all logging in from 127.0.0.1 as if behind one campus NAT address.
    let (headers, rows) = shengyuan::server::demo::generate(&app.state.divisions, 50, 2023);
    let csv = shengyuan::server::demo::to_csv(&headers, &rows).expect("csv");
    let report = shengyuan::server::roster::import_csv(&app.state.pool, &csv)
        .await
        .expect("import");
    assert_eq!(report.refused, 0);
    let fixture = (common::ROSTER.lines().count() - 1) as i64;
    let accounts: Vec<(String, String)> =
        sqlx::query_as("SELECT student_no, id_number FROM students ORDER BY id LIMIT -1 OFFSET $1")
            .bind(fixture)
            .fetch_all(&app.state.pool)
            .await
            .expect("accounts");
    assert_eq!(accounts.len(), 50);
    let (mistyper, _) = &accounts[0];
    let client = app.client();
    for _ in 0..8 {
        assert!(client.login(mistyper, "not-my-password").await.is_err());
    }
    let text = rejected_text(client.login(mistyper, "not-my-password").await);
    assert!(text.contains("账号已锁定"), "{text}");
    for (student_no, id_number) in &accounts[1..] {
        let other = app.client();
        other
            .login(student_no, &id_number[id_number.len() - 6..])
            .await
            .unwrap_or_else(|e| panic!("{student_no} is not blocked by a neighbour: {e:?}"));
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM students WHERE locked_at IS NOT NULL"
        )
        .await,
        1,
        "only the mistyping account is locked"
    );
}

#[tokio::test]
async fn unknown_accounts_answer_like_real_ones() {
    let app = TestApp::spawn().await;
    let real = app.client();
    let ghost = app.client();
    for _ in 0..5 {
        let a = rejected_text(real.login(STUDENT, "wrong-password").await);
        let b = rejected_text(ghost.login("2099999999", "wrong-password").await);
        assert_eq!(a, b, "the answer does not tell whether the 学号 exists");
    }
    let a = rejected_text(real.login(STUDENT, "wrong-password").await);
    let b = rejected_text(ghost.login("2099999999", "wrong-password").await);
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_reset_class_must_change_the_password_at_the_next_login() {
    let app = TestApp::spawn().await;
    let student = app.student(STUDENT).await;
    student
        .call(
            "change_password",
            &[
                ("current_password", &default_password(STUDENT)),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await
        .expect("the student sets an own password");
    let class_id: i64 = sqlx::query_scalar("SELECT class_id FROM students WHERE student_no = $1")
        .bind(STUDENT)
        .fetch_one(&app.state.pool)
        .await
        .expect("class");
    let classmates = count(
        &app,
        &format!("SELECT COUNT(*) FROM students WHERE class_id = {class_id}"),
    )
    .await;

    // Another college's staff cannot reset this class: nothing of theirs is in it.
    let other = app.staff("cs").await;
    assert!(matches!(
        other
            .call_json(
                "reset_passwords",
                json!({ "class_id": class_id, "student_nos": "" })
            )
            .await,
        Err(AppError::Validation(_))
    ));

    let counselor = app.staff("math").await;
    let outcome = counselor
        .call_json(
            "reset_passwords",
            json!({ "class_id": class_id, "student_nos": "" }),
        )
        .await
        .expect("reset the class");
    assert_eq!(
        outcome["reset"].as_array().unwrap().len() as i64,
        classmates
    );
    assert_eq!(app.audit_count(STUDENT, "password_reset").await, 1);

    // The reset ended the student's session; the own password no longer works.
    assert_eq!(student.info().await, Err(AppError::Unauthenticated));
    assert!(student.login(STUDENT, NEW_PASSWORD).await.is_err());
    // The default password logs in, but only to change it.
    student
        .login(STUDENT, &default_password(STUDENT))
        .await
        .expect("default password after the reset");
    assert_eq!(student.info().await, Err(AppError::PasswordChangeRequired));
    let settings = student
        .call("load_security_settings", &[])
        .await
        .expect("settings");
    assert_eq!(settings["must_change_password"], true);
    let same_again = student
        .call(
            "change_password",
            &[
                ("current_password", &default_password(STUDENT)),
                ("new_password", &default_password(STUDENT)),
                ("confirm_password", &default_password(STUDENT)),
            ],
        )
        .await;
    assert!(
        matches!(&same_again, Err(e) if e.field_message("new_password").is_some()),
        "{same_again:?}"
    );
    student
        .call(
            "change_password",
            &[
                ("current_password", &default_password(STUDENT)),
                ("new_password", "Another-Passphrase-9"),
                ("confirm_password", "Another-Passphrase-9"),
            ],
        )
        .await
        .expect("a new password");
    student.info().await.expect("the form is open again");

    // A list of 学号: those outside the college are reported, not reset.
    let outcome = counselor
        .call_json(
            "reset_passwords",
            json!({ "class_id": null, "student_nos": "2019010002，2019020001 2099000000" }),
        )
        .await
        .expect("reset a list");
    assert_eq!(outcome["reset"].as_array().unwrap().len(), 1);
    assert_eq!(outcome["not_found"], json!(["2019020001", "2099000000"]));
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let phone = app.student(STUDENT).await;
    let lab_pc = app.student(STUDENT).await;
    let wrong = phone
        .call(
            "change_password",
            &[
                ("current_password", "not-it"),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        wrong
            .as_ref()
            .err()
            .and_then(|e| e.field_message("current_password")),
        Some("当前密码不正确".to_string())
    );
    let mismatch = phone
        .call(
            "change_password",
            &[
                ("current_password", &default_password(STUDENT)),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", "something-else"),
            ],
        )
        .await;
    assert!(
        mismatch
            .as_ref()
            .err()
            .and_then(|e| e.field_message("confirm_password"))
            .is_some()
    );
    phone
        .call(
            "change_password",
            &[
                ("current_password", &default_password(STUDENT)),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await
        .expect("changed");
    phone.info().await.expect("this session stays");
    assert_eq!(lab_pc.info().await, Err(AppError::Unauthenticated));
    assert!(
        app.client()
            .login(STUDENT, &default_password(STUDENT))
            .await
            .is_err()
    );
    app.client()
        .login(STUDENT, NEW_PASSWORD)
        .await
        .expect("the new password works");
    assert_eq!(app.audit_count(STUDENT, "password_changed").await, 1);
}

fn outbox_codes(app: &TestApp) -> Vec<String> {
    common::outbox_codes_with(app, common::RECOVERY_SUBJECT)
}

#[tokio::test]
async fn a_recovery_code_works_once_and_expires() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    // Without a bound address: the same answer, and no mail.
    let unbound = anonymous
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    let unknown = anonymous
        .call("forgot_password", &[("student_no", "2099999999")])
        .await
        .expect("answer");
    assert_eq!(unbound, unknown, "no hint whether the account exists");
    assert!(outbox_codes(&app).is_empty());

    let student = app.student(STUDENT).await;
    let bad = student
        .call(
            "bind_recovery_email",
            &[
                ("email", "not-an-address"),
                ("password", &default_password(STUDENT)),
            ],
        )
        .await;
    assert!(
        bad.as_ref()
            .err()
            .and_then(|e| e.field_message("email"))
            .is_some()
    );
    common::bind_recovery_email(
        &app,
        &student,
        "me@example.edu.cn",
        &default_password(STUDENT),
    )
    .await;

    let bound = anonymous
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    assert_eq!(bound, unknown, "the same words when a code was sent");
    let codes = outbox_codes(&app);
    assert_eq!(codes.len(), 1);
    let code = codes[0].clone();
    assert_eq!(code.len(), 6);

    let recover = |code: String| {
        let client = &anonymous;
        async move {
            client
                .call(
                    "recover_password",
                    &[
                        ("student_no", STUDENT),
                        ("code", &code),
                        ("new_password", NEW_PASSWORD),
                        ("confirm_password", NEW_PASSWORD),
                    ],
                )
                .await
        }
    };
    let wrong = if code == "000000" { "000001" } else { "000000" };
    assert!(recover(wrong.to_string()).await.is_err());
    recover(code.clone()).await.expect("the code works");
    let again = recover(code.clone()).await;
    assert!(
        again
            .as_ref()
            .err()
            .and_then(|e| e.field_message("code"))
            .is_some(),
        "a code works once: {again:?}"
    );
    assert!(app.client().login(STUDENT, NEW_PASSWORD).await.is_ok());
    assert_eq!(app.audit_count(STUDENT, "password_recovered").await, 1);

    // A fresh code that has expired is refused.
    sqlx::query("UPDATE password_resets SET created_at = '2020-01-01T00:00:00Z', expires_at = '2020-01-01T00:15:00Z'")
        .execute(&app.state.pool)
        .await
        .expect("age the old codes");
    anonymous
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    let codes = outbox_codes(&app);
    assert_eq!(codes.len(), 2);
    sqlx::query("UPDATE password_resets SET expires_at = '2020-01-01T00:15:00Z'")
        .execute(&app.state.pool)
        .await
        .expect("expire");
    let expired = recover(codes[1].clone()).await;
    assert!(expired.is_err(), "an expired code is refused");
}

#[tokio::test]
async fn the_security_log_is_for_school_staff_and_its_csv_is_safe() {
    let app = TestApp::spawn().await;
    let _ = app.client().login(STUDENT, "wrong-password").await;
    let school = app.staff("school").await;
    let log = school
        .call("browse_security_log", &[("query", "action=login_failed")])
        .await
        .expect("log");
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["actor"], format!("student:{STUDENT}"));
    assert_eq!(entries[0]["client_addr"], "127.0.0.1");

    let counselor = app.staff("math").await;
    assert_eq!(
        counselor
            .call("browse_security_log", &[("query", "")])
            .await,
        Err(AppError::Forbidden)
    );
    let response = counselor.get("/staff/security-log.csv").await;
    assert_eq!(response.status(), 403);
    let response = app.client().get("/staff/security-log.csv").await;
    assert_eq!(response.status(), 401);

    let response = school.get("/staff/security-log.csv?action=forbidden").await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("csv");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    assert_eq!(text.lines().count(), 3, "header + two refusals: {text}");
    assert!(text.contains("staff:math"));
}

#[tokio::test]
async fn pages_carry_a_csp_whose_nonce_is_on_every_inline_script() {
    let app = TestApp::spawn().await;
    let response = app.client().get("/login").await;
    let csp = response
        .headers()
        .get("content-security-policy")
        .expect("csp")
        .to_str()
        .unwrap()
        .to_string();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce")
        .to_string();
    let html = response.text().await.expect("html");
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every script has the nonce"
    );
    let again = app.client().get("/login").await;
    let csp2 = again.headers()["content-security-policy"].to_str().unwrap();
    assert_ne!(csp2, csp, "a new nonce per response");
}

#[tokio::test]
async fn staff_lockout_is_lifted_by_school_staff_only() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..5 {
        let _ = client
            .call(
                "staff_login",
                &[("username", "cs"), ("password", "nope-nope")],
            )
            .await;
    }
    let text = rejected_text(
        client
            .call(
                "staff_login",
                &[("username", "cs"), ("password", STAFF_PASSWORD)],
            )
            .await,
    );
    assert!(text.contains("招生就业处"), "{text}");
    let staff_id: i64 = sqlx::query_scalar("SELECT id FROM staff WHERE username = 'cs'")
        .fetch_one(&app.state.pool)
        .await
        .expect("id");
    let math = app.staff("math").await;
    assert_eq!(
        math.call("unlock_staff", &[("id", &staff_id.to_string())])
            .await,
        Err(AppError::Forbidden)
    );
    let school = app.staff("school").await;
    let office = school
        .call("load_account_office", &[])
        .await
        .expect("office");
    assert_eq!(office["locked_staff"][0]["username"], "cs");
    school
        .call("unlock_staff", &[("id", &staff_id.to_string())])
        .await
        .expect("unlock");
    client
        .call(
            "staff_login",
            &[("username", "cs"), ("password", STAFF_PASSWORD)],
        )
        .await
        .expect("logs in again");
}
