//! The sort of the findings by (account, id). Ids of one account share
//! long prefixes (`arn:aws:guardduty:us-east-1:<account>:detector/<id>/`),
//! so comparing whole ids re-reads those prefixes, scattered over memory,
//! at each of the n log n comparisons. Instead the ids are sorted 8 bytes
//! at a time (a most-significant-digit radix over 64-bit digits): each
//! round sorts (digit, finding) pairs held inline, and only the runs whose
//! digits tie go on to the next 8 bytes.

use rayon::prelude::*;

/// Runs at least this long are sorted and split in parallel; fewer
/// findings are sorted by whole comparisons.
const PARALLEL_RUN: usize = 1 << 16;

/// Runs at most this long are finished by comparing whole ids.
const SMALL_RUN: usize = 16;

/// The 8 bytes of `s` from `at` (zeros past its end), big-endian, so that
/// integer order is byte order.
#[inline]
fn digit(s: &str, at: usize) -> u64 {
    let b = s.as_bytes();
    if let Some(d) = b.get(at..at + 8) {
        return u64::from_be_bytes(d.try_into().expect("8 bytes"));
    }
    let mut d = [0u8; 8];
    for (i, &c) in b.iter().skip(at).enumerate() {
        d[i] = c;
    }
    u64::from_be_bytes(d)
}

/// Finding indices ordered by (rank[i], ids[i]).
pub(super) fn by_rank_and_id(rank: &[u32], ids: &[&str]) -> Vec<u32> {
    if rank.len() < PARALLEL_RUN {
        // Few ids stay in cache: whole comparisons take fewer
        // instructions (at 20K findings, about 16M against 23M). The
        // findings are put in rank order first (counting), so that each
        // rank's run is sorted by id alone, the runs in parallel.
        let (mut order, counts) = by_rank(rank);
        let mut runs = Vec::with_capacity(counts.len());
        let mut rest = order.as_mut_slice();
        for n in counts {
            let (run, tail) = rest.split_at_mut(n);
            runs.push(run);
            rest = tail;
        }
        runs.into_par_iter().for_each(|run| {
            run.par_sort_unstable_by(|&a, &b| ids[a as usize].cmp(ids[b as usize]))
        });
        return order;
    }
    let mut keys: Vec<(u32, u64, u32)> = (0..rank.len())
        .into_par_iter()
        .map(|i| (rank[i], digit(ids[i], 0), i as u32))
        .collect();
    keys.par_sort_unstable();
    keys.par_chunk_by_mut(|a, b| a.0 == b.0 && a.1 == b.1)
        .for_each(|run| refine(run, ids, 8));
    keys.into_par_iter().map(|k| k.2).collect()
}

/// Finding indices ordered by rank, in index order within a rank (a
/// counting sort), and the number of findings of each rank.
fn by_rank(rank: &[u32]) -> (Vec<u32>, Vec<usize>) {
    let ranks = rank.iter().max().map_or(0, |&r| r as usize + 1);
    let mut counts = vec![0usize; ranks];
    for &r in rank {
        counts[r as usize] += 1;
    }
    let mut next: Vec<usize> = counts
        .iter()
        .scan(0, |start, &n| {
            let at = *start;
            *start += n;
            Some(at)
        })
        .collect();
    let mut order = vec![0u32; rank.len()];
    for (i, &r) in rank.iter().enumerate() {
        order[next[r as usize]] = i as u32;
        next[r as usize] += 1;
    }
    (order, counts)
}

/// Orders `run` (one rank, the ids equal in their bytes before `at`,
/// zeros counted past an id's end) by id.
fn refine(run: &mut [(u32, u64, u32)], ids: &[&str], at: usize) {
    let id = |k: &(u32, u64, u32)| ids[k.2 as usize];
    if run.len() < 2 {
        return;
    }
    // An id that ended may tie with a longer one padded by zeros: whole
    // comparisons settle it (and small runs).
    if run.len() <= SMALL_RUN || run.iter().any(|k| id(k).len() <= at) {
        run.sort_unstable_by(|a, b| id(a).cmp(id(b)));
        return;
    }
    for k in run.iter_mut() {
        k.1 = digit(id(k), at);
    }
    if run.len() >= PARALLEL_RUN {
        run.par_sort_unstable();
        run.par_chunk_by_mut(|a, b| a.1 == b.1)
            .for_each(|r| refine(r, ids, at + 8));
    } else {
        run.sort_unstable();
        run.chunk_by_mut(|a, b| a.1 == b.1)
            .for_each(|r| refine(r, ids, at + 8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_as_comparing_whole_ids() {
        // Empty, single, small and large inputs: both sorts, every path of
        // refine.
        for n in [0, 1, 2, 17, 1000, 3 * PARALLEL_RUN] {
            orders_as_comparing_whole_ids_at(n);
        }
    }

    fn orders_as_comparing_whole_ids_at(n: usize) {
        // Ids from a small alphabet with NULs, long shared prefixes and
        // every length.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let long = "x".repeat(100);
        let prefixes = [
            "",
            "arn:aws:guardduty:us-east-1:1234:detector/",
            "a\0",
            &long,
        ];
        let ids: Vec<String> = (0..n)
            .map(|_| {
                let mut s = prefixes[next() as usize % prefixes.len()].to_string();
                for _ in 0..next() % 20 {
                    s.push(['\0', 'a', 'b'][next() as usize % 3]);
                }
                s
            })
            .collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let rank: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
        let got = by_rank_and_id(&rank, &ids);
        let mut want: Vec<u32> = (0..n as u32).collect();
        want.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            rank[a].cmp(&rank[b]).then(ids[a].cmp(ids[b]))
        });
        let key = |v: &[u32]| -> Vec<(u32, &str)> {
            v.iter()
                .map(|&i| (rank[i as usize], ids[i as usize]))
                .collect()
        };
        // Equal ids may come in any order: compare the keys in order.
        assert!(key(&got) == key(&want), "{n} ids");
        let mut seen = got.clone();
        seen.sort_unstable();
        assert!(seen == (0..n as u32).collect::<Vec<_>>(), "a permutation");
    }
}
