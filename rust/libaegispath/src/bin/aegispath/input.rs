//! Reading the CLI's input when it is not streamed: the same-file refusal,
//! the --max-input limit, and the lexical check that stops reading at the
//! first byte no JSON document can hold there (so /dev/zero costs one byte).

use std::fs;
use std::io::Read;
use std::path::Path;

/// Refuses an output that is the input file (exit 2), then reads the input
/// under the size limit (read_limited).
pub(crate) fn read_input(
    input: &Path,
    out: Option<&Path>,
    max_input: Option<u64>,
) -> Result<Vec<u8>, (u8, String)> {
    refuse_same_file(input, out)?;
    read_limited(input, max_input)
}

/// Refuses an output that is the input file (exit 2), before any work.
pub(crate) fn refuse_same_file(input: &Path, out: Option<&Path>) -> Result<(), (u8, String)> {
    if let Some(out) = out
        && same_file(input, out)
    {
        return Err((
            2,
            format!(
                "--out {} is the same file as the input --in {}: refusing to overwrite an input",
                out.display(),
                input.display()
            ),
        ));
    }
    Ok(())
}

/// Reads the input under the size limit, stopping after the first byte no
/// JSON document can hold (a note on stderr says so; the engine answers
/// invalid_json on it).
pub(crate) fn read_limited(input: &Path, max_input: Option<u64>) -> Result<Vec<u8>, (u8, String)> {
    let limit = max_input.unwrap_or_else(default_limit);
    let (data, stopped) =
        read_document(input, limit).map_err(|e| (1, format!("{}: {e}", input.display())))?;
    if let Some(at) = stopped {
        eprintln!(
            "aegispath: {}: reading stopped: byte {at} ({:#04x}) cannot start or continue a JSON document",
            input.display(),
            data[data.len() - 1]
        );
    }
    Ok(data)
}

/// Whether two paths name the same existing regular file (device and inode
/// on Unix).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    if !ma.is_file() || !mb.is_file() {
        return false;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(a).ok() == fs::canonicalize(b).ok()
    }
}

/// The default input limit: a quarter of physical memory (Linux's
/// /proc/meminfo), at least 1 GiB; 4 GiB where memory is unknown.
fn default_limit() -> u64 {
    const GIB: u64 = 1 << 30;
    let total_kib = fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    match total_kib {
        Some(kib) => (kib * 1024 / 4).max(GIB),
        None => 4 * GIB,
    }
}

/// Reads the document at `path`: a regular file over `limit` bytes is
/// refused before reading, anything else past `limit`. Reading stops just
/// after the first byte the lexer refuses; its offset is returned.
fn read_document(path: &Path, limit: u64) -> Result<(Vec<u8>, Option<u64>), String> {
    let mut f = fs::File::open(path).map_err(|e| e.to_string())?;
    let mut data = Vec::new();
    if let Ok(m) = f.metadata()
        && m.is_file()
    {
        if m.len() > limit {
            return Err(format!(
                "input of {} bytes exceeds the limit of {limit} bytes (raise it with --max-input)",
                m.len()
            ));
        }
        data.reserve_exact(m.len() as usize + 1);
    }
    let mut lexer = Lexer::default();
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok((data, None));
        }
        let ok = lexer.feed(&chunk[..n]);
        let take = if ok < n { ok + 1 } else { n };
        if (data.len() + take) as u64 > limit {
            return Err(format!("input exceeds {limit} bytes"));
        }
        data.extend_from_slice(&chunk[..take]);
        if ok < n {
            let at = data.len() as u64 - 1;
            return Ok((data, Some(at)));
        }
    }
}

/// The cheap, prefix-closed JSON lexical check of the Go harness
/// (internal/safeio.Lexer): it accepts every prefix of every JSON text and
/// stops at a byte no JSON text can hold at that place (a NUL outside a
/// string, a control character inside one, a bad escape).
#[derive(Default)]
struct Lexer {
    in_string: bool,
    escape: bool,
    hex: u8,
}

impl Lexer {
    /// Feeds `p`; returns how many bytes were accepted (the index of the
    /// first refused byte, or `p.len()`).
    fn feed(&mut self, p: &[u8]) -> usize {
        for (i, &c) in p.iter().enumerate() {
            let ok = if self.hex > 0 {
                self.hex -= 1;
                c.is_ascii_hexdigit()
            } else if self.escape {
                self.escape = false;
                if c == b'u' {
                    self.hex = 4;
                }
                matches!(
                    c,
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u'
                )
            } else if self.in_string {
                match c {
                    b'"' => self.in_string = false,
                    b'\\' => self.escape = true,
                    _ => {}
                }
                c >= 0x20
            } else {
                self.in_string = c == b'"';
                c.is_ascii_digit() || b" \t\r\n{}[],:\"+-.eEtrufalsn".contains(&c)
            };
            if !ok {
                return i;
            }
        }
        p.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexer_accepts_prefixes_and_stops_at_impossible_bytes() {
        let doc = br#" [ {"a": "b\u00e9\n\"", "n": -1.5e+3, "t": true, "z": null} ] "#;
        for i in 0..=doc.len() {
            assert_eq!(Lexer::default().feed(&doc[..i]), i);
        }
        for (bad, at) in [
            (&b"\x00"[..], 0),
            (b"[\x00]", 1),
            (b"[\"a\x01", 3),
            (br#"["\x"]"#, 3),
            (br#"["\u12G4"]"#, 6),
            (b"[x]", 1),
        ] {
            assert_eq!(Lexer::default().feed(bad), at, "{bad:?}");
        }
    }

    #[test]
    fn reads_dev_zero_one_byte_and_refuses_the_input_as_output() {
        let (data, stopped) = read_document(Path::new("/dev/zero"), 1 << 30).unwrap();
        assert_eq!(data, vec![0]);
        assert_eq!(stopped, Some(0));
        let dir = std::env::temp_dir().join(format!("aegispath-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let f = dir.join("in.json");
        fs::write(&f, b"[]").unwrap();
        let err = read_input(&f, Some(&dir.join(".").join("in.json")), None).unwrap_err();
        assert_eq!(err.0, 2);
        assert!(err.1.contains("is the same file as the input"), "{}", err.1);
        let err = read_document(&f, 1).unwrap_err();
        assert!(err.contains("exceeds the limit of 1 bytes"), "{err}");
        assert_eq!(fs::read(&f).unwrap(), b"[]");
        fs::remove_dir_all(&dir).unwrap();
    }
}
