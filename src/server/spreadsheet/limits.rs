//! How large an uploaded roster may be, checked before any reader allocates for it.
//!
//! An `.xlsx` is a ZIP of XML, and everything in it is a claim: the sizes in the ZIP directory,
//! the sheet's `<dimension>`, each cell's reference, the shared strings' `count`/`uniqueCount`.
//! A reader that believes them reserves memory for a 1,048,576 × 16,384 sheet or 10¹² strings
//! (and the process aborts). So the archive is inflated once here, against a byte budget, with
//! a streaming XML reader that allocates nothing per element, and every such claim is held to
//! the limits below before calamine opens the file.

use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, BufReader, Cursor, Read};

/// The largest file accepted (20,000 students as `.xlsx` are about 2 MB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most an `.xlsx` may hold once inflated, all parts together.
pub const MAX_UNZIPPED_BYTES: u64 = 200 * 1024 * 1024;
/// Students in one file (rows below the header).
pub const MAX_ROWS: u32 = 100_000;
pub const MAX_COLUMNS: u32 = 200;
/// A sheet cannot use more distinct strings than it has cells.
const MAX_STRINGS: u64 = (MAX_ROWS as u64 + 1) * MAX_COLUMNS as u64;
/// Style records (cell formats, fonts, fills, borders, number formats) and relationships, each:
/// Excel itself stops at 64,000 cell formats.
const MAX_RECORDS: u64 = 65_536;
const MAX_ENTRIES: usize = 10_000;
/// Bytes of fonts, fills and borders copied into cell formats (a real workbook: tens of KB).
const MAX_STYLE_COPIES: u64 = 64 * 1024 * 1024;

/// The message for a file refused by a limit or for a broken structure.
pub fn refusal(reason: impl std::fmt::Display) -> String {
    format!("导入文件过大或格式不正确：{reason}")
}

fn limits_text() -> String {
    format!("最多 {MAX_ROWS} 行学生（另加表头一行）、{MAX_COLUMNS} 列")
}

/// A cell position (0-based row and column, as calamine reports it) inside the limits: the
/// header row plus `MAX_ROWS`, and `MAX_COLUMNS`.
pub fn check_position(row: u32, column: u32) -> Result<(), String> {
    if row > MAX_ROWS || column >= MAX_COLUMNS {
        return Err(refusal(format!(
            "单元格 {} 超出范围（{}）",
            cell_name(row, column),
            limits_text()
        )));
    }
    Ok(())
}

/// A CSV's record count (without the header) and width.
pub fn check_csv_record(data_rows: u64, width: usize) -> Result<(), String> {
    if data_rows > u64::from(MAX_ROWS) {
        return Err(refusal(format!("超过 {MAX_ROWS} 行学生")));
    }
    if width > MAX_COLUMNS as usize {
        return Err(refusal(format!(
            "第 {} 行有 {width} 列，最多 {MAX_COLUMNS} 列",
            data_rows + 1
        )));
    }
    Ok(())
}

/// `A1`-style name of a 0-based position.
fn cell_name(row: u32, column: u32) -> String {
    let mut letters = Vec::new();
    let mut n = column + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        u64::from(row) + 1
    )
}

/// Checks an `.xlsx` before it is read: the ZIP's declared sizes, then every part inflated
/// against the byte budget (a ZIP can lie about sizes), with each part's XML scanned for
/// dimensions, cell and row references, string counts and record counts.
pub fn check_xlsx(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(refusal(format!("文件超过 {} MB", MAX_FILE_BYTES >> 20)));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refusal(format!("不是有效的 .xlsx 文件（{e}）")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refusal(format!("压缩包内文件过多（{} 个）", zip.len())));
    }
    let too_big = || refusal(format!("解压后超过 {} MB", MAX_UNZIPPED_BYTES >> 20));
    // What each part claims first: nothing is inflated for a file that admits it is too big.
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| refusal(format!("压缩包已损坏（{e}）")))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNZIPPED_BYTES {
        return Err(too_big());
    }
    let mut budget = MAX_UNZIPPED_BYTES;
    let mut records = Records::default();
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| refusal(format!("压缩包已损坏（{e}）")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut part = BufReader::new(Capped {
            inner: entry,
            left: budget,
            over: false,
        });
        let scanned = scan_part(&mut part, &name, &mut records);
        if part.get_ref().over {
            return Err(too_big());
        }
        scanned?;
        // The rest of a part that is not XML is still inflated, to count its bytes.
        let drained = std::io::copy(&mut part, &mut std::io::sink());
        if part.get_ref().over {
            return Err(too_big());
        }
        drained.map_err(|e| refusal(format!("{name} 已损坏（{e}）")))?;
        budget = part.get_ref().left;
    }
    Ok(())
}

