//! When a figure holds: the time expression of its clause ("dalam 24 jam terakhir", "sejak 7
//! Oktober", "Senin (6/5/2024)").

use super::When;
use crate::doc::TokKind;
use crate::lexicon::LEX;

/// Time expressions of one sentence, each token looked at once: where one begins, or where
/// the next figure's clause begins (a number). Figures ask in text order, so the sentence is
/// read only as far as they need, however long it is.
pub(super) struct Times {
    pub sentence: usize,
    end: usize,
    /// the next token not looked at yet
    scanned: usize,
    /// (token, a number that ends the search, the time expression beginning there)
    events: Vec<(usize, bool, Option<When>)>,
}

impl Times {
    pub fn new(s0: usize, s1: usize) -> Times {
        Times {
            sentence: s0,
            end: s1,
            scanned: s0,
            events: Vec::new(),
        }
    }

    /// The time of a figure whose clause goes on from token `from`: the first expression from
    /// there, unless the next figure's number comes first.
    pub fn after(
        &mut self,
        src: &str,
        a: &crate::Analysis,
        lw: &[&str],
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
                    lw[k - 1],
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
    lw: &[&str],
    k: usize,
    to: usize,
    year: Option<&str>,
) -> Option<When> {
    let w = lw[k];
    let span = |s: usize, e: usize, date: Option<String>| When {
        text: src[a.tokens[s].start..a.tokens[e - 1].end].to_string(),
        start: a.tokens[s].start,
        end: a.tokens[e - 1].end,
        date,
    };
    if w == "dalam" && k + 3 <= to && LEX.words.has(crate::class!("duration"), lw[k + 2]) {
        let mut e = k + 3;
        if e < to && matches!(lw[e], "terakhir" | "ini" | "pertama") {
            e += 1;
        }
        return Some(span(k, e, None));
    }
    if w == "sejak" && k + 2 < to + 1 {
        let mut e = k + 1;
        while e < to && !matches!(lw[e], "," | "." | "dan") && e - k < 5 {
            e += 1;
        }
        return Some(span(k, e, None));
    }
    if LEX.words.has(crate::class!("day"), w)
        && k + 3 < to + 1
        && lw.get(k + 1).is_some_and(|x| *x == "(")
        && a.tokens.get(k + 2).is_some_and(|t| t.kind == TokKind::Date)
    {
        let d = &src[a.tokens[k + 2].start..a.tokens[k + 2].end];
        return Some(span(k, (k + 4).min(to), iso(d)));
    }
    if a.tokens[k].kind == TokKind::Number
        && k + 1 < to
        && LEX.words.has(crate::class!("month"), lw[k + 1])
    {
        let mut e = k + 2;
        let mut y = year.map(|s| s.to_string());
        if e < to && a.tokens[e].kind == TokKind::Number && lw[e].len() == 4 {
            y = Some(lw[e].to_string());
            e += 1;
        }
        let date = y.and_then(|y| {
            month_num(lw[k + 1])
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
