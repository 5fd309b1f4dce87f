//! Authenticating tiles fetched from an untrusted server against a signed
//! root (c2sp-digest §5.5, "Caching tiles"), and reading proof nodes from
//! them through [`NodeReader`].
//!
//! The rule is simple and has no exceptions: **no hash leaves this module
//! unless the tile it comes from has been checked**, and every tile handed
//! in is checked, whether or not a hash is later read from it.
//!
//! - The partial tiles of the tree (its right edge, see
//!   [`crate::tile::partial_tiles`]) are checked together by recomputing the
//!   signed root from them; each is used in full.
//! - Every other tile is full, and is checked against the entry its parent
//!   tile holds for it, parents first.
//!
//! Go's `tlog.TileHashReader` authenticates the tiles behind the root in
//! one pass and then checks the remaining tiles starting from a position
//! counted in root *subtrees*, not root *tiles*; when several root subtrees
//! share a tile, some fetched tiles are never checked. Here every tile is
//! marked authenticated individually, so that gap cannot open.
//!
//! ```
//! use sightline_proofs::tile_auth::tiles_to_authenticate;
//! use sightline_proofs::{NodeId, TileBuilder, VerifiedTiles, build_inclusion_proof, leaf_hash,
//!     inclusion_proof_nodes, verify_inclusion};
//!
//! // A log's tiles (here from a builder; a client would fetch them).
//! let leaves: Vec<_> = (0u32..1000).map(|i| leaf_hash(&i.to_be_bytes())).collect();
//! let mut builder = TileBuilder::new();
//! let stored = builder.append(&leaves)?.into_tiles();
//! let root = builder.root(); // in practice: from a verified checkpoint
//!
//! // Which tiles to fetch for the proof of leaf 42 at size 1000.
//! let nodes: Vec<NodeId> = inclusion_proof_nodes(42, 1000)?
//!     .iter()
//!     .flat_map(|range| range.perfect_nodes())
//!     .collect();
//! let plan = tiles_to_authenticate(1000, &nodes)?;
//! let fetched: Vec<_> = plan
//!     .iter()
//!     .map(|id| {
//!         let record = stored.iter().find(|t| t.tile().level() == id.level() && t.tile().index() == id.index());
//!         (*id, &record.expect("stored").data()[..id.data_len()])
//!     })
//!     .collect();
//! let verified = VerifiedTiles::new(&root, &fetched)?;
//! let proof = build_inclusion_proof(&verified, 42, 1000)?;
//! verify_inclusion(&leaves[42], &proof, &root)?;
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::node_reader::NodeReader;
use crate::tile::{
    TileId, fold_perfect, node_hash_from_hashes, partial_tiles, root_from_partial_tiles,
    tile_hashes,
};
use crate::tree::NodeId;
use crate::{Hash, ProofsError, RootHash};

/// The tiles a client must fetch so that [`VerifiedTiles`] can
/// authenticate, and then read, every one of `nodes` in the tree of
/// `root_size` leaves (c2sp-digest §5.5).
///
/// The list holds the partial tiles first (top level first), then the tile
/// of each node together with every full ancestor tile up to a partial
/// one, parents before children. No tile appears twice.
///
/// # Errors
/// As [`TileId::containing`] (a node not complete at `root_size`).
pub fn tiles_to_authenticate(root_size: u64, nodes: &[NodeId]) -> Result<Vec<TileId>, ProofsError> {
    let mut out = partial_tiles(root_size);
    for node in nodes {
        let (tile, _) = TileId::containing(*node, root_size)?;
        // Climb until reaching a tile already planned; collect the climb
        // and append it top-down so parents precede children.
        let mut chain = Vec::new();
        let mut current = tile;
        while !out.contains(&current) && !chain.contains(&current) {
            chain.push(current);
            match current.parent(root_size) {
                Ok((parent, _)) => current = parent,
                // Only a partial tile lacks a parent, and partial tiles
                // are already in `out`; stop rather than loop.
                Err(_) => break,
            }
        }
        out.extend(chain.into_iter().rev());
    }
    Ok(out)
}

/// Tiles of one tree that have all been authenticated against its signed
/// root. Implements [`NodeReader`], so proofs can be built from them with
/// [`crate::build_inclusion_proof`] and [`crate::build_consistency_proof`].
#[derive(Clone, Debug)]
pub struct VerifiedTiles {
    root: RootHash,
    // (level, index) -> the authenticated tile and its hashes.
    tiles: BTreeMap<(u8, u64), (TileId, Vec<Hash>)>,
}

impl VerifiedTiles {
    /// Authenticates `fetched` tiles against `root` (c2sp-digest §5.5).
    ///
    /// The batch must include every partial tile of the tree (see
    /// [`tiles_to_authenticate`]); each full tile must come with its parent
    /// (in this batch). Either every tile is authenticated, or none is kept.
    ///
    /// Success means each tile's contents are those of the tree `root`
    /// commits to. It does **not** imply that `root` is signed, fresh or
    /// consistent with other roots; the caller checks the checkpoint first.
    ///
    /// # Errors
    /// - [`ProofsError::TileWidthMismatch`] / [`ProofsError::TileNotInTree`]
    ///   if a tile is not the tile of that index in a tree of this size;
    /// - [`ProofsError::TileDataLength`] if its data is not `width * 32` bytes;
    /// - [`ProofsError::TileDuplicate`] if a tile is given twice;
    /// - [`ProofsError::TileMissingForRoot`] if a partial tile is missing;
    /// - [`ProofsError::TileRootMismatch`] if the partial tiles do not hash to the root;
    /// - [`ProofsError::TileParentMissing`] / [`ProofsError::TileHashMismatch`]
    ///   if a full tile cannot be chained to the root.
    pub fn new(root: &RootHash, fetched: &[(TileId, &[u8])]) -> Result<Self, ProofsError> {
        let mut verified = Self {
            root: *root,
            tiles: BTreeMap::new(),
        };
        verified.add(fetched, true)?;
        Ok(verified)
    }

