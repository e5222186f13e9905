//! The C ABI: every export behaves as the contract says (status codes,
//! out-parameters, panics caught, free); tests/header.rs checks that the
//! header declares exactly these exports.

use std::ffi::CStr;
use std::ptr;

#[cfg(feature = "test-hooks")]
use aegispath::AEGIS_INTERNAL;
#[cfg(feature = "test-hooks")]
use aegispath::test_hooks::aegis_panic_for_test;
use aegispath::{
    AEGIS_ABI_VERSION, AEGIS_BAD_INPUT, AEGIS_INVALID_ARG, AEGIS_IO_ERROR, AEGIS_OK,
    aegis_abi_version, aegis_attack_paths, aegis_attack_paths_file, aegis_attack_paths_file_timed,
    aegis_echo, aegis_free, aegis_list_findings, aegis_noop, aegis_version,
};

/// Out-parameters of one call, freed on drop.
struct Outs {
    out: *mut u8,
    out_len: usize,
    err: *mut u8,
    err_len: usize,
}

impl Outs {
    fn new() -> Self {
        // Poisoned values: every call must reset them.
        Outs {
            out: ptr::dangling_mut::<u8>(),
            out_len: 7,
            err: ptr::dangling_mut::<u8>(),
            err_len: 7,
        }
    }

    fn out(&self) -> &[u8] {
        if self.out.is_null() {
            return &[];
        }
        unsafe { std::slice::from_raw_parts(self.out, self.out_len) }
    }

    fn err_json(&self) -> serde_json::Value {
        assert!(!self.err.is_null());
        serde_json::from_slice(unsafe { std::slice::from_raw_parts(self.err, self.err_len) })
            .expect("error document is JSON")
    }
}

impl Drop for Outs {
    fn drop(&mut self) {
        unsafe {
            aegis_free(self.out, self.out_len);
            aegis_free(self.err, self.err_len);
        }
    }
}

/// The signature shared by aegis_attack_paths and aegis_attack_paths_file.
type PathsExport = unsafe extern "C" fn(
    *const u8,
    usize,
    i64,
    i64,
    *mut *mut u8,
    *mut usize,
    *mut *mut u8,
    *mut usize,
) -> i32;

