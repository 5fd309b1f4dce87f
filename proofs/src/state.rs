//! Key and pause state, and the admission rules that change it (DESIGN §4).
//!
//! [`LogState`] is what the log knows after replaying its entries: every key
//! ever enrolled (with role, owner, scopes and expiry), which keys are
//! retired or revoked and since which entry, and which target patterns are
//! paused. That is exactly what a state entry lists, so the state can be
//! rebuilt from the last state entry alone. The rules here are pure
//! functions shared by three callers: the log's admission, the monitor's
//! replay and, through the state entry, the device.
//!
//! # Rules, and the choices made where DESIGN §4 leaves room
//!
//! - **Signature lines.** `release`, `approval`, `rollout` and `pause` carry
//!   exactly one signature line; `key` and `resume` carry only root
//!   signature lines, one per distinct root; `state` carries exactly the log's
//!   one line. A record is attributed to the keys that signed it, so a stray
//!   extra line (a second key, a cosignature, grease) would make attribution
//!   ambiguous, and anyone could add or drop such lines to make new entry
//!   bytes (a new leaf hash) for the same record.
//! - **Validity of the signing key.** Enrolled with the role the kind needs,
//!   not revoked, not retired (a retired key signs nothing logged after its
//!   retirement, and every admitted entry is logged after it), and
//!   `issued < expires`. Revocation is reported before retirement.
//! - **Scopes.** A release's signer must cover every release target. An
//!   approver must cover every target of the approved release, and an
//!   operator every rollout target: a key scoped to `acme/thermostat/*` has
//!   no say over `acme/lock/*`. Every rollout target must also be covered by
//!   one of the release's targets: a rollout cannot widen a release.
//!   A breakglass key must cover the paused pattern; a root key may pause
//!   anything.
//! - **References.** An approval's or rollout's `release` must name an index
//!   before the entry itself that holds a logged release, with the same
//!   leaf hash.
//! - **Enrolment.** A key (as a vkey) is enrolled at most once, for life; to
//!   change scope or expiry, enrol a new key and retire the old one. This
//!   makes "one role and one owner for life" hold by construction and gives
//!   every key exactly one enrolment record for devices to check. A retired
//!   or revoked key can therefore never come back. Enrolment also needs
//!   `expires > issued`, no other enrolled key with the same name and key ID
//!   (it would make signature lines ambiguous), and no *active* key (not
//!   retired, revoked or expired at `issued`) of the same owner in another
//!   role whose scopes overlap the new ones.
//! - **Retire and revoke** need an enrolled key and must repeat its role and
//!   owner. Retiring twice, or retiring or revoking a revoked key, is refused;
//!   revoking a retired key is allowed, because revoke wins over retire.
//! - **Pause and resume.** A pattern is paused at most once at a time, and a
//!   resume names a paused pattern exactly as written. Pauses do not stop the
//!   log from admitting releases or rollouts: they are enforced by devices
//!   through the state entry (DESIGN §6 step 7), and the log keeps recording
//!   so that attribution stays complete.

//!
//! # Example
//!
//! ```
//! use std::collections::BTreeMap;
//! use sightline_proofs::note::{KeyName, KeyType, SignerKey};
//! use sightline_proofs::record::{Pattern, Pause, Reason, Record, SignedRecord, Timestamp};
//! use sightline_proofs::state::{AdmissionRules, LogState, LoggedRelease};
//!
//! let root = SignerKey::from_seed(KeyName::new("root")?, KeyType::Ed25519, [1; 32])?;
//! let rules = AdmissionRules::new(vec![root.verifier()], 1, 300)?;
//! let now = 1_700_000_000;
//!
//! // A root key may pause any target on its own.
//! let pause = Record::Pause(Pause::new(
//!     Pattern::new("acme/thermostat/*")?,
//!     Reason::new("boot loop on t3")?,
//!     Timestamp::from_unix(now)?,
//! ));
//! let entry = SignedRecord::sign(&pause, &[&root])?.to_bytes();
//!
//! let mut state = LogState::new();
//! let releases = BTreeMap::<u64, LoggedRelease>::new();
//! let admitted = state.admit(&entry, 0, now, &rules, &releases)?;
//! state.apply(0, &admitted)?;
//! assert_eq!(state.paused_at(&Pattern::new("acme/thermostat/*")?), Some(0));
//!
//! // The same pause again is refused: the pattern is already paused.
//! assert!(state.admit(&entry, 1, now, &rules, &releases).is_err());
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::note::{KeyType, Note, SignerKey, VerifierKey, find_key};
use crate::record::{
    KeyAction, KeyRecord, KeyRole, KeyStatus, MAX_ENTRY_LEN, Pattern, Record, Release, Rollout,
    SignedRecord, StateRecord, Timestamp,
};
use crate::{Hash, ProofsError};

