//! Token patterns as data, and the one matcher that reads them.
//!
//! Attribution patterns (`lang/id/statements.tsv`) and figure-source patterns
//! (`lang/id/figure_sources.tsv`) are lines of this small language, like the patterns of
//! spaCy's `Matcher`: adding the next way outlets attribute is a line of data and a test.
//!
//! ```text
//! name            pattern
//! trailing-say    CONTENT , CUE:say SPEAKER
//! subject-report  ^ SPEAKER @subject_adverb* CUE:report ,? @that? CONTENT $
//! ```
//!
//! | element | matches |
//! |---|---|
//! | `word` or `word\|word` | one token with that lower-case form |
//! | `,` `:` `(` ... | that punctuation token |
//! | `@class` | a token of a word class of `lang/id/words.tsv` |
//! | `CUE:say`, `CUE:report`, `CUE:according`, `CUE:passive`, `CUE:any` | a cue verb of that kind (`lang/id/cues.tsv`), without the clitic -nya; `CUE:say.nya` etc. with it (the clitic names the speaker) |
//! | `SPEAKER` | a speaker expression: a name, a title, a pronoun, a common noun ("saksi mata") |
//! | `CONTENT` | the statement: everything up to the clause's edge on its side (two words at least) |
//! | `LEAD` | a short leading adverbial up to the clause start ("Selain itu"), at most five tokens |
//! | `OCCASION` | when, where or how it was said, between a speaker and a cue ("dalam rilisnya", "usai rapat", ", Senin (6/5),") |
//! | `QUOTE` | a quotation, marks and all |
//! | `^` / `$` | the clause start / the sentence end (an occasion may follow: "di Jakarta, Senin (6/5)") |
//! | `PREV` (first) | the statement is the previous sentence ("Hal itu dibenarkan X.") |
//!
//! | `NAME` | any entity mention, not the speaker ("menyalahkan Netanyahu atas ...") |
//!
//! A `?` after an element makes it optional, a `*` lets it repeat. A third column may carry
//! flags for the stage that uses the pattern (`no-figures`: the content holds no number). Every pattern has a pivot,
//! its first cue (else its quotation, else its first word or word class): the matcher tries a pattern at each
//! pivot token and grows the match from there, to the right and to the left, so each try costs
//! a few steps whatever the length of the sentence. `CONTENT` stands at an outer end of the
//! pattern (it runs to the clause edge).

use crate::lexicon::{Class, ClassSet, CueKind, LEX};

/// What a `CUE` element accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueClass {
    Say,
    Report,
    According,
    Passive,
    Any,
}

