//! Fuzzes admission (DESIGN §4): arbitrary entry bytes against a fixed log
//! state with enrolled keys, a logged release and a pause. Admission must
//! never panic, whatever it admits must apply, and the pre-verified path
//! (preverify on the same state or on an empty snapshot, then
//! admit_preverified) must give exactly the same answer.

#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sightline_proofs::note::{KeyName, KeyType, SignerKey};
use sightline_proofs::record::{
    ArtifactDigest, Enrolment, KeyAction, KeyRecord, KeyRole, Pattern, Pause, Reason, Record,
    Release, SignedRecord, Timestamp, Token, Version,
};
use sightline_proofs::state::{AdmissionRules, LogState, LoggedRelease};

/// 2023-11-14T22:13:20Z.
const NOW: u64 = 1_700_000_000;

struct Fixture {
    state: LogState,
    rules: AdmissionRules,
    releases: BTreeMap<u64, LoggedRelease>,
    next: u64,
}

fn key(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(KeyName::new(name).unwrap(), KeyType::Ed25519, [seed; 32]).unwrap()
}

/// The same keys as the `records_*` tests, so their entries make a corpus.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let roots = [key("root-a", 1), key("root-b", 2), key("root-c", 3)];
        let rules =
            AdmissionRules::new(roots.iter().map(SignerKey::verifier).collect(), 2, 300).unwrap();
        let ts = |s| Timestamp::from_unix(s).unwrap();
        let mut state = LogState::new();
        let mut releases = BTreeMap::new();
        let mut next = 0;
        let mut append = |state: &mut LogState, entry: SignedRecord| {
            let admitted = state
                .admit(&entry.to_bytes(), next, NOW, &rules, &releases)
                .unwrap();
            state.apply(next, &admitted).unwrap();
            if let Record::Release(r) = admitted.record() {
                releases.insert(next, LoggedRelease::new(*entry.leaf_hash(), r.clone()));
            }
            next += 1;
        };
        let signer = key("alice-signing", 10);
        for (k, role, owner) in [
            (&signer, KeyRole::Signer, "alice"),
            (&key("bob-review", 11), KeyRole::Approver, "bob"),
            (&key("carol-ops", 12), KeyRole::Operator, "carol"),
            (&key("dave-incident", 13), KeyRole::Breakglass, "dave"),
        ] {
            let enrolment =
                Enrolment::new(vec![Pattern::new("acme/*").unwrap()], ts(NOW + 31_536_000))
                    .unwrap();
            let record = KeyRecord::new(
                KeyAction::Enrol,
                k.verifier(),
                role,
                Token::new(owner).unwrap(),
                Some(enrolment),
                None,
                ts(NOW),
            )
            .unwrap();
            let entry = SignedRecord::sign(&Record::Key(record), &[&roots[0], &roots[1]]);
            append(&mut state, entry.unwrap());
        }
        let release = Release::new(
            ArtifactDigest::from(sightline_proofs::hash::sha256(b"firmware image")),
            1_048_576,
            Token::new("thermo").unwrap(),
            Version::new("1.2.3").unwrap(),
            vec![Pattern::new("acme/thermostat/*").unwrap()],
            ts(NOW),
        )
        .unwrap();
        append(
            &mut state,
            SignedRecord::sign(&Record::Release(release), &[&signer]).unwrap(),
        );
        let pause = Pause::new(
            Pattern::new("acme/lock/*").unwrap(),
            Reason::new("boot loop").unwrap(),
            ts(NOW),
        );
        append(
            &mut state,
            SignedRecord::sign(&Record::Pause(pause), &[&roots[2]]).unwrap(),
        );
        Fixture {
            state,
            rules,
            releases,
            next,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let direct = f.state.admit(data, f.next, NOW, &f.rules, &f.releases);
    for snapshot in [&f.state, &LogState::new()] {
        let preverified = snapshot.preverify(data, &f.rules).and_then(|p| {
            f.state
                .admit_preverified(p, f.next, NOW, &f.rules, &f.releases)
        });
        assert_eq!(direct, preverified, "the pre-verified path differs");
    }
    if let Ok(admitted) = direct {
        let mut state = f.state.clone();
        state
            .apply(f.next, &admitted)
            .expect("an admitted entry applies to the state it was admitted against");
    }
});
