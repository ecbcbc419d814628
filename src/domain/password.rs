//! Rules for a new password, shared by the password-change and reset forms (browser and server).

use super::FieldErrors;

/// Shortest password accepted (NIST SP 800-63B: at least 8; no composition rules).
pub const MIN_LEN: usize = 8;
/// Longest password accepted: enough for any passphrase, bounded so hashing stays cheap.
pub const MAX_LEN: usize = 64;

/// Passwords that appear at the top of every leaked list, plus the patterns students tend to use.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "12341234",
    "11223344",
    "password",
    "password1",
    "passw0rd",
    "qwertyui",
    "qwerty123",
    "asdfghjk",
    "abcd1234",
    "abc12345",
    "1qaz2wsx",
    "a1234567",
    "iloveyou",
    "woaini1314",
    "5201314520",
    "aa123456",
    "zxcvbnm1",
];

/// What a new password must not be equal to or contain.
#[derive(Clone, Debug, Default)]
pub struct PasswordContext<'a> {
    /// The login name (学号 or staff user name).
    pub login: &'a str,
    /// The default password (last six of the 身份证号), for students.
    pub default_password: Option<&'a str>,
    /// The full 身份证号, for students.
    pub id_number: Option<&'a str>,
}

/// Checks a new password and its confirmation; errors name the fields `new_password` and
/// `confirm_password`.
pub fn check_new_password(new: &str, confirm: &str, ctx: &PasswordContext<'_>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let len = new.chars().count();
    let lower = new.to_lowercase();
    let problem = if new.is_empty() {
        Some("请输入新密码".to_string())
    } else if len < MIN_LEN {
        Some(format!("新密码至少 {MIN_LEN} 位"))
    } else if len > MAX_LEN {
        Some(format!("新密码最多 {MAX_LEN} 位"))
    } else if new.chars().any(char::is_control) {
        Some("新密码不能包含控制字符".to_string())
    } else if ctx
        .default_password
        .is_some_and(|d| lower == d.to_lowercase())
    {
        Some("新密码不能与初始密码（身份证号后六位）相同".to_string())
    } else if !ctx.login.is_empty() && lower.contains(&ctx.login.to_lowercase()) {
        Some("新密码不能包含学号或用户名".to_string())
    } else if ctx
        .id_number
        .is_some_and(|id| !id.is_empty() && lower.contains(&id.to_lowercase()))
    {
        Some("新密码不能包含身份证号".to_string())
    } else if new.chars().all(|c| Some(c) == new.chars().next()) {
        Some("新密码不能全部是同一个字符".to_string())
    } else if COMMON.contains(&lower.as_str()) {
        Some("新密码过于常见，容易被猜中，请换一个".to_string())
    } else {
        None
    };
    if let Some(message) = problem {
        errors.push("new_password", message);
    }
    if confirm != new {
        errors.push("confirm_password", "两次输入的新密码不一致");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student() -> PasswordContext<'static> {
        PasswordContext {
            login: "2019010101",
            default_password: Some("12345X"),
            id_number: Some("44010619990101234X"),
        }
    }

    fn message(new: &str) -> Option<String> {
        check_new_password(new, new, &student())
            .get("new_password")
            .map(str::to_string)
    }

    #[test]
    fn accepts_a_reasonable_passphrase() {
        assert!(check_new_password("春天-到了-2023", "春天-到了-2023", &student()).is_empty());
        assert!(check_new_password("Yellow-River-7", "Yellow-River-7", &student()).is_empty());
    }

    #[test]
    fn refuses_short_long_common_and_personal_passwords() {
        assert_eq!(message("").unwrap(), "请输入新密码");
        assert!(message("Abc-123").unwrap().contains("至少 8 位"));
        assert!(message(&"a".repeat(65)).unwrap().contains("最多 64 位"));
        assert!(message("aaaaaaaaaa").unwrap().contains("同一个字符"));
        assert!(message("Password1").unwrap().contains("常见"));
        assert!(message("x2019010101").unwrap().contains("学号"));
        assert!(
            message("id44010619990101234x")
                .unwrap()
                .contains("身份证号")
        );
        assert!(message("tab\there!").unwrap().contains("控制字符"));
    }

    #[test]
    fn refuses_the_default_password_whatever_its_length() {
        // The default is six characters, below the minimum; a longer default must still be refused.
        let ctx = PasswordContext {
            login: "s1",
            default_password: Some("Default-Pass-1"),
            id_number: None,
        };
        let errors = check_new_password("default-pass-1", "default-pass-1", &ctx);
        assert!(errors.get("new_password").unwrap().contains("初始密码"));
    }

    #[test]
    fn the_confirmation_must_match() {
        let errors = check_new_password("Yellow-River-7", "Yellow-River-8", &student());
        assert_eq!(
            errors.get("confirm_password"),
            Some("两次输入的新密码不一致")
        );
        assert!(errors.get("new_password").is_none());
    }

    #[test]
    fn counts_characters_not_bytes() {
        // Seven Chinese characters are 21 bytes but still too short.
        assert!(message("春眠不觉晓处处").unwrap().contains("至少"));
        assert!(message("春眠不觉晓处处闻").is_none());
    }
}
