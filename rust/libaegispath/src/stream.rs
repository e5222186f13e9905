//! Streaming validation of a findings document read in bounded chunks (the
//! `aegispath` CLI on a file): only the 11 engine fields of each finding are
//! kept, copied into an arena, so memory grows with the findings, not with
//! the document. Results and error documents (offsets, lines and columns
//! included) are those of [`crate::validate::decode`] on the same
//! bytes, with one difference: there is no 4 GiB limit.
//!
//! The document is read into a window. An element and the separator after
//! it are scanned as one step from a mark; a step that fails within
//! [`LOOKAHEAD`] bytes of the window's end (which may be the window's
//! fault) runs again from the mark after the window moved and grew. As in
//! memory, the elements are scanned as bytes, the scanner checking UTF-8
//! in strings, and invalid UTF-8 anywhere is the error even after a syntax
//! error ([`Window::syntax_error`] checks the rest of the document).

use std::fs::File;
use std::io::{self, Read};

mod kept;
mod readahead;
mod window;

use foldhash::fast::RandomState;

use crate::compute::compute_keyed;
use crate::compute::keys::{Keys, LocalKeys};
use crate::document::{
    ElementResult, Ended, Origin, Run, empty_document, first_duplicate, not_an_array, scan_elements,
};
#[cfg(unix)]
use crate::mapped::Mapped;
use crate::scan::{Scanner, SyntaxError};
use crate::types::{AttackPathsDoc, ErrorDoc, Finding, Options};
use crate::validate::engine_element;
use kept::{Blocks, Kept};
use readahead::{Count, ReadAhead};
use window::{Bytes, Lines, Source, Window};

/// Bytes read at a time: each window is scanned in parallel pieces
/// (two windows are in memory at most while the next is read).
pub const CHUNK: usize = 8 << 20;

/// How far past a failing byte the scanner may have looked (a surrogate
/// pair escape is 12 bytes): failures further from the window's end are
/// real.
const LOOKAHEAD: usize = 16;

/// Why a streamed document was not read.
#[derive(Debug)]
pub enum StreamError {
    /// Bad input: the spec's error document.
    Doc(ErrorDoc),
    /// Reading failed.
    Io(io::Error),
}

impl From<ErrorDoc> for StreamError {
    fn from(e: ErrorDoc) -> Self {
        StreamError::Doc(e)
    }
}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Io(e)
    }
}

/// Validated findings read from a stream: their ids and what compute needs
/// of them (their other strings are not kept).
pub struct Findings {
    // Declared before the strings they borrow: dropped first.
    ids: Vec<&'static str>,
    keys: Keys<&'static str>,
    _strings: Blocks,
}

/// Bytes kept per finding besides its id's bytes (an id reference, the
/// account and three group numbers, the attributes).
pub const KEPT_BYTES_PER_FINDING: usize =
    size_of::<&str>() + 4 * size_of::<u32>() + size_of::<crate::compute::keys::Attr>();

// The Go test of aegispath's peak RSS (engines/rustengine) counts 48.
const _: () = assert!(KEPT_BYTES_PER_FINDING <= 48);

impl Findings {
    /// Number of findings.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The ids in document order.
    pub fn ids(&self) -> &[&str] {
        &self.ids
    }

    /// The output document. The keys move into the computation (it frees
    /// them as it goes): a second call sees no findings.
    pub fn compute(&mut self, opt: Options) -> AttackPathsDoc<'_> {
        let keys = std::mem::take(&mut self.keys);
        compute_keyed(keys, &self.ids, opt)
    }
}

/// Reads and validates a findings document from `r` (read ahead on a
/// thread of its own), as [`decode`] does for bytes in memory.
pub fn decode_reader(r: impl Read + Send) -> Result<Findings, StreamError> {
    read_chunked(r, CHUNK, 0)
}

/// [`decode_reader`] for a file of `size` bytes: the findings are
/// allocated once for the number that size suggests (a 10M-finding vector
/// grown by doubling holds 1.5x its size during each copy); the windows
/// are slices of a mapping of the file (a mapped file must not be
/// truncated while it is read), except that a file larger than half the
/// machine's memory, which the page cache cannot keep for the next run, is
/// read with direct I/O.
pub fn decode_file(f: File, size: u64) -> Result<Findings, StreamError> {
    #[cfg(target_os = "linux")]
    let map = size <= readahead::physical_memory() / 2;
    #[cfg(not(target_os = "linux"))]
    let map = cfg!(unix);
    read_file_chunked(f, size, CHUNK, map)
}

