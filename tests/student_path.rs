//! The student's 生源核验 path over HTTP: login, 开始核验, rules on the server, save, submit,
//! withdraw, resubmit; sessions; one student cannot touch another's record.

mod common;

use common::{TestApp, default_password, valid_form, with};
use shengyuan::error::AppError;

#[tokio::test]
async fn wrong_password_is_refused_and_right_one_logs_in() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let err = client.login("2019010001", "000000").await.unwrap_err();
    let wrong = AppError::Rejected("账号或密码错误（再错 4 次账号将在当前网络被锁定）".into());
    assert_eq!(err, wrong);
    let err = client.login("no-such-student", "000000").await.unwrap_err();
    assert_eq!(err, wrong, "unknown accounts answer the same");
    assert_eq!(client.info().await.unwrap_err(), AppError::Unauthenticated);

    client
        .login("2019010001", &default_password("2019010001"))
        .await
        .expect("default password works");
    let info = client.info().await.expect("info after login");
    assert_eq!(info["record"]["name"], "张小明");
    assert_eq!(
        info["record"]["id_number"], "430104************",
        "身份证号 is masked"
    );
    assert!(info["verification"].is_null(), "nothing started yet");
}

#[tokio::test]
async fn id_number_ending_in_x_takes_x_in_either_case_as_default_password() {
    let app = TestApp::spawn().await;
    let client = app.client();
    assert_eq!(default_password("2019020001"), "01003X");
    client
        .login("2019020001", "01003x")
        .await
        .expect("a phone keyboard's lower-case x counts");
    app.client()
        .login("2019020001", "01003X")
        .await
        .expect("X counts");
    assert!(app.client().login("2019020001", "01003Y").await.is_err());
}

#[tokio::test]
async fn server_refuses_bad_qq_and_city_level_origin_naming_the_field() {
    let app = TestApp::spawn().await;
    let client = app.student("2019010001").await;
    client.call("start_verification", &[]).await.expect("start");

    let err = client
        .save("submit", &with(&valid_form(), &[("qq", "12345a")]), "s1")
        .await
        .unwrap_err();
    assert_eq!(
        err.field_message("qq").as_deref(),
        Some("QQ号码只能包含数字"),
        "{err:?}"
    );

    let err = client
        .save(
            "submit",
            &with(&valid_form(), &[("origin_code", "430100")]),
            "s2",
        )
        .await
        .unwrap_err();
    assert!(
        err.field_message("origin_code")
            .is_some_and(|m| m.contains("县（区）一级")),
        "{err:?}"
    );

    // A draft is checked too: a QQ with letters is never stored.
    let err = client
        .save("draft", &with(&valid_form(), &[("qq", "12345a")]), "")
        .await
        .unwrap_err();
    assert!(err.field_message("qq").is_some(), "{err:?}");

    // An origin code that has the right shape but does not exist.
    let err = client
        .save(
            "submit",
            &with(&valid_form(), &[("origin_code", "439999")]),
            "s3",
        )
        .await
        .unwrap_err();
    assert!(err.field_message("origin_code").is_some(), "{err:?}");

    let info = client.info().await.unwrap();
    assert_eq!(
        info["verification"]["status"], "Unverified",
        "nothing was submitted"
    );
    assert_eq!(app.audit_count("2019010001", "submit").await, 0);
}

#[tokio::test]
async fn special_origins_are_complete() {
    let app = TestApp::spawn().await;
    let client = app.student("2019020002").await;
    client.call("start_verification", &[]).await.expect("start");
    for code in [
        "441900", "442000", "460400", "620200", "429004", "419001", "110101",
    ] {
        let saved = client
            .save("draft", &with(&valid_form(), &[("origin_code", code)]), "")
            .await;
        assert!(saved.is_ok(), "{code}: {saved:?}");
    }
}

