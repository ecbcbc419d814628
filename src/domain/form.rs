//! 学生核验信息: the student's editable copy and its cross-field rules.

use serde::{Deserialize, Serialize};

use super::FieldErrors;
use super::codes::{
    self, Code, ETHNICITIES, EducationLevel, HARDSHIP_CATEGORIES, NORMAL_CATEGORIES,
    POLITICAL_STATUSES, TRAINING_MODES, URBAN_RURAL,
};
use super::contact;
use super::origin::OriginCode;

/// The Chinese label of each input, in form order.
pub const FIELDS: &[(&str, &str)] = &[
    ("origin_code", "生源所在地"),
    ("training_mode", "培养方式"),
    ("sponsor_unit", "定向单位"),
    ("normal_category", "师范生类别"),
    ("urban_rural", "城乡生源"),
    ("ethnicity", "民族"),
    ("political", "政治面貌"),
    ("hardship", "困难生类别"),
    ("mobile", "手机号码"),
    ("email", "电子邮箱"),
    ("qq", "QQ号码"),
    ("home_address", "家庭地址"),
    ("home_phone", "家庭电话"),
    ("postcode", "邮编"),
];

/// The Chinese label of a form input; empty for an unknown name.
pub fn label_of(field: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map_or("", |(_, label)| label)
}

/// 培养方式 codes that need a 定向/委培单位: 定向 and 委培.
const NEEDS_SPONSOR: &[&str] = &["2", "4"];
const NON_DIRECTED: &str = "1";
const DIRECTED: &str = "2";
const FREE_NORMAL: &str = "12";
const NOT_NORMAL: &str = "2";
const SPONSOR_MAX_CHARS: usize = 60;

/// Raw form input, as typed; field names are the HTML input names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationInput {
    pub origin_code: String,
    pub training_mode: String,
    pub sponsor_unit: String,
    pub normal_category: String,
    pub urban_rural: String,
    pub mobile: String,
    pub email: String,
    pub qq: String,
    pub home_address: String,
    pub home_phone: String,
    pub postcode: String,
    pub ethnicity: String,
    pub political: String,
    pub hardship: String,
}

/// What the rules need to know about the student from the school record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentContext {
    pub level: EducationLevel,
}

/// The parsed, normalised copy; codes are codes of the national tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub origin_code: OriginCode,
    pub training_mode: String,
    pub sponsor_unit: Option<String>,
    pub normal_category: String,
    pub urban_rural: String,
    pub mobile: String,
    pub email: String,
    pub qq: String,
    pub home_address: String,
    pub home_phone: Option<String>,
    pub postcode: String,
    pub ethnicity: String,
    pub political: String,
    pub hardship: String,
}

impl Verification {
    pub fn to_input(&self) -> VerificationInput {
        VerificationInput {
            origin_code: self.origin_code.as_str().to_owned(),
            training_mode: self.training_mode.clone(),
            sponsor_unit: self.sponsor_unit.clone().unwrap_or_default(),
            normal_category: self.normal_category.clone(),
            urban_rural: self.urban_rural.clone(),
            mobile: self.mobile.clone(),
            email: self.email.clone(),
            qq: self.qq.clone(),
            home_address: self.home_address.clone(),
            home_phone: self.home_phone.clone().unwrap_or_default(),
            postcode: self.postcode.clone(),
            ethnicity: self.ethnicity.clone(),
            political: self.political.clone(),
            hardship: self.hardship.clone(),
        }
    }
}

/// A value picked from a code table, by code or name; the code is kept.
fn parse_code(table: &'static [Code], field: &str, raw: &str) -> Result<String, String> {
    let label = label_of(field);
    if raw.trim().is_empty() {
        return Err(format!("请选择{label}"));
    }
    codes::lookup(table, raw)
        .map(|entry| entry.code.to_owned())
        .ok_or_else(|| format!("{label}不在可选范围内，请从列表中选择"))
}

fn parse_sponsor_unit(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.chars().count() > SPONSOR_MAX_CHARS {
        Err(format!("定向单位不能超过{SPONSOR_MAX_CHARS}个字"))
    } else {
        Ok(s.to_owned())
    }
}

