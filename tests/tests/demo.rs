//! `sightline demo` runs the whole story against real processes and exits
//! 0, telling each act; every server it started is gone afterwards.

use sightline_tests::binaries::{CLIENT, LOG, WITNESS};

#[test]
fn the_demo_tells_the_whole_story_and_cleans_up() {
    // The demo finds the servers next to itself; make sure they are built.
    let (_, _) = (LOG.path(), WITNESS.path());
    let dir = tempfile::tempdir().expect("tempdir");
    let work = dir.path().join("demo");
    let out = CLIENT
        .command()
        .arg("demo")
        .arg("--dir")
        .arg(&work)
        .output()
        .expect("run sightline demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed: {stderr}\n{stdout}");

    // Each act happened, in order.
    let acts = [
        "== 1. Keys",
        "== 2. A log and three witnesses",
        "== 3. The roots enrol",
        "== 4. Alice signs release 2.1.0",
        "== 5. A camera checks the update",
        "Accepted: camera 1 installs 2.1.0",
        "Refused, as it must be (step 3)",
        "== 6. Incident",
        "Refused, as it must be (paused)",
        "== 7. Alice's key was stolen",
        "Refused, as it must be (revoked)",
        "== 8. The auditor's timeline",
        "All 4 processes the demo started have stopped, each with status 0.",
    ];
    let mut from = 0;
    for act in acts {
        let at = stdout[from..]
            .find(act)
            .unwrap_or_else(|| panic!("{act:?} missing or out of order in:\n{stdout}"));
        from += at + act.len();
    }

    // The device's trusted state advanced only on acceptance: camera 1
    // accepted and has a state file; camera 2 only ever refused.
    assert!(work.join("camera-1.state").exists());
    assert!(!work.join("camera-2.state").exists());

    // No server outlived the demo: nothing answers on the addresses it
    // printed.
    for line in stdout
        .lines()
        .filter(|l| l.contains("listening on http://"))
    {
        let addr = line.rsplit("http://").next().expect("an address");
        assert!(
            std::net::TcpStream::connect(addr.trim()).is_err(),
            "{addr} still answers"
        );
    }
}
