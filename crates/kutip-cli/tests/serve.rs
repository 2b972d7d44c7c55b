//! `kutip serve` over real sockets: statuses and JSON errors, body limit, the ingest token,
//! and a clean exit on SIGTERM.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = common::kutip()
            .arg("serve")
            .args(if args.contains(&"--addr") {
                &[][..]
            } else {
                &["--addr", "127.0.0.1:0"][..]
            })
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim()
            .to_string();
        Server { child, addr }
    }

    fn request(&self, method: &str, path: &str, headers: &[&str], body: &[u8]) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for h in headers {
            req.push_str(h);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        let _ = s.write_all(body); // the server may answer 413 before reading it all
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        let text = String::from_utf8_lossy(&out).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|x| x.1)
            .unwrap_or("")
            .to_string();
        (status, body)
    }

    fn stop(mut self) -> i32 {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

impl Drop for Server {
    /// A failed test does not leave its server running (holding the test's output open).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

const ARTICLE: &str = "JAKARTA, KOMPAS.com - Menteri Kesehatan Budi Santoso mengatakan, stok vaksin aman.\n\n\u{201c}Kami sudah menyiapkan 2 juta dosis,\u{201d} kata Budi, Senin (6/5/2024).\n\nBaca juga: Vaksin Tiba di Jakarta\n";

#[test]
fn extract_errors_and_limits() {
    let srv = Server::start(&["--body-limit", "4096"]);
    let (st, body) = srv.request("GET", "/healthz", &[], b"");
    assert_eq!(st, 200);
    assert_eq!(json(&body)["status"], "ok");

    let (st, body) = srv.request(
        "POST",
        "/v1/extract",
        &["Content-Type: text/plain"],
        ARTICLE.as_bytes(),
    );
    assert_eq!(st, 200, "{body}");
    let l = json(&body);
    assert_eq!(l["schema"], "kutip/1");
    let q = &l["quotes"][1];
    assert_eq!(q["speaker"]["name"], "Budi Santoso");
    assert_eq!(q["role"], "Menteri Kesehatan");
    assert_eq!(l["blocks"][3]["kind"], "boilerplate");

    let doc = serde_json::json!({"text": ARTICLE, "id": "x1", "date": "2024-05-06"}).to_string();
    let (st, body) = srv.request(
        "POST",
        "/v1/extract",
        &["Content-Type: application/json"],
        doc.as_bytes(),
    );
    assert_eq!(st, 200);
    assert_eq!(json(&body)["id"], "x1");
    assert_eq!(json(&body)["meta"]["date"], "2024-05-06");

    let cases: Vec<(&str, Vec<u8>, &str, u16, &str)> = vec![
        (
            "POST",
            b"{\"text\": ".to_vec(),
            "application/json",
            400,
            "invalid JSON",
        ),
        (
            "POST",
            b"{\"title\": \"x\"}".to_vec(),
            "application/json",
            400,
            "needs \"text\"",
        ),
        (
            "POST",
            b"caf\xe9 \xff".to_vec(),
            "text/plain",
            400,
            "not valid UTF-8",
        ),
        (
            "POST",
            vec![b'a'; 10_000],
            "text/plain",
            413,
            "larger than the limit",
        ),
    ];
    for (m, b, ct, code, msg) in cases {
        let (st, body) = srv.request(m, "/v1/extract", &[&format!("Content-Type: {ct}")], &b);
        assert_eq!(st, code, "{body}");
        let e = json(&body);
        assert_eq!(e["error"]["status"], code);
        assert!(
            e["error"]["message"].as_str().unwrap().contains(msg),
            "{body}"
        );
    }
    let (st, body) = srv.request("GET", "/nope", &[], b"");
    assert_eq!(
        (st, json(&body)["error"]["status"].as_u64()),
        (404, Some(404))
    );
    let (st, body) = srv.request("GET", "/v1/extract", &[], b"");
    assert_eq!(
        (st, json(&body)["error"]["status"].as_u64()),
        (405, Some(405))
    );
    // without a database the corpus endpoints say so
    let (st, body) = srv.request("GET", "/v1/quotes?speaker=Budi", &[], b"");
    assert_eq!(st, 503);
    assert!(body.contains("no ledger database"));
    // the server keeps serving after all of that
    let (st, _) = srv.request("POST", "/v1/extract", &[], ARTICLE.as_bytes());
    assert_eq!(st, 200);
    // a web page, as text/html (its charset from the header) or as JSON {"html": ...}: the
    // ledger carries the main text it analysed, and the page's metadata
    let page = "<!doctype html><html><head><title>Banjir di Demak - Warta Contoh</title>\
        <meta property=\"og:site_name\" content=\"Warta Contoh\"></head><body>\
        <nav><a href=/>Beranda</a> <a href=/n>Nasional</a></nav><article><h1>Banjir di Demak</h1>\
        <p>Banjir merendam ribuan rumah di Kabupaten Demak sejak Senin pagi setelah tanggul jebol.</p>\
        <p>&ldquo;Kami sudah mengerahkan perahu karet untuk warga,&rdquo; kata Kepala BPBD Demak \
        Agus Salim kepada wartawan di posko pengungsian pada Senin.</p></article></body></html>";
    let (st, body) = srv.request(
        "POST",
        "/v1/extract",
        &["Content-Type: text/html; charset=utf-8"],
        page.as_bytes(),
    );
    assert_eq!(st, 200, "{body}");
    let l = json(&body);
    let text = l["text"]
        .as_str()
        .expect("a page's ledger carries its text");
    assert!(!text.contains('<') && !text.contains("Beranda"), "{text}");
    assert_eq!(l["meta"]["title"], "Banjir di Demak");
    assert_eq!(l["meta"]["outlet"], "Warta Contoh");
    let q = &l["quotes"][0];
    let (s, e) = (
        q["start"].as_u64().unwrap() as usize,
        q["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(text.get(s..e), q["text"].as_str());
    assert_eq!(q["speaker"]["name"], "Agus Salim");
    let req = serde_json::json!({"html": page, "id": "p1", "url": "https://warta.contoh/banjir"});
    let (st, body) = srv.request(
        "POST",
        "/v1/extract",
        &["Content-Type: application/json"],
        req.to_string().as_bytes(),
    );
    assert_eq!(st, 200, "{body}");
    let l = json(&body);
    assert_eq!(
        (l["id"].as_str(), l["meta"]["url"].as_str()),
        (Some("p1"), Some("https://warta.contoh/banjir"))
    );
    assert_eq!(l["quotes"][0]["speaker"]["name"], "Agus Salim");
    let (st, body) = srv.request("GET", "/openapi.json", &[], b"");
    assert_eq!(st, 200);
    let spec = json(&body);
    for p in [
        "/v1/extract",
        "/v1/quotes",
        "/v1/figures",
        "/v1/speakers",
        "/v1/disagreements",
        "/healthz",
    ] {
        assert!(spec["paths"][p].is_object(), "openapi lacks {p}");
    }
    let (st, page) = srv.request("GET", "/", &[], b"");
    assert_eq!(st, 200);
    assert!(
        page.contains("<script src=\"/app.js\">")
            && !page.contains("http://")
            && !page.contains("https://")
    );
    assert_eq!(srv.stop(), 0, "clean exit on SIGTERM");
}

#[test]
fn ingest_needs_the_token_and_queries_see_it() {
    let dir = common::tmp("serve");
    let db = dir.join("l.db");
    let srv = Server::start(&["--db", db.to_str().unwrap(), "--ingest-token", "s3cret"]);
    let doc = serde_json::json!([{"id": "a", "text": ARTICLE, "date": "2024-05-06"}]).to_string();
    let ct = "Content-Type: application/json";
    let (st, body) = srv.request("POST", "/v1/ingest", &[ct], doc.as_bytes());
    assert_eq!(st, 401, "{body}");
    let (st, _) = srv.request(
        "POST",
        "/v1/ingest",
        &[ct, "Authorization: Bearer nope"],
        doc.as_bytes(),
    );
    assert_eq!(st, 401);
    let (st, body) = srv.request(
        "POST",
        "/v1/ingest",
        &[ct, "Authorization: Bearer s3cret"],
        doc.as_bytes(),
    );
    assert_eq!(st, 200, "{body}");
    assert_eq!(json(&body)["ingested"]["new"], 1);
    let (st, body) = srv.request("GET", "/v1/quotes?speaker=Budi&text=dosis", &[], b"");
    assert_eq!(st, 200, "{body}");
    let q = json(&body);
    assert_eq!(q["quotes"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(q["quotes"][0]["speaker"], "Budi Santoso");
    let (st, body) = srv.request("GET", "/v1/figures?category=count", &[], b"");
    assert_eq!(st, 200, "{body}");
    let (st, body) = srv.request("GET", "/v1/quotes?kind=sideways", &[], b"");
    assert_eq!(st, 400, "{body}");
    let (st, _) = srv.request("GET", "/v1/speakers", &[], b"");
    assert_eq!(st, 200);
    // empty parameters are no filter; out-of-range ones are refused
    let (st, body) = srv.request("GET", "/v1/quotes?speaker=&text=&kind=", &[], b"");
    assert_eq!(st, 200, "{body}");
    assert_eq!(json(&body)["quotes"].as_array().unwrap().len(), 2);
    let (st, body) = srv.request("GET", "/v1/quotes?text=%22%29", &[], b"");
    assert_eq!(st, 200, "{body}");
    assert_eq!(json(&body)["quotes"].as_array().unwrap().len(), 0);
    // a page of rows with the total; the next page from the offset
    let (st, body) = srv.request("GET", "/v1/quotes?limit=1&offset=1", &[], b"");
    assert_eq!(st, 200, "{body}");
    let q = json(&body);
    assert_eq!(
        (q["total"].as_u64(), q["offset"].as_u64()),
        (Some(2), Some(1)),
        "{body}"
    );
    assert_eq!(q["quotes"].as_array().unwrap().len(), 1);
    assert!(q["next"].is_null());
    assert!(q["quotes"][0]["doc_id"] == "a" && q["quotes"][0].get("url").is_some());
    // the current query as a spreadsheet
    let (st, body) = srv.request("GET", "/v1/quotes?format=csv", &[], b"");
    assert_eq!(st, 200, "{body}");
    assert!(
        body.trim_start_matches('\u{feff}')
            .starts_with("date,outlet,title,url"),
        "{body}"
    );
    assert_eq!(body.lines().count(), 3, "{body}");
    for bad in [
        "/v1/quotes?format=xml",
        "/v1/figures?limit=5001",
        "/v1/merges?limit=0",
        "/v1/disagreements?window=40000",
        "/v1/quotes?since=2025-13-45",
        "/v1/quotes?until=yesterday",
        "/v1/figures?category=deaths",
        "/v1/quotes?offset=-1",
    ] {
        let (st, body) = srv.request("GET", bad, &[], b"");
        assert_eq!(st, 400, "{bad}: {body}");
    }
    let (st, _) = srv.request("GET", "/v1/disagreements?threshold=0.2&window=30", &[], b"");
    assert_eq!(st, 200);
    assert_eq!(srv.stop(), 0);

    // without a token, ingest is off
    let srv = Server::start(&["--db", db.to_str().unwrap()]);
    let (st, body) = srv.request(
        "POST",
        "/v1/ingest",
        &[ct, "Authorization: Bearer s3cret"],
        doc.as_bytes(),
    );
    assert_eq!(st, 403, "{body}");
    assert_eq!(srv.stop(), 0);
}

/// Send raw bytes, read until the server closes (or `wait` passes): (response, seconds).
fn raw(addr: &str, bytes: &[u8], wait: u64) -> (String, f64) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(wait)))
        .unwrap();
    let t = std::time::Instant::now();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    (
        String::from_utf8_lossy(&out).into_owned(),
        t.elapsed().as_secs_f64(),
    )
}

fn status_and_body(resp: &str) -> (u16, serde_json::Value) {
    let status = resp
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
    (status, json(body))
}

#[test]
fn hostile_clients_are_answered_in_json_and_shed() {
    let srv = Server::start(&["--header-timeout", "1", "--addr", "localhost:0"]);
    let a = srv.addr.clone();
    // a body announced far past the limit is refused before it is read
    let (r, secs) = raw(
        &a,
        b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc",
        10,
    );
    let (st, e) = status_and_body(&r);
    assert_eq!((st, e["error"]["status"].as_u64()), (413, Some(413)), "{r}");
    assert!(secs < 2.0, "{secs}");
    // what the HTTP engine itself refuses is JSON too
    for (req, code) in [
        (b"NOT HTTP AT ALL\r\n\r\n".to_vec(), 400u16),
        (b"GET / HTTP/1.1\r\nHost x\r\n\r\n".to_vec(), 400),
        (
            [
                b"GET /v1/quotes?text=".as_slice(),
                &[b'a'; 20_000],
                b" HTTP/1.1\r\nHost: x\r\n\r\n",
            ]
            .concat(),
            414,
        ),
        (
            [
                b"GET / HTTP/1.1\r\nHost: x\r\nX-A: ".as_slice(),
                &[b'a'; 30_000],
                b"\r\n\r\n",
            ]
            .concat(),
            431,
        ),
        (
            [
                b"GET / HTTP/1.1\r\nHost: x\r\nX-A: ".as_slice(),
                &[b'a'; 700_000],
                b"\r\n\r\n",
            ]
            .concat(),
            431,
        ),
    ] {
        let (r, _) = raw(&a, &req, 10);
        let (st, e) = status_and_body(&r);
        assert_eq!(
            (st, e["error"]["status"].as_u64()),
            (code, Some(code as u64)),
            "{r}"
        );
    }
    // a NUL in a parameter is the client's error
    let (st, body) = srv.request("GET", "/v1/quotes?text=a%00b", &[], b"");
    assert_eq!(st, 400, "{body}");
    // trickled headers and idle kept-alive connections are closed
    let mut s = TcpStream::connect(&a).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let t = std::time::Instant::now();
    let _ = s.write_all(b"GET / HT");
    let mut buf = [0u8; 64];
    assert_eq!(s.read(&mut buf).unwrap_or(0), 0);
    assert!(
        t.elapsed().as_secs_f64() < 5.0,
        "trickle: {:?}",
        t.elapsed()
    );
    let mut s = TcpStream::connect(&a).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let t = std::time::Instant::now();
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200"));
    assert!(t.elapsed().as_secs_f64() < 5.0, "idle: {:?}", t.elapsed());
    // the page and every response carry the protective headers
    let (r, _) = raw(
        &a,
        b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        10,
    );
    let head = r.split_once("\r\n\r\n").unwrap().0.to_ascii_lowercase();
    for h in [
        "x-content-type-options: nosniff",
        "x-frame-options: deny",
        "content-security-policy: default-src 'none'; script-src 'self'",
    ] {
        assert!(head.contains(h), "{h} in {head}");
    }
    assert_eq!(srv.stop(), 0);
}

#[test]
fn load_is_shed_and_given_up_work_stops() {
    let srv = Server::start(&["--workers", "1", "--timeout", "1"]);
    let big: String = (0..20_000)
        .map(|k| format!("“Harga naik {k} persen,” kata Budi Santoso{k} di Bandung. "))
        .collect();
    let addr = srv.addr.clone();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (a, b) = (addr.clone(), big.clone());
            std::thread::spawn(move || {
                let req = format!(
                    "POST /v1/extract HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{b}",
                    b.len()
                );
                raw(&a, req.as_bytes(), 30).0
            })
        })
        .collect();
    let answers: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let shed = answers
        .iter()
        .filter(|r| r.starts_with("HTTP/1.1 503"))
        .collect::<Vec<_>>();
    assert!(!shed.is_empty(), "{answers:?}");
    for r in &shed {
        assert!(r.to_ascii_lowercase().contains("retry-after: 1"), "{r}");
        assert_eq!(status_and_body(r).1["error"]["status"], 503);
    }
    // the server is idle again at once: the given-up work has stopped
    let (st, _) = srv.request("GET", "/healthz", &[], b"");
    assert_eq!(st, 200);
    assert_eq!(srv.stop(), 0);
}

#[test]
fn an_http_ingest_after_a_cli_ingest_keeps_its_speaker_and_a_timed_out_one_commits_nothing() {
    let dir = common::tmp("two-writers-http");
    let db = dir.join("l.db");
    let db_s = db.to_str().unwrap();
    let srv = Server::start(&["--db", db_s, "--ingest-token", "t", "--timeout", "2"]);
    // another process writes to the ledger the server has open
    let f = dir.join("a.jsonl");
    std::fs::write(
        &f,
        "{\"id\":\"cli\",\"text\":\"“Stok beras aman,” kata Budi Santoso.\"}\n",
    )
    .unwrap();
    let (code, _, err) = common::run(&["ingest", "--db", db_s, f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let doc = serde_json::json!({"id": "http", "text": "“Harga cabai turun,” kata Siti Aminah."})
        .to_string();
    let hdr = ["Content-Type: application/json", "Authorization: Bearer t"];
    let (st, body) = srv.request("POST", "/v1/ingest", &hdr, doc.as_bytes());
    assert_eq!(st, 200, "{body}");
    let (_, body) = srv.request("GET", "/v1/quotes?limit=10", &[], b"");
    let v = json(&body);
    let who: Vec<(String, String)> = v["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["doc_id"].as_str().unwrap().to_string(),
                q["speaker"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        who.contains(&("http".into(), "Siti Aminah".into())),
        "{who:?}"
    );
    assert!(
        who.contains(&("cli".into(), "Budi Santoso".into())),
        "{who:?}"
    );
    // a batch that cannot finish within the timeout is answered 503 and not stored
    let text: String = (0..40_000)
        .map(|k| format!("“Harga naik {k} persen,” kata Agus Wirawan{k}. "))
        .collect();
    let batch: Vec<serde_json::Value> = (0..8)
        .map(|k| serde_json::json!({"id": format!("slow{k}"), "text": text}))
        .collect();
    let srv2 = {
        assert_eq!(srv.stop(), 0);
        Server::start(&[
            "--db",
            db_s,
            "--ingest-token",
            "t",
            "--timeout",
            "1",
            "--body-limit",
            "100000000",
        ])
    };
    let (st, body) = srv2.request(
        "POST",
        "/v1/ingest",
        &hdr,
        serde_json::Value::Array(batch).to_string().as_bytes(),
    );
    assert_eq!(st, 503, "{body}");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let c = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = c
        .query_row(
            "SELECT count(*) FROM documents WHERE id LIKE 'slow%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(srv2.stop(), 0);
}
