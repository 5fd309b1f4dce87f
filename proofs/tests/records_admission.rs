//! Admission rules (DESIGN §4): each rule broken once, with real keys and
//! signed notes, and checked for its own error variant.

mod records_common;

use records_common::*;
use sightline_proofs::ProofsError;
use sightline_proofs::note::{KeyName, KeyType, Note, SignerKey};
use sightline_proofs::record::{
    Approval, KeyAction, KeyRole, Pause, Reason, Record, ReleaseRef, Resume, Rollout, SignedRecord,
    Token,
};
use sightline_proofs::state::AdmissionRules;

fn two_roots(k: &Keys) -> Vec<&SignerKey> {
    k.roots.iter().take(2).collect()
}

fn approval(r: ReleaseRef) -> Record {
    Record::Approval(Approval::new(r, Token::new("security").unwrap(), ts(T0)))
}

fn rollout(r: ReleaseRef, targets: &[&str]) -> Record {
    Record::Rollout(Rollout::new(r, targets.iter().map(|t| pat(t)).collect(), ts(T0)).unwrap())
}

fn pause(target: &str) -> Record {
    Record::Pause(Pause::new(
        pat(target),
        Reason::new("boot loop").unwrap(),
        ts(T0),
    ))
}

fn resume(target: &str) -> Record {
    Record::Resume(Resume::new(
        pat(target),
        Reason::new("fixed").unwrap(),
        ts(T0),
    ))
}

#[track_caller]
fn refused(log: &Log, entry: &[u8], err: ProofsError) {
    assert_eq!(log.admit(entry).map(|_| ()), Err(err));
}

#[test]
fn happy_path_admits_every_kind() {
    let (k, mut log) = populated();
    let r = log.release_ref(4);
    let a = log.append(&sign(&approval(r), &[&k.approver])).unwrap();
    assert_eq!(a, 5);
    log.append(&sign(&rollout(r, &["acme/thermostat/t3"]), &[&k.operator]))
        .unwrap();
    let admitted = log
        .admit(&sign(&pause("acme/thermostat/*"), &[&k.breakglass]))
        .unwrap();
    assert_eq!(admitted.signers(), &[k.breakglass.verifier()]);
    assert_eq!(admitted.index(), 7);
    log.append(&sign(&pause("acme/thermostat/*"), &[&k.breakglass]))
        .unwrap();
    log.append(&sign(&resume("acme/thermostat/*"), &two_roots(&k)))
        .unwrap();
    // A root key alone may pause anything.
    log.append(&sign(&pause("*"), &[&k.roots[2]])).unwrap();
    assert_eq!(log.state.paused_at(&pat("*")), Some(9));
}

#[test]
fn grammar_and_state_records_are_refused() {
    let (k, log) = populated();
    refused(&log, b"not a note", ProofsError::NoteNoSignatureBlock);
    let mut note = Note::new("sightline/v1 release\nsize 1\n").unwrap();
    note.sign(&k.signer).unwrap();
    refused(
        &log,
        &note.to_bytes(),
        ProofsError::MissingField { field: "artifact" },
    );
    let state = log.state.sign_state_entry(5, ts(T0), &k.log).unwrap();
    refused(&log, &state.to_bytes(), ProofsError::StateNotAdmissible);
}

#[test]
fn issued_must_be_within_clock_skew() {
    let (k, log) = populated();
    let mut early = release(&["acme/thermostat/*"]);
    early = sightline_proofs::record::Release::new(
        *early.artifact(),
        early.size(),
        early.name().clone(),
        early.version().clone(),
        early.targets().to_vec(),
        ts(T0 - SKEW - 1),
    )
    .unwrap();
    let entry = sign(&Record::Release(early.clone()), &[&k.signer]);
    refused(
        &log,
        &entry,
        ProofsError::IssuedTooOld {
            issued: T0 - SKEW - 1,
            now: T0,
        },
    );
    let rules = rules(&k);
    // At the edge of the skew it is fine.
    assert!(
        log.state
            .admit(&entry, 5, T0 - 1, &rules, &log.releases)
            .is_ok()
    );
    let late = T0 + SKEW + 1;
    let entry = sign(
        &enrol_at(
            &key("eve", 50).verifier(),
            KeyRole::Signer,
            "eve",
            &["x"],
            EXPIRES,
            late,
        ),
        &two_roots(&k),
    );
    refused(
        &log,
        &entry,
        ProofsError::IssuedInFuture {
            issued: late,
            now: T0,
        },
    );
}

