//! Fuzzes signed-note parsing and verification (c2sp-digest §1): any input
//! must parse or fail cleanly, a parsed note must re-encode to the same
//! bytes, and verification must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::cosignature::verify_cosignatures;
use sightline_proofs::note::{Note, VerifierKey};

/// The digest §8.5 log and witness keys, so that lines naming them are
/// really checked rather than ignored.
const LOG_VKEY: &str = "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
const WITNESS_VKEY: &str =
    "witness.example/w1+20324abe+BCmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X";

fuzz_target!(|data: &[u8]| {
    let Ok(note) = Note::parse(data) else {
        return;
    };
    // Parsing is canonical: accepted bytes re-encode exactly.
    assert_eq!(note.to_bytes(), data);
    let (Ok(log), Ok(witness)) = (VerifierKey::parse(LOG_VKEY), VerifierKey::parse(WITNESS_VKEY))
    else {
        return;
    };
    let _ = note.verify(&[log]);
    let _ = verify_cosignatures(&note, &[witness]);
});
