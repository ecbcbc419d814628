//! The 学籍 part of the school record (校库) as staff edit it, and its rules.

use super::FieldErrors;
use super::codes::EducationLevel;
use super::identity::IdNumber;
use serde::{Deserialize, Serialize};

/// Raw input of the 学籍 fields; names are the form's input names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordInput {
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub exam_no: String,
    /// 学历层次: a name or a 学历代码.
    pub education_level: String,
    /// 所在院系 (name): only 学校 staff may change it.
    pub college: String,
    pub major: String,
    pub major_code: String,
    pub major_direction: String,
    pub class_name: String,
    pub study_years: String,
    pub enrolled_on: String,
    pub graduating_on: String,
}

/// The 学籍 fields in form order with their labels.
pub const RECORD_FIELDS: &[(&str, &str)] = &[
    ("student_no", "学号"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("exam_no", "考生号"),
    ("education_level", "学历层次"),
    ("college", "所在院系"),
    ("major", "所在专业"),
    ("major_code", "专业代码"),
    ("major_direction", "专业方向"),
    ("class_name", "班级"),
    ("study_years", "学制"),
    ("enrolled_on", "入学时间"),
    ("graduating_on", "毕业时间"),
];

impl RecordInput {
    pub fn get(&self, field: &str) -> &str {
        match field {
            "student_no" => &self.student_no,
            "name" => &self.name,
            "id_number" => &self.id_number,
            "exam_no" => &self.exam_no,
            "education_level" => &self.education_level,
            "college" => &self.college,
            "major" => &self.major,
            "major_code" => &self.major_code,
            "major_direction" => &self.major_direction,
            "class_name" => &self.class_name,
            "study_years" => &self.study_years,
            "enrolled_on" => &self.enrolled_on,
            "graduating_on" => &self.graduating_on,
            _ => "",
        }
    }

    pub fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "student_no" => &mut self.student_no,
            "name" => &mut self.name,
            "id_number" => &mut self.id_number,
            "exam_no" => &mut self.exam_no,
            "education_level" => &mut self.education_level,
            "college" => &mut self.college,
            "major" => &mut self.major,
            "major_code" => &mut self.major_code,
            "major_direction" => &mut self.major_direction,
            "class_name" => &mut self.class_name,
            "study_years" => &mut self.study_years,
            "enrolled_on" => &mut self.enrolled_on,
            "graduating_on" => &mut self.graduating_on,
            _ => return,
        };
        *slot = value;
    }

    /// Checks every field; `complete` (新增) also requires the optional ones (考生号, 专业代码,
    /// 班级 for 本科). Returns the normalised input (ID upper-case, codes and months normalised).
    pub fn parse(&self, complete: bool) -> Result<(RecordInput, EducationLevel), FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut out = RecordInput::default();
        let trimmed = |s: &str| s.trim().to_string();

        out.student_no = trimmed(&self.student_no);
        if out.student_no.is_empty() {
            errors.push("student_no", "请填写学号");
        } else if !(4..=20).contains(&out.student_no.len())
            || !out.student_no.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            errors.push("student_no", "学号应为4至20位字母或数字");
        }
        out.name = trimmed(&self.name);
        match out.name.chars().count() {
            0 => errors.push("name", "请填写姓名"),
            n if n > 30 => errors.push("name", "姓名不能超过30个字"),
            _ => {}
        }
        match IdNumber::parse(&self.id_number) {
            Ok(id) => out.id_number = id.as_str().to_string(),
            Err(message) => errors.push("id_number", message),
        }
        out.exam_no = trimmed(&self.exam_no);
        if !out.exam_no.is_empty()
            && (out.exam_no.len() > 20 || !out.exam_no.bytes().all(|b| b.is_ascii_digit()))
        {
            errors.push("exam_no", "考生号只能包含数字");
        } else if complete && out.exam_no.is_empty() {
            errors.push("exam_no", "请填写考生号");
        }
        let level = EducationLevel::parse(&self.education_level);
        match level {
            Some(l) => out.education_level = l.graduate_code().to_string(),
            None => errors.push("education_level", "请选择学历层次"),
        }
        for (field, label, limit) in [("college", "所在院系", 40), ("major", "所在专业", 40)]
        {
            let value = trimmed(self.get(field));
            if value.is_empty() {
                errors.push(field, format!("请填写{label}"));
            } else if value.chars().count() > limit {
                errors.push(field, format!("{label}不能超过{limit}个字"));
            }
            out.set(field, value);
        }
        out.major_code = trimmed(&self.major_code);
        if !out.major_code.is_empty()
            && (out.major_code.len() > 10
                || !out.major_code.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            errors.push("major_code", "专业代码只能包含字母和数字");
        } else if complete && out.major_code.is_empty() {
            errors.push("major_code", "请填写专业代码");
        }
        out.major_direction = trimmed(&self.major_direction);
        out.class_name = trimmed(&self.class_name);
        if complete
            && out.class_name.is_empty()
            && !level.is_some_and(EducationLevel::is_postgraduate)
        {
            errors.push("class_name", "请填写班级");
        }
        for (field, limit) in [("major_direction", 40), ("class_name", 40)] {
            if out.get(field).chars().count() > limit {
                errors.push(field, format!("不能超过{limit}个字"));
            }
        }
        out.study_years = trimmed(&self.study_years);
        match out.study_years.parse::<u8>() {
            Ok(1..=8) => {}
            _ => errors.push("study_years", "学制应为1至8年"),
        }
        for (field, label) in [("enrolled_on", "入学时间"), ("graduating_on", "毕业时间")] {
            match normalise_month(self.get(field)) {
                Some(month) => out.set(field, month),
                None => errors.push(field, format!("{label}应写成“2019-09”这样的年月")),
            }
        }
        if errors.get("enrolled_on").is_none()
            && errors.get("graduating_on").is_none()
            && out.graduating_on <= out.enrolled_on
        {
            errors.push("graduating_on", "毕业时间应晚于入学时间");
        }
        match level {
            Some(level) if errors.is_empty() => Ok((out, level)),
            _ => Err(errors),
        }
    }
}

