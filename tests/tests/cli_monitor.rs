//! `sightline monitor`: a clean run against a real log (exit 0, state
//! saved, a second run resumes from it), and each violation it must catch
//! against a misbehaving log the test builds and serves itself.

use std::path::{Path, PathBuf};
use std::process::Output;

use sightline_tests::binaries::CLIENT;
use sightline_tests::cluster::Log;
use sightline_tests::fake_log::{FakeLog, TIME};
use sightline_tests::proofs::record::{
    ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Pause, Reason, Record,
    Release, Timestamp, Token, Version,
};
use sightline_tests::proofs::{KeyName, KeyType, SignerKey};
use sightline_tests::publish::{Publisher, stderr, stdout};
use sightline_tests::static_server::StaticServer;

const ORIGIN: &str = "example.com/monitor";

fn write_policy(dir: &Path, log_vkey: &str, root: &str) -> PathBuf {
    let path = dir.join("policy.txt");
    let text = format!(
        "log {log_vkey}\nquorum none\nroot {root}\nroot-threshold 1\napprovals 1\n\
         target acme/thermostat/t3\nmax-age 3600\n"
    );
    std::fs::write(&path, text).expect("write policy");
    path
}

/// `sightline monitor --once` with `--state`, logging at info so that the
/// number of entries read is visible on stderr.
fn monitor(url: &str, policy: &Path, state: &Path, extra: &[&str]) -> Output {
    CLIENT
        .command()
        .args(["monitor", "--once", "--log", url, "--policy"])
        .arg(policy)
        .arg("--state")
        .arg(state)
        .args(extra)
        .env("RUST_LOG", "sightline_client=info")
        .output()
        .expect("run sightline monitor")
}

/// The alerts printed, as (kind, index, detail).
fn alerts(out: &Output) -> Vec<(String, u64, String)> {
    stdout(out)
        .lines()
        .map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            (
                json["alert"].as_str().expect("alert").to_owned(),
                json["index"].as_u64().expect("index"),
                json["detail"].as_str().expect("detail").to_owned(),
            )
        })
        .collect()
}

