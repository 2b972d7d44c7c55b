//! `kutip bench`: throughput of the pipeline on a corpus, on one core and on all cores, and
//! with `--scaling` how the cost per byte grows with the length of one document.

use crate::input::{self, Doc, Item};
use crate::InputArgs;
use anyhow::Result;
use rayon::prelude::*;
use std::time::Instant;

#[derive(clap::Args)]
pub struct BenchArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Repeat the corpus this many times.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// A tagger model (see `kutip train`): measure `extract --model`.
    #[arg(long)]
    model: Option<String>,
    /// Join the corpus into single documents of growing size (0.1 to 10 MB) and report the
    /// cost per byte of each against the same text as ordinary articles.
    #[arg(long)]
    scaling: bool,
    /// Also time each stage on one core and print its share of the time.
    #[arg(long)]
    stages: bool,
}

/// The documents of the input, and how reading them went: for web pages and archives,
/// reading is the extraction of the main text and metadata, and is timed apart.
struct Loaded {
    docs: Vec<Doc>,
    errors: usize,
    /// bytes of the input files (stdin not counted)
    input_bytes: u64,
    seconds: f64,
}

fn load(input: &InputArgs) -> Loaded {
    let entries = crate::entries(input);
    let input_bytes = entries
        .iter()
        .map(|e| match e {
            input::Entry::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum();
    let t = Instant::now();
    let mut docs = Vec::new();
    let mut errors = 0;
    for item in input::stream(entries, input.format, input.lossy) {
        match item {
            Item::Doc(d) => docs.push(*d),
            Item::Error(e) => {
                errors += 1;
                eprintln!("kutip: error: {e}");
            }
            Item::Skipped(m) => eprintln!("kutip: {m}"),
        }
    }
    Loaded {
        docs,
        errors,
        input_bytes,
        seconds: t.elapsed().as_secs_f64(),
    }
}

/// What reading the input cost, and for pages what the whole run from HTML costs.
fn report_reading(l: &Loaded, pipeline_single: f64, repeat: usize) {
    let mb = l.input_bytes as f64 / 1e6;
    let secs = l.seconds.max(f64::MIN_POSITIVE);
    println!(
        "reading  : {:>8.2} MB/s {:>9.0} docs/s ({:.2} MB of input in {:.2}s, one thread)",
        mb / secs,
        l.docs.len() as f64 / secs,
        mb,
        l.seconds
    );
    let whole = l.seconds + pipeline_single / repeat.max(1) as f64;
    println!(
        "read+run : {:>8.2} MB/s {:>9.0} docs/s (input bytes through the whole pipeline, one thread)",
        mb / whole,
        l.docs.len() as f64 / whole
    );
}

fn extract(d: &Doc, model: Option<&kutip::tagger::Model>) -> usize {
    extract_timed(d, model, None)
}

fn extract_timed(
    d: &Doc,
    model: Option<&kutip::tagger::Model>,
    timings: Option<&kutip::ledger::Timings>,
) -> usize {
    let opts = kutip::ledger::Options {
        model,
        stop: None,
        timings,
        source: None,
    };
    d.run(&opts)
        .map(|l| l.quotes.len() + l.figures.len())
        .unwrap_or(0)
}

/// Seconds for `f`, the best of `runs` (the least disturbed by the rest of the machine).
fn best_of(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

pub fn run(a: &BenchArgs) -> Result<bool> {
    let loaded = load(&a.input);
    let (docs, errors) = (&loaded.docs, loaded.errors);
    let model = a
        .model
        .as_deref()
        .map(crate::train::load_model)
        .transpose()?;
    let m = model.as_ref();
    if let Some(d) = docs.first() {
        extract(d, m); // warm-up: lexicons
    }
    if a.scaling {
        scaling(docs, m);
        return Ok(errors == 0);
    }
    let repeat = a.repeat.max(1);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum::<usize>() * repeat;
    let n = docs.len() * repeat;
    let mb = bytes as f64 / 1e6;
    let t = Instant::now();
    let mut items = 0usize;
    for _ in 0..repeat {
        for d in docs {
            items += extract(d, m);
        }
    }
    let single = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _: usize = (0..repeat)
        .into_par_iter()
        .flat_map(|_| docs.par_iter())
        .map(|d| extract(d, m))
        .sum();
    let multi = t.elapsed().as_secs_f64();
    println!(
        "corpus: {} documents, {:.2} MB (x{repeat}); {} quotes+figures{}",
        docs.len(),
        mb / repeat as f64,
        items / repeat,
        if m.is_some() { "; with the model" } else { "" }
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
    if loaded.input_bytes > 0 {
        report_reading(&loaded, single, repeat);
    }
    if a.stages {
        stages(docs, repeat, m);
    }
    Ok(errors == 0)
}

/// One more pass on one core with each stage timed: its seconds, share and MB/s.
fn stages(docs: &[Doc], repeat: usize, m: Option<&kutip::tagger::Model>) {
    let timings = kutip::ledger::Timings::default();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum::<usize>() * repeat;
    for _ in 0..repeat {
        for d in docs {
            extract_timed(d, m, Some(&timings));
        }
    }
    let secs = timings.seconds();
    let total: f64 = secs.iter().map(|x| x.1).sum();
    println!("stage        seconds   share   MB/s (of the stage alone)");
    for (stage, t) in secs {
        if t == 0.0 {
            continue;
        }
        println!(
            "{:<11} {:>8.3} {:>6.1}% {:>8.1}",
            stage.name(),
            t,
            100.0 * t / total.max(f64::MIN_POSITIVE),
            bytes as f64 / 1e6 / t
        );
    }
    println!("{:<11} {:>8.3} {:>6.1}%", "all", total, 100.0);
}

/// Documents of growing size made by joining the corpus's articles (paragraphs apart), each
/// timed on one core against the same articles processed one by one.
fn scaling(docs: &[Doc], m: Option<&kutip::tagger::Model>) {
    let total: usize = docs.iter().map(|d| d.text.len()).sum();
    if total == 0 {
        println!("scaling: the corpus is empty");
        return;
    }
    println!(
        "size (MB)  as articles (MB/s)  as one document (MB/s)  cost per byte, one document / articles{}",
        if m.is_some() { "  [with the model]" } else { "" }
    );
    for target in [
        100_000usize,
        500_000,
        1_000_000,
        2_000_000,
        5_000_000,
        10_000_000,
    ] {
        // the articles that make up `target` bytes, repeating the corpus when it is smaller
        let mut parts: Vec<&Doc> = Vec::new();
        let mut size = 0;
        for d in docs.iter().cycle() {
            if size >= target {
                break;
            }
            if d.text.trim().is_empty() {
                continue;
            }
            size += d.text.len() + 2;
            parts.push(d);
        }
        let joined = Doc {
            id: "joined".into(),
            text: parts
                .iter()
                .map(|d| d.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n"),
            meta: kutip::Meta::default(),
            origin: "joined".into(),
            source: None,
        };
        let runs = if target <= 1_000_000 { 3 } else { 1 };
        let as_articles = best_of(runs, || {
            for d in &parts {
                extract(d, m);
            }
        });
        let as_one = best_of(runs, || {
            extract(&joined, m);
        });
        let mb = joined.text.len() as f64 / 1e6;
        println!(
            "{:>9.1}  {:>18.2}  {:>22.2}  {:>6.2}",
            mb,
            mb / as_articles,
            mb / as_one,
            as_one / as_articles
        );
    }
}