/// [`decode_file`] with windows of `chunk` bytes, of a mapping of the file
/// when `map` is true (on Unix; not for a file read with direct I/O).
/// On Unix nothing counts newlines as the windows pass: an error's line is
/// found in the file ([`Lines::InFile`]; the count was 6% of the CPU time
/// of a streamed 200K document).
fn read_file_chunked(f: File, size: u64, chunk: usize, map: bool) -> Result<Findings, StreamError> {
    let estimate = (size / BYTES_PER_FINDING) as usize;
    #[cfg(unix)]
    if map {
        // No copy of the file's bytes, no reading thread: the scan reads
        // the page cache, and the pages it passed are dropped.
        let source = Source::Map {
            map: Mapped::new(&f, size)?,
            dropped: 0,
        };
        return read_window(source, chunk, Lines::InFile(f), estimate);
    }
    #[cfg(not(unix))]
    let _ = map;
    #[cfg(unix)]
    let (lines, count) = (Lines::InFile(f.try_clone()?), Count::Nothing);
    #[cfg(not(unix))]
    let (lines, count) = (Lines::Counted, Count::Newlines);
    let read = read_size(chunk);
    std::thread::scope(|s| {
        #[cfg(target_os = "linux")]
        let r = if size > readahead::physical_memory() / 2 {
            ReadAhead::spawn_direct(s, f, read, count)
        } else {
            ReadAhead::spawn(s, f, read, count)
        };
        #[cfg(not(target_os = "linux"))]
        let r = ReadAhead::spawn(s, f, read, count);
        read_window(Source::Read(r), chunk, lines, estimate)
    })
}

/// Bytes per finding of realistic documents (about 2,090), rounded down:
/// an overestimate of the count, so the vectors are not grown (what is
/// reserved and not used is never touched, so it takes no memory).
const BYTES_PER_FINDING: u64 = 2048;

/// [`decode_reader`] with reads of `chunk` bytes (tests use tiny ones, so
/// that windows end everywhere).
fn read_chunked(
    r: impl Read + Send,
    chunk: usize,
    estimate: usize,
) -> Result<Findings, StreamError> {
    std::thread::scope(|s| {
        let r = ReadAhead::spawn(s, r, read_size(chunk), Count::Newlines);
        read_window(Source::Read(r), chunk, Lines::Counted, estimate)
    })
}

/// The size of the reads behind windows of `chunk` bytes: tests' tiny
/// windows are read in larger chunks (a chunk costs a message); from 1 KiB
/// on, in chunks as large as the windows.
fn read_size(chunk: usize) -> usize {
    if chunk < 1024 { CHUNK } else { chunk }
}

/// [`read_chunked`] from the reader thread's output.
fn read_window(
    source: Source,
    chunk: usize,
    lines: Lines,
    estimate: usize,
) -> Result<Findings, StreamError> {
    let mut w = Window {
        source,
        chunk: chunk.max(1),
        buf: Bytes::default(),
        lines,
        newlines: None,
        origin: Origin::default(),
        eof: false,
    };
    w.fill(0)?;
    // The first non-blank byte (blank windows dropped as they come).
    let start = loop {
        match w.buf.iter().position(|b| !b" \t\r\n".contains(b)) {
            Some(p) => break p,
            None if w.eof => return Err(empty_document().into()),
            None => {
                let blank = w.buf.len();
                w.fill(blank)?;
            }
        }
    };
    if w.buf[start] != b'[' {
        return Err(not_array(&mut w, start));
    }
    stream_elements(&mut w, start, estimate)
}

/// The error document of a document whose top level is not an array, from
/// its first non-blank byte at window offset `start`: the in-memory
/// reader's, found in bounded memory. The value is scanned in the window
/// (grown only while its end may cut the value, as for an over-long
/// element); a syntax error and what follows the value go to
/// [`Window::syntax_error`] and [`finish`], which read the rest of the
/// document for the invalid-UTF-8 rule without keeping it.
fn not_array(w: &mut Window, mut start: usize) -> StreamError {
    loop {
        let text = match w.text() {
            Ok(t) => t,
            Err(utf8) => return utf8,
        };
        let len = text.len();
        let mut sc = match Scanner::over(text) {
            Ok(sc) => sc,
            Err(e) => return w.json_error(e),
        };
        sc.seek(start);
        // None: the window's end cuts the character at `start`.
        let res = match sc.peek() {
            None => Ok(None),
            Some(_) => sc.value(1).map(|_| Some(sc.pos())),
        };
        match res {
            Ok(Some(end)) => {
                return match finish(w, end) {
                    Ok(()) => not_an_array().into(),
                    Err(e) => e,
                };
            }
            Err(e) if !truncated(w, &e, len) => return w.syntax_error(e),
            Ok(None) | Err(_) => {}
        }
        if let Err(io) = w.fill(start) {
            return io.into();
        }
        start = 0;
    }
}

