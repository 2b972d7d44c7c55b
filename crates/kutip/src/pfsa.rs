//! The PFSA-ID interface: read the token-per-line format, rebuild article text from tokens,
//! label tokens from the pipeline's findings (BILOU over the 11 PFSA-ID labels), and score
//! spans the way seqeval does (exact label and token range).
//!
//! Conventions of the corpus that the labelling follows (learned from `train.txt`):
//! STATEMENT spans a direct quotation with its marks; CUE is the bare cue of a direct quote
//! (`kata`, `ujar`), CUECOREF its -nya form (`ujarnya`); PERSON, ROLE and AFFILIATION mark the
//! introduction of a person who is quoted, PERSONCOREF later mentions in attributions; ISSUE is
//! the lead sentence without its final period; EVENT, DATETIME and LOCATION describe the
//! occasion after an attribution (`saat dihubungi`, `Jumat (11/12/2020)`, `di Jakarta`).

use crate::doc::TokKind;
use crate::lexicon::LEX;
use std::collections::{BTreeMap, HashSet};

pub const LABELS: [&str; 11] = [
    "PERSON",
    "PERSONCOREF",
    "ROLE",
    "AFFILIATION",
    "CUE",
    "CUECOREF",
    "STATEMENT",
    "ISSUE",
    "EVENT",
    "DATETIME",
    "LOCATION",
];

#[derive(Debug, Clone, Default)]
pub struct PSentence {
    pub tokens: Vec<String>,
    pub labels: Vec<String>,
}

/// Parse the token-per-line format. Returns sentences, or an error naming the line.
pub fn parse(src: &str) -> Vec<PSentence> {
    let mut out = Vec::new();
    let mut cur = PSentence::default();
    for line in src.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            if !cur.tokens.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let mut parts = line.split('\t');
        let tok = parts.next().unwrap_or("").to_string();
        let lab = parts.next().unwrap_or("O").trim().to_string();
        cur.tokens.push(tok);
        cur.labels
            .push(if lab.is_empty() { "O".into() } else { lab });
    }
    if !cur.tokens.is_empty() {
        out.push(cur);
    }
    out
}

fn is_dateline_start(s: &PSentence) -> bool {
    let head: Vec<&str> = s.tokens.iter().take(8).map(|t| t.as_str()).collect();
    head.iter().any(|t| matches!(*t, "—" | "–" | "-"))
        && head.iter().any(|t| t.to_uppercase().contains("KOMPAS"))
        && head
            .first()
            .is_some_and(|t| t.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()))
}

/// Group sentences into articles: a new article starts at a dateline ("JAKARTA, KOMPAS —").
pub fn articles(sents: &[PSentence]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, s) in sents.iter().enumerate() {
        if i > start && is_dateline_start(s) {
            out.push(start..i);
            start = i;
        }
    }
    if start < sents.len() {
        out.push(start..sents.len());
    }
    out
}

/// Rebuild text from tokens: returns the text and each token's byte span.
pub fn detokenize(sents: &[PSentence]) -> (String, Vec<Vec<(usize, usize)>>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut in_quote = false;
    let mut glue_next = false;
    let mut prev: &str = "";
    for s in sents {
        let mut v = Vec::with_capacity(s.tokens.len());
        for (k, t) in s.tokens.iter().enumerate() {
            let t = t.as_str();
            let is_q = crate::tagger::is_quote_mark(t);
            let no_space_before = matches!(t, "," | "." | ";" | ":" | "!" | "?" | ")" | "%")
                || (is_q && in_quote)
                || (t == "/" && prev.chars().last().is_some_and(|c| c.is_ascii_digit()))
                || (prev == "/" && t.chars().next().is_some_and(|c| c.is_ascii_digit()))
                || (t == "-"
                    && prev.chars().last().is_some_and(|c| c.is_alphanumeric())
                    && s.tokens.get(k + 1).is_some_and(|n| {
                        n.chars().next().is_some_and(|c| c.is_alphanumeric()) && prev.len() < 12
                    }))
                || (prev == "-" && glue_next);
            if !(text.is_empty() || no_space_before || glue_next && !is_q) {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(t);
            v.push((start, text.len()));
            glue_next = t == "(" || (is_q && !in_quote) || (t == "-" && no_space_before);
            if is_q {
                in_quote = !in_quote;
            }
            prev = t;
        }
        spans.push(v);
    }
    (text, spans)
}

/// What the rule stages know about each token of an article (flat over its sentences), used
/// as features by the trainable tagger.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The rule labelling (BILOU), as `kutip tag` writes it without a model.
    pub rule: Vec<String>,
    /// Part of an entity mention covering the token: `name`, `role`, `aff` or empty.
    pub part: Vec<&'static str>,
    /// `speaker` when the mention's entity is quoted somewhere, `first` for its first mention.
    pub mention: Vec<&'static str>,
    /// Kind of quote whose content covers the token: `direct`, `indirect`, `mixed` or empty.
    pub quote: Vec<&'static str>,
    /// `cue` on any quote's cue word, `speaker` on the words of an attribution.
    pub attr: Vec<&'static str>,
    /// Over a quote (marks, content, cue): who its speaker is, `role` (a person with a role
    /// or affiliation), `plain` (a person without), `org`, `unknown` or `none`.
    pub speaker: Vec<&'static str>,
}

