//! The job-intention survey: students answer it before 生源信息 (when 学校 requires it) and may
//! change their answers until they submit 生源信息; 学校 manages the questions; staff see the
//! statistics of their scope and export the answers.

use crate::domain::survey::{Answers, Kind, Question};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MySurvey {
    /// Whose answers: the browser keeps unsent answers under this key.
    pub student_no: String,
    pub questions: Vec<Question>,
    pub answers: Answers,
    pub submitted_at: Option<String>,
    /// 生源信息 already submitted: the answers can no longer change.
    pub locked: bool,
}

#[server(prefix = "/api", endpoint = "load_my_survey")]
pub async fn load_my_survey() -> Result<MySurvey, AppError> {
    ssr::mine().await
}

#[server(prefix = "/api", endpoint = "submit_survey", input = Json)]
pub async fn submit_survey(answers: Answers) -> Result<(), AppError> {
    ssr::submit(answers).await
}

/// One question with what the scope answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionStats {
    pub question: Question,
    pub answered: i64,
    /// Choices: (option, how many chose it).
    pub counts: Vec<(String, i64)>,
    /// Numbers: median and mean.
    pub median: Option<f64>,
    pub mean: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyOverview {
    pub required: bool,
    pub respondents: i64,
    pub students: i64,
    pub scope: String,
    pub is_school: bool,
    /// Any response exists: questions can only be reworded.
    pub answered: bool,
    pub stats: Vec<QuestionStats>,
    pub colleges: Vec<(i64, String)>,
}

#[server(prefix = "/api", endpoint = "load_survey_overview")]
pub async fn load_survey_overview(
    #[server(default)] college_id: Option<i64>,
) -> Result<SurveyOverview, AppError> {
    ssr::overview(college_id).await
}

#[server(prefix = "/api", endpoint = "set_survey_required")]
pub async fn set_survey_required(required: bool) -> Result<(), AppError> {
    ssr::set_required(required).await
}

#[server(prefix = "/api", endpoint = "install_default_survey")]
pub async fn install_default_survey() -> Result<(), AppError> {
    ssr::install_default().await
}

/// Adds (`id` None) or changes a question. `options`: one choice a line.
#[server(prefix = "/api", endpoint = "save_survey_question", input = Json)]
pub async fn save_survey_question(
    id: Option<i64>,
    kind: Kind,
    prompt: String,
    options: String,
    required: bool,
) -> Result<(), AppError> {
    ssr::save_question(id, kind, prompt, options, required).await
}

#[server(prefix = "/api", endpoint = "delete_survey_question")]
pub async fn delete_survey_question(id: i64) -> Result<(), AppError> {
    ssr::delete_question(id).await
}

/// Moves a question up (or down) in the order students see (allowed at any time).
#[server(prefix = "/api", endpoint = "move_survey_question")]
pub async fn move_survey_question(id: i64, up: bool) -> Result<(), AppError> {
    ssr::move_question(id, up).await
}

