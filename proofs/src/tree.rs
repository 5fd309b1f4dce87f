//! Pure index math of RFC 6962 trees (c2sp-digest §5.5, §7.1): perfect
//! nodes, subtree ranges, their split into maximal aligned perfect pieces,
//! and split points.
//!
//! Nothing here hashes. Every function is total over `u64` inputs: values
//! that would overflow are rejected with an error instead of wrapping, so
//! the same code serves a device checking a proof and a log server planning
//! which nodes to read.

use alloc::vec::Vec;

use crate::ProofsError;

/// The largest tree size this crate accepts: 2^63 - 1.
///
/// Checkpoints carry their size as a non-negative int64 (c2sp-digest §2.3),
/// so no signed tree can be larger. Keeping every size below 2^63 also keeps
/// every node boundary `(index + 1) << level` inside `u64`.
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

/// Checks that `size` is a tree size a checkpoint can carry.
///
/// # Errors
/// [`ProofsError::TreeSizeTooLarge`] if `size` exceeds [`MAX_TREE_SIZE`].
pub(crate) fn check_tree_size(size: u64) -> Result<(), ProofsError> {
    if size > MAX_TREE_SIZE {
        return Err(ProofsError::TreeSizeTooLarge(size));
    }
    Ok(())
}

/// A perfect (complete, power-of-two) node of an RFC 6962 tree.
///
/// The node at `level` and `index` covers the leaves
/// `[index << level, (index + 1) << level)`; level 0 nodes are the leaves.
/// This is the unit a [`crate::NodeReader`] reads and a log stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId {
    level: u8,
    index: u64,
}

impl NodeId {
    /// The node at `level` with `index` (c2sp-digest §5.5, "Reading a node").
    ///
    /// # Errors
    /// - [`ProofsError::NodeLevelTooLarge`] if `level` > 63;
    /// - [`ProofsError::NodeOutOfRange`] if the node's last leaf would not fit in a `u64`.
    pub fn new(level: u8, index: u64) -> Result<Self, ProofsError> {
        if level > 63 {
            return Err(ProofsError::NodeLevelTooLarge(level));
        }
        // The end `(index + 1) << level` must be representable; the node may
        // end exactly at 2^64 only if that value is never computed, so we
        // insist it fits, which every node of a tree below 2^63 leaves does.
        let fits = index
            .checked_add(1)
            .is_some_and(|next| next <= u64::MAX >> level);
        if !fits {
            return Err(ProofsError::NodeOutOfRange { level, index });
        }
        Ok(Self { level, index })
    }

    /// The leaf node at `index`.
    ///
    /// # Errors
    /// [`ProofsError::NodeOutOfRange`] if `index` is `u64::MAX`.
    pub fn leaf(index: u64) -> Result<Self, ProofsError> {
        Self::new(0, index)
    }

    /// The node's height above the leaves.
    pub const fn level(&self) -> u8 {
        self.level
    }

    /// The node's position within its level, counted from the left.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The first leaf the node covers.
    pub const fn start(&self) -> u64 {
        // Cannot overflow: `new` checked `(index + 1) << level` fits.
        self.index << self.level
    }

    /// One past the last leaf the node covers.
    pub const fn end(&self) -> u64 {
        (self.index + 1) << self.level
    }

    /// The number of leaves the node covers, `2^level`.
    pub const fn width(&self) -> u64 {
        1 << self.level
    }

    /// Whether every leaf of the node is present in a tree of `size` leaves,
    /// so that its hash is fixed forever.
    pub const fn is_complete_in(&self, size: u64) -> bool {
        self.end() <= size
    }

    /// The node's two children, left then right, or `None` for a leaf.
    pub fn children(&self) -> Option<(Self, Self)> {
        let level = self.level.checked_sub(1)?;
        // Both children lie inside the parent, so their ends fit as well.
        let left = self.index.checked_mul(2)?;
        let right = left.checked_add(1)?;
        Some((
            Self { level, index: left },
            Self {
                level,
                index: right,
            },
        ))
    }
}

