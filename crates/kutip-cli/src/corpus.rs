//! `kutip ingest`, `kutip query` and `kutip export`: the corpus ledger in SQLite.

use crate::input::{self, Item};
use crate::InputArgs;
use anyhow::{Context, Result};
use kutip_store::{
    DisagreementQuery, DocIn, FigureQuery, IngestStats, QuoteQuery, SqliteStore, Store,
};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct IngestArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The ledger database (created when missing).
    #[arg(long, default_value = "ledger.db")]
    db: PathBuf,
    /// Alias file: `alias<TAB>canonical name` per line ("Jokowi<TAB>Joko Widodo").
    #[arg(long)]
    aliases: Option<PathBuf>,
    /// A tagger model (see `kutip train`) used during extraction.
    #[arg(long)]
    model: Option<String>,
    /// Documents per transaction: fewer, larger transactions rewrite the pages every batch
    /// touches (index levels, full-text index) fewer times.
    #[arg(long, default_value_t = 4096)]
    batch: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// Aligned columns for reading, long texts cut, with "1–50 of 126" at the end.
    Table,
    /// One JSON object per row, every field.
    Jsonl,
    /// Comma-separated, every column of the export (see docs/store.md).
    Csv,
}

#[derive(clap::Args)]
pub struct QueryArgs {
    /// The ledger database.
    #[arg(long, default_value = "ledger.db", global = true)]
    db: PathBuf,
    /// How to print the rows.
    #[arg(long, value_enum, default_value = "table", global = true)]
    format: OutFormat,
    /// Rows per page (1 to 5000).
    #[arg(long, default_value_t = 50, global = true)]
    limit: usize,
    /// Skip this many rows (the next page begins at offset + limit).
    #[arg(long, default_value_t = 0, global = true, conflicts_with = "page")]
    offset: usize,
    /// The page to print, counting from 1 (pages of --limit rows).
    #[arg(long, global = true)]
    page: Option<usize>,
    /// Begin CSV output with a byte-order mark, so that Excel reads it as UTF-8.
    #[arg(long, global = true)]
    bom: bool,
    /// Alias file, as for ingest (to look speakers up by an alias).
    #[arg(long, global = true)]
    aliases: Option<PathBuf>,
    #[command(subcommand)]
    what: QueryCmd,
}

