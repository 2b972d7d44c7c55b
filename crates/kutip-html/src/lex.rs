//! A small HTML lexer that keeps byte offsets: the text of every block element (`p`, `h1`–`h6`,
//! `li`, `figcaption`, `blockquote`, `td`, a `div` with text of its own, ...) with the byte
//! range of the element in the page, and the head's metadata (`<title>`, `<meta>`, `<link
//! rel=canonical>`, JSON-LD, `<time datetime>`). Script, style and template content is never
//! text. It is forgiving: unclosed tags, stray `<`, comments and CDATA are read as browsers
//! read them closely enough for finding text.

/// The kind of block an element makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    Paragraph,
    Caption,
}

/// The text of one block element and where the element is in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub kind: Kind,
    /// the tag name, lower case
    pub tag: String,
    /// byte range of the element (start tag to end tag) in the page
    pub start: usize,
    pub end: usize,
    /// its text, entities decoded, spaces collapsed
    pub text: String,
    /// how many of its characters (spaces not counted) are link text (inside `<a>`)
    pub link_chars: usize,
}

impl Segment {
    /// The share of the text that is link text: near 1 for a list of links to other pages.
    pub fn link_density(&self) -> f64 {
        let all = self.text.chars().filter(|c| !c.is_whitespace()).count();
        if all == 0 {
            0.0
        } else {
            (self.link_chars as f64 / all as f64).min(1.0)
        }
    }
}

/// What the head (and the body's `<time>` elements) say about the page.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub title: Option<String>,
    /// `<meta name|property|itemprop="..." content="...">`, keys lower case
    pub meta: Vec<(String, String)>,
    pub canonical: Option<String>,
    /// contents of `<script type="application/ld+json">`
    pub json_ld: Vec<String>,
    /// `datetime` attributes of `<time>` elements, in order
    pub times: Vec<String>,
}

/// The lexed page.
#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub segments: Vec<Segment>,
    pub head: Head,
}

fn block_kind(tag: &str) -> Option<Kind> {
    Some(match tag {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Kind::Heading,
        "figcaption" | "caption" => Kind::Caption,
        "p" | "li" | "blockquote" | "div" | "td" | "th" | "dd" | "dt" | "pre" | "section"
        | "article" | "main" | "header" | "footer" | "aside" | "nav" | "figure" | "ul" | "ol"
        | "table" | "tr" | "form" | "address" | "body" | "center" => Kind::Paragraph,
        _ => return None,
    })
}

/// Elements whose content is never text.
fn raw_text(tag: &str) -> bool {
    matches!(
        tag,
        "script" | "style" | "template" | "noscript" | "textarea" | "svg" | "iframe" | "object"
    )
}

/// Elements that break a line inside a block.
fn void(tag: &str) -> bool {
    matches!(
        tag,
        "br" | "img"
            | "hr"
            | "meta"
            | "link"
            | "input"
            | "source"
            | "wbr"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "param"
            | "track"
    )
}

/// A start or end tag at `i` (`s[i] == '<'`): (name lower case, is end tag, attributes text,
/// end of the tag). None when this `<` opens no tag.
fn tag_at(s: &str, i: usize) -> Option<(String, bool, &str, usize)> {
    let b = s.as_bytes();
    let mut j = i + 1;
    let end = b.get(j) == Some(&b'/');
    if end {
        j += 1;
    }
    let n0 = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':') {
        j += 1;
    }
    if j == n0 || !b[n0].is_ascii_alphabetic() {
        return None;
    }
    let name = s[n0..j].to_ascii_lowercase();
    // the end of the tag: the first '>' outside a quoted attribute value
    let mut k = j;
    let mut quote = 0u8;
    while k < b.len() {
        let c = b[k];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return Some((name, end, &s[j..k], k + 1));
        }
        k += 1;
    }
    Some((name, end, &s[j..], b.len()))
}

/// The value of attribute `name` in an attribute text.
pub fn attr(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(name) {
        let at = from + p;
        from = at + name.len();
        let before_ok = at == 0
            || !lower.as_bytes()[at - 1].is_ascii_alphanumeric()
                && lower.as_bytes()[at - 1] != b'-';
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let vstart = attrs.len() - rest.len() + 1;
        let v = attrs[vstart..].trim_start();
        let off = attrs.len() - v.len();
        return Some(match v.as_bytes().first() {
            Some(q @ (b'"' | b'\'')) => {
                let close = v[1..].find(*q as char).map_or(v.len(), |e| e + 1);
                decode_entities(&attrs[off + 1..off + close])
            }
            _ => decode_entities(
                v.split(|c: char| c.is_whitespace() || c == '>')
                    .next()
                    .unwrap_or(""),
            ),
        });
    }
    None
}

