//! Data types of the engine (SPEC sections 1, 4, 5): the 11-field engine
//! finding, the output document and the error document.

use std::borrow::Cow;

use serde::Serialize;

/// Schema of the attack-path output document.
pub const SCHEMA_ATTACK_PATHS: &str = "aegis.attackpaths.v1";
/// Schema of the list operation's output document.
pub const SCHEMA_FINDINGS: &str = "aegis.findings.v1";
/// Schema of the error document.
pub const SCHEMA_ERROR: &str = "aegis.error.v1";

/// Error code: an option out of range.
pub const CODE_INVALID_OPTIONS: &str = "invalid_options";
/// Error code: an ill-formed document or a top level that is not an array.
pub const CODE_INVALID_JSON: &str = "invalid_json";
/// Error code: a finding or one of its fields is bad.
pub const CODE_INVALID_FIELD: &str = "invalid_field";
/// Error code: an id equal to an earlier finding's.
pub const CODE_DUPLICATE_ID: &str = "duplicate_id";
/// Error code used only at the FFI boundary for a caught panic.
pub const CODE_INTERNAL: &str = "internal";

/// `workflow_status`: only NEW and NOTIFIED findings are active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkflowStatus {
    /// NEW
    New,
    /// NOTIFIED
    Notified,
    /// RESOLVED
    Resolved,
    /// SUPPRESSED
    Suppressed,
}

impl WorkflowStatus {
    /// Parses the JSON string value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "NEW" => Self::New,
            "NOTIFIED" => Self::Notified,
            "RESOLVED" => Self::Resolved,
            "SUPPRESSED" => Self::Suppressed,
            _ => return None,
        })
    }

    /// NEW or NOTIFIED.
    pub fn is_active(self) -> bool {
        matches!(self, Self::New | Self::Notified)
    }
}

/// `network_exposure`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkExposure {
    /// INTERNET: an entry when active; reachable over VPC_REACH.
    Internet,
    /// VPC: reachable over VPC_REACH.
    Vpc,
    /// PRIVATE
    Private,
    /// NONE
    None,
}

impl NetworkExposure {
    /// Parses the JSON string value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "INTERNET" => Self::Internet,
            "VPC" => Self::Vpc,
            "PRIVATE" => Self::Private,
            "NONE" => Self::None,
            _ => return None,
        })
    }

    /// INTERNET or VPC: the finding can be the head of a VPC_REACH edge.
    pub fn vpc_reachable(self) -> bool {
        matches!(self, Self::Internet | Self::Vpc)
    }
}

/// `data_classification`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataClassification {
    /// NONE
    None,
    /// INTERNAL
    Internal,
    /// CONFIDENTIAL: a target when active.
    Confidential,
    /// RESTRICTED: a target when active, impact bonus 100.
    Restricted,
}

impl DataClassification {
    /// Parses the JSON string value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "NONE" => Self::None,
            "INTERNAL" => Self::Internal,
            "CONFIDENTIAL" => Self::Confidential,
            "RESTRICTED" => Self::Restricted,
            _ => return None,
        })
    }

    /// CONFIDENTIAL or RESTRICTED.
    pub fn is_target_class(self) -> bool {
        matches!(self, Self::Confidential | Self::Restricted)
    }
}

/// The 14 ATT&CK enterprise tactics in stage order (stage = position + 1).
pub const TACTICS: [&str; 14] = [
    "TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005", "TA0006", "TA0007",
    "TA0008", "TA0009", "TA0011", "TA0010", "TA0040",
];

/// Stage (1..=14) of a `mitre_tactic_id`, None when it is not one of the 14.
pub fn stage_of(tactic: &str) -> Option<u8> {
    TACTICS
        .iter()
        .position(|t| *t == tactic)
        .map(|p| p as u8 + 1)
}

/// The 11 engine fields of a finding, validated. Strings borrow from the
/// input document unless they held escapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding<'a> {
    /// `id`, non-empty, unique in the document.
    pub id: Cow<'a, str>,
    /// `aws_account_id`, non-empty.
    pub aws_account_id: Cow<'a, str>,
    /// `severity_normalized`, 0..=100.
    pub severity_normalized: u8,
    /// `workflow_status`.
    pub workflow_status: WorkflowStatus,
    /// `resource_id`, non-empty.
    pub resource_id: Cow<'a, str>,
    /// `vpc_id`, may be empty.
    pub vpc_id: Cow<'a, str>,
    /// `network_exposure`.
    pub network_exposure: NetworkExposure,
    /// `iam_role_arn`, may be empty.
    pub iam_role_arn: Cow<'a, str>,
    /// `data_classification`.
    pub data_classification: DataClassification,
    /// `epss_e5`, 0..=100000.
    pub epss_e5: u32,
    /// Stage (1..=14) of `mitre_tactic_id`.
    pub stage: u8,
}

/// Validated options (SPEC section 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Longest path in edges, 1..=16.
    pub max_depth: u32,
    /// Paths kept per account, 0 = all.
    pub top_k: u32,
}

/// Default `max_depth`.
pub const DEFAULT_MAX_DEPTH: i64 = 4;
/// Default `top_k`.
pub const DEFAULT_TOP_K: i64 = 20;

