//! The window of a streamed document: the bytes from a mark on, moved
//! and grown over the source (a reading thread's chunks, or a mapping of
//! the file), with where it lies in the document (offset, and line and
//! column when they are counted) for the error documents.

use std::fs::File;
use std::io;

use super::StreamError;
use super::readahead::{self, ReadAhead};
use crate::document::{Origin, json_error_at, json_error_in};
#[cfg(unix)]
use crate::mapped::{self, Mapped};
use crate::scan::{SyntaxError, validate_utf8};

/// The window's bytes: `v[range]`, or when `mapped` is not null, `range`
/// of the file's mapping, which starts at `mapped`.
pub(super) struct Bytes {
    v: Vec<u8>,
    range: std::ops::Range<usize>,
    mapped: *const u8,
}

impl Default for Bytes {
    fn default() -> Self {
        Bytes {
            v: Vec::new(),
            range: 0..0,
            mapped: std::ptr::null(),
        }
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        if self.mapped.is_null() {
            return &self.v[self.range.clone()];
        }
        // SAFETY: `mapped` is the start of the window's mapping
        // (Source::Map), which lives as long as the window, and `range`
        // lies within it (Window::fill).
        unsafe { std::slice::from_raw_parts(self.mapped.add(self.range.start), self.range.len()) }
    }
}

/// Where a window's bytes come from.
pub(super) enum Source {
    /// A reading thread's chunks (any reader; a file read with direct I/O).
    Read(ReadAhead),
    /// A mapping of the whole file: a window is a slice of it, and the
    /// pages before it (from `dropped` on) are dropped as it moves.
    #[cfg(unix)]
    Map { map: Mapped, dropped: usize },
}

/// How a streamed document's errors get their line and column.
pub(super) enum Lines {
    /// From the newlines counted as the windows pass (any reader).
    Counted,
    /// From the file, read again from its start when an error needs them
    /// (a regular file: nothing is counted unless there is an error).
    #[cfg(unix)]
    InFile(File),
}

/// The window: bytes of the document from `origin` on.
pub(super) struct Window {
    pub(super) source: Source,
    pub(super) chunk: usize,
    pub(super) buf: Bytes,
    pub(super) lines: Lines,
    /// Newlines in `buf`, when known (a chunk taken whole, and counted).
    pub(super) newlines: Option<usize>,
    /// Where `buf` starts: its offset, and with [`Lines::Counted`] its
    /// line and column.
    pub(super) origin: Origin,
    pub(super) eof: bool,
}

impl Window {
    /// Drops `buf[..keep]` and reads until a chunk more is in (or the end);
    /// when nothing is dropped (an element longer than the window), the
    /// window doubles, so a long element is scanned a few times, not once
    /// per chunk. Windows of the reader's chunk size take its next chunk
    /// whole, the kept bytes put in front of it; a window of a mapping
    /// moves over it, dropping the pages it passed.
    pub(super) fn fill(&mut self, keep: usize) -> io::Result<()> {
        let (dropped, rest) = self.buf.split_at(keep);
        // What is kept (in a streamed document, the element the window
        // cut) is counted once: for the newlines dropped, when the
        // window's are known, and for those of the window it starts.
        let counted = matches!(self.lines, Lines::Counted);
        let kept_newlines = if counted {
            memchr::memchr_iter(b'\n', rest).count()
        } else {
            0
        };
        let newlines = self.newlines.take();
        self.origin = if !counted {
            Origin {
                offset: self.origin.offset + dropped.len(),
                ..self.origin
            }
        } else if let Some(all) = newlines {
            self.origin.after_counted(dropped, all - kept_newlines)
        } else {
            self.origin.after(dropped)
        };
        let add = |rest: usize| {
            if keep == 0 {
                rest.max(self.chunk)
            } else {
                self.chunk
            }
        };
        let r = match &mut self.source {
            Source::Read(r) => r,
            #[cfg(unix)]
            Source::Map { map, dropped } => {
                let start = self.origin.offset;
                let rest = rest.len();
                let end = (start + rest + add(rest)).min(map.len());
                map.drop_pages(*dropped..start);
                map.will_need(end..end + self.chunk);
                *dropped = start & !(mapped::PAGE - 1);
                self.buf = Bytes {
                    v: Vec::new(),
                    range: start..end,
                    mapped: map.bytes().as_ptr(),
                };
                self.eof = end == map.len();
                return Ok(());
            }
        };
        if (keep > 0 || self.buf.is_empty())
            && self.chunk >= r.chunk
            && let Some(taken) = r.next_after(rest)?
        {
            let next = Bytes {
                v: taken.buf,
                range: taken.bytes,
                mapped: std::ptr::null(),
            };
            let newlines = taken.newlines + kept_newlines;
            let used = std::mem::replace(&mut self.buf, next);
            self.newlines = Some(newlines);
            r.recycle(used.v);
            return Ok(());
        }
        let v = &mut self.buf.v;
        v.truncate(self.buf.range.end);
        v.drain(..self.buf.range.start + keep);
        let add = add(v.len());
        let want = v.len() + add;
        if v.capacity() < want {
            v.reserve(add);
            readahead::advise_huge(v);
        }
        while v.len() < want && !self.eof {
            let n = r.append(v, want - v.len())?;
            self.eof = n == 0;
        }
        self.buf.range = 0..v.len();
        Ok(())
    }

