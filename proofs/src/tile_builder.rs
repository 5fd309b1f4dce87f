//! The sequencer's incremental tree: appends leaf hashes, keeps only the
//! rightmost (partial) tile of every level, and reports each tile whose
//! contents changed so the log can store it (c2sp-digest §5.3, §5.5).
//!
//! Each tile level keeps, besides the partial tile's hashes, a compact
//! range of it: the roots of the maximal perfect subtrees of the hashes
//! appended so far. Appending a hash merges equal-height roots, so a tree
//! of n leaves costs about n node hashes in total (one per interior node,
//! the minimum), a full tile's root falls out of the merge for free, and
//! the tree root is a fold of at most 8 roots per level. Nothing is ever
//! re-hashed per leaf.
//!
//! ```
//! use sightline_proofs::{TileBuilder, leaf_hash};
//!
//! let mut builder = TileBuilder::new();
//! let leaves: Vec<_> = (0u32..300).map(|i| leaf_hash(&i.to_be_bytes())).collect();
//! let appended = builder.append(&leaves)?;
//! // tile/0/000 filled, tile/0/001.p/44 and tile/1/000.p/1 were written.
//! let paths: Vec<_> = appended.tiles().iter().map(|t| t.tile().path()).collect();
//! assert_eq!(paths, ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"]);
//!
//! // After a restart: resume from the stored partial tiles alone.
//! let stored = builder.partial_tiles();
//! let tiles: Vec<_> = stored.iter().map(|t| (*t.tile(), t.data())).collect();
//! let resumed = TileBuilder::from_tiles(appended.root(), &tiles)?;
//! assert_eq!(resumed.root(), *appended.root());
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::vec::Vec;

use crate::hash::HASH_LEN;
use crate::tile::{TILE_LEVELS, TILE_WIDTH, TileId, hashes_at_level, partial_tiles, tile_hashes};
use crate::tree::check_tree_size;
use crate::{EMPTY_ROOT, Hash, ProofsError, RootHash, node_hash};

/// One tile's full current contents, as the log stores it: one record per
/// (level, index), from which any older `.p/W` is served as a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileContents {
    tile: TileId,
    data: Vec<u8>,
}

impl TileContents {
    /// The tile, with its current width.
    pub const fn tile(&self) -> &TileId {
        &self.tile
    }

    /// The tile's hashes, concatenated: `width * 32` bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The data, consuming the record.
    pub fn into_data(self) -> Vec<u8> {
        self.data
    }
}

/// What one [`TileBuilder::append`] produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    root: RootHash,
    tiles: Vec<TileContents>,
}

impl Appended {
    /// The root of the tree after the append.
    pub const fn root(&self) -> &RootHash {
        &self.root
    }

    /// Every tile whose contents changed: tiles completed by the append (in
    /// the order they filled), then the current partial tile of each level
    /// that received hashes.
    pub fn tiles(&self) -> &[TileContents] {
        &self.tiles
    }

    /// The changed tiles, consuming the result.
    pub fn into_tiles(self) -> Vec<TileContents> {
        self.tiles
    }
}

/// The rightmost tile of one level and its compact range.
#[derive(Clone, Debug, Default)]
struct Level {
    /// Hashes of the partial tile, 0 to 255 of them.
    hashes: Vec<Hash>,
    /// (height, root) of the perfect subtrees over `hashes`, left to right,
    /// heights strictly decreasing: the set bits of `hashes.len()`.
    range: Vec<(u8, Hash)>,
    /// Hashes ever appended at this level: `size >> (8 * level)`.
    count: u64,
    /// Whether the partial tile changed in the current append.
    dirty: bool,
}

impl Level {
    /// Appends one hash. If that fills the tile, returns the tile's root
    /// and its 256 hashes, and the level starts a new, empty tile.
    fn push(&mut self, hash: Hash) -> Option<(Hash, Vec<Hash>)> {
        self.hashes.push(hash);
        self.count += 1;
        self.dirty = true;
        let mut node = (0u8, hash);
        // Merge with the rightmost root while heights match: the binary
        // carry of an increment, one hash per merged pair.
        while let Some(&(height, left)) = self.range.last() {
            if height != node.0 {
                break;
            }
            self.range.pop();
            node = (height + 1, node_hash(&left, &node.1));
        }
        if node.0 == TILE_HEIGHT_U8 {
            // The tile is full: its root moves up a level. The range is
            // empty again (all eight roots merged).
            self.dirty = false;
            let full = core::mem::replace(
                &mut self.hashes,
                Vec::with_capacity(usize::from(TILE_WIDTH)),
            );
            return Some((node.1, full));
        }
        self.range.push(node);
        None
    }
}

