//! Reading a log through c2sp.org/tlog-tiles and trusting only what
//! verifies: the checkpoint under a policy, entries and tiles against the
//! checkpoint's root, and the records by replaying the admission rules
//! (DESIGN §3, §4). Shared by `sightline submit`, `audit` and `monitor`.
//!
//! Everything cryptographic is composed from [`sightline_proofs`]; this
//! module adds HTTP and the order in which things are checked.

mod error;
pub mod fetch;
pub mod http;
pub mod replay;

use std::path::Path;

use sightline_proofs::note::VerifierKey;
use sightline_proofs::{Policy, VerifiedCheckpoint};

pub use error::ToolError;
pub use http::LogClient;
pub use replay::{Replay, Step};

/// Reads and parses a policy file.
///
/// # Errors
/// [`ToolError::File`], [`ToolError::Policy`].
pub fn load_policy(path: &Path) -> Result<Policy, ToolError> {
    let text = std::fs::read(path).map_err(|e| ToolError::File {
        path: path.display().to_string(),
        cause: e.to_string(),
    })?;
    Policy::parse(&text).map_err(|error| ToolError::Policy {
        path: path.display().to_string(),
        error,
    })
}

/// Fetches the log's checkpoint and verifies it under `policy` (log key
/// and witness quorum). Returns the verified checkpoint, the note bytes
/// and the log key that signed it.
///
/// # Errors
/// Transport errors; [`ToolError::Checkpoint`] if it does not verify.
pub fn fetch_checkpoint(
    client: &LogClient,
    policy: &Policy,
) -> Result<(VerifiedCheckpoint, Vec<u8>, VerifierKey), ToolError> {
    let note = client.get_ok("checkpoint")?;
    let verified = policy
        .verify_checkpoint(&note)
        .map_err(ToolError::Checkpoint)?;
    let log_key = verified
        .log_keys()
        .first()
        .cloned()
        .ok_or(ToolError::Checkpoint(
            sightline_proofs::ProofsError::PolicyUnknownLog,
        ))?;
    Ok((verified, note, log_key))
}
