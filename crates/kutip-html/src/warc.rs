//! A streaming reader of web archives (WARC 1.0/1.1, plain or gzipped per record as Common
//! Crawl distributes them): one record at a time, so memory stays flat on files of any size.
//! A malformed or truncated record is an error that says where it is; the reader then looks
//! for the next record. The HTTP message of a `response` record is parsed
//! ([`Record::http`]), with bodies that are chunked or compressed decoded, and with the
//! "Transfer-Encoding: chunked" header that some archives keep over bodies already de-chunked
//! recognised as such.

use std::io::{BufRead, Read};

/// Records larger than this are skipped (a video in an archive of news pages).
pub const MAX_RECORD: u64 = 64 << 20;

/// One WARC record.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// `WARC-Type`: response, request, warcinfo, metadata, resource, ...
    pub kind: String,
    pub target: Option<String>,
    pub date: Option<String>,
    pub id: Option<String>,
    /// the record's Content-Type (`application/http; msgtype=response`)
    pub content_type: Option<String>,
    pub block: Vec<u8>,
    /// where the record began in the (decompressed) stream
    pub offset: u64,
}

/// An HTTP response carried by a record.
#[derive(Debug, Clone, Default)]
pub struct Http {
    pub status: u16,
    /// header names lower case
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Http {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|x| x.1.as_str())
    }

    /// The charset of the Content-Type header.
    pub fn charset(&self) -> Option<&str> {
        let ct = self.header("content-type")?;
        let p = ct.to_ascii_lowercase().find("charset=")?;
        Some(
            ct[p + 8..]
                .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                .split(';')
                .next()?
                .trim(),
        )
    }

    /// Is the body an HTML page (by its Content-Type, or by its first bytes)?
    pub fn is_html(&self) -> bool {
        match self.header("content-type").map(str::to_ascii_lowercase) {
            Some(ct) if ct.contains("html") => true,
            Some(ct) if ct.contains("text/plain") || ct.is_empty() => {
                crate::looks_like_html(&self.body)
            }
            Some(_) => false,
            None => crate::looks_like_html(&self.body),
        }
    }
}

/// A record that could not be read: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record at byte {offset}: {message}")]
pub struct WarcError {
    pub offset: u64,
    pub message: String,
}

impl Record {
    /// The HTTP response of a `response` record.
    pub fn http(&self) -> Option<Http> {
        if self.kind != "response" {
            return None;
        }
        let b = &self.block;
        let head_end = memchr::memmem::find(b, b"\r\n\r\n")
            .map(|p| (p, p + 4))
            .or_else(|| memchr::memmem::find(b, b"\n\n").map(|p| (p, p + 2)))?;
        let head = String::from_utf8_lossy(&b[..head_end.0]);
        let mut lines = head.lines();
        let status_line = lines.next()?;
        if !status_line.starts_with("HTTP/") {
            return None;
        }
        let status = status_line.split_whitespace().nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut http = Http {
            status,
            headers,
            body: b[head_end.1..].to_vec(),
        };
        if http
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
        {
            if let Some(d) = dechunk(&http.body) {
                http.body = d;
            }
        }
        match http
            .header("content-encoding")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("gzip" | "x-gzip") => {
                let mut out = Vec::new();
                if flate2::read::MultiGzDecoder::new(&http.body[..])
                    .take(MAX_RECORD)
                    .read_to_end(&mut out)
                    .is_ok()
                {
                    http.body = out;
                }
            }
            Some("deflate") => {
                let mut out = Vec::new();
                if flate2::read::ZlibDecoder::new(&http.body[..])
                    .take(MAX_RECORD)
                    .read_to_end(&mut out)
                    .is_ok()
                {
                    http.body = out;
                }
            }
            _ => {}
        }
        Some(http)
    }
}

/// A chunked body de-chunked; none when the body is not in fact chunked.
fn dechunk(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let nl = memchr::memchr(b'\n', &b[i..])? + i;
        let line = std::str::from_utf8(&b[i..nl]).ok()?.trim();
        let size = usize::from_str_radix(line.split(';').next()?.trim(), 16).ok()?;
        i = nl + 1;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(i..i + size)?);
        i += size;
        while i < b.len() && (b[i] == b'\r' || b[i] == b'\n') {
            i += 1;
            if b[i - 1] == b'\n' {
                break;
            }
        }
        if i >= b.len() {
            return Some(out);
        }
    }
}

