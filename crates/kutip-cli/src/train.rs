//! `kutip train`: fit the tagger on a PFSA-ID file; helpers to load a model and to label
//! PFSA-ID files with or without one.

use anyhow::{Context, Result};
use kutip::pfsa::PSentence;
use kutip::tagger::{Example, Model, Sequence, TrainConfig};
use rayon::prelude::*;
use std::time::Instant;

pub fn load_model(path: &str) -> Result<Model> {
    let bytes = std::fs::read(path).with_context(|| format!("reading model {path}"))?;
    Model::from_bytes(&bytes).with_context(|| format!("loading model {path}"))
}

/// Articles of a PFSA-ID file as tagger sequences (the rule pipeline runs in parallel).
pub fn sequences(sents: &[PSentence]) -> Vec<(std::ops::Range<usize>, Sequence)> {
    kutip::pfsa::articles(sents)
        .into_par_iter()
        .map(|r| {
            let s = Sequence::from_sentences(&sents[r.clone()]);
            (r, s)
        })
        .collect()
}

/// Labels for every sentence: the model's when given, else the rules'.
pub fn label(sents: &[PSentence], model: Option<&Model>) -> Vec<Vec<String>> {
    let Some(m) = model else {
        return kutip::pfsa::tag(sents);
    };
    tag_sequences(m, sents, &sequences(sents))
}

/// The model's labels for every sentence, from the file's article sequences.
fn tag_sequences(
    m: &Model,
    sents: &[PSentence],
    seqs: &[(std::ops::Range<usize>, Sequence)],
) -> Vec<Vec<String>> {
    let tagged: Vec<Vec<String>> = seqs.par_iter().map(|(_, s)| m.tag(s)).collect();
    seqs.iter()
        .zip(tagged)
        .flat_map(|((r, _), labs)| kutip::pfsa::per_sentence(&sents[r.clone()], labs))
        .collect()
}

fn micro_f1(gold: &[Vec<String>], pred: &[Vec<String>]) -> f64 {
    let (mut tp, mut p, mut g) = (0, 0, 0);
    for (a, b, c) in kutip::pfsa::score(gold, pred).values() {
        tp += a;
        p += b;
        g += c;
    }
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (p + g) as f64
    }
}

#[derive(clap::Args)]
pub struct TrainArgs {
    /// Training data (PFSA-ID token-per-line with BILOU labels).
    #[arg(long)]
    pfsa: String,
    /// Development data: scored after each epoch; the best epoch is kept.
    #[arg(long)]
    dev: Option<String>,
    /// Where to write the model.
    #[arg(short = 'o', long = "output")]
    out: String,
    /// Passes over the training data at most (the best epoch on --dev is kept).
    #[arg(long, default_value_t = 40)]
    epochs: usize,
    /// Seed of the shuffling between epochs (same seed, same model).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Drop features seen fewer times than this.
    #[arg(long, default_value_t = 5)]
    min_count: u32,
}

pub fn train(a: &TrainArgs) -> Result<bool> {
    let t0 = Instant::now();
    let train = crate::eval::read_pfsa(&a.pfsa)?;
    let dev = match &a.dev {
        Some(d) => Some(crate::eval::read_pfsa(d)?),
        None => None,
    };
    let examples: Vec<Example> = sequences(&train)
        .into_iter()
        .map(|(r, seq)| Example {
            gold: train[r].iter().flat_map(|s| s.labels.clone()).collect(),
            seq,
        })
        .collect();
    let dev_seqs = dev.as_ref().map(|d| sequences(d));
    let dev_gold: Vec<Vec<String>> = dev
        .as_ref()
        .map(|d| d.iter().map(|s| s.labels.clone()).collect())
        .unwrap_or_default();
    eprintln!(
        "train: {} sentences, {} articles, {} tokens; features from the rule pipeline in {:.1}s",
        train.len(),
        examples.len(),
        examples.iter().map(|e| e.gold.len()).sum::<usize>(),
        t0.elapsed().as_secs_f64()
    );
    let cfg = TrainConfig {
        epochs: a.epochs,
        seed: a.seed,
        min_count: a.min_count,
        trained_on: std::path::Path::new(&a.pfsa)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
        licence: "trained on PFSA-ID: CC BY-NC-SA 4.0 applies to this model".into(),
    };
    let model = kutip::tagger::train(&examples, &cfg, |ep, m| {
        let dev_f1 = match (&dev, &dev_seqs) {
            (Some(d), Some(seqs)) => Some(micro_f1(&dev_gold, &tag_sequences(m, d, seqs))),
            _ => None,
        };
        eprintln!(
            "epoch {:>2}: {:.2}% token errors{} ({:.1}s)",
            ep.epoch,
            100.0 * ep.mistakes as f64 / ep.tokens.max(1) as f64,
            dev_f1
                .map(|f| format!(", dev micro-F1 {f:.4}"))
                .unwrap_or_default(),
            t0.elapsed().as_secs_f64()
        );
        dev_f1
    });
    let bytes = model.to_bytes();
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing model {}", a.out))?;
    eprintln!(
        "model: {} (epoch {}, {} features, {:.1} MB) in {:.1}s",
        a.out,
        model.header.epochs,
        model.header.n_features,
        bytes.len() as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
    Ok(true)
}
