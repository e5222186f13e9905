//! Tests of the computation: the spec's worked example, pruning, reasons,
//! top_k, and agreement with the spec read literally on random findings.

use super::*;
use crate::types::{DataClassification, NetworkExposure, Reason, WorkflowStatus};
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
        let counts = [all.len(), k, edges, entries, targets, candidates as usize].map(|c| c as u64);
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

#[test]
fn ids_are_used_in_place_when_compact_and_copied_when_spread() {
    // One string holding the ids one after the other (aegispath's arena).
    let compact: &'static str = "f-aaf-bbf-c";
    let near: Vec<Finding<'static>> = [(0, 4), (4, 8), (8, 11)]
        .iter()
        .map(|&(a, b)| Finding {
            id: Cow::Borrowed(&compact[a..b]),
            ..finding("x", 0, 1)
        })
        .collect();
    // Ids far apart (a document in memory).
    let spread_doc: &'static str =
        Box::leak(format!("f-aa{}f-bb{}f-c", " ".repeat(500), " ".repeat(500)).into_boxed_str());
    let far: Vec<Finding<'static>> = ["f-aa", "f-bb", "f-c"]
        .iter()
        .map(|id| {
            let at = spread_doc.find(id).unwrap();
            Finding {
                id: Cow::Borrowed(&spread_doc[at..at + id.len()]),
                ..finding("x", 0, 1)
            }
        })
        .collect();
    for (name, fs, copied) in [("near", &near, false), ("far", &far, true)] {
        let fs: Vec<&str> = fs.iter().map(|f| &*f.id).collect();
        let ids = Ids::gather(&fs);
        let got = ids.each(&fs);
        assert_eq!(got, ["f-aa", "f-bb", "f-c"], "{name}");
        let in_place = std::ptr::eq(got[0].as_ptr(), fs[0].as_ptr());
        assert_eq!(in_place, !copied, "{name}");
    }
}

#[test]
fn unpack_cuts_the_packed_ids_in_order() {
    let ids = ["f-1", "f-22", "f-333", "x"];
    for packed in [
        vec!["f-1f-22f-333x".to_string()],
        vec!["f-1".into(), "f-22f-333".into(), "x".into()],
        vec![
            String::new(),
            "f-1f-22".into(),
            String::new(),
            "f-333x".into(),
        ],
    ] {
        let got = keys::unpack(&packed, &ids);
        assert_eq!(got, ids, "{packed:?}");
        // The copies are in the packed strings, not the ids.
        assert!(
            packed
                .iter()
                .any(|p| std::ptr::eq(p.as_ptr(), got[0].as_ptr()))
        );
    }
}
