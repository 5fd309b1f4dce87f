//! Signed notes (c2sp.org/signed-note, c2sp-digest §1), byte-compatible with
//! Go's `golang.org/x/mod/sumdb/note`.
//!
//! A note is UTF-8 text ending in LF, a blank line, then one or more lines
//! `— <key name> <base64(key ID || signature)>`. This module holds the key
//! types ([`KeyName`], [`KeyType`], [`VerifierKey`], [`SignerKey`]), one
//! signature line ([`NoteSignature`]) and the note itself ([`Note`]).
//!
//! Parsing and verifying are separate steps: [`Note::parse`] checks only the
//! structure, [`Note::verify`] checks signatures against keys the caller
//! trusts. Cosignature lines (type 0x04) are parsed here like any other line
//! but verified in [`crate::cosignature`].
//!
//! ```
//! use sightline_proofs::note::{KeyName, KeyType, Note, SignerKey};
//!
//! // Keys come from the caller's randomness; a fixed seed keeps this short.
//! let name = KeyName::new("example.com/release-signer")?;
//! let key = SignerKey::from_seed(name, KeyType::Ed25519, [7; 32])?;
//! let mut note = Note::new("hello, transparency\n")?;
//! note.sign(&key)?;
//! let bytes = note.to_bytes();
//!
//! // The verifier trusts only the public key, shared as a vkey string.
//! let vkey = key.verifier().to_string();
//! let trusted = [sightline_proofs::VerifierKey::parse(&vkey)?];
//! let signed_by = Note::parse(&bytes)?.verify(&trusted)?;
//! assert_eq!(signed_by, trusted);
//! # Ok::<(), sightline_proofs::ProofsError>(())
//! ```
//!
//! Where Go is lenient this module is stricter, always in the direction of
//! rejecting: base64 must be canonical (no stray trailing bits), key names may
//! not hold bytes below 0x20 (a note cannot hold them either), weak (small-order) Ed25519 keys are refused,
//! and every signature line from a known key is checked, not only the first.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use sha2::{Digest as _, Sha256};

use crate::ProofsError;

/// Largest note (text plus signature lines) that [`Note::parse`] accepts, in
/// bytes. Go's `tlog.ParseTree` uses the same bound for checkpoint text
/// (c2sp-digest §1.3); it leaves room for tens of post-quantum signatures.
pub const MAX_NOTE_BYTES: usize = 1_000_000;

/// Most signature lines a note may carry. The spec requires accepting at
/// least 16; Go refuses more than 100 (c2sp-digest §1.3), and so do we.
pub const MAX_SIGNATURES: usize = 100;

/// Length in bytes of an Ed25519 public key or seed.
pub const KEY_LEN: usize = 32;

/// Length in bytes of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// The UTF-8 prefix of every signature line: an em dash (U+2014) and a space.
const SIG_PREFIX: &str = "\u{2014} ";

/// The prefix of Go's signer-key strings.
const SKEY_PREFIX: &str = "PRIVATE+KEY+";

// ---------------------------------------------------------------------------
// Key names
// ---------------------------------------------------------------------------

/// The name of a signing key, as it appears in vkeys and signature lines
/// (c2sp-digest §1.1).
///
/// Invariant: non-empty, no `+`, no Unicode space (Go's `unicode.IsSpace`
/// set) and no other character below 0x20. The last rule is ours: a note
/// may not contain bytes below 0x20 except LF, so a name holding one could
/// never appear in a valid note.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyName(String);

impl KeyName {
    /// Checks and wraps a key name (c2sp-digest §1.1).
    ///
    /// Names are byte-exact: no normalisation is applied.
    ///
    /// # Errors
    /// [`ProofsError::KeyNameEmpty`], [`ProofsError::KeyNameHasPlus`],
    /// [`ProofsError::KeyNameHasSpace`] or [`ProofsError::KeyNameHasControl`].
    pub fn new(name: &str) -> Result<Self, ProofsError> {
        check_name(name).map_err(|fault| match fault {
            NameFault::Empty => ProofsError::KeyNameEmpty,
            NameFault::Plus => ProofsError::KeyNameHasPlus,
            NameFault::Space => ProofsError::KeyNameHasSpace,
            NameFault::Control => ProofsError::KeyNameHasControl,
        })?;
        Ok(Self(name.to_string()))
    }

    /// Wraps a string that has already passed [`check_name`], such as a
    /// checkpoint origin. Crate-private so the invariant stays local.
    pub(crate) fn from_checked(name: String) -> Self {
        debug_assert!(check_name(&name).is_ok());
        Self(name)
    }

    /// The name as text (c2sp-digest §1).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyName({:?})", self.0)
    }
}

/// Which key-name rule a string broke; each caller maps it to its own error
/// variant (key names here, origins in `checkpoint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameFault {
    /// The string was empty.
    Empty,
    /// It contained `+`.
    Plus,
    /// It contained a character of Go's `unicode.IsSpace` set.
    Space,
    /// It contained another control character below 0x20.
    Control,
}