/// Decode character references: numeric ones and the named ones news pages use.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let tail = &rest[p..];
        let semi = tail.bytes().take(12).position(|b| b == b';');
        let decoded = semi.and_then(|e| {
            let name = &tail[1..e];
            let c = if let Some(num) = name.strip_prefix('#') {
                let v = match num.strip_prefix(['x', 'X']) {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => num.parse().ok(),
                }?;
                char::from_u32(v).filter(|c| *c != '\0')?
            } else {
                match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "nbsp" => ' ',
                    "ndash" => '–',
                    "mdash" => '—',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    "hellip" => '…',
                    "laquo" => '«',
                    "raquo" => '»',
                    "copy" => '©',
                    "reg" => '®',
                    "deg" => '°',
                    "middot" => '·',
                    "bull" => '•',
                    "times" => '×',
                    "eacute" => 'é',
                    "egrave" => 'è',
                    "aacute" => 'á',
                    "oacute" => 'ó',
                    "uuml" => 'ü',
                    "ouml" => 'ö',
                    "auml" => 'ä',
                    "zwnj" | "zwj" | "shy" => '\u{200b}',
                    _ => return None,
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                if c != '\u{200b}' {
                    out.push(c);
                }
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Collapse runs of white space to one space and trim.
pub fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}') {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// An open block element: its tag, where it starts, and its own text so far.
struct Open {
    tag: String,
    start: usize,
    text: String,
    /// characters of `text` inside links
    links: usize,
    /// the depth of open links when this element opened: restored at its end, so a link
    /// left unclosed does not make the rest of the page link text
    link_depth: usize,
    /// `<br>` seen: its text is several lines (with their link characters)
    lines: Vec<(String, usize)>,
}

impl Open {
    fn new(tag: String, start: usize, link_depth: usize) -> Open {
        Open {
            tag,
            start,
            text: String::new(),
            links: 0,
            link_depth,
            lines: Vec::new(),
        }
    }

    /// End the current line of text (a `<br>`, or a block opened inside this one).
    fn break_line(&mut self) {
        let t = std::mem::take(&mut self.text);
        let l = std::mem::take(&mut self.links);
        self.lines.push((t, l));
    }
}

/// Lex a page (already decoded to UTF-8).
pub fn lex(s: &str) -> Lexed {
    let mut out = Lexed::default();
    let mut stack: Vec<Open> = vec![Open::new("#root".into(), 0, 0)];
    // depth of open `<a>` elements: their text is link text
    let mut in_link = 0usize;
    let b = s.as_bytes();
    let mut i = 0;
    let mut in_title: Option<(usize, String)> = None;
    let mut text_start = 0;
    // flush the text run [text_start, i) into the innermost block
    let push_text =
        |stack: &mut Vec<Open>, in_title: &mut Option<(usize, String)>, in_link: usize, t: &str| {
            if t.is_empty() {
                return;
            }
            let d = decode_entities(t);
            if let Some((_, tt)) = in_title.as_mut() {
                tt.push_str(&d);
                return;
            }
            if let Some(top) = stack.last_mut() {
                if in_link > 0 {
                    top.links += d.chars().filter(|c| !c.is_whitespace()).count();
                }
                top.text.push_str(&d);
            }
        };
    // close the innermost block: its text becomes a segment
    let close = |stack: &mut Vec<Open>, out: &mut Lexed, in_link: &mut usize, end: usize| {
        let Some(mut o) = stack.pop() else {
            return;
        };
        *in_link = o.link_depth;
        o.break_line();
        let kind = block_kind(&o.tag).unwrap_or(Kind::Paragraph);
        for (l, link_chars) in o.lines {
            let t = squash(&l);
            if !t.is_empty() {
                out.segments.push(Segment {
                    kind,
                    tag: o.tag.clone(),
                    start: o.start,
                    end,
                    text: t,
                    link_chars,
                });
            }
        }
    };
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + p;
        if s[lt..].starts_with("<!--") {
            push_text(&mut stack, &mut in_title, in_link, &s[text_start..lt]);
            let e = s[lt + 4..].find("-->").map_or(s.len(), |e| lt + 4 + e + 3);
            i = e;
            text_start = e;
            continue;
        }
        if s[lt..].starts_with("<!") || s[lt..].starts_with("<?") {
            push_text(&mut stack, &mut in_title, in_link, &s[text_start..lt]);
            let e = s[lt..].find('>').map_or(s.len(), |e| lt + e + 1);
            i = e;
            text_start = e;
            continue;
        }
        let Some((name, is_end, attrs, after)) = tag_at(s, lt) else {
            i = lt + 1;
            continue;
        };
        push_text(&mut stack, &mut in_title, in_link, &s[text_start..lt]);
        i = after;
        text_start = after;
        if name == "a" {
            in_link = if is_end {
                in_link.saturating_sub(1)
            } else {
                in_link + 1
            };
        }
        if is_end {
            if name == "title" {
                if let Some((_, t)) = in_title.take() {
                    out.head.title.get_or_insert(squash(&t));
                }
                continue;
            }
            if block_kind(&name).is_some() {
                // close up to the matching open element (unclosed children close with it)
                if let Some(pos) = stack.iter().rposition(|o| o.tag == name) {
                    if pos > 0 {
                        while stack.len() > pos {
                            close(&mut stack, &mut out, &mut in_link, after);
                        }
                    }
                }
            }
            continue;
        }
        match name.as_str() {
            "title" if out.head.title.is_none() => {
                in_title = Some((lt, String::new()));
                continue;
            }
            "meta" => {
                let key = attr(attrs, "property")
                    .or_else(|| attr(attrs, "name"))
                    .or_else(|| attr(attrs, "itemprop"));
                if let (Some(k), Some(v)) = (key, attr(attrs, "content")) {
                    out.head.meta.push((k.to_ascii_lowercase(), v));
                }
                continue;
            }
            "link" => {
                if attr(attrs, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) {
                    out.head.canonical = attr(attrs, "href");
                }
                continue;
            }
            "time" => {
                if let Some(d) = attr(attrs, "datetime") {
                    out.head.times.push(d);
                }
            }
            _ => {}
        }
        if raw_text(&name) {
            // skip to the end tag; keep JSON-LD
            let close_tag = format!("</{name}");
            let lower_rest = &s[after..];
            let e = find_ci(lower_rest, &close_tag).map_or(s.len(), |p| after + p);
            if name == "script"
                && attr(attrs, "type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"))
            {
                out.head.json_ld.push(s[after..e].to_string());
            }
            let e2 = s[e..].find('>').map_or(s.len(), |x| e + x + 1);
            i = e2;
            text_start = e2;
            continue;
        }
        if name == "br" {
            if let Some(top) = stack.last_mut() {
                top.break_line();
            }
            continue;
        }
        if void(&name) {
            continue;
        }
        if block_kind(&name).is_some() {
            // a block inside a block: the outer one's text so far is a block of its own
            if name == "p" {
                if let Some(pos) = stack.iter().rposition(|o| o.tag == "p") {
                    if pos > 0 {
                        while stack.len() > pos {
                            close(&mut stack, &mut out, &mut in_link, lt);
                        }
                    }
                }
            }
            if let Some(top) = stack.last_mut() {
                if !squash(&top.text).is_empty() {
                    top.break_line();
                }
            }
            stack.push(Open::new(name, lt, in_link));
        } else if let Some(top) = stack.last_mut() {
            // inline elements separate words
            if matches!(name.as_str(), "span" | "a" | "b" | "strong" | "em" | "i") {
                // no space: "<b>Ja</b>karta" stays one word
            } else {
                top.text.push(' ');
            }
        }
    }
    push_text(&mut stack, &mut in_title, in_link, &s[text_start..]);
    while stack.len() > 1 {
        close(&mut stack, &mut out, &mut in_link, s.len());
    }
    close(&mut stack, &mut out, &mut in_link, s.len());
    // segments of a parent come after its children's; order them by where the text is
    out.segments.sort_by_key(|g| g.start);
    out
}

