//! National code tables (国家标准代码) used in the form and in the national upload.

use serde::{Deserialize, Serialize};

use super::contact::normalize_digits;

/// One entry of a code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
}

const fn c(code: &'static str, name: &'static str) -> Code {
    Code { code, name }
}

/// 性别 (GB/T 2261.1).
pub const GENDERS: &[Code] = &[c("1", "男"), c("2", "女")];

/// 民族 (GB 3304), in the standard's order.
pub const ETHNICITIES: &[Code] = &[
    c("01", "汉族"),
    c("02", "蒙古族"),
    c("03", "回族"),
    c("04", "藏族"),
    c("05", "维吾尔族"),
    c("06", "苗族"),
    c("07", "彝族"),
    c("08", "壮族"),
    c("09", "布依族"),
    c("10", "朝鲜族"),
    c("11", "满族"),
    c("12", "侗族"),
    c("13", "瑶族"),
    c("14", "白族"),
    c("15", "土家族"),
    c("16", "哈尼族"),
    c("17", "哈萨克族"),
    c("18", "傣族"),
    c("19", "黎族"),
    c("20", "傈僳族"),
    c("21", "佤族"),
    c("22", "畲族"),
    c("23", "高山族"),
    c("24", "拉祜族"),
    c("25", "水族"),
    c("26", "东乡族"),
    c("27", "纳西族"),
    c("28", "景颇族"),
    c("29", "柯尔克孜族"),
    c("30", "土族"),
    c("31", "达斡尔族"),
    c("32", "仫佬族"),
    c("33", "羌族"),
    c("34", "布朗族"),
    c("35", "撒拉族"),
    c("36", "毛南族"),
    c("37", "仡佬族"),
    c("38", "锡伯族"),
    c("39", "阿昌族"),
    c("40", "普米族"),
    c("41", "塔吉克族"),
    c("42", "怒族"),
    c("43", "乌孜别克族"),
    c("44", "俄罗斯族"),
    c("45", "鄂温克族"),
    c("46", "德昂族"),
    c("47", "保安族"),
    c("48", "裕固族"),
    c("49", "京族"),
    c("50", "塔塔尔族"),
    c("51", "独龙族"),
    c("52", "鄂伦春族"),
    c("53", "赫哲族"),
    c("54", "门巴族"),
    c("55", "珞巴族"),
    c("56", "基诺族"),
    c("97", "其他"),
    c("98", "外国血统中国籍人士"),
];

/// 政治面貌 (GB/T 4762).
pub const POLITICAL_STATUSES: &[Code] = &[
    c("01", "中共党员"),
    c("02", "中共预备党员"),
    c("03", "共青团员"),
    c("04", "民革党员"),
    c("05", "民盟盟员"),
    c("06", "民建会员"),
    c("07", "民进会员"),
    c("08", "农工党党员"),
    c("09", "致公党党员"),
    c("10", "九三学社社员"),
    c("11", "台盟盟员"),
    c("12", "无党派人士"),
    c("13", "群众"),
];

/// 学历代码 of the national upload (毕业 and 结业).
pub const EDUCATION_CODES: &[Code] = &[
    c("01", "博士生毕业"),
    c("11", "硕士生毕业"),
    c("31", "本科生毕业"),
    c("41", "专科生毕业"),
    c("03", "博士生结业"),
    c("13", "硕士生结业"),
    c("33", "本科生结业"),
    c("43", "专科生结业"),
];

/// 培养方式.
pub const TRAINING_MODES: &[Code] = &[
    c("1", "非定向"),
    c("2", "定向"),
    c("3", "在职"),
    c("4", "委培"),
    c("5", "自筹"),
];

/// 师范生类别.
pub const NORMAL_CATEGORIES: &[Code] = &[
    c("12", "免费(公费)师范生"),
    c("1", "普通师范生"),
    c("2", "非师范生"),
];

/// 困难生类别: a bit set of 就业困难 (1), 家庭困难 (2) and 残疾 (4).
pub const HARDSHIP_CATEGORIES: &[Code] = &[
    c("0", "非困难生"),
    c("1", "就业困难"),
    c("2", "家庭困难"),
    c("3", "就业困难和家庭困难"),
    c("4", "残疾"),
    c("5", "就业困难和残疾"),
    c("6", "家庭困难和残疾"),
    c("7", "就业困难、家庭困难和残疾"),
];

/// 城乡生源.
pub const URBAN_RURAL: &[Code] = &[c("1", "城镇"), c("2", "农村")];

