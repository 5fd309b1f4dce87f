//! Quorum evaluation on real checkpoints: a log key signs a checkpoint,
//! witness keys made with `SignerKey::from_seed` cosign it, and
//! `Policy::verify_checkpoint` must accept or reject exactly as
//! c2sp.org/tlog-policy and DESIGN §6 say.

use std::fmt::Write as _;

use sightline_proofs::ProofsError;
use sightline_proofs::checkpoint::{Checkpoint, Origin, sign_checkpoint};
use sightline_proofs::cosignature::cosign;
use sightline_proofs::hash::Hash;
use sightline_proofs::note::{KeyName, KeyType, Note, NoteSignature, SignerKey};
use sightline_proofs::policy::Policy;

const ORIGIN: &str = "example.com/log42";

/// The digest §8.5 log key: seed 0x00..0x1f.
fn log_key() -> SignerKey {
    let mut seed = [0u8; 32];
    for (i, b) in (0u8..).zip(seed.iter_mut()) {
        *b = i;
    }
    SignerKey::from_seed(KeyName::new(ORIGIN).unwrap(), KeyType::Ed25519, seed).unwrap()
}

fn witness(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(
        KeyName::new(name).unwrap(),
        KeyType::CosignatureV1,
        [seed; 32],
    )
    .unwrap()
}

fn root_key() -> SignerKey {
    SignerKey::from_seed(KeyName::new("root").unwrap(), KeyType::Ed25519, [0xee; 32]).unwrap()
}

/// The 8-leaf tree of digest §8.2.
fn checkpoint() -> Checkpoint {
    let root = Hash::from_base64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=").unwrap();
    Checkpoint::new(Origin::new(ORIGIN).unwrap(), 8, root).unwrap()
}

/// The checkpoint signed by the log and cosigned by `cosigners` at the
/// given times.
fn note(cosigners: &[(&SignerKey, u64)]) -> Vec<u8> {
    let cp = checkpoint();
    let mut note = sign_checkpoint(&cp, &log_key()).unwrap();
    for (w, t) in cosigners {
        note.push_signature(cosign(&cp, w, *t).unwrap()).unwrap();
    }
    note.to_bytes()
}

/// A policy with the log, the given tlog-policy lines, and fixed Sightline
/// lines (max-age 1000).
fn policy(lines: &str) -> Policy {
    let text = format!(
        "log {}\n{lines}root {}\nroot-threshold 1\napprovals 1\ntarget acme/t3\nmax-age 1000\n",
        log_key().verifier(),
        root_key().verifier()
    );
    Policy::parse(text.as_bytes()).unwrap()
}

/// Witness lines for the witnesses, labelled as given.
fn witness_lines(ws: &[(&str, &SignerKey)]) -> String {
    let mut out = String::new();
    for (label, w) in ws {
        writeln!(out, "witness {label} {}", w.verifier()).unwrap();
    }
    out
}

#[test]
fn single_witness_quorum_met() {
    let w1 = witness("w1.example", 1);
    let p = policy(&(witness_lines(&[("W1", &w1)]) + "quorum W1\n"));
    let v = p.verify_checkpoint(&note(&[(&w1, 1_700_000_000)])).unwrap();
    assert_eq!(v.checkpoint(), &checkpoint());
    assert_eq!(v.root_hash(), checkpoint().root_hash());
    assert_eq!(v.log_keys(), &[log_key().verifier()]);
    assert_eq!(v.quorum().quorum_time(), Some(1_700_000_000));
    assert_eq!(v.quorum().newest_time(), Some(1_700_000_000));
    let cosigners = v.quorum().cosigners();
    assert_eq!(cosigners.len(), 1);
    assert_eq!(cosigners[0].0.as_bytes(), b"W1");
    assert_eq!(cosigners[0].1, 1_700_000_000);
}

