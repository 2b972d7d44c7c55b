//! When a figure holds: the time expression of its clause ("dalam 24 jam terakhir", "sejak 7
//! Oktober", "Senin (6/5/2024)", "pada 2022", "Oktober lalu", "tahun lalu"), with its date
//! when it names one: a day `YYYY-MM-DD`, a month `YYYY-MM` or a year `YYYY`, resolved against
//! the article's date for what is relative to it (`lang/id/times.tsv`).

use super::When;
use crate::doc::TokKind;
use crate::lexicon::{rows, LEX};
use std::sync::LazyLock;

/// The article's date: what "tahun lalu" and "kemarin" are relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Today {
    y: i32,
    /// month and day, when the article's date has them
    m: Option<u32>,
    d: Option<u32>,
}

impl Today {
    /// From `meta.date`: "2025-10-21", "2025-10-21T08:00:00+07:00", "2025-10", "2025".
    pub fn parse(s: &str) -> Option<Today> {
        let y: i32 = s.get(..4)?.parse().ok()?;
        let m = s
            .get(5..7)
            .and_then(|x| x.parse().ok())
            .filter(|m| (1..=12).contains(m));
        let d = m
            .and(s.get(8..10))
            .and_then(|x| x.parse().ok())
            .filter(|d| (1..=31).contains(d));
        Some(Today { y, m, d })
    }

    fn year(&self) -> String {
        format!("{:04}", self.y)
    }

    /// The period `n` units (year, month, day) from the article's date, as precise as the
    /// unit; none when the article's date is not that precise.
    fn shifted(&self, unit: &str, n: i64) -> Option<String> {
        match unit {
            "year" => Some(format!("{:04}", self.y as i64 + n)),
            "month" => {
                let total = self.y as i64 * 12 + self.m? as i64 - 1 + n;
                Some(format!(
                    "{:04}-{:02}",
                    total.div_euclid(12),
                    total.rem_euclid(12) + 1
                ))
            }
            "day" => {
                let days = days_from_civil(self.y as i64, self.m? as i64, self.d? as i64) + n;
                let (y, m, d) = civil_from_days(days);
                Some(format!("{y:04}-{m:02}-{d:02}"))
            }
            _ => None,
        }
    }
}

/// Days since 1970-01-01 (the proleptic Gregorian calendar).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day counted from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
}

/// Time expressions relative to the article's date (`lang/id/times.tsv`): words → (unit,
/// offset), longest first.
static RELATIVE: LazyLock<Vec<(Vec<&'static str>, &'static str, i64)>> = LazyLock::new(|| {
    let mut v: Vec<(Vec<&'static str>, &'static str, i64)> =
        rows(include_str!("../../lang/id/times.tsv"))
            .filter(|r| r.len() >= 3)
            .filter_map(|r| {
                Some((
                    r[0].split(' ').collect(),
                    r[1],
                    r[2].trim_start_matches('+').parse().ok()?,
                ))
            })
            .collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.0.len()));
    v
});

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
    /// how far [`Times::before`] has read, and the dated expression it saw last
    back_scanned: usize,
    back_found: Option<When>,
}

impl Times {
    pub fn new(s0: usize, s1: usize) -> Times {
        Times {
            sentence: s0,
            end: s1,
            scanned: s0,
            events: Vec::new(),
            back_scanned: s0,
            back_found: None,
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
        today: Option<&Today>,
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
            let when = when_at(src, a, lw, k, self.end, today);
            if stop || when.is_some() {
                self.events.push((k, stop, when));
                if let Some(d) = self.events.last().and_then(decide) {
                    return d;
                }
            }
        }
        None
    }

    /// A dated time expression in the clause before a figure that begins at token `at` ("Pada
    /// 2022, inflasi mencapai 5,5 persen"): the last one before it, with no other number
    /// between. Figures ask in text order: the sentence is read once.
    pub fn before(
        &mut self,
        src: &str,
        a: &crate::Analysis,
        lw: &[&str],
        at: usize,
        today: Option<&Today>,
    ) -> Option<When> {
        let mut k = self.back_scanned.max(self.sentence);
        while k < at {
            match when_at(src, a, lw, k, at, today) {
                Some(w) if w.date.is_some() => {
                    let e = a.tokens.partition_point(|t| t.end <= w.end);
                    self.back_found = Some(w);
                    k = e.max(k + 1);
                    continue;
                }
                _ => {}
            }
            if a.tokens[k].kind == TokKind::Number {
                self.back_found = None;
            }
            k += 1;
        }
        self.back_scanned = self.back_scanned.max(k);
        self.back_found.clone()
    }
}

