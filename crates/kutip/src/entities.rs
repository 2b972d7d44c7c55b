//! Stage 3: mentions of persons, organisations and places, grouped into document entities.
//!
//! A mention is a run of capitalised tokens in a content block. Its first words may be a title
//! (lang/id/titles.tsv) extended by role words (lang/id/words.tsv `role_word`), an organisation
//! (lang/id/organizations.tsv) or a place (lang/id/places.tsv). "Gallant" joins "Yoav Gallant" when
//! its words are part of the fuller name; the fullest form is the entity's name.

use crate::doc::{Analysis, TextSpan, TokKind};
use crate::lexicon::LEX;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
    Other,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    pub id: usize,
    pub name: String,
    pub kind: EntityKind,
    pub mentions: Vec<TextSpan>,
    pub roles: Vec<String>,
    pub affiliations: Vec<String>,
}

/// A mention found in the text, with the parts of a person's introduction.
#[derive(Debug, Clone)]
pub struct Mention {
    pub entity: usize,
    /// Whole span (role + name for "Presiden Joko Widodo"; with the comma for appositions).
    pub start: usize,
    pub end: usize,
    pub tok_start: usize,
    pub tok_end: usize,
    /// Token ranges of the parts, when present.
    pub role: Option<(usize, usize)>,
    pub affiliation: Option<(usize, usize)>,
    pub name: Option<(usize, usize)>,
    pub apposition: bool,
    pub in_quote: bool,
}

#[derive(Debug, Default)]
pub struct Entities {
    pub entities: Vec<Entity>,
    pub mentions: Vec<Mention>,
    /// For each token, the index of the mention covering it.
    pub mention_at: Vec<Option<usize>>,
    name_words: Vec<Vec<String>>,
    index: Index,
}

/// Lookups of entities by what their names hold, so that joining a mention costs the same at
/// the end of a 10 MB document as at its start. Lists are in entity order; an entry may be
/// stale after a name grew ("Gallant" → "Yoav Gallant"), so every hit is checked against the
/// entity's current name.
///
/// Keys are hashes of a word or of a name's words ([`key`]): a collision only adds a candidate
/// that the check then rejects, and no key is allocated.
#[derive(Debug, Default)]
struct Index {
    /// entities whose name has this word
    by_word: HashMap<u64, Vec<usize>>,
    /// entities whose name is exactly these words
    by_name: HashMap<u64, Vec<usize>>,
    /// the words of persons' names, sorted, for "Risma" → "Rismaharini"
    person_words: std::collections::BTreeMap<String, Vec<usize>>,
    /// entities whose name is a key of the alias list ("Jokowi")
    aliased: Vec<usize>,
    /// organisations by the short name given in brackets after their name ("KPU" for
    /// "Komisi Pemilihan Umum (KPU)")
    short: HashMap<u64, usize>,
    /// entities with no name word (a run of brackets)
    unnamed: Vec<usize>,
}

/// At most this many entities sharing a word are looked at when a mention joins one: a real
/// document has a handful; a page of capitalised noise must not cost quadratic time.
const SCAN: usize = 256;

/// The index key of a sequence of words (one word, or a name's words).
fn key<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    for w in words {
        h.write(w.as_ref().as_bytes());
        h.write_u8(0xff);
    }
    h.finish()
}

fn add_to(map: &mut HashMap<u64, Vec<usize>>, key: u64, id: usize) {
    let v = map.entry(key).or_default();
    // lists stay sorted; a new entity's id is the largest, so it is pushed
    if let Err(p) = v.binary_search(&id) {
        v.insert(p, id);
    }
}

impl Index {
    fn add(&mut self, id: usize, name: &str, words: &[String]) {
        if words.is_empty() {
            self.unnamed.push(id);
        }
        for w in words {
            add_to(&mut self.by_word, key([w]), id);
        }
        add_to(&mut self.by_name, key(words), id);
        if LEX.aliases.contains_key(name) && !self.aliased.contains(&id) {
            self.aliased.push(id);
            self.aliased.sort_unstable();
        }
    }

    /// Note a person's name words (when an entity is or becomes a person).
    fn add_person(&mut self, id: usize, words: &[String]) {
        for w in words {
            let v = self.person_words.entry(w.clone()).or_default();
            if let Err(p) = v.binary_search(&id) {
                v.insert(p, id);
            }
        }
    }

    /// The one person whose name has a word that `w` shortens ("Risma" → "Rismaharini": a
    /// word at least two letters longer that begins with it); None when there are several.
    fn person_shortened(&self, w: &str, is_person: impl Fn(usize) -> bool) -> Option<usize> {
        let mut found = None;
        for (x, ids) in self
            .person_words
            .range::<str, _>((std::ops::Bound::Excluded(w), std::ops::Bound::Unbounded))
        {
            if !x.starts_with(w) {
                break;
            }
            if x.len() <= w.len() + 1 {
                continue;
            }
            for &id in ids.iter().filter(|&&id| is_person(id)) {
                match found {
                    None => found = Some(id),
                    Some(f) if f == id => {}
                    Some(_) => return None,
                }
            }
        }
        found
    }

