//! Known-answer and negative vectors for signed notes, checkpoints,
//! cosignatures, witness bodies and tlog-proofs (testdata/note, see its
//! README for provenance; c2sp-digest §8.3-§8.5).

use std::path::PathBuf;

use sha2::Digest as _;

use sightline_proofs::checkpoint::{Checkpoint, Origin, open_checkpoint, sign_checkpoint};
use sightline_proofs::cosignature::{
    cosign, cosigned_message, verify_cosignature, verify_cosignatures,
};
use sightline_proofs::note::{KeyName, KeyType, Note, NoteSignature, SignerKey, VerifierKey};
use sightline_proofs::tlog_proof::{TlogProof, verify_tlog_proof};
use sightline_proofs::witness_api::{
    AddCheckpointRequest, encode_add_checkpoint_response, encode_tree_size_body,
    parse_add_checkpoint_response, parse_tree_size_body,
};
use sightline_proofs::{Hash, ProofsError, leaf_hash};

/// Reads a vector file from the workspace's testdata/note directory.
fn read(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "testdata", "note", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Reads a one-line key file without its final LF.
fn read_key(name: &str) -> String {
    let text = String::from_utf8(read(name)).expect("utf-8");
    text.strip_suffix('\n').expect("final LF").to_owned()
}

fn vkey(name: &str) -> VerifierKey {
    VerifierKey::parse(&read_key(name)).expect("vkey")
}

fn seed(first: u8) -> [u8; 32] {
    let mut s = [0u8; 32];
    for (b, v) in s.iter_mut().zip(first..) {
        *b = v;
    }
    s
}

fn log_signer() -> SignerKey {
    SignerKey::parse(&read_key("log42.skey")).expect("log skey")
}

fn witness_signer() -> SignerKey {
    let name = KeyName::new("witness.example/w1").expect("name");
    SignerKey::from_seed(name, KeyType::CosignatureV1, seed(0x20)).expect("witness")
}

fn log42() -> Origin {
    Origin::new("example.com/log42").expect("origin")
}

// --- §8.3 signed notes -------------------------------------------------------

#[test]
fn c2sp_example_verifies() {
    let key = vkey("c2sp-example.vkey");
    assert_eq!(key.key_id(), 0x530d_903a);
    assert_eq!(key.to_string(), read_key("c2sp-example.vkey"));
    let bytes = read("c2sp-example.note");
    let note = Note::parse(&bytes).expect("parse");
    assert_eq!(note.text(), "This is an example message.\n");
    assert_eq!(note.verify(std::slice::from_ref(&key)), Ok(vec![key]));
    assert_eq!(note.to_bytes(), bytes);
}

#[test]
fn go_example_keys_sign_byte_for_byte() {
    let skey = SignerKey::parse(&read_key("go-peterneumann.skey")).expect("skey");
    let key = vkey("go-peterneumann.vkey");
    assert_eq!(skey.verifier(), key);
    assert_eq!(skey.to_secret_string(), read_key("go-peterneumann.skey"));
    let text = String::from_utf8(read("go-peterneumann.text")).expect("utf-8");
    let mut note = Note::new(&text).expect("text");
    note.sign(&skey).expect("sign");
    assert_eq!(note.to_bytes(), read("go-peterneumann.note"));
    // Re-signing a parsed note with the same key replaces the line (Go's
    // note.Sign), so the bytes do not change.
    let mut parsed = Note::parse(&read("go-peterneumann.note")).expect("parse");
    parsed.sign(&skey).expect("re-sign");
    assert_eq!(parsed.to_bytes(), read("go-peterneumann.note"));
    assert_eq!(parsed.signatures().len(), 1);
    assert_eq!(parsed.verify(std::slice::from_ref(&key)), Ok(vec![key]));
}

#[test]
fn resigning_keeps_other_lines_first_then_the_new_one() {
    let peter = SignerKey::parse(&read_key("go-peterneumann.skey")).expect("skey");
    let other = SignerKey::from_seed(
        KeyName::new("other").expect("name"),
        KeyType::Ed25519,
        seed(9),
    )
    .expect("key");
    let mut note = Note::new("hello\n").expect("text");
    note.sign(&peter).expect("sign");
    note.sign(&other).expect("sign");
    note.sign(&peter).expect("re-sign");
    let names: Vec<&str> = note
        .signatures()
        .iter()
        .map(|s| s.name().as_str())
        .collect();
    assert_eq!(names, ["other", "PeterNeumann"]);
}

#[test]
fn sumdb_checkpoint_verifies() {
    let key = vkey("sumdb.vkey");
    assert_eq!(key.key_id(), 0x033d_e0ae);
    assert_eq!(key.to_string(), read_key("sumdb.vkey"));
    let note = Note::parse(&read("sumdb-65664258.note")).expect("parse");
    assert_eq!(
        note.verify(std::slice::from_ref(&key)),
        Ok(vec![key.clone()])
    );
    // Its origin has spaces, so it is a valid note but not a Sightline
    // checkpoint.
    assert_eq!(
        Checkpoint::parse_text(note.text()),
        Err(ProofsError::OriginHasSpace)
    );
    let positive = Note::parse(&read("sumdb-20852163.note")).expect("parse");
    assert_eq!(positive.verify(std::slice::from_ref(&key)), Ok(vec![key]));
}

#[test]
fn spec_checkpoint_example_is_a_negative_vector() {
    let bytes = read("spec-behind-the-sofa.note");
    let note = Note::parse(&bytes).expect("well formed");
    let sumdb = vkey("sumdb.vkey");
    // Known key, but the line's name is not the key's: ignored, so unverified.
    assert_eq!(
        note.verify(std::slice::from_ref(&sumdb)),
        Err(ProofsError::NoteUnverified)
    );
    // The sumdb public key under the example's name has another key ID,
    // so the line (ID 033de0ae) still names no known key.
    let renamed = VerifierKey::new(
        KeyName::new("example.com/behind-the-sofa").expect("name"),
        KeyType::Ed25519,
        sumdb.public_key(),
    )
    .expect("key");
    assert_ne!(renamed.key_id(), 0x033d_e0ae);
    assert_eq!(note.verify(&[renamed]), Err(ProofsError::NoteUnverified));
    // Opened as a checkpoint for the example origin, it is refused the same
    // way: the line names no trusted key.
    let origin = Origin::new("example.com/behind-the-sofa").expect("origin");
    assert_eq!(
        open_checkpoint(&origin, &[sumdb], &bytes).map(|_| ()),
        Err(ProofsError::NoteUnverified)
    );
}

#[test]
fn known_key_with_bad_signature_rejects_the_note() {
    let key = vkey("c2sp-example.vkey");
    let mut bytes = read("c2sp-example.note");
    // Change the text, keep the signature: the known key's line now fails.
    bytes[0] = b't';
    let note = Note::parse(&bytes).expect("well formed");
    assert_eq!(
        note.verify(&[key]),
        Err(ProofsError::BadSignature {
            key_id: 0x530d_903a
        })
    );
}

#[test]
fn unknown_keys_are_ignored_and_known_keys_deduplicated() {
    let key = vkey("go-peterneumann.vkey");
    let note = String::from_utf8(read("go-peterneumann.note")).expect("utf-8");
    let sumdb_line = String::from_utf8(read("sumdb-65664258.note")).expect("utf-8");
    let foreign = sumdb_line.rsplit_once("\n\n").expect("split").1;
    let peter_line = note.rsplit_once("\n\n").expect("split").1;
    let combined = format!("{note}{foreign}{peter_line}");
    let parsed = Note::parse(combined.as_bytes()).expect("parse");
    assert_eq!(parsed.signatures().len(), 3);
    assert_eq!(parsed.verify(std::slice::from_ref(&key)), Ok(vec![key]));
    assert_eq!(parsed.to_bytes(), combined.as_bytes());
}

// --- note parsing rejections ---------------------------------------------------

fn peter_note() -> String {
    String::from_utf8(read("go-peterneumann.note")).expect("utf-8")
}

#[test]
fn rejects_ascii_hyphen_instead_of_em_dash() {
    let bad = peter_note().replace('\u{2014}', "-");
    assert_eq!(
        Note::parse(bad.as_bytes()),
        Err(ProofsError::SignatureLineNoEmDash)
    );
}

#[test]
fn rejects_cr_and_tab_and_other_controls() {
    let crlf = peter_note().replace('\n', "\r\n");
    assert_eq!(
        Note::parse(crlf.as_bytes()),
        Err(ProofsError::NoteControlCharacter(b'\r'))
    );
    let tab = peter_note().replace("If you", "If\tyou");
    assert_eq!(
        Note::parse(tab.as_bytes()),
        Err(ProofsError::NoteControlCharacter(b'\t'))
    );
    assert_eq!(
        Note::new("a\u{0}\n"),
        Err(ProofsError::NoteControlCharacter(0))
    );
}

#[test]
fn rejects_missing_final_newline_and_missing_blocks() {
    let note = peter_note();
    let no_lf = note.strip_suffix('\n').expect("lf");
    assert_eq!(
        Note::parse(no_lf.as_bytes()),
        Err(ProofsError::NoteNoFinalNewline)
    );
    assert_eq!(
        Note::parse(b"text only\n"),
        Err(ProofsError::NoteNoSignatureBlock)
    );
    assert_eq!(Note::parse(b"text\n\n"), Err(ProofsError::NoteNoSignatures));
    assert_eq!(Note::parse(&[0xff, b'\n']), Err(ProofsError::NoteNotUtf8));
    assert_eq!(
        Note::new("no newline"),
        Err(ProofsError::NoteTextNoFinalNewline)
    );
    assert_eq!(Note::new(""), Err(ProofsError::NoteTextEmpty));
}

#[test]
fn splits_at_the_last_blank_line() {
    // A blank line inside the text is fine; the last one separates.
    let key = SignerKey::parse(&read_key("go-peterneumann.skey")).expect("skey");
    let mut note = Note::new("para one\n\npara two\n").expect("text");
    note.sign(&key).expect("sign");
    let parsed = Note::parse(&note.to_bytes()).expect("parse");
    assert_eq!(parsed.text(), "para one\n\npara two\n");
    assert!(parsed.verify(&[key.verifier()]).is_ok());
}

#[test]
fn rejects_bad_base64_short_signatures_and_bad_names() {
    let text = "hello\n\n";
    let line = |rest: &str| format!("{text}\u{2014} {rest}\n");
    assert_eq!(
        Note::parse(line("name !!!!").as_bytes()),
        Err(ProofsError::SignatureBase64)
    );
    // Non-canonical: "AAAAAB==" sets bits the padding should clear.
    assert_eq!(
        Note::parse(line("name AAAAAB==").as_bytes()),
        Err(ProofsError::SignatureBase64)
    );
    // Unpadded base64 is not standard base64.
    assert_eq!(
        Note::parse(line("name AAAAAA").as_bytes()),
        Err(ProofsError::SignatureBase64)
    );
    // 4 bytes: a key ID with no signature.
    assert_eq!(
        Note::parse(line("name AAAAAA==").as_bytes()),
        Err(ProofsError::SignatureTooShort(4))
    );
    assert!(Note::parse(line("name AAAAAAA=").as_bytes()).is_ok());
    assert_eq!(
        Note::parse(line("nameAAAAAAA=").as_bytes()),
        Err(ProofsError::SignatureLineNoSpace)
    );
    assert_eq!(
        Note::parse(line("a+b AAAAAAA=").as_bytes()),
        Err(ProofsError::KeyNameHasPlus)
    );
    assert_eq!(
        Note::parse(line(" AAAAAAA=").as_bytes()),
        Err(ProofsError::KeyNameEmpty)
    );
    assert_eq!(
        Note::parse(line("a\u{a0}b AAAAAAA=").as_bytes()),
        Err(ProofsError::KeyNameHasSpace)
    );
    // A second space makes the base64 invalid.
    assert_eq!(
        Note::parse(line("name AAAA AAA=").as_bytes()),
        Err(ProofsError::SignatureBase64)
    );
}

#[test]
fn signature_count_limit_accepts_100_and_rejects_101() {
    let line = "\u{2014} n AAAAAAA=\n";
    let at_limit = format!("t\n\n{}", line.repeat(100));
    assert_eq!(
        Note::parse(at_limit.as_bytes()).map(|n| n.signatures().len()),
        Ok(100)
    );
    let over = format!("t\n\n{}", line.repeat(101));
    assert_eq!(
        Note::parse(over.as_bytes()),
        Err(ProofsError::TooManySignatures(101))
    );
    let mut note = Note::parse(at_limit.as_bytes()).expect("parse");
    let extra = NoteSignature::new(KeyName::new("n").expect("n"), 0, vec![0]).expect("sig");
    assert_eq!(
        note.push_signature(extra),
        Err(ProofsError::TooManySignatures(101))
    );
}

#[test]
fn note_size_limit() {
    let big = format!("{}\n\n\u{2014} n AAAAAAA=\n", "a".repeat(1_000_000));
    assert!(matches!(
        Note::parse(big.as_bytes()),
        Err(ProofsError::NoteTooLarge(_))
    ));
}

// --- keys -------------------------------------------------------------------

#[test]
fn vkey_rejections() {
    let good = read_key("sumdb.vkey");
    assert_eq!(
        VerifierKey::parse("sum.golang.org"),
        Err(ProofsError::KeyMissingField)
    );
    assert_eq!(
        VerifierKey::parse("sum.golang.org+033de0ae"),
        Err(ProofsError::KeyMissingField)
    );
    // Wrong key ID.
    let wrong = good.replace("033de0ae", "033de0af");
    assert_eq!(
        VerifierKey::parse(&wrong),
        Err(ProofsError::KeyIdMismatch {
            stated: 0x033d_e0af,
            computed: 0x033d_e0ae
        })
    );
    // Seven and nine hex digits, and a signed number.
    for id in ["33de0ae", "0033de0ae", "+33de0ae", "033de0a "] {
        let bad = good.replace("033de0ae", id);
        assert_eq!(
            VerifierKey::parse(&bad),
            Err(ProofsError::BadKeyIdHex),
            "{id}"
        );
    }
    // Uppercase hex is read (as Go does) but emitted lowercase.
    let upper = VerifierKey::parse(&good.replace("033de0ae", "033DE0AE")).expect("upper");
    assert_eq!(upper.to_string(), good);
    // Unknown type: 0x02 with the same 32 bytes.
    let key = upper.public_key();
    let mut typed = vec![0x02];
    typed.extend_from_slice(&key);
    let b64 = base64_encode(&typed);
    assert_eq!(
        VerifierKey::parse(&format!("n+00000000+{b64}")),
        Err(ProofsError::UnknownKeyType(2))
    );
    // Wrong length: a type byte and 31 bytes.
    typed[0] = 0x01;
    let short = base64_encode(&typed[..32]);
    assert_eq!(
        VerifierKey::parse(&format!("n+00000000+{short}")),
        Err(ProofsError::BadKeyLength(31))
    );
    assert_eq!(
        VerifierKey::parse("n+00000000+AQ"),
        Err(ProofsError::BadKeyBase64)
    );
    // Too long: 48 characters would be 36 bytes, 35 after the type byte.
    assert_eq!(
        VerifierKey::parse(&format!("n+00000000+{}", "A".repeat(48))),
        Err(ProofsError::BadKeyLength(35))
    );
    // Empty key field.
    assert_eq!(
        VerifierKey::parse("n+00000000+"),
        Err(ProofsError::BadKeyLength(0))
    );
    // Not a point: y = 2 does not decompress on edwards25519.
    let mut not_point = [0u8; 32];
    not_point[0] = 2;
    assert_eq!(
        VerifierKey::new(KeyName::new("n").expect("n"), KeyType::Ed25519, not_point),
        Err(ProofsError::InvalidPublicKey)
    );
    // The identity point (y = 1) has small order.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        VerifierKey::new(KeyName::new("n").expect("n"), KeyType::Ed25519, identity),
        Err(ProofsError::WeakPublicKey)
    );
}

