//! RFC 6962 / RFC 9162 inclusion proofs (c2sp-digest §7.2, §7.3): which
//! ranges a proof needs, building one from a [`NodeReader`], and verifying
//! one against a [`RootHash`].
//!
//! ```
//! use sightline_proofs::{MemoryNodeReader, build_inclusion_proof, leaf_hash, verify_inclusion};
//!
//! let entries: [&[u8]; 5] = [b"a", b"b", b"c", b"d", b"e"];
//! let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e)).collect();
//! let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
//! let root = tree.root(5)?;
//!
//! let proof = build_inclusion_proof(&tree, 3, 5)?;
//! assert_eq!(proof.path().len(), 3);
//! verify_inclusion(&leaf_hash(b"d"), &proof, &root)?;
//! assert!(verify_inclusion(&leaf_hash(b"x"), &proof, &root).is_err());
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::vec::Vec;

use crate::node_reader::{NodeReader, read_subtree_hashes};
use crate::tree::{Subtree, bit_len, check_tree_size, split_point};
use crate::{Hash, ProofsError, RootHash, node_hash};

/// The most hashes an inclusion path can hold: the depth of a tree of
/// 2^63 - 1 leaves. Parsers of proof files should refuse longer paths
/// before decoding them (c2sp-digest §9.3, "Proof length").
pub const MAX_INCLUSION_PATH: usize = 63;

/// A proof that the leaf at `index` is in the tree of `size` leaves: the
/// RFC 6962 audit PATH, the leaf's sibling first (c2sp-digest §7.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    index: u64,
    size: u64,
    path: Vec<Hash>,
}

impl InclusionProof {
    /// Wraps a path for the leaf at `index` in a tree of `size` leaves
    /// (c2sp-digest §6.1, §7.3).
    ///
    /// Only the shape is checked here; [`verify_inclusion`] checks the exact
    /// path length and the hashes.
    ///
    /// # Errors
    /// - [`ProofsError::TreeSizeTooLarge`] if `size` exceeds 2^63 - 1;
    /// - [`ProofsError::LeafIndexOutOfRange`] if `index >= size`;
    /// - [`ProofsError::ProofPathTooLong`] if `path` has more than
    ///   [`MAX_INCLUSION_PATH`] hashes.
    pub fn new(index: u64, size: u64, path: Vec<Hash>) -> Result<Self, ProofsError> {
        check_tree_size(size)?;
        if index >= size {
            return Err(ProofsError::LeafIndexOutOfRange { index, size });
        }
        if path.len() > MAX_INCLUSION_PATH {
            return Err(ProofsError::ProofPathTooLong {
                len: path.len(),
                max: MAX_INCLUSION_PATH,
            });
        }
        Ok(Self { index, size, path })
    }

    /// The index of the proven leaf.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The size of the tree the proof is for.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The path, the leaf's sibling first.
    pub fn path(&self) -> &[Hash] {
        &self.path
    }

    /// The path, consuming the proof.
    pub fn into_path(self) -> Vec<Hash> {
        self.path
    }
}

/// The number of hashes in the inclusion path of leaf `index` in a tree of
/// `size` leaves, split as (inner, border) (c2sp-digest §7.2, "Proof lengths").
///
/// `inner` hashes lie below the point where the leaf's path and the tree's
/// right edge meet; each `border` hash is a left sibling on the right edge.
/// Callers guarantee `index < size`.
fn path_shape(index: u64, size: u64) -> (u32, u32) {
    let inner = bit_len(index ^ (size - 1));
    // For inner = 64 (only when size > 2^63) nothing remains above.
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner, border)
}

