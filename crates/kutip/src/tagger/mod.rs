//! The trainable tagger: a structured averaged perceptron with first-order Viterbi decoding
//! over the PFSA-ID labels (Collins 2002).
//!
//! A sequence is a whole article, because statements cross sentence lines. Each token gets
//! sparse binary features that combine its form (lower-cased word, shape, affixes, neighbours)
//! with what the rule stages found ([`crate::pfsa::Hints`]: the rule label, entity mention
//! parts, quote kind, cue and attribution words) and its place in the article. Features are
//! hashed to 64 bits (FNV-1a), so a model stores no strings.
//!
//! Internally labels are BIO (23 of them, `I-X` only after `B-X`/`I-X`, enforced in
//! decoding); output is converted to BILOU. Training is deterministic for a given seed.
//!
//! The model file (see [`Model::to_bytes`]) is `KUTIPTAG`, a format version, a JSON header,
//! the feature hashes, the weights and a CRC-32 of everything before it.
//!
//! Steps: [`features`] (what each token is, cached per word form), [`decode`] (labels,
//! Viterbi, spans), [`train`] (the perceptron), [`document`] (tagging a ledger's document
//! with the hints of its own analysis, and the spans completing its statements).

mod decode;
mod document;
mod features;
mod train;

pub use document::{refine, tag_document, TagSpan};
pub use train::{train, Epoch, Example, TrainConfig};

use crate::pfsa::{Hints, PSentence};
use decode::{bio_labels, Lattice};
use features::{FormTable, HintsView, SeqView};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

pub const MAGIC: &[u8; 8] = b"KUTIPTAG";
pub const FORMAT_VERSION: u32 = 1;
/// Changes whenever the feature set changes: a model only works with the features it was
/// trained with.
pub const FEATURES_VERSION: u32 = 6;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a kutip tagger model (the file does not start with KUTIPTAG)")]
    Magic,
    #[error(
        "model format version {0} is not supported (this kutip reads version {FORMAT_VERSION})"
    )]
    Version(u32),
    #[error("model was trained with feature set {0}, this kutip computes feature set {FEATURES_VERSION}: retrain it")]
    Features(u32),
    #[error("model file is truncated")]
    Truncated,
    #[error("model file is corrupt (checksum mismatch)")]
    Checksum,
    #[error("model header is invalid: {0}")]
    Header(String),
}

/// What a model file says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub features_version: u32,
    pub labels: Vec<String>,
    pub n_features: usize,
    pub epochs: usize,
    pub seed: u64,
    pub trained_on: String,
    pub licence: String,
    pub kutip_version: String,
}

/// One token sequence (an article) with its per-token hints.
#[derive(Debug, Clone, Default)]
pub struct Sequence {
    pub words: Vec<String>,
    pub sent_start: Vec<bool>,
    pub hints: Hints,
}

