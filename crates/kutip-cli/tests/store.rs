//! End-to-end tests of the corpus ledger: ingest, rerun, kill -9, queries, export.

mod common;
use common::{jsonl, kutip, run, shared, tmp};
use std::path::Path;
use std::process::Stdio;

/// `kutip query --db DB --format jsonl ARGS...`, parsed.
fn query(db: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let mut a = vec!["query", "--db", db, "--format", "jsonl"];
    a.extend_from_slice(args);
    let (code, out, err) = run(&a);
    assert_eq!(code, 0, "{err}");
    jsonl(&out)
}

const NAMES: [(&str, &str, &str); 6] = [
    ("Menteri Kesehatan", "Budi Santoso", "Budi"),
    ("Gubernur Jawa Tengah", "Ahmad Luthfi", "Luthfi"),
    ("Kepala Basarnas", "Mohammad Syafii", "Syafii"),
    ("Ketua KPU", "Dewi Lestari", "Dewi"),
    ("Wali Kota Semarang", "Agustina Wilujeng", "Agustina"),
    ("Kapolda Jawa Timur", "Irjen Nanang Avianto", "Nanang"),
];

/// A corpus written for the tests: `n` short news items with quotes and figures.
fn corpus(n: usize) -> String {
    let mut out = String::new();
    for k in 0..n {
        let (role, name, short) = NAMES[k % NAMES.len()];
        let day = 1 + k % 28;
        let text = format!(
            "SEMARANG, KOMPAS.com - {role} {name} mengatakan, sebanyak {} warga terdampak banjir di wilayahnya.\n\n\
             \u{201c}Kami sudah menyiapkan {} tenda darurat dan dapur umum,\u{201d} kata {short}, Senin ({day}/3/2025).\n\n\
             Menurut Badan Penanggulangan Bencana Daerah, {} orang meninggal dunia akibat banjir tersebut.",
            100 + k * 7,
            10 + k % 50,
            1 + k % 4
        );
        let doc = serde_json::json!({
            "id": format!("t{k}"),
            "date": format!("2025-03-{day:02}"),
            "outlet": if k % 2 == 0 { "kompas.com" } else { "detik.com" },
            "text": text,
        });
        out.push_str(&doc.to_string());
        out.push('\n');
    }
    out
}

