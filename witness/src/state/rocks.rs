//! The RocksDB [`WitnessStore`]: the only module that imports `rocksdb`.
//!
//! Schema (format version [`FORMAT_VERSION`]), one column family each:
//! - `meta`: `format_version` -> u64 big-endian;
//! - `heads`: origin bytes -> [`StoredCheckpoint::encode`];
//! - `evidence`: [`Evidence::id`] (32 bytes) -> the record as JSON.
//!
//! Every blocking call runs in `spawn_blocking`. Each origin has an async
//! lock around "read the stored size, compare, write": RocksDB is opened by
//! one process only (its `LOCK` file), so under that lock the cached head is
//! the stored head, and the compare-and-swap is atomic. Different origins
//! never wait for each other for the compare. Synced head writes go through
//! one [`GroupCommit`] writer (unsynced ones, for freshness requests, are
//! written at once): the swaps of different origins that arrive while
//! a synced write is in flight are written as one `WriteBatch`, synced once,
//! and each caller returns only after the batch holding its write is
//! durable. An origin's lock is held until its write is committed, so a
//! batch never holds two writes for one origin.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use rocksdb::{ColumnFamilyDescriptor, DB, IteratorMode, Options, WriteBatch, WriteOptions};
use sightline_proofs::Origin;

use super::group::{GroupCommit, Outcome};
use super::{Evidence, MAX_EVIDENCE, StoredCheckpoint, WitnessStore};
use crate::error::WitnessError;

/// The on-disk format this build reads and writes.
pub const FORMAT_VERSION: u64 = 1;

const CF_META: &str = "meta";
const CF_HEADS: &str = "heads";
const CF_EVIDENCE: &str = "evidence";
const KEY_FORMAT_VERSION: &[u8] = b"format_version";

/// What this process knows of an origin's stored head.
#[derive(Clone)]
enum Slot {
    /// Not read yet, or the outcome of the last write is unknown: read the
    /// database before trusting anything.
    Unknown,
    /// Equal to what is on disk.
    Known(Option<StoredCheckpoint>),
}

/// One head write for the group-commit writer.
struct HeadWrite {
    /// The origin's bytes, the row key.
    origin: Vec<u8>,
    /// [`StoredCheckpoint::encode`].
    value: Vec<u8>,
    /// Whether the write must be synced (it changes the size or root).
    sync: bool,
}

/// Writes a group of head writes as one atomic `WriteBatch`, synced if any
/// of them must be.
fn commit_heads(db: &DB, group: &[HeadWrite]) -> Outcome {
    let heads = cf(db, CF_HEADS).map_err(|e| e.to_string())?;
    let mut batch = WriteBatch::default();
    for write in group {
        batch.put_cf(heads, &write.origin, &write.value);
    }
    let mut wo = WriteOptions::default();
    wo.set_sync(group.iter().any(|w| w.sync));
    // Crash window: RocksDB applies the batch atomically on recovery, so
    // after a crash each origin holds its old or its new head, never a mix,
    // and no cosignature for any new head in the batch has left the process.
    db.write_opt(batch, &wo).map_err(|e| e.to_string())
}

/// The RocksDB witness store.
pub struct RocksStore {
    db: Arc<DB>,
    // Dropping the writer finishes its queue and joins its thread, which
    // holds the other handle on `db`: once the store is dropped, the
    // database is closed and can be opened again.
    writer: GroupCommit<HeadWrite>,
    slots: Mutex<HashMap<Origin, Arc<tokio::sync::Mutex<Slot>>>>,
    // Number of evidence records held; the lock also orders inserts.
    evidence_count: tokio::sync::Mutex<usize>,
}

impl std::fmt::Debug for RocksStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RocksStore").finish_non_exhaustive()
    }
}

fn storage(e: impl std::fmt::Display) -> WitnessError {
    WitnessError::Storage(e.to_string())
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WitnessError> + Send + 'static,
) -> Result<T, WitnessError> {
    tokio::task::spawn_blocking(f).await.map_err(storage)?
}

