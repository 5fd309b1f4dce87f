//! A release scenario built for real: keys from fixed seeds, a log in memory
//! that admits every record through `LogState::admit`/`apply` and closes
//! each round with its own signed state entry, the tree and inclusion paths
//! from `MemoryNodeReader`, a checkpoint signed by the log key and cosigned
//! by witness keys, and the bundle assembled from those entries.
//!
//! [`Scenario::default`] is a release the device accepts. Each refusal test
//! changes exactly one field. Where that change is something an honest log
//! would refuse to admit (an unenrolled signer, say), the fixture's log
//! appends the entry anyway and records that it did in
//! [`Built::bypassed`]: that is a compromised log, which is exactly what the
//! device's own checks exist for.

// Shared by several test binaries, each using part of it; a scenario is a
// flat list of switches by design (one per refusal), and fixture helpers
// favour short names and by-value records over ceremony.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::missing_panics_doc,
    clippy::many_single_char_names,
    clippy::struct_excessive_bools,
    clippy::needless_pass_by_value,
    clippy::format_push_string,
    clippy::too_many_lines,
    clippy::too_many_arguments
)]

use std::collections::BTreeMap;

use sightline_client::{ArtifactHasher, MeasuredArtifact, TrustedCheckpoint, TrustedState};
use sightline_proofs::bundle::{Bundle, BundleEntry};
use sightline_proofs::checkpoint::{Checkpoint, Origin, sign_checkpoint};
use sightline_proofs::cosignature::cosign;
use sightline_proofs::note::{KeyName, KeyType, SignerKey, VerifierKey};
use sightline_proofs::record::{
    Approval, ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, KeyStatus, Pattern, Pause,
    Reason, Record, Release, ReleaseRef, Rollout, SignedRecord, Timestamp, Token, Version,
};
use sightline_proofs::state::{AdmissionRules, LogState, LoggedRelease};
use sightline_proofs::{
    Hash, MemoryNodeReader, Policy, ProofsError, build_inclusion_proof, leaf_hash,
};

/// 2023-11-14T22:13:20Z: when the scenario starts.
pub const T0: u64 = 1_700_000_000;
/// When the witnesses cosign the final checkpoint.
pub const COSIGNED_AT: u64 = T0 + 1_000;
/// The device's clock in the default scenario.
pub const NOW: u64 = COSIGNED_AT + 60;
/// The policy's max-age.
pub const MAX_AGE: u64 = 3_600;
/// Default key expiry: a year after T0.
pub const EXPIRES: u64 = T0 + 365 * 86_400;
/// The log's origin (and its key's name).
pub const ORIGIN: &str = "example.com/sightline";
/// The device's target.
pub const DEVICE_TARGET: &str = "acme/thermostat/t3";

/// A deterministic note key.
pub fn key(name: &str, key_type: KeyType, seed: u8) -> SignerKey {
    SignerKey::from_seed(KeyName::new(name).unwrap(), key_type, [seed; 32]).unwrap()
}

/// Every key of the scenario.
pub struct Keys {
    pub roots: Vec<SignerKey>,
    pub log: SignerKey,
    pub witnesses: Vec<SignerKey>,
    pub signer: SignerKey,
    pub approvers: Vec<SignerKey>,
    pub operator: SignerKey,
    pub breakglass: SignerKey,
}

impl Keys {
    pub fn new() -> Self {
        let ed = KeyType::Ed25519;
        let cosig = KeyType::CosignatureV1;
        Self {
            roots: vec![
                key("root-a", ed, 1),
                key("root-b", ed, 2),
                key("root-c", ed, 3),
            ],
            log: key(ORIGIN, ed, 9),
            witnesses: vec![
                key("w1.example", cosig, 21),
                key("w2.example", cosig, 22),
                key("w3.example", cosig, 23),
            ],
            signer: key("alice-release", ed, 10),
            approvers: vec![key("bob-review", ed, 11), key("erin-review", ed, 12)],
            operator: key("carol-ops", ed, 13),
            breakglass: key("dave-incident", ed, 14),
        }
    }
}

