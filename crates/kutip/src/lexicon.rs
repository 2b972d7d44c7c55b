//! Language data, parsed once from the files under `lang/id/` (embedded at compile time).
//! Every list a stage consults lives here; no stage keeps its own word lists.

use regex::Regex;
// Lookups here are on every token: a fast non-cryptographic hasher (the keys are our own
// lexicon entries and the document's words).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// Non-comment, non-empty lines of a data file, split on tabs.
/// "ketua" -> "Ketua": lexicon keys are written as in running text, so a lower-cased word is
/// looked up in this form.
pub fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Call `f` with the lower-case form of `w`; short ASCII words are lowered on the stack.
pub fn with_lower<R>(w: &str, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 48];
    if w.len() <= buf.len() && w.is_ascii() {
        let b = &mut buf[..w.len()];
        b.copy_from_slice(w.as_bytes());
        b.make_ascii_lowercase();
        // ASCII stays valid UTF-8
        f(std::str::from_utf8(b).unwrap_or(w))
    } else {
        f(&w.to_lowercase())
    }
}

pub fn rows(src: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    src.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbbrevKind {
    Title,
    Inner,
    End,
}

/// How a cue verb attributes (`lang/id/cues.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueKind {
    /// after the statement or before the speaker: "kata", "ujar", "tegasnya"
    Say,
    /// between a subject and the statement: "mengatakan", "menilai"
    Report,
    /// "menurut X"
    According,
    /// passive, the speaker after it: "disampaikan (oleh) X", "dikatakannya"
    Passive,
}

#[derive(Debug, Clone)]
pub struct Cue {
    pub lemma: &'static str,
    pub kind: CueKind,
}

/// Line markers: prefixes, exact lines and regexes.
pub struct Markers {
    prefixes: Vec<String>,
    exact: HashSet<String>,
    regexes: Vec<Regex>,
}

impl Markers {
    fn parse(src: &'static str) -> Markers {
        let mut m = Markers {
            prefixes: vec![],
            exact: HashSet::default(),
            regexes: vec![],
        };
        for r in rows(src) {
            if r.len() < 2 {
                continue;
            }
            match r[0] {
                "prefix" => m.prefixes.push(r[1].to_lowercase()),
                "exact" => {
                    m.exact.insert(r[1].to_lowercase());
                }
                "regex" => m.regexes.push(Regex::new(r[1]).expect("marker regex")),
                _ => {}
            }
        }
        m
    }

    pub fn matches(&self, line: &str) -> bool {
        let t = line.trim();
        let low = t.to_lowercase();
        self.exact.contains(&low)
            || self.prefixes.iter().any(|p| low.starts_with(p.as_str()))
            || self.regexes.iter().any(|r| r.is_match(t))
    }
}

pub struct Lexicon {
    pub abbrevs: HashMap<String, AbbrevKind>,
    pub boilerplate: Markers,
    /// Lines that head a list of linked articles ("Baca Juga", "Berita Terkait").
    pub list_headers: Markers,
    pub captions: Markers,
    pub datelines: Vec<Regex>,
    pub cues: HashMap<&'static str, Cue>,
    /// Titles keyed by their first word; each entry lists (words, is_role), longest first.
    pub titles: HashMap<&'static str, Vec<(Vec<&'static str>, bool)>>,
    pub org_names: HashSet<&'static str>,
    pub org_heads: HashSet<&'static str>,
    pub places: HashSet<&'static str>,
    /// Common given names (lang/id/given_names.tsv): where a person's name begins in a run.
    pub given_names: HashSet<&'static str>,
    /// Short names with no word of the full name (lang/id/aliases.tsv): "Jokowi" -> "Joko Widodo".
    pub aliases: HashMap<&'static str, &'static str>,
    /// News outlets and agencies (lang/id/media.tsv): organisations that relay.
    pub media: HashSet<&'static str>,
    pub words: WordLists,
}

/// Small closed word classes used by several stages (lang/id/words.tsv).
pub struct WordLists {
    pub classes: HashMap<&'static str, HashSet<&'static str>>,
}

