//! A page's metadata: title, publication date, author, outlet and canonical URL, from JSON-LD
//! (`NewsArticle` and its kin), Open Graph and article meta tags, `<time datetime>`, what the
//! extractor found, and an Indonesian date in the byline ("Selasa, 21 Okt 2025 14:30 WIB").

use crate::lex::{squash, Head, Segment};

/// The metadata of a page, as kutip keeps it in a ledger's `meta`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMeta {
    pub title: Option<String>,
    /// ISO 8601: `2025-10-21`, or with a time and offset `2025-10-21T14:30:00+07:00`
    pub date: Option<String>,
    pub author: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
}

fn meta<'a>(h: &'a Head, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        h.meta
            .iter()
            .find(|(mk, v)| mk == k && !v.trim().is_empty())
            .map(|x| x.1.as_str())
    })
}

/// The objects of the JSON-LD blocks, flattened (`@graph`, arrays).
fn ld_objects(h: &Head) -> Vec<serde_json::Value> {
    fn walk(v: serde_json::Value, out: &mut Vec<serde_json::Value>) {
        match v {
            serde_json::Value::Array(a) => a.into_iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(mut o) => {
                if let Some(g) = o.remove("@graph") {
                    walk(g, out);
                }
                out.push(serde_json::Value::Object(o));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for s in &h.json_ld {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(s.trim()) {
            walk(v, &mut out);
        }
    }
    out
}

fn is_article(o: &serde_json::Value) -> bool {
    let t = |s: &str| s.contains("Article") || s == "BlogPosting" || s == "Report";
    match &o["@type"] {
        serde_json::Value::String(s) => t(s),
        serde_json::Value::Array(a) => a.iter().any(|x| x.as_str().is_some_and(t)),
        _ => false,
    }
}

fn ld_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(a) => a.iter().find_map(ld_name),
        serde_json::Value::Object(o) => o.get("name").and_then(|n| n.as_str()).map(str::to_string),
        _ => None,
    }
}

/// "Judul Berita - ANTARA News" → "Judul Berita" when the tail names the site.
fn strip_site(title: &str, site: Option<&str>) -> String {
    for sep in [" - ", " | ", " — ", " – ", " :: "] {
        if let Some(p) = title.rfind(sep) {
            let tail = title[p + sep.len()..].trim();
            let site_like = site.is_some_and(|s| {
                let (a, b) = (tail.to_lowercase(), s.to_lowercase());
                a.contains(&b) || b.contains(&a)
            }) || tail.split_whitespace().count() <= 3;
            if site_like && p > 10 {
                return title[..p].trim().to_string();
            }
        }
    }
    title.trim().to_string()
}

/// An Indonesian date written in a byline: "Selasa, 21 Okt 2025 14:30 WIB", "Rabu, 4 November
/// 2015 | 21:04 WIB", "05/11/2015 14:56", "Kamis 05 Nov 2015, 14:56". ISO 8601 out, with the
/// time and its zone (WIB +07, WITA +08, WIT +09) when written.
pub fn indonesian_date(text: &str) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    for k in 0..words.len() {
        let (d, m, y, next) = if let (Some(d), Some(m), Some(y)) = (
            words.get(k).and_then(|w| w.parse::<u32>().ok()),
            words
                .get(k + 1)
                .and_then(|w| month(&w.trim_end_matches('.').to_lowercase())),
            words.get(k + 2).and_then(|w| w.parse::<i32>().ok()),
        ) {
            (d, m, y, k + 3)
        } else if let Some((d, m, y)) = words.get(k).and_then(|w| slash_date(w)) {
            (d, m, y, k + 1)
        } else {
            continue;
        };
        if !(1..=31).contains(&d) || !(1990..=2100).contains(&y) {
            continue;
        }
        let mut out = format!("{y:04}-{m:02}-{d:02}");
        let time = words.get(next).and_then(|w| {
            let (h, mi) = w.split_once([':', '.'])?;
            let (h, mi): (u32, u32) = (h.parse().ok()?, mi.get(..2)?.parse().ok()?);
            (h < 24 && mi < 60).then_some((h, mi))
        });
        if let Some((h, mi)) = time {
            let zone = match words.get(next + 1).map(|z| z.to_uppercase()) {
                Some(z) if z == "WITA" => "+08:00",
                Some(z) if z == "WIT" => "+09:00",
                _ => "+07:00",
            };
            out.push_str(&format!("T{h:02}:{mi:02}:00{zone}"));
        }
        return Some(out);
    }
    None
}

/// A month's number from its Indonesian name (kutip's list) or its English one (some outlets
/// print English months in bylines: `data/months-en.tsv`).
fn month(w: &str) -> Option<u32> {
    static EN: std::sync::OnceLock<Vec<(String, u32)>> = std::sync::OnceLock::new();
    kutip::figures::month_number(w).or_else(|| {
        EN.get_or_init(|| {
            include_str!("../data/months-en.tsv")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (n, forms) = l.split_once('\t')?;
                    let n: u32 = n.trim().parse().ok()?;
                    Some(forms.split_whitespace().map(move |f| (f.to_string(), n)))
                })
                .flatten()
                .collect()
        })
        .iter()
        .find(|(f, _)| f == w)
        .map(|x| x.1)
    })
}

/// The date of the byline: the first short block after the headline (`<h1>`) that holds a
/// date, else the first short block anywhere that does.
fn byline_date(segs: &[Segment]) -> Option<String> {
    const BYLINE_MAX_WORDS: usize = 16;
    const AFTER_HEADLINE: usize = 40;
    let short = |s: &&Segment| s.text.split_whitespace().count() <= BYLINE_MAX_WORDS;
    let h1 = segs.iter().position(|s| s.tag == "h1");
    h1.and_then(|h| {
        segs[h..]
            .iter()
            .take(AFTER_HEADLINE)
            .filter(short)
            .find_map(|s| indonesian_date(&s.text))
    })
    .or_else(|| {
        segs.iter()
            .filter(short)
            .find_map(|s| indonesian_date(&s.text))
    })
}

