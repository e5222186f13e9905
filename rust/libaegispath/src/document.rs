//! Walks the elements of a findings document (a top-level JSON array),
//! in parallel for large documents, with the error order of SPEC section 5:
//! any ill-formedness anywhere is invalid_json; else the first element (in
//! array order) whose handler reports a field error; else the first id
//! equal to an earlier one (duplicate_id).
//!
//! Parallel scan: the array is cut at candidate element starts (a `{`
//! preceded by `}` and `,` and followed by `"`, white space aside), and
//! each piece is scanned on its own thread. A piece's start is only a guess (the pattern
//! may sit inside a string), so the pieces are chained in order: piece j
//! started at a true element start when piece j-1 did and stopped exactly
//! at it. When a piece overshoots the next guess, the following pieces are
//! dropped and the rest of the document is cut again from where that piece
//! stopped (after a few such rounds, it is scanned in one piece). The
//! result is therefore exactly that of a sequential scan.

use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

use foldhash::fast::RandomState;
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;

use crate::scan::{self, Scanner, SyntaxError, utf8_first};
use crate::types::ErrorDoc;

/// Documents at least this long are scanned in parallel.
pub(crate) const PARALLEL_MIN_BYTES: usize = 128 << 10;
/// Pieces per worker thread (several, so that uneven pieces balance).
const PIECES_PER_THREAD: usize = 4;
/// Parallel rounds before the rest is scanned in one piece.
const MAX_ROUNDS: usize = 4;

/// What a handler found in one element: the item, or the field that is bad
/// ("" for the element itself) and why.
pub(crate) type ElementResult<T> = Result<T, (&'static str, String)>;

/// Where a window of a streamed document lies in it: byte offset of its
/// first byte, newlines before it, and bytes since the last of those.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    pub offset: usize,
    pub lines: usize,
    pub column: usize,
}

impl Origin {
    /// The origin of the byte after `dropped`, which followed `self`.
    pub(crate) fn after(self, dropped: &[u8]) -> Origin {
        self.after_counted(dropped, memchr::memchr_iter(b'\n', dropped).count())
    }

    /// [`Origin::after`] for `dropped` holding `newlines` newlines.
    pub(crate) fn after_counted(self, dropped: &[u8], newlines: usize) -> Origin {
        let last = if newlines == 0 {
            None
        } else {
            memchr::memrchr(b'\n', dropped)
        };
        Origin {
            offset: self.offset + dropped.len(),
            lines: self.lines + newlines,
            column: match last {
                Some(p) => dropped.len() - p - 1,
                None => self.column + dropped.len(),
            },
        }
    }
}

/// The invalid_json error document for a scanner error in `input` (a
/// whole document in memory: its first invalid UTF-8 byte, if any, comes
/// first, see [`utf8_first`]), naming line, column and byte offset.
pub(crate) fn json_error(input: &[u8], e: SyntaxError) -> ErrorDoc {
    json_error_in(input, Origin::default(), utf8_first(input, e))
}

/// json_error for an error in a window of a document that starts at
/// `origin`.
pub(crate) fn json_error_in(window: &[u8], origin: Origin, e: SyntaxError) -> ErrorDoc {
    let at = origin.after(&window[..e.offset.min(window.len())]);
    json_error_at(at, origin.offset + e.offset, e.what)
}

/// The invalid_json error document for an error at byte `offset`, whose
/// line and column are those of `at`.
pub(crate) fn json_error_at(at: Origin, offset: usize, what: &str) -> ErrorDoc {
    ErrorDoc::json(format!(
        "invalid JSON at line {}, column {} (byte {offset}): {what}",
        at.lines + 1,
        at.column + 1,
    ))
}

/// How the scan of one piece ended.
enum Outcome {
    /// Ill-formed input at this point, in the element that starts at
    /// `mark` (the elements before it are counted).
    Syntax(SyntaxError, usize),
    /// Stopped exactly at the next piece's start.
    AtNext,
    /// Passed the next piece's start (which was a false guess); stopped at
    /// this element start.
    Overshot(usize),
    /// Reached the end of the array: the byte after its `]`.
    End(usize),
}

