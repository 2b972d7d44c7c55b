//! Which of the extractor's blocks are the article. Two checks on top of the main extractor
//! (`rs-trafilatura`), each cheap and independent of any one site's markup:
//!
//! - **link lists**: a block whose text is mostly link text, and short, points to other
//!   pages ("Berita Terkait", "Most Popular", menus) and is never the article;
//! - **agreement**: a second extractor built on another method (`dom_smoothie`, a port of
//!   Mozilla's Readability: scores of the DOM's candidate containers) must also have kept the
//!   block's words. Each extractor alone keeps some furniture the other drops; the article is
//!   what both keep. When the second one finds (almost) nothing, it is not asked.

use std::collections::HashSet;

/// A block at least this much link text (by characters) is a list of links...
const LINK_DENSITY: f64 = 0.6;
/// ... unless it is this long (in words): then it is prose that links a lot.
const LINK_LIST_MAX_WORDS: usize = 40;
/// The second extractor is asked only when it kept at least this share of the first's words.
const MIN_SECOND_SHARE: f64 = 0.1;
/// A block stays when at least this share of its word pairs is in the second's text.
const MIN_AGREEMENT: f64 = 0.7;

/// Lower-cased words (letter and digit runs) of a text.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when a block with this link density and text is a list of links to other pages.
pub fn is_link_list(link_density: f64, text: &str) -> bool {
    link_density >= LINK_DENSITY && words(text).len() < LINK_LIST_MAX_WORDS
}

/// What the second extractor kept: its blocks, and their words and word pairs.
pub struct Agreement {
    /// the second extractor's blocks, lexed from the HTML it kept
    pub blocks: Vec<crate::lex::Segment>,
    pairs: HashSet<(String, String)>,
    single: HashSet<String>,
}

impl Agreement {
    /// Run the second extractor over `html`; None when it finds too little to be asked, given
    /// that the first one kept `first_words` words.
    pub fn of(html: &str, first_words: usize) -> Option<Agreement> {
        let article = dom_smoothie::Readability::new(html, None, None)
            .ok()?
            .parse()
            .ok()?;
        let blocks = crate::lex::lex(&article.content).segments;
        let w: Vec<String> = blocks.iter().flat_map(|b| words(&b.text)).collect();
        if w.is_empty() || (w.len() as f64) < MIN_SECOND_SHARE * first_words as f64 {
            return None;
        }
        Some(Agreement {
            blocks,
            pairs: w.windows(2).map(|p| (p[0].clone(), p[1].clone())).collect(),
            single: w.into_iter().collect(),
        })
    }

    /// Whether the second extractor also kept this block.
    pub fn keeps(&self, block: &str) -> bool {
        let w = words(block);
        match w.len() {
            0 => true,
            1 => self.single.contains(&w[0]),
            n => {
                let found = w
                    .windows(2)
                    .filter(|p| self.pairs.contains(&(p[0].clone(), p[1].clone())))
                    .count();
                found as f64 >= MIN_AGREEMENT * (n - 1) as f64
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_link_text_is_a_list_prose_with_links_is_not() {
        assert!(is_link_list(0.9, "Persib menang di Bali"));
        assert!(!is_link_list(0.2, "Persib menang di Bali"));
        let long = "kata ".repeat(60);
        assert!(!is_link_list(0.9, &long));
    }

    #[test]
    fn a_block_both_extractors_keep_stays() {
        let page =
            "<html><body><div class=menu><a href=/a>Beranda</a> <a href=/b>Nasional</a></div>\
            <article><p>Banjir merendam ribuan rumah di Kabupaten Demak sejak Senin pagi setelah \
            tanggul sungai jebol dan warga mengungsi ke balai desa terdekat.</p><p>Pemerintah \
            kabupaten mengirim bantuan makanan dan selimut ke posko pengungsian sejak Senin \
            malam, kata petugas di lokasi banjir.</p></article></body></html>";
        let a = Agreement::of(page, 30).expect("the second extractor reads the article");
        assert!(a.keeps("Banjir merendam ribuan rumah di Kabupaten Demak sejak Senin pagi"));
        assert!(!a.keeps("Berita lain yang tidak ada di halaman ini sama sekali"));
    }
}
