//! The trainable tagger: a structured averaged perceptron with first-order Viterbi decoding
//! over the PFSA-ID labels (Collins 2002).
//!
//! A sequence is a whole article, because statements cross sentence lines. Each token gets
//! sparse binary features that combine its form (lower-cased word, shape, affixes, neighbours)
//! with what the rule stages found ([`crate::pfsa::Hints`]: the rule label, entity mention
//! parts, quote kind, cue and attribution words) and its place in the article. Features are
//! hashed to 64 bits (FNV-1a), so a model stores no strings.
//!
//! Internally labels are BIO (23 of them, `I-X` only after `B-X`/`I-X`, enforced in
//! decoding); output is converted to BILOU. Training is deterministic for a given seed.
//!
//! The model file (see [`Model::to_bytes`]) is `KUTIPTAG`, a format version, a JSON header,
//! the feature hashes, the weights and a CRC-32 of everything before it.

use crate::lexicon::{capitalised, LEX};
use crate::pfsa::{Hints, PSentence, LABELS};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub const MAGIC: &[u8; 8] = b"KUTIPTAG";
pub const FORMAT_VERSION: u32 = 1;
/// Changes whenever the feature set changes: a model only works with the features it was
/// trained with.
pub const FEATURES_VERSION: u32 = 6;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a kutip tagger model (the file does not start with KUTIPTAG)")]
    Magic,
    #[error(
        "model format version {0} is not supported (this kutip reads version {FORMAT_VERSION})"
    )]
    Version(u32),
    #[error("model was trained with feature set {0}, this kutip computes feature set {FEATURES_VERSION}: retrain it")]
    Features(u32),
    #[error("model file is truncated")]
    Truncated,
    #[error("model file is corrupt (checksum mismatch)")]
    Checksum,
    #[error("model header is invalid: {0}")]
    Header(String),
}

/// What a model file says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub features_version: u32,
    pub labels: Vec<String>,
    pub n_features: usize,
    pub epochs: usize,
    pub seed: u64,
    pub trained_on: String,
    pub licence: String,
    pub kutip_version: String,
}

/// One token sequence (an article) with its per-token hints.
#[derive(Debug, Clone, Default)]
pub struct Sequence {
    pub words: Vec<String>,
    pub sent_start: Vec<bool>,
    pub hints: Hints,
}