    /// Entities that may be `words` or contain them or be contained in them, in order: those
    /// whose name has every word of `words` (found through the rarest of them) and those named
    /// by a contiguous part of `words`.
    fn candidates(&self, words: &[String]) -> Vec<usize> {
        if words.is_empty() {
            return self.unnamed.clone();
        }
        let lists: Vec<&[usize]> = words
            .iter()
            .map(|w| Self::list(&self.by_word, key([w])))
            .collect();
        let Some(rarest) = lists.iter().min_by_key(|l| l.len()) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = rarest
            .iter()
            .take(SCAN)
            .copied()
            .filter(|id| lists.iter().all(|l| l.binary_search(id).is_ok()))
            .collect();
        if words.len() > 1 {
            for a in 0..words.len() {
                for b in a + 1..=words.len() {
                    if b - a < words.len() {
                        out.extend_from_slice(Self::list(&self.by_name, key(&words[a..b])));
                    }
                }
            }
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    fn list(map: &HashMap<u64, Vec<usize>>, key: u64) -> &[usize] {
        map.get(&key).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn cap(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_uppercase())
}

fn is_acronym(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 6
        && s.chars().any(|c| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// A derived Indonesian noun (ke-/pe-/per-...-an: "Ketahanan", "Pertanian") or a borrowed
/// abstract noun ("Transmigrasi", "Teknologi", "Universitas", "Nasional") is not a name.
fn is_derived_noun(w: &str) -> bool {
    crate::lexicon::with_lower(w, |l| {
        let n = l.chars().count();
        (n > 7 && l.ends_with("an") && ["ke", "pe"].iter().any(|p| l.starts_with(p)))
            || (n >= 7
                && [
                    "asi", "isasi", "logi", "itas", "isme", "onal", "ensi", "ansi",
                ]
                .iter()
                .any(|x| l.ends_with(x)))
    }) || LEX.words.starts_with_any(crate::class!("org_prefix"), w)
}

/// Can this word be part of a person's name?
fn name_like(w: &str) -> bool {
    let not_names = crate::classes!(
        "@org_head",
        "@org_name",
        "org_word",
        "role_word",
        "@place",
        "rank"
    );
    cap(w)
        && !(LEX.words.classes(w).meets(not_names)
            || is_derived_noun(w)
            || (is_acronym(w) && w.len() > 2)
            || w.bytes().any(|b| b.is_ascii_digit())
            || crate::lexicon::with_lower(w, |l| {
                LEX.words
                    .classes(l)
                    .meets(crate::classes!("direction", "number_label"))
            })
            || matches!(
                w,
                "II" | "III" | "IV" | "VI" | "VII" | "VIII" | "IX" | "XI" | "XII"
            ))
}

/// Does the word before `k` announce a place ("Desa", "Kabupaten", "Polsek")?
fn after_place_noun(words: &[&str], k: usize) -> bool {
    k > 0
        && LEX
            .words
            .has_lower(crate::class!("place_noun"), words[k - 1])
}

/// What the whole document says about its capitalised words.
struct Seen<'a> {
    /// capitalised words that stand alone somewhere (not sentence-initial): "kata Agung"
    solo: HashSet<&'a str>,
    /// words written in lower case somewhere ("gambut", "pasar"): ordinary words, not names
    lower: HashSet<&'a str>,
}

impl Seen<'_> {
    /// `name_like`, and not an ordinary word of this document (unless it also stands alone
    /// as a name: "kata Agung").
    fn name_like(&self, w: &str) -> bool {
        name_like(w)
            && (self.solo.contains(w)
                || w.len() <= 3
                || !crate::lexicon::with_lower(w, |l| self.lower.contains(l)))
    }
}

impl Entities {
    /// Does the mention `words` of `kind` belong to entity `i` (the same name, or a part or an
    /// extension of a person's name)? The entity takes the fuller name and a known kind.
    fn join(&mut self, i: usize, kind: EntityKind, words: &[String], name: &str) -> Option<usize> {
        let e = &mut self.entities[i];
        let ew = &self.name_words[i];
        let compatible = e.kind == kind || e.kind == EntityKind::Other || kind == EntityKind::Other;
        if !compatible {
            return None;
        }
        let person_like = matches!(e.kind, EntityKind::Person | EntityKind::Other)
            && matches!(kind, EntityKind::Person | EntityKind::Other);
        // a person's name grows to a fuller form, never to a run of more than five words
        // (a headline in title case: "Patrick Kluivert Ungkap Cara ...")
        let longer = person_like
            && !words.is_empty()
            && !ew.is_empty()
            && words.len() <= 5
            && !contains_seq(ew, words)
            && contains_seq(words, ew);
        if !(*ew == words
            || (person_like && !words.is_empty() && !ew.is_empty() && contains_seq(ew, words))
            || longer)
        {
            return None;
        }
        if e.kind == EntityKind::Other {
            e.kind = kind;
        }
        let person = e.kind == EntityKind::Person;
        if longer {
            e.name = name.to_string();
            self.name_words[i] = words.to_vec();
            self.index.add(i, name, words);
        }
        if person {
            self.index.add_person(i, &self.name_words[i]);
        }
        Some(i)
    }

    fn find_or_add(&mut self, kind: EntityKind, words: &[String]) -> usize {
        if let Some(i) = self.by_short(words) {
            return i;
        }
        let name = words.join(" ");
        // same kind, or an unknown name joining a known one. An organisation or a place joins
        // only its own name; a single word is looked for in its list directly (the first
        // compatible entity takes it)
        if matches!(kind, EntityKind::Organization | EntityKind::Place) {
            let same: Vec<usize> = Index::list(&self.index.by_name, key(words)).to_vec();
            for i in same {
                if let Some(i) = self.join(i, kind, words, &name) {
                    return i;
                }
            }
        } else if let [w] = words {
            let (mut k, wk) = (0, key([w]));
            while let Some(&i) = self
                .index
                .by_word
                .get(&wk)
                .and_then(|l| l.get(k))
                .filter(|_| k < SCAN)
            {
                if let Some(i) = self.join(i, kind, words, &name) {
                    return i;
                }
                k += 1;
            }
        } else {
            for i in self.index.candidates(words) {
                if let Some(i) = self.join(i, kind, words, &name) {
                    return i;
                }
            }
        }
        // a well-known short name: "Jokowi" and "Joko Widodo"
        let person_like = |e: &Entity| matches!(e.kind, EntityKind::Person | EntityKind::Other);
        let hit = match LEX.aliases.get(name.as_str()).copied() {
            Some(full) => {
                let first = full.split(' ').next().unwrap_or(full);
                Index::list(&self.index.by_word, key([first]))
                    .iter()
                    .copied()
                    .find(|&i| {
                        person_like(&self.entities[i]) && self.entities[i].name.contains(full)
                    })
            }
            None => self.index.aliased.iter().copied().find(|&i| {
                let e = &self.entities[i];
                person_like(e)
                    && LEX
                        .aliases
                        .get(e.name.as_str())
                        .is_some_and(|f| name.contains(f))
            }),
        };
        if let Some(i) = hit {
            return i;
        }
        // a short form of one word of a person's name: "Risma" for "Tri Rismaharini"
        if let [w] = words {
            if w.chars().count() >= 4 && matches!(kind, EntityKind::Person | EntityKind::Other) {
                let persons = |i: usize| {
                    self.entities[i].kind == EntityKind::Person
                        && self.name_words[i]
                            .iter()
                            .any(|x| x.len() > w.len() + 1 && x.starts_with(w.as_str()))
                };
                if let Some(i) = self.index.person_shortened(w, persons) {
                    return i;
                }
            }
        }
        let id = self.entities.len();
        self.index.add(id, &name, words);
        if kind == EntityKind::Person {
            self.index.add_person(id, words);
        }
        self.entities.push(Entity {
            id,
            name,
            kind,
            mentions: vec![],
            roles: vec![],
            affiliations: vec![],
        });
        self.name_words.push(words.to_vec());
        id
    }

    /// An organisation named in full with its short name in brackets: "Komisi Pemilihan Umum
    /// (KPU)". Its name is written so, and a later "KPU" is the same organisation; an entity
    /// already named "KPU" takes the full name.
    fn org_with_short(&mut self, full: &[String], short: &str) -> usize {
        let name = format!("{} ({short})", full.join(" "));
        let mut words = full.to_vec();
        words.push(short.to_string());
        let sk = key([short]);
        let known = self.index.short.get(&sk).copied().or_else(|| {
            Index::list(&self.index.by_name, sk)
                .iter()
                .copied()
                .find(|&i| {
                    matches!(
                        self.entities[i].kind,
                        EntityKind::Organization | EntityKind::Other
                    )
                })
        });
        let id = match known {
            Some(i) => {
                if self.name_words[i].len() < words.len() {
                    self.entities[i].name = name.clone();
                    self.name_words[i] = words.clone();
                    self.index.add(i, &name, &words);
                }
                self.entities[i].kind = EntityKind::Organization;
                i
            }
            None => {
                let i = self.find_or_add(EntityKind::Organization, &words);
                self.entities[i].name = name;
                i
            }
        };
        self.index.short.insert(sk, id);
        id
    }

    /// The organisation a short name was given to in this document.
    fn by_short(&self, words: &[String]) -> Option<usize> {
        match words {
            [w] => self.index.short.get(&key([w])).copied(),
            _ => None,
        }
    }

    pub fn set_kind(&mut self, e: usize, kind: EntityKind) {
        if let Some(x) = self.entities.get_mut(e) {
            if x.kind == EntityKind::Other {
                x.kind = kind;
                if kind == EntityKind::Person {
                    self.index.add_person(e, &self.name_words[e]);
                }
            }
        }
    }

    /// A person or unknown entity whose name contains this word.
    pub fn person_named(&self, w: &str) -> Option<usize> {
        Index::list(&self.index.by_word, key([w]))
            .iter()
            .copied()
            .find(|&i| {
                matches!(
                    self.entities[i].kind,
                    EntityKind::Person | EntityKind::Other
                ) && self.name_words[i].iter().any(|x| x == w)
            })
    }

    /// Entity of the organisation named in this role phrase, if known.
    pub fn org_named(&self, name: &str) -> Option<usize> {
        Index::list(&self.index.by_name, key(name.split(' ')))
            .iter()
            .copied()
            .find(|&i| {
                self.entities[i].kind == EntityKind::Organization && self.entities[i].name == name
            })
    }

    /// Is `words` the whole name of an entity that is not a person (an organisation, a place,
    /// or for two words an unknown name)?
    fn names_something_else(&self, words: &[&str]) -> bool {
        Index::list(&self.index.by_name, key(words))
            .iter()
            .any(|&e| {
                let nw = &self.name_words[e];
                nw.len() == words.len()
                    && nw.iter().zip(words).all(|(a, b)| a == b)
                    && match self.entities[e].kind {
                        EntityKind::Organization | EntityKind::Place => true,
                        EntityKind::Other => words.len() == 2,
                        EntityKind::Person => false,
                    }
            })
    }
}

fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Length in tokens of a title at `i` (lang/id/titles.tsv), with whether it is a role.
pub(crate) fn title_at(words: &[&str], i: usize) -> Option<(usize, bool)> {
    let first = words.get(i)?;
    let starts = |ws: &Vec<&str>| {
        words.len() >= i + ws.len() && ws.iter().zip(&words[i..]).all(|(a, b)| a == b)
    };
    if LEX
        .not_titles
        .get(first)
        .is_some_and(|v| v.iter().any(starts))
    {
        return None;
    }
    let cands = LEX.titles.get(first);
    for (ws, role) in cands.into_iter().flatten() {
        if words.len() >= i + ws.len() && ws.iter().zip(&words[i..]).all(|(a, b)| a == b) {
            return Some((ws.len(), *role));
        }
    }
    // "Wakil Kepala Polda", "Mantan Menteri": a prefix that makes a title of the next one
    if LEX.words.has_lower(crate::class!("role_prefix"), first) {
        return title_at(words, i + 1).map(|(l, role)| (l + 1, role));
    }
    None
}

/// An honorific that PFSA-style names keep: "dr Niken", "Prof Dr Amin".
fn name_honorific(w: &str) -> bool {
    LEX.words.has(crate::class!("name_honorific"), w)
}

/// An initial: "M", "A.", "RZ" (two capitals) belongs to the name that follows or precedes it.
fn is_initial(w: &str) -> bool {
    let core = w.trim_end_matches('.');
    !core.is_empty()
        && core.len() <= 2
        && core.chars().all(|c| c.is_ascii_uppercase())
        && !matches!(core, "II" | "IV" | "VI" | "IX" | "XI" | "XV" | "XX")
}

/// Length in tokens of a place name starting at `i` (up to three words).
fn place_len(words: &[&str], i: usize, end: usize) -> usize {
    for n in (1..=3).rev() {
        if i + n <= end && LEX.places.contains(words[i..i + n].join(" ").as_str()) {
            return n;
        }
    }
    0
}

fn is_org_word(w: &str) -> bool {
    LEX.words
        .classes(w)
        .meets(crate::classes!("@org_head", "@org_name", "org_word"))
}

/// For each token, the title word it stands for when it continues a title in lower case
/// ("bicara" in "Juru bicara").
fn title_continuations(words: &[&str]) -> Vec<Option<&'static str>> {
    let mut out = vec![None; words.len()];
    for k in 0..words.len() {
        let Some(cands) = LEX.titles.get(words[k]) else {
            continue;
        };
        for (ws, _) in cands {
            if ws.len() < 2 || k + ws.len() > words.len() {
                continue;
            }
            let fits = ws[1..]
                .iter()
                .zip(&words[k + 1..])
                .all(|(t, w)| t.eq_ignore_ascii_case(w));
            if fits {
                for (m, t) in ws[1..].iter().enumerate() {
                    if words[k + 1 + m] != *t {
                        out[k + 1 + m] = Some(*t);
                    }
                }
                break;
            }
        }
    }
    out
}

/// The end (after ")") of a bracketed name in another language after an organisation,
/// ending with its short form: "(World Food Programme/WFP)".
fn long_short_name(words: &[&str], open: usize, end: usize) -> Option<usize> {
    let lim = (open + 14).min(end);
    let close = (open + 1..lim).find(|&k| words[k] == ")")?;
    let inner = &words[open + 1..close];
    let ok = inner.len() >= 3
        && inner.last().is_some_and(|w| is_acronym(w))
        && inner.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                || matches!(*w, "/" | "for" | "of" | "and" | "the" | "-")
        });
    ok.then_some(close + 1)
}

