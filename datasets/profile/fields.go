package profile

import (
	"strconv"

	"github.com/aegisbench/aegisbench/datasets/internal/findingsjson"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/internal/schema"
)

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
func checkType(t schema.Type, v findingsjson.Value) string {
	if v.Kind == findingsjson.Null {
		return "null"
	}
	switch t {
	case schema.String:
		if v.Kind == findingsjson.String {
			return ""
		}
	case schema.Bool:
		if v.Kind == findingsjson.Bool {
			return ""
		}
	case schema.Integer:
		if v.Kind == findingsjson.Number {
			if !v.Integer {
				return "wrong type: want an integer, got a number with a fraction or an exponent"
			}
			if _, ok := int64Of(v.Raw); !ok {
				return "integer does not fit a signed 64-bit integer"
			}
			return ""
		}
	case schema.Number:
		if v.Kind == findingsjson.Number {
			if f, err := strconv.ParseFloat(string(v.Raw), 64); err != nil && (f > 1 || f < -1) {
				return "number is not finite as a binary64"
			}
			return ""
		}
	case schema.StringArray, schema.IntegerArray:
		if v.Kind == findingsjson.Array {
			for _, it := range v.Items {
				if t == schema.StringArray && it.Kind != findingsjson.String {
					return "wrong type: want an array of strings, got an element that is " + it.Kind.String()
				}
				if t == schema.IntegerArray {
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
	return "wrong type: want " + t.Rule() + ", got " + describeKind(v)
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
	case schema.ID, schema.AWSAccountID, schema.ResourceID:
		if len(v.Raw) == 2 {
			return "must not be empty"
		}
	case schema.SeverityNormalized:
		if n, ok := int64Of(v.Raw); !ok || n < 0 || n > 100 {
			return "out of domain: want an integer in 0..100"
		}
	case schema.EPSSE5:
		if n, ok := int64Of(v.Raw); !ok || n < 0 || n > 100000 {
			return "out of domain: want an integer in 0..100000"
		}
	case schema.WorkflowStatus:
		if enumIndex(statusValues, scratch) == len(statusValues) {
			return "out of domain: want NEW, NOTIFIED, RESOLVED or SUPPRESSED"
		}
	case schema.NetworkExposure:
		if enumIndex(exposureValues, scratch) == len(exposureValues) {
			return "out of domain: want INTERNET, VPC, PRIVATE or NONE"
		}
	case schema.DataClassification:
		if enumIndex(classValues, scratch) == len(classValues) {
			return "out of domain: want NONE, INTERNAL, CONFIDENTIAL or RESTRICTED"
		}
	case schema.MITRETacticID:
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
	case schema.SeverityLabel:
		i := enumIndex(severityLabelValues, s)
		if i == len(severityLabelValues) {
			return "want INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL"
		}
		if severity >= 0 && i != generators.SeverityBand(severity) {
			return "not the band of severity_normalized (0, 1-39, 40-69, 70-89, 90-100)"
		}
	case schema.ComplianceStatus:
		if enumIndex(complianceValues, s) == len(complianceValues) {
			return "want PASSED, WARNING, FAILED or NOT_AVAILABLE"
		}
	case schema.RecordState:
		if enumIndex(recordStateValues, s) == len(recordStateValues) {
			return "want ACTIVE or ARCHIVED"
		}
	case schema.FirstObservedAt, schema.LastObservedAt, schema.CreatedAt, schema.UpdatedAt:
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
