//! Property tests of the Merkle core against independent implementations:
//! rs_merkle (with an RFC 6962 hasher), ct-merkle and tlog_tiles (Cloudflare
//! azul's port of Go's sumdb/tlog), plus exhaustive consistency checks and
//! the tile builder against a direct computation.

use std::collections::HashMap;

use proptest::prelude::*;
use sightline_proofs::tile::new_tiles;
use sightline_proofs::tile_builder::TileContents;
use sightline_proofs::{
    ConsistencyProof, Hash, InclusionProof, MemoryNodeReader, NodeId, NodeReader, ProofsError,
    RootHash, TileBuilder, TileId, TilePath, build_consistency_proof, build_inclusion_proof,
    leaf_hash, node_hash, verify_consistency, verify_inclusion,
};

// ---------------------------------------------------------------------------
// rs_merkle with RFC 6962 hashing.
//
// rs_merkle builds the tree bottom-up, pairing nodes left to right and
// promoting a node without a right sibling unchanged to the next level
// (its default `concat_and_hash` with `None`). For any n that produces the
// same shape as RFC 6962's split at the largest power of two below n: the
// left part of every split is a perfect tree whose nodes pair up exactly,
// and the promoted nodes are those on the right edge. So with 0x01-prefixed
// node hashing and leaf hashes given as leaves, its roots and single-leaf
// proofs are a valid reference for every size, which the tests confirm.
// It has no consistency proofs; those are checked against ct-merkle and
// tlog_tiles instead.
// ---------------------------------------------------------------------------

#[derive(Clone)]
struct Rfc6962;

impl rs_merkle::Hasher for Rfc6962 {
    type Hash = [u8; 32];

    fn hash(data: &[u8]) -> [u8; 32] {
        *sightline_proofs::hash::sha256(data).as_bytes()
    }

    fn concat_and_hash(left: &[u8; 32], right: Option<&[u8; 32]>) -> [u8; 32] {
        match right {
            Some(right) => *node_hash(&Hash::new(*left), &Hash::new(*right)).as_bytes(),
            None => *left,
        }
    }
}

fn leaves(n: usize, seed: u64) -> Vec<Vec<u8>> {
    (0..n as u64)
        .map(|i| {
            let mut entry = seed.to_be_bytes().to_vec();
            entry.extend_from_slice(&i.to_be_bytes());
            entry.truncate(8 + (i as usize % 9));
            entry
        })
        .collect()
}

