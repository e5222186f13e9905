//! `aegispath`: the Rust engine as a process (the process contract of the
//! aegisbench harness).
//!
//! ```text
//! aegispath --in FILE [--out FILE] [--max-depth N] [--top-k K]
//! aegispath list --in FILE [--query JSON] [--out FILE]
//! ```
//!
//! Writes the output document to --out (atomically) or stdout and exits 0.
//! --out may not be the input file (same device and inode): refused, exit 2,
//! before reading. The input is refused when larger than --max-input bytes
//! (default: a quarter of the machine's memory, at least 1 GiB) and read
//! only up to the first byte no JSON document can hold there (so
//! /dev/zero is one byte of invalid_json).
//! On bad input writes the error document there instead, a message naming
//! the file, finding index and field on stderr, and exits 1. Other failures
//! (unreadable file, unwritable output) exit 1 with a message only; usage
//! errors exit 2.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aegispath::stream::{StreamError, read_findings_sized};
use aegispath::types::{DEFAULT_MAX_DEPTH, DEFAULT_TOP_K};
use aegispath::{ErrorDoc, Finding, Options, attackpath, encode, list_findings, validate};

const USAGE: &str = "\
usage: aegispath --in FILE [--out FILE] [--max-depth N] [--top-k K] [--max-input BYTES] [--timings]
       aegispath list --in FILE [--query JSON] [--out FILE] [--max-input BYTES]

Computes attack paths (default max-depth 4, top-k 20) or runs the list
operation over a findings document. The output document goes to --out or
stdout (exit 0); on bad input the error document goes there instead, a
message to stderr, and the exit status is 1. Usage errors exit 2 (also
--out naming the input file).
A regular file is streamed (only the engine fields are kept); any other
input is read up to --max-input. --timings writes the wall time of each
stage to stderr.";

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    Help,
    Version,
    Paths {
        input: PathBuf,
        out: Option<PathBuf>,
        max_depth: i64,
        top_k: i64,
        max_input: Option<u64>,
        timings: bool,
    },
    List {
        input: PathBuf,
        out: Option<PathBuf>,
        query: String,
        max_input: Option<u64>,
    },
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let (list, rest) = match args.first().map(String::as_str) {
        Some("list") => (true, &args[1..]),
        _ => (false, args),
    };
    let mut input = None;
    let mut out = None;
    let mut max_depth = DEFAULT_MAX_DEPTH;
    let mut top_k = DEFAULT_TOP_K;
    let mut query = String::new();
    let mut max_input = None;
    let mut timings = false;
    let mut i = 0;
    while i < rest.len() {
        let arg = rest[i].as_str();
        i += 1;
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg, None),
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--version" => return Ok(Command::Version),
            "--timings" if !list && inline.is_none() => {
                timings = true;
                continue;
            }
            "--in" | "--out" | "--max-depth" | "--top-k" | "--query" | "--max-input" => {}
            _ => return Err(format!("unknown argument {arg:?}")),
        }
        let value = match inline {
            Some(v) => v,
            None => {
                let v = rest.get(i).ok_or_else(|| format!("{flag} needs a value"))?;
                i += 1;
                v.clone()
            }
        };
        let int = |v: &str| {
            v.parse::<i64>()
                .map_err(|_| format!("{flag} wants an integer, got {v:?}"))
        };
        match (flag, list) {
            ("--in", _) => input = Some(PathBuf::from(value)),
            ("--out", _) => out = Some(PathBuf::from(value)),
            ("--max-depth", false) => max_depth = int(&value)?,
            ("--top-k", false) => top_k = int(&value)?,
            ("--query", true) => query = value,
            ("--max-input", _) => match value.parse::<u64>() {
                Ok(n) if n > 0 => max_input = Some(n),
                _ => {
                    return Err(format!(
                        "--max-input wants a positive number of bytes, got {value:?}"
                    ));
                }
            },
            _ => {
                let op = if list { "list" } else { "attack paths" };
                return Err(format!("{flag} does not apply to {op}"));
            }
        }
    }
    let input = input.ok_or("--in FILE is required")?;
    Ok(if list {
        Command::List {
            input,
            out,
            query,
            max_input,
        }
    } else {
        Command::Paths {
            input,
            out,
            max_depth,
            top_k,
            max_input,
            timings,
        }
    })
}

