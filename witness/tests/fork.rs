//! A forked log (one key, two histories) is refused, never cosigned, and
//! recorded as evidence that is served over the API and survives restarts.

mod common;

use common::{LOG42_VKEY, TestLog, WitnessHome, client, get, post};
use sightline_proofs::hash::sha256;
use sightline_proofs::{Checkpoint, Note};

async fn evidence(http: &reqwest::Client, home: &WitnessHome) -> Vec<serde_json::Value> {
    let (status, body) = get(http, home, "/v1/evidence").await;
    assert_eq!(status, 200);
    serde_json::from_slice(&body).expect("json")
}

#[tokio::test]
async fn forked_log_is_refused_with_evidence() {
    let home = WitnessHome::new(&[("example.com/log42", LOG42_VKEY)]);
    let witness = home.start();
    let http = client();
    let mut honest = TestLog::log42(1);
    let mut fork = TestLog::log42(2);
    assert!(evidence(&http, &home).await.is_empty());

    assert_eq!(post(&http, &home, honest.request(0, 4)).await.0, 200);

    // Same size, other root.
    let (status, _, body) = post(&http, &home, fork.request(4, 4)).await;
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    // A longer fork with a proof from its own size 4: fails against ours.
    let fork_six = fork.request(4, 6);
    assert_eq!(post(&http, &home, fork_six.clone()).await.0, 422);
    // Sent again: refused again, recorded once.
    assert_eq!(post(&http, &home, fork_six).await.0, 422);
    // With a stale old size the answer is 409, and the fork is still noted.
    let (status, _, body) = post(&http, &home, fork.request(0, 4)).await;
    assert_eq!((status, body.as_slice()), (409, &b"4\n"[..]));

    let records = evidence(&http, &home).await;
    assert_eq!(records.len(), 3, "{records:#?}");
    let kinds: Vec<_> = records
        .iter()
        .map(|r| r["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "same_size_other_root")
            .count(),
        2
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "inconsistent_proof").count(),
        1
    );
    let honest_root = honest.checkpoint(4).root().to_base64();
    for record in &records {
        assert_eq!(record["origin"], "example.com/log42");
        // Both checkpoints are kept as signed notes.
        let stored = Note::parse(
            record["stored_checkpoint"]
                .as_str()
                .expect("str")
                .as_bytes(),
        )
        .expect("stored note");
        let stored = Checkpoint::parse_text(stored.text()).expect("checkpoint");
        assert_eq!(stored.root().to_base64(), honest_root);
        let submitted = Note::parse(
            record["submitted_checkpoint"]
                .as_str()
                .expect("str")
                .as_bytes(),
        )
        .expect("submitted note");
        let submitted = Checkpoint::parse_text(submitted.text()).expect("checkpoint");
        assert_ne!(submitted.root().to_base64(), honest_root);
    }
    let inconsistent = records
        .iter()
        .find(|r| r["kind"] == "inconsistent_proof")
        .expect("inconsistent record");
    let proof: Vec<String> = fork
        .proof(4, 6)
        .iter()
        .map(sightline_proofs::Hash::to_base64)
        .collect();
    assert_eq!(inconsistent["proof"], serde_json::json!(proof));
    assert_eq!(inconsistent["old"], 4);

    // Nothing of the fork was cosigned or stored.
    let monitor = format!("/{}/checkpoint", sha256(b"example.com/log42").to_hex());
    let (status, note) = get(&http, &home, &monitor).await;
    assert_eq!(status, 200);
    let note = Note::parse(&note).expect("note");
    assert_eq!(note.text(), honest.checkpoint(4).to_text());

    // Evidence survives a restart, and the honest history goes on.
    witness.stop();
    let witness = home.start();
    assert_eq!(evidence(&http, &home).await, records);
    assert_eq!(post(&http, &home, honest.request(4, 7)).await.0, 200);
    assert_eq!(post(&http, &home, fork.request(7, 7)).await.0, 422);
    assert_eq!(evidence(&http, &home).await.len(), 4);
    witness.stop();
}