/// A part's reader that fails once more than `left` bytes come out of it.
struct Capped<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                self.over = true;
                return Err(std::io::Error::other("over the byte budget"));
            }
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..want])?;
        self.left -= got as u64;
        Ok(got)
    }
}

/// Counts of the elements a reader keeps one object for, over the whole workbook.
#[derive(Default)]
struct Records {
    strings: u64,
    styles: u64,
    relationships: u64,
}

/// Streams one part as XML (with calamine's reader settings, so both see the same events).
fn scan_part<R: BufRead>(part: R, name: &str, records: &mut Records) -> Result<(), String> {
    let mut xml = quick_xml::Reader::from_reader(part);
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let lower = name.to_ascii_lowercase();
    let meant_as_xml = lower.ends_with(".xml") || lower.ends_with(".rels");
    let mut buf = Vec::with_capacity(1024);
    // calamine copies the font, fill and border a cell format names into each format: their
    // size times the number of formats is what it allocates.
    let mut formats: u64 = 0;
    let mut largest_style: u64 = 0;
    let mut style_open: Option<u64> = None;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                check_element(&e, records)?;
                match e.local_name().as_ref() {
                    "xf" => formats += 1,
                    "font" | "fill" | "border" if style_open.is_none() => {
                        style_open = Some(xml.buffer_position())
                    }
                    _ => {}
                }
            }
            Ok(Event::End(e)) if matches!(e.local_name().as_ref(), "font" | "fill" | "border") => {
                if let Some(start) = style_open.take() {
                    largest_style = largest_style.max(xml.buffer_position().saturating_sub(start));
                }
                if formats.saturating_mul(largest_style) > MAX_STYLE_COPIES {
                    return Err(refusal(format!("{name} 中的样式过大")));
                }
            }
            Ok(Event::Eof) => {
                if formats.saturating_mul(largest_style) > MAX_STYLE_COPIES {
                    return Err(refusal(format!("{name} 中的样式过大")));
                }
                return Ok(());
            }
            Ok(_) => {}
            // A picture or a binary part is not XML; an XML part that does not parse stops
            // calamine at the same event, but is refused here rather than guessed about.
            Err(_) if !meant_as_xml => return Ok(()),
            Err(e) => return Err(refusal(format!("{name} 不是有效的 XML（{e}）"))),
        }
    }
}

