//! `LogState::preverify` + `admit_preverified` against `LogState::admit`:
//! for random histories of enrolments, retirements, revocations, releases,
//! approvals, rollouts, pauses and resumes (some with corrupted or missing
//! signatures, some from keys not enrolled yet), the pre-verified path,
//! run on a snapshot of the state taken some entries earlier, gives exactly
//! the answer `admit` gives on the current state.

mod records_common;

use proptest::prelude::*;
use records_common::{EXPIRES, Log, T0, keys, rules, ts};
use sightline_proofs::note::{Note, NoteSignature, SignerKey};
use sightline_proofs::state::LogState;

/// Keys that roots may enrol, retire and revoke.
const EXTRA_KEYS: usize = 5;
const ROLES: [&str; 4] = ["signer", "approver", "operator", "breakglass"];
const OWNERS: [&str; 3] = ["alice", "bob", "carol"];
const SCOPES: [&str; 3] = ["acme/*", "acme/thermostat/*", "beta/*"];
const TARGETS: [&str; 3] = ["acme/thermostat/*", "acme/lock/*", "beta/x"];

/// Who signs: one of the extra keys or one of the roots.
#[derive(Clone, Copy, Debug)]
enum By {
    Key(usize),
    Root(usize),
}

#[derive(Clone, Debug)]
enum Op {
    Enrol {
        key: usize,
        role: usize,
        owner: usize,
        scope: usize,
        roots: u8,
    },
    Unenrol {
        key: usize,
        revoke: bool,
        role: usize,
        owner: usize,
        roots: u8,
    },
    Release {
        by: Vec<By>,
        target: usize,
    },
    Approval {
        by: By,
        index: u64,
    },
    Rollout {
        by: By,
        index: u64,
        target: usize,
    },
    Pause {
        by: By,
        target: usize,
    },
    Resume {
        roots: u8,
        target: usize,
    },
    Garbage(Vec<u8>),
}

fn by() -> impl Strategy<Value = By> {
    prop_oneof![
        (0..EXTRA_KEYS).prop_map(By::Key),
        (0..3usize).prop_map(By::Root)
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..EXTRA_KEYS, 0..4usize, 0..3usize, 0..3usize, 0..8u8).prop_map(
            |(key, role, owner, scope, roots)| Op::Enrol { key, role, owner, scope, roots }
        ),
        1 => (0..EXTRA_KEYS, any::<bool>(), 0..4usize, 0..3usize, 0..8u8).prop_map(
            |(key, revoke, role, owner, roots)| Op::Unenrol { key, revoke, role, owner, roots }
        ),
        3 => (prop::collection::vec(by(), 0..3), 0..3usize)
            .prop_map(|(by, target)| Op::Release { by, target }),
        2 => (by(), 0..24u64).prop_map(|(by, index)| Op::Approval { by, index }),
        2 => (by(), 0..24u64, 0..3usize)
            .prop_map(|(by, index, target)| Op::Rollout { by, index, target }),
        1 => (by(), 0..3usize).prop_map(|(by, target)| Op::Pause { by, target }),
        1 => (0..8u8, 0..3usize).prop_map(|(roots, target)| Op::Resume { roots, target }),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(Op::Garbage),
    ]
}

struct World {
    roots: Vec<SignerKey>,
    extra: Vec<SignerKey>,
}

impl World {
    fn new() -> Self {
        Self {
            roots: keys().roots,
            extra: (0..EXTRA_KEYS)
                .map(|i| records_common::key(&format!("key-{i}"), 40 + i as u8))
                .collect(),
        }
    }

    fn key(&self, by: By) -> &SignerKey {
        match by {
            By::Key(i) => &self.extra[i],
            By::Root(i) => &self.roots[i],
        }
    }

