package generators

// This file holds the value pools the generator draws from. Everything is a
// slice (never a map) so iteration order is fixed.

// Engine field domains (SPEC section 1), indexed by the constants below.
var (
	statusNames     = [4]string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	exposureNames   = [4]string{"INTERNET", "VPC", "PRIVATE", "NONE"}
	classNames      = [4]string{"NONE", "INTERNAL", "CONFIDENTIAL", "RESTRICTED"}
	severityLabels  = [5]string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	complianceNames = [4]string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}
)

const (
	statusNew = iota
	statusNotified
	statusResolved
	statusSuppressed
)

const (
	expInternet = iota
	expVPC
	expPrivate
	expNone
)

const (
	classNone = iota
	classInternal
	classConfidential
	classRestricted
)

// SeverityBand returns the ASFF severity band of a normalized severity, the
// index of its severity_label in INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL:
// 0, 1-39, 40-69, 70-89, 90-100.
func SeverityBand(sev int) int {
	switch {
	case sev == 0:
		return 0
	case sev < 40:
		return 1
	case sev < 70:
		return 2
	case sev < 90:
		return 3
	}
	return 4
}

// technique is a MITRE ATT&CK technique.
type technique struct {
	id, name string
}

// threat is a GuardDuty finding type with a title template. target names the
// resource family it applies to ("ec2", "s3", "iam", "k8s", "rds").
type threat struct {
	gdType, target, title string
}

// tactic is one stage of the SPEC stage table, in stage order.
type tactic struct {
	id, name   string
	techniques []technique
	threats    []threat
}

