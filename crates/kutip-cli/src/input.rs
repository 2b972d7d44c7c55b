//! Reading documents: plain-text files, directories (recursive, sorted), stdin, JSONL.
//! Errors name the file and the line or byte; they never stop the other documents.

use anyhow::Result;
use kutip::Meta;
use serde::Deserialize;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    pub text: String,
    pub meta: Meta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Jsonl,
}

#[derive(Deserialize)]
struct JsonDoc {
    text: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
}

/// One input item: a document or an error message that names where it came from.
pub type Item = std::result::Result<Doc, String>;

/// Expand directories into their files, recursively and sorted.
pub fn expand(paths: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(p.clone());
            continue;
        }
        let path = Path::new(p);
        if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files);
            files.sort();
            out.extend(files.into_iter().map(|f| f.to_string_lossy().into_owned()));
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        out.push("-".into());
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

fn open(path: &str) -> Result<Box<dyn BufRead + Send>> {
    if path == "-" {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(path)?,
        )))
    }
}

pub fn decode(bytes: Vec<u8>, lossy: bool) -> std::result::Result<String, usize> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            if lossy {
                Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
            } else {
                Err(e.utf8_error().valid_up_to())
            }
        }
    }
}

/// A lazy stream of documents over all inputs, so memory does not grow with the corpus.
pub fn stream(paths: Vec<String>, format: Format, lossy: bool) -> impl Iterator<Item = Item> {
    paths
        .into_iter()
        .flat_map(move |p| -> Box<dyn Iterator<Item = Item>> {
            let name = if p == "-" {
                "<stdin>".to_string()
            } else {
                p.clone()
            };
            let reader = match open(&p) {
                Ok(r) => r,
                Err(e) => return Box::new(std::iter::once(Err(format!("{name}: {e}")))),
            };
            match format {
                Format::Text => Box::new(std::iter::once(read_text(reader, &name, lossy))),
                Format::Jsonl => Box::new(JsonlIter {
                    reader,
                    name,
                    line: 0,
                    lossy,
                    buf: Vec::new(),
                }),
            }
        })
}

fn read_text(mut r: Box<dyn BufRead + Send>, name: &str, lossy: bool) -> Item {
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    let text = decode(bytes, lossy)
        .map_err(|off| format!("{name}: invalid UTF-8 at byte {off} (use --lossy to replace)"))?;
    Ok(Doc {
        id: name.to_string(),
        text,
        meta: Meta {
            source: Some(name.to_string()),
            ..Meta::default()
        },
    })
}

struct JsonlIter {
    reader: Box<dyn BufRead + Send>,
    name: String,
    line: usize,
    lossy: bool,
    buf: Vec<u8>,
}

impl Iterator for JsonlIter {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(format!("{}: line {}: {e}", self.name, self.line + 1))),
            }
            self.line += 1;
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let line = match decode(std::mem::take(&mut self.buf), self.lossy) {
                Ok(s) => s,
                Err(off) => {
                    return Some(Err(format!(
                        "{}: line {}: invalid UTF-8 at byte {off} of the line",
                        self.name, self.line
                    )))
                }
            };
            return Some(match serde_json::from_str::<JsonDoc>(&line) {
                Ok(d) => {
                    let id = match d.id {
                        Some(serde_json::Value::String(s)) => s,
                        Some(v) => v.to_string(),
                        None => format!("{}:{}", self.name, self.line),
                    };
                    Ok(Doc {
                        id,
                        text: d.text,
                        meta: Meta {
                            title: d.title,
                            date: d.date,
                            url: d.url,
                            outlet: d.outlet,
                            source: None,
                        },
                    })
                }
                Err(e) => Err(format!(
                    "{}: line {}: malformed JSON: {e}",
                    self.name, self.line
                )),
            });
        }
    }
}
