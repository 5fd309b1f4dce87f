//! [`Accepted`]: what a device learns when it accepts a release, for its
//! logs and for its trusted state.

use alloc::vec::Vec;

use sightline_proofs::checkpoint::Checkpoint;
use sightline_proofs::note::VerifierKey;
use sightline_proofs::policy::PolicyName;
use sightline_proofs::record::{Release, Token};

use crate::TrustedState;

/// Who is accountable for one record: the key that signed it and the owner
/// its enrolment names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    /// The record's log index.
    index: u64,
    /// The key that signed it.
    key: VerifierKey,
    /// The key's owner.
    owner: Token,
    /// The index of the key's enrolment record.
    enrolled_at: u64,
}

impl Attribution {
    /// The record's log index.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The key that signed the record.
    pub const fn key(&self) -> &VerifierKey {
        &self.key
    }

    /// The key's owner, as enrolled.
    pub const fn owner(&self) -> &Token {
        &self.owner
    }

    /// The index of the key's enrolment record.
    pub const fn enrolled_at(&self) -> u64 {
        self.enrolled_at
    }
}

impl From<&crate::verify::KeyUse> for Attribution {
    fn from(k: &crate::verify::KeyUse) -> Self {
        Self {
            index: k.index,
            key: k.vkey.clone(),
            owner: k.owner.clone(),
            enrolled_at: k.enrolled_at,
        }
    }
}

/// A release the device may install. Only [`crate::verify_release`] makes
/// one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub(crate) release_index: u64,
    pub(crate) release: Release,
    pub(crate) signer: Attribution,
    pub(crate) approvers: Vec<Attribution>,
    pub(crate) rollout: Attribution,
    pub(crate) checkpoint: Checkpoint,
    pub(crate) cosigners: Vec<(PolicyName, u64)>,
    pub(crate) trusted: TrustedState,
}

impl Accepted {
    /// The release entry's log index.
    pub const fn release_index(&self) -> u64 {
        self.release_index
    }

    /// The release record (name, version, targets, issued).
    pub const fn release(&self) -> &Release {
        &self.release
    }

    /// Who signed the release.
    pub const fn signer(&self) -> &Attribution {
        &self.signer
    }

    /// The approvals counted towards the policy's `approvals`.
    pub fn approvers(&self) -> &[Attribution] {
        &self.approvers
    }

    /// The rollout that covers the device's target.
    pub const fn rollout(&self) -> &Attribution {
        &self.rollout
    }

    /// The checkpoint the bundle was verified against.
    pub const fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The policy witnesses whose cosignatures counted, with their times.
    pub fn cosigners(&self) -> &[(PolicyName, u64)] {
        &self.cosigners
    }

    /// The trusted state to persist once the release is accepted.
    pub const fn trusted_state(&self) -> &TrustedState {
        &self.trusted
    }

    /// Consumes the acceptance, keeping the new trusted state.
    pub fn into_trusted_state(self) -> TrustedState {
        self.trusted
    }
}
