package generators

import (
	"strconv"
)

// account is one AWS account of a dataset.
type account struct {
	id, name string
	detector string // GuardDuty detector id (32 hex)
}

// accountID returns the k-th distinct 12-digit account id for a stream:
// 10^11 + (k*7919 + offset) mod 9*10^11 is a bijection on k < 9*10^11.
func accountID(k int, offset uint64) string {
	const span = 900000000000
	v := (uint64(k)*7919 + offset%span) % span
	return strconv.FormatUint(100000000000+v, 10)
}

func newAccount(r *rng, id, name string) *account {
	return &account{id: id, name: name, detector: hexString(r.u64(), 16) + hexString(r.u64(), 16)}
}

// resource is a cloud resource findings are reported on. Its exposure and
// classification are its usual ones; a finding may deviate.
type resource struct {
	kind     int
	id, name string
	short    string // id as shown in titles: i-..., bucket name, ...
	region   string
	role     string
	vpc      string
	subnet   string
	exposure int
	class    int
	publicIP string
	ports    []int
}

// workload is an application stack: one VPC (or none), a few roles and a
// handful of resources in one account and region. Findings of a workload
// link to each other; links across workloads are rare, which bounds the
// attack graph's reachable sets.
type workload struct {
	acct    *account
	region  string
	app     string
	env     string
	vpc     string
	subnets []string
	roles   []string
	res     []*resource
	tags    []string
	recent  []string // ids of the latest findings, at most recentIDs
	size    int      // findings planned
	deck    []cell   // version 2: the dealt cells of its findings, in order
	// roleTurn (version 2) counts the resources given a role.
	roleTurn int
	emitted  int // findings emitted so far
}

const recentIDs = 8

// addID remembers a finding id for later related_finding_ids.
func (w *workload) addID(id string) {
	if len(w.recent) == recentIDs {
		copy(w.recent, w.recent[1:])
		w.recent = w.recent[:recentIDs-1]
	}
	w.recent = append(w.recent, id)
}

// style carries the per-shape switches for value creation.
type style struct {
	adversarial bool
	// version is the generator version (1 or 2, see Config.Version).
	version int
}

// idSuffixHex is the number of hex digits of the random suffix in role and
// resource names: 4 in version 1 (whose ids collide once a dataset has tens
// of thousands of resources per account), 8 in version 2.
func (st style) idSuffixHex() int {
	if st.version >= 2 {
		return 8
	}
	return 4
}

// layout is a workload's dealt structure (version 2): whether it has a VPC,
// how many roles and how many resources of each kind.
type layout struct {
	vpc   bool
	roles int
	kinds [len(resKinds)]int
}

// newWorkload creates a workload with its VPC (85% have one), roles and
// resources, all drawn.
func newWorkload(r *rng, st style, acct *account, size int) *workload {
	return newWorkloadLayout(r, st, acct, size, nil)
}

// newWorkloadLayout is newWorkload with the structure given by l (nil:
// drawn).
func newWorkloadLayout(r *rng, st style, acct *account, size int, l *layout) *workload {
	w := &workload{acct: acct, size: size}
	w.region = regions[r.weighted(regionWeights)]
	w.app = pick(r, apps)
	w.env = pick(r, envs)
	if st.adversarial && r.pct(30) {
		w.app += "-" + pick(r, advWords)
	}
	if (l == nil && r.pct(85)) || (l != nil && l.vpc) {
		w.vpc = newVPCID(r, st)
		for k := r.between(1, 3); k > 0; k-- {
			w.subnets = append(w.subnets, "subnet-0"+hexString(r.u64(), 16))
		}
	}
	roles := 0
	if l == nil {
		roles = r.between(1, 4)
	} else {
		roles = l.roles
	}
	for k := roles; k > 0; k-- {
		w.roles = append(w.roles, newRoleARN(r, st, acct, w.app))
	}
	w.tags = append(w.tags, "Environment="+w.env)
	if r.pct(70) {
		w.tags = append(w.tags, "Application="+w.app)
	}
	if r.pct(20) {
		ki := r.n(len(tagKeys))
		w.tags = append(w.tags, tagKeys[ki]+"="+pick(r, tagValues[ki]))
	}
	for kind, mm := range workloadKinds {
		count := 0
		if l == nil {
			count = r.between(mm[0], mm[1])
		} else {
			count = l.kinds[kind]
		}
		for k := count; k > 0; k-- {
			w.res = append(w.res, newResource(r, st, w, kind))
		}
	}
	// Shuffle so that the skewed pick in findings does not always favour EC2.
	for i := len(w.res) - 1; i > 0; i-- {
		j := r.n(i + 1)
		w.res[i], w.res[j] = w.res[j], w.res[i]
	}
	return w
}

