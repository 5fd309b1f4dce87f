//! What each endpoint does, as plain functions over [`AppState`]
//! (STYLE §17); the HTTP handlers only extract and wrap.

use std::collections::{BTreeMap, HashMap};

use sightline_proofs::bundle::{Bundle, BundleEntry};
use sightline_proofs::policy::DeviceTarget;
use sightline_proofs::record::{ArtifactDigest, Record, SignedRecord};
use sightline_proofs::tile::{node_hash_from_tile, tiles_for_nodes};
use sightline_proofs::tlog_proof::TlogProof;
use sightline_proofs::tree::Subtree;
use sightline_proofs::{
    Hash, NodeId, NodeReader, ProofsError, TileId, TilePath, build_consistency_proof,
    build_inclusion_proof, consistency_proof_nodes, encode_entry_bundle, inclusion_proof_nodes,
};

use crate::AppState;
use crate::bundle::{self, LoggedEntry, NotInstallable};
use crate::error::Error;
use crate::search::{SearchPage, SearchQuery, parse_decimal};
use crate::sequencer::Sequenced;
use crate::storage::{Head, LogStore, SearchTerm, TileKey};

/// Most indexes one search answers.
pub const SEARCH_LIMIT: usize = 10_000;

/// `GET /checkpoint`: the latest signed checkpoint.
pub fn process_checkpoint(state: &AppState) -> Vec<u8> {
    state.published.get().checkpoint.clone()
}

/// `GET /tile/...`: a hash tile or an entry bundle of the published tree.
///
/// # Errors
/// [`Error::BadTilePath`] for a non-canonical path; [`Error::NotFound`]
/// beyond the published tree; storage errors.
pub async fn process_tile(state: &AppState, path: &str) -> Result<Vec<u8>, Error> {
    let path = TilePath::parse(path).map_err(Error::BadTilePath)?;
    let size = state.published.get().size;
    let wanted = path.tile();
    let current =
        TileId::at_size(wanted.level(), wanted.index(), size).map_err(|_| Error::NotFound)?;
    // A `.p/W` of a tile that has since grown is a prefix of it; a width the
    // tree has not reached yet does not exist.
    if wanted.width() > current.width() {
        return Err(Error::NotFound);
    }
    match path {
        TilePath::Hashes(tile) => {
            let stored = state
                .store
                .read_tiles(vec![TileKey {
                    level: tile.level(),
                    index: tile.index(),
                }])
                .await?
                .pop()
                .flatten()
                .ok_or(Error::StorageCorrupt("a published tile is missing"))?;
            stored
                .get(..tile.data_len())
                .map(<[u8]>::to_vec)
                .ok_or(Error::StorageCorrupt("a published tile is short"))
        }
        TilePath::Entries(tile) => {
            let first = tile.index() * 256;
            let indexes: Vec<u64> = (first..first + u64::from(tile.width())).collect();
            let entries = state
                .store
                .read_entries(indexes)
                .await?
                .into_iter()
                .collect::<Option<Vec<_>>>()
                .ok_or(Error::StorageCorrupt("a published entry is missing"))?;
            encode_entry_bundle(&entries).map_err(Error::Internal)
        }
    }
}

/// `POST /v1/entries`: sequence one entry and wait until it is durable.
///
/// # Errors
/// As [`crate::sequencer::SequencerHandle::submit`].
pub async fn process_add_entry(state: &AppState, body: Vec<u8>) -> Result<Sequenced, Error> {
    state.sequencer.submit(body).await
}

/// The tiles a set of proof ranges needs at `size`, read in one batch, as
/// a [`NodeReader`].
struct FetchedTiles {
    size: u64,
    tiles: HashMap<(u8, u64), Vec<u8>>,
}

impl FetchedTiles {
    async fn fetch(store: &dyn LogStore, ranges: &[Subtree], size: u64) -> Result<Self, Error> {
        let nodes: Vec<NodeId> = ranges.iter().flat_map(Subtree::perfect_nodes).collect();
        let ids = tiles_for_nodes(&nodes, size).map_err(Error::Internal)?;
        let keys: Vec<TileKey> = ids
            .iter()
            .map(|t| TileKey {
                level: t.level(),
                index: t.index(),
            })
            .collect();
        let data = store.read_tiles(keys.clone()).await?;
        let mut tiles = HashMap::with_capacity(keys.len());
        for (key, data) in keys.into_iter().zip(data) {
            let data = data.ok_or(Error::StorageCorrupt("a tile under a proof is missing"))?;
            tiles.insert((key.level, key.index), data);
        }
        Ok(Self { size, tiles })
    }
}

impl NodeReader for FetchedTiles {
    type Error = ProofsError;

