//! The log's storage: one narrow trait, [`LogStore`], with exactly two
//! implementations: RocksDB ([`rocks`]) and, for tests, an in-memory store
//! with fault injection (`memory`, behind the `test-util` feature).
//!
//! # Contract
//! - [`LogStore::commit_round`] is atomic and durable: after it returns
//!   `Ok`, the round's entries, tiles, indexes, tree size and checkpoint are
//!   all on disk; after a crash, either all of them are or none. An `Err`
//!   says nothing about which: the caller must reload its state
//!   ([`LogStore::head`]) before it signs anything else.
//! - Stored tiles hold a tile's full current contents, keyed by level and
//!   index; an older width is a prefix of them.
//! - Reads return what the last successful commit wrote, and never data of
//!   a later tree than [`LogStore::head`] reports.
//! - [`LogStore::store_cosigned`] is durable (synced) and replaces the
//!   stored quorum-cosigned checkpoint as a whole; [`LogStore::cosigned`]
//!   returns the last one stored. The caller only ever stores a checkpoint
//!   of a committed size, never smaller than the one stored before.

pub mod rocks;
pub mod schema;

#[cfg(any(test, feature = "test-util"))]
pub mod conformance;
#[cfg(any(test, feature = "test-util"))]
pub mod memory;

use std::future::Future;
use std::pin::Pin;

use sightline_proofs::Hash;
use sightline_proofs::tile_builder::TileContents;

use crate::error::Error;

/// A boxed future returned by [`LogStore`] methods, so the store can be
/// used as `Arc<dyn LogStore>`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Where a stored tile lives: its level and index (its width is implied by
/// the length of its contents).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileKey {
    /// The tile level.
    pub level: u8,
    /// The tile index within the level.
    pub index: u64,
}

/// What auditors search by (DESIGN §5, `/v1/search`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchTerm {
    /// Release, approval and rollout entries about an artifact digest.
    Artifact(Hash),
    /// Entries signed by, or enrolling, retiring or revoking, a key (its
    /// verifier-key string).
    Key(String),
    /// Entries signed by keys of an owner, or key records naming the owner.
    Owner(String),
}

/// One search index row: the entry at `index` matches `term`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRow {
    /// What the entry matches.
    pub term: SearchTerm,
    /// The entry's index.
    pub index: u64,
}

/// The latest committed tree: its size and its signed checkpoint note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// The tree size.
    pub size: u64,
    /// The signed checkpoint note, as served at `/checkpoint`.
    pub checkpoint: Vec<u8>,
}

/// Everything one sequencing round writes, committed as one unit.
#[derive(Clone, Debug)]
pub struct RoundCommit {
    /// The index of the first entry; equal to the previous tree size.
    pub first_index: u64,
    /// The new entries, in index order.
    pub entries: Vec<Vec<u8>>,
    /// Their leaf hashes, for deduplication.
    pub leaf_hashes: Vec<Hash>,
    /// Every tile whose contents changed, with its full new contents.
    pub tiles: Vec<TileContents>,
    /// Search index rows for the new entries.
    pub search: Vec<SearchRow>,
    /// The new head (size = `first_index + entries.len()`).
    pub head: Head,
}

/// The log's storage (see the module docs for the contract).
pub trait LogStore: Send + Sync + 'static {
    /// The latest committed head, or `None` for a log never committed to.
    fn head(&self) -> StoreFuture<'_, Option<Head>>;

    /// Commits one round atomically and durably (synced).
    fn commit_round(&self, round: RoundCommit) -> StoreFuture<'_, ()>;

    /// Reads the stored contents of tiles, in order, in one batch; `None`
    /// for a tile never written.
    fn read_tiles(&self, tiles: Vec<TileKey>) -> StoreFuture<'_, Vec<Option<Vec<u8>>>>;

    /// Reads entries by index, in order, in one batch; `None` for an index
    /// not in the log.
    fn read_entries(&self, indexes: Vec<u64>) -> StoreFuture<'_, Vec<Option<Vec<u8>>>>;

    /// Finds logged entries by leaf hash, in order, in one batch.
    fn lookup_leaves(&self, hashes: Vec<Hash>) -> StoreFuture<'_, Vec<Option<u64>>>;

    /// The indexes of entries matching `term`, ascending, at most `limit`.
    fn search(&self, term: SearchTerm, limit: usize) -> StoreFuture<'_, Vec<u64>>;

    /// The newest quorum-cosigned checkpoint stored, or `None`.
    fn cosigned(&self) -> StoreFuture<'_, Option<Head>>;

    /// Stores a quorum-cosigned checkpoint (its note with the log's
    /// signature and the cosignatures) in one synced write.
    fn store_cosigned(&self, head: Head) -> StoreFuture<'_, ()>;
}

/// A step of the store at which the in-memory store can inject a fault
/// (STYLE §13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultPoint {
    /// [`LogStore::head`].
    Head,
    /// [`LogStore::commit_round`].
    Commit,
    /// [`LogStore::read_tiles`].
    ReadTiles,
    /// [`LogStore::read_entries`].
    ReadEntries,
    /// [`LogStore::lookup_leaves`].
    LookupLeaves,
    /// [`LogStore::search`].
    Search,
    /// [`LogStore::cosigned`].
    Cosigned,
    /// [`LogStore::store_cosigned`].
    StoreCosigned,
}