impl Sequence {
    /// Build from PFSA-style sentences (tokens only; labels are ignored), running the rule
    /// pipeline for the hints.
    pub fn from_sentences(sents: &[PSentence]) -> Sequence {
        let hints = crate::pfsa::article_hints(sents);
        let mut words = Vec::new();
        let mut sent_start = Vec::new();
        for s in sents {
            for (k, t) in s.tokens.iter().enumerate() {
                words.push(t.clone());
                sent_start.push(k == 0);
            }
        }
        Sequence {
            words,
            sent_start,
            hints,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
type IdMap = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(h: u64, bytes: &[u8]) -> u64 {
    let mut h = h;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

fn shape(w: &str) -> String {
    let mut out = String::new();
    for c in w.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if !out.ends_with(k) {
            out.push(k);
        }
        if out.len() > 6 {
            break;
        }
    }
    out
}

fn bucket(d: usize) -> &'static str {
    match d {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=4 => "3-4",
        5..=8 => "5-8",
        9..=16 => "9-16",
        _ => "far",
    }
}

/// A token that is a quotation mark (as PFSA-ID and our tokenizer write them).
pub fn is_quote_mark(w: &str) -> bool {
    matches!(w, "“" | "”" | "\"" | "’’" | "‘‘" | "«" | "»")
}

/// Per-token context computed once per sequence.
struct Ctx {
    lower: Vec<String>,
    shapes: Vec<String>,
    cue: Vec<bool>,
    in_marks: Vec<bool>,
    seen: Vec<bool>,
    /// the capitalised word comes again later; `later_cue`: next to a cue word there
    later: Vec<bool>,
    later_cue: Vec<bool>,
    /// position in a run of capitalised words (B, I, L, U) and the run's length bucket
    cap_run: Vec<(&'static str, &'static str)>,
    sent_idx: Vec<usize>,
    /// per sentence: share of its content words unseen in the previous sentences of the
    /// sequence, and share seen in the next ones (a topic shift marks an article start)
    novelty: Vec<(&'static str, &'static str)>,
}

fn share_bucket(x: f64) -> &'static str {
    match (x * 10.0) as u32 {
        0..=2 => "lo",
        3..=5 => "mid",
        6..=7 => "hi",
        _ => "top",
    }
}

/// Lexical novelty of each sentence against a window of sentences before and after it.
fn novelty(lower: &[String], sent_start: &[bool]) -> Vec<(&'static str, &'static str)> {
    let mut bounds = Vec::new();
    for (i, &s) in sent_start.iter().enumerate() {
        if s || i == 0 {
            bounds.push(i);
        }
    }
    bounds.push(lower.len());
    // each sentence as the distinct ids of its content words
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let sets: Vec<Vec<u32>> = (0..bounds.len() - 1)
        .map(|k| {
            let mut v: Vec<u32> = lower[bounds[k]..bounds[k + 1]]
                .iter()
                .map(|w| w.as_str())
                .filter(|w| w.chars().count() > 3 && w.chars().all(|c| c.is_alphabetic()))
                .map(|w| {
                    let n = ids.len() as u32;
                    *ids.entry(w).or_insert(n)
                })
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    // sliding windows of word counts over the sentences before and after
    const WIN: usize = 12;
    let mut before = vec![0u32; ids.len()];
    let mut after = vec![0u32; ids.len()];
    for set in sets.iter().skip(1).take(WIN) {
        for &w in set {
            after[w as usize] += 1;
        }
    }
    let mut out = vec![("", ""); lower.len()];
    for k in 0..sets.len() {
        if k > 0 {
            for &w in &sets[k - 1] {
                before[w as usize] += 1;
            }
            if k > WIN {
                for &w in &sets[k - 1 - WIN] {
                    before[w as usize] -= 1;
                }
            }
            for &w in &sets[k] {
                after[w as usize] -= 1;
            }
            if let Some(set) = sets.get(k + WIN) {
                for &w in set {
                    after[w as usize] += 1;
                }
            }
        }
        if sets[k].is_empty() {
            continue;
        }
        let n = sets[k].len() as f64;
        let unseen = sets[k].iter().filter(|&&w| before[w as usize] == 0).count() as f64 / n;
        let ahead = sets[k].iter().filter(|&&w| after[w as usize] > 0).count() as f64 / n;
        let v = (
            if k == 0 {
                "first"
            } else {
                share_bucket(unseen)
            },
            share_bucket(ahead),
        );
        for slot in &mut out[bounds[k]..bounds[k + 1]] {
            *slot = v;
        }
    }
    out
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

fn context(seq: &Sequence) -> Ctx {
    let n = seq.words.len();
    let lower: Vec<String> = seq.words.iter().map(|w| w.to_lowercase()).collect();
    let shapes = seq.words.iter().map(|w| shape(w)).collect();
    let cue: Vec<bool> = lower
        .iter()
        .map(|w| LEX.cues.contains_key(w.as_str()))
        .collect();
    let mut in_marks = Vec::with_capacity(n);
    let mut inside = false;
    for w in &seq.words {
        if is_quote_mark(w) {
            inside = !inside;
        }
        in_marks.push(inside);
    }
    let mut seen = Vec::with_capacity(n);
    let mut earlier = std::collections::HashSet::new();
    for w in &seq.words {
        let cap = w.chars().next().is_some_and(|c| c.is_uppercase());
        seen.push(cap && !earlier.insert(w.as_str()));
    }
    let mut later = vec![false; n];
    let mut later_cue = vec![false; n];
    {
        let mut after: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut after_cue: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for i in (0..n).rev() {
            let w = seq.words[i].as_str();
            if !is_cap(w) {
                continue;
            }
            later[i] = after.contains(w);
            later_cue[i] = after_cue.contains(w);
            after.insert(w);
            let near = |d: isize| {
                let j = i as isize + d;
                j >= 0 && (j as usize) < n && cue[j as usize]
            };
            if near(-1) || near(-2) || near(1) {
                after_cue.insert(w);
            }
        }
    }
    let mut cap_run = vec![("", ""); n];
    let mut i = 0;
    while i < n {
        if !is_cap(&seq.words[i]) || seq.words[i].chars().all(|c| !c.is_alphabetic()) {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && is_cap(&seq.words[i]) {
            i += 1;
        }
        let len = i - s;
        let lb = match len {
            1 => "1",
            2 => "2",
            3 => "3",
            4..=5 => "4-5",
            _ => "6+",
        };
        for (k, slot) in cap_run.iter_mut().enumerate().take(i).skip(s) {
            let pos = match (k == s, k + 1 == i) {
                (true, true) => "U",
                (true, false) => "B",
                (false, true) => "L",
                (false, false) => "I",
            };
            *slot = (pos, lb);
        }
    }
    let mut sent_idx = Vec::with_capacity(n);
    let mut k = 0usize;
    for (i, &s) in seq.sent_start.iter().enumerate() {
        if s && i > 0 {
            k += 1;
        }
        sent_idx.push(k);
    }
    let novelty = novelty(&lower, &seq.sent_start);
    Ctx {
        novelty,
        lower,
        shapes,
        cue,
        in_marks,
        seen,
        later,
        later_cue,
        cap_run,
        sent_idx,
    }
}

const OFFSETS: [(isize, &str); 4] = [(-2, "-2"), (-1, "-1"), (1, "1"), (2, "2")];

/// The hashed features of every token of a sequence.
fn features(seq: &Sequence) -> Vec<Vec<u64>> {
    let c = context(seq);
    let n = seq.words.len();
    let h = &seq.hints;
    let get = |v: &[&'static str], i: isize| -> &'static str {
        if i < 0 || i as usize >= n {
            "#"
        } else {
            v.get(i as usize).copied().unwrap_or("")
        }
    };
    let rule = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            "#"
        } else {
            h.rule.get(i as usize).map(|s| s.as_str()).unwrap_or("O")
        }
    };
    let low = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            "#"
        } else {
            c.lower[i as usize].as_str()
        }
    };
    let shp = |i: isize| -> &str {
        if i < 0 || i as usize >= n {
            "#"
        } else {
            c.shapes[i as usize].as_str()
        }
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let ii = i as isize;
        let mut f: Vec<u64> = Vec::with_capacity(72);
        let mut add = |parts: &[&str]| {
            let mut x = FNV_OFFSET;
            for p in parts {
                x = fnv(x, p.as_bytes());
                x = fnv(x, &[0x1f]);
            }
            f.push(x);
        };
        let w = low(ii);
        add(&["b"]);
        add(&["w", w]);
        add(&["W", &seq.words[i]]);
        // byte offsets of the first five and the last five characters
        let nchars = w.chars().count();
        for (k, ks) in [(2usize, "2"), (3, "3"), (4, "4")] {
            if nchars > k {
                let pe = w.char_indices().nth(k).map(|x| x.0).unwrap_or(w.len());
                let ss = w.char_indices().nth(nchars - k).map(|x| x.0).unwrap_or(0);
                add(&["p", ks, &w[..pe]]);
                add(&["s", ks, &w[ss..]]);
            }
        }
        add(&["sh", shp(ii)]);
        for (d, ds) in OFFSETS {
            add(&["w@", ds, low(ii + d)]);
            add(&["sh@", ds, shp(ii + d)]);
            add(&["r@", ds, rule(ii + d)]);
        }
        add(&["w-1w", low(ii - 1), w]);
        add(&["ww+1", w, low(ii + 1)]);
        add(&["w-1ww+1", low(ii - 1), w, low(ii + 1)]);
        add(&["w-2w-1", low(ii - 2), low(ii - 1)]);
        add(&["w+1w+2", low(ii + 1), low(ii + 2)]);
        add(&["sh3", shp(ii - 1), shp(ii), shp(ii + 1)]);
        add(&["sh-1sh", shp(ii - 1), shp(ii)]);
        add(&["shsh+1", shp(ii), shp(ii + 1)]);
        let r = rule(ii);
        let rt = r.split_once('-').map(|x| x.1).unwrap_or("O");
        add(&["r", r]);
        add(&["rt", rt]);
        add(&["r|sh", r, shp(ii)]);
        add(&["r|w", r, w]);
        add(&["r-1|r", rule(ii - 1), r]);
        add(&["r|r+1", r, rule(ii + 1)]);
        for (name, v) in [
            ("pt", &h.part),
            ("mn", &h.mention),
            ("q", &h.quote),
            ("at", &h.attr),
            ("spk", &h.speaker),
        ] {
            add(&[name, get(v, ii)]);
            add(&[name, "@-1", get(v, ii - 1)]);
            add(&[name, "@+1", get(v, ii + 1)]);
        }
        add(&["pt|mn", get(&h.part, ii), get(&h.mention, ii)]);
        add(&["q|spk", get(&h.quote, ii), get(&h.speaker, ii)]);
        add(&["r|spk", rt, get(&h.speaker, ii)]);
        // where in its capitalised run the next word that returns next to a cue is
        if !c.cap_run[i].0.is_empty() {
            let mut j = i;
            while j < n && !c.later_cue[j] && !c.cap_run[j].0.is_empty() && j - i < 6 {
                j += 1;
            }
            let to_name = if j < n && c.later_cue[j] {
                bucket(j - i)
            } else {
                "none"
            };
            add(&["to-name", to_name]);
            add(&["to-name|w", to_name, w]);
        }
        add(&["pt|w", get(&h.part, ii), w]);
        add(&["inq", if c.in_marks[i] { "1" } else { "0" }]);
        if is_quote_mark(&seq.words[i]) {
            add(&["qm", if c.in_marks[i] { "open" } else { "close" }]);
        }
        if seq.sent_start[i] {
            add(&["ss"]);
        }
        if i + 1 == n || seq.sent_start[i + 1] {
            add(&["se"]);
        }
        add(&["si", bucket(c.sent_idx[i])]);
        let (nov, ahead) = c.novelty[i];
        add(&["nov", nov, ahead]);
        add(&["nov|r", nov, rt]);
        if seq.sent_start[i] {
            add(&["nov|ss", nov, ahead]);
        }
        if c.sent_idx[i] == 0 {
            add(&["s0w", w]);
        }
        if let Some(cue) = LEX.cues.get(w) {
            add(&["cue", cue.lemma]);
            add(&[
                "cue-kind",
                match cue.kind {
                    crate::lexicon::CueKind::Say => "Say",
                    crate::lexicon::CueKind::Report => "Report",
                    crate::lexicon::CueKind::According => "According",
                    crate::lexicon::CueKind::Passive => "Passive",
                },
            ]);
        }
        if w.ends_with("nya") && w.len() > 4 {
            add(&["nya"]);
        }
        let cw = capitalised(w);
        if LEX.titles.contains_key(cw.as_str()) {
            add(&["title"]);
        }
        if LEX.words.has(crate::class!("role_word"), w) {
            add(&["roleword"]);
        }
        if LEX.org_heads.contains(cw.as_str()) {
            add(&["orghead"]);
        }
        if LEX.org_names.contains(seq.words[i].as_str()) {
            add(&["orgname"]);
        }
        if c.later[i] {
            add(&["later"]);
        }
        if c.later_cue[i] {
            add(&["later-cue"]);
        }
        let (rp, rl) = c.cap_run[i];
        if !rp.is_empty() {
            add(&["cr", rp, rl]);
            add(&["cr|r", rp, rt]);
            add(&["cr|later", rp, if c.later_cue[i] { "1" } else { "0" }]);
        }
        for (d, ds) in OFFSETS {
            let j = ii + d;
            if j >= 0 && (j as usize) < n && c.cue[j as usize] {
                add(&["cue@", ds]);
            }
        }
        if LEX.places.contains(seq.words[i].as_str()) {
            add(&["place"]);
        }
        if LEX.words.has(crate::class!("day"), w) {
            add(&["day"]);
        }
        if c.seen[i] {
            add(&["seen"]);
        }
        // distance to the nearest cue word on each side (same or neighbouring sentences)
        let left = (0..i).rev().take(20).find(|&j| c.cue[j]).map(|j| i - j);
        let right = (i + 1..n).take(20).find(|&j| c.cue[j]).map(|j| j - i);
        add(&["dcl", left.map(bucket).unwrap_or("none")]);
        add(&["dcr", right.map(bucket).unwrap_or("none")]);
        out.push(f);
    }
    out
}

fn bio_labels() -> Vec<String> {
    let mut v = vec!["O".to_string()];
    for l in LABELS {
        v.push(format!("B-{l}"));
        v.push(format!("I-{l}"));
    }
    v
}

fn to_bio(l: &str) -> String {
    match l.split_once('-') {
        Some(("B" | "U" | "S", t)) => format!("B-{t}"),
        Some(("I" | "L" | "E" | "M", t)) => format!("I-{t}"),
        _ => "O".to_string(),
    }
}

/// BIO label indices to BILOU strings.
fn to_bilou(labels: &[String], seq: &[usize]) -> Vec<String> {
    let n = seq.len();
    let typ = |k: usize| labels[seq[k]].split_once('-').map(|x| x.1);
    let is_i = |k: usize| labels[seq[k]].starts_with("I-");
    (0..n)
        .map(|k| {
            let Some(t) = typ(k) else {
                return "O".to_string();
            };
            let starts = !is_i(k) || k == 0 || typ(k - 1) != Some(t);
            let cont = k + 1 < n && is_i(k + 1) && typ(k + 1) == Some(t);
            let p = match (starts, cont) {
                (true, false) => "U",
                (true, true) => "B",
                (false, true) => "I",
                (false, false) => "L",
            };
            format!("{p}-{t}")
        })
        .collect()
}

/// `allowed[p][c]`: may label `c` follow `p` (`p == n` is the start).
fn transitions_allowed(labels: &[String]) -> Vec<Vec<bool>> {
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

/// A STATEMENT is a quotation with its marks (PFSA-ID): a predicted span that starts or
/// ends inside one is moved out to the nearest opening mark before it and closing mark after
/// it (at most 80 tokens away).
fn snap_statements(words: &[String], labels: &[String], seq: &mut [usize]) {
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

/// A trained tagger.
#[derive(Debug, Clone)]
pub struct Model {
    pub header: Header,
    index: IdMap,
    /// `n_features × n_labels`
    w: Vec<f32>,
    /// `(n_labels + 1) × n_labels`, row `n_labels` is the start.
    t: Vec<f32>,
    allowed: Vec<Vec<bool>>,
}

fn viterbi(emit: &[f32], t: &[f32], allowed: &[Vec<bool>], n: usize, nl: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let mut score = vec![f32::NEG_INFINITY; n * nl];
    let mut back = vec![0usize; n * nl];
    for c in 0..nl {
        if allowed[nl][c] {
            score[c] = t[nl * nl + c] + emit[c];
        }
    }
    // for each label, the labels that may precede it
    let prev: Vec<Vec<usize>> = (0..nl)
        .map(|c| (0..nl).filter(|&p| allowed[p][c]).collect())
        .collect();
    for i in 1..n {
        for c in 0..nl {
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for &p in &prev[c] {
                let s = score[(i - 1) * nl + p] + t[p * nl + c];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            score[i * nl + c] = best + emit[i * nl + c];
            back[i * nl + c] = arg;
        }
    }
    let mut best = 0;
    for c in 1..nl {
        if score[(n - 1) * nl + c] > score[(n - 1) * nl + best] {
            best = c;
        }
    }
    let mut out = vec![0; n];
    out[n - 1] = best;
    for i in (1..n).rev() {
        out[i - 1] = back[i * nl + out[i]];
    }
    out
}

fn emissions(w: &[f32], feats: &[Vec<u32>], nl: usize) -> Vec<f32> {
    let mut e = vec![0f32; feats.len() * nl];
    for (i, f) in feats.iter().enumerate() {
        let row = &mut e[i * nl..(i + 1) * nl];
        for &id in f {
            let wr = &w[id as usize * nl..(id as usize + 1) * nl];
            for (r, x) in row.iter_mut().zip(wr) {
                *r += *x;
            }
        }
    }
    e
}

impl Model {
    /// Label one sequence (BILOU strings, one per word).
    pub fn tag(&self, seq: &Sequence) -> Vec<String> {
        let nl = self.header.labels.len();
        let feats: Vec<Vec<u32>> = features(seq)
            .into_iter()
            .map(|f| {
                f.iter()
                    .filter_map(|h| self.index.get(h).copied())
                    .collect()
            })
            .collect();
        let e = emissions(&self.w, &feats, nl);
        let mut best = viterbi(&e, &self.t, &self.allowed, feats.len(), nl);
        snap_statements(&seq.words, &self.header.labels, &mut best);
        to_bilou(&self.header.labels, &best)
    }

    /// Serialise: magic, version (u32 LE), header length (u32 LE), header JSON, feature
    /// hashes (u64 LE, in id order), weights (f32 LE, feature-major), transitions (f32 LE),
    /// CRC-32 (u32 LE) of all the bytes before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        let mut hashes = vec![0u64; self.index.len()];
        for (&h, &id) in &self.index {
            hashes[id as usize] = h;
        }
        for h in hashes {
            out.extend_from_slice(&h.to_le_bytes());
        }
        for x in self.w.iter().chain(&self.t) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        if b.len() < 8 || &b[..8] != MAGIC {
            return Err(ModelError::Magic);
        }
        let u32_at = |o: usize| -> Result<u32, ModelError> {
            b.get(o..o + 4)
                .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
                .ok_or(ModelError::Truncated)
        };
        let version = u32_at(8)?;
        if version != FORMAT_VERSION {
            return Err(ModelError::Version(version));
        }
        let hl = u32_at(12)? as usize;
        let hbytes = 16usize
            .checked_add(hl)
            .and_then(|e| b.get(16..e))
            .ok_or(ModelError::Truncated)?;
        let crc_ok = || {
            b.len() >= 4 && crc32fast::hash(&b[..b.len() - 4]) == u32_at(b.len() - 4).unwrap_or(0)
        };
        let header: Header = match serde_json::from_slice(hbytes) {
            Ok(h) => h,
            Err(_) if !crc_ok() => return Err(ModelError::Checksum),
            Err(e) => return Err(ModelError::Header(e.to_string())),
        };
        let nl = header.labels.len();
        let nf = header.n_features;
        // every size is checked against the file before anything is allocated or indexed: a
        // header may claim anything, even with a valid checksum
        let need = (|| {
            let hashes = nf.checked_mul(8)?;
            let weights = nf.checked_mul(nl)?.checked_add((nl + 1).checked_mul(nl)?)?;
            16usize
                .checked_add(hl)?
                .checked_add(hashes)?
                .checked_add(weights.checked_mul(4)?)?
                .checked_add(4)
        })()
        .ok_or_else(|| ModelError::Header(format!("{nf} features do not fit in a file")))?;
        if b.len() < need {
            return Err(ModelError::Truncated);
        }
        if b.len() > need || !crc_ok() {
            return Err(ModelError::Checksum);
        }
        if header.features_version != FEATURES_VERSION {
            return Err(ModelError::Features(header.features_version));
        }
        if header.labels != bio_labels() {
            return Err(ModelError::Header("unexpected label set".into()));
        }
        let body = &b[..b.len() - 4];
        let mut o = 16 + hl;
        let mut index = IdMap::default();
        for id in 0..nf {
            let s = &body[o..o + 8];
            let h = u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
            index.insert(h, id as u32);
            o += 8;
        }
        let floats: Vec<f32> = body[o..]
            .chunks_exact(4)
            .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .collect();
        let (w, t) = floats.split_at(nf * nl);
        let allowed = transitions_allowed(&header.labels);
        Ok(Model {
            header,
            index,
            w: w.to_vec(),
            t: t.to_vec(),
            allowed,
        })
    }
}

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
    let hashed: Vec<Vec<Vec<u64>>> = data.iter().map(|e| features(&e.seq)).collect();
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
    let allowed = transitions_allowed(&labels);
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
            let p = viterbi(&e, &t, &allowed, n, nl);
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
        let model = Model {
            header: header(epoch),
            index: index.clone(),
            w: avg(&w, &wa),
            t: avg(&t, &ta),
            allowed: allowed.clone(),
        };
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
        (None, None) => Model {
            header: header(0),
            index,
            w,
            t,
            allowed,
        },
    }
}

/// A span labelled by the model in a document, with byte offsets into it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TagSpan {
    pub label: String,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Tag a document's content (paragraphs, headings, datelines; not boilerplate or captions):
/// its sentences become one sequence, and BILOU runs become spans over the original text.
pub fn tag_document(model: &Model, text: &str, a: &crate::Analysis) -> Vec<TagSpan> {
    let mut sents = Vec::new();
    let mut toks = Vec::new();
    for s in &a.sentences {
        if !a.blocks[s.block].kind.is_content() {
            continue;
        }
        let mut p = PSentence::default();
        for t in &a.tokens[s.tok_start..s.tok_end] {
            p.tokens.push(text[t.start..t.end].to_string());
            p.labels.push("O".into());
            toks.push((t.start, t.end));
        }
        if !p.tokens.is_empty() {
            sents.push(p);
        }
    }
    if toks.is_empty() {
        return Vec::new();
    }
    // an article is one sequence; an enormous document is tagged in pieces of whole sentences
    // so that decoding memory stays bounded
    const PIECE: usize = 20_000;
    let mut labels = Vec::with_capacity(toks.len());
    let mut piece: Vec<PSentence> = Vec::new();
    let mut n = 0;
    for sent in sents {
        n += sent.tokens.len();
        piece.push(sent);
        if n >= PIECE {
            labels.extend(model.tag(&Sequence::from_sentences(&piece)));
            piece.clear();
            n = 0;
        }
    }
    if !piece.is_empty() {
        labels.extend(model.tag(&Sequence::from_sentences(&piece)));
    }
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (k, l) in labels.iter().enumerate() {
        let (p, t) = l.split_once('-').unwrap_or(("O", ""));
        let s = match p {
            "B" => {
                open = Some((k, t));
                None
            }
            "U" => Some(k),
            "L" => open.take().filter(|o| o.1 == t).map(|o| o.0),
            "I" => None,
            _ => {
                open = None;
                None
            }
        };
        if let Some(s) = s {
            let (start, end) = (toks[s].0, toks[k].1);
            out.push(TagSpan {
                label: t.to_string(),
                text: text[start..end].to_string(),
                start,
                end,
            });
        }
    }
    out
}

/// Let the model's spans complete the rules' statements: a quote whose speaker is introduced
/// by a PERSON span gets the ROLE and AFFILIATION spans next to that introduction when the
/// rules found none. Returns how many fields were filled.
pub fn refine(
    text: &str,
    spans: &[TagSpan],
    quotes: &mut [crate::statements::Quote],
    entities: &mut [crate::entities::Entity],
) -> usize {
    let glue = |a: usize, b: usize| {
        a <= b && b - a <= 3 && text[a..b].chars().all(|c| c.is_whitespace() || c == ',')
    };
    let mut filled = 0;
    // PERSON spans in text order (spans come sorted by start)
    let persons: Vec<usize> = (0..spans.len())
        .filter(|&k| spans[k].label == "PERSON")
        .collect();
    // per entity, the first PERSON span that overlaps one of its mentions
    let mut person_of: std::collections::HashMap<usize, Option<usize>> = Default::default();
    for q in quotes.iter_mut() {
        let Some(e) = q.speaker.as_ref().and_then(|s| s.entity) else {
            continue;
        };
        let Some(ent) = entities.get_mut(e) else {
            continue;
        };
        let found = *person_of.entry(e).or_insert_with(|| {
            ent.mentions
                .iter()
                .filter_map(|m| {
                    let k = persons.partition_point(|&p| spans[p].end <= m.start);
                    persons.get(k).copied().filter(|&p| spans[p].start < m.end)
                })
                .min()
        });
        let Some(pi) = found else {
            continue;
        };
        // the chain of ROLE/AFFILIATION spans glued to it on either side
        let mut chain: Vec<&TagSpan> = Vec::new();
        let mut k = pi;
        while k > 0
            && matches!(spans[k - 1].label.as_str(), "ROLE" | "AFFILIATION")
            && glue(spans[k - 1].end, spans[k].start)
        {
            k -= 1;
            chain.push(&spans[k]);
        }
        let mut k = pi;
        while k + 1 < spans.len()
            && matches!(spans[k + 1].label.as_str(), "ROLE" | "AFFILIATION")
            && glue(spans[k].end, spans[k + 1].start)
        {
            k += 1;
            chain.push(&spans[k]);
        }
        for s in chain {
            let slot = if s.label == "ROLE" {
                &mut q.role
            } else {
                &mut q.affiliation
            };
            if slot.is_none() {
                *slot = Some(s.text.clone());
                filled += 1;
            }
            let list = if s.label == "ROLE" {
                &mut ent.roles
            } else {
                &mut ent.affiliations
            };
            if !list.contains(&s.text) {
                list.push(s.text.clone());
            }
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(s: &str) -> PSentence {
        let mut p = PSentence::default();
        for tl in s.split(' ') {
            let (t, l) = tl.split_once('/').unwrap_or((tl, "O"));
            p.tokens.push(t.to_string());
            p.labels.push(l.to_string());
        }
        p
    }

    fn example(lines: &[&str]) -> Example {
        let sents: Vec<PSentence> = lines.iter().map(|l| sent(l)).collect();
        Example {
            gold: sents.iter().flat_map(|s| s.labels.clone()).collect(),
            seq: Sequence::from_sentences(&sents),
        }
    }

    #[test]
    fn bilou_round_trip() {
        let labels = bio_labels();
        let id = |l: &str| labels.iter().position(|x| x == l).unwrap();
        let seq = [
            id("B-CUE"),
            id("O"),
            id("B-PERSON"),
            id("I-PERSON"),
            id("I-PERSON"),
        ];
        assert_eq!(
            to_bilou(&labels, &seq),
            ["U-CUE", "O", "B-PERSON", "I-PERSON", "L-PERSON"]
        );
    }

    #[test]
    fn learns_a_convention_and_round_trips() {
        // A toy convention the rules do not know: the word after "oleh" is an AFFILIATION.
        let data: Vec<Example> = (0..6)
            .map(|k| {
                let org = [
                    "Bulog",
                    "Pertamina",
                    "Basarnas",
                    "Bawaslu",
                    "Kemenkes",
                    "Polri",
                ][k];
                example(&[
                    &format!("Beras dibagikan oleh {org}/U-AFFILIATION kemarin ."),
                    "Warga antre sejak pagi .",
                ])
            })
            .collect();
        let cfg = TrainConfig {
            epochs: 5,
            min_count: 1,
            ..TrainConfig::default()
        };
        let m = train(&data, &cfg, |_, _| None);
        let test = example(&["Bantuan disalurkan oleh Baznas kemarin ."]);
        let out = m.tag(&test.seq);
        assert_eq!(out[3], "U-AFFILIATION", "{out:?}");
        assert_eq!(out[0], "O");
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.tag(&test.seq), out);
        // corrupt and truncated files are clear errors
        let mut bad = bytes.clone();
        bad[40] ^= 0xff;
        assert!(matches!(Model::from_bytes(&bad), Err(ModelError::Checksum)));
        assert!(matches!(
            Model::from_bytes(&bytes[..10]),
            Err(ModelError::Truncated)
        ));
        assert!(matches!(
            Model::from_bytes(b"PK\x03\x04 zip file"),
            Err(ModelError::Magic)
        ));
        // a crafted header whose sizes overflow, with a valid checksum, is refused
        for n in [1usize << 62, usize::MAX / 4, usize::MAX] {
            let mut h = m.header.clone();
            h.n_features = n;
            let hj = serde_json::to_vec(&h).unwrap();
            let mut f = bytes[..12].to_vec();
            f.extend_from_slice(&(hj.len() as u32).to_le_bytes());
            f.extend_from_slice(&hj);
            f.extend_from_slice(&[0u8; 64]);
            let crc = crc32fast::hash(&f);
            f.extend_from_slice(&crc.to_le_bytes());
            assert!(Model::from_bytes(&f).is_err(), "{n}");
        }
        let mut f = bytes.clone();
        f[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Model::from_bytes(&f).is_err());
    }

    #[test]
    fn refine_fills_role_and_affiliation_from_glued_spans() {
        let text = "Koordinator Pantau Gambut Iola Abas mengatakan, lahan rusak.\n\n\u{201c}Kami khawatir,\u{201d} kata Iola.";
        let mut l = crate::extract("t", text, crate::Meta::default());
        for q in &mut l.quotes {
            q.role = None;
            q.affiliation = None;
        }
        let span = |label: &str, t: &str| {
            let start = text.find(t).unwrap();
            TagSpan {
                label: label.into(),
                text: t.into(),
                start,
                end: start + t.len(),
            }
        };
        let spans = vec![
            span("ROLE", "Koordinator"),
            span("AFFILIATION", "Pantau Gambut"),
            span("PERSON", "Iola Abas"),
        ];
        let n = refine(text, &spans, &mut l.quotes, &mut l.entities);
        let direct = l
            .quotes
            .iter()
            .find(|q| q.kind == crate::statements::QuoteKind::Direct)
            .unwrap();
        assert!(n >= 2, "{n}");
        assert_eq!(direct.role.as_deref(), Some("Koordinator"));
        assert_eq!(direct.affiliation.as_deref(), Some("Pantau Gambut"));
    }

    #[test]
    fn training_is_deterministic() {
        let data = vec![example(&["Kata/U-CUE Budi/U-PERSONCOREF ."])];
        let cfg = TrainConfig {
            epochs: 3,
            min_count: 1,
            ..TrainConfig::default()
        };
        let a = train(&data, &cfg, |_, _| None).to_bytes();
        let b = train(&data, &cfg, |_, _| None).to_bytes();
        assert_eq!(a, b);
    }
}
