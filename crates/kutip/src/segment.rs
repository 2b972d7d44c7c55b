//! Stage 2: tokens and sentences for Indonesian, with byte offsets.
//!
//! Decisions that live here:
//! - abbreviations (lang/id/abbreviations.tsv) and initials keep their period;
//! - numbers keep `.`/`,` between digits ("1.200", "2,5", "10.30"); dates "6/5/2024" are one token;
//! - a hyphen between letters or digits joins ("tanda-tanda", "ke-3", "COVID-19");
//! - the direction of every quotation mark comes from the spaces around it;
//! - a sentence ends at `.`, `!`, `?` or an ellipsis followed by a capital, a digit (not after a
//!   number) or a letter of a script without case (after any closing marks, which stay with the
//!   sentence they close), never before a lower-case word, and never inside a quotation that
//!   closes later in the same block (a TeX "``" pairs only with "''").

use crate::doc::{is_space, Analysis, Block, Sentence, TokKind, Token};
use crate::lexicon::{with_lower, AbbrevKind, LEX};

fn is_quote_char(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '‘' | '’' | '«' | '»' | '„' | '\'')
}

fn is_open_bracket(c: char) -> bool {
    matches!(c, '(' | '[' | '{')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_mark(c)
}

fn is_mark(c: char) -> bool {
    // combining marks and superscripts ("km²")
    matches!(c, '\u{0300}'..='\u{036f}' | '²' | '³' | '¹')
}

struct Scanner<'a> {
    s: &'a str,
}

impl<'a> Scanner<'a> {
    fn char_at(&self, i: usize) -> Option<char> {
        self.s.get(i..).and_then(|r| r.chars().next())
    }
    fn char_before(&self, i: usize) -> Option<char> {
        self.s.get(..i).and_then(|r| r.chars().next_back())
    }

    /// End of a run of word characters starting at `i`.
    fn word_run(&self, mut i: usize) -> usize {
        while let Some(c) = self.char_at(i) {
            if is_word_char(c) {
                i += c.len_utf8();
            } else {
                break;
            }
        }
        i
    }

    fn digit_run(&self, mut i: usize) -> usize {
        while let Some(c) = self.char_at(i) {
            if c.is_ascii_digit() {
                i += 1;
            } else {
                break;
            }
        }
        i
    }
}

fn trim_url_end(s: &str, start: usize, mut end: usize) -> usize {
    while end > start {
        let c = s[..end].chars().next_back().unwrap_or(' ');
        if matches!(
            c,
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '"' | '”' | '’' | '\''
        ) {
            end -= c.len_utf8();
        } else {
            break;
        }
    }
    end
}

