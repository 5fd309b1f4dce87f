//! One task per witness: it follows the `watch` of the newest signed
//! checkpoint and sends each to its witness with c2sp tlog-witness
//! `POST /add-checkpoint`. A slow witness only delays its own task, which
//! then skips straight to the newest checkpoint; nothing here blocks the
//! sequencer or another witness.
//!
//! The task tracks the size the witness holds: unknown at start (it sends
//! `old 0` and lets a 409 say), then the size of each checkpoint it
//! cosigned, or the size a 409 `text/x.tlog.size` body states, after which
//! it resends at once with that `old` and the matching proof. When no new
//! checkpoint comes for `refresh`, it sends the same one again (`old` equal
//! to its size, no proof) for a cosignature with a fresh time, so that an
//! idle log's cosigned checkpoint stays within devices' `max-age`. Failures
//! (transport, timeout, other statuses, malformed answers, cosignatures
//! that do not verify) back off exponentially up to a cap.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sightline_proofs::AddCheckpointRequest;
use sightline_proofs::witness_api::{parse_add_checkpoint_response, parse_tree_size_body};
use tokio::sync::watch;

use super::gatherer::{Cosigned, Gatherer};
use super::metrics::WitnessCounters;
use crate::config::WitnessSpec;
use crate::error::Error;
use crate::process::consistency_path;
use crate::storage::{Head, LogStore};

/// The first wait after a failure.
const MIN_BACKOFF: Duration = Duration::from_millis(50);
/// The longest wait between attempts to a failing witness.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// How many 409 resyncs in a row are followed at once before backing off
/// (a witness whose size keeps moving under us is not worth a busy loop).
const MAX_RESYNCS: u32 = 3;
/// How much of an unexpected answer's body goes into the error.
const BODY_EXCERPT: usize = 200;

/// What one add-checkpoint exchange established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A cosignature for the checkpoint sent was verified and gathered.
    Cosigned,
    /// 409: the witness holds this size; resend with it as `old`.
    Resync(u64),
}

/// The next wait after `current` failed: doubled, capped.
pub fn next_backoff(current: Duration) -> Duration {
    current.saturating_mul(2).clamp(MIN_BACKOFF, MAX_BACKOFF)
}

/// Interprets a 409 body: the witness's size, which cannot exceed the
/// log's own (a witness ahead of the log saw another history).
///
/// # Errors
/// [`Error::WitnessBadAnswer`] for a body that is not a size, or a size
/// beyond `log_size`.
pub fn resync_size(url: &str, body: &[u8], log_size: u64) -> Result<u64, Error> {
    let size = parse_tree_size_body(body).map_err(|e| Error::WitnessBadAnswer {
        url: url.to_owned(),
        detail: format!("409 without a tree size body ({e}); the witness may hold a fork"),
    })?;
    if size > log_size {
        return Err(Error::WitnessBadAnswer {
            url: url.to_owned(),
            detail: format!(
                "the witness holds size {size}, beyond the log's {log_size}; it has seen another history"
            ),
        });
    }
    Ok(size)
}

/// Everything one witness's task uses.
pub struct Sender {
    /// The witness's position in the configuration (and the gatherer).
    pub index: usize,
    /// Its key and URL.
    pub spec: WitnessSpec,
    /// The HTTP client, with the per-request timeout.
    pub client: reqwest::Client,
    /// For consistency proofs.
    pub store: Arc<dyn LogStore>,
    /// The newest signed checkpoint.
    pub signed: watch::Receiver<Arc<Head>>,
    /// Shared with the other witnesses' tasks.
    pub gatherer: Arc<Mutex<Gatherer>>,
    /// Where newly quorate checkpoints go (to the publisher).
    pub quorate: Arc<watch::Sender<Option<Cosigned>>>,
    /// Its counters.
    pub counters: Arc<super::metrics::WitnessMetrics>,
    /// How long its cosignature of an unchanged checkpoint may age.
    pub refresh: Duration,
}

impl Sender {
    fn counters(&self) -> Option<&WitnessCounters> {
        self.counters.witness(self.index)
    }