impl WordLists {
    pub fn is(&self, class: &str, word_lower: &str) -> bool {
        self.classes
            .get(class)
            .is_some_and(|s| s.contains(word_lower))
    }

    /// `is` on the lower-case form of `word` (without allocating for short ASCII words).
    pub fn is_lower(&self, class: &str, word: &str) -> bool {
        with_lower(word, |l| self.is(class, l))
    }

    /// Does `word` begin with one of the class's prefixes and go on beyond it?
    pub fn starts_with_any(&self, class: &str, word: &str) -> bool {
        self.classes.get(class).is_some_and(|s| {
            s.iter()
                .any(|p| word.len() > p.len() && word.starts_with(p))
        })
    }
}

pub static LEX: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut abbrevs = HashMap::default();
    for r in rows(include_str!("../lang/id/abbreviations.tsv")) {
        let kind = match r.get(1).copied() {
            Some("title") => AbbrevKind::Title,
            Some("end") => AbbrevKind::End,
            _ => AbbrevKind::Inner,
        };
        abbrevs.insert(r[0].to_lowercase(), kind);
    }
    let datelines = rows(include_str!("../lang/id/datelines.tsv"))
        .map(|r| Regex::new(r[0]).expect("dateline regex"))
        .collect();
    let mut cues = HashMap::default();
    for r in rows(include_str!("../lang/id/cues.tsv")) {
        if r.len() < 3 {
            continue;
        }
        let kind = match r[2] {
            "say" => CueKind::Say,
            "according" => CueKind::According,
            "passive" => CueKind::Passive,
            _ => CueKind::Report,
        };
        cues.insert(r[0], Cue { lemma: r[1], kind });
    }
    let mut titles: HashMap<&'static str, Vec<(Vec<&'static str>, bool)>> = HashMap::default();
    for r in rows(include_str!("../lang/id/titles.tsv")) {
        let words: Vec<&'static str> = r[0].split(' ').collect();
        let role = r.get(1).copied() != Some("honorific");
        titles.entry(words[0]).or_default().push((words, role));
    }
    for v in titles.values_mut() {
        v.sort_by_key(|t| std::cmp::Reverse(t.0.len()));
    }
    let mut org_names = HashSet::default();
    let mut org_heads = HashSet::default();
    for r in rows(include_str!("../lang/id/organizations.tsv")) {
        if r.get(1).copied() == Some("head") {
            org_heads.insert(r[0]);
        } else {
            org_names.insert(r[0]);
        }
    }
    let places = rows(include_str!("../lang/id/places.tsv"))
        .map(|r| r[0])
        .collect();
    let aliases = rows(include_str!("../lang/id/aliases.tsv"))
        .filter(|r| r.len() >= 2)
        .map(|r| (r[0], r[1]))
        .collect();
    let media = rows(include_str!("../lang/id/media.tsv"))
        .map(|r| r[0])
        .collect();
    let given_names = include_str!("../lang/id/given_names.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect();
    let mut classes: HashMap<&'static str, HashSet<&'static str>> = HashMap::default();
    for r in rows(include_str!("../lang/id/words.tsv")) {
        if r.len() >= 2 {
            let set = classes.entry(r[0]).or_default();
            for w in r[1].split(' ') {
                set.insert(w);
            }
        }
    }
    Lexicon {
        abbrevs,
        boilerplate: Markers::parse(include_str!("../lang/id/boilerplate.tsv")),
        list_headers: Markers::parse(include_str!("../lang/id/list_headers.tsv")),
        captions: Markers::parse(include_str!("../lang/id/captions.tsv")),
        datelines,
        cues,
        titles,
        given_names,
        aliases,
        media,
        org_names,
        org_heads,
        places,
        words: WordLists { classes },
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse() {
        let l = &*LEX;
        assert_eq!(l.abbrevs.get("dll"), Some(&AbbrevKind::End));
        assert_eq!(l.cues.get("mengatakan").map(|c| c.lemma), Some("kata"));
        assert!(l.boilerplate.matches("Baca juga: Sesuatu"));
        assert!(!l.boilerplate.matches("Bacaan ini penting."));
        assert!(l.places.contains("Rafah"));
        assert!(l.words.is("pronoun", "beliau"));
    }
}
