//! Reading perfect node hashes from wherever a tree is stored
//! (STYLE §3, "Split which nodes from read nodes").
//!
//! Proof builders first compute *which* ranges a proof needs (pure index
//! math in [`crate::inclusion`] and [`crate::consistency`]), split every
//! ragged range into perfect nodes, and then ask a [`NodeReader`] for all of
//! those nodes in one call. A log server implements the trait with one
//! RocksDB multi-get; tests use [`MemoryNodeReader`].

use alloc::vec::Vec;

use crate::tree::{NodeId, Subtree, check_tree_size};
use crate::{Hash, ProofsError, RootHash, node_hash};

/// A source of perfect node hashes, read in batches.
///
/// Implementations return the hashes of `nodes` in the same order, one per
/// node. Callers in this crate check the count and fail with
/// [`ProofsError::NodeReaderCountMismatch`] rather than trusting it.
/// Readers only ever see perfect nodes: ragged ranges are folded from their
/// perfect pieces by the caller (c2sp-digest §5.5).
pub trait NodeReader {
    /// The reader's own failure type (storage errors, missing nodes). It
    /// must absorb this crate's errors so builders can report both kinds.
    type Error: From<ProofsError>;

    /// Reads the hashes of `nodes`, in order, in one batch.
    ///
    /// # Errors
    /// Whatever the storage fails with; a node that is not stored is an
    /// error, never a made-up hash.
    fn read_nodes(&self, nodes: &[NodeId]) -> Result<Vec<Hash>, Self::Error>;
}

/// Reads the hashes of several subtree ranges with one call to `reader`
/// (c2sp-digest §5.5, "Ragged right edge").
///
/// Each range is split into its maximal aligned perfect nodes, all nodes
/// of all ranges are read in a single batch, and each range's pieces are
/// folded right to left with [`node_hash`].
///
/// # Errors
/// - the reader's own error;
/// - [`ProofsError::NodeReaderCountMismatch`] if the reader returns the
///   wrong number of hashes.
pub fn read_subtree_hashes<R: NodeReader + ?Sized>(
    reader: &R,
    subtrees: &[Subtree],
) -> Result<Vec<Hash>, R::Error> {
    // Plan: every perfect piece of every range, in order, plus where each
    // range's pieces end in that flat list.
    let mut nodes = Vec::new();
    let mut ends = Vec::with_capacity(subtrees.len());
    for subtree in subtrees {
        nodes.extend(subtree.perfect_nodes());
        ends.push(nodes.len());
    }
    if nodes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = reader.read_nodes(&nodes)?;
    if hashes.len() != nodes.len() {
        return Err(ProofsError::NodeReaderCountMismatch {
            expected: nodes.len(),
            actual: hashes.len(),
        }
        .into());
    }
    // Fold each range's pieces right to left: h = NodeHash(piece, h).
    let mut out = Vec::with_capacity(subtrees.len());
    let mut begin = 0;
    for end in ends {
        let pieces = hashes.get(begin..end).unwrap_or_default();
        let mut iter = pieces.iter().rev();
        if let Some(last) = iter.next() {
            out.push(iter.fold(*last, |acc, piece| node_hash(piece, &acc)));
        }
        begin = end;
    }
    Ok(out)
}

/// Reads the root of the tree of `size` leaves from `reader`, in one batch
/// of at most 63 nodes (c2sp-digest §7.1, §5.5).
///
/// # Errors
/// - [`ProofsError::TreeSizeTooLarge`] if `size` exceeds 2^63 - 1;
/// - the reader's own error, or [`ProofsError::NodeReaderCountMismatch`].
pub fn read_root<R: NodeReader + ?Sized>(reader: &R, size: u64) -> Result<RootHash, R::Error> {
    check_tree_size(size)?;
    if size == 0 {
        return Ok(RootHash::empty());
    }
    let tree = Subtree::tree(size)?;
    let hashes = read_subtree_hashes(reader, &[tree])?;
    let hash = hashes
        .first()
        .copied()
        .ok_or(ProofsError::NodeReaderCountMismatch {
            expected: 1,
            actual: 0,
        })?;
    Ok(RootHash::new(size, hash)?)
}