/// The `read=` count of the last `checked` log line.
fn entries_read(out: &Output) -> u64 {
    stderr(out)
        .lines()
        .rev()
        .find_map(|l| l.split("read=").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no read= in {out:?}"))
}

#[test]
fn a_clean_log_passes_and_a_second_run_resumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Publisher::new(dir.path(), "");
    let root = p.key("root-1");
    let log = Log::start(
        dir.path(),
        ORIGIN,
        &format!("root_keys = [\"{}\"]\nroot_threshold = 1\n", root.vkey),
    );
    p.log.clone_from(&log.url);
    let policy = write_policy(dir.path(), &log.vkey, &root.vkey);
    let alice = p.key("alice");
    p.enrol(&alice, "signer", "alice", "acme/*", &[&root]);
    let release_args = |version: &str| {
        vec![
            "--digest".to_owned(),
            format!("sha256:{}", "2a".repeat(32)),
            "--size".to_owned(),
            "9".to_owned(),
            "--name".to_owned(),
            "fw".to_owned(),
            "--version".to_owned(),
            version.to_owned(),
            "--target".to_owned(),
            "acme/lock/*".to_owned(),
        ]
    };
    let args = release_args("1.0.0");
    p.publish(
        "release",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[&alice],
    );

    let state = dir.path().join("monitor.json");
    let first = monitor(&log.url, &policy, &state, &["--expect-owner", "alice"]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    assert_eq!(stdout(&first), "", "no alerts");
    assert!(state.exists(), "the state file is written");
    let size_after_first = entries_read(&first);
    assert!(
        size_after_first >= 4,
        "read the whole log: {size_after_first}"
    );

    let args = release_args("1.0.1");
    p.publish(
        "release",
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &[&alice],
    );
    let second = monitor(&log.url, &policy, &state, &["--expect-owner", "alice"]);
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    assert_eq!(stdout(&second), "");
    assert_eq!(
        entries_read(&second),
        2,
        "only the new release and its state entry"
    );

    // Nothing new: nothing read, nothing reported.
    let third = monitor(&log.url, &policy, &state, &[]);
    assert_eq!(third.status.code(), Some(0), "{third:?}");
    assert_eq!(entries_read(&third), 0);

    // A state file that is not one is refused with one line.
    std::fs::write(&state, b"{}").expect("write");
    let broken = monitor(&log.url, &policy, &state, &[]);
    assert_eq!(broken.status.code(), Some(2), "{broken:?}");
    assert!(stderr(&broken).contains("monitor.json"), "{broken:?}");
    assert!(log.service.terminate().success());
}

fn key(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(
        KeyName::new(name).expect("name"),
        KeyType::Ed25519,
        [seed; 32],
    )
    .expect("key")
}

fn time() -> Timestamp {
    Timestamp::from_unix(TIME).expect("time")
}

fn enrol(vkey: &SignerKey, role: KeyRole, owner: &str) -> Record {
    Record::Key(
        KeyRecord::new(
            KeyAction::Enrol,
            vkey.verifier(),
            role,
            Token::new(owner).expect("owner"),
            Some(
                Enrolment::new(
                    vec![Pattern::new("acme/*").expect("scope")],
                    Timestamp::from_unix(TIME + 10_000_000).expect("expiry"),
                )
                .expect("enrolment"),
            ),
            None,
            time(),
        )
        .expect("key record"),
    )
}

fn release(version: &str) -> Record {
    Record::Release(
        Release::new(
            ArtifactDigest::parse(&format!("sha256:{}", "3b".repeat(32))).expect("digest"),
            7,
            Token::new("fw").expect("name"),
            Version::new(version).expect("version"),
            vec![Pattern::new("acme/lock/*").expect("target")],
            time(),
        )
        .expect("release"),
    )
}

/// A served fake log with a root, a log key and alice enrolled as a signer
/// in its first round, and a monitor that has seen that round.
struct Scene {
    dir: tempfile::TempDir,
    log: FakeLog,
    server: StaticServer,
    policy: PathBuf,
    state: PathBuf,
    root: SignerKey,
    alice: SignerKey,
}

impl Scene {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = key("root-1", 1);
        let log_key = key(ORIGIN, 2);
        let alice = key("alice", 3);
        let files = dir.path().join("served");
        let mut log = FakeLog::new(&files, ORIGIN, log_key.clone(), vec![root.verifier()]);
        log.admit(&enrol(&alice, KeyRole::Signer, "alice"), &[&root]);
        log.close_round(None);
        log.publish(log.entries.len());
        let server = StaticServer::start(&files);
        let policy = write_policy(
            dir.path(),
            &log_key.verifier().to_string(),
            &root.verifier().to_string(),
        );
        let state = dir.path().join("monitor.json");
        let scene = Self {
            dir,
            log,
            server,
            policy,
            state,
            root,
            alice,
        };
        let out = scene.run(&[]);
        assert_eq!(out.status.code(), Some(0), "an honest start: {out:?}");
        scene
    }

    fn run(&self, extra: &[&str]) -> Output {
        monitor(&self.server.url, &self.policy, &self.state, extra)
    }

    fn publish(&self) {
        self.log.publish(self.log.entries.len());
    }

    /// Runs the monitor and returns its one alert.
    fn one_alert(&self, extra: &[&str]) -> (String, u64, String) {
        let out = self.run(extra);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let mut found = alerts(&out);
        assert_eq!(found.len(), 1, "{found:?}");
        found.remove(0)
    }
}

#[test]
fn a_state_entry_hiding_a_revocation_or_a_pause_is_caught() {
    let mut s = Scene::new();
    let before = s.log.state.clone();
    let revoke = Record::Key(
        KeyRecord::new(
            KeyAction::Revoke,
            s.alice.verifier(),
            KeyRole::Signer,
            Token::new("alice").expect("owner"),
            None,
            Some(Reason::new("stolen").expect("reason")),
            time(),
        )
        .expect("revoke"),
    );
    s.log.admit(&revoke, &[&s.root]);
    let lying = s.log.close_round(Some(&before));
    s.publish();
    let (kind, index, detail) = s.one_alert(&[]);
    assert_eq!(kind, "state_mismatch");
    assert_eq!(index, lying);
    assert!(detail.contains("revoked"), "{detail}");

    // The replay kept the truth: a later honest state entry passes, and a
    // pause hidden the same way is caught too.
    let before = s.log.state.clone();
    let pause = Record::Pause(Pause::new(
        Pattern::new("acme/lock/*").expect("pattern"),
        Reason::new("boot loop").expect("reason"),
        time(),
    ));
    s.log.admit(&pause, &[&s.root]);
    let lying = s.log.close_round(Some(&before));
    s.publish();
    let (kind, index, detail) = s.one_alert(&[]);
    assert_eq!(kind, "state_mismatch");
    assert_eq!(index, lying);
    assert!(detail.contains("paused"), "{detail}");
    drop(s.dir);
}

