//! c2sp.org/tlog-tiles coordinates (c2sp-digest §5): tile ids and their
//! canonical paths, which tiles exist at a tree size, where a node lives
//! in them, and how to read a node hash from a tile's contents.
//!
//! A tile is a height-8 subtree stored as the concatenation of its bottom
//! row of 32-byte hashes: up to 256 of them. Tile `(L, N)` holds the level
//! `8L` node hashes `[256 N, 256 N + W)`; at level 0 those are leaf hashes.
//! Only full tiles are folded into the level above; the rightmost tile of a
//! level may be partial (width `W < 256`).
//!
//! ```
//! use sightline_proofs::{TileId, TilePath};
//! use sightline_proofs::tile::partial_tiles;
//!
//! let tile = TilePath::parse("tile/0/x001/x234/067.p/8")?.tile();
//! assert_eq!((tile.level(), tile.index(), tile.width()), (0, 1_234_067, 8));
//! assert!(TilePath::parse("tile/0/x000/067").is_err()); // not canonical
//!
//! let edge: Vec<String> = partial_tiles(70_000).iter().map(TileId::path).collect();
//! assert_eq!(edge, ["tile/2/000.p/1", "tile/1/001.p/17", "tile/0/273.p/112"]);
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use crate::hash::HASH_LEN;
use crate::tree::{NodeId, decompose_range};
use crate::{Hash, ProofsError, node_hash};

/// Levels of the Merkle tree covered by one tile (c2sp-digest §5.3).
pub const TILE_HEIGHT: u8 = 8;

/// Hashes in a full tile, `2^TILE_HEIGHT` (c2sp-digest §5.3).
pub const TILE_WIDTH: u16 = 256;

/// `TILE_WIDTH` as u64, for index math.
const WIDTH: u64 = 256;

/// The number of tile levels a tree of `u64` leaves can use: level 7 tiles
/// hold nodes of level 56, and `256^8 = 2^64`.
pub(crate) const TILE_LEVELS: u8 = 8;

/// The number of level-`8 * level` nodes (hashes at tile level `level`)
/// complete in a tree of `size` leaves.
pub(crate) fn hashes_at_level(level: u8, size: u64) -> u64 {
    size.checked_shr(u32::from(level) * u32::from(TILE_HEIGHT))
        .unwrap_or(0)
}

/// A tile: its level, its index within the level and its width (the number
/// of hashes it holds, 256 for a full tile) (c2sp-digest §5.1, §5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileId {
    level: u8,
    index: u64,
    width: u16,
}

impl TileId {
    /// The tile at `level` and `index` holding `width` hashes (c2sp-digest §5.1).
    ///
    /// # Errors
    /// - [`ProofsError::TileLevelTooLarge`] if `level` > 63;
    /// - [`ProofsError::TileWidthOutOfRange`] unless 1 <= `width` <= 256.
    pub fn new(level: u8, index: u64, width: u16) -> Result<Self, ProofsError> {
        if level > 63 {
            return Err(ProofsError::TileLevelTooLarge(level));
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(ProofsError::TileWidthOutOfRange(width));
        }
        Ok(Self {
            level,
            index,
            width,
        })
    }

    /// The tile at `level` and `index` as it exists in the tree of `size`
    /// leaves, with the width that tree gives it (c2sp-digest §5.3).
    ///
    /// # Errors
    /// - [`ProofsError::TileLevelTooLarge`] if `level` > 63;
    /// - [`ProofsError::TileNotInTree`] if the tree holds no hash of that tile.
    pub fn at_size(level: u8, index: u64, size: u64) -> Result<Self, ProofsError> {
        if level > 63 {
            return Err(ProofsError::TileLevelTooLarge(level));
        }
        let hashes = hashes_at_level(level, size);
        let full = hashes / WIDTH;
        let width = if index < full {
            TILE_WIDTH
        } else if index == full && !hashes.is_multiple_of(WIDTH) {
            // Below 256, so the cast is exact.
            (hashes % WIDTH) as u16
        } else {
            return Err(ProofsError::TileNotInTree { level, index, size });
        };
        Ok(Self {
            level,
            index,
            width,
        })
    }