/// How to build one release scenario. `Default` is accepted by the device.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Bytes of the released artifact.
    pub artifact: Vec<u8>,
    /// Bytes the device measures instead (a tampered image).
    pub device_artifact: Option<Vec<u8>>,
    /// Size the release states instead of the artifact's length.
    pub stated_size: Option<u64>,
    /// Release version.
    pub version: &'static str,
    /// Whether the signer's key is enrolled at all.
    pub signer_enrolled: bool,
    /// The signer key's scope.
    pub signer_scope: &'static str,
    /// The signer key's expiry.
    pub signer_expires: u64,
    /// Retire the signer key before the release is logged.
    pub retire_signer_before_release: bool,
    /// Revoke the signer key after the release is logged.
    pub revoke_signer_after_release: bool,
    /// Which approver keys approve, in order (indexes into `Keys::approvers`).
    pub approvals_by: Vec<usize>,
    /// The owner the second approver key is enrolled for.
    pub second_approver_owner: &'static str,
    /// The rollout's target.
    pub rollout_target: &'static str,
    /// The owner the operator key is enrolled for.
    pub operator_owner: &'static str,
    /// A pattern paused by the breakglass key before the final state entry.
    pub pause: Option<&'static str>,
    /// Policy `approvals`.
    pub policy_approvals: usize,
    /// How many witnesses cosign (the policy's quorum is 2 of 3).
    pub cosigners: usize,
    /// The first witness's line is a cosignature of another checkpoint.
    pub forged_cosignature: bool,
    /// The checkpoint is signed by a key with the log's name but another seed.
    pub log_signs_with_other_key: bool,
    /// The path of the entry at this index (0 = first record) is the one for
    /// the tree one entry smaller.
    pub stale_path_for: Option<u64>,
    /// The log appends one more entry after its last state entry without
    /// closing the round.
    pub entry_after_state: bool,
    /// The release is signed by the operator key instead of the signer's.
    pub release_signed_by_operator: bool,
    /// The release carries a second signature line, by an approver.
    pub release_also_signed_by_approver: bool,
    /// The release's signature line is the signer's, over other bytes.
    pub release_signature_forged: bool,
    /// The signer key is enrolled only after the release is logged.
    pub signer_enrolled_after_release: bool,
    /// The signer's enrolment carries root-b's line over other bytes.
    pub signer_enrolment_root_forged: bool,
    /// A second release of the same artifact (version 2.0.1) is logged.
    pub duplicate_release: bool,
    /// The first approval names the release's index with another leaf hash.
    pub approval_ref_hash_wrong: bool,
    /// The final state entry states an index one too high.
    pub state_index_off_by_one: bool,
    /// The final state entry is signed by another key with the log's name.
    pub state_signed_by_other_key: bool,
    /// Leaves logged before the scenario's records (other products' entries,
    /// represented only by their leaf hashes; used by the benchmark).
    pub padding: u64,
    /// Installed version in the device's trusted state.
    pub installed: Option<&'static str>,
    /// The device trusts a checkpoint this many entries larger.
    pub trusted_larger_by: Option<u64>,
    /// The device's clock.
    pub now: u64,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            artifact: b"thermostat firmware 2.0.0\n".repeat(100),
            device_artifact: None,
            stated_size: None,
            version: "2.0.0",
            signer_enrolled: true,
            signer_scope: "acme/thermostat/*",
            signer_expires: EXPIRES,
            retire_signer_before_release: false,
            revoke_signer_after_release: false,
            approvals_by: vec![0, 1],
            second_approver_owner: "erin",
            rollout_target: DEVICE_TARGET,
            operator_owner: "carol",
            pause: None,
            policy_approvals: 2,
            cosigners: 3,
            forged_cosignature: false,
            log_signs_with_other_key: false,
            stale_path_for: None,
            entry_after_state: false,
            release_signed_by_operator: false,
            release_also_signed_by_approver: false,
            release_signature_forged: false,
            signer_enrolled_after_release: false,
            signer_enrolment_root_forged: false,
            duplicate_release: false,
            approval_ref_hash_wrong: false,
            state_index_off_by_one: false,
            state_signed_by_other_key: false,
            padding: 0,
            installed: None,
            trusted_larger_by: None,
            now: NOW,
        }
    }
}

