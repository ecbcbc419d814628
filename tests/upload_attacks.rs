//! Hostile roster uploads (issue 13, items 3, 10, 11, 12): workbooks whose declared sizes and
//! cell references would make a reader allocate hundreds of GiB, ZIP bombs, oversized CSVs;
//! the uploaded file kept after it is used; a college's file applied with 学校's scope; imports
//! that leave no per-student trace. Each test attacks first, then checks the refusal.
//!
//! The files are built here, byte by byte: a ZIP writer that can lie about sizes, and a
//! deflate stream written by hand (a few KB that inflate to hundreds of MB).

mod common;

use common::{ROSTER, TestApp};
use shengyuan::error::AppError;

const REFUSED: &str = "导入文件过大或格式不正确：";

// ---- building files ------------------------------------------------------------------------

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

struct Entry {
    name: &'static str,
    /// 0 stored, 8 deflated.
    method: u16,
    data: Vec<u8>,
    crc: u32,
    /// The uncompressed size the ZIP claims.
    declared: u32,
}

fn stored(name: &'static str, text: &str) -> Entry {
    Entry {
        name,
        method: 0,
        data: text.as_bytes().to_vec(),
        crc: crc32(text.as_bytes()),
        declared: text.len() as u32,
    }
}

/// A ZIP archive of `entries`, local headers and central directory saying what each entry says.
fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let common = |buf: &mut Vec<u8>| {
            buf.extend(20u16.to_le_bytes()); // version needed
            buf.extend(0u16.to_le_bytes()); // flags
            buf.extend(e.method.to_le_bytes());
            buf.extend(0u16.to_le_bytes()); // time
            buf.extend(0x21u16.to_le_bytes()); // date: 1980-01-01
            buf.extend(e.crc.to_le_bytes());
            buf.extend((e.data.len() as u32).to_le_bytes());
            buf.extend(e.declared.to_le_bytes());
            buf.extend((e.name.len() as u16).to_le_bytes());
            buf.extend(0u16.to_le_bytes()); // extra field
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(e.name.as_bytes());
        out.extend(&e.data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // made by
        common(&mut central);
        central.extend(0u16.to_le_bytes()); // comment
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(e.name.as_bytes());
    }
    let directory_at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(directory_at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// Bits in deflate's order (least significant first; Huffman codes most significant first).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    fn push(&mut self, value: u64, width: u32) {
        self.acc |= value << self.count;
        self.count += width;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    fn code(&mut self, code: u64, width: u32) {
        let reversed = (0..width).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.push(reversed, width);
    }

    fn literal(&mut self, byte: u8) {
        match byte {
            0..=143 => self.code(0x30 + u64::from(byte), 8),
            _ => self.code(0x190 + u64::from(byte) - 144, 9),
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.code(0, 7); // end of block
        if self.count > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A raw deflate stream (one block, fixed codes) of `head`, `unit` `times` over, then `tail`:
/// the repeats cost 13 bits per 258 bytes.
fn deflated(head: &str, unit: &str, times: u64, tail: &str) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.push(1, 1); // last block
    bits.push(1, 2); // fixed Huffman codes
    for b in head.bytes().chain(unit.bytes()) {
        bits.literal(b);
    }
    let unit = unit.as_bytes();
    let mut left = (times - 1) * unit.len() as u64;
    let mut at = 0u64;
    while left >= 258 {
        bits.code(0xC5, 8); // length 258 (code 285)
        // The distance, one unit back: 1..=4 are codes 0..=3; 5 is code 4 with extra bit 0.
        match unit.len() {
            d @ 1..=4 => bits.code(d as u64 - 1, 5),
            5 => {
                bits.code(4, 5);
                bits.push(0, 1);
            }
            d => panic!("no distance code for {d} here"),
        }
        left -= 258;
        at += 258;
    }
    for _ in 0..left {
        bits.literal(unit[(at % unit.len() as u64) as usize]);
        at += 1;
    }
    for b in tail.bytes() {
        bits.literal(b);
    }
    bits.finish()
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// The parts of a one-sheet workbook around `sheet` (and `shared` strings, if any).
fn workbook_parts(sheet: Entry, shared: Option<Entry>) -> Vec<Entry> {
    let strings_rel = if shared.is_some() {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    } else {
        ""
    };
    let mut parts = vec![
        stored(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        stored(
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        stored(
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        Entry {
            name: "xl/_rels/workbook.xml.rels",
            ..stored(
                "",
                &format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{strings_rel}</Relationships>"#
                ),
            )
        },
        sheet,
    ];
    parts.extend(shared);
    parts
}

fn sheet(body: &str) -> Entry {
    Entry {
        name: "xl/worksheets/sheet1.xml",
        ..stored("", &format!("{SHEET_HEAD}{body}</worksheet>"))
    }
}

fn inline(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The fixture's header and its first student as sheet rows with inline strings.
fn roster_rows() -> String {
    let mut rows = String::new();
    for (r, line) in ROSTER.lines().take(2).enumerate() {
        rows.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, value) in line.split(',').enumerate() {
            let column = (b'A' + c as u8) as char;
            rows.push_str(&inline(&format!("{column}{}", r + 1), value));
        }
        rows.push_str("</row>");
    }
    rows
}

// ---- uploading -----------------------------------------------------------------------------

enum Answer {
    /// Stored, with the preview's id.
    Stored(i64),
    /// Sent back to the upload page with this message.
    Refused(String),
}

async fn send(client: &common::Client, file_name: &str, bytes: Vec<u8>) -> Answer {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string());
    let response = client
        .http
        .post(format!("{}/staff/import/upload", client.base))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    if let Some(message) = location.strip_prefix("/staff/import?error=") {
        return Answer::Refused(shengyuan::api::review::percent_decode(message));
    }
    Answer::Stored(
        location
            .strip_prefix("/staff/import/")
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("unexpected location {location}")),
    )
}

/// Uploads a file that must be refused; returns the message. Nothing is stored, and the server
/// still answers.
async fn refused(app: &TestApp, file_name: &str, bytes: Vec<u8>) -> String {
    let counselor = app.staff("math").await;
    let message = match send(&counselor, file_name, bytes).await {
        Answer::Refused(message) => message,
        Answer::Stored(id) => panic!("upload {id} was accepted"),
    };
    assert!(message.starts_with(REFUSED), "{message}");
    assert_eq!(upload_count(app).await, 0, "a refused file is not kept");
    counselor
        .call("load_dashboard", &[])
        .await
        .expect("the server is still up");
    message
}

async fn stored_upload(client: &common::Client, file_name: &str, bytes: Vec<u8>) -> i64 {
    match send(client, file_name, bytes).await {
        Answer::Stored(id) => id,
        Answer::Refused(message) => panic!("refused: {message}"),
    }
}

async fn upload_count(app: &TestApp) -> i64 {
    sqlx::query_scalar::<sqlx::Sqlite, i64>("SELECT COUNT(*) FROM uploads")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn has_content(app: &TestApp, id: i64) -> bool {
    sqlx::query_scalar::<sqlx::Sqlite, bool>(
        "SELECT content IS NOT NULL FROM uploads WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.pool)
    .await
    .unwrap()
}

async fn preview(client: &common::Client, id: i64) -> serde_json::Value {
    client
        .call("import_preview", &[("upload_id", &id.to_string())])
        .await
        .expect("preview")
}

// ---- item 3: files that would exhaust memory -----------------------------------------------

#[tokio::test]
async fn a_cell_at_xfd1048576_is_refused_before_anything_is_allocated() {
    let app = TestApp::spawn().await;
    // Built like the attacks but within the limits, a workbook is read (so what is refused
    // below is refused for its sizes, not for how it was built).
    let counselor = app.staff("math").await;
    let fine = zip(&workbook_parts(
        sheet(&format!(
            r#"<dimension ref="A1:X2"/><sheetData>{}</sheetData>"#,
            roster_rows()
        )),
        None,
    ));
    let id = stored_upload(&counselor, "名单.xlsx", fine).await;
    let p = preview(&counselor, id).await;
    assert_eq!(p["unchanged_count"], 1, "the fixture's first student: {p}");
    sqlx::query("DELETE FROM uploads")
        .execute(&app.state.pool)
        .await
        .unwrap();

    // The header at A1 and one cell at the sheet's last: a reader's rectangle from A1 to
    // XFD1048576 is 17 × 10⁹ cells (549,755,813,888 bytes).
    let far = zip(&workbook_parts(
        sheet(&format!(
            "<sheetData><row r=\"1\">{}</row><row r=\"1048576\">{}</row></sheetData>",
            inline("A1", "学号"),
            inline("XFD1048576", "x")
        )),
        None,
    ));
    let message = refused(&app, "far.xlsx", far).await;
    assert!(message.contains("1048576"), "{message}");

    // The declared dimension alone.
    let declared = zip(&workbook_parts(
        sheet(&format!(
            r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row></sheetData>"#,
            inline("A1", "学号")
        )),
        None,
    ));
    let message = refused(&app, "dimension.xlsx", declared).await;
    assert!(message.contains("A1:XFD1048576"), "{message}");

    // Cells without references, placed one after another: the 201st column.
    let cells: String = (0..201)
        .map(|_| r#"<c t="inlineStr"><is><t>x</t></is></c>"#)
        .collect();
    let wide = zip(&workbook_parts(
        sheet(&format!("<sheetData><row>{cells}</row></sheetData>")),
        None,
    ));
    let message = refused(&app, "wide.xlsx", wide).await;
    assert!(message.contains("GS1"), "the 201st column is GS: {message}");

    // A reference too long for any counter.
    let overflow = zip(&workbook_parts(
        sheet(&format!(
            "<sheetData><row>{}</row></sheetData>",
            inline("A99999999999", "x")
        )),
        None,
    ));
    refused(&app, "overflow.xlsx", overflow).await;
}

#[tokio::test]
async fn a_shared_string_table_claiming_10_to_the_12_strings_is_refused() {
    let app = TestApp::spawn().await;
    let strings = Entry {
        name: "xl/sharedStrings.xml",
        ..stored(
            "",
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>学号</t></si></sst>"#,
        )
    };
    let bytes = zip(&workbook_parts(
        sheet(r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#),
        Some(strings),
    ));
    assert!(bytes.len() < 4_000, "a file of {} bytes", bytes.len());
    let message = refused(&app, "strings.xlsx", bytes).await;
    assert!(message.contains("count"), "{message}");

    // Strings really present (each an object in the reader) are counted too: 20,000,201 of
    // them, 100 MB inflated.
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;
    let times = 20_000_201u64;
    let many = Entry {
        name: "xl/sharedStrings.xml",
        method: 8,
        data: deflated(head, "<si/>", times, "</sst>"),
        crc: 0,
        declared: (head.len() as u64 + 5 * times + 6) as u32,
    };
    let bytes = zip(&workbook_parts(
        sheet(r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#),
        Some(many),
    ));
    assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
    let message = refused(&app, "many.xlsx", bytes).await;
    assert!(message.contains("共享字符串数量"), "{message}");
}

#[tokio::test]
async fn fonts_copied_into_every_cell_format_are_bounded() {
    let app = TestApp::spawn().await;
    // calamine copies a format's font into the format: a 100 KB font name in 1,000 formats is
    // 100 MB (and 1 MB in 65,000 would be 65 GB) from a 0.1 MB file.
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><name val="{}"/></font></fonts><cellXfs count="1000">{}</cellXfs></styleSheet>"#,
        "a".repeat(100_000),
        r#"<xf fontId="0"/>"#.repeat(1_000)
    );
    let mut parts = workbook_parts(
        sheet(&format!(
            "<sheetData><row>{}</row></sheetData>",
            inline("A1", "学号")
        )),
        None,
    );
    parts.push(Entry {
        name: "xl/styles.xml",
        ..stored("", &styles)
    });
    let message = refused(&app, "styles.xlsx", zip(&parts)).await;
    assert!(message.contains("样式过大"), "{message}");
}

#[tokio::test]
async fn zip_bombs_are_refused_whether_they_admit_their_size_or_not() {
    let app = TestApp::spawn().await;
    let spaces: u64 = 201 * 1024 * 1024;
    let bomb = deflated(SHEET_HEAD, " ", spaces, "<sheetData/></worksheet>");
    assert!(bomb.len() < 2 * 1024 * 1024, "{} bytes", bomb.len());
    let inflated = SHEET_HEAD.len() as u64 + spaces + 24;

    // Honest: the directory says 201 MB.
    let honest = zip(&workbook_parts(
        Entry {
            name: "xl/worksheets/sheet1.xml",
            method: 8,
            data: bomb.clone(),
            crc: 0,
            declared: inflated as u32,
        },
        None,
    ));
    let message = refused(&app, "bomb.xlsx", honest).await;
    assert!(message.contains("解压后超过 200 MB"), "{message}");

    // Lying: the directory says 1 KB.
    let lying = zip(&workbook_parts(
        Entry {
            name: "xl/worksheets/sheet1.xml",
            method: 8,
            data: bomb,
            crc: 0,
            declared: 1024,
        },
        None,
    ));
    refused(&app, "lying.xlsx", lying).await;
}

#[tokio::test]
async fn csv_files_get_the_same_row_and_column_limits() {
    let app = TestApp::spawn().await;
    let header = ROSTER.lines().next().unwrap();
    let mut long = format!("{header}\n");
    for i in 0..100_001 {
        long.push_str(&format!("{i}\n"));
    }
    let message = refused(&app, "long.csv", long.into_bytes()).await;
    assert!(message.contains("100000"), "{message}");

    let wide = format!("{header}{}\n1\n", ",x".repeat(200));
    let message = refused(&app, "wide.csv", wide.into_bytes()).await;
    assert!(message.contains("200 列"), "{message}");
}

// ---- item 3 and 11: the preview is stored, the file is not kept ----------------------------

#[tokio::test]
async fn the_preview_is_stored_and_the_file_goes_once_confirmed_or_discarded() {
    let app = TestApp::spawn().await;
    let school = app.staff("school").await;
    let edited = ROSTER.replacen("12345678\n", "87654321\n", 1);
    let id = stored_upload(&school, "名单.csv", edited.clone().into_bytes()).await;
    let first = preview(&school, id).await;
    assert_eq!(first["changed_count"], 1);

    // The preview is the one worked out at upload: replacing the stored file changes nothing
    // (a preview that read the file again would now find no columns).
    sqlx::query("UPDATE uploads SET content = $2 WHERE id = $1")
        .bind(id)
        .bind(b"not a roster".to_vec())
        .execute(&app.state.pool)
        .await
        .unwrap();
    let again = preview(&school, id).await;
    assert_eq!(again, first, "the stored preview, unchanged");

    // 放弃: the file is gone, the preview still shows what it held, nothing can be imported.
    school
        .call("import_discard", &[("upload_id", &id.to_string())])
        .await
        .expect("discarded");
    assert!(!has_content(&app, id).await, "the file is deleted");
    let gone = preview(&school, id).await;
    assert_eq!(gone["discarded"], true);
    assert_eq!(gone["changed_count"], 1);
    let confirm = school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await;
    assert!(matches!(confirm, Err(AppError::Rejected(_))), "{confirm:?}");
    assert_eq!(app.school_value("2019010001", "qq").await, "12345678");

    // Confirmed: imported, and the file is deleted too.
    let id = stored_upload(&school, "名单.csv", edited.into_bytes()).await;
    assert!(has_content(&app, id).await);
    school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await
        .expect("confirmed");
    assert!(!has_content(&app, id).await, "the file is deleted");
    let done = preview(&school, id).await;
    assert!(
        done["applied"].as_str().unwrap().contains("更新 1 人"),
        "{done}"
    );
    assert_eq!(app.school_value("2019010001", "qq").await, "87654321");
    let id_numbers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM uploads WHERE content IS NOT NULL")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(
        id_numbers, 0,
        "no roster (and no 身份证号) is left in uploads"
    );
}

#[tokio::test]
async fn unconfirmed_files_are_deleted_after_24_hours() {
    let app = TestApp::spawn().await;
    let counselor = app.staff("math").await;
    let old = stored_upload(&counselor, "名单.csv", ROSTER.as_bytes().to_vec()).await;
    let recent = stored_upload(&counselor, "名单.csv", ROSTER.as_bytes().to_vec()).await;
    let day_ago = (chrono::Utc::now() - chrono::Duration::hours(25))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    sqlx::query("UPDATE uploads SET created_at = $2 WHERE id = $1")
        .bind(old)
        .bind(day_ago)
        .execute(&app.state.pool)
        .await
        .unwrap();
    // Any visit purges: the old file goes, the recent one stays.
    let p = preview(&counselor, recent).await;
    assert_eq!(p["discarded"], false);
    assert!(!has_content(&app, old).await, "25 hours old: deleted");
    assert!(has_content(&app, recent).await);
    assert_eq!(preview(&counselor, old).await["discarded"], true);
    let late = counselor
        .call("import_confirm", &[("upload_id", &old.to_string())])
        .await;
    assert!(
        matches!(late, Err(AppError::Rejected(ref m)) if m.contains("24 小时")),
        "{late:?}"
    );
}

// ---- item 12: the uploader's scope, whoever confirms ---------------------------------------

#[tokio::test]
async fn school_confirming_a_college_file_imports_only_that_college() {
    let app = TestApp::spawn().await;
    // A math counselor's file that also changes a 计算机 student (2019020001, QQ 23456789).
    let edited =
        ROSTER
            .replacen("12345678\n", "87654321\n", 1)
            .replacen("23456789\n", "99999999\n", 1);
    let counselor = app.staff("math").await;
    let id = stored_upload(&counselor, "名单.csv", edited.into_bytes()).await;
    let p = preview(&counselor, id).await;
    assert_eq!(p["scope"], "数学与计算科学学院");
    assert_eq!(p["changed_count"], 1, "{p}");

    let school = app.staff("school").await;
    let seen = preview(&school, id).await;
    assert_eq!(
        seen["scope"], "数学与计算科学学院",
        "学校 sees the uploader's scope"
    );
    let summary = school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await
        .expect("confirmed");
    assert!(summary.as_str().unwrap().contains("更新 1 人"), "{summary}");
    assert_eq!(app.school_value("2019010001", "qq").await, "87654321");
    assert_eq!(
        app.school_value("2019020001", "qq").await,
        "23456789",
        "the other college's student is untouched"
    );
}

// ---- item 10: uploads and imports in the audit log -----------------------------------------

#[tokio::test]
async fn uploads_imports_and_discards_are_logged_per_student() {
    let app = TestApp::spawn().await;
    let counselor = app.staff("math").await;
    let edited = ROSTER.replacen("12345678\n", "87654321\n", 1);
    let id = stored_upload(&counselor, "数学名单.csv", edited.clone().into_bytes()).await;
    let rows = ROSTER.lines().count() - 1;

    let row = |action: &'static str| {
        let pool = app.state.pool.clone();
        async move {
            sqlx::query_as::<sqlx::Sqlite, (String, Option<String>, Option<String>)>(
                "SELECT actor, client_addr, detail FROM audit_log WHERE action = $1
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(action)
            .fetch_optional(&pool)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no {action} row"))
        }
    };
    let (actor, addr, detail) = row("upload_roster").await;
    assert_eq!(actor, "staff:math");
    assert_eq!(addr.as_deref(), Some("127.0.0.1"));
    let detail = detail.unwrap();
    assert!(
        detail.contains("数学名单.csv") && detail.contains(&format!("{rows} 行")),
        "{detail}"
    );

    // 学校 confirms: the summary row names who, from where, in which scope.
    let unchanged_before = app.audit_count("2019010002", "import_roster").await;
    let school = app.staff("school").await;
    school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await
        .expect("confirmed");
    let (actor, addr, detail) = row("import_roster").await;
    assert_eq!(actor, "staff:school");
    assert_eq!(addr.as_deref(), Some("127.0.0.1"));
    let detail = detail.unwrap();
    assert!(
        detail.contains("数学与计算科学学院") && detail.contains("更新 1 人"),
        "{detail}"
    );
    // And one row per changed field of each student, beside the student.
    let student = app.student_id("2019010001").await;
    let change = sqlx::query_as::<sqlx::Sqlite, (String, String, String, Option<String>)>(
        "SELECT actor, old_value, new_value, client_addr FROM audit_log
         WHERE action = 'import_roster' AND student_id = $1 AND field = 'qq'",
    )
    .bind(student)
    .fetch_one(&app.state.pool)
    .await
    .expect("the student's change is logged");
    assert_eq!(
        change,
        (
            "staff:school".to_string(),
            "12345678".to_string(),
            "87654321".to_string(),
            Some("127.0.0.1".to_string())
        )
    );
    assert_eq!(
        app.audit_count("2019010002", "import_roster").await,
        unchanged_before,
        "an unchanged student gets no row"
    );

    // A new student is logged as added; a discarded upload is logged with its row count.
    let mut added = ROSTER.lines().next().unwrap().to_string();
    let template = ROSTER.lines().nth(1).unwrap();
    let mut cells: Vec<&str> = template.split(',').collect();
    cells[0] = "2019010099";
    added = format!("{added}\n{}\n", cells.join(","));
    let id = stored_upload(&school, "新增.csv", added.clone().into_bytes()).await;
    school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await
        .expect("confirmed");
    assert_eq!(app.audit_count("2019010099", "import_roster").await, 1);

    let id = stored_upload(&counselor, "放弃.csv", added.into_bytes()).await;
    counselor
        .call("import_discard", &[("upload_id", &id.to_string())])
        .await
        .expect("discarded");
    let (actor, addr, detail) = row("discard_upload").await;
    assert_eq!(actor, "staff:math");
    assert_eq!(addr.as_deref(), Some("127.0.0.1"));
    let detail = detail.unwrap();
    assert!(
        detail.contains("放弃.csv")
            && detail.contains("1 行")
            && detail.contains("数学与计算科学学院"),
        "{detail}"
    );
}

// ---- figures -------------------------------------------------------------------------------

/// The process's peak resident memory since the last reset, in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn reset_peak() {
    // Linux: "5" resets VmHWM to the current resident size.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Time and peak memory of a 100,000-student upload, its first preview and a second one.
/// `cargo test --release --test upload_attacks -- --ignored --nocapture figures`
#[tokio::test]
#[ignore]
async fn figures_of_a_100000_row_preview() {
    let app = TestApp::spawn().await;
    let (headers, rows) = shengyuan::server::demo::generate(&app.state.divisions, 100_000, 13);
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let bytes = shengyuan::server::export::to_xlsx("名单", &header_refs, &rows).unwrap();
    drop(rows);
    let school = app.staff("school").await;
    reset_peak();
    let base = peak_mib();
    let started = std::time::Instant::now();
    let size = bytes.len();
    let id = stored_upload(&school, "十万.xlsx", bytes).await;
    let upload = started.elapsed();
    let upload_peak = peak_mib();
    let started = std::time::Instant::now();
    let first = preview(&school, id).await;
    let first_time = started.elapsed();
    let started = std::time::Instant::now();
    let second = preview(&school, id).await;
    let second_time = started.elapsed();
    assert_eq!(first, second);
    let count = |k: &str| first[k].as_u64().unwrap_or(0);
    assert_eq!(
        count("added_count")
            + count("changed_count")
            + count("unchanged_count")
            + count("refused_count"),
        100_000
    );
    let preview_peak = peak_mib();
    let started = std::time::Instant::now();
    school
        .call("import_confirm", &[("upload_id", &id.to_string())])
        .await
        .expect("confirmed");
    println!(
        "100,000-row .xlsx ({:.1} MB): upload {:.2} s; first preview {:.3} s; second preview \
         {:.3} s; confirm {:.2} s; resident memory {base:.0} MiB before, peak {upload_peak:.0} MiB \
         during the upload, {preview_peak:.0} MiB after both previews, {:.0} MiB after the confirm",
        size as f64 / 1e6,
        upload.as_secs_f64(),
        first_time.as_secs_f64(),
        second_time.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        peak_mib(),
    );
}
