//! The harness itself: a log and a witness start from key files made by
//! `sightline keygen`, report those keys, answer on their addresses, and
//! stop on SIGTERM with status 0.

use sightline_tests::cluster::{Log, WitnessConfig, log_key};
use sightline_tests::http;

const ORIGIN: &str = "example.com/harness";

#[test]
fn a_log_and_a_witness_start_with_pre_made_keys_and_stop_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vkey = log_key(dir.path(), ORIGIN);
    let witness = WitnessConfig::new(dir.path(), "witness.example/w1", &[(ORIGIN, &vkey)]);
    let log = Log::start(dir.path(), ORIGIN, "");
    assert_eq!(log.vkey, vkey, "the log uses the key made for it");

    let checkpoint = http::get(&format!("{}/checkpoint", log.url));
    assert_eq!(checkpoint.status, 200);
    assert!(checkpoint.text().starts_with(&format!("{ORIGIN}\n")));

    let running = witness.start();
    let out = sightline_tests::binaries::WITNESS
        .command()
        .arg("vkey")
        .arg("--config")
        .arg(&witness.path)
        .output()
        .expect("run vkey");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), witness.vkey);
    assert!(witness.vkey.starts_with("witness.example/w1+"));
    let logs = http::get(&format!("{}/v1/logs", running.url));
    assert_eq!(logs.status, 200);

    assert!(running.service.terminate().success());
    assert!(log.service.terminate().success());
}
