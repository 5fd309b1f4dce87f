//! The route table (DESIGN §5, c2sp tlog-tiles).

pub mod handlers;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use sightline_proofs::record::MAX_ENTRY_LEN;

use crate::AppState;

/// The request body limit: one entry at most.
pub const BODY_LIMIT: usize = MAX_ENTRY_LEN;

/// Every route of the log.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/checkpoint", get(handlers::checkpoint))
        .route("/tile/{*path}", get(handlers::tile))
        .route("/v1/entries", post(handlers::add_entry))
        .route("/v1/proof/{index}", get(handlers::proof))
        .route("/v1/consistency", get(handlers::consistency))
        .route("/v1/search", get(handlers::search))
        .route("/v1/bundle", get(handlers::bundle))
        .route("/metrics", get(handlers::metrics))
        .route("/healthz", get(handlers::healthz))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}
