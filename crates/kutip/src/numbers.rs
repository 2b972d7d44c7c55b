//! Indonesian number parsing: digits with `.` thousands and `,` decimals, number words,
//! mixed forms ("1,2 juta"), suffixes (K, M, G; in money M = miliar and T = triliun),
//! approximate counts (puluhan → 10..99), ranges, currencies and ordinals.
//! Data: lang/id/numbers.tsv, lang/id/units.tsv.

use crate::lexicon::rows;
use rustc_hash::FxHashMap as HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WordKind {
    Digit(f64),
    Teen,
    Tens,
    Hundred,
    Scale(f64),
    Se(f64),
    Half,
    Approx(f64, f64),
    /// a share: sepertiga, separuh
    Fraction(f64),
}

pub struct NumLex {
    pub words: HashMap<&'static str, WordKind>,
    /// unit forms: (unit, may come before, may come after)
    pub units: HashMap<&'static str, (&'static str, bool, bool)>,
}

pub static NUM: LazyLock<NumLex> = LazyLock::new(|| {
    let mut words = HashMap::default();
    for r in rows(include_str!("../lang/id/numbers.tsv")) {
        if r.len() < 3 {
            continue;
        }
        let v: f64 = r[2].parse().unwrap_or(0.0);
        let k = match r[1] {
            "digit" => WordKind::Digit(v),
            "teen" => WordKind::Teen,
            "tens" => WordKind::Tens,
            "hundred" => WordKind::Hundred,
            "scale" => WordKind::Scale(v),
            "se" => WordKind::Se(v),
            "half" => WordKind::Half,
            "fraction" => WordKind::Fraction(v),
            _ => {
                let (a, b) = r[2].split_once('-').unwrap_or(("0", "0"));
                WordKind::Approx(a.parse().unwrap_or(0.0), b.parse().unwrap_or(0.0))
            }
        };
        words.insert(r[0], k);
    }
    let mut units = HashMap::default();
    for r in rows(include_str!("../lang/id/units.tsv")) {
        if r.len() < 3 {
            continue;
        }
        let (pre, post) = match r[2] {
            "pre" => (true, false),
            "post" => (false, true),
            _ => (true, true),
        };
        units.insert(r[0], (r[1], pre, post));
    }
    NumLex { words, units }
});

/// Parse digits in Indonesian style: "1.200" → 1200, "2,5" → 2.5, "0033" → 33, ",77" → 0.77,
/// "34.18" (not a thousands group) → 34.18.
pub fn parse_digits(s: &str) -> Option<f64> {
    if s.is_empty() || !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let (int, frac) = match s.rfind(',') {
        Some(p) => (&s[..p], Some(&s[p + 1..])),
        None => (s, None),
    };
    let groups: Vec<&str> = int.split('.').collect();
    let int_val: String = if groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) {
        groups.concat()
    } else if groups.len() == 2 && frac.is_none() {
        // "34.18": a decimal point
        return format!("{}.{}", groups[0], groups[1]).parse().ok();
    } else if groups.len() == 1 {
        int.to_string()
    } else {
        return None;
    };
    let mut v: f64 = if int_val.is_empty() {
        0.0
    } else {
        int_val.parse().ok()?
    };
    if let Some(f) = frac {
        if f.contains('.') || f.is_empty() {
            return None;
        }
        v += format!("0.{f}").parse::<f64>().ok()?;
    }
    Some(v)
}

/// Parse a sequence of number words ("tiga puluh satu juta dua ratus ...").
/// Returns the value and how many words were used.
pub fn parse_words(ws: &[&str]) -> Option<(f64, usize)> {
    let mut total = 0.0;
    let mut cur = 0.0;
    let mut last = 0.0;
    let mut used = 0;
    let mut any = false;
    for w in ws {
        let lw = w.to_lowercase();
        let Some(k) = NUM.words.get(lw.as_str()) else {
            break;
        };
        match *k {
            WordKind::Digit(d) => {
                cur += d;
                last = d;
            }
            WordKind::Teen if any => {
                cur += 10.0;
                last = 0.0;
            }
            WordKind::Tens if any => {
                cur += last * 9.0;
                last = 0.0;
            }
            WordKind::Hundred if any => {
                cur += last * 99.0;
                last = 0.0;
            }
            WordKind::Scale(m) if any => {
                total += if cur == 0.0 { 1.0 } else { cur } * m;
                cur = 0.0;
                last = 0.0;
            }
            WordKind::Se(m) => {
                total += m;
                last = 0.0;
            }
            WordKind::Half => {
                cur += 0.5;
            }
            _ => break,
        }
        any = true;
        used += 1;
    }
    if used == 0 {
        None
    } else {
        Some((total + cur, used))
    }
}

