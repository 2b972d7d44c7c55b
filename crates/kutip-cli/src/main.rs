//! `kutip`: the command-line front end. Thin: it reads input, calls the core library and
//! writes JSON lines. See ARCHITECTURE.md.

mod batch;
mod bench;
mod corpus;
mod eval;
mod extraction_eval;
mod input;
mod ledger_eval;
mod progress;
mod train;

use anyhow::Result;
use clap::{Parser, Subcommand};
use input::{Doc, Format};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

// The pipeline makes many small short-lived allocations per document; mimalloc serves them
// in about half the time of the system allocator (`kutip bench`, detik corpus).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Input format: `auto` chooses per file (.jsonl/.ndjson/.json are JSON lines, else by
    /// content); `text` is one document per file; `jsonl` one JSON object per line with `text`
    /// and optional `id`, `title`, `date`, `url`, `outlet`.
    #[arg(long = "input", value_enum, default_value = "auto")]
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
        /// A PFSA-ID file (`token<TAB>label` per line; the labels are replaced).
        file: String,
        /// A model written by `kutip train` (without it, the rules label).
        #[arg(long)]
        model: Option<String>,
    },
    /// Extract documents and store them in the corpus ledger (SQLite).
    Ingest(corpus::IngestArgs),
    /// Search the corpus ledger: quotes, figures, speakers, disagreements, merges.
    Query(corpus::QueryArgs),
    /// Export the documents, quotes and figures tables of a ledger database (columns in
    /// docs/store.md).
    Export {
        /// The ledger database.
        #[arg(long, default_value = "ledger.db")]
        db: std::path::PathBuf,
        /// Directory for documents.parquet, quotes.parquet and figures.parquet.
        #[arg(long, required_unless_present = "csv")]
        parquet: Option<std::path::PathBuf>,
        /// Directory for documents.csv, quotes.csv and figures.csv.
        #[arg(long)]
        csv: Option<std::path::PathBuf>,
        /// Begin the CSV files with a byte-order mark, so that Excel reads them as UTF-8.
        #[arg(long)]
        bom: bool,
    },
    /// Check a ledger database thoroughly (`PRAGMA integrity_check`); exit 1 when damaged.
    Check {
        /// The ledger database.
        #[arg(long, default_value = "ledger.db")]
        db: std::path::PathBuf,
    },
    /// HTTP API and web page (extract articles; search the ledger when --db is given).
    Serve(corpus::ServeArgs),
    /// Train the statement tagger on a PFSA-ID file and write a model file.
    Train(train::TrainArgs),
    /// Measure extract throughput (MB/s, documents/s), on one core and on all cores.
    Bench(bench::BenchArgs),
}

fn main() -> ExitCode {
    // `kutip ... | head` must end quietly, not panic on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    batch::install_panic_hook();
    let cli = Cli::parse();
    let r = match cli.cmd {
        Cmd::Extract {
            input,
            pretty,
            model,
        } => match model.as_deref().map(train::load_model).transpose() {
            Err(e) => Err(e),
            Ok(m) => run_docs(&input, |d| {
                let opts = kutip::ledger::Options {
                    model: m.as_ref(),
                    stop: None,
                    timings: None,
                    source: None,
                };
                let l = d.run(&opts)?;
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
        Cmd::Bench(a) => bench::run(&a),
        Cmd::Ingest(a) => corpus::ingest(&a),
        Cmd::Serve(a) => corpus::serve(a),
        Cmd::Query(a) => corpus::query(&a),
        Cmd::Export {
            db,
            parquet,
            csv,
            bom,
        } => corpus::export(&db, parquet.as_deref(), csv.as_deref(), bom),
        Cmd::Check { db } => corpus::check(&db),
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

/// The inputs of a command, with a note when it waits for a terminal's standard input.
pub fn entries(input: &InputArgs) -> Vec<input::Entry> {
    let e = input::expand(&input.paths);
    if e.iter().any(|x| matches!(x, input::Entry::Stdin)) && std::io::stdin().is_terminal() {
        eprintln!(
            "kutip: reading a document from standard input (end it with Ctrl-D); give files or directories to read them instead"
        );
    }
    e
}

/// Stream documents, process them in parallel batches, write results in input order.
/// Returns Ok(false) when some input failed (after processing all the others).
fn run_docs<F>(input: &InputArgs, f: F) -> Result<bool>
where
    F: Fn(&Doc) -> Result<String> + Sync,
{
    let t0 = Instant::now();
    let entries = entries(input);
    let show =
        std::io::stderr().is_terminal() && (entries.len() > 1 || input.format == Format::Jsonl || entries.iter().any(|e| matches!(e, input::Entry::File(p) if p.extension().is_some_and(|x| x == "jsonl" || x == "ndjson"))));
    let pb = progress::Progress::new(&entries, show);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut skipped = 0usize;
    let items = input::stream(entries, input.format, input.lossy).inspect(|i| {
        if let input::Item::Skipped(m) = i {
            skipped += 1;
            pb.bar.suspend(|| eprintln!("kutip: {m}"));
        }
    });
    let sum = batch::run(items, f, &mut out, &mut |e| eprintln!("{e}"), &pb)?;
    pb.finish();
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "kutip: {} documents ({:.1} MB) in {secs:.1} s; {} failed, {skipped} skipped",
        sum.documents,
        sum.bytes as f64 / 1e6,
        sum.failed,
    );
    Ok(sum.failed == 0)
}

#[cfg(test)]
mod help_tests {
    use clap::CommandFactory;

    /// Every command and every option says what it is for (`--help`).
    #[test]
    fn every_option_has_help() {
        fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let here = format!("{path} {}", c.get_name());
            if c.get_about().is_none() && !path.is_empty() {
                missing.push(format!("{here}: the command"));
            }
            for a in c.get_arguments() {
                let id = a.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{here}: {id}"));
                }
            }
            for s in c.get_subcommands() {
                walk(s, &here, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&super::Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:#?}");
    }
}