func newVPCID(r *rng, st style) string {
	id := "vpc-0" + hexString(r.u64(), 16)
	if st.adversarial && r.pct(20) {
		id += "-" + pick(r, advIDBits)
	}
	return id
}

func newRoleARN(r *rng, st style, acct *account, app string) string {
	name := app + "-" + pick(r, roleSuffixes)
	if st.adversarial && r.pct(30) {
		name += "-" + pick(r, advIDBits)
	}
	return "arn:aws:iam::" + acct.id + ":role/" + name + "-" + hexString(r.u64(), st.idSuffixHex())
}

// nameResource sets the ids and names of res, a new resource of workload w
// (base is its name stem, suffix a random hex suffix); an IAM role also
// joins w's roles.
func nameResource(r *rng, st style, w *workload, res *resource, base, suffix string) {
	acct := w.acct.id
	switch res.kind {
	case kindEC2:
		res.short = "i-0" + hexString(r.u64(), 16)
		res.name = base + "-" + strconv.Itoa(r.between(1, 24))
		res.id = "arn:aws:ec2:" + w.region + ":" + acct + ":instance/" + res.short
	case kindSG:
		res.short = "sg-0" + hexString(r.u64(), 16)
		res.name = w.app + "-" + w.env + "-sg"
		res.id = "arn:aws:ec2:" + w.region + ":" + acct + ":security-group/" + res.short
	case kindELB:
		res.short = base + "-" + w.env
		res.name = res.short
		res.id = "arn:aws:elasticloadbalancing:" + w.region + ":" + acct + ":loadbalancer/app/" + res.short + "/" + hexString(r.u64(), 16)
	case kindRDS:
		res.short = base + "-" + w.env + "-" + suffix
		res.name = res.short
		res.id = "arn:aws:rds:" + w.region + ":" + acct + ":db:" + res.short
	case kindLambda:
		res.short = base + "-" + pick(r, []string{"handler", "worker", "webhook", "sync", "resize", "notify"}) + "-" + suffix
		res.name = res.short
		res.id = "arn:aws:lambda:" + w.region + ":" + acct + ":function:" + res.short
	case kindEKS:
		res.short = base + "-" + w.env
		if st.version >= 2 { // version 1 clusters of one app, env and region collide
			res.short += "-" + suffix
		}
		res.name = res.short
		res.id = "arn:aws:eks:" + w.region + ":" + acct + ":cluster/" + res.short
	case kindS3:
		res.short = base + "-" + pick(r, []string{"assets", "exports", "backups", "logs", "uploads", "reports"}) + "-" + w.env + "-" + hexString(r.u64(), 8)
		res.name = res.short
		res.id = "arn:aws:s3:::" + res.short
	case kindDynamo:
		res.short = base + "-" + pick(r, []string{"sessions", "orders", "events", "customers", "ledger"}) + "-" + suffix
		res.name = res.short
		res.id = "arn:aws:dynamodb:" + w.region + ":" + acct + ":table/" + res.short
	case kindIAMRole:
		res.id = newRoleARN(r, st, w.acct, w.app)
		res.short = res.id[len("arn:aws:iam::")+len(acct)+len(":role/"):]
		res.name = res.short
		res.role = res.id
		w.roles = append(w.roles, res.id)
	case kindECR:
		repo := w.app + "/" + pick(r, []string{"api", "worker", "frontend", "batch"})
		digest := hexString(r.u64(), 16) + hexString(r.u64(), 16) + hexString(r.u64(), 16) + hexString(r.u64(), 16)
		res.short = repo + "@sha256:" + digest[:12]
		res.name = repo + ":" + strconv.Itoa(r.between(1, 3)) + "." + strconv.Itoa(r.between(0, 40)) + "." + strconv.Itoa(r.between(0, 9))
		res.id = "arn:aws:ecr:" + w.region + ":" + acct + ":repository/" + repo + "/sha256:" + digest
	}
}

