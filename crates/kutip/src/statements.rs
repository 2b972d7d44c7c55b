//! Stage 4: direct, indirect and mixed statements with their speakers.
//!
//! Decisions that live here:
//! - quotations are paired marks within content blocks; a quotation may run over paragraphs that
//!   each open with a mark; a closing mark with no opening at the start of the text opens at the
//!   start of its block (an excerpt); quotations nested in another are part of it;
//! - a quotation of at most three words with no cue next to it is a scare quote, not a statement;
//! - attribution is looked for after the closing mark (`, kata X`), before the opening mark
//!   (`X mengatakan, “`, `X: “`, `Menurut X, “`), and otherwise carried over from the previous
//!   statement in the previous paragraphs;
//! - indirect statements are `SUBJECT (adverbs) CUE (bahwa) CLAUSE`, `Menurut X, CLAUSE` and
//!   `CLAUSE, kata X.`; mixed when the clause holds a quoted fragment;
//! - pronouns (ia, dia, beliau) and the clitic -nya on a cue resolve to the most recent person
//!   mentioned outside quotations or quoted before.

use crate::doc::{Analysis, TextSpan, TokKind};
use crate::entities::{Entities, EntityKind};
use crate::lexicon::{CueKind, LEX};
use serde::Serialize;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerKind {
    Person,
    Organization,
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
    #[serde(skip)]
    pub toks: QuoteToks,
}

/// A quotation: token indices of its marks and the byte span of its content.
#[derive(Debug, Clone)]
pub struct Quotation {
    open: Option<usize>,
    close: Option<usize>,
    /// first and last token inside
    first: usize,
    last: usize,
}

fn words_between(a: &Analysis, f: usize, l: usize) -> usize {
    (f..=l)
        .filter(|&i| a.tokens[i].kind == TokKind::Word)
        .count()
}

/// Pair quotation marks in content blocks. Returns quotations (outermost only) and a
/// per-token flag "inside a quotation".
pub fn quotations(a: &Analysis) -> (Vec<Quotation>, Vec<bool>) {
    let mut out = Vec::new();
    let n = a.tokens.len();
    let mut inside = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut carried: Option<usize> = None; // open mark of a quotation running over paragraphs
    let mut first_content_block = true;
    // token range of each block (tokens come in block order)
    let mut ranges = vec![(0usize, 0usize); a.blocks.len()];
    {
        let mut i = 0;
        while i < n {
            let b = a.tokens[i].block;
            let s0 = i;
            while i < n && a.tokens[i].block == b {
                i += 1;
            }
            ranges[b] = (s0, i);
        }
    }
    for (bi, b) in a.blocks.iter().enumerate() {
        if !b.kind.is_content() {
            continue;
        }
        let toks: Vec<usize> = (ranges[bi].0..ranges[bi].1).collect();
        let (Some(&bt0), Some(&bt1)) = (toks.first(), toks.last()) else {
            continue;
        };
        stack.clear();
        if let Some(o) = carried.take() {
            // continues only if this paragraph opens with a mark
            if a.tokens[bt0].kind == TokKind::Quote && a.tokens[bt0].open {
                stack.push(o);
            }
        }
        let mut seen_quote = false;
        for &i in &toks {
            let t = a.tokens[i];
            if t.kind != TokKind::Quote {
                continue;
            }
            let is_continuation_mark = i == bt0 && !stack.is_empty();
            if t.open {
                if !is_continuation_mark {
                    stack.push(i);
                }
            } else if let Some(o) = stack.pop() {
                if stack.is_empty() && o + 1 < i {
                    out.push(Quotation {
                        open: Some(o),
                        close: Some(i),
                        first: o + 1,
                        last: i - 1,
                    });
                }
            } else if !seen_quote && first_content_block && i > bt0 {
                // an excerpt that begins inside a quotation
                out.push(Quotation {
                    open: None,
                    close: Some(i),
                    first: bt0,
                    last: i - 1,
                });
            }
            seen_quote = true;
        }
        if let Some(&o) = stack.first() {
            if o <= bt1 {
                carried = Some(o);
            }
        }
        first_content_block = false;
    }
    for q in &out {
        for f in inside.iter_mut().take(q.last + 1).skip(q.first) {
            *f = true;
        }
    }
    (out, inside)
}

