//! RFC 6962 / RFC 9162 consistency proofs (c2sp-digest §7.2, §7.4): which
//! ranges a proof needs, building one from a [`NodeReader`], and verifying
//! one between two [`RootHash`]es, including the edge cases the RFC
//! algorithm leaves out (old size 0, equal sizes, old size larger).
//!
//! ```
//! use sightline_proofs::{MemoryNodeReader, RootHash, build_consistency_proof, leaf_hash, verify_consistency};
//!
//! let leaves: Vec<_> = (0u8..10).map(|i| leaf_hash(&[i])).collect();
//! let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
//! let (old, new) = (tree.root(6)?, tree.root(10)?);
//! let proof = build_consistency_proof(&tree, 6, 10)?;
//! verify_consistency(&old, &new, &proof)?;
//! // The empty tree is consistent with every tree, with an empty proof.
//! let empty = build_consistency_proof(&tree, 0, 10)?;
//! verify_consistency(&RootHash::empty(), &new, &empty)?;
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::vec::Vec;

use crate::inclusion::{chain_border, chain_inner_both, inclusion_shape};
use crate::node_reader::{NodeReader, read_subtree_hashes};
use crate::tree::{Subtree, check_tree_size, split_point};
use crate::{Hash, ProofsError, RootHash};

/// The most hashes a consistency path can hold for trees of at most
/// 2^63 - 1 leaves (for example 3 -> 2^63 - 1 needs 64).
///
/// The tlog-witness protocol caps proofs at 63 lines (c2sp-digest §4.2);
/// that limit belongs to its parser, not to this type.
pub const MAX_CONSISTENCY_PATH: usize = 64;

/// A proof that the tree of `old_size` leaves is a prefix of the tree of
/// `new_size` leaves: the RFC 6962 `PROOF(m, D[0:n])` hashes
/// (c2sp-digest §7.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyProof {
    old_size: u64,
    new_size: u64,
    path: Vec<Hash>,
}

impl ConsistencyProof {
    /// Wraps a path between the trees of `old_size` and `new_size` leaves
    /// (c2sp-digest §4.2, §7.4).
    ///
    /// Only the shape is checked here; [`verify_consistency`] checks the
    /// exact path length and the hashes.
    ///
    /// # Errors
    /// - [`ProofsError::TreeSizeTooLarge`] if `new_size` exceeds 2^63 - 1;
    /// - [`ProofsError::ConsistencyOldLarger`] if `old_size > new_size`;
    /// - [`ProofsError::ProofPathTooLong`] if `path` has more than
    ///   [`MAX_CONSISTENCY_PATH`] hashes.
    pub fn new(old_size: u64, new_size: u64, path: Vec<Hash>) -> Result<Self, ProofsError> {
        check_sizes(old_size, new_size)?;
        if path.len() > MAX_CONSISTENCY_PATH {
            return Err(ProofsError::ProofPathTooLong {
                len: path.len(),
                max: MAX_CONSISTENCY_PATH,
            });
        }
        Ok(Self {
            old_size,
            new_size,
            path,
        })
    }

    /// The size of the older tree.
    pub const fn old_size(&self) -> u64 {
        self.old_size
    }

    /// The size of the newer tree.
    pub const fn new_size(&self) -> u64 {
        self.new_size
    }

    /// The proof hashes, in PROOF order.
    pub fn path(&self) -> &[Hash] {
        &self.path
    }

    /// The proof hashes, consuming the proof.
    pub fn into_path(self) -> Vec<Hash> {
        self.path
    }
}

/// Checks `old <= new <= 2^63 - 1`.
fn check_sizes(old: u64, new: u64) -> Result<(), ProofsError> {
    check_tree_size(new)?;
    if old > new {
        return Err(ProofsError::ConsistencyOldLarger { old, new });
    }
    Ok(())
}