/// A range of leaves `[start, end)` that is a node of some RFC 6962 tree:
/// a perfect node, or the ragged right edge of a tree.
///
/// Such a range is non-empty and starts at a multiple of the smallest power
/// of two that is at least its length (the "valid subtree" of
/// draft-ietf-plants-merkle-tree-certs, c2sp-digest §4.3). Every hash in an
/// RFC 6962 inclusion or consistency proof is the hash of such a range
/// (c2sp-digest §7.2), and its hash is obtained by folding its perfect
/// pieces right to left (c2sp-digest §5.5, "Ragged right edge").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subtree {
    start: u64,
    end: u64,
}

impl Subtree {
    /// The range `[start, end)`.
    ///
    /// # Errors
    /// - [`ProofsError::EmptySubtree`] if `start >= end`;
    /// - [`ProofsError::SubtreeNotAligned`] if `start` is not a multiple of the
    ///   smallest power of two at least `end - start`.
    pub fn new(start: u64, end: u64) -> Result<Self, ProofsError> {
        if start >= end {
            return Err(ProofsError::EmptySubtree { start, end });
        }
        let len = end - start;
        // `checked_next_power_of_two` fails only for lengths above 2^63,
        // and then only start = 0 is aligned (to 2^64).
        let aligned = match len.checked_next_power_of_two() {
            Some(power) => start.is_multiple_of(power),
            None => start == 0,
        };
        if !aligned {
            return Err(ProofsError::SubtreeNotAligned { start, end });
        }
        Ok(Self { start, end })
    }

    /// The whole tree of `size` leaves, `[0, size)`.
    ///
    /// # Errors
    /// [`ProofsError::EmptySubtree`] if `size` is 0.
    pub fn tree(size: u64) -> Result<Self, ProofsError> {
        Self::new(0, size)
    }

    /// The first leaf of the range.
    pub const fn start(&self) -> u64 {
        self.start
    }

    /// One past the last leaf of the range.
    pub const fn end(&self) -> u64 {
        self.end
    }

    /// The number of leaves in the range (never 0).
    pub const fn len(&self) -> u64 {
        self.end - self.start
    }

    /// Always `false`: a subtree holds at least one leaf. Present for API
    /// symmetry with [`Subtree::len`].
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// The perfect node this range is, if its length is a power of two.
    pub fn as_node(&self) -> Option<NodeId> {
        let len = self.len();
        if !len.is_power_of_two() {
            return None;
        }
        let level = len.trailing_zeros() as u8;
        NodeId::new(level, self.start >> level).ok()
    }

    /// The maximal aligned perfect nodes that tile this range, left to right
    /// (c2sp-digest §5.5: 70000 = 65536 + 4096 + 256 + 64 + 32 + 16).
    ///
    /// Because the range is aligned, the pieces are the set bits of its
    /// length, largest first; there are at most 64 of them.
    pub fn perfect_nodes(&self) -> Vec<NodeId> {
        decompose_range(self.start, self.end)
    }
}

/// Splits an arbitrary range `[start, end)` into maximal aligned perfect
/// nodes, left to right (c2sp-digest §5.5). Returns no nodes for an empty
/// or reversed range.
///
/// Each step takes the largest power of two that both divides the current
/// start and fits in what remains, so the pieces are as large as alignment
/// allows; for a [`Subtree`] they are exactly the set bits of its length.
pub fn decompose_range(start: u64, end: u64) -> Vec<NodeId> {
    let mut nodes = Vec::new();
    let mut at = start;
    while at < end {
        let remaining = end - at;
        // Largest power of two <= remaining: its bit position.
        let fit = remaining.ilog2();
        // Largest power of two dividing `at` (64 for at = 0, i.e. no limit).
        let align = at.trailing_zeros();
        let level = fit.min(align) as u8;
        // `at` is a multiple of 2^level and `at + 2^level <= end`, so the
        // node exists and the addition below cannot overflow.
        let node = NodeId {
            level,
            index: at >> level,
        };
        nodes.push(node);
        at += 1 << level;
    }
    nodes
}