/// The key-name rules of c2sp-digest §1.1, shared by [`KeyName`] and
/// checkpoint origins (which are also the log's key name).
pub(crate) fn check_name(name: &str) -> Result<(), NameFault> {
    if name.is_empty() {
        return Err(NameFault::Empty);
    }
    for c in name.chars() {
        // Check spaces first: TAB..CR are both spaces and controls, and
        // the space rule is the one the spec states.
        if is_go_space(c) {
            return Err(NameFault::Space);
        }
        // Only bytes below 0x20: DEL and C1 controls are legal in notes,
        // and refusing them would reject lines Go accepts.
        if c < ' ' {
            return Err(NameFault::Control);
        }
        if c == '+' {
            return Err(NameFault::Plus);
        }
    }
    Ok(())
}

/// Go's `unicode.IsSpace`, listed explicitly (c2sp-digest §1.1) so that the
/// set cannot drift with a Unicode table update.
const fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\u{09}'..='\u{0d}'
            | '\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

// ---------------------------------------------------------------------------
// Key types and key IDs
// ---------------------------------------------------------------------------

/// The signature types Sightline supports (c2sp-digest §1.2). Both are
/// Ed25519; the type byte keeps a note key and a cosigning key apart even
/// when they share the same key pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyType {
    /// 0x01: an Ed25519 signature over the note text (log signatures,
    /// record signatures).
    Ed25519,
    /// 0x04: a timestamped Ed25519 checkpoint cosignature,
    /// `cosignature/v1` (c2sp-digest §3.2).
    CosignatureV1,
}

impl KeyType {
    /// The type byte that prefixes the key in vkeys and the key-ID hash (c2sp-digest §1.2).
    pub const fn to_byte(self) -> u8 {
        match self {
            Self::Ed25519 => 0x01,
            Self::CosignatureV1 => 0x04,
        }
    }

    /// Reads a type byte (c2sp-digest §1.2).
    ///
    /// # Errors
    /// [`ProofsError::UnknownKeyType`] for any type other than 0x01 and 0x04.
    pub const fn from_byte(byte: u8) -> Result<Self, ProofsError> {
        match byte {
            0x01 => Ok(Self::Ed25519),
            0x04 => Ok(Self::CosignatureV1),
            other => Err(ProofsError::UnknownKeyType(other)),
        }
    }
}

/// Computes a key ID: the first four bytes, big-endian, of
/// `SHA-256(name || 0x0A || type || public key)` (c2sp-digest §1.2).
pub fn key_id(name: &KeyName, key_type: KeyType, public_key: &[u8; KEY_LEN]) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_str().as_bytes())
        .chain_update(b"\n")
        .chain_update([key_type.to_byte()])
        .chain_update(public_key)
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Splits the fields that verifier and signer key strings share, after any
/// prefix: `<name>+<hex key ID>+<base64(type || 32 bytes)>` (c2sp-digest
/// §1.4). The split is at the first two `+` only, because the base64 part may
/// itself contain `+`.
fn parse_key_fields(text: &str) -> Result<(KeyName, u32, KeyType, [u8; KEY_LEN]), ProofsError> {
    let (name, rest) = text.split_once('+').ok_or(ProofsError::KeyMissingField)?;
    let (id_hex, key_b64) = rest.split_once('+').ok_or(ProofsError::KeyMissingField)?;
    let name = KeyName::new(name)?;
    let stated = parse_key_id_hex(id_hex)?;
    let (key_type, bytes) = parse_typed_key(key_b64)?;
    Ok((name, stated, key_type, bytes))
}

/// Rejects a key string whose stated ID is not the one its name, type and
/// key give, as Go's `sumdb/note` does (c2sp-digest §1.4).
fn check_key_id(stated: u32, computed: u32) -> Result<(), ProofsError> {
    if stated == computed {
        Ok(())
    } else {
        Err(ProofsError::KeyIdMismatch { stated, computed })
    }
}

/// Parses the `hexid` field of a vkey or skey: exactly eight hex digits.
/// Uppercase is accepted because Go's parser accepts it; we emit lowercase.
fn parse_key_id_hex(text: &str) -> Result<u32, ProofsError> {
    let mut out = [0u8; 4];
    // `decode_to_slice` demands exactly eight digits for four bytes, and
    // rejects signs, spaces and `0x` prefixes that `from_str_radix` allows.
    hex::decode_to_slice(text, &mut out).map_err(|_| ProofsError::BadKeyIdHex)?;
    Ok(u32::from_be_bytes(out))
}

/// Decodes `base64(type || 32 key bytes)`, the last field of vkeys and skeys.
fn parse_typed_key(text: &str) -> Result<(KeyType, [u8; KEY_LEN]), ProofsError> {
    // 33 bytes encode to 44 characters; bounding first caps the work on junk.
    if text.len() > 44 {
        // Report roughly what the key would decode to, minus its type byte.
        return Err(ProofsError::BadKeyLength(
            (text.len() / 4 * 3).saturating_sub(1),
        ));
    }
    let raw = STANDARD
        .decode(text)
        .map_err(|_| ProofsError::BadKeyBase64)?;
    let (&type_byte, key) = raw.split_first().ok_or(ProofsError::BadKeyLength(0))?;
    let key_type = KeyType::from_byte(type_byte)?;
    let key = <[u8; KEY_LEN]>::try_from(key).map_err(|_| ProofsError::BadKeyLength(key.len()))?;
    Ok((key_type, key))
}

/// Turns 32 bytes into an Ed25519 public key, refusing non-points and the
/// small-order (weak) points that `verify_strict` would reject anyway.
fn verifying_key(bytes: &[u8; KEY_LEN]) -> Result<VerifyingKey, ProofsError> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| ProofsError::InvalidPublicKey)?;
    if key.is_weak() {
        return Err(ProofsError::WeakPublicKey);
    }
    Ok(key)
}

