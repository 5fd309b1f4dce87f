//! The fault-injection table (STYLE §13): each storage step fails, and
//! fails-but-persists, once. Each case checks what the submitter hears,
//! whether the log makes progress, then restarts the sequencer on the same
//! store and checks the invariants: every acknowledged entry at its index,
//! the tree matches the checkpoint, the last leaf is a state entry, and no
//! two checkpoints of one size differ.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use common::Fixture;
use sightline_log_server::error::Error;
use sightline_log_server::metrics::Metrics;
use sightline_log_server::sequencer::{self, BatchLimits, SequencerConfig, Started};
use sightline_log_server::storage::memory::{FaultMode, MemoryStore};
use sightline_log_server::storage::{FaultPoint, LogStore};
use sightline_proofs::record::{Record, SignedRecord};
use sightline_proofs::state::AdmissionRules;
use sightline_proofs::{MemoryNodeReader, Origin, leaf_hash, open_checkpoint};

fn config(f: &Fixture) -> SequencerConfig {
    let origin = Origin::new(common::ORIGIN).expect("origin");
    SequencerConfig {
        log_key: common::key(common::ORIGIN, 99),
        origin,
        rules: AdmissionRules::new(
            f.roots
                .iter()
                .map(sightline_proofs::SignerKey::verifier)
                .collect(),
            2,
            600,
        )
        .expect("rules"),
        limits: BatchLimits {
            max_entries: 64,
            max_age: Duration::from_millis(1),
            queue_max: 64,
        },
    }
}

/// A log on a memory store, with everything its clients were told.
struct Harness {
    f: Fixture,
    store: MemoryStore,
    started: Option<Started>,
    acked: BTreeMap<u64, Vec<u8>>,
    checkpoints: BTreeMap<u64, Vec<u8>>,
}

impl Harness {
    async fn new() -> Self {
        let mut h = Self {
            f: Fixture::new(),
            store: MemoryStore::new(),
            started: None,
            acked: BTreeMap::new(),
            checkpoints: BTreeMap::new(),
        };
        h.restart().await.expect("start");
        for entry in h.f.enrolments() {
            h.submit(entry).await.expect("enrol");
        }
        h
    }

    async fn restart(&mut self) -> Result<(), Error> {
        if let Some(started) = self.started.take() {
            drop(started.handle);
            started.task.await.expect("task");
        }
        let started = sequencer::start(
            Arc::new(self.store.clone()),
            config(&self.f),
            Arc::new(Metrics::default()),
        )
        .await?;
        self.started = Some(started);
        self.observe();
        Ok(())
    }

    fn started(&self) -> &Started {
        self.started.as_ref().expect("running")
    }

    /// Records the published checkpoint; a second, different one for a
    /// size is the one thing a log must never do.
    fn observe(&mut self) {
        let head = self.started().published.get();
        if let Some(previous) = self.checkpoints.insert(head.size, head.checkpoint.clone()) {
            assert_eq!(
                previous, head.checkpoint,
                "two checkpoints for size {}",
                head.size
            );
        }
    }

    async fn submit(&mut self, entry: Vec<u8>) -> Result<u64, Error> {
        let result = self.started().handle.submit(entry.clone()).await;
        self.observe();
        let sequenced = result?;
        if let Some(previous) = self.acked.insert(sequenced.index, entry.clone()) {
            assert_eq!(previous, entry, "index {} reused", sequenced.index);
        }
        Ok(sequenced.index)
    }

    fn size(&self) -> u64 {
        self.started().published.get().size
    }

