//! `sightline record`: builds a canonical record and signs it, or adds a
//! signature to an existing one (DESIGN §4, §8).
//!
//! Nothing here encodes or signs by hand: every flag is parsed by the value
//! type `sightline-proofs` defines for its field, the record is built with
//! the typed constructors (which enforce the per-kind rules, such as `scope`
//! only on an enrolment), and `SignedRecord::sign` writes the canonical text
//! in DESIGN §4 field order and signs it. What this module adds is the
//! command line: reading key files, naming the flag a bad value came from,
//! and writing the entry bytes.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, Subcommand};
use sightline_proofs::note::{KeyType, SignerKey, VerifierKey};
use sightline_proofs::record::{
    Approval, ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Pause, Reason,
    Record, Release, ReleaseRef, Resume, Rollout, SignedRecord, Timestamp, Token, Version,
};
use sightline_proofs::{Hash, ProofsError};

use super::{EXIT_ACCEPTED, EXIT_ERROR};
use crate::measure_file;
use crate::trusted_state::replace_file;

/// Arguments of `sightline record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The record kind to create, or `sign` to add a signature.
    #[command(subcommand)]
    pub command: RecordCommand,
}

/// The record kinds a publisher creates, and `sign`.
#[derive(Debug, Subcommand)]
pub enum RecordCommand {
    /// A release of an artifact for some targets, signed by one enrolled
    /// signer key.
    Release(ReleaseArgs),
    /// An approval of a logged release, signed by one enrolled approver key.
    Approval(ApprovalArgs),
    /// A rollout of a logged release to some targets, signed by one enrolled
    /// operator key.
    Rollout(RolloutArgs),
    /// Enrols, retires or revokes a key; needs root-threshold root
    /// signatures (sign with several --key, or pass the file around with
    /// `record sign`).
    Key(KeyArgs),
    /// Pauses installs for a target pattern; signed by one breakglass key or
    /// one root key.
    Pause(NoticeArgs),
    /// Lifts a pause; needs root-threshold root signatures.
    Resume(NoticeArgs),
    /// Adds signatures to an existing record, replacing any earlier
    /// signature by the same key.
    Sign(SignArgs),
}

/// Flags every signing subcommand shares.
#[derive(Debug, Args)]
pub struct SigningArgs {
    /// Secret key file (`PRIVATE+KEY+…`, from `sightline keygen --type
    /// note`) to sign with; repeat to sign with several keys.
    #[arg(long = "key", value_name = "FILE", required = true)]
    pub keys: Vec<PathBuf>,
    /// Write the signed entry here (replacing the file) instead of stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Arguments of `sightline record release`.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The artifact file; its SHA-256 and length are computed by streaming
    /// it, unless --digest and --size are given.
    #[arg(long, value_name = "FILE")]
    pub artifact: Option<PathBuf>,
    /// The artifact's digest, `sha256:<64 lowercase hex>` (overrides the
    /// one computed from --artifact).
    #[arg(long, value_name = "sha256:HEX")]
    pub digest: Option<String>,
    /// The artifact's length in bytes (overrides the one measured from
    /// --artifact).
    #[arg(long, value_name = "BYTES")]
    pub size: Option<String>,
    /// Product name: `[A-Za-z0-9][A-Za-z0-9._-]*`, at most 64 bytes.
    #[arg(long, value_name = "TOKEN")]
    pub name: String,
    /// Semantic version (semver 2.0), e.g. `1.4.2`.
    #[arg(long, value_name = "SEMVER")]
    pub version: String,
    /// Target pattern the release is for, e.g. `acme/thermostat/*`; repeat
    /// for several (at least one).
    #[arg(long = "target", value_name = "PATTERN", required = true)]
    pub targets: Vec<String>,
    /// Issue time, RFC 3339 UTC to the second (`2026-01-02T03:04:05Z`);
    /// defaults to now.
    #[arg(long, value_name = "TIME")]
    pub issued: Option<String>,
    /// Keys and output.
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// How approvals and rollouts name the logged release they refer to.
#[derive(Debug, Args)]
pub struct ReleaseRefArgs {
    /// The release entry as `INDEX:HEXHASH` (log index and leaf hash, as
    /// `sightline submit` prints them).
    #[arg(
        long,
        value_name = "INDEX:HEXHASH",
        conflicts_with_all = ["release_index", "release_hash"]
    )]
    pub release: Option<String>,
    /// The release entry's log index (with --release-hash).
    #[arg(long, value_name = "N")]
    pub release_index: Option<String>,
    /// The release entry's leaf hash, 64 hex digits (with --release-index).
    #[arg(long, value_name = "HEX")]
    pub release_hash: Option<String>,
}