/// Everything a device is given, and what the log did.
pub struct Built {
    pub artifact: MeasuredArtifact,
    pub artifact_bytes: Vec<u8>,
    pub bundle: Bundle,
    pub policy: Policy,
    pub policy_text: String,
    pub trusted: TrustedState,
    pub now: u64,
    /// Entries the log appended although admission refused them, with why.
    pub bypassed: Vec<(u64, ProofsError)>,
    /// Index of the release entry.
    pub release_index: u64,
    /// The checkpoint's size.
    pub size: u64,
    /// The tree, for assembling other bundles from the same log.
    pub tree: MemoryNodeReader,
    /// Every entry the log holds (padding excluded), by index.
    pub entries: BTreeMap<u64, Vec<u8>>,
    /// The cosigned checkpoint note.
    pub note: Vec<u8>,
}

/// An in-memory log that obeys admission unless it has to be compromised.
struct TestLog {
    rules: AdmissionRules,
    state: LogState,
    releases: BTreeMap<u64, LoggedRelease>,
    leaves: Vec<Hash>,
    entries: BTreeMap<u64, Vec<u8>>,
    bypassed: Vec<(u64, ProofsError)>,
}

impl TestLog {
    fn new(k: &Keys, padding: u64) -> Self {
        let roots = k.roots.iter().map(SignerKey::verifier).collect();
        let leaves = (0..padding)
            .map(|i| leaf_hash(format!("other entry {i}\n").as_bytes()))
            .collect();
        Self {
            rules: AdmissionRules::new(roots, 2, 300).unwrap(),
            state: LogState::new(),
            releases: BTreeMap::new(),
            leaves,
            entries: BTreeMap::new(),
            bypassed: Vec::new(),
        }
    }