/// The single-field rule of each input; the normalised value ("" for an empty optional field).
fn parse_field(field: &str, raw: &str) -> Result<String, String> {
    match field {
        "origin_code" => OriginCode::parse(raw).map(|code| code.as_str().to_owned()),
        // The spec's wording for 培养方式 is the same whether it is missing or unknown.
        "training_mode" => {
            parse_code(TRAINING_MODES, field, raw).map_err(|_| "请选择培养方式".into())
        }
        "sponsor_unit" => parse_sponsor_unit(raw),
        "normal_category" => parse_code(NORMAL_CATEGORIES, field, raw),
        "urban_rural" => parse_code(URBAN_RURAL, field, raw),
        "ethnicity" => parse_code(ETHNICITIES, field, raw),
        "political" => parse_code(POLITICAL_STATUSES, field, raw),
        "hardship" => parse_code(HARDSHIP_CATEGORIES, field, raw),
        "mobile" => contact::parse_mobile(raw),
        "email" => contact::parse_email(raw),
        "qq" => contact::parse_qq(raw),
        "home_address" => contact::parse_home_address(raw),
        "home_phone" => contact::parse_home_phone(raw).map(Option::unwrap_or_default),
        "postcode" => contact::parse_postcode(raw),
        _ => Ok(raw.trim().to_owned()),
    }
}

fn postgraduate_category_error(
    ctx: &StudentContext,
    normal_category: &str,
) -> Option<&'static str> {
    (ctx.level.is_postgraduate() && normal_category != NOT_NORMAL)
        .then_some("研究生的师范生类别只能是非师范生")
}

impl VerificationInput {
    /// The raw value of an input by its name; empty for an unknown name.
    pub fn get(&self, field: &str) -> &str {
        match field {
            "origin_code" => &self.origin_code,
            "training_mode" => &self.training_mode,
            "sponsor_unit" => &self.sponsor_unit,
            "normal_category" => &self.normal_category,
            "urban_rural" => &self.urban_rural,
            "mobile" => &self.mobile,
            "email" => &self.email,
            "qq" => &self.qq,
            "home_address" => &self.home_address,
            "home_phone" => &self.home_phone,
            "postcode" => &self.postcode,
            "ethnicity" => &self.ethnicity,
            "political" => &self.political,
            "hardship" => &self.hardship,
            _ => "",
        }
    }

