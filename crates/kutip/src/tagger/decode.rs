//! Labels and decoding: the BIO label set, first-order Viterbi over the allowed transitions,
//! statements snapped to their quotation marks, and BIO turned into BILOU or into spans.

use super::is_quote_mark;
use crate::pfsa::LABELS;

pub(super) fn bio_labels() -> Vec<String> {
    let mut v = vec!["O".to_string()];
    for l in LABELS {
        v.push(format!("B-{l}"));
        v.push(format!("I-{l}"));
    }
    v
}

pub(super) fn to_bio(l: &str) -> String {
    match l.split_once('-') {
        Some(("B" | "U" | "S", t)) => format!("B-{t}"),
        Some(("I" | "L" | "E" | "M", t)) => format!("I-{t}"),
        _ => "O".to_string(),
    }
}

/// BIO label indices to BILOU strings.
pub(super) fn to_bilou(labels: &[String], seq: &[usize]) -> Vec<String> {
    let mut out = vec!["O".to_string(); seq.len()];
    for (s, e, t) in runs(labels, seq) {
        if s == e {
            out[s] = format!("U-{t}");
            continue;
        }
        out[s] = format!("B-{t}");
        for x in &mut out[s + 1..e] {
            *x = format!("I-{t}");
        }
        out[e] = format!("L-{t}");
    }
    out
}

/// The labelled runs of a BIO sequence: (first, last, type), in order. A run starts at a `B-`
/// label or at an `I-` label whose type differs from the label before it.
pub(super) fn runs<'l>(labels: &'l [String], seq: &[usize]) -> Vec<(usize, usize, &'l str)> {
    let typ = |k: usize| labels[seq[k]].split_once('-').map(|x| x.1);
    let is_i = |k: usize| labels[seq[k]].starts_with("I-");
    let mut out = Vec::new();
    let mut start = 0;
    for k in 0..seq.len() {
        let Some(t) = typ(k) else {
            continue;
        };
        if !is_i(k) || k == 0 || typ(k - 1) != Some(t) {
            start = k;
        }
        let cont = k + 1 < seq.len() && is_i(k + 1) && typ(k + 1) == Some(t);
        if !cont {
            out.push((start, k, t));
        }
    }
    out
}

/// `allowed[p][c]`: may label `c` follow `p` (`p == n` is the start).
pub(super) fn transitions_allowed(labels: &[String]) -> Vec<Vec<bool>> {
    let n = labels.len();
    (0..=n)
        .map(|p| {
            (0..n)
                .map(|c| match labels[c].strip_prefix("I-") {
                    None => true,
                    Some(t) => p < n && labels[p].get(2..) == Some(t),
                })
                .collect()
        })
        .collect()
}

/// The transitions of a label set laid out for decoding: which labels may start a sequence,
/// and for every pair of labels whether the second may follow the first, as a score to add
/// (0, or minus infinity where it may not: such a path never wins).
#[derive(Debug, Clone)]
pub(super) struct Lattice {
    pub start: Vec<bool>,
    /// `nl × nl`, row = the label before
    pub mask: Vec<f32>,
}

impl Lattice {
    pub fn new(labels: &[String]) -> Lattice {
        let allowed = transitions_allowed(labels);
        let nl = labels.len();
        let mut mask = vec![0f32; nl * nl];
        for p in 0..nl {
            for c in 0..nl {
                if !allowed[p][c] {
                    mask[p * nl + c] = f32::NEG_INFINITY;
                }
            }
        }
        Lattice {
            start: allowed[nl].clone(),
            mask,
        }
    }

    /// Transition scores `t` (`(nl + 1) × nl`) with the forbidden ones at minus infinity.
    pub fn masked(&self, t: &[f32], nl: usize) -> Vec<f32> {
        t[..nl * nl]
            .iter()
            .zip(&self.mask)
            .map(|(x, m)| x + m)
            .collect()
    }
}