#[test]
fn a_record_by_an_unenrolled_key_is_caught() {
    let mut s = Scene::new();
    let mallory = key("mallory", 9);
    let forged = s.log.force(&release("6.6.6"), &[&mallory]);
    s.log.close_round(None);
    s.publish();
    let (kind, index, detail) = s.one_alert(&[]);
    assert_eq!(kind, "inadmissible_record");
    assert_eq!(index, forged);
    assert!(detail.contains("enrol"), "{detail}");
}

#[test]
fn a_release_by_an_unexpected_owner_is_caught() {
    let mut s = Scene::new();
    let bob = key("bob", 4);
    s.log
        .admit(&enrol(&bob, KeyRole::Signer, "bob"), &[&s.root]);
    s.log.admit(&release("1.0.0"), &[&s.alice]);
    let by_bob = s.log.admit(&release("2.0.0"), &[&bob]);
    s.log.close_round(None);
    s.publish();
    let (kind, index, detail) = s.one_alert(&["--expect-owner", "alice"]);
    assert_eq!(kind, "unexpected_owner");
    assert_eq!(index, by_bob);
    assert!(detail.contains("owner bob"), "{detail}");
}

#[test]
fn a_fork_is_caught_at_the_same_size_and_when_growing() {
    let s = Scene::new();
    let seen = s.log.entries.len();
    // Another history of the same size, under the same log key.
    let served = s.dir.path().join("served");
    let log_key = key(ORIGIN, 2);
    let mut fork = FakeLog::new(&served, ORIGIN, log_key, vec![s.root.verifier()]);
    fork.admit(&enrol(&key("eve", 5), KeyRole::Signer, "eve"), &[&s.root]);
    fork.close_round(None);
    assert_eq!(fork.entries.len(), seen);
    fork.publish(seen);
    let (kind, index, detail) = s.one_alert(&[]);
    assert_eq!(kind, "inconsistent_checkpoint");
    assert_eq!(index, seen as u64);
    assert!(!detail.is_empty());

    // The saved position is kept, so the fork grown larger is caught too.
    fork.admit(&release("1.0.0"), &[&key("eve", 5)]);
    fork.close_round(None);
    fork.publish(fork.entries.len());
    let (kind, index, _) = s.one_alert(&[]);
    assert_eq!(kind, "inconsistent_checkpoint");
    assert_eq!(index, fork.entries.len() as u64);
}

#[test]
fn a_log_longer_than_a_bundle_is_followed_across_bundles_and_resumed_mid_bundle() {
    let s = Scene::new();
    let mut log = s.log;
    let pause_many = |log: &mut FakeLog, from: usize, count: usize| {
        for i in from..from + count {
            let pause = Record::Pause(Pause::new(
                Pattern::new(&format!("acme/fleet-{i}/*")).expect("pattern"),
                Reason::new("drill").expect("reason"),
                time(),
            ));
            log.admit(&pause, &[&s.root]);
        }
        log.close_round(None);
    };
    // 256 pauses and a state entry: one full bundle and one entry more.
    pause_many(&mut log, 0, 256);
    log.publish(log.entries.len());
    let first = monitor(&s.server.url, &s.policy, &s.state, &[]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    assert_eq!(entries_read(&first), 257);
    // The next run starts inside the second bundle.
    pause_many(&mut log, 256, 30);
    log.publish(log.entries.len());
    let second = monitor(&s.server.url, &s.policy, &s.state, &[]);
    assert_eq!(second.status.code(), Some(0), "{second:?}");
    assert_eq!(entries_read(&second), 31);
    assert_eq!(stdout(&second), "");
}

#[test]
fn without_once_the_monitor_keeps_polling_and_reports_new_violations() {
    use std::io::{BufRead as _, BufReader};
    use std::sync::mpsc;
    use std::time::Duration;

    let mut s = Scene::new();
    let mallory = key("mallory", 9);
    let first = s.log.force(&release("6.6.6"), &[&mallory]);
    s.log.close_round(None);
    s.publish();

    let mut child = CLIENT
        .command()
        .args([
            "monitor",
            "--interval",
            "1",
            "--log",
            &s.server.url,
            "--policy",
        ])
        .arg(&s.policy)
        .arg("--state")
        .arg(&s.state)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sightline monitor");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_alert = || {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("an alert line in time");
        let json: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        (
            json["alert"].as_str().expect("alert").to_owned(),
            json["index"].as_u64().expect("index"),
        )
    };
    assert_eq!(next_alert(), ("inadmissible_record".to_owned(), first));

    // A later violation is found by a later poll, from the saved position.
    let second = s.log.force(&release("6.6.7"), &[&mallory]);
    s.log.close_round(None);
    s.publish();
    assert_eq!(next_alert(), ("inadmissible_record".to_owned(), second));

    let _ = child.kill();
    let _ = child.wait();
}
