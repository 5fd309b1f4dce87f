//! Property tests for release bundles: random trees and entry sets, with the
//! tree root cross-checked against rs_merkle (an independent RFC 6962
//! implementation, given 0x00/0x01 domain separation), exact encode/parse
//! round trips, inclusion verification, and tamper detection naming the
//! tampered entry.

use proptest::prelude::*;
use rs_merkle::{Hasher, MerkleTree};
use sha2::{Digest, Sha256};

use sightline_proofs::ProofsError;
use sightline_proofs::bundle::{Bundle, BundleEntry};
use sightline_proofs::checkpoint::{Checkpoint, Origin, sign_checkpoint};
use sightline_proofs::hash::{Hash, leaf_hash};
use sightline_proofs::inclusion::build_inclusion_proof;
use sightline_proofs::node_reader::MemoryNodeReader;
use sightline_proofs::note::{KeyName, KeyType, SignerKey};
use sightline_proofs::root::RootHash;

/// RFC 6962 interior hashing for rs_merkle. Leaves are passed in already
/// hashed; rs_merkle carries a lone right-edge node up unchanged, which
/// yields the RFC 6962 shape (split at the largest power of two below n).
#[derive(Clone)]
struct Rfc6962;

impl Hasher for Rfc6962 {
    type Hash = [u8; 32];

    fn hash(data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    fn concat_and_hash(left: &[u8; 32], right: Option<&[u8; 32]>) -> [u8; 32] {
        match right {
            Some(right) => {
                let mut h = Sha256::new();
                h.update([0x01]);
                h.update(left);
                h.update(right);
                h.finalize().into()
            }
            None => *left,
        }
    }
}

fn log_key() -> SignerKey {
    SignerKey::from_seed(
        KeyName::new("example.com/log").unwrap(),
        KeyType::Ed25519,
        [9; 32],
    )
    .unwrap()
}

/// A random tree of entries and a bundle for a random subset of it.
fn arb_case() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<u64>)> {
    (1u64..300)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(prop::collection::vec(any::<u8>(), 1..64), n as usize),
                prop::collection::btree_set(0..n, 1..=(n as usize).min(8)),
            )
        })
        .prop_map(|(entries, picked)| (entries, picked.into_iter().collect()))
}

/// Builds the bundle and returns it with its tree head.
fn build(entries: &[Vec<u8>], picked: &[u64]) -> (Bundle, RootHash) {
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let n = leaves.len() as u64;
    let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
    let root = tree.root(n).unwrap();
    let cp = Checkpoint::new(Origin::new("example.com/log").unwrap(), n, *root.hash()).unwrap();
    let note = sign_checkpoint(&cp, &log_key()).unwrap().to_bytes();
    let bundle_entries = picked
        .iter()
        .map(|&i| {
            let path = build_inclusion_proof(&tree, i, n).unwrap().into_path();
            BundleEntry::new(i, entries[i as usize].clone(), path).unwrap()
        })
        .collect();
    (Bundle::new(bundle_entries, note).unwrap(), root)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn bundles_round_trip_and_verify((entries, picked) in arb_case()) {
        let (bundle, root) = build(&entries, &picked);

        // The root agrees with the independent implementation.
        let leaves: Vec<[u8; 32]> = entries.iter().map(|e| *leaf_hash(e).as_bytes()).collect();
        let reference = MerkleTree::<Rfc6962>::from_leaves(&leaves).root().unwrap();
        prop_assert_eq!(root.hash().as_bytes(), &reference);

        let encoded = bundle.encode();
        let parsed = Bundle::parse(&encoded).unwrap();
        prop_assert_eq!(&parsed, &bundle);
        prop_assert_eq!(parsed.encode(), encoded);
        prop_assert_eq!(parsed.verify_inclusions(&root), Ok(()));
        for &i in &picked {
            prop_assert_eq!(parsed.entry(i).map(BundleEntry::bytes), Some(&entries[i as usize][..]));
        }
    }

    #[test]
    fn a_tampered_entry_is_named(
        (entries, picked) in arb_case(),
        which in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let (bundle, root) = build(&entries, &picked);
        let victim = which.index(picked.len());
        let tampered: Vec<BundleEntry> = bundle
            .entries()
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let mut bytes = e.bytes().to_vec();
                if k == victim {
                    bytes[0] ^= 1 << bit;
                }
                BundleEntry::new(e.index(), bytes, e.path().to_vec()).unwrap()
            })
            .collect();
        let tampered = Bundle::new(tampered, bundle.checkpoint_note().to_vec()).unwrap();
        let result = tampered.verify_inclusions(&root);
        prop_assert_eq!(
            result,
            Err(ProofsError::BundleEntryNotIncluded {
                index: picked[victim],
                error: Box::new(ProofsError::InclusionRootMismatch),
            })
        );
    }

    #[test]
    fn mutated_bundles_never_panic_and_stay_exact(
        (entries, picked) in arb_case(),
        pos in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let (bundle, root) = build(&entries, &picked);
        let mut bytes = bundle.encode();
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        if let Ok(parsed) = Bundle::parse(&bytes) {
            // Whatever parses re-encodes to exactly the same bytes.
            prop_assert_eq!(parsed.encode(), bytes);
            let _ = parsed.verify_inclusions(&root);
        }
    }
}

#[test]
fn bundle_limits() {
    let (bundle, _) = build(&[vec![1], vec![2]], &[0, 1]);
    let note = bundle.checkpoint_note().to_vec();
    let entry = |i| BundleEntry::new(i, vec![7], Vec::new()).unwrap();
    assert_eq!(
        Bundle::new(Vec::new(), note.clone()),
        Err(ProofsError::BundleNoEntries)
    );
    let many: Vec<BundleEntry> = (0..=sightline_proofs::bundle::MAX_BUNDLE_ENTRIES as u64)
        .map(entry)
        .collect();
    assert_eq!(
        Bundle::new(many, note.clone()),
        Err(ProofsError::BundleTooManyEntries(
            sightline_proofs::bundle::MAX_BUNDLE_ENTRIES
        ))
    );
    assert_eq!(
        Bundle::new(vec![entry(2), entry(1)], note.clone()),
        Err(ProofsError::BundleNotAscending(1))
    );
    assert_eq!(
        Bundle::new(vec![entry(2), entry(2)], note.clone()),
        Err(ProofsError::BundleDuplicateEntry(2))
    );
    assert!(matches!(
        Bundle::new(vec![entry(0)], b"not a note".to_vec()),
        Err(ProofsError::BundleBadCheckpoint(_))
    ));
    // 256 maximal entries would encode to about 22 MiB: over the limit.
    let big: Vec<BundleEntry> = (0..80)
        .map(|i| BundleEntry::new(i, vec![0; 65_535], Vec::new()).unwrap())
        .collect();
    assert_eq!(
        Bundle::new(big, note),
        Err(ProofsError::BundleTooLarge(
            sightline_proofs::bundle::MAX_BUNDLE_BYTES
        ))
    );
    // An entry line over the size limit is refused before decoding.
    let huge = format!("sightline/v1 bundle\nentry 0 {}\n\n", "A".repeat(87_384));
    assert_eq!(
        Bundle::parse(huge.as_bytes()),
        Err(ProofsError::BundleEntryTooLarge(0))
    );
}