/// Records of a WARC stream, one at a time.
pub struct Reader<R> {
    r: R,
    /// bytes read so far
    pos: u64,
    done: bool,
}

impl<R: BufRead> Reader<R> {
    pub fn new(r: R) -> Self {
        Reader {
            r,
            pos: 0,
            done: false,
        }
    }

    fn line(&mut self, buf: &mut Vec<u8>) -> std::io::Result<usize> {
        buf.clear();
        let n = self.r.by_ref().take(64 * 1024).read_until(b'\n', buf)?;
        self.pos += n as u64;
        Ok(n)
    }

    fn next_record(&mut self) -> Option<Result<Record, WarcError>> {
        let mut buf = Vec::new();
        // the version line, after blank lines; anything else is skipped up to the next one
        let mut skipped = 0u64;
        let start = loop {
            let at = self.pos;
            match self.line(&mut buf) {
                Ok(0) => {
                    return (skipped > 0).then(|| {
                        Err(WarcError {
                            offset: at - skipped,
                            message: format!("{skipped} bytes that are no WARC record at the end"),
                        })
                    });
                }
                Ok(_) => {}
                Err(e) => return Some(Err(self.fail(at, e))),
            }
            if buf.starts_with(b"WARC/") {
                break at;
            }
            if !buf.iter().all(|b| b.is_ascii_whitespace()) {
                skipped += buf.len() as u64;
            }
        };
        let mut rec = Record {
            offset: start,
            ..Record::default()
        };
        let mut length: Option<u64> = None;
        loop {
            match self.line(&mut buf) {
                Ok(0) => {
                    return Some(Err(WarcError {
                        offset: start,
                        message: "truncated in its headers".into(),
                    }))
                }
                Ok(_) => {}
                Err(e) => return Some(Err(self.fail(start, e))),
            }
            let l = String::from_utf8_lossy(&buf);
            let l = l.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                break;
            }
            let Some((k, v)) = l.split_once(':') else {
                continue;
            };
            let v = v.trim().to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "warc-type" => rec.kind = v.to_ascii_lowercase(),
                "warc-target-uri" => rec.target = Some(v.trim_matches(['<', '>']).to_string()),
                "warc-date" => rec.date = Some(v),
                "warc-record-id" => rec.id = Some(v),
                "content-type" => rec.content_type = Some(v),
                "content-length" => length = v.parse().ok(),
                _ => {}
            }
        }
        let Some(n) = length else {
            return Some(Err(WarcError {
                offset: start,
                message: "no Content-Length".into(),
            }));
        };
        if n > MAX_RECORD {
            let copied = std::io::copy(&mut self.r.by_ref().take(n), &mut std::io::sink());
            self.pos += copied.as_ref().copied().unwrap_or(0);
            return Some(Err(WarcError {
                offset: start,
                message: format!(
                    "{n} bytes, more than the {} MB kept; skipped",
                    MAX_RECORD >> 20
                ),
            }));
        }
        let mut block = Vec::with_capacity(n as usize);
        match self.r.by_ref().take(n).read_to_end(&mut block) {
            Ok(got) => {
                self.pos += got as u64;
                if (got as u64) < n {
                    self.done = true;
                    return Some(Err(WarcError {
                        offset: start,
                        message: format!("truncated: {got} of its {n} bytes"),
                    }));
                }
            }
            Err(e) => return Some(Err(self.fail(start, e))),
        }
        rec.block = block;
        Some(Ok(rec))
    }

    fn fail(&mut self, at: u64, e: std::io::Error) -> WarcError {
        // a damaged compressed stream cannot be read past
        self.done = true;
        WarcError {
            offset: at,
            message: format!("unreadable: {e}"),
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Record, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.next_record()
    }
}

/// An HTML page a WARC holds: a 2xx response record with an HTML body.
#[derive(Debug, Clone)]
pub struct PageRecord {
    /// `WARC-Target-URI`, else `WARC-Record-ID`, else `NAME@OFFSET`
    pub id: String,
    /// where it was fetched from and when (`WARC-Target-URI`, `WARC-Date`)
    pub target: Option<String>,
    pub date: Option<String>,
    /// the charset of its HTTP header
    pub charset: Option<String>,
    pub body: Vec<u8>,
    /// where its record began in the (decompressed) stream
    pub offset: u64,
}

