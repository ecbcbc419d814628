//! 生源所在地: the place that would take the student's 档案 and 户口 on return.

use serde::{Deserialize, Serialize};

use super::codes::normalize_code;

/// Prefecture-level cities without a county level (东莞 中山 儋州 嘉峪关): complete as they are.
pub const COMPLETE_PREFECTURES: &[&str] = &["441900", "442000", "460400", "620200"];

pub const ORIGIN_LEVEL_MESSAGE: &str = "生源所在地须填写到县（区）一级";

const CODE_MESSAGE: &str = "生源所在地代码应为6位行政区划代码";

/// The first two digits of every GB/T 2260 province-level division.
const PROVINCE_PREFIXES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// The level a division code sits at, by its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DivisionLevel {
    Province,
    Prefecture,
    County,
}

/// `xx0000` is a province, `xxyy00` a prefecture, anything else with a valid province prefix a
/// county-level unit (including 省直辖县级 `xx90zz` and 直辖市 districts). `None` for what is not
/// a division code (wrong length, unknown province, or `xx00zz`).
pub fn level_of(code: &str) -> Option<DivisionLevel> {
    let code = normalize_code(code);
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !PROVINCE_PREFIXES.contains(&&code[..2]) {
        return None;
    }
    match (&code[2..4], &code[4..]) {
        ("00", "00") => Some(DivisionLevel::Province),
        ("00", _) => None,
        (_, "00") => Some(DivisionLevel::Prefecture),
        _ => Some(DivisionLevel::County),
    }
}

/// True when a student may choose this division as origin: county level or a complete prefecture.
pub fn is_selectable(code: &str) -> bool {
    match level_of(code) {
        Some(DivisionLevel::County) => true,
        Some(DivisionLevel::Prefecture) => {
            COMPLETE_PREFECTURES.contains(&normalize_code(code).as_str())
        }
        Some(DivisionLevel::Province) | None => false,
    }
}

/// 生源所在地 code: a 6-digit GB/T 2260 code at county/district level (or a complete prefecture).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct OriginCode(String);

impl OriginCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code = normalize_code(raw);
        if code.is_empty() {
            return Err("请选择生源所在地".into());
        }
        match level_of(&code) {
            None => Err(CODE_MESSAGE.into()),
            Some(_) if is_selectable(&code) => Ok(OriginCode(code)),
            Some(_) => Err(ORIGIN_LEVEL_MESSAGE.into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The province this division belongs to, e.g. `430000` for `430104`.
    pub fn province_code(&self) -> String {
        format!("{}0000", &self.0[..2])
    }

    /// The prefecture (or, for 省直辖县级 and 直辖市, the grouping) it belongs to, e.g. `430100`.
    pub fn prefecture_code(&self) -> String {
        format!("{}00", &self.0[..4])
    }
}

impl TryFrom<String> for OriginCode {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn county_level_divisions_are_accepted() {
        for code in [
            "430104", "110101", "500101", "500229", "310115", "650102", "540102",
        ] {
            assert_eq!(
                OriginCode::parse(code).map(|c| c.0),
                Ok(code.to_owned()),
                "{code}"
            );
        }
    }

    #[test]
    fn prefectures_without_counties_are_accepted() {
        // 东莞 中山 儋州 嘉峪关
        for code in ["441900", "442000", "460400", "620200"] {
            assert_eq!(level_of(code), Some(DivisionLevel::Prefecture));
            assert!(is_selectable(code), "{code}");
            assert_eq!(
                OriginCode::parse(code).map(|c| c.0),
                Ok(code.to_owned()),
                "{code}"
            );
        }
    }

    #[test]
    fn county_level_units_under_a_province_are_accepted() {
        // 湖北仙桃 河南济源 海南五指山
        for code in ["429004", "419001", "469001"] {
            assert_eq!(level_of(code), Some(DivisionLevel::County));
            assert!(OriginCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn provinces_and_ordinary_prefectures_are_refused_with_the_level_message() {
        // 湖南省 长沙市 深圳市 北京市 广东省
        for code in ["430000", "430100", "440300", "110000", "440000", "429000"] {
            assert_eq!(
                OriginCode::parse(code).unwrap_err(),
                ORIGIN_LEVEL_MESSAGE,
                "{code}"
            );
            assert!(!is_selectable(code), "{code}");
        }
        assert_eq!(level_of("430000"), Some(DivisionLevel::Province));
        assert_eq!(level_of("430100"), Some(DivisionLevel::Prefecture));
    }

    #[test]
    fn malformed_codes_are_refused_with_the_code_message() {
        for code in [
            "43010",
            "4301041",
            "43010a",
            "湖南省",
            "100101",
            "720101",
            "900000",
            "000000",
            "430004",
        ] {
            assert_eq!(OriginCode::parse(code).unwrap_err(), CODE_MESSAGE, "{code}");
            assert_eq!(level_of(code), None, "{code}");
        }
        assert_eq!(OriginCode::parse("  ").unwrap_err(), "请选择生源所在地");
    }

    #[test]
    fn spreadsheet_and_full_width_codes_are_normalised() {
        assert_eq!(OriginCode::parse(" 430104.0 ").unwrap().as_str(), "430104");
        assert_eq!(
            OriginCode::parse("４３０１０４").unwrap().as_str(),
            "430104"
        );
        assert!(is_selectable("441900.0"));
    }

    #[test]
    fn parent_codes() {
        let code = OriginCode::parse("430104").unwrap();
        assert_eq!(code.province_code(), "430000");
        assert_eq!(code.prefecture_code(), "430100");
        let xiantao = OriginCode::parse("429004").unwrap();
        assert_eq!(xiantao.province_code(), "420000");
        assert_eq!(xiantao.prefecture_code(), "429000");
    }

    #[test]
    fn deserialising_applies_the_rule() {
        use serde::de::IntoDeserializer;
        let de = |s: &str| -> Result<OriginCode, serde::de::value::Error> {
            OriginCode::deserialize(s.to_owned().into_deserializer())
        };
        assert_eq!(de("430104").unwrap().as_str(), "430104");
        assert!(de("430100").is_err());
    }

    proptest! {
        #[test]
        fn selectable_codes_parse_and_others_do_not(
            province in proptest::sample::select(PROVINCE_PREFIXES),
            prefecture in 0..100u32,
            county in 0..100u32,
        ) {
            let code = format!("{province}{prefecture:02}{county:02}");
            prop_assert_eq!(OriginCode::parse(&code).is_ok(), is_selectable(&code));
            prop_assert_eq!(
                is_selectable(&code),
                (prefecture != 0 && county != 0) || COMPLETE_PREFECTURES.contains(&code.as_str())
            );
        }
    }
}
