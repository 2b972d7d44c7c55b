//! Where sources disagree: two figures of different documents that count the same thing
//! (category and what is counted), in the same place, for the same time, from different
//! sources, whose claims cannot both be true once their qualifiers are read ("lebih dari 34.600" and "34.700"
//! agree; "34.600" and "35.000" do not). Ranked by how far apart they are.
//!
//! Figures stream in (category, place, date) order; each is compared with the figures of its
//! group within the time window before it (at most [`MAX_SCAN`]), and only the `limit` largest
//! gaps are kept: time and memory stay bounded on any corpus.

use crate::{
    Disagreement, DisagreementQuery, FigureRow, Result, SqliteStore, FIGURE_COLS, FIGURE_FROM,
};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

const MAX_SCAN: usize = 256;

/// Orders disagreements by their difference (for the bounded heap).
struct ByDifference(Disagreement);

impl PartialEq for ByDifference {
    fn eq(&self, o: &Self) -> bool {
        self.0.difference.total_cmp(&o.0.difference).is_eq()
    }
}
impl Eq for ByDifference {}
impl PartialOrd for ByDifference {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for ByDifference {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.difference.total_cmp(&o.0.difference)
    }
}

/// The values a figure's claim allows, after its qualifier: `lebih dari 34.600` is
/// (34600, ∞), `sekitar 100` is [90, 110], `20-30` is [20, 30].
pub(crate) fn interval(f: &FigureRow) -> Option<(f64, f64)> {
    let v = f.value;
    match f.qualifier.as_str() {
        "range" => Some((f.low?, f.high?)),
        "more_than" | "at_least" => Some((v?, f64::INFINITY)),
        "less_than" | "at_most" => Some((f64::NEG_INFINITY, v?)),
        "about" => Some((v? * 0.9, v? * 1.1)),
        _ => match (f.low, f.high) {
            (Some(lo), Some(hi)) if f.value.is_none() => Some((lo, hi)),
            _ => Some((v?, v?)),
        },
    }
}

/// How far apart two claims are: 0 when their intervals meet, else the gap relative to the
/// larger of the values nearest to each other.
pub(crate) fn gap(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lo, hi) = if a.1 < b.0 {
        (a.1, b.0)
    } else if b.1 < a.0 {
        (b.1, a.0)
    } else {
        return 0.0;
    };
    let m = lo.abs().max(hi.abs());
    if m == 0.0 {
        0.0
    } else {
        (hi - lo) / m
    }
}

