//! The sequencer: one task owns the tree (STYLE §9, §10; DESIGN §5).
//!
//! Handlers reach it through a [`SequencerHandle`]: a bounded channel
//! carries each entry with a oneshot for its answer. The task closes a round
//! once the queue is drained, or earlier at `max_entries` submissions or
//! `max_age` after it started collecting; entries arriving meanwhile queue
//! for the next round. It deduplicates, admits each entry against the key
//! state (in order, each seeing the ones before it), appends the log's own
//! `state` entry, computes the new tiles and signs the checkpoint
//! ([`round`], pure), and commits it all in one durable write. Only then are
//! submitters answered and the new checkpoint published.
//!
//! The task does no Ed25519 work for submitted entries: each handler parses
//! its entry and checks its signatures first, against a snapshot of the key
//! state published after every round
//! ([`LogState::preverify`](sightline_proofs::state::LogState::preverify)),
//! on whichever core runs it. The task then applies every admission rule
//! against its current state and checks only signatures by keys the
//! snapshot did not know yet. A resubmission of an entry committed
//! recently is answered from memory ([`recent`]) without reaching the task.
//!
//! # Crash windows
//! - Before the commit returns: nothing of the round is acknowledged or
//!   published. A crash leaves storage at the previous round or (if the
//!   synced write reached disk) at this one; start-up loads whichever it is.
//! - After the commit, before the answers: entries are durable but their
//!   submitters may not hear back; a resubmission is deduplicated and
//!   answered with the same index.
//! - A commit that returns an error may still have persisted. The task then
//!   reloads its tree from storage before signing anything else, so it never
//!   signs a second root for a size already on disk.

pub mod recent;
pub mod round;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sightline_proofs::record::{MAX_ENTRY_LEN, Record, SignedRecord, Timestamp};
use sightline_proofs::state::{AdmissionRules, LogState, LoggedRelease, Preverified};
use sightline_proofs::tile::partial_tiles;
use sightline_proofs::{Hash, Origin, SignerKey, TileBuilder, leaf_hash, open_checkpoint};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::metrics::Metrics;
use crate::search::search_rows;
use crate::sequencer::recent::{RECENT_LEAVES, RecentLeaves};
use crate::storage::{Head, LogStore, RoundCommit, SearchRow, TileKey};

/// When a round closes.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    /// Most submissions in one round.
    pub max_entries: usize,
    /// Longest a round stays open after its first submission.
    pub max_age: Duration,
    /// Most submissions waiting in the queue; beyond it, 503.
    pub queue_max: usize,
}

/// What the sequencer needs to run.
#[derive(Clone, Debug)]
pub struct SequencerConfig {
    /// The log's origin.
    pub origin: Origin,
    /// The log's signing key, named by the origin.
    pub log_key: SignerKey,
    /// Root keys, threshold and clock skew.
    pub rules: AdmissionRules,
    /// Round bounds.
    pub limits: BatchLimits,
}

/// Where an entry was logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sequenced {
    /// Its index.
    pub index: u64,
    /// Its leaf hash.
    pub leaf_hash: Hash,
}

type Reply = oneshot::Sender<Result<Sequenced, Error>>;

struct Submission {
    /// The bytes as received (kept so the round stores them verbatim).
    entry: Vec<u8>,
    /// The entry parsed, its signatures checked against a snapshot.
    preverified: Preverified,
    received: Instant,
    reply: Reply,
}

impl Submission {
    fn leaf_hash(&self) -> Hash {
        *self.preverified.leaf_hash()
    }

    /// Answers a resubmission of an entry already logged at `index`.
    fn answer_logged(self, index: u64) {
        let leaf_hash = self.leaf_hash();
        // The submitter may have gone; nothing to do then.
        let _ = self.reply.send(Ok(Sequenced { index, leaf_hash }));
    }
}

