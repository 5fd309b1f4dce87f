//! The one error type of this crate.
//!
//! A device that refuses a release must be able to say exactly why, in one
//! log line an operator can act on. So every refusal of DESIGN §6 has its own
//! variant, grouped below by the step of [`crate::verify_release`] that
//! returns it, and every message starts with the step and names the rule.
//! Lower-level parse failures are wrapped, never flattened into strings.

use alloc::boxed::Box;
use alloc::string::String;

use sightline_proofs::ProofsError;
use thiserror::Error;

/// Why a device refused a release bundle, or could not read its inputs.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    // ------------------------------------------------------------------
    // Inputs: bundle, policy and checkpoint text that does not parse.
    // ------------------------------------------------------------------
    /// A bundle, policy or checkpoint did not parse.
    #[error("input does not parse: {0}")]
    Parse(#[from] ProofsError),
    /// A bundle entry is not a well-formed signed record.
    #[error("entry {index} is not a well-formed record: {error}")]
    MalformedEntry {
        /// The entry's log index.
        index: u64,
        /// The grammar rule it broke.
        #[source]
        error: ProofsError,
    },

    // ------------------------------------------------------------------
    // Step 1: the checkpoint, its signatures and its freshness.
    // ------------------------------------------------------------------
    /// The checkpoint's origin names no log of the policy.
    #[error("step 1: checkpoint origin {origin} is not a log of the policy")]
    UnknownLog {
        /// The origin the checkpoint names.
        origin: String,
    },
    /// The checkpoint carries no valid signature by the policy's log key.
    #[error("step 1: checkpoint is not signed by the policy's log key: {0}")]
    LogSignature(#[source] ProofsError),
    /// A cosignature line naming a policy witness does not verify.
    #[error("step 1: forged witness cosignature: {0}")]
    ForgedCosignature(#[source] ProofsError),
    /// The witnesses whose cosignatures verified do not meet the quorum.
    #[error("step 1: too few witness cosignatures for the policy's quorum")]
    QuorumNotMet,
    /// The policy's quorum is `none`, so no cosignature time proves freshness.
    #[error("step 1: policy quorum is none, so nothing proves the checkpoint fresh")]
    NoFreshnessProof,
    /// The quorum's cosignatures are older than the policy's `max-age`.
    #[error(
        "step 1: checkpoint older than max-age: quorum time {time}, now {now}, max-age {max_age} s"
    )]
    CheckpointTooOld {
        /// The quorum time (oldest cosignature of the freshest quorum).
        time: u64,
        /// The device's current time.
        now: u64,
        /// The policy's `max-age`.
        max_age: u64,
    },
    /// The checkpoint comes from another log than the trusted one.
    #[error("step 1: checkpoint origin {origin} differs from the trusted origin {trusted}")]
    TrustedOriginMismatch {
        /// The checkpoint's origin.
        origin: String,
        /// The trusted state's origin.
        trusted: String,
    },
    /// The checkpoint's tree is smaller than the trusted one (rollback).
    #[error("step 1: checkpoint size {size} is below the trusted size {trusted}")]
    BelowTrustedSize {
        /// The checkpoint's size.
        size: u64,
        /// The trusted size.
        trusted: u64,
    },
    /// The checkpoint has the trusted size but another root (a split view).
    #[error("step 1: checkpoint root at size {size} differs from the trusted root")]
    TrustedRootMismatch {
        /// The shared size.
        size: u64,
    },
    /// The newest counted cosignature is older than the trusted one.
    #[error("step 1: newest cosignature time {newest} is older than the trusted time {trusted}")]
    OlderThanTrusted {
        /// The newest counted cosignature time.
        newest: u64,
        /// The trusted state's cosignature time.
        trusted: u64,
    },

    // ------------------------------------------------------------------
    // Step 2: inclusion.
    // ------------------------------------------------------------------
    /// An entry's inclusion path does not lead to the checkpoint's root.
    #[error("step 2: entry {index} is not in the checkpoint: {error}")]
    NotIncluded {
        /// The entry's index.
        index: u64,
        /// Why its inclusion proof failed.
        #[source]
        error: Box<ProofsError>,
    },

    // ------------------------------------------------------------------
    // Step 3: the release and the artifact.
    // ------------------------------------------------------------------
    /// No release in the bundle has the artifact's digest.
    #[error(
        "step 3: no release in the bundle has artifact {artifact} (tampered or wrong artifact)"
    )]
    ReleaseNotFound {
        /// The measured digest, `sha256:<hex>`.
        artifact: String,
    },
    /// Two releases in the bundle have the artifact's digest.
    #[error("step 3: entries {first} and {second} are both releases of this artifact")]
    AmbiguousRelease {
        /// The first release's index.
        first: u64,
        /// The second release's index.
        second: u64,
    },
    /// The artifact's length differs from the release's `size`.
    #[error("step 3: artifact is {actual} bytes, release says {expected}")]
    SizeMismatch {
        /// The release's `size`.
        expected: u64,
        /// The measured length.
        actual: u64,
    },
    /// No release target covers the device's target.
    #[error("step 3: release targets do not cover device target {target}")]
    TargetNotCovered {
        /// The device's target.
        target: String,
    },

    // ------------------------------------------------------------------
    // Step 4: the keys that signed the release, approvals and rollout.
    // ------------------------------------------------------------------
    /// A record does not carry exactly one signature line.
    #[error("step 4: entry {index} carries {count} signature lines, not one")]
    SignatureCount {
        /// The record's index.
        index: u64,
        /// How many lines it carries.
        count: usize,
    },
    /// No enrolment record in the bundle is for the key that signed a record.
    #[error("step 4: the key that signed entry {index} has no enrolment record in the bundle")]
    KeyNotEnrolled {
        /// The record's index.
        index: u64,
    },
    /// A record's signature does not verify with its enrolled key.
    #[error("step 4: signature on entry {index} does not verify: {error}")]
    RecordSignature {
        /// The record's index.
        index: u64,
        /// The signature check's error.
        #[source]
        error: ProofsError,
    },
    /// A key's enrolment is logged after a record it signed.
    #[error("step 4: key enrolled at entry {enrolment} after signing entry {index}")]
    EnrolledAfterRecord {
        /// The record's index.
        index: u64,
        /// The enrolment's index.
        enrolment: u64,
    },
    /// A root signature line on an enrolment does not verify.
    #[error("step 4: root signature on enrolment {index} does not verify: {error}")]
    EnrolmentRootSignature {
        /// The enrolment's index.
        index: u64,
        /// The signature check's error.
        #[source]
        error: ProofsError,
    },
    /// Too few of the policy's roots signed an enrolment.
    #[error("step 4: enrolment {index} is signed by {signed} policy roots, {required} required")]
    EnrolmentRootThreshold {
        /// The enrolment's index.
        index: u64,
        /// Distinct policy roots that signed.
        signed: usize,
        /// The policy's `root-threshold`.
        required: usize,
    },
    /// A key signed a record its role does not allow.
    #[error("step 4: entry {index} is signed by a {got} key, {expected} required")]
    KeyWrongRole {
        /// The record's index.
        index: u64,
        /// The role the record needs.
        expected: &'static str,
        /// The key's role.
        got: &'static str,
    },
    /// A key's scopes do not cover a target of the record it signed.
    #[error("step 4: signer of entry {index} has no scope covering target {target}")]
    KeyOutOfScope {
        /// The record's index.
        index: u64,
        /// The uncovered target pattern.
        target: String,
    },
    /// A key had expired when the record it signed was issued.
    #[error("step 4: key that signed entry {index} expired at {expires}, before issued {issued}")]
    KeyExpired {
        /// The record's index.
        index: u64,
        /// The key's expiry (POSIX seconds).
        expires: u64,
        /// The record's `issued` (POSIX seconds).
        issued: u64,
    },
    /// An approval or rollout names this release's index with another hash.
    #[error("step 4: entry {index} references the release with a wrong leaf hash")]
    ReleaseRefMismatch {
        /// The approval's or rollout's index.
        index: u64,
    },

    // ------------------------------------------------------------------
    // Step 5: approvals.
    // ------------------------------------------------------------------
    /// An approval's key belongs to the release signer's owner.
    #[error("step 5: approval {index} is by the signer's owner {owner}")]
    ApprovalBySignerOwner {
        /// The approval's index.
        index: u64,
        /// The shared owner.
        owner: String,
    },
    /// Two approvals are signed by one approver key.
    #[error("step 5: approval {index} repeats an approver key already counted")]
    DuplicateApprover {
        /// The repeated approval's index.
        index: u64,
    },
    /// Two approvals come from keys of one owner.
    #[error("step 5: approval {index} repeats approver owner {owner}")]
    DuplicateApproverOwner {
        /// The repeated approval's index.
        index: u64,
        /// The shared owner.
        owner: String,
    },
    /// Fewer distinct approvals than the policy's `approvals`.
    #[error("step 5: {got} distinct approvals, policy requires {required}")]
    TooFewApprovals {
        /// Approvals counted.
        got: usize,
        /// The policy's `approvals`.
        required: usize,
    },

    // ------------------------------------------------------------------
    // Step 6: rollout.
    // ------------------------------------------------------------------
    /// No rollout of this release covers the device's target.
    #[error("step 6: no rollout of this release covers device target {target}")]
    NoRollout {
        /// The device's target.
        target: String,
    },
    /// The only covering rollouts are by the release signer's owner.
    #[error("step 6: rollout {index} is by the signer's owner {owner}")]
    RolloutBySignerOwner {
        /// The rollout's index.
        index: u64,
        /// The shared owner.
        owner: String,
    },

    // ------------------------------------------------------------------
    // Step 7: the state entry at index n-1.
    // ------------------------------------------------------------------
    /// The bundle carries no state entry.
    #[error("step 7: bundle carries no state entry")]
    MissingStateEntry,
    /// A state entry sits at another index than n-1.
    #[error("step 7: state entry at index {index} is not the last leaf {last} of the checkpoint")]
    StateEntryNotLast {
        /// Where the state entry is.
        index: u64,
        /// n-1 for the checkpoint's size n.
        last: u64,
    },
    /// The state entry's `index` field differs from its position.
    #[error("step 7: state entry at {actual} says it is at index {stated}")]
    StateIndexMismatch {
        /// The index the record states.
        stated: u64,
        /// Its index in the log.
        actual: u64,
    },
    /// The state entry is not signed by exactly the log's key.
    #[error("step 7: state entry is not signed by the log key: {0}")]
    StateSignature(#[source] ProofsError),
    /// A key involved in the release is revoked.
    #[error("step 7: the key that signed entry {index} is revoked (entry {revoked_at})")]
    KeyRevoked {
        /// The record the key signed.
        index: u64,
        /// The revoke record's index.
        revoked_at: u64,
    },
    /// A key was retired before a record it signed.
    #[error("step 7: the key that signed entry {index} was retired before it (entry {retired_at})")]
    KeyRetired {
        /// The record the key signed.
        index: u64,
        /// The retire record's index.
        retired_at: u64,
    },
    /// A paused pattern covers the device's target.
    #[error("step 7: device target is paused by {pattern} (entry {paused_at})")]
    TargetPaused {
        /// The paused pattern.
        pattern: String,
        /// The pause record's index.
        paused_at: u64,
    },

    // ------------------------------------------------------------------
    // Step 8: version.
    // ------------------------------------------------------------------
    /// The release is not newer than the installed version.
    #[error("step 8: version {offered} is not newer than installed {installed} (downgrade)")]
    NotNewer {
        /// The release's version.
        offered: String,
        /// The installed version.
        installed: String,
    },

    // ------------------------------------------------------------------
    // Trusted state text (not a refusal of the bundle).
    // ------------------------------------------------------------------
    /// The trusted-state file is not in the format `TrustedState::encode`
    /// writes; the message names the line and rule.
    #[error("trusted state line {line}: {rule}")]
    BadTrustedState {
        /// The 1-based line number (0 for the file as a whole).
        line: usize,
        /// The rule broken.
        rule: &'static str,
    },
}
