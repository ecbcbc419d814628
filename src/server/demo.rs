//! A realistic demo cohort (and the `add-staff` helper it shares with the CLI).
//!
//! Rows are generated as a roster file would carry them and go through the same importer.

use super::Divisions;
use super::db::{accounts, students};
use super::roster;
use crate::domain::identity;
use crate::domain::origin::{self, DivisionLevel};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::SqlitePool;

/// The demo staff password unless `SHENGYUAN_PASSWORD` gives one.
pub const DEMO_STAFF_PASSWORD: &str = "Shengyuan@2023";

pub async fn add_staff(
    pool: &SqlitePool,
    username: &str,
    display_name: &str,
    password: &str,
    college: Option<&str>,
) -> Result<i64, String> {
    if password.chars().count() < 8 {
        return Err("教师密码至少 8 位".to_string());
    }
    let college_id = match college {
        Some(name) => Some(
            students::college_id_by_name(pool, name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("没有名为“{name}”的院系（请先导入名单）"))?,
        ),
        None => None,
    };
    // The command line hashes outside any request (and outside the request limiter).
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || super::passwords::hash_blocking(&password))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    accounts::upsert_staff(pool, username, display_name, &hash, college_id)
        .await
        .map_err(|e| e.to_string())
}

struct Major {
    name: &'static str,
    code: &'static str,
    short: &'static str,
    /// 师范 major: its students are 普通师范生, a few 公费定向.
    normal: bool,
    level: &'static str,
    weight: u32,
}

struct College {
    name: &'static str,
    login: &'static str,
    majors: &'static [Major],
}

const fn m(
    name: &'static str,
    code: &'static str,
    short: &'static str,
    normal: bool,
    level: &'static str,
    weight: u32,
) -> Major {
    Major {
        name,
        code,
        short,
        normal,
        level,
        weight,
    }
}

