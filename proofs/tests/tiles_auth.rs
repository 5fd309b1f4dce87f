//! Negative and edge-case tests of tile authentication (c2sp-digest §5.5):
//! every supplied tile is checked, none slips through.

use std::collections::HashMap;
use std::sync::LazyLock;

use sightline_proofs::tile::partial_tiles;
use sightline_proofs::tile_auth::tiles_to_authenticate;
use sightline_proofs::{
    Hash, NodeId, NodeReader, ProofsError, RootHash, TileBuilder, TileId, VerifiedTiles, leaf_hash,
};

/// A log: its root and its tile records by (level, index).
type Log = (RootHash, HashMap<(u8, u64), Vec<u8>>);

/// A log of `size` leaves: its root and every tile record, latest wins.
fn log(size: u32) -> Log {
    let hashes: Vec<Hash> = (0..size).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let mut builder = TileBuilder::new();
    let appended = builder.append(&hashes).unwrap();
    let stored = appended
        .tiles()
        .iter()
        .map(|t| ((t.tile().level(), t.tile().index()), t.data().to_vec()))
        .collect();
    (*appended.root(), stored)
}

/// The 70,000-leaf log, built once for all tests.
static BIG: LazyLock<Log> = LazyLock::new(|| log(70_000));

fn big() -> Log {
    BIG.clone()
}

fn fetch(stored: &HashMap<(u8, u64), Vec<u8>>, ids: &[TileId]) -> Vec<(TileId, Vec<u8>)> {
    ids.iter()
        .map(|id| {
            (
                *id,
                stored[&(id.level(), id.index())][..id.data_len()].to_vec(),
            )
        })
        .collect()
}

fn borrow(tiles: &[(TileId, Vec<u8>)]) -> Vec<(TileId, &[u8])> {
    tiles.iter().map(|(id, d)| (*id, d.as_slice())).collect()
}

fn tile(level: u8, index: u64, size: u64) -> TileId {
    TileId::at_size(level, index, size).unwrap()
}

const SIZE: u64 = 70_000;

#[test]
fn every_partial_tile_is_required() {
    let (root, stored) = big();
    let edge = partial_tiles(SIZE);
    for skip in 0..edge.len() {
        let mut ids = edge.clone();
        let missing = ids.remove(skip);
        let fetched = fetch(&stored, &ids);
        assert_eq!(
            VerifiedTiles::new(&root, &borrow(&fetched)).err(),
            Some(ProofsError::TileMissingForRoot {
                level: missing.level(),
                index: missing.index()
            })
        );
    }
}

#[test]
fn any_flipped_bit_in_any_tile_is_caught() {
    let (root, stored) = big();
    // The edge tiles, plus a full chain down to leaf tile 5: (1, 0), (0, 5).
    let nodes = [NodeId::leaf(5 * 256 + 3).unwrap()];
    let plan = tiles_to_authenticate(SIZE, &nodes).unwrap();
    assert_eq!(plan.len(), 5);
    let good = fetch(&stored, &plan);
    assert!(VerifiedTiles::new(&root, &borrow(&good)).is_ok());
    for (which, (id, _)) in good.iter().enumerate() {
        for byte in [0, id.data_len() / 2, id.data_len() - 1] {
            let mut bad = good.clone();
            bad[which].1[byte] ^= 0x80;
            let error = VerifiedTiles::new(&root, &borrow(&bad)).unwrap_err();
            let expected = if id.is_full() {
                ProofsError::TileHashMismatch {
                    level: id.level(),
                    index: id.index(),
                }
            } else {
                ProofsError::TileRootMismatch
            };
            assert_eq!(error, expected, "tile {} byte {byte}", id.path());
        }
    }
}

/// Go's TileHashReader checks non-root tiles starting from a position that
/// counts root subtrees, not root tiles. At size 70,000 the six root
/// subtrees live in three tiles, so a tile in positions 3..6 of its fetch
/// list would go unchecked there. Here a tampered tile in that position is
/// still caught.
#[test]
fn tiles_after_shared_root_tiles_are_still_checked() {
    let (root, stored) = big();
    let mut ids = partial_tiles(SIZE);
    ids.extend([tile(1, 0, SIZE), tile(0, 0, SIZE), tile(0, 1, SIZE)]);
    let mut fetched = fetch(&stored, &ids);
    assert!(VerifiedTiles::new(&root, &borrow(&fetched)).is_ok());
    fetched[4].1[0] ^= 1; // tile/0/000, the fifth tile fetched
    assert_eq!(
        VerifiedTiles::new(&root, &borrow(&fetched)).err(),
        Some(ProofsError::TileHashMismatch { level: 0, index: 0 })
    );
}

