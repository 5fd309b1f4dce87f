//! `sightline audit`: the attribution timeline of a release, or of
//! everything a key or owner signed (issue #6 item 2), from a log's
//! entries verified against a policy-verified checkpoint.
//!
//! [`run_audit`] does the I/O (checkpoint, entry bundles) through
//! [`crate::tlog`]; [`History`] and the [`report`] builders are pure.

pub mod history;
pub mod report;
pub mod text;

use sightline_proofs::note::VerifierKey;
use sightline_proofs::{Policy, TileBuilder};

pub use history::History;
pub use report::{ArtifactAudit, SignerAudit};

use crate::tlog::{self, LogClient, Replay, ToolError};

/// A verified, replayed log: the checkpoint and the history up to it.
#[derive(Debug)]
pub struct Audited {
    /// The checkpoint part of every report.
    pub checkpoint: report::CheckpointReport,
    /// The replayed history.
    pub history: History,
}

/// Fetches the checkpoint, verifies it under `policy`, fetches every
/// entry up to it, checks they hash to its root, and replays them.
///
/// # Errors
/// Transport errors, [`ToolError::Checkpoint`], tile and bundle errors,
/// [`ToolError::EntriesMismatch`], [`ToolError::PolicyRoots`].
pub fn run_audit(log: &str, policy: &Policy) -> Result<Audited, ToolError> {
    let client = LogClient::new(log)?;
    let (verified, _, log_key) = tlog::fetch_checkpoint(&client, policy)?;
    let root = verified.root_hash();
    let entries = tlog::fetch::fetch_entries(&client, 0, root.size(), root.size(), |_| {})?;
    tlog::fetch::extend_and_check(&mut TileBuilder::new(), &entries, &root)?;
    let replay = Replay::new(
        policy.roots().to_vec(),
        policy.root_threshold(),
        log_key,
        sightline_proofs::LogState::new(),
        std::collections::BTreeMap::new(),
    )?;
    Ok(Audited {
        checkpoint: report::checkpoint_report(&verified),
        history: History::replay(&entries, replay),
    })
}

/// What to audit.
#[derive(Debug, Clone)]
pub enum Query {
    /// The release(s) of an artifact.
    Artifact(sightline_proofs::record::ArtifactDigest),
    /// Everything one key signed.
    Key(Box<VerifierKey>),
    /// Everything the keys of one owner signed.
    Owner(String),
}

/// A finished audit.
#[derive(Debug, Clone)]
pub enum Report {
    /// For [`Query::Artifact`].
    Artifact(ArtifactAudit),
    /// For [`Query::Key`] and [`Query::Owner`].
    Signer(SignerAudit),
}

/// Answers `query` from an audited log.
///
/// # Errors
/// [`ToolError::ReleaseNotFound`] if the artifact has no release;
/// [`ToolError::NothingSigned`] if the key or owner appears nowhere.
pub fn answer(audited: &Audited, query: &Query) -> Result<Report, ToolError> {
    let size = audited.checkpoint.size;
    let history = &audited.history;
    let checkpoint = audited.checkpoint.clone();
    match query {
        Query::Artifact(artifact) => {
            let audit = report::artifact_audit(history, checkpoint, artifact);
            if audit.releases.is_empty() {
                return Err(ToolError::ReleaseNotFound {
                    artifact: artifact.to_string(),
                    size,
                });
            }
            Ok(Report::Artifact(audit))
        }
        Query::Key(vkey) => {
            let audit = report::signer_audit(history, checkpoint, core::slice::from_ref(vkey));
            if audit.signed.is_empty() && history.enrolment(vkey).is_none() {
                return Err(ToolError::NothingSigned {
                    what: format!("key {vkey}"),
                    size,
                });
            }
            Ok(Report::Signer(audit))
        }
        Query::Owner(owner) => {
            let keys = report::owner_keys(history, owner);
            if keys.is_empty() {
                return Err(ToolError::NothingSigned {
                    what: format!("owner {owner}"),
                    size,
                });
            }
            Ok(Report::Signer(report::signer_audit(
                history, checkpoint, &keys,
            )))
        }
    }
}
