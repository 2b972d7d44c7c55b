//! Speakers across documents: one identity for the name forms of a person or organisation.
//!
//! Before anything, a person's name loses the forms of address, titles and ranks written
//! before it ("Pak", "Mensos", "Irjen": they go to the roles), and an organisation's name gives
//! all its forms ("Badan Pusat Statistik (BPS)" is also "Badan Pusat Statistik" and "BPS").
//! Then, in order (the reason is recorded in the `merges` table):
//! 1. the alias file maps a name form to a canonical name ("Jokowi" → "Joko Widodo");
//! 2. a name form seen before resolves to the same identity; an organisation whose forms
//!    belong to two identities makes them one;
//! 3. a one-word name of a person goes to the identity the documents use it for: in each
//!    document the pipeline joins "Prabowo" to "Prabowo Subianto" when both appear, and that
//!    is counted as evidence (`short_forms`); the identity with most of the evidence for the
//!    word takes it (three quarters at least). A word that is merely part of a longer name is
//!    not enough: "Prabowo" in "Listyo Sigit Prabowo" is someone else;
//! 4. for persons, names of two words or more: containment, the shorter name's words in
//!    order and contiguous in the longer ("Sigit Prabowo" ⊂ "Listyo Sigit Prabowo"); with
//!    several candidates, the one that shares a role with the new mention wins; still
//!    ambiguous means a new identity;
//! 5. otherwise a new identity.
//!
//! A one-word identity made before the evidence was in is merged into the identity the
//! evidence names later ([`Resolver::consolidate`], after every batch); the store moves its
//! rows and records why. The canonical name of an identity is its fullest clean form.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub kind: String,
    pub roles: HashSet<String>,
    forms: Vec<Vec<String>>,
    /// For an identity known by one word: the organisations named in its documents (keys),
    /// which may link it to the one person of the corpus whose fuller name holds the word.
    pub context: HashSet<String>,
}

impl Identity {
    /// Known only by one-word names ("Prabowo")?
    fn one_word(&self) -> bool {
        !self.forms.is_empty() && self.forms.iter().all(|f| f.len() == 1)
    }
}

/// A name form being resolved, as [`Resolver::known`] looks it up.
struct Query<'a> {
    /// its key (after the alias file)
    k: &'a str,
    /// all its forms (an organisation has several)
    forms: &'a [String],
    kind: &'a str,
    /// written in capitals, like a short name ("AHY")
    acronym: bool,
    roles: &'a [String],
    /// the organisations its document names
    ctx: &'a HashSet<String>,
}

/// Two identities made one: `from` goes into `into`.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityMerge {
    pub from: i64,
    pub into: i64,
    /// the name form that showed they are one
    pub form: String,
    pub reason: String,
}

/// What a resolution changed, for the store to write.
#[derive(Debug, Default)]
pub struct Outcome {
    pub id: i64,
    pub new_identity: bool,
    /// Name forms (keys) new to this identity.
    pub new_forms: Vec<String>,
    pub renamed: bool,
    /// The canonical name before this resolution (what the form was merged into).
    pub previous: String,
    pub merge: Option<(String, String)>,
    pub new_roles: Vec<String>,
    /// Identities this resolution showed to be this one (an organisation's full name and
    /// short name seen apart before).
    pub joined: Vec<IdentityMerge>,
    /// Organisations newly recorded for a one-word identity's documents.
    pub new_context: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Resolver {
    pub ids: HashMap<i64, Identity>,
    names: HashMap<String, i64>,
    by_word: HashMap<String, Vec<i64>>,
    aliases: HashMap<String, String>,
    /// one-word names and the identities documents use them for: form → identity → documents
    short: HashMap<String, HashMap<i64, u32>>,
    /// evidence changed since the last [`Resolver::take_dirty`]
    dirty: HashSet<(String, i64)>,
    next: i64,
}

pub fn key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn words(k: &str) -> Vec<String> {
    k.split(' ').map(str::to_string).collect()
}

/// A word that can be part of a person's name: not a title, rank, role or organisation word,
/// place or function word (lexicons of the core crate).
fn name_word(w: &str) -> bool {
    let lex = &kutip::lexicon::LEX;
    let cap = kutip::lexicon::capitalised(w);
    w.chars().count() >= 2
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '.'))
        && !lex.titles.contains_key(cap.as_str())
        && !lex.words.is("rank", &cap)
        && !lex.words.is("role_word", &cap)
        && !lex.words.is("org_word", &cap)
        && !lex.words.is("address_honorific", &cap)
        && !lex.org_heads.contains(cap.as_str())
        && !lex.org_names.contains(cap.as_str())
        && !lex.places.contains(cap.as_str())
        && !lex.words.is("stopword", w)
}

/// `short` names the same person as `long`: two words or more of it appear in order and
/// contiguous in `long`, and both are made of name words only.
fn contains(long: &[String], short: &[String]) -> bool {
    short.len() >= 2
        && short.len() < long.len()
        && long.iter().all(|w| name_word(w))
        && long.windows(short.len()).any(|w| w == short)
}

