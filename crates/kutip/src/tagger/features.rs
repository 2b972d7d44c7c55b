//! The tagger's features: sparse binary features of every token, each a template with its
//! values hashed to 64 bits (FNV-1a over the parts, each followed by 0x1f), so a model stores
//! no strings.
//!
//! What a word form contributes whatever its context (its lower-case form, shape, affixes,
//! lexicon classes, and what it gives its neighbours as `w@d` / `sh@d`) is computed once per
//! form and kept, already resolved to the model's feature ids, in a [`FormTable`]: a token
//! then costs the hashing of the few features that combine it with its context. The features
//! of a token come out in one fixed order whatever was cached, so emission scores are summed
//! in the same order every time (the same floats, bit for bit).

use super::{is_quote_mark, Resolve};
use crate::lexicon::{capitalised, CueKind, LEX};
use crate::pfsa::Hints;
use rustc_hash::{FxHashMap, FxHashSet};

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

/// The hash of a feature: its template name and values.
fn key_of(parts: &[&str]) -> u64 {
    let mut x = FNV_OFFSET;
    for p in parts {
        x = fnv(x, p.as_bytes());
        x = fnv(x, &[0x1f]);
    }
    x
}

/// Continue a hash state with one more part: the hash of a feature's first parts
/// ([`key_of`]) continued with the rest is the hash of all of them.
fn cont(state: u64, part: &str) -> u64 {
    fnv(fnv(state, part.as_bytes()), &[0x1f])
}

/// The word n-gram templates whose first word part is a given form: its hash state after that
/// word is kept per form, so a token hashes only the words after it.
const NGRAMS: [&str; 5] = ["w-1w", "ww+1", "w-1ww+1", "w-2w-1", "w+1w+2"];

fn ngram_states(lower: &str) -> [u64; 5] {
    NGRAMS.map(|t| key_of(&[t, lower]))
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

fn share_bucket(x: f64) -> &'static str {
    match (x * 10.0) as u32 {
        0..=2 => "lo",
        3..=5 => "mid",
        6..=7 => "hi",
        _ => "top",
    }
}

fn is_cap(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
}

/// The neighbours a token's features look at.
const OFFSETS: [(isize, &str); 4] = [(-2, "-2"), (-1, "-1"), (1, "1"), (2, "2")];

/// A run of feature ids in [`FormTable::pool`], and the number of their summed weights in
/// [`FormTable::sums`] when the ids are a model's.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Run(u32, u32, u32);

/// What a token's features are made of, in their order: a run of a word form's (or rule
/// label's) features, or one feature.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item<I> {
    Group(Run),
    One(I),
}

impl Run {
    /// The number of the run's summed weights.
    pub(super) fn sum(self) -> usize {
        self.2 as usize
    }
}

/// What one word form (as written) contributes whatever its context.
struct Form {
    lower: Box<str>,
    /// its shape's number in [`FormTable::shapes`]
    shape: u32,
    /// the lower-case form is a cue word
    cue: bool,
    /// written with a capital first letter; `alpha`: has a letter at all
    cap: bool,
    alpha: bool,
    quote: bool,
    /// counts for lexical novelty: longer than three letters, letters only
    content: bool,
    /// the lower-case form's number, shared by forms that differ only in case
    lower_id: u32,
    /// bias, word, affixes, shape (the first features of every token)
    own: Run,
    /// `w@d`, `sh@d` that this form gives the token at `-d` from it, per offset
    at: [Run; 4],
    /// the word in the first sentence
    s0w: Run,
    /// cue lemma and kind, -nya, title, role word, organisation head and name
    lex: Run,
    /// place, day name
    place_day: Run,
    /// the hash states of [`NGRAMS`] after this form as their first word
    ngram: [u64; 5],
}

/// A rule label (BILOU) and what it gives: `r@d` to its neighbours, `r` itself, its type.
struct RuleForm {
    label: Box<str>,
    at: [Run; 4],
    rt: Box<str>,
    /// the hash state of `r|w` after this label
    rw: u64,
}

