//! `aegispath`: the Rust engine as a process (the process contract of the
//! aegisbench harness).
//!
//! ```text
//! aegispath --in FILE [--out FILE] [--max-depth N] [--top-k K]
//! aegispath list --in FILE [--query JSON] [--out FILE]
//! ```
//!
//! Writes the output document to --out (atomically) or stdout and exits 0.
//! On bad input writes the error document there instead, a message naming
//! the file, finding index and field on stderr, and exits 1. Other failures
//! (unreadable file, unwritable output) exit 1 with a message only; usage
//! errors exit 2.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aegispath::types::{DEFAULT_MAX_DEPTH, DEFAULT_TOP_K};
use aegispath::{ErrorDoc, attack_paths, list_findings};

const USAGE: &str = "\
usage: aegispath --in FILE [--out FILE] [--max-depth N] [--top-k K]
       aegispath list --in FILE [--query JSON] [--out FILE]

Computes attack paths (default max-depth 4, top-k 20) or runs the list
operation over a findings document. The output document goes to --out or
stdout (exit 0); on bad input the error document goes there instead, a
message to stderr, and the exit status is 1. Usage errors exit 2.";

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
    },
    List {
        input: PathBuf,
        out: Option<PathBuf>,
        query: String,
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
            "--in" | "--out" | "--max-depth" | "--top-k" | "--query" => {}
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
            _ => {
                let op = if list { "list" } else { "attack paths" };
                return Err(format!("{flag} does not apply to {op}"));
            }
        }
    }
    let input = input.ok_or("--in FILE is required")?;
    Ok(if list {
        Command::List { input, out, query }
    } else {
        Command::Paths {
            input,
            out,
            max_depth,
            top_k,
        }
    })
}

/// Writes `data` to `out` through a temporary file and a rename, or to
/// stdout.
fn write_output(out: Option<&Path>, data: &[u8]) -> Result<(), String> {
    let Some(path) = out else {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(data)
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("writing stdout: {e}"));
    };
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
        } => {
            let data = fs::read(&input).map_err(|e| (1, format!("{}: {e}", input.display())))?;
            let result = attack_paths(&data, max_depth, top_k);
            (input, out, "option", result)
        }
        Command::List { input, out, query } => {
            let data = fs::read(&input).map_err(|e| (1, format!("{}: {e}", input.display())))?;
            let result = list_findings(&data, query.as_bytes());
            (input, out, "query member", result)
        }
    };
    match result {
        Ok(doc) => write_output(out.as_deref(), &doc).map_err(|m| (1, m)),
        Err(e) => {
            write_output(out.as_deref(), &e.to_json()).map_err(|m| (1, m))?;
            Err((1, describe(&input, option, &e)))
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match parse_args(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("aegispath: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("aegispath: {msg}");
            ExitCode::from(code)
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
                top_k: 0
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
                query: "{}".into()
            })
        );
        for bad in [
            "",
            "--in",
            "--in f --max-depth x",
            "--in f --bogus 1",
            "--in f --query {}",
            "list --in f --top-k 1",
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
