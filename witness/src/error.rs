//! The one error type of the witness.
//!
//! Each failed check of an add-checkpoint request has its own variant, so the
//! status code (mapped once, in `http.rs`) follows from the variant alone.
//! Start-up problems (configuration, key file, opening the store) share the
//! enum so that `main` reports every failure the same way.

use std::path::PathBuf;

use sightline_proofs::ProofsError;
use thiserror::Error;

/// Everything that can go wrong in the witness.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WitnessError {
    // ------------------------------------------------------------------
    // add-checkpoint, in the order of c2sp-digest §4.2.
    // ------------------------------------------------------------------
    /// The body is not `old N`, up to 63 proof lines, a blank line and a
    /// note (400).
    #[error("malformed add-checkpoint body: {0}")]
    MalformedRequest(#[source] ProofsError),
    /// The checkpoint is not a well-formed signed note (400).
    #[error("malformed checkpoint note: {0}")]
    MalformedNote(#[source] ProofsError),
    /// The checkpoint's origin is not one this witness is configured for (404).
    #[error("unknown origin")]
    UnknownOrigin,
    /// No signature from a trusted key of the origin, or a trusted key's
    /// signature failed (403).
    #[error("checkpoint not signed by a trusted log key: {0}")]
    LogSignature(#[source] ProofsError),
    /// The signed text is not a valid checkpoint, for example it carries
    /// extension lines (400).
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(#[source] ProofsError),
    /// `old` is greater than the checkpoint's size (400).
    #[error("old size {old} is greater than the checkpoint size {size}")]
    OldAfterNew {
        /// The request's `old`.
        old: u64,
        /// The checkpoint's size.
        size: u64,
    },
    /// `old` is not the size of the latest checkpoint this witness cosigned
    /// for the origin; also the outcome of a compare-and-swap that lost a
    /// race (409, with the known size as the body).
    #[error("the witness's size for this log is {known_size}")]
    Conflict {
        /// The size the witness holds for the origin (0 if none).
        known_size: u64,
    },
    /// A size-0 checkpoint whose root is not SHA-256("") (422).
    #[error("a checkpoint of size 0 must have the root SHA-256(\"\")")]
    EmptyTreeRoot,
    /// `old` is 0 but the request carries proof lines (422).
    #[error("a request with old 0 must carry no proof")]
    ProofForEmptyTree,
    /// The same size as the stored checkpoint with another root (422):
    /// evidence of a split view.
    #[error("the log signed another root for size {0}")]
    SameSizeOtherRoot(u64),
    /// The consistency proof from the stored checkpoint does not verify (422).
    #[error("consistency proof does not verify: {0}")]
    BadConsistencyProof(#[source] ProofsError),

    // ------------------------------------------------------------------
    // Internal failures (500; details are logged, never returned).
    // ------------------------------------------------------------------
    /// A store read or write failed; its outcome may be unknown.
    #[error("storage: {0}")]
    Storage(String),
    /// Stored data did not decode: the database is damaged or was written by
    /// another program.
    #[error("stored data is corrupt: {0}")]
    StorageCorrupt(String),
    /// The database was written with another format version.
    #[error(
        "the database uses format version {found}, this build reads version {expected}: \
         use the matching sightline-witness release"
    )]
    StorageFormat {
        /// The version found on disk.
        found: u64,
        /// The version this build writes.
        expected: u64,
    },
    /// A compare-and-swap would have moved the stored size backwards. The
    /// request path rules this out before calling the store; the store
    /// refuses it again as a last line of defence.
    #[error("refusing to move the stored size for an origin from {stored} back to {new}")]
    Rollback {
        /// The stored size.
        stored: u64,
        /// The size that was offered.
        new: u64,
    },
    /// A fault injected by a test into the in-memory store.
    #[error("injected storage fault")]
    InjectedFault,
    /// Signing a cosignature failed (a 0x04 key is checked at start-up, so
    /// this means a broken invariant).
    #[error("cosigning failed: {0}")]
    Cosign(#[source] ProofsError),

    // ------------------------------------------------------------------
    // Start-up: configuration, key file, files.
    // ------------------------------------------------------------------
    /// The configuration file could not be read.
    #[error("cannot read the configuration file {}: {source}", path.display())]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML for this witness.
    #[error("configuration file {}: {message}", path.display())]
    ConfigSyntax {
        /// The file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A configuration value is invalid; the message says which and how to
    /// fix it.
    #[error("invalid configuration: {0}")]
    ConfigInvalid(String),
    /// The key file exists but is unusable; the message says why.
    #[error("cosigning key file {}: {message}", path.display())]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A file-system operation failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
