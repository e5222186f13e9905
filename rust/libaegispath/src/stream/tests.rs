//! Streamed and in-memory decoding agree (findings and error documents).

use super::*;
use crate::validate::decode;

/// A reader handing out at most `n` bytes per read.
struct Trickle<'a>(&'a [u8], usize);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// The ids and keys of findings decoded in memory.
fn in_memory<'f>(f: &'f [Finding<'_>]) -> (Vec<&'f str>, Keys<&'f str>) {
    (f.iter().map(|f| &*f.id).collect(), Keys::intern(f))
}

/// Requires the same findings (ids and keys, numbered alike) or the
/// same error document in memory and streamed with every window size
/// and read size, from a reader (lines counted as the windows pass) and
/// from a file (lines counted in the file on an error).
fn agree(name: &str, doc: &[u8]) {
    let want = decode(doc);
    let path = std::env::temp_dir().join(format!(
        "aegispath-agree-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, doc).unwrap();
    for chunk in [1, 7, 61, 4096, CHUNK] {
        for map in [true, false] {
            let f = File::open(&path).unwrap();
            let got = read_file_chunked(f, doc.len() as u64, chunk, map);
            same(
                &want,
                got,
                &format!("{name}, file, chunk {chunk}, mapped {map}"),
            );
        }
    }
    std::fs::remove_file(&path).unwrap();
    for chunk in [1, 2, 3, 5, 7, 16, 61, 1024, CHUNK] {
        for step in [1, 3, usize::MAX] {
            let got = read_chunked(Trickle(doc, step), chunk, step.min(9));
            same(&want, got, &format!("{name}, chunk {chunk}, step {step}"));
        }
    }
}

/// Requires `got` (streamed) to be `want` (in memory): the same findings
/// or the same error document.
fn same(want: &Result<Vec<Finding<'_>>, ErrorDoc>, got: Result<Findings, StreamError>, what: &str) {
    match (want, got) {
        (Ok(w), Ok(g)) => assert!(in_memory(w) == (g.ids.clone(), g.keys), "{what}"),
        (Err(w), Err(StreamError::Doc(g))) => assert_eq!(w.to_json(), g.to_json(), "{what}"),
        (w, g) => panic!("{what}: in memory {w:?}, streamed {:?}", g.err()),
    }
}

const GOOD: &str = r#"{"id":"a","aws_account_id":"1","severity_normalized":5,"workflow_status":"NEW","resource_id":"r","vpc_id":"v","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"NONE","epss_e5":0,"mitre_tactic_id":"TA0001","title":"\ud83d\ude00 caf\u00e9 \u00e9t\u00e9 naïve","n":[1.5e3,-0,{"x":null}]}"#;

fn good(id: &str) -> String {
    GOOD.replacen("\"id\":\"a\"", &format!("\"id\":\"{id}\""), 1)
}

#[test]
fn streaming_and_in_memory_agree() {
    let many: Vec<String> = (0..40).map(|i| good(&format!("f{i}"))).collect();
    let whole = format!("[\n{}\n]\n", many.join(",\n"));
    let deep = format!("{}{}", "[".repeat(63), "]".repeat(63));
    let mut docs: Vec<(String, Vec<u8>)> = vec![
        ("whole".into(), whole.clone().into_bytes()),
        ("empty".into(), b" [ ] ".to_vec()),
        ("empty document".into(), b"".to_vec()),
        ("not an array".into(), br#"{"a":[1,2]}"#.to_vec()),
        ("blank".into(), b" \n\t  \r\n  ".to_vec()),
        (
            "blank, then not an array".into(),
            [&b" ".repeat(300)[..], br#" "s" "#].concat(),
        ),
        (
            "not an array, then data".into(),
            br#" {"a":[1,2]} x"#.to_vec(),
        ),
        ("not an array, cut".into(), br#"{"a":[1,2"#.to_vec()),
        (
            "not an array, ill-formed".into(),
            br#"{"a":[1,,2]}"#.to_vec(),
        ),
        (
            "not an array, then bad UTF-8".into(),
            [&br#"{"a":[1,2]}  "#[..], b"\xff"].concat(),
        ),
        (
            "NUL, then bad UTF-8".into(),
            [&[0u8; 200][..], b"\xc3"].concat(),
        ),
        ("NUL bytes".into(), vec![0u8; 200]),
        ("numbers".into(), b"[1,23,456,7890]".to_vec()),
        (
            "trailing data".into(),
            format!("[{}] x", good("a")).into_bytes(),
        ),
        (
            "trailing data then bad UTF-8".into(),
            [format!("[{}] x ", good("a")).as_bytes(), b"\xff"].concat(),
        ),
        (
            "over-deep".into(),
            format!(
                "[{},{}]",
                good("a"),
                good("b").replacen("\"n\":[", &format!("\"n\":[{deep},"), 1)
            )
            .into_bytes(),
        ),
        (
            "field error then duplicate".into(),
            format!(
                "[{},{},{}]",
                good("a").replacen("\"epss_e5\":0", "\"epss_e5\":-1", 1),
                good("b"),
                good("b")
            )
            .into_bytes(),
        ),
        (
            "duplicate then field error".into(),
            format!(
                "[{},{},{}]",
                good("b"),
                good("b"),
                good("c").replacen("\"epss_e5\":0", "\"epss_e5\":-1", 1)
            )
            .into_bytes(),
        ),
        (
            // Longer than the room kept before a chunk's bytes.
            "long element".into(),
            format!(
                "[{},{},{}]",
                good("a"),
                good("b").replacen("caf", &"x".repeat(3 * readahead::HEAD), 1),
                good("c")
            )
            .into_bytes(),
        ),
        (
            "non-object".into(),
            format!("[{}, null, 3]", good("a")).into_bytes(),
        ),
    ];
    let mut bad_utf8 = whole.clone().into_bytes();
    let at = bad_utf8.len() * 2 / 3;
    bad_utf8[at] = 0xff;
    docs.push(("invalid UTF-8".into(), bad_utf8));
    let mut syntax_then_utf8 = whole.clone().into_bytes();
    syntax_then_utf8[whole.len() / 3] = b'!';
    syntax_then_utf8[whole.len() * 2 / 3] = 0xc3;
    docs.push(("syntax error, then invalid UTF-8".into(), syntax_then_utf8));
    for cut in (1..whole.len()).step_by(37) {
        docs.push((
            format!("truncated at {cut}"),
            whole.as_bytes()[..cut].to_vec(),
        ));
    }
    // Newlines inside elements too: the element a window cuts, kept for
    // the next window, holds some (the line numbers of later errors).
    let pretty = whole.replace(",\"", ",\n  \"");
    for cut in (1..pretty.len()).step_by(101) {
        docs.push((
            format!("pretty, truncated at {cut}"),
            pretty.as_bytes()[..cut].to_vec(),
        ));
    }
    let mut pretty_syntax = pretty.clone().into_bytes();
    pretty_syntax[pretty.len() * 5 / 6] = b'!';
    docs.push(("pretty, syntax error".into(), pretty_syntax));
    for (name, doc) in &docs {
        agree(name, doc);
    }
}

#[test]
fn large_windows_agree_on_utf8_errors() {
    // Windows of several MiB are validated in parallel pieces: a cut
    // two-byte character and invalid bytes near and far from a
    // window's end must read as in memory.
    let many: Vec<String> = (0..20_000).map(|i| good(&format!("f{i}"))).collect();
    let whole = format!("[{}]", many.join(","));
    assert!(whole.len() > 5 << 20);
    let chunk = (4 << 20) + 3;
    let mut docs = vec![whole.clone().into_bytes()];
    for at in [
        chunk - 1,
        chunk,
        chunk + 1,
        whole.len() / 3,
        whole.len() - 9,
    ] {
        let mut bad = whole.clone().into_bytes();
        bad[at] = 0xc3;
        docs.push(bad);
    }
    for (k, doc) in docs.iter().enumerate() {
        let want = decode(doc).map(|f| f.len()).map_err(|e| e.to_json());
        let got = read_chunked(Trickle(doc, usize::MAX), chunk, 0);
        let got = match got {
            Ok(f) => Ok(f.len()),
            Err(StreamError::Doc(e)) => Err(e.to_json()),
            Err(StreamError::Io(e)) => panic!("doc {k}: {e}"),
        };
        assert_eq!(got, want, "doc {k}");
    }
}

#[test]
fn read_errors_are_not_error_documents() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    assert!(matches!(decode_reader(Broken), Err(StreamError::Io(_))));
}

#[test]
fn streamed_findings_compute_the_in_memory_document() {
    let doc = format!(
        "[{},{},{}]",
        good("a"),
        good("b"),
        good("c").replacen("\"NEW\"", "\"RESOLVED\"", 1)
    );
    let opt = Options::new(4, 20).unwrap();
    let mut f = decode_reader(doc.as_bytes()).unwrap();
    assert_eq!(f.ids(), ["a", "b", "c"]);
    // The same VPC is one group; the resolved finding has none.
    assert_eq!(f.keys.group[2].0, [0, 0, u32::MAX]);
    let want = crate::encode(&crate::compute::compute(
        &decode(doc.as_bytes()).unwrap(),
        opt,
    ));
    assert_eq!(crate::encode(&f.compute(opt)), want);
    assert_eq!(f.compute(opt).totals.findings, 0, "the keys moved out");
}

/// A finding of a varied document: accounts, resources, roles and VPCs
/// from small pools (some names escaped, which the reader owns), some
/// inactive, and padding that looks like an element start to the
/// parallel scan's guesses.
fn varied(i: usize) -> String {
    let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let account = ["111", "222", "\\u0033\\u00333", "333", "caf\\u00e9"][h as usize % 5];
    let status = ["NEW", "NOTIFIED", "RESOLVED"][(h >> 3) as usize % 3];
    let role = match (h >> 5) % 4 {
        0 => String::new(),
        k => format!("role-{}", (h >> 7) % (7 * k)),
    };
    let vpc = ["", "vpc-a", "vpc-\\u0061", "vpc-b"][(h >> 9) as usize % 4];
    let pad = if i % 7 == 3 { "x},{" } else { "y" };
    good(&format!("f{i}"))
        .replacen(
            "\"aws_account_id\":\"1\"",
            &format!("\"aws_account_id\":\"{account}\""),
            1,
        )
        .replacen("\"NEW\"", &format!("\"{status}\""), 1)
        .replacen(
            "\"resource_id\":\"r\"",
            &format!("\"resource_id\":\"res-{}\"", (h >> 11) % 900),
            1,
        )
        .replacen(
            "\"iam_role_arn\":\"\"",
            &format!("\"iam_role_arn\":\"{role}\""),
            1,
        )
        .replacen(
            "\"vpc_id\":\"v\"",
            &format!("\"vpc_id\":\"{vpc}\",\"pad\":\"{pad}\""),
            1,
        )
}

/// The keys of findings (but the attributes) numbered as the doc of
/// [`Keys`] says, read literally: accounts, then each kind's (account,
/// value) groups, in order of first occurrence.
fn keys_read_literally<'f>(f: &'f [Finding<'_>]) -> Keys<&'f str> {
    let number = |seen: &mut Vec<(u32, &'f str)>, key: (u32, &'f str)| {
        seen.iter().position(|&k| k == key).unwrap_or_else(|| {
            seen.push(key);
            seen.len() - 1
        }) as u32
    };
    let (mut accounts, mut groups) = (Vec::new(), [vec![], vec![], vec![]]);
    let (mut account, mut group) = (Vec::new(), [vec![], vec![], vec![]]);
    for f in f {
        let a = number(&mut accounts, (0, &f.aws_account_id));
        account.push(a);
        let values = [&f.resource_id, &f.iam_role_arn, &f.vpc_id];
        for ((of, seen), v) in group.iter_mut().zip(&mut groups).zip(values) {
            of.push(if f.workflow_status.is_active() && !v.is_empty() {
                number(seen, (a, v))
            } else {
                u32::MAX
            });
        }
    }
    let [r, o, v] = group;
    let counts = groups.map(|g| g.len());
    Keys {
        accounts: accounts.into_iter().map(|(_, n)| n).collect(),
        account,
        group: [(r, counts[0]), (o, counts[1]), (v, counts[2])],
        attr: Vec::new(),
    }
}

#[test]
fn keys_interned_while_reading_are_numbered_in_document_order() {
    let many: Vec<String> = (0..3000).map(varied).collect();
    let doc = format!("[{}]", many.join(",\n"));
    // Parallel pieces in memory and in the larger windows.
    assert!(doc.len() > 4 * crate::document::PARALLEL_MIN_BYTES);
    let findings = decode(doc.as_bytes()).unwrap();
    let literal = keys_read_literally(&findings);
    assert_eq!(literal.accounts.len(), 4, "the escaped name is one account");
    let want = Keys::intern(&findings);
    assert_eq!(
        (&want.accounts, &want.account, &want.group),
        (&literal.accounts, &literal.account, &literal.group)
    );
    let mut keyed = crate::validate::decode_keyed(doc.as_bytes()).unwrap();
    let got = Keys {
        accounts: keyed.keys.accounts.iter().map(|n| &**n).collect(),
        account: keyed.keys.account.clone(),
        group: keyed.keys.group.clone(),
        attr: keyed.keys.attr.clone(),
    };
    assert!(got == want, "decode_keyed");
    assert_eq!(keyed.ids().len(), 3000);
    let opt = Options::new(4, 20).unwrap();
    let doc_out = crate::encode(&keyed.compute(opt));
    assert_eq!(
        doc_out,
        crate::encode(&crate::compute::compute(&findings, opt))
    );
    assert_eq!(keyed.compute(opt).totals.findings, 0, "the keys moved out");
    for chunk in [4096, 200_000, CHUNK] {
        let g = read_chunked(doc.as_bytes(), chunk, 0).unwrap();
        assert!(
            in_memory(&findings) == (g.ids.clone(), g.keys),
            "chunk {chunk}"
        );
    }
}