/// The ranges whose hashes make up the inclusion path of leaf `index` in a
/// tree of `size` leaves, the leaf's sibling first (the RFC 6962 PATH
/// recursion of c2sp-digest §7.2, tracking ranges instead of hashes).
///
/// # Errors
/// - [`ProofsError::TreeSizeTooLarge`] if `size` exceeds 2^63 - 1;
/// - [`ProofsError::LeafIndexOutOfRange`] if `index >= size`.
pub fn inclusion_proof_nodes(index: u64, size: u64) -> Result<Vec<Subtree>, ProofsError> {
    check_tree_size(size)?;
    if index >= size {
        return Err(ProofsError::LeafIndexOutOfRange { index, size });
    }
    // Walk from the root down to the leaf. At each split the sibling range
    // joins the path; the recursion emits it after the deeper siblings, so
    // the top-down list is reversed at the end.
    let mut nodes = Vec::new();
    let (mut lo, mut hi) = (0u64, size);
    while let Some(k) = split_point(hi - lo) {
        let mid = lo + k;
        if index < mid {
            nodes.push(Subtree::new(mid, hi)?);
            hi = mid;
        } else {
            nodes.push(Subtree::new(lo, mid)?);
            lo = mid;
        }
    }
    nodes.reverse();
    Ok(nodes)
}

/// Builds the inclusion proof of leaf `index` in the tree of `size` leaves,
/// reading every node it needs from `reader` in one batch (c2sp-digest §7.2).
///
/// # Errors
/// - the errors of [`inclusion_proof_nodes`], converted into `R::Error`;
/// - the reader's own error, or [`ProofsError::NodeReaderCountMismatch`].
pub fn build_inclusion_proof<R: NodeReader + ?Sized>(
    reader: &R,
    index: u64,
    size: u64,
) -> Result<InclusionProof, R::Error> {
    let ranges = inclusion_proof_nodes(index, size)?;
    let path = read_subtree_hashes(reader, &ranges)?;
    Ok(InclusionProof::new(index, size, path)?)
}

/// Verifies that `leaf_hash` is the leaf at `proof.index()` of the tree
/// whose root is `root` (RFC 9162 §2.1.3.2, c2sp-digest §7.3).
///
/// The path length is checked against the index and size before any
/// hashing, so a padded or truncated path is rejected outright.
///
/// Success does **not** imply that `root` was signed by anyone, that the
/// leaf hash was computed from the entry the caller has in mind, or that
/// the tree is consistent with any other tree the caller has seen: those
/// are checked with checkpoints, [`crate::leaf_hash`] and consistency proofs.
///
/// # Errors
/// - [`ProofsError::InclusionSizeMismatch`] if the proof is for another size;
/// - [`ProofsError::InclusionPathLength`] if the path is too short or too long;
/// - [`ProofsError::InclusionRootMismatch`] if the path does not lead to `root`.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    proof: &InclusionProof,
    root: &RootHash,
) -> Result<(), ProofsError> {
    if proof.size() != root.size() {
        return Err(ProofsError::InclusionSizeMismatch {
            proof: proof.size(),
            root: root.size(),
        });
    }
    let computed = root_from_inclusion_path(leaf_hash, proof.index(), proof.size(), proof.path())?;
    if computed != *root.hash() {
        return Err(ProofsError::InclusionRootMismatch);
    }
    Ok(())
}

/// Recomputes the root of the tree of `size` leaves from the leaf hash at
/// `index` and its path (c2sp-digest §7.3). Shared with consistency
/// verification, which runs the same chain from a different seed.
///
/// # Errors
/// [`ProofsError::LeafIndexOutOfRange`] or [`ProofsError::InclusionPathLength`].
fn root_from_inclusion_path(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    path: &[Hash],
) -> Result<Hash, ProofsError> {
    if index >= size {
        return Err(ProofsError::LeafIndexOutOfRange { index, size });
    }
    let (inner, border) = path_shape(index, size);
    let expected = (inner + border) as usize;
    if path.len() != expected {
        return Err(ProofsError::InclusionPathLength {
            expected,
            actual: path.len(),
        });
    }
    let (inner_path, border_path) = path.split_at(inner as usize);
    let mut hash = *leaf_hash;
    // Below the right edge, bit i of the index says whether the node at
    // height i is a right child (its sibling is on the left) or a left one.
    for (height, sibling) in inner_path.iter().enumerate() {
        hash = if (index >> height) & 1 == 1 {
            node_hash(sibling, &hash)
        } else {
            node_hash(&hash, sibling)
        };
    }
    // On the right edge every remaining sibling is a left sibling; levels
    // where the edge node has no sibling contribute nothing.
    for sibling in border_path {
        hash = node_hash(sibling, &hash);
    }
    Ok(hash)
}

