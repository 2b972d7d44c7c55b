//! Export of the documents, quotes and figures tables for data teams: Parquet (one file per
//! table, Snappy-compressed, row groups of 64k rows, dates typed as DATE) or CSV (plain
//! numbers, dates as YYYY-MM-DD, optionally with a byte-order mark for Excel). Speaker
//! identities are resolved to their canonical names. The columns are listed in
//! docs/store.md.

use crate::Result;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::path::Path;
use std::sync::Arc;

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    I64,
    F64,
    Str,
    /// a `YYYY-MM-DD` text, as a Parquet DATE (days since 1970-01-01)
    Date,
}

struct Table {
    name: &'static str,
    sql: &'static str,
    /// (column, type, required)
    cols: &'static [(&'static str, Ty, bool)],
}

const DOCUMENTS: Table = Table {
    name: "documents",
    sql: "SELECT id, title, date, url, outlet, bytes, n_quotes, n_figures, hash
          FROM documents ORDER BY id",
    cols: &[
        ("id", Ty::Str, true),
        ("title", Ty::Str, false),
        ("date", Ty::Date, false),
        ("url", Ty::Str, false),
        ("outlet", Ty::Str, false),
        ("bytes", Ty::I64, true),
        ("n_quotes", Ty::I64, true),
        ("n_figures", Ty::I64, true),
        ("hash", Ty::Str, true),
    ],
};

const QUOTES: Table = Table {
    name: "quotes",
    sql: "SELECT q.id, q.doc_id, q.seq, q.kind, q.text, q.start, q.\"end\", q.speaker_id,
                 coalesce(s.name, q.speaker_name), q.speaker_kind, q.via, q.role, q.affiliation,
                 q.cue, q.cue_lemma, q.date, q.outlet
          FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id ORDER BY q.id",
    cols: &[
        ("id", Ty::I64, true),
        ("doc_id", Ty::Str, true),
        ("seq", Ty::I64, true),
        ("kind", Ty::Str, true),
        ("text", Ty::Str, true),
        ("start", Ty::I64, true),
        ("end", Ty::I64, true),
        ("speaker_id", Ty::I64, false),
        ("speaker", Ty::Str, false),
        ("speaker_kind", Ty::Str, false),
        ("via", Ty::Str, false),
        ("role", Ty::Str, false),
        ("affiliation", Ty::Str, false),
        ("cue", Ty::Str, false),
        ("cue_lemma", Ty::Str, false),
        ("date", Ty::Date, false),
        ("outlet", Ty::Str, false),
    ],
};

const FIGURES: Table = Table {
    name: "figures",
    sql: "SELECT f.id, f.doc_id, f.seq, f.text, f.start, f.\"end\", f.value, f.low, f.high,
                 f.qualifier, f.unit, f.category, f.what, f.source, f.source_speaker_id,
                 s.name, f.when_text, f.date, f.date_from, f.period, f.place, f.part_of, f.outlet
          FROM figures f LEFT JOIN speakers s ON s.id = f.source_speaker_id ORDER BY f.id",
    cols: &[
        ("id", Ty::I64, true),
        ("doc_id", Ty::Str, true),
        ("seq", Ty::I64, true),
        ("text", Ty::Str, true),
        ("start", Ty::I64, true),
        ("end", Ty::I64, true),
        ("value", Ty::F64, false),
        ("low", Ty::F64, false),
        ("high", Ty::F64, false),
        ("qualifier", Ty::Str, true),
        ("unit", Ty::Str, false),
        ("category", Ty::Str, true),
        ("what", Ty::Str, false),
        ("source", Ty::Str, false),
        ("source_speaker_id", Ty::I64, false),
        ("source_speaker", Ty::Str, false),
        ("when_text", Ty::Str, false),
        ("date", Ty::Date, false),
        ("date_from", Ty::Str, false),
        ("period", Ty::Str, false),
        ("place", Ty::Str, false),
        ("part_of", Ty::I64, false),
        ("outlet", Ty::Str, false),
    ],
};

const ROW_GROUP: usize = 65_536;