/// Stage wall times, written as one `timings:` line (the format
/// aegisbench's engines.ParseTimings reads).
#[derive(Default)]
struct Timings {
    stages: Vec<(&'static str, Duration)>,
    at: Option<Instant>,
}

impl Timings {
    fn start(&mut self) {
        self.at = Some(Instant::now());
    }

    /// Ends the stage `name` (started by `start` or the previous stage).
    fn stage(&mut self, name: &'static str) {
        let now = Instant::now();
        if let Some(at) = self.at {
            self.stages.push((name, now - at));
        }
        self.at = Some(now);
    }

    fn line(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut s = String::from("timings:");
        for (name, d) in &self.stages {
            s.push_str(&format!(" {name}={:.3}ms", ms(*d)));
        }
        let total: Duration = self.stages.iter().map(|(_, d)| *d).sum();
        s.push_str(&format!(" total={:.3}ms", ms(total)));
        if let Some(kb) = peak_rss_kb() {
            s.push_str(&format!(" peak_rss={kb}kB"));
        }
        s
    }
}

/// This process's peak resident set in kB: VmHWM of /proc/self/status,
/// the high-water mark of its own address space (the rusage maxrss of a
/// process started by a Go program holds the parent's peak). None where
/// there is no /proc.
fn peak_rss_kb() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line["VmHWM:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Compute and encode, timed.
fn compute_encode(findings: &[Finding<'_>], opt: Options, t: &mut Timings) -> Vec<u8> {
    let doc = attackpath::compute(findings, opt);
    t.stage("compute");
    let out = encode(&doc);
    t.stage("encode");
    // The process ends right after writing: the document's memory is not
    // freed piece by piece.
    std::mem::forget(doc);
    out
}

/// The attack-path operation on a file: options first, then the findings,
/// streamed from a regular file (only the engine fields are kept) or read
/// whole from anything else (a pipe, a device). Ok(Err) is bad input.
fn paths(
    input: &Path,
    max_depth: i64,
    top_k: i64,
    max_input: Option<u64>,
    t: &mut Timings,
) -> Result<Result<Vec<u8>, ErrorDoc>, (u8, String)> {
    let opt = match Options::new(max_depth, top_k) {
        Ok(o) => o,
        Err(e) => return Ok(Err(e)),
    };
    let cant = |e: std::io::Error| (1, format!("{}: {e}", input.display()));
    let file = fs::File::open(input).map_err(cant)?;
    t.start();
    let meta = file.metadata().map_err(cant)?;
    if meta.is_file() {
        let findings = match read_findings_sized(file, meta.len()) {
            Ok(f) => f,
            Err(StreamError::Doc(e)) => return Ok(Err(e)),
            Err(StreamError::Io(e)) => return Err(cant(e)),
        };
        t.stage("read+validate");
        let out = compute_encode(findings.findings(), opt, t);
        std::mem::forget(findings);
        return Ok(Ok(out));
    }
    drop(file);
    let data = read_limited(input, max_input)?;
    t.stage("read");
    let findings = match validate::parse_findings(&data) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    t.stage("validate");
    let out = compute_encode(&findings, opt, t);
    std::mem::forget(findings);
    std::mem::forget(data);
    Ok(Ok(out))
}

/// Writes `data` to `out` through a temporary file and a rename (straight
/// into it when it is a device or a pipe), or to stdout.
fn write_output(out: Option<&Path>, data: &[u8]) -> Result<(), String> {
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(data)
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("writing stdout: {e}"));
    };
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        // A device or a pipe (say /dev/null): write into it; a rename
        // would replace it with a regular file.
        return fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(data))
            .map_err(|e| format!("writing {}: {e}", path.display()));
    }
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = fs::write(&tmp, data).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(format!("writing {}: {e}", path.display()));
    }
    Ok(())
}

/// A human message for an error document about `file`; `option` names
/// what an invalid_options field is ("option" or "query member").
fn describe(file: &Path, option: &str, e: &ErrorDoc) -> String {
    let mut at = String::new();
    if let Some(i) = e.index {
        at.push_str(&format!(", finding {i}"));
    }
    match e.field.as_deref() {
        Some("") if e.index.is_some() => at.push_str(" (the element itself)"),
        Some(f) if e.index.is_some() => at.push_str(&format!(", field {f:?}")),
        Some(f) => at.push_str(&format!(", {option} {f:?}")),
        None => {}
    }
    format!("{}{at}: {}: {}", file.display(), e.code, e.message)
}

