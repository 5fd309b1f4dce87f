//! Known-answer tests for tlog-tiles: the facts of c2sp-digest §8.5 stored
//! under `testdata/tiles/`, and invalid paths and bundles.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use sightline_proofs::tile::{new_tiles, node_hash_from_tile, partial_tiles};
use sightline_proofs::tile_auth::tiles_to_authenticate;
use sightline_proofs::tile_builder::TileContents;
use sightline_proofs::{
    Hash, MemoryNodeReader, NodeReader, ProofsError, RootHash, TileBuilder, TileId, TilePath,
    VerifiedTiles, build_inclusion_proof, encode_entry_bundle, hash::sha256, leaf_hash,
    parse_entry_bundle, verify_inclusion,
};

fn testdata(area: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(area)
        .join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rows(area: &str, name: &str) -> Vec<Vec<String>> {
    testdata(area, name)
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            line.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

/// `facts.txt` as fact name -> values (the `path` fact repeats, so it is
/// read separately).
fn facts() -> HashMap<String, Vec<String>> {
    rows("tiles", "facts.txt")
        .into_iter()
        .filter(|row| row[0] != "path")
        .map(|row| (row[0].clone(), row[1..].to_vec()))
        .collect()
}

fn variant(error: &ProofsError) -> String {
    format!("{error:?}")
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The leaf bytes of the classic 8-leaf tree.
fn eight_leaves() -> Vec<Vec<u8>> {
    rows("merkle", "leaves.txt")
        .iter()
        .map(|row| {
            if row[1] == "-" {
                Vec::new()
            } else {
                hex::decode(&row[1]).unwrap()
            }
        })
        .collect()
}

/// Stores tiles as a log does: one record per (level, index), latest wins.
fn store(stored: &mut HashMap<(u8, u64), TileContents>, tiles: &[TileContents]) {
    for tile in tiles {
        stored.insert((tile.tile().level(), tile.tile().index()), tile.clone());
    }
}

/// Serves tile `id` from the stored records: a prefix of the record.
fn serve(stored: &HashMap<(u8, u64), TileContents>, id: &TileId) -> Vec<u8> {
    let record = &stored[&(id.level(), id.index())];
    record.data()[..id.data_len()].to_vec()
}

#[test]
fn eight_leaf_tree_bundle_and_tile() {
    let facts = facts();
    let leaves = eight_leaves();
    let bundle = encode_entry_bundle(&leaves).unwrap();
    assert_eq!(hex::encode(&bundle), facts["entries-8-leaf-bundle"][0]);
    assert_eq!(bundle.len(), 50);
    let parsed = parse_entry_bundle(&bundle).unwrap();
    assert_eq!(parsed, leaves.iter().map(Vec::as_slice).collect::<Vec<_>>());

    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
    let mut builder = TileBuilder::new();
    let appended = builder.append(&hashes).unwrap();
    assert_eq!(appended.tiles().len(), 1);
    let tile = &appended.tiles()[0];
    assert_eq!(tile.tile().path(), "tile/0/000.p/8");
    assert_eq!(tile.tile().entries_path().unwrap(), "tile/entries/000.p/8");
    assert_eq!(
        sha256(tile.data()).to_hex(),
        facts["tile-0-000.p-8-sha256"][0]
    );
    // The root matches the §8.2 root of size 8.
    assert_eq!(
        appended.root().hash().to_base64(),
        "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="
    );
}

#[test]
fn seventy_thousand_leaf_layout_and_root() {
    let facts = facts();
    let expected_root = Hash::from_hex(&facts["root-70000"][0]).unwrap();
    let hashes: Vec<Hash> = (0u32..70_000)
        .map(|i| leaf_hash(&i.to_be_bytes()))
        .collect();

    // Directly, from every leaf.
    let memory = MemoryNodeReader::from_leaf_hashes(&hashes);
    assert_eq!(memory.root(70_000).unwrap().hash(), &expected_root);

    // The partial tiles are exactly the three the digest lists.
    let partial: Vec<String> = partial_tiles(70_000).iter().map(TileId::path).collect();
    assert_eq!(partial, facts["partial-tiles-70000"]);

    // Through the tile builder, in uneven batches, storing what it emits.
    let mut builder = TileBuilder::new();
    let mut stored = HashMap::new();
    for chunk in hashes.chunks(999) {
        let appended = builder.append(chunk).unwrap();
        store(&mut stored, appended.tiles());
    }
    assert_eq!(builder.root().hash(), &expected_root);
    // 274 level-0 records, 2 at level 1, 1 at level 2.
    assert_eq!(stored.len(), 274 + 2 + 1);
    let emitted: Vec<TileId> = new_tiles(0, 70_000).unwrap();
    for id in &emitted {
        assert_eq!(stored[&(id.level(), id.index())].tile(), id);
    }

    // Rebuilt from the three stored partial tiles alone, checked against the root.
    let root = RootHash::new(70_000, expected_root).unwrap();
    let partial_data: Vec<(TileId, Vec<u8>)> = partial_tiles(70_000)
        .iter()
        .map(|id| (*id, serve(&stored, id)))
        .collect();
    let borrowed: Vec<(TileId, &[u8])> = partial_data
        .iter()
        .map(|(id, d)| (*id, d.as_slice()))
        .collect();
    let resumed = TileBuilder::from_tiles(&root, &borrowed).unwrap();
    assert_eq!(resumed.root(), root);

    // And authenticated as a client would, then used to prove a leaf.
    let verified = VerifiedTiles::new(&root, &borrowed).unwrap();
    assert_eq!(verified.tiles().count(), 3);
    let index = 69_999;
    let needed_nodes: Vec<_> = sightline_proofs::inclusion_proof_nodes(index, 70_000)
        .unwrap()
        .iter()
        .flat_map(sightline_proofs::Subtree::perfect_nodes)
        .chain([sightline_proofs::NodeId::leaf(index).unwrap()])
        .collect();
    let plan = tiles_to_authenticate(70_000, &needed_nodes).unwrap();
    let fetched: Vec<(TileId, Vec<u8>)> = plan.iter().map(|id| (*id, serve(&stored, id))).collect();
    let fetched: Vec<(TileId, &[u8])> = fetched.iter().map(|(id, d)| (*id, d.as_slice())).collect();
    let verified = VerifiedTiles::new(&root, &fetched).unwrap();
    let proof = build_inclusion_proof(&verified, index, 70_000).unwrap();
    let leaf = verified
        .read_nodes(&[sightline_proofs::NodeId::leaf(index).unwrap()])
        .unwrap()[0];
    assert_eq!(leaf, hashes[index as usize]);
    verify_inclusion(&leaf, &proof, &root).unwrap();
    // A node read straight from tile contents agrees with the full tree.
    let node = sightline_proofs::NodeId::new(12, 16).unwrap();
    let (tile, _) = TileId::containing(node, 70_000).unwrap();
    assert_eq!(
        node_hash_from_tile(&tile, &serve(&stored, &tile), node).unwrap(),
        memory.read_nodes(&[node]).unwrap()[0]
    );
}

#[test]
fn small_tree_tile_lists() {
    let facts = facts();
    let partial: Vec<String> = partial_tiles(256).iter().map(TileId::path).collect();
    assert_eq!(partial, facts["partial-tiles-256"]);
    let new: Vec<String> = new_tiles(0, 256)
        .unwrap()
        .iter()
        .map(TileId::path)
        .collect();
    assert_eq!(new, facts["new-tiles-0-256"]);
}

#[test]
fn index_encodings() {
    for row in rows("tiles", "facts.txt").iter().filter(|r| r[0] == "path") {
        let index: u64 = row[1].parse().unwrap();
        let id = TileId::new(0, index, 256).unwrap();
        assert_eq!(id.path(), row[2]);
        assert_eq!(TilePath::parse(&row[2]), Ok(TilePath::Hashes(id)));
    }
}

#[test]
fn invalid_paths_are_rejected_for_the_stated_reason() {
    let cases = rows("tiles", "paths-invalid.txt");
    assert!(cases.len() >= 20);
    for row in cases {
        let error = TilePath::parse(&row[1]).expect_err(&row[1]);
        assert_eq!(variant(&error), row[0], "{}", row[1]);
    }
}

#[test]
fn invalid_bundles_are_rejected_for_the_stated_reason() {
    let cases = rows("tiles", "bundles-invalid.txt");
    assert!(cases.len() >= 6);
    for row in cases {
        let bytes = if row[1] == "-" {
            Vec::new()
        } else {
            hex::decode(&row[1]).unwrap()
        };
        let error = parse_entry_bundle(&bytes).expect_err(&row[1]);
        assert_eq!(variant(&error), row[0], "{}", row[1]);
    }
    assert_eq!(
        parse_entry_bundle(&[0u8; 514]),
        Err(ProofsError::EntryBundleTooManyEntries)
    );
}
