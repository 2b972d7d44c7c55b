//! `kutip eval ledger GOLD_DIR INPUT.jsonl`: the ledger scored against hand-annotated gold
//! files, with the matching rules of the shared scorer (`ledger_score.py`); see
//! `docs/evaluation.md`.
//!
//! A gold statement is *found* when a predicted quote's text contains its anchor (quote marks
//! and spaces folded, lower case), and *attributed* when that quote's speaker names the gold
//! speaker: title words dropped, each name covering at least half of the other's content
//! words, or one the other's acronym. A gold figure is found when a predicted figure has its
//! value (within 0.5 %; a vague amount counts by its low end) and a span on the anchor; it is
//! *sourced* when the sources match the same way (or both are absent). Precision counts the
//! predicted items that match nothing. The ledger F1 joins attributed statements and sourced
//! figures.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Title and form-of-address words left out of names (as in the shared scorer).
const TITLES: &[&str] = &[
    "presiden",
    "menteri",
    "ketua",
    "kepala",
    "juru",
    "bicara",
    "jubir",
    "wakil",
    "dr",
    "prof",
    "pm",
    "perdana",
    "gubernur",
    "bupati",
    "wali",
    "kota",
    "direktur",
    "jenderal",
    "sekretaris",
    "komisaris",
    "kapolri",
    "kapolda",
    "kapolres",
    "panglima",
    "mayor",
    "letnan",
    "kolonel",
    "brigjen",
    "irjen",
    "kombes",
    "akbp",
    "bapak",
    "ibu",
    "pak",
    "bu",
    "sang",
    "tuan",
    "h",
    "hj",
];
/// Function words that do not make two names one.
const STOP: &[&str] = &[
    "di", "dari", "yang", "dan", "pihak", "para", "the", "of", "ke", "untuk", "bagi", "al", "el",
    "bin", "binti",
];

