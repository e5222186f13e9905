//! The attack-path computation (SPEC section 3): edges, BFS per entry,
//! scores, ordering and top_k.
//!
//! Layout: one parallel pass in document order interns each finding's
//! account and its (account, resource_id), (account, iam_role_arn) and
//! (account, vpc_id) groups, and copies the ids next to each other (the
//! strings lie all over the input; reading them once, in order, is what
//! costs). Findings are then sorted by (account, id), so the active
//! findings of an account form one contiguous range of node indices and
//! ascending node index is ascending id. Edges come from the groups, merged
//! per node into one CSR adjacency with ascending neighbours. The BFS work
//! items (entries of all accounts, flattened) run on rayon, so one large
//! account does not serialise the run; results are merged per account in a
//! fixed order, so the output does not depend on scheduling.

use std::cmp::Ordering;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::types::{
    AccountPaths, AttackPath, AttackPathsDoc, DataClassification, Finding, NetworkExposure,
    Options, Reason, SCHEMA_ATTACK_PATHS, Totals,
};

const NONE: u32 = u32::MAX;
/// Fewest entries per BFS work item.
const BFS_CHUNK_MIN: usize = 32;

/// Per-node attributes (structure of arrays, indexed by node).
struct Nodes {
    /// Finding index of each node.
    finding: Vec<u32>,
    /// Account index of each node.
    account: Vec<u32>,
    stage: Vec<u8>,
    epss: Vec<u32>,
    /// Head of a VPC_REACH edge allowed (INTERNET or VPC).
    vpc_reachable: Vec<bool>,
    /// Impact when the node is a target, 0 otherwise.
    impact: Vec<u64>,
    /// Resource, role and VPC group of each node (NONE when none).
    groups: Vec<[u32; 3]>,
}

/// Number of stages (ATT&CK tactics).
const STAGES: usize = 14;

/// Nodes grouped by a shared key within an account (resource, role or
/// VPC), each group's edge targets sorted by (stage, node): the targets of
/// group g with stage t (1..=14) are `members[seg[g*14+t-1]..seg[g*14+t]]`,
/// so those with stage >= t are one contiguous suffix.
struct Groups {
    /// Group of each node as an edge source, NONE when its key is empty.
    of: Vec<u32>,
    /// Bucket offsets into `members`, 14 buckets per group, plus the end.
    seg: Vec<u32>,
    /// Edge targets, by (group, stage, node).
    members: Vec<u32>,
}

impl Groups {
    /// Builds the buckets from each node's group (NONE for none), the
    /// group count and which nodes are edge targets of their group (all but
    /// the unreachable ones for VPCs).
    fn build(of: Vec<u32>, groups: usize, stage: &[u8], target: impl Fn(usize) -> bool) -> Groups {
        let bucket = |v: usize| of[v] as usize * STAGES + stage[v] as usize - 1;
        let mut seg = vec![0u32; groups * STAGES + 1];
        let is_target = |v: &usize| of[*v] != NONE && target(*v);
        for v in (0..of.len()).filter(is_target) {
            seg[bucket(v) + 1] += 1;
        }
        for b in 0..groups * STAGES {
            seg[b + 1] += seg[b];
        }
        let mut fill: Vec<u32> = seg[..groups * STAGES].to_vec();
        let mut members = vec![0u32; seg[groups * STAGES] as usize];
        for v in (0..of.len()).filter(is_target) {
            let b = bucket(v);
            members[fill[b] as usize] = v as u32;
            fill[b] += 1;
        }
        Groups { of, seg, members }
    }

    /// Targets of group g with stage in [from, to) (stages 1..=15).
    #[inline]
    fn stages(&self, g: u32, from: u8, to: u8) -> &[u32] {
        let base = g as usize * STAGES;
        &self.members
            [self.seg[base + from as usize - 1] as usize..self.seg[base + to as usize - 1] as usize]
    }
}

