//! tlog-tiles entry bundles (c2sp-digest §5.3): the entries of one level-0
//! tile, each prefixed with its length as a big-endian u16.

use alloc::vec::Vec;

use crate::ProofsError;
use crate::tile::TILE_WIDTH;

/// The largest entry a bundle can hold: a u16 length prefix.
pub const MAX_ENTRY_LEN: usize = u16::MAX as usize;

/// Encodes entries as an entry bundle: `(u16 big-endian length || entry)`
/// for each (c2sp-digest §5.3).
///
/// # Errors
/// - [`ProofsError::EntryBundleEmpty`] for no entries (empty bundles are never served);
/// - [`ProofsError::EntryBundleTooManyEntries`] for more than 256 entries;
/// - [`ProofsError::EntryTooLarge`] for an entry over 65,535 bytes.
pub fn encode_entry_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Result<Vec<u8>, ProofsError> {
    if entries.is_empty() {
        return Err(ProofsError::EntryBundleEmpty);
    }
    if entries.len() > usize::from(TILE_WIDTH) {
        return Err(ProofsError::EntryBundleTooManyEntries);
    }
    let total: usize = entries.iter().map(|e| e.as_ref().len() + 2).sum();
    let mut out = Vec::with_capacity(total);
    for entry in entries {
        let entry = entry.as_ref();
        let len =
            u16::try_from(entry.len()).map_err(|_| ProofsError::EntryTooLarge(entry.len()))?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    Ok(out)
}

/// Splits an entry bundle into its entries, borrowing from `bundle`
/// (c2sp-digest §5.3).
///
/// Success does **not** imply the entries are in the log: hash them with
/// [`crate::leaf_hash`] and compare with an authenticated level-0 tile.
/// Callers also compare the entry count with the tile width they asked for.
///
/// # Errors
/// - [`ProofsError::EntryBundleEmpty`] for an empty bundle;
/// - [`ProofsError::EntryBundleDanglingPrefix`] if it ends inside a length prefix;
/// - [`ProofsError::EntryBundleOverrun`] if a length runs past the end;
/// - [`ProofsError::EntryBundleTooManyEntries`] for more than 256 entries.
pub fn parse_entry_bundle(bundle: &[u8]) -> Result<Vec<&[u8]>, ProofsError> {
    if bundle.is_empty() {
        return Err(ProofsError::EntryBundleEmpty);
    }
    let mut entries = Vec::new();
    let mut rest = bundle;
    while !rest.is_empty() {
        if entries.len() == usize::from(TILE_WIDTH) {
            return Err(ProofsError::EntryBundleTooManyEntries);
        }
        let (prefix, after) = rest
            .split_first_chunk::<2>()
            .ok_or(ProofsError::EntryBundleDanglingPrefix)?;
        let declared = usize::from(u16::from_be_bytes(*prefix));
        if declared > after.len() {
            return Err(ProofsError::EntryBundleOverrun {
                declared,
                remaining: after.len(),
            });
        }
        let (entry, next) = after.split_at(declared);
        entries.push(entry);
        rest = next;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn round_trip_and_rejections() {
        let entries: [&[u8]; 3] = [b"", b"a", b"bc"];
        let bundle = encode_entry_bundle(&entries).unwrap();
        assert_eq!(bundle, [0, 0, 0, 1, b'a', 0, 2, b'b', b'c']);
        assert_eq!(parse_entry_bundle(&bundle).unwrap(), entries);
        assert_eq!(
            parse_entry_bundle(&bundle[..bundle.len() - 1]),
            Err(ProofsError::EntryBundleOverrun {
                declared: 2,
                remaining: 1
            })
        );
        assert_eq!(
            parse_entry_bundle(&[0, 0, 0]),
            Err(ProofsError::EntryBundleDanglingPrefix)
        );
        assert_eq!(parse_entry_bundle(&[]), Err(ProofsError::EntryBundleEmpty));
        let many = vec![0u8; 2 * 257];
        assert_eq!(
            parse_entry_bundle(&many),
            Err(ProofsError::EntryBundleTooManyEntries)
        );
        assert_eq!(parse_entry_bundle(&many[..512]).unwrap().len(), 256);
        let big = vec![0u8; 65_536];
        assert_eq!(
            encode_entry_bundle(&[big.as_slice()]),
            Err(ProofsError::EntryTooLarge(65_536))
        );
        let max = vec![7u8; 65_535];
        let one = encode_entry_bundle(&[max.as_slice()]).unwrap();
        assert_eq!(parse_entry_bundle(&one).unwrap(), [max.as_slice()]);
        assert_eq!(
            encode_entry_bundle(&[b"x"; 257]),
            Err(ProofsError::EntryBundleTooManyEntries)
        );
        assert_eq!(
            encode_entry_bundle::<&[u8]>(&[]),
            Err(ProofsError::EntryBundleEmpty)
        );
    }
}
