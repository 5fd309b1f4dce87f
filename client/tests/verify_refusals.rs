//! One test per refusal of DESIGN §6 named in the device-verification
//! issue, each built for real by `common::Scenario` with exactly one change
//! from the accepted scenario, plus acceptance and the trusted state.

mod common;

use common::{COSIGNED_AT, MAX_AGE, Scenario};
use sightline_client::VerifyError;
use sightline_proofs::ProofsError;

/// Builds the scenario, checks whether the log had to skip admission, and
/// returns the device's verdict.
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

#[test]
fn accepts_the_valid_release() {
    let built = Scenario::default().build();
    assert!(built.bypassed.is_empty(), "{:?}", built.bypassed);
    let accepted = built.verify().expect("accepted");
    assert_eq!(accepted.release_index(), built.release_index);
    assert_eq!(accepted.release().version().to_string(), "2.0.0");
    assert_eq!(accepted.signer().owner().as_str(), "alice");
    let approvers: Vec<&str> = accepted
        .approvers()
        .iter()
        .map(|a| a.owner().as_str())
        .collect();
    assert_eq!(approvers, ["bob", "erin"]);
    assert_eq!(accepted.rollout().owner().as_str(), "carol");
    assert_eq!(accepted.cosigners().len(), 3);
    let cp = accepted
        .trusted_state()
        .checkpoint()
        .expect("checkpoint stored");
    assert_eq!(cp.size(), built.size);
    assert_eq!(cp.time(), COSIGNED_AT);
}

#[test]
fn tampered_artifact() {
    let s = Scenario {
        device_artifact: Some(b"evil".repeat(650)),
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::ReleaseNotFound { .. }
    ));
}

#[test]
fn wrong_size() {
    let s = Scenario {
        stated_size: Some(1),
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::SizeMismatch {
            expected: 1,
            actual: 2600
        }
    ));
}

#[test]
fn unenrolled_signer() {
    let s = Scenario {
        signer_enrolled: false,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::KeyNotEnrolled { .. }
    ));
}

