//! Replay (DESIGN §4, the state entry): a scripted history is appended by a
//! log and replayed by a monitor from scratch; state entries round-trip, a
//! restart from the last state entry matches the full replay, and dishonest
//! state entries (hiding a revocation, a pause, ...) are caught. Golden
//! entries under testdata/records are checked byte for byte and verified
//! with the independent `signed_note` crate.

mod records_common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use records_common::*;
use sightline_proofs::ProofsError;
use sightline_proofs::note::{SignerKey, VerifierKey};
use sightline_proofs::record::{
    Approval, KeyAction, KeyRole, Pause, Reason, Record, Resume, Rollout, SignedRecord,
    StateRecord, Token,
};
use sightline_proofs::state::{LogState, LoggedRelease};

/// Appends a state entry and returns its index.
fn round_end(log: &mut Log, k: &Keys) -> u64 {
    log.append_state(&k.log)
}

/// The scripted history: 16 entries, with state entries at 5, 8, 10 and 15.
fn history() -> (Keys, Log) {
    let k = keys();
    let mut log = Log::new(rules(&k));
    let roots: Vec<&SignerKey> = k.roots.iter().take(2).collect();
    // Round 1: enrolments and a release.
    for (key, role, owner) in [
        (&k.signer, KeyRole::Signer, "alice"),
        (&k.approver, KeyRole::Approver, "bob"),
        (&k.operator, KeyRole::Operator, "carol"),
        (&k.breakglass, KeyRole::Breakglass, "dave"),
    ] {
        log.append(&sign(
            &enrol(&key.verifier(), role, owner, &["acme/*"]),
            &roots,
        ))
        .unwrap();
    }
    log.append(&sign(
        &Record::Release(release(&["acme/thermostat/*"])),
        &[&k.signer],
    ))
    .unwrap();
    assert_eq!(round_end(&mut log, &k), 5);
    // Round 2: approval and rollout.
    let r = log.release_ref(4);
    let approval = Record::Approval(Approval::new(r, Token::new("security").unwrap(), ts(T0)));
    log.append(&sign(&approval, &[&k.approver])).unwrap();
    let rollout =
        Record::Rollout(Rollout::new(r, vec![pat("acme/thermostat/t3")], ts(T0)).unwrap());
    log.append(&sign(&rollout, &[&k.operator])).unwrap();
    assert_eq!(round_end(&mut log, &k), 8);
    // Round 3: a pause.
    let why = Reason::new("boot loop on t3").unwrap();
    let pause = Record::Pause(Pause::new(pat("acme/thermostat/*"), why.clone(), ts(T0)));
    log.append(&sign(&pause, &[&k.breakglass])).unwrap();
    assert_eq!(round_end(&mut log, &k), 10);
    // Round 4: resume, retire, revoke, another pause.
    let resume = Record::Resume(Resume::new(pat("acme/thermostat/*"), why.clone(), ts(T0)));
    log.append(&sign(&resume, &roots)).unwrap();
    log.append(&sign(
        &unenrol(
            KeyAction::Retire,
            &k.operator.verifier(),
            KeyRole::Operator,
            "carol",
        ),
        &roots,
    ))
    .unwrap();
    log.append(&sign(
        &unenrol(
            KeyAction::Revoke,
            &k.signer.verifier(),
            KeyRole::Signer,
            "alice",
        ),
        &roots,
    ))
    .unwrap();
    let pause = Record::Pause(Pause::new(pat("acme/lock/*"), why, ts(T0)));
    log.append(&sign(&pause, &[&k.roots[2]])).unwrap();
    assert_eq!(round_end(&mut log, &k), 15);
    (k, log)
}

/// What a monitor does: replay every entry from an empty state, checking
/// each state entry against the state replayed so far. Returns the state
/// before each index.
fn replay(entries: &[Vec<u8>], k: &Keys) -> Result<Vec<LogState>, (u64, ProofsError)> {
    let rules = rules(k);
    let log_vkey = k.log.verifier();
    let mut state = LogState::new();
    let mut releases = BTreeMap::new();
    let mut before = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let index = i as u64;
        before.push(state.clone());
        let signed = SignedRecord::parse(entry).map_err(|e| (index, e))?;
        if let Record::State(_) = signed.record() {
            state
                .verify_state_entry(index, entry, &log_vkey)
                .map_err(|e| (index, e))?;
            continue;
        }
        // A monitor has no admission clock: it judges `issued` against itself.
        let now = signed.record().issued().as_unix();
        let admitted = state
            .admit(entry, index, now, &rules, &releases)
            .map_err(|e| (index, e))?;
        state.apply(index, &admitted).map_err(|e| (index, e))?;
        if let Record::Release(r) = admitted.record() {
            releases.insert(
                index,
                LoggedRelease::new(*admitted.entry().leaf_hash(), r.clone()),
            );
        }
    }
    before.push(state);
    Ok(before)
}

