//! The strict checks of SPEC section 5 for the attack-path operation: parse
//! a findings document into validated 11-field [`Finding`]s, or return the
//! error document of the first failure in the spec's order.

use std::borrow::Cow;

use crate::compute::Decoded;
use crate::compute::keys::{KeyedIds, KeysBuilder};
use crate::document::{ElementResult, scan_findings};
use crate::scan::{self, Kind, Scanner, Span};
use crate::types::{
    DataClassification, ErrorDoc, Finding, NetworkExposure, WorkflowStatus, stage_of,
};

/// The 11 engine fields in table order (SPEC section 1).
pub const ENGINE_FIELDS: [&str; 11] = [
    "id",
    "aws_account_id",
    "severity_normalized",
    "workflow_status",
    "resource_id",
    "vpc_id",
    "network_exposure",
    "iam_role_arn",
    "data_classification",
    "epss_e5",
    "mitre_tactic_id",
];

/// `key == name`, with the length known at compile time (a few word
/// compares instead of a call to memcmp).
#[inline(always)]
fn is<const N: usize>(key: &[u8], name: &[u8; N]) -> bool {
    <&[u8; N]>::try_from(key).is_ok_and(|k| k == name)
}

/// The index in ENGINE_FIELDS of a member name: one branch on the length,
/// then at most two fixed-length compares (45 of the 56 names of a finding
/// are not engine fields).
#[inline]
fn engine_field(key: &[u8]) -> Option<usize> {
    let k = match key.len() {
        2 if is(key, b"id") => 0,
        14 if is(key, b"aws_account_id") => 1,
        19 if is(key, b"severity_normalized") => 2,
        15 if is(key, b"workflow_status") => 3,
        11 if is(key, b"resource_id") => 4,
        6 if is(key, b"vpc_id") => 5,
        16 if is(key, b"network_exposure") => 6,
        12 if is(key, b"iam_role_arn") => 7,
        19 if is(key, b"data_classification") => 8,
        7 if is(key, b"epss_e5") => 9,
        15 if is(key, b"mitre_tactic_id") => 10,
        _ => return None,
    };
    debug_assert_eq!(ENGINE_FIELDS[k].as_bytes(), key);
    Some(k)
}

/// What an object held for one field: nothing, one value, or several.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The member is absent.
    Missing,
    /// The member appears once with this value.
    One(Span),
    /// The member appears more than once.
    Twice,
}

impl Slot {
    #[inline]
    pub(crate) fn set(&mut self, v: Span) {
        *self = match *self {
            Slot::Missing => Slot::One(v),
            _ => Slot::Twice,
        };
    }
}

/// Looks up a member name (a string span) in a field table via `lookup`,
/// decoding escapes first when the name holds any.
#[inline]
pub(crate) fn lookup_key(
    sc: &Scanner<'_>,
    key: Span,
    lookup: impl Fn(&[u8]) -> Option<usize>,
) -> Option<usize> {
    if key.escaped {
        lookup(sc.string(key).as_bytes())
    } else {
        lookup(sc.slice(key).as_bytes())
    }
}

/// A field problem: the message says what is wrong with the value.
pub(crate) type FieldResult<T> = Result<T, String>;

/// Common checks of one slot: present once, not null, of the JSON kind
/// `want` (described by `what`).
#[inline]
pub(crate) fn present(
    slot: Slot,
    name: &str,
    want: Kind,
    what: &dyn std::fmt::Display,
) -> FieldResult<Span> {
    match slot {
        Slot::Missing => Err(format!("{name} is missing")),
        Slot::Twice => Err(format!("{name} is given more than once")),
        Slot::One(v) if v.kind == want => Ok(v),
        Slot::One(v) if v.kind == Kind::Null => Err(format!("{name} is null, want {what}")),
        Slot::One(_) => Err(format!("{name} must be {what}")),
    }
}

/// A string field; `non_empty` rejects "".
#[inline]
fn string_field<'a>(
    sc: &Scanner<'a>,
    slot: Slot,
    name: &str,
    non_empty: bool,
) -> FieldResult<Cow<'a, str>> {
    let what = if non_empty {
        "a non-empty string"
    } else {
        "a string"
    };
    let s = sc.string(present(slot, name, Kind::Str, &what)?);
    if non_empty && s.is_empty() {
        return Err(format!("{name} must be a non-empty string"));
    }
    Ok(s)
}

/// An integer field in 0..=max (JSON integer: no fraction, no exponent).
#[inline]
pub(crate) fn int_field(sc: &Scanner<'_>, slot: Slot, name: &str, max: i64) -> FieldResult<i64> {
    let bad = || format!("{name} must be an integer in 0..{max}");
    let v = match slot {
        Slot::One(v) if v.kind == Kind::Float => return Err(bad()),
        _ => present(
            slot,
            name,
            Kind::Int,
            &format_args!("an integer in 0..{max}"),
        )?,
    };
    match scan::parse_int(sc.slice(v)) {
        Some(i) if (0..=max).contains(&i) => Ok(i),
        _ => Err(format!("{bad}, got {}", sc.slice(v), bad = bad())),
    }
}