    /// The tile holding `node` in the tree of `size` leaves, and the
    /// position of the node's first hash in it (c2sp-digest §5.5, "Reading a node").
    ///
    /// # Errors
    /// - [`ProofsError::NodeNotInTree`] if `node` is not complete at `size`;
    /// - [`ProofsError::TileNotInTree`] if the tree is too small for the tile.
    pub fn containing(node: NodeId, size: u64) -> Result<(Self, u16), ProofsError> {
        if !node.is_complete_in(size) {
            return Err(ProofsError::NodeNotInTree {
                level: node.level(),
                index: node.index(),
                size,
            });
        }
        let level = node.level() / TILE_HEIGHT;
        let height = node.level() % TILE_HEIGHT;
        // First hash of the node at tile level `level`: index << height,
        // which is below its end (index + 1) << level, so it fits.
        let first = node.index() << height;
        let tile = Self::at_size(level, first / WIDTH, size)?;
        Ok((tile, (first % WIDTH) as u16))
    }

    /// The tile's level: it holds hashes of tree level `8 * level`.
    pub const fn level(&self) -> u8 {
        self.level
    }

    /// The tile's index within its level.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The number of hashes the tile holds, 1 to 256.
    pub const fn width(&self) -> u16 {
        self.width
    }

    /// Whether the tile holds all 256 hashes.
    pub const fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The size in bytes of the tile's contents: 32 per hash.
    pub const fn data_len(&self) -> usize {
        self.width as usize * HASH_LEN
    }

    /// The tile's hash path, `tile/<L>/<N>[.p/<W>]` (c2sp-digest §5.1, §5.2).
    pub fn path(&self) -> String {
        TilePath::Hashes(*self).to_string()
    }

    /// The path of the entry bundle matching this level-0 tile,
    /// `tile/entries/<N>[.p/<W>]` (c2sp-digest §5.1, §5.3).
    ///
    /// # Errors
    /// [`ProofsError::TileEntriesNotLevelZero`] above level 0.
    pub fn entries_path(&self) -> Result<String, ProofsError> {
        if self.level != 0 {
            return Err(ProofsError::TileEntriesNotLevelZero(self.level));
        }
        Ok(TilePath::Entries(*self).to_string())
    }

    /// The same tile, with `width` hashes: for reading a prefix of a stored
    /// tile as an older partial tile (c2sp-digest §5.3).
    ///
    /// # Errors
    /// [`ProofsError::TileWidthOutOfRange`] unless 1 <= `width` <= 256.
    pub fn with_width(&self, width: u16) -> Result<Self, ProofsError> {
        Self::new(self.level, self.index, width)
    }

    /// The tile one level up whose hashes include this full tile's root, as
    /// it exists in the tree of `size` leaves.
    ///
    /// # Errors
    /// [`ProofsError::TileNotInTree`] if there is no such tile (a partial
    /// tile is never folded into a parent), [`ProofsError::TileLevelTooLarge`]
    /// at level 63.
    pub fn parent(&self, size: u64) -> Result<(Self, u16), ProofsError> {
        let not_in_tree = ProofsError::TileNotInTree {
            level: self.level.saturating_add(1),
            index: self.index / WIDTH,
            size,
        };
        if !self.is_full() {
            return Err(not_in_tree);
        }
        let level = self.level.checked_add(1).ok_or(not_in_tree)?;
        let parent = Self::at_size(level, self.index / WIDTH, size)?;
        Ok((parent, (self.index % WIDTH) as u16))
    }
}

/// A parsed tlog-tiles path: a hash tile or an entry bundle (c2sp-digest §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TilePath {
    /// `tile/<L>/<N>[.p/<W>]`: a tile of hashes.
    Hashes(TileId),
    /// `tile/entries/<N>[.p/<W>]`: the entry bundle of level-0 tile N
    /// (its `TileId` has level 0).
    Entries(TileId),
}

/// The longest canonical path: `tile/entries/` and the 7 groups of
/// `u64::MAX` and `.p/255` take 52 bytes; anything longer is refused
/// before any parsing.
const MAX_TILE_PATH_LEN: usize = 64;

impl TilePath {
    /// Parses a canonical tile path (c2sp-digest §5.1, §5.2, §9.4).
    ///
    /// Only the one canonical spelling of each tile is accepted: no leading
    /// `x000/` group, no leading zeros in the level or width, no `.p/0` or
    /// `.p/256`, levels 0 to 63 only.
    ///
    /// # Errors
    /// One `TilePath*` variant of [`ProofsError`] per broken rule.
    pub fn parse(path: &str) -> Result<Self, ProofsError> {
        if path.len() > MAX_TILE_PATH_LEN {
            return Err(ProofsError::TilePathTooLong);
        }
        let rest = path
            .strip_prefix("tile/")
            .ok_or(ProofsError::TilePathPrefix)?;
        let (level_part, rest) = rest.split_once('/').ok_or(ProofsError::TilePathLevel)?;
        let entries = level_part == "entries";
        let level = if entries {
            0
        } else {
            parse_canonical_decimal(level_part)
                .filter(|level| *level <= 63)
                .ok_or(ProofsError::TilePathLevel)? as u8
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index_part, width_part)) => {
                let width = parse_canonical_decimal(width_part)
                    .filter(|w| (1..u64::from(TILE_WIDTH)).contains(w))
                    .ok_or(ProofsError::TilePathWidth)?;
                (index_part, width as u16)
            }
            None => (rest, TILE_WIDTH),
        };
        let index = parse_index(index_part)?;
        let id = TileId::new(level, index, width)?;
        Ok(if entries {
            Self::Entries(id)
        } else {
            Self::Hashes(id)
        })
    }

    /// The tile this path names.
    pub const fn tile(&self) -> TileId {
        match self {
            Self::Hashes(id) | Self::Entries(id) => *id,
        }
    }
}

