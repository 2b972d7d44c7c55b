//! Web pages and web archives as input for kutip.
//!
//! [`read`] turns the bytes of an HTML page into the text kutip analyses: the article's main
//! text (navigation, related-article lists, comments, share bars and ads left out, by
//! `rs-trafilatura`), as blocks with their kind (heading, paragraph, caption) and the byte
//! range of the HTML element each came from, so that a page can highlight in the original;
//! and the page's metadata ([`meta`]). [`warc`] streams the response records of a web archive.
//!
//! Invariant: `page.text[b.start..b.end]` is the text of block `b`; `b.html`, when known, is
//! the range of its element in the page as decoded to UTF-8 (the original bytes when the page
//! is UTF-8).

mod charset;
/// The page decoded to UTF-8 as kutip reads it, and the encoding used: the text that
/// [`PageBlock::html`] ranges point into.
pub use charset::decode;
pub mod lex;
pub mod meta;
mod select;
pub mod warc;

pub use lex::Kind;
pub use meta::PageMeta;

/// One block of the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBlock {
    pub kind: Kind,
    /// byte range in [`Page::text`]
    pub start: usize,
    pub end: usize,
    /// byte range of the element in the decoded page, when found
    pub html: Option<(usize, usize)>,
}

/// A page read for kutip.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// the main text: the blocks, a blank line between two
    pub text: String,
    pub blocks: Vec<PageBlock>,
    pub meta: PageMeta,
    /// the encoding the page was read in
    pub encoding: &'static str,
}

/// Does `bytes` look like an HTML page: after spaces and a byte-order mark it opens with a
/// doctype, `<html>` or `<head>`, or with a tag and an `<html` or `<body` soon after?
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !(b.is_ascii_whitespace() || matches!(b, 0xef | 0xbb | 0xbf)))
        .unwrap_or(bytes.len());
    let head: Vec<u8> = bytes[start..bytes.len().min(start + 8192)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    if [&b"<!doctype html"[..], b"<html", b"<head"]
        .iter()
        .any(|p| head.starts_with(p))
    {
        return true;
    }
    head.starts_with(b"<")
        && (memchr::memmem::find(&head, b"<html").is_some()
            || memchr::memmem::find(&head, b"<body").is_some())
}

impl Page {
    /// The structure kutip's pipeline takes from the page (`kutip::ledger::Options::source`):
    /// each block's range in [`Page::text`], its kind when the markup says it, and the range of
    /// its element in the page.
    pub fn source_blocks(&self) -> Vec<kutip::doc::SourceBlock> {
        self.blocks
            .iter()
            .map(|b| kutip::doc::SourceBlock {
                start: b.start,
                end: b.end,
                kind: match b.kind {
                    Kind::Heading => Some(kutip::BlockKind::Heading),
                    Kind::Caption => Some(kutip::BlockKind::Caption),
                    Kind::Paragraph => None,
                },
                html: b
                    .html
                    .map(|(start, end)| kutip::doc::HtmlSpan { start, end }),
            })
            .collect()
    }

    /// The page's metadata under what the caller gave: each field given wins over the page's.
    pub fn meta_under(&self, given: kutip::Meta) -> kutip::Meta {
        let page = self.kutip_meta();
        kutip::Meta {
            title: given.title.or(page.title),
            date: given.date.or(page.date),
            url: given.url.or(page.url),
            outlet: given.outlet.or(page.outlet),
            path: given.path.or(page.path),
            author: given.author.or(page.author),
        }
    }

    /// The page's metadata as a ledger's `meta` (without `path`).
    pub fn kutip_meta(&self) -> kutip::Meta {
        kutip::Meta {
            title: self.meta.title.clone(),
            date: self.meta.date.clone(),
            url: self.meta.url.clone(),
            outlet: self.meta.outlet.clone(),
            path: None,
            author: self.meta.author.clone(),
        }
    }
}

/// The main text of a page with its structure and metadata. `url` is the address it was
/// fetched from (a WARC record's target), `http_charset` the charset of its HTTP header.
pub fn read(bytes: &[u8], url: Option<&str>, http_charset: Option<&str>) -> Page {
    let (html, encoding) = decode(bytes, http_charset);
    let lexed = lex::lex(&html);
    let opts = rs_trafilatura::Options {
        url: url.map(str::to_string),
        ..rs_trafilatura::Options::default()
    };
    let extracted = rs_trafilatura::extract_with_options(&html, &opts).ok();
    // the blocks of the main text, as the extractor kept them
    let content: Vec<lex::Segment> = extracted
        .as_ref()
        .and_then(|r| r.content_html.as_deref())
        .map(|h| lex::lex(h).segments)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| lexed.segments.clone());
    let meta_x = extracted
        .as_ref()
        .map(|r| r.metadata.clone())
        .unwrap_or_default();
    let mut page = Page {
        encoding,
        ..Page::default()
    };
    page.meta = meta::page_meta(&lexed.head, &meta_x, &lexed.segments, url);
    let title = page
        .meta
        .title
        .as_deref()
        .map(|t| lex::squash(t).to_lowercase());
    for (c, found) in article_blocks(&html, &content, &lexed.segments, title.as_deref()) {
        let kind = found.map_or(c.kind, |f| {
            if c.kind == Kind::Paragraph {
                f.kind
            } else {
                c.kind
            }
        });
        if !page.text.is_empty() {
            page.text.push_str("\n\n");
        }
        let start = page.text.len();
        page.text.push_str(&c.text);
        page.blocks.push(PageBlock {
            kind,
            start,
            end: page.text.len(),
            html: found.map(|f| (f.start, f.end)),
        });
    }
    page
}

