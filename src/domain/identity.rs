//! 身份证号 (GB 11643) and 考生号.

use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::contact::normalize_digits;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

const LENGTH_MESSAGE: &str = "身份证号应为18位";
const BODY_MESSAGE: &str = "身份证号前17位只能是数字";
const LAST_CHAR_MESSAGE: &str = "身份证号最后一位只能是数字或X";
const CHECK_MESSAGE: &str = "身份证号校验位不正确";
const DATE_MESSAGE: &str = "身份证号中的出生日期无效";

/// The GB 11643 check character of a 17-digit body; `None` when it is not 17 ASCII digits.
fn check_char(body17: &str) -> Option<char> {
    if body17.len() != 17 || !body17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(CHECK_CHARS[(sum % 11) as usize]))
}

/// Builds a valid 18-digit number from a 17-digit body (for demo data and tests).
/// A body that is not 17 digits is returned unchanged, so it will not parse.
pub fn with_check_digit(body17: &str) -> String {
    match check_char(body17) {
        Some(check) => format!("{body17}{check}"),
        None => body17.to_owned(),
    }
}

/// Today's date in China (UTC+8), where birth dates are written.
///
/// Reads the system clock: in a browser this needs chrono's `wasmbind` feature, so browser code
/// should prefer [`IdNumber::parse_on`] with a date it already has.
fn today_in_china() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(8)).date_naive()
}

/// 身份证号: 18 characters with a valid check character and a real birth date. Stored with an
/// uppercase `X`.
///
/// Deserialising checks the shape, check character and date again (without the clock), so an
/// `IdNumber` always holds a well-formed number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct IdNumber(String);

impl TryFrom<String> for IdNumber {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse_on(&value, NaiveDate::MAX)
    }
}

impl IdNumber {
    /// Parses an 18-character number, checking the birth date against today's date.
    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::parse_on(raw, today_in_china())
    }

    /// Like [`IdNumber::parse`], with "today" given, so the check needs no clock.
    pub fn parse_on(raw: &str, today: NaiveDate) -> Result<Self, String> {
        let s = normalize_digits(raw).to_ascii_uppercase();
        if s.is_empty() {
            return Err("请填写身份证号".into());
        }
        if s.chars().count() != 18 {
            return Err(LENGTH_MESSAGE.into());
        }
        let (body, last) = s.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BODY_MESSAGE.into());
        }
        if !last.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
            return Err(LAST_CHAR_MESSAGE.into());
        }
        birth_date_of(&body[6..14], today).ok_or_else(|| DATE_MESSAGE.to_owned())?;
        if check_char(body).map(String::from).as_deref() != Some(last) {
            return Err(CHECK_MESSAGE.into());
        }
        Ok(IdNumber(s))
    }

    /// Also accepts a 15-digit legacy number (imports): `19` goes before its `yymmdd` birth date
    /// and the check character is computed.
    pub fn parse_legacy(raw: &str) -> Result<Self, String> {
        Self::parse_legacy_on(raw, today_in_china())
    }

    /// Like [`IdNumber::parse_legacy`], with "today" given.
    pub fn parse_legacy_on(raw: &str, today: NaiveDate) -> Result<Self, String> {
        let s = normalize_digits(raw);
        if s.chars().count() != 15 {
            return Self::parse_on(&s, today).map_err(|e| {
                if e == LENGTH_MESSAGE {
                    "身份证号应为18位（或15位旧号码）".to_owned()
                } else {
                    e
                }
            });
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("15位身份证号只能是数字".into());
        }
        let body = format!("{}19{}", &s[..6], &s[6..]);
        Self::parse_on(&with_check_digit(&body), today)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Every constructor checked the date, so the fallback is never reached.
        birth_date_of(&self.0[6..14], NaiveDate::MAX).unwrap_or_default()
    }

    /// 性别代码 from the 17th digit: odd "1" 男, even "2" 女.
    pub fn gender_code(&self) -> &'static str {
        match self.0.as_bytes().get(16) {
            Some(d) if (d - b'0') % 2 == 1 => "1",
            _ => "2",
        }
    }

    /// The initial password of a student account: the last 6 characters.
    pub fn default_password(&self) -> String {
        self.0[12..].to_owned()
    }

    /// For lists, logs and the student's own page: see [`mask_id_number`].
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

/// How many leading characters of a 身份证号 a mask keeps: the 6-digit area code (where the
/// student is registered), which with the name tells two students apart for a counselor. The last
/// six characters are the default password, so no mask may show any of them.
const MASK_KEEPS: usize = 6;

