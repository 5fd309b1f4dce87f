//! [`PolicyBuilder`]: the one place where policy rules are enforced. The
//! text parser feeds it line by line, so a policy built in code and one read
//! from a file obey exactly the same rules.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use super::{
    DeviceTarget, MAX_APPROVALS, MAX_GROUPS, MAX_LOGS, MAX_ROOTS, MAX_WITNESSES, Member, Policy,
    PolicyGroup, PolicyLog, PolicyName, PolicyUrl, PolicyWitness, Threshold,
};
use crate::ProofsError;
use crate::note::{KeyType, VerifierKey};

/// Builds a [`Policy`] step by step, checking each step as a policy file's
/// line would be checked (c2sp-digest §6.2, DESIGN §6).
///
/// Order matters as it does in a file: a group or the quorum may refer only
/// to names added before it. Single-valued settings may be set once.
///
/// ```
/// # use sightline_proofs::note::{KeyName, KeyType, SignerKey};
/// # use sightline_proofs::policy::{DeviceTarget, PolicyBuilder, PolicyName};
/// let signer = |name: &str, key_type, seed| {
///     SignerKey::from_seed(KeyName::new(name).unwrap(), key_type, seed).unwrap()
/// };
/// let log = signer("example.com/log", KeyType::Ed25519, [1; 32]);
/// let root = signer("root-1", KeyType::Ed25519, [2; 32]);
/// let w = signer("w.example/1", KeyType::CosignatureV1, [3; 32]);
/// let w1 = PolicyName::new(b"W1").unwrap();
/// let mut b = PolicyBuilder::new();
/// b.log(log.verifier(), None).unwrap();
/// b.witness(w1.clone(), w.verifier(), None).unwrap();
/// b.quorum(Some(w1)).unwrap();
/// b.root(root.verifier()).unwrap();
/// b.root_threshold(1).unwrap();
/// b.approvals(1).unwrap();
/// b.target(DeviceTarget::new("acme/t3").unwrap()).unwrap();
/// b.max_age(86_400).unwrap();
/// let policy = b.build().unwrap();
/// assert_eq!(policy.witnesses().len(), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct PolicyBuilder {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<PolicyGroup>,
    quorum: QuorumSetting,
    roots: Vec<VerifierKey>,
    root_threshold: Option<usize>,
    approvals: Option<usize>,
    target: Option<DeviceTarget>,
    max_age: Option<u64>,
    allow_downgrade: bool,
    /// Witness and group names share one namespace (tlog-policy).
    names: BTreeMap<PolicyName, Member>,
    /// Every public key used, in any role.
    keys: BTreeSet<[u8; 32]>,
}

