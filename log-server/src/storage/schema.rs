//! The on-disk layout: column families, key encodings and the format
//! version. Integers in keys are big-endian so that byte order is numeric
//! order and prefix scans return ascending indexes.

use sightline_proofs::Hash;

use super::{SearchTerm, TileKey};

/// The storage format this binary reads and writes. Bump it on any change
/// to the layout below that an older binary would misread; a mismatch at
/// open is refused. [`META_COSIGNED_SIZE`] and [`META_COSIGNED`] were added
/// without a bump: they are new keys that older binaries never read.
pub const FORMAT_VERSION: u32 = 1;

/// `meta`: the format version, the tree size and the signed checkpoint.
pub const CF_META: &str = "meta";
/// `entries`: index (u64 BE) -> entry bytes.
pub const CF_ENTRIES: &str = "entries";
/// `tiles`: level (u8) || index (u64 BE) -> the tile's full current contents.
pub const CF_TILES: &str = "tiles";
/// `leaves`: leaf hash (32 bytes) -> index (u64 BE), for deduplication.
pub const CF_LEAVES: &str = "leaves";
/// `search`: term tag || term || 0x00 || index (u64 BE) -> empty.
pub const CF_SEARCH: &str = "search";

/// Every column family, for opening.
pub const COLUMN_FAMILIES: [&str; 5] = [CF_META, CF_ENTRIES, CF_TILES, CF_LEAVES, CF_SEARCH];

/// `meta` key of the format version (u32 BE).
pub const META_FORMAT: &[u8] = b"format_version";
/// `meta` key of the tree size (u64 BE); written in the same batch as the
/// checkpoint, so the two always agree.
pub const META_SIZE: &[u8] = b"tree_size";
/// `meta` key of the signed checkpoint note.
pub const META_CHECKPOINT: &[u8] = b"checkpoint";
/// `meta` key of the newest quorum-cosigned checkpoint's size (u64 BE);
/// written in the same batch as [`META_COSIGNED`].
pub const META_COSIGNED_SIZE: &[u8] = b"cosigned_size";
/// `meta` key of the newest quorum-cosigned checkpoint note (the log's
/// signature and the witnesses' cosignatures).
pub const META_COSIGNED: &[u8] = b"cosigned_checkpoint";

/// Encodes an entry index.
pub fn entry_key(index: u64) -> [u8; 8] {
    index.to_be_bytes()
}

/// Encodes a tile's key.
pub fn tile_key(key: TileKey) -> [u8; 9] {
    let mut out = [0u8; 9];
    out[0] = key.level;
    out[1..].copy_from_slice(&key.index.to_be_bytes());
    out
}

/// Encodes a leaf hash key.
pub fn leaf_key(hash: &Hash) -> [u8; 32] {
    *hash.as_bytes()
}

/// Encodes a u64 value (sizes, indexes).
pub fn encode_u64(value: u64) -> [u8; 8] {
    value.to_be_bytes()
}

/// Decodes a u64 value; `None` unless exactly 8 bytes.
pub fn decode_u64(bytes: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(bytes).ok().map(u64::from_be_bytes)
}

/// Decodes a u32 value; `None` unless exactly 4 bytes.
pub fn decode_u32(bytes: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(bytes).ok().map(u32::from_be_bytes)
}

/// The prefix every row of `term` starts with. Terms cannot contain 0x00
/// (verifier keys and owner tokens are printable ASCII), so the separator
/// keeps one term from being a prefix of another.
pub fn search_prefix(term: &SearchTerm) -> Vec<u8> {
    let (tag, body): (u8, &[u8]) = match term {
        SearchTerm::Artifact(hash) => (b'a', hash.as_bytes()),
        SearchTerm::Key(vkey) => (b'k', vkey.as_bytes()),
        SearchTerm::Owner(owner) => (b'o', owner.as_bytes()),
    };
    let mut out = Vec::with_capacity(body.len() + 2 + 8);
    out.push(tag);
    out.extend_from_slice(body);
    out.push(0);
    out
}

/// The full key of one search row.
pub fn search_key(term: &SearchTerm, index: u64) -> Vec<u8> {
    let mut out = search_prefix(term);
    out.extend_from_slice(&index.to_be_bytes());
    out
}

/// The index at the end of a search row key with `prefix_len` bytes of prefix.
pub fn search_index(key: &[u8], prefix_len: usize) -> Option<u64> {
    key.get(prefix_len..).and_then(decode_u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_numerically() {
        assert!(entry_key(255) < entry_key(256));
        let a = tile_key(TileKey { level: 0, index: 1 });
        let b = tile_key(TileKey {
            level: 0,
            index: 256,
        });
        assert!(a < b);
        let term = SearchTerm::Owner("alice".into());
        assert!(search_key(&term, 9) < search_key(&term, 10));
        let key = search_key(&term, 77);
        assert_eq!(search_index(&key, search_prefix(&term).len()), Some(77));
    }

    #[test]
    fn one_term_is_never_a_prefix_of_another() {
        let short = search_prefix(&SearchTerm::Owner("al".into()));
        let long = search_key(&SearchTerm::Owner("alice".into()), 0);
        assert!(!long.starts_with(&short));
    }
}
