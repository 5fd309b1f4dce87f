//! `GET /v1/bundle` end to end: the real `sightline-log` binary on
//! 127.0.0.1, records submitted over HTTP, the bundle fetched with the
//! client's `sightline bundle` code and checked with `verify_release`.

mod common;

use std::process::Command;

use common::{Fixture, Server, binary, now, sign_text, time};
use sightline_client::cli::bundle::fetch;
use sightline_client::tlog::ToolError;
use sightline_client::{TrustedState, VerifyError, measure_reader, verify_release};
use sightline_proofs::bundle::Bundle;
use sightline_proofs::checkpoint::Checkpoint;
use sightline_proofs::{KeyName, KeyType, Note, Policy, SignerKey, VerifierKey, cosign};

const TARGET: &str = "acme/thermostat/t3";

fn log_vkey(server: &Server) -> VerifierKey {
    let out = Command::new(binary())
        .arg("vkey")
        .arg("--config")
        .arg(&server.config)
        .output()
        .expect("vkey");
    assert!(out.status.success());
    VerifierKey::parse(String::from_utf8(out.stdout).expect("utf8").trim()).expect("vkey")
}

/// A 4 KiB artifact distinct per `seed`, and its `sha256:` digest.
fn artifact(seed: u8) -> (Vec<u8>, String) {
    let bytes = vec![seed; 4096];
    let digest = sightline_proofs::hash::sha256(&bytes).to_hex();
    (bytes, format!("sha256:{digest}"))
}

fn release(f: &Fixture, digest: &str, version: &str) -> Vec<u8> {
    sign_text(
        &format!(
            "sightline/v1 release\nartifact {digest}\nsize 4096\nname thermo\nversion {version}\ntarget acme/thermostat/*\nissued {}\n",
            time(now())
        ),
        &[&f.signer],
    )
}

/// A witness key. These tests run the log without witnesses and cosign its
/// checkpoints themselves, to isolate the bundle's contents; bundles from a
/// log with real witnesses are covered in `tests/tests/witnessed.rs` and
/// `tests/tests/demo.rs`.
fn witness() -> SignerKey {
    SignerKey::from_seed(
        KeyName::new("witness.test/w1").expect("name"),
        KeyType::CosignatureV1,
        [40; 32],
    )
    .expect("witness key")
}

/// `bundle` with its checkpoint cosigned by [`witness`] at `time`.
fn cosigned(bundle: &Bundle, time: u64) -> Bundle {
    let mut note = Note::parse(bundle.checkpoint_note()).expect("note");
    let checkpoint = Checkpoint::parse_text(note.text()).expect("checkpoint");
    note.push_signature(cosign(&checkpoint, &witness(), time).expect("cosign"))
        .expect("push");
    Bundle::new(bundle.entries().to_vec(), note.to_bytes()).expect("bundle")
}

/// The device policy: the log's key, the fixture's roots, one approval;
/// `quorum` is `none` or the stand-in witness.
fn policy(f: &Fixture, log: &VerifierKey, with_witness: bool) -> Policy {
    let quorum = if with_witness {
        format!("witness W1 {}\nquorum W1", witness().verifier())
    } else {
        "quorum none".to_owned()
    };
    let roots: Vec<String> = f
        .roots
        .iter()
        .map(|r| format!("root {}", r.verifier()))
        .collect();
    let roots = roots.join("\n");
    let text = format!(
        "log {log}\n{quorum}\n{roots}\nroot-threshold 2\napprovals 1\ntarget {TARGET}\nmax-age 3600\n"
    );
    Policy::parse(text.as_bytes()).expect("policy")
}

fn url(server: &Server) -> String {
    format!("http://{}", server.addr)
}

fn not_installable(failure: ToolError) -> String {
    match failure {
        ToolError::NotInstallable { reason, .. } => reason,
        other => panic!("expected 409, got {other:?}"),
    }
}