// ---------------------------------------------------------------------------
// Verifier keys
// ---------------------------------------------------------------------------

/// A public key with its name and type: what a verifier trusts
/// (c2sp-digest §1.4).
///
/// Its text form (the vkey) is `name+hexid+base64(type || public key)`.
/// Two keys are equal when name, type and public key are equal (the key ID
/// follows from those), so a `VerifierKey` can key a map or a set.
#[derive(Clone)]
pub struct VerifierKey {
    name: KeyName,
    key_type: KeyType,
    public: [u8; KEY_LEN],
    key_id: u32,
    key: VerifyingKey,
}

impl VerifierKey {
    /// Builds a verifier key from its parts, computing the key ID
    /// (c2sp-digest §1.2).
    ///
    /// # Errors
    /// [`ProofsError::InvalidPublicKey`] if the bytes are not an Ed25519
    /// point, [`ProofsError::WeakPublicKey`] if the point has small order.
    pub fn new(
        name: KeyName,
        key_type: KeyType,
        public_key: [u8; KEY_LEN],
    ) -> Result<Self, ProofsError> {
        let key = verifying_key(&public_key)?;
        let key_id = key_id(&name, key_type, &public_key);
        Ok(Self {
            name,
            key_type,
            public: public_key,
            key_id,
            key,
        })
    }

    /// Parses a vkey, `name+hexid+base64(type || key)` (c2sp-digest §1.4).
    ///
    /// The string is cut at the first two `+` only, because the base64 part
    /// may itself contain `+`. The stated key ID must match the one computed
    /// from the name, type and key.
    ///
    /// # Errors
    /// [`ProofsError::KeyMissingField`] if there are fewer than two `+`;
    /// any [`KeyName::new`] error; [`ProofsError::BadKeyIdHex`] unless the ID
    /// is eight hex digits; [`ProofsError::BadKeyBase64`],
    /// [`ProofsError::BadKeyLength`] or [`ProofsError::UnknownKeyType`] for
    /// the key field; [`ProofsError::InvalidPublicKey`] or
    /// [`ProofsError::WeakPublicKey`] for the point;
    /// [`ProofsError::KeyIdMismatch`] if the stated ID is wrong.
    pub fn parse(vkey: &str) -> Result<Self, ProofsError> {
        let (name, stated, key_type, public) = parse_key_fields(vkey)?;
        let key = Self::new(name, key_type, public)?;
        check_key_id(stated, key.key_id)?;
        Ok(key)
    }

    /// The key's name (c2sp-digest §1.1).
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID derived from name, type and key (c2sp-digest §1.2).
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature type this key verifies (c2sp-digest §1.2).
    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    /// The raw 32-byte Ed25519 public key (c2sp-digest §1.4).
    pub fn public_key(&self) -> [u8; KEY_LEN] {
        self.public
    }

    /// Whether a signature line names this key: both name and key ID must
    /// match (c2sp-digest §1.3).
    pub fn matches(&self, signature: &NoteSignature) -> bool {
        self.key_id == signature.key_id && self.name == signature.name
    }

    /// Checks a raw Ed25519 signature over `message` with `verify_strict`.
    ///
    /// This is the bare primitive: it does not look at the key type, so
    /// callers must have framed `message` for this key's type (the note text
    /// for 0x01, the `cosignature/v1` message for 0x04).
    ///
    /// # Errors
    /// [`ProofsError::BadSignature`] with this key's ID if the signature is
    /// not 64 bytes or does not verify.
    pub(crate) fn verify_raw(&self, message: &[u8], signature: &[u8]) -> Result<(), ProofsError> {
        let bad = ProofsError::BadSignature {
            key_id: self.key_id,
        };
        let sig = Signature::from_slice(signature).map_err(|_| bad.clone())?;
        self.key.verify_strict(message, &sig).map_err(|_| bad)
    }
}

impl PartialEq for VerifierKey {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.key_type == other.key_type && self.public == other.public
    }
}

impl Eq for VerifierKey {}

impl PartialOrd for VerifierKey {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for VerifierKey {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        (&self.name, self.key_type, &self.public).cmp(&(&other.name, other.key_type, &other.public))
    }
}

impl core::hash::Hash for VerifierKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.key_type.hash(state);
        self.public.hash(state);
    }
}

impl fmt::Display for VerifierKey {
    /// The canonical vkey: lowercase hex ID, padded base64.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut typed = [0u8; KEY_LEN + 1];
        typed[0] = self.key_type.to_byte();
        typed[1..].copy_from_slice(&self.public);
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            STANDARD.encode(typed)
        )
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifierKey({self})")
    }
}

// ---------------------------------------------------------------------------
// Signer keys
// ---------------------------------------------------------------------------

/// A private Ed25519 key with its name and type.
///
/// Its text form is Go's `PRIVATE+KEY+name+hexid+base64(type || seed)`
/// (c2sp-digest §1.4). It has no `Display`, and its `Debug` shows only the
/// name and key ID, so the seed cannot leak into logs by accident. The
/// underlying key is zeroized on drop.
#[derive(Clone)]
pub struct SignerKey {
    /// The public half, built once: name, type and key ID live there only.
    verifier: VerifierKey,
    key: SigningKey,
}

