//! The attack-path computation (SPEC section 3): edges, BFS per entry,
//! scores, ordering and top_k.
//!
//! Layout: each finding's account and its (account, resource_id),
//! (account, iam_role_arn) and (account, vpc_id) groups are interned, by
//! the parallel scan as it reads the finding ([`Decoded`]: the strings lie
//! all over the input, and are in cache only then) or by one parallel pass
//! in document order ([`compute`] on findings already read); the ids are
//! copied next to each other. Findings are then sorted by (account, id),
//! so the active findings of an account form one contiguous range of node
//! indices and ascending node index is ascending id. Edges come from the groups, merged
//! per node into one CSR adjacency with ascending neighbours. The BFS work
//! items (entries of all accounts, flattened) run on rayon, so one large
//! account does not serialise the run; results are merged per account in a
//! fixed order, so the output does not depend on scheduling.
//!
//! Modules: [`keys`] (interning, with [`numbering`]), [`graph`] (nodes,
//! groups, degrees), [`search`] (the BFS and ranking); this file chains
//! them.

mod graph;
pub(crate) mod keys;
mod numbering;
mod order;
mod search;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;

use rayon::prelude::*;

use crate::types::{
    AccountPaths, AttackPath, AttackPathsDoc, Finding, Options, SCHEMA_ATTACK_PATHS, Totals,
};
use graph::{Groups, Nodes, out_degrees, reason};
use keys::{Ids, Keys};
use search::{EntryPaths, PathRec, Scratch, paths_from, rank_order};

const NONE: u32 = u32::MAX;
/// Fewest entries per BFS work item.
const BFS_CHUNK_MIN: usize = 32;

/// One account: its name, finding count and ranges of nodes and entries.
struct Account<'f> {
    name: &'f str,
    findings: u64,
    nodes: Range<usize>,
    entries: Range<usize>,
    targets: u64,
}

/// Computes the output document for validated findings.
pub fn compute<'f>(findings: &'f [Finding<'_>], opt: Options) -> AttackPathsDoc<'f> {
    // One pass in document order (the strings are read where they lie, in
    // order): account of each finding, and the resource, role and VPC
    // group of each active one.
    let keys = Keys::intern(findings);
    let ids: Vec<&str> = findings.iter().map(|f| &*f.id).collect();
    let copies = Ids::gather(&ids);
    compute_sorted(keys, &ids, &copies.each(&ids), opt)
}

/// Validated findings, read and interned by the parallel scan
/// ([`crate::validate::decode_keyed`]): their ids and keys (nothing else
/// of them is kept).
pub struct Decoded<'a> {
    ids: Vec<Cow<'a, str>>,
    /// Copies of the ids next to each other, for the sort (in pieces, see
    /// [`keys::unpack`]).
    packed: Vec<String>,
    pub(crate) keys: Keys<Cow<'a, str>>,
}

impl<'a> Decoded<'a> {
    pub(crate) fn new(
        ids: Vec<Cow<'a, str>>,
        packed: Vec<String>,
        keys: Keys<Cow<'a, str>>,
    ) -> Self {
        Decoded { ids, packed, keys }
    }

    /// The ids of the findings, in document order.
    pub fn ids(&self) -> &[Cow<'a, str>] {
        &self.ids
    }

    /// The output document, as [`compute`] gives for the findings. The
    /// keys move into the computation: a second call sees no findings.
    pub fn compute(&mut self, opt: Options) -> AttackPathsDoc<'_> {
        use std::mem::take;
        let k = &mut self.keys;
        let numbers = Keys {
            accounts: Vec::new(),
            account: take(&mut k.account),
            group: take(&mut k.group),
            attr: take(&mut k.attr),
        };
        // The account names stay here: the output borrows them.
        let this: &Self = self;
        let keys = Keys {
            accounts: this.keys.accounts.iter().map(|n| &**n).collect(),
            ..numbers
        };
        let ids: Vec<&str> = this.ids.iter().map(|id| &**id).collect();
        let packed = keys::unpack(&this.packed, &ids);
        compute_sorted(keys, &ids, &packed, opt)
    }
}