#[test]
fn single_signer_kinds_take_exactly_one_signature() {
    let (k, log) = populated();
    let rel = Record::Release(release(&["acme/thermostat/*"]));
    refused(
        &log,
        &sign(&rel, &[&k.signer, &k.approver]),
        ProofsError::WrongSignatureCount {
            kind: "release",
            got: 2,
        },
    );
    let r = log.release_ref(4);
    refused(
        &log,
        &sign(&approval(r), &[&k.approver, &k.roots[0]]),
        ProofsError::WrongSignatureCount {
            kind: "approval",
            got: 2,
        },
    );
    refused(
        &log,
        &sign(&rollout(r, &["acme/thermostat/t3"]), &[&k.operator, &k.log]),
        ProofsError::WrongSignatureCount {
            kind: "rollout",
            got: 2,
        },
    );
    refused(
        &log,
        &sign(&pause("acme/*"), &[&k.breakglass, &k.roots[0]]),
        ProofsError::WrongSignatureCount {
            kind: "pause",
            got: 2,
        },
    );
}

#[test]
fn signer_must_be_enrolled_with_the_right_role_and_scope() {
    let (k, log) = populated();
    let rel = Record::Release(release(&["acme/thermostat/*"]));
    refused(
        &log,
        &sign(&rel, &[&key("mallory", 66)]),
        ProofsError::SignerNotEnrolled,
    );
    // Same name as the signer, different key: the line names no enrolled key.
    refused(
        &log,
        &sign(&rel, &[&key("alice-signing", 67)]),
        ProofsError::SignerNotEnrolled,
    );
    refused(
        &log,
        &sign(&rel, &[&k.approver]),
        ProofsError::SignerWrongRole {
            expected: "signer",
            got: "approver",
        },
    );
    let wide = Record::Release(release(&["acme/thermostat/*", "other/x"]));
    refused(
        &log,
        &sign(&wide, &[&k.signer]),
        ProofsError::TargetOutOfScope {
            target: "other/x".into(),
        },
    );
    let everything = Record::Release(release(&["*"]));
    refused(
        &log,
        &sign(&everything, &[&k.signer]),
        ProofsError::TargetOutOfScope { target: "*".into() },
    );
    let r = log.release_ref(4);
    refused(
        &log,
        &sign(&approval(r), &[&k.operator]),
        ProofsError::SignerWrongRole {
            expected: "approver",
            got: "operator",
        },
    );
    refused(
        &log,
        &sign(&rollout(r, &["acme/thermostat/t3"]), &[&k.signer]),
        ProofsError::SignerWrongRole {
            expected: "operator",
            got: "signer",
        },
    );
    refused(
        &log,
        &sign(&pause("acme/*"), &[&k.signer]),
        ProofsError::SignerWrongRole {
            expected: "breakglass",
            got: "signer",
        },
    );
    refused(
        &log,
        &sign(&pause("beta/*"), &[&k.breakglass]),
        ProofsError::TargetOutOfScope {
            target: "beta/*".into(),
        },
    );
}

#[test]
fn forged_signature_is_refused() {
    let (k, log) = populated();
    let good = sign(
        &Record::Release(release(&["acme/thermostat/*"])),
        &[&k.signer],
    );
    let other = sign(
        &Record::Release(release(&["acme/thermostat/t1"])),
        &[&k.signer],
    );
    // The text of one entry with the signature line of the other.
    let good = String::from_utf8(good).unwrap();
    let other = String::from_utf8(other).unwrap();
    let (text, _) = good.rsplit_once("\n\n").unwrap();
    let (_, sig) = other.rsplit_once("\n\n").unwrap();
    let forged = format!("{text}\n\n{sig}");
    refused(
        &log,
        forged.as_bytes(),
        ProofsError::BadSignature {
            key_id: k.signer.key_id(),
        },
    );
}