#[test]
fn skey_rejections() {
    let good = read_key("go-peterneumann.skey");
    assert_eq!(
        SignerKey::parse(&good.replacen("PRIVATE", "PUBLIC", 1)).err(),
        Some(ProofsError::SignerKeyMissingPrefix)
    );
    assert_eq!(
        SignerKey::parse(&good.replace("c74f20a3", "c74f20a4")).err(),
        Some(ProofsError::KeyIdMismatch {
            stated: 0xc74f_20a4,
            computed: 0xc74f_20a3
        })
    );
    assert_eq!(
        SignerKey::parse("PRIVATE+KEY+name").err(),
        Some(ProofsError::KeyMissingField)
    );
}

#[test]
fn section_8_5_keys_and_key_ids() {
    let log = log_signer();
    assert_eq!(log.verifier(), vkey("log42.vkey"));
    assert_eq!(
        SignerKey::from_seed(
            KeyName::new("example.com/log42").expect("n"),
            KeyType::Ed25519,
            seed(0)
        )
        .expect("key")
        .to_secret_string(),
        read_key("log42.skey")
    );
    let witness = witness_signer();
    assert_eq!(witness.verifier(), vkey("witness-w1.vkey"));
    assert_eq!(witness.verifier().to_string(), read_key("witness-w1.vkey"));
    // Same key pair as a 0x01 key has another ID.
    let as_note_key = SignerKey::from_seed(
        KeyName::new("witness.example/w1").expect("n"),
        KeyType::Ed25519,
        seed(0x20),
    )
    .expect("key");
    assert_eq!(as_note_key.key_id(), 0x484b_c619);
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// --- §8.4 / §8.5 cosignatures and checkpoints -----------------------------------

#[test]
fn spec_cosignature_line_decodes() {
    let text = String::from_utf8(read("spec-cosignature.line")).expect("utf-8");
    let sig = NoteSignature::parse_line(text.strip_suffix('\n').expect("lf")).expect("line");
    assert_eq!(sig.name().as_str(), "witness.example.com/w1");
    assert_eq!(sig.key_id(), 0x8d66_cf3f);
    assert_eq!(sig.signature().len(), 72);
    let time = u64::from_be_bytes(sig.signature()[..8].try_into().expect("8"));
    assert_eq!(time, 1_679_315_147);
    assert_eq!(sig.to_line(), text);
}

#[test]
fn full_note_is_reproduced_from_the_seeds() {
    let cp = Checkpoint::parse_text(
        "example.com/log42\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
    )
    .expect("checkpoint");
    assert_eq!(
        cosigned_message(&cp, 1_700_000_000).expect("msg"),
        read("cosigned-message-1700000000.txt")
    );
    let mut note = sign_checkpoint(&cp, &log_signer()).expect("sign");
    note.push_signature(cosign(&cp, &witness_signer(), 1_700_000_000).expect("cosign"))
        .expect("push");
    assert_eq!(note.to_bytes(), read("checkpoint-8-cosigned.note"));
}

#[test]
fn open_and_verify_cosigned_checkpoint() {
    let bytes = read("checkpoint-8-cosigned.note");
    let (cp, note) = open_checkpoint(&log42(), &[vkey("log42.vkey")], &bytes).expect("open");
    assert_eq!(cp.size(), 8);
    assert_eq!(cp.to_text(), note.text());
    let witness = vkey("witness-w1.vkey");
    let found = verify_cosignatures(&note, std::slice::from_ref(&witness)).expect("cosigs");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key(), &witness);
    assert_eq!(found[0].time(), 1_700_000_000);
    // The witness key is not a log key: on its own it does not open the note.
    assert_eq!(
        open_checkpoint(&log42(), std::slice::from_ref(&witness), &bytes).map(|_| ()),
        Err(ProofsError::NoteUnverified)
    );
    // And the log key is no witness: no cosignature found, not an error.
    assert_eq!(
        verify_cosignatures(&note, &[vkey("log42.vkey")]),
        Ok(vec![])
    );
    // Wrong origin is reported as such.
    let other = Origin::new("example.com/log43").expect("origin");
    assert_eq!(
        open_checkpoint(&other, &[vkey("log42.vkey")], &bytes).map(|_| ()),
        Err(ProofsError::CheckpointWrongOrigin)
    );
}

