//! The state entry lists every key ever enrolled (DESIGN §4) and, like any
//! entry, may not exceed 65,535 bytes. Admission must refuse the record that
//! would overflow it, so that the log never reaches a round whose state
//! entry it cannot write; every state entry short of that still fits, even
//! at the largest index a tree can have.

mod records_common;

use records_common::*;
use sightline_proofs::ProofsError;
use sightline_proofs::note::{KeyName, KeyType, SignerKey};
use sightline_proofs::record::{KeyRole, MAX_ENTRY_LEN, SignedRecord};

/// Twenty 40-byte scopes: about 900 bytes per key line, so that the limit
/// is reached after some seventy enrolments rather than hundreds.
fn wide_scopes() -> Vec<String> {
    (0..20)
        .map(|i| format!("acme/product-line-{i:02}/long-device-family/*"))
        .collect()
}

fn member(i: u32) -> SignerKey {
    let mut seed = [7u8; 32];
    seed[..4].copy_from_slice(&i.to_be_bytes());
    SignerKey::from_seed(
        KeyName::new(&format!("member-{i}")).unwrap(),
        KeyType::Ed25519,
        seed,
    )
    .unwrap()
}

#[test]
fn the_enrolment_that_would_overflow_the_state_entry_is_refused() {
    let k = keys();
    let mut log = Log::new(rules(&k));
    let roots: Vec<&SignerKey> = k.roots.iter().take(2).collect();
    let scopes = wide_scopes();
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    let widest_index = i64::MAX as u64 - 1;

    let mut enrolled = 0;
    let refusal = loop {
        assert!(enrolled < 200, "the state entry never filled up");
        let key = member(enrolled);
        let entry = sign(
            &enrol(
                &key.verifier(),
                KeyRole::Signer,
                &format!("owner-{enrolled}"),
                &scopes,
            ),
            &roots,
        );
        match log.append(&entry) {
            Ok(_) => enrolled += 1,
            Err(e) => break e,
        }
        // Every admitted state still makes a state entry that fits and
        // parses, at the widest index.
        let state = log
            .state
            .sign_state_entry(widest_index, ts(T0), &k.log)
            .expect("the state entry signs")
            .to_bytes();
        assert!(state.len() <= MAX_ENTRY_LEN, "{} bytes", state.len());
        SignedRecord::parse(&state).expect("the state entry parses");
    };
    assert!(enrolled > 50, "refused too early, after {enrolled}");
    match refusal {
        ProofsError::StateEntryFull { size, limit } => {
            assert_eq!(limit, MAX_ENTRY_LEN);
            assert!(size > limit);
        }
        other => panic!("unexpected refusal: {other:?}"),
    }
    // Refused means unchanged: the same state admits a smaller record, a
    // release by an enrolled signer, which does not grow the state entry.
    let signer = member(0);
    let release = sightline_proofs::record::Record::Release(release(&[
        "acme/product-line-00/long-device-family/cam",
    ]));
    let before = log.state.clone();
    log.append(&sign(&release, &[&signer]))
        .expect("a release still fits");
    assert_eq!(log.state, before);
}