/// Whether a syntax error at `e` in a window of `len` bytes may be the
/// window's fault (the document goes on past it).
fn truncated(w: &Window, e: &SyntaxError, len: usize) -> bool {
    !w.eof && e.offset + LOOKAHEAD >= len
}

/// Reads the `[` at `start` and the white space after it: the offset of
/// the first element in the window, or None for an empty array (what
/// follows it checked).
fn open_array(w: &mut Window, mut start: usize) -> Result<Option<usize>, StreamError> {
    loop {
        let text = w.text()?;
        let len = text.len();
        let mut sc = Scanner::over(text).map_err(|e| w.json_error(e))?;
        sc.seek(start);
        let res = (|| {
            sc.enter(1)?;
            sc.begin_array()?;
            sc.next_element(&mut true)
        })();
        match res {
            Ok(true) => {
                sc.skip_ws();
                return Ok(Some(sc.pos()));
            }
            Ok(false) => {
                let end = sc.pos();
                finish(w, end)?;
                return Ok(None);
            }
            Err(e) if truncated(w, &e, len) => {
                w.fill(start)?;
                start = 0;
            }
            Err(e) => return Err(w.syntax_error(e)),
        }
    }
}

/// The element handler of a window: [`engine_element`], or after a field
/// error (`validate_only`) a check that the element is well-formed.
fn element_reader<'a>(
    validate_only: bool,
) -> impl Fn(&mut Scanner<'a>) -> crate::scan::Result<ElementResult<Finding<'a>>> + Sync {
    move |sc| {
        if validate_only {
            sc.value(2)?;
            Ok(Err(("", String::new())))
        } else {
            engine_element(sc)
        }
    }
}

/// The element loop of [`decode_reader`] from the `[` at `start`: each
/// window is scanned in parallel pieces as a document in memory is
/// ([`scan_elements`]) up to the element it cuts, whose bytes start the
/// next window; the findings are then copied into the arena.
fn stream_elements(w: &mut Window, start: usize, estimate: usize) -> Result<Findings, StreamError> {
    let hasher = RandomState::default();
    let mut kept = Kept::with_capacity(estimate);
    let mut hashes = Vec::with_capacity(estimate);
    let mut error: Option<ErrorDoc> = None;
    let mut index = 0;
    let mut next = open_array(w, start)?;
    while let Some(mark) = next {
        // The window's borrows end with this block.
        let (ended, len) = {
            // Scanned as bytes: the scanner checks UTF-8 in the strings it
            // reads (anywhere else a byte above 0x7F is a syntax error, and
            // a syntax error goes to Window::syntax_error, which checks
            // the rest of the document), so the window is not validated
            // first. A character the window's end cuts fails within
            // LOOKAHEAD of the end, as a cut token does.
            let len = w.buf.len();
            let sc = Scanner::new(&w.buf).map_err(|e| w.json_error(e))?;
            let element = element_reader(error.is_some());
            let run: Run<_, LocalKeys<_>> =
                scan_elements(&sc, mark, &element, &|f: &Finding<'_>| &f.id, &hasher);
            // The items borrow the window: copied out before it moves.
            if error.is_none() {
                hashes.extend(run.hashes);
                run.items.iter().for_each(|f| kept.push(f));
                kept.merge(run.gathered);
                if let Some((i, field, msg)) = run.error {
                    error = Some(ErrorDoc::field(index + i, field, msg));
                }
            }
            index += run.count;
            (run.ended, len)
        };
        next = match ended {
            Ended::End(end) => {
                finish(w, end)?;
                None
            }
            Ended::Syntax(e, mark) if truncated(w, &e, len) => {
                w.fill(mark)?;
                Some(0)
            }
            Ended::Syntax(e, _) => return Err(w.syntax_error(e)),
        };
    }
    // The values are freed before the duplicate check's table is made.
    let findings = kept.finish();
    if let Some(dup) = first_duplicate(&hashes, |i| findings.ids[i]) {
        return Err(dup.into());
    }
    match error {
        Some(e) => Err(e.into()),
        None => Ok(findings),
    }
}

/// Checks that only white space follows the array that ended at `end`.
fn finish(w: &mut Window, mut end: usize) -> Result<(), StreamError> {
    loop {
        let text = w.text()?;
        match text.as_bytes()[end..]
            .iter()
            .position(|b| !b" \t\r\n".contains(b))
        {
            Some(p) => {
                let e = SyntaxError {
                    offset: end + p,
                    what: "unexpected data after the top-level value",
                };
                return Err(w.syntax_error(e));
            }
            None if w.eof => return Ok(()),
            None => {
                let keep = text.len();
                w.fill(keep)?;
                end = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests;