/// What handlers and the task share besides the queue.
#[derive(Debug)]
struct Shared {
    /// The admission rules, for preverification.
    rules: AdmissionRules,
    /// The key state as of the latest committed round.
    state: RwLock<Arc<LogState>>,
    /// Recently committed leaves.
    recent: Mutex<RecentLeaves>,
    /// Counters.
    metrics: Arc<Metrics>,
}

impl Shared {
    fn snapshot(&self) -> Arc<LogState> {
        let guard = self.state.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&guard)
    }

    fn publish_state(&self, state: Arc<LogState>) {
        *self.state.write().unwrap_or_else(PoisonError::into_inner) = state;
    }

    fn recent(&self) -> std::sync::MutexGuard<'_, RecentLeaves> {
        self.recent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The latest published head, read by handlers. Kept in a `watch` so that
/// the witnessing tasks follow it (skipping straight to the newest) and
/// `wait=cosigned` can wait on the cosigned one.
#[derive(Clone, Debug)]
pub struct Published(Arc<watch::Sender<Arc<Head>>>);

impl Published {
    /// A published head starting at `head`.
    pub fn new(head: Head) -> Self {
        Self(Arc::new(watch::Sender::new(Arc::new(head))))
    }

    /// The latest head.
    pub fn get(&self) -> Arc<Head> {
        Arc::clone(&self.0.borrow())
    }

    /// Publishes a newer head.
    pub fn set(&self, head: Head) {
        self.0.send_replace(Arc::new(head));
    }

    /// A receiver that sees every later head (at least the newest).
    pub fn subscribe(&self) -> watch::Receiver<Arc<Head>> {
        self.0.subscribe()
    }
}

/// The handlers' side of the sequencer.
#[derive(Clone, Debug)]
pub struct SequencerHandle {
    tx: mpsc::Sender<Submission>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("leaf_hash", &self.leaf_hash())
            .finish_non_exhaustive()
    }
}

impl SequencerHandle {
    /// Submits one entry and waits until it is durably logged (or refused).
    ///
    /// # Errors
    /// [`Error::Admission`] naming the rule broken; [`Error::QueueFull`];
    /// [`Error::RoundFailed`] if its round could not be committed;
    /// [`Error::SequencerStopped`] when shutting down.
    pub async fn submit(&self, entry: Vec<u8>) -> Result<Sequenced, Error> {
        let received = Instant::now();
        if entry.len() > MAX_ENTRY_LEN {
            return Err(Error::Admission(
                sightline_proofs::ProofsError::EntryTooLarge(entry.len()),
            ));
        }
        let leaf_hash = leaf_hash(&entry);
        let remembered = self.shared.recent().get(&leaf_hash);
        if let Some(index) = remembered {
            self.shared.metrics.deduplicated();
            self.shared.metrics.acknowledged(received.elapsed());
            return Ok(Sequenced { index, leaf_hash });
        }
        // The parse and the Ed25519 checks run here, on the worker running
        // this request, in parallel with other requests and the task.
        let preverified = self
            .shared
            .snapshot()
            .preverify(&entry, &self.shared.rules)
            .map_err(|e| {
                self.shared.metrics.refused();
                Error::Admission(e)
            })?;
        let (reply, answer) = oneshot::channel();
        let submission = Submission {
            entry,
            preverified,
            received,
            reply,
        };
        self.tx.try_send(submission).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Error::QueueFull,
            mpsc::error::TrySendError::Closed(_) => Error::SequencerStopped,
        })?;
        let answer = answer.await.map_err(|_| Error::SequencerStopped)?;
        if answer.is_ok() {
            self.shared.metrics.acknowledged(received.elapsed());
        }
        answer
    }

    /// Submissions waiting in the queue.
    pub fn queue_depth(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    /// The queue's capacity.
    pub fn queue_capacity(&self) -> usize {
        self.tx.max_capacity()
    }
}

/// A running sequencer.
#[derive(Debug)]
pub struct Started {
    /// For submitting entries.
    pub handle: SequencerHandle,
    /// The latest head.
    pub published: Published,
    /// The task; it ends once every handle is dropped and the queue is drained.
    pub task: JoinHandle<()>,
}

