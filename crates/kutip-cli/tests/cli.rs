//! End-to-end tests of the `kutip` binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn kutip() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kutip"))
}

fn shared(rel: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found (../shared is absent)", p.display());
        None
    }
}

fn run_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut c = kutip()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input).unwrap();
    let o = c.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn jsonl_with_a_malformed_line_processes_the_rest() {
    let input = b"{\"id\":\"a\",\"text\":\"Satu.\",\"outlet\":\"x\"}\n{not json\n{\"id\":\"c\",\"text\":\"Tiga.\"}\n";
    let (code, out, err) = run_stdin(&["extract", "--input", "jsonl", "-"], input);
    assert_eq!(code, 1);
    assert!(err.contains("line 2"), "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["meta"]["outlet"], "x");
    assert_eq!(lines[0]["schema"], "kutip/1");
    assert_eq!(lines[1]["id"], "c");
}

#[test]
fn invalid_utf8_names_file_and_byte_and_other_files_go_on() {
    let dir = std::env::temp_dir().join(format!("kutip-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("a_bad.txt");
    let good = dir.join("b_good.txt");
    std::fs::write(&bad, b"Halo \xff dunia.").unwrap();
    std::fs::write(&good, "Ini berita baik.").unwrap();
    let o = kutip().arg("extract").arg(&dir).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("a_bad.txt") && err.contains("byte 5"), "{err}");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    let o = kutip()
        .arg("extract")
        .arg("--lossy")
        .arg(&bad)
        .output()
        .unwrap();
    assert!(o.status.success());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn empty_document_gives_empty_ledger() {
    let (code, out, _) = run_stdin(&["extract", "-"], b"");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["blocks"].as_array().unwrap().len(), 0);
    assert_eq!(v["quotes"].as_array().unwrap().len(), 0);
}

#[test]
fn example_article_structure() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/banjir-demak.txt");
    let text = std::fs::read_to_string(&p).unwrap();
    let o = kutip().arg("extract").arg(&p).output().unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let kinds: Vec<(String, String)> = v["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let (s, e) = (
                b["start"].as_u64().unwrap() as usize,
                b["end"].as_u64().unwrap() as usize,
            );
            (
                b["kind"].as_str().unwrap().to_string(),
                text[s..e].to_string(),
            )
        })
        .collect();
    assert_eq!(kinds[0], ("dateline".into(), "DEMAK, KUTIP.id -".into()));
    assert!(kinds.contains(&("heading".into(), "Dua orang meninggal".into())));
    assert!(kinds
        .iter()
        .any(|(k, t)| k == "boilerplate" && t.starts_with("Baca juga")));
    assert!(kinds
        .iter()
        .any(|(k, t)| k == "boilerplate" && t.starts_with("Editor:")));
}

#[test]
fn rafah_structure() {
    let Some(p) = shared("examples/rafah.txt") else {
        return;
    };
    let text = std::fs::read_to_string(&p).unwrap();
    let o = kutip().arg("extract").arg(&p).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut headings = vec![];
    let mut boiler = vec![];
    for b in v["blocks"].as_array().unwrap() {
        let (s, e) = (
            b["start"].as_u64().unwrap() as usize,
            b["end"].as_u64().unwrap() as usize,
        );
        match b["kind"].as_str().unwrap() {
            "heading" => headings.push(&text[s..e]),
            "boilerplate" => boiler.push(&text[s..e]),
            _ => {}
        }
    }
    assert_eq!(
        headings,
        vec!["Gallant: Hamas tidak serius", "Serangan darat Rafah"]
    );
    assert_eq!(boiler.len(), 1);
    assert!(boiler[0].starts_with("Baca juga:"));
    let o = kutip().arg("segment").arg(&p).output().unwrap();
    let seg: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let sents: Vec<&str> = seg["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(sents
        .iter()
        .any(|s| s.contains("disandera. sebagai imbalan")));
}

#[test]
fn ud_segmentation_bar() {
    for name in ["id_gsd-ud-test.conllu", "id_csui-ud-test.conllu"] {
        let Some(p) = shared(&format!("data/ud/{name}")) else {
            return;
        };
        let o = kutip().args(["eval", "segment"]).arg(&p).output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        let tok_line = out.lines().find(|l| l.starts_with("tokens")).unwrap();
        let f1: f64 = tok_line
            .split("F1 ")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(f1 >= 0.99, "{name}: {out}");
    }
}

