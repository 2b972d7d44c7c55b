//! Stage 5: quantitative claims. A figure is a number in a content block that is not a date,
//! year, clock time, duration, ordinal or label ("Pasal 2"), with its qualifier
//! (lang/id/qualifiers.tsv), what it counts and its category (lang/id/categories.tsv), its source
//! ("menurut X", "X mencatat", or the speaker of the statement it sits in) and its time.

use crate::doc::{TextSpan, TokKind};
use crate::ledger::Full;
use crate::lexicon::LEX;
use crate::numbers::{parse, WordKind, NUM};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::sync::LazyLock;

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
    /// Where the figure applies: a place named in its sentence, else the dateline's place.
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
        rows(include_str!("../lang/id/qualifiers.tsv"))
            .into_iter()
            .map(|r| (r[0].split(' ').collect(), r[1]))
            .collect();
    qualifiers.sort_by_key(|q| std::cmp::Reverse(q.0.len()));
    let categories = rows(include_str!("../lang/id/categories.tsv"))
        .into_iter()
        .map(|r| (r[0], r[1]))
        .collect();
    FigLex {
        qualifiers,
        categories,
    }
});

fn is_numword(w: &str) -> bool {
    NUM.words.contains_key(w)
}

pub fn find(src: &str, full: &Full, doc_date: Option<&str>) -> Vec<Figure> {
    let a = &full.analysis;
    let lw: Vec<String> = a
        .tokens
        .iter()
        .map(|t| src[t.start..t.end].to_lowercase())
        .collect();
    let mut out: Vec<Figure> = Vec::new();
    let mut last_sentence_fig: Option<(usize, usize)> = None; // (sentence, figure index)
    let year = doc_date.and_then(|d| d.get(..4)).map(|s| s.to_string());
    let doc_place = dateline_place(src, a);
    let mut sources = Sources::new(full);
    let mut sent_places: Option<(usize, Vec<(usize, String)>)> = None;
    let mut times: Option<Times> = None;
    for s in &a.sentences {
        if !a.blocks[s.block].kind.is_content() {
            continue;
        }
        let mut i = s.tok_start;
        while i < s.tok_end {
            let t = a.tokens[i];
            let w = lw[i].as_str();
            let starts = t.kind == TokKind::Number
                || (t.kind == TokKind::Word
                    && is_numword(w)
                    && !matches!(
                        w,
                        "satu"
                            | "nol"
                            | "kosong"
                            | "setengah"
                            | "belas"
                            | "puluh"
                            | "ratus"
                            | "ribu"
                            | "juta"
                            | "miliar"
                            | "triliun"
                            | "rb"
                            | "jt"
                            | "milyar"
                    ))
                || (t.kind == TokKind::Word
                    && NUM.units.get(w).is_some_and(|u| u.1)
                    && i + 1 < s.tok_end
                    && a.tokens[i + 1].kind == TokKind::Number);
            // "satu juta": satu counts only with a scale word
            let satu_scale = w == "satu"
                && i + 1 < s.tok_end
                && matches!(NUM.words.get(lw[i + 1].as_str()), Some(WordKind::Scale(_)));
            if !(starts || satu_scale) {
                i += 1;
                continue;
            }
            // extend: currency prefix, number, scale words, unit
            let mut j = i;
            if t.kind == TokKind::Word && NUM.units.contains_key(w) {
                j += 1;
            }
            let num_start = j;
            if j < s.tok_end && a.tokens[j].kind == TokKind::Number {
                j += 1;
            }
            while j < s.tok_end && a.tokens[j].kind == TokKind::Word && is_numword(&lw[j]) {
                j += 1;
            }
            if j == num_start {
                i += 1;
                continue;
            }
            // suffixes M/T in money, percent, currency after
            if j < s.tok_end && matches!(&src[a.tokens[j].start..a.tokens[j].end], "M" | "T" | "%")
            {
                j += 1;
            }
            for len in [2usize, 1] {
                if j + len <= s.tok_end {
                    let key = lw[j..j + len].join(" ");
                    if NUM.units.get(key.as_str()).is_some_and(|u| u.2) {
                        j += len;
                        break;
                    }
                }
            }
            let prev = if i > s.tok_start {
                lw[i - 1].as_str()
            } else {
                ""
            };
            let next = if j < s.tok_end { lw[j].as_str() } else { "" };
            // not figures: dates, years, times, durations, labels, ages, ordinals
            let is_year = a.tokens[num_start].kind == TokKind::Number
                && j == num_start + 1
                && lw[num_start].len() == 4
                && (lw[num_start].starts_with("19") || lw[num_start].starts_with("20"));
            let excluded = LEX.words.is("number_label", prev)
                || prev == "("
                || LEX.words.is("month", next)
                || LEX.words.is("duration", next)
                || (next == "/")
                || is_year
                || t.kind == TokKind::Date
                || (a.tokens[num_start].kind == TokKind::Number
                    && lw[num_start].contains('.')
                    && next == "wib");
            if excluded {
                i = j;
                continue;
            }
            let text_span = (a.tokens[i].start, a.tokens[j - 1].end);
            let approx = match NUM.words.get(lw[num_start].as_str()) {
                Some(WordKind::Approx(l, h)) => Some(crate::numbers::Amount {
                    value: None,
                    low: Some(*l),
                    high: Some(*h),
                    unit: None,
                    ordinal: false,
                }),
                _ => None,
            };
            let Some(amount) = approx.or_else(|| parse(&src[text_span.0..text_span.1])) else {
                i = j;
                continue;
            };
            if amount.ordinal {
                i = j;
                continue;
            }
            // qualifier before
            let mut qual = "exact";
            let mut start_tok = i;
            for (ws, q) in &FIG.qualifiers {
                let k = ws.len();
                if i >= s.tok_start + k && lw[i - k..i].iter().zip(ws).all(|(a, b)| a == b) {
                    qual = q;
                    start_tok = i - k;
                    break;
                }
            }
            let (mut value, mut low, mut high) = (amount.value, amount.low, amount.high);
            if low.is_some() && high.is_some() {
                qual = "range";
            }
            // approximate words: puluhan, ribuan
            if let Some(WordKind::Approx(l, h)) = NUM.words.get(lw[num_start].as_str()) {
                value = None;
                low = Some(*l);
                high = Some(*h);
                qual = "about";
            }
            let unit = amount.unit;
            // what is counted: the words after, up to a stop word
            let mut k = j;
            if k + 1 < s.tok_end && lw[k] == "di" && lw[k + 1] == "antaranya" {
                k += 2;
            }
            let what_start = k;
            let mut category: Option<&'static str> = None;
            while k < s.tok_end
                && !LEX.words.is("what_stop", &lw[k])
                && a.tokens[k].kind != TokKind::Number
                && k - what_start < 8
            {
                if let Some(c) = FIG.categories.get(lw[k].as_str()) {
                    category = Some(c);
                    k += 1;
                    if lw.get(k).is_some_and(|x| x == "dunia" || x == "luka") {
                        k += 1;
                    }
                    break;
                }
                k += 1;
            }
            // "korban jiwa", "tewas" before the number ("menewaskan 20 orang")
            if category.is_none() && i > s.tok_start {
                if let Some(c) = FIG.categories.get(prev) {
                    category = Some(c);
                }
            }
            let what = (k > what_start)
                .then(|| TextSpan::new(src, a.tokens[what_start].start, a.tokens[k - 1].end));
            let category = match (unit, category) {
                (Some("percent"), _) => "percent",
                (Some(_), _) => "money",
                (None, Some("count")) => "count",
                (None, Some(c)) => c,
                (None, None) => {
                    if what.is_some() {
                        "count"
                    } else {
                        "other"
                    }
                }
            };
            let unit = unit.or_else(|| {
                let first = what.as_ref().map(|w| w.text.to_lowercase());
                match first.as_deref().and_then(|w| w.split_whitespace().next()) {
                    Some(
                        "orang" | "warga" | "jiwa" | "korban" | "anak" | "pasien" | "penduduk"
                        | "pekerja" | "tentara" | "personel" | "sandera" | "tahanan" | "pengungsi"
                        | "tewas" | "peserta" | "siswa",
                    ) => Some("person"),
                    _ if matches!(
                        category,
                        "killed"
                            | "injured"
                            | "hostage"
                            | "displaced"
                            | "missing"
                            | "detained"
                            | "released"
                    ) =>
                    {
                        Some("person")
                    }
                    _ => None,
                }
            });
            // sub-count: "29 di antaranya"
            let part_of = if what_start == j + 2 {
                last_sentence_fig
                    .filter(|(si, _)| *si == a.tokens[i].sent)
                    .map(|x| x.1)
            } else {
                None
            };
            // time within the clause: "dalam 24 jam terakhir", "sejak 7 Oktober", "Senin (6/5/2024)"
            if times.as_ref().map(|t| t.sentence) != Some(s.tok_start) {
                times = Some(Times::new(s.tok_start, s.tok_end));
            }
            let when = times
                .as_mut()
                .and_then(|t| t.after(src, a, &lw, k, year.as_deref()));
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
            let (fs, fe) = (a.tokens[start_tok].start, text_span.1);
            out.push(Figure {
                text: src[fs..fe].to_string(),
                start: fs,
                end: fe,
                value,
                low,
                high,
                qualifier: qual,
                unit,
                category,
                what,
                source,
                when,
                place,
                part_of,
            });
            if part_of.is_none() {
                last_sentence_fig = Some((a.tokens[i].sent, out.len() - 1));
            }
            i = j.max(i + 1);
        }
    }
    out
}

