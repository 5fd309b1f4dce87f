//! A log with real witnesses (issue #4 item 5): quorum-cosigned
//! checkpoints, witness outages and catch-up, `wait=cosigned`, a witness
//! whose cosignatures do not verify, and a restart serving the stored
//! cosigned checkpoint. Every checkpoint is checked with `proofs` against
//! the log key and the witnesses' keys.

mod witnessed_support;

use sightline_tests::http;
use sightline_tests::proofs::TlogProof;
use witnessed_support::{Cluster, poll};

/// The index in a 200 answer.
fn index(answer: &serde_json::Value) -> u64 {
    answer["index"].as_u64().expect("an index")
}

#[test]
fn three_witnesses_with_quorum_two_survive_outages_and_catch_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Cluster::start(dir.path(), 3, 2, "cosigned_wait_ms = 30000");

    // The first checkpoint meets the quorum without any submission.
    let (size, count, _) = poll("a first cosigned checkpoint", || c.checkpoint());
    assert!(size >= 1);
    assert!(count >= 2, "{count} cosignatures");

    // wait=cosigned answers once a quorum-cosigned checkpoint covers it.
    let (status, answer) = c.submit(true);
    assert_eq!(status, 200, "{answer}");
    let first = index(&answer);
    let cosigned = answer["cosigned_size"].as_u64().expect("cosigned_size");
    assert!(cosigned > first);
    let (size, count, _) = c.checkpoint().expect("served");
    assert!(size >= cosigned && count >= 2);
    let proof = http::get(&format!("{}/v1/proof/{first}", c.log.url));
    assert_eq!(proof.status, 200);
    let proof = TlogProof::parse(&proof.body).expect("a tlog-proof");
    let (_, count) =
        witnessed_support::verify_cosigned(proof.checkpoint(), &c.log_vkey, &c.witness_keys());
    assert!(count >= 2, "proofs are against the cosigned checkpoint");

    // One witness down: two remain, the quorum is still met.
    c.stop_witness(2);
    let (status, answer) = c.submit(true);
    assert_eq!(status, 200, "{answer}");
    let (size, count, _) = c.checkpoint().expect("served");
    assert!(size > index(&answer) && count >= 2);

    // Two down: the log keeps sequencing, the served checkpoint stays.
    c.stop_witness(1);
    let (stuck, _, stuck_note) = c.checkpoint().expect("served");
    let mut logged = Vec::new();
    for _ in 0..3 {
        let (status, answer) = c.submit(false);
        assert_eq!(status, 200, "{answer}");
        logged.push(index(&answer));
    }
    let last = *logged.last().expect("some");
    assert!(last >= stuck);
    let tree = c.metric("sightline_tree_size ").expect("tree size");
    assert!(tree > last, "sequencing went on: {tree}");
    let (size, count, note) = c.checkpoint().expect("served");
    assert_eq!(
        (size, &note),
        (stuck, &stuck_note),
        "no checkpoint without quorum"
    );
    assert!(count >= 2);
    let early = http::get(&format!("{}/v1/proof/{last}", c.log.url));
    assert_eq!(early.status, 404);
    assert!(early.text().contains("NotCosignedYet"), "{}", early.text());
    // Tiles of the served size are readable, as are partial tiles of
    // older sizes; the served size is a partial level-0 tile here.
    assert!(stuck < 256);
    for width in [1, stuck] {
        let tile = http::get(&format!("{}/tile/0/000.p/{width}", c.log.url));
        assert_eq!(tile.status, 200, "width {width}");
        assert_eq!(tile.body.len() as u64, 32 * width);
    }

    // Both return with their state: the log catches up.
    c.start_witness(1);
    c.start_witness(2);
    let (size, count) = poll("the cosigned checkpoint to catch up", || {
        c.checkpoint()
            .filter(|(size, _, _)| *size > last)
            .map(|(size, count, _)| (size, count))
    });
    assert!(size > last && count >= 2);
    let proof = http::get(&format!("{}/v1/proof/{last}", c.log.url));
    assert_eq!(proof.status, 200);
    assert!(c.log.service.terminate().success());
}

