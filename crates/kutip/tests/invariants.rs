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

const ALPHABET: &str = "[a-zA-Z0-9 .,;:!?\"“”‘’'«»()\\-/@#%\n…Rpé²]{0,200}";

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
    ], 0..30)) {
        check(&parts.concat());
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
