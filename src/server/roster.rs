//! Roster (校库名单) import: header matching, normalisation, and one-transaction upsert.
//!
//! The parsing works on rows of strings, so a spreadsheet reader can feed it as well as CSV.

use super::db::{audit, students};
use crate::domain::codes::{self, EducationLevel};
use crate::domain::form::VerificationInput;
use crate::domain::record::normalise_month;
use crate::domain::{contact, identity, origin};
use sqlx::SqlitePool;
use std::collections::HashMap;

/// The canonical roster columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    StudentNo,
    ExamNo,
    Name,
    Gender,
    IdNumber,
    Ethnicity,
    Political,
    EducationLevel,
    College,
    Major,
    MajorCode,
    MajorDirection,
    Class,
    StudyYears,
    EnrolledOn,
    GraduatingOn,
    TrainingMode,
    SponsorUnit,
    NormalCategory,
    Origin,
    UrbanRural,
    Mobile,
    Email,
    Qq,
    HomeAddress,
    HomePhone,
    Postcode,
    Hardship,
}

/// Header spellings met in 学籍 exports and the national platform's files.
const HEADERS: &[(Column, &[&str])] = &[
    (Column::StudentNo, &["学号", "xh"]),
    (Column::ExamNo, &["考生号", "ksh"]),
    (Column::Name, &["姓名", "xm"]),
    (Column::Gender, &["性别", "性别代码", "xbdm"]),
    (
        Column::IdNumber,
        &["身份证号", "身份证号码", "证件号码", "sfzh"],
    ),
    (Column::Ethnicity, &["民族", "民族代码", "mzdm"]),
    (Column::Political, &["政治面貌", "政治面貌代码", "zzmmdm"]),
    (
        Column::EducationLevel,
        &["学历层次", "学历", "学历代码", "xldm"],
    ),
    (
        Column::College,
        &["院系", "所在院系", "学院", "院系名称", "学院名称"],
    ),
    (Column::Major, &["专业", "所在专业", "专业名称", "zymc"]),
    (Column::MajorCode, &["专业代码", "zydm"]),
    (Column::MajorDirection, &["专业方向"]),
    (Column::Class, &["班级", "所在班级", "班级名称"]),
    (Column::StudyYears, &["学制", "xz"]),
    (Column::EnrolledOn, &["入学时间", "入学日期", "rxsj"]),
    (
        Column::GraduatingOn,
        &["毕业时间", "毕业日期", "byrq", "bysj"],
    ),
    (
        Column::TrainingMode,
        &["培养方式", "培养方式代码", "pyfsdm"],
    ),
    (
        Column::SponsorUnit,
        &["定向单位", "定向委培单位", "委培单位", "dxwpdw"],
    ),
    (
        Column::NormalCategory,
        &["师范生类别", "师范生类别代码", "sfslbdm"],
    ),
    (Column::Origin, &["生源所在地代码", "生源所在地", "syszddm"]),
    (Column::UrbanRural, &["城乡生源", "城乡生源代码", "cxsy"]),
    (Column::Mobile, &["手机号码", "手机", "手机号", "sjhm"]),
    (Column::Email, &["电子邮箱", "邮箱", "电子邮件", "dzyx"]),
    (Column::Qq, &["qq号码", "qq", "qq号"]),
    (Column::HomeAddress, &["家庭地址", "家庭住址", "jtdz"]),
    (Column::HomePhone, &["家庭电话", "jtdh"]),
    (Column::Postcode, &["邮编", "邮政编码", "yzbm"]),
    (
        Column::Hardship,
        &["困难生类别", "困难生类别代码", "knslbdm"],
    ),
];

const REQUIRED: &[(Column, &str)] = &[
    (Column::StudentNo, "学号"),
    (Column::Name, "姓名"),
    (Column::IdNumber, "身份证号"),
    (Column::EducationLevel, "学历层次"),
    (Column::College, "院系"),
    (Column::Major, "专业"),
];

/// The column's name as the template writes it (its first spelling).
pub fn label(column: Column) -> &'static str {
    HEADERS
        .iter()
        .find(|(c, _)| *c == column)
        .and_then(|(_, names)| names.first())
        .copied()
        .unwrap_or("")
}

/// Each header of a file and the column it matches (`None`: ignored; a second header for a
/// column already matched is ignored too).
pub fn matched_columns(headers: &[String]) -> Vec<(String, Option<&'static str>)> {
    let mut seen = Vec::new();
    headers
        .iter()
        .map(|h| {
            let column = column_for_header(h).filter(|c| !seen.contains(c));
            if let Some(c) = column {
                seen.push(c);
            }
            (h.trim().to_string(), column.map(label))
        })
        .collect()
}

