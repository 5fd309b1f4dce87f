//! Record grammar (DESIGN §4): every malformation rejected with its own
//! error variant, canonical round trips, and pattern semantics checked
//! against brute-force enumeration.

mod records_common;

use proptest::prelude::*;
use records_common::*;
use sightline_proofs::ProofsError;
use sightline_proofs::note::{KeyName, KeyType, SignerKey, VerifierKey};
use sightline_proofs::record::{
    Approval, ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, KeyStatus, MAX_ENTRY_LEN,
    Pattern, Pause, Reason, Record, RecordKind, Release, ReleaseRef, Resume, Rollout, SignedRecord,
    StateRecord, Timestamp, Token, Version,
};

/// The standard base64 alphabet, in value order.
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const HEX: &str = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";

fn release_text() -> String {
    format!(
        "sightline/v1 release\nartifact sha256:{HEX}\nsize 1048576\nname thermo\n\
         version 1.2.3\ntarget acme/thermostat/*\ntarget acme/lock/l1\n\
         issued 2023-11-14T22:13:20Z\n"
    )
}

fn vkey_text(seed: u8) -> String {
    key("alice-signing", seed).verifier().to_string()
}

fn enrol_text() -> String {
    format!(
        "sightline/v1 key\naction enrol\nvkey {}\nrole signer\nowner alice\nscope acme/*\n\
         scope beta/x\nexpires 2024-11-13T22:13:20Z\nreason new build machine\n\
         issued 2023-11-14T22:13:20Z\n",
        vkey_text(10)
    )
}

fn retire_text() -> String {
    format!(
        "sightline/v1 key\naction retire\nvkey {}\nrole signer\nowner alice\n\
         issued 2023-11-14T22:13:20Z\n",
        vkey_text(10)
    )
}

/// Replaces the first occurrence of `from` in `text`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not in {text:?}");
    text.replacen(from, to, 1)
}

#[track_caller]
fn rejects(text: &str, err: ProofsError) {
    assert_eq!(Record::parse_text(text), Err(err), "{text}");
}

#[test]
fn valid_texts_round_trip() {
    for text in [release_text(), enrol_text(), retire_text()] {
        let record = Record::parse_text(&text).unwrap();
        assert_eq!(record.to_text(), text);
    }
    let approval = format!(
        "sightline/v1 approval\nrelease 4 {HEX}\nrole security\nissued 2023-11-14T22:13:20Z\n"
    );
    let rollout = format!(
        "sightline/v1 rollout\nrelease 4 {HEX}\ntarget acme/thermostat/t3\n\
         issued 2023-11-14T22:13:20Z\n"
    );
    let pause = "sightline/v1 pause\ntarget acme/*\nreason boot loop on t3\n\
                 issued 2023-11-14T22:13:20Z\n";
    let resume = pause.replace("pause", "resume");
    for (text, kind) in [
        (approval, RecordKind::Approval),
        (rollout, RecordKind::Rollout),
        (pause.to_string(), RecordKind::Pause),
        (resume, RecordKind::Resume),
    ] {
        let record = Record::parse_text(&text).unwrap();
        assert_eq!(record.kind(), kind);
        assert_eq!(record.to_text(), text);
    }
}

#[test]
fn layout_errors() {
    let r = release_text();
    rejects(r.trim_end(), ProofsError::RecordMissingFinalNewline);
    rejects(
        &edit(&r, "sightline/v1 ", "sightline/v2 "),
        ProofsError::BadRecordHeader,
    );
    rejects(
        &edit(&r, "sightline/v1 release", "Sightline/v1 release"),
        ProofsError::BadRecordHeader,
    );
    rejects("", ProofsError::RecordMissingFinalNewline);
    rejects("\n", ProofsError::BadRecordHeader);
    rejects(
        &edit(&r, "release", "firmware"),
        ProofsError::UnknownRecordKind,
    );
    rejects(
        &edit(&r, "release", "Release"),
        ProofsError::UnknownRecordKind,
    );
    rejects(
        &edit(&r, "size 1048576\n", "size 1048576\n\n"),
        ProofsError::RecordEmptyLine { line: 4 },
    );
    rejects(
        &edit(&r, "size 1048576", "size"),
        ProofsError::MissingFieldValue { line: 3 },
    );
    rejects(
        &edit(&r, "size 1048576", "colour blue"),
        ProofsError::UnknownField { line: 3 },
    );
    // A field of another kind is unknown here too.
    rejects(
        &edit(&r, "size 1048576", "owner alice"),
        ProofsError::UnknownField { line: 3 },
    );
}

