//! Replaying a log's entries through the admission rules (DESIGN §4): each
//! record must be admissible against the state replayed before it, and
//! each state entry must state exactly that state.
//!
//! The rules themselves are [`LogState::admit`], [`LogState::apply`] and
//! [`LogState::verify_state_entry`]; this module feeds them in log order
//! and remembers the logged releases that approvals and rollouts refer to.

use std::collections::BTreeMap;

use sightline_proofs::ProofsError;
use sightline_proofs::note::VerifierKey;
use sightline_proofs::record::{Record, SignedRecord, StateRecord};
use sightline_proofs::state::{AdmissionRules, Admitted, LogState, LoggedRelease};

use super::ToolError;

/// What one entry turned out to be.
#[derive(Debug)]
pub enum Step {
    /// A record that passed admission and was applied.
    Admitted(Box<Admitted>),
    /// A state entry that states the replayed state.
    State(StateRecord),
    /// A record (or malformed entry) the admission rules refuse; the
    /// replayed state is unchanged.
    Inadmissible(ProofsError),
    /// A state entry that differs from the replayed state (or is not signed
    /// by the log); the replayed state is kept.
    StateMismatch(ProofsError),
}

/// The state replayed so far and the releases logged so far.
#[derive(Debug, Clone)]
pub struct Replay {
    rules: AdmissionRules,
    log_vkey: VerifierKey,
    state: LogState,
    releases: BTreeMap<u64, LoggedRelease>,
}

impl Replay {
    /// Starts from `state` and `releases` (an empty log: both empty),
    /// under the root keys and threshold of the policy.
    ///
    /// The log's clock at admission is not observable, so `issued` is not
    /// checked against it: the clock skew is unbounded here.
    ///
    /// # Errors
    /// [`ToolError::PolicyRoots`] if the roots cannot form admission rules.
    pub fn new(
        roots: Vec<VerifierKey>,
        root_threshold: usize,
        log_vkey: VerifierKey,
        state: LogState,
        releases: BTreeMap<u64, LoggedRelease>,
    ) -> Result<Self, ToolError> {
        let rules =
            AdmissionRules::new(roots, root_threshold, u64::MAX).map_err(ToolError::PolicyRoots)?;
        Ok(Self {
            rules,
            log_vkey,
            state,
            releases,
        })
    }

    /// The replayed key and pause state.
    pub fn state(&self) -> &LogState {
        &self.state
    }

    /// The releases logged so far, by index.
    pub fn releases(&self) -> &BTreeMap<u64, LoggedRelease> {
        &self.releases
    }

    /// Replays the entry at `index`; entries must come in log order.
    pub fn step(&mut self, index: u64, entry: &[u8]) -> Step {
        let signed = match SignedRecord::parse(entry) {
            Ok(signed) => signed,
            Err(e) => return Step::Inadmissible(e),
        };
        if let Record::State(_) = signed.record() {
            return match self.state.verify_state_entry(index, entry, &self.log_vkey) {
                Ok(stated) => Step::State(stated),
                Err(e) => Step::StateMismatch(e),
            };
        }
        // `now` is irrelevant with an unbounded skew.
        let admitted = match self
            .state
            .admit(entry, index, 0, &self.rules, &self.releases)
        {
            Ok(admitted) => admitted,
            Err(e) => return Step::Inadmissible(e),
        };
        if let Err(e) = self.state.apply(index, &admitted) {
            return Step::Inadmissible(e);
        }
        if let Record::Release(release) = admitted.record() {
            self.releases.insert(
                index,
                LoggedRelease::new(*signed.leaf_hash(), release.clone()),
            );
        }
        Step::Admitted(Box::new(admitted))
    }
}