// tactics lists the 14 ATT&CK enterprise tactics in stage order (stage =
// index + 1).
var tactics = [14]tactic{
	{"TA0043", "Reconnaissance", []technique{{"T1595", "Active Scanning"}, {"T1595.001", "Scanning IP Blocks"}, {"T1595.002", "Vulnerability Scanning"}, {"T1592", "Gather Victim Host Information"}}, []threat{
		{"Recon:EC2/PortProbeUnprotectedPort", "ec2", "Unprotected port {port} on EC2 instance {rid} is being probed."},
		{"Recon:EC2/Portscan", "ec2", "EC2 instance {rid} is performing outbound port scans against a remote host."},
		{"Recon:IAMUser/MaliciousIPCaller", "iam", "API GetBucketAcl was invoked for role {role} from a known malicious IP address {ip}."},
		{"Recon:EC2/PortProbeEMRUnprotectedPort", "ec2", "An EMR-related port on {rid} is being probed by a known malicious host."},
	}},
	{"TA0042", "Resource Development", []technique{{"T1583", "Acquire Infrastructure"}, {"T1584", "Compromise Infrastructure"}, {"T1588.002", "Obtain Capabilities: Tool"}}, []threat{
		{"Impact:EC2/AbusedDomainRequest.Reputation", "ec2", "EC2 instance {rid} is querying a domain name associated with abused infrastructure."},
		{"Backdoor:EC2/Spambot", "ec2", "EC2 instance {rid} is behaving in a manner indicating it is being used to send spam."},
		{"UnauthorizedAccess:IAMUser/ResourceCredentialExfiltration.OutsideAWS", "iam", "Credentials of role {role} were used to create infrastructure from outside AWS."},
	}},
	{"TA0001", "Initial Access", []technique{{"T1190", "Exploit Public-Facing Application"}, {"T1078.004", "Valid Accounts: Cloud Accounts"}, {"T1133", "External Remote Services"}, {"T1110.001", "Brute Force: Password Guessing"}}, []threat{
		{"UnauthorizedAccess:EC2/SSHBruteForce", "ec2", "{ip} is performing SSH brute force attacks against {rid}."},
		{"UnauthorizedAccess:EC2/RDPBruteForce", "ec2", "{ip} is performing RDP brute force attacks against {rid}."},
		{"InitialAccess:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to gain unauthorized access were invoked by {role} in an anomalous way."},
		{"UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", "ec2", "EC2 instance {rid} is communicating with disallowed IP address {ip} on port {port}."},
		{"UnauthorizedAccess:S3/MaliciousIPCaller.Custom", "s3", "An S3 API was invoked on bucket {rid} from an IP address {ip} on a custom threat list."},
		{"CredentialAccess:Kubernetes/MaliciousIPCaller", "k8s", "A Kubernetes API of cluster {rid} was invoked from known malicious IP address {ip}."},
		{"CredentialAccess:RDS/MaliciousIPCaller.FailedLogin", "rds", "An IP address {ip} associated with malicious activity failed to log in to database {rid}."},
	}},
	{"TA0002", "Execution", []technique{{"T1059", "Command and Scripting Interpreter"}, {"T1059.004", "Unix Shell"}, {"T1204.003", "User Execution: Malicious Image"}, {"T1609", "Container Administration Command"}}, []threat{
		{"Execution:Runtime/NewBinaryExecuted", "k8s", "A newly created or recently modified binary was executed in a container of {rid}."},
		{"Execution:EC2/MaliciousFile", "ec2", "A malicious file was detected on EC2 instance {rid} by a malware scan."},
		{"Execution:Kubernetes/ExecInKubeSystemPod", "k8s", "A command was executed inside a pod in the kube-system namespace of cluster {rid}."},
		{"Execution:Runtime/ReverseShell", "ec2", "A process on {rid} opened a reverse shell to {ip}:{port}."},
	}},
	{"TA0003", "Persistence", []technique{{"T1098", "Account Manipulation"}, {"T1136.003", "Create Account: Cloud Account"}, {"T1525", "Implant Internal Image"}, {"T1053.003", "Scheduled Task/Job: Cron"}}, []threat{
		{"Persistence:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to maintain unauthorized access were invoked by {role} in an anomalous way."},
		{"Persistence:Kubernetes/ContainerWithSensitiveMount", "k8s", "A container was launched on cluster {rid} with a sensitive host path mounted."},
		{"Persistence:Runtime/CronJobModified", "ec2", "A cron job definition was modified on {rid} by an unexpected process."},
	}},
	{"TA0004", "Privilege Escalation", []technique{{"T1068", "Exploitation for Privilege Escalation"}, {"T1611", "Escape to Host"}, {"T1548", "Abuse Elevation Control Mechanism"}}, []threat{
		{"PrivilegeEscalation:Runtime/ContainerMountsHostDirectory", "k8s", "A process inside a container of {rid} mounted a host file system at runtime."},
		{"PrivilegeEscalation:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to obtain high-level permissions were invoked by {role}."},
		{"PrivilegeEscalation:Kubernetes/PrivilegedContainer", "k8s", "A privileged container with root level access was launched on cluster {rid}."},
		{"PrivilegeEscalation:Runtime/SudoersModified", "ec2", "The sudoers file on {rid} was modified by a non-package-manager process."},
	}},
	{"TA0005", "Defense Evasion", []technique{{"T1562.008", "Impair Defenses: Disable Cloud Logs"}, {"T1070", "Indicator Removal"}, {"T1055.008", "Process Injection: Ptrace System Calls"}}, []threat{
		{"Stealth:IAMUser/CloudTrailLoggingDisabled", "iam", "AWS CloudTrail trail was disabled by {role} in {region}."},
		{"DefenseEvasion:Runtime/ProcessInjection.Ptrace", "ec2", "A process injection using the ptrace system call was observed on {rid}."},
		{"Stealth:S3/ServerAccessLoggingDisabled", "s3", "Server access logging was disabled for bucket {rid}."},
		{"DefenseEvasion:RDS/AuditLoggingDisabled", "rds", "Audit logging was disabled on database {rid}."},
	}},
	{"TA0006", "Credential Access", []technique{{"T1552.005", "Unsecured Credentials: Cloud Instance Metadata API"}, {"T1110", "Brute Force"}, {"T1528", "Steal Application Access Token"}}, []threat{
		{"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", "ec2", "Credentials created exclusively for {rid} through {role} are being used from external IP address {ip}."},
		{"CredentialAccess:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to gain access to secrets were invoked by {role} in an anomalous way."},
		{"CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce", "rds", "A user logged in to database {rid} after repeated failed attempts from {ip}."},
		{"CredentialAccess:Kubernetes/SuccessfulAnonymousAccess", "k8s", "Secrets of cluster {rid} were listed by an anonymous user."},
	}},
	{"TA0007", "Discovery", []technique{{"T1580", "Cloud Infrastructure Discovery"}, {"T1526", "Cloud Service Discovery"}, {"T1613", "Container and Resource Discovery"}}, []threat{
		{"Discovery:S3/MaliciousIPCaller", "s3", "An S3 API commonly used to discover resources was invoked on {rid} from known malicious IP address {ip}."},
		{"Discovery:Kubernetes/SuccessfulAnonymousAccess", "k8s", "An API commonly used to discover resources was invoked anonymously on cluster {rid}."},
		{"Discovery:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to discover resources were invoked by {role} in an anomalous way."},
		{"Discovery:RDS/MaliciousIPCaller", "rds", "Known malicious IP address {ip} enumerated the schemas of database {rid}."},
	}},
	{"TA0008", "Lateral Movement", []technique{{"T1021.004", "Remote Services: SSH"}, {"T1550.001", "Use Alternate Authentication Material: Application Access Token"}, {"T1210", "Exploitation of Remote Services"}}, []threat{
		{"Behavior:EC2/NetworkPortUnusual", "ec2", "EC2 instance {rid} is communicating with a remote host on unusual server port {port}."},
		{"UnauthorizedAccess:Runtime/MetadataDNSRebind", "ec2", "Workload {rid} is querying a domain that resolves to the instance metadata IP address."},
		{"UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", "iam", "Multiple worldwide successful console logins were observed for {role}."},
	}},
	{"TA0009", "Collection", []technique{{"T1530", "Data from Cloud Storage"}, {"T1213", "Data from Information Repositories"}, {"T1119", "Automated Collection"}}, []threat{
		{"Policy:S3/BucketAnonymousAccessGranted", "s3", "Bucket {rid} was made readable by anonymous principals through its ACL."},
		{"UnauthorizedAccess:S3/TorIPCaller", "s3", "An S3 API was invoked on {rid} from Tor exit node {ip}."},
		{"Discovery:RDS/AnomalousBehavior", "rds", "A user queried tables of database {rid} in an anomalous way."},
		{"Collection:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to collect data were invoked by {role} in an anomalous way."},
	}},
	{"TA0011", "Command and Control", []technique{{"T1071.004", "Application Layer Protocol: DNS"}, {"T1090.003", "Proxy: Multi-hop Proxy"}, {"T1105", "Ingress Tool Transfer"}}, []threat{
		{"Backdoor:EC2/C&CActivity.B!DNS", "ec2", "EC2 instance {rid} is querying a domain name associated with a known command and control server."},
		{"Trojan:EC2/BlackholeTraffic", "ec2", "EC2 instance {rid} is attempting to communicate with black hole IP address {ip}."},
		{"Backdoor:Runtime/C&CActivity.B", "k8s", "A container of {rid} is querying an IP address associated with a known command and control server."},
		{"UnauthorizedAccess:EC2/TorRelay", "ec2", "EC2 instance {rid} is making connections to a Tor network as a Tor relay."},
	}},
	{"TA0010", "Exfiltration", []technique{{"T1537", "Transfer Data to Cloud Account"}, {"T1048", "Exfiltration Over Alternative Protocol"}, {"T1567.002", "Exfiltration to Cloud Storage"}}, []threat{
		{"Exfiltration:S3/AnomalousBehavior", "s3", "Objects in bucket {rid} were read in an anomalous volume by {role}."},
		{"Trojan:EC2/DNSDataExfiltration", "ec2", "EC2 instance {rid} is exfiltrating data through DNS queries."},
		{"Exfiltration:S3/MaliciousIPCaller", "s3", "An S3 API commonly used to exfiltrate data was invoked on {rid} from {ip}."},
		{"Exfiltration:RDS/SnapshotSharedExternally", "rds", "A snapshot of database {rid} was shared with an external AWS account."},
	}},
	{"TA0040", "Impact", []technique{{"T1496", "Resource Hijacking"}, {"T1485", "Data Destruction"}, {"T1486", "Data Encrypted for Impact"}, {"T1490", "Inhibit System Recovery"}}, []threat{
		{"CryptoCurrency:EC2/BitcoinTool.B!DNS", "ec2", "EC2 instance {rid} is querying a domain name associated with cryptocurrency mining."},
		{"Impact:S3/PermissionsModification.Unusual", "s3", "Permissions of bucket {rid} were modified in an anomalous way by {role}."},
		{"Impact:IAMUser/AnomalousBehavior", "iam", "APIs commonly used to tamper with data or processes were invoked by {role}."},
		{"Impact:S3/ObjectDelete.Unusual", "s3", "Objects of bucket {rid} were deleted in an anomalous volume."},
		{"Impact:Runtime/CryptoMinerExecuted", "k8s", "A container of {rid} executed a cryptocurrency mining binary."},
	}},
}

