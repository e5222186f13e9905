//! The list operation (SPEC section 7): load all 56 fields of every finding
//! (values kept as read), parse the query, filter, order by id and page.

use std::borrow::Cow;

use crate::document::scan_findings;
use crate::json::{self, Kind, Scanner, Span};
use crate::types::{ErrorDoc, SCHEMA_FINDINGS};
use crate::validate::{Slot, lookup_key, scan_object};

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
    let int_ok = |v: Span, text: &str| v.kind == Kind::Int && json::parse_int(text).is_some();
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
            Kind::Str => &sc.text()[v.start as usize - 1..v.end as usize + 1],
            _ => sc.slice(v),
        };
    }
    let string = |k: usize| match slots[k] {
        Slot::One(v) => sc.string(v),
        _ => unreachable!("checked above"),
    };
    let severity = match slots[F_SEVERITY] {
        Slot::One(v) => json::parse_int(sc.slice(v)).expect("checked above"),
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
    scan_findings(
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
    )
}

/// A list query (SPEC section 7). Empty strings, an empty status list and
/// min_severity 0 mean no filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// Keep the finding with this id.
    pub id: String,
    /// Keep findings of this account.
    pub aws_account_id: String,
    /// Keep findings with severity_normalized >= this.
    pub min_severity: i64,
    /// Keep findings whose workflow_status is listed.
    pub workflow_status: Vec<String>,
    /// Keep findings of this resource type.
    pub resource_type: String,
    /// First match of the page.
    pub offset: i64,
    /// Page size, 1..=10000.
    pub limit: i64,
}

/// Default page size.
pub const DEFAULT_LIMIT: i64 = 100;
/// Largest page size.
pub const MAX_LIMIT: i64 = 10_000;

