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

/// Tokenise `text[start..end]`, appending to `out`: at each position the first step that
/// recognises a token takes it (a URL, a word-like run, a hashtag or mention, an ellipsis, a
/// quotation mark), else one character is punctuation or a symbol.
pub fn tokenize_range(text: &str, start: usize, end: usize, block: usize, out: &mut Vec<Token>) {
    let mut tz = Tokenizer {
        text,
        sc: Scanner { s: &text[..end] },
        start,
        end,
        block,
        out,
    };
    let mut i = start;
    while i < end {
        let Some(c) = tz.sc.char_at(i) else {
            break;
        };
        if is_space(c) {
            i += c.len_utf8();
            continue;
        }
        i = tz
            .url(i)
            .or_else(|| is_word_char(c).then(|| tz.word_like(i)))
            .or_else(|| tz.tag(i, c))
            .or_else(|| tz.ellipsis(i))
            .or_else(|| tz.tex_quote(i, c))
            .or_else(|| tz.quote(i, c))
            .unwrap_or_else(|| tz.single(i, c));
    }
}

/// One block being tokenised; each step pushes its token and returns where the next begins.
struct Tokenizer<'a, 'o> {
    text: &'a str,
    sc: Scanner<'a>,
    start: usize,
    end: usize,
    block: usize,
    out: &'o mut Vec<Token>,
}

impl Tokenizer<'_, '_> {
    fn push(&mut self, s: usize, e: usize, kind: TokKind) -> usize {
        self.out.push(Token {
            start: s,
            end: e,
            kind,
            nya: false,
            open: false,
            abbrev: false,
            block: self.block,
            sent: 0,
        });
        e
    }

    fn push_with(
        &mut self,
        s: usize,
        e: usize,
        kind: TokKind,
        set: impl FnOnce(&mut Token),
    ) -> usize {
        self.push(s, e, kind);
        if let Some(t) = self.out.last_mut() {
            set(t);
        }
        e
    }

    /// "https://...", "www...": up to the next space, without closing punctuation.
    fn url(&mut self, i: usize) -> Option<usize> {
        let rest = &self.text[i..self.end];
        if !(rest.starts_with("http://")
            || rest.starts_with("https://")
            || rest.starts_with("www."))
        {
            return None;
        }
        let ws = rest.find(is_space).unwrap_or(rest.len());
        let e = trim_url_end(self.text, i, i + ws);
        (e > i + 4).then(|| self.push(i, e, TokKind::Url))
    }

