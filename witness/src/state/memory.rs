//! An in-memory [`WitnessStore`] with fault injection, for tests.
//!
//! A test arms a fault at a step; the next call of that step fails, either
//! without touching the state ("fail, not persisted") or after applying the
//! write ("fail, but persisted": the caller cannot tell whether it happened,
//! as with a RocksDB error after the WAL write).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use sightline_proofs::{Hash, Origin};

use super::{Evidence, MAX_EVIDENCE, StoredCheckpoint, WitnessStore};
use crate::error::WitnessError;

/// A storage step that can be made to fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// Reading a head ([`WitnessStore::latest`]).
    Latest,
    /// The compare-and-swap's write.
    CompareAndSwap,
    /// Writing an evidence record.
    RecordEvidence,
}

/// How an armed step fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Fail and change nothing.
    FailNotPersisted,
    /// Apply the write, then fail.
    FailButPersisted,
}

#[derive(Default)]
struct Inner {
    heads: HashMap<Origin, StoredCheckpoint>,
    evidence: BTreeMap<Hash, (u64, Evidence)>,
    next_seq: u64,
    faults: HashMap<Step, Fault>,
}

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
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

    /// Makes the next call of `step` fail with `fault`.
    pub fn inject(&self, step: Step, fault: Fault) {
        self.lock().faults.insert(step, fault);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    fn take_fault(&mut self, step: Step) -> Option<Fault> {
        self.faults.remove(&step)
    }
}

impl WitnessStore for MemoryStore {
    async fn latest(&self, origin: &Origin) -> Result<Option<StoredCheckpoint>, WitnessError> {
        let mut inner = self.lock();
        if inner.take_fault(Step::Latest).is_some() {
            return Err(WitnessError::InjectedFault);
        }
        Ok(inner.heads.get(origin).cloned())
    }

    async fn all_latest(&self) -> Result<Vec<StoredCheckpoint>, WitnessError> {
        Ok(self.lock().heads.values().cloned().collect())
    }

    async fn compare_and_swap(
        &self,
        old_size: u64,
        new: StoredCheckpoint,
    ) -> Result<(), WitnessError> {
        let mut inner = self.lock();
        let origin = new.checkpoint().origin().clone();
        let known_size = inner.heads.get(&origin).map_or(0, StoredCheckpoint::size);
        if known_size != old_size {
            return Err(WitnessError::Conflict { known_size });
        }
        if new.size() < known_size {
            return Err(WitnessError::Rollback {
                stored: known_size,
                new: new.size(),
            });
        }
        match inner.take_fault(Step::CompareAndSwap) {
            Some(Fault::FailNotPersisted) => Err(WitnessError::InjectedFault),
            Some(Fault::FailButPersisted) => {
                inner.heads.insert(origin, new);
                Err(WitnessError::InjectedFault)
            }
            None => {
                inner.heads.insert(origin, new);
                Ok(())
            }
        }
    }

    async fn record_evidence(&self, evidence: Evidence) -> Result<bool, WitnessError> {
        let mut inner = self.lock();
        let fault = inner.take_fault(Step::RecordEvidence);
        if fault == Some(Fault::FailNotPersisted) {
            return Err(WitnessError::InjectedFault);
        }
        let id = evidence.id();
        let stored = if inner.evidence.contains_key(&id) {
            true
        } else if inner.evidence.len() >= MAX_EVIDENCE {
            false
        } else {
            let seq = inner.next_seq;
            inner.next_seq += 1;
            inner.evidence.insert(id, (seq, evidence));
            true
        };
        if fault == Some(Fault::FailButPersisted) {
            return Err(WitnessError::InjectedFault);
        }
        Ok(stored)
    }

    async fn evidence(&self) -> Result<Vec<Evidence>, WitnessError> {
        let inner = self.lock();
        let mut all: Vec<_> = inner.evidence.values().cloned().collect();
        all.sort_by_key(|(seq, _)| *seq);
        Ok(all.into_iter().map(|(_, e)| e).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::conformance;

    #[tokio::test]
    async fn conformance_suite() {
        conformance::run(&MemoryStore::new()).await;
        conformance::run_concurrent(std::sync::Arc::new(MemoryStore::new())).await;
    }

    #[tokio::test]
    async fn faults_fail_once_with_or_without_persisting() {
        let store = MemoryStore::new();
        let one = conformance::stored(1, 1);
        let origin = one.checkpoint().origin().clone();
        store.inject(Step::CompareAndSwap, Fault::FailNotPersisted);
        assert!(matches!(
            store.compare_and_swap(0, one.clone()).await,
            Err(WitnessError::InjectedFault)
        ));
        assert_eq!(store.latest(&origin).await.expect("latest"), None);
        store.inject(Step::CompareAndSwap, Fault::FailButPersisted);
        assert!(store.compare_and_swap(0, one.clone()).await.is_err());
        assert_eq!(store.latest(&origin).await.expect("latest"), Some(one));
        store.inject(Step::Latest, Fault::FailNotPersisted);
        assert!(store.latest(&origin).await.is_err());
        assert!(store.latest(&origin).await.is_ok(), "faults are one-shot");
    }
}
