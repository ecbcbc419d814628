//! 校库 (the school record), the organisation tables, and the roster upsert.

use super::editable_from_row;
use crate::domain::form::VerificationInput;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// One student's school record with the names of their college, major and class.
#[derive(Clone, Debug)]
pub struct SchoolRecord {
    pub id: i64,
    pub student_no: String,
    pub exam_no: String,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub education_level: String,
    pub college_id: i64,
    pub college_name: String,
    pub major_name: String,
    pub major_code: String,
    pub major_direction: String,
    pub class_name: String,
    pub study_years: String,
    pub enrolled_on: String,
    pub graduating_on: String,
    pub values: VerificationInput,
    pub version: i64,
}

impl SchoolRecord {
    /// The grey, read-only 学籍 fields as (label, text), in display order; `id_number` is the
    /// 身份证号 as this viewer may see it (masked for students).
    pub fn display_fields(&self, id_number: String) -> Vec<(String, String)> {
        use crate::domain::codes::{self, EducationLevel};
        let major = if self.major_code.is_empty() {
            self.major_name.clone()
        } else {
            format!("{}（{}）", self.major_name, self.major_code)
        };
        let level = EducationLevel::parse(&self.education_level)
            .map(|l| l.label().to_string())
            .unwrap_or_else(|| self.education_level.clone());
        [
            ("学号", self.student_no.clone()),
            ("姓名", self.name.clone()),
            (
                "性别",
                codes::name_of(codes::GENDERS, &self.gender)
                    .unwrap_or("")
                    .to_string(),
            ),
            ("身份证号", id_number),
            ("考生号", self.exam_no.clone()),
            ("所在院系", self.college_name.clone()),
            ("所在专业", major),
            ("专业方向", self.major_direction.clone()),
            ("班级", self.class_name.clone()),
            ("学历层次", level),
            ("学制", self.study_years.clone()),
            ("入学时间", self.enrolled_on.clone()),
            ("毕业时间", self.graduating_on.clone()),
        ]
        .into_iter()
        .map(|(label, value)| (label.to_string(), value))
        .collect()
    }

    /// The 学籍 fields as the staff edit form takes them.
    pub fn record_input(&self) -> crate::domain::record::RecordInput {
        crate::domain::record::RecordInput {
            student_no: self.student_no.clone(),
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            exam_no: self.exam_no.clone(),
            education_level: self.education_level.clone(),
            college: self.college_name.clone(),
            major: self.major_name.clone(),
            major_code: self.major_code.clone(),
            major_direction: self.major_direction.clone(),
            class_name: self.class_name.clone(),
            study_years: self.study_years.clone(),
            enrolled_on: self.enrolled_on.clone(),
            graduating_on: self.graduating_on.clone(),
        }
    }
}

macro_rules! select_record {
    () => {
        "SELECT s.*, c.name AS college_name, m.name AS major_name, m.code AS major_code,
                COALESCE(k.name, '') AS class_name
         FROM students s
         JOIN colleges c ON c.id = s.college_id
         JOIN majors m ON m.id = s.major_id
         LEFT JOIN classes k ON k.id = s.class_id"
    };
}

fn record_from_row(row: &SqliteRow) -> Result<SchoolRecord, sqlx::Error> {
    Ok(SchoolRecord {
        id: row.try_get("id")?,
        student_no: row.try_get("student_no")?,
        exam_no: row.try_get("exam_no")?,
        name: row.try_get("name")?,
        gender: row.try_get("gender")?,
        id_number: row.try_get("id_number")?,
        education_level: row.try_get("education_level")?,
        college_id: row.try_get("college_id")?,
        college_name: row.try_get("college_name")?,
        major_name: row.try_get("major_name")?,
        major_code: row.try_get("major_code")?,
        major_direction: row.try_get("major_direction")?,
        class_name: row.try_get("class_name")?,
        study_years: row.try_get("study_years")?,
        enrolled_on: row.try_get("enrolled_on")?,
        graduating_on: row.try_get("graduating_on")?,
        values: editable_from_row(row)?,
        version: row.try_get("version")?,
    })
}

pub async fn record_by_id(pool: &SqlitePool, id: i64) -> Result<Option<SchoolRecord>, sqlx::Error> {
    let row = sqlx::query::<Sqlite>(concat!(
        select_record!(),
        " WHERE s.id = $1 AND s.removed_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// What login needs to know about a student account.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StudentAccount {
    pub id: i64,
    pub student_no: String,
    pub name: String,
    pub id_number: String,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub locked_at: Option<String>,
    pub recovery_email: Option<String>,
    pub college_id: Option<i64>,
}

/// A password reset by staff must be changed; so must the default password (the last six of the
/// 身份证号) while 活动设置's 首次登录须修改默认密码 is on (the default, also before any setting).
macro_rules! must_change_password {
    () => {
        "(must_change_password <> 0 OR (password_hash IS NULL AND
            COALESCE((SELECT force_default_change FROM campaign WHERE id = 1), 1) <> 0))"
    };
}

