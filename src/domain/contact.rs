//! 联系方式: the contact fields a student fills in.
//!
//! Each parser returns the normalised value or a Chinese message naming the field.

/// Turns what a Chinese IME types into ASCII and trims: full-width digits, letters and
/// punctuation (`０`–`９`, `Ａ`–`ｚ`, `＠`, `．`, `＋`, `－`, …) and the ideographic space.
pub fn normalize_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            // The full-width block mirrors printable ASCII at a fixed offset.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn all_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// QQ号码: 5–11 digits, no leading 0; nothing but digits after full-width normalisation.
pub fn parse_qq(raw: &str) -> Result<String, String> {
    let s = normalize_digits(raw);
    if s.is_empty() {
        return Err("请填写QQ号码".into());
    }
    if !all_ascii_digits(&s) {
        return Err("QQ号码只能包含数字".into());
    }
    if s.starts_with('0') {
        return Err("QQ号码不能以0开头".into());
    }
    if !(5..=11).contains(&s.len()) {
        return Err("QQ号码应为5至11位数字".into());
    }
    Ok(s)
}

const MOBILE_MESSAGE: &str = "手机号码应为11位，以13–19开头";

/// 手机号码: `1[3-9]` + 9 digits; spaces, hyphens and a leading +86 / 86 are removed.
pub fn parse_mobile(raw: &str) -> Result<String, String> {
    let s: String = normalize_digits(raw)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if s.is_empty() {
        return Err("请填写手机号码".into());
    }
    let s = match s.strip_prefix("+86") {
        Some(rest) => rest,
        None if s.len() == 13 && s.starts_with("86") => &s[2..],
        None => &s,
    };
    let b = s.as_bytes();
    if b.len() == 11 && all_ascii_digits(s) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        Ok(s.to_owned())
    } else {
        Err(MOBILE_MESSAGE.into())
    }
}

const EMAIL_MESSAGE: &str = "电子邮箱格式不正确";

