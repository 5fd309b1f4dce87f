//! `GET /v1/bundle` (DESIGN §7): which logged entries make up the release
//! bundle for an artifact and a device target, and whether the release is
//! installable there at all. Pure: the caller reads the entries.

use std::collections::BTreeSet;

use sightline_proofs::policy::DeviceTarget;
use sightline_proofs::record::{Record, ReleaseRef, SignedRecord, StateRecord};
use sightline_proofs::{Hash, VerifierKey};

use crate::error::Error;

/// Why an existing release cannot be installed on a target; each maps to a
/// stable `reason` in the 409 answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotInstallable {
    /// No rollout of the release covers the target.
    NoRollout,
    /// A pause record covering the target is in force.
    TargetPaused(String),
    /// A key that signed the release, an approval or the rollout is revoked.
    KeyRevoked(String),
}

impl NotInstallable {
    /// The stable name of the reason, for the JSON body.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NoRollout => "NoRollout",
            Self::TargetPaused(_) => "TargetPaused",
            Self::KeyRevoked(_) => "KeyRevoked",
        }
    }
}

impl std::fmt::Display for NotInstallable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoRollout => f.write_str("no rollout of the release covers the target"),
            Self::TargetPaused(p) => write!(f, "the target is paused by pattern {p}"),
            Self::KeyRevoked(k) => write!(f, "key {k} is revoked"),
        }
    }
}

/// A logged entry, parsed.
pub struct LoggedEntry {
    /// Its index.
    pub index: u64,
    /// The record.
    pub record: SignedRecord,
}

/// What the bundle needs besides the enrolment records: the indexes of the
/// release, its approvals and the chosen rollout, and the keys that signed
/// them (whose enrolments the caller looks up next).
#[derive(Debug, PartialEq, Eq)]
pub struct Selection {
    /// Release, approvals and rollout indexes, ascending.
    pub indexes: BTreeSet<u64>,
    /// Every key that signed one of them.
    pub keys: BTreeSet<VerifierKey>,
}

/// Picks the release with `artifact` among `about_artifact` (the entries the
/// artifact search index returned), its approvals and the first rollout
/// covering `target`, and checks them against the latest `state` entry.
///
/// # Errors
/// [`Error::ReleaseNotFound`] when no release has the digest;
/// [`Error::NotInstallable`] for a missing rollout, a paused target or a
/// revoked key.
pub fn select(
    artifact: &Hash,
    target: &DeviceTarget,
    about_artifact: &[LoggedEntry],
    state: &StateRecord,
) -> Result<Selection, Error> {
    let (release_index, release_ref) = about_artifact
        .iter()
        .find_map(|e| match e.record.record() {
            Record::Release(r) if r.artifact().hash() == artifact => {
                Some((e.index, (e.index, *e.record.leaf_hash())))
            }
            _ => None,
        })
        .ok_or(Error::ReleaseNotFound)?;
    let refers = |r: &ReleaseRef| (r.index(), *r.leaf_hash()) == release_ref;
    let mut chosen = vec![release_index];
    let mut rollout = None;
    for e in about_artifact {
        match e.record.record() {
            Record::Approval(a) if refers(a.release()) => chosen.push(e.index),
            Record::Rollout(r)
                if rollout.is_none()
                    && refers(r.release())
                    && r.targets().iter().any(|p| p.covers_target(target.as_str())) =>
            {
                rollout = Some(e.index);
            }
            _ => {}
        }
    }
    chosen.push(rollout.ok_or(Error::NotInstallable(NotInstallable::NoRollout))?);
    if let Some((pattern, _)) = state
        .paused()
        .iter()
        .find(|(p, _)| p.covers_target(target.as_str()))
    {
        return Err(Error::NotInstallable(NotInstallable::TargetPaused(
            pattern.to_string(),
        )));
    }
    let mut keys = BTreeSet::new();
    for e in about_artifact.iter().filter(|e| chosen.contains(&e.index)) {
        for signature in e.record.note().signatures() {
            keys.extend(
                state
                    .keys()
                    .iter()
                    .map(sightline_proofs::record::KeyStatus::vkey)
                    .filter(|k| k.matches(signature))
                    .cloned(),
            );
        }
    }
    if let Some(revoked) = keys
        .iter()
        .find(|k| state.revoked().iter().any(|(r, _)| r == *k))
    {
        return Err(Error::NotInstallable(NotInstallable::KeyRevoked(
            revoked.to_string(),
        )));
    }
    Ok(Selection {
        indexes: chosen.into_iter().collect(),
        keys,
    })
}

/// Whether `entry` is the enrolment record of `vkey`.
pub fn is_enrolment_of(entry: &SignedRecord, vkey: &VerifierKey) -> bool {
    matches!(entry.record(), Record::Key(k)
        if k.action() == sightline_proofs::record::KeyAction::Enrol && k.vkey() == vkey)
}