// newResource creates a resource of a kind inside a workload.
func newResource(r *rng, st style, w *workload, kind int) *resource {
	k := &resKinds[kind]
	res := &resource{kind: kind, region: w.region}
	suffix := hexString(r.u64(), st.idSuffixHex())
	base := w.app + "-" + k.shortName
	if st.adversarial && r.pct(25) {
		base += "-" + pick(r, advIDBits)
	}
	nameResource(r, st, w, res, base, suffix)
	if k.hasRole && res.role == "" && len(w.roles) > 0 {
		if st.version >= 2 { // in turn, so roles hold equal numbers of resources
			res.role = w.roles[w.roleTurn%len(w.roles)]
			w.roleTurn++
		} else {
			res.role = pick(r, w.roles)
		}
	}
	if k.vpcBound && w.vpc != "" && (kind != kindLambda || r.pct(60)) {
		res.vpc = w.vpc
		res.subnet = pick(r, w.subnets)
	}
	res.exposure = r.weighted(k.exposure[:])
	if res.exposure == expVPC && res.vpc == "" {
		res.exposure = expPrivate
	}
	res.class = r.weighted(k.class[:])
	if res.exposure == expInternet {
		res.publicIP = newPublicIP(r)
	}
	if res.exposure <= expVPC {
		res.ports = pickPorts(r, k.ports)
	}
	return res
}

var publicPrefixes = []int{3, 13, 18, 34, 35, 44, 52, 54}

// newPublicIP returns an address in a range AWS announces.
func newPublicIP(r *rng) string {
	b := make([]byte, 0, 16)
	b = strconv.AppendInt(b, int64(pick(r, publicPrefixes)), 10)
	for k := 0; k < 3; k++ {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(r.between(1, 254)), 10)
	}
	return string(b)
}

var threatPrefixes = []string{"185.220.101.", "45.155.205.", "193.32.162.", "141.98.10.", "89.248.165.", "194.26.29.", "162.142.125.", "80.82.77."}

// newThreatIP returns a remote address of the kind seen in threat findings.
func newThreatIP(r *rng) string {
	return pick(r, threatPrefixes) + strconv.Itoa(r.between(1, 254))
}

// pickPorts draws 1..3 distinct ports, preferring the kind's own.
func pickPorts(r *rng, own []int) []int {
	pool := own
	if len(pool) == 0 || r.pct(20) {
		pool = commonPorts
	}
	n := r.between(1, 3)
	if n > len(pool) {
		n = len(pool)
	}
	out := make([]int, 0, n)
	for len(out) < n {
		p := pick(r, pool)
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}

// Distributions shared by the shapes.

var statusWeights = []int{55, 30, 10, 5} // 85% active
var bandWeights = []int{3, 25, 40, 22, 10}
var bandRanges = [5][2]int{{0, 0}, {1, 39}, {40, 69}, {70, 89}, {90, 100}}

func drawStatus(r *rng) int { return r.weighted(statusWeights) }

func drawSeverity(r *rng) int {
	b := bandRanges[r.weighted(bandWeights)]
	return r.between(b[0], b[1])
}

// drawEPSS is skewed like real EPSS scores: most below 2%, a tail up to 97.5%.
func drawEPSS(r *rng) int {
	switch r.weighted([]int{60, 25, 15}) {
	case 0:
		return r.between(4, 2000)
	case 1:
		return r.between(2000, 20000)
	}
	return r.between(20000, 97500)
}

// Stage indexes (0-based positions in tactics).
const (
	stRecon = iota
	stResourceDev
	stInitialAccess
	stExecution
	stPersistence
	stPrivEsc
	stDefenseEvasion
	stCredentialAccess
	stDiscovery
	stLateral
	stCollection
	stC2
	stExfiltration
	stImpact
)

var middleStages = []int{stExecution, stPersistence, stPrivEsc, stDefenseEvasion, stCredentialAccess, stDiscovery, stLateral, stC2}

// drawStage picks a tactic consistent with the finding's role in an attack:
// internet-exposed findings are mostly initial access, findings on sensitive
// data mostly collection, exfiltration or impact.
func drawStage(r *rng, exposure, class int) int {
	switch {
	case exposure == expInternet:
		if r.pct(75) {
			return stInitialAccess
		}
		return pick(r, []int{stRecon, stResourceDev, stExecution, stCredentialAccess})
	case class >= classConfidential:
		if r.pct(75) {
			return pick(r, []int{stCollection, stExfiltration, stImpact})
		}
		return pick(r, middleStages)
	}
	if r.pct(10) {
		return pick(r, []int{stRecon, stInitialAccess, stCollection, stImpact})
	}
	return pick(r, middleStages)
}