/// The largest index a state entry can name (a checkpoint's size is at most
/// `i64::MAX`); admission sizes the state entry with it, as the widest case.
const MAX_STATE_INDEX: u64 = i64::MAX as u64 - 1;

/// Room left in a state entry for the log's signature line: the em dash,
/// the key name (the log's origin), the 92 base64 characters of key hash
/// and signature, and separators. 1 KiB covers any origin a log would use.
const STATE_SIGNATURE_RESERVE: usize = 1024;

/// The log's configuration for admission: root keys, their threshold, and
/// the clock skew allowed between a record's `issued` and the log's clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdmissionRules {
    /// Root keys (Ed25519 note keys), distinct.
    roots: Vec<VerifierKey>,
    /// How many distinct roots must sign `key` and `resume` records.
    root_threshold: usize,
    /// Allowed |issued - now|, in seconds.
    clock_skew_secs: u64,
}

impl AdmissionRules {
    /// Validates the log's admission configuration.
    ///
    /// Spec: DESIGN §4 (root keys and threshold are the log's configuration).
    ///
    /// # Errors
    /// [`ProofsError::RecordKeyNotEd25519`] for a root that is not a 0x01
    /// key; [`ProofsError::DuplicateRootKey`] for a repeated root;
    /// [`ProofsError::BadRootThreshold`] unless
    /// `1 <= root_threshold <= roots.len()`.
    pub fn new(
        roots: Vec<VerifierKey>,
        root_threshold: usize,
        clock_skew_secs: u64,
    ) -> Result<Self, ProofsError> {
        if roots
            .iter()
            .any(|r| r.key_type() != crate::note::KeyType::Ed25519)
        {
            return Err(ProofsError::RecordKeyNotEd25519);
        }
        let mut sorted: Vec<&VerifierKey> = roots.iter().collect();
        sorted.sort_unstable();
        if sorted.windows(2).any(|w| w.first() == w.get(1)) {
            return Err(ProofsError::DuplicateRootKey);
        }
        if root_threshold == 0 || root_threshold > roots.len() {
            return Err(ProofsError::BadRootThreshold);
        }
        Ok(Self {
            roots,
            root_threshold,
            clock_skew_secs,
        })
    }

    /// The root keys.
    pub fn roots(&self) -> &[VerifierKey] {
        &self.roots
    }

    /// The root threshold.
    pub const fn root_threshold(&self) -> usize {
        self.root_threshold
    }

    /// The allowed clock skew, in seconds.
    pub const fn clock_skew_secs(&self) -> u64 {
        self.clock_skew_secs
    }
}

/// A release already in the log, as the caller's storage returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedRelease {
    /// The entry's leaf hash.
    leaf_hash: Hash,
    /// The parsed release.
    release: Release,
}

impl LoggedRelease {
    /// Pairs a logged release with its entry's leaf hash. Any pair is valid.
    ///
    /// Spec: DESIGN §4 (`<ref>`).
    pub const fn new(leaf_hash: Hash, release: Release) -> Self {
        Self { leaf_hash, release }
    }

    /// The entry's leaf hash.
    pub const fn leaf_hash(&self) -> &Hash {
        &self.leaf_hash
    }

    /// The release.
    pub const fn release(&self) -> &Release {
        &self.release
    }
}

/// Look-up of logged releases by index, implemented by the caller (the log
/// over its storage, the monitor over memory).
pub trait LoggedReleases {
    /// The release entry at `index`, or `None` if the entry there is not a
    /// release or does not exist.
    fn logged_release(&self, index: u64) -> Option<LoggedRelease>;
}

impl LoggedReleases for BTreeMap<u64, LoggedRelease> {
    fn logged_release(&self, index: u64) -> Option<LoggedRelease> {
        self.get(&index).cloned()
    }
}

/// An entry that passed admission for one index, ready to [`LogState::apply`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Admitted {
    /// The index it was admitted for.
    index: u64,
    /// The parsed entry.
    entry: SignedRecord,
    /// The keys whose signatures made it admissible.
    signers: Vec<VerifierKey>,
}

impl Admitted {
    /// The index the entry was admitted for.
    pub const fn index(&self) -> u64 {
        self.index
    }

    /// The parsed entry.
    pub const fn entry(&self) -> &SignedRecord {
        &self.entry
    }

    /// The record.
    pub const fn record(&self) -> &Record {
        self.entry.record()
    }

    /// The keys whose valid signatures admitted it (one signer, approver,
    /// operator or breakglass key, or the root keys).
    pub fn signers(&self) -> &[VerifierKey] {
        &self.signers
    }
}