fn cf<'a>(db: &'a DB, name: &str) -> Result<&'a rocksdb::ColumnFamily, WitnessError> {
    db.cf_handle(name)
        .ok_or_else(|| WitnessError::StorageCorrupt(format!("column family {name} missing")))
}

impl RocksStore {
    /// Opens (or creates) the database at `path` and checks its format
    /// version.
    ///
    /// # Errors
    /// [`WitnessError::Storage`] if RocksDB cannot open it (for example
    /// another witness process holds it); [`WitnessError::StorageFormat`]
    /// for another format version.
    pub async fn open(path: &Path) -> Result<Self, WitnessError> {
        let path = path.to_path_buf();
        let db = blocking(move || {
            let mut opts = Options::default();
            opts.create_if_missing(true);
            opts.create_missing_column_families(true);
            opts.set_compression_type(rocksdb::DBCompressionType::Lz4);
            let cfs = [CF_META, CF_HEADS, CF_EVIDENCE]
                .into_iter()
                .map(|name| ColumnFamilyDescriptor::new(name, Options::default()));
            let db = DB::open_cf_descriptors(&opts, &path, cfs).map_err(|e| {
                WitnessError::Storage(format!(
                    "cannot open the state database {}: {e} (is another sightline-witness \
                     using this data directory?)",
                    path.display()
                ))
            })?;
            let meta = cf(&db, CF_META)?;
            if let Some(bytes) = db.get_cf(meta, KEY_FORMAT_VERSION).map_err(storage)? {
                let found = <[u8; 8]>::try_from(bytes.as_slice())
                    .map(u64::from_be_bytes)
                    .map_err(|_| {
                        WitnessError::StorageCorrupt("format version is not 8 bytes".into())
                    })?;
                if found != FORMAT_VERSION {
                    return Err(WitnessError::StorageFormat {
                        found,
                        expected: FORMAT_VERSION,
                    });
                }
            } else {
                // A new database: mark its format before anything else.
                let mut wo = WriteOptions::default();
                wo.set_sync(true);
                db.put_cf_opt(meta, KEY_FORMAT_VERSION, FORMAT_VERSION.to_be_bytes(), &wo)
                    .map_err(storage)?;
            }
            let evidence = db
                .iterator_cf(cf(&db, CF_EVIDENCE)?, IteratorMode::Start)
                .count();
            Ok((db, evidence))
        })
        .await?;
        let db = (Arc::new(db.0), db.1);
        let for_writer = db.0.clone();
        let writer =
            GroupCommit::start(move |group: &[HeadWrite]| commit_heads(&for_writer, group))?;
        Ok(Self {
            db: db.0,
            writer,
            slots: Mutex::new(HashMap::new()),
            evidence_count: tokio::sync::Mutex::new(db.1),
        })
    }

    fn slot(&self, origin: &Origin) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .entry(origin.clone())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(Slot::Unknown)))
            .clone()
    }

    async fn read_head(&self, origin: &Origin) -> Result<Option<StoredCheckpoint>, WitnessError> {
        let db = self.db.clone();
        let key = origin.as_str().as_bytes().to_vec();
        blocking(move || {
            db.get_cf(cf(&db, CF_HEADS)?, key)
                .map_err(storage)?
                .map(|bytes| StoredCheckpoint::decode(&bytes))
                .transpose()
        })
        .await
    }

    /// The cached head, reading the database first if it is not known.
    async fn known(
        &self,
        slot: &mut Slot,
        origin: &Origin,
    ) -> Result<Option<StoredCheckpoint>, WitnessError> {
        if let Slot::Known(head) = slot {
            return Ok(head.clone());
        }
        let head = self.read_head(origin).await?;
        *slot = Slot::Known(head.clone());
        Ok(head)
    }
}

impl WitnessStore for RocksStore {
    async fn latest(&self, origin: &Origin) -> Result<Option<StoredCheckpoint>, WitnessError> {
        let slot = self.slot(origin);
        let mut slot = slot.lock().await;
        self.known(&mut slot, origin).await
    }