impl Sequence {
    /// Build from PFSA-style sentences (tokens only; labels are ignored), running the rule
    /// pipeline for the hints.
    pub fn from_sentences(sents: &[PSentence]) -> Sequence {
        let hints = crate::pfsa::article_hints(sents);
        let mut words = Vec::new();
        let mut sent_start = Vec::new();
        for s in sents {
            for (k, t) in s.tokens.iter().enumerate() {
                words.push(t.clone());
                sent_start.push(k == 0);
            }
        }
        Sequence {
            words,
            sent_start,
            hints,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct IdHasher(u64);
impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
/// For keys hashed already (feature hashes are uniform): the number is the hash.
type IdBuild = BuildHasherDefault<IdHasher>;
/// Feature hashes to feature ids.
type IdMap = HashMap<u64, u32, IdBuild>;

/// A token that is a quotation mark (as PFSA-ID and our tokenizer write them).
pub fn is_quote_mark(w: &str) -> bool {
    matches!(w, "“" | "”" | "\"" | "’’" | "‘‘" | "«" | "»")
}

/// Feature hashes to what the features are called in one place: a model's ids (features it
/// does not know are dropped), or the hashes themselves while training.
trait Resolve {
    type Id: Copy;
    fn resolve(&self, h: u64) -> Option<Self::Id>;
    /// The weights (`n_features × n_labels`) when ids are a model's: the features a word form
    /// gives whatever its context are then kept summed.
    fn weights(&self) -> Option<&[f32]> {
        None
    }
    /// With [`Resolve::weights`]: the number of labels, and an id's row.
    fn labels(&self) -> usize {
        1
    }
    fn index(&self, _id: Self::Id) -> usize {
        0
    }
}

/// Every feature, by its hash.
struct Hashes;
impl Resolve for Hashes {
    type Id = u64;
    fn resolve(&self, h: u64) -> Option<u64> {
        Some(h)
    }
}

impl Resolve for Model {
    type Id = u32;
    fn resolve(&self, h: u64) -> Option<u32> {
        self.index.get(&h).copied()
    }
    fn weights(&self) -> Option<&[f32]> {
        Some(&self.w)
    }
    fn labels(&self) -> usize {
        self.header.labels.len()
    }
    fn index(&self, id: u32) -> usize {
        id as usize
    }
}

/// A trained tagger.
#[derive(Debug, Clone)]
pub struct Model {
    pub header: Header,
    index: IdMap,
    /// `n_features × n_labels`
    w: Vec<f32>,
    /// `(n_labels + 1) × n_labels`, row `n_labels` is the start.
    t: Vec<f32>,
    lattice: Lattice,
    /// tells this model's cached word forms from another's
    uid: u64,
}

fn next_uid() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Word forms per thread, resolved for the model that used them last; started again when it
/// holds this many (a bound on memory over a long run).
const FORMS_KEPT: usize = 100_000;

thread_local! {
    static FORMS: RefCell<Option<(u64, FormTable<u32>)>> = const { RefCell::new(None) };
}

impl Model {
    fn new(header: Header, index: IdMap, w: Vec<f32>, t: Vec<f32>) -> Model {
        Model {
            lattice: Lattice::new(&header.labels),
            header,
            index,
            w,
            t,
            uid: next_uid(),
        }
    }

    /// Label one sequence (BILOU strings, one per word).
    pub fn tag(&self, seq: &Sequence) -> Vec<String> {
        let words: Vec<&str> = seq.words.iter().map(|w| w.as_str()).collect();
        let view = SeqView {
            words: &words,
            sent_start: &seq.sent_start,
            hints: HintsView::of(&seq.hints),
        };
        decode::to_bilou(&self.header.labels, &self.decode(&view))
    }

    /// The best BIO label ids of a sequence, statements snapped to their marks.
    fn decode(&self, seq: &SeqView) -> Vec<usize> {
        let nl = self.header.labels.len();
        let n = seq.words.len();
        let mut e = vec![0f32; n * nl];
        let mut each = |i: usize, items: &[features::Item<u32>], sums: &[f32]| {
            let row = &mut e[i * nl..(i + 1) * nl];
            for item in items {
                match *item {
                    features::Item::Group(g) => decode::add_row(row, sums, g.sum()),
                    features::Item::One(id) => decode::add_row(row, &self.w, id as usize),
                }
            }
        };
        FORMS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => {
                if slot
                    .as_ref()
                    .is_none_or(|(uid, t)| *uid != self.uid || t.len() > FORMS_KEPT)
                {
                    *slot = Some((self.uid, FormTable::new(self)));
                }
                if let Some((_, table)) = slot.as_mut() {
                    features::each_token(seq, table, self, &mut each);
                }
            }
            // only if tagging re-entered itself on this thread: a table of its own
            Err(_) => features::each_token(seq, &mut FormTable::new(self), self, &mut each),
        });
        let mut best = decode::viterbi(&e, &self.t, &self.lattice, n, nl);
        decode::snap_statements(seq.words, &self.header.labels, &mut best);
        best
    }

    /// Serialise: magic, version (u32 LE), header length (u32 LE), header JSON, feature
    /// hashes (u64 LE, in id order), weights (f32 LE, feature-major), transitions (f32 LE),
    /// CRC-32 (u32 LE) of all the bytes before it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        out.extend_from_slice(&header);
        let mut hashes = vec![0u64; self.index.len()];
        for (&h, &id) in &self.index {
            hashes[id as usize] = h;
        }
        for h in hashes {
            out.extend_from_slice(&h.to_le_bytes());
        }
        for x in self.w.iter().chain(&self.t) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    pub fn from_bytes(b: &[u8]) -> Result<Model, ModelError> {
        if b.len() < 8 || &b[..8] != MAGIC {
            return Err(ModelError::Magic);
        }
        let u32_at = |o: usize| -> Result<u32, ModelError> {
            b.get(o..o + 4)
                .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
                .ok_or(ModelError::Truncated)
        };
        let version = u32_at(8)?;
        if version != FORMAT_VERSION {
            return Err(ModelError::Version(version));
        }
        let hl = u32_at(12)? as usize;
        let hbytes = 16usize
            .checked_add(hl)
            .and_then(|e| b.get(16..e))
            .ok_or(ModelError::Truncated)?;
        let crc_ok = || {
            b.len() >= 4 && crc32fast::hash(&b[..b.len() - 4]) == u32_at(b.len() - 4).unwrap_or(0)
        };
        let header: Header = match serde_json::from_slice(hbytes) {
            Ok(h) => h,
            Err(_) if !crc_ok() => return Err(ModelError::Checksum),
            Err(e) => return Err(ModelError::Header(e.to_string())),
        };
        let nl = header.labels.len();
        let nf = header.n_features;
        // every size is checked against the file before anything is allocated or indexed: a
        // header may claim anything, even with a valid checksum
        let need = (|| {
            let hashes = nf.checked_mul(8)?;
            let weights = nf.checked_mul(nl)?.checked_add((nl + 1).checked_mul(nl)?)?;
            16usize
                .checked_add(hl)?
                .checked_add(hashes)?
                .checked_add(weights.checked_mul(4)?)?
                .checked_add(4)
        })()
        .ok_or_else(|| ModelError::Header(format!("{nf} features do not fit in a file")))?;
        if b.len() < need {
            return Err(ModelError::Truncated);
        }
        if b.len() > need || !crc_ok() {
            return Err(ModelError::Checksum);
        }
        if header.features_version != FEATURES_VERSION {
            return Err(ModelError::Features(header.features_version));
        }
        if header.labels != bio_labels() {
            return Err(ModelError::Header("unexpected label set".into()));
        }
        let body = &b[..b.len() - 4];
        let mut o = 16 + hl;
        let mut index = IdMap::with_capacity_and_hasher(nf, Default::default());
        for id in 0..nf {
            let s = &body[o..o + 8];
            let h = u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]);
            index.insert(h, id as u32);
            o += 8;
        }
        let floats = |b: &[u8]| -> Vec<f32> {
            b.chunks_exact(4)
                .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
                .collect()
        };
        let (w, t) = body[o..].split_at(nf * nl * 4);
        Ok(Model::new(header, index, floats(w), floats(t)))
    }
}

