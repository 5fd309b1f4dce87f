//! Interop with independent implementations: the `signed_note` crate (a port
//! of Go's sumdb/note) for notes and keys, and `tlog_tiles` for checkpoint
//! text. Cosignatures are checked through `signed_note`'s `Verifier` and
//! `Signer` traits with a test-local `cosignature/v1` framing written from
//! the spec (c2sp-digest §3.2), over `tlog_tiles`' checkpoint encoding.
//!
//! Each direction is tested: made here and verified there, made there and
//! verified here.

use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use sightline_proofs::Hash;
use sightline_proofs::checkpoint::{Checkpoint, Origin, open_checkpoint, sign_checkpoint};
use sightline_proofs::cosignature::{cosign, verify_cosignatures};
use sightline_proofs::note::{KeyName, KeyType, Note, SignerKey, VerifierKey};
use signed_note::{
    Note as TheirNote, Signer as TheirSigner, StandardSigner, StandardVerifier,
    Verifier as TheirVerifier, VerifierList,
};

// --- a test-local cosignature/v1 for signed_note ------------------------------

/// The `cosignature/v1` message, built independently of the crate under test.
fn their_cosigned_message(checkpoint_text: &[u8], time: u64) -> Vec<u8> {
    let mut msg = format!("cosignature/v1\ntime {time}\n").into_bytes();
    msg.extend_from_slice(checkpoint_text);
    msg
}

/// A 0x04 key ID computed with signed_note's own helper.
fn their_cosig_key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut typed = vec![0x04];
    typed.extend_from_slice(public);
    signed_note::key_id(name, &typed)
}

struct CosigVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl TheirVerifier for CosigVerifier {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        let Some((time, sig)) = sig.split_first_chunk::<8>() else {
            return false;
        };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
            return false;
        };
        let msg = their_cosigned_message(msg, u64::from_be_bytes(*time));
        self.key.verify(&msg, &sig).is_ok()
    }
}

struct CosigSigner {
    name: String,
    id: u32,
    key: SigningKey,
    time: u64,
}

impl TheirSigner for CosigSigner {
    fn name(&self) -> &str {
        &self.name
    }
    fn key_id(&self) -> u32 {
        self.id
    }
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        let full = their_cosigned_message(msg, self.time);
        let mut out = self.time.to_be_bytes().to_vec();
        out.extend_from_slice(&self.key.sign(&full).to_bytes());
        Ok(out)
    }
}

// --- strategies ----------------------------------------------------------------

fn name_strategy() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9./_-]{0,30}"
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Lines of printable ASCII and some non-ASCII, empty lines included.
    prop::collection::vec("[ -~\u{e9}\u{2014}\u{4e2d}]{0,40}", 1..6)
        .prop_map(|lines| lines.iter().flat_map(|l| [l.as_str(), "\n"]).collect())
}

fn checkpoint_strategy() -> impl Strategy<Value = (String, u64, [u8; 32])> {
    (name_strategy(), 1..=i64::MAX as u64, any::<[u8; 32]>())
}

