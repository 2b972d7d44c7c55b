//! `kutip eval extraction`: main text and metadata of web pages against what they should give.
//!
//! The truth file has one JSON object per line naming a page (`file`, relative to the truth
//! file's folder) and what it should give: `articleBody` or `expected_content` (the text),
//! and optionally `expected_title`, `expected_date_ms` (the publication time, ms since the
//! epoch) and `url`. Text is scored twice: with the article-extraction benchmark's metric
//! (word 4-gram shingles, precision and recall averaged over pages, F1 of the averages: the
//! figures compare with its published ones) and as word-bag F1 per page (mean over pages).
//! A title is right when it equals the expected one up to spaces; a date when its day is the
//! expected day in Western Indonesia Time (UTC+7), where the news in question is published.

use anyhow::{Context, Result};
use kutip::figures::{civil_from_days, days_from_civil};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

#[derive(serde::Deserialize)]
struct Truth {
    #[serde(default)]
    id: Option<String>,
    file: String,
    #[serde(default, rename = "articleBody", alias = "expected_content")]
    body: Option<String>,
    #[serde(default)]
    expected_title: Option<String>,
    #[serde(default)]
    expected_date_ms: Option<i64>,
    #[serde(default)]
    url: Option<String>,
}

/// The words of a text as the benchmark counts them (`\w+`).
fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect()
}

fn counts<T: std::hash::Hash + Eq>(items: impl Iterator<Item = T>) -> HashMap<T, usize> {
    let mut m = HashMap::new();
    for x in items {
        *m.entry(x).or_insert(0) += 1;
    }
    m
}

/// (true positives, predicted, expected) of two multisets.
fn overlap<T: std::hash::Hash + Eq>(
    pred: &HashMap<T, usize>,
    gold: &HashMap<T, usize>,
) -> [usize; 3] {
    let tp = pred
        .iter()
        .map(|(k, n)| (*n).min(gold.get(k).copied().unwrap_or(0)))
        .sum();
    [tp, pred.values().sum(), gold.values().sum()]
}

/// Word 4-gram shingles (a text shorter than 4 words is one shingle).
fn shingles<'a>(w: &[&'a str]) -> HashMap<Vec<&'a str>, usize> {
    if w.is_empty() {
        return HashMap::new();
    }
    counts(w.windows(4.min(w.len())).map(<[&str]>::to_vec))
}