/// Loads the tree from storage (creating the first round, a lone state
/// entry, for a new log) and spawns the sequencer task.
///
/// Start-up reads the head, the partial tiles of its size and the last
/// entry (the state entry), never every entry.
///
/// # Errors
/// Storage errors, or [`Error::StorageCorrupt`] if the stored head, tiles or
/// state entry do not agree with each other or with the log key.
pub async fn start(
    store: Arc<dyn LogStore>,
    config: SequencerConfig,
    metrics: Arc<Metrics>,
) -> Result<Started, Error> {
    let (tree, state, head) = match load(store.as_ref(), &config).await? {
        Some(loaded) => loaded,
        None => bootstrap(store.as_ref(), &config).await?,
    };
    metrics.set_tree_size(head.size);
    let published = Published::new(head);
    let (tx, rx) = mpsc::channel(config.limits.queue_max.max(1));
    let state = Arc::new(state);
    let shared = Arc::new(Shared {
        rules: config.rules.clone(),
        state: RwLock::new(Arc::clone(&state)),
        recent: Mutex::new(RecentLeaves::new(RECENT_LEAVES)),
        metrics: Arc::clone(&metrics),
    });
    let sequencer = Sequencer {
        store,
        config,
        tree,
        state,
        published: published.clone(),
        metrics,
        shared: Arc::clone(&shared),
        needs_reload: false,
    };
    let task = tokio::spawn(sequencer.run(rx));
    Ok(Started {
        handle: SequencerHandle { tx, shared },
        published,
        task,
    })
}

type Loaded = (TileBuilder, LogState, Head);

/// The tree, key state and head from storage, or `None` for an empty store.
async fn load(store: &dyn LogStore, config: &SequencerConfig) -> Result<Option<Loaded>, Error> {
    let Some(head) = store.head().await? else {
        return Ok(None);
    };
    let vkey = config.log_key.verifier();
    let (checkpoint, _) = open_checkpoint(
        &config.origin,
        std::slice::from_ref(&vkey),
        &head.checkpoint,
    )
    .map_err(|_| Error::StorageCorrupt("stored checkpoint does not verify"))?;
    if checkpoint.size() != head.size || head.size == 0 {
        return Err(Error::StorageCorrupt(
            "stored checkpoint is not for the stored size",
        ));
    }
    let partial = partial_tiles(head.size);
    let keys = partial
        .iter()
        .map(|t| TileKey {
            level: t.level(),
            index: t.index(),
        })
        .collect();
    let stored = store.read_tiles(keys).await?;
    let mut tiles = Vec::with_capacity(partial.len());
    for (tile, data) in partial.iter().zip(&stored) {
        let data = data
            .as_deref()
            .and_then(|d| d.get(..tile.data_len()))
            .ok_or(Error::StorageCorrupt("a partial tile is missing"))?;
        tiles.push((*tile, data));
    }
    let tree = TileBuilder::from_tiles(&checkpoint.root_hash(), &tiles)
        .map_err(|_| Error::StorageCorrupt("stored tiles do not match the checkpoint"))?;
    let last = store
        .read_entries(vec![head.size - 1])
        .await?
        .pop()
        .flatten()
        .ok_or(Error::StorageCorrupt("the last entry is missing"))?;
    let signed = SignedRecord::parse(&last)
        .map_err(|_| Error::StorageCorrupt("the last entry does not parse"))?;
    let Record::State(stated) = signed.record() else {
        return Err(Error::StorageCorrupt("the last entry is not a state entry"));
    };
    signed
        .note()
        .verify(std::slice::from_ref(&vkey))
        .map_err(|_| Error::StorageCorrupt("the state entry is not signed by the log"))?;
    Ok(Some((tree, LogState::from_state_record(stated), head)))
}

