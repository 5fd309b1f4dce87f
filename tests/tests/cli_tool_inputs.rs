//! Bad inputs to `sightline audit` and `sightline monitor`: a missing or
//! malformed policy file and an unreachable log each give one clear line on
//! stderr, nothing on stdout, and exit status 2; the monitor writes no
//! state file.

use std::path::Path;
use std::process::Output;

use sightline_tests::binaries::CLIENT;
use sightline_tests::cluster::keygen;

const ARTIFACT: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

fn run(args: &[&str], policy: &Path, state: &Path) -> Output {
    let mut command = CLIENT.command();
    command.args(args).arg("--policy").arg(policy);
    if args.first() == Some(&"monitor") {
        command.arg("--once").arg("--state").arg(state);
    } else {
        command.arg(ARTIFACT);
    }
    command.output().expect("run sightline")
}

/// The single stderr line of a run that failed with status 2.
fn one_error_line(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    err
}

#[test]
fn missing_or_malformed_policies_and_an_unreachable_log_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = keygen("example.com/inputs", "note", &dir.path().join("log.key"));
    let root = keygen("root-a", "note", &dir.path().join("root.key"));
    let policy = dir.path().join("policy.txt");
    std::fs::write(
        &policy,
        format!(
            "log {log}\nquorum none\nroot {root}\nroot-threshold 1\napprovals 1\n\
             target acme/thermostat/t3\nmax-age 3600\n"
        ),
    )
    .expect("write policy");
    let malformed = dir.path().join("malformed.txt");
    std::fs::write(&malformed, "log not-a-key\n").expect("write policy");
    let missing = dir.path().join("missing.txt");
    let state = dir.path().join("monitor.state");

    // A port nothing listens on any more.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);

    for command in ["audit", "monitor"] {
        let args = [command, "--log", unreachable.as_str()];
        let err = one_error_line(&run(&args, &missing, &state));
        assert!(err.contains("missing.txt"), "{command}: {err}");
        let err = one_error_line(&run(&args, &malformed, &state));
        assert!(err.contains("policy"), "{command}: {err}");
        let err = one_error_line(&run(&args, &policy, &state));
        assert!(
            err.contains(&format!("cannot reach the log at {unreachable}")),
            "{command}: {err}"
        );
        assert!(!state.exists(), "{command} wrote a state file");
    }
}