/// The choices typed one a line: trimmed, empty lines dropped.
pub fn option_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::status::Status;
    use crate::server::AppState;
    use crate::server::auth::{log_event, require_school_staff, require_staff, require_student};
    use crate::server::db::{begin_write, students, survey, verifications};

    async fn locked(state: &AppState, student_id: i64) -> Result<bool, AppError> {
        let status = verifications::find(&state.pool, student_id)
            .await?
            .map(|v| v.status)
            .unwrap_or(Status::Unverified);
        Ok(matches!(status, Status::Submitted | Status::Approved))
    }

    pub async fn mine() -> Result<MySurvey, AppError> {
        let student = require_student().await?;
        let state = AppState::current()?;
        let questions = survey::questions(&state.pool).await?;
        let response = survey::response(&state.pool, student.id).await?;
        Ok(MySurvey {
            student_no: student.student_no.clone(),
            questions,
            locked: locked(&state, student.id).await?,
            submitted_at: response.as_ref().map(|(_, at)| at.clone()),
            answers: response.map(|(a, _)| a).unwrap_or_default(),
        })
    }

    pub async fn submit(answers: Answers) -> Result<(), AppError> {
        let student = require_student().await?;
        crate::server::windows::require_student_window().await?;
        let state = AppState::current()?;
        if locked(&state, student.id).await? {
            return Err(AppError::Rejected(
                "已提交生源信息，问卷答案不能再修改".to_string(),
            ));
        }
        let questions = survey::questions(&state.pool).await?;
        if questions.is_empty() {
            return Err(AppError::Rejected("目前没有需要填写的问卷".to_string()));
        }
        let clean =
            crate::domain::survey::check(&questions, &answers).map_err(AppError::Validation)?;
        let mut tx = begin_write(&state.pool).await?;
        survey::save_response(&mut tx, student.id, &clean).await?;
        tx.commit().await?;
        log_event(
            &student.actor(),
            "survey_submitted",
            Some(student.id),
            Some(&format!("{} 题", clean.len())),
        )
        .await
    }

    fn stats_of(questions: &[Question], responses: &[survey::ResponseRow]) -> Vec<QuestionStats> {
        questions
            .iter()
            .map(|q| {
                let given: Vec<&Vec<String>> = responses
                    .iter()
                    .filter_map(|r| r.answers.get(&q.id))
                    .collect();
                let counts = q
                    .options
                    .iter()
                    .map(|o| {
                        (
                            o.clone(),
                            given.iter().filter(|v| v.contains(o)).count() as i64,
                        )
                    })
                    .collect();
                let mut numbers: Vec<f64> = if q.kind == Kind::Number {
                    given
                        .iter()
                        .filter_map(|v| v.first()?.parse().ok())
                        .collect()
                } else {
                    Vec::new()
                };
                numbers.sort_by(|a, b| a.total_cmp(b));
                let median = (!numbers.is_empty()).then(|| {
                    let mid = numbers.len() / 2;
                    if numbers.len() % 2 == 0 {
                        (numbers[mid - 1] + numbers[mid]) / 2.0
                    } else {
                        numbers[mid]
                    }
                });
                let mean = (!numbers.is_empty())
                    .then(|| numbers.iter().sum::<f64>() / numbers.len() as f64);
                QuestionStats {
                    question: q.clone(),
                    answered: given.len() as i64,
                    counts,
                    median,
                    mean,
                }
            })
            .collect()
    }

    pub async fn overview(college_id: Option<i64>) -> Result<SurveyOverview, AppError> {
        let staff = require_staff().await?;
        let state = AppState::current()?;
        let scope_id = staff.college_id.or(college_id);
        let questions = survey::questions(&state.pool).await?;
        let responses = survey::responses(&state.pool, scope_id).await?;
        let colleges = crate::server::db::review::colleges(&state.pool).await?;
        let scope = match scope_id {
            Some(id) => colleges
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            None => "全校".to_string(),
        };
        let students_total: i64 = students::progress_counts(&state.pool, scope_id)
            .await?
            .iter()
            .map(|r| r.4)
            .sum();
        Ok(SurveyOverview {
            required: survey::survey_required(&state.pool).await?,
            respondents: responses.len() as i64,
            students: students_total,
            scope,
            is_school: staff.college_id.is_none(),
            answered: survey::response_count(&state.pool).await? > 0,
            stats: stats_of(&questions, &responses),
            colleges: if staff.college_id.is_none() {
                colleges
            } else {
                Vec::new()
            },
        })
    }

    pub async fn set_required(required: bool) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        if required && survey::questions(&state.pool).await?.is_empty() {
            return Err(AppError::Rejected(
                "问卷还没有题目，请先添加题目或使用默认问卷".to_string(),
            ));
        }
        let mut tx = begin_write(&state.pool).await?;
        survey::set_survey_required(&mut tx, required, &staff.actor()).await?;
        tx.commit().await?;
        log_event(
            &staff.actor(),
            "survey_required",
            None,
            Some(if required {
                "开启：先填问卷"
            } else {
                "关闭"
            }),
        )
        .await
    }

    pub async fn install_default() -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        let mut tx = begin_write(&state.pool).await?;
        if !survey::questions(&mut *tx).await?.is_empty() {
            return Err(AppError::Rejected("问卷已有题目".to_string()));
        }
        for (kind, prompt, options, required) in crate::domain::survey::default_questions() {
            let options: Vec<String> = options.into_iter().map(str::to_string).collect();
            survey::insert_question(&mut tx, kind, prompt, &options, required).await?;
        }
        tx.commit().await?;
        log_event(&staff.actor(), "survey_changed", None, Some("使用默认问卷")).await
    }

    pub async fn save_question(
        id: Option<i64>,
        kind: Kind,
        prompt: String,
        options: String,
        required: bool,
    ) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        let prompt = prompt.trim().to_string();
        if prompt.is_empty() || prompt.chars().count() > 100 {
            return Err(AppError::field("prompt", "请填写题目（最多 100 个字）"));
        }
        let options = option_lines(&options);
        let option_limit = crate::domain::limits::SURVEY_OPTION;
        if options.len() > crate::domain::limits::SURVEY_OPTIONS {
            return Err(AppError::field(
                "options",
                format!("选项最多 {} 个", crate::domain::limits::SURVEY_OPTIONS),
            ));
        }
        if let Some(message) = options.iter().find_map(|o| option_limit.check(o).err()) {
            return Err(AppError::field("options", message));
        }
        let choice = matches!(kind, Kind::Single | Kind::Multiple);
        if choice && options.len() < 2 {
            return Err(AppError::field(
                "options",
                "选择题至少要有两个选项（每行一个）",
            ));
        }
        if options
            .iter()
            .enumerate()
            .any(|(i, o)| options[..i].contains(o))
        {
            return Err(AppError::field("options", "选项不能重复"));
        }
        let options = if choice { options } else { Vec::new() };
        let mut tx = begin_write(&state.pool).await?;
        let answered = survey::response_count(&mut *tx).await? > 0;
        match id {
            None if answered => {
                return Err(AppError::Rejected(
                    "已有学生作答，不能再增加题目（只能修改措辞）".to_string(),
                ));
            }
            None => {
                survey::insert_question(&mut tx, kind, &prompt, &options, required).await?;
            }
            Some(id) => {
                let Some(old) = survey::questions(&mut *tx)
                    .await?
                    .into_iter()
                    .find(|q| q.id == id)
                else {
                    return Err(AppError::NotFound);
                };
                if answered
                    && (old.kind != kind
                        || old.required != required
                        || old.options.len() != options.len())
                {
                    return Err(AppError::Rejected(
                        "已有学生作答：只能修改题目和选项的措辞，不能改题型、是否必答或选项个数"
                            .to_string(),
                    ));
                }
                let renames: Vec<(String, String)> = old
                    .options
                    .iter()
                    .zip(&options)
                    .filter(|(a, b)| a != b)
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect();
                if !renames.is_empty() {
                    survey::rename_choices(&mut tx, id, &renames).await?;
                }
                survey::update_question(
                    &mut tx,
                    &Question {
                        id,
                        kind,
                        prompt: prompt.clone(),
                        options,
                        required,
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        log_event(&staff.actor(), "survey_changed", None, Some(&prompt)).await
    }

    pub async fn move_question(id: i64, up: bool) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        let mut tx = begin_write(&state.pool).await?;
        if !survey::move_question(&mut tx, id, up).await? {
            return Err(AppError::Rejected("已经在最前（或最后）".to_string()));
        }
        tx.commit().await?;
        log_event(
            &staff.actor(),
            "survey_changed",
            None,
            Some(&format!("调整第 {id} 题的顺序")),
        )
        .await
    }

    pub async fn delete_question(id: i64) -> Result<(), AppError> {
        let staff = require_school_staff().await?;
        let state = AppState::current()?;
        let mut tx = begin_write(&state.pool).await?;
        if survey::response_count(&mut *tx).await? > 0 {
            return Err(AppError::Rejected("已有学生作答，不能删除题目".to_string()));
        }
        survey::delete_question(&mut tx, id).await?;
        tx.commit().await?;
        log_event(
            &staff.actor(),
            "survey_changed",
            None,
            Some(&format!("删除第 {id} 题")),
        )
        .await
    }
}