/// The 补充生源信息模板: every column (the national codes' names) and one example row.
pub fn template() -> (Vec<&'static str>, Vec<String>) {
    let example: &[(Column, &str)] = &[
        (Column::StudentNo, "2019010199"),
        (Column::ExamNo, "19430104100199"),
        (Column::Name, "张三"),
        (Column::Gender, "男"),
        (Column::IdNumber, "430104200103150018"),
        (Column::Ethnicity, "汉族"),
        (Column::Political, "共青团员"),
        (Column::EducationLevel, "本科"),
        (Column::College, "数学与计算科学学院"),
        (Column::Major, "数学与应用数学"),
        (Column::MajorCode, "070101"),
        (Column::MajorDirection, ""),
        (Column::Class, "数学1901"),
        (Column::StudyYears, "4"),
        (Column::EnrolledOn, "2019-09"),
        (Column::GraduatingOn, "2023-06"),
        (Column::TrainingMode, "非定向"),
        (Column::SponsorUnit, ""),
        (Column::NormalCategory, "非师范生"),
        (Column::Origin, "430104"),
        (Column::UrbanRural, "城镇"),
        (Column::Mobile, "13800138000"),
        (Column::Email, "zhangsan@example.com"),
        (Column::Qq, "12345678"),
        (Column::HomeAddress, "湖南省长沙市岳麓区麓山南路2号"),
        (Column::HomePhone, ""),
        (Column::Postcode, "410082"),
        (Column::Hardship, "非困难生"),
    ];
    (
        example.iter().map(|(c, _)| label(*c)).collect(),
        example.iter().map(|(_, v)| v.to_string()).collect(),
    )
}

pub fn column_for_header(header: &str) -> Option<Column> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    HEADERS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(c, _)| *c)
}

/// A refused row or a value imported as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Refused {
        line: u64,
        reason: String,
    },
    Warning {
        line: u64,
        field: String,
        message: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Refused { line, reason } => write!(f, "第{line}行：{reason}（未导入）"),
            Problem::Warning {
                line,
                field,
                message,
            } => write!(f, "第{line}行 {field}：{message}（按原值导入，待学生核验）"),
        }
    }
}

/// The parsed file: rows to write and what was wrong.
#[derive(Debug, Default)]
pub struct Parsed {
    pub students: Vec<(u64, students::RosterStudent)>,
    pub problems: Vec<Problem>,
    pub ignored_headers: Vec<String>,
}