fn check_element(e: &BytesStart, records: &mut Records) -> Result<(), String> {
    let over =
        |what: &str, n: u64, max: u64| Err(refusal(format!("{what}数量 {n} 超过上限 {max}")));
    match e.local_name().as_ref() {
        "dimension" => {
            for range in attr_values(e, "ref")? {
                for cell in range.split(':') {
                    let (row, column) = reference(cell, true)
                        .ok_or_else(|| refusal("工作表范围（dimension）无法识别"))?;
                    check_position(row, column.unwrap_or(0)).map_err(|_| {
                        refusal(format!(
                            "工作表声明的范围 {} 超出上限（{}）",
                            range,
                            limits_text()
                        ))
                    })?;
                }
            }
        }
        "row" => {
            for r in attr_values(e, "r")? {
                let (row, _) = reference(&r, false).ok_or_else(|| refusal("行号无法识别"))?;
                if row > MAX_ROWS {
                    return Err(refusal(format!(
                        "第 {} 行超出范围（{}）",
                        u64::from(row) + 1,
                        limits_text()
                    )));
                }
            }
        }
        "c" => {
            for r in attr_values(e, "r")? {
                let (row, column) =
                    reference(&r, true).ok_or_else(|| refusal("单元格位置无法识别"))?;
                check_position(row, column.unwrap_or(0))?;
            }
        }
        "sst" => {
            for key in ["count", "uniqueCount"] {
                for value in attr_values(e, key)? {
                    let n = value
                        .trim()
                        .parse::<u64>()
                        .ok()
                        .ok_or_else(|| refusal("共享字符串数量无法识别"))?;
                    if n > MAX_STRINGS {
                        return over(&format!("共享字符串声明的{key}"), n, MAX_STRINGS);
                    }
                }
            }
        }
        "si" => {
            records.strings += 1;
            if records.strings > MAX_STRINGS {
                return over("共享字符串", records.strings, MAX_STRINGS);
            }
        }
        "xf" | "font" | "fill" | "border" | "numFmt" => {
            records.styles += 1;
            if records.styles > MAX_RECORDS {
                return over("样式记录", records.styles, MAX_RECORDS);
            }
        }
        "Relationship" => {
            records.relationships += 1;
            if records.relationships > MAX_RECORDS {
                return over("关系记录", records.relationships, MAX_RECORDS);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every value of the attribute `key` (a repeated attribute is checked in each of its copies).
fn attr_values(e: &BytesStart, key: &str) -> Result<Vec<String>, String> {
    let mut values = Vec::new();
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|err| refusal(format!("XML 属性无法识别（{err}）")))?;
        if attr.key.as_ref() == key {
            values.push(attr.value.into_owned());
        }
    }
    Ok(values)
}

/// `XFD1048576` → (1048575, Some(16383)): 0-based row and column, with checked arithmetic (a
/// reference too large for a u32 is `None`, as is one without a row or, if `column_required`,
/// a column).
fn reference(text: &str, column_required: bool) -> Option<(u32, Option<u32>)> {
    let text = text.as_bytes();
    let letters = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col_part, row_part) = text.split_at(letters);
    if row_part.is_empty() || !row_part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut column: u32 = 0;
    for b in col_part {
        column = column
            .checked_mul(26)?
            .checked_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)?;
    }
    let mut row: u32 = 0;
    for b in row_part {
        row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    let row = row.checked_sub(1)?;
    let column = column.checked_sub(1);
    if column_required && column.is_none() {
        return None;
    }
    Some((row, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_like_calamine_and_never_overflow() {
        assert_eq!(reference("A1", true), Some((0, Some(0))));
        assert_eq!(
            reference("XFD1048576", true),
            Some((1_048_575, Some(16_383)))
        );
        assert_eq!(reference("gr100001", true), Some((100_000, Some(199))));
        assert_eq!(reference("5", false), Some((4, None)));
        assert_eq!(reference("5", true), None);
        assert_eq!(reference("A99999999999", true), None);
        assert_eq!(reference("A0", true), None);
        assert_eq!(reference("A1B", true), None);
    }

    #[test]
    fn limits_hold_at_their_edges() {
        assert!(check_position(MAX_ROWS, MAX_COLUMNS - 1).is_ok());
        let err = check_position(MAX_ROWS + 1, 0).unwrap_err();
        assert!(
            err.starts_with("导入文件过大或格式不正确：单元格 A100002"),
            "{err}"
        );
        assert!(check_position(0, MAX_COLUMNS).is_err());
        assert_eq!(cell_name(0, 16_383), "XFD1");
        assert!(check_csv_record(u64::from(MAX_ROWS), 200).is_ok());
        assert!(check_csv_record(u64::from(MAX_ROWS) + 1, 1).is_err());
        assert!(check_csv_record(1, 201).is_err());
    }
}
