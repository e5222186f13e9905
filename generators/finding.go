package generators

import (
	"strconv"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/internal/schema"
)

// gen writes findings one at a time into buf.
type gen struct {
	r     *rng
	st    style
	salt  uint64
	buf   []byte
	first bool   // no member written yet in the current object
	sep   string // white space after ',' and ':' (adversarial only)
	v     tvars
	tmp   []byte
}

// epochMs is the fixed "now" of every dataset: 2026-03-01T00:00:00.000Z.
var epochMs = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

const dayMs int64 = 86400000

// tvars are the values template placeholders expand to.
type tvars struct {
	rid, role, ip, port, region, app, env, vpcdesc, first, n, city, country, asn,
	proto, kb, pct, pkg, ver, fix, path, epss string
}

// expand appends template t with its {placeholders} replaced.
func (g *gen) expand(dst []byte, t string) []byte {
	v := &g.v
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			return append(dst, t...)
		}
		j := strings.IndexByte(t[i:], '}')
		dst = append(dst, t[:i]...)
		name := t[i+1 : i+j]
		t = t[i+j+1:]
		var s string
		switch name {
		case "rid":
			s = v.rid
		case "role":
			s = v.role
		case "ip":
			s = v.ip
		case "port":
			s = v.port
		case "region":
			s = v.region
		case "app":
			s = v.app
		case "env":
			s = v.env
		case "vpcdesc":
			s = v.vpcdesc
		case "first":
			s = v.first
		case "n":
			s = v.n
		case "city":
			s = v.city
		case "country":
			s = v.country
		case "asn":
			s = v.asn
		case "proto":
			s = v.proto
		case "kb":
			s = v.kb
		case "pct":
			s = v.pct
		case "pkg":
			s = v.pkg
		case "ver":
			s = v.ver
		case "fix":
			s = v.fix
		case "path":
			s = v.path
		case "epss":
			s = v.epss
		default:
			panic("generators: unknown template placeholder " + name)
		}
		dst = append(dst, s...)
	}
}