#[test]
fn a_witness_whose_cosignatures_do_not_verify_is_not_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The log expects another key for the second witness.
    let impostor = sightline_tests::cluster::keygen(
        "w2.example",
        "cosignature",
        &dir.path().join("other").join("w2.key"),
    );
    let vkey = sightline_tests::cluster::log_key(dir.path(), witnessed_support::ORIGIN);
    let origin = witnessed_support::ORIGIN;
    let w1 =
        sightline_tests::cluster::WitnessConfig::new(dir.path(), "w1.example", &[(origin, &vkey)]);
    let w2 =
        sightline_tests::cluster::WitnessConfig::new(dir.path(), "w2.example", &[(origin, &vkey)]);
    let _running = [w1.start(), w2.start()];
    let root = witnessed_support::root_key();
    let toml = format!(
        "cosigned_wait_ms = 1500\n{}",
        witnessed_support::witness_toml(
            &root,
            &[
                (w1.vkey.clone(), w1.url.clone()),
                (impostor, w2.url.clone())
            ],
            2,
        )
    );
    let log = sightline_tests::cluster::Log::start(dir.path(), origin, &toml);
    let metric = |series: &str| {
        let text = http::get(&format!("{}/metrics", log.url));
        text.text()
            .lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse::<u64>().ok())
    };
    poll("w1's cosignature", || {
        metric("sightline_witness_cosignatures_total{witness=\"w1.example\"}").filter(|n| *n > 0)
    });
    poll("w2's refusal", || {
        metric("sightline_witness_failures_total{witness=\"w2.example\"}").filter(|n| *n > 0)
    });
    assert_eq!(
        metric("sightline_witness_cosignatures_total{witness=\"w2.example\"}"),
        Some(0)
    );

    // One valid cosignature of two needed: nothing is served.
    let checkpoint = http::get(&format!("{}/checkpoint", log.url));
    assert_eq!(checkpoint.status, 503, "{}", checkpoint.text());
    assert!(checkpoint.text().contains("NoCosignedCheckpoint"));

    // wait=cosigned ends with 202: the entry is logged, not yet cosigned.
    let entry = witnessed_support::enrolment(&root, 1);
    let answer = http::post(&format!("{}/v1/entries?wait=cosigned", log.url), &entry);
    assert_eq!(answer.status, 202, "{}", answer.text());
    let json: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert_eq!(json["error"], "NotCosignedYet");
    assert_eq!(json["cosigned_size"], 0);
    let index = json["index"].as_u64().expect("index");
    assert_eq!(
        json["leaf_hash"].as_str().map(str::len),
        Some(64),
        "the leaf hash, hex"
    );
    // Submitting it again answers the same index: it is logged.
    let again = http::post(&format!("{}/v1/entries", log.url), &entry);
    assert_eq!(again.status, 200);
    let again: serde_json::Value = serde_json::from_slice(&again.body).expect("JSON");
    assert_eq!(again["index"].as_u64(), Some(index));
    // A query other than wait=cosigned is refused before submitting.
    let bad = http::post(&format!("{}/v1/entries?wait=forever", log.url), &entry);
    assert_eq!(bad.status, 400);
}

#[test]
fn a_restarted_log_serves_its_stored_cosigned_checkpoint_before_any_witness_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = Cluster::start(dir.path(), 2, 2, "cosigned_wait_ms = 30000");
    let (status, answer) = c.submit(true);
    assert_eq!(status, 200, "{answer}");
    let (size, count, note) = c.checkpoint().expect("served");
    assert_eq!(count, 2);

    // Everything stops; the log comes back while the witnesses are down.
    c.stop_witness(0);
    c.stop_witness(1);
    let mut c = c.restart_log();
    let (again, count_again, note_again) = c.checkpoint().expect("served at once");
    assert_eq!((again, count_again), (size, 2));
    assert_eq!(note_again, note, "the stored note, byte for byte");

    // The witnesses return: the new process does not know their sizes,
    // sends `old 0`, learns them from 409 answers and catches up.
    c.start_witness(0);
    c.start_witness(1);
    let (status, answer) = c.submit(true);
    assert_eq!(status, 200, "{answer}");
    assert!(answer["cosigned_size"].as_u64().expect("size") > size);
    for w in ["w1.example", "w2.example"] {
        let resyncs = c
            .metric(&format!(
                "sightline_witness_resyncs_total{{witness=\"{w}\"}}"
            ))
            .expect("metric");
        assert!(resyncs > 0, "{w} was resynchronised by a 409");
    }
    assert!(c.log.service.terminate().success());
}

#[test]
fn a_log_without_witnesses_serves_its_own_checkpoints_and_refuses_wait_cosigned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = witnessed_support::root_key();
    let toml = format!("root_keys = [\"{}\"]\n", root.verifier());
    let log = sightline_tests::cluster::Log::start(dir.path(), witnessed_support::ORIGIN, &toml);
    let entry = witnessed_support::enrolment(&root, 1);
    let refused = http::post(&format!("{}/v1/entries?wait=cosigned", log.url), &entry);
    assert_eq!(refused.status, 400);
    assert!(
        refused.text().contains("no witnesses"),
        "{}",
        refused.text()
    );
    let logged = http::post(&format!("{}/v1/entries", log.url), &entry);
    assert_eq!(logged.status, 200);
    let json: serde_json::Value = serde_json::from_slice(&logged.body).expect("JSON");
    assert_eq!(
        json["index"].as_u64(),
        Some(1),
        "refused before it was logged"
    );
    let checkpoint = http::get(&format!("{}/checkpoint", log.url));
    assert_eq!(checkpoint.status, 200);
    let vkey = sightline_tests::proofs::VerifierKey::parse(&log.vkey).expect("vkey");
    let (size, cosigned) = witnessed_support::verify_cosigned(&checkpoint.body, &vkey, &[]);
    assert_eq!((size, cosigned), (3, 0), "the latest signed checkpoint");
}

#[test]
fn an_idle_log_gets_fresh_cosignatures_of_its_latest_checkpoint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let c = Cluster::start(dir.path(), 1, 1, "cosignature_refresh_secs = 1");
    let time = |note: &[u8]| {
        let origin = sightline_tests::proofs::Origin::new(witnessed_support::ORIGIN).expect("o");
        let (_, note) = sightline_tests::proofs::open_checkpoint(
            &origin,
            std::slice::from_ref(&c.log_vkey),
            note,
        )
        .expect("the log signed it");
        let cosigned = sightline_tests::proofs::verify_cosignatures(&note, &c.witness_keys())
            .expect("the cosignature verifies");
        assert_eq!(cosigned.len(), 1);
        cosigned[0].time()
    };
    let (size, _, first) = poll("a cosigned checkpoint", || c.checkpoint());
    let first_time = time(&first);
    let (again, later) = poll("a fresher cosignature", || {
        c.checkpoint()
            .map(|(size, _, note)| (size, time(&note)))
            .filter(|(_, t)| *t > first_time)
    });
    assert_eq!(again, size, "the same checkpoint, cosigned again");
    assert!(later > first_time);
}
