//! Device trust policy (DESIGN §6): the c2sp.org/tlog-policy lines that say
//! which logs and witnesses a device trusts and which cosignatures make a
//! quorum (c2sp-digest §6.2), plus the Sightline lines that say which root
//! keys govern enrolment and what a release needs before a device installs it.
//!
//! ```text
//! log <vkey> [<url>]                      # 1+ (Ed25519 0x01 keys; name = origin)
//! witness <name> <vkey> [<url>]           # cosignature/v1 0x04 keys
//! group <name> all|any|<k> <member>...    # members defined on preceding lines
//! quorum <name>|none                      # exactly one
//! root <vkey>                             # 1+ (Ed25519 0x01 keys)
//! root-threshold <k>                      # 1 <= k <= number of roots
//! approvals <k>                           # 0 <= k <= MAX_APPROVALS
//! target <device target>                  # e.g. acme/thermostat/t3
//! max-age <seconds>                       # 1 <= seconds <= 2^63-1
//! allow-downgrade                         # optional
//! ```
//!
//! Fields are separated by runs of spaces and tabs; blank lines and lines
//! whose first field starts with `#` are ignored. Octets with the high bit
//! set are opaque: names and URLs are byte strings, never Unicode-normalised.
//!
//! A [`Policy`] is built either by [`Policy::parse`] or by [`PolicyBuilder`];
//! the parser is a thin layer that feeds each line to the builder, so both
//! paths enforce the same rules. [`Policy::encode`] writes a canonical form
//! that parses back to an equal policy.
//!
//! Witness names are local labels. Cosignatures are matched to witnesses by
//! their verifier key (name, key ID and public key), never by label.
//!
//! ```
//! use sightline_proofs::checkpoint::{Checkpoint, Origin, sign_checkpoint};
//! use sightline_proofs::cosignature::cosign;
//! use sightline_proofs::note::{KeyName, KeyType, SignerKey};
//! use sightline_proofs::{EMPTY_ROOT, Policy};
//!
//! # fn main() -> Result<(), sightline_proofs::ProofsError> {
//! // Keys come from the caller's randomness; fixed seeds keep this short.
//! let key = |name: &str, key_type, seed| SignerKey::from_seed(KeyName::new(name)?, key_type, seed);
//! let log = key("example.com/log", KeyType::Ed25519, [1; 32])?;
//! let witness = key("w.example/1", KeyType::CosignatureV1, [2; 32])?;
//! let root = key("root-1", KeyType::Ed25519, [3; 32])?;
//!
//! let text = format!(
//!     "log {}\nwitness W1 {}\nquorum W1\nroot {}\nroot-threshold 1\n\
//!      approvals 1\ntarget acme/thermostat/t3\nmax-age 3600\n",
//!     log.verifier(), witness.verifier(), root.verifier(),
//! );
//! let policy = Policy::parse(text.as_bytes())?;
//!
//! // The log signs a checkpoint and the witness cosigns it at time 1000.
//! let checkpoint = Checkpoint::new(Origin::new("example.com/log")?, 0, EMPTY_ROOT)?;
//! let mut note = sign_checkpoint(&checkpoint, &log)?;
//! note.push_signature(cosign(&checkpoint, &witness, 1000)?)?;
//!
//! let verified = policy.verify_checkpoint(&note.to_bytes())?;
//! assert_eq!(verified.quorum().quorum_time(), Some(1000));
//! policy.check_max_age(verified.quorum(), 1000 + 3600)?; // fresh enough
//! assert!(policy.check_max_age(verified.quorum(), 1000 + 3601).is_err());
//! # Ok(())
//! # }
//! ```

mod builder;
mod names;
mod quorum;
mod text;
mod verify;

use alloc::vec::Vec;

pub use builder::PolicyBuilder;
pub use names::{
    DeviceTarget, MAX_NAME_BYTES, MAX_TARGET_BYTES, MAX_TARGET_SEGMENT_BYTES, MAX_TARGET_SEGMENTS,
    MAX_URL_BYTES, PolicyName, PolicyUrl,
};
pub use quorum::{QuorumInfo, Threshold};
pub use verify::VerifiedCheckpoint;

use crate::note::VerifierKey;

