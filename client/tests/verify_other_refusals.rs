//! Every other refusal of `verify_release`, beyond the ones the issue names
//! (those are in `verify_refusals.rs`): each from the accepted scenario with
//! one change to how the log, the bundle, the policy or the trusted state is
//! built.

mod common;

use common::{COSIGNED_AT, ORIGIN, Scenario};
use sightline_client::{TrustedCheckpoint, TrustedState, VerifyError, verify_release};
use sightline_proofs::checkpoint::Origin;
use sightline_proofs::note::KeyType;
use sightline_proofs::{Hash, Policy, ProofsError};

fn refuse(s: &Scenario, compromised_log: bool) -> VerifyError {
    let built = s.build();
    assert_eq!(
        !built.bypassed.is_empty(),
        compromised_log,
        "admission refusals: {:?}",
        built.bypassed
    );
    built.verify().expect_err("the device must refuse")
}

/// Verifies the default scenario with a changed policy text.
fn with_policy(change: impl Fn(String) -> String) -> VerifyError {
    let built = Scenario::default().build();
    let policy = Policy::parse(change(built.policy_text.clone()).as_bytes()).unwrap();
    verify_release(
        &built.artifact,
        &built.bundle,
        &policy,
        built.now,
        &built.trusted,
    )
    .expect_err("refused")
}

/// Verifies the default scenario against a given trusted checkpoint.
fn with_trusted(origin: &str, size: u64, time: u64) -> VerifyError {
    let built = Scenario::default().build();
    let mut state = TrustedState::new();
    state.set_checkpoint(
        TrustedCheckpoint::new(Origin::new(origin).unwrap(), size, Hash::new([1; 32]), time)
            .unwrap(),
    );
    verify_release(
        &built.artifact,
        &built.bundle,
        &built.policy,
        built.now,
        &state,
    )
    .expect_err("refused")
}

// --- step 1 ------------------------------------------------------------------

#[test]
fn checkpoint_of_a_log_the_policy_does_not_trust() {
    let other = common::key("other.example/log", KeyType::Ed25519, 77).verifier();
    let err = with_policy(|p| {
        p.replace("log example.com/sightline+", "# log example.com/sightline+")
            + &format!("log {other}\n")
    });
    match err {
        VerifyError::UnknownLog { origin } => assert_eq!(origin, ORIGIN),
        other => panic!("{other:?}"),
    }
}

#[test]
fn quorum_none_proves_no_freshness() {
    let err = with_policy(|p| p.replace("quorum witnesses", "quorum none"));
    assert_eq!(err, VerifyError::NoFreshnessProof);
}

#[test]
fn trusted_state_of_another_log() {
    let err = with_trusted("other.example/log", 1, 0);
    assert!(matches!(err, VerifyError::TrustedOriginMismatch { .. }));
}

#[test]
fn cosignatures_older_than_the_trusted_ones() {
    let err = with_trusted(ORIGIN, 1, COSIGNED_AT + 1);
    assert_eq!(
        err,
        VerifyError::OlderThanTrusted {
            newest: COSIGNED_AT,
            trusted: COSIGNED_AT + 1
        }
    );
}

#[test]
fn trusted_smaller_checkpoint_and_older_time_accepts() {
    let built = Scenario::default().build();
    let mut state = TrustedState::new();
    let cp = TrustedCheckpoint::new(
        Origin::new(ORIGIN).unwrap(),
        3,
        Hash::new([1; 32]),
        COSIGNED_AT,
    )
    .unwrap();
    state.set_checkpoint(cp);
    verify_release(
        &built.artifact,
        &built.bundle,
        &built.policy,
        built.now,
        &state,
    )
    .expect("a larger, equally fresh checkpoint is accepted");
}

// --- step 2 ------------------------------------------------------------------

#[test]
fn an_entry_that_is_not_a_record() {
    // The log's leaf 0 is another product's entry, proven but not a record.
    let built = Scenario {
        padding: 1,
        ..Scenario::default()
    }
    .build();
    let mut indexes = built.bundle_indexes();
    indexes.insert(0, 0);
    let bundle = built.bundle_of(&indexes);
    let err = verify_release(
        &built.artifact,
        &bundle,
        &built.policy,
        built.now,
        &built.trusted,
    )
    .expect_err("refused");
    assert!(
        matches!(err, VerifyError::MalformedEntry { index: 0, .. }),
        "{err:?}"
    );
}

