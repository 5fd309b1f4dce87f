//! Property tests for the signed-note formats: every encoder's output parses
//! back to the same value and the same bytes, and a flipped bit in a signed
//! note is never accepted (c2sp-digest §1-§4, §6.1).

use proptest::prelude::*;
use sightline_proofs::checkpoint::{Checkpoint, Origin, open_checkpoint, sign_checkpoint};
use sightline_proofs::cosignature::{cosign, verify_cosignatures};
use sightline_proofs::note::{KeyName, KeyType, Note, NoteSignature, SignerKey, VerifierKey};
use sightline_proofs::tlog_proof::TlogProof;
use sightline_proofs::witness_api::{
    AddCheckpointRequest, encode_add_checkpoint_response, encode_tree_size_body,
    parse_add_checkpoint_response, parse_tree_size_body,
};
use sightline_proofs::{EMPTY_ROOT, Hash};

fn name() -> impl Strategy<Value = String> {
    // Includes non-ASCII that Go does not count as space (U+200B, U+00E9).
    "[a-z0-9\u{e9}\u{200b}][a-z0-9./_\u{e9}-]{0,20}"
}

fn signature() -> impl Strategy<Value = NoteSignature> {
    (
        name(),
        any::<u32>(),
        prop::collection::vec(any::<u8>(), 1..100),
    )
        .prop_map(|(n, id, sig)| NoteSignature::new(KeyName::new(&n).unwrap(), id, sig).unwrap())
}

fn checkpoint() -> impl Strategy<Value = Checkpoint> {
    (name(), 0..=i64::MAX as u64, any::<[u8; 32]>()).prop_map(|(o, size, root)| {
        let root = if size == 0 {
            EMPTY_ROOT
        } else {
            Hash::new(root)
        };
        Checkpoint::new(Origin::new(&o).unwrap(), size, root).unwrap()
    })
}

fn hashes(max: usize) -> impl Strategy<Value = Vec<Hash>> {
    prop::collection::vec(any::<[u8; 32]>().prop_map(Hash::new), 0..=max)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn note_round_trip(
        text in prop::collection::vec("[ -~\u{2014}]{0,30}", 1..5),
        sigs in prop::collection::vec(signature(), 1..20),
    ) {
        let text: String = text.iter().flat_map(|l| [l.as_str(), "\n"]).collect();
        let mut note = Note::new(&text).unwrap();
        for sig in sigs {
            note.push_signature(sig).unwrap();
        }
        let bytes = note.to_bytes();
        let parsed = Note::parse(&bytes).unwrap();
        prop_assert_eq!(&parsed, &note);
        prop_assert_eq!(parsed.to_bytes(), bytes);
    }

    #[test]
    fn keys_round_trip(seed in any::<[u8; 32]>(), n in name(), cosig in any::<bool>()) {
        let key_type = if cosig { KeyType::CosignatureV1 } else { KeyType::Ed25519 };
        let key = SignerKey::from_seed(KeyName::new(&n).unwrap(), key_type, seed).unwrap();
        let secret = key.to_secret_string();
        let parsed = SignerKey::parse(&secret).unwrap();
        prop_assert_eq!(parsed.to_secret_string(), secret);
        let vkey = key.verifier().to_string();
        prop_assert_eq!(VerifierKey::parse(&vkey).unwrap(), key.verifier());
        prop_assert_eq!(parsed.verifier(), key.verifier());
    }

    #[test]
    fn checkpoint_text_round_trip(cp in checkpoint()) {
        let text = cp.to_text();
        prop_assert_eq!(Checkpoint::parse_text(&text).unwrap(), cp);
    }

    #[test]
    fn flipped_bit_in_signed_checkpoint_is_rejected(
        cp in checkpoint(),
        seed in any::<[u8; 32]>(),
        bit in any::<prop::sample::Index>(),
    ) {
        let log = SignerKey::from_seed(cp.origin().key_name(), KeyType::Ed25519, seed).unwrap();
        let mut bytes = sign_checkpoint(&cp, &log).unwrap().to_bytes();
        let i = bit.index(bytes.len() * 8);
        bytes[i / 8] ^= 1 << (i % 8);
        prop_assert!(open_checkpoint(cp.origin(), &[log.verifier()], &bytes).is_err());
    }

    #[test]
    fn flipped_bit_in_cosignature_is_rejected(
        cp in checkpoint(),
        seed in any::<[u8; 32]>(),
        time in 0..=i64::MAX as u64,
        bit in 0usize..72 * 8,
    ) {
        let w = SignerKey::from_seed(KeyName::new("w").unwrap(), KeyType::CosignatureV1, seed).unwrap();
        let line = cosign(&cp, &w, time).unwrap();
        let mut payload = line.signature().to_vec();
        payload[bit / 8] ^= 1 << (bit % 8);
        let bad = NoteSignature::new(line.name().clone(), line.key_id(), payload).unwrap();
        let mut note = Note::new(&cp.to_text()).unwrap();
        note.push_signature(bad).unwrap();
        prop_assert!(verify_cosignatures(&note, &[w.verifier()]).is_err());
    }

    #[test]
    fn add_checkpoint_bodies_round_trip(
        old in 0..=i64::MAX as u64,
        proof in hashes(63),
        cp in checkpoint(),
        sigs in prop::collection::vec(signature(), 1..5),
    ) {
        let req = AddCheckpointRequest::new(old, proof, cp.to_text().into_bytes()).unwrap();
        let bytes = req.to_bytes();
        let parsed = AddCheckpointRequest::parse(&bytes).unwrap();
        prop_assert_eq!(&parsed, &req);
        prop_assert_eq!(parsed.to_bytes(), bytes);

        let body = encode_add_checkpoint_response(&sigs).unwrap();
        prop_assert_eq!(parse_add_checkpoint_response(&body).unwrap(), sigs);

        let size_body = encode_tree_size_body(old).unwrap();
        prop_assert_eq!(parse_tree_size_body(size_body.as_bytes()).unwrap(), old);
    }

    #[test]
    fn tlog_proof_round_trip(
        extra in prop::option::of(prop::collection::vec(any::<u8>(), 1..200)),
        index in 0..=i64::MAX as u64,
        path in hashes(63),
        cp in checkpoint(),
    ) {
        let proof = TlogProof::new(extra, index, path, cp.to_text().into_bytes()).unwrap();
        let bytes = proof.to_bytes();
        let parsed = TlogProof::parse(&bytes).unwrap();
        prop_assert_eq!(&parsed, &proof);
        prop_assert_eq!(parsed.to_bytes(), bytes);
    }

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Note::parse(&bytes);
        let _ = AddCheckpointRequest::parse(&bytes);
        let _ = TlogProof::parse(&bytes);
        let _ = parse_add_checkpoint_response(&bytes);
        let _ = parse_tree_size_body(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = Checkpoint::parse_text(text);
            let _ = VerifierKey::parse(text);
            let _ = SignerKey::parse(text);
        }
    }
}
