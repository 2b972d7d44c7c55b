//! Stage 5: quantitative claims. A figure is a number in a paragraph that is not a date,
//! year, clock time, duration, ordinal, label ("Pasal 2"), list number or part of a name
//! ("Densus 88"), with its qualifier (lang/id/qualifiers.tsv), what it counts and its category
//! (lang/id/categories.tsv), its source ([`sources`]) and its time ([`time`]).
//!
//! The steps for each number, in [`find`]: where its expression ends ([`Reader::span`]:
//! currency, digits or words, scale, unit, the second end of a range); whether it is a figure
//! at all ([`Reader::not_a_figure`]); its amount; its qualifier; what it counts; its unit;
//! whether it is part of a total ("29 di antaranya"); its time, source and place.

mod sources;
mod time;

pub use time::month_num as month_number;
pub use time::{civil_from_days, days_from_civil};

use crate::doc::{TextSpan, TokKind};
use crate::ledger::Full;
use crate::lexicon::LEX;
use crate::numbers::{parse, Amount, WordKind, NUM};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use sources::Sources;
use std::sync::LazyLock;
use time::Times;

#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub name: String,
    pub entity: Option<usize>,
    pub start: usize,
    pub end: usize,
    /// `statement` (the figure sits in a statement: its speaker), the name of the
    /// figure-source pattern that named it (`according`, `subject-verb`, ...), or `carried`
    /// (named in the sentence before, which this one continues)
    pub via: &'static str,
    /// The outlet that relayed the statement the figure sits in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct When {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub qualifier: &'static str,
    pub unit: Option<&'static str>,
    pub category: &'static str,
    pub what: Option<TextSpan>,
    pub source: Option<Source>,
    pub when: Option<When>,
    /// Where the figure applies: a place named in its sentence, else the dateline's place,
    /// else the first place of the lead.
    pub place: Option<String>,
    pub part_of: Option<usize>,
}

/// The known places named in the tokens `from..to` of a sentence, with their first token
/// (at each token a two-word name first).
fn places_in(src: &str, a: &crate::Analysis, from: usize, to: usize) -> Vec<(usize, String)> {
    let w = |i: usize| &src[a.tokens[i].start..a.tokens[i].end];
    (from..to)
        .filter_map(|i| {
            if i + 1 < to {
                let two = &src[a.tokens[i].start..a.tokens[i + 1].end];
                if LEX.places.contains(two) {
                    return Some((i, two.to_string()));
                }
            }
            LEX.places.contains(w(i)).then(|| (i, w(i).to_string()))
        })
        .collect()
}

/// The first of a sentence's places outside the byte span `skip` (the figure's source:
/// "Kementerian Kesehatan Gaza" does not place a figure).
fn place_outside(
    a: &crate::Analysis,
    places: &[(usize, String)],
    skip: Option<(usize, usize)>,
) -> Option<String> {
    places
        .iter()
        .find(|(i, _)| !skip.is_some_and(|(s, e)| a.tokens[*i].start >= s && a.tokens[*i].end <= e))
        .map(|x| x.1.clone())
}

/// Without a dateline, the place the lead names first: a news report's first sentence says
/// where it happens ("Banjir yang melanda Kabupaten Demak ...").
fn lead_place(src: &str, a: &crate::Analysis) -> Option<String> {
    let s = a
        .sentences
        .iter()
        .find(|s| a.blocks[s.block].kind.is_content())?;
    places_in(src, a, s.tok_start, s.tok_end)
        .into_iter()
        .next()
        .map(|x| x.1)
}

/// The place of the dateline ("GAZA, KOMPAS.com -" gives "Gaza"), as written in the lexicon.
fn dateline_place(src: &str, a: &crate::Analysis) -> Option<String> {
    let b = a
        .blocks
        .iter()
        .find(|b| b.kind == crate::BlockKind::Dateline)?;
    let head = src[b.start..b.end]
        .split([',', '-', '(', '–', '—'])
        .next()?
        .trim();
    let titled: String = head
        .split_whitespace()
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(|x| x.to_lowercase()))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ");
    (!titled.is_empty() && titled.len() < 40).then_some(titled)
}

