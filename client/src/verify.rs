//! [`verify_release`]: the one decision a device makes before installing a
//! release (DESIGN §6).

mod head;
mod keys;

use alloc::string::ToString as _;
use alloc::vec::Vec;

use sightline_proofs::bundle::Bundle;
use sightline_proofs::note::{SignatureBatch, SignatureCheck};
use sightline_proofs::record::{KeyRole, Record, Release, ReleaseRef, SignedRecord};
use sightline_proofs::{Policy, ProofsError};

use crate::accepted::{Accepted, Attribution};
use crate::trusted_state::TrustedCheckpoint;
use crate::{MeasuredArtifact, TrustedState, VerifyError};
pub(crate) use keys::KeyUse;
use keys::check_key;

/// A bundle entry parsed as a record.
pub(crate) struct Logged {
    /// Its log index.
    pub(crate) index: u64,
    /// The parsed entry.
    pub(crate) record: SignedRecord,
}

/// Decides whether the device may install `artifact`, given the release
/// `bundle` it was delivered with, the device's `policy`, the current time
/// `now` (POSIX seconds, from the caller: this crate reads no clock) and the
/// device's `trusted` state.
///
/// Spec: DESIGN §6 (every step below), §7 (bundle), c2sp-digest §6.1–6.2
/// (checkpoint and quorum). The checks run in this fixed order, and the
/// first that fails is returned:
///
/// 1. **Checkpoint.** The bundle's checkpoint names a policy log and is
///    signed by its key; every cosignature line from a policy witness
///    verifies; the verified witnesses meet the quorum; the quorum time is at
///    most `max-age` before `now`; and against `trusted`: same origin, size
///    not smaller, same root if the size is equal, newest cosignature time
///    not older.
/// 2. **Inclusion.** Every bundle entry is in that checkpoint's tree; then
///    every entry must parse as a signed record.
/// 3. **Release.** Exactly one release in the bundle has the artifact's
///    digest; its `size` equals the measured length; one of its targets
///    covers the policy's device target.
/// 4. **Keys**, for the release, then each approval of it, then each rollout
///    of it (in index order): one signature line, by a key whose enrolment
///    record is in the bundle at a lower index, signed by `root-threshold`
///    policy roots, with the role the record needs (signer, approver,
///    operator) and scopes covering every target the record concerns (the
///    release's targets; a rollout's own targets), not expired at the
///    record's `issued` time. Approvals and rollouts that name the release's
///    index must also carry its leaf hash.
/// 5. **Approvals.** At least `approvals` approvals counted, each from a
///    distinct key and a distinct owner, none owned by the signer's owner.
/// 6. **Rollout.** A rollout of this release covering the device target,
///    by an operator whose owner is not the signer's owner.
/// 7. **State.** The bundle's state entry is at index n−1 of the checkpoint,
///    states that index, and is signed by the log key alone; no key from
///    step 4 is revoked, none was retired before a record it signed, and no
///    paused pattern covers the device target.
/// 8. **Version.** The release is newer (semver precedence) than the version
///    installed for the device target, unless the policy allows downgrade.
///
/// On success, [`Accepted`] says who signed, approved and rolled out the
/// release, and carries the new trusted state (this checkpoint and the
/// release's version as installed) for the caller to persist.
///
/// Acceptance does **not** imply that the checkpoint is consistent with the
/// trusted one (the bundle carries no consistency proof: the witnesses
/// attest that the log is append-only); that the log is honest about
/// anything not in the bundle (entries it left out are found by monitors,
/// not devices); that the release's `issued` time or the log's clock were
/// right; that the artifact is safe to run; or that installing it will
/// succeed.
///
/// # Errors
/// The [`VerifyError`] variant of the first failed check, each documented
/// with its step; [`VerifyError::Parse`] or [`VerifyError::MalformedEntry`]
/// for input that does not parse.
///
/// # Panics
/// Never.
///
/// # Signatures
/// The checks first run with every Ed25519 signature queued rather than
/// checked, then the queue is verified as one batch (about half the cost;
/// see [`SignatureBatch`] for what the batch refuses up front). If the batch
/// verifies, the first run's answer stands: every signature it relied on is
/// valid, so checking them one by one would have taken the same path. If
/// not, the checks run again with `verify_strict` one signature at a time,
/// so that the refusal names the first check that fails, as above.
pub fn verify_release(
    artifact: &MeasuredArtifact,
    bundle: &Bundle,
    policy: &Policy,
    now: u64,
    trusted: &TrustedState,
) -> Result<Accepted, VerifyError> {
    let mut batch = SignatureBatch::new();
    let provisional = decide(
        artifact,
        bundle,
        policy,
        now,
        trusted,
        &mut SignatureCheck::Deferred(&mut batch),
    );
    if batch.verify().is_ok() {
        return provisional;
    }
    decide(
        artifact,
        bundle,
        policy,
        now,
        trusted,
        &mut SignatureCheck::Strict,
    )
}

