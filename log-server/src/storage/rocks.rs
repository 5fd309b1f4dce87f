//! The RocksDB store: the only module that imports `rocksdb`.
//!
//! Every call runs on tokio's blocking pool. A round is one `WriteBatch`
//! written with `sync = true`, so it is on disk, whole, before
//! [`LogStore::commit_round`] returns, and a crash leaves either all of it
//! or none of it (RocksDB's write-ahead log replays whole batches only).

use std::path::Path;
use std::sync::Arc;

use rocksdb::{
    ColumnFamilyDescriptor, DB, Direction, IteratorMode, Options, WriteBatch, WriteOptions,
};
use sightline_proofs::Hash;

use super::schema::{
    CF_ENTRIES, CF_LEAVES, CF_META, CF_SEARCH, CF_TILES, COLUMN_FAMILIES, FORMAT_VERSION,
    META_CHECKPOINT, META_COSIGNED, META_COSIGNED_SIZE, META_FORMAT, META_SIZE, decode_u32,
    decode_u64, encode_u64, entry_key, leaf_key, search_index, search_key, search_prefix, tile_key,
};
use super::{Head, LogStore, RoundCommit, SearchTerm, StoreFuture, TileKey};
use crate::error::Error;

/// A log store in a RocksDB database directory.
#[derive(Clone)]
pub struct RocksStore {
    db: Arc<DB>,
}

impl std::fmt::Debug for RocksStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RocksStore").finish_non_exhaustive()
    }
}

fn storage(e: &rocksdb::Error) -> Error {
    Error::Storage(e.to_string())
}

fn cf<'a>(db: &'a DB, name: &'static str) -> Result<&'a rocksdb::ColumnFamily, Error> {
    db.cf_handle(name)
        .ok_or(Error::StorageCorrupt("a column family is missing"))
}

impl RocksStore {
    /// Opens (creating if needed) the database at `path`, and checks or
    /// writes the format version.
    ///
    /// # Errors
    /// [`Error::Storage`] if RocksDB fails to open it (for example another
    /// process holds its lock); [`Error::StorageFormat`] for a database of
    /// another format version.
    pub async fn open(path: &Path) -> Result<Self, Error> {
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || Self::open_blocking(&path))
            .await
            .map_err(|e| Error::Storage(e.to_string()))?
    }

    fn open_blocking(path: &Path) -> Result<Self, Error> {
        let mut options = Options::default();
        options.create_if_missing(true);
        options.create_missing_column_families(true);
        options.set_compression_type(rocksdb::DBCompressionType::Lz4);
        let families = COLUMN_FAMILIES
            .iter()
            .map(|name| ColumnFamilyDescriptor::new(*name, Options::default()));
        let db = DB::open_cf_descriptors(&options, path, families).map_err(|e| storage(&e))?;
        let meta = cf(&db, CF_META)?;
        if let Some(bytes) = db.get_cf(meta, META_FORMAT).map_err(|e| storage(&e))? {
            let found = decode_u32(&bytes).ok_or(Error::StorageCorrupt("bad format version"))?;
            if found != FORMAT_VERSION {
                return Err(Error::StorageFormat {
                    found,
                    expected: FORMAT_VERSION,
                });
            }
        } else {
            // A database with data but no version is not ours.
            if db
                .get_cf(meta, META_SIZE)
                .map_err(|e| storage(&e))?
                .is_some()
            {
                return Err(Error::StorageCorrupt("data without a format version"));
            }
            let mut write = WriteOptions::default();
            write.set_sync(true);
            let mut batch = WriteBatch::default();
            batch.put_cf(meta, META_FORMAT, FORMAT_VERSION.to_be_bytes());
            db.write_opt(batch, &write).map_err(|e| storage(&e))?;
        }
        Ok(Self { db: Arc::new(db) })
    }

    /// Runs `f` on the blocking pool with the database.
    fn blocking<T, F>(&self, f: F) -> StoreFuture<'_, T>
    where
        T: Send + 'static,
        F: FnOnce(&DB) -> Result<T, Error> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || f(&db))
                .await
                .map_err(|e| Error::Storage(e.to_string()))?
        })
    }
}