/// Matches headers and normalises rows; `rows` yields (line number, cells).
pub fn parse_rows(
    headers: &[String],
    rows: impl IntoIterator<Item = (u64, Vec<String>)>,
) -> Result<Parsed, String> {
    let mut index: HashMap<Column, usize> = HashMap::new();
    let mut parsed = Parsed::default();
    for (i, header) in headers.iter().enumerate() {
        match column_for_header(header) {
            Some(column) => {
                index.entry(column).or_insert(i);
            }
            None if !header.trim().is_empty() => {
                parsed.ignored_headers.push(header.trim().to_string())
            }
            None => {}
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|(c, _)| !index.contains_key(c))
        .map(|(_, n)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(format!("名单缺少必需的列：{}", missing.join("、")));
    }
    for (line, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |column: Column| -> String {
            index
                .get(&column)
                .and_then(|i| cells.get(*i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        match normalise_row(line, &cell, &mut parsed.problems) {
            Ok(student) => parsed.students.push((line, student)),
            Err(reason) => parsed.problems.push(Problem::Refused { line, reason }),
        }
    }
    Ok(parsed)
}

/// `2019010101.0` (a spreadsheet number) → `2019010101`.
fn strip_decimal_zero(s: &str) -> &str {
    match s.split_once('.') {
        Some((int, frac))
            if !int.is_empty()
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b == b'0') =>
        {
            int
        }
        _ => s,
    }
}

fn normalise_row(
    line: u64,
    cell: &dyn Fn(Column) -> String,
    problems: &mut Vec<Problem>,
) -> Result<students::RosterStudent, String> {
    let student_no = strip_decimal_zero(&cell(Column::StudentNo)).to_string();
    if student_no.is_empty() {
        return Err("缺少学号".to_string());
    }
    let name = cell(Column::Name);
    if name.is_empty() {
        return Err(format!("学号 {student_no} 缺少姓名"));
    }
    let id = identity::IdNumber::parse_legacy(&cell(Column::IdNumber))
        .map_err(|e| format!("学号 {student_no}：{e}"))?;
    let level_raw = cell(Column::EducationLevel);
    let level = EducationLevel::parse(&level_raw)
        .ok_or_else(|| format!("学号 {student_no}：学历层次“{level_raw}”无法识别"))?;
    let college = cell(Column::College);
    let major = cell(Column::Major);
    if college.is_empty() || major.is_empty() {
        return Err(format!("学号 {student_no} 缺少院系或专业"));
    }

    let mut warn = |field: &str, message: String| {
        problems.push(Problem::Warning {
            line,
            field: field.to_string(),
            message,
        });
    };

    let gender_raw = cell(Column::Gender);
    let gender = match codes::lookup(codes::GENDERS, &gender_raw) {
        Some(code) => {
            if code.code != id.gender_code() {
                warn("性别", format!("性别“{}”与身份证号不符", code.name));
            }
            code.code.to_string()
        }
        None => {
            if !gender_raw.is_empty() {
                warn(
                    "性别",
                    format!("性别“{gender_raw}”无法识别，已按身份证号填写"),
                );
            }
            id.gender_code().to_string()
        }
    };

    let exam_no = strip_decimal_zero(&cell(Column::ExamNo)).to_string();
    if let Some(w) = identity::exam_number_warning(&exam_no) {
        warn("考生号", w);
    }

    let mut month = |column: Column, label: &str| -> String {
        let raw = cell(column);
        if raw.is_empty() {
            return raw;
        }
        normalise_month(&raw).unwrap_or_else(|| {
            warn(label, format!("日期“{raw}”无法识别"));
            raw
        })
    };
    let enrolled_on = month(Column::EnrolledOn, "入学时间");
    let graduating_on = month(Column::GraduatingOn, "毕业时间");

    let mut values = VerificationInput::default();
    let code_fields: [(Column, &str, &'static [codes::Code]); 6] = [
        (Column::TrainingMode, "training_mode", codes::TRAINING_MODES),
        (
            Column::NormalCategory,
            "normal_category",
            codes::NORMAL_CATEGORIES,
        ),
        (Column::UrbanRural, "urban_rural", codes::URBAN_RURAL),
        (Column::Ethnicity, "ethnicity", codes::ETHNICITIES),
        (Column::Political, "political", codes::POLITICAL_STATUSES),
        (Column::Hardship, "hardship", codes::HARDSHIP_CATEGORIES),
    ];
    for (column, field, table) in code_fields {
        let raw = cell(column);
        let value = match codes::lookup(table, &raw) {
            Some(code) => code.code.to_string(),
            None => {
                if !raw.is_empty() {
                    warn(
                        crate::domain::form::label_of(field),
                        format!("“{raw}”不是有效的代码或名称"),
                    );
                }
                raw
            }
        };
        values.set(field, value);
    }

    let checked: [(Column, &str, fn(&str) -> Result<String, String>); 5] = [
        (Column::Origin, "origin_code", |s| {
            origin::OriginCode::parse(s).map(|c| c.as_str().to_string())
        }),
        (Column::Mobile, "mobile", contact::parse_mobile),
        (Column::Email, "email", contact::parse_email),
        (Column::Qq, "qq", contact::parse_qq),
        (Column::Postcode, "postcode", contact::parse_postcode),
    ];
    for (column, field, parse) in checked {
        let raw = strip_decimal_zero(&cell(column)).to_string();
        let value = if raw.is_empty() {
            raw
        } else {
            parse(&raw).unwrap_or_else(|message| {
                warn(crate::domain::form::label_of(field), message);
                raw
            })
        };
        values.set(field, value);
    }
    let home_phone = cell(Column::HomePhone);
    values.home_phone = match contact::parse_home_phone(&home_phone) {
        Ok(v) => v.unwrap_or_default(),
        Err(message) => {
            warn("家庭电话", message);
            home_phone
        }
    };
    values.sponsor_unit = cell(Column::SponsorUnit);
    values.home_address = cell(Column::HomeAddress);

    Ok(students::RosterStudent {
        student_no,
        exam_no,
        name,
        gender,
        id_number: id.as_str().to_string(),
        education_level: level.graduate_code().to_string(),
        college,
        major,
        major_code: strip_decimal_zero(&cell(Column::MajorCode)).to_string(),
        major_direction: cell(Column::MajorDirection),
        class_name: cell(Column::Class),
        study_years: strip_decimal_zero(&cell(Column::StudyYears)).to_string(),
        enrolled_on,
        graduating_on,
        values,
    })
}

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub refused: usize,
    pub problems: Vec<Problem>,
    pub ignored_headers: Vec<String>,
    /// Every written row, in file order.
    pub outcomes: Vec<Outcome>,
}

/// What happened to one row.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub line: u64,
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub upsert: students::Upsert,
}

/// How to apply a parsed file.
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    /// Only rows of this 院系, and only students not already in another one (college staff).
    pub college: Option<String>,
    /// Work out what would happen, then roll everything back (the preview).
    pub dry_run: bool,
    /// Where the import came from, for the audit log: the client's address and the file.
    pub client_addr: Option<String>,
    pub source: Option<String>,
}

impl Report {
    pub fn summary(&self) -> String {
        let warnings = self.problems.len() - self.refused;
        let mut s = format!(
            "导入完成：新增 {} 人，更新 {} 人，未变 {} 人，拒绝 {} 行，提示 {} 条",
            self.added, self.changed, self.unchanged, self.refused, warnings
        );
        if !self.ignored_headers.is_empty() {
            s.push_str(&format!(
                "；未识别的列：{}",
                self.ignored_headers.join("、")
            ));
        }
        s
    }
}

/// Writes parsed rows in one transaction.
pub async fn apply(pool: &SqlitePool, parsed: Parsed, actor: &str) -> Result<Report, String> {
    apply_with(pool, parsed, actor, ApplyOptions::default()).await
}

/// Writes (or, with `dry_run`, tries and rolls back) parsed rows in one transaction.
pub async fn apply_with(
    pool: &SqlitePool,
    parsed: Parsed,
    actor: &str,
    options: ApplyOptions,
) -> Result<Report, String> {
    let db_error = |e: sqlx::Error| format!("数据库写入失败：{e}");
    let mut report = Report {
        problems: parsed.problems,
        ignored_headers: parsed.ignored_headers,
        ..Default::default()
    };
    let mut tx = super::db::begin_write(pool).await.map_err(db_error)?;
    let mut cache = students::OrgCache::default();
    for (line, student) in &parsed.students {
        if let Some(own) = &options.college {
            // The row's own 院系 first: only a row of this college needs the stored one.
            let refusal = if &student.college != own {
                Some(format!("院系为“{}”，不属于本学院", student.college))
            } else {
                students::college_name_of(&mut tx, &student.student_no)
                    .await
                    .map_err(db_error)?
                    .filter(|c| c != own)
                    .map(|c| {
                        format!(
                            "学号 {} 已是{c}的学生，不能由本学院导入",
                            student.student_no
                        )
                    })
            };
            if let Some(reason) = refusal {
                report.problems.push(Problem::Refused {
                    line: *line,
                    reason,
                });
                continue;
            }
        }
        let upserted = students::upsert_roster(&mut tx, &mut cache, student)
            .await
            .map_err(db_error)?;
        if !options.dry_run {
            record_student(&mut tx, actor, &options, *line, &upserted)
                .await
                .map_err(db_error)?;
        }
        let upsert = upserted.upsert;
        match upsert {
            students::Upsert::Added => report.added += 1,
            students::Upsert::Changed => report.changed += 1,
            students::Upsert::Unchanged => report.unchanged += 1,
        }
        report.outcomes.push(Outcome {
            line: *line,
            student_no: student.student_no.clone(),
            name: student.name.clone(),
            college: student.college.clone(),
            upsert,
        });
    }
    report.problems.sort_by_key(|p| match p {
        Problem::Refused { line, .. } | Problem::Warning { line, .. } => *line,
    });
    report.refused = report
        .problems
        .iter()
        .filter(|p| matches!(p, Problem::Refused { .. }))
        .count();
    if options.dry_run {
        tx.rollback().await.map_err(db_error)?;
        return Ok(report);
    }
    let detail = format!(
        "{}（{}，范围：{}）",
        report.summary(),
        options.source.as_deref().unwrap_or("名单"),
        options.college.as_deref().unwrap_or("全校")
    );
    audit::record(
        &mut *tx,
        audit::Entry {
            actor,
            action: "import_roster",
            detail: Some(&detail),
            client_addr: options.client_addr.as_deref(),
            ..Default::default()
        },
    )
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(report)
}

/// The audit rows of one imported student: a new student once, a changed one per field (in the
/// same transaction as the change).
async fn record_student(
    conn: &mut sqlx::SqliteConnection,
    actor: &str,
    options: &ApplyOptions,
    line: u64,
    upserted: &students::Upserted,
) -> Result<(), sqlx::Error> {
    let detail = format!(
        "{} 第{line}行",
        options.source.as_deref().unwrap_or("名单导入")
    );
    let base = audit::Entry {
        actor,
        action: "import_roster",
        student_id: Some(upserted.student_id),
        detail: Some(&detail),
        client_addr: options.client_addr.as_deref(),
        ..Default::default()
    };
    match upserted.upsert {
        students::Upsert::Added => {
            audit::record(
                &mut *conn,
                audit::Entry {
                    new_value: Some("新增"),
                    ..base
                },
            )
            .await
        }
        students::Upsert::Changed => {
            // Collected first: a closure held across the await would make the future not Send.
            let changes: Vec<(&str, &str, &str)> = upserted
                .changes
                .iter()
                .map(|(field, old, new)| (*field, old.as_str(), new.as_str()))
                .collect();
            audit::record_changes(conn, base, changes).await
        }
        students::Upsert::Unchanged => Ok(()),
    }
}

/// Reads a UTF-8 CSV (a BOM is fine) and imports it.
pub async fn import_csv(pool: &SqlitePool, text: &str) -> Result<Report, String> {
    let parsed = parse_csv(text)?;
    apply(pool, parsed, "system:import-roster").await
}

pub fn parse_csv(text: &str) -> Result<Parsed, String> {
    let table = super::spreadsheet::read("名单.csv", text.as_bytes())?;
    parse_rows(&table.headers, table.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_every_style_match() {
        assert_eq!(column_for_header("学号"), Some(Column::StudentNo));
        assert_eq!(column_for_header("\u{feff}XH"), Some(Column::StudentNo));
        assert_eq!(column_for_header("定向委培单位"), Some(Column::SponsorUnit));
        assert_eq!(column_for_header("生源所在地"), Some(Column::Origin));
        assert_eq!(column_for_header("syszddm"), Some(Column::Origin));
        assert_eq!(column_for_header("QQ号码"), Some(Column::Qq));
        assert_eq!(column_for_header("院校代码"), None);
    }

    const HEADER: &str = "学号,考生号,姓名,性别,身份证号,民族,政治面貌,学历层次,院系,专业,专业代码,专业方向,班级,学制,入学时间,毕业时间,培养方式,定向单位,师范生类别,生源所在地代码,城乡生源,手机号码,电子邮箱,QQ号码";

    #[test]
    fn bad_identity_is_refused_and_dirty_fields_are_warned() {
        let good_id = identity::with_check_digit("43010420000101001");
        let text = format!(
            "{HEADER}\n\
             2019001,19430104150001,张三,男,{good_id},1.0,3,本科,数学学院,数学,070101.0,,数学1901,4,201909,2023-06-30,1,,2,430104,农村,13800138000,a@b.cn,12345a\n\
             2019002,,李四,女,430104200001010010,01,03,本科,数学学院,数学,070101,,数学1901,4,2019-09,2023-06,1,,2,430100,1,138,x,123456\n\
             ,,无学号,男,{good_id},01,03,本科,数学学院,数学,070101,,数学1901,4,2019-09,2023-06,1,,2,430104,1,13800138000,a@b.cn,123456\n"
        );
        let parsed = parse_csv(&text).expect("headers are complete");
        assert_eq!(
            parsed.students.len(),
            1,
            "only the first row has a usable identity"
        );
        let (_, s) = &parsed.students[0];
        assert_eq!(s.values.ethnicity, "01");
        assert_eq!(s.values.political, "03");
        assert_eq!(s.values.urban_rural, "2");
        assert_eq!(s.major_code, "070101");
        assert_eq!(s.enrolled_on, "2019-09");
        assert_eq!(s.values.qq, "12345a", "dirty values are kept as they are");
        let refused: Vec<u64> = parsed
            .problems
            .iter()
            .filter_map(|p| match p {
                Problem::Refused { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        assert_eq!(refused, vec![3, 4]);
        assert!(
            parsed
                .problems
                .iter()
                .any(|p| matches!(p, Problem::Warning { line: 2, field, .. } if field == "QQ号码"))
        );
    }

    #[test]
    fn missing_required_headers_are_named() {
        let err = parse_csv("学号,姓名\n1,张三\n").unwrap_err();
        assert!(err.contains("身份证号") && err.contains("院系"), "{err}");
    }
}
