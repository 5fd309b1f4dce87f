//! Fetching a tree's entries and tiles through c2sp.org/tlog-tiles and
//! authenticating them against a verified checkpoint (c2sp-digest §5).
//!
//! Entries come from entry bundles; their leaf hashes are appended to a
//! [`TileBuilder`] and the resulting root must be the checkpoint's, so
//! every entry handed out is one the checkpoint commits to. Consistency
//! between two checkpoints is proven from hash tiles authenticated by
//! [`VerifiedTiles`].

use sightline_proofs::tile::TILE_WIDTH;
use sightline_proofs::{
    Hash, NodeId, ProofsError, RootHash, TileBuilder, TileId, VerifiedTiles,
    build_consistency_proof, consistency_proof_nodes, leaf_hash, parse_entry_bundle,
    tile_auth::tiles_to_authenticate, verify_consistency,
};

use super::{LogClient, ToolError};

/// Fetches entries `from..to` of the tree of `size` leaves, one entry
/// bundle at a time, calling `progress` with the number fetched so far.
///
/// The entries are not yet authenticated: append their leaf hashes to a
/// builder and compare roots ([`extend_and_check`]).
///
/// # Errors
/// As [`for_each_entry`].
pub fn fetch_entries(
    client: &LogClient,
    from: u64,
    to: u64,
    size: u64,
    mut progress: impl FnMut(u64),
) -> Result<Vec<Vec<u8>>, ToolError> {
    let mut out = Vec::new();
    for_each_entry(client, from, to, size, |_, entries| {
        out.extend(entries.iter().map(|e| e.to_vec()));
        progress(out.len() as u64);
        Ok(())
    })?;
    Ok(out)
}

/// Fetches entries `from..to` of the tree of `size` leaves one entry
/// bundle at a time and hands each bundle's share to `visit` with the
/// index of its first entry, so that a long catch-up holds one bundle in
/// memory, not the log.
///
/// The entries are not authenticated: the caller appends their leaf
/// hashes to a [`TileBuilder`] and trusts nothing it derived from them
/// until the root matches the checkpoint's.
///
/// # Errors
/// Transport errors; [`ToolError::BadTile`] for a bundle that does not
/// parse, [`ToolError::EntryBundleWidth`] for one with the wrong number of
/// entries; whatever `visit` returns.
pub fn for_each_entry(
    client: &LogClient,
    from: u64,
    to: u64,
    size: u64,
    mut visit: impl FnMut(u64, &[&[u8]]) -> Result<(), ToolError>,
) -> Result<(), ToolError> {
    let width = u64::from(TILE_WIDTH);
    if from >= to {
        return Ok(());
    }
    for bundle in from / width..=(to - 1) / width {
        let tile = TileId::at_size(0, bundle, size).map_err(|error| ToolError::BadTile {
            path: format!("tile/entries/{bundle}"),
            error,
        })?;
        let path = tile.entries_path().map_err(|error| ToolError::BadTile {
            path: format!("tile/entries/{bundle}"),
            error,
        })?;
        let body = client.get_ok(&path)?;
        let entries = parse_entry_bundle(&body).map_err(|error| ToolError::BadTile {
            path: path.clone(),
            error,
        })?;
        if entries.len() != usize::from(tile.width()) {
            return Err(ToolError::EntryBundleWidth {
                path,
                got: entries.len(),
                expected: tile.width(),
            });
        }
        // The first and last bundles may hold entries outside `from..to`.
        let first = bundle * width;
        let skip = from.saturating_sub(first) as usize;
        let keep = (to - first).min(width) as usize;
        let wanted = entries
            .get(skip..keep.min(entries.len()))
            .unwrap_or_default();
        visit(first + skip as u64, wanted)?;
    }
    Ok(())
}

/// Appends the leaf hashes of `entries` to `builder` and requires the new
/// root to be `root`: the proof that the checkpoint commits to exactly
/// these entries after the builder's.
///
/// # Errors
/// [`ToolError::EntriesMismatch`] if the roots differ (the builder is then
/// left extended; callers discard it).
pub fn extend_and_check(
    builder: &mut TileBuilder,
    entries: &[Vec<u8>],
    root: &RootHash,
) -> Result<(), ToolError> {
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let mismatch = ToolError::EntriesMismatch { size: root.size() };
    let appended = builder.append(&leaves).map_err(|_| mismatch)?;
    if appended.root() != root {
        return Err(ToolError::EntriesMismatch { size: root.size() });
    }
    Ok(())
}

/// Why two checkpoints were not shown to be consistent.
#[derive(Debug)]
pub enum Consistency {
    /// The newer tree does not extend the older one: a fork.
    Inconsistent(ProofsError),
    /// The proof could not be fetched (the tiles did not authenticate, or
    /// the log did not answer).
    Unavailable(ToolError),
}

/// Proves that the tree `new` extends the tree `old`, reading the proof's
/// nodes from hash tiles authenticated against `new`.
///
/// # Errors
/// [`Consistency::Inconsistent`] for a smaller new tree, the same size with
/// another root, or a proof that does not verify;
/// [`Consistency::Unavailable`] if the tiles could not be fetched or did
/// not match `new`.
pub fn check_consistency(
    client: &LogClient,
    old: &RootHash,
    new: &RootHash,
) -> Result<(), Consistency> {
    if new.size() < old.size() {
        return Err(Consistency::Inconsistent(
            ProofsError::ConsistencyOldLarger {
                old: old.size(),
                new: new.size(),
            },
        ));
    }
    if old.size() == 0 {
        return Ok(());
    }
    if old.size() == new.size() {
        return if old == new {
            Ok(())
        } else {
            Err(Consistency::Inconsistent(
                ProofsError::ConsistencySameSizeRootMismatch(new.size()),
            ))
        };
    }
    let ranges =
        consistency_proof_nodes(old.size(), new.size()).map_err(Consistency::Inconsistent)?;
    let nodes: Vec<NodeId> = ranges
        .iter()
        .flat_map(sightline_proofs::Subtree::perfect_nodes)
        .collect();
    let plan = tiles_to_authenticate(new.size(), &nodes)
        .map_err(|e| Consistency::Unavailable(bad_tile("consistency tiles", e)))?;
    let fetched = fetch_tiles(client, &plan).map_err(Consistency::Unavailable)?;
    let borrowed: Vec<(TileId, &[u8])> = fetched.iter().map(|(t, d)| (*t, d.as_slice())).collect();
    let verified = VerifiedTiles::new(new, &borrowed)
        .map_err(|e| Consistency::Unavailable(bad_tile("hash tiles", e)))?;
    let proof = build_consistency_proof(&verified, old.size(), new.size())
        .map_err(|e| Consistency::Unavailable(bad_tile("hash tiles", e)))?;
    verify_consistency(old, new, &proof).map_err(Consistency::Inconsistent)
}

/// Fetches hash tiles by id.
///
/// # Errors
/// Transport errors and unexpected statuses.
pub fn fetch_tiles(
    client: &LogClient,
    ids: &[TileId],
) -> Result<Vec<(TileId, Vec<u8>)>, ToolError> {
    ids.iter()
        .map(|id| Ok((*id, client.get_ok(&id.path())?)))
        .collect()
}

fn bad_tile(what: &str, error: ProofsError) -> ToolError {
    ToolError::BadTile {
        path: what.to_owned(),
        error,
    }
}
