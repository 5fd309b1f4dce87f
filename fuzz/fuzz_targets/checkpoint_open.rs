//! Fuzzes checkpoint text parsing and `open_checkpoint` (c2sp-digest §2):
//! no panics, and accepted text re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::checkpoint::{Checkpoint, Origin, open_checkpoint};
use sightline_proofs::note::VerifierKey;

const LOG_VKEY: &str = "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = core::str::from_utf8(data) {
        if let Ok(cp) = Checkpoint::parse_text(text) {
            assert_eq!(cp.to_text(), text);
        }
    }
    let (Ok(origin), Ok(key)) = (Origin::new("example.com/log42"), VerifierKey::parse(LOG_VKEY))
    else {
        return;
    };
    if let Ok((cp, note)) = open_checkpoint(&origin, &[key], data) {
        assert_eq!(cp.to_text(), note.text());
    }
});
