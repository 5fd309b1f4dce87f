//! The one error type of this crate.
//!
//! Every failed check has its own variant, so that a caller (a device, a
//! witness, the log's admission code) can tell precisely which rule a value
//! broke. Variants are grouped by the module that returns them.

use thiserror::Error;

/// Everything that can go wrong while parsing or verifying in `sightline-proofs`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProofsError {
    // ------------------------------------------------------------------
    // hash: hash values and their encodings.
    // ------------------------------------------------------------------
    /// A hash was not exactly 32 bytes long.
    #[error("hash must be 32 bytes, got {0}")]
    BadHashLength(usize),
    /// A hash was not valid standard, padded base64.
    #[error("hash is not valid base64")]
    BadHashBase64,
    /// A hash was not valid lowercase hex.
    #[error("hash is not valid hex")]
    BadHashHex,

    // ------------------------------------------------------------------
    // tree, inclusion, consistency, node_reader, tile: Merkle tree proofs.
    // ------------------------------------------------------------------

    // ------------------------------------------------------------------
    // note, checkpoint, cosignature, witness_api, tlog_proof: signed notes.
    // ------------------------------------------------------------------
    // note: key names, keys and signed notes (c2sp-digest §1).
    /// A key name was empty.
    #[error("key name must not be empty")]
    KeyNameEmpty,
    /// A key name contained `+`, which separates vkey fields.
    #[error("key name must not contain '+'")]
    KeyNameHasPlus,
    /// A key name contained a Unicode space (Go's `unicode.IsSpace`).
    #[error("key name must not contain a Unicode space")]
    KeyNameHasSpace,
    /// A key name contained a control character, which no note may hold.
    #[error("key name must not contain a control character")]
    KeyNameHasControl,
    /// A key carried a type byte other than 0x01 (Ed25519) or 0x04 (cosignature/v1).
    #[error("unknown key type 0x{0:02x}: only 0x01 and 0x04 are supported")]
    UnknownKeyType(u8),
    /// A key string had fewer than the required `+`-separated fields.
    #[error("key string must be name+hexid+base64(type||key)")]
    KeyMissingField,
    /// A key ID field was not exactly eight hex digits.
    #[error("key ID must be exactly 8 hex digits")]
    BadKeyIdHex,
    /// A key's stated ID differs from the one computed from name, type and key.
    #[error("key ID {stated:08x} does not match computed {computed:08x}")]
    KeyIdMismatch {
        /// The ID written in the key string.
        stated: u32,
        /// The ID computed as the first 4 bytes of SHA-256(name || LF || type || key).
        computed: u32,
    },
    /// A key's base64 field was invalid or non-canonical.
    #[error("key is not valid canonical base64")]
    BadKeyBase64,
    /// A key's base64 field did not hold a type byte and 32 key bytes.
    #[error("key must be 32 bytes after the type byte, got {0}")]
    BadKeyLength(usize),
    /// A public key is not a valid Ed25519 point.
    #[error("public key is not a valid Ed25519 point")]
    InvalidPublicKey,
    /// A public key is a small-order Ed25519 point.
    #[error("public key is a weak (small-order) Ed25519 point")]
    WeakPublicKey,
    /// A signer key string did not start with `PRIVATE+KEY+`.
    #[error("signer key must start with PRIVATE+KEY+")]
    SignerKeyMissingPrefix,
    /// A key of the wrong type was used (0x04 for a note, 0x01 for a cosignature).
    #[error("key type 0x{got:02x} used where 0x{expected:02x} is required")]
    WrongKeyType {
        /// The type byte the operation needs.
        expected: u8,
        /// The type byte of the key given.
        got: u8,
    },
    /// A note exceeded the size limit.
    #[error("note is {0} bytes, above the limit")]
    NoteTooLarge(usize),
    /// A note was not valid UTF-8.
    #[error("note must be valid UTF-8")]
    NoteNotUtf8,
    /// A note held a byte below 0x20 other than LF (CR and TAB included).
    #[error("note must not contain control byte 0x{0:02x}")]
    NoteControlCharacter(u8),
    /// A note had no blank line separating text from signatures.
    #[error("note has no blank line before its signatures")]
    NoteNoSignatureBlock,
    /// Nothing followed a note's blank separator line.
    #[error("note has no signature lines")]
    NoteNoSignatures,
    /// A note's last signature line did not end in LF.
    #[error("note must end in LF")]
    NoteNoFinalNewline,
    /// Note text to be signed was empty.
    #[error("note text must not be empty")]
    NoteTextEmpty,
    /// Note text to be signed did not end in LF.
    #[error("note text must end in LF")]
    NoteTextNoFinalNewline,
    /// A note had more signature lines than the limit.
    #[error("note has {0} signature lines, above the limit")]
    TooManySignatures(usize),
    /// A signature line did not start with an em dash (U+2014) and a space.
    #[error("signature line must start with an em dash and a space")]
    SignatureLineNoEmDash,
    /// A signature line had no space between key name and signature.
    #[error("signature line must be '— name base64'")]
    SignatureLineNoSpace,
    /// A signature was not valid canonical standard base64.
    #[error("signature is not valid canonical base64")]
    SignatureBase64,
    /// A signature decoded to fewer than 5 bytes (key ID plus at least one).
    #[error("signature decodes to {0} bytes, fewer than 5")]
    SignatureTooShort(usize),
    /// A signature line from a trusted key did not verify.
    #[error("signature by trusted key {key_id:08x} does not verify")]
    BadSignature {
        /// The key ID of the trusted key.
        key_id: u32,
    },
    /// Two different trusted keys share the name and key ID on a line.
    #[error("two trusted keys share name and key ID {key_id:08x}")]
    AmbiguousVerifierKey {
        /// The shared key ID.
        key_id: u32,
    },
    /// No trusted key signed the note.
    #[error("note carries no signature from a trusted key")]
    NoteUnverified,
    // decimal: sizes, indexes and `old` values (c2sp-digest §2.3, §4.2, §6.1).
    /// A number was empty or held a character other than an ASCII digit.
    #[error("number must be ASCII decimal digits only")]
    NotDecimal,
    /// A number other than 0 started with 0.
    #[error("number must not have leading zeros")]
    DecimalLeadingZero,
    /// A number exceeded i64::MAX, the largest tree size or time allowed.
    #[error("number must not exceed 2^63-1")]
    DecimalTooLarge,
    // checkpoint: checkpoint text and signed checkpoints (c2sp-digest §2).
    /// An origin was empty.
    #[error("origin must not be empty")]
    OriginEmpty,
    /// An origin contained `+`.
    #[error("origin must not contain '+'")]
    OriginHasPlus,
    /// An origin contained a Unicode space.
    #[error("origin must not contain a Unicode space")]
    OriginHasSpace,
    /// An origin contained a control character.
    #[error("origin must not contain a control character")]
    OriginHasControl,
    /// Checkpoint text had fewer than three LF-terminated lines.
    #[error("checkpoint must have origin, size and root lines, each ending in LF")]
    CheckpointMissingLine,
    /// Checkpoint text had lines after the root; Sightline accepts none.
    #[error("checkpoint must not have extension lines")]
    CheckpointExtensionLines,
    /// A checkpoint root was not canonical base64 of 32 bytes.
    #[error("checkpoint root must be canonical base64 of 32 bytes")]
    CheckpointBadRoot,
    /// A checkpoint of size 0 had a root other than SHA-256("").
    #[error("checkpoint of size 0 must have root SHA-256(\"\")")]
    CheckpointEmptyTreeRoot,
    /// A checkpoint's origin was not the one expected.
    #[error("checkpoint origin is not the expected log")]
    CheckpointWrongOrigin,
    /// A log key's name differed from the checkpoint origin it was to sign.
    #[error("log key name must equal the checkpoint origin")]
    CheckpointKeyNameMismatch,
    // ------------------------------------------------------------------
    // record, state: the Sightline record grammar and replayed state.
    // ------------------------------------------------------------------
    // Field values (record::values, record::time), DESIGN §4.
    /// A token was not `[A-Za-z0-9][A-Za-z0-9._-]*` of at most 64 bytes.
    #[error("token must match [A-Za-z0-9][A-Za-z0-9._-]* and be at most 64 bytes")]
    BadToken,
    /// A target pattern broke the pattern grammar.
    #[error(
        "pattern must be 1-16 `/`-separated tokens, optionally ending in `*`, at most 255 bytes"
    )]
    BadPattern,
    /// A time was not strict `YYYY-MM-DDTHH:MM:SSZ` naming a real instant from 1970 on.
    #[error(
        "time must be RFC 3339 UTC to the second (YYYY-MM-DDTHH:MM:SSZ), a valid date from 1970 on"
    )]
    BadTimestamp,
    /// POSIX seconds after 9999-12-31T23:59:59Z, which have no record text form.
    #[error("time is after 9999-12-31T23:59:59Z")]
    TimestampOutOfRange,
    /// A version was not a canonical semver 2.0 version.
    #[error("version must be a semantic version (semver 2.0)")]
    BadVersion,
    /// An artifact digest was not `sha256:` and 64 lowercase hex digits.
    #[error("artifact must be sha256: followed by 64 lowercase hex digits")]
    BadDigest,
    /// A size was not a canonical decimal u64.
    #[error("size must be a decimal number without leading zeros")]
    BadSize,
    /// A log index was not a canonical decimal at most i64::MAX - 1.
    #[error("index must be a decimal number without leading zeros, below 2^63 - 1")]
    BadIndex,
    /// A release reference was not `<index> <64 lowercase hex leaf hash>`.
    #[error("release reference must be `<index> <64 lowercase hex leaf hash>`")]
    BadReleaseRef,
    /// A reason was empty, had control characters or surrounding whitespace.
    #[error("reason must be one non-empty printable line without surrounding whitespace")]
    BadReason,
    /// A key role was not signer, approver, operator or breakglass.
    #[error("key role must be signer, approver, operator or breakglass")]
    BadKeyRole,
    /// A key action was not enrol, retire or revoke.
    #[error("key action must be enrol, retire or revoke")]
    BadKeyAction,
    /// A key in a record was not an Ed25519 note key (type 0x01).
    #[error("record keys must be Ed25519 signed-note keys (type 0x01)")]
    RecordKeyNotEd25519,

    // Record text layout (record::lines), DESIGN §4.
    /// The record text did not end in LF.
    #[error("record text must end in a newline")]
    RecordMissingFinalNewline,
    /// The first line was not `sightline/v1 <kind>`.
    #[error("record must start with `sightline/v1 <kind>`")]
    BadRecordHeader,
    /// The kind on the first line is not one this crate knows.
    #[error("unknown record kind")]
    UnknownRecordKind,
    /// A record line was empty.
    #[error("line {line}: empty line in record")]
    RecordEmptyLine {
        /// 1-based line number.
        line: usize,
    },
    /// A line had a field name but no space and value.
    #[error("line {line}: field line must be `<field> <value>`")]
    MissingFieldValue {
        /// 1-based line number.
        line: usize,
    },
    /// A line named a field that this kind does not have.
    #[error("line {line}: unknown field for this record kind")]
    UnknownField {
        /// 1-based line number.
        line: usize,
    },
    /// A field appeared before one that precedes it in the kind's table.
    #[error("line {line}: field `{field}` is out of order")]
    FieldOutOfOrder {
        /// The field name.
        field: &'static str,
        /// 1-based line number.
        line: usize,
    },
    /// A field that may appear once appeared again.
    #[error("line {line}: duplicate field `{field}`")]
    DuplicateField {
        /// The field name.
        field: &'static str,
        /// 1-based line number.
        line: usize,
    },
    /// A required field was absent.
    #[error("missing field `{field}`")]
    MissingField {
        /// The field name.
        field: &'static str,
    },
    /// A repeating field had the same value twice.
    #[error("field `{field}` repeats a value")]
    DuplicateValue {
        /// The field name.
        field: &'static str,
    },
    /// A retire or revoke record carried an enrol-only field.
    #[error("field `{field}` is only allowed when the action is enrol")]
    FieldOnlyForEnrol {
        /// The field name (`scope` or `expires`).
        field: &'static str,
    },
    /// A state record's lines of one group were not in strictly ascending byte order.
    #[error("state `{field}` lines must be sorted bytewise without repeats")]
    StateGroupNotSorted {
        /// The group's field name.
        field: &'static str,
    },
    /// A state `key` line was not `<vkey> <role> <owner> <expires> <scopes> <index>`.
    #[error(
        "state key line must be `<vkey> <role> <owner> <expires> <scope>[,<scope>...] <enrolled index>`"
    )]
    BadStateKeyLine,
    /// A state `retired`, `revoked` or `paused` line was not `<value> <index>`.
    #[error("state `{field}` line must be `<value> <index>`")]
    BadStateLine {
        /// The group's field name.
        field: &'static str,
    },
    /// A state record listed a retired or revoked key that it does not list as enrolled.
    #[error("state lists a retired or revoked key that was never enrolled")]
    StateKeyNotListed,

    // Signed entries (record::SignedRecord), DESIGN §4.
    /// An entry was larger than 65,535 bytes.
    #[error("entry is {len} bytes; entries are at most 65535 bytes")]
    EntryTooLarge {
        /// The entry's length.
        len: usize,
    },
    /// A signed entry was not in its canonical byte form.
    #[error("entry does not re-encode to the same bytes (non-canonical signature encoding)")]
    NonCanonicalEntry,
    /// A vkey inside a record was not in canonical form (lowercase key ID).
    #[error("vkey in a record must be canonical (lowercase hex key ID, padded base64)")]
    NonCanonicalVkey,

    // Admission rules (state::LogState::admit), DESIGN §4.
    /// Admission rules with no roots, a zero threshold or one above the root count.
    #[error("root threshold must be between 1 and the number of root keys")]
    BadRootThreshold,
    /// The same root key was configured twice.
    #[error("root keys must be distinct")]
    DuplicateRootKey,
    /// `issued` lies beyond `now` plus the clock skew.
    #[error("issued time {issued} is more than the allowed clock skew after now ({now})")]
    IssuedInFuture {
        /// The record's issued time, POSIX seconds.
        issued: u64,
        /// The admitting clock, POSIX seconds.
        now: u64,
    },
    /// `issued` lies before `now` minus the clock skew.
    #[error("issued time {issued} is more than the allowed clock skew before now ({now})")]
    IssuedTooOld {
        /// The record's issued time, POSIX seconds.
        issued: u64,
        /// The admitting clock, POSIX seconds.
        now: u64,
    },
    /// A record kind that takes exactly one signature line had another count.
    #[error("{kind} records carry exactly one signature line, got {got}")]
    WrongSignatureCount {
        /// The record kind.
        kind: &'static str,
        /// Number of signature lines in the entry.
        got: usize,
    },
    /// The signature line names no enrolled key.
    #[error("signature is not from an enrolled key")]
    SignerNotEnrolled,
    /// The signing key is enrolled for another role.
    #[error("signing key is enrolled as {got}, this record needs {expected}")]
    SignerWrongRole {
        /// Role the record kind needs.
        expected: &'static str,
        /// Role the key holds.
        got: &'static str,
    },
    /// The signing key had expired at the record's issued time.
    #[error("signing key expired before the record was issued")]
    SignerExpired,
    /// The signing key is retired.
    #[error("signing key is retired")]
    SignerRetired,
    /// The signing key is revoked.
    #[error("signing key is revoked")]
    SignerRevoked,
    /// A target is outside every scope of the signing key.
    #[error("target `{target}` is outside the signing key's scope")]
    TargetOutOfScope {
        /// The uncovered target pattern.
        target: alloc::string::String,
    },
    /// The referenced index holds no logged release (or lies at or after this entry).
    #[error("referenced index {index} is not a logged release")]
    ReleaseNotLogged {
        /// The referenced index.
        index: u64,
    },
    /// The referenced release's leaf hash differs from the reference.
    #[error("referenced release at index {index} has a different leaf hash")]
    ReleaseHashMismatch {
        /// The referenced index.
        index: u64,
    },
    /// A rollout target is not covered by any target of its release.
    #[error("rollout target `{target}` is not covered by the release's targets")]
    RolloutTargetNotInRelease {
        /// The uncovered rollout target.
        target: alloc::string::String,
    },
    /// A key or resume record carried a signature line from a non-root key.
    #[error("key and resume records are signed by root keys only")]
    NonRootSignature,
    /// One root key signed the same record twice.
    #[error("a root key signed the record more than once")]
    DuplicateRootSignature,
    /// Fewer distinct root keys signed than the threshold.
    #[error("record is signed by {got} distinct root keys, {need} required")]
    RootThresholdNotMet {
        /// Distinct valid root signatures.
        got: usize,
        /// The configured threshold.
        need: usize,
    },
    /// An enrolment's expiry is not after its issued time.
    #[error("key expiry must be after the record's issued time")]
    KeyExpiresBeforeIssued,
    /// The key was enrolled before; keys are enrolled once for life.
    #[error("key was already enrolled (keys are enrolled once; enrol a new key instead)")]
    KeyAlreadyEnrolled,
    /// Another enrolled key has the same name and key ID.
    #[error("another enrolled key has the same name and key ID")]
    KeyIdCollision,
    /// The owner holds another role for an overlapping scope.
    #[error("owner already holds role {role} for an overlapping scope")]
    OwnerRoleConflict {
        /// The role the owner already holds.
        role: &'static str,
    },
    /// Retire or revoke of a key that was never enrolled.
    #[error("key is not enrolled")]
    KeyNotEnrolled,
    /// Retire or revoke naming a role other than the enrolled one.
    #[error("key record's role differs from the key's enrolled role")]
    KeyRoleMismatch,
    /// Retire or revoke naming an owner other than the enrolled one.
    #[error("key record's owner differs from the key's enrolled owner")]
    KeyOwnerMismatch,
    /// Retire of a key already retired.
    #[error("key is already retired")]
    KeyAlreadyRetired,
    /// Retire or revoke of a key already revoked.
    #[error("key is already revoked")]
    KeyAlreadyRevoked,
    /// Pause of a pattern already paused.
    #[error("target pattern is already paused")]
    PatternAlreadyPaused,
    /// Resume of a pattern that is not paused.
    #[error("target pattern is not paused")]
    PatternNotPaused,
    /// A state record was submitted; only the log writes them.
    #[error("state records are written by the log, not submitted")]
    StateNotAdmissible,
    /// `apply` was given an admission made for another index.
    #[error("admission was made for index {admitted}, applied at {index}")]
    AdmittedIndexMismatch {
        /// The index the entry was admitted for.
        admitted: u64,
        /// The index passed to apply.
        index: u64,
    },

    // State entries (state::LogState::verify_state_entry), DESIGN §4.
    /// The entry at a state position is not a state record.
    #[error("entry is not a state record")]
    NotAStateRecord,
    /// A state entry is not signed by exactly the log key.
    #[error("state entry must carry exactly one signature, by the log key")]
    StateNotSignedByLog,
    /// A state entry names an index other than its own.
    #[error("state entry says index {stated}, but it is at index {actual}")]
    StateIndexMismatch {
        /// The index in the record.
        stated: u64,
        /// The entry's position.
        actual: u64,
    },
    /// A state entry's key lines differ from the replayed state.
    #[error("state entry's enrolled keys differ from the replayed log")]
    StateKeysMismatch,
    /// A state entry's retired lines differ from the replayed state.
    #[error("state entry's retired keys differ from the replayed log")]
    StateRetiredMismatch,
    /// A state entry's revoked lines differ from the replayed state.
    #[error("state entry's revoked keys differ from the replayed log")]
    StateRevokedMismatch,
    /// A state entry's paused lines differ from the replayed state.
    #[error("state entry's paused targets differ from the replayed log")]
    StatePausedMismatch,
    // ------------------------------------------------------------------
    // policy, bundle: trust policy and release bundles.
    // ------------------------------------------------------------------
}