/// Runs the checks of [`verify_release`] in order, each signature checked
/// as `check` says.
fn decide(
    artifact: &MeasuredArtifact,
    bundle: &Bundle,
    policy: &Policy,
    now: u64,
    trusted: &TrustedState,
    check: &mut SignatureCheck<'_>,
) -> Result<Accepted, VerifyError> {
    // Step 1.
    let head = head::check_head(bundle.checkpoint_note(), policy, now, trusted, check)?;

    // Step 2. Inclusion before parsing: nothing in an unproven entry is read.
    bundle
        .verify_inclusions(&head.checkpoint.root_hash())
        .map_err(|e| match e {
            ProofsError::BundleEntryNotIncluded { index, error } => {
                VerifyError::NotIncluded { index, error }
            }
            other => VerifyError::Parse(other),
        })?;
    let entries = parse_entries(bundle)?;

    // Step 3.
    let (release_entry, release) = find_release(&entries, artifact)?;
    if release.size() != artifact.size() {
        return Err(VerifyError::SizeMismatch {
            expected: release.size(),
            actual: artifact.size(),
        });
    }
    let target = policy.target().as_str();
    if !release.targets().iter().any(|p| p.covers_target(target)) {
        return Err(VerifyError::TargetNotCovered {
            target: target.to_string(),
        });
    }

    // Step 4, which also gathers what steps 5 to 7 need.
    let release_ref = ReleaseRef::new(release_entry.index, *release_entry.record.leaf_hash())?;
    let signer = check_key(
        &entries,
        policy,
        release_entry.index,
        &release_entry.record,
        KeyRole::Signer,
        release.targets(),
        check,
    )?;
    let mut approvals: Vec<KeyUse> = Vec::new();
    let mut rollouts: Vec<(KeyUse, bool)> = Vec::new();
    for e in &entries {
        match e.record.record() {
            Record::Approval(a) if refers_to(a.release(), &release_ref, e.index)? => {
                let key = check_key(
                    &entries,
                    policy,
                    e.index,
                    &e.record,
                    KeyRole::Approver,
                    release.targets(),
                    check,
                )?;
                approvals.push(key);
            }
            Record::Rollout(r) if refers_to(r.release(), &release_ref, e.index)? => {
                let key = check_key(
                    &entries,
                    policy,
                    e.index,
                    &e.record,
                    KeyRole::Operator,
                    r.targets(),
                    check,
                )?;
                let covers = r.targets().iter().any(|p| p.covers_target(target));
                rollouts.push((key, covers));
            }
            _ => {}
        }
    }

    // Step 5.
    let approvers = count_approvals(&signer, &approvals, policy.approvals())?;

    // Step 6.
    let rollout = pick_rollout(&signer, &rollouts, target)?;

    // Step 7.
    let involved = core::iter::once(&signer)
        .chain(&approvals)
        .chain(rollouts.iter().map(|(k, _)| k));
    check_state(&entries, &head, involved, target, check)?;

    // Step 8.
    if let Some(installed) = trusted.installed(policy.target()) {
        let newer = release.version().cmp_precedence(installed) == core::cmp::Ordering::Greater;
        if !newer && !policy.allow_downgrade() {
            return Err(VerifyError::NotNewer {
                offered: release.version().to_string(),
                installed: installed.to_string(),
            });
        }
    }

    let mut new_state = trusted.clone();
    new_state.set_checkpoint(TrustedCheckpoint::new(
        head.checkpoint.origin().clone(),
        head.checkpoint.size(),
        head.checkpoint.root(),
        head.newest,
    )?);
    new_state.set_installed(policy.target().clone(), release.version().clone());
    Ok(Accepted {
        release_index: release_entry.index,
        release: release.clone(),
        signer: Attribution::from(&signer),
        approvers: approvers.into_iter().map(Attribution::from).collect(),
        rollout: Attribution::from(rollout),
        checkpoint: head.checkpoint,
        cosigners: head.quorum.cosigners().to_vec(),
        trusted: new_state,
    })
}

/// Parses every entry as a signed record.
fn parse_entries(bundle: &Bundle) -> Result<Vec<Logged>, VerifyError> {
    bundle
        .entries()
        .iter()
        .map(|e| {
            SignedRecord::parse(e.bytes())
                .map(|record| Logged {
                    index: e.index(),
                    record,
                })
                .map_err(|error| VerifyError::MalformedEntry {
                    index: e.index(),
                    error,
                })
        })
        .collect()
}

/// The one release with the artifact's digest.
fn find_release<'a>(
    entries: &'a [Logged],
    artifact: &MeasuredArtifact,
) -> Result<(&'a Logged, &'a Release), VerifyError> {
    let mut found: Option<(&Logged, &Release)> = None;
    for e in entries {
        if let Record::Release(r) = e.record.record() {
            if r.artifact() != artifact.digest() {
                continue;
            }
            if let Some((first, _)) = found {
                return Err(VerifyError::AmbiguousRelease {
                    first: first.index,
                    second: e.index,
                });
            }
            found = Some((e, r));
        }
    }
    found.ok_or_else(|| VerifyError::ReleaseNotFound {
        artifact: artifact.digest().to_string(),
    })
}