impl fmt::Display for TilePath {
    /// Writes the canonical path (c2sp-digest §5.2).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.tile();
        match self {
            Self::Hashes(_) => write!(f, "tile/{}/", id.level)?,
            Self::Entries(_) => f.write_str("tile/entries/")?,
        }
        // Groups of three digits, most significant first; all but the last
        // carry an `x` prefix and a slash.
        let mut groups = [0u16; 7];
        let mut count = 0;
        let mut n = id.index;
        loop {
            if let Some(slot) = groups.get_mut(count) {
                *slot = (n % 1000) as u16;
            }
            count += 1;
            n /= 1000;
            if n == 0 {
                break;
            }
        }
        let mut out = String::new();
        for (i, group) in groups.iter().take(count).rev().enumerate() {
            if i + 1 < count {
                write!(out, "x{group:03}/")?;
            } else {
                write!(out, "{group:03}")?;
            }
        }
        f.write_str(&out)?;
        if !id.is_full() {
            write!(f, ".p/{}", id.width)?;
        }
        Ok(())
    }
}

/// A decimal number without sign, spaces or leading zeros ("0" itself is
/// fine), at most 3 digits (levels and widths). `None` otherwise.
fn parse_canonical_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return None;
    }
    text.parse().ok()
}

/// Parses the `xNNN/.../NNN` index groups (c2sp-digest §5.2).
fn parse_index(text: &str) -> Result<u64, ProofsError> {
    let groups: Vec<&str> = text.split('/').collect();
    let Some((last, leading)) = groups.split_last() else {
        return Err(ProofsError::TilePathIndex);
    };
    if leading.first() == Some(&"x000") {
        return Err(ProofsError::TilePathIndexLeadingZeros);
    }
    let mut index: u64 = 0;
    for (i, group) in groups.iter().enumerate() {
        let digits = if i < leading.len() {
            group.strip_prefix('x').ok_or(ProofsError::TilePathIndex)?
        } else {
            last
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ProofsError::TilePathIndex);
        }
        let value: u64 = digits.parse().map_err(|_| ProofsError::TilePathIndex)?;
        index = index
            .checked_mul(1000)
            .and_then(|n| n.checked_add(value))
            .ok_or(ProofsError::TilePathIndexOverflow)?;
    }
    Ok(index)
}

/// The partial tiles of the tree of `size` leaves, top level first: the
/// rightmost tile of every level whose hash count is not a multiple of 256
/// (c2sp-digest §5.3, "Partial tiles").
///
/// These are exactly the tiles that hold the tree's right edge, so the root
/// is computed from them alone (c2sp-digest §5.5: for 70000,
/// `tile/2/000.p/1`, `tile/1/001.p/17`, `tile/0/273.p/112`).
pub fn partial_tiles(size: u64) -> Vec<TileId> {
    (0..TILE_LEVELS)
        .rev()
        .filter_map(|level| {
            let hashes = hashes_at_level(level, size);
            let width = (hashes % WIDTH) as u16;
            (width != 0).then_some(TileId {
                level,
                index: hashes / WIDTH,
                width,
            })
        })
        .collect()
}

/// The tiles a log publishes when its tree grows from `old_size` to
/// `new_size` leaves: every tile that exists at `new_size` with contents it
/// did not have at `old_size`, by level, then index (c2sp-digest §5.3).
///
/// # Errors
/// [`ProofsError::ConsistencyOldLarger`] if `old_size > new_size`.
pub fn new_tiles(old_size: u64, new_size: u64) -> Result<Vec<TileId>, ProofsError> {
    if old_size > new_size {
        return Err(ProofsError::ConsistencyOldLarger {
            old: old_size,
            new: new_size,
        });
    }
    let mut tiles = Vec::new();
    for level in 0..TILE_LEVELS {
        let old = hashes_at_level(level, old_size);
        let new = hashes_at_level(level, new_size);
        if old == new {
            continue;
        }
        // Every tile from the one holding the first new hash to the last.
        for index in old / WIDTH..=(new - 1) / WIDTH {
            tiles.push(TileId::at_size(level, index, new_size)?);
        }
    }
    Ok(tiles)
}