impl PolicyBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a trusted log (`log <vkey> [<url>]`).
    ///
    /// # Errors
    /// [`ProofsError::PolicyWrongKeyType`] unless the key is an Ed25519 note
    /// key (0x01), [`ProofsError::PolicyDuplicateKey`] if its public key is
    /// already in the policy, [`ProofsError::PolicyTooMany`] beyond
    /// [`MAX_LOGS`].
    ///
    /// # Panics
    /// Never.
    pub fn log(
        &mut self,
        key: VerifierKey,
        url: Option<PolicyUrl>,
    ) -> Result<&mut Self, ProofsError> {
        if self.logs.len() == MAX_LOGS {
            return Err(ProofsError::PolicyTooMany("logs", MAX_LOGS));
        }
        self.use_key(&key, KeyType::Ed25519, "log")?;
        self.logs.push(PolicyLog { key, url });
        Ok(self)
    }

    /// Adds a witness (`witness <name> <vkey> [<url>]`).
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateName`] if the name is taken by a witness
    /// or group, [`ProofsError::PolicyWrongKeyType`] unless the key is a
    /// cosignature/v1 key (0x04), [`ProofsError::PolicyDuplicateKey`],
    /// [`ProofsError::PolicyTooMany`] beyond [`MAX_WITNESSES`].
    ///
    /// # Panics
    /// Never.
    pub fn witness(
        &mut self,
        name: PolicyName,
        key: VerifierKey,
        url: Option<PolicyUrl>,
    ) -> Result<&mut Self, ProofsError> {
        if self.witnesses.len() == MAX_WITNESSES {
            return Err(ProofsError::PolicyTooMany("witnesses", MAX_WITNESSES));
        }
        if self.names.contains_key(&name) {
            return Err(ProofsError::PolicyDuplicateName);
        }
        self.use_key(&key, KeyType::CosignatureV1, "witness")?;
        self.names
            .insert(name.clone(), Member::Witness(self.witnesses.len()));
        self.witnesses.push(PolicyWitness { name, key, url });
        Ok(self)
    }

    /// Adds a group (`group <name> all|any|<k> <member>...`).
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateName`], [`ProofsError::PolicyEmptyGroup`],
    /// [`ProofsError::PolicyNoneMember`] (members are [`PolicyName`]s, so this
    /// arises only from the parser), [`ProofsError::PolicyUndefinedName`] for
    /// a member not defined before, [`ProofsError::PolicyDuplicateMember`],
    /// [`ProofsError::PolicyBadThreshold`] for `AtLeast(0)`,
    /// [`ProofsError::PolicyThresholdTooLarge`] when k > n,
    /// [`ProofsError::PolicyTooMany`] beyond [`MAX_GROUPS`].
    ///
    /// # Panics
    /// Never.
    pub fn group(
        &mut self,
        name: PolicyName,
        threshold: Threshold,
        members: Vec<PolicyName>,
    ) -> Result<&mut Self, ProofsError> {
        if self.groups.len() == MAX_GROUPS {
            return Err(ProofsError::PolicyTooMany("groups", MAX_GROUPS));
        }
        if self.names.contains_key(&name) {
            return Err(ProofsError::PolicyDuplicateName);
        }
        if members.is_empty() {
            return Err(ProofsError::PolicyEmptyGroup);
        }
        let mut seen = BTreeSet::new();
        let mut resolved = Vec::with_capacity(members.len());
        for member in &members {
            let found = self
                .names
                .get(member)
                .ok_or(ProofsError::PolicyUndefinedName)?;
            // Each name may contribute to a group in only one way.
            if !seen.insert(member) {
                return Err(ProofsError::PolicyDuplicateMember);
            }
            resolved.push(*found);
        }
        match threshold {
            Threshold::AtLeast(0) => return Err(ProofsError::PolicyBadThreshold),
            Threshold::AtLeast(k) if k > members.len() => {
                return Err(ProofsError::PolicyThresholdTooLarge {
                    k,
                    n: members.len(),
                });
            }
            _ => {}
        }
        self.names
            .insert(name.clone(), Member::Group(self.groups.len()));
        self.groups.push(PolicyGroup {
            name,
            threshold,
            members,
            resolved,
        });
        Ok(self)
    }

    /// Sets the quorum (`quorum <name>`, or `quorum none` with `None`).
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateQuorum`] if already set,
    /// [`ProofsError::PolicyUndefinedName`] if the name is not defined before.
    ///
    /// # Panics
    /// Never.
    pub fn quorum(&mut self, name: Option<PolicyName>) -> Result<&mut Self, ProofsError> {
        if self.quorum != QuorumSetting::Unset {
            return Err(ProofsError::PolicyDuplicateQuorum);
        }
        self.quorum = match name {
            None => QuorumSetting::None,
            Some(name) => {
                let member = *self
                    .names
                    .get(&name)
                    .ok_or(ProofsError::PolicyUndefinedName)?;
                QuorumSetting::Member(name, member)
            }
        };
        Ok(self)
    }

    /// Adds a root key (`root <vkey>`, DESIGN §6).
    ///
    /// # Errors
    /// [`ProofsError::PolicyWrongKeyType`] unless Ed25519 (0x01),
    /// [`ProofsError::PolicyDuplicateKey`], [`ProofsError::PolicyTooMany`]
    /// beyond [`MAX_ROOTS`].
    ///
    /// # Panics
    /// Never.
    pub fn root(&mut self, key: VerifierKey) -> Result<&mut Self, ProofsError> {
        if self.roots.len() == MAX_ROOTS {
            return Err(ProofsError::PolicyTooMany("roots", MAX_ROOTS));
        }
        self.use_key(&key, KeyType::Ed25519, "root")?;
        self.roots.push(key);
        Ok(self)
    }

    /// Sets `root-threshold <k>` (DESIGN §6); its range against the number of
    /// roots is checked by [`PolicyBuilder::build`], since roots may follow.
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateDirective`] if already set.
    ///
    /// # Panics
    /// Never.
    pub fn root_threshold(&mut self, k: usize) -> Result<&mut Self, ProofsError> {
        set_once(&mut self.root_threshold, k, "root-threshold")?;
        Ok(self)
    }

    /// Sets `approvals <k>` (DESIGN §6): 0 means a release needs none.
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateDirective`] if already set,
    /// [`ProofsError::PolicyApprovalsOutOfRange`] above [`MAX_APPROVALS`].
    ///
    /// # Panics
    /// Never.
    pub fn approvals(&mut self, k: usize) -> Result<&mut Self, ProofsError> {
        if k > MAX_APPROVALS {
            return Err(ProofsError::PolicyApprovalsOutOfRange(k, MAX_APPROVALS));
        }
        set_once(&mut self.approvals, k, "approvals")?;
        Ok(self)
    }

    /// Sets `target <device target>` (DESIGN §6).
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateDirective`] if already set.
    ///
    /// # Panics
    /// Never.
    pub fn target(&mut self, target: DeviceTarget) -> Result<&mut Self, ProofsError> {
        set_once(&mut self.target, target, "target")?;
        Ok(self)
    }

    /// Sets `max-age <seconds>` (DESIGN §6).
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateDirective`] if already set,
    /// [`ProofsError::PolicyMaxAgeOutOfRange`] for 0 or above 2^63-1.
    ///
    /// # Panics
    /// Never.
    pub fn max_age(&mut self, seconds: u64) -> Result<&mut Self, ProofsError> {
        // Cosignature times are at most 2^63-1 (c2sp-digest §3.1), so a
        // larger age could never matter; 0 would reject every checkpoint
        // not cosigned in the same second.
        if seconds == 0 || seconds > i64::MAX as u64 {
            return Err(ProofsError::PolicyMaxAgeOutOfRange);
        }
        set_once(&mut self.max_age, seconds, "max-age")?;
        Ok(self)
    }

    /// Sets `allow-downgrade` (DESIGN §6).
    ///
    /// # Errors
    /// [`ProofsError::PolicyDuplicateDirective`] if already set.
    ///
    /// # Panics
    /// Never.
    pub fn allow_downgrade(&mut self) -> Result<&mut Self, ProofsError> {
        if self.allow_downgrade {
            return Err(ProofsError::PolicyDuplicateDirective("allow-downgrade"));
        }
        self.allow_downgrade = true;
        Ok(self)
    }

    /// Checks the whole-policy rules and returns the policy.
    ///
    /// # Errors
    /// [`ProofsError::PolicyMissingQuorum`], or
    /// [`ProofsError::PolicyMissingDirective`] naming the first of `log`,
    /// `root`, `root-threshold`, `approvals`, `target`, `max-age` that is
    /// missing, or [`ProofsError::PolicyRootThresholdOutOfRange`].
    ///
    /// # Panics
    /// Never.
    pub fn build(&self) -> Result<Policy, ProofsError> {
        let (quorum, quorum_ref) = match &self.quorum {
            QuorumSetting::Unset => return Err(ProofsError::PolicyMissingQuorum),
            QuorumSetting::None => (None, None),
            QuorumSetting::Member(name, member) => (Some(name.clone()), Some(*member)),
        };
        if self.logs.is_empty() {
            return Err(ProofsError::PolicyMissingDirective("log"));
        }
        if self.roots.is_empty() {
            return Err(ProofsError::PolicyMissingDirective("root"));
        }
        let root_threshold = self
            .root_threshold
            .ok_or(ProofsError::PolicyMissingDirective("root-threshold"))?;
        let approvals = self
            .approvals
            .ok_or(ProofsError::PolicyMissingDirective("approvals"))?;
        let target = self
            .target
            .clone()
            .ok_or(ProofsError::PolicyMissingDirective("target"))?;
        let max_age = self
            .max_age
            .ok_or(ProofsError::PolicyMissingDirective("max-age"))?;
        if root_threshold == 0 || root_threshold > self.roots.len() {
            return Err(ProofsError::PolicyRootThresholdOutOfRange {
                k: root_threshold,
                roots: self.roots.len(),
            });
        }
        Ok(Policy {
            logs: self.logs.clone(),
            witnesses: self.witnesses.clone(),
            groups: self.groups.clone(),
            quorum,
            quorum_ref,
            roots: self.roots.clone(),
            root_threshold,
            approvals,
            target,
            max_age,
            allow_downgrade: self.allow_downgrade,
        })
    }

    /// Checks a key's type for its role and records its public key, which
    /// may appear only once in the whole policy.
    fn use_key(
        &mut self,
        key: &VerifierKey,
        expected: KeyType,
        role: &'static str,
    ) -> Result<(), ProofsError> {
        if key.key_type() != expected {
            return Err(ProofsError::PolicyWrongKeyType(role));
        }
        // tlog-policy forbids two logs or two witnesses with one public key
        // even under different names; Sightline also keeps roles apart, so
        // no key may serve as, say, both a log key and a root key.
        if !self.keys.insert(key.public_key()) {
            return Err(ProofsError::PolicyDuplicateKey);
        }
        Ok(())
    }
}

/// The state of the builder's `quorum` line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum QuorumSetting {
    /// No quorum line yet.
    #[default]
    Unset,
    /// `quorum none`.
    None,
    /// `quorum <name>`, resolved.
    Member(PolicyName, Member),
}

/// Stores a single-valued setting, refusing a second one.
fn set_once<T>(slot: &mut Option<T>, value: T, directive: &'static str) -> Result<(), ProofsError> {
    if slot.is_some() {
        return Err(ProofsError::PolicyDuplicateDirective(directive));
    }
    *slot = Some(value);
    Ok(())
}