/// The engine attributes of a finding that the graph needs, packed.
#[derive(Clone, Copy, Debug)]
struct Attr {
    epss: u32,
    /// Impact if the finding is a target (CONFIDENTIAL or RESTRICTED), else 0.
    impact: u16,
    stage: u8,
    active: bool,
    entry_exposure: bool,
    vpc_reachable: bool,
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

/// Interned keys of the findings, indexed by finding.
struct Keys<'f> {
    /// Distinct accounts.
    accounts: Vec<&'f str>,
    /// Account (index into `accounts`) of each finding.
    account: Vec<u32>,
    /// Resource, role and VPC group of each finding (NONE when inactive or
    /// empty), with the number of groups of each kind.
    group: [(Vec<u32>, usize); 3],
    /// All ids, concatenated, and each finding's span in it: the id sort
    /// then reads compact memory instead of the whole input.
    ids: String,
    id_span: Vec<(u32, u32)>,
    /// Packed attributes of each finding.
    attr: Vec<Attr>,
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
        let mut ids = String::with_capacity(n * 64);
        let mut id_span = Vec::with_capacity(n);
        let attr: Vec<Attr> = findings.iter().map(Attr::of).collect();
        for (i, f) in findings.iter().enumerate() {
            // The strings lie all over the input, likely out of cache:
            // start loading those of a later finding now.
            if let Some(g) = findings.get(i + PREFETCH_AHEAD) {
                for s in [
                    &g.id,
                    &g.aws_account_id,
                    &g.resource_id,
                    &g.iam_role_arn,
                    &g.vpc_id,
                ] {
                    prefetch(s.as_ptr());
                }
                prefetch(g.id.as_ptr().wrapping_add(64));
            }
            id_span.push((ids.len() as u32, (ids.len() + f.id.len()) as u32));
            ids.push_str(&f.id);
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
            ids,
            id_span,
            attr,
        };
        (local, keys)
    }

    /// Interns all findings: work items in parallel (reading the strings
    /// in document order), then their local numbers mapped to global ones.
    fn intern(findings: &'f [Finding<'_>]) -> Self {
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
        let mut ids = String::with_capacity(parts.iter().map(|p| p.0.ids.len()).sum());
        let mut id_span = Vec::with_capacity(n);
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
            let base = ids.len() as u32;
            ids.push_str(&part.ids);
            id_span.extend(part.id_span.iter().map(|&(a, b)| (a + base, b + base)));
        }
        let counts = maps.map(|m| m.len());
        let [r, o, v] = group;
        Keys {
            accounts,
            account,
            group: [(r, counts[0]), (o, counts[1]), (v, counts[2])],
            ids,
            id_span,
            attr,
        }
    }
}

/// Reason of the edge u -> v, which exists: the first group kind the two
/// share.
fn reason(groups: &[Groups; 3], u: u32, v: u32) -> Reason {
    let same = |k: usize| {
        let g = groups[k].of[u as usize];
        g != NONE && g == groups[k].of[v as usize]
    };
    if same(0) {
        Reason::SameResource
    } else if same(1) {
        Reason::SharedRole
    } else {
        Reason::VpcReach
    }
}

/// Out-degree of every node, without enumerating edges: the targets of a
/// are the members of R ∪ S ∪ V with stage >= stage(a), a excluded (R, S, V
/// its resource, role and VPC groups' targets), counted by
/// inclusion-exclusion over the intersections R∩S, R∩V, S∩V, R∩S∩V, which
/// are themselves groups of nodes sharing several keys.
fn out_degrees(nodes: &Nodes, groups: &[Groups; 3]) -> Vec<u64> {
    let n = nodes.stage.len();
    let per_mask: Vec<Vec<i64>> = (1u8..8)
        .into_par_iter()
        .map(|mask| {
            let kinds: Vec<usize> = (0..3).filter(|k| mask & (1 << k) != 0).collect();
            // Combined group of each node for the kinds in mask.
            let mut combo = vec![NONE; n];
            let count = if kinds.len() == 1 {
                combo.copy_from_slice(&groups[kinds[0]].of);
                groups[kinds[0]].seg.len() / STAGES
            } else {
                let mut ids: HashMap<[u32; 3], u32> = HashMap::new();
                for (v, c) in combo.iter_mut().enumerate() {
                    let mut key = [NONE; 3];
                    for &k in &kinds {
                        key[k] = groups[k].of[v];
                    }
                    if kinds.iter().all(|&k| key[k] != NONE) {
                        let next = ids.len() as u32;
                        *c = *ids.entry(key).or_insert(next);
                    }
                }
                ids.len()
            };
            let needs_reach = mask & 0b100 != 0;
            let member = |v: usize| combo[v] != NONE && (!needs_reach || nodes.vpc_reachable[v]);
            // Members of each combined group with stage >= t.
            const W: usize = STAGES + 2;
            let mut at_least = vec![0i64; count * W];
            for v in (0..n).filter(|&v| member(v)) {
                at_least[combo[v] as usize * W + nodes.stage[v] as usize] += 1;
            }
            for h in at_least.chunks_mut(W) {
                for t in (1..=STAGES).rev() {
                    h[t] += h[t + 1];
                }
            }
            let sign = if kinds.len() % 2 == 1 { 1 } else { -1 };
            (0..n)
                .map(|v| match combo[v] {
                    NONE => 0,
                    c => {
                        sign * (at_least[c as usize * W + nodes.stage[v] as usize]
                            - member(v) as i64)
                    }
                })
                .collect()
        })
        .collect();
    (0..n)
        .map(|v| per_mask.iter().map(|d| d[v]).sum::<i64>() as u64)
        .collect()
}