/// Days since 1970-01-01 of a `YYYY-MM-DD` text.
fn days(s: &[u8]) -> Option<i32> {
    let s = std::str::from_utf8(s).ok()?;
    let y: i64 = s.get(..4)?.parse().ok()?;
    let m: i64 = s.get(5..7)?.parse().ok()?;
    let d: i64 = s.get(8..10)?.parse().ok()?;
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    i32::try_from(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468).ok()
}

#[derive(Default)]
struct Column {
    dates: Vec<i32>,
    ints: Vec<i64>,
    floats: Vec<f64>,
    strs: Vec<ByteArray>,
    def: Vec<i16>,
}

fn message(t: &Table) -> String {
    let mut m = format!("message {} {{\n", t.name);
    for (name, ty, req) in t.cols {
        let rep = if *req { "required" } else { "optional" };
        let (ty, ann) = match ty {
            Ty::I64 => ("int64", ""),
            Ty::F64 => ("double", ""),
            Ty::Str => ("binary", " (UTF8)"),
            Ty::Date => ("int32", " (DATE)"),
        };
        m.push_str(&format!("  {rep} {ty} {name}{ann};\n"));
    }
    m.push('}');
    m
}

fn flush(
    w: &mut SerializedFileWriter<std::fs::File>,
    t: &Table,
    cols: &mut [Column],
) -> Result<()> {
    if cols.first().is_none_or(|c| c.def.is_empty()) {
        return Ok(());
    }
    let mut rg = w.next_row_group()?;
    let mut k = 0;
    while let Some(mut cw) = rg.next_column()? {
        let (_, ty, req) = t.cols[k];
        let c = &mut cols[k];
        let def = if req { None } else { Some(c.def.as_slice()) };
        match ty {
            Ty::I64 => {
                cw.typed::<Int64Type>().write_batch(&c.ints, def, None)?;
            }
            Ty::F64 => {
                cw.typed::<DoubleType>().write_batch(&c.floats, def, None)?;
            }
            Ty::Str => {
                cw.typed::<ByteArrayType>()
                    .write_batch(&c.strs, def, None)?;
            }
            Ty::Date => {
                cw.typed::<Int32Type>().write_batch(&c.dates, def, None)?;
            }
        }
        cw.close()?;
        *c = Column::default();
        k += 1;
    }
    rg.close()?;
    Ok(())
}

fn export_table(conn: &Connection, t: &Table, dir: &Path) -> Result<usize> {
    let schema = Arc::new(parse_message_type(&message(t))?);
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let path = dir.join(format!("{}.parquet", t.name));
    let file = std::fs::File::create(&path)?;
    let mut w = SerializedFileWriter::new(file, schema, props)?;
    let mut cols: Vec<Column> = t.cols.iter().map(|_| Column::default()).collect();
    let mut st = conn.prepare(t.sql)?;
    let mut rows = st.query([])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        for (k, (_, ty, req)) in t.cols.iter().enumerate() {
            let v = r.get_ref(k)?;
            let c = &mut cols[k];
            // a date that is no date is written as none
            let date = match (ty, v) {
                (Ty::Date, ValueRef::Text(s)) => days(s),
                _ => None,
            };
            let present = !matches!(v, ValueRef::Null) && (*ty != Ty::Date || date.is_some());
            c.def.push(present as i16);
            if !present && *req {
                return Err(crate::Error::Invalid(format!(
                    "{}: required column {} is null in row {n}",
                    t.name, t.cols[k].0
                )));
            }
            if !present {
                continue;
            }
            match (ty, v) {
                (Ty::I64, ValueRef::Integer(i)) => c.ints.push(i),
                (Ty::F64, ValueRef::Real(f)) => c.floats.push(f),
                (Ty::F64, ValueRef::Integer(i)) => c.floats.push(i as f64),
                (Ty::Str, ValueRef::Text(s)) => c.strs.push(ByteArray::from(s.to_vec())),
                (Ty::Date, _) => c.dates.extend(date),
                _ => {
                    return Err(crate::Error::Invalid(format!(
                        "{}: unexpected value type in column {}",
                        t.name, t.cols[k].0
                    )))
                }
            }
        }
        n += 1;
        if n % ROW_GROUP == 0 {
            flush(&mut w, t, &mut cols)?;
        }
    }
    flush(&mut w, t, &mut cols)?;
    w.close()?;
    Ok(n)
}