#[derive(Debug, Deserialize)]
pub struct GoldQuote {
    pub anchor: String,
    pub speaker: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GoldFigure {
    pub anchor: String,
    pub value: f64,
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct GoldDoc {
    pub id: String,
    #[serde(default = "yes")]
    pub usable: bool,
    #[serde(default)]
    pub quotes: Vec<GoldQuote>,
    #[serde(default)]
    pub figures: Vec<GoldFigure>,
}

fn yes() -> bool {
    true
}

/// What a prediction offers the scorer: quotes (text, speaker) and figures (value, span,
/// source).
pub struct Predicted {
    pub quotes: Vec<(String, Option<String>)>,
    pub figures: Vec<PredFigure>,
}

pub struct PredFigure {
    pub text: String,
    pub value: Option<f64>,
    pub start: usize,
    pub end: usize,
    pub source: Option<String>,
}

impl Predicted {
    pub fn of(l: &kutip::Ledger) -> Predicted {
        Predicted {
            quotes: l
                .quotes
                .iter()
                .map(|q| (q.text.clone(), q.speaker.as_ref().map(|s| s.name.clone())))
                .collect(),
            figures: l
                .figures
                .iter()
                .map(|f| PredFigure {
                    text: f.text.clone(),
                    value: f.value.or(f.low),
                    start: f.start,
                    end: f.end,
                    source: f.source.as_ref().map(|s| s.name.clone()),
                })
                .collect(),
        }
    }
}

/// Counts over a set of documents.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub gold_quotes: usize,
    pub pred_quotes: usize,
    pub quotes_found: usize,
    pub quotes_attributed: usize,
    pub pred_quotes_matched: usize,
    pub pred_quotes_right: usize,
    pub gold_figures: usize,
    pub pred_figures: usize,
    pub figures_found: usize,
    pub figures_sourced: usize,
    pub pred_figures_matched: usize,
    pub pred_figures_right: usize,
    pub missing_docs: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.gold_quotes += o.gold_quotes;
        self.pred_quotes += o.pred_quotes;
        self.quotes_found += o.quotes_found;
        self.quotes_attributed += o.quotes_attributed;
        self.pred_quotes_matched += o.pred_quotes_matched;
        self.pred_quotes_right += o.pred_quotes_right;
        self.gold_figures += o.gold_figures;
        self.pred_figures += o.pred_figures;
        self.figures_found += o.figures_found;
        self.figures_sourced += o.figures_sourced;
        self.pred_figures_matched += o.pred_figures_matched;
        self.pred_figures_right += o.pred_figures_right;
        self.missing_docs += o.missing_docs;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Counts {
    /// The scorer's figures, in its order and with its names.
    pub fn figures(&self) -> Vec<(&'static str, f64)> {
        let p = ratio(
            self.pred_quotes_right + self.pred_figures_right,
            self.pred_quotes + self.pred_figures,
        );
        let r = ratio(
            self.quotes_attributed + self.figures_sourced,
            self.gold_quotes + self.gold_figures,
        );
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        vec![
            ("quote_recall", ratio(self.quotes_found, self.gold_quotes)),
            (
                "quote_precision",
                ratio(self.pred_quotes_matched, self.pred_quotes),
            ),
            (
                "quote_attributed_recall",
                ratio(self.quotes_attributed, self.gold_quotes),
            ),
            (
                "figure_recall",
                ratio(self.figures_found, self.gold_figures),
            ),
            (
                "figure_precision",
                ratio(self.pred_figures_matched, self.pred_figures),
            ),
            (
                "figure_sourced_recall",
                ratio(self.figures_sourced, self.gold_figures),
            ),
            ("ledger_f1", f1),
        ]
    }
}

/// Quote marks straightened, spaces folded, lower case.
fn fold(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2018}' | '\u{2019}' => '\'',
            c => c,
        })
        .collect();
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The runs of ASCII letters and digits of a folded name.
fn alnum_runs(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn name_tokens(s: &str) -> HashSet<String> {
    alnum_runs(s)
        .into_iter()
        .filter(|t| t.len() > 1 && !TITLES.contains(&t.as_str()))
        .collect()
}

fn acronym(words: &[String]) -> String {
    words
        .iter()
        .filter(|w| !STOP.contains(&w.as_str()) && !TITLES.contains(&w.as_str()))
        .filter_map(|w| w.chars().next())
        .collect()
}

/// Does the predicted name `pred` name the gold speaker or source `gold`?
pub fn same_speaker(gold: Option<&str>, pred: Option<&str>) -> bool {
    let Some(gold) = gold else {
        return pred.is_none();
    };
    let Some(pred) = pred else {
        return false;
    };
    let (g, p) = (name_tokens(gold), name_tokens(pred));
    if g.is_empty() || p.is_empty() {
        return false;
    }
    let (ga, pa) = (acronym(&alnum_runs(gold)), acronym(&alnum_runs(pred)));
    if (ga.len() >= 2 && p.contains(&ga)) || (pa.len() >= 2 && g.contains(&pa)) {
        return true;
    }
    let content = |t: &HashSet<String>| -> HashSet<String> {
        let c: HashSet<String> = t
            .iter()
            .filter(|w| !STOP.contains(&w.as_str()))
            .cloned()
            .collect();
        if c.is_empty() {
            t.clone()
        } else {
            c
        }
    };
    let (gc, pc) = (content(&g), content(&p));
    let both = gc.intersection(&pc).count();
    both * 2 >= gc.len() && both * 2 >= pc.len()
}

/// Every byte span of `anchor` in `text`.
fn find_all(text: &str, anchor: &str) -> Vec<(usize, usize)> {
    if anchor.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find(anchor) {
        let s = from + p;
        out.push((s, s + anchor.len()));
        from = s + anchor[..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Score one document; `log` gets the lines of `--verbose`.
pub fn score_doc(
    gold: &GoldDoc,
    text: &str,
    pred: Option<&Predicted>,
    log: &mut dyn FnMut(String),
) -> Counts {
    let empty = Predicted {
        quotes: Vec::new(),
        figures: Vec::new(),
    };
    let mut c = Counts::default();
    if pred.is_none() {
        c.missing_docs = 1;
    }
    let pred = pred.unwrap_or(&empty);
    let id = &gold.id;
    c.gold_quotes = gold.quotes.len();
    c.pred_quotes = pred.quotes.len();
    c.gold_figures = gold.figures.len();
    c.pred_figures = pred.figures.len();
    let folded: Vec<String> = pred.quotes.iter().map(|q| fold(&q.0)).collect();
    let (mut used, mut right) = (HashSet::new(), HashSet::new());
    for g in &gold.quotes {
        let a = fold(&g.anchor);
        let hits: Vec<usize> = (0..folded.len())
            .filter(|&i| folded[i].contains(&a))
            .collect();
        let ok: Vec<usize> = hits
            .iter()
            .copied()
            .filter(|&i| same_speaker(g.speaker.as_deref(), pred.quotes[i].1.as_deref()))
            .collect();
        c.quotes_found += usize::from(!hits.is_empty());
        c.quotes_attributed += usize::from(!ok.is_empty());
        if ok.is_empty() {
            let what = if hits.is_empty() {
                "MISSED".to_string()
            } else {
                let names: Vec<&str> = hits
                    .iter()
                    .map(|&i| pred.quotes[i].1.as_deref().unwrap_or("-"))
                    .collect();
                format!("WRONG SPEAKER {names:?}")
            };
            log(format!(
                "  {id} quote {what}: {:?} gold={}",
                g.anchor.chars().take(60).collect::<String>(),
                g.speaker.as_deref().unwrap_or("-")
            ));
        }
        used.extend(hits);
        right.extend(ok);
    }
    c.pred_quotes_matched = used.len();
    c.pred_quotes_right = right.len();
    for (i, q) in pred.quotes.iter().enumerate() {
        if !used.contains(&i) {
            log(format!(
                "  {id} quote SPURIOUS: {:?} by {}",
                q.0.chars().take(70).collect::<String>(),
                q.1.as_deref().unwrap_or("-")
            ));
        }
    }
    let (mut used, mut right) = (HashSet::new(), HashSet::new());
    for g in &gold.figures {
        let spans = find_all(text, &g.anchor);
        let hits: Vec<usize> = pred
            .figures
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.value.is_some_and(|v| {
                    (v - g.value).abs() <= (g.value.abs() * 0.005).max(1e-9)
                        && spans.iter().any(|&(s, e)| f.start < e && f.end > s)
                })
            })
            .map(|x| x.0)
            .collect();
        let ok: Vec<usize> = hits
            .iter()
            .copied()
            .filter(|&i| same_speaker(g.source.as_deref(), pred.figures[i].source.as_deref()))
            .collect();
        c.figures_found += usize::from(!hits.is_empty());
        c.figures_sourced += usize::from(!ok.is_empty());
        if ok.is_empty() {
            let what = if hits.is_empty() {
                "MISSED".to_string()
            } else {
                let names: Vec<&str> = hits
                    .iter()
                    .map(|&i| pred.figures[i].source.as_deref().unwrap_or("-"))
                    .collect();
                format!("WRONG SOURCE {names:?}")
            };
            log(format!(
                "  {id} figure {what}: {:?}={} gold source={}",
                g.anchor,
                g.value,
                g.source.as_deref().unwrap_or("-")
            ));
        }
        used.extend(hits);
        right.extend(ok);
    }
    c.pred_figures_matched = used.len();
    c.pred_figures_right = right.len();
    for (i, f) in pred.figures.iter().enumerate() {
        if !used.contains(&i) {
            log(format!(
                "  {id} figure SPURIOUS: {:?}={}",
                f.text,
                f.value.map_or("-".to_string(), |v| v.to_string())
            ));
        }
    }
    c
}

/// The gold files of a directory (`*.json`), sorted by file name.
pub fn read_gold(dir: &Path) -> Result<Vec<GoldDoc>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let s = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
            serde_json::from_str(&s).with_context(|| format!("{}: not a gold file", p.display()))
        })
        .collect()
}