/// A person's name without the forms of address, titles and ranks written before it, and
/// those words (as roles): "Mensos Saifullah Yusuf" → ("Saifullah Yusuf", ["Mensos"]).
pub fn clean_person(name: &str) -> (String, Vec<String>) {
    let lex = &kutip::lexicon::LEX;
    let ws: Vec<&str> = name.split_whitespace().collect();
    let mut k = 0;
    while k + 1 < ws.len() {
        let w = ws[k];
        let title = lex.titles.get(w).and_then(|c| {
            c.iter()
                .find(|(t, _)| {
                    t.len() + k < ws.len() && t.iter().zip(&ws[k..]).all(|(a, b)| a == b)
                })
                .map(|(t, _)| t.len())
        });
        let n = match title {
            Some(n) => n,
            None if lex.words.is("address_honorific", w)
                || lex.words.is("rank", w)
                || lex.words.is("rank_branch", w)
                || lex.words.is("name_honorific", w) =>
            {
                1
            }
            None => break,
        };
        k += n;
    }
    let mut roles = if k > 0 {
        vec![ws[..k].join(" ")]
    } else {
        Vec::new()
    };
    // what the text glued after the name: a title, a place ("Prabowo Subianto Presiden RI",
    // "Menurut Prabowo Indonesia ...")
    let mut e = ws.len();
    while e > k + 1 {
        let w = ws[e - 1];
        let tail = lex.titles.contains_key(w)
            || lex.places.contains(w)
            || lex.words.is("name_tail_not", w)
            || lex.words.is("role_word", w);
        if !tail {
            break;
        }
        e -= 1;
    }
    if e < ws.len() && lex.titles.contains_key(ws[e]) {
        roles.push(ws[e..].join(" "));
    }
    let mut name: Vec<String> = ws[k..e].iter().map(|w| w.to_string()).collect();
    // a cue run into the last name word: "Bahlil Lahadaliamengatakan"
    if name.len() >= 2 {
        if let Some(last) = name.last_mut() {
            if let Some(cut) = glued_cue(last) {
                last.truncate(cut);
            }
        }
    }
    (name.join(" "), roles)
}

/// Where a cue verb run into a name word begins ("Lahadaliamengatakan" → 9).
fn glued_cue(w: &str) -> Option<usize> {
    let lex = &kutip::lexicon::LEX;
    w.char_indices().skip(3).map(|(i, _)| i).find(|&i| {
        let rest = &w[i..];
        rest.len() >= 4 && rest.chars().all(|c| c.is_lowercase()) && lex.cues.contains_key(rest)
    })
}

/// `long` is `short` with its last word run into the next one in the text ("Purbaya Yudhi
/// Sadewabuka" for "Purbaya Yudhi Sadewa", "Bahlil Lahadaliamengatakan").
fn glued(long: &[String], short: &[String]) -> bool {
    let (Some((ll, lh)), Some((sl, sh))) = (long.split_last(), short.split_last()) else {
        return false;
    };
    short.len() >= 2
        && lh == sh
        && ll.len() >= sl.len() + 3
        && ll.starts_with(sl.as_str())
        && ll[sl.len()..].chars().all(|c| c.is_lowercase())
}

/// Is `acr` the initials of `full` ("BPS" of "Badan Pusat Statistik"; small words such as
/// "dan", "untuk" may be skipped)?
fn initials_of(acr: &str, full: &[&str]) -> bool {
    let lex = &kutip::lexicon::LEX;
    if acr.len() < 2 || !acr.chars().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let firsts: String = full
        .iter()
        .filter(|w| !lex.words.is("org_link", &w.to_lowercase()))
        .filter_map(|w| w.chars().next())
        .collect();
    firsts.eq_ignore_ascii_case(acr)
}

/// The forms of an organisation's name, its written form first: "Badan Pusat Statistik (BPS)
/// Jateng" is also "Badan Pusat Statistik Jateng" and "BPS Jateng"; "Badan Pusat Statistik BPS"
/// (brackets lost) likewise.
pub fn org_forms(name: &str) -> Vec<String> {
    let mut out = vec![key(name)];
    // without the words a name may drop: "PT Pertamina (Persero)" is also "Pertamina"
    let lex = &kutip::lexicon::LEX;
    let core: Vec<&str> = name
        .split_whitespace()
        .filter(|w| !lex.words.is("org_form_word", w))
        .collect();
    if !core.is_empty() && core.len() < name.split_whitespace().count() {
        let k = key(&core.join(" "));
        if !out.contains(&k) {
            out.push(k);
        }
    }
    let ws: Vec<&str> = name.split_whitespace().collect();
    let mut add = |full: &[&str], acr: &str, rest: &[&str]| {
        let long: Vec<&str> = full.iter().chain(rest).copied().collect();
        let short: Vec<&str> = std::iter::once(acr).chain(rest.iter().copied()).collect();
        for f in [long.join(" "), short.join(" ")] {
            let k = key(&f);
            if !k.is_empty() && !out.contains(&k) {
                out.push(k);
            }
        }
    };
    for (i, w) in ws.iter().enumerate() {
        let acr = w.trim_start_matches('(').trim_end_matches(')');
        let bracketed = w.starts_with('(') && w.ends_with(')');
        if i > 0 && (bracketed || initials_of(acr, &ws[..i])) && acr.len() >= 2 {
            add(&ws[..i], acr, &ws[i + 1..]);
            break;
        }
    }
    out
}