/// A candidate path found by one BFS; `chain` indexes the entry's chain
/// arena (hops + 1 node indices, entry first).
#[derive(Clone, Copy, Debug)]
struct PathRec {
    score: u64,
    hops: u32,
    entry: u32,
    target: u32,
    likelihood: f64,
    chain: u32,
}

/// Score descending, hops ascending, entry id ascending, target id
/// ascending (node index order is id order within an account).
#[inline]
fn rank_order(a: &PathRec, b: &PathRec) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(a.hops.cmp(&b.hops))
        .then(a.entry.cmp(&b.entry))
        .then(a.target.cmp(&b.target))
}

/// Paths of one entry: the candidate count and the kept candidates.
struct EntryPaths {
    candidates: u64,
    paths: Vec<PathRec>,
    chains: Vec<u32>,
}

/// Reusable BFS state, sized to the node and group counts.
struct Scratch {
    generation: u32,
    seen: Vec<u32>,
    parent: Vec<u32>,
    depth: Vec<u8>,
    /// Integer likelihood L of the path from the entry to each node.
    level: Vec<u32>,
    queue: Vec<u32>,
    found: Vec<u32>,
    targets: Vec<u32>,
    /// Per group kind and group: `generation << 4 | drained`, meaning that
    /// in that BFS every target with stage >= drained has been seen (15:
    /// none yet; an older generation: none yet either).
    group_state: [Vec<u32>; 3],
    /// Bitset over nodes for ordering large neighbour batches.
    bits: Vec<u64>,
}

impl Scratch {
    fn new(n: usize, groups: &[Groups; 3]) -> Self {
        Scratch {
            generation: 0,
            seen: vec![0; n],
            parent: vec![NONE; n],
            depth: vec![0; n],
            level: vec![0; n],
            queue: Vec::new(),
            found: Vec::new(),
            targets: Vec::new(),
            group_state: std::array::from_fn(|k| vec![0; groups[k].seg.len() / STAGES]),
            bits: vec![0; n.div_ceil(64)],
        }
    }

    /// Nodes from `t` back to the entry, target first, into `buf`.
    #[inline]
    fn chain_back(&self, t: u32, buf: &mut [u32; 17]) -> usize {
        let mut len = 0;
        let mut v = t;
        while v != NONE {
            buf[len] = v;
            len += 1;
            v = self.parent[v as usize];
        }
        len
    }

    /// Sorts `found` (distinct nodes) ascending: a comparison sort when few,
    /// a pass over a bitset when many (a node of a large VPC finds
    /// thousands at once).
    fn sort_found(&mut self) {
        let found = &mut self.found;
        if found.len() < 64 {
            found.sort_unstable();
            return;
        }
        let (mut lo, mut hi) = (usize::MAX, 0);
        for &v in found.iter() {
            let w = v as usize / 64;
            self.bits[w] |= 1 << (v % 64);
            lo = lo.min(w);
            hi = hi.max(w);
        }
        found.clear();
        for w in lo..=hi {
            let mut b = self.bits[w];
            while b != 0 {
                found.push((w * 64) as u32 + b.trailing_zeros());
                b &= b - 1;
            }
            self.bits[w] = 0;
        }
    }
}

/// One step of the integer likelihood L of SPEC section 3 (u64 floor
/// arithmetic): L at a node from L at its parent (10^6 before the entry).
#[inline]
fn level_step(parent_level: u32, epss: u32) -> u32 {
    // L <= 10^6 throughout (each factor is at most 10^6 / 10^6), so the
    // product fits a u64 and the quotient a u32.
    (parent_level as u64 * (500_000 + 5 * epss as u64) / 1_000_000) as u32
}

/// Float likelihood of a path given entry first: a product of quotients.
#[inline]
fn likelihood(nodes: &Nodes, chain: &[u32]) -> f64 {
    let mut r = 1.0f64;
    for &v in chain {
        r *= (100_000 + nodes.epss[v as usize]) as f64 / 200_000.0;
    }
    r
}