impl CueClass {
    pub fn accepts(self, k: CueKind) -> bool {
        match self {
            CueClass::Say => k == CueKind::Say,
            CueClass::Report => k == CueKind::Report,
            CueClass::According => k == CueKind::According,
            CueClass::Passive => k == CueKind::Passive,
            CueClass::Any => k != CueKind::According && k != CueKind::Passive,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem {
    Start,
    End,
    Words(Vec<String>),
    Class(Class),
    Cue { class: CueClass, nya: bool },
    Speaker,
    Content,
    Lead,
    Occasion,
    Name,
    Quote,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rep {
    One,
    Opt,
    Star,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub elem: Elem,
    pub rep: Rep,
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub name: String,
    /// Flags from the data file's third column, for the stage that uses the pattern.
    pub flags: Vec<String>,
    /// The statement is the previous sentence.
    pub prev: bool,
    pub items: Vec<Item>,
    pub pivot: usize,
}

impl Pattern {
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }

    /// Parse one pattern; the error says what is wrong with it.
    pub fn parse(name: &str, src: &str) -> Result<Pattern, String> {
        let mut items = Vec::new();
        let mut prev = false;
        for (k, tok) in src.split_whitespace().enumerate() {
            if tok == "PREV" {
                if k != 0 {
                    return Err(format!("{name}: PREV must come first"));
                }
                prev = true;
                continue;
            }
            let (body, rep) = match tok.strip_suffix('?') {
                Some(b) if !b.is_empty() => (b, Rep::Opt),
                _ => match tok.strip_suffix('*') {
                    Some(b) if !b.is_empty() => (b, Rep::Star),
                    _ => (tok, Rep::One),
                },
            };
            let elem = match body {
                "^" => Elem::Start,
                "$" => Elem::End,
                "SPEAKER" => Elem::Speaker,
                "CONTENT" => Elem::Content,
                "LEAD" => Elem::Lead,
                "OCCASION" => Elem::Occasion,
                "NAME" => Elem::Name,
                "QUOTE" => Elem::Quote,
                b if b.starts_with("CUE:") => {
                    let spec = &b[4..];
                    let (class, nya) = match spec.strip_suffix(".nya") {
                        Some(c) => (c, true),
                        None => (spec, false),
                    };
                    let class = match class {
                        "say" => CueClass::Say,
                        "report" => CueClass::Report,
                        "according" => CueClass::According,
                        "passive" => CueClass::Passive,
                        "any" => CueClass::Any,
                        other => return Err(format!("{name}: unknown cue kind {other:?}")),
                    };
                    Elem::Cue { class, nya }
                }
                b if b.starts_with('@') && b.len() > 1 => {
                    if !LEX.words.has_class(&b[1..]) {
                        return Err(format!("{name}: unknown word class {b:?}"));
                    }
                    Elem::Class(LEX.words.class(&b[1..]))
                }
                b => Elem::Words(b.split('|').map(str::to_lowercase).collect()),
            };
            if matches!(
                elem,
                Elem::Content | Elem::Speaker | Elem::Lead | Elem::Quote | Elem::Occasion
            ) && rep == Rep::Star
            {
                return Err(format!("{name}: {body} cannot repeat"));
            }
            items.push(Item { elem, rep });
        }
        let pivot = items
            .iter()
            .position(|i| matches!(i.elem, Elem::Cue { .. }) && i.rep == Rep::One)
            .or_else(|| {
                items
                    .iter()
                    .position(|i| i.elem == Elem::Quote && i.rep == Rep::One)
            })
            .or_else(|| {
                items.iter().position(|i| {
                    matches!(i.elem, Elem::Words(_) | Elem::Class(_)) && i.rep == Rep::One
                })
            })
            .ok_or_else(|| format!("{name}: no cue, quotation or word to anchor the pattern"))?;
        // CONTENT and LEAD reach the clause edge: nothing but ^ or $ beyond them
        for (k, it) in items.iter().enumerate() {
            let edge = |range: &[Item]| {
                range
                    .iter()
                    .all(|x| matches!(x.elem, Elem::Start | Elem::End))
            };
            match it.elem {
                Elem::Content if k < pivot && !edge(&items[..k]) => {
                    return Err(format!(
                        "{name}: CONTENT before the pivot must open the pattern"
                    ))
                }
                Elem::Content if k > pivot && !edge(&items[k + 1..]) => {
                    return Err(format!(
                        "{name}: CONTENT after the pivot must end the pattern"
                    ))
                }
                Elem::Lead if k > pivot || !edge(&items[..k]) => {
                    return Err(format!("{name}: LEAD must open the pattern"))
                }
                _ => {}
            }
        }
        Ok(Pattern {
            name: name.to_string(),
            flags: Vec::new(),
            prev,
            items,
            pivot,
        })
    }

    /// The patterns of a data file: `name<TAB>pattern` lines (`#` comments). A malformed line
    /// is a bug in the data: it is reported by the tests that parse every file.
    pub fn parse_file(src: &'static str) -> Result<Vec<Pattern>, String> {
        crate::lexicon::rows(src)
            .map(|r| match r.as_slice() {
                [name, pat, rest @ ..] => Pattern::parse(name, pat).map(|mut p| {
                    p.flags = rest
                        .iter()
                        .flat_map(|f| f.split_whitespace())
                        .map(str::to_string)
                        .collect();
                    p
                }),
                _ => Err(format!("expected `name<TAB>pattern`: {r:?}")),
            })
            .collect()
    }
}

/// The sentence a pattern is matched against: a row of units (tokens, or whole quotations),
/// with the stage's own judgement of cues, speakers and word classes.
pub trait View {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Where the clause of this try begins (`^`).
    fn clause_start(&self) -> usize;
    /// The lower-case form of a token unit; None for a quotation.
    fn word(&self, u: usize) -> Option<&str>;
    fn is_quote(&self, u: usize) -> bool;
    /// The word classes of a token unit (none for a quotation).
    fn classes(&self, u: usize) -> ClassSet;
    fn in_class(&self, class: Class, u: usize) -> bool {
        self.classes(u).has(class)
    }
    /// The cue at `u`: its kind and whether it carries the clitic -nya.
    fn cue(&self, u: usize) -> Option<(CueKind, bool)>;
    /// Ends (exclusive) of the speaker expressions that begin at `u`, longest first.
    fn speaker_from(&mut self, u: usize) -> Vec<usize>;
    /// Starts of the speaker expressions that end just before `end`, longest first.
    fn speaker_to(&mut self, end: usize) -> Vec<usize>;
    /// Ends of the entity mentions that begin at `u`.
    fn name_from(&self, u: usize) -> Vec<usize>;
    /// Starts of the occasion phrases that end just before `end` ("dalam rilisnya").
    fn occasion_to(&self, end: usize) -> Vec<usize>;
    /// Ends of the occasion phrases that begin at `u`.
    fn occasion_from(&self, u: usize) -> Vec<usize>;
    /// Where content that runs to the right stops: before a closing occasion and the final
    /// punctuation.
    fn content_end(&self, from: usize) -> usize;
    /// Is what follows `u` (to the sentence end) an occasion, punctuation or nothing?
    fn tail_ok(&self, u: usize) -> bool;
    /// Does the range hold at least two words?
    fn has_words(&self, from: usize, to: usize) -> bool;
}

/// The patterns of one data file, indexed by what their pivot stands on, so that a unit is
/// tried only with the patterns whose pivot it can be.
#[derive(Debug, Default)]
pub struct PatternSet {
    pub all: Vec<Pattern>,
    by_word: rustc_hash::FxHashMap<String, Vec<usize>>,
    by_class: Vec<(Class, usize)>,
    /// the classes of `by_class`: a unit in none of them skips the list
    class_mask: ClassSet,
    cue: Vec<usize>,
    quote: Vec<usize>,
}

impl PatternSet {
    pub fn new(all: Vec<Pattern>) -> PatternSet {
        let mut set = PatternSet::default();
        for (i, p) in all.iter().enumerate() {
            match &p.items[p.pivot].elem {
                Elem::Cue { .. } => set.cue.push(i),
                Elem::Quote => set.quote.push(i),
                Elem::Class(c) => {
                    set.by_class.push((*c, i));
                    set.class_mask =
                        ClassSet::of(&set.by_class.iter().map(|x| x.0).collect::<Vec<_>>());
                }
                Elem::Words(ws) => {
                    for w in ws {
                        set.by_word.entry(w.clone()).or_default().push(i);
                    }
                }
                // `Pattern::parse` chooses no other pivot
                _ => {}
            }
        }
        set.all = all;
        set
    }

    pub fn parse_file(src: &'static str) -> Result<PatternSet, String> {
        Pattern::parse_file(src).map(PatternSet::new)
    }

    /// The patterns (indices into `all`, in file order) whose pivot may be unit `u`: with
    /// `anchors` those pivoted on a cue or a quotation, with `words` those on a word or class.
    pub fn candidates(
        &self,
        v: &dyn View,
        u: usize,
        (anchors, words): (bool, bool),
        out: &mut Vec<usize>,
    ) {
        out.clear();
        if anchors && v.cue(u).is_some() {
            out.extend_from_slice(&self.cue);
        }
        if anchors && v.is_quote(u) {
            out.extend_from_slice(&self.quote);
        }
        if !words {
            return;
        }
        if let Some(l) = v.word(u).and_then(|w| self.by_word.get(w)) {
            out.extend_from_slice(l);
        }
        let classes = v.classes(u);
        if classes.meets(self.class_mask) {
            out.extend(
                self.by_class
                    .iter()
                    .filter(|(c, _)| classes.has(*c))
                    .map(|x| x.1),
            );
        }
        if out.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
    }
}

/// Where the parts of a match lie (unit ranges, end exclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    pub pivot: usize,
    pub cue: Option<usize>,
    pub speaker: Option<(usize, usize)>,
    pub content: Vec<(usize, usize)>,
    pub quote: Option<usize>,
    /// The whole span the match covers.
    pub span: (usize, usize),
}

/// Try `p` with its pivot at unit `at`.
pub fn match_at(p: &Pattern, v: &mut dyn View, at: usize) -> Option<Match> {
    if !one(&p.items[p.pivot].elem, v, at) {
        return None;
    }
    let mut m = Match {
        pivot: at,
        span: (at, at + 1),
        ..Match::default()
    };
    record(&p.items[p.pivot].elem, at, at + 1, &mut m);
    let right = &p.items[p.pivot + 1..];
    let left: Vec<&Item> = p.items[..p.pivot].iter().rev().collect();
    let mut r = m.clone();
    if !forward(right, v, at + 1, &mut r) {
        return None;
    }
    let mut l = r;
    if !backward(&left, v, at, &mut l) {
        return None;
    }
    l.content.sort_unstable();
    Some(l)
}

/// A single-unit element at `u`.
fn one(e: &Elem, v: &mut dyn View, u: usize) -> bool {
    if u >= v.len() {
        return false;
    }
    match e {
        Elem::Words(ws) => v.word(u).is_some_and(|w| ws.iter().any(|x| x == w)),
        Elem::Class(c) => v.in_class(*c, u),
        Elem::Cue { class, nya } => v.cue(u).is_some_and(|(k, n)| class.accepts(k) && n == *nya),
        Elem::Quote => v.is_quote(u),
        _ => false,
    }
}

fn record(e: &Elem, s: usize, t: usize, m: &mut Match) {
    match e {
        Elem::Cue { .. } => m.cue = Some(s),
        Elem::Quote => m.quote = Some(s),
        Elem::Speaker => m.speaker = Some((s, t)),
        Elem::Content => m.content.push((s, t)),
        _ => {}
    }
    m.span = (m.span.0.min(s), m.span.1.max(t));
}

/// Match `items` left to right from `u`.
fn forward(items: &[Item], v: &mut dyn View, u: usize, m: &mut Match) -> bool {
    let Some((it, rest)) = items.split_first() else {
        return true;
    };
    let try_one = |v: &mut dyn View, m: &mut Match| -> bool {
        match &it.elem {
            Elem::End => v.tail_ok(u) && forward(rest, v, u, m),
            Elem::Start | Elem::Lead => false,
            Elem::Content => {
                let e = v.content_end(u);
                if e > u && v.has_words(u, e) && forward(rest, v, e, m) {
                    record(&it.elem, u, e, m);
                    true
                } else {
                    false
                }
            }
            Elem::Speaker | Elem::Occasion | Elem::Name => {
                let ends = match it.elem {
                    Elem::Speaker => v.speaker_from(u),
                    Elem::Occasion => v.occasion_from(u),
                    _ => v.name_from(u),
                };
                for e in ends {
                    let mut n = m.clone();
                    if forward(rest, v, e, &mut n) {
                        record(&it.elem, u, e, &mut n);
                        *m = n;
                        return true;
                    }
                }
                false
            }
            e => {
                if one(e, v, u) {
                    let mut n = m.clone();
                    if forward(rest, v, u + 1, &mut n) {
                        record(e, u, u + 1, &mut n);
                        *m = n;
                        return true;
                    }
                }
                false
            }
        }
    };
    match it.rep {
        Rep::One => try_one(v, m),
        Rep::Opt => try_one(v, m) || forward(rest, v, u, m),
        Rep::Star => {
            // greedy: as many single units as match, then the rest
            let mut ends = vec![u];
            let mut k = u;
            while ends.len() < 8 && one(&it.elem, v, k) {
                k += 1;
                ends.push(k);
            }
            ends.into_iter().rev().any(|e| {
                let mut n = m.clone();
                let ok = forward(rest, v, e, &mut n);
                if ok {
                    if e > u {
                        n.span = (n.span.0.min(u), n.span.1.max(e));
                    }
                    *m = n;
                }
                ok
            })
        }
    }
}

/// Match `items` (nearest to the pivot first) right to left, ending just before `u`.
fn backward(items: &[&Item], v: &mut dyn View, u: usize, m: &mut Match) -> bool {
    let Some((it, rest)) = items.split_first() else {
        return true;
    };
    let start = v.clause_start();
    let try_one = |v: &mut dyn View, m: &mut Match| -> bool {
        match &it.elem {
            Elem::Start => u == start && backward(rest, v, u, m),
            Elem::End => false,
            Elem::Content => {
                if u > start && v.has_words(start, u) && backward(rest, v, start, m) {
                    record(&it.elem, start, u, m);
                    true
                } else {
                    false
                }
            }
            Elem::Lead => {
                // at most five units, or fourteen when a comma closes it
                let limit = if v.word(u) == Some(",") { 14 } else { 5 };
                let ok = u > start
                    && u - start <= limit
                    && (start..u).all(|k| {
                        !v.is_quote(k) && v.cue(k).is_none_or(|c| c.0 == CueKind::Passive)
                    })
                    && backward(rest, v, start, m);
                if ok {
                    m.span = (m.span.0.min(start), m.span.1);
                }
                ok
            }
            Elem::Speaker | Elem::Occasion => {
                let starts = if it.elem == Elem::Speaker {
                    v.speaker_to(u)
                } else {
                    v.occasion_to(u)
                };
                for s in starts {
                    let mut n = m.clone();
                    if backward(rest, v, s, &mut n) {
                        record(&it.elem, s, u, &mut n);
                        *m = n;
                        return true;
                    }
                }
                false
            }
            e => {
                if u > 0 && one(e, v, u - 1) {
                    let mut n = m.clone();
                    if backward(rest, v, u - 1, &mut n) {
                        record(e, u - 1, u, &mut n);
                        *m = n;
                        return true;
                    }
                }
                false
            }
        }
    };
    match it.rep {
        Rep::One => try_one(v, m),
        // an optional occasion before the cue is lazy: the reading without it comes first
        // ("Juru bicara Hamas, Hazem Qassem, dalam unggahan ... mengatakan")
        Rep::Opt if it.elem == Elem::Occasion => backward(rest, v, u, m) || try_one(v, m),
        Rep::Opt => try_one(v, m) || backward(rest, v, u, m),
        Rep::Star => {
            let mut starts = vec![u];
            let mut k = u;
            while starts.len() < 8 && k > 0 && one(&it.elem, v, k - 1) {
                k -= 1;
                starts.push(k);
            }
            starts.into_iter().rev().any(|s| {
                let mut n = m.clone();
                let ok = backward(rest, v, s, &mut n);
                if ok {
                    if s < u {
                        n.span = (n.span.0.min(s), n.span.1.max(u));
                    }
                    *m = n;
                }
                ok
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A view over plain words: "NAME" is a one-word speaker, "kata"/"mengatakan" are cues,
    /// "Q" is a quotation, "." ends the sentence.
    struct Words(Vec<&'static str>);

    impl View for Words {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn clause_start(&self) -> usize {
            0
        }
        fn word(&self, u: usize) -> Option<&str> {
            (self.0[u] != "Q").then_some(self.0[u])
        }
        fn is_quote(&self, u: usize) -> bool {
            self.0[u] == "Q"
        }
        fn classes(&self, u: usize) -> ClassSet {
            if self.0[u] == "juga" {
                ClassSet::of(&[LEX.words.class("subject_adverb")])
            } else {
                ClassSet::default()
            }
        }
        fn cue(&self, u: usize) -> Option<(CueKind, bool)> {
            match self.0[u] {
                "kata" => Some((CueKind::Say, false)),
                "katanya" => Some((CueKind::Say, true)),
                "mengatakan" => Some((CueKind::Report, false)),
                _ => None,
            }
        }
        fn speaker_from(&mut self, u: usize) -> Vec<usize> {
            if self.0[u] == "NAME" {
                vec![u + 1]
            } else {
                vec![]
            }
        }
        fn speaker_to(&mut self, end: usize) -> Vec<usize> {
            if end > 0 && self.0[end - 1] == "NAME" {
                vec![end - 1]
            } else {
                vec![]
            }
        }
        fn name_from(&self, _u: usize) -> Vec<usize> {
            vec![]
        }
        fn occasion_to(&self, _end: usize) -> Vec<usize> {
            vec![]
        }
        fn occasion_from(&self, _u: usize) -> Vec<usize> {
            vec![]
        }
        fn content_end(&self, from: usize) -> usize {
            let mut e = self.0.len();
            while e > from && self.0[e - 1] == "." {
                e -= 1;
            }
            e
        }
        fn tail_ok(&self, u: usize) -> bool {
            self.0[u..].iter().all(|w| *w == ".")
        }
        fn has_words(&self, from: usize, to: usize) -> bool {
            to >= from + 2
        }
    }

    fn m(p: &str, words: &'static str) -> Option<Match> {
        let p = Pattern::parse("t", p).unwrap();
        let mut v = Words(words.split(' ').collect());
        (0..v.0.len()).find_map(|at| match_at(&p, &mut v, at))
    }

    #[test]
    fn patterns_match_around_their_pivot() {
        let x = m(
            "CONTENT , CUE:say SPEAKER",
            "harga beras naik , kata NAME .",
        )
        .unwrap();
        assert_eq!(x.content, vec![(0, 3)]);
        assert_eq!((x.cue, x.speaker), (Some(4), Some((5, 6))));
        let x = m(
            "^ SPEAKER @subject_adverb* CUE:report ,? CONTENT $",
            "NAME juga mengatakan , harga naik .",
        )
        .unwrap();
        assert_eq!((x.speaker, x.content.clone()), (Some((0, 1)), vec![(4, 6)]));
        // the clause must start at the speaker
        assert!(m(
            "^ SPEAKER CUE:report CONTENT $",
            "lalu NAME mengatakan harga naik ."
        )
        .is_none());
        assert!(m("QUOTE ,? CUE:say.nya", "Q , katanya .").is_some());
        assert!(m("QUOTE ,? CUE:say.nya", "Q , kata NAME .").is_none());
        let x = m(
            "^ CONTENT , CUE:say SPEAKER , CONTENT $",
            "stok beras , kata NAME , masih aman .",
        )
        .unwrap();
        assert_eq!(x.content, vec![(0, 2), (6, 8)]);
        assert_eq!(x.span, (0, 8));
    }

    #[test]
    fn bad_patterns_are_refused() {
        for bad in [
            "SPEAKER CONTENT",
            "CUE:shout SPEAKER",
            "CUE:say CONTENT SPEAKER",
            "SPEAKER CONTENT* CUE:say",
            "CUE:say SPEAKER LEAD",
            "CUE:say PREV",
        ] {
            assert!(Pattern::parse("t", bad).is_err(), "{bad}");
        }
    }
}
