//! [`RootHash`]: a tree head, the root hash together with the size it is
//! the root of (c2sp-digest §2.1, §7.1).

use crate::tree::check_tree_size;
use crate::{EMPTY_ROOT, Hash, ProofsError};

/// The root hash of a tree of a given size: what a checkpoint commits to.
///
/// A root hash means nothing without its size (the same leaves hash to
/// different roots at different sizes), so the two travel together and
/// every verifier takes a `RootHash` rather than a bare [`struct@Hash`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RootHash {
    size: u64,
    hash: Hash,
}

impl RootHash {
    /// The root `hash` of a tree of `size` leaves (c2sp-digest §2.1, §2.3).
    ///
    /// Success means only that the pair is well formed, not that any log
    /// signed it.
    ///
    /// # Errors
    /// - [`ProofsError::TreeSizeTooLarge`] if `size` exceeds 2^63 - 1;
    /// - [`ProofsError::EmptyTreeRootMismatch`] if `size` is 0 and `hash` is
    ///   not SHA-256("").
    pub fn new(size: u64, hash: Hash) -> Result<Self, ProofsError> {
        check_tree_size(size)?;
        // A size-0 tree has exactly one root; tlog-witness answers 422 for
        // any other (c2sp-digest §4.2 step 5).
        if size == 0 && hash != EMPTY_ROOT {
            return Err(ProofsError::EmptyTreeRootMismatch);
        }
        Ok(Self { size, hash })
    }

    /// The empty tree: size 0, root SHA-256("").
    pub const fn empty() -> Self {
        Self {
            size: 0,
            hash: EMPTY_ROOT,
        }
    }

    /// The number of leaves in the tree.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The Merkle Tree Hash of those leaves.
    pub const fn hash(&self) -> &Hash {
        &self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_size_and_empty_root() {
        assert_eq!(RootHash::new(0, EMPTY_ROOT), Ok(RootHash::empty()));
        assert_eq!(
            RootHash::new(0, Hash::new([1; 32])),
            Err(ProofsError::EmptyTreeRootMismatch)
        );
        assert_eq!(
            RootHash::new(1 << 63, Hash::new([1; 32])),
            Err(ProofsError::TreeSizeTooLarge(1 << 63))
        );
        let r = RootHash::new(5, Hash::new([7; 32])).unwrap();
        assert_eq!((r.size(), *r.hash()), (5, Hash::new([7; 32])));
    }
}
