//! College review over HTTP: the authorization matrix, decisions, copy to 校库, notifications,
//! and the races of two people deciding at once.

mod common;

use common::{Client, TestApp};
use shengyuan::error::AppError;

/// The target: 李小红, 数学与计算科学学院.
const TARGET: &str = "2019010002";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    Anonymous,
    Student,
    SameCollege,
    OtherCollege,
    School,
}

const ROLES: [Role; 5] = [
    Role::Anonymous,
    Role::Student,
    Role::SameCollege,
    Role::OtherCollege,
    Role::School,
];

async fn client_for(app: &TestApp, role: Role) -> Client {
    match role {
        Role::Anonymous => app.client(),
        Role::Student => app.student("2019010001").await,
        Role::SameCollege => app.staff("math").await,
        Role::OtherCollege => app.staff("cs").await,
        Role::School => app.staff("school").await,
    }
}

fn expected_refusal(role: Role) -> Option<AppError> {
    match role {
        Role::Anonymous => Some(AppError::Unauthenticated),
        Role::Student | Role::OtherCollege => Some(AppError::Forbidden),
        Role::SameCollege | Role::School => None,
    }
}

#[tokio::test]
async fn authorization_matrix_for_every_review_endpoint() {
    let app = TestApp::spawn().await;
    let target = app.student_id(TARGET).await.to_string();
    let endpoints = [
        "review_detail",
        "review_approve",
        "review_reject",
        "review_copy",
        "review_next",
    ];
    for role in ROLES {
        let client = client_for(&app, role).await;
        for endpoint in endpoints {
            let version = app.make_submitted(TARGET).await.to_string();
            let args: Vec<(&str, &str)> = match endpoint {
                "review_detail" => vec![("student_id", &target)],
                "review_approve" => vec![("student_id", &target), ("version", &version)],
                "review_reject" => vec![
                    ("student_id", &target),
                    ("version", &version),
                    ("reason", "信息有误"),
                    ("reason_text", ""),
                ],
                "review_copy" => vec![
                    ("student_id", &target),
                    ("version", &version),
                    ("fields", "qq"),
                ],
                _ => vec![("student_id", &target), ("filter", "status=all")],
            };
            let result = client.call(endpoint, &args).await;
            // review_next names no student's data, only a position in the caller's own queue.
            let expected = if endpoint == "review_next" && role == Role::OtherCollege {
                None
            } else {
                expected_refusal(role)
            };
            match &expected {
                Some(refusal) => assert_eq!(
                    result.as_ref().err(),
                    Some(refusal),
                    "{role:?} × {endpoint}: {result:?}"
                ),
                None => assert!(result.is_ok(), "{role:?} × {endpoint}: {result:?}"),
            }
            let status = app.status_of(TARGET).await;
            let changed =
                status != "submitted" || app.school_value(TARGET, "qq").await == "99999999";
            let may_change = expected.is_none()
                && matches!(endpoint, "review_approve" | "review_reject" | "review_copy");
            assert_eq!(
                changed, may_change,
                "{role:?} × {endpoint}: status {status}"
            );
            // Undo a copy so the next cell starts from the same 校库.
            sqlx::query("UPDATE students SET qq = '1234567a' WHERE student_no = $1")
                .bind(TARGET)
                .execute(&app.state.pool)
                .await
                .unwrap();
        }

        // The queue: staff see their own scope only.
        let queue = client
            .call("review_queue", &[("filter", "status=all")])
            .await;
        match role {
            Role::Anonymous => assert_eq!(queue.unwrap_err(), AppError::Unauthenticated),
            Role::Student => assert_eq!(queue.unwrap_err(), AppError::Forbidden),
            _ => {
                let page = queue.expect("staff see a queue");
                let numbers: Vec<&str> = page["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r["student_no"].as_str().unwrap())
                    .collect();
                assert_eq!(
                    numbers.contains(&TARGET),
                    role != Role::OtherCollege,
                    "{role:?}: {numbers:?}"
                );
                if role == Role::School {
                    assert_eq!(numbers.len(), common::ROSTER.lines().count() - 1);
                }
                assert!(
                    page["rows"][0]["id_number"]
                        .as_str()
                        .unwrap()
                        .contains("***********"),
                    "masked in lists"
                );
            }
        }

        // Batch approve refuses other colleges' students row by row.
        let version = app.make_submitted(TARGET).await;
        let items = format!("{target}:{version}");
        let batch = client
            .call("review_approve_many", &[("items", &items)])
            .await;
        match expected_refusal(role) {
            Some(AppError::Unauthenticated) => {
                assert_eq!(batch.unwrap_err(), AppError::Unauthenticated)
            }
            Some(_) if role == Role::Student => assert_eq!(batch.unwrap_err(), AppError::Forbidden),
            Some(_) => {
                let b = batch.unwrap();
                assert_eq!(
                    (b["approved"].as_i64(), b["failed"].as_array().map(Vec::len)),
                    (Some(0), Some(1)),
                    "{role:?}"
                );
            }
            None => assert_eq!(batch.unwrap()["approved"], 1, "{role:?}"),
        }
    }
}

#[tokio::test]
async fn reject_notifies_the_student_who_fixes_and_resubmits_then_approval() {
    let app = TestApp::spawn().await;
    let student = app.student(TARGET).await;
    student.call("start_verification", &[]).await.unwrap();
    let form = common::with(&common::valid_form(), &[("normal_category", "1")]);
    student.save("submit", &form, "r1").await.expect("submit");
    let counselor = app.staff("math").await;
    let id = app.student_id(TARGET).await.to_string();
    let version = student.version().await.to_string();

    let err = counselor
        .call(
            "review_reject",
            &[("student_id", &id), ("version", &version), ("reason", "")],
        )
        .await
        .unwrap_err();
    assert!(
        err.field_message("reason").is_some(),
        "a rejection needs a reason: {err:?}"
    );
    counselor
        .call(
            "review_reject",
            &[
                ("student_id", &id),
                ("version", &version),
                ("reason", "生源地不准确"),
                ("reason_text", "请选到区县"),
            ],
        )
        .await
        .expect("reject");
    let info = student.info().await.unwrap();
    assert_eq!(info["verification"]["status"], "Rejected");
    assert_eq!(
        info["verification"]["reject_reason"],
        "生源地不准确：请选到区县"
    );
    let inbox = student.call("notifications", &[]).await.unwrap();
    assert_eq!(inbox["unread"], 1);
    assert!(
        inbox["items"][0]["body"]
            .as_str()
            .unwrap()
            .contains("生源地不准确")
    );

    student
        .save(
            "submit",
            &common::with(&form, &[("origin_code", "430111")]),
            "r2",
        )
        .await
        .expect("resubmit");
    let version = student.version().await.to_string();
    counselor
        .call(
            "review_approve",
            &[("student_id", &id), ("version", &version)],
        )
        .await
        .expect("approve");
    assert_eq!(app.status_of(TARGET).await, "approved");
    assert_eq!(
        student.call("notifications", &[]).await.unwrap()["unread"],
        2
    );
    student.call("notifications_read", &[]).await.unwrap();
    assert_eq!(
        student.call("notifications", &[]).await.unwrap()["unread"],
        0
    );
}

#[tokio::test]
async fn copy_to_school_one_field_or_all_and_the_history_shows_it() {
    let app = TestApp::spawn().await;
    let version = app.make_submitted(TARGET).await.to_string();
    let counselor = app.staff("math").await;
    let id = app.student_id(TARGET).await.to_string();
    let detail = counselor
        .call(
            "review_copy",
            &[("student_id", &id), ("version", &version), ("fields", "qq")],
        )
        .await
        .expect("copy qq");
    assert_eq!(app.school_value(TARGET, "qq").await, "99999999");
    assert_eq!(
        app.school_value(TARGET, "mobile").await,
        "13800138002",
        "only the chosen field"
    );
    let qq = detail["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "qq")
        .unwrap();
    assert_eq!(qq["differs"], false);
    let err = counselor
        .call(
            "review_copy",
            &[
                ("student_id", &id),
                ("version", &version),
                ("fields", "password_hash"),
            ],
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Rejected(_)), "{err:?}");

    let detail = counselor
        .call(
            "review_copy",
            &[
                ("student_id", &id),
                ("version", &version),
                ("fields", "all"),
            ],
        )
        .await
        .expect("copy all");
    assert!(
        detail["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["differs"] == false)
    );
    assert_eq!(app.school_value(TARGET, "origin_code").await, "430104");
    let history = detail["history"].as_array().unwrap();
    let copies: Vec<_> = history
        .iter()
        .filter(|h| h["action"] == "复制到校库")
        .collect();
    assert!(copies.len() >= 3, "{history:?}");
    assert!(copies.iter().any(|h| h["field"] == "QQ号码"
        && h["old_value"] == "1234567a"
        && h["new_value"] == "99999999"));
    assert!(copies.iter().all(|h| h["actor"] == "staff:math"));
}

#[tokio::test]
async fn withdraw_racing_approve_has_exactly_one_winner() {
    for _ in 0..3 {
        let app = TestApp::spawn().await;
        let student = app.student(TARGET).await;
        let counselor = app.staff("math").await;
        let version = app.make_submitted(TARGET).await.to_string();
        let id = app.student_id(TARGET).await.to_string();
        let withdraw_args = [("version", version.as_str())];
        let approve_args = [("student_id", id.as_str()), ("version", version.as_str())];
        let (withdrawn, approved) = tokio::join!(
            student.call("withdraw_verification", &withdraw_args),
            counselor.call("review_approve", &approve_args),
        );
        assert!(
            withdrawn.is_ok() != approved.is_ok(),
            "exactly one wins: {withdrawn:?} / {approved:?}"
        );
        let student_won = withdrawn.is_ok();
        let loser = if student_won {
            approved.unwrap_err()
        } else {
            withdrawn.unwrap_err()
        };
        assert!(
            matches!(loser, AppError::Conflict(_)),
            "the loser is told to reload: {loser:?}"
        );
        let decisions =
            app.audit_count(TARGET, "withdraw").await + app.audit_count(TARGET, "approve").await;
        assert_eq!(decisions, 1);
        assert_eq!(
            app.status_of(TARGET).await,
            if student_won {
                "unverified"
            } else {
                "approved"
            }
        );
    }
}

#[tokio::test]
async fn two_counselors_deciding_at_once_have_exactly_one_winner() {
    let app = TestApp::spawn().await;
    let math = app.staff("math").await;
    let school = app.staff("school").await;
    let version = app.make_submitted(TARGET).await.to_string();
    let id = app.student_id(TARGET).await.to_string();
    let approve_args = [("student_id", id.as_str()), ("version", version.as_str())];
    let reject_args = [
        ("student_id", id.as_str()),
        ("version", version.as_str()),
        ("reason", "信息有误"),
    ];
    let (a, b) = tokio::join!(
        math.call("review_approve", &approve_args),
        school.call("review_reject", &reject_args),
    );
    assert!(a.is_ok() != b.is_ok(), "{a:?} / {b:?}");
    assert!(matches!(
        a.as_ref().err().or(b.as_ref().err()),
        Some(AppError::Conflict(_))
    ));
    assert_eq!(
        app.audit_count(TARGET, "approve").await + app.audit_count(TARGET, "reject").await,
        1
    );
}

#[tokio::test]
async fn queue_filters_and_next() {
    let app = TestApp::spawn().await;
    for no in ["2019010001", "2019010002", "2020010001"] {
        app.make_submitted(no).await;
    }
    let counselor = app.staff("math").await;
    let page = counselor
        .call("review_queue", &[("filter", "status=submitted")])
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    let counts = page["counts"].as_array().unwrap();
    assert!(
        counts.iter().any(|c| c[0] == "Submitted" && c[1] == 3),
        "{counts:?}"
    );
    let pg = counselor
        .call("review_queue", &[("filter", "status=submitted&level=11")])
        .await
        .unwrap();
    assert_eq!(pg["total"], 1, "硕士 only");
    let found = counselor
        .call("review_queue", &[("filter", "status=all&q=%E6%9D%8E")])
        .await
        .unwrap();
    assert_eq!(
        found["rows"][0]["name"], "李小红",
        "search by part of the name"
    );
    let differs = counselor
        .call("review_queue", &[("filter", "status=all&differs=1")])
        .await
        .unwrap();
    assert_eq!(
        differs["total"], 3,
        "the three submitted copies differ from 校库"
    );

    let first = app.student_id("2019010001").await.to_string();
    let next = counselor
        .call(
            "review_next",
            &[("student_id", &first), ("filter", "status=submitted")],
        )
        .await
        .unwrap();
    assert_eq!(next.as_i64(), Some(app.student_id("2019010002").await));
}