fn commit_blocking(db: &DB, round: &RoundCommit) -> Result<(), Error> {
    let entries = cf(db, CF_ENTRIES)?;
    let leaves = cf(db, CF_LEAVES)?;
    let tiles = cf(db, CF_TILES)?;
    let search = cf(db, CF_SEARCH)?;
    let meta = cf(db, CF_META)?;
    let mut batch = WriteBatch::default();
    for (offset, (entry, hash)) in (0u64..).zip(round.entries.iter().zip(&round.leaf_hashes)) {
        let index = round.first_index + offset;
        batch.put_cf(entries, entry_key(index), entry);
        batch.put_cf(leaves, leaf_key(hash), encode_u64(index));
    }
    for tile in &round.tiles {
        let key = TileKey {
            level: tile.tile().level(),
            index: tile.tile().index(),
        };
        batch.put_cf(tiles, tile_key(key), tile.data());
    }
    for row in &round.search {
        batch.put_cf(search, search_key(&row.term, row.index), b"");
    }
    batch.put_cf(meta, META_SIZE, encode_u64(round.head.size));
    batch.put_cf(meta, META_CHECKPOINT, &round.head.checkpoint);
    let mut write = WriteOptions::default();
    // The round is acknowledged only after this returns: it must be on disk.
    write.set_sync(true);
    db.write_opt(batch, &write).map_err(|e| storage(&e))
}

fn multi_get(
    db: &DB,
    family: &'static str,
    keys: &[Vec<u8>],
) -> Result<Vec<Option<Vec<u8>>>, Error> {
    let handle = cf(db, family)?;
    db.multi_get_cf(keys.iter().map(|k| (handle, k.as_slice())))
        .into_iter()
        .map(|r| r.map_err(|e| storage(&e)))
        .collect()
}

impl LogStore for RocksStore {
    fn head(&self) -> StoreFuture<'_, Option<Head>> {
        self.blocking(|db| {
            let meta = cf(db, CF_META)?;
            let size = db.get_cf(meta, META_SIZE).map_err(|e| storage(&e))?;
            let checkpoint = db.get_cf(meta, META_CHECKPOINT).map_err(|e| storage(&e))?;
            match (size, checkpoint) {
                (None, None) => Ok(None),
                (Some(size), Some(checkpoint)) => Ok(Some(Head {
                    size: decode_u64(&size).ok_or(Error::StorageCorrupt("bad tree size"))?,
                    checkpoint,
                })),
                _ => Err(Error::StorageCorrupt("tree size without checkpoint")),
            }
        })
    }

    fn commit_round(&self, round: RoundCommit) -> StoreFuture<'_, ()> {
        self.blocking(move |db| commit_blocking(db, &round))
    }

    fn read_tiles(&self, tiles: Vec<TileKey>) -> StoreFuture<'_, Vec<Option<Vec<u8>>>> {
        self.blocking(move |db| {
            let keys: Vec<Vec<u8>> = tiles.into_iter().map(|t| tile_key(t).to_vec()).collect();
            multi_get(db, CF_TILES, &keys)
        })
    }

    fn read_entries(&self, indexes: Vec<u64>) -> StoreFuture<'_, Vec<Option<Vec<u8>>>> {
        self.blocking(move |db| {
            let keys: Vec<Vec<u8>> = indexes.into_iter().map(|i| entry_key(i).to_vec()).collect();
            multi_get(db, CF_ENTRIES, &keys)
        })
    }

    fn lookup_leaves(&self, hashes: Vec<Hash>) -> StoreFuture<'_, Vec<Option<u64>>> {
        self.blocking(move |db| {
            let keys: Vec<Vec<u8>> = hashes.iter().map(|h| leaf_key(h).to_vec()).collect();
            multi_get(db, CF_LEAVES, &keys)?
                .into_iter()
                .map(|v| match v {
                    None => Ok(None),
                    Some(bytes) => decode_u64(&bytes)
                        .map(Some)
                        .ok_or(Error::StorageCorrupt("bad leaf index")),
                })
                .collect()
        })
    }

    fn cosigned(&self) -> StoreFuture<'_, Option<Head>> {
        self.blocking(|db| {
            let meta = cf(db, CF_META)?;
            let size = db
                .get_cf(meta, META_COSIGNED_SIZE)
                .map_err(|e| storage(&e))?;
            let checkpoint = db.get_cf(meta, META_COSIGNED).map_err(|e| storage(&e))?;
            match (size, checkpoint) {
                (None, None) => Ok(None),
                (Some(size), Some(checkpoint)) => Ok(Some(Head {
                    size: decode_u64(&size).ok_or(Error::StorageCorrupt("bad cosigned size"))?,
                    checkpoint,
                })),
                _ => Err(Error::StorageCorrupt(
                    "cosigned size without cosigned checkpoint",
                )),
            }
        })
    }

    fn store_cosigned(&self, head: Head) -> StoreFuture<'_, ()> {
        self.blocking(move |db| {
            let meta = cf(db, CF_META)?;
            let mut batch = WriteBatch::default();
            batch.put_cf(meta, META_COSIGNED_SIZE, encode_u64(head.size));
            batch.put_cf(meta, META_COSIGNED, &head.checkpoint);
            let mut write = WriteOptions::default();
            // Served only after this returns: a restart must serve it too.
            write.set_sync(true);
            db.write_opt(batch, &write).map_err(|e| storage(&e))
        })
    }

    fn search(&self, term: SearchTerm, limit: usize) -> StoreFuture<'_, Vec<u64>> {
        self.blocking(move |db| {
            let handle = cf(db, CF_SEARCH)?;
            let prefix = search_prefix(&term);
            let mut out = Vec::new();
            let iter = db.iterator_cf(handle, IteratorMode::From(&prefix, Direction::Forward));
            for item in iter {
                if out.len() >= limit {
                    break;
                }
                let (key, _) = item.map_err(|e| storage(&e))?;
                if !key.starts_with(&prefix) {
                    break;
                }
                out.push(
                    search_index(&key, prefix.len())
                        .ok_or(Error::StorageCorrupt("bad search key"))?,
                );
            }
            Ok(out)
        })
    }
}