impl Default for Query {
    fn default() -> Self {
        Query {
            id: String::new(),
            aws_account_id: String::new(),
            min_severity: 0,
            workflow_status: Vec::new(),
            resource_type: String::new(),
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

const QUERY_MEMBERS: [&str; 7] = [
    "id",
    "aws_account_id",
    "min_severity",
    "workflow_status",
    "resource_type",
    "offset",
    "limit",
];

impl Query {
    /// Parses a query object; empty input (or white space) is the default
    /// query. Every error is invalid_options: field "" when the query is not
    /// well-formed JSON or not an object, else naming the first member (in
    /// QUERY_MEMBERS order) given twice, null, of the wrong type or out of
    /// range; then naming the first unknown member (in document order).
    pub fn parse(input: &[u8]) -> Result<Query, ErrorDoc> {
        let mut q = Query::default();
        if input.iter().all(|b| b" \t\r\n".contains(b)) {
            return Ok(q);
        }
        let bad_json =
            |e: json::SyntaxError| ErrorDoc::options("", format!("query is not valid JSON: {e}"));
        let mut sc = Scanner::new(input).map_err(bad_json)?;
        let mut slots = [Slot::Missing; 7];
        if sc.peek() != Some(b'{') {
            sc.value(1).and_then(|_| sc.finish()).map_err(bad_json)?;
            return Err(ErrorDoc::options("", "query must be a JSON object".into()));
        }
        let lookup = |k: &[u8]| QUERY_MEMBERS.iter().position(|m| m.as_bytes() == k);
        let mut unknown: Option<String> = None;
        (|| {
            sc.enter(1)?;
            sc.begin_object()?;
            let mut first = true;
            while let Some(key) = sc.next_key(&mut first)? {
                let m = lookup_key(&sc, key, lookup);
                let v = sc.value(2)?;
                match m {
                    Some(m) => slots[m].set(v),
                    None if unknown.is_none() => unknown = Some(sc.string(key).into_owned()),
                    None => {}
                }
            }
            sc.finish()
        })()
        .map_err(bad_json)?;

        for (m, name) in QUERY_MEMBERS.iter().enumerate() {
            let v = match slots[m] {
                Slot::Missing => continue,
                Slot::Twice => {
                    return Err(ErrorDoc::options(
                        name,
                        format!("{name} is given more than once"),
                    ));
                }
                Slot::One(v) => v,
            };
            let err = |rule: &str| {
                let shown: String = sc.slice(v).chars().take(60).collect();
                ErrorDoc::options(name, format!("{name} must be {rule}, got {shown}"))
            };
            match m {
                0 | 1 | 4 => {
                    if v.kind != Kind::Str {
                        return Err(err("a string"));
                    }
                    let s = sc.string(v).into_owned();
                    match m {
                        0 => q.id = s,
                        1 => q.aws_account_id = s,
                        _ => q.resource_type = s,
                    }
                }
                3 => {
                    if v.kind != Kind::Array {
                        return Err(err("an array of strings"));
                    }
                    let mut sub = sc.sub(v);
                    let mut first = true;
                    sub.begin_array().expect("validated array");
                    while sub.next_element(&mut first).expect("validated array") {
                        let e = sub.value(1).expect("validated array");
                        if e.kind != Kind::Str {
                            return Err(err("an array of strings"));
                        }
                        q.workflow_status.push(sub.string(e).into_owned());
                    }
                }
                _ => {
                    let n = (v.kind == Kind::Int)
                        .then(|| json::parse_int(sc.slice(v)))
                        .flatten();
                    match (m, n) {
                        (2, Some(n)) => q.min_severity = n,
                        (5, Some(n)) if n >= 0 => q.offset = n,
                        (6, Some(n)) if (1..=MAX_LIMIT).contains(&n) => q.limit = n,
                        (2, _) => return Err(err("an integer")),
                        (5, _) => return Err(err("an integer >= 0")),
                        _ => return Err(err("an integer in 1..10000")),
                    }
                }
            }
        }
        if let Some(name) = unknown {
            let known = QUERY_MEMBERS.join(", ");
            return Err(ErrorDoc::options(
                &name,
                format!("unknown query member {name:?} (known: {known})"),
            ));
        }
        Ok(q)
    }

    fn matches(&self, f: &FullFinding<'_>) -> bool {
        (self.id.is_empty() || f.id == self.id)
            && (self.aws_account_id.is_empty() || f.aws_account_id == self.aws_account_id)
            && (self.min_severity == 0 || f.severity_normalized >= self.min_severity)
            && (self.workflow_status.is_empty()
                || self.workflow_status.iter().any(|s| *s == f.workflow_status))
            && (self.resource_type.is_empty() || f.resource_type == self.resource_type)
    }
}

/// Runs a query over loaded findings and writes the page document.
pub fn list(findings: &[FullFinding<'_>], q: &Query) -> Vec<u8> {
    let mut matching: Vec<&FullFinding<'_>> = findings.iter().filter(|f| q.matches(f)).collect();
    matching.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    let total = matching.len();
    let start = usize::try_from(q.offset).unwrap_or(usize::MAX).min(total);
    let end = start.saturating_add(q.limit as usize).min(total);
    let mut out = Vec::with_capacity(64 + (end - start) * 2200);
    out.extend_from_slice(b"{\"schema\":\"");
    out.extend_from_slice(SCHEMA_FINDINGS.as_bytes());
    out.extend_from_slice(b"\",\"total\":");
    out.extend_from_slice(total.to_string().as_bytes());
    out.extend_from_slice(b",\"findings\":[");
    for (i, f) in matching[start..end].iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        f.write_json(&mut out);
    }
    out.extend_from_slice(b"]}");
    out
}

/// The whole list operation: query errors first, then the document's.
pub fn list_findings(input: &[u8], query: &[u8]) -> Result<Vec<u8>, ErrorDoc> {
    let q = Query::parse(query)?;
    let findings = load_findings(input)?;
    Ok(list(&findings, &q))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, account: &str, severity: i64, status: &str) -> String {
        let mut parts = Vec::new();
        for (name, t) in FULL_FIELDS {
            let v = match (name, t) {
                ("id", _) => format!("{id:?}"),
                ("aws_account_id", _) => format!("{account:?}"),
                ("severity_normalized", _) => severity.to_string(),
                ("workflow_status", _) => format!("{status:?}"),
                ("resource_type", _) => "\"AwsS3Bucket\"".into(),
                (_, Str) => "\"s\"".into(),
                (_, StrArray) => "[\"a\",\"b\"]".into(),
                (_, Int) => "7".into(),
                (_, Num) => "7.50".into(),
                (_, Bool) => "true".into(),
                (_, IntArray) => "[22,443]".into(),
            };
            parts.push(format!("\"{name}\":{v}"));
        }
        format!("{{{}}}", parts.join(","))
    }

    fn run(doc: &str, query: &str) -> Result<serde_json::Value, ErrorDoc> {
        list_findings(doc.as_bytes(), query.as_bytes())
            .map(|out| serde_json::from_slice(&out).expect("output is JSON"))
    }

    fn ids(v: &serde_json::Value) -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn filters_orders_and_pages() {
        let doc = format!(
            "[{},{},{},{}]",
            finding("c", "1", 90, "NEW"),
            finding("a", "1", 10, "RESOLVED"),
            finding("b", "2", 50, "NOTIFIED"),
            finding("d", "1", 95, "WEIRD")
        );
        let all = run(&doc, "").unwrap();
        assert_eq!(all["total"], 4);
        assert_eq!(ids(&all), ["a", "b", "c", "d"]);
        assert_eq!(all["findings"][0]["severity_product"].as_f64(), Some(7.5));
        assert_eq!(all["findings"][0].as_object().unwrap().len(), 56);
        let q = run(
            &doc,
            r#"{"aws_account_id":"1","min_severity":50,"offset":1,"limit":1}"#,
        )
        .unwrap();
        assert_eq!(
            (q["total"].as_u64(), ids(&q)),
            (Some(2), vec!["d".to_string()])
        );
        let q = run(&doc, r#"{"workflow_status":["NEW","NOTIFIED"]}"#).unwrap();
        assert_eq!(ids(&q), ["b", "c"]);
        let q = run(&doc, r#"{"id":"\u0062"}"#).unwrap();
        assert_eq!(ids(&q), ["b"]);
        let q = run(&doc, r#"{"offset":9}"#).unwrap();
        assert_eq!((q["total"].as_u64(), ids(&q).len()), (Some(4), 0));
    }

    #[test]
    fn query_errors_name_the_member() {
        let doc = format!("[{}]", finding("a", "1", 1, "NEW"));
        for (query, field) in [
            ("[]", ""),
            ("{", ""),
            ("{} x", ""),
            (r#"{"limit":0}"#, "limit"),
            (r#"{"limit":10001}"#, "limit"),
            (r#"{"offset":-1}"#, "offset"),
            (r#"{"offset":1.0}"#, "offset"),
            (r#"{"min_severity":null}"#, "min_severity"),
            (r#"{"min_severity":99999999999999999999}"#, "min_severity"),
            (r#"{"workflow_status":["NEW",1]}"#, "workflow_status"),
            (r#"{"id":1,"limit":0}"#, "id"),
            (r#"{"id":"a","id":"b"}"#, "id"),
            (r#"{"limt":5,"other":1}"#, "limt"),
            (r#"{"limt":5,"limit":0}"#, "limit"),
        ] {
            let e = run(&doc, query).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_deref()),
                ("invalid_options", Some(field)),
                "{query}"
            );
        }
        // The query is checked before the document.
        assert_eq!(
            run("[", r#"{"limit":0}"#).unwrap_err().code,
            "invalid_options"
        );
    }

    #[test]
    fn document_errors_in_section_6_order() {
        let good = finding("a", "1", 1, "NEW");
        let cases = [
            (
                good.replace("\"types\":[\"a\",\"b\"]", "\"types\":[\"a\",1]"),
                "types",
            ),
            (
                good.replace("\"open_ports\":[22,443]", "\"open_ports\":[22,4.5]"),
                "open_ports",
            ),
            (
                good.replace("\"severity_product\":7.50", "\"severity_product\":1e400"),
                "severity_product",
            ),
            (
                good.replace("\"confidence\":7", "\"confidence\":9223372036854775808"),
                "confidence",
            ),
            (
                good.replace("\"encrypted_at_rest\":true", "\"encrypted_at_rest\":null"),
                "encrypted_at_rest",
            ),
            (good.replace("\"title\":\"s\",", ""), "title"),
            (good.replacen('{', "{\"region\":\"x\",", 1), "region"),
        ];
        for (f, field) in cases {
            let e = run(&format!("[{f}]"), "").unwrap_err();
            assert_eq!(
                (e.code, e.index, e.field.as_deref()),
                ("invalid_field", Some(0), Some(field))
            );
        }
        let e = run(&format!("[{good},{good}]"), "").unwrap_err();
        assert_eq!((e.code, e.index), ("duplicate_id", Some(1)));
        let e = run(&format!("[{good},3,{{]"), "").unwrap_err();
        assert_eq!(e.code, "invalid_json");
        // Domains are not checked; 1e-400 is a finite number.
        let odd = good
            .replace("\"severity_normalized\":1", "\"severity_normalized\":500")
            .replace("\"severity_product\":7.50", "\"severity_product\":1e-400");
        assert_eq!(run(&format!("[{odd}]"), "").unwrap()["total"], 1);
    }
}
