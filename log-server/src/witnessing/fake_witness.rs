//! Test support: a scripted witness on 127.0.0.1 and a log's rounds in a
//! memory store, for the witnessing tests.

#![allow(clippy::missing_panics_doc)]

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use sightline_proofs::witness_api::TREE_SIZE_CONTENT_TYPE;
use sightline_proofs::{
    AddCheckpointRequest, KeyName, KeyType, Origin, RootHash, SignerKey, TileBuilder, VerifierKey,
    cosign, open_checkpoint,
};
use tokio::task::JoinHandle;

use crate::sequencer::round::compute_round;
use crate::storage::memory::MemoryStore;
use crate::storage::{Head, LogStore, RoundCommit};

/// The test log's origin.
pub(crate) const ORIGIN: &str = "example.com/witnessing";

/// The test log's key.
pub(crate) fn log_key() -> SignerKey {
    SignerKey::from_seed(
        KeyName::new(ORIGIN).expect("name"),
        KeyType::Ed25519,
        [5; 32],
    )
    .expect("log key")
}

/// A witness that holds size `held`: any other `old` gets a 409 stating
/// it; `old == held` gets a cosignature (and it then holds the new size).
/// With `hang`, it never answers. It records every request.
#[derive(Clone)]
pub(crate) struct FakeWitness {
    /// The size it holds.
    pub(crate) held: Arc<Mutex<u64>>,
    /// The log key it checks.
    pub(crate) log: VerifierKey,
    /// Its cosigning key.
    pub(crate) key: SignerKey,
    /// Never answer.
    pub(crate) hang: bool,
    /// Every request received.
    pub(crate) seen: Arc<Mutex<Vec<AddCheckpointRequest>>>,
}

impl FakeWitness {
    /// A witness of `log` with key seed `seed`, holding `held`.
    pub(crate) fn new(log: &SignerKey, seed: u8, held: u64) -> Self {
        Self {
            held: Arc::new(Mutex::new(held)),
            log: log.verifier(),
            key: SignerKey::from_seed(
                KeyName::new(&format!("w{seed}.example")).expect("name"),
                KeyType::CosignatureV1,
                [seed; 32],
            )
            .expect("witness key"),
            hang: false,
            seen: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Serves it on 127.0.0.1; returns its base URL and the server task.
    pub(crate) async fn serve(&self) -> (String, JoinHandle<()>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let app = axum::Router::new()
            .route("/add-checkpoint", axum::routing::post(add_checkpoint))
            .with_state(self.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{address}"), task)
    }
}

async fn add_checkpoint(State(w): State<FakeWitness>, body: Bytes) -> axum::response::Response {
    if w.hang {
        std::future::pending::<()>().await;
    }
    let Ok(request) = AddCheckpointRequest::parse(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    w.seen.lock().expect("lock").push(request.clone());
    let held = *w.held.lock().expect("lock");
    if request.old() != held {
        return (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, TREE_SIZE_CONTENT_TYPE)],
            format!("{held}\n"),
        )
            .into_response();
    }
    let origin = Origin::new(ORIGIN).expect("origin");
    let Ok((checkpoint, _)) =
        open_checkpoint(&origin, std::slice::from_ref(&w.log), request.checkpoint())
    else {
        return StatusCode::FORBIDDEN.into_response();
    };
    *w.held.lock().expect("lock") = checkpoint.size();
    // A later time for every request, as a real witness's clock moves on.
    let time = 1_700_000_000 + w.seen.lock().expect("lock").len() as u64;
    let line = cosign(&checkpoint, &w.key, time).expect("cosign");
    (StatusCode::OK, line.to_line()).into_response()
}

/// Commits rounds of `counts` entries; returns each head and root.
pub(crate) async fn log_with_rounds(
    store: &MemoryStore,
    key: &SignerKey,
    counts: &[u64],
) -> Vec<(Head, RootHash)> {
    let origin = Origin::new(ORIGIN).expect("origin");
    let mut tree = TileBuilder::new();
    let mut heads = Vec::new();
    for &count in counts {
        let first = tree.size();
        let entries: Vec<Vec<u8>> = (first..first + count)
            .map(|i| format!("entry {i}").into_bytes())
            .collect();
        let out = compute_round(&tree, &entries, &origin, key).expect("round");
        let head = Head {
            size: out.root.size(),
            checkpoint: out.checkpoint.clone(),
        };
        store
            .commit_round(RoundCommit {
                first_index: first,
                entries,
                leaf_hashes: out.leaf_hashes,
                tiles: out.tiles,
                search: Vec::new(),
                head: head.clone(),
            })
            .await
            .expect("commit");
        heads.push((head, out.root));
        tree = out.tree;
    }
    heads
}