/// The longest run of capitalised tokens read as one name ("Kementerian Koordinator Bidang
/// Pembangunan Manusia dan Kebudayaan Republik Indonesia" has 10).
const MAX_RUN: usize = 24;

pub fn find(src: &str, a: &Analysis, quoted: &[bool]) -> Entities {
    let mut ents = Entities {
        mention_at: vec![None; a.tokens.len()],
        ..Default::default()
    };
    let written: Vec<&str> = a.tokens.iter().map(|t| &src[t.start..t.end]).collect();
    // a title written with lower-case words after its first ("Juru bicara Hamas", "Wakil
    // ketua DPR") is read as the title
    let titled = title_continuations(&written);
    let words: Vec<&str> = written
        .iter()
        .zip(&titled)
        .map(|(w, t)| t.unwrap_or(w))
        .collect();
    let mut solo: HashSet<&str> = HashSet::default();
    let mut lower: HashSet<&str> =
        HashSet::with_capacity_and_hasher(a.tokens.len() / 2, Default::default());
    for s in &a.sentences {
        for (t, w) in a.tokens[s.tok_start..s.tok_end]
            .iter()
            .zip(&words[s.tok_start..s.tok_end])
        {
            if t.kind == TokKind::Word && w.starts_with(|c: char| c.is_lowercase()) {
                lower.insert(w);
            }
        }
        for k in s.tok_start + 1..s.tok_end {
            let w = words[k];
            let alone_before = !cap(words[k - 1]);
            let alone_after = k + 1 >= s.tok_end || !cap(words[k + 1]);
            if cap(w)
                && alone_before
                && alone_after
                && a.tokens[k].kind == TokKind::Word
                && name_like(w)
            {
                solo.insert(w);
            }
        }
    }
    let seen = Seen { solo, lower };
    for s in &a.sentences {
        if !a.blocks[s.block].kind.is_content() {
            continue;
        }
        let mut i = s.tok_start;
        while i < s.tok_end {
            let starts = |k: usize| {
                a.tokens[k].kind == TokKind::Word
                    && (cap(words[k]) || a.tokens[k].abbrev && cap(words[k]))
            };
            if !starts(i) {
                i += 1;
                continue;
            }
            // maximal run of capitalised words (name links allowed inside), at most MAX_RUN
            // tokens: no name is longer, and text in capitals must not cost quadratic time
            let mut j = i;
            while j < s.tok_end && j - i < MAX_RUN {
                // "BPS dan KSP", "Badan Pusat Statistik (BPS) dan Kantor Staf Presiden": a
                // complete organisation (ending with its short form) and a new one begin
                // on either side of "dan": two names
                let two_orgs = |j: usize| {
                    j > i
                        && (is_acronym(words[j - 1]) || words[j - 1] == ")")
                        && words.get(j + 1).is_some_and(|n| {
                            is_acronym(n) || LEX.words.has(crate::class!("@org_head"), n)
                        })
                };
                let links_org = |j: usize| {
                    // "Indonesia for Global Justice", "Kementerian Koperasi dan UKM"
                    !two_orgs(j) && LEX.words.has(crate::class!("org_link_en"), words[j])
                        || (LEX.words.has(crate::class!("org_link"), words[j])
                            && !two_orgs(j)
                            && title_at(&words, j + 1).is_none()
                            && ((j.saturating_sub(3).max(i)..j).any(|k| is_org_word(words[k]))
                                || (title_at(&words, i).is_some()
                                    && (i..j).all(|k| !seen.solo.contains(words[k])))))
                };
                if starts(j)
                    || (j > i
                        && j + 1 < s.tok_end
                        && (LEX.words.has(crate::class!("name_link"), words[j]) || links_org(j))
                        && starts(j + 1))
                {
                    j += 1;
                } else if j > i
                    && a.tokens[j].kind == TokKind::Number
                    && words[j].len() <= 3
                    && j + 1 < s.tok_end
                    && starts(j + 1)
                    && is_org_word(words[j - 1])
                {
                    // a number inside an organisation's name: "Densus 88 Antiteror Polri"
                    j += 1;
                } else if j > i
                    && words[j] == ","
                    && j + 1 < s.tok_end
                    && starts(j + 1)
                    && (i..j).any(|k| is_org_word(words[k]))
                    && (j + 1..(j + 6).min(s.tok_end)).any(|k| {
                        LEX.words.has(crate::class!("org_link"), words[k])
                            && k + 1 < s.tok_end
                            && starts(k + 1)
                    })
                    && (j + 1..(j + 6).min(s.tok_end))
                        .take_while(|&k| words[k] != "dan" && words[k] != "serta")
                        .all(|k| starts(k) || words[k] == ",")
                {
                    // an enumeration inside an organisation's name: "Pusat Data, Informasi
                    // dan Komunikasi Kebencanaan", "Meteorologi, Klimatologi, dan Geofisika"
                    j += 1;
                } else if j > i
                    && words[j] == ","
                    && j > 0
                    && LEX.words.has(
                        crate::class!("org_link"),
                        words.get(j + 1).copied().unwrap_or(""),
                    )
                    && j + 2 < s.tok_end
                    && starts(j + 2)
                    && (i..j).any(|k| is_org_word(words[k]))
                {
                    // "..., Klimatologi, dan Geofisika": the comma before the last item
                    j += 1;
                } else if j > i
                    && words[j] == "("
                    && j + 2 < s.tok_end
                    && (i..j).any(|k| is_org_word(words[k]))
                    && long_short_name(&words, j, s.tok_end).is_some()
                {
                    // "Program Pangan Dunia (World Food Programme/WFP)": a name in another
                    // language, with its short form
                    j = long_short_name(&words, j, s.tok_end).unwrap_or(j + 1);
                } else if j > i
                    && words[j] == "("
                    && j + 2 < s.tok_end
                    && (is_acronym(words[j + 1])
                        || (starts(j + 1) && j + 3 < s.tok_end && starts(j + 3))
                        // "Kementerian Kesehatan (Kemenkes)": a short name after an
                        // organisation
                        || (starts(j + 1) && (i..j).any(|k| is_org_word(words[k]))))
                    && words[j + 2] == ")"
                {
                    // "Komisi Pemilihan Umum (KPU)", "Wali Kota (Walkot) Pekanbaru ..."
                    j += 3;
                } else {
                    break;
                }
            }
            let mut k = i;
            while k < j
                && (LEX.words.has(crate::class!("not_name"), words[k])
                    // "Dilansir AFP", "Dikatakannya", "Menyikapi ...": a verb starting the
                    // sentence
                    // "Data BPS", "Laporan Badan ...": a source noun before an organisation
                    || (k + 1 < j
                        && a.is(k, crate::class!("source_noun"))
                        && (is_acronym(words[k + 1])
                            || LEX.words.classes(words[k + 1]).meets(crate::classes!(
                                "@org_head",
                                "@org_name",
                                "@place"
                            ))))
                    || a.is(k, crate::class!("@cue"))
                    || a.is(k, crate::class!("relay_marker"))
                    || a.is(k, crate::class!("@cue_nya"))
                    // "Kedatangan Prabowo", "Pemerintahan Prabowo"
                    || (k + 1 < j && is_derived_noun(words[k]) && !is_org_word(words[k])))
                && title_at(&words, k).is_none()
            {
                k += 1;
            }
            // a lone sentence-initial word is an ordinary capitalised word unless known
            let first = k == s.tok_start
                || (k > s.tok_start
                    && matches!(a.tokens[k - 1].kind, TokKind::Quote | TokKind::Punct));
            let known = k >= j
                || title_at(&words, k).is_some()
                || is_org_word(words[k])
                || LEX.places.contains(words[k])
                || is_acronym(words[k]);
            // ... and so does a word that stands alone elsewhere ("Syarifudin, kuasa hukum ...
            // kata Syarifudin")
            if k + 1 == j
                && first
                && !known
                && ents.person_named(words[k]).is_none()
                && !(seen.solo.contains(words[k]) && words.get(j) == Some(&","))
            {
                // (k < j holds here: `known` is true otherwise)
                k = j;
            }
            let mut end = j;
            if k < j {
                let chunks = Chunks {
                    src,
                    a,
                    words: &words,
                    quoted,
                    seen: &seen,
                    sent_end: s.tok_end,
                };
                end = chunks.analyse(&mut ents, k, j);
            }
            i = end.max(j).max(i + 1);
        }
    }
    // lower-case references to an organisation: "kelompoknya"
    ents
}

