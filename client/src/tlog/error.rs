//! The one error type of the publisher and auditor tools (`submit`,
//! `audit`, `monitor`) and of the library they share.
//!
//! Devices never see these: [`crate::VerifyError`] stays the device's
//! refusal type, free of HTTP and files. Every message names what failed
//! and what to check, so a command can print it as its one stderr line.

use sightline_proofs::ProofsError;
use thiserror::Error;

/// Why a tool could not talk to a log, or could not trust what it said.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ToolError {
    /// The `--log` URL is not a plain `http://` URL.
    #[error("--log {url}: not an http:// URL (https is not supported by this build)")]
    NotHttp {
        /// The URL as given.
        url: String,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    HttpClient(String),
    /// Nothing answered at the log's address.
    #[error("cannot reach the log at {url}: {cause}")]
    Unreachable {
        /// The log's base URL.
        url: String,
        /// The innermost transport error ("Connection refused").
        cause: String,
    },
    /// The answer could not be read in full, or was larger than allowed.
    #[error("reading the answer to {url}: {cause}")]
    ReadAnswer {
        /// The URL requested.
        url: String,
        /// What went wrong.
        cause: String,
    },
    /// The log refused a request with a 4xx status and a stated rule.
    #[error("the log refused it ({rule}): {message}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The log's rule name (`error` field), `unknown` if absent.
        rule: String,
        /// The log's explanation (`message` field).
        message: String,
    },
    /// The log answered with an unexpected status.
    #[error("{url} answered {status}: {body}")]
    UnexpectedStatus {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The start of the body, as text.
        body: String,
    },
    /// The log answered 200 with a body that does not have the expected form.
    #[error("{url}: malformed answer: {detail}")]
    MalformedAnswer {
        /// The URL requested.
        url: String,
        /// What was wrong with it.
        detail: String,
    },
    /// A local file could not be read or written.
    #[error("{path}: {cause}")]
    File {
        /// The file.
        path: String,
        /// The I/O error.
        cause: String,
    },
    /// The policy file does not parse.
    #[error("policy {path}: {error}")]
    Policy {
        /// The policy file.
        path: String,
        /// The rule it broke.
        #[source]
        error: ProofsError,
    },
    /// The policy's root keys cannot form admission rules.
    #[error("policy root keys: {0}")]
    PolicyRoots(#[source] ProofsError),
    /// The log's checkpoint does not verify under the policy.
    #[error("the log's checkpoint does not verify under the policy: {0}")]
    Checkpoint(#[source] ProofsError),
    /// A tile or entry bundle is malformed, or does not match the signed root.
    #[error("{path}: does not match the signed checkpoint: {error}")]
    BadTile {
        /// The tile path.
        path: String,
        /// Why it was refused.
        #[source]
        error: ProofsError,
    },
    /// An entry bundle holds another number of entries than its width.
    #[error("{path}: holds {got} entries, the tree needs {expected}")]
    EntryBundleWidth {
        /// The bundle's path.
        path: String,
        /// Entries in the bundle.
        got: usize,
        /// Entries the tree of the checkpoint's size puts there.
        expected: u16,
    },
    /// The entries the log serves do not hash to its checkpoint's root.
    #[error("the log's entries do not hash to its checkpoint of size {size}")]
    EntriesMismatch {
        /// The checkpoint's size.
        size: u64,
    },
    /// An argument does not parse.
    #[error("{flag} {value}: {error}")]
    BadArgument {
        /// The flag.
        flag: &'static str,
        /// The value given.
        value: String,
        /// Why it does not parse.
        #[source]
        error: ProofsError,
    },
    /// The release is not in the log.
    #[error("no release of {artifact} in the log (checked {size} entries)")]
    ReleaseNotFound {
        /// The artifact digest.
        artifact: String,
        /// The checkpoint size searched.
        size: u64,
    },
    /// The key or owner never appears in the log.
    #[error("{what} appears in no record of the log (checked {size} entries)")]
    NothingSigned {
        /// `key <vkey>` or `owner <name>`.
        what: String,
        /// The checkpoint size searched.
        size: u64,
    },
    /// The log has no release with this artifact (its bundle endpoint
    /// answered 404).
    #[error("the log has no release with artifact {artifact}")]
    NoSuchRelease {
        /// The artifact digest asked for.
        artifact: String,
    },
    /// The release exists but the log will not bundle it for the target
    /// (409): no rollout covers it, the target is paused, or a key is
    /// revoked or unusable.
    #[error("the log refused: {message} ({reason})")]
    NotInstallable {
        /// The log's stable reason (`NoRollout`, `TargetPaused`, …).
        reason: String,
        /// The log's explanation.
        message: String,
    },
    /// A step of `sightline demo` did not turn out as the story tells.
    #[error("{0}")]
    DemoStep(String),
    /// The monitor's state file is malformed.
    #[error("state file {path}: {detail} (delete it to start over from the log's first entry)")]
    StateFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        detail: String,
    },
}