#[test]
fn cosignature_rejections() {
    let bytes = read("checkpoint-8-cosigned.note");
    let note = Note::parse(&bytes).expect("parse");
    let cp = Checkpoint::parse_text(note.text()).expect("cp");
    let witness = vkey("witness-w1.vkey");
    let line = note.signatures()[1].clone();
    // Wrong key type: the log key is 0x01.
    assert_eq!(
        verify_cosignature(&cp, &vkey("log42.vkey"), &line),
        Err(ProofsError::WrongKeyType {
            expected: 4,
            got: 1
        })
    );
    assert_eq!(
        cosign(&cp, &log_signer(), 1),
        Err(ProofsError::WrongKeyType {
            expected: 4,
            got: 1
        })
    );
    // A line from another key.
    assert_eq!(
        verify_cosignature(&cp, &witness, &note.signatures()[0]),
        Err(ProofsError::CosignatureKeyMismatch)
    );
    // Truncated payload.
    let short = NoteSignature::new(
        line.name().clone(),
        line.key_id(),
        line.signature()[..71].to_vec(),
    )
    .expect("sig");
    assert_eq!(
        verify_cosignature(&cp, &witness, &short),
        Err(ProofsError::CosignatureBadLength(71))
    );
    // Time above 2^63 - 1.
    let mut big_time = line.signature().to_vec();
    big_time[0] = 0x80;
    let big = NoteSignature::new(line.name().clone(), line.key_id(), big_time).expect("sig");
    assert_eq!(
        verify_cosignature(&cp, &witness, &big),
        Err(ProofsError::DecimalTooLarge)
    );
    // Another time: the signature no longer matches.
    let mut other_time = line.signature().to_vec();
    other_time[7] ^= 1;
    let other = NoteSignature::new(line.name().clone(), line.key_id(), other_time).expect("sig");
    assert_eq!(
        verify_cosignature(&cp, &witness, &other),
        Err(ProofsError::BadSignature {
            key_id: 0x2032_4abe
        })
    );
    // A known witness's bad line rejects the whole set.
    let mut tampered = Note::parse(&bytes).expect("parse");
    tampered.push_signature(other).expect("push");
    assert_eq!(
        verify_cosignatures(&tampered, &[witness]),
        Err(ProofsError::BadSignature {
            key_id: 0x2032_4abe
        })
    );
}

