//! `kutip eval`: score stages against gold data.

use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::Write;

#[derive(clap::Subcommand)]
pub enum EvalCmd {
    /// Sentence-boundary and token F1 on a UD CoNLL-U file: consecutive gold sentences are
    /// joined by one space into documents of `--per-doc` sentences.
    Segment {
        /// A CoNLL-U file (../shared/data/ud/*.conllu).
        file: String,
        /// Gold sentences joined into one document.
        #[arg(long, default_value_t = 20)]
        per_doc: usize,
        /// Print the sentences where the segmenter disagrees with the gold standard.
        #[arg(long)]
        errors: bool,
    },
    /// Span precision, recall and F1 (micro and per label) of `kutip tag` on a PFSA-ID file,
    /// against the file's own labels.
    Pfsa {
        /// A PFSA-ID file: `token<TAB>label` per line, a blank line between sentences.
        file: String,
        /// A model written by `kutip train` (without it, the rules label).
        #[arg(long)]
        model: Option<String>,
    },
    /// The ledger against hand-annotated gold files (`GOLD_DIR/<id>.json`, the format of
    /// ../shared/data/ledger/GUIDE.md): statements found and attributed, figures found and
    /// sourced, precision, ledger F1; see docs/evaluation.md.
    Ledger {
        /// Directory of gold files, one `<id>.json` per document.
        gold: std::path::PathBuf,
        /// The documents (JSON lines with `id` and `text`, or text files named by id).
        input: Vec<String>,
        /// A tagger model to run with the rules.
        #[arg(long)]
        model: Option<String>,
        /// List every missed statement or figure, wrong speaker or source, and spurious item.
        #[arg(long)]
        verbose: bool,
        /// Report each part of the set too (documents grouped by their id without its last
        /// `-` field: dev-a-001 is in dev-a).
        #[arg(long)]
        parts: bool,
        /// The figures as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Speaker identities of a corpus ledger against pairs annotated by hand: each line
    /// `same|different<TAB>doc<TAB>name<TAB>doc<TAB>name[<TAB>note]` says whether the names
    /// two documents give refer to one person (or organisation). Reports the precision and
    /// recall of "same".
    Identities {
        /// The pairs file (`#` comments).
        pairs: std::path::PathBuf,
        /// The ledger database (`kutip ingest --db`).
        #[arg(long)]
        db: std::path::PathBuf,
        /// List the pairs the ledger gets wrong and those it cannot find.
        #[arg(long)]
        verbose: bool,
    },
    /// Main text, title and date read from web pages against a truth file: one JSON object
    /// per line with `file` (relative to the truth file) and `articleBody` or
    /// `expected_content`, optionally `expected_title`, `expected_date_ms`, `url`. Reports the
    /// article-extraction benchmark's shingle F1, word-bag F1, titles and dates right; see
    /// docs/html.md.
    Extraction {
        /// The truth file (e.g. ../shared/data/html/bench/ground-truth.jsonl).
        truth: std::path::PathBuf,
        /// One line per page, with the wrong titles and dates.
        #[arg(long)]
        verbose: bool,
        /// The figures as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: EvalCmd) -> Result<bool> {
    match cmd {
        EvalCmd::Segment {
            file,
            per_doc,
            errors,
        } => eval_segment(&file, per_doc.max(1), errors),
        EvalCmd::Pfsa { file, model } => eval_pfsa(&file, model.as_deref()),
        EvalCmd::Ledger {
            gold,
            input,
            model,
            verbose,
            parts,
            json,
        } => eval_ledger(&gold, &input, model.as_deref(), verbose, parts, json),
        EvalCmd::Identities { pairs, db, verbose } => eval_identities(&pairs, &db, verbose),
        EvalCmd::Extraction {
            truth,
            verbose,
            json,
        } => crate::extraction_eval::run(&truth, verbose, json),
    }
}

/// Precision and recall of identity pairs (see [`EvalCmd::Identities`]).
fn eval_identities(pairs: &std::path::Path, db: &std::path::Path, verbose: bool) -> Result<bool> {
    let src =
        std::fs::read_to_string(pairs).with_context(|| format!("reading {}", pairs.display()))?;
    let store = kutip_store::SqliteStore::open_read_only(db)?;
    let (mut tp, mut fp, mut fneg, mut tn) = (0usize, 0usize, 0usize, 0usize);
    let mut missing = Vec::new();
    let mut errors = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let l = line.trim_end_matches('\r');
        if l.trim().is_empty() || l.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = l.split('\t').collect();
        let gold = match f.first().copied() {
            Some("same") => true,
            Some("different") => false,
            _ => {
                bad.push(i + 1);
                continue;
            }
        };
        if f.len() < 5 {
            bad.push(i + 1);
            continue;
        }
        let a = store.entity_identity(f[1], f[2])?;
        let b = store.entity_identity(f[3], f[4])?;
        let (Some(a), Some(b)) = (a, b) else {
            missing.push(format!(
                "line {}: {} ({}) / {} ({})",
                i + 1,
                f[2],
                f[1],
                f[4],
                f[3]
            ));
            continue;
        };
        let pred = a.1 == b.1;
        match (gold, pred) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fneg += 1,
            (false, false) => tn += 1,
        }
        if gold != pred {
            errors.push(format!(
                "line {}: {} {} ({}) / {} ({}): kutip says {}",
                i + 1,
                if gold { "SAME" } else { "DIFFERENT" },
                f[2],
                f[1],
                f[4],
                f[3],
                if pred { "same" } else { "different" }
            ));
        }
    }
    if !bad.is_empty() {
        anyhow::bail!("{}: malformed lines {:?}", pairs.display(), bad);
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let p = ratio(tp, tp + fp);
    let r = ratio(tp, tp + fneg);
    println!(
        "pairs {}: same {} different {}; not found {}",
        tp + fp + fneg + tn,
        tp + fneg,
        fp + tn,
        missing.len()
    );
    println!("merge precision {p:.3}  recall {r:.3}  (tp {tp} fp {fp} fn {fneg} tn {tn})");
    if verbose {
        for e in &errors {
            println!("  {e}");
        }
        for m in &missing {
            println!("  not found: {m}");
        }
    }
    Ok(true)
}

fn eval_ledger(
    gold_dir: &std::path::Path,
    input: &[String],
    model: Option<&str>,
    verbose: bool,
    parts: bool,
    json: bool,
) -> Result<bool> {
    use crate::ledger_eval as le;
    use rayon::prelude::*;
    let model = model.map(crate::train::load_model).transpose()?;
    let mut docs = Vec::new();
    let mut errors = 0;
    for item in crate::input::stream(
        crate::input::expand(input),
        crate::input::Format::Auto,
        false,
    ) {
        match item {
            crate::input::Item::Doc(d) => docs.push(*d),
            crate::input::Item::Error(e) => {
                errors += 1;
                eprintln!("kutip: error: {e}");
            }
            crate::input::Item::Skipped(m) => eprintln!("kutip: {m}"),
        }
    }
    let gold = le::read_gold(gold_dir)?;
    let opts = kutip::ledger::Options {
        model: model.as_ref(),
        stop: None,
        timings: None,
        source: None,
    };
    let preds: std::collections::HashMap<String, le::Predicted> = docs
        .par_iter()
        .filter_map(|d| {
            let l = d.run(&opts).ok()?;
            Some((d.id.clone(), le::Predicted::of(&l)))
        })
        .collect();
    let texts = le::texts(&docs);
    let mut counts = Vec::new();
    let mut lines = Vec::new();
    for g in gold.iter().filter(|g| g.usable) {
        let Some(text) = texts.get(&g.id) else {
            continue;
        };
        let c = le::score_doc(g, text, preds.get(&g.id), &mut |l| lines.push(l));
        counts.push((g.id.clone(), c));
    }
    if counts.is_empty() {
        anyhow::bail!(
            "no gold file in {} names a document of the input (the gold's `id` must be a document's id)",
            gold_dir.display()
        );
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if verbose {
        for l in &lines {
            writeln!(out, "{l}")?;
        }
    }
    le::report(&counts, parts, json, &mut out)?;
    Ok(errors == 0)
}

struct GoldSent {
    text: String,
    tokens: Vec<String>,
}

fn read_conllu(path: &str) -> Result<Vec<GoldSent>> {
    let src = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let mut out = Vec::new();
    let mut cur = GoldSent {
        text: String::new(),
        tokens: vec![],
    };
    let mut skip_until = 0usize;
    for line in src.lines() {
        if line.is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::replace(
                    &mut cur,
                    GoldSent {
                        text: String::new(),
                        tokens: vec![],
                    },
                ));
            }
            skip_until = 0;
            continue;
        }
        if let Some(t) = line.strip_prefix("# text = ") {
            cur.text = t.to_string();
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 {
            continue;
        }
        let id = cols[0];
        if id.contains('.') {
            continue;
        }
        if let Some((a, b)) = id.split_once('-') {
            let (_, b): (usize, usize) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
            skip_until = b;
            cur.tokens.push(cols[1].to_string());
            continue;
        }
        let n: usize = id.parse().unwrap_or(0);
        if n <= skip_until {
            continue;
        }
        cur.tokens.push(cols[1].to_string());
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 {
        0.0
    } else {
        tp as f64 / pred as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        tp as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn eval_segment(path: &str, per_doc: usize, show_errors: bool) -> Result<bool> {
    let sents = read_conllu(path)?;
    let (mut b_tp, mut b_pred, mut b_gold) = (0, 0, 0);
    let (mut s_tp, mut s_pred, mut s_gold) = (0, 0, 0);
    let (mut t_tp, mut t_pred, mut t_gold) = (0, 0, 0);
    let mut unaligned = 0;
    for chunk in sents.chunks(per_doc) {
        let mut doc = String::new();
        let mut gold_spans = Vec::new();
        let mut gold_toks = HashSet::new();
        for s in chunk {
            if !doc.is_empty() {
                doc.push(' ');
            }
            let start = doc.len();
            doc.push_str(&s.text);
            gold_spans.push((start, doc.len()));
            let mut cur = start;
            for t in &s.tokens {
                match doc[cur..].find(t.as_str()) {
                    Some(p) => {
                        gold_toks.insert((cur + p, cur + p + t.len()));
                        cur += p + t.len();
                    }
                    None => unaligned += 1,
                }
            }
        }
        let block = kutip::Block {
            kind: kutip::BlockKind::Paragraph,
            start: 0,
            end: doc.len(),
            html: None,
        };
        let a = kutip::segment::segment(&doc, vec![block]);
        let pred_spans: Vec<(usize, usize)> =
            a.sentences.iter().map(|s| (s.start, s.end)).collect();
        let gold_set: HashSet<_> = gold_spans.iter().copied().collect();
        let pred_set: HashSet<_> = pred_spans.iter().copied().collect();
        s_tp += gold_set.intersection(&pred_set).count();
        s_pred += pred_set.len();
        s_gold += gold_set.len();
        // boundaries: ends of sentences other than the document's last
        let gb: HashSet<usize> = gold_spans[..gold_spans.len() - 1]
            .iter()
            .map(|s| s.1)
            .collect();
        let pb: HashSet<usize> = pred_spans[..pred_spans.len().saturating_sub(1)]
            .iter()
            .map(|s| s.1)
            .collect();
        b_tp += gb.intersection(&pb).count();
        b_pred += pb.len();
        b_gold += gb.len();
        if show_errors {
            for s in pred_spans.iter().filter(|s| !gold_set.contains(s)) {
                println!("PRED {:?}", &doc[s.0..s.1]);
            }
            for s in gold_spans.iter().filter(|s| !pred_set.contains(s)) {
                println!("GOLD {:?}", &doc[s.0..s.1]);
            }
        }
        let pt: HashSet<_> = a.tokens.iter().map(|t| (t.start, t.end)).collect();
        if show_errors {
            for t in pt.difference(&gold_toks).take(20) {
                println!("TOKEN+ {:?}", &doc[t.0..t.1]);
            }
            for t in gold_toks.difference(&pt).take(20) {
                println!("TOKEN- {:?}", &doc[t.0..t.1]);
            }
        }
        t_tp += pt.intersection(&gold_toks).count();
        t_pred += pt.len();
        t_gold += gold_toks.len();
    }
    let (bp, br, bf) = prf(b_tp, b_pred, b_gold);
    let (sp, sr, sf) = prf(s_tp, s_pred, s_gold);
    let (tp, tr, tf) = prf(t_tp, t_pred, t_gold);
    println!(
        "file: {path} ({} sentences, documents of {per_doc})",
        sents.len()
    );
    println!("sentence boundaries: P {bp:.4} R {br:.4} F1 {bf:.4}  ({b_tp}/{b_pred} pred, {b_gold} gold)");
    println!("sentence spans     : P {sp:.4} R {sr:.4} F1 {sf:.4}");
    println!("tokens             : P {tp:.4} R {tr:.4} F1 {tf:.4}  ({unaligned} gold tokens not found in text)");
    Ok(true)
}

pub fn read_pfsa(path: &str) -> Result<Vec<kutip::pfsa::PSentence>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let src = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{path}: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(kutip::pfsa::parse(&src))
}

pub fn tag_file(path: &str, model: Option<&str>) -> Result<bool> {
    use std::io::Write;
    let model = model.map(crate::train::load_model).transpose()?;
    let sents = read_pfsa(path)?;
    let labels = crate::train::label(&sents, model.as_ref());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (s, l) in sents.iter().zip(&labels) {
        for (t, lab) in s.tokens.iter().zip(l) {
            writeln!(out, "{t}\t{lab}")?;
        }
        writeln!(out)?;
    }
    out.flush()?;
    Ok(true)
}

pub fn print_scores(scores: &std::collections::BTreeMap<String, (usize, usize, usize)>) {
    let (mut tp, mut pr, mut go) = (0, 0, 0);
    println!(
        "{:<12} {:>7} {:>7} {:>7} {:>6} {:>6}",
        "label", "P", "R", "F1", "pred", "gold"
    );
    for (l, &(a, b, c)) in scores {
        let (p, r, f) = prf(a, b, c);
        println!("{l:<12} {p:>7.4} {r:>7.4} {f:>7.4} {b:>6} {c:>6}");
        tp += a;
        pr += b;
        go += c;
    }
    let (p, r, f) = prf(tp, pr, go);
    println!("{:<12} {p:>7.4} {r:>7.4} {f:>7.4} {pr:>6} {go:>6}", "micro");
}

fn eval_pfsa(path: &str, model: Option<&str>) -> Result<bool> {
    let m = model.map(crate::train::load_model).transpose()?;
    let sents = read_pfsa(path)?;
    let gold: Vec<Vec<String>> = sents.iter().map(|s| s.labels.clone()).collect();
    let t = std::time::Instant::now();
    let pred = crate::train::label(&sents, m.as_ref());
    let secs = t.elapsed().as_secs_f64();
    println!(
        "file: {path} ({} sentences, {} articles, tagged {} in {secs:.2}s)",
        sents.len(),
        kutip::pfsa::articles(&sents).len(),
        model
            .map(|m| format!("with model {m}"))
            .unwrap_or_else(|| "by rules".into()),
    );
    print_scores(&kutip::pfsa::score(&gold, &pred));
    Ok(true)
}