/// The extractor's blocks that are the article, each with the element of the page it came
/// from: not the headline (it is the title), not a block said twice, not a list of links,
/// not what a second extractor drops; when those checks would leave nothing, the second
/// extractor's blocks.
fn article_blocks<'a>(
    html: &str,
    content: &[lex::Segment],
    page: &'a [lex::Segment],
    title: Option<&str>,
) -> Vec<(lex::Segment, Option<&'a lex::Segment>)> {
    let mut at = 0;
    let mut pieces: Vec<(lex::Segment, Option<&'a lex::Segment>)> = Vec::new();
    for c in content {
        match align(page, &c.text, &mut at) {
            Some(f) if f.text == c.text => pieces.push((c.clone(), Some(f))),
            found => match unglue(page, &c.text, &mut at) {
                Some(parts) => pieces.extend(parts.iter().map(|p| (p.clone(), Some(p)))),
                None => pieces.push((c.clone(), found)),
            },
        }
    }
    let mut seen: std::collections::HashSet<String> = Default::default();
    let blocks: Vec<_> = pieces
        .into_iter()
        .enumerate()
        .filter(|(k, (c, _))| {
            let is_title = *k < 3 && title == Some(c.text.to_lowercase().as_str());
            !is_title && seen.insert(c.text.clone())
        })
        .map(|(_, b)| b)
        .collect();
    let first_words = blocks
        .iter()
        .map(|(c, _)| select::words(&c.text).len())
        .sum();
    let agreement = select::Agreement::of(html, first_words);
    let keep = |(c, found): &(lex::Segment, Option<&lex::Segment>)| {
        let links = found.map_or(0.0, |f| f.link_density());
        !select::is_link_list(links, &c.text) && agreement.as_ref().is_none_or(|a| a.keeps(&c.text))
    };
    if blocks.iter().any(keep) {
        return blocks.into_iter().filter(keep).collect();
    }
    // the two disagree entirely: the second extractor's blocks, else all of the first's
    match agreement {
        Some(a) if !a.blocks.is_empty() => {
            let mut at = 0;
            a.blocks
                .into_iter()
                .map(|c| {
                    let found = align(page, &c.text, &mut at);
                    (c, found)
                })
                .collect()
        }
        _ => blocks,
    }
}

/// The page's consecutive blocks whose texts, run together, are `text`: the extractor may
/// give several elements as one block without a break between them ("JudulParagraf ...").
fn unglue<'a>(segs: &'a [lex::Segment], text: &str, at: &mut usize) -> Option<&'a [lex::Segment]> {
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let target = bare(text);
    let first = (*at..segs.len()).find(|&k| {
        let b = bare(&segs[k].text);
        !b.is_empty() && b.len() < target.len() && target.starts_with(&b)
    })?;
    let mut pos = 0;
    let mut k = first;
    while pos < target.len() && k < segs.len() {
        let b = bare(&segs[k].text);
        if !target[pos..].starts_with(&b) {
            return None;
        }
        pos += b.len();
        k += 1;
    }
    (pos == target.len() && k - first >= 2).then(|| {
        *at = k;
        &segs[first..k]
    })
}