/// Parse an alias file: `alias<TAB>canonical name` per line, `#` comments. Returns the map
/// and the numbers of malformed lines.
pub fn parse_aliases(src: &str) -> (HashMap<String, String>, Vec<usize>) {
    let mut out = HashMap::new();
    let mut bad = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        match l.split_once('\t') {
            Some((a, c)) if !a.trim().is_empty() && !c.trim().is_empty() => {
                out.insert(key(a), c.trim().to_string());
            }
            _ => bad.push(i + 1),
        }
    }
    (out, bad)
}

impl Resolver {
    pub fn set_aliases(&mut self, aliases: HashMap<String, String>) {
        self.aliases = aliases;
    }

    pub fn take_aliases(&mut self) -> HashMap<String, String> {
        std::mem::take(&mut self.aliases)
    }

    /// Load an identity from the database.
    pub fn load_identity(&mut self, id: i64, name: String, kind: String) {
        self.next = self.next.max(id + 1);
        self.ids.insert(
            id,
            Identity {
                name,
                kind,
                roles: HashSet::new(),
                forms: Vec::new(),
                context: HashSet::new(),
            },
        );
    }

    /// Load one organisation of a one-word identity's documents.
    pub fn load_context(&mut self, id: i64, org: &str) {
        if let Some(i) = self.ids.get_mut(&id) {
            i.context.insert(key(org));
        }
    }

    pub fn load_form(&mut self, form: &str, id: i64) {
        let k = key(form);
        for w in words(&k) {
            let v = self.by_word.entry(w).or_default();
            if !v.contains(&id) {
                v.push(id);
            }
        }
        if let Some(ident) = self.ids.get_mut(&id) {
            ident.forms.push(words(&k));
        }
        self.names.insert(k, id);
    }

    pub fn load_role(&mut self, id: i64, role: &str) {
        if let Some(i) = self.ids.get_mut(&id) {
            i.roles.insert(role.to_lowercase());
        }
    }

    /// Load the evidence for a one-word form.
    pub fn load_short(&mut self, form: &str, id: i64, docs: u32) {
        *self
            .short
            .entry(key(form))
            .or_default()
            .entry(id)
            .or_default() += docs;
    }

    /// The evidence changed since the last call: (form, identity, documents).
    pub fn take_dirty(&mut self) -> Vec<(String, i64, u32)> {
        let mut out: Vec<(String, i64, u32)> = self
            .dirty
            .drain()
            .map(|(f, id)| {
                let n = self
                    .short
                    .get(&f)
                    .and_then(|m| m.get(&id))
                    .copied()
                    .unwrap_or(0);
                (f, id, n)
            })
            .collect();
        out.sort();
        out
    }

    /// Look up a name form without changing anything (for queries): the alias file, the
    /// forms seen, then the identity the documents use a one-word name for.
    pub fn lookup(&self, name: &str) -> Option<i64> {
        let k = key(name);
        let k = self.aliases.get(&k).map(|c| key(c)).unwrap_or(k);
        if let Some(&id) = self.names.get(&k) {
            if let Some(d) = self.dominant(&k, Some(id)) {
                return Some(d.0);
            }
            return Some(id);
        }
        self.dominant(&k, None).map(|d| d.0)
    }

    /// The identity (other than `besides`) the documents use one-word form `k` for: it has
    /// three quarters of the evidence, and at least two documents, more when more people of
    /// the corpus bear the word in their names (a common first name, "Agus", says little):
    /// with its number of documents.
    fn dominant(&self, k: &str, besides: Option<i64>) -> Option<(i64, u32)> {
        let (id, n) = self.majority(k, besides)?;
        // where the word stands in the name the documents use it for: a first name
        // ("Prabowo" Subianto) competes with other first names, not with surnames
        let first = |i: &Identity| {
            i.forms
                .iter()
                .filter(|f| f.len() >= 2)
                .any(|f| f.first().is_some_and(|w| w == k))
        };
        let is_first = self.ids.get(&id).is_some_and(first);
        let bearers = self
            .by_word
            .get(k)
            .into_iter()
            .flatten()
            .filter(|id| {
                self.ids
                    .get(id)
                    .is_some_and(|i| i.kind == "person" && !i.one_word() && first(i) == is_first)
            })
            .count() as u32;
        (n >= 2 && n + 1 >= 2 * bearers).then_some((id, n))
    }