// --- step 3 ------------------------------------------------------------------

#[test]
fn two_releases_of_one_artifact() {
    let s = Scenario {
        duplicate_release: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::AmbiguousRelease { .. }
    ));
}

#[test]
fn release_not_for_this_device() {
    let err = with_policy(|p| p.replace("target acme/thermostat/t3", "target acme/lock/l1"));
    match err {
        VerifyError::TargetNotCovered { target } => assert_eq!(target, "acme/lock/l1"),
        other => panic!("{other:?}"),
    }
}

// --- step 4 ------------------------------------------------------------------

#[test]
fn release_with_two_signature_lines() {
    let s = Scenario {
        release_also_signed_by_approver: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::SignatureCount { count: 2, .. }
    ));
}

#[test]
fn release_signature_that_does_not_verify() {
    let s = Scenario {
        release_signature_forged: true,
        ..Scenario::default()
    };
    match refuse(&s, true) {
        VerifyError::RecordSignature { error, .. } => {
            assert!(
                matches!(error, ProofsError::BadSignature { .. }),
                "{error:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn signer_enrolled_after_the_release() {
    let s = Scenario {
        signer_enrolled_after_release: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::EnrolledAfterRecord { .. }
    ));
}

#[test]
fn enrolment_with_a_forged_root_signature() {
    let s = Scenario {
        signer_enrolment_root_forged: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::EnrolmentRootSignature { .. }
    ));
}

#[test]
fn enrolment_below_the_device_root_threshold() {
    let err = with_policy(|p| p.replace("root-threshold 2", "root-threshold 3"));
    assert!(matches!(
        err,
        VerifyError::EnrolmentRootThreshold {
            signed: 2,
            required: 3,
            ..
        }
    ));
}

#[test]
fn enrolment_by_roots_the_device_does_not_trust() {
    // The device trusts only root-c, which signed no enrolment.
    let err = with_policy(|p| {
        p.lines()
            .filter(|l| !l.starts_with("root root-a") && !l.starts_with("root root-b"))
            .map(|l| {
                if l == "root-threshold 2" {
                    "root-threshold 1"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    assert!(matches!(
        err,
        VerifyError::EnrolmentRootThreshold {
            signed: 0,
            required: 1,
            ..
        }
    ));
}

#[test]
fn release_signed_by_an_operator_key() {
    let s = Scenario {
        release_signed_by_operator: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::KeyWrongRole {
            expected: "signer",
            got: "operator",
            ..
        }
    ));
}

#[test]
fn approval_naming_the_release_index_with_another_hash() {
    let s = Scenario {
        approval_ref_hash_wrong: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::ReleaseRefMismatch { .. }
    ));
}

// --- step 5 ------------------------------------------------------------------

#[test]
fn two_approver_keys_of_one_owner() {
    let s = Scenario {
        second_approver_owner: "bob",
        ..Scenario::default()
    };
    match refuse(&s, false) {
        VerifyError::DuplicateApproverOwner { owner, .. } => assert_eq!(owner, "bob"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_skipped_approval_does_not_refuse_when_enough_others_count() {
    let s = Scenario {
        approvals_by: vec![0, 0, 1],
        ..Scenario::default()
    };
    let accepted = s.build().verify().expect("two distinct approvals");
    assert_eq!(accepted.approvers().len(), 2);
}

// --- step 7 ------------------------------------------------------------------

#[test]
fn bundle_without_a_state_entry() {
    let built = Scenario::default().build();
    let mut indexes = built.bundle_indexes();
    indexes.pop();
    let bundle = built.bundle_of(&indexes);
    let err = verify_release(
        &built.artifact,
        &bundle,
        &built.policy,
        built.now,
        &built.trusted,
    )
    .expect_err("refused");
    assert_eq!(err, VerifyError::MissingStateEntry);
}

#[test]
fn state_entry_stating_another_index() {
    let s = Scenario {
        state_index_off_by_one: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::StateIndexMismatch { .. }
    ));
}

#[test]
fn state_entry_signed_by_another_key() {
    let s = Scenario {
        state_signed_by_other_key: true,
        ..Scenario::default()
    };
    assert!(matches!(refuse(&s, false), VerifyError::StateSignature(_)));
}