/// A word that can carry a person's name on its own: looks like a name and is written in
/// lower case after its capital ("Satori", not "TV" or "M").
fn has_name_word(words: &[&str], k: usize, seen: &Seen) -> bool {
    let w = words[k];
    w.chars().count() >= 3 && w.chars().skip(1).any(char::is_lowercase) && seen.name_like(w)
}

/// Where a person's name begins in the run `lo..j` that ends with it: the tail of words that
/// look like a name (at most four). A word used on its own elsewhere ("kata Agung") or a given
/// name marks where it begins; initials, ranks ("Brigadir Jenderal (Pol)", "Letjen TNI") and
/// honorifics ("dr", "Prof Dr") before it belong to it.
fn name_start(words: &[&str], lo: usize, j: usize, seen: &Seen) -> Option<usize> {
    let mut ns = j;
    while ns > lo && seen.name_like(words[ns - 1]) && j - ns < 4 {
        ns -= 1;
    }
    if ns == j {
        return None;
    }
    let ns0 = ns;
    // after a rank or honorific the window is the whole name: "Ajun Komisaris Besar Bismo Teguh
    // Prakoso"
    let clean = ns0 > lo
        && (LEX.words.has(crate::class!("rank"), words[ns0 - 1]) || name_honorific(words[ns0 - 1]));
    let solo_at = if clean {
        None
    } else {
        (ns..j).find(|&p| seen.solo.contains(words[p]))
    };
    if let Some(p) = solo_at {
        // a solo first name starts the name; a solo surname keeps its given name
        // ("Ahmad Luthfi" ... "kata Luthfi")
        ns = if p + 1 == j && p > ns { p - 1 } else { p };
    }
    if let Some(p) = (ns0..j - 1)
        .find(|&p| LEX.given_names.contains(words[p]))
        .filter(|_| !clean)
    {
        // "Rektor Unair Mohammad Nasih", "Bupati Banyuwangi Abdullah Azwar Anas" (even when
        // "Anas" stands alone elsewhere)
        if solo_at.is_none() || p < ns {
            ns = p;
        }
    }
    // a given name just before a four-word window begins it: "Dwi Oktavia Tatri Lestari
    // Handayani"
    if ns > lo && ns == ns0 && LEX.given_names.contains(words[ns - 1]) {
        ns -= 1;
    }
    while ns > lo
        && is_initial(words[ns - 1])
        && !LEX.places.contains(words[ns - 1])
        && !is_org_word(words[ns - 1])
    {
        ns -= 1;
    }
    let rank = |k: usize| {
        LEX.words.has(crate::class!("rank"), words[k])
            || (k > lo
                && LEX.words.has(crate::class!("rank_branch"), words[k])
                && LEX.words.has(crate::class!("rank"), words[k - 1]))
    };
    loop {
        if ns > lo && (rank(ns - 1) || name_honorific(words[ns - 1])) {
            ns -= 1;
        } else if ns >= lo + 4 && words[ns - 1] == ")" && words[ns - 3] == "(" && rank(ns - 4) {
            ns -= 3;
        } else {
            break;
        }
    }
    Some(ns)
}