/// Benchmark baselines: the same bytes through raw RocksDB, with no log
/// logic, so that the log's figures can be read as ratios.
pub mod baseline {
    use std::path::Path;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::{Duration, Instant};

    use super::{DB, Options, WriteBatch, WriteOptions, storage};
    use crate::error::Error;

    fn open(path: &Path) -> Result<DB, Error> {
        let mut options = Options::default();
        options.create_if_missing(true);
        DB::open(&options, path).map_err(|e| storage(&e))
    }

    /// Writes each batch of key/value pairs as one synced `WriteBatch`
    /// into a fresh database at `path`; returns the time taken and each
    /// batch's latency.
    ///
    /// # Errors
    /// [`Error::Storage`] if RocksDB fails.
    pub fn synced_batches(
        path: &Path,
        batches: &[Vec<(Vec<u8>, Vec<u8>)>],
    ) -> Result<(Duration, Vec<Duration>), Error> {
        let db = open(path)?;
        let mut write = WriteOptions::default();
        write.set_sync(true);
        let mut latencies = Vec::with_capacity(batches.len());
        let start = Instant::now();
        for pairs in batches {
            let t = Instant::now();
            let mut batch = WriteBatch::default();
            for (key, value) in pairs {
                batch.put(key, value);
            }
            db.write_opt(batch, &write).map_err(|e| storage(&e))?;
            latencies.push(t.elapsed());
        }
        Ok((start.elapsed(), latencies))
    }

    /// Stores `values` under keys 0..n, then reads random ones from
    /// `threads` threads for `duration`; returns the number of reads.
    ///
    /// # Errors
    /// [`Error::Storage`] if RocksDB fails.
    pub fn random_gets(
        path: &Path,
        values: &[Vec<u8>],
        threads: usize,
        duration: Duration,
    ) -> Result<u64, Error> {
        if values.is_empty() {
            return Ok(0);
        }
        let db = Arc::new(open(path)?);
        for (i, value) in (0u64..).zip(values) {
            db.put(i.to_be_bytes(), value).map_err(|e| storage(&e))?;
        }
        let count = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let n = values.len() as u64;
        let workers: Vec<_> = (0..threads as u64)
            .map(|t| {
                let (db, count, stop) = (Arc::clone(&db), Arc::clone(&count), Arc::clone(&stop));
                std::thread::spawn(move || {
                    // A cheap deterministic spread of keys per thread.
                    let mut x = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                    while !stop.load(Ordering::Relaxed) {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        if db.get((x % n).to_be_bytes()).ok().flatten().is_some() {
                            count.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            let _ = worker.join();
        }
        Ok(count.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::{CF_META, DB, META_FORMAT, Options, Path, cf};

    /// Overwrites the stored format version, to test the check at open.
    pub(crate) fn set_format_version(path: &Path, version: u32) {
        let db = DB::open_cf(&Options::default(), path, super::COLUMN_FAMILIES).expect("open");
        let meta = cf(&db, CF_META).expect("meta");
        db.put_cf(meta, META_FORMAT, version.to_be_bytes())
            .expect("put");
    }
}
