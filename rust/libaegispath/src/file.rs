//! A findings file read for the attack-path operation, in one of two ways
//! chosen by its size:
//!
//! - a file of at most [`map_limit`] bytes (64 MiB unless
//!   `AEGISPATH_MAP_LIMIT` says otherwise) is mapped into memory whole,
//!   read-only, and decoded as bytes in memory are
//!   ([`crate::validate::decode_keyed`]): the page cache is the buffer, so
//!   nothing is copied or zeroed, and the pieces are scanned in parallel
//!   from the first byte;
//! - a larger file is streamed ([`crate::stream::decode_file`], window by
//!   window through a mapping, or with direct I/O when it is larger than
//!   half the memory): only the engine fields are kept, so memory grows
//!   with the findings, not with the file.
//!
//! Both give the answers and error documents of the file's bytes in
//! memory. A mapped file must not be truncated while it is read: the
//! process would then be stopped by SIGBUS, as git or ripgrep would.

use std::fs::File;
use std::io;

use crate::compute::Decoded;
use crate::mapped::Mapped;
use crate::stream::{self, StreamError};
use crate::types::{AttackPathsDoc, Options};
use crate::validate;

/// The largest file mapped whole when `AEGISPATH_MAP_LIMIT` is unset.
/// Streaming reads such a file in twice the time of a mapping (42 MB, 20K
/// findings: 40 ms against 20 ms to read and validate), and its mapped
/// pages are a small, bounded share of memory.
pub const DEFAULT_MAP_LIMIT: u64 = 64 << 20;

/// The variable that sets the largest file mapped whole, in bytes; `0`
/// streams every file (the tests of the streamed path use it).
pub const MAP_LIMIT_ENV: &str = "AEGISPATH_MAP_LIMIT";

/// The largest file mapped whole: `$AEGISPATH_MAP_LIMIT` or
/// [`DEFAULT_MAP_LIMIT`]; an error names a value that is not a byte count.
pub fn map_limit() -> io::Result<u64> {
    let Some(v) = std::env::var_os(MAP_LIMIT_ENV) else {
        return Ok(DEFAULT_MAP_LIMIT);
    };
    v.to_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{MAP_LIMIT_ENV}={v:?}: not a number of bytes"),
        )
    })
}

/// Validated findings, however the file was read: what compute needs.
pub trait PathsInput {
    /// The output document (see [`Decoded::compute`]).
    fn compute(&mut self, opt: Options) -> AttackPathsDoc<'_>;
}

impl PathsInput for Decoded<'_> {
    fn compute(&mut self, opt: Options) -> AttackPathsDoc<'_> {
        Decoded::compute(self, opt)
    }
}

impl PathsInput for stream::Findings {
    fn compute(&mut self, opt: Options) -> AttackPathsDoc<'_> {
        stream::Findings::compute(self, opt)
    }
}

/// Reads and validates the findings of `file`, a regular file of `len`
/// bytes, mapped whole if `len` is at most `map_limit` (callers pass
/// [`map_limit()`]) and streamed otherwise, and hands them to `then` (its
/// start is the end of reading and validating).
pub fn with_findings<R>(
    file: File,
    len: u64,
    map_limit: u64,
    then: impl FnOnce(Box<dyn PathsInput + '_>) -> R,
) -> Result<R, StreamError> {
    if len > map_limit {
        return Ok(then(Box::new(stream::decode_file(file, len)?)));
    }
    let map = Mapped::new(&file, len)?;
    let findings = validate::decode_keyed(map.bytes())?;
    Ok(then(Box::new(findings)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ErrorDoc;

    /// A scratch directory, removed on drop.
    struct Scratch(std::path::PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir().join(format!("aegispath-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn write(&self, name: &str, content: &[u8]) -> (File, u64) {
            let path = self.0.join(name);
            std::fs::write(&path, content).unwrap();
            (File::open(&path).unwrap(), content.len() as u64)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn mapped_bytes_are_the_files() {
        let dir = Scratch::new("mapped");
        for (name, content) in [
            ("empty", &b""[..]),
            ("small", b"[1, 2]"),
            ("page", &[b'x'; 4097]),
        ] {
            let (file, len) = dir.write(name, content);
            let map = Mapped::new(&file, len).unwrap();
            assert_eq!(map.bytes(), content, "{name}");
        }
    }

    /// Mapped and streamed files answer as the bytes in memory do:
    /// documents and error documents alike.
    #[test]
    fn mapped_and_streamed_answer_as_bytes() {
        let finding = |id: &str| {
            format!(
                r#"{{"id":"{id}","aws_account_id":"1","severity_normalized":5,"workflow_status":"NEW","resource_id":"r","vpc_id":"v","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"NONE","epss_e5":0,"mitre_tactic_id":"TA0001"}}"#
            )
        };
        let good = format!("[{},{}]", finding("a"), finding("b"));
        let deep = format!("[{}{}]", "[".repeat(70), "]".repeat(70));
        let docs: Vec<(&str, Vec<u8>)> = vec![
            ("good", good.clone().into_bytes()),
            ("empty file", Vec::new()),
            ("empty array", b"[]".to_vec()),
            ("truncated", good.as_bytes()[..good.len() / 2].to_vec()),
            ("invalid UTF-8", [good.as_bytes(), b" \xff"].concat()),
            ("over-deep", deep.into_bytes()),
            (
                "duplicate",
                format!("[{},{}]", finding("a"), finding("a")).into_bytes(),
            ),
            ("not an object", b"[1]".to_vec()),
        ];
        let dir = Scratch::new("modes");
        let opt = Options::new(4, 20).unwrap();
        for (name, doc) in &docs {
            let want: Result<Vec<u8>, ErrorDoc> = crate::attack_paths(doc, 4, 20);
            for limit in [0, u64::MAX] {
                let (file, len) = dir.write(name, doc);
                let got = with_findings(file, len, limit, |mut f| crate::encode(&f.compute(opt)));
                match (&want, got) {
                    (Ok(w), Ok(g)) => assert_eq!(w, &g, "{name}, limit {limit}"),
                    (Err(w), Err(StreamError::Doc(g))) => {
                        assert_eq!(w.to_json(), g.to_json(), "{name}, limit {limit}")
                    }
                    (w, g) => panic!("{name}, limit {limit}: bytes {w:?}, file {:?}", g.err()),
                }
            }
        }
    }
}