/// One sentence's capitalised runs being read into mentions: the document's words and what
/// the document says about them.
struct Chunks<'x, 'w> {
    src: &'x str,
    a: &'x Analysis,
    words: &'x [&'w str],
    quoted: &'x [bool],
    seen: &'x Seen<'w>,
    sent_end: usize,
}

/// How far a title's role reaches in a run (step 1 of [`Chunks::analyse`]).
struct RoleScan {
    /// the end of the role and organisation words
    end: usize,
    /// where an organisation inside the role begins
    aff_start: Option<usize>,
    /// where a place inside the role begins
    place_at: Option<usize>,
}

impl Chunks<'_, '_> {
    /// The run `i..j` of capitalised words, read as the first that fits of: a title with its
    /// role, organisation and name (or an apposition after it); an organisation ending with a
    /// person's name; an organisation; a place; a name. Returns where reading goes on.
    fn analyse(&self, ents: &mut Entities, i: usize, j: usize) -> usize {
        let words = self.words;
        // a capitalised word before a title is not part of the name: "Pernyataan Menteri
        // Keuangan X", "Ajakan Gus Ipul" (but "Mantan Presiden" is one role)
        if i + 1 < j
            && title_at(words, i).is_none()
            && title_at(words, i + 1).is_some()
            && !LEX.words.has_lower(crate::class!("role_prefix"), words[i])
            && !LEX.words.has(crate::class!("rank"), words[i])
        {
            return self.analyse(ents, i + 1, j);
        }
        if let Some((tl, is_role)) = title_at(words, i) {
            // a form of address before a title: "Pak Menteri", "Bapak Presiden Prabowo"
            if !is_role
                && LEX.words.has(crate::class!("address_honorific"), words[i])
                && title_at(words, i + tl).is_some_and(|t| t.1)
                && i + tl < j
            {
                return self.analyse(ents, i + tl, j);
            }
            return self.titled(ents, i, j, tl, is_role);
        }
        if let Some(end) = self.org_then_name(ents, i, j) {
            return end;
        }
        if is_org_word(words[i])
            || (j - i == 1 && is_acronym(words[i]) && !LEX.places.contains(words[i]))
        {
            let id = self.org(ents, i..j);
            self.push(ents, i, id, (i, j), Parts::default());
            return j;
        }
        if let Some(end) = self.place(ents, i, j) {
            return end;
        }
        self.name(ents, i, j)
    }

    /// The words of `r` without brackets, as the entity index keeps them.
    fn owned(&self, r: std::ops::Range<usize>) -> Vec<String> {
        self.words[r]
            .iter()
            .filter(|w| !matches!(**w, "(" | ")"))
            .map(|w| w.to_string())
            .collect()
    }

    /// An organisation over tokens `r`; a short name in brackets at its end is its short name.
    fn org(&self, ents: &mut Entities, r: std::ops::Range<usize>) -> usize {
        let words = self.words;
        let (s, e) = (r.start, r.end);
        if e >= s + 4 && words[e - 3] == "(" && words[e - 1] == ")" {
            let full = self.owned(s..e - 3);
            return ents.org_with_short(&full, words[e - 2]);
        }
        // "... (World Food Programme/WFP)"
        if e >= s + 5 && words[e - 1] == ")" && is_acronym(words[e - 2]) {
            if let Some(o) = (s + 1..e - 2).rev().find(|&k| words[k] == "(") {
                let full = self.owned(s..o);
                return ents.org_with_short(&full, words[e - 2]);
            }
        }
        ents.find_or_add(EntityKind::Organization, &self.owned(r))
    }