/// What spreadsheets and IMEs do to a code, undone: trims, turns full-width characters into
/// ASCII and drops a zero fraction (`"11.0"` → `"11"`).
pub fn normalize_code(raw: &str) -> String {
    let s = normalize_digits(raw);
    if let Some((int, frac)) = s.split_once('.')
        && !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b == b'0')
    {
        return int.to_owned();
    }
    s
}

/// The width shared by every code of `table`, if they all have one.
fn uniform_width(table: &[Code]) -> Option<usize> {
    let first = table.first()?.code.len();
    table.iter().all(|e| e.code.len() == first).then_some(first)
}

/// Finds an entry by code or by name. Normalises what spreadsheets do to codes: surrounding
/// whitespace, `"11.0"` → `"11"`, full-width digits, and leading zeros — `"1"` → `"01"` in a
/// table of two-digit codes, `"01"` → `"1"` in a table of mixed widths such as
/// [`NORMAL_CATEGORIES`].
pub fn lookup(table: &'static [Code], code_or_name: &str) -> Option<&'static Code> {
    let s = normalize_code(code_or_name);
    if s.is_empty() {
        return None;
    }
    if let Some(entry) = table.iter().find(|e| e.code == s || e.name == s) {
        return Some(entry);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = s.trim_start_matches('0');
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        let candidate = match uniform_width(table) {
            Some(width) if trimmed.len() < width => format!("{trimmed:0>width$}"),
            _ => trimmed.to_owned(),
        };
        return table.iter().find(|e| e.code == candidate);
    }
    // 民族 typed without the trailing 族 ("汉" for 汉族).
    table
        .iter()
        .find(|e| e.name.strip_suffix('族') == Some(s.as_str()))
}

/// The name of the entry with this code (normalised like [`lookup`]); `None` for names.
pub fn name_of(table: &'static [Code], code: &str) -> Option<&'static str> {
    let entry = lookup(table, code)?;
    let s = normalize_code(code);
    (s != entry.name).then_some(entry.name)
}

/// 学历层次 as shown in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EducationLevel {
    Doctor,
    Master,
    Bachelor,
    Junior,
}

impl EducationLevel {
    pub const ALL: [EducationLevel; 4] = [
        EducationLevel::Doctor,
        EducationLevel::Master,
        EducationLevel::Bachelor,
        EducationLevel::Junior,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EducationLevel::Doctor => "博士",
            EducationLevel::Master => "硕士",
            EducationLevel::Bachelor => "本科",
            EducationLevel::Junior => "专科",
        }
    }

    /// 研究生 (博士 or 硕士).
    pub fn is_postgraduate(self) -> bool {
        matches!(self, EducationLevel::Doctor | EducationLevel::Master)
    }

    /// The 学历代码 for a regular graduation (毕业).
    pub fn graduate_code(self) -> &'static str {
        match self {
            EducationLevel::Doctor => "01",
            EducationLevel::Master => "11",
            EducationLevel::Bachelor => "31",
            EducationLevel::Junior => "41",
        }
    }

    /// Reads a level from a label (`博士`, `硕士研究生`, `本科生毕业`, …) or a 学历代码
    /// (`01`, `13`, `"1.0"`, …), normalised like [`lookup`].
    pub fn parse(s: &str) -> Option<Self> {
        let normalized = normalize_code(s);
        let by_label = match normalized.as_str() {
            "博士" | "博士生" | "博士研究生" => Some(EducationLevel::Doctor),
            "硕士" | "硕士生" | "硕士研究生" => Some(EducationLevel::Master),
            "本科" | "本科生" => Some(EducationLevel::Bachelor),
            "专科" | "专科生" | "大专" | "高职" => Some(EducationLevel::Junior),
            _ => None,
        };
        by_label.or_else(|| {
            // The tens digit of a 学历代码 is the level; the units digit is 毕业/结业.
            match lookup(EDUCATION_CODES, &normalized)?
                .code
                .as_bytes()
                .first()?
            {
                b'0' => Some(EducationLevel::Doctor),
                b'1' => Some(EducationLevel::Master),
                b'3' => Some(EducationLevel::Bachelor),
                b'4' => Some(EducationLevel::Junior),
                _ => None,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TABLES: &[(&str, &[Code])] = &[
        ("GENDERS", GENDERS),
        ("ETHNICITIES", ETHNICITIES),
        ("POLITICAL_STATUSES", POLITICAL_STATUSES),
        ("EDUCATION_CODES", EDUCATION_CODES),
        ("TRAINING_MODES", TRAINING_MODES),
        ("NORMAL_CATEGORIES", NORMAL_CATEGORIES),
        ("HARDSHIP_CATEGORIES", HARDSHIP_CATEGORIES),
        ("URBAN_RURAL", URBAN_RURAL),
    ];

    #[test]
    fn tables_have_unique_codes_and_names() {
        for (table_name, table) in TABLES {
            for (i, a) in table.iter().enumerate() {
                for b in &table[i + 1..] {
                    assert_ne!(a.code, b.code, "{table_name}");
                    assert_ne!(a.name, b.name, "{table_name}");
                }
            }
        }
    }

    #[test]
    fn ethnicities_follow_gb_3304() {
        assert_eq!(ETHNICITIES.len(), 58);
        for (i, e) in ETHNICITIES.iter().take(56).enumerate() {
            assert_eq!(e.code, format!("{:02}", i + 1));
            assert!(e.name.ends_with('族'), "{}", e.name);
        }
        assert_eq!(name_of(ETHNICITIES, "01"), Some("汉族"));
        assert_eq!(name_of(ETHNICITIES, "15"), Some("土家族"));
        assert_eq!(name_of(ETHNICITIES, "56"), Some("基诺族"));
        assert_eq!(name_of(ETHNICITIES, "97"), Some("其他"));
        assert_eq!(name_of(ETHNICITIES, "98"), Some("外国血统中国籍人士"));
        assert_eq!(lookup(ETHNICITIES, "57"), None);
    }

    #[test]
    fn political_statuses_follow_gb_t_4762() {
        assert_eq!(POLITICAL_STATUSES.len(), 13);
        for (i, e) in POLITICAL_STATUSES.iter().enumerate() {
            assert_eq!(e.code, format!("{:02}", i + 1));
        }
        assert_eq!(name_of(POLITICAL_STATUSES, "03"), Some("共青团员"));
        assert_eq!(name_of(POLITICAL_STATUSES, "13"), Some("群众"));
    }

    #[test]
    fn hardship_codes_are_the_bit_sets() {
        for (i, e) in HARDSHIP_CATEGORIES.iter().enumerate() {
            assert_eq!(e.code, i.to_string());
            assert_eq!(e.name.contains("就业困难"), i & 1 != 0, "{}", e.name);
            assert_eq!(e.name.contains("家庭困难"), i & 2 != 0, "{}", e.name);
            assert_eq!(e.name.contains("残疾"), i & 4 != 0, "{}", e.name);
        }
    }

    #[test]
    fn lookup_normalises_spreadsheet_codes() {
        assert_eq!(
            lookup(EDUCATION_CODES, "11.0").map(|e| e.name),
            Some("硕士生毕业")
        );
        assert_eq!(lookup(EDUCATION_CODES, "1").map(|e| e.code), Some("01"));
        assert_eq!(lookup(EDUCATION_CODES, "1.00").map(|e| e.code), Some("01"));
        assert_eq!(lookup(ETHNICITIES, " 1 ").map(|e| e.name), Some("汉族"));
        assert_eq!(lookup(ETHNICITIES, "１５").map(|e| e.name), Some("土家族"));
        assert_eq!(lookup(ETHNICITIES, "001").map(|e| e.name), Some("汉族"));
        assert_eq!(lookup(ETHNICITIES, "汉").map(|e| e.code), Some("01"));
        assert_eq!(
            lookup(POLITICAL_STATUSES, "3.0").map(|e| e.name),
            Some("共青团员")
        );
        assert_eq!(lookup(NORMAL_CATEGORIES, "01").map(|e| e.code), Some("1"));
        assert_eq!(lookup(NORMAL_CATEGORIES, "1.0").map(|e| e.code), Some("1"));
        assert_eq!(lookup(NORMAL_CATEGORIES, "12").map(|e| e.code), Some("12"));
        assert_eq!(lookup(NORMAL_CATEGORIES, "012").map(|e| e.code), Some("12"));
        assert_eq!(lookup(HARDSHIP_CATEGORIES, "00").map(|e| e.code), Some("0"));
        assert_eq!(
            lookup(HARDSHIP_CATEGORIES, "0.0").map(|e| e.code),
            Some("0")
        );
        assert_eq!(lookup(GENDERS, "女").map(|e| e.code), Some("2"));
    }

    #[test]
    fn lookup_refuses_what_is_not_in_the_table() {
        assert_eq!(lookup(GENDERS, ""), None);
        assert_eq!(lookup(GENDERS, "3"), None);
        assert_eq!(lookup(GENDERS, "1.5"), None);
        assert_eq!(lookup(TRAINING_MODES, "6"), None);
        assert_eq!(lookup(NORMAL_CATEGORIES, "3"), None);
        assert_eq!(lookup(HARDSHIP_CATEGORIES, "8"), None);
        assert_eq!(lookup(URBAN_RURAL, "城市"), None);
        assert_eq!(lookup(EDUCATION_CODES, "21"), None);
        assert_eq!(lookup(ETHNICITIES, "族"), None);
    }

    #[test]
    fn name_of_takes_codes_only() {
        assert_eq!(name_of(GENDERS, "1"), Some("男"));
        assert_eq!(name_of(URBAN_RURAL, "2.0"), Some("农村"));
        assert_eq!(name_of(GENDERS, "男"), None);
        assert_eq!(name_of(GENDERS, "9"), None);
    }

    #[test]
    fn education_level_parses_labels_and_codes() {
        use EducationLevel::*;
        let cases = [
            ("博士", Doctor),
            ("博士研究生", Doctor),
            ("博士生毕业", Doctor),
            ("01", Doctor),
            ("03", Doctor),
            ("1", Doctor),
            ("1.0", Doctor),
            ("硕士", Master),
            ("硕士研究生", Master),
            ("11", Master),
            ("13", Master),
            ("11.0", Master),
            ("本科", Bachelor),
            ("本科生毕业", Bachelor),
            ("31", Bachelor),
            ("33", Bachelor),
            ("专科", Junior),
            ("41", Junior),
            ("43", Junior),
            (" ４１ ", Junior),
        ];
        for (raw, level) in cases {
            assert_eq!(EducationLevel::parse(raw), Some(level), "{raw}");
        }
        for bad in ["", "研究生", "21", "学士", "5"] {
            assert_eq!(EducationLevel::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn education_level_properties() {
        use EducationLevel::*;
        assert_eq!(EducationLevel::ALL, [Doctor, Master, Bachelor, Junior]);
        let labels: Vec<_> = EducationLevel::ALL.iter().map(|l| l.label()).collect();
        assert_eq!(labels, ["博士", "硕士", "本科", "专科"]);
        assert!(Doctor.is_postgraduate() && Master.is_postgraduate());
        assert!(!Bachelor.is_postgraduate() && !Junior.is_postgraduate());
        for level in EducationLevel::ALL {
            assert_eq!(EducationLevel::parse(level.label()), Some(level));
            assert_eq!(EducationLevel::parse(level.graduate_code()), Some(level));
            let entry = lookup(EDUCATION_CODES, level.graduate_code()).unwrap();
            assert!(entry.name.ends_with("毕业"), "{}", entry.name);
        }
    }

    #[test]
    fn lookup_round_trips_every_entry() {
        for (table_name, table) in TABLES {
            for entry in *table {
                let by_code = lookup(table, entry.code);
                let by_name = lookup(table, entry.name);
                let by_float = lookup(table, &format!("{}.0", entry.code));
                assert_eq!(by_code, Some(entry), "{table_name} {}", entry.code);
                assert_eq!(by_name, Some(entry), "{table_name} {}", entry.name);
                assert_eq!(by_float, Some(entry), "{table_name} {}.0", entry.code);
                assert_eq!(name_of(table, entry.code), Some(entry.name));
            }
        }
    }

    fn to_full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn lookup_round_trips_under_spreadsheet_noise(
            table_index in 0..TABLES.len(),
            entry_seed in any::<usize>(),
            form in 0..4usize,
            full_width in any::<bool>(),
            pad_left in "[ \t]{0,2}",
            pad_right in "[ \t]{0,2}",
        ) {
            let (_, table) = TABLES[table_index];
            let entry = &table[entry_seed % table.len()];
            let text = match form {
                0 => entry.code.to_owned(),
                1 => entry.name.to_owned(),
                2 => format!("{}.0", entry.code),
                _ => format!("{}.000", entry.code),
            };
            let text = if full_width { to_full_width(&text) } else { text };
            let raw = format!("{pad_left}{text}{pad_right}");
            prop_assert_eq!(lookup(table, &raw), Some(entry));
        }
    }
}