struct FigLex {
    qualifiers: Vec<(Vec<&'static str>, &'static str)>,
    categories: HashMap<&'static str, &'static str>,
}

static FIG: LazyLock<FigLex> = LazyLock::new(|| {
    let rows = |s: &'static str| {
        crate::lexicon::rows(s)
            .filter(|r| r.len() >= 2)
            .collect::<Vec<_>>()
    };
    let mut qualifiers: Vec<(Vec<&'static str>, &'static str)> =
        rows(include_str!("../../lang/id/qualifiers.tsv"))
            .into_iter()
            .map(|r| (r[0].split(' ').collect(), r[1]))
            .collect();
    qualifiers.sort_by_key(|q| std::cmp::Reverse(q.0.len()));
    let categories = rows(include_str!("../../lang/id/categories.tsv"))
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
    FigLex {
        qualifiers,
        categories,
    }
});

/// A number expression: the tokens `start..end`, its number beginning at `num`.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    num: usize,
    end: usize,
    /// a range: the second number's first token
    second: Option<usize>,
}

/// What is counted after a figure: the words, their category, and where they end.
struct Counted {
    what: Option<TextSpan>,
    category: Option<&'static str>,
    end: usize,
}

/// One document's figures being read.
struct Reader<'a> {
    src: &'a str,
    a: &'a crate::Analysis,
    /// the lower-case form of every token (borrowed from the analysis)
    lw: Vec<&'a str>,
}

