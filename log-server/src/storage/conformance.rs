//! The storage contract as a test suite, run against every [`LogStore`]
//! (STYLE §11). Each function takes a fresh, empty store and panics on the
//! first broken expectation.

#![allow(clippy::missing_panics_doc)]

use sightline_proofs::{Hash, TileBuilder, leaf_hash};

use super::{Head, LogStore, RoundCommit, SearchRow, SearchTerm, TileKey};

/// Builds a round of `count` entries on top of `builder`, starting at its size.
pub fn make_round(builder: &mut TileBuilder, count: u64, tag: &str) -> RoundCommit {
    let first_index = builder.size();
    let entries: Vec<Vec<u8>> = (first_index..first_index + count)
        .map(|i| format!("entry {i} {tag}").into_bytes())
        .collect();
    let leaf_hashes: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let appended = builder.append(&leaf_hashes).expect("append");
    let size = appended.root().size();
    let search = entries
        .iter()
        .zip(first_index..)
        .map(|(_, index)| SearchRow {
            term: SearchTerm::Owner(if index % 2 == 0 { "even" } else { "odd" }.into()),
            index,
        })
        .collect();
    RoundCommit {
        first_index,
        entries,
        leaf_hashes,
        tiles: appended.into_tiles(),
        search,
        head: Head {
            size,
            checkpoint: format!("checkpoint {size} {tag}").into_bytes(),
        },
    }
}

/// Every check of the suite, in order.
pub async fn run_all(store: &dyn LogStore) {
    empty_store(store).await;
    commit_and_read_back(store).await;
    cosigned_checkpoint(store).await;
}

/// The cosigned checkpoint is stored apart from the head: a later one
/// replaces it whole, and rounds committed meanwhile leave it alone.
pub async fn cosigned_checkpoint(store: &dyn LogStore) {
    let first = Head {
        size: 200,
        checkpoint: b"cosigned 200".to_vec(),
    };
    store.store_cosigned(first.clone()).await.expect("store 1");
    assert_eq!(store.cosigned().await.expect("read"), Some(first));
    let mut builder = TileBuilder::new();
    let _ = make_round(&mut builder, 400, "c");
    let round = make_round(&mut builder, 1, "c");
    store.commit_round(round).await.expect("commit");
    let head = store.head().await.expect("head").expect("some head");
    assert_eq!(head.size, 401);
    assert_eq!(
        store.cosigned().await.expect("read").map(|h| h.size),
        Some(200),
        "a round does not touch the cosigned checkpoint"
    );
    let second = Head {
        size: 300,
        checkpoint: b"cosigned 300, longer note".to_vec(),
    };
    store.store_cosigned(second.clone()).await.expect("store 2");
    assert_eq!(store.cosigned().await.expect("read"), Some(second));
}

/// A fresh store has no head and no data.
pub async fn empty_store(store: &dyn LogStore) {
    assert_eq!(store.head().await.expect("head"), None);
    assert_eq!(store.cosigned().await.expect("cosigned"), None);
    assert_eq!(
        store.read_entries(vec![0]).await.expect("entries"),
        vec![None]
    );
    assert_eq!(
        store
            .read_tiles(vec![TileKey { level: 0, index: 0 }])
            .await
            .expect("tiles"),
        vec![None]
    );
    assert_eq!(
        store
            .lookup_leaves(vec![Hash::new([7; 32])])
            .await
            .expect("leaves"),
        vec![None]
    );
    assert!(
        store
            .search(SearchTerm::Owner("even".into()), 10)
            .await
            .expect("search")
            .is_empty()
    );
}

