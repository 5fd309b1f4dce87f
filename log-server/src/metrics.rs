//! The log's Prometheus metrics (`GET /metrics`): counters and gauges kept
//! in atomics, rendered in the text exposition format.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histograms, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0,
];

/// The log's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    round_entries: AtomicU64,
    last_round_size: AtomicU64,
    round_latency: Histogram,
    ack_latency: Histogram,
    tree_size: AtomicU64,
    refused: AtomicU64,
    deduplicated: AtomicU64,
    failed_rounds: AtomicU64,
}

impl Metrics {
    /// Records a committed round of `entries` entries (the state entry
    /// included) that took `latency` from its first submission to commit.
    pub fn round_committed(&self, entries: u64, latency: Duration, tree_size: u64) {
        self.round_entries.fetch_add(entries, Ordering::Relaxed);
        self.last_round_size.store(entries, Ordering::Relaxed);
        self.round_latency.observe(latency);
        self.tree_size.store(tree_size, Ordering::Relaxed);
    }

    /// Records a submission answered 200 (logged or already logged),
    /// `latency` after it was received.
    pub fn acknowledged(&self, latency: Duration) {
        self.ack_latency.observe(latency);
    }

    /// Records the tree size loaded at start-up or after a reload.
    pub fn set_tree_size(&self, tree_size: u64) {
        self.tree_size.store(tree_size, Ordering::Relaxed);
    }

    /// Records an entry refused by admission.
    pub fn refused(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a submission answered with an existing index.
    pub fn deduplicated(&self) {
        self.deduplicated.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a round that failed to commit.
    pub fn round_failed(&self) {
        self.failed_rounds.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition, with the current queue depth.
    pub fn render(&self, queue_depth: usize, queue_capacity: usize) -> String {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        };
        metric(
            "sightline_queue_depth",
            "gauge",
            "Submissions waiting for the sequencer.",
            queue_depth.to_string(),
        );
        metric(
            "sightline_queue_capacity",
            "gauge",
            "Capacity of the submission queue.",
            queue_capacity.to_string(),
        );
        metric(
            "sightline_tree_size",
            "gauge",
            "Entries in the tree.",
            load(&self.tree_size).to_string(),
        );
        metric(
            "sightline_entries_total",
            "counter",
            "Entries committed by this process, state entries included.",
            load(&self.round_entries).to_string(),
        );
        metric(
            "sightline_round_size_last",
            "gauge",
            "Entries in the last committed round.",
            load(&self.last_round_size).to_string(),
        );
        metric(
            "sightline_refused_total",
            "counter",
            "Submissions refused by admission.",
            load(&self.refused).to_string(),
        );
        metric(
            "sightline_deduplicated_total",
            "counter",
            "Submissions answered with an existing index.",
            load(&self.deduplicated).to_string(),
        );
        metric(
            "sightline_failed_rounds_total",
            "counter",
            "Rounds that failed to commit.",
            load(&self.failed_rounds).to_string(),
        );
        self.round_latency.render(
            &mut out,
            "sightline_round_latency_seconds",
            "Time from a round's first submission to its commit.",
        );
        self.ack_latency.render(
            &mut out,
            "sightline_ack_latency_seconds",
            "Time from receiving a submission to answering it 200.",
        );
        out
    }
}

/// A Prometheus histogram of durations over [`LATENCY_BUCKETS`].
#[derive(Debug, Default)]
struct Histogram {
    /// Observations at or below each bound (cumulative, as exposed).
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    micros: AtomicU64,
}

impl Histogram {
    /// Counts first, buckets after (release): a scrape that sees an
    /// observation in a bucket (acquire) also sees it in the count, so the
    /// exposed buckets never exceed `+Inf`.
    fn observe(&self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.micros.fetch_add(micros, Ordering::Relaxed);
        let seconds = latency.as_secs_f64();
        for (bound, count) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                count.fetch_add(1, Ordering::Release);
            }
        }
    }

    /// Appends the histogram in the text exposition format.
    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        for (bound, count) in LATENCY_BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Acquire)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        #[allow(clippy::cast_precision_loss)]
        let sum = self.micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}
