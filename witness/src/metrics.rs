//! Counters served at `GET /metrics` in the Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Status codes add-checkpoint answers with, in the order they are listed.
const STATUSES: [u16; 8] = [200, 400, 403, 404, 409, 413, 422, 500];

/// The witness's counters. Relaxed atomics: each is an independent count.
#[derive(Debug, Default)]
pub struct Metrics {
    responses: [AtomicU64; STATUSES.len()],
    cosigned: AtomicU64,
    evidence_recorded: AtomicU64,
    evidence_dropped: AtomicU64,
    // Handling time of add-checkpoint requests, microseconds.
    latency_us_sum: AtomicU64,
}

impl Metrics {
    /// Counts one add-checkpoint answer and its handling time.
    pub fn add_checkpoint(&self, status: u16, micros: u64) {
        if let Some(i) = STATUSES.iter().position(|&s| s == status) {
            self.responses[i].fetch_add(1, Ordering::Relaxed);
        }
        self.latency_us_sum.fetch_add(micros, Ordering::Relaxed);
    }

    /// Counts a committed cosignature.
    pub fn cosigned(&self) {
        self.cosigned.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a stored evidence record.
    pub fn evidence_recorded(&self) {
        self.evidence_recorded.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts evidence that could not be stored.
    pub fn evidence_dropped(&self) {
        self.evidence_dropped.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        out.push_str(
            "# HELP witness_add_checkpoint_responses_total add-checkpoint answers by status.\n\
             # TYPE witness_add_checkpoint_responses_total counter\n",
        );
        let mut total = 0;
        for (status, count) in STATUSES.iter().zip(&self.responses) {
            total += get(count);
            let _ = writeln!(
                out,
                "witness_add_checkpoint_responses_total{{status=\"{status}\"}} {}",
                get(count)
            );
        }
        // Precision loss starts at 2^53 microseconds (285 years of handling
        // time), far beyond any process lifetime.
        #[allow(clippy::cast_precision_loss)]
        let seconds = get(&self.latency_us_sum) as f64 / 1e6;
        let _ = write!(
            out,
            "# HELP witness_add_checkpoint_seconds Time spent handling add-checkpoint.\n\
             # TYPE witness_add_checkpoint_seconds summary\n\
             witness_add_checkpoint_seconds_sum {seconds}\n\
             witness_add_checkpoint_seconds_count {total}\n\
             # HELP witness_cosignatures_total Cosignatures released after a committed store write.\n\
             # TYPE witness_cosignatures_total counter\n\
             witness_cosignatures_total {}\n\
             # HELP witness_evidence_recorded_total Split-view evidence records stored.\n\
             # TYPE witness_evidence_recorded_total counter\n\
             witness_evidence_recorded_total {}\n\
             # HELP witness_evidence_dropped_total Split-view evidence that could not be stored.\n\
             # TYPE witness_evidence_dropped_total counter\n\
             witness_evidence_dropped_total {}\n",
            get(&self.cosigned),
            get(&self.evidence_recorded),
            get(&self.evidence_dropped),
        );
        out
    }
}
