//! A log's replayed history, indexed for attribution: every admitted
//! record with the keys that signed it, the state entries' times (which
//! give each entry its integration time), and each key's enrolment,
//! retirement and revocation.

use std::collections::BTreeMap;

use sightline_proofs::note::VerifierKey;
use sightline_proofs::record::{KeyAction, Record, Timestamp};
use sightline_proofs::state::Admitted;

use crate::tlog::{Replay, Step};

/// One admitted entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its log index.
    pub index: u64,
    /// The record and its signers.
    pub admitted: Admitted,
}

/// Everything replayed from a log up to one checkpoint.
#[derive(Debug, Clone)]
pub struct History {
    /// Admitted entries, in log order.
    entries: Vec<Entry>,
    /// State entries: index → stated time.
    states: BTreeMap<u64, Timestamp>,
    /// Entries the replay refused, with the reason (a misbehaving log).
    refused: Vec<(u64, String)>,
    /// Key enrolments: vkey → position in `entries`.
    enrolled: BTreeMap<VerifierKey, usize>,
    /// Retirements: vkey → position in `entries`.
    retired: BTreeMap<VerifierKey, usize>,
    /// Revocations: vkey → position in `entries`.
    revoked: BTreeMap<VerifierKey, usize>,
}

impl History {
    /// Replays `entries` (indexes `0..`) through `replay`.
    pub fn replay(entries: &[Vec<u8>], mut replay: Replay) -> Self {
        let mut history = Self {
            entries: Vec::new(),
            states: BTreeMap::new(),
            refused: Vec::new(),
            enrolled: BTreeMap::new(),
            retired: BTreeMap::new(),
            revoked: BTreeMap::new(),
        };
        for (index, entry) in (0u64..).zip(entries) {
            match replay.step(index, entry) {
                Step::Admitted(admitted) => history.push(index, *admitted),
                Step::State(stated) => {
                    history.states.insert(index, stated.time());
                }
                Step::Inadmissible(e) | Step::StateMismatch(e) => {
                    history.refused.push((index, e.to_string()));
                }
            }
        }
        history
    }

    fn push(&mut self, index: u64, admitted: Admitted) {
        let position = self.entries.len();
        if let Record::Key(k) = admitted.record() {
            let map = match k.action() {
                KeyAction::Enrol => &mut self.enrolled,
                KeyAction::Retire => &mut self.retired,
                KeyAction::Revoke => &mut self.revoked,
            };
            map.insert(k.vkey().clone(), position);
        }
        self.entries.push(Entry { index, admitted });
    }

    /// Admitted entries, in log order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries the replay refused: index and reason.
    pub fn refused(&self) -> &[(u64, String)] {
        &self.refused
    }

    /// The time of the first state entry at or after `index`: when the
    /// log integrated the entry. `None` if no state entry follows it.
    pub fn integrated(&self, index: u64) -> Option<Timestamp> {
        self.states.range(index..).next().map(|(_, t)| *t)
    }

    /// The enrolment entry of `vkey`.
    pub fn enrolment(&self, vkey: &VerifierKey) -> Option<&Entry> {
        self.enrolled.get(vkey).and_then(|p| self.entries.get(*p))
    }

    /// The retire entry of `vkey`.
    pub fn retirement(&self, vkey: &VerifierKey) -> Option<&Entry> {
        self.retired.get(vkey).and_then(|p| self.entries.get(*p))
    }

    /// The revoke entry of `vkey`.
    pub fn revocation(&self, vkey: &VerifierKey) -> Option<&Entry> {
        self.revoked.get(vkey).and_then(|p| self.entries.get(*p))
    }

    /// Every key ever enrolled, in enrolment order.
    pub fn enrolled_keys(&self) -> impl Iterator<Item = &VerifierKey> {
        let mut keys: Vec<(&usize, &VerifierKey)> =
            self.enrolled.iter().map(|(k, p)| (p, k)).collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sightline_proofs::note::{KeyName, KeyType, SignerKey};
    use sightline_proofs::record::{Pattern, Pause, Reason, SignedRecord};
    use sightline_proofs::state::LogState;

    fn key(name: &str, seed: u8) -> SignerKey {
        SignerKey::from_seed(
            KeyName::new(name).expect("name"),
            KeyType::Ed25519,
            [seed; 32],
        )
        .expect("key")
    }

    #[test]
    fn entries_take_the_time_of_the_next_state_entry() {
        let root = key("root", 1);
        let log = key("example.com/log", 2);
        let pause = |target: &str, at: u64| {
            let record = Record::Pause(Pause::new(
                Pattern::new(target).expect("pattern"),
                Reason::new("drill").expect("reason"),
                Timestamp::from_unix(at).expect("time"),
            ));
            SignedRecord::sign(&record, &[&root])
                .expect("sign")
                .to_bytes()
        };
        // Replays the honest state alongside, to sign truthful state entries.
        let mut honest = Replay::new(
            vec![root.verifier()],
            1,
            log.verifier(),
            LogState::new(),
            BTreeMap::new(),
        )
        .expect("replay");
        let mut entries = Vec::new();
        let push_state = |entries: &mut Vec<Vec<u8>>, honest: &Replay, at: u64| {
            let index = entries.len() as u64;
            let state = honest
                .state()
                .sign_state_entry(index, Timestamp::from_unix(at).expect("time"), &log)
                .expect("state");
            entries.push(state.to_bytes());
        };
        for (target, at) in [("acme/a", 100), ("acme/b", 101)] {
            let entry = pause(target, at);
            let index = entries.len() as u64;
            assert!(matches!(honest.step(index, &entry), Step::Admitted(_)));
            entries.push(entry);
        }
        push_state(&mut entries, &honest, 200);
        let late = pause("acme/c", 300);
        assert!(matches!(honest.step(3, &late), Step::Admitted(_)));
        entries.push(late);

        let fresh = Replay::new(
            vec![root.verifier()],
            1,
            log.verifier(),
            LogState::new(),
            BTreeMap::new(),
        )
        .expect("replay");
        let history = History::replay(&entries, fresh);
        assert_eq!(history.entries().len(), 3);
        assert!(history.refused().is_empty());
        let t200 = Timestamp::from_unix(200).ok();
        assert_eq!(history.integrated(0), t200);
        assert_eq!(history.integrated(1), t200);
        assert_eq!(history.integrated(2), t200);
        assert_eq!(history.integrated(3), None, "no state entry after it yet");
    }
}
