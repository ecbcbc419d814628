//! The papers a college hands in (REQUIREMENTS §8): the numbers of 附件4 (the letter) and the rows
//! of 附件5 (the summary table), computed from the cohort's 校库 values.

use super::codes::EducationLevel;
use serde::{Deserialize, Serialize};

/// One student, as the papers need them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperStudent {
    pub level: EducationLevel,
    /// 培养方式代码.
    pub training_mode: String,
    /// 师范生类别代码.
    pub normal_category: String,
    pub major: String,
    pub class_name: String,
}

impl PaperStudent {
    /// 定向 for the papers: 定向 (2) and 委培 (4), the modes that bind the graduate to a unit.
    pub fn is_directed(&self) -> bool {
        matches!(self.training_mode.as_str(), "2" | "4")
    }

    /// 师范生: 普通师范生 (1) and 公费师范生 (12).
    pub fn is_normal(&self) -> bool {
        matches!(self.normal_category.as_str(), "1" | "12")
    }

    pub fn is_postgraduate(&self) -> bool {
        self.level.is_postgraduate()
    }
}

/// The numbers 附件4 fills in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterCounts {
    pub undergraduates: i64,
    pub undergraduates_directed: i64,
    pub undergraduates_undirected: i64,
    pub undergraduates_normal: i64,
    pub postgraduates: i64,
    pub postgraduates_directed: i64,
    pub postgraduates_undirected: i64,
    /// 专科 graduates, which the letter has no line for (shown apart when there are any).
    pub others: i64,
}

pub fn letter_counts<'a>(students: impl IntoIterator<Item = &'a PaperStudent>) -> LetterCounts {
    let mut c = LetterCounts::default();
    for s in students {
        match s.level {
            EducationLevel::Bachelor => {
                c.undergraduates += 1;
                if s.is_directed() {
                    c.undergraduates_directed += 1;
                } else {
                    c.undergraduates_undirected += 1;
                }
                if s.is_normal() {
                    c.undergraduates_normal += 1;
                }
            }
            EducationLevel::Master | EducationLevel::Doctor => {
                c.postgraduates += 1;
                if s.is_directed() {
                    c.postgraduates_directed += 1;
                } else {
                    c.postgraduates_undirected += 1;
                }
            }
            EducationLevel::Junior => c.others += 1,
        }
    }
    c
}

/// A row of 附件5: one class of one major.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassRow {
    pub class_name: String,
    pub graduates: i64,
}

/// A major with its classes (the major's cells span its classes' rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorBlock {
    pub major: String,
    pub major_total: i64,
    pub classes: Vec<ClassRow>,
}

/// 附件5's body: the 本科 majors, then the 研究生 majors, with their subtotals and the total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryTable {
    pub undergraduate: Vec<MajorBlock>,
    pub undergraduate_total: i64,
    pub postgraduate: Vec<MajorBlock>,
    pub postgraduate_total: i64,
    pub total: i64,
}

