//! Quorum evaluation (c2sp.org/tlog-policy "Defining the quorum" and
//! "Defining a witness group", c2sp-digest §6.2).
//!
//! Evaluation runs over abstract witness identities (indexes into the
//! policy's witness list): which witnesses cosigned is decided elsewhere,
//! by verifying cosignatures against the witnesses' keys.

use alloc::vec;
use alloc::vec::Vec;

use super::{Member, Policy, PolicyName};
use crate::ProofsError;
use crate::cosignature::VerifiedCosignature;

/// A group threshold as written in the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    /// Every member must be satisfied (k = n).
    All,
    /// One member suffices (k = 1).
    Any,
    /// At least k members, 1 <= k <= n.
    AtLeast(usize),
}

impl Threshold {
    /// The number of members that must be satisfied in a group of `n`.
    pub fn required(self, n: usize) -> usize {
        match self {
            Self::All => n,
            Self::Any => 1,
            Self::AtLeast(k) => k,
        }
    }
}

/// The outcome of a quorum evaluation that succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumInfo {
    cosigners: Vec<(PolicyName, u64)>,
    quorum_time: Option<u64>,
    newest_time: Option<u64>,
}

impl QuorumInfo {
    /// The policy witnesses whose cosignatures were counted, by label, with
    /// their cosignature times, in policy order.
    pub fn cosigners(&self) -> &[(PolicyName, u64)] {
        &self.cosigners
    }

    /// The quorum time: the largest T such that the cosignatures made at or
    /// after T alone meet the quorum. Equivalently, the oldest cosignature
    /// time in the freshest set of cosignatures that meets the quorum; this
    /// is the time `max-age` is checked against. `None` for `quorum none`.
    pub fn quorum_time(&self) -> Option<u64> {
        self.quorum_time
    }

    /// The newest time among the counted cosignatures (what a device keeps
    /// as its trusted state's time). `None` if no policy witness cosigned.
    pub fn newest_time(&self) -> Option<u64> {
        self.newest_time
    }
}

impl Policy {
    /// Decides whether witnesses that cosigned meet the policy's quorum
    /// (c2sp-digest §6.2, DESIGN §6 step 1).
    ///
    /// `cosigned` lists the witness keys whose cosignatures on the checkpoint
    /// *verified*, each with its cosignature time, as
    /// [`crate::cosignature::verify_cosignatures`] returns them. Keys are matched to the
    /// policy's witnesses by full key equality (name, key ID and public key);
    /// keys the policy does not list are ignored, and a key listed twice
    /// counts once, at its newest time.
    ///
    /// Success does not imply that the cosignatures were checked (the caller
    /// must have verified them, e.g. via [`Policy::verify_checkpoint`]) nor
    /// that they are fresh: see [`Policy::check_max_age`].
    ///
    /// # Errors
    /// [`ProofsError::QuorumNotMet`] if the quorum is not met.
    ///
    /// # Panics
    /// Never.
    pub fn evaluate_quorum(
        &self,
        cosigned: &[VerifiedCosignature],
    ) -> Result<QuorumInfo, ProofsError> {
        // Each policy witness's newest verified cosignature time, if any.
        let mut times: Vec<Option<u64>> = vec![None; self.witnesses.len()];
        for c in cosigned {
            let found = self.witnesses.iter().position(|w| &w.key == c.key());
            if let Some(slot) = found.and_then(|i| times.get_mut(i)) {
                *slot = Some(slot.map_or(c.time(), |t| t.max(c.time())));
            }
        }
        let cosigners: Vec<(PolicyName, u64)> = self
            .witnesses
            .iter()
            .zip(&times)
            .filter_map(|(w, t)| t.map(|t| (w.name.clone(), t)))
            .collect();
        let newest_time = times.iter().flatten().copied().max();

        let Some(quorum) = self.quorum_ref else {
            // `quorum none`: no cosignature is required, so none is counted
            // towards freshness either.
            return Ok(QuorumInfo {
                cosigners,
                quorum_time: None,
                newest_time,
            });
        };

        // Try cut-off times from the newest down: the first cut-off at which
        // the cosignatures at or after it meet the quorum is the quorum time.
        // Adding older cosignatures never breaks a met quorum (thresholds are
        // monotone), so the first hit is the largest such time.
        let mut candidates: Vec<u64> = times.iter().flatten().copied().collect();
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        candidates.dedup();
        for cut in candidates {
            let present: Vec<bool> = times.iter().map(|t| t.is_some_and(|t| t >= cut)).collect();
            if self.quorum_met(quorum, &present) {
                return Ok(QuorumInfo {
                    cosigners,
                    quorum_time: Some(cut),
                    newest_time,
                });
            }
        }
        Err(ProofsError::QuorumNotMet)
    }

    /// Checks the freshness rule of DESIGN §6 step 1: the quorum time of
    /// `info` must be no more than the policy's `max-age` seconds before
    /// `now` (POSIX seconds, supplied by the caller).
    ///
    /// Cosignature times after `now` are accepted (a device's clock may lag;
    /// c2sp-digest §3.1 makes rejecting them optional). Success does not
    /// imply that the checkpoint is newer than the device's trusted state:
    /// the caller compares `info.newest_time()` with it.
    ///
    /// # Errors
    /// [`ProofsError::NoCosignatureTime`] when the quorum is `none` (nothing
    /// proves freshness), [`ProofsError::CheckpointTooOld`] when the quorum
    /// time is too old.
    ///
    /// # Panics
    /// Never.
    pub fn check_max_age(&self, info: &QuorumInfo, now: u64) -> Result<(), ProofsError> {
        let time = info.quorum_time.ok_or(ProofsError::NoCosignatureTime)?;
        if now.saturating_sub(time) > self.max_age {
            return Err(ProofsError::CheckpointTooOld {
                time,
                now,
                max_age: self.max_age,
            });
        }
        Ok(())
    }

    /// Whether the quorum member is satisfied when exactly the witnesses with
    /// `present[i]` have cosigned.
    fn quorum_met(&self, quorum: Member, present: &[bool]) -> bool {
        // Groups only refer to names defined before them, so evaluating them
        // in definition order sees every member's result already computed:
        // no recursion and no cycles.
        let mut satisfied: Vec<bool> = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let count = group
                .resolved
                .iter()
                .filter(|m| member_met(**m, present, &satisfied))
                .count();
            satisfied.push(count >= group.required());
        }
        member_met(quorum, present, &satisfied)
    }
}

/// Looks up a member's result; out-of-range indexes (impossible for a built
/// policy) count as unsatisfied rather than panicking.
fn member_met(member: Member, present: &[bool], groups: &[bool]) -> bool {
    match member {
        Member::Witness(i) => present.get(i).copied().unwrap_or(false),
        Member::Group(i) => groups.get(i).copied().unwrap_or(false),
    }
}
