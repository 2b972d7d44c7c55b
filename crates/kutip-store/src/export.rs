//! Parquet export of the quotes and figures tables, for data teams (one file per table,
//! Snappy-compressed, row groups of 64k rows; speaker identities resolved to canonical names).

use crate::Result;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
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
}

struct Table {
    name: &'static str,
    sql: &'static str,
    /// (column, type, required)
    cols: &'static [(&'static str, Ty, bool)],
}

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
        ("date", Ty::Str, false),
        ("outlet", Ty::Str, false),
    ],
};

const FIGURES: Table = Table {
    name: "figures",
    sql: "SELECT f.id, f.doc_id, f.seq, f.text, f.start, f.\"end\", f.value, f.low, f.high,
                 f.qualifier, f.unit, f.category, f.what, f.source, f.source_speaker_id,
                 s.name, f.when_text, f.date, f.place, f.part_of, f.outlet
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
        ("date", Ty::Str, false),
        ("place", Ty::Str, false),
        ("part_of", Ty::I64, false),
        ("outlet", Ty::Str, false),
    ],
};

const ROW_GROUP: usize = 65_536;

#[derive(Default)]
struct Column {
    ints: Vec<i64>,
    floats: Vec<f64>,
    strs: Vec<ByteArray>,
    def: Vec<i16>,
}

fn message(t: &Table) -> String {
    let mut m = format!("message {} {{\n", t.name);
    for (name, ty, req) in t.cols {
        let rep = if *req { "required" } else { "optional" };
        let ty = match ty {
            Ty::I64 => "int64".to_string(),
            Ty::F64 => "double".to_string(),
            Ty::Str => "binary".to_string(),
        };
        let ann = if ty == "binary" { " (UTF8)" } else { "" };
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
            let present = !matches!(v, ValueRef::Null);
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

/// Write `quotes.parquet` and `figures.parquet` into `dir`; returns their row counts.
pub fn parquet(conn: &Connection, dir: &Path) -> Result<(usize, usize)> {
    std::fs::create_dir_all(dir)?;
    Ok((
        export_table(conn, &QUOTES, dir)?,
        export_table(conn, &FIGURES, dir)?,
    ))
}
