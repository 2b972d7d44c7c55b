//! Speaker expressions and who they refer to.
//!
//! A speaker expression is a name (an entity mention, with an apposition: "Ahmad Rifai, salah
//! satu pelaku,"), a lower-case role before a name ("analis Foster Asset Management Riki"), a
//! title on its own ("Menkeu", "kata Presiden"), a role with a demonstrative ("menteri
//! tersebut", "eks Kapolda Banten itu"), a pronoun (ia, dia, beliau; mereka for a group) or a
//! common noun phrase ("seorang pejabat setempat", "saksi mata", "militer Israel").
//!
//! Pronouns and -nya refer to the person who has the floor: the last speaker, unless someone
//! else has since been named as the subject of a sentence; people only talked about (named
//! inside a statement, or later in a sentence) do not take the floor.

use super::{SpeakerKind, Via};
use crate::doc::{Analysis, TextSpan, TokKind};
use crate::entities::{Entities, EntityKind};
use crate::lexicon::{Class, CueKind, LEX};

/// A resolved speaker with role, affiliation and the token range of its expression.
pub(super) type Found = (
    super::Speaker,
    Option<String>,
    Option<String>,
    (usize, usize),
);

/// Who spoke last, and where.
#[derive(Debug, Clone, Copy)]
pub(super) struct Floor {
    pub entity: usize,
    pub block: usize,
    pub tok: usize,
}

type CueAt = Option<(&'static str, CueKind, bool)>;

/// The cue at token `i` (see [`Ctx::cue_at`]), looked up once per token.
fn cue_of(a: &Analysis, i: usize) -> CueAt {
    let t = a.tokens.get(i)?;
    let (is_cue, with_nya) = (
        a.is(i, crate::class!("@cue")),
        a.is(i, crate::class!("@cue_nya")),
    );
    if t.kind != TokKind::Word || !(is_cue || with_nya) {
        return None;
    }
    let lw = a.lower(i);
    let found = match LEX.cues.get(lw) {
        Some(c) => {
            let nya = lw
                .strip_suffix("nya")
                .is_some_and(|stem| LEX.cues.contains_key(stem));
            Some((c.lemma, c.kind, nya))
        }
        None => lw
            .strip_suffix("nya")
            .and_then(|stem| LEX.cues.get(stem))
            .map(|c| (c.lemma, c.kind, true)),
    }?;
    let same_sent = i > 0 && a.tokens[i - 1].sent == t.sent;
    if same_sent && a.is(i - 1, crate::class!("negation")) {
        return None;
    }
    // "Lebih lanjut, ...": furthermore, not "lanjut X"
    if i > 0 && lw == "lanjut" && a.lower(i - 1) == "lebih" {
        return None;
    }
    Some(found)
}

pub(super) struct Ctx<'a> {
    pub src: &'a str,
    pub a: &'a Analysis,
    pub ents: &'a mut Entities,
    /// tokens inside a quotation
    pub inside: &'a [bool],
    pub floor: Option<Floor>,
    /// the cue at every token
    cues: Vec<CueAt>,
    /// token ranges of the statements found so far (in text order): people named there are
    /// talked about, they do not take the floor
    pub said: Vec<(usize, usize)>,
}

impl<'a> Ctx<'a> {
    pub fn new(src: &'a str, a: &'a Analysis, ents: &'a mut Entities, inside: &'a [bool]) -> Self {
        Ctx {
            src,
            a,
            ents,
            inside,
            floor: None,
            cues: (0..a.tokens.len()).map(|i| cue_of(a, i)).collect(),
            said: Vec::new(),
        }
    }

    /// The text of token `i` ("" past the end).
    pub fn w(&self, i: usize) -> &str {
        self.a
            .tokens
            .get(i)
            .map_or("", |t| &self.src[t.start..t.end])
    }

