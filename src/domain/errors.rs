//! Field-level validation errors, as shown next to the form inputs.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem with one form input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form input name, e.g. `"qq"`.
    pub field: String,
    /// What is wrong and what to do, in Chinese, naming the field.
    pub message: String,
}

/// Every problem found in one form, in the order they were found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The first message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("；")?;
            }
            f.write_str(&e.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldErrors {}

impl<'a> IntoIterator for &'a FieldErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_is_empty() {
        let errors = FieldErrors::new();
        assert!(errors.is_empty());
        assert_eq!(errors.len(), 0);
        assert_eq!(errors.to_string(), "");
    }

    #[test]
    fn get_returns_the_first_message_of_the_field() {
        let mut errors = FieldErrors::new();
        errors.push("qq", "QQ号码只能包含数字");
        errors.push("mobile", String::from("请填写手机号码"));
        errors.push("qq", "第二条");
        assert_eq!(errors.len(), 3);
        assert!(!errors.is_empty());
        assert_eq!(errors.get("qq"), Some("QQ号码只能包含数字"));
        assert_eq!(errors.get("mobile"), Some("请填写手机号码"));
        assert_eq!(errors.get("email"), None);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["qq", "mobile", "qq"]);
    }

    #[test]
    fn display_joins_messages_with_full_width_semicolon() {
        let mut errors = FieldErrors::new();
        errors.push("qq", "甲");
        assert_eq!(errors.to_string(), "甲");
        errors.push("email", "乙");
        assert_eq!(errors.to_string(), "甲；乙");
    }
}
