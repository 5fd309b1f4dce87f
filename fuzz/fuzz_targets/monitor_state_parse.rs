//! Fuzzes `SavedPosition::parse`, the monitor's state file: it must never
//! panic, and every position it accepts must encode to bytes that parse
//! back to a position with the same encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_client::monitor::SavedPosition;

fuzz_target!(|data: &[u8]| {
    if let Ok(position) = SavedPosition::parse(data) {
        let encoded = position.encode().expect("an accepted position encodes");
        let again = SavedPosition::parse(&encoded).expect("its encoding parses");
        assert_eq!(again.encode().expect("encodes"), encoded, "encoding is stable");
    }
});
