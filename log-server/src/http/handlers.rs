//! Thin handlers: extract, call a `process_*` function, wrap the answer.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::BODY_LIMIT;
use crate::AppState;
use crate::error::Error;
use crate::process;
use crate::witnessing::Wait;

const TEXT: &str = "text/plain; charset=utf-8";
const BINARY: &str = "application/octet-stream";
/// Tiles and entry bundles never change once served (c2sp tlog-tiles).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /checkpoint`: the served checkpoint (with witnesses, the newest
/// quorum-cosigned one).
///
/// # Errors
/// [`Error::NoCosignedCheckpoint`] while no checkpoint met the quorum.
pub async fn checkpoint(State(state): State<AppState>) -> Result<Response, Error> {
    if state.published.get().size == 0 {
        return Err(Error::NoCosignedCheckpoint);
    }
    Ok((
        [
            (header::CONTENT_TYPE, TEXT),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        process::process_checkpoint(&state),
    )
        .into_response())
}

/// `GET /tile/<L>/<N>[.p/<W>]` and `GET /tile/entries/<N>[.p/<W>]`.
///
/// # Errors
/// As [`process::process_tile`].
pub async fn tile(
    State(state): State<AppState>,
    Path(path): Path<String>,
) -> Result<Response, Error> {
    let data = process::process_tile(&state, &format!("tile/{path}")).await?;
    Ok((
        [
            (header::CONTENT_TYPE, BINARY),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        data,
    )
        .into_response())
}

/// Whether a `POST /v1/entries` query asks to wait for a cosigned
/// checkpoint: no query, or exactly `wait=cosigned`.
fn wants_cosigned(query: &BTreeMap<String, String>) -> Result<bool, Error> {
    match (query.get("wait").map(String::as_str), query.len()) {
        (None, 0) => Ok(false),
        (Some("cosigned"), 1) => Ok(true),
        _ => Err(Error::BadQuery("the only query allowed is wait=cosigned")),
    }
}

/// `POST /v1/entries[?wait=cosigned]`: 200 with `index` and `leaf_hash`
/// once the entry is durably logged; with `wait=cosigned`, 200 (adding
/// `cosigned_size`) once a quorum-cosigned checkpoint covers it, or 202
/// with `error: "NotCosignedYet"` if the bounded wait ends first.
///
/// # Errors
/// [`Error::BodyTooLarge`], [`Error::BadBody`], [`Error::BadQuery`] (also
/// for `wait=cosigned` on a log without witnesses), or as
/// [`process::process_add_entry`].
pub async fn add_entry(
    State(state): State<AppState>,
    q: Result<Query<BTreeMap<String, String>>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Error> {
    let wait = wants_cosigned(&query(q)?)?;
    if wait && !state.witnessing.enabled() {
        return Err(Error::BadQuery(
            "this log has no witnesses; submit without wait=cosigned",
        ));
    }
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::BodyTooLarge { limit: BODY_LIMIT }
        } else {
            Error::BadBody
        }
    })?;
    let sequenced = process::process_add_entry(&state, body.to_vec()).await?;
    let mut answer = json!({
        "index": sequenced.index,
        "leaf_hash": sequenced.leaf_hash.to_hex(),
    });
    if !wait {
        return Ok(Json(answer).into_response());
    }
    match state.witnessing.wait_cosigned(&sequenced).await {
        Wait::Covered(size) => {
            answer["cosigned_size"] = size.into();
            Ok(Json(answer).into_response())
        }
        Wait::TimedOut(size) => {
            let not_yet = Error::NotCosignedYet {
                index: sequenced.index,
                cosigned_size: size,
            };
            answer["cosigned_size"] = size.into();
            answer["error"] = "NotCosignedYet".into();
            answer["message"] = not_yet.to_string().into();
            Ok((StatusCode::ACCEPTED, Json(answer)).into_response())
        }
    }
}

/// `GET /v1/proof/<index>`: against the served (with witnesses, the
/// newest quorum-cosigned) checkpoint.
///
/// # Errors
/// As [`process::process_proof`]; [`Error::NotCosignedYet`] for an entry
/// the log holds beyond the cosigned checkpoint.
pub async fn proof(
    State(state): State<AppState>,
    Path(index): Path<String>,
) -> Result<Response, Error> {
    let proof =
        process::process_proof(&state, &index)
            .await
            .map_err(|e| match index.parse::<u64>() {
                Ok(n) => state.witnessing.explain_missing(n, e),
                Err(_) => e,
            })?;
    Ok(([(header::CONTENT_TYPE, TEXT)], proof).into_response())
}

fn query(
    query: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<BTreeMap<String, String>, Error> {
    query
        .map(|Query(q)| q)
        .map_err(|_| Error::BadQuery("malformed query string"))
}

/// `GET /v1/consistency?old=&new=`.
///
/// # Errors
/// [`Error::BadQuery`], or as [`process::process_consistency`].
pub async fn consistency(
    State(state): State<AppState>,
    q: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<Response, Error> {
    let proof = process::process_consistency(&state, &query(q)?).await?;
    Ok(([(header::CONTENT_TYPE, TEXT)], proof).into_response())
}

/// `GET /v1/search?artifact=|key=|owner=[&after=][&limit=]`.
///
/// # Errors
/// [`Error::BadQuery`], or as [`process::process_search`].
pub async fn search(
    State(state): State<AppState>,
    q: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<Response, Error> {
    let page = process::process_search(&state, &query(q)?).await?;
    Ok(Json(json!({ "indexes": page.indexes, "next": page.next })).into_response())
}

/// The header naming why a bundle served with `include_refused=true` is
/// not installable.
pub const REFUSAL_HEADER: &str = "sightline-not-installable";

/// `GET /v1/bundle?artifact=&target=[&include_refused=true]`.
///
/// # Errors
/// [`Error::BadQuery`], or as [`process::process_bundle`].
pub async fn bundle(
    State(state): State<AppState>,
    q: Result<Query<BTreeMap<String, String>>, QueryRejection>,
) -> Result<Response, Error> {
    let (bundle, refusal) = process::process_bundle(&state, &query(q)?).await?;
    let mut response = ([(header::CONTENT_TYPE, TEXT)], bundle).into_response();
    if let Some(why) = refusal {
        // Reasons name patterns and verifier keys: printable ASCII.
        if let Ok(value) = header::HeaderValue::from_str(&format!("{}: {why}", why.reason())) {
            response.headers_mut().insert(REFUSAL_HEADER, value);
        }
    }
    Ok(response)
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render(
        state.sequencer.queue_depth(),
        state.sequencer.queue_capacity(),
    );
    text.push_str(&state.witnessing.render_metrics());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

/// `GET /healthz`: the log is up and has a head.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let size = state.published.get().size;
    Json(json!({ "status": "ok", "size": size })).into_response()
}
