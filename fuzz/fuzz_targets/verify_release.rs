//! Fuzzes `verify_release` on arbitrary bundle bytes against the golden
//! policy: whatever the bundle holds, the verdict is a `Result`, never a
//! panic. The artifact digest and the clock come from the input too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_client::proofs::record::ArtifactDigest;
use sightline_client::proofs::{Bundle, Hash, Policy};
use sightline_client::{MeasuredArtifact, TrustedState, verify_release};

const POLICY: &[u8] = include_bytes!("../../testdata/bundle/golden.policy");

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = Policy::parse(POLICY) else {
        return;
    };
    // First 40 bytes: digest and size of the "artifact"; 8 more: the clock.
    let (Some(digest), Some(size), Some(now), Some(rest)) = (
        data.get(..32),
        data.get(32..40),
        data.get(40..48),
        data.get(48..),
    ) else {
        return;
    };
    let (Ok(digest), Ok(size), Ok(now)) = (
        Hash::from_slice(digest),
        <[u8; 8]>::try_from(size),
        <[u8; 8]>::try_from(now),
    ) else {
        return;
    };
    let artifact = MeasuredArtifact::new(ArtifactDigest::from(digest), u64::from_le_bytes(size));
    if let Ok(bundle) = Bundle::parse(rest) {
        let _ = verify_release(&artifact, &bundle, &policy, u64::from_le_bytes(now), &TrustedState::new());
    }
});