/// The RFC 6962 split point of a tree of `size` leaves: the largest power of
/// two strictly below `size` (c2sp-digest §7.1). `None` for sizes 0 and 1,
/// which are not split.
pub const fn split_point(size: u64) -> Option<u64> {
    if size < 2 {
        return None;
    }
    // size - 1 >= 1; its highest set bit is the largest power of two < size.
    Some(1 << (size - 1).ilog2())
}

/// Number of bits needed to write `x` (0 for 0).
pub(crate) const fn bit_len(x: u64) -> u32 {
    64 - x.leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_points() {
        assert_eq!(split_point(0), None);
        assert_eq!(split_point(1), None);
        assert_eq!(split_point(2), Some(1));
        assert_eq!(split_point(3), Some(2));
        assert_eq!(split_point(4), Some(2));
        assert_eq!(split_point(5), Some(4));
        assert_eq!(split_point(u64::MAX), Some(1 << 63));
        assert_eq!(split_point(1 << 63), Some(1 << 62));
    }

    #[test]
    fn seventy_thousand_decomposes_as_in_the_digest() {
        let sizes: Vec<u64> = Subtree::tree(70_000)
            .unwrap()
            .perfect_nodes()
            .iter()
            .map(NodeId::width)
            .collect();
        assert_eq!(sizes, [65536, 4096, 256, 64, 32, 16]);
    }

    #[test]
    fn decompose_unaligned_range() {
        // [3, 13) = [3,4) [4,8) [8,12) [12,13)
        let got: Vec<(u8, u64)> = decompose_range(3, 13)
            .iter()
            .map(|n| (n.level(), n.index()))
            .collect();
        assert_eq!(got, [(0, 3), (2, 1), (2, 2), (0, 12)]);
        assert!(decompose_range(5, 5).is_empty());
        assert!(decompose_range(6, 5).is_empty());
        let all = decompose_range(0, u64::MAX);
        assert_eq!(all.len(), 64);
        assert_eq!(all.last().map(NodeId::end), Some(u64::MAX));
    }

    #[test]
    fn node_bounds() {
        let n = NodeId::new(3, 5).unwrap();
        assert_eq!((n.start(), n.end(), n.width()), (40, 48, 8));
        assert!(n.is_complete_in(48));
        assert!(!n.is_complete_in(47));
        let (l, r) = n.children().unwrap();
        assert_eq!((l.start(), l.end(), r.start(), r.end()), (40, 44, 44, 48));
        assert_eq!(NodeId::leaf(7).unwrap().children(), None);
        assert_eq!(NodeId::new(64, 0), Err(ProofsError::NodeLevelTooLarge(64)));
        assert_eq!(
            NodeId::new(63, 1),
            Err(ProofsError::NodeOutOfRange {
                level: 63,
                index: 1
            })
        );
        assert_eq!(
            NodeId::leaf(u64::MAX),
            Err(ProofsError::NodeOutOfRange {
                level: 0,
                index: u64::MAX
            })
        );
        assert_eq!(NodeId::new(63, 0).map(|n| n.end()), Ok(1 << 63));
        assert!(NodeId::new(62, 2).is_ok());
        assert!(NodeId::new(62, 3).is_err());
    }

    #[test]
    fn subtree_validation() {
        assert!(Subtree::new(8, 13).is_ok());
        assert!(Subtree::new(8, 16).is_ok());
        assert_eq!(
            Subtree::new(4, 9),
            Err(ProofsError::SubtreeNotAligned { start: 4, end: 9 })
        );
        assert_eq!(
            Subtree::new(3, 3),
            Err(ProofsError::EmptySubtree { start: 3, end: 3 })
        );
        assert!(Subtree::new(0, u64::MAX).is_ok());
        assert!(Subtree::new(1, u64::MAX).is_err());
        assert_eq!(
            Subtree::new(8, 16).unwrap().as_node(),
            Some(NodeId::new(3, 1).unwrap())
        );
        assert_eq!(Subtree::new(8, 13).unwrap().as_node(), None);
    }
}