#[test]
fn monitor_replay_accepts_the_honest_log() {
    let (k, log) = history();
    let states = replay(&log.entries, &k).unwrap();
    let last = states.last().unwrap();
    assert_eq!(last, &log.state);
    assert_eq!(last.revoked_at(&k.signer.verifier()), Some(13));
    assert_eq!(last.retired_at(&k.operator.verifier()), Some(12));
    assert_eq!(last.paused_at(&pat("acme/lock/*")), Some(14));
    assert_eq!(last.paused_at(&pat("acme/thermostat/*")), None);
    assert_eq!(last.key(&k.breakglass.verifier()).unwrap().enrolled(), 3);
}

#[test]
fn state_record_round_trips_and_restarts_the_log() {
    let (k, log) = history();
    let entry = SignedRecord::parse(&log.entries[15]).unwrap();
    let Record::State(state) = entry.record() else {
        panic!("index 15 is not a state entry")
    };
    // Text round trip.
    assert_eq!(
        Record::parse_text(&entry.record().to_text()).unwrap(),
        *entry.record()
    );
    // Rebuilding from the state entry gives the replayed state...
    let restarted = LogState::from_state_record(state);
    assert_eq!(restarted, log.state);
    assert_eq!(restarted.state_record(15, state.time()).unwrap(), *state);
    // ...and a restarted log judges the next entries exactly as the original.
    let mut original = log;
    let mut resumed = Log::new(rules(&k));
    resumed.entries = original.entries.clone();
    resumed.releases = original.releases.clone();
    resumed.state = restarted;
    let entries = [
        sign(
            &unenrol(
                KeyAction::Revoke,
                &k.operator.verifier(),
                KeyRole::Operator,
                "carol",
            ),
            &[&k.roots[0], &k.roots[2]],
        ),
        sign(
            &Record::Release(release(&["acme/thermostat/*"])),
            &[&k.signer],
        ),
        sign(
            &enrol(&k.signer.verifier(), KeyRole::Signer, "alice", &["acme/*"]),
            &[&k.roots[0], &k.roots[1]],
        ),
    ];
    for e in &entries {
        assert_eq!(original.append(e), resumed.append(e));
    }
    assert_eq!(original.state, resumed.state);
}

/// Signs a state record with `key`.
fn signed_state(record: StateRecord, key: &SignerKey) -> Vec<u8> {
    sign(&Record::State(record), &[key])
}