/// Word forms and rule labels already turned into feature ids (`I`: the model's ids, or the
/// hashes themselves while training). Valid for one model only.
pub(super) struct FormTable<I> {
    by_word: FxHashMap<Box<str>, u32>,
    by_lower: FxHashMap<Box<str>, u32>,
    forms: Vec<Form>,
    by_rule: FxHashMap<Box<str>, u32>,
    rules: Vec<RuleForm>,
    by_shape: FxHashMap<Box<str>, u32>,
    shapes: Vec<Box<str>>,
    pool: Vec<I>,
    /// per run of a model's ids, the sum of their weights (`n_labels` each)
    sums: Vec<f32>,
    /// `w@d`, `sh@d` beyond the sequence's ends, and the shape there (`#`)
    edge: [Run; 4],
    edge_shape: u32,
    /// [`NGRAMS`] states after the edge (`#`) as first word
    edge_ngram: [u64; 5],
    memo: Memo,
}

impl<I: Copy> FormTable<I> {
    pub(super) fn new(r: &impl Resolve<Id = I>) -> Self {
        let mut t = FormTable {
            by_word: FxHashMap::default(),
            by_lower: FxHashMap::default(),
            forms: Vec::new(),
            by_rule: FxHashMap::default(),
            rules: Vec::new(),
            by_shape: FxHashMap::default(),
            shapes: Vec::new(),
            pool: Vec::new(),
            sums: Vec::new(),
            edge: [Run::default(); 4],
            edge_shape: 0,
            edge_ngram: ngram_states("#"),
            memo: Memo::default(),
        };
        t.edge_shape = t.shape("#");
        for (k, (_, ds)) in OFFSETS.iter().enumerate() {
            t.edge[k] = t.run(r, |add| {
                add(&["w@", ds, "#"]);
                add(&["sh@", ds, "#"]);
            });
        }
        t
    }

    /// Forms kept; a caller bounds the table's memory by starting a new one.
    pub(super) fn len(&self) -> usize {
        self.forms.len()
    }

    fn shape(&mut self, sh: &str) -> u32 {
        if let Some(&k) = self.by_shape.get(sh) {
            return k;
        }
        let k = self.shapes.len() as u32;
        self.shapes.push(sh.into());
        self.by_shape.insert(sh.into(), k);
        k
    }

    /// Resolve the features `f` adds and keep the known ones as a run.
    fn run(&mut self, r: &impl Resolve<Id = I>, f: impl FnOnce(&mut dyn FnMut(&[&str]))) -> Run {
        let start = self.pool.len();
        let pool = &mut self.pool;
        f(&mut |parts| {
            if let Some(id) = r.resolve(key_of(parts)) {
                pool.push(id);
            }
        });
        let mut run = Run(start as u32, (self.pool.len() - start) as u32, 0);
        if let (Some(w), 2..) = (r.weights(), run.1) {
            // the weights of ids are `w[id * nl..]`, with `nl` known from the sizes
            let nl = r.labels();
            run.2 = (self.sums.len() / nl) as u32;
            let mut sum = vec![0f32; nl];
            for id in &self.pool[start..] {
                super::decode::add_row(&mut sum, w, r.index(*id));
            }
            self.sums.extend_from_slice(&sum);
        }
        run
    }

    /// The ids of a run.
    pub(super) fn ids(&self, run: Run) -> &[I] {
        &self.pool[run.0 as usize..(run.0 + run.1) as usize]
    }

