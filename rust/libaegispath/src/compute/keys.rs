//! Interning: each finding's account, its resource, role and VPC group and
//! its packed attributes, numbered locally per run of findings (by each
//! scan piece as it reads them, see [`crate::document::Gather`], or by
//! [`Keys::intern`] for findings already read), then globally in document
//! order; [`Ids`] gives the ids in compact memory for the sort.

use std::borrow::{Borrow, Cow};
use std::hash::Hash;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use super::NONE;
use super::numbering::{Numbering, hash_value};
use crate::document::Gather;
use crate::types::{DataClassification, Finding, NetworkExposure};

/// The engine attributes of a finding that the graph needs, packed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Attr {
    pub epss: u32,
    /// Impact if the finding is a target (CONFIDENTIAL or RESTRICTED), else 0.
    pub impact: u16,
    pub stage: u8,
    pub active: bool,
    pub entry_exposure: bool,
    pub vpc_reachable: bool,
}

impl Attr {
    fn of(f: &Finding<'_>) -> Attr {
        let impact = match f.data_classification {
            DataClassification::Restricted => f.severity_normalized as u16 + 100,
            DataClassification::Confidential => f.severity_normalized as u16 + 50,
            _ => 0,
        };
        Attr {
            epss: f.epss_e5,
            impact,
            stage: f.stage,
            active: f.workflow_status.is_active(),
            entry_exposure: f.network_exposure == NetworkExposure::Internet,
            vpc_reachable: f.network_exposure.vpc_reachable(),
        }
    }
}

/// Interned keys of the findings, indexed by finding: all compute needs
/// of a finding but its id. Accounts are numbered in order of first
/// occurrence, and so are the (account, value) groups of each kind. `N`
/// holds an account name (`&str` for compute).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Keys<N> {
    /// Distinct accounts.
    pub accounts: Vec<N>,
    /// Account (index into `accounts`) of each finding.
    pub account: Vec<u32>,
    /// Resource, role and VPC group of each finding (NONE when inactive or
    /// empty), with the number of groups of each kind.
    pub group: [(Vec<u32>, usize); 3],
    /// Packed attributes of each finding.
    pub attr: Vec<Attr>,
}

impl<N> Default for Keys<N> {
    fn default() -> Self {
        Keys {
            accounts: Vec::new(),
            account: Vec::new(),
            group: Default::default(),
            attr: Vec::new(),
        }
    }
}

/// Findings ahead whose strings are prefetched while interning.
const PREFETCH_AHEAD: usize = 6;

/// Hints the CPU to load the cache line at `p` (no-op off x86_64).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; it never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Findings per interning work item of [`Keys::intern`].
const INTERN_CHUNK: usize = 2048;

/// A string key of the interning maps: `&str`, or `Cow<str>` for the
/// strings of findings being read (an escaped one is owned).
pub(crate) trait Key: Borrow<str> + Hash + Eq + Clone {}

impl<S: Borrow<str> + Hash + Eq + Clone> Key for S {}

/// The keys of consecutive findings (a scan piece's, interned as each
/// finding is read, while its strings are in cache; or a work item's of
/// [`Keys::intern`]), numbered locally: accounts and groups in order of
/// first occurrence among these findings. [`KeysBuilder::merge`] maps the
/// local numbers to global ones.
pub(crate) struct LocalKeys<S> {
    /// Account names to local numbers, and the per-finding keys.
    account_of: HashMap<S, u32>,
    keys: Keys<S>,
    /// The (local account, value) keys of each kind by local number.
    groups: [Numbering<S>; 3],
}

impl<S> Default for LocalKeys<S> {
    fn default() -> Self {
        LocalKeys {
            account_of: HashMap::new(),
            keys: Keys::default(),
            groups: Default::default(),
        }
    }
}

impl<S: Key> LocalKeys<S> {
    /// Makes room for the per-finding keys of `n` more findings (not for
    /// the groups: how many values are distinct is not known).
    fn reserve(&mut self, n: usize) {
        let keys = &mut self.keys;
        keys.account.reserve(n);
        keys.attr.reserve(n);
        for (of, _) in &mut keys.group {
            of.reserve(n);
        }
    }

    /// Adds the next finding, whose strings `key` turns into keys.
    #[inline]
    fn add<'s, 'x: 's>(&mut self, f: &'s Finding<'x>, key: impl Fn(&'s Cow<'x, str>) -> S) {
        let keys = &mut self.keys;
        let a = match self.account_of.get(&*f.aws_account_id) {
            Some(&a) => a,
            None => {
                let a = keys.accounts.len() as u32;
                keys.accounts.push(key(&f.aws_account_id));
                self.account_of.insert(key(&f.aws_account_id), a);
                a
            }
        };
        keys.account.push(a);
        keys.attr.push(Attr::of(f));
        let active = f.workflow_status.is_active();
        let values = [&f.resource_id, &f.iam_role_arn, &f.vpc_id];
        for (((of, count), groups), v) in keys.group.iter_mut().zip(&mut self.groups).zip(values) {
            let g = if !active || v.is_empty() {
                NONE
            } else {
                let h = hash_value(v);
                groups.find(a, h, v).unwrap_or_else(|| {
                    *count += 1;
                    groups.insert(a, h, key(v))
                })
            };
            of.push(g);
        }
    }
}

