//! The list operation (SPEC section 7): parse the query, load the findings
//! ([`crate::load`]), filter, order by id and page.

use crate::load::{FullFinding, load_findings};
use crate::scan::{self, Kind, Scanner};
use crate::types::{ErrorDoc, SCHEMA_FINDINGS};
use crate::validate::{Slot, lookup_key};

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
        let bad_json = |e: scan::SyntaxError| {
            let e = scan::utf8_first(input, e);
            ErrorDoc::options("", format!("query is not valid JSON: {e}"))
        };
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
                        .then(|| scan::parse_int(sc.slice(v)))
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
    use crate::load::FULL_FIELDS;
    use crate::load::FieldType::{Bool, Int, IntArray, Num, Str, StrArray};

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
