//! Reading an uploaded roster: `.xlsx` (calamine) or `.csv` (UTF-8, or GBK as Excel saves it on
//! Chinese Windows), into a header row and numbered rows of text for `roster::parse_rows`.

pub mod limits;

use calamine::{Data, DataRef, Reader, Xlsx};
use std::collections::BTreeMap;

/// Header and (line number, cells) rows of the first sheet / the file.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
}

/// Reads `bytes` by their content: a ZIP (xlsx) or text (csv).
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Table, String> {
    if bytes.len() > limits::MAX_FILE_BYTES {
        Err(limits::refusal(format!(
            "文件超过 {} MB",
            limits::MAX_FILE_BYTES >> 20
        )))
    } else if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再上传".to_string())
    } else if file_name.to_lowercase().ends_with(".xlsx") {
        Err("文件不是有效的 .xlsx（可能已损坏），请重新导出".to_string())
    } else {
        read_csv(bytes)
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, String> {
    limits::check_xlsx(bytes)?;
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("无法读取 Excel 文件：{e}"))?;
    let sheet = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or("Excel 文件中没有工作表")?;
    let unreadable = |e: calamine::XlsxError| format!("无法读取第一个工作表：{e}");
    let mut reader = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(unreadable)?;
    let declared = reader.dimensions();
    limits::check_position(declared.end.0, declared.end.1)?;
    // Cells one by one, each placed only after its position passed the limits (calamine's
    // `Range` would allocate the whole rectangle from the first to the far-most cell).
    let mut cells: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let (mut first_column, mut last_column) = (u32::MAX, 0);
    let mut text_bytes: u64 = 0;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, column) = cell.get_position();
        limits::check_position(row, column)?;
        let text = cell_text(&Data::from(cell.get_value().clone()));
        // Shared strings are copied into each cell that uses them.
        text_bytes += text.len() as u64;
        if text_bytes > limits::MAX_UNZIPPED_BYTES {
            return Err(limits::refusal(format!(
                "表格文字超过 {} MB",
                limits::MAX_UNZIPPED_BYTES >> 20
            )));
        }
        first_column = first_column.min(column);
        last_column = last_column.max(column);
        cells.entry(row).or_default().push((column, text));
    }
    let mut rows = cells.into_iter().map(|(row, row_cells)| {
        let mut line = vec![String::new(); (last_column - first_column + 1) as usize];
        for (column, text) in row_cells {
            line[(column - first_column) as usize] = text;
        }
        // Spreadsheet line numbers: 1-based.
        (u64::from(row) + 1, line)
    });
    let (_, headers) = rows.next().ok_or("第一个工作表是空的")?;
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}

/// A cell as the text a person sees: whole numbers without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        // Excel's serial day number: days since 1899-12-30.
        Data::DateTime(d) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(d.as_f64() as i64)))
            .map(|day| day.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table, String> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("无法读取表头：{e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    limits::check_csv_record(0, headers.len())?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("CSV 格式错误：{e}"))?;
        limits::check_csv_record(rows.len() as u64 + 1, record.len())?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, rows })
}

/// UTF-8 (BOM optional) when it is valid UTF-8, otherwise GBK (GB18030).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_is_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("学号,姓名\n2019,张三\n");
        let table = read("名单.csv", &gbk).expect("reads");
        assert_eq!(table.headers, vec!["学号", "姓名"]);
        assert_eq!(table.rows[0].1, vec!["2019", "张三"]);
        assert_eq!(table.rows[0].0, 2);
    }

    #[test]
    fn xlsx_written_by_the_export_reads_back() {
        let headers = ["学号", "身份证号", "民族代码"];
        let rows = vec![vec![
            "2019010001".to_string(),
            "430104200103150018".to_string(),
            "01".to_string(),
        ]];
        let bytes = crate::server::export::to_xlsx("名单", &headers, &rows).expect("xlsx");
        let table = read("x.xlsx", &bytes).expect("reads");
        assert_eq!(table.headers, headers);
        assert_eq!(table.rows, vec![(2, rows[0].clone())]);
    }

    #[test]
    fn old_excel_files_get_a_clear_message() {
        let err = read("a.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0])
            .err()
            .unwrap();
        assert!(err.contains(".xlsx"));
    }

    #[test]
    fn numbers_and_dates_read_as_people_see_them() {
        assert_eq!(cell_text(&Data::Float(2019010001.0)), "2019010001");
        assert_eq!(cell_text(&Data::Float(4.5)), "4.5");
        assert_eq!(cell_text(&Data::String(" 张三 ".into())), "张三");
    }
}