    /// The identity with three quarters of the evidence for form `k`.
    fn majority(&self, k: &str, besides: Option<i64>) -> Option<(i64, u32)> {
        if k.contains(' ') {
            return None;
        }
        let ev = self.short.get(k)?;
        let total: u32 = ev
            .iter()
            .filter(|(id, _)| Some(**id) != besides)
            .map(|x| *x.1)
            .sum();
        let (id, n) = ev
            .iter()
            .filter(|(id, _)| Some(**id) != besides && self.ids.contains_key(id))
            .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))?;
        (*n >= 1 && 4 * n >= 3 * total).then_some((*id, *n))
    }

    /// Count that one document uses each of `forms` (one-word names) for identity `id`.
    fn add_evidence(&mut self, id: i64, forms: &[String]) {
        let mut seen = HashSet::new();
        for f in forms {
            let k = key(f);
            if k.is_empty() || k.contains(' ') || !seen.insert(k.clone()) {
                continue;
            }
            *self
                .short
                .entry(k.clone())
                .or_default()
                .entry(id)
                .or_default() += 1;
            self.dirty.insert((k, id));
        }
    }

    /// Resolve a name form of kind `kind` with the roles of this mention; `short_forms` are
    /// the one-word names the document also uses for it ("Prabowo" for "Prabowo Subianto").
    pub fn resolve(
        &mut self,
        name: &str,
        kind: &str,
        roles_given: &[String],
        short_forms: &[String],
        context: &[String],
    ) -> Outcome {
        let (clean, mut roles) = if kind == "person" {
            clean_person(name)
        } else {
            (name.trim().to_string(), Vec::new())
        };
        let extra_roles = roles_given;
        let clean = if clean.is_empty() {
            name.trim().to_string()
        } else {
            clean
        };
        roles.extend(extra_roles.iter().cloned());
        let forms = if kind == "organization" {
            org_forms(&clean)
        } else {
            vec![key(&clean)]
        };
        let mut out = Outcome::default();
        let mut merge = None;
        let form_key = forms[0].clone();
        let (k, shown) = match self.aliases.get(&form_key) {
            Some(c) => {
                if !self.names.contains_key(&form_key) {
                    merge = Some((name.to_string(), "alias file".to_string()));
                }
                (key(c), c.clone())
            }
            None => (form_key.clone(), clean.clone()),
        };
        let acronym = clean.len() >= 2 && clean.chars().all(|c| c.is_ascii_uppercase());
        let ctx: HashSet<String> = context.iter().map(|c| key(c)).collect();
        let q = Query {
            k: &k,
            forms: &forms,
            kind,
            acronym,
            roles: &roles,
            ctx: &ctx,
        };
        let id = match self.known(&q, &mut merge, &mut out) {
            Some(id) => id,
            None => match self.containment(&k, kind, &roles) {
                Some((id, reason)) => {
                    merge.get_or_insert((name.to_string(), reason));
                    id
                }
                None => {
                    let id = self.next.max(1);
                    self.next = id + 1;
                    self.ids.insert(
                        id,
                        Identity {
                            name: shown.clone(),
                            kind: kind.to_string(),
                            roles: HashSet::new(),
                            forms: Vec::new(),
                            context: HashSet::new(),
                        },
                    );
                    out.new_identity = true;
                    id
                }
            },
        };
        out.id = id;
        let mut all_forms = forms.clone();
        if !all_forms.contains(&k) {
            all_forms.push(k.clone());
        }
        for form in &all_forms {
            if !self.names.contains_key(form) {
                self.load_form(form, id);
                out.new_forms.push(form.clone());
            }
        }
        if kind == "person" && k.contains(' ') {
            self.add_evidence(id, short_forms);
        }
        let mut new_context = Vec::new();
        if let Some(ident) = self
            .ids
            .get_mut(&id)
            .filter(|i| i.kind == "person" && i.one_word())
        {
            for c in &ctx {
                if ident.context.insert(c.clone()) {
                    new_context.push(c.clone());
                }
            }
        }
        out.new_context = new_context;
        if let Some(ident) = self.ids.get_mut(&id) {
            out.previous = ident.name.clone();
            if !out.new_identity
                && better_name(&shown, &ident.name, &ident.kind)
                && !self.aliases.values().any(|c| key(c) == key(&ident.name))
            {
                ident.name = shown.clone();
                out.renamed = true;
            }
            for r in &roles {
                if ident.roles.insert(r.to_lowercase()) {
                    out.new_roles.push(r.clone());
                }
            }
        }
        if let Some((form, reason)) = merge {
            if !out.new_identity {
                out.merge = Some((form, reason));
            }
        }
        out
    }

    /// The identity a form already has: its key, any of an organisation's forms (joining the
    /// identities they name), a person's acronym ("AHY") written as an organisation, or the
    /// identity the documents use a one-word name for.
    fn known(
        &mut self,
        q: &Query,
        merge: &mut Option<(String, String)>,
        out: &mut Outcome,
    ) -> Option<i64> {
        let (k, forms, kind, acronym, roles, ctx) =
            (q.k, q.forms, q.kind, q.acronym, q.roles, q.ctx);
        let same_kind = |r: &Resolver, id: i64| r.ids.get(&id).is_some_and(|i| i.kind == kind);
        if kind == "person" && !k.contains(' ') {
            let seen = self.names.get(k).copied();
            let open = seen.is_none_or(|x| self.ids.get(&x).is_some_and(Identity::one_word));
            if open {
                if let Some((d, reason)) = self.fuller_identity(k, seen, roles, ctx) {
                    merge.get_or_insert((k.to_string(), reason));
                    return Some(d);
                }
            }
            return seen;
        }
        if let Some(&id) = self.names.get(k) {
            if same_kind(self, id) {
                if kind == "organization" {
                    self.join_org_forms(id, forms, out);
                }
                return Some(id);
            }
            // a person's short name written alone reads as an organisation: "AHY"
            if kind == "organization" && acronym {
                return Some(id);
            }
        }
        if kind != "organization" {
            return None;
        }
        let ids: Vec<i64> = forms
            .iter()
            .filter_map(|f| self.names.get(f).copied())
            .filter(|&id| same_kind(self, id))
            .collect();
        let first = *ids.first()?;
        self.join_org_forms(first, forms, out);
        merge.get_or_insert((
            k.to_string(),
            "another form of the same organisation".into(),
        ));
        Some(first)
    }

    /// The identity of several words a one-word name `k` belongs to (other than `besides`):
    /// the one the documents use it for, else the only one whose name holds the word and that
    /// shares a specific role with it ("Afifuddin", Ketua KPU, is "Mochammad Afifuddin",
    /// Ketua KPU RI). With the reason.
    fn fuller_identity(
        &self,
        k: &str,
        besides: Option<i64>,
        roles: &[String],
        ctx: &HashSet<String>,
    ) -> Option<(i64, String)> {
        let mine: HashSet<String> = roles
            .iter()
            .map(|r| r.to_lowercase())
            .chain(
                besides
                    .and_then(|b| self.ids.get(&b))
                    .into_iter()
                    .flat_map(|i| i.roles.iter().cloned()),
            )
            .collect();
        let specific = |r: &HashSet<String>| r.iter().any(|x| x.split_whitespace().count() >= 2);
        if let Some((d, n)) = self.dominant(k, besides) {
            if let Some(x) = self
                .ids
                .get(&d)
                .filter(|x| x.kind == "person" && !x.one_word())
            {
                // a role of its own that the fuller name never had says it is someone else
                let conflict =
                    specific(&mine) && specific(&x.roles) && shared_role(&mine, &x.roles).is_none();
                if !conflict {
                    return Some((d, format!("short form of {} in {n} documents", x.name)));
                }
            }
        }
        if let Some(link) = self.only_bearer_linked(k, besides, &mine, ctx) {
            return Some(link);
        }
        if mine.is_empty() {
            return None;
        }
        let mut found: Vec<(i64, String)> = Vec::new();
        for &id in self.by_word.get(k).into_iter().flatten() {
            let Some(ident) = self.ids.get(&id) else {
                continue;
            };
            if Some(id) == besides || ident.kind != "person" || ident.one_word() {
                continue;
            }
            let holds = ident
                .forms
                .iter()
                .any(|f| f.len() >= 2 && f.iter().any(|w| w == k));
            if let Some(r) = holds.then(|| shared_role(&mine, &ident.roles)).flatten() {
                if !found.iter().any(|x| x.0 == id) {
                    found.push((id, r));
                }
            }
        }
        match found.as_slice() {
            [(id, r)] => Some((
                *id,
                format!(
                    "part of the name {} and shared role \"{r}\"",
                    self.ids[id].name
                ),
            )),
            _ => None,
        }
    }

    /// The one person of the corpus whose name of several words holds `k`, when the documents
    /// of the one-word name link them: an organisation named there is in the person's roles
    /// ("Djarot" in a story on PDIP; "Ketua DPP PDIP Djarot Saiful Hidayat"), or they share a
    /// title ("Menko Yusril", "Menko Hukum ... Yusril Ihza Mahendra"); and no role of its own
    /// says otherwise.
    fn only_bearer_linked(
        &self,
        k: &str,
        besides: Option<i64>,
        mine: &HashSet<String>,
        ctx: &HashSet<String>,
    ) -> Option<(i64, String)> {
        let ctx: HashSet<&String> = ctx
            .iter()
            .chain(
                besides
                    .and_then(|b| self.ids.get(&b))
                    .into_iter()
                    .flat_map(|i| i.context.iter()),
            )
            .collect();
        let mut bearers = self.by_word.get(k).into_iter().flatten().filter(|id| {
            Some(**id) != besides
                && self.ids.get(id).is_some_and(|i| {
                    i.kind == "person"
                        && i.forms
                            .iter()
                            .any(|f| f.len() >= 2 && f.iter().any(|w| w == k))
                })
        });
        let d = *bearers.next()?;
        if bearers.next().is_some() {
            return None;
        }
        let x = &self.ids[&d];
        let title = |r: &str| r.split_whitespace().next().map(str::to_string);
        let my_titles: HashSet<String> = mine.iter().filter_map(|r| title(r)).collect();
        if let Some(t) = x
            .roles
            .iter()
            .filter_map(|r| title(r))
            .find(|t| my_titles.contains(t))
        {
            return Some((
                d,
                format!("the only {k} of the corpus with several names, both \"{t}\""),
            ));
        }
        let holds = |role: &str, org: &str| {
            let (rw, ow): (Vec<&str>, Vec<&str>) = (
                role.split_whitespace().collect(),
                org.split_whitespace().collect(),
            );
            !ow.is_empty() && rw.windows(ow.len()).any(|w| w == ow.as_slice())
        };
        let mut orgs: Vec<&&String> = ctx
            .iter()
            .filter(|o| o.chars().count() >= 3 && x.roles.iter().any(|r| holds(r, o)))
            .collect();
        orgs.sort();
        let o = orgs.first()?;
        Some((
            d,
            format!("the only {k} of the corpus with several names, both with {o}"),
        ))
    }

    /// The organisations named by the other `forms` are `id`.
    fn join_org_forms(&mut self, id: i64, forms: &[String], out: &mut Outcome) {
        for f in forms {
            if let Some(&other) = self.names.get(f) {
                if other != id
                    && self
                        .ids
                        .get(&other)
                        .is_some_and(|i| i.kind == "organization")
                    && !out.joined.iter().any(|m| m.from == other)
                {
                    let m = IdentityMerge {
                        from: other,
                        into: id,
                        form: f.clone(),
                        reason: format!("\"{f}\" is another form of the same organisation"),
                    };
                    self.apply(&m);
                    out.joined.push(m);
                }
            }
        }
    }

    /// Persons only, names of two words or more: an identity whose forms contain this name
    /// or are contained in it; a shared role breaks a tie.
    fn containment(&self, k: &str, kind: &str, roles: &[String]) -> Option<(i64, String)> {
        let w = words(k);
        if kind != "person" || w.len() < 2 {
            return None;
        }
        let mut cands: Vec<i64> = Vec::new();
        let mut seen = HashSet::new();
        for x in &w {
            for &id in self.by_word.get(x).into_iter().flatten() {
                if !seen.insert(id) {
                    continue;
                }
                let Some(ident) = self.ids.get(&id) else {
                    continue;
                };
                if ident.kind == kind
                    && ident
                        .forms
                        .iter()
                        .any(|f| contains(f, &w) || contains(&w, f) || glued(&w, f))
                {
                    cands.push(id);
                }
            }
        }
        cands.sort_unstable();
        match cands.len() {
            0 => None,
            1 => Some((cands[0], "name containment".to_string())),
            _ => {
                let lower: HashSet<String> = roles.iter().map(|r| r.to_lowercase()).collect();
                let shared: Vec<(i64, String)> = cands
                    .iter()
                    .filter_map(|id| {
                        let r = self.ids[id].roles.intersection(&lower).next()?;
                        Some((*id, r.clone()))
                    })
                    .collect();
                (shared.len() == 1).then(|| {
                    (
                        shared[0].0,
                        format!("name containment and shared role \"{}\"", shared[0].1),
                    )
                })
            }
        }
    }

    /// Move everything of identity `m.from` to `m.into` in memory.
    fn apply(&mut self, m: &IdentityMerge) {
        let Some(from) = self.ids.remove(&m.from) else {
            return;
        };
        for v in self.names.values_mut() {
            if *v == m.from {
                *v = m.into;
            }
        }
        for v in self.by_word.values_mut() {
            for x in v.iter_mut() {
                if *x == m.from {
                    *x = m.into;
                }
            }
            v.sort_unstable();
            v.dedup();
        }
        let mut moved = Vec::new();
        for (f, ev) in self.short.iter_mut() {
            if let Some(n) = ev.remove(&m.from) {
                *ev.entry(m.into).or_default() += n;
                moved.push(f.clone());
            }
        }
        for f in moved {
            self.dirty.insert((f.clone(), m.into));
            self.dirty.insert((f, m.from));
        }
        if let Some(into) = self.ids.get_mut(&m.into) {
            into.forms.extend(from.forms);
            into.roles.extend(from.roles);
            if into.one_word() {
                into.context.extend(from.context);
            }
            if better_name(&from.name, &into.name, &into.kind) {
                into.name = from.name;
            }
        }
    }

    /// One-word identities that the evidence now gives to another identity: merged into it
    /// (in memory; the store moves the rows).
    pub fn consolidate(&mut self) -> Vec<IdentityMerge> {
        let mut todo: Vec<IdentityMerge> = Vec::new();
        let mut ids: Vec<i64> = self.ids.keys().copied().collect();
        ids.sort_unstable();
        for id in ids {
            let ident = &self.ids[&id];
            if ident.kind != "person" || !ident.one_word() {
                continue;
            }
            let forms: Vec<String> = ident.forms.iter().map(|f| f.join(" ")).collect();
            for f in forms {
                if let Some((d, reason)) = self.fuller_identity(&f, Some(id), &[], &HashSet::new())
                {
                    if d != id && !todo.iter().any(|m| m.from == d) {
                        todo.push(IdentityMerge {
                            from: id,
                            into: d,
                            form: f.clone(),
                            reason,
                        });
                        break;
                    }
                }
            }
        }
        for m in &todo {
            self.apply(m);
        }
        todo
    }
}

