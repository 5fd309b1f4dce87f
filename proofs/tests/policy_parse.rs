//! Policy parsing: the hand-written files under `testdata/policy/` (valid
//! ones with their canonical encodings, and one invalid file per rule, each
//! with its exact error), limits, and builder rules not reachable from text.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use sightline_proofs::ProofsError;
use sightline_proofs::note::{KeyName, KeyType, SignerKey, VerifierKey};
use sightline_proofs::policy::{
    DeviceTarget, MAX_GROUPS, MAX_LOGS, MAX_POLICY_BYTES, MAX_ROOTS, MAX_WITNESSES, Policy,
    PolicyBuilder, PolicyName, PolicyUrl, Threshold,
};

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/policy")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    fs::read(testdata(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// A line error, as the parser wraps it.
fn at(line: usize, error: ProofsError) -> ProofsError {
    ProofsError::PolicyLine {
        line,
        error: Box::new(error),
    }
}

#[test]
fn valid_files_parse_and_encode_canonically() {
    for name in ["digest-keys", "quorum-none"] {
        let policy = Policy::parse(&read(&format!("valid/{name}.policy"))).unwrap();
        let canonical = read(&format!("valid/{name}.canonical"));
        assert_eq!(
            String::from_utf8_lossy(&policy.encode()),
            String::from_utf8_lossy(&canonical),
            "{name}"
        );
        // The canonical form is a fixed point.
        assert_eq!(Policy::parse(&canonical).unwrap(), policy);
    }
}

#[test]
fn valid_file_contents() {
    let policy = Policy::parse(&read("valid/digest-keys.policy")).unwrap();
    assert_eq!(policy.logs().len(), 2);
    assert_eq!(
        policy.logs()[0].key().to_string(),
        "example.com/log42+61581bf9+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
    );
    assert_eq!(
        policy.logs()[0].url().map(PolicyUrl::as_bytes),
        Some(&b"https://log42.example.com/"[..])
    );
    assert_eq!(policy.logs()[1].url(), None);
    let w = &policy.witnesses()[0];
    assert_eq!(w.name().as_bytes(), b"W1");
    assert_eq!(w.key().key_type(), KeyType::CosignatureV1);
    assert_eq!(w.key().key_id(), 0x2032_4abe);
    assert_eq!(policy.groups().len(), 2);
    assert_eq!(policy.groups()[0].threshold(), Threshold::Any);
    assert_eq!(policy.groups()[1].threshold(), Threshold::All);
    assert_eq!(policy.groups()[1].required(), 1);
    // Labels are opaque octets: the UTF-8 bytes as written.
    assert_eq!(
        policy.groups()[0].name().as_bytes(),
        "\u{e9}quipe".as_bytes()
    );
    assert_eq!(
        policy.quorum().map(PolicyName::as_bytes),
        Some("\u{7d44}".as_bytes())
    );
    assert_eq!(policy.roots().len(), 2);
    assert_eq!(policy.root_threshold(), 1);
    assert_eq!(policy.approvals(), 0);
    assert_eq!(policy.target().as_str(), "acme/thermostat/t3");
    assert_eq!(policy.max_age(), 600);
    assert!(policy.allow_downgrade());

    let none = Policy::parse(&read("valid/quorum-none.policy")).unwrap();
    assert_eq!(none.quorum(), None);
    assert!(!none.allow_downgrade());
    assert!(none.witnesses().is_empty());
}

