//! Fuzzes `TrustedState::parse`: it must never panic, and every state it
//! accepts must encode back to exactly the input bytes (one text per state).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_client::TrustedState;

fuzz_target!(|data: &[u8]| {
    if let Ok(state) = TrustedState::parse(data) {
        assert_eq!(state.encode().as_bytes(), data, "trusted state text is canonical");
    }
});
