//! Pairing quotation marks into quotations.
//!
//! Quotations are paired marks within content blocks; a quotation may run over paragraphs
//! that each open with a mark; a closing mark with no opening at the start of the text opens
//! at the start of its block (an excerpt); a text that ends inside a quotation (cut off) closes
//! it at its end; quotations nested in another are part of it.

use crate::doc::{Analysis, TokKind};

/// A quotation: token indices of its marks and the byte span of its content.
#[derive(Debug, Clone)]
pub struct Quotation {
    pub open: Option<usize>,
    pub close: Option<usize>,
    /// first and last token inside
    pub first: usize,
    pub last: usize,
}

/// Pair quotation marks in content blocks. Returns quotations (outermost only) and a
/// per-token flag "inside a quotation".
pub fn quotations(a: &Analysis) -> (Vec<Quotation>, Vec<bool>) {
    let mut out = Vec::new();
    let n = a.tokens.len();
    let mut inside = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut carried: Option<usize> = None; // open mark of a quotation running over paragraphs
    let mut first_content_block = true;
    // the outermost open mark left at the end of the last content block, and its last token
    let mut last_open: Option<(usize, usize)> = None;
    // token range of each block (tokens come in block order)
    let mut ranges = vec![(0usize, 0usize); a.blocks.len()];
    {
        let mut i = 0;
        while i < n {
            let b = a.tokens[i].block;
            let s0 = i;
            while i < n && a.tokens[i].block == b {
                i += 1;
            }
            ranges[b] = (s0, i);
        }
    }
    for (bi, b) in a.blocks.iter().enumerate() {
        if !b.kind.is_content() {
            continue;
        }
        let toks: Vec<usize> = (ranges[bi].0..ranges[bi].1).collect();
        let (Some(&bt0), Some(&bt1)) = (toks.first(), toks.last()) else {
            continue;
        };
        stack.clear();
        if let Some(o) = carried.take() {
            // continues only if this paragraph opens with a mark
            if a.tokens[bt0].kind == TokKind::Quote && a.tokens[bt0].open {
                stack.push(o);
            }
        }
        let mut seen_quote = false;
        for &i in &toks {
            let t = a.tokens[i];
            if t.kind != TokKind::Quote {
                continue;
            }
            let is_continuation_mark = i == bt0 && !stack.is_empty();
            if t.open {
                if !is_continuation_mark {
                    stack.push(i);
                }
            } else if let Some(o) = stack.pop() {
                if stack.is_empty() && o + 1 < i {
                    out.push(Quotation {
                        open: Some(o),
                        close: Some(i),
                        first: o + 1,
                        last: i - 1,
                    });
                }
            } else if !seen_quote && first_content_block && i > bt0 {
                // an excerpt that begins inside a quotation
                out.push(Quotation {
                    open: None,
                    close: Some(i),
                    first: bt0,
                    last: i - 1,
                });
            }
            seen_quote = true;
        }
        if let Some(&o) = stack.first() {
            if o <= bt1 {
                carried = Some(o);
            }
        }
        first_content_block = false;
        last_open = stack.first().map(|&o| (o, bt1));
    }
    // a text cut off inside its last quotation (a truncated excerpt): the quotation runs to
    // the end of the last paragraph
    if let Some((o, end)) = last_open.filter(|&(o, end)| end > o + 3) {
        if out.last().is_none_or(|q| q.close.is_some_and(|c| c < o)) {
            out.push(Quotation {
                open: Some(o),
                close: None,
                first: o + 1,
                last: end,
            });
        }
    }
    for q in &out {
        for f in inside.iter_mut().take(q.last + 1).skip(q.first) {
            *f = true;
        }
    }
    (out, inside)
}
