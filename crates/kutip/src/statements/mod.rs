//! Stage 4: direct, indirect and mixed statements with their speakers.
//!
//! The steps, in [`find`]:
//! 1. quotations are paired ([`quotations`]); short ones with no cue next to them are scare
//!    quotes and stay part of the text around them;
//! 2. each sentence becomes a row of units (tokens, and each candidate quotation as one unit)
//!    and the attribution patterns of `lang/id/statements.tsv` are matched at every cue and
//!    quotation ([`crate::pattern`]): the first pattern that matches makes a statement, with
//!    its speaker expression resolved by [`speaker`] (names, titles, pronouns, -nya, common
//!    nouns);
//! 3. a pattern that points back ("Hal itu disampaikan X") makes the sentence before it a
//!    statement of X;
//! 4. a quotation left without attribution is carried over from the speaker who has the floor
//!    (the previous statement within two paragraphs);
//! 5. relay credits ("dilansir AFP", "kepada Reuters") are recorded; when the outlet is the
//!    only source named, it is the speaker;
//! 6. lower-case references to the speaker's organisation inside a statement ("kelompoknya")
//!    become mentions of that organisation.

mod quotations;
mod speaker;
mod view;

pub use quotations::{quotations, Quotation};

use crate::doc::{Analysis, TextSpan, TokKind};
use crate::entities::{Entities, EntityKind};
use crate::lexicon::{CueKind, LEX};
use crate::pattern::{match_at, Elem, Pattern, PatternSet};
use serde::Serialize;
use speaker::{Ctx, Floor, Found};
use std::sync::LazyLock;
use view::{SentView, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteKind {
    Direct,
    Indirect,
    Mixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Name,
    Apposition,
    Title,
    Pronoun,
    Clitic,
    Carryover,
    Organization,
    /// a common noun: "saksi mata", "seorang pejabat setempat"
    Descriptor,
    /// the outlet that relayed the statement, the only source named
    Relay,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    Person,
    Organization,
    /// named by a common noun, not by a name: "saksi mata", "militer Israel"
    Descriptor,
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct Speaker {
    pub name: String,
    pub entity: Option<usize>,
    pub kind: SpeakerKind,
    pub mention: TextSpan,
    pub via: Via,
}

#[derive(Debug, Clone, Serialize)]
pub struct CueSpan {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub lemma: String,
}

/// Token positions behind a quote, for the PFSA-ID interface and the tagger.
#[derive(Debug, Clone, Default)]
pub struct QuoteToks {
    pub open: Option<usize>,
    pub close: Option<usize>,
    pub cue: Option<usize>,
    pub speaker: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub kind: QuoteKind,
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub speaker: Option<Speaker>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub cue: Option<CueSpan>,
    /// The outlet that passed the statement on ("dilansir AFP", "kata X kepada Reuters").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
    /// The name of the pattern that found it (`lang/id/statements.tsv`), or "carryover".
    pub pattern: &'static str,
    #[serde(skip)]
    pub toks: QuoteToks,
}

/// The attribution patterns, parsed once.
static PATTERNS: LazyLock<Result<PatternSet, String>> =
    LazyLock::new(|| PatternSet::parse_file(include_str!("../../lang/id/statements.tsv")));

/// The figure-source patterns, parsed once.
static SOURCE_PATTERNS: LazyLock<Result<PatternSet, String>> =
    LazyLock::new(|| PatternSet::parse_file(include_str!("../../lang/id/figure_sources.tsv")));

/// The patterns, or the reason the data file is broken (a test checks it never is).
pub fn patterns() -> Result<&'static [Pattern], &'static str> {
    pattern_set().map(|s| s.all.as_slice())
}

/// The figure-source patterns, or the reason their data file is broken.
pub fn source_patterns() -> Result<&'static [Pattern], &'static str> {
    source_pattern_set().map(|s| s.all.as_slice())
}

fn pattern_set() -> Result<&'static PatternSet, &'static str> {
    PATTERNS.as_ref().map_err(String::as_str)
}

fn source_pattern_set() -> Result<&'static PatternSet, &'static str> {
    SOURCE_PATTERNS.as_ref().map_err(String::as_str)
}

/// Who a sentence's figures are claimed by, as a figure-source pattern found it.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub name: String,
    pub entity: Option<usize>,
    pub kind: SpeakerKind,
    /// where the source is named
    pub start: usize,
    pub end: usize,
    pub pattern: &'static str,
}

/// What the statements stage finds: the statements, and for each sentence the source its
/// figures are claimed by (when a figure-source pattern names one).
#[derive(Debug, Default)]
pub struct Attributions {
    pub quotes: Vec<Quote>,
    pub sources: Vec<Option<Attribution>>,
}

/// Which units a pattern's pivot may stand on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PivotKind {
    Cue,
    Quote,
    Word,
}

