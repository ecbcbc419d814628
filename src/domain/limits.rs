//! How long a text input may be, checked before anything is stored (the browser checks the same
//! numbers through `maxlength` and these functions). Without them one anonymous request could
//! put a 2 MiB 学号 into the failure counters and the append-only audit log. The fields of the
//! forms have their rules beside them, which bound them too: 家庭地址 120 characters
//! (`contact`), 学籍 fields (`record`), reasons 200 (`review`, removal requests), staff names 30
//! (`staff`), survey answers 200 (`survey`).

use super::FieldErrors;

/// One bounded input: the form field it belongs to, its name in messages, its longest length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub field: &'static str,
    pub label: &'static str,
    pub max: usize,
}

pub const STUDENT_NO: Limit = Limit {
    field: "student_no",
    label: "学号",
    max: 20,
};
pub const USERNAME: Limit = Limit {
    field: "username",
    label: "用户名",
    max: 32,
};
/// Any password typed (login, current password); new ones have their own rules (8–64).
pub const PASSWORD: Limit = Limit {
    field: "password",
    label: "密码",
    max: 128,
};
pub const CURRENT_PASSWORD: Limit = Limit {
    field: "current_password",
    ..PASSWORD
};
pub const NEW_PASSWORD: Limit = Limit {
    field: "new_password",
    ..PASSWORD
};
pub const CONFIRM_PASSWORD: Limit = Limit {
    field: "confirm_password",
    ..PASSWORD
};
pub const EMAIL: Limit = Limit {
    field: "email",
    label: "邮箱",
    max: 100,
};
/// A pasted list of 学号 (5,000 of them at most, each with a separator).
pub const STUDENT_NO_LIST: Limit = Limit {
    field: "student_nos",
    label: "学号名单",
    max: 5000 * (20 + 2),
};
/// Survey choices: at most this many, each at most `SURVEY_OPTION` long.
pub const SURVEY_OPTIONS: usize = 20;
pub const SURVEY_OPTION: Limit = Limit {
    field: "options",
    label: "每个选项",
    max: 50,
};

impl Limit {
    /// The message shown when the value is too long.
    pub fn message(&self) -> String {
        format!("{}不能超过{}个字符", self.label, self.max)
    }

    pub fn check(&self, value: &str) -> Result<(), String> {
        if value.chars().count() > self.max {
            Err(self.message())
        } else {
            Ok(())
        }
    }
}

/// Every value over its limit, as field errors (empty when all fit).
pub fn check_all(values: &[(Limit, &str)]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (limit, value) in values {
        if let Err(message) = limit.check(value) {
            errors.push(limit.field, message);
        }
    }
    errors
}

/// A client-generated save id: 128 random bits as 32 hex digits (what the page sends), also in
/// the dashed UUID form `8-4-4-4-12`; empty for "none".
pub fn is_submission_id(value: &str) -> bool {
    let hex = |g: &str| g.bytes().all(|b| b.is_ascii_hexdigit());
    let groups: Vec<&str> = value.split('-').collect();
    value.is_empty()
        || (value.len() == 32 && hex(value))
        || (groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| hex(g)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_over_their_limit_name_the_field() {
        assert_eq!(STUDENT_NO.check(&"1".repeat(20)), Ok(()));
        assert_eq!(
            STUDENT_NO.check(&"1".repeat(21)),
            Err("学号不能超过20个字符".to_string())
        );
        // Characters, not bytes: 100 Chinese characters fit an e-mail's 100.
        assert_eq!(EMAIL.check(&"张".repeat(100)), Ok(()));
        let errors = check_all(&[(STUDENT_NO, "2019010001"), (PASSWORD, &"x".repeat(129))]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors.get("password"), Some("密码不能超过128个字符"));
        assert_eq!(CURRENT_PASSWORD.field, "current_password");
        assert_eq!(CURRENT_PASSWORD.max, 128);
    }

    #[test]
    fn submission_ids_are_uuids() {
        assert!(is_submission_id("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(is_submission_id(""));
        assert!(is_submission_id("0f8fad5bd9cb469fa16570867728950e"));
        assert!(!is_submission_id("0f8fad5b-d9cb-469f-a165-70867728950"));
        assert!(!is_submission_id("first-2019010001-1700000000"));
        assert!(!is_submission_id(&"a".repeat(100_000)));
    }
}
