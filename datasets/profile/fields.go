package profile

import (
	"strconv"

	"github.com/aegisbench/aegisbench/datasets/internal/findingsjson"
	"github.com/aegisbench/aegisbench/generators"
)

// fieldType is the JSON type of one of the 56 fields (engines/SPEC.md
// section 6, with the list operation's rules of section 7).
type fieldType uint8

const (
	tString fieldType = iota + 1
	tStrings
	tInteger
	tNumber
	tBool
	tIntegers
)

var typeNames = [...]string{"", "a string", "an array of strings", "an integer", "a number", "a boolean", "an array of integers"}

type fieldDef struct {
	name   string
	typ    fieldType
	engine bool // one of the 11 engine fields of section 1
}

// fields lists the 56 fields in section-6 order.
var fields = [numFields]fieldDef{
	{"schema_version", tString, false}, {"id", tString, true}, {"product_arn", tString, false},
	{"product_name", tString, false}, {"company_name", tString, false}, {"generator_id", tString, false},
	{"aws_account_id", tString, true}, {"aws_account_name", tString, false}, {"region", tString, false},
	{"types", tStrings, false}, {"first_observed_at", tString, false}, {"last_observed_at", tString, false},
	{"created_at", tString, false}, {"updated_at", tString, false}, {"severity_label", tString, false},
	{"severity_normalized", tInteger, true}, {"severity_product", tNumber, false}, {"confidence", tInteger, false},
	{"criticality", tInteger, false}, {"title", tString, false}, {"description", tString, false},
	{"remediation_text", tString, false}, {"remediation_url", tString, false}, {"source_url", tString, false},
	{"compliance_status", tString, false}, {"security_control_id", tString, false},
	{"related_requirements", tStrings, false}, {"workflow_status", tString, true},
	{"record_state", tString, false}, {"verification_state", tString, false}, {"resource_id", tString, true},
	{"resource_type", tString, false}, {"resource_name", tString, false}, {"resource_partition", tString, false},
	{"resource_region", tString, false}, {"resource_tags", tStrings, false}, {"vpc_id", tString, true},
	{"subnet_id", tString, false}, {"network_exposure", tString, true}, {"public_ip", tString, false},
	{"open_ports", tIntegers, false}, {"iam_role_arn", tString, true}, {"data_classification", tString, true},
	{"encrypted_at_rest", tBool, false}, {"vuln_id", tString, false}, {"cvss_base_score", tNumber, false},
	{"cvss_vector", tString, false}, {"epss_e5", tInteger, true}, {"exploit_available", tBool, false},
	{"fix_available", tString, false}, {"package_name", tString, false}, {"package_version", tString, false},
	{"mitre_tactic_id", tString, true}, {"mitre_technique_id", tString, false}, {"categories", tStrings, false},
	{"related_finding_ids", tStrings, false},
}

const numFields = 56

// Positions in fields of the fields the profile reads.
const (
	fID                 = 1
	fAccount            = 6
	fCreated            = 12
	fFirstObserved      = 10
	fLastObserved       = 11
	fUpdated            = 13
	fSeverityLabel      = 14
	fSeverityNormalized = 15
	fCompliance         = 24
	fWorkflowStatus     = 27
	fRecordState        = 28
	fResourceID         = 30
	fVPC                = 36
	fExposure           = 38
	fRole               = 41
	fClassification     = 42
	fEPSS               = 47
	fTactic             = 52
)

var fieldIndex = func() map[string]int {
	m := make(map[string]int, numFields)
	for i, f := range fields {
		m[f.name] = i
	}
	return m
}()

