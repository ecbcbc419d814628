//! The append-only audit log.

use sqlx::{Sqlite, SqliteExecutor};

#[derive(Clone, Debug, Default)]
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub student_id: Option<i64>,
    pub field: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub client_addr: Option<&'a str>,
}

pub async fn record<'e, E: SqliteExecutor<'e>>(
    executor: E,
    entry: Entry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query::<Sqlite>(
        "INSERT INTO audit_log (at, actor, action, student_id, field, old_value, new_value, detail, client_addr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(super::super::now())
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.student_id)
    .bind(entry.field)
    .bind(entry.old_value)
    .bind(entry.new_value)
    .bind(entry.detail)
    .bind(entry.client_addr)
    .execute(executor)
    .await?;
    Ok(())
}

/// One entry per field whose value changed, each a copy of `base` with the field filled in.
pub async fn record_changes<'a>(
    conn: &mut sqlx::SqliteConnection,
    base: Entry<'a>,
    changes: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
) -> Result<(), sqlx::Error> {
    for (field, old, new) in changes {
        if old != new {
            let (old, new) = (redact(field, old), redact(field, new));
            let entry = Entry {
                field: Some(field),
                old_value: Some(&old),
                new_value: Some(&new),
                ..base.clone()
            };
            record(&mut *conn, entry).await?;
        }
    }
    Ok(())
}

/// The log keeps no full 身份证号 (PIPL: de-identification): the first 3 and last 4 characters
/// stay, enough to tell a typo fix from a different person.
fn redact<'v>(field: &str, value: &'v str) -> std::borrow::Cow<'v, str> {
    let chars: Vec<char> = value.chars().collect();
    if field != "id_number" || chars.len() <= 7 {
        return std::borrow::Cow::Borrowed(value);
    }
    let hidden = chars.len() - 7;
    let masked: String = chars[..3]
        .iter()
        .chain(std::iter::repeat_n(&'*', hidden))
        .chain(&chars[chars.len() - 4..])
        .collect();
    std::borrow::Cow::Owned(masked)
}

#[cfg(test)]
mod tests {
    #[test]
    fn id_numbers_are_masked_in_the_log() {
        assert_eq!(
            super::redact("id_number", "43010420010315001X"),
            "430***********001X"
        );
        assert_eq!(
            super::redact("qq", "43010420010315001X"),
            "43010420010315001X"
        );
        assert_eq!(super::redact("id_number", ""), "");
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Row {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub student_id: Option<i64>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub detail: Option<String>,
}

pub async fn for_student<'e, E: SqliteExecutor<'e>>(
    executor: E,
    student_id: i64,
) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as::<Sqlite, Row>(
        "SELECT id, at, actor, action, student_id, field, old_value, new_value, detail
         FROM audit_log WHERE student_id = $1 ORDER BY id",
    )
    .bind(student_id)
    .fetch_all(executor)
    .await
}