    /// The entity of a person's (or an unknown) name over `r`. A short form in brackets at its
    /// end ("Agus Harimurti Yudhoyono (AHY)") is not part of the name, and a later "AHY" in the
    /// document is the same entity.
    fn named(&self, ents: &mut Entities, kind: EntityKind, r: std::ops::Range<usize>) -> usize {
        let words = self.words;
        let bare = |r: std::ops::Range<usize>| {
            if kind == EntityKind::Person {
                self.person(r)
            } else {
                self.owned(r)
            }
        };
        let (s, e) = (r.start, r.end);
        if e >= s + 4 && words[e - 3] == "(" && words[e - 1] == ")" && is_acronym(words[e - 2]) {
            let id = ents.find_or_add(kind, &bare(s..e - 3));
            ents.index.short.insert(key([words[e - 2]]), id);
            return id;
        }
        ents.find_or_add(kind, &bare(r))
    }

    /// A person's name without the ranks and honorifics before it ("Irjen Whisnu Hermawan" is
    /// Whisnu Hermawan; the mention keeps them).
    fn person(&self, r: std::ops::Range<usize>) -> Vec<String> {
        let all = self.owned(r);
        let bare = all
            .iter()
            .position(|w| {
                !(LEX.words.has(crate::class!("rank"), w)
                    || LEX.words.has(crate::class!("rank_branch"), w)
                    || LEX.words.has(crate::class!("address_honorific"), w)
                    || name_honorific(w))
            })
            .unwrap_or(all.len());
        if bare < all.len() {
            all[bare..].to_vec()
        } else {
            all
        }
    }

    /// Record a mention of `entity` over tokens `ts..te`, with its parts; `chunk` is where the
    /// run being read begins (a quotation around it makes the mention quoted).
    fn push(
        &self,
        ents: &mut Entities,
        chunk: usize,
        entity: usize,
        (ts, te): (usize, usize),
        parts: Parts,
    ) {
        let (src, a) = (self.src, self.a);
        let (start, end) = (a.tokens[ts].start, a.tokens[te - 1].end);
        let mi = ents.mentions.len();
        ents.mentions.push(Mention {
            entity,
            start,
            end,
            tok_start: ts,
            tok_end: te,
            role: parts.role,
            affiliation: parts.aff,
            name: parts.name,
            apposition: parts.appo,
            in_quote: self.quoted.get(chunk).copied().unwrap_or(false),
        });
        for t in ts..te {
            ents.mention_at[t] = Some(mi);
        }
        let e = &mut ents.entities[entity];
        let (ns, ne) = parts.name.unwrap_or((ts, te));
        e.mentions
            .push(TextSpan::new(src, a.tokens[ns].start, a.tokens[ne - 1].end));
        if let Some((rs, re)) = parts.role {
            let r = src[a.tokens[rs].start..a.tokens[re - 1].end].to_string();
            if !e.roles.contains(&r) {
                e.roles.push(r);
            }
        }
        if let Some((s, t)) = parts.aff {
            let r = src[a.tokens[s].start..a.tokens[t - 1].end].to_string();
            if !e.affiliations.contains(&r) {
                e.affiliations.push(r);
            }
        }
    }

    /// Step 1: a title at `i` (`tl` tokens): its role words (+ organisation/place), then a name
    /// ("Presiden Joko Widodo"), or an apposition after the run ("Ketua Hamas, Ismail
    /// Haniyeh"), or a title alone (a reference for the statements stage).
    fn titled(&self, ents: &mut Entities, i: usize, j: usize, tl: usize, is_role: bool) -> usize {
        let words = self.words;
        let scan = self.role_extent(i, j, tl, is_role);
        let r = scan.end;
        // the name may end with its short form in brackets: "Menko Agus Harimurti Yudhoyono
        // (AHY)"
        let je =
            if j >= r + 4 && words[j - 3] == "(" && words[j - 1] == ")" && is_acronym(words[j - 2])
            {
                j - 3
            } else {
                j
            };
        // nothing after the role and organisation looks like a name ("Guru Besar IPB
        // University"): the run has no person's name
        let name_at = if (r..je).any(|k| has_name_word(words, k, self.seen)) {
            name_start(words, r, je, self.seen)
        } else {
            None
        };
        let role_end = if name_at.is_some() { r } else { j };
        let role = if is_role { Some((i, role_end)) } else { None };
        let aff = scan.aff_start.map(|s| (s, role_end));
        let aff_entity = aff.map(|(s, e)| self.org(ents, s..e));
        if role_end < j {
            // name follows directly: "Presiden Joko Widodo"
            let mut ns = name_at.unwrap_or(role_end);
            // a name the document already gave to something else begins the window: "Direktur
            // Utama Kimia Farma Verdi Budidarmo" after "Kimia Farma dan anak usahanya"
            for k in [2usize, 1] {
                if ns + k < j && ents.names_something_else(&words[ns..ns + k]) {
                    ns += k;
                    break;
                }
            }
            let name_start = if is_role { ns.max(role_end) } else { i };
            let (role, aff) = if is_role && name_start > role_end {
                // the words between the role and the name are its organisation; a place
                // taken into the role begins it ("Direktur Indonesia for Global Justice")
                let a0 = aff.map(|x| x.0).or(scan.place_at).unwrap_or(role_end);
                (Some((i, a0)), Some((a0, name_start)))
            } else {
                (role, aff)
            };
            let role = role.filter(|r| r.1 > r.0);
            let id = self.named(ents, EntityKind::Person, name_start..j);
            let parts = Parts {
                role,
                aff,
                name: Some((name_start, j)),
                appo: false,
            };
            self.push(ents, i, id, (i, j), parts);
            return j;
        }
        if let Some(n) = self.apposition_after_title(ents, i, j, role, aff) {
            return n;
        }
        // a title alone ("Presiden") is a reference handled by statements; an organisation
        // inside it is still a mention
        if let (Some(id), Some((s, e))) = (aff_entity, aff) {
            self.push(ents, i, id, (s, e), Parts::default());
        }
        j
    }

    /// How far the role of a title at `i` reaches: role words, a bracketed short title, places
    /// and regions, linked role words ("Menteri Riset dan Teknologi"), an organisation with
    /// its words; a rank or an honorific begins the name part.
    fn role_extent(&self, i: usize, j: usize, tl: usize, is_role: bool) -> RoleScan {
        let (words, seen) = (self.words, self.seen);
        let mut r = i + tl;
        let mut aff_start = None;
        let mut place_at: Option<usize> = None;
        while r < j {
            let w = words[r];
            if let Some((l, role)) = title_at(words, r) {
                // a rank or an honorific ("Prof Dr") begins the name part
                if LEX.words.has(crate::class!("rank"), w) || !is_role || !role {
                    break;
                }
                r += l;
                continue;
            }
            let pl = place_len(words, r, j);
            if w == "(" && r + 2 < j && words[r + 2] == ")" && aff_start.is_none() {
                // an abbreviation of the title: "Wali Kota (Walkot) Pekanbaru"
                r += 3;
            } else if pl > 0 && aff_start.is_none() && r + pl < j {
                place_at.get_or_insert(r);
                r += pl;
            } else if aff_start.is_none()
                && r > i
                && seen.name_like(w)
                && ((LEX
                    .words
                    .has_lower(crate::class!("regional_title"), words[r - 1])
                    && (r + 1..j).filter(|&k| seen.name_like(words[k])).count() >= 2)
                    || (after_place_noun(words, r) && r + 1 < j))
            {
                // a region unknown to the lexicon: "Bupati Sleman Harda Kiswaya"
                r += 1;
                if r < j && LEX.words.has_lower(crate::class!("direction"), words[r]) {
                    r += 1;
                }
            } else if LEX.words.has(crate::class!("role_word"), w)
                && !LEX.words.has(crate::class!("rank"), w)
            {
                r += 1;
            } else if r > i
                && r + 1 < j
                && (LEX.words.has(crate::class!("org_link"), w) || matches!(w, "/" | "&" | ","))
                && (LEX.words.has(crate::class!("role_word"), words[r + 1])
                    || is_org_word(words[r + 1])
                    || (w == "," && LEX.words.has(crate::class!("org_link"), words[r + 1])))
            {
                // "Menteri Riset dan Teknologi", "Menteri PPN/Kepala Bappenas"
                r += 1;
            } else if is_org_word(w)
                || LEX.places.contains(w)
                || w == "("
                || w == ")"
                || is_acronym(w)
            {
                if aff_start.is_none() && (is_org_word(w) || is_acronym(w)) {
                    aff_start = Some(r);
                }
                r += 1;
                if aff_start.is_some() {
                    r = self.organisation_words(r, j);
                }
            } else {
                break;
            }
        }
        RoleScan {
            end: r,
            aff_start,
            place_at,
        }
    }

