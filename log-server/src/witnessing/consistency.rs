//! Consistency proofs for add-checkpoint requests, read from the store's
//! tiles: the nodes come from `proofs` (`consistency_proof_nodes`,
//! `tiles_for_nodes`), the hashes from one batched tile read.

use std::collections::HashMap;

use sightline_proofs::tile::{node_hash_from_tile, tiles_for_nodes};
use sightline_proofs::tree::Subtree;
use sightline_proofs::{
    Hash, NodeId, NodeReader, ProofsError, TileId, build_consistency_proof, consistency_proof_nodes,
};

use crate::error::Error;
use crate::storage::{LogStore, TileKey};

/// The tiles a proof needs at one tree size.
struct Tiles {
    size: u64,
    data: HashMap<(u8, u64), Vec<u8>>,
}

impl NodeReader for Tiles {
    type Error = ProofsError;

    fn read_nodes(&self, nodes: &[NodeId]) -> Result<Vec<Hash>, ProofsError> {
        nodes
            .iter()
            .map(|node| {
                let (tile, _) = TileId::containing(*node, self.size)?;
                let data = self
                    .data
                    .get(&(tile.level(), tile.index()))
                    .and_then(|d| d.get(..tile.data_len()))
                    .ok_or(ProofsError::NodeNotInTile {
                        level: node.level(),
                        index: node.index(),
                    })?;
                node_hash_from_tile(&tile, data, *node)
            })
            .collect()
    }
}

/// The consistency proof from `old` to `new` (both committed sizes, `old <=
/// new`); empty for `old` 0 or `old == new`.
///
/// # Errors
/// Storage errors; [`Error::StorageCorrupt`] if a tile under the proof is
/// missing; [`Error::Internal`] for sizes the tree cannot prove.
pub async fn consistency_proof(
    store: &dyn LogStore,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, Error> {
    let ranges = consistency_proof_nodes(old, new).map_err(Error::Internal)?;
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let nodes: Vec<NodeId> = ranges.iter().flat_map(Subtree::perfect_nodes).collect();
    let ids = tiles_for_nodes(&nodes, new).map_err(Error::Internal)?;
    let keys: Vec<TileKey> = ids
        .iter()
        .map(|t| TileKey {
            level: t.level(),
            index: t.index(),
        })
        .collect();
    let stored = store.read_tiles(keys.clone()).await?;
    let mut data = HashMap::with_capacity(keys.len());
    for (key, tile) in keys.into_iter().zip(stored) {
        let tile = tile.ok_or(Error::StorageCorrupt("a tile under a proof is missing"))?;
        data.insert((key.level, key.index), tile);
    }
    let proof =
        build_consistency_proof(&Tiles { size: new, data }, old, new).map_err(Error::Internal)?;
    Ok(proof.path().to_vec())
}
