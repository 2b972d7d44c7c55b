//! Reading documents: plain-text files, directories (recursive, sorted), stdin, JSONL, web
//! pages (HTML) and web archives (WARC, plain or gzipped; read by `kutip-html`).
//!
//! Every problem is an [`Item::Error`] that names the file and the line or byte; it never stops
//! the other documents. Directory walks skip hidden entries (`.git/`, `.DS_Store`) and binary
//! files (NUL bytes or the magic of PDF, archives, images, executables), each with one
//! [`Item::Skipped`] line. With `--input auto` (the default) the format of each file comes from
//! its extension (`.jsonl`, `.ndjson`, `.json`: JSON lines; `.html`, `.htm`: a web page;
//! `.warc`, `.warc.gz`: a web archive), else from its first bytes (a JSON object with a `text`
//! field, a page that opens like HTML, a WARC record).

use kutip::Meta;
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
    /// For a web page: the blocks of its main text, with the range of each in the page. The
    /// ledger then carries `text` (what was analysed) and each block its element's range.
    pub source: Option<Vec<kutip::doc::SourceBlock>>,
}

impl Doc {
    /// A plain document (no source structure).
    pub fn plain(id: String, text: String, meta: Meta, origin: String) -> Doc {
        Doc {
            id,
            text,
            meta,
            origin,
            source: None,
        }
    }

