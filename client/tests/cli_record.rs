//! `sightline record` run as a real process. The main test scripts a whole
//! history (enrolments signed by two roots in turn, a release, an approval,
//! a rollout, a pause, a resume, a retirement and a revocation) and feeds
//! every entry the command writes to `LogState::admit`, so the command is
//! shown to produce what the log accepts. Each entry is also compared byte
//! for byte with the entry `SignedRecord::sign` makes from the typed record
//! we expect (Ed25519 signatures are deterministic, so the whole entry must
//! match, not only the text).

#![allow(
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    clippy::many_single_char_names
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sightline_proofs::Hash;
use sightline_proofs::note::{KeyName, KeyType, SignerKey};
use sightline_proofs::record::{
    Approval, ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Pause, Reason,
    Record, Release, ReleaseRef, Resume, Rollout, SignedRecord, Timestamp, Token, Version,
};
use sightline_proofs::state::{AdmissionRules, LogState, LoggedRelease};

/// When the scripted history starts (2023-11-14T22:13:20Z).
const T0: u64 = 1_700_000_000;
/// Expiry of every enrolment: a year after T0.
const EXPIRES: u64 = T0 + 365 * 86_400;

/// Runs the binary with `args`.
fn sightline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(args)
        .output()
        .expect("run sightline")
}

