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
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod input;

use aegispath::file::{map_limit, with_findings};
use aegispath::stream::StreamError;
use aegispath::types::{AttackPathsDoc, DEFAULT_MAX_DEPTH, DEFAULT_TOP_K};
use aegispath::{ErrorDoc, Options, encode, list_findings, validate};
use input::{read_input, read_limited, refuse_same_file};

const USAGE: &str = "\
usage: aegispath --in FILE [--out FILE] [--max-depth N] [--top-k K] [--max-input BYTES] [--timings]
       aegispath list --in FILE [--query JSON] [--out FILE] [--max-input BYTES]

Computes attack paths (default max-depth 4, top-k 20) or runs the list
operation over a findings document. The output document goes to --out or
stdout (exit 0); on bad input the error document goes there instead, a
message to stderr, and the exit status is 1. Usage errors exit 2 (also
--out naming the input file).
A regular file is mapped whole up to 64 MiB ($AEGISPATH_MAP_LIMIT bytes;
0 streams every file) and streamed beyond (only the engine fields are
kept); any other input is read up to --max-input. --timings writes the wall time of each
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

/// Compute (`compute`) and encode, timed.
fn compute_encode<'f>(compute: impl FnOnce() -> AttackPathsDoc<'f>, t: &mut Timings) -> Vec<u8> {
    let doc = compute();
    t.stage("compute");
    let out = encode(&doc);
    t.stage("encode");
    // The process ends right after writing: the document's memory is not
    // freed piece by piece.
    std::mem::forget(doc);
    out
}

/// The attack-path operation on a file: options first, then the findings,
/// of a regular file mapped or streamed ([`with_findings`]), or read
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
        let out = with_findings(
            file,
            meta.len(),
            map_limit().map_err(cant)?,
            |mut findings| {
                t.stage("read+validate");
                let out = compute_encode(|| findings.compute(opt), t);
                std::mem::forget(findings);
                out
            },
        );
        return match out {
            Ok(out) => Ok(Ok(out)),
            Err(StreamError::Doc(e)) => Ok(Err(e)),
            Err(StreamError::Io(e)) => Err(cant(e)),
        };
    }
    drop(file);
    let data = read_limited(input, max_input)?;
    t.stage("read");
    let mut findings = match validate::decode_keyed(&data) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    t.stage("validate");
    let out = compute_encode(|| findings.compute(opt), t);
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
}
