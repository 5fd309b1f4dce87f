//! Fuzzes `TilePath::parse`: never panics, and whatever it accepts is the
//! one canonical spelling, so re-encoding gives back the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::TilePath;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    if let Ok(path) = TilePath::parse(text) {
        assert_eq!(path.to_string(), text);
    }
});
