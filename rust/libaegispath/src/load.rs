//! Loading for the list operation (SPEC sections 6 and 7): all 56 fields of
//! every finding, values kept as read, checked in section-6 order.

use std::borrow::Cow;

use crate::document::scan_findings;
use crate::scan::{self, Kind, Scanner, Span};
use crate::types::ErrorDoc;
use crate::validate::{Slot, scan_object};

/// JSON type of one of the 56 fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// A string.
    Str,
    /// An array of strings.
    StrArray,
    /// An integer (no fraction, no exponent) fitting an i64.
    Int,
    /// Any number finite as a binary64.
    Num,
    /// true or false.
    Bool,
    /// An array of integers fitting an i64.
    IntArray,
}

impl FieldType {
    fn rule(self) -> &'static str {
        match self {
            FieldType::Str => "a string",
            FieldType::StrArray => "an array of strings",
            FieldType::Int => "an integer fitting a signed 64-bit integer",
            FieldType::Num => "a number finite as a binary64",
            FieldType::Bool => "a boolean",
            FieldType::IntArray => "an array of integers fitting a signed 64-bit integer",
        }
    }
}

use FieldType::{Bool, Int, IntArray, Num, Str, StrArray};

/// The 56 fields in section-6 order: the order they are checked and written.
/// A copy of Go's internal/schema table (TestRustLoaderTableMatches).
pub const FULL_FIELDS: [(&str, FieldType); 56] = [
    ("schema_version", Str),
    ("id", Str),
    ("product_arn", Str),
    ("product_name", Str),
    ("company_name", Str),
    ("generator_id", Str),
    ("aws_account_id", Str),
    ("aws_account_name", Str),
    ("region", Str),
    ("types", StrArray),
    ("first_observed_at", Str),
    ("last_observed_at", Str),
    ("created_at", Str),
    ("updated_at", Str),
    ("severity_label", Str),
    ("severity_normalized", Int),
    ("severity_product", Num),
    ("confidence", Int),
    ("criticality", Int),
    ("title", Str),
    ("description", Str),
    ("remediation_text", Str),
    ("remediation_url", Str),
    ("source_url", Str),
    ("compliance_status", Str),
    ("security_control_id", Str),
    ("related_requirements", StrArray),
    ("workflow_status", Str),
    ("record_state", Str),
    ("verification_state", Str),
    ("resource_id", Str),
    ("resource_type", Str),
    ("resource_name", Str),
    ("resource_partition", Str),
    ("resource_region", Str),
    ("resource_tags", StrArray),
    ("vpc_id", Str),
    ("subnet_id", Str),
    ("network_exposure", Str),
    ("public_ip", Str),
    ("open_ports", IntArray),
    ("iam_role_arn", Str),
    ("data_classification", Str),
    ("encrypted_at_rest", Bool),
    ("vuln_id", Str),
    ("cvss_base_score", Num),
    ("cvss_vector", Str),
    ("epss_e5", Int),
    ("exploit_available", Bool),
    ("fix_available", Str),
    ("package_name", Str),
    ("package_version", Str),
    ("mitre_tactic_id", Str),
    ("mitre_technique_id", Str),
    ("categories", StrArray),
    ("related_finding_ids", StrArray),
];

const F_ID: usize = 1;
const F_ACCOUNT: usize = 6;
const F_SEVERITY: usize = 15;
const F_STATUS: usize = 27;
const F_RESOURCE_TYPE: usize = 31;

/// The position of a field name in FULL_FIELDS (the one table of names in
/// Rust; Go's internal/schema checks it against its own).
#[inline]
fn full_field(key: &[u8]) -> Option<usize> {
    FULL_FIELDS
        .iter()
        .position(|(name, _)| name.as_bytes() == key)
}

/// One finding with all 56 fields: the raw JSON text of each value as read
/// (written back unchanged) and the decoded values the filters read.
#[derive(Clone, Debug)]
pub struct FullFinding<'a> {
    /// `id`, unescaped.
    pub id: Cow<'a, str>,
    /// `aws_account_id`, unescaped.
    pub aws_account_id: Cow<'a, str>,
    /// `severity_normalized`.
    pub severity_normalized: i64,
    /// `workflow_status`, unescaped (not checked against the enum).
    pub workflow_status: Cow<'a, str>,
    /// `resource_type`, unescaped.
    pub resource_type: Cow<'a, str>,
    /// Raw JSON text of the 56 values, in section-6 order.
    pub raw: Box<[&'a str; 56]>,
}