/// An in-memory tree over a list of leaf hashes, storing every complete
/// perfect node. For tests, tools and small logs.
///
/// Appending a leaf costs at most one hash per level, so building a tree of
/// n leaves costs n - 1 node hashes in total.
#[derive(Clone, Debug, Default)]
pub struct MemoryNodeReader {
    // levels[l][i] is the hash of the complete node (l, i).
    levels: Vec<Vec<Hash>>,
}

impl MemoryNodeReader {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree holding `leaf_hashes` in order.
    pub fn from_leaf_hashes(leaf_hashes: &[Hash]) -> Self {
        let mut tree = Self::new();
        for leaf in leaf_hashes {
            tree.push(*leaf);
        }
        tree
    }

    /// Appends one leaf hash, completing every node it closes.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut hash = leaf_hash;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let Some(row) = self.levels.get_mut(level) else {
                return;
            };
            row.push(hash);
            // A node closes when its row has an even number of entries: the
            // last two are its children.
            if row.len() % 2 != 0 {
                return;
            }
            let (Some(left), Some(right)) = (row.get(row.len() - 2), row.last()) else {
                return;
            };
            hash = node_hash(left, right);
            level += 1;
        }
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |row| row.len() as u64)
    }

    /// The leaf hashes, in order.
    pub fn leaf_hashes(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    /// The root of the first `size` leaves (c2sp-digest §7.1).
    ///
    /// # Errors
    /// [`ProofsError::NodeNotInTree`] if `size` exceeds the number of leaves,
    /// [`ProofsError::TreeSizeTooLarge`] above 2^63 - 1.
    pub fn root(&self, size: u64) -> Result<RootHash, ProofsError> {
        if size > self.size() {
            return Err(ProofsError::NodeNotInTree {
                level: 0,
                index: size - 1,
                size: self.size(),
            });
        }
        read_root(self, size)
    }
}

impl NodeReader for MemoryNodeReader {
    type Error = ProofsError;

    fn read_nodes(&self, nodes: &[NodeId]) -> Result<Vec<Hash>, ProofsError> {
        nodes
            .iter()
            .map(|node| {
                let found = usize::try_from(node.index()).ok().and_then(|index| {
                    self.levels
                        .get(usize::from(node.level()))
                        .and_then(|row| row.get(index))
                });
                found.copied().ok_or(ProofsError::NodeNotInTree {
                    level: node.level(),
                    index: node.index(),
                    size: self.size(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaf_hash;

    /// MTH straight from the definition (c2sp-digest §7.1).
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => crate::EMPTY_ROOT,
            1 => leaves[0],
            n => {
                let k = crate::tree::split_point(n as u64).unwrap() as usize;
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[test]
    fn roots_match_the_definition() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
        for size in 0..=70 {
            assert_eq!(
                tree.root(size as u64).unwrap().hash(),
                &mth(&leaves[..size]),
                "size {size}"
            );
        }
        assert!(tree.root(71).is_err());
    }

    #[test]
    fn missing_nodes_are_errors() {
        let tree = MemoryNodeReader::from_leaf_hashes(&[leaf_hash(b"a"), leaf_hash(b"b")]);
        assert!(tree.read_nodes(&[NodeId::new(1, 0).unwrap()]).is_ok());
        assert_eq!(
            tree.read_nodes(&[NodeId::new(1, 1).unwrap()]),
            Err(ProofsError::NodeNotInTree {
                level: 1,
                index: 1,
                size: 2
            })
        );
    }

    /// A reader that drops the last hash, to show builders catch it.
    struct ShortReader(MemoryNodeReader);

    impl NodeReader for ShortReader {
        type Error = ProofsError;
        fn read_nodes(&self, nodes: &[NodeId]) -> Result<Vec<Hash>, ProofsError> {
            let mut hashes = self.0.read_nodes(nodes)?;
            hashes.pop();
            Ok(hashes)
        }
    }

    #[test]
    fn short_reads_are_caught() {
        let leaves: Vec<Hash> = (0u8..5).map(|i| leaf_hash(&[i])).collect();
        let reader = ShortReader(MemoryNodeReader::from_leaf_hashes(&leaves));
        assert_eq!(
            read_root(&reader, 5),
            Err(ProofsError::NodeReaderCountMismatch {
                expected: 2,
                actual: 1
            })
        );
    }
}