/// An enumerated string field.
#[inline]
fn enum_field<T>(
    sc: &Scanner<'_>,
    slot: Slot,
    name: &str,
    allowed: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> FieldResult<T> {
    let s = sc.string(present(
        slot,
        name,
        Kind::Str,
        &format_args!("one of {allowed}"),
    )?);
    parse(&s).ok_or_else(|| format!("{name} must be one of {allowed}, got {s:?}"))
}

/// Converts the 11 slots of one object, in table order; on failure returns
/// the field name and the problem.
fn engine_finding<'a>(
    sc: &Scanner<'a>,
    s: &[Slot; 11],
) -> Result<Finding<'a>, (&'static str, String)> {
    let f = ENGINE_FIELDS;
    let at = |k: usize| move |msg: String| (f[k], msg);
    Ok(Finding {
        id: string_field(sc, s[0], f[0], true).map_err(at(0))?,
        aws_account_id: string_field(sc, s[1], f[1], true).map_err(at(1))?,
        severity_normalized: int_field(sc, s[2], f[2], 100).map_err(at(2))? as u8,
        workflow_status: enum_field(
            sc,
            s[3],
            f[3],
            "NEW, NOTIFIED, RESOLVED, SUPPRESSED",
            WorkflowStatus::parse,
        )
        .map_err(at(3))?,
        resource_id: string_field(sc, s[4], f[4], true).map_err(at(4))?,
        vpc_id: string_field(sc, s[5], f[5], false).map_err(at(5))?,
        network_exposure: enum_field(
            sc,
            s[6],
            f[6],
            "INTERNET, VPC, PRIVATE, NONE",
            NetworkExposure::parse,
        )
        .map_err(at(6))?,
        iam_role_arn: string_field(sc, s[7], f[7], false).map_err(at(7))?,
        data_classification: enum_field(
            sc,
            s[8],
            f[8],
            "NONE, INTERNAL, CONFIDENTIAL, RESTRICTED",
            DataClassification::parse,
        )
        .map_err(at(8))?,
        epss_e5: int_field(sc, s[9], f[9], 100_000).map_err(at(9))? as u32,
        stage: enum_field(sc, s[10], f[10], "the 14 ATT&CK tactic ids", stage_of)
            .map_err(at(10))?,
    })
}

/// Scans the members of one object element (depth 2), filling `slots` for
/// the fields `lookup` knows; every other member is validated and skipped.
#[inline]
pub(crate) fn scan_object<const N: usize>(
    sc: &mut Scanner<'_>,
    lookup: impl Fn(&[u8]) -> Option<usize> + Copy,
    slots: &mut [Slot; N],
) -> scan::Result<()> {
    sc.enter(2)?;
    let start = sc.pos();
    let fast = sc.members_fast(2, |key, v| {
        if let Some(k) = lookup(key) {
            slots[k].set(v);
        }
    });
    if fast.is_some() {
        return Ok(());
    }
    // Something unusual (an escaped name, an error): the general path from
    // the object's start, which reports errors at their exact offsets.
    *slots = [Slot::Missing; N];
    sc.seek(start);
    sc.begin_object()?;
    let mut first = true;
    while let Some(key) = sc.next_key(&mut first)? {
        let field = lookup_key(sc, key, lookup);
        let v = sc.value(3)?;
        if let Some(k) = field {
            slots[k].set(v);
        }
    }
    Ok(())
}

/// Parses and validates a findings document for the attack-path operation.
pub fn decode(input: &[u8]) -> Result<Vec<Finding<'_>>, ErrorDoc> {
    scan_findings::<_, ()>(input, engine_element, finding_id, finding_id)
        .map(|(findings, _)| findings)
}

/// A finding's id (the key of the duplicate check).
fn finding_id<'s>(f: &'s Finding<'_>) -> &'s str {
    &f.id
}

/// [`decode`], interning what compute needs of each finding as it is read
/// (its strings are then in cache): the ids of the findings with their
/// keys.
pub fn decode_keyed(input: &[u8]) -> Result<Decoded<'_>, ErrorDoc> {
    let (ids, pieces) =
        scan_findings::<_, KeyedIds<_>>(input, engine_element, finding_id, |id| id)?;
    let (locals, packed) = pieces.into_iter().map(|p| (p.keys, p.packed)).unzip();
    let mut keys = KeysBuilder::with_capacity(ids.len());
    keys.merge(locals, |s| s, [|s| s; 3]);
    Ok(Decoded::new(ids, packed, keys.finish()))
}