/// Commits the first round of a new log: its state entry at index 0, so
/// that even the first checkpoint ends with a state entry.
async fn bootstrap(store: &dyn LogStore, config: &SequencerConfig) -> Result<Loaded, Error> {
    let state = LogState::new();
    let time = Timestamp::from_unix(unix_now()?).map_err(Error::Internal)?;
    let entry = state
        .sign_state_entry(0, time, &config.log_key)
        .map_err(Error::Internal)?
        .to_bytes();
    let tree = TileBuilder::new();
    let out = round::compute_round(
        &tree,
        std::slice::from_ref(&entry),
        &config.origin,
        &config.log_key,
    )
    .map_err(Error::Internal)?;
    let head = Head {
        size: out.root.size(),
        checkpoint: out.checkpoint,
    };
    // Crash window: a crash before this write completes leaves an empty
    // store, and the next start bootstraps again.
    store
        .commit_round(RoundCommit {
            first_index: 0,
            entries: vec![entry],
            leaf_hashes: out.leaf_hashes,
            tiles: out.tiles,
            search: Vec::new(),
            head: head.clone(),
        })
        .await?;
    Ok((out.tree, state, head))
}

fn unix_now() -> Result<u64, Error> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| Error::Clock)
}

/// The entry's `release <ref>` index if it is an approval or a rollout.
fn referenced_index(record: &Record) -> Option<u64> {
    match record {
        Record::Approval(a) => Some(a.release().index()),
        Record::Rollout(r) => Some(r.release().index()),
        _ => None,
    }
}

struct Sequencer {
    store: Arc<dyn LogStore>,
    config: SequencerConfig,
    tree: TileBuilder,
    /// The key state after the last committed round, as published to
    /// handlers for preverification.
    state: Arc<LogState>,
    published: Published,
    metrics: Arc<Metrics>,
    shared: Arc<Shared>,
    /// Set when a commit failed: storage may be ahead of `tree`.
    needs_reload: bool,
}

/// A round after admission.
struct Batch {
    state: LogState,
    entries: Vec<Vec<u8>>,
    rows: Vec<SearchRow>,
    waiters: Vec<Waiter>,
}

/// A submitter waiting for the round's commit.
struct Waiter {
    reply: Reply,
    sequenced: Sequenced,
}

impl Sequencer {
    async fn run(mut self, mut rx: mpsc::Receiver<Submission>) {
        // `recv` returns the queued submissions before `None`, so a closed
        // channel (shutdown) still drains the queue round by round.
        //
        // A round takes what is already queued and closes as soon as the
        // queue is empty (or at the size/age bound): waiting for more would
        // only idle the disk, since submitters that wait for their answer
        // cannot send again until this round commits. Whatever arrives
        // during the commit queues up and forms the next round.
        while let Some(first) = rx.recv().await {
            let deadline = Instant::now() + self.config.limits.max_age;
            let mut batch = vec![first];
            while batch.len() < self.config.limits.max_entries && Instant::now() < deadline {
                match rx.try_recv() {
                    Ok(submission) => batch.push(submission),
                    // Empty: drained. Disconnected: only queued ones remained.
                    Err(_) => break,
                }
            }
            self.round(batch).await;
        }
        tracing::info!(size = self.tree.size(), "sequencer drained and stopped");
    }

    async fn reload(&mut self) -> Result<(), Error> {
        let (tree, state, head) = load(self.store.as_ref(), &self.config)
            .await?
            .ok_or(Error::StorageCorrupt("the store lost its head"))?;
        tracing::warn!(size = head.size, "reloaded the tree from storage");
        self.metrics.set_tree_size(head.size);
        self.tree = tree;
        self.state = Arc::new(state);
        self.shared.publish_state(Arc::clone(&self.state));
        self.published.set(head);
        self.needs_reload = false;
        Ok(())
    }