#[test]
fn quorum_not_met() {
    let ws: Vec<SignerKey> = (1..=3)
        .map(|i| witness(&format!("w{i}.example"), i))
        .collect();
    let p = policy(
        &(witness_lines(&[("A", &ws[0]), ("B", &ws[1]), ("C", &ws[2])])
            + "group G 2 A B C\nquorum G\n"),
    );
    // No cosignature, then one of the two required.
    assert_eq!(
        p.verify_checkpoint(&note(&[])),
        Err(ProofsError::QuorumNotMet)
    );
    assert_eq!(
        p.verify_checkpoint(&note(&[(&ws[1], 10)])),
        Err(ProofsError::QuorumNotMet)
    );
    // Two of three suffice, any two.
    assert!(
        p.verify_checkpoint(&note(&[(&ws[0], 10), (&ws[2], 10)]))
            .is_ok()
    );
    assert!(
        p.verify_checkpoint(&note(&[(&ws[2], 10), (&ws[1], 10)]))
            .is_ok()
    );
}

#[test]
fn forged_cosignature_from_a_known_witness_rejects_the_note() {
    let w1 = witness("w1.example", 1);
    let w2 = witness("w2.example", 2);
    let p = policy(&(witness_lines(&[("W1", &w1), ("W2", &w2)]) + "group G any W1 W2\nquorum G\n"));
    let cp = checkpoint();
    let good = cosign(&cp, &w1, 50).unwrap();
    let mut payload = good.signature().to_vec();
    let last = payload.len() - 1;
    payload[last] ^= 1;
    let forged = NoteSignature::new(good.name().clone(), good.key_id(), payload).unwrap();

    let mut n = sign_checkpoint(&cp, &log_key()).unwrap();
    n.push_signature(cosign(&cp, &w2, 60).unwrap()).unwrap();
    n.push_signature(forged).unwrap();
    // W2's valid cosignature alone would meet `any`, but a known witness's
    // bad line is an error, not something to skip.
    assert_eq!(
        p.verify_checkpoint(&n.to_bytes()),
        Err(ProofsError::BadSignature {
            key_id: w1.key_id()
        })
    );

    // A cosignature over a different time than the one it states is forged too.
    let other_time = cosign(&cp, &w1, 51).unwrap();
    let mut payload = good.signature().to_vec();
    payload[..8].copy_from_slice(&other_time.signature()[..8]);
    let retimed = NoteSignature::new(good.name().clone(), good.key_id(), payload).unwrap();
    let mut n = sign_checkpoint(&cp, &log_key()).unwrap();
    n.push_signature(retimed).unwrap();
    assert_eq!(
        p.verify_checkpoint(&n.to_bytes()),
        Err(ProofsError::BadSignature {
            key_id: w1.key_id()
        })
    );
}

#[test]
fn unknown_witnesses_are_ignored() {
    let w1 = witness("w1.example", 1);
    let stranger = witness("stranger.example", 9);
    // Same key name as w1 but another key: its key ID differs, so its line
    // matches no policy witness and is ignored, not treated as forged.
    let impostor = witness("w1.example", 10);
    assert_ne!(impostor.key_id(), w1.key_id());
    let p = policy(&(witness_lines(&[("W1", &w1)]) + "quorum W1\n"));

    let v = p
        .verify_checkpoint(&note(&[(&stranger, 5), (&w1, 7), (&impostor, 9)]))
        .unwrap();
    assert_eq!(v.quorum().cosigners().len(), 1);
    assert_eq!(v.quorum().newest_time(), Some(7));
    assert_eq!(
        p.verify_checkpoint(&note(&[(&stranger, 5), (&impostor, 9)])),
        Err(ProofsError::QuorumNotMet)
    );
}

#[test]
fn labels_are_not_key_names() {
    // The label "w2.example" is given to w1's key: cosignatures are matched
    // by key, so w1's cosignature counts for that label, and w2 (whose key
    // name equals the label) is a stranger.
    let w1 = witness("w1.example", 1);
    let w2 = witness("w2.example", 2);
    let p = policy(&(witness_lines(&[("w2.example", &w1)]) + "quorum w2.example\n"));
    let v = p.verify_checkpoint(&note(&[(&w1, 3)])).unwrap();
    assert_eq!(v.quorum().cosigners()[0].0.as_bytes(), b"w2.example");
    assert_eq!(
        p.verify_checkpoint(&note(&[(&w2, 3)])),
        Err(ProofsError::QuorumNotMet)
    );
}

