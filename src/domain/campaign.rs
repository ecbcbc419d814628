//! The year's campaign: the cohort (届) and its two windows, students filling and colleges
//! reviewing. Dates are Beijing calendar days, both ends included.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::FieldErrors;

/// One window; an end left open means "no limit on that side".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

/// Where `today` stands with respect to a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    NotYetOpen,
    /// Open; the number of days left including today, when it has an end.
    Open(Option<i64>),
    Closed,
}

impl Window {
    pub fn standing(&self, today: NaiveDate) -> Standing {
        if self.opens_on.is_some_and(|d| today < d) {
            Standing::NotYetOpen
        } else if self.closes_on.is_some_and(|d| today > d) {
            Standing::Closed
        } else {
            Standing::Open(self.closes_on.map(|d| (d - today).num_days() + 1))
        }
    }

    /// `2023-05-10 至 2023-06-10`, with open ends spelled out.
    pub fn describe(&self) -> String {
        let day = |d: Option<NaiveDate>, open: &str| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| open.to_string())
        };
        format!(
            "{} 至 {}",
            day(self.opens_on, "不限"),
            day(self.closes_on, "不限")
        )
    }

    /// `Err(message)` naming the window's dates when `today` is outside it.
    pub fn check(&self, what: &str, today: NaiveDate) -> Result<(), String> {
        match self.standing(today) {
            Standing::Open(_) => Ok(()),
            Standing::NotYetOpen => Err(format!(
                "{what}尚未开始（时间为 {}），请到时再操作",
                self.describe()
            )),
            Standing::Closed => Err(format!(
                "{what}已截止（时间为 {}）。如有特殊情况请联系学院或招生就业处",
                self.describe()
            )),
        }
    }
}

/// The campaign settings 学校 staff edit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// e.g. `2023届`.
    pub cohort: String,
    /// e.g. `某某大学` — printed on the papers.
    pub school_name: String,
    pub students: Window,
    pub review: Window,
}

/// The form as typed (dates as `YYYY-MM-DD` strings, empty for "no limit").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    pub cohort: String,
    pub school_name: String,
    pub student_opens_on: String,
    pub student_closes_on: String,
    pub review_opens_on: String,
    pub review_closes_on: String,
}

impl CampaignInput {
    pub fn of(c: &Campaign) -> Self {
        let day = |d: Option<NaiveDate>| {
            d.map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        };
        CampaignInput {
            cohort: c.cohort.clone(),
            school_name: c.school_name.clone(),
            student_opens_on: day(c.students.opens_on),
            student_closes_on: day(c.students.closes_on),
            review_opens_on: day(c.review.opens_on),
            review_closes_on: day(c.review.closes_on),
        }
    }

    /// Checks the form; errors name the fields.
    pub fn parse(&self) -> Result<Campaign, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cohort = self.cohort.trim().to_string();
        let valid_cohort = cohort
            .strip_suffix('届')
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()));
        if !valid_cohort {
            errors.push("cohort", "届别应写成四位年份加“届”，如 2023届");
        }
        let school_name = self.school_name.trim().to_string();
        if school_name.is_empty() {
            errors.push("school_name", "请填写学校名称");
        } else if school_name.chars().count() > 40 {
            errors.push("school_name", "学校名称最多 40 个字");
        }
        let mut date = |field: &str, label: &str, value: &str| -> Option<NaiveDate> {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(field, format!("{label}应为日期，如 2023-05-10"));
                    None
                }
            }
        };
        let students = Window {
            opens_on: date(
                "student_opens_on",
                "学生填报开始日期",
                &self.student_opens_on,
            ),
            closes_on: date(
                "student_closes_on",
                "学生填报截止日期",
                &self.student_closes_on,
            ),
        };
        let review = Window {
            opens_on: date("review_opens_on", "学院审核开始日期", &self.review_opens_on),
            closes_on: date(
                "review_closes_on",
                "学院审核截止日期",
                &self.review_closes_on,
            ),
        };
        if let (Some(a), Some(b)) = (students.opens_on, students.closes_on)
            && b < a
        {
            errors.push("student_closes_on", "学生填报截止日期不能早于开始日期");
        }
        if let (Some(a), Some(b)) = (review.opens_on, review.closes_on)
            && b < a
        {
            errors.push("review_closes_on", "学院审核截止日期不能早于开始日期");
        }
        if let (Some(s), Some(r)) = (students.closes_on, review.closes_on)
            && r < s
        {
            errors.push(
                "review_closes_on",
                "学院审核截止日期不能早于学生填报截止日期",
            );
        }
        if errors.is_empty() {
            Ok(Campaign {
                cohort,
                school_name,
                students,
                review,
            })
        } else {
            Err(errors)
        }
    }
}

/// Today in Beijing (UTC+8), the calendar the windows are written in.
pub fn beijing_today(now_utc: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (now_utc + chrono::Duration::hours(8)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_window_includes_both_ends() {
        let w = Window {
            opens_on: Some(d("2023-05-10")),
            closes_on: Some(d("2023-06-10")),
        };
        assert_eq!(w.standing(d("2023-05-09")), Standing::NotYetOpen);
        assert_eq!(w.standing(d("2023-05-10")), Standing::Open(Some(32)));
        assert_eq!(w.standing(d("2023-06-10")), Standing::Open(Some(1)));
        assert_eq!(w.standing(d("2023-06-11")), Standing::Closed);
        let closed = w.check("学生填报", d("2023-06-11")).unwrap_err();
        assert!(
            closed.contains("已截止") && closed.contains("2023-05-10 至 2023-06-10"),
            "{closed}"
        );
        let early = w.check("学生填报", d("2023-05-01")).unwrap_err();
        assert!(early.contains("尚未开始"), "{early}");
        assert!(Window::default().check("x", d("2000-01-01")).is_ok());
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let input = CampaignInput {
            cohort: "23届".into(),
            school_name: "".into(),
            student_opens_on: "2023-05-10".into(),
            student_closes_on: "2023-05-01".into(),
            review_opens_on: "2023/05/10".into(),
            review_closes_on: "2023-04-30".into(),
        };
        let errors = input.parse().unwrap_err();
        for field in [
            "cohort",
            "school_name",
            "student_closes_on",
            "review_opens_on",
            "review_closes_on",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        let ok = CampaignInput {
            cohort: "2023届".into(),
            school_name: "湖南示范大学".into(),
            student_opens_on: "2023-05-10".into(),
            student_closes_on: "2023-06-10".into(),
            review_opens_on: "".into(),
            review_closes_on: "2023-06-20".into(),
        };
        let c = ok.parse().expect("valid");
        assert_eq!(CampaignInput::of(&c), ok);
    }

    #[test]
    fn beijing_midnight_is_16_utc() {
        let t = chrono::DateTime::parse_from_rfc3339("2023-06-10T16:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(beijing_today(t), d("2023-06-11"));
    }
}
