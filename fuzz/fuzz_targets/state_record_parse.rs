//! Fuzzes the state record (DESIGN §4): the input is the body after the
//! `sightline/v1 state` header. A parsed state must re-encode to the same
//! text and survive a round trip through `LogState`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::record::Record;
use sightline_proofs::state::LogState;

fuzz_target!(|data: &[u8]| {
    let Ok(body) = core::str::from_utf8(data) else {
        return;
    };
    let text = format!("sightline/v1 state\n{body}");
    if let Ok(record) = Record::parse_text(&text) {
        assert_eq!(record.to_text(), text);
        let Record::State(state) = record else {
            panic!("a state header parsed as another kind");
        };
        let rebuilt = LogState::from_state_record(&state)
            .state_record(state.index(), state.time())
            .expect("a parsed state's index is valid");
        assert_eq!(rebuilt, state);
    }
});