fn pivot_kind(p: &Pattern) -> PivotKind {
    match p.items[p.pivot].elem {
        Elem::Cue { .. } => PivotKind::Cue,
        Elem::Quote => PivotKind::Quote,
        _ => PivotKind::Word,
    }
}

fn words_in(a: &Analysis, f: usize, l: usize) -> usize {
    (f..=l)
        .filter(|&i| a.tokens[i].kind == TokKind::Word)
        .count()
}

/// Trim leading and trailing punctuation from a token range (inclusive).
fn trim_content(src: &str, a: &Analysis, mut f: usize, mut l: usize) -> Option<(usize, usize)> {
    let w = |i: usize| &src[a.tokens[i].start..a.tokens[i].end];
    while f <= l && matches!(w(f), "," | ":" | "-" | "—" | ";") {
        f += 1;
    }
    while l >= f && matches!(w(l), "," | "." | ":" | ";" | "-" | "—") {
        if l == 0 {
            return None;
        }
        l -= 1;
    }
    (f <= l).then_some((f, l))
}

/// Is quotation `q` a statement candidate (not a scare quote around a term): four words or
/// more, or closing with punctuation inside, or a cue or colon right next to it.
fn candidate(cx: &Ctx, q: &Quotation) -> bool {
    let a = cx.a;
    let nwords = words_in(a, q.first, q.last);
    if nwords == 0 {
        return false;
    }
    let last = cx.w(q.last);
    let ends = matches!(last, "," | "." | "!" | "?") || last.starts_with("...");
    let cue_near = |t: Option<usize>| t.is_some_and(|t| cx.cue_at(t).is_some() || cx.w(t) == ":");
    let after = q.close.map(|c| {
        if c + 1 < a.tokens.len() && cx.w(c + 1) == "," {
            c + 2
        } else {
            c + 1
        }
    });
    let before = q.open.and_then(|o| o.checked_sub(1)).map(|b| {
        if cx.w(b) == "," || cx.w(b) == ":" {
            b.saturating_sub(1)
        } else {
            b
        }
    });
    nwords > 3
        || ends
        || cue_near(after)
        || q.open.is_some_and(|o| o > 0 && cx.w(o - 1) == ":")
        || cue_near(before)
}

