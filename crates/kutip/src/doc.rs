//! The document model: the original text plus items that point into it by byte offsets.
//! Invariant: for every item, `text[start..end]` is the item's text (char boundaries).

use crate::lexicon::{Class, ClassSet};
use serde::{Deserialize, Serialize};

/// Space for analysis: Unicode white space and the invisible format characters that pages
/// and editors leave in text (a byte-order mark, zero-width space, word joiner). They separate
/// tokens and are trimmed from lines, but stay in the text, so offsets keep pointing into the
/// bytes as given.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}' | '\u{2060}')
}

/// A line break: LF, CR (old Mac files; CRLF is one break), and the Unicode line and
/// paragraph separators. (NEL, U+0085, is not one: it turns up inside doubly encoded text.)
pub fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph,
    Heading,
    Dateline,
    Boilerplate,
    Caption,
}

impl BlockKind {
    /// May later stages take quotes, figures or mentions from this block? Only paragraphs:
    /// headings are titles (of the article, of a section, of a linked article), written in
    /// title case that reads as names.
    pub fn is_content(self) -> bool {
        matches!(self, BlockKind::Paragraph)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub start: usize,
    pub end: usize,
    /// For a document read from HTML: the byte range of the element the block came from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub html: Option<HtmlSpan>,
}

/// A byte range in a web page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HtmlSpan {
    pub start: usize,
    pub end: usize,
}

/// A block as the source format gives it (an HTML element): its range in the text, its kind
/// when the format says (a heading, a caption), and where it was in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceBlock {
    pub start: usize,
    pub end: usize,
    pub kind: Option<BlockKind>,
    pub html: Option<HtmlSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokKind {
    Word,
    Number,
    Date,
    Url,
    Email,
    Hashtag,
    Mention,
    /// A quotation mark; `open` tells its direction, decided from the surrounding spaces.
    Quote,
    Punct,
    Symbol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
    /// Word ending in the clitic -nya (ujarnya, kelompoknya).
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub nya: bool,
    /// For quotes: true when the mark opens a quotation.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub open: bool,
    /// Abbreviation with its period attached ("Dr.", "dll.").
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub abbrev: bool,
    #[serde(skip)]
    pub block: usize,
    #[serde(skip)]
    pub sent: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub block: usize,
    /// Token index range `tok_start..tok_end`.
    pub tok_start: usize,
    pub tok_end: usize,
}

/// The result of blocks + segmentation over one text.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub blocks: Vec<Block>,
    pub sentences: Vec<Sentence>,
    pub tokens: Vec<Token>,
    /// Every token's lower-case form and word classes.
    pub forms: Forms,
}

/// Every token's lower-case form and the word classes of that form and of the form as
/// written: computed once in segmentation and borrowed by every stage, so no stage lower-cases
/// or looks up a token again.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// the lower-case forms, one after another
    lower: String,
    /// each token's form in `lower`
    spans: Vec<(usize, usize)>,
    lower_classes: Vec<ClassSet>,
    exact_classes: Vec<ClassSet>,
}

impl Forms {
    pub fn new(src: &str, tokens: &[Token]) -> Forms {
        let words = &crate::lexicon::LEX.words;
        let mut f = Forms {
            lower: String::with_capacity(src.len()),
            spans: Vec::with_capacity(tokens.len()),
            lower_classes: Vec::with_capacity(tokens.len()),
            exact_classes: Vec::with_capacity(tokens.len()),
        };
        for t in tokens {
            let w = &src[t.start..t.end];
            let s = f.lower.len();
            if w.is_ascii() {
                f.lower.push_str(w);
                f.lower[s..].make_ascii_lowercase();
            } else {
                f.lower.push_str(&w.to_lowercase());
            }
            let l = &f.lower[s..];
            let looked_up = match t.kind {
                TokKind::Url | TokKind::Email => false,
                TokKind::Number | TokKind::Date => words.digit_forms,
                _ => true,
            };
            let lc = if looked_up {
                words.classes(l)
            } else {
                ClassSet::default()
            };
            let ec = if l == w || !looked_up {
                lc
            } else {
                words.classes(w)
            };
            f.exact_classes.push(ec);
            f.lower_classes.push(lc);
            f.spans.push((s, f.lower.len()));
        }
        f
    }
}

impl Analysis {
    /// The lower-case form of token `i` ("" past the end).
    #[inline]
    pub fn lower(&self, i: usize) -> &str {
        self.forms
            .spans
            .get(i)
            .map_or("", |&(s, e)| &self.forms.lower[s..e])
    }

    /// Is the lower-case form of token `i` in class `c`?
    #[inline]
    pub fn is(&self, i: usize, c: Class) -> bool {
        self.forms.lower_classes.get(i).is_some_and(|s| s.has(c))
    }

    /// The classes of the lower-case form of token `i`.
    #[inline]
    pub fn classes(&self, i: usize) -> ClassSet {
        self.forms.lower_classes.get(i).copied().unwrap_or_default()
    }

    /// Is token `i`, exactly as written, in class `c`?
    #[inline]
    pub fn is_exact(&self, i: usize, c: Class) -> bool {
        self.forms.exact_classes.get(i).is_some_and(|s| s.has(c))
    }
}

/// Byte span with its text, used in ledger records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSpan {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl TextSpan {
    pub fn new(src: &str, start: usize, end: usize) -> TextSpan {
        TextSpan {
            text: src[start..end].to_string(),
            start,
            end,
        }
    }
}

impl Analysis {
    pub fn tok_text<'a>(&self, src: &'a str, i: usize) -> &'a str {
        let t = &self.tokens[i];
        &src[t.start..t.end]
    }
    pub fn block_kind_of_token(&self, i: usize) -> BlockKind {
        self.blocks[self.tokens[i].block].kind
    }
}