/// A role of `a` that is also one of `b`, or begins one of them ("ketua kpu" and "ketua kpu
/// ri"), and says more than a bare title ("presiden" is shared by too many).
fn shared_role(a: &HashSet<String>, b: &HashSet<String>) -> Option<String> {
    let specific = |r: &str| r.split_whitespace().count() >= 2;
    let starts = |x: &str, y: &str| x == y || y.starts_with(&format!("{x} "));
    let mut v: Vec<&String> = a
        .iter()
        .filter(|r| specific(r) && b.iter().any(|s| starts(r, s) || starts(s, r)))
        .collect();
    v.sort();
    v.first().map(|s| s.to_string())
}

/// Is `new` a better canonical name than `old`: for a person, more words, all of them name
/// words; for an organisation, the full form with its short form ("Badan Pusat Statistik
/// (BPS)" over "BPS").
fn better_name(new: &str, old: &str, kind: &str) -> bool {
    let n = new.split_whitespace().count();
    let o = old.split_whitespace().count();
    match kind {
        "person" => n > o && new.split_whitespace().all(|w| name_word(&w.to_lowercase())),
        _ => {
            let with_short = |s: &str| s.contains('(') && s.ends_with(')');
            (with_short(new) && !with_short(old))
                || (with_short(new) == with_short(old) && n > o && o <= 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn a_one_word_name_goes_where_the_documents_use_it() {
        let mut res = Resolver::default();
        // documents name the police chief in full, and "Sigit" alone
        let k = res.resolve(
            "Listyo Sigit Prabowo",
            "person",
            &r(&["Kapolri"]),
            &r(&["Sigit"]),
            &[],
        );
        res.resolve("Listyo Sigit Prabowo", "person", &[], &r(&["Sigit"]), &[]);
        // documents that join "Prabowo" to "Prabowo Subianto"
        let p = res.resolve(
            "Prabowo Subianto",
            "person",
            &r(&["Presiden"]),
            &r(&["Prabowo"]),
            &[],
        );
        res.resolve("Prabowo Subianto", "person", &[], &r(&["Prabowo"]), &[]);
        res.resolve("Prabowo Subianto", "person", &[], &r(&["Prabowo"]), &[]);
        // "Prabowo" alone is the President, though it is a word of the police chief's name
        let a = res.resolve("Prabowo", "person", &[], &[], &[]);
        assert_eq!(a.id, p.id);
        assert!(a
            .merge
            .unwrap()
            .1
            .starts_with("short form of Prabowo Subianto"));
        let b = res.resolve("Sigit", "person", &[], &[], &[]);
        assert_eq!(b.id, k.id);
        assert_ne!(p.id, k.id);
        // a name of two words inside the longer one
        let c = res.resolve("Sigit Prabowo", "person", &[], &[], &[]);
        assert_eq!(c.id, k.id);
        // without evidence a one-word name is someone of its own ...
        let n = res.resolve("Netanyahu", "person", &[], &[], &[]);
        assert!(n.new_identity);
        // ... until documents use it for a fuller name: then the identities are merged
        let b = res.resolve("Benjamin Netanyahu", "person", &[], &r(&["Netanyahu"]), &[]);
        assert!(res.consolidate().is_empty(), "one document is not enough");
        res.resolve("Benjamin Netanyahu", "person", &[], &r(&["Netanyahu"]), &[]);
        let m = res.consolidate();
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!((m[0].from, m[0].into), (n.id, b.id));
        assert_eq!(res.lookup("Netanyahu"), Some(b.id));
    }

    #[test]
    fn a_common_first_name_or_another_role_is_not_enough() {
        let mut res = Resolver::default();
        for full in [
            "Agus Riwayanto Diputra",
            "Agus Subiyanto",
            "Agus Jabo Priyono",
        ] {
            res.resolve(full, "person", &[], &[], &[]);
        }
        res.resolve(
            "Agus Riwayanto Diputra",
            "person",
            &r(&["Kapolsek Kuta"]),
            &r(&["Agus"]),
            &[],
        );
        res.resolve("Agus Riwayanto Diputra", "person", &[], &r(&["Agus"]), &[]);
        // two documents of evidence, but three people called Agus
        let a = res.resolve("Irjen Agus", "person", &[], &[], &[]);
        assert!(a.new_identity);
        // a role of its own
        res.resolve(
            "Ali Noer Zaman",
            "person",
            &r(&["Direktur Riset"]),
            &r(&["Ali"]),
            &[],
        );
        res.resolve("Ali Noer Zaman", "person", &[], &r(&["Ali"]), &[]);
        let b = res.resolve("Ali", "person", &r(&["Ketua DPC Gerindra"]), &[], &[]);
        assert!(b.new_identity);
    }

    #[test]
    fn consolidation_merges_a_one_word_identity_into_the_fuller_name() {
        let mut res = Resolver::default();
        let n = res.resolve("Purbaya", "person", &[], &[], &[]);
        let full = res.resolve(
            "Purbaya Yudhi Sadewa",
            "person",
            &r(&["Menkeu"]),
            &r(&["Purbaya"]),
            &[],
        );
        res.resolve("Purbaya Yudhi Sadewa", "person", &[], &r(&["Purbaya"]), &[]);
        assert_ne!(n.id, full.id);
        let merges = res.consolidate();
        assert_eq!(merges.len(), 1, "{merges:?}");
        assert_eq!((merges[0].from, merges[0].into), (n.id, full.id));
        assert!(!res.ids.contains_key(&n.id));
        assert_eq!(res.lookup("purbaya"), Some(full.id));
        assert_eq!(res.ids[&full.id].name, "Purbaya Yudhi Sadewa");
        let dirty = res.take_dirty();
        assert!(
            dirty.contains(&("purbaya".to_string(), full.id, 2)),
            "{dirty:?}"
        );
    }

    #[test]
    fn titles_and_forms_of_address_are_not_part_of_the_identity() {
        assert_eq!(
            clean_person("Mensos Saifullah Yusuf"),
            ("Saifullah Yusuf".to_string(), r(&["Mensos"]))
        );
        assert_eq!(clean_person("Pak Harto").0, "Harto");
        assert_eq!(clean_person("Bapak Presiden Prabowo").0, "Prabowo");
        assert_eq!(clean_person("Irjen Pol Anwar Sani").0, "Anwar Sani");
        let mut res = Resolver::default();
        let a = res.resolve("Mensos Saifullah Yusuf", "person", &[], &[], &[]);
        let b = res.resolve("Saifullah Yusuf", "person", &[], &[], &[]);
        assert_eq!(a.id, b.id);
        assert_eq!(res.ids[&a.id].name, "Saifullah Yusuf");
        assert!(res.ids[&a.id].roles.contains("mensos"));
    }

    #[test]
    fn an_organisation_and_its_short_name_are_one() {
        assert_eq!(
            org_forms("Badan Pusat Statistik (BPS) Jateng"),
            r(&[
                "badan pusat statistik (bps) jateng",
                "badan pusat statistik jateng",
                "bps jateng"
            ])
        );
        assert_eq!(
            org_forms("Komisi Pemberantasan Korupsi KPK"),
            r(&[
                "komisi pemberantasan korupsi kpk",
                "komisi pemberantasan korupsi",
                "kpk"
            ])
        );
        let mut res = Resolver::default();
        let s = res.resolve("BPS", "organization", &[], &[], &[]);
        let f = res.resolve("Badan Pusat Statistik", "organization", &[], &[], &[]);
        assert_ne!(s.id, f.id);
        // the full name with its short form joins both
        let b = res.resolve("Badan Pusat Statistik (BPS)", "organization", &[], &[], &[]);
        assert_eq!(b.joined.len(), 1, "{:?}", b.joined);
        assert_eq!(res.lookup("BPS"), res.lookup("Badan Pusat Statistik"));
        assert_eq!(res.ids[&b.id].name, "Badan Pusat Statistik (BPS)");
        // organisations are not merged by containment
        let o1 = res.resolve("Kementerian Kesehatan", "organization", &[], &[], &[]);
        let o2 = res.resolve("Kementerian Kesehatan Gaza", "organization", &[], &[], &[]);
        assert_ne!(o1.id, o2.id);
        // a person's short name written as an organisation is the person
        let p = res.resolve("Agus Harimurti Yudhoyono", "person", &[], &[], &[]);
        res.load_form("ahy", p.id);
        let o = res.resolve("AHY", "organization", &[], &[], &[]);
        assert_eq!(o.id, p.id);
    }

    #[test]
    fn aliases_containment_and_ambiguity() {
        let mut res = Resolver::default();
        let (al, bad) = parse_aliases("# comment\nJokowi\tJoko Widodo\nbroken line\n");
        assert_eq!(bad, vec![3]);
        res.set_aliases(al);
        let a = res.resolve("Joko Widodo", "person", &r(&["Presiden"]), &[], &[]);
        let b = res.resolve("Jokowi", "person", &[], &[], &[]);
        assert_eq!(a.id, b.id);
        assert_eq!(b.merge.unwrap().1, "alias file");
        // a two-word name contained in two longer names: a shared role decides
        let x = res.resolve(
            "Budi Arief Hidayat",
            "person",
            &r(&["Direktur Eksekutif"]),
            &[],
            &[],
        );
        let y = res.resolve("Arief Hidayat Putra", "person", &r(&["Pengajar"]), &[], &[]);
        assert_ne!(x.id, y.id);
        let z = res.resolve("Arief Hidayat", "person", &[], &[], &[]);
        assert!(z.new_identity, "ambiguous without a role");
        let w = res.resolve("Arief Hidayat", "person", &r(&["Pengajar"]), &[], &[]);
        assert_eq!(
            w.id, z.id,
            "a form seen before resolves to the same identity"
        );
        let mut res = Resolver::default();
        res.resolve(
            "Budi Arief Hidayat",
            "person",
            &r(&["Direktur Eksekutif"]),
            &[],
            &[],
        );
        let y = res.resolve("Arief Hidayat Putra", "person", &r(&["Pengajar"]), &[], &[]);
        let w = res.resolve("Arief Hidayat", "person", &r(&["pengajar"]), &[], &[]);
        assert_eq!(w.id, y.id);
        assert!(w.merge.unwrap().1.contains("shared role"));
        // titles glued after a name are not part of it
        let e = res.resolve("Yoav Gallant", "person", &[], &[], &[]);
        let f = res.resolve("Yoav Gallant Menteri Pertahanan", "person", &[], &[], &[]);
        assert_eq!(e.id, f.id);
        // a name run into the next word of the text
        let g = res.resolve("Yoav Gallantmengatakan", "person", &[], &[], &[]);
        assert_eq!(g.id, e.id);
        assert_eq!(res.ids[&e.id].name, "Yoav Gallant");
        let h = res.resolve("Yoav Gallantbuka", "person", &[], &[], &[]);
        assert_eq!(h.id, e.id);
        assert!(
            res.resolve("Yoav Galla", "person", &[], &[], &[])
                .new_identity
        );
    }
}