#[cfg(test)]
mod tests {
    use super::decode::to_bilou;
    use super::*;

    fn sent(s: &str) -> PSentence {
        let mut p = PSentence::default();
        for tl in s.split(' ') {
            let (t, l) = tl.split_once('/').unwrap_or((tl, "O"));
            p.tokens.push(t.to_string());
            p.labels.push(l.to_string());
        }
        p
    }

    fn example(lines: &[&str]) -> Example {
        let sents: Vec<PSentence> = lines.iter().map(|l| sent(l)).collect();
        Example {
            gold: sents.iter().flat_map(|s| s.labels.clone()).collect(),
            seq: Sequence::from_sentences(&sents),
        }
    }

    #[test]
    fn bilou_round_trip() {
        let labels = bio_labels();
        let id = |l: &str| labels.iter().position(|x| x == l).unwrap();
        let seq = [
            id("B-CUE"),
            id("O"),
            id("B-PERSON"),
            id("I-PERSON"),
            id("I-PERSON"),
        ];
        assert_eq!(
            to_bilou(&labels, &seq),
            ["U-CUE", "O", "B-PERSON", "I-PERSON", "L-PERSON"]
        );
    }

    #[test]
    fn learns_a_convention_and_round_trips() {
        // A toy convention the rules do not know: the word after "oleh" is an AFFILIATION.
        let data: Vec<Example> = (0..6)
            .map(|k| {
                let org = [
                    "Bulog",
                    "Pertamina",
                    "Basarnas",
                    "Bawaslu",
                    "Kemenkes",
                    "Polri",
                ][k];
                example(&[
                    &format!("Beras dibagikan oleh {org}/U-AFFILIATION kemarin ."),
                    "Warga antre sejak pagi .",
                ])
            })
            .collect();
        let cfg = TrainConfig {
            epochs: 5,
            min_count: 1,
            ..TrainConfig::default()
        };
        let m = train(&data, &cfg, |_, _| None);
        let test = example(&["Bantuan disalurkan oleh Baznas kemarin ."]);
        let out = m.tag(&test.seq);
        assert_eq!(out[3], "U-AFFILIATION", "{out:?}");
        assert_eq!(out[0], "O");
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.tag(&test.seq), out);
        // corrupt and truncated files are clear errors
        let mut bad = bytes.clone();
        bad[40] ^= 0xff;
        assert!(matches!(Model::from_bytes(&bad), Err(ModelError::Checksum)));
        assert!(matches!(
            Model::from_bytes(&bytes[..10]),
            Err(ModelError::Truncated)
        ));
        assert!(matches!(
            Model::from_bytes(b"PK\x03\x04 zip file"),
            Err(ModelError::Magic)
        ));
        // a crafted header whose sizes overflow, with a valid checksum, is refused
        for n in [1usize << 62, usize::MAX / 4, usize::MAX] {
            let mut h = m.header.clone();
            h.n_features = n;
            let hj = serde_json::to_vec(&h).unwrap();
            let mut f = bytes[..12].to_vec();
            f.extend_from_slice(&(hj.len() as u32).to_le_bytes());
            f.extend_from_slice(&hj);
            f.extend_from_slice(&[0u8; 64]);
            let crc = crc32fast::hash(&f);
            f.extend_from_slice(&crc.to_le_bytes());
            assert!(Model::from_bytes(&f).is_err(), "{n}");
        }
        let mut f = bytes.clone();
        f[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Model::from_bytes(&f).is_err());
    }

    #[test]
    fn refine_fills_role_and_affiliation_from_glued_spans() {
        let text = "Koordinator Pantau Gambut Iola Abas mengatakan, lahan rusak.\n\n\u{201c}Kami khawatir,\u{201d} kata Iola.";
        let mut l = crate::extract("t", text, crate::Meta::default());
        for q in &mut l.quotes {
            q.role = None;
            q.affiliation = None;
        }
        let span = |label: &str, t: &str| {
            let start = text.find(t).unwrap();
            TagSpan {
                label: label.into(),
                text: t.into(),
                start,
                end: start + t.len(),
            }
        };
        let spans = vec![
            span("ROLE", "Koordinator"),
            span("AFFILIATION", "Pantau Gambut"),
            span("PERSON", "Iola Abas"),
        ];
        let n = refine(text, &spans, &mut l.quotes, &mut l.entities);
        let direct = l
            .quotes
            .iter()
            .find(|q| q.kind == crate::statements::QuoteKind::Direct)
            .unwrap();
        assert!(n >= 2, "{n}");
        assert_eq!(direct.role.as_deref(), Some("Koordinator"));
        assert_eq!(direct.affiliation.as_deref(), Some("Pantau Gambut"));
    }

    /// The cached, grouped and summed features a model tags with give the scores of the plain
    /// feature list, on a cold table and on a warm one.
    #[test]
    fn grouped_features_score_as_plain_ones() {
        let data: Vec<Example> = [
            "“Kami siap/I-STATEMENT ,” kata/U-CUE Rina/U-PERSONCOREF di Bandung , Senin .",
            "Menurut Kepala Dinas Pangan Budi Santoso , stok beras aman .",
            "Ia mengatakan harga cabai naik .",
        ]
        .iter()
        .map(|l| example(&[l, "Warga antre sejak pagi ."]))
        .collect();
        let cfg = TrainConfig {
            epochs: 3,
            min_count: 1,
            ..TrainConfig::default()
        };
        let m = train(&data, &cfg, |_, _| None);
        let nl = m.header.labels.len();
        for ex in &data {
            let words: Vec<&str> = ex.seq.words.iter().map(|w| w.as_str()).collect();
            let view = SeqView {
                words: &words,
                sent_start: &ex.seq.sent_start,
                hints: HintsView::of(&ex.seq.hints),
            };
            let ids: Vec<Vec<u32>> = features::hashed(&view)
                .iter()
                .map(|f| f.iter().filter_map(|h| m.index.get(h).copied()).collect())
                .collect();
            let plain = decode::emissions(&m.w, &ids, nl);
            let mut table = FormTable::new(&m);
            for _ in 0..2 {
                let mut got = vec![0f32; plain.len()];
                features::each_token(&view, &mut table, &m, |i, items, sums| {
                    for item in items {
                        let add = match *item {
                            features::Item::Group(g) => &sums[g.sum() * nl..(g.sum() + 1) * nl],
                            features::Item::One(id) => {
                                &m.w[id as usize * nl..(id as usize + 1) * nl]
                            }
                        };
                        for (r, x) in got[i * nl..(i + 1) * nl].iter_mut().zip(add) {
                            *r += *x;
                        }
                    }
                });
                for (a, b) in got.iter().zip(&plain) {
                    assert!((a - b).abs() <= 1e-4 * (1.0 + b.abs()), "{a} {b}");
                }
            }
            assert_eq!(m.tag(&ex.seq), m.tag(&ex.seq));
        }
    }

    #[test]
    fn training_is_deterministic() {
        let data = vec![example(&["Kata/U-CUE Budi/U-PERSONCOREF ."])];
        let cfg = TrainConfig {
            epochs: 3,
            min_count: 1,
            ..TrainConfig::default()
        };
        let a = train(&data, &cfg, |_, _| None).to_bytes();
        let b = train(&data, &cfg, |_, _| None).to_bytes();
        assert_eq!(a, b);
    }
}