#[test]
fn nested_groups_as_in_the_tlog_policy_example() {
    // Two of the X witnesses and one of the Y witnesses.
    let x: Vec<SignerKey> = (1..=3)
        .map(|i| witness(&format!("x{i}.example"), i))
        .collect();
    let y: Vec<SignerKey> = (1..=3)
        .map(|i| witness(&format!("y{i}.example"), 10 + i))
        .collect();
    let lines = witness_lines(&[
        ("X1", &x[0]),
        ("X2", &x[1]),
        ("X3", &x[2]),
        ("Y1", &y[0]),
        ("Y2", &y[1]),
        ("Y3", &y[2]),
    ]) + "group X-witnesses 2 X1 X2 X3\ngroup Y-witnesses any Y1 Y2 Y3\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n";
    let p = policy(&lines);

    let ok = |cos: &[(&SignerKey, u64)]| p.verify_checkpoint(&note(cos)).map(|_| ());
    assert_eq!(ok(&[(&x[0], 1), (&x[2], 1), (&y[1], 1)]), Ok(()));
    assert_eq!(
        ok(&[(&x[0], 1), (&x[1], 1), (&x[2], 1), (&y[2], 1)]),
        Ok(())
    );
    // Enough X but no Y; enough Y but one X; everything but X.
    assert_eq!(
        ok(&[(&x[0], 1), (&x[1], 1), (&x[2], 1)]),
        Err(ProofsError::QuorumNotMet)
    );
    assert_eq!(
        ok(&[(&x[1], 1), (&y[0], 1), (&y[1], 1), (&y[2], 1)]),
        Err(ProofsError::QuorumNotMet)
    );
    assert_eq!(
        ok(&[(&y[0], 1), (&y[1], 1), (&y[2], 1)]),
        Err(ProofsError::QuorumNotMet)
    );
}

#[test]
fn quorum_none_needs_no_cosignature_but_proves_no_freshness() {
    let w1 = witness("w1.example", 1);
    let p = policy(&(witness_lines(&[("W1", &w1)]) + "quorum none\n"));
    let v = p.verify_checkpoint(&note(&[])).unwrap();
    assert_eq!(v.quorum().quorum_time(), None);
    assert_eq!(v.quorum().newest_time(), None);
    assert_eq!(
        p.check_max_age(v.quorum(), 0),
        Err(ProofsError::NoCosignatureTime)
    );
    // Known witnesses' cosignatures are still checked and reported.
    let v = p.verify_checkpoint(&note(&[(&w1, 4)])).unwrap();
    assert_eq!(v.quorum().newest_time(), Some(4));
    assert_eq!(v.quorum().quorum_time(), None);
    // And a forged one still rejects the note.
    let cp = checkpoint();
    let good = cosign(&cp, &w1, 4).unwrap();
    let mut payload = good.signature().to_vec();
    payload[20] ^= 0x80;
    let mut n = sign_checkpoint(&cp, &log_key()).unwrap();
    n.push_signature(NoteSignature::new(good.name().clone(), good.key_id(), payload).unwrap())
        .unwrap();
    assert!(matches!(
        p.verify_checkpoint(&n.to_bytes()),
        Err(ProofsError::BadSignature { .. })
    ));
}