    fn next(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Appends an entry the way the log does, at time `now`.
    fn append(&mut self, record: &SignedRecord, now: u64) -> u64 {
        let index = self.next();
        let bytes = record.to_bytes();
        match self
            .state
            .admit(&bytes, index, now, &self.rules, &self.releases)
        {
            Ok(admitted) => self.state.apply(index, &admitted).unwrap(),
            Err(e) => {
                self.bypassed.push((index, e));
                self.force_apply(record.record(), index);
            }
        }
        if let Record::Release(r) = record.record() {
            self.releases
                .insert(index, LoggedRelease::new(*record.leaf_hash(), r.clone()));
        }
        self.leaves.push(leaf_hash(&bytes));
        self.entries.insert(index, bytes);
        index
    }

    /// What a compromised log does with an entry admission refused: the
    /// state entry still tells the truth about enrolments it logged.
    fn force_apply(&mut self, record: &Record, index: u64) {
        if let Record::Key(k) = record {
            let enrolment = k.enrolment().unwrap().clone();
            let status =
                KeyStatus::new(k.vkey().clone(), k.role(), k.owner().clone(), enrolment).unwrap();
            let now = self.state.state_record(index, ts(T0)).unwrap();
            let mut keys = now.keys().to_vec();
            keys.push(status);
            let rebuilt = sightline_proofs::record::StateRecord::new(
                index,
                ts(T0),
                keys,
                now.retired().to_vec(),
                now.revoked().to_vec(),
                now.paused().to_vec(),
            )
            .unwrap();
            self.state = LogState::from_state_record(&rebuilt);
        }
    }

    /// Ends a round with the log's state entry.
    fn close_round(&mut self, log_key: &SignerKey, time: u64) -> u64 {
        self.close_round_stating(log_key, time, 0)
    }

    /// Ends a round with a state entry that states its index plus `skew`.
    fn close_round_stating(&mut self, log_key: &SignerKey, time: u64, skew: u64) -> u64 {
        let index = self.next();
        let entry = self
            .state
            .sign_state_entry(index + skew, ts(time), log_key)
            .unwrap();
        self.leaves.push(leaf_hash(&entry.to_bytes()));
        self.entries.insert(index, entry.to_bytes());
        index
    }
}

pub fn ts(secs: u64) -> Timestamp {
    Timestamp::from_unix(secs).unwrap()
}

fn pat(s: &str) -> Pattern {
    Pattern::new(s).unwrap()
}

fn sign(record: Record, keys: &[&SignerKey]) -> SignedRecord {
    SignedRecord::sign(&record, keys).unwrap()
}

fn enrol(
    k: &Keys,
    vkey: VerifierKey,
    role: KeyRole,
    owner: &str,
    scope: &str,
    expires: u64,
    issued: u64,
) -> SignedRecord {
    let enrolment = Enrolment::new(vec![pat(scope)], ts(expires)).unwrap();
    let record = KeyRecord::new(
        KeyAction::Enrol,
        vkey,
        role,
        Token::new(owner).unwrap(),
        Some(enrolment),
        None,
        ts(issued),
    )
    .unwrap();
    sign(Record::Key(record), &[&k.roots[0], &k.roots[1]])
}

fn key_change(
    k: &Keys,
    action: KeyAction,
    vkey: VerifierKey,
    owner: &str,
    issued: u64,
) -> SignedRecord {
    let record = KeyRecord::new(
        action,
        vkey,
        KeyRole::Signer,
        Token::new(owner).unwrap(),
        None,
        Some(Reason::new("test").unwrap()),
        ts(issued),
    )
    .unwrap();
    sign(Record::Key(record), &[&k.roots[0], &k.roots[1]])
}

/// The policy text for the scenario: the log, three witnesses with a 2-of-3
/// quorum, roots a, b, c with threshold 2.
pub fn policy_text(k: &Keys, approvals: usize) -> String {
    let mut text = format!("log {}\n", k.log.verifier());
    for (i, w) in k.witnesses.iter().enumerate() {
        text.push_str(&format!("witness W{} {}\n", i + 1, w.verifier()));
    }
    text.push_str("group witnesses 2 W1 W2 W3\nquorum witnesses\n");
    for r in &k.roots {
        text.push_str(&format!("root {}\n", r.verifier()));
    }
    text.push_str(&format!(
        "root-threshold 2\napprovals {approvals}\ntarget {DEVICE_TARGET}\nmax-age {MAX_AGE}\n"
    ));
    text
}

impl Scenario {
    /// Builds the log, the checkpoint and the bundle.
    pub fn build(&self) -> Built {
        let k = Keys::new();
        let mut log = TestLog::new(&k, self.padding);
        let mut t = T0;
        let mut tick = || {
            t += 10;
            t
        };

        // Round 1: enrolments.
        let mut involved_enrolments = Vec::new();
        let signer_enrolment = {
            let e = enrol(
                &k,
                k.signer.verifier(),
                KeyRole::Signer,
                "alice",
                self.signer_scope,
                self.signer_expires,
                T0,
            );
            if self.signer_enrolment_root_forged {
                // Root-a's line stays; root-b's signs other bytes.
                let mut note = sightline_proofs::note::Note::new(e.note().text()).unwrap();
                note.sign(&k.roots[0]).unwrap();
                let forged = k.roots[1].sign(b"not this enrolment");
                note.push_signature(
                    sightline_proofs::note::NoteSignature::new(
                        k.roots[1].name().clone(),
                        k.roots[1].key_id(),
                        forged.to_vec(),
                    )
                    .unwrap(),
                )
                .unwrap();
                SignedRecord::parse(&note.to_bytes()).unwrap()
            } else {
                e
            }
        };
        if self.signer_enrolled && !self.signer_enrolled_after_release {
            involved_enrolments.push(log.append(&signer_enrolment, T0));
        }
        let owners = ["bob", self.second_approver_owner];
        for (key, owner) in k.approvers.iter().zip(owners) {
            let at = tick();
            let e = enrol(
                &k,
                key.verifier(),
                KeyRole::Approver,
                owner,
                "acme/*",
                EXPIRES,
                at,
            );
            involved_enrolments.push(log.append(&e, at));
        }
        let at = tick();
        let e = enrol(
            &k,
            k.operator.verifier(),
            KeyRole::Operator,
            self.operator_owner,
            "acme/thermostat/*",
            EXPIRES,
            at,
        );
        involved_enrolments.push(log.append(&e, at));
        let at = tick();
        let e = enrol(
            &k,
            k.breakglass.verifier(),
            KeyRole::Breakglass,
            "dave",
            "acme/*",
            EXPIRES,
            at,
        );
        log.append(&e, at);
        if self.retire_signer_before_release {
            let at = tick();
            log.append(
                &key_change(&k, KeyAction::Retire, k.signer.verifier(), "alice", at),
                at,
            );
        }
        let at = tick();
        log.close_round(&k.log, at);

        // Round 2: the release, its approvals and rollout.
        let at = tick();
        let size = self.stated_size.unwrap_or(self.artifact.len() as u64);
        let mut hasher = ArtifactHasher::new();
        hasher.update(&self.artifact);
        let digest: ArtifactDigest = *hasher.finish().digest();
        let release = Release::new(
            digest,
            size,
            Token::new("thermo-fw").unwrap(),
            Version::new(self.version).unwrap(),
            vec![pat("acme/thermostat/*")],
            ts(at),
        )
        .unwrap();
        let release_record = Record::Release(release);
        let release = if self.release_signed_by_operator {
            sign(release_record.clone(), &[&k.operator])
        } else if self.release_also_signed_by_approver {
            sign(release_record.clone(), &[&k.signer, &k.approvers[0]])
        } else if self.release_signature_forged {
            let mut note = sightline_proofs::note::Note::new(&release_record.to_text()).unwrap();
            let forged = k.signer.sign(b"not this release");
            note.push_signature(
                sightline_proofs::note::NoteSignature::new(
                    k.signer.name().clone(),
                    k.signer.key_id(),
                    forged.to_vec(),
                )
                .unwrap(),
            )
            .unwrap();
            SignedRecord::parse(&note.to_bytes()).unwrap()
        } else {
            sign(release_record.clone(), &[&k.signer])
        };
        let release_index = log.append(&release, at);
        if self.signer_enrolled_after_release {
            let at = tick();
            involved_enrolments.push(log.append(&signer_enrolment, at));
        }
        if self.duplicate_release {
            let at = tick();
            let Record::Release(r) = &release_record else {
                unreachable!()
            };
            let again = Release::new(
                *r.artifact(),
                r.size(),
                r.name().clone(),
                Version::new("2.0.1").unwrap(),
                r.targets().to_vec(),
                ts(at),
            )
            .unwrap();
            log.append(&sign(Record::Release(again), &[&k.signer]), at);
        }
        let release_ref = ReleaseRef::new(release_index, *release.leaf_hash()).unwrap();
        for (n, &who) in self.approvals_by.iter().enumerate() {
            let at = tick();
            let role = Token::new(if n == 0 { "security" } else { "qa" }).unwrap();
            let reference = if n == 0 && self.approval_ref_hash_wrong {
                ReleaseRef::new(release_index, Hash::new([0xab; 32])).unwrap()
            } else {
                release_ref
            };
            let a = Approval::new(reference, role, ts(at));
            log.append(&sign(Record::Approval(a), &[&k.approvers[who]]), at);
        }
        let at = tick();
        let r = Rollout::new(release_ref, vec![pat(self.rollout_target)], ts(at)).unwrap();
        log.append(&sign(Record::Rollout(r), &[&k.operator]), at);
        if self.revoke_signer_after_release {
            let at = tick();
            log.append(
                &key_change(&k, KeyAction::Revoke, k.signer.verifier(), "alice", at),
                at,
            );
        }
        if let Some(p) = self.pause {
            let at = tick();
            let pause = Pause::new(pat(p), Reason::new("boot loop").unwrap(), ts(at));
            log.append(&sign(Record::Pause(pause), &[&k.breakglass]), at);
        }
        let at = tick();
        let state_key = if self.state_signed_by_other_key {
            key(ORIGIN, KeyType::Ed25519, 98)
        } else {
            k.log.clone()
        };
        let state_index =
            log.close_round_stating(&state_key, at, u64::from(self.state_index_off_by_one));
        if self.entry_after_state {
            let at = tick();
            let pause = Pause::new(
                pat("acme/lock/*"),
                Reason::new("unrelated").unwrap(),
                ts(at),
            );
            log.append(&sign(Record::Pause(pause), &[&k.breakglass]), at);
        }

        // The tree, the checkpoint and its cosignatures.
        let tree = MemoryNodeReader::from_leaf_hashes(&log.leaves);
        let n = tree.size();
        let root = tree.root(n).unwrap();
        let origin = Origin::new(ORIGIN).unwrap();
        let checkpoint = Checkpoint::new(origin.clone(), n, *root.hash()).unwrap();
        let log_key = if self.log_signs_with_other_key {
            key(ORIGIN, KeyType::Ed25519, 99)
        } else {
            k.log.clone()
        };
        let mut note = sign_checkpoint(&checkpoint, &log_key).unwrap();
        for (i, w) in k.witnesses.iter().take(self.cosigners).enumerate() {
            let line = if i == 0 && self.forged_cosignature {
                let other = Checkpoint::new(origin.clone(), n, Hash::new([0xee; 32])).unwrap();
                cosign(&other, w, COSIGNED_AT).unwrap()
            } else {
                cosign(&checkpoint, w, COSIGNED_AT).unwrap()
            };
            note.push_signature(line).unwrap();
        }

        // The bundle: the release, approvals, rollout, the enrolments of the
        // keys that signed them, and the latest state entry.
        let mut wanted: Vec<u64> = involved_enrolments;
        for (&i, bytes) in &log.entries {
            let r = SignedRecord::parse(bytes).unwrap();
            if matches!(
                r.record(),
                Record::Release(_) | Record::Approval(_) | Record::Rollout(_)
            ) {
                wanted.push(i);
            }
        }
        wanted.push(state_index);
        wanted.sort_unstable();
        let entries = wanted
            .into_iter()
            .map(|i| {
                let path_size = if self.stale_path_for.map(|s| s + self.padding) == Some(i) {
                    n - 1
                } else {
                    n
                };
                let proof = build_inclusion_proof(&tree, i, path_size).unwrap();
                BundleEntry::new(i, log.entries[&i].clone(), proof.into_path()).unwrap()
            })
            .collect();
        let bundle = Bundle::new(entries, note.to_bytes()).unwrap();

        let policy_text = policy_text(&k, self.policy_approvals);
        let policy = Policy::parse(policy_text.as_bytes()).unwrap();

        let mut trusted = TrustedState::new();
        if let Some(v) = self.installed {
            trusted.set_installed(
                sightline_proofs::policy::DeviceTarget::new(DEVICE_TARGET).unwrap(),
                Version::new(v).unwrap(),
            );
        }
        if let Some(more) = self.trusted_larger_by {
            trusted.set_checkpoint(
                TrustedCheckpoint::new(origin, n + more, Hash::new([1; 32]), COSIGNED_AT - 100)
                    .unwrap(),
            );
        }
        let artifact_bytes = self
            .device_artifact
            .clone()
            .unwrap_or_else(|| self.artifact.clone());
        let mut hasher = ArtifactHasher::new();
        hasher.update(&artifact_bytes);
        Built {
            artifact: hasher.finish(),
            artifact_bytes,
            bundle,
            policy,
            policy_text,
            trusted,
            now: self.now,
            bypassed: log.bypassed,
            release_index,
            size: n,
            tree,
            entries: log.entries,
            note: note.to_bytes(),
        }
    }
}

impl Built {
    /// A bundle of the given entries of this log (with their true paths)
    /// against this checkpoint.
    pub fn bundle_of(&self, indexes: &[u64]) -> Bundle {
        let entries = indexes
            .iter()
            .map(|&i| {
                let proof = build_inclusion_proof(&self.tree, i, self.size).unwrap();
                let bytes = self
                    .entries
                    .get(&i)
                    .cloned()
                    .unwrap_or_else(|| format!("other entry {i}\n").into_bytes());
                BundleEntry::new(i, bytes, proof.into_path()).unwrap()
            })
            .collect();
        Bundle::new(entries, self.note.clone()).unwrap()
    }

    /// The indexes of this bundle's entries.
    pub fn bundle_indexes(&self) -> Vec<u64> {
        self.bundle
            .entries()
            .iter()
            .map(BundleEntry::index)
            .collect()
    }

    /// Runs the device's check on what was built.
    pub fn verify(&self) -> Result<sightline_client::Accepted, sightline_client::VerifyError> {
        sightline_client::verify_release(
            &self.artifact,
            &self.bundle,
            &self.policy,
            self.now,
            &self.trusted,
        )
    }
}