#[test]
fn checkpoint_text_rejections() {
    let root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
    let cases: [(String, ProofsError); 9] = [
        (format!("o\n08\n{root}\n"), ProofsError::DecimalLeadingZero),
        (format!("o\n+8\n{root}\n"), ProofsError::NotDecimal),
        (format!("o\n 8\n{root}\n"), ProofsError::NotDecimal),
        (
            format!("o\n9223372036854775808\n{root}\n"),
            ProofsError::DecimalTooLarge,
        ),
        (
            format!("o\n8\n{root}\next\n"),
            ProofsError::CheckpointExtensionLines,
        ),
        (format!("o\n8\n{root}"), ProofsError::CheckpointMissingLine),
        (format!("o\n8\n{root}x\n"), ProofsError::CheckpointBadRoot),
        (
            format!("o\n0\n{root}\n"),
            ProofsError::EmptyTreeRootMismatch,
        ),
        (format!("a+b\n8\n{root}\n"), ProofsError::OriginHasPlus),
    ];
    for (text, err) in cases {
        assert_eq!(Checkpoint::parse_text(&text), Err(err), "{text:?}");
    }
    assert!(Checkpoint::parse_text("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n").is_ok());
    // Extension lines are refused inside signed notes too.
    let text = format!("example.com/log42\n8\n{root}\nextension\n");
    let mut note = Note::new(&text).expect("note");
    note.sign(&log_signer()).expect("sign");
    assert_eq!(
        open_checkpoint(&log42(), &[vkey("log42.vkey")], &note.to_bytes()).map(|_| ()),
        Err(ProofsError::CheckpointExtensionLines)
    );
    // The log key must be named like the origin.
    let cp = Checkpoint::parse_text(&format!("example.com/log43\n8\n{root}\n")).expect("cp");
    assert_eq!(
        sign_checkpoint(&cp, &log_signer()).map(|_| ()),
        Err(ProofsError::CheckpointKeyNameMismatch)
    );
}

