//! `GET /v1/bundle` (DESIGN §7): which logged entries make up the release
//! bundle for an artifact and a device target, and whether the release is
//! installable there at all. Pure: the caller reads the entries.

use std::collections::BTreeSet;

use sightline_proofs::policy::DeviceTarget;
use sightline_proofs::record::{KeyStatus, Record, ReleaseRef, SignedRecord, StateRecord, Token};
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
    /// The newest rollout covering the target was signed by a key retired
    /// before it, and no other covering rollout is acceptable.
    KeyRetired(String),
    /// The newest rollout covering the target is by an operator whose owner
    /// also owns the release's signing key, and no other covering rollout
    /// is acceptable.
    RolloutBySignerOwner(String),
}

impl NotInstallable {
    /// The stable name of the reason, for the JSON body.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NoRollout => "NoRollout",
            Self::TargetPaused(_) => "TargetPaused",
            Self::KeyRevoked(_) => "KeyRevoked",
            Self::KeyRetired(_) => "KeyRetired",
            Self::RolloutBySignerOwner(_) => "RolloutBySignerOwner",
        }
    }
}

impl std::fmt::Display for NotInstallable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoRollout => f.write_str("no rollout of the release covers the target"),
            Self::TargetPaused(p) => write!(f, "the target is paused by pattern {p}"),
            Self::KeyRevoked(k) => write!(f, "key {k} is revoked"),
            Self::KeyRetired(k) => write!(
                f,
                "the rollout's key {k} was retired before it signed the rollout"
            ),
            Self::RolloutBySignerOwner(owner) => write!(
                f,
                "the rollout's operator is owned by {owner}, who also owns the release's \
                 signing key; log a rollout by another owner's operator"
            ),
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
/// artifact search index returned, in index order), its approvals and the
/// newest rollout covering `target` that a device would accept under the
/// latest `state` entry, and checks them against that state.
///
/// A rollout is acceptable (DESIGN §6 steps 6 and 7) when the key that
/// signed it is not revoked, was not retired before the rollout's index,
/// and is not owned by the owner of the release's signing key. A rollout
/// that a later revocation or retirement made unusable is skipped, so an
/// operator can repair a release by logging a new rollout.
///
/// # Errors
/// [`Error::ReleaseNotFound`] when no release has the digest;
/// [`Error::NotInstallable`] for a missing rollout (or, when covering
/// rollouts exist but none is acceptable, the newest one's reason), a
/// paused target or a revoked key.
pub fn select(
    artifact: &Hash,
    target: &DeviceTarget,
    about_artifact: &[LoggedEntry],
    state: &StateRecord,
) -> Result<Selection, Error> {
    let (selection, refusal) = select_including_refused(artifact, target, about_artifact, state)?;
    match refusal {
        Some(why) => Err(Error::NotInstallable(why)),
        None => Ok(selection),
    }
}