impl Reader<'_> {
    fn w(&self, i: usize) -> &str {
        let t = &self.a.tokens[i];
        &self.src[t.start..t.end]
    }

    fn kind(&self, i: usize) -> TokKind {
        self.a.tokens[i].kind
    }

    /// A token of digits ("1.200", "2,5"), or a range of digits written as one ("1-10").
    fn digits(&self, i: usize) -> bool {
        self.kind(i) == TokKind::Number || is_digit_range(self.lw[i])
    }

    /// May a figure begin with the word at `i`?
    fn starts(&self, s: &crate::Sentence, i: usize) -> bool {
        let w = self.lw[i];
        if self.digits(i) {
            return true;
        }
        if self.kind(i) != TokKind::Word {
            return false;
        }
        // "Rp 15", "US$ 40"
        if self.a.is(i, crate::class!("@unit"))
            && NUM.units.get(w).is_some_and(|u| u.1)
            && i + 1 < s.tok_end
            && self.digits(i + 1)
        {
            return true;
        }
        if !self.a.is(i, crate::class!("@number_word")) {
            return false;
        }
        match NUM.words.get(w) {
            Some(WordKind::Digit(d)) if *d > 0.0 && w != "satu" => true,
            Some(WordKind::Se(_) | WordKind::Approx(..) | WordKind::Fraction(_)) => true,
            // "satu juta", "satu orang tewas", "lebih dari satu" (not "salah satu")
            Some(WordKind::Digit(_)) if w == "satu" => self.satu_counts(s, i),
            _ => false,
        }
    }

    fn satu_counts(&self, s: &crate::Sentence, i: usize) -> bool {
        let prev = (i > s.tok_start).then(|| self.lw[i - 1]);
        let next = (i + 1 < s.tok_end).then(|| self.lw[i + 1]);
        if prev.is_some_and(|p| LEX.words.has(crate::class!("satu_not_before"), p)) {
            return false;
        }
        if matches!(
            next.and_then(|n| NUM.words.get(n)),
            Some(WordKind::Scale(_))
        ) {
            return true;
        }
        let qualified = FIG.qualifiers.iter().any(|(ws, _)| {
            let k = ws.len();
            i >= s.tok_start + k && self.lw[i - k..i].iter().zip(ws).all(|(a, b)| a == b)
        });
        let counted = next.is_some_and(|n| LEX.words.has(crate::class!("satu_counts"), n));
        counted || qualified
    }

    /// Where the number expression starting at `i` ends: currency, digits or number words, a
    /// scale or approximate word, a suffix (M, T, %), a unit, and the other end of a range
    /// ("Rp20 hingga Rp30 miliar", "4%-5%").
    fn span(&self, s: &crate::Sentence, i: usize) -> Option<Span> {
        let mut j = i;
        if self.kind(i) == TokKind::Word && NUM.units.contains_key(self.lw[i]) {
            j += 1;
        }
        let num = j;
        j = self.number_end(s, j);
        if j == num {
            return None;
        }
        j = self.unit_end(s, j);
        let mut second = None;
        // the other end of a range
        if j + 1 < s.tok_end && LEX.words.has(crate::class!("range_link"), self.lw[j]) {
            let mut k = j + 1;
            if NUM.units.get(self.lw[k]).is_some_and(|u| u.1) {
                k += 1;
            }
            let e = if k < s.tok_end {
                self.number_end(s, k)
            } else {
                k
            };
            if e > k && self.digits(k) == self.digits(num) {
                second = Some(k);
                j = self.unit_end(s, e);
            }
        }
        Some(Span {
            start: i,
            num,
            end: j,
            second,
        })
    }

    /// The end of the digits or number words at `j` (with scale and approximate words).
    fn number_end(&self, s: &crate::Sentence, mut j: usize) -> usize {
        if j < s.tok_end && self.digits(j) {
            j += 1;
        }
        while j < s.tok_end && self.kind(j) == TokKind::Word && NUM.words.contains_key(self.lw[j]) {
            j += 1;
        }
        j
    }

    /// After a number: a suffix (M, T, %), then a unit of one or two words.
    fn unit_end(&self, s: &crate::Sentence, mut j: usize) -> usize {
        if j < s.tok_end && matches!(self.w(j), "M" | "T" | "%") {
            j += 1;
        }
        for len in [2usize, 1] {
            if j + len <= s.tok_end {
                let key = self.lw[j..j + len].join(" ");
                if NUM.units.get(key.as_str()).is_some_and(|u| u.2) {
                    return j + len;
                }
            }
        }
        // "90 persennya"
        if j < s.tok_end {
            if let Some(stem) = self.lw[j].strip_suffix("nya") {
                if NUM.units.get(stem).is_some_and(|u| u.2) {
                    return j + 1;
                }
            }
        }
        j
    }

    /// Is the number a figure at all? Not a date, year, clock time, duration, label ("Pasal
    /// 2", "pukul 10"), list number, age in brackets, address or part of a name ("Densus 88").
    fn not_a_figure(&self, s: &crate::Sentence, sp: &Span) -> bool {
        let (i, num, j) = (sp.start, sp.num, sp.end);
        let lw = &self.lw;
        let prev = if i > s.tok_start { lw[i - 1] } else { "" };
        let next = if j < s.tok_end { lw[j] } else { "" };
        let t = self.a.tokens[num];
        let number = t.kind == TokKind::Number;
        let is_year = number
            && j == num + 1
            && lw[num].len() == 4
            && (lw[num].starts_with("19") || lw[num].starts_with("20"));
        // a bare number: no unit, scale or decimals ("88", "2"), as labels and names have
        let grouped = lw[num].contains('.') || lw[num].contains(',');
        let bare =
            j == num + 1 && (number || is_digit_range(lw[num])) && !grouped && sp.start == num;
        // "2020-2022", "2023 hingga 2024": a span of years
        let year_like = |w: &str| w.len() == 4 && (w.starts_with("19") || w.starts_with("20"));
        let years = match lw[num].split_once('-') {
            Some((x, y)) => year_like(x) && year_like(y),
            None => year_like(lw[num]) && sp.second.is_some_and(|k| year_like(lw[k])),
        };
        let small = lw[num].parse::<u32>().is_ok_and(|v| v < 1000);
        if LEX.words.has(crate::class!("number_label"), prev)
            || (LEX.words.has(crate::class!("soft_label"), prev) && bare)
            || (prev == "(" && bare && small)
            || prev == "/"
            || next == "/"
            || (next == ":" && j + 1 < s.tok_end && self.kind(j + 1) == TokKind::Number)
            || (prev == ":" && i >= 2 && self.kind(i - 2) == TokKind::Number)
            || LEX.words.has(crate::class!("month"), next)
            || LEX.words.has(crate::class!("duration"), next)
            || LEX.words.has(crate::class!("coordinate"), next)
            || is_year
            || years
            || t.kind == TokKind::Date
            || (number && lw[num].contains('.') && next == "wib")
        {
            return true;
        }
        // "1. Jawa Timur 3,9 juta orang": the number of a list item
        let block = self.a.blocks[t.block];
        if i == s.tok_start
            && self.a.tokens[i].start == block.start
            && crate::blocks::list_item(&self.src[block.start..block.end])
        {
            return true;
        }
        // "Jalan Haeba 5", "Kav 4"
        if bare
            && (i.saturating_sub(3).max(s.tok_start)..i)
                .any(|k| LEX.words.has(crate::class!("address_word"), lw[k]))
        {
            return true;
        }
        // a number in a name: "Densus 88", "Hasil Perbaikan 2", "Liga 1" (but "Sukabumi 1" in
        // a count per place is a figure)
        let prev_cap = i > s.tok_start + 1
            && self.w(i - 1).starts_with(char::is_uppercase)
            && !LEX.places.contains(self.w(i - 1))
            && !LEX.words.has(crate::class!("month"), prev)
            && !LEX.words.has(crate::class!("day"), prev);
        let next_cap = j < s.tok_end && self.w(j).starts_with(char::is_uppercase);
        if bare
            && (prev_cap
                || (next_cap && i > s.tok_start && self.w(i - 1).starts_with(char::is_uppercase)))
        {
            return true;
        }
        // "Rapat Tiga Pilar": a number word written in capitals inside a name
        let word_cap = t.kind == TokKind::Word && self.w(num).starts_with(char::is_uppercase);
        word_cap && num > s.tok_start && (prev_cap || next_cap)
    }

    /// The amount of a span: its parse, with a vague word's range ("ratusan miliar": 100 to
    /// 999 milliards) and a share ("sepertiga").
    fn amount(&self, sp: &Span) -> Option<Amount> {
        let first = self.lw[sp.num];
        let scale: f64 = (sp.num + 1..sp.end)
            .filter_map(|k| match NUM.words.get(self.lw[k]) {
                Some(WordKind::Scale(m)) => Some(*m),
                _ => None,
            })
            .product();
        let unit_of_span =
            || (sp.start..sp.end).find_map(|k| NUM.units.get(self.lw[k]).map(|u| u.0));
        match NUM.words.get(first) {
            Some(WordKind::Approx(l, h)) if sp.second.is_none() => Some(Amount {
                value: None,
                low: Some(l * scale),
                high: Some(h * scale),
                unit: unit_of_span(),
                ordinal: false,
            }),
            Some(WordKind::Fraction(f)) => Some(Amount {
                value: Some(*f),
                low: None,
                high: None,
                unit: Some("share"),
                ordinal: false,
            }),
            Some(WordKind::Half) if sp.end == sp.num + 1 => Some(Amount {
                value: Some(0.5),
                low: None,
                high: None,
                unit: Some("share"),
                ordinal: false,
            }),
            _ => {
                let text = &self.src[self.a.tokens[sp.start].start..self.a.tokens[sp.end - 1].end];
                parse(text)
            }
        }
    }

    /// The qualifier before the figure ("lebih dari", "sekitar"; "di bawah angka 15"): the
    /// qualifier and the first token it takes.
    fn qualifier(&self, s: &crate::Sentence, i: usize) -> (&'static str, usize) {
        // a number named "angka"/"level" after its qualifier: "di bawah angka 15 persen"
        let at = if i > s.tok_start && LEX.words.has(crate::class!("soft_label"), self.lw[i - 1]) {
            i - 1
        } else {
            i
        };
        for (ws, q) in &FIG.qualifiers {
            let k = ws.len();
            for p in [i, at] {
                if p >= s.tok_start + k && self.lw[p - k..p].iter().zip(ws).all(|(a, b)| a == b) {
                    return (q, p - k);
                }
            }
        }
        ("exact", i)
    }

    /// What is counted: the words after the figure, up to a stop word or a category word
    /// ("orang tewas"), or a category word just before it ("menewaskan 20 orang").
    fn counted(&self, s: &crate::Sentence, sp: &Span, qual_start: usize) -> Counted {
        let lw = &self.lw;
        let mut k = sp.end;
        if k + 1 < s.tok_end && lw[k] == "di" && lw[k + 1] == "antaranya" {
            k += 2;
        }
        let what_start = k;
        let mut category: Option<&'static str> = None;
        while k < s.tok_end
            && !LEX.words.has(crate::class!("what_stop"), lw[k])
            && self.kind(k) != TokKind::Number
            && k - what_start < 8
        {
            if let Some(c) = FIG.categories.get(lw[k]) {
                category = Some(c);
                k += 1;
                if lw
                    .get(k)
                    .is_some_and(|x| LEX.words.has(crate::class!("category_tail"), x))
                {
                    k += 1;
                }
                break;
            }
            k += 1;
        }
        // before the figure and its qualifier: "menewaskan sedikitnya 27 orang", or in the
        // subject of its clause: "korban tewas banjir di Demak mencapai 15 orang"
        if category.is_none() && qual_start > s.tok_start {
            if let Some(c) = FIG.categories.get(lw[qual_start - 1]) {
                category = Some(c);
            }
        }
        let mut b = qual_start;
        while category.is_none() && b > s.tok_start && qual_start - b < 6 {
            b -= 1;
            if self.kind(b) == TokKind::Number || matches!(lw[b], "," | "." | ";" | ":") {
                break;
            }
            category = FIG.categories.get(lw[b]).copied();
        }
        let what = (k > what_start).then(|| {
            TextSpan::new(
                self.src,
                self.a.tokens[what_start].start,
                self.a.tokens[k - 1].end,
            )
        });
        Counted {
            what,
            category,
            end: k,
        }
    }
}

