//! The Indonesian number parser on any phrase.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = kutip::numbers::parse(s);
        let _ = kutip::numbers::parse_digits(s);
        let words: Vec<&str> = s.split_whitespace().collect();
        let _ = kutip::numbers::parse_words(&words);
    }
});
