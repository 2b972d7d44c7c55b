//! Speakers across documents: one identity for the name forms of a person or organisation.
//!
//! Rules, in order (the reason is recorded in the `merges` table):
//! 1. the alias file maps a name form to a canonical name ("Jokowi" → "Joko Widodo");
//! 2. a name form seen before resolves to the same identity;
//! 3. for persons, name containment: the words of one name appear, in order and contiguous,
//!    in the other ("Netanyahu" ⊂ "Benjamin Netanyahu"); with several candidates, the one that
//!    shares a role with the new mention wins; still ambiguous means a new identity;
//! 4. otherwise a new identity.
//!
//! The canonical name of an identity is its fullest form seen so far.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub kind: String,
    pub roles: HashSet<String>,
    forms: Vec<Vec<String>>,
}

/// What a resolution changed, for the store to write.
#[derive(Debug, Default)]
pub struct Outcome {
    pub id: i64,
    pub new_identity: bool,
    pub new_form: bool,
    pub renamed: bool,
    /// The canonical name before this resolution (what the form was merged into).
    pub previous: String,
    pub merge: Option<(String, String)>,
    pub new_roles: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Resolver {
    pub ids: HashMap<i64, Identity>,
    names: HashMap<String, i64>,
    by_word: HashMap<String, Vec<i64>>,
    aliases: HashMap<String, String>,
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
        && !lex.org_heads.contains(cap.as_str())
        && !lex.org_names.contains(cap.as_str())
        && !lex.places.contains(cap.as_str())
        && !lex.words.is("stopword", w)
}

/// `short` names the same person as `long`: its words appear in order and contiguous in
/// `long`, both are made of name words only, and `short` is either two words or more or
/// `long`'s last word ("Netanyahu" in "Benjamin Netanyahu"; a lone first name is too
/// ambiguous across documents).
fn contains(long: &[String], short: &[String]) -> bool {
    !short.is_empty()
        && short.len() < long.len()
        && long.iter().all(|w| name_word(w))
        && (short.len() >= 2 || short.first() == long.last())
        && long.windows(short.len()).any(|w| w == short)
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
            },
        );
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

    /// Look up a name form without changing anything (for queries).
    pub fn lookup(&self, name: &str) -> Option<i64> {
        let k = key(name);
        let k = self.aliases.get(&k).map(|c| key(c)).unwrap_or(k);
        self.names.get(&k).copied()
    }

    /// Resolve a name form of kind `kind` with the roles of this mention.
    pub fn resolve(&mut self, name: &str, kind: &str, roles: &[String]) -> Outcome {
        let form_key = key(name);
        let mut merge = None;
        let (k, shown) = match self.aliases.get(&form_key) {
            Some(c) => {
                if !self.names.contains_key(&form_key) {
                    merge = Some((name.to_string(), "alias file".to_string()));
                }
                (key(c), c.clone())
            }
            None => (form_key.clone(), name.to_string()),
        };
        let mut out = Outcome::default();
        let id = if let Some(&id) = self.names.get(&k) {
            id
        } else {
            let w = words(&k);
            let mut cands: Vec<i64> = Vec::new();
            if kind == "person" {
                let mut seen = HashSet::new();
                for x in &w {
                    for &id in self.by_word.get(x).into_iter().flatten() {
                        if !seen.insert(id) {
                            continue;
                        }
                        let Some(ident) = self.ids.get(&id) else {
                            continue;
                        };
                        // a longer new name may join an identity only through its
                        // multi-word forms: a lone word ("Prabowo") can be the short form of
                        // several people, so its identity is never taken over
                        if ident.kind == kind
                            && ident
                                .forms
                                .iter()
                                .any(|f| contains(f, &w) || (f.len() >= 2 && contains(&w, f)))
                        {
                            cands.push(id);
                        }
                    }
                }
                cands.sort_unstable();
            }
            let lower_roles: HashSet<String> = roles.iter().map(|r| r.to_lowercase()).collect();
            let chosen = match cands.len() {
                0 => None,
                1 => Some((cands[0], "name containment".to_string())),
                _ => {
                    let shared: Vec<(i64, String)> = cands
                        .iter()
                        .filter_map(|id| {
                            let r = self.ids[id].roles.intersection(&lower_roles).next()?;
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
            };
            match chosen {
                Some((id, reason)) => {
                    if merge.is_none() {
                        merge = Some((name.to_string(), reason));
                    }
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
                        },
                    );
                    out.new_identity = true;
                    id
                }
            }
        };
        out.id = id;
        for form in [&form_key, &k] {
            if !self.names.contains_key(form) {
                self.load_form(form, id);
                out.new_form = true;
            }
        }
        if let Some(ident) = self.ids.get_mut(&id) {
            out.previous = ident.name.clone();
            if !out.new_identity
                && shown.split_whitespace().count() > ident.name.split_whitespace().count()
                && shown
                    .split_whitespace()
                    .all(|w| name_word(&w.to_lowercase()))
                && !self.aliases.values().any(|c| key(c) == key(&ident.name))
            {
                ident.name = shown.clone();
                out.renamed = true;
            }
            for r in roles {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netanyahu_forms_are_one_identity() {
        let mut r = Resolver::default();
        let a = r.resolve("Benjamin Netanyahu", "person", &["PM Israel".into()]);
        assert!(a.new_identity);
        let b = r.resolve("Netanyahu", "person", &[]);
        assert_eq!(b.id, a.id);
        assert_eq!(b.merge.as_ref().unwrap().1, "name containment");
        let c = r.resolve("benjamin  netanyahu", "person", &[]);
        assert_eq!(c.id, a.id);
        assert!(c.merge.is_none());
        // a three-word form joins through the two-word one, and names the identity
        let d = r.resolve("Benjamin Bibi Netanyahu", "person", &[]);
        assert!(d.new_identity, "not contiguous: a different name");
        let e = r.resolve("Yoav Gallant", "person", &[]);
        let f = r.resolve("Menteri Yoav Gallant Senior", "person", &[]);
        assert_ne!(e.id, f.id, "a form with a title word is not a clean name");
    }

    #[test]
    fn a_lone_word_identity_is_not_taken_over() {
        let mut r = Resolver::default();
        let p = r.resolve("Prabowo", "person", &["Presiden".into()]);
        let s = r.resolve("Sigit Prabowo", "person", &["Kapolri".into()]);
        assert_ne!(p.id, s.id);
        assert_eq!(r.ids[&p.id].name, "Prabowo");
        let f = r.resolve("Prabowo Subianto", "person", &[]);
        assert_ne!(f.id, s.id);
    }

    #[test]
    fn aliases_and_ambiguity() {
        let mut r = Resolver::default();
        let (al, bad) = parse_aliases("# comment\nJokowi\tJoko Widodo\nbroken line\n");
        assert_eq!(bad, vec![3]);
        r.set_aliases(al);
        let a = r.resolve("Joko Widodo", "person", &["Presiden".into()]);
        let b = r.resolve("Jokowi", "person", &[]);
        assert_eq!(a.id, b.id);
        assert_eq!(b.merge.unwrap().1, "alias file");
        // two persons share "Hidayat": the bare surname is ambiguous unless a role decides
        let x = r.resolve("Budi Hidayat", "person", &["Direktur Eksekutif".into()]);
        let y = r.resolve("Rakhmat Hidayat", "person", &["Pengajar".into()]);
        assert_ne!(x.id, y.id);
        let z = r.resolve("Hidayat", "person", &[]);
        assert!(z.new_identity);
        let w = r.resolve("Hidayat", "person", &["Pengajar".into()]);
        assert_eq!(
            w.id, z.id,
            "a form seen before resolves to the same identity"
        );
        // organisations are not merged by containment
        let o1 = r.resolve("Kementerian Kesehatan", "organization", &[]);
        let o2 = r.resolve("Kementerian Kesehatan Gaza", "organization", &[]);
        assert_ne!(o1.id, o2.id);
    }

    #[test]
    fn shared_role_breaks_a_tie() {
        let mut r = Resolver::default();
        let a = r.resolve("Budi Hidayat", "person", &["Direktur Eksekutif".into()]);
        r.resolve("Rakhmat Hidayat", "person", &["Pengajar".into()]);
        let c = r.resolve("Pak Hidayat", "person", &[]);
        assert!(c.new_identity);
        let d = r.resolve("Hidayat Direktur", "person", &[]);
        assert!(d.new_identity);
        let e = r.resolve("Hidayat", "person", &["direktur eksekutif".into()]);
        // "Hidayat" is contained in four forms now; only Budi Hidayat shares the role
        assert_eq!(e.id, a.id);
        assert!(e.merge.unwrap().1.contains("shared role"));
    }
}