/// An entry parsed, with the signature lines already checked, ready for
/// [`LogState::admit_preverified`].
///
/// Made by [`LogState::preverify`] away from the sequencer, so that the one
/// task that admits entries in order does no Ed25519 work for them. It
/// holds only facts that no later state can change: the parse, and which
/// (signature line, key) pairs verified. A signature's validity depends
/// only on the key, the message and the signature, so reusing those checks
/// against a newer state is sound; every state rule is still applied at
/// admission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preverified {
    /// The parsed entry.
    entry: SignedRecord,
    /// (position of the signature line, key) pairs whose Ed25519 check
    /// over the note text passed.
    verified: Vec<(usize, VerifierKey)>,
}

impl Preverified {
    /// The parsed entry.
    pub const fn entry(&self) -> &SignedRecord {
        &self.entry
    }

    /// The record.
    pub const fn record(&self) -> &Record {
        self.entry.record()
    }

    /// The entry's leaf hash.
    pub const fn leaf_hash(&self) -> &Hash {
        self.entry.leaf_hash()
    }

    /// The keys for which a signature line verified, in line order. Holding
    /// one says nothing about whether the key may sign this record.
    pub fn verified_keys(&self) -> impl Iterator<Item = &VerifierKey> {
        self.verified.iter().map(|(_, key)| key)
    }
}

/// Key and pause state as of some point in the log (DESIGN §4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogState {
    /// Every key ever enrolled.
    keys: BTreeMap<VerifierKey, KeyStatus>,
    /// Retired keys and the index of their retire record.
    retired: BTreeMap<VerifierKey, u64>,
    /// Revoked keys and the index of their revoke record.
    revoked: BTreeMap<VerifierKey, u64>,
    /// Paused patterns and the index of their pause record.
    paused: BTreeMap<Pattern, u64>,
}

impl LogState {
    /// The state of an empty log: no keys, nothing paused.
    pub fn new() -> Self {
        Self::default()
    }

    /// Rebuilds the state a state record describes, so that a log (or a
    /// monitor) can resume from its last state entry without replaying.
    ///
    /// Nothing is lost: no rule here depends on the index of a key's
    /// enrolment record (which the state entry does not carry), only on
    /// what the `key`, `retired`, `revoked` and `paused` lines say.
    ///
    /// Spec: DESIGN §4 (the state entry).
    pub fn from_state_record(record: &StateRecord) -> Self {
        Self {
            keys: record
                .keys()
                .iter()
                .map(|k| (k.vkey().clone(), k.clone()))
                .collect(),
            retired: record.retired().iter().cloned().collect(),
            revoked: record.revoked().iter().cloned().collect(),
            paused: record.paused().iter().cloned().collect(),
        }
    }

    /// The `state` record for this state, to be appended at `index`.
    ///
    /// Spec: DESIGN §4 (`state`: groups sorted bytewise, in table order).
    ///
    /// # Errors
    /// [`ProofsError::BadIndex`] if `index` exceeds `i64::MAX - 1`.
    pub fn state_record(&self, index: u64, time: Timestamp) -> Result<StateRecord, ProofsError> {
        StateRecord::new(
            index,
            time,
            self.keys.values().cloned().collect(),
            self.retired.iter().map(|(k, i)| (k.clone(), *i)).collect(),
            self.revoked.iter().map(|(k, i)| (k.clone(), *i)).collect(),
            self.paused.iter().map(|(p, i)| (p.clone(), *i)).collect(),
        )
    }

    /// Builds and signs the state entry the log appends at `index`.
    ///
    /// Spec: DESIGN §4 (the state entry, signed by the log key).
    ///
    /// # Errors
    /// As [`LogState::state_record`] and [`SignedRecord::sign`].
    pub fn sign_state_entry(
        &self,
        index: u64,
        time: Timestamp,
        log_key: &SignerKey,
    ) -> Result<SignedRecord, ProofsError> {
        let record = Record::State(self.state_record(index, time)?);
        SignedRecord::sign(&record, &[log_key])
    }

    /// Enrolled key status, if `vkey` was ever enrolled.
    pub fn key(&self, vkey: &VerifierKey) -> Option<&KeyStatus> {
        self.keys.get(vkey)
    }

    /// Index of the retire record of `vkey`, if retired.
    pub fn retired_at(&self, vkey: &VerifierKey) -> Option<u64> {
        self.retired.get(vkey).copied()
    }

    /// Index of the revoke record of `vkey`, if revoked.
    pub fn revoked_at(&self, vkey: &VerifierKey) -> Option<u64> {
        self.revoked.get(vkey).copied()
    }

