//! Interning: one parallel pass in document order gives each finding its
//! account, its resource, role and VPC group and its packed attributes;
//! [`Ids`] gives the ids in compact memory for the sort.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use super::NONE;
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
/// of a finding but its id.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Keys<'f> {
    /// Distinct accounts.
    pub accounts: Vec<&'f str>,
    /// Account (index into `accounts`) of each finding.
    pub account: Vec<u32>,
    /// Resource, role and VPC group of each finding (NONE when inactive or
    /// empty), with the number of groups of each kind.
    pub group: [(Vec<u32>, usize); 3],
    /// Packed attributes of each finding.
    pub attr: Vec<Attr>,
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

/// Distinct (account, value) keys of the three group kinds, by number.
type Distinct<'f> = [Vec<(u32, &'f str)>; 3];

/// Findings per interning work item.
const INTERN_CHUNK: usize = 2048;

impl<'f> Keys<'f> {
    /// Interns the keys of consecutive findings (one work item): local
    /// account and group numbers, with the distinct group keys behind them
    /// (by local number).
    fn intern_chunk(findings: &'f [Finding<'_>]) -> (Keys<'f>, Distinct<'f>) {
        let n = findings.len();
        let mut account_of: HashMap<&'f str, u32> = HashMap::new();
        let mut accounts = Vec::new();
        let mut account = Vec::with_capacity(n);
        let mut maps: [HashMap<(u32, &'f str), u32>; 3] =
            std::array::from_fn(|_| HashMap::with_capacity(n / 4));
        let mut group: [Vec<u32>; 3] = std::array::from_fn(|_| vec![NONE; n]);
        let attr: Vec<Attr> = findings.iter().map(Attr::of).collect();
        for (i, f) in findings.iter().enumerate() {
            // The strings lie all over the input, likely out of cache:
            // start loading those of a later finding now.
            if let Some(g) = findings.get(i + PREFETCH_AHEAD) {
                for s in [
                    &g.aws_account_id,
                    &g.resource_id,
                    &g.iam_role_arn,
                    &g.vpc_id,
                ] {
                    prefetch(s.as_ptr());
                }
            }
            let next = accounts.len() as u32;
            let a = *account_of.entry(f.aws_account_id.as_ref()).or_insert(next);
            if a == next {
                accounts.push(f.aws_account_id.as_ref());
            }
            account.push(a);
            if !f.workflow_status.is_active() {
                continue;
            }
            let values = [
                f.resource_id.as_ref(),
                f.iam_role_arn.as_ref(),
                f.vpc_id.as_ref(),
            ];
            for ((map, of), value) in maps.iter_mut().zip(&mut group).zip(values) {
                if !value.is_empty() {
                    let next = map.len() as u32;
                    of[i] = *map.entry((a, value)).or_insert(next);
                }
            }
        }
        // Distinct keys by local number.
        let keys = maps.map(|m| {
            let mut keys = vec![(0, ""); m.len()];
            for (k, g) in m {
                keys[g as usize] = k;
            }
            keys
        });
        let [r, o, v] = group;
        let counts = [keys[0].len(), keys[1].len(), keys[2].len()];
        let local = Keys {
            accounts,
            account,
            group: [(r, counts[0]), (o, counts[1]), (v, counts[2])],
            attr,
        };
        (local, keys)
    }

    /// Interns all findings: work items in parallel (reading the strings
    /// in document order), then their local numbers mapped to global ones.
    pub(crate) fn intern(findings: &'f [Finding<'_>]) -> Self {
        let parts: Vec<(Keys<'f>, Distinct<'f>)> = findings
            .par_chunks(INTERN_CHUNK)
            .map(Keys::intern_chunk)
            .collect();
        let n = findings.len();
        let mut accounts: Vec<&'f str> = Vec::new();
        let mut account_of: HashMap<&'f str, u32> = HashMap::new();
        let mut maps: [HashMap<(u32, &'f str), u32>; 3] = std::array::from_fn(|_| HashMap::new());
        let mut account = Vec::with_capacity(n);
        let mut group: [Vec<u32>; 3] = std::array::from_fn(|_| Vec::with_capacity(n));
        let mut attr = Vec::with_capacity(n);
        for (part, distinct) in parts {
            attr.extend_from_slice(&part.attr);
            let acc: Vec<u32> = part
                .accounts
                .iter()
                .map(|name| {
                    let next = accounts.len() as u32;
                    let a = *account_of.entry(name).or_insert(next);
                    if a == next {
                        accounts.push(name);
                    }
                    a
                })
                .collect();
            account.extend(part.account.iter().map(|&a| acc[a as usize]));
            for k in 0..3 {
                let global: Vec<u32> = distinct[k]
                    .iter()
                    .map(|&(a, value)| {
                        let next = maps[k].len() as u32;
                        *maps[k].entry((acc[a as usize], value)).or_insert(next)
                    })
                    .collect();
                group[k].extend(
                    part.group[k]
                        .0
                        .iter()
                        .map(|&g| if g == NONE { NONE } else { global[g as usize] }),
                );
            }
        }
        let counts = maps.map(|m| m.len());
        let [r, o, v] = group;
        Keys {
            accounts,
            account,
            group: [(r, counts[0]), (o, counts[1]), (v, counts[2])],
            attr,
        }
    }
}

/// [`Keys`] built one finding at a time in document order (the streamed
/// reader, which then drops the findings' strings): the same numbers as
/// [`Keys::intern`] gives (accounts and groups in order of first
/// occurrence). Account names are stored for `'f` (they are in the
/// output); the resource, role and VPC values only for `'g`, while the
/// builder lives.
#[derive(Default)]
pub(crate) struct KeysBuilder<'f, 'g> {
    keys: Keys<'f>,
    account_of: HashMap<&'f str, u32>,
    /// Per account, per group kind: group number of each value.
    groups: Vec<[HashMap<&'g str, u32>; 3]>,
}

impl<'f, 'g> KeysBuilder<'f, 'g> {
    /// A builder for about `n` findings.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let mut b = KeysBuilder::default();
        b.keys.account.reserve_exact(n);
        b.keys.attr.reserve_exact(n);
        for (of, _) in &mut b.keys.group {
            of.reserve_exact(n);
        }
        b
    }

    /// Adds the next finding; `name` and `value` copy an account name and
    /// a group value seen for the first time.
    pub(crate) fn push(
        &mut self,
        f: &Finding<'_>,
        name: impl FnOnce(&str) -> &'f str,
        mut value: impl FnMut(&str) -> &'g str,
    ) {
        let keys = &mut self.keys;
        let a = match self.account_of.get(&*f.aws_account_id) {
            Some(&a) => a,
            None => {
                let stored = name(&f.aws_account_id);
                let a = keys.accounts.len() as u32;
                keys.accounts.push(stored);
                self.account_of.insert(stored, a);
                self.groups.push(Default::default());
                a
            }
        };
        keys.account.push(a);
        keys.attr.push(Attr::of(f));
        let active = f.workflow_status.is_active();
        let values = [&f.resource_id, &f.iam_role_arn, &f.vpc_id];
        let maps = &mut self.groups[a as usize];
        for (((of, count), map), v) in keys.group.iter_mut().zip(maps).zip(values) {
            let g = if !active || v.is_empty() {
                NONE
            } else if let Some(&g) = map.get(&**v) {
                g
            } else {
                let g = *count as u32;
                *count += 1;
                map.insert(value(v), g);
                g
            };
            of.push(g);
        }
    }

    /// The keys; the group values are no longer referenced.
    pub(crate) fn finish(self) -> Keys<'f> {
        self.keys
    }
}

/// The ids of the findings in compact memory, for the sort by id: where
/// the ids of a work item already lie close together (as in aegispath's
/// arena, which stores them one after the other) they are used in place;
/// elsewhere (the ids of a document in memory lie about 2 KB apart) they
/// are copied next to each other, so that the sort's comparisons read a
/// few megabytes rather than the whole input.
pub(super) struct Ids {
    /// The copies, one per work item that needed one.
    copies: Vec<Option<String>>,
}

/// How much wider than their total length the ids of a work item may lie
/// and still be used in place.
const SPREAD_IN_PLACE: usize = 2;

impl Ids {
    /// Copies the ids of the work items whose ids lie far apart.
    pub(super) fn gather(findings: &[Finding<'_>]) -> Ids {
        let copies = findings
            .par_chunks(INTERN_CHUNK)
            .map(|chunk| {
                let total: usize = chunk.iter().map(|f| f.id.len()).sum();
                let lo = chunk.iter().map(|f| f.id.as_ptr() as usize).min();
                let hi = chunk
                    .iter()
                    .map(|f| f.id.as_ptr() as usize + f.id.len())
                    .max();
                let spread = hi.unwrap_or(0) - lo.unwrap_or(0);
                (spread > SPREAD_IN_PLACE * total).then(|| {
                    let mut s = String::with_capacity(total);
                    chunk.iter().for_each(|f| s.push_str(&f.id));
                    s
                })
            })
            .collect();
        Ids { copies }
    }

    /// The id of every finding, in compact memory.
    pub(super) fn each<'s>(&'s self, findings: &'s [Finding<'_>]) -> Vec<&'s str> {
        let mut ids = Vec::with_capacity(findings.len());
        for (chunk, copy) in findings.chunks(INTERN_CHUNK).zip(&self.copies) {
            match copy {
                None => ids.extend(chunk.iter().map(|f| &*f.id)),
                Some(s) => {
                    let mut at = 0;
                    ids.extend(chunk.iter().map(|f| {
                        at += f.id.len();
                        &s[at - f.id.len()..at]
                    }));
                }
            }
        }
        ids
    }
}
