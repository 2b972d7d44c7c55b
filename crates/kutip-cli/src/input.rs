//! Reading documents: plain-text files, directories (recursive, sorted), stdin, JSONL.
//!
//! Every problem is an [`Item::Error`] that names the file and the line or byte; it never stops
//! the other documents. Directory walks skip hidden entries (`.git/`, `.DS_Store`) and binary
//! files (NUL bytes or the magic of PDF, archives, images, executables), each with one
//! [`Item::Skipped`] line. With `--input auto` (the default) the format of each file comes from
//! its extension (`.jsonl`, `.ndjson`, `.json`: JSON lines), else from its first line (a JSON
//! object with a `text` field).

use kutip::Meta;
use serde::Deserialize;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    pub text: String,
    pub meta: Meta,
    /// Where the document came from, for messages: `file` or `file:line`.
    pub origin: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// By extension (.jsonl/.ndjson/.json are JSON lines), else by content.
    Auto,
    /// One document per file.
    Text,
    /// One JSON object per line: `text` and optional `id`, `title`, `date`, `url`, `outlet`.
    Jsonl,
}

/// One input item.
#[derive(Debug)]
pub enum Item {
    Doc(Doc),
    /// Something that could not be read; names the file (and line or byte).
    Error(String),
    /// A file deliberately left out (binary), with the reason.
    Skipped(String),
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

/// An input named on the command line or found in a directory.
#[derive(Debug, Clone)]
pub enum Entry {
    Stdin,
    File(PathBuf),
    Error(String),
}

/// Expand the command line into inputs: `-` is stdin, directories are walked recursively in
/// sorted order. Nothing at all means stdin. A directory without documents, or one that
/// cannot be read, is an error that names it.
pub fn expand(paths: &[String]) -> Vec<Entry> {
    if paths.is_empty() {
        return vec![Entry::Stdin];
    }
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(Entry::Stdin);
            continue;
        }
        let path = Path::new(p);
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                let before = out.len();
                let mut seen = HashSet::new();
                walk(path, &mut out, &mut seen);
                if !out[before..].iter().any(|e| matches!(e, Entry::File(_))) {
                    out.push(Entry::Error(format!(
                        "{p}: the directory holds no documents (hidden files are skipped)"
                    )));
                }
            }
            Ok(_) => out.push(Entry::File(path.to_path_buf())),
            Err(e) => out.push(Entry::Error(format!("{p}: {e}"))),
        }
    }
    out
}

fn hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn walk(dir: &Path, out: &mut Vec<Entry>, seen: &mut HashSet<PathBuf>) {
    // a symbolic link back up the tree is walked once
    if let Ok(c) = std::fs::canonicalize(dir) {
        if !seen.insert(c) {
            return;
        }
    }
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Entry::Error(format!(
                "{}: cannot read the directory: {e}",
                dir.display()
            )));
            return;
        }
    };
    let mut entries: Vec<PathBuf> = Vec::new();
    for e in rd {
        match e {
            Ok(e) => entries.push(e.path()),
            Err(e) => out.push(Entry::Error(format!("{}: {e}", dir.display()))),
        }
    }
    entries.sort();
    for p in entries {
        if hidden(&p) {
            continue;
        }
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, out, seen),
            Ok(_) => out.push(Entry::File(p)),
            Err(e) => out.push(Entry::Error(format!("{}: {e}", p.display()))),
        }
    }
}

/// What kind of binary file these first bytes begin, if any.
pub fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (or an office document)"),
        (b"PK\x05\x06", "a ZIP archive"),
        (b"\x1f\x8b", "a gzip-compressed file"),
        (b"BZh", "a bzip2-compressed file"),
        (b"\xfd7zXZ\x00", "an xz-compressed file"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"RIFF", "a RIFF file (WebP, WAV, AVI)"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
        (b"\x7fELF", "an executable"),
        (b"MZ", "an executable"),
        (b"\xd0\xcf\x11\xe0", "an old office document"),
        (b"ID3", "an MP3 file"),
        (b"OggS", "an Ogg file"),
        (b"SQLite format 3\x00", "an SQLite database"),
        (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
    ];
    if let Some((_, k)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(k);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Some("an MP4 or HEIF file");
    }
    // UTF-16 text begins with its byte-order mark and is read, not skipped
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return None;
    }
    head.contains(&0)
        .then_some("a binary file (it holds NUL bytes)")
}

/// Decode a whole file: UTF-8 (a BOM is kept: the pipeline skips it and offsets stay offsets
/// into the file), or UTF-16 with its BOM. `Err` holds the byte offset of invalid UTF-8.
pub fn decode(bytes: Vec<u8>, lossy: bool) -> std::result::Result<String, usize> {
    if let Some(s) = utf16(&bytes) {
        return Ok(s);
    }
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

fn utf16(b: &[u8]) -> Option<String> {
    let le = b.starts_with(b"\xff\xfe");
    if !(le || b.starts_with(b"\xfe\xff")) {
        return None;
    }
    let units = b[2..].chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// The format of one file under `--input auto`: by extension, then by the first line.
fn detect(path: &Path, head: &[u8]) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
        Some("txt" | "text") => Format::Text,
        _ if looks_like_jsonl(head) => Format::Jsonl,
        _ => Format::Text,
    }
}

/// Does the first line hold a JSON object with a `text` field?
fn looks_like_jsonl(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    serde_json::from_slice::<serde_json::Value>(line).is_ok_and(|v| v.get("text").is_some())
}