    /// A run of word characters and what it may become: an e-mail address, a number or a
    /// date, a currency before digits, a hyphenated word, an abbreviation, a word.
    fn word_like(&mut self, i: usize) -> usize {
        let e = self.sc.word_run(i);
        if let Some(n) = self.email(i, e) {
            return n;
        }
        let all_digits = self.text[i..e].bytes().all(|b| b.is_ascii_digit());
        if all_digits {
            if let Some(n) = self.number(i, e) {
                return n;
            }
        }
        // "Rp10.000": split the currency from the digits.
        if self.text[i..e].starts_with("Rp")
            && self.text[i + 2..e]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit())
        {
            return self.push(i, i + 2, TokKind::Word);
        }
        let e = self.joined(e);
        if let Some(n) = self.abbreviation(i, e) {
            return n;
        }
        self.word(i, e)
    }

    /// "budi@contoh.co.id"
    fn email(&mut self, i: usize, e: usize) -> Option<usize> {
        let sc = &self.sc;
        if sc.char_at(e) != Some('@') {
            return None;
        }
        let d = sc.word_run(e + 1);
        if d <= e + 1 {
            return None;
        }
        let mut ee = d;
        while sc.char_at(ee) == Some('.') && sc.word_run(ee + 1) > ee + 1 {
            ee = sc.word_run(ee + 1);
        }
        (ee > d).then(|| self.push(i, ee, TokKind::Email))
    }

    /// Digits at `i..e`: a date "6/5/2024", or a number with its groups and decimals
    /// ("1.200,50", "10.30"); none when letters follow ("3km" is a word, "ke-3" joins).
    fn number(&mut self, i: usize, e: usize) -> Option<usize> {
        let sc = &self.sc;
        if sc.char_at(e) == Some('/') {
            let m = sc.digit_run(e + 1);
            if m > e + 1 && m - e - 1 <= 2 && sc.char_at(m) == Some('/') {
                let y = sc.digit_run(m + 1);
                if y > m + 1 && !sc.char_at(y).is_some_and(is_word_char) {
                    return Some(self.push(i, y, TokKind::Date));
                }
            }
        }
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
        if (we == ne && !matches!(sc.char_at(ne), Some('-'))) || ne > e {
            return Some(self.push(i, ne, TokKind::Number));
        }
        None
    }

    /// The end of a word with its hyphen and apostrophe joins ("tanda-tanda", "ke-3", "Jum'at").
    fn joined(&self, mut e: usize) -> usize {
        while let Some(h @ ('-' | '\'' | '’')) = self.sc.char_at(e) {
            let n = self.sc.word_run(e + h.len_utf8());
            if n > e + h.len_utf8() {
                e = n;
            } else {
                break;
            }
        }
        e
    }

    /// A word followed by its period: multi-dot forms ("a.n.", "S.H.", "M.Si."), single
    /// capitals ("H.") and the abbreviations of `lang/id/abbreviations.tsv` ("Dr.", "dll.").
    fn abbreviation(&mut self, i: usize, e: usize) -> Option<usize> {
        let sc = &self.sc;
        if sc.char_at(e) != Some('.') {
            return None;
        }
        let mut me = e;
        while sc.char_at(me) == Some('.') {
            let n = sc.word_run(me + 1);
            if n > me + 1
                && n - me - 1 <= 3
                && !self.text[me + 1..n].bytes().all(|b| b.is_ascii_digit())
            {
                me = n;
            } else {
                break;
            }
        }
        let abbrev = |t: &mut Token| t.abbrev = true;
        if me > e && sc.char_at(me) == Some('.') {
            return Some(self.push_with(i, me + 1, TokKind::Word, abbrev));
        }
        let word = &self.text[i..e];
        let single_cap = word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
        if single_cap || with_lower(word, |l| LEX.abbrevs.contains_key(l)) {
            return Some(self.push_with(i, e + 1, TokKind::Word, abbrev));
        }
        None
    }

    /// A word (or a run of digits), with whether it ends in the clitic -nya.
    fn word(&mut self, i: usize, e: usize) -> usize {
        let w = &self.text[i..e];
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
        self.push_with(i, e, kind, |t| t.nya = nya)
    }

    /// "#pemilu", "@kpu"
    fn tag(&mut self, i: usize, c: char) -> Option<usize> {
        if !((c == '#' || c == '@') && self.sc.char_at(i + 1).is_some_and(|n| n.is_alphanumeric()))
        {
            return None;
        }
        let e = self.sc.word_run(i + 1);
        let kind = if c == '#' {
            TokKind::Hashtag
        } else {
            TokKind::Mention
        };
        Some(self.push(i, e, kind))
    }

    /// "...", "....": one token.
    fn ellipsis(&mut self, i: usize) -> Option<usize> {
        if !self.text[i..self.end].starts_with("...") {
            return None;
        }
        let mut e = i;
        while self.sc.char_at(e) == Some('.') {
            e += 1;
        }
        Some(self.push(i, e, TokKind::Punct))
    }

    /// TeX-style quotation marks: "``" opens, "''" after a word closes.
    fn tex_quote(&mut self, i: usize, c: char) -> Option<usize> {
        let rest = &self.text[i..self.end];
        if !(rest.starts_with("``") || (rest.starts_with("''") && i > self.start)) {
            return None;
        }
        let open = c == '`';
        (open || self.sc.char_before(i).is_some_and(|p| !is_space(p)))
            .then(|| self.push_with(i, i + 2, TokKind::Quote, |t| t.open = open))
    }

    /// A quotation mark, with its direction.
    fn quote(&mut self, i: usize, c: char) -> Option<usize> {
        if !is_quote_char(c) {
            return None;
        }
        let open = quote_opens(c, self.sc.char_before(i), self.sc.char_at(i + c.len_utf8()));
        Some(self.push_with(i, i + c.len_utf8(), TokKind::Quote, |t| t.open = open))
    }

    /// Any other character: punctuation or a symbol.
    fn single(&mut self, i: usize, c: char) -> usize {
        let kind = if c.is_ascii_punctuation() || matches!(c, '…' | '–' | '—' | '•' | '·')
        {
            TokKind::Punct
        } else {
            TokKind::Symbol
        };
        self.push(i, i + c.len_utf8(), kind)
    }
}

/// Does quotation mark `c` open, between the characters `prev` and `next`? The spaces
/// around it decide; where they do not, its glyph; a straight quote after a quote char or at a
/// line start opens, and so does one between a sentence's end and a letter ("warga
/// Purwakarta."Pengemudi").
fn quote_opens(c: char, prev: Option<char>, next: Option<char>) -> bool {
    let space_before = prev.is_none_or(|p| is_space(p) || is_open_bracket(p));
    let space_after = next
        .is_none_or(|n| is_space(n) || matches!(n, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']'));
    if space_before != space_after {
        return space_before;
    }
    match c {
        '“' | '‘' | '«' | '„' => true,
        '”' | '’' | '»' => false,
        _ => {
            space_before
                || prev.is_some_and(is_quote_char)
                || (prev.is_some_and(|p| matches!(p, '.' | '!' | '?' | ':' | ';'))
                    && next.is_some_and(char::is_alphanumeric))
        }
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

/// As [`analyze`], for a text whose structure a source format gave
/// ([`crate::blocks::blocks_with`]).
pub fn analyze_with(text: &str, source: &[crate::doc::SourceBlock]) -> Analysis {
    segment(text, crate::blocks::blocks_with(text, source))
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