/// Every row of every table, in a canonical order (row ids included).
fn dump(db: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for t in [
        "documents",
        "speakers",
        "speaker_names",
        "speaker_roles",
        "merges",
        "entities",
        "quotes",
        "figures",
    ] {
        let mut st = c.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = st.column_count();
        let mut rows: Vec<String> = st
            .query_map([], |r| {
                let mut s = format!("{t}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("{v:?}|"));
                }
                Ok(s)
            })
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        rows.sort();
        out.extend(rows);
    }
    let fts: i64 = c
        .query_row(
            "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'tenda'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    out.push(format!("fts:{fts}"));
    out
}

#[test]
fn ingest_is_idempotent_and_queries_work() {
    let d = tmp("idem");
    let input = d.join("c.jsonl");
    std::fs::write(&input, corpus(60)).unwrap();
    let db = d.join("l.db");
    let (db_s, in_s) = (db.to_str().unwrap(), input.to_str().unwrap());
    let (code, _, err) = run(&["ingest", "--db", db_s, "--input", "jsonl", in_s]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("60 new"), "{err}");
    let first = dump(&db);
    let (code, _, err) = run(&["ingest", "--db", db_s, "--input", "jsonl", in_s]);
    assert_eq!(code, 0);
    assert!(err.contains("60 unchanged"), "{err}");
    assert_eq!(
        dump(&db),
        first,
        "re-ingesting the same documents changes nothing"
    );

    // quotes by speaker (short form resolves to the full identity) and full text
    let rows = query(
        db_s,
        &["quotes", "--speaker", "Luthfi", "--text", "tenda darurat"],
    );
    assert_eq!(rows.len(), 10, "{rows:?}");
    assert!(rows
        .iter()
        .all(|r| r["speaker"] == "Ahmad Luthfi" && r["kind"] == "direct"));
    let (_, out, _) = run(&[
        "query",
        "--db",
        db_s,
        "--format",
        "csv",
        "quotes",
        "--speaker",
        "Ahmad Luthfi",
        "--kind",
        "indirect",
        "--outlet",
        "detik.com",
    ]);
    assert_eq!(out.lines().count(), 1 + 10, "{out}");
    assert!(out.starts_with(
        "date,outlet,title,url,doc_id,speaker,speaker_id,role,kind,cue,text,start,end"
    ));
    let rows = query(
        db_s,
        &["quotes", "--since", "2025-03-20", "--until", "2025-03-21"],
    );
    assert!(!rows.is_empty());
    for v in &rows {
        let date = v["date"].as_str().unwrap();
        assert!(("2025-03-20"..="2025-03-21").contains(&date), "{date}");
    }
    // figures: a timeline of deaths with their source
    let rows = query(
        db_s,
        &["--limit", "1000", "figures", "--category", "killed"],
    );
    let figs = rows;
    assert_eq!(figs.len(), 60, "{figs:?}");
    assert!(figs.iter().all(|f| f["source"]
        .as_str()
        .is_some_and(|s| s.contains("Badan Penanggulangan Bencana Daerah"))));
    let dates: Vec<&str> = figs.iter().map(|f| f["date"].as_str().unwrap()).collect();
    assert!(
        dates.windows(2).all(|w| w[0] <= w[1]),
        "timeline is ordered by date"
    );
    // speakers: six identities, the most quoted first
    let rows = query(db_s, &["speakers"]);
    let persons: Vec<&serde_json::Value> = rows.iter().filter(|s| s["kind"] == "person").collect();
    assert_eq!(persons.len(), 6, "{rows:?}");
    assert!(
        persons
            .iter()
            .all(|s| s["quotes"] == 20 && s["documents"] == 10),
        "{rows:?}"
    );
    let words = "sebanyak warga terdampak banjir wilayahnya menyiapkan tenda darurat dapur umum";
    let topics = persons[0]["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 5);
    assert!(
        topics.iter().all(|t| words.split(' ').any(|w| t == w)),
        "{topics:?}"
    );

    // a changed document replaces its rows
    let changed = corpus(60).replacen("tenda darurat", "posko pengungsian", 1);
    std::fs::write(&input, changed).unwrap();
    let (_, _, err) = run(&["ingest", "--db", db_s, "--input", "jsonl", in_s]);
    assert!(
        err.contains("1 changed") && err.contains("59 unchanged"),
        "{err}"
    );
    assert_eq!(query(db_s, &["quotes", "--text", "posko"]).len(), 1);
    assert_eq!(
        query(db_s, &["--limit", "1000", "quotes", "--text", "tenda"]).len(),
        59
    );

    // parquet export, read back
    let pq = d.join("pq");
    let (code, _, err) = run(&["export", "--db", db_s, "--parquet", pq.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    use parquet::file::reader::{FileReader, SerializedFileReader};
    for (f, n) in [
        ("documents.parquet", 60),
        ("quotes.parquet", 120),
        ("figures.parquet", 180),
    ] {
        let r = SerializedFileReader::new(std::fs::File::open(pq.join(f)).unwrap()).unwrap();
        let rows = r.metadata().file_metadata().num_rows();
        assert!(rows >= n, "{f}: {rows} rows");
        // dates are typed
        let schema = r.metadata().file_metadata().schema_descr();
        let date = (0..schema.num_columns())
            .map(|i| schema.column(i))
            .find(|c| c.name() == "date")
            .unwrap();
        assert_eq!(
            date.logical_type(),
            Some(parquet::basic::LogicalType::Date),
            "{f}"
        );
    }
    // CSV export: three files, plain numbers
    let cv = d.join("csv");
    let (code, _, err) = run(&[
        "export",
        "--db",
        db_s,
        "--csv",
        cv.to_str().unwrap(),
        "--bom",
    ]);
    assert_eq!(code, 0, "{err}");
    let figs = std::fs::read_to_string(cv.join("figures.csv")).unwrap();
    assert!(figs.starts_with("\u{feff}id,doc_id"), "{}", &figs[..40]);
    assert!(!figs.contains(".0,") && !figs.contains("e+"));
    assert!(
        std::fs::read_to_string(cv.join("documents.csv"))
            .unwrap()
            .lines()
            .count()
            > 60
    );
}

#[test]
fn aliases_merge_speakers_and_merges_are_reported() {
    let d = tmp("alias");
    let docs = [
        ("a", "Presiden Joko Widodo mengatakan, harga beras harus turun.\n\n\u{201c}Saya minta Bulog bergerak,\u{201d} kata Jokowi."),
        ("b", "\u{201c}Kita tidak boleh kalah,\u{201d} kata Jokowi di Istana, Senin."),
        ("c", "Perdana Menteri Israel Benjamin Netanyahu menegaskan, operasi akan berlanjut. Netanyahu juga mengatakan pasukan siap."),
        ("d", "\u{201c}Tidak ada gencatan senjata,\u{201d} ujar Netanyahu dalam pidatonya."),
        ("e", "Benjamin Netanyahu tiba di Washington. Netanyahu mengatakan kunjungan itu penting."),
    ];
    let mut jsonl = String::new();
    for (id, text) in docs {
        jsonl.push_str(
            &serde_json::json!({"id": id, "text": text, "date": "2025-01-02"}).to_string(),
        );
        jsonl.push('\n');
    }
    let input = d.join("c.jsonl");
    std::fs::write(&input, jsonl).unwrap();
    let aliases = d.join("aliases.tsv");
    std::fs::write(&aliases, "# alias\tcanonical\nJokowi\tJoko Widodo\n").unwrap();
    let db = d.join("l.db");
    let db_s = db.to_str().unwrap();
    let (code, _, err) = run(&[
        "ingest",
        "--db",
        db_s,
        "--aliases",
        aliases.to_str().unwrap(),
        "--input",
        "jsonl",
        input.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let rows = query(db_s, &["quotes", "--speaker", "Jokowi"]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r["speaker"] == "Joko Widodo"));
    // "Netanyahu" alone (document d) is the Benjamin Netanyahu of documents c and e, which
    // use the short name for him
    let rows = query(db_s, &["quotes", "--speaker", "Benjamin Netanyahu"]);
    assert!(rows.iter().any(|r| r["doc_id"] == "d"), "{rows:?}");
    assert!(
        rows.iter().all(|r| r["speaker"] == "Benjamin Netanyahu"),
        "{rows:?}"
    );
    let merges = query(db_s, &["merges"]);
    assert!(
        merges.iter().any(|m| m["reason"] == "alias file"),
        "{merges:?}"
    );
    assert!(
        merges.iter().any(|m| m["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("short form of Benjamin Netanyahu"))),
        "{merges:?}"
    );
}

#[test]
fn kill_during_ingest_then_rerun_equals_a_clean_run() {
    let d = tmp("kill");
    let input = d.join("c.jsonl");
    let n = 12_000;
    std::fs::write(&input, corpus(n)).unwrap();
    let in_s = input.to_str().unwrap();
    let clean = d.join("clean.db");
    let (code, _, err) = run(&[
        "ingest",
        "--db",
        clean.to_str().unwrap(),
        "--input",
        "jsonl",
        in_s,
    ]);
    assert_eq!(code, 0, "{err}");

    let db = d.join("killed.db");
    let db_s = db.to_str().unwrap();
    let mut child = kutip()
        .args([
            "ingest", "--db", db_s, "--batch", "64", "--input", "jsonl", in_s,
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // wait until some batches are committed, then kill -9
    let t0 = std::time::Instant::now();
    let mut committed = 0i64;
    while t0.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        if let Ok(c) =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        {
            if let Ok(k) = c.query_row("SELECT count(*) FROM documents", [], |r| r.get::<_, i64>(0))
            {
                committed = k;
                if k >= 500 {
                    break;
                }
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let c = rusqlite::Connection::open(&db).unwrap();
    let after: i64 = c
        .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
        .unwrap();
    drop(c);
    assert!(committed >= 500, "ingest did not commit in time");
    assert!(
        after >= committed && after < n as i64,
        "killed mid-run: {after} of {n} committed"
    );
    let (code, _, err) = run(&["ingest", "--db", db_s, "--input", "jsonl", in_s]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{after} unchanged")), "{err}");
    assert_eq!(
        dump(&db),
        dump(&clean),
        "rerun after kill -9 equals a clean run"
    );
}

#[test]
fn query_errors_are_clear() {
    let (code, _, err) = run(&["query", "--db", "/nonexistent/x.db", "quotes"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such ledger database"), "{err}");
}

#[test]
fn rafah_deaths_with_sources() {
    let Some(p) = shared("examples/rafah.txt") else {
        return;
    };
    let d = tmp("rafah");
    let db = d.join("l.db");
    let db_s = db.to_str().unwrap();
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/banjir-demak.txt");
    let (code, _, err) = run(&[
        "ingest",
        "--db",
        db_s,
        p.to_str().unwrap(),
        ex.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let rows = query(db_s, &["figures", "--category", "killed"]);
    let rafah: Vec<(f64, String)> = rows
        .iter()
        .filter(|r| r["doc_id"].as_str().unwrap().ends_with("rafah.txt"))
        .map(|r| {
            (
                r["value"].as_f64().unwrap(),
                r["source"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        rafah,
        vec![
            (1200.0, "Israel".to_string()),
            (34600.0, "Kementerian Kesehatan Gaza".to_string()),
            (29.0, "Kementerian Kesehatan Gaza".to_string()),
        ],
        "{rows:?}"
    );
}

/// Speaker identities over the detik corpus against the pairs annotated for kutip
/// (`tests/data/identities/detik-pairs.tsv`): merge precision ≥ 0.95 and recall ≥ 0.85, and
/// the President's quotes under one identity, not the police chief's.
#[test]
fn detik_identities_against_annotated_pairs() {
    let Some(corpus) = shared("data/news/detik.jsonl") else {
        return;
    };
    let d = tmp("identities");
    let db = d.join("l.db");
    let db_s = db.to_str().unwrap();
    let (code, _, err) = run(&["ingest", "--db", db_s, corpus.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let pairs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/identities/detik-pairs.tsv");
    let (code, out, err) = run(&["eval", "identities", pairs.to_str().unwrap(), "--db", db_s]);
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("merge precision"))
        .unwrap();
    let num = |k: &str| -> f64 {
        let i = line.find(k).unwrap() + k.len();
        line[i..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(num("precision ") >= 0.95, "{out}");
    assert!(num("recall ") >= 0.85, "{out}");
    assert!(out.contains("not found 0"), "{out}");
    let rows = query(db_s, &["quotes", "--speaker", "Prabowo", "--limit", "1000"]);
    assert!(rows.len() > 200, "{}", rows.len());
    assert!(rows.iter().all(|r| r["speaker"] == "Prabowo Subianto"));
    // no form of address or title inside a name among the most quoted
    let top = query(db_s, &["speakers", "--limit", "30"]);
    for s in &top {
        let name = s["name"].as_str().unwrap();
        let first = name.split(' ').next().unwrap();
        assert!(
            !["Pak", "Bapak", "Ibu", "Bu", "Mensos", "Menkeu", "Irjen", "Presiden"]
                .contains(&first),
            "{name}"
        );
    }
}

/// Filters that cannot mean anything are errors (exit 2, the reason on stderr); results come
/// in pages with their total; figures' CSV has plain numbers, units and the document.
#[test]
fn query_errors_pages_and_spreadsheet_csv() {
    let d = tmp("pages");
    let input = d.join("c.jsonl");
    std::fs::write(&input, corpus(30)).unwrap();
    let db = d.join("l.db");
    let db_s = db.to_str().unwrap();
    let (code, _, err) = run(&["ingest", "--db", db_s, input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for bad in [
        &["quotes", "--since", "yesterday"][..],
        &["quotes", "--since", "21/10/2025"],
        &["quotes", "--until", "2025-13-45"],
        &["quotes", "--kind", "quote"],
        &["quotes", "--limit", "0"],
        &["figures", "--category", "deaths"],
        &["quotes", "--page", "0"],
        &["quotes", "--since", "2025-03-10", "--until", "2025-03-01"],
    ] {
        let mut a = vec!["query", "--db", db_s];
        a.extend_from_slice(bad);
        let (code, out, err) = run(&a);
        assert_eq!(code, 2, "{bad:?}: {out} {err}");
        assert!(err.contains("error"), "{bad:?}: {err}");
    }
    // pages: 30 documents with 2 statements each
    let all = query(db_s, &["quotes", "--limit", "5000"]);
    let p2 = query(db_s, &["quotes", "--limit", "10", "--page", "2"]);
    assert_eq!(p2.len(), 10);
    assert_eq!(p2[0]["text"], all[10]["text"]);
    let (_, table, _) = run(&[
        "query", "--db", db_s, "quotes", "--limit", "10", "--offset", "10",
    ]);
    assert!(
        table
            .trim_end()
            .ends_with(&format!("11–20 of {}", all.len())),
        "{table}"
    );
    // every row says where to read it
    assert!(all
        .iter()
        .all(|r| r["doc_id"].is_string() && r.get("title").is_some() && r.get("url").is_some()));
    // the CSV of figures: plain numbers, units, the document's outlet and date
    let (code, csv, err) = run(&[
        "query", "--db", db_s, "--format", "csv", "--bom", "figures", "--limit", "5000",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(csv.starts_with('\u{feff}'));
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    for c in [
        "value",
        "low",
        "high",
        "unit",
        "qualifier",
        "date_from",
        "title",
        "outlet",
        "url",
        "doc_date",
    ] {
        assert!(head.iter().any(|h| h == c), "{c} in {head:?}");
    }
    let vi = head.iter().position(|h| h == "value").unwrap();
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let v = &rec[vi];
        assert!(!v.contains('e') && !v.ends_with(".0"), "{v}");
        n += 1;
    }
    assert!(n >= 60, "{n}");
}

/// Five reports of one flood written for the tests: the Demak tolls of different sources on
/// the same days disagree (12, 15, 18 killed); "lebih dari 3.000", "3.200" and "sekitar 3.100"
/// displaced agree; Kudus and 2022 are other floods.
#[test]
fn disagreements_between_reports_of_one_flood() {
    let d = tmp("banjir");
    let db = d.join("l.db");
    let db_s = db.to_str().unwrap();
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/disagreements/banjir.jsonl");
    let (code, _, err) = run(&["ingest", "--db", db_s, input.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let rows = query(db_s, &["disagreements"]);
    let pairs: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| {
            (
                r["a"]["value"].as_f64().unwrap(),
                r["b"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![(12.0, 18.0), (12.0, 15.0), (18.0, 15.0)],
        "{rows:?}"
    );
    assert!(rows
        .iter()
        .all(|r| r["category"] == "killed" && r["place"] == "Demak"));
    // the 2022 flood is dated by its own year
    let old = query(db_s, &["figures", "--until", "2022"]);
    assert_eq!(old.len(), 1, "{old:?}");
    assert_eq!(old[0]["date_from"], "when");
    assert_eq!(old[0]["period"], "year");
}