/// The date in a news address: `/2016/02/23/` (the common form of Indonesian outlets).
fn url_date(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |x| x.1);
    let parts: Vec<&str> = path.split('/').collect();
    parts.windows(3).find_map(|w| {
        let ok = w[0].len() == 4 && w[1].len() == 2 && w[2].len() == 2;
        let (y, m, d): (i32, u32, u32) =
            (w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?);
        (ok && (1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
            .then(|| format!("{y:04}-{m:02}-{d:02}"))
    })
}

/// The headline as the page shows it, when the title adds to it (a site name, a rubric:
/// "KapanLagi.com: Musik - Judul" for the `<h1>` "Judul").
fn headline_in(title: String, segs: &[Segment]) -> String {
    const MIN_HEADLINE_WORDS: usize = 3;
    let lower = title.to_lowercase();
    segs.iter()
        .filter(|s| s.tag == "h1")
        .map(|s| s.text.trim())
        .find(|h| {
            h.split_whitespace().count() >= MIN_HEADLINE_WORDS
                && h.len() < title.len()
                && lower.contains(&h.to_lowercase())
        })
        .map_or(title.clone(), str::to_string)
}

fn slash_date(w: &str) -> Option<(u32, u32, i32)> {
    let p: Vec<&str> = w.split(['/', '-']).collect();
    if p.len() != 3 || p[2].len() != 4 {
        return None;
    }
    let (d, m, y) = (p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?);
    (1..=12).contains(&m).then_some((d, m, y))
}

/// A date as a string kutip keeps: ISO 8601 as written, or the Indonesian forms.
fn normal_date(s: &str) -> Option<String> {
    let t = s.trim();
    let b = t.as_bytes();
    let iso = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[8..10].iter().all(u8::is_ascii_digit);
    if iso {
        return Some(t.split_whitespace().next().unwrap_or(t).replace(' ', "T"));
    }
    indonesian_date(t)
}

/// The page's metadata. `extracted` is what the main-text extractor found; `segs` the page's
/// blocks (where bylines carry the date and `<h1>` the headline); `url` the address the page
/// was fetched from, when known.
pub fn page_meta(
    h: &Head,
    extracted: &rs_trafilatura::Metadata,
    segs: &[Segment],
    url: Option<&str>,
) -> PageMeta {
    let ld = ld_objects(h);
    let art = ld.iter().find(|o| is_article(o));
    let ld_str = |k: &str| art.and_then(|o| o[k].as_str()).map(str::to_string);
    let site = meta(h, &["og:site_name", "application-name"])
        .map(str::to_string)
        .or_else(|| art.and_then(|o| ld_name(&o["publisher"])))
        .or_else(|| extracted.sitename.clone());
    let title = ld_str("headline")
        .or_else(|| meta(h, &["og:title", "twitter:title", "title"]).map(str::to_string))
        .or_else(|| extracted.title.clone())
        .or_else(|| h.title.clone())
        .map(|t| strip_site(&squash(&crate::lex::decode_entities(&t)), site.as_deref()))
        .map(|t| headline_in(t, segs))
        .filter(|t| !t.is_empty());
    let date = ld_str("datePublished")
        .and_then(|d| normal_date(&d))
        .or_else(|| {
            meta(
                h,
                &[
                    "article:published_time",
                    "og:published_time",
                    "datepublished",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "date",
                    "dc.date",
                    "dc.date.issued",
                    "content_publisheddate",
                    "article_date_original",
                    "dtm",
                ],
            )
            .and_then(normal_date)
        })
        .or_else(|| h.times.iter().find_map(|t| normal_date(t)))
        .or_else(|| {
            extracted
                .date
                .map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
        })
        .or_else(|| byline_date(segs));
    let author = art
        .and_then(|o| ld_name(&o["author"]))
        .or_else(|| meta(h, &["author", "article:author", "dc.creator"]).map(str::to_string))
        .or_else(|| extracted.author.clone())
        .filter(|a| !a.starts_with("http"));
    let canonical = h
        .canonical
        .clone()
        .or_else(|| meta(h, &["og:url"]).map(str::to_string))
        .filter(|u| u.starts_with("http"));
    let url = canonical.or_else(|| url.map(str::to_string));
    let date = date.or_else(|| url.as_deref().and_then(url_date));
    let host = url.as_deref().and_then(|u| {
        let rest = u.split_once("://")?.1;
        let host = rest.split(['/', '?', '#', ':']).next()?;
        Some(host.trim_start_matches("www.").to_string())
    });
    PageMeta {
        title,
        date,
        author,
        outlet: site.or(host),
        url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indonesian_bylines() {
        assert_eq!(
            indonesian_date("Selasa, 21 Okt 2025 14:30 WIB").as_deref(),
            Some("2025-10-21T14:30:00+07:00")
        );
        assert_eq!(
            indonesian_date("Rabu, 4 November 2015 | 21:04 WIB").as_deref(),
            Some("2015-11-04T21:04:00+07:00")
        );
        assert_eq!(
            indonesian_date("oleh Budi, 05/11/2015").as_deref(),
            Some("2015-11-05")
        );
        assert_eq!(indonesian_date("tanpa tanggal"), None);
        assert_eq!(
            strip_site("Judul berita ini - ANTARA News", Some("ANTARA News")),
            "Judul berita ini"
        );
    }
}
