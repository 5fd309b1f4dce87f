//! The attribution reports of `sightline audit` (issue #6 item 2), built
//! from a replayed [`History`] and serialised as its `--json` document.
//!
//! Times are RFC 3339 UTC strings; `integrated` is the time of the first
//! state entry at or after the entry (absent when none follows yet).

use serde::Serialize;
use sightline_proofs::VerifiedCheckpoint;
use sightline_proofs::note::VerifierKey;
use sightline_proofs::record::{ArtifactDigest, KeyRecord, Pattern, Record, Timestamp};

use super::history::{Entry, History};

/// The checkpoint everything was verified against.
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointReport {
    /// The log's origin.
    pub origin: String,
    /// The tree size.
    pub size: u64,
    /// The root hash, hex.
    pub root: String,
    /// The policy witnesses whose cosignatures verified.
    pub witnesses: Vec<WitnessReport>,
}

/// One witness that cosigned the checkpoint.
#[derive(Debug, Clone, Serialize)]
pub struct WitnessReport {
    /// Its label in the policy (matched by key, never by this label).
    pub name: String,
    /// The cosignature's time.
    pub cosigned: String,
}

/// Where and when an entry is in the log.
#[derive(Debug, Clone, Serialize)]
pub struct Logged {
    /// The log index.
    pub index: u64,
    /// The record's `issued` time.
    pub issued: String,
    /// When the log integrated it (its round's state entry time).
    pub integrated: Option<String>,
}

/// A key and its life in the log.
#[derive(Debug, Clone, Serialize)]
pub struct KeyReport {
    /// The verifier key.
    pub vkey: String,
    /// `signer`, `approver`, `operator`, `breakglass`, or `root` for a
    /// policy root key (never enrolled in the log).
    pub role: String,
    /// Its owner (empty for a root key).
    pub owner: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// Its expiry.
    pub expires: Option<String>,
    /// Its enrolment record.
    pub enrolment: Option<Logged>,
    /// The root keys whose signatures enrolled it.
    pub enrolled_by: Vec<String>,
    /// Its retire record, if retired.
    pub retired: Option<KeyChange>,
    /// Its revoke record, if revoked.
    pub revoked: Option<KeyChange>,
}

/// A retire or revoke record.
#[derive(Debug, Clone, Serialize)]
pub struct KeyChange {
    /// Where and when.
    #[serde(flatten)]
    pub logged: Logged,
    /// The stated reason.
    pub reason: Option<String>,
    /// The root keys that signed it.
    pub signed_by: Vec<String>,
}

/// An approval of the release.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalReport {
    /// Where and when.
    #[serde(flatten)]
    pub logged: Logged,
    /// The approval's `role` (what the approver attests).
    pub role: String,
    /// The approver's key.
    pub key: KeyReport,
}

/// A rollout of the release.
#[derive(Debug, Clone, Serialize)]
pub struct RolloutReport {
    /// Where and when.
    #[serde(flatten)]
    pub logged: Logged,
    /// The targets rolled out to.
    pub targets: Vec<String>,
    /// The operator's key.
    pub key: KeyReport,
}

/// A pause or resume touching the release's targets.
#[derive(Debug, Clone, Serialize)]
pub struct PauseReport {
    /// Where and when.
    #[serde(flatten)]
    pub logged: Logged,
    /// `pause` or `resume`.
    pub action: String,
    /// The paused or resumed pattern.
    pub target: String,
    /// The stated reason.
    pub reason: String,
    /// The keys that signed it.
    pub signed_by: Vec<String>,
}

/// The timeline of one release.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseReport {
    /// Where and when.
    #[serde(flatten)]
    pub logged: Logged,
    /// The entry's leaf hash, hex.
    pub leaf_hash: String,
    /// `sha256:<hex>`.
    pub artifact: String,
    /// The artifact's size in bytes.
    pub size: u64,
    /// The release name.
    pub name: String,
    /// The version.
    pub version: String,
    /// The release targets.
    pub targets: Vec<String>,
    /// The signer's key.
    pub signer: KeyReport,
    /// Approvals, in log order.
    pub approvals: Vec<ApprovalReport>,
    /// Rollouts, in log order.
    pub rollouts: Vec<RolloutReport>,
    /// Pauses and resumes of patterns overlapping the targets, in log order.
    pub pauses: Vec<PauseReport>,
}

