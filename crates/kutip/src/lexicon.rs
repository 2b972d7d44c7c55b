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
    /// the longest prefix or exact line, in bytes: only the head of a line is lower-cased
    longest: usize,
}

impl Markers {
    fn parse(src: &'static str) -> Markers {
        let mut m = Markers {
            prefixes: vec![],
            exact: HashSet::default(),
            regexes: vec![],
            longest: 0,
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
        m.longest = m
            .prefixes
            .iter()
            .chain(m.exact.iter())
            .map(String::len)
            .max()
            .unwrap_or(0);
        m
    }

    pub fn matches(&self, line: &str) -> bool {
        let t = line.trim();
        // a character lower-cases to at most four times its bytes fewer ("K", the Kelvin sign,
        // is three bytes for one): this head holds every marker that can match
        let mut head = t.len().min(4 * self.longest + 4);
        while !t.is_char_boundary(head) {
            head -= 1;
        }
        let low = t[..head].to_lowercase();
        (head == t.len() && self.exact.contains(&low))
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
    /// the full form of a short title, lower case ("menkeu" → "menteri keuangan")
    pub title_full: HashMap<String, String>,
    /// Phrases that begin like a title but are none ("Ibu Kota": the capital), by first word.
    pub not_titles: HashMap<&'static str, Vec<Vec<&'static str>>>,
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

/// The number of a word class: its bit in a [`ClassSet`]. Classes are named in the data
/// (`lang/id/words.tsv`, and `@place`, `@org_name`, `@org_head`, `@given_name`, `@media`, `@cue`
/// and `@cue_nya` for the lexicons of their own files); code names them with [`class!`](crate::class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Class(u8);

impl Class {
    /// A class no word belongs to: what an unknown name resolves to.
    pub const NONE: Class = Class(127);
}

/// The classes a word form belongs to, looked up once per form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ClassSet(u128);

impl ClassSet {
    #[inline]
    pub fn has(self, c: Class) -> bool {
        (self.0 >> c.0) & 1 == 1
    }
    fn add(&mut self, c: Class) {
        self.0 |= 1 << c.0;
    }

    /// The set of `classes`.
    pub fn of(classes: &[Class]) -> ClassSet {
        let mut s = ClassSet::default();
        for &c in classes {
            s.add(c);
        }
        s
    }

    /// Is the form in any of `other`'s classes?
    #[inline]
    pub fn meets(self, other: ClassSet) -> bool {
        self.0 & other.0 != 0
    }
}

/// Closed word classes used by several stages (lang/id/words.tsv): one table from a word form
/// to the set of its classes, so a token's classes are found with one lookup.
pub struct WordLists {
    names: Vec<&'static str>,
    ids: HashMap<&'static str, Class>,
    sets: HashMap<&'static str, ClassSet>,
    /// the classes of one-byte forms (punctuation), without hashing
    ascii1: [ClassSet; 128],
    /// does any form begin with a digit? (if not, numbers need no lookup)
    pub digit_forms: bool,
    members: Vec<Vec<&'static str>>,
}

impl WordLists {
    fn new() -> Self {
        WordLists {
            names: Vec::new(),
            ids: HashMap::default(),
            sets: HashMap::default(),
            ascii1: [ClassSet::default(); 128],
            digit_forms: false,
            members: Vec::new(),
        }
    }

    /// Add `words` to the class `name` (created on first use).
    fn extend(&mut self, name: &'static str, words: impl IntoIterator<Item = &'static str>) {
        let id = match self.ids.get(name) {
            Some(c) => *c,
            None => {
                let c = Class(self.names.len() as u8);
                assert!(c.0 < Class::NONE.0, "more than 127 word classes");
                self.names.push(name);
                self.members.push(Vec::new());
                self.ids.insert(name, c);
                c
            }
        };
        for w in words {
            self.sets.entry(w).or_default().add(id);
            if let [b] = w.as_bytes() {
                if b.is_ascii() {
                    self.ascii1[*b as usize].add(id);
                }
            }
            self.digit_forms |= w.starts_with(|c: char| c.is_ascii_digit());
            self.members[id.0 as usize].push(w);
        }
    }

    /// The class called `name`, or [`Class::NONE`] (a test checks that every name used in the
    /// code exists).
    pub fn class(&self, name: &str) -> Class {
        self.ids.get(name).copied().unwrap_or(Class::NONE)
    }

    /// Is there a class called `name`?
    pub fn has_class(&self, name: &str) -> bool {
        self.ids.contains_key(name)
    }

    /// The classes of the word form `w`, exactly as written.
    #[inline]
    pub fn classes(&self, w: &str) -> ClassSet {
        match w.as_bytes() {
            [b] if b.is_ascii() => self.ascii1[*b as usize],
            _ => self.sets.get(w).copied().unwrap_or_default(),
        }
    }

    /// Is `word` (as written) in the class called `class`? (Resolves the name each time:
    /// code on a hot path uses [`WordLists::has`] with [`class!`](crate::class).)
    pub fn is(&self, class: &str, word: &str) -> bool {
        self.has(self.class(class), word)
    }

    /// Is `word` (as written) in class `c`?
    #[inline]
    pub fn has(&self, c: Class, word: &str) -> bool {
        self.classes(word).has(c)
    }

    /// `has` on the lower-case form of `word` (without allocating for short ASCII words).
    pub fn has_lower(&self, c: Class, word: &str) -> bool {
        with_lower(word, |l| self.has(c, l))
    }

    /// Does `word` begin with one of the class's words and go on beyond it?
    pub fn starts_with_any(&self, class: Class, word: &str) -> bool {
        self.members.get(class.0 as usize).is_some_and(|s| {
            s.iter()
                .any(|p| word.len() > p.len() && word.starts_with(p))
        })
    }
}

/// The [`ClassSet`] of several class names, resolved once per place in the code:
/// `classes!("@place", "rank")`.
#[macro_export]
macro_rules! classes {
    ($($name:literal),+ $(,)?) => {{
        static C: std::sync::OnceLock<$crate::lexicon::ClassSet> = std::sync::OnceLock::new();
        *C.get_or_init(|| {
            $crate::lexicon::ClassSet::of(&[$($crate::lexicon::LEX.words.class($name)),+])
        })
    }};
}

/// A title in lower case with a short form at its start written out: "Menkeu RI" →
/// "menteri keuangan ri", so that a role and a later reference to it compare.
pub fn full_title(t: &str) -> String {
    let l = t.to_lowercase();
    let (first, rest) = l.split_once(' ').map_or((l.as_str(), ""), |(a, b)| (a, b));
    match LEX.title_full.get(first) {
        Some(full) if rest.is_empty() => full.clone(),
        Some(full) => format!("{full} {rest}"),
        None => l,
    }
}

/// The [`Class`] of a class name, resolved once per place in the code:
/// `class!("negation")`.
#[macro_export]
macro_rules! class {
    ($name:literal) => {{
        static C: std::sync::OnceLock<$crate::lexicon::Class> = std::sync::OnceLock::new();
        *C.get_or_init(|| $crate::lexicon::LEX.words.class($name))
    }};
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
    let mut not_titles: HashMap<&'static str, Vec<Vec<&'static str>>> = HashMap::default();
    let mut title_full: HashMap<String, String> = HashMap::default();
    for r in rows(include_str!("../lang/id/titles.tsv")) {
        if let Some(full) = r.get(2) {
            title_full.insert(r[0].to_lowercase(), full.to_lowercase());
        }
        let words: Vec<&'static str> = r[0].split(' ').collect();
        if r.get(1).copied() == Some("not") {
            not_titles.entry(words[0]).or_default().push(words);
            continue;
        }
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
    let places: HashSet<&'static str> = rows(include_str!("../lang/id/places.tsv"))
        .map(|r| r[0])
        .collect();
    let aliases = rows(include_str!("../lang/id/aliases.tsv"))
        .filter(|r| r.len() >= 2)
        .map(|r| (r[0], r[1]))
        .collect();
    let media: HashSet<&'static str> = rows(include_str!("../lang/id/media.tsv"))
        .map(|r| r[0])
        .collect();
    let given_names: HashSet<&'static str> = include_str!("../lang/id/given_names.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .collect();
    let mut words = WordLists::new();
    for r in rows(include_str!("../lang/id/words.tsv")) {
        if r.len() >= 2 {
            words.extend(r[0], r[1].split(' '));
        }
    }
    words.extend("@place", places.iter().copied());
    words.extend("@org_name", org_names.iter().copied());
    words.extend("@org_head", org_heads.iter().copied());
    words.extend("@given_name", given_names.iter().copied());
    words.extend("@media", media.iter().copied());
    // every cue form, and every cue form with the clitic -nya ("katanya", "ujarnya"): a token
    // that is neither is no cue, without a lookup in `cues`
    words.extend("@cue", cues.keys().copied());
    let with_nya: Vec<&'static str> = cues
        .keys()
        .map(|k| &*Box::leak(format!("{k}nya").into_boxed_str()))
        .collect();
    words.extend("@cue_nya", with_nya);
    // number words and unit forms: a token that is neither needs no lookup in `numbers::NUM`
    words.extend("@number_word", crate::numbers::NUM.words.keys().copied());
    words.extend("@unit", crate::numbers::NUM.units.keys().copied());
    Lexicon {
        abbrevs,
        boilerplate: Markers::parse(include_str!("../lang/id/boilerplate.tsv")),
        list_headers: Markers::parse(include_str!("../lang/id/list_headers.tsv")),
        captions: Markers::parse(include_str!("../lang/id/captions.tsv")),
        datelines,
        cues,
        titles,
        title_full,
        not_titles,
        given_names,
        aliases,
        media,
        org_names,
        org_heads,
        places,
        words,
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
        assert!(l.words.is("@place", "Rafah"));
        assert!(!l.words.is("pronoun", "Beliau"));
        assert!(!l.words.is("no such class", "beliau"));
    }

    /// Every class named in the code (`class!("...")`, `classes!(...)`) is a class of the data:
    /// an unknown name would silently match nothing.
    #[test]
    fn classes_named_in_the_code_exist() {
        let call = Regex::new(r#"class(?:es)?!\(([^)]*)\)"#).unwrap();
        let name = Regex::new(r#""(@?[a-z_]+)""#).unwrap();
        let mut seen = 0;
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let src = std::fs::read_to_string(&p).unwrap();
                    for c in call.captures_iter(&src) {
                        for n in name.captures_iter(&c[1]) {
                            seen += 1;
                            assert!(
                                LEX.words.has_class(&n[1]),
                                "{}: unknown class {:?}",
                                p.display(),
                                &n[1]
                            );
                        }
                    }
                }
            }
        }
        assert!(seen > 50, "only {seen} class names found in the code");
    }
}
