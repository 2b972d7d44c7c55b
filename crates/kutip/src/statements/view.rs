//! A sentence as the pattern matcher sees it: its tokens, with each quotation that is a
//! statement candidate folded into one unit.

use super::speaker::{Ctx, Found};
use super::Quotation;
use crate::doc::{Sentence, TokKind};
use crate::lexicon::{ClassSet, CueKind, LEX};
use crate::pattern::View;
use rustc_hash::FxHashMap as HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Tok(usize),
    /// a quotation (index into the quotations)
    Quote(usize),
}

pub(super) struct SentView<'c, 'a> {
    pub cx: &'c mut Ctx<'a>,
    pub units: Vec<Unit>,
    /// first and last token (inclusive) of each unit
    pub toks: Vec<(usize, usize)>,
    pub sent: Sentence,
    pub clause: usize,
    from_cache: HashMap<usize, Vec<(usize, Found)>>,
    to_cache: HashMap<usize, Vec<(usize, Found)>>,
}

impl<'c, 'a> SentView<'c, 'a> {
    /// The units of sentence `sent`: tokens, and the candidate quotations (`quote_of[token]`
    /// names the candidate a token belongs to) as single units where they begin in it.
    pub fn new(
        cx: &'c mut Ctx<'a>,
        sent: Sentence,
        qs: &[Quotation],
        quote_of: &[Option<usize>],
    ) -> Self {
        let mut units = Vec::new();
        let mut toks = Vec::new();
        let mut t = sent.tok_start;
        while t < sent.tok_end {
            match quote_of[t] {
                Some(q) => {
                    let first = qs[q].open.unwrap_or(qs[q].first);
                    let last = qs[q].close.unwrap_or(qs[q].last);
                    units.push(Unit::Quote(q));
                    toks.push((first, last));
                    t = (last + 1).max(t + 1);
                }
                None => {
                    units.push(Unit::Tok(t));
                    toks.push((t, t));
                    t += 1;
                }
            }
        }
        SentView {
            cx,
            units,
            toks,
            sent,
            clause: 0,
            from_cache: HashMap::default(),
            to_cache: HashMap::default(),
        }
    }

    /// The unit that begins at token `t`, if any.
    fn unit_at(&self, t: usize) -> Option<usize> {
        let p = self.toks.partition_point(|x| x.0 < t);
        (p < self.toks.len() && self.toks[p].0 == t).then_some(p)
    }

    /// The unit that ends with token `t` (exclusive end `t + 1`).
    fn unit_ending(&self, t: usize) -> Option<usize> {
        let p = self.toks.partition_point(|x| x.1 < t);
        (p < self.toks.len() && self.toks[p].1 == t).then_some(p)
    }

    /// A token range as a unit range, when no quotation lies inside it.
    fn units_of(&self, s: usize, e: usize) -> Option<(usize, usize)> {
        let a = self.unit_at(s)?;
        let b = self.unit_ending(e.checked_sub(1)?)?;
        (b >= a && (a..=b).all(|u| matches!(self.units[u], Unit::Tok(_)))).then_some((a, b + 1))
    }

    pub fn tok(&self, u: usize) -> Option<usize> {
        match self.units.get(u)? {
            Unit::Tok(t) => Some(*t),
            Unit::Quote(_) => None,
        }
    }

    /// The speaker found for the unit range of a match.
    pub fn speaker(&mut self, (s, e): (usize, usize)) -> Option<Found> {
        let (ts, te) = (self.toks[s].0, self.toks[e - 1].1 + 1);
        if let Some(v) = self.from_cache.get(&ts) {
            if let Some(f) = v.iter().find(|x| x.0 == te) {
                return Some(f.1.clone());
            }
        }
        if let Some(v) = self.to_cache.get(&te) {
            if let Some(f) = v.iter().find(|x| x.0 == ts) {
                return Some(f.1.clone());
            }
        }
        None
    }

    /// Token range of a unit range.
    pub fn tok_range(&self, (s, e): (usize, usize)) -> (usize, usize) {
        (self.toks[s].0, self.toks[e - 1].1)
    }

    fn is_terminal(&self, u: usize) -> bool {
        self.word(u).is_some_and(|w| {
            matches!(w, "." | "!" | "?" | "…" | "," | ";" | ":") || w.starts_with("...")
        })
    }
}

impl View for SentView<'_, '_> {
    fn len(&self) -> usize {
        self.units.len()
    }

    fn clause_start(&self) -> usize {
        self.clause
    }

    fn word(&self, u: usize) -> Option<&str> {
        self.tok(u).map(|t| self.cx.lw(t))
    }

    fn is_quote(&self, u: usize) -> bool {
        matches!(self.units.get(u), Some(Unit::Quote(_)))
    }

    fn classes(&self, u: usize) -> ClassSet {
        self.tok(u)
            .map(|t| self.cx.a.classes(t))
            .unwrap_or_default()
    }

    fn cue(&self, u: usize) -> Option<(CueKind, bool)> {
        let t = self.tok(u)?;
        self.cx.cue_at(t).map(|(_, k, n)| (k, n))
    }

    fn speaker_from(&mut self, u: usize) -> Vec<usize> {
        let Some(t) = self.tok(u) else {
            return Vec::new();
        };
        let found = match self.from_cache.get(&t) {
            Some(v) => v.clone(),
            None => {
                let v = self.cx.expr_from(t);
                self.from_cache.insert(t, v.clone());
                v
            }
        };
        found
            .iter()
            .filter_map(|(e, _)| self.units_of(t, *e).map(|r| r.1))
            .collect()
    }