// Product indexes.
const (
	prodGuardDuty = iota
	prodInspector
	prodSecurityHub
	prodMacie
	prodAccessAnalyzer
	prodProwler
)

// product is a Security Hub integration.
type product struct {
	arnSuffix, name, company, ocsfClass, category string
}

var products = [...]product{
	{"aws/guardduty", "GuardDuty", "Amazon", "Detection Finding", "Threat Detection"},
	{"aws/inspector", "Inspector", "Amazon", "Vulnerability Finding", "Vulnerability Management"},
	{"aws/securityhub", "Security Hub", "Amazon", "Compliance Finding", "Posture Management"},
	{"aws/macie", "Macie", "Amazon", "Data Security Finding", "Data Protection"},
	{"aws/access-analyzer", "IAM Access Analyzer", "Amazon", "Detection Finding", "Identity and Access"},
	{"prowler/prowler", "Prowler", "Prowler", "Compliance Finding", "Posture Management"},
}

// control is a Security Hub (or Prowler) security control.
type control struct {
	id, title, desc, remediation string
}

// resKind is a resource type with how it is usually deployed.
type resKind struct {
	typ       string
	target    string // threat family
	vpcBound  bool
	hasRole   bool
	exposure  [4]int // weights INTERNET, VPC, PRIVATE, NONE
	class     [4]int // weights NONE, INTERNAL, CONFIDENTIAL, RESTRICTED
	products  [6]int // weights per product index
	ports     []int
	controls  []control
	shortName string // word used in names: "web", "db", ...
}

