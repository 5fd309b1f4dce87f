//! Property tests: random policies, built with `PolicyBuilder`, written as
//! text with random (legal) whitespace, comments and blank lines, parse back
//! to the same policy; the canonical encoding is a fixed point.

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use sightline_proofs::note::{KeyName, KeyType, SignerKey, VerifierKey};
use sightline_proofs::policy::{
    DeviceTarget, Policy, PolicyBuilder, PolicyName, PolicyUrl, Threshold,
};

fn key(rng: &mut StdRng, name: &str, key_type: KeyType) -> VerifierKey {
    SignerKey::from_seed(KeyName::new(name).unwrap(), key_type, rng.r#gen())
        .unwrap()
        .verifier()
}

/// A random field of 1..12 legal octets (printable ASCII other than space,
/// or high-bit octets), never starting with `#`, suffixed to stay unique.
fn token(rng: &mut StdRng, unique: usize) -> Vec<u8> {
    let len = rng.gen_range(1..12);
    let mut t: Vec<u8> = (0..len)
        .map(|_| {
            if rng.gen_bool(0.2) {
                rng.gen_range(0x80..=0xff)
            } else {
                rng.gen_range(0x21..=0x7e)
            }
        })
        .collect();
    if t[0] == b'#' {
        t[0] = b'x';
    }
    t.extend_from_slice(format!("~{unique}").as_bytes());
    t
}

/// A random run of spaces and tabs, at least `min` long.
fn ws(rng: &mut StdRng, min: usize) -> Vec<u8> {
    let n = rng.gen_range(min..min + 3);
    (0..n)
        .map(|_| if rng.gen_bool(0.5) { b' ' } else { b'\t' })
        .collect()
}

/// Writes one line: fields joined by random whitespace, with optional
/// leading and trailing whitespace.
fn line(rng: &mut StdRng, out: &mut Vec<u8>, fields: &[&[u8]]) {
    out.extend(ws(rng, 0));
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.extend(ws(rng, 1));
        }
        out.extend_from_slice(f);
    }
    out.extend(ws(rng, 0));
    out.push(b'\n');
    // Interleave ignorable lines.
    match rng.gen_range(0..6) {
        0 => out.push(b'\n'),
        1 => {
            out.extend(ws(rng, 0));
            out.extend_from_slice("# a comment, naïve \t with anything: log quorum\n".as_bytes());
        }
        2 => {
            out.extend(ws(rng, 1));
            out.push(b'\n');
        }
        _ => {}
    }
}

/// Adds random Sightline settings to `b` and returns their lines, shuffled
/// except that `root` lines keep their order.
fn sightline_lines(rng: &mut StdRng, b: &mut PolicyBuilder) -> Vec<Vec<Vec<u8>>> {
    let mut tail: Vec<Vec<Vec<u8>>> = Vec::new();
    let roots = rng.gen_range(1..4);
    for i in 0..roots {
        let k = key(rng, &format!("root-{i}"), KeyType::Ed25519);
        b.root(k.clone()).unwrap();
        tail.push(vec![b"root".to_vec(), k.to_string().into_bytes()]);
    }
    let threshold = rng.gen_range(1..=roots);
    b.root_threshold(threshold).unwrap();
    tail.push(vec![
        b"root-threshold".to_vec(),
        threshold.to_string().into_bytes(),
    ]);
    let approvals = rng.gen_range(0..=32);
    b.approvals(approvals).unwrap();
    tail.push(vec![
        b"approvals".to_vec(),
        approvals.to_string().into_bytes(),
    ]);
    let target = format!("acme/{}/t{}", rng.gen_range(0..100), rng.gen_range(0..10));
    b.target(DeviceTarget::new(&target).unwrap()).unwrap();
    tail.push(vec![b"target".to_vec(), target.into_bytes()]);
    let max_age: u64 = rng.gen_range(1..=i64::MAX as u64);
    b.max_age(max_age).unwrap();
    tail.push(vec![b"max-age".to_vec(), max_age.to_string().into_bytes()]);
    if rng.gen_bool(0.5) {
        b.allow_downgrade().unwrap();
        tail.push(vec![b"allow-downgrade".to_vec()]);
    }
    // Shuffle, but keep the `root` lines in the order they were added: a
    // policy's lists keep the order of their lines.
    let roots_in_order: Vec<Vec<Vec<u8>>> =
        tail.iter().filter(|l| l[0] == b"root").cloned().collect();
    tail.shuffle(rng);
    let mut next_root = roots_in_order.into_iter();
    for l in &mut tail {
        if l[0] == b"root" {
            *l = next_root.next().unwrap();
        }
    }

    tail
}