    fn roots(&self, mask: u8) -> Vec<&SignerKey> {
        (0..3)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| &self.roots[i])
            .collect()
    }

    /// The entry an operation submits, against the log so far.
    fn entry(&self, op: &Op, log: &Log) -> Vec<u8> {
        let issued = ts(T0);
        match op {
            Op::Enrol {
                key,
                role,
                owner,
                scope,
                roots,
            } => sign(
                &format!(
                    "sightline/v1 key\naction enrol\nvkey {}\nrole {}\nowner {}\nscope {}\nexpires {}\nissued {issued}\n",
                    self.extra[*key].verifier(),
                    ROLES[*role],
                    OWNERS[*owner],
                    SCOPES[*scope],
                    ts(EXPIRES),
                ),
                &self.roots(*roots),
            ),
            Op::Unenrol {
                key,
                revoke,
                role,
                owner,
                roots,
            } => sign(
                &format!(
                    "sightline/v1 key\naction {}\nvkey {}\nrole {}\nowner {}\nissued {issued}\n",
                    if *revoke { "revoke" } else { "retire" },
                    self.extra[*key].verifier(),
                    ROLES[*role],
                    OWNERS[*owner],
                ),
                &self.roots(*roots),
            ),
            Op::Release { by, target } => {
                let digest = sightline_proofs::hash::sha256(&log.next().to_be_bytes()).to_hex();
                let signers: Vec<&SignerKey> = by.iter().map(|b| self.key(*b)).collect();
                sign(
                    &format!(
                        "sightline/v1 release\nartifact sha256:{digest}\nsize 1024\nname thermo\nversion 1.0.{}\ntarget {}\nissued {issued}\n",
                        log.next(),
                        TARGETS[*target]
                    ),
                    &signers,
                )
            }
            Op::Approval { by, index } => sign(
                &format!(
                    "sightline/v1 approval\nrelease {index} {}\nrole qa\nissued {issued}\n",
                    leaf_hex(log, *index)
                ),
                &[self.key(*by)],
            ),
            Op::Rollout { by, index, target } => sign(
                &format!(
                    "sightline/v1 rollout\nrelease {index} {}\ntarget {}\nissued {issued}\n",
                    leaf_hex(log, *index),
                    TARGETS[*target]
                ),
                &[self.key(*by)],
            ),
            Op::Pause { by, target } => sign(
                &format!(
                    "sightline/v1 pause\ntarget {}\nreason incident\nissued {issued}\n",
                    TARGETS[*target]
                ),
                &[self.key(*by)],
            ),
            Op::Resume { roots, target } => sign(
                &format!(
                    "sightline/v1 resume\ntarget {}\nreason fixed\nissued {issued}\n",
                    TARGETS[*target]
                ),
                &self.roots(*roots),
            ),
            Op::Garbage(bytes) => bytes.clone(),
        }
    }
}

/// The leaf hash of the logged entry at `index`, or a made-up one.
fn leaf_hex(log: &Log, index: u64) -> String {
    usize::try_from(index)
        .ok()
        .and_then(|i| log.entries.get(i))
        .map_or_else(
            || sightline_proofs::hash::sha256(b"nothing").to_hex(),
            |e| sightline_proofs::leaf_hash(e).to_hex(),
        )
}

/// Signs `text` with each key; unsigned text gets an empty signature block
/// (which does not parse, as a real bad submission would not).
fn sign(text: &str, keys: &[&SignerKey]) -> Vec<u8> {
    let mut note = Note::new(text).expect("note text");
    for key in keys {
        note.sign(key).expect("sign");
    }
    note.to_bytes()
}

/// Flips one bit of the signature on line `line`, keeping the encoding
/// canonical, so that the line still names its key but does not verify.
fn corrupt(entry: &[u8], line: usize) -> Vec<u8> {
    let Ok(note) = Note::parse(entry) else {
        return entry.to_vec();
    };
    let Some(target) = note.signatures().get(line % note.signatures().len().max(1)) else {
        return entry.to_vec();
    };
    let mut out = Note::new(note.text()).expect("text");
    for sig in note.signatures() {
        let mut bytes = sig.signature().to_vec();
        if sig == target
            && let Some(b) = bytes.get_mut(7)
        {
            *b ^= 0x10;
        }
        out.push_signature(
            NoteSignature::new(sig.name().clone(), sig.key_id(), bytes).expect("sig"),
        )
        .expect("push");
    }
    out.to_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn preverified_admission_matches_admit(
        steps in prop::collection::vec((op(), 0..4usize, prop::option::weighted(0.15, 0..3usize)), 1..48)
    ) {
        let world = World::new();
        let mut log = Log::new(rules(&keys()));
        // The state before each appended entry, for stale snapshots.
        let mut history: Vec<LogState> = vec![log.state.clone()];
        for (op, lag, corrupt_line) in steps {
            let mut entry = world.entry(&op, &log);
            if let Some(line) = corrupt_line {
                entry = corrupt(&entry, line);
            }
            let snapshot = &history[history.len() - 1 - lag.min(history.len() - 1)];
            let direct = log.admit(&entry);
            let preverified = snapshot
                .preverify(&entry, &log.rules)
                .and_then(|p| {
                    log.state
                        .admit_preverified(p, log.next(), T0, &log.rules, &log.releases)
                });
            prop_assert_eq!(&direct, &preverified, "op {:?}", op);
            if direct.is_ok() {
                log.append(&entry).expect("admitted entries apply");
                history.push(log.state.clone());
            }
        }
    }
}