    /// Index of the pause record of exactly `pattern`, if paused.
    pub fn paused_at(&self, pattern: &Pattern) -> Option<u64> {
        self.paused.get(pattern).copied()
    }

    /// Decides whether `entry` may be appended at `index_if_appended`.
    ///
    /// Spec: DESIGN §4 (admission; the rules and the choices made are listed
    /// in the [module docs](self)).
    ///
    /// Success means the entry parses, is signed as its kind requires by
    /// keys valid under this state and `rules`, references logged releases
    /// correctly and was issued within the clock skew of `now`. It does not
    /// mean the entry is not already logged (the caller deduplicates), that
    /// the state is unchanged when it is applied (admit and apply entries one
    /// at a time), or anything a device checks beyond it (approval counts,
    /// owner separation, pauses, versions: DESIGN §6).
    ///
    /// # Errors
    /// Grammar errors from [`SignedRecord::parse`];
    /// [`ProofsError::StateNotAdmissible`] for a state record;
    /// [`ProofsError::IssuedInFuture`] / [`ProofsError::IssuedTooOld`];
    /// for single-signer kinds [`ProofsError::WrongSignatureCount`],
    /// [`ProofsError::SignerNotEnrolled`], [`ProofsError::BadSignature`],
    /// [`ProofsError::SignerWrongRole`], [`ProofsError::SignerRevoked`],
    /// [`ProofsError::SignerRetired`], [`ProofsError::SignerExpired`],
    /// [`ProofsError::TargetOutOfScope`]; for references
    /// [`ProofsError::ReleaseNotLogged`], [`ProofsError::ReleaseHashMismatch`],
    /// [`ProofsError::RolloutTargetNotInRelease`]; for root-signed kinds
    /// [`ProofsError::NonRootSignature`],
    /// [`ProofsError::DuplicateRootSignature`],
    /// [`ProofsError::RootThresholdNotMet`]; and the state-transition errors
    /// of [`LogState::apply`].
    pub fn admit(
        &self,
        entry: &[u8],
        index_if_appended: u64,
        now: u64,
        rules: &AdmissionRules,
        releases: &impl LoggedReleases,
    ) -> Result<Admitted, ProofsError> {
        let signed = SignedRecord::parse(entry)?;
        self.admit_parsed(signed, &[], index_if_appended, now, rules, releases)
    }

    /// Parses `entry` and checks its signature lines against the keys this
    /// state and `rules` know, for a later [`LogState::admit_preverified`].
    ///
    /// Spec: DESIGN §4 (admission), c2sp-digest §1.3 (note signatures).
    ///
    /// Call it on a snapshot of the state taken before sequencing, where
    /// the work can run in parallel. Only the parse can fail: a signature
    /// line that does not verify (or names a key this state does not know
    /// yet) is simply not recorded, and admission checks it again against
    /// the state it runs on, giving exactly the answer of
    /// [`LogState::admit`]. Lines are checked in order up to the first one
    /// that names known keys and verifies against none of them, since
    /// admission stops there too. Nothing is checked that admission refuses
    /// before any signature work: state records, single-signer kinds with
    /// more than one line, root-signed kinds with a line from a non-root.
    ///
    /// # Errors
    /// Grammar errors from [`SignedRecord::parse`].
    pub fn preverify(
        &self,
        entry: &[u8],
        rules: &AdmissionRules,
    ) -> Result<Preverified, ProofsError> {
        let signed = SignedRecord::parse(entry)?;
        let note = signed.note();
        let sigs = note.signatures();
        // Which lines admission may check, and against which keys.
        let (lines, enrolled) = match signed.record() {
            Record::State(_) => (0, false),
            Record::Key(_) | Record::Resume(_) => {
                let all_roots = sigs
                    .iter()
                    .all(|s| rules.roots.iter().any(|r| r.matches(s)));
                (if all_roots { sigs.len() } else { 0 }, false)
            }
            Record::Release(_) | Record::Approval(_) | Record::Rollout(_) | Record::Pause(_) => {
                (usize::from(sigs.len() == 1), true)
            }
        };
        let message = note.text().as_bytes();
        let mut verified = Vec::new();
        for (position, sig) in sigs.iter().enumerate().take(lines) {
            let known = self
                .keys
                .keys()
                .take(if enrolled { self.keys.len() } else { 0 });
            let candidates = rules
                .roots
                .iter()
                .chain(known)
                .filter(|k| k.key_type() == KeyType::Ed25519 && k.matches(sig));
            let mut named = false;
            let mut good = false;
            for key in candidates {
                named = true;
                if key.verify_raw(message, sig.signature()).is_ok() {
                    good = true;
                    verified.push((position, key.clone()));
                }
            }
            if named && !good {
                break;
            }
        }
        Ok(Preverified {
            entry: signed,
            verified,
        })
    }

