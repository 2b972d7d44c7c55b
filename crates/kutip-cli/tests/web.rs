//! Web pages and web archives end to end: a WARC written here from our own pages (gzip
//! members as crawlers write them, a non-HTML response, a truncated record), `extract` and
//! `ingest` over it, and the extraction bars on ../shared/data/html when it is present.

mod common;
use common::{kutip, shared, tmp};
use flate2::write::GzEncoder;
use std::io::{Read, Write};

/// One article page of our own: a menu, the article, a related-links list.
fn page(title: &str, speaker: &str, said: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title} - Warta Contoh</title>\
         <meta property=\"og:site_name\" content=\"Warta Contoh\"></head><body>\
         <nav><ul><li><a href=\"/\">Beranda</a></li><li><a href=\"/daerah\">Daerah</a></li></ul></nav>\
         <article><h1>{title}</h1>\
         <p>Selasa, 21 Okt 2025 14:30 WIB</p>\
         <p>Hujan deras sejak Senin malam membuat sungai meluap dan merendam permukiman warga di \
         tepi kota, sementara petugas mendirikan dapur umum di balai desa.</p>\
         <p>&ldquo;{said},&rdquo; kata {speaker} kepada wartawan di posko pengungsian pada Selasa.</p>\
         </article><aside><h3>Berita Terkait</h3><ul><li><a href=\"/a\">Jembatan putus di hulu</a></li>\
         <li><a href=\"/b\">Harga sayur naik</a></li></ul></aside></body></html>"
    )
}