/// The part of a document id its report is grouped under: the id without its last `-` field
/// ("dev-a-007" → "dev-a").
pub fn part_of(id: &str) -> &str {
    id.rsplit_once('-').map_or(id, |x| x.0)
}

/// Totals per part (with `parts`) and over all.
pub fn report(
    counts: &[(String, Counts)],
    parts: bool,
    json: bool,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let mut groups: BTreeMap<String, Counts> = BTreeMap::new();
    let mut all = Counts::default();
    for (id, c) in counts {
        all += *c;
        if parts {
            *groups.entry(part_of(id).to_string()).or_default() += *c;
        }
    }
    let mut rows: Vec<(String, Counts)> = groups.into_iter().collect();
    rows.push(("all".into(), all));
    if json {
        let v: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(name, c)| {
                let mut m: serde_json::Map<String, serde_json::Value> = c
                    .figures()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.into()))
                    .collect();
                for (k, v) in [
                    ("quotes_gold", c.gold_quotes),
                    ("quotes_pred", c.pred_quotes),
                    ("figures_gold", c.gold_figures),
                    ("figures_pred", c.pred_figures),
                    ("missing_docs", c.missing_docs),
                ] {
                    m.insert(k.into(), v.into());
                }
                (name.clone(), serde_json::Value::Object(m))
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::Object(v))?;
        return Ok(());
    }
    let names: Vec<&str> = all.figures().iter().map(|x| x.0).collect();
    write!(out, "{:26}", "")?;
    for (name, _) in &rows {
        write!(out, "{name:>9}")?;
    }
    writeln!(out)?;
    let line = |out: &mut dyn std::io::Write, label: &str, f: &dyn Fn(&Counts) -> String| {
        let mut s = format!("{label:26}");
        for (_, c) in &rows {
            s.push_str(&format!("{:>9}", f(c)));
        }
        writeln!(out, "{s}")
    };
    line(out, "quotes_gold", &|c| c.gold_quotes.to_string())?;
    line(out, "quotes_pred", &|c| c.pred_quotes.to_string())?;
    for (k, name) in names.iter().enumerate() {
        if *name == "figure_recall" {
            line(out, "figures_gold", &|c| c.gold_figures.to_string())?;
            line(out, "figures_pred", &|c| c.pred_figures.to_string())?;
        }
        line(out, name, &|c| format!("{:.3}", c.figures()[k].1))?;
    }
    line(out, "missing_docs", &|c| c.missing_docs.to_string())?;
    Ok(())
}