#[test]
fn signer_scope_not_covering_the_target() {
    let s = Scenario {
        signer_scope: "acme/lock/*",
        ..Scenario::default()
    };
    match refuse(&s, true) {
        VerifyError::KeyOutOfScope { target, .. } => assert_eq!(target, "acme/thermostat/*"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn expired_signer_key() {
    let s = Scenario {
        signer_expires: common::T0 + 30,
        ..Scenario::default()
    };
    assert!(matches!(refuse(&s, true), VerifyError::KeyExpired { .. }));
}

#[test]
fn signer_retired_before_the_release() {
    let s = Scenario {
        retire_signer_before_release: true,
        ..Scenario::default()
    };
    assert!(matches!(refuse(&s, true), VerifyError::KeyRetired { .. }));
}

#[test]
fn signer_revoked() {
    let s = Scenario {
        revoke_signer_after_release: true,
        ..Scenario::default()
    };
    assert!(matches!(refuse(&s, false), VerifyError::KeyRevoked { .. }));
}

#[test]
fn too_few_approvals() {
    let s = Scenario {
        approvals_by: vec![0],
        ..Scenario::default()
    };
    assert_eq!(
        refuse(&s, false),
        VerifyError::TooFewApprovals {
            got: 1,
            required: 2
        }
    );
}

#[test]
fn approval_by_the_signers_owner() {
    let s = Scenario {
        second_approver_owner: "alice",
        ..Scenario::default()
    };
    match refuse(&s, true) {
        VerifyError::ApprovalBySignerOwner { owner, .. } => assert_eq!(owner, "alice"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_same_approver_twice() {
    let s = Scenario {
        approvals_by: vec![0, 0],
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::DuplicateApprover { .. }
    ));
}

#[test]
fn no_rollout_for_the_target() {
    let s = Scenario {
        rollout_target: "acme/thermostat/t4",
        ..Scenario::default()
    };
    assert!(matches!(refuse(&s, false), VerifyError::NoRollout { .. }));
}

#[test]
fn rollout_by_the_signers_owner() {
    let s = Scenario {
        operator_owner: "alice",
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, true),
        VerifyError::RolloutBySignerOwner { .. }
    ));
}

#[test]
fn paused_target() {
    let s = Scenario {
        pause: Some("acme/thermostat/*"),
        ..Scenario::default()
    };
    match refuse(&s, false) {
        VerifyError::TargetPaused { pattern, .. } => assert_eq!(pattern, "acme/thermostat/*"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_pause_of_another_target_does_not_refuse() {
    let s = Scenario {
        pause: Some("acme/lock/*"),
        ..Scenario::default()
    };
    s.build().verify().expect("accepted");
}

#[test]
fn version_downgrade() {
    let s = Scenario {
        installed: Some("3.0.0"),
        ..Scenario::default()
    };
    assert!(matches!(refuse(&s, false), VerifyError::NotNewer { .. }));
}

#[test]
fn checkpoint_older_than_max_age() {
    let s = Scenario {
        now: COSIGNED_AT + MAX_AGE + 1,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::CheckpointTooOld { .. }
    ));
    // Exactly max-age old is still fresh.
    let s = Scenario {
        now: COSIGNED_AT + MAX_AGE,
        ..Scenario::default()
    };
    s.build().verify().expect("accepted at the boundary");
}

#[test]
fn checkpoint_below_the_trusted_size() {
    let s = Scenario {
        trusted_larger_by: Some(1),
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::BelowTrustedSize { .. }
    ));
}

#[test]
fn too_few_witness_cosignatures() {
    let s = Scenario {
        cosigners: 1,
        ..Scenario::default()
    };
    assert_eq!(refuse(&s, false), VerifyError::QuorumNotMet);
}

#[test]
fn a_forged_cosignature() {
    let s = Scenario {
        forged_cosignature: true,
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::ForgedCosignature(_)
    ));
}

#[test]
fn a_log_signature_by_another_key() {
    let s = Scenario {
        log_signs_with_other_key: true,
        ..Scenario::default()
    };
    assert_eq!(
        refuse(&s, false),
        VerifyError::LogSignature(ProofsError::NoteUnverified)
    );
}

#[test]
fn an_entry_not_in_the_checkpoint() {
    // The path of the release (entry 6) is the one for a smaller tree.
    let s = Scenario {
        stale_path_for: Some(6),
        ..Scenario::default()
    };
    assert!(matches!(
        refuse(&s, false),
        VerifyError::NotIncluded { index: 6, .. }
    ));
}

#[test]
fn a_state_entry_not_at_n_minus_1() {
    let s = Scenario {
        entry_after_state: true,
        ..Scenario::default()
    };
    match refuse(&s, false) {
        VerifyError::StateEntryNotLast { index, last } => assert_eq!(index + 1, last),
        other => panic!("{other:?}"),
    }
}

#[test]
fn trusted_state_advances_only_on_acceptance() {
    let built = Scenario::default().build();
    let before = built.trusted.clone();
    let accepted = built.verify().expect("accepted");
    let after = accepted.into_trusted_state();
    assert_ne!(after, before);
    let target = built.policy.target();
    assert_eq!(
        after.installed(target).map(ToString::to_string).as_deref(),
        Some("2.0.0")
    );

    // With the advanced state, the same bundle is now a reinstall: refused,
    // and a refusal hands back no state at all.
    let again = sightline_client::verify_release(
        &built.artifact,
        &built.bundle,
        &built.policy,
        built.now,
        &after,
    );
    assert!(matches!(again, Err(VerifyError::NotNewer { .. })));

    // The advanced state still accepts a newer release from a larger tree.
    let newer = Scenario {
        version: "2.1.0",
        ..Scenario::default()
    }
    .build();
    // The fixture's second log is another tree of the same size, so only
    // the installed version carries over (the checkpoint would be a split
    // view, tested below).
    let mut state = sightline_client::TrustedState::new();
    for (t, v) in after.installed_versions() {
        state.set_installed(t.clone(), v.clone());
    }
    let accepted = sightline_client::verify_release(
        &newer.artifact,
        &newer.bundle,
        &newer.policy,
        newer.now,
        &state,
    )
    .expect("newer version accepted");
    assert_eq!(
        accepted
            .trusted_state()
            .installed(target)
            .map(ToString::to_string)
            .as_deref(),
        Some("2.1.0")
    );
}

#[test]
fn same_size_with_another_root_is_a_split_view() {
    let built = Scenario::default().build();
    let accepted = built.verify().expect("accepted");
    let trusted = accepted
        .trusted_state()
        .checkpoint()
        .expect("checkpoint")
        .clone();
    // A different log history of the same size: another artifact.
    let other = Scenario {
        artifact: b"other".to_vec(),
        ..Scenario::default()
    }
    .build();
    let mut state = sightline_client::TrustedState::new();
    state.set_checkpoint(trusted);
    let err = sightline_client::verify_release(
        &other.artifact,
        &other.bundle,
        &other.policy,
        other.now,
        &state,
    )
    .expect_err("split view");
    assert!(matches!(err, VerifyError::TrustedRootMismatch { .. }));
}