    /// [`LogState::admit`] for an entry [`LogState::preverify`] has parsed
    /// and checked: the same rules against this state, with the same
    /// answer, except that a signature line already verified for the key
    /// admission picks is not checked again. A key this state knows but the
    /// preverifying snapshot did not (enrolled since) is checked here.
    ///
    /// Spec: DESIGN §4 (admission).
    ///
    /// # Errors
    /// As [`LogState::admit`], bar the grammar errors.
    pub fn admit_preverified(
        &self,
        preverified: Preverified,
        index_if_appended: u64,
        now: u64,
        rules: &AdmissionRules,
        releases: &impl LoggedReleases,
    ) -> Result<Admitted, ProofsError> {
        let Preverified { entry, verified } = preverified;
        self.admit_parsed(entry, &verified, index_if_appended, now, rules, releases)
    }

    /// Admission after the parse; `known` lists (line, key) pairs whose
    /// Ed25519 check already passed.
    fn admit_parsed(
        &self,
        signed: SignedRecord,
        known: &[(usize, VerifierKey)],
        index_if_appended: u64,
        now: u64,
        rules: &AdmissionRules,
        releases: &impl LoggedReleases,
    ) -> Result<Admitted, ProofsError> {
        let record = signed.record();
        if let Record::State(_) = record {
            return Err(ProofsError::StateNotAdmissible);
        }
        let issued = record.issued();
        check_skew(issued.as_unix(), now, rules.clock_skew_secs)?;
        let note = signed.note();
        let signers = match record {
            Record::Release(r) => {
                let key = self.single_signer(note, known, "release", KeyRole::Signer, issued)?;
                check_scope(key, r.targets())?;
                Vec::from([key.vkey().clone()])
            }
            Record::Approval(a) => {
                let key = self.single_signer(note, known, "approval", KeyRole::Approver, issued)?;
                let release = referenced(a.release(), index_if_appended, releases)?;
                check_scope(key, release.targets())?;
                Vec::from([key.vkey().clone()])
            }
            Record::Rollout(r) => {
                let key = self.single_signer(note, known, "rollout", KeyRole::Operator, issued)?;
                let release = referenced(r.release(), index_if_appended, releases)?;
                check_rollout_targets(r, &release)?;
                check_scope(key, r.targets())?;
                Vec::from([key.vkey().clone()])
            }
            Record::Pause(p) => self.pause_signer(note, known, p.target(), issued, rules)?,
            Record::Key(_) | Record::Resume(_) => root_signers(note, known, rules)?,
            // Refused above, before any signature work.
            Record::State(_) => return Err(ProofsError::StateNotAdmissible),
        };
        self.check_transition(record)?;
        self.check_state_room(record, index_if_appended)?;
        Ok(Admitted {
            index: index_if_appended,
            entry: signed,
            signers,
        })
    }

    /// The state entry lists every key ever enrolled and every retirement,
    /// revocation and pause (DESIGN §4), and no entry may exceed
    /// [`MAX_ENTRY_LEN`]. A record that would grow the state entry past
    /// that is refused at admission, so that the log never commits a round
    /// whose state entry it cannot write (which would stop all sequencing).
    /// The size is measured for the largest index and with room for the
    /// log's signature line.
    fn check_state_room(&self, record: &Record, index: u64) -> Result<(), ProofsError> {
        if !matches!(record, Record::Key(_) | Record::Pause(_)) {
            return Ok(());
        }
        let mut next = self.clone();
        next.change(record, index)?;
        let widest = next.state_record(MAX_STATE_INDEX, record.issued())?;
        let size = Record::State(widest)
            .to_text()
            .len()
            .saturating_add(STATE_SIGNATURE_RESERVE);
        if size > MAX_ENTRY_LEN {
            return Err(ProofsError::StateEntryFull {
                size,
                limit: MAX_ENTRY_LEN,
            });
        }
        Ok(())
    }

