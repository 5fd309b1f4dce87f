//! Step 4 of DESIGN §6: the key that signed a record is enrolled, by a
//! threshold of the policy's roots, with the right role and scope, and had
//! not expired when the record was issued.
//!
//! The device does not trust the log's admission: a compromised log could
//! append anything, and the witnesses only attest that the log is
//! append-only. So every rule that matters to the device is checked again
//! here, against enrolment records proven in the same checkpoint.

use alloc::string::ToString as _;
use alloc::vec::Vec;

use sightline_proofs::note::{SignatureCheck, VerifierKey};
use sightline_proofs::record::{
    Enrolment, KeyAction, KeyRole, Pattern, Record, SignedRecord, Token,
};
use sightline_proofs::{Policy, ProofsError};

use super::Logged;
use crate::VerifyError;

/// A key that passed step 4 for one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyUse {
    /// The record it signed.
    pub(crate) index: u64,
    /// The key.
    pub(crate) vkey: VerifierKey,
    /// The key's owner, from its enrolment.
    pub(crate) owner: Token,
    /// The enrolment record's index.
    pub(crate) enrolled_at: u64,
}

/// One enrolment record found in the bundle.
struct Found<'a> {
    /// Its index.
    index: u64,
    /// The entry (for its root signatures).
    entry: &'a SignedRecord,
    /// The key it enrols.
    vkey: &'a VerifierKey,
    /// Role and owner.
    role: KeyRole,
    /// Owner.
    owner: &'a Token,
    /// Scopes and expiry.
    enrolment: &'a Enrolment,
}

/// Checks the key behind the record at `index`: it must be enrolled for
/// `role` with scopes covering every one of `targets`.
pub(crate) fn check_key(
    entries: &[Logged],
    policy: &Policy,
    index: u64,
    record: &SignedRecord,
    role: KeyRole,
    targets: &[Pattern],
    check: &mut SignatureCheck<'_>,
) -> Result<KeyUse, VerifyError> {
    // One signature line: a record is attributed to exactly one key.
    let [sig] = record.note().signatures() else {
        return Err(VerifyError::SignatureCount {
            index,
            count: record.note().signatures().len(),
        });
    };
    let candidates: Vec<Found<'_>> = entries
        .iter()
        .filter_map(|e| match e.record.record() {
            Record::Key(k) if k.action() == KeyAction::Enrol && k.vkey().matches(sig) => {
                k.enrolment().map(|enrolment| Found {
                    index: e.index,
                    entry: &e.record,
                    vkey: k.vkey(),
                    role: k.role(),
                    owner: k.owner(),
                    enrolment,
                })
            }
            _ => None,
        })
        .collect();
    if candidates.is_empty() {
        return Err(VerifyError::KeyNotEnrolled { index });
    }
    let keys: Vec<VerifierKey> = candidates.iter().map(|c| c.vkey.clone()).collect();
    let verified = record
        .note()
        .verify_with(&keys, check)
        .map_err(|error| VerifyError::RecordSignature { index, error })?;
    // Entries are in index order, so this is the key's first enrolment.
    let found = verified
        .first()
        .and_then(|v| candidates.iter().find(|c| c.vkey == v))
        .ok_or(VerifyError::KeyNotEnrolled { index })?;

    if found.index >= index {
        return Err(VerifyError::EnrolledAfterRecord {
            index,
            enrolment: found.index,
        });
    }
    check_roots(found, policy, check)?;
    if found.role != role {
        return Err(VerifyError::KeyWrongRole {
            index,
            expected: role.as_str(),
            got: found.role.as_str(),
        });
    }
    if let Some(t) = targets.iter().find(|t| !found.enrolment.covers(t)) {
        return Err(VerifyError::KeyOutOfScope {
            index,
            target: t.as_str().to_string(),
        });
    }
    // `expires` is exclusive: the key signs nothing issued at or after it.
    let issued = record.record().issued().as_unix();
    let expires = found.enrolment.expires().as_unix();
    if issued >= expires {
        return Err(VerifyError::KeyExpired {
            index,
            expires,
            issued,
        });
    }
    Ok(KeyUse {
        index,
        vkey: found.vkey.clone(),
        owner: found.owner.clone(),
        enrolled_at: found.index,
    })
}

/// The enrolment must carry valid signatures from at least `root-threshold`
/// distinct policy roots; lines from other keys are ignored.
fn check_roots(
    found: &Found<'_>,
    policy: &Policy,
    check: &mut SignatureCheck<'_>,
) -> Result<(), VerifyError> {
    let required = policy.root_threshold();
    let signed = match found.entry.note().verify_with(policy.roots(), check) {
        Ok(roots) => roots.len(),
        Err(ProofsError::NoteUnverified) => 0,
        Err(error) => {
            return Err(VerifyError::EnrolmentRootSignature {
                index: found.index,
                error,
            });
        }
    };
    if signed < required {
        return Err(VerifyError::EnrolmentRootThreshold {
            index: found.index,
            signed,
            required,
        });
    }
    Ok(())
}
