//! Fuzzes `parse_entry_bundle`: never panics, and whatever it accepts
//! re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::{encode_entry_bundle, parse_entry_bundle};

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = parse_entry_bundle(data) {
        assert!(!entries.is_empty() && entries.len() <= 256);
        assert_eq!(encode_entry_bundle(&entries).as_deref(), Ok(data));
    }
});