    /// Authenticates more tiles of the same tree, each against its parent
    /// tile (in this batch or already authenticated). Partial tiles given
    /// again must equal the authenticated copies. All or nothing.
    ///
    /// # Errors
    /// As [`VerifiedTiles::new`], except that partial tiles are not required.
    pub fn extend(&mut self, fetched: &[(TileId, &[u8])]) -> Result<(), ProofsError> {
        self.add(fetched, false)
    }

    /// The root the tiles were checked against.
    pub const fn root(&self) -> &RootHash {
        &self.root
    }

    /// The authenticated tiles, by level then index.
    pub fn tiles(&self) -> impl Iterator<Item = &TileId> {
        self.tiles.values().map(|(tile, _)| tile)
    }

    /// The authenticated hashes of `tile`, if it has been authenticated.
    pub fn tile_hashes(&self, tile: &TileId) -> Option<&[Hash]> {
        self.tiles
            .get(&(tile.level(), tile.index()))
            .filter(|(known, _)| known == tile)
            .map(|(_, hashes)| hashes.as_slice())
    }

    fn add(&mut self, fetched: &[(TileId, &[u8])], with_root: bool) -> Result<(), ProofsError> {
        let size = self.root.size();
        // Parse and place every tile first; nothing is trusted yet.
        let mut pending: BTreeMap<(u8, u64), (TileId, Vec<Hash>)> = BTreeMap::new();
        for (tile, data) in fetched {
            let expected = TileId::at_size(tile.level(), tile.index(), size)?;
            if expected.width() != tile.width() {
                return Err(ProofsError::TileWidthMismatch {
                    level: tile.level(),
                    index: tile.index(),
                    width: tile.width(),
                    expected: expected.width(),
                });
            }
            let hashes = tile_hashes(tile, data)?;
            let key = (tile.level(), tile.index());
            if pending.insert(key, (*tile, hashes)).is_some() {
                return Err(ProofsError::TileDuplicate {
                    level: tile.level(),
                    index: tile.index(),
                });
            }
        }

        // Staged copy of the authenticated set: committed only at the end.
        let mut staged = self.tiles.clone();

        // 1. The right edge: all partial tiles together must rebuild the root.
        if with_root {
            let edge = partial_tiles(size);
            let mut contents = Vec::with_capacity(edge.len());
            for tile in &edge {
                let (_, hashes) = pending.get(&(tile.level(), tile.index())).ok_or(
                    ProofsError::TileMissingForRoot {
                        level: tile.level(),
                        index: tile.index(),
                    },
                )?;
                contents.push((*tile, hashes.as_slice()));
            }
            if !edge.is_empty() {
                let computed = root_from_partial_tiles(&contents);
                if computed.as_ref() != Some(self.root.hash()) {
                    return Err(ProofsError::TileRootMismatch);
                }
            }
            for tile in &edge {
                if let Some(entry) = pending.remove(&(tile.level(), tile.index())) {
                    staged.insert((tile.level(), tile.index()), entry);
                }
            }
        }

        // 2. Everything else, parents (higher levels) first. A tile already
        //    authenticated must be byte-identical to the known copy.
        let mut rest: Vec<(TileId, Vec<Hash>)> = pending.into_values().collect();
        rest.sort_by(|(a, _), (b, _)| b.level().cmp(&a.level()).then(a.index().cmp(&b.index())));
        for (tile, hashes) in rest {
            let key = (tile.level(), tile.index());
            let mismatch = ProofsError::TileHashMismatch {
                level: tile.level(),
                index: tile.index(),
            };
            if let Some((_, known)) = staged.get(&key) {
                if *known != hashes {
                    return Err(mismatch);
                }
                continue;
            }
            // Not yet known: only a full tile can be chained to a parent;
            // a partial tile here means the root check was skipped for it.
            let parent_missing = ProofsError::TileParentMissing {
                level: tile.level(),
                index: tile.index(),
            };
            let (parent, slot) = tile.parent(size).map_err(|_| parent_missing.clone())?;
            let (_, parent_hashes) = staged
                .get(&(parent.level(), parent.index()))
                .ok_or(parent_missing)?;
            let expected = parent_hashes.get(usize::from(slot));
            if expected != fold_perfect(&hashes).as_ref() {
                return Err(mismatch);
            }
            staged.insert(key, (tile, hashes));
        }
        self.tiles = staged;
        Ok(())
    }
}

impl NodeReader for VerifiedTiles {
    type Error = ProofsError;

    /// Reads nodes from authenticated tiles only (c2sp-digest §5.5).
    fn read_nodes(&self, nodes: &[NodeId]) -> Result<Vec<Hash>, ProofsError> {
        nodes
            .iter()
            .map(|node| {
                let (tile, _) = TileId::containing(*node, self.root.size())?;
                let (_, hashes) = self.tiles.get(&(tile.level(), tile.index())).ok_or(
                    ProofsError::TileNotSupplied {
                        level: tile.level(),
                        index: tile.index(),
                    },
                )?;
                node_hash_from_hashes(&tile, hashes, *node)
            })
            .collect()
    }
}
