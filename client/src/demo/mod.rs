//! `sightline demo`: the whole story of DESIGN §1 on loopback, told by
//! running the real commands.
//!
//! It starts a log and three witnesses, creates the keys of every role,
//! enrols them, signs, approves and rolls out a release, builds the bundle
//! and verifies it as a device would (accepted), shows a tampered image
//! refused, then pauses the target and later revokes the signer and shows
//! a device refusing each time with the exact reason, and ends with the
//! auditor's timeline. Every step is a `sightline` command run as a child
//! process and echoed as typed, so the transcript doubles as a tutorial.
//! Each expectation is checked: the demo exits non-zero if any step does
//! not turn out as told.

mod stage;

use std::fmt::Write as _;
use std::path::PathBuf;

use sightline_proofs::hash::sha256;
use sightline_proofs::leaf_hash;
use sightline_proofs::record::Timestamp;

use stage::{Failure, Stage, free_port};

use crate::tlog::ToolError;

/// The log's origin, which is also its key name.
const ORIGIN: &str = "demo.sightline.example/log";
/// The device target of the story.
const TARGET: &str = "acme/cam/v2";
/// What the keys may sign for, and what gets paused.
const FLEET: &str = "acme/cam/*";
/// The witnesses' names.
const WITNESSES: [&str; 3] = [
    "witness-1.demo.example",
    "witness-2.demo.example",
    "witness-3.demo.example",
];
/// How long enrolments last: one year.
const ENROLMENT_SECS: u64 = 365 * 24 * 3600;

/// Where the demo runs and what it runs.
#[derive(Debug)]
pub struct Options {
    /// The working directory (keys, configurations, data, records).
    pub dir: PathBuf,
    /// Where `sightline`, `sightline-log` and `sightline-witness` are.
    pub bin_dir: PathBuf,
}

/// One person of the story: their key file and verifier key.
struct Person {
    key_file: String,
    vkey: String,
}

fn act(title: &str) {
    println!("\n== {title} ==");
}

fn say(text: &str) {
    println!("{text}");
}

/// Runs the story; every server it started is stopped before it returns.
///
/// # Errors
/// [`ToolError::DemoStep`] naming the first step that did not turn out as
/// told, in one line.
pub fn run(options: &Options) -> Result<(), ToolError> {
    tell(options).map_err(ToolError::DemoStep)
}

fn tell(options: &Options) -> Result<(), Failure> {
    let mut stage = Stage::new(options.dir.clone(), options.bin_dir.clone())?;
    let result = story(&mut stage);
    act("Curtain");
    let stopped = stage.stop_all();
    match (result, stopped) {
        (Err(e), _) | (Ok(()), Err(e)) => Err(e),
        (Ok(()), Ok(clean)) if clean == 1 + WITNESSES.len() => {
            say(&format!(
                "All {clean} processes the demo started have stopped, each with status 0."
            ));
            Ok(())
        }
        (Ok(()), Ok(clean)) => Err(format!(
            "only {clean} of {} servers exited with status 0",
            1 + WITNESSES.len()
        )),
    }
}

/// Everyone's keys.
struct Cast {
    log: Person,
    witnesses: Vec<Person>,
    root_a: Person,
    root_b: Person,
    alice: Person,
    bob: Person,
    carol: Person,
    dave: Person,
    erin: Person,
}

/// What the later acts need to know about the release.
struct Release {
    digest: String,
}

fn story(stage: &mut Stage) -> Result<(), Failure> {
    say(&format!(
        "Sightline demo in {}: a log, three witnesses, and a camera fleet ({FLEET}).",
        stage.dir().display()
    ));
    let cast = keys(stage)?;
    let log = servers(stage, &cast)?;
    enrol(stage, &cast, &log)?;
    let release = publish(stage, &cast, &log)?;
    install(stage, &cast, &log, &release)?;
    pause(stage, &cast, &log, &release)?;
    revoke(stage, &cast, &log, &release)?;
    act("8. The auditor's timeline of the release");
    stage.sightline(&[
        "audit",
        "--log",
        &log,
        "--policy",
        "camera.policy",
        &release.digest,
    ])?;
    Ok(())
}