    /// Runs until the signed checkpoint's sender is dropped (the sequencer
    /// stopped) or the task is aborted.
    pub async fn run(mut self) {
        // The size the witness holds, when known.
        let mut known: Option<u64> = None;
        // The size of the checkpoint we hold its cosignature for.
        let mut have: Option<u64> = None;
        let mut backoff = MIN_BACKOFF;
        let mut resyncs = 0u32;
        loop {
            let head = Arc::clone(&self.signed.borrow_and_update());
            if have == Some(head.size) {
                tokio::select! {
                    changed = self.signed.changed() => {
                        if changed.is_err() {
                            return;
                        }
                    }
                    () = tokio::time::sleep(self.refresh) => {
                        // The cosignature we hold is getting old: ask again.
                        have = None;
                    }
                }
                continue;
            }
            match self.attempt(&head, known).await {
                Ok(Answer::Cosigned) => {
                    known = Some(head.size);
                    have = Some(head.size);
                    backoff = MIN_BACKOFF;
                    resyncs = 0;
                    if let Some(c) = self.counters() {
                        c.set_size(head.size);
                        c.cosigned();
                    }
                }
                Ok(Answer::Resync(size)) => {
                    tracing::debug!(witness = %self.spec.url, size, "witness resync");
                    known = Some(size);
                    if let Some(c) = self.counters() {
                        c.set_size(size);
                        c.resynced();
                    }
                    resyncs += 1;
                    if resyncs > MAX_RESYNCS {
                        resyncs = 0;
                        self.fail(&mut backoff).await;
                    }
                }
                Err(e) => {
                    // `known` stays: if it is stale, the next 409 corrects it.
                    tracing::warn!(error = %e, "witness request failed");
                    resyncs = 0;
                    self.fail(&mut backoff).await;
                }
            }
        }
    }

    /// Counts a failure and waits `backoff`, then doubles it.
    async fn fail(&self, backoff: &mut Duration) {
        if let Some(c) = self.counters() {
            c.failed();
        }
        tokio::time::sleep(*backoff).await;
        *backoff = next_backoff(*backoff);
    }