/// Texts of the input documents by id.
pub fn texts(docs: &[crate::input::Doc]) -> HashMap<String, String> {
    docs.iter()
        .map(|d| (d.id.clone(), d.text.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_the_shared_scorer_says() {
        assert!(same_speaker(Some("Yoav Gallant"), Some("Gallant")));
        assert!(same_speaker(
            Some("Menteri Pertahanan Yoav Gallant"),
            Some("Yoav Gallant")
        ));
        assert!(same_speaker(
            Some("KPK"),
            Some("Komisi Pemberantasan Korupsi")
        ));
        assert!(!same_speaker(
            Some("otoritas kesehatan Palestina di Gaza"),
            Some("Gaza")
        ));
        assert!(!same_speaker(Some("Mahkamah Konstitusi (MK)"), Some("MK")));
        assert!(same_speaker(None, None));
        assert!(!same_speaker(Some("BNPB"), None));
        assert!(!same_speaker(None, Some("BNPB")));
    }

    #[test]
    fn a_document_is_scored_like_the_shared_scorer() {
        let text =
            "Menurut BNPB, lebih dari 1.200 rumah rusak. “Kami bekerja keras,” kata Budi Santoso.";
        let gold: GoldDoc = serde_json::from_str(
            r#"{"id": "t-1", "quotes": [{"kind": "direct", "anchor": "Kami bekerja keras", "speaker": "Budi Santoso"},
                {"kind": "indirect", "anchor": "rumah rusak", "speaker": "BNPB"}],
               "figures": [{"anchor": "lebih dari 1.200", "value": 1200, "source": "BNPB"}]}"#,
        )
        .unwrap();
        let l = kutip::extract("t-1", text, kutip::Meta::default());
        let mut lines = Vec::new();
        let c = score_doc(&gold, text, Some(&Predicted::of(&l)), &mut |s| {
            lines.push(s)
        });
        assert_eq!((c.gold_quotes, c.gold_figures), (2, 1));
        assert_eq!(c.quotes_attributed, 2, "{lines:?}");
        assert_eq!(c.figures_sourced, 1, "{lines:?}");
        let f = c.figures();
        assert_eq!(f[0], ("quote_recall", 1.0));
        assert!(lines.iter().all(|l| l.contains("SPURIOUS")), "{lines:?}");

        // a wrong speaker, a missed statement, a figure without its source, a spurious one
        let bad = Predicted {
            quotes: vec![
                ("Kami bekerja keras".into(), Some("Siti Aminah".into())),
                ("Harga naik".into(), Some("Agus".into())),
            ],
            figures: vec![
                PredFigure {
                    text: "1.200".into(),
                    value: Some(1200.0),
                    start: text.find("1.200").unwrap(),
                    end: text.find("1.200").unwrap() + 5,
                    source: None,
                },
                PredFigure {
                    text: "1.200".into(),
                    value: Some(1300.0),
                    start: 0,
                    end: 5,
                    source: None,
                },
            ],
        };
        let mut lines = Vec::new();
        let c = score_doc(&gold, text, Some(&bad), &mut |s| lines.push(s));
        assert_eq!((c.quotes_found, c.quotes_attributed), (1, 0));
        assert_eq!((c.pred_quotes_matched, c.pred_quotes_right), (1, 0));
        assert_eq!((c.figures_found, c.figures_sourced), (1, 0));
        assert_eq!(c.pred_figures_matched, 1);
        let joined = lines.join("\n");
        for want in [
            "quote WRONG SPEAKER [\"Siti Aminah\"]",
            "quote MISSED: \"rumah rusak\"",
            "quote SPURIOUS: \"Harga naik\" by Agus",
            "figure WRONG SOURCE [\"-\"]",
            "figure SPURIOUS: \"1.200\"=1300",
        ] {
            assert!(joined.contains(want), "{want} in {joined}");
        }
        let f = c.figures();
        assert_eq!(f[1], ("quote_precision", 0.5));
        assert_eq!(f[6], ("ledger_f1", 0.0));
    }
}
