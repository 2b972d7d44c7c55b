//! Training: a structured averaged perceptron (Collins 2002) over whole articles, features
//! seen fewer than `min_count` times dropped, deterministic for a given seed.

use super::decode::{bio_labels, emissions, to_bio, viterbi, Lattice};
use super::features::{self, HintsView, SeqView};
use super::{Header, IdHasher, IdMap, Model, Sequence, FEATURES_VERSION, FORMAT_VERSION};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
    /// Features seen fewer times than this in training are dropped.
    pub min_count: u32,
    pub trained_on: String,
    pub licence: String,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 40,
            seed: 1,
            min_count: 5,
            trained_on: String::new(),
            licence: String::new(),
        }
    }
}

/// A labelled sequence for training.
pub struct Example {
    pub seq: Sequence,
    /// Gold labels (BILOU or BIO strings), one per word.
    pub gold: Vec<String>,
}

/// Report of one epoch, given to the caller's callback (dev score is filled by the caller).
pub struct Epoch {
    pub epoch: usize,
    pub mistakes: usize,
    pub tokens: usize,
}

fn next_rand(state: &mut u64) -> u64 {
    // xorshift64*
    let mut x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

/// Train a model. `on_epoch` receives the averaged model after each epoch and returns a
/// score (higher is better, e.g. dev F1) or `None`; when scores are given, the best epoch's
/// model is returned.
pub fn train(
    data: &[Example],
    cfg: &TrainConfig,
    mut on_epoch: impl FnMut(&Epoch, &Model) -> Option<f64>,
) -> Model {
    let labels = bio_labels();
    let nl = labels.len();
    let lab_id: HashMap<String, usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), i))
        .collect();
    // feature counting and indexing
    let hashed: Vec<Vec<Vec<u64>>> = data
        .iter()
        .map(|e| {
            let words: Vec<&str> = e.seq.words.iter().map(|w| w.as_str()).collect();
            features::hashed(&SeqView {
                words: &words,
                sent_start: &e.seq.sent_start,
                hints: HintsView::of(&e.seq.hints),
            })
        })
        .collect();
    let mut counts: HashMap<u64, u32, BuildHasherDefault<IdHasher>> = HashMap::default();
    for f in hashed.iter().flatten().flatten() {
        *counts.entry(*f).or_default() += 1;
    }
    let mut kept: Vec<u64> = counts
        .into_iter()
        .filter(|&(_, c)| c >= cfg.min_count)
        .map(|(h, _)| h)
        .collect();
    kept.sort_unstable();
    let index: IdMap = kept
        .iter()
        .enumerate()
        .map(|(i, &h)| (h, i as u32))
        .collect();
    let feats: Vec<Vec<Vec<u32>>> = hashed
        .iter()
        .map(|s| {
            s.iter()
                .map(|f| f.iter().filter_map(|h| index.get(h).copied()).collect())
                .collect()
        })
        .collect();
    drop(hashed);
    let gold: Vec<Vec<usize>> = data
        .iter()
        .map(|e| {
            e.gold
                .iter()
                .map(|l| lab_id.get(&to_bio(l)).copied().unwrap_or(0))
                .collect()
        })
        .collect();
    let nf = index.len();
    let lattice = Lattice::new(&labels);
    let mut w = vec![0f32; nf * nl];
    let mut wa = vec![0f32; nf * nl];
    let mut t = vec![0f32; (nl + 1) * nl];
    let mut ta = vec![0f32; (nl + 1) * nl];
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..data.len()).collect();
    let mut rng = cfg.seed.max(1);
    let header = |epochs: usize| Header {
        format: FORMAT_VERSION,
        features_version: FEATURES_VERSION,
        labels: labels.clone(),
        n_features: nf,
        epochs,
        seed: cfg.seed,
        trained_on: cfg.trained_on.clone(),
        licence: cfg.licence.clone(),
        kutip_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let mut best: Option<(f64, Model)> = None;
    let mut last = None;
    for epoch in 1..=cfg.epochs {
        // Fisher-Yates with the seeded generator
        for i in (1..order.len()).rev() {
            let j = (next_rand(&mut rng) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let mut mistakes = 0;
        let mut tokens = 0;
        for &k in &order {
            let f = &feats[k];
            let g = &gold[k];
            let n = f.len();
            tokens += n;
            let e = emissions(&w, f, nl);
            let p = viterbi(&e, &t, &lattice, n, nl);
            let mut prev_g = nl;
            let mut prev_p = nl;
            for i in 0..n {
                if p[i] != g[i] {
                    mistakes += 1;
                    for &id in &f[i] {
                        let base = id as usize * nl;
                        w[base + g[i]] += 1.0;
                        wa[base + g[i]] += c;
                        w[base + p[i]] -= 1.0;
                        wa[base + p[i]] -= c;
                    }
                }
                if (prev_g, g[i]) != (prev_p, p[i]) {
                    t[prev_g * nl + g[i]] += 1.0;
                    ta[prev_g * nl + g[i]] += c;
                    t[prev_p * nl + p[i]] -= 1.0;
                    ta[prev_p * nl + p[i]] -= c;
                }
                prev_g = g[i];
                prev_p = p[i];
            }
            c += 1.0;
        }
        let avg = |v: &[f32], a: &[f32]| -> Vec<f32> {
            v.iter().zip(a).map(|(x, y)| x - y / c).collect()
        };
        let model = Model::new(header(epoch), index.clone(), avg(&w, &wa), avg(&t, &ta));
        let score = on_epoch(
            &Epoch {
                epoch,
                mistakes,
                tokens,
            },
            &model,
        );
        match score {
            Some(s) if best.as_ref().is_none_or(|b| s > b.0) => best = Some((s, model)),
            Some(_) => {}
            None => last = Some(model),
        }
    }
    match (best, last) {
        (Some((_, m)), _) => m,
        (None, Some(m)) => m,
        (None, None) => Model::new(header(0), index, w, t),
    }
}