/// The one mask of a 身份证号 everywhere it is not shown in full: `430104************`. Values
/// that are not a full number (legacy rows, typos) keep at most the first half, never the tail.
pub fn mask_id_number(raw: &str) -> String {
    let chars: Vec<char> = raw.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let keep = MASK_KEEPS.min(chars.len() / 2);
    chars[..keep]
        .iter()
        .copied()
        .chain(std::iter::repeat_n('*', chars.len() - keep))
        .collect()
}

/// A `yyyymmdd` birth date that exists, is not before 1900 and not after `today`.
fn birth_date_of(yyyymmdd: &str, today: NaiveDate) -> Option<NaiveDate> {
    let year = yyyymmdd.get(..4)?.parse().ok()?;
    let month = yyyymmdd.get(4..6)?.parse().ok()?;
    let day = yyyymmdd.get(6..8)?.parse().ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    (date.year() >= 1900 && date <= today).then_some(date)
}

/// 考生号: 14 digits. A mismatch is only a warning (the national platform has odd ones);
/// `None` when fine or empty.
pub fn exam_number_warning(raw: &str) -> Option<String> {
    let s = normalize_digits(raw);
    if s.is_empty() || (s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit())) {
        None
    } else {
        Some(format!(
            "考生号通常为14位数字，当前为“{s}”（{}位），请核对",
            s.chars().count()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A fixed "today" so the tests do not depend on the clock.
    fn today() -> NaiveDate {
        day(2023, 6, 30)
    }

    #[test]
    fn check_digit_matches_known_numbers() {
        // The GB 11643 example number.
        assert_eq!(with_check_digit("11010519491231002"), "11010519491231002X");
        assert_eq!(with_check_digit("44052418800101001"), "440524188001010014");
        assert_eq!(with_check_digit("1234"), "1234");
    }

    #[test]
    fn masks_never_show_the_default_password() {
        assert_eq!(mask_id_number("43010420010315001X"), "430104************");
        assert_eq!(mask_id_number("1234"), "12**");
        assert_eq!(mask_id_number(""), "");
        let short = mask_id_number("4301042001");
        assert_eq!(short, "43010*****");
    }

    #[test]
    fn parses_valid_numbers_and_uppercases_x() {
        let id = IdNumber::parse_on("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), day(1949, 12, 31));
        assert_eq!(id.gender_code(), "2");
        assert_eq!(id.default_password(), "31002X");
        assert_eq!(id.masked(), "110105************");
        assert_eq!(id.masked().chars().count(), 18);
    }

    #[test]
    fn parse_normalises_full_width_and_whitespace() {
        let id = IdNumber::parse_on(" １１０１０５１９４９１２３１００２ｘ ", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn gender_follows_the_seventeenth_digit() {
        let male = IdNumber::parse_on(&with_check_digit("43010420010101001"), today()).unwrap();
        let female = IdNumber::parse_on(&with_check_digit("43010420010101002"), today()).unwrap();
        assert_eq!(male.gender_code(), "1");
        assert_eq!(female.gender_code(), "2");
    }

    #[test]
    fn refuses_wrong_length_characters_and_check_digit() {
        let cases = [
            ("", "请填写身份证号"),
            ("11010519491231002", LENGTH_MESSAGE),
            ("11010519491231002X1", LENGTH_MESSAGE),
            ("1101051949123100AX", BODY_MESSAGE),
            ("11010519491231002Y", LAST_CHAR_MESSAGE),
            ("110105194912310021", CHECK_MESSAGE),
        ];
        for (raw, message) in cases {
            assert_eq!(
                IdNumber::parse_on(raw, today()).unwrap_err(),
                message,
                "{raw}"
            );
        }
    }

    #[test]
    fn refuses_impossible_early_and_future_birth_dates() {
        for body in [
            "43010420010230001", // 2月30日
            "43010420011301001", // 13月
            "43010418991231001", // before 1900
            "43010420230701001", // after "today"
        ] {
            let raw = with_check_digit(body);
            assert_eq!(
                IdNumber::parse_on(&raw, today()).unwrap_err(),
                DATE_MESSAGE,
                "{raw}"
            );
        }
        assert!(IdNumber::parse_on(&with_check_digit("43010420000229001"), today()).is_ok());
        assert!(IdNumber::parse_on(&with_check_digit("43010420230630001"), today()).is_ok());
        assert!(IdNumber::parse_on(&with_check_digit("43010419000101001"), today()).is_ok());
    }

    #[test]
    fn parse_uses_the_clock() {
        let raw = with_check_digit("43010420010101001");
        assert!(IdNumber::parse(&raw).is_ok());
        let far_future = with_check_digit("43010429990101001");
        assert_eq!(IdNumber::parse(&far_future).unwrap_err(), DATE_MESSAGE);
    }

    #[test]
    fn upgrades_fifteen_digit_numbers() {
        let id = IdNumber::parse_legacy_on("430104850101123", today()).unwrap();
        assert_eq!(id.as_str(), with_check_digit("43010419850101123"));
        assert_eq!(id.birth_date(), day(1985, 1, 1));
        assert_eq!(id.gender_code(), "1");
        assert!(IdNumber::parse_legacy("430104850101123").is_ok());
        // 18-digit numbers still go through the normal rules.
        assert_eq!(
            IdNumber::parse_legacy_on("11010519491231002x", today())
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        assert_eq!(
            IdNumber::parse_legacy_on("110105194912310021", today()).unwrap_err(),
            CHECK_MESSAGE
        );
        assert_eq!(
            IdNumber::parse_legacy_on("43010485013112", today()).unwrap_err(),
            "身份证号应为18位（或15位旧号码）"
        );
        assert_eq!(
            IdNumber::parse_legacy_on("43010485010112X", today()).unwrap_err(),
            "15位身份证号只能是数字"
        );
        assert_eq!(
            IdNumber::parse_legacy_on("430104850231123", today()).unwrap_err(),
            DATE_MESSAGE
        );
        // Plain `parse` does not accept the legacy form.
        assert_eq!(
            IdNumber::parse_on("430104850101123", today()).unwrap_err(),
            LENGTH_MESSAGE
        );
    }

    #[test]
    fn deserialising_checks_the_number() {
        let id: IdNumber = deserialize_str("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(deserialize_str("110105194912310021").is_err());
        assert!(deserialize_str("123").is_err());
    }

    /// Deserialises from a plain string through serde's own string deserializer.
    fn deserialize_str(s: &str) -> Result<IdNumber, serde::de::value::Error> {
        use serde::de::IntoDeserializer;
        IdNumber::deserialize(s.to_owned().into_deserializer())
    }

    #[test]
    fn exam_number_is_only_warned_about() {
        assert_eq!(exam_number_warning(""), None);
        assert_eq!(exam_number_warning(" 19430104150123 "), None);
        assert_eq!(exam_number_warning("１９４３０１０４１５０１２３"), None);
        let short = exam_number_warning("1943010415012").unwrap();
        assert!(
            short.contains("考生号") && short.contains("13位"),
            "{short}"
        );
        assert!(exam_number_warning("1943010415012A").is_some());
    }

    fn valid_body() -> impl Strategy<Value = (String, NaiveDate)> {
        let first = day(1900, 1, 1);
        let span = (today() - first).num_days();
        ("[1-9][0-9]{5}", 0..=span, "[0-9]{3}").prop_map(move |(area, offset, seq)| {
            let birth = first + chrono::Duration::days(offset);
            (format!("{area}{}{seq}", birth.format("%Y%m%d")), birth)
        })
    }

    proptest! {
        #[test]
        fn with_check_digit_always_parses((body, birth) in valid_body()) {
            let raw = with_check_digit(&body);
            let id = IdNumber::parse_on(&raw, today()).unwrap();
            prop_assert_eq!(id.as_str(), raw.as_str());
            prop_assert_eq!(id.birth_date(), birth);
            let odd = (body.as_bytes()[16] - b'0') % 2 == 1;
            prop_assert_eq!(id.gender_code(), if odd { "1" } else { "2" });
            prop_assert_eq!(id.masked().chars().count(), 18);
            // Nothing of the default password (the last six) shows through the mask.
            prop_assert!(id.masked().ends_with("******"));
            prop_assert_eq!(&id.masked()[..6], &raw[..6]);
            prop_assert_eq!(IdNumber::parse_on(&raw.to_lowercase(), today()), Ok(id));
        }

        #[test]
        fn a_changed_check_character_is_refused((body, _) in valid_body(), shift in 1..11usize) {
            let good = check_char(&body).unwrap();
            let index = CHECK_CHARS.iter().position(|&c| char::from(c) == good).unwrap();
            let wrong = char::from(CHECK_CHARS[(index + shift) % 11]);
            let raw = format!("{body}{wrong}");
            prop_assert_eq!(IdNumber::parse_on(&raw, today()).unwrap_err(), CHECK_MESSAGE);
        }
    }
}