    fn read_nodes(&self, nodes: &[NodeId]) -> Result<Vec<Hash>, ProofsError> {
        nodes
            .iter()
            .map(|node| {
                let (tile, _) = TileId::containing(*node, self.size)?;
                let data = self
                    .tiles
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

/// `GET /v1/proof/<index>`: a c2sp tlog-proof@v1 of the entry at `index`
/// against the latest checkpoint.
///
/// # Errors
/// [`Error::BadQuery`] for a non-numeric index; [`Error::NotFound`] beyond
/// the tree; storage errors.
pub async fn process_proof(state: &AppState, index: &str) -> Result<Vec<u8>, Error> {
    let index: u64 =
        parse_decimal(index).ok_or(Error::BadQuery("the index must be a decimal number"))?;
    let head = state.published.get();
    if index >= head.size {
        return Err(Error::NotFound);
    }
    let ranges = inclusion_proof_nodes(index, head.size).map_err(Error::Internal)?;
    let reader = FetchedTiles::fetch(state.store.as_ref(), &ranges, head.size).await?;
    let proof = build_inclusion_proof(&reader, index, head.size).map_err(Error::Internal)?;
    let proof = TlogProof::new(None, index, proof.into_path(), head.checkpoint.clone())
        .map_err(Error::Internal)?;
    Ok(proof.to_bytes())
}

/// `GET /v1/consistency?old=&new=`: the consistency proof between two tree
/// sizes up to the latest, one base64 hash per line.
///
/// # Errors
/// [`Error::BadQuery`] for missing or non-numeric sizes or `old > new`;
/// [`Error::NotFound`] for `new` beyond the tree; storage errors.
pub async fn process_consistency(
    state: &AppState,
    query: &BTreeMap<String, String>,
) -> Result<String, Error> {
    let old = query
        .get("old")
        .and_then(|v| parse_decimal(v))
        .ok_or(Error::BadQuery("old must be a decimal tree size"))?;
    let new = query
        .get("new")
        .and_then(|v| parse_decimal(v))
        .ok_or(Error::BadQuery("new must be a decimal tree size"))?;
    if query.len() != 2 {
        return Err(Error::BadQuery("only old and new are allowed"));
    }
    if old > new {
        return Err(Error::BadQuery("old must not exceed new"));
    }
    let size = state.published.get().size;
    if new > size {
        return Err(Error::NotFound);
    }
    let path = consistency_path(state.store.as_ref(), old, new, size).await?;
    let mut out = String::new();
    for hash in &path {
        out.push_str(&hash.to_base64());
        out.push('\n');
    }
    Ok(out)
}

/// The consistency proof from `old` to `new` (`old <= new <= size`, all
/// committed), read from the tiles of tree size `size` in one batch; empty
/// for `old` 0 or `old == new`. Shared by `/v1/consistency` and the
/// add-checkpoint requests sent to witnesses.
///
/// # Errors
/// Storage errors; [`Error::StorageCorrupt`] if a tile under the proof is
/// missing; [`Error::Internal`] for sizes the tree cannot prove.
pub(crate) async fn consistency_path(
    store: &dyn LogStore,
    old: u64,
    new: u64,
    size: u64,
) -> Result<Vec<Hash>, Error> {
    let ranges = consistency_proof_nodes(old, new).map_err(Error::Internal)?;
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let reader = FetchedTiles::fetch(store, &ranges, size).await?;
    let proof = build_consistency_proof(&reader, old, new).map_err(Error::Internal)?;
    Ok(proof.path().to_vec())
}

/// `GET /v1/search?artifact=sha256:<hex>|key=<vkey>|owner=<name>
/// [&after=<index>][&limit=<n>]`: one page of the indexes of matching
/// entries, ascending, and the cursor of the next page.
///
/// # Errors
/// As [`SearchQuery::parse`]; storage errors.
pub async fn process_search(
    state: &AppState,
    query: &BTreeMap<String, String>,
) -> Result<SearchPage, Error> {
    let query = SearchQuery::parse(query)?;
    // One more than the page, to know whether another page follows.
    let matches = state
        .store
        .search_after(query.term, query.after, query.limit + 1)
        .await?;
    Ok(SearchPage::from_matches(matches, query.limit))
}

/// The head a bundle is proven against. The one place that chooses it: the
/// latest signed checkpoint until the log gathers witness cosignatures,
/// then the newest quorum-cosigned one.
fn bundle_head(state: &AppState) -> Head {
    Head::clone(&state.published.get())
}

/// `GET /v1/bundle?artifact=sha256:<hex>&target=<device target>`: the
/// release bundle (DESIGN §7) of the release with that artifact for that
/// target: the release, its approvals, the rollout chosen by
/// [`bundle::select`], the enrolment of every key that signed one of them
/// and the state entry at n-1, each with its inclusion path, against one
/// head. With `include_refused=true`, a release that is not installable
/// because of a pause or a revocation is bundled anyway and the reason is
/// returned with it.
///
/// # Errors
/// [`Error::BadQuery`] unless exactly a well-formed artifact and target are
/// given; [`Error::ReleaseNotFound`]; [`Error::NotInstallable`];
/// [`Error::StorageCorrupt`] for a logged entry that does not parse or is
/// missing; storage errors.
pub async fn process_bundle(
    state: &AppState,
    query: &BTreeMap<String, String>,
) -> Result<(Vec<u8>, Option<NotInstallable>), Error> {
    let include_refused = match query.get("include_refused").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Error::BadQuery("include_refused must be true or false")),
    };
    let expected = 2 + usize::from(query.contains_key("include_refused"));
    let (Some(artifact), Some(target), true) = (
        query.get("artifact"),
        query.get("target"),
        query.len() == expected,
    ) else {
        return Err(Error::BadQuery(
            "give artifact and target, and optionally include_refused",
        ));
    };
    let artifact = *ArtifactDigest::parse(artifact)
        .map_err(|_| Error::BadQuery("artifact must be sha256:<64 lowercase hex>"))?
        .hash();
    let target =
        DeviceTarget::new(target).map_err(|_| Error::BadQuery("target must be a device target"))?;
    let head = bundle_head(state);
    let Some(last) = head.size.checked_sub(1) else {
        return Err(Error::ReleaseNotFound);
    };
    let store = state.store.as_ref();

    // The search index may already hold rows of a round committed after
    // this head was published; everything past the head is left out.
    let mut about: Vec<u64> = store
        .search(SearchTerm::Artifact(artifact), SEARCH_LIMIT)
        .await?
        .into_iter()
        .filter(|&i| i < last)
        .collect();
    about.push(last);
    let mut logged = read_logged(store, about).await?;
    let state_entry = logged
        .pop()
        .ok_or(Error::StorageCorrupt("the last entry is missing"))?;
    let Record::State(state_record) = state_entry.record.record() else {
        return Err(Error::StorageCorrupt("the last entry is not a state entry"));
    };
    let (selection, refusal) =
        bundle::select_including_refused(&artifact, &target, &logged, state_record)?;
    if let Some(why) = refusal.as_ref().filter(|_| !include_refused) {
        return Err(Error::NotInstallable(why.clone()));
    }

    // An enrolment is the first entry the key's index holds: nothing can
    // be signed by, retire or revoke a key before it is enrolled.
    let mut enrolments = Vec::with_capacity(selection.keys.len());
    for vkey in &selection.keys {
        let first = store
            .search(SearchTerm::Key(vkey.to_string()), 1)
            .await?
            .into_iter()
            .find(|&i| i < last)
            .ok_or(Error::StorageCorrupt("a signing key has no enrolment"))?;
        enrolments.push(first);
    }
    let enrolled = read_logged(store, enrolments).await?;
    for (entry, vkey) in enrolled.iter().zip(&selection.keys) {
        if !bundle::is_enrolment_of(&entry.record, vkey) {
            return Err(Error::StorageCorrupt(
                "a key's first entry is not its enrolment",
            ));
        }
    }

    let mut entries: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
    for e in logged
        .into_iter()
        .filter(|e| selection.indexes.contains(&e.index))
        .chain(enrolled)
        .chain([state_entry])
    {
        entries.insert(e.index, e.record.to_bytes());
    }
    // Every path's nodes, read in one batch.
    let mut ranges = Vec::new();
    for &index in entries.keys() {
        ranges.extend(inclusion_proof_nodes(index, head.size).map_err(Error::Internal)?);
    }
    let reader = FetchedTiles::fetch(store, &ranges, head.size).await?;
    let mut bundle_entries = Vec::with_capacity(entries.len());
    for (index, bytes) in entries {
        let path = build_inclusion_proof(&reader, index, head.size)
            .map_err(Error::Internal)?
            .into_path();
        bundle_entries.push(BundleEntry::new(index, bytes, path).map_err(Error::Internal)?);
    }
    let bundle = Bundle::new(bundle_entries, head.checkpoint).map_err(Error::Internal)?;
    Ok((bundle.encode(), refusal))
}

/// Reads and parses the entries at `indexes`, in order, in one batch.
async fn read_logged(store: &dyn LogStore, indexes: Vec<u64>) -> Result<Vec<LoggedEntry>, Error> {
    let data = store.read_entries(indexes.clone()).await?;
    indexes
        .into_iter()
        .zip(data)
        .map(|(index, bytes)| {
            let bytes = bytes.ok_or(Error::StorageCorrupt("a searched entry is missing"))?;
            let record = SignedRecord::parse(&bytes)
                .map_err(|_| Error::StorageCorrupt("a logged entry does not parse"))?;
            Ok(LoggedEntry { index, record })
        })
        .collect()
}
