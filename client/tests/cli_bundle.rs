//! `sightline bundle` run as a real process: the refusals it gives before
//! and instead of writing a bundle. Fetching from the real log, with 404
//! and 409 answers, is tested in `log-server/tests/bundle.rs`.

#![allow(clippy::missing_panics_doc)]

use std::process::{Command, Output};

const DIGEST: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn bundle(log: &str, artifact: &str, target: &str, out: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "bundle",
            "--log",
            log,
            "--artifact",
            artifact,
            "--target",
            target,
            "-o",
        ])
        .arg(out)
        .output()
        .expect("run sightline")
}

/// The one stderr line of a command that failed with status 2 and wrote nothing.
fn one_error_line(out: &Output, file: &std::path::Path) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(!file.exists(), "no bundle file on failure");
    let err = String::from_utf8(out.stderr.clone()).expect("utf-8");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    err
}

#[test]
fn an_unreachable_log_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("b.bundle");
    // A port nothing listens on any more.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let log = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let out = bundle(&log, DIGEST, "acme/thermostat/t3", &file);
    let err = one_error_line(&out, &file);
    assert!(
        err.contains(&format!("cannot reach the log at {log}")),
        "{err}"
    );
}

#[test]
fn bad_arguments_are_refused_before_any_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("b.bundle");
    // No log at this address is ever contacted: the arguments fail first.
    let log = "http://127.0.0.1:9";
    let err = one_error_line(
        &bundle(log, "sha256:ABC", "acme/thermostat/t3", &file),
        &file,
    );
    assert!(err.contains("--artifact"), "{err}");
    let err = one_error_line(&bundle(log, DIGEST, "acme/*", &file), &file);
    assert!(err.contains("--target"), "{err}");
    let err = one_error_line(&bundle("not a url", DIGEST, "acme/t3", &file), &file);
    assert!(err.contains("--log not a url: not an http:// URL"), "{err}");
    let https = "https://log.example";
    let err = one_error_line(&bundle(https, DIGEST, "acme/t3", &file), &file);
    assert!(err.contains("https is not supported"), "{err}");
}
