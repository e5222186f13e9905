//! The C ABI's header: include/aegispath.h declares exactly the exported
//! functions of src/lib.rs, with matching C types, and the same status
//! codes and ABI version (tests/ffi.rs checks how the exports behave).

use std::collections::BTreeSet;
use std::path::Path;

use aegispath::{
    AEGIS_ABI_VERSION, AEGIS_BAD_INPUT, AEGIS_INTERNAL, AEGIS_INVALID_ARG, AEGIS_IO_ERROR, AEGIS_OK,
};

fn source(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The C spelling of a Rust FFI type.
fn c_type(rust: &str) -> String {
    match rust
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .as_str()
    {
        "*const u8" => "const uint8_t*",
        "*mut u8" => "uint8_t*",
        "*mut *mut u8" => "uint8_t**",
        "*mut usize" => "size_t*",
        "*mut u64" => "uint64_t*",
        "*const c_char" => "const char*",
        "usize" => "size_t",
        "i64" => "int64_t",
        "i32" => "int32_t",
        "u32" => "uint32_t",
        "" => "void",
        other => panic!("no C type for Rust type {other:?}"),
    }
    .to_string()
}

/// Normalises a C type: no space before '*', single spaces elsewhere.
fn norm_c(t: &str) -> String {
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" *", "*")
}

/// Signatures "ret name(type,type)" of the `extern "C" fn`s in lib.rs.
fn rust_exports() -> BTreeSet<String> {
    let src = source("src/lib.rs");
    let mut out = BTreeSet::new();
    for (at, _) in src.match_indices("extern \"C\" fn ") {
        let rest = &src[at + "extern \"C\" fn ".len()..];
        let name = &rest[..rest.find('(').unwrap()];
        let close = rest.find(')').unwrap();
        let params: Vec<String> = rest[name.len() + 1..close]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| c_type(p.split_once(':').expect("name: type").1))
            .collect();
        let after = &rest[close + 1..rest.find('{').unwrap()];
        let ret = c_type(after.trim().trim_start_matches("->").trim());
        out.insert(format!("{ret} {name}({})", params.join(",")));
    }
    out
}

/// Signatures of the function declarations in the header.
fn header_declarations() -> BTreeSet<String> {
    let header = source("include/aegispath.h");
    let code: String = header
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ");
    // Strip comments.
    let mut text = String::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("/*") {
        text.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find("*/").unwrap() + 2..];
    }
    text.push_str(rest);
    // The C++ guard's `extern "C" {` is not part of any declaration.
    let text = text.replace("extern \"C\" {", "");
    text.split(';')
        .filter(|d| d.contains('(') && d.contains("aegis_"))
        .map(|d| {
            let d = d.trim().trim_start_matches('}').trim();
            let open = d.find('(').unwrap();
            let head = norm_c(&d[..open]);
            let (ret, name) = head.rsplit_once([' ', '*']).unwrap();
            let ret = if head.as_bytes()[ret.len()] == b'*' {
                format!("{}*", ret.trim())
            } else {
                ret.trim().to_string()
            };
            let params: Vec<String> = d[open + 1..d.rfind(')').unwrap()]
                .split(',')
                .map(norm_c)
                .filter(|p| p != "void" && !p.is_empty())
                .map(|p| {
                    // Drop the parameter name (the last identifier).
                    let cut = p.rfind([' ', '*']).unwrap();
                    norm_c(&p[..=cut])
                })
                .collect();
            format!("{ret} {name}({})", params.join(","))
        })
        .collect()
}

#[test]
fn header_declares_exactly_the_exports() {
    let rust = rust_exports();
    assert_eq!(rust.len(), 9, "exports: {rust:#?}");
    assert!(rust.contains(
        "int32_t aegis_attack_paths(const uint8_t*,size_t,int64_t,int64_t,uint8_t**,size_t*,uint8_t**,size_t*)"
    ));
    assert_eq!(header_declarations(), rust);
}

#[test]
fn header_status_codes_match() {
    let header = source("include/aegispath.h");
    for (name, value) in [
        ("AEGIS_OK", AEGIS_OK),
        ("AEGIS_BAD_INPUT", AEGIS_BAD_INPUT),
        ("AEGIS_INTERNAL", AEGIS_INTERNAL),
        ("AEGIS_INVALID_ARG", AEGIS_INVALID_ARG),
        ("AEGIS_IO_ERROR", AEGIS_IO_ERROR),
        ("AEGIS_ABI_VERSION", AEGIS_ABI_VERSION as i32),
    ] {
        let line = header
            .lines()
            .find(|l| l.starts_with(&format!("#define {name} ")))
            .unwrap_or_else(|| panic!("{name} not defined"));
        assert_eq!(
            line.split_whitespace().nth(2),
            Some(value.to_string().as_str()),
            "{name}"
        );
    }
}