/// The day in UTC+7 of a time in ms since the epoch, as `YYYY-MM-DD`.
fn wib_day(ms: i64) -> String {
    let (y, m, d) = civil_from_days((ms + 7 * 3_600_000).div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day a page's date names in UTC+7: the date itself, or with a time and an offset,
/// that moment's day in UTC+7.
fn page_day(date: &str) -> String {
    let day = date.get(..10).unwrap_or(date).to_string();
    let Some(rest) = date.get(10..).filter(|r| r.starts_with('T')) else {
        return day;
    };
    let time: Vec<i64> = rest[1..]
        .split(|c: char| !c.is_ascii_digit())
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    let offset_min = if rest.ends_with('Z') {
        Some(0)
    } else {
        rest.rfind(['+', '-']).and_then(|p| {
            let sign = if rest.as_bytes()[p] == b'-' { -1 } else { 1 };
            let hm: Vec<i64> = rest[p + 1..]
                .split(':')
                .filter_map(|x| x.parse().ok())
                .collect();
            match hm.as_slice() {
                [h, m] => Some(sign * (h * 60 + m)),
                [hhmm] if rest.len() - p == 5 => Some(sign * (hhmm / 100 * 60 + hhmm % 100)),
                _ => None,
            }
        })
    };
    let (Some(off), [h, mi]) = (offset_min, time.as_slice()) else {
        return day;
    };
    let parts: Vec<i64> = day.split('-').filter_map(|x| x.parse().ok()).collect();
    let [y, mo, d] = parts[..] else {
        return day;
    };
    // minutes since the epoch of the moment, then its day in UTC+7
    let days = days_from_civil(y, mo, d);
    let minutes = days * 1440 + h * 60 + mi - off;
    wib_day(minutes * 60_000)
}

#[derive(Default)]
struct Totals {
    pages: usize,
    shingle_p: Vec<f64>,
    shingle_r: Vec<f64>,
    word_f1: f64,
    titles: (usize, usize),
    dates: (usize, usize),
    bytes: usize,
    seconds: f64,
    /// statements from the plain text, those found alike from the page, those from the page
    statements: [usize; 3],
}

/// The statements of a ledger as (text, speaker), spaces squashed.
fn statements(l: &kutip::Ledger) -> HashMap<(String, String), usize> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    counts(l.quotes.iter().map(|q| {
        let who = q.speaker.as_ref().map_or(String::new(), |s| s.name.clone());
        (squash(&q.text), who)
    }))
}

/// The statements found on the page and in its expected text read as plain text: [from the
/// plain text, found alike (text and speaker) from the page, from the page].
fn same_statements(page: kutip_html::Page, id: &str, expected: &str) -> [usize; 3] {
    let opts = kutip::ledger::Options::default();
    let plain = kutip::ledger::run(id, expected, kutip::Meta::default(), &opts)
        .map(|l| statements(&l))
        .unwrap_or_default();
    let from_page = match crate::input::page_doc(page, id.into(), id.into(), None) {
        crate::input::Item::Doc(d) => d.run(&opts).map(|l| statements(&l)).unwrap_or_default(),
        _ => HashMap::new(),
    };
    let [alike, from_plain, _] = overlap(&plain, &from_page);
    [from_plain, alike, from_page.values().sum()]
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Score every page of the truth file; prints the figures, `--verbose` one line per page.
pub fn run(truth: &Path, verbose: bool, json: bool) -> Result<bool> {
    let src = std::fs::read_to_string(truth)
        .with_context(|| format!("cannot read {}", truth.display()))?;
    let dir = truth.parent().unwrap_or(Path::new("."));
    let mut t = Totals::default();
    let mut ok = true;
    for (n, line) in src.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Truth = serde_json::from_str(line)
            .with_context(|| format!("{}: line {}", truth.display(), n + 1))?;
        let path = dir.join(&row.file);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("kutip: error: {}: {e}", path.display());
                ok = false;
                continue;
            }
        };
        let clock = Instant::now();
        let page = kutip_html::read(&bytes, row.url.as_deref(), None);
        t.seconds += clock.elapsed().as_secs_f64();
        t.bytes += bytes.len();
        t.pages += 1;
        let gold = row.body.as_deref().unwrap_or("");
        let (pw, gw) = (words(&page.text), words(gold));
        let [tp, fp_tp, fn_tp] = overlap(&shingles(&pw), &shingles(&gw));
        let (fp, fneg) = (fp_tp - tp, fn_tp - tp);
        if tp + fp > 0 {
            t.shingle_p.push(if fp == 0 && fneg == 0 {
                1.0
            } else {
                ratio(tp, tp + fp)
            });
        }
        if tp + fneg > 0 {
            t.shingle_r.push(if fp == 0 && fneg == 0 {
                1.0
            } else {
                ratio(tp, tp + fneg)
            });
        }
        let [wtp, wp, wg] = overlap(&counts(lower(&pw)), &counts(lower(&gw)));
        let (p, r) = (ratio(wtp, wp), ratio(wtp, wg));
        let wf = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        t.word_f1 += wf;
        let mut line = format!(
            "{:<48} word-F1 {wf:.3} (P {p:.3} R {r:.3})",
            row.id.as_deref().unwrap_or(&row.file)
        );
        if let Some(exp) = &row.expected_title {
            let got = page.meta.title.as_deref().unwrap_or("");
            let right = words_eq(got, exp);
            t.titles.1 += 1;
            t.titles.0 += usize::from(right);
            if !right {
                line.push_str(&format!("\n    title {got:?}, expected {exp:?}"));
            }
        }
        if let Some(ms) = row.expected_date_ms {
            let exp = wib_day(ms);
            let got = page.meta.date.as_deref().map(page_day);
            let right = got.as_deref() == Some(exp.as_str());
            t.dates.1 += 1;
            t.dates.0 += usize::from(right);
            if !right {
                line.push_str(&format!("\n    date {got:?}, expected {exp}"));
            }
        }
        if row.body.is_some() {
            let id = row.id.as_deref().unwrap_or(&row.file);
            let st = same_statements(page, id, gold);
            for (sum, n) in t.statements.iter_mut().zip(st) {
                *sum += n;
            }
            if st[0] != st[1] || st[2] != st[1] {
                line.push_str(&format!(
                    "\n    statements: {} from the plain text, {} alike from the page, {} from the page",
                    st[0], st[1], st[2]
                ));
            }
        }
        if verbose {
            println!("{line}");
        }
    }
    print_totals(&t, json);
    Ok(ok)
}