/// Height of a tile, as a level count.
const TILE_HEIGHT_U8: u8 = crate::tile::TILE_HEIGHT;

/// The tree state a sequencer keeps: the size plus the rightmost tile of
/// every level (c2sp-digest §5.3). Pure: no storage, no clock.
#[derive(Clone, Debug)]
pub struct TileBuilder {
    size: u64,
    levels: Vec<Level>,
}

impl Default for TileBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TileBuilder {
    /// The empty tree.
    pub fn new() -> Self {
        Self {
            size: 0,
            levels: (0..TILE_LEVELS).map(|_| Level::default()).collect(),
        }
    }

    /// Resumes from the stored partial tiles of the tree whose root is
    /// `root`, without replaying any leaf (c2sp-digest §5.3, §5.5).
    ///
    /// `rightmost` must hold exactly the tiles
    /// [`crate::tile::partial_tiles`] lists for `root.size()`, at their
    /// widths. The state is rebuilt (at most 255 hashes per level) and its
    /// root must equal `root`, which catches stale or corrupt storage.
    ///
    /// # Errors
    /// - [`ProofsError::TileMissingForRoot`] if a partial tile is missing;
    /// - [`ProofsError::TileNotInTree`] for a tile that is not a partial tile
    ///   of this size, [`ProofsError::TileWidthMismatch`] for one of the wrong width;
    /// - [`ProofsError::TileDuplicate`] for a tile given twice;
    /// - [`ProofsError::TileDataLength`] for data of the wrong length;
    /// - [`ProofsError::TileBuilderRootMismatch`] if they do not hash to `root`.
    pub fn from_tiles(root: &RootHash, rightmost: &[(TileId, &[u8])]) -> Result<Self, ProofsError> {
        let size = root.size();
        let expected = partial_tiles(size);
        let mut builder = Self::new();
        builder.size = size;
        for (level, state) in (0u8..).zip(builder.levels.iter_mut()) {
            state.count = hashes_at_level(level, size);
        }
        let mut seen = Vec::with_capacity(expected.len());
        for (tile, data) in rightmost {
            let Some(want) = expected
                .iter()
                .find(|t| t.level() == tile.level() && t.index() == tile.index())
            else {
                return Err(ProofsError::TileNotInTree {
                    level: tile.level(),
                    index: tile.index(),
                    size,
                });
            };
            if want.width() != tile.width() {
                return Err(ProofsError::TileWidthMismatch {
                    level: tile.level(),
                    index: tile.index(),
                    width: tile.width(),
                    expected: want.width(),
                });
            }
            if seen.contains(want) {
                return Err(ProofsError::TileDuplicate {
                    level: tile.level(),
                    index: tile.index(),
                });
            }
            seen.push(*want);
            let hashes = tile_hashes(tile, data)?;
            let Some(state) = builder.levels.get_mut(usize::from(tile.level())) else {
                return Err(ProofsError::TileLevelTooLarge(tile.level()));
            };
            // Re-push the stored hashes to rebuild the compact range; the
            // count is already right, so restore it afterwards.
            let count = state.count;
            for hash in hashes {
                // Fewer than 256 hashes: the tile cannot fill here.
                if state.push(hash).is_some() {
                    return Err(ProofsError::TileBuilderRootMismatch);
                }
            }
            state.count = count;
            state.dirty = false;
        }
        if let Some(missing) = expected.iter().find(|t| !seen.contains(t)) {
            return Err(ProofsError::TileMissingForRoot {
                level: missing.level(),
                index: missing.index(),
            });
        }
        if builder.root_hash() != *root.hash() {
            return Err(ProofsError::TileBuilderRootMismatch);
        }
        Ok(builder)
    }

    /// The number of leaves.
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// The current root (c2sp-digest §7.1).
    pub fn root(&self) -> RootHash {
        // `size` never exceeds MAX_TREE_SIZE (checked in `append`), and the
        // empty tree's hash is EMPTY_ROOT, so the constructor cannot fail.
        RootHash::new(self.size, self.root_hash()).unwrap_or(RootHash::empty())
    }

