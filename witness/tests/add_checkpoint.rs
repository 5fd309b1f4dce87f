//! The add-checkpoint status-code table (c2sp-digest §4.2, tlog-witness
//! HEAD) against the real binary, including the digest §8.5 vectors, and the
//! monitoring endpoints.

mod common;

use common::{LOG42_VKEY, TestLog, WITNESS_VKEY, WitnessHome, client, get, post, testdata};
use sightline_proofs::checkpoint::sign_checkpoint_bytes;
use sightline_proofs::hash::sha256;
use sightline_proofs::witness_api::parse_add_checkpoint_response;
use sightline_proofs::{
    AddCheckpointRequest, Checkpoint, Hash, KeyType, Note, SignerKey, VerifierKey,
    verify_cosignature, verify_cosignatures,
};

const OTHER: &str = "example.com/other";

fn digest_home(other_vkey: &str) -> WitnessHome {
    WitnessHome::new(&[("example.com/log42", LOG42_VKEY), (OTHER, other_vkey)]).with_digest_key()
}

fn monitor_path(origin: &str) -> String {
    format!("/{}/checkpoint", sha256(origin.as_bytes()).to_hex())
}

/// Checks a 200 body: exactly one cosignature line from the digest witness
/// key over `checkpoint`.
fn assert_cosigned(body: &[u8], checkpoint: &Checkpoint) -> u64 {
    let lines = parse_add_checkpoint_response(body).expect("cosignature lines");
    assert_eq!(lines.len(), 1, "one key, one line");
    let key = VerifierKey::parse(WITNESS_VKEY).expect("vkey");
    assert_eq!(lines[0].key_id(), 0x2032_4abe);
    verify_cosignature(checkpoint, &key, &lines[0]).expect("cosignature verifies")
}

#[tokio::test]
async fn digest_vectors_200_and_409() {
    let home = digest_home(&TestLog::other(OTHER, 9, 0).vkey());
    let witness = home.start();
    let http = client();
    let mut log = TestLog::digest_tree();

    // The §8.2 roots at 6 and 7, as the digest prints them.
    assert_eq!(
        log.checkpoint(6).root().to_base64(),
        "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8="
    );
    assert_eq!(
        log.checkpoint(7).root().to_base64(),
        "3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw="
    );

    // Stored state (6, duZ9…): the §8.5 request 6 -> 8 is cosigned.
    let (status, _, _) = post(&http, &home, log.request(0, 6)).await;
    assert_eq!(status, 200);
    let vector = testdata("note/add-checkpoint-6-8.body");
    let (status, ctype, body) = post(&http, &home, vector.clone()).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(ctype.starts_with("text/plain"), "{ctype}");
    let eight = log.checkpoint(8);
    assert_cosigned(&body, &eight);
    // The digest's 200 line is from the same key at another time: the name,
    // the key ID and the time's zero high bytes give the same first 31
    // bytes (em dash, name, 8 base64 characters).
    let want = testdata("note/add-checkpoint-200.body");
    assert_eq!(body[..31], want[..31], "same name and key ID prefix");

    // The monitoring endpoint serves the cosigned note, which verifies with
    // the log key and the witness key.
    let (status, note) = get(&http, &home, &monitor_path("example.com/log42")).await;
    assert_eq!(status, 200);
    let note = Note::parse(&note).expect("note");
    assert_eq!(note.text(), eight.to_text());
    note.verify(&[VerifierKey::parse(LOG42_VKEY).expect("vkey")])
        .expect("log signature kept");
    let witnesses = verify_cosignatures(&note, &[VerifierKey::parse(WITNESS_VKEY).expect("vkey")])
        .expect("cosignature");
    assert_eq!(witnesses.len(), 1);

    // A witness at size 7 answers the same vector with 409 and `7\n`.
    let home7 = digest_home(&TestLog::other(OTHER, 9, 0).vkey());
    let witness7 = home7.start();
    assert_eq!(post(&http, &home7, log.request(0, 7)).await.0, 200);
    let (status, ctype, body) = post(&http, &home7, vector).await;
    assert_eq!(status, 409);
    assert_eq!(ctype, "text/x.tlog.size");
    assert_eq!(body, testdata("note/add-checkpoint-409.body"));
    witness7.stop();
    witness.stop();
}

