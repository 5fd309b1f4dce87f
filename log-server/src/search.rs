//! Which search index rows an admitted entry gets (DESIGN §5,
//! `/v1/search`). Pure: the caller passes the state before the entry is
//! applied and the releases it may reference.

use std::collections::BTreeMap;

use sightline_proofs::record::Record;
use sightline_proofs::state::{Admitted, LogState, LoggedRelease};

use crate::storage::{SearchRow, SearchTerm};

/// The rows for `admitted` at `index`: the artifact it is about (releases,
/// and approvals and rollouts through the release they reference), every
/// key that signed it and their owners, and the subject key and owner of a
/// key record. Sorted and without duplicates.
pub fn search_rows(
    admitted: &Admitted,
    index: u64,
    state: &LogState,
    releases: &BTreeMap<u64, LoggedRelease>,
) -> Vec<SearchRow> {
    let mut terms = Vec::new();
    match admitted.record() {
        Record::Release(r) => terms.push(SearchTerm::Artifact(*r.artifact().hash())),
        Record::Approval(a) => {
            if let Some(logged) = releases.get(&a.release().index()) {
                terms.push(SearchTerm::Artifact(*logged.release().artifact().hash()));
            }
        }
        Record::Rollout(r) => {
            if let Some(logged) = releases.get(&r.release().index()) {
                terms.push(SearchTerm::Artifact(*logged.release().artifact().hash()));
            }
        }
        Record::Key(k) => {
            terms.push(SearchTerm::Key(k.vkey().to_string()));
            terms.push(SearchTerm::Owner(k.owner().as_str().to_owned()));
        }
        Record::Pause(_) | Record::Resume(_) | Record::State(_) => {}
    }
    for signer in admitted.signers() {
        terms.push(SearchTerm::Key(signer.to_string()));
        if let Some(status) = state.key(signer) {
            terms.push(SearchTerm::Owner(status.owner().as_str().to_owned()));
        }
    }
    terms.sort();
    terms.dedup();
    terms
        .into_iter()
        .map(|term| SearchRow { term, index })
        .collect()
}
