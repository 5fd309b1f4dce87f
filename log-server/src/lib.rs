//! # sightline-log-server
//!
//! The Sightline log (DESIGN §5): admits signed release, approval, rollout,
//! key and pause records (DESIGN §4), appends them with a state entry per
//! round to an RFC 6962 tree stored as tlog-tiles in RocksDB, and serves
//! signed checkpoints, tiles, proofs and search over HTTP.
//!
//! ## In scope
//! Storage ([`storage`]), sequencing ([`sequencer`]), witness fan-out and
//! quorum-cosigned checkpoints ([`witnessing`]), configuration
//! ([`config`]), key files ([`keys`]) and the HTTP API ([`http`]).
//!
//! ## Out of scope
//! Every format, proof and admission rule is defined in
//! [`sightline_proofs`]; this crate only stores, sequences and serves.
//!
//! ```no_run
//! # async fn example() -> Result<(), sightline_log_server::error::Error> {
//! let config = sightline_log_server::config::Config::default().validate()?;
//! sightline_log_server::run(config).await
//! # }
//! ```

pub mod bundle;
pub mod config;
pub mod error;
pub mod http;
pub mod keys;
pub mod metrics;
pub mod process;
pub mod search;
pub mod sequencer;
pub mod storage;
pub mod witnessing;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
pub use sightline_proofs as proofs;
use sightline_proofs::state::AdmissionRules;
use tokio::net::TcpListener;

use crate::config::{ValidConfig, WitnessingConfig};
use crate::error::Error;
use crate::metrics::Metrics;
use crate::sequencer::{Published, SequencerConfig, SequencerHandle};
use crate::storage::LogStore;
use crate::storage::rocks::RocksStore;
use crate::witnessing::Witnessing;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store, for reads.
    pub store: Arc<dyn LogStore>,
    /// The sequencer, for writes.
    pub sequencer: SequencerHandle,
    /// The head the log serves: the latest signed one without witnesses,
    /// the newest quorum-cosigned one with them.
    pub published: Published,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Witness fan-out, the cosigned checkpoint and `wait=cosigned`.
    pub witnessing: Arc<Witnessing>,
}

/// The log's HTTP application.
pub fn app(state: AppState) -> Router {
    http::router(state)
}

/// The database directory inside the data directory.
pub const DB_DIR: &str = "db";

/// Runs the log with the configuration until SIGTERM or SIGINT: creates the
/// data directory and keys on first start, opens RocksDB, serves, then
/// drains the sequencer and returns.
///
/// # Errors
/// Key file, storage and network errors at start-up or while serving.
pub async fn run(config: ValidConfig) -> Result<(), Error> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        Error::Config(format!(
            "cannot create data_dir {}: {e}",
            config.data_dir.display()
        ))
    })?;
    let (log_key, created) = keys::log_key(&config.data_dir, &config.origin)?;
    if created {
        tracing::info!(path = %keys::log_key_path(&config.data_dir).display(), "created the log key");
    }
    println!("log verifier key: {}", log_key.verifier());
    let (roots, threshold) = if config.root_keys.is_empty() {
        let (root, _) = keys::dev_root_key(&config.data_dir)?;
        tracing::warn!(
            "no root_keys configured: using the DEVELOPMENT root key in {}; configure root_keys for production",
            config.data_dir.join(keys::DEV_ROOT_KEY_FILE).display()
        );
        println!(
            "WARNING: development root key (not for production): {}",
            root.verifier()
        );
        (vec![root.verifier()], 1)
    } else {
        (config.root_keys.clone(), config.root_threshold)
    };
    let rules = AdmissionRules::new(roots, threshold, config.clock_skew_secs)
        .map_err(|e| Error::Config(format!("root keys: {e}")))?;
    let store = RocksStore::open(&config.data_dir.join(DB_DIR)).await?;
    let listener = TcpListener::bind(config.listen).await?;
    let sequencer = SequencerConfig {
        origin: config.origin.clone(),
        log_key,
        rules,
        limits: config.limits,
    };
    serve_witnessed(
        listener,
        Arc::new(store),
        sequencer,
        &config.witnessing,
        shutdown_signal(),
    )
    .await
}

/// Serves the log on `listener` over `store` until `shutdown` resolves,
/// then stops accepting, lets in-flight requests finish, drains the queue
/// and waits for the sequencer's last round. No witnesses: see
/// [`serve_witnessed`].
///
/// # Errors
/// Storage errors at start-up, network errors while serving.
pub async fn serve(
    listener: TcpListener,
    store: Arc<dyn LogStore>,
    config: SequencerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    serve_witnessed(
        listener,
        store,
        config,
        &WitnessingConfig::default(),
        shutdown,
    )
    .await
}

/// As [`serve`], with witnesses: with a quorum configured, the log sends
/// every signed checkpoint to the witnesses and serves only the newest
/// quorum-cosigned one ([`witnessing`]).
///
/// # Errors
/// Storage errors at start-up, network errors while serving.
pub async fn serve_witnessed(
    listener: TcpListener,
    store: Arc<dyn LogStore>,
    config: SequencerConfig,
    witnesses: &WitnessingConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), Error> {
    let metrics = Arc::new(Metrics::default());
    let origin = config.origin.clone();
    let log_key = config.log_key.verifier();
    let started = sequencer::start(Arc::clone(&store), config, Arc::clone(&metrics)).await?;
    let witnessing = Arc::new(
        Witnessing::start(
            Arc::clone(&store),
            started.published.clone(),
            origin,
            log_key,
            witnesses,
        )
        .await?,
    );
    let state = AppState {
        store,
        sequencer: started.handle,
        published: witnessing.served(),
        metrics,
        witnessing: Arc::clone(&witnessing),
    };
    let address = listener.local_addr()?;
    tracing::info!(%address, size = started.published.get().size, "serving");
    println!("listening on http://{address}");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    // The router, and with it every handle, is gone: the task drains what
    // is queued, commits its last round and ends.
    if let Err(e) = started.task.await {
        tracing::error!(error = %e, "the sequencer task failed");
    }
    witnessing.stop();
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutdown requested");
}
