//! libaegispath: the attack-path engine of aegisbench in Rust.
//!
//! JSON in, JSON out, exactly as the Go engine (engines/SPEC.md). Three
//! ways in: the safe API ([`attack_paths`], [`list_findings`]), the C ABI
//! below (called from Go over cgo, `include/aegispath.h`), and the
//! `aegispath` CLI.

pub mod compute;
mod document;
pub mod file;
pub mod list;
pub mod load;
mod mapped;
pub mod scan;
pub mod stream;
#[cfg(feature = "test-hooks")]
pub mod test_hooks;
pub mod types;
pub mod validate;

use std::any::Any;
use std::ffi::c_char;
use std::fs::File;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::ptr;
use std::time::{Duration, Instant};

use stream::StreamError;
pub use types::{ErrorDoc, Finding, Options};

/// Runs the attack-path operation: options, then the findings document,
/// then the output document (SPEC sections 2-5).
pub fn attack_paths(input: &[u8], max_depth: i64, top_k: i64) -> Result<Vec<u8>, ErrorDoc> {
    let opt = Options::new(max_depth, top_k)?;
    let mut findings = validate::decode_keyed(input)?;
    Ok(encode(&findings.compute(opt)))
}

/// Runs the attack-path operation on the findings file at `path`, a
/// regular file, mapped whole up to [`file::map_limit`] bytes and streamed
/// beyond ([`file::with_findings`]): a large file is never copied into
/// memory whole, so memory grows with the findings, not with the file. The answer and
/// the error documents are those of [`attack_paths`] on the file's bytes
/// (options first). `Err(StreamError::Io)` when the file cannot be opened
/// or read, or is not a regular file (a pipe or a device has no size and
/// no end this call could bound: read it and call [`attack_paths`]).
pub fn attack_paths_file(path: &Path, max_depth: i64, top_k: i64) -> Result<Vec<u8>, StreamError> {
    attack_paths_file_timed(path, max_depth, top_k, &mut FileStages::default())
}

/// The wall time of each stage of one [`attack_paths_file_timed`] call
/// (zero for a stage it did not reach).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileStages {
    /// Opening, reading and validating the file (mapped or streamed).
    pub read_validate: Duration,
    /// Computing the paths.
    pub compute: Duration,
    /// Encoding the output document.
    pub encode: Duration,
}

/// [`attack_paths_file`], timing its stages into `stages`.
pub fn attack_paths_file_timed(
    path: &Path,
    max_depth: i64,
    top_k: i64,
    stages: &mut FileStages,
) -> Result<Vec<u8>, StreamError> {
    let opt = Options::new(max_depth, top_k)?;
    let start = Instant::now();
    // Checked before opening too: opening a FIFO would wait for a writer.
    let not_regular = || io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_regular().into());
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular().into());
    }
    let out = file::with_findings(file, meta.len(), file::map_limit()?, |mut findings| {
        stages.read_validate = start.elapsed();
        let start = Instant::now();
        let doc = findings.compute(opt);
        stages.compute = start.elapsed();
        let start = Instant::now();
        let out = encode(&doc);
        stages.encode = start.elapsed();
        out
    });
    if out.is_err() {
        stages.read_validate = start.elapsed();
    }
    out
}

/// Serializes an output document.
pub fn encode(doc: &types::AttackPathsDoc<'_>) -> Vec<u8> {
    serde_json::to_vec(doc).expect("the output document serializes")
}

/// Runs the list operation (SPEC section 7): the query, then the document.
pub fn list_findings(input: &[u8], query: &[u8]) -> Result<Vec<u8>, ErrorDoc> {
    list::list_findings(input, query)
}

/// The version of the C ABI this library implements (`AEGIS_ABI_VERSION`
/// of include/aegispath.h, returned by [`aegis_abi_version`]). It changes
/// whenever a signature, a status code or an ownership rule of the ABI
/// changes, so that a loader refuses a library built for another contract.
pub const AEGIS_ABI_VERSION: u32 = 1;

/// `*out` holds the output document.
pub const AEGIS_OK: i32 = 0;
/// `*err` holds the spec's error document.
pub const AEGIS_BAD_INPUT: i32 = 1;
/// A panic was caught; `*err` holds an `internal` error document.
pub const AEGIS_INTERNAL: i32 = 2;
/// A null pointer or bad length was passed; nothing was allocated.
pub const AEGIS_INVALID_ARG: i32 = 3;
/// The findings file could not be read (only [`aegis_attack_paths_file`]);
/// `*err` holds the error's message as UTF-8 text (not a document).
pub const AEGIS_IO_ERROR: i32 = 4;

