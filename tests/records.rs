//! Staff edits of 学籍 fields and 新增, over HTTP.

mod common;

use common::TestApp;
use serde_json::json;
use shengyuan::error::AppError;

async fn record_of(
    app: &TestApp,
    client: &common::Client,
    student_no: &str,
) -> (serde_json::Value, i64, i64) {
    let id = app.student_id(student_no).await;
    let detail = client
        .call("review_detail", &[("student_id", &id.to_string())])
        .await
        .expect("detail");
    (
        detail["record"].clone(),
        detail["record_version"].as_i64().unwrap(),
        id,
    )
}

#[tokio::test]
async fn counselors_edit_school_fields_of_their_own_college_only() {
    let app = TestApp::spawn().await;
    let math = app.staff("math").await;
    let (mut record, version, id) = record_of(&app, &math, "2019010002").await;
    assert_eq!(
        record["id_number"], "430102200105200020",
        "staff see the full 身份证号"
    );
    record["name"] = json!("李晓红");
    record["class_name"] = json!("数学1902");
    math.call_json(
        "update_record",
        json!({"student_id": id, "version": version, "record": record.clone()}),
    )
    .await
    .expect("edit");
    assert_eq!(app.school_value("2019010002", "name").await, "李晓红");
    assert_eq!(
        app.audit_count("2019010002", "staff_edit").await,
        2,
        "one entry per changed field"
    );

    // A stale form is a conflict.
    let err = math
        .call_json(
            "update_record",
            json!({"student_id": id, "version": version, "record": record.clone()}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");

    // 所在院系 is the school's to change.
    let (mut record, version, _) = record_of(&app, &math, "2019010002").await;
    record["college"] = json!("计算机科学与工程学院");
    let err = math
        .call_json(
            "update_record",
            json!({"student_id": id, "version": version, "record": record.clone()}),
        )
        .await
        .unwrap_err();
    assert!(err.field_message("college").is_some(), "{err:?}");

    // A bad value names its field; another college's staff are refused.
    let (mut bad, version, _) = record_of(&app, &math, "2019010002").await;
    bad["id_number"] = json!("430102200105200021");
    let err = math
        .call_json(
            "update_record",
            json!({"student_id": id, "version": version, "record": bad}),
        )
        .await
        .unwrap_err();
    assert!(err.field_message("id_number").is_some(), "{err:?}");
    let cs = app.staff("cs").await;
    let (record, version, _) = record_of(&app, &math, "2019010002").await;
    let err = cs
        .call_json(
            "update_record",
            json!({"student_id": id, "version": version, "record": record.clone()}),
        )
        .await
        .unwrap_err();
    assert_eq!(err, AppError::Forbidden);

    // While the student's submission waits for review, 学籍 fields stay as they are.
    app.make_submitted("2019010002").await;
    let err = math
        .call_json(
            "update_record",
            json!({"student_id": id, "version": version, "record": record}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Rejected(_)), "{err:?}");
}

#[tokio::test]
async fn the_school_moves_a_student_to_another_college_queue() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let (mut record, version, id) = record_of(&app, &school, "2019010002").await;
    record["college"] = json!("计算机科学与工程学院");
    school
        .call_json(
            "update_record",
            json!({"student_id": id, "version": version, "record": record}),
        )
        .await
        .expect("move");
    app.make_submitted("2019010002").await;
    let in_queue = |page: serde_json::Value| {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["student_no"] == "2019010002")
    };
    let cs = app.staff("cs").await;
    let math = app.staff("math").await;
    assert!(in_queue(
        cs.call("review_queue", &[("filter", "status=all")])
            .await
            .unwrap()
    ));
    assert!(!in_queue(
        math.call("review_queue", &[("filter", "status=all")])
            .await
            .unwrap()
    ));
    assert!(
        cs.call("review_detail", &[("student_id", &id.to_string())])
            .await
            .is_ok()
    );
    assert_eq!(
        math.call("review_detail", &[("student_id", &id.to_string())])
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
}

fn new_student(student_no: &str) -> serde_json::Value {
    json!({
        "record": {
            "student_no": student_no, "name": "复学生", "id_number": "43010420000229002x",
            "exam_no": "18430104100009", "education_level": "本科", "college": "计算机科学与工程学院",
            "major": "软件工程", "major_code": "080902", "major_direction": "", "class_name": "软件1901",
            "study_years": "4", "enrolled_on": "2018-09", "graduating_on": "2023-06"
        },
        "values": {
            "origin_code": "430104", "training_mode": "1", "sponsor_unit": "", "normal_category": "2",
            "urban_rural": "1", "ethnicity": "01", "political": "03", "hardship": "0",
            "mobile": "13912345678", "email": "fx@example.com", "qq": "123456789",
            "home_address": "湖南省长沙市岳麓区麓山南路2号", "home_phone": "", "postcode": "410082"
        }
    })
}

#[tokio::test]
async fn add_a_missing_student_who_then_logs_in() {
    let app = TestApp::spawn().await;
    let math = app.staff("math").await;
    let mut incomplete = new_student("2018010077");
    incomplete["record"]["exam_no"] = json!("");
    incomplete["values"]["qq"] = json!("12a");
    let err = math.call_json("add_student", incomplete).await.unwrap_err();
    assert!(
        err.field_message("exam_no").is_some() && err.field_message("qq").is_some(),
        "{err:?}"
    );

    // A college's staff add to their own college, whatever the form says.
    let id = math
        .call_json("add_student", new_student("2018010077"))
        .await
        .expect("added");
    assert!(id.as_i64().is_some());
    let detail = math
        .call("review_detail", &[("student_id", &id.to_string())])
        .await
        .expect("own college");
    assert_eq!(detail["college"], "数学与计算科学学院");
    assert_eq!(app.audit_count("2018010077", "add_student").await, 1);

    let err = math
        .call_json("add_student", new_student("2018010077"))
        .await
        .unwrap_err();
    assert!(
        err.field_message("student_no").is_some(),
        "the same 学号 twice: {err:?}"
    );

    let student = app.client();
    student
        .login("2018010077", "29002X")
        .await
        .expect("default password: last six, X upper-case");
    assert_eq!(student.info().await.unwrap()["record"]["name"], "复学生");

    let anonymous = app.client();
    assert_eq!(
        anonymous
            .call_json("add_student", new_student("2018010078"))
            .await
            .unwrap_err(),
        AppError::Unauthenticated
    );
    let pupil = app.student("2019010001").await;
    assert_eq!(
        pupil
            .call_json("add_student", new_student("2018010078"))
            .await
            .unwrap_err(),
        AppError::Forbidden
    );
}

#[tokio::test]
async fn authorization_matrix_for_record_changes() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let roles: [(&str, Option<AppError>, Option<AppError>); 5] = [
        // (role, update_record refusal, add_student refusal)
        (
            "anonymous",
            Some(AppError::Unauthenticated),
            Some(AppError::Unauthenticated),
        ),
        (
            "student",
            Some(AppError::Forbidden),
            Some(AppError::Forbidden),
        ),
        ("math", None, None),
        ("cs", Some(AppError::Forbidden), None),
        ("school", None, None),
    ];
    for (i, (role, update_refusal, add_refusal)) in roles.into_iter().enumerate() {
        let client = match role {
            "anonymous" => app.client(),
            "student" => app.student("2019010001").await,
            staff => app.staff(staff).await,
        };
        let (mut record, version, id) = record_of(&app, &school, "2019010002").await;
        record["major_direction"] = json!(format!("方向{i}"));
        let updated = client
            .call_json(
                "update_record",
                json!({"student_id": id, "version": version, "record": record}),
            )
            .await;
        assert_eq!(
            updated.as_ref().err(),
            update_refusal.as_ref(),
            "{role} × update_record: {updated:?}"
        );
        let changed = app.school_value("2019010002", "major_direction").await == format!("方向{i}");
        assert_eq!(
            changed,
            update_refusal.is_none(),
            "{role}: the record changed only when allowed"
        );

        let added = client
            .call_json("add_student", new_student(&format!("20180100{i:02}")))
            .await;
        assert_eq!(
            added.as_ref().err(),
            add_refusal.as_ref(),
            "{role} × add_student: {added:?}"
        );
    }
}
