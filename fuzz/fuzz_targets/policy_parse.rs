//! Fuzzes `Policy::parse`: it must never panic, and every policy it accepts
//! must encode canonically and parse back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::policy::Policy;

fuzz_target!(|data: &[u8]| {
    if let Ok(policy) = Policy::parse(data) {
        let encoded = policy.encode();
        let reparsed = Policy::parse(&encoded).expect("canonical encoding parses");
        assert_eq!(reparsed, policy, "canonical encoding round-trips");
        assert_eq!(reparsed.encode(), encoded, "canonical encoding is stable");
    }
});
