//! Merkle benchmarks: proof verification at n = 10^6, and tree building
//! throughput of the tile builder next to rs_merkle and ct-merkle on the
//! same leaves, in one run.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use sightline_proofs::{
    Hash, MemoryNodeReader, TileBuilder, build_consistency_proof, build_inclusion_proof, leaf_hash,
    node_hash, verify_consistency, verify_inclusion,
};

/// rs_merkle with RFC 6962 node hashing (leaves are given pre-hashed).
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

fn entries(n: u32) -> Vec<[u8; 4]> {
    (0..n).map(u32::to_be_bytes).collect()
}

fn verification(c: &mut Criterion) {
    const N: u64 = 1_000_000;
    let hashes: Vec<Hash> = entries(N as u32).iter().map(|e| leaf_hash(e)).collect();
    let tree = MemoryNodeReader::from_leaf_hashes(&hashes);
    let root = tree.root(N).unwrap();
    let index = 765_432;
    let inclusion = build_inclusion_proof(&tree, index, N).unwrap();
    let old_size = 654_321;
    let old_root = tree.root(old_size).unwrap();
    let consistency = build_consistency_proof(&tree, old_size, N).unwrap();

    let mut group = c.benchmark_group("verify_n_1e6");
    group.bench_function("inclusion", |b| {
        b.iter(|| verify_inclusion(black_box(&hashes[index as usize]), &inclusion, &root));
    });
    group.bench_function("consistency", |b| {
        b.iter(|| verify_consistency(black_box(&old_root), &root, &consistency));
    });
    group.finish();
}

fn building(c: &mut Criterion) {
    const N: u32 = 1 << 16;
    const BATCH: usize = 1024;
    let raw = entries(N);
    let hashes: Vec<Hash> = raw.iter().map(|e| leaf_hash(e)).collect();
    let raw_hashes: Vec<[u8; 32]> = hashes.iter().map(|h| *h.as_bytes()).collect();

    let mut group = c.benchmark_group("build_2e16_leaves");
    group.throughput(Throughput::Elements(u64::from(N)));
    group.sample_size(20);
    // Node hashing only: every implementation is handed the leaf hashes.
    group.bench_function(
        BenchmarkId::new("tile_builder", "leaf hashes, batches of 1024"),
        |b| {
            b.iter(|| {
                let mut builder = TileBuilder::new();
                for batch in hashes.chunks(BATCH) {
                    black_box(builder.append(batch).unwrap());
                }
                builder.root()
            });
        },
    );
    group.bench_function(
        BenchmarkId::new("rs_merkle", "leaf hashes, from_leaves"),
        |b| {
            b.iter(|| rs_merkle::MerkleTree::<Rfc6962>::from_leaves(black_box(&raw_hashes)).root());
        },
    );
    // ct-merkle hashes the entries itself, so compare with the builder
    // doing the same (leaf hashing + node hashing).
    group.bench_function(
        BenchmarkId::new("tile_builder", "entries, batches of 1024"),
        |b| {
            b.iter(|| {
                let mut builder = TileBuilder::new();
                for batch in raw.chunks(BATCH) {
                    let leaves: Vec<Hash> = batch.iter().map(|e| leaf_hash(e)).collect();
                    black_box(builder.append(&leaves).unwrap());
                }
                builder.root()
            });
        },
    );
    group.bench_function(BenchmarkId::new("ct_merkle", "entries, push"), |b| {
        b.iter(|| {
            let mut tree = ct_merkle::mem_backed_tree::MemoryBackedTree::<
                sha2_digest011::Sha256,
                [u8; 4],
            >::new();
            for entry in &raw {
                tree.push(*entry);
            }
            tree.root()
        });
    });
    group.finish();
}

// The macro defines an undocumented `pub fn benches`.
#[allow(missing_docs)]
mod group {
    criterion::criterion_group!(benches, super::verification, super::building);
}
use group::benches;

criterion_main!(benches);