    /// Applies an admitted entry at `index`: enrolments, retirements,
    /// revocations, pauses and resumes change the state; other kinds do not.
    ///
    /// Spec: DESIGN §4 (key and pause state).
    ///
    /// The state transition is checked again, so that applying two
    /// conflicting admissions (say two pauses of one pattern, both admitted
    /// against the same state) fails instead of corrupting the state. On
    /// error the state is unchanged.
    ///
    /// # Errors
    /// [`ProofsError::AdmittedIndexMismatch`] if `admitted` was made for
    /// another index; [`ProofsError::KeyAlreadyEnrolled`],
    /// [`ProofsError::KeyIdCollision`], [`ProofsError::KeyExpiresBeforeIssued`],
    /// [`ProofsError::OwnerRoleConflict`], [`ProofsError::KeyNotEnrolled`],
    /// [`ProofsError::KeyRoleMismatch`], [`ProofsError::KeyOwnerMismatch`],
    /// [`ProofsError::KeyAlreadyRetired`], [`ProofsError::KeyAlreadyRevoked`],
    /// [`ProofsError::PatternAlreadyPaused`] or
    /// [`ProofsError::PatternNotPaused`] if the transition is not allowed.
    pub fn apply(&mut self, index: u64, admitted: &Admitted) -> Result<(), ProofsError> {
        if admitted.index != index {
            return Err(ProofsError::AdmittedIndexMismatch {
                admitted: admitted.index,
                index,
            });
        }
        let record = admitted.record();
        self.check_transition(record)?;
        self.change(record, index)
    }

    /// The state change `record` at `index` makes, once allowed.
    fn change(&mut self, record: &Record, index: u64) -> Result<(), ProofsError> {
        match record {
            Record::Key(k) => match (k.action(), k.enrolment()) {
                (KeyAction::Enrol, Some(enrolment)) => {
                    let status = KeyStatus::new(
                        k.vkey().clone(),
                        k.role(),
                        k.owner().clone(),
                        enrolment.clone(),
                    )?;
                    self.keys.insert(k.vkey().clone(), status);
                }
                (KeyAction::Retire, _) => {
                    self.retired.insert(k.vkey().clone(), index);
                }
                (KeyAction::Revoke, _) => {
                    self.revoked.insert(k.vkey().clone(), index);
                }
                // `KeyRecord` guarantees an enrol carries its enrolment.
                (KeyAction::Enrol, None) => {
                    return Err(ProofsError::MissingField { field: "scope" });
                }
            },
            Record::Pause(p) => {
                self.paused.insert(p.target().clone(), index);
            }
            Record::Resume(r) => {
                self.paused.remove(r.target());
            }
            Record::Release(_) | Record::Approval(_) | Record::Rollout(_) | Record::State(_) => {}
        }
        Ok(())
    }

    /// Checks a state entry the log appended at `index` against this state,
    /// which must be the state replayed up to (not including) `index`.
    ///
    /// Spec: DESIGN §4 (the state entry; monitors replay the log to check
    /// every state entry is honest).
    ///
    /// Success means the entry is a state record signed by exactly the log
    /// key, names its own index, and lists exactly this state's keys,
    /// retirements, revocations and pauses. It does not check the record's
    /// `time` (the log's clock is not observable) nor that `self` was
    /// replayed honestly.
    ///
    /// # Errors
    /// Grammar errors from [`SignedRecord::parse`];
    /// [`ProofsError::NotAStateRecord`]; [`ProofsError::StateNotSignedByLog`]
    /// unless there is exactly one signature line naming `log_vkey`;
    /// [`ProofsError::BadSignature`] if it does not verify;
    /// [`ProofsError::StateIndexMismatch`]; [`ProofsError::StateKeysMismatch`],
    /// [`ProofsError::StateRetiredMismatch`],
    /// [`ProofsError::StateRevokedMismatch`] or
    /// [`ProofsError::StatePausedMismatch`] for the first group that differs.
    pub fn verify_state_entry(
        &self,
        index: u64,
        entry: &[u8],
        log_vkey: &VerifierKey,
    ) -> Result<StateRecord, ProofsError> {
        let signed = SignedRecord::parse(entry)?;
        let Record::State(stated) = signed.record() else {
            return Err(ProofsError::NotAStateRecord);
        };
        match signed.note().signatures() {
            [sig] if log_vkey.matches(sig) => {}
            _ => return Err(ProofsError::StateNotSignedByLog),
        }
        signed.note().verify(core::slice::from_ref(log_vkey))?;
        if stated.index() != index {
            return Err(ProofsError::StateIndexMismatch {
                stated: stated.index(),
                actual: index,
            });
        }
        let expected = self.state_record(index, stated.time())?;
        if expected.keys() != stated.keys() {
            return Err(ProofsError::StateKeysMismatch);
        }
        if expected.retired() != stated.retired() {
            return Err(ProofsError::StateRetiredMismatch);
        }
        if expected.revoked() != stated.revoked() {
            return Err(ProofsError::StateRevokedMismatch);
        }
        if expected.paused() != stated.paused() {
            return Err(ProofsError::StatePausedMismatch);
        }
        Ok(stated.clone())
    }

