//! (account, value) keys numbered in order of first insertion, found by a
//! hash of the value taken once, where the value is read (by a scan piece,
//! while it is in cache): merging a piece's keys into the document's then
//! reads a value's bytes only to confirm a match, never to hash it again
//! or to find that it is new.

use std::borrow::Borrow;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use foldhash::fast::RandomState;

/// The hasher of group values: one per process, so that a hash taken by
/// a scan piece serves the merge (seeded at random: input cannot aim at
/// its collisions).
static VALUE_HASHER: LazyLock<RandomState> = LazyLock::new(RandomState::default);

/// The hash of a group value.
#[inline]
pub(crate) fn hash_value(v: &str) -> u64 {
    VALUE_HASHER.hash_one(v)
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type ByHash = std::collections::HashMap<u64, u32, BuildHasherDefault<PassThrough>>;

/// The table key of (account, hash of the value).
#[inline]
fn slot(account: u32, hash: u64) -> u64 {
    hash ^ (account as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// (account, value) keys numbered 0, 1, ... in order of first insertion.
pub(crate) struct Numbering<S> {
    /// Number of the first key inserted with each table key.
    by_hash: ByHash,
    /// The keys by number: account, hash of the value, value.
    pub keys: Vec<(u32, u64, S)>,
    /// Numbers of the keys whose table key an earlier, different key had
    /// (64-bit hashes of a random seed: in practice none).
    collided: Vec<u32>,
}

impl<S> Default for Numbering<S> {
    fn default() -> Self {
        Numbering {
            by_hash: ByHash::default(),
            keys: Vec::new(),
            collided: Vec::new(),
        }
    }
}

impl<S: Borrow<str>> Numbering<S> {
    /// The number of (account, v), whose hash is `hash`.
    #[inline]
    pub(crate) fn find(&self, account: u32, hash: u64, v: &str) -> Option<u32> {
        let is = |g: u32| {
            let (a, h, s) = &self.keys[g as usize];
            *a == account && *h == hash && s.borrow() == v
        };
        let first = *self.by_hash.get(&slot(account, hash))?;
        if is(first) {
            return Some(first);
        }
        self.collided.iter().copied().find(|&g| is(g))
    }

    /// Numbers a key not yet numbered.
    #[inline]
    pub(crate) fn insert(&mut self, account: u32, hash: u64, v: S) -> u32 {
        let g = self.keys.len() as u32;
        self.keys.push((account, hash, v));
        match self.by_hash.entry(slot(account, hash)) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(g);
            }
            std::collections::hash_map::Entry::Occupied(_) => self.collided.push(g),
        }
        g
    }

    /// Room for `n` more keys.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.by_hash.reserve(n);
        self.keys.reserve(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_order_and_survives_equal_hashes() {
        let mut n: Numbering<&str> = Numbering::default();
        assert_eq!(n.insert(0, hash_value("a"), "a"), 0);
        assert_eq!(n.insert(1, hash_value("a"), "a"), 1);
        // Every hash equal: keys are told apart by account and string.
        assert_eq!(n.insert(0, 7, "b"), 2);
        assert_eq!(n.insert(0, 7, "c"), 3);
        assert_eq!(n.insert(1, 7, "b"), 4);
        assert_eq!(n.find(0, hash_value("a"), "a"), Some(0));
        assert_eq!(n.find(1, hash_value("a"), "a"), Some(1));
        assert_eq!(n.find(2, hash_value("a"), "a"), None);
        assert_eq!(
            [n.find(0, 7, "b"), n.find(0, 7, "c"), n.find(1, 7, "b")],
            [Some(2), Some(3), Some(4)]
        );
        assert_eq!(n.find(0, 7, "d"), None);
        assert_eq!(n.keys.len(), 5);
    }
}