/// Every file under `testdata/policy/invalid/` with the exact error it must
/// produce. The first line of each file is a comment naming the expectation.
fn invalid_cases() -> Vec<(&'static str, ProofsError)> {
    use ProofsError as E;
    vec![
        ("unknown-directive", at(3, E::PolicyUnknownDirective)),
        ("undefined-group-member", at(4, E::PolicyUndefinedName)),
        ("undefined-quorum", at(4, E::PolicyUndefinedName)),
        ("used-before-defined", at(2, E::PolicyUndefinedName)),
        ("duplicate-name", at(4, E::PolicyDuplicateName)),
        ("duplicate-quorum", at(5, E::PolicyDuplicateQuorum)),
        ("missing-quorum", E::PolicyMissingQuorum),
        (
            "group-k-exceeds-members",
            at(4, E::PolicyThresholdTooLarge { k: 2, n: 1 }),
        ),
        ("group-zero-threshold", at(4, E::PolicyBadThreshold)),
        ("group-leading-zero-threshold", at(4, E::PolicyBadThreshold)),
        ("group-no-members", at(4, E::PolicyEmptyGroup)),
        ("group-duplicate-member", at(4, E::PolicyDuplicateMember)),
        ("group-none-member", at(4, E::PolicyNoneMember)),
        (
            "bad-vkey-id",
            at(
                2,
                E::PolicyBadKey(Box::new(E::KeyIdMismatch {
                    stated: 0x6158_1bfa,
                    computed: 0x6158_1bf9,
                })),
            ),
        ),
        ("vkey-not-utf8", at(2, E::PolicyKeyNotUtf8)),
        (
            "witness-wrong-key-type",
            at(3, E::PolicyWrongKeyType("witness")),
        ),
        ("log-wrong-key-type", at(2, E::PolicyWrongKeyType("log"))),
        ("root-wrong-key-type", at(5, E::PolicyWrongKeyType("root"))),
        ("duplicate-witness-key", at(4, E::PolicyDuplicateKey)),
        ("duplicate-log-key", at(3, E::PolicyDuplicateKey)),
        ("key-in-two-roles", at(5, E::PolicyDuplicateKey)),
        (
            "root-threshold-zero",
            E::PolicyRootThresholdOutOfRange { k: 0, roots: 2 },
        ),
        (
            "root-threshold-above-roots",
            E::PolicyRootThresholdOutOfRange { k: 3, roots: 2 },
        ),
        ("missing-log", E::PolicyMissingDirective("log")),
        ("missing-root", E::PolicyMissingDirective("root")),
        (
            "missing-root-threshold",
            E::PolicyMissingDirective("root-threshold"),
        ),
        ("missing-approvals", E::PolicyMissingDirective("approvals")),
        ("missing-target", E::PolicyMissingDirective("target")),
        ("missing-max-age", E::PolicyMissingDirective("max-age")),
        (
            "duplicate-target",
            at(11, E::PolicyDuplicateDirective("target")),
        ),
        (
            "duplicate-allow-downgrade",
            at(12, E::PolicyDuplicateDirective("allow-downgrade")),
        ),
        (
            "max-age-leading-zero",
            at(10, E::PolicyBadNumber("max-age")),
        ),
        ("max-age-zero", at(10, E::PolicyMaxAgeOutOfRange)),
        ("max-age-too-large", at(10, E::PolicyMaxAgeOutOfRange)),
        ("approvals-negative", at(8, E::PolicyBadNumber("approvals"))),
        (
            "approvals-too-large",
            at(8, E::PolicyApprovalsOutOfRange(33, 32)),
        ),
        ("target-pattern", at(9, E::PolicyBadTarget)),
        ("quorum-extra-field", at(4, E::PolicyFieldCount("quorum"))),
        ("log-missing-key", at(2, E::PolicyFieldCount("log"))),
        (
            "allow-downgrade-argument",
            at(11, E::PolicyFieldCount("allow-downgrade")),
        ),
        ("witness-named-none", at(3, E::PolicyBadName)),
        ("crlf-line-end", at(2, E::PolicyForbiddenOctet(0x0d))),
        ("nul-octet", at(9, E::PolicyForbiddenOctet(0x00))),
        ("missing-final-newline", E::PolicyMissingFinalNewline),
    ]
}