/// Label tokens of one article from the pipeline's findings.
pub fn label_article(sents: &[PSentence]) -> Vec<Vec<String>> {
    per_sentence(sents, article_hints(sents).rule)
}

/// Run the pipeline on the article rebuilt from `sents` and report, per token, the rule
/// labelling and the findings behind it.
pub fn article_hints(sents: &[PSentence]) -> Hints {
    let (text, spans) = detokenize(sents);
    let full = crate::ledger::analyze_full(&text);
    let flat: Vec<(usize, usize)> = spans.iter().flatten().copied().collect();
    hints_of(&text, &full, &flat)
}

/// The hints of an analysed text for the token spans `flat` (byte ranges in `text`), in steps:
/// the issue sentence, the statements the corpus labels (with their cue, speaker and occasion),
/// the introduction of their speakers, then the tagger's views of mentions and quotes.
pub fn hints_of(text: &str, full: &crate::ledger::Full, flat: &[(usize, usize)]) -> Hints {
    let mut r = Rules {
        text,
        full,
        spans: Vec::new(),
    };
    let issue = r.issue();
    let ordinary = r.ordinary_people();
    let said = r.statements(&ordinary);
    r.persons(&said, issue);
    let (part, mention) = r.mention_views(&said);
    let (quote, attr, speaker) = r.quote_views();
    Hints {
        rule: project(&r.spans, flat),
        part: cover(&part, flat),
        mention: cover(&mention, flat),
        quote: cover(&quote, flat),
        attr: cover(&attr, flat),
        speaker: cover(&speaker, flat),
    }
}

/// Labelled byte spans: (start, end, label).
type Spans = Vec<(usize, usize, &'static str)>;

/// The rule labelling of one article being built.
struct Rules<'a> {
    text: &'a str,
    full: &'a crate::ledger::Full,
    /// labelled byte spans (PFSA-ID labels)
    spans: Spans,
}

/// Who the statements found are by.
struct Said {
    /// entities quoted directly (in a statement the corpus labels)
    speakers: HashSet<usize>,
    /// the tokens of those statements' attributions
    attribution_toks: HashSet<usize>,
    /// entities with an indirect statement
    indirect: HashSet<usize>,
}

