//! Submit → quorum-cosigned checkpoint latency (issue #4): a release-built
//! log with three local witnesses and quorum 2, each sample one
//! `POST /v1/entries?wait=cosigned` (answered once a quorum-cosigned
//! checkpoint covers the entry). The reference, measured in the same run
//! and interleaved with it, is a plain `POST /v1/entries` (answered once the
//! entry is durably logged). Prints p50 and p99 of each and the ratio of
//! the medians.
//!
//! Run: `cargo bench -p sightline-tests --bench cosigned_latency`
//! (`SAMPLES=N` to change the sample count, default 300).

#![allow(clippy::missing_panics_doc)]

#[path = "../tests/witnessed_support/mod.rs"]
mod witnessed_support;

use std::time::{Duration, Instant};

use witnessed_support::{Cluster, poll};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_sign_loss,
        clippy::cast_possible_truncation
    )]
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let samples: usize = std::env::var("SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cluster = Cluster::start(dir.path(), 3, 2, "cosigned_wait_ms = 30000");
    poll("a first cosigned checkpoint", || cluster.checkpoint());
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let url = format!("{}/v1/entries", cluster.log.url);
    let send = |cluster: &mut Cluster, wait: bool| -> Duration {
        let entry = cluster.next_entry();
        let target = if wait {
            format!("{url}?wait=cosigned")
        } else {
            url.clone()
        };
        let start = Instant::now();
        let response = client.post(&target).body(entry).send().expect("submit");
        let status = response.status().as_u16();
        let _ = response.bytes().expect("body");
        let took = start.elapsed();
        assert_eq!(status, 200, "wait={wait}");
        took
    };
    // Warm-up: connections, caches, the witnesses' first checkpoints.
    for _ in 0..20 {
        send(&mut cluster, false);
        send(&mut cluster, true);
    }
    let mut plain = Vec::with_capacity(samples);
    let mut cosigned = Vec::with_capacity(samples);
    for _ in 0..samples {
        plain.push(send(&mut cluster, false));
        cosigned.push(send(&mut cluster, true));
    }
    plain.sort_unstable();
    cosigned.sort_unstable();
    let (p50, c50) = (percentile(&plain, 0.5), percentile(&cosigned, 0.5));
    println!("cosigned_latency: 3 witnesses, quorum 2, {samples} samples each, interleaved");
    println!(
        "  plain submit (reference)      p50 {:8.2} ms   p99 {:8.2} ms",
        millis(p50),
        millis(percentile(&plain, 0.99))
    );
    println!(
        "  submit -> quorum-cosigned     p50 {:8.2} ms   p99 {:8.2} ms",
        millis(c50),
        millis(percentile(&cosigned, 0.99))
    );
    println!(
        "  median ratio cosigned/plain   {:.2}",
        c50.as_secs_f64() / p50.as_secs_f64().max(1e-9)
    );
    assert!(cluster.log.service.terminate().success());
}