/// Reads one element of a findings document (the scanner on its first
/// byte) as an engine finding, or the field that is bad and why.
pub(crate) fn engine_element<'a>(sc: &mut Scanner<'a>) -> scan::Result<ElementResult<Finding<'a>>> {
    if sc.peek() != Some(b'{') {
        sc.value(2)?;
        return Ok(Err(("", "the finding is not a JSON object".into())));
    }
    let mut slots = [Slot::Missing; 11];
    scan_object(sc, engine_field, &mut slots)?;
    Ok(engine_finding(sc, &slots))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What conformance compares of an error: code, index, field.
    type Key = (String, Option<usize>, Option<String>);

    fn err(doc: &str) -> Key {
        let e = decode(doc.as_bytes()).expect_err(doc);
        (e.code.to_string(), e.index, e.field)
    }

    const GOOD: &str = r#"{"id":"a","aws_account_id":"1","severity_normalized":5,"workflow_status":"NEW","resource_id":"r","vpc_id":"","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"NONE","epss_e5":0,"mitre_tactic_id":"TA0001"}"#;

    fn with(member: &str, value: &str) -> String {
        let base: serde_json::Value = serde_json::from_str(GOOD).unwrap();
        let mut parts = Vec::new();
        for (k, v) in base.as_object().unwrap() {
            if k == member {
                if !value.is_empty() {
                    parts.push(format!("\"{k}\":{value}"));
                }
            } else {
                parts.push(format!("\"{k}\":{v}"));
            }
        }
        format!("{{{}}}", parts.join(","))
    }

    #[test]
    fn parses_a_good_finding_with_escapes_and_extra_members() {
        let doc = format!(
            "[{}]",
            with("id", r#""\u00e9\"x""#).replacen('{', r#"{"extra":[1e400,{"a":null}],"#, 1)
        );
        let f = decode(doc.as_bytes()).unwrap();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].id, "é\"x");
        assert_eq!(f[0].stage, 3);
        assert_eq!(f[0].network_exposure, NetworkExposure::Internet);
    }

    #[test]
    fn reports_errors_in_spec_order() {
        let j = |c: &str| (c.to_string(), None, None);
        let fe = |i: usize, f: &str| ("invalid_field".to_string(), Some(i), Some(f.to_string()));
        let cases: Vec<(String, Key)> = vec![
            ("{}".into(), j("invalid_json")),
            ("[1,]".into(), j("invalid_json")),
            (format!("[{GOOD}] x"), j("invalid_json")),
            (format!("[1, {GOOD}, \"\\ud800\"]"), j("invalid_json")),
            (
                format!("[{}]", GOOD.replacen('{', r#"{"title":"\udc00","#, 1)),
                j("invalid_json"),
            ),
            ("[1]".into(), fe(0, "")),
            (format!("[{GOOD}, null]"), fe(1, "")),
            (format!("[{}]", with("id", "")), fe(0, "id")),
            (format!("[{}]", with("id", "\"\"")), fe(0, "id")),
            (format!("[{}]", with("epss_e5", "100001")), fe(0, "epss_e5")),
            (format!("[{}]", with("epss_e5", "1e3")), fe(0, "epss_e5")),
            (format!("[{}]", with("epss_e5", "-1")), fe(0, "epss_e5")),
            (
                format!("[{}]", with("epss_e5", "99999999999999999999999")),
                fe(0, "epss_e5"),
            ),
            (
                format!("[{}]", with("severity_normalized", "40.0")),
                fe(0, "severity_normalized"),
            ),
            (
                format!("[{}]", with("severity_normalized", "null")),
                fe(0, "severity_normalized"),
            ),
            (format!("[{}]", with("vpc_id", "7")), fe(0, "vpc_id")),
            (
                format!("[{}]", with("mitre_tactic_id", "\"TA9999\"")),
                fe(0, "mitre_tactic_id"),
            ),
            (
                format!(
                    "[{}]",
                    with("mitre_tactic_id", "\"x\"").replacen("\"id\":\"a\"", "\"id\":\"\"", 1)
                ),
                fe(0, "id"),
            ),
            (
                format!("[{}]", GOOD.replacen('{', "{\"epss_e5\":1,", 1)),
                fe(0, "epss_e5"),
            ),
            (
                format!("[{GOOD},{GOOD}]"),
                ("duplicate_id".into(), Some(1), Some("id".into())),
            ),
            (
                format!("[{GOOD},{GOOD},{}]", with("id", "1")),
                ("duplicate_id".into(), Some(1), Some("id".into())),
            ),
            (
                format!("[{}, {GOOD}, {GOOD}]", with("id", "1")),
                fe(0, "id"),
            ),
        ];
        for (doc, want) in cases {
            assert_eq!(err(&doc), want, "{doc}");
        }
    }

    #[test]
    fn accepts_negative_zero_and_escaped_keys() {
        let doc = format!(
            "[{}]",
            with("epss_e5", "-0").replacen("\"id\"", "\"\\u0069d\"", 1)
        );
        let f = decode(doc.as_bytes()).unwrap();
        assert_eq!(f[0].epss_e5, 0);
        assert_eq!(f[0].id, "a");
    }

    #[test]
    fn duplicated_escaped_key_is_a_field_error() {
        let doc = format!("[{}]", GOOD.replacen('{', "{\"i\\u0064\":\"b\",", 1));
        assert_eq!(
            err(&doc),
            ("invalid_field".into(), Some(0), Some("id".into()))
        );
    }
}