    /// The error document for a syntax error at window offset `e.offset`
    /// (an I/O error if the file cannot be read again for its line).
    pub(super) fn json_error(&self, e: SyntaxError) -> StreamError {
        match &self.lines {
            Lines::Counted => json_error_in(&self.buf, self.origin, e).into(),
            #[cfg(unix)]
            Lines::InFile(f) => {
                let at = self.origin.offset + e.offset.min(self.buf.len());
                match readahead::position_in(f, at) {
                    Ok(pos) => json_error_at(pos, self.origin.offset + e.offset, e.what).into(),
                    Err(io) => io.into(),
                }
            }
        }
    }

    /// The longest prefix that is UTF-8 and ends on a character boundary,
    /// or the error for the document's first invalid byte.
    pub(super) fn text(&self) -> Result<&str, StreamError> {
        let buf: &[u8] = &self.buf;
        // The bytes before the last character start are validated in
        // parallel pieces; the rest (a character the window may cut) by
        // from_utf8, which tells a cut character from an invalid one.
        let mut head = buf.len().saturating_sub(1);
        while head > 0 && buf[head] & 0xC0 == 0x80 && buf.len() - head < 4 {
            head -= 1;
        }
        if buf.get(head).is_some_and(|b| b & 0xC0 == 0x80) {
            head = 0; // no character start near the end: all by from_utf8
        }
        if let Err(at) = validate_utf8(&buf[..head]) {
            return Err(self.utf8_error(at));
        }
        match std::str::from_utf8(&buf[head..]) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() && !self.eof => {
                // SAFETY: both parts up to here were just validated, and
                // `head` is a character start.
                return Ok(unsafe {
                    std::str::from_utf8_unchecked(&buf[..head + e.valid_up_to()])
                });
            }
            Err(e) => return Err(self.utf8_error(head + e.valid_up_to())),
        }
        // SAFETY: validated in two parts cut at a character start.
        Ok(unsafe { std::str::from_utf8_unchecked(buf) })
    }

    fn utf8_error(&self, at: usize) -> StreamError {
        self.json_error(SyntaxError {
            offset: at,
            what: "invalid UTF-8",
        })
    }

    /// After a syntax error at window offset `at`: the error, unless the
    /// rest of the document holds invalid UTF-8, which wins as in memory.
    pub(super) fn syntax_error(&mut self, e: SyntaxError) -> StreamError {
        let doc = self.json_error(e);
        loop {
            match self.text() {
                Err(utf8) => return utf8,
                Ok(_) if self.eof => return doc,
                Ok(t) => {
                    let keep = t.len();
                    if let Err(io) = self.fill(keep) {
                        return io.into();
                    }
                }
            }
        }
    }
}
