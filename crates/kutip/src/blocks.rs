//! Stage 1: split the text into lines and classify each as paragraph, heading, dateline,
//! caption or boilerplate. A dateline at the start of the first paragraph becomes its own
//! block ("JAKARTA, KOMPAS.com -"), followed by the paragraph proper.
//!
//! Decisions: boilerplate, caption and dateline markers are in `lang/id/*.tsv`; a heading is a
//! short line without closing punctuation that is followed by more text.

use crate::doc::{is_line_break, is_space, Block, BlockKind};
use crate::lexicon::LEX;

/// Lines of `text` as trimmed byte ranges (empty lines skipped). Lines end at any line break
/// (`doc::is_line_break`: LF, CRLF, CR, U+2028/2029); the BOM and zero-width spaces are
/// trimmed like spaces (`doc::is_space`).
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut push = |s: usize, e: usize| {
        let line = &text[s..e];
        let trimmed = line.trim_start_matches(is_space);
        let lead = line.len() - trimmed.len();
        let trimmed = trimmed.trim_end_matches(is_space);
        if !trimmed.is_empty() {
            out.push((s + lead, s + lead + trimmed.len()));
        }
    };
    // LF, CR and the first byte of U+2028/2029 (E2 80 A8/A9) are found with memchr; the
    // rest of the text is not decoded
    let b = text.as_bytes();
    for i in memchr::memchr3_iter(b'\n', b'\r', 0xe2, b) {
        let len = match b[i] {
            b'\n' | b'\r' => 1,
            _ if text[i..].starts_with(is_line_break) => 3,
            _ => continue,
        };
        push(start, i);
        start = i + len;
    }
    push(start, text.len());
    out
}

fn is_heading(line: &str, has_next: bool) -> bool {
    if !has_next {
        return false;
    }
    let last = line.chars().last().unwrap_or('.');
    if matches!(
        last,
        '.' | ',' | ';' | ':' | '!' | '?' | '"' | '”' | '’' | '…' | ')' | '\''
    ) {
        return false;
    }
    // an item of a numbered list ("1. Jawa Timur 3,9 juta orang") is not a heading
    if list_item(line) {
        return false;
    }
    let words = line.split_whitespace().count();
    if words == 0 || words > 12 || line.len() > 120 {
        return false;
    }
    // A heading starts with a capital letter or a digit.
    line.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// "1. ...", "2) ...": an item of a numbered list.
pub fn list_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && digits <= 3
        && matches!(line.as_bytes().get(digits), Some(b'.' | b')'))
        && line.as_bytes().get(digits + 1) == Some(&b' ')
}

/// A line that reads as a headline: a capital first, no closing punctuation, at most twenty
/// words (the titles listed after "Baca juga").
fn headline_like(line: &str) -> bool {
    let last = line.chars().last().unwrap_or('.');
    let cut = line.ends_with("...") || line.ends_with('…');
    (cut || !matches!(last, '.' | '!' | '?' | '"' | '”' | ';' | ','))
        && line.split_whitespace().count() <= 20
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Classify the lines of a document into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let ls = lines(text);
    let mut out = Vec::with_capacity(ls.len() + 1);
    // a dateline opens the article: one of its first paragraphs (a photo caption or a byline
    // written as a paragraph may come before it), and only once
    let mut dateline_chances = DATELINE_PARAGRAPHS;
    // under a list header ("Baca Juga", "Berita Terkait") alone on its line, the headlines
    // that follow are the list
    let mut in_list = false;
    for (i, &(s, e)) in ls.iter().enumerate() {
        let line = &text[s..e];
        let has_next = i + 1 < ls.len();
        let header = LEX.list_headers.matches(line);
        if !(header || in_list && headline_like(line)) {
            in_list = false;
        }
        let kind = if header || in_list || LEX.boilerplate.matches(line) {
            in_list |= header;
            BlockKind::Boilerplate
        } else if LEX.captions.matches(line) {
            BlockKind::Caption
        } else if is_heading(line, has_next) {
            BlockKind::Heading
        } else {
            BlockKind::Paragraph
        };
        if kind == BlockKind::Paragraph && dateline_chances > 0 {
            dateline_chances -= 1;
            if let Some(len) = dateline_len(line) {
                dateline_chances = 0;
                out.push(Block {
                    kind: BlockKind::Dateline,
                    start: s,
                    end: s + line[..len].trim_end_matches(is_space).len(),
                    html: None,
                });
                if s + len < e {
                    out.push(Block {
                        kind,
                        start: s + len,
                        end: e,
                        html: None,
                    });
                }
                continue;
            }
        }
        out.push(Block {
            kind,
            start: s,
            end: e,
            html: None,
        });
    }
    out
}