impl SignerKey {
    /// Builds a signer from a 32-byte seed (c2sp-digest §1.4). The crate has
    /// no randomness, so callers draw the seed from their own CSPRNG.
    ///
    /// # Errors
    /// [`ProofsError::WeakPublicKey`] if the derived public key is weak,
    /// which no properly random seed produces.
    pub fn from_seed(
        name: KeyName,
        key_type: KeyType,
        seed: [u8; KEY_LEN],
    ) -> Result<Self, ProofsError> {
        let key = SigningKey::from_bytes(&seed);
        // Built through `VerifierKey::new`, so the derived point is checked
        // the same way vkeys are and every signer has an acceptable verifier.
        let verifier = VerifierKey::new(name, key_type, key.verifying_key().to_bytes())?;
        Ok(Self { verifier, key })
    }

    /// Parses `PRIVATE+KEY+name+hexid+base64(type || seed)`
    /// (c2sp-digest §1.4). The stated key ID must match the one computed
    /// from the public key derived from the seed.
    ///
    /// # Errors
    /// [`ProofsError::SignerKeyMissingPrefix`] without the `PRIVATE+KEY+`
    /// prefix; otherwise the same errors as [`VerifierKey::parse`].
    pub fn parse(skey: &str) -> Result<Self, ProofsError> {
        let rest = skey
            .strip_prefix(SKEY_PREFIX)
            .ok_or(ProofsError::SignerKeyMissingPrefix)?;
        let (name, stated, key_type, seed) = parse_key_fields(rest)?;
        let key = Self::from_seed(name, key_type, seed)?;
        check_key_id(stated, key.key_id())?;
        Ok(key)
    }

    /// The key's name (c2sp-digest §1.1).
    pub fn name(&self) -> &KeyName {
        self.verifier.name()
    }

    /// The key ID (c2sp-digest §1.2).
    pub fn key_id(&self) -> u32 {
        self.verifier.key_id()
    }

    /// The signature type this key produces (c2sp-digest §1.2).
    pub fn key_type(&self) -> KeyType {
        self.verifier.key_type()
    }

    /// The matching public key (c2sp-digest §1.4).
    pub fn verifier(&self) -> VerifierKey {
        self.verifier.clone()
    }

    /// A raw, deterministic Ed25519 signature (RFC 8032) over `message` (c2sp-digest §1.2).
    ///
    /// This does not frame the message for the key type; [`Note::sign`] and
    /// [`crate::cosignature::cosign`] do.
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.key.sign(message).to_bytes()
    }

    /// The secret text form, `PRIVATE+KEY+name+hexid+base64(type || seed)`
    /// (c2sp-digest §1.4), interchangeable with Go's `note.NewSigner`.
    /// Handle it like the key itself.
    pub fn to_secret_string(&self) -> String {
        let mut typed = [0u8; KEY_LEN + 1];
        typed[0] = self.key_type().to_byte();
        typed[1..].copy_from_slice(self.key.as_bytes());
        let out = alloc::format!(
            "{SKEY_PREFIX}{}+{:08x}+{}",
            self.name(),
            self.key_id(),
            STANDARD.encode(typed)
        );
        // Do not leave a copy of the seed on the stack.
        typed.fill(0);
        out
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", self.name())
            .field("key_type", &self.key_type())
            .field("key_id", &format_args!("{:08x}", self.key_id()))
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------
// Signature lines
// ---------------------------------------------------------------------------

/// One signature line of a note: `— <name> <base64(key ID || signature)>`
/// (c2sp-digest §1.1).
///
/// The signature bytes are opaque here: 64 bytes for a 0x01 signature, a
/// timestamp and 64 bytes for a 0x04 cosignature, anything for types
/// Sightline does not know.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NoteSignature {
    name: KeyName,
    key_id: u32,
    signature: Vec<u8>,
}

impl NoteSignature {
    /// Wraps a signature (c2sp-digest §1.1).
    ///
    /// # Errors
    /// [`ProofsError::SignatureTooShort`] if `signature` is empty: Go refuses
    /// lines that decode to fewer than 5 bytes, key ID included.
    pub fn new(name: KeyName, key_id: u32, signature: Vec<u8>) -> Result<Self, ProofsError> {
        if signature.is_empty() {
            return Err(ProofsError::SignatureTooShort(4));
        }
        Ok(Self {
            name,
            key_id,
            signature,
        })
    }

    /// Parses one signature line without its final LF (c2sp-digest §1.1).
    ///
    /// # Errors
    /// [`ProofsError::SignatureLineNoEmDash`] unless the line starts with
    /// `— `; [`ProofsError::SignatureLineNoSpace`] without a space between
    /// name and signature; any [`KeyName::new`] error;
    /// [`ProofsError::SignatureBase64`] for invalid or non-canonical base64;
    /// [`ProofsError::SignatureTooShort`] below 5 decoded bytes.
    pub fn parse_line(line: &str) -> Result<Self, ProofsError> {
        let rest = line
            .strip_prefix(SIG_PREFIX)
            .ok_or(ProofsError::SignatureLineNoEmDash)?;
        let (name, b64) = rest
            .split_once(' ')
            .ok_or(ProofsError::SignatureLineNoSpace)?;
        let name = KeyName::new(name)?;
        let raw = STANDARD
            .decode(b64)
            .map_err(|_| ProofsError::SignatureBase64)?;
        let (id, signature) = raw
            .split_first_chunk::<4>()
            .ok_or(ProofsError::SignatureTooShort(raw.len()))?;
        if signature.is_empty() {
            return Err(ProofsError::SignatureTooShort(raw.len()));
        }
        Ok(Self {
            name,
            key_id: u32::from_be_bytes(*id),
            signature: signature.to_vec(),
        })
    }

