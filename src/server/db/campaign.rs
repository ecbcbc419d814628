//! The campaign row (届, school name, windows).

use crate::domain::campaign::{Campaign, Window};
use chrono::NaiveDate;
use sqlx::{Row, Sqlite, SqliteExecutor};

/// The settings before 学校 staff saved any: this year's 届, windows open.
pub fn unset(today: NaiveDate) -> Campaign {
    use chrono::Datelike;
    Campaign {
        cohort: format!("{}届", today.year()),
        school_name: "（未设置学校名称）".to_string(),
        students: Window::default(),
        review: Window::default(),
    }
}

fn day(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

fn text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

pub async fn load<'e, E: SqliteExecutor<'e>>(
    executor: E,
    today: NaiveDate,
) -> Result<Campaign, sqlx::Error> {
    let row = sqlx::query::<Sqlite>(
        "SELECT cohort, school_name, student_opens_on, student_closes_on, review_opens_on,
                review_closes_on
         FROM campaign WHERE id = 1",
    )
    .fetch_optional(executor)
    .await?;
    let Some(row) = row else {
        return Ok(unset(today));
    };
    Ok(Campaign {
        cohort: row.try_get("cohort")?,
        school_name: row.try_get("school_name")?,
        students: Window {
            opens_on: day(row.try_get("student_opens_on")?),
            closes_on: day(row.try_get("student_closes_on")?),
        },
        review: Window {
            opens_on: day(row.try_get("review_opens_on")?),
            closes_on: day(row.try_get("review_closes_on")?),
        },
    })
}

pub async fn save<'e, E: SqliteExecutor<'e>>(
    executor: E,
    campaign: &Campaign,
    actor: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "INSERT INTO campaign (id, cohort, school_name, student_opens_on, student_closes_on,
            review_opens_on, review_closes_on, updated_at, updated_by)
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET cohort = excluded.cohort,
            school_name = excluded.school_name, student_opens_on = excluded.student_opens_on,
            student_closes_on = excluded.student_closes_on,
            review_opens_on = excluded.review_opens_on, review_closes_on = excluded.review_closes_on,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(&campaign.cohort)
    .bind(&campaign.school_name)
    .bind(text(campaign.students.opens_on))
    .bind(text(campaign.students.closes_on))
    .bind(text(campaign.review.opens_on))
    .bind(text(campaign.review.closes_on))
    .bind(crate::server::now())
    .bind(actor)
    .execute(executor)
    .await?;
    Ok(())
}

/// 首次登录须修改默认密码: on unless 学校 switched it off (also before any campaign was saved).
pub async fn force_default_change<'e, E: SqliteExecutor<'e>>(
    executor: E,
) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<Sqlite, i64>("SELECT force_default_change FROM campaign WHERE id = 1")
            .fetch_optional(executor)
            .await?
            .unwrap_or(1)
            != 0,
    )
}

/// Switches it (the campaign row is created with its defaults when missing).
pub async fn set_force_default_change(
    conn: &mut sqlx::SqliteConnection,
    on: bool,
    actor: &str,
) -> Result<(), sqlx::Error> {
    let campaign = load(&mut *conn, crate::server::windows::today()).await?;
    save(&mut *conn, &campaign, actor).await?;
    sqlx::query::<Sqlite>("UPDATE campaign SET force_default_change = $1 WHERE id = 1")
        .bind(on)
        .execute(conn)
        .await?;
    Ok(())
}
