//! The leaf hashes of recently committed entries and their indexes, so that
//! an identical resubmission is answered without a storage read (DESIGN §4:
//! an identical resubmission returns the existing index).
//!
//! Only committed entries are ever added, so a hit is always durable. A
//! miss says nothing: the entry may be older than the window, and storage
//! decides.

use std::collections::{HashMap, VecDeque};

use sightline_proofs::Hash;

/// How many committed leaves are remembered: about two seconds of entries
/// at the target rate, in a few megabytes.
pub const RECENT_LEAVES: usize = 1 << 16;

/// A bounded map from leaf hash to index; the oldest insertion is dropped
/// first. A first-in-first-out window is enough here: resubmissions follow
/// a lost answer within seconds, and keeping a recency order would cost a
/// write on every hit.
#[derive(Debug)]
pub struct RecentLeaves {
    capacity: usize,
    index: HashMap<Hash, u64>,
    order: VecDeque<Hash>,
}

impl RecentLeaves {
    /// An empty window of `capacity` leaves.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            index: HashMap::with_capacity(capacity),
            order: VecDeque::with_capacity(capacity),
        }
    }

    /// The index of a committed entry with this leaf hash, if remembered.
    pub fn get(&self, leaf_hash: &Hash) -> Option<u64> {
        self.index.get(leaf_hash).copied()
    }

    /// Remembers committed entries, dropping the oldest beyond capacity.
    pub fn extend(&mut self, committed: impl IntoIterator<Item = (Hash, u64)>) {
        if self.capacity == 0 {
            return;
        }
        for (hash, index) in committed {
            if self.index.insert(hash, index).is_none() {
                self.order.push_back(hash);
            }
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.index.remove(&old);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: u8) -> Hash {
        sightline_proofs::hash::sha256(&[n])
    }

    #[test]
    fn remembers_up_to_capacity_and_drops_the_oldest() {
        let mut recent = RecentLeaves::new(2);
        recent.extend([(h(1), 10), (h(2), 11)]);
        assert_eq!(recent.get(&h(1)), Some(10));
        recent.extend([(h(3), 12)]);
        assert_eq!(recent.get(&h(1)), None);
        assert_eq!(recent.get(&h(2)), Some(11));
        assert_eq!(recent.get(&h(3)), Some(12));
    }

    #[test]
    fn zero_capacity_remembers_nothing() {
        let mut recent = RecentLeaves::new(0);
        recent.extend([(h(1), 1)]);
        assert_eq!(recent.get(&h(1)), None);
    }
}
