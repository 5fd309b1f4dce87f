//! Fuzzes `Policy::verify_checkpoint` on arbitrary notes, against a fixed
//! policy with the digest §8.5 log key and witness plus two more witnesses
//! in a 2-of-3 group. It must never panic, and anything it accepts must
//! carry the two cosigners the quorum needs.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sightline_proofs::note::{KeyName, KeyType, SignerKey, VerifierKey};
use sightline_proofs::policy::Policy;

fn key(name: &str, key_type: KeyType, seed: [u8; 32]) -> VerifierKey {
    SignerKey::from_seed(KeyName::new(name).unwrap(), key_type, seed)
        .unwrap()
        .verifier()
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let mut log_seed = [0u8; 32];
        let mut w1_seed = [0u8; 32];
        for (i, (l, w)) in (0u8..).zip(log_seed.iter_mut().zip(w1_seed.iter_mut())) {
            *l = i;
            *w = 0x20 + i;
        }
        let text = format!(
            "log {}\nwitness W1 {}\nwitness W2 {}\nwitness W3 {}\ngroup G 2 W1 W2 W3\nquorum G\n\
             root {}\nroot-threshold 1\napprovals 1\ntarget acme/t3\nmax-age 86400\n",
            key("example.com/log42", KeyType::Ed25519, log_seed),
            key("witness.example/w1", KeyType::CosignatureV1, w1_seed),
            key("witness.example/w2", KeyType::CosignatureV1, [2; 32]),
            key("witness.example/w3", KeyType::CosignatureV1, [3; 32]),
            key("root", KeyType::Ed25519, [4; 32]),
        );
        Policy::parse(text.as_bytes()).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let policy = policy();
    if let Ok(verified) = policy.verify_checkpoint(data) {
        assert!(verified.quorum().cosigners().len() >= 2);
        let _ = policy.check_max_age(verified.quorum(), u64::MAX);
    }
});