/// What a figure counts, for comparing it with another: the first two words of `what` that
/// say something (not "orang", "kali", "yang": `lang/id/words.tsv`, `what_generic`),
/// lower-cased ("warga Palestina" → "palestina", "rumah rusak berat" → "rumah rusak").
fn head(f: &FigureRow) -> String {
    let lex = &kutip::lexicon::LEX;
    f.what
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .filter(|w| !lex.words.is("what_generic", w) && !lex.words.is("stopword", w))
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Do two figures count the same thing: for figures of people (killed, injured, ...) the
/// category says it unless both name something more that differs; other figures need the
/// same words.
fn same_thing(category: &str, a: &str, b: &str) -> bool {
    let people = !matches!(category, "money" | "percent" | "count");
    if people {
        a.is_empty() || b.is_empty() || a == b
    } else {
        !a.is_empty() && a == b
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn day(d: &str) -> Option<i64> {
    let y: i64 = d.get(..4)?.parse().ok()?;
    let m: i64 = d.get(5..7)?.parse().ok()?;
    let dd: i64 = d.get(8..10)?.parse().ok()?;
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + dd - 1;
    Some(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
}

/// Do two figures speak of the same time: two days within the window, or the same month or
/// year when that is what they name.
fn same_time(a: &FigureRow, b: &FigureRow, window: i64) -> bool {
    let (pa, pb) = (
        a.period.as_deref().unwrap_or("day"),
        b.period.as_deref().unwrap_or("day"),
    );
    match (pa, pb) {
        ("day", "day") => match (
            a.date.as_deref().and_then(day),
            b.date.as_deref().and_then(day),
        ) {
            (Some(x), Some(y)) => (x - y).abs() <= window,
            _ => false,
        },
        _ => pa == pb && a.date == b.date,
    }
}

pub(crate) fn find(store: &SqliteStore, q: &DisagreementQuery) -> Result<Vec<Disagreement>> {
    let mut sql = format!(
        "SELECT {FIGURE_COLS}, coalesce(CAST(f.source_speaker_id AS TEXT), lower(f.source))
         FROM {FIGURE_FROM}
         WHERE f.source IS NOT NULL AND f.date IS NOT NULL AND f.place IS NOT NULL
           AND f.part_of IS NULL AND (f.value IS NOT NULL OR f.low IS NOT NULL)"
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    match &q.category {
        Some(c) => {
            sql.push_str(" AND f.category = ?");
            args.push(c.clone().into());
        }
        // counts of unnamed things and other numbers are not comparable claims
        None => sql.push_str(" AND f.category NOT IN ('other')"),
    }
    sql.push_str(" ORDER BY f.category, lower(f.place), f.date, f.id");
    let limit = q.limit.max(1);
    let mut st = store.connection().prepare(&sql)?;
    let mut rows = st.query(rusqlite::params_from_iter(args))?;
    // (day, source, head, interval, figure) of the group's recent figures
    type Seen = (i64, String, String, (f64, f64), FigureRow);
    let mut window: VecDeque<Seen> = VecDeque::new();
    let mut best: BinaryHeap<Reverse<ByDifference>> = BinaryHeap::new();
    while let Some(r) = rows.next()? {
        let f = SqliteStore::figure_row(r)?;
        let src: String = r.get(21)?;
        let (Some(d), Some(iv)) = (f.date.as_deref().and_then(day), interval(&f)) else {
            continue;
        };
        let key = |x: &FigureRow| {
            (
                x.category.clone(),
                x.place.as_deref().unwrap_or("").to_lowercase(),
            )
        };
        if window.back().is_some_and(|w| key(&w.4) != key(&f)) {
            window.clear();
        }
        // figures of a month or a year stay comparable within their period
        let span = q.window_days.max(366);
        while window.front().is_some_and(|w| d - w.0 > span) {
            window.pop_front();
        }
        let h = head(&f);
        for (_, wsrc, wh, wiv, w) in window.iter().rev().take(MAX_SCAN) {
            // two figures of one article with different sources are, as a rule, parts of one
            // story (each bank's own total, each region's toll), not a dispute
            if *wsrc == src || w.doc_id == f.doc_id || !same_thing(&f.category, wh, &h) {
                continue;
            }
            if !same_time(w, &f, q.window_days) {
                continue;
            }
            let diff = gap(*wiv, iv);
            if diff <= q.threshold
                || (best.len() >= limit && best.peek().is_some_and(|m| diff <= m.0 .0.difference))
            {
                continue;
            }
            best.push(Reverse(ByDifference(Disagreement {
                category: f.category.clone(),
                place: f.place.clone().unwrap_or_default(),
                what: if !h.is_empty() {
                    h.clone()
                } else if !wh.is_empty() {
                    wh.clone()
                } else {
                    f.category.clone()
                },
                a: w.clone(),
                b: f.clone(),
                difference: diff,
            })));
            if best.len() > limit {
                best.pop();
            }
        }
        window.push_back((d, src, h, iv, f));
        if window.len() > MAX_SCAN {
            window.pop_front();
        }
    }
    let mut out: Vec<Disagreement> = best.into_iter().map(|r| r.0 .0).collect();
    out.sort_by(|x, y| y.difference.total_cmp(&x.difference));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(day("1970-01-01"), Some(0));
        assert_eq!(day("2024-03-01").unwrap() - day("2024-02-28").unwrap(), 2);
    }

    #[test]
    fn qualifiers_make_intervals_that_meet_or_not() {
        let more = (34_600.0, f64::INFINITY);
        assert_eq!(gap(more, (34_700.0, 34_700.0)), 0.0);
        assert!(gap((34_600.0, 34_600.0), (35_000.0, 35_000.0)) > 0.01);
        assert_eq!(gap((90.0, 110.0), (105.0, 105.0)), 0.0);
        let g = gap((10.0, 10.0), (20.0, 20.0));
        assert!((g - 0.5).abs() < 1e-9, "{g}");
    }
}