impl Rules<'_> {
    fn tk(&self, i: usize) -> (usize, usize) {
        let t = &self.full.analysis.tokens[i];
        (t.start, t.end)
    }

    fn w(&self, i: usize) -> &str {
        let t = &self.full.analysis.tokens[i];
        &self.text[t.start..t.end]
    }

    /// ISSUE: the first sentence of the first paragraph, without its final period; its byte
    /// range.
    fn issue(&mut self) -> (usize, usize) {
        let a = &self.full.analysis;
        let Some(s) = a
            .sentences
            .iter()
            .find(|s| a.blocks[s.block].kind == crate::BlockKind::Paragraph)
            .copied()
        else {
            return (0, 0);
        };
        let mut l = s.tok_end - 1;
        while l > s.tok_start && matches!(self.w(l), "." | "!" | "?") {
            l -= 1;
        }
        let range = (self.tk(s.tok_start).0, self.tk(l).1);
        self.spans.push((range.0, range.1, "ISSUE"));
        range
    }

    /// The people whose statements the corpus leaves out: introduced with their age
    /// ("Kusnandar (46), pedagang daging"), or first named in the attribution after their own
    /// quote with no role ("..., kata Kusnandar."): sources with a role are introduced before
    /// they are quoted.
    fn ordinary_people(&self) -> HashSet<usize> {
        let (a, full) = (&self.full.analysis, self.full);
        let mut ordinary: HashSet<usize> = full
            .entities
            .mentions
            .iter()
            .filter(|m| {
                let t = m.tok_end;
                t + 2 < a.tokens.len()
                    && self.w(t) == "("
                    && a.tokens[t + 1].kind == TokKind::Number
                    && self.w(t + 2) == ")"
                    && self.w(t + 1).len() <= 3
            })
            .map(|m| m.entity)
            .collect();
        let mut first_mention: std::collections::HashMap<usize, usize> = Default::default();
        for m in &full.entities.mentions {
            first_mention.entry(m.entity).or_insert(m.tok_start);
        }
        for q in &full.quotes {
            if q.kind != crate::statements::QuoteKind::Direct {
                continue;
            }
            let (Some(sp), Some((ms, _)), Some(cu), Some(c)) =
                (&q.speaker, q.toks.speaker, q.toks.cue, q.toks.close)
            else {
                continue;
            };
            if let Some(e) = sp.entity {
                let plain = full
                    .entities
                    .entities
                    .get(e)
                    .is_some_and(|x| x.roles.is_empty() && x.affiliations.is_empty());
                if cu > c && ms > cu && first_mention.get(&e) == Some(&ms) && plain {
                    ordinary.insert(e);
                }
            }
        }
        ordinary
    }

    /// STATEMENT, CUE/CUECOREF and the occasion of each direct quote the corpus labels (not
    /// those of ordinary people or of speakers named by a common noun); the occasion of
    /// indirect statements.
    fn statements(&mut self, ordinary: &HashSet<usize>) -> Said {
        let (text, full) = (self.text, self.full);
        let a = &full.analysis;
        let mut said = Said {
            speakers: HashSet::new(),
            attribution_toks: HashSet::new(),
            indirect: HashSet::new(),
        };
        for q in &full.quotes {
            if q.kind != crate::statements::QuoteKind::Direct {
                if let Some(e) = q.speaker.as_ref().and_then(|s| s.entity) {
                    said.indirect.insert(e);
                }
                // the occasion between a speaker and the cue that follows it:
                // "X, Jumat (22/5/2020), mengatakan", "X dalam rapat terbatas, mengatakan"
                if let (Some((ms, me)), Some(cu)) = (q.toks.speaker, q.toks.cue) {
                    if me > ms && cu >= me && cu - me <= 40 {
                        occasion(text, a, me, &mut self.spans);
                    }
                }
                continue;
            }
            let (Some(o), Some(c)) = (q.toks.open, q.toks.close) else {
                continue;
            };
            if q.speaker
                .as_ref()
                .and_then(|sp| sp.entity)
                .is_some_and(|e| ordinary.contains(&e))
            {
                continue;
            }
            // ... or named by a common noun ("kata warga Betawi", "ujar siswa kelas XII")
            let common_noun = q
                .speaker
                .as_ref()
                .is_some_and(|s| s.kind == crate::statements::SpeakerKind::Descriptor);
            if common_noun
                || q.speaker.is_none()
                    && q.toks.cue.is_some_and(|cu| {
                        !a.tokens[cu].nya
                            && cu + 1 < a.tokens.len()
                            && self.w(cu + 1).starts_with(char::is_lowercase)
                    })
            {
                continue;
            }
            self.spans.push((self.tk(o).0, self.tk(c).1, "STATEMENT"));
            let mut after = c + 1;
            if let Some(cu) = q.toks.cue {
                let lab = if a.tokens[cu].nya { "CUECOREF" } else { "CUE" };
                self.spans.push((self.tk(cu).0, self.tk(cu).1, lab));
                after = after.max(cu + 1);
                if a.tokens[cu].nya && cu > c {
                    // "..., katanya, Senin (5/10/2020)."
                    occasion(text, a, cu + 1, &mut self.spans);
                }
            }
            if let (Some(sp), Some((ms, me))) = (&q.speaker, q.toks.speaker) {
                if let Some(e) = sp.entity {
                    said.speakers.insert(e);
                }
                if me > ms && q.toks.cue.is_some_and(|cu| cu < ms || cu >= me) {
                    said.attribution_toks.extend(ms..me);
                    after = after.max(me);
                    // the occasion: EVENT, LOCATION, DATETIME after "kata X"
                    if q.toks.cue.is_some_and(|cu| cu > c) {
                        occasion(text, a, after, &mut self.spans);
                    }
                }
            }
        }
        said
    }

    /// PERSON, ROLE and AFFILIATION where a quoted speaker is introduced (not in the issue
    /// sentence), PERSONCOREF where an attribution names them again.
    fn persons(&mut self, said: &Said, issue: (usize, usize)) {
        let full = self.full;
        let a = &full.analysis;
        let in_issue = |s: usize| s >= issue.0 && s < issue.1;
        let mut introduced: HashSet<usize> = HashSet::new();
        for m in &full.entities.mentions {
            if !said.speakers.contains(&m.entity) || m.in_quote {
                continue;
            }
            let is_attr = (m.tok_start..m.tok_end).any(|t| said.attribution_toks.contains(&t));
            let start = a.tokens[m.tok_start].start;
            if in_issue(start) {
                introduced.insert(m.entity);
                continue;
            }
            if introduced.insert(m.entity) {
                if let Some((s, e)) = m.name {
                    self.spans.push((self.tk(s).0, self.tk(e - 1).1, "PERSON"));
                }
                if let Some((s, e)) = m.role {
                    let re = m.affiliation.map(|x| x.0).unwrap_or(e);
                    if re > s {
                        self.spans.push((self.tk(s).0, self.tk(re - 1).1, "ROLE"));
                    }
                }
                if let Some((s, e)) = m.affiliation {
                    self.spans
                        .push((self.tk(s).0, self.tk(e - 1).1, "AFFILIATION"));
                }
            } else if is_attr {
                self.spans.push((
                    a.tokens[m.tok_start].start,
                    a.tokens[m.tok_end - 1].end,
                    "PERSONCOREF",
                ));
            }
        }
    }

    /// For the tagger: the part of a mention each span is (`name`, `role`, `aff`), and each
    /// mention's standing (`first-speaker`, `speaker`, `first-indirect`, ...).
    fn mention_views(&self, said: &Said) -> (Spans, Spans) {
        let full = self.full;
        let a = &full.analysis;
        let mut part = Vec::new();
        let mut mention = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        for m in &full.entities.mentions {
            let (s, e) = (a.tokens[m.tok_start].start, a.tokens[m.tok_end - 1].end);
            let first = seen.insert(m.entity);
            let tag = match (
                said.speakers.contains(&m.entity),
                said.indirect.contains(&m.entity),
                first,
            ) {
                (true, _, true) => "first-speaker",
                (true, _, false) => "speaker",
                (false, true, true) => "first-indirect",
                (false, true, false) => "indirect",
                (false, false, true) => "first",
                (false, false, false) => "other",
            };
            mention.push((s, e, tag));
            for (r, l) in [(m.name, "name"), (m.role, "role"), (m.affiliation, "aff")] {
                if let Some((x, y)) = r {
                    if y > x {
                        part.push((self.tk(x).0, self.tk(y - 1).1, l));
                    }
                }
            }
        }
        (part, mention)
    }

    /// For the tagger: each quote's kind over its content, its cue and speaker words, and who
    /// its speaker is over the whole quote.
    fn quote_views(&self) -> (Spans, Spans, Spans) {
        let full = self.full;
        let mut quote = Vec::new();
        let mut attr = Vec::new();
        let mut qspk = Vec::new();
        for q in &full.quotes {
            let mut s = q.toks.open.map(|o| self.tk(o).0).unwrap_or(q.start);
            let mut e = q.toks.close.map(|c| self.tk(c).1).unwrap_or(q.end);
            if let Some(c) = &q.cue {
                s = s.min(c.start);
                e = e.max(c.end);
            }
            qspk.push((s, e, speaker_view(full, q)));
            let k = match q.kind {
                crate::statements::QuoteKind::Direct => "direct",
                crate::statements::QuoteKind::Indirect => "indirect",
                crate::statements::QuoteKind::Mixed => "mixed",
            };
            quote.push((q.start, q.end, k));
            if let Some(c) = &q.cue {
                attr.push((c.start, c.end, "cue"));
            }
            if let Some((ms, me)) = q.toks.speaker {
                if me > ms {
                    attr.push((self.tk(ms).0, self.tk(me - 1).1, "speaker"));
                }
            }
        }
        (quote, attr, qspk)
    }
}