/// The distinct tiles holding `nodes` in the tree of `size` leaves, sorted
/// (c2sp-digest §5.5). These alone are not authenticated by a root; see
/// [`crate::tile_auth::tiles_to_authenticate`] for the full set a client fetches.
///
/// # Errors
/// As [`TileId::containing`].
pub fn tiles_for_nodes(nodes: &[NodeId], size: u64) -> Result<Vec<TileId>, ProofsError> {
    let mut tiles = nodes
        .iter()
        .map(|node| TileId::containing(*node, size).map(|(tile, _)| tile))
        .collect::<Result<Vec<_>, _>>()?;
    tiles.sort_unstable();
    tiles.dedup();
    Ok(tiles)
}

/// Splits tile data into its hashes, checking it is exactly `tile.width()`
/// hashes long (c2sp-digest §5.3).
///
/// # Errors
/// [`ProofsError::TileDataLength`] for any other length.
pub fn tile_hashes(tile: &TileId, data: &[u8]) -> Result<Vec<Hash>, ProofsError> {
    if data.len() != tile.data_len() {
        return Err(ProofsError::TileDataLength {
            expected: tile.data_len(),
            actual: data.len(),
        });
    }
    data.chunks_exact(HASH_LEN).map(Hash::from_slice).collect()
}

/// Folds `2^k` hashes into the root of the perfect subtree above them.
/// Callers pass a power-of-two count; an empty slice gives `None`.
pub(crate) fn fold_perfect(hashes: &[Hash]) -> Option<Hash> {
    let mut row: Vec<Hash> = hashes.to_vec();
    while row.len() > 1 {
        let next: Vec<Hash> = row
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => node_hash(left, right),
                [single] => *single,
                _ => Hash::default(),
            })
            .collect();
        row = next;
    }
    row.first().copied()
}

/// The hash of `node`, read from the contents of `tile` (c2sp-digest §5.5,
/// "Reading a node": the perfect fold of the node's hashes in the tile).
///
/// Success does **not** imply the tile is authentic; use
/// [`crate::tile_auth::VerifiedTiles`] for tiles from an untrusted server.
///
/// # Errors
/// - [`ProofsError::NodeNotInTile`] if the tile does not hold all of the node;
/// - [`ProofsError::TileDataLength`] if `data` does not match the width.
pub fn node_hash_from_tile(tile: &TileId, data: &[u8], node: NodeId) -> Result<Hash, ProofsError> {
    let hashes = tile_hashes(tile, data)?;
    node_hash_from_hashes(tile, &hashes, node)
}

/// As [`node_hash_from_tile`], over already split hashes.
pub(crate) fn node_hash_from_hashes(
    tile: &TileId,
    hashes: &[Hash],
    node: NodeId,
) -> Result<Hash, ProofsError> {
    let not_in_tile = ProofsError::NodeNotInTile {
        level: node.level(),
        index: node.index(),
    };
    if node.level() / TILE_HEIGHT != tile.level {
        return Err(not_in_tile);
    }
    let height = node.level() % TILE_HEIGHT;
    let first = node.index() << height;
    if first / WIDTH != tile.index {
        return Err(not_in_tile);
    }
    let start = (first % WIDTH) as usize;
    let end = start + (1usize << height);
    let slice = hashes.get(start..end).ok_or(not_in_tile.clone())?;
    fold_perfect(slice).ok_or(not_in_tile)
}