static VERSION: &str = concat!(
    "libaegispath ",
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("AEGIS_RUSTC_VERSION"),
    ")\0"
);

/// The bytes behind (ptr, len), or None for a null pointer with len > 0 or
/// a length no slice can have.
///
/// # Safety
/// A non-null `ptr` must point to `len` readable bytes for `'a`.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len > isize::MAX as usize {
        return None;
    }
    if ptr.is_null() {
        return (len == 0).then_some(&[][..]);
    }
    // SAFETY: the caller passes len readable bytes at ptr.
    Some(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Hands a buffer to the caller as (ptr, len); empty buffers are (NULL, 0).
///
/// # Safety
/// `ptr` and `len` must be valid for writes.
unsafe fn give(buf: Vec<u8>, ptr: *mut *mut u8, len: *mut usize) {
    let (p, n) = if buf.is_empty() {
        (ptr::null_mut(), 0)
    } else {
        let boxed = buf.into_boxed_slice();
        let n = boxed.len();
        (Box::into_raw(boxed) as *mut u8, n)
    };
    // SAFETY: the caller checked both pointers for null.
    unsafe {
        *ptr = p;
        *len = n;
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic payload");
    format!("libaegispath panicked: {what}")
}

/// The common body of the exports: clears the out-parameters, checks them,
/// runs `op` under catch_unwind and hands out its document (an error
/// document for bad input, a message for an I/O error).
///
/// # Safety
/// Non-null out-parameters must be valid for writes.
pub(crate) unsafe fn call(
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut u8,
    err_len: *mut usize,
    op: impl FnOnce() -> Option<Result<Vec<u8>, StreamError>>,
) -> i32 {
    let status = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: each pointer is written only when non-null.
        unsafe {
            if !out.is_null() {
                *out = ptr::null_mut();
            }
            if !out_len.is_null() {
                *out_len = 0;
            }
            if !err.is_null() {
                *err = ptr::null_mut();
            }
            if !err_len.is_null() {
                *err_len = 0;
            }
        }
        if out.is_null() || out_len.is_null() || err.is_null() || err_len.is_null() {
            return AEGIS_INVALID_ARG;
        }
        match catch_unwind(AssertUnwindSafe(op)) {
            Ok(None) => AEGIS_INVALID_ARG,
            // SAFETY: all four pointers are non-null (checked above).
            Ok(Some(Ok(doc))) => unsafe {
                give(doc, out, out_len);
                AEGIS_OK
            },
            Ok(Some(Err(StreamError::Doc(e)))) => unsafe {
                give(e.to_json(), err, err_len);
                AEGIS_BAD_INPUT
            },
            Ok(Some(Err(StreamError::Io(e)))) => unsafe {
                give(e.to_string().into_bytes(), err, err_len);
                AEGIS_IO_ERROR
            },
            Err(payload) => unsafe {
                give(
                    ErrorDoc::internal(panic_message(payload.as_ref())).to_json(),
                    err,
                    err_len,
                );
                AEGIS_INTERNAL
            },
        }
    }));
    status.unwrap_or(AEGIS_INTERNAL)
}

/// Attack paths: findings document in, output document out. Options are
/// unchecked so that out-of-range values reach the invalid_options rule.
///
/// # Safety
/// `input` must point to `input_len` readable bytes (or be NULL with
/// `input_len` 0); the four out-parameters must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_attack_paths(
    input: *const u8,
    input_len: usize,
    max_depth: i64,
    top_k: i64,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut u8,
    err_len: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees.
    unsafe {
        call(out, out_len, err, err_len, || {
            let doc = self::input(input, input_len)?;
            Some(attack_paths(doc, max_depth, top_k).map_err(StreamError::from))
        })
    }
}