    /// Run the pipeline on this document: with its source structure when it has one (the
    /// ledger then carries the analysed text).
    pub fn run(
        &self,
        opts: &kutip::ledger::Options,
    ) -> Result<kutip::Ledger, kutip::ledger::Failure> {
        let o = kutip::ledger::Options {
            source: self.source.as_deref(),
            ..*opts
        };
        kutip::ledger::run(&self.id, &self.text, self.meta.clone(), &o)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// By extension (.jsonl/.ndjson/.json are JSON lines), else by content.
    Auto,
    /// One document per file.
    Text,
    /// One JSON object per line: `text` and optional `id`, `title`, `date`, `url`, `outlet`.
    Jsonl,
    /// A web page: its main text, structure and metadata are read (see docs/html.md).
    Html,
    /// A web archive (`.warc`, `.warc.gz`): every HTML response record is a document.
    Warc,
}

/// One input item.
#[derive(Debug)]
pub enum Item {
    Doc(Box<Doc>),
    /// Something that could not be read; names the file (and line or byte).
    Error(String),
    /// A file deliberately left out (binary), with the reason.
    Skipped(String),
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
    let name = path.to_string_lossy().to_ascii_lowercase();
    match ext.as_deref() {
        Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
        Some("txt" | "text") => Format::Text,
        Some("html" | "htm" | "xhtml" | "shtml") => Format::Html,
        Some("warc") => Format::Warc,
        Some("gz") if name.ends_with(".warc.gz") => Format::Warc,
        _ => sniff(head),
    }
}

/// The format of input from its first bytes.
fn sniff(head: &[u8]) -> Format {
    if looks_like_jsonl(head) {
        Format::Jsonl
    } else if head.starts_with(b"WARC/1.") {
        Format::Warc
    } else if kutip_html::looks_like_html(head) {
        Format::Html
    } else {
        Format::Text
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
/// Web pages are read (main text and metadata) a chunk at a time on all cores, in order.
pub fn stream(entries: Vec<Entry>, format: Format, lossy: bool) -> impl Iterator<Item = Item> {
    let raw = entries
        .into_iter()
        .flat_map(move |e| -> Box<dyn Iterator<Item = Raw>> {
            match e {
                Entry::Error(m) => Box::new(std::iter::once(Raw::Ready(Item::Error(m)))),
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
                    Err(e) => Box::new(std::iter::once(Raw::Ready(Item::Error(format!(
                        "{}: {e}",
                        p.display()
                    ))))),
                },
            }
        });
    Resolved {
        raw,
        ready: std::collections::VecDeque::new(),
    }
}

/// An input item before web pages are read: a page is kept as its bytes until then.
enum Raw {
    Ready(Item),
    Page(Box<Pending>),
}

/// A web page not yet read, and what its container (file or WARC record) says of it.
struct Pending {
    bytes: Vec<u8>,
    /// the address it was fetched from and the charset of its HTTP header (WARC)
    url: Option<String>,
    charset: Option<String>,
    id: String,
    origin: String,
    path: Option<String>,
    /// when it was captured: its date when the page gives none (WARC)
    captured: Option<String>,
}

impl Pending {
    /// Read the page; a panic in the reader is this page's error, not the run's end.
    fn read(self) -> Item {
        let Pending {
            bytes,
            url,
            charset,
            id,
            origin,
            path,
            captured,
        } = self;
        let read = std::panic::catch_unwind(|| {
            kutip_html::read(&bytes, url.as_deref(), charset.as_deref())
        });
        let page = match read {
            Ok(p) => p,
            Err(e) => {
                return Item::Error(format!(
                    "{origin}: the page could not be read: {}",
                    kutip::ledger::panic_message(e.as_ref())
                ))
            }
        };
        let mut item = page_doc(page, id, origin, path);
        if let Item::Doc(d) = &mut item {
            if d.meta.date.is_none() {
                d.meta.date = captured;
            }
            if d.meta.url.is_none() {
                d.meta.url = url;
            }
        }
        item
    }
}

/// Items in input order, with the pages of each chunk read in parallel.
struct Resolved<I> {
    raw: I,
    ready: std::collections::VecDeque<Item>,
}

/// A chunk of pages read together: at most this many items ...
const CHUNK_ITEMS: usize = 64;
/// ... or this many bytes of pages, so memory stays flat whatever the records' size.
const CHUNK_BYTES: usize = 32 << 20;

impl<I: Iterator<Item = Raw>> Iterator for Resolved<I> {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        use rayon::prelude::*;
        if let Some(i) = self.ready.pop_front() {
            return Some(i);
        }
        let mut chunk = Vec::new();
        let mut bytes = 0;
        for r in self.raw.by_ref() {
            if let Raw::Page(p) = &r {
                bytes += p.bytes.len();
            }
            let pages = matches!(r, Raw::Page(_));
            chunk.push(r);
            // a plain document alone needs no wait for others
            if chunk.len() >= CHUNK_ITEMS || bytes >= CHUNK_BYTES || (!pages && chunk.len() == 1) {
                break;
            }
        }
        let items: Vec<Item> = chunk
            .into_par_iter()
            .map(|r| match r {
                Raw::Ready(i) => i,
                Raw::Page(p) => p.read(),
            })
            .collect();
        self.ready.extend(items);
        self.ready.pop_front()
    }
}

fn open_reader(
    mut r: Box<dyn BufRead + Send>,
    path: Option<&Path>,
    name: String,
    format: Format,
    lossy: bool,
) -> Box<dyn Iterator<Item = Raw>> {
    let head = match r.fill_buf() {
        Ok(h) => h.to_vec(),
        Err(e) => {
            return Box::new(std::iter::once(Raw::Ready(Item::Error(format!(
                "{name}: {e}"
            )))))
        }
    };
    let format = match format {
        Format::Auto => match path {
            Some(p) => detect(p, &head),
            None => sniff(&head),
        },
        f => f,
    };
    // a gzipped web archive is read; any other binary file is skipped
    let gz_warc = format == Format::Warc && head.starts_with(b"\x1f\x8b");
    if let Some(kind) = binary_kind(&head).filter(|_| !gz_warc) {
        return Box::new(std::iter::once(Raw::Ready(Item::Skipped(format!(
            "{name}: skipped, {kind}"
        )))));
    }
    match format {
        Format::Html => Box::new(std::iter::once(read_html(r, path, &name))),
        Format::Warc => Box::new(WarcIter::new(r, name)),
        Format::Jsonl => Box::new(
            JsonlIter {
                reader: r,
                name,
                line: 0,
                lossy,
                buf: Vec::new(),
            }
            .map(Raw::Ready),
        ),
        _ => Box::new(std::iter::once(Raw::Ready(read_text(
            r, path, &name, lossy,
        )))),
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
    Item::Doc(Box::new(Doc::plain(
        path.map(file_id).unwrap_or_else(|| name.to_string()),
        text,
        Meta {
            path: path.map(|_| name.to_string()),
            ..Meta::default()
        },
        name.to_string(),
    )))
}

/// A document of a web page: its main text, structure and metadata.
pub fn page_doc(p: kutip_html::Page, id: String, origin: String, path: Option<String>) -> Item {
    if p.text.trim().is_empty() {
        return Item::Skipped(format!("{origin}: skipped, a page without article text"));
    }
    let source = Some(p.source_blocks());
    let mut meta = p.kutip_meta();
    meta.path = path;
    Item::Doc(Box::new(Doc {
        id,
        meta,
        text: p.text,
        origin,
        source,
    }))
}

fn read_html(mut r: Box<dyn BufRead + Send>, path: Option<&Path>, name: &str) -> Raw {
    let mut bytes = Vec::new();
    if let Err(e) = r.read_to_end(&mut bytes) {
        return Raw::Ready(Item::Error(format!("{name}: {e}")));
    }
    Raw::Page(Box::new(Pending {
        bytes,
        url: None,
        charset: None,
        id: path.map(file_id).unwrap_or_else(|| name.to_string()),
        origin: name.to_string(),
        path: path.map(|_| name.to_string()),
        captured: None,
    }))
}

/// The documents of a web archive: one per HTML response record, read one at a time.
/// Records of other kinds are counted and said once at the end.
struct WarcIter {
    pages: kutip_html::warc::Pages<Box<dyn BufRead>>,
    name: String,
    finished: bool,
}

impl WarcIter {
    fn new(r: Box<dyn BufRead + Send>, name: String) -> WarcIter {
        WarcIter {
            pages: kutip_html::warc::Pages::new(kutip_html::warc::open(r), &name),
            name,
            finished: false,
        }
    }
}

impl Iterator for WarcIter {
    type Item = Raw;
    fn next(&mut self) -> Option<Raw> {
        if self.finished {
            return None;
        }
        let Some(page) = self.pages.next() else {
            self.finished = true;
            let said = self.pages.skipped_summary()?;
            return Some(Raw::Ready(Item::Skipped(format!(
                "{}: skipped records that hold no HTML page: {said}",
                self.name
            ))));
        };
        Some(match page {
            Err(e) => Raw::Ready(Item::Error(format!("{}: {e}", self.name))),
            Ok(p) => Raw::Page(Box::new(Pending {
                origin: format!("{}: record at byte {}", self.name, p.offset),
                charset: p.charset,
                bytes: p.body,
                url: p.target,
                id: p.id,
                path: Some(self.name.clone()),
                captured: p.date,
            })),
        })
    }
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
        // a BOM before a line (the first, in files written so) is not part of any document
        match kutip::ledger::Record::from_json(line) {
            Ok(r) => Item::Doc(Box::new(Doc {
                id: r
                    .id
                    .unwrap_or_else(|| format!("{}:{}", self.name, self.line)),
                text: r.text,
                meta: r.meta,
                origin: format!("{}:{}", self.name, self.line),
                source: None,
            })),
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