fn keys(stage: &Stage) -> Result<Cast, Failure> {
    act("1. Keys: every role holds its own");
    stage.mkdir(&[
        "keys",
        "records",
        "log-data",
        "witness-1",
        "witness-2",
        "witness-3",
    ])?;
    let keygen = |name: &str, kind: &str, out: &str| -> Result<Person, Failure> {
        let vkey = stage.sightline(&["keygen", "--name", name, "--type", kind, "--out", out])?;
        Ok(Person {
            key_file: out.to_owned(),
            vkey,
        })
    };
    let log = keygen(ORIGIN, "note", "log-data/log.key")?;
    let mut witnesses = Vec::new();
    for (i, name) in WITNESSES.iter().enumerate() {
        witnesses.push(keygen(
            name,
            "cosignature",
            &format!("witness-{}/cosigning.key", i + 1),
        )?);
    }
    Ok(Cast {
        log,
        witnesses,
        root_a: keygen("root-a", "note", "keys/root-a.key")?,
        root_b: keygen("root-b", "note", "keys/root-b.key")?,
        alice: keygen("alice-release", "note", "keys/alice.key")?,
        bob: keygen("bob-qa", "note", "keys/bob.key")?,
        carol: keygen("carol-security", "note", "keys/carol.key")?,
        dave: keygen("dave-ops", "note", "keys/dave.key")?,
        erin: keygen("erin-oncall", "note", "keys/erin.key")?,
    })
}

/// Starts the witnesses, then the log configured with them; returns the
/// log's URL.
fn servers(stage: &mut Stage, cast: &Cast) -> Result<String, Failure> {
    act("2. A log and three witnesses on loopback");
    let mut urls = Vec::new();
    for (i, name) in WITNESSES.iter().enumerate() {
        let port = free_port()?;
        let config = format!(
            "name = \"{name}\"\nlisten = \"127.0.0.1:{port}\"\ndata_dir = \"witness-{n}\"\n\n[[log]]\norigin = \"{ORIGIN}\"\nvkeys = [\"{vkey}\"]\n",
            n = i + 1,
            vkey = cast.log.vkey
        );
        let file = format!("witness-{}.toml", i + 1);
        stage.write(&file, config.as_bytes())?;
        urls.push(stage.serve(&format!("witness {}", i + 1), "sightline-witness", &file)?);
    }
    let mut config = format!(
        "origin = \"{ORIGIN}\"\nlisten = \"127.0.0.1:0\"\ndata_dir = \"log-data\"\nroot_keys = [\"{}\", \"{}\"]\nroot_threshold = 2\nwitness_quorum = 2\n",
        cast.root_a.vkey, cast.root_b.vkey
    );
    for (witness, url) in cast.witnesses.iter().zip(&urls) {
        let _ = write!(
            config,
            "\n[[witness]]\nvkey = \"{}\"\nurl = \"{url}\"\n",
            witness.vkey
        );
    }
    stage.write("log.toml", config.as_bytes())?;
    say(
        "The log needs two of two root keys to enrol a key, and two of three witnesses to publish a checkpoint.",
    );
    stage.serve("the log", "sightline-log", "log.toml")
}

fn enrol(stage: &Stage, cast: &Cast, log: &str) -> Result<(), Failure> {
    act("3. The roots enrol each person's key for the fleet");
    let expires = Timestamp::from_unix(now()? + ENROLMENT_SECS)
        .map_err(|e| format!("enrolment expiry: {e}"))?
        .to_string();
    let people = [
        (&cast.alice, "signer", "alice"),
        (&cast.bob, "approver", "bob"),
        (&cast.carol, "approver", "carol"),
        (&cast.dave, "operator", "dave"),
        (&cast.erin, "breakglass", "erin"),
    ];
    for (i, (person, role, owner)) in people.iter().enumerate() {
        let file = format!("records/enrol-{owner}.rec");
        let mut args = vec![
            "record",
            "key",
            "--action",
            "enrol",
            "--vkey",
            &person.vkey,
            "--role",
            role,
            "--owner",
            owner,
            "--scope",
            FLEET,
            "--expires",
            &expires,
            "--key",
            &cast.root_a.key_file,
        ];
        if i == 0 {
            say("Root holders who do not share a machine sign in turn:");
            args.extend(["-o", &file]);
            stage.sightline(&args)?;
            stage.sightline(&[
                "record",
                "sign",
                "--key",
                &cast.root_b.key_file,
                &file,
                "-o",
                &file,
            ])?;
        } else {
            args.extend(["--key", &cast.root_b.key_file, "-o", &file]);
            stage.sightline(&args)?;
        }
        submit(stage, log, &file)?;
    }
    Ok(())
}