#[test]
fn dishonest_state_entries_are_caught() {
    let (k, log) = history();
    let states = replay(&log.entries, &k).unwrap();
    // The state the entry at 15 must describe.
    let before = &states[15];
    let honest = before.state_record(15, ts(T0)).unwrap();
    let log_vkey: VerifierKey = k.log.verifier();
    assert!(
        before
            .verify_state_entry(15, &signed_state(honest.clone(), &k.log), &log_vkey)
            .is_ok()
    );

    let with = |keys: Vec<_>, retired: Vec<_>, revoked: Vec<_>, paused: Vec<_>| {
        signed_state(
            StateRecord::new(15, ts(T0), keys, retired, revoked, paused).unwrap(),
            &k.log,
        )
    };
    let keys = honest.keys().to_vec();
    let retired = honest.retired().to_vec();
    let revoked = honest.revoked().to_vec();
    let paused = honest.paused().to_vec();

    // Hiding the revocation of the signer.
    let hidden = with(keys.clone(), retired.clone(), vec![], paused.clone());
    assert_eq!(
        before.verify_state_entry(15, &hidden, &log_vkey),
        Err(ProofsError::StateRevokedMismatch)
    );
    // Hiding the pause.
    let hidden = with(keys.clone(), retired.clone(), revoked.clone(), vec![]);
    assert_eq!(
        before.verify_state_entry(15, &hidden, &log_vkey),
        Err(ProofsError::StatePausedMismatch)
    );
    // Backdating the pause.
    let moved = vec![(paused[0].0.clone(), 2)];
    let hidden = with(keys.clone(), retired.clone(), revoked.clone(), moved);
    assert_eq!(
        before.verify_state_entry(15, &hidden, &log_vkey),
        Err(ProofsError::StatePausedMismatch)
    );
    // Hiding the retirement.
    let hidden = with(keys.clone(), vec![], revoked.clone(), paused.clone());
    assert_eq!(
        before.verify_state_entry(15, &hidden, &log_vkey),
        Err(ProofsError::StateRetiredMismatch)
    );
    // Dropping a key whose status nobody else mentions (the breakglass key).
    let fewer: Vec<_> = keys
        .iter()
        .filter(|s| s.vkey() != &k.breakglass.verifier())
        .cloned()
        .collect();
    let hidden = with(fewer, retired.clone(), revoked.clone(), paused.clone());
    assert_eq!(
        before.verify_state_entry(15, &hidden, &log_vkey),
        Err(ProofsError::StateKeysMismatch)
    );
    // Stating another index.
    let elsewhere = signed_state(before.state_record(14, ts(T0)).unwrap(), &k.log);
    assert_eq!(
        before.verify_state_entry(15, &elsewhere, &log_vkey),
        Err(ProofsError::StateIndexMismatch {
            stated: 14,
            actual: 15
        })
    );
    // Signed by another key, or with an extra line.
    let forged = signed_state(honest.clone(), &k.roots[0]);
    assert_eq!(
        before.verify_state_entry(15, &forged, &log_vkey),
        Err(ProofsError::StateNotSignedByLog)
    );
    let extra = sign(&Record::State(honest.clone()), &[&k.log, &k.roots[0]]);
    assert_eq!(
        before.verify_state_entry(15, &extra, &log_vkey),
        Err(ProofsError::StateNotSignedByLog)
    );
    // A log signature over another text.
    let other = signed_state(before.state_record(15, ts(T0 + 1)).unwrap(), &k.log);
    let honest_text = String::from_utf8(signed_state(honest, &k.log)).unwrap();
    let (text, _) = honest_text.rsplit_once("\n\n").unwrap();
    let other = String::from_utf8(other).unwrap();
    let (_, sig) = other.rsplit_once("\n\n").unwrap();
    let spliced = format!("{text}\n\n{sig}");
    assert_eq!(
        before.verify_state_entry(15, spliced.as_bytes(), &log_vkey),
        Err(ProofsError::BadSignature {
            key_id: k.log.key_id()
        })
    );
    // Not a state record at all.
    assert_eq!(
        before.verify_state_entry(15, &log.entries[4], &log_vkey),
        Err(ProofsError::NotAStateRecord)
    );

    // In a full replay, the monitor stops at the dishonest entry.
    let mut entries = log.entries.clone();
    entries[10] = signed_state(states[10].state_record(10, ts(T0)).unwrap(), &k.log);
    assert!(replay(&entries, &k).is_ok());
    let no_pause = StateRecord::new(10, ts(T0), keys, vec![], vec![], vec![]).unwrap();
    entries[10] = signed_state(no_pause, &k.log);
    assert_eq!(
        replay(&entries, &k).map(|_| ()),
        Err((10, ProofsError::StatePausedMismatch))
    );
}

// ---------------------------------------------------------------------------
// Golden entries
// ---------------------------------------------------------------------------

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/records")
}

/// The golden files and the index of the history entry each holds.
const GOLDEN: [(&str, usize); 5] = [
    ("key-enrol.entry", 0),
    ("release.entry", 4),
    ("approval.entry", 6),
    ("pause.entry", 9),
    ("state.entry", 15),
];

/// The golden entries are the scripted history's bytes. Set
/// `SIGHTLINE_UPDATE_GOLDEN=1` to rewrite them after a deliberate change.
#[test]
fn golden_entries_match_the_history() {
    let (_, log) = history();
    let update = std::env::var_os("SIGHTLINE_UPDATE_GOLDEN").is_some();
    for (file, index) in GOLDEN {
        let path = testdata().join(file);
        if update {
            std::fs::write(&path, &log.entries[index]).unwrap();
        }
        let golden = std::fs::read(&path).unwrap();
        assert_eq!(
            golden, log.entries[index],
            "{file} differs from history entry {index}"
        );
    }
}

/// Every golden entry verifies with the independent `signed_note` crate
/// (a port of Go's sumdb/note) against the key that signed it, and
/// re-encodes byte for byte through `SignedRecord`.
#[test]
fn golden_entries_verify_independently() {
    use signed_note::{Note as RefNote, StandardVerifier, Verifier, VerifierList};
    let k = keys();
    let all: Vec<VerifierKey> = k
        .roots
        .iter()
        .chain([&k.log, &k.signer, &k.approver, &k.operator, &k.breakglass])
        .map(SignerKey::verifier)
        .collect();
    for (file, _) in GOLDEN {
        let bytes = std::fs::read(testdata().join(file)).unwrap();
        let parsed = SignedRecord::parse(&bytes).unwrap();
        assert_eq!(parsed.to_bytes(), bytes);
        let list: Vec<Box<dyn Verifier>> = all
            .iter()
            .map(|v| Box::new(StandardVerifier::new(&v.to_string()).unwrap()) as Box<dyn Verifier>)
            .collect();
        let note = RefNote::from_bytes(&bytes).unwrap();
        let (verified, unverified) = note.verify(&VerifierList::new(list)).unwrap();
        assert_eq!(verified.len(), parsed.note().signatures().len(), "{file}");
        assert!(unverified.is_empty(), "{file}");
    }
}