/// The element of the page whose text is `text`: the next one from `at` with that text, else
/// one that holds it (the extractor may have cut a block), looking a little way ahead.
fn align<'a>(segs: &'a [lex::Segment], text: &str, at: &mut usize) -> Option<&'a lex::Segment> {
    const AHEAD: usize = 400;
    let window = *at..segs.len().min(*at + AHEAD);
    let hit = window
        .clone()
        .find(|&k| segs[k].text == text)
        .or_else(|| {
            window
                .clone()
                .find(|&k| text.len() >= 20 && segs[k].text.contains(text))
        })
        .or_else(|| {
            // not in order (a figure caption moved, a lead before the headline): anywhere
            segs.iter().position(|s| s.text == text)
        })?;
    if hit >= *at {
        *at = hit + 1;
    }
    Some(&segs[hit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_main_text_of_a_news_page() {
        let page = r#"<!doctype html><html><head><meta charset="utf-8">
<title>Banjir rendam Demak - Contoh News</title>
<meta property="og:site_name" content="Contoh News">
<meta property="article:published_time" content="2025-02-10T09:30:00+07:00">
<link rel="canonical" href="https://contoh.id/banjir-demak">
</head><body>
<nav><ul><li><a href="/">Beranda</a></li><li><a href="/nasional">Nasional</a></li></ul></nav>
<article><h1>Banjir rendam Demak</h1>
<p>DEMAK, Contoh News - Banjir merendam ribuan rumah di Kabupaten Demak sejak Senin pagi setelah tanggul sungai jebol.</p>
<p>&ldquo;Kami sudah mengerahkan perahu karet untuk mengevakuasi warga,&rdquo; kata Kepala BPBD Demak Agus Salim kepada wartawan.</p>
<figure><img src="a.jpg"><figcaption>Warga mengungsi ke balai desa. (Foto: Contoh News)</figcaption></figure>
<p>Menurut BPBD, sebanyak 3.200 warga mengungsi ke balai desa dan masjid di sekitar lokasi banjir.</p>
<h2>Bantuan logistik</h2>
<p>Pemerintah kabupaten mengirim bantuan makanan dan selimut ke posko pengungsian sejak Senin malam.</p>
</article>
<aside><h3>Baca juga</h3><ul><li><a href="/x">Berita lain yang tidak terkait sama sekali</a></li></ul></aside>
<footer>Hak cipta 2025 Contoh News. Semua hak dilindungi.</footer>
</body></html>"#;
        let p = read(page.as_bytes(), None, None);
        assert_eq!(p.meta.title.as_deref(), Some("Banjir rendam Demak"));
        assert_eq!(p.meta.date.as_deref(), Some("2025-02-10T09:30:00+07:00"));
        assert_eq!(p.meta.outlet.as_deref(), Some("Contoh News"));
        assert_eq!(
            p.meta.url.as_deref(),
            Some("https://contoh.id/banjir-demak")
        );
        assert!(
            p.text.starts_with("DEMAK, Contoh News - Banjir"),
            "{}",
            p.text
        );
        assert!(
            p.text.contains("“Kami sudah mengerahkan perahu karet"),
            "{}",
            p.text
        );
        assert!(
            !p.text.contains("Beranda") && !p.text.contains("Hak cipta"),
            "{}",
            p.text
        );
        for b in &p.blocks {
            let t = &p.text[b.start..b.end];
            let (hs, he) = b.html.expect("every block found in the page");
            assert!(
                lex::squash(&lex::decode_entities(&page[hs..he])).contains(&t[..10.min(t.len())])
                    || page[hs..he].contains("&ldquo;"),
                "{t}"
            );
        }
        let kinds: Vec<Kind> = p.blocks.iter().map(|b| b.kind).collect();
        assert!(kinds.contains(&Kind::Heading), "{kinds:?}");
        // a caption, when the extractor keeps it, is a caption, never part of a paragraph
        for b in &p.blocks {
            let t = &p.text[b.start..b.end];
            assert!(b.kind == Kind::Caption || !t.contains("(Foto:"), "{t}");
        }
    }

    #[test]
    fn blocks_an_extractor_ran_together_are_the_page_elements_again() {
        let page = lex::lex(
            "<div><h2>Harga naik</h2><p>Harga kopi naik sejak awal bulan.</p>\
            <p>Pedagang mengeluh.</p><p>Lain.</p></div>",
        )
        .segments;
        let mut at = 0;
        let parts = unglue(
            &page,
            "Harga naikHarga kopi naik sejak awal bulan.Pedagang mengeluh.",
            &mut at,
        )
        .expect("three elements run together");
        let texts: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Harga naik",
                "Harga kopi naik sejak awal bulan.",
                "Pedagang mengeluh."
            ]
        );
        assert_eq!(parts[0].kind, Kind::Heading);
        // text that is not the page's elements run together stays as it is
        let mut at = 0;
        assert!(unglue(&page, "Harga naik dan turun", &mut at).is_none());
    }

    #[test]
    fn a_page_in_windows_1252_reads_with_its_curly_quotes() {
        let mut page = b"<html><head><meta charset=windows-1252><title>Kopi</title></head><body><article>\
            <p>Harga kopi di kafe-kafe Jakarta naik sejak awal bulan karena biji impor mahal.</p><p>"
            .to_vec();
        page.extend(b"\x93Kami terpaksa menaikkan harga,\x94 kata pemilik kafe Rina Wulandari kepada wartawan.</p></article></body></html>");
        let p = read(&page, None, None);
        assert!(p.text.contains("\u{201c}Kami terpaksa"), "{}", p.text);
        assert!(p.blocks.len() >= 2, "{:?}", p.blocks);
    }
}