var commonPorts = []int{22, 80, 443, 3389, 5432, 3306, 6379, 8080, 8443, 9200, 27017, 2379, 10250}

const (
	kindEC2 = iota
	kindSG
	kindELB
	kindRDS
	kindLambda
	kindEKS
	kindS3
	kindDynamo
	kindIAMRole
	kindECR
)

var resKinds = [...]resKind{
	kindEC2: {"AwsEc2Instance", "ec2", true, true, [4]int{20, 50, 25, 5}, [4]int{45, 40, 10, 5}, [6]int{40, 40, 15, 0, 0, 5}, []int{22, 80, 443, 8080, 3389}, []control{
		{"EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "Checks whether EC2 instance metadata requires IMDSv2 (HttpTokens set to required).", "Require IMDSv2 (HttpTokens=required) on the instance."},
		{"EC2.9", "EC2 instances should not have a public IPv4 address", "Checks whether EC2 instances have a public IP address.", "Move the instance to a private subnet."},
		{"SSM.1", "EC2 instances should be managed by AWS Systems Manager", "Checks whether EC2 instances are managed by Systems Manager.", "Install the SSM Agent and attach an SSM instance profile."},
	}, "web"},
	kindSG: {"AwsEc2SecurityGroup", "ec2", true, false, [4]int{55, 45, 0, 0}, [4]int{90, 10, 0, 0}, [6]int{0, 0, 80, 0, 0, 20}, []int{22, 3389, 5432, 3306, 6379, 9200, 27017}, []control{
		{"EC2.19", "Security groups should not allow unrestricted access to ports with high risk", "Checks whether security groups allow unrestricted ingress to high-risk ports.", "Restrict the high-risk ports to known CIDR ranges."},
		{"EC2.18", "Security groups should only allow unrestricted incoming traffic for authorized ports", "Checks whether a security group allows unrestricted ingress on ports other than 80 and 443.", "Allow 0.0.0.0/0 only on ports 80 and 443."},
		{"EC2.2", "VPC default security groups should not allow inbound or outbound traffic", "Checks whether a default security group allows traffic.", "Remove all rules from the default security group."},
	}, "sg"},
	kindELB: {"AwsElbv2LoadBalancer", "ec2", true, false, [4]int{85, 15, 0, 0}, [4]int{80, 20, 0, 0}, [6]int{40, 0, 50, 0, 0, 10}, []int{80, 443}, []control{
		{"ELB.1", "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS", "Checks whether HTTP listeners of Application Load Balancers redirect to HTTPS.", "Redirect every HTTP listener to HTTPS."},
		{"ELB.4", "Application Load Balancer should be configured to drop invalid http headers", "This control evaluates whether an Application Load Balancer is configured to drop invalid HTTP headers.", "Enable drop_invalid_header_fields on the load balancer."},
	}, "alb"},
	kindRDS: {"AwsRdsDbInstance", "rds", true, false, [4]int{3, 60, 37, 0}, [4]int{5, 25, 45, 25}, [6]int{40, 0, 55, 0, 0, 5}, []int{5432, 3306}, []control{
		{"RDS.2", "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration", "Checks whether Amazon RDS instances are publicly accessible.", "Set PubliclyAccessible to false on the DB instance."},
		{"RDS.3", "RDS DB instances should have encryption at-rest enabled", "Checks whether storage encryption is enabled for your Amazon RDS DB instances.", "Restore the instance from an encrypted snapshot copy."},
	}, "db"},
	kindLambda: {"AwsLambdaFunction", "iam", true, true, [4]int{10, 50, 30, 10}, [4]int{40, 40, 15, 5}, [6]int{20, 50, 30, 0, 0, 0}, []int{443}, []control{
		{"Lambda.1", "Lambda function policies should prohibit public access", "Checks whether the Lambda function policy prohibits public access.", "Remove public principals from the function policy."},
		{"Lambda.2", "Lambda functions should use supported runtimes", "Checks whether Lambda functions use a supported runtime.", "Update the function to a supported runtime."},
	}, "fn"},
	kindEKS: {"AwsEksCluster", "k8s", true, true, [4]int{25, 55, 20, 0}, [4]int{40, 40, 15, 5}, [6]int{60, 0, 35, 0, 0, 5}, []int{443, 10250}, []control{
		{"EKS.1", "EKS cluster endpoints should not be publicly accessible", "Checks whether an Amazon EKS cluster endpoint is publicly accessible.", "Disable public endpoint access for the cluster."},
		{"EKS.2", "EKS clusters should run on a supported Kubernetes version", "Checks whether an Amazon EKS cluster runs on a supported Kubernetes version.", "Upgrade the cluster to a supported Kubernetes version."},
	}, "eks"},
	kindS3: {"AwsS3Bucket", "s3", false, false, [4]int{8, 0, 60, 32}, [4]int{10, 30, 35, 25}, [6]int{35, 0, 25, 25, 10, 5}, nil, []control{
		{"S3.8", "S3 general purpose buckets should block public access", "Checks whether an S3 bucket blocks public access.", "Turn on all four Block Public Access settings."},
		{"S3.5", "S3 general purpose buckets should require requests to use SSL", "Checks whether an S3 bucket policy requires SSL.", "Deny requests where aws:SecureTransport is false."},
		{"S3.17", "S3 general purpose buckets should be encrypted at rest with AWS KMS keys", "Checks whether an S3 bucket is encrypted with a KMS key.", "Set default encryption to SSE-KMS."},
	}, "data"},
	kindDynamo: {"AwsDynamoDbTable", "iam", false, false, [4]int{0, 0, 70, 30}, [4]int{10, 30, 40, 20}, [6]int{30, 0, 70, 0, 0, 0}, nil, []control{
		{"DynamoDB.1", "DynamoDB tables should automatically scale capacity with demand", "Checks whether an Amazon DynamoDB table can scale its read and write capacity as needed.", "Enable auto scaling or on-demand capacity."},
		{"DynamoDB.2", "DynamoDB tables should have point-in-time recovery enabled", "Checks whether point-in-time recovery (PITR) is enabled for an Amazon DynamoDB table.", "Enable point-in-time recovery for the table."},
	}, "table"},
	kindIAMRole: {"AwsIamRole", "iam", false, true, [4]int{0, 0, 25, 75}, [4]int{85, 15, 0, 0}, [6]int{50, 0, 20, 0, 30, 0}, nil, []control{
		{"IAM.1", "IAM policies should not allow full \"*\" administrative privileges", "Checks whether a policy allows \"Action\": \"*\" on \"Resource\": \"*\".", "Grant only the actions the role needs."},
		{"IAM.21", "IAM customer managed policies that you create should not allow wildcard actions for services", "Checks whether your policies use the * wildcard to allow all actions of a service.", "Remove service-wide wildcard actions such as s3:*."},
	}, "role"},
	kindECR: {"AwsEcrContainerImage", "k8s", false, false, [4]int{0, 0, 40, 60}, [4]int{70, 30, 0, 0}, [6]int{0, 90, 10, 0, 0, 0}, nil, []control{
		{"ECR.1", "ECR private repositories should have image scanning configured", "Checks whether a private Amazon ECR repository has image scanning configured.", "Enable scan on push for the repository."},
		{"ECR.3", "ECR repositories should have at least one lifecycle policy configured", "Checks whether an Amazon ECR repository has at least one lifecycle policy configured.", "Add a lifecycle policy that expires untagged images."},
	}, "image"},
}

// workloadKinds is how many resources of each kind a workload gets: [min, max].
var workloadKinds = [len(resKinds)][2]int{
	kindEC2: {1, 6}, kindSG: {1, 2}, kindELB: {0, 1}, kindRDS: {0, 2}, kindLambda: {0, 3},
	kindEKS: {0, 1}, kindS3: {1, 3}, kindDynamo: {0, 2}, kindIAMRole: {0, 2}, kindECR: {0, 1},
}

var regions = []string{"us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-east-2", "ap-northeast-1"}
var regionWeights = []int{45, 18, 14, 9, 6, 5, 3}

var apps = []string{"checkout", "payments", "catalog", "search", "identity", "ledger", "notifications", "reporting",
	"analytics", "inventory", "shipping", "billing", "auth", "media", "recommendations", "fraud-detection",
	"customer-portal", "data-lake", "etl", "ml-training", "orders", "pricing", "support-desk", "partner-api"}

var envs = []string{"prod", "prod", "prod", "staging", "dev"}

var roleSuffixes = []string{"ec2-role", "task-role", "lambda-exec", "deploy", "readonly", "etl-runner", "node-group", "ci-pipeline", "admin"}

var requirements = []string{
	"NIST.800-53.r5 AC-3", "NIST.800-53.r5 AC-4", "NIST.800-53.r5 AC-21", "NIST.800-53.r5 CM-7", "NIST.800-53.r5 SC-7",
	"NIST.800-53.r5 SC-7(3)", "NIST.800-53.r5 SC-8", "NIST.800-53.r5 SC-28", "NIST.800-53.r5 SI-2", "PCI DSS v3.2.1/1.2.1",
	"PCI DSS v3.2.1/1.3.1", "PCI DSS v4.0.1/1.4.1", "PCI DSS v4.0.1/7.2.1", "CIS AWS Foundations Benchmark v1.4.0/2.1.5",
	"CIS AWS Foundations Benchmark v3.0.0/5.2", "NIST.800-171.r2 3.1.3", "NIST.800-171.r2 3.13.1", "ISO 27001:2022 A.8.20",
}

// pkg is a software package Inspector reports on.
type pkg struct {
	name      string
	ecosystem string
	major     [2]int
}

var packages = []pkg{
	{"openssl", "OS", [2]int{1, 3}}, {"libcurl", "OS", [2]int{7, 8}}, {"glibc", "OS", [2]int{2, 2}}, {"openssh-server", "OS", [2]int{8, 9}},
	{"sudo", "OS", [2]int{1, 1}}, {"zlib", "OS", [2]int{1, 1}}, {"libxml2", "OS", [2]int{2, 2}}, {"systemd", "OS", [2]int{245, 255}},
	{"log4j-core", "MAVEN", [2]int{2, 2}}, {"jackson-databind", "MAVEN", [2]int{2, 2}}, {"spring-core", "MAVEN", [2]int{5, 6}},
	{"netty-codec-http2", "MAVEN", [2]int{4, 4}}, {"lodash", "NPM", [2]int{4, 4}}, {"express", "NPM", [2]int{4, 4}},
	{"axios", "NPM", [2]int{0, 1}}, {"semver", "NPM", [2]int{5, 7}}, {"requests", "PYPI", [2]int{2, 2}}, {"urllib3", "PYPI", [2]int{1, 2}},
	{"cryptography", "PYPI", [2]int{3, 41}}, {"django", "PYPI", [2]int{3, 4}}, {"pillow", "PYPI", [2]int{8, 10}},
	{"golang.org/x/net", "GO", [2]int{0, 0}}, {"github.com/golang-jwt/jwt/v4", "GO", [2]int{4, 4}}, {"stdlib", "GO", [2]int{1, 1}},
}

var weaknesses = []string{"heap-based buffer overflow", "use-after-free", "improper input validation", "path traversal",
	"server-side request forgery", "deserialization of untrusted data", "integer overflow", "race condition",
	"NULL pointer dereference", "out-of-bounds read", "uncontrolled recursion", "improper certificate validation",
	"prototype pollution", "regular expression denial of service", "HTTP request smuggling"}

var actors = []string{"a remote unauthenticated attacker", "a local user", "an authenticated user", "a network-adjacent attacker",
	"an attacker who controls a malicious server"}

var impacts = []string{"execute arbitrary code", "cause a denial of service", "read arbitrary files", "bypass authentication",
	"escalate privileges", "disclose sensitive memory contents", "forge requests to internal services", "corrupt heap memory"}

var countries = []string{"Netherlands", "Russia", "China", "Brazil", "United States", "Germany", "Romania", "Vietnam", "Iran", "Singapore"}
var cities = []string{"Amsterdam", "Moscow", "Shanghai", "Sao Paulo", "Ashburn", "Frankfurt", "Bucharest", "Hanoi", "Tehran", "Singapore"}
var asns = []string{"AS9009 M247 Europe SRL", "AS14061 DigitalOcean, LLC", "AS16276 OVH SAS", "AS4134 Chinanet", "AS208091 XHOST INTERNET SOLUTIONS LP",
	"AS51167 Contabo GmbH", "AS45102 Alibaba US Technology Co., Ltd.", "AS60068 Datacamp Limited"}

// threatContext sentences follow a GuardDuty title in its description.
var threatContext = []string{
	"First seen {first}, {n} times since.",
	"Source {ip} is in {city}, {country} ({asn}).",
	"{role} had not called these APIs in 30 days.",
	"The resource runs {app} ({env}) in {vpcdesc}.",
	"The credentials of {role} may be compromised.",
	"{proto} port {port}, {kb} KB transferred.",
	"{n} related API calls from the same source.",
	"The source is on a threat list ({pct}% confidence).",
}

var threatRemediation = []string{
	"Isolate {rid} and rotate its credentials.",
	"Revoke the sessions of {role}.",
	"Block {ip} in the network ACL.",
	"Redeploy {rid} from a clean image.",
	"Archive the finding once resolved.",
}

var vulnContext = []string{
	"Installed version {ver} of {pkg} is affected; the fix is available in {fix}.",
	"The vulnerable package was found in {path} on {rid}.",
	"EPSS estimates a {epss} percent probability of exploitation in the next 30 days.",
	"A public proof of concept exists and the vulnerability is listed in the CISA KEV catalog.",
	"The resource is part of application {app} ({env}) in {region}.",
	"Network reachability analysis shows the package is reachable through port {port}.",
}

var vulnRemediation = []string{
	"Upgrade {pkg} to {fix} or later.",
	"Rebuild the image with {pkg} {fix}.",
	"Apply the vendor update for {pkg} and restart the service.",
}

var macieTypes = []struct{ typ, title, dataType string }{
	{"Sensitive Data Identifications/PII/SensitiveData:S3Object-Personal", "The S3 object contains personal information.", "names and postal addresses"},
	{"Sensitive Data Identifications/Financial/SensitiveData:S3Object-Financial", "The S3 object contains financial information.", "credit card numbers"},
	{"Sensitive Data Identifications/Credentials/SensitiveData:S3Object-Credentials", "The S3 object contains credentials data.", "AWS secret access keys"},
	{"Sensitive Data Identifications/PII/SensitiveData:S3Object-Multiple", "The S3 object contains multiple types of sensitive information.", "passport numbers and dates of birth"},
}

var objectPaths = []string{"exports/customers-2025-11.csv", "backups/db/dump-0142.sql.gz", "logs/app/2026/02/14/app.log", "reports/q4/finance.xlsx",
	"uploads/kyc/scan-88231.pdf", "tmp/etl/batch-17.parquet", "config/prod/.env", "shared/hr/payroll.xlsx"}

var tagKeys = []string{"CostCenter", "Team", "ManagedBy", "Compliance", "Backup", "Tier"}
var tagValues = [][]string{
	{"CC-1042", "CC-2210", "CC-3107", "CC-4420"},
	{"platform", "payments-eng", "data-eng", "sre", "appsec"},
	{"terraform", "cloudformation", "cdk", "pulumi"},
	{"pci", "sox", "hipaa", "none"},
	{"daily", "weekly", "none"},
	{"frontend", "backend", "data"},
}

var verificationStates = []string{"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"}
var verificationWeights = []int{80, 12, 3, 5}

var fixAvailable = []string{"YES", "NO", "PARTIAL"}
var fixWeights = []int{75, 15, 10}

var packagePaths = []string{"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/app/node_modules", "/opt/app/lib", "/var/task", "/usr/local/lib/python3.11/site-packages", "/app/vendor"}

var protocols = []string{"TCP", "UDP"}