/// Statements of a document; `qs` and `inside` come from [`quotations`].
pub fn find(
    src: &str,
    a: &Analysis,
    ents: &mut Entities,
    qs: &[Quotation],
    inside: &[bool],
) -> Attributions {
    let (Ok(patterns), Ok(source_patterns)) = (pattern_set(), source_pattern_set()) else {
        return Attributions::default();
    };
    let mut cx = Ctx::new(src, a, ents, inside);
    names_before_cues_are_persons(&mut cx);
    // the quotation each token belongs to, for candidates
    let mut quote_of: Vec<Option<usize>> = vec![None; a.tokens.len()];
    for (k, q) in qs.iter().enumerate() {
        if candidate(&cx, q) {
            let (s, e) = (q.open.unwrap_or(q.first), q.close.unwrap_or(q.last));
            for slot in quote_of.iter_mut().take(e + 1).skip(s) {
                *slot = Some(k);
            }
        }
    }
    let mut st = State {
        out: Vec::new(),
        done: vec![false; qs.len()],
        by_sentence: vec![Vec::new(); a.sentences.len()],
        backref_made: false,
    };
    let mut sources: Vec<Option<Attribution>> = vec![None; a.sentences.len()];
    for (si, s) in a.sentences.iter().enumerate() {
        if a.blocks[s.block].kind != crate::doc::BlockKind::Paragraph {
            continue;
        }
        let mut v = SentView::new(&mut cx, *s, qs, &quote_of);
        sentence(&mut v, si, patterns, qs, &mut st);
        v.clause = 0;
        figure_source(&mut v, si, source_patterns, &mut sources);
    }
    relays(&cx, &mut st.out);
    org_references(&mut cx, &st.out);
    let mut out = st.out;
    out.sort_by_key(|q| q.start);
    Attributions {
        quotes: out,
        sources,
    }
}

/// The source a figure-source pattern names in this sentence (or, for a pattern that points
/// back, in the sentence before, when that one has none).
fn figure_source(
    v: &mut SentView,
    si: usize,
    patterns: &'static PatternSet,
    sources: &mut [Option<Attribution>],
) {
    let n = v.units.len();
    let mut cands = Vec::new();
    for u in 0..n {
        let is_cue = crate::pattern::View::cue(v, u).is_some();
        patterns.candidates(v, u, (true, true), &mut cands);
        for p in cands.iter().map(|&i| &patterns.all[i]) {
            let ok = match pivot_kind(p) {
                PivotKind::Cue => is_cue,
                PivotKind::Quote => false,
                PivotKind::Word => true,
            };
            if !ok {
                continue;
            }
            let Some(m) = match_at(p, v, u) else {
                continue;
            };
            let found = match m.speaker {
                Some(r) => v.speaker(r),
                None => m.cue.and_then(|c| v.tok(c)).and_then(|t| {
                    let e = v.cx.salient_person(t)?;
                    Some(v.cx.speaker_of_entity(e, (t, t + 1), Via::Clitic))
                }),
            };
            let Some((sp, _, _, _)) = found else {
                continue;
            };
            let at = if p.prev {
                match si.checked_sub(1) {
                    Some(prev)
                        if v.cx.a.sentences[prev].block + 1 >= v.sent.block
                            && sources[prev].is_none() =>
                    {
                        prev
                    }
                    _ => return,
                }
            } else {
                si
            };
            sources[at] = Some(Attribution {
                name: sp.name,
                entity: sp.entity,
                kind: sp.kind,
                start: sp.mention.start,
                end: sp.mention.end,
                pattern: p.name.as_str(),
            });
            return;
        }
    }
}

/// What the sentences have produced so far.
struct State {
    out: Vec<Quote>,
    /// quotations already made statements
    done: Vec<bool>,
    /// the statements (indices into `out`) of each sentence
    by_sentence: Vec<Vec<usize>>,
    /// the last match attributed the sentence before (`backref`), which consumes it
    backref_made: bool,
}

/// A name of unknown kind directly followed by a cue verb ("Ismail Haniyeh menyebut") is a
/// person: pronouns and -nya may refer to it before its statement is processed.
fn names_before_cues_are_persons(cx: &mut Ctx) {
    let n = cx.a.tokens.len();
    for mi in 0..cx.ents.mentions.len() {
        let m = &cx.ents.mentions[mi];
        if m.in_quote || cx.ents.entities[m.entity].kind != EntityKind::Other {
            continue;
        }
        let mut k = m.tok_end;
        if k < n && cx.w(k) == "," {
            k += 1;
        }
        if k < n && cx.same_sent(m.tok_start, k) {
            if let Some((_, kind, _)) = cx.cue_at(k) {
                if kind != CueKind::According && cx.w(k).starts_with(char::is_lowercase) {
                    let e = m.entity;
                    cx.ents.set_kind(e, EntityKind::Person);
                }
            }
        }
    }
}