const COLLEGES: &[College] = &[
    College {
        name: "数学与计算科学学院",
        login: "math",
        majors: &[
            m("数学与应用数学", "070101", "数学", true, "本科", 10),
            m("信息与计算科学", "070102", "信计", false, "本科", 6),
            m("数学", "0701", "数学硕", false, "硕士", 3),
            m("数学", "0701", "数学博", false, "博士", 1),
        ],
    },
    College {
        name: "计算机科学与工程学院",
        login: "cs",
        majors: &[
            m("计算机科学与技术", "080901", "计科", false, "本科", 10),
            m("软件工程", "080902", "软件", false, "本科", 8),
            m("计算机科学与技术", "0812", "计算机硕", false, "硕士", 3),
        ],
    },
    College {
        name: "教育学院",
        login: "edu",
        majors: &[
            m("小学教育", "040107", "小教", true, "本科", 7),
            m("教育学", "040101", "教育", true, "本科", 4),
            m("学科教学（数学）", "045104", "学数硕", false, "硕士", 3),
        ],
    },
    College {
        name: "外国语学院",
        login: "fl",
        majors: &[
            m("英语", "050201", "英语", true, "本科", 8),
            m("日语", "050207", "日语", false, "本科", 3),
        ],
    },
    College {
        name: "商学院",
        login: "biz",
        majors: &[
            m("会计学", "120203K", "会计", false, "本科", 9),
            m("工商管理", "120201K", "工商", false, "本科", 5),
            m("工商管理", "1202", "工管硕", false, "硕士", 2),
        ],
    },
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "邓", "冯", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蒋", "蔡", "余", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "思", "雨", "欣", "宇", "浩", "轩", "梓", "涵", "子", "晨",
    "博", "佳", "嘉", "琪", "文", "颖", "鑫", "婷",
];
const HEADERS: [&str; 24] = [
    "学号",
    "考生号",
    "姓名",
    "性别",
    "身份证号",
    "民族",
    "政治面貌",
    "学历层次",
    "院系",
    "专业",
    "专业代码",
    "专业方向",
    "班级",
    "学制",
    "入学时间",
    "毕业时间",
    "培养方式",
    "定向单位",
    "师范生类别",
    "生源所在地代码",
    "城乡生源",
    "手机号码",
    "电子邮箱",
    "QQ号码",
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// Generates `count` students as roster rows (headers first).
pub fn generate(divisions: &Divisions, count: usize, seed: u64) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rng = StdRng::seed_from_u64(seed);
    // Counties students come from; most from Hunan, as at a Hunan university.
    let counties: Vec<String> = divisions
        .children("")
        .iter()
        .flat_map(|p| divisions.children(&p.code))
        .flat_map(|c| {
            if divisions.has_children(&c.code) {
                divisions.children(&c.code)
            } else {
                vec![c]
            }
        })
        .map(|d| d.code)
        .filter(|c| origin::is_selectable(c) && origin::level_of(c) == Some(DivisionLevel::County))
        .collect();
    let hunan: Vec<&String> = counties.iter().filter(|c| c.starts_with("43")).collect();
    let majors: Vec<(&College, &Major)> = COLLEGES
        .iter()
        .flat_map(|c| c.majors.iter().map(move |m| (c, m)))
        .collect();
    let total_weight: u32 = majors.iter().map(|(_, m)| m.weight).sum();
    let mut seq = vec![0u32; majors.len()];

    let mut rows = Vec::with_capacity(count);
    for _ in 0..count {
        let mut roll = rng.random_range(0..total_weight);
        let index = majors
            .iter()
            .position(|(_, m)| {
                if roll < m.weight {
                    true
                } else {
                    roll -= m.weight;
                    false
                }
            })
            .unwrap_or(0);
        let (college, major) = majors[index];
        seq[index] += 1;
        let (enrolled_year, years, birth_from) = match major.level {
            "博士" => (2019, 4, 1990),
            "硕士" => (2020, 3, 1996),
            _ => (2019, 4, 2000),
        };
        let college_no = COLLEGES
            .iter()
            .position(|c| c.name == college.name)
            .unwrap_or(0)
            + 1;
        let major_no = college
            .majors
            .iter()
            .position(|m2| std::ptr::eq(m2, major))
            .unwrap_or(0)
            + 1;
        let student_no = format!(
            "{enrolled_year}{college_no:02}{major_no:02}{:04}",
            seq[index]
        );

        let home = if rng.random_bool(0.7) && !hunan.is_empty() {
            pick(&mut rng, &hunan).to_string()
        } else {
            pick(&mut rng, &counties).clone()
        };
        let female = rng.random_bool(0.5);
        let birth = format!(
            "{}{:02}{:02}",
            birth_from + rng.random_range(0..3),
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        );
        // The 17th digit is odd for men, even for women.
        let order = rng.random_range(0..5u32) * 2 + u32::from(!female);
        let id_number = identity::with_check_digit(&format!(
            "{home}{birth}{:02}{order}",
            rng.random_range(10..99)
        ));
        let name = format!(
            "{}{}{}",
            pick(&mut rng, SURNAMES),
            pick(&mut rng, GIVEN),
            if rng.random_bool(0.6) {
                *pick(&mut rng, GIVEN)
            } else {
                ""
            }
        );

        let postgraduate = major.level != "本科";
        let (training, sponsor, normal) = if postgraduate {
            if major.level == "硕士" && major.code == "045104" && rng.random_bool(0.15) {
                (
                    "2",
                    format!("{}教育局", divisions.name(&home).unwrap_or("某县")),
                    "2",
                )
            } else {
                ("1", String::new(), "2")
            }
        } else if major.normal && rng.random_bool(0.12) {
            ("2", "湖南省教育厅".to_string(), "12")
        } else if rng.random_bool(0.01) {
            (
                "2",
                "吐鲁番市人民政府".to_string(),
                if major.normal { "1" } else { "2" },
            )
        } else {
            ("1", String::new(), if major.normal { "1" } else { "2" })
        };
        let ethnicity = if rng.random_bool(0.88) {
            "01"
        } else {
            *pick(&mut rng, &["03", "06", "12", "13", "15"])
        };
        let political = match rng.random_range(0..100) {
            0..5 => "01",
            5..15 => "02",
            15..85 if !postgraduate => "03",
            _ => "13",
        };
        // The school record is not clean: a few origins stop at city level, a few QQs carry letters.
        let origin_code = if rng.random_bool(0.05) {
            format!("{}00", &home[..4])
        } else {
            home.clone()
        };
        let qq_len = rng.random_range(5..10);
        let qq_number = format!("{}{}", rng.random_range(1..10), digits(&mut rng, qq_len));
        let qq = if rng.random_bool(0.03) {
            format!("{qq_number}a")
        } else {
            qq_number.clone()
        };
        let mobile = if rng.random_bool(0.02) {
            String::new()
        } else {
            format!(
                "1{}{}",
                pick(&mut rng, &["3", "5", "7", "8", "9"]),
                digits(&mut rng, 9)
            )
        };
        let class_name = if postgraduate {
            String::new()
        } else {
            format!(
                "{}{}{:02}",
                major.short,
                enrolled_year % 100,
                rng.random_range(1..=3)
            )
        };
        rows.push(vec![
            student_no,
            format!(
                "{}{}{}",
                enrolled_year % 100,
                &home[..2],
                digits(&mut rng, 10)
            ),
            name,
            if female { "女" } else { "男" }.to_string(),
            id_number,
            ethnicity.to_string(),
            political.to_string(),
            major.level.to_string(),
            college.name.to_string(),
            major.name.to_string(),
            major.code.to_string(),
            String::new(),
            class_name,
            years.to_string(),
            format!("{enrolled_year}-09"),
            "2023-06".to_string(),
            training.to_string(),
            sponsor,
            normal.to_string(),
            origin_code,
            if rng.random_bool(0.55) {
                "农村"
            } else {
                "城镇"
            }
            .to_string(),
            mobile,
            format!("{qq_number}@qq.com"),
            qq,
        ]);
    }
    (HEADERS.iter().map(|h| h.to_string()).collect(), rows)
}