/// The ranges whose hashes make up the consistency proof from the tree of
/// `old_size` leaves to the tree of `new_size` leaves, in proof order (the
/// RFC 6962 SUBPROOF recursion of c2sp-digest §7.2, tracking ranges only).
///
/// Old size 0 and equal sizes need no hashes (c2sp-digest §7.4).
///
/// # Errors
/// - [`ProofsError::TreeSizeTooLarge`] if `new_size` exceeds 2^63 - 1;
/// - [`ProofsError::ConsistencyOldLarger`] if `old_size > new_size`.
pub fn consistency_proof_nodes(old_size: u64, new_size: u64) -> Result<Vec<Subtree>, ProofsError> {
    check_sizes(old_size, new_size)?;
    if old_size == 0 || old_size == new_size {
        return Ok(Vec::new());
    }
    // Walk SUBPROOF(m, D[lo:hi], b) from the top. Each step pushes the
    // range the recursion appends *after* its recursive call, so that list
    // is reversed at the end; the range found at the bottom (when m covers
    // the whole current range and b is false) comes first.
    let mut upper = Vec::new();
    let (mut lo, mut hi, mut m) = (0u64, new_size, old_size);
    let mut whole_old_tree = true;
    let bottom = loop {
        if m == hi - lo {
            break if whole_old_tree {
                None
            } else {
                Some(Subtree::new(lo, hi)?)
            };
        }
        // m < hi - lo here, so hi - lo >= 2 and a split point exists.
        let Some(k) = split_point(hi - lo) else {
            break None;
        };
        let mid = lo + k;
        if m <= k {
            upper.push(Subtree::new(mid, hi)?);
            hi = mid;
        } else {
            upper.push(Subtree::new(lo, mid)?);
            lo = mid;
            m -= k;
            whole_old_tree = false;
        }
    };
    let mut nodes = Vec::with_capacity(upper.len() + 1);
    nodes.extend(bottom);
    nodes.extend(upper.into_iter().rev());
    Ok(nodes)
}

/// Builds the consistency proof from the tree of `old_size` leaves to the
/// tree of `new_size` leaves, reading every node it needs from `reader` in
/// one batch (c2sp-digest §7.2).
///
/// # Errors
/// - the errors of [`consistency_proof_nodes`], converted into `R::Error`;
/// - the reader's own error, or [`ProofsError::NodeReaderCountMismatch`].
pub fn build_consistency_proof<R: NodeReader + ?Sized>(
    reader: &R,
    old_size: u64,
    new_size: u64,
) -> Result<ConsistencyProof, R::Error> {
    let ranges = consistency_proof_nodes(old_size, new_size)?;
    let path = read_subtree_hashes(reader, &ranges)?;
    Ok(ConsistencyProof::new(old_size, new_size, path)?)
}

