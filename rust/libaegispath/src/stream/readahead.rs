//! Reading ahead: a thread reads the input in chunks while the caller
//! scans what was read before, so that waiting for the disk and scanning
//! overlap (a streamed 21 GB document is read at the disk's pace, not at
//! the disk's pace plus the scan's). The chunks' buffers are handed back
//! and reused, so their pages are touched once.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::Scope;

use crate::document::Origin;

/// Chunks read and not yet taken, at most.
const AHEAD: usize = 2;

/// Alignment of direct reads (buffer address, length and file offset).
const ALIGN: usize = 4096;

/// Room left before the bytes of each chunk, so that the bytes a reader
/// keeps from the previous chunk (an element the chunk's end cut) can be
/// put in front of them without moving the chunk ([`ReadAhead::next_after`]).
pub(crate) const HEAD: usize = 64 << 10;

/// Asks for huge pages for `buf`'s capacity (Linux's transparent huge
/// pages): a fresh 8 MiB chunk then costs 4 page faults instead of 2,048.
pub(crate) fn advise_huge(buf: &mut Vec<u8>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = buf.as_mut_ptr() as usize;
        let end = start + buf.capacity();
        let from = start.next_multiple_of(HUGE);
        let to = end & !(HUGE - 1);
        if to > from {
            // SAFETY: the range lies within the buffer's allocation; the
            // advice changes how its pages are backed, not their content.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
}

/// The machine's memory in bytes (u64::MAX when unknown).
#[cfg(target_os = "linux")]
pub(crate) fn physical_memory() -> u64 {
    // SAFETY: sysconf only reads system configuration.
    let (pages, page) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    if pages > 0 && page > 0 {
        (pages as u64).saturating_mul(page as u64)
    } else {
        u64::MAX
    }
}

/// What the reading thread counts in each chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Count {
    /// Its newlines (while the chunk is in the thread's cache).
    Newlines,
    /// Nothing (the reader finds line numbers another way).
    Nothing,
}

/// Line and column of byte `at` of `file` ([`Origin`]: newlines before
/// it, bytes since the last of them), counted by reading the file from its
/// start: the streamed reader of a file finds the position of an error
/// this way instead of counting every newline as it reads. Aligned reads,
/// so that a file opened for direct I/O reads too.
#[cfg(unix)]
pub(crate) fn position_in(file: &File, at: usize) -> io::Result<Origin> {
    use std::os::unix::fs::FileExt;
    const STEP: usize = 1 << 20;
    let mut buf = vec![0u8; STEP + ALIGN];
    let start = buf.as_ptr().align_offset(ALIGN);
    let buf = &mut buf[start..start + STEP];
    let mut pos = Origin::default();
    while pos.offset < at {
        let n = file.read_at(buf, pos.offset as u64)?;
        if n == 0 {
            break; // the file shrank since
        }
        pos = pos.after(&buf[..n.min(at - pos.offset)]);
    }
    Ok(pos)
}

/// Bytes read into a buffer: `buf[data]`, and the number of newlines in
/// them (counted by the reading thread while they are in its cache, when
/// it counts them).
#[derive(Default)]
struct Chunk {
    buf: Vec<u8>,
    data: Range<usize>,
    newlines: usize,
}

/// A chunk taken whole ([`ReadAhead::next_after`]): the kept bytes and
/// the chunk's are `buf[bytes]`; the chunk's bytes hold `newlines`
/// newlines (the kept bytes are not counted).
pub(crate) struct Taken {
    pub(crate) buf: Vec<u8>,
    pub(crate) bytes: Range<usize>,
    pub(crate) newlines: usize,
}

/// A reader whose bytes another thread reads ahead (see the module doc).
pub(crate) struct ReadAhead {
    /// Bytes read at a time (fewer at the end).
    pub(crate) chunk: usize,
    chunks: Receiver<io::Result<Chunk>>,
    back: SyncSender<Vec<u8>>,
    cur: Chunk,
    done: bool,
}