// sentences appends k distinct sentences of pool (k <= len(pool)), expanded.
func (g *gen) sentences(dst []byte, pool []string, k int) []byte {
	start := g.r.n(len(pool))
	step := 1 + g.r.n(len(pool)-1)
	for gcd(step, len(pool)) != 1 {
		step++
	}
	for j := 0; j < k; j++ {
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = g.expand(dst, pool[(start+j*step)%len(pool)])
	}
	return dst
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// JSON member writers.

// key writes the member name of field f, which must be of type t (a
// writer used for the wrong field panics: the schema table is the one
// place field names and types are declared).
func (g *gen) key(f int, t schema.Type) {
	if schema.Fields[f].Type != t {
		panic("generators: " + schema.Fields[f].Name + " written as " + t.Rule())
	}
	k := schema.Fields[f].Name
	if !g.first {
		g.buf = append(g.buf, ',')
		g.buf = append(g.buf, g.sep...)
	}
	g.first = false
	if g.st.adversarial && g.r.permille(4) {
		g.buf = appendJSONString(g.buf, k, escAll)
	} else {
		g.buf = append(g.buf, '"')
		g.buf = append(g.buf, k...)
		g.buf = append(g.buf, '"')
	}
	g.buf = append(g.buf, ':')
	g.buf = append(g.buf, g.sep...)
}

// mode picks how a string is escaped: always minimal except in the
// adversarial shape.
func (g *gen) mode() escapeMode {
	if !g.st.adversarial {
		return escMinimal
	}
	return escapeMode(g.r.weighted([]int{60, 20, 8, 12}))
}

func (g *gen) str(f int, v string) {
	g.key(f, schema.String)
	g.buf = appendJSONString(g.buf, v, g.mode())
}

func (g *gen) int(f int, v int) {
	g.key(f, schema.Integer)
	g.buf = strconv.AppendInt(g.buf, int64(v), 10)
}

func (g *gen) bool(f int, v bool) {
	g.key(f, schema.Bool)
	g.buf = strconv.AppendBool(g.buf, v)
}

func (g *gen) num(f int, d decimal) {
	g.key(f, schema.Number)
	if g.st.adversarial && g.r.pct(30) {
		g.buf = appendOddNumber(g.buf, d, g.r)
		return
	}
	g.buf = appendDecimal(g.buf, d)
}

func (g *gen) strs(f int, vs ...string) {
	g.key(f, schema.StringArray)
	g.buf = append(g.buf, '[')
	for i, v := range vs {
		if i > 0 {
			g.buf = append(g.buf, ',')
			g.buf = append(g.buf, g.sep...)
		}
		g.buf = appendJSONString(g.buf, v, g.mode())
	}
	g.buf = append(g.buf, ']')
}

func (g *gen) ints(f int, vs []int) {
	g.key(f, schema.IntegerArray)
	g.buf = append(g.buf, '[')
	for i, v := range vs {
		if i > 0 {
			g.buf = append(g.buf, ',')
		}
		g.buf = strconv.AppendInt(g.buf, int64(v), 10)
	}
	g.buf = append(g.buf, ']')
}

// appendOddNumber writes d in an unusual but valid JSON form of the same
// value, or (rarely) one of the literal oddities 1e-7 and 1E2.
func appendOddNumber(dst []byte, d decimal, r *rng) []byte {
	if d.mant == 0 {
		return append(dst, pick(r, []string{"0.0", "-0.0", "0e0", "-0", "0E+2", "0.000"})...)
	}
	switch r.n(6) {
	case 0: // trailing zero: 7.50
		return appendDecimal(dst, decimal{d.mant * 10, d.scale + 1})
	case 1: // exponent, integer mantissa: 75e-1
		dst = strconv.AppendInt(dst, d.mant, 10)
		if d.scale == 0 {
			return append(dst, "e0"...)
		}
		dst = append(dst, 'e', '-')
		return strconv.AppendInt(dst, int64(d.scale), 10)
	case 2: // upper-case exponent with sign: 7.5E+0
		dst = appendDecimal(dst, d)
		return append(dst, "E+0"...)
	case 3: // scaled mantissa: 0.075E2
		dst = appendDecimal(dst, decimal{d.mant, d.scale + 2})
		return append(dst, "E2"...)
	case 4:
		return append(dst, "1e-7"...)
	}
	return append(dst, "1E2"...)
}

var techniqueTypeNames = func() [14]string {
	var out [14]string
	for i, t := range tactics {
		out[i] = "TTPs/" + t.name + "/"
	}
	return out
}()

// finding appends finding number i, planned by s, to g.buf.
func (g *gen) finding(i int, s *slot) {
	r := g.r
	res := s.res
	kind := &resKinds[res.kind]
	acct := s.acct
	region := res.region
	prod := r.weighted(kind.products[:])
	tac := &tactics[s.stage]
	tech := pick(r, tac.techniques)

	// Unique id digits: a bijection of the index, after 16 random digits.
	rnd := r.u64()
	uniq := mix64(uint64(i) + g.salt)
	hex32 := hexString(rnd, 16) + hexString(uniq, 16)
	uuid := hex32[0:8] + "-" + hex32[8:12] + "-4" + hex32[13:16] + "-" + hex32[16:20] + "-" + hex32[20:32]
	if g.st.adversarial && r.pct(30) {
		hex32 = pick(r, advIDBits) + "-" + hex32
		uuid = pick(r, advIDBits) + "-" + uuid
	}

	// Timestamps: all at or before the fixed epoch.
	firstMs := epochMs - dayMs - r.n64(180*dayMs)
	lastMs := firstMs + r.n64(epochMs-firstMs)
	createdMs := firstMs + r.n64(600000)
	lastMs = max(lastMs, createdMs)
	updatedMs := min(lastMs+r.n64(2*dayMs), epochMs)

	// Template variables.
	v := &g.v
	*v = tvars{rid: res.short, region: region, app: s.wl.app, env: s.wl.env}
	v.role = "role " + roleName(s.role)
	if s.role == "" {
		v.role = "an unidentified principal"
	}
	v.ip = newThreatIP(r)
	v.port = strconv.Itoa(pick(r, commonPorts))
	if s.vpc != "" {
		v.vpcdesc = s.vpc
	} else {
		v.vpcdesc = "no VPC"
	}
	v.first = time.UnixMilli(firstMs).UTC().Format("2006-01-02 15:04 UTC")
	v.n = strconv.Itoa(r.between(2, 400))
	ci := r.n(len(cities))
	v.city, v.country = cities[ci], countries[ci]
	v.asn = pick(r, asns)
	v.proto = pick(r, protocols)
	v.kb = strconv.Itoa(r.between(1, 90000))
	v.pct = strconv.Itoa(r.between(55, 99))
	v.epss = strconv.Itoa(s.epss/1000) + "." + strconv.Itoa(s.epss/100%10)

	var (
		id, generatorID, title, remURL, srcURL string
		types                                  []string
		desc, rem                              []byte
		sevProduct                             decimal
		compliance                             = 3 // NOT_AVAILABLE
		controlID                              string
		reqs                                   []string
		vulnID, cvssVec, fixAvail, pkgName     string
		pkgVer                                 string
		cvss                                   decimal
		exploit                                bool
	)
	base := region + ":" + acct.id + ":"
	ttpType := techniqueTypeNames[s.stage] + tech.id + "-" + tech.name
	band := SeverityBand(s.severity)
	switch prod {
	case prodGuardDuty:
		th := pickThreat(r, s.stage, kind.target)
		id = "arn:aws:guardduty:" + base + "detector/" + acct.detector + "/finding/" + hex32
		generatorID = "arn:aws:guardduty:" + base + "detector/" + acct.detector
		title = string(g.expand(g.tmp[:0], th.title))
		desc = g.sentences(desc, threatContext, 1)
		rem = g.sentences(rem, threatRemediation, 1)
		if r.pct(50) {
			remURL = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html"
		}
		types = []string{techniqueTypeNames[s.stage] + strings.ReplaceAll(th.gdType, "/", "-")}
		if s.stage >= stCollection && r.pct(10) {
			types = append(types, pick(r, []string{"Effects/Data Exfiltration", "Effects/Data Exposure", "Effects/Resource Consumption"}))
		}
		sevProduct = decimal{int64(10 + s.severity*79/100), 1}
	case prodInspector:
		pk := pick(r, packages)
		vulnID = newVulnID(r)
		ver, fix := newVersions(r, pk)
		v.pkg, v.ver, v.fix = pk.name, ver, fix
		v.path = pick(r, packagePaths)
		vecs := cvssBands()[band]
		cv := pick(r, vecs)
		cvssVec, cvss = cv.vector, decimal{int64(cv.tenths), 1}
		pkgName, pkgVer = pk.name, ver
		fixAvail = fixAvailable[r.weighted(fixWeights)]
		exploit = s.epss >= 10000 || r.pct(5)
		id = "arn:aws:inspector2:" + base + "finding/" + hex32
		generatorID = "AWSInspector"
		title = vulnID + " - " + pk.name
		w := pick(r, weaknesses)
		if w[0] >= 'a' && w[0] <= 'z' {
			desc = append(desc, w[0]-'a'+'A')
			w = w[1:]
		}
		desc = append(desc, w...)
		desc = append(desc, " in "...)
		desc = append(desc, pk.name...)
		desc = append(desc, " before "...)
		desc = append(desc, fix...)
		desc = append(desc, " allows "...)
		desc = append(desc, pick(r, actors)...)
		desc = append(desc, " to "...)
		desc = append(desc, pick(r, impacts)...)
		desc = append(desc, '.')
		if r.pct(3) {
			desc = g.sentences(desc, vulnContext, 1)
		}
		rem = g.sentences(rem, vulnRemediation, 1)
		if strings.HasPrefix(vulnID, "GHSA") {
			remURL = "https://github.com/advisories/" + vulnID
		} else {
			remURL = "https://nvd.nist.gov/vuln/detail/" + vulnID
		}
		if r.pct(15) {
			srcURL = "https://console.aws.amazon.com/inspector/v2/home?region=" + region
		}
		types = []string{"Software and Configuration Checks/Vulnerabilities/CVE"}
		if r.pct(10) {
			types = append(types, ttpType)
		}
		sevProduct = cvss
	case prodSecurityHub, prodProwler:
		c := pick(r, kind.controls)
		controlID = c.id
		compliance = r.weighted([]int{12, 8, 80, 0})
		reqs = append(reqs, pick(r, requirements))
		title = c.title
		desc = append(desc, c.desc...)
		if r.pct(5) {
			desc = g.sentences(desc, []string{"The resource belongs to application {app} ({env}).", "The control has failed {n} consecutive evaluations.", "Automatic remediation is not configured."}, 1)
		}
		rem = append(rem, c.remediation...)
		remURL = "https://docs.aws.amazon.com/console/securityhub/" + c.id + "/remediation"
		if prod == prodProwler {
			check := strings.ToLower(strings.ReplaceAll(c.id, ".", "_"))
			id = "prowler-aws-" + check + "-" + acct.id + "-" + region + "-" + hex32
			generatorID = "prowler-" + check
			srcURL = "https://hub.prowler.com/check/" + check
			types = []string{"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"}
		} else {
			id = "arn:aws:securityhub:" + base + "security-control/" + c.id + "/finding/" + uuid
			generatorID = "security-control/" + c.id
			types = []string{"Software and Configuration Checks/AWS Security Best Practices"}
		}
		sevProduct = decimal{int64(s.severity), 0}
	case prodMacie:
		mt := pick(r, macieTypes)
		id = "arn:aws:macie2:" + base + "finding/" + hex32
		generatorID = "aws/macie"
		title = mt.title
		obj := pick(r, objectPaths)
		desc = append(desc, "The object "...)
		desc = append(desc, obj...)
		desc = append(desc, " in bucket "...)
		desc = append(desc, res.short...)
		desc = append(desc, " contains "...)
		desc = append(desc, v.n...)
		desc = append(desc, " occurrences of "...)
		desc = append(desc, mt.dataType...)
		desc = append(desc, ". Default encryption: "...)
		desc = append(desc, pick(r, []string{"SSE-S3", "SSE-KMS", "none"})...)
		desc = append(desc, '.')
		rem = append(rem, "Remove or redact the sensitive data."...)
		remURL = "https://docs.aws.amazon.com/macie/latest/user/findings-types.html"
		types = []string{mt.typ}
		sevProduct = decimal{int64(1 + min(band, 3)*2/3), 0}
	default: // prodAccessAnalyzer
		ext := accountID(r.n(1000), rnd)
		id = "arn:aws:access-analyzer:" + base + "analyzer/ConsoleAnalyzer-" + acct.detector[:8] + "/finding/" + uuid
		generatorID = "aws/access-analyzer"
		title = kind.typ + "/" + res.short + " allows cross-account access"
		desc = append(desc, kind.typ...)
		desc = append(desc, " "...)
		desc = append(desc, res.short...)
		desc = append(desc, " allows access from account "...)
		desc = append(desc, ext...)
		desc = append(desc, " through its resource policy ("...)
		desc = append(desc, pick(r, []string{"s3:GetObject", "sts:AssumeRole", "kms:Decrypt", "lambda:InvokeFunction"})...)
		desc = append(desc, ")."...)
		rem = append(rem, "Remove the statement that grants the access."...)
		remURL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings-remediate.html"
		types = []string{"Software and Configuration Checks/AWS Security Best Practices/External Access Granted"}
		sevProduct = decimal{int64(s.severity), 0}
	}
	if prod != prodInspector {
		cvss = decimal{0, 1}
	}
	if s.pad > 0 {
		desc = appendFiller(desc, s.pad)
	}
	if g.st.adversarial {
		title, desc, rem = g.adversarialText(title, desc, rem)
	}

	status := s.status
	recordState := "ACTIVE"
	if status == statusResolved && r.pct(60) {
		recordState = "ARCHIVED"
	}
	verification := verificationStates[r.weighted(verificationWeights)]
	if status == statusSuppressed && r.pct(50) {
		verification = pick(r, []string{"FALSE_POSITIVE", "BENIGN_POSITIVE"})
	}
	publicIP := ""
	if s.exposure == expInternet {
		publicIP = res.publicIP
		if publicIP == "" {
			publicIP = newPublicIP(r)
		}
	}
	var ports []int
	if s.exposure <= expVPC {
		ports = res.ports
		if len(ports) == 0 {
			ports = pickPorts(r, kind.ports)
		}
	}
	crit := [4][2]int{{10, 40}, {30, 60}, {60, 85}, {80, 100}}[s.class]

	if g.st.adversarial && r.pct(15) {
		g.sep = pick(r, []string{" ", "\n\t", "\r\n  ", "\t"})
	} else {
		g.sep = ""
	}
	g.first = true
	g.buf = append(g.buf, '{')
	g.str(schema.SchemaVersion, "2018-10-08")
	g.str(schema.ID, id)
	g.str(schema.ProductARN, "arn:aws:securityhub:"+region+"::product/"+products[prod].arnSuffix)
	g.str(schema.ProductName, products[prod].name)
	g.str(schema.CompanyName, products[prod].company)
	g.str(schema.GeneratorID, generatorID)
	g.str(schema.AWSAccountID, acct.id)
	g.str(schema.AWSAccountName, acct.name)
	g.str(schema.Region, region)
	g.strs(schema.Types, types...)
	g.time(schema.FirstObservedAt, firstMs)
	g.time(schema.LastObservedAt, lastMs)
	g.time(schema.CreatedAt, createdMs)
	g.time(schema.UpdatedAt, updatedMs)
	g.str(schema.SeverityLabel, severityLabels[band])
	g.int(schema.SeverityNormalized, s.severity)
	g.num(schema.SeverityProduct, sevProduct)
	g.int(schema.Confidence, r.between(40, 100))
	g.int(schema.Criticality, r.between(crit[0], crit[1]))
	g.str(schema.Title, title)
	g.str(schema.Description, string(desc))
	g.str(schema.RemediationText, string(rem))
	g.str(schema.RemediationURL, remURL)
	g.str(schema.SourceURL, srcURL)
	g.str(schema.ComplianceStatus, complianceNames[compliance])
	g.str(schema.SecurityControlID, controlID)
	g.strs(schema.RelatedRequirements, reqs...)
	g.str(schema.WorkflowStatus, statusNames[status])
	g.str(schema.RecordState, recordState)
	g.str(schema.VerificationState, verification)
	g.str(schema.ResourceID, res.id)
	g.str(schema.ResourceType, kind.typ)
	g.str(schema.ResourceName, res.name)
	g.str(schema.ResourcePartition, "aws")
	g.str(schema.ResourceRegion, region)
	g.tags(s.wl.tags, res.name, r.pct(5))
	g.str(schema.VPCID, s.vpc)
	g.str(schema.SubnetID, s.subnet)
	g.str(schema.NetworkExposure, exposureNames[s.exposure])
	g.str(schema.PublicIP, publicIP)
	g.ints(schema.OpenPorts, ports)
	g.str(schema.IAMRoleARN, s.role)
	g.str(schema.DataClassification, classNames[s.class])
	g.bool(schema.EncryptedAtRest, r.pct(65+20*(s.class/2)))
	g.str(schema.VulnID, vulnID)
	g.num(schema.CVSSBaseScore, cvss)
	g.str(schema.CVSSVector, cvssVec)
	g.int(schema.EPSSE5, s.epss)
	g.bool(schema.ExploitAvailable, exploit)
	g.str(schema.FixAvailable, fixAvail)
	g.str(schema.PackageName, pkgName)
	g.str(schema.PackageVersion, pkgVer)
	g.str(schema.MITRETacticID, tac.id)
	g.str(schema.MITRETechniqueID, tech.id)
	if prod == prodGuardDuty {
		g.strs(schema.Categories, products[prod].ocsfClass, products[prod].category)
	} else {
		g.strs(schema.Categories, products[prod].ocsfClass)
	}
	g.strs(schema.RelatedFindingIDs, s.related...)
	g.buf = append(g.buf, '}')
	s.wl.addID(id)
}

func (g *gen) time(f int, ms int64) {
	g.key(f, schema.String)
	g.buf = append(g.buf, '"')
	g.buf = time.UnixMilli(ms).UTC().AppendFormat(g.buf, "2006-01-02T15:04:05.000Z")
	g.buf = append(g.buf, '"')
}

func (g *gen) tags(wlTags []string, name string, withName bool) {
	g.key(schema.ResourceTags, schema.StringArray)
	g.buf = append(g.buf, '[')
	for i, t := range wlTags {
		if i > 0 {
			g.buf = append(g.buf, ',')
			g.buf = append(g.buf, g.sep...)
		}
		g.buf = appendJSONString(g.buf, t, g.mode())
	}
	if withName {
		g.buf = append(g.buf, ',')
		g.buf = appendJSONString(g.buf, "Name="+name, g.mode())
	}
	g.buf = append(g.buf, ']')
}

// pickThreat picks a threat of the stage aimed at the resource's family,
// or any threat of the stage when none is.
func pickThreat(r *rng, stage int, target string) *threat {
	ths := tactics[stage].threats
	n := 0
	for k := range ths {
		if ths[k].target == target {
			n++
		}
	}
	if n == 0 {
		return &ths[r.n(len(ths))]
	}
	x := r.n(n)
	for k := range ths {
		if ths[k].target == target {
			if x == 0 {
				return &ths[k]
			}
			x--
		}
	}
	return &ths[0]
}

func roleName(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

const ghsaAlphabet = "23456789cfghjmpqrvwx"

// newVulnID returns a CVE id (or, 8% of the time, a GitHub advisory id).
func newVulnID(r *rng) string {
	if r.pct(8) {
		b := []byte("GHSA-")
		for k := 0; k < 12; k++ {
			if k == 4 || k == 8 {
				b = append(b, '-')
			}
			b = append(b, ghsaAlphabet[r.n(len(ghsaAlphabet))])
		}
		return string(b)
	}
	return "CVE-" + strconv.Itoa(r.between(2018, 2025)) + "-" + strconv.Itoa(r.between(1000, 52999))
}

// newVersions returns an installed version and the version that fixes it.
func newVersions(r *rng, p pkg) (string, string) {
	major := r.between(p.major[0], p.major[1])
	minor := r.between(0, 20)
	patch := r.between(0, 30)
	fixPatch := patch + r.between(1, 6)
	pre := ""
	if p.ecosystem == "GO" {
		pre = "v"
	}
	ver := pre + strconv.Itoa(major) + "." + strconv.Itoa(minor) + "." + strconv.Itoa(patch)
	fix := pre + strconv.Itoa(major) + "." + strconv.Itoa(minor) + "." + strconv.Itoa(fixPatch)
	if p.ecosystem == "OS" {
		rel := "-" + strconv.Itoa(r.between(1, 9)) + pick(r, []string{".el9", ".amzn2023", "ubuntu0.22.04.1", "+deb12u1"})
		ver += rel
		fix += rel
	}
	return ver, fix
}