/// Verifies that the tree with root `old_root` is a prefix of the tree with
/// root `new_root` (RFC 9162 §2.1.4.2, c2sp-digest §7.4).
///
/// Edge cases, as tlog-witness needs them: an old size of 0 is consistent
/// with everything and takes an empty proof; equal sizes take an empty
/// proof and equal roots; an old size larger than the new one fails. The
/// path length is checked before any hashing.
///
/// Success does **not** imply that either root was signed by anyone, nor
/// anything about the entries beyond the two roots' commitment to them.
///
/// # Errors
/// - [`ProofsError::ConsistencySizeMismatch`] if the proof's sizes are not the roots' sizes;
/// - [`ProofsError::ConsistencyOldLarger`] if the old size exceeds the new size;
/// - [`ProofsError::ConsistencyPathLength`] if the path has the wrong length;
/// - [`ProofsError::ConsistencySameSizeRootMismatch`] for equal sizes with different roots;
/// - [`ProofsError::ConsistencyOldRootMismatch`] / [`ProofsError::ConsistencyNewRootMismatch`]
///   if the path does not reproduce the old or the new root.
pub fn verify_consistency(
    old_root: &RootHash,
    new_root: &RootHash,
    proof: &ConsistencyProof,
) -> Result<(), ProofsError> {
    if proof.old_size() != old_root.size() || proof.new_size() != new_root.size() {
        return Err(ProofsError::ConsistencySizeMismatch {
            proof_old: proof.old_size(),
            proof_new: proof.new_size(),
            root_old: old_root.size(),
            root_new: new_root.size(),
        });
    }
    let (m, n) = (old_root.size(), new_root.size());
    let path = proof.path();
    if m > n {
        return Err(ProofsError::ConsistencyOldLarger { old: m, new: n });
    }
    if m == 0 || m == n {
        if !path.is_empty() {
            return Err(ProofsError::ConsistencyPathLength {
                expected: 0,
                actual: path.len(),
            });
        }
        // The empty tree's root is fixed by `RootHash::new`, so m = 0 needs
        // no hash check; equal sizes need equal roots.
        if m == n && old_root.hash() != new_root.hash() {
            return Err(ProofsError::ConsistencySameSizeRootMismatch(m));
        }
        return Ok(());
    }

    // 0 < m < n. The old tree's last leaf is m - 1; its path to the new
    // root, with the levels where it is a left child of an old-tree node
    // (the low `shift` bits, all ones in m - 1) cut away, is the proof.
    let shift = m.trailing_zeros();
    let index = m - 1;
    let (inner, border) = inclusion_shape(index, n);
    // inner > shift: m - 1 and n - 1 differ at or above bit `shift`.
    let inner_after_shift = inner.saturating_sub(shift) as usize;
    // If m is a power of two the old root is itself a node of the new tree
    // and is not sent; otherwise the proof starts with the node to seed from.
    let (seed, rest) = if m.is_power_of_two() {
        (*old_root.hash(), path)
    } else {
        match path.split_first() {
            Some((first, rest)) => (*first, rest),
            None => {
                return Err(ProofsError::ConsistencyPathLength {
                    expected: 1 + inner_after_shift + border as usize,
                    actual: 0,
                });
            }
        }
    };
    let expected_rest = inner_after_shift + border as usize;
    if rest.len() != expected_rest {
        return Err(ProofsError::ConsistencyPathLength {
            expected: path.len() - rest.len() + expected_rest,
            actual: path.len(),
        });
    }
    let (inner_path, border_path) = rest.split_at(inner_after_shift);
    let (old, new) = chain_inner_both(&seed, inner_path, index >> shift);
    let old = chain_border(old, border_path);
    if old != *old_root.hash() {
        return Err(ProofsError::ConsistencyOldRootMismatch);
    }
    let new = chain_border(new, border_path);
    if new != *new_root.hash() {
        return Err(ProofsError::ConsistencyNewRootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaf_hash;
    use crate::node_reader::MemoryNodeReader;

    fn reader(n: u32) -> MemoryNodeReader {
        let leaves: Vec<Hash> = (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        MemoryNodeReader::from_leaf_hashes(&leaves)
    }

    #[test]
    fn every_proof_up_to_48_verifies() {
        let tree = reader(48);
        for n in 0..=48u64 {
            let new = tree.root(n).unwrap();
            for m in 0..=n {
                let old = tree.root(m).unwrap();
                let proof = build_consistency_proof(&tree, m, n).unwrap();
                verify_consistency(&old, &new, &proof).unwrap();
            }
        }
    }

    #[test]
    fn edge_cases() {
        let tree = reader(8);
        let r8 = tree.root(8).unwrap();
        let r0 = RootHash::empty();
        let r4 = tree.root(4).unwrap();
        let empty = |m, n| ConsistencyProof::new(m, n, Vec::new()).unwrap();
        assert_eq!(verify_consistency(&r0, &r8, &empty(0, 8)), Ok(()));
        assert_eq!(
            verify_consistency(
                &r0,
                &r8,
                &ConsistencyProof::new(0, 8, alloc::vec![*r8.hash()]).unwrap()
            ),
            Err(ProofsError::ConsistencyPathLength {
                expected: 0,
                actual: 1
            })
        );
        assert_eq!(verify_consistency(&r8, &r8, &empty(8, 8)), Ok(()));
        let fake = RootHash::new(8, *r4.hash()).unwrap();
        assert_eq!(
            verify_consistency(&r8, &fake, &empty(8, 8)),
            Err(ProofsError::ConsistencySameSizeRootMismatch(8))
        );
        assert_eq!(
            ConsistencyProof::new(9, 8, Vec::new()),
            Err(ProofsError::ConsistencyOldLarger { old: 9, new: 8 })
        );
        assert_eq!(
            verify_consistency(&r4, &r8, &empty(4, 7)),
            Err(ProofsError::ConsistencySizeMismatch {
                proof_old: 4,
                proof_new: 7,
                root_old: 4,
                root_new: 8
            })
        );
        assert_eq!(
            verify_consistency(&r4, &r8, &empty(4, 8)),
            Err(ProofsError::ConsistencyPathLength {
                expected: 1,
                actual: 0
            })
        );
        let r3 = tree.root(3).unwrap();
        assert_eq!(
            verify_consistency(&r3, &r8, &empty(3, 8)),
            Err(ProofsError::ConsistencyPathLength {
                expected: 4,
                actual: 0
            })
        );
    }

    #[test]
    fn root_mismatches_are_told_apart() {
        let tree = reader(8);
        let proof = build_consistency_proof(&tree, 3, 8).unwrap();
        let r3 = tree.root(3).unwrap();
        let r8 = tree.root(8).unwrap();
        let wrong = RootHash::new(3, leaf_hash(b"x")).unwrap();
        assert_eq!(
            verify_consistency(&wrong, &r8, &proof),
            Err(ProofsError::ConsistencyOldRootMismatch)
        );
        let wrong = RootHash::new(8, leaf_hash(b"x")).unwrap();
        assert_eq!(
            verify_consistency(&r3, &wrong, &proof),
            Err(ProofsError::ConsistencyNewRootMismatch)
        );
    }

    #[test]
    fn longest_path_fits_the_limit() {
        let max = crate::tree::MAX_TREE_SIZE;
        assert_eq!(consistency_proof_nodes(3, max).unwrap().len(), 64);
        let longest = (1..64)
            .flat_map(|bit| [(1u64 << bit) - 1, (1u64 << bit) + 1])
            .filter(|m| *m <= max)
            .map(|m| consistency_proof_nodes(m, max).unwrap().len())
            .max();
        assert_eq!(longest, Some(MAX_CONSISTENCY_PATH));
    }
}