/// What a piece gathers from its items as they are read, while their
/// bytes are in cache (the attack-path keys, see
/// [`crate::compute::keys::LocalKeys`]; nothing for the list operation):
/// one per piece, covering exactly the items the piece keeps, so that a
/// piece that is discarded leaves nothing behind.
pub(crate) trait Gather<T>: Default + Send {
    /// What the piece keeps of each item: the item itself, or less when
    /// the rest of it is not needed once gathered.
    type Kept: Send;

    /// Adds the next item of the piece; returns what the piece keeps of it.
    fn add(&mut self, item: T) -> Self::Kept;

    /// Makes room for about `n` more items, like the first one added: the
    /// piece's estimate of its elements once it has read the first.
    /// Vectors grown one push at a time are copied as they grow, and in a
    /// fresh process every copy faults in new pages.
    fn reserve(&mut self, _n: usize) {}
}

/// Gathers nothing: the pieces keep the items.
impl<T: Send> Gather<T> for () {
    type Kept = T;

    fn add(&mut self, item: T) -> T {
        item
    }
}

/// The elements of one piece (what is kept of each, `K`).
struct Piece<K, G> {
    items: Vec<K>,
    /// Hash of each item's id (computed while the id is in cache).
    hashes: Vec<u64>,
    /// What was gathered from the items.
    gathered: G,
    /// First field error: index within the piece, field, message.
    error: Option<(usize, &'static str, String)>,
    /// Elements scanned.
    count: usize,
    outcome: Outcome,
}

/// Scans elements from `start` (an element start) until `stop` (the next
/// piece's start) or the end of the array. After a field error the
/// remaining elements are only validated. An element counts once the
/// separator after it is read, so that a window of a streamed document can
/// resume at the element it could not finish.
fn scan_piece<'a, T, G: Gather<T>>(
    base: &Scanner<'a>,
    start: usize,
    stop: Option<usize>,
    element: &(impl Fn(&mut Scanner<'a>) -> scan::Result<ElementResult<T>> + Sync),
    id: &(impl Fn(&T) -> &str + Sync),
    hasher: &RandomState,
) -> Piece<G::Kept, G> {
    let mut sc = base.clone();
    sc.seek(start);
    let mut p = Piece {
        items: Vec::new(),
        hashes: Vec::new(),
        gathered: G::default(),
        error: None,
        count: 0,
        outcome: Outcome::End(0),
    };
    let mut mark = start;
    let mut run = |mark: &mut usize| -> scan::Result<Outcome> {
        loop {
            let item = if p.error.is_some() {
                sc.value(2)?;
                None
            } else {
                Some(element(&mut sc)?)
            };
            let more = sc.next_element(&mut false)?;
            match item {
                Some(Ok(item)) => {
                    p.hashes.push(hasher.hash_one(id(&item)));
                    let kept = p.gathered.add(item);
                    p.items.push(kept);
                    if p.count == 0 {
                        let n = estimate(start, sc.pos(), stop.unwrap_or(sc.src().len()));
                        p.items.reserve(n);
                        p.hashes.reserve(n);
                        p.gathered.reserve(n);
                    }
                }
                Some(Err((field, msg))) => p.error = Some((p.count, field, msg)),
                None => {}
            }
            p.count += 1;
            if !more {
                return Ok(Outcome::End(sc.pos()));
            }
            sc.skip_ws();
            let at = sc.pos();
            *mark = at;
            if let Some(stop) = stop {
                if at == stop {
                    return Ok(Outcome::AtNext);
                }
                if at > stop {
                    return Ok(Outcome::Overshot(at));
                }
            }
        }
    };
    p.outcome = run(&mut mark).unwrap_or_else(|e| Outcome::Syntax(e, mark));
    p
}

/// The elements a piece from `start` to `stop` is likely to hold besides
/// its first, which ended at `first_end`: as many more as fit in the rest
/// at the first one's size, and a sixteenth more.
fn estimate(start: usize, first_end: usize, stop: usize) -> usize {
    let rest = stop.saturating_sub(first_end);
    let n = rest / first_end.saturating_sub(start).max(1);
    n + n / 16
}

/// Candidate element starts after `first`, about `pieces` apart.
fn piece_starts(text: &[u8], first: usize, pieces: usize) -> Vec<usize> {
    let mut starts = vec![first];
    let span = text.len() - first;
    for j in 1..pieces {
        let from = (first + j * span / pieces).max(*starts.last().unwrap() + 1);
        // Look no further than one piece ahead: a document with no element
        // start there (say, an array of numbers) is not searched to its end
        // once per piece.
        let to = (from + span / pieces).min(text.len());
        let found = text[from.min(to)..to]
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'{')
            .map(|(k, _)| from + k)
            .find(|&at| {
                let space = |b: &u8| b" \t\r\n".contains(b);
                let before = |end: usize| text[..end].iter().rposition(|b| !space(b));
                let after = text[at + 1..].iter().position(|b| !space(b));
                // `}` `,` `{` `"`: a string cannot hold `{"` unless the quote
                // ends it, so this rarely matches inside a string.
                after.is_some_and(|k| text[at + 1 + k] == b'"')
                    && before(at).is_some_and(|c| {
                        text[c] == b',' && before(c).is_some_and(|b| text[b] == b'}')
                    })
            });
        if let Some(at) = found {
            starts.push(at);
        }
    }
    starts
}

/// The error document of a well-formed document whose top level is not an
/// array.
pub(crate) fn not_an_array() -> ErrorDoc {
    ErrorDoc::json("the top level is not an array".into())
}

/// The error document of a document with nothing but white space.
pub(crate) fn empty_document() -> ErrorDoc {
    ErrorDoc::json("invalid JSON: empty document".into())
}

/// Scans a findings document: `element` is called on each element (the
/// scanner on its first byte) and must consume it. Returns the items of
/// all elements with what the pieces gathered from them (in order), or the
/// first error in SPEC order; `id` gives an item's id for the duplicate
/// check.
pub(crate) fn scan_findings<'a, T: Send, G: Gather<T>>(
    input: &'a [u8],
    element: impl Fn(&mut Scanner<'a>) -> scan::Result<ElementResult<T>> + Sync,
    id: impl Fn(&T) -> &str + Sync,
    kept_id: impl Fn(&G::Kept) -> &str,
) -> Result<(Vec<G::Kept>, Vec<G>), ErrorDoc> {
    let mut sc = Scanner::new(input).map_err(|e| json_error(input, e))?;
    match sc.peek() {
        Some(b'[') => {}
        Some(_) => {
            // Report a well-formed non-array and an ill-formed document alike.
            sc.value(1)
                .and_then(|_| sc.finish())
                .map_err(|e| json_error(input, e))?;
            return Err(not_an_array());
        }
        None => return Err(empty_document()),
    }
    sc.enter(1).map_err(|e| json_error(input, e))?;
    sc.begin_array().map_err(|e| json_error(input, e))?;
    let mut first = true;
    if !sc
        .next_element(&mut first)
        .map_err(|e| json_error(input, e))?
    {
        sc.finish().map_err(|e| json_error(input, e))?;
        return Ok((Vec::new(), Vec::new()));
    }
    sc.skip_ws();
    let start = sc.pos();
    let run = scan_elements(&sc, start, &element, &id, &RandomState::default());
    match run.ended {
        Ended::Syntax(e, _) => return Err(json_error(input, e)),
        Ended::End(end) => {
            sc.seek(end);
            sc.finish().map_err(|e| json_error(input, e))?;
        }
    }
    run.into_result(kept_id)
}

/// The pieces to scan from `at` (an element start) to the end of `text`:
/// one when it is short or there is one thread.
fn split(text: &[u8], at: usize) -> Vec<usize> {
    let threads = rayon::current_num_threads();
    if threads > 1 && text.len() - at >= PARALLEL_MIN_BYTES {
        piece_starts(text, at, threads * PIECES_PER_THREAD)
    } else {
        vec![at]
    }
}

/// How a run of elements ended.
pub(crate) enum Ended {
    /// Ill-formed input, in the element that starts at the given offset
    /// (the elements before it are in the run).
    Syntax(SyntaxError, usize),
    /// The array ended: the offset after its `]`.
    End(usize),
}

/// The elements of a document (or of a window of one) in order.
pub(crate) struct Run<K, G> {
    /// What was kept of the items of the elements before the first field
    /// error.
    pub items: Vec<K>,
    /// Hashes of their ids.
    pub hashes: Vec<u64>,
    /// What each piece gathered from its items, in order: together, from
    /// `items` and nothing else.
    pub gathered: Vec<G>,
    /// The first field error: element index in the run, field, message.
    pub error: Option<(usize, &'static str, String)>,
    /// Elements scanned.
    pub count: usize,
    /// Where the run stopped.
    pub ended: Ended,
}

impl<K, G> Run<K, G> {
    /// The items and what was gathered, or the first duplicate id, or the
    /// field error (SPEC order once the document is known to be
    /// well-formed).
    fn into_result(self, id: impl Fn(&K) -> &str) -> Result<(Vec<K>, Vec<G>), ErrorDoc> {
        // A duplicate among the elements before a field error comes first.
        if let Some(dup) = first_duplicate(&self.hashes, |i| id(&self.items[i])) {
            return Err(dup);
        }
        match self.error {
            Some((i, field, msg)) => Err(ErrorDoc::field(i, field, msg)),
            None => Ok((self.items, self.gathered)),
        }
    }
}

/// Scans the elements of `sc`'s text from `start` (an element start) to the
/// end of the array or the first syntax error, in pieces (see the module
/// doc).
pub(crate) fn scan_elements<'a, T: Send, G: Gather<T>>(
    sc: &Scanner<'a>,
    start: usize,
    element: &(impl Fn(&mut Scanner<'a>) -> scan::Result<ElementResult<T>> + Sync),
    id: &(impl Fn(&T) -> &str + Sync),
    hasher: &RandomState,
) -> Run<G::Kept, G> {
    let text = sc.src();
    scan_elements_split(sc, start, |at| split(text, at), element, id, hasher)
}

/// [`scan_elements`] with the pieces cut by `split` (ascending guesses of
/// element starts, the first being its argument), chaining the pieces as
/// the module doc says.
fn scan_elements_split<'a, T: Send, G: Gather<T>>(
    sc: &Scanner<'a>,
    start: usize,
    split: impl Fn(usize) -> Vec<usize>,
    element: &(impl Fn(&mut Scanner<'a>) -> scan::Result<ElementResult<T>> + Sync),
    id: &(impl Fn(&T) -> &str + Sync),
    hasher: &RandomState,
) -> Run<G::Kept, G> {
    let mut run = Run {
        items: Vec::new(),
        hashes: Vec::new(),
        gathered: Vec::new(),
        error: None,
        count: 0,
        ended: Ended::End(0),
    };
    let mut from = Some(start);
    // Each false guess costs a round; after a few, the rest is scanned in
    // one piece, so crafted input cannot make the scan much slower.
    let mut rounds = 0;
    while let Some(at) = from.take() {
        rounds += 1;
        let starts = if rounds <= MAX_ROUNDS {
            split(at)
        } else {
            vec![at]
        };
        debug_assert_eq!(starts.first(), Some(&at));
        let pieces: Vec<Piece<G::Kept, G>> = starts
            .par_iter()
            .enumerate()
            .map(|(j, &s)| scan_piece(sc, s, starts.get(j + 1).copied(), element, id, hasher))
            .collect();
        // Reserved once: growing by each piece would copy the items so far.
        let more: usize = pieces.iter().map(|p| p.items.len()).sum();
        run.items.reserve(more);
        run.hashes.reserve(more);
        for p in pieces {
            if run.error.is_none() {
                run.items.extend(p.items);
                run.hashes.extend(p.hashes);
                run.gathered.push(p.gathered);
                if let Some((i, field, msg)) = p.error {
                    run.error = Some((run.count + i, field, msg));
                }
            }
            run.count += p.count;
            match p.outcome {
                Outcome::Syntax(e, mark) => {
                    run.ended = Ended::Syntax(e, mark);
                    return run;
                }
                Outcome::End(end) => {
                    run.ended = Ended::End(end);
                    return run;
                }
                Outcome::Overshot(next) => {
                    // A false guess ahead: later pieces are void.
                    from = Some(next);
                    break;
                }
                Outcome::AtNext => {}
            }
        }
    }
    unreachable!("the last piece of a round ends the run or overshoots")
}

/// The duplicate_id error for the first id equal to an earlier one, given
/// the ids' hashes in element order: strings are compared only when two
/// hashes are equal. A collision of different ids falls back to a set of
/// the strings themselves.
pub(crate) fn first_duplicate<'s>(
    hashes: &[u64],
    id: impl Fn(usize) -> &'s str,
) -> Option<ErrorDoc> {
    let dup = |i: usize| ErrorDoc::duplicate_id(i, format!("id {:?} is not unique", id(i)));
    let mut first: HashMap<u64, u32> = HashMap::with_capacity(hashes.len());
    for (i, &h) in hashes.iter().enumerate() {
        match first.entry(h) {
            Entry::Vacant(v) => {
                v.insert(i as u32);
            }
            Entry::Occupied(o) if id(*o.get() as usize) == id(i) => return Some(dup(i)),
            Entry::Occupied(_) => {
                let mut seen = HashSet::with_capacity(hashes.len());
                return (0..hashes.len()).find(|&i| !seen.insert(id(i))).map(dup);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Kind;

    #[test]
    fn estimates_the_elements_of_a_piece_from_its_first() {
        for (start, first_end, stop, want) in [
            (0, 100, 1000, 9),        // 900 more bytes at 100 each
            (1000, 1100, 17100, 170), // 160, and a sixteenth more
            (0, 100, 100, 0),         // the first was the whole piece
            (0, 100, 50, 0),          // a piece cut before its first ended
            (7, 7, 10, 3),            // no size: one byte each
        ] {
            assert_eq!(
                estimate(start, first_end, stop),
                want,
                "{start} {first_end} {stop}"
            );
        }
    }

    /// Element handler for objects {"id": "..."}: the item is the id.
    fn id_of(sc: &mut Scanner<'_>) -> scan::Result<ElementResult<String>> {
        if sc.peek() != Some(b'{') {
            sc.value(2)?;
            return Ok(Err(("", "not an object".into())));
        }
        let v = sc.value(2)?;
        let mut sub = sc.sub(v);
        let mut first = true;
        sub.begin_object().unwrap();
        let mut id = None;
        while let Some(k) = sub.next_key(&mut first).unwrap() {
            let val = sub.value(3).unwrap();
            if sub.slice(k) == "id" && val.kind == Kind::Str {
                id = Some(sub.string(val).into_owned());
            }
        }
        Ok(id.ok_or(("id", "missing".into())))
    }

    fn ids(input: &[u8]) -> Result<Vec<String>, ErrorDoc> {
        scan_findings::<_, ()>(input, id_of, String::as_str, String::as_str).map(|(ids, _)| ids)
    }

    /// Scans with pieces cut every `stride` bytes, wherever that falls.
    fn ids_cut_every(input: &[u8], stride: usize) -> Result<Vec<String>, ErrorDoc> {
        let mut sc = Scanner::new(input).unwrap();
        sc.begin_array().unwrap();
        sc.skip_ws();
        let start = sc.pos();
        let split = |at: usize| {
            (0..)
                .map(|k| at + k * stride)
                .take_while(|&p| p < input.len())
                .collect()
        };
        let id = String::as_str;
        let run: Run<_, Vec<String>> =
            scan_elements_split(&sc, start, split, &id_of, &id, &RandomState::default());
        // What the pieces gathered covers the items kept, and only them.
        assert_eq!(run.gathered.concat(), run.items);
        match run.ended {
            Ended::Syntax(e, _) => return Err(json_error(input, e)),
            Ended::End(end) => {
                sc.seek(end);
                sc.finish().map_err(|e| json_error(input, e))?;
            }
        }
        run.into_result(id).map(|(ids, _)| ids)
    }

    /// Gathers the ids of a piece's items.
    impl Gather<String> for Vec<String> {
        type Kept = String;

        fn add(&mut self, id: String) -> String {
            self.push(id.clone());
            id
        }
    }

    fn doc(n: usize, pad: &str) -> String {
        let elems: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":"f{i:06}","pad":"{}{pad}"}}"#, "z".repeat(i % 13)))
            .collect();
        format!("[{}]", elems.join(",\n"))
    }

    #[test]
    fn origin_after_counts_lines_and_column() {
        // Dropped bytes with newlines sparse, dense, last, or none at all,
        // after an origin in the middle of a line.
        for n in [0, 1, 31, 32, 33, 600, 5000] {
            for every in [1, 3, 2000, usize::MAX] {
                let bytes: Vec<u8> = (0..n)
                    .map(|i| if i % every == every - 1 { b'\n' } else { b'x' })
                    .collect();
                let from = Origin {
                    offset: 10,
                    lines: 2,
                    column: 4,
                };
                let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
                let column = match bytes.iter().rposition(|&b| b == b'\n') {
                    Some(p) => n - p - 1,
                    None => 4 + n,
                };
                let want = Origin {
                    offset: 10 + n,
                    lines: 2 + newlines,
                    column,
                };
                assert_eq!(from.after(&bytes), want, "{n} bytes, newline every {every}");
            }
        }
    }

    #[test]
    fn parallel_scan_equals_sequential_scan() {
        // Padding that looks like element boundaries inside strings.
        let tricky = "x},{\\\"id\\\":1},{".repeat(40) + "},{";
        let big = doc(3000, &tricky);
        assert!(big.len() > PARALLEL_MIN_BYTES);
        let want: Vec<String> = (0..3000).map(|i| format!("f{i:06}")).collect();
        assert_eq!(ids(big.as_bytes()).unwrap(), want);
        // The same at every cut: splitting must not change errors either.
        let dup = big.replacen("f002999", "f001234", 1);
        let e = ids(dup.as_bytes()).unwrap_err();
        assert_eq!((e.code, e.index), ("duplicate_id", Some(2999)));
        let bad = big.replacen(r#"{"id":"f002500""#, r#"{"di":"f002500""#, 1);
        let e = ids(bad.as_bytes()).unwrap_err();
        assert_eq!(
            (e.code, e.index, e.field.as_deref()),
            ("invalid_field", Some(2500), Some("id"))
        );
        let both = bad
            .replacen("f002999", "f000001", 1)
            .replacen("f001000", "f000002", 1);
        let e = ids(both.as_bytes()).unwrap_err();
        assert_eq!((e.code, e.index), ("duplicate_id", Some(1000)));
        let syntax = bad.replacen("f002900\"", "f002900", 1);
        assert_eq!(ids(syntax.as_bytes()).unwrap_err().code, "invalid_json");
        let trailing = format!("{big} x");
        assert_eq!(ids(trailing.as_bytes()).unwrap_err().code, "invalid_json");
    }

    #[test]
    fn false_guesses_do_not_change_results() {
        let small = doc(200, &"x},{\\\"y\\\":[1]},{".repeat(3));
        let expect = |r: Result<Vec<String>, ErrorDoc>| r.map_err(|e| (e.code, e.index, e.field));
        for text in [
            small.clone(),
            small.replacen("f000150", "f000007", 1),
            small.replacen(r#""id":"f000120""#, r#""id":7"#, 1),
            small.replacen("f000190\"", "f000190", 1),
        ] {
            let want = expect(ids_cut_every(text.as_bytes(), usize::MAX / 2));
            for stride in [5, 64, 331, 1000] {
                assert_eq!(
                    expect(ids_cut_every(text.as_bytes(), stride)),
                    want,
                    "stride {stride}"
                );
            }
        }
    }

    #[test]
    fn piece_starts_are_element_starts_or_guesses() {
        let text = br#"[{"a":1}, {"b":"},{"} ,{"c":3},{"d":"x},{"}]"#;
        let starts = piece_starts(text, 1, 4);
        assert_eq!(starts[0], 1);
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        for &s in &starts {
            assert_eq!(text[s], b'{');
        }
    }

    #[test]
    fn duplicate_check_survives_hash_collisions() {
        let ids = ["a", "b", "c", "b"];
        let id = |i: usize| ids[i];
        assert_eq!(
            first_duplicate(&[1, 2, 3, 2], id).and_then(|e| e.index),
            Some(3)
        );
        // Every hash equal: different ids are told apart by their strings.
        assert_eq!(
            first_duplicate(&[7, 7, 7, 7], id).and_then(|e| e.index),
            Some(3)
        );
        assert!(first_duplicate(&[7, 7, 7], id).is_none());
    }

    #[test]
    fn small_and_degenerate_documents() {
        assert_eq!(ids(b" [ ] ").unwrap(), Vec::<String>::new());
        assert_eq!(ids(b"[").unwrap_err().code, "invalid_json");
        assert_eq!(ids(b"").unwrap_err().code, "invalid_json");
        assert_eq!(ids(b"{}").unwrap_err().code, "invalid_json");
        assert_eq!(ids(b"[1,]").unwrap_err().code, "invalid_json");
        let e = ids(br#"[{"id":"a"},2]"#).unwrap_err();
        assert_eq!(
            (e.code, e.index, e.field.as_deref()),
            ("invalid_field", Some(1), Some(""))
        );
    }
}
