//! End-to-end tests of the `kutip` binary.

mod common;
use common::{jsonl, kutip, run, run_stdin, shared, tmp};
use std::path::Path;

#[test]
fn jsonl_with_a_malformed_line_processes_the_rest() {
    let input = b"{\"id\":\"a\",\"text\":\"Satu.\",\"outlet\":\"x\"}\n{not json\n{\"id\":\"c\",\"text\":\"Tiga.\"}\n";
    let (code, out, err) = run_stdin(&["extract", "--input", "jsonl", "-"], input);
    assert_eq!(code, 1);
    assert!(err.contains("line 2"), "{err}");
    let lines = jsonl(&out);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["meta"]["outlet"], "x");
    assert_eq!(lines[0]["schema"], "kutip/1");
    assert_eq!(lines[1]["id"], "c");
}

#[test]
fn invalid_utf8_names_file_and_byte_and_other_files_go_on() {
    let dir = tmp("cli");
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

fn micro_f1(eval_out: &str) -> f64 {
    label_f1(eval_out, "micro")
}

/// The F1 of one line of `kutip eval pfsa` (a label or "micro").
fn label_f1(eval_out: &str, label: &str) -> f64 {
    eval_out
        .lines()
        .find(|l| l.split_whitespace().next() == Some(label))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|f| f.parse().ok())
        .unwrap_or_else(|| panic!("no {label} line in {eval_out}"))
}

#[test]
fn tagger_learns_our_examples_and_bad_models_are_clear_errors() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mini-pfsa.txt");
    let data = data.to_str().unwrap();
    let dir = tmp("train");
    let model = dir.join("mini.kt");
    let model = model.to_str().unwrap();
    let (code, _, err) = run(&[
        "train",
        "--pfsa",
        data,
        "-o",
        model,
        "--epochs",
        "8",
        "--min-count",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, rules, _) = run(&["eval", "pfsa", data]);
    let (code, learned, err) = run(&["eval", "pfsa", "--model", model, data]);
    assert_eq!(code, 0, "{err}");
    let (r, m) = (micro_f1(&rules), micro_f1(&learned));
    assert!(m >= 0.85 && m > r, "model {m} vs rules {r}\n{learned}");
    // tag keeps tokens and blank lines
    let (code, tagged, _) = run(&["tag", "--model", model, data]);
    assert_eq!(code, 0);
    let src = std::fs::read_to_string(data).unwrap();
    let toks = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.split('\t').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(toks(tagged.trim_end()), toks(src.trim_end()));
    // extract --model adds the model's spans with exact offsets
    let text = "SEMARANG, KOMPAS — Harga beras naik.\n\nKepala Dinas Pangan Kota Semarang Dewi Anggraini mengatakan, stok aman.\n\n”Kami siap,” kata Dewi.\n";
    let (code, out, err) = run_stdin(&["extract", "--model", model, "-"], text.as_bytes());
    assert_eq!(code, 0, "{err}");
    let l: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let tags = l["tags"].as_array().expect("tags");
    assert!(!tags.is_empty());
    for t in tags {
        let (s, e) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], t["text"].as_str().unwrap());
    }
    // corrupt, truncated and foreign files
    let bytes = std::fs::read(model).unwrap();
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 0x55;
    let cases: [(&[u8], &str); 3] = [
        (&bad, "corrupt"),
        (&bytes[..bytes.len() / 3], "truncated"),
        (b"hello", "not a kutip tagger model"),
    ];
    for (i, (b, msg)) in cases.iter().enumerate() {
        let p = dir.join(format!("bad{i}.kt"));
        std::fs::write(&p, b).unwrap();
        let (code, _, err) = run(&["tag", "--model", p.to_str().unwrap(), data]);
        assert_eq!(code, 2);
        assert!(err.contains(msg) && err.contains("bad"), "{err}");
    }
}

#[test]
fn tagger_on_a_slice_of_pfsa_beats_nothing_learned() {
    let (Some(train), Some(dev)) = (
        shared("data/pfsa-id/train.txt"),
        shared("data/pfsa-id/dev.txt"),
    ) else {
        return;
    };
    // about half of train, ending at a sentence boundary
    let src = std::fs::read_to_string(train).unwrap();
    let mut cut = 0;
    let mut lines = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        cut += l.len();
        lines = i;
        if i > 250_000 && l.trim().is_empty() {
            break;
        }
    }
    assert!(lines > 1000);
    let dir = tmp("slice");
    let slice = dir.join("slice.txt");
    std::fs::write(&slice, &src[..cut]).unwrap();
    let model = dir.join("slice.kt");
    let (code, _, err) = run(&[
        "train",
        "--pfsa",
        slice.to_str().unwrap(),
        "-o",
        model.to_str().unwrap(),
        "--epochs",
        "12",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(&[
        "eval",
        "pfsa",
        "--model",
        model.to_str().unwrap(),
        dev.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let f = micro_f1(&out);
    let (_, rules, _) = run(&["eval", "pfsa", dev.to_str().unwrap()]);
    let r = micro_f1(&rules);
    // the rules are strong on the frequent labels; what half the corpus teaches shows most on
    // the parts of a speaker's introduction (affiliation, role)
    let (fa, ra) = (
        label_f1(&out, "AFFILIATION"),
        label_f1(&rules, "AFFILIATION"),
    );
    assert!(
        f > 0.75 && f > r && fa > ra + 0.02,
        "dev micro-F1 {f} (affiliation {fa}) after training on a slice, rules alone {r} ({ra})\n{out}"
    );
}

#[test]
fn eval_ledger_scores_our_own_gold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ledger");
    let gold = dir.join("gold");
    let input = dir.join("input.jsonl");
    let (code, out, err) = run(&[
        "eval",
        "ledger",
        gold.to_str().unwrap(),
        input.to_str().unwrap(),
        "--parts",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    for part in ["mini-a", "mini-b", "all"] {
        assert!(v[part].is_object(), "{out}");
    }
    assert_eq!(v["all"]["quotes_gold"], 6);
    assert_eq!(v["all"]["figures_gold"], 4);
    for k in [
        "quote_attributed_recall",
        "figure_sourced_recall",
        "ledger_f1",
    ] {
        assert_eq!(v["all"][k], 1.0, "{k}: {out}");
    }
    // a gold directory that names none of the documents is an error
    let (code, _, err) = run(&[
        "eval",
        "ledger",
        dir.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
}