pub struct Statements {
    pub quotes: Vec<Quote>,
    pub inside_quote: Vec<bool>,
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// The cue at token `i`, if it is one: (lemma, kind, has -nya).
fn cue_at(src: &str, a: &Analysis, i: usize) -> Option<(&'static str, CueKind, bool)> {
    let t = a.tokens.get(i)?;
    if t.kind != TokKind::Word {
        return None;
    }
    let w = &src[t.start..t.end];
    let lw = lower(w);
    if let Some(c) = LEX.cues.get(lw.as_str()) {
        return Some((
            c.lemma,
            c.kind,
            lw.ends_with("nya") && c.kind == CueKind::Say,
        ));
    }
    if let Some(stem) = lw.strip_suffix("nya") {
        if let Some(c) = LEX.cues.get(stem) {
            if matches!(c.kind, CueKind::Say | CueKind::According) {
                return Some((c.lemma, c.kind, true));
            }
        }
    }
    None
}

/// A resolved speaker with role, affiliation and the token range of its mention.
type Found = (Speaker, Option<String>, Option<String>, (usize, usize));

struct Ctx<'a> {
    src: &'a str,
    a: &'a Analysis,
    ents: &'a mut Entities,
    inside: &'a [bool],
}

impl Ctx<'_> {
    fn w(&self, i: usize) -> &str {
        let t = &self.a.tokens[i];
        &self.src[t.start..t.end]
    }
    fn same_sent(&self, i: usize, j: usize) -> bool {
        j < self.a.tokens.len() && self.a.tokens[i].sent == self.a.tokens[j].sent
    }

    /// Most recent person before token `before` (mentions outside quotations).
    fn salient_person(&self, before: usize, last_speaker: Option<usize>) -> Option<usize> {
        // mentions are in text order: walk back from the last one ending before `before`
        let ms = &self.ents.mentions;
        let upto = ms.partition_point(|m| m.tok_end <= before);
        let best = ms[..upto]
            .iter()
            .rev()
            .take(400)
            .find(|m| !m.in_quote && self.ents.entities[m.entity].kind == EntityKind::Person)
            .map(|m| (m.tok_end, m.entity));
        match (best, last_speaker) {
            (Some((_, e)), _) => Some(e),
            (None, s) => s,
        }
    }

    fn speaker_from_mention(&mut self, mi: usize, via_default: Via) -> Found {
        let m = self.ents.mentions[mi].clone();
        let ekind = self.ents.entities[m.entity].kind;
        if ekind == EntityKind::Other {
            self.ents.set_kind(m.entity, EntityKind::Person);
        }
        let e = &self.ents.entities[m.entity];
        let kind = match e.kind {
            EntityKind::Person | EntityKind::Other => SpeakerKind::Person,
            EntityKind::Organization | EntityKind::Place => SpeakerKind::Organization,
        };
        let via = if m.apposition {
            Via::Apposition
        } else if m.role.is_some() {
            Via::Title
        } else if kind == SpeakerKind::Organization {
            Via::Organization
        } else {
            via_default
        };
        let role = m
            .role
            .map(|(s, t)| self.src[self.a.tokens[s].start..self.a.tokens[t - 1].end].to_string())
            .or_else(|| e.roles.first().cloned());
        let aff = m
            .affiliation
            .map(|(s, t)| self.src[self.a.tokens[s].start..self.a.tokens[t - 1].end].to_string())
            .or_else(|| e.affiliations.first().cloned());
        let sp = Speaker {
            name: e.name.clone(),
            entity: Some(e.id),
            kind,
            mention: TextSpan::new(self.src, m.start, m.end),
            via,
        };
        (sp, role, aff, (m.tok_start, m.tok_end))
    }

    fn speaker_from_entity(&self, e: usize, tok: usize, via: Via) -> Found {
        let en = &self.ents.entities[e];
        let t = &self.a.tokens[tok];
        let kind = match en.kind {
            EntityKind::Organization | EntityKind::Place => SpeakerKind::Organization,
            _ => SpeakerKind::Person,
        };
        (
            Speaker {
                name: en.name.clone(),
                entity: Some(e),
                kind,
                mention: TextSpan::new(self.src, t.start, t.end),
                via,
            },
            en.roles.first().cloned(),
            en.affiliations.first().cloned(),
            (tok, tok + 1),
        )
    }

    /// A speaker expression starting at token `i`: a mention, a pronoun, or "sang menteri".
    fn speaker_at(&mut self, i: usize, last_speaker: Option<usize>) -> Option<Found> {
        if i >= self.a.tokens.len() || self.inside[i] {
            return None;
        }
        if let Some(mi) = self.ents.mention_at[i] {
            if self.ents.mentions[mi].tok_start == i {
                return Some(self.speaker_from_mention(mi, Via::Name));
            }
        }
        let lw = lower(self.w(i));
        if LEX.words.is("pronoun", &lw) {
            let e = self.salient_person(i, last_speaker)?;
            return Some(self.speaker_from_entity(e, i, Via::Pronoun));
        }
        // a title on its own refers to the latest person who holds it: "..., kata Presiden."
        if let Some(found) = self.title_holder(i) {
            return Some(found);
        }
        if lw == "sang"
            || (LEX.words.is("role_ref", &lw)
                && self.same_sent(i, i + 1)
                && LEX.words.is("demonstrative", &lower(self.w(i + 1))))
        {
            let e = self.salient_person(i, last_speaker)?;
            let end = (i + 2).min(self.a.tokens.len());
            let mut s = self.speaker_from_entity(e, i, Via::Pronoun);
            s.0.mention =
                TextSpan::new(self.src, self.a.tokens[i].start, self.a.tokens[end - 1].end);
            s.3 = (i, end);
            return Some(s);
        }
        None
    }

    fn cue_span(&self, i: usize, lemma: &str) -> CueSpan {
        let t = &self.a.tokens[i];
        CueSpan {
            text: self.src[t.start..t.end].to_string(),
            start: t.start,
            end: t.end,
            lemma: lemma.to_string(),
        }
    }

    /// "Presiden" or "Menteri Keuangan" alone (no name after it) at token `i`: the most recent
    /// person before it whose role begins with these words.
    fn title_holder(&self, i: usize) -> Option<Found> {
        let n = self.a.tokens.len();
        let words: Vec<&str> = (i..(i + 6).min(n)).map(|k| self.w(k)).collect();
        let (l, true) = crate::entities::title_at(&words, 0)? else {
            return None;
        };
        let mut end = l;
        while end < words.len() && LEX.words.is("role_word", words[end]) {
            end += 1;
        }
        // followed by a name: a mention, not a reference
        if words
            .get(end)
            .is_some_and(|w| w.starts_with(char::is_uppercase))
        {
            return None;
        }
        let title = words[..end].join(" ");
        let ms = &self.ents.mentions;
        let upto = ms.partition_point(|m| m.tok_end <= i);
        let e = ms[..upto].iter().rev().take(400).find_map(|m| {
            let e = &self.ents.entities[m.entity];
            (e.kind == EntityKind::Person
                && e.roles.iter().any(|r| {
                    r == &title
                        || r.starts_with(&title) && r.as_bytes().get(title.len()) == Some(&b' ')
                }))
            .then_some(m.entity)
        })?;
        let mut found = self.speaker_from_entity(e, i, Via::Title);
        let last = &self.a.tokens[i + end - 1];
        found.0.mention = TextSpan::new(self.src, self.a.tokens[i].start, last.end);
        found.3 = (i, i + end);
        Some(found)
    }

    /// Subject ending right before token `c` (skipping adverbs), as a speaker.
    fn subject_before(&mut self, c: usize, last_speaker: Option<usize>) -> Option<Found> {
        let mut k = c;
        while k > 0
            && self.same_sent(k - 1, c)
            && LEX.words.is("subject_adverb", &lower(self.w(k - 1)))
        {
            k -= 1;
        }
        // "X, anggota tim, mengatakan" / "X, mengatakan"
        if k > 0 && self.same_sent(k - 1, c) && self.w(k - 1) == "," {
            k -= 1;
        }
        if k == 0 || !self.same_sent(k - 1, c) || self.inside[k - 1] {
            return None;
        }
        let p = k - 1;
        if let Some(mi) = self.ents.mention_at[p] {
            if self.ents.mentions[mi].tok_end == k {
                return Some(self.speaker_from_mention(mi, Via::Name));
            }
        }
        let lw = lower(self.w(p));
        if LEX.words.is("pronoun", &lw) || lw == "beliau" {
            let e = self.salient_person(p, last_speaker)?;
            return Some(self.speaker_from_entity(e, p, Via::Pronoun));
        }
        if p > 0
            && LEX.words.is("demonstrative", &lw)
            && LEX.words.is("role_ref", &lower(self.w(p - 1)))
        {
            let e = self.salient_person(p - 1, last_speaker)?;
            let mut s = self.speaker_from_entity(e, p - 1, Via::Pronoun);
            s.0.mention = TextSpan::new(self.src, self.a.tokens[p - 1].start, self.a.tokens[p].end);
            s.3 = (p - 1, p + 1);
            return Some(s);
        }
        None
    }
}