#[test]
fn expired_retired_and_revoked_signers_are_refused() {
    let (k, mut log) = populated();
    let roots = two_roots(&k);
    let short = key("frank-signing", 20);
    log.append(&sign(
        &enrol_at(
            &short.verifier(),
            KeyRole::Signer,
            "frank",
            &["acme/*"],
            T0 + 10,
            T0,
        ),
        &roots,
    ))
    .unwrap();
    let rel = sightline_proofs::record::Release::new(
        *release(&["acme/x"]).artifact(),
        1,
        tok("thermo"),
        sightline_proofs::record::Version::new("1.0.0").unwrap(),
        vec![pat("acme/x")],
        ts(T0 + 10),
    )
    .unwrap();
    let entry = sign(&Record::Release(rel), &[&short]);
    let rules = rules(&k);
    assert_eq!(
        log.state
            .admit(&entry, log.next(), T0 + 10, &rules, &log.releases)
            .map(|_| ()),
        Err(ProofsError::SignerExpired)
    );

    let rel = Record::Release(release(&["acme/thermostat/*"]));
    log.append(&sign(
        &unenrol(
            KeyAction::Retire,
            &k.signer.verifier(),
            KeyRole::Signer,
            "alice",
        ),
        &roots,
    ))
    .unwrap();
    refused(&log, &sign(&rel, &[&k.signer]), ProofsError::SignerRetired);
    // Revoke wins over retire, in the state and in the error.
    log.append(&sign(
        &unenrol(
            KeyAction::Revoke,
            &k.signer.verifier(),
            KeyRole::Signer,
            "alice",
        ),
        &roots,
    ))
    .unwrap();
    refused(&log, &sign(&rel, &[&k.signer]), ProofsError::SignerRevoked);
    log.append(&sign(
        &unenrol(
            KeyAction::Revoke,
            &k.operator.verifier(),
            KeyRole::Operator,
            "carol",
        ),
        &roots,
    ))
    .unwrap();
    refused(
        &log,
        &sign(
            &rollout(log.release_ref(4), &["acme/thermostat/t3"]),
            &[&k.operator],
        ),
        ProofsError::SignerRevoked,
    );
}

#[test]
fn references_must_name_a_logged_release() {
    let (k, log) = populated();
    let good = log.release_ref(4);
    let missing = ReleaseRef::new(99, *good.leaf_hash()).unwrap();
    refused(
        &log,
        &sign(&approval(missing), &[&k.approver]),
        ProofsError::ReleaseNotLogged { index: 99 },
    );
    // Index 0 holds a key record, not a release.
    let not_release = ReleaseRef::new(0, *good.leaf_hash()).unwrap();
    refused(
        &log,
        &sign(&approval(not_release), &[&k.approver]),
        ProofsError::ReleaseNotLogged { index: 0 },
    );
    // A reference to the entry's own index cannot be logged yet.
    let own = ReleaseRef::new(5, *good.leaf_hash()).unwrap();
    refused(
        &log,
        &sign(&approval(own), &[&k.approver]),
        ProofsError::ReleaseNotLogged { index: 5 },
    );
    let wrong_hash = ReleaseRef::new(4, sightline_proofs::leaf_hash(b"other")).unwrap();
    refused(
        &log,
        &sign(&approval(wrong_hash), &[&k.approver]),
        ProofsError::ReleaseHashMismatch { index: 4 },
    );
    refused(
        &log,
        &sign(
            &rollout(wrong_hash, &["acme/thermostat/t3"]),
            &[&k.operator],
        ),
        ProofsError::ReleaseHashMismatch { index: 4 },
    );
}