/// Runs the binary and returns stdout, failing the test on a non-zero exit.
fn ok(args: &[&str]) -> Vec<u8> {
    let out = sightline(args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    out.stdout
}

/// The one line a failed command prints, checking it failed with status 2
/// and wrote nothing to stdout.
fn one_error_line(args: &[&str]) -> String {
    let out = sightline(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{args:?}: stdout on failure");
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.lines().count(), 1, "{args:?}: not one line: {err:?}");
    err
}

/// RFC 3339 text of `T0 + offset`.
fn at(offset: u64) -> String {
    Timestamp::from_unix(T0 + offset).expect("time").to_string()
}

/// A typed timestamp of `T0 + offset`.
fn ts(offset: u64) -> Timestamp {
    Timestamp::from_unix(T0 + offset).expect("time")
}

/// A deterministic key, written to `dir/<name>.key` in its secret form.
struct KeyFile {
    key: SignerKey,
    path: PathBuf,
}

impl KeyFile {
    fn new(dir: &Path, name: &str, key_type: KeyType, seed: u8) -> Self {
        let key = SignerKey::from_seed(KeyName::new(name).expect("name"), key_type, [seed; 32])
            .expect("key");
        let path = dir.join(format!("{name}.key"));
        std::fs::write(&path, format!("{}\n", key.to_secret_string())).expect("write key");
        Self { key, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("utf-8 path")
    }

    fn vkey(&self) -> String {
        self.key.verifier().to_string()
    }
}

fn tok(s: &str) -> Token {
    Token::new(s).expect("token")
}

fn pat(s: &str) -> Pattern {
    Pattern::new(s).expect("pattern")
}

/// The log side of the script: admission rules, the key state and logged
/// releases, appending each admitted entry at the next index.
struct Log {
    rules: AdmissionRules,
    state: LogState,
    releases: BTreeMap<u64, LoggedRelease>,
    next: u64,
}

impl Log {
    /// Admits `entry` at the next index with the log's clock at `now`, and
    /// checks it is exactly the entry `expected` signed by `signers` makes.
    fn append(
        &mut self,
        entry: &[u8],
        now: u64,
        expected: &Record,
        signers: &[&SignerKey],
    ) -> SignedRecord {
        let want = SignedRecord::sign(expected, signers).expect("sign expected");
        let signed = SignedRecord::parse(entry).expect("the CLI's entry parses");
        assert_eq!(
            signed.note().text(),
            expected.to_text(),
            "record text is the canonical text of the expected record"
        );
        assert_eq!(entry, want.to_bytes(), "entry bytes are the expected entry");
        let index = self.next;
        let admitted = self
            .state
            .admit(entry, index, now, &self.rules, &self.releases)
            .unwrap_or_else(|e| panic!("entry {index} ({}) refused: {e}", expected.kind()));
        self.state.apply(index, &admitted).expect("apply");
        if let Record::Release(r) = signed.record() {
            self.releases
                .insert(index, LoggedRelease::new(*signed.leaf_hash(), r.clone()));
        }
        self.next += 1;
        signed
    }
}

/// Every key of the script.
struct Keys {
    roots: [KeyFile; 3],
    signer: KeyFile,
    approver: KeyFile,
    operator: KeyFile,
    breakglass: KeyFile,
    witness: KeyFile,
}

impl Keys {
    fn new(dir: &Path) -> Self {
        let ed = KeyType::Ed25519;
        Self {
            roots: [
                KeyFile::new(dir, "root-a", ed, 1),
                KeyFile::new(dir, "root-b", ed, 2),
                KeyFile::new(dir, "root-c", ed, 3),
            ],
            signer: KeyFile::new(dir, "alice-release", ed, 10),
            approver: KeyFile::new(dir, "bob-review", ed, 11),
            operator: KeyFile::new(dir, "carol-ops", ed, 13),
            breakglass: KeyFile::new(dir, "dave-incident", ed, 14),
            witness: KeyFile::new(dir, "w1.example", KeyType::CosignatureV1, 21),
        }
    }
}

/// Enrols `who` through the CLI: root-a signs with `record key`, root-b
/// adds its signature with `record sign` on the file, as two root holders
/// would. Returns the entry and the typed record expected.
fn enrol(
    dir: &Path,
    keys: &Keys,
    who: &KeyFile,
    role: KeyRole,
    owner: &str,
    at_off: u64,
) -> (Vec<u8>, Record) {
    let file = dir.join(format!("enrol-{owner}.rec"));
    let file = file.to_str().expect("utf-8");
    let vkey = who.vkey();
    ok(&[
        "record",
        "key",
        "--action",
        "enrol",
        "--vkey",
        &vkey,
        "--role",
        role.as_str(),
        "--owner",
        owner,
        "--scope",
        "acme/*",
        "--expires",
        &at(EXPIRES - T0),
        "--issued",
        &at(at_off),
        "--key",
        keys.roots[0].path(),
        "-o",
        file,
    ]);
    // One root signature is not enough for admission...
    let first = std::fs::read(file).expect("read");
    assert_eq!(
        SignedRecord::parse(&first)
            .expect("parses")
            .note()
            .signatures()
            .len(),
        1
    );
    ok(&[
        "record",
        "sign",
        "--key",
        keys.roots[1].path(),
        file,
        "-o",
        file,
    ]);
    let entry = std::fs::read(file).expect("read");
    let expected = Record::Key(
        KeyRecord::new(
            KeyAction::Enrol,
            who.key.verifier(),
            role,
            tok(owner),
            Some(Enrolment::new(vec![pat("acme/*")], ts(EXPIRES - T0)).expect("enrolment")),
            None,
            ts(at_off),
        )
        .expect("key record"),
    );
    (entry, expected)
}

#[test]
fn every_kind_is_admitted_by_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let keys = Keys::new(d);
    let roots: Vec<_> = keys.roots.iter().map(|k| k.key.verifier()).collect();
    let mut log = Log {
        rules: AdmissionRules::new(roots, 2, 300).expect("rules"),
        state: LogState::new(),
        releases: BTreeMap::new(),
        next: 0,
    };
    let (ra, rb) = (&keys.roots[0].key, &keys.roots[1].key);

    // 0..=3: enrol the four publisher keys, two roots each.
    for (i, (who, role, owner)) in [
        (&keys.signer, KeyRole::Signer, "alice"),
        (&keys.approver, KeyRole::Approver, "bob"),
        (&keys.operator, KeyRole::Operator, "carol"),
        (&keys.breakglass, KeyRole::Breakglass, "dave"),
    ]
    .into_iter()
    .enumerate()
    {
        let off = 10 * i as u64;
        let (entry, expected) = enrol(d, &keys, who, role, owner, off);
        log.append(&entry, T0 + off, &expected, &[ra, rb]);
    }

    // 4: the release, digest and size measured from the artifact file.
    let artifact = d.join("firmware.bin");
    let image: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&artifact, &image).expect("write artifact");
    let entry = ok(&[
        "record",
        "release",
        "--artifact",
        artifact.to_str().expect("utf-8"),
        "--name",
        "thermostat-fw",
        "--version",
        "1.4.2",
        "--target",
        "acme/thermostat/*",
        "--target",
        "acme/hub/h1",
        "--issued",
        &at(100),
        "--key",
        keys.signer.path(),
    ]);
    let release = Release::new(
        ArtifactDigest::from(sightline_proofs::hash::sha256(&image)),
        image.len() as u64,
        tok("thermostat-fw"),
        Version::new("1.4.2").expect("version"),
        vec![pat("acme/thermostat/*"), pat("acme/hub/h1")],
        ts(100),
    )
    .expect("release");
    let signed = log.append(
        &entry,
        T0 + 100,
        &Record::Release(release),
        &[&keys.signer.key],
    );
    let release_index = log.next - 1;
    let leaf = *signed.leaf_hash();
    let release_ref = ReleaseRef::new(release_index, leaf).expect("ref");

    // 5: an approval, naming the release as INDEX:HEXHASH.
    let entry = ok(&[
        "record",
        "approval",
        "--release",
        &format!("{release_index}:{}", leaf.to_hex()),
        "--role",
        "qa",
        "--issued",
        &at(110),
        "--key",
        keys.approver.path(),
    ]);
    let approval = Approval::new(release_ref, tok("qa"), ts(110));
    log.append(
        &entry,
        T0 + 110,
        &Record::Approval(approval),
        &[&keys.approver.key],
    );

    // 6: a rollout, naming the release with the two-flag form.
    let entry = ok(&[
        "record",
        "rollout",
        "--release-index",
        &release_index.to_string(),
        "--release-hash",
        &leaf.to_hex(),
        "--target",
        "acme/thermostat/*",
        "--issued",
        &at(120),
        "--key",
        keys.operator.path(),
    ]);
    let rollout =
        Rollout::new(release_ref, vec![pat("acme/thermostat/*")], ts(120)).expect("rollout");
    log.append(
        &entry,
        T0 + 120,
        &Record::Rollout(rollout),
        &[&keys.operator.key],
    );

    // 7: a pause by the breakglass key.
    let entry = ok(&[
        "record",
        "pause",
        "--target",
        "acme/thermostat/*",
        "--reason",
        "boot loop on t3",
        "--issued",
        &at(130),
        "--key",
        keys.breakglass.path(),
    ]);
    let pause = Pause::new(
        pat("acme/thermostat/*"),
        Reason::new("boot loop on t3").expect("reason"),
        ts(130),
    );
    log.append(
        &entry,
        T0 + 130,
        &Record::Pause(pause),
        &[&keys.breakglass.key],
    );

    // 8: the resume, root-a then root-c through `record sign` to stdout.
    let resume_file = d.join("resume.rec");
    ok(&[
        "record",
        "resume",
        "--target",
        "acme/thermostat/*",
        "--reason",
        "fixed in 1.4.3",
        "--issued",
        &at(140),
        "--key",
        keys.roots[0].path(),
        "-o",
        resume_file.to_str().expect("utf-8"),
    ]);
    let entry = ok(&[
        "record",
        "sign",
        "--key",
        keys.roots[2].path(),
        resume_file.to_str().expect("utf-8"),
    ]);
    let resume = Resume::new(
        pat("acme/thermostat/*"),
        Reason::new("fixed in 1.4.3").expect("reason"),
        ts(140),
    );
    log.append(
        &entry,
        T0 + 140,
        &Record::Resume(resume),
        &[ra, &keys.roots[2].key],
    );

    // 9 and 10: retire the operator key and revoke the approver key, both
    // signed by two roots in one command, with a reason.
    for (off, action, who, role, owner) in [
        (
            150,
            KeyAction::Retire,
            &keys.operator,
            KeyRole::Operator,
            "carol",
        ),
        (
            160,
            KeyAction::Revoke,
            &keys.approver,
            KeyRole::Approver,
            "bob",
        ),
    ] {
        let vkey = who.vkey();
        let entry = ok(&[
            "record",
            "key",
            "--action",
            action.as_str(),
            "--vkey",
            &vkey,
            "--role",
            role.as_str(),
            "--owner",
            owner,
            "--reason",
            "rotation",
            "--issued",
            &at(off),
            "--key",
            keys.roots[0].path(),
            "--key",
            keys.roots[1].path(),
        ]);
        let expected = Record::Key(
            KeyRecord::new(
                action,
                who.key.verifier(),
                role,
                tok(owner),
                None,
                Some(Reason::new("rotation").expect("reason")),
                ts(off),
            )
            .expect("key record"),
        );
        log.append(&entry, T0 + off, &expected, &[ra, rb]);
    }
    assert_eq!(log.state.retired_at(&keys.operator.key.verifier()), Some(9));
    assert_eq!(
        log.state.revoked_at(&keys.approver.key.verifier()),
        Some(10)
    );
}