#[derive(clap::Subcommand)]
pub enum QueryCmd {
    /// Statements, newest first.
    Quotes {
        /// A speaker's name or any of its forms ("Jokowi", "Netanyahu").
        #[arg(long)]
        speaker: Option<String>,
        /// Full-text search in the statement (all words must occur; `OR` between words).
        #[arg(long)]
        text: Option<String>,
        /// Earliest date (YYYY-MM-DD, or YYYY-MM, YYYY).
        #[arg(long)]
        since: Option<String>,
        /// Latest date (YYYY-MM-DD, or YYYY-MM, YYYY).
        #[arg(long)]
        until: Option<String>,
        /// The outlet, as given in the input (`outlet` of JSONL).
        #[arg(long)]
        outlet: Option<String>,
        /// direct, indirect or mixed.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Figures as a timeline (oldest first) with value and source.
    Figures {
        /// killed, injured, hostage, displaced, money, percent, ...
        #[arg(long)]
        category: Option<String>,
        /// Words of what is counted.
        #[arg(long)]
        what: Option<String>,
        /// The source's name (or part of it).
        #[arg(long)]
        source: Option<String>,
        /// The place the figure is about ("Gaza", "Demak").
        #[arg(long)]
        place: Option<String>,
        /// Earliest date of the figure (YYYY-MM-DD, YYYY-MM or YYYY): its own time when it
        /// names one, else its article's date.
        #[arg(long)]
        since: Option<String>,
        /// Latest date of the figure (YYYY-MM-DD, YYYY-MM or YYYY).
        #[arg(long)]
        until: Option<String>,
    },
    /// Who is quoted most, with roles and the words their statements use most.
    Speakers,
    /// Figures of one category and place, within a time window, whose sources differ.
    Disagreements {
        /// Only this category (killed, injured, money, ...); without it, all but `other`.
        #[arg(long)]
        category: Option<String>,
        /// Days between the two figures at most.
        #[arg(long, default_value_t = 7)]
        window: i64,
        /// Relative difference above which two values disagree (0.1 = 10 %).
        #[arg(long, default_value_t = 0.1)]
        threshold: f64,
    },
    /// Name forms merged into one speaker identity, and why.
    Merges,
}

fn read_aliases(path: Option<&Path>) -> Result<std::collections::HashMap<String, String>> {
    let Some(p) = path else {
        return Ok(Default::default());
    };
    let src = std::fs::read_to_string(p)
        .with_context(|| format!("reading alias file {}", p.display()))?;
    let (map, bad) = kutip_store::speakers::parse_aliases(&src);
    for l in bad {
        eprintln!(
            "kutip: warning: {}:{l}: expected `alias<TAB>canonical name`, line ignored",
            p.display()
        );
    }
    Ok(map)
}

fn load_aliases(store: &mut SqliteStore, path: Option<&Path>) -> Result<()> {
    if path.is_some() {
        store.set_aliases(read_aliases(path)?);
    }
    Ok(())
}

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The ledger database to search (without it, only extraction and the article view).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Address to listen on, `HOST:PORT` ("localhost:8080", "0.0.0.0:8080", "[::1]:8080").
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Largest accepted request body, in bytes.
    #[arg(long, default_value_t = 2 * 1024 * 1024)]
    body_limit: usize,
    /// Seconds a request may take.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Seconds to send a request's head; a kept-alive connection idle this long is closed.
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Connections open at once; more are answered 503.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
    /// Extractions running at once (default: the number of cores); as many more may wait,
    /// further ones are answered 503 with Retry-After.
    #[arg(long)]
    workers: Option<usize>,
    /// Enable POST /v1/ingest, guarded by this bearer token (or KUTIP_INGEST_TOKEN).
    #[arg(long, env = "KUTIP_INGEST_TOKEN", hide_env_values = true)]
    ingest_token: Option<String>,
    /// Alias file for speaker names (as for ingest).
    #[arg(long)]
    aliases: Option<PathBuf>,
    /// A tagger model used by /v1/extract.
    #[arg(long)]
    model: Option<String>,
}

pub fn serve(a: ServeArgs) -> Result<bool> {
    // a server must survive peers and log readers that go away
    #[cfg(unix)]
    // SAFETY: changing the disposition of SIGPIPE before the runtime starts its threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let model = a
        .model
        .as_deref()
        .map(crate::train::load_model)
        .transpose()?
        .map(std::sync::Arc::new);
    let cfg = kutip_server::Config {
        db: a.db,
        addr: a.addr,
        body_limit: a.body_limit,
        timeout: std::time::Duration::from_secs(a.timeout.max(1)),
        header_timeout: std::time::Duration::from_secs(a.header_timeout.max(1)),
        max_connections: a.max_connections.max(1),
        workers: a
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
            .max(1),
        ingest_token: a.ingest_token.filter(|t| !t.is_empty()),
        aliases: read_aliases(a.aliases.as_deref())?,
        model,
        readers: std::thread::available_parallelism()
            .map(|n| n.get() * 2)
            .unwrap_or(4),
    };
    kutip_server::serve(cfg).map_err(|e| anyhow::anyhow!(e))?;
    Ok(true)
}