/// 电子邮箱: a practical check (one `@`, a sensible local part, a dotted domain whose last
/// label is letters). The domain is lowercased; the local part is kept as typed.
pub fn parse_email(raw: &str) -> Result<String, String> {
    let s = normalize_digits(raw);
    if s.is_empty() {
        return Err("请填写电子邮箱".into());
    }
    if s.len() > 254 {
        return Err("电子邮箱不能超过254个字符".into());
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err(EMAIL_MESSAGE.into());
    };
    if !valid_local_part(local) || !valid_domain(domain) {
        return Err(EMAIL_MESSAGE.into());
    }
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

fn valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn valid_domain(domain: &str) -> bool {
    // A second '@' ends up here and fails the label check.
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
}

/// 邮编: 6 digits.
pub fn parse_postcode(raw: &str) -> Result<String, String> {
    let s = normalize_digits(raw);
    if s.is_empty() {
        return Err("请填写邮编".into());
    }
    if s.len() == 6 && all_ascii_digits(&s) {
        Ok(s)
    } else {
        Err("邮编应为6位数字".into())
    }
}

/// 家庭电话 (optional): a landline with an optional area code and `-`
/// (`0731-58290000`, `07315829000`) or a mobile number. Spaces are removed.
pub fn parse_home_phone(raw: &str) -> Result<Option<String>, String> {
    let s = normalize_digits(raw);
    if s.is_empty() {
        return Ok(None);
    }
    if let Ok(mobile) = parse_mobile(&s) {
        return Ok(Some(mobile));
    }
    let s: String = s.chars().filter(|c| *c != ' ').collect();
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let well_formed = (7..=20).contains(&s.len())
        && digits >= 7
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if well_formed {
        Ok(Some(s))
    } else {
        Err("家庭电话格式不正确".into())
    }
}

/// 家庭地址: required, 4 to 120 characters after trimming.
pub fn parse_home_address(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 {
        Err("请填写家庭地址".into())
    } else if n < 4 {
        Err("家庭地址太短".into())
    } else if n > 120 {
        Err("家庭地址不能超过120个字".into())
    } else {
        Ok(s.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalize_digits_maps_full_width_and_trims() {
        assert_eq!(normalize_digits("  １２３ "), "123");
        assert_eq!(normalize_digits("ａｂｃ＠ｑｑ．ｃｏｍ"), "abc@qq.com");
        assert_eq!(normalize_digits("＋８６－１３８"), "+86-138");
        assert_eq!(normalize_digits("\u{3000}42\u{3000}"), "42");
        assert_eq!(normalize_digits("湖南"), "湖南");
    }

    #[test]
    fn qq_accepts_plain_and_full_width_digits() {
        assert_eq!(parse_qq("12345").as_deref(), Ok("12345"));
        assert_eq!(parse_qq(" 12345678901 ").as_deref(), Ok("12345678901"));
        assert_eq!(parse_qq("１２３４５６７").as_deref(), Ok("1234567"));
    }

    #[test]
    fn qq_refuses_letters_leading_zero_and_bad_length() {
        assert_eq!(parse_qq("12345a").unwrap_err(), "QQ号码只能包含数字");
        assert_eq!(parse_qq("123 456").unwrap_err(), "QQ号码只能包含数字");
        assert_eq!(
            parse_qq("1234567@qq.com").unwrap_err(),
            "QQ号码只能包含数字"
        );
        assert_eq!(parse_qq("-12345").unwrap_err(), "QQ号码只能包含数字");
        assert_eq!(parse_qq("01234567").unwrap_err(), "QQ号码不能以0开头");
        assert_eq!(parse_qq("1234").unwrap_err(), "QQ号码应为5至11位数字");
        assert_eq!(
            parse_qq("123456789012").unwrap_err(),
            "QQ号码应为5至11位数字"
        );
        assert_eq!(parse_qq("  ").unwrap_err(), "请填写QQ号码");
    }

    #[test]
    fn mobile_strips_country_code_spaces_and_hyphens() {
        assert_eq!(parse_mobile("13812345678").as_deref(), Ok("13812345678"));
        assert_eq!(
            parse_mobile("+86 138-1234-5678").as_deref(),
            Ok("13812345678")
        );
        assert_eq!(parse_mobile("8613812345678").as_deref(), Ok("13812345678"));
        assert_eq!(
            parse_mobile("＋８６１９９１２３４５６７８").as_deref(),
            Ok("19912345678")
        );
    }

    #[test]
    fn mobile_refuses_bad_numbers() {
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "1381234567a",
            "23812345678",
        ] {
            assert_eq!(parse_mobile(bad).unwrap_err(), MOBILE_MESSAGE, "{bad}");
        }
        assert_eq!(parse_mobile(" ").unwrap_err(), "请填写手机号码");
    }

    #[test]
    fn email_accepts_practical_addresses_and_lowercases_the_domain() {
        assert_eq!(
            parse_email("Zhang.San@QQ.COM").as_deref(),
            Ok("Zhang.San@qq.com")
        );
        assert_eq!(
            parse_email(" a+b_c@mail.hnust.edu.cn ").as_deref(),
            Ok("a+b_c@mail.hnust.edu.cn")
        );
        assert_eq!(
            parse_email("ｌｉ＠１６３．ｃｏｍ").as_deref(),
            Ok("li@163.com")
        );
        assert_eq!(parse_email("x@my-host.io").as_deref(), Ok("x@my-host.io"));
    }

    #[test]
    fn email_refuses_malformed_addresses() {
        for bad in [
            "plain",
            "@qq.com",
            "a@@qq.com",
            "a@b@qq.com",
            "a@qq",
            "a@qq.c",
            "a@qq.c0m",
            "a@-qq.com",
            "a@qq-.com",
            "a@qq..com",
            "a@.qq.com",
            ".a@qq.com",
            "a.@qq.com",
            "a..b@qq.com",
            "a b@qq.com",
            "张三@qq.com",
            "a@q_q.com",
        ] {
            assert_eq!(parse_email(bad).unwrap_err(), EMAIL_MESSAGE, "{bad}");
        }
        assert_eq!(parse_email("").unwrap_err(), "请填写电子邮箱");
        let long = format!("{}@{}.com", "a".repeat(64), "b".repeat(200));
        assert!(parse_email(&long).is_err());
    }

    #[test]
    fn postcode_is_six_digits() {
        assert_eq!(parse_postcode("411201").as_deref(), Ok("411201"));
        assert_eq!(parse_postcode("４１１２０１").as_deref(), Ok("411201"));
        assert_eq!(parse_postcode("41120").unwrap_err(), "邮编应为6位数字");
        assert_eq!(parse_postcode("41120a").unwrap_err(), "邮编应为6位数字");
        assert_eq!(parse_postcode("").unwrap_err(), "请填写邮编");
    }

    #[test]
    fn home_phone_is_optional_landline_or_mobile() {
        assert_eq!(parse_home_phone(""), Ok(None));
        assert_eq!(parse_home_phone("  "), Ok(None));
        assert_eq!(
            parse_home_phone("0731-58290000"),
            Ok(Some("0731-58290000".into()))
        );
        assert_eq!(
            parse_home_phone("07315829000"),
            Ok(Some("07315829000".into()))
        );
        assert_eq!(parse_home_phone("5829000"), Ok(Some("5829000".into())));
        assert_eq!(
            parse_home_phone("+86 138 1234 5678"),
            Ok(Some("13812345678".into()))
        );
        for bad in [
            "123456",
            "0731-5829x000",
            "-07315829000",
            "0731--58290000",
            "0731-",
            "123456789012345678901",
        ] {
            assert_eq!(
                parse_home_phone(bad).unwrap_err(),
                "家庭电话格式不正确",
                "{bad}"
            );
        }
    }

    #[test]
    fn home_address_length_rules() {
        assert_eq!(
            parse_home_address("  湖南省湘潭市雨湖区桃园路1号 ").as_deref(),
            Ok("湖南省湘潭市雨湖区桃园路1号")
        );
        assert_eq!(parse_home_address("湖南湘潭").as_deref(), Ok("湖南湘潭"));
        assert_eq!(parse_home_address(" ").unwrap_err(), "请填写家庭地址");
        assert_eq!(parse_home_address("湖南省").unwrap_err(), "家庭地址太短");
        assert!(parse_home_address(&"路".repeat(120)).is_ok());
        assert_eq!(
            parse_home_address(&"路".repeat(121)).unwrap_err(),
            "家庭地址不能超过120个字"
        );
    }

    proptest! {
        #[test]
        fn qq_with_an_ascii_letter_is_never_valid(
            before in "\\PC{0,8}",
            letter in "[A-Za-z]",
            after in "\\PC{0,8}",
        ) {
            let raw = format!("{before}{letter}{after}");
            prop_assert!(parse_qq(&raw).is_err());
        }

        #[test]
        fn qq_accepts_every_well_formed_number(first in "[1-9]", rest in "[0-9]{4,10}") {
            let raw = format!("{first}{rest}");
            prop_assert_eq!(parse_qq(&raw), Ok(raw.clone()));
        }

        #[test]
        fn mobile_round_trips_valid_numbers(second in "[3-9]", rest in "[0-9]{9}") {
            let number = format!("1{second}{rest}");
            prop_assert_eq!(parse_mobile(&format!("+86 {number}")), Ok(number.clone()));
        }
    }
}
