//! The bad-input table: every admission rule broken once, malformed and
//! oversized bodies, garbage tile paths and queries. Each gets its 4xx and
//! rule name, nothing is written (the signed checkpoint is byte-identical),
//! and the server stays healthy.

mod common;

use common::{Fixture, Server, key, now, sign_text, time};

struct Case {
    name: &'static str,
    body: Vec<u8>,
    status: u16,
    rule: &'static str,
}

fn case(name: &'static str, body: Vec<u8>, status: u16, rule: &'static str) -> Case {
    Case {
        name,
        body,
        status,
        rule,
    }
}

#[test]
#[allow(clippy::too_many_lines)]
fn every_bad_input_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(
        dir.path(),
        &format!("{}batch_max_age_ms = 2\n", f.roots_toml()),
    );
    for entry in f.enrolments() {
        server.submit(&entry);
    }
    // A key that expires in a minute, for the expiry rule.
    let brief = key("erin-signing", 20);
    let brief_enrol = format!(
        "sightline/v1 key\naction enrol\nvkey {}\nrole signer\nowner erin\nscope acme/*\nexpires {}\nissued {}\n",
        brief.verifier(),
        time(now() + 60),
        time(now())
    );
    server.submit(&sign_text(&brief_enrol, &f.root_refs()));
    // A revoked and a retired key.
    let revoked = key("frank-signing", 21);
    let retired = key("grace-signing", 22);
    server.submit(&f.enrol(&revoked, "signer", "frank", "acme/*"));
    server.submit(&f.enrol(&retired, "signer", "grace", "acme/*"));
    for (action, k, owner) in [("revoke", &revoked, "frank"), ("retire", &retired, "grace")] {
        let text = format!(
            "sightline/v1 key\naction {action}\nvkey {}\nrole signer\nowner {owner}\nissued {}\n",
            k.verifier(),
            time(now())
        );
        server.submit(&sign_text(&text, &f.root_refs()));
    }
    let (release_index, release_hash) = server.submit(&f.release("firmware"));
    let (approval_index, approval_hash) = server.submit(&f.approval(release_index, &release_hash));

    let t = time(now());
    let release_text = f.release_text("other", "acme/thermostat/*");
    let mut tampered = sign_text(&release_text, &[&f.signer]);
    // Change one byte of the signed text (the size digit): the signature no
    // longer matches.
    let at = tampered
        .windows(9)
        .position(|w| w == b"size 4096")
        .expect("size line");
    tampered[at + 5] = b'5';
    let future_release = sign_text(
        &release_text.replace(
            &format!("issued {t}"),
            &format!("issued {}", time(now() + 3600)),
        ),
        &[&f.signer],
    );
    let old_release = sign_text(
        &release_text.replace(
            &format!("issued {t}"),
            &format!("issued {}", time(now() - 3600)),
        ),
        &[&f.signer],
    );
    let expired_release = sign_text(
        &release_text.replace(
            &format!("issued {t}"),
            &format!("issued {}", time(now() + 120)),
        ),
        &[&brief],
    );
    let other_enrol = f.enrol_text(&key("henry", 23), "approver", "henry", "acme/*");
    let retire_wrong_owner = format!(
        "sightline/v1 key\naction retire\nvkey {}\nrole signer\nowner mallory\nissued {t}\n",
        f.signer.verifier()
    );
    let state_entry = sign_text(
        &format!("sightline/v1 state\nindex 3\ntime {t}\n"),
        &[&f.signer],
    );
    let mut oversized = release_text.clone().into_bytes();
    oversized.resize(70_000, b'x');
    let approval_text = |reference: &str| {
        format!("sightline/v1 approval\nrelease {reference}\nrole qa\nissued {t}\n")
    };

    let cases = vec![
        // Grammar and encoding.
        case("empty body", Vec::new(), 400, ""),
        case("not a note", b"hello".to_vec(), 400, ""),
        case("unsigned", release_text.clone().into_bytes(), 400, ""),
        case(
            "unknown kind",
            sign_text(&format!("sightline/v1 bogus\nissued {t}\n"), &[&f.signer]),
            400,
            "",
        ),
        case(
            "unknown field",
            sign_text(
                &release_text.replace("name thermo\n", "name thermo\ncolour red\n"),
                &[&f.signer],
            ),
            400,
            "",
        ),
        case(
            "fields out of order",
            sign_text(
                &release_text.replace("size 4096\nname thermo\n", "name thermo\nsize 4096\n"),
                &[&f.signer],
            ),
            400,
            "",
        ),
        case("oversized body", oversized, 413, "BodyTooLarge"),
        case(
            "state entry from a client",
            state_entry,
            400,
            "StateNotAdmissible",
        ),
        // Signatures, roles, scopes, validity.
        case(
            "unenrolled signer",
            sign_text(&release_text, &[&f.stranger]),
            403,
            "SignerNotEnrolled",
        ),
        case("bad signature", tampered, 403, "BadSignature"),
        case(
            "wrong role",
            sign_text(&release_text, &[&f.approver]),
            403,
            "SignerWrongRole",
        ),
        case(
            "target out of scope",
            sign_text(&f.release_text("x", "globex/*"), &[&f.signer]),
            403,
            "TargetOutOfScope",
        ),
        case(
            "two signatures on a release",
            sign_text(&release_text, &[&f.signer, &f.approver]),
            403,
            "WrongSignatureCount",
        ),
        case(
            "revoked signer",
            sign_text(&release_text, &[&revoked]),
            403,
            "SignerRevoked",
        ),
        case(
            "retired signer",
            sign_text(&release_text, &[&retired]),
            403,
            "SignerRetired",
        ),
        case("expired signer", expired_release, 403, "SignerExpired"),
        case(
            "issued in the future",
            future_release,
            400,
            "IssuedInFuture",
        ),
        case("issued too long ago", old_release, 400, "IssuedTooOld"),
        // Root threshold for key and resume; pause signers.
        case(
            "enrol with one root of two",
            sign_text(&other_enrol, &[&f.roots[0]]),
            403,
            "RootThresholdNotMet",
        ),
        case(
            "enrol signed by a non-root",
            sign_text(&other_enrol, &[&f.roots[0], &f.signer]),
            403,
            "NonRootSignature",
        ),
        case(
            "resume with one root of two",
            sign_text(&f.notice_text("resume", "acme/*"), &[&f.roots[0]]),
            403,
            "RootThresholdNotMet",
        ),
        case(
            "pause by a signer",
            sign_text(&f.notice_text("pause", "acme/*"), &[&f.signer]),
            403,
            "SignerWrongRole",
        ),
        // State transitions.
        case(
            "resume of an unpaused target",
            f.resume("acme/*"),
            409,
            "PatternNotPaused",
        ),
        case(
            "enrol twice",
            // Another scope, so the entry differs from the logged one (an
            // identical entry is answered with its index instead).
            f.enrol(&f.signer, "signer", "alice", "acme/lock/*"),
            409,
            "KeyAlreadyEnrolled",
        ),
        case(
            "retire with the wrong owner",
            sign_text(&retire_wrong_owner, &f.root_refs()),
            409,
            "KeyOwnerMismatch",
        ),
        // References.
        case(
            "approval of an index beyond the log",
            sign_text(
                &approval_text(&format!("999999 {release_hash}")),
                &[&f.approver],
            ),
            409,
            "ReleaseNotLogged",
        ),
        case(
            "approval of a non-release",
            sign_text(
                &approval_text(&format!("{approval_index} {approval_hash}")),
                &[&f.approver],
            ),
            409,
            "ReleaseNotLogged",
        ),
        case(
            "approval with the wrong leaf hash",
            sign_text(
                &approval_text(&format!("{release_index} {approval_hash}")),
                &[&f.approver],
            ),
            409,
            "ReleaseHashMismatch",
        ),
        case(
            "rollout wider than the release",
            sign_text(
                &format!(
                    "sightline/v1 rollout\nrelease {release_index} {release_hash}\ntarget acme/lock/l1\nissued {t}\n"
                ),
                &[&f.operator],
            ),
            409,
            "RolloutTargetNotInRelease",
        ),
    ];

    let before = server.get("/checkpoint").body;
    for c in &cases {
        let response = server.post("/v1/entries", &c.body);
        assert_eq!(response.status, c.status, "{}: {}", c.name, response.text());
        let json = response.json();
        if !c.rule.is_empty() {
            assert_eq!(json["error"], c.rule, "{}: {}", c.name, response.text());
        }
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            c.name
        );
        assert_eq!(
            server.get("/checkpoint").body,
            before,
            "{} wrote something",
            c.name
        );
    }

    // Garbage and out-of-range reads.
    let reads: [(&str, u16); 21] = [
        ("/tile/abc", 400),
        ("/tile/0/x", 400),
        ("/tile/0/1", 400),
        ("/tile/0/000.p/0", 400),
        ("/tile/0/000.p/256", 400),
        ("/tile/0/000.p/01", 400),
        ("/tile/64/000", 400),
        ("/tile/0/x000/000", 400),
        ("/tile/entries/abc", 400),
        ("/tile/0/999", 404),
        ("/tile/entries/999", 404),
        ("/tile/0/000", 404),
        ("/tile/0/000.p/255", 404),
        ("/tile/1/000.p/1", 404),
        ("/v1/proof/abc", 400),
        ("/v1/proof/01", 400),
        ("/v1/proof/999999", 404),
        ("/v1/consistency?old=5&new=2", 400),
        ("/v1/consistency?old=1", 400),
        ("/v1/search?colour=red", 400),
        ("/v1/search?artifact=md5:00", 400),
    ];
    for (path, status) in reads {
        let response = server.get(path);
        assert_eq!(response.status, status, "{path}: {}", response.text());
        assert!(response.json()["error"].is_string(), "{path}");
    }
    assert_eq!(server.get("/v1/search?owner=a&key=b").status, 400);
    assert_eq!(server.get("/v1/consistency?old=1&new=999999").status, 404);

    assert_eq!(
        server.get("/checkpoint").body,
        before,
        "reads wrote nothing"
    );
    assert_eq!(server.get("/healthz").status, 200);
    // And the log still takes good entries.
    let (index, _) = server.submit(&f.release("after the table"));
    assert!(index > approval_index);
}
