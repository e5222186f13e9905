package generators

import "strings"

// The product-specific part of a finding: identifiers, title, description,
// remediation, types and scores, one writer per product family.

// content is a finding's product-specific identifiers, text and scores.
type content struct {
	id, generatorID, title, remURL, srcURL string
	types                                  []string
	desc, rem                              []byte
	sevProduct, cvss                       decimal
	compliance                             int
	controlID                              string
	reqs                                   []string
	vulnID, cvssVec, fixAvail              string
	pkgName, pkgVer                        string
	exploit                                bool
}

func arnBase(s *slot) string { return s.res.region + ":" + s.acct.id + ":" }

func (g *gen) guardDuty(c *content, s *slot, kind *resKind, x findingIDs) {
	r, base := g.r, arnBase(s)
	th := pickThreat(r, s.stage, kind.target)
	c.id = "arn:aws:guardduty:" + base + "detector/" + s.acct.detector + "/finding/" + x.hex32
	c.generatorID = "arn:aws:guardduty:" + base + "detector/" + s.acct.detector
	c.title = string(g.expand(g.tmp[:0], th.title))
	c.desc = g.sentences(c.desc, threatContext, 1)
	c.rem = g.sentences(c.rem, threatRemediation, 1)
	if r.pct(50) {
		c.remURL = "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html"
	}
	c.types = []string{techniqueTypeNames[s.stage] + strings.ReplaceAll(th.gdType, "/", "-")}
	if s.stage >= stCollection && r.pct(10) {
		c.types = append(c.types, pick(r, []string{"Effects/Data Exfiltration", "Effects/Data Exposure", "Effects/Resource Consumption"}))
	}
	c.sevProduct = decimal{int64(10 + s.severity*79/100), 1}
}

func (g *gen) inspector(c *content, s *slot, tech *technique, x findingIDs) {
	r := g.r
	pk := pick(r, packages)
	c.vulnID = newVulnID(r)
	ver, fix := newVersions(r, pk)
	g.v.pkg, g.v.ver, g.v.fix = pk.name, ver, fix
	g.v.path = pick(r, packagePaths)
	cv := pick(r, cvssBands()[SeverityBand(s.severity)])
	c.cvssVec, c.cvss = cv.vector, decimal{int64(cv.tenths), 1}
	c.pkgName, c.pkgVer = pk.name, ver
	c.fixAvail = fixAvailable[r.weighted(fixWeights)]
	c.exploit = s.epss >= 10000 || r.pct(5)
	c.id = "arn:aws:inspector2:" + arnBase(s) + "finding/" + x.hex32
	c.generatorID = "AWSInspector"
	c.title = c.vulnID + " - " + pk.name
	w := pick(r, weaknesses)
	if w[0] >= 'a' && w[0] <= 'z' {
		c.desc = append(c.desc, w[0]-'a'+'A')
		w = w[1:]
	}
	c.desc = append(c.desc, w...)
	c.desc = append(c.desc, " in "+pk.name+" before "+fix+" allows "...)
	c.desc = append(c.desc, pick(r, actors)...)
	c.desc = append(c.desc, " to "...)
	c.desc = append(c.desc, pick(r, impacts)...)
	c.desc = append(c.desc, '.')
	if r.pct(3) {
		c.desc = g.sentences(c.desc, vulnContext, 1)
	}
	c.rem = g.sentences(c.rem, vulnRemediation, 1)
	if strings.HasPrefix(c.vulnID, "GHSA") {
		c.remURL = "https://github.com/advisories/" + c.vulnID
	} else {
		c.remURL = "https://nvd.nist.gov/vuln/detail/" + c.vulnID
	}
	if r.pct(15) {
		c.srcURL = "https://console.aws.amazon.com/inspector/v2/home?region=" + s.res.region
	}
	c.types = []string{"Software and Configuration Checks/Vulnerabilities/CVE"}
	if r.pct(10) {
		c.types = append(c.types, techniqueTypeNames[s.stage]+tech.id+"-"+tech.name)
	}
	c.sevProduct = c.cvss
}

func (g *gen) control(c *content, s *slot, kind *resKind, prod int, x findingIDs) {
	r, region := g.r, s.res.region
	ctl := pick(r, kind.controls)
	c.controlID = ctl.id
	c.compliance = r.weighted([]int{12, 8, 80, 0})
	c.reqs = append(c.reqs, pick(r, requirements))
	c.title = ctl.title
	c.desc = append(c.desc, ctl.desc...)
	if r.pct(5) {
		c.desc = g.sentences(c.desc, []string{"The resource belongs to application {app} ({env}).", "The control has failed {n} consecutive evaluations.", "Automatic remediation is not configured."}, 1)
	}
	c.rem = append(c.rem, ctl.remediation...)
	c.remURL = "https://docs.aws.amazon.com/console/securityhub/" + ctl.id + "/remediation"
	if prod == prodProwler {
		check := strings.ToLower(strings.ReplaceAll(ctl.id, ".", "_"))
		c.id = "prowler-aws-" + check + "-" + s.acct.id + "-" + region + "-" + x.hex32
		c.generatorID = "prowler-" + check
		c.srcURL = "https://hub.prowler.com/check/" + check
		c.types = []string{"Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"}
	} else {
		c.id = "arn:aws:securityhub:" + arnBase(s) + "security-control/" + ctl.id + "/finding/" + x.uuid
		c.generatorID = "security-control/" + ctl.id
		c.types = []string{"Software and Configuration Checks/AWS Security Best Practices"}
	}
	c.sevProduct = decimal{int64(s.severity), 0}
}

func (g *gen) macie(c *content, s *slot, x findingIDs) {
	r := g.r
	mt := pick(r, macieTypes)
	c.id = "arn:aws:macie2:" + arnBase(s) + "finding/" + x.hex32
	c.generatorID = "aws/macie"
	c.title = mt.title
	obj := pick(r, objectPaths)
	c.desc = append(c.desc, "The object "+obj+" in bucket "+s.res.short+" contains "+g.v.n+" occurrences of "+mt.dataType+". Default encryption: "...)
	c.desc = append(c.desc, pick(r, []string{"SSE-S3", "SSE-KMS", "none"})...)
	c.desc = append(c.desc, '.')
	c.rem = append(c.rem, "Remove or redact the sensitive data."...)
	c.remURL = "https://docs.aws.amazon.com/macie/latest/user/findings-types.html"
	c.types = []string{mt.typ}
	c.sevProduct = decimal{int64(1 + min(SeverityBand(s.severity), 3)*2/3), 0}
}

func (g *gen) accessAnalyzer(c *content, s *slot, kind *resKind, x findingIDs) {
	r, short := g.r, s.res.short
	ext := accountID(r.n(1000), x.rnd)
	c.id = "arn:aws:access-analyzer:" + arnBase(s) + "analyzer/ConsoleAnalyzer-" + s.acct.detector[:8] + "/finding/" + x.uuid
	c.generatorID = "aws/access-analyzer"
	c.title = kind.typ + "/" + short + " allows cross-account access"
	c.desc = append(c.desc, kind.typ+" "+short+" allows access from account "+ext+" through its resource policy ("...)
	c.desc = append(c.desc, pick(r, []string{"s3:GetObject", "sts:AssumeRole", "kms:Decrypt", "lambda:InvokeFunction"})...)
	c.desc = append(c.desc, ")."...)
	c.rem = append(c.rem, "Remove the statement that grants the access."...)
	c.remURL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings-remediate.html"
	c.types = []string{"Software and Configuration Checks/AWS Security Best Practices/External Access Granted"}
	c.sevProduct = decimal{int64(s.severity), 0}
}