#[test]
fn order_duplicate_and_missing() {
    let r = release_text();
    let swapped = edit(
        &r,
        "size 1048576\nname thermo\n",
        "name thermo\nsize 1048576\n",
    );
    rejects(
        &swapped,
        ProofsError::FieldOutOfOrder {
            field: "size",
            line: 4,
        },
    );
    let issued_first = edit(
        &r,
        "target acme/thermostat/*\n",
        "issued 2023-11-14T22:13:20Z\ntarget acme/thermostat/*\n",
    );
    rejects(
        &issued_first,
        ProofsError::FieldOutOfOrder {
            field: "target",
            line: 7,
        },
    );
    rejects(
        &edit(&r, "name thermo\n", "name thermo\nname other\n"),
        ProofsError::DuplicateField {
            field: "name",
            line: 5,
        },
    );
    rejects(
        &edit(&r, "issued 2023-11-14T22:13:20Z\n", ""),
        ProofsError::MissingField { field: "issued" },
    );
    rejects(
        &edit(&r, "artifact sha256:", "x").replacen(&format!("x{HEX}\n"), "", 1),
        ProofsError::MissingField { field: "artifact" },
    );
    let no_targets = edit(
        &edit(&r, "target acme/thermostat/*\n", ""),
        "target acme/lock/l1\n",
        "",
    );
    rejects(&no_targets, ProofsError::MissingField { field: "target" });
    rejects(
        &edit(&r, "target acme/lock/l1", "target acme/thermostat/*"),
        ProofsError::DuplicateValue { field: "target" },
    );
}

#[test]
fn value_errors() {
    let r = release_text();
    rejects(
        &edit(&r, "name thermo", "name -thermo"),
        ProofsError::BadToken,
    );
    rejects(
        &edit(&r, "name thermo", "name thermo stat"),
        ProofsError::BadToken,
    );
    rejects(
        &edit(&r, "target acme/lock/l1", "target acme//l1"),
        ProofsError::BadPattern,
    );
    rejects(
        &edit(&r, "target acme/lock/l1", "target acme/*/l1"),
        ProofsError::BadPattern,
    );
    rejects(
        &edit(&r, "2023-11-14T22:13:20Z", "2023-02-30T22:13:20Z"),
        ProofsError::BadTimestamp,
    );
    rejects(
        &edit(&r, "2023-11-14T22:13:20Z", "2023-11-14T22:13:20+00:00"),
        ProofsError::BadTimestamp,
    );
    rejects(
        &edit(&r, "version 1.2.3", "version 1.2"),
        ProofsError::BadVersion,
    );
    rejects(
        &edit(&r, "version 1.2.3", "version v1.2.3"),
        ProofsError::BadVersion,
    );
    rejects(&edit(&r, "sha256:5a", "sha256:5A"), ProofsError::BadDigest);
    rejects(&edit(&r, "sha256:", "sha1:"), ProofsError::BadDigest);
    rejects(
        &edit(&r, "size 1048576", "size 01048576"),
        ProofsError::BadSize,
    );
    rejects(&edit(&r, "size 1048576", "size -1"), ProofsError::BadSize);

    let approval = format!(
        "sightline/v1 approval\nrelease 4 {HEX}\nrole security\nissued 2023-11-14T22:13:20Z\n"
    );
    rejects(
        &edit(&approval, "release 4 ", "release 04 "),
        ProofsError::BadIndex,
    );
    rejects(
        &edit(&approval, "release 4 ", "release 4"),
        ProofsError::BadReleaseRef,
    );
    rejects(
        &edit(&approval, "release 4 5a", "release 4 5A"),
        ProofsError::BadReleaseRef,
    );
    rejects(
        &edit(&approval, "role security", "role sec urity"),
        ProofsError::BadToken,
    );

    let pause =
        "sightline/v1 pause\ntarget acme/*\nreason boot loop\nissued 2023-11-14T22:13:20Z\n";
    rejects(
        &edit(pause, "reason boot loop", "reason boot loop "),
        ProofsError::BadReason,
    );
    rejects(
        &edit(pause, "reason boot loop\n", ""),
        ProofsError::MissingField { field: "reason" },
    );
    rejects(
        &edit(pause, "target acme/*", "target acme/*/x"),
        ProofsError::BadPattern,
    );
}