/// An entry the replay refused (a log that admitted what it should not).
#[derive(Debug, Clone, Serialize)]
pub struct RefusedReport {
    /// The log index.
    pub index: u64,
    /// The admission rule it breaks.
    pub reason: String,
}

/// `sightline audit sha256:<hex>`.
#[derive(Debug, Clone, Serialize)]
pub struct ArtifactAudit {
    /// The verified checkpoint.
    pub checkpoint: CheckpointReport,
    /// Every release of the artifact (normally one).
    pub releases: Vec<ReleaseReport>,
    /// Entries the replay refused.
    pub refused: Vec<RefusedReport>,
}

/// One record signed by the audited key or owner.
#[derive(Debug, Clone, Serialize)]
pub struct SignedReport {
    /// Where and when.
    #[serde(flatten)]
    pub logged: Logged,
    /// The record kind.
    pub kind: String,
    /// The signing key (of those audited).
    pub key: String,
    /// A one-line summary of the record.
    pub summary: String,
}

/// `sightline audit --key` / `--owner`.
#[derive(Debug, Clone, Serialize)]
pub struct SignerAudit {
    /// The verified checkpoint.
    pub checkpoint: CheckpointReport,
    /// The audited keys.
    pub keys: Vec<KeyReport>,
    /// Every record they signed, in log order.
    pub signed: Vec<SignedReport>,
    /// Entries the replay refused.
    pub refused: Vec<RefusedReport>,
}

/// The checkpoint part of a report.
pub fn checkpoint_report(verified: &VerifiedCheckpoint) -> CheckpointReport {
    let checkpoint = verified.checkpoint();
    CheckpointReport {
        origin: checkpoint.origin().as_str().to_owned(),
        size: checkpoint.size(),
        root: checkpoint.root().to_hex(),
        witnesses: verified
            .quorum()
            .cosigners()
            .iter()
            .map(|(name, time)| WitnessReport {
                name: name.to_string(),
                cosigned: time_text(*time),
            })
            .collect(),
    }
}

/// The timelines of every release of `artifact` in `history`.
pub fn artifact_audit(
    history: &History,
    checkpoint: CheckpointReport,
    artifact: &ArtifactDigest,
) -> ArtifactAudit {
    let releases = history
        .entries()
        .iter()
        .filter(|e| matches!(e.admitted.record(), Record::Release(r) if r.artifact() == artifact))
        .filter_map(|e| release_report(history, e))
        .collect();
    ArtifactAudit {
        checkpoint,
        releases,
        refused: refused(history),
    }
}

/// Every record signed by one of `keys`, with the keys' life.
pub fn signer_audit(
    history: &History,
    checkpoint: CheckpointReport,
    keys: &[VerifierKey],
) -> SignerAudit {
    let signed = history
        .entries()
        .iter()
        .filter_map(|e| {
            let key = e.admitted.signers().iter().find(|k| keys.contains(k))?;
            Some(SignedReport {
                logged: logged(history, e),
                kind: e.admitted.record().kind().as_str().to_owned(),
                key: key.to_string(),
                summary: summary(e.admitted.record()),
            })
        })
        .collect();
    SignerAudit {
        checkpoint,
        keys: keys.iter().map(|k| key_report(history, k)).collect(),
        signed,
        refused: refused(history),
    }
}

/// The keys of `owner`, in enrolment order.
pub fn owner_keys(history: &History, owner: &str) -> Vec<VerifierKey> {
    history
        .enrolled_keys()
        .filter(|k| {
            history
                .enrolment(k)
                .and_then(|e| key_record(e))
                .is_some_and(|r| r.owner().as_str() == owner)
        })
        .cloned()
        .collect()
}