/// A scan piece interns the findings it reads (their strings borrow the
/// input, or are owned when escaped) and keeps them (the streamed reader
/// copies their ids out).
impl<'a> Gather<Finding<'a>> for LocalKeys<Cow<'a, str>> {
    type Kept = Finding<'a>;

    #[inline]
    fn add(&mut self, f: Finding<'a>) -> Finding<'a> {
        LocalKeys::add(self, &f, Cow::clone);
        f
    }

    fn reserve(&mut self, n: usize) {
        LocalKeys::reserve(self, n);
    }
}

/// What a scan piece of [`crate::validate::decode_keyed`] gathers: the
/// keys of the findings it reads, and a copy of their ids next to each
/// other for the sort by id (made while the ids are in cache; see
/// [`Ids`]). It keeps only the ids, the one string compute needs besides
/// the keys, so the rest of each finding is dropped as soon as it is read
/// (a finding is 136 bytes, an id 24).
#[derive(Default)]
pub(crate) struct KeyedIds<S> {
    pub(crate) keys: LocalKeys<S>,
    /// The ids of the piece's findings, one after the other.
    pub(crate) packed: String,
}

impl<'a> Gather<Finding<'a>> for KeyedIds<Cow<'a, str>> {
    type Kept = Cow<'a, str>;

    #[inline]
    fn add(&mut self, f: Finding<'a>) -> Cow<'a, str> {
        LocalKeys::add(&mut self.keys, &f, Cow::clone);
        self.packed.push_str(&f.id);
        f.id
    }

    /// The packed ids at the length of those so far.
    fn reserve(&mut self, n: usize) {
        self.keys.reserve(n);
        let per_id = self
            .packed
            .len()
            .div_ceil(self.keys.keys.account.len().max(1));
        self.packed.reserve(n * per_id);
    }
}

impl<'f> Keys<&'f str> {
    /// Interns findings already read: work items in parallel (reading the
    /// strings in document order), then merged in order.
    pub(crate) fn intern(findings: &'f [Finding<'_>]) -> Self {
        let parts: Vec<LocalKeys<&'f str>> = findings
            .par_chunks(INTERN_CHUNK)
            .map(|chunk| {
                let mut local = LocalKeys::default();
                for (i, f) in chunk.iter().enumerate() {
                    // The strings lie all over the input, likely out of
                    // cache: start loading those of a later finding now.
                    if let Some(g) = chunk.get(i + PREFETCH_AHEAD) {
                        for s in [
                            &g.aws_account_id,
                            &g.resource_id,
                            &g.iam_role_arn,
                            &g.vpc_id,
                        ] {
                            prefetch(s.as_ptr());
                        }
                    }
                    local.add(f, |s| &**s);
                }
                local
            })
            .collect();
        let mut b = KeysBuilder::with_capacity(findings.len());
        b.merge(parts, |s| s, [|s| s; 3]);
        b.finish()
    }
}

/// [`Keys`] built from the [`LocalKeys`] of consecutive runs of findings
/// in document order: accounts and groups numbered in order of first
/// occurrence in the document. Account names are stored as `N`, which
/// the keys keep; resource, role and VPC values as `V`, only while the
/// builder lives (the streamed reader copies both out of its window).
pub(crate) struct KeysBuilder<N, V> {
    keys: Keys<N>,
    account_of: HashMap<N, u32>,
    /// The (account, value) keys of each kind by group number.
    groups: [Numbering<V>; 3],
}