fn lower<'a>(w: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    w.iter().map(|x| x.to_lowercase())
}

fn words_eq(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn print_totals(t: &Totals, json: bool) {
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (p, r) = (mean(&t.shingle_p), mean(&t.shingle_r));
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    let word_f1 = if t.pages == 0 {
        0.0
    } else {
        t.word_f1 / t.pages as f64
    };
    let mbs = t.bytes as f64 / 1e6 / t.seconds.max(f64::MIN_POSITIVE);
    if json {
        println!(
            "{}",
            serde_json::json!({
                "pages": t.pages, "f1": f, "precision": p, "recall": r, "word_f1": word_f1,
                "titles_right": t.titles.0, "titles": t.titles.1,
                "dates_right": t.dates.0, "dates": t.dates.1, "mb_per_s": mbs,
                "statements_plain": t.statements[0], "statements_alike": t.statements[1],
                "statements_page": t.statements[2],
            })
        );
        return;
    }
    println!(
        "pages {}: shingle F1 {f:.3} (P {p:.3} R {r:.3}), word-F1 {word_f1:.3}",
        t.pages
    );
    if t.titles.1 > 0 {
        println!(
            "titles right {}/{} ({:.0}%)",
            t.titles.0,
            t.titles.1,
            100.0 * ratio(t.titles.0, t.titles.1)
        );
    }
    if t.dates.1 > 0 {
        println!(
            "dates right  {}/{} ({:.0}%)",
            t.dates.0,
            t.dates.1,
            100.0 * ratio(t.dates.0, t.dates.1)
        );
    }
    let [plain, alike, from_page] = t.statements;
    if plain + from_page > 0 {
        println!(
            "statements: {alike} of the {plain} found in the expected text read as plain text are found alike (text and speaker) from the page ({:.1}%); the page gives {from_page}",
            100.0 * ratio(alike, plain)
        );
    }
    println!(
        "read {:.1} MB of HTML at {mbs:.1} MB/s (one thread)",
        t.bytes as f64 / 1e6
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_western_indonesia_time() {
        // 2015-11-04T17:30:00Z is already 5 November in Jakarta
        assert_eq!(wib_day(1_446_658_200_000), "2015-11-05");
        assert_eq!(page_day("2015-11-04T17:30:00Z"), "2015-11-05");
        assert_eq!(page_day("2015-11-05T00:30:00+07:00"), "2015-11-05");
        assert_eq!(page_day("2015-11-04T23:30:00+0700"), "2015-11-04");
        assert_eq!(page_day("2015-11-05"), "2015-11-05");
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn shingles_of_short_and_long_texts() {
        assert_eq!(shingles(&words("satu dua")).len(), 1);
        assert_eq!(shingles(&words("a b c d e")).len(), 2);
        assert!(shingles(&[]).is_empty());
    }
}