#[test]
fn approvers_and_operators_need_scope_and_rollouts_stay_within_the_release() {
    let (k, mut log) = populated();
    let roots = two_roots(&k);
    let narrow_approver = key("erin-review", 21);
    let narrow_operator = key("gina-ops", 22);
    log.append(&sign(
        &enrol(
            &narrow_approver.verifier(),
            KeyRole::Approver,
            "erin",
            &["beta/*"],
        ),
        &roots,
    ))
    .unwrap();
    log.append(&sign(
        &enrol(
            &narrow_operator.verifier(),
            KeyRole::Operator,
            "gina",
            &["acme/thermostat/t9"],
        ),
        &roots,
    ))
    .unwrap();
    let r = log.release_ref(4);
    refused(
        &log,
        &sign(&approval(r), &[&narrow_approver]),
        ProofsError::TargetOutOfScope {
            target: "acme/thermostat/*".into(),
        },
    );
    refused(
        &log,
        &sign(&rollout(r, &["acme/thermostat/t3"]), &[&narrow_operator]),
        ProofsError::TargetOutOfScope {
            target: "acme/thermostat/t3".into(),
        },
    );
    assert!(
        log.admit(&sign(
            &rollout(r, &["acme/thermostat/t9"]),
            &[&narrow_operator]
        ))
        .is_ok()
    );
    refused(
        &log,
        &sign(&rollout(r, &["acme/lock/l1"]), &[&k.operator]),
        ProofsError::RolloutTargetNotInRelease {
            target: "acme/lock/l1".into(),
        },
    );
    refused(
        &log,
        &sign(&rollout(r, &["acme/thermostat"]), &[&k.operator]),
        ProofsError::RolloutTargetNotInRelease {
            target: "acme/thermostat".into(),
        },
    );
}

#[test]
fn key_and_resume_records_need_a_threshold_of_distinct_roots_only() {
    let (k, mut log) = populated();
    let new_key = key("hank-signing", 23).verifier();
    let rec = enrol(&new_key, KeyRole::Signer, "hank", &["acme/*"]);
    refused(
        &log,
        &sign(&rec, &[&k.roots[0]]),
        ProofsError::RootThresholdNotMet { got: 1, need: 2 },
    );
    refused(
        &log,
        &sign(&rec, &[&k.roots[0], &k.roots[1], &k.signer]),
        ProofsError::NonRootSignature,
    );
    refused(
        &log,
        &sign(&rec, &[&k.signer]),
        ProofsError::NonRootSignature,
    );
    // One root's line twice.
    let signed = SignedRecord::sign(&rec, &[&k.roots[0]]).unwrap();
    let mut note = signed.note().clone();
    note.push_signature(note.signatures()[0].clone()).unwrap();
    refused(&log, &note.to_bytes(), ProofsError::DuplicateRootSignature);
    // A root line whose signature is over another text.
    let other = SignedRecord::sign(
        &enrol(&new_key, KeyRole::Signer, "hank", &["beta/*"]),
        &[&k.roots[1]],
    )
    .unwrap();
    let mut note = signed.note().clone();
    note.push_signature(other.note().signatures()[0].clone())
        .unwrap();
    refused(
        &log,
        &note.to_bytes(),
        ProofsError::BadSignature {
            key_id: k.roots[1].key_id(),
        },
    );
    // All three roots are fine.
    log.append(&sign(&rec, &[&k.roots[0], &k.roots[1], &k.roots[2]]))
        .unwrap();

    log.append(&sign(&pause("acme/*"), &[&k.breakglass]))
        .unwrap();
    refused(
        &log,
        &sign(&resume("acme/*"), &[&k.roots[2]]),
        ProofsError::RootThresholdNotMet { got: 1, need: 2 },
    );
    refused(
        &log,
        &sign(&resume("acme/*"), &[&k.breakglass]),
        ProofsError::NonRootSignature,
    );
    refused(
        &log,
        &sign(
            &resume("acme/*"),
            &[&k.roots[0], &k.roots[1], &k.breakglass],
        ),
        ProofsError::NonRootSignature,
    );
}