fn run(cmd: Command) -> Result<(), (u8, String)> {
    let mut t = Timings::default();
    let mut timings = false;
    let (input, out, option, result) = match cmd {
        Command::Help => {
            println!("{USAGE}");
            return Ok(());
        }
        Command::Version => {
            // SAFETY: aegis_version returns a static NUL-terminated string.
            let v = unsafe { std::ffi::CStr::from_ptr(aegispath::aegis_version()) };
            println!("{}", v.to_string_lossy());
            return Ok(());
        }
        Command::Paths {
            input,
            out,
            max_depth,
            top_k,
            max_input,
            timings: want,
        } => {
            timings = want;
            refuse_same_file(&input, out.as_deref())?;
            let result = paths(&input, max_depth, top_k, max_input, &mut t)?;
            (input, out, "option", result)
        }
        Command::List {
            input,
            out,
            query,
            max_input,
        } => {
            let data = read_input(&input, out.as_deref(), max_input)?;
            let result = list_findings(&data, query.as_bytes());
            (input, out, "query member", result)
        }
    };
    match result {
        Ok(doc) => {
            write_output(out.as_deref(), &doc).map_err(|m| (1, m))?;
            t.stage("write");
            if timings {
                eprintln!("{}", t.line());
            }
            Ok(())
        }
        Err(e) => {
            write_output(out.as_deref(), &e.to_json()).map_err(|m| (1, m))?;
            Err((1, describe(&input, option, &e)))
        }
    }
}

/// Refuses an output that is the input file (exit 2), then reads the input
/// under the size limit (read_limited).
fn read_input(
    input: &Path,
    out: Option<&Path>,
    max_input: Option<u64>,
) -> Result<Vec<u8>, (u8, String)> {
    refuse_same_file(input, out)?;
    read_limited(input, max_input)
}

/// Refuses an output that is the input file (exit 2), before any work.
fn refuse_same_file(input: &Path, out: Option<&Path>) -> Result<(), (u8, String)> {
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
fn read_limited(input: &Path, max_input: Option<u64>) -> Result<Vec<u8>, (u8, String)> {
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

/// Exits with std::process::exit: nothing is left to free or flush (the
/// output was written and flushed), so the process ends at once.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match parse_args(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("aegispath: {msg}\n{USAGE}");
            std::process::exit(2);
        }
    };
    match run(cmd) {
        Ok(()) => std::process::exit(0),
        Err((code, msg)) => {
            eprintln!("aegispath: {msg}");
            std::process::exit(code.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_command_lines() {
        assert_eq!(
            parse_args(&args("--in f.json --max-depth=6 --top-k 0")),
            Ok(Command::Paths {
                input: "f.json".into(),
                out: None,
                max_depth: 6,
                top_k: 0,
                max_input: None,
                timings: false,
            })
        );
        assert_eq!(
            parse_args(&args("--in f.json --max-depth 99")).map(|_| ()),
            Ok(()),
            "out-of-range options reach the engine"
        );
        assert_eq!(
            parse_args(&args("list --in f --query {} --out o")),
            Ok(Command::List {
                input: "f".into(),
                out: Some("o".into()),
                query: "{}".into(),
                max_input: None,
            })
        );
        for bad in [
            "",
            "--in",
            "--in f --max-depth x",
            "--in f --bogus 1",
            "--in f --query {}",
            "list --in f --top-k 1",
            "--in f --max-input 0",
            "--in f --max-input x",
            "list --in f --timings",
            "--in f --timings=1",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn describes_errors_with_file_index_and_field() {
        let e = ErrorDoc::options("limit", "limit must be an integer in 1..10000".into());
        assert_eq!(
            describe(Path::new("d.json"), "query member", &e),
            "d.json, query member \"limit\": invalid_options: limit must be an integer in 1..10000"
        );
        let e = ErrorDoc::field(
            12,
            "epss_e5",
            "epss_e5 must be an integer in 0..100000".into(),
        );
        assert_eq!(
            describe(Path::new("d.json"), "option", &e),
            "d.json, finding 12, field \"epss_e5\": invalid_field: epss_e5 must be an integer in 0..100000"
        );
    }

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