fn leaf_hashes(entries: &[Vec<u8>]) -> Vec<Hash> {
    entries.iter().map(|e| leaf_hash(e)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn roots_and_inclusion_match_rs_merkle(n in 1usize..4000, seed: u64, pick: prop::sample::Index) {
        let hashes = leaf_hashes(&leaves(n, seed));
        let ours = MemoryNodeReader::from_leaf_hashes(&hashes);
        let raw: Vec<[u8; 32]> = hashes.iter().map(|h| *h.as_bytes()).collect();
        let theirs = rs_merkle::MerkleTree::<Rfc6962>::from_leaves(&raw);
        let root = ours.root(n as u64).unwrap();
        prop_assert_eq!(Some(*root.hash().as_bytes()), theirs.root());

        let index = pick.index(n);
        let proof = build_inclusion_proof(&ours, index as u64, n as u64).unwrap();
        let reference = theirs.proof(&[index]);
        let their_path: Vec<Hash> = reference.proof_hashes().iter().map(|h| Hash::new(*h)).collect();
        prop_assert_eq!(proof.path(), their_path.as_slice());
        verify_inclusion(&hashes[index], &proof, &root).unwrap();
        prop_assert!(reference.verify(*root.hash().as_bytes(), &[index], &[raw[index]], n));
    }

    #[test]
    fn proofs_match_ct_merkle(n in 1usize..1500, seed: u64, a: prop::sample::Index, b: prop::sample::Index) {
        let entries = leaves(n, seed);
        let ours = MemoryNodeReader::from_leaf_hashes(&leaf_hashes(&entries));
        let mut theirs = ct_merkle::mem_backed_tree::MemoryBackedTree::<sha2_digest011::Sha256, Vec<u8>>::new();
        for entry in &entries {
            theirs.push(entry.clone());
        }
        let root = ours.root(n as u64).unwrap();
        let their_root = theirs.root();
        prop_assert_eq!(root.hash().as_bytes().as_slice(), their_root.as_bytes().as_slice());

        let index = a.index(n);
        let ours_incl = build_inclusion_proof(&ours, index as u64, n as u64).unwrap();
        let flat: Vec<u8> = ours_incl.path().iter().flat_map(|h| *h.as_bytes()).collect();
        let their_proof = theirs.prove_inclusion(index);
        prop_assert_eq!(flat.as_slice(), their_proof.as_bytes());

        // Old size in [1, n]; ct-merkle proves from len - additions.
        let old = b.index(n) + 1;
        let ours_cons = build_consistency_proof(&ours, old as u64, n as u64).unwrap();
        let flat: Vec<u8> = ours_cons.path().iter().flat_map(|h| *h.as_bytes()).collect();
        if old < n {
            let their_proof = theirs.prove_consistency(n - old);
            prop_assert_eq!(flat.as_slice(), their_proof.as_bytes());
        }
        verify_consistency(&ours.root(old as u64).unwrap(), &root, &ours_cons).unwrap();
    }

    #[test]
    fn random_consistency_tampering_is_rejected(n in 2u64..3000, a: prop::sample::Index, which: prop::sample::Index, bit in 0u8..=255) {
        let hashes = leaf_hashes(&leaves(n as usize, n));
        let tree = MemoryNodeReader::from_leaf_hashes(&hashes);
        let m = a.index(n as usize - 1) as u64 + 1;
        let proof = build_consistency_proof(&tree, m, n).unwrap();
        let (old, new) = (tree.root(m).unwrap(), tree.root(n).unwrap());
        verify_consistency(&old, &new, &proof).unwrap();
        if !proof.path().is_empty() {
            let mut path = proof.path().to_vec();
            let k = which.index(path.len());
            path[k] = flip(path[k], bit);
            let bad = ConsistencyProof::new(m, n, path).unwrap();
            prop_assert!(verify_consistency(&old, &new, &bad).is_err());
        }
    }
}

/// Flips bit `bit` (0..256) of a hash.
fn flip(hash: Hash, bit: u8) -> Hash {
    let mut bytes = *hash.as_bytes();
    bytes[usize::from(bit / 8)] ^= 1 << (bit % 8);
    Hash::new(bytes)
}

/// Every consistency proof for 1 <= m <= n <= 200 verifies, and every
/// single-bit flip (one bit per hash position, varying with m and n) of a
/// proof hash or of either root, every truncation and every extension is
/// rejected.
#[test]
fn every_consistency_proof_up_to_200_verifies_and_resists_tampering() {
    const N: u64 = 200;
    let hashes = leaf_hashes(&leaves(N as usize, 7));
    let tree = MemoryNodeReader::from_leaf_hashes(&hashes);
    let roots: Vec<RootHash> = (0..=N).map(|s| tree.root(s).unwrap()).collect();
    let mut checked = 0u64;
    for n in 1..=N {
        for m in 1..=n {
            let (old, new) = (&roots[m as usize], &roots[n as usize]);
            let proof = build_consistency_proof(&tree, m, n).unwrap();
            verify_consistency(old, new, &proof).unwrap();
            let path = proof.path().to_vec();
            let reject = |path: Vec<Hash>, old: &RootHash, new: &RootHash| {
                let bad = ConsistencyProof::new(m, n, path).unwrap();
                assert!(verify_consistency(old, new, &bad).is_err(), "{m} -> {n}");
            };
            for k in 0..path.len() {
                let mut bad = path.clone();
                bad[k] = flip(bad[k], ((k as u64 * 37 + m * 11 + n) % 256) as u8);
                reject(bad, old, new);
                checked += 1;
            }
            if !path.is_empty() {
                reject(path[..path.len() - 1].to_vec(), old, new);
                reject(path[1..].to_vec(), old, new);
            }
            let mut longer = path.clone();
            longer.push(*new.hash());
            reject(longer, old, new);
            let mut longer = vec![*old.hash()];
            longer.extend_from_slice(&path);
            reject(longer, old, new);
            let bit = ((m * 7 + n * 3) % 256) as u8;
            // Flipping a root: for m = n the path is empty and the roots
            // must be equal, so flipping either one is caught too.
            let bad_old = RootHash::new(m, flip(*old.hash(), bit)).unwrap();
            reject(path.clone(), &bad_old, new);
            let bad_new = RootHash::new(n, flip(*new.hash(), bit)).unwrap();
            reject(path.clone(), old, &bad_new);
            checked += 6;
        }
    }
    assert!(checked > 100_000, "{checked}");
}

/// Every inclusion proof in trees up to 128 leaves verifies; wrong leaf,
/// one flipped bit, truncation, extension and size +/- 1 are rejected.
#[test]
fn every_inclusion_proof_up_to_128_verifies_and_resists_tampering() {
    const N: u64 = 128;
    let hashes = leaf_hashes(&leaves(N as usize + 1, 3));
    let tree = MemoryNodeReader::from_leaf_hashes(&hashes);
    let roots: Vec<RootHash> = (0..=N + 1).map(|s| tree.root(s).unwrap()).collect();
    for n in 1..=N {
        for i in 0..n {
            let proof = build_inclusion_proof(&tree, i, n).unwrap();
            let leaf = hashes[i as usize];
            let root = &roots[n as usize];
            verify_inclusion(&leaf, &proof, root).unwrap();
            let path = proof.path().to_vec();
            let reject = |index: u64, size: u64, path: Vec<Hash>, leaf: Hash| {
                let outcome = InclusionProof::new(index, size, path)
                    .and_then(|p| verify_inclusion(&leaf, &p, &roots[size as usize]));
                assert!(outcome.is_err(), "{index}/{size}");
            };
            reject(i, n, path.clone(), hashes[((i + 1) % (N + 1)) as usize]);
            for k in 0..path.len() {
                let mut bad = path.clone();
                bad[k] = flip(bad[k], ((k as u64 * 5 + i + n) % 256) as u8);
                reject(i, n, bad, leaf);
            }
            if !path.is_empty() {
                reject(i, n, path[..path.len() - 1].to_vec(), leaf);
            }
            let mut longer = path.clone();
            longer.push(*root.hash());
            reject(i, n, longer, leaf);
            reject(i, n + 1, path.clone(), leaf);
            if n > 1 {
                reject(i, n - 1, path.clone(), leaf);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// tlog_tiles (azul): tile paths, tile lists and proofs.
// ---------------------------------------------------------------------------

/// A tlog_tiles hash reader over our in-memory tree, translating Go's
/// stored-hash indexes into our node ids.
struct TlogReader<'a>(&'a MemoryNodeReader);

impl tlog_tiles::HashReader for TlogReader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        let nodes: Vec<NodeId> = indexes
            .iter()
            .map(|i| {
                let (level, n) = tlog_tiles::split_stored_hash_index(*i);
                NodeId::new(level, n).unwrap()
            })
            .collect();
        let hashes = self
            .0
            .read_nodes(&nodes)
            .map_err(|_| tlog_tiles::Error::IndexesNotInTree)?;
        Ok(hashes
            .iter()
            .map(|h| tlog_tiles::Hash(*h.as_bytes()))
            .collect())
    }
}

/// Go/azul paths carry the tile height: `tile/8/L/N`; C2SP paths do not.
fn c2sp_path(tile: &tlog_tiles::Tile) -> String {
    tile.path().replacen("tile/8/", "tile/", 1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn tile_paths_and_lists_match_tlog_tiles(
        level in 0u8..=63,
        index in prop_oneof![0u64..5000, any::<u64>()],
        width in 1u16..=256,
        old in prop_oneof![0u64..100_000, 0u64..(1 << 40)],
        grow in prop_oneof![0u64..3000, 0u64..(1 << 24)],
    ) {
        let ours = TileId::new(level, index, width).unwrap();
        let theirs = tlog_tiles::Tile::new(8, level, index, u32::from(width), false);
        prop_assert_eq!(ours.path(), c2sp_path(&theirs));
        prop_assert_eq!(TilePath::parse(&c2sp_path(&theirs)), Ok(TilePath::Hashes(ours)));
        let parsed = tlog_tiles::Tile::from_path(&ours.path().replacen("tile/", "tile/8/", 1)).unwrap();
        prop_assert_eq!(parsed, theirs);

        let new = old + grow;
        let ours: Vec<String> = new_tiles(old, new).unwrap().iter().map(TileId::path).collect();
        let theirs: Vec<String> = tlog_tiles::Tile::new_tiles(8, old, new).iter().map(c2sp_path).collect();
        prop_assert_eq!(ours, theirs);
    }

    #[test]
    fn proofs_agree_with_tlog_tiles(n in 1u64..3000, a: prop::sample::Index, b: prop::sample::Index) {
        let hashes = leaf_hashes(&leaves(n as usize, n ^ 0x5eed));
        let tree = MemoryNodeReader::from_leaf_hashes(&hashes);
        let reader = TlogReader(&tree);
        let root = tree.root(n).unwrap();
        let th = tlog_tiles::tree_hash(n, &reader).unwrap();
        prop_assert_eq!(&th.0, root.hash().as_bytes());

        let index = a.index(n as usize) as u64;
        let ours = build_inclusion_proof(&tree, index, n).unwrap();
        let theirs = tlog_tiles::prove_record(n, index, &reader).unwrap();
        let theirs_path: Vec<Hash> = theirs.iter().map(|h| Hash::new(h.0)).collect();
        prop_assert_eq!(ours.path(), theirs_path.as_slice());
        let ours_as_theirs: Vec<tlog_tiles::Hash> = ours.path().iter().map(|h| tlog_tiles::Hash(*h.as_bytes())).collect();
        prop_assert!(tlog_tiles::check_record(&ours_as_theirs, n, th, index, tlog_tiles::Hash(*hashes[index as usize].as_bytes())).is_ok());

        let old = b.index(n as usize) as u64 + 1;
        let ours = build_consistency_proof(&tree, old, n).unwrap();
        let theirs = tlog_tiles::prove_tree(n, old, &reader).unwrap();
        let theirs_path: Vec<Hash> = theirs.iter().map(|h| Hash::new(h.0)).collect();
        prop_assert_eq!(ours.path(), theirs_path.as_slice());
        let old_root = tree.root(old).unwrap();
        let ours_as_theirs: Vec<tlog_tiles::Hash> = ours.path().iter().map(|h| tlog_tiles::Hash(*h.as_bytes())).collect();
        prop_assert!(tlog_tiles::check_tree(&ours_as_theirs, n, th, old, tlog_tiles::Hash(*old_root.hash().as_bytes())).is_ok());
    }
}

// ---------------------------------------------------------------------------
// The tile builder against a direct computation.
// ---------------------------------------------------------------------------

/// The contents `tile` must have, computed from the full in-memory tree.
fn direct_contents(tree: &MemoryNodeReader, tile: &TileId) -> Vec<u8> {
    let nodes: Vec<NodeId> = (0..u64::from(tile.width()))
        .map(|i| NodeId::new(tile.level() * 8, tile.index() * 256 + i).unwrap())
        .collect();
    tree.read_nodes(&nodes)
        .unwrap()
        .iter()
        .flat_map(|h| *h.as_bytes())
        .collect()
}

fn record(stored: &mut HashMap<(u8, u64), TileContents>, tiles: &[TileContents]) {
    for tile in tiles {
        stored.insert((tile.tile().level(), tile.tile().index()), tile.clone());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn tile_builder_matches_direct_computation_and_resumes_identically(
        batches in prop::collection::vec(prop_oneof![0usize..40, 0usize..700, Just(256usize)], 1..40),
        resume_at: prop::sample::Index,
    ) {
        let total: usize = batches.iter().sum();
        let hashes = leaf_hashes(&leaves(total, total as u64));
        let tree = MemoryNodeReader::from_leaf_hashes(&hashes);
        let mut builder = TileBuilder::new();
        let mut stored: HashMap<(u8, u64), TileContents> = HashMap::new();
        let resume_at = resume_at.index(batches.len());
        let mut resumed: Option<TileBuilder> = None;
        let mut at = 0usize;
        for (b, len) in batches.iter().enumerate() {
            if b == resume_at {
                // Restart as the server would: from the stored partial tiles
                // (served as prefixes of the stored records) and the root.
                let root = builder.root();
                let partial: Vec<(TileId, Vec<u8>)> = sightline_proofs::tile::partial_tiles(root.size())
                    .iter()
                    .map(|id| (*id, stored[&(id.level(), id.index())].data()[..id.data_len()].to_vec()))
                    .collect();
                let borrowed: Vec<(TileId, &[u8])> = partial.iter().map(|(id, d)| (*id, d.as_slice())).collect();
                resumed = Some(TileBuilder::from_tiles(&root, &borrowed).unwrap());
            }
            let batch = &hashes[at..at + len];
            let old = at as u64;
            at += len;
            let appended = builder.append(batch).unwrap();
            prop_assert_eq!(appended.root(), &tree.root(at as u64).unwrap());
            // Exactly the tiles whose contents changed, each with its direct contents.
            let ids: Vec<TileId> = appended.tiles().iter().map(|t| *t.tile()).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            let mut expected = new_tiles(old, at as u64).unwrap();
            expected.sort();
            prop_assert_eq!(sorted, expected);
            for tile in appended.tiles() {
                let direct = direct_contents(&tree, tile.tile());
                prop_assert_eq!(tile.data(), direct.as_slice());
            }
            if let Some(other) = resumed.as_mut() {
                prop_assert_eq!(&other.append(batch).unwrap(), &appended);
            }
            record(&mut stored, appended.tiles());
        }
        prop_assert_eq!(builder.size(), total as u64);
    }
}

#[test]
fn tile_builder_resume_rejects_bad_state() {
    let hashes = leaf_hashes(&leaves(70_000, 1));
    let mut builder = TileBuilder::new();
    builder.append(&hashes).unwrap();
    let root = builder.root();
    let partial = builder.partial_tiles();
    let borrowed: Vec<(TileId, &[u8])> = partial.iter().map(|t| (*t.tile(), t.data())).collect();
    assert!(TileBuilder::from_tiles(&root, &borrowed).is_ok());
    assert_eq!(
        TileBuilder::from_tiles(&root, &borrowed[1..]).err(),
        Some(ProofsError::TileMissingForRoot { level: 2, index: 0 })
    );
    let wrong_root = RootHash::new(70_000, leaf_hash(b"x")).unwrap();
    assert_eq!(
        TileBuilder::from_tiles(&wrong_root, &borrowed).err(),
        Some(ProofsError::TileBuilderRootMismatch)
    );
    let mut tampered: Vec<(TileId, Vec<u8>)> = partial
        .iter()
        .map(|t| (*t.tile(), t.data().to_vec()))
        .collect();
    tampered[2].1[5] ^= 1;
    let tampered_refs: Vec<(TileId, &[u8])> =
        tampered.iter().map(|(id, d)| (*id, d.as_slice())).collect();
    assert_eq!(
        TileBuilder::from_tiles(&root, &tampered_refs).err(),
        Some(ProofsError::TileBuilderRootMismatch)
    );
    let full = TileId::at_size(0, 0, 70_000).unwrap();
    let mut extra = borrowed.clone();
    extra.push((full, &[0u8; 8192][..]));
    assert_eq!(
        TileBuilder::from_tiles(&root, &extra).err(),
        Some(ProofsError::TileNotInTree {
            level: 0,
            index: 0,
            size: 70_000
        })
    );
    let mut twice = borrowed.clone();
    twice.push(borrowed[0]);
    assert_eq!(
        TileBuilder::from_tiles(&root, &twice).err(),
        Some(ProofsError::TileDuplicate { level: 2, index: 0 })
    );
    let mut narrow = borrowed.clone();
    narrow[2] = (narrow[2].0.with_width(5).unwrap(), &narrow[2].1[..160]);
    assert_eq!(
        TileBuilder::from_tiles(&root, &narrow).err(),
        Some(ProofsError::TileWidthMismatch {
            level: 0,
            index: 273,
            width: 5,
            expected: 112
        })
    );
}
