//! When rounds close: as soon as the queue is drained, not at the age
//! bound. The age bound here is an hour, so a sequencer that waited for it
//! would never answer these submitters.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::Fixture;
use sightline_log_server::metrics::Metrics;
use sightline_log_server::sequencer::{self, BatchLimits, SequencerConfig};
use sightline_log_server::storage::memory::MemoryStore;
use sightline_proofs::Origin;
use sightline_proofs::state::AdmissionRules;

fn config(f: &Fixture) -> SequencerConfig {
    SequencerConfig {
        log_key: common::key(common::ORIGIN, 99),
        origin: Origin::new(common::ORIGIN).expect("origin"),
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
            max_entries: 4096,
            max_age: Duration::from_secs(3600),
            queue_max: 64,
        },
    }
}

#[tokio::test]
async fn a_drained_queue_closes_the_round() {
    let f = Fixture::new();
    let started = sequencer::start(
        Arc::new(MemoryStore::new()),
        config(&f),
        Arc::new(Metrics::default()),
    )
    .await
    .expect("start");
    // One submitter at a time: each round holds one entry and its state
    // entry, and each answer comes once that round is committed.
    let mut entries = f.enrolments();
    entries.push(f.release("lone"));
    for (n, entry) in entries.into_iter().enumerate() {
        let before = started.published.get().size;
        let sequenced = started.handle.submit(entry).await.expect("admitted");
        assert_eq!(sequenced.index, before, "submission {n}");
        assert_eq!(started.published.get().size, before + 2, "submission {n}");
    }
}

#[tokio::test]
async fn concurrent_submitters_are_all_answered_in_drained_rounds() {
    let f = Fixture::new();
    let started = sequencer::start(
        Arc::new(MemoryStore::new()),
        config(&f),
        Arc::new(Metrics::default()),
    )
    .await
    .expect("start");
    for entry in f.enrolments() {
        started.handle.submit(entry).await.expect("enrol");
    }
    let base = started.published.get().size;
    let tasks: Vec<_> = (0..32)
        .map(|i| {
            let handle = started.handle.clone();
            let entry = f.release(&format!("r{i}"));
            tokio::spawn(async move { handle.submit(entry).await })
        })
        .collect();
    let mut indices = Vec::new();
    for task in tasks {
        indices.push(task.await.expect("join").expect("admitted").index);
    }
    indices.sort_unstable();
    indices.dedup();
    assert_eq!(indices.len(), 32, "every release has its own index");
    let size = started.published.get().size;
    assert!(indices.iter().all(|i| *i >= base && *i < size));
}
