//! An in-memory [`LogStore`] with fault injection, for tests (STYLE §13).
//!
//! A test arms a fault at a [`FaultPoint`] with a [`FaultMode`]: `Fail`
//! returns an error and changes nothing; `FailButPersist` applies the
//! operation (for a commit: the whole round, as RocksDB would after a sync
//! that succeeded but whose acknowledgement was lost) and still returns an
//! error. A fault fires once. Clones share the same data, so a test can
//! "restart" a log by building a new sequencer on a clone.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use sightline_proofs::Hash;

use super::{FaultPoint, Head, LogStore, RoundCommit, SearchTerm, StoreFuture, TileKey};
use crate::error::Error;

/// How an armed fault fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultMode {
    /// Fail and change nothing.
    Fail,
    /// Perform the operation, then report failure.
    FailButPersist,
}

#[derive(Default)]
struct Data {
    head: Option<Head>,
    cosigned: Option<Head>,
    entries: BTreeMap<u64, Vec<u8>>,
    tiles: HashMap<TileKey, Vec<u8>>,
    leaves: HashMap<Hash, u64>,
    search: BTreeMap<SearchTerm, Vec<u64>>,
    faults: HashMap<FaultPoint, FaultMode>,
    commits: u64,
}

/// The in-memory store (see the module docs).
#[derive(Clone, Default)]
pub struct MemoryStore {
    data: Arc<Mutex<Data>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Data> {
        // A test that panicked while holding the lock has failed anyway.
        self.data
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Arms a one-shot fault at `point`.
    pub fn inject(&self, point: FaultPoint, mode: FaultMode) {
        self.lock().faults.insert(point, mode);
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// How many rounds were persisted (including fail-but-persist ones).
    pub fn commits(&self) -> u64 {
        self.lock().commits
    }

    /// Takes the armed fault at `point`, if any.
    fn take(data: &mut Data, point: FaultPoint) -> Option<FaultMode> {
        data.faults.remove(&point)
    }

    /// Runs a read, honouring a fault at `point` (both modes fail a read).
    fn read<T: Send + 'static>(
        &self,
        point: FaultPoint,
        f: impl FnOnce(&Data) -> Result<T, Error>,
    ) -> StoreFuture<'_, T> {
        let result = {
            let mut data = self.lock();
            match Self::take(&mut data, point) {
                Some(_) => Err(Error::InjectedFault(point)),
                None => f(&data),
            }
        };
        Box::pin(async move { result })
    }
}

fn apply(data: &mut Data, round: RoundCommit) {
    for (offset, (entry, hash)) in (0u64..).zip(round.entries.into_iter().zip(round.leaf_hashes)) {
        let index = round.first_index + offset;
        data.entries.insert(index, entry);
        data.leaves.insert(hash, index);
    }
    for tile in round.tiles {
        let key = TileKey {
            level: tile.tile().level(),
            index: tile.tile().index(),
        };
        data.tiles.insert(key, tile.into_data());
    }
    for row in round.search {
        let list = data.search.entry(row.term).or_default();
        if let Err(at) = list.binary_search(&row.index) {
            list.insert(at, row.index);
        }
    }
    data.head = Some(round.head);
    data.commits += 1;
}

impl LogStore for MemoryStore {
    fn head(&self) -> StoreFuture<'_, Option<Head>> {
        self.read(FaultPoint::Head, |d| Ok(d.head.clone()))
    }

    fn commit_round(&self, round: RoundCommit) -> StoreFuture<'_, ()> {
        let result = {
            let mut data = self.lock();
            match Self::take(&mut data, FaultPoint::Commit) {
                Some(FaultMode::Fail) => Err(Error::InjectedFault(FaultPoint::Commit)),
                Some(FaultMode::FailButPersist) => {
                    apply(&mut data, round);
                    Err(Error::InjectedFault(FaultPoint::Commit))
                }
                None => {
                    apply(&mut data, round);
                    Ok(())
                }
            }
        };
        Box::pin(async move { result })
    }

    fn read_tiles(&self, tiles: Vec<TileKey>) -> StoreFuture<'_, Vec<Option<Vec<u8>>>> {
        self.read(FaultPoint::ReadTiles, move |d| {
            Ok(tiles.iter().map(|t| d.tiles.get(t).cloned()).collect())
        })
    }

    fn read_entries(&self, indexes: Vec<u64>) -> StoreFuture<'_, Vec<Option<Vec<u8>>>> {
        self.read(FaultPoint::ReadEntries, move |d| {
            Ok(indexes.iter().map(|i| d.entries.get(i).cloned()).collect())
        })
    }

    fn lookup_leaves(&self, hashes: Vec<Hash>) -> StoreFuture<'_, Vec<Option<u64>>> {
        self.read(FaultPoint::LookupLeaves, move |d| {
            Ok(hashes.iter().map(|h| d.leaves.get(h).copied()).collect())
        })
    }

    fn cosigned(&self) -> StoreFuture<'_, Option<Head>> {
        self.read(FaultPoint::Cosigned, |d| Ok(d.cosigned.clone()))
    }

    fn store_cosigned(&self, head: Head) -> StoreFuture<'_, ()> {
        let result = {
            let mut data = self.lock();
            match Self::take(&mut data, FaultPoint::StoreCosigned) {
                Some(FaultMode::Fail) => Err(Error::InjectedFault(FaultPoint::StoreCosigned)),
                Some(FaultMode::FailButPersist) => {
                    data.cosigned = Some(head);
                    Err(Error::InjectedFault(FaultPoint::StoreCosigned))
                }
                None => {
                    data.cosigned = Some(head);
                    Ok(())
                }
            }
        };
        Box::pin(async move { result })
    }

    fn search(&self, term: SearchTerm, limit: usize) -> StoreFuture<'_, Vec<u64>> {
        self.read(FaultPoint::Search, move |d| {
            Ok(d.search
                .get(&term)
                .map(|list| list.iter().take(limit).copied().collect())
                .unwrap_or_default())
        })
    }
}