impl ReadAhead {
    /// Starts reading `r` in chunks of `chunk` bytes on a thread of
    /// `scope`; the thread ends at the end of the input, on a read error
    /// or when the ReadAhead is dropped (after its current read).
    pub(crate) fn spawn<'s, 'e, R: Read + Send + 's>(
        scope: &'s Scope<'s, 'e>,
        mut r: R,
        chunk: usize,
        count: Count,
    ) -> ReadAhead {
        Self::start(scope, chunk, count, move |buf: &mut Vec<u8>| {
            buf.clear();
            if buf.capacity() < HEAD + chunk {
                // Not reserve: that would copy the old buffer's bytes.
                *buf = Vec::with_capacity(HEAD + chunk);
                advise_huge(buf);
            }
            buf.resize(HEAD, 0);
            (&mut r).take(chunk as u64).read_to_end(buf)?;
            Ok(HEAD..buf.len())
        })
    }

    /// [`ReadAhead::spawn`] for a file read with direct I/O (Linux's
    /// O_DIRECT: the disk writes into the buffers, bypassing the page
    /// cache), falling back to ordinary reads where the file system
    /// refuses it. For files far larger than the page cache can keep: a
    /// cold ordinary read of the 21 GB document runs at about 300 MB/s on
    /// the reference machine, a direct one at about 1 GB/s. `chunk` is a
    /// multiple of 4096.
    #[cfg(target_os = "linux")]
    pub(crate) fn spawn_direct<'s, 'e>(
        scope: &'s Scope<'s, 'e>,
        mut f: File,
        chunk: usize,
        count: Count,
    ) -> ReadAhead {
        debug_assert_eq!(chunk % ALIGN, 0);
        let mut direct = set_direct(&f, true);
        Self::start(scope, chunk, count, move |buf: &mut Vec<u8>| {
            if buf.len() != HEAD + chunk + ALIGN {
                *buf = vec![0; HEAD + chunk + ALIGN];
            }
            let start = HEAD + buf[HEAD..].as_ptr().align_offset(ALIGN);
            let region = &mut buf[start..start + chunk];
            let mut n = 0;
            while n < chunk {
                match f.read(&mut region[n..]) {
                    Ok(0) => break,
                    // A short read ends the aligned offsets: the rest (if
                    // any) is read the ordinary way.
                    Ok(k) => {
                        n += k;
                        if direct && k % ALIGN != 0 {
                            direct = !set_direct(&f, false);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if direct && e.raw_os_error() == Some(libc::EINVAL) => {
                        direct = !set_direct(&f, false);
                        if direct {
                            return Err(e);
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(start..start + n)
        })
    }

    /// Starts the thread: `read` fills a buffer (recycled, or empty) and
    /// says where the bytes are; none is the end.
    fn start<'s, 'e>(
        scope: &'s Scope<'s, 'e>,
        chunk: usize,
        count: Count,
        mut read: impl FnMut(&mut Vec<u8>) -> io::Result<Range<usize>> + Send + 's,
    ) -> ReadAhead {
        let (tx, chunks) = sync_channel::<io::Result<Chunk>>(AHEAD);
        let (back, spare) = sync_channel::<Vec<u8>>(AHEAD + 2);
        scope.spawn(move || {
            loop {
                let mut buf = spare.try_recv().unwrap_or_default();
                let read = read(&mut buf);
                let end = read.as_ref().map_or(true, Range::is_empty);
                let sent = tx.send(read.map(|data| {
                    let newlines = match count {
                        Count::Newlines => memchr::memchr_iter(b'\n', &buf[data.clone()]).count(),
                        Count::Nothing => 0,
                    };
                    Chunk {
                        buf,
                        data,
                        newlines,
                    }
                }));
                if sent.is_err() || end {
                    return;
                }
            }
        });
        ReadAhead {
            chunk,
            chunks,
            back,
            cur: Chunk::default(),
            done: false,
        }
    }
}

/// Turns O_DIRECT on or off for `f`; whether it worked.
#[cfg(target_os = "linux")]
fn set_direct(f: &File, on: bool) -> bool {
    use std::os::fd::AsRawFd;
    let fd = f.as_raw_fd();
    // SAFETY: fcntl on a descriptor `f` owns, with flag arguments only.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return false;
        }
        let flags = if on {
            flags | libc::O_DIRECT
        } else {
            flags & !libc::O_DIRECT
        };
        libc::fcntl(fd, libc::F_SETFL, flags) == 0
    }
}

impl ReadAhead {
    /// The unread bytes of the current chunk, the next chunk's when it is
    /// used up, or None at the end.
    fn current(&mut self) -> io::Result<Option<&[u8]>> {
        while self.cur.data.is_empty() {
            if self.done {
                return Ok(None);
            }
            let used = std::mem::take(&mut self.cur);
            self.recycle(used.buf);
            match self.chunks.recv() {
                Ok(Ok(c)) if !c.data.is_empty() => self.cur = c,
                Ok(Err(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Ok(Ok(_)) | Err(_) => self.done = true,
            }
        }
        Ok(Some(&self.cur.buf[self.cur.data.clone()]))
    }

    /// The next chunk whole with `kept` copied just before its bytes; None
    /// when the current chunk is partly read, at the end, or when `kept`
    /// does not fit in the room before the bytes.
    pub(crate) fn next_after(&mut self, kept: &[u8]) -> io::Result<Option<Taken>> {
        if !self.cur.data.is_empty() || self.current()?.is_none() {
            return Ok(None);
        }
        let Chunk {
            mut buf,
            data,
            newlines,
        } = std::mem::take(&mut self.cur);
        if kept.len() > data.start {
            self.cur = Chunk {
                buf,
                data,
                newlines,
            };
            return Ok(None);
        }
        let at = data.start - kept.len();
        buf[at..data.start].copy_from_slice(kept);
        Ok(Some(Taken {
            buf,
            bytes: at..data.end,
            newlines,
        }))
    }

    /// Hands a buffer back to the reading thread for reuse.
    pub(crate) fn recycle(&mut self, buf: Vec<u8>) {
        if buf.capacity() > 0 {
            let _ = self.back.try_send(buf);
        }
    }

    /// Appends at most `max` (> 0) bytes to `out`; 0 only at the end.
    pub(crate) fn append(&mut self, out: &mut Vec<u8>, max: usize) -> io::Result<usize> {
        let n = match self.current()? {
            Some(have) => {
                let n = max.min(have.len());
                out.extend_from_slice(&have[..n]);
                n
            }
            None => 0,
        };
        self.cur.data.start += n;
        Ok(n)
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let n = match self.current()? {
            Some(have) => {
                let n = out.len().min(have.len());
                out[..n].copy_from_slice(&have[..n]);
                n
            }
            None => 0,
        };
        self.cur.data.start += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_everything_in_order_and_passes_errors_on() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        for chunk in [1, 7, 4096, 1 << 20] {
            let got = std::thread::scope(|s| {
                let mut r = ReadAhead::spawn(s, &data[..], chunk, Count::Newlines);
                let mut got = Vec::new();
                r.read_to_end(&mut got).unwrap();
                got
            });
            assert!(got == data, "chunk {chunk}");
        }
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        std::thread::scope(|s| {
            let mut r = ReadAhead::spawn(s, Broken, 16, Count::Newlines);
            assert!(r.read_to_end(&mut Vec::new()).is_err());
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reads_a_file_directly_or_not() {
        // Not a multiple of 4096, so the last read is short; on a file
        // system without O_DIRECT (tmpfs) the reads fall back.
        let data: Vec<u8> = (0..3 * ALIGN as u32 + 77)
            .map(|i| (i % 253) as u8)
            .collect();
        let path = std::env::temp_dir().join(format!("readahead-{}", std::process::id()));
        std::fs::write(&path, &data).unwrap();
        for chunk in [ALIGN, 2 * ALIGN, 1 << 20] {
            let got = std::thread::scope(|s| {
                let mut r =
                    ReadAhead::spawn_direct(s, File::open(&path).unwrap(), chunk, Count::Newlines);
                let mut got = Vec::new();
                while r.append(&mut got, 1000).unwrap() > 0 {}
                got
            });
            assert!(got == data, "chunk {chunk}");
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn dropping_it_ends_the_thread() {
        // An endless input: the scope returns only if the thread ends.
        std::thread::scope(|s| {
            let mut r = ReadAhead::spawn(s, io::repeat(b'x'), 1 << 10, Count::Newlines);
            let mut buf = [0u8; 10];
            r.read_exact(&mut buf).unwrap();
        });
    }
}