// --- §8.5 witness bodies --------------------------------------------------------

#[test]
fn add_checkpoint_request_vector() {
    let body = read("add-checkpoint-6-8.body");
    let req = AddCheckpointRequest::parse(&body).expect("parse");
    assert_eq!(req.old(), 6);
    assert_eq!(req.proof().len(), 3);
    assert_eq!(
        req.proof()[0],
        Hash::from_base64("DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=").expect("h")
    );
    assert_eq!(req.to_bytes(), body);
    let (cp, _) = open_checkpoint(&log42(), &[vkey("log42.vkey")], req.checkpoint()).expect("open");
    assert_eq!(cp.size(), 8);
    // The log side builds the same body.
    let note = sign_checkpoint(&cp, &log_signer()).expect("sign");
    let built = AddCheckpointRequest::new(6, req.proof().to_vec(), note.to_bytes()).expect("new");
    assert_eq!(built.to_bytes(), body);
}

#[test]
fn spec_add_checkpoint_example_parses() {
    let req = AddCheckpointRequest::parse(&read("spec-add-checkpoint.body")).expect("parse");
    assert_eq!(req.old(), 20_852_014);
    assert_eq!(req.proof().len(), 4);
    let note = Note::parse(req.checkpoint()).expect("note");
    let ids: Vec<u32> = note
        .signatures()
        .iter()
        .map(NoteSignature::key_id)
        .collect();
    assert_eq!(ids, [0x033d_e0ae, 0xa292_ea05]);
}

