package goengine

// Finding holds the 11 engine fields of a finding (spec section 1). The
// enumerations are stored as small codes; their zero values are invalid and
// never produced by Decode. The fields are ordered for size (96 bytes on
// 64-bit machines, no padding between them): a streamed file of millions
// of findings is held as these.
type Finding struct {
	ID                 string
	AccountID          string
	ResourceID         string
	VPCID              string
	IAMRoleARN         string
	SeverityNormalized int32
	EPSSE5             int32
	WorkflowStatus     WorkflowStatus
	NetworkExposure    Exposure
	DataClassification Classification
	Tactic             Tactic
}

// Active reports whether the finding takes part in edges, entries, targets
// and paths: its workflow_status is NEW or NOTIFIED.
func (f *Finding) Active() bool {
	return f.WorkflowStatus == StatusNew || f.WorkflowStatus == StatusNotified
}

// WorkflowStatus is the workflow_status enumeration.
type WorkflowStatus uint8

// Workflow statuses.
const (
	StatusNew WorkflowStatus = iota + 1
	StatusNotified
	StatusResolved
	StatusSuppressed
)

var statusNames = [...]string{"", "NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}

// String returns the JSON spelling, "" for an invalid value.
func (s WorkflowStatus) String() string { return enumName(statusNames[:], int(s)) }

// ParseWorkflowStatus returns the status spelled b, or 0.
func ParseWorkflowStatus(b []byte) WorkflowStatus { return WorkflowStatus(enumCode(statusNames[:], b)) }

// Exposure is the network_exposure enumeration.
type Exposure uint8

// Network exposures.
const (
	ExposureInternet Exposure = iota + 1
	ExposureVPC
	ExposurePrivate
	ExposureNone
)

var exposureNames = [...]string{"", "INTERNET", "VPC", "PRIVATE", "NONE"}

// String returns the JSON spelling, "" for an invalid value.
func (e Exposure) String() string { return enumName(exposureNames[:], int(e)) }

// ParseExposure returns the exposure spelled b, or 0.
func ParseExposure(b []byte) Exposure { return Exposure(enumCode(exposureNames[:], b)) }

// Classification is the data_classification enumeration.
type Classification uint8

// Data classifications.
const (
	ClassNone Classification = iota + 1
	ClassInternal
	ClassConfidential
	ClassRestricted
)

var classNames = [...]string{"", "NONE", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"}

// String returns the JSON spelling, "" for an invalid value.
func (c Classification) String() string { return enumName(classNames[:], int(c)) }

// ParseClassification returns the classification spelled b, or 0.
func ParseClassification(b []byte) Classification { return Classification(enumCode(classNames[:], b)) }

// Tactic is a mitre_tactic_id as its stage: its position 1..14 in ATT&CK
// enterprise order (spec section 1).
type Tactic uint8

var tacticNames = [...]string{"",
	"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
	"TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040",
}

// String returns the tactic id, "" for an invalid value.
func (t Tactic) String() string { return enumName(tacticNames[:], int(t)) }

// ParseTactic returns the stage of tactic id b, or 0.
func ParseTactic(b []byte) Tactic { return Tactic(enumCode(tacticNames[:], b)) }

func enumName(names []string, i int) string {
	if i <= 0 || i >= len(names) {
		return ""
	}
	return names[i]
}

func enumCode(names []string, b []byte) int {
	for i := 1; i < len(names); i++ {
		if string(b) == names[i] {
			return i
		}
	}
	return 0
}

// Reason is why an edge exists, in precedence order (spec section 3).
type Reason uint8

// Edge reasons, lowest value first in precedence.
const (
	ReasonSameResource Reason = iota + 1
	ReasonSharedRole
	ReasonVPCReach
)

var reasonNames = [...]string{"", "SAME_RESOURCE", "SHARED_ROLE", "VPC_REACH"}

// String returns the JSON spelling.
func (r Reason) String() string { return enumName(reasonNames[:], int(r)) }