impl Options {
    /// Checks raw option values (max_depth first, then top_k).
    pub fn new(max_depth: i64, top_k: i64) -> Result<Self, ErrorDoc> {
        if !(1..=16).contains(&max_depth) {
            return Err(ErrorDoc::options(
                "max_depth",
                format!("max_depth must be an integer in 1..16, got {max_depth}"),
            ));
        }
        if !(0..=1_000_000).contains(&top_k) {
            return Err(ErrorDoc::options(
                "top_k",
                format!("top_k must be an integer in 0..1000000, got {top_k}"),
            ));
        }
        Ok(Options {
            max_depth: max_depth as u32,
            top_k: top_k as u32,
        })
    }
}

/// The reason of an edge, in precedence order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Reason {
    /// Same `resource_id`.
    #[serde(rename = "SAME_RESOURCE")]
    SameResource = 0,
    /// Same non-empty `iam_role_arn`.
    #[serde(rename = "SHARED_ROLE")]
    SharedRole = 1,
    /// Same non-empty `vpc_id`, head exposed to INTERNET or VPC.
    #[serde(rename = "VPC_REACH")]
    VpcReach = 2,
}

/// The attack-path output document (SPEC section 4).
#[derive(Debug, Serialize)]
pub struct AttackPathsDoc<'a> {
    /// Always `aegis.attackpaths.v1`.
    pub schema: &'static str,
    /// Option used.
    pub max_depth: u32,
    /// Option used.
    pub top_k: u32,
    /// Sums over the accounts.
    pub totals: Totals,
    /// One per distinct account, ascending bytewise.
    pub accounts: Vec<AccountPaths<'a>>,
}

/// Document totals.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    /// Findings in the document.
    pub findings: u64,
    /// Active findings.
    pub active: u64,
    /// Directed edges.
    pub edges: u64,
    /// Entries.
    pub entries: u64,
    /// Targets.
    pub targets: u64,
    /// Paths before top_k truncation.
    pub candidate_paths: u64,
    /// Paths emitted.
    pub paths: u64,
}

/// One account's counts and ranked paths.
#[derive(Debug, Serialize)]
pub struct AccountPaths<'a> {
    /// The account id.
    pub aws_account_id: &'a str,
    /// Findings of the account.
    pub findings: u64,
    /// Active findings.
    pub active: u64,
    /// Directed edges.
    pub edges: u64,
    /// Entries.
    pub entries: u64,
    /// Targets.
    pub targets: u64,
    /// Paths before top_k truncation.
    pub candidate_paths: u64,
    /// Kept paths, ranked.
    pub paths: Vec<AttackPath<'a>>,
}

/// One ranked path.
#[derive(Debug, Serialize)]
pub struct AttackPath<'a> {
    /// 1-based rank within the account.
    pub rank: u64,
    /// First finding.
    pub entry_id: &'a str,
    /// Last finding.
    pub target_id: &'a str,
    /// Edges on the path.
    pub hops: u32,
    /// Integer score.
    pub score: u64,
    /// Float likelihood.
    pub likelihood: f64,
    /// Finding ids from entry to target.
    pub finding_ids: Vec<&'a str>,
    /// reasons[i] is the reason of finding_ids[i] -> finding_ids[i+1].
    pub reasons: Vec<Reason>,
}

/// The error document (SPEC section 5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ErrorDoc {
    /// Always `aegis.error.v1`.
    pub schema: &'static str,
    /// One of the CODE_* constants.
    pub code: &'static str,
    /// Finding index (absent for invalid_options and invalid_json).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Field name (absent for invalid_json; "" for a non-object element).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Human explanation (not compared by conformance).
    pub message: String,
}

impl ErrorDoc {
    /// invalid_options naming the option or query member.
    pub fn options(field: &str, message: String) -> Self {
        Self::new(CODE_INVALID_OPTIONS, None, Some(field), message)
    }

    /// invalid_json.
    pub fn json(message: String) -> Self {
        Self::new(CODE_INVALID_JSON, None, None, message)
    }

    /// invalid_field for finding `index` and `field` ("" for a non-object).
    pub fn field(index: usize, field: &str, message: String) -> Self {
        Self::new(CODE_INVALID_FIELD, Some(index), Some(field), message)
    }

    /// duplicate_id for finding `index`.
    pub fn duplicate_id(index: usize, message: String) -> Self {
        Self::new(CODE_DUPLICATE_ID, Some(index), Some("id"), message)
    }

    /// internal (FFI only): a caught panic or bug.
    pub fn internal(message: String) -> Self {
        Self::new(CODE_INTERNAL, None, None, message)
    }

    fn new(code: &'static str, index: Option<usize>, field: Option<&str>, message: String) -> Self {
        ErrorDoc {
            schema: SCHEMA_ERROR,
            code,
            index,
            field: field.map(str::to_owned),
            message,
        }
    }

    /// The document as JSON bytes.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("error document serializes")
    }
}

impl std::fmt::Display for ErrorDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)?;
        if let Some(i) = self.index {
            write!(f, " at finding {i}")?;
        }
        if let Some(field) = self.field.as_deref().filter(|s| !s.is_empty()) {
            write!(f, " field {field:?}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorDoc {}