#[test]
fn key_record_errors() {
    let e = enrol_text();
    let t = retire_text();
    rejects(
        &edit(&e, "action enrol", "action enroll"),
        ProofsError::BadKeyAction,
    );
    rejects(
        &edit(&e, "role signer", "role admin"),
        ProofsError::BadKeyRole,
    );
    rejects(
        &edit(&e, "owner alice", "owner al/ice"),
        ProofsError::BadToken,
    );
    rejects(
        &edit(&e, "expires 2024-11-13T22:13:20Z\n", ""),
        ProofsError::MissingField { field: "expires" },
    );
    rejects(
        &edit(&edit(&e, "scope acme/*\n", ""), "scope beta/x\n", ""),
        ProofsError::MissingField { field: "scope" },
    );
    rejects(
        &edit(&e, "scope beta/x", "scope acme/*"),
        ProofsError::DuplicateValue { field: "scope" },
    );
    // Enrol-only fields on a retire, each named.
    rejects(
        &edit(&t, "owner alice\n", "owner alice\nscope acme/*\n"),
        ProofsError::FieldOnlyForEnrol { field: "scope" },
    );
    rejects(
        &edit(
            &t,
            "owner alice\n",
            "owner alice\nexpires 2024-11-13T22:13:20Z\n",
        ),
        ProofsError::FieldOnlyForEnrol { field: "expires" },
    );
    let revoke = edit(&t, "retire", "revoke");
    rejects(
        &edit(&revoke, "owner alice\n", "owner alice\nscope acme/*\n"),
        ProofsError::FieldOnlyForEnrol { field: "scope" },
    );
    rejects(
        &edit(&t, "owner alice\n", ""),
        ProofsError::MissingField { field: "owner" },
    );

    // Key strings: Go accepts an uppercase key ID, records do not.
    let vkey = vkey_text(10);
    let (name, rest) = vkey.split_once('+').unwrap();
    let (id, b64) = rest.split_once('+').unwrap();
    let upper = format!("{name}+{}+{b64}", id.to_uppercase());
    if upper != vkey {
        rejects(&edit(&e, &vkey, &upper), ProofsError::NonCanonicalVkey);
    }
    // A cosignature (0x04) key is not a record key.
    let cosigner = SignerKey::from_seed(
        KeyName::new("alice-signing").unwrap(),
        KeyType::CosignatureV1,
        [10; 32],
    )
    .unwrap();
    rejects(
        &edit(&e, &vkey, &cosigner.verifier().to_string()),
        ProofsError::RecordKeyNotEd25519,
    );
    // A broken vkey reports the note module's own error.
    assert!(matches!(
        Record::parse_text(&edit(&e, &vkey, "alice")),
        Err(ProofsError::KeyMissingField)
    ));
}

fn state_text() -> String {
    let a = vkey_text(10);
    let b = key("bob-review", 11).verifier().to_string();
    let (first, second) = if a < b { (a, b) } else { (b, a) };
    format!(
        "sightline/v1 state\nindex 9\ntime 2023-11-14T22:13:20Z\n\
         key {first} signer alice 2024-11-13T22:13:20Z acme/*,beta/x 0\n\
         key {second} approver bob 2024-11-13T22:13:20Z acme/* 1\n\
         retired {first} 5\nrevoked {first} 7\nrevoked {second} 8\npaused acme/lock/* 6\npaused beta/* 3\n"
    )
}