#[test]
fn enrolment_rules() {
    let (k, mut log) = populated();
    let roots = two_roots(&k);
    // Enrolled once for life: not again, not even with the same grant.
    refused(
        &log,
        &sign(
            &enrol(&k.signer.verifier(), KeyRole::Signer, "alice", &["acme/*"]),
            &roots,
        ),
        ProofsError::KeyAlreadyEnrolled,
    );
    let fresh = key("ivan-signing", 24).verifier();
    refused(
        &log,
        &sign(
            &enrol_at(&fresh, KeyRole::Signer, "ivan", &["acme/*"], T0, T0),
            &roots,
        ),
        ProofsError::KeyExpiresBeforeIssued,
    );
    // alice is a signer for acme/*: she may not also approve within it...
    let alice_review = key("alice-review", 25).verifier();
    refused(
        &log,
        &sign(
            &enrol(
                &alice_review,
                KeyRole::Approver,
                "alice",
                &["acme/thermostat/*"],
            ),
            &roots,
        ),
        ProofsError::OwnerRoleConflict { role: "signer" },
    );
    refused(
        &log,
        &sign(
            &enrol(&alice_review, KeyRole::Approver, "alice", &["beta/*", "*"]),
            &roots,
        ),
        ProofsError::OwnerRoleConflict { role: "signer" },
    );
    // ...but may elsewhere, and may hold a second signer key.
    assert!(
        log.admit(&sign(
            &enrol(&alice_review, KeyRole::Approver, "alice", &["beta/*"]),
            &roots
        ))
        .is_ok()
    );
    assert!(
        log.admit(&sign(
            &enrol(&alice_review, KeyRole::Signer, "alice", &["acme/*"]),
            &roots
        ))
        .is_ok()
    );
    // Once her signer key is retired, the conflict is gone.
    log.append(&sign(
        &unenrol(
            KeyAction::Retire,
            &k.signer.verifier(),
            KeyRole::Signer,
            "alice",
        ),
        &roots,
    ))
    .unwrap();
    assert!(
        log.admit(&sign(
            &enrol(&alice_review, KeyRole::Approver, "alice", &["acme/*"]),
            &roots
        ))
        .is_ok()
    );
    // A retired key never comes back.
    refused(
        &log,
        &sign(
            &enrol(&k.signer.verifier(), KeyRole::Signer, "alice", &["acme/*"]),
            &roots,
        ),
        ProofsError::KeyAlreadyEnrolled,
    );
}

#[test]
fn key_id_collisions_are_refused() {
    // Two Ed25519 keys named `c` whose 32-bit key IDs collide; found by
    // searching seeds `n.to_be_bytes() || [7; 28]`.
    let (k, mut log) = populated();
    let roots = two_roots(&k);
    let (a, b) = colliding_keys();
    assert_eq!(a.key_id(), 0xcc74_efac);
    assert_eq!(b.key_id(), 0xcc74_efac);
    assert_ne!(a, b);
    log.append(&sign(
        &enrol(&a, KeyRole::Signer, "x1", &["acme/*"]),
        &roots,
    ))
    .unwrap();
    refused(
        &log,
        &sign(&enrol(&b, KeyRole::Signer, "x2", &["acme/*"]), &roots),
        ProofsError::KeyIdCollision,
    );
}

/// Seeds whose keys (name `c`) share a key ID.
fn colliding_keys() -> (
    sightline_proofs::note::VerifierKey,
    sightline_proofs::note::VerifierKey,
) {
    let seed = |n: u32| {
        let mut s = [7u8; 32];
        s[..4].copy_from_slice(&n.to_be_bytes());
        SignerKey::from_seed(KeyName::new("c").unwrap(), KeyType::Ed25519, s)
            .unwrap()
            .verifier()
    };
    (seed(COLLIDING_SEEDS.0), seed(COLLIDING_SEEDS.1))
}

/// Found once by a birthday search over n = 0, 1, 2, ... (about 100,000
/// keys); the key ID both share is `cc74efac`. The test re-derives the keys
/// and checks the collision, so a wrong pair fails loudly.
const COLLIDING_SEEDS: (u32, u32) = (38_415, 99_189);