#[test]
fn add_checkpoint_request_rejections() {
    let body = String::from_utf8(read("add-checkpoint-6-8.body")).expect("utf-8");
    let hash = "DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=\n";
    let cases: Vec<(String, ProofsError)> = vec![
        (
            body.replacen("old 6", "old 06", 1),
            ProofsError::DecimalLeadingZero,
        ),
        (body.replacen("old 6", "old  6", 1), ProofsError::NotDecimal),
        (
            body.replacen("old 6", "new 6", 1),
            ProofsError::AddCheckpointMissingOld,
        ),
        (String::from("old 6"), ProofsError::AddCheckpointMissingOld),
        (
            body.replacen(hash, "AAAA\n", 1),
            ProofsError::AddCheckpointBadProofLine,
        ),
        (
            String::from("old 6\n"),
            ProofsError::AddCheckpointMissingBlankLine,
        ),
        (
            String::from("old 6\n\n"),
            ProofsError::AddCheckpointNoCheckpoint,
        ),
        (
            format!("old 6\n{}\ncp", hash.repeat(64)),
            ProofsError::AddCheckpointProofTooLong(64),
        ),
        (
            format!("old 6\n\n{}", "x".repeat(128 * 1024)),
            ProofsError::AddCheckpointTooLarge(128 * 1024 + 7),
        ),
    ];
    for (text, err) in cases {
        assert_eq!(
            AddCheckpointRequest::parse(text.as_bytes()),
            Err(err),
            "{:?}",
            text.get(..40)
        );
    }
    // 63 lines are fine.
    let ok = format!("old 6\n{}\ncp", hash.repeat(63));
    assert_eq!(
        AddCheckpointRequest::parse(ok.as_bytes()).map(|r| r.proof().len()),
        Ok(63)
    );
    assert_eq!(
        AddCheckpointRequest::new(0, vec![Hash::new([0; 32]); 64], b"x".to_vec()),
        Err(ProofsError::AddCheckpointProofTooLong(64))
    );
    assert_eq!(
        AddCheckpointRequest::new(0, vec![], vec![]),
        Err(ProofsError::AddCheckpointNoCheckpoint)
    );
}

