//! The whole pipeline on any text: no panic, and every offset points at its own text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let l = kutip::extract("f", &text, kutip::Meta::default());
    for q in &l.quotes {
        assert_eq!(text.get(q.start..q.end), Some(q.text.as_str()));
    }
    for f in &l.figures {
        assert_eq!(text.get(f.start..f.end), Some(f.text.as_str()));
    }
});
