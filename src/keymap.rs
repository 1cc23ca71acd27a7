//! Hash tables keyed by 64-bit hashes (term, name and line keys). The keys
//! are hashes already, so the table only spreads one with a multiply
//! rather than hashing it again: SipHash, the standard library's default,
//! made weighing the event vectors' terms cost a tenth of the event stage
//! (100k kit corpus).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// A table from 64-bit keys.
pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;
/// A set of 64-bit keys.
pub type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// Spreads a `u64` key over all 64 bits with a folded multiply (the high
/// and low halves of the 128-bit product, as foldhash and ahash do), so
/// that keys alike in their low or high bits (FNV-1a of similar words)
/// still fall in different buckets.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; anything else still hashes well.
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }

    fn write_u64(&mut self, value: u64) {
        let product = u128::from(value ^ self.0) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn keys_differing_in_one_bit_spread_over_both_halves() {
        let build = BuildHasherDefault::<KeyHasher>::default();
        for bit in 0..64 {
            let (a, b) = (build.hash_one(0u64), build.hash_one(1u64 << bit));
            assert!((a ^ b) as u32 != 0 && (a ^ b) >> 57 != 0, "bit {bit}");
        }
    }
}
