//! The national export: every student of the cohort (or of one college) with the national
//! system's columns and codes, from the 校库 values (which approval and 复制到校库 bring up to
//! date), as `.xlsx` and `.csv`. Codes stay text so leading zeros survive.

use super::Divisions;
use crate::domain::status::Status;
use sqlx::{Row, Sqlite, SqlitePool};

pub const COLUMNS: &[&str] = &[
    "学号",
    "考生号",
    "姓名",
    "性别代码",
    "身份证号",
    "民族代码",
    "政治面貌代码",
    "学历代码",
    "院系名称",
    "专业代码",
    "专业名称",
    "专业方向",
    "班级",
    "学制",
    "入学时间",
    "毕业时间",
    "培养方式代码",
    "定向委培单位",
    "师范生类别代码",
    "生源所在地代码",
    "生源所在地",
    "城乡生源代码",
    "困难生类别代码",
    "手机号码",
    "电子邮箱",
    "QQ号码",
    "家庭地址",
    "家庭电话",
    "邮政编码",
    "核验状态",
];

/// The rows, in 院系 / 专业 / 班级 / 学号 order; `college_id` limits them to one college,
/// `status` to one status.
pub async fn rows(
    pool: &SqlitePool,
    divisions: &Divisions,
    college_id: Option<i64>,
    status: Option<Status>,
) -> Result<Vec<Vec<String>>, sqlx::Error> {
    let records = sqlx::query::<Sqlite>(
        "SELECT s.student_no, s.exam_no, s.name, s.gender, s.id_number, s.ethnicity, s.political,
                s.education_level, c.name AS college, m.code AS major_code, m.name AS major,
                s.major_direction, COALESCE(k.name, '') AS class_name, s.study_years, s.enrolled_on,
                s.graduating_on, s.training_mode, s.sponsor_unit, s.normal_category, s.origin_code,
                s.urban_rural, s.hardship, s.mobile, s.email, s.qq, s.home_address, s.home_phone,
                s.postcode, COALESCE(v.status, 'unverified') AS status
         FROM students s
         JOIN colleges c ON c.id = s.college_id
         JOIN majors m ON m.id = s.major_id
         LEFT JOIN classes k ON k.id = s.class_id
         LEFT JOIN verifications v ON v.student_id = s.id
         WHERE s.removed_at IS NULL AND ($1 IS NULL OR s.college_id = $1)
           AND ($2 IS NULL OR COALESCE(v.status, 'unverified') = $2)
         ORDER BY c.id, m.code, m.name, class_name, s.student_no",
    )
    .bind(college_id)
    .bind(status.map(|s| s.as_db()))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(records.len());
    for r in &records {
        let text = |name: &str| -> Result<String, sqlx::Error> { r.try_get::<String, _>(name) };
        let origin = text("origin_code")?;
        let status = Status::from_db(&text("status")?)
            .map(|s| s.label().to_string())
            .unwrap_or_default();
        out.push(vec![
            text("student_no")?,
            text("exam_no")?,
            text("name")?,
            text("gender")?,
            text("id_number")?,
            text("ethnicity")?,
            text("political")?,
            text("education_level")?,
            text("college")?,
            text("major_code")?,
            text("major")?,
            text("major_direction")?,
            text("class_name")?,
            text("study_years")?,
            text("enrolled_on")?,
            text("graduating_on")?,
            text("training_mode")?,
            text("sponsor_unit")?,
            text("normal_category")?,
            origin.clone(),
            if origin.is_empty() {
                String::new()
            } else {
                divisions.full_name(&origin)
            },
            text("urban_rural")?,
            text("hardship")?,
            text("mobile")?,
            text("email")?,
            text("qq")?,
            text("home_address")?,
            text("home_phone")?,
            text("postcode")?,
            status,
        ]);
    }
    Ok(out)
}

/// One sheet, every cell a string (so codes keep their zeros and nothing is a formula), the
/// header row bold and frozen. A string cell is never evaluated, so unlike the CSV it needs no
/// formula guard: `=1+1` is kept as the text it was.
pub fn to_xlsx(
    sheet_name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (col, header) in headers.iter().enumerate() {
        let col = col as u16;
        sheet
            .write_string_with_format(0, col, *header, &bold)
            .map_err(|e| e.to_string())?;
        let widest = rows
            .iter()
            .take(200)
            .map(|r| r.get(col as usize).map_or(0, |c| display_width(c)))
            .max()
            .unwrap_or(0)
            .max(display_width(header));
        sheet
            .set_column_width(col, (widest as f64 + 2.0).min(50.0))
            .map_err(|e| e.to_string())?;
        sheet
            .set_column_format(col, &text)
            .map_err(|e| e.to_string())?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        for (col, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet
                    .write_string(r, col as u16, cell)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    workbook.save_to_buffer().map_err(|e| e.to_string())
}

/// Columns a spreadsheet needs for `s`: CJK characters count twice.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}
