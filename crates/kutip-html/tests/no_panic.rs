//! Whatever bytes a crawl hands us, reading them never panics, and the
//! offsets of every block still hold in the text returned.

use proptest::prelude::*;

/// Pieces that HTML on the web is made of, including broken and non-ASCII ones.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<h1>".to_string()),
        Just("<div class=\"artikel\">".to_string()),
        Just("<script>var a='<p>';</script>".to_string()),
        Just("<meta charset=\"iso-8859-1\">".to_string()),
        Just("<meta property=\"og:title\" content=\"Jud&uacute;l &amp".to_string()),
        Just("&quot; – írja &#x1F600; &#99999999; &nbsp".to_string()),
        Just("“Kami siap,” kata Menteri Ani.".to_string()),
        Just("<figcaption>Foto: warga</figcaption>".to_string()),
        Just("<!-- ".to_string()),
        Just("<![CDATA[".to_string()),
        Just("<time datetime=\"2025-10-21T14:30:00+07:00\">".to_string()),
        Just("Selasa, 21 Okt 2025 14:30 WIB".to_string()),
        "[a-zA-Z<>&;\"'/= éí“”\n]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn pages_never_panic(parts in prop::collection::vec(piece(), 0..40), cut in 0usize..4000) {
        let mut page = parts.concat().into_bytes();
        // a page cut anywhere, even inside a character
        page.truncate(cut.min(page.len()));
        let p = kutip_html::read(&page, None, None);
        let (decoded, _) = kutip_html::decode(&page, None);
        for b in &p.blocks {
            prop_assert!(p.text.get(b.start..b.end).is_some());
            if let Some((s, e)) = b.html {
                // an element's range is into the page as decoded
                prop_assert!(decoded.get(s..e).is_some(), "{s}..{e} of {}", decoded.len());
            }
        }
    }

    #[test]
    fn raw_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = kutip_html::read(&bytes, None, Some("utf-8"));
        for r in kutip_html::warc::open(std::io::Cursor::new(bytes)).take(50).flatten() {
            let _ = r.http();
        }
    }
}
