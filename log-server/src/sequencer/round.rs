//! The pure part of a sequencing round (STYLE §9): from the tree state and
//! the round's entries to the new tree state, the changed tiles, the new
//! root and its signed checkpoint. No async, no storage, no clock.

use sightline_proofs::tile_builder::TileContents;
use sightline_proofs::{
    Checkpoint, Hash, Origin, ProofsError, RootHash, SignerKey, TileBuilder,
    checkpoint::sign_checkpoint_bytes, leaf_hash,
};

/// What a round computes.
#[derive(Clone, Debug)]
pub struct RoundOutput {
    /// The tree state after the round.
    pub tree: TileBuilder,
    /// The leaf hash of each entry, in order.
    pub leaf_hashes: Vec<Hash>,
    /// Every tile whose contents changed, with its full new contents.
    pub tiles: Vec<TileContents>,
    /// The new root.
    pub root: RootHash,
    /// The signed checkpoint note for the new root (DESIGN §3: no
    /// extension lines, key named by the origin).
    pub checkpoint: Vec<u8>,
}

/// Appends `entries` to a copy of `tree` and signs the new checkpoint.
///
/// `tree` itself is untouched, so a round that fails to commit leaves the
/// sequencer's state as it was.
///
/// # Errors
/// [`ProofsError::TreeSizeTooLarge`] past 2^63 - 1 leaves;
/// [`ProofsError::CheckpointKeyNameMismatch`] if `key` is not named by `origin`.
pub fn compute_round(
    tree: &TileBuilder,
    entries: &[Vec<u8>],
    origin: &Origin,
    key: &SignerKey,
) -> Result<RoundOutput, ProofsError> {
    let leaf_hashes: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let mut tree = tree.clone();
    let appended = tree.append(&leaf_hashes)?;
    let root = *appended.root();
    let checkpoint = Checkpoint::new(origin.clone(), root.size(), *root.hash())?;
    let checkpoint = sign_checkpoint_bytes(&checkpoint, key)?;
    Ok(RoundOutput {
        tree,
        leaf_hashes,
        tiles: appended.into_tiles(),
        root,
        checkpoint,
    })
}

#[cfg(test)]
mod tests {
    use sightline_proofs::tile::new_tiles;
    use sightline_proofs::{KeyType, node_hash, open_checkpoint};

    use super::*;

    /// RFC 6962 §2.1 root, written out directly as an independent reference.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => sightline_proofs::EMPTY_ROOT,
            1 => leaves[0],
            n => {
                // The largest power of two below n.
                let mut k = 1;
                while k * 2 < n {
                    k *= 2;
                }
                node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
            }
        }
    }

    fn key(origin: &Origin) -> SignerKey {
        SignerKey::from_seed(origin.key_name(), KeyType::Ed25519, [9; 32]).expect("key")
    }

    #[test]
    fn rounds_match_reference_roots_and_tiles() {
        let origin = Origin::new("example.test/log").expect("origin");
        let key = key(&origin);
        let mut tree = TileBuilder::new();
        let mut all = Vec::new();
        // Round sizes that cross tile boundaries at both levels.
        for (round, count) in [1usize, 2, 255, 1, 256, 300, 65_000, 700]
            .into_iter()
            .enumerate()
        {
            let entries: Vec<Vec<u8>> = (0..count)
                .map(|i| format!("round {round} entry {i}").into_bytes())
                .collect();
            let before = tree.size();
            let out = compute_round(&tree, &entries, &origin, &key).expect("round");
            assert_eq!(tree.size(), before, "input state untouched");
            all.extend(out.leaf_hashes.iter().copied());
            assert_eq!(out.root.size(), all.len() as u64);
            assert_eq!(*out.root.hash(), reference_root(&all));
            let mut got: Vec<_> = out.tiles.iter().map(|t| *t.tile()).collect();
            got.sort();
            let mut want = new_tiles(before, out.root.size()).expect("tiles");
            want.sort();
            assert_eq!(got, want);
            let (cp, _) = open_checkpoint(&origin, &[key.verifier()], &out.checkpoint)
                .expect("checkpoint verifies");
            assert_eq!(cp.root_hash(), out.root);
            tree = out.tree;
        }
    }

    #[test]
    fn a_wrongly_named_key_is_refused() {
        let origin = Origin::new("example.test/log").expect("origin");
        let other = key(&Origin::new("other.test/log").expect("origin"));
        assert!(compute_round(&TileBuilder::new(), &[b"x".to_vec()], &origin, &other).is_err());
    }
}