/// The best label sequence for emission scores `emit` (`n × nl`) and transition scores `t`
/// (`(nl + 1) × nl`, the last row the start). Ties go to the lowest label. Each step takes,
/// for all labels at once, the best predecessor in label order; forbidden transitions score
/// minus infinity and so never win.
pub(super) fn viterbi(emit: &[f32], t: &[f32], lat: &Lattice, n: usize, nl: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let tm = lat.masked(t, nl);
    let mut prev_row = vec![f32::NEG_INFINITY; nl];
    let mut best = vec![f32::NEG_INFINITY; nl];
    let mut back = vec![0u8; n * nl];
    for c in 0..nl {
        if lat.start[c] {
            prev_row[c] = t[nl * nl + c] + emit[c];
        }
    }
    for i in 1..n {
        best.fill(f32::NEG_INFINITY);
        let arg = &mut back[i * nl..(i + 1) * nl];
        for (p, (&v, tp)) in prev_row.iter().zip(tm.chunks_exact(nl)).enumerate() {
            for ((b, a), &x) in best.iter_mut().zip(arg.iter_mut()).zip(tp) {
                let s = v + x;
                if s > *b {
                    *b = s;
                    *a = p as u8;
                }
            }
        }
        for ((r, b), e) in prev_row
            .iter_mut()
            .zip(&best)
            .zip(&emit[i * nl..(i + 1) * nl])
        {
            *r = b + e;
        }
    }
    let mut last = 0;
    for c in 1..nl {
        if prev_row[c] > prev_row[last] {
            last = c;
        }
    }
    let mut out = vec![0; n];
    out[n - 1] = last;
    for i in (1..n).rev() {
        out[i - 1] = back[i * nl + out[i]] as usize;
    }
    out
}

/// Emission scores: for each token, the sum of its features' weight rows (`w`: features ×
/// labels), added in the features' order.
pub(super) fn emissions(w: &[f32], feats: &[Vec<u32>], nl: usize) -> Vec<f32> {
    let mut e = vec![0f32; feats.len() * nl];
    for (i, f) in feats.iter().enumerate() {
        let row = &mut e[i * nl..(i + 1) * nl];
        for &id in f {
            add_row(row, w, id as usize);
        }
    }
    e
}

/// Add feature `id`'s weights (row `id` of `w`, `acc.len()` labels wide) to `acc`.
pub(super) fn add_row(acc: &mut [f32], w: &[f32], id: usize) {
    let nl = acc.len();
    for (a, x) in acc.iter_mut().zip(&w[id * nl..(id + 1) * nl]) {
        *a += *x;
    }
}

/// A STATEMENT is a quotation with its marks (PFSA-ID): a predicted span that starts or
/// ends inside one is moved out to the nearest opening mark before it and closing mark after
/// it (at most 80 tokens away).
pub(super) fn snap_statements(words: &[&str], labels: &[String], seq: &mut [usize]) {
    let (Some(b), Some(i)) = (
        labels.iter().position(|l| l == "B-STATEMENT"),
        labels.iter().position(|l| l == "I-STATEMENT"),
    ) else {
        return;
    };
    // quote marks and whether each opens
    let mut open = vec![None; words.len()];
    let mut inside = false;
    for (k, w) in words.iter().enumerate() {
        if is_quote_mark(w) {
            open[k] = Some(!inside);
            inside = !inside;
        }
    }
    let n = seq.len();
    let mut k = 0;
    while k < n {
        if seq[k] != b {
            k += 1;
            continue;
        }
        let mut e = k;
        while e + 1 < n && seq[e + 1] == i {
            e += 1;
        }
        let mut s2 = k;
        if open[k] != Some(true) {
            if let Some(p) = (k.saturating_sub(80)..k).rev().find(|&p| open[p].is_some()) {
                if open[p] == Some(true) {
                    s2 = p;
                }
            }
        }
        let mut e2 = e;
        if open[e] != Some(false) {
            if let Some(p) = (e + 1..(e + 80).min(n)).find(|&p| open[p].is_some()) {
                if open[p] == Some(false) {
                    e2 = p;
                }
            }
        }
        seq[s2] = b;
        for x in &mut seq[s2 + 1..=e2] {
            *x = i;
        }
        k = e2 + 1;
    }
}