/// Time expressions of one sentence, each token looked at once: where one begins, or where
/// the next figure's clause begins (a number). Figures ask in text order, so the sentence is
/// read only as far as they need, however long it is.
struct Times {
    sentence: usize,
    end: usize,
    /// the next token not looked at yet
    scanned: usize,
    /// (token, a number that ends the search, the time expression beginning there)
    events: Vec<(usize, bool, Option<When>)>,
}

impl Times {
    fn new(s0: usize, s1: usize) -> Times {
        Times {
            sentence: s0,
            end: s1,
            scanned: s0,
            events: Vec::new(),
        }
    }

    /// The time of a figure whose clause goes on from token `from`: the first expression from
    /// there, unless the next figure's number comes first.
    fn after(
        &mut self,
        src: &str,
        a: &crate::Analysis,
        lw: &[String],
        from: usize,
        year: Option<&str>,
    ) -> Option<When> {
        let decide = |(k, stop, when): &(usize, bool, Option<When>)| -> Option<Option<When>> {
            if *stop && *k > from {
                Some(None)
            } else {
                when.clone().map(Some)
            }
        };
        let p = self.events.partition_point(|e| e.0 < from);
        if let Some(d) = self.events[p..].iter().find_map(decide) {
            return d;
        }
        let s0 = self.sentence;
        self.scanned = self.scanned.max(from);
        while self.scanned < self.end {
            let k = self.scanned;
            self.scanned += 1;
            let stop = a.tokens[k].kind == TokKind::Number
                && k > s0
                && !matches!(
                    lw[k - 1].as_str(),
                    "dalam" | "sejak" | "pada" | "hingga" | "selama" | "("
                );
            let when = when_at(src, a, lw, k, self.end, year);
            if stop || when.is_some() {
                self.events.push((k, stop, when));
                if let Some(d) = self.events.last().and_then(decide) {
                    return d;
                }
            }
        }
        None
    }
}