    /// Finds and verifies the one signature of a single-signer record and
    /// checks that its key may sign records of `role` issued at `issued`.
    fn single_signer(
        &self,
        note: &Note,
        known: &[(usize, VerifierKey)],
        kind: &'static str,
        role: KeyRole,
        issued: Timestamp,
    ) -> Result<&KeyStatus, ProofsError> {
        let [sig] = note.signatures() else {
            return Err(ProofsError::WrongSignatureCount {
                kind,
                got: note.signatures().len(),
            });
        };
        let candidates: Vec<VerifierKey> = self
            .keys
            .keys()
            .filter(|k| k.matches(sig))
            .cloned()
            .collect();
        if candidates.is_empty() {
            return Err(ProofsError::SignerNotEnrolled);
        }
        let verified = verify_note(note, &candidates, known)?;
        let key = verified
            .first()
            .and_then(|k| self.keys.get(k))
            .ok_or(ProofsError::SignerNotEnrolled)?;
        if key.role() != role {
            return Err(ProofsError::SignerWrongRole {
                expected: role.as_str(),
                got: key.role().as_str(),
            });
        }
        self.check_valid(key.vkey(), issued, key)?;
        Ok(key)
    }

    /// A key signs validly if not revoked, not retired and not expired.
    /// Revocation is checked first: it is the stronger statement.
    fn check_valid(
        &self,
        vkey: &VerifierKey,
        issued: Timestamp,
        key: &KeyStatus,
    ) -> Result<(), ProofsError> {
        if self.revoked.contains_key(vkey) {
            return Err(ProofsError::SignerRevoked);
        }
        if self.retired.contains_key(vkey) {
            return Err(ProofsError::SignerRetired);
        }
        if issued >= key.enrolment().expires() {
            return Err(ProofsError::SignerExpired);
        }
        Ok(())
    }

    /// A pause is signed by one root key, or by one valid breakglass key
    /// whose scope covers the paused pattern.
    fn pause_signer(
        &self,
        note: &Note,
        known: &[(usize, VerifierKey)],
        target: &Pattern,
        issued: Timestamp,
        rules: &AdmissionRules,
    ) -> Result<Vec<VerifierKey>, ProofsError> {
        if let [sig] = note.signatures()
            && rules.roots.iter().any(|r| r.matches(sig))
        {
            return verify_note(note, &rules.roots, known);
        }
        let key = self.single_signer(note, known, "pause", KeyRole::Breakglass, issued)?;
        check_scope(key, core::slice::from_ref(target))?;
        Ok(Vec::from([key.vkey().clone()]))
    }

    /// The state-dependent part of admission, shared by `admit` and `apply`.
    fn check_transition(&self, record: &Record) -> Result<(), ProofsError> {
        match record {
            Record::Key(k) => self.check_key_change(k),
            Record::Pause(p) if self.paused.contains_key(p.target()) => {
                Err(ProofsError::PatternAlreadyPaused)
            }
            Record::Resume(r) if !self.paused.contains_key(r.target()) => {
                Err(ProofsError::PatternNotPaused)
            }
            _ => Ok(()),
        }
    }

    /// Enrol, retire and revoke rules (see the module docs).
    fn check_key_change(&self, k: &KeyRecord) -> Result<(), ProofsError> {
        let vkey = k.vkey();
        let Some(enrolment) = k.enrolment() else {
            // Retire or revoke.
            let status = self.keys.get(vkey).ok_or(ProofsError::KeyNotEnrolled)?;
            if status.role() != k.role() {
                return Err(ProofsError::KeyRoleMismatch);
            }
            if status.owner() != k.owner() {
                return Err(ProofsError::KeyOwnerMismatch);
            }
            if self.revoked.contains_key(vkey) {
                return Err(ProofsError::KeyAlreadyRevoked);
            }
            if k.action() == KeyAction::Retire && self.retired.contains_key(vkey) {
                return Err(ProofsError::KeyAlreadyRetired);
            }
            return Ok(());
        };
        if self.keys.contains_key(vkey) {
            return Err(ProofsError::KeyAlreadyEnrolled);
        }
        if self
            .keys
            .keys()
            .any(|other| other.name() == vkey.name() && other.key_id() == vkey.key_id())
        {
            return Err(ProofsError::KeyIdCollision);
        }
        if enrolment.expires() <= k.issued() {
            return Err(ProofsError::KeyExpiresBeforeIssued);
        }
        for other in self.keys.values() {
            let active = !self.revoked.contains_key(other.vkey())
                && !self.retired.contains_key(other.vkey())
                && other.enrolment().expires() > k.issued();
            let overlapping = other
                .enrolment()
                .scopes()
                .iter()
                .any(|theirs| enrolment.scopes().iter().any(|mine| mine.overlaps(theirs)));
            if active && other.owner() == k.owner() && other.role() != k.role() && overlapping {
                return Err(ProofsError::OwnerRoleConflict {
                    role: other.role().as_str(),
                });
            }
        }
        Ok(())
    }
}

