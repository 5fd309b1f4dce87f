//! Fuzzes tlog-proof parsing and verification (c2sp-digest §6.1): no
//! panics, accepted proofs re-encode to the same bytes, and verification
//! against the digest §8.5 log key fails cleanly on anything forged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::checkpoint::Origin;
use sightline_proofs::leaf_hash;
use sightline_proofs::note::VerifierKey;
use sightline_proofs::tlog_proof::{TlogProof, verify_tlog_proof};

const LOG_VKEY: &str = "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";

fuzz_target!(|data: &[u8]| {
    let Ok(proof) = TlogProof::parse(data) else {
        return;
    };
    assert_eq!(proof.to_bytes(), data);
    let (Ok(origin), Ok(key)) = (Origin::new("example.com/log42"), VerifierKey::parse(LOG_VKEY))
    else {
        return;
    };
    let leaf = leaf_hash(&[0x40, 0x41, 0x42, 0x43]);
    let _ = verify_tlog_proof(&proof, &origin, &[key], &leaf);
});