/// Is token `k` a year ("2022")?
fn is_year(a: &crate::Analysis, lw: &[&str], k: usize) -> bool {
    a.tokens[k].kind == TokKind::Number
        && lw[k].len() == 4
        && lw[k]
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y))
}

/// A time expression beginning at token `k` of a sentence ending at `to`: "dalam 24 jam
/// terakhir", "sejak 7 Oktober", "Senin (6/5/2024)", "7 Oktober (2023)", "pada 2022",
/// "Oktober 2025", "bulan lalu", "tiga tahun lalu".
fn when_at(
    src: &str,
    a: &crate::Analysis,
    lw: &[&str],
    k: usize,
    to: usize,
    today: Option<&Today>,
) -> Option<When> {
    let year = today.map(Today::year);
    let year = year.as_deref();
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
    // "pada 2022", "tahun 2022", "sepanjang 2023", "(2022)"
    if LEX.words.has(crate::class!("year_marker"), w) && k + 1 < to && is_year(a, lw, k + 1) {
        let e = if w == "(" && lw.get(k + 2) == Some(&")") {
            k + 3
        } else {
            k + 2
        };
        return Some(span(k, e.min(to), Some(lw[k + 1].to_string())));
    }
    // "Oktober 2025", "pada Oktober", "bulan Oktober lalu"
    if LEX.words.has(crate::class!("month"), w) && month_num(w).is_some() {
        let m = month_num(w)?;
        let marked = k > 0
            && matches!(
                lw[k - 1],
                "pada"
                    | "bulan"
                    | "sejak"
                    | "hingga"
                    | "akhir"
                    | "awal"
                    | "pertengahan"
                    | "selama"
                    | "sepanjang"
            );
        if k + 1 < to && is_year(a, lw, k + 1) {
            return Some(span(k, k + 2, Some(format!("{}-{m:02}", lw[k + 1]))));
        }
        let last = lw.get(k + 1) == Some(&"lalu") && k + 1 < to;
        if marked || last {
            // a month named without its year is the latest one by the article's date
            let date = today.map(|t| {
                let y = if t.m.is_some_and(|am| m > am) {
                    t.y - 1
                } else {
                    t.y
                };
                format!("{y:04}-{m:02}")
            });
            return Some(span(k, if last { k + 2 } else { k + 1 }, date));
        }
    }
    // "tiga tahun lalu", "2 bulan lalu"
    if k + 2 < to && lw[k + 2] == "lalu" {
        let unit = match lw[k + 1] {
            "tahun" => Some(("year", 1)),
            "bulan" => Some(("month", 1)),
            "hari" => Some(("day", 1)),
            "pekan" | "minggu" => Some(("day", 7)),
            _ => None,
        };
        let n = crate::numbers::parse(lw[k])
            .and_then(|v| v.value)
            .filter(|v| *v >= 1.0 && v.fract() == 0.0 && *v <= 100.0);
        if let (Some((u, mult)), Some(n)) = (unit, n) {
            let date = today.and_then(|t| t.shifted(u, -(n as i64) * mult));
            return Some(span(k, k + 3, date));
        }
    }
    // "tahun lalu", "pekan lalu", "kemarin" (lang/id/times.tsv)
    for (ws, unit, n) in RELATIVE.iter() {
        if k + ws.len() <= to && ws.iter().zip(&lw[k..]).all(|(x, y)| x == y) {
            let date = today.and_then(|t| t.shifted(unit, *n));
            return Some(span(k, k + ws.len(), date));
        }
    }
    None
}

/// Month names and short forms by number (`lang/id/months.tsv`).
static MONTHS: LazyLock<std::collections::HashMap<&'static str, u32>> = LazyLock::new(|| {
    rows(include_str!("../../lang/id/months.tsv"))
        .filter(|r| r.len() >= 2)
        .filter_map(|r| Some((r[0].parse::<u32>().ok()?, r[1])))
        .flat_map(|(n, forms)| forms.split(' ').map(move |f| (f, n)))
        .collect()
});

/// The number of a month named `m` (lower case): "oktober", "okt" → 10.
pub fn month_num(m: &str) -> Option<u32> {
    MONTHS.get(m).copied()
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