#[test]
fn every_invalid_file_fails_with_its_own_error() {
    let cases = invalid_cases();
    for (name, expected) in &cases {
        let bytes = read(&format!("invalid/{name}.policy"));
        assert!(
            bytes.starts_with(b"# expect: "),
            "{name} lacks its expectation comment"
        );
        assert_eq!(Policy::parse(&bytes).as_ref(), Err(expected), "{name}");
    }
    // Every file in the directory is covered by the table.
    let mut on_disk: Vec<String> = fs::read_dir(testdata("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases.iter().map(|(n, _)| format!("{n}.policy")).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn each_invalid_file_is_the_valid_base_with_one_change() {
    // The invalid files differ from this base by one line (or its absence),
    // so each error is caused by the change the file name describes. The
    // base itself must parse.
    let base = read("invalid/missing-final-newline.policy");
    let mut base = base.splitn(2, |&b| b == b'\n').nth(1).unwrap().to_vec();
    base.push(b'\n');
    let policy = Policy::parse(&base).unwrap();
    assert_eq!(policy.root_threshold(), 2);
}

#[test]
fn empty_and_oversized_policies() {
    assert_eq!(Policy::parse(b""), Err(ProofsError::PolicyMissingQuorum));
    assert_eq!(
        Policy::parse(b"# only a comment\n\n \t\n"),
        Err(ProofsError::PolicyMissingQuorum)
    );
    let big = vec![b'#'; MAX_POLICY_BYTES + 1];
    assert_eq!(
        Policy::parse(&big),
        Err(ProofsError::PolicyTooLarge(
            MAX_POLICY_BYTES + 1,
            MAX_POLICY_BYTES
        ))
    );
}

fn key(name: &str, key_type: KeyType, seed: u8, salt: u8) -> VerifierKey {
    let mut s = [seed; 32];
    s[0] = salt;
    SignerKey::from_seed(KeyName::new(name).unwrap(), key_type, s)
        .unwrap()
        .verifier()
}

/// A policy text with `logs` logs, `witnesses` witnesses, `groups` chained
/// groups and `roots` roots, all keys distinct.
fn sized_policy(logs: usize, witnesses: usize, groups: usize, roots: usize) -> String {
    let mut t = String::new();
    for i in 0..logs {
        let k = key(&format!("log{i}.example"), KeyType::Ed25519, i as u8, 1);
        writeln!(t, "log {k}").unwrap();
    }
    for i in 0..witnesses {
        let k = key(&format!("w{i}.example"), KeyType::CosignatureV1, i as u8, 2);
        writeln!(t, "witness w{i} {k}").unwrap();
    }
    for i in 0..groups {
        // Each group includes the previous one, nesting `groups` deep.
        let prev = if i == 0 {
            "w0".to_string()
        } else {
            format!("g{}", i - 1)
        };
        writeln!(t, "group g{i} any {prev}").unwrap();
    }
    let quorum = if groups > 0 {
        format!("g{}", groups - 1)
    } else {
        "w0".into()
    };
    writeln!(t, "quorum {quorum}").unwrap();
    for i in 0..roots {
        let k = key(&format!("root{i}"), KeyType::Ed25519, i as u8, 3);
        writeln!(t, "root {k}").unwrap();
    }
    t += "root-threshold 1\napprovals 1\ntarget a/b\nmax-age 60\n";
    t
}

#[test]
fn limits_accept_at_least_32_of_each_and_bound_the_rest() {
    // tlog-policy asks implementations to support at least 32 logs,
    // witnesses and groups.
    let p = Policy::parse(sized_policy(32, 32, 32, 32).as_bytes()).unwrap();
    assert_eq!(p.logs().len(), 32);
    let p = Policy::parse(sized_policy(1, MAX_WITNESSES, MAX_GROUPS, 1).as_bytes()).unwrap();
    assert_eq!(p.groups().len(), MAX_GROUPS);

    let too_many_logs = sized_policy(MAX_LOGS + 1, 1, 0, 1);
    assert_eq!(
        Policy::parse(too_many_logs.as_bytes()),
        Err(at(
            MAX_LOGS + 1,
            ProofsError::PolicyTooMany("logs", MAX_LOGS)
        ))
    );
    let too_many_witnesses = sized_policy(1, MAX_WITNESSES + 1, 0, 1);
    assert_eq!(
        Policy::parse(too_many_witnesses.as_bytes()),
        Err(at(
            MAX_WITNESSES + 2,
            ProofsError::PolicyTooMany("witnesses", MAX_WITNESSES)
        ))
    );
    let too_many_groups = sized_policy(1, 1, MAX_GROUPS + 1, 1);
    assert_eq!(
        Policy::parse(too_many_groups.as_bytes()),
        Err(at(
            MAX_GROUPS + 3,
            ProofsError::PolicyTooMany("groups", MAX_GROUPS)
        ))
    );
    let too_many_roots = sized_policy(1, 1, 0, MAX_ROOTS + 1);
    assert_eq!(
        Policy::parse(too_many_roots.as_bytes()),
        Err(at(
            MAX_ROOTS + 4,
            ProofsError::PolicyTooMany("roots", MAX_ROOTS)
        ))
    );
}

#[test]
fn builder_enforces_the_same_rules() {
    let log = key("log.example", KeyType::Ed25519, 1, 1);
    let w = key("w.example", KeyType::CosignatureV1, 2, 2);
    let root = key("root", KeyType::Ed25519, 3, 3);
    let w1 = PolicyName::new(b"w1").unwrap();

    let mut b = PolicyBuilder::new();
    b.log(log.clone(), None).unwrap();
    b.witness(w1.clone(), w.clone(), None).unwrap();
    // A threshold of zero cannot be written in text (it fails as
    // PolicyBadThreshold there); the builder rejects it the same way.
    assert_eq!(
        b.group(
            PolicyName::new(b"g").unwrap(),
            Threshold::AtLeast(0),
            vec![w1.clone()]
        )
        .err(),
        Some(ProofsError::PolicyBadThreshold)
    );
    // A failed step leaves the builder unchanged: the name is still free.
    b.group(
        PolicyName::new(b"g").unwrap(),
        Threshold::AtLeast(1),
        vec![w1.clone()],
    )
    .unwrap();
    assert_eq!(b.build().err(), Some(ProofsError::PolicyMissingQuorum));
    b.quorum(Some(PolicyName::new(b"g").unwrap())).unwrap();
    assert_eq!(
        b.build().err(),
        Some(ProofsError::PolicyMissingDirective("root"))
    );
    b.root(root).unwrap();
    b.root_threshold(1).unwrap();
    b.approvals(2).unwrap();
    b.target(DeviceTarget::new("acme/t3").unwrap()).unwrap();
    b.max_age(3600).unwrap();
    let built = b.build().unwrap();

    // The same policy from text.
    let text = format!(
        "log {log}\nwitness w1 {w}\ngroup g 1 w1\nquorum g\nroot {}\nroot-threshold 1\napprovals 2\ntarget acme/t3\nmax-age 3600\n",
        built.roots()[0]
    );
    assert_eq!(Policy::parse(text.as_bytes()).unwrap(), built);
    assert_eq!(built.encode(), text.into_bytes());
}