#[test]
fn add_checkpoint_responses() {
    let body = read("add-checkpoint-200.body");
    let lines = parse_add_checkpoint_response(&body).expect("parse");
    assert_eq!(lines.len(), 1);
    assert_eq!(encode_add_checkpoint_response(&lines), Ok(body.clone()));
    // Appending the lines to the log's note gives the cosigned note.
    let req = AddCheckpointRequest::parse(&read("add-checkpoint-6-8.body")).expect("req");
    let mut note = Note::parse(req.checkpoint()).expect("note");
    for line in lines {
        note.push_signature(line).expect("push");
    }
    assert_eq!(note.to_bytes(), read("checkpoint-8-cosigned.note"));

    assert_eq!(
        parse_add_checkpoint_response(b""),
        Err(ProofsError::NoteNoSignatures)
    );
    let no_lf = &body[..body.len() - 1];
    assert_eq!(
        parse_add_checkpoint_response(no_lf),
        Err(ProofsError::NoteNoFinalNewline)
    );
    let mut blank = body.clone();
    blank.push(b'\n');
    assert_eq!(
        parse_add_checkpoint_response(&blank),
        Err(ProofsError::SignatureLineNoEmDash)
    );
    assert_eq!(
        encode_add_checkpoint_response(&[]),
        Err(ProofsError::NoteNoSignatures)
    );

    assert_eq!(
        parse_tree_size_body(&read("add-checkpoint-409.body")),
        Ok(7)
    );
    assert_eq!(
        encode_tree_size_body(7).map(String::into_bytes),
        Ok(read("add-checkpoint-409.body"))
    );
    assert_eq!(
        parse_tree_size_body(b""),
        Err(ProofsError::TreeSizeBodyNoNewline)
    );
    assert_eq!(parse_tree_size_body(b"\n"), Err(ProofsError::NotDecimal));
}

// --- §8.5 tlog-proof -----------------------------------------------------------

#[test]
fn tlog_proof_vector_verifies() {
    let bytes = read("leaf-5.tlog-proof");
    let proof = TlogProof::parse(&bytes).expect("parse");
    assert_eq!(proof.index(), 5);
    assert_eq!(proof.path().len(), 3);
    assert_eq!(proof.extra(), None);
    assert_eq!(proof.checkpoint(), read("checkpoint-8-cosigned.note"));
    assert_eq!(proof.to_bytes(), bytes);
    let leaf = leaf_hash(&[0x40, 0x41, 0x42, 0x43]);
    let (cp, note) =
        verify_tlog_proof(&proof, &log42(), &[vkey("log42.vkey")], &leaf).expect("verify");
    assert_eq!(cp.size(), 8);
    assert_eq!(
        verify_cosignatures(&note, &[vkey("witness-w1.vkey")]).map(|c| c.len()),
        Ok(1)
    );
}

#[test]
fn tlog_proof_verification_rejections() {
    let bytes = read("leaf-5.tlog-proof");
    let proof = TlogProof::parse(&bytes).expect("parse");
    let keys = [vkey("log42.vkey")];
    let leaf = leaf_hash(&[0x40, 0x41, 0x42, 0x43]);
    // Another leaf.
    assert_eq!(
        verify_tlog_proof(&proof, &log42(), &keys, &leaf_hash(b"x")).map(|_| ()),
        Err(ProofsError::InclusionRootMismatch)
    );
    // Another index.
    let moved =
        TlogProof::new(None, 4, proof.path().to_vec(), proof.checkpoint().to_vec()).expect("proof");
    assert_eq!(
        verify_tlog_proof(&moved, &log42(), &keys, &leaf).map(|_| ()),
        Err(ProofsError::InclusionRootMismatch)
    );
    // Index beyond the tree.
    let beyond =
        TlogProof::new(None, 8, proof.path().to_vec(), proof.checkpoint().to_vec()).expect("proof");
    assert_eq!(
        verify_tlog_proof(&beyond, &log42(), &keys, &leaf).map(|_| ()),
        Err(ProofsError::LeafIndexOutOfRange { index: 8, size: 8 })
    );
    // Truncated path.
    let short = TlogProof::new(
        None,
        5,
        proof.path()[..2].to_vec(),
        proof.checkpoint().to_vec(),
    )
    .expect("proof");
    assert!(matches!(
        verify_tlog_proof(&short, &log42(), &keys, &leaf),
        Err(ProofsError::InclusionPathLength { .. })
    ));
    // Log signature checked first: an unknown log key.
    assert_eq!(
        verify_tlog_proof(&proof, &log42(), &[vkey("sumdb.vkey")], &leaf).map(|_| ()),
        Err(ProofsError::NoteUnverified)
    );
}