/// As [`select`], but a paused target or a revoked key does not stop the
/// selection: it comes back with the reason, so that the bundle can still
/// be served to whoever asks for it explicitly (to check that devices
/// refuse it on their own; everything in it is public in the log anyway).
///
/// # Errors
/// [`Error::ReleaseNotFound`]; [`Error::NotInstallable`] only when no
/// rollout can be chosen (then there is nothing to build a bundle from).
pub fn select_including_refused(
    artifact: &Hash,
    target: &DeviceTarget,
    about_artifact: &[LoggedEntry],
    state: &StateRecord,
) -> Result<(Selection, Option<NotInstallable>), Error> {
    let (release_entry, release_ref) = about_artifact
        .iter()
        .find_map(|e| match e.record.record() {
            Record::Release(r) if r.artifact().hash() == artifact => {
                Some((e, (e.index, *e.record.leaf_hash())))
            }
            _ => None,
        })
        .ok_or(Error::ReleaseNotFound)?;
    let refers = |r: &ReleaseRef| (r.index(), *r.leaf_hash()) == release_ref;
    let signer_owners: Vec<&Token> = signed_by(state, &release_entry.record)
        .map(KeyStatus::owner)
        .collect();
    let mut chosen = vec![release_entry.index];
    let mut covering = Vec::new();
    for e in about_artifact {
        match e.record.record() {
            Record::Approval(a) if refers(a.release()) => chosen.push(e.index),
            Record::Rollout(r)
                if refers(r.release())
                    && r.targets().iter().any(|p| p.covers_target(target.as_str())) =>
            {
                covering.push(e);
            }
            _ => {}
        }
    }
    chosen.push(pick_rollout(&covering, state, &signer_owners)?);
    let mut keys = BTreeSet::new();
    for e in about_artifact.iter().filter(|e| chosen.contains(&e.index)) {
        keys.extend(signed_by(state, &e.record).map(|k| k.vkey().clone()));
    }
    // A pause is reported before a revocation, as before this function
    // also returned selections.
    let paused = state
        .paused()
        .iter()
        .find(|(p, _)| p.covers_target(target.as_str()))
        .map(|(pattern, _)| NotInstallable::TargetPaused(pattern.to_string()));
    let revoked = || {
        keys.iter()
            .find(|k| state.revoked().iter().any(|(r, _)| r == *k))
            .map(|k| NotInstallable::KeyRevoked(k.to_string()))
    };
    let refusal = paused.or_else(revoked);
    Ok((
        Selection {
            indexes: chosen.into_iter().collect(),
            keys,
        },
        refusal,
    ))
}

/// The keys in `state` that signed `record`: every key ever enrolled is
/// listed there, so this finds each of its signature lines' keys.
fn signed_by<'a>(
    state: &'a StateRecord,
    record: &'a SignedRecord,
) -> impl Iterator<Item = &'a KeyStatus> {
    state.keys().iter().filter(|k| {
        record
            .note()
            .signatures()
            .iter()
            .any(|s| k.vkey().matches(s))
    })
}

/// The newest of the `covering` rollouts (index order) that a device would
/// accept; if there is none, the newest one's reason, or
/// [`NotInstallable::NoRollout`] when nothing covers the target.
fn pick_rollout(
    covering: &[&LoggedEntry],
    state: &StateRecord,
    signer_owners: &[&Token],
) -> Result<u64, Error> {
    let mut newest_refusal = None;
    for e in covering.iter().rev() {
        match rollout_refusal(e, state, signer_owners) {
            None => return Ok(e.index),
            Some(why) => {
                newest_refusal.get_or_insert(why);
            }
        }
    }
    Err(Error::NotInstallable(
        newest_refusal.unwrap_or(NotInstallable::NoRollout),
    ))
}

/// Why a device would refuse this rollout under `state`, if it would.
fn rollout_refusal(
    rollout: &LoggedEntry,
    state: &StateRecord,
    signer_owners: &[&Token],
) -> Option<NotInstallable> {
    let keys: Vec<&KeyStatus> = signed_by(state, &rollout.record).collect();
    // The log admits only rollouts by enrolled keys; one the state does not
    // know cannot be attributed, so a device could not accept it.
    if keys.is_empty() {
        return Some(NotInstallable::NoRollout);
    }
    for key in keys {
        if state.revoked().iter().any(|(k, _)| k == key.vkey()) {
            return Some(NotInstallable::KeyRevoked(key.vkey().to_string()));
        }
        if state
            .retired()
            .iter()
            .any(|(k, at)| k == key.vkey() && *at < rollout.index)
        {
            return Some(NotInstallable::KeyRetired(key.vkey().to_string()));
        }
        if signer_owners.contains(&key.owner()) {
            return Some(NotInstallable::RolloutBySignerOwner(
                key.owner().to_string(),
            ));
        }
    }
    None
}

/// Whether `entry` is the enrolment record of `vkey`.
pub fn is_enrolment_of(entry: &SignedRecord, vkey: &VerifierKey) -> bool {
    matches!(entry.record(), Record::Key(k)
        if k.action() == sightline_proofs::record::KeyAction::Enrol && k.vkey() == vkey)
}