/// The HTML pages of a WARC, one record at a time; the records that hold none are counted
/// by kind in [`Pages::skipped`] ("request", "HTTP 404", "non-HTML responses", ...).
pub struct Pages<R> {
    records: Reader<R>,
    name: String,
    pub skipped: std::collections::BTreeMap<String, usize>,
}

impl<R: BufRead> Pages<R> {
    /// The pages of `records`; `name` (the file's) makes the id of a record with no address.
    pub fn new(records: Reader<R>, name: &str) -> Self {
        Pages {
            records,
            name: name.to_string(),
            skipped: Default::default(),
        }
    }

    /// What was skipped, as one phrase ("26 request, 1 warcinfo"), None when nothing was.
    pub fn skipped_summary(&self) -> Option<String> {
        (!self.skipped.is_empty()).then(|| {
            let said: Vec<String> = self
                .skipped
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            said.join(", ")
        })
    }
}

impl<R: BufRead> Iterator for Pages<R> {
    type Item = Result<PageRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rec = match self.records.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e)),
            };
            let http = rec
                .http()
                .filter(|h| (200..300).contains(&h.status) && h.is_html());
            let Some(http) = http else {
                let kind = match (rec.kind.as_str(), rec.http()) {
                    ("response", Some(h)) if !(200..300).contains(&h.status) => {
                        format!("HTTP {}", h.status)
                    }
                    ("response", Some(_)) => "non-HTML responses".to_string(),
                    ("response", None) => "unreadable responses".to_string(),
                    (k, _) => k.to_string(),
                };
                *self.skipped.entry(kind).or_default() += 1;
                continue;
            };
            let id = rec
                .target
                .clone()
                .or(rec.id.clone())
                .unwrap_or_else(|| format!("{}@{}", self.name, rec.offset));
            return Some(Ok(PageRecord {
                id,
                charset: http.charset().map(str::to_string),
                body: http.body,
                target: rec.target,
                date: rec.date,
                offset: rec.offset,
            }));
        }
    }
}

/// A reader for a file's bytes: gzipped (every record a member, or the whole file) or plain.
pub fn open(r: impl Read + 'static) -> Reader<Box<dyn BufRead>> {
    let mut br = std::io::BufReader::with_capacity(1 << 16, r);
    let gz = br
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    let inner: Box<dyn BufRead> = if gz {
        Box::new(std::io::BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(br),
        ))
    } else {
        Box::new(br)
    };
    Reader::new(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, block: &str) -> String {
        format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-02-10T03:00:00Z\r\nContent-Length: {}\r\n\r\n{block}\r\n\r\n",
            block.len()
        )
    }

    #[test]
    fn records_responses_and_damage() {
        let html = "<html><body><p>Halo</p></body></html>";
        let resp = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n{html}");
        let chunked = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n<p>ab \r\n5\r\ncd</p\r\n1\r\n>\r\n0\r\n\r\n";
        let data = format!(
            "{}{}garbage line\r\n{}{}",
            record("warcinfo", "", "software: test"),
            record("response", "https://contoh.id/a", &resp),
            record("response", "https://contoh.id/b", chunked),
            &record("response", "https://contoh.id/c", &resp)[..60]
        );
        let recs: Vec<_> = open(std::io::Cursor::new(data.into_bytes())).collect();
        assert_eq!(recs.len(), 4, "{recs:?}");
        let a = recs[1].as_ref().unwrap();
        assert_eq!(a.target.as_deref(), Some("https://contoh.id/a"));
        let h = a.http().unwrap();
        assert!(h.is_html() && h.charset() == Some("utf-8"));
        // a chunked header over a body that is not chunked: the body as it is
        assert_eq!(String::from_utf8(h.body).unwrap(), html);
        let b = recs[2].as_ref().unwrap().http().unwrap();
        assert_eq!(String::from_utf8(b.body).unwrap(), "<p>ab cd</p>");
        let e = recs[3].as_ref().unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
    }

    #[test]
    fn gzip_members() {
        use std::io::Write;
        let mut all = Vec::new();
        for k in 0..3 {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(
                record(
                    "response",
                    &format!("https://contoh.id/{k}"),
                    "HTTP/1.1 200 OK\r\n\r\n<html>x</html>",
                )
                .as_bytes(),
            )
            .unwrap();
            all.extend(gz.finish().unwrap());
        }
        let recs: Vec<_> = open(std::io::Cursor::new(all))
            .map(Result::unwrap)
            .collect();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[2].target.as_deref(), Some("https://contoh.id/2"));
    }
}
