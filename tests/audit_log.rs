//! The audit log: append-only at the database (REPLACE included), hash-chained and checked by
//! `verify-audit`; every download of people's data and every view of a full 身份证号 writes a row.

mod common;

use common::{ROSTER, TestApp};
use shengyuan::error::AppError;
use shengyuan::server::db::audit;
use sqlx::{AssertSqlSafe, Sqlite, SqlitePool};

const STUDENT: &str = "2019010001"; // 数学与计算科学学院
const MATH: &str = "数学与计算科学学院";
const CS: &str = "计算机科学与工程学院";

/// The columns of one row as text, to see that an attack left it as it was.
async fn row_text(pool: &SqlitePool, id: i64) -> Option<String> {
    sqlx::query_scalar::<Sqlite, String>(
        "SELECT quote(at) || quote(actor) || quote(action) || quote(student_id) || quote(detail)
                || quote(client_addr)
         FROM audit_log WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .expect("audit row")
}

async fn count(pool: &SqlitePool, action: &str) -> i64 {
    sqlx::query_scalar::<Sqlite, i64>("SELECT COUNT(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(pool)
        .await
        .expect("count")
}

async fn all_rows(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar::<Sqlite, i64>("SELECT COUNT(*) FROM audit_log")
        .fetch_one(pool)
        .await
        .expect("count")
}

/// Runs `sql` as an attacker with a database connection would, with the triggers that are in the
/// way dropped for the moment and put back after (as the migrations define them).
async fn tamper(pool: &SqlitePool, sql: &str) {
    let script = format!(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         {sql};
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
    );
    sqlx::raw_sql(AssertSqlSafe(script))
        .execute(pool)
        .await
        .expect("tampering");
}

/// A few rows of different kinds: failed logins (anonymous), logins, a refusal.
async fn some_activity(app: &TestApp) {
    for _ in 0..3 {
        let _ = app.client().login(STUDENT, "wrong-password").await;
    }
    let counselor = app.staff("cs").await;
    let id = app.student_id(STUDENT).await.to_string();
    let refused = counselor
        .call("review_detail", &[("student_id", id.as_str())])
        .await;
    assert_eq!(refused, Err(AppError::Forbidden));
}

#[tokio::test]
async fn replace_and_upsert_cannot_rewrite_an_audit_row() {
    let app = TestApp::spawn().await;
    let _ = app.client().login(STUDENT, "wrong-password").await;
    let pool = &app.state.pool;
    let id =
        sqlx::query_scalar::<Sqlite, i64>("SELECT id FROM audit_log WHERE action = 'login_failed'")
            .fetch_one(pool)
            .await
            .expect("the failed login's row");
    let before = row_text(pool, id).await.expect("the row");
    let rows = all_rows(pool).await;
    let attacks = [
        "INSERT OR REPLACE INTO audit_log (id, at, actor, action)
         VALUES ($1, '2020-01-01T00:00:00Z', 'attacker', 'nothing')",
        "REPLACE INTO audit_log (id, at, actor, action)
         VALUES ($1, '2020-01-01T00:00:00Z', 'attacker', 'nothing')",
        "INSERT INTO audit_log (id, at, actor, action)
         VALUES ($1, '2020-01-01T00:00:00Z', 'attacker', 'nothing')
         ON CONFLICT (id) DO UPDATE SET actor = 'attacker'",
        "UPDATE audit_log SET actor = 'attacker' WHERE id = $1",
        "DELETE FROM audit_log WHERE id = $1",
    ];
    for sql in attacks {
        let attempt = sqlx::query::<Sqlite>(sql).bind(id).execute(pool).await;
        assert!(attempt.is_err(), "refused: {sql}");
        assert_eq!(row_text(pool, id).await.as_ref(), Some(&before), "{sql}");
        assert_eq!(all_rows(pool).await, rows, "{sql}");
    }
    let report = audit::verify(pool).await.expect("verify");
    assert_eq!(report.broken, None);
}

#[tokio::test]
async fn a_row_that_does_not_continue_the_chain_is_refused() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    let pool = &app.state.pool;
    let rows = all_rows(pool).await;
    // A plain insert that bypasses the application (no id, no hashes).
    let plain = sqlx::query::<Sqlite>(
        "INSERT INTO audit_log (at, actor, action) VALUES ('2020-01-01T00:00:00Z', 'attacker', 'login')",
    )
    .execute(pool)
    .await;
    assert!(plain.is_err(), "a plain insert is refused");
    assert_eq!(all_rows(pool).await, rows);

    let (head_id, head_hash) = sqlx::query_as::<Sqlite, (i64, String)>(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("a chained head");
    let forged = "INSERT INTO audit_log (id, at, actor, action, prev_hash, hash)
                  VALUES ($1, '2020-01-01T00:00:00Z', 'attacker', 'login', $2, $3)";
    let attempts: [(i64, &str, Option<&str>); 3] = [
        (head_id + 1, &head_hash, None),
        (head_id + 1, "0000", Some("0000")),
        // A row slipped in after a gap.
        (head_id + 5, &head_hash, Some("0000")),
    ];
    for (id, prev, hash) in attempts {
        let attempt = sqlx::query::<Sqlite>(forged)
            .bind(id)
            .bind(prev)
            .bind(hash)
            .execute(pool)
            .await;
        assert!(attempt.is_err(), "refused: {id} {prev} {hash:?}");
    }
    assert_eq!(all_rows(pool).await, rows);
}

#[tokio::test]
async fn verify_finds_the_changed_row_and_the_removed_row() {
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    let pool = &app.state.pool;
    let rows = all_rows(pool).await;
    let report = audit::verify(pool).await.expect("verify");
    assert_eq!(report.broken, None);
    assert_eq!(report.rows, rows);
    assert_eq!(report.legacy, 0);
    let head =
        sqlx::query_scalar::<Sqlite, String>("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(pool)
            .await
            .expect("head");
    assert_eq!(report.head.as_deref(), Some(head.as_str()));

    // Someone with the database file hides which address guessed the password.
    let ids = sqlx::query_scalar::<Sqlite, i64>(
        "SELECT id FROM audit_log WHERE action = 'login_failed' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .expect("ids");
    let target = ids[1];
    tamper(
        pool,
        &format!("UPDATE audit_log SET client_addr = '10.9.9.9' WHERE id = {target}"),
    )
    .await;
    let report = audit::verify(pool).await.expect("verify");
    let broken = report.broken.expect("a broken link");
    assert_eq!(broken.id, target);
    assert!(broken.reason.contains("被改动"), "{}", broken.reason);
    assert_eq!(report.rows, target, "stops at the row");

    // Put back as it was, the chain holds again: the check is of the content.
    tamper(
        pool,
        &format!("UPDATE audit_log SET client_addr = '127.0.0.1' WHERE id = {target}"),
    )
    .await;
    assert_eq!(audit::verify(pool).await.expect("verify").broken, None);

    // A removed row breaks the link of the row after it.
    tamper(pool, &format!("DELETE FROM audit_log WHERE id = {target}")).await;
    let broken = audit::verify(pool)
        .await
        .expect("verify")
        .broken
        .expect("a broken link");
    assert_eq!(broken.id, target + 1);
    assert!(
        broken.reason.contains(&format!("第 {target} 行")),
        "{}",
        broken.reason
    );
}

#[tokio::test]
async fn rows_from_before_the_chain_are_legacy_and_the_chain_starts_after_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    // A database as it was before migration 0007, with rows of its own.
    let old = SqlitePool::connect_with(
        url.parse::<sqlx::sqlite::SqliteConnectOptions>()
            .expect("url")
            .create_if_missing(true),
    )
    .await
    .expect("old database");
    sqlx::migrate!()
        .run_to(6, &old)
        .await
        .expect("migrations up to 0006");
    for actor in ["staff:a", "staff:b", "staff:c"] {
        sqlx::query::<Sqlite>(
            "INSERT INTO audit_log (at, actor, action) VALUES ('2023-01-01T00:00:00Z', $1, 'login')",
        )
        .bind(actor)
        .execute(&old)
        .await
        .expect("an old row");
    }
    old.close().await;

    let pool = shengyuan::server::db::connect(&url).await.expect("upgrade");
    for action in ["export", "login"] {
        let entry = audit::Entry {
            actor: "staff:a",
            action,
            ..Default::default()
        };
        audit::record(&pool, entry).await.expect("a new row");
    }
    let report = audit::verify(&pool).await.expect("verify");
    assert_eq!((report.rows, report.legacy, report.broken), (5, 3, None));
    assert!(report.head.is_some());

    // After the chain has begun, a row without a hash is a broken link.
    sqlx::raw_sql(
        "DROP TRIGGER audit_log_chained;
         INSERT INTO audit_log (id, at, actor, action)
         VALUES (6, '2023-01-01T00:00:00Z', 'attacker', 'login');",
    )
    .execute(&pool)
    .await
    .expect("an unchained row slipped in");
    let broken = audit::verify(&pool)
        .await
        .expect("verify")
        .broken
        .expect("a broken link");
    assert_eq!(broken.id, 6);
    assert!(broken.reason.contains("没有哈希"), "{}", broken.reason);
}

#[tokio::test]
async fn writers_racing_through_the_pool_all_land_in_one_chain() {
    let app = TestApp::spawn().await;
    let pool = app.state.pool.clone();
    let before = all_rows(&pool).await;
    let writers = (0..16).map(|w| {
        let pool = pool.clone();
        tokio::spawn(async move {
            for i in 0..10 {
                let detail = format!("writer {w}, row {i}");
                let entry = audit::Entry {
                    actor: "system:test",
                    action: "export",
                    detail: Some(&detail),
                    ..Default::default()
                };
                audit::record(&pool, entry).await.expect("appended");
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.expect("writer");
    }
    let report = audit::verify(&pool).await.expect("verify");
    assert_eq!(report.broken, None);
    assert_eq!(report.rows, before + 160);
}

#[tokio::test]
async fn the_verify_audit_command_reports_the_first_broken_link_as_an_error() {
    use shengyuan::server::cli::verify_audit;
    let app = TestApp::spawn().await;
    some_activity(&app).await;
    let pool = &app.state.pool;
    let ok = verify_audit(pool, None).await.expect("the chain holds");
    let rows = all_rows(pool).await;
    let head = audit::verify(pool)
        .await
        .expect("verify")
        .head
        .expect("a head");
    assert!(ok.starts_with("OK"), "{ok}");
    assert!(ok.contains(&format!("共 {rows} 行")), "{ok}");
    assert!(ok.contains(&head), "{ok}");
    assert!(verify_audit(pool, Some(&head)).await.is_ok());

    // Cutting off the tail leaves a chain that holds, but not the head noted down before.
    let last = sqlx::query_scalar::<Sqlite, i64>("SELECT MAX(id) FROM audit_log")
        .fetch_one(pool)
        .await
        .expect("last id");
    tamper(pool, &format!("DELETE FROM audit_log WHERE id = {last}")).await;
    assert!(verify_audit(pool, None).await.is_ok(), "the rest holds");
    let cut = verify_audit(pool, Some(&head))
        .await
        .expect_err("the noted head is gone");
    assert!(cut.contains(&head), "{cut}");

    // A changed row: named, and an error (the command exits with 1).
    tamper(
        pool,
        "UPDATE audit_log SET actor = 'student:someone-else' WHERE id = 2",
    )
    .await;
    let broken = verify_audit(pool, None).await.expect_err("broken");
    assert!(broken.contains("第 2 行"), "{broken}");
}

/// The newest `export` row: (actor, detail, client address).
async fn last_export(pool: &SqlitePool) -> (String, String, Option<String>) {
    sqlx::query_as::<Sqlite, (String, String, Option<String>)>(
        "SELECT actor, detail, client_addr FROM audit_log WHERE action = 'export'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("an export row")
}

fn csv_rows(bytes: &[u8]) -> usize {
    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
    csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count()
}

fn xlsx_rows(bytes: &[u8]) -> usize {
    shengyuan::server::spreadsheet::read("f.xlsx", bytes)
        .expect("an xlsx")
        .rows
        .len()
}

#[tokio::test]
async fn every_download_is_logged_with_actor_address_scope_and_rows() {
    let app = TestApp::spawn().await;
    let pool = &app.state.pool;
    let math = app.staff("math").await;
    let school = app.staff("school").await;
    let cs_id = sqlx::query_scalar::<Sqlite, i64>("SELECT id FROM colleges WHERE name = $1")
        .bind(CS)
        .fetch_one(pool)
        .await
        .expect("college");
    let students_of = |college: &str| {
        ROSTER
            .lines()
            .filter(|l| l.split(',').nth(8) == Some(college))
            .count()
    };
    let everyone = ROSTER.lines().count() - 1;
    let survey_cs = format!("/staff/survey.xlsx?college={cs_id}");
    // (who, path, staff, scope, rows: None to count the file's own rows)
    let downloads = [
        (&math, "/staff/not-started.csv", "math", MATH, None),
        (&school, "/staff/not-started.csv", "school", "全校", None),
        (&school, "/staff/security-log.csv", "school", "全校", None),
        (&math, "/staff/survey.xlsx", "math", MATH, None),
        (&school, survey_cs.as_str(), "school", CS, None),
        (
            &math,
            "/staff/papers.xlsx",
            "math",
            MATH,
            Some(students_of(MATH)),
        ),
        (
            &school,
            "/staff/papers.xlsx",
            "school",
            "全校",
            Some(everyone),
        ),
        (&math, "/staff/import-template.xlsx", "math", MATH, Some(1)),
        (&math, "/staff/export.csv", "math", MATH, None),
        (&school, "/staff/export.xlsx", "school", "全校", None),
    ];
    for (client, path, staff, scope, rows) in downloads {
        let before = count(pool, "export").await;
        let response = client.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let bytes = response.bytes().await.expect("file").to_vec();
        let rows = rows.unwrap_or_else(|| {
            if path.contains(".csv") {
                csv_rows(&bytes)
            } else {
                xlsx_rows(&bytes)
            }
        });
        assert_eq!(
            count(pool, "export").await,
            before + 1,
            "{path} is logged once"
        );
        let (actor, detail, addr) = last_export(pool).await;
        assert_eq!(actor, format!("staff:{staff}"), "{path}");
        assert_eq!(addr.as_deref(), Some("127.0.0.1"), "{path}");
        assert!(
            detail.ends_with(&format!("（{scope}，{rows} 条）")),
            "{path}: {detail}"
        );
    }
    // The college's own numbers, not the whole school's.
    assert_eq!(students_of(MATH), 3);

    // A refused download is no export.
    let before = count(pool, "export").await;
    assert_eq!(math.get("/staff/security-log.csv").await.status(), 403);
    assert_eq!(app.client().get("/staff/export.csv").await.status(), 401);
    assert_eq!(count(pool, "export").await, before);
}

#[tokio::test]
async fn each_time_the_full_id_number_is_served_it_is_logged() {
    let app = TestApp::spawn().await;
    let pool = &app.state.pool;
    let id = app.student_id(STUDENT).await;
    let full = ROSTER
        .lines()
        .find(|l| l.starts_with(STUDENT))
        .and_then(|l| l.split(',').nth(4))
        .expect("fixture id number");
    let viewed = |actor: &'static str| async move {
        sqlx::query_as::<Sqlite, (Option<String>, Option<String>)>(
            "SELECT detail, client_addr FROM audit_log
             WHERE action = 'id_number_viewed' AND actor = $1 AND student_id = $2 ORDER BY id",
        )
        .bind(actor)
        .bind(id)
        .fetch_all(pool)
        .await
        .expect("rows")
    };

    let math = app.staff("math").await;
    let detail = math
        .call("review_detail", &[("student_id", &id.to_string())])
        .await
        .expect("detail");
    assert_eq!(
        detail["record"]["id_number"], full,
        "the full number is served"
    );
    let rows = viewed("staff:math").await;
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].0.as_deref().unwrap_or("").contains(MATH),
        "{rows:?}"
    );
    assert_eq!(rows[0].1.as_deref(), Some("127.0.0.1"));
    // Views are for the security log, not the student's change history on the page.
    let again = math
        .call("review_detail", &[("student_id", &id.to_string())])
        .await
        .expect("detail");
    assert!(
        !again.to_string().contains("查看完整身份证号"),
        "{}",
        again["history"]
    );
    assert_eq!(viewed("staff:math").await.len(), 2, "every time");

    // The page itself (rendered on the server) serves it too.
    let school = app.staff("school").await;
    let page = school.get(&format!("/review/{id}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(html.contains(full));
    let rows = viewed("staff:school").await;
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].0.as_deref().unwrap_or("").contains("全校"),
        "{rows:?}"
    );

    // Another college is refused and sees nothing: no view is logged.
    let cs = app.staff("cs").await;
    assert_eq!(
        cs.call("review_detail", &[("student_id", &id.to_string())])
            .await,
        Err(AppError::Forbidden)
    );
    assert!(viewed("staff:cs").await.is_empty());
}

#[tokio::test]
async fn the_xlsx_export_keeps_a_formula_as_its_text_and_the_csv_guards_it() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::spawn().await;
    sqlx::query("UPDATE students SET home_address = '=1+1' WHERE student_no = $1")
        .bind(STUDENT)
        .execute(&app.state.pool)
        .await
        .expect("a formula-like address");
    let school = app.staff("school").await;
    let response = school.get("/staff/export.xlsx").await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("xlsx").to_vec();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx workbook");
    let range = workbook.worksheet_range("生源信息").expect("the sheet");
    let mut rows = range.rows();
    let headers = rows.next().expect("headers");
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| *h == Data::String(name.to_string()))
            .expect("column")
    };
    let (no, address) = (column("学号"), column("家庭地址"));
    let row = rows
        .find(|r| r[no] == Data::String(STUDENT.to_string()))
        .expect("the student's row");
    assert_eq!(
        row[address],
        Data::String("=1+1".to_string()),
        "a string cell, as typed"
    );
    let formulas = workbook.worksheet_formula("生源信息").expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );

    let response = school.get("/staff/export.csv").await;
    let text = String::from_utf8(response.bytes().await.expect("csv").to_vec()).expect("utf-8");
    assert!(text.contains(",'=1+1,"), "the CSV keeps its guard: {text}");
}