    /// Restarts and checks every invariant against storage.
    async fn restart_and_check(&mut self) {
        self.restart().await.expect("restart");
        let head = self.store.head().await.expect("head").expect("a head");
        assert_eq!(head.size, self.size());
        let entries = self
            .store
            .read_entries((0..head.size).collect())
            .await
            .expect("entries");
        let entries: Vec<Vec<u8>> = entries.into_iter().map(|e| e.expect("entry")).collect();
        for (index, entry) in &self.acked {
            assert_eq!(&entries[usize::try_from(*index).expect("index")], entry);
        }
        let leaves: Vec<_> = entries.iter().map(|e| leaf_hash(e)).collect();
        let root = MemoryNodeReader::from_leaf_hashes(&leaves)
            .root(head.size)
            .expect("root");
        let origin = Origin::new(common::ORIGIN).expect("origin");
        let (cp, _) = open_checkpoint(
            &origin,
            &[config(&self.f).log_key.verifier()],
            &head.checkpoint,
        )
        .expect("checkpoint verifies");
        assert_eq!(cp.root_hash(), root, "tree matches the checkpoint");
        let last = SignedRecord::parse(entries.last().expect("entries")).expect("parse");
        assert!(matches!(last.record(), Record::State(s) if s.index() == head.size - 1));
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// The submission fails and nothing is written.
    FailsNoProgress,
    /// The submission fails but its round is on disk; a resubmission gets
    /// the index it was written at.
    FailsButLogged,
}

#[tokio::test]
async fn fault_table() {
    let table = [
        (FaultPoint::Commit, FaultMode::Fail, Expect::FailsNoProgress),
        (
            FaultPoint::Commit,
            FaultMode::FailButPersist,
            Expect::FailsButLogged,
        ),
        (
            FaultPoint::LookupLeaves,
            FaultMode::Fail,
            Expect::FailsNoProgress,
        ),
        (
            FaultPoint::LookupLeaves,
            FaultMode::FailButPersist,
            Expect::FailsNoProgress,
        ),
        (
            FaultPoint::ReadEntries,
            FaultMode::Fail,
            Expect::FailsNoProgress,
        ),
        (
            FaultPoint::ReadEntries,
            FaultMode::FailButPersist,
            Expect::FailsNoProgress,
        ),
    ];
    for (point, mode, expect) in table {
        let mut h = Harness::new().await;
        let release_index = h.submit(h.f.release("base")).await.expect("release");
        let release_hash = leaf_hash(&h.acked[&release_index]).to_hex();
        let size_before = h.size();
        let commits_before = h.store.commits();
        // An approval reads its release back, so every step here is exercised.
        let entry = h.f.approval(release_index, &release_hash);
        h.store.inject(point, mode);
        let result = h.submit(entry.clone()).await;
        assert!(
            matches!(result, Err(Error::RoundFailed)),
            "{point:?}/{mode:?}: {result:?}"
        );
        match expect {
            Expect::FailsNoProgress => {
                assert_eq!(h.store.commits(), commits_before, "{point:?}/{mode:?}");
                assert_eq!(h.size(), size_before);
                // The log goes on, and the entry gets the next index.
                assert_eq!(h.submit(entry).await.expect("retry"), size_before);
            }
            Expect::FailsButLogged => {
                assert_eq!(h.store.commits(), commits_before + 1);
                // The sequencer reloaded: it publishes the persisted round and
                // deduplicates the resubmission to the index it was given.
                assert_eq!(h.size(), size_before + 2);
                assert_eq!(h.submit(entry).await.expect("resubmit"), size_before);
                let next = h.submit(h.f.release("next")).await.expect("next");
                assert_eq!(next, size_before + 2, "built on the persisted round");
            }
        }
        h.restart_and_check().await;
    }
}

#[tokio::test]
async fn a_failed_reload_is_retried_before_the_next_round() {
    let mut h = Harness::new().await;
    let size = h.size();
    // The commit persists but reports failure, and the reload that follows
    // cannot read tiles: the sequencer must not sign on its stale tree.
    h.store
        .inject(FaultPoint::Commit, FaultMode::FailButPersist);
    h.store.inject(FaultPoint::ReadTiles, FaultMode::Fail);
    let first = h.f.release("one");
    assert!(matches!(
        h.submit(first.clone()).await,
        Err(Error::RoundFailed)
    ));
    // The next round reloads first, then deduplicates and appends.
    assert_eq!(h.submit(first).await.expect("dedup"), size);
    let second = h.submit(h.f.release("two")).await.expect("second");
    assert_eq!(second, size + 2);
    h.restart_and_check().await;
}

#[tokio::test]
async fn start_up_fails_cleanly_when_the_head_cannot_be_read() {
    let mut h = Harness::new().await;
    h.submit(h.f.release("x")).await.expect("release");
    h.store.inject(FaultPoint::Head, FaultMode::Fail);
    assert!(matches!(
        h.restart().await,
        Err(Error::InjectedFault(FaultPoint::Head))
    ));
    h.restart_and_check().await;
}

#[tokio::test]
async fn a_full_queue_answers_queue_full() {
    let f = Fixture::new();
    let store = MemoryStore::new();
    let mut cfg = config(&f);
    cfg.limits = BatchLimits {
        max_entries: 1,
        max_age: Duration::from_millis(1),
        queue_max: 1,
    };
    let started = sequencer::start(Arc::new(store), cfg, Arc::new(Metrics::default()))
        .await
        .expect("start");
    let handle = started.handle.clone();
    let submissions: Vec<_> = (0..64)
        .map(|i| {
            let handle = handle.clone();
            let entry = f.release(&format!("r{i}"));
            tokio::spawn(async move { handle.submit(entry).await })
        })
        .collect();
    let mut full = 0;
    for s in submissions {
        if matches!(s.await.expect("join"), Err(Error::QueueFull)) {
            full += 1;
        }
    }
    assert!(full > 0, "64 concurrent submissions into a queue of 1");
}
