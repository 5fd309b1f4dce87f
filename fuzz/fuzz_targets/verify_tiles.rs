//! Fuzzes `VerifiedTiles`: tiles of a real log XORed with the input must
//! be accepted exactly when unchanged, and never cause a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sightline_proofs::tile_auth::tiles_to_authenticate;
use std::collections::HashMap;
use std::sync::OnceLock;

use sightline_proofs::{
    Hash, MemoryNodeReader, NodeId, NodeReader, TileBuilder, TileId, VerifiedTiles, leaf_hash,
};

/// One log of 70,000 leaves, built once: its in-memory tree and its tile
/// records (latest contents per (level, index), as a log stores them).
struct Log {
    tree: MemoryNodeReader,
    stored: HashMap<(u8, u64), Vec<u8>>,
}

const MAX: u64 = 70_000;

fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let leaves: Vec<Hash> = (0..MAX).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut builder = TileBuilder::new();
        let mut stored = HashMap::new();
        for tile in builder.append(&leaves).expect("append").into_tiles() {
            stored.insert((tile.tile().level(), tile.tile().index()), tile.into_data());
        }
        Log {
            tree: MemoryNodeReader::from_leaf_hashes(&leaves),
            stored,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let (Some(&a), Some(&b), Some(&c)) = (data.first(), data.get(1), data.get(2)) else {
        return;
    };
    let log = log();
    let stored = &log.stored;
    // Any size up to 70,000: older tiles are prefixes of the stored records.
    let size = (u64::from(a) << 16 | u64::from(b) << 8 | u64::from(c)) % MAX + 1;
    let root = log.tree.root(size).expect("root");
    let leaves = log.tree.leaf_hashes();
    let leaf = u64::from(data.get(3).copied().unwrap_or(0)) * 251 % size;
    let plan = tiles_to_authenticate(size, &[NodeId::leaf(leaf).expect("leaf")]).expect("plan");
    let mut fetched: Vec<(TileId, Vec<u8>)> = plan
        .iter()
        .map(|id| {
            (
                *id,
                stored[&(id.level(), id.index())][..id.data_len()].to_vec(),
            )
        })
        .collect();
    let mut changed = false;
    let noise = data.get(4..).unwrap_or_default();
    for (i, byte) in noise.iter().enumerate() {
        let total: usize = fetched.iter().map(|(_, d)| d.len()).sum();
        let mut at = (i * 97) % total.max(1);
        for (_, tile) in fetched.iter_mut() {
            if at < tile.len() {
                tile[at] ^= byte;
                changed |= *byte != 0;
                break;
            }
            at -= tile.len();
        }
    }
    // A trailing odd byte truncates the last tile.
    if noise.len() % 2 == 1 {
        if let Some((_, tile)) = fetched.last_mut() {
            tile.pop();
            changed = true;
        }
    }
    let borrowed: Vec<(TileId, &[u8])> =
        fetched.iter().map(|(id, d)| (*id, d.as_slice())).collect();
    match VerifiedTiles::new(&root, &borrowed) {
        Ok(verified) => {
            // XORs may cancel out; what matters is the data is genuine.
            let genuine = fetched
                .iter()
                .all(|(id, d)| stored[&(id.level(), id.index())][..id.data_len()] == d[..]);
            assert!(genuine, "tampered tiles accepted (changed: {changed})");
            let read = verified
                .read_nodes(&[NodeId::leaf(leaf).expect("leaf")])
                .expect("read");
            assert_eq!(read[0], leaves[leaf as usize]);
        }
        Err(_) => assert!(changed),
    }
});