/// The root of the tree of `size` leaves, from its partial tiles in the
/// order [`partial_tiles`] lists them (c2sp-digest §5.5, "Ragged right
/// edge"). `contents` holds each tile's hashes.
pub(crate) fn root_from_partial_tiles(tiles: &[(TileId, &[Hash])]) -> Option<Hash> {
    let mut pieces = Vec::new();
    for (tile, hashes) in tiles {
        // The tile's width, split into powers of two largest first, gives
        // the tree-level pieces of the right edge inside this tile.
        for node in decompose_range(0, u64::from(tile.width)) {
            let start = node.start() as usize;
            let end = node.end() as usize;
            pieces.push(fold_perfect(hashes.get(start..end)?)?);
        }
    }
    let mut iter = pieces.iter().rev();
    let last = *iter.next()?;
    Some(iter.fold(last, |acc, piece| node_hash(piece, &acc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(path: &str) -> Result<TilePath, ProofsError> {
        TilePath::parse(path)
    }

    #[test]
    fn index_encoding_matches_the_digest() {
        let path = |n| TileId::new(0, n, 256).unwrap().path();
        assert_eq!(path(0), "tile/0/000");
        assert_eq!(path(1_234_067), "tile/0/x001/x234/067");
        assert_eq!(path(1000), "tile/0/x001/000");
        assert_eq!(
            TileId::new(3, u64::MAX, 255).unwrap().path(),
            "tile/3/x018/x446/x744/x073/x709/x551/615.p/255"
        );
        assert_eq!(
            TileId::new(0, 5, 8).unwrap().entries_path().unwrap(),
            "tile/entries/005.p/8"
        );
        assert_eq!(
            TileId::new(1, 5, 8).unwrap().entries_path(),
            Err(ProofsError::TileEntriesNotLevelZero(1))
        );
    }

    #[test]
    fn parses_canonical_paths_only() {
        for good in [
            "tile/0/000",
            "tile/63/x001/x234/067.p/255",
            "tile/entries/x001/000.p/1",
            "tile/2/000.p/1",
            "tile/0/x018/x446/x744/x073/x709/x551/615",
        ] {
            let parsed = parse(good).unwrap();
            assert_eq!(parsed.to_string(), good);
        }
        let cases = [
            ("tile/0/x000/001", ProofsError::TilePathIndexLeadingZeros),
            ("tile/0/000.p/0", ProofsError::TilePathWidth),
            ("tile/0/000.p/256", ProofsError::TilePathWidth),
            ("tile/0/000.p/08", ProofsError::TilePathWidth),
            ("tile/64/000", ProofsError::TilePathLevel),
            ("tile/01/000", ProofsError::TilePathLevel),
            ("tile/8/0/000", ProofsError::TilePathIndex),
            ("tile/0/00", ProofsError::TilePathIndex),
            ("tile/0/0000", ProofsError::TilePathIndex),
            ("tile/0/001/002", ProofsError::TilePathIndex),
            ("tile/0/x001", ProofsError::TilePathIndex),
            ("tile/0/+01", ProofsError::TilePathIndex),
            ("tile/data/000", ProofsError::TilePathLevel),
            ("tiles/0/000", ProofsError::TilePathPrefix),
            ("tile/0", ProofsError::TilePathLevel),
            ("tile/0/", ProofsError::TilePathIndex),
            (
                "tile/0/x018/x446/x744/x073/x709/x551/616",
                ProofsError::TilePathIndexOverflow,
            ),
            (
                "tile/0/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/x001/000",
                ProofsError::TilePathTooLong,
            ),
        ];
        for (bad, error) in cases {
            assert_eq!(parse(bad), Err(error), "{bad}");
        }
    }

    #[test]
    fn seventy_thousand_layout() {
        let partial: Vec<String> = partial_tiles(70_000).iter().map(TileId::path).collect();
        assert_eq!(
            partial,
            ["tile/2/000.p/1", "tile/1/001.p/17", "tile/0/273.p/112"]
        );
        assert_eq!(TileId::at_size(0, 272, 70_000).unwrap().width(), 256);
        assert_eq!(TileId::at_size(1, 0, 70_000).unwrap().width(), 256);
        assert_eq!(
            TileId::at_size(0, 274, 70_000),
            Err(ProofsError::TileNotInTree {
                level: 0,
                index: 274,
                size: 70_000
            })
        );
        let all = new_tiles(0, 70_000).unwrap();
        assert_eq!(all.len(), 273 + 1 + 1 + 1 + 1);
        let small: Vec<String> = new_tiles(0, 256)
            .unwrap()
            .iter()
            .map(TileId::path)
            .collect();
        assert_eq!(small, ["tile/0/000", "tile/1/000.p/1"]);
        assert!(new_tiles(5, 5).unwrap().is_empty());
    }

    #[test]
    fn node_location() {
        // Node (9, 3) covers leaves [1536, 2048): level-8 hashes 6 and 7,
        // in tile (1, 0) at offset 6.
        let node = NodeId::new(9, 3).unwrap();
        let (tile, offset) = TileId::containing(node, 70_000).unwrap();
        assert_eq!((tile.level(), tile.index(), offset), (1, 0, 6));
        assert!(TileId::containing(node, 2047).is_err());
        let (parent, slot) = TileId::at_size(0, 272, 70_000)
            .unwrap()
            .parent(70_000)
            .unwrap();
        assert_eq!((parent.path(), slot), ("tile/1/001.p/17".into(), 16));
        assert!(
            TileId::at_size(0, 273, 70_000)
                .unwrap()
                .parent(70_000)
                .is_err()
        );
    }
}