    fn speaker_to(&mut self, end: usize) -> Vec<usize> {
        if end == 0 {
            return Vec::new();
        }
        let Some(last) = self.tok(end - 1) else {
            return Vec::new();
        };
        let te = last + 1;
        let found = match self.to_cache.get(&te) {
            Some(v) => v.clone(),
            None => {
                let v = self.cx.expr_to(te);
                self.to_cache.insert(te, v.clone());
                v
            }
        };
        found
            .iter()
            .filter_map(|(s, _)| self.units_of(*s, te).map(|r| r.0))
            .collect()
    }

    fn name_from(&self, u: usize) -> Vec<usize> {
        let Some(t) = self.tok(u) else {
            return Vec::new();
        };
        let Some(mi) = self.cx.ents.mention_at[t] else {
            return Vec::new();
        };
        let m = &self.cx.ents.mentions[mi];
        if m.tok_start != t {
            return Vec::new();
        }
        self.units_of(t, m.tok_end)
            .map(|r| vec![r.1])
            .unwrap_or_default()
    }

    /// An occasion between a speaker and its cue: "dalam rilisnya", "usai rapat", "pada
    /// Senin (3/10)", ", Jumat (22/5/2020),", ", yang berbicara di ...,": a word that opens an
    /// occasion (or a comma), at most ten units, no cue or quotation in it.
    fn occasion_to(&self, end: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let lo = end.saturating_sub(10);
        for s in (lo..end).rev() {
            if self.is_quote(s) || self.cue(s).is_some() {
                break;
            }
            let w = self.word(s).unwrap_or("");
            // a comma opens an occasion only before a day, a date or an occasion word:
            // ", Jumat (22/5)," / ", yang berbicara di ..., " (not ", sumber medis di ...")
            let after = self.word(s + 1).unwrap_or("");
            let comma_opens = w == ","
                && s + 1 < end
                && (LEX.words.has(crate::class!("occasion_start"), after)
                    || LEX.words.has(crate::class!("day"), after)
                    || after == "yang"
                    || self
                        .tok(s + 1)
                        .is_some_and(|t| self.cx.a.tokens[t].kind == TokKind::Date));
            let opens = LEX.words.has(crate::class!("occasion_start"), w)
                || LEX.words.has(crate::class!("day"), w)
                || comma_opens;
            if opens {
                out.push(s);
            }
        }
        // the shortest occasion first: "X, Jumat (22/5), mengatakan" reads X before the date
        out
    }

    /// An occasion after a cue, before what was said: "mengatakan kepada Reuters bahwa ...",
    /// "menyatakan dalam keterangannya, ..." (it must end at a comma, colon or "bahwa").
    fn occasion_from(&self, u: usize) -> Vec<usize> {
        let w = self.word(u).unwrap_or("");
        if !LEX.words.has(crate::class!("occasion_after_cue"), w) {
            return Vec::new();
        }
        let mut e = u + 1;
        while e < self.units.len() && e < u + 7 && self.cue(e).is_none() && !self.is_quote(e) {
            let x = self.word(e).unwrap_or("");
            if matches!(x, "," | ":") || LEX.words.has(crate::class!("that"), x) {
                return vec![e];
            }
            // "meminta kepada pimpinan wilayah supaya ...": the request is the statement
            if LEX.words.has(crate::class!("request_object"), x)
                || self
                    .tok(e)
                    .is_some_and(|t| self.cx.a.tokens[t].kind == TokKind::Number)
            {
                return Vec::new();
            }
            e += 1;
        }
        Vec::new()
    }

    fn content_end(&self, from: usize) -> usize {
        let mut e = self.units.len();
        while e > from && self.is_terminal(e - 1) {
            e -= 1;
        }
        e
    }

    /// The rest of the sentence from `u` is nothing, punctuation, or an occasion: "di Jakarta,
    /// Senin (6/5/2024)", "dalam keterangannya", "kepada wartawan", "(6/5)" (no cue, no
    /// quotation, at most 30 units).
    fn tail_ok(&self, u: usize) -> bool {
        let n = self.units.len();
        let mut k = u;
        while k < n
            && self
                .word(k)
                .is_some_and(|w| matches!(w, "," | ")" | "-" | "—"))
        {
            k += 1;
        }
        if k >= n || self.content_end(k) <= k {
            return true;
        }
        if n - k > 30 {
            return false;
        }
        let w = self.word(k).unwrap_or("");
        let opens = LEX.words.has(crate::class!("occasion_start"), w)
            || LEX.words.has(crate::class!("day"), w)
            || LEX.words.has(crate::class!("month"), w)
            || w == "("
            || self.tok(k).is_some_and(|t| {
                matches!(self.cx.a.tokens[t].kind, TokKind::Date | TokKind::Number)
            });
        opens && (k..n).all(|x| !self.is_quote(x) && self.cue(x).is_none())
    }

    fn has_words(&self, from: usize, to: usize) -> bool {
        let a = self.cx.a;
        let mut n = 0;
        for u in from..to {
            let (s, e) = self.toks[u];
            n += (s..=e)
                .filter(|&t| a.tokens[t].kind == TokKind::Word)
                .take(2)
                .count();
            if n >= 2 {
                return true;
            }
        }
        false
    }
}