/// The first occurrence of ASCII `needle` in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    let first = n[0].to_ascii_lowercase();
    let mut i = 0;
    while i + n.len() <= h.len() {
        let p = memchr::memchr2(
            first,
            first.to_ascii_uppercase(),
            &h[i..h.len() - n.len() + 1],
        )?;
        let at = i + p;
        if h[at..at + n.len()].eq_ignore_ascii_case(n) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_with_their_ranges_and_the_head() {
        let page = "<html><head><title>Banjir &amp; longsor</title>\
            <meta property=\"og:site_name\" content=\"Contoh News\">\
            <script>var x = '<p>tidak</p>';</script>\
            <script type=\"application/ld+json\">{\"datePublished\":\"2025-02-10\"}</script></head>\
            <body><h1>Judul</h1><div class=\"x\"><p>Satu <b>dua</b>&nbsp;tiga.</p>\
            <p>Empat<br>lima</p></div><figure><img src=a><figcaption>Foto: ANTARA</figcaption></figure>\
            <!-- <p>komentar</p> --></body></html>";
        let l = lex(page);
        let texts: Vec<(&str, Kind)> = l
            .segments
            .iter()
            .map(|s| (s.text.as_str(), s.kind))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Judul", Kind::Heading),
                ("Satu dua tiga.", Kind::Paragraph),
                ("Empat", Kind::Paragraph),
                ("lima", Kind::Paragraph),
                ("Foto: ANTARA", Kind::Caption),
            ]
        );
        let p = &l.segments[1];
        assert!(
            page[p.start..p.end].starts_with("<p>Satu") && page[p.start..p.end].ends_with("</p>")
        );
        assert_eq!(l.head.title.as_deref(), Some("Banjir & longsor"));
        assert!(l
            .head
            .meta
            .contains(&("og:site_name".into(), "Contoh News".into())));
        assert_eq!(l.head.json_ld.len(), 1);
    }

    #[test]
    fn entities_and_broken_markup() {
        assert_eq!(
            decode_entities("a &lt;b&gt; &#8220;c&#x201d; &bogus; &"),
            "a <b> “c” &bogus; &"
        );
        let l = lex("<p>tanpa penutup <p>kedua < 3 dan a<b</p><div>akhir");
        let t: Vec<&str> = l.segments.iter().map(|s| s.text.as_str()).collect();
        // "<b</p>" opens an element, as in a browser
        assert_eq!(t, vec!["tanpa penutup", "kedua < 3 dan a", "akhir"]);
        assert_eq!(
            attr(" content='x &amp; y' name=z", "content").as_deref(),
            Some("x & y")
        );
    }
}
