//! The roster importer against a real database: idempotence, refused rows, pre-filled forms.

mod common;

use common::{ROSTER, TestApp};
use shengyuan::server::roster;

#[tokio::test]
async fn reimporting_the_same_file_changes_nothing() {
    let app = TestApp::spawn().await; // imports the fixture once
    let versions = || async {
        sqlx::query_scalar::<sqlx::Sqlite, i64>("SELECT SUM(version) FROM students")
            .fetch_one(&app.state.pool)
            .await
            .unwrap()
    };
    let before = versions().await;
    let report = roster::import_csv(&app.state.pool, ROSTER)
        .await
        .expect("import");
    assert_eq!(
        (report.added, report.changed),
        (0, 0),
        "{}",
        report.summary()
    );
    let fixture = ROSTER.lines().count() - 1;
    assert_eq!(report.unchanged, fixture);
    assert_eq!(versions().await, before);

    // A changed cell changes exactly that student.
    let edited = ROSTER.replacen("12345678\n", "87654321\n", 1);
    let report = roster::import_csv(&app.state.pool, &edited)
        .await
        .expect("import");
    assert_eq!(
        (report.added, report.changed, report.unchanged),
        (0, 1, fixture - 1),
        "{}",
        report.summary()
    );
}

#[tokio::test]
async fn bad_rows_are_reported_and_good_rows_still_land() {
    let app = TestApp::spawn().await;
    let csv = "xh,xm,sfzh,xldm,院系,专业,syszddm,QQ号码\n\
               2021000001,新同学,430104200103150018,31,数学与计算科学学院,数学与应用数学,430100,12345a\n\
               2021000002,坏号码,430104200103150019,31,数学与计算科学学院,数学与应用数学,430104,123456\n\
               2021000003,,430104200103150018,31,数学与计算科学学院,数学与应用数学,430104,123456\n";
    let report = roster::import_csv(&app.state.pool, csv)
        .await
        .expect("import runs");
    assert_eq!(report.added, 1, "{}", report.summary());
    assert_eq!(report.refused, 2);
    let text: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert!(
        text.iter()
            .any(|p| p.starts_with("第3行") && p.contains("校验位")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|p| p.starts_with("第4行") && p.contains("姓名")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|p| p.starts_with("第2行") && p.contains("QQ号码")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|p| p.starts_with("第2行") && p.contains("县（区）一级")),
        "{text:?}"
    );

    // The dirty values pre-fill the new student's form as they are, for the student to correct.
    let client = app.client();
    client
        .login("2021000001", "150018")
        .await
        .expect("the new student logs in with the default password");
    let started = client.call("start_verification", &[]).await.expect("start");
    assert_eq!(started["verification"]["values"]["qq"], "12345a");
    assert_eq!(started["verification"]["values"]["origin_code"], "430100");
    assert_eq!(
        started["verification"]["origin_path"],
        serde_json::json!(["430000", "430100"])
    );
}
