//! `sightline audit`: the attribution timeline of a release, or everything
//! a key or owner ever signed, verified against a witness-cosigned
//! checkpoint (issue #6 item 2; the work is in [`crate::audit`]).

use std::path::PathBuf;

use clap::{ArgGroup, Args};
use sightline_proofs::note::VerifierKey;
use sightline_proofs::record::ArtifactDigest;

use super::{EXIT_ACCEPTED, EXIT_ERROR, EXIT_REFUSED};
use crate::audit::{self, Query, Report};
use crate::tlog::{self, ToolError};

/// Arguments of `sightline audit`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("subject").required(true).args(["artifact", "key", "owner"])))]
pub struct AuditArgs {
    /// Base URL of the log, e.g. `http://127.0.0.1:8080` (plain http only).
    #[arg(long, value_name = "URL")]
    pub log: String,
    /// The trust policy: the log's key, the witnesses and quorum, the root
    /// keys and threshold.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The artifact whose release to attribute, `sha256:<64 lowercase hex>`.
    #[arg(value_name = "sha256:HEX")]
    pub artifact: Option<String>,
    /// List everything this verifier key signed, instead.
    #[arg(long, value_name = "VKEY")]
    pub key: Option<String>,
    /// List everything the keys of this owner signed, instead.
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Print one JSON document instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command: prints the report and returns [`EXIT_ACCEPTED`];
/// [`EXIT_REFUSED`] when the checkpoint or the entries do not verify or
/// the subject is not in the log; [`EXIT_ERROR`] for unusable inputs.
/// Failures print one line to stderr.
///
/// Spec: DESIGN §8, issue #6 item 2.
pub fn run(args: &AuditArgs) -> u8 {
    match audit_report(args).and_then(|report| render(&report, args.json)) {
        Ok(text) => {
            print!("{text}");
            EXIT_ACCEPTED
        }
        Err(e) => {
            eprintln!("sightline audit: {e}");
            match e {
                ToolError::Checkpoint(_)
                | ToolError::EntriesMismatch { .. }
                | ToolError::BadTile { .. }
                | ToolError::EntryBundleWidth { .. }
                | ToolError::ReleaseNotFound { .. }
                | ToolError::NothingSigned { .. } => EXIT_REFUSED,
                _ => EXIT_ERROR,
            }
        }
    }
}

fn audit_report(args: &AuditArgs) -> Result<Report, ToolError> {
    let query = query(args)?;
    let policy = tlog::load_policy(&args.policy)?;
    let audited = audit::run_audit(&args.log, &policy)?;
    audit::answer(&audited, &query)
}

fn query(args: &AuditArgs) -> Result<Query, ToolError> {
    if let Some(artifact) = &args.artifact {
        return ArtifactDigest::parse(artifact)
            .map(Query::Artifact)
            .map_err(|error| ToolError::BadArgument {
                flag: "artifact",
                value: artifact.clone(),
                error,
            });
    }
    if let Some(key) = &args.key {
        return VerifierKey::parse(key)
            .map(|k| Query::Key(Box::new(k)))
            .map_err(|error| ToolError::BadArgument {
                flag: "--key",
                value: key.clone(),
                error,
            });
    }
    Ok(Query::Owner(args.owner.clone().unwrap_or_default()))
}

fn render(report: &Report, json: bool) -> Result<String, ToolError> {
    let text = match (report, json) {
        (Report::Artifact(a), false) => audit::text::artifact(a),
        (Report::Signer(s), false) => audit::text::signer(s),
        (Report::Artifact(a), true) => to_json(a)?,
        (Report::Signer(s), true) => to_json(s)?,
    };
    Ok(text)
}

fn to_json(value: &impl serde::Serialize) -> Result<String, ToolError> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| ToolError::File {
            path: "stdout".to_owned(),
            cause: e.to_string(),
        })
}
