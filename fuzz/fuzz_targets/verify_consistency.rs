//! Fuzzes `verify_consistency`: arbitrary proofs must be rejected without
//! panicking, and a genuine proof is accepted exactly when left unmodified.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::{
    ConsistencyProof, Hash, MemoryNodeReader, RootHash, build_consistency_proof, leaf_hash,
    verify_consistency,
};

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = data.get(at + i).copied().unwrap_or(0);
    }
    u64::from_be_bytes(bytes)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        // Raw: sizes, roots and path straight from the input.
        let (old, new) = (u64_at(data, 0), u64_at(data, 8));
        let rest = data.get(16..).unwrap_or_default();
        let mut hashes = rest
            .chunks_exact(32)
            .map(|c| Hash::from_slice(c).unwrap_or_default());
        let (Some(old_hash), Some(new_hash)) = (hashes.next(), hashes.next()) else {
            return;
        };
        let path: Vec<Hash> = hashes.collect();
        let (Ok(old_root), Ok(new_root), Ok(proof)) = (
            RootHash::new(old, old_hash),
            RootHash::new(new, new_hash),
            ConsistencyProof::new(old, new, path),
        ) else {
            return;
        };
        let _ = verify_consistency(&old_root, &new_root, &proof);
    } else {
        // Structured: a real proof between two small trees, XORed with the input.
        let new = u64::from(data.first().copied().unwrap_or(1)).max(1);
        let old = u64::from(data.get(1).copied().unwrap_or(0)) % (new + 1);
        let leaves: Vec<Hash> = (0..new).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
        let old_root = tree.root(old).expect("root of an in-memory tree");
        let new_root = tree.root(new).expect("root of an in-memory tree");
        let proof = build_consistency_proof(&tree, old, new).expect("proof of an in-memory tree");
        let noise = data.get(2..).unwrap_or_default();
        let mut path = proof.path().to_vec();
        let mut changed = false;
        for (i, byte) in noise.iter().enumerate() {
            if let Some(hash) = path.get_mut(i / 32) {
                let mut bytes = *hash.as_bytes();
                bytes[i % 32] ^= byte;
                changed |= *byte != 0;
                *hash = Hash::new(bytes);
            }
        }
        if noise.len() / 32 > path.len() {
            path.push(Hash::default());
            changed = true;
        }
        let Ok(mutated) = ConsistencyProof::new(old, new, path) else {
            return;
        };
        let outcome = verify_consistency(&old_root, &new_root, &mutated);
        assert_eq!(outcome.is_ok(), !changed);
    }
});