// FieldNames returns the 56 field names in section-6 order.
func FieldNames() []string {
	out := make([]string, numFields)
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// Enumerations of engines/SPEC.md sections 1 and 6, in spec order.
var (
	statusValues   = []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	exposureValues = []string{"INTERNET", "VPC", "PRIVATE", "NONE"}
	classValues    = []string{"NONE", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"}
	tacticValues   = []string{"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
		"TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"}
	severityLabelValues = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	complianceValues    = []string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}
	recordStateValues   = []string{"ACTIVE", "ARCHIVED"}
)

// enumIndex returns the position of s in values, or len(values) ("other").
func enumIndex(values []string, s []byte) int {
	for i, v := range values {
		if v == string(s) {
			return i
		}
	}
	return len(values)
}

// Rule classes of a violation.
const (
	ClassDocument   = "document"   // the finding is not a well-formed object
	ClassType       = "type"       // missing, repeated, null or wrong JSON type (engine and list operation reject)
	ClassDomain     = "domain"     // an engine field out of its section-1 domain (the engine rejects)
	ClassConvention = "convention" // a section-6 convention no operation checks
)

// checkType returns the rule a present, single value breaks for its
// field's type, or "".
func checkType(t fieldType, v findingsjson.Value) string {
	if v.Kind == findingsjson.Null {
		return "null"
	}
	switch t {
	case tString:
		if v.Kind == findingsjson.String {
			return ""
		}
	case tBool:
		if v.Kind == findingsjson.Bool {
			return ""
		}
	case tInteger:
		if v.Kind == findingsjson.Number {
			if !v.Integer {
				return "wrong type: want an integer, got a number with a fraction or an exponent"
			}
			if _, ok := int64Of(v.Raw); !ok {
				return "integer does not fit a signed 64-bit integer"
			}
			return ""
		}
	case tNumber:
		if v.Kind == findingsjson.Number {
			if f, err := strconv.ParseFloat(string(v.Raw), 64); err != nil && (f > 1 || f < -1) {
				return "number is not finite as a binary64"
			}
			return ""
		}
	case tStrings, tIntegers:
		if v.Kind == findingsjson.Array {
			for _, it := range v.Items {
				if t == tStrings && it.Kind != findingsjson.String {
					return "wrong type: want an array of strings, got an element that is " + it.Kind.String()
				}
				if t == tIntegers {
					if it.Kind != findingsjson.Number || !it.Integer {
						return "wrong type: want an array of integers, got an element that is " + describeKind(it)
					}
					if _, ok := int64Of(it.Raw); !ok {
						return "array element does not fit a signed 64-bit integer"
					}
				}
			}
			return ""
		}
	}
	return "wrong type: want " + typeNames[t] + ", got " + describeKind(v)
}

func describeKind(v findingsjson.Value) string {
	if v.Kind == findingsjson.Number && !v.Integer {
		return "a number with a fraction or an exponent"
	}
	return v.Kind.String()
}

// int64Of parses an integer token ("-0" is 0).
func int64Of(raw []byte) (int64, bool) {
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// checkDomain returns the section-1 domain rule an engine field's
// well-typed value breaks, or "".
func checkDomain(f int, v findingsjson.Value, scratch []byte) string {
	switch f {
	case fID, fAccount, fResourceID:
		if len(v.Raw) == 2 {
			return "must not be empty"
		}
	case fSeverityNormalized:
		if n, ok := int64Of(v.Raw); !ok || n < 0 || n > 100 {
			return "out of domain: want an integer in 0..100"
		}
	case fEPSS:
		if n, ok := int64Of(v.Raw); !ok || n < 0 || n > 100000 {
			return "out of domain: want an integer in 0..100000"
		}
	case fWorkflowStatus:
		if enumIndex(statusValues, scratch) == len(statusValues) {
			return "out of domain: want NEW, NOTIFIED, RESOLVED or SUPPRESSED"
		}
	case fExposure:
		if enumIndex(exposureValues, scratch) == len(exposureValues) {
			return "out of domain: want INTERNET, VPC, PRIVATE or NONE"
		}
	case fClassification:
		if enumIndex(classValues, scratch) == len(classValues) {
			return "out of domain: want NONE, INTERNAL, CONFIDENTIAL or RESTRICTED"
		}
	case fTactic:
		if enumIndex(tacticValues, scratch) == len(tacticValues) {
			return "out of domain: want one of the 14 tactic ids of the stage table"
		}
	}
	return ""
}

// checkConvention returns the section-6 convention a well-typed value
// breaks, or "". severity is the finding's severity_normalized (-1 when
// unknown).
func checkConvention(f int, s []byte, severity int) string {
	switch f {
	case fSeverityLabel:
		i := enumIndex(severityLabelValues, s)
		if i == len(severityLabelValues) {
			return "want INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL"
		}
		if severity >= 0 && i != generators.SeverityBand(severity) {
			return "not the band of severity_normalized (0, 1-39, 40-69, 70-89, 90-100)"
		}
	case fCompliance:
		if enumIndex(complianceValues, s) == len(complianceValues) {
			return "want PASSED, WARNING, FAILED or NOT_AVAILABLE"
		}
	case fRecordState:
		if enumIndex(recordStateValues, s) == len(recordStateValues) {
			return "want ACTIVE or ARCHIVED"
		}
	case fFirstObserved, fLastObserved, fCreated, fUpdated:
		if !isTimestamp(s) {
			return "want an RFC 3339 UTC timestamp with milliseconds (2006-01-02T15:04:05.000Z)"
		}
	}
	return ""
}

// isTimestamp matches YYYY-MM-DDTHH:MM:SS.mmmZ with plausible ranges.
func isTimestamp(s []byte) bool {
	const layout = "dddd-dd-ddTdd:dd:dd.dddZ"
	if len(s) != len(layout) {
		return false
	}
	for i := range len(layout) {
		if layout[i] == 'd' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != layout[i] {
			return false
		}
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	month, day, hour, minute, second := two(5), two(8), two(11), two(14), two(17)
	return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60
}
