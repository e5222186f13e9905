//! The search: a breadth-first search from each entry over its account,
//! with the scores, likelihoods and rank order of SPEC section 3.

use std::cmp::Ordering;

use super::NONE;
use super::graph::{Groups, Nodes, STAGES};
use crate::types::Options;

/// A candidate path found by one BFS; `chain` indexes the entry's chain
/// arena (hops + 1 node indices, entry first).
#[derive(Clone, Copy, Debug)]
pub(super) struct PathRec {
    pub score: u64,
    pub hops: u32,
    pub entry: u32,
    pub target: u32,
    pub likelihood: f64,
    pub chain: u32,
}

/// Score descending, hops ascending, entry id ascending, target id
/// ascending (node index order is id order within an account).
#[inline]
pub(super) fn rank_order(a: &PathRec, b: &PathRec) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(a.hops.cmp(&b.hops))
        .then(a.entry.cmp(&b.entry))
        .then(a.target.cmp(&b.target))
}

/// Paths of one entry: the candidate count and the kept candidates.
pub(super) struct EntryPaths {
    pub candidates: u64,
    pub paths: Vec<PathRec>,
    pub chains: Vec<u32>,
}

/// Reusable BFS state, sized to the node and group counts.
pub(super) struct Scratch {
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
    pub(super) fn new(n: usize, groups: &[Groups; 3]) -> Self {
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
pub(super) fn paths_from(
    e: u32,
    nodes: &Nodes,
    groups: &[Groups; 3],
    targets_in_account: u64,
    opt: Options,
    s: &mut Scratch,
) -> EntryPaths {
    bfs(e, nodes, groups, targets_in_account, opt, s);
    ranked_paths(e, nodes, opt, s)
}

/// Starts a BFS from `e`: a new generation (the scratch arrays need no
/// clearing), the entry alone in the queue.
fn start(e: u32, nodes: &Nodes, s: &mut Scratch) {
    // Generations fit 28 bits (group_state packs them with a stage).
    if s.generation >= (1 << 28) - 1 {
        s.generation = 0;
        s.seen.fill(0);
        s.group_state.iter_mut().for_each(|v| v.fill(0));
    }
    s.generation += 1;
    let eu = e as usize;
    s.seen[eu] = s.generation;
    s.parent[eu] = NONE;
    s.depth[eu] = 0;
    s.level[eu] = level_step(1_000_000, nodes.epss[eu]);
    s.queue.clear();
    s.targets.clear();
    s.queue.push(e);
}

/// The BFS from `e`: fills the scratch's parents, depths, levels and the
/// targets reached, stopping at max_depth or when every target of the
/// account is found.
fn bfs(
    e: u32,
    nodes: &Nodes,
    groups: &[Groups; 3],
    targets_in_account: u64,
    opt: Options,
    s: &mut Scratch,
) {
    start(e, nodes, s);
    let g = s.generation;
    let mut remaining = targets_in_account - (nodes.impact[e as usize] > 0) as u64;
    let max_depth = opt.max_depth as u8;
    let mut head = 0;
    while head < s.queue.len() && remaining > 0 {
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
                    return; // all parents on target chains are fixed
                }
            }
        }
    }
}

/// The paths to the targets the BFS from `e` reached, the best top_k of
/// them (all when 0) with their chains and likelihoods.
fn ranked_paths(e: u32, nodes: &Nodes, opt: Options, s: &Scratch) -> EntryPaths {
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