/// A WARC record (version 1.1) with its block.
fn record(kind: &str, uri: &str, date: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: {date}\r\n\
         WARC-Record-ID: <urn:uuid:{:08x}-0000-0000-0000-000000000000>\r\n\
         Content-Length: {}\r\n\r\n",
        uri.len() * 7919 + block.len(),
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut h = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    h.extend_from_slice(body);
    h
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A crawl: warcinfo, request and response pairs, an image, and (when `truncated`) a last
/// record cut short. Each record is its own gzip member, as Common Crawl writes them.
fn crawl(truncated: bool) -> Vec<u8> {
    let mut out = gz(&record(
        "warcinfo",
        "",
        "2025-10-21T08:00:00Z",
        b"software: kutip tests\r\n",
    ));
    let pages = [
        (
            "https://warta.contoh/banjir",
            "Banjir rendam Demak",
            "Agus Salim",
            "Kami sudah mengerahkan perahu karet",
        ),
        (
            "https://warta.contoh/longsor",
            "Longsor di Banjarnegara",
            "Rina Wulandari",
            "Warga kami minta mengungsi dulu",
        ),
    ];
    for (uri, title, who, said) in pages {
        out.extend(gz(&record(
            "request",
            uri,
            "2025-10-21T08:00:01Z",
            b"GET / HTTP/1.1\r\n\r\n",
        )));
        let body = page(title, who, said);
        out.extend(gz(&record(
            "response",
            uri,
            "2025-10-21T08:00:02Z",
            &http("text/html; charset=utf-8", body.as_bytes()),
        )));
    }
    out.extend(gz(&record(
        "response",
        "https://warta.contoh/logo.png",
        "2025-10-21T08:00:03Z",
        &http("image/png", b"\x89PNG\r\n\x1a\n...."),
    )));
    if truncated {
        let r = record(
            "response",
            "https://warta.contoh/terpotong",
            "2025-10-21T08:00:04Z",
            &http(
                "text/html",
                page("Terpotong", "Budi", "Ini tidak lengkap").as_bytes(),
            ),
        );
        out.extend(gz(&r[..r.len() / 2]));
    }
    out
}

fn ledgers(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a ledger per line"))
        .collect()
}

#[test]
fn a_crawl_reads_as_documents_with_their_address_date_and_statements() {
    let d = tmp("warc");
    let f = d.join("crawl.warc.gz");
    std::fs::write(&f, crawl(true)).unwrap();
    let out = kutip().arg("extract").arg(&f).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let ls = ledgers(&out.stdout);
    assert_eq!(ls.len(), 2, "{err}");
    assert_eq!(ls[0]["id"], "https://warta.contoh/banjir");
    assert_eq!(ls[0]["meta"]["title"], "Banjir rendam Demak");
    assert_eq!(ls[0]["meta"]["outlet"], "Warta Contoh");
    assert_eq!(ls[0]["meta"]["date"], "2025-10-21T14:30:00+07:00");
    assert_eq!(ls[1]["quotes"][0]["speaker"]["name"], "Rina Wulandari");
    for l in &ls {
        let text = l["text"].as_str().expect("the analysed text");
        assert!(
            !text.contains("Beranda") && !text.contains("Jembatan putus"),
            "{text}"
        );
        for q in l["quotes"].as_array().unwrap() {
            let (s, e) = (
                q["start"].as_u64().unwrap() as usize,
                q["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(text.get(s..e), q["text"].as_str());
        }
        for b in l["blocks"].as_array().unwrap() {
            assert!(
                b["html"]["start"].as_u64().is_some(),
                "each block has its element: {b}"
            );
        }
    }
    // the image and the request/warcinfo records are counted once; the cut record is an error
    // that names the file and where, and the run says it failed
    assert!(
        err.contains("1 non-HTML responses") && err.contains("2 request"),
        "{err}"
    );
    assert!(
        err.contains("crawl.warc.gz") && err.contains("truncated"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1), "{err}");

    // the same crawl uncompressed, and the whole of it into a ledger database
    let plain = d.join("crawl.warc");
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(&crawl(false)[..])
        .read_to_end(&mut raw)
        .unwrap();
    std::fs::write(&plain, &raw).unwrap();
    let out = kutip()
        .args(["extract", "--input", "warc"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ledgers(&out.stdout).len(), 2);
    let db = d.join("w.db");
    let out = kutip()
        .args(["ingest", "--input", "warc", "--db"])
        .arg(&db)
        .arg(&plain)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kutip()
        .args([
            "query",
            "quotes",
            "--speaker",
            "Agus Salim",
            "--format",
            "jsonl",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    let q = String::from_utf8_lossy(&out.stdout);
    assert!(
        q.contains("perahu karet") && q.contains("https://warta.contoh/banjir"),
        "{q}"
    );
}

#[test]
fn an_html_file_is_read_as_a_page_and_binary_files_are_skipped() {
    let d = tmp("html");
    std::fs::write(
        d.join("a.html"),
        page("Banjir rendam Demak", "Agus Salim", "Kami siaga"),
    )
    .unwrap();
    std::fs::write(d.join("b.pdf"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap();
    let out = kutip().arg("extract").arg(&d).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let ls = ledgers(&out.stdout);
    assert_eq!(ls.len(), 1, "{err}");
    assert!(ls[0]["meta"]["path"].as_str().unwrap().ends_with("a.html"));
    assert_eq!(ls[0]["quotes"][0]["speaker"]["name"], "Agus Salim");
    assert!(
        err.contains("b.pdf") && err.to_lowercase().contains("pdf"),
        "{err}"
    );
    assert!(out.status.success(), "{err}");
}

/// The bars on the pages of ../shared/data/html: the benchmark's F1 and the
/// Indonesian pages' word-F1, titles, dates and statements.
#[test]
fn extraction_bars_on_the_shared_pages() {
    let (Some(bench), Some(id)) = (
        shared("data/html/bench/ground-truth.jsonl"),
        shared("data/html/id-news/manifest.jsonl"),
    ) else {
        return;
    };
    let score = |truth: &std::path::Path| -> serde_json::Value {
        let out = kutip()
            .args(["eval", "extraction", "--json"])
            .arg(truth)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let b = score(&bench);
    assert!(b["f1"].as_f64().unwrap() >= 0.95, "bench: {b}");
    let i = score(&id);
    assert!(i["word_f1"].as_f64().unwrap() >= 0.95, "id-news: {i}");
    let share = |k: &str, n: &str| i[k].as_f64().unwrap() / i[n].as_f64().unwrap();
    assert!(
        share("titles_right", "titles") >= 0.9,
        "id-news titles: {i}"
    );
    assert!(share("dates_right", "dates") >= 0.9, "id-news dates: {i}");
    assert!(
        share("statements_alike", "statements_plain") >= 0.95,
        "id-news statements: {i}"
    );
}
