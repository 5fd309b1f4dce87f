//! `GET /metrics` on the real server: the round and acknowledgement
//! latency histograms, the gauges and the counters move with submissions,
//! and the histograms are well formed (cumulative buckets, `+Inf` equal to
//! the count).

mod common;

use common::{Fixture, Server};

/// The Prometheus text of `/metrics`.
fn scrape(server: &Server) -> String {
    let response = server.get("/metrics");
    assert_eq!(response.status, 200);
    response.text()
}

/// The value of the sample named exactly `name` (labels included).
fn raw<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find_map(|l| {
            let (n, v) = l.rsplit_once(' ')?;
            (n == name).then_some(v)
        })
        .unwrap_or_else(|| panic!("no sample {name} in\n{text}"))
}

/// A counter, gauge or bucket value.
fn sample(text: &str, name: &str) -> u64 {
    raw(text, name).parse().expect("an integer sample")
}

/// A sum of seconds.
fn seconds(text: &str, name: &str) -> f64 {
    raw(text, name).parse().expect("a number")
}

/// Checks a histogram's shape and returns its count.
fn histogram(text: &str, name: &str) -> u64 {
    assert!(
        text.contains(&format!("# TYPE {name} histogram")),
        "{name} is not a histogram"
    );
    let buckets: Vec<u64> = text
        .lines()
        .filter(|l| l.starts_with(&format!("{name}_bucket{{")))
        .map(|l| {
            l.rsplit_once(' ')
                .expect("sample")
                .1
                .parse()
                .expect("value")
        })
        .collect();
    assert!(buckets.len() >= 2, "{name} has buckets");
    assert!(
        buckets.windows(2).all(|w| w[0] <= w[1]),
        "{name} buckets are cumulative: {buckets:?}"
    );
    let count = sample(text, &format!("{name}_count"));
    assert_eq!(
        sample(text, &format!("{name}_bucket{{le=\"+Inf\"}}")),
        count,
        "{name}: +Inf bucket"
    );
    count
}

#[test]
fn latency_histograms_gauges_and_counters_move_with_submissions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(dir.path(), &f.roots_toml());
    let before = scrape(&server);
    let acks_before = histogram(&before, "sightline_ack_latency_seconds");
    let rounds_before = histogram(&before, "sightline_round_latency_seconds");
    let entries_before = sample(&before, "sightline_entries_total");

    let mut acknowledged = 0;
    for entry in f.enrolments() {
        server.submit(&entry);
        acknowledged += 1;
    }
    let release = f.release("metrics");
    server.submit(&release);
    // The same entry again is acknowledged with its index, not logged twice.
    server.submit(&release);
    acknowledged += 2;
    // A refusal is not an acknowledgement.
    assert_eq!(
        server.post("/v1/entries", &f.approval(999, "00")).status,
        400
    );

    let after = scrape(&server);
    assert_eq!(
        histogram(&after, "sightline_ack_latency_seconds") - acks_before,
        acknowledged
    );
    assert!(seconds(&after, "sightline_ack_latency_seconds_sum") > 0.0);
    // One round per submission here: each waits for its answer.
    let rounds = histogram(&after, "sightline_round_latency_seconds") - rounds_before;
    assert_eq!(rounds, 5, "rounds committed");
    assert!(seconds(&after, "sightline_round_latency_seconds_sum") > 0.0);
    // Five entries and a state entry per round.
    assert_eq!(
        sample(&after, "sightline_entries_total") - entries_before,
        10
    );
    assert_eq!(sample(&after, "sightline_tree_size"), server.size());
    assert_eq!(sample(&after, "sightline_round_size_last"), 2);
    assert_eq!(sample(&after, "sightline_deduplicated_total"), 1);
    assert_eq!(sample(&after, "sightline_refused_total"), 1);
    assert_eq!(sample(&after, "sightline_queue_depth"), 0);
    assert!(sample(&after, "sightline_queue_capacity") >= 1);
    assert_eq!(server.terminate().code(), Some(0));
}
