//! `sightline submit` against a real log: the index on stdout, and one
//! clear stderr line with exit status 2 for every way it can fail.

use sightline_tests::cluster::Log;
use sightline_tests::http;
use sightline_tests::process::free_port;
use sightline_tests::publish::{Publisher, sightline, stderr, stdout};

const ORIGIN: &str = "example.com/submit";

/// The size of the log's current checkpoint (its second line).
fn checkpoint_size(url: &str) -> u64 {
    let text = http::get(&format!("{url}/checkpoint")).text().to_owned();
    text.lines()
        .nth(1)
        .and_then(|l| l.parse().ok())
        .expect("a checkpoint size")
}

#[test]
fn submit_prints_the_index_and_the_log_keeps_the_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut publisher = Publisher::new(dir.path(), "");
    let root = publisher.key("root-1");
    let log = Log::start(
        dir.path(),
        ORIGIN,
        &format!("root_keys = [\"{}\"]\nroot_threshold = 1\n", root.vkey),
    );
    publisher.log.clone_from(&log.url);
    let size = checkpoint_size(&log.url);

    let pause = publisher.record(
        "pause",
        &["--target", "acme/lock/*", "--reason", "drill"],
        &[&root],
    );
    let out = sightline(["submit", "--log", &log.url, pause.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(stdout(&out), size.to_string(), "the next index");
    assert_eq!(stderr(&out), "");

    // Resubmitting the same bytes answers the existing index.
    let again = sightline(["submit", "--log", &log.url, pause.to_str().expect("path")]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(stdout(&again), size.to_string());

    // Another record lands after the round's state entry.
    let enrol = publisher.enrol(
        &publisher.key("alice"),
        "signer",
        "alice",
        "acme/*",
        &[&root],
    );
    assert_eq!(enrol, size + 2);
    assert!(log.service.terminate().success());
}

#[test]
fn submit_refusals_print_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let publisher = Publisher::new(dir.path(), "");
    let root = publisher.key("root-1");
    let stranger = publisher.key("stranger");
    let log = Log::start(
        dir.path(),
        ORIGIN,
        &format!("root_keys = [\"{}\"]\nroot_threshold = 1\n", root.vkey),
    );
    let one_line = |out: &std::process::Output| {
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert_eq!(stdout(out), "", "nothing on stdout");
        let err = stderr(out);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("sightline submit: "), "{err}");
        err
    };

    // A file that does not exist.
    let missing = dir.path().join("missing.rec");
    let err = one_line(&sightline([
        "submit",
        "--log",
        &log.url,
        missing.to_str().expect("path"),
    ]));
    assert!(err.contains("missing.rec"), "{err}");

    // Bytes that are no record: the log's 400 and its reason.
    let garbage = dir.path().join("garbage.rec");
    std::fs::write(&garbage, b"not a record\n").expect("write");
    let err = one_line(&sightline([
        "submit",
        "--log",
        &log.url,
        garbage.to_str().expect("path"),
    ]));
    assert!(err.contains("the log refused it ("), "{err}");

    // A well-formed record by a key the log never enrolled.
    let release = publisher.record(
        "release",
        &[
            "--digest",
            &format!("sha256:{}", "ab".repeat(32)),
            "--size",
            "10",
            "--name",
            "fw",
            "--version",
            "1.0.0",
            "--target",
            "acme/*",
        ],
        &[&stranger],
    );
    let err = one_line(&sightline([
        "submit",
        "--log",
        &log.url,
        release.to_str().expect("path"),
    ]));
    assert!(err.contains("the log refused it ("), "{err}");
    assert!(
        err.to_lowercase().contains("enrol"),
        "names the rule: {err}"
    );

    // Nobody listening.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let err = one_line(&sightline([
        "submit",
        "--log",
        &dead,
        release.to_str().expect("path"),
    ]));
    assert!(err.contains("cannot reach the log"), "{err}");

    // Not an http URL.
    let err = one_line(&sightline([
        "submit",
        "--log",
        "ftp://example.com",
        release.to_str().expect("path"),
    ]));
    assert!(err.contains("not an http:// URL"), "{err}");
    assert!(log.service.terminate().success());
}