/// A time expression beginning at token `k` of a sentence ending at `to`: "dalam 24 jam
/// terakhir", "sejak 7 Oktober", "Senin (6/5/2024)", "7 Oktober (2023)".
fn when_at(
    src: &str,
    a: &crate::Analysis,
    lw: &[String],
    k: usize,
    to: usize,
    year: Option<&str>,
) -> Option<When> {
    let w = lw[k].as_str();
    let span = |s: usize, e: usize, date: Option<String>| When {
        text: src[a.tokens[s].start..a.tokens[e - 1].end].to_string(),
        start: a.tokens[s].start,
        end: a.tokens[e - 1].end,
        date,
    };
    if w == "dalam" && k + 3 <= to && LEX.words.is("duration", &lw[k + 2]) {
        let mut e = k + 3;
        if e < to && matches!(lw[e].as_str(), "terakhir" | "ini" | "pertama") {
            e += 1;
        }
        return Some(span(k, e, None));
    }
    if w == "sejak" && k + 2 < to + 1 {
        let mut e = k + 1;
        while e < to && !matches!(lw[e].as_str(), "," | "." | "dan") && e - k < 5 {
            e += 1;
        }
        return Some(span(k, e, None));
    }
    if LEX.words.is("day", w)
        && k + 3 < to + 1
        && lw.get(k + 1).is_some_and(|x| x == "(")
        && a.tokens.get(k + 2).is_some_and(|t| t.kind == TokKind::Date)
    {
        let d = &src[a.tokens[k + 2].start..a.tokens[k + 2].end];
        return Some(span(k, (k + 4).min(to), iso(d)));
    }
    if a.tokens[k].kind == TokKind::Number && k + 1 < to && LEX.words.is("month", &lw[k + 1]) {
        let mut e = k + 2;
        let mut y = year.map(|s| s.to_string());
        if e < to && a.tokens[e].kind == TokKind::Number && lw[e].len() == 4 {
            y = Some(lw[e].clone());
            e += 1;
        }
        let date = y.and_then(|y| {
            month_num(&lw[k + 1])
                .map(|m| format!("{y}-{m:02}-{:02}", lw[k].parse::<u32>().unwrap_or(0)))
        });
        return Some(span(k, e, date));
    }
    None
}