pub async fn account_by_student_no(
    pool: &SqlitePool,
    student_no: &str,
) -> Result<Option<StudentAccount>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StudentAccount>(concat!(
        "SELECT id, student_no, name, id_number, password_hash, ",
        must_change_password!(),
        " AS must_change_password, locked_at, recovery_email, college_id
         FROM students WHERE student_no = $1 AND removed_at IS NULL"
    ))
    .bind(student_no)
    .fetch_optional(pool)
    .await
}

pub async fn account_by_id(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<StudentAccount>, sqlx::Error> {
    sqlx::query_as::<Sqlite, StudentAccount>(concat!(
        "SELECT id, student_no, name, id_number, password_hash, ",
        must_change_password!(),
        " AS must_change_password, locked_at, recovery_email, college_id
         FROM students WHERE id = $1 AND removed_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn college_id_by_name(pool: &SqlitePool, name: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>("SELECT id FROM colleges WHERE name = $1")
        .bind(name)
        .fetch_optional(pool)
        .await
}

pub async fn college_name(pool: &SqlitePool, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, String>("SELECT name FROM colleges WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// A roster row, already normalised by the importer.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterStudent {
    pub student_no: String,
    pub exam_no: String,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub education_level: String,
    pub college: String,
    pub major: String,
    pub major_code: String,
    pub major_direction: String,
    pub class_name: String,
    pub study_years: String,
    pub enrolled_on: String,
    pub graduating_on: String,
    pub values: VerificationInput,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    Added,
    Changed,
    Unchanged,
}

/// Ids of colleges, majors and classes met during one import, so each is looked up once.
#[derive(Default)]
pub struct OrgCache {
    colleges: HashMap<String, i64>,
    majors: HashMap<(i64, String), i64>,
    classes: HashMap<(i64, String), i64>,
}

impl OrgCache {
    async fn college(
        &mut self,
        conn: &mut SqliteConnection,
        name: &str,
    ) -> Result<i64, sqlx::Error> {
        if let Some(id) = self.colleges.get(name) {
            return Ok(*id);
        }
        sqlx::query::<Sqlite>(
            "INSERT INTO colleges (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .execute(&mut *conn)
        .await?;
        let id = sqlx::query_scalar::<Sqlite, i64>("SELECT id FROM colleges WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *conn)
            .await?;
        self.colleges.insert(name.to_string(), id);
        Ok(id)
    }

    pub async fn major(
        &mut self,
        conn: &mut SqliteConnection,
        college_id: i64,
        name: &str,
        code: &str,
    ) -> Result<i64, sqlx::Error> {
        let key = (college_id, name.to_string());
        if let Some(id) = self.majors.get(&key) {
            return Ok(*id);
        }
        sqlx::query::<Sqlite>(
            "INSERT INTO majors (college_id, name, code) VALUES ($1, $2, $3)
             ON CONFLICT (college_id, name) DO UPDATE SET code = excluded.code
             WHERE excluded.code <> '' AND excluded.code <> majors.code",
        )
        .bind(college_id)
        .bind(name)
        .bind(code)
        .execute(&mut *conn)
        .await?;
        let id = sqlx::query_scalar::<Sqlite, i64>(
            "SELECT id FROM majors WHERE college_id = $1 AND name = $2",
        )
        .bind(college_id)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
        self.majors.insert(key, id);
        Ok(id)
    }

    async fn class(
        &mut self,
        conn: &mut SqliteConnection,
        major_id: i64,
        name: &str,
    ) -> Result<Option<i64>, sqlx::Error> {
        if name.is_empty() {
            return Ok(None);
        }
        let key = (major_id, name.to_string());
        if let Some(id) = self.classes.get(&key) {
            return Ok(Some(*id));
        }
        sqlx::query::<Sqlite>(
            "INSERT INTO classes (major_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(major_id)
        .bind(name)
        .execute(&mut *conn)
        .await?;
        let id = sqlx::query_scalar::<Sqlite, i64>(
            "SELECT id FROM classes WHERE major_id = $1 AND name = $2",
        )
        .bind(major_id)
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
        self.classes.insert(key, id);
        Ok(Some(id))
    }
}

/// The 院系 a 学号 belongs to, if the student exists.
pub async fn college_name_of(
    conn: &mut SqliteConnection,
    student_no: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, String>(
        "SELECT c.name FROM students s JOIN colleges c ON c.id = s.college_id WHERE s.student_no = $1",
    )
    .bind(student_no)
    .fetch_optional(conn)
    .await
}

/// What `upsert_roster` did to one student, with each field it changed as (field, old, new).
#[derive(Debug)]
pub struct Upserted {
    pub upsert: Upsert,
    pub student_id: i64,
    pub changes: Vec<(&'static str, String, String)>,
}

/// Inserts a new student or updates a changed one; leaves an identical one untouched.
pub async fn upsert_roster(
    conn: &mut SqliteConnection,
    cache: &mut OrgCache,
    s: &RosterStudent,
) -> Result<Upserted, sqlx::Error> {
    let college_id = cache.college(conn, &s.college).await?;
    let major_id = cache
        .major(conn, college_id, &s.major, &s.major_code)
        .await?;
    let class_id = cache.class(conn, major_id, &s.class_name).await?;

    let existing = sqlx::query::<Sqlite>(
        "SELECT s.*, c.name AS college_name, m.name AS major_name,
                COALESCE(k.name, '') AS class_label
         FROM students s
         JOIN colleges c ON c.id = s.college_id
         JOIN majors m ON m.id = s.major_id
         LEFT JOIN classes k ON k.id = s.class_id
         WHERE s.student_no = $1",
    )
    .bind(&s.student_no)
    .fetch_optional(&mut *conn)
    .await?;
    let mut changes = Vec::new();
    let sql = match existing {
        None => {
            "INSERT INTO students (student_no, exam_no, name, gender, id_number, education_level,
                college_id, major_id, major_direction, class_id, study_years, enrolled_on, graduating_on,
                origin_code, training_mode, sponsor_unit, normal_category, urban_rural, ethnicity,
                political, hardship, mobile, email, qq, home_address, home_phone, postcode,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $28)
             RETURNING id"
        }
        Some(row) => {
            let texts: [(&'static str, &str); 9] = [
                ("exam_no", &s.exam_no),
                ("name", &s.name),
                ("gender", &s.gender),
                ("id_number", &s.id_number),
                ("education_level", &s.education_level),
                ("major_direction", &s.major_direction),
                ("study_years", &s.study_years),
                ("enrolled_on", &s.enrolled_on),
                ("graduating_on", &s.graduating_on),
            ];
            for (field, new) in texts {
                let old: String = row.try_get(field)?;
                if old != new {
                    changes.push((field, old, new.to_string()));
                }
            }
            // The organisation by id (a name is unique only within its parent).
            let orgs: [(&'static str, bool, &str, &str); 3] = [
                (
                    "college",
                    row.try_get::<i64, _>("college_id")? != college_id,
                    "college_name",
                    &s.college,
                ),
                (
                    "major",
                    row.try_get::<i64, _>("major_id")? != major_id,
                    "major_name",
                    &s.major,
                ),
                (
                    "class_name",
                    row.try_get::<Option<i64>, _>("class_id")? != class_id,
                    "class_label",
                    &s.class_name,
                ),
            ];
            for (field, moved, old_column, new) in orgs {
                if moved {
                    changes.push((field, row.try_get(old_column)?, new.to_string()));
                }
            }
            let old_values = editable_from_row(&row)?;
            for column in super::editable_columns() {
                if old_values.get(column) != s.values.get(column) {
                    changes.push((
                        column,
                        old_values.get(column).to_string(),
                        s.values.get(column).to_string(),
                    ));
                }
            }
            if changes.is_empty() {
                return Ok(Upserted {
                    upsert: Upsert::Unchanged,
                    student_id: row.try_get("id")?,
                    changes,
                });
            }
            "UPDATE students SET exam_no = $2, name = $3, gender = $4, id_number = $5,
                education_level = $6, college_id = $7, major_id = $8, major_direction = $9,
                class_id = $10, study_years = $11, enrolled_on = $12, graduating_on = $13,
                origin_code = $14, training_mode = $15, sponsor_unit = $16, normal_category = $17,
                urban_rural = $18, ethnicity = $19, political = $20, hardship = $21, mobile = $22,
                email = $23, qq = $24, home_address = $25, home_phone = $26, postcode = $27,
                updated_at = $28, version = version + 1
             WHERE student_no = $1
             RETURNING id"
        }
    };
    let added = sql.starts_with("INSERT");
    // Both statements take the same parameters in the same order.
    let mut query = sqlx::query_scalar::<Sqlite, i64>(sql)
        .bind(&s.student_no)
        .bind(&s.exam_no)
        .bind(&s.name)
        .bind(&s.gender)
        .bind(&s.id_number)
        .bind(&s.education_level)
        .bind(college_id)
        .bind(major_id)
        .bind(&s.major_direction)
        .bind(class_id)
        .bind(&s.study_years)
        .bind(&s.enrolled_on)
        .bind(&s.graduating_on);
    for column in super::editable_columns() {
        query = query.bind(s.values.get(column));
    }
    let student_id = query
        .bind(crate::server::now())
        .fetch_one(&mut *conn)
        .await?;
    Ok(Upserted {
        upsert: if added {
            Upsert::Added
        } else {
            Upsert::Changed
        },
        student_id,
        changes,
    })
}

/// Students by (college, 学历代码, status) in one college or, with `None`, the whole school: the
/// dashboard's numbers (未核验 counts students without a verification row too).
pub async fn progress_counts(
    pool: &SqlitePool,
    college_id: Option<i64>,
) -> Result<Vec<(i64, String, String, String, i64)>, sqlx::Error> {
    let rows = sqlx::query::<Sqlite>(
        "SELECT s.college_id, c.name AS college, s.education_level,
                COALESCE(v.status, 'unverified') AS status, COUNT(*) AS n
         FROM students s
         JOIN colleges c ON c.id = s.college_id
         LEFT JOIN verifications v ON v.student_id = s.id
         WHERE s.removed_at IS NULL AND ($1 IS NULL OR s.college_id = $1)
         GROUP BY 1, 2, 3, 4
         ORDER BY 1",
    )
    .bind(college_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("college_id")?,
                r.try_get("college")?,
                r.try_get("education_level")?,
                r.try_get("status")?,
                r.try_get("n")?,
            ))
        })
        .collect()
}

/// Students of the scope who have not started, by 院系 / 班级 / 学号; `limit` None for all.
pub async fn not_started(
    pool: &SqlitePool,
    college_id: Option<i64>,
    limit: Option<i64>,
) -> Result<(Vec<crate::api::staff::NotStarted>, i64), sqlx::Error> {
    const FROM: &str = "FROM students s
         JOIN colleges c ON c.id = s.college_id
         JOIN majors m ON m.id = s.major_id
         LEFT JOIN classes k ON k.id = s.class_id
         LEFT JOIN verifications v ON v.student_id = s.id
         WHERE s.removed_at IS NULL AND ($1 IS NULL OR s.college_id = $1)
           AND (v.student_id IS NULL OR v.started_at IS NULL)";
    let total =
        sqlx::query_scalar::<Sqlite, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {FROM}")))
            .bind(college_id)
            .fetch_one(pool)
            .await?;
    let rows =
        sqlx::query_as::<Sqlite, crate::api::staff::NotStarted>(sqlx::AssertSqlSafe(format!(
            "SELECT s.student_no, s.name, c.name AS college, m.name AS major,
                COALESCE(k.name, '') AS class_name, s.mobile
         {FROM} ORDER BY c.id, m.name, class_name, s.student_no LIMIT $2"
        )))
        .bind(college_id)
        .bind(limit.unwrap_or(-1))
        .fetch_all(pool)
        .await?;
    Ok((rows, total))
}

/// Another student (not `except`) who already has this 学号.
pub async fn student_no_taken(
    pool: &SqlitePool,
    student_no: &str,
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar::<Sqlite, i64>(
        "SELECT id FROM students WHERE student_no = $1 AND ($2 IS NULL OR id <> $2)",
    )
    .bind(student_no)
    .bind(except)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Staff's edit of the 学籍 fields, applied only at `expected_version`; false when stale.
pub async fn update_record(
    conn: &mut SqliteConnection,
    student_id: i64,
    expected_version: i64,
    record: &crate::domain::record::RecordInput,
    gender: &str,
    college_id: i64,
) -> Result<bool, sqlx::Error> {
    let mut cache = OrgCache::default();
    let major_id = cache
        .major(conn, college_id, &record.major, &record.major_code)
        .await?;
    let class_id = cache.class(conn, major_id, &record.class_name).await?;
    let done = sqlx::query::<Sqlite>(
        "UPDATE students SET student_no = $3, name = $4, id_number = $5, gender = $6, exam_no = $7,
            education_level = $8, college_id = $9, major_id = $10, major_direction = $11, class_id = $12,
            study_years = $13, enrolled_on = $14, graduating_on = $15, updated_at = $16, version = version + 1
         WHERE id = $1 AND version = $2 AND removed_at IS NULL",
    )
    .bind(student_id)
    .bind(expected_version)
    .bind(&record.student_no)
    .bind(&record.name)
    .bind(&record.id_number)
    .bind(gender)
    .bind(&record.exam_no)
    .bind(&record.education_level)
    .bind(college_id)
    .bind(major_id)
    .bind(&record.major_direction)
    .bind(class_id)
    .bind(&record.study_years)
    .bind(&record.enrolled_on)
    .bind(&record.graduating_on)
    .bind(crate::server::now())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn id_by_student_no<'e, E: sqlx::SqliteExecutor<'e>>(
    executor: E,
    student_no: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>("SELECT id FROM students WHERE student_no = $1")
        .bind(student_no)
        .fetch_optional(executor)
        .await
}

/// The school record's version, read inside a write transaction.
pub async fn record_version(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, i64>(
        "SELECT version FROM students WHERE id = $1 AND removed_at IS NULL",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}
