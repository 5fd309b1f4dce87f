//! The log's side of witnessing (DESIGN §5, c2sp tlog-witness).
//!
//! With `witness_quorum` above 0, every committed round's signed checkpoint
//! goes to every configured witness ([`sender`], one task each, following
//! a `watch` of the newest signed checkpoint). The [`gatherer`] verifies
//! each cosignature with the witness's configured key and decides the
//! newest checkpoint that meets the quorum; a publisher task stores it
//! (one synced write) and only then serves it. From then on `/checkpoint`,
//! `/v1/proof`, `/v1/bundle`, tiles and consistency proofs all answer
//! against that quorum-cosigned checkpoint, never a newer uncosigned one.
//!
//! Answers while the cosigned checkpoint lags the log:
//! - `GET /checkpoint` before any checkpoint met the quorum: 503
//!   `NoCosignedCheckpoint` with `Retry-After`.
//! - `GET /v1/proof/<index>` for an entry logged but beyond the cosigned
//!   checkpoint: 404 `NotCosignedYet`, with `index` and `cosigned_size`.
//! - `GET /v1/bundle` for a release beyond it: 404 `ReleaseNotFound`, as if
//!   not yet logged.
//! - `POST /v1/entries?wait=cosigned`: 200 with `cosigned_size` once a
//!   quorum-cosigned checkpoint covers the entry; 202 with `index`,
//!   `leaf_hash`, `cosigned_size` and `error: "NotCosignedYet"` when
//!   `cosigned_wait_ms` passes first (the entry IS logged).
//!
//! With quorum 0 the log serves its own signed checkpoints, as before.
//!
//! # Crash windows
//! - A checkpoint is served only after its cosigned note is stored: a
//!   restart serves it (or a newer one) before any witness answers.
//! - A crash after a witness cosigned but before the note was stored loses
//!   only those cosignatures; the witness holds that size, answers the next
//!   `old 0` with a 409, and cosigns the next checkpoint.

#[cfg(test)]
pub(crate) mod fake_witness;
pub mod gatherer;
pub mod metrics;
pub mod sender;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sightline_proofs::{Origin, VerifierKey};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::WitnessingConfig;
use crate::error::Error;
use crate::sequencer::{Published, Sequenced};
use crate::storage::{Head, LogStore};

use self::gatherer::{Cosigned, Gatherer};
use self::metrics::WitnessMetrics;
use self::sender::Sender;

/// The wait before retrying a failed store of the cosigned checkpoint.
const STORE_RETRY: Duration = Duration::from_millis(200);

/// The witnessing state handlers share.
#[derive(Debug)]
pub struct Witnessing {
    quorum: usize,
    /// The newest signed checkpoint (the sequencer's).
    signed: Published,
    /// What the log serves: the newest quorum-cosigned checkpoint (size 0
    /// and an empty note until one exists), or `signed` with quorum 0.
    served: Published,
    cosigned_wait: Duration,
    metrics: Arc<WitnessMetrics>,
    tasks: Vec<JoinHandle<()>>,
}

/// What `wait=cosigned` ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// A quorum-cosigned checkpoint of this size covers the entry.
    Covered(u64),
    /// The wait ran out while the cosigned size was this.
    TimedOut(u64),
}

impl Witnessing {
    /// No witnesses: the log serves its own signed checkpoints.
    pub fn disabled(signed: Published) -> Self {
        Self {
            quorum: 0,
            served: signed.clone(),
            signed,
            cosigned_wait: Duration::ZERO,
            metrics: Arc::new(WitnessMetrics::new(Vec::new(), 0)),
            tasks: Vec::new(),
        }
    }

