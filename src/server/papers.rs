//! Reading the papers' data, and writing them as a workbook (one sheet each, per college).

use super::AppState;
use crate::api::papers::{CollegePapers, PapersData};
use crate::domain::codes::EducationLevel;
use crate::domain::papers::{PaperStudent, letter_counts, letter_text, summary_table, table_rows};
use sqlx::{Row, Sqlite};

pub async fn load(
    state: &AppState,
    college_id: Option<i64>,
    with_choices: bool,
) -> Result<PapersData, sqlx::Error> {
    let rows = sqlx::query::<Sqlite>(
        "SELECT s.college_id, c.name AS college, s.education_level, s.training_mode,
                s.normal_category, m.name AS major, COALESCE(k.name, '') AS class_name
         FROM students s
         JOIN colleges c ON c.id = s.college_id
         JOIN majors m ON m.id = s.major_id
         LEFT JOIN classes k ON k.id = s.class_id
         WHERE s.removed_at IS NULL AND ($1 IS NULL OR s.college_id = $1)
         ORDER BY s.college_id",
    )
    .bind(college_id)
    .fetch_all(&state.pool)
    .await?;
    let mut grouped: Vec<(i64, String, Vec<PaperStudent>)> = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get("college_id")?;
        let Some(level) = EducationLevel::parse(&r.try_get::<String, _>("education_level")?) else {
            continue;
        };
        let student = PaperStudent {
            level,
            training_mode: r.try_get("training_mode")?,
            normal_category: r.try_get("normal_category")?,
            major: r.try_get("major")?,
            class_name: r.try_get("class_name")?,
        };
        match grouped.last_mut() {
            Some((last, _, list)) if *last == id => list.push(student),
            _ => grouped.push((id, r.try_get("college")?, vec![student])),
        }
    }
    let campaign = super::db::campaign::load(&state.pool, super::windows::today()).await?;
    Ok(PapersData {
        cohort: campaign.cohort,
        school_name: campaign.school_name,
        colleges: grouped
            .into_iter()
            .map(|(college_id, college, students)| CollegePapers {
                college_id,
                college,
                letter: letter_counts(&students),
                table: summary_table(&students),
            })
            .collect(),
        choices: if with_choices {
            super::db::review::colleges(&state.pool).await?
        } else {
            Vec::new()
        },
    })
}

/// Both papers as a workbook: 附件4 and 附件5 sheets for each college.
pub fn workbook(data: &PapersData) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head = cell.clone().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let many = data.colleges.len() > 1;
    for p in &data.colleges {
        let suffix = if many {
            format!("-{}", p.college)
        } else {
            String::new()
        };
        let name = |base: &str| {
            format!("{base}{suffix}")
                .chars()
                .take(31)
                .collect::<String>()
        };

        let sheet = book.add_worksheet();
        sheet.set_name(name("附件4")).map_err(err)?;
        sheet.set_column_width(0, 90).map_err(err)?;
        sheet.write_string(0, 0, "附件4").map_err(err)?;
        sheet
            .write_string_with_format(
                2,
                0,
                format!("关于报送{}毕业生资格审核材料的函", data.cohort),
                &title,
            )
            .map_err(err)?;
        sheet.write_string(4, 0, "招生就业处：").map_err(err)?;
        sheet
            .write_string_with_format(5, 0, letter_text(&data.cohort, &p.letter), &wrap)
            .map_err(err)?;
        sheet.set_row_height(5, 90).map_err(err)?;
        sheet
            .write_string(7, 0, format!("{}（盖章）", p.college))
            .map_err(err)?;
        sheet
            .write_string(
                9,
                0,
                "主管院领导签名：                              学院盖章：",
            )
            .map_err(err)?;
        sheet
            .write_string(
                11,
                0,
                "                                              年    月    日",
            )
            .map_err(err)?;

        let sheet = book.add_worksheet();
        sheet.set_name(name("附件5")).map_err(err)?;
        for (col, width) in [(0u16, 8.0), (1, 28.0), (2, 10.0), (3, 22.0), (4, 12.0)] {
            sheet.set_column_width(col, width).map_err(err)?;
        }
        sheet
            .merge_range(
                0,
                0,
                0,
                4,
                &format!(
                    "{}{}{}毕业生资格审核汇总表",
                    data.school_name, p.college, data.cohort
                ),
                &title,
            )
            .map_err(err)?;
        sheet
            .write_string(
                1,
                0,
                format!(
                    "填报学院（盖章）：{}        填表时间：    年  月  日",
                    p.college
                ),
            )
            .map_err(err)?;
        for (col, h) in ["序号", "专业", "专业人数", "所在班级", "毕业生人数"]
            .iter()
            .enumerate()
        {
            sheet
                .write_string_with_format(2, col as u16, *h, &head)
                .map_err(err)?;
        }
        let mut r = 3u32;
        for (no, major, major_n, class, n, span) in table_rows(&p.table) {
            sheet
                .write_string_with_format(r, 0, &no, &cell)
                .map_err(err)?;
            if span > 1 {
                let last = r + span as u32 - 1;
                sheet
                    .merge_range(r, 1, last, 1, &major, &cell)
                    .map_err(err)?;
                sheet
                    .merge_range(r, 2, last, 2, &major_n, &cell)
                    .map_err(err)?;
            } else if span == 1 {
                sheet
                    .write_string_with_format(r, 1, &major, &cell)
                    .map_err(err)?;
                sheet
                    .write_string_with_format(r, 2, &major_n, &cell)
                    .map_err(err)?;
            }
            sheet
                .write_string_with_format(r, 3, &class, &cell)
                .map_err(err)?;
            sheet
                .write_string_with_format(r, 4, &n, &cell)
                .map_err(err)?;
            r += 1;
        }
        sheet
            .write_string(
                r + 1,
                0,
                "填表人：              办公室电话：              移动电话：",
            )
            .map_err(err)?;
    }
    book.save_to_buffer().map_err(err)
}