// --- notes -----------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn notes_signed_here_verify_there(
        seed in any::<[u8; 32]>(),
        name in name_strategy(),
        text in text_strategy(),
    ) {
        let key = SignerKey::from_seed(KeyName::new(&name).unwrap(), KeyType::Ed25519, seed).unwrap();
        let mut note = Note::new(&text).unwrap();
        note.sign(&key).unwrap();
        let bytes = note.to_bytes();

        let theirs = TheirNote::from_bytes(&bytes).unwrap();
        let verifier = StandardVerifier::new(&key.verifier().to_string()).unwrap();
        let list = VerifierList::new(vec![Box::new(verifier)]);
        let (verified, unverified) = theirs.verify(&list).unwrap();
        prop_assert_eq!(verified.len(), 1);
        prop_assert!(unverified.is_empty());
        prop_assert_eq!(theirs.to_bytes(), bytes);
        // Their parser accepts our secret key string too.
        let their_signer = StandardSigner::new(&key.to_secret_string()).unwrap();
        prop_assert_eq!(their_signer.key_id(), key.key_id());
    }

    #[test]
    fn notes_signed_there_verify_here(
        rng_seed in any::<u64>(),
        name in name_strategy(),
        text in text_strategy(),
    ) {
        let mut rng = StdRng::seed_from_u64(rng_seed);
        let (skey, vkey) = signed_note::generate_key(&mut rng, &name);
        let signer = StandardSigner::new(&skey).unwrap();
        let mut theirs = TheirNote::new(text.as_bytes(), &[]).unwrap();
        theirs.add_sigs(&[&signer]).unwrap();
        let bytes = theirs.to_bytes();

        let key = VerifierKey::parse(&vkey).unwrap();
        prop_assert_eq!(key.to_string(), vkey);
        let note = Note::parse(&bytes).unwrap();
        prop_assert_eq!(note.verify(std::slice::from_ref(&key)).unwrap(), vec![key.clone()]);
        prop_assert_eq!(note.to_bytes(), bytes.clone());
        // Same key here signs the same bytes (Ed25519 is deterministic).
        let ours = SignerKey::parse(&skey).unwrap();
        prop_assert_eq!(ours.to_secret_string(), skey);
        let mut again = Note::new(&text).unwrap();
        again.sign(&ours).unwrap();
        prop_assert_eq!(again.to_bytes(), bytes);
    }

    #[test]
    fn checkpoints_agree_with_tlog_tiles((origin, size, root) in checkpoint_strategy(), seed in any::<[u8; 32]>()) {
        let cp = Checkpoint::new(Origin::new(&origin).unwrap(), size, Hash::new(root)).unwrap();
        let theirs = tlog_tiles::Checkpoint::new(&origin, size, tlog_tiles::Hash(root), "").unwrap();
        prop_assert_eq!(theirs.to_bytes(), cp.to_text().into_bytes());
        let parsed = tlog_tiles::Checkpoint::from_bytes(cp.to_text().as_bytes()).unwrap();
        prop_assert_eq!(&parsed, &theirs);

        // Signed here, opened there; signed there, opened here.
        let log = SignerKey::from_seed(cp.origin().key_name(), KeyType::Ed25519, seed).unwrap();
        let note = sign_checkpoint(&cp, &log).unwrap();
        let their_note = TheirNote::from_bytes(&note.to_bytes()).unwrap();
        let list = VerifierList::new(vec![Box::new(StandardVerifier::new(&log.verifier().to_string()).unwrap())]);
        prop_assert!(their_note.verify(&list).is_ok());
        prop_assert!(tlog_tiles::Checkpoint::from_bytes(their_note.text()).is_ok());

        let their_signer = StandardSigner::new(&log.to_secret_string()).unwrap();
        let mut signed_there = TheirNote::new(&theirs.to_bytes(), &[]).unwrap();
        signed_there.add_sigs(&[&their_signer]).unwrap();
        let (opened, _) = open_checkpoint(cp.origin(), &[log.verifier()], &signed_there.to_bytes()).unwrap();
        prop_assert_eq!(opened, cp);
    }

    #[test]
    fn cosignatures_agree_both_ways(
        (origin, size, root) in checkpoint_strategy(),
        log_seed in any::<[u8; 32]>(),
        witness_seed in any::<[u8; 32]>(),
        witness_name in name_strategy(),
        time in 0..=i64::MAX as u64,
    ) {
        let cp = Checkpoint::new(Origin::new(&origin).unwrap(), size, Hash::new(root)).unwrap();
        let log = SignerKey::from_seed(cp.origin().key_name(), KeyType::Ed25519, log_seed).unwrap();
        let witness = SignerKey::from_seed(
            KeyName::new(&witness_name).unwrap(), KeyType::CosignatureV1, witness_seed).unwrap();
        let public = witness.verifier().public_key();
        prop_assert_eq!(their_cosig_key_id(&witness_name, &public), witness.key_id());

        // Cosigned here, verified there.
        let mut note = sign_checkpoint(&cp, &log).unwrap();
        note.push_signature(cosign(&cp, &witness, time).unwrap()).unwrap();
        let their_note = TheirNote::from_bytes(&note.to_bytes()).unwrap();
        let their_witness = CosigVerifier {
            name: witness_name.clone(),
            id: their_cosig_key_id(&witness_name, &public),
            key: VerifyingKey::from_bytes(&public).unwrap(),
        };
        let (verified, unverified) = their_note.verify(&VerifierList::new(vec![Box::new(their_witness)])).unwrap();
        prop_assert_eq!(verified.len(), 1);
        prop_assert_eq!(unverified.len(), 1);

        // Cosigned there, verified here.
        let mut there = TheirNote::from_bytes(&sign_checkpoint(&cp, &log).unwrap().to_bytes()).unwrap();
        let signer = CosigSigner {
            name: witness_name.clone(),
            id: their_cosig_key_id(&witness_name, &public),
            key: SigningKey::from_bytes(&witness_seed),
            time,
        };
        there.add_sigs(&[&signer]).unwrap();
        let (_, opened) = open_checkpoint(cp.origin(), &[log.verifier()], &there.to_bytes()).unwrap();
        let found = verify_cosignatures(&opened, &[witness.verifier()]).unwrap();
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(found[0].time(), time);
        // Both sides produce the same line.
        prop_assert_eq!(there.to_bytes(), note.to_bytes());
    }
}

#[test]
fn go_example_through_signed_note() {
    // The Go example key pair, parsed by both implementations, gives the
    // same key ID, and signed_note verifies the digest's vector note.
    let skey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    let ours = SignerKey::parse(skey).unwrap();
    let theirs = StandardSigner::new(skey).unwrap();
    assert_eq!(theirs.key_id(), ours.key_id());
    let mut note = Note::new("hello\n").unwrap();
    note.sign(&ours).unwrap();
    let mut their_note = TheirNote::new(b"hello\n", &[]).unwrap();
    their_note.add_sigs(&[&theirs]).unwrap();
    assert_eq!(their_note.to_bytes(), note.to_bytes());
}
