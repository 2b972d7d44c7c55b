//! The page's characters: its declared charset (HTTP header, `<meta charset>`, the
//! `http-equiv` content type, a byte-order mark), unless the declaration lies — a page that
//! declares ISO-8859-1 or windows-1252 but whose bytes are valid UTF-8 with non-ASCII in them
//! is UTF-8. Undeclared and not UTF-8: windows-1252, as browsers do.

use encoding_rs::Encoding;

/// The charset a page declares in its first bytes (`<meta charset>`, `http-equiv`).
fn declared_in(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&lower[from..], b"charset") {
        let at = from + p + 7;
        from = at;
        let rest = &lower[at..];
        let rest = rest
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map_or(&rest[rest.len()..], |k| &rest[k..]);
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest: Vec<u8> = rest
            .iter()
            .copied()
            .skip_while(|c| c.is_ascii_whitespace() || *c == b'"' || *c == b'\'')
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
            .collect();
        if let Some(e) = Encoding::for_label(&rest) {
            return Some(e);
        }
    }
    None
}

/// The page as text, and the name of the encoding it was read in.
pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> (String, &'static str) {
    if let Some((e, bom)) = Encoding::for_bom(bytes) {
        let (t, _) = e.decode_without_bom_handling(&bytes[bom..]);
        return (t.into_owned(), e.name());
    }
    let declared = http_charset
        .and_then(|c| Encoding::for_label(c.trim().as_bytes()))
        .or_else(|| declared_in(bytes));
    let utf8 = std::str::from_utf8(bytes).ok();
    match (declared, utf8) {
        // UTF-8 declared or not, and valid: UTF-8; a single-byte declaration over valid
        // UTF-8 with non-ASCII bytes is a lie (such text in latin-1 would be mojibake)
        (None, Some(t)) => (t.to_string(), "UTF-8"),
        (Some(e), Some(t)) if e == encoding_rs::UTF_8 || !t.is_ascii() => (t.to_string(), "UTF-8"),
        (Some(e), _) => {
            let (t, _, _) = e.decode(bytes);
            (t.into_owned(), e.name())
        }
        (None, None) => {
            let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (t.into_owned(), "windows-1252")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_lying_and_undeclared_charsets() {
        let latin1 = b"<meta charset=\"iso-8859-1\"><p>Caf\xe9</p>";
        assert_eq!(
            decode(latin1, None),
            (
                "<meta charset=\"iso-8859-1\"><p>Café</p>".into(),
                "windows-1252"
            )
        );
        let lying = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>“Kami siap,” katanya</p>";
        let (t, e) = decode(lying.as_bytes(), None);
        assert_eq!((t.as_str(), e), (lying, "UTF-8"));
        assert_eq!(decode(b"<p>Caf\xe9</p>", None).0, "<p>Café</p>");
        assert_eq!(decode("\u{feff}<p>á</p>".as_bytes(), None).0, "<p>á</p>");
        assert_eq!(decode(b"<p>x</p>", Some("utf-8")).1, "UTF-8");
    }
}