    async fn all_latest(&self) -> Result<Vec<StoredCheckpoint>, WitnessError> {
        let db = self.db.clone();
        blocking(move || {
            db.iterator_cf(cf(&db, CF_HEADS)?, IteratorMode::Start)
                .map(|item| StoredCheckpoint::decode(&item.map_err(storage)?.1))
                .collect()
        })
        .await
    }

    async fn compare_and_swap(
        &self,
        old_size: u64,
        new: StoredCheckpoint,
    ) -> Result<(), WitnessError> {
        let origin = new.checkpoint().origin().clone();
        let mut slot = self.slot(&origin).lock_owned().await;
        let current = self.known(&mut slot, &origin).await?;
        let known_size = current.as_ref().map_or(0, StoredCheckpoint::size);
        if known_size != old_size {
            return Err(WitnessError::Conflict { known_size });
        }
        if new.size() < known_size {
            return Err(WitnessError::Rollback {
                stored: known_size,
                new: new.size(),
            });
        }
        // Re-cosigning the stored size and root (a freshness request)
        // changes only the served note and time: losing that write in a
        // crash rolls nothing back, so it is not synced. Every other write
        // is synced before we return and a cosignature can leave.
        let sync = current
            .as_ref()
            .is_none_or(|c| c.checkpoint().root_hash() != new.checkpoint().root_hash());
        // Until the write returns its outcome is unknown: if it fails, the
        // next caller re-reads the database rather than trusting the cache.
        *slot = Slot::Unknown;
        let write = HeadWrite {
            origin: origin.as_str().as_bytes().to_vec(),
            value: new.encode(),
            sync,
        };
        if !sync {
            // Nothing to share: an unsynced write costs no fsync, so it is
            // written at once rather than queued behind a group's fsync.
            let db = self.db.clone();
            return blocking(move || {
                // The lock moves into the write task, as below.
                let mut slot = slot;
                commit_heads(&db, &[write]).map_err(WitnessError::Storage)?;
                *slot = Slot::Known(Some(new));
                Ok(())
            })
            .await;
        }
        let (tell, told) = tokio::sync::oneshot::channel();
        // The lock moves into the writer's callback. If the caller's future
        // is dropped (the client went away), no other request for this
        // origin can read the old head and write after us: it waits until
        // this write has been committed.
        self.writer.submit(write, move |outcome: Outcome| {
            let mut slot = slot;
            if outcome.is_ok() {
                *slot = Slot::Known(Some(new));
            }
            drop(slot);
            let _ = tell.send(outcome);
        })?;
        told.await.map_err(storage)?.map_err(WitnessError::Storage)
    }

    async fn record_evidence(&self, evidence: Evidence) -> Result<bool, WitnessError> {
        let mut count = self.evidence_count.lock().await;
        let db = self.db.clone();
        let full = *count >= MAX_EVIDENCE;
        let added = blocking(move || {
            let cf = cf(&db, CF_EVIDENCE)?;
            let id = evidence.id();
            if db.get_cf(cf, id.as_bytes()).map_err(storage)?.is_some() {
                return Ok(Some(false));
            }
            if full {
                return Ok(None);
            }
            let json = serde_json::to_vec(&evidence).map_err(storage)?;
            let mut wo = WriteOptions::default();
            wo.set_sync(true);
            db.put_cf_opt(cf, id.as_bytes(), json, &wo)
                .map_err(storage)?;
            Ok(Some(true))
        })
        .await?;
        match added {
            Some(true) => {
                *count += 1;
                Ok(true)
            }
            Some(false) => Ok(true),
            None => Ok(false),
        }
    }