#[test]
fn detik_corpus_runs_without_error() {
    let Some(p) = shared("data/news/detik.jsonl") else {
        return;
    };
    let o = kutip()
        .args(["extract", "--input", "jsonl"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 909);
}

#[test]
fn rafah_statements() {
    let Some(p) = shared("examples/rafah.txt") else {
        return;
    };
    let o = kutip().arg("extract").arg(&p).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let qs = v["quotes"].as_array().unwrap();
    // (kind, speaker, mention, role, cue text, content prefix)
    let want = [
        (
            "direct",
            "Netanyahu",
            "Netanyahu",
            None,
            "jelas",
            "Pertama di antaranya",
        ),
        (
            "direct",
            "Netanyahu",
            "tegasnya",
            None,
            "tegasnya",
            "Israel tidak bisa",
        ),
        (
            "indirect",
            "Yoav Gallant",
            "Menteri Pertahanan Israel, Yoav Gallant",
            Some("Menteri Pertahanan Israel"),
            "mengatakan",
            "Hamas tampaknya",
        ),
        (
            "direct",
            "Yoav Gallant",
            "Gallant",
            Some("Menteri Pertahanan Israel"),
            "kata",
            "Kami mengamati",
        ),
        (
            "direct",
            "Yoav Gallant",
            "jelasnya",
            Some("Menteri Pertahanan Israel"),
            "jelasnya",
            "Ini berarti",
        ),
        (
            "mixed",
            "Ismail Haniyeh",
            "Ketua Hamas, Ismail Haniyeh",
            Some("Ketua Hamas"),
            "mengatakan",
            "kelompoknya masih",
        ),
        (
            "mixed",
            "Hamas",
            "Hamas",
            None,
            "meminta",
            "agar Israel menjamin",
        ),
        (
            "mixed",
            "Ismail Haniyeh",
            "Haniyeh",
            Some("Ketua Hamas"),
            "menyalahkan",
            "berlanjutnya agresi",
        ),
    ];
    for (i, w) in want.iter().enumerate() {
        let q = &qs[i];
        assert_eq!(q["kind"], w.0, "#{i} {q}");
        assert_eq!(q["speaker"]["name"], w.1, "#{i}");
        assert_eq!(q["speaker"]["mention"]["text"], w.2, "#{i}");
        assert_eq!(q["role"].as_str(), w.3, "#{i}");
        assert_eq!(q["cue"]["text"], w.4, "#{i}");
        assert!(q["text"].as_str().unwrap().starts_with(w.5), "#{i}");
    }
    // only the optional warning attributed to Israel may follow
    assert!(qs.len() == 8 || (qs.len() == 9 && qs[8]["speaker"]["name"] == "Israel"));
    let text = std::fs::read_to_string(&p).unwrap();
    let baca = text.find("Baca juga").unwrap();
    let baca_end = baca + text[baca..].find('\n').unwrap();
    for q in qs {
        let s = q["start"].as_u64().unwrap() as usize;
        assert!(!(baca..baca_end).contains(&s));
        assert_eq!(
            &text[s..q["end"].as_u64().unwrap() as usize],
            q["text"].as_str().unwrap()
        );
    }
    for e in v["entities"].as_array().unwrap() {
        for m in e["mentions"].as_array().unwrap() {
            assert!(!(baca..baca_end).contains(&(m["start"].as_u64().unwrap() as usize)));
        }
    }
}

#[test]
fn rafah_figures() {
    let Some(p) = shared("examples/rafah.txt") else {
        return;
    };
    let o = kutip().arg("extract").arg(&p).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let fs = v["figures"].as_array().unwrap();
    let want = [
        (1200.0, "exact", "killed", Some("Israel")),
        (252.0, "exact", "hostage", Some("Israel")),
        (
            34600.0,
            "more_than",
            "killed",
            Some("Kementerian Kesehatan Gaza"),
        ),
        (29.0, "exact", "killed", Some("Kementerian Kesehatan Gaza")),
        (
            77000.0,
            "more_than",
            "injured",
            Some("Kementerian Kesehatan Gaza"),
        ),
        (1000000.0, "more_than", "displaced", None),
    ];
    assert_eq!(fs.len(), 6, "{fs:?}");
    for (f, w) in fs.iter().zip(want) {
        assert_eq!(f["value"].as_f64(), Some(w.0));
        assert_eq!(f["qualifier"], w.1);
        assert_eq!(f["category"], w.2);
        assert_eq!(f["source"]["name"].as_str(), w.3);
    }
    assert_eq!(fs[3]["when"]["text"], "dalam 24 jam terakhir");
    assert_eq!(fs[3]["part_of"], 2);
}
