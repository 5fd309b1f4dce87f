//! `sightline keygen` run as a real process: the secret file, its mode, the
//! printed verifier key, and every refusal.

#![allow(clippy::missing_panics_doc)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output};

use sightline_proofs::note::{KeyType, SignerKey, VerifierKey};
use sightline_proofs::record::{Record, SignedRecord};

/// Runs the binary with `args`.
fn sightline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(args)
        .output()
        .expect("run sightline")
}

/// Runs `keygen` writing to `out`.
fn keygen(name: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "keygen",
        "--name",
        name,
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    sightline(&args)
}

/// The one line a failed command prints, checking it failed with status 2.
fn one_error_line(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8(out.stderr.clone()).expect("utf-8 stderr");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    err
}

/// The file's permission bits.
fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn writes_a_0600_secret_whose_verifier_is_printed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("alice.key");
    let out = keygen("alice-release", &path, &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&path), 0o600);

    let printed = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(printed.lines().count(), 1);
    let vkey = VerifierKey::parse(printed.trim_end()).expect("printed vkey parses");
    let secret = std::fs::read_to_string(&path).expect("read secret");
    assert!(secret.starts_with("PRIVATE+KEY+alice-release+"));
    let signer = SignerKey::parse(secret.trim_end()).expect("secret parses");
    assert_eq!(signer.verifier(), vkey, "printed vkey is the file's");
    assert_eq!(vkey.key_type(), KeyType::Ed25519);
    assert_eq!(vkey.name().as_str(), "alice-release");

    // The key is usable for what it is for: a record it signs verifies.
    let text = "sightline/v1 pause\ntarget acme/*\nreason test\nissued 2026-01-01T00:00:00Z\n";
    let record = Record::parse_text(text).expect("record");
    let entry = SignedRecord::sign(&record, &[&signer]).expect("sign");
    entry
        .note()
        .verify(core::slice::from_ref(&vkey))
        .expect("signature verifies with the printed vkey");
}

#[test]
fn cosignature_type_makes_a_witness_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w1.key");
    let out = keygen("w1.example", &path, &["--type", "cosignature"]);
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    let vkey = VerifierKey::parse(printed.trim_end()).expect("vkey parses");
    assert_eq!(vkey.key_type(), KeyType::CosignatureV1);
    let secret = std::fs::read_to_string(&path).expect("read");
    let signer = SignerKey::parse(secret.trim_end()).expect("secret parses");
    assert_eq!(signer.key_type(), KeyType::CosignatureV1);
    assert_eq!(signer.verifier(), vkey);
}

#[test]
fn every_role_gets_a_distinct_fresh_key() {
    // Log, root, signer, approver, operator and breakglass keys are all note
    // keys; each run draws a new seed.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut seen = Vec::new();
    for name in [
        "example.com/log",
        "root-a",
        "alice-release",
        "bob-review",
        "carol-ops",
        "dave-incident",
    ] {
        let path = dir.path().join(format!("{}.key", name.replace('/', "_")));
        let out = keygen(name, &path, &["--type", "note"]);
        assert!(out.status.success(), "{name}: {out:?}");
        let vkey = VerifierKey::parse(String::from_utf8(out.stdout).expect("utf-8").trim_end())
            .expect("vkey");
        assert!(
            !seen
                .iter()
                .any(|k: &VerifierKey| k.public_key() == vkey.public_key()),
            "a public key repeated: the seed is not random"
        );
        seen.push(vkey);
    }
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("root.key");
    assert!(keygen("root-a", &path, &[]).status.success());
    let before = std::fs::read(&path).expect("read");

    let err = one_error_line(&keygen("root-a", &path, &[]));
    assert!(
        err.contains("--out") && err.contains("exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "file untouched"
    );
}

#[test]
fn force_replaces_and_resets_the_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("root.key");
    std::fs::write(&path, "old contents\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let out = keygen("root-a", &path, &["--force"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&path), 0o600, "a replaced file is owner-only too");
    let secret = std::fs::read_to_string(&path).expect("read");
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(
        SignerKey::parse(secret.trim_end())
            .expect("parses")
            .verifier(),
        VerifierKey::parse(printed.trim_end()).expect("vkey")
    );
}

#[test]
fn bad_name_is_refused_naming_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["has space", "has+plus", ""] {
        let path = dir.path().join("k.key");
        let err = one_error_line(&keygen(name, &path, &[]));
        assert!(err.starts_with("sightline keygen: error: --name"), "{err}");
        assert!(!path.exists(), "no file for a refused name");
    }
}

#[test]
fn unwritable_output_is_refused_naming_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("no-such-dir").join("k.key");
    let err = one_error_line(&keygen("root-a", &path, &[]));
    assert!(err.starts_with("sightline keygen: error: --out"), "{err}");
}

#[test]
fn unknown_type_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.key");
    let out = keygen("root-a", &path, &["--type", "rsa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--type"));
    assert!(!path.exists());
}

#[test]
fn help_documents_every_flag() {
    let out = sightline(&["keygen", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).expect("utf-8");
    for flag in [
        "--name",
        "--out",
        "--type",
        "--force",
        "note",
        "cosignature",
        "0600",
    ] {
        assert!(help.contains(flag), "help lacks {flag}:\n{help}");
    }
}

#[test]
fn readme_example_vkey_is_a_real_signer_key() {
    // The README's keygen example prints the key the test fixtures derive
    // from seed 10 for `alice-release`; check the text is that key's.
    let readme = include_str!("../README.md");
    let section = readme
        .split("## `sightline keygen`")
        .nth(1)
        .expect("keygen section");
    let line = section
        .lines()
        .find(|l| l.starts_with("alice-release+"))
        .expect("example output line");
    let fixture = SignerKey::from_seed(
        sightline_proofs::note::KeyName::new("alice-release").expect("name"),
        KeyType::Ed25519,
        [10; 32],
    )
    .expect("key");
    assert_eq!(line, fixture.verifier().to_string());
    VerifierKey::parse(line).expect("README vkey parses");
}
