//! A whole file mapped into memory read-only: the page cache is the
//! buffer, so reading it copies and zeroes nothing. Used for findings files
//! ([`crate::file`] maps small ones whole, [`crate::stream`] reads larger
//! ones window by window through a mapping, dropping the pages it passed).
//! A mapped file must not be truncated while it is read: the process would
//! then be stopped by SIGBUS, as git or ripgrep would.

use std::fs::File;
use std::io;
use std::ops::Range;

/// The page size madvise works in (4 KiB on the platforms built here; a
/// larger page only makes drop_pages drop less).
pub(crate) const PAGE: usize = 4096;

/// A whole file mapped read-only (read into memory where there is no
/// `mmap`).
pub(crate) struct Mapped {
    #[cfg(unix)]
    ptr: *mut libc::c_void,
    #[cfg(unix)]
    len: usize,
    #[cfg(not(unix))]
    bytes: Vec<u8>,
}

impl Mapped {
    /// Maps `file`, `len` bytes long.
    #[cfg(unix)]
    pub(crate) fn new(file: &File, len: u64) -> io::Result<Mapped> {
        use std::os::fd::AsRawFd;
        let too_large = || io::Error::new(io::ErrorKind::InvalidInput, "file too large to map");
        let len = usize::try_from(len).map_err(|_| too_large())?;
        if len == 0 {
            // mmap refuses an empty mapping.
            return Ok(Mapped {
                ptr: std::ptr::null_mut(),
                len,
            });
        }
        // SAFETY: a fresh read-only private mapping of an open file; its
        // pages are read only through `bytes`, and unmapped once, on drop.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(Mapped { ptr, len })
    }

    /// Reads `file` whole.
    #[cfg(not(unix))]
    pub(crate) fn new(file: &File, len: u64) -> io::Result<Mapped> {
        use std::io::Read;
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        let mut file = file;
        file.read_to_end(&mut bytes)?;
        Ok(Mapped { bytes })
    }

    /// The file's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        #[cfg(unix)]
        {
            if self.len == 0 {
                return &[];
            }
            // SAFETY: `ptr` maps `len` readable bytes until drop.
            unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
        }
        #[cfg(not(unix))]
        {
            &self.bytes
        }
    }

    /// The mapping's length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.bytes().len()
    }

    /// Drops the pages that lie wholly inside `range` from the process's
    /// memory (they are read again from the file if touched): what a
    /// streamed reader has passed stops counting in its resident set.
    pub(crate) fn drop_pages(&self, range: Range<usize>) {
        let from = range.start.next_multiple_of(PAGE);
        let to = range.end.min(self.len()) & !(PAGE - 1);
        #[cfg(unix)]
        self.advise(from..to, libc::MADV_DONTNEED);
        #[cfg(not(unix))]
        let _ = (from, to);
    }

    /// Asks the kernel to start reading the pages of `range` (clamped to
    /// the mapping) from the disk now, so that a streamed reader's next
    /// window is in memory when it gets there.
    pub(crate) fn will_need(&self, range: Range<usize>) {
        let from = range.start.min(self.len()) & !(PAGE - 1);
        let to = range.end.min(self.len());
        #[cfg(unix)]
        self.advise(from..to, libc::MADV_WILLNEED);
        #[cfg(not(unix))]
        let _ = (from, to);
    }

    /// madvise over `range` of the mapping (its start page-aligned; the
    /// mapping starts on a page), when it is not empty.
    #[cfg(unix)]
    fn advise(&self, range: Range<usize>, advice: libc::c_int) {
        if range.end > range.start {
            debug_assert!(range.start.is_multiple_of(PAGE) && range.end <= self.len);
            // SAFETY: a page-aligned range inside the mapping. The callers'
            // advice (DONTNEED on pages no live slice borrows, WILLNEED)
            // changes no byte the program reads: a read-only file
            // mapping's pages are read again from the file.
            unsafe {
                libc::madvise(
                    self.ptr.cast::<u8>().add(range.start).cast(),
                    range.len(),
                    advice,
                );
            }
        }
    }
}

#[cfg(unix)]
impl Drop for Mapped {
    fn drop(&mut self) {
        if self.len > 0 {
            // SAFETY: the mapping made in `new`, no longer borrowed.
            unsafe { libc::munmap(self.ptr, self.len) };
        }
    }
}
