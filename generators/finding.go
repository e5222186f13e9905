package generators

// Long file: finding.go holds the writer of one finding (about 540 lines: the
// template expansion, the member writers and the 56 members in order stay
// together, as their random draws are ordered; content.go holds the
// product-specific text).

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

// finding appends finding number i, planned by s, to g.buf. The order of
// the random draws below is part of the output (TestRepoManifestDigests):
// the helpers are called in the order the values were first drawn in.
func (g *gen) finding(i int, s *slot) {
	r := g.r
	kind := &resKinds[s.res.kind]
	prod := r.weighted(kind.products[:])
	tac := &tactics[s.stage]
	tech := pick(r, tac.techniques)
	ids := g.newIDs(i)
	t := newTimes(r)
	g.setVars(s, t.firstMs)
	c := content{compliance: 3} // NOT_AVAILABLE
	switch prod {
	case prodGuardDuty:
		g.guardDuty(&c, s, kind, ids)
	case prodInspector:
		g.inspector(&c, s, &tech, ids)
	case prodSecurityHub, prodProwler:
		g.control(&c, s, kind, prod, ids)
	case prodMacie:
		g.macie(&c, s, ids)
	default: // prodAccessAnalyzer
		g.accessAnalyzer(&c, s, kind, ids)
	}
	if prod != prodInspector {
		c.cvss = decimal{0, 1}
	}
	if s.pad > 0 {
		c.desc = appendFiller(c.desc, s.pad)
	}
	if g.st.adversarial {
		c.title, c.desc, c.rem = g.adversarialText(c.title, c.desc, c.rem)
	}
	x := g.context(s, kind)
	g.write(s, kind, prod, tac, &tech, &c, t, x)
	s.wl.addID(c.id)
}

// findingIDs are a finding's unique id digits: 16 random hex digits, then a
// bijection of the index (hex32), also as a UUID.
type findingIDs struct {
	rnd         uint64
	hex32, uuid string
	base        string // "<region>:<account>:" of the finding's ARNs
}

func (g *gen) newIDs(i int) findingIDs {
	r := g.r
	rnd := r.u64()
	uniq := mix64(uint64(i) + g.salt)
	hex32 := hexString(rnd, 16) + hexString(uniq, 16)
	uuid := hex32[0:8] + "-" + hex32[8:12] + "-4" + hex32[13:16] + "-" + hex32[16:20] + "-" + hex32[20:32]
	if g.st.adversarial && r.pct(30) {
		hex32 = pick(r, advIDBits) + "-" + hex32
		uuid = pick(r, advIDBits) + "-" + uuid
	}
	return findingIDs{rnd: rnd, hex32: hex32, uuid: uuid}
}

// times are a finding's timestamps, all at or before the fixed epoch.
type times struct{ firstMs, lastMs, createdMs, updatedMs int64 }

func newTimes(r *rng) times {
	firstMs := epochMs - dayMs - r.n64(180*dayMs)
	lastMs := firstMs + r.n64(epochMs-firstMs)
	createdMs := firstMs + r.n64(600000)
	lastMs = max(lastMs, createdMs)
	updatedMs := min(lastMs+r.n64(2*dayMs), epochMs)
	return times{firstMs, lastMs, createdMs, updatedMs}
}

// setVars sets the template variables of a finding.
func (g *gen) setVars(s *slot, firstMs int64) {
	r, res := g.r, s.res
	v := &g.v
	*v = tvars{rid: res.short, region: res.region, app: s.wl.app, env: s.wl.env}
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
}

// findingContext is the rest of a finding's state: record and
// verification state, network details and criticality range.
type findingContext struct {
	recordState, verification, publicIP string
	ports                               []int
	crit                                [2]int
}

func (g *gen) context(s *slot, kind *resKind) findingContext {
	r := g.r
	x := findingContext{recordState: "ACTIVE"}
	if s.status == statusResolved && r.pct(60) {
		x.recordState = "ARCHIVED"
	}
	x.verification = verificationStates[r.weighted(verificationWeights)]
	if s.status == statusSuppressed && r.pct(50) {
		x.verification = pick(r, []string{"FALSE_POSITIVE", "BENIGN_POSITIVE"})
	}
	if s.exposure == expInternet {
		x.publicIP = s.res.publicIP
		if x.publicIP == "" {
			x.publicIP = newPublicIP(r)
		}
	}
	if s.exposure <= expVPC {
		x.ports = s.res.ports
		if len(x.ports) == 0 {
			x.ports = pickPorts(r, kind.ports)
		}
	}
	x.crit = [4][2]int{{10, 40}, {30, 60}, {60, 85}, {80, 100}}[s.class]
	if g.st.adversarial && r.pct(15) {
		g.sep = pick(r, []string{" ", "\n\t", "\r\n  ", "\t"})
	} else {
		g.sep = ""
	}
	return x
}