    /// Sets an input by its name; an unknown name changes nothing.
    pub fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "origin_code" => &mut self.origin_code,
            "training_mode" => &mut self.training_mode,
            "sponsor_unit" => &mut self.sponsor_unit,
            "normal_category" => &mut self.normal_category,
            "urban_rural" => &mut self.urban_rural,
            "mobile" => &mut self.mobile,
            "email" => &mut self.email,
            "qq" => &mut self.qq,
            "home_address" => &mut self.home_address,
            "home_phone" => &mut self.home_phone,
            "postcode" => &mut self.postcode,
            "ethnicity" => &mut self.ethnicity,
            "political" => &mut self.political,
            "hardship" => &mut self.hardship,
            _ => return,
        };
        *slot = value;
    }

    /// Full check for 提交核验: every field, then the cross-field rules. Collects all errors.
    pub fn parse(&self, ctx: &StudentContext) -> Result<Verification, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut normalized = VerificationInput::default();
        for (field, _) in FIELDS {
            match parse_field(field, self.get(field)) {
                Ok(value) => normalized.set(field, value),
                Err(message) => errors.push(field, message),
            }
        }
        let ok = |field: &str, errors: &FieldErrors| errors.get(field).is_none();

        let training_ok = ok("training_mode", &errors);
        let training = normalized.training_mode.as_str();
        if training_ok && ok("sponsor_unit", &errors) {
            if training == DIRECTED && normalized.sponsor_unit.is_empty() {
                errors.push("sponsor_unit", "定向培养须填写定向单位");
            } else if NEEDS_SPONSOR.contains(&training) && normalized.sponsor_unit.is_empty() {
                errors.push("sponsor_unit", "委培须填写委培单位");
            }
        }
        if ok("normal_category", &errors) {
            let category = normalized.normal_category.as_str();
            if let Some(message) = postgraduate_category_error(ctx, category) {
                errors.push("normal_category", message);
            } else if category == FREE_NORMAL && training_ok && training != DIRECTED {
                errors.push("training_mode", "公费师范生的培养方式应为定向");
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let origin_code = OriginCode::parse(&normalized.origin_code).map_err(|message| {
            let mut errors = FieldErrors::new();
            errors.push("origin_code", message);
            errors
        })?;
        let non_empty = |s: String| (!s.is_empty()).then_some(s);
        // 非定向 carries no 定向单位: a leftover from switching the mode is dropped.
        let sponsor_unit = if normalized.training_mode == NON_DIRECTED {
            None
        } else {
            non_empty(normalized.sponsor_unit)
        };
        Ok(Verification {
            origin_code,
            training_mode: normalized.training_mode,
            sponsor_unit,
            normal_category: normalized.normal_category,
            urban_rural: normalized.urban_rural,
            mobile: normalized.mobile,
            email: normalized.email,
            qq: normalized.qq,
            home_address: normalized.home_address,
            home_phone: non_empty(normalized.home_phone),
            postcode: normalized.postcode,
            ethnicity: normalized.ethnicity,
            political: normalized.political,
            hardship: normalized.hardship,
        })
    }

    /// Lenient check for 保存草稿: empty fields are allowed, but a non-empty field must be
    /// well-formed (a draft never stores a QQ with letters), and a 研究生 cannot pick a 师范
    /// category. Rules between two fields wait for submission, since a draft is half-filled.
    /// Returns the normalised input.
    pub fn parse_draft(&self, ctx: &StudentContext) -> Result<VerificationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut normalized = VerificationInput::default();
        for (field, _) in FIELDS {
            let raw = self.get(field);
            if raw.trim().is_empty() {
                continue;
            }
            match parse_field(field, raw) {
                Ok(value) => normalized.set(field, value),
                Err(message) => errors.push(field, message),
            }
        }
        if !normalized.normal_category.is_empty()
            && let Some(message) = postgraduate_category_error(ctx, &normalized.normal_category)
        {
            errors.push("normal_category", message);
        }
        if errors.is_empty() {
            Ok(normalized)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACHELOR: StudentContext = StudentContext {
        level: EducationLevel::Bachelor,
    };
    const MASTER: StudentContext = StudentContext {
        level: EducationLevel::Master,
    };
    const DOCTOR: StudentContext = StudentContext {
        level: EducationLevel::Doctor,
    };

    fn valid_input() -> VerificationInput {
        VerificationInput {
            origin_code: "430104".into(),
            training_mode: "1".into(),
            sponsor_unit: String::new(),
            normal_category: "2".into(),
            urban_rural: "1".into(),
            mobile: "13812345678".into(),
            email: "zhangsan@qq.com".into(),
            qq: "12345678".into(),
            home_address: "湖南省长沙市岳麓区麓山南路1号".into(),
            home_phone: String::new(),
            postcode: "410082".into(),
            ethnicity: "01".into(),
            political: "03".into(),
            hardship: "0".into(),
        }
    }

    fn with(field: &str, value: &str) -> VerificationInput {
        let mut input = valid_input();
        input.set(field, value.to_owned());
        input
    }

    #[test]
    fn fields_and_labels() {
        assert_eq!(FIELDS.len(), 14);
        assert_eq!(label_of("qq"), "QQ号码");
        assert_eq!(label_of("origin_code"), "生源所在地");
        assert_eq!(label_of("postcode"), "邮编");
        assert_eq!(label_of("nope"), "");
    }

    #[test]
    fn get_and_set_cover_every_field() {
        let mut input = VerificationInput::default();
        for (i, (field, _)) in FIELDS.iter().enumerate() {
            input.set(field, format!("value {i}"));
        }
        for (i, (field, _)) in FIELDS.iter().enumerate() {
            assert_eq!(input.get(field), format!("value {i}"), "{field}");
        }
        let before = input.clone();
        input.set("unknown", "x".into());
        assert_eq!(input, before);
        assert_eq!(input.get("unknown"), "");
    }

    #[test]
    fn a_valid_form_parses_and_round_trips() {
        let verification = valid_input().parse(&BACHELOR).unwrap();
        assert_eq!(verification.origin_code.as_str(), "430104");
        assert_eq!(verification.sponsor_unit, None);
        assert_eq!(verification.home_phone, None);
        assert_eq!(verification.to_input(), valid_input());
        assert_eq!(verification.to_input().parse(&BACHELOR), Ok(verification));
    }

    #[test]
    fn values_are_normalised_and_names_become_codes() {
        let input = VerificationInput {
            origin_code: "441900.0".into(),
            training_mode: "定向".into(),
            sponsor_unit: "  湘潭市教育局 ".into(),
            normal_category: "免费(公费)师范生".into(),
            urban_rural: "农村".into(),
            mobile: "+86 138-1234-5678".into(),
            email: "Li@QQ.com".into(),
            qq: "１２３４５６７".into(),
            home_address: " 广东省东莞市莞城街道 ".into(),
            home_phone: "0769-22220000".into(),
            postcode: "５２３０００".into(),
            ethnicity: "土家族".into(),
            political: "共青团员".into(),
            hardship: "家庭困难".into(),
        };
        let v = input.parse(&BACHELOR).unwrap();
        assert_eq!(v.origin_code.as_str(), "441900");
        assert_eq!(v.training_mode, "2");
        assert_eq!(v.sponsor_unit.as_deref(), Some("湘潭市教育局"));
        assert_eq!(v.normal_category, "12");
        assert_eq!(v.urban_rural, "2");
        assert_eq!(v.mobile, "13812345678");
        assert_eq!(v.email, "Li@qq.com");
        assert_eq!(v.qq, "1234567");
        assert_eq!(v.home_address, "广东省东莞市莞城街道");
        assert_eq!(v.home_phone.as_deref(), Some("0769-22220000"));
        assert_eq!(v.postcode, "523000");
        assert_eq!(v.ethnicity, "15");
        assert_eq!(v.political, "03");
        assert_eq!(v.hardship, "2");
    }

    #[test]
    fn an_empty_form_reports_every_required_field() {
        let errors = VerificationInput::default().parse(&BACHELOR).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "origin_code",
                "training_mode",
                "normal_category",
                "urban_rural",
                "ethnicity",
                "political",
                "hardship",
                "mobile",
                "email",
                "qq",
                "home_address",
                "postcode"
            ]
        );
        assert_eq!(errors.get("origin_code"), Some("请选择生源所在地"));
        assert_eq!(errors.get("training_mode"), Some("请选择培养方式"));
        assert_eq!(errors.get("normal_category"), Some("请选择师范生类别"));
        assert_eq!(errors.get("ethnicity"), Some("请选择民族"));
        assert_eq!(errors.get("qq"), Some("请填写QQ号码"));
    }

    #[test]
    fn several_bad_fields_are_all_reported() {
        let mut input = with("qq", "12345a");
        input.mobile = "123".into();
        input.origin_code = "430100".into();
        let errors = input.parse(&BACHELOR).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!(errors.get("qq"), Some("QQ号码只能包含数字"));
        assert_eq!(errors.get("mobile"), Some("手机号码应为11位，以13–19开头"));
        assert_eq!(
            errors.get("origin_code"),
            Some(crate::domain::origin::ORIGIN_LEVEL_MESSAGE)
        );
    }

    #[test]
    fn unknown_codes_are_refused_naming_the_field() {
        let cases = [
            ("training_mode", "9", "请选择培养方式"),
            (
                "normal_category",
                "3",
                "师范生类别不在可选范围内，请从列表中选择",
            ),
            (
                "urban_rural",
                "城市",
                "城乡生源不在可选范围内，请从列表中选择",
            ),
            ("ethnicity", "57", "民族不在可选范围内，请从列表中选择"),
            ("political", "14", "政治面貌不在可选范围内，请从列表中选择"),
            ("hardship", "8", "困难生类别不在可选范围内，请从列表中选择"),
        ];
        for (field, value, message) in cases {
            let errors = with(field, value).parse(&BACHELOR).unwrap_err();
            assert_eq!(errors.get(field), Some(message), "{field}");
            assert_eq!(errors.len(), 1, "{field}");
        }
    }

    #[test]
    fn origin_rule_is_applied() {
        for good in [
            "441900", "442000", "460400", "620200", "429004", "419001", "110101",
        ] {
            assert!(with("origin_code", good).parse(&BACHELOR).is_ok(), "{good}");
        }
        for bad in ["430000", "430100", "440300"] {
            let errors = with("origin_code", bad).parse(&BACHELOR).unwrap_err();
            assert_eq!(
                errors.get("origin_code"),
                Some("生源所在地须填写到县（区）一级"),
                "{bad}"
            );
        }
    }

    #[test]
    fn directed_and_commissioned_training_need_a_sponsor() {
        let mut input = with("training_mode", "2");
        let errors = input.parse(&BACHELOR).unwrap_err();
        assert_eq!(errors.get("sponsor_unit"), Some("定向培养须填写定向单位"));
        input.training_mode = "4".into();
        let errors = input.parse(&BACHELOR).unwrap_err();
        assert_eq!(errors.get("sponsor_unit"), Some("委培须填写委培单位"));
        input.sponsor_unit = "吐鲁番市教育局".into();
        assert_eq!(
            input.parse(&BACHELOR).unwrap().sponsor_unit.as_deref(),
            Some("吐鲁番市教育局")
        );
        input.training_mode = "2".into();
        assert!(input.parse(&BACHELOR).is_ok());
    }

    #[test]
    fn non_directed_training_drops_the_sponsor() {
        let input = with("sponsor_unit", "某某单位");
        assert_eq!(input.parse(&BACHELOR).unwrap().sponsor_unit, None);
        // Other modes keep an optional sponsor.
        let mut input = with("training_mode", "5");
        input.sponsor_unit = "某某单位".into();
        assert_eq!(
            input.parse(&BACHELOR).unwrap().sponsor_unit.as_deref(),
            Some("某某单位")
        );
    }

    #[test]
    fn sponsor_unit_length_is_limited() {
        let mut input = with("training_mode", "2");
        input.sponsor_unit = "单".repeat(60);
        assert!(input.parse(&BACHELOR).is_ok());
        input.sponsor_unit = "单".repeat(61);
        let errors = input.parse(&BACHELOR).unwrap_err();
        assert_eq!(errors.get("sponsor_unit"), Some("定向单位不能超过60个字"));
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn postgraduates_are_never_normal_students() {
        for ctx in [MASTER, DOCTOR] {
            assert!(valid_input().parse(&ctx).is_ok());
            for category in ["1", "12"] {
                let mut input = with("normal_category", category);
                input.training_mode = "2".into();
                input.sponsor_unit = "某县教育局".into();
                let errors = input.parse(&ctx).unwrap_err();
                assert_eq!(
                    errors.get("normal_category"),
                    Some("研究生的师范生类别只能是非师范生")
                );
                assert_eq!(errors.len(), 1);
            }
        }
        // Undergraduates may be 普通师范生.
        assert!(with("normal_category", "1").parse(&BACHELOR).is_ok());
    }

    #[test]
    fn free_normal_students_must_be_directed() {
        let input = with("normal_category", "12");
        let errors = input.parse(&BACHELOR).unwrap_err();
        assert_eq!(
            errors.get("training_mode"),
            Some("公费师范生的培养方式应为定向")
        );
        let mut input = input;
        input.training_mode = "2".into();
        input.sponsor_unit = "湘潭县教育局".into();
        assert!(input.parse(&BACHELOR).is_ok());
    }

    #[test]
    fn draft_allows_empty_fields_and_normalises_the_rest() {
        let ctx = BACHELOR;
        assert_eq!(
            VerificationInput::default().parse_draft(&ctx),
            Ok(VerificationInput::default())
        );
        let input = VerificationInput {
            qq: "１２３４５６７".into(),
            ethnicity: "汉族".into(),
            training_mode: "2".into(),
            home_phone: " ".into(),
            ..Default::default()
        };
        let draft = input.parse_draft(&ctx).unwrap();
        assert_eq!(draft.qq, "1234567");
        assert_eq!(draft.ethnicity, "01");
        // A half-filled draft may lack the sponsor that submission will require.
        assert_eq!(draft.training_mode, "2");
        assert_eq!(draft.home_phone, "");
        assert!(input.parse(&ctx).is_err());
    }

    #[test]
    fn draft_refuses_malformed_values() {
        let input = VerificationInput {
            qq: "12345a".into(),
            origin_code: "430100".into(),
            email: "not-an-email".into(),
            ..Default::default()
        };
        let errors = input.parse_draft(&BACHELOR).unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!(errors.get("qq"), Some("QQ号码只能包含数字"));
        assert_eq!(
            errors.get("origin_code"),
            Some("生源所在地须填写到县（区）一级")
        );
        assert_eq!(errors.get("email"), Some("电子邮箱格式不正确"));
        let postgraduate = VerificationInput {
            normal_category: "1".into(),
            ..Default::default()
        };
        let errors = postgraduate.parse_draft(&MASTER).unwrap_err();
        assert_eq!(
            errors.get("normal_category"),
            Some("研究生的师范生类别只能是非师范生")
        );
        assert!(postgraduate.parse_draft(&BACHELOR).is_ok());
    }

    #[test]
    fn a_valid_draft_of_a_valid_form_is_its_normal_form() {
        let input = valid_input();
        let draft = input.parse_draft(&BACHELOR).unwrap();
        assert_eq!(draft, input.parse(&BACHELOR).unwrap().to_input());
    }
}

/// The code table a select field picks from; `None` for free-text fields and the origin.
pub fn code_table(field: &str) -> Option<&'static [Code]> {
    match field {
        "training_mode" => Some(codes::TRAINING_MODES),
        "normal_category" => Some(codes::NORMAL_CATEGORIES),
        "urban_rural" => Some(codes::URBAN_RURAL),
        "ethnicity" => Some(codes::ETHNICITIES),
        "political" => Some(codes::POLITICAL_STATUSES),
        "hardship" => Some(codes::HARDSHIP_CATEGORIES),
        _ => None,
    }
}

/// How a stored value reads to a person: a code's name, otherwise the value itself.
pub fn display_value(field: &str, value: &str) -> String {
    code_table(field)
        .and_then(|table| codes::name_of(table, value))
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}
