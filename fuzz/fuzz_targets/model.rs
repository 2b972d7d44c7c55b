//! The tagger model loader on any bytes: an error, never a panic or a huge allocation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = kutip::tagger::Model::from_bytes(data);
});