#[test]
fn digest_and_size_flags_override_the_artifact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Keys::new(dir.path());
    let hex = "ab".repeat(32);
    // No artifact at all: both values come from the flags.
    let entry = ok(&[
        "record",
        "release",
        "--digest",
        &format!("sha256:{hex}"),
        "--size",
        "4096",
        "--name",
        "fw",
        "--version",
        "2.0.0-rc.1",
        "--target",
        "*",
        "--issued",
        &at(0),
        "--key",
        keys.signer.path(),
    ]);
    let expected = Release::new(
        ArtifactDigest::from(Hash::from_hex(&hex).expect("hex")),
        4096,
        tok("fw"),
        Version::new("2.0.0-rc.1").expect("version"),
        vec![pat("*")],
        ts(0),
    )
    .expect("release");
    let signed = SignedRecord::parse(&entry).expect("parses");
    assert_eq!(signed.note().text(), Record::Release(expected).to_text());

    // An artifact with --size: the digest is measured, the size is the flag's.
    let artifact = dir.path().join("a.bin");
    std::fs::write(&artifact, b"twelve bytes").expect("write");
    let entry = ok(&[
        "record",
        "release",
        "--artifact",
        artifact.to_str().expect("utf-8"),
        "--size",
        "7",
        "--name",
        "fw",
        "--version",
        "2.0.0",
        "--target",
        "*",
        "--issued",
        &at(0),
        "--key",
        keys.signer.path(),
    ]);
    let Record::Release(r) = SignedRecord::parse(&entry)
        .expect("parses")
        .record()
        .clone()
    else {
        panic!("not a release");
    };
    assert_eq!(r.size(), 7);
    assert_eq!(
        *r.artifact().hash(),
        sightline_proofs::hash::sha256(b"twelve bytes")
    );
}