// One witness walks through every row of the table in order, so the test
// reads as the table; splitting it would repeat the set-up per row.
#[allow(clippy::too_many_lines)]
#[tokio::test]
async fn status_code_table() {
    let mut other = TestLog::other(OTHER, 9, 0);
    let home = digest_home(&other.vkey());
    let witness = home.start();
    let http = client();
    let mut log = TestLog::log42(1);
    let key = SignerKey::parse(common::LOG42_SKEY).expect("skey");

    // Monitoring before anything was cosigned: 404.
    assert_eq!(
        get(&http, &home, &monitor_path("example.com/log42"))
            .await
            .0,
        404
    );

    // 400: bodies the shared parser refuses.
    for body in [
        &b""[..],
        b"garbage",
        b"old 06\n\nx\n",
        b"old -1\n\nx\n",
        b"old 0\nnot base64\n\nx\n",
        b"old 0\n",
    ] {
        let (status, _, _) = post(&http, &home, body.to_vec()).await;
        assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(body));
    }
    // 64 proof lines is one too many.
    let mut too_long = b"old 0\n".to_vec();
    for _ in 0..64 {
        too_long.extend_from_slice(Hash::new([1; 32]).to_base64().as_bytes());
        too_long.push(b'\n');
    }
    too_long.push(b'\n');
    too_long.extend_from_slice(&log.signed(1));
    assert_eq!(post(&http, &home, too_long).await.0, 400);
    // A note that does not parse.
    assert_eq!(
        post(&http, &home, b"old 0\n\nno signature\n".to_vec())
            .await
            .0,
        400
    );

    // 404: an origin this witness does not know, validly signed.
    let mut stranger = TestLog::other("example.com/stranger", 3, 0);
    assert_eq!(post(&http, &home, stranger.request(0, 1)).await.0, 404);

    // 403: no signature from a trusted key (same name, other key: its key ID
    // differs, so the line is ignored and nothing trusted signed).
    let impostor =
        SignerKey::from_seed(key.name().clone(), KeyType::Ed25519, [5; 32]).expect("key");
    let cp = log.checkpoint(3);
    let forged = sign_checkpoint_bytes(&cp, &impostor).expect("sign");
    let body = AddCheckpointRequest::new(0, vec![], forged)
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 403);
    // 403: a trusted key's line whose signature fails.
    let mut bad = log.signed(3);
    let at = bad.len() - 10;
    bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
    let body = AddCheckpointRequest::new(0, vec![], bad)
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 403);

    // 400: old greater than the size, checked after the signature.
    assert_eq!(
        post(&http, &home, log.request(0, 3).replace_old(4)).await.0,
        400
    );
    // 400: extension lines, validly signed.
    let mut ext = Note::new(&format!("{}extra\n", cp.to_text())).expect("note");
    ext.sign(&key).expect("sign");
    let body = AddCheckpointRequest::new(0, vec![], ext.to_bytes())
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 400);

    // 200: first checkpoint, old 0.
    let (status, _, body) = post(&http, &home, log.request(0, 3)).await;
    assert_eq!(status, 200);
    let t1 = assert_cosigned(&body, &log.checkpoint(3));

    // 409: old differs from the stored size, with the size as the body.
    let (status, ctype, body) = post(&http, &home, log.request(0, 5)).await;
    assert_eq!(
        (status, ctype.as_str(), body.as_slice()),
        (409, "text/x.tlog.size", &b"3\n"[..])
    );
    let (status, _, body) = post(&http, &home, log.request(2, 5)).await;
    assert_eq!((status, body.as_slice()), (409, &b"3\n"[..]));

    // 422: a proof that does not verify.
    let mut proof = log.proof(3, 5);
    proof[0] = Hash::new([0xee; 32]);
    let body = AddCheckpointRequest::new(3, proof, log.signed(5))
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 422);
    // 422: a proof of the wrong length.
    let body = AddCheckpointRequest::new(3, vec![], log.signed(5))
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 422);
    // 422: the same size with another root (a forked history, same key).
    let mut fork = TestLog::log42(2);
    assert_eq!(post(&http, &home, fork.request(3, 3)).await.0, 422);

    // 200: advancing with a good proof, then re-submitting the same size
    // (a freshness request) gets a fresh cosignature.
    let (status, _, body) = post(&http, &home, log.request(3, 5)).await;
    assert_eq!(status, 200);
    let t2 = assert_cosigned(&body, &log.checkpoint(5));
    assert!(t2 >= t1);
    let (status, _, body) = post(&http, &home, log.request(5, 5)).await;
    assert_eq!(status, 200);
    assert_cosigned(&body, &log.checkpoint(5));
    // ... but not with proof lines for equal sizes.
    let body = AddCheckpointRequest::new(5, vec![Hash::new([1; 32])], log.signed(5))
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 422);
    // 400: old = stored size, but the checkpoint is older than that.
    assert_eq!(
        post(&http, &home, log.request(0, 4).replace_old(5)).await.0,
        400
    );

    // A fresh origin: 422 for size 0 with a root other than SHA-256(""),
    // 422 for proof lines with old 0, then 200 for the empty tree.
    let text = format!("{OTHER}\n0\n{}\n", Hash::new([7; 32]).to_base64());
    let mut zero = Note::new(&text).expect("note");
    zero.sign(&other.key).expect("sign");
    let body = AddCheckpointRequest::new(0, vec![], zero.to_bytes())
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 422);
    let body = AddCheckpointRequest::new(0, vec![Hash::new([1; 32])], other.signed(2))
        .expect("req")
        .to_bytes();
    assert_eq!(post(&http, &home, body).await.0, 422);
    assert_eq!(post(&http, &home, other.request(0, 0)).await.0, 200);
    assert_eq!(post(&http, &home, other.request(0, 2)).await.0, 200);

    // 413: over the body limit, before any parsing.
    let huge = vec![b'a'; 200 * 1024];
    assert_eq!(post(&http, &home, huge).await.0, 413);

    // Nothing refused changed the state.
    let (status, logs) = get(&http, &home, "/v1/logs").await;
    assert_eq!(status, 200);
    let logs: serde_json::Value = serde_json::from_slice(&logs).expect("json");
    assert_eq!(logs["witness"], WITNESS_VKEY);
    let entry = |origin: &str| {
        logs["logs"]
            .as_array()
            .expect("array")
            .iter()
            .find(|l| l["origin"] == origin)
            .cloned()
            .expect("configured origin listed")
    };
    let log42 = entry("example.com/log42");
    assert_eq!(log42["size"], 5);
    assert_eq!(log42["root"], log.checkpoint(5).root().to_base64());
    assert!(log42["last_cosigned"].as_u64().expect("time") >= t2);
    assert_eq!(entry(OTHER)["size"], 2);

    // The fork was recorded as evidence; the metrics count every answer.
    let (_, evidence) = get(&http, &home, "/v1/evidence").await;
    let evidence: serde_json::Value = serde_json::from_slice(&evidence).expect("json");
    assert!(!evidence.as_array().expect("array").is_empty());
    let (status, metrics) = get(&http, &home, "/metrics").await;
    assert_eq!(status, 200);
    let metrics = String::from_utf8(metrics).expect("utf-8");
    for line in [
        "witness_add_checkpoint_responses_total{status=\"404\"} 1",
        "witness_add_checkpoint_responses_total{status=\"403\"} 2",
        "witness_cosignatures_total 5",
    ] {
        assert!(metrics.contains(line), "{line} missing in\n{metrics}");
    }
    witness.stop();
}

/// Replaces the `old` line of a request body.
trait ReplaceOld {
    fn replace_old(self, old: u64) -> Vec<u8>;
}

impl ReplaceOld for Vec<u8> {
    fn replace_old(self, old: u64) -> Vec<u8> {
        let request = AddCheckpointRequest::parse(&self).expect("request");
        let mut out = format!("old {old}\n").into_bytes();
        let first = self.iter().position(|&b| b == b'\n').expect("first line");
        out.extend_from_slice(&self[first + 1..]);
        assert_eq!(
            AddCheckpointRequest::parse(&out)
                .expect("still parses")
                .proof(),
            request.proof()
        );
        out
    }
}
