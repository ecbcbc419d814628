//! The college's review: canned rejection reasons and how a rejection is written.

use super::FieldErrors;

/// 不通过 reasons offered as a list; 其他 needs words of its own.
pub const REJECT_REASONS: [&str; 5] = [
    "信息有误",
    "生源地不准确",
    "培养方式与录取不符",
    "材料不齐全",
    "其他",
];

pub const REASON_TEXT_LIMIT: usize = 200;

/// The reason a student reads: the canned reason, with the reviewer's words after it.
/// `reason` must be one of [`REJECT_REASONS`]; `text` is required with 其他.
pub fn parse_rejection(reason: &str, text: &str) -> Result<String, FieldErrors> {
    let reason = reason.trim();
    let text = text.trim();
    let mut errors = FieldErrors::new();
    if !REJECT_REASONS.contains(&reason) {
        errors.push("reason", "请选择不通过的原因");
    } else if reason == "其他" && text.is_empty() {
        errors.push("reason_text", "选择“其他”时请写明不通过的原因");
    }
    if text.chars().count() > REASON_TEXT_LIMIT {
        errors.push(
            "reason_text",
            format!("说明不能超过{REASON_TEXT_LIMIT}个字"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(match (reason, text.is_empty()) {
        ("其他", _) => text.to_string(),
        (_, true) => reason.to_string(),
        (_, false) => format!("{reason}：{text}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canned_reason_stands_alone_or_with_words() {
        assert_eq!(parse_rejection("生源地不准确", "").unwrap(), "生源地不准确");
        assert_eq!(
            parse_rejection("信息有误", " 手机号码不对 ").unwrap(),
            "信息有误：手机号码不对"
        );
        assert_eq!(
            parse_rejection("其他", "请补交定向合同").unwrap(),
            "请补交定向合同"
        );
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert_eq!(
            parse_rejection("", "随便").unwrap_err().get("reason"),
            Some("请选择不通过的原因")
        );
        assert!(
            parse_rejection("不喜欢", "")
                .unwrap_err()
                .get("reason")
                .is_some()
        );
        assert!(
            parse_rejection("其他", "  ")
                .unwrap_err()
                .get("reason_text")
                .is_some()
        );
        let long = "字".repeat(REASON_TEXT_LIMIT + 1);
        assert!(
            parse_rejection("信息有误", &long)
                .unwrap_err()
                .get("reason_text")
                .is_some()
        );
    }
}