    /// One add-checkpoint exchange for `head`, from the witness's `known`
    /// size (0 when unknown).
    async fn attempt(&self, head: &Head, known: Option<u64>) -> Result<Answer, Error> {
        let url = &self.spec.url;
        let old = known.unwrap_or(0).min(head.size);
        let proof = consistency_path(self.store.as_ref(), old, head.size, head.size).await?;
        let body = AddCheckpointRequest::new(old, proof, head.checkpoint.clone())
            .map_err(Error::Internal)?
            .to_bytes();
        let response = self
            .client
            .post(format!("{url}/add-checkpoint"))
            .body(body)
            .send()
            .await
            .map_err(|e| Error::WitnessUnreachable {
                url: url.clone(),
                detail: e.to_string(),
            })?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::WitnessUnreachable {
                url: url.clone(),
                detail: e.to_string(),
            })?;
        match status {
            200 => {
                let lines =
                    parse_add_checkpoint_response(&bytes).map_err(|e| Error::WitnessBadAnswer {
                        url: url.clone(),
                        detail: format!("malformed cosignature lines: {e}"),
                    })?;
                self.gather(head, &lines)?;
                Ok(Answer::Cosigned)
            }
            409 => resync_size(url, &bytes, head.size).map(Answer::Resync),
            _ => Err(Error::WitnessRefused {
                url: url.clone(),
                status,
                body: String::from_utf8_lossy(bytes.get(..BODY_EXCERPT).unwrap_or(&bytes))
                    .trim_end()
                    .to_owned(),
            }),
        }
    }

    /// Hands verified lines to the gatherer and forwards a newly served
    /// note, under the gatherer's lock so that notes reach the publisher in
    /// the order the gatherer produced them.
    fn gather(&self, head: &Head, lines: &[sightline_proofs::NoteSignature]) -> Result<(), Error> {
        let mut gatherer = self
            .gatherer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let served = gatherer
            .offer(&head.checkpoint, self.index, lines)
            .map_err(|e| Error::WitnessBadAnswer {
                url: self.spec.url.clone(),
                detail: format!(
                    "its cosignature does not verify with the configured vkey {} ({e}); \
                     check the witness's vkey in the log's configuration",
                    self.spec.vkey
                ),
            })?;
        if let Some(served) = served {
            self.quorate.send_replace(Some(served));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sightline_proofs::consistency::{ConsistencyProof, verify_consistency};
    use sightline_proofs::{Origin, SignerKey};

    use super::*;
    use crate::config::WitnessSpec;
    use crate::sequencer::Published;
    use crate::storage::memory::MemoryStore;
    use crate::witnessing::fake_witness::{FakeWitness, ORIGIN, log_with_rounds};
    use crate::witnessing::metrics::WitnessMetrics;

    #[tokio::test]
    async fn a_409_is_followed_at_once_from_the_stated_size_with_a_valid_proof() {
        let log_key = crate::witnessing::fake_witness::log_key();
        let store = MemoryStore::new();
        let heads = log_with_rounds(&store, &log_key, &[3, 300]).await;
        let (old_head, old_root) = heads[0].clone();
        let (new_head, new_root) = heads[1].clone();
        let fake = FakeWitness::new(&log_key, 6, old_head.size);
        let witness_key: SignerKey = fake.key.clone();
        let (url, server) = fake.serve().await;

        let (quorate, mut quorate_rx) = watch::channel(None);
        let sender = Sender {
            index: 0,
            spec: WitnessSpec {
                vkey: witness_key.verifier(),
                url,
            },
            client: reqwest::Client::new(),
            store: Arc::new(store),
            signed: Published::new(new_head.clone()).subscribe(),
            gatherer: Arc::new(Mutex::new(Gatherer::new(
                Origin::new(ORIGIN).expect("origin"),
                log_key.verifier(),
                vec![witness_key.verifier()],
                1,
            ))),
            quorate: Arc::new(quorate),
            counters: Arc::new(WitnessMetrics::new(["w6.example".to_owned()], 1)),
            refresh: Duration::from_secs(3600),
        };
        let counters = Arc::clone(&sender.counters);
        let task = tokio::spawn(sender.run());
        let cosigned = tokio::time::timeout(
            Duration::from_secs(30),
            quorate_rx.wait_for(Option::is_some),
        )
        .await
        .expect("cosigned in time")
        .expect("sender alive")
        .clone()
        .expect("some");
        task.abort();
        server.abort();
        assert_eq!(cosigned.size, new_head.size);

        let seen = fake.seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 2, "old 0, the 409, then one resend");
        assert_eq!((seen[0].old(), seen[0].proof().len()), (0, 0));
        assert_eq!(seen[1].old(), old_head.size);
        assert_eq!(seen[1].checkpoint(), &new_head.checkpoint[..]);
        let proof = ConsistencyProof::new(old_head.size, new_head.size, seen[1].proof().to_vec())
            .expect("proof");
        verify_consistency(&old_root, &new_root, &proof).expect("the proof verifies");
        let text = counters.render();
        assert!(text.contains("sightline_witness_resyncs_total{witness=\"w6.example\"} 1"));
        assert!(text.contains("sightline_witness_failures_total{witness=\"w6.example\"} 0"));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut wait = MIN_BACKOFF;
        let mut seen = Vec::new();
        for _ in 0..12 {
            seen.push(wait);
            wait = next_backoff(wait);
        }
        assert_eq!(seen[1], MIN_BACKOFF * 2);
        assert_eq!(*seen.last().expect("some"), MAX_BACKOFF);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_409_states_a_size_no_larger_than_the_log() {
        assert_eq!(resync_size("http://w", b"7\n", 9).ok(), Some(7));
        assert_eq!(resync_size("http://w", b"9\n", 9).ok(), Some(9));
        let ahead = resync_size("http://w", b"10\n", 9).expect_err("ahead");
        assert!(ahead.to_string().contains("another history"), "{ahead}");
        let fork = resync_size("http://w", b"", 9).expect_err("no body");
        assert!(fork.to_string().contains("fork"), "{fork}");
    }
}
