//! # sightline-witness
//!
//! A c2sp.org/tlog-witness server: it checks that each checkpoint a log
//! submits extends the last one it cosigned for that log, stores the new
//! checkpoint durably, and only then returns its `cosignature/v1` line.
//!
//! - `POST /add-checkpoint`: the tlog-witness protocol, with the status codes
//!   of the spec's HEAD (see [`http`] for the table);
//! - `GET /<hex SHA-256 of the origin>/checkpoint`: the latest cosigned
//!   checkpoint (the spec's monitoring endpoint);
//! - `GET /v1/logs`, `GET /v1/evidence`, `GET /metrics`: status, split-view
//!   evidence and counters.
//!
//! ## Out of scope
//! Every format and proof is defined in [`sightline_proofs`]; this crate holds
//! only the witness state, its storage and HTTP.
//!
//! ## Example
//! ```
//! use sightline_witness::config::Config;
//!
//! let config = Config::parse(
//!     "name = \"witness.example/w1\"\n\
//!      [[log]]\n\
//!      origin = \"example.com/log42\"\n\
//!      vkeys = [\"example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4\"]\n",
//! )
//! .expect("parses");
//! let valid = config.validate().expect("valid");
//! assert_eq!(valid.logs.len(), 1);
//! ```

use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;

pub mod config;
pub mod cosigner;
pub mod error;
pub mod http;
pub mod metrics;
pub mod process;
pub mod state;

pub use error::WitnessError;
pub use process::Witness;
pub use sightline_proofs as proofs;

use crate::config::ValidConfig;
use crate::state::WitnessStore;
use crate::state::rocks::RocksStore;

/// The witness's HTTP application over a store.
pub fn app<S: WitnessStore>(witness: Arc<Witness<S>>) -> Router {
    http::router(witness)
}

/// The directory of the state database inside the data directory.
pub const STATE_DIR: &str = "state";

/// Runs the witness until SIGINT or SIGTERM: creates the cosigning key on
/// first start (printing its verifier key on stdout), opens the state
/// database, and serves HTTP on `config.listen`.
///
/// # Errors
/// Key-file, storage and listen errors, each saying what to fix.
pub async fn run(config: ValidConfig) -> Result<(), WitnessError> {
    let (cosigner, created) = cosigner::load_or_create(&config.data_dir, &config.name)?;
    let vkey = cosigner.verifier();
    if created {
        // The operator hands this line to the logs and clients that will
        // trust this witness.
        println!("{vkey}");
    }
    tracing::info!(%vkey, "cosigning key");
    let store = RocksStore::open(&config.data_dir.join(STATE_DIR)).await?;
    let witness = Arc::new(Witness::new(store, cosigner, config.logs));
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| WitnessError::Io {
            what: "cannot listen on",
            path: config.listen.to_string().into(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| WitnessError::Io {
        what: "cannot read the address of",
        path: config.listen.to_string().into(),
        source,
    })?;
    tracing::info!(%addr, "listening");
    // Scripts and tests wait for this line (the log prints the same one).
    println!("listening on http://{addr}");
    axum::serve(listener, app(witness))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| WitnessError::Io {
            what: "server failed on",
            path: addr.to_string().into(),
            source,
        })?;
    // Every answered request was committed before it was answered; the
    // store is closed (and RocksDB flushed) when the last handle drops.
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