    /// The line as it appears in a note, final LF included (c2sp-digest §1.1).
    pub fn to_line(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_id.to_be_bytes());
        raw.extend_from_slice(&self.signature);
        alloc::format!("{SIG_PREFIX}{} {}\n", self.name, STANDARD.encode(raw))
    }

    /// The key name on the line (c2sp-digest §1.1).
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID on the line (c2sp-digest §1).
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The signature bytes after the key ID (c2sp-digest §1).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
}

// ---------------------------------------------------------------------------
// Notes
// ---------------------------------------------------------------------------

/// A signed note: text and signature lines (c2sp-digest §1).
///
/// Invariants: the text is non-empty, ends in LF, holds no byte below 0x20
/// other than LF, and text plus signatures stay within [`MAX_NOTE_BYTES`]
/// and [`MAX_SIGNATURES`] when parsed. Signatures are kept in order, so
/// [`Note::to_bytes`] reproduces a parsed note byte for byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

impl Note {
    /// An unsigned note over `text` (c2sp-digest §1.1). Empty lines inside
    /// the text are allowed; the text must end in LF.
    ///
    /// # Errors
    /// [`ProofsError::NoteTextEmpty`], [`ProofsError::NoteTextNoFinalNewline`],
    /// [`ProofsError::NoteControlCharacter`] or [`ProofsError::NoteTooLarge`].
    pub fn new(text: &str) -> Result<Self, ProofsError> {
        if text.is_empty() {
            return Err(ProofsError::NoteTextEmpty);
        }
        if text.len() > MAX_NOTE_BYTES {
            return Err(ProofsError::NoteTooLarge(text.len()));
        }
        if !text.ends_with('\n') {
            return Err(ProofsError::NoteTextNoFinalNewline);
        }
        check_controls(text.as_bytes())?;
        Ok(Self {
            text: text.to_string(),
            signatures: Vec::new(),
        })
    }

    /// Parses a signed note (c2sp-digest §1.1, §1.3) without verifying it.
    ///
    /// The text runs up to the first LF of the *last* `\n\n`; every line after
    /// it is a signature line. Signatures from any key are kept.
    ///
    /// # Errors
    /// [`ProofsError::NoteTooLarge`] above [`MAX_NOTE_BYTES`];
    /// [`ProofsError::NoteNotUtf8`]; [`ProofsError::NoteControlCharacter`]
    /// for CR, TAB or any other byte below 0x20 except LF;
    /// [`ProofsError::NoteNoSignatureBlock`] without a blank line;
    /// [`ProofsError::NoteNoSignatures`] if nothing follows it;
    /// [`ProofsError::NoteNoFinalNewline`] if the last line lacks its LF;
    /// [`ProofsError::TooManySignatures`] above [`MAX_SIGNATURES`]; any
    /// [`NoteSignature::parse_line`] error.
    pub fn parse(bytes: &[u8]) -> Result<Self, ProofsError> {
        if bytes.len() > MAX_NOTE_BYTES {
            return Err(ProofsError::NoteTooLarge(bytes.len()));
        }
        let msg = core::str::from_utf8(bytes).map_err(|_| ProofsError::NoteNotUtf8)?;
        check_controls(bytes)?;
        let split = msg.rfind("\n\n").ok_or(ProofsError::NoteNoSignatureBlock)?;
        // `split` is a char boundary (LF is ASCII), so both slices are valid.
        let (text, sigs) = (&msg[..=split], &msg[split + 2..]);
        if sigs.is_empty() {
            return Err(ProofsError::NoteNoSignatures);
        }
        let sigs = sigs
            .strip_suffix('\n')
            .ok_or(ProofsError::NoteNoFinalNewline)?;
        let mut signatures = Vec::new();
        for line in sigs.split('\n') {
            // Count before parsing, so a flood of junk lines stops early.
            if signatures.len() == MAX_SIGNATURES {
                return Err(ProofsError::TooManySignatures(MAX_SIGNATURES + 1));
            }
            signatures.push(NoteSignature::parse_line(line)?);
        }
        Ok(Self {
            text: text.to_string(),
            signatures,
        })
    }

