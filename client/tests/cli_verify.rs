//! `sightline verify` end to end: the real binary, real files in a temporary
//! directory, exit status and the one line it prints.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{COSIGNED_AT, MAX_AGE, Scenario};

/// Files for one run.
struct Files {
    _dir: tempfile::TempDir,
    policy: PathBuf,
    bundle: PathBuf,
    artifact: PathBuf,
    state: PathBuf,
}

fn write(s: &Scenario) -> (Files, u64) {
    let built = s.build();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    let files = Files {
        policy: path("device.policy"),
        bundle: path("release.bundle"),
        artifact: path("image.bin"),
        state: path("trusted-state"),
        _dir: dir,
    };
    std::fs::write(&files.policy, &built.policy_text).unwrap();
    std::fs::write(&files.bundle, built.bundle.encode()).unwrap();
    std::fs::write(&files.artifact, &built.artifact_bytes).unwrap();
    (files, built.now)
}

fn run(f: &Files, now: u64) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline"))
        .arg("verify")
        .args(["--policy".as_ref(), f.policy.as_os_str()])
        .args(["--bundle".as_ref(), f.bundle.as_os_str()])
        .args(["--artifact".as_ref(), f.artifact.as_os_str()])
        .args(["--state".as_ref(), f.state.as_os_str()])
        .args(["--now", &now.to_string()])
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// The stderr of a failed run: exactly one line.
fn one_line(out: &Output) -> String {
    let text = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "stderr: {text:?}");
    text.trim_end().to_owned()
}

fn state_text(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

#[test]
fn accepts_and_writes_the_state() {
    let (f, now) = write(&Scenario::default());
    assert!(state_text(&f.state).is_none(), "fresh device");
    let out = run(&f, now);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("accepted thermo-fw 2.0.0"), "{stdout}");
    let state = state_text(&f.state).expect("state written");
    assert!(
        state.contains("installed acme/thermostat/t3 2.0.0\n"),
        "{state}"
    );
    assert!(state.contains(&format!(" {COSIGNED_AT}\n")), "{state}");

    // A second run is a reinstall: refused, and the state is unchanged.
    let out = run(&f, now);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("step 8: version 2.0.0 is not newer than installed 2.0.0"));
    assert_eq!(state_text(&f.state).as_deref(), Some(state.as_str()));
}

#[test]
fn tampered_artifact_is_refused_and_state_not_written() {
    let (f, now) = write(&Scenario {
        device_artifact: Some(b"evil".to_vec()),
        ..Scenario::default()
    });
    let out = run(&f, now);
    assert_eq!(out.status.code(), Some(1));
    let line = one_line(&out);
    assert!(
        line.starts_with("sightline verify: refused: step 3: no release"),
        "{line}"
    );
    assert!(state_text(&f.state).is_none());
}

#[test]
fn stale_checkpoint_is_refused() {
    let (f, _) = write(&Scenario::default());
    let out = run(&f, COSIGNED_AT + MAX_AGE + 1);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("step 1: checkpoint older than max-age"));
    assert!(state_text(&f.state).is_none());
}

#[test]
fn paused_target_is_refused() {
    let (f, now) = write(&Scenario {
        pause: Some("acme/thermostat/*"),
        ..Scenario::default()
    });
    let out = run(&f, now);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("step 7: device target is paused by acme/thermostat/*"));
}

#[test]
fn garbled_bundle_is_refused() {
    let (f, now) = write(&Scenario::default());
    std::fs::write(&f.bundle, b"not a bundle\n").unwrap();
    let out = run(&f, now);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_line(&out).contains("input does not parse"));
}

#[test]
fn unreadable_inputs_are_errors_not_acceptance() {
    let (f, now) = write(&Scenario::default());
    std::fs::remove_file(&f.policy).unwrap();
    let out = run(&f, now);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).starts_with("sightline verify: error: policy "));

    let (f, now) = write(&Scenario::default());
    std::fs::write(&f.state, b"corrupted\n").unwrap();
    let out = run(&f, now);
    assert_eq!(out.status.code(), Some(2));
    assert!(one_line(&out).contains("trusted state line 1"));
}

#[test]
fn help_everywhere() {
    for args in [&["--help"][..], &["verify", "--help"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_sightline"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage: sightline"), "{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args(["verify"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "missing arguments are a usage error"
    );
}
