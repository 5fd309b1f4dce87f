//! Properties of `verify_release` on the accepted scenario's bundle: one
//! flipped bit anywhere in the entry section, or in the checkpoint's signed
//! text, is never accepted, and a refusal never panics.
//!
//! (A flipped bit in a *cosignature line* may legitimately be accepted: a
//! line that no longer names a policy witness is ignored, and two of three
//! witnesses still meet the quorum. So those bytes are left out.)

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use sightline_client::{VerifyError, verify_release};
use sightline_proofs::Bundle;

fn built() -> &'static common::Built {
    static BUILT: OnceLock<common::Built> = OnceLock::new();
    BUILT.get_or_init(|| common::Scenario::default().build())
}

/// Parses and verifies bundle bytes against the scenario's device.
fn verdict(bytes: &[u8]) -> Result<(), VerifyError> {
    let b = built();
    let bundle = Bundle::parse(bytes)?;
    verify_release(&b.artifact, &bundle, &b.policy, b.now, &b.trusted).map(|_| ())
}

/// Byte ranges a flip must never get through: the entry section (up to and
/// including the separating empty line) and the checkpoint text (up to the
/// note's own empty line).
fn protected_len(encoded: &[u8]) -> usize {
    let sep = encoded
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("separator")
        + 2;
    let note = &encoded[sep..];
    let text_end = note
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("note text")
        + 2;
    sep + text_end
}

#[test]
fn the_unflipped_bundle_is_accepted() {
    verdict(&built().bundle.encode()).expect("accepted");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn one_flipped_bit_is_refused(pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut bytes = built().bundle.encode();
        let at = pos.index(protected_len(&bytes));
        bytes[at] ^= 1 << bit;
        prop_assert!(verdict(&bytes).is_err(), "flip at byte {} bit {} accepted", at, bit);
    }
}