/// Tokenise `text[start..end]`, appending to `out`.
pub fn tokenize_range(text: &str, start: usize, end: usize, block: usize, out: &mut Vec<Token>) {
    let sc = Scanner { s: &text[..end] };
    let mut i = start;
    let push = |out: &mut Vec<Token>, s: usize, e: usize, kind: TokKind| {
        out.push(Token {
            start: s,
            end: e,
            kind,
            nya: false,
            open: false,
            abbrev: false,
            block,
            sent: 0,
        });
    };
    let push_quote = |out: &mut Vec<Token>, s: usize, e: usize, open: bool| {
        push(out, s, e, TokKind::Quote);
        if let Some(t) = out.last_mut() {
            t.open = open;
        }
    };
    while i < end {
        let c = match sc.char_at(i) {
            Some(c) => c,
            None => break,
        };
        if is_space(c) {
            i += c.len_utf8();
            continue;
        }
        let rest = &text[i..end];
        // URLs
        if rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("www.") {
            let ws = rest.find(is_space).unwrap_or(rest.len());
            let e = trim_url_end(text, i, i + ws);
            if e > i + 4 {
                push(out, i, e, TokKind::Url);
                i = e;
                continue;
            }
        }
        if is_word_char(c) {
            let mut e = sc.word_run(i);
            // e-mail
            if sc.char_at(e) == Some('@') {
                let d = sc.word_run(e + 1);
                if d > e + 1 {
                    let mut ee = d;
                    while sc.char_at(ee) == Some('.') && sc.word_run(ee + 1) > ee + 1 {
                        ee = sc.word_run(ee + 1);
                    }
                    if ee > d {
                        push(out, i, ee, TokKind::Email);
                        i = ee;
                        continue;
                    }
                }
            }
            let all_digits = text[i..e].bytes().all(|b| b.is_ascii_digit());
            if all_digits {
                // date d/m/y
                if sc.char_at(e) == Some('/') {
                    let m = sc.digit_run(e + 1);
                    if m > e + 1 && m - e - 1 <= 2 && sc.char_at(m) == Some('/') {
                        let y = sc.digit_run(m + 1);
                        if y > m + 1 && !sc.char_at(y).is_some_and(is_word_char) {
                            push(out, i, y, TokKind::Date);
                            i = y;
                            continue;
                        }
                    }
                }
                // grouped numbers and decimals
                let mut ne = e;
                while matches!(sc.char_at(ne), Some('.') | Some(',')) {
                    let d = sc.digit_run(ne + 1);
                    if d > ne + 1 {
                        ne = d;
                    } else {
                        break;
                    }
                }
                let we = sc.word_run(ne);
                if we == ne && !matches!(sc.char_at(ne), Some('-')) {
                    push(out, i, ne, TokKind::Number);
                    i = ne;
                    continue;
                }
                if ne > e {
                    push(out, i, ne, TokKind::Number);
                    i = ne;
                    continue;
                }
            }
            // "Rp10.000": split the currency from the digits.
            if text[i..e].starts_with("Rp")
                && text[i + 2..e]
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_digit())
            {
                push(out, i, i + 2, TokKind::Word);
                i += 2;
                continue;
            }
            // hyphen / apostrophe joins
            while let Some(h @ ('-' | '\'' | '’')) = sc.char_at(e) {
                let n = sc.word_run(e + h.len_utf8());
                if n > e + h.len_utf8() {
                    e = n;
                } else {
                    break;
                }
            }
            // abbreviations with periods
            if sc.char_at(e) == Some('.') {
                // multi-dot forms: a.n. s.d. S.H. M.Si.
                let mut me = e;
                while sc.char_at(me) == Some('.') {
                    let n = sc.word_run(me + 1);
                    if n > me + 1
                        && n - me - 1 <= 3
                        && !text[me + 1..n].bytes().all(|b| b.is_ascii_digit())
                    {
                        me = n;
                    } else {
                        break;
                    }
                }
                let word = &text[i..e];
                if me > e && sc.char_at(me) == Some('.') {
                    out.push(Token {
                        start: i,
                        end: me + 1,
                        kind: TokKind::Word,
                        nya: false,
                        open: false,
                        abbrev: true,
                        block,
                        sent: 0,
                    });
                    i = me + 1;
                    continue;
                }
                let single_cap =
                    word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
                if single_cap || with_lower(word, |l| LEX.abbrevs.contains_key(l)) {
                    out.push(Token {
                        start: i,
                        end: e + 1,
                        kind: TokKind::Word,
                        nya: false,
                        open: false,
                        abbrev: true,
                        block,
                        sent: 0,
                    });
                    i = e + 1;
                    continue;
                }
            }
            let w = &text[i..e];
            let kind = if w.bytes().all(|b| b.is_ascii_digit()) {
                TokKind::Number
            } else {
                TokKind::Word
            };
            let nya = kind == TokKind::Word
                && w.len() > 4
                && w.as_bytes()[w.len() - 3..].eq_ignore_ascii_case(b"nya")
                && with_lower(w, |l| {
                    l.len() > 4 && !LEX.words.has(crate::class!("nya_not_clitic"), l)
                });
            out.push(Token {
                start: i,
                end: e,
                kind,
                nya,
                open: false,
                abbrev: false,
                block,
                sent: 0,
            });
            i = e;
            continue;
        }
        if (c == '#' || c == '@') && sc.char_at(i + 1).is_some_and(|n| n.is_alphanumeric()) {
            let e = sc.word_run(i + 1);
            push(
                out,
                i,
                e,
                if c == '#' {
                    TokKind::Hashtag
                } else {
                    TokKind::Mention
                },
            );
            i = e;
            continue;
        }
        if rest.starts_with("...") {
            let mut e = i;
            while sc.char_at(e) == Some('.') {
                e += 1;
            }
            push(out, i, e, TokKind::Punct);
            i = e;
            continue;
        }
        // TeX-style quotation marks: "``" opens, "''" after a word closes.
        if rest.starts_with("``") || (rest.starts_with("''") && i > start) {
            let open = c == '`';
            if open || sc.char_before(i).is_some_and(|p| !is_space(p)) {
                push_quote(out, i, i + 2, open);
                i += 2;
                continue;
            }
        }
        if is_quote_char(c) {
            let prev = sc.char_before(i);
            let next = sc.char_at(i + c.len_utf8());
            let space_before = prev.is_none_or(|p| is_space(p) || is_open_bracket(p));
            let space_after = next.is_none_or(|n| {
                is_space(n) || matches!(n, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']')
            });
            let open = if space_before && !space_after {
                true
            } else if !space_before && space_after {
                false
            } else {
                match c {
                    '“' | '‘' | '«' | '„' => true,
                    '”' | '’' | '»' => false,
                    // a straight quote: after a quote char or at a line start it opens, and
                    // between a sentence's end and a letter ("warga Purwakarta."Pengemudi")
                    _ => {
                        space_before
                            || prev.is_some_and(is_quote_char)
                            || (prev.is_some_and(|p| matches!(p, '.' | '!' | '?' | ':' | ';'))
                                && next.is_some_and(char::is_alphanumeric))
                    }
                }
            };
            push_quote(out, i, i + c.len_utf8(), open);
            i += c.len_utf8();
            continue;
        }
        let kind = if c.is_ascii_punctuation() || matches!(c, '…' | '–' | '—' | '•' | '·')
        {
            TokKind::Punct
        } else {
            TokKind::Symbol
        };
        push(out, i, i + c.len_utf8(), kind);
        i += c.len_utf8();
    }
}

