//! The graph of one computation: nodes (active findings, sorted by
//! account and id) as arrays, the resource, role and VPC groups that make
//! the edges, edge reasons and out-degrees.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use super::NONE;
use crate::types::Reason;

/// Per-node attributes (structure of arrays, indexed by node).
pub(super) struct Nodes {
    /// Finding index of each node.
    pub finding: Vec<u32>,
    /// Account index of each node.
    pub account: Vec<u32>,
    pub stage: Vec<u8>,
    pub epss: Vec<u32>,
    /// Head of a VPC_REACH edge allowed (INTERNET or VPC).
    pub vpc_reachable: Vec<bool>,
    /// Impact when the node is a target, 0 otherwise.
    pub impact: Vec<u64>,
    /// Resource, role and VPC group of each node (NONE when none).
    pub groups: Vec<[u32; 3]>,
}

/// Number of stages (ATT&CK tactics).
pub(super) const STAGES: usize = 14;

/// Nodes grouped by a shared key within an account (resource, role or
/// VPC), each group's edge targets sorted by (stage, node): the targets of
/// group g with stage t (1..=14) are `members[seg[g*14+t-1]..seg[g*14+t]]`,
/// so those with stage >= t are one contiguous suffix.
pub(super) struct Groups {
    /// Group of each node as an edge source, NONE when its key is empty.
    pub of: Vec<u32>,
    /// Bucket offsets into `members`, 14 buckets per group, plus the end.
    pub seg: Vec<u32>,
    /// Edge targets, by (group, stage, node).
    pub members: Vec<u32>,
}

impl Groups {
    /// Builds the buckets from each node's group (NONE for none), the
    /// group count and which nodes are edge targets of their group (all but
    /// the unreachable ones for VPCs).
    pub(super) fn build(
        of: Vec<u32>,
        groups: usize,
        stage: &[u8],
        target: impl Fn(usize) -> bool,
    ) -> Groups {
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
    pub(super) fn stages(&self, g: u32, from: u8, to: u8) -> &[u32] {
        let base = g as usize * STAGES;
        &self.members
            [self.seg[base + from as usize - 1] as usize..self.seg[base + to as usize - 1] as usize]
    }
}

/// Reason of the edge u -> v, which exists: the first group kind the two
/// share.
pub(super) fn reason(groups: &[Groups; 3], u: u32, v: u32) -> Reason {
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
pub(super) fn out_degrees(nodes: &Nodes, groups: &[Groups; 3]) -> Vec<u64> {
    let n = nodes.stage.len();
    // Each thread adds its masks' terms into one vector (seven vectors of
    // a 64-bit count per node would be the largest thing compute holds).
    let degree = (1u8..8)
        .into_par_iter()
        .fold(
            || vec![0i64; n],
            |mut degree, mask| {
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
                let member =
                    |v: usize| combo[v] != NONE && (!needs_reach || nodes.vpc_reachable[v]);
                // Members of each combined group with stage >= t (a count
                // of nodes fits 32 bits).
                const W: usize = STAGES + 2;
                let mut at_least = vec![0u32; count * W];
                for v in (0..n).filter(|&v| member(v)) {
                    at_least[combo[v] as usize * W + nodes.stage[v] as usize] += 1;
                }
                for h in at_least.chunks_mut(W) {
                    for t in (1..=STAGES).rev() {
                        h[t] += h[t + 1];
                    }
                }
                let sign = if kinds.len() % 2 == 1 { 1 } else { -1 };
                for (v, d) in degree.iter_mut().enumerate() {
                    let c = combo[v];
                    if c != NONE {
                        let with = at_least[c as usize * W + nodes.stage[v] as usize];
                        *d += sign * (with as i64 - member(v) as i64);
                    }
                }
                degree
            },
        )
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            a
        })
        .unwrap_or_else(|| vec![0; n]);
    degree.into_iter().map(|d| d as u64).collect()
}