/// Chains `seed` through `path` as [`root_from_inclusion_path`] does, but
/// only through the hashes that are left siblings: the hashes that also
/// lie in the old tree of a consistency proof. Returns (old-tree hash,
/// new-tree hash) after the inner part.
pub(crate) fn chain_inner_both(seed: &Hash, path: &[Hash], index: u64) -> (Hash, Hash) {
    let (mut old, mut new) = (*seed, *seed);
    for (height, sibling) in path.iter().enumerate() {
        if (index >> height) & 1 == 1 {
            old = node_hash(sibling, &old);
            new = node_hash(sibling, &new);
        } else {
            new = node_hash(&new, sibling);
        }
    }
    (old, new)
}

/// Chains `hash` through border hashes, every one a left sibling.
pub(crate) fn chain_border(hash: Hash, path: &[Hash]) -> Hash {
    path.iter()
        .fold(hash, |acc, sibling| node_hash(sibling, &acc))
}

/// The inner/border split of the path from leaf `index` in a tree of `size`
/// leaves, for consistency proofs. Callers guarantee `index < size`.
pub(crate) fn inclusion_shape(index: u64, size: u64) -> (u32, u32) {
    path_shape(index, size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaf_hash;
    use crate::node_reader::MemoryNodeReader;

    fn tree(n: u32) -> (Vec<Hash>, MemoryNodeReader) {
        let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let reader = MemoryNodeReader::from_leaf_hashes(&leaves);
        (leaves, reader)
    }

    #[test]
    fn every_proof_up_to_64_verifies_and_has_the_predicted_length() {
        let (leaves, reader) = tree(64);
        for size in 1..=64u64 {
            let root = reader.root(size).unwrap();
            for index in 0..size {
                let proof = build_inclusion_proof(&reader, index, size).unwrap();
                let (inner, border) = path_shape(index, size);
                assert_eq!(proof.path().len(), (inner + border) as usize);
                verify_inclusion(&leaves[index as usize], &proof, &root).unwrap();
            }
        }
    }

    #[test]
    fn rejections() {
        let (leaves, reader) = tree(7);
        let root = reader.root(7).unwrap();
        let proof = build_inclusion_proof(&reader, 3, 7).unwrap();
        assert_eq!(
            verify_inclusion(&leaves[2], &proof, &root),
            Err(ProofsError::InclusionRootMismatch)
        );
        let other = reader.root(6).unwrap();
        assert_eq!(
            verify_inclusion(&leaves[3], &proof, &other),
            Err(ProofsError::InclusionSizeMismatch { proof: 7, root: 6 })
        );
        let mut short = proof.path().to_vec();
        short.pop();
        let short = InclusionProof::new(3, 7, short).unwrap();
        assert_eq!(
            verify_inclusion(&leaves[3], &short, &root),
            Err(ProofsError::InclusionPathLength {
                expected: 3,
                actual: 2
            })
        );
        assert_eq!(
            InclusionProof::new(7, 7, Vec::new()),
            Err(ProofsError::LeafIndexOutOfRange { index: 7, size: 7 })
        );
        assert_eq!(
            InclusionProof::new(0, 1, alloc::vec![Hash::default(); 64]),
            Err(ProofsError::ProofPathTooLong { len: 64, max: 63 })
        );
        assert_eq!(
            build_inclusion_proof(&reader, 0, 8),
            Err(ProofsError::NodeNotInTree {
                level: 2,
                index: 1,
                size: 7
            })
        );
    }

    #[test]
    fn the_largest_tree_has_63_hash_paths() {
        let size = crate::tree::MAX_TREE_SIZE;
        let longest = (0..63)
            .map(|bit| {
                inclusion_proof_nodes((1u64 << bit) - 1, size)
                    .unwrap()
                    .len()
            })
            .max();
        assert_eq!(longest, Some(MAX_INCLUSION_PATH));
        assert_eq!(
            inclusion_proof_nodes(0, size + 1),
            Err(ProofsError::TreeSizeTooLarge(size + 1))
        );
    }
}
