//! Flat columns from ledgers, as `columns.tsv` lays them out: one row per statement, figure
//! and document.

use crate::Doc;
use arrow::array::{Array, ArrayRef, Float64Builder, Int64Builder, StringBuilder, StructArray};
use arrow::datatypes::{DataType, Field};
use arrow::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use serde_json::Value;
use std::sync::{Arc, LazyLock};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Str => "str",
            Kind::Int => "int",
            Kind::Float => "float",
        }
    }
}

pub struct Column {
    pub table: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    /// a path into the item (`speaker/name`), or `@name` for a value of the row itself
    path: Vec<&'static str>,
    own: Option<&'static str>,
}

static SPEC: LazyLock<Vec<Column>> = LazyLock::new(|| {
    include_str!("columns.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&'static str> = l.split('\t').collect();
            let kind = match *f.get(2)? {
                "str" => Kind::Str,
                "int" => Kind::Int,
                "float" => Kind::Float,
                _ => return None,
            };
            let p = *f.get(3)?;
            Some(Column {
                table: f[0],
                name: f[1],
                kind,
                own: p.strip_prefix('@'),
                path: if p.starts_with('@') {
                    Vec::new()
                } else {
                    p.split('/').collect()
                },
            })
        })
        .collect()
});

pub fn spec() -> &'static [Column] {
    &SPEC
}

pub const TABLES: [&str; 3] = ["quotes", "figures", "documents"];

/// A column's values, as Arrow builders.
enum Values {
    Str(StringBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
}

impl Values {
    fn new(k: Kind) -> Values {
        match k {
            Kind::Str => Values::Str(StringBuilder::new()),
            Kind::Int => Values::Int(Int64Builder::new()),
            Kind::Float => Values::Float(Float64Builder::new()),
        }
    }

    fn push(&mut self, v: Option<&Value>) {
        let v = v.filter(|v| !v.is_null());
        match self {
            Values::Str(c) => match v {
                Some(Value::String(s)) => c.append_value(s),
                Some(other) => c.append_value(other.to_string()),
                None => c.append_null(),
            },
            Values::Int(c) => c.append_option(v.and_then(Value::as_i64)),
            Values::Float(c) => c.append_option(v.and_then(Value::as_f64)),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Values::Str(c) => Arc::new(c.finish()),
            Values::Int(c) => Arc::new(c.finish()),
            Values::Float(c) => Arc::new(c.finish()),
        }
    }
}

fn data_type(k: Kind) -> DataType {
    match k {
        Kind::Str => DataType::Utf8,
        Kind::Int => DataType::Int64,
        Kind::Float => DataType::Float64,
    }
}

/// The three tables being filled.
pub struct Tables {
    cols: Vec<(&'static Column, Values)>,
}

fn at<'a>(mut v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    for k in path {
        v = v.get(k)?;
    }
    Some(v)
}

impl Tables {
    pub fn of(docs: &[Doc], results: &[Result<kutip::Ledger, String>]) -> Tables {
        let mut t = Tables {
            cols: spec().iter().map(|c| (c, Values::new(c.kind))).collect(),
        };
        for (d, r) in docs.iter().zip(results) {
            t.add(d, r);
        }
        t
    }

    fn add(&mut self, d: &Doc, r: &Result<kutip::Ledger, String>) {
        let (ledger, error) = match r {
            Ok(l) => (Some(l), None),
            Err(e) => (None, Some(Value::String(e.clone()))),
        };
        // the items as the ledger's JSON has them (only these, not the whole ledger)
        let as_json = |v: Result<Value, serde_json::Error>| match v {
            Ok(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        let quotes = ledger.map_or_else(Vec::new, |l| as_json(serde_json::to_value(&l.quotes)));
        let figures = ledger.map_or_else(Vec::new, |l| as_json(serde_json::to_value(&l.figures)));
        let meta = ledger.map(|l| serde_json::to_value(&l.meta).unwrap_or(Value::Null));
        let id = Value::String(d.id.clone());
        for (table, items) in [("quotes", &quotes), ("figures", &figures)] {
            for (seq, item) in items.iter().enumerate() {
                let seq = Value::from(seq);
                for (c, vals) in self.cols.iter_mut().filter(|(c, _)| c.table == table) {
                    vals.push(match c.own {
                        Some("id") => Some(&id),
                        Some("seq") => Some(&seq),
                        Some(_) => None,
                        None => at(item, &c.path),
                    });
                }
            }
        }
        let bytes = Value::from(
            ledger
                .and_then(|l| l.text.as_deref())
                .map_or(d.text.len(), str::len),
        );
        let (nq, nf) = (Value::from(quotes.len()), Value::from(figures.len()));
        for (c, vals) in self.cols.iter_mut().filter(|(c, _)| c.table == "documents") {
            vals.push(match c.own {
                Some("id") => Some(&id),
                Some("bytes") => Some(&bytes),
                Some("n_quotes") => Some(&nq),
                Some("n_figures") => Some(&nf),
                Some("error") => error.as_ref(),
                Some(_) => None,
                // a document's paths start at the ledger: only `meta/...` is laid out
                None => match c.path.split_first() {
                    Some((&"meta", rest)) => meta.as_ref().and_then(|m| at(m, rest)),
                    _ => None,
                },
            });
        }
    }

    /// Each table as an Arrow struct array in the C data interface, by table name.
    pub fn finish(mut self) -> Vec<(&'static str, FFI_ArrowArray, FFI_ArrowSchema)> {
        let mut out = Vec::new();
        for table in TABLES {
            let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = self
                .cols
                .iter_mut()
                .filter(|(c, _)| c.table == table)
                .map(|(c, v)| (Field::new(c.name, data_type(c.kind), true), v.finish()))
                .unzip();
            let s = StructArray::new(fields.into(), arrays, None);
            let data = s.into_data();
            match arrow::ffi::to_ffi(&data) {
                Ok((a, sc)) => out.push((table, a, sc)),
                Err(_) => continue,
            }
        }
        out
    }
}