/// `issued` must lie within `skew` seconds of `now`, either side.
fn check_skew(issued: u64, now: u64, skew: u64) -> Result<(), ProofsError> {
    if issued > now.saturating_add(skew) {
        return Err(ProofsError::IssuedInFuture { issued, now });
    }
    if issued < now.saturating_sub(skew) {
        return Err(ProofsError::IssuedTooOld { issued, now });
    }
    Ok(())
}

/// Every target must be covered by one of the key's scopes.
fn check_scope(key: &KeyStatus, targets: &[Pattern]) -> Result<(), ProofsError> {
    match targets.iter().find(|t| !key.enrolment().covers(t)) {
        Some(t) => Err(ProofsError::TargetOutOfScope {
            target: t.as_str().into(),
        }),
        None => Ok(()),
    }
}

/// Every rollout target must be covered by a target of its release.
fn check_rollout_targets(rollout: &Rollout, release: &Release) -> Result<(), ProofsError> {
    match rollout
        .targets()
        .iter()
        .find(|t| !release.targets().iter().any(|r| r.covers(t)))
    {
        Some(t) => Err(ProofsError::RolloutTargetNotInRelease {
            target: t.as_str().into(),
        }),
        None => Ok(()),
    }
}

/// Resolves a release reference: an earlier index holding a release with
/// the same leaf hash.
fn referenced(
    reference: &crate::record::ReleaseRef,
    index_if_appended: u64,
    releases: &impl LoggedReleases,
) -> Result<Release, ProofsError> {
    let index = reference.index();
    let logged = if index < index_if_appended {
        releases.logged_release(index)
    } else {
        None
    };
    let logged = logged.ok_or(ProofsError::ReleaseNotLogged { index })?;
    if logged.leaf_hash() != reference.leaf_hash() {
        return Err(ProofsError::ReleaseHashMismatch { index });
    }
    Ok(logged.release)
}

/// Checks a root-signed record: every line from a root key, each root at
/// most once, every line valid, at least the threshold of them.
fn root_signers(
    note: &Note,
    known: &[(usize, VerifierKey)],
    rules: &AdmissionRules,
) -> Result<Vec<VerifierKey>, ProofsError> {
    let sigs = note.signatures();
    if !sigs
        .iter()
        .all(|s| rules.roots.iter().any(|r| r.matches(s)))
    {
        return Err(ProofsError::NonRootSignature);
    }
    // Every line names a root, so `verify` checks every line.
    let verified = verify_note(note, &rules.roots, known)?;
    if verified.len() != sigs.len() {
        return Err(ProofsError::DuplicateRootSignature);
    }
    if verified.len() < rules.root_threshold {
        return Err(ProofsError::RootThresholdNotMet {
            got: verified.len(),
            need: rules.root_threshold,
        });
    }
    Ok(verified)
}

/// [`Note::verify`] (same keys found, same lines checked, same errors in
/// the same order), except that the Ed25519 check is skipped for a line
/// that `known` says already verified for the very key the line resolves to.
fn verify_note(
    note: &Note,
    verifiers: &[VerifierKey],
    known: &[(usize, VerifierKey)],
) -> Result<Vec<VerifierKey>, ProofsError> {
    let message = note.text().as_bytes();
    let mut signed: Vec<VerifierKey> = Vec::new();
    for (position, sig) in note.signatures().iter().enumerate() {
        let Some(key) = find_key(verifiers, KeyType::Ed25519, sig)? else {
            continue;
        };
        if !known.iter().any(|(p, k)| *p == position && k == key) {
            key.verify_raw(message, sig.signature())?;
        }
        if !signed.contains(key) {
            signed.push(key.clone());
        }
    }
    if signed.is_empty() {
        return Err(ProofsError::NoteUnverified);
    }
    Ok(signed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_bounds_are_inclusive_and_saturate() {
        assert_eq!(check_skew(100, 100, 0), Ok(()));
        assert_eq!(check_skew(110, 100, 10), Ok(()));
        assert_eq!(check_skew(90, 100, 10), Ok(()));
        assert_eq!(
            check_skew(111, 100, 10),
            Err(ProofsError::IssuedInFuture {
                issued: 111,
                now: 100
            })
        );
        assert_eq!(
            check_skew(89, 100, 10),
            Err(ProofsError::IssuedTooOld {
                issued: 89,
                now: 100
            })
        );
        // No overflow at either end of the clock.
        assert_eq!(check_skew(0, 5, u64::MAX), Ok(()));
        assert_eq!(check_skew(u64::MAX, u64::MAX - 1, u64::MAX), Ok(()));
    }
}