/// Two rounds (the second grows a tile written by the first and completes
/// it): every read returns what the last commit wrote.
pub async fn commit_and_read_back(store: &dyn LogStore) {
    let mut builder = TileBuilder::new();
    let first = make_round(&mut builder, 200, "a");
    let first_entries = first.entries.clone();
    store.commit_round(first).await.expect("commit 1");
    let head = store.head().await.expect("head").expect("some head");
    assert_eq!(head.size, 200);
    assert_eq!(head.checkpoint, b"checkpoint 200 a");
    let tile = store
        .read_tiles(vec![TileKey { level: 0, index: 0 }])
        .await
        .expect("tiles");
    assert_eq!(tile[0].as_ref().map(Vec::len), Some(200 * 32));

    let second = make_round(&mut builder, 100, "b");
    let hashes = second.leaf_hashes.clone();
    store.commit_round(second).await.expect("commit 2");
    let head = store.head().await.expect("head").expect("some head");
    assert_eq!(head.size, 300);

    // The completed level-0 tile, the new partial one, level 1's first hash.
    let tiles = store
        .read_tiles(vec![
            TileKey { level: 0, index: 0 },
            TileKey { level: 0, index: 1 },
            TileKey { level: 1, index: 0 },
            TileKey { level: 0, index: 2 },
        ])
        .await
        .expect("tiles");
    let lens: Vec<Option<usize>> = tiles.iter().map(|t| t.as_ref().map(Vec::len)).collect();
    assert_eq!(lens, vec![Some(256 * 32), Some(44 * 32), Some(32), None]);
    // A tile grows by appending: the old contents are a prefix.
    let full = tiles[0].as_ref().expect("tile 0");
    assert_eq!(&full[..32], leaf_hash(&first_entries[0]).as_bytes());

    let entries = store
        .read_entries(vec![0, 199, 299, 300])
        .await
        .expect("entries");
    assert_eq!(entries[0].as_deref(), Some(&b"entry 0 a"[..]));
    assert_eq!(entries[1].as_deref(), Some(&b"entry 199 a"[..]));
    assert_eq!(entries[2].as_deref(), Some(&b"entry 299 b"[..]));
    assert_eq!(entries[3], None);

    let found = store
        .lookup_leaves(vec![
            hashes[0],
            leaf_hash(&first_entries[5]),
            Hash::new([1; 32]),
        ])
        .await
        .expect("leaves");
    assert_eq!(found, vec![Some(200), Some(5), None]);

    let even = store
        .search(SearchTerm::Owner("even".into()), 1000)
        .await
        .expect("search");
    assert_eq!(even.len(), 150);
    assert!(even.windows(2).all(|w| w[0] < w[1]), "ascending");
    assert_eq!(even.first(), Some(&0));
    let limited = store
        .search(SearchTerm::Owner("odd".into()), 3)
        .await
        .expect("search");
    assert_eq!(limited, vec![1, 3, 5]);
    assert!(
        store
            .search(SearchTerm::Owner("eve".into()), 10)
            .await
            .expect("search")
            .is_empty(),
        "a prefix of a term is another term"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::storage::memory::MemoryStore;
    use crate::storage::rocks::RocksStore;
    use crate::storage::schema::FORMAT_VERSION;

    #[tokio::test]
    async fn memory_store_conforms() {
        run_all(&MemoryStore::new()).await;
    }

    #[tokio::test]
    async fn rocks_store_conforms() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = RocksStore::open(dir.path()).await.expect("open");
        run_all(&store).await;
    }

    #[tokio::test]
    async fn rocks_store_keeps_data_across_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let store = RocksStore::open(dir.path()).await.expect("open");
            let mut builder = TileBuilder::new();
            store
                .commit_round(make_round(&mut builder, 3, "x"))
                .await
                .expect("commit");
        }
        let store = RocksStore::open(dir.path()).await.expect("reopen");
        let head = store.head().await.expect("head").expect("some head");
        assert_eq!(head.size, 3);
        assert_eq!(store.cosigned().await.expect("cosigned"), None);
        store
            .store_cosigned(Head {
                size: 3,
                checkpoint: b"cosigned 3".to_vec(),
            })
            .await
            .expect("store cosigned");
        drop(store);
        let store = RocksStore::open(dir.path()).await.expect("reopen");
        assert_eq!(
            store.cosigned().await.expect("cosigned"),
            Some(Head {
                size: 3,
                checkpoint: b"cosigned 3".to_vec(),
            })
        );
        assert_eq!(
            store.read_entries(vec![2]).await.expect("entries")[0].as_deref(),
            Some(&b"entry 2 x"[..])
        );
    }

    #[tokio::test]
    async fn rocks_store_refuses_another_format_version() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let _first = RocksStore::open(dir.path()).await.expect("open");
        }
        // Rewrite the version key, as a future binary would have written it.
        crate::storage::rocks::tests_support::set_format_version(dir.path(), FORMAT_VERSION + 1);
        match RocksStore::open(dir.path()).await {
            Err(Error::StorageFormat { found, expected }) => {
                assert_eq!((found, expected), (FORMAT_VERSION + 1, FORMAT_VERSION));
            }
            other => panic!("expected a format error, got {other:?}"),
        }
    }
}