    /// An organisation inside a role runs over the following capitalised words, up to the
    /// name; a head takes at least one ("PT Transjakarta", "Bank Mandiri").
    fn organisation_words(&self, mut r: usize, j: usize) -> usize {
        let (words, seen) = (self.words, self.seen);
        while r < j
            && ((LEX.org_heads.contains(words[r - 1])
                && r + 1 < j
                && cap(words[r])
                && (r + 1..j).any(|k| has_name_word(words, k, seen)))
                || LEX.words.has(crate::class!("role_word"), words[r])
                || LEX.places.contains(words[r])
                || is_org_word(words[r])
                || matches!(words[r], "(" | ")" | "Metro" | "Jaya" | "Republik")
                || is_acronym(words[r])
                || (after_place_noun(words, r) && cap(words[r]) && r + 1 < j))
            && !LEX.words.has(crate::class!("rank"), words[r])
        {
            r += 1;
        }
        r
    }

    /// "Ketua Hamas, Ismail Haniyeh": the name after the comma that closes a titled run.
    fn apposition_after_title(
        &self,
        ents: &mut Entities,
        i: usize,
        j: usize,
        role: Option<(usize, usize)>,
        aff: Option<(usize, usize)>,
    ) -> Option<usize> {
        let (words, a, seen) = (self.words, self.a, self.seen);
        if !(j + 1 < self.sent_end
            && words[j] == ","
            && a.tokens[j + 1].kind == TokKind::Word
            && cap(words[j + 1]))
        {
            return None;
        }
        let mut n = j + 1;
        while n < self.sent_end
            && a.tokens[n].kind == TokKind::Word
            && (cap(words[n]) || LEX.words.has(crate::class!("name_link"), words[n]))
        {
            n += 1;
        }
        let ok = title_at(words, j + 1).is_none()
            && !is_org_word(words[j + 1])
            && seen.name_like(words[j + 1])
            && (j + 1..n).any(|k| has_name_word(words, k, seen));
        if !ok {
            return None;
        }
        let id = self.named(ents, EntityKind::Person, j + 1..n);
        let parts = Parts {
            role,
            aff,
            name: Some((j + 1, n)),
            appo: true,
        };
        self.push(ents, i, id, (i, n), parts);
        Some(n)
    }

    /// An organisation (or the rest of a role cut by a comma) that ends with a person's name:
    /// "Fraksi Partai Golkar Adies Kadir", "LIPI Siti Zuhro", "(HIMKI) Satori mengatakan".
    fn org_then_name(&self, ents: &mut Entities, i: usize, j: usize) -> Option<usize> {
        let (words, seen) = (self.words, self.seen);
        if j - i < 2 {
            return None;
        }
        let ns = name_start(words, i, j, seen).unwrap_or(j);
        let org_like = |k: usize| {
            let w = words[k];
            is_org_word(w)
                || (is_acronym(w) && w.len() > 2)
                || w == ")"
                || LEX.places.contains(w)
                || after_place_noun(words, k)
                || title_at(words, k).is_some()
        };
        // the document names the person by a word of this tail elsewhere ("kata Minggus"), or
        // the tail begins with a given name
        let evidence = ns < j
            && (LEX.given_names.contains(words[ns])
                || (ns..j).any(|k| seen.solo.contains(words[k])));
        let ends_org = ns > i && (org_like(ns - 1) || !seen.name_like(words[ns - 1]) || evidence);
        // a one-word name needs a cue right after it ("Kemenperin Mediarman mengatakan"), or to
        // stand alone elsewhere before a comma ("Rumah Sakit Harapan, memaparkan" is a place)
        let cue_after = words
            .get(j)
            .is_some_and(|w| LEX.words.has(crate::class!("@cue"), w));
        let comma_after = words.get(j) == Some(&",");
        let tail_ok = (ns..j).any(|k| has_name_word(words, k, seen))
            && (j - ns >= 2
                || (cue_after && (seen.solo.contains(words[ns]) || org_like(ns - 1)))
                || (comma_after && seen.solo.contains(words[ns])));
        // an organisation's head takes at least one word ("PT Kimia Farma", "Bank Mandiri")
        let after_heads = (i..ns)
            .filter(|&k| LEX.org_heads.contains(words[k]))
            .map(|k| k + 2)
            .max()
            .unwrap_or(0);
        let ok = ends_org
            && tail_ok
            && ns >= after_heads
            && (ns..j).all(|k| {
                seen.name_like(words[k])
                    || name_honorific(words[k])
                    || LEX.words.has(crate::class!("rank"), words[k])
            })
            && !LEX
                .words
                .has_lower(crate::class!("place_noun"), words[ns - 1])
            && (i..ns).any(org_like);
        if !ok {
            return None;
        }
        self.org(ents, i..ns);
        let id = self.named(ents, EntityKind::Person, ns..j);
        let parts = Parts {
            role: None,
            aff: Some((i, ns)),
            name: Some((ns, j)),
            appo: false,
        };
        self.push(ents, i, id, (i, j), parts);
        Some(j)
    }

    /// Step 3: a place: the whole run, or its leading place name ("Jakarta Budi", or a place of
    /// two or three words before at least two more words: "New York Arifi Saiman").
    fn place(&self, ents: &mut Entities, i: usize, j: usize) -> Option<usize> {
        let whole = self.owned(i..j).join(" ");
        if LEX.places.contains(whole.as_str()) {
            let id = ents.find_or_add(EntityKind::Place, &self.owned(i..j));
            self.push(ents, i, id, (i, j), Parts::default());
            return Some(j);
        }
        let pl = place_len(self.words, i, j);
        if pl > 0 && (j - i <= 2 || (pl >= 2 && j - i >= pl + 2)) {
            let id = ents.find_or_add(EntityKind::Place, &self.owned(i..i + pl));
            self.push(ents, i, id, (i, i + pl), Parts::default());
            if i + pl < j {
                return Some(self.analyse(ents, i + pl, j));
            }
            return Some(j);
        }
        None
    }

