//! `sightline audit` against a real log: a release's whole story (signer,
//! enrolment, approval, rollout, pause, revocation, witnesses), checked
//! field by field in text and in JSON, and `--key` / `--owner` listings.

use std::path::{Path, PathBuf};

use sightline_tests::cluster::Log;
use sightline_tests::publish::{Key, Publisher, sightline, stderr, stdout};

const ORIGIN: &str = "example.com/audit";
const TARGETS: &str = "acme/thermostat/*";

/// A log with one story in it.
struct Story {
    log: Log,
    policy: PathBuf,
    root: Key,
    alice: Key,
    bob: Key,
    carol: Key,
    dave: Key,
    artifact: String,
    enrol_alice: u64,
    release: u64,
    release_ref: String,
    approval: u64,
    rollout: u64,
    pause: u64,
    revoke: u64,
    resume: u64,
    retire: u64,
}

fn write_policy(dir: &Path, log_vkey: &str, root: &str) -> PathBuf {
    let path = dir.join("policy.txt");
    let text = format!(
        "log {log_vkey}\nquorum none\nroot {root}\nroot-threshold 1\napprovals 1\n\
         target acme/thermostat/t3\nmax-age 3600\n"
    );
    std::fs::write(&path, text).expect("write policy");
    path
}

fn story(dir: &Path) -> Story {
    let mut p = Publisher::new(dir, "");
    let root = p.key("root-1");
    let log = Log::start(
        dir,
        ORIGIN,
        &format!("root_keys = [\"{}\"]\nroot_threshold = 1\n", root.vkey),
    );
    p.log.clone_from(&log.url);
    let policy = write_policy(dir, &log.vkey, &root.vkey);
    let (alice, bob, carol, dave) = (p.key("alice"), p.key("bob"), p.key("carol"), p.key("dave"));
    let enrol_alice = p.enrol(&alice, "signer", "alice", TARGETS, &[&root]);
    p.enrol(&bob, "approver", "bob", TARGETS, &[&root]);
    p.enrol(&carol, "operator", "carol", TARGETS, &[&root]);
    p.enrol(&dave, "breakglass", "dave", TARGETS, &[&root]);
    let artifact = format!("sha256:{}", "1f".repeat(32));
    let (release, release_ref) = p.publish(
        "release",
        &[
            "--digest",
            &artifact,
            "--size",
            "1234",
            "--name",
            "thermo-fw",
            "--version",
            "1.4.2",
            "--target",
            TARGETS,
        ],
        &[&alice],
    );
    let (approval, _) = p.publish(
        "approval",
        &["--release", &release_ref, "--role", "security"],
        &[&bob],
    );
    let (rollout, _) = p.publish(
        "rollout",
        &["--release", &release_ref, "--target", "acme/thermostat/t3"],
        &[&carol],
    );
    let (pause, _) = p.publish(
        "pause",
        &["--target", "acme/thermostat/t3", "--reason", "boot loop"],
        &[&dave],
    );
    let (revoke, _) = p.publish(
        "key",
        &[
            "--action",
            "revoke",
            "--vkey",
            &alice.vkey,
            "--role",
            "signer",
            "--owner",
            "alice",
            "--reason",
            "laptop stolen",
        ],
        &[&root],
    );
    let (resume, _) = p.publish(
        "resume",
        &[
            "--target",
            "acme/thermostat/t3",
            "--reason",
            "fixed in 1.4.3",
        ],
        &[&root],
    );
    let (retire, _) = p.publish(
        "key",
        &[
            "--action", "retire", "--vkey", &bob.vkey, "--role", "approver", "--owner", "bob",
        ],
        &[&root],
    );
    Story {
        log,
        policy,
        root,
        alice,
        bob,
        carol,
        dave,
        artifact,
        enrol_alice,
        release,
        release_ref,
        approval,
        rollout,
        pause,
        revoke,
        resume,
        retire,
    }
}

fn audit(s: &Story, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "audit",
        "--log",
        &s.log.url,
        "--policy",
        s.policy.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    sightline(args)
}

/// The value of the first line `<indent><label>: ` after line `from`.
fn field<'a>(lines: &[&'a str], from: usize, indent: usize, label: &str) -> (usize, &'a str) {
    let prefix = format!("{:indent$}{label}: ", "");
    lines
        .iter()
        .enumerate()
        .skip(from)
        .find_map(|(i, l)| l.strip_prefix(&prefix).map(|v| (i, v)))
        .unwrap_or_else(|| panic!("no {prefix:?} after line {from} in {lines:#?}"))
}

#[test]
fn audit_tells_a_release_story_in_text_and_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let story = story(dir.path());
    check_release_text(&story);
    check_release_json(&story);
    check_listings(&story);
    assert!(story.log.service.terminate().success());
}