#[test]
fn state_record_grammar() {
    let s = state_text();
    let record = Record::parse_text(&s).unwrap();
    assert_eq!(record.to_text(), s);
    let Record::State(state) = &record else {
        panic!("not a state record")
    };
    assert_eq!(state.index(), 9);
    assert_eq!(state.keys().len(), 2);
    assert_eq!(state.paused().len(), 2);

    rejects(
        &edit(
            &s,
            "paused acme/lock/* 6\npaused beta/* 3\n",
            "paused beta/* 3\npaused acme/lock/* 6\n",
        ),
        ProofsError::StateGroupNotSorted { field: "paused" },
    );
    rejects(
        &edit(&s, "paused beta/* 3", "paused acme/lock/* 6"),
        ProofsError::StateGroupNotSorted { field: "paused" },
    );
    rejects(
        &edit(&s, "paused beta/* 3", "paused acme/lock/* 7"),
        ProofsError::DuplicateValue { field: "paused" },
    );
    rejects(
        &edit(&s, "paused beta/* 3", "paused beta/*"),
        ProofsError::BadStateLine { field: "paused" },
    );
    rejects(
        &edit(&s, "paused beta/* 3", "paused beta/* 03"),
        ProofsError::BadIndex,
    );
    rejects(
        &edit(&s, " acme/*,beta/x 0\n", " acme/*,beta/x\n"),
        ProofsError::BadStateKeyLine,
    );
    rejects(
        &edit(&s, " acme/*,beta/x 0\n", " acme/* beta/x 0\n"),
        ProofsError::BadStateKeyLine,
    );
    rejects(
        &edit(&s, " acme/*,beta/x 0\n", " acme/*,acme/* 0\n"),
        ProofsError::DuplicateValue { field: "scope" },
    );
    rejects(
        &edit(&s, " signer alice ", " root alice "),
        ProofsError::BadKeyRole,
    );
    rejects(
        &edit(&s, "index 9\n", ""),
        ProofsError::MissingField { field: "index" },
    );
    rejects(
        &edit(
            &s,
            "index 9\ntime 2023-11-14T22:13:20Z\n",
            "time 2023-11-14T22:13:20Z\nindex 9\n",
        ),
        ProofsError::FieldOutOfOrder {
            field: "index",
            line: 3,
        },
    );
    let stranger = key("mallory", 66).verifier().to_string();
    let retired_stranger = s
        .lines()
        .map(|l| {
            if l.starts_with("retired ") {
                format!("retired {stranger} 5")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    rejects(&retired_stranger, ProofsError::StateKeyNotListed);
    // The groups must come in table order: a retired line after revoked lines.
    let misplaced = s
        .lines()
        .filter(|l| !l.starts_with("retired "))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let retired_line = s.lines().find(|l| l.starts_with("retired ")).unwrap();
    let misplaced = edit(
        &misplaced,
        "paused acme",
        &format!("{retired_line}\npaused acme"),
    );
    rejects(
        &misplaced,
        ProofsError::FieldOutOfOrder {
            field: "retired",
            line: 8,
        },
    );
}

#[test]
fn signed_entry_limits() {
    let k = keys();
    let record = Record::parse_text(&release_text()).unwrap();
    let signed = SignedRecord::sign(&record, &[&k.signer]).unwrap();
    let bytes = signed.to_bytes();
    let parsed = SignedRecord::parse(&bytes).unwrap();
    assert_eq!(parsed, signed);
    assert_eq!(parsed.record(), &record);
    assert_eq!(*parsed.leaf_hash(), sightline_proofs::leaf_hash(&bytes));

    // Oversized: a release with enough targets to pass 65,535 bytes.
    let mut big = release_text();
    let mut n = 0;
    while big.len() <= MAX_ENTRY_LEN {
        big = edit(&big, "issued ", &format!("target acme/t{n}\nissued "));
        n += 1;
    }
    let record = Record::parse_text(&big).unwrap();
    assert!(matches!(
        SignedRecord::sign(&record, &[&k.signer]),
        Err(ProofsError::EntryTooLarge(_))
    ));
    let mut note_bytes = big.into_bytes();
    note_bytes.extend_from_slice(&bytes[bytes.len() - 100..]);
    assert_eq!(
        SignedRecord::parse(&note_bytes),
        Err(ProofsError::EntryTooLarge(note_bytes.len()))
    );

    // Non-canonical base64 in the signature: same signature, other bytes.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let eq = text.rfind("=\n").unwrap();
    let last = text.as_bytes()[eq - 1];
    let mut tweaked = bytes.clone();
    // Flip the lowest of the two padding bits of the last base64 digit.
    let pos = B64.iter().position(|&c| c == last).unwrap();
    tweaked[eq - 1] = B64[pos ^ 1];
    let err = SignedRecord::parse(&tweaked).unwrap_err();
    // The note parser already refuses it; SignedRecord re-checks the bytes.
    assert_eq!(err, ProofsError::SignatureBase64);

    // Text that is not a record, inside a valid note.
    let mut note = sightline_proofs::Note::new("hello\n").unwrap();
    note.sign(&k.signer).unwrap();
    assert_eq!(
        SignedRecord::parse(&note.to_bytes()),
        Err(ProofsError::BadRecordHeader)
    );
}

#[test]
fn constructors_enforce_invariants() {
    let vk = key("alice-signing", 10).verifier();
    assert_eq!(
        Enrolment::new(vec![], ts(EXPIRES)),
        Err(ProofsError::MissingField { field: "scope" })
    );
    assert_eq!(
        Enrolment::new(vec![pat("a"), pat("a")], ts(EXPIRES)),
        Err(ProofsError::DuplicateValue { field: "scope" })
    );
    let e = Enrolment::new(vec![pat("a")], ts(EXPIRES)).unwrap();
    assert_eq!(
        KeyRecord::new(
            KeyAction::Retire,
            vk.clone(),
            KeyRole::Signer,
            tok("a"),
            Some(e.clone()),
            None,
            ts(T0)
        ),
        Err(ProofsError::FieldOnlyForEnrol { field: "scope" })
    );
    assert_eq!(
        KeyRecord::new(
            KeyAction::Enrol,
            vk.clone(),
            KeyRole::Signer,
            tok("a"),
            None,
            None,
            ts(T0)
        ),
        Err(ProofsError::MissingField { field: "scope" })
    );
    let digest = ArtifactDigest::parse(&format!("sha256:{HEX}")).unwrap();
    assert_eq!(
        Release::new(
            digest,
            1,
            tok("x"),
            Version::new("1.0.0").unwrap(),
            vec![],
            ts(T0)
        ),
        Err(ProofsError::MissingField { field: "target" })
    );
    let rref = ReleaseRef::parse(&format!("1 {HEX}")).unwrap();
    assert_eq!(
        Rollout::new(rref, vec![pat("a"), pat("a")], ts(T0)),
        Err(ProofsError::DuplicateValue { field: "target" })
    );
    let status = KeyStatus::new(vk.clone(), KeyRole::Signer, tok("a"), e.clone(), 0).unwrap();
    assert_eq!(
        StateRecord::new(
            1,
            ts(T0),
            vec![status.clone(), status.clone()],
            vec![],
            vec![],
            vec![]
        ),
        Err(ProofsError::DuplicateValue { field: "key" })
    );
    assert_eq!(
        StateRecord::new(1, ts(T0), vec![], vec![(vk.clone(), 1)], vec![], vec![]),
        Err(ProofsError::StateKeyNotListed)
    );
    assert_eq!(
        StateRecord::new(u64::MAX, ts(T0), vec![status], vec![], vec![], vec![]),
        Err(ProofsError::BadIndex)
    );
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// A small pool of record keys, built once (key derivation is not free).
fn vkey_pool() -> &'static [VerifierKey] {
    static POOL: std::sync::OnceLock<Vec<VerifierKey>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        (0..6u8)
            .map(|i| key(&format!("k{i}.example/x"), 40 + i).verifier())
            .collect()
    })
}

fn token() -> impl Strategy<Value = Token> {
    "[A-Za-z0-9][A-Za-z0-9._-]{0,20}".prop_map(|s| Token::new(&s).unwrap())
}

fn pattern() -> impl Strategy<Value = Pattern> {
    (
        prop::collection::vec("[a-z0-9][a-z0-9._-]{0,6}", 0..4),
        any::<bool>(),
    )
        .prop_filter_map("empty literal", |(segs, wild)| {
            let mut s = segs.join("/");
            if wild {
                s = if s.is_empty() { "*".into() } else { s + "/*" };
            }
            Pattern::new(&s).ok()
        })
}

fn patterns() -> impl Strategy<Value = Vec<Pattern>> {
    prop::collection::btree_set(pattern(), 1..4).prop_map(|s| s.into_iter().collect())
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0u64..=253_402_300_799).prop_map(|s| Timestamp::from_unix(s).unwrap())
}