#[tokio::test]
async fn save_submit_withdraw_resubmit() {
    let app = TestApp::spawn().await;
    let client = app.student("2019010001").await;
    let started = client.call("start_verification", &[]).await.expect("start");
    assert_eq!(
        started["verification"]["values"]["qq"], "12345678",
        "the form is pre-filled from 校库"
    );

    let form = with(&valid_form(), &[("normal_category", "1")]);
    let saved = client.save("draft", &form, "").await.expect("draft saves");
    assert_eq!(saved["verification"]["status"], "Unverified");
    assert_eq!(saved["verification"]["values"]["qq"], "123456789");

    let submitted = client
        .save("submit", &form, "first-submit")
        .await
        .expect("submit");
    assert_eq!(submitted["verification"]["status"], "Submitted");

    // While submitted the student cannot edit.
    let err = client.save("draft", &form, "").await.unwrap_err();
    assert!(matches!(err, AppError::Rejected(_)), "{err:?}");

    let version = submitted["verification"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let withdrawn = client
        .call("withdraw_verification", &[("version", &version)])
        .await
        .expect("withdraw");
    assert_eq!(withdrawn["verification"]["status"], "Unverified");

    let again = client
        .save("submit", &form, "second-submit")
        .await
        .expect("resubmit");
    assert_eq!(again["verification"]["status"], "Submitted");
    assert_eq!(app.audit_count("2019010001", "submit").await, 2);
    assert_eq!(app.audit_count("2019010001", "withdraw").await, 1);
}

#[tokio::test]
async fn a_repeated_submit_is_applied_once() {
    let app = TestApp::spawn().await;
    let client = app.student("2019010001").await;
    client.call("start_verification", &[]).await.expect("start");
    let form = with(&valid_form(), &[("normal_category", "1")]);
    let version = client.version().await.to_string();
    // Two sends of the same submit, as after a double click or a retry.
    let (a, b) = tokio::join!(
        client.save_at("submit", &form, &version, "dup-1"),
        client.save_at("submit", &form, &version, "dup-1"),
    );
    assert!(a.is_ok() && b.is_ok(), "{a:?} {b:?}");
    assert_eq!(app.audit_count("2019010001", "submit").await, 1);
    // Sent again later, still once.
    client
        .save_at("submit", &form, &version, "dup-1")
        .await
        .expect("retry answers with the state");
    assert_eq!(app.audit_count("2019010001", "submit").await, 1);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_not_an_overwrite() {
    let app = TestApp::spawn().await;
    let phone = app.student("2019010001").await;
    let laptop = app.student("2019010001").await;
    phone.call("start_verification", &[]).await.expect("start");
    let version = phone.version().await.to_string();
    laptop
        .save_at(
            "draft",
            &with(&valid_form(), &[("qq", "55555555")]),
            &version,
            "",
        )
        .await
        .expect("first save");
    let err = phone
        .save_at(
            "draft",
            &with(&valid_form(), &[("qq", "66666666")]),
            &version,
            "",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    let info = phone.info().await.unwrap();
    assert_eq!(info["verification"]["values"]["qq"], "55555555");
}

#[tokio::test]
async fn postgraduates_are_never_normal_students() {
    let app = TestApp::spawn().await;
    let client = app.student("2020010001").await;
    client.call("start_verification", &[]).await.expect("start");
    let err = client
        .save(
            "submit",
            &with(&valid_form(), &[("normal_category", "1")]),
            "pg",
        )
        .await
        .unwrap_err();
    assert!(err.field_message("normal_category").is_some(), "{err:?}");
    client
        .save("submit", &valid_form(), "pg2")
        .await
        .expect("非师范生 is accepted");
}

#[tokio::test]
async fn one_student_cannot_read_or_change_another() {
    let app = TestApp::spawn().await;
    let alice = app.student("2019010001").await;
    let bob = app.student("2019010002").await;
    alice
        .call("start_verification", &[])
        .await
        .expect("alice starts");
    // The server functions take no student id: each acts on the caller only, so Bob's calls
    // land on Bob's record whatever he sends.
    bob.call("start_verification", &[])
        .await
        .expect("bob starts");
    bob.save("draft", &with(&valid_form(), &[("qq", "99999999")]), "")
        .await
        .expect("bob saves his own");
    let alice_info = alice.info().await.unwrap();
    assert_eq!(alice_info["record"]["student_no"], "2019010001");
    assert_eq!(
        alice_info["verification"]["values"]["qq"], "12345678",
        "Alice's copy is untouched"
    );
    let bob_info = bob.info().await.unwrap();
    assert_eq!(bob_info["record"]["student_no"], "2019010002");

    // Anonymous and staff callers get nothing.
    let anonymous = app.client();
    assert_eq!(
        anonymous.info().await.unwrap_err(),
        AppError::Unauthenticated
    );
    assert_eq!(
        anonymous
            .save_at("draft", &valid_form(), "1", "")
            .await
            .unwrap_err(),
        AppError::Unauthenticated
    );
    let staff = app.staff("math").await;
    assert_eq!(staff.info().await.unwrap_err(), AppError::Forbidden);
}

#[tokio::test]
async fn session_id_changes_at_login_and_dies_at_logout() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("sy_session="))
            .map(str::to_string)
    };
    let first = client
        .call_raw(
            "login",
            &[
                ("student_no", "2019010001"),
                ("password", &default_password("2019010001")),
            ],
        )
        .await;
    let first_cookie = cookie(&first).expect("a session cookie is set");
    assert!(
        first_cookie.contains("HttpOnly") && first_cookie.contains("SameSite=Lax"),
        "{first_cookie}"
    );
    let second = client
        .call_raw(
            "login",
            &[
                ("student_no", "2019010001"),
                ("password", &default_password("2019010001")),
            ],
        )
        .await;
    let second_cookie = cookie(&second).expect("a new session cookie");
    assert_ne!(
        first_cookie, second_cookie,
        "a new session id at every login"
    );

    // The old token no longer works.
    let old_token = first_cookie.split(';').next().unwrap().to_string();
    let stale = reqwest::Client::new()
        .post(format!("{}/api/my_info", client.base))
        .header("cookie", old_token)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert!(!stale.status().is_success());

    client.info().await.expect("logged in");
    client.call("logout", &[]).await.expect("logout");
    assert_eq!(client.info().await.unwrap_err(), AppError::Unauthenticated);
}