    async fn evidence(&self) -> Result<Vec<Evidence>, WitnessError> {
        let db = self.db.clone();
        let mut all: Vec<Evidence> = blocking(move || {
            db.iterator_cf(cf(&db, CF_EVIDENCE)?, IteratorMode::Start)
                .map(|item| {
                    let (_, value) = item.map_err(storage)?;
                    serde_json::from_slice(&value)
                        .map_err(|e| WitnessError::StorageCorrupt(format!("evidence record: {e}")))
                })
                .collect()
        })
        .await?;
        all.sort_by_key(|e| e.detected_at);
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::conformance;

    #[tokio::test]
    async fn conformance_suite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RocksStore::open(dir.path()).await.expect("open");
        conformance::run(&store).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RocksStore::open(dir.path()).await.expect("open");
        conformance::run_concurrent(Arc::new(store)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_swaps_for_many_origins_all_land_and_a_conflict_is_refused() {
        const ORIGINS: usize = 64;
        let dir = tempfile::tempdir().expect("tempdir");
        let origin = |i: usize| format!("example.com/group{i}");
        let store = Arc::new(RocksStore::open(dir.path()).await.expect("open"));
        for i in 0..ORIGINS {
            store
                .compare_and_swap(0, conformance::stored_for(&origin(i), 2, 1, 2))
                .await
                .expect("first head");
        }
        // Every origin advances 2 -> 5 at once; origin 0 also gets a second
        // swap from 2, racing the first: exactly one of the two wins.
        let mut tasks = Vec::new();
        for i in 0..ORIGINS {
            let store = store.clone();
            let new = conformance::stored_for(&origin(i), 5, 1, 5);
            tasks.push(tokio::spawn(async move {
                (5, store.compare_and_swap(2, new).await)
            }));
        }
        let rival = conformance::stored_for(&origin(0), 7, 1, 7);
        let racing = store.clone();
        tasks.push(tokio::spawn(async move {
            (7, racing.compare_and_swap(2, rival).await)
        }));
        let mut origin0 = Vec::new();
        let mut landed = 0;
        for (i, task) in tasks.into_iter().enumerate() {
            let (size, outcome) = task.await.expect("join");
            if i == 0 || i == ORIGINS {
                origin0.push((size, outcome));
            } else {
                outcome.expect("a swap for its own origin");
                landed += 1;
            }
        }
        assert_eq!(landed, ORIGINS - 1);
        let winner = match origin0.as_slice() {
            [(w, Ok(())), (_, Err(WitnessError::Conflict { known_size }))]
            | [(_, Err(WitnessError::Conflict { known_size })), (w, Ok(()))]
                if known_size == w =>
            {
                *w
            }
            other => panic!("exactly one swap for origin 0 must win: {other:?}"),
        };

        // Durable: a reopened store reads every new head.
        drop(store);
        let store = RocksStore::open(dir.path()).await.expect("reopen");
        for i in 0..ORIGINS {
            let o = Origin::new(&origin(i)).expect("origin");
            let head = store.latest(&o).await.expect("latest").expect("head");
            assert_eq!(head.size(), if i == 0 { winner } else { 5 }, "{o:?}");
        }
    }

    #[tokio::test]
    async fn state_survives_reopen_and_format_is_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stored = conformance::stored(5, 1);
        {
            let store = RocksStore::open(dir.path()).await.expect("open");
            store
                .compare_and_swap(0, stored.clone())
                .await
                .expect("cas");
        }
        let store = RocksStore::open(dir.path()).await.expect("reopen");
        let origin = stored.checkpoint().origin().clone();
        assert_eq!(store.latest(&origin).await.expect("latest"), Some(stored));
        let db = store.db.clone();
        drop(store);
        // Write another version and reopen: refused with a clear message.
        let meta = db.cf_handle(CF_META).expect("meta");
        db.put_cf(meta, KEY_FORMAT_VERSION, 9u64.to_be_bytes())
            .expect("put");
        drop(db);
        let err = RocksStore::open(dir.path()).await.expect_err("version 9");
        assert!(
            matches!(err, WitnessError::StorageFormat { found: 9, .. }),
            "{err}"
        );
    }
}