fn trim_content(src: &str, a: &Analysis, mut f: usize, mut l: usize) -> Option<(usize, usize)> {
    // drop leading/trailing commas, colons and the final period
    while f <= l
        && matches!(
            &src[a.tokens[f].start..a.tokens[f].end],
            "," | ":" | "-" | "—"
        )
    {
        f += 1;
    }
    while l >= f
        && matches!(
            &src[a.tokens[l].start..a.tokens[l].end],
            "," | "." | ":" | ";"
        )
    {
        if l == 0 {
            return None;
        }
        l -= 1;
    }
    if f > l {
        None
    } else {
        Some((f, l))
    }
}

/// Statements of a document; `qs` and `inside` come from [`quotations`].
pub fn find(
    src: &str,
    a: &Analysis,
    ents: &mut Entities,
    qs: &[Quotation],
    inside: &[bool],
) -> Vec<Quote> {
    let mut cx = Ctx {
        src,
        a,
        ents,
        inside,
    };
    let mut quotes: Vec<Quote> = Vec::new();
    let mut last_speaker: Option<(usize, usize)> = None; // (entity, block)
    let mut used_cue = vec![false; a.tokens.len()];
    let n = a.tokens.len();

    // A name of unknown kind directly followed by a cue verb ("Ismail Haniyeh menyebut")
    // is a person: pronouns and -nya may refer to it before its statement is processed.
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
            if let Some((_, kind, _)) = cue_at(src, a, k) {
                if kind != CueKind::According && cx.w(k).starts_with(char::is_lowercase) {
                    let e = m.entity;
                    cx.ents.set_kind(e, EntityKind::Person);
                }
            }
        }
    }

    // Direct quotations
    let mut direct: Vec<(usize, Quote)> = Vec::new();
    for q in qs {
        let first_tok = q.open.unwrap_or(q.first);
        let close = q.close.unwrap_or(q.last);
        let nwords = words_between(a, q.first, q.last);
        let last_inside = &src[a.tokens[q.last].start..a.tokens[q.last].end];
        // attribution after the closing mark
        let mut j = close + 1;
        if j < n && cx.same_sent(close, j) && cx.w(j) == "," {
            j += 1;
        }
        let mut found: Option<Found> = None;
        let mut cue: Option<(usize, &'static str)> = None;
        let ls = last_speaker.map(|x| x.0);
        if q.close.is_some()
            && j < n
            && (cx.same_sent(close, j) || a.tokens[close].block == a.tokens[j].block)
        {
            if let Some((lemma, kind, nya)) = cue_at(src, a, j) {
                if kind != CueKind::According
                    && cx.w(j).chars().next().is_some_and(|c| c.is_lowercase())
                {
                    cue = Some((j, lemma));
                    if nya {
                        if let Some(e) = cx.salient_person(j, ls) {
                            found = Some(cx.speaker_from_entity(e, j, Via::Clitic));
                        }
                    } else {
                        found = cx.speaker_at(j + 1, ls);
                    }
                }
            } else if let Some(sp) = cx.speaker_at(j, ls) {
                let after = sp.3 .1;
                if let Some((lemma, kind, _)) = cue_at(src, a, after) {
                    if kind != CueKind::According {
                        cue = Some((after, lemma));
                        found = Some(sp);
                    }
                }
            }
        }
        // attribution before the opening mark
        if found.is_none() {
            if let Some(o) = q.open {
                let mut k = o;
                if k > 0 && matches!(cx.w(k - 1), "," | ":") {
                    k -= 1;
                }
                if k > 0
                    && (cx.same_sent(k - 1, o) || a.tokens[k - 1].block + 1 == a.tokens[o].block)
                {
                    let p = k - 1;
                    if let Some((lemma, kind, nya)) = cue_at(src, a, p) {
                        if kind != CueKind::According {
                            cue = Some((p, lemma));
                            found = if nya {
                                cx.salient_person(p, ls)
                                    .map(|e| cx.speaker_from_entity(e, p, Via::Clitic))
                            } else {
                                cx.subject_before(p, ls)
                                    .or_else(|| cx.speaker_at(p + 1, ls))
                            };
                        }
                    } else if k < o && cx.w(k) == ":" {
                        if let Some(mi) = cx.ents.mention_at[p] {
                            found = Some(cx.speaker_from_mention(mi, Via::Name));
                        }
                    } else if let Some(mi) = cx.ents.mention_at[p] {
                        // "Menurut X, “...”"
                        let m0 = cx.ents.mentions[mi].tok_start;
                        if m0 > 0 && lower(cx.w(m0 - 1)) == "menurut" {
                            cue = Some((m0 - 1, "turut"));
                            found = Some(cx.speaker_from_mention(mi, Via::Name));
                        }
                    }
                }
            }
        }
        // a quotation inside a clause ("menyalahkan X atas “...”") without its own
        // attribution belongs to the indirect statement around it
        if found.is_none() {
            if let Some(o) = q.open {
                let sent_start = a.sentences[a.tokens[o].sent].tok_start;
                let embedded =
                    o > sent_start && !matches!(cx.w(o - 1), "," | ":" | "." | "!" | "?");
                if embedded {
                    continue;
                }
            }
        }
        let is_scare =
            nwords <= 3 && cue.is_none() && !matches!(last_inside, "," | "." | "!" | "?");
        if is_scare || nwords == 0 {
            continue;
        }
        if found.is_none() {
            // carried over from the previous statement within the last two paragraphs
            if let Some((e, b)) = last_speaker {
                if a.tokens[first_tok].block <= b + 2 {
                    let mut s = cx.speaker_from_entity(e, first_tok, Via::Carryover);
                    s.0.mention =
                        TextSpan::new(src, a.tokens[first_tok].start, a.tokens[first_tok].start);
                    s.3 = (first_tok, first_tok);
                    found = Some(s);
                }
            }
        }
        let Some((f, l)) = trim_content(src, a, q.first, q.last) else {
            continue;
        };
        if let Some((c, _)) = cue {
            used_cue[c] = true;
        }
        let (speaker, role, aff, stoks) = match found {
            Some((s, r, af, t)) => (Some(s), r, af, Some(t)),
            None => (None, None, None, None),
        };
        if let Some(s) = &speaker {
            if let Some(e) = s.entity {
                last_speaker = Some((e, a.tokens[close].block));
            }
        }
        let (start, end) = (a.tokens[f].start, a.tokens[l].end);
        direct.push((
            first_tok,
            Quote {
                kind: QuoteKind::Direct,
                text: src[start..end].to_string(),
                start,
                end,
                speaker,
                role,
                affiliation: aff,
                cue: cue.map(|(c, lemma)| cx.cue_span(c, lemma)),
                toks: QuoteToks {
                    open: q.open,
                    close: q.close,
                    cue: cue.map(|c| c.0),
                    speaker: stoks,
                },
            },
        ));
    }

    // Indirect and mixed statements, sentence by sentence
    let direct_opens: std::collections::HashSet<usize> =
        direct.iter().filter_map(|d| d.1.toks.open).collect();
    let mut indirect: Vec<(usize, Quote)> = Vec::new();
    let mut last_sp: Option<usize> = None;
    let mut di = 0;
    for s in &a.sentences {
        if !a.blocks[s.block].kind.is_content()
            || a.blocks[s.block].kind != crate::doc::BlockKind::Paragraph
        {
            continue;
        }
        while di < direct.len() && direct[di].0 < s.tok_start {
            if let Some(e) = direct[di].1.speaker.as_ref().and_then(|x| x.entity) {
                last_sp = Some(e);
            }
            di += 1;
        }
        let mut c = s.tok_start;
        // where the clause of a trailing cue may begin: after the previous statement of the
        // sentence ("A, kata X, B, kata Y" are two statements)
        let mut clause_start = s.tok_start;
        // the first token of the sentence inside a quotation
        let first_inside = (s.tok_start..s.tok_end)
            .find(|&t| inside[t])
            .unwrap_or(s.tok_end);
        while c < s.tok_end {
            if inside[c] || used_cue[c] {
                c += 1;
                continue;
            }
            let Some((lemma, kind, nya)) = cue_at(src, a, c) else {
                c += 1;
                continue;
            };
            let cw = lower(cx.w(c));
            let mut content: Option<(usize, usize)> = None;
            let mut found = None;
            match kind {
                CueKind::According => {
                    // "Menurut X, ..." / "Menurutnya, ..."
                    let mut k = c + 1;
                    if nya {
                        found = cx
                            .salient_person(c, last_sp)
                            .map(|e| cx.speaker_from_entity(e, c, Via::Clitic));
                    } else if let Some(sp) = cx.speaker_at(c + 1, last_sp) {
                        k = sp.3 .1;
                        found = Some(sp);
                    }
                    if found.is_some() && k < s.tok_end && cx.w(k) == "," {
                        content = trim_content(src, a, k + 1, s.tok_end - 1);
                    } else {
                        found = None;
                    }
                }
                CueKind::Report => {
                    // a request verb ("meminta", "mendesak") reports a statement only when
                    // what follows says what was asked: a clause opener or a named addressee
                    if LEX.words.is("needs_clause", &cw) {
                        let next = (c + 1 < s.tok_end).then(|| cx.w(c + 1));
                        let asks = next.is_some_and(|w| {
                            w.starts_with(char::is_uppercase)
                                || LEX.words.is_lower("request_object", w)
                        });
                        if !asks {
                            c += 1;
                            continue;
                        }
                    }
                    found = cx.subject_before(c, last_sp);
                    if found.is_some() {
                        let mut k = c + 1;
                        while k < s.tok_end
                            && matches!(lower(cx.w(k)).as_str(), "," | ":" | "bahwa" | "bahwasanya")
                        {
                            k += 1;
                        }
                        // "menyalahkan Netanyahu atas ..."
                        if let Some(mi) = cx.ents.mention_at.get(k).copied().flatten() {
                            let me = cx.ents.mentions[mi].tok_end;
                            if me < s.tok_end
                                && matches!(lower(cx.w(me)).as_str(), "atas" | "karena")
                            {
                                k = me + 1;
                            }
                        }
                        if k < s.tok_end
                            && a.tokens[k].kind == TokKind::Quote
                            && a.tokens[k].open
                            && inside.get(k + 1) == Some(&true)
                        {
                            // X mengatakan, “...” is a direct quote's attribution, unless the
                            // quotation is only part of the clause
                            let close = (k + 1..s.tok_end).find(|&t| !inside[t]);
                            if close.is_none_or(|cl| cl + 2 >= s.tok_end)
                                && direct_opens.contains(&k)
                            {
                                c += 1;
                                continue;
                            }
                            if let Some(cl) = close {
                                if cl + 2 >= s.tok_end {
                                    content = Some((k + 1, cl - 1));
                                }
                            }
                        }
                        if content.is_none() {
                            content = trim_content(src, a, k, s.tok_end - 1);
                        }
                        // drop a trailing ", kata X" from the content
                    }
                }
                CueKind::Say => {
                    // "CLAUSE, kata X." without marks
                    if c > clause_start + 3
                        && cx.w(c - 1) == ","
                        && !inside[c - 1]
                        && !cx.w(c).starts_with(char::is_uppercase)
                    {
                        found = if nya {
                            cx.salient_person(c, last_sp)
                                .map(|e| cx.speaker_from_entity(e, c, Via::Clitic))
                        } else {
                            cx.speaker_at(c + 1, last_sp)
                        };
                        let has_quote = first_inside < c;
                        if found.is_some() && !has_quote {
                            content = trim_content(src, a, clause_start, c - 2);
                        } else {
                            found = None;
                        }
                    }
                }
            }
            if let (Some((sp, role, aff, stoks)), Some((f, l))) = (found, content) {
                if words_between(a, f, l) >= 2 {
                    let mixed = (f..=l).any(|t| inside[t])
                        || (f..=l).any(|t| a.tokens[t].kind == TokKind::Quote);
                    let (start, end) = (a.tokens[f].start, a.tokens[l].end);
                    if let Some(e) = sp.entity {
                        last_sp = Some(e);
                        last_speaker = Some((e, s.block));
                    }
                    let _ = last_speaker;
                    indirect.push((
                        c,
                        Quote {
                            kind: if mixed {
                                QuoteKind::Mixed
                            } else {
                                QuoteKind::Indirect
                            },
                            text: src[start..end].to_string(),
                            start,
                            end,
                            speaker: Some(sp),
                            role,
                            affiliation: aff,
                            cue: Some(cx.cue_span(c, lemma)),
                            toks: QuoteToks {
                                open: None,
                                close: None,
                                cue: Some(c),
                                speaker: Some(stoks),
                            },
                        },
                    ));
                    c = (l + 1).max(c + 1);
                    clause_start = c;
                    continue;
                }
            }
            c += 1;
        }
    }
    // organisation references inside statements: "kelompoknya" → the speaker's organisation
    let mut all: Vec<(usize, Quote)> = direct.into_iter().chain(indirect).collect();
    all.sort_by_key(|(_, q)| q.start);
    for (_, q) in &all {
        let Some(aff) = &q.affiliation else { continue };
        let Some(org) = cx.ents.org_named(aff) else {
            continue;
        };
        let first = a.tokens.partition_point(|t| t.start < q.start);
        for t in a.tokens[first..].iter().take_while(|t| t.end <= q.end) {
            let w = lower(&src[t.start..t.end]);
            if LEX.words.is("org_ref", &w) {
                cx.ents.entities[org]
                    .mentions
                    .push(TextSpan::new(src, t.start, t.end));
            }
        }
    }
    quotes.extend(all.into_iter().map(|x| x.1));
    quotes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(t: &str) -> Vec<Quote> {
        crate::ledger::analyze_full(t).quotes
    }

    fn who(q: &Quote) -> (&str, Via) {
        let s = q.speaker.as_ref().expect("speaker");
        (s.name.as_str(), s.via)
    }

    #[test]
    fn direct_after_with_title_and_clitic() {
        let t = "\"Harga pangan harus tetap stabil sampai akhir tahun,\" ujar Presiden Prabowo Subianto dalam keterangannya, Selasa (21/10/2025).\n\"Kita tidak boleh lengah,\" tegasnya.";
        let q = quotes(t);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].kind, QuoteKind::Direct);
        assert_eq!(
            q[0].text,
            "Harga pangan harus tetap stabil sampai akhir tahun"
        );
        assert_eq!(who(&q[0]), ("Prabowo Subianto", Via::Title));
        assert_eq!(q[0].role.as_deref(), Some("Presiden"));
        assert_eq!(q[0].cue.as_ref().unwrap().lemma, "ujar");
        assert_eq!(who(&q[1]), ("Prabowo Subianto", Via::Clitic));
        assert_eq!(q[1].cue.as_ref().unwrap().text, "tegasnya");
    }

    #[test]
    fn direct_before_and_colon() {
        let t = "Menteri Kesehatan Budi Santoso mengatakan, “Vaksin sudah tiba di semua provinsi.”\nSiti Aminah: “Kami belum menerima bantuan apa pun.”";
        let q = quotes(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(who(&q[0]).0, "Budi Santoso");
        assert_eq!(q[0].cue.as_ref().unwrap().text, "mengatakan");
        assert_eq!(who(&q[1]).0, "Siti Aminah");
    }

    #[test]
    fn indirect_pronoun_and_menurut() {
        let t = "Gubernur Jawa Barat Dedi Mulyana hadir di lokasi banjir. Dia mengatakan bahwa pemerintah akan membangun tanggul baru tahun depan. Menurut Dedi, anggaran sudah disiapkan sejak bulan lalu.";
        let q = quotes(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].kind, QuoteKind::Indirect);
        assert_eq!(
            q[0].text,
            "pemerintah akan membangun tanggul baru tahun depan"
        );
        assert_eq!(who(&q[0]), ("Dedi Mulyana", Via::Pronoun));
        assert_eq!(q[0].role.as_deref(), Some("Gubernur Jawa Barat"));
        assert_eq!(q[1].text, "anggaran sudah disiapkan sejak bulan lalu");
        assert_eq!(q[1].cue.as_ref().unwrap().lemma, "turut");
    }

    #[test]
    fn scare_quotes_are_not_statements_but_make_mixed() {
        let t = "Koalisi itu disebut sebagai “rumah besar” oleh para pendukungnya. Ketua KPU, Rina Wijaya menegaskan proses rekapitulasi berjalan “sangat transparan” hingga hari ini.";
        let q = quotes(t);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].kind, QuoteKind::Mixed);
        assert_eq!(who(&q[0]), ("Rina Wijaya", Via::Apposition));
        assert_eq!(q[0].affiliation.as_deref(), Some("KPU"));
    }

    #[test]
    fn multi_paragraph_quote_and_carryover() {
        let t = "“Kami sudah menyiapkan tiga posko,” kata Kapolres Bogor AKBP Rudi Hartono.\n“Petugas berjaga selama dua puluh empat jam.\n“Warga bisa melapor kapan saja melalui nomor darurat.”";
        let q = quotes(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(q[1].text.starts_with("Petugas berjaga") && q[1].text.ends_with("nomor darurat"));
        assert_eq!(who(&q[1]).1, Via::Carryover);
        assert_eq!(who(&q[1]).0, who(&q[0]).0);
    }

    #[test]
    fn trailing_cue_without_marks() {
        let q = quotes("Rapat akan dilanjutkan pekan depan di gedung DPR, kata Ahmad Fauzi.");
        assert_eq!(q.len(), 1);
        assert_eq!(
            q[0].text,
            "Rapat akan dilanjutkan pekan depan di gedung DPR"
        );
        assert_eq!(who(&q[0]).0, "Ahmad Fauzi");
    }

    #[test]
    fn a_title_alone_refers_to_its_latest_holder() {
        let t = "Menteri Keuangan Sri Wahyuni dan Presiden Joko Widodo meninjau pasar. Harga beras stabil. “Kita jaga pasokan sampai Lebaran,” kata Presiden. “Anggarannya cukup,” ujar Menteri Keuangan.";
        let q = quotes(t);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(who(&q[0]), ("Joko Widodo", Via::Title));
        assert_eq!(q[0].speaker.as_ref().unwrap().mention.text, "Presiden");
        assert_eq!(q[0].role.as_deref(), Some("Presiden"));
        assert_eq!(who(&q[1]), ("Sri Wahyuni", Via::Title));
        // a title followed by a name is that name, not a reference
        let q = quotes("Presiden Joko Widodo hadir. “Siap,” kata Presiden Prabowo Subianto.");
        assert_eq!(who(&q[0]).0, "Prabowo Subianto");
    }

    #[test]
    fn a_request_verb_at_the_very_end_is_not_a_statement() {
        // truncated scraped articles end like this; no panic, no statement
        for verb in [
            "meminta",
            "mendesak",
            "menuntut",
            "mengajak",
            "memerintahkan",
            "menginstruksikan",
            "mengimbau",
        ] {
            for t in [
                format!("Ia {verb}"),
                format!("Bupati Sleman Harda Kiswaya {verb}"),
                format!("Warga resah. Kepala desa {verb}"),
            ] {
                assert!(quotes(&t).is_empty(), "{t}");
            }
        }
        let q = quotes("Gubernur Dedi Mulyana meminta agar warga menjauhi bantaran sungai.");
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn a_name_with_a_lower_case_role_is_a_person_for_nya() {
        let t = "Tri Wulandari, dokter dari Rumah Sakit Harapan, memaparkan hasil pemeriksaan. ”Kasusnya terus naik,” ujarnya.";
        let q = quotes(t);
        let d = q
            .iter()
            .find(|q| q.kind == QuoteKind::Direct)
            .expect("direct quote");
        assert_eq!(who(d), ("Tri Wulandari", Via::Clitic));
    }
}
