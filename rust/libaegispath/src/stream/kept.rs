//! What aegispath keeps of streamed findings, and the blocks of strings
//! that hold their ids.

use super::Findings;
use std::borrow::Cow;

use crate::compute::keys::{KeysBuilder, LocalKeys};
use crate::types::Finding;

/// Blocks of strings that never reallocate, so a string never moves once
/// written.
#[derive(Default)]
pub(super) struct Blocks(Vec<String>);

const ARENA_BLOCK: usize = 1 << 20;

impl Blocks {
    /// Copies `s` into the last block, or a new one when it is full.
    fn copy(&mut self, s: &str) -> &'static str {
        if s.is_empty() {
            return "";
        }
        let fits = self
            .0
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= s.len());
        if !fits {
            self.0.push(String::with_capacity(ARENA_BLOCK.max(s.len())));
        }
        let block = self.0.last_mut().expect("pushed above");
        let start = block.len();
        block.push_str(s);
        // SAFETY: the block never reallocates (its capacity was checked),
        // so the bytes stay where they are until the blocks are dropped;
        // `Kept` and `Findings` drop what borrows them first and never hand
        // out the 'static lifetime.
        unsafe { &*(&block[start..] as *const str) }
    }
}

/// What is kept of the findings while they are read: the ids (copied one
/// after the other), the account names, and the numbers compute needs
/// (account, resource, role and VPC groups, attributes). The resource,
/// role and VPC values are copied once each, only while reading: the
/// groups are known once read.
pub(super) struct Kept {
    // Declared before the blocks they borrow: dropped first.
    ids: Vec<&'static str>,
    keys: KeysBuilder<&'static str, &'static str>,
    /// Ids and account names.
    strings: Blocks,
    /// Resource, role and VPC values (one arena per kind: the kinds are
    /// merged in parallel).
    values: [Blocks; 3],
}

impl Kept {
    pub(super) fn with_capacity(n: usize) -> Self {
        Kept {
            ids: Vec::with_capacity(n),
            keys: KeysBuilder::with_capacity(n),
            strings: Blocks::default(),
            values: Default::default(),
        }
    }

    /// Copies the id of the next finding.
    pub(super) fn push(&mut self, f: &Finding<'_>) {
        self.ids.push(self.strings.copy(&f.id));
    }

    /// Adds the keys of the findings of a window's scan pieces (pushed
    /// in order), copying the account names and values seen for the first
    /// time.
    pub(super) fn merge(&mut self, pieces: Vec<LocalKeys<Cow<'_, str>>>) {
        let strings = &mut self.strings;
        let values = self
            .values
            .each_mut()
            .map(|b| move |s: Cow<'_, str>| b.copy(&s));
        self.keys.merge(pieces, |s| strings.copy(&s), values);
    }

    /// The findings, once the values are no longer needed (freed here).
    pub(super) fn finish(self) -> Findings {
        let Kept {
            ids,
            keys,
            strings,
            values,
        } = self;
        let keys = keys.finish();
        drop(values);
        Findings {
            ids,
            keys,
            _strings: strings,
        }
    }
}