pub fn ingest(a: &IngestArgs) -> Result<bool> {
    let t0 = Instant::now();
    let at = || a.db.display().to_string();
    let mut store = SqliteStore::open(&a.db).with_context(at)?;
    load_aliases(&mut store, a.aliases.as_deref())?;
    // into an empty ledger: indexes built once at the end (kept when it holds documents)
    let bulk = store.begin_bulk().with_context(at)?;
    // unchanged documents are recognised through a second, read-only connection, so that
    // extraction of the next batch overlaps the writing of the previous one
    let reader = SqliteStore::open_read_only(&a.db).with_context(at)?;
    let model = a
        .model
        .as_deref()
        .map(crate::train::load_model)
        .transpose()?;
    let entries = crate::entries(&a.input);
    let pb = crate::progress::Progress::new(&entries, std::io::stderr().is_terminal());
    // batches extracted by this thread are written by the writer thread
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<DocIn>>(2);
    let db_name = at();
    let writer = std::thread::spawn(move || -> Result<(IngestStats, SqliteStore)> {
        let mut stats = IngestStats::default();
        for batch in rx {
            stats += store.ingest(&batch).with_context(|| db_name.clone())?;
        }
        if bulk {
            store.finish_bulk().with_context(|| db_name.clone())?;
        }
        Ok((stats, store))
    });
    let mut unchanged = 0usize;
    let mut sent = 0usize;
    let mut extracted = (0usize, 0usize);
    let mut errors = 0usize;
    let mut skipped = 0usize;
    let mut duplicates = 0usize;
    let mut bytes = 0usize;
    let (mut done, mut done_bytes) = (0usize, 0usize);
    // the first occurrence of an id in this run is the one kept
    let mut first_seen: std::collections::HashMap<String, String> = Default::default();
    let mut it = input::stream(entries, a.input.format, a.input.lossy);
    loop {
        let batch: Vec<Item> = it.by_ref().take(a.batch.max(1)).collect();
        if batch.is_empty() {
            break;
        }
        let mut docs = Vec::with_capacity(batch.len());
        for item in batch {
            match item {
                Item::Doc(d) => {
                    if let Some(first) = first_seen.get(&d.id) {
                        duplicates += 1;
                        pb.bar.suspend(|| {
                            eprintln!(
                                "kutip: warning: {}: id {:?} was already read from {first}; the first one is kept",
                                d.origin, d.id
                            )
                        });
                        continue;
                    }
                    first_seen.insert(d.id.clone(), d.origin.clone());
                    docs.push(d);
                }
                Item::Error(e) => {
                    errors += 1;
                    pb.bar.suspend(|| eprintln!("kutip: error: {e}"));
                }
                Item::Skipped(m) => {
                    skipped += 1;
                    pb.bar.suspend(|| eprintln!("kutip: {m}"));
                }
            }
        }
        let mut todo = Vec::with_capacity(docs.len());
        for d in docs {
            let h = kutip_store::doc_hash(&d.text, &d.meta);
            if reader.has(&d.id, &h).with_context(at)? {
                unchanged += 1;
            } else {
                todo.push((d, h));
            }
        }
        let opts = kutip::ledger::Options {
            model: model.as_ref(),
            stop: None,
            timings: None,
            source: None,
        };
        let results: Vec<std::result::Result<DocIn, String>> = todo
            .into_par_iter()
            .map(|(d, hash)| {
                crate::batch::guarded(|| Ok(d.run(&opts)?))
                    .map(|ledger| DocIn {
                        hash,
                        bytes: d.text.len(),
                        ledger,
                    })
                    .map_err(|e| crate::batch::doc_error(&d, &e))
            })
            .collect();
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(d) => out.push(d),
                Err(e) => {
                    errors += 1;
                    pb.bar.suspend(|| eprintln!("kutip: error: {e}"));
                }
            }
        }
        bytes += out.iter().map(|x| x.bytes).sum::<usize>();
        sent += out.len();
        extracted.0 += out.iter().map(|x| x.ledger.quotes.len()).sum::<usize>();
        extracted.1 += out.iter().map(|x| x.ledger.figures.len()).sum::<usize>();
        if tx.send(out).is_err() {
            break; // the writer stopped: its error is reported below
        }
        pb.advance(
            (sent + unchanged - done) as u64,
            (bytes - done_bytes) as u64,
            &format!("{} statements, {} figures", extracted.0, extracted.1),
        );
        done = sent + unchanged;
        done_bytes = bytes;
    }
    drop(tx);
    let (mut stats, store) = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the database writer panicked"))??;
    stats.unchanged += unchanged;
    pb.finish();
    let secs = t0.elapsed().as_secs_f64();
    let docs = stats.new + stats.changed + stats.unchanged;
    let [nd, nq, nf, ns] = store.counts().with_context(at)?;
    drop(reader);
    store.checkpoint().with_context(at)?;
    drop(store);
    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", a.db.display())).ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "ingested {docs} documents ({} new, {} changed, {} unchanged; {errors} failed, {duplicates} duplicate ids, {skipped} skipped): {} statements, {} figures, {} speaker merges in {secs:.1}s ({:.0} documents/s, {:.1} MB/s)",
        stats.new,
        stats.changed,
        stats.unchanged,
        stats.quotes,
        stats.figures,
        stats.merges,
        docs as f64 / secs,
        bytes as f64 / 1e6 / secs
    );
    eprintln!(
        "{}: {nd} documents, {nq} statements, {nf} figures, {ns} speakers; {:.1} MB",
        a.db.display(),
        size as f64 / 1e6
    );
    Ok(errors == 0)
}