/// A parsed amount: a value or an interval, with a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub unit: Option<&'static str>,
    pub ordinal: bool,
}

/// Split a phrase into pieces: words, digit runs, symbols, with glued prefixes and suffixes
/// taken apart ("Rp20" → "rp" "20", "10K$" → "10" "k" "$", "USD1,23" → "usd" "1,23").
fn pieces(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in s.split_whitespace() {
        let mut cur = String::new();
        let mut cur_kind = 0u8; // 1 digit, 2 letter
        for c in raw.chars() {
            let k = if c.is_ascii_digit()
                || ((c == '.' || c == ',') && cur_kind == 1)
                || (c == ',' && cur.is_empty())
            {
                1
            } else if c.is_alphabetic() || c == '-' || (c == '.' && cur_kind == 2) {
                2
            } else {
                3
            };
            if k != cur_kind || k == 3 {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                cur_kind = k;
            }
            cur.push(c);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out.into_iter()
        .map(|p| p.trim_end_matches(['.', ',']).to_lowercase())
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.starts_with("rp") {
                "rp".to_string()
            } else if let Some(stem) = p.strip_suffix("nya").filter(|s| NUM.units.contains_key(*s))
            {
                // "90 persennya"
                stem.to_string()
            } else {
                p
            }
        })
        .collect()
}

/// Parse a single number at the start of `ps`: digits with an optional suffix and scale
/// word, or number words. Returns (value, pieces used, the scale a suffix or scale word
/// applied: 1 when none).
fn number_scaled(ps: &[String], money: bool) -> Option<(f64, usize, f64)> {
    let first = ps.first()?;
    let (mut v, mut n) = if let Some(v) = parse_digits(first) {
        (v, 1)
    } else if first.starts_with(',') {
        (parse_digits(&format!("0{first}"))?, 1)
    } else {
        let ws: Vec<&str> = ps.iter().map(|s| s.as_str()).collect();
        parse_words(&ws)?
    };
    let mut scale = 1.0;
    if n == 1 && parse_digits(first).is_some() || first.starts_with(',') {
        if let Some(sfx) = ps.get(1) {
            let m = match sfx.as_str() {
                "k" => Some(1e3),
                "m" if money => Some(1e9),
                "m" => Some(1e6),
                "g" => Some(1e9),
                "t" if money => Some(1e12),
                _ => None,
            };
            if let Some(m) = m {
                v *= m;
                n += 1;
                scale = m;
            } else if let Some(WordKind::Scale(m)) = NUM.words.get(sfx.as_str()) {
                v *= m;
                n += 1;
                scale = *m;
            } else if let Some(WordKind::Approx(l, _)) = NUM.words.get(sfx.as_str()) {
                // "15 ribuan": some fifteen thousand
                v *= l;
                n += 1;
                scale = *l;
            }
        }
    }
    Some((v, n, scale))
}