#[test]
fn a_fetched_bundle_verifies_and_refusals_are_404_and_409() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(dir.path(), &f.roots_toml());
    let log = log_vkey(&server);
    for entry in f.enrolments() {
        server.submit(&entry);
    }
    // Noise: an unrelated release before ours.
    let (_, other_digest) = artifact(1);
    server.submit(&release(&f, &other_digest, "0.9.0"));

    let (bytes, digest) = artifact(2);
    let (index, hash) = server.submit(&release(&f, &digest, "1.0.0"));

    // Logged but neither rolled out nor approved yet.
    let refused = fetch(&url(&server), &digest, TARGET).expect_err("no rollout");
    assert_eq!(not_installable(refused), "NoRollout");

    server.submit(&f.approval(index, &hash));
    server.submit(&f.rollout(index, &hash));

    let bundle = fetch(&url(&server), &digest, TARGET).expect("bundle");
    // Release, approval, rollout, three enrolments and the state entry.
    assert_eq!(bundle.entries().len(), 7, "{bundle:?}");
    let size = server.size();
    assert_eq!(
        bundle
            .entries()
            .last()
            .map(sightline_proofs::bundle::BundleEntry::index),
        Some(size - 1)
    );
    let measured = measure_reader(&bytes[..]).expect("measure");
    // With quorum none every step but freshness is checked first (steps 2
    // to 8 come after step 1, so this only proves the log key matches);
    // the device never accepts a checkpoint no witness vouches for.
    assert_eq!(
        verify_release(
            &measured,
            &bundle,
            &policy(&f, &log, false),
            now(),
            &TrustedState::new()
        )
        .expect_err("no freshness"),
        VerifyError::NoFreshnessProof
    );
    // Cosigned, as the log will serve it once witnesses cosign: accepted.
    let bundle = cosigned(&bundle, now());
    let accepted = verify_release(
        &measured,
        &bundle,
        &policy(&f, &log, true),
        now(),
        &TrustedState::new(),
    )
    .expect("the bundle verifies");
    assert_eq!(accepted.release_index(), index);
    assert_eq!(accepted.checkpoint().size(), size);

    // Another artifact is not in the bundle's release: refused by the device.
    let wrong = measure_reader(&[9u8; 4096][..]).expect("measure");
    assert!(
        verify_release(
            &wrong,
            &bundle,
            &policy(&f, &log, true),
            now(),
            &TrustedState::new()
        )
        .is_err()
    );

    // No release with this digest: 404.
    let (_, unknown) = artifact(3);
    assert!(
        matches!(
            fetch(&url(&server), &unknown, TARGET).expect_err("unknown"),
            ToolError::NoSuchRelease { .. }
        ),
        "a 404"
    );
    // A target the rollout does not cover: 409.
    let refused = fetch(&url(&server), &digest, "acme/thermostat/t4").expect_err("t4");
    assert_eq!(not_installable(refused), "NoRollout");

    // A pause covering the target: 409, and the answer names the reason.
    server.submit(&f.pause("acme/thermostat/*"));
    let raw = server.get(&format!("/v1/bundle?artifact={digest}&target={TARGET}"));
    assert_eq!(raw.status, 409, "{}", raw.text());
    assert_eq!(raw.json()["reason"], "TargetPaused");
    assert_eq!(raw.json()["error"], "NotInstallable");

    // Asked for explicitly, the bundle is served with the log's reason, and
    // the device refuses it on its own, naming the pause.
    let (reason, paused_bundle) = refused_bundle(&server, &digest);
    assert!(reason.starts_with("TargetPaused: "), "header: {reason:?}");
    let refusal = verify_release(
        &measured,
        &cosigned(&paused_bundle, now()),
        &policy(&f, &log, true),
        now(),
        &TrustedState::new(),
    )
    .expect_err("paused");
    assert!(
        matches!(&refusal, VerifyError::TargetPaused { pattern, .. } if pattern == "acme/thermostat/*"),
        "{refusal:?}"
    );
    let bad = server.get(&format!(
        "/v1/bundle?artifact={digest}&target={TARGET}&include_refused=yes"
    ));
    assert_eq!(bad.status, 400, "{}", bad.text());
}

/// `GET /v1/bundle … &include_refused=true`: the log's reason header and
/// the bundle it served anyway.
fn refused_bundle(server: &Server, digest: &str) -> (String, Bundle) {
    let raw = server.get(&format!(
        "/v1/bundle?artifact={digest}&target={TARGET}&include_refused=true"
    ));
    assert_eq!(raw.status, 200, "{}", raw.text());
    let reason = raw
        .header("sightline-not-installable")
        .expect("the reason header")
        .to_owned();
    (reason, Bundle::parse(&raw.body).expect("a bundle"))
}

#[test]
fn a_revoked_signer_makes_the_release_not_installable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(dir.path(), &f.roots_toml());
    for entry in f.enrolments() {
        server.submit(&entry);
    }
    let (bytes, digest) = artifact(4);
    let (index, hash) = server.submit(&release(&f, &digest, "1.0.0"));
    server.submit(&f.approval(index, &hash));
    server.submit(&f.rollout(index, &hash));
    assert!(fetch(&url(&server), &digest, TARGET).is_ok());

    let revoke = format!(
        "sightline/v1 key\naction revoke\nvkey {}\nrole signer\nowner alice\nreason compromised\nissued {}\n",
        f.signer.verifier(),
        time(now())
    );
    server.submit(&sign_text(&revoke, &f.root_refs()));
    let refused = fetch(&url(&server), &digest, TARGET).expect_err("revoked");
    assert_eq!(not_installable(refused), "KeyRevoked");

    // Served anyway on request; the device refuses it: the signer is revoked.
    let (reason, revoked_bundle) = refused_bundle(&server, &digest);
    assert!(reason.starts_with("KeyRevoked: "), "header: {reason:?}");
    let refusal = verify_release(
        &measure_reader(&bytes[..]).expect("measure"),
        &cosigned(&revoked_bundle, now()),
        &policy(&f, &log_vkey(&server), true),
        now(),
        &TrustedState::new(),
    )
    .expect_err("revoked");
    assert!(
        matches!(refusal, VerifyError::KeyRevoked { index: i, .. } if i == index),
        "{refusal:?}"
    );
}

