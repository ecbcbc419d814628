//! Staff accounts' fields, checked the same way in the 教师账号 page and on the server.

/// A user name as stored: trimmed, lower case (staff may type it in any case).
pub fn normalize_username(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// User names (after `normalize_username`): 3–32 of a–z, 0–9, `_ . -`, starting with a letter.
pub fn check_username(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    let len = name.chars().count();
    if !(3..=32).contains(&len) || !ok_chars || !name.starts_with(|c: char| c.is_ascii_lowercase())
    {
        Err("用户名为 3–32 位小写字母、数字或 _ . -，以字母开头".to_string())
    } else {
        Ok(())
    }
}

/// A staff member's name as shown: 1–30 characters, trimmed.
pub fn check_display_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 30 {
        Err("请填写姓名（最多 30 个字）".to_string())
    } else {
        Ok(name.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_are_checked_after_lower_casing() {
        assert_eq!(normalize_username("  Zhang01 "), "zhang01");
        assert!(check_username(&normalize_username("Zhang01")).is_ok());
        assert!(check_username("1abc").is_err());
        assert!(check_username("ab").is_err());
        assert!(check_username("zhang san").is_err());
    }

    #[test]
    fn display_names_are_one_to_thirty_characters() {
        assert_eq!(check_display_name(" 王老师 "), Ok("王老师".to_string()));
        assert!(check_display_name("  ").is_err());
        assert!(check_display_name(&"字".repeat(31)).is_err());
        assert!(check_display_name(&"字".repeat(30)).is_ok());
    }
}