/// BFS from entry `e` over its account; keeps at most `top_k` paths (0 =
/// all) in rank order's best, which is enough for the account's top_k.
///
/// The unvisited neighbours of u are taken from the stage suffixes of its
/// groups. Once a group's suffix from stage s has been taken, all of it is
/// seen, so the group is "drained" down to s for the rest of this BFS and
/// never scanned again from a stage >= s: an entry costs O(reachable set)
/// even in a VPC of thousands. Neighbours found from one node are sorted
/// before they are queued, which is the spec's BFS exactly.
fn paths_from(
    e: u32,
    nodes: &Nodes,
    groups: &[Groups; 3],
    targets_in_account: u64,
    opt: Options,
    s: &mut Scratch,
) -> EntryPaths {
    // Generations fit 28 bits (group_state packs them with a stage).
    if s.generation >= (1 << 28) - 1 {
        s.generation = 0;
        s.seen.fill(0);
        s.group_state.iter_mut().for_each(|v| v.fill(0));
    }
    s.generation += 1;
    let g = s.generation;
    let eu = e as usize;
    s.seen[eu] = g;
    s.parent[eu] = NONE;
    s.depth[eu] = 0;
    s.level[eu] = level_step(1_000_000, nodes.epss[eu]);
    s.queue.clear();
    s.targets.clear();
    s.queue.push(e);
    let mut remaining = targets_in_account - (nodes.impact[eu] > 0) as u64;
    let max_depth = opt.max_depth as u8;
    let mut head = 0;
    'bfs: while head < s.queue.len() && remaining > 0 {
        let u = s.queue[head] as usize;
        head += 1;
        let d = s.depth[u];
        if d >= max_depth {
            break; // FIFO: every node still queued is at least as deep
        }
        let su = nodes.stage[u];
        s.found.clear();
        let node_groups = nodes.groups[u];
        for (k, group) in groups.iter().enumerate() {
            let gid = node_groups[k];
            if gid == NONE {
                continue;
            }
            let state = &mut s.group_state[k][gid as usize];
            let drained = if *state >> 4 == g {
                (*state & 15) as u8
            } else {
                STAGES as u8 + 1
            };
            if su >= drained {
                continue;
            }
            *state = g << 4 | su as u32;
            for &v in group.stages(gid, su, drained) {
                if s.seen[v as usize] != g {
                    s.seen[v as usize] = g;
                    s.found.push(v);
                }
            }
        }
        s.sort_found();
        for i in 0..s.found.len() {
            let v = s.found[i];
            let vu = v as usize;
            s.parent[vu] = u as u32;
            s.depth[vu] = d + 1;
            s.level[vu] = level_step(s.level[u], nodes.epss[vu]);
            s.queue.push(v);
            if nodes.impact[vu] > 0 {
                s.targets.push(v);
                remaining -= 1;
                if remaining == 0 {
                    break 'bfs; // all parents on target chains are fixed
                }
            }
        }
    }

    let mut buf = [0u32; 17];
    let mut paths: Vec<PathRec> = s
        .targets
        .iter()
        .map(|&t| PathRec {
            score: nodes.impact[t as usize] * s.level[t as usize] as u64,
            hops: s.depth[t as usize] as u32,
            entry: e,
            target: t,
            likelihood: 0.0,
            chain: 0,
        })
        .collect();
    let candidates = paths.len() as u64;
    let k = opt.top_k as usize;
    if k > 0 && paths.len() > k {
        paths.select_nth_unstable_by(k - 1, rank_order);
        paths.truncate(k);
    }
    let mut chains = Vec::with_capacity(paths.len() * 4);
    for p in &mut paths {
        let len = s.chain_back(p.target, &mut buf);
        p.chain = chains.len() as u32;
        chains.extend(buf[..len].iter().rev());
        p.likelihood = likelihood(nodes, &chains[p.chain as usize..]);
    }
    EntryPaths {
        candidates,
        paths,
        chains,
    }
}