/// Whether a reference names this release. A reference to its index with
/// another leaf hash is refused rather than ignored: it names a different
/// entry at that index, which an honest log never admits.
fn refers_to(r: &ReleaseRef, release: &ReleaseRef, index: u64) -> Result<bool, VerifyError> {
    if r.index() != release.index() {
        return Ok(false);
    }
    if r.leaf_hash() != release.leaf_hash() {
        return Err(VerifyError::ReleaseRefMismatch { index });
    }
    Ok(true)
}

/// Step 5: counts approvals from distinct keys and owners other than the
/// signer's owner. Approvals that do not count are skipped rather than
/// refused, so one careless duplicate cannot block a release that has
/// enough good approvals; if too few count, the refusal names the first
/// approval that did not.
fn count_approvals<'a>(
    signer: &KeyUse,
    approvals: &'a [KeyUse],
    required: usize,
) -> Result<Vec<&'a KeyUse>, VerifyError> {
    let mut counted: Vec<&KeyUse> = Vec::new();
    let mut first_skipped: Option<VerifyError> = None;
    for a in approvals {
        let skipped = if a.owner == signer.owner {
            Some(VerifyError::ApprovalBySignerOwner {
                index: a.index,
                owner: a.owner.to_string(),
            })
        } else if counted.iter().any(|c| c.vkey == a.vkey) {
            Some(VerifyError::DuplicateApprover { index: a.index })
        } else if counted.iter().any(|c| c.owner == a.owner) {
            Some(VerifyError::DuplicateApproverOwner {
                index: a.index,
                owner: a.owner.to_string(),
            })
        } else {
            None
        };
        match skipped {
            Some(e) => {
                first_skipped.get_or_insert(e);
            }
            None => counted.push(a),
        }
    }
    if counted.len() < required {
        return Err(first_skipped.unwrap_or(VerifyError::TooFewApprovals {
            got: counted.len(),
            required,
        }));
    }
    Ok(counted)
}

/// Step 6: the first rollout covering the target by an operator whose owner
/// is not the signer's owner.
fn pick_rollout<'a>(
    signer: &KeyUse,
    rollouts: &'a [(KeyUse, bool)],
    target: &str,
) -> Result<&'a KeyUse, VerifyError> {
    let mut by_signer_owner: Option<&KeyUse> = None;
    for (key, covers) in rollouts {
        if !covers {
            continue;
        }
        if key.owner == signer.owner {
            by_signer_owner.get_or_insert(key);
            continue;
        }
        return Ok(key);
    }
    Err(match by_signer_owner {
        Some(k) => VerifyError::RolloutBySignerOwner {
            index: k.index,
            owner: k.owner.to_string(),
        },
        None => VerifyError::NoRollout {
            target: target.to_string(),
        },
    })
}

/// Step 7: the state entry at n−1, and what it says about the keys and the
/// target.
fn check_state<'a>(
    entries: &[Logged],
    head: &head::CheckedHead,
    involved: impl Iterator<Item = &'a KeyUse>,
    target: &str,
    check: &mut SignatureCheck<'_>,
) -> Result<(), VerifyError> {
    // The bundle passed step 2, so the tree holds at least one entry.
    let last = head.checkpoint.size().saturating_sub(1);
    let mut state = None;
    for e in entries {
        if let Record::State(s) = e.record.record() {
            if e.index != last {
                return Err(VerifyError::StateEntryNotLast {
                    index: e.index,
                    last,
                });
            }
            state = Some((e, s));
        }
    }
    let (entry, stated) = state.ok_or(VerifyError::MissingStateEntry)?;
    if stated.index() != entry.index {
        return Err(VerifyError::StateIndexMismatch {
            stated: stated.index(),
            actual: entry.index,
        });
    }
    // Exactly the log's one line: anyone could add lines to a state entry
    // otherwise, and only the log speaks for the state.
    match entry.record.note().signatures() {
        [sig] if head.log_key.matches(sig) => {}
        _ => {
            return Err(VerifyError::StateSignature(
                ProofsError::StateNotSignedByLog,
            ));
        }
    }
    entry
        .record
        .note()
        .verify_with(core::slice::from_ref(&head.log_key), check)
        .map_err(VerifyError::StateSignature)?;

    for key in involved {
        if let Some((_, at)) = stated.revoked().iter().find(|(k, _)| *k == key.vkey) {
            return Err(VerifyError::KeyRevoked {
                index: key.index,
                revoked_at: *at,
            });
        }
        if let Some((_, at)) = stated
            .retired()
            .iter()
            .find(|(k, at)| *k == key.vkey && *at < key.index)
        {
            return Err(VerifyError::KeyRetired {
                index: key.index,
                retired_at: *at,
            });
        }
    }
    if let Some((pattern, at)) = stated
        .paused()
        .iter()
        .find(|(p, _)| p.covers_target(target))
    {
        return Err(VerifyError::TargetPaused {
            pattern: pattern.as_str().to_string(),
            paused_at: *at,
        });
    }
    Ok(())
}
