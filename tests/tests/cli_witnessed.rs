//! The publisher and auditor commands against a log with a witness
//! (quorum 1): `submit --wait cosigned` answers once a cosigned checkpoint
//! holds the entry, `audit` names the witness that cosigned, and `monitor`
//! accepts the cosigned checkpoints.

use std::path::{Path, PathBuf};

use sightline_tests::cluster::{Log, WitnessConfig, log_key};
use sightline_tests::publish::{Publisher, sightline, stderr, stdout};

const ORIGIN: &str = "example.com/witnessed-tools";

fn write_policy(dir: &Path, log_vkey: &str, witness: &str, root: &str) -> PathBuf {
    let path = dir.join("policy.txt");
    let text = format!(
        "log {log_vkey}\nwitness W1 {witness}\nquorum W1\nroot {root}\nroot-threshold 1\n\
         approvals 1\ntarget acme/thermostat/t3\nmax-age 3600\n"
    );
    std::fs::write(&path, text).expect("write policy");
    path
}

#[test]
fn submit_waits_for_the_witness_and_audit_names_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Publisher::new(dir.path(), "");
    let root = p.key("root-1");
    let log_vkey = log_key(dir.path(), ORIGIN);
    let witness = WitnessConfig::new(dir.path(), "w1.example", &[(ORIGIN, &log_vkey)]);
    let running = witness.start();
    let log = Log::start(
        dir.path(),
        ORIGIN,
        &format!(
            "root_keys = [\"{}\"]\nwitness_quorum = 1\n\n[[witness]]\nvkey = \"{}\"\nurl = \"{}\"\n",
            root.vkey, witness.vkey, witness.url
        ),
    );
    p.log.clone_from(&log.url);
    let policy = write_policy(dir.path(), &log.vkey, &witness.vkey, &root.vkey);

    let alice = p.key("alice");
    let enrol = p.record(
        "key",
        &[
            "--action",
            "enrol",
            "--vkey",
            &alice.vkey,
            "--role",
            "signer",
            "--owner",
            "alice",
            "--scope",
            "acme/*",
            "--expires",
            "2099-01-01T00:00:00Z",
        ],
        &[&root],
    );
    let out = sightline([
        "submit",
        "--log",
        &log.url,
        "--wait",
        "cosigned",
        enrol.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let enrolled: u64 = stdout(&out).parse().expect("an index");

    let artifact = format!("sha256:{}", "4c".repeat(32));
    let release = p.record(
        "release",
        &[
            "--digest",
            &artifact,
            "--size",
            "5",
            "--name",
            "fw",
            "--version",
            "2.0.0",
            "--target",
            "acme/lock/*",
        ],
        &[&alice],
    );
    let out = sightline([
        "submit",
        "--log",
        &log.url,
        "--wait",
        "cosigned",
        release.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let released: u64 = stdout(&out).parse().expect("an index");
    assert!(released > enrolled);

    // The cosigned checkpoint already holds the release: audit finds it
    // without waiting, and names the witness by its policy label.
    let out = sightline([
        "audit",
        "--log",
        &log.url,
        "--policy",
        policy.to_str().expect("path"),
        &artifact,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["checkpoint"]["witnesses"][0]["name"], "W1");
    assert!(
        json["checkpoint"]["witnesses"][0]["cosigned"]
            .as_str()
            .expect("time")
            .ends_with('Z')
    );
    assert_eq!(json["releases"][0]["index"], released);
    assert_eq!(
        json["releases"][0]["signer"]["enrolment"]["index"],
        enrolled
    );
    let out = sightline([
        "audit",
        "--log",
        &log.url,
        "--policy",
        policy.to_str().expect("path"),
        &artifact,
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l.starts_with("cosigned by: W1 at ")),
        "{text}"
    );

    let state = dir.path().join("monitor.json");
    let out = sightline([
        "monitor",
        "--once",
        "--log",
        &log.url,
        "--policy",
        policy.to_str().expect("path"),
        "--state",
        state.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), "");

    assert!(log.service.terminate().success());
    assert!(running.service.terminate().success());
}

#[test]
fn waiting_for_cosignatures_on_a_log_without_witnesses_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = Publisher::new(dir.path(), "");
    let root = p.key("root-1");
    let log = Log::start(
        dir.path(),
        ORIGIN,
        &format!("root_keys = [\"{}\"]\n", root.vkey),
    );
    let pause = p.record(
        "pause",
        &["--target", "acme/*", "--reason", "drill"],
        &[&root],
    );
    let out = sightline([
        "submit",
        "--log",
        &log.url,
        "--wait",
        "cosigned",
        pause.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("the log refused it ("), "{err}");
    assert!(log.service.terminate().success());
}