    /// Starts witnessing: restores the stored cosigned checkpoint (if it
    /// still verifies and meets the quorum), then spawns the publisher and
    /// one sender per witness. With quorum 0, [`Witnessing::disabled`].
    ///
    /// # Errors
    /// Storage errors reading the stored cosigned checkpoint.
    pub async fn start(
        store: Arc<dyn LogStore>,
        signed: Published,
        origin: Origin,
        log_key: VerifierKey,
        config: &WitnessingConfig,
    ) -> Result<Self, Error> {
        if config.quorum == 0 || config.witnesses.is_empty() {
            return Ok(Self::disabled(signed));
        }
        let keys: Vec<VerifierKey> = config.witnesses.iter().map(|w| w.vkey.clone()).collect();
        let metrics = Arc::new(WitnessMetrics::new(
            keys.iter().map(|k| k.name().as_str().to_owned()),
            config.quorum,
        ));
        let mut gatherer = Gatherer::new(origin, log_key, keys, config.quorum);
        let head = restore(store.as_ref(), &mut gatherer, signed.get().size).await?;
        metrics.set_cosigned_size(head.size);
        let served = Published::new(head);
        let gatherer = Arc::new(Mutex::new(gatherer));
        let (quorate, quorate_rx) = watch::channel(None);
        let quorate = Arc::new(quorate);
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the witness HTTP client: {e}")))?;
        let mut tasks = vec![tokio::spawn(publish(
            quorate_rx,
            Arc::clone(&store),
            served.clone(),
            Arc::clone(&metrics),
        ))];
        for (index, spec) in config.witnesses.iter().enumerate() {
            let sender = Sender {
                index,
                spec: spec.clone(),
                client: client.clone(),
                store: Arc::clone(&store),
                signed: signed.subscribe(),
                gatherer: Arc::clone(&gatherer),
                quorate: Arc::clone(&quorate),
                counters: Arc::clone(&metrics),
                refresh: config.refresh,
            };
            tasks.push(tokio::spawn(sender.run()));
        }
        Ok(Self {
            quorum: config.quorum,
            signed,
            served,
            cosigned_wait: config.cosigned_wait,
            metrics,
            tasks,
        })
    }

    /// Whether a quorum of witnesses is required.
    pub fn enabled(&self) -> bool {
        self.quorum > 0
    }

    /// What the log serves (see [`Witnessing`]'s fields).
    pub fn served(&self) -> Published {
        self.served.clone()
    }

    /// The witnessing metrics' text exposition.
    pub fn render_metrics(&self) -> String {
        self.metrics.render()
    }

    /// Waits, at most `cosigned_wait`, until a quorum-cosigned checkpoint
    /// covers the entry at `index`.
    pub async fn wait_cosigned(&self, sequenced: &Sequenced) -> Wait {
        let mut rx = self.served.subscribe();
        let index = sequenced.index;
        let waited =
            tokio::time::timeout(self.cosigned_wait, rx.wait_for(|h| h.size > index)).await;
        match waited {
            Ok(Ok(head)) => Wait::Covered(head.size),
            _ => Wait::TimedOut(self.served.get().size),
        }
    }

    /// Refines a 404 for the entry at `index`: if the log holds it but no
    /// quorum-cosigned checkpoint covers it yet, says so.
    pub fn explain_missing(&self, index: u64, error: Error) -> Error {
        let cosigned_size = self.served.get().size;
        if matches!(error, Error::NotFound)
            && self.enabled()
            && index >= cosigned_size
            && index < self.signed.get().size
        {
            return Error::NotCosignedYet {
                index,
                cosigned_size,
            };
        }
        error
    }