#[test]
fn issued_defaults_to_now() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Keys::new(dir.path());
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let entry = ok(&[
        "record",
        "pause",
        "--target",
        "acme/*",
        "--reason",
        "r",
        "--key",
        keys.breakglass.path(),
    ]);
    let after = before + 60;
    let issued = SignedRecord::parse(&entry)
        .expect("parses")
        .record()
        .issued()
        .as_unix();
    assert!(
        (before..=after).contains(&issued),
        "issued {issued} not now ({before})"
    );
}

#[test]
fn sign_replaces_a_signature_by_the_same_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys = Keys::new(dir.path());
    let file = dir.path().join("p.rec");
    let file = file.to_str().expect("utf-8");
    let args = [
        "record",
        "resume",
        "--target",
        "acme/*",
        "--reason",
        "r",
        "--issued",
        &at(0),
        "--key",
        keys.roots[0].path(),
        "-o",
        file,
    ];
    ok(&args);
    let once = std::fs::read(file).expect("read");
    let again = ok(&["record", "sign", "--key", keys.roots[0].path(), file]);
    assert_eq!(again, once, "re-signing with the same key changes nothing");
    let two = ok(&[
        "record",
        "sign",
        "--key",
        keys.roots[1].path(),
        "--key",
        keys.roots[0].path(),
        file,
    ]);
    let signed = SignedRecord::parse(&two).expect("parses");
    let names: Vec<_> = signed
        .note()
        .signatures()
        .iter()
        .map(|s| s.name().as_str().to_owned())
        .collect();
    assert_eq!(
        names,
        ["root-b", "root-a"],
        "root-a's line replaced, root-b's added"
    );
    // Rewriting the file in place goes through a temporary file that does
    // not outlive the command.
    ok(&[
        "record",
        "sign",
        "--key",
        keys.roots[1].path(),
        file,
        "-o",
        file,
    ]);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn bad_inputs_each_give_one_line_naming_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let keys = Keys::new(d);
    let garbage = d.join("garbage.key");
    std::fs::write(&garbage, "not a key\n").expect("write");
    let missing = d.join("missing.key");
    let not_record = d.join("not-a-record.txt");
    std::fs::write(&not_record, "hello\n").expect("write");
    let unsigned_text = d.join("text-only.rec");
    std::fs::write(
        &unsigned_text,
        Record::Pause(Pause::new(pat("a"), Reason::new("r").expect("r"), ts(0))).to_text(),
    )
    .expect("write");
    let (s, w, g, m) = (
        keys.signer.path().to_owned(),
        keys.witness.path().to_owned(),
        garbage.to_str().expect("utf-8").to_owned(),
        missing.to_str().expect("utf-8").to_owned(),
    );
    let hash = "00".repeat(32);
    let good_ref = format!("1:{hash}");
    let vkey = keys.signer.vkey();
    let wvkey = keys.witness.vkey();
    let expires = at(1000);
    // A valid release command line with `extra` flag/value pairs: a flag
    // already present has its value replaced, `--target` is repeated.
    let release = |extra: &[&str], key: &str| -> Vec<String> {
        let digest = format!("sha256:{hash}");
        let mut flags: Vec<(String, String)> = [
            ("--digest", digest.as_str()),
            ("--size", "1"),
            ("--name", "fw"),
            ("--version", "1.0.0"),
            ("--target", "a/*"),
            ("--key", key),
        ]
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect();
        for pair in extra.chunks(2) {
            let (f, v) = (pair[0].to_owned(), pair[1].to_owned());
            match flags.iter_mut().find(|(k, _)| *k == f && f != "--target") {
                Some(slot) => slot.1 = v,
                None => flags.push((f, v)),
            }
        }
        let mut v: Vec<String> = vec!["record".into(), "release".into()];
        for (f, x) in flags {
            v.push(f);
            v.push(x);
        }
        v
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            release(&["-o", d.join("no/such/dir").to_str().expect("utf-8")], &s),
            "-o ",
        ),
        (release(&[], &m), "--key"),
        (release(&[], &g), "not a secret key file"),
        (
            release(&[], &w),
            "cosignature (0x04) witness key, which cannot sign records",
        ),
        (release(&["--target", "a/**"], &s), "--target"),
        (release(&["--target", "a/*"], &s), "--target"),
        (release(&["--version", "v1"], &s), "--version"),
        (release(&["--name", "fw!"], &s), "--name"),
        (
            release(&["--issued", "2026-01-01 00:00:00"], &s),
            "--issued",
        ),
        (release(&["--size", "1k"], &s), "--size"),
        (release(&["--digest", "md5:00"], &s), "--digest"),
        (
            [
                "record",
                "release",
                "--name",
                "fw",
                "--version",
                "1.0.0",
                "--target",
                "*",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--artifact",
        ),
        (
            [
                "record",
                "release",
                "--artifact",
                &m,
                "--name",
                "fw",
                "--version",
                "1.0.0",
                "--target",
                "*",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--artifact",
        ),
        (
            [
                "record",
                "approval",
                "--release",
                "1",
                "--role",
                "qa",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--release",
        ),
        (
            [
                "record",
                "approval",
                "--release",
                "x:00",
                "--role",
                "qa",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--release",
        ),
        (
            [
                "record",
                "approval",
                "--release-index",
                "1",
                "--role",
                "qa",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--release-hash",
        ),
        (
            [
                "record",
                "approval",
                "--release-hash",
                &hash,
                "--role",
                "qa",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--release-index",
        ),
        (
            ["record", "approval", "--role", "qa", "--key", &s]
                .map(String::from)
                .to_vec(),
            "--release",
        ),
        (
            [
                "record",
                "approval",
                "--release",
                &good_ref,
                "--role",
                "q a",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--role",
        ),
        (
            [
                "record",
                "rollout",
                "--release-index",
                "1",
                "--release-hash",
                "zz",
                "--target",
                "a",
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--release-hash",
        ),
        (
            [
                "record", "key", "--action", "delete", "--vkey", &vkey, "--role", "signer",
                "--owner", "o", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--action",
        ),
        (
            [
                "record", "key", "--action", "retire", "--vkey", "nope", "--role", "signer",
                "--owner", "o", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--vkey",
        ),
        (
            [
                "record", "key", "--action", "retire", "--vkey", &wvkey, "--role", "signer",
                "--owner", "o", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--vkey",
        ),
        (
            [
                "record", "key", "--action", "retire", "--vkey", &vkey, "--role", "root",
                "--owner", "o", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--role",
        ),
        (
            [
                "record", "key", "--action", "enrol", "--vkey", &vkey, "--role", "signer",
                "--owner", "o", "--scope", "a", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--expires",
        ),
        (
            [
                "record",
                "key",
                "--action",
                "enrol",
                "--vkey",
                &vkey,
                "--role",
                "signer",
                "--owner",
                "o",
                "--expires",
                &expires,
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--scope",
        ),
        (
            [
                "record", "key", "--action", "revoke", "--vkey", &vkey, "--role", "signer",
                "--owner", "o", "--scope", "a", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--scope",
        ),
        (
            [
                "record",
                "key",
                "--action",
                "revoke",
                "--vkey",
                &vkey,
                "--role",
                "signer",
                "--owner",
                "o",
                "--expires",
                &expires,
                "--key",
                &s,
            ]
            .map(String::from)
            .to_vec(),
            "--expires",
        ),
        (
            [
                "record", "pause", "--target", "a", "--reason", "", "--key", &s,
            ]
            .map(String::from)
            .to_vec(),
            "--reason",
        ),
        (
            [
                "record",
                "sign",
                "--key",
                &s,
                not_record.to_str().expect("utf-8"),
            ]
            .map(String::from)
            .to_vec(),
            "not a signed Sightline record",
        ),
        (
            [
                "record",
                "sign",
                "--key",
                &s,
                unsigned_text.to_str().expect("utf-8"),
            ]
            .map(String::from)
            .to_vec(),
            "not a signed Sightline record",
        ),
        (
            ["record", "sign", "--key", &s, &m]
                .map(String::from)
                .to_vec(),
            "missing.key",
        ),
    ];
    for (args, needle) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = one_error_line(&args);
        assert!(err.starts_with("sightline record "), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
    }
}

#[test]
fn help_documents_every_flag() {
    for (cmd, flags) in [
        (
            "release",
            &[
                "--artifact",
                "--digest",
                "--size",
                "--name",
                "--version",
                "--target",
                "--issued",
                "--key",
                "--out",
            ][..],
        ),
        (
            "approval",
            &[
                "--release",
                "--release-index",
                "--release-hash",
                "--role",
                "--issued",
                "--key",
                "--out",
            ][..],
        ),
        (
            "rollout",
            &[
                "--release",
                "--release-index",
                "--release-hash",
                "--target",
                "--issued",
                "--key",
                "--out",
            ][..],
        ),
        (
            "key",
            &[
                "--action",
                "--vkey",
                "--role",
                "--owner",
                "--scope",
                "--expires",
                "--reason",
                "--issued",
                "--key",
                "--out",
            ][..],
        ),
        (
            "pause",
            &["--target", "--reason", "--issued", "--key", "--out"][..],
        ),
        (
            "resume",
            &["--target", "--reason", "--issued", "--key", "--out"][..],
        ),
        ("sign", &["RECORD_FILE", "--key", "--out"][..]),
    ] {
        let out = sightline(&["record", cmd, "--help"]);
        assert!(out.status.success(), "{cmd}");
        let help = String::from_utf8(out.stdout).expect("utf-8");
        for flag in flags {
            assert!(
                help.contains(flag),
                "record {cmd} --help lacks {flag}:\n{help}"
            );
        }
    }
    let out = sightline(&["record", "--help"]);
    let help = String::from_utf8(out.stdout).expect("utf-8");
    for kind in [
        "release", "approval", "rollout", "key", "pause", "resume", "sign",
    ] {
        assert!(help.contains(kind), "record --help lacks {kind}");
    }
}

/// The `$ sightline record …` commands of the README's record section, each
/// as its arguments (continuation lines joined, single quotes removed).
fn readme_record_commands() -> Vec<Vec<String>> {
    let readme = include_str!("../README.md");
    let section = readme
        .split("## `sightline record`")
        .nth(1)
        .expect("record section")
        .split("\n## ")
        .next()
        .expect("section end");
    let joined = section.replace("\\\n", " ");
    joined
        .lines()
        .filter_map(|l| l.strip_prefix("$ sightline "))
        .map(|l| l.split_whitespace().map(|w| w.replace('\'', "")).collect())
        .collect()
}

#[test]
fn readme_record_examples_run_and_are_admitted() {
    // The README's walk-through, run for real in a directory holding the
    // files it names: root-a enrols alice's key, root-b countersigns, alice
    // signs a release. Every command gets a fixed --issued so that the
    // admission below does not depend on the day the test runs.
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ed = KeyType::Ed25519;
    let (ra, rb) = (
        KeyFile::new(d, "root-a", ed, 1),
        KeyFile::new(d, "root-b", ed, 2),
    );
    let alice = KeyFile::new(d, "alice-release", ed, 10);
    std::fs::rename(&alice.path, d.join("alice.key")).expect("rename");
    std::fs::write(d.join("image.raucb"), b"image bytes").expect("write");
    let commands = readme_record_commands();
    assert_eq!(commands.len(), 3, "{commands:?}");
    let issued = at(100);
    for args in &commands {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--issued", issued.as_str()]);
        if args.get(1) == Some(&"sign") {
            // `record sign` takes no fields; it re-signs what is there.
            args.truncate(args.len() - 2);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_sightline"))
            .args(&args)
            .current_dir(d)
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    let rules =
        AdmissionRules::new(vec![ra.key.verifier(), rb.key.verifier()], 2, 300).expect("rules");
    let mut state = LogState::new();
    let releases = BTreeMap::new();
    for (index, file) in ["enrol-alice.rec", "release.rec"].into_iter().enumerate() {
        let entry = std::fs::read(d.join(file)).expect("read");
        let admitted = state
            .admit(&entry, index as u64, T0 + 100, &rules, &releases)
            .unwrap_or_else(|e| panic!("{file} refused: {e}"));
        state.apply(index as u64, &admitted).expect("apply");
    }
}
