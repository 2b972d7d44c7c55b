//! The PFSA-ID reader, article splitter and rule tagger on any file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let sents = kutip::pfsa::parse(&src);
    for r in kutip::pfsa::articles(&sents) {
        let labels = kutip::pfsa::tag(&sents[r.clone()]);
        assert_eq!(labels.len(), r.len());
    }
});