/// Match the patterns at every pivot of one sentence, then carry speakers over to its
/// quotations that end here unattributed.
fn sentence(
    v: &mut SentView,
    si: usize,
    patterns: &'static PatternSet,
    qs: &[Quotation],
    st: &mut State,
) {
    let n = v.units.len();
    let mut used = vec![false; n];
    let mut cands = Vec::new();
    // cues and quotations first, then patterns anchored on a word ("dilansir"): an
    // attribution inside the clause wins over a relay credit before it
    for pass in [false, true] {
        for u in 0..n {
            if used[u] {
                continue;
            }
            let is_cue = crate::pattern::View::cue(v, u).is_some();
            let is_quote = crate::pattern::View::is_quote(v, u);
            patterns.candidates(v, u, (!pass, pass), &mut cands);
            for p in cands.iter().map(|&i| &patterns.all[i]) {
                let ok_pivot = match pivot_kind(p) {
                    PivotKind::Cue => is_cue && !pass,
                    PivotKind::Quote => is_quote && !pass,
                    PivotKind::Word => !is_quote && pass,
                };
                if !ok_pivot {
                    continue;
                }
                let Some(m) = match_at(p, v, u) else {
                    continue;
                };
                if (m.span.0..m.span.1).any(|k| used[k]) {
                    continue;
                }
                if m.quote
                    .is_some_and(|qu| matches!(v.units[qu], Unit::Quote(q) if st.done[q]))
                {
                    continue;
                }
                st.backref_made = false;
                if let Some(q) = make(v, si, p, &m, qs, st) {
                    for slot in &mut used[m.span.0..m.span.1] {
                        *slot = true;
                    }
                    if q.kind != QuoteKind::Direct {
                        v.clause = m.span.1;
                    }
                    record(v, si, q, st);
                    break;
                }
                // "Hal ini diungkap X, pada Kamis.": the sentence before was X's; this
                // clause up to its cue makes no statement of its own (what follows the
                // speaker may: "..., yang menyebut ...")
                if st.backref_made {
                    let upto = m.cue.map_or(m.span.1, |c| (c + 1).min(m.span.1));
                    for slot in &mut used[m.span.0..upto] {
                        *slot = true;
                    }
                    break;
                }
            }
        }
    }
    // quotations that end in this sentence and found no attribution
    for u in 0..n {
        let Unit::Quote(q) = v.units[u] else {
            continue;
        };
        let end_tok = qs[q].close.unwrap_or(qs[q].last);
        if st.done[q] || end_tok >= v.sent.tok_end {
            continue;
        }
        if let Some(qu) = carried_over(v, q, qs, u) {
            record(v, si, qu, st);
        }
    }
}

/// Remember a statement: the floor, the ranges said, the sentence.
fn record(v: &mut SentView, si: usize, q: Quote, st: &mut State) {
    if let Some(e) = q.speaker.as_ref().and_then(|s| s.entity) {
        let is_person_or_org =
            v.cx.ents
                .entities
                .get(e)
                .is_some_and(|x| matches!(x.kind, EntityKind::Person | EntityKind::Organization));
        if is_person_or_org && q.toks.cue.is_some() {
            let tok = q.toks.cue.unwrap_or(0);
            v.cx.floor = Some(Floor {
                entity: e,
                block: v.cx.a.tokens[tok].block,
                tok,
            });
        }
    }
    let (s, e) = (
        v.cx.a.tokens.partition_point(|t| t.start < q.start),
        v.cx.a.tokens.partition_point(|t| t.end <= q.end),
    );
    if e > s {
        let p = v.cx.said.partition_point(|r| r.0 <= s);
        v.cx.said.insert(p, (s, e));
    }
    st.by_sentence[si].push(st.out.len());
    st.out.push(q);
}