/// Dates as `2019-09`, `201909`, `2019-09-01`, `20190901`, `2019/9/1`, `2019.9`, `2019年9月` →
/// `2019-09`; `None` when it is not a month between 1950 and 2100.
pub fn normalise_month(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw
        .strip_suffix(".0")
        .filter(|r| r.len() == 6 || r.len() == 8)
        .unwrap_or(raw);
    let digits_only = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    let (year, month) = if digits_only && (raw.len() == 6 || raw.len() == 8) {
        (
            raw[..4].parse::<u32>().ok()?,
            raw[4..6].parse::<u32>().ok()?,
        )
    } else {
        let mut parts = raw
            .split(['-', '/', '.', '年', '月'])
            .filter(|p| !p.is_empty());
        (
            parts.next()?.parse::<u32>().ok()?,
            parts.next()?.parse::<u32>().ok()?,
        )
    };
    ((1950..=2100).contains(&year) && (1..=12).contains(&month))
        .then(|| format!("{year:04}-{month:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::identity::with_check_digit;

    fn valid() -> RecordInput {
        RecordInput {
            student_no: "2019010099".into(),
            name: "新同学".into(),
            id_number: with_check_digit("43010420010101009").to_lowercase(),
            exam_no: "19430104100099".into(),
            education_level: "本科".into(),
            college: "数学与计算科学学院".into(),
            major: "数学与应用数学".into(),
            major_code: "070101".into(),
            major_direction: String::new(),
            class_name: "数学1901".into(),
            study_years: "4".into(),
            enrolled_on: "201909".into(),
            graduating_on: "2023-06-30".into(),
        }
    }

    #[test]
    fn a_valid_record_is_normalised() {
        let (out, level) = valid().parse(true).expect("valid");
        assert_eq!(level, EducationLevel::Bachelor);
        assert_eq!(out.education_level, "31");
        assert_eq!(out.enrolled_on, "2019-09");
        assert_eq!(out.graduating_on, "2023-06");
        assert!(
            out.id_number
                .chars()
                .all(|c| c.is_ascii_digit() || c == 'X')
        );
    }

    #[test]
    fn every_field_names_its_error() {
        let bad = RecordInput {
            id_number: "430104200101010091".into(),
            study_years: "九".into(),
            ..Default::default()
        };
        let errors = bad.parse(true).unwrap_err();
        for field in [
            "student_no",
            "name",
            "id_number",
            "exam_no",
            "education_level",
            "college",
            "major",
            "major_code",
            "study_years",
            "enrolled_on",
            "graduating_on",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
    }

    #[test]
    fn optional_fields_are_optional_when_editing_but_not_when_adding() {
        let partial = RecordInput {
            exam_no: String::new(),
            major_code: String::new(),
            class_name: String::new(),
            ..valid()
        };
        assert!(partial.parse(false).is_ok());
        let errors = partial.parse(true).unwrap_err();
        assert!(
            errors.get("exam_no").is_some()
                && errors.get("major_code").is_some()
                && errors.get("class_name").is_some()
        );
    }

    #[test]
    fn graduation_comes_after_enrolment() {
        let swapped = RecordInput {
            enrolled_on: "2023-06".into(),
            graduating_on: "2019-09".into(),
            ..valid()
        };
        assert!(
            swapped
                .parse(false)
                .unwrap_err()
                .get("graduating_on")
                .is_some()
        );
    }

    #[test]
    fn months_in_every_style_normalise() {
        for raw in [
            "2019-09",
            "201909",
            "2019-09-01",
            "20190901",
            "2019/9/1",
            "2019.9",
            "201909.0",
            "2019年9月",
        ] {
            assert_eq!(normalise_month(raw).as_deref(), Some("2019-09"), "{raw}");
        }
        assert_eq!(normalise_month("2019-13"), None);
        assert_eq!(normalise_month("九月"), None);
        assert_eq!(normalise_month(""), None);
    }
}
