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
    /// A tree size exceeded 2^63 - 1, the largest size a checkpoint can
    /// carry (c2sp-digest §2.3: sizes are non-negative int64).
    #[error("tree size {0} exceeds the maximum of 2^63 - 1")]
    TreeSizeTooLarge(u64),
    /// A tree of size 0 was given a root other than SHA-256("") (c2sp-digest §2.1).
    #[error("the empty tree's root must be SHA-256(\"\")")]
    EmptyTreeRootMismatch,
    /// A node's level was above 63, the deepest level a u64-indexed tree has.
    #[error("node level {0} exceeds 63")]
    NodeLevelTooLarge(u8),
    /// A node's leaf range `[index << level, (index + 1) << level)` does not fit in u64.
    #[error("node at level {level}, index {index} covers leaves beyond 2^64")]
    NodeOutOfRange {
        /// The node's level.
        level: u8,
        /// The node's index within its level.
        index: u64,
    },
    /// A subtree range `[start, end)` was empty or reversed.
    #[error("subtree [{start}, {end}) is empty")]
    EmptySubtree {
        /// First leaf of the range.
        start: u64,
        /// One past the last leaf of the range.
        end: u64,
    },
    /// A subtree range did not start at a multiple of the smallest power of two
    /// at least as large as its length, so it is not a node of any RFC 6962 tree.
    #[error("subtree [{start}, {end}) is not aligned to its size")]
    SubtreeNotAligned {
        /// First leaf of the range.
        start: u64,
        /// One past the last leaf of the range.
        end: u64,
    },
    /// A leaf index was not below the tree size.
    #[error("leaf index {index} is not below tree size {size}")]
    LeafIndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A proof path held more hashes than any proof for a tree of at most
    /// 2^63 - 1 leaves can need.
    #[error("proof path has {len} hashes, more than the maximum of {max}")]
    ProofPathTooLong {
        /// Number of hashes given.
        len: usize,
        /// The maximum for this kind of proof.
        max: usize,
    },
    /// An inclusion proof was for a different tree size than the root it was checked against.
    #[error("inclusion proof is for tree size {proof}, root is for size {root}")]
    InclusionSizeMismatch {
        /// Size in the proof.
        proof: u64,
        /// Size of the root.
        root: u64,
    },
    /// An inclusion path had the wrong number of hashes for its index and size (RFC 9162 §2.1.3.2).
    #[error("inclusion path has {actual} hashes, expected {expected}")]
    InclusionPathLength {
        /// Length required by the index and size.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// An inclusion path did not lead from the leaf hash to the root (RFC 9162 §2.1.3.2).
    #[error("inclusion proof does not lead to the root hash")]
    InclusionRootMismatch,
    /// A consistency proof's old size was larger than its new size.
    #[error("consistency proof old size {old} is larger than new size {new}")]
    ConsistencyOldLarger {
        /// The old (first) tree size.
        old: u64,
        /// The new (second) tree size.
        new: u64,
    },
    /// A consistency proof was for different sizes than the roots it was checked against.
    #[error(
        "consistency proof is for sizes {proof_old} -> {proof_new}, roots are for {root_old} -> {root_new}"
    )]
    ConsistencySizeMismatch {
        /// Old size in the proof.
        proof_old: u64,
        /// New size in the proof.
        proof_new: u64,
        /// Size of the old root.
        root_old: u64,
        /// Size of the new root.
        root_new: u64,
    },
    /// A consistency path had the wrong number of hashes for its sizes (RFC 9162 §2.1.4.2).
    #[error("consistency path has {actual} hashes, expected {expected}")]
    ConsistencyPathLength {
        /// Length required by the two sizes.
        expected: usize,
        /// Length given.
        actual: usize,
    },
    /// Two roots of the same size differ, so the trees are not consistent.
    #[error("roots of equal size {0} differ")]
    ConsistencySameSizeRootMismatch(u64),
    /// A consistency path did not reproduce the old root (RFC 9162 §2.1.4.2).
    #[error("consistency proof does not reproduce the old root")]
    ConsistencyOldRootMismatch,
    /// A consistency path did not reproduce the new root (RFC 9162 §2.1.4.2).
    #[error("consistency proof does not reproduce the new root")]
    ConsistencyNewRootMismatch,
    /// A `NodeReader` returned a different number of hashes than nodes asked for.
    #[error("node reader returned {actual} hashes for {expected} nodes")]
    NodeReaderCountMismatch {
        /// Nodes asked for.
        expected: usize,
        /// Hashes returned.
        actual: usize,
    },
    /// A tile level was above 63 (c2sp-digest §5.1).
    #[error("tile level {0} exceeds 63")]
    TileLevelTooLarge(u8),
    /// A tile width was 0 or above 256 (c2sp-digest §5.1).
    #[error("tile width {0} is not between 1 and 256")]
    TileWidthOutOfRange(u16),
    /// An entry bundle was asked for a tile above level 0: only level-0 tiles
    /// have bundles (c2sp-digest §5.3).
    #[error("entry bundles exist only at level 0, not level {0}")]
    TileEntriesNotLevelZero(u8),
    /// A tile path was longer than any canonical path (c2sp-digest §5.2).
    #[error("tile path is longer than any canonical tile path")]
    TilePathTooLong,
    /// A tile path did not start with `tile/` (c2sp-digest §5.1).
    #[error("tile path does not start with \"tile/\"")]
    TilePathPrefix,
    /// A tile path's level was not `entries` or a decimal 0 to 63 without
    /// leading zeros (c2sp-digest §5.1).
    #[error("tile path level is not 0-63 in canonical decimal or \"entries\"")]
    TilePathLevel,
    /// A tile path's index was not `x`-prefixed 3-digit groups ending in a
    /// bare 3-digit group (c2sp-digest §5.2).
    #[error("tile path index is not in 3-digit groups")]
    TilePathIndex,
    /// A tile path's index started with an `x000/` group (c2sp-digest §5.2).
    #[error("tile path index has a leading x000 group")]
    TilePathIndexLeadingZeros,
    /// A tile path's index did not fit in 64 bits.
    #[error("tile path index exceeds 2^64 - 1")]
    TilePathIndexOverflow,
    /// A tile path's `.p/W` width was not a decimal 1 to 255 without leading
    /// zeros (c2sp-digest §5.1).
    #[error("tile path width is not 1-255 in canonical decimal")]
    TilePathWidth,
    /// A tile does not exist in the tree of the given size: beyond its right
    /// edge, or at a level the tree does not reach (c2sp-digest §5.3).
    #[error("tile at level {level}, index {index} does not exist at tree size {size}")]
    TileNotInTree {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A tile's width differs from its width in the tree of the given size
    /// (c2sp-digest §5.3, "Partial tiles").
    #[error("tile at level {level}, index {index} has width {width}, expected {expected}")]
    TileWidthMismatch {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
        /// The width given.
        width: u16,
        /// The width the tree implies.
        expected: u16,
    },
    /// Tile data was not exactly 32 bytes per hash of its width (c2sp-digest §5.3).
    #[error("tile data is {actual} bytes, expected {expected}")]
    TileDataLength {
        /// Bytes required by the width.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// A node is not stored in the tile it was read from.
    #[error("node at level {level}, index {index} is not in the given tile")]
    NodeNotInTile {
        /// The node's level.
        level: u8,
        /// The node's index.
        index: u64,
    },
    /// The same tile was supplied twice in one batch.
    #[error("tile at level {level}, index {index} was supplied twice")]
    TileDuplicate {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
    },
    /// A tile needed to recompute the signed root was not supplied
    /// (c2sp-digest §5.5, "Caching tiles").
    #[error(
        "tile at level {level}, index {index} is needed to check the root but was not supplied"
    )]
    TileMissingForRoot {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
    },
    /// The tiles that make up the tree's right edge do not hash to the
    /// signed root, so at least one of them is wrong.
    #[error("tiles do not reproduce the signed root")]
    TileRootMismatch,
    /// A full tile's parent tile was neither supplied nor already authenticated.
    #[error(
        "tile at level {level}, index {index} cannot be authenticated: its parent tile is missing"
    )]
    TileParentMissing {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
    },
    /// A tile does not hash to the entry its authenticated parent holds for it,
    /// or differs from an already authenticated copy.
    #[error("tile at level {level}, index {index} does not match its authenticated hash")]
    TileHashMismatch {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
    },
    /// A node was read from authenticated tiles, but its tile was never supplied.
    #[error("tile at level {level}, index {index} holding the node was not supplied")]
    TileNotSupplied {
        /// The tile's level.
        level: u8,
        /// The tile's index.
        index: u64,
    },
    /// An entry was longer than 65,535 bytes: the most a u16 length prefix in
    /// an entry bundle can say (c2sp-digest §5.3, §9.4), and so the limit on
    /// every Sightline record (DESIGN §4).
    #[error("entry of {0} bytes exceeds the 65535-byte entry limit")]
    EntryTooLarge(usize),
    /// An entry bundle was empty: served bundles hold 1 to 256 entries.
    #[error("entry bundle is empty")]
    EntryBundleEmpty,
    /// An entry bundle held more than 256 entries (c2sp-digest §5.3).
    #[error("entry bundle holds more than 256 entries")]
    EntryBundleTooManyEntries,
    /// An entry bundle ended in the middle of a length prefix.
    #[error("entry bundle ends inside a length prefix")]
    EntryBundleDanglingPrefix,
    /// An entry's length prefix ran past the end of the bundle.
    #[error("entry of {declared} bytes runs past the end of the bundle ({remaining} bytes left)")]
    EntryBundleOverrun {
        /// The length the prefix declares.
        declared: usize,
        /// The bytes left after the prefix.
        remaining: usize,
    },
    /// Stored rightmost tiles given to the tile builder do not hash to the
    /// stored root they are meant to resume from.
    #[error("stored rightmost tiles do not hash to the stored root")]
    TileBuilderRootMismatch,
    /// A node was asked for that is not complete in the tree being read.
    #[error("node at level {level}, index {index} is not complete in a tree of size {size}")]
    NodeNotInTree {
        /// The node's level.
        level: u8,
        /// The node's index within its level.
        index: u64,
        /// The tree size.
        size: u64,
    },
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
    /// A batch of signatures did not verify as a whole: at least one of
    /// them is bad. Batch verification cannot say which; check them one by
    /// one (as `verify_strict` does) to find it.
    #[error("a batch of signatures does not verify; check them one by one to find the bad one")]
    BatchSignatureFailed,
    // wire: sizes, indexes and `old` values (c2sp-digest §2.3, §4.2, §6.1).
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
    /// A checkpoint's origin was not the one expected.
    #[error("checkpoint origin is not the expected log")]
    CheckpointWrongOrigin,
    /// A log key's name differed from the checkpoint origin it was to sign.
    #[error("log key name must equal the checkpoint origin")]
    CheckpointKeyNameMismatch,
    // cosignature: cosignature/v1 (c2sp-digest §3.2).
    /// A cosignature line's name or key ID was not the witness key's.
    #[error("cosignature line is not from this witness key")]
    CosignatureKeyMismatch,
    /// A cosignature payload was not 8 time bytes plus a 64-byte signature.
    #[error("cosignature payload must be 72 bytes after the key ID, got {0}")]
    CosignatureBadLength(usize),
    // witness_api: add-checkpoint bodies (c2sp-digest §4.2).
    /// An add-checkpoint request or response body exceeded the size limit.
    #[error("add-checkpoint body is {0} bytes, above the limit")]
    AddCheckpointTooLarge(usize),
    /// An add-checkpoint request did not start with an `old N` line.
    #[error("add-checkpoint request must start with 'old N'")]
    AddCheckpointMissingOld,
    /// An add-checkpoint proof line was not canonical base64 of 32 bytes.
    #[error("add-checkpoint proof line must be canonical base64 of 32 bytes")]
    AddCheckpointBadProofLine,
    /// An add-checkpoint request had no blank line before the checkpoint.
    #[error("add-checkpoint request must have a blank line before the checkpoint")]
    AddCheckpointMissingBlankLine,
    /// An add-checkpoint request had more than 63 proof lines.
    #[error("add-checkpoint proof has {0} lines, more than 63")]
    AddCheckpointProofTooLong(usize),
    /// Nothing followed the blank line of an add-checkpoint request.
    #[error("add-checkpoint request must carry a checkpoint")]
    AddCheckpointNoCheckpoint,
    /// A 409 tree-size body was not one decimal line ending in LF.
    #[error("tree-size body must be 'N' followed by LF")]
    TreeSizeBodyNoNewline,
    // tlog_proof: c2sp.org/tlog-proof@v1 (c2sp-digest §6.1).
    /// A tlog-proof did not start with the line `c2sp.org/tlog-proof@v1`.
    #[error("tlog-proof must start with 'c2sp.org/tlog-proof@v1'")]
    TlogProofBadHeader,
    /// A tlog-proof `extra` line was not canonical standard base64.
    #[error("tlog-proof extra data must be canonical base64")]
    TlogProofBadExtra,
    /// A tlog-proof `extra` line carried no data; it must then be omitted.
    #[error("tlog-proof extra line must be omitted when there is no extra data")]
    TlogProofEmptyExtra,
    /// A tlog-proof `extra` payload exceeded the size limit.
    #[error("tlog-proof extra data is above the size limit")]
    TlogProofExtraTooLarge,
    /// A tlog-proof had no `index N` line where one was required.
    #[error("tlog-proof must have an 'index N' line after the header")]
    TlogProofMissingIndex,
    /// A tlog-proof path line was not canonical base64 of 32 bytes.
    #[error("tlog-proof path line must be canonical base64 of 32 bytes")]
    TlogProofBadPathLine,
    /// A tlog-proof had more than 63 path lines.
    #[error("tlog-proof path has {0} lines, more than 63")]
    TlogProofPathTooLong(usize),
    /// A tlog-proof had no blank line before its checkpoint.
    #[error("tlog-proof must have a blank line before the checkpoint")]
    TlogProofMissingBlankLine,
    /// Nothing followed the blank line of a tlog-proof.
    #[error("tlog-proof must carry a checkpoint")]
    TlogProofNoCheckpoint,
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
    /// A state `key` line was not `<vkey> <role> <owner> <expires> <scopes>`.
    #[error("state key line must be `<vkey> <role> <owner> <expires> <scope>[,<scope>...]`")]
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
    // (An oversized entry is `EntryTooLarge`, shared with entry bundles above.)
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
    /// Admitting the record would make the log's state entry, which lists
    /// every key ever enrolled and every retirement, revocation and pause,
    /// larger than an entry may be.
    #[error(
        "admitting this record would make the state entry {size} bytes, over the {limit}-byte entry limit"
    )]
    StateEntryFull {
        /// The state entry's size with this record, signature line included.
        size: usize,
        /// The entry size limit.
        limit: usize,
    },
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
    /// A policy file was larger than `policy::MAX_POLICY_BYTES`.
    #[error("policy is {0} bytes, more than the limit of {1}")]
    PolicyTooLarge(usize, usize),
    /// A policy error, located at a 1-based line of the policy text.
    #[error("policy line {line}: {error}")]
    PolicyLine {
        /// The 1-based line number.
        line: usize,
        /// What was wrong with the line.
        error: alloc::boxed::Box<ProofsError>,
    },
    /// A policy contained an octet tlog-policy forbids (controls other than
    /// TAB and LF, or DEL).
    #[error("policy contains the forbidden octet {0:#04x}")]
    PolicyForbiddenOctet(u8),
    /// A policy did not end with a newline (tlog-policy: every line ends in LF).
    #[error("policy does not end with a newline")]
    PolicyMissingFinalNewline,
    /// A policy line started with a keyword this format does not define.
    #[error("unknown policy directive")]
    PolicyUnknownDirective,
    /// A policy line had too few or too many fields for its directive.
    #[error("wrong number of fields for `{0}`")]
    PolicyFieldCount(&'static str),
    /// A vkey in a policy did not parse as a signed-note verifier key.
    #[error("bad vkey: {0}")]
    PolicyBadKey(alloc::boxed::Box<ProofsError>),
    /// A vkey field in a policy was not valid UTF-8 (signed-note key names
    /// are UTF-8, c2sp-digest §1.1).
    #[error("vkey is not valid UTF-8")]
    PolicyKeyNotUtf8,
    /// A policy key had the wrong signature type for its role: witnesses use
    /// cosignature/v1 (0x04) keys, logs and roots Ed25519 note (0x01) keys.
    #[error("the `{0}` key has the wrong key type for its role")]
    PolicyWrongKeyType(&'static str),
    /// A public key appeared twice in one policy (in any role).
    #[error("public key is listed twice in the policy")]
    PolicyDuplicateKey,
    /// A witness or group name was empty, too long, `none`, or had a
    /// forbidden octet.
    #[error("invalid witness or group name")]
    PolicyBadName,
    /// A URL field was too long or had a forbidden octet.
    #[error("invalid URL")]
    PolicyBadUrl,
    /// A witness or group name was defined twice (they share one namespace).
    #[error("name is already defined")]
    PolicyDuplicateName,
    /// A group or the quorum referred to a name not defined on a preceding line.
    #[error("name is not defined on a preceding line")]
    PolicyUndefinedName,
    /// A group listed the same member twice.
    #[error("group lists a member twice")]
    PolicyDuplicateMember,
    /// A group listed the predefined name `none` as a member.
    #[error("`none` cannot be a group member")]
    PolicyNoneMember,
    /// A group listed no members.
    #[error("group has no members")]
    PolicyEmptyGroup,
    /// A group threshold was not `all`, `any` or a canonical decimal >= 1.
    #[error("group threshold must be `all`, `any` or a decimal k >= 1")]
    PolicyBadThreshold,
    /// A group threshold k was greater than its number of members n.
    #[error("group threshold {k} is greater than its {n} members")]
    PolicyThresholdTooLarge {
        /// The threshold.
        k: usize,
        /// The number of members.
        n: usize,
    },
    /// A policy had more than one `quorum` line.
    #[error("policy has more than one quorum line")]
    PolicyDuplicateQuorum,
    /// A policy had no `quorum` line.
    #[error("policy has no quorum line")]
    PolicyMissingQuorum,
    /// A policy exceeded one of its item limits.
    #[error("policy has more than {1} {0}")]
    PolicyTooMany(&'static str, usize),
    /// A single-valued Sightline directive appeared twice.
    #[error("`{0}` appears more than once")]
    PolicyDuplicateDirective(&'static str),
    /// A required directive was missing.
    #[error("policy has no `{0}` line")]
    PolicyMissingDirective(&'static str),
    /// A numeric field was not a canonical decimal (no sign, no leading zeros)
    /// within range.
    #[error("`{0}` needs a canonical decimal number")]
    PolicyBadNumber(&'static str),
    /// `root-threshold` was not between 1 and the number of `root` lines.
    #[error("root-threshold {k} is not between 1 and the {roots} root keys")]
    PolicyRootThresholdOutOfRange {
        /// The threshold.
        k: usize,
        /// The number of root keys.
        roots: usize,
    },
    /// `approvals` was above `policy::MAX_APPROVALS`.
    #[error("approvals {0} is above the limit {1}")]
    PolicyApprovalsOutOfRange(usize, usize),
    /// `max-age` was 0 or above `i64::MAX` seconds.
    #[error("max-age must be between 1 and 2^63-1 seconds")]
    PolicyMaxAgeOutOfRange,
    /// A device target was not a `/`-separated path of at most 16 tokens
    /// (`[A-Za-z0-9][A-Za-z0-9._-]*`, at most 64 bytes each), at most 255
    /// bytes in all (DESIGN §4).
    #[error("invalid device target: needs 1-16 `/`-separated tokens, at most 255 bytes")]
    PolicyBadTarget,
    /// A checkpoint's origin matched no log key of the policy.
    #[error("checkpoint origin is not a log of the policy")]
    PolicyUnknownLog,
    /// The verified cosignatures did not satisfy the policy's quorum.
    #[error("witness quorum not met")]
    QuorumNotMet,
    /// A freshness check was asked of a checkpoint with no counted
    /// cosignature time (the quorum is `none`).
    #[error("no cosignature time to check max-age against (quorum is none)")]
    NoCosignatureTime,
    /// The quorum's cosignatures were older than the policy's `max-age`.
    #[error("quorum cosignature time {time} is more than {max_age} s before now ({now})")]
    CheckpointTooOld {
        /// The quorum time (oldest of the freshest quorum).
        time: u64,
        /// The caller's current time.
        now: u64,
        /// The policy's max-age.
        max_age: u64,
    },

    /// A bundle was larger than `bundle::MAX_BUNDLE_BYTES`.
    #[error("bundle is larger than {0} bytes")]
    BundleTooLarge(usize),
    /// A bundle's first line was not `sightline/v1 bundle`.
    #[error("bundle does not start with `sightline/v1 bundle`")]
    BundleBadHeader,
    /// A bundle had no empty line between its entries and its checkpoint.
    #[error("bundle has no empty line before the checkpoint")]
    BundleMissingSeparator,
    /// A line in the entry section was neither an entry line nor a path hash
    /// following an entry line.
    #[error("bundle line {0} is not an entry or an inclusion path line")]
    BundleUnexpectedLine(usize),
    /// An entry line did not have exactly the fields `entry <index> <base64>`.
    #[error("bundle line {0}: entry line needs `entry <index> <base64>`")]
    BundleBadEntryLine(usize),
    /// An entry index was not a canonical decimal at most 2^63-2.
    #[error("bundle line {0}: bad entry index")]
    BundleBadIndex(usize),
    /// An entry's index was below the previous entry's index.
    #[error("bundle entry {0} is not in ascending index order")]
    BundleNotAscending(u64),
    /// Two entries had the same index.
    #[error("bundle entry {0} appears twice")]
    BundleDuplicateEntry(u64),
    /// An entry's bytes were not standard padded canonical base64.
    #[error("bundle entry {0}: entry is not valid base64")]
    BundleBadEntryBase64(u64),
    /// An entry was empty.
    #[error("bundle entry {0} is empty")]
    BundleEmptyEntry(u64),
    /// An entry was over 65,535 bytes.
    #[error("bundle entry {0} is over 65535 bytes")]
    BundleEntryTooLarge(u64),
    /// An inclusion path line was not a base64 hash.
    #[error("bundle entry {0}: inclusion path line is not a base64 hash")]
    BundleBadPathHash(u64),
    /// An entry had more than 63 inclusion path lines.
    #[error("bundle entry {0} has more than 63 inclusion path lines")]
    BundleTooManyPathLines(u64),
    /// A bundle had more than `bundle::MAX_BUNDLE_ENTRIES` entries.
    #[error("bundle has more than {0} entries")]
    BundleTooManyEntries(usize),
    /// A bundle had no entries.
    #[error("bundle has no entries")]
    BundleNoEntries,
    /// The checkpoint part of a bundle was not a signed note.
    #[error("bundle checkpoint is not a signed note: {0}")]
    BundleBadCheckpoint(alloc::boxed::Box<ProofsError>),
    /// An entry was not included in the checkpoint's tree.
    #[error("bundle entry {index} is not included in the checkpoint: {error}")]
    BundleEntryNotIncluded {
        /// The entry's index.
        index: u64,
        /// Why its inclusion proof failed.
        error: alloc::boxed::Box<ProofsError>,
    },
}