    /// The signed text, final LF included (c2sp-digest §1).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order (c2sp-digest §1).
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// The note's wire form: text, blank line, signature lines (c2sp-digest §1).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len() + 1 + 120 * self.signatures.len());
        out.extend_from_slice(self.text.as_bytes());
        out.push(b'\n');
        for sig in &self.signatures {
            out.extend_from_slice(sig.to_line().as_bytes());
        }
        out
    }

    /// Signs the text with an Ed25519 (0x01) key and appends the line
    /// (c2sp-digest §1.3). Like Go's `note.Sign`, an existing line with the
    /// same name and key ID is removed first, so re-signing replaces.
    ///
    /// # Errors
    /// [`ProofsError::WrongKeyType`] for a key that is not 0x01 (use
    /// [`crate::cosignature::cosign`] for 0x04 keys);
    /// [`ProofsError::TooManySignatures`] if the note is full.
    pub fn sign(&mut self, key: &SignerKey) -> Result<(), ProofsError> {
        if key.key_type() != KeyType::Ed25519 {
            return Err(ProofsError::WrongKeyType {
                expected: KeyType::Ed25519.to_byte(),
                got: key.key_type().to_byte(),
            });
        }
        let signature = key.sign(self.text.as_bytes()).to_vec();
        self.signatures
            .retain(|s| !(s.key_id == key.key_id() && s.name == *key.name()));
        self.push_signature(NoteSignature {
            name: key.name().clone(),
            key_id: key.key_id(),
            signature,
        })
    }

    /// Appends a signature line as is, for example a cosignature returned by
    /// a witness (c2sp-digest §4.2 step 8). Nothing is verified.
    ///
    /// # Errors
    /// [`ProofsError::TooManySignatures`] if the note already holds
    /// [`MAX_SIGNATURES`] lines.
    pub fn push_signature(&mut self, signature: NoteSignature) -> Result<(), ProofsError> {
        if self.signatures.len() >= MAX_SIGNATURES {
            return Err(ProofsError::TooManySignatures(self.signatures.len() + 1));
        }
        self.signatures.push(signature);
        Ok(())
    }

    /// Verifies the note's Ed25519 (0x01) signatures against trusted keys
    /// (c2sp-digest §1.3) and returns the distinct trusted keys that signed,
    /// in the order their first line appears.
    ///
    /// Lines whose (name, key ID) match no trusted 0x01 key are ignored, so
    /// cosignatures and grease lines never cause failure. Every line that
    /// does match is checked with `verify_strict`. Keys of other types in
    /// `verifiers` are ignored here.
    ///
    /// Success does not imply anything about the text's meaning or format,
    /// nor that the signer was entitled to sign it, nor anything about the
    /// ignored lines; it says only that each returned key signed these bytes.
    ///
    /// # Errors
    /// [`ProofsError::AmbiguousVerifierKey`] if two different trusted keys
    /// share a name and key ID and a line names them;
    /// [`ProofsError::BadSignature`] if a matching line does not verify;
    /// [`ProofsError::NoteUnverified`] if no trusted key signed.
    pub fn verify(&self, verifiers: &[VerifierKey]) -> Result<Vec<VerifierKey>, ProofsError> {
        self.verify_with(verifiers, &mut SignatureCheck::Strict)
    }

    /// [`Note::verify`], with each signature check done as `check` says:
    /// at once, or queued in a [`SignatureBatch`] (c2sp-digest §1.3).
    ///
    /// With [`SignatureCheck::Deferred`] the result assumes that every
    /// queued signature verifies; it means nothing until the batch has
    /// verified.
    ///
    /// # Errors
    /// As [`Note::verify`]; when deferring, [`ProofsError::BadSignature`]
    /// only for a signature the batch's pre-checks refuse.
    pub fn verify_with(
        &self,
        verifiers: &[VerifierKey],
        check: &mut SignatureCheck<'_>,
    ) -> Result<Vec<VerifierKey>, ProofsError> {
        let mut signed: Vec<VerifierKey> = Vec::new();
        for sig in &self.signatures {
            let Some(key) = find_key(verifiers, KeyType::Ed25519, sig)? else {
                continue;
            };
            check.check(key, self.text.as_bytes(), &sig.signature)?;
            if !signed.contains(key) {
                signed.push(key.clone());
            }
        }
        if signed.is_empty() {
            return Err(ProofsError::NoteUnverified);
        }
        Ok(signed)
    }
}

// ---------------------------------------------------------------------------
// Batch verification
// ---------------------------------------------------------------------------