/// Who a quote's speaker is, for the tagger: `role` (a person with a role or affiliation),
/// `plain` (a person without), `org`, `unknown`, `descriptor` or `none`.
fn speaker_view(full: &crate::ledger::Full, q: &crate::statements::Quote) -> &'static str {
    let Some(sp) = &q.speaker else {
        return "none";
    };
    match sp.kind {
        crate::statements::SpeakerKind::Organization => "org",
        crate::statements::SpeakerKind::Unknown => "unknown",
        crate::statements::SpeakerKind::Descriptor => "descriptor",
        crate::statements::SpeakerKind::Person => {
            let e = sp.entity.and_then(|e| full.entities.entities.get(e));
            if q.role.is_some()
                || q.affiliation.is_some()
                || e.is_some_and(|e| !e.roles.is_empty() || !e.affiliations.is_empty())
            {
                "role"
            } else {
                "plain"
            }
        }
    }
}

/// For each token, the index (in `order`) of the first span in `order` that contains it.
fn assign(
    spans: &[(usize, usize, &'static str)],
    order: impl Iterator<Item = usize>,
    flat: &[(usize, usize)],
) -> Vec<Option<usize>> {
    let mut out = vec![None; flat.len()];
    for (rank, si) in order.enumerate() {
        let (s, e, _) = spans[si];
        let from = flat.partition_point(|t| t.1 <= s);
        for (k, t) in flat.iter().enumerate().skip(from) {
            if t.0 >= e {
                break;
            }
            if out[k].is_none() && t.0 >= s && t.1 <= e {
                out[k] = Some(rank);
            }
        }
    }
    out
}

/// For each token, the tag of the first span that contains it ("" when none does).
fn cover(spans: &[(usize, usize, &'static str)], flat: &[(usize, usize)]) -> Vec<&'static str> {
    assign(spans, 0..spans.len(), flat)
        .into_iter()
        .map(|r| r.map(|r| spans[r].2).unwrap_or(""))
        .collect()
}

/// EVENT / LOCATION / DATETIME after an attribution, starting at token `i`.
fn occasion(
    text: &str,
    a: &crate::Analysis,
    mut i: usize,
    out: &mut Vec<(usize, usize, &'static str)>,
) {
    let n = a.tokens.len();
    let sent = match a.tokens.get(i) {
        Some(t) => t.sent,
        None => return,
    };
    let w = |i: usize| text[a.tokens[i].start..a.tokens[i].end].to_lowercase();
    let same = |i: usize| i < n && a.tokens[i].sent == sent;
    while same(i) {
        let lw = w(i);
        if LEX.words.has(crate::class!("event_start"), &lw) {
            let s = i;
            i += 1;
            while same(i) {
                let x = w(i);
                if matches!(x.as_str(), "," | "." | "pada" | "di" | "(" | "yang")
                    || LEX.words.has(crate::class!("day"), &x)
                {
                    break;
                }
                i += 1;
            }
            out.push((a.tokens[s].start, a.tokens[i - 1].end, "EVENT"));
        } else if lw == "di"
            && same(i + 1)
            && a.tokens[i + 1].kind == TokKind::Word
            && text[a.tokens[i + 1].start..].starts_with(char::is_uppercase)
        {
            let s = i + 1;
            i += 1;
            while same(i)
                && a.tokens[i].kind == TokKind::Word
                && text[a.tokens[i].start..].starts_with(char::is_uppercase)
                && !LEX.words.has(crate::class!("day"), &w(i))
            {
                i += 1;
            }
            out.push((a.tokens[s].start, a.tokens[i - 1].end, "LOCATION"));
        } else if LEX.words.has(crate::class!("day"), &lw) {
            let s = i;
            i += 1;
            if same(i + 2)
                && w(i) == "("
                && a.tokens[i + 1].kind == TokKind::Date
                && w(i + 2) == ")"
            {
                i += 3;
            } else if same(i) && a.tokens[i].kind == TokKind::Date {
                i += 1;
            }
            out.push((a.tokens[s].start, a.tokens[i - 1].end, "DATETIME"));
        } else if matches!(lw.as_str(), "," | "pada" | "kepada" | "dari") {
            i += 1;
        } else {
            break;
        }
    }
}

/// Project character spans onto PFSA tokens as BILOU labels (earlier spans win).
fn project(char_spans: &[(usize, usize, &'static str)], flat: &[(usize, usize)]) -> Vec<String> {
    // precedence: statements and issue first, then the rest in order
    let mut order: Vec<usize> = (0..char_spans.len()).collect();
    order.sort_by_key(|&i| match char_spans[i].2 {
        "STATEMENT" => 0,
        "ISSUE" => 1,
        _ => 2,
    });
    let lab = assign(char_spans, order.iter().copied(), flat);
    (0..flat.len())
        .map(|k| {
            let Some(r) = lab[k] else {
                return "O".to_string();
            };
            let prev_same = k > 0 && lab[k - 1] == Some(r);
            let next_same = k + 1 < flat.len() && lab[k + 1] == Some(r);
            let p = match (prev_same, next_same) {
                (false, false) => "U",
                (false, true) => "B",
                (true, true) => "I",
                (true, false) => "L",
            };
            format!("{p}-{}", char_spans[order[r]].2)
        })
        .collect()
}

/// Cut labels of a whole article (flat) back into its sentences.
pub fn per_sentence(sents: &[PSentence], flat: Vec<String>) -> Vec<Vec<String>> {
    let mut it = flat.into_iter();
    sents
        .iter()
        .map(|s| it.by_ref().take(s.tokens.len()).collect())
        .collect()
}

/// Labels for every sentence of a file.
pub fn tag(sents: &[PSentence]) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(sents.len());
    for r in articles(sents) {
        out.extend(label_article(&sents[r]));
    }
    out
}

/// Spans (label, first token, last token) of a BILOU sequence over the whole file.
pub fn spans(labels: &[Vec<String>]) -> HashSet<(String, usize, usize)> {
    let mut out = HashSet::new();
    let mut open: Option<(String, usize)> = None;
    for (pos, l) in labels.iter().flatten().enumerate() {
        let (p, t) = l.split_once('-').unwrap_or(("O", ""));
        match p {
            "U" | "S" => {
                out.insert((t.to_string(), pos, pos));
                open = None;
            }
            "B" => open = Some((t.to_string(), pos)),
            "I" | "M" => {
                if open.as_ref().is_none_or(|o| o.0 != t) {
                    open = None;
                }
            }
            "L" | "E" => {
                if let Some((ot, s)) = open.take() {
                    if ot == t {
                        out.insert((t.to_string(), s, pos));
                    }
                }
            }
            _ => open = None,
        }
    }
    out
}

/// Per-label (tp, pred, gold) counts.
pub fn score(
    gold: &[Vec<String>],
    pred: &[Vec<String>],
) -> BTreeMap<String, (usize, usize, usize)> {
    let g = spans(gold);
    let p = spans(pred);
    let mut m: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for l in LABELS {
        m.insert(l.to_string(), (0, 0, 0));
    }
    for s in &p {
        let e = m.entry(s.0.clone()).or_default();
        e.1 += 1;
        if g.contains(s) {
            e.0 += 1;
        }
    }
    for s in &g {
        m.entry(s.0.clone()).or_default().2 += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    const ART: &str = "JAKARTA\nJAKARTA\n,\nKOMPAS\n—\nHarga\nberas\nnaik\n.\n\nKepala\nDinas\nPertanian\nBudi\nSantoso\nmenuturkan\n,\nstok\naman\n.\n”\n\nKami\nsiap\n,\n”\nkata\nBudi\nsaat\ndihubungi\n,\nSenin\n(\n6\n/\n5\n/\n2024\n)\n.\n";

    #[test]
    fn detokenize_and_label() {
        let src = ART.replacen("JAKARTA\n", "", 1);
        let s = parse(&src);
        let (text, _) = detokenize(&s);
        assert!(
            text.contains("JAKARTA, KOMPAS — Harga beras naik."),
            "{text}"
        );
        assert!(
            text.contains("stok aman. ”Kami siap,” kata Budi saat dihubungi, Senin (6/5/2024)."),
            "{text}"
        );
        let l = tag(&s);
        let flat: Vec<&str> = l.iter().flatten().map(|x| x.as_str()).collect();
        let toks: Vec<&str> = s
            .iter()
            .flat_map(|x| x.tokens.iter().map(|t| t.as_str()))
            .collect();
        let pairs: Vec<(&str, &str)> = toks.into_iter().zip(flat).filter(|p| p.1 != "O").collect();
        assert!(pairs.contains(&("Harga", "B-ISSUE")), "{pairs:?}");
        assert!(pairs.contains(&("naik", "L-ISSUE")));
        assert!(pairs.contains(&("kata", "U-CUE")));
        assert!(pairs.contains(&("Budi", "U-PERSONCOREF")));
        assert!(pairs.contains(&("Santoso", "L-PERSON")));
        assert!(pairs.contains(&("Kepala", "U-ROLE")));
        assert!(pairs.contains(&("Dinas", "B-AFFILIATION")));
        assert!(pairs.contains(&("saat", "B-EVENT")));
        assert!(pairs.contains(&("Senin", "B-DATETIME")));
        let g = spans(&l);
        assert!(g.contains(&("STATEMENT".to_string(), 18, 22)));
    }
}