/// The blocks of a text whose structure a source format gave (an HTML page read by
/// `kutip-html`): each line is classified as in [`blocks`], then a heading or caption of the
/// source stays one (a boilerplate line stays boilerplate), and every block keeps the range of
/// the element it came from.
pub fn blocks_with(text: &str, source: &[crate::doc::SourceBlock]) -> Vec<Block> {
    let mut out = blocks(text);
    let mut k = 0;
    for b in &mut out {
        while k < source.len() && source[k].end <= b.start {
            k += 1;
        }
        let Some(s) = source
            .get(k)
            .filter(|s| s.start <= b.start && b.end <= s.end)
        else {
            continue;
        };
        b.html = s.html;
        if let Some(kind) = s.kind {
            if b.kind != BlockKind::Boilerplate && b.kind != BlockKind::Dateline {
                b.kind = kind;
            }
        }
    }
    out
}

/// How many paragraphs from the top may open with the dateline.
const DATELINE_PARAGRAPHS: usize = 3;

/// Length in bytes of a dateline prefix of `line`, if it has one. The rest must be
/// reporting: at least four words.
fn dateline_len(line: &str) -> Option<usize> {
    for re in &LEX.datelines {
        if let Some(m) = re.find(line) {
            let rest = &line[m.end()..];
            let head = &line[..m.end()];
            if rest.split_whitespace().count() >= 4 && head.split_whitespace().count() <= 6 {
                return Some(m.end());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(BlockKind, String)> {
        blocks(t)
            .into_iter()
            .map(|b| (b.kind, t[b.start..b.end].to_string()))
            .collect()
    }

    #[test]
    fn headings_boilerplate_datelines() {
        let t = "JAKARTA, KOMPAS.com - Harga beras naik lagi pekan ini di pasar.\n\nPedagang mengeluh\nBaca juga: Harga Cabai Turun\n\"Kami rugi,\" kata Siti.\n(abc/def)";
        let k = kinds(t);
        assert_eq!(k[0], (BlockKind::Dateline, "JAKARTA, KOMPAS.com -".into()));
        assert_eq!(k[1].0, BlockKind::Paragraph);
        assert!(k[1].1.starts_with("Harga beras"));
        assert_eq!(k[2], (BlockKind::Heading, "Pedagang mengeluh".into()));
        assert_eq!(k[3].0, BlockKind::Boilerplate);
        assert_eq!(k[4].0, BlockKind::Paragraph);
        assert_eq!(k[5].0, BlockKind::Boilerplate);
    }

    #[test]
    fn other_datelines() {
        for (t, d) in [
            (
                "Jakarta - Polisi menangkap dua orang pelaku pencurian motor.",
                "Jakarta -",
            ),
            (
                "GAZA, (ANTARA) - Serangan udara menghantam kamp pengungsi semalam.",
                "GAZA, (ANTARA) -",
            ),
            (
                "Liputan6.com, Jakarta - Menteri itu hadir di rapat kerja DPR.",
                "Liputan6.com, Jakarta -",
            ),
            (
                "Contoh.com - Menteri itu hadir di rapat kerja DPR pada Senin.",
                "Contoh.com -",
            ),
        ] {
            let k = kinds(t);
            assert_eq!(k[0], (BlockKind::Dateline, d.to_string()), "{t}");
        }
    }

    #[test]
    fn a_dateline_after_a_caption_and_none_in_a_hyphenated_name() {
        // a photo caption written as a paragraph comes first; the dateline opens the next one
        let t = "Menteri Pertanian meninjau sawah di Karawang, Senin (3/3/2025)\n\n\
                 BANDUNG, KOMPAS.com — Harga gabah turun sejak awal bulan, kata petani.";
        let k = kinds(t);
        assert_eq!(k[1], (BlockKind::Dateline, "BANDUNG, KOMPAS.com —".into()));
        // a tight dash after an outlet in capitals is still a dateline
        let k = kinds("SURABAYA, KOMPAS-Banjir surut pada Selasa pagi di sebagian kota.");
        assert_eq!(k[0], (BlockKind::Dateline, "SURABAYA, KOMPAS-".into()));
        // a hyphenated pair of names is not
        let t = "Program ini menyasar siswa dan guru di seluruh negeri.\n\n\
                 Diketahui, Prabowo-Gibran memiliki program makan bergizi gratis.";
        assert!(kinds(t).iter().all(|(k, _)| *k != BlockKind::Dateline));
    }
}