/// Computes the output document from the findings' keys and ids, in
/// document order, the ids lying close together (a streamed document's
/// arena, see [`crate::stream`]): the sort reads them in place.
pub(crate) fn compute_keyed<'f>(
    keys: Keys<&'f str>,
    ids: &[&'f str],
    opt: Options,
) -> AttackPathsDoc<'f> {
    compute_sorted(keys, ids, ids, opt)
}

/// The output document from the findings' keys and ids, given the ids'
/// compact copies (`sort_ids`, in the same order) for the sort.
fn compute_sorted<'f>(
    keys: Keys<&'f str>,
    ids: &[&'f str],
    sort_ids: &[&str],
    opt: Options,
) -> AttackPathsDoc<'f> {
    let order = by_account_and_id(&keys, sort_ids);
    compute_ordered(keys, order, |f| ids[f as usize], opt)
}

/// The output document from the keys, the findings ordered by (account,
/// id) and the id of each finding.
fn compute_ordered<'f>(
    keys: Keys<&'f str>,
    order: Vec<u32>,
    id_of: impl Fn(u32) -> &'f str + Sync,
    opt: Options,
) -> AttackPathsDoc<'f> {
    let (accounts, mut nodes, entries) = build_nodes(&keys, &order);
    // What follows needs only the groups: the rest goes first.
    drop(order);
    let Keys {
        group,
        account,
        attr,
        ..
    } = keys;
    drop((account, attr));
    let groups = build_groups(group, &mut nodes);
    let degree = out_degrees(&nodes, &groups);
    let entry_paths = search_entries(&entries, &accounts, &nodes, &groups, opt);
    let id = |v: u32| -> &'f str { id_of(nodes.finding[v as usize]) };
    let out: Vec<AccountPaths<'f>> = accounts
        .par_iter()
        .map(|acc| account_paths(acc, &entry_paths, &degree, &groups, opt, id))
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

/// Finding indices ordered by (account, id): accounts and nodes become
/// contiguous ranges.
fn by_account_and_id(keys: &Keys<&str>, ids: &[&str]) -> Vec<u32> {
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
    let rank: Vec<u32> = keys.account.iter().map(|&a| rank[a as usize]).collect();
    order::by_rank_and_id(&rank, &ids[..rank.len()])
}

/// The accounts in order, the nodes (active findings) and the entries.
fn build_nodes<'f>(keys: &Keys<&'f str>, order: &[u32]) -> (Vec<Account<'f>>, Nodes, Vec<u32>) {
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
    for &fi in order {
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
    (accounts, nodes, entries)
}

/// The resource, role and VPC groups of the nodes (and each node's three).
fn build_groups(group: [(Vec<u32>, usize); 3], nodes: &mut Nodes) -> [Groups; 3] {
    let mut kind = 0;
    let groups = group.map(|(of, count)| {
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
    groups
}

/// The paths of every entry, searched in parallel.
fn search_entries(
    entries: &[u32],
    accounts: &[Account<'_>],
    nodes: &Nodes,
    groups: &[Groups; 3],
    opt: Options,
) -> Vec<EntryPaths> {
    // One scratch per chunk of entries (not per rayon split, which may be
    // far more numerous): its arrays are as long as the node count.
    let chunk = entries
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(BFS_CHUNK_MIN);
    entries
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            let mut s = Scratch::new(nodes.finding.len(), groups);
            chunk
                .iter()
                .map(|&e| {
                    let targets = accounts[nodes.account[e as usize] as usize].targets;
                    paths_from(e, nodes, groups, targets, opt, &mut s)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One account's counts and its best paths, ranked.
fn account_paths<'f>(
    acc: &Account<'f>,
    entry_paths: &[EntryPaths],
    degree: &[u64],
    groups: &[Groups; 3],
    opt: Options,
    id: impl Fn(u32) -> &'f str,
) -> AccountPaths<'f> {
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
                    .map(|w| reason(groups, w[0], w[1]))
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
}