// write appends the finding's 56 members in section-6 order (some values,
// like confidence, are drawn as they are written).
func (g *gen) write(s *slot, kind *resKind, prod int, tac *tactic, tech *technique, c *content, t times, x findingContext) {
	r, res, region := g.r, s.res, s.res.region
	g.first = true
	g.buf = append(g.buf, '{')
	g.str(schema.SchemaVersion, "2018-10-08")
	g.str(schema.ID, c.id)
	g.str(schema.ProductARN, "arn:aws:securityhub:"+region+"::product/"+products[prod].arnSuffix)
	g.str(schema.ProductName, products[prod].name)
	g.str(schema.CompanyName, products[prod].company)
	g.str(schema.GeneratorID, c.generatorID)
	g.str(schema.AWSAccountID, s.acct.id)
	g.str(schema.AWSAccountName, s.acct.name)
	g.str(schema.Region, region)
	g.strs(schema.Types, c.types...)
	g.time(schema.FirstObservedAt, t.firstMs)
	g.time(schema.LastObservedAt, t.lastMs)
	g.time(schema.CreatedAt, t.createdMs)
	g.time(schema.UpdatedAt, t.updatedMs)
	g.str(schema.SeverityLabel, severityLabels[SeverityBand(s.severity)])
	g.int(schema.SeverityNormalized, s.severity)
	g.num(schema.SeverityProduct, c.sevProduct)
	g.int(schema.Confidence, r.between(40, 100))
	g.int(schema.Criticality, r.between(x.crit[0], x.crit[1]))
	g.str(schema.Title, c.title)
	g.str(schema.Description, string(c.desc))
	g.str(schema.RemediationText, string(c.rem))
	g.str(schema.RemediationURL, c.remURL)
	g.str(schema.SourceURL, c.srcURL)
	g.str(schema.ComplianceStatus, complianceNames[c.compliance])
	g.str(schema.SecurityControlID, c.controlID)
	g.strs(schema.RelatedRequirements, c.reqs...)
	g.str(schema.WorkflowStatus, statusNames[s.status])
	g.str(schema.RecordState, x.recordState)
	g.str(schema.VerificationState, x.verification)
	g.str(schema.ResourceID, res.id)
	g.str(schema.ResourceType, kind.typ)
	g.str(schema.ResourceName, res.name)
	g.str(schema.ResourcePartition, "aws")
	g.str(schema.ResourceRegion, region)
	g.tags(s.wl.tags, res.name, r.pct(5))
	g.str(schema.VPCID, s.vpc)
	g.str(schema.SubnetID, s.subnet)
	g.str(schema.NetworkExposure, exposureNames[s.exposure])
	g.str(schema.PublicIP, x.publicIP)
	g.ints(schema.OpenPorts, x.ports)
	g.str(schema.IAMRoleARN, s.role)
	g.str(schema.DataClassification, classNames[s.class])
	g.bool(schema.EncryptedAtRest, r.pct(65+20*(s.class/2)))
	g.str(schema.VulnID, c.vulnID)
	g.num(schema.CVSSBaseScore, c.cvss)
	g.str(schema.CVSSVector, c.cvssVec)
	g.int(schema.EPSSE5, s.epss)
	g.bool(schema.ExploitAvailable, c.exploit)
	g.str(schema.FixAvailable, c.fixAvail)
	g.str(schema.PackageName, c.pkgName)
	g.str(schema.PackageVersion, c.pkgVer)
	g.str(schema.MITRETacticID, tac.id)
	g.str(schema.MITRETechniqueID, tech.id)
	if prod == prodGuardDuty {
		g.strs(schema.Categories, products[prod].ocsfClass, products[prod].category)
	} else {
		g.strs(schema.Categories, products[prod].ocsfClass)
	}
	g.strs(schema.RelatedFindingIDs, s.related...)
	g.buf = append(g.buf, '}')
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
