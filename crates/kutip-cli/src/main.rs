//! `kutip`: the command-line front end. Thin: it reads input, calls the core library and
//! writes JSON lines. See ARCHITECTURE.md.

mod corpus;
mod eval;
mod input;
mod train;

use anyhow::Result;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use input::{Doc, Format, Item};
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "kutip",
    version,
    about = "Who said what in Indonesian news: an attribution ledger"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
pub struct InputArgs {
    /// Files, directories (read recursively) or `-` for stdin.
    pub paths: Vec<String>,
    /// Input format: one document per text file, or JSON lines with `text` and optional
    /// `id`, `title`, `date`, `url`, `outlet`.
    #[arg(long = "input", value_enum, default_value = "text")]
    pub format: Format,
    /// Replace invalid UTF-8 instead of reporting an error.
    #[arg(long)]
    pub lossy: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write the attribution ledger of each document as one JSON object per line.
    Extract {
        #[command(flatten)]
        input: InputArgs,
        /// Indented JSON for humans.
        #[arg(long)]
        pretty: bool,
        /// A tagger model written by `kutip train`: its spans are added (`tags`) and complete
        /// speakers' roles and affiliations.
        #[arg(long)]
        model: Option<String>,
    },
    /// Print blocks, sentences and tokens of each document (JSON lines, with offsets).
    Segment {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Score a stage against gold data.
    Eval {
        #[command(subcommand)]
        what: eval::EvalCmd,
    },
    /// Label a PFSA-ID token-per-line file (`token<TAB>label` out, same tokens and blank lines).
    Tag {
        file: String,
        /// A model written by `kutip train` (without it, the rules label).
        #[arg(long)]
        model: Option<String>,
    },
    /// Extract documents and store them in the corpus ledger (SQLite).
    Ingest(corpus::IngestArgs),
    /// Search the corpus ledger: quotes, figures, speakers, disagreements, merges.
    Query(corpus::QueryArgs),
    /// Export the quotes and figures tables of a ledger database.
    Export {
        #[arg(long, default_value = "ledger.db")]
        db: std::path::PathBuf,
        /// Directory for quotes.parquet and figures.parquet.
        #[arg(long)]
        parquet: std::path::PathBuf,
    },
    /// HTTP API and web page (extract articles; search the ledger when --db is given).
    Serve(corpus::ServeArgs),
    /// Train the statement tagger on a PFSA-ID file and write a model file.
    Train(train::TrainArgs),
    /// Measure extract throughput (MB/s, documents/s), on one core and on all cores.
    Bench {
        #[command(flatten)]
        input: InputArgs,
        /// Repeat the corpus this many times.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
}

fn main() -> ExitCode {
    // `kutip ... | head` must end quietly, not panic on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Extract {
            input,
            pretty,
            model,
        } => match model.as_deref().map(train::load_model).transpose() {
            Err(e) => Err(e),
            Ok(m) => run_docs(&input, |d| {
                let l = kutip::ledger::extract_with(&d.id, &d.text, d.meta.clone(), m.as_ref());
                if pretty {
                    serde_json::to_string_pretty(&l)
                } else {
                    serde_json::to_string(&l)
                }
                .map_err(Into::into)
            }),
        },
        Cmd::Segment { input } => run_docs(&input, |d| {
            let a = kutip::segment::analyze(&d.text);
            let v = serde_json::json!({
                "id": d.id,
                "blocks": a.blocks,
                "sentences": a.sentences.iter().map(|s| serde_json::json!({
                    "start": s.start, "end": s.end, "text": &d.text[s.start..s.end]})).collect::<Vec<_>>(),
                "tokens": a.tokens.iter().map(|t| {
                    let mut v = serde_json::to_value(t).unwrap_or_default();
                    v["text"] = d.text[t.start..t.end].into();
                    v
                }).collect::<Vec<_>>(),
            });
            Ok(v.to_string())
        }),
        Cmd::Eval { what } => eval::run(what),
        Cmd::Bench { input, repeat } => bench(&input, repeat),
        Cmd::Ingest(a) => corpus::ingest(&a),
        Cmd::Serve(a) => corpus::serve(a),
        Cmd::Query(a) => corpus::query(&a),
        Cmd::Export { db, parquet } => corpus::export(&db, &parquet),
        Cmd::Tag { file, model } => eval::tag_file(&file, model.as_deref()),
        Cmd::Train(a) => train::train(&a),
    };
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("kutip: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Stream documents, process them in parallel batches, write results in input order.
/// Returns Ok(false) when some input failed (after processing all the others).
fn run_docs<F>(input: &InputArgs, f: F) -> Result<bool>
where
    F: Fn(&Doc) -> Result<String> + Sync,
{
    let paths = input::expand(&input.paths);
    let n_files = paths.len();
    let show = std::io::stderr().is_terminal() && (n_files > 1 || input.format == Format::Jsonl);
    let pb = if show {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template("{spinner} {pos} documents {per_sec} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut errors = 0usize;
    let mut it = input::stream(paths, input.format, input.lossy);
    loop {
        let batch: Vec<Item> = it.by_ref().take(256).collect();
        if batch.is_empty() {
            break;
        }
        let results: Vec<std::result::Result<String, String>> = batch
            .into_par_iter()
            .map(|item| match item {
                Ok(d) => f(&d).map_err(|e| format!("{}: {e:#}", d.id)),
                Err(e) => Err(e),
            })
            .collect();
        for r in results {
            match r {
                Ok(s) => {
                    out.write_all(s.as_bytes())?;
                    out.write_all(b"\n")?;
                }
                Err(e) => {
                    errors += 1;
                    pb.suspend(|| eprintln!("kutip: error: {e}"));
                }
            }
            pb.inc(1);
        }
    }
    out.flush()?;
    pb.finish_and_clear();
    if errors > 0 {
        eprintln!("kutip: {errors} input(s) failed; the others were processed");
    }
    Ok(errors == 0)
}

fn bench(input: &InputArgs, repeat: usize) -> Result<bool> {
    let paths = input::expand(&input.paths);
    let mut docs = Vec::new();
    let mut errors = 0;
    for item in input::stream(paths, input.format, input.lossy) {
        match item {
            Ok(d) => docs.push(d),
            Err(e) => {
                errors += 1;
                eprintln!("kutip: error: {e}");
            }
        }
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum::<usize>() * repeat;
    let n = docs.len() * repeat;
    let mb = bytes as f64 / 1e6;
    // warm-up (lexicons)
    if let Some(d) = docs.first() {
        let _ = kutip::extract(&d.id, &d.text, d.meta.clone());
    }
    let t = Instant::now();
    let mut items = 0usize;
    for _ in 0..repeat {
        for d in &docs {
            let l = kutip::extract(&d.id, &d.text, d.meta.clone());
            items += l.quotes.len() + l.figures.len();
        }
    }
    let single = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let par_items: usize = (0..repeat)
        .into_par_iter()
        .flat_map(|_| docs.par_iter())
        .map(|d| {
            let l = kutip::extract(&d.id, &d.text, d.meta.clone());
            l.quotes.len() + l.figures.len()
        })
        .sum();
    let multi = t.elapsed().as_secs_f64();
    println!(
        "corpus: {} documents, {:.2} MB (x{repeat}); {} quotes+figures",
        docs.len(),
        mb / repeat as f64,
        items / repeat.max(1)
    );
    println!(
        "1 thread : {:>8.2} MB/s {:>9.0} docs/s ({:.2}s)",
        mb / single,
        n as f64 / single,
        single
    );
    println!(
        "{} threads: {:>8.2} MB/s {:>9.0} docs/s ({:.2}s)",
        rayon::current_num_threads(),
        mb / multi,
        n as f64 / multi,
        multi
    );
    debug_assert_eq!(items, par_items);
    Ok(errors == 0)
}