/// The exported tables, in the order they are written.
const TABLES: [&Table; 3] = [&DOCUMENTS, &QUOTES, &FIGURES];

/// Write `documents.parquet`, `quotes.parquet` and `figures.parquet` into `dir`; returns
/// (file, rows) for each.
pub fn parquet(conn: &Connection, dir: &Path) -> Result<Vec<(String, usize)>> {
    std::fs::create_dir_all(dir)?;
    TABLES
        .iter()
        .map(|t| Ok((format!("{}.parquet", t.name), export_table(conn, t, dir)?)))
        .collect()
}

/// A number as a spreadsheet reads it: every digit, no exponent, no ".0" after an integer.
pub fn plain(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let s = format!("{f}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Write `documents.csv`, `quotes.csv` and `figures.csv` into `dir` (with a byte-order mark
/// when `bom`, so that Excel reads UTF-8); returns (file, rows) for each.
pub fn csv(conn: &Connection, dir: &Path, bom: bool) -> Result<Vec<(String, usize)>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for t in TABLES {
        let name = format!("{}.csv", t.name);
        let mut file = std::io::BufWriter::new(std::fs::File::create(dir.join(&name))?);
        if bom {
            std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
        }
        let mut w = ::csv::Writer::from_writer(file);
        let csv_err = |e: ::csv::Error| crate::Error::Io(std::io::Error::other(e));
        w.write_record(t.cols.iter().map(|c| c.0))
            .map_err(csv_err)?;
        let mut st = conn.prepare(t.sql)?;
        let mut rows = st.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let mut rec = Vec::with_capacity(t.cols.len());
            for k in 0..t.cols.len() {
                rec.push(match r.get_ref(k)? {
                    ValueRef::Null => String::new(),
                    ValueRef::Integer(i) => i.to_string(),
                    ValueRef::Real(f) => plain(f),
                    ValueRef::Text(s) | ValueRef::Blob(s) => {
                        String::from_utf8_lossy(s).into_owned()
                    }
                });
            }
            w.write_record(&rec).map_err(csv_err)?;
            n += 1;
        }
        w.flush()?;
        out.push((name, n));
    }
    Ok(out)
}

/// Rows (anything serialisable to JSON objects) as CSV text with the columns `cols`: plain
/// numbers, lists joined with "; ", a byte-order mark first when `bom`.
pub fn rows_csv<T: serde::Serialize>(rows: &[T], cols: &[&str], bom: bool) -> Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let csv_err = |e: ::csv::Error| crate::Error::Io(std::io::Error::other(e));
    w.write_record(cols).map_err(csv_err)?;
    for r in rows {
        let v = serde_json::to_value(r).map_err(|e| crate::Error::Invalid(e.to_string()))?;
        let rec: Vec<String> = cols.iter().map(|c| cell(&v[*c])).collect();
        w.write_record(&rec).map_err(csv_err)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| crate::Error::Io(std::io::Error::other(e.to_string())))?;
    let mut out = String::with_capacity(body.len() + 3);
    if bom {
        out.push('\u{feff}');
    }
    out.push_str(&String::from_utf8_lossy(&body));
    Ok(out)
}

/// One JSON value as a CSV cell.
pub fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().map(plain).unwrap_or_else(|| n.to_string()),
        },
        serde_json::Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join("; "),
        x => x.to_string(),
    }
}

/// The columns of the statements and figures CSV (the CLI's and the API's).
pub const QUOTE_CSV: &[&str] = &[
    "date",
    "outlet",
    "title",
    "url",
    "doc_id",
    "speaker",
    "speaker_id",
    "role",
    "kind",
    "cue",
    "text",
    "start",
    "end",
];
pub const FIGURE_CSV: &[&str] = &[
    "date",
    "date_from",
    "period",
    "value",
    "low",
    "high",
    "unit",
    "qualifier",
    "category",
    "what",
    "source",
    "when",
    "place",
    "text",
    "start",
    "end",
    "doc_id",
    "title",
    "outlet",
    "doc_date",
    "url",
];
