//! Property test: for random group structures and random sets of real
//! cosignatures, `Policy::verify_checkpoint` agrees with a naive recursive
//! evaluator of the tlog-policy group semantics written here from the spec
//! text, including the quorum time (the largest cut-off time at which the
//! cosignatures at or after it still meet the quorum).

use std::collections::BTreeMap;

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use sightline_proofs::ProofsError;
use sightline_proofs::checkpoint::{Checkpoint, Origin, sign_checkpoint};
use sightline_proofs::cosignature::cosign;
use sightline_proofs::hash::Hash;
use sightline_proofs::note::{KeyName, KeyType, SignerKey};
use sightline_proofs::policy::{DeviceTarget, Policy, PolicyBuilder, PolicyName, Threshold};

const WITNESSES: u8 = 6;

fn signer(name: &str, key_type: KeyType, seed: u8) -> SignerKey {
    SignerKey::from_seed(KeyName::new(name).unwrap(), key_type, [seed; 32]).unwrap()
}

/// Whether `name` is satisfied when the witnesses in `present` cosigned,
/// straight from tlog-policy: a witness is satisfied if it cosigned; a group
/// if at least k of its members are.
fn satisfied(policy: &Policy, name: &PolicyName, present: &[bool]) -> bool {
    if let Some(i) = policy.witnesses().iter().position(|w| w.name() == name) {
        return present[i];
    }
    let group = policy.groups().iter().find(|g| g.name() == name).unwrap();
    let met = group
        .members()
        .iter()
        .filter(|m| satisfied(policy, m, present))
        .count();
    met >= group.required()
}

/// A random policy over `WITNESSES` witnesses with random nested groups.
fn random_policy(rng: &mut StdRng, witnesses: &[SignerKey]) -> Policy {
    let mut b = PolicyBuilder::new();
    b.log(
        signer("example.com/log", KeyType::Ed25519, 200).verifier(),
        None,
    )
    .unwrap();
    let mut names: Vec<PolicyName> = Vec::new();
    for (i, w) in witnesses.iter().enumerate() {
        let name = PolicyName::new(format!("W{i}").as_bytes()).unwrap();
        b.witness(name.clone(), w.verifier(), None).unwrap();
        names.push(name);
    }
    for g in 0..rng.gen_range(0..5) {
        let mut members = names.clone();
        members.shuffle(rng);
        members.truncate(rng.gen_range(1..=members.len().min(5)));
        let threshold = match rng.gen_range(0..3) {
            0 => Threshold::All,
            1 => Threshold::Any,
            _ => Threshold::AtLeast(rng.gen_range(1..=members.len())),
        };
        let name = PolicyName::new(format!("G{g}").as_bytes()).unwrap();
        b.group(name.clone(), threshold, members).unwrap();
        names.push(name);
    }
    if rng.gen_bool(0.1) {
        b.quorum(None).unwrap();
    } else {
        // Prefer the last group, which tends to be the most nested.
        let q = if rng.gen_bool(0.7) {
            names.last().unwrap().clone()
        } else {
            names[rng.gen_range(0..names.len())].clone()
        };
        b.quorum(Some(q)).unwrap();
    }
    b.root(signer("root", KeyType::Ed25519, 201).verifier())
        .unwrap();
    b.root_threshold(1).unwrap();
    b.approvals(0).unwrap();
    b.target(DeviceTarget::new("t").unwrap()).unwrap();
    b.max_age(60).unwrap();
    b.build().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn verify_checkpoint_matches_the_naive_evaluator(seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let witnesses: Vec<SignerKey> = (0..WITNESSES)
            .map(|i| signer(&format!("w{i}.example"), KeyType::CosignatureV1, i))
            .collect();
        let stranger = signer("stranger.example", KeyType::CosignatureV1, 99);
        let policy = random_policy(&mut rng, &witnesses);

        // Random cosigners with random times (small range, so ties happen).
        let root = Hash::new([7; 32]);
        let cp = Checkpoint::new(Origin::new("example.com/log").unwrap(), 5, root).unwrap();
        let mut note = sign_checkpoint(&cp, &signer("example.com/log", KeyType::Ed25519, 200)).unwrap();
        let mut times: BTreeMap<usize, u64> = BTreeMap::new();
        for (i, w) in witnesses.iter().enumerate() {
            if rng.gen_bool(0.6) {
                let t = rng.gen_range(0..5);
                note.push_signature(cosign(&cp, w, t).unwrap()).unwrap();
                times.insert(i, t);
            }
        }
        if rng.gen_bool(0.5) {
            note.push_signature(cosign(&cp, &stranger, 100).unwrap()).unwrap();
        }

        let result = policy.verify_checkpoint(&note.to_bytes());
        let newest = times.values().copied().max();
        match policy.quorum() {
            None => {
                let info = result.unwrap();
                prop_assert_eq!(info.quorum().quorum_time(), None);
                prop_assert_eq!(info.quorum().newest_time(), newest);
            }
            Some(q) => {
                // The best cut-off: the largest time t such that the
                // witnesses cosigning at or after t meet the quorum.
                let best = times
                    .values()
                    .copied()
                    .filter(|&cut| {
                        let present: Vec<bool> = (0..witnesses.len())
                            .map(|i| times.get(&i).is_some_and(|&t| t >= cut))
                            .collect();
                        satisfied(&policy, q, &present)
                    })
                    .max();
                match best {
                    None => prop_assert_eq!(result, Err(ProofsError::QuorumNotMet)),
                    Some(best) => {
                        let info = result.unwrap();
                        prop_assert_eq!(info.quorum().quorum_time(), Some(best));
                        prop_assert_eq!(info.quorum().newest_time(), newest);
                        prop_assert_eq!(info.quorum().cosigners().len(), times.len());
                    }
                }
            }
        }
    }
}