#[test]
fn tlog_proof_parse_rejections() {
    let text = String::from_utf8(read("leaf-5.tlog-proof")).expect("utf-8");
    let path_line = "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=\n";
    let cases: Vec<(String, ProofsError)> = vec![
        (
            text.replacen("@v1", "@v2", 1),
            ProofsError::TlogProofBadHeader,
        ),
        (String::new(), ProofsError::TlogProofBadHeader),
        (
            text.replacen("index 5", "index 05", 1),
            ProofsError::DecimalLeadingZero,
        ),
        (
            text.replacen("index 5", "leaf 5", 1),
            ProofsError::TlogProofMissingIndex,
        ),
        (
            text.replacen("index 5", "extra !!\nindex 5", 1),
            ProofsError::TlogProofBadExtra,
        ),
        (
            text.replacen("index 5", "extra \nindex 5", 1),
            ProofsError::TlogProofEmptyExtra,
        ),
        (
            text.replacen(path_line, "AAAA\n", 1),
            ProofsError::TlogProofBadPathLine,
        ),
        (
            text.replacen(path_line, &path_line.repeat(64), 1),
            ProofsError::TlogProofPathTooLong(64),
        ),
        (
            String::from("c2sp.org/tlog-proof@v1\nindex 5\n"),
            ProofsError::TlogProofMissingBlankLine,
        ),
        (
            String::from("c2sp.org/tlog-proof@v1\nindex 5\n\n"),
            ProofsError::TlogProofNoCheckpoint,
        ),
    ];
    for (input, err) in cases {
        assert_eq!(
            TlogProof::parse(input.as_bytes()),
            Err(err),
            "{:?}",
            input.get(..60)
        );
    }
    // Extra data above 4096 bytes, as text and as a value.
    let big = text.replacen(
        "index 5",
        &format!("extra {}\nindex 5", "A".repeat(5468)),
        1,
    );
    assert_eq!(
        TlogProof::parse(big.as_bytes()),
        Err(ProofsError::TlogProofExtraTooLarge)
    );
    let big = text.replacen(
        "index 5",
        &format!("extra {}\nindex 5", "AAAA".repeat(1366)),
        1,
    );
    assert_eq!(
        TlogProof::parse(big.as_bytes()),
        Err(ProofsError::TlogProofExtraTooLarge)
    );
    assert_eq!(
        TlogProof::new(Some(vec![0; 4097]), 0, vec![], b"x".to_vec()),
        Err(ProofsError::TlogProofExtraTooLarge)
    );
    assert_eq!(
        TlogProof::new(Some(vec![0; 4096]), 0, vec![], b"x".to_vec()).map(|p| p.index()),
        Ok(0)
    );
    // A valid extra line round-trips.
    let with_extra = text.replacen("index 5", "extra AQID\nindex 5", 1);
    let proof = TlogProof::parse(with_extra.as_bytes()).expect("parse");
    assert_eq!(proof.extra(), Some(&[1u8, 2, 3][..]));
    assert_eq!(proof.to_bytes(), with_extra.as_bytes());
}

#[test]
fn colliding_key_ids_are_ambiguous() {
    // Seeds found by testdata/note/keyid_collision.py (see the README).
    let key = |i: u32| {
        let seed: [u8; 32] = sha2::Sha256::digest(format!("sightline keyid collision {i}")).into();
        SignerKey::from_seed(
            KeyName::new("collide").expect("name"),
            KeyType::Ed25519,
            seed,
        )
        .expect("key")
    };
    let (a, b) = (key(25_021), key(82_765));
    assert_eq!(a.key_id(), 0xb12e_5c9d);
    assert_eq!(b.key_id(), a.key_id());
    assert_ne!(a.verifier(), b.verifier());
    let mut note = Note::new("which key?\n").expect("text");
    note.sign(&a).expect("sign");
    assert_eq!(
        note.verify(&[a.verifier(), b.verifier()]),
        Err(ProofsError::AmbiguousVerifierKey {
            key_id: 0xb12e_5c9d
        })
    );
    // Listing the same key twice is not ambiguous.
    assert_eq!(
        note.verify(&[a.verifier(), a.verifier()]),
        Ok(vec![a.verifier()])
    );
}