/// A key management record (`revoke` or `retire`) signed by both roots.
fn key_action(f: &Fixture, action: &str, key: &SignerKey, role: &str, owner: &str) -> Vec<u8> {
    let text = format!(
        "sightline/v1 key\naction {action}\nvkey {}\nrole {role}\nowner {owner}\nissued {}\n",
        key.verifier(),
        time(now())
    );
    sign_text(&text, &f.root_refs())
}

/// A rollout of the release at `index` to [`TARGET`] signed by `operator`.
fn rollout_by(operator: &SignerKey, index: u64, hash: &str) -> Vec<u8> {
    sign_text(
        &format!(
            "sightline/v1 rollout\nrelease {index} {hash}\ntarget {TARGET}\nissued {}\n",
            time(now())
        ),
        &[operator],
    )
}

/// The rollout entries a bundle holds.
fn rollouts_in(bundle: &Bundle) -> Vec<u64> {
    bundle
        .entries()
        .iter()
        .filter(|e| {
            sightline_proofs::SignedRecord::parse(e.bytes())
                .is_ok_and(|r| matches!(r.record(), sightline_proofs::Record::Rollout(_)))
        })
        .map(sightline_proofs::bundle::BundleEntry::index)
        .collect()
}

#[test]
fn the_newest_rollout_a_device_accepts_is_chosen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(dir.path(), &f.roots_toml());
    let log = log_vkey(&server);
    for entry in f.enrolments() {
        server.submit(&entry);
    }
    let erin = common::key("erin-operating", 31);
    server.submit(&f.enrol(&erin, "operator", "erin", "acme/*"));
    let (bytes, digest) = artifact(6);
    let (index, hash) = server.submit(&release(&f, &digest, "1.0.0"));
    server.submit(&f.approval(index, &hash));
    let (first, _) = server.submit(&f.rollout(index, &hash));
    assert_eq!(
        rollouts_in(&fetch(&url(&server), &digest, TARGET).expect("bundle")),
        vec![first]
    );

    // The first rollout's operator is revoked: with no other rollout the
    // release is not installable, and the answer says why.
    server.submit(&key_action(&f, "revoke", &f.operator, "operator", "carol"));
    let refused = fetch(&url(&server), &digest, TARGET).expect_err("revoked");
    assert_eq!(not_installable(refused), "KeyRevoked");

    // A later rollout by another operator repairs it: the bundle carries
    // that rollout, not the first one.
    let (second, _) = server.submit(&rollout_by(&erin, index, &hash));
    let bundle = fetch(&url(&server), &digest, TARGET).expect("repaired");
    assert_eq!(rollouts_in(&bundle), vec![second]);

    // A still newer rollout by an operator of the signer's owner (alice,
    // whose signing key is retired so that she may hold another role) is
    // one a device refuses: the earlier acceptable one stays chosen.
    server.submit(&key_action(&f, "retire", &f.signer, "signer", "alice"));
    let alice = common::key("alice-operating", 32);
    server.submit(&f.enrol(&alice, "operator", "alice", "acme/*"));
    server.submit(&rollout_by(&alice, index, &hash));
    let bundle = fetch(&url(&server), &digest, TARGET).expect("still repaired");
    assert_eq!(rollouts_in(&bundle), vec![second]);

    // And the device accepts the bundle the log chose.
    let measured = measure_reader(&bytes[..]).expect("measure");
    let accepted = verify_release(
        &measured,
        &cosigned(&bundle, now()),
        &policy(&f, &log, true),
        now(),
        &TrustedState::new(),
    )
    .expect("the bundle verifies");
    assert_eq!(accepted.release_index(), index);
    assert_eq!(accepted.rollout().index(), second);
}

#[test]
fn bad_queries_and_an_unreachable_log_are_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(dir.path(), &f.roots_toml());
    let (_, digest) = artifact(5);
    // An empty log has no releases.
    assert!(
        matches!(
            fetch(&url(&server), &digest, TARGET).expect_err("empty"),
            ToolError::NoSuchRelease { .. }
        ),
        "a 404"
    );
    for query in [
        format!("artifact={digest}"),
        format!("target={TARGET}"),
        format!("artifact=sha256:00&target={TARGET}"),
        format!("artifact={digest}&target=acme/*"),
        format!("artifact={digest}&target={TARGET}&owner=alice"),
    ] {
        let response = server.get(&format!("/v1/bundle?{query}"));
        assert_eq!(response.status, 400, "{query}: {}", response.text());
    }
    assert!(matches!(
        fetch(&url(&server), "sha256:xyz", TARGET),
        Err(ToolError::BadArgument {
            flag: "--artifact",
            ..
        })
    ));

    // A port nothing listens on any more.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    match fetch(&format!("http://{addr}"), &digest, TARGET) {
        Err(e @ ToolError::Unreachable { .. }) => {
            assert!(e.to_string().contains("cannot reach the log"), "{e}");
        }
        other => panic!("expected an unreachable log, got {other:?}"),
    }
}
