//! Sorting by byte strings that share long prefixes (finding ids such as
//! `arn:aws:inspector2:us-west-2:473857278015:finding/...`).
//!
//! A comparison sort compares those prefixes again at every comparison. This
//! is a most-significant-digit radix sort on 8-byte big-endian chunks: each
//! level first skips the prefix common to all of its strings, sorts on
//! (chunk, remaining length) integers, and recurses into runs that tie.

/// Slices shorter than this are finished with a comparison sort.
const SMALL: usize = 24;

/// The 8 bytes of `s` at `depth` as a big-endian integer (zero-padded),
/// and how many bytes remain from `depth`, capped at 9 ("more than 8").
/// Ordering by the pair orders strings by their bytes from `depth` on,
/// except that pairs with 9 still tie on what follows.
#[inline]
fn chunk(s: &[u8], depth: usize) -> (u64, u8) {
    let rest = s.get(depth..).unwrap_or(&[]);
    let n = rest.len().min(8);
    let mut b = [0u8; 8];
    b[..n].copy_from_slice(&rest[..n]);
    (u64::from_be_bytes(b), rest.len().min(9) as u8)
}

/// Sorts `items` ascending by `key(item)` compared bytewise. Items with
/// equal keys end up in no particular order.
pub(crate) fn sort_by_bytes<'k>(items: &mut [u32], key: &impl Fn(u32) -> &'k [u8]) {
    let mut scratch = Vec::new();
    sort_from(items, key, 0, &mut scratch);
}

fn sort_from<'k>(
    items: &mut [u32],
    key: &impl Fn(u32) -> &'k [u8],
    mut depth: usize,
    scratch: &mut Vec<(u64, u8, u32)>,
) {
    if items.len() <= SMALL {
        items.sort_unstable_by(|&a, &b| {
            let (a, b) = (key(a), key(b));
            a.get(depth..).unwrap_or(&[]).cmp(b.get(depth..).unwrap_or(&[]))
        });
        return;
    }
    // Skip the prefix shared by every string from `depth` on.
    let first = key(items[0]);
    let mut common = first.len().saturating_sub(depth);
    for &i in &items[1..] {
        let s = key(i);
        let a = first.get(depth..depth + common).unwrap_or(&[]);
        let b = s.get(depth..).unwrap_or(&[]);
        common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        if common == 0 {
            break;
        }
    }
    depth += common;

    scratch.clear();
    scratch.extend(items.iter().map(|&i| {
        let (c, r) = chunk(key(i), depth);
        (c, r, i)
    }));
    scratch.sort_unstable();
    for (slot, &(_, _, i)) in items.iter_mut().zip(scratch.iter()) {
        *slot = i;
    }
    // Runs that tie on a full chunk with more bytes to come are sorted on
    // the next chunk.
    let runs: Vec<(usize, usize)> = {
        let mut runs = Vec::new();
        let mut start = 0;
        for k in 1..=scratch.len() {
            if k == scratch.len() || scratch[k].0 != scratch[start].0 || scratch[k].1 != scratch[start].1 {
                if k - start > 1 && scratch[start].1 == 9 {
                    runs.push((start, k));
                }
                start = k;
            }
        }
        runs
    };
    for (start, end) in runs {
        sort_from(&mut items[start..end], key, depth + 8, scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift).
    fn strings(n: usize, seed: u64) -> Vec<Vec<u8>> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let prefixes: [&[u8]; 4] = [
            b"arn:aws:inspector2:us-west-2:473857278015:finding/",
            b"arn:aws:securityhub:us-west-2:473857278015:security-control/ELB.4/finding/",
            b"",
            b"a",
        ];
        (0..n)
            .map(|_| {
                let mut s = prefixes[(next() % 4) as usize].to_vec();
                let len = (next() % 20) as usize;
                for _ in 0..len {
                    // A small alphabet with 0x00 and 0xff makes ties and
                    // prefix-of relations frequent.
                    s.push([0x00, b'a', b'b', 0xff][(next() % 4) as usize]);
                }
                s
            })
            .collect()
    }

    #[test]
    fn sorts_like_a_comparison_sort() {
        for (n, seed) in [(0, 1), (1, 2), (5, 3), (100, 4), (5000, 5), (20000, 6)] {
            let s = strings(n, seed);
            let mut items: Vec<u32> = (0..n as u32).collect();
            sort_by_bytes(&mut items, &|i| s[i as usize].as_slice());
            let got: Vec<&[u8]> = items.iter().map(|&i| s[i as usize].as_slice()).collect();
            let mut want: Vec<&[u8]> = s.iter().map(Vec::as_slice).collect();
            want.sort();
            assert_eq!(got, want, "n={n}");
        }
    }

    #[test]
    fn chunks_order_like_bytes() {
        let pairs: [(&[u8], &[u8]); 5] = [
            (b"ab", b"ab\0"),
            (b"abcdefgh", b"abcdefgh\0"),
            (b"", b"\0"),
            (b"abcdefgi", b"abcdefh"),
            (b"\xff", b"\xff\xff"),
        ];
        for (a, b) in pairs {
            assert!(a < b);
            assert!(chunk(a, 0) <= chunk(b, 0), "{a:?} {b:?}");
        }
    }
}