    async fn round(&mut self, batch: Vec<Submission>) {
        let started = batch
            .iter()
            .map(|s| s.received)
            .min()
            .unwrap_or_else(Instant::now);
        if self.needs_reload
            && let Err(e) = self.reload().await
        {
            tracing::error!(error = %e, "cannot reload the tree; refusing this round");
            fail_all(batch.into_iter().map(|s| s.reply));
            return;
        }
        // Entries already logged get their existing index (DESIGN §4):
        // from memory if committed recently, else from storage.
        let batch = self.answer_remembered(batch);
        if batch.is_empty() {
            return;
        }
        let hashes = batch.iter().map(Submission::leaf_hash).collect();
        let known = match self.store.lookup_leaves(hashes).await {
            Ok(known) => known,
            Err(e) => {
                tracing::error!(error = %e, "deduplication lookup failed");
                fail_all(batch.into_iter().map(|s| s.reply));
                return;
            }
        };
        let mut pending = Vec::with_capacity(batch.len());
        for (submission, known) in batch.into_iter().zip(known) {
            match known {
                Some(index) => {
                    self.metrics.deduplicated();
                    submission.answer_logged(index);
                }
                None => pending.push(submission),
            }
        }
        if pending.is_empty() {
            return;
        }
        let mut releases = match self.referenced_releases(&pending).await {
            Ok(releases) => releases,
            Err(e) => {
                tracing::error!(error = %e, "reading referenced releases failed");
                fail_all(pending.into_iter().map(|s| s.reply));
                return;
            }
        };
        let now = match unix_now() {
            Ok(now) => now,
            Err(e) => {
                tracing::error!(error = %e, "no usable clock");
                fail_all(pending.into_iter().map(|s| s.reply));
                return;
            }
        };

        let Batch {
            state,
            entries,
            rows,
            waiters,
        } = self.admit_batch(pending, &mut releases, now);
        if entries.is_empty() {
            return;
        }
        match self.commit(state, entries, rows, now, started).await {
            Ok(()) => {
                for waiter in waiters {
                    let _ = waiter.reply.send(Ok(waiter.sequenced));
                }
            }
            Err(e) => {
                self.metrics.round_failed();
                tracing::error!(error = %e, "round commit failed");
                fail_all(waiters.into_iter().map(|w| w.reply));
            }
        }
    }

    /// Answers the submissions of recently committed entries with their
    /// index; returns the others.
    fn answer_remembered(&self, batch: Vec<Submission>) -> Vec<Submission> {
        let recent = self.shared.recent();
        let mut rest = Vec::with_capacity(batch.len());
        for submission in batch {
            match recent.get(&submission.leaf_hash()) {
                Some(index) => {
                    self.metrics.deduplicated();
                    submission.answer_logged(index);
                }
                None => rest.push(submission),
            }
        }
        rest
    }

    /// Admits a round's submissions in order, on a copy of the key state
    /// (a failed commit then leaves `self.state` as it was). Refusals are
    /// answered at once; identical entries share one index.
    fn admit_batch(
        &self,
        pending: Vec<Submission>,
        releases: &mut BTreeMap<u64, LoggedRelease>,
        now: u64,
    ) -> Batch {
        let mut state = LogState::clone(&self.state);
        let mut next = self.tree.size();
        let mut entries = Vec::with_capacity(pending.len() + 1);
        let mut rows = Vec::new();
        let mut waiters = Vec::with_capacity(pending.len());
        let mut in_round: HashMap<Hash, u64> = HashMap::new();
        for submission in pending {
            let leaf_hash = submission.leaf_hash();
            if let Some(&index) = in_round.get(&leaf_hash) {
                waiters.push(Waiter {
                    reply: submission.reply,
                    sequenced: Sequenced { index, leaf_hash },
                });
                continue;
            }
            let Submission {
                entry,
                preverified,
                reply,
                ..
            } = submission;
            match self.admit(&mut state, preverified, next, now, releases) {
                Ok(new_rows) => {
                    rows.extend(new_rows);
                    in_round.insert(leaf_hash, next);
                    entries.push(entry);
                    waiters.push(Waiter {
                        reply,
                        sequenced: Sequenced {
                            index: next,
                            leaf_hash,
                        },
                    });
                    next += 1;
                }
                Err(e) => {
                    self.metrics.refused();
                    let _ = reply.send(Err(Error::Admission(e)));
                }
            }
        }
        Batch {
            state,
            entries,
            rows,
            waiters,
        }
    }

