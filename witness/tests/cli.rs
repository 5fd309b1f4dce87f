//! The command line: key creation on first start, `vkey`, and start-up
//! errors that say what to fix.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use common::{BIN, LOG42_VKEY, WITNESS_VKEY, WitnessHome};
use sightline_proofs::{KeyType, VerifierKey};

fn vkey(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("vkey")
        .args(args)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Stdout minus the `listening on` line every start prints.
fn without_ready_line(printed: Vec<String>) -> Vec<String> {
    let (ready, rest): (Vec<_>, Vec<_>) = printed
        .into_iter()
        .partition(|l| l.starts_with("listening on http://127.0.0.1:"));
    assert_eq!(ready.len(), 1, "one ready line: {ready:?}");
    rest
}

#[test]
fn first_start_creates_the_key_and_prints_its_vkey() {
    let home = WitnessHome::new(&[("example.com/log42", LOG42_VKEY)]);
    let printed = without_ready_line(home.start().stop());
    assert_eq!(printed.len(), 1, "{printed:?}");
    let key = VerifierKey::parse(&printed[0]).expect("a vkey");
    assert_eq!(key.key_type(), KeyType::CosignatureV1);
    assert_eq!(key.name().as_str(), "witness.example/w1");
    let mode = std::fs::metadata(home.data_dir().join("cosigning.key"))
        .expect("key file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Later starts keep the key and print nothing; `vkey` prints it.
    assert!(without_ready_line(home.start().stop()).is_empty());
    let config = home.config_path();
    let data = home.data_dir();
    assert_eq!(
        vkey(&["--config", config.to_str().expect("path")]),
        format!("{}\n", printed[0])
    );
    assert_eq!(
        vkey(&["--data-dir", data.to_str().expect("path")]),
        format!("{}\n", printed[0])
    );
}

#[test]
fn digest_key_gives_the_digest_vkey() {
    let home = WitnessHome::new(&[("example.com/log42", LOG42_VKEY)]).with_digest_key();
    let data = home.data_dir();
    assert_eq!(
        vkey(&["--data-dir", data.to_str().expect("path")]),
        format!("{WITNESS_VKEY}\n")
    );
}

#[test]
fn bad_configuration_fails_with_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |config: &str| {
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, config).expect("write");
        let out = Command::new(BIN)
            .args(["serve", "--config"])
            .arg(&path)
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .output()
            .expect("run");
        assert!(!out.status.success());
        String::from_utf8(out.stderr).expect("utf-8")
    };
    let err = run("name = \"w\"\nport = 1\n");
    assert!(err.contains("port"), "{err}");
    let err = run("name = \"w\"\n");
    assert!(err.contains("[[log]]"), "{err}");
    let err = run(&format!(
        "name = \"w\"\n[[log]]\norigin = \"o\"\nvkeys = [\"{WITNESS_VKEY}\"]\n"
    ));
    assert!(err.contains("0x04"), "{err}");
    assert!(
        !dir.path().join("data").exists(),
        "nothing created for a bad config"
    );

    let out = Command::new(BIN)
        .args(["vkey", "--data-dir"])
        .arg(dir.path().join("nothing"))
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("serve"));
}

#[test]
fn second_process_on_the_same_data_dir_is_refused() {
    let home = WitnessHome::new(&[("example.com/log42", LOG42_VKEY)]);
    let first = home.start();
    let out = Command::new(BIN)
        .arg("serve")
        .arg("--config")
        .arg(home.config_path())
        .arg("--listen")
        .arg(common::free_addr().to_string())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another sightline-witness"), "{err}");
    first.stop();
}
