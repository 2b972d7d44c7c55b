//! Property tests: no panic on any input, and every offset points at its own text.

use proptest::prelude::*;

fn check(text: &str) {
    let l = kutip::extract("p", text, kutip::Meta::default());
    let a = kutip::segment::analyze(text);
    for b in &l.blocks {
        assert!(b.start <= b.end && text.get(b.start..b.end).is_some());
    }
    for w in a.blocks.windows(2) {
        assert!(w[0].end <= w[1].start, "blocks overlap");
    }
    for s in &a.sentences {
        assert!(text.get(s.start..s.end).is_some());
        assert!(s.tok_start < s.tok_end && s.tok_end <= a.tokens.len());
    }
    for t in &a.tokens {
        let s = text.get(t.start..t.end).expect("token on char boundaries");
        assert!(!s.is_empty() && !s.trim().is_empty(), "empty token {s:?}");
    }
    for w in a.tokens.windows(2) {
        assert!(w[0].end <= w[1].start, "tokens overlap");
    }
    let v = serde_json::to_value(&l).unwrap();
    for key in ["quotes", "figures"] {
        for q in v[key].as_array().unwrap() {
            let (s, e) = (
                q["start"].as_u64().unwrap() as usize,
                q["end"].as_u64().unwrap() as usize,
            );
            assert_eq!(text.get(s..e), q["text"].as_str(), "{key} offsets");
        }
    }
}

const ALPHABET: &str = "[a-zA-Z0-9 .,;:!?\"“”‘’'«»()\\-/@#%\n\r\u{feff}\u{200b}…Rpé²]{0,200}";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn offsets_hold_on_news_like_text(s in ALPHABET) {
        check(&s);
    }

    #[test]
    fn no_panic_on_any_string(s in any::<String>()) {
        check(&s);
    }

    #[test]
    fn offsets_hold_on_indonesian_pieces(parts in proptest::collection::vec(prop_oneof![
        Just("“Kami siap,” kata Menteri Budi."), Just(" ujarnya. "), Just("Lebih dari 1.200 orang tewas"),
        Just(", menurut Kementerian Kesehatan. "), Just("\n"), Just("Baca juga: X\n"), Just("Rp 15 triliun"),
        Just("\""), Just("”"), Just("Dr. "), Just("(6/5/2024)"), Just("sekitar 2,5 juta"), Just("Ia mengatakan "),
        Just("\u{feff}"), Just("\r"), Just("\r\n"), Just("\u{2028}"), Just(" kata Budi Santoso"), Just("Menurut "),
    ], 0..30)) {
        check(&parts.concat());
    }

    /// Truncated scraped articles end in the middle of an attribution.
    #[test]
    fn documents_that_stop_after_a_cue(parts in proptest::collection::vec(prop_oneof![
        Just("“Kami siap,” "), Just("Menteri Budi "), Just("Ia "), Just("\r\n"), Just("\u{feff}"),
        Just("Warga resah. "), Just(", "), Just("Sebanyak 12 orang "),
    ], 0..8), cue in prop_oneof![
        Just("meminta"), Just("mendesak"), Just("menuntut"), Just("mengajak"), Just("memerintahkan"),
        Just("menginstruksikan"), Just("mengimbau"), Just("mengatakan"), Just("kata"), Just("ujarnya"),
        Just("menurut"), Just("Menurut"), Just("bahwa"), Just("“"),
    ]) {
        check(&format!("{}{cue}", parts.concat()));
    }
}

#[test]
fn empty_and_whitespace_documents() {
    for t in ["", " ", "\n\n", "\u{feff}"] {
        let l = kutip::extract("e", t, kutip::Meta::default());
        assert!(l.quotes.is_empty() && l.figures.is_empty());
    }
}

#[test]
fn large_document_in_bounded_time() {
    let para = "“Kami akan menambah 1.200 pasukan,” kata Menteri Pertahanan Budi Santoso di Jakarta, Senin (6/5/2024). Ia menilai situasi masih aman.\n";
    let text = para.repeat(5_000_000 / para.len());
    let t = std::time::Instant::now();
    let l = kutip::extract("big", &text, kutip::Meta::default());
    assert!(!l.blocks.is_empty());
    assert!(t.elapsed().as_secs() < 60);
}

/// Quotes and figures as (kind, text, speaker) and (text, value, source), offsets moved by
/// `shift`.
fn summary(text: &str, shift: usize) -> (Vec<String>, Vec<String>) {
    let l = kutip::extract("s", text, kutip::Meta::default());
    let q = l
        .quotes
        .iter()
        .map(|q| {
            format!(
                "{}..{} {:?} {} {:?}",
                q.start - shift,
                q.end - shift,
                q.kind,
                q.text,
                q.speaker.as_ref().map(|s| &s.name)
            )
        })
        .collect();
    let f = l
        .figures
        .iter()
        .map(|f| {
            format!(
                "{}..{} {} {:?} {:?}",
                f.start - shift,
                f.end - shift,
                f.text,
                f.value,
                f.source.as_ref().map(|s| &s.name)
            )
        })
        .collect();
    (q, f)
}

#[test]
fn a_bom_and_other_line_endings_change_nothing_but_offsets() {
    let lf = "JAKARTA, KOMPAS.com - Banjir merendam 1.200 rumah di Demak, menurut BPBD.\n\nBupati Demak Eisti'anah mengatakan bahwa pengungsi sudah dievakuasi.\n“Kami siapkan dapur umum,” ujarnya.\nBaca juga: Banjir Lagi\n";
    let reference = summary(lf, 0);
    assert!(!reference.0.is_empty() && !reference.1.is_empty());
    for (name, text, shift) in [
        ("BOM", format!("\u{feff}{lf}"), 3),
        ("CR", lf.replace('\n', "\r"), 0),
        ("CRLF", lf.replace('\n', "\r\n"), 0),
        ("U+2028", lf.replace('\n', "\u{2028}"), 0),
    ] {
        let got = summary(&text, shift);
        if name == "CRLF" || name == "U+2028" {
            // line endings of other lengths move the offsets after them: compare the texts
            let texts = |v: &[String]| {
                v.iter()
                    .map(|s| {
                        s.split_once(' ')
                            .map(|x| x.1.to_string())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(texts(&got.0), texts(&reference.0), "{name}");
            assert_eq!(texts(&got.1), texts(&reference.1), "{name}");
        } else {
            assert_eq!(got, reference, "{name}");
        }
        check(&text);
    }
}
