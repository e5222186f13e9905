//! Runs every conformance vector of datasets/vectors (layout in
//! datasets/vectors/README.md) through the safe Rust API: outputs compared
//! as JSON values with numbers compared numerically, errors on code, index
//! and field.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/vectors")
}

/// Vector directories under `vectors_dir()/group`, sorted; empty when the
/// group does not exist.
fn vector_dirs(group: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(vectors_dir().join(group)) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .map(|e| e.expect("readable vectors directory").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn read(dir: &Path, name: &str) -> Option<Vec<u8>> {
    fs::read(dir.join(name)).ok()
}

fn parse(bytes: &[u8], what: &str) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

/// JSON equality with numbers compared by value (1 == 1.0), objects as
/// maps and arrays in order. Returns the path of the first difference.
fn diff(want: &Value, got: &Value, path: &str) -> Option<String> {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => {
            let same = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            (!same).then(|| format!("{path}: want {a}, got {b}"))
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!(
                    "{path}: want {} elements, got {}",
                    a.len(),
                    b.len()
                ));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| diff(x, y, &format!("{path}[{i}]")))
        }
        (Value::Object(a), Value::Object(b)) => {
            if let Some(k) = a.keys().find(|k| !b.contains_key(*k)) {
                return Some(format!("{path}: missing member {k:?}"));
            }
            if let Some(k) = b.keys().find(|k| !a.contains_key(*k)) {
                return Some(format!("{path}: unexpected member {k:?}"));
            }
            a.iter()
                .find_map(|(k, x)| diff(x, &b[k], &format!("{path}.{k}")))
        }
        _ => (want != got).then(|| format!("{path}: want {want}, got {got}")),
    }
}

/// The (code, index, field) of an error document value.
fn error_key(v: &Value) -> (Value, Value, Value) {
    (
        v["code"].clone(),
        v.get("index").cloned().unwrap_or(Value::Null),
        v.get("field").cloned().unwrap_or(Value::Null),
    )
}

/// Compares one result with the vector's expected.json or error.json;
/// returns a failure description.
fn check(dir: &Path, result: Result<Vec<u8>, aegispath::ErrorDoc>) -> Option<String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    match (read(dir, "expected.json"), read(dir, "error.json"), result) {
        (Some(want), None, Ok(got)) => {
            let got = parse(&got, &format!("{name}: engine output"));
            diff(&parse(&want, &name), &got, "$").map(|d| format!("{name}: {d}"))
        }
        (None, Some(want), Err(e)) => {
            let want = error_key(&parse(&want, &name));
            let got = error_key(&parse(&e.to_json(), &name));
            (want != got).then(|| format!("{name}: want error {want:?}, got {got:?} ({e})"))
        }
        (Some(_), None, Err(e)) => Some(format!("{name}: want output, got error {e}")),
        (None, Some(_), Ok(_)) => Some(format!("{name}: want an error, got output")),
        _ => Some(format!(
            "{name}: needs exactly one of expected.json and error.json"
        )),
    }
}

fn report(kind: &str, count: usize, failures: Vec<String>) {
    assert!(
        count > 0,
        "no {kind} vectors found under {}",
        vectors_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} of {count} {kind} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn attack_path_vectors() {
    let mut dirs = vector_dirs("paths");
    dirs.extend(vector_dirs("regressions"));
    let mut failures = Vec::new();
    for dir in &dirs {
        let input = read(dir, "input.json").expect("input.json");
        let options = parse(
            &read(dir, "options.json").expect("options.json"),
            "options.json",
        );
        let int = |name: &str, default: i64| {
            options
                .get(name)
                .map_or(Some(default), Value::as_i64)
                .unwrap_or_else(|| panic!("{}: {name} is not an int64", dir.display()))
        };
        let result = aegispath::attack_paths(&input, int("max_depth", 4), int("top_k", 20));
        failures.extend(check(dir, result));
    }
    report("attack-path", dirs.len(), failures);
}

#[test]
fn list_vectors() {
    let dirs = vector_dirs("list");
    let mut failures = Vec::new();
    for dir in &dirs {
        let input = read(dir, "input.json").expect("input.json");
        let query = read(dir, "query.json").expect("query.json");
        failures.extend(check(dir, aegispath::list_findings(&input, &query)));
    }
    report("list", dirs.len(), failures);
}

#[test]
fn numeric_comparison_is_by_value() {
    let a: Value = serde_json::from_str(r#"{"x":[1,0.5],"y":"s"}"#).unwrap();
    let b: Value = serde_json::from_str(r#"{"y":"s","x":[1.0,5e-1]}"#).unwrap();
    assert_eq!(diff(&a, &b, "$"), None);
    let c: Value = serde_json::from_str(r#"{"y":"s","x":[1,0.25]}"#).unwrap();
    assert_eq!(diff(&a, &c, "$"), Some("$.x[1]: want 0.5, got 0.25".into()));
}