fn call_paths(export: PathsExport, input: &[u8], max_depth: i64, top_k: i64) -> (i32, Outs) {
    let mut o = Outs::new();
    let rc = unsafe {
        export(
            input.as_ptr(),
            input.len(),
            max_depth,
            top_k,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    (rc, o)
}

fn paths(input: &[u8], max_depth: i64, top_k: i64) -> (i32, Outs) {
    call_paths(aegis_attack_paths, input, max_depth, top_k)
}

#[test]
fn attack_paths_statuses() {
    let (rc, o) = paths(b"[]", 4, 20);
    assert_eq!(rc, AEGIS_OK);
    assert!(o.err.is_null() && o.err_len == 0);
    let doc: serde_json::Value = serde_json::from_slice(o.out()).unwrap();
    assert_eq!(doc["schema"], "aegis.attackpaths.v1");
    assert_eq!(
        doc,
        serde_json::from_slice::<serde_json::Value>(
            &aegispath::attack_paths(b"[]", 4, 20).unwrap()
        )
        .unwrap()
    );

    let (rc, o) = paths(b"[1]", 4, 20);
    assert_eq!(rc, AEGIS_BAD_INPUT);
    assert!(o.out.is_null() && o.out_len == 0);
    let e = o.err_json();
    assert_eq!(
        (e["code"].as_str(), e["index"].as_u64(), e["field"].as_str()),
        (Some("invalid_field"), Some(0), Some(""))
    );

    let (rc, o) = paths(b"[", 17, 20);
    assert_eq!(rc, AEGIS_BAD_INPUT);
    assert_eq!(o.err_json()["field"], "max_depth");
}

fn paths_file(path: &[u8], max_depth: i64, top_k: i64) -> (i32, Outs) {
    call_paths(aegis_attack_paths_file, path, max_depth, top_k)
}

/// aegis_attack_paths_file answers as aegis_attack_paths on the file's
/// bytes (documents and error documents alike), and an unreadable path
/// or a directory is AEGIS_IO_ERROR with a message.
#[test]
fn attack_paths_file_statuses() {
    let dir = std::env::temp_dir().join(format!("aegispath-ffi-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = br#"[{"Id":"a","AwsAccountId":"1","Resources":[]}]"#;
    for (name, bytes, depth) in [
        ("empty.json", &b"[]"[..], 4),
        ("element.json", &b"[1]"[..], 4),
        ("options.json", &b"["[..], 17),
        ("cut.json", &b"[{\"Id\":"[..], 4),
        ("utf8.json", &b"[\"\xff\"]"[..], 4),
        ("finding.json", &doc[..], 4),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let (rc, o) = paths_file(file.to_str().unwrap().as_bytes(), depth, 20);
        let (want_rc, want) = paths(bytes, depth, 20);
        assert_eq!(rc, want_rc, "{name}");
        assert_eq!(o.out(), want.out(), "{name}");
        if rc == AEGIS_BAD_INPUT {
            assert_eq!(o.err_json(), want.err_json(), "{name}");
        }
    }
    for path in [dir.join("missing.json"), dir.clone()] {
        let (rc, o) = paths_file(path.to_str().unwrap().as_bytes(), 4, 20);
        assert_eq!(rc, AEGIS_IO_ERROR, "{}", path.display());
        assert!(o.out.is_null());
        let msg = unsafe { std::slice::from_raw_parts(o.err, o.err_len) };
        assert!(!msg.is_empty() && std::str::from_utf8(msg).is_ok());
    }
    let (rc, _) = paths_file(b"", 4, 20);
    assert_eq!(rc, AEGIS_INVALID_ARG);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// aegis_attack_paths_file_timed answers as aegis_attack_paths_file and
/// writes the three stage times: all of them after a computed document,
/// none past reading after bad input; NULL asks for none.
#[test]
fn attack_paths_file_timed_writes_the_stages() {
    let dir = std::env::temp_dir().join(format!("aegispath-ffi-timed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                r#"{{"id":"f{i}","aws_account_id":"1","severity_normalized":5,"workflow_status":"NEW","resource_id":"r{}","vpc_id":"v","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"RESTRICTED","epss_e5":0,"mitre_tactic_id":"TA0001"}}"#,
                i % 7
            )
        })
        .collect();
    let good = format!("[{}]", rows.join(","));
    for (name, bytes, computed) in [
        ("good.json", good.as_bytes(), true),
        ("bad.json", &b"[1]"[..], false),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let path = file.to_str().unwrap().as_bytes();
        let timed = |ns: *mut u64| {
            let mut o = Outs::new();
            let rc = unsafe {
                aegis_attack_paths_file_timed(
                    path.as_ptr(),
                    path.len(),
                    4,
                    20,
                    &mut o.out,
                    &mut o.out_len,
                    &mut o.err,
                    &mut o.err_len,
                    ns,
                )
            };
            (rc, o)
        };
        let mut ns = [u64::MAX; 3];
        let (rc, o) = timed(ns.as_mut_ptr());
        let (want_rc, want) = paths_file(path, 4, 20);
        assert_eq!(rc, want_rc, "{name}");
        assert_eq!(o.out(), want.out(), "{name}");
        assert!(ns[0] > 0, "{name}: read+validate {ns:?}");
        if computed {
            assert!(ns[1] > 0 && ns[2] > 0, "{name}: {ns:?}");
        } else {
            assert_eq!(&ns[1..], &[0, 0], "{name}: stages not reached");
        }
        let (rc, _) = timed(std::ptr::null_mut());
        assert_eq!(rc, want_rc, "{name}, no stages asked");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn null_pointers_are_invalid_arguments() {
    let mut o = Outs::new();
    let rc = unsafe {
        aegis_attack_paths(
            ptr::null(),
            5,
            4,
            20,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_INVALID_ARG);
    assert!(o.out.is_null() && o.err.is_null() && o.out_len == 0 && o.err_len == 0);

    // NULL input with length 0 is the empty document: invalid_json.
    let rc = unsafe {
        aegis_attack_paths(
            ptr::null(),
            0,
            4,
            20,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_BAD_INPUT);
    assert_eq!(o.err_json()["code"], "invalid_json");
    drop(o);

    let mut o = Outs::new();
    let rc = unsafe {
        aegis_attack_paths(
            b"[]".as_ptr(),
            2,
            4,
            20,
            ptr::null_mut(),
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_INVALID_ARG);
    let rc = unsafe {
        aegis_list_findings(
            b"[]".as_ptr(),
            2,
            ptr::null(),
            1,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_INVALID_ARG);
    let rc = unsafe {
        aegis_echo(
            ptr::null(),
            3,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_INVALID_ARG);
    let rc = unsafe {
        aegis_echo(
            b"x".as_ptr(),
            1,
            &mut o.out,
            &mut o.out_len,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    assert_eq!(rc, AEGIS_INVALID_ARG);
    assert!(o.out.is_null());
    #[cfg(feature = "test-hooks")]
    assert_eq!(
        unsafe { aegis_panic_for_test(ptr::null_mut(), ptr::null_mut()) },
        AEGIS_INVALID_ARG
    );
}

#[test]
fn list_findings_statuses() {
    let mut o = Outs::new();
    let query = br#"{"limit":0}"#;
    let rc = unsafe {
        aegis_list_findings(
            b"[]".as_ptr(),
            2,
            query.as_ptr(),
            query.len(),
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_BAD_INPUT);
    assert_eq!(o.err_json()["field"], "limit");
    drop(o);

    let mut o = Outs::new();
    let rc = unsafe {
        aegis_list_findings(
            b"[]".as_ptr(),
            2,
            ptr::null(),
            0,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_OK);
    assert_eq!(
        o.out(),
        br#"{"schema":"aegis.findings.v1","total":0,"findings":[]}"#
    );
}

#[test]
fn echo_noop_version() {
    let mut o = Outs::new();
    let data = b"any bytes \x00\xff";
    let rc = unsafe {
        aegis_echo(
            data.as_ptr(),
            data.len(),
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_OK);
    assert_eq!(o.out(), data);
    assert_ne!(o.out as *const u8, data.as_ptr());
    drop(o);

    let mut o = Outs::new();
    let rc = unsafe {
        aegis_echo(
            ptr::null(),
            0,
            &mut o.out,
            &mut o.out_len,
            &mut o.err,
            &mut o.err_len,
        )
    };
    assert_eq!(rc, AEGIS_OK);
    assert!(
        o.out.is_null() && o.out_len == 0,
        "empty output is (NULL, 0)"
    );

    assert_eq!(aegis_noop(), AEGIS_OK);
    let v = unsafe { CStr::from_ptr(aegis_version()) }.to_str().unwrap();
    assert!(v.starts_with("libaegispath 0.1.0 (rustc "), "{v}");
    assert_eq!(aegis_abi_version(), AEGIS_ABI_VERSION);
    unsafe { aegis_free(ptr::null_mut(), 0) };
}

#[cfg(feature = "test-hooks")]
#[test]
fn panics_are_caught_at_the_boundary() {
    let mut err = ptr::dangling_mut::<u8>();
    let mut err_len = 9;
    let rc = unsafe { aegis_panic_for_test(&mut err, &mut err_len) };
    assert_eq!(rc, AEGIS_INTERNAL);
    let doc: serde_json::Value =
        serde_json::from_slice(unsafe { std::slice::from_raw_parts(err, err_len) }).unwrap();
    assert_eq!(doc["schema"], "aegis.error.v1");
    assert_eq!(doc["code"], "internal");
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains("deliberate panic")
    );
    unsafe { aegis_free(err, err_len) };
}