#[test]
fn retire_and_revoke_rules() {
    let (k, mut log) = populated();
    let roots = two_roots(&k);
    let stranger = key("mallory", 66).verifier();
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Retire, &stranger, KeyRole::Signer, "m"),
            &roots,
        ),
        ProofsError::KeyNotEnrolled,
    );
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Revoke, &stranger, KeyRole::Signer, "m"),
            &roots,
        ),
        ProofsError::KeyNotEnrolled,
    );
    let signer = k.signer.verifier();
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Retire, &signer, KeyRole::Approver, "alice"),
            &roots,
        ),
        ProofsError::KeyRoleMismatch,
    );
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Revoke, &signer, KeyRole::Signer, "alicia"),
            &roots,
        ),
        ProofsError::KeyOwnerMismatch,
    );
    log.append(&sign(
        &unenrol(KeyAction::Retire, &signer, KeyRole::Signer, "alice"),
        &roots,
    ))
    .unwrap();
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Retire, &signer, KeyRole::Signer, "alice"),
            &roots,
        ),
        ProofsError::KeyAlreadyRetired,
    );
    // Revoking a retired key is allowed; after that, nothing more.
    log.append(&sign(
        &unenrol(KeyAction::Revoke, &signer, KeyRole::Signer, "alice"),
        &roots,
    ))
    .unwrap();
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Revoke, &signer, KeyRole::Signer, "alice"),
            &roots,
        ),
        ProofsError::KeyAlreadyRevoked,
    );
    refused(
        &log,
        &sign(
            &unenrol(KeyAction::Retire, &signer, KeyRole::Signer, "alice"),
            &roots,
        ),
        ProofsError::KeyAlreadyRevoked,
    );
    assert_eq!(log.state.retired_at(&signer), Some(5));
    assert_eq!(log.state.revoked_at(&signer), Some(6));
}

#[test]
fn pause_and_resume_rules() {
    let (k, mut log) = populated();
    refused(
        &log,
        &sign(&resume("acme/*"), &two_roots(&k)),
        ProofsError::PatternNotPaused,
    );
    log.append(&sign(&pause("acme/*"), &[&k.breakglass]))
        .unwrap();
    refused(
        &log,
        &sign(&pause("acme/*"), &[&k.roots[0]]),
        ProofsError::PatternAlreadyPaused,
    );
    // Resume names the paused pattern exactly.
    refused(
        &log,
        &sign(&resume("acme/thermostat/*"), &two_roots(&k)),
        ProofsError::PatternNotPaused,
    );
}

#[test]
fn apply_checks_index_and_transition() {
    let (k, mut log) = populated();
    let a = log
        .admit(&sign(&pause("acme/*"), &[&k.breakglass]))
        .unwrap();
    let b = log.admit(&sign(&pause("acme/*"), &[&k.roots[0]])).unwrap();
    let before = log.state.clone();
    assert_eq!(
        log.state.apply(6, &a),
        Err(ProofsError::AdmittedIndexMismatch {
            admitted: 5,
            index: 6
        })
    );
    assert_eq!(log.state, before);
    log.state.apply(5, &a).unwrap();
    // `b` was admitted against the old state; applying it now is refused.
    let after = log.state.clone();
    assert_eq!(
        log.state.apply(5, &b),
        Err(ProofsError::PatternAlreadyPaused)
    );
    assert_eq!(log.state, after);
}

#[test]
fn admission_rules_are_validated() {
    let k = keys();
    let roots: Vec<_> = k.roots.iter().map(SignerKey::verifier).collect();
    assert_eq!(
        AdmissionRules::new(roots.clone(), 0, 1),
        Err(ProofsError::BadRootThreshold)
    );
    assert_eq!(
        AdmissionRules::new(roots.clone(), 4, 1),
        Err(ProofsError::BadRootThreshold)
    );
    assert_eq!(
        AdmissionRules::new(vec![], 1, 1),
        Err(ProofsError::BadRootThreshold)
    );
    assert_eq!(
        AdmissionRules::new(vec![roots[0].clone(), roots[0].clone()], 1, 1),
        Err(ProofsError::DuplicateRootKey)
    );
    let cosigner =
        SignerKey::from_seed(KeyName::new("w").unwrap(), KeyType::CosignatureV1, [5; 32]).unwrap();
    assert_eq!(
        AdmissionRules::new(vec![cosigner.verifier()], 1, 1),
        Err(ProofsError::RecordKeyNotEd25519)
    );
    let rules = AdmissionRules::new(roots.clone(), 3, 60).unwrap();
    assert_eq!(
        (
            rules.roots(),
            rules.root_threshold(),
            rules.clock_skew_secs()
        ),
        (roots.as_slice(), 3, 60)
    );
}
