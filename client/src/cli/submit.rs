//! `sightline submit`: sends one signed record to a log (`POST
//! /v1/entries`, DESIGN §5) and prints the index the log assigned.
//!
//! The record is sent as it is on disk: the log is the one that decides
//! admission, and its 4xx answer names the rule that failed, so that rule
//! is what the user sees.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_ACCEPTED, EXIT_ERROR};
use crate::tlog::{LogClient, ToolError, http};

/// What to wait for before the log answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum WaitFor {
    /// Until a checkpoint including the entry is cosigned by the log's
    /// witnesses.
    Cosigned,
}

/// Arguments of `sightline submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// Base URL of the log, e.g. `http://127.0.0.1:8080` (plain http only).
    #[arg(long, value_name = "URL")]
    pub log: String,
    /// The signed record (as written by `sightline record`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Answer only once a cosigned checkpoint includes the entry.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub wait: Option<WaitFor>,
}

/// What the log answered for an admitted entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The entry's index.
    pub index: u64,
    /// The entry's leaf hash, lowercase hex.
    pub leaf_hash: String,
}

/// Runs the command: prints the index on stdout and returns
/// [`EXIT_ACCEPTED`], or prints one line to stderr and returns
/// [`EXIT_ERROR`].
///
/// Spec: DESIGN §5 (`POST /v1/entries`), §8.
pub fn run(args: &SubmitArgs) -> u8 {
    let outcome = std::fs::read(&args.file)
        .map_err(|e| ToolError::File {
            path: args.file.display().to_string(),
            cause: e.to_string(),
        })
        .and_then(|entry| submit(&args.log, entry, args.wait));
    match outcome {
        Ok(submitted) => {
            println!("{}", submitted.index);
            EXIT_ACCEPTED
        }
        Err(e) => {
            eprintln!("sightline submit: {e}");
            EXIT_ERROR
        }
    }
}

/// Sends `entry` to the log at `log` and returns its index and leaf hash.
///
/// # Errors
/// [`ToolError::Refused`] with the log's rule and message for a 4xx;
/// [`ToolError::NotHttp`], [`ToolError::Unreachable`],
/// [`ToolError::UnexpectedStatus`], [`ToolError::MalformedAnswer`]
/// otherwise.
pub fn submit(log: &str, entry: Vec<u8>, wait: Option<WaitFor>) -> Result<Submitted, ToolError> {
    let client = LogClient::new(log)?;
    let path = match wait {
        Some(WaitFor::Cosigned) => "v1/entries?wait=cosigned",
        None => "v1/entries",
    };
    let answer = client.post(path, entry)?;
    let url = format!("{}/{path}", client.base());
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
    let field = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
    match answer.status {
        200 | 201 => {
            let index = json.get("index").and_then(serde_json::Value::as_u64);
            match (index, field("leaf_hash")) {
                (Some(index), Some(leaf_hash)) => Ok(Submitted {
                    index,
                    leaf_hash: leaf_hash.to_owned(),
                }),
                _ => Err(ToolError::MalformedAnswer {
                    url,
                    detail: "no index and leaf_hash in the JSON answer".to_owned(),
                }),
            }
        }
        status @ 400..=499 => Err(ToolError::Refused {
            status,
            rule: field("error").unwrap_or("unknown").to_owned(),
            message: field("message").map_or_else(
                || String::from_utf8_lossy(&answer.body).trim().to_owned(),
                ToOwned::to_owned,
            ),
        }),
        _ => Err(http::unexpected(&url, &answer)),
    }
}