/// A number as a spreadsheet reads it: no exponent, no ".0" after an integer.
fn plain_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    match n.as_f64() {
        // Rust prints every digit of a float, never an exponent
        Some(f) if f.is_finite() => kutip_store::export::plain(f),
        _ => n.to_string(),
    }
}

/// How rows are printed.
struct Printed<'a> {
    format: OutFormat,
    /// CSV with a byte-order mark
    bom: bool,
    /// "1–50 of 126", after a table
    range: Option<&'a str>,
}

/// Print rows as an aligned table, JSON lines or CSV.
fn print_rows<T: Serialize>(rows: &[T], cols: &[&str], how: &Printed) -> Result<()> {
    let format = how.format;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let values: Vec<serde_json::Value> = rows
        .iter()
        .map(serde_json::to_value)
        .collect::<std::result::Result<_, _>>()?;
    let cell = |v: &serde_json::Value, c: &str| -> String {
        match &v[c] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => plain_number(n),
            serde_json::Value::Array(a) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect::<Vec<_>>()
                .join("; "),
            x => x.to_string(),
        }
    };
    match format {
        OutFormat::Jsonl => {
            for v in &values {
                writeln!(out, "{v}")?;
            }
        }
        OutFormat::Csv => {
            if how.bom {
                out.write_all("\u{feff}".as_bytes())?;
            }
            let mut w = csv::Writer::from_writer(out);
            w.write_record(cols)?;
            for v in &values {
                w.write_record(cols.iter().map(|c| cell(v, c)))?;
            }
            w.flush()?;
            return Ok(());
        }
        OutFormat::Table => {
            const MAX: usize = 70;
            let cut = |s: String| -> String {
                let s = s.replace('\n', " ");
                if s.chars().count() > MAX {
                    let mut t: String = s.chars().take(MAX - 1).collect();
                    t.push('…');
                    t
                } else {
                    s
                }
            };
            let table: Vec<Vec<String>> = values
                .iter()
                .map(|v| cols.iter().map(|c| cut(cell(v, c))).collect())
                .collect();
            let width: Vec<usize> = cols
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    table
                        .iter()
                        .map(|r| r[k].chars().count())
                        .chain([c.len()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: Vec<String>| -> String {
                cells
                    .iter()
                    .zip(&width)
                    .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(
                out,
                "{}",
                line(cols.iter().map(|c| c.to_string()).collect())
            )?;
            for r in table {
                writeln!(out, "{}", line(r))?;
            }
            if let Some(r) = how.range {
                writeln!(out, "{r}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The columns of a query's table, and of its CSV (every column of the export).
const QUOTE_TABLE: &[&str] = &[
    "date", "outlet", "speaker", "role", "kind", "cue", "text", "doc_id",
];
use kutip_store::export::QUOTE_CSV;
const FIGURE_TABLE: &[&str] = &[
    "date",
    "value",
    "unit",
    "qualifier",
    "category",
    "what",
    "source",
    "place",
    "text",
    "doc_id",
];
use kutip_store::export::FIGURE_CSV;

pub fn query(a: &QueryArgs) -> Result<bool> {
    let mut store =
        SqliteStore::open_read_only(&a.db).with_context(|| a.db.display().to_string())?;
    load_aliases(&mut store, a.aliases.as_deref())?;
    let limit = kutip_store::filters::limit(a.limit)?;
    let offset = match a.page {
        Some(0) => anyhow::bail!("pages count from 1"),
        Some(p) => (p - 1).saturating_mul(limit),
        None => a.offset,
    };
    let csv = a.format == OutFormat::Csv;
    let t = Instant::now();
    let (n, range) = match &a.what {
        QueryCmd::Quotes {
            speaker,
            text,
            since,
            until,
            outlet,
            kind,
        } => {
            let page = store.quotes(&QuoteQuery {
                speaker: speaker.clone(),
                text: text.clone(),
                since: since.clone(),
                until: until.clone(),
                outlet: outlet.clone(),
                kind: kind.clone(),
                limit,
                offset,
            })?;
            let range = page.range();
            let cols = if csv { QUOTE_CSV } else { QUOTE_TABLE };
            print_rows(&page.rows, cols, &a.printed(&range))?;
            (page.rows.len(), Some(range))
        }
        QueryCmd::Figures {
            category,
            what,
            source,
            place,
            since,
            until,
        } => {
            let page = store.figures(&FigureQuery {
                category: category.clone(),
                what: what.clone(),
                source: source.clone(),
                place: place.clone(),
                since: since.clone(),
                until: until.clone(),
                limit,
                offset,
            })?;
            let range = page.range();
            let cols = if csv { FIGURE_CSV } else { FIGURE_TABLE };
            print_rows(&page.rows, cols, &a.printed(&range))?;
            (page.rows.len(), Some(range))
        }
        QueryCmd::Speakers => {
            let page = store.speakers(limit, offset)?;
            let range = page.range();
            print_rows(
                &page.rows,
                &[
                    "name",
                    "kind",
                    "quotes",
                    "documents",
                    "roles",
                    "topics",
                    "id",
                ],
                &a.printed(&range),
            )?;
            (page.rows.len(), Some(range))
        }
        QueryCmd::Disagreements {
            category,
            window,
            threshold,
        } => {
            if let Some(c) = category {
                kutip_store::filters::category(c)?;
            }
            if !(0..=36_500).contains(window) {
                anyhow::bail!("--window must be between 0 and 36500 days, not {window}");
            }
            if !(0.0..=100.0).contains(threshold) {
                anyhow::bail!("--threshold must be between 0 and 100, not {threshold}");
            }
            let rows = store.disagreements(&DisagreementQuery {
                category: category.clone(),
                window_days: *window,
                threshold: *threshold,
                limit,
            })?;
            print_disagreements(&rows, a)?;
            (rows.len(), None)
        }
        QueryCmd::Merges => {
            let page = store.merges(limit, offset)?;
            let range = page.range();
            print_rows(
                &page.rows,
                &["name", "into", "reason", "speaker", "doc_id"],
                &a.printed(&range),
            )?;
            (page.rows.len(), Some(range))
        }
    };
    if a.format == OutFormat::Table {
        eprintln!("{n} rows in {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    } else if let Some(r) = range.filter(|_| n > 0) {
        eprintln!("kutip: rows {r}");
    }
    Ok(true)
}

impl QueryArgs {
    fn printed<'a>(&self, range: &'a str) -> Printed<'a> {
        Printed {
            format: self.format,
            bom: self.bom,
            range: Some(range),
        }
    }
}

fn print_disagreements(rows: &[kutip_store::Disagreement], a: &QueryArgs) -> Result<()> {
    #[derive(Serialize)]
    struct Flat<'a> {
        category: &'a str,
        place: &'a str,
        what: Option<&'a str>,
        difference: String,
        date_a: Option<&'a str>,
        value_a: Option<f64>,
        text_a: &'a str,
        source_a: Option<&'a str>,
        date_b: Option<&'a str>,
        value_b: Option<f64>,
        text_b: &'a str,
        source_b: Option<&'a str>,
        doc_a: &'a str,
        doc_b: &'a str,
        url_a: Option<&'a str>,
        url_b: Option<&'a str>,
    }
    let flat: Vec<Flat> = rows
        .iter()
        .map(|d| Flat {
            category: &d.category,
            place: &d.place,
            what: Some(d.what.as_str()),
            difference: format!("{:.0}%", d.difference * 100.0),
            date_a: d.a.date.as_deref(),
            value_a: d.a.value,
            text_a: &d.a.text,
            source_a: d.a.source.as_deref(),
            date_b: d.b.date.as_deref(),
            value_b: d.b.value,
            text_b: &d.b.text,
            source_b: d.b.source.as_deref(),
            doc_a: &d.a.doc_id,
            doc_b: &d.b.doc_id,
            url_a: d.a.url.as_deref(),
            url_b: d.b.url.as_deref(),
        })
        .collect();
    let how = Printed {
        format: a.format,
        bom: a.bom,
        range: None,
    };
    if a.format == OutFormat::Jsonl {
        print_rows(rows, &[], &how)
    } else if a.format == OutFormat::Csv {
        print_rows(
            &flat,
            &[
                "category",
                "place",
                "what",
                "difference",
                "date_a",
                "value_a",
                "text_a",
                "source_a",
                "date_b",
                "value_b",
                "text_b",
                "source_b",
                "doc_a",
                "doc_b",
                "url_a",
                "url_b",
            ],
            &how,
        )
    } else {
        print_rows(
            &flat,
            &[
                "category",
                "place",
                "what",
                "difference",
                "date_a",
                "value_a",
                "source_a",
                "date_b",
                "value_b",
                "source_b",
                "doc_a",
                "doc_b",
            ],
            &how,
        )
    }
}

pub fn export(db: &Path, parquet: Option<&Path>, csv: Option<&Path>, bom: bool) -> Result<bool> {
    let store = SqliteStore::open_read_only(db).with_context(|| db.display().to_string())?;
    let mut written = Vec::new();
    if let Some(dir) = parquet {
        let files = kutip_store::export::parquet(store.connection(), dir)
            .with_context(|| format!("exporting to {}", dir.display()))?;
        written.extend(files.into_iter().map(|(f, n)| (dir.join(f), n)));
    }
    if let Some(dir) = csv {
        let files = kutip_store::export::csv(store.connection(), dir, bom)
            .with_context(|| format!("exporting to {}", dir.display()))?;
        written.extend(files.into_iter().map(|(f, n)| (dir.join(f), n)));
    }
    for (f, n) in written {
        eprintln!("wrote {} ({n} rows)", f.display());
    }
    Ok(true)
}

/// `kutip check`: a full integrity check of a ledger database.
pub fn check(db: &Path) -> Result<bool> {
    let problems = SqliteStore::check(db).with_context(|| db.display().to_string())?;
    if problems.is_empty() {
        println!("{}: ok", db.display());
        return Ok(true);
    }
    for p in &problems {
        println!("{}: {p}", db.display());
    }
    eprintln!(
        "kutip: {}: {} problem(s); restore a copy or ingest again into a new file",
        db.display(),
        problems.len()
    );
    Ok(false)
}