    /// Step 4: a name, possibly followed by an apposition with a title ("Yoav Gallant, Menteri
    /// ...") or a role noun in lower case ("Tri Maharini, dokter emergensi dari ...").
    fn name(&self, ents: &mut Entities, i: usize, j: usize) -> usize {
        let (words, a, sent_end) = (self.words, self.a, self.sent_end);
        let id = self.named(ents, EntityKind::Other, i..j);
        let named = Parts {
            name: Some((i, j)),
            ..Parts::default()
        };
        if j + 1 < sent_end && words[j] == "," {
            if let Some((tl, true)) = title_at(words, j + 1) {
                let mut r = j + 1 + tl;
                while r < sent_end && a.tokens[r].kind == TokKind::Word && cap(words[r]) {
                    r += 1;
                }
                // "Netanyahu, Ketua Hamas, Ismail Haniyeh": the title belongs to the next name
                let next_is_name = r + 1 < sent_end
                    && words[r] == ","
                    && a.tokens[r + 1].kind == TokKind::Word
                    && cap(words[r + 1]);
                if next_is_name {
                    self.push(ents, i, id, (i, j), named);
                    return j;
                }
                ents.set_kind(id, EntityKind::Person);
                let parts = Parts {
                    role: Some((j + 1, r)),
                    appo: true,
                    ..named
                };
                self.push(ents, i, id, (i, r), parts);
                return r;
            }
        }
        // a role noun in lower case after the comma makes the name a person's
        if j + 1 < sent_end && words[j] == "," && words[j + 1].starts_with(char::is_lowercase) {
            let upper = crate::lexicon::capitalised(words[j + 1]);
            if title_at(&[upper.as_str()], 0).is_some()
                && (i..j).any(|k| has_name_word(words, k, self.seen))
            {
                ents.set_kind(id, EntityKind::Person);
            }
        }
        self.push(ents, i, id, (i, j), named);
        j
    }
}

/// The parts of a mention (token ranges).
#[derive(Debug, Clone, Copy, Default)]
struct Parts {
    role: Option<(usize, usize)>,
    aff: Option<(usize, usize)>,
    name: Option<(usize, usize)>,
    /// the name is in apposition to a title
    appo: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ents(t: &str) -> Entities {
        let a = crate::segment::analyze(t);
        let q = vec![false; a.tokens.len()];
        find(t, &a, &q)
    }

    #[test]
    fn titles_appositions_and_merging() {
        let e = ents("Menteri Pertahanan Israel, Yoav Gallant mengatakan sesuatu. Kata Gallant lagi. Ketua Hamas, Ismail Haniyeh juga. Presiden Joko Widodo hadir di Jakarta.");
        let names: Vec<(&str, EntityKind)> = e
            .entities
            .iter()
            .map(|x| (x.name.as_str(), x.kind))
            .collect();
        assert!(
            names.contains(&("Yoav Gallant", EntityKind::Person)),
            "{names:?}"
        );
        assert!(names.contains(&("Ismail Haniyeh", EntityKind::Person)));
        assert!(names.contains(&("Hamas", EntityKind::Organization)));
        assert!(names.contains(&("Joko Widodo", EntityKind::Person)));
        assert!(names.contains(&("Jakarta", EntityKind::Place)));
        let g = e
            .entities
            .iter()
            .find(|x| x.name == "Yoav Gallant")
            .unwrap();
        assert_eq!(g.mentions.len(), 2, "{:?}", g.mentions);
        assert_eq!(g.roles, vec!["Menteri Pertahanan Israel"]);
        let h = e
            .entities
            .iter()
            .find(|x| x.name == "Ismail Haniyeh")
            .unwrap();
        assert_eq!(h.affiliations, vec!["Hamas"]);
    }

    fn names(t: &str) -> Vec<(String, EntityKind)> {
        ents(t)
            .entities
            .into_iter()
            .map(|x| (x.name, x.kind))
            .collect()
    }

    #[test]
    fn forms_of_address_short_titles_and_short_names_are_not_part_of_a_name() {
        let n = names(
            "Pak Harto datang. Bapak Presiden Rudi Hartono hadir. Mensos Siti Aminah bicara.",
        );
        assert!(n.contains(&("Harto".into(), EntityKind::Person)), "{n:?}");
        assert!(
            n.contains(&("Rudi Hartono".into(), EntityKind::Person)),
            "{n:?}"
        );
        assert!(
            n.contains(&("Siti Aminah".into(), EntityKind::Person)),
            "{n:?}"
        );
        // a short name in brackets after a person's name, used again later
        let e = ents("Menko Bagus Wira Yudhanto (BWY) tiba. Kemudian BWY pergi.");
        let p = e
            .entities
            .iter()
            .find(|x| x.kind == EntityKind::Person)
            .unwrap();
        assert_eq!(p.name, "Bagus Wira Yudhanto");
        assert_eq!(p.mentions.len(), 2, "{:?}", e.entities);
        // the capital is no form of address
        let n = names("Ibu Kota Nusantara dibangun.");
        assert!(!n.iter().any(|x| x.0 == "Kota Nusantara"), "{n:?}");
    }

    #[test]
    fn two_organisations_joined_by_dan_and_a_source_noun_before_one() {
        let n = names("Data Badan Pusat Statistik (BPS) dan Kantor Staf Presiden (KSP) sama. Kementerian Koperasi dan UKM menolak.");
        assert!(
            n.contains(&(
                "Badan Pusat Statistik (BPS)".into(),
                EntityKind::Organization
            )),
            "{n:?}"
        );
        assert!(
            n.contains(&(
                "Kantor Staf Presiden (KSP)".into(),
                EntityKind::Organization
            )),
            "{n:?}"
        );
        assert!(
            n.contains(&(
                "Kementerian Koperasi dan UKM".into(),
                EntityKind::Organization
            )),
            "{n:?}"
        );
        let n = names("Tim Densus 88 Antiteror Polri menangkap dua orang.");
        assert_eq!(n[0].0, "Tim Densus 88 Antiteror Polri", "{n:?}");
    }

    #[test]
    fn organisations_with_heads() {
        let e = ents("Data itu dirilis Kementerian Kesehatan Gaza pada pagi hari.");
        assert_eq!(e.entities[0].name, "Kementerian Kesehatan Gaza");
        assert_eq!(e.entities[0].kind, EntityKind::Organization);
    }

    #[test]
    fn a_name_already_given_to_an_organisation_is_not_the_persons() {
        let e = ents("Selain itu, Sinar Farma dan anak usahanya memproduksi obat. Direktur Utama Sinar Farma Verdi Santika mengatakan hal itu.");
        let p = e
            .entities
            .iter()
            .find(|x| x.kind == EntityKind::Person)
            .expect("a person");
        assert_eq!(p.name, "Verdi Santika");
        assert_eq!(p.roles, vec!["Direktur Utama".to_string()]);
    }
}