/// Writes generated rows as a UTF-8 CSV roster.
pub fn to_csv(headers: &[String], rows: &[Vec<String>]) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(headers).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    let bytes = writer.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// `shengyuan demo`: imports a generated cohort and creates demo staff accounts.
pub async fn run(
    pool: &SqlitePool,
    divisions: &Divisions,
    count: usize,
    seed: u64,
) -> Result<(), String> {
    let (headers, rows) = generate(divisions, count, seed);
    let first = rows.first().cloned();
    let started = std::time::Instant::now();
    let numbered = rows.into_iter().enumerate().map(|(i, r)| (i as u64 + 2, r));
    let parsed = roster::parse_rows(&headers, numbered)?;
    let report = roster::apply(pool, parsed, "system:demo").await?;
    println!(
        "{}（用时 {:.2} 秒）",
        report.summary(),
        started.elapsed().as_secs_f64()
    );

    // A campaign in full swing: students have a month left, colleges a little more.
    let today = crate::server::windows::today();
    let campaign = crate::domain::campaign::Campaign {
        cohort: "2023届".to_string(),
        school_name: "湖南示范大学".to_string(),
        students: crate::domain::campaign::Window {
            opens_on: Some(today - chrono::Duration::days(14)),
            closes_on: Some(today + chrono::Duration::days(30)),
        },
        review: crate::domain::campaign::Window {
            opens_on: Some(today - chrono::Duration::days(14)),
            closes_on: Some(today + chrono::Duration::days(40)),
        },
    };
    crate::server::db::campaign::save(pool, &campaign, "system:demo")
        .await
        .map_err(|e| format!("saving the demo campaign: {e}"))?;
    // The default job-intention survey, answered before 生源信息.
    let survey = async {
        let mut tx = crate::server::db::begin_write(pool).await?;
        if crate::server::db::survey::questions(&mut *tx)
            .await?
            .is_empty()
        {
            for (kind, prompt, options, required) in crate::domain::survey::default_questions() {
                let options: Vec<String> = options.into_iter().map(str::to_string).collect();
                crate::server::db::survey::insert_question(
                    &mut tx, kind, prompt, &options, required,
                )
                .await?;
            }
        }
        crate::server::db::survey::set_survey_required(&mut tx, true, "system:demo").await?;
        tx.commit().await
    };
    survey
        .await
        .map_err(|e: sqlx::Error| format!("installing the demo survey: {e}"))?;

    let password =
        std::env::var("SHENGYUAN_PASSWORD").unwrap_or_else(|_| DEMO_STAFF_PASSWORD.to_string());
    add_staff(pool, "school", "招生就业处", &password, None).await?;
    for college in COLLEGES {
        add_staff(
            pool,
            college.login,
            &format!("{}辅导员", college.name),
            &password,
            Some(college.name),
        )
        .await?;
    }
    println!("演示账号：");
    if let Some(row) = first {
        let default_password = identity::IdNumber::parse(&row[4])
            .map(|id| id.default_password())
            .unwrap_or_default();
        println!(
            "  学生  学号 {}  密码 {}（身份证号后六位，首次登录后须设置自己的密码）  {} {}",
            row[0], default_password, row[2], row[8]
        );
    }
    println!("  学校  用户名 school  密码 {password}");
    for college in COLLEGES {
        println!(
            "  学院  用户名 {}  密码 {password}  {}",
            college.login, college.name
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Divisions {
        Divisions::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/divisions.csv"
        )))
        .expect("divisions")
    }

    #[test]
    fn every_generated_student_imports() {
        let (headers, rows) = generate(&bundled(), 2_000, 7);
        let numbered = rows.into_iter().enumerate().map(|(i, r)| (i as u64 + 2, r));
        let parsed = roster::parse_rows(&headers, numbered).expect("headers match");
        let refused: Vec<String> = parsed
            .problems
            .iter()
            .filter(|p| matches!(p, roster::Problem::Refused { .. }))
            .map(|p| p.to_string())
            .collect();
        assert!(
            refused.is_empty(),
            "{} refused, e.g. {:?}",
            refused.len(),
            refused.first()
        );
        assert_eq!(parsed.students.len(), 2_000);
        let numbers: std::collections::HashSet<&str> = parsed
            .students
            .iter()
            .map(|(_, s)| s.student_no.as_str())
            .collect();
        assert_eq!(numbers.len(), 2_000, "学号 are unique");
        let postgraduates = parsed
            .students
            .iter()
            .filter(|(_, s)| s.education_level != "31")
            .count();
        assert!(
            postgraduates > 100,
            "本科 and 研究生 both appear: {postgraduates}"
        );
        // The school record is realistically dirty, but not mostly so.
        let warnings = parsed.problems.len() - refused.len();
        assert!(warnings > 0 && warnings < 400, "{warnings} warnings");
    }

    #[test]
    fn gender_follows_the_id_number() {
        let (headers, rows) = generate(&bundled(), 300, 11);
        let gender = headers.iter().position(|h| h == "性别").unwrap();
        let id = headers.iter().position(|h| h == "身份证号").unwrap();
        for row in rows {
            let parsed = identity::IdNumber::parse(&row[id]).expect("valid ID");
            let expected = if parsed.gender_code() == "1" {
                "男"
            } else {
                "女"
            };
            assert_eq!(row[gender], expected, "{}", row[id]);
        }
    }
}
