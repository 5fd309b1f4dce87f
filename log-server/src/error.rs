//! The one error type of the log server, and its one mapping to HTTP.
//!
//! Every refusal a client can cause has its own variant and a 4xx status;
//! everything else is internal: logged with its detail, answered with a
//! generic 5xx body.

use std::path::PathBuf;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sightline_proofs::ProofsError;

use crate::bundle::NotInstallable;
use crate::storage::FaultPoint;

/// Everything that can go wrong in the log server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---------------------------------------------------------------
    // Refusals of client input (4xx).
    // ---------------------------------------------------------------
    /// The submitted entry failed admission (DESIGN §4); the inner error
    /// names the rule.
    #[error("entry refused: {0}")]
    Admission(ProofsError),
    /// The request body was larger than the server accepts.
    #[error("request body larger than {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The request body could not be read.
    #[error("request body could not be read")]
    BadBody,
    /// A tile path that is not a canonical tlog-tiles path.
    #[error("not a tile path: {0}")]
    BadTilePath(ProofsError),
    /// A tile, entry bundle or leaf beyond the current tree.
    #[error("not in the tree")]
    NotFound,
    /// No logged release has the requested artifact digest.
    #[error("no release with that artifact is logged")]
    ReleaseNotFound,
    /// The release exists but a device with the requested target must not
    /// install it; the inner value says why.
    #[error("not installable for that target: {0}")]
    NotInstallable(NotInstallable),
    /// A query string that is not what the endpoint takes.
    #[error("bad query: {0}")]
    BadQuery(&'static str),
    /// The sequencer's queue is full; retry later.
    #[error("the log is busy; retry later")]
    QueueFull,
    /// The round holding the entry could not be committed; the entry may or
    /// may not be logged, and resubmitting it is safe (it is deduplicated).
    #[error("the entry could not be committed; resubmit it")]
    RoundFailed,
    /// The sequencer has stopped (shutting down).
    #[error("the log is shutting down")]
    SequencerStopped,
    /// The entry is logged, but no quorum-cosigned checkpoint covers it
    /// yet, so the log cannot prove it against one; retry shortly.
    #[error(
        "entry {index} is logged but not yet covered by a quorum-cosigned checkpoint \
         (cosigned size {cosigned_size}); retry shortly"
    )]
    NotCosignedYet {
        /// The entry's index.
        index: u64,
        /// The size of the newest quorum-cosigned checkpoint (0: none yet).
        cosigned_size: u64,
    },
    /// No checkpoint has been cosigned by a quorum of witnesses yet (a new
    /// log, or witnesses unreachable since it started).
    #[error(
        "no checkpoint has been cosigned by a quorum of witnesses yet; \
         check that the configured witnesses are reachable and witness this log"
    )]
    NoCosignedCheckpoint,

    // ---------------------------------------------------------------
    // Witnesses (logged and counted; never answered to a client).
    // ---------------------------------------------------------------
    /// A witness could not be reached or did not answer in time.
    #[error("witness {url}: {detail}")]
    WitnessUnreachable {
        /// The witness's base URL.
        url: String,
        /// The transport error.
        detail: String,
    },
    /// A witness refused the checkpoint with an unexpected status.
    #[error("witness {url} answered {status}: {body}")]
    WitnessRefused {
        /// The witness's base URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of its body.
        body: String,
    },
    /// A witness's answer was malformed, or its cosignature did not verify
    /// with the configured key against the checkpoint sent (wrong `vkey` in
    /// the configuration, or a misbehaving witness).
    #[error("witness {url}: {detail}")]
    WitnessBadAnswer {
        /// The witness's base URL.
        url: String,
        /// What was wrong.
        detail: String,
    },

    // ---------------------------------------------------------------
    // Storage (5xx; a failed commit makes the sequencer reload, STYLE §10).
    // ---------------------------------------------------------------
    /// The storage engine failed.
    #[error("storage failure: {0}")]
    Storage(String),
    /// The database was written by another format version.
    #[error(
        "the data directory holds storage format {found}, this binary reads format {expected}; \
         use a matching binary or a new data directory"
    )]
    StorageFormat {
        /// The version found on disk.
        found: u32,
        /// The version this binary writes.
        expected: u32,
    },
    /// Stored data contradicts itself (a missing tile or entry, a bad checkpoint).
    #[error("storage is inconsistent: {0}")]
    StorageCorrupt(&'static str),
    /// A fault injected by a test into the in-memory store.
    #[error("injected fault at {0:?}")]
    InjectedFault(FaultPoint),
    /// A proof-library error where none was expected (a server bug or corrupt storage).
    #[error("internal proof error: {0}")]
    Internal(ProofsError),
    /// The system clock is before 1970 or otherwise unusable.
    #[error("the system clock is unusable")]
    Clock,

    // ---------------------------------------------------------------
    // Start-up: configuration and key files.
    // ---------------------------------------------------------------
    /// The configuration is invalid; the message says what to change.
    #[error("configuration: {0}")]
    Config(String),
    /// A key file could not be read, written or parsed.
    #[error("key file {path}: {detail}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// Binding or serving the listening socket failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether the error leaves the sequencer's in-memory tree possibly
    /// behind what storage holds, so it must reload before the next round
    /// (STYLE §10: Fatal vs Recoverable).
    pub fn is_fatal_for_round(&self) -> bool {
        matches!(
            self,
            Self::Storage(_)
                | Self::InjectedFault(_)
                | Self::StorageCorrupt(_)
                | Self::StorageFormat { .. }
        )
    }

    /// The status for this error, the one place that decides it.
    fn status(&self) -> StatusCode {
        match self {
            Self::Admission(e) => admission_status(e),
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadBody | Self::BadTilePath(_) | Self::BadQuery(_) => StatusCode::BAD_REQUEST,
            Self::NotFound | Self::ReleaseNotFound | Self::NotCosignedYet { .. } => {
                StatusCode::NOT_FOUND
            }
            Self::NoCosignedCheckpoint => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotInstallable(_) => StatusCode::CONFLICT,
            Self::QueueFull | Self::RoundFailed | Self::SequencerStopped => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::Storage(_)
            | Self::StorageFormat { .. }
            | Self::StorageCorrupt(_)
            | Self::InjectedFault(_)
            | Self::Internal(_)
            | Self::Clock
            | Self::WitnessUnreachable { .. }
            | Self::WitnessRefused { .. }
            | Self::WitnessBadAnswer { .. }
            | Self::Config(_)
            | Self::KeyFile { .. }
            | Self::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable name for the failed rule, for the JSON body.
    fn rule(&self) -> String {
        match self {
            Self::Admission(e) | Self::BadTilePath(e) => variant_name(e),
            Self::BodyTooLarge { .. } => "BodyTooLarge".into(),
            Self::BadBody => "BadBody".into(),
            Self::NotFound => "NotFound".into(),
            Self::ReleaseNotFound => "ReleaseNotFound".into(),
            Self::NotInstallable(_) => "NotInstallable".into(),
            Self::BadQuery(_) => "BadQuery".into(),
            Self::QueueFull => "QueueFull".into(),
            Self::RoundFailed => "RoundFailed".into(),
            Self::SequencerStopped => "ShuttingDown".into(),
            Self::NotCosignedYet { .. } => "NotCosignedYet".into(),
            Self::NoCosignedCheckpoint => "NoCosignedCheckpoint".into(),
            _ => "Internal".into(),
        }
    }
}

/// Admission refusals: 413 for size, 403 for who signed, 409 for what the
/// log already holds, 400 for the grammar and the clock.
fn admission_status(e: &ProofsError) -> StatusCode {
    use ProofsError as P;
    match e {
        P::EntryTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        P::WrongSignatureCount { .. }
        | P::SignerNotEnrolled
        | P::BadSignature { .. }
        | P::SignerWrongRole { .. }
        | P::SignerRevoked
        | P::SignerRetired
        | P::SignerExpired
        | P::TargetOutOfScope { .. }
        | P::NonRootSignature
        | P::DuplicateRootSignature
        | P::RootThresholdNotMet { .. } => StatusCode::FORBIDDEN,
        P::ReleaseNotLogged { .. }
        | P::ReleaseHashMismatch { .. }
        | P::RolloutTargetNotInRelease { .. }
        | P::KeyAlreadyEnrolled
        | P::KeyIdCollision
        | P::OwnerRoleConflict { .. }
        | P::KeyNotEnrolled
        | P::KeyRoleMismatch
        | P::KeyOwnerMismatch
        | P::KeyAlreadyRetired
        | P::KeyAlreadyRevoked
        | P::PatternAlreadyPaused
        | P::PatternNotPaused
        | P::StateEntryFull { .. } => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The variant name of a proofs error (its `Debug` form up to the first
/// field), which is the rule's stable name in `ProofsError`.
fn variant_name(e: &ProofsError) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("Invalid")
        .to_owned()
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error()
            && !matches!(
                self.rule().as_str(),
                "QueueFull" | "RoundFailed" | "ShuttingDown" | "NoCosignedCheckpoint"
            ) {
            // Internal detail goes to the log, never to the caller.
            tracing::error!(error = %self, "request failed");
            "internal error".to_owned()
        } else {
            self.to_string()
        };
        let mut body = serde_json::json!({ "error": self.rule(), "message": message });
        if let Self::NotInstallable(why) = &self {
            body["reason"] = why.reason().into();
        }
        if let Self::NotCosignedYet {
            index,
            cosigned_size,
        } = &self
        {
            body["index"] = (*index).into();
            body["cosigned_size"] = (*cosigned_size).into();
        }
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}