/// "1-10": a range of digits written as one token.
fn is_digit_range(w: &str) -> bool {
    match w.split_once('-') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Every category a figure can have: those of `lang/id/categories.tsv` and `money`,
/// `percent`, `count`, `other`, sorted.
pub fn categories() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = FIG.categories.values().copied().collect();
    v.extend(["money", "percent", "count", "other"]);
    v.sort_unstable();
    v.dedup();
    v
}

/// The category of a figure from its unit and what it counts.
fn category_of(unit: Option<&str>, counted: Option<&'static str>, has_what: bool) -> &'static str {
    match (unit, counted) {
        (Some("percent"), _) => "percent",
        (Some("share"), Some(c)) => c,
        (Some("share"), None) => "other",
        (Some(_), _) => "money",
        (None, Some(c)) => c,
        (None, None) if has_what => "count",
        (None, None) => "other",
    }
}

/// The unit of a count: people when what is counted begins with a word for people, or the
/// category is about people.
fn person_unit(what: Option<&TextSpan>, category: &str) -> Option<&'static str> {
    let first = what.and_then(|w| w.text.split_whitespace().next().map(str::to_lowercase));
    let people = first
        .as_deref()
        .is_some_and(|w| LEX.words.has(crate::class!("person_noun"), w));
    let about_people = matches!(
        category,
        "killed" | "injured" | "hostage" | "displaced" | "missing" | "detained" | "released"
    );
    (people || about_people).then_some("person")
}

