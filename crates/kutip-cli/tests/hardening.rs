//! Regression tests of the hardening issue: inputs that used to crash, lose or double
//! documents, or change results.

mod common;
use common::{jsonl, kutip, run, run_stdin, tmp};

#[test]
fn a_request_verb_at_the_end_of_a_truncated_document_does_not_crash() {
    for verb in [
        "meminta",
        "mendesak",
        "menuntut",
        "mengajak",
        "memerintahkan",
        "menginstruksikan",
        "mengimbau",
    ] {
        let (code, out, err) = run_stdin(&["extract", "-"], format!("Ia {verb}").as_bytes());
        assert_eq!(code, 0, "{verb}: {err}");
        assert_eq!(jsonl(&out).len(), 1);
    }
}

#[test]
fn an_empty_directory_is_an_error_not_stdin() {
    let d = tmp("emptydir");
    let (code, out, err) = run(&["extract", d.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains(d.to_str().unwrap()) && err.contains("no documents"),
        "{err}"
    );
}

#[test]
fn walks_skip_hidden_and_binary_files_with_one_line_each() {
    let d = tmp("walk");
    std::fs::create_dir_all(d.join(".git")).unwrap();
    std::fs::write(d.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(d.join(".catatan.txt"), "Tersembunyi.").unwrap();
    std::fs::write(
        d.join("a.txt"),
        "Harga cabai naik, kata pedagang Siti Aminah.",
    )
    .unwrap();
    std::fs::write(d.join("laporan.pdf"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
    std::fs::write(d.join("foto.jpg"), b"\xff\xd8\xff\xe0\x00\x10JFIF").unwrap();
    std::fs::write(d.join("data.bin"), b"abc\x00\x01\x02def").unwrap();
    let (code, out, err) = run(&["extract", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let docs = jsonl(&out);
    assert_eq!(docs.len(), 1, "{out}");
    assert!(docs[0]["id"].as_str().unwrap().ends_with("a.txt"));
    let skips: Vec<&str> = err.lines().filter(|l| l.contains("skipped,")).collect();
    assert_eq!(skips.len(), 3, "{err}");
    assert!(!err.contains("HEAD") && !err.contains("catatan"), "{err}");
    assert!(!err.contains("--lossy"), "{err}");
}

#[test]
fn jsonl_is_chosen_by_extension_and_input_overrides() {
    let d = tmp("ext");
    let f = d.join("berita.ndjson");
    std::fs::write(
        &f,
        "{\"id\":\"x\",\"text\":\"Satu.\"}\n{\"id\":\"y\",\"text\":\"Dua.\"}\n",
    )
    .unwrap();
    let (code, out, _) = run(&["extract", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    let ids: Vec<String> = jsonl(&out)
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["x", "y"]);
    // forced to text, the file is one document
    let (_, out, _) = run(&["extract", "--input", "text", f.to_str().unwrap()]);
    assert_eq!(jsonl(&out).len(), 1);
    // JSON lines on stdin are recognised by their content
    let (_, out, _) = run_stdin(&["extract"], b"{\"id\":\"z\",\"text\":\"Tiga.\"}\n");
    assert_eq!(jsonl(&out)[0]["id"], "z");
}

#[test]
fn one_file_reached_by_two_spellings_has_one_id() {
    let d = tmp("spell");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    let f = d.join("sub/a.txt");
    std::fs::write(&f, "Kata Budi, harga naik.").unwrap();
    let a = f.to_str().unwrap().to_string();
    let b = d.join("sub/../sub/./a.txt").to_str().unwrap().to_string();
    let o = kutip()
        .args(["extract", "a.txt"])
        .current_dir(d.join("sub"))
        .output()
        .unwrap();
    let c = jsonl(&String::from_utf8_lossy(&o.stdout))[0]["id"].clone();
    let (_, out, _) = run(&["extract", &a, &b]);
    let v = jsonl(&out);
    assert_eq!(v[0]["id"], v[1]["id"]);
    assert_eq!(v[0]["id"], c);
    // the name as given stays in meta.path
    assert_eq!(v[1]["meta"]["path"], b.as_str());
}

/// (quote texts with speakers, figure texts with values) of each ledger line.
fn gist(out: &str) -> Vec<(Vec<String>, Vec<String>)> {
    jsonl(out)
        .iter()
        .map(|l| {
            let q = l["quotes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| format!("{} / {}", q["text"], q["speaker"]["name"]))
                .collect();
            let f = l["figures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| format!("{} / {}", f["text"], f["value"]))
                .collect();
            (q, f)
        })
        .collect()
}

#[test]
fn a_bom_or_old_mac_line_endings_change_no_detik_ledger() {
    let Some(p) = common::shared("data/news/detik.jsonl") else {
        return;
    };
    let docs: Vec<serde_json::Value> = std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .take(200)
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let variant = |f: &dyn Fn(&str) -> String| -> String {
        let mut s = String::new();
        for d in &docs {
            let mut d = d.clone();
            d["text"] = f(d["text"].as_str().unwrap()).into();
            s.push_str(&d.to_string());
            s.push('\n');
        }
        s
    };
    let run_on = |input: String| {
        let (code, out, err) = run_stdin(&["extract", "--input", "jsonl"], input.as_bytes());
        assert_eq!(code, 0, "{err}");
        gist(&out)
    };
    let plain = run_on(variant(&|t| t.to_string()));
    assert_eq!(plain, run_on(variant(&|t| format!("\u{feff}{t}"))), "BOM");
    assert_eq!(plain, run_on(variant(&|t| t.replace('\n', "\r"))), "CR");
}

fn count(db: &std::path::Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_repeated_id_keeps_the_first_document_on_every_run() {
    let d = tmp("dupid");
    let f = d.join("in.jsonl");
    std::fs::write(
        &f,
        "{\"id\":\"a\",\"text\":\"“Stok beras aman,” kata Budi Santoso.\"}\n\
         {\"id\":\"b\",\"text\":\"Harga naik, kata Siti Aminah.\"}\n\
         {\"id\":\"a\",\"text\":\"“Stok gula menipis,” kata Agus Wirawan.\"}\n",
    )
    .unwrap();
    let db = d.join("l.db");
    let (db_s, f_s) = (db.to_str().unwrap(), f.to_str().unwrap());
    for run_no in 0..3 {
        let (code, _, err) = run(&["ingest", "--db", db_s, f_s]);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("in.jsonl:3") && err.contains("in.jsonl:1") && err.contains("\"a\""),
            "run {run_no}: {err}"
        );
        assert!(err.contains("1 duplicate ids"), "{err}");
        let c = rusqlite::Connection::open(&db).unwrap();
        let text: String = c
            .query_row("SELECT text FROM quotes WHERE doc_id = 'a'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(text, "Stok beras aman", "run {run_no}");
        // the summary's totals are what the database holds
        assert!(
            err.contains(&format!(
                "{db_s}: 2 documents, {} statements",
                count(&db, "quotes")
            )),
            "{err}"
        );
    }
}

#[test]
fn two_ingests_on_a_new_file_both_finish() {
    let d = tmp("race");
    let mut corpus = String::new();
    for k in 0..400 {
        corpus.push_str(
            &serde_json::json!({
                "id": format!("d{k}"),
                "text": format!("“Harga beras naik {k} persen,” kata Budi Santoso{k}. Sebanyak {k} rumah terendam."),
            })
            .to_string(),
        );
        corpus.push('\n');
    }
    let f = d.join("c.jsonl");
    std::fs::write(&f, corpus).unwrap();
    for round in 0..3 {
        let db = d.join(format!("l{round}.db"));
        let spawn = || {
            kutip()
                .args(["ingest", "--batch", "50", "--db"])
                .arg(&db)
                .arg(&f)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for c in [a, b] {
            let o = c.wait_with_output().unwrap();
            assert!(
                o.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        assert_eq!(count(&db, "documents"), 400);
        assert_eq!(count(&db, "quotes"), 400);
    }
}

#[test]
fn a_damaged_ledger_is_refused_and_check_lists_the_damage() {
    let d = tmp("damage");
    let mut corpus = String::new();
    for k in 0..300 {
        corpus.push_str(
            &serde_json::json!({"id": format!("d{k}"), "text": format!("“Harga naik {k} persen,” kata Budi Santoso{k}.")})
                .to_string(),
        );
        corpus.push('\n');
    }
    let f = d.join("c.jsonl");
    std::fs::write(&f, corpus).unwrap();
    let db = d.join("l.db");
    let (db_s, f_s) = (db.to_str().unwrap(), f.to_str().unwrap());
    assert_eq!(run(&["ingest", "--db", db_s, f_s]).0, 0);
    let (code, out, _) = run(&["check", "--db", db_s]);
    assert_eq!((code, out.trim()), (0, format!("{db_s}: ok").as_str()));
    let mut b = std::fs::read(&db).unwrap();
    let mid = b.len() / 2;
    for (i, x) in b[mid..mid + 8192].iter_mut().enumerate() {
        *x = (i * 13 % 251) as u8;
    }
    std::fs::write(&db, &b).unwrap();
    let (code, _, err) = run(&["ingest", "--db", db_s, f_s]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(db_s) && err.contains("damaged"), "{err}");
    assert_eq!(err.matches("damaged").count(), 1, "said once: {err}");
    let (code, _, _) = run(&["check", "--db", db_s]);
    assert_eq!(code, 1);
}