    fn form(&mut self, r: &impl Resolve<Id = I>, word: &str) -> u32 {
        if let Some(&k) = self.by_word.get(word) {
            return k;
        }
        let lower = word.to_lowercase();
        let sh = shape(word);
        let n_lower = self.by_lower.len() as u32;
        let lower_id = *self
            .by_lower
            .entry(lower.as_str().into())
            .or_insert(n_lower);
        let w = lower.as_str();
        let own = self.run(r, |add| {
            add(&["b"]);
            add(&["w", w]);
            add(&["W", word]);
            // the first and last two, three and four characters
            let nchars = w.chars().count();
            for (k, ks) in [(2usize, "2"), (3, "3"), (4, "4")] {
                if nchars > k {
                    let pe = w.char_indices().nth(k).map(|x| x.0).unwrap_or(w.len());
                    let ss = w.char_indices().nth(nchars - k).map(|x| x.0).unwrap_or(0);
                    add(&["p", ks, &w[..pe]]);
                    add(&["s", ks, &w[ss..]]);
                }
            }
            add(&["sh", &sh]);
        });
        let mut at = [Run::default(); 4];
        for (k, (_, ds)) in OFFSETS.iter().enumerate() {
            at[k] = self.run(r, |add| {
                add(&["w@", ds, w]);
                add(&["sh@", ds, &sh]);
            });
        }
        let s0w = self.run(r, |add| add(&["s0w", w]));
        let cue = LEX.cues.get(w);
        let lex = self.run(r, |add| {
            if let Some(cue) = cue {
                add(&["cue", cue.lemma]);
                add(&[
                    "cue-kind",
                    match cue.kind {
                        CueKind::Say => "Say",
                        CueKind::Report => "Report",
                        CueKind::According => "According",
                        CueKind::Passive => "Passive",
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
            if LEX.org_names.contains(word) {
                add(&["orgname"]);
            }
        });
        let place_day = self.run(r, |add| {
            if LEX.places.contains(word) {
                add(&["place"]);
            }
            if LEX.words.has(crate::class!("day"), w) {
                add(&["day"]);
            }
        });
        let form = Form {
            ngram: ngram_states(w),
            cue: cue.is_some(),
            cap: is_cap(word),
            alpha: word.chars().any(|c| c.is_alphabetic()),
            quote: is_quote_mark(word),
            content: w.chars().count() > 3 && w.chars().all(|c| c.is_alphabetic()),
            lower_id,
            own,
            at,
            s0w,
            lex,
            place_day,
            shape: self.shape(&sh),
            lower: lower.into(),
        };
        let k = self.forms.len() as u32;
        self.forms.push(form);
        self.by_word.insert(word.into(), k);
        k
    }

    fn rule(&mut self, r: &impl Resolve<Id = I>, label: &str) -> u32 {
        if let Some(&k) = self.by_rule.get(label) {
            return k;
        }
        let mut at = [Run::default(); 4];
        for (k, (_, ds)) in OFFSETS.iter().enumerate() {
            at[k] = self.run(r, |add| add(&["r@", ds, label]));
        }
        let rt = label.split_once('-').map(|x| x.1).unwrap_or("O");
        let rf = RuleForm {
            label: label.into(),
            at,
            rt: rt.into(),
            rw: key_of(&["r|w", label]),
        };
        let k = self.rules.len() as u32;
        self.rules.push(rf);
        self.by_rule.insert(label.into(), k);
        k
    }
}

/// What the rule stages found for a stretch of tokens: a view of [`Hints`] (slices of it, for
/// a document tagged in pieces).
#[derive(Clone, Copy)]
pub(super) struct HintsView<'a> {
    rule: &'a [String],
    part: &'a [&'static str],
    mention: &'a [&'static str],
    quote: &'a [&'static str],
    attr: &'a [&'static str],
    speaker: &'a [&'static str],
}

fn clamp<T>(v: &[T], r: std::ops::Range<usize>) -> &[T] {
    &v[r.start.min(v.len())..r.end.min(v.len())]
}

impl<'a> HintsView<'a> {
    pub(super) fn of(h: &'a Hints) -> Self {
        HintsView {
            rule: &h.rule,
            part: &h.part,
            mention: &h.mention,
            quote: &h.quote,
            attr: &h.attr,
            speaker: &h.speaker,
        }
    }

    pub(super) fn slice(&self, r: std::ops::Range<usize>) -> Self {
        HintsView {
            rule: clamp(self.rule, r.clone()),
            part: clamp(self.part, r.clone()),
            mention: clamp(self.mention, r.clone()),
            quote: clamp(self.quote, r.clone()),
            attr: clamp(self.attr, r.clone()),
            speaker: clamp(self.speaker, r),
        }
    }
}

/// A sequence to tag: its words, where its sentences start, and the rules' hints.
#[derive(Clone, Copy)]
pub(super) struct SeqView<'a> {
    pub words: &'a [&'a str],
    pub sent_start: &'a [bool],
    pub hints: HintsView<'a>,
}

