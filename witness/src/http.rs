//! Routes, thin handlers and the one mapping from [`WitnessError`] to an
//! HTTP status.
//!
//! | route | answer |
//! |---|---|
//! | `POST /add-checkpoint` | c2sp.org/tlog-witness: 200 cosignature lines, 400, 403, 404, 409 (`text/x.tlog.size`), 413 over the body limit, 422 |
//! | `GET /<hex sha256(origin)>/checkpoint` | the latest cosigned checkpoint note, or 404 |
//! | `GET /v1/logs` | JSON: per origin, size, root and time of the last cosignature |
//! | `GET /v1/evidence` | JSON: split-view evidence records |
//! | `GET /metrics` | Prometheus text |

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sightline_proofs::witness_api::{
    MAX_BODY_BYTES, TREE_SIZE_CONTENT_TYPE, encode_tree_size_body,
};

use crate::error::WitnessError;
use crate::process::{
    Witness, process_add_checkpoint, process_evidence, process_logs, process_monitor_checkpoint,
};
use crate::state::WitnessStore;

const TEXT: &str = "text/plain; charset=utf-8";

/// The witness's routes.
pub fn router<S: WitnessStore>(witness: Arc<Witness<S>>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint::<S>))
        .route("/{origin_hash}/checkpoint", get(monitor_checkpoint::<S>))
        .route("/v1/logs", get(logs::<S>))
        .route("/v1/evidence", get(evidence::<S>))
        .route("/metrics", get(metrics::<S>))
        // Larger bodies get 413 before any parsing (c2sp-digest §4.2 "body
        // limits"); the shared parser enforces the same bound.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(witness)
}

/// The status of each error: the only place statuses are chosen.
fn status(error: &WitnessError) -> StatusCode {
    match error {
        WitnessError::MalformedRequest(_)
        | WitnessError::MalformedNote(_)
        | WitnessError::MalformedCheckpoint(_)
        | WitnessError::OldAfterNew { .. } => StatusCode::BAD_REQUEST,
        WitnessError::LogSignature(_) => StatusCode::FORBIDDEN,
        WitnessError::UnknownOrigin => StatusCode::NOT_FOUND,
        WitnessError::Conflict { .. } => StatusCode::CONFLICT,
        WitnessError::EmptyTreeRoot
        | WitnessError::ProofForEmptyTree
        | WitnessError::SameSizeOtherRoot(_)
        | WitnessError::BadConsistencyProof(_) => StatusCode::UNPROCESSABLE_ENTITY,
        WitnessError::Storage(_)
        | WitnessError::StorageCorrupt(_)
        | WitnessError::StorageFormat { .. }
        | WitnessError::Rollback { .. }
        | WitnessError::InjectedFault
        | WitnessError::Cosign(_)
        | WitnessError::ConfigRead { .. }
        | WitnessError::ConfigSyntax { .. }
        | WitnessError::ConfigInvalid(_)
        | WitnessError::KeyFile { .. }
        | WitnessError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for WitnessError {
    fn into_response(self) -> Response {
        let status = status(&self);
        if let WitnessError::Conflict { known_size } = self {
            // Sizes come from checkpoints we parsed, so they fit; a failure
            // here would be a broken invariant, answered as 500 below.
            if let Ok(body) = encode_tree_size_body(known_size) {
                return (
                    status,
                    [(header::CONTENT_TYPE, TREE_SIZE_CONTENT_TYPE)],
                    body,
                )
                    .into_response();
            }
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "internal error");
            return (status, [(header::CONTENT_TYPE, TEXT)], "internal error\n").into_response();
        }
        (status, [(header::CONTENT_TYPE, TEXT)], format!("{self}\n")).into_response()
    }
}

fn unix_now() -> u64 {
    // A clock before 1970 is a broken host; cosigning time 0 would be
    // obviously wrong to every verifier rather than silently plausible.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

async fn add_checkpoint<S: WitnessStore>(
    State(witness): State<Arc<Witness<S>>>,
    body: Bytes,
) -> Response {
    let start = Instant::now();
    let response = match process_add_checkpoint(&witness, &body, unix_now()).await {
        Ok(lines) => (StatusCode::OK, [(header::CONTENT_TYPE, TEXT)], lines).into_response(),
        Err(e) => e.into_response(),
    };
    let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    witness
        .metrics()
        .add_checkpoint(response.status().as_u16(), micros);
    response
}

async fn monitor_checkpoint<S: WitnessStore>(
    State(witness): State<Arc<Witness<S>>>,
    Path(origin_hash): Path<String>,
) -> Result<Response, WitnessError> {
    let note = process_monitor_checkpoint(&witness, &origin_hash).await?;
    Ok((
        [
            (header::CONTENT_TYPE, TEXT),
            (header::CACHE_CONTROL, "no-store"),
        ],
        note,
    )
        .into_response())
}

fn json(value: &impl serde::Serialize) -> Result<Response, WitnessError> {
    let body = serde_json::to_vec(value).map_err(|e| WitnessError::Storage(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

async fn logs<S: WitnessStore>(
    State(witness): State<Arc<Witness<S>>>,
) -> Result<Response, WitnessError> {
    json(&process_logs(&witness).await?)
}

async fn evidence<S: WitnessStore>(
    State(witness): State<Arc<Witness<S>>>,
) -> Result<Response, WitnessError> {
    json(&process_evidence(&witness).await?)
}

async fn metrics<S: WitnessStore>(State(witness): State<Arc<Witness<S>>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        witness.metrics().render(),
    )
        .into_response()
}