fn release_report(history: &History, entry: &Entry) -> Option<ReleaseReport> {
    let Record::Release(release) = entry.admitted.record() else {
        return None;
    };
    let signer = entry.admitted.signers().first()?;
    let mut report = ReleaseReport {
        logged: logged(history, entry),
        leaf_hash: entry.admitted.entry().leaf_hash().to_hex(),
        artifact: release.artifact().to_string(),
        size: release.size(),
        name: release.name().to_string(),
        version: release.version().to_string(),
        targets: strings(release.targets()),
        signer: key_report(history, signer),
        approvals: Vec::new(),
        rollouts: Vec::new(),
        pauses: Vec::new(),
    };
    let touches = |p: &Pattern| release.targets().iter().any(|t| t.overlaps(p));
    for e in history.entries() {
        let first_signer = e.admitted.signers().first();
        match e.admitted.record() {
            Record::Approval(a) if a.release().index() == entry.index => {
                if let Some(key) = first_signer {
                    report.approvals.push(ApprovalReport {
                        logged: logged(history, e),
                        role: a.role().to_string(),
                        key: key_report(history, key),
                    });
                }
            }
            Record::Rollout(r) if r.release().index() == entry.index => {
                if let Some(key) = first_signer {
                    report.rollouts.push(RolloutReport {
                        logged: logged(history, e),
                        targets: strings(r.targets()),
                        key: key_report(history, key),
                    });
                }
            }
            Record::Pause(p) if touches(p.target()) => report.pauses.push(PauseReport {
                logged: logged(history, e),
                action: "pause".to_owned(),
                target: p.target().to_string(),
                reason: p.reason().to_string(),
                signed_by: strings(e.admitted.signers()),
            }),
            Record::Resume(r) if touches(r.target()) => report.pauses.push(PauseReport {
                logged: logged(history, e),
                action: "resume".to_owned(),
                target: r.target().to_string(),
                reason: r.reason().to_string(),
                signed_by: strings(e.admitted.signers()),
            }),
            _ => {}
        }
    }
    Some(report)
}

fn key_report(history: &History, vkey: &VerifierKey) -> KeyReport {
    let enrolment = history.enrolment(vkey);
    let record = enrolment.and_then(key_record);
    let change = |e: Option<&Entry>| {
        e.map(|e| KeyChange {
            logged: logged(history, e),
            reason: key_record(e).and_then(|r| r.reason().map(ToString::to_string)),
            signed_by: strings(e.admitted.signers()),
        })
    };
    KeyReport {
        vkey: vkey.to_string(),
        role: record.map_or_else(|| "root".to_owned(), |r| r.role().to_string()),
        owner: record.map(|r| r.owner().to_string()).unwrap_or_default(),
        scopes: record
            .and_then(KeyRecord::enrolment)
            .map(|e| strings(e.scopes()))
            .unwrap_or_default(),
        expires: record
            .and_then(KeyRecord::enrolment)
            .map(|e| e.expires().to_string()),
        enrolment: enrolment.map(|e| logged(history, e)),
        enrolled_by: enrolment
            .map(|e| strings(e.admitted.signers()))
            .unwrap_or_default(),
        retired: change(history.retirement(vkey)),
        revoked: change(history.revocation(vkey)),
    }
}

fn key_record(entry: &Entry) -> Option<&KeyRecord> {
    match entry.admitted.record() {
        Record::Key(k) => Some(k),
        _ => None,
    }
}

fn logged(history: &History, entry: &Entry) -> Logged {
    Logged {
        index: entry.index,
        issued: entry.admitted.record().issued().to_string(),
        integrated: history.integrated(entry.index).map(|t| t.to_string()),
    }
}

fn refused(history: &History) -> Vec<RefusedReport> {
    history
        .refused()
        .iter()
        .map(|(index, reason)| RefusedReport {
            index: *index,
            reason: reason.clone(),
        })
        .collect()
}

fn summary(record: &Record) -> String {
    match record {
        Record::Release(r) => format!(
            "{} {} {} for {}",
            r.name(),
            r.version(),
            r.artifact(),
            strings(r.targets()).join(" ")
        ),
        Record::Approval(a) => format!("approves release {} as {}", a.release().index(), a.role()),
        Record::Rollout(r) => format!(
            "rolls out release {} to {}",
            r.release().index(),
            strings(r.targets()).join(" ")
        ),
        Record::Key(k) => format!(
            "{} {} ({} of {})",
            k.action(),
            k.vkey(),
            k.role(),
            k.owner()
        ),
        Record::Pause(p) => format!("pauses {}: {}", p.target(), p.reason()),
        Record::Resume(r) => format!("resumes {}: {}", r.target(), r.reason()),
        Record::State(s) => format!("state at {}", s.index()),
    }
}

fn strings<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// A Unix time as RFC 3339 UTC, or the number if it is out of range.
pub fn time_text(secs: u64) -> String {
    Timestamp::from_unix(secs).map_or_else(|_| secs.to_string(), |t| t.to_string())
}