/// Arguments of `sightline record approval`.
#[derive(Debug, Args)]
pub struct ApprovalArgs {
    /// The release approved.
    #[command(flatten)]
    pub release: ReleaseRefArgs,
    /// What the approver vouches for, e.g. `qa` or `security` (a token).
    #[arg(long, value_name = "TOKEN")]
    pub role: String,
    /// Issue time, RFC 3339 UTC to the second; defaults to now.
    #[arg(long, value_name = "TIME")]
    pub issued: Option<String>,
    /// Keys and output.
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// Arguments of `sightline record rollout`.
#[derive(Debug, Args)]
pub struct RolloutArgs {
    /// The release rolled out.
    #[command(flatten)]
    pub release: ReleaseRefArgs,
    /// Target pattern to roll out to, covered by the release's targets;
    /// repeat for several (at least one).
    #[arg(long = "target", value_name = "PATTERN", required = true)]
    pub targets: Vec<String>,
    /// Issue time, RFC 3339 UTC to the second; defaults to now.
    #[arg(long, value_name = "TIME")]
    pub issued: Option<String>,
    /// Keys and output.
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// Arguments of `sightline record key`.
#[derive(Debug, Args)]
pub struct KeyArgs {
    /// `enrol` (start a key's validity), `retire` (end it for later records:
    /// rotation) or `revoke` (void everything it signed: compromise).
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The key's verifier key (`name+hexid+base64`, as `sightline keygen`
    /// prints it); must be a note (0x01) key.
    #[arg(long, value_name = "VKEY")]
    pub vkey: String,
    /// `signer`, `approver`, `operator` or `breakglass`.
    #[arg(long, value_name = "ROLE")]
    pub role: String,
    /// Who holds the key (a token); one owner holds one role per scope.
    #[arg(long, value_name = "TOKEN")]
    pub owner: String,
    /// Target pattern the key may sign for; repeat for several (at least one
    /// for enrol, none otherwise).
    #[arg(long = "scope", value_name = "PATTERN")]
    pub scopes: Vec<String>,
    /// When the enrolment ends, RFC 3339 UTC (enrol only, required there).
    #[arg(long, value_name = "TIME")]
    pub expires: Option<String>,
    /// Optional free-text reason, one line.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Issue time, RFC 3339 UTC to the second; defaults to now.
    #[arg(long, value_name = "TIME")]
    pub issued: Option<String>,
    /// Keys and output.
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// Arguments of `sightline record pause` and `sightline record resume`.
#[derive(Debug, Args)]
pub struct NoticeArgs {
    /// The target pattern paused or resumed.
    #[arg(long, value_name = "PATTERN")]
    pub target: String,
    /// Why, free text on one line.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Issue time, RFC 3339 UTC to the second; defaults to now.
    #[arg(long, value_name = "TIME")]
    pub issued: Option<String>,
    /// Keys and output.
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// Arguments of `sightline record sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The signed record to add signatures to (as written by `sightline
    /// record`).
    #[arg(value_name = "RECORD_FILE")]
    pub record: PathBuf,
    /// Keys and output (-o may name RECORD_FILE itself).
    #[command(flatten)]
    pub signing: SigningArgs,
}

/// Runs the subcommand: on success writes the signed entry to stdout or
/// `-o`; on failure prints one line naming the problem on stderr.
///
/// Spec: DESIGN §4 (records), §8 (`record`).
pub fn run(args: &RecordArgs) -> u8 {
    let (name, result) = match &args.command {
        RecordCommand::Release(a) => (
            "release",
            build_release(a).and_then(|r| emit(&r, &a.signing)),
        ),
        RecordCommand::Approval(a) => (
            "approval",
            build_approval(a).and_then(|r| emit(&r, &a.signing)),
        ),
        RecordCommand::Rollout(a) => (
            "rollout",
            build_rollout(a).and_then(|r| emit(&r, &a.signing)),
        ),
        RecordCommand::Key(a) => ("key", build_key(a).and_then(|r| emit(&r, &a.signing))),
        RecordCommand::Pause(a) => ("pause", build_pause(a).and_then(|r| emit(&r, &a.signing))),
        RecordCommand::Resume(a) => ("resume", build_resume(a).and_then(|r| emit(&r, &a.signing))),
        RecordCommand::Sign(a) => ("sign", sign_existing(a)),
    };
    match result {
        Ok(()) => EXIT_ACCEPTED,
        Err(e) => {
            eprintln!("sightline record {name}: error: {e}");
            EXIT_ERROR
        }
    }
}

// ---------------------------------------------------------------------------
// Building each kind from its flags
// ---------------------------------------------------------------------------

/// DESIGN §4 `release`: digest and size from the flags or the artifact file.
fn build_release(a: &ReleaseArgs) -> Result<Record, String> {
    let digest = a
        .digest
        .as_deref()
        .map(|d| value("digest", d, ArtifactDigest::parse))
        .transpose()?;
    let size = a.size.as_deref().map(|s| number("size", s)).transpose()?;
    // Stream the file only for what the flags left open, so that a digest
    // computed elsewhere can be recorded without the artifact at hand.
    let (digest, size) = match (digest, size) {
        (Some(d), Some(s)) => (d, s),
        (d, s) => {
            let path = a.artifact.as_deref().ok_or(
                "give --artifact FILE, or both --digest and --size, to say what is released",
            )?;
            let measured =
                measure_file(path).map_err(|e| format!("--artifact {}: {e}", path.display()))?;
            (
                d.unwrap_or(*measured.digest()),
                s.unwrap_or(measured.size()),
            )
        }
    };
    let release = Release::new(
        digest,
        size,
        value("name", &a.name, Token::new)?,
        value("version", &a.version, Version::new)?,
        patterns("target", &a.targets)?,
        issued(a.issued.as_deref())?,
    )
    .map_err(|e| format!("--target: {e}"))?;
    Ok(Record::Release(release))
}

/// DESIGN §4 `approval`.
fn build_approval(a: &ApprovalArgs) -> Result<Record, String> {
    Ok(Record::Approval(Approval::new(
        release_ref(&a.release)?,
        value("role", &a.role, Token::new)?,
        issued(a.issued.as_deref())?,
    )))
}

/// DESIGN §4 `rollout`.
fn build_rollout(a: &RolloutArgs) -> Result<Record, String> {
    let rollout = Rollout::new(
        release_ref(&a.release)?,
        patterns("target", &a.targets)?,
        issued(a.issued.as_deref())?,
    )
    .map_err(|e| format!("--target: {e}"))?;
    Ok(Record::Rollout(rollout))
}

/// DESIGN §4 `key`: `scope` and `expires` belong to enrolments only.
fn build_key(a: &KeyArgs) -> Result<Record, String> {
    let action = value("action", &a.action, KeyAction::parse)?;
    let vkey = value("vkey", &a.vkey, VerifierKey::parse)?;
    if vkey.key_type() != KeyType::Ed25519 {
        return Err(format!(
            "--vkey {}: a cosignature (0x04) key is a witness key and cannot be enrolled to sign records",
            a.vkey
        ));
    }
    let enrolment = if action == KeyAction::Enrol {
        let expires = a
            .expires
            .as_deref()
            .ok_or("--expires TIME is required with --action enrol")?;
        let expires = value("expires", expires, Timestamp::parse)?;
        Some(
            Enrolment::new(patterns("scope", &a.scopes)?, expires)
                .map_err(|e| format!("--scope: {e}"))?,
        )
    } else {
        if !a.scopes.is_empty() {
            return Err(format!("--scope is only for --action enrol, not {action}"));
        }
        if a.expires.is_some() {
            return Err(format!(
                "--expires is only for --action enrol, not {action}"
            ));
        }
        None
    };
    let record = KeyRecord::new(
        action,
        vkey,
        value("role", &a.role, KeyRole::parse)?,
        value("owner", &a.owner, Token::new)?,
        enrolment,
        a.reason
            .as_deref()
            .map(|r| value("reason", r, Reason::new))
            .transpose()?,
        issued(a.issued.as_deref())?,
    )
    .map_err(|e| format!("key record: {e}"))?;
    Ok(Record::Key(record))
}

/// DESIGN §4 `pause`.
fn build_pause(a: &NoticeArgs) -> Result<Record, String> {
    let (target, reason, issued) = notice(a)?;
    Ok(Record::Pause(Pause::new(target, reason, issued)))
}

/// DESIGN §4 `resume`.
fn build_resume(a: &NoticeArgs) -> Result<Record, String> {
    let (target, reason, issued) = notice(a)?;
    Ok(Record::Resume(Resume::new(target, reason, issued)))
}

/// The three fields pause and resume share.
fn notice(a: &NoticeArgs) -> Result<(Pattern, Reason, Timestamp), String> {
    Ok((
        value("target", &a.target, Pattern::new)?,
        value("reason", &a.reason, Reason::new)?,
        issued(a.issued.as_deref())?,
    ))
}

// ---------------------------------------------------------------------------
// Field values
// ---------------------------------------------------------------------------

/// Parses one flag's value with its proofs type, naming the flag on error so
/// the message says what to fix.
fn value<T>(
    flag: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, ProofsError>,
) -> Result<T, String> {
    parse(text).map_err(|e| format!("--{flag} {text:?}: {e}"))
}

/// A decimal `u64` (sizes and indexes), naming the flag on error.
fn number(flag: &str, text: &str) -> Result<u64, String> {
    // Only plain digits: `parse` would also take a leading `+`, which the
    // record grammar does not have.
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("--{flag} {text:?}: expected a decimal number"));
    }
    text.parse()
        .map_err(|_| format!("--{flag} {text:?}: number too large (at most 2^64 - 1)"))
}

/// Every value of a repeated pattern flag, in the order given (the record
/// keeps that order; duplicates are refused by the record's constructor).
fn patterns(flag: &str, texts: &[String]) -> Result<Vec<Pattern>, String> {
    texts.iter().map(|t| value(flag, t, Pattern::new)).collect()
}

/// `--issued`, or the system clock to the second.
fn issued(text: Option<&str>) -> Result<Timestamp, String> {
    if let Some(t) = text {
        return value("issued", t, Timestamp::parse);
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| format!("system clock before 1970, give --issued: {e}"))?
        .as_secs();
    Timestamp::from_unix(now).map_err(|e| format!("system clock out of range, give --issued: {e}"))
}

/// The release reference from `--release INDEX:HEXHASH` or the pair
/// `--release-index N --release-hash HEX` (clap refuses a mix of the two
/// forms; a missing half is reported here, in one line).
fn release_ref(a: &ReleaseRefArgs) -> Result<ReleaseRef, String> {
    let (index_flag, index, hash_flag, hash) = match (&a.release, &a.release_index, &a.release_hash)
    {
        (Some(both), _, _) => {
            let (index, hash) = both
                .split_once(':')
                .ok_or_else(|| format!("--release {both:?}: expected INDEX:HEXHASH"))?;
            ("release", index, "release", hash)
        }
        (None, Some(index), Some(hash)) => (
            "release-index",
            index.as_str(),
            "release-hash",
            hash.as_str(),
        ),
        (None, Some(_), None) => return Err("--release-index needs --release-hash HEX".into()),
        (None, None, Some(_)) => return Err("--release-hash needs --release-index N".into()),
        (None, None, None) => {
            return Err(
                "give --release INDEX:HEXHASH or --release-index N --release-hash HEX".into(),
            );
        }
    };
    let index = number(index_flag, index)?;
    let hash = value(hash_flag, hash, Hash::from_hex)?;
    ReleaseRef::new(index, hash).map_err(|e| format!("--{index_flag} {index}: {e}"))
}

// ---------------------------------------------------------------------------
// Keys, signing and output
// ---------------------------------------------------------------------------

/// Reads a secret key file and checks it can sign records.
fn load_signer(path: &Path) -> Result<SignerKey, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--key {}: {e}", path.display()))?;
    let parsed = SignerKey::parse(text.trim_end());
    // The text held the seed; overwrite it before it is freed.
    let mut bytes = text.into_bytes();
    bytes.fill(0);
    let key = parsed.map_err(|e| {
        format!(
            "--key {}: not a secret key file (PRIVATE+KEY+…, from sightline keygen): {e}",
            path.display()
        )
    })?;
    if key.key_type() != KeyType::Ed25519 {
        return Err(format!(
            "--key {}: key {} is a cosignature (0x04) witness key, which cannot sign records; \
             use a key made with sightline keygen --type note",
            path.display(),
            key.name()
        ));
    }
    Ok(key)
}