fn publish(stage: &Stage, cast: &Cast, log: &str) -> Result<Release, Failure> {
    act("4. Alice signs release 2.1.0; Bob and Carol approve it; Dave rolls it out");
    // Stand-in firmware: 256 KiB of deterministic bytes.
    let image: Vec<u8> = (0..256 * 1024u32)
        .map(|i| i.wrapping_mul(2_654_435_761).to_be_bytes()[0])
        .collect();
    stage.write("firmware-2.1.0.bin", &image)?;
    stage.sightline(&[
        "record",
        "release",
        "--artifact",
        "firmware-2.1.0.bin",
        "--name",
        "cam-firmware",
        "--version",
        "2.1.0",
        "--target",
        FLEET,
        "--key",
        &cast.alice.key_file,
        "-o",
        "records/release.rec",
    ])?;
    let index = submit(stage, log, "records/release.rec")?;
    let hash = leaf_hash(&stage.read("records/release.rec")?);
    let release_ref = format!("{index}:{}", hash.to_hex());
    say(&format!(
        "The release is entry {index}; approvals and rollouts name it by index and leaf hash."
    ));
    for (person, role, owner) in [(&cast.bob, "qa", "bob"), (&cast.carol, "security", "carol")] {
        let file = format!("records/approval-{owner}.rec");
        stage.sightline(&[
            "record",
            "approval",
            "--release",
            &release_ref,
            "--role",
            role,
            "--key",
            &person.key_file,
            "-o",
            &file,
        ])?;
        submit(stage, log, &file)?;
    }
    stage.sightline(&[
        "record",
        "rollout",
        "--release",
        &release_ref,
        "--target",
        TARGET,
        "--key",
        &cast.dave.key_file,
        "-o",
        "records/rollout.rec",
    ])?;
    submit(stage, log, "records/rollout.rec")?;
    let mut tampered = image.clone();
    if let Some(byte) = tampered.get_mut(1000) {
        *byte ^= 0x01;
    }
    stage.write("firmware-2.1.0-tampered.bin", &tampered)?;
    Ok(Release {
        digest: format!("sha256:{}", sha256(&image).to_hex()),
    })
}

fn install(stage: &Stage, cast: &Cast, log: &str, release: &Release) -> Result<(), Failure> {
    act("5. A camera checks the update before installing it");
    let mut policy = format!("log {}\n", cast.log.vkey);
    for (i, witness) in cast.witnesses.iter().enumerate() {
        let _ = writeln!(policy, "witness W{} {}", i + 1, witness.vkey);
    }
    let _ = write!(
        policy,
        "group witnesses 2 W1 W2 W3\nquorum witnesses\nroot {}\nroot {}\nroot-threshold 2\napprovals 2\ntarget {TARGET}\nmax-age 3600\n",
        cast.root_a.vkey, cast.root_b.vkey
    );
    stage.write("camera.policy", policy.as_bytes())?;
    say(
        "The camera's policy, provisioned at manufacture: this log, 2 of 3 witnesses, 2 of 2 roots, 2 approvals:",
    );
    for line in policy.lines() {
        say(&format!("    {line}"));
    }
    stage.sightline(&bundle_args(log, release, "bundle.txt", false))?;
    stage.sightline(&verify_args(
        "bundle.txt",
        "firmware-2.1.0.bin",
        "camera-1.state",
    ))?;
    say("Accepted: camera 1 installs 2.1.0 and remembers the checkpoint it trusted.");
    say("An attacker on the update path flips one bit of the image; camera 2 is offered it:");
    expect_refusal(
        stage,
        &verify_args(
            "bundle.txt",
            "firmware-2.1.0-tampered.bin",
            "camera-2.state",
        ),
        "step 3",
    )
}