fn blocks<'a>(students: impl Iterator<Item = &'a PaperStudent>) -> Vec<MajorBlock> {
    let mut out: Vec<MajorBlock> = Vec::new();
    for s in students {
        let class = if s.class_name.is_empty() {
            "（未分班）".to_string()
        } else {
            s.class_name.clone()
        };
        let block = match out.iter_mut().position(|b| b.major == s.major) {
            Some(i) => &mut out[i],
            None => {
                out.push(MajorBlock {
                    major: s.major.clone(),
                    major_total: 0,
                    classes: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        block.major_total += 1;
        match block.classes.iter_mut().find(|c| c.class_name == class) {
            Some(c) => c.graduates += 1,
            None => block.classes.push(ClassRow {
                class_name: class,
                graduates: 1,
            }),
        }
    }
    out.sort_by(|a, b| a.major.cmp(&b.major));
    for b in &mut out {
        b.classes.sort_by(|x, y| x.class_name.cmp(&y.class_name));
    }
    out
}

/// 专科 students are counted with the 本科 rows (the form has no other place for them).
pub fn summary_table(students: &[PaperStudent]) -> SummaryTable {
    let undergraduate = blocks(students.iter().filter(|s| !s.is_postgraduate()));
    let postgraduate = blocks(students.iter().filter(|s| s.is_postgraduate()));
    let sum = |b: &[MajorBlock]| b.iter().map(|m| m.major_total).sum::<i64>();
    SummaryTable {
        undergraduate_total: sum(&undergraduate),
        postgraduate_total: sum(&postgraduate),
        total: students.len() as i64,
        undergraduate,
        postgraduate,
    }
}

/// The 附件5 rows as printed: (序号, 专业, 专业人数, 所在班级, 毕业生人数, rows the major spans).
pub fn table_rows(t: &SummaryTable) -> Vec<(String, String, String, String, String, usize)> {
    let mut rows = vec![(
        "/".to_string(),
        "合计".to_string(),
        "/".to_string(),
        "/".to_string(),
        t.total.to_string(),
        1,
    )];
    let mut n = 0;
    let mut section = |blocks: &[MajorBlock], label: &str, total: i64, rows: &mut Vec<_>| {
        for b in blocks {
            for (i, c) in b.classes.iter().enumerate() {
                n += 1;
                rows.push((
                    n.to_string(),
                    if i == 0 {
                        b.major.clone()
                    } else {
                        String::new()
                    },
                    if i == 0 {
                        b.major_total.to_string()
                    } else {
                        String::new()
                    },
                    c.class_name.clone(),
                    c.graduates.to_string(),
                    if i == 0 { b.classes.len() } else { 0 },
                ));
            }
        }
        n += 1;
        rows.push((
            n.to_string(),
            label.to_string(),
            "/".to_string(),
            "/".to_string(),
            total.to_string(),
            1,
        ));
    };
    section(
        &t.undergraduate,
        "本科生小计",
        t.undergraduate_total,
        &mut rows,
    );
    section(
        &t.postgraduate,
        "研究生小计",
        t.postgraduate_total,
        &mut rows,
    );
    rows
}

/// The letter's sentence with its numbers filled in.
pub fn letter_text(cohort: &str, l: &LetterCounts) -> String {
    format!(
        "根据《关于做好{cohort}毕业生生源信息采集核对的通知》要求，我院对{cohort}预计毕业生进行了认真审核。\
         现将我院{cohort} {} 名预计本科毕业生（其中定向生 {} 名，非定向生 {} 名，其中是师范生 {} 名）、\
         {cohort} {} 名预计毕业研究生（其中定向生 {} 名，非定向生 {} 名）的资格审核材料报上，请予备案。",
        l.undergraduates,
        l.undergraduates_directed,
        l.undergraduates_undirected,
        l.undergraduates_normal,
        l.postgraduates,
        l.postgraduates_directed,
        l.postgraduates_undirected,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(
        level: EducationLevel,
        mode: &str,
        normal: &str,
        major: &str,
        class: &str,
    ) -> PaperStudent {
        PaperStudent {
            level,
            training_mode: mode.into(),
            normal_category: normal.into(),
            major: major.into(),
            class_name: class.into(),
        }
    }

    #[test]
    fn the_letter_counts_directed_undirected_and_normal() {
        use EducationLevel::*;
        let students = vec![
            s(Bachelor, "1", "2", "数学", "数学1901"),
            s(Bachelor, "2", "12", "数学", "数学1901"),
            s(Bachelor, "1", "1", "数学", "数学1902"),
            s(Bachelor, "4", "2", "英语", "英语1901"),
            s(Master, "1", "2", "数学", ""),
            s(Doctor, "2", "2", "数学", ""),
            s(Junior, "1", "2", "护理", "护理1901"),
        ];
        let c = letter_counts(&students);
        assert_eq!(
            c,
            LetterCounts {
                undergraduates: 4,
                undergraduates_directed: 2,
                undergraduates_undirected: 2,
                undergraduates_normal: 2,
                postgraduates: 2,
                postgraduates_directed: 1,
                postgraduates_undirected: 1,
                others: 1,
            }
        );
        let t = summary_table(&students);
        assert_eq!(t.total, 7);
        assert_eq!(t.undergraduate_total, 5);
        assert_eq!(t.postgraduate_total, 2);
        let math = &t.undergraduate[1];
        assert_eq!(math.major, "数学");
        assert_eq!(math.major_total, 3);
        assert_eq!(math.classes.len(), 2);
        assert_eq!(t.postgraduate[0].classes[0].class_name, "（未分班）");
        let rows = table_rows(&t);
        assert_eq!(rows[0].1, "合计");
        assert_eq!(rows[0].4, "7");
        let subtotal = rows.iter().find(|r| r.1 == "本科生小计").unwrap();
        assert_eq!(subtotal.4, "5");
        // 数学's two classes: the first row spans both.
        let math = rows.iter().position(|r| r.1 == "数学").unwrap();
        assert_eq!(rows[math].5, 2);
        assert_eq!(rows[math + 1].5, 0);
        assert!(letter_text("2023届", &c).contains("4 名预计本科毕业生"));
    }
}