/// Largest policy text accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;
/// Most `log` lines (tlog-policy asks for at least 32).
pub const MAX_LOGS: usize = 32;
/// Most `witness` lines (tlog-policy asks for at least 32).
pub const MAX_WITNESSES: usize = 64;
/// Most `group` lines (tlog-policy asks for at least 32).
pub const MAX_GROUPS: usize = 64;
/// Most `root` lines.
pub const MAX_ROOTS: usize = 32;
/// Largest `approvals` value.
pub const MAX_APPROVALS: usize = 32;

/// A log the policy trusts: its note verifier key (its name is the log's
/// origin) and an optional URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLog {
    key: VerifierKey,
    url: Option<PolicyUrl>,
}

impl PolicyLog {
    /// The log's Ed25519 (0x01) verifier key.
    pub fn key(&self) -> &VerifierKey {
        &self.key
    }

    /// The log's URL, if the policy gives one.
    pub fn url(&self) -> Option<&PolicyUrl> {
        self.url.as_ref()
    }
}

/// A witness the policy knows: a local label, its cosignature key and an
/// optional URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWitness {
    name: PolicyName,
    key: VerifierKey,
    url: Option<PolicyUrl>,
}

impl PolicyWitness {
    /// The witness's label in this policy (not its key name).
    pub fn name(&self) -> &PolicyName {
        &self.name
    }

    /// The witness's cosignature/v1 (0x04) verifier key.
    pub fn key(&self) -> &VerifierKey {
        &self.key
    }

    /// The witness's URL, if the policy gives one.
    pub fn url(&self) -> Option<&PolicyUrl> {
        self.url.as_ref()
    }
}

/// A reference from a group or the quorum to a previously defined name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Member {
    /// Index into the policy's witnesses.
    Witness(usize),
    /// Index into the policy's groups.
    Group(usize),
}

/// A witness group: satisfied when at least `threshold` of its members are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyGroup {
    name: PolicyName,
    threshold: Threshold,
    members: Vec<PolicyName>,
    /// `members` resolved to indexes, in the same order.
    resolved: Vec<Member>,
}

impl PolicyGroup {
    /// The group's label.
    pub fn name(&self) -> &PolicyName {
        &self.name
    }

    /// The threshold as written (`all`, `any` or a number).
    pub fn threshold(&self) -> Threshold {
        self.threshold
    }

    /// How many members must be satisfied (k).
    pub fn required(&self) -> usize {
        self.threshold.required(self.members.len())
    }

    /// The member names, in the order written.
    pub fn members(&self) -> &[PolicyName] {
        &self.members
    }
}

/// A validated Sightline trust policy (DESIGN §6, c2sp.org/tlog-policy).
///
/// Every `Policy` satisfies all the rules listed in the module docs; it can
/// only be made by [`Policy::parse`] or [`PolicyBuilder::build`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<PolicyGroup>,
    /// The quorum's name, `None` for `quorum none`.
    quorum: Option<PolicyName>,
    /// The quorum resolved, `None` for `quorum none`.
    quorum_ref: Option<Member>,
    roots: Vec<VerifierKey>,
    root_threshold: usize,
    approvals: usize,
    target: DeviceTarget,
    max_age: u64,
    allow_downgrade: bool,
}

impl Policy {
    /// The trusted logs, in the order defined.
    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    /// The known witnesses, in the order defined.
    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// The witness groups, in the order defined.
    pub fn groups(&self) -> &[PolicyGroup] {
        &self.groups
    }

    /// The name of the quorum witness or group; `None` for `quorum none`.
    pub fn quorum(&self) -> Option<&PolicyName> {
        self.quorum.as_ref()
    }

    /// The root keys that govern key enrolment (Ed25519, 0x01).
    pub fn roots(&self) -> &[VerifierKey] {
        &self.roots
    }

    /// How many distinct root keys must sign a `key` or `resume` record.
    pub fn root_threshold(&self) -> usize {
        self.root_threshold
    }

    /// How many approvals from distinct approvers a release needs.
    pub fn approvals(&self) -> usize {
        self.approvals
    }

    /// The device's own target.
    pub fn target(&self) -> &DeviceTarget {
        &self.target
    }

    /// The largest age, in seconds, of the quorum's cosignatures.
    pub fn max_age(&self) -> u64 {
        self.max_age
    }

    /// Whether a release older than the installed one may be installed.
    pub fn allow_downgrade(&self) -> bool {
        self.allow_downgrade
    }
}