/// Attack paths over a findings file named by its path (bytes, no NUL
/// needed; on Unix any bytes, elsewhere UTF-8), which the library maps or
/// streams ([`attack_paths_file`]). Statuses as [`aegis_attack_paths`], plus
/// AEGIS_IO_ERROR when the file cannot be read or is not a regular file.
///
/// # Safety
/// `path` must point to `path_len` readable bytes; the four
/// out-parameters must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_attack_paths_file(
    path: *const u8,
    path_len: usize,
    max_depth: i64,
    top_k: i64,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut u8,
    err_len: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees; no stage times asked for.
    unsafe {
        aegis_attack_paths_file_timed(
            path,
            path_len,
            max_depth,
            top_k,
            out,
            out_len,
            err,
            err_len,
            ptr::null_mut(),
        )
    }
}

/// [`aegis_attack_paths_file`], also writing the wall time of its stages
/// in nanoseconds to `stage_ns[0..3]` ([`FileStages`]: reading and
/// validating, computing, encoding; zeros for stages not reached), unless
/// `stage_ns` is NULL.
///
/// # Safety
/// As [`aegis_attack_paths_file`]; a non-null `stage_ns` must be valid for
/// writing 3 values.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_attack_paths_file_timed(
    path: *const u8,
    path_len: usize,
    max_depth: i64,
    top_k: i64,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut u8,
    err_len: *mut usize,
    stage_ns: *mut u64,
) -> i32 {
    let mut stages = FileStages::default();
    // SAFETY: forwarded caller guarantees.
    let status = unsafe {
        call(out, out_len, err, err_len, || {
            let path = path_from_bytes(self::input(path, path_len)?)?;
            Some(attack_paths_file_timed(path, max_depth, top_k, &mut stages))
        })
    };
    if !stage_ns.is_null() {
        let ns = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let values = [
            ns(stages.read_validate),
            ns(stages.compute),
            ns(stages.encode),
        ];
        // SAFETY: the caller passes room for 3 values.
        unsafe { ptr::copy_nonoverlapping(values.as_ptr(), stage_ns, 3) };
    }
    status
}

/// A path given as bytes: any bytes on Unix, UTF-8 elsewhere (None if
/// not); empty is None (no file has that name).
fn path_from_bytes(b: &[u8]) -> Option<&Path> {
    if b.is_empty() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(Path::new(std::ffi::OsStr::from_bytes(b)))
    }
    #[cfg(not(unix))]
    {
        std::str::from_utf8(b).ok().map(Path::new)
    }
}

/// List operation: findings document and query object in, page out.
///
/// # Safety
/// `input` and `query` must point to their lengths of readable bytes (or be
/// NULL with length 0); the four out-parameters must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_list_findings(
    input: *const u8,
    input_len: usize,
    query: *const u8,
    query_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut u8,
    err_len: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees.
    unsafe {
        call(out, out_len, err, err_len, || {
            let doc = self::input(input, input_len)?;
            let q = self::input(query, query_len)?;
            Some(list_findings(doc, q).map_err(StreamError::from))
        })
    }
}

/// Copies input into a new Rust-owned buffer (the FFI round-trip cost).
///
/// # Safety
/// As [`aegis_attack_paths`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_echo(
    input: *const u8,
    input_len: usize,
    out: *mut *mut u8,
    out_len: *mut usize,
    err: *mut *mut u8,
    err_len: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller guarantees.
    unsafe {
        call(out, out_len, err, err_len, || {
            Some(Ok(self::input(input, input_len)?.to_vec()))
        })
    }
}

/// Does nothing and returns AEGIS_OK: the bare cost of one call.
#[unsafe(no_mangle)]
pub extern "C" fn aegis_noop() -> i32 {
    AEGIS_OK
}

/// Frees a buffer returned in `*out` or `*err`; NULL is a no-op.
///
/// # Safety
/// `ptr` must come from this library's `*out`/`*err` with its `len`, and be
/// freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_free(ptr: *mut u8, len: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: ptr/len came from Box<[u8]>::into_raw in `give`.
    let _ = catch_unwind(|| unsafe {
        drop(Box::from_raw(ptr::slice_from_raw_parts_mut(ptr, len)));
    });
}

/// The ABI version ([`AEGIS_ABI_VERSION`]): the first call a loader makes.
#[unsafe(no_mangle)]
pub extern "C" fn aegis_abi_version() -> u32 {
    AEGIS_ABI_VERSION
}

/// Static NUL-terminated version string; never freed.
#[unsafe(no_mangle)]
pub extern "C" fn aegis_version() -> *const c_char {
    VERSION.as_ptr() as *const c_char
}