/// Every `--key`, in order.
fn load_signers(signing: &SigningArgs) -> Result<Vec<SignerKey>, String> {
    signing.keys.iter().map(|p| load_signer(p)).collect()
}

/// Signs `record` with every key and writes the entry.
fn emit(record: &Record, signing: &SigningArgs) -> Result<(), String> {
    let keys = load_signers(signing)?;
    let refs: Vec<&SignerKey> = keys.iter().collect();
    let signed = SignedRecord::sign(record, &refs).map_err(|e| format!("signing: {e}"))?;
    write_output(signing.out.as_deref(), &signed.to_bytes())
}

/// `record sign`: parses the existing entry, signs its text with each key
/// (replacing a line by the same key) and writes the result.
fn sign_existing(a: &SignArgs) -> Result<(), String> {
    let path = &a.record;
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let existing = SignedRecord::parse(&bytes)
        .map_err(|e| format!("{}: not a signed Sightline record: {e}", path.display()))?;
    let keys = load_signers(&a.signing)?;
    let mut note = existing.note().clone();
    for key in &keys {
        note.sign(key).map_err(|e| format!("signing: {e}"))?;
    }
    // Parse the result again so that it is checked like any entry (size
    // limit, canonical form) before it is written.
    let signed = SignedRecord::parse(&note.to_bytes()).map_err(|e| format!("signing: {e}"))?;
    write_output(a.signing.out.as_deref(), &signed.to_bytes())
}

/// Writes the entry to `out`, or to stdout.
fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    if let Some(path) = out {
        // `record sign -o RECORD_FILE` rewrites the file it read: written in
        // place, a failure half-way would destroy the signatures collected.
        return replace_file(path, bytes).map_err(|e| format!("-o {}: {e}", path.display()));
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("stdout: {e}"))
}