/// Builds a random policy and a noisy text that should parse to it.
fn random_policy(seed: u64) -> (Policy, Vec<u8>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut b = PolicyBuilder::new();
    let mut text = Vec::new();
    let mut unique = 0;
    let mut next = |rng: &mut StdRng| {
        unique += 1;
        token(rng, unique)
    };

    let tail = sightline_lines(&mut rng, &mut b);

    let mut head: Vec<Vec<Vec<u8>>> = Vec::new();
    for i in 0..rng.gen_range(1..4) {
        let k = key(
            &mut rng,
            &format!("log{i}.example/{seed}"),
            KeyType::Ed25519,
        );
        let url = rng.gen_bool(0.5).then(|| next(&mut rng));
        b.log(
            k.clone(),
            url.as_deref().map(|u| PolicyUrl::new(u).unwrap()),
        )
        .unwrap();
        let mut fields = vec![b"log".to_vec(), k.to_string().into_bytes()];
        fields.extend(url);
        head.push(fields);
    }
    let mut defined: Vec<Vec<u8>> = Vec::new();
    for i in 0..rng.gen_range(0..6) {
        let name = next(&mut rng);
        let k = key(&mut rng, &format!("w{i}.example"), KeyType::CosignatureV1);
        let url = rng.gen_bool(0.3).then(|| next(&mut rng));
        b.witness(
            PolicyName::new(&name).unwrap(),
            k.clone(),
            url.as_deref().map(|u| PolicyUrl::new(u).unwrap()),
        )
        .unwrap();
        let mut fields = vec![
            b"witness".to_vec(),
            name.clone(),
            k.to_string().into_bytes(),
        ];
        fields.extend(url);
        head.push(fields);
        defined.push(name);
    }
    if !defined.is_empty() {
        for _ in 0..rng.gen_range(0..5) {
            let mut members = defined.clone();
            members.shuffle(&mut rng);
            members.truncate(rng.gen_range(1..=members.len()));
            let (threshold, written) = match rng.gen_range(0..3) {
                0 => (Threshold::All, b"all".to_vec()),
                1 => (Threshold::Any, b"any".to_vec()),
                _ => {
                    let k = rng.gen_range(1..=members.len());
                    (Threshold::AtLeast(k), k.to_string().into_bytes())
                }
            };
            let name = next(&mut rng);
            b.group(
                PolicyName::new(&name).unwrap(),
                threshold,
                members
                    .iter()
                    .map(|m| PolicyName::new(m).unwrap())
                    .collect(),
            )
            .unwrap();
            let mut fields = vec![b"group".to_vec(), name.clone(), written];
            fields.extend(members);
            head.push(fields);
            defined.push(name);
        }
    }
    let quorum = if defined.is_empty() || rng.gen_bool(0.2) {
        b.quorum(None).unwrap();
        b"none".to_vec()
    } else {
        let q = defined[rng.gen_range(0..defined.len())].clone();
        b.quorum(Some(PolicyName::new(&q).unwrap())).unwrap();
        q
    };
    head.push(vec![b"quorum".to_vec(), quorum]);

    // Merge the Sightline lines into the ordered tlog-policy lines.
    // Each insertion point is after the previous one, keeping their order.
    let mut lines = head;
    let mut at = 0;
    for t in tail {
        at = rng.gen_range(at..=lines.len());
        lines.insert(at, t);
        at += 1;
    }
    for l in &lines {
        let fields: Vec<&[u8]> = l.iter().map(Vec::as_slice).collect();
        line(&mut rng, &mut text, &fields);
    }
    (b.build().unwrap(), text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn noisy_text_parses_to_the_built_policy(seed in any::<u64>()) {
        let (policy, text) = random_policy(seed);
        prop_assert_eq!(Policy::parse(&text), Ok(policy.clone()));
    }

    #[test]
    fn canonical_encoding_round_trips(seed in any::<u64>()) {
        let (policy, _) = random_policy(seed);
        let encoded = policy.encode();
        let reparsed = Policy::parse(&encoded).unwrap();
        prop_assert_eq!(&reparsed, &policy);
        prop_assert_eq!(reparsed.encode(), encoded);
    }

    #[test]
    fn parse_never_panics_on_mutations(seed in any::<u64>(), pos in any::<usize>(), byte in any::<u8>()) {
        // Any single-octet change either parses (to a policy that then
        // round-trips) or fails with an error; it never panics.
        let (_, mut text) = random_policy(seed);
        let i = pos % text.len();
        text[i] = byte;
        if let Ok(p) = Policy::parse(&text) {
            prop_assert_eq!(Policy::parse(&p.encode()), Ok(p));
        }
    }
}
