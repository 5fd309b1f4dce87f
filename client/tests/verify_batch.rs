//! `verify_release` checks a bundle's 17 signatures as one batch. A batch
//! that fails cannot say which signature is bad, so the device must fall
//! back to checking one by one: the refusal has to be exactly the one the
//! documented order gives, naming the first failing check.

mod common;

use common::{Keys, Scenario};
use sightline_client::VerifyError;
use sightline_proofs::ProofsError;
use sightline_proofs::record::{KeyAction, Record, SignedRecord};

/// The index of the signer key's enrolment in the bundle.
fn signer_enrolment(built: &common::Built) -> u64 {
    let signer = Keys::new().signer.verifier();
    built
        .bundle
        .entries()
        .iter()
        .find(|e| {
            SignedRecord::parse(e.bytes()).is_ok_and(|r| {
                matches!(r.record(), Record::Key(k)
                    if k.action() == KeyAction::Enrol && *k.vkey() == signer)
            })
        })
        .map(sightline_proofs::bundle::BundleEntry::index)
        .expect("the signer's enrolment is in the bundle")
}

#[test]
fn one_bad_root_signature_among_many_names_that_enrolment_and_root() {
    // Root-b's line on the signer's enrolment is the one bad signature; the
    // log signature, three cosignatures and the release signature come
    // before it, eleven good ones after.
    let built = Scenario {
        signer_enrolment_root_forged: true,
        ..Scenario::default()
    }
    .build();
    let root_b = Keys::new().roots[1].key_id();
    assert_eq!(
        built.verify().expect_err("refused"),
        VerifyError::EnrolmentRootSignature {
            index: signer_enrolment(&built),
            error: ProofsError::BadSignature { key_id: root_b },
        }
    );
}

#[test]
fn one_bad_record_signature_among_many_names_that_record() {
    let built = Scenario {
        release_signature_forged: true,
        ..Scenario::default()
    }
    .build();
    let signer = Keys::new().signer.key_id();
    assert_eq!(
        built.verify().expect_err("refused"),
        VerifyError::RecordSignature {
            index: built.release_index,
            error: ProofsError::BadSignature { key_id: signer },
        }
    );
}

#[test]
fn of_two_bad_signatures_the_first_in_the_documented_order_is_named() {
    // A forged cosignature (step 1) and a forged release signature (step 4):
    // the cosignature is checked first, so it is the refusal.
    let built = Scenario {
        forged_cosignature: true,
        release_signature_forged: true,
        ..Scenario::default()
    }
    .build();
    let witness = Keys::new().witnesses[0].key_id();
    assert_eq!(
        built.verify().expect_err("refused"),
        VerifyError::ForgedCosignature(ProofsError::BadSignature { key_id: witness })
    );
}

#[test]
fn the_valid_bundle_is_still_accepted() {
    let built = Scenario::default().build();
    let accepted = built.verify().expect("accepted");
    assert_eq!(accepted.release_index(), built.release_index);
}