#[test]
fn full_tiles_need_their_parents() {
    let (root, stored) = big();
    let mut ids = partial_tiles(SIZE);
    ids.push(tile(0, 0, SIZE)); // parent (1, 0) not supplied
    let fetched = fetch(&stored, &ids);
    assert_eq!(
        VerifiedTiles::new(&root, &borrow(&fetched)).err(),
        Some(ProofsError::TileParentMissing { level: 0, index: 0 })
    );
}

#[test]
fn shape_errors() {
    let (root, stored) = big();
    let edge = partial_tiles(SIZE);
    let mut fetched = fetch(&stored, &edge);
    // Wrong width: the level-0 partial tile claimed one hash shorter.
    let short = edge[2].with_width(edge[2].width() - 1).unwrap();
    let mut wrong_width = fetched.clone();
    wrong_width[2] = (short, fetched[2].1[..short.data_len()].to_vec());
    assert_eq!(
        VerifiedTiles::new(&root, &borrow(&wrong_width)).err(),
        Some(ProofsError::TileWidthMismatch {
            level: 0,
            index: 273,
            width: 111,
            expected: 112
        })
    );
    // Trailing bytes beyond the width.
    let mut long = fetched.clone();
    long[0].1.push(0);
    assert_eq!(
        VerifiedTiles::new(&root, &borrow(&long)).err(),
        Some(ProofsError::TileDataLength {
            expected: 32,
            actual: 33
        })
    );
    // A tile beyond the tree.
    let beyond = TileId::new(0, 274, 1).unwrap();
    let mut extra = fetched.clone();
    extra.push((beyond, vec![0; 32]));
    assert_eq!(
        VerifiedTiles::new(&root, &borrow(&extra)).err(),
        Some(ProofsError::TileNotInTree {
            level: 0,
            index: 274,
            size: SIZE
        })
    );
    // The same tile twice.
    fetched.push(fetched[0].clone());
    assert_eq!(
        VerifiedTiles::new(&root, &borrow(&fetched)).err(),
        Some(ProofsError::TileDuplicate { level: 2, index: 0 })
    );
}

#[test]
fn reads_only_from_supplied_tiles_and_extends_all_or_nothing() {
    let (root, stored) = big();
    let edge = fetch(&stored, &partial_tiles(SIZE));
    let mut verified = VerifiedTiles::new(&root, &borrow(&edge)).unwrap();
    let leaf = NodeId::leaf(300).unwrap();
    assert_eq!(
        verified.read_nodes(&[leaf]),
        Err(ProofsError::TileNotSupplied { level: 0, index: 1 })
    );
    // A bad batch leaves the state as it was.
    let mut chain = fetch(&stored, &[tile(1, 0, SIZE), tile(0, 1, SIZE)]);
    chain[1].1[31] ^= 4;
    assert!(verified.extend(&borrow(&chain)).is_err());
    assert_eq!(verified.tiles().count(), 3);
    // A re-sent edge tile must match what was authenticated.
    let mut resent = edge.clone();
    resent[1].1[0] ^= 1;
    assert_eq!(
        verified.extend(&borrow(&resent[1..2])),
        Err(ProofsError::TileHashMismatch { level: 1, index: 1 })
    );
    let chain = fetch(&stored, &[tile(1, 0, SIZE), tile(0, 1, SIZE)]);
    verified.extend(&borrow(&chain)).unwrap();
    assert_eq!(
        verified.read_nodes(&[leaf]).unwrap(),
        [leaf_hash(&300u32.to_be_bytes())]
    );
}

#[test]
fn empty_and_tiny_trees() {
    let empty = RootHash::empty();
    assert_eq!(
        VerifiedTiles::new(&empty, &[]).map(|v| v.tiles().count()),
        Ok(0)
    );
    let (root, stored) = log(1);
    let fetched = fetch(&stored, &partial_tiles(1));
    let verified = VerifiedTiles::new(&root, &borrow(&fetched)).unwrap();
    assert_eq!(
        verified.read_nodes(&[NodeId::leaf(0).unwrap()]).unwrap(),
        [*root.hash()]
    );
    // A full-width root: size 65536 has a single partial tile, tile/2/000.p/1.
    let (root, stored) = log(65_536);
    let ids = partial_tiles(65_536);
    assert_eq!(
        ids.iter().map(TileId::path).collect::<Vec<_>>(),
        ["tile/2/000.p/1"]
    );
    let fetched = fetch(&stored, &ids);
    assert!(VerifiedTiles::new(&root, &borrow(&fetched)).is_ok());
}
