// Package schema is the findings schema of engines/SPEC.md sections 1 and 6:
// the 56 fields of a finding in section-6 order, the JSON type of each and
// which are the 11 engine fields. It is the one table the generator, the Go
// engine's loader, the profiler and the anonymizer use; the Rust loader's
// copy (rust/libaegispath/src/load.rs, FULL_FIELDS) is checked against it
// by TestRustLoaderTableMatches.
package schema

// Type is the JSON type of a field.
type Type uint8

// Field types.
const (
	String       Type = iota + 1 // a JSON string
	StringArray                  // an array of strings
	Integer                      // a number without fraction or exponent, fitting in an int64
	Number                       // any number finite as a binary64
	Bool                         // true or false
	IntegerArray                 // an array of integers
)

var typeRules = [...]string{"", "a string", "an array of strings", "an integer", "a number", "a boolean", "an array of integers"}

// Rule says what a value of the type is, for messages: "an integer".
func (t Type) Rule() string {
	if int(t) < len(typeRules) {
		return typeRules[t]
	}
	return "an unknown type"
}

// Field is one of the 56 fields of a finding.
type Field struct {
	Name string
	Type Type
	// Engine marks the 11 fields the attack-path engine reads (section 1).
	Engine bool
}

// NumFields is the number of fields of a finding.
const NumFields = 56

// Positions of the fields in Fields (section-6 order).
const (
	SchemaVersion       = iota // schema_version
	ID                         // id
	ProductARN                 // product_arn
	ProductName                // product_name
	CompanyName                // company_name
	GeneratorID                // generator_id
	AWSAccountID               // aws_account_id
	AWSAccountName             // aws_account_name
	Region                     // region
	Types                      // types
	FirstObservedAt            // first_observed_at
	LastObservedAt             // last_observed_at
	CreatedAt                  // created_at
	UpdatedAt                  // updated_at
	SeverityLabel              // severity_label
	SeverityNormalized         // severity_normalized
	SeverityProduct            // severity_product
	Confidence                 // confidence
	Criticality                // criticality
	Title                      // title
	Description                // description
	RemediationText            // remediation_text
	RemediationURL             // remediation_url
	SourceURL                  // source_url
	ComplianceStatus           // compliance_status
	SecurityControlID          // security_control_id
	RelatedRequirements        // related_requirements
	WorkflowStatus             // workflow_status
	RecordState                // record_state
	VerificationState          // verification_state
	ResourceID                 // resource_id
	ResourceType               // resource_type
	ResourceName               // resource_name
	ResourcePartition          // resource_partition
	ResourceRegion             // resource_region
	ResourceTags               // resource_tags
	VPCID                      // vpc_id
	SubnetID                   // subnet_id
	NetworkExposure            // network_exposure
	PublicIP                   // public_ip
	OpenPorts                  // open_ports
	IAMRoleARN                 // iam_role_arn
	DataClassification         // data_classification
	EncryptedAtRest            // encrypted_at_rest
	VulnID                     // vuln_id
	CVSSBaseScore              // cvss_base_score
	CVSSVector                 // cvss_vector
	EPSSE5                     // epss_e5
	ExploitAvailable           // exploit_available
	FixAvailable               // fix_available
	PackageName                // package_name
	PackageVersion             // package_version
	MITRETacticID              // mitre_tactic_id
	MITRETechniqueID           // mitre_technique_id
	Categories                 // categories
	RelatedFindingIDs          // related_finding_ids
)

// Fields lists the 56 fields in section-6 order: the order in which they
// are generated, checked and written.
var Fields = [NumFields]Field{
	{"schema_version", String, false},
	{"id", String, true},
	{"product_arn", String, false},
	{"product_name", String, false},
	{"company_name", String, false},
	{"generator_id", String, false},
	{"aws_account_id", String, true},
	{"aws_account_name", String, false},
	{"region", String, false},
	{"types", StringArray, false},
	{"first_observed_at", String, false},
	{"last_observed_at", String, false},
	{"created_at", String, false},
	{"updated_at", String, false},
	{"severity_label", String, false},
	{"severity_normalized", Integer, true},
	{"severity_product", Number, false},
	{"confidence", Integer, false},
	{"criticality", Integer, false},
	{"title", String, false},
	{"description", String, false},
	{"remediation_text", String, false},
	{"remediation_url", String, false},
	{"source_url", String, false},
	{"compliance_status", String, false},
	{"security_control_id", String, false},
	{"related_requirements", StringArray, false},
	{"workflow_status", String, true},
	{"record_state", String, false},
	{"verification_state", String, false},
	{"resource_id", String, true},
	{"resource_type", String, false},
	{"resource_name", String, false},
	{"resource_partition", String, false},
	{"resource_region", String, false},
	{"resource_tags", StringArray, false},
	{"vpc_id", String, true},
	{"subnet_id", String, false},
	{"network_exposure", String, true},
	{"public_ip", String, false},
	{"open_ports", IntegerArray, false},
	{"iam_role_arn", String, true},
	{"data_classification", String, true},
	{"encrypted_at_rest", Bool, false},
	{"vuln_id", String, false},
	{"cvss_base_score", Number, false},
	{"cvss_vector", String, false},
	{"epss_e5", Integer, true},
	{"exploit_available", Bool, false},
	{"fix_available", String, false},
	{"package_name", String, false},
	{"package_version", String, false},
	{"mitre_tactic_id", String, true},
	{"mitre_technique_id", String, false},
	{"categories", StringArray, false},
	{"related_finding_ids", StringArray, false},
}

var index = func() map[string]int {
	m := make(map[string]int, NumFields)
	for i, f := range Fields {
		m[f.Name] = i
	}
	return m
}()

// Index returns the position of the field named name.
func Index(name string) (int, bool) {
	i, ok := index[name]
	return i, ok
}

// Names returns the 56 field names in section-6 order.
func Names() []string {
	out := make([]string, NumFields)
	for i, f := range Fields {
		out[i] = f.Name
	}
	return out
}