fn month_num(m: &str) -> Option<u32> {
    let months = [
        "januari",
        "februari",
        "maret",
        "april",
        "mei",
        "juni",
        "juli",
        "agustus",
        "september",
        "oktober",
        "november",
        "desember",
    ];
    months.iter().position(|x| *x == m).map(|p| p as u32 + 1)
}

fn iso(d: &str) -> Option<String> {
    let p: Vec<&str> = d.split('/').collect();
    if p.len() != 3 {
        return None;
    }
    let (dd, mm, yy): (u32, u32, u32) =
        (p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?);
    let yy = if yy < 100 { 2000 + yy } else { yy };
    Some(format!("{yy:04}-{mm:02}-{dd:02}"))
}

/// Who a figure is attributed to, in this order: the speaker of the statement it sits in; the
/// source a figure-source pattern names in its sentence (`Full::sources`); the source of the
/// sentence before in the same paragraph, which a sentence of figures with no attribution of
/// its own continues ("Dari jumlah tersebut, 14 ..."). Figures are asked for in text order, so
/// the statements are swept along with them and the cost stays linear.
struct Sources<'a> {
    full: &'a Full,
    /// next statement not yet active, and the active ones (index order)
    next_quote: usize,
    active: Vec<usize>,
    /// the sentence being read
    cur: Option<Current>,
    /// the source the sentence before left: (its block, the source)
    before: Option<(usize, Source)>,
}

/// What a sentence says about its figures' source.
struct Current {
    sent: usize,
    block: usize,
    /// named by a figure-source pattern
    own: Option<Source>,
    /// the speaker of a statement in the sentence
    spoken: Option<Source>,
    /// a figure of it took the source carried from the sentence before
    carried: Option<Source>,
}

impl<'a> Sources<'a> {
    fn new(full: &'a Full) -> Sources<'a> {
        Sources {
            full,
            next_quote: 0,
            active: Vec::new(),
            cur: None,
            before: None,
        }
    }

    /// Read sentences up to `si` (in order): each leaves its source, or none, to the next.
    fn enter(&mut self, si: usize) {
        let from = match &self.cur {
            Some(c) if c.sent == si => return,
            Some(c) => c.sent + 1,
            None => 0,
        };
        for k in from..=si {
            if let Some(c) = self.cur.take() {
                let left = c.own.or(c.spoken).or(c.carried);
                self.before = left.map(|l| (c.block, l));
            }
            self.cur = Some(self.read(k));
        }
    }

    fn read(&self, k: usize) -> Current {
        let a = &self.full.analysis;
        let s = a.sentences[k];
        let own = self.full.sources.get(k).cloned().flatten().map(|x| Source {
            name: x.name,
            entity: x.entity,
            start: x.start,
            end: x.end,
            via: x.pattern,
            relay: None,
        });
        let (s0, s1) = (a.tokens[s.tok_start].start, a.tokens[s.tok_end - 1].end);
        // statements are sorted by start: the last one that begins before the sentence ends
        let qs = &self.full.quotes;
        let upto = qs.partition_point(|q| q.start < s1);
        let spoken = qs[..upto]
            .iter()
            .rev()
            .take(8)
            .find(|q| q.end > s0 && q.speaker.is_some())
            .and_then(statement_source);
        Current {
            sent: k,
            block: s.block,
            own,
            spoken,
            carried: None,
        }
    }

    /// The source of the figure starting at token `i` of sentence `si`.
    fn of(&mut self, i: usize, si: usize) -> Option<Source> {
        self.enter(si);
        if let Some(q) = self.statement(self.full.analysis.tokens[i].start) {
            return Some(q);
        }
        let before = self.before.clone();
        let c = self.cur.as_mut()?;
        if let Some(o) = &c.own {
            return Some(o.clone());
        }
        if c.spoken.is_some() {
            return None;
        }
        let (block, carried) = before?;
        if block != c.block {
            return None;
        }
        let src = Source {
            via: "carried",
            ..carried
        };
        c.carried = Some(src.clone());
        Some(src)
    }

    /// Inside a statement: its speaker (the first statement in order that holds `pos`).
    fn statement(&mut self, pos: usize) -> Option<Source> {
        let qs = &self.full.quotes;
        while self.next_quote < qs.len() && qs[self.next_quote].start <= pos {
            self.active.push(self.next_quote);
            self.next_quote += 1;
        }
        self.active.retain(|&q| qs[q].end > pos);
        self.active.iter().find_map(|&q| statement_source(&qs[q]))
    }
}

fn statement_source(q: &crate::statements::Quote) -> Option<Source> {
    let sp = q.speaker.as_ref()?;
    Some(Source {
        name: sp.name.clone(),
        entity: sp.entity,
        start: sp.mention.start,
        end: sp.mention.end,
        via: "statement",
        relay: q.relay.clone(),
    })
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