    /// Admits one entry at `index` and applies it to `state`.
    fn admit(
        &self,
        state: &mut LogState,
        preverified: Preverified,
        index: u64,
        now: u64,
        releases: &mut BTreeMap<u64, LoggedRelease>,
    ) -> Result<Vec<SearchRow>, sightline_proofs::ProofsError> {
        let admitted =
            state.admit_preverified(preverified, index, now, &self.config.rules, &*releases)?;
        let rows = search_rows(&admitted, index, state, releases);
        state.apply(index, &admitted)?;
        if let Record::Release(release) = admitted.record() {
            releases.insert(
                index,
                LoggedRelease::new(*admitted.entry().leaf_hash(), release.clone()),
            );
        }
        Ok(rows)
    }

    /// The logged releases the pending approvals and rollouts reference,
    /// read in one batch.
    async fn referenced_releases(
        &self,
        pending: &[Submission],
    ) -> Result<BTreeMap<u64, LoggedRelease>, Error> {
        let size = self.tree.size();
        let mut wanted: Vec<u64> = pending
            .iter()
            .filter_map(|s| referenced_index(s.preverified.record()))
            .filter(|index| *index < size)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut releases = BTreeMap::new();
        if wanted.is_empty() {
            return Ok(releases);
        }
        let stored = self.store.read_entries(wanted.clone()).await?;
        for (index, entry) in wanted.into_iter().zip(stored) {
            let Some(entry) = entry else { continue };
            let Ok(signed) = SignedRecord::parse(&entry) else {
                continue;
            };
            if let Record::Release(release) = signed.record() {
                releases.insert(
                    index,
                    LoggedRelease::new(*signed.leaf_hash(), release.clone()),
                );
            }
        }
        Ok(releases)
    }

    /// Appends the state entry, computes and commits the round.
    async fn commit(
        &mut self,
        state: LogState,
        mut entries: Vec<Vec<u8>>,
        search: Vec<SearchRow>,
        now: u64,
        started: Instant,
    ) -> Result<(), Error> {
        let first_index = self.tree.size();
        let state_index = first_index + entries.len() as u64;
        let time = Timestamp::from_unix(now).map_err(Error::Internal)?;
        let state_entry = state
            .sign_state_entry(state_index, time, &self.config.log_key)
            .map_err(Error::Internal)?;
        entries.push(state_entry.to_bytes());
        let out = round::compute_round(
            &self.tree,
            &entries,
            &self.config.origin,
            &self.config.log_key,
        )
        .map_err(Error::Internal)?;
        let head = Head {
            size: out.root.size(),
            checkpoint: out.checkpoint,
        };
        // The submitted entries' leaves, remembered once durable (the state
        // entry, last, is never submitted).
        let committed: Vec<(Hash, u64)> = out
            .leaf_hashes
            .iter()
            .copied()
            .zip(first_index..state_index)
            .collect();
        let commit = RoundCommit {
            first_index,
            entries,
            leaf_hashes: out.leaf_hashes,
            tiles: out.tiles,
            search,
            head: head.clone(),
        };
        // Crash window: see the module docs. Nothing is answered or
        // published until this returns Ok.
        if let Err(e) = self.store.commit_round(commit).await {
            // The write may have reached disk: never build on `self.tree`
            // again without reloading.
            self.needs_reload = true;
            if let Err(reload) = self.reload().await {
                tracing::error!(error = %reload, "reload after a failed commit failed; will retry");
            }
            return Err(e);
        }
        self.metrics
            .round_committed(head.size - first_index, started.elapsed(), head.size);
        self.tree = out.tree;
        self.state = Arc::new(state);
        self.shared.publish_state(Arc::clone(&self.state));
        self.shared.recent().extend(committed);
        self.published.set(head);
        Ok(())
    }
}

fn fail_all(replies: impl Iterator<Item = Reply>) {
    for reply in replies {
        let _ = reply.send(Err(Error::RoundFailed));
    }
}