fn pause(stage: &Stage, cast: &Cast, log: &str, release: &Release) -> Result<(), Failure> {
    act("6. Incident: Erin pauses the fleet");
    stage.sightline(&[
        "record",
        "pause",
        "--target",
        FLEET,
        "--reason",
        "incident 42: suspected key theft",
        "--key",
        &cast.erin.key_file,
        "-o",
        "records/pause.rec",
    ])?;
    submit(stage, log, "records/pause.rec")?;
    say("The log now refuses to hand out the bundle, and says why:");
    let refused = stage.try_sightline(&bundle_args(log, release, "bundle-paused.txt", false))?;
    if refused.code == Some(0) {
        return Err("the log served a bundle for a paused target".to_owned());
    }
    say("A compromised update server would not ask the log. The camera does not trust it either:");
    stage.sightline(&bundle_args(log, release, "bundle-paused.txt", true))?;
    expect_refusal(
        stage,
        &verify_args("bundle-paused.txt", "firmware-2.1.0.bin", "camera-2.state"),
        "paused",
    )
}

fn revoke(stage: &Stage, cast: &Cast, log: &str, release: &Release) -> Result<(), Failure> {
    act("7. Alice's key was stolen: the roots revoke it, then lift the pause");
    stage.sightline(&[
        "record",
        "key",
        "--action",
        "revoke",
        "--vkey",
        &cast.alice.vkey,
        "--role",
        "signer",
        "--owner",
        "alice",
        "--reason",
        "key stolen in incident 42",
        "--key",
        &cast.root_a.key_file,
        "--key",
        &cast.root_b.key_file,
        "-o",
        "records/revoke-alice.rec",
    ])?;
    submit(stage, log, "records/revoke-alice.rec")?;
    stage.sightline(&[
        "record",
        "resume",
        "--target",
        FLEET,
        "--reason",
        "signer revoked",
        "--key",
        &cast.root_a.key_file,
        "--key",
        &cast.root_b.key_file,
        "-o",
        "records/resume.rec",
    ])?;
    submit(stage, log, "records/resume.rec")?;
    stage.sightline(&bundle_args(log, release, "bundle-revoked.txt", true))?;
    say("Everything Alice signed is void, this release included:");
    expect_refusal(
        stage,
        &verify_args("bundle-revoked.txt", "firmware-2.1.0.bin", "camera-2.state"),
        "revoked",
    )
}

/// The arguments of `sightline bundle` for the release and the camera's
/// target, written to `out`.
fn bundle_args<'a>(
    log: &'a str,
    release: &'a Release,
    out: &'a str,
    include_refused: bool,
) -> Vec<&'a str> {
    let mut args = vec![
        "bundle",
        "--log",
        log,
        "--artifact",
        &release.digest,
        "--target",
        TARGET,
        "-o",
        out,
    ];
    if include_refused {
        args.push("--include-refused");
    }
    args
}

/// The arguments of the camera's `sightline verify` of `artifact` with
/// `bundle` and the trusted state file `state`.
fn verify_args<'a>(bundle: &'a str, artifact: &'a str, state: &'a str) -> [&'a str; 9] {
    [
        "verify",
        "--policy",
        "camera.policy",
        "--bundle",
        bundle,
        "--artifact",
        artifact,
        "--state",
        state,
    ]
}

/// `sightline submit --wait cosigned`; returns the index it printed.
fn submit(stage: &Stage, log: &str, file: &str) -> Result<u64, Failure> {
    let out = stage.sightline(&["submit", "--log", log, file, "--wait", "cosigned"])?;
    out.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("sightline submit printed no index: {out:?}"))
}

/// Runs a `sightline verify` that must refuse (exit 1) with `reason` in
/// its one line.
fn expect_refusal(stage: &Stage, args: &[&str], reason: &str) -> Result<(), Failure> {
    let ran = stage.try_sightline(args)?;
    if ran.code != Some(1) || !ran.stderr.contains(reason) {
        return Err(format!(
            "expected a refusal naming {reason:?}, got {:?}: {}",
            ran.code, ran.stderr
        ));
    }
    say(&format!("Refused, as it must be ({reason})."));
    Ok(())
}

fn now() -> Result<u64, Failure> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|e| format!("the system clock is before 1970: {e}"))
}