#[tokio::test]
async fn pages_render_and_carry_security_headers() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let page = client.get("/login").await;
    assert!(page.status().is_success());
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("学号") && html.contains("登录"),
        "login form is server-rendered"
    );

    let divisions = client.get("/api/divisions?parent=430000").await;
    assert!(divisions.status().is_success());
    let list: serde_json::Value = serde_json::from_str(&divisions.text().await.unwrap()).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|d| d["name"] == "长沙市")
    );
}

#[tokio::test]
async fn after_a_rejection_the_reason_shows_and_the_student_can_fix_and_resubmit() {
    let app = TestApp::spawn().await;
    let client = app.student("2019010001").await;
    client.call("start_verification", &[]).await.expect("start");
    let form = with(&valid_form(), &[("normal_category", "1")]);
    client
        .save("submit", &form, "before-review")
        .await
        .expect("submit");
    // The college's review is its own capability; here the rejection is written directly.
    sqlx::query(
        "UPDATE verifications SET status = 'rejected', reject_reason = '生源地不准确', version = version + 1
         WHERE student_id = (SELECT id FROM students WHERE student_no = '2019010001')",
    )
    .execute(&app.state.pool)
    .await
    .unwrap();
    let info = client.info().await.unwrap();
    assert_eq!(info["verification"]["status"], "Rejected");
    assert_eq!(info["verification"]["reject_reason"], "生源地不准确");

    let fixed = with(&form, &[("origin_code", "430111")]);
    client
        .save("draft", &fixed, "")
        .await
        .expect("a rejected form can be edited");
    let again = client
        .save("submit", &fixed, "after-review")
        .await
        .expect("and resubmitted");
    assert_eq!(again["verification"]["status"], "Submitted");
    assert!(
        again["verification"]["reject_reason"].is_null(),
        "the old reason is cleared"
    );
    assert_eq!(again["verification"]["origin_name"], "湖南省长沙市雨花区");
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.client();
    let password = default_password("2019010001");
    let form = format!("student_no=2019010001&password={password}");
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let response = client
            .http
            .post(format!("{}/api/login", client.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(header, value)
            .body(form.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}: {value}");
    }
    // The same request from our own origin goes through.
    let own = format!("http://{}", app.addr);
    let response = client
        .http
        .post(format!("{}/api/login", client.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("origin", own)
        .header("sec-fetch-site", "same-origin")
        .body(form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn a_repeated_draft_save_is_applied_once_even_after_later_saves() {
    let app = TestApp::spawn().await;
    let client = app.student("2019010001").await;
    client.call("start_verification", &[]).await.expect("start");
    let version = client.version().await.to_string();
    let form = with(&valid_form(), &[("qq", "11111111")]);
    let first = client
        .save_at("draft", &form, &version, "queued-draft-1")
        .await
        .expect("first send");
    let after_first = first["verification"]["version"].as_i64().unwrap();
    // The answer was lost; a later save went through meanwhile (another queued one).
    client
        .save_at(
            "draft",
            &with(&valid_form(), &[("qq", "22222222")]),
            &after_first.to_string(),
            "queued-draft-2",
        )
        .await
        .expect("second save");
    // The first one sent again (after a reload) with its old version: answered, not applied,
    // not a conflict, and the later value stays.
    let again = client
        .save_at("draft", &form, &version, "queued-draft-1")
        .await
        .expect("resend answers with the state");
    assert_eq!(again["verification"]["values"]["qq"], "22222222");
    assert_eq!(app.audit_count("2019010001", "save_draft").await, 2);
}

#[tokio::test]
async fn a_save_against_an_older_school_record_is_a_conflict() {
    let app = TestApp::spawn().await;
    let client = app.student("2019010001").await;
    let started = client.call("start_verification", &[]).await.expect("start");
    let record_version = started["record"]["version"].as_i64().unwrap();
    let version = started["verification"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    // The counselor corrects a 学籍 field while the student's form is open.
    sqlx::query("UPDATE students SET major_direction = '应用数学', version = version + 1 WHERE student_no = '2019010001'")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let mut fields: Vec<(&str, String)> = valid_form().into_iter().collect();
    fields.push(("record_version", record_version.to_string()));
    let stale = client
        .save_at("draft", &fields, &version, "stale-record")
        .await;
    assert!(matches!(stale, Err(AppError::Conflict(_))), "{stale:?}");
    assert_eq!(app.audit_count("2019010001", "save_draft").await, 0);
    // With the new record version it goes through; without one (old clients) it is not checked.
    fields.pop();
    fields.push(("record_version", (record_version + 1).to_string()));
    client
        .save_at("draft", &fields, &version, "fresh-record")
        .await
        .expect("fresh");
}