/// Parse a whole expression: numerals, ordinals and amounts of money, with intervals.
pub fn parse(text: &str) -> Option<Amount> {
    let t = text.trim().trim_end_matches('.');
    let lt = t.to_lowercase();
    // ordinals
    if let Some(rest) = lt.strip_prefix("ke-") {
        return Some(Amount {
            value: Some(rest.parse::<u64>().ok()? as f64),
            low: None,
            high: None,
            unit: None,
            ordinal: true,
        });
    }
    if let Some(rest) = lt.strip_prefix("ke") {
        if let Some((v, n)) = parse_words(&[rest]) {
            if n == 1 && v >= 2.0 {
                return Some(Amount {
                    value: Some(v),
                    low: None,
                    high: None,
                    unit: None,
                    ordinal: true,
                });
            }
        }
    }
    let t = t.replace("-,", "-0,");
    let mut ps = pieces(&t);
    // interval markers
    let mut kind = 0; // 0 value, 1 interval, 2 max, 3 min
    let joined = ps.join(" ");
    for (p, k) in [
        ("kurang dari", 2),
        ("di bawah", 2),
        ("tidak sampai", 2),
        ("lebih murah dari", 2),
        ("di atas", 3),
        ("lebih dari", 3),
        ("melebihi", 3),
        ("melewati", 3),
        ("antara", 1),
        ("dari", 1),
        ("sekitar", 0),
        ("kira-kira", 0),
    ] {
        if joined.starts_with(p) && (joined.len() == p.len() || joined.as_bytes()[p.len()] == b' ')
        {
            let nw = p.split(' ').count();
            ps.drain(..nw);
            kind = k;
            break;
        }
    }
    let mut neg = false;
    if matches!(
        ps.first().map(|s| s.as_str()),
        Some("-" | "minus" | "negatif")
    ) {
        neg = true;
        ps.remove(0);
    }
    let mut unit: Option<&'static str> = None;
    let mut i = 0;
    let take_unit = |ps: &[String], i: usize, pre: bool| -> Option<(&'static str, usize)> {
        for n in [2usize, 1] {
            if i + n <= ps.len() {
                let key = ps[i..i + n].join(" ");
                if let Some(&(u, p, q)) = NUM.units.get(key.as_str()) {
                    if (pre && p) || (!pre && q) {
                        return Some((u, n));
                    }
                }
            }
        }
        None
    };
    if let Some((u, n)) = take_unit(&ps, i, true) {
        unit = Some(u);
        i += n;
    }
    let money_hint = unit.is_some()
        || ps
            .iter()
            .any(|p| NUM.units.get(p.as_str()).is_some_and(|u| u.0 != "percent"));
    let (a, n, scale_a) = number_scaled(&ps[i..], money_hint)?;
    i += n;
    if unit.is_none() {
        if let Some((u, n)) = take_unit(&ps, i, false) {
            unit = Some(u);
            i += n;
        }
    } else if let Some((_, n)) = take_unit(&ps, i, false) {
        i += n;
    }
    // second number of a range
    if i < ps.len()
        && matches!(
            ps[i].as_str(),
            "-" | "sampai" | "hingga" | "dan" | "s.d" | "s/d"
        )
    {
        let mut j = i + 1;
        if let Some((u, n)) = take_unit(&ps, j, true) {
            unit = unit.or(Some(u));
            j += n;
        }
        if let Some((b, n, scale_b)) = number_scaled(&ps[j..], money_hint) {
            j += n;
            if let Some((u, n)) = take_unit(&ps, j, false) {
                unit = unit.or(Some(u));
                j += n;
            }
            if j == ps.len() {
                // "Rp20 hingga Rp30 miliar": the scale said once holds for both ends
                let a = if scale_a == 1.0 && scale_b > 1.0 && a * scale_b <= b {
                    a * scale_b
                } else {
                    a
                };
                return Some(Amount {
                    value: None,
                    low: Some(a),
                    high: Some(b),
                    unit,
                    ordinal: false,
                });
            }
        }
    }
    if i != ps.len() {
        return None;
    }
    let a = if neg { -a } else { a };
    Some(match kind {
        2 => Amount {
            value: None,
            low: None,
            high: Some(a),
            unit,
            ordinal: false,
        },
        3 => Amount {
            value: None,
            low: Some(a),
            high: None,
            unit,
            ordinal: false,
        },
        _ => Amount {
            value: Some(a),
            low: None,
            high: None,
            unit,
            ordinal: false,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<f64> {
        parse(s).and_then(|a| a.value)
    }

    #[test]
    fn indonesian_numbers() {
        assert_eq!(v("1.200"), Some(1200.0));
        assert_eq!(v("34.600"), Some(34600.0));
        assert_eq!(v("2,5"), Some(2.5));
        assert_eq!(v("1,2 juta"), Some(1_200_000.0));
        assert_eq!(v("satu juta"), Some(1_000_000.0));
        assert_eq!(v("dua puluh delapan"), Some(28.0));
        assert_eq!(v("seratus dua puluh dua"), Some(122.0));
        assert_eq!(v("sepuluh ribu sebelas"), Some(10011.0));
        let rp = parse("Rp 15 triliun").unwrap();
        assert_eq!((rp.value, rp.unit), (Some(15e12), Some("IDR")));
        let rp = parse("Rp1,96 M").unwrap();
        assert_eq!(rp.value, Some(1.96e9));
        assert_eq!(parse("0,28%").unwrap().unit, Some("percent"));
        assert!(parse("ketiga").unwrap().ordinal);
        let r = parse("antara 10 hingga 15").unwrap();
        assert_eq!((r.low, r.high), (Some(10.0), Some(15.0)));
        let r = parse("Rp20 hingga Rp30 miliar").unwrap();
        assert_eq!(
            (r.low, r.high, r.unit),
            (Some(20e9), Some(30e9), Some("IDR"))
        );
        let r = parse("4%-5%").unwrap();
        assert_eq!(
            (r.low, r.high, r.unit),
            (Some(4.0), Some(5.0), Some("percent"))
        );
        let r = parse("1-10 persen").unwrap();
        assert_eq!((r.low, r.high), (Some(1.0), Some(10.0)));
        assert_eq!(v("Rp 15 ribuan"), Some(15_000.0));
    }
}
