//! The job-intention survey (《"你想去 我来请"毕业生求职意向调研问卷》): questions, and the rules an
//! answer sheet must follow — the same in the browser and on the server.

use super::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Single,
    Multiple,
    Text,
    Number,
}

impl Kind {
    pub fn as_db(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multiple => "multiple",
            Kind::Text => "text",
            Kind::Number => "number",
        }
    }

    pub fn from_db(s: &str) -> Option<Kind> {
        match s {
            "single" => Some(Kind::Single),
            "multiple" => Some(Kind::Multiple),
            "text" => Some(Kind::Text),
            "number" => Some(Kind::Number),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Single => "单选",
            Kind::Multiple => "多选",
            Kind::Text => "简答",
            Kind::Number => "数字",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub kind: Kind,
    pub prompt: String,
    pub options: Vec<String>,
    pub required: bool,
}

impl Question {
    /// The input name of this question in forms and error lists.
    pub fn field(&self) -> String {
        format!("q{}", self.id)
    }
}

/// Answers by question id; each answer is a list (one item for single, text and number).
pub type Answers = BTreeMap<i64, Vec<String>>;

/// Longest text answer.
pub const TEXT_MAX: usize = 200;

/// Checks and normalises an answer sheet: trimmed values, empty answers dropped, choices that
/// exist, numbers that are numbers (0 – 1,000,000, at most two decimals).
pub fn check(questions: &[Question], answers: &Answers) -> Result<Answers, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut clean = Answers::new();
    for q in questions {
        let given: Vec<String> = answers
            .get(&q.id)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if given.is_empty() {
            if q.required {
                errors.push(&q.field(), format!("请回答：{}", q.prompt));
            }
            continue;
        }
        let problem = match q.kind {
            Kind::Single if given.len() > 1 => Some("只能选一项".to_string()),
            // One value for a text or a number: nothing else is checked, so nothing else stays.
            Kind::Text | Kind::Number if given.len() > 1 => Some("只能填写一项".to_string()),
            Kind::Single | Kind::Multiple if given.iter().any(|g| !q.options.contains(g)) => {
                Some("请从给出的选项中选择".to_string())
            }
            Kind::Text if given[0].chars().count() > TEXT_MAX => {
                Some(format!("最多 {TEXT_MAX} 个字"))
            }
            Kind::Number => match given[0].replace(',', "").parse::<f64>() {
                Ok(n) if (0.0..=1_000_000.0).contains(&n) && (n * 100.0).fract() == 0.0 => None,
                _ => Some("请填写 0 到 1000000 之间的数字".to_string()),
            },
            _ => None,
        };
        match problem {
            Some(p) => errors.push(&q.field(), format!("{}：{p}", q.prompt)),
            None => {
                let mut value = given;
                if q.kind == Kind::Number {
                    value = vec![value[0].replace(',', "")];
                }
                if q.kind == Kind::Multiple {
                    // In the order the options are listed, each once.
                    value = q
                        .options
                        .iter()
                        .filter(|o| value.contains(o))
                        .cloned()
                        .collect();
                }
                if q.kind == Kind::Text || q.kind == Kind::Number {
                    value.truncate(1);
                }
                clean.insert(q.id, value);
            }
        }
    }
    if errors.is_empty() {
        Ok(clean)
    } else {
        Err(errors)
    }
}

/// The survey the demo ships with (and 学校 can install with one click).
pub fn default_questions() -> Vec<(Kind, &'static str, Vec<&'static str>, bool)> {
    vec![
        (
            Kind::Single,
            "毕业去向打算",
            vec!["就业", "考研", "考公", "出国（境）", "创业", "暂不就业"],
            true,
        ),
        (
            Kind::Multiple,
            "意向就业城市（可多选）",
            vec![
                "长沙", "湘潭", "株洲", "北京", "上海", "广州", "深圳", "杭州", "武汉", "其他",
            ],
            true,
        ),
        (
            Kind::Multiple,
            "意向行业（可多选）",
            vec![
                "教育",
                "信息技术",
                "制造业",
                "金融",
                "医疗卫生",
                "政府机关",
                "其他",
            ],
            true,
        ),
        (
            Kind::Single,
            "意向单位性质",
            vec![
                "机关",
                "事业单位",
                "国有企业",
                "民营企业",
                "外资企业",
                "其他",
            ],
            true,
        ),
        (Kind::Number, "期望月薪（元）", vec![], true),
        (Kind::Text, "对学校就业服务的建议", vec![], false),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<Question> {
        default_questions()
            .into_iter()
            .enumerate()
            .map(|(i, (kind, prompt, options, required))| Question {
                id: i as i64 + 1,
                kind,
                prompt: prompt.to_string(),
                options: options.into_iter().map(str::to_string).collect(),
                required,
            })
            .collect()
    }

    fn answers(pairs: &[(i64, &[&str])]) -> Answers {
        pairs
            .iter()
            .map(|(id, v)| (*id, v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn a_complete_sheet_is_normalised() {
        let a = answers(&[
            (1, &["考研"]),
            (2, &["深圳", " 长沙 "]),
            (3, &["教育"]),
            (4, &["国有企业"]),
            (5, &["8,000"]),
        ]);
        let clean = check(&questions(), &a).expect("valid");
        assert_eq!(clean[&2], vec!["长沙", "深圳"], "in the options' order");
        assert_eq!(clean[&5], vec!["8000"]);
        assert!(
            !clean.contains_key(&6),
            "the optional question may stay empty"
        );
    }

    #[test]
    fn every_broken_rule_names_its_question() {
        let a = answers(&[
            (1, &["考研", "就业"]),
            (2, &["火星"]),
            (4, &[]),
            (5, &["很多"]),
            (6, &[&"字".repeat(201)]),
        ]);
        let errors = check(&questions(), &a).unwrap_err();
        assert!(errors.get("q1").unwrap().contains("只能选一项"));
        assert!(errors.get("q2").unwrap().contains("选项"));
        assert!(errors.get("q3").unwrap().contains("请回答"));
        assert!(errors.get("q4").unwrap().contains("请回答"));
        assert!(errors.get("q5").unwrap().contains("数字"));
        assert!(errors.get("q6").unwrap().contains("200"));
    }

    #[test]
    fn a_text_answer_is_one_bounded_value() {
        let long = "字".repeat(100_000);
        let a = answers(&[
            (1, &["考研"]),
            (2, &["深圳"]),
            (3, &["教育"]),
            (4, &["国有企业"]),
            (5, &["8000"]),
            (6, &["短", &long]),
        ]);
        let errors = check(&questions(), &a).unwrap_err();
        assert!(errors.get("q6").unwrap().contains("只能填写一项"));
    }
}