/// The y-coordinates (little-endian, sign bit clear) of the eight points of
/// small order: 1 (the identity), p−1 (order 2), 0 (order 4) and ±y₈
/// (order 8). A point is of small order exactly when its y is one of these,
/// whatever the sign bit says. A unit test derives them from
/// curve25519-dalek's `EIGHT_TORSION`.
const SMALL_ORDER_Y: [[u8; 32]; 5] = [
    [
        0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [0; 32],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
];

/// Whether an encoded point's y-coordinate (sign bit cleared) is at least
/// the field prime p = 2^255 − 19: a non-canonical encoding.
fn y_not_canonical(y: &[u8; 32]) -> bool {
    // Little-endian p is ED FF .. FF 7F; y >= p exactly when the top byte
    // is 7F, the 30 middle bytes are FF and the low byte is at least ED.
    y[31] == 0x7f && y[1..31].iter().all(|&b| b == 0xff) && y[0] >= 0xed
}

/// Ed25519 signature checks gathered to be verified together, in one
/// multi-scalar multiplication, at about half the cost of checking them one
/// by one.
///
/// Batch verification (ed25519-dalek's `verify_batch`) accepts some
/// signatures that `verify_strict` refuses: an `R` of small order, and an
/// `R` encoded non-canonically. [`SignatureBatch::push`] refuses those
/// before queueing, and [`VerifierKey`] never holds a weak (small-order)
/// key, so a batch accepts what `verify_strict` accepts, with one residual
/// difference: the batch equation is a random linear combination, so a
/// signature whose error is a small-order point (which only the holder of
/// the signing key can make) may pass a batch and fail `verify_strict`. It
/// still proves that the key's holder signed the message.
///
/// A failed batch does not say which signature is bad: check them one by
/// one to find it (see [`SignatureCheck`]).
#[derive(Clone, Debug, Default)]
pub struct SignatureBatch {
    keys: Vec<VerifyingKey>,
    messages: Vec<Vec<u8>>,
    signatures: Vec<Signature>,
}

impl SignatureBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues a raw Ed25519 signature over `message` by `key` (framed for
    /// the key's type, as for `verify_strict`), after the checks batch
    /// verification does not make: `R` must be canonically encoded and not
    /// of small order.
    ///
    /// # Errors
    /// [`ProofsError::BadSignature`] with the key's ID if the signature is
    /// not 64 bytes or its `R` fails those checks: the same refusal
    /// `verify_strict` gives it.
    pub fn push(
        &mut self,
        key: &VerifierKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ProofsError> {
        let bad = ProofsError::BadSignature { key_id: key.key_id };
        let sig = Signature::from_slice(signature).map_err(|_| bad.clone())?;
        let mut y = *sig.r_bytes();
        y[31] &= 0x7f;
        if y_not_canonical(&y) || SMALL_ORDER_Y.contains(&y) {
            return Err(bad);
        }
        self.keys.push(key.key);
        self.messages.push(message.to_vec());
        self.signatures.push(sig);
        Ok(())
    }

    /// How many signatures are queued.
    pub fn len(&self) -> usize {
        self.signatures.len()
    }

    /// Whether none is queued.
    pub fn is_empty(&self) -> bool {
        self.signatures.is_empty()
    }

    /// Verifies every queued signature at once (an empty batch verifies).
    ///
    /// # Errors
    /// [`ProofsError::BatchSignatureFailed`] if at least one does not
    /// verify; which one is not known.
    pub fn verify(&self) -> Result<(), ProofsError> {
        if self.is_empty() {
            return Ok(());
        }
        let messages: Vec<&[u8]> = self.messages.iter().map(Vec::as_slice).collect();
        ed25519_dalek::verify_batch(&messages, &self.signatures, &self.keys)
            .map_err(|_| ProofsError::BatchSignatureFailed)
    }
}

/// How a verification function checks each signature that names a trusted
/// key.
#[derive(Debug)]
pub enum SignatureCheck<'a> {
    /// At once, with `verify_strict`: a bad signature fails the call.
    Strict,
    /// Queued in a batch. The caller's result is provisional until the
    /// batch verifies; if it does not, the caller checks again with
    /// [`SignatureCheck::Strict`] to learn which check failed first.
    Deferred(&'a mut SignatureBatch),
}

impl SignatureCheck<'_> {
    /// Checks, or queues, a raw signature over `message` by `key`.
    pub(crate) fn check(
        &mut self,
        key: &VerifierKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ProofsError> {
        match self {
            Self::Strict => key.verify_raw(message, signature),
            Self::Deferred(batch) => batch.push(key, message, signature),
        }
    }
}

/// Finds the one trusted key of `key_type` that a line names, if any.
///
/// A 32-bit key ID can collide; if two different trusted keys match one line
/// we refuse rather than pick one (Go does the same).
pub(crate) fn find_key<'a>(
    verifiers: &'a [VerifierKey],
    key_type: KeyType,
    sig: &NoteSignature,
) -> Result<Option<&'a VerifierKey>, ProofsError> {
    let mut found: Option<&VerifierKey> = None;
    for key in verifiers
        .iter()
        .filter(|k| k.key_type == key_type && k.matches(sig))
    {
        match found {
            Some(prev) if prev != key => {
                return Err(ProofsError::AmbiguousVerifierKey { key_id: sig.key_id });
            }
            _ => found = Some(key),
        }
    }
    Ok(found)
}

