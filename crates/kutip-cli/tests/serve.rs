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
            .args(["serve", "--addr", "127.0.0.1:0"])
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
            "missing field `text`",
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
    for bad in [
        "/v1/figures?limit=5001",
        "/v1/merges?limit=0",
        "/v1/disagreements?window=40000",
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
