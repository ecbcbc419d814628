//! The append-only audit log, hash-chained: every row carries the hash of the row before it and
//! a hash of its own over that and all its columns, so `verify` finds a row that was changed,
//! removed or slipped in. The triggers of migrations 0001 and 0007 refuse UPDATE, DELETE, REPLACE
//! and an insert that does not continue the chain.

use sha2::{Digest, Sha256};
use sqlx::{Acquire, Row as _, Sqlite, SqliteConnection, SqliteExecutor, SqlitePool};
use std::pin::Pin;

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

/// Appends `entry` as the next link of the chain, through a pool or a connection (inside a
/// transaction: `&mut *tx`). Through a pool two connections can read the same head; the loser's
/// insert is refused (the id is taken) and it tries again on the new head. Inside a write
/// transaction (`begin_write`) there is no such race.
///
/// A boxed `Send` future rather than an `async fn`: the future of an `async fn` generic over
/// `Acquire` fails the `Send` check of the server functions that await it ("implementation of
/// `Acquire` is not general enough", the reason sqlx's own `Migrator::run_direct` exists).
pub fn record<'a, A>(
    connection: A,
    entry: Entry<'a>,
) -> Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'a>>
where
    A: Acquire<'a, Database = Sqlite> + Send + 'a,
{
    Box::pin(async move {
        let mut conn = connection.acquire().await?;
        append(&mut conn, &entry).await
    })
}

/// How often `append` reads the head again when another connection appended first.
const ATTEMPTS: usize = 32;