/// Split the tokens of one block into sentences.
fn split_block(text: &str, toks: &mut [Token], offset: usize, bi: usize, out: &mut Vec<Sentence>) {
    let n = toks.len();
    if n == 0 {
        return;
    }
    // Matching quotes: for each opening quote, does a closing one follow in this block? A TeX
    // mark ("``", "''") only pairs with its own kind.
    let mut closes_later = vec![false; n];
    let mut closes_one = vec![false; n];
    {
        let tex = |t: &Token| t.end - t.start == 2 && matches!(&text[t.start..t.end], "``" | "''");
        let mut stack: Vec<(usize, bool)> = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            if t.kind == TokKind::Quote {
                let kind = tex(t);
                if t.open {
                    stack.push((i, kind));
                } else if let Some(p) = stack.iter().rposition(|&(_, k)| k == kind) {
                    closes_later[stack[p].0] = true;
                    closes_one[i] = true;
                    stack.truncate(p);
                }
            }
        }
    }
    let mut depth = 0usize; // depth of quotations that close within the block
    let mut start = 0;
    let mut i = 0;
    while i < n {
        let t = toks[i];
        if t.kind == TokKind::Quote {
            if t.open && closes_later[i] {
                depth += 1;
            } else if closes_one[i] {
                depth = depth.saturating_sub(1);
            }
        }
        let tt = &text[t.start..t.end];
        let terminal = match t.kind {
            TokKind::Punct => matches!(tt, "." | "!" | "?" | "…") || tt.starts_with("..."),
            TokKind::Word if t.abbrev => with_lower(tt.trim_end_matches('.'), |w| {
                LEX.abbrevs.get(w) == Some(&AbbrevKind::End)
            }),
            _ => false,
        };
        if terminal {
            // absorb further terminal punctuation and closing marks
            let mut j = i + 1;
            while j < n {
                let u = toks[j];
                let ut = &text[u.start..u.end];
                let closing_quote = u.kind == TokKind::Quote && !u.open;
                let more_punct =
                    u.kind == TokKind::Punct && matches!(ut, "." | "!" | "?" | "…" | ")" | "]");
                if closing_quote || more_punct {
                    if closes_one[j] {
                        depth = depth.saturating_sub(1);
                    }
                    j += 1;
                } else {
                    break;
                }
            }
            let boundary = j < n && depth == 0 && {
                let u = toks[j];
                let ut = &text[u.start..u.end];
                let opener = (u.kind == TokKind::Quote && u.open) || ut == "(" || ut == "[";
                let next_word = if opener {
                    toks.get(j + 1).map(|v| &text[v.start..v.end])
                } else {
                    Some(ut)
                };
                // A capital, a digit ("... turun. 12 orang ...", "(2) ...", not after a number:
                // "v9. 1") or a letter of a script without case begins the next sentence; a
                // lower-case word never does.
                let after_number = i > 0 && {
                    let p = toks[i - 1];
                    text[p.start..p.end].bytes().any(|b| b.is_ascii_digit())
                };
                next_word.is_some_and(|w| {
                    w.chars().next().is_some_and(|c| {
                        c.is_uppercase()
                            || (c.is_ascii_digit() && !after_number)
                            || (c.is_alphabetic() && !c.is_lowercase())
                    })
                })
            };
            if boundary {
                out.push(Sentence {
                    start: toks[start].start,
                    end: toks[j - 1].end,
                    block: bi,
                    tok_start: offset + start,
                    tok_end: offset + j,
                });
                start = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if start < n {
        out.push(Sentence {
            start: toks[start].start,
            end: toks[n - 1].end,
            block: bi,
            tok_start: offset + start,
            tok_end: offset + n,
        });
    }
}

/// Tokens and sentences for every block.
pub fn segment(text: &str, blocks: Vec<Block>) -> Analysis {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut sentences = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        let off = tokens.len();
        tokenize_range(text, b.start, b.end, bi, &mut tokens);
        let mut local = std::mem::take(&mut tokens);
        let (_, tail) = local.split_at_mut(off);
        split_block(text, tail, off, bi, &mut sentences);
        tokens = local;
    }
    for (si, s) in sentences.iter().enumerate() {
        for t in &mut tokens[s.tok_start..s.tok_end] {
            t.sent = si;
        }
    }
    let forms = crate::doc::Forms::new(text, &tokens);
    Analysis {
        blocks,
        sentences,
        tokens,
        forms,
    }
}

/// Blocks, then tokens and sentences.
pub fn analyze(text: &str) -> Analysis {
    segment(text, crate::blocks::blocks(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(t: &str) -> Vec<&str> {
        let a = analyze(t);
        a.tokens.iter().map(|k| &t[k.start..k.end]).collect()
    }
    fn sents(t: &str) -> Vec<&str> {
        let a = analyze(t);
        a.sentences.iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn tokens_of_indonesian() {
        assert_eq!(
            toks("Prof. Dr. H. Budi, dll. tiba pukul 10.30 WIB (6/5/2024) membawa Rp1.200,50 dan tanda-tanda ke-3."),
            vec![
                "Prof.", "Dr.", "H.", "Budi", ",", "dll.", "tiba", "pukul", "10.30", "WIB", "(",
                "6/5/2024", ")", "membawa", "Rp", "1.200,50", "dan", "tanda-tanda", "ke-3", "."
            ]
        );
        assert_eq!(
            toks(
                "Kirim ke a.n. Siti di budi@contoh.co.id atau https://contoh.id/x, #pemilu @kpu..."
            ),
            vec![
                "Kirim",
                "ke",
                "a.n.",
                "Siti",
                "di",
                "budi@contoh.co.id",
                "atau",
                "https://contoh.id/x",
                ",",
                "#pemilu",
                "@kpu",
                "..."
            ]
        );
    }

    #[test]
    fn clitic_and_quotes() {
        let t = "“Tidak,” ujarnya. \"Ya\" kata dia.";
        let a = analyze(t);
        let ujarnya = a
            .tokens
            .iter()
            .find(|k| &t[k.start..k.end] == "ujarnya")
            .unwrap();
        assert!(ujarnya.nya);
        let q: Vec<bool> = a
            .tokens
            .iter()
            .filter(|k| k.kind == TokKind::Quote)
            .map(|k| k.open)
            .collect();
        assert_eq!(q, vec![true, false, true, false]);
        let hanya = analyze("hanya itu");
        assert!(!hanya.tokens[0].nya);
    }

    #[test]
    fn sentences() {
        assert_eq!(
            sents("Warga yang disandera. sebagai imbalan atas itu. Dr. Budi datang. Ia pulang."),
            vec![
                "Warga yang disandera. sebagai imbalan atas itu.",
                "Dr. Budi datang.",
                "Ia pulang."
            ]
        );
        assert_eq!(
            sents("“Kami siap. Kami menunggu,” kata Ani. “Ya.” Lalu ia pergi."),
            vec![
                "“Kami siap. Kami menunggu,” kata Ani.",
                "“Ya.”",
                "Lalu ia pergi."
            ]
        );
        // digits, brackets and scripts without case begin sentences; numbers and
        // abbreviations before a digit do not end one
        assert_eq!(
            sents("Harga naik. 12 pedagang protes. (2) Pasar ramai. Versi v9. 1 dirilis."),
            vec![
                "Harga naik.",
                "12 pedagang protes.",
                "(2) Pasar ramai.",
                "Versi v9. 1 dirilis."
            ]
        );
        assert_eq!(
            sents("Kantor PT. Maju Jaya di Lt. 5, Telp. (021) 555. ひ adalah kana."),
            vec![
                "Kantor PT. Maju Jaya di Lt. 5, Telp. (021) 555.",
                "ひ adalah kana."
            ]
        );
        // TeX quotation marks pair only with each other
        assert_eq!(
            toks("``Apa?'' tanyanya."),
            vec!["``", "Apa", "?", "''", "tanyanya", "."]
        );
        assert_eq!(
            sents("Ia bertanya: ``Siapa? Kamu?'' Lalu pergi. “Ya.” Dia datang."),
            vec![
                "Ia bertanya: ``Siapa? Kamu?''",
                "Lalu pergi.",
                "“Ya.”",
                "Dia datang."
            ]
        );
        assert_eq!(
            sents("Baris satu\nBaris dua tanpa titik"),
            vec!["Baris satu", "Baris dua tanpa titik"]
        );
    }
}