/// The id of a document read from a file: its canonical path, so that "a.txt", "./a.txt" and
/// an absolute spelling name one document.
fn file_id(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// A lazy stream of documents over all inputs, so memory does not grow with the corpus.
pub fn stream(entries: Vec<Entry>, format: Format, lossy: bool) -> impl Iterator<Item = Item> {
    entries
        .into_iter()
        .flat_map(move |e| -> Box<dyn Iterator<Item = Item>> {
            match e {
                Entry::Error(m) => Box::new(std::iter::once(Item::Error(m))),
                Entry::Stdin => {
                    let r: Box<dyn BufRead + Send> = Box::new(BufReader::new(std::io::stdin()));
                    open_reader(r, None, "<stdin>".into(), format, lossy)
                }
                Entry::File(p) => match File::open(&p) {
                    Ok(f) => {
                        let r: Box<dyn BufRead + Send> =
                            Box::new(BufReader::with_capacity(1 << 16, f));
                        let name = p.display().to_string();
                        open_reader(r, Some(&p), name, format, lossy)
                    }
                    Err(e) => Box::new(std::iter::once(Item::Error(format!(
                        "{}: {e}",
                        p.display()
                    )))),
                },
            }
        })
}

fn open_reader(
    mut r: Box<dyn BufRead + Send>,
    path: Option<&Path>,
    name: String,
    format: Format,
    lossy: bool,
) -> Box<dyn Iterator<Item = Item>> {
    let head = match r.fill_buf() {
        Ok(h) => h.to_vec(),
        Err(e) => return Box::new(std::iter::once(Item::Error(format!("{name}: {e}")))),
    };
    if let Some(kind) = binary_kind(&head) {
        return Box::new(std::iter::once(Item::Skipped(format!(
            "{name}: skipped, {kind}"
        ))));
    }
    let format = match format {
        Format::Auto => match path {
            Some(p) => detect(p, &head),
            None if looks_like_jsonl(&head) => Format::Jsonl,
            None => Format::Text,
        },
        f => f,
    };
    match format {
        Format::Jsonl => Box::new(JsonlIter {
            reader: r,
            name,
            line: 0,
            lossy,
            buf: Vec::new(),
        }),
        _ => Box::new(std::iter::once(read_text(r, path, &name, lossy))),
    }
}

fn read_text(mut r: Box<dyn BufRead + Send>, path: Option<&Path>, name: &str, lossy: bool) -> Item {
    let mut bytes = Vec::new();
    if let Err(e) = r.read_to_end(&mut bytes) {
        return Item::Error(format!("{name}: {e}"));
    }
    if let Some(kind) = binary_kind(&bytes) {
        return Item::Skipped(format!("{name}: skipped, {kind}"));
    }
    let text = match decode(bytes, lossy) {
        Ok(t) => t,
        Err(off) => {
            return Item::Error(format!(
                "{name}: invalid UTF-8 at byte {off} (--lossy replaces invalid bytes)"
            ))
        }
    };
    Item::Doc(Doc {
        id: path.map(file_id).unwrap_or_else(|| name.to_string()),
        text,
        meta: Meta {
            path: path.map(|_| name.to_string()),
            ..Meta::default()
        },
        origin: name.to_string(),
    })
}

struct JsonlIter {
    reader: Box<dyn BufRead + Send>,
    name: String,
    line: usize,
    lossy: bool,
    buf: Vec<u8>,
}

impl JsonlIter {
    fn parse(&self, line: &str) -> Item {
        // a BOM before the first line is not part of any document
        let line = if self.line == 1 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        match serde_json::from_str::<JsonDoc>(line) {
            Ok(d) => {
                let id = match d.id {
                    Some(serde_json::Value::String(s)) => s,
                    Some(v) => v.to_string(),
                    None => format!("{}:{}", self.name, self.line),
                };
                Item::Doc(Doc {
                    id,
                    text: d.text,
                    meta: Meta {
                        title: d.title,
                        date: d.date,
                        url: d.url,
                        outlet: d.outlet,
                        path: None,
                    },
                    origin: format!("{}:{}", self.name, self.line),
                })
            }
            Err(e) => Item::Error(format!(
                "{}: line {}: malformed JSON: {e}",
                self.name, self.line
            )),
        }
    }
}

impl Iterator for JsonlIter {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    return Some(Item::Error(format!(
                        "{}: line {}: {e}",
                        self.name,
                        self.line + 1
                    )))
                }
            }
            self.line += 1;
            if self.buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let line = match decode(std::mem::take(&mut self.buf), self.lossy) {
                Ok(s) => s,
                Err(off) => {
                    return Some(Item::Error(format!(
                        "{}: line {}: invalid UTF-8 at byte {off} of the line",
                        self.name, self.line
                    )))
                }
            };
            return Some(self.parse(&line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_files_are_recognised() {
        assert_eq!(binary_kind(b"%PDF-1.7\n"), Some("a PDF document"));
        assert!(binary_kind(b"\x89PNG\r\n\x1a\n").is_some());
        assert!(binary_kind(b"abc\x00def").is_some());
        assert_eq!(binary_kind("Harga beras naik.".as_bytes()), None);
        assert_eq!(binary_kind(b"\xff\xfeH\x00"), None, "UTF-16 text is read");
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let mut b = vec![0xff, 0xfe];
        for u in "Kata Budi.".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(b, false).unwrap(), "Kata Budi.");
    }

    #[test]
    fn jsonl_is_recognised_by_its_first_line() {
        assert!(looks_like_jsonl(b"{\"id\": 1, \"text\": \"a\"}\n{"));
        assert!(looks_like_jsonl(b"\xef\xbb\xbf{\"text\": \"a\"}"));
        assert!(!looks_like_jsonl(b"{ bukan json }"));
        assert!(!looks_like_jsonl(b"{\"judul\": \"a\"}"));
    }
}