/// Computes the output document for validated findings.
pub fn compute<'f>(findings: &'f [Finding<'_>], opt: Options) -> AttackPathsDoc<'f> {
    // One pass in document order (the strings are read where they lie, in
    // order): account of each finding, and the resource, role and VPC
    // group of each active one.
    let keys = Keys::intern(findings);

    // Order by (account, id): accounts and nodes become contiguous ranges.
    let mut names: Vec<(&str, u32)> = keys
        .accounts
        .iter()
        .enumerate()
        .map(|(k, n)| (*n, k as u32))
        .collect();
    names.sort_unstable();
    let mut rank = vec![0u32; names.len()];
    for (r, (_, k)) in names.iter().enumerate() {
        rank[*k as usize] = r as u32;
    }
    // The ids were copied next to each other while interning, so the
    // comparisons read compact memory rather than the whole input.
    let id_bytes = |i: u32| {
        let (a, b) = keys.id_span[i as usize];
        &keys.ids.as_bytes()[a as usize..b as usize]
    };
    let mut order: Vec<u32> = (0..findings.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (ra, rb) = (
            rank[keys.account[a as usize] as usize],
            rank[keys.account[b as usize] as usize],
        );
        ra.cmp(&rb).then_with(|| id_bytes(a).cmp(id_bytes(b)))
    });

    struct Account<'f> {
        name: &'f str,
        findings: u64,
        nodes: std::ops::Range<usize>,
        entries: std::ops::Range<usize>,
        targets: u64,
    }
    let mut accounts: Vec<Account<'f>> = Vec::new();
    let mut nodes = Nodes {
        finding: Vec::new(),
        account: Vec::new(),
        stage: Vec::new(),
        epss: Vec::new(),
        vpc_reachable: Vec::new(),
        impact: Vec::new(),
        groups: Vec::new(),
    };
    let mut entries: Vec<u32> = Vec::new();
    let mut current = NONE;
    for &fi in &order {
        let fu = fi as usize;
        if keys.account[fu] != current {
            current = keys.account[fu];
            let n = nodes.finding.len();
            accounts.push(Account {
                name: keys.accounts[current as usize],
                findings: 0,
                nodes: n..n,
                entries: entries.len()..entries.len(),
                targets: 0,
            });
        }
        let acc_index = accounts.len() as u32 - 1;
        let acc = accounts.last_mut().expect("pushed above");
        acc.findings += 1;
        let a = keys.attr[fu];
        if !a.active {
            continue;
        }
        let v = nodes.finding.len() as u32;
        nodes.finding.push(fi);
        nodes.account.push(acc_index);
        nodes.stage.push(a.stage);
        nodes.epss.push(a.epss);
        nodes.vpc_reachable.push(a.vpc_reachable);
        nodes.impact.push(a.impact as u64);
        acc.targets += (a.impact > 0) as u64;
        if a.entry_exposure {
            entries.push(v);
        }
        acc.nodes.end = nodes.finding.len();
        acc.entries.end = entries.len();
    }

    let id = |v: u32| -> &'f str { &findings[nodes.finding[v as usize] as usize].id };
    let mut kind = 0;
    let groups = keys.group.map(|(of, count)| {
        let by_node = nodes.finding.iter().map(|&f| of[f as usize]).collect();
        // VPC groups lead only to INTERNET- or VPC-exposed findings.
        let vpc = kind == 2;
        kind += 1;
        Groups::build(by_node, count, &nodes.stage, |v| {
            !vpc || nodes.vpc_reachable[v]
        })
    });
    nodes.groups = (0..nodes.finding.len())
        .map(|v| [groups[0].of[v], groups[1].of[v], groups[2].of[v]])
        .collect();
    let degree = out_degrees(&nodes, &groups);

    // One scratch per chunk of entries (not per rayon split, which may be
    // far more numerous): its arrays are as long as the node count.
    let chunk = entries
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(BFS_CHUNK_MIN);
    let entry_paths: Vec<EntryPaths> = entries
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            let mut s = Scratch::new(nodes.finding.len(), &groups);
            chunk
                .iter()
                .map(|&e| {
                    let targets = accounts[nodes.account[e as usize] as usize].targets;
                    paths_from(e, &nodes, &groups, targets, opt, &mut s)
                })
                .collect::<Vec<_>>()
        })
        .collect();

    let out: Vec<AccountPaths<'f>> = accounts
        .par_iter()
        .map(|acc| {
            let results = &entry_paths[acc.entries.clone()];
            let candidates: u64 = results.iter().map(|r| r.candidates).sum();
            let mut all: Vec<(PathRec, u32)> = results
                .iter()
                .enumerate()
                .flat_map(|(i, r)| r.paths.iter().map(move |p| (*p, i as u32)))
                .collect();
            all.sort_unstable_by(|a, b| rank_order(&a.0, &b.0));
            if opt.top_k > 0 {
                all.truncate(opt.top_k as usize);
            }
            let paths = all
                .iter()
                .enumerate()
                .map(|(rank, (p, i))| {
                    let chain = &results[*i as usize].chains
                        [p.chain as usize..p.chain as usize + p.hops as usize + 1];
                    AttackPath {
                        rank: rank as u64 + 1,
                        entry_id: id(p.entry),
                        target_id: id(p.target),
                        hops: p.hops,
                        score: p.score,
                        likelihood: p.likelihood,
                        finding_ids: chain.iter().map(|&v| id(v)).collect(),
                        reasons: chain
                            .windows(2)
                            .map(|w| reason(&groups, w[0], w[1]))
                            .collect(),
                    }
                })
                .collect::<Vec<_>>();
            AccountPaths {
                aws_account_id: acc.name,
                findings: acc.findings,
                active: acc.nodes.len() as u64,
                edges: degree[acc.nodes.clone()].iter().sum(),
                entries: acc.entries.len() as u64,
                targets: acc.targets,
                candidate_paths: candidates,
                paths,
            }
        })
        .collect();

    let mut totals = Totals::default();
    for a in &out {
        totals.findings += a.findings;
        totals.active += a.active;
        totals.edges += a.edges;
        totals.entries += a.entries;
        totals.targets += a.targets;
        totals.candidate_paths += a.candidate_paths;
        totals.paths += a.paths.len() as u64;
    }
    AttackPathsDoc {
        schema: SCHEMA_ATTACK_PATHS,
        max_depth: opt.max_depth,
        top_k: opt.top_k,
        totals,
        accounts: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::WorkflowStatus;
    use std::borrow::Cow;

    fn finding(id: &'static str, epss: u32, stage: u8) -> Finding<'static> {
        Finding {
            id: Cow::Borrowed(id),
            aws_account_id: Cow::Borrowed("111111111111"),
            severity_normalized: 50,
            workflow_status: WorkflowStatus::New,
            resource_id: Cow::Borrowed(id),
            vpc_id: Cow::Borrowed(""),
            network_exposure: NetworkExposure::Private,
            iam_role_arn: Cow::Borrowed(""),
            data_classification: DataClassification::None,
            epss_e5: epss,
            stage,
        }
    }

    fn opts(max_depth: i64, top_k: i64) -> Options {
        Options::new(max_depth, top_k).unwrap()
    }

    /// SPEC worked example: a -VPC_REACH-> b -SHARED_ROLE-> c.
    fn worked_example() -> Vec<Finding<'static>> {
        let mut a = finding("a", 97, 3);
        a.network_exposure = NetworkExposure::Internet;
        a.vpc_id = Cow::Borrowed("vpc-1");
        let mut b = finding("b", 36000, 4);
        b.vpc_id = Cow::Borrowed("vpc-1");
        b.network_exposure = NetworkExposure::Vpc;
        b.iam_role_arn = Cow::Borrowed("role");
        let mut c = finding("c", 500, 5);
        c.iam_role_arn = Cow::Borrowed("role");
        c.data_classification = DataClassification::Restricted;
        c.severity_normalized = 92;
        vec![a, b, c]
    }

    #[test]
    fn spec_worked_example() {
        let findings = worked_example();
        let doc = compute(&findings, opts(4, 20));
        let acc = &doc.accounts[0];
        assert_eq!(acc.paths.len(), 1);
        let p = &acc.paths[0];
        assert_eq!(p.score, 32_834_880);
        assert_eq!(p.likelihood, 0.1710157245);
        assert_eq!(p.finding_ids, ["a", "b", "c"]);
        assert_eq!(p.reasons, [Reason::VpcReach, Reason::SharedRole]);
        assert_eq!(
            (acc.edges, acc.entries, acc.targets, acc.candidate_paths),
            (2, 1, 1, 1)
        );
        assert_eq!(doc.totals.paths, 1);
    }

    #[test]
    fn depth_bound_and_stage_order_prune_paths() {
        let findings = worked_example();
        assert_eq!(compute(&findings, opts(1, 20)).totals.candidate_paths, 0);
        let mut late_entry = worked_example();
        late_entry[0].stage = 14; // stage(a) > stage(b): no a -> b edge
        let doc = compute(&late_entry, opts(4, 20));
        assert_eq!(doc.totals.edges, 2); // b -> c (role), b -> a (VPC, a is INTERNET)
        assert_eq!(doc.totals.paths, 0);
    }

    #[test]
    fn reason_precedence_and_inactive_findings() {
        let mut a = finding("a", 0, 1);
        a.network_exposure = NetworkExposure::Internet;
        a.iam_role_arn = Cow::Borrowed("r");
        a.vpc_id = Cow::Borrowed("v");
        let mut b = finding("b", 0, 1);
        b.resource_id = Cow::Borrowed("a");
        b.iam_role_arn = Cow::Borrowed("r");
        b.vpc_id = Cow::Borrowed("v");
        b.network_exposure = NetworkExposure::Vpc;
        b.data_classification = DataClassification::Confidential;
        let mut gone = finding("c", 0, 1);
        gone.workflow_status = WorkflowStatus::Resolved;
        gone.resource_id = Cow::Borrowed("a");
        let findings = vec![b, gone, a];
        let doc = compute(&findings, opts(4, 0));
        let acc = &doc.accounts[0];
        assert_eq!((acc.findings, acc.active, acc.edges), (3, 2, 2));
        assert_eq!(acc.paths[0].reasons, [Reason::SameResource]);
        assert_eq!(acc.paths[0].score, 100 * 250_000);
    }

    #[test]
    fn top_k_keeps_best_paths_per_account_and_counts_candidates() {
        // One entry reaching 5 targets over a shared VPC, different severities.
        let mut f = vec![];
        let mut e = finding("e", 0, 1);
        e.network_exposure = NetworkExposure::Internet;
        e.vpc_id = Cow::Borrowed("v");
        f.push(e);
        for (i, id) in ["t1", "t2", "t3", "t4", "t5"].into_iter().enumerate() {
            let mut t = finding(id, 0, 2);
            t.vpc_id = Cow::Borrowed("v");
            t.network_exposure = NetworkExposure::Vpc;
            t.data_classification = DataClassification::Confidential;
            t.severity_normalized = [10, 90, 10, 50, 90][i];
            f.push(t);
        }
        let doc = compute(&f, opts(4, 3));
        let acc = &doc.accounts[0];
        assert_eq!(acc.candidate_paths, 5);
        let got: Vec<_> = acc.paths.iter().map(|p| (p.rank, p.target_id)).collect();
        assert_eq!(got, [(1, "t2"), (2, "t5"), (3, "t4")]);
    }

    /// The spec read literally: O(k^2) pairing per account, BFS over
    /// neighbours in ascending id order, paths sorted by the rank order.
    /// Returns per account: (account, findings, active, edges, entries,
    /// targets, candidates, paths as (ids, reasons, score, likelihood)).
    #[allow(clippy::type_complexity)]
    fn naive(
        findings: &[Finding<'_>],
        opt: Options,
    ) -> Vec<(String, [u64; 6], Vec<(Vec<String>, Vec<Reason>, u64, f64)>)> {
        let mut names: Vec<&str> = findings.iter().map(|f| f.aws_account_id.as_ref()).collect();
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            let all: Vec<&Finding<'_>> = findings
                .iter()
                .filter(|f| f.aws_account_id == name)
                .collect();
            let mut act: Vec<&Finding<'_>> = all
                .iter()
                .copied()
                .filter(|f| f.workflow_status.is_active())
                .collect();
            act.sort_by(|a, b| a.id.cmp(&b.id));
            let reason = |a: &Finding<'_>, b: &Finding<'_>| {
                if a.id == b.id || a.stage > b.stage {
                    None
                } else if a.resource_id == b.resource_id {
                    Some(Reason::SameResource)
                } else if !a.iam_role_arn.is_empty() && a.iam_role_arn == b.iam_role_arn {
                    Some(Reason::SharedRole)
                } else if !a.vpc_id.is_empty()
                    && a.vpc_id == b.vpc_id
                    && b.network_exposure.vpc_reachable()
                {
                    Some(Reason::VpcReach)
                } else {
                    None
                }
            };
            let k = act.len();
            let adj: Vec<Vec<(usize, Reason)>> = (0..k)
                .map(|a| {
                    (0..k)
                        .filter_map(|b| reason(act[a], act[b]).map(|r| (b, r)))
                        .collect()
                })
                .collect();
            let edges: usize = adj.iter().map(Vec::len).sum();
            let target = |f: &Finding<'_>| f.data_classification.is_target_class();
            let mut paths = Vec::new();
            for e in (0..k).filter(|&e| act[e].network_exposure == NetworkExposure::Internet) {
                let mut parent = vec![usize::MAX; k];
                let mut dist = vec![u32::MAX; k];
                dist[e] = 0;
                let mut queue = std::collections::VecDeque::from([e]);
                while let Some(u) = queue.pop_front() {
                    for &(v, _) in &adj[u] {
                        if dist[v] == u32::MAX {
                            dist[v] = dist[u] + 1;
                            parent[v] = u;
                            queue.push_back(v);
                        }
                    }
                }
                for t in (0..k).filter(|&t| t != e && target(act[t]) && dist[t] <= opt.max_depth) {
                    let mut chain = vec![t];
                    while *chain.last().unwrap() != e {
                        chain.push(parent[*chain.last().unwrap()]);
                    }
                    chain.reverse();
                    let mut l: u64 = 1_000_000;
                    let mut r = 1.0f64;
                    for &v in &chain {
                        l = l * (500_000 + 5 * act[v].epss_e5 as u64) / 1_000_000;
                        r *= (100_000 + act[v].epss_e5) as f64 / 200_000.0;
                    }
                    let bonus = if act[t].data_classification == DataClassification::Restricted {
                        100
                    } else {
                        50
                    };
                    let score = (act[t].severity_normalized as u64 + bonus) * l;
                    let reasons = chain
                        .windows(2)
                        .map(|w| reason(act[w[0]], act[w[1]]).unwrap())
                        .collect();
                    let ids: Vec<String> = chain.iter().map(|&v| act[v].id.to_string()).collect();
                    paths.push((ids, reasons, score, r));
                }
            }
            paths.sort_by(|a, b| {
                b.2.cmp(&a.2)
                    .then(a.0.len().cmp(&b.0.len()))
                    .then(a.0[0].cmp(&b.0[0]))
                    .then(a.0.last().cmp(&b.0.last()))
            });
            let candidates = paths.len() as u64;
            if opt.top_k > 0 {
                paths.truncate(opt.top_k as usize);
            }
            let entries = act
                .iter()
                .filter(|f| f.network_exposure == NetworkExposure::Internet)
                .count();
            let targets = act.iter().filter(|f| target(f)).count();
            let counts =
                [all.len(), k, edges, entries, targets, candidates as usize].map(|c| c as u64);
            out.push((name.to_string(), counts, paths));
        }
        out
    }

    /// Random findings: a few accounts, small pools of resources, roles
    /// and VPCs (so groups are shared), ids with long common prefixes.
    fn random_findings(n: usize, seed: u64) -> Vec<Finding<'static>> {
        let mut x = seed;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let pick = |k: u64, pool: &[&'static str]| pool[k as usize % pool.len()];
        (0..n)
            .map(|i| {
                let id = format!(
                    "arn:aws:inspector2:us-west-2:123456789012:finding/{:x}",
                    (i as u64 * 2654435761) % 1_000_003
                );
                let account = pick(next(4), &["111", "222", "333", "\u{e9}"]);
                Finding {
                    id: Cow::Owned(id),
                    aws_account_id: Cow::Borrowed(account),
                    severity_normalized: next(101) as u8,
                    workflow_status: [
                        WorkflowStatus::New,
                        WorkflowStatus::Notified,
                        WorkflowStatus::Resolved,
                    ][next(3) as usize],
                    resource_id: Cow::Owned(format!("res-{}", next(n as u64 / 3 + 1))),
                    vpc_id: Cow::Borrowed(pick(
                        next(6),
                        &["", "vpc-a", "vpc-b", "vpc-c", "vpc-d", "vpc-e"],
                    )),
                    network_exposure: [
                        NetworkExposure::Internet,
                        NetworkExposure::Vpc,
                        NetworkExposure::Private,
                        NetworkExposure::None,
                    ][next(4) as usize],
                    iam_role_arn: Cow::Owned(if next(3) == 0 {
                        String::new()
                    } else {
                        format!("role-{}", next(40))
                    }),
                    data_classification: [
                        DataClassification::None,
                        DataClassification::Internal,
                        DataClassification::Confidential,
                        DataClassification::Restricted,
                    ][next(4) as usize],
                    epss_e5: next(100_001) as u32,
                    stage: next(14) as u8 + 1,
                }
            })
            .collect()
    }

    #[test]
    fn agrees_with_the_spec_read_literally() {
        for (n, seed, depth, top_k) in [
            (50, 1, 4, 20),
            (600, 2, 2, 0),
            (5000, 3, 4, 7),
            (3000, 4, 16, 0),
        ] {
            let findings = random_findings(n, seed);
            let opt = opts(depth, top_k);
            let doc = compute(&findings, opt);
            let want = naive(&findings, opt);
            assert_eq!(doc.accounts.len(), want.len());
            for (acc, (name, counts, paths)) in doc.accounts.iter().zip(&want) {
                assert_eq!(acc.aws_account_id, name);
                let got = [
                    acc.findings,
                    acc.active,
                    acc.edges,
                    acc.entries,
                    acc.targets,
                    acc.candidate_paths,
                ];
                assert_eq!(&got, counts, "n={n} account {name}");
                assert_eq!(acc.paths.len(), paths.len());
                for (p, (ids, reasons, score, r)) in acc.paths.iter().zip(paths) {
                    assert_eq!(&p.finding_ids, ids);
                    assert_eq!(&p.reasons, reasons);
                    assert_eq!((p.score, p.likelihood), (*score, *r));
                    assert_eq!(p.hops as usize, ids.len() - 1);
                }
            }
            assert!(doc.totals.paths > 0, "n={n}: the case should produce paths");
        }
    }
}