#[test]
fn quorum_time_is_the_oldest_of_the_freshest_quorum() {
    let ws: Vec<SignerKey> = (1..=3)
        .map(|i| witness(&format!("w{i}.example"), i))
        .collect();
    let labels = witness_lines(&[("A", &ws[0]), ("B", &ws[1]), ("C", &ws[2])]);
    let cos = [(&ws[0], 100), (&ws[1], 300), (&ws[2], 200)];

    let two = policy(&(labels.clone() + "group G 2 A B C\nquorum G\n"));
    let info = two.verify_checkpoint(&note(&cos)).unwrap().quorum().clone();
    // The freshest two are B (300) and C (200).
    assert_eq!(info.quorum_time(), Some(200));
    assert_eq!(info.newest_time(), Some(300));

    let all = policy(&(labels.clone() + "group G all A B C\nquorum G\n"));
    let info = all.verify_checkpoint(&note(&cos)).unwrap().quorum().clone();
    assert_eq!(info.quorum_time(), Some(100));

    // A witness cosigning twice counts once, at its newest time.
    let one = policy(&(labels + "quorum A\n"));
    let info = one
        .verify_checkpoint(&note(&[(&ws[0], 100), (&ws[0], 150)]))
        .unwrap()
        .quorum()
        .clone();
    assert_eq!(info.quorum_time(), Some(150));
    assert_eq!(info.cosigners().len(), 1);
}

#[test]
fn max_age_is_checked_against_the_quorum_time() {
    let ws: Vec<SignerKey> = (1..=2)
        .map(|i| witness(&format!("w{i}.example"), i))
        .collect();
    let p =
        policy(&(witness_lines(&[("A", &ws[0]), ("B", &ws[1])]) + "group G all A B\nquorum G\n"));
    let v = p
        .verify_checkpoint(&note(&[(&ws[0], 5_000), (&ws[1], 9_000)]))
        .unwrap();
    let q = v.quorum();
    assert_eq!(q.quorum_time(), Some(5_000));
    // max-age is 1000: exactly 1000 s old is accepted, one more is not.
    assert_eq!(p.check_max_age(q, 6_000), Ok(()));
    assert_eq!(
        p.check_max_age(q, 6_001),
        Err(ProofsError::CheckpointTooOld {
            time: 5_000,
            now: 6_001,
            max_age: 1_000
        })
    );
    // Cosignatures from the device's future are accepted (its clock may lag).
    assert_eq!(p.check_max_age(q, 0), Ok(()));
}

#[test]
fn log_signature_rules() {
    let w1 = witness("w1.example", 1);
    let p = policy(&(witness_lines(&[("W1", &w1)]) + "quorum W1\n"));

    // A checkpoint from a log the policy does not list.
    let other = SignerKey::from_seed(
        KeyName::new("other.example/log").unwrap(),
        KeyType::Ed25519,
        [7; 32],
    )
    .unwrap();
    let cp = Checkpoint::new(
        Origin::new("other.example/log").unwrap(),
        8,
        checkpoint().root(),
    )
    .unwrap();
    let mut n = sign_checkpoint(&cp, &other).unwrap();
    n.push_signature(cosign(&cp, &w1, 1).unwrap()).unwrap();
    assert_eq!(
        p.verify_checkpoint(&n.to_bytes()),
        Err(ProofsError::PolicyUnknownLog)
    );

    // The policy's origin, signed by another key of the same name: the
    // signature line matches no policy key, so the note is unverified.
    let rogue =
        SignerKey::from_seed(KeyName::new(ORIGIN).unwrap(), KeyType::Ed25519, [8; 32]).unwrap();
    let cp = checkpoint();
    let mut n = sign_checkpoint(&cp, &rogue).unwrap();
    n.push_signature(cosign(&cp, &w1, 1).unwrap()).unwrap();
    assert_eq!(
        p.verify_checkpoint(&n.to_bytes()),
        Err(ProofsError::NoteUnverified)
    );

    // Cosignatures alone are not a log signature.
    let mut n = Note::new(&cp.to_text()).unwrap();
    n.push_signature(cosign(&cp, &w1, 1).unwrap()).unwrap();
    assert_eq!(
        p.verify_checkpoint(&n.to_bytes()),
        Err(ProofsError::NoteUnverified)
    );

    // A tampered tree size breaks the log signature.
    let good = note(&[(&w1, 1)]);
    let tampered = String::from_utf8(good)
        .unwrap()
        .replacen("\n8\n", "\n9\n", 1);
    assert_eq!(
        p.verify_checkpoint(tampered.as_bytes()),
        Err(ProofsError::BadSignature {
            key_id: log_key().key_id()
        })
    );

    // Not a note at all.
    assert!(p.verify_checkpoint(b"not a note").is_err());
}
