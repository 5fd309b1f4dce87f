//! Fuzzes `Bundle::parse`: it must never panic, and every bundle it accepts
//! must encode back to exactly the input bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::RootHash;
use sightline_proofs::bundle::Bundle;
use sightline_proofs::hash::leaf_hash;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::parse(data) {
        assert_eq!(bundle.encode(), data, "bundle encoding is byte-exact");
        // Verifying against an arbitrary root must not panic either.
        let size = bundle.entries().last().map_or(1, |e| e.index() + 1);
        if let Ok(root) = RootHash::new(size, leaf_hash(data)) {
            let _ = bundle.verify_inclusions(&root);
        }
    }
});