fn check_release_text(s: &Story) {
    let hash = s.release_ref.split_once(':').expect("ref").1;
    let out = audit(s, &[&s.artifact]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(field(&lines, 0, 0, "log").1, ORIGIN);
    let (_, size) = field(&lines, 0, 0, "size");
    assert!(size.parse::<u64>().expect("size") > s.revoke);
    let (at_release, release) = field(&lines, 0, 0, "release");
    assert_eq!(release, format!("index {}, leaf {hash}", s.release));
    assert_eq!(field(&lines, at_release, 2, "artifact").1, s.artifact);
    assert_eq!(field(&lines, at_release, 2, "size").1, "1234");
    assert_eq!(field(&lines, at_release, 2, "name").1, "thermo-fw");
    assert_eq!(field(&lines, at_release, 2, "version").1, "1.4.2");
    assert_eq!(field(&lines, at_release, 2, "targets").1, TARGETS);
    let (_, integrated) = field(&lines, at_release, 2, "integrated");
    assert!(integrated.ends_with('Z'), "{integrated}");
    let (at_signer, signer) = field(&lines, at_release, 2, "signer");
    assert_eq!(signer, s.alice.vkey);
    assert_eq!(field(&lines, at_signer, 4, "role").1, "signer");
    assert_eq!(field(&lines, at_signer, 4, "owner").1, "alice");
    let (at_enrol, enrolled) = field(&lines, at_signer, 4, "enrolled");
    assert_eq!(enrolled, format!("index {}", s.enrol_alice));
    assert_eq!(field(&lines, at_enrol, 6, "by").1, s.root.vkey);
    let (at_revoke, revoked) = field(&lines, at_signer, 4, "revoked");
    assert_eq!(revoked, format!("index {}", s.revoke));
    assert_eq!(field(&lines, at_revoke, 6, "reason").1, "laptop stolen");
    let (at_approval, approval) = field(&lines, at_release, 2, "approval");
    assert_eq!(approval, format!("index {}, role security", s.approval));
    let (at_approver, approver) = field(&lines, at_approval, 4, "approver");
    assert_eq!(approver, s.bob.vkey);
    assert_eq!(field(&lines, at_approver, 6, "owner").1, "bob");
    let (at_retire, retired) = field(&lines, at_approver, 6, "retired");
    assert_eq!(retired, format!("index {}", s.retire));
    assert_eq!(field(&lines, at_retire, 8, "by").1, s.root.vkey);
    let (at_rollout, rollout) = field(&lines, at_release, 2, "rollout");
    assert_eq!(
        rollout,
        format!("index {}, targets acme/thermostat/t3", s.rollout)
    );
    assert_eq!(field(&lines, at_rollout, 4, "operator").1, s.carol.vkey);
    let (at_pause, pause) = field(&lines, at_release, 2, "pause");
    assert_eq!(
        pause,
        format!("index {}, target acme/thermostat/t3", s.pause)
    );
    assert_eq!(field(&lines, at_pause, 4, "reason").1, "boot loop");
    assert_eq!(field(&lines, at_pause, 4, "signed by").1, s.dave.vkey);
    let (at_resume, resume) = field(&lines, at_release, 2, "resume");
    assert_eq!(
        resume,
        format!("index {}, target acme/thermostat/t3", s.resume)
    );
    assert_eq!(field(&lines, at_resume, 4, "reason").1, "fixed in 1.4.3");
    assert_eq!(field(&lines, at_resume, 4, "signed by").1, s.root.vkey);
    assert!(!text.contains("refused: "), "an honest log: {text}");
}

fn check_release_json(s: &Story) {
    let hash = s.release_ref.split_once(':').expect("ref").1;
    let out = audit(s, &[&s.artifact, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["checkpoint"]["origin"], ORIGIN);
    assert!(
        json["checkpoint"]["witnesses"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    let release = &json["releases"][0];
    assert_eq!(json["releases"].as_array().expect("list").len(), 1);
    assert_eq!(release["index"], s.release);
    assert_eq!(release["leaf_hash"], hash);
    assert_eq!(release["artifact"], s.artifact.as_str());
    assert_eq!(release["size"], 1234);
    assert_eq!(release["name"], "thermo-fw");
    assert_eq!(release["version"], "1.4.2");
    assert_eq!(release["targets"][0], TARGETS);
    assert!(release["issued"].as_str().expect("issued").ends_with('Z'));
    assert!(
        release["integrated"]
            .as_str()
            .expect("integrated")
            .ends_with('Z')
    );
    let signer = &release["signer"];
    assert_eq!(signer["vkey"], s.alice.vkey.as_str());
    assert_eq!(signer["role"], "signer");
    assert_eq!(signer["owner"], "alice");
    assert_eq!(signer["scopes"][0], TARGETS);
    assert_eq!(signer["enrolment"]["index"], s.enrol_alice);
    assert_eq!(signer["enrolled_by"][0], s.root.vkey.as_str());
    assert!(signer["retired"].is_null());
    assert_eq!(signer["revoked"]["index"], s.revoke);
    assert_eq!(signer["revoked"]["reason"], "laptop stolen");
    assert_eq!(signer["revoked"]["signed_by"][0], s.root.vkey.as_str());
    let approval = &release["approvals"][0];
    assert_eq!(approval["index"], s.approval);
    assert_eq!(approval["role"], "security");
    assert_eq!(approval["key"]["vkey"], s.bob.vkey.as_str());
    assert_eq!(approval["key"]["owner"], "bob");
    assert_eq!(approval["key"]["role"], "approver");
    assert_eq!(approval["key"]["retired"]["index"], s.retire);
    assert!(approval["key"]["revoked"].is_null());
    let rollout = &release["rollouts"][0];
    assert_eq!(rollout["index"], s.rollout);
    assert_eq!(rollout["targets"][0], "acme/thermostat/t3");
    assert_eq!(rollout["key"]["owner"], "carol");
    let pause = &release["pauses"][0];
    assert_eq!(pause["index"], s.pause);
    assert_eq!(pause["action"], "pause");
    assert_eq!(pause["target"], "acme/thermostat/t3");
    assert_eq!(pause["reason"], "boot loop");
    assert_eq!(pause["signed_by"][0], s.dave.vkey.as_str());
    let resume = &release["pauses"][1];
    assert_eq!(resume["index"], s.resume);
    assert_eq!(resume["action"], "resume");
    assert_eq!(resume["signed_by"][0], s.root.vkey.as_str());
    assert_eq!(release["pauses"].as_array().expect("list").len(), 2);
    assert!(json["refused"].as_array().expect("list").is_empty());
}

/// Everything one key signed, and everything one owner's keys signed.
fn check_listings(s: &Story) {
    let out = audit(s, &["--key", &s.alice.vkey, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["keys"][0]["vkey"], s.alice.vkey.as_str());
    assert_eq!(json["keys"][0]["revoked"]["index"], s.revoke);
    let records = json["signed"].as_array().expect("list");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["index"], s.release);
    assert_eq!(records[0]["kind"], "release");
    assert_eq!(records[0]["key"], s.alice.vkey.as_str());

    let out = audit(s, &["--owner", "bob"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let (at_key, key) = field(&lines, 0, 0, "key");
    assert_eq!(key, s.bob.vkey);
    assert_eq!(field(&lines, at_key, 2, "role").1, "approver");
    let (at_record, record) = field(&lines, 0, 0, "signed");
    assert_eq!(record, format!("index {}, approval", s.approval));
    assert_eq!(
        field(&lines, at_record, 2, "summary").1,
        format!("approves release {} as security", s.release)
    );

    // The root key signed the four enrolments, the revocation, the resume
    // and the retirement.
    let out = audit(s, &["--key", &s.root.vkey, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["keys"][0]["role"], "root");
    assert_eq!(json["signed"].as_array().expect("list").len(), 7);
}

#[test]
fn audit_refuses_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = story(dir.path());
    let one_line = |out: &std::process::Output, code: i32| {
        assert_eq!(out.status.code(), Some(code), "{out:?}");
        assert_eq!(stdout(out), "");
        let err = stderr(out);
        assert_eq!(err.lines().count(), 1, "{err}");
        err
    };
    let missing = format!("sha256:{}", "00".repeat(32));
    let err = one_line(&audit(&s, &[&missing]), 1);
    assert!(err.contains("no release of"), "{err}");
    let err = one_line(&audit(&s, &["--owner", "mallory"]), 1);
    assert!(err.contains("owner mallory appears in no record"), "{err}");
    let err = one_line(&audit(&s, &["sha256:nothex"]), 2);
    assert!(err.contains("sha256:nothex"), "{err}");

    // A policy naming another log key: the checkpoint does not verify.
    let other = Publisher::new(&dir.path().join("other"), "").key(ORIGIN);
    let policy = write_policy(&dir.path().join("other"), &other.vkey, &s.root.vkey);
    let out = sightline([
        "audit",
        "--log",
        &s.log.url,
        "--policy",
        policy.to_str().expect("path"),
        &s.artifact,
    ]);
    let err = one_line(&out, 1);
    assert!(err.contains("does not verify under the policy"), "{err}");
    assert!(s.log.service.terminate().success());
}
