//! Fuzzes `verify_inclusion`: arbitrary proofs must be rejected without
//! panicking, and a genuine proof is accepted exactly when left unmodified.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::{
    Hash, InclusionProof, MemoryNodeReader, RootHash, build_inclusion_proof, leaf_hash,
    verify_inclusion,
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
        // Raw: index, size, leaf, root and path straight from the input.
        let (index, size) = (u64_at(data, 0), u64_at(data, 8));
        let rest = data.get(16..).unwrap_or_default();
        let mut hashes = rest
            .chunks_exact(32)
            .map(|c| Hash::from_slice(c).unwrap_or_default());
        let (Some(leaf), Some(root)) = (hashes.next(), hashes.next()) else {
            return;
        };
        let path: Vec<Hash> = hashes.collect();
        let (Ok(root), Ok(proof)) = (
            RootHash::new(size, root),
            InclusionProof::new(index, size, path),
        ) else {
            return;
        };
        let _ = verify_inclusion(&leaf, &proof, &root);
    } else {
        // Structured: a real proof in a small tree, XORed with the input.
        let size = u64::from(data.first().copied().unwrap_or(1)).max(1);
        let index = u64::from(data.get(1).copied().unwrap_or(0)) % size;
        let leaves: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let tree = MemoryNodeReader::from_leaf_hashes(&leaves);
        let root = tree.root(size).expect("root of an in-memory tree");
        let proof = build_inclusion_proof(&tree, index, size).expect("proof of an in-memory tree");
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
        // Extra input beyond the path lengthens it.
        let extra = noise.len() / 32;
        if extra > path.len() {
            path.push(Hash::default());
            changed = true;
        }
        let Ok(mutated) = InclusionProof::new(index, size, path) else {
            return;
        };
        let outcome = verify_inclusion(&leaves[index as usize], &mutated, &root);
        assert_eq!(outcome.is_ok(), !changed);
    }
});