    pub fn lw(&self, i: usize) -> &'a str {
        self.a.lower(i)
    }

    pub fn same_sent(&self, i: usize, j: usize) -> bool {
        i < self.a.tokens.len()
            && j < self.a.tokens.len()
            && self.a.tokens[i].sent == self.a.tokens[j].sent
    }

    pub fn is(&self, class: Class, i: usize) -> bool {
        self.a.is(i, class)
    }

    fn cap(&self, i: usize) -> bool {
        i < self.a.tokens.len() && self.w(i).starts_with(char::is_uppercase)
    }

    fn span(&self, s: usize, e: usize) -> TextSpan {
        TextSpan::new(self.src, self.a.tokens[s].start, self.a.tokens[e - 1].end)
    }

    fn text(&self, s: usize, e: usize) -> String {
        self.src[self.a.tokens[s].start..self.a.tokens[e - 1].end].to_string()
    }

    /// The cue at token `i`: (lemma, kind, has the clitic -nya). A cue after a negation
    /// ("tak menjelaskan", "belum menyatakan") is none.
    #[inline]
    pub fn cue_at(&self, i: usize) -> Option<(&'static str, CueKind, bool)> {
        self.cues.get(i).copied().flatten()
    }

    /// Is token `i` inside a statement found so far?
    fn talked_about(&self, i: usize) -> bool {
        let p = self.said.partition_point(|r| r.0 <= i);
        self.said[..p].iter().rev().take(4).any(|r| i < r.1)
    }

    /// Is the mention the subject of its sentence: near its start, with no cue before it?
    fn subject_like(&self, m: &crate::entities::Mention) -> bool {
        let s = self.a.sentences[self.a.tokens[m.tok_start].sent].tok_start;
        m.tok_start - s <= 4 && (s..m.tok_start).all(|k| self.cue_at(k).is_none())
    }

    /// The person `ia`, `dia` or -nya at token `before` refers to.
    pub fn salient_person(&self, before: usize) -> Option<usize> {
        let ms = &self.ents.mentions;
        let upto = ms.partition_point(|m| m.tok_end <= before);
        let person = |m: &&crate::entities::Mention| {
            !m.in_quote
                && self.ents.entities[m.entity].kind == EntityKind::Person
                && !self.talked_about(m.tok_start)
        };
        let named = ms[..upto].iter().rev().take(400).find(person);
        let block = self.a.tokens.get(before).map_or(0, |t| t.block);
        let floor = self.floor.filter(|f| f.block + 2 >= block);
        match (named, floor) {
            (Some(m), Some(f)) if m.entity != f.entity && m.tok_start > f.tok => {
                // someone named since the last statement takes the floor only as the subject
                // of a sentence, or in this very sentence
                let here = self.same_sent(m.tok_start, before.min(self.a.tokens.len() - 1));
                if here || self.subject_like(m) {
                    Some(m.entity)
                } else {
                    Some(f.entity)
                }
            }
            (Some(m), _) => Some(m.entity),
            (None, Some(f)) => Some(f.entity),
            (None, None) => None,
        }
    }

    /// The organisation or group "mereka", "lembaga itu" refers to: the last one named
    /// outside quotations.
    pub fn salient_group(&self, before: usize) -> Option<usize> {
        let ms = &self.ents.mentions;
        let upto = ms.partition_point(|m| m.tok_end <= before);
        ms[..upto]
            .iter()
            .rev()
            .take(400)
            .find(|m| !m.in_quote && self.ents.entities[m.entity].kind == EntityKind::Organization)
            .map(|m| m.entity)
    }

    pub fn speaker_of_mention(&mut self, mi: usize, via_default: Via) -> Found {
        let m = self.ents.mentions[mi].clone();
        if self.ents.entities[m.entity].kind == EntityKind::Other {
            self.ents.set_kind(m.entity, EntityKind::Person);
        }
        let e = &self.ents.entities[m.entity];
        let kind = match e.kind {
            EntityKind::Person | EntityKind::Other => SpeakerKind::Person,
            EntityKind::Organization | EntityKind::Place => SpeakerKind::Organization,
        };
        let via = if m.apposition {
            Via::Apposition
        } else if m.role.is_some() {
            Via::Title
        } else if kind == SpeakerKind::Organization {
            Via::Organization
        } else {
            via_default
        };
        let part = |r: Option<(usize, usize)>| {
            r.filter(|(s, t)| t > s).map(|(s, t)| {
                self.src[self.a.tokens[s].start..self.a.tokens[t - 1].end].to_string()
            })
        };
        let role = part(m.role).or_else(|| e.roles.first().cloned());
        let aff = part(m.affiliation).or_else(|| e.affiliations.first().cloned());
        let sp = super::Speaker {
            name: e.name.clone(),
            entity: Some(e.id),
            kind,
            mention: TextSpan::new(self.src, m.start, m.end),
            via,
        };
        (sp, role, aff, (m.tok_start, m.tok_end))
    }

    pub fn speaker_of_entity(&self, e: usize, (s, t): (usize, usize), via: Via) -> Found {
        let en = &self.ents.entities[e];
        let kind = match en.kind {
            EntityKind::Organization | EntityKind::Place => SpeakerKind::Organization,
            _ => SpeakerKind::Person,
        };
        (
            super::Speaker {
                name: en.name.clone(),
                entity: Some(e),
                kind,
                mention: self.span(s, t),
                via,
            },
            en.roles.first().cloned(),
            en.affiliations.first().cloned(),
            (s, t),
        )
    }

    fn descriptor(&self, s: usize, e: usize) -> Found {
        (
            super::Speaker {
                name: self.text(s, e),
                entity: None,
                kind: SpeakerKind::Descriptor,
                mention: self.span(s, e),
                via: Via::Descriptor,
            },
            None,
            None,
            (s, e),
        )
    }

    /// "Presiden" or "Menteri Keuangan" alone (no name after it) at token `i`: the latest
    /// person before it whose role begins with these words. Returns the end of the title too.
    pub fn title_holder(&self, i: usize) -> Option<(usize, Found)> {
        let n = self.a.tokens.len();
        let words: Vec<&str> = (i..(i + 6).min(n))
            .take_while(|&k| self.same_sent(i, k))
            .map(|k| self.w(k))
            .collect();
        let (l, true) = crate::entities::title_at(&words, 0)? else {
            return None;
        };
        let mut end = l;
        while end < words.len() && LEX.words.has(crate::class!("role_word"), words[end]) {
            end += 1;
        }
        // followed by a name: a mention, not a reference ...
        if words
            .get(end)
            .is_some_and(|w| w.starts_with(char::is_uppercase))
        {
            // ... unless the name is the organisation of the role and no person follows:
            // "Sekjen PBB pada Senin meminta ..." after "Sekjen PBB Antonio Guterres"
            return self.title_of_org_holder(i, i + end);
        }
        let e = self.holder_of(&words[..end].join(" "), i)?;
        Some((i + end, self.speaker_of_entity(e, (i, i + end), Via::Title)))
    }

    /// "TITLE ORG" (tokens `i..at` the title, an organisation's mention at `at`) not followed
    /// by a name: the latest person whose role is that title of that organisation.
    fn title_of_org_holder(&self, i: usize, at: usize) -> Option<(usize, Found)> {
        let mi = self.ents.mention_at.get(at).copied().flatten()?;
        let m = &self.ents.mentions[mi];
        if m.tok_start != at || self.ents.entities[m.entity].kind != EntityKind::Organization {
            return None;
        }
        let end = m.tok_end;
        let name_follows = end < self.a.tokens.len()
            && self.same_sent(i, end)
            && self.w(end).starts_with(char::is_uppercase);
        if name_follows {
            return None;
        }
        let e = self.holder_of(&self.text(i, end), i)?;
        Some((end, self.speaker_of_entity(e, (i, end), Via::Title)))
    }

    /// The latest person before token `before` whose role begins with `title`.
    fn holder_of(&self, title: &str, before: usize) -> Option<usize> {
        let ms = &self.ents.mentions;
        let upto = ms.partition_point(|m| m.tok_end <= before);
        // short and full forms compare ("Menkeu" is "Menteri Keuangan")
        let tl = crate::lexicon::full_title(title);
        ms[..upto].iter().rev().take(400).find_map(|m| {
            let e = &self.ents.entities[m.entity];
            (e.kind == EntityKind::Person
                && e.roles.iter().any(|r| {
                    let r = crate::lexicon::full_title(r);
                    r == tl || r.starts_with(&tl) && r.as_bytes().get(tl.len()) == Some(&b' ')
                }))
            .then_some(m.entity)
        })
    }

    /// Speaker expressions that begin at token `t`: (end, speaker), longest first.
    pub fn expr_from(&mut self, t: usize) -> Vec<(usize, Found)> {
        let mut out = Vec::new();
        if t >= self.a.tokens.len() || self.inside[t] {
            return out;
        }
        if let Some(mi) = self.ents.mention_at[t] {
            if self.ents.mentions[mi].tok_start == t {
                let f = self.speaker_of_mention(mi, Via::Name);
                // "kata Ali Fikri, juru bicara KPK, di Jakarta": the apposition after it
                if let Some(e) = self.apposition_after(f.3 .1) {
                    let mut g = f.clone();
                    let role = self.text(f.3 .1 + 1, e);
                    g.1 = Some(g.1.take().unwrap_or(role));
                    g.0.mention = self.span(t, e);
                    g.3 .1 = e;
                    out.push((e, g));
                }
                out.push((f.3 .1, f));
                return out;
            }
        }
        // a role before a name: "analis Foster Asset Management Riki Adi Saputra",
        // "koresponden ABS-CBN, Dennis Datu", "Gubernur wilayah Donetsk, Vadim Filashkin"
        let title_here = crate::entities::title_at(&[self.w(t)], 0).is_some();
        if (self.is(crate::class!("role_noun"), t) && !self.cap(t))
            || (title_here && self.mention_starts_later(t))
        {
            if let Some(f) = self.role_then_name(t) {
                out.push((f.3 .1, f));
                return out;
            }
        }
        let lw = self.lw(t).to_string();
        if LEX.words.has(crate::class!("pronoun"), &lw) {
            if let Some(e) = self.salient_person(t) {
                out.push((t + 1, self.speaker_of_entity(e, (t, t + 1), Via::Pronoun)));
            }
            return out;
        }
        if LEX.words.has(crate::class!("pronoun_plural"), &lw) {
            if let Some(e) = self.salient_group(t) {
                out.push((t + 1, self.speaker_of_entity(e, (t, t + 1), Via::Pronoun)));
            }
            return out;
        }
        if let Some((end, f)) = self.title_holder(t) {
            out.push((end, f));
            return out;
        }
        if let Some(f) = self.role_reference(t) {
            out.push((f.3 .1, f));
            return out;
        }
        if let Some(e) = self.descriptor_from(t) {
            out.push((e, self.descriptor(t, e)));
        }
        out
    }

    /// Speaker expressions that end just before token `end`: (start, speaker).
    pub fn expr_to(&mut self, end: usize) -> Vec<(usize, Found)> {
        let mut out = Vec::new();
        if end == 0 || end > self.a.tokens.len() || self.inside[end - 1] {
            return out;
        }
        let p = end - 1;
        // "sumber medis di Rumah Sakit Al-Aqsa", "Seorang pejabat Hamas": a common noun
        // heads the speaker; the name at its end is only part of it
        if let Some(s) = self.descriptor_to(end) {
            // ... a name of an organisation or a place, not a person's ("juru bicara militer
            // Israel Daniel Hagari" is Daniel Hagari)
            let name_inside = self.ents.mention_at[p].is_some_and(|mi| {
                let m = &self.ents.mentions[mi];
                m.tok_start > s
                    && matches!(
                        self.ents.entities[m.entity].kind,
                        EntityKind::Organization | EntityKind::Place
                    )
            });
            // (a head in capitals is part of a proper name: "Dinas Pendidikan ...")
            let common = self.is(crate::class!("descriptor_det"), s)
                || self.is(crate::class!("descriptor_head"), s) && !self.cap(s);
            if name_inside && common {
                out.push((s, self.descriptor(s, end)));
            }
        }
        if let Some(mi) = self.ents.mention_at[p] {
            let m = &self.ents.mentions[mi];
            // "Sekjen PBB" ending here: the holder of that role named before, when there is one
            if m.tok_end == end && self.ents.entities[m.entity].kind == EntityKind::Organization {
                let start = m.tok_start;
                for s in (start.saturating_sub(4)..start).filter(|&s| self.same_sent(s, p)) {
                    if let Some((e, f)) = self.title_holder(s) {
                        if e == end {
                            out.push((s, f));
                            return out;
                        }
                    }
                }
            }
            if self.ents.mentions[mi].tok_end == end {
                let f = self.speaker_of_mention(mi, Via::Name);
                // "juru bicara militer Israel Daniel Hagari": a role in lower case before it
                if let Some(r) = self.role_before(f.3 .0) {
                    let mut g = f.clone();
                    let role = self.text(r, f.3 .0);
                    g.1 = Some(match g.1.take() {
                        Some(x) if !role.contains(&x) => format!("{role} {x}"),
                        _ => role,
                    });
                    g.0.mention = self.span(r, end);
                    g.3 .0 = r;
                    out.push((r, g));
                }
                out.push((f.3 .0, f));
                return out;
            }
        }
        // "Pelatih Timnas U-19, Indra Sjafri, menyayangkan": a mention, then a comma
        if self.w(p) == "," && p > 0 {
            if let Some(mi) = self.ents.mention_at[p - 1] {
                let m = &self.ents.mentions[mi];
                if m.tok_end == p && m.name.is_some() {
                    let mut f = self.speaker_of_mention(mi, Via::Name);
                    f.3 .1 = end;
                    out.push((f.3 .0, f));
                    return out;
                }
            }
        }
        // "Ahmad Rifai, salah satu pelaku, menyangkal": a name, then its role between commas
        if self.w(p) == "," {
            if let Some(f) = self.apposition_before(p) {
                out.push((f.3 .0, f));
                return out;
            }
        }
        let lw = self.lw(p).to_string();
        if LEX.words.has(crate::class!("pronoun"), &lw) {
            if let Some(e) = self.salient_person(p) {
                out.push((p, self.speaker_of_entity(e, (p, end), Via::Pronoun)));
            }
            return out;
        }
        if LEX.words.has(crate::class!("pronoun_plural"), &lw) {
            if let Some(e) = self.salient_group(p) {
                out.push((p, self.speaker_of_entity(e, (p, end), Via::Pronoun)));
            }
            return out;
        }
        // a title alone, or a role with a demonstrative, ending here
        for s in (end.saturating_sub(5)..end).rev() {
            if !self.same_sent(s, p) {
                continue;
            }
            if let Some((e, f)) = self.title_holder(s) {
                if e == end {
                    out.push((s, f));
                    return out;
                }
            }
            if let Some(f) = self.role_reference(s) {
                if f.3 .1 == end {
                    out.push((s, f));
                    return out;
                }
            }
        }
        if let Some(s) = self.descriptor_to(end) {
            out.push((s, self.descriptor(s, end)));
        }
        out
    }

    /// The end of a lower-case apposition after a name ending at `end`: ", juru bicara KPK,"
    /// (up to the next comma or the sentence end, at most eight tokens).
    fn apposition_after(&self, end: usize) -> Option<usize> {
        let n = self.a.tokens.len();
        if end + 1 >= n || self.w(end) != "," || !self.same_sent(end, end + 1) {
            return None;
        }
        let h = end + 1;
        let starts = !self.cap(h)
            && (self.is(crate::class!("role_noun"), h)
                || self.is(crate::class!("descriptor_head"), h)
                || self.is(crate::class!("descriptor_det"), h));
        if !starts {
            return None;
        }
        let mut k = h;
        while k < n && k < h + 8 && self.same_sent(h, k) {
            let w = self.w(k);
            if w == "," || w == "." || self.cue_at(k).is_some() || self.inside[k] {
                break;
            }
            if LEX.words.has(crate::class!("occasion_start"), self.lw(k)) && k > h {
                // "juru bicara KPK di Jakarta": a role may end at an occasion; a common noun
                // may not ("Menurut Febri, warga dibawa ke kantor setelah pemeriksaan" is
                // what Febri said, not who Febri is)
                if !self.is(crate::class!("role_noun"), h) {
                    return None;
                }
                break;
            }
            k += 1;
        }
        (k > h).then_some(k)
    }

    /// Where a lower-case role phrase before a person's name begins ("juru bicara militer
    /// Israel" before "Daniel Hagari"): role nouns and role words, with names of organisations
    /// and places among them, at most six tokens back.
    fn role_before(&self, name: usize) -> Option<usize> {
        let is_person = self
            .ents
            .mention_at
            .get(name)
            .copied()
            .flatten()
            .is_some_and(|mi| {
                matches!(
                    self.ents.entities[self.ents.mentions[mi].entity].kind,
                    EntityKind::Person | EntityKind::Other
                )
            });
        if !is_person {
            return None;
        }
        let mut start = None;
        let mut k = name;
        while k > 0 && name - k < 6 {
            let p = k - 1;
            if !self.same_sent(p, name) || self.inside[p] || self.cue_at(p).is_some() {
                break;
            }
            let w = self.w(p);
            let lower_role = !self.cap(p)
                && (self.is(crate::class!("role_noun"), p)
                    || self.is(crate::class!("descriptor_head"), p));
            let word_of_role = self.is(crate::class!("role_word"), p)
                || crate::lexicon::with_lower(w, |l| {
                    LEX.words.has(
                        crate::class!("role_word"),
                        crate::lexicon::capitalised(l).as_str(),
                    )
                })
                || self.cap(p)
                || !self.cap(p) && self.a.tokens[p].kind == TokKind::Word && w.len() > 2;
            if lower_role {
                start = Some(p);
            } else if !word_of_role {
                break;
            }
            k -= 1;
        }
        start.filter(|&s| {
            self.is(crate::class!("role_noun"), s) || self.is(crate::class!("descriptor_head"), s)
        })
    }

    /// Does no mention begin at `t`, but one within the next eight tokens of the sentence?
    fn mention_starts_later(&self, t: usize) -> bool {
        self.ents.mention_at[t].is_none()
            && (t + 1..(t + 8).min(self.a.tokens.len()))
                .take_while(|&k| self.same_sent(t, k))
                .any(|k| self.ents.mention_at[k].is_some())
    }

    /// "analis Foster Asset Management Riki Adi Saputra": role words in lower case, perhaps
    /// organisation words, perhaps a comma, then a person's name.
    fn role_then_name(&mut self, t: usize) -> Option<Found> {
        const ROLE_FIELD_WORDS: usize = 3;
        let mut k = t;
        while k < self.a.tokens.len() && k < t + 8 && self.same_sent(t, k) {
            if let Some(mi) = self.ents.mention_at[k] {
                let m = &self.ents.mentions[mi];
                if m.tok_start == k && k > t {
                    let is_person = matches!(
                        self.ents.entities[m.entity].kind,
                        EntityKind::Person | EntityKind::Other
                    ) && m.name.is_some();
                    // "koresponden ABS-CBN, Dennis Datu": the name after the comma
                    let name_follows = m.tok_end + 1 < self.a.tokens.len()
                        && self.w(m.tok_end) == ","
                        && self.ents.mention_at[m.tok_end + 1].is_some_and(|x| {
                            let n = &self.ents.mentions[x];
                            n.tok_start == m.tok_end + 1
                                && n.name.is_some()
                                && matches!(
                                    self.ents.entities[n.entity].kind,
                                    EntityKind::Person | EntityKind::Other
                                )
                        });
                    if !is_person || name_follows {
                        k = m.tok_end;
                        continue;
                    }
                    let mut f = self.speaker_of_mention(mi, Via::Title);
                    let role_end = if self.w(k - 1) == "," { k - 1 } else { k };
                    let role = self.text(t, role_end);
                    f.1 = Some(match f.1.take() {
                        Some(r) if !role.contains(&r) => format!("{role} {r}"),
                        _ => role,
                    });
                    f.0.mention = self.span(t, f.3 .1);
                    f.3 .0 = t;
                    return Some(f);
                }
            }
            let w = self.w(k);
            let after_title = crate::entities::title_at(&[self.w(t)], 0).is_some();
            // after a role noun, a few words of its field, before any comma: "pemilik kafe
            // Rina Wulandari", "dosen ilmu politik Ani" (not "wartawan di Gedung BEI", not
            // "pakar, nyamuk ditemukan di ...")
            let field_word = !after_title
                && self.is(crate::class!("role_noun"), t)
                && k > t
                && k <= t + ROLE_FIELD_WORDS
                && !(t..k).any(|j| self.w(j) == ",")
                && self.a.tokens[k].kind == TokKind::Word
                && !self.w(k).starts_with(char::is_uppercase)
                && self.cue_at(k).is_none()
                && !self.is(crate::class!("stopword"), k)
                && !self.is(crate::class!("field_stop"), k);
            let ok = self.is(crate::class!("role_noun"), k)
                || self.is(crate::class!("role_word"), k)
                || crate::lexicon::with_lower(w, |l| {
                    LEX.words.has(crate::class!("role_word"), crate::lexicon::capitalised(l).as_str())
                })
                || (w == "," && k > t)
                || w.starts_with(char::is_uppercase)
                || field_word
                // "Gubernur wilayah Donetsk, Vadim Filashkin"
                || (after_title
                    && self.a.tokens[k].kind == TokKind::Word
                    && self.cue_at(k).is_none()
                    && !self.is(crate::class!("stopword"), k));
            if !ok {
                return None;
            }
            k += 1;
        }
        None
    }

    /// "sang menteri", "menteri tersebut", "eks Kapolda Banten itu": the latest person with
    /// that role.
    fn role_reference(&self, t: usize) -> Option<Found> {
        let n = self.a.tokens.len();
        if self.lw(t) == "sang" && t + 1 < n {
            let e = self.salient_person(t)?;
            return Some(self.speaker_of_entity(e, (t, t + 2), Via::Pronoun));
        }
        // role words then a demonstrative, within five tokens
        let mut k = t;
        while k < n
            && k < t + 5
            && self.same_sent(t, k)
            && !self.is(crate::class!("demonstrative"), k)
        {
            let w = self.w(k);
            let role_like = self.is(crate::class!("role_ref"), k)
                || self.is(crate::class!("role_prefix"), k)
                || crate::entities::title_at(&[w], 0).is_some()
                || crate::entities::title_at(&[crate::lexicon::capitalised(w).as_str()], 0)
                    .is_some()
                || (k > t
                    && (w.starts_with(char::is_uppercase)
                        || self.is(crate::class!("role_word"), k)));
            if !role_like {
                return None;
            }
            k += 1;
        }
        if k == t || k >= n || !self.is(crate::class!("demonstrative"), k) || !self.same_sent(t, k)
        {
            return None;
        }
        let end = k + 1;
        // the title words, without prefixes: "eks Kapolda Banten" -> a holder of "Kapolda"
        let mut s = t;
        while s < k && self.is(crate::class!("role_prefix"), s) {
            s += 1;
        }
        let head = crate::lexicon::capitalised(self.w(s));
        let e = self.holder_of(&head, t).or_else(|| {
            self.is(crate::class!("role_ref"), t)
                .then(|| self.salient_person(t))
                .flatten()
        })?;
        Some(self.speaker_of_entity(e, (t, end), Via::Title))
    }

    /// "Ahmad Rifai, salah satu pelaku,": the name before the comma before `comma`.
    fn apposition_before(&mut self, comma: usize) -> Option<Found> {
        let lo = comma.saturating_sub(14);
        let mut k = comma;
        while k > lo {
            k -= 1;
            if !self.same_sent(k, comma) || self.inside[k] {
                return None;
            }
            if self.w(k) == "," {
                if k + 1 >= comma {
                    return None;
                }
                // a relative clause may hold a verb: "Seorang pejabat Hamas, yang meminta
                // tidak disebutkan namanya,"
                let relative = self.lw(k + 1) == "yang";
                if !relative && (k + 1..comma).any(|x| self.cue_at(x).is_some()) {
                    return None;
                }
                // the speaker before the apposition: a person's name, or a common noun
                let before = self.expr_to(k);
                let (_, mut f) = before.into_iter().find(|(_, f)| {
                    matches!(f.0.kind, SpeakerKind::Person | SpeakerKind::Descriptor)
                        && f.0.via != Via::Pronoun
                })?;
                if !relative {
                    f.1 = Some(self.text(k + 1, comma));
                }
                f.0.mention = self.span(f.3 .0, comma);
                if f.0.via != Via::Descriptor {
                    f.0.via = Via::Apposition;
                }
                f.3 .1 = comma + 1;
                return Some(f);
            }
        }
        None
    }

    /// The end of a common-noun speaker beginning at `t`: "seorang pejabat setempat",
    /// "saksi mata", "para pemimpin di Hungaria, Polandia, dan Slovakia", "militer Israel".
    fn descriptor_from(&self, t: usize) -> Option<usize> {
        let n = self.a.tokens.len();
        let mut k = t;
        while k < n
            && self.same_sent(t, k)
            && self.is(crate::class!("descriptor_det"), k)
            && k < t + 2
        {
            k += 1;
        }
        if k >= n || !self.same_sent(t, k) || !self.is(crate::class!("descriptor_head"), k) {
            return None;
        }
        k += 1;
        while k < n && k < t + 12 && self.same_sent(t, k) && !self.inside[k] {
            let w = self.lw(k);
            // a list of names inside it: "para pemimpin di Hungaria, Polandia, dan Slovakia"
            let after_name = k > t
                && (self.cap(k - 1) || (k > t + 1 && self.w(k - 1) == "," && self.cap(k - 2)));
            let in_list = matches!(w, "," | "dan")
                && after_name
                && (self.cap(k + 1) || (self.lw(k + 1) == "dan" && self.cap(k + 2)));
            if in_list {
                k += 1;
                continue;
            }
            if self.cue_at(k).is_some()
                || LEX.words.has(crate::class!("descriptor_stop"), w)
                || self.a.tokens[k].kind != TokKind::Word
                || LEX.words.has(crate::class!("subject_adverb"), w)
                || LEX.words.has(crate::class!("negation"), w)
            {
                break;
            }
            k += 1;
        }
        Some(k)
    }

    /// The start of a common-noun speaker that ends just before `end`, starting at a clause
    /// start or after a determiner.
    fn descriptor_to(&self, end: usize) -> Option<usize> {
        let p = end.checked_sub(1)?;
        let lo = end.saturating_sub(8);
        (lo..end)
            .filter(|&s| self.same_sent(s, p))
            .find(|&s| self.descriptor_from(s) == Some(end))
    }
}