/// Per-token context computed once per sequence.
struct Ctx {
    form: Vec<u32>,
    /// each token's rule label in [`FormTable::rules`]; `edge_rule` beyond the ends
    rule: Vec<u32>,
    edge_rule: u32,
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
    /// distance to the nearest cue word within 20 tokens on each side
    cue_left: Vec<Option<usize>>,
    cue_right: Vec<Option<usize>>,
}

/// Lexical novelty of each sentence against a window of sentences before and after it.
fn novelty(content: &[Option<u32>], sent_start: &[bool]) -> Vec<(&'static str, &'static str)> {
    let mut bounds = Vec::new();
    for (i, &s) in sent_start.iter().enumerate() {
        if s || i == 0 {
            bounds.push(i);
        }
    }
    bounds.push(content.len());
    // each sentence as the distinct local numbers of its content words
    let mut ids: FxHashMap<u32, u32> = FxHashMap::default();
    let sets: Vec<Vec<u32>> = (0..bounds.len() - 1)
        .map(|k| {
            let mut v: Vec<u32> = content[bounds[k]..bounds[k + 1]]
                .iter()
                .flatten()
                .map(|&w| {
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
    let mut out = vec![("", ""); content.len()];
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

fn cap_runs(forms: &[&Form]) -> Vec<(&'static str, &'static str)> {
    let n = forms.len();
    let mut cap_run = vec![("", ""); n];
    let mut i = 0;
    while i < n {
        if !forms[i].cap || !forms[i].alpha {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && forms[i].cap {
            i += 1;
        }
        let lb = match i - s {
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
    cap_run
}

/// Capitalised words that come again later in the sequence, and again next to a cue word.
fn later(form: &[u32], forms: &[&Form]) -> (Vec<bool>, Vec<bool>) {
    let n = forms.len();
    let mut later = vec![false; n];
    let mut later_cue = vec![false; n];
    let mut after: FxHashSet<u32> = FxHashSet::default();
    let mut after_cue: FxHashSet<u32> = FxHashSet::default();
    let cue = |j: isize| j >= 0 && (j as usize) < n && forms[j as usize].cue;
    for i in (0..n).rev() {
        if !forms[i].cap {
            continue;
        }
        later[i] = after.contains(&form[i]);
        later_cue[i] = after_cue.contains(&form[i]);
        after.insert(form[i]);
        let ii = i as isize;
        if cue(ii - 1) || cue(ii - 2) || cue(ii + 1) {
            after_cue.insert(form[i]);
        }
    }
    (later, later_cue)
}

/// Distance to the nearest cue word before and after each token, within 20 tokens.
fn cue_distances(forms: &[&Form]) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let n = forms.len();
    let mut left = vec![None; n];
    let mut right = vec![None; n];
    let mut last: Option<usize> = None;
    for i in 0..n {
        left[i] = last.map(|j| i - j).filter(|&d| d <= 20);
        if forms[i].cue {
            last = Some(i);
        }
    }
    let mut next: Option<usize> = None;
    for i in (0..n).rev() {
        right[i] = next.map(|j| j - i).filter(|&d| d <= 20);
        if forms[i].cue {
            next = Some(i);
        }
    }
    (left, right)
}

fn context<I: Copy>(seq: &SeqView, table: &mut FormTable<I>, r: &impl Resolve<Id = I>) -> Ctx {
    let n = seq.words.len();
    let form: Vec<u32> = seq.words.iter().map(|w| table.form(r, w)).collect();
    let edge_rule = table.rule(r, "#");
    let rule: Vec<u32> = (0..n)
        .map(|i| table.rule(r, seq.hints.rule.get(i).map_or("O", |s| s.as_str())))
        .collect();
    let forms: Vec<&Form> = form.iter().map(|&k| &table.forms[k as usize]).collect();
    let mut in_marks = Vec::with_capacity(n);
    let mut inside = false;
    for f in &forms {
        if f.quote {
            inside = !inside;
        }
        in_marks.push(inside);
    }
    let mut earlier: FxHashSet<u32> = FxHashSet::default();
    let seen = (0..n)
        .map(|i| forms[i].cap && !earlier.insert(form[i]))
        .collect();
    let (later, later_cue) = later(&form, &forms);
    let mut sent_idx = Vec::with_capacity(n);
    let mut k = 0usize;
    for (i, &s) in seq.sent_start.iter().enumerate() {
        if s && i > 0 {
            k += 1;
        }
        sent_idx.push(k);
    }
    let content: Vec<Option<u32>> = forms
        .iter()
        .map(|f| f.content.then_some(f.lower_id))
        .collect();
    let (cue_left, cue_right) = cue_distances(&forms);
    Ctx {
        novelty: novelty(&content, seq.sent_start),
        cap_run: cap_runs(&forms),
        in_marks,
        seen,
        later,
        later_cue,
        sent_idx,
        cue_left,
        cue_right,
        form,
        rule,
        edge_rule,
    }
}

/// The number a memo key gives a value: a fixed string by where it is and its length (the
/// same string at two places makes two keys for one set of features, never one key for two),
/// numbered things tagged in the top bits.
fn code(s: &'static str) -> u64 {
    (s.as_ptr() as u64 & ((1 << 48) - 1)) | ((s.len() as u64 & 0xfff) << 48)
}
fn num(tag: u64, k: usize) -> u64 {
    tag << 60 | k as u64
}

/// A group of context features, by what they are made of: its number and up to 19 values'
/// codes. Features of small vocabularies (rule labels, shapes, the rules' hints, flags and
/// buckets) are resolved and summed once per key, so most tokens hash none of their strings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct GroupKey([u64; 20]);

impl std::hash::Hash for GroupKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let mut z = 0u64;
        for &c in &self.0 {
            z = (z ^ c).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        }
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        state.write_u64(z ^ (z >> 31));
    }
}

fn group_key(id: u64, values: &[u64]) -> GroupKey {
    let mut k = [0u64; 20];
    k[0] = id;
    for (slot, v) in k[1..].iter_mut().zip(values) {
        *slot = *v;
    }
    GroupKey(k)
}

/// Memoised groups and their summed weights.
pub(super) type Memo = std::collections::HashMap<GroupKey, u32, super::IdBuild>;

/// Emit the features `body` adds: with a model, as one summed group looked up by `key`
/// (resolved and summed the first time); while training, one by one.
fn group<I: Copy>(
    memo: &mut Memo,
    sums: &mut Vec<f32>,
    r: &impl Resolve<Id = I>,
    out: &mut Vec<Item<I>>,
    key: GroupKey,
    body: impl FnOnce(&mut dyn FnMut(&[&str])),
) {
    let Some(w) = r.weights() else {
        body(&mut |parts| {
            if let Some(id) = r.resolve(key_of(parts)) {
                out.push(Item::One(id));
            }
        });
        return;
    };
    let nl = r.labels();
    let k = match memo.get(&key) {
        Some(&k) => k,
        None => {
            let mut sum = vec![0f32; nl];
            body(&mut |parts| {
                if let Some(id) = r.resolve(key_of(parts)) {
                    super::decode::add_row(&mut sum, w, r.index(id));
                }
            });
            let k = (sums.len() / nl) as u32;
            sums.extend_from_slice(&sum);
            memo.insert(key, k);
            k
        }
    };
    out.push(Item::Group(Run(0, 0, k)));
}

/// Call `each(i, items, sums)` with the features of every token of the sequence, in order.
pub(super) fn each_token<I: Copy, R: Resolve<Id = I>>(
    seq: &SeqView,
    table: &mut FormTable<I>,
    r: &R,
    mut each: impl FnMut(usize, &[Item<I>], &[f32]),
) {
    let c = context(seq, table, r);
    let FormTable {
        forms,
        rules,
        shapes,
        pool,
        sums,
        edge,
        edge_shape,
        edge_ngram,
        memo,
        ..
    } = table;
    let (forms, rules, shapes, pool) = (&*forms, &*rules, &*shapes, &*pool);
    // a cached run: nothing, its one feature, or its summed group
    let run = |out: &mut Vec<Item<I>>, run: Run| match run.1 {
        0 => {}
        1 => out.push(Item::One(pool[run.0 as usize])),
        _ => out.push(Item::Group(run)),
    };
    let n = seq.words.len();
    let h = &seq.hints;
    let inside = |i: isize| i >= 0 && (i as usize) < n;
    let form = |i: isize| inside(i).then(|| &forms[c.form[i as usize] as usize]);
    let low = |i: isize| form(i).map_or("#", |f| &f.lower);
    let shape_no = |i: isize| form(i).map_or(*edge_shape, |f| f.shape);
    let shp = |i: isize| -> &str { &shapes[shape_no(i) as usize] };
    let rule_no = |i: isize| {
        if inside(i) {
            c.rule[i as usize]
        } else {
            c.edge_rule
        }
    };
    let rule = |i: isize| -> &str { &rules[rule_no(i) as usize].label };
    let get = |v: &[&'static str], i: isize| -> &'static str {
        if inside(i) {
            v.get(i as usize).copied().unwrap_or("")
        } else {
            "#"
        }
    };
    let hint_fields = [
        ("pt", h.part),
        ("mn", h.mention),
        ("q", h.quote),
        ("at", h.attr),
        ("spk", h.speaker),
    ];
    let (shape, rule_tag, flag) = (1, 2, 3);
    let mut out: Vec<Item<I>> = Vec::with_capacity(64);
    for i in 0..n {
        out.clear();
        let ii = i as isize;
        let f = &forms[c.form[i] as usize];
        let w: &str = &f.lower;
        let rf = &rules[rule_no(ii) as usize];
        let (r0, rt): (&str, &str) = (&rf.label, &rf.rt);
        let rk = num(rule_tag, rule_no(ii) as usize);
        // one feature, by its hash or by its parts
        let hashed = |out: &mut Vec<Item<I>>, h: u64| {
            if let Some(id) = r.resolve(h) {
                out.push(Item::One(id));
            }
        };
        let add = |out: &mut Vec<Item<I>>, parts: &[&str]| hashed(out, key_of(parts));
        run(&mut out, f.own);
        for (k, (d, _)) in OFFSETS.iter().enumerate() {
            // the neighbour at `d` gives what it gives the token at `-d` from it
            run(&mut out, form(ii + d).map_or(edge[k], |g| g.at[k]));
            run(&mut out, rules[rule_no(ii + d) as usize].at[k]);
        }
        // "w-1w", "ww+1", "w-1ww+1", "w-2w-1", "w+1w+2", from the states after their first word
        let ng = |i: isize, k: usize| form(i).map_or(edge_ngram[k], |g| g.ngram[k]);
        hashed(&mut out, cont(ng(ii - 1, 0), w));
        hashed(&mut out, cont(ng(ii, 1), low(ii + 1)));
        hashed(&mut out, cont(cont(ng(ii - 1, 2), w), low(ii + 1)));
        hashed(&mut out, cont(ng(ii - 2, 3), low(ii - 1)));
        hashed(&mut out, cont(ng(ii + 1, 4), low(ii + 2)));
        let shapes3 = [-1, 0, 1].map(|d| num(shape, shape_no(ii + d) as usize));
        group(memo, sums, r, &mut out, group_key(1, &shapes3), |add| {
            add(&["sh3", shp(ii - 1), shp(ii), shp(ii + 1)]);
            add(&["sh-1sh", shp(ii - 1), shp(ii)]);
            add(&["shsh+1", shp(ii), shp(ii + 1)]);
        });
        let key = group_key(2, &[rk, shapes3[1]]);
        group(memo, sums, r, &mut out, key, |add| {
            add(&["r", r0]);
            add(&["rt", rt]);
            add(&["r|sh", r0, shp(ii)]);
        });
        hashed(&mut out, cont(rf.rw, w));
        let rules3 = [-1, 0, 1].map(|d| num(rule_tag, rule_no(ii + d) as usize));
        group(memo, sums, r, &mut out, group_key(3, &rules3), |add| {
            add(&["r-1|r", rule(ii - 1), r0]);
            add(&["r|r+1", r0, rule(ii + 1)]);
        });
        // the rules' hints here and beside, with the rule type
        let mut hk = [0u64; 16];
        for (k, (_, v)) in hint_fields.iter().enumerate() {
            for (j, d) in [0, -1, 1].into_iter().enumerate() {
                hk[k * 3 + j] = code(get(v, ii + d));
            }
        }
        hk[15] = rk;
        group(memo, sums, r, &mut out, group_key(4, &hk), |add| {
            for (name, v) in hint_fields {
                add(&[name, get(v, ii)]);
                add(&[name, "@-1", get(v, ii - 1)]);
                add(&[name, "@+1", get(v, ii + 1)]);
            }
            add(&["pt|mn", get(h.part, ii), get(h.mention, ii)]);
            add(&["q|spk", get(h.quote, ii), get(h.speaker, ii)]);
            add(&["r|spk", rt, get(h.speaker, ii)]);
        });
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
            add(&mut out, &["to-name", to_name]);
            add(&mut out, &["to-name|w", to_name, w]);
        }
        add(&mut out, &["pt|w", get(h.part, ii), w]);
        // where the token is: quotation, sentence, novelty
        let (ss, se) = (seq.sent_start[i], i + 1 == n || seq.sent_start[i + 1]);
        let si = bucket(c.sent_idx[i]);
        let (nov, ahead) = c.novelty[i];
        let flags = num(
            flag,
            c.in_marks[i] as usize
                | (f.quote as usize) << 1
                | (ss as usize) << 2
                | (se as usize) << 3,
        );
        let key = group_key(5, &[flags, code(si), code(nov), code(ahead), rk]);
        group(memo, sums, r, &mut out, key, |add| {
            add(&["inq", if c.in_marks[i] { "1" } else { "0" }]);
            if f.quote {
                add(&["qm", if c.in_marks[i] { "open" } else { "close" }]);
            }
            if ss {
                add(&["ss"]);
            }
            if se {
                add(&["se"]);
            }
            add(&["si", si]);
            add(&["nov", nov, ahead]);
            add(&["nov|r", nov, rt]);
            if ss {
                add(&["nov|ss", nov, ahead]);
            }
        });
        if c.sent_idx[i] == 0 {
            run(&mut out, f.s0w);
        }
        run(&mut out, f.lex);
        // capitalised runs and cue words around
        let (rp, rl) = c.cap_run[i];
        let mut cues = 0usize;
        for (k, (d, _)) in OFFSETS.iter().enumerate() {
            if form(ii + d).is_some_and(|g| g.cue) {
                cues |= 1 << k;
            }
        }
        let flags = num(
            flag,
            c.later[i] as usize | (c.later_cue[i] as usize) << 1 | cues << 2,
        );
        let key = group_key(6, &[flags, code(rp), code(rl), rk]);
        group(memo, sums, r, &mut out, key, |add| {
            if c.later[i] {
                add(&["later"]);
            }
            if c.later_cue[i] {
                add(&["later-cue"]);
            }
            if !rp.is_empty() {
                add(&["cr", rp, rl]);
                add(&["cr|r", rp, rt]);
                add(&["cr|later", rp, if c.later_cue[i] { "1" } else { "0" }]);
            }
            for (k, (_, ds)) in OFFSETS.iter().enumerate() {
                if cues & (1 << k) != 0 {
                    add(&["cue@", ds]);
                }
            }
        });
        run(&mut out, f.place_day);
        let dcl = c.cue_left[i].map(bucket).unwrap_or("none");
        let dcr = c.cue_right[i].map(bucket).unwrap_or("none");
        let key = group_key(7, &[num(flag, c.seen[i] as usize), code(dcl), code(dcr)]);
        group(memo, sums, r, &mut out, key, |add| {
            if c.seen[i] {
                add(&["seen"]);
            }
            add(&["dcl", dcl]);
            add(&["dcr", dcr]);
        });
        each(i, &out, sums);
    }
}

/// The hashed features of every token (for training: every feature, known or not).
pub(super) fn hashed(seq: &SeqView) -> Vec<Vec<u64>> {
    let mut table = FormTable::new(&super::Hashes);
    let mut out = Vec::with_capacity(seq.words.len());
    let mut items = Vec::new();
    each_token(seq, &mut table, &super::Hashes, |_, f, _| {
        items.push(f.to_vec())
    });
    for f in items {
        let mut ids = Vec::with_capacity(f.len() + 16);
        for item in f {
            match item {
                Item::Group(run) => ids.extend_from_slice(table.ids(run)),
                Item::One(h) => ids.push(h),
            }
        }
        out.push(ids);
    }
    out
}
