//! Fuzzes the add-checkpoint bodies (c2sp-digest §4.2): request, 200
//! response and 409 size body. No panics; accepted requests and responses
//! re-encode to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::witness_api::{
    AddCheckpointRequest, encode_add_checkpoint_response, encode_tree_size_body,
    parse_add_checkpoint_response, parse_tree_size_body,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(req) = AddCheckpointRequest::parse(data) {
        assert_eq!(req.to_bytes(), data);
    }
    if let Ok(lines) = parse_add_checkpoint_response(data) {
        assert_eq!(encode_add_checkpoint_response(&lines).ok().as_deref(), Some(data));
    }
    if let Ok(size) = parse_tree_size_body(data) {
        assert_eq!(encode_tree_size_body(size).ok().as_deref().map(str::as_bytes), Some(data));
    }
});