impl<N: Key, V: Key + Send> KeysBuilder<N, V> {
    /// A builder for about `n` findings.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let mut b = KeysBuilder {
            keys: Keys::default(),
            account_of: HashMap::new(),
            groups: Default::default(),
        };
        b.keys.account.reserve_exact(n);
        b.keys.attr.reserve_exact(n);
        for (of, _) in &mut b.keys.group {
            of.reserve_exact(n);
        }
        b
    }

    /// Adds the findings of `runs` (the next ones in document order, run
    /// after run); `name` and `value[kind]` store an account name and a
    /// group value seen for the first time. The three kinds are merged in
    /// parallel.
    pub(crate) fn merge<S: Key + Send>(
        &mut self,
        runs: Vec<LocalKeys<S>>,
        mut name: impl FnMut(S) -> N,
        value: [impl FnMut(S) -> V + Send; 3],
    ) {
        let mut acc: Vec<Vec<u32>> = Vec::with_capacity(runs.len());
        let mut kinds: [Vec<_>; 3] = Default::default();
        for local in runs {
            let LocalKeys {
                keys: l, groups, ..
            } = local;
            let a = self.accounts(l.accounts, &mut name);
            let keys = &mut self.keys;
            keys.account
                .extend(l.account.iter().map(|&k| a[k as usize]));
            keys.attr.extend_from_slice(&l.attr);
            for ((kind, g), (of, _)) in kinds.iter_mut().zip(groups).zip(l.group) {
                kind.push((g.keys, of));
            }
            acc.push(a);
        }
        let acc = &acc;
        let mut tasks: Vec<_> = (self.keys.group.iter_mut())
            .zip(&mut self.groups)
            .zip(kinds)
            .zip(value)
            .collect();
        tasks
            .par_iter_mut()
            .for_each(|(((group, numbering), runs), value)| {
                numbering.reserve(runs.iter().map(|(d, _)| d.len()).sum());
                for ((distinct, of), acc) in runs.drain(..).zip(acc) {
                    merge_kind(group, numbering, distinct, &of, acc, value);
                }
            });
    }

    /// Global numbers of the local accounts `names`, adding the new ones.
    fn accounts<S: Key>(&mut self, names: Vec<S>, name: &mut impl FnMut(S) -> N) -> Vec<u32> {
        let keys = &mut self.keys;
        names
            .into_iter()
            .map(|n| match self.account_of.get(n.borrow()) {
                Some(&a) => a,
                None => {
                    let stored = name(n);
                    let a = keys.accounts.len() as u32;
                    keys.accounts.push(stored.clone());
                    self.account_of.insert(stored, a);
                    a
                }
            })
            .collect()
    }

    /// The keys; the group values are no longer referenced.
    pub(crate) fn finish(self) -> Keys<N> {
        self.keys
    }
}

/// Merges one run's groups of one kind: `distinct` its keys by local
/// number, `of` the local group of each finding, `acc` the global number
/// of each local account.
fn merge_kind<S: Key, V: Key>(
    (of_global, count): &mut (Vec<u32>, usize),
    groups: &mut Numbering<V>,
    distinct: Vec<(u32, u64, S)>,
    of: &[u32],
    acc: &[u32],
    value: &mut impl FnMut(S) -> V,
) {
    let global: Vec<u32> = distinct
        .into_iter()
        .map(|(a, h, v)| {
            let a = acc[a as usize];
            groups.find(a, h, v.borrow()).unwrap_or_else(|| {
                *count += 1;
                groups.insert(a, h, value(v))
            })
        })
        .collect();
    of_global.extend(
        of.iter()
            .map(|&g| if g == NONE { NONE } else { global[g as usize] }),
    );
}

/// The copies of `ids` in `packed`, which holds them one after the other
/// in the same order, cut in pieces ([`KeyedIds::packed`] of each scan
/// piece).
pub(super) fn unpack<'p>(packed: &'p [String], ids: &[&str]) -> Vec<&'p str> {
    let mut pieces = packed.iter();
    let mut piece = "";
    ids.iter()
        .map(|id| {
            while piece.len() < id.len() {
                piece = pieces.next().expect("packed holds every id");
            }
            let (copy, rest) = piece.split_at(id.len());
            debug_assert_eq!(copy, *id);
            piece = rest;
            copy
        })
        .collect()
}

/// The ids of findings already read ([`super::compute`]) in compact
/// memory, for the sort by id: where the ids of a work item already lie
/// close together they are used in place; elsewhere (the ids of a
/// document in memory lie about 2 KB apart) they are copied next to each
/// other, so that the sort's comparisons read a few megabytes rather than
/// the whole input. (The scan pieces of decode_keyed pack their ids
/// themselves, [`KeyedIds`]; a streamed document's arena keeps them
/// together.)
pub(super) struct Ids {
    /// The copies, one per work item that needed one.
    copies: Vec<Option<String>>,
}

/// How much wider than their total length the ids of a work item may lie
/// and still be used in place.
const SPREAD_IN_PLACE: usize = 2;

impl Ids {
    /// Copies the ids of the work items whose ids lie far apart.
    pub(super) fn gather(ids: &[&str]) -> Ids {
        let copies = ids
            .par_chunks(INTERN_CHUNK)
            .map(|chunk| {
                let total: usize = chunk.iter().map(|id| id.len()).sum();
                let lo = chunk.iter().map(|id| id.as_ptr() as usize).min();
                let hi = chunk.iter().map(|id| id.as_ptr() as usize + id.len()).max();
                let spread = hi.unwrap_or(0) - lo.unwrap_or(0);
                (spread > SPREAD_IN_PLACE * total).then(|| {
                    let mut s = String::with_capacity(total);
                    chunk.iter().for_each(|id| s.push_str(id));
                    s
                })
            })
            .collect();
        Ids { copies }
    }

    /// Every id, in compact memory.
    pub(super) fn each<'s>(&'s self, ids: &[&'s str]) -> Vec<&'s str> {
        let mut out = Vec::with_capacity(ids.len());
        for (chunk, copy) in ids.chunks(INTERN_CHUNK).zip(&self.copies) {
            match copy {
                None => out.extend_from_slice(chunk),
                Some(s) => {
                    let mut at = 0;
                    out.extend(chunk.iter().map(|id| {
                        at += id.len();
                        &s[at - id.len()..at]
                    }));
                }
            }
        }
        out
    }
}
