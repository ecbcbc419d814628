//! Cells of CSV files, which may be opened in a spreadsheet. (The `.xlsx` exports write string
//! cells, which a spreadsheet never evaluates, so they keep values as they are.)

use std::borrow::Cow;

/// Neutralises formula injection (OWASP "CSV injection"): a cell starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return is prefixed with `'`, so Excel and WPS show it as text instead of
/// evaluating it. Full-width variants (＝ ＋ － ＠) are treated the same, since spreadsheet
/// programs with Chinese input settings may normalise them.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{value}"))
        }
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            safe_cell("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(safe_cell("+86 138"), "'+86 138");
        assert_eq!(safe_cell("-1+1"), "'-1+1");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\t=1"), "'\t=1");
        assert_eq!(safe_cell("＝1+1"), "'＝1+1");
    }

    #[test]
    fn ordinary_values_pass_unchanged() {
        for v in [
            "",
            "440106",
            "张三",
            "a=b",
            "2023-07-01",
            "13800138000",
            "x@y.cn",
        ] {
            assert!(matches!(safe_cell(v), Cow::Borrowed(_)), "{v}");
            assert_eq!(safe_cell(v), v);
        }
    }
}