fn cue_span(cx: &Ctx, t: usize, lemma: &str) -> CueSpan {
    let tk = &cx.a.tokens[t];
    CueSpan {
        text: cx.src[tk.start..tk.end].to_string(),
        start: tk.start,
        end: tk.end,
        lemma: lemma.to_string(),
    }
}

/// The statement a match makes, or None when its parts do not hold one.
fn make(
    v: &mut SentView,
    si: usize,
    p: &'static Pattern,
    m: &crate::pattern::Match,
    qs: &[Quotation],
    st: &mut State,
) -> Option<Quote> {
    let cx_src = v.cx.src;
    let a = v.cx.a;
    let cue_tok = m.cue.and_then(|u| v.tok(u));
    let cue = cue_tok.and_then(|t| v.cx.cue_at(t).map(|c| (t, c)));
    // the speaker: the expression matched, or the clitic -nya of the cue
    let found: Option<Found> = match m.speaker {
        Some(r) => Some(v.speaker(r)?),
        None => match cue {
            Some((t, (_, _, true))) => {
                let e = v.cx.salient_person(t)?;
                Some(v.cx.speaker_of_entity(e, (t, t + 1), Via::Clitic))
            }
            _ if p.items.iter().any(
                |i| matches!(i.elem, Elem::Class(c) if c == crate::class!("perspective_nya")),
            ) =>
            {
                let t = v.tok(m.span.0)?;
                let e = v.cx.salient_person(t)?;
                Some(v.cx.speaker_of_entity(e, (t, t + 1), Via::Clitic))
            }
            _ => None,
        },
    };
    let found = found?;
    if p.prev {
        return backref(v, si, found, cue, st);
    }
    let cue_rec = cue.map(|(t, (lemma, _, _))| cue_span(v.cx, t, lemma));
    // a direct quotation
    if let Some(qu) = m.quote {
        let Unit::Quote(q) = v.units[qu] else {
            return None;
        };
        let quote = &qs[q];
        let (f, l) = trim_content(cx_src, a, quote.first, quote.last)?;
        st.done[q] = true;
        let (start, end) = (a.tokens[f].start, a.tokens[l].end);
        let (sp, role, aff, stoks) = found;
        return Some(Quote {
            kind: QuoteKind::Direct,
            text: cx_src[start..end].to_string(),
            start,
            end,
            speaker: Some(sp),
            role,
            affiliation: aff,
            cue: cue_rec,
            relay: None,
            pattern: p.name.as_str(),
            toks: QuoteToks {
                open: quote.open,
                close: quote.close,
                cue: cue_tok,
                speaker: Some(stoks),
            },
        });
    }
    // a reported statement: its content (two parts for "A, kata X, B": all of it)
    let (c0, c1) = (m.content.first()?.0, m.content.last()?.1);
    let (ts, te) = v.tok_range((c0, c1));
    let (mut f, mut l) = trim_content(cx_src, a, ts, te)?;
    // a content that is one quotation: inside its marks
    if l > f + 1
        && a.tokens[f].kind == TokKind::Quote
        && a.tokens[f].open
        && a.tokens[l].kind == TokKind::Quote
        && !a.tokens[l].open
        && (f + 1..l).all(|t| a.tokens[t].kind != TokKind::Quote)
    {
        f += 1;
        l -= 1;
    }
    if words_in(a, f, l) < 2 {
        return None;
    }
    // a request verb reports a statement unless what follows says it does not ("meminta
    // maaf", "meminta tidak disebutkan namanya")
    if let Some((ct, _)) = cue {
        if LEX.words.has(crate::class!("needs_clause"), v.cx.lw(ct))
            && f == ct + 1
            && (LEX.words.has(crate::class!("request_not"), v.cx.lw(f)) || words_in(a, f, l) < 3)
        {
            return None;
        }
    }
    // "Lebih dari 34.600 warga tewas, menurut X": the attribution is the figure's source
    if p.has_flag("no-figures") && (f..=l).any(|t| a.tokens[t].kind == TokKind::Number) {
        return None;
    }
    let mut mixed = false;
    for u in c0..c1 {
        if let Unit::Quote(q) = v.units[u] {
            st.done[q] = true;
            mixed = true;
        }
    }
    mixed |= (f..=l).any(|t| a.tokens[t].kind == TokKind::Quote);
    let (start, end) = (a.tokens[f].start, a.tokens[l].end);
    let (sp, role, aff, stoks) = found;
    Some(Quote {
        kind: if mixed {
            QuoteKind::Mixed
        } else {
            QuoteKind::Indirect
        },
        text: cx_src[start..end].to_string(),
        start,
        end,
        speaker: Some(sp),
        role,
        affiliation: aff,
        cue: cue_rec,
        relay: None,
        pattern: p.name.as_str(),
        toks: QuoteToks {
            open: None,
            close: None,
            cue: cue_tok,
            speaker: Some(stoks),
        },
    })
}

