//! Fuzzes verifier- and signer-key string parsing (c2sp-digest §1.4): no
//! panics, and an accepted vkey re-encodes to a string that parses to the
//! same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::note::{SignerKey, VerifierKey};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = VerifierKey::parse(text) {
        // Uppercase hex is accepted, so compare values, not strings.
        assert_eq!(VerifierKey::parse(&key.to_string()).ok(), Some(key));
    }
    if let Ok(key) = SignerKey::parse(text) {
        let again = SignerKey::parse(&key.to_secret_string()).ok();
        assert_eq!(again.map(|k| k.verifier()), Some(key.verifier()));
    }
});