fn version() -> impl Strategy<Value = Version> {
    (
        0u64..1000,
        0u64..1000,
        0u64..1000,
        prop::option::of("[a-z][a-z0-9]{0,4}(\\.[1-9][0-9]{0,2})?"),
        prop::option::of("[a-z0-9]{1,5}"),
    )
        .prop_map(|(a, b, c, pre, build)| {
            let mut s = format!("{a}.{b}.{c}");
            if let Some(p) = pre {
                s = s + "-" + &p;
            }
            if let Some(b) = build {
                s = s + "+" + &b;
            }
            Version::new(&s).unwrap()
        })
}

fn reason() -> impl Strategy<Value = Reason> {
    "[a-zA-Z0-9é!?:][ a-zA-Z0-9é!?:]{0,30}[a-zA-Z0-9é!?:]".prop_map(|s| Reason::new(&s).unwrap())
}

fn release_ref() -> impl Strategy<Value = ReleaseRef> {
    (
        0u64..=sightline_proofs::record::MAX_INDEX,
        any::<[u8; 32]>(),
    )
        .prop_map(|(i, h)| ReleaseRef::new(i, sightline_proofs::Hash::new(h)).unwrap())
}

fn vkey() -> impl Strategy<Value = VerifierKey> {
    (0..vkey_pool().len()).prop_map(|i| vkey_pool()[i].clone())
}