/// "Hal itu dibenarkan X.": the sentence before is X's statement (or its unattributed
/// quotations are).
fn backref(
    v: &mut SentView,
    si: usize,
    found: Found,
    cue: Option<(usize, (&'static str, CueKind, bool))>,
    st: &mut State,
) -> Option<Quote> {
    let a = v.cx.a;
    let prev = si.checked_sub(1)?;
    let ps = a.sentences[prev];
    if a.blocks[ps.block].kind != crate::doc::BlockKind::Paragraph
        || ps.block + 1 < a.sentences[si].block
    {
        return None;
    }
    let cue_rec = cue.map(|(t, (lemma, _, _))| cue_span(v.cx, t, lemma));
    // the sentence before already has statements: those carried over get this speaker
    if !st.by_sentence[prev].is_empty() {
        for &k in &st.by_sentence[prev] {
            let q = &mut st.out[k];
            if q.speaker.as_ref().is_some_and(|s| s.via == Via::Carryover) || q.speaker.is_none() {
                q.speaker = Some(found.0.clone());
                q.role = found.1.clone();
                q.affiliation = found.2.clone();
                q.cue = cue_rec.clone();
                q.pattern = "backref";
                st.backref_made = true;
            }
        }
        return None;
    }
    let (f, l) = trim_content(v.cx.src, a, ps.tok_start, ps.tok_end - 1)?;
    if words_in(a, f, l) < 3 || (f..=l).any(|t| v.cx.inside[t]) {
        return None;
    }
    let (start, end) = (a.tokens[f].start, a.tokens[l].end);
    let (sp, role, aff, stoks) = found;
    let q = Quote {
        kind: QuoteKind::Indirect,
        text: v.cx.src[start..end].to_string(),
        start,
        end,
        speaker: Some(sp),
        role,
        affiliation: aff,
        cue: cue_rec,
        relay: None,
        pattern: "backref",
        toks: QuoteToks {
            open: None,
            close: None,
            cue: cue.map(|c| c.0),
            speaker: Some(stoks),
        },
    };
    // it belongs to the sentence before
    st.by_sentence[prev].push(st.out.len());
    st.out.push(q);
    st.backref_made = true;
    let _ = si;
    None
}

/// A quotation that ends in this sentence with no attribution: the speaker who has the floor
/// (within two paragraphs) said it. A quotation inside a clause ("menyalahkan X atas “...”")
/// is not a statement of its own.
fn carried_over(v: &mut SentView, q: usize, qs: &[Quotation], u: usize) -> Option<Quote> {
    let a = v.cx.a;
    let src = v.cx.src;
    let quote = &qs[q];
    if let Some(o) = quote.open {
        let s0 = a.sentences[a.tokens[o].sent].tok_start;
        if o > s0 && !matches!(v.cx.w(o - 1), "," | ":" | "." | "!" | "?") {
            return None;
        }
    }
    let _ = u;
    let (f, l) = trim_content(src, a, quote.first, quote.last)?;
    let first_tok = quote.open.unwrap_or(quote.first);
    // within two paragraphs: the lines between that are not reporting ("Baca juga: ...",
    // "BERITA TERKAIT") do not count
    let here = a.tokens[first_tok].block;
    let floor = v.cx.floor.filter(|fl| {
        here >= fl.block
            && (fl.block + 1..here)
                .filter(|&b| a.blocks[b].kind != crate::doc::BlockKind::Boilerplate)
                .count()
                <= 1
    });
    let (speaker, role, aff, stoks) = match floor {
        Some(fl) => {
            let mut s =
                v.cx.speaker_of_entity(fl.entity, (first_tok, first_tok + 1), Via::Carryover);
            s.0.mention = TextSpan::new(src, a.tokens[first_tok].start, a.tokens[first_tok].start);
            s.3 = (first_tok, first_tok);
            (Some(s.0), s.1, s.2, Some(s.3))
        }
        None => (None, None, None, None),
    };
    let (start, end) = (a.tokens[f].start, a.tokens[l].end);
    Some(Quote {
        kind: QuoteKind::Direct,
        text: src[start..end].to_string(),
        start,
        end,
        speaker,
        role,
        affiliation: aff,
        cue: None,
        relay: None,
        pattern: "carryover",
        toks: QuoteToks {
            open: quote.open,
            close: quote.close,
            cue: None,
            speaker: stoks,
        },
    })
}

/// Relay credits in a statement's sentence, or opening its paragraph: "dilansir AFP",
/// "seperti dikutip Al Jazeera", "dikutip dari Antara", "kata X kepada Reuters". When the
/// outlet is the only source named ("Dilansir Reuters, pasukan ... telah ..."), it is the
/// speaker (see also `relay_source` for figures).
fn relays(cx: &Ctx, quotes: &mut [Quote]) {
    for q in quotes.iter_mut() {
        let t = cx.a.tokens.partition_point(|t| t.start < q.start);
        if t >= cx.a.tokens.len() {
            continue;
        }
        let s = cx.a.sentences[cx.a.tokens[t].sent];
        q.relay = relay_in(cx, s.tok_start, s.tok_end).map(|(name, _)| name);
    }
}

/// An outlet credited as relaying in the tokens `s..e`: its name and token.
pub(crate) fn relay_in_tokens(
    a: &Analysis,
    ents: &Entities,
    s: usize,
    e: usize,
) -> Option<(String, usize)> {
    for k in s..e.min(a.tokens.len()) {
        if !a.is(k, crate::class!("relay_marker")) {
            continue;
        }
        let w = a.lower(k);
        // the outlet: the next mention within three tokens ("dilansir dari laman resmi AFP")
        for j in k + 1..e.min(k + 5) {
            if let Some(mi) = ents.mention_at[j] {
                let m = &ents.mentions[mi];
                let name = &ents.entities[m.entity].name;
                let media = LEX.media.contains(name.as_str())
                    || name.split(' ').any(|x| LEX.media.contains(x));
                if media || w != "kepada" {
                    return Some((name.clone(), j));
                }
                break;
            }
        }
    }
    None
}

fn relay_in(cx: &Ctx, s: usize, e: usize) -> Option<(String, usize)> {
    relay_in_tokens(cx.a, cx.ents, s, e)
}

/// Organisation references inside statements: "kelompoknya" → the speaker's organisation.
fn org_references(cx: &mut Ctx, quotes: &[Quote]) {
    let a = cx.a;
    for q in quotes {
        let Some(aff) = &q.affiliation else { continue };
        let Some(org) = cx.ents.org_named(aff) else {
            continue;
        };
        let first = a.tokens.partition_point(|t| t.start < q.start);
        for (k, t) in a.tokens.iter().enumerate().skip(first) {
            if t.end > q.end {
                break;
            }
            if a.is(k, crate::class!("org_ref")) {
                cx.ents.entities[org]
                    .mentions
                    .push(TextSpan::new(cx.src, t.start, t.end));
            }
        }
    }
}

#[cfg(test)]
mod tests;
