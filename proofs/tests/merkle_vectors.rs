//! Known-answer tests: every Merkle vector of c2sp-digest §8.2, stored
//! under `testdata/merkle/`, and the negative cases derived from them.

use std::fs;
use std::path::PathBuf;

use sightline_proofs::{
    ConsistencyProof, Hash, InclusionProof, MemoryNodeReader, ProofsError, RootHash,
    build_consistency_proof, build_inclusion_proof, leaf_hash, verify_consistency,
    verify_inclusion,
};

/// The non-comment rows of `testdata/merkle/<name>`, split on whitespace.
fn rows(name: &str) -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/merkle")
        .join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .map(|line| {
            line.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

fn path_of(fields: &[String]) -> Vec<Hash> {
    if fields == ["-"] {
        return Vec::new();
    }
    fields
        .iter()
        .map(|h| Hash::from_base64(h).expect("vector hash"))
        .collect()
}

fn hex_hash(text: &str) -> Hash {
    Hash::from_hex(text).expect("vector hex")
}

/// The classic 8-leaf tree, built from the leaf bytes (not the listed hashes).
fn tree() -> MemoryNodeReader {
    let mut tree = MemoryNodeReader::new();
    for row in rows("leaves.txt") {
        let bytes = if row[1] == "-" {
            Vec::new()
        } else {
            hex::decode(&row[1]).expect("leaf hex")
        };
        let hash = leaf_hash(&bytes);
        assert_eq!(hash, hex_hash(&row[2]), "leaf {}", row[0]);
        tree.push(hash);
    }
    assert_eq!(tree.size(), 8);
    tree
}

fn root(tree: &MemoryNodeReader, size: u64) -> RootHash {
    tree.root(size).expect("root")
}

#[test]
fn roots_match_the_digest() {
    let tree = tree();
    let roots = rows("roots.txt");
    assert_eq!(roots.len(), 9);
    for row in roots {
        let size: u64 = row[0].parse().unwrap();
        assert_eq!(root(&tree, size).hash(), &hex_hash(&row[1]), "size {size}");
    }
}

#[test]
fn inclusion_paths_match_and_verify() {
    let tree = tree();
    let cases = rows("inclusion.txt");
    assert_eq!(cases.len(), 6);
    for row in cases {
        let (index, size): (u64, u64) = (row[0].parse().unwrap(), row[1].parse().unwrap());
        let path = path_of(&row[2..]);
        let built = build_inclusion_proof(&tree, index, size).unwrap();
        assert_eq!(built.path(), path.as_slice(), "{index}/{size}");
        let proof = InclusionProof::new(index, size, path).unwrap();
        let leaf = tree.leaf_hashes()[index as usize];
        verify_inclusion(&leaf, &proof, &root(&tree, size)).unwrap();
    }
}

#[test]
fn consistency_proofs_match_and_verify() {
    let tree = tree();
    let cases = rows("consistency.txt");
    assert_eq!(cases.len(), 7);
    for row in cases {
        let (old, new): (u64, u64) = (row[0].parse().unwrap(), row[1].parse().unwrap());
        let path = path_of(&row[2..]);
        let built = build_consistency_proof(&tree, old, new).unwrap();
        assert_eq!(built.path(), path.as_slice(), "{old} -> {new}");
        let proof = ConsistencyProof::new(old, new, path).unwrap();
        verify_consistency(&root(&tree, old), &root(&tree, new), &proof).unwrap();
    }
}

/// The variant name of an error, as written in the vector files.
fn variant(error: &ProofsError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn invalid_inclusion_proofs_are_rejected_for_the_stated_reason() {
    let cases = rows("inclusion-invalid.txt");
    assert!(cases.len() >= 50);
    for row in cases {
        let (index, size): (u64, u64) = (row[1].parse().unwrap(), row[2].parse().unwrap());
        let leaf = hex_hash(&row[3]);
        let root = RootHash::new(size, hex_hash(&row[4])).unwrap();
        let outcome = InclusionProof::new(index, size, path_of(&row[5..]))
            .and_then(|proof| verify_inclusion(&leaf, &proof, &root));
        let error = outcome.expect_err(&row.join(" "));
        assert_eq!(variant(&error), row[0], "{}", row.join(" "));
    }
}

#[test]
fn invalid_consistency_proofs_are_rejected_for_the_stated_reason() {
    let cases = rows("consistency-invalid.txt");
    assert!(cases.len() >= 60);
    for row in cases {
        let (old, new): (u64, u64) = (row[1].parse().unwrap(), row[2].parse().unwrap());
        let old_root = RootHash::new(old, hex_hash(&row[3])).unwrap();
        let new_root = RootHash::new(new, hex_hash(&row[4])).unwrap();
        let outcome = ConsistencyProof::new(old, new, path_of(&row[5..]))
            .and_then(|proof| verify_consistency(&old_root, &new_root, &proof));
        let error = outcome.expect_err(&row.join(" "));
        assert_eq!(variant(&error), row[0], "{}", row.join(" "));
    }
}