fn role() -> impl Strategy<Value = KeyRole> {
    prop::sample::select(KeyRole::ALL.to_vec())
}

fn enrolment() -> impl Strategy<Value = Enrolment> {
    (patterns(), timestamp()).prop_map(|(p, t)| Enrolment::new(p, t).unwrap())
}

fn record() -> impl Strategy<Value = Record> {
    let release = (
        any::<[u8; 32]>(),
        any::<u64>(),
        token(),
        version(),
        patterns(),
        timestamp(),
    )
        .prop_map(|(d, size, name, v, t, i)| {
            Record::Release(
                Release::new(sightline_proofs::Hash::new(d).into(), size, name, v, t, i).unwrap(),
            )
        });
    let approval = (release_ref(), token(), timestamp())
        .prop_map(|(r, t, i)| Record::Approval(Approval::new(r, t, i)));
    let rollout = (release_ref(), patterns(), timestamp())
        .prop_map(|(r, t, i)| Record::Rollout(Rollout::new(r, t, i).unwrap()));
    let key = (
        prop::sample::select(KeyAction::ALL.to_vec()),
        vkey(),
        role(),
        token(),
        enrolment(),
        prop::option::of(reason()),
        timestamp(),
    )
        .prop_map(|(a, k, r, o, e, why, i)| {
            let e = (a == KeyAction::Enrol).then_some(e);
            Record::Key(KeyRecord::new(a, k, r, o, e, why, i).unwrap())
        });
    let pause =
        (pattern(), reason(), timestamp()).prop_map(|(p, r, i)| Record::Pause(Pause::new(p, r, i)));
    let resume = (pattern(), reason(), timestamp())
        .prop_map(|(p, r, i)| Record::Resume(Resume::new(p, r, i)));
    let state = (
        0u64..1_000_000,
        timestamp(),
        prop::collection::btree_map(
            0..vkey_pool().len(),
            (role(), token(), enrolment(), 0u64..1000),
            0..4,
        ),
        prop::collection::btree_map(0..vkey_pool().len(), 0u64..1000, 0..3),
        prop::collection::btree_map(0..vkey_pool().len(), 0u64..1000, 0..3),
        prop::collection::btree_map(pattern(), 0u64..1000, 0..3),
    )
        .prop_map(|(index, time, keys, retired, revoked, paused)| {
            let pool = vkey_pool();
            let listed = |m: std::collections::BTreeMap<usize, u64>| {
                m.into_iter()
                    .filter(|(i, _)| keys.contains_key(i))
                    .map(|(i, n)| (pool[i].clone(), n))
                    .collect::<Vec<_>>()
            };
            let retired = listed(retired);
            let revoked = listed(revoked);
            let keys = keys
                .iter()
                .map(|(i, (r, o, e, n))| {
                    KeyStatus::new(pool[*i].clone(), *r, o.clone(), e.clone(), *n).unwrap()
                })
                .collect();
            Record::State(
                StateRecord::new(
                    index,
                    time,
                    keys,
                    retired,
                    revoked,
                    paused.into_iter().collect(),
                )
                .unwrap(),
            )
        });
    prop_oneof![release, approval, rollout, key, pause, resume, state]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// parse(encode(r)) == r, and the text is stable.
    #[test]
    fn encode_then_parse(r in record()) {
        let text = r.to_text();
        let parsed = Record::parse_text(&text);
        prop_assert_eq!(parsed.as_ref(), Ok(&r));
        prop_assert_eq!(parsed.unwrap().to_text(), text);
    }

    /// encode(parse(t)) == t for every text that parses, including texts
    /// made by corrupting a valid one.
    #[test]
    fn parse_then_encode(r in record(), pos in any::<prop::sample::Index>(), byte in prop::sample::select(b" \n,/*+-.0aZ9:T".to_vec())) {
        let mut bytes = r.to_text().into_bytes();
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        if let Ok(text) = String::from_utf8(bytes)
            && let Ok(parsed) = Record::parse_text(&text)
            {
                prop_assert_eq!(parsed.to_text(), text);
        }
    }

    /// Signed entries round-trip too.
    #[test]
    fn signed_round_trip(r in record()) {
        let k = key("signer.example", 77);
        let signed = SignedRecord::sign(&r, &[&k]).unwrap();
        let again = SignedRecord::parse(&signed.to_bytes()).unwrap();
        prop_assert_eq!(again.record(), &r);
        prop_assert_eq!(again.to_bytes(), signed.to_bytes());
    }
}

