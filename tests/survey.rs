//! The survey gate and the survey's rules over HTTP.

mod common;

use common::{TestApp, valid_form};
use serde_json::json;
use shengyuan::error::AppError;

const STUDENT: &str = "2019010001";

fn full_answers(ids: &[i64]) -> serde_json::Value {
    // The default survey: 去向, 城市 (multiple), 行业 (multiple), 单位性质, 月薪, 建议 (optional).
    json!({ "answers": {
        ids[0].to_string(): ["考研"],
        ids[1].to_string(): ["长沙", "深圳"],
        ids[2].to_string(): ["教育"],
        ids[3].to_string(): ["国有企业"],
        ids[4].to_string(): ["8000"],
    }})
}

async fn question_ids(school: &common::Client) -> Vec<i64> {
    let o = school
        .call("load_survey_overview", &[])
        .await
        .expect("overview");
    o["stats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["question"]["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_form_stays_closed_until_the_survey_is_submitted() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let counselor = app.staff("math").await;
    assert!(
        school
            .call("set_survey_required", &[("required", "true")])
            .await
            .is_err(),
        "no questions yet"
    );
    assert_eq!(
        counselor.call("install_default_survey", &[]).await,
        Err(AppError::Forbidden)
    );
    school
        .call("install_default_survey", &[])
        .await
        .expect("default survey");
    school
        .call("set_survey_required", &[("required", "true")])
        .await
        .expect("gate on");
    let ids = question_ids(&school).await;
    assert_eq!(ids.len(), 6);

    let student = app.student(STUDENT).await;
    assert_eq!(student.info().await, Err(AppError::SurveyRequired));
    assert_eq!(
        student.call("start_verification", &[]).await,
        Err(AppError::SurveyRequired)
    );
    let direct = student.save_at("draft", &valid_form(), "0", "s-1").await;
    assert_eq!(
        direct,
        Err(AppError::SurveyRequired),
        "direct calls are refused too"
    );

    // A sheet that breaks the rules names the questions.
    let bad = student
        .call_json("submit_survey", json!({ "answers": { ids[0].to_string(): ["考研", "就业"], ids[4].to_string(): ["很多"] } }))
        .await;
    let Err(AppError::Validation(errors)) = bad else {
        panic!("{bad:?}")
    };
    assert!(
        errors
            .get(&format!("q{}", ids[0]))
            .unwrap()
            .contains("只能选一项")
    );
    assert!(
        errors
            .get(&format!("q{}", ids[1]))
            .unwrap()
            .contains("请回答")
    );
    assert!(
        errors
            .get(&format!("q{}", ids[4]))
            .unwrap()
            .contains("数字")
    );

    student
        .call_json("submit_survey", full_answers(&ids))
        .await
        .expect("submitted");
    student.info().await.expect("the form opens");
    assert_eq!(app.audit_count(STUDENT, "survey_submitted").await, 1);

    // Answers can change until 生源信息 is submitted, then not.
    student
        .call_json("submit_survey", full_answers(&ids))
        .await
        .expect("changed");
    student
        .call("start_verification", &[])
        .await
        .expect("started");
    student
        .save("submit", &valid_form(), "s-2")
        .await
        .expect("生源 submitted");
    let late = student.call_json("submit_survey", full_answers(&ids)).await;
    assert!(matches!(late, Err(AppError::Rejected(_))), "{late:?}");

    // Statistics: the scope's counts, and the number question's median.
    let o = school
        .call("load_survey_overview", &[])
        .await
        .expect("overview");
    assert_eq!(o["respondents"], 1);
    let city = &o["stats"][1]["counts"];
    assert!(
        city.as_array()
            .unwrap()
            .iter()
            .any(|c| c[0] == "深圳" && c[1] == 1)
    );
    assert_eq!(o["stats"][4]["median"].as_f64(), Some(8000.0));
    let other_college = app
        .staff("cs")
        .await
        .call("load_survey_overview", &[])
        .await
        .expect("overview");
    assert_eq!(
        other_college["respondents"], 0,
        "a college sees its own students' answers"
    );
}

#[tokio::test]
async fn once_answered_questions_can_only_be_reworded() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    school
        .call("install_default_survey", &[])
        .await
        .expect("default survey");
    let ids = question_ids(&school).await;
    let student = app.student(STUDENT).await;
    student
        .call_json("submit_survey", full_answers(&ids))
        .await
        .expect("answered");

    let options = "就业\n考研究生\n考公\n出国（境）\n创业\n暂不就业";
    school
        .call_json(
            "save_survey_question",
            json!({ "id": ids[0], "kind": "Single", "prompt": "毕业后的打算", "options": options, "required": true }),
        )
        .await
        .expect("rewording is allowed");
    let mine = student.call("load_my_survey", &[]).await.expect("mine");
    assert_eq!(
        mine["answers"][ids[0].to_string()],
        json!(["考研究生"]),
        "the answer follows the reworded choice"
    );

    let more = format!("{options}\n待定");
    let refused = school
        .call_json("save_survey_question", json!({ "id": ids[0], "kind": "Single", "prompt": "打算", "options": more, "required": true }))
        .await;
    assert!(matches!(refused, Err(AppError::Rejected(_))), "{refused:?}");
    let kind = school
        .call_json("save_survey_question", json!({ "id": ids[4], "kind": "Text", "prompt": "月薪", "options": "", "required": true }))
        .await;
    assert!(matches!(kind, Err(AppError::Rejected(_))));
    assert!(
        school
            .call("delete_survey_question", &[("id", &ids[5].to_string())])
            .await
            .is_err()
    );
    let new = school
        .call_json("save_survey_question", json!({ "id": null, "kind": "Text", "prompt": "新题", "options": "", "required": false }))
        .await;
    assert!(matches!(new, Err(AppError::Rejected(_))));

    // The order can change at any time; answers stay with their question.
    school
        .call(
            "move_survey_question",
            &[("id", &ids[1].to_string()), ("up", "true")],
        )
        .await
        .expect("moved up");
    assert_eq!(question_ids(&school).await[..2], [ids[1], ids[0]]);
    assert!(
        school
            .call(
                "move_survey_question",
                &[("id", &ids[1].to_string()), ("up", "true")]
            )
            .await
            .is_err()
    );
    let counselor = app.staff("math").await;
    assert_eq!(
        counselor
            .call(
                "move_survey_question",
                &[("id", &ids[1].to_string()), ("up", "false")]
            )
            .await,
        Err(AppError::Forbidden)
    );

    // The export has one row per student who answered.
    let response = school.get("/staff/survey.xlsx").await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let table = shengyuan::server::spreadsheet::read("s.xlsx", &bytes).unwrap();
    assert_eq!(table.rows.len(), 1);
    assert!(table.headers.iter().any(|h| h == "毕业后的打算"));
    assert!(table.rows[0].1.iter().any(|c| c == "长沙、深圳"));
}
