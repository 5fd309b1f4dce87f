//! `sightline monitor`: follows a log and reports every violation of the
//! rules it can see (issue #6 item 3): checkpoints that do not extend the
//! previous one, records the admission rules refuse, state entries that
//! misstate the replayed state, and releases by unexpected owners.
//!
//! [`check`] runs one step from a saved position to the log's current
//! checkpoint; the command loops over it and saves the position between
//! steps ([`state_file`]).

pub mod alert;
pub mod state_file;

use std::collections::BTreeMap;

use sightline_proofs::record::Record;
use sightline_proofs::state::LogState;
use sightline_proofs::{Hash, Policy, TileBuilder, leaf_hash};

pub use alert::{Alert, AlertKind};
pub use state_file::SavedPosition;

use crate::tlog::fetch::{Consistency, check_consistency, for_each_entry};
use crate::tlog::{self, LogClient, Replay, Step, ToolError};

/// What the monitor checks beyond the admission rules.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    /// Owners allowed to sign releases; empty allows every owner.
    pub owners: Vec<String>,
}

/// The outcome of one step.
#[derive(Debug)]
pub struct Checked {
    /// The position to save: the new checkpoint when it was consistent,
    /// else the old one.
    pub position: SavedPosition,
    /// The violations seen, in log order.
    pub alerts: Vec<Alert>,
    /// How many entries were read.
    pub read: u64,
}

/// Follows the log from `saved` (or from its start) to its current
/// checkpoint: verifies the checkpoint under `policy` and its consistency
/// with the saved one, fetches and authenticates the new entries, and
/// replays them. `progress(done, total)` is called as entries arrive.
///
/// # Errors
/// Transport errors; [`ToolError::Checkpoint`] if the checkpoint (or the
/// saved one) does not verify under the policy; tile and entry errors if
/// the log serves data that does not match its checkpoint.
pub fn check(
    client: &LogClient,
    policy: &Policy,
    saved: Option<SavedPosition>,
    expect: &Expectations,
    mut progress: impl FnMut(u64, u64),
) -> Result<Checked, ToolError> {
    let (verified, note, log_key) = tlog::fetch_checkpoint(client, policy)?;
    let new_root = verified.root_hash();
    let saved = match saved {
        Some(saved) => {
            // The saved checkpoint must still verify: a file edited by hand
            // must not move the monitor onto another log.
            policy
                .verify_checkpoint(&saved.checkpoint_note)
                .map_err(ToolError::Checkpoint)?;
            Some(saved)
        }
        None => None,
    };
    let (from, tree, state, releases) = match saved {
        Some(saved) => {
            let old_root = saved.checkpoint.root_hash();
            match check_consistency(client, &old_root, &new_root) {
                Ok(()) => {}
                Err(Consistency::Inconsistent(e)) => {
                    let alert = Alert {
                        alert: AlertKind::InconsistentCheckpoint,
                        index: new_root.size(),
                        detail: format!(
                            "checkpoint of size {} does not extend the verified one of size {}: {e}",
                            new_root.size(),
                            old_root.size()
                        ),
                    };
                    return Ok(Checked {
                        position: saved,
                        alerts: vec![alert],
                        read: 0,
                    });
                }
                Err(Consistency::Unavailable(e)) => return Err(e),
            }
            (old_root.size(), saved.tree, saved.state, saved.releases)
        }
        None => (0, TileBuilder::new(), LogState::new(), BTreeMap::new()),
    };
    let mut tree = tree;
    let total = new_root.size() - from;
    let mut replay = Replay::new(
        policy.roots().to_vec(),
        policy.root_threshold(),
        log_key,
        state,
        releases,
    )?;
    // Replay bundle by bundle so that memory stays bounded; nothing derived
    // here is reported or saved unless the entries rebuild the signed root.
    let mut alerts = Vec::new();
    progress(0, total);
    for_each_entry(
        client,
        from,
        new_root.size(),
        new_root.size(),
        |first, entries| {
            let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
            tree.append(&leaves)
                .map_err(|_| ToolError::EntriesMismatch {
                    size: new_root.size(),
                })?;
            for (index, entry) in (first..).zip(entries) {
                let step = replay.step(index, entry);
                alerts.extend(judge(index, step, &replay, expect));
            }
            progress(first + entries.len() as u64 - from, total);
            Ok(())
        },
    )?;
    if tree.root() != new_root {
        return Err(ToolError::EntriesMismatch {
            size: new_root.size(),
        });
    }
    let checkpoint = verified.checkpoint().clone();
    Ok(Checked {
        position: SavedPosition {
            checkpoint_note: note,
            checkpoint,
            state: replay.state().clone(),
            releases: replay.releases().clone(),
            tree,
        },
        alerts,
        read: total,
    })
}

/// The alert, if any, for one replayed entry.
fn judge(index: u64, step: Step, replay: &Replay, expect: &Expectations) -> Option<Alert> {
    let (alert, detail) = match step {
        Step::State(_) => return None,
        Step::StateMismatch(e) => (AlertKind::StateMismatch, e.to_string()),
        Step::Inadmissible(e) => (AlertKind::InadmissibleRecord, e.to_string()),
        Step::Admitted(admitted) => {
            let Record::Release(release) = admitted.record() else {
                return None;
            };
            if expect.owners.is_empty() {
                return None;
            }
            let signer = admitted.signers().first()?;
            let owner = replay.state().key(signer)?.owner().as_str();
            if expect.owners.iter().any(|o| o == owner) {
                return None;
            }
            (
                AlertKind::UnexpectedOwner,
                format!(
                    "release {} {} of {} signed by {signer} of owner {owner}, not an expected owner",
                    release.name(),
                    release.version(),
                    release.artifact()
                ),
            )
        }
    };
    Some(Alert {
        alert,
        index,
        detail,
    })
}