// ---------------------------------------------------------------------------
// Patterns against brute force
// ---------------------------------------------------------------------------

/// Every literal target of 1..=4 segments over {a, b, c}.
fn all_targets() -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let mut layer: Vec<String> = vec![String::new()];
    for _ in 0..4 {
        let mut next = vec![];
        for prefix in &layer {
            for s in ["a", "b", "c"] {
                let t = if prefix.is_empty() {
                    s.to_string()
                } else {
                    format!("{prefix}/{s}")
                };
                next.push(t);
            }
        }
        out.extend(next.iter().cloned());
        layer = next;
    }
    out
}

fn small_pattern() -> impl Strategy<Value = Pattern> {
    (
        prop::collection::vec(prop::sample::select(vec!["a", "b"]), 0..3),
        any::<bool>(),
    )
        .prop_filter_map("empty", |(segs, wild)| {
            let mut s = segs.join("/");
            if wild {
                s = if s.is_empty() { "*".into() } else { s + "/*" };
            }
            Pattern::new(&s).ok()
        })
}

proptest! {
    /// `covers` and `overlaps` agree with the sets of targets the patterns
    /// cover. Patterns have at most 2 literal segments, so targets of up to
    /// 4 segments witness every difference.
    #[test]
    fn pattern_relations_match_target_sets(x in small_pattern(), y in small_pattern()) {
        let targets = all_targets();
        let set = |p: &Pattern| targets.iter().filter(|t| p.covers_target(t)).cloned().collect::<std::collections::BTreeSet<_>>();
        let (sx, sy) = (set(&x), set(&y));
        prop_assert_eq!(x.covers(&y), sy.is_subset(&sx), "covers {} {}", x, y);
        prop_assert_eq!(x.overlaps(&y), !sx.is_disjoint(&sy), "overlaps {} {}", x, y);
        prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
    }
}