    /// The root hash: the compact ranges of all levels, highest level first,
    /// folded right to left (c2sp-digest §5.5, "Ragged right edge").
    fn root_hash(&self) -> Hash {
        let mut pieces = self
            .levels
            .iter()
            .rev()
            .flat_map(|level| level.range.iter().map(|(_, hash)| hash))
            .rev();
        let Some(last) = pieces.next() else {
            return EMPTY_ROOT;
        };
        pieces.fold(*last, |acc, piece| node_hash(piece, &acc))
    }

    /// The current partial tiles with their contents: what
    /// [`TileBuilder::from_tiles`] needs to resume.
    pub fn partial_tiles(&self) -> Vec<TileContents> {
        let mut all: Vec<(u8, &Level)> = (0u8..).zip(self.levels.iter()).collect();
        all.reverse();
        all.into_iter()
            .filter(|(_, level)| !level.hashes.is_empty())
            .filter_map(|(index, level)| contents(index, level).ok())
            .collect()
    }

    /// Appends leaf hashes (c2sp-digest §5.3). Returns the new root and
    /// every tile whose contents changed, with its full current contents.
    ///
    /// All or nothing: on error the builder is unchanged.
    ///
    /// # Errors
    /// [`ProofsError::TreeSizeTooLarge`] if the tree would exceed 2^63 - 1 leaves.
    pub fn append(&mut self, leaf_hashes: &[Hash]) -> Result<Appended, ProofsError> {
        let added = u64::try_from(leaf_hashes.len()).unwrap_or(u64::MAX);
        let new_size = self.size.saturating_add(added);
        check_tree_size(new_size)?;
        let mut tiles = Vec::new();
        for leaf in leaf_hashes {
            let mut carry = Some(*leaf);
            let mut level_index: u8 = 0;
            while let Some(hash) = carry {
                let Some(level) = self.levels.get_mut(usize::from(level_index)) else {
                    break;
                };
                carry = match level.push(hash) {
                    Some((tile_root, full)) => {
                        // A tile filled: store it whole, carry its root up.
                        let index = (level.count / u64::from(TILE_WIDTH)).saturating_sub(1);
                        tiles.push(TileContents {
                            tile: TileId::new(level_index, index, TILE_WIDTH)?,
                            data: flatten(&full),
                        });
                        Some(tile_root)
                    }
                    None => None,
                };
                level_index += 1;
            }
            self.size += 1;
        }
        for (index, level) in (0u8..).zip(self.levels.iter_mut()) {
            if level.dirty {
                level.dirty = false;
                if !level.hashes.is_empty() {
                    tiles.push(contents(index, level)?);
                }
            }
        }
        Ok(Appended {
            root: self.root(),
            tiles,
        })
    }
}

/// The partial tile of `level` as stored contents.
fn contents(index: u8, level: &Level) -> Result<TileContents, ProofsError> {
    let width = u16::try_from(level.hashes.len()).unwrap_or(TILE_WIDTH);
    let tile = TileId::new(index, level.count / u64::from(TILE_WIDTH), width)?;
    Ok(TileContents {
        tile,
        data: flatten(&level.hashes),
    })
}

/// Concatenates hashes into tile bytes.
fn flatten(hashes: &[Hash]) -> Vec<u8> {
    let mut data = Vec::with_capacity(hashes.len() * HASH_LEN);
    for hash in hashes {
        data.extend_from_slice(hash.as_bytes());
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leaf_hash;
    use crate::tree::MAX_TREE_SIZE;

    #[test]
    fn refuses_to_grow_past_the_largest_tree() {
        let mut builder = TileBuilder::new();
        builder.append(&[leaf_hash(b"a")]).unwrap();
        let before = builder.root();
        builder.size = MAX_TREE_SIZE;
        assert_eq!(
            builder.append(&[leaf_hash(b"b")]),
            Err(ProofsError::TreeSizeTooLarge(MAX_TREE_SIZE + 1))
        );
        assert_eq!(builder.size(), MAX_TREE_SIZE);
        builder.size = 1;
        assert_eq!(builder.root(), before);
    }

    #[test]
    fn empty_appends_change_nothing() {
        let mut builder = TileBuilder::new();
        let appended = builder.append(&[]).unwrap();
        assert_eq!(appended.root(), &RootHash::empty());
        assert!(appended.tiles().is_empty());
        assert!(builder.partial_tiles().is_empty());
    }
}
