//! The school office over HTTP: campaign windows, roster upload → preview → confirm (csv and
//! xlsx, school and college scope), cohort removal and restore, the national export, the dashboard.

mod common;

use common::{ROSTER, TestApp, default_password, valid_form};
use serde_json::json;
use shengyuan::error::AppError;

const STUDENT: &str = "2019010001"; // 数学与计算科学学院

fn day(offset: i64) -> String {
    (shengyuan::server::windows::today() + chrono::Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

fn campaign(students: (i64, i64), review: (i64, i64)) -> serde_json::Value {
    json!({ "input": {
        "cohort": "2023届", "school_name": "湖南示范大学",
        "student_opens_on": day(students.0), "student_closes_on": day(students.1),
        "review_opens_on": day(review.0), "review_closes_on": day(review.1),
    }})
}

fn outside(result: Result<serde_json::Value, AppError>) -> String {
    match result {
        Err(AppError::OutsideWindow(message)) => message,
        other => panic!("expected a window refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn windows_hold_students_and_colleges_but_not_the_school() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let counselor = app.staff("math").await;

    // Only 学校 sets the campaign, and the form is checked field by field.
    assert_eq!(
        counselor
            .call_json("save_campaign", campaign((-10, 10), (-10, 20)))
            .await,
        Err(AppError::Forbidden)
    );
    let bad = school
        .call_json("save_campaign", campaign((0, -5), (0, -10)))
        .await;
    assert!(
        matches!(&bad, Err(e) if e.field_message("student_closes_on").is_some()),
        "{bad:?}"
    );

    // The students' window closed yesterday; the review window is still open.
    school
        .call_json("save_campaign", campaign((-30, -1), (-30, 10)))
        .await
        .expect("saved");
    let student = app.student(STUDENT).await;
    let message = outside(student.call("start_verification", &[]).await);
    assert!(
        message.contains("已截止") && message.contains(&day(-1)),
        "{message}"
    );
    let form = valid_form();
    let message = outside(student.save("submit", &form, "w-1").await);
    assert!(
        message.contains(&day(-30)),
        "the dates are named: {message}"
    );
    student.info().await.expect("reading stays possible");

    // Colleges review inside their window; after it closes only 学校 may act.
    let version = app.make_submitted(STUDENT).await;
    let id = app.student_id(STUDENT).await.to_string();
    school
        .call_json("save_campaign", campaign((-30, -2), (-30, -1)))
        .await
        .expect("saved");
    let message = outside(
        counselor
            .call(
                "review_approve",
                &[("student_id", &id), ("version", &version.to_string())],
            )
            .await,
    );
    assert!(message.contains("学院审核"), "{message}");
    school
        .call(
            "review_approve",
            &[("student_id", &id), ("version", &version.to_string())],
        )
        .await
        .expect("学校 is not held by the window");

    // Extending reopens: the student can start again.
    let other = app.student("2019010002").await;
    assert!(other.call("start_verification", &[]).await.is_err());
    school
        .call_json("save_campaign", campaign((-30, 3), (-30, 10)))
        .await
        .expect("extended");
    other
        .call("start_verification", &[])
        .await
        .expect("open again");
    let view = other.call("load_campaign", &[]).await.expect("campaign");
    assert_eq!(view["campaign"]["students"]["closes_on"], day(3));
}

/// Uploads `bytes` as `file_name` the way the page's form does; returns the upload's id.
async fn upload(client: &common::Client, file_name: &str, bytes: Vec<u8>) -> i64 {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = client
        .http
        .post(format!("{}/staff/import/upload", client.base))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 303, "redirected to the preview");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    location
        .strip_prefix("/staff/import/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("preview location {location}"))
}

async fn student_count(app: &TestApp) -> i64 {
    sqlx::query_scalar::<sqlx::Sqlite, i64>("SELECT COUNT(*) FROM students")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

/// The fixture roster plus a new student, with one existing student's QQ changed and a bad row.
fn edited_roster() -> String {
    let mut text = ROSTER.replacen("12345678\n", "87654321\n", 1);
    let template = text
        .lines()
        .find(|l| l.starts_with("2019030001,"))
        .unwrap()
        .to_string();
    let mut cells: Vec<String> = template.split(',').map(str::to_string).collect();
    cells[0] = "2019030099".into();
    cells[1] = "19430104100099".into();
    cells[2] = "新同学".into();
    text.push_str(&cells.join(","));
    text.push('\n');
    cells[0] = "2019030098".into();
    cells[4] = "430104200113450018".into(); // no 13th month
    text.push_str(&cells.join(","));
    text.push('\n');
    text
}

#[tokio::test]
async fn an_upload_is_previewed_then_written_once() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let before = student_count(&app).await;
    let id = upload(&school, "名单.csv", edited_roster().into_bytes()).await;
    let preview = school
        .call("import_preview", &[("upload_id", &id.to_string())])
        .await
        .expect("preview");
    let fixture = ROSTER.lines().count() as u64 - 1;
    assert_eq!(preview["added_count"], 1);
    assert_eq!(preview["changed_count"], 1);
    assert_eq!(preview["unchanged_count"].as_u64(), Some(fixture - 1));
    let refused = preview["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0][0].as_u64(),
        Some(fixture + 3),
        "the bad row's line: {refused:?}"
    );
    assert!(
        refused[0][1].as_str().unwrap().contains("身份证号"),
        "{refused:?}"
    );
    assert!(
        preview["columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c[0] == "民族" && c[1] == "民族"),
        "matched columns are shown"
    );
    assert_eq!(
        student_count(&app).await,
        before,
        "nothing written before confirming"
    );

    let summary = school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await
        .expect("confirm");
    assert!(summary.as_str().unwrap().contains("新增 1 人"), "{summary}");
    assert_eq!(student_count(&app).await, before + 1);
    assert!(
        school
            .call("import_confirm", &[("upload_id", &id.to_string())])
            .await
            .is_err()
    );
    let new_student = app.client();
    new_student
        .login("2019030099", &default_password("2019030001"))
        .await
        .expect("the new student logs in");

    // The same file again: nothing to add or change.
    let again = upload(&school, "名单.csv", edited_roster().into_bytes()).await;
    let preview = school
        .call("import_preview", &[("upload_id", &again.to_string())])
        .await
        .expect("preview");
    assert_eq!(
        (
            preview["added_count"].as_u64(),
            preview["changed_count"].as_u64()
        ),
        (Some(0), Some(0))
    );

    // Another college's staff cannot look at the school's upload.
    let counselor = app.staff("cs").await;
    assert_eq!(
        counselor
            .call("import_preview", &[("upload_id", &id.to_string())])
            .await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn xlsx_uploads_read_like_csv_and_colleges_import_their_own_students_only() {
    let app = TestApp::spawn().await;
    let table = shengyuan::server::spreadsheet::read("x.csv", edited_roster().as_bytes()).unwrap();
    let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = table.rows.into_iter().map(|(_, r)| r).collect();
    let xlsx = shengyuan::server::export::to_xlsx("名单", &headers, &rows).unwrap();

    let counselor = app.staff("math").await;
    let id = upload(&counselor, "名单.xlsx", xlsx).await;
    let preview = counselor
        .call("import_preview", &[("upload_id", &id.to_string())])
        .await
        .expect("preview");
    assert_eq!(preview["scope"], "数学与计算科学学院");
    let math_rows = ROSTER
        .lines()
        .filter(|l| l.contains(",数学与计算科学学院,"))
        .count() as u64;
    assert_eq!(preview["unchanged_count"].as_u64(), Some(math_rows - 1));
    assert_eq!(preview["changed_count"], 1);
    assert_eq!(
        preview["added_count"], 0,
        "the new 外国语学院 student is not theirs"
    );
    let refused = preview["refused"].as_array().unwrap();
    assert!(
        refused
            .iter()
            .any(|r| r[1].as_str().unwrap().contains("不属于本学院")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_removed_student_cannot_log_in_keeps_history_and_can_be_restored() {
    let app = TestApp::spawn().await;
    let id = app.student_id(STUDENT).await.to_string();
    let counselor = app.staff("math").await;
    let other = app.staff("cs").await;
    let school = app.staff("school").await;
    let student = app.student(STUDENT).await;

    assert_eq!(
        other
            .call(
                "request_removal",
                &[("student_id", &id), ("reason", "休学")]
            )
            .await,
        Err(AppError::Forbidden)
    );
    let empty = counselor
        .call("request_removal", &[("student_id", &id), ("reason", " ")])
        .await;
    assert!(matches!(&empty, Err(e) if e.field_message("removal_reason").is_some()));
    counselor
        .call(
            "request_removal",
            &[("student_id", &id), ("reason", "休学一年")],
        )
        .await
        .expect("requested");
    let changes = school
        .call("load_cohort_changes", &[])
        .await
        .expect("changes");
    let request_id = changes["pending"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        counselor
            .call(
                "decide_removal",
                &[("request_id", &request_id), ("approve", "true")]
            )
            .await,
        Err(AppError::Forbidden)
    );
    school
        .call(
            "decide_removal",
            &[("request_id", &request_id), ("approve", "true")],
        )
        .await
        .expect("approved");

    assert_eq!(
        student.info().await,
        Err(AppError::Unauthenticated),
        "sessions end"
    );
    assert!(
        app.client()
            .login(STUDENT, &default_password(STUDENT))
            .await
            .is_err()
    );
    let queue = counselor
        .call("review_queue", &[("filter", "status=all")])
        .await
        .expect("queue");
    assert!(
        !queue["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["student_no"] == STUDENT)
    );
    assert_eq!(app.audit_count(STUDENT, "removal_approved").await, 1);
    assert_eq!(app.audit_count(STUDENT, "login").await, 1, "history kept");

    school
        .call("restore_student", &[("student_id", &id)])
        .await
        .expect("restored");
    app.client()
        .login(STUDENT, &default_password(STUDENT))
        .await
        .expect("logs in again");
    let changes = school
        .call("load_cohort_changes", &[])
        .await
        .expect("changes");
    assert_eq!(changes["removed"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_export_keeps_codes_as_text_and_cells_safe() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "UPDATE students SET home_address = '=HYPERLINK(\"http://x\")' WHERE student_no = $1",
    )
    .bind(STUDENT)
    .execute(&app.state.pool)
    .await
    .unwrap();
    let school = app.staff("school").await;
    let response = school.get("/staff/export.csv").await;
    assert_eq!(response.status(), 200);
    let text = String::from_utf8(response.bytes().await.unwrap().to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), ROSTER.lines().count() - 1);
    let row = rows.iter().find(|r| &r[0] == STUDENT).unwrap();
    assert_eq!(&row[col("民族代码")], "01");
    assert_eq!(&row[col("政治面貌代码")], "03");
    assert_eq!(row[col("生源所在地代码")].len(), 6);
    assert_eq!(&row[col("家庭地址")], "'=HYPERLINK(\"http://x\")");

    // The xlsx has the same cells, as text.
    let response = school.get("/staff/export.xlsx").await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let table = shengyuan::server::spreadsheet::read("e.xlsx", &bytes).unwrap();
    let first = table.rows.iter().find(|(_, r)| r[0] == STUDENT).unwrap();
    assert_eq!(first.1[col("民族代码")], "01");
    assert_eq!(first.1[col("身份证号")].len(), 18);

    // A college gets its own students whatever it asks for.
    let counselor = app.staff("cs").await;
    let text = counselor
        .get("/staff/export.csv?college=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(!text.contains(STUDENT));
    assert!(text.contains("计算机科学与工程学院"));
    assert_eq!(app.client().get("/staff/export.csv").await.status(), 401);
    let student = app.student(STUDENT).await;
    assert_eq!(student.get("/staff/export.xlsx").await.status(), 403);
}

#[tokio::test]
async fn the_dashboard_counts_match_the_queue() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let before = school.call("load_dashboard", &[]).await.expect("dashboard");
    let fixture = ROSTER.lines().count() as i64 - 1;
    let total: i64 = before["total"]["by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(total, fixture);
    assert_eq!(before["not_started_total"].as_i64(), Some(fixture));
    app.make_submitted(STUDENT).await;
    let after = school.call("load_dashboard", &[]).await.expect("dashboard");
    assert_eq!(
        after["total"]["by_status"][1].as_i64(),
        Some(1),
        "one 学生已核"
    );
    assert_eq!(after["not_started_total"].as_i64(), Some(fixture - 1));
    let queue = school
        .call("review_queue", &[("filter", "status=submitted")])
        .await
        .expect("queue");
    assert_eq!(queue["total"], after["total"]["by_status"][1]);
    let counselor = app.staff("math").await;
    let own = counselor
        .call("load_dashboard", &[])
        .await
        .expect("dashboard");
    assert_eq!(own["colleges"].as_array().unwrap().len(), 1);
    let csv = counselor
        .get("/staff/not-started.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains(STUDENT), "started students are not listed");
    assert!(csv.contains("2019010002"));
}

#[tokio::test]
async fn school_staff_create_move_and_disable_staff_accounts() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let counselor = app.staff("math").await;
    let colleges = school
        .call("load_staff_directory", &[])
        .await
        .expect("directory")["colleges"]
        .clone();
    let college_id = |name: &str| {
        colleges
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[1] == name)
            .map(|c| c[0].as_i64().unwrap().to_string())
            .unwrap()
    };
    let fl = college_id("外国语学院");
    let create = |who: &common::Client, username: &'static str| {
        let fl = fl.clone();
        let who = who.clone_for_call();
        async move {
            who.call(
                "create_staff_account",
                &[
                    ("username", username),
                    ("display_name", "外语辅导员"),
                    ("college_id", &fl),
                    ("password", "Initial-Pass-9"),
                ],
            )
            .await
        }
    };
    assert_eq!(
        create(&counselor, "fl_teacher").await,
        Err(AppError::Forbidden)
    );
    create(&school, "fl_teacher").await.expect("created");
    let taken = create(&school, "fl_teacher").await;
    assert!(
        matches!(&taken, Err(e) if e.field_message("username").is_some()),
        "{taken:?}"
    );

    // The new account must change the initial password before anything else.
    let teacher = app.client();
    teacher
        .call(
            "staff_login",
            &[("username", "fl_teacher"), ("password", "Initial-Pass-9")],
        )
        .await
        .expect("logs in");
    assert_eq!(
        teacher.call("load_dashboard", &[]).await,
        Err(AppError::PasswordChangeRequired)
    );
    teacher
        .call(
            "change_password",
            &[
                ("current_password", "Initial-Pass-9"),
                ("new_password", "Own-Passphrase-4"),
                ("confirm_password", "Own-Passphrase-4"),
            ],
        )
        .await
        .expect("changed");
    let dashboard = teacher
        .call("load_dashboard", &[])
        .await
        .expect("dashboard");
    assert_eq!(dashboard["scope"], "外国语学院");

    // Moved to another college, the counselor's queue follows; disabled, the account is out.
    let math_id: String =
        sqlx::query_scalar::<sqlx::Sqlite, i64>("SELECT id FROM staff WHERE username = 'math'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap()
            .to_string();
    school
        .call(
            "update_staff_account",
            &[
                ("id", &math_id),
                ("display_name", "辅导员"),
                ("college_id", &college_id("计算机科学与工程学院")),
                ("disabled", "false"),
            ],
        )
        .await
        .expect("moved");
    let queue = counselor
        .call("review_queue", &[("filter", "status=all")])
        .await
        .expect("queue");
    let cs_students: Vec<&str> = ROSTER
        .lines()
        .filter(|l| l.contains(",计算机科学与工程学院,"))
        .filter_map(|l| l.split(',').next())
        .collect();
    let rows = queue["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| cs_students.contains(&r["student_no"].as_str().unwrap())),
        "{rows:?}"
    );
    school
        .call(
            "update_staff_account",
            &[
                ("id", &math_id),
                ("display_name", "辅导员"),
                ("disabled", "true"),
            ],
        )
        .await
        .expect("disabled");
    assert_eq!(
        counselor.call("load_dashboard", &[]).await,
        Err(AppError::Unauthenticated)
    );
    assert!(
        app.client()
            .call(
                "staff_login",
                &[("username", "math"), ("password", common::STAFF_PASSWORD)]
            )
            .await
            .is_err()
    );
}

#[tokio::test]
async fn imported_units_are_renamed_by_their_own_staff() {
    let app = TestApp::spawn().await;
    let counselor = app.staff("math").await;
    let tree = counselor.call("load_org", &[]).await.expect("tree");
    assert_eq!(
        tree["colleges"].as_array().unwrap().len(),
        1,
        "own college only"
    );
    let college = &tree["colleges"][0];
    let major_id = college["majors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["unit"]["name"] == "数学与应用数学")
        .map(|m| m["unit"]["id"].as_i64().unwrap().to_string())
        .expect("the fixture's major");
    let college_id = college["unit"]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        counselor
            .call(
                "rename_org",
                &[
                    ("kind", "college"),
                    ("id", &college_id),
                    ("name", "数学学院")
                ]
            )
            .await,
        Err(AppError::Forbidden)
    );
    counselor
        .call(
            "rename_org",
            &[
                ("kind", "major"),
                ("id", &major_id),
                ("name", "数学与应用数学（师范）"),
                ("code", "070101"),
            ],
        )
        .await
        .expect("renamed");
    let info = app.student(STUDENT).await.info().await.expect("info");
    assert!(
        info.to_string().contains("数学与应用数学（师范）"),
        "the student sees the new name"
    );
    let other = app.staff("cs").await;
    assert_eq!(
        other
            .call(
                "rename_org",
                &[("kind", "major"), ("id", &major_id), ("name", "x")]
            )
            .await,
        Err(AppError::Forbidden)
    );
}

#[tokio::test]
async fn a_save_applied_before_the_window_closed_is_answered_after_it() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let student = app.student("2019010001").await;
    student
        .call("start_verification", &[])
        .await
        .expect("start");
    let version = student.version().await.to_string();
    let form = valid_form();
    student
        .save_at("submit", &form, &version, "sent-before-close")
        .await
        .expect("submitted in time");
    school
        .call_json("save_campaign", campaign((-30, -1), (-30, 10)))
        .await
        .expect("window closed");
    // The answer was lost; the phone resends after the deadline: it counted, so it is answered.
    let again = student
        .save_at("submit", &form, &version, "sent-before-close")
        .await
        .expect("answered with the state");
    assert_eq!(again["verification"]["status"], "Submitted");
    // A new save is refused by the window.
    outside(
        student
            .save_at("draft", &form, &version, "sent-after-close")
            .await,
    );
    assert_eq!(app.audit_count("2019010001", "submit").await, 1);
}