    /// Stops the publisher and the senders.
    pub fn stop(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The stored cosigned checkpoint, if it still verifies and meets the
/// quorum and is not beyond the log; otherwise the empty head (nothing is
/// served until the witnesses answer).
async fn restore(
    store: &dyn LogStore,
    gatherer: &mut Gatherer,
    log_size: u64,
) -> Result<Head, Error> {
    let empty = Head {
        size: 0,
        checkpoint: Vec::new(),
    };
    let Some(stored) = store.cosigned().await? else {
        return Ok(empty);
    };
    if stored.size > log_size {
        tracing::error!(
            cosigned = stored.size,
            log = log_size,
            "the stored cosigned checkpoint is beyond the log; ignoring it"
        );
        return Ok(empty);
    }
    match gatherer.restore(&stored.checkpoint) {
        Ok(cosigned) if cosigned.size == stored.size => Ok(Head {
            size: cosigned.size,
            checkpoint: cosigned.note,
        }),
        Ok(_) => {
            tracing::error!(
                "the stored cosigned checkpoint's size disagrees with its note; ignoring it"
            );
            Ok(empty)
        }
        Err(e) => {
            tracing::warn!(
                error = %e,
                "the stored cosigned checkpoint no longer meets this configuration's quorum; waiting for witnesses"
            );
            Ok(empty)
        }
    }
}

/// Stores each newly quorate checkpoint, then serves it. Follows a `watch`,
/// so a burst is stored once, newest first.
async fn publish(
    mut quorate: watch::Receiver<Option<Cosigned>>,
    store: Arc<dyn LogStore>,
    served: Published,
    metrics: Arc<WitnessMetrics>,
) {
    while quorate.changed().await.is_ok() {
        let Some(cosigned) = quorate.borrow_and_update().clone() else {
            continue;
        };
        if cosigned.size < served.get().size {
            continue;
        }
        let head = Head {
            size: cosigned.size,
            checkpoint: cosigned.note,
        };
        // Crash window: until this returns, the checkpoint is not served.
        loop {
            match store.store_cosigned(head.clone()).await {
                Ok(()) => {
                    metrics.set_cosigned_size(head.size);
                    served.set(head);
                    break;
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot store the cosigned checkpoint; retrying");
                    tokio::time::sleep(STORE_RETRY).await;
                    // A newer one supersedes this one.
                    if quorate.has_changed().unwrap_or(false) {
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::WitnessSpec;
    use crate::storage::FaultPoint;
    use crate::storage::memory::{FaultMode, MemoryStore};
    use crate::witnessing::fake_witness::{FakeWitness, ORIGIN, log_key, log_with_rounds};

    fn config(witnesses: Vec<WitnessSpec>, quorum: usize) -> WitnessingConfig {
        WitnessingConfig {
            quorum,
            witnesses,
            timeout: Duration::from_millis(300),
            cosigned_wait: Duration::from_secs(1),
            refresh: Duration::from_secs(3600),
        }
    }

    async fn served_size(w: &Witnessing, size: u64) -> Head {
        let mut rx = w.served().subscribe();
        let head = tokio::time::timeout(Duration::from_secs(30), rx.wait_for(|h| h.size >= size))
            .await
            .expect("served in time")
            .expect("publisher alive");
        Head::clone(&head)
    }

    #[tokio::test]
    async fn a_hanging_witness_does_not_hold_up_the_others() {
        let key = log_key();
        let store = MemoryStore::new();
        let heads = log_with_rounds(&store, &key, &[5]).await;
        let (head, _) = heads[0].clone();
        let mut hanging = FakeWitness::new(&key, 1, 0);
        hanging.hang = true;
        let good = FakeWitness::new(&key, 2, 0);
        let (hanging_url, hanging_task) = hanging.serve().await;
        let (good_url, good_task) = good.serve().await;
        let witnesses = vec![
            WitnessSpec {
                vkey: hanging.key.verifier(),
                url: hanging_url,
            },
            WitnessSpec {
                vkey: good.key.verifier(),
                url: good_url,
            },
        ];
        let w = Witnessing::start(
            Arc::new(store.clone()),
            Published::new(head.clone()),
            Origin::new(ORIGIN).expect("origin"),
            key.verifier(),
            &config(witnesses, 1),
        )
        .await
        .expect("start");
        let served = served_size(&w, head.size).await;
        assert_eq!(served.size, head.size);
        assert_eq!(store.cosigned().await.expect("read"), Some(served));
        // The hanging witness's request times out and is counted.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        let failures = |text: String| {
            text.lines()
                .find_map(|l| {
                    l.strip_prefix("sightline_witness_failures_total{witness=\"w1.example\"} ")?
                        .parse::<u64>()
                        .ok()
                })
                .unwrap_or(0)
        };
        while failures(w.render_metrics()) == 0 {
            assert!(tokio::time::Instant::now() < deadline, "no timeout counted");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        w.stop();
        hanging_task.abort();
        good_task.abort();
    }

    #[tokio::test]
    async fn an_idle_log_keeps_its_cosignatures_fresh() {
        let key = log_key();
        let store = MemoryStore::new();
        let heads = log_with_rounds(&store, &key, &[4]).await;
        let (head, _) = heads[0].clone();
        let fake = FakeWitness::new(&key, 5, 0);
        let (url, task) = fake.serve().await;
        let mut settings = config(
            vec![WitnessSpec {
                vkey: fake.key.verifier(),
                url,
            }],
            1,
        );
        settings.refresh = Duration::from_millis(100);
        let w = Witnessing::start(
            Arc::new(store.clone()),
            Published::new(head.clone()),
            Origin::new(ORIGIN).expect("origin"),
            key.verifier(),
            &settings,
        )
        .await
        .expect("start");
        let first = served_size(&w, head.size).await;
        let mut rx = w.served().subscribe();
        let refreshed = tokio::time::timeout(
            Duration::from_secs(30),
            rx.wait_for(|h| h.checkpoint != first.checkpoint),
        )
        .await
        .expect("refreshed in time")
        .expect("publisher alive")
        .clone();
        assert_eq!(refreshed.size, first.size, "the same checkpoint");
        let origin = Origin::new(ORIGIN).expect("origin");
        let times = |note: &[u8]| {
            let (_, note) = sightline_proofs::open_checkpoint(
                &origin,
                std::slice::from_ref(&key.verifier()),
                note,
            )
            .expect("opens");
            let cosigned =
                sightline_proofs::verify_cosignatures(&note, &[fake.key.verifier()]).expect("ok");
            assert_eq!(cosigned.len(), 1);
            cosigned[0].time()
        };
        assert!(times(&refreshed.checkpoint) > times(&first.checkpoint));
        w.stop();
        task.abort();
    }

    #[tokio::test]
    async fn a_failed_store_is_retried_and_a_restart_serves_what_was_stored() {
        let key = log_key();
        let store = MemoryStore::new();
        let heads = log_with_rounds(&store, &key, &[7]).await;
        let (head, _) = heads[0].clone();
        store.inject(FaultPoint::StoreCosigned, FaultMode::Fail);
        let fake = FakeWitness::new(&key, 3, 0);
        let (url, task) = fake.serve().await;
        let spec = WitnessSpec {
            vkey: fake.key.verifier(),
            url,
        };
        let signed = Published::new(head.clone());
        let origin = Origin::new(ORIGIN).expect("origin");
        let w = Witnessing::start(
            Arc::new(store.clone()),
            signed.clone(),
            origin.clone(),
            key.verifier(),
            &config(vec![spec.clone()], 1),
        )
        .await
        .expect("start");
        let served = served_size(&w, head.size).await;
        assert_eq!(store.cosigned().await.expect("read"), Some(served.clone()));
        w.stop();
        task.abort();

        // Restarted with the witness gone: the stored note is served at once.
        let restarted = Witnessing::start(
            Arc::new(store.clone()),
            signed.clone(),
            origin.clone(),
            key.verifier(),
            &config(vec![spec.clone()], 1),
        )
        .await
        .expect("restart");
        assert_eq!(*restarted.served().get(), served);
        restarted.stop();

        // A configuration needing another witness does not serve it.
        let other = FakeWitness::new(&key, 4, 0);
        let stricter = Witnessing::start(
            Arc::new(store),
            signed,
            origin,
            key.verifier(),
            &config(
                vec![
                    spec,
                    WitnessSpec {
                        vkey: other.key.verifier(),
                        url: "http://127.0.0.1:9".to_owned(),
                    },
                ],
                2,
            ),
        )
        .await
        .expect("start");
        assert_eq!(stricter.served().get().size, 0);
        assert!(matches!(
            stricter.explain_missing(3, Error::NotFound),
            Error::NotCosignedYet {
                index: 3,
                cosigned_size: 0
            }
        ));
        assert!(matches!(
            stricter.explain_missing(7, Error::NotFound),
            Error::NotFound
        ));
        stricter.stop();
    }
}