async fn append(conn: &mut SqliteConnection, entry: &Entry<'_>) -> Result<(), sqlx::Error> {
    let at = super::super::now();
    let mut attempt = 1;
    loop {
        let (id, prev_hash) = next_link(conn).await?;
        let hash = row_hash(&prev_hash, id, &at, entry);
        let inserted = sqlx::query::<Sqlite>(
            "INSERT INTO audit_log (id, at, actor, action, student_id, field, old_value, new_value,
                                    detail, client_addr, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(&at)
        .bind(entry.actor)
        .bind(entry.action)
        .bind(entry.student_id)
        .bind(entry.field)
        .bind(entry.old_value)
        .bind(entry.new_value)
        .bind(entry.detail)
        .bind(entry.client_addr)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => return Ok(()),
            // A trigger's refusal and a key conflict both arrive as a database error; only a
            // taken id means someone else appended in between.
            Err(e @ sqlx::Error::Database(_)) => {
                if attempt >= ATTEMPTS || !id_taken(conn, id).await? {
                    return Err(e);
                }
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The id and `prev_hash` of the row to append: after the head, or the start of the chain ('')
/// when the log is empty or its head is a row from before the chain.
async fn next_link(conn: &mut SqliteConnection) -> Result<(i64, String), sqlx::Error> {
    let head = sqlx::query_as::<Sqlite, (i64, Option<String>)>(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match head {
        Some((id, hash)) => (id + 1, hash.unwrap_or_default()),
        None => (1, String::new()),
    })
}

async fn id_taken(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, bool>("SELECT EXISTS (SELECT 1 FROM audit_log WHERE id = $1)")
        .bind(id)
        .fetch_one(&mut *conn)
        .await
}

/// SHA-256 (hex) of the previous row's hash and every column of this row, as one JSON array:
/// each value quoted or `null`, so no two different rows encode alike.
fn row_hash(prev_hash: &str, id: i64, at: &str, entry: &Entry<'_>) -> String {
    let encoded = serde_json::json!([
        prev_hash,
        id,
        at,
        entry.actor,
        entry.action,
        entry.student_id,
        entry.field,
        entry.old_value,
        entry.new_value,
        entry.detail,
        entry.client_addr,
    ]);
    format!("{:x}", Sha256::digest(encoded.to_string().as_bytes()))
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

/// The log keeps no full 身份证号 (PIPL: de-identification): the same mask as every list, with
/// nothing of the last six characters (the default password). The row still says that the
/// number changed.
fn redact<'v>(field: &str, value: &'v str) -> std::borrow::Cow<'v, str> {
    if field == "id_number" {
        std::borrow::Cow::Owned(crate::domain::identity::mask_id_number(value))
    } else {
        std::borrow::Cow::Borrowed(value)
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

/// What `verify` found, walking the log in id order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// Rows walked (all of them when nothing is broken).
    pub rows: i64,
    /// Rows from before the chain began (migration 0007): they carry no hash.
    pub legacy: i64,
    /// The hash of the last good row. Noted down somewhere else, it later shows whether the tail
    /// was cut off or the chain rewritten from some row on (`chain_has`).
    pub head: Option<String>,
    pub broken: Option<BrokenLink>,
}

/// The first row that does not hold to the chain, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokenLink {
    pub id: i64,
    pub reason: String,
}

/// Checks every link of the chain; stops at the first broken one.
pub async fn verify(pool: &SqlitePool) -> Result<ChainReport, sqlx::Error> {
    const PAGE: i64 = 1000;
    // One read transaction: a consistent snapshot while the server goes on appending.
    let mut tx = pool.begin().await?;
    let mut report = ChainReport {
        rows: 0,
        legacy: 0,
        head: None,
        broken: None,
    };
    let mut last: Option<(i64, String)> = None;
    let mut after = i64::MIN;
    loop {
        let page = sqlx::query::<Sqlite>(
            "SELECT id, at, actor, action, student_id, field, old_value, new_value, detail,
                    client_addr, prev_hash, hash
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(&mut *tx)
        .await?;
        let Some(end) = page.last() else { break };
        after = end.try_get("id")?;
        for row in &page {
            let id: i64 = row.try_get("id")?;
            report.rows += 1;
            match check_link(row, id, last.as_ref()) {
                Ok(Some(hash)) => last = Some((id, hash)),
                Ok(None) => report.legacy += 1,
                Err(reason) => {
                    report.head = last.map(|(_, hash)| hash);
                    report.broken = Some(BrokenLink { id, reason });
                    return Ok(report);
                }
            }
        }
    }
    report.head = last.map(|(_, hash)| hash);
    Ok(report)
}

/// Whether a row of the log carries `hash`: after a clean `verify`, whether an earlier head is
/// still part of the chain.
pub async fn chain_has(pool: &SqlitePool, hash: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar::<Sqlite, bool>("SELECT EXISTS (SELECT 1 FROM audit_log WHERE hash = $1)")
        .bind(hash)
        .fetch_one(pool)
        .await
}

/// Checks one row against the previous chained row `last` (`None`: the chain has not begun).
/// `Ok(Some(hash))` for a good link, `Ok(None)` for a row from before the chain.
fn check_link(
    row: &sqlx::sqlite::SqliteRow,
    id: i64,
    last: Option<&(i64, String)>,
) -> Result<Option<String>, String> {
    let text = |column: &str| {
        row.try_get::<Option<String>, _>(column)
            .map_err(|_| format!("{column} 列的值不是文本：此行被改动"))
    };
    let Some(hash) = text("hash")? else {
        return match last {
            None => Ok(None),
            Some(_) => Err(
                "没有哈希：哈希链开始后的每一行都应有哈希（此行被改动，或绕过程序写入）"
                    .to_string(),
            ),
        };
    };
    let expected_prev = match last {
        Some((last_id, _)) if id != last_id + 1 => {
            return Err(if id == last_id + 2 {
                format!("第 {} 行不见了（被删除）", last_id + 1)
            } else {
                format!("第 {} 至 {} 行不见了（被删除）", last_id + 1, id - 1)
            });
        }
        Some((_, last_hash)) => last_hash.as_str(),
        None => "",
    };
    let prev_hash = text("prev_hash")?;
    if prev_hash.as_deref() != Some(expected_prev) {
        return Err(match last {
            Some((last_id, _)) => format!(
                "prev_hash 与第 {last_id} 行的哈希不符：第 {last_id} 行被改动，或此行不是接着它写入的"
            ),
            None => "prev_hash 不是链的起点：链开头的行被删除，或此行被改动".to_string(),
        });
    }
    let student_id = row
        .try_get::<Option<i64>, _>("student_id")
        .map_err(|_| "student_id 列的值不是整数：此行被改动".to_string())?;
    let (at, actor, action) = (text("at")?, text("actor")?, text("action")?);
    let (field, old_value, new_value) = (text("field")?, text("old_value")?, text("new_value")?);
    let (detail, client_addr) = (text("detail")?, text("client_addr")?);
    let entry = Entry {
        actor: actor.as_deref().unwrap_or_default(),
        action: action.as_deref().unwrap_or_default(),
        student_id,
        field: field.as_deref(),
        old_value: old_value.as_deref(),
        new_value: new_value.as_deref(),
        detail: detail.as_deref(),
        client_addr: client_addr.as_deref(),
    };
    if row_hash(expected_prev, id, at.as_deref().unwrap_or_default(), &entry) != hash {
        return Err("内容与哈希不符：此行被改动".to_string());
    }
    Ok(Some(hash))
}

#[cfg(test)]
mod tests {
    #[test]
    fn id_numbers_are_masked_in_the_log() {
        assert_eq!(
            super::redact("id_number", "43010420010315001X"),
            "430104************"
        );
        assert_eq!(
            super::redact("qq", "43010420010315001X"),
            "43010420010315001X"
        );
        assert_eq!(super::redact("id_number", ""), "");
    }

    #[test]
    fn every_column_goes_into_the_hash_and_none_is_not_empty() {
        use super::{Entry, row_hash};
        let base = Entry {
            actor: "staff:math",
            action: "export",
            ..Default::default()
        };
        let mut hashes = vec![
            row_hash("", 1, "2026-01-01T00:00:00Z", &base),
            row_hash("x", 1, "2026-01-01T00:00:00Z", &base),
            row_hash("", 2, "2026-01-01T00:00:00Z", &base),
            row_hash("", 1, "2026-01-01T00:00:01Z", &base),
        ];
        let variants = [
            Entry {
                actor: "staff:cs",
                ..base.clone()
            },
            Entry {
                action: "exports",
                ..base.clone()
            },
            Entry {
                student_id: Some(1),
                ..base.clone()
            },
            Entry {
                field: Some(""),
                ..base.clone()
            },
            Entry {
                old_value: Some(""),
                ..base.clone()
            },
            Entry {
                new_value: Some(""),
                ..base.clone()
            },
            Entry {
                detail: Some(""),
                ..base.clone()
            },
            Entry {
                client_addr: Some(""),
                ..base.clone()
            },
            // Text cannot shift from one column into the next.
            Entry {
                field: Some("a\",\"b"),
                ..base.clone()
            },
            Entry {
                field: Some("a"),
                old_value: Some("b"),
                ..base.clone()
            },
        ];
        hashes.extend(
            variants
                .iter()
                .map(|e| row_hash("", 1, "2026-01-01T00:00:00Z", e)),
        );
        let distinct: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(distinct.len(), hashes.len());
        assert!(hashes.iter().all(|h| h.len() == 64));
    }
}
