//! Witnessing metrics, rendered after the log's own at `GET /metrics`:
//! per witness (labelled by its key name) the size it is known to hold,
//! failed requests, and the time of its last valid cosignature; and the
//! size of the newest quorum-cosigned checkpoint.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// One witness's counters.
#[derive(Debug)]
pub struct WitnessCounters {
    name: String,
    size: AtomicU64,
    failures: AtomicU64,
    resyncs: AtomicU64,
    cosignatures: AtomicU64,
    last_success: AtomicU64,
}

impl WitnessCounters {
    /// Records the size the witness holds (from a 200 or a 409).
    pub fn set_size(&self, size: u64) {
        self.size.store(size, Ordering::Relaxed);
    }

    /// Records a failed request (transport, status, or bad answer).
    pub fn failed(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a 409 that told the witness's size.
    pub fn resynced(&self) {
        self.resyncs.fetch_add(1, Ordering::Relaxed);
    }

    /// Records a valid cosignature, now.
    pub fn cosigned(&self) {
        self.cosignatures.fetch_add(1, Ordering::Relaxed);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.last_success.store(now, Ordering::Relaxed);
    }
}

/// A per-witness metric: name, type, help and which counter.
type Family = (
    &'static str,
    &'static str,
    &'static str,
    fn(&WitnessCounters) -> &AtomicU64,
);

/// Every witness's counters and the cosigned size.
#[derive(Debug)]
pub struct WitnessMetrics {
    witnesses: Vec<WitnessCounters>,
    cosigned_size: AtomicU64,
    quorum: usize,
}

impl WitnessMetrics {
    /// Counters for witnesses named `names` (their key names), in order.
    pub fn new(names: impl IntoIterator<Item = String>, quorum: usize) -> Self {
        Self {
            witnesses: names
                .into_iter()
                .map(|name| WitnessCounters {
                    name,
                    size: AtomicU64::new(0),
                    failures: AtomicU64::new(0),
                    resyncs: AtomicU64::new(0),
                    cosignatures: AtomicU64::new(0),
                    last_success: AtomicU64::new(0),
                })
                .collect(),
            cosigned_size: AtomicU64::new(0),
            quorum,
        }
    }

    /// Witness number `index`'s counters.
    pub fn witness(&self, index: usize) -> Option<&WitnessCounters> {
        self.witnesses.get(index)
    }

    /// Records the size of the newest quorum-cosigned checkpoint served.
    pub fn set_cosigned_size(&self, size: u64) {
        self.cosigned_size.store(size, Ordering::Relaxed);
    }

    /// The text exposition (nothing without witnesses).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.witnesses.is_empty() {
            return out;
        }
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP sightline_witness_quorum Distinct witnesses a served checkpoint needs.\n\
             # TYPE sightline_witness_quorum gauge\nsightline_witness_quorum {}",
            self.quorum
        );
        let _ = writeln!(
            out,
            "# HELP sightline_cosigned_tree_size Size of the newest quorum-cosigned checkpoint served.\n\
             # TYPE sightline_cosigned_tree_size gauge\nsightline_cosigned_tree_size {}",
            load(&self.cosigned_size)
        );
        let families: [Family; 5] = [
            (
                "sightline_witness_size",
                "gauge",
                "Tree size the witness is known to hold.",
                |w| &w.size,
            ),
            (
                "sightline_witness_failures_total",
                "counter",
                "Failed add-checkpoint requests (transport, status or bad answer).",
                |w| &w.failures,
            ),
            (
                "sightline_witness_resyncs_total",
                "counter",
                "409 answers that told the witness's size (then resent from it).",
                |w| &w.resyncs,
            ),
            (
                "sightline_witness_cosignatures_total",
                "counter",
                "Valid cosignatures received.",
                |w| &w.cosignatures,
            ),
            (
                "sightline_witness_last_success_seconds",
                "gauge",
                "Unix time of the last valid cosignature (0: none yet).",
                |w| &w.last_success,
            ),
        ];
        for (name, kind, help, field) in families {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for w in &self.witnesses {
                let _ = writeln!(
                    out,
                    "{name}{{witness=\"{}\"}} {}",
                    w.name.replace(['\\', '"'], "_"),
                    load(field(w))
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_one_series_per_witness() {
        let metrics = WitnessMetrics::new(["w1.example".to_owned(), "w2.example".to_owned()], 2);
        metrics.witness(1).expect("w2").set_size(7);
        metrics.witness(0).expect("w1").failed();
        metrics.set_cosigned_size(5);
        let text = metrics.render();
        assert!(
            text.contains("sightline_witness_size{witness=\"w2.example\"} 7"),
            "{text}"
        );
        assert!(text.contains("sightline_witness_failures_total{witness=\"w1.example\"} 1"));
        assert!(text.contains("sightline_cosigned_tree_size 5"));
        assert!(WitnessMetrics::new(Vec::new(), 0).render().is_empty());
    }
}
