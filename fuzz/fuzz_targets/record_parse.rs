//! Fuzzes the record grammar (DESIGN §4): `SignedRecord::parse` on entry
//! bytes and `Record::parse_text` on text. Whatever parses must re-encode to
//! the same bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::record::{Record, SignedRecord};

fuzz_target!(|data: &[u8]| {
    if let Ok(signed) = SignedRecord::parse(data) {
        assert_eq!(signed.to_bytes(), data);
        assert_eq!(signed.record().to_text(), signed.note().text());
    }
    if let Ok(text) = core::str::from_utf8(data)
        && let Ok(record) = Record::parse_text(text)
    {
        assert_eq!(record.to_text(), text);
    }
});
