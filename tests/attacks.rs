//! The attacks of issue 13 against accounts, tried first and then refused: recovery-code brute
//! force, default passwords read from the mask, over-long inputs, a flood of logins, mass lockout,
//! forged client addresses, password oracles, readable files, requests without an origin, and
//! the HTTP statuses of refusals.

mod common;

use common::{Client, TestApp, default_password};
use shengyuan::error::AppError;

const STUDENT: &str = "2019010001"; // 数学与计算科学学院
const NEW_PASSWORD: &str = "Yellow-River-7";

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<sqlx::Sqlite, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.pool)
        .await
        .expect("count")
}

async fn actions(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar::<sqlx::Sqlite, i64>("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.pool)
        .await
        .expect("count")
}

/// An app that takes 127.0.0.1 (the tests) for its reverse proxy: `client_from` sets addresses.
async fn behind_proxy() -> TestApp {
    TestApp::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await
}

async fn recover(client: &Client, code: &str) -> Result<serde_json::Value, AppError> {
    client
        .call(
            "recover_password",
            &[
                ("student_no", STUDENT),
                ("code", code),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await
}

fn wrong_code(right: &str, n: u32) -> String {
    let guess = format!("{:06}", n);
    if guess == right {
        format!("{:06}", n + 500_000)
    } else {
        guess
    }
}

async fn age_recovery_codes(app: &TestApp) {
    let two_minutes_ago = (chrono::Utc::now() - chrono::Duration::minutes(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    sqlx::query("UPDATE password_resets SET created_at = $1")
        .bind(two_minutes_ago)
        .execute(&app.state.pool)
        .await
        .expect("age");
}

#[tokio::test]
async fn recovery_codes_are_issued_by_creation_time_and_wrong_guesses_close_recovery() {
    let app = TestApp::spawn().await;
    let student = app.student(STUDENT).await;
    common::bind_recovery_email(
        &app,
        &student,
        "me@example.edu.cn",
        &default_password(STUDENT),
    )
    .await;
    let attacker = app.client();
    let codes = || common::outbox_codes_with(&app, common::RECOVERY_SUBJECT);

    // 30 requests in a row make one code and one mail, not thirty.
    for _ in 0..30 {
        attacker
            .call("forgot_password", &[("student_no", STUDENT)])
            .await
            .expect("the same answer every time");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM password_resets").await, 1);
    assert_eq!(codes().len(), 1);
    let first = codes()[0].clone();

    // Five wrong guesses spend the code; a new one is still refused within the minute.
    for n in 0..5 {
        assert!(recover(&attacker, &wrong_code(&first, n)).await.is_err());
    }
    attacker
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM password_resets").await,
        1,
        "a spent code does not open the way to the next one"
    );
    // Guesses without any open code count too: nine wrong so far.
    for n in 5..9 {
        assert!(recover(&attacker, &wrong_code(&first, n)).await.is_err());
    }
    // A minute later the student gets a fresh code …
    age_recovery_codes(&app).await;
    attacker
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    assert_eq!(codes().len(), 2);
    let second = codes()[1].clone();
    // … and the tenth wrong guess closes recovery for the account, even for the right code.
    let tenth = recover(&attacker, &wrong_code(&second, 9)).await;
    assert!(
        matches!(tenth, Err(AppError::TooManyAttempts(_))),
        "{tenth:?}"
    );
    let right = recover(&attacker, &second).await;
    assert!(
        matches!(right, Err(AppError::TooManyAttempts(_))),
        "{right:?}"
    );
    assert!(
        app.client().login(STUDENT, NEW_PASSWORD).await.is_err(),
        "the password did not change"
    );
    age_recovery_codes(&app).await;
    attacker
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    assert_eq!(codes().len(), 2, "no more mail while recovery is closed");
    assert_eq!(actions(&app, "recovery_closed").await, 1);
    assert_eq!(actions(&app, "recovery_code_wrong").await, 10);

    // The student's counselor lifts it (unlock), and the open code works.
    let counselor = app.staff("math").await;
    let id = app.student_id(STUDENT).await;
    counselor
        .call_json("unlock_students", serde_json::json!({ "ids": [id] }))
        .await
        .expect("unlock");
    recover(&attacker, &second)
        .await
        .expect("recovery is open again after staff");
}

#[tokio::test]
async fn at_most_five_recovery_codes_a_day() {
    let app = TestApp::spawn().await;
    let student = app.student(STUDENT).await;
    common::bind_recovery_email(
        &app,
        &student,
        "me@example.edu.cn",
        &default_password(STUDENT),
    )
    .await;
    let anonymous = app.client();
    for _ in 0..8 {
        age_recovery_codes(&app).await;
        anonymous
            .call("forgot_password", &[("student_no", STUDENT)])
            .await
            .expect("answer");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM password_resets").await, 5);
    assert_eq!(
        common::outbox_codes_with(&app, common::RECOVERY_SUBJECT).len(),
        5
    );
    let school = app.staff("school").await;
    let log = school
        .call(
            "browse_security_log",
            &[("query", "action=password_recovery_requested")],
        )
        .await
        .expect("log");
    let details: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert!(
        details.iter().filter(|d| d.contains("上限")).count() == 3,
        "every refused request is in the security log: {details:?}"
    );
}

#[tokio::test]
async fn the_mask_shows_nothing_of_the_default_password() {
    let app = TestApp::spawn().await;
    let id_number: String =
        sqlx::query_scalar("SELECT id_number FROM students WHERE student_no = $1")
            .bind(STUDENT)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    let tail = &id_number[id_number.len() - 6..];
    let expected = format!("{}************", &id_number[..6]);

    let student = app.student(STUDENT).await;
    let info = student.info().await.expect("info");
    assert_eq!(info["record"]["id_number"], expected.as_str());
    let page = student.get("/student").await.text().await.unwrap();
    assert!(
        !page.contains(&id_number[12..]),
        "the page never shows the tail"
    );

    // Another college's staff and 学校 see lists with the same mask.
    let school = app.staff("school").await;
    let queue = school
        .call(
            "review_queue",
            &[("filter", &format!("status=all&q={STUDENT}"))],
        )
        .await
        .expect("queue");
    let row = &queue["rows"][0];
    assert_eq!(row["student_no"], STUDENT);
    assert_eq!(row["id_number"], expected.as_str());
    assert!(!queue.to_string().contains(tail));
    let settings = student
        .call("load_security_settings", &[])
        .await
        .expect("settings");
    assert!(
        !settings.to_string().contains(tail),
        "the default password is never sent: {settings}"
    );
}

#[tokio::test]
async fn a_first_login_with_the_default_password_must_set_a_new_one() {
    let app = TestApp::spawn().await;
    // A college may not switch it; 学校 may.
    let counselor = app.staff("math").await;
    assert_eq!(
        counselor
            .call("set_first_login_change", &[("on", "false")])
            .await,
        Err(AppError::Forbidden)
    );
    let school = app.staff("school").await;
    school
        .call("set_first_login_change", &[("on", "true")])
        .await
        .expect("switched on");
    assert_eq!(
        school
            .call("load_first_login_change", &[])
            .await
            .expect("setting"),
        serde_json::json!(true)
    );

    let student = app.client();
    student
        .login(STUDENT, &default_password(STUDENT))
        .await
        .expect("the default password still logs in once");
    assert_eq!(student.info().await, Err(AppError::PasswordChangeRequired));
    let page = student.get("/student").await;
    let body = page.text().await.unwrap();
    assert!(
        !body.contains("生源所在地"),
        "no other page answers before the change"
    );
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
        .expect("a password of the student's own");
    student.info().await.expect("now the form answers");
    assert!(
        app.client()
            .login(STUDENT, &default_password(STUDENT))
            .await
            .is_err(),
        "the default password is gone"
    );
    // With the switch off, a default password goes straight on.
    school
        .call("set_first_login_change", &[("on", "false")])
        .await
        .expect("switched off");
    let other = app.student("2019010002").await;
    other.info().await.expect("no forced change");
}

#[tokio::test]
async fn over_long_inputs_are_refused_before_anything_is_stored() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let long = "1".repeat(100_000);
    for endpoint in ["login", "forgot_password"] {
        let response = client
            .call_raw(endpoint, &[("student_no", &long), ("password", "x")])
            .await;
        assert_eq!(response.status(), 422, "{endpoint}");
        let error: AppError = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(
            error.field_message("student_no").as_deref(),
            Some("学号不能超过20个字符"),
            "{endpoint}"
        );
    }
    let error = client
        .call(
            "staff_login",
            &[("username", &"a".repeat(33)), ("password", "x")],
        )
        .await
        .unwrap_err();
    assert!(error.field_message("username").is_some(), "{error:?}");
    let error = client.login(STUDENT, &"p".repeat(129)).await.unwrap_err();
    assert!(error.field_message("password").is_some(), "{error:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM login_failures").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM auth_failures").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE length(actor) > 40"
        )
        .await,
        0
    );

    // A save id is a 128-bit id, not a place to store a megabyte.
    let student = app.student(STUDENT).await;
    student
        .call("start_verification", &[])
        .await
        .expect("start");
    let version = student.version().await.to_string();
    let mut fields: Vec<(&str, String)> = common::valid_form();
    fields.push(("intent", "draft".into()));
    fields.push(("version", version));
    fields.push(("submission_id", "x".repeat(100_000)));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let error = student.call("save_verification", &form).await.unwrap_err();
    assert!(error.field_message("submission_id").is_some(), "{error:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM applied_saves").await, 0);
}

#[tokio::test]
async fn a_flood_of_logins_is_told_busy_instead_of_queueing_without_end() {
    let app = TestApp::spawn_with(|_| {}).await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = app.client();
        tasks.push(tokio::spawn(async move {
            let response = client
                .call_raw(
                    "login",
                    &[
                        ("student_no", &format!("20990{i:05}")),
                        ("password", "wrong-password"),
                    ],
                )
                .await;
            response.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let busy = statuses.iter().filter(|s| **s == 503).count();
    let wrong = statuses.iter().filter(|s| **s == 409).count();
    // Past 100 failures the one address is paused (429) as well.
    let paused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        busy + wrong + paused,
        200,
        "only wrong-password, busy or paused: {statuses:?}"
    );
    assert!(
        busy > 0,
        "at most a few hashes at once, the rest are told to come back"
    );
    assert!(wrong > 0, "the ones that got a slot were answered");
}

#[tokio::test]
async fn a_lock_belongs_to_the_address_that_failed() {
    let app = behind_proxy().await;
    let attacker = app.client_from("10.0.0.66");
    // One address sweeps 15 student numbers with five wrong passwords each (below the
    // per-address limit of 100 failures, which would pause it).
    let students = app.more_students(15).await;
    for (no, password) in &students {
        for _ in 0..5 {
            let _ = attacker.login(no, "000000").await;
        }
        let locked = attacker.login(no, password).await;
        assert!(
            matches!(locked, Err(AppError::Locked(_))),
            "{no}: {locked:?}"
        );
    }
    // Every real student still logs in from their own address.
    for (i, (no, password)) in students.iter().enumerate() {
        app.client_from(&format!("10.1.0.{}", i + 1))
            .login(no, password)
            .await
            .unwrap_or_else(|e| panic!("{no} is not locked out by the attacker: {e:?}"));
    }
    // Staff see where the lock is.
    let school = app.staff("school").await;
    let office = school
        .call("load_account_office", &[])
        .await
        .expect("office");
    let locked = office["locked"].as_array().unwrap();
    assert_eq!(locked.len(), 15);
    assert_eq!(locked[0]["locked_from"], serde_json::json!(["10.0.0.66"]));
}

#[tokio::test]
async fn guessing_one_account_from_many_addresses_is_slowed_without_locking_it() {
    let app = behind_proxy().await;
    for i in 0..10 {
        let _ = app
            .client_from(&format!("10.2.0.{i}"))
            .login(STUDENT, "000000")
            .await;
    }
    let next = app
        .client_from("10.2.1.1")
        .login(STUDENT, &default_password(STUDENT))
        .await;
    assert!(
        matches!(&next, Err(AppError::TooManyAttempts(m)) if m.contains("秒后再试")),
        "the eleventh try waits: {next:?}"
    );
    let response = app
        .client_from("10.2.1.2")
        .call_raw("login", &[("student_no", STUDENT), ("password", "000000")])
        .await;
    assert_eq!(response.status(), 429);
    // Nobody is locked; after the wait the student logs in.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM students WHERE locked_at IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(actions(&app, "account_throttled").await, 1);
    let school = app.staff("school").await;
    let office = school
        .call("load_account_office", &[])
        .await
        .expect("office");
    assert_eq!(
        office["slowed"][0]["account"],
        format!("student:{STUDENT}").as_str()
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.client_from("10.2.1.3")
        .login(STUDENT, &default_password(STUDENT))
        .await
        .expect("the owner gets in after the short wait");
}

#[tokio::test]
async fn one_address_failing_on_many_accounts_is_paused() {
    let app = behind_proxy().await;
    let scanner = app.client_from("10.3.0.9");
    let students = app.more_students(25).await;
    // 100 failures, four per account: no account is locked or slowed on its own.
    for (no, _) in &students {
        for _ in 0..4 {
            let result = scanner.login(no, "000000").await;
            assert!(matches!(result, Err(AppError::Rejected(_))), "{result:?}");
        }
    }
    let paused = scanner
        .login("2019010002", &default_password("2019010002"))
        .await;
    assert!(
        matches!(paused, Err(AppError::TooManyAttempts(_))),
        "{paused:?}"
    );
    // A student behind another address is not affected.
    app.client_from("10.3.0.10")
        .login("2019010002", &default_password("2019010002"))
        .await
        .expect("other addresses go on");
    assert_eq!(actions(&app, "address_throttled").await, 1);
    let school = app.staff("school").await;
    let office = school
        .call("load_account_office", &[])
        .await
        .expect("office");
    assert_eq!(office["limited_addresses"][0]["client_addr"], "10.3.0.9");
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    // Trusting a proxy at 10.9.9.9: the tests (127.0.0.1) connect directly, so their header is
    // the client's own words and is ignored.
    let app =
        TestApp::spawn_with(|c| c.trusted_proxies = vec!["10.9.9.9/32".parse().unwrap()]).await;
    for i in 0..5 {
        let _ = app
            .client_from(&format!("198.51.100.{i}"))
            .login(STUDENT, "000000")
            .await;
    }
    let locked = app
        .client_from("198.51.100.200")
        .login(STUDENT, &default_password(STUDENT))
        .await;
    assert!(matches!(locked, Err(AppError::Locked(_))), "{locked:?}");
    let addrs: Vec<String> = sqlx::query_scalar("SELECT DISTINCT client_addr FROM login_failures")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(addrs, vec!["127.0.0.1".to_string()]);

    // Behind a trusted proxy, the right-most address that is not a proxy is the client: what
    // the client wrote further left is not believed.
    let app = behind_proxy().await;
    for i in 0..5 {
        let _ = app
            .client_from(&format!("198.51.100.{i}, 10.0.0.77"))
            .login(STUDENT, "000000")
            .await;
    }
    let locked = app
        .client_from("203.0.113.1, 10.0.0.77")
        .login(STUDENT, &default_password(STUDENT))
        .await;
    assert!(matches!(locked, Err(AppError::Locked(_))), "{locked:?}");

    // X-Forwarded-Host from an untrusted peer does not make a foreign origin ours.
    let app =
        TestApp::spawn_with(|c| c.trusted_proxies = vec!["10.9.9.9/32".parse().unwrap()]).await;
    let response = reqwest::Client::new()
        .post(format!("http://{}/api/login", app.addr))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://evil.example")
        .header("x-forwarded-host", "evil.example")
        .body(format!(
            "student_no={STUDENT}&password={}",
            default_password(STUDENT)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn the_current_password_is_no_oracle() {
    let app = TestApp::spawn().await;
    let student = app.student(STUDENT).await;
    let mut answers = Vec::new();
    for i in 0..12 {
        let result = student
            .call(
                "bind_recovery_email",
                &[
                    ("email", "thief@example.com"),
                    ("password", &format!("guess-{i}")),
                ],
            )
            .await;
        answers.push(result);
    }
    assert!(
        answers[..10].iter().all(|a| a
            .as_ref()
            .err()
            .and_then(|e| e.field_message("password"))
            .is_some()),
        "{answers:?}"
    );
    assert!(
        matches!(answers[10], Err(AppError::TooManyAttempts(_))),
        "the eleventh guess waits: {:?}",
        answers[10]
    );
    assert_eq!(actions(&app, "recovery_email_refused").await, 10);
    // The same brake holds the password change and the login.
    let change = student
        .call(
            "change_password",
            &[
                ("current_password", "guess-x"),
                ("new_password", NEW_PASSWORD),
                ("confirm_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert!(
        matches!(change, Err(AppError::TooManyAttempts(_))),
        "{change:?}"
    );
    let login = app
        .client()
        .login(STUDENT, &default_password(STUDENT))
        .await;
    assert!(
        matches!(login, Err(AppError::TooManyAttempts(_))),
        "{login:?}"
    );
}

#[tokio::test]
async fn a_new_recovery_address_is_bound_only_with_the_code_sent_to_it() {
    let app = TestApp::spawn().await;
    let student = app.student(STUDENT).await;
    let password = default_password(STUDENT);
    let sent = student
        .call(
            "bind_recovery_email",
            &[("email", "first@example.edu.cn"), ("password", &password)],
        )
        .await
        .expect("code sent");
    assert!(
        sent["CodeSent"]
            .as_str()
            .unwrap()
            .ends_with("@example.edu.cn")
    );
    let bound: Option<String> =
        sqlx::query_scalar("SELECT recovery_email FROM students WHERE student_no = $1")
            .bind(STUDENT)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(bound, None, "not bound before the code comes back");
    let wrong = student
        .call("confirm_recovery_email", &[("code", "000000")])
        .await;
    let code = common::outbox_codes_with(&app, common::BIND_SUBJECT)[0].clone();
    if code != "000000" {
        assert!(wrong.is_err());
    }
    student
        .call("confirm_recovery_email", &[("code", &code)])
        .await
        .expect("bound with the code");
    // Moving to another address tells the old one.
    common::bind_recovery_email(&app, &student, "second@example.edu.cn", &password).await;
    let notices: Vec<String> = std::fs::read_dir(&app.state.config.outbox_dir)
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .filter(|t| t.contains("Subject: 找回密码邮箱已更改"))
        .collect();
    assert_eq!(notices.len(), 1);
    assert!(
        notices[0].contains("To: first@example.edu.cn"),
        "{}",
        notices[0]
    );
    assert!(notices[0].contains("se***@example.edu.cn"));
}

#[tokio::test]
async fn data_files_are_private_and_the_outbox_forgets_expired_codes() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    let db = app
        .state
        .config
        .database_url
        .trim_start_matches("sqlite://")
        .to_string();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let db = std::path::Path::new(&db);
    assert_eq!(mode(db), 0o600);
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    let wal = std::path::PathBuf::from(format!("{}-wal", db.display()));
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    // Without SMTP the answer says no mail goes out, and the outbox is the service user's.
    let student = app.student(STUDENT).await;
    common::bind_recovery_email(
        &app,
        &student,
        "me@example.edu.cn",
        &default_password(STUDENT),
    )
    .await;
    let answer = app
        .client()
        .call("forgot_password", &[("student_no", STUDENT)])
        .await
        .expect("answer");
    assert!(
        answer.as_str().unwrap().contains("尚未配置邮件服务"),
        "{answer}"
    );
    let outbox = &app.state.config.outbox_dir;
    assert_eq!(mode(outbox), 0o700);
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty());
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    // Once a code has expired, its message goes.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(16 * 60);
    std::fs::File::options()
        .write(true)
        .open(&files[0])
        .unwrap()
        .set_modified(old)
        .unwrap();
    shengyuan::server::mail::sweep_outbox(&app.state.config);
    assert!(!files[0].exists());
    assert!(files[1..].iter().all(|f| f.exists()));
}

#[tokio::test]
async fn writes_without_an_origin_are_refused() {
    let app = TestApp::spawn().await;
    let url = format!("http://{}/api/login", app.addr);
    let form = format!(
        "student_no={STUDENT}&password={}",
        default_password(STUDENT)
    );
    let bare = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 403, "neither Origin nor Sec-Fetch-Site");
    for origin in [
        format!("https://{}", app.addr),
        format!("http://127.0.0.1:{}", app.addr.port() + 1),
        "http://127.0.0.1.evil.example".to_string(),
    ] {
        let response = reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &origin)
            .body(form.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{origin}");
    }
    let same_site = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-site")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), 403);
    let browser = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(form)
        .send()
        .await
        .unwrap();
    assert!(browser.status().is_success(), "{}", browser.status());
}

#[tokio::test]
async fn refusals_carry_their_http_status_and_still_decode() {
    let app = TestApp::spawn().await;
    let anonymous = app.client();
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(status(anonymous.call_raw("my_info", &[]).await), 401);
    let student = app.student(STUDENT).await;
    assert_eq!(status(student.call_raw("load_dashboard", &[]).await), 403);
    let school = app.staff("school").await;
    assert_eq!(
        status(
            school
                .call_raw("review_detail", &[("student_id", "999999")])
                .await
        ),
        404
    );
    let response = student
        .call_raw(
            "save_verification",
            &[("intent", "draft"), ("version", "1")],
        )
        .await;
    assert_eq!(status(response), 400, "missing arguments");
    student
        .call("start_verification", &[])
        .await
        .expect("start");
    let form = common::with(&common::valid_form(), &[("qq", "12345a")]);
    let mut fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.extend([("intent", "draft"), ("version", "1")]);
    let invalid = student.call_raw("save_verification", &fields).await;
    assert_eq!(invalid.status(), 422);
    let decoded: AppError = serde_json::from_str(&invalid.text().await.unwrap()).unwrap();
    assert!(decoded.field_message("qq").is_some(), "{decoded:?}");
    let form = common::valid_form();
    let mut fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fields.extend([("intent", "draft"), ("version", "999")]);
    assert_eq!(
        status(student.call_raw("save_verification", &fields).await),
        409,
        "a stale version"
    );
    let client = app.client();
    for _ in 0..5 {
        let _ = client.login("2019010002", "000000").await;
    }
    assert_eq!(
        status(
            client
                .call_raw(
                    "login",
                    &[
                        ("student_no", "2019010002"),
                        ("password", &default_password("2019010002"))
                    ]
                )
                .await
        ),
        423
    );
    // File routes answer alike.
    assert_eq!(status(anonymous.get("/staff/export.xlsx").await), 401);
    assert_eq!(status(student.get("/staff/export.xlsx").await), 403);
}

#[tokio::test]
async fn the_login_ends_with_the_browser_unless_the_student_keeps_it() {
    let app = TestApp::spawn().await;
    let set_cookie = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("sy_session="))
            .map(str::to_string)
            .expect("a session cookie")
    };
    let password = default_password(STUDENT);
    let plain = app
        .client()
        .call_raw("login", &[("student_no", STUDENT), ("password", &password)])
        .await;
    assert!(plain.status().is_success());
    let cookie = set_cookie(&plain);
    assert!(
        !cookie.contains("Max-Age"),
        "a browser-session cookie: {cookie}"
    );
    let kept = app
        .client()
        .call_raw(
            "login",
            &[
                ("student_no", STUDENT),
                ("password", &password),
                ("keep_signed_in", "on"),
            ],
        )
        .await;
    assert!(kept.status().is_success());
    let cookie = set_cookie(&kept);
    assert!(cookie.contains("Max-Age=43200"), "{cookie}");
    let staff = app
        .client()
        .call_raw(
            "staff_login",
            &[("username", "math"), ("password", common::STAFF_PASSWORD)],
        )
        .await;
    assert!(!set_cookie(&staff).contains("Max-Age"));
}