/// Rejects any byte below 0x20 other than LF (c2sp-digest §1.1). Bytes of
/// multi-byte UTF-8 sequences are all >= 0x80, so a byte scan is exact.
fn check_controls(bytes: &[u8]) -> Result<(), ProofsError> {
    match bytes.iter().find(|&&b| b < 0x20 && b != b'\n') {
        Some(&b) => Err(ProofsError::NoteControlCharacter(b)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn key_name_rules() {
        assert!(KeyName::new("example.com/log42").is_ok());
        assert_eq!(KeyName::new(""), Err(ProofsError::KeyNameEmpty));
        assert_eq!(KeyName::new("a+b"), Err(ProofsError::KeyNameHasPlus));
        for space in [
            "a b",
            "a\tb",
            "a\u{a0}b",
            "a\u{3000}b",
            "a\u{85}b",
            "a\u{2028}b",
        ] {
            assert_eq!(KeyName::new(space), Err(ProofsError::KeyNameHasSpace));
        }
        assert_eq!(KeyName::new("a\u{1}b"), Err(ProofsError::KeyNameHasControl));
        // Not a space for Go: zero-width space U+200B is allowed.
        assert!(KeyName::new("a\u{200b}b").is_ok());
        // DEL and C1 controls are legal in notes and in Go's names.
        assert!(KeyName::new("a\u{7f}\u{80}b").is_ok());
    }

    #[test]
    fn signer_and_verifier_strings_round_trip() {
        let skey = SignerKey::parse(PETER_SKEY).expect("skey");
        assert_eq!(skey.to_secret_string(), PETER_SKEY);
        assert_eq!(skey.verifier().to_string(), PETER_VKEY);
        let vkey = VerifierKey::parse(PETER_VKEY).expect("vkey");
        assert_eq!(vkey, skey.verifier());
        assert_eq!(vkey.key_id(), 0xc74f_20a3);
        // Debug must not show the seed.
        let debug = alloc::format!("{skey:?}");
        assert!(!debug.contains("AYEKFALV"), "{debug}");
    }

    #[test]
    fn go_example_signs_byte_for_byte_and_verifies() {
        let skey = SignerKey::parse(PETER_SKEY).expect("skey");
        let mut note = Note::new(
            "If you think cryptography is the answer to your problem,\n\
             then you don't know what your problem is.\n",
        )
        .expect("text");
        note.sign(&skey).expect("sign");
        let want = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n\n\
                    \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        assert_eq!(note.to_bytes(), want.as_bytes());
        // Re-signing with the same key replaces the line.
        note.sign(&skey).expect("re-sign");
        assert_eq!(note.to_bytes(), want.as_bytes());
        let parsed = Note::parse(want.as_bytes()).expect("parse");
        assert_eq!(parsed, note);
        let vkey = VerifierKey::parse(PETER_VKEY).expect("vkey");
        assert_eq!(
            parsed.verify(core::slice::from_ref(&vkey)),
            Ok(alloc::vec![vkey])
        );
    }

    fn batch_key(seed: u8) -> SignerKey {
        let name = KeyName::new("batch.example/signer").expect("name");
        SignerKey::from_seed(name, KeyType::Ed25519, [seed; 32]).expect("key")
    }

    #[test]
    fn small_order_table_is_the_eight_torsion_points() {
        for point in curve25519_dalek::constants::EIGHT_TORSION {
            let mut y = point.compress().to_bytes();
            y[31] &= 0x7f;
            assert!(SMALL_ORDER_Y.contains(&y), "{y:02x?}");
        }
        // The prime itself is the first non-canonical y; p − 1 is canonical.
        let mut p = [0xff; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(y_not_canonical(&p));
        p[0] = 0xec;
        assert!(!y_not_canonical(&p));
    }

    #[test]
    fn a_batch_verifies_good_signatures_and_fails_on_one_bad() {
        let mut batch = SignatureBatch::new();
        assert_eq!(batch.verify(), Ok(()));
        for seed in 1..=5 {
            let key = batch_key(seed);
            let message = alloc::vec![seed; 100];
            batch
                .push(&key.verifier(), &message, &key.sign(&message))
                .expect("push");
        }
        assert_eq!(batch.len(), 5);
        assert_eq!(batch.verify(), Ok(()));
        let key = batch_key(9);
        batch
            .push(&key.verifier(), b"signed", &key.sign(b"other"))
            .expect("push");
        assert_eq!(batch.verify(), Err(ProofsError::BatchSignatureFailed));
    }

    #[test]
    fn a_batch_refuses_what_verify_strict_refuses_and_batching_accepts() {
        use curve25519_dalek::scalar::Scalar;
        use sha2::Sha512;

        // A signature with R = the identity and s = h·a satisfies the
        // batch equation; verify_strict refuses its small-order R.
        let secret = SigningKey::from_bytes(&[3; 32]);
        let public = secret.verifying_key();
        let message = b"signed by the key holder, with a degenerate nonce";
        let sign_with_r = |r: [u8; 32]| {
            let h = Scalar::from_hash(
                Sha512::new()
                    .chain_update(r)
                    .chain_update(public.as_bytes())
                    .chain_update(message),
            );
            let s = h * secret.to_scalar();
            let mut bytes = [0u8; SIGNATURE_LEN];
            bytes[..32].copy_from_slice(&r);
            bytes[32..].copy_from_slice(s.as_bytes());
            bytes
        };
        let identity = sign_with_r(SMALL_ORDER_Y[0]);
        // The same point with a non-canonical y (p + 1).
        let mut p_plus_one = [0xff; 32];
        p_plus_one[0] = 0xee;
        p_plus_one[31] = 0x7f;
        let non_canonical = sign_with_r(p_plus_one);

        let vkey = VerifierKey::new(
            KeyName::new("batch.example/signer").expect("name"),
            KeyType::Ed25519,
            public.to_bytes(),
        )
        .expect("vkey");
        for sig in [identity, non_canonical] {
            let parsed = Signature::from_bytes(&sig);
            assert!(public.verify_strict(message, &parsed).is_err());
            assert!(
                ed25519_dalek::verify_batch(&[message], &[parsed], &[public]).is_ok(),
                "the raw batch accepts it"
            );
            assert_eq!(
                SignatureBatch::new().push(&vkey, message, &sig),
                Err(ProofsError::BadSignature {
                    key_id: vkey.key_id()
                })
            );
            assert_eq!(
                vkey.verify_raw(message, &sig),
                Err(ProofsError::BadSignature {
                    key_id: vkey.key_id()
                })
            );
        }
    }

    #[test]
    fn cosignature_key_cannot_sign_a_note() {
        let name = KeyName::new("w").expect("name");
        let key = SignerKey::from_seed(name, KeyType::CosignatureV1, [7; 32]).expect("key");
        let mut note = Note::new("x\n").expect("text");
        assert_eq!(
            note.sign(&key),
            Err(ProofsError::WrongKeyType {
                expected: 1,
                got: 4
            })
        );
    }
}