impl FullFinding<'_> {
    /// Appends the finding as a JSON object of the 56 fields as read.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        for (i, (name, _)) in FULL_FIELDS.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"{\"" } else { b",\"" });
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            out.extend_from_slice(self.raw[i].as_bytes());
        }
        out.push(b'}');
    }
}

/// Why a value does not have the type `t`, or None when it does.
fn type_problem(sc: &Scanner<'_>, v: Span, t: FieldType) -> Option<String> {
    let text = sc.slice(v);
    let int_ok = |v: Span, text: &str| v.kind == Kind::Int && scan::parse_int(text).is_some();
    let ok = match t {
        Str => v.kind == Kind::Str,
        Bool => v.kind == Kind::Bool,
        Int => int_ok(v, text),
        Num => {
            matches!(v.kind, Kind::Int | Kind::Float)
                && text.parse::<f64>().is_ok_and(f64::is_finite)
        }
        StrArray | IntArray => {
            if v.kind != Kind::Array {
                false
            } else {
                let mut sub = sc.sub(v);
                let mut first = true;
                let mut ok = true;
                sub.begin_array().expect("validated array");
                while sub.next_element(&mut first).expect("validated array") {
                    let e = sub.value(1).expect("validated array");
                    ok &= if t == StrArray {
                        e.kind == Kind::Str
                    } else {
                        int_ok(e, sub.slice(e))
                    };
                }
                ok
            }
        }
    };
    if ok {
        return None;
    }
    let shown: String = text.chars().take(60).collect();
    Some(format!("must be {}, got {shown}", t.rule()))
}

/// Checks the 56 slots in section-6 order and builds the finding.
fn full_finding<'a>(
    sc: &Scanner<'a>,
    slots: &[Slot; 56],
) -> Result<FullFinding<'a>, (&'static str, String)> {
    let mut raw: Box<[&'a str; 56]> = Box::new([""; 56]);
    for (k, (name, t)) in FULL_FIELDS.iter().enumerate() {
        let v = match slots[k] {
            Slot::Missing => return Err((name, format!("{name} is missing"))),
            Slot::Twice => return Err((name, format!("{name} is given more than once"))),
            Slot::One(v) => v,
        };
        if let Some(problem) = type_problem(sc, v, *t) {
            return Err((name, format!("{name} {problem}")));
        }
        raw[k] = match v.kind {
            Kind::Str => sc.slice(Span {
                start: v.start - 1,
                end: v.end + 1,
                ..v
            }),
            _ => sc.slice(v),
        };
    }
    let string = |k: usize| match slots[k] {
        Slot::One(v) => sc.string(v),
        _ => unreachable!("checked above"),
    };
    let severity = match slots[F_SEVERITY] {
        Slot::One(v) => scan::parse_int(sc.slice(v)).expect("checked above"),
        _ => unreachable!("checked above"),
    };
    Ok(FullFinding {
        id: string(F_ID),
        aws_account_id: string(F_ACCOUNT),
        severity_normalized: severity,
        workflow_status: string(F_STATUS),
        resource_type: string(F_RESOURCE_TYPE),
        raw,
    })
}

/// Loads a findings document with all 56 fields (the list operation's
/// loader): invalid_json first, then per element the first bad field in
/// section-6 order, then the first duplicate id.
pub fn load_findings(input: &[u8]) -> Result<Vec<FullFinding<'_>>, ErrorDoc> {
    scan_findings::<_, ()>(
        input,
        |sc| {
            if sc.peek() != Some(b'{') {
                sc.value(2)?;
                return Ok(Err(("", "the finding is not a JSON object".into())));
            }
            let mut slots = [Slot::Missing; 56];
            scan_object(sc, full_field, &mut slots)?;
            Ok(full_finding(sc, &slots))
        },
        |f| &f.id,
        |f| &f.id,
    )
    .map(|(findings, _)| findings)
}