pub fn find(src: &str, full: &Full, doc_date: Option<&str>) -> Vec<Figure> {
    let a = &full.analysis;
    let r = Reader {
        src,
        a,
        lw: (0..a.tokens.len()).map(|i| a.lower(i)).collect(),
    };
    let mut out: Vec<Figure> = Vec::new();
    let mut last_total: Option<(usize, usize)> = None; // (sentence, figure index)
    let today = doc_date.and_then(time::Today::parse);
    let doc_place = dateline_place(src, a).or_else(|| lead_place(src, a));
    let mut sources = Sources::new(full);
    let mut sent_places: Option<(usize, Vec<(usize, String)>)> = None;
    let mut times: Option<Times> = None;
    for s in &a.sentences {
        if !a.blocks[s.block].kind.is_content() {
            continue;
        }
        let mut i = s.tok_start;
        while i < s.tok_end {
            if !r.starts(s, i) {
                i += 1;
                continue;
            }
            let Some(sp) = r.span(s, i) else {
                i += 1;
                continue;
            };
            let next = sp.end.max(i + 1);
            if r.not_a_figure(s, &sp) {
                i = next;
                continue;
            }
            let Some(amount) = r.amount(&sp).filter(|x| !x.ordinal) else {
                i = next;
                continue;
            };
            let (mut qual, start_tok) = r.qualifier(s, i);
            let vague = matches!(NUM.words.get(r.lw[sp.num]), Some(WordKind::Approx(..)))
                || (sp.num + 1 < sp.end
                    && matches!(NUM.words.get(r.lw[sp.num + 1]), Some(WordKind::Approx(..))));
            if amount.low.is_some() && amount.high.is_some() {
                qual = "range";
            }
            if vague {
                qual = "about";
            }
            let c = r.counted(s, &sp, start_tok);
            let category = category_of(amount.unit, c.category, c.what.is_some());
            let unit = amount
                .unit
                .filter(|u| *u != "share")
                .or_else(|| person_unit(c.what.as_ref(), category));
            // a part of the total before it: "29 di antaranya"
            let part_of = if c.what.is_none() && c.end == sp.end + 2
                || c.end >= sp.end + 2 && r.lw[sp.end] == "di"
            {
                last_total
                    .filter(|(si, _)| *si == a.tokens[i].sent)
                    .map(|x| x.1)
            } else {
                None
            };
            if times.as_ref().map(|t| t.sentence) != Some(s.tok_start) {
                times = Some(Times::new(s.tok_start, s.tok_end));
            }
            let when = times.as_mut().and_then(|t| {
                t.after(src, a, &r.lw, c.end, today.as_ref())
                    .filter(|w| w.date.is_some())
                    .or_else(|| t.before(src, a, &r.lw, start_tok, today.as_ref()))
                    .or_else(|| t.after(src, a, &r.lw, c.end, today.as_ref()))
            });
            let source = sources.of(i, a.tokens[i].sent);
            if sent_places.as_ref().map(|x| x.0) != Some(s.tok_start) {
                sent_places = Some((s.tok_start, places_in(src, a, s.tok_start, s.tok_end)));
            }
            let place = place_outside(
                a,
                sent_places.as_ref().map(|x| x.1.as_slice()).unwrap_or(&[]),
                source.as_ref().map(|x| (x.start, x.end)),
            )
            .or_else(|| doc_place.clone());
            let (fs, fe) = (a.tokens[start_tok].start, a.tokens[sp.end - 1].end);
            out.push(Figure {
                text: src[fs..fe].to_string(),
                start: fs,
                end: fe,
                value: amount.value,
                low: amount.low,
                high: amount.high,
                qualifier: qual,
                unit,
                category,
                what: c.what,
                source,
                when,
                place,
                part_of,
            });
            if part_of.is_none() {
                last_total = Some((a.tokens[i].sent, out.len() - 1));
            }
            i = next;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    fn figs(t: &str) -> Vec<super::Figure> {
        crate::extract("t", t, crate::Meta::default()).figures
    }

    #[test]
    fn casualties_money_percent_and_non_figures() {
        let f = figs("Sedikitnya 12 orang tewas dan 30 lainnya luka-luka akibat longsor pada 3 Maret 2024, menurut BNPB.");
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            (f[0].value, f[0].qualifier, f[0].category),
            (Some(12.0), "at_least", "killed")
        );
        assert_eq!(f[0].source.as_ref().unwrap().name, "BNPB");
        assert_eq!(f[1].category, "injured");
        let f = figs("Pemerintah menyiapkan anggaran Rp 15 triliun, naik 0,28% dari tahun lalu.");
        assert_eq!(
            (f[0].value, f[0].unit, f[0].category),
            (Some(15e12), Some("IDR"), "money")
        );
        assert_eq!((f[1].value, f[1].category), (Some(0.28), "percent"));
        let f = figs(
            "Rapat digelar pukul 10.30 WIB selama 3 jam di lantai 2 sesuai Pasal 5 tahun 2023.",
        );
        assert!(f.is_empty(), "{f:?}");
        let f = figs("“Ada ratusan warga yang mengungsi,” kata Bupati Bogor Ahmad Yani.");
        assert_eq!(
            (f[0].low, f[0].high, f[0].category),
            (Some(100.0), Some(999.0), "displaced")
        );
        assert_eq!(f[0].source.as_ref().unwrap().name, "Ahmad Yani");
    }
}
