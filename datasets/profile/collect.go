package profile

// Long file: the collector's state and the one pass over the document that
// fills it (per finding: size, JSON, field checks, mixes, id, account,
// groups, node), which share that state; summarize.go turns it into a Profile.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/aegisbench/aegisbench/datasets/internal/findingsjson"
	"github.com/aegisbench/aegisbench/internal/schema"
)

// Group kinds.
const (
	gResource = iota
	gRole
	gVPC
	numGroupKinds
)

// Node flags of the reachability graph.
const (
	nodeActive = 1 << iota
	nodeEntry
	nodeTarget
	nodeReach // INTERNET- or VPC-exposed: may end a VPC_REACH edge
)

// findingField is the pseudo-field of violations of a finding as a whole.
const findingField = "(finding)"

type fieldAcc struct {
	count    int
	rules    []RuleCount
	examples []Example
}

// groupTable interns the distinct (account, value) keys of one kind.
type groupTable struct {
	keys      map[string]int32
	size      []int64
	firstVPC  []int32 // VPC group of the first finding with a VPC (-1: none yet)
	multi     []bool  // findings in more than one non-empty vpc_id
	firstRole []int32 // resources: role group of the first finding with a role (-1: none yet)
	multiRole []bool  // resources: findings under more than one non-empty role
	truncated bool
}

// nodes holds, per finding, what the reachable-set walk needs.
type nodes struct {
	acct  []int32
	group [numGroupKinds][]int32 // -1: empty key
	stage []uint8
	flags []uint8
}

type collector struct {
	opt      Options
	bytes    int64
	findings int
	fatal    string
	parser   findingsjson.Parser

	fieldViol       [schema.NumFields + 1]*fieldAcc // schema.NumFields: "(finding)"
	violations      int
	conventions     int
	invalidFindings int
	unknown         map[string]int
	unknownTotal    int

	seeds        [2]maphash.Seed
	ids          map[[2]uint64]int32
	idsTruncated bool

	accts     map[string]int32
	acctNames []string
	acctSize  []int64
	acctTrunc bool

	groups                  [numGroupKinds]groupTable
	withoutVPC, withoutRole int64

	exposure, class, status   [5]int64
	tactic                    [15]int64
	sevLabel                  [6]int64
	exposureByVPC             [2][5]int64
	classByExposure           [4][5]int64
	classCount, noRoleByClass [4]int64
	tacticByKind              [3][15]int64
	epssHist                  []int64
	sevHist                   [101]int64
	sizeHist                  []int64
	maxSize                   int64

	nodes     nodes
	nodesSkip string // why the reachable sets cannot be computed

	// Per-finding scratch.
	seen    [schema.NumFields]int
	vals    [schema.NumFields]findingsjson.Value
	scratch []byte
	key     []byte
	badRule bool // the current finding broke a non-convention rule
}

// sizeBucket is the resolution of the finding size distribution.
const sizeBucket = 64

func newCollector(opt Options) *collector {
	c := &collector{
		opt:      opt,
		unknown:  map[string]int{},
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		ids:      map[[2]uint64]int32{},
		accts:    map[string]int32{},
		epssHist: make([]int64, 100001),
		sizeHist: make([]int64, opt.MaxFindingBytes/sizeBucket+2),
	}
	for k := range c.groups {
		c.groups[k].keys = map[string]int32{}
	}
	return c
}

// read streams the document through the collector. Only an I/O error is
// returned; a malformed document sets c.fatal.
func (c *collector) read(r io.Reader) error {
	rd := findingsjson.NewReader(r, c.opt.MaxFindingBytes)
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var se *findingsjson.SyntaxError
			if !errors.As(err, &se) {
				return err
			}
			c.fatal = se.Error()
			c.noReach("the document could not be read to the end")
			return nil
		}
		c.finding(e)
	}
}

func (c *collector) noReach(why string) {
	if c.nodesSkip == "" {
		c.nodesSkip = why
		c.nodes = nodes{}
	}
}

// violation records that finding i breaks rule on field f (schema.NumFields for
// the finding as a whole); raw is the offending value (nil: none).
func (c *collector) violation(i, f int, class, rule string, raw []byte) {
	acc := c.fieldViol[f]
	if acc == nil {
		acc = &fieldAcc{}
		c.fieldViol[f] = acc
	}
	acc.count++
	if class == ClassConvention {
		c.conventions++
	} else {
		c.violations++
		c.badRule = true
	}
	found := false
	for k := range acc.rules {
		if acc.rules[k].Rule == rule && acc.rules[k].Class == class {
			acc.rules[k].Count++
			found = true
			break
		}
	}
	if !found && len(acc.rules) < 20 {
		acc.rules = append(acc.rules, RuleCount{Class: class, Rule: rule, Count: 1})
	}
	if len(acc.examples) < MaxExamples {
		acc.examples = append(acc.examples, Example{Index: i, Rule: rule, Value: excerpt(raw)})
	}
}

// excerpt returns raw as valid UTF-8 of at most 80 bytes, saying how long
// it was when cut.
func excerpt(raw []byte) string {
	const limit = 80
	if raw == nil {
		return ""
	}
	s := raw
	cut := len(s) > limit
	if cut {
		s = s[:limit]
		for len(s) > 0 && !utf8.Valid(s) {
			s = s[:len(s)-1]
		}
	}
	out := string(s)
	if !utf8.ValidString(out) {
		out = fmt.Sprintf("%q", out)
	}
	if cut {
		out += "… (" + strconv.Itoa(len(raw)) + " bytes)"
	}
	return out
}

// sortMembers counts each schema field's members in c.seen, keeps the first
// value of each in c.vals, and counts the members that are no field.
func (c *collector) sortMembers(members []findingsjson.Member) {
	c.seen = [schema.NumFields]int{}
	for _, m := range members {
		f, ok := schema.Index(string(m.Name))
		if !ok {
			c.unknownTotal++
			if n, ok := c.unknown[string(m.Name)]; ok || len(c.unknown) < 1000 {
				c.unknown[string(m.Name)] = n + 1
			}
			continue
		}
		c.seen[f]++
		if c.seen[f] == 1 {
			c.vals[f] = m.Value
		}
	}
}

// finding checks and counts finding e: its size, its JSON, then each field
// (type, domain, convention, mixes) and the rules across fields.
func (c *collector) finding(e findingsjson.Element) {
	i := e.Index
	c.findings++
	c.badRule = false
	defer func() {
		if c.badRule {
			c.invalidFindings++
		}
	}()
	b := min(e.Size/sizeBucket, int64(len(c.sizeHist)-1))
	c.sizeHist[b]++
	c.maxSize = max(c.maxSize, e.Size)
	if e.Oversize {
		c.violation(i, schema.NumFields, ClassDocument, fmt.Sprintf("exceeds %s (the per-finding cap; skipped unread)", mib(c.opt.MaxFindingBytes)), []byte(fmt.Sprintf("(%d bytes at byte %d)", e.Size, e.Offset)))
		c.noReach(fmt.Sprintf("finding %d was not read", i))
		return
	}
	v, members, err := c.parser.Parse(e.Raw)
	if err != nil {
		c.violation(i, schema.NumFields, ClassDocument, "not well-formed JSON", []byte(fmt.Sprintf("%v (finding at byte %d)", err, e.Offset)))
		c.noReach(fmt.Sprintf("finding %d is not well-formed JSON", i))
		return
	}
	if v.Kind != findingsjson.Object {
		c.violation(i, schema.NumFields, ClassDocument, "not an object", v.Raw)
		c.noReach(fmt.Sprintf("finding %d is not an object", i))
		return
	}
	c.sortMembers(members)
	ok := [schema.NumFields]bool{}
	severity := -1 // for the severity_label convention, checked first
	if v := c.vals[schema.SeverityNormalized]; c.seen[schema.SeverityNormalized] == 1 && v.Kind == findingsjson.Number && v.Integer {
		if n, ok := int64Of(v.Raw); ok && n >= 0 && n <= 100 {
			severity = int(n)
		}
	}
	for f := range schema.NumFields {
		def := &schema.Fields[f]
		switch c.seen[f] {
		case 0:
			c.violation(i, f, ClassType, "missing", nil)
			continue
		case 1:
		default:
			c.violation(i, f, ClassType, "given twice", c.vals[f].Raw)
			continue
		}
		v := c.vals[f]
		if rule := checkType(def.Type, v); rule != "" {
			c.violation(i, f, ClassType, rule, v.Raw)
			continue
		}
		if def.Type == schema.String {
			c.scratch = v.AppendStr(c.scratch[:0])
		}
		if def.Engine {
			if rule := checkDomain(f, v, c.scratch); rule != "" {
				c.violation(i, f, ClassDomain, rule, v.Raw)
				// Mixes still count the out-of-domain string.
				c.mix(f, c.scratch, v)
				continue
			}
		}
		if def.Type == schema.String {
			if rule := checkConvention(f, c.scratch, severity); rule != "" {
				c.violation(i, f, ClassConvention, rule, v.Raw)
			}
		}
		ok[f] = true
		c.mix(f, c.scratch, v)
	}
	c.crossFields(i, &ok)
}

// mix counts an enumerated or numeric field's value.
func (c *collector) mix(f int, s []byte, v findingsjson.Value) {
	switch f {
	case schema.NetworkExposure:
		c.exposure[enumIndex(exposureValues, s)]++
	case schema.DataClassification:
		c.class[enumIndex(classValues, s)]++
	case schema.WorkflowStatus:
		c.status[enumIndex(statusValues, s)]++
	case schema.MITRETacticID:
		c.tactic[enumIndex(tacticValues, s)]++
	case schema.SeverityLabel:
		c.sevLabel[enumIndex(severityLabelValues, s)]++
	case schema.EPSSE5:
		if n, ok := int64Of(v.Raw); ok && n >= 0 && n <= 100000 {
			c.epssHist[n]++
		}
	case schema.SeverityNormalized:
		if n, ok := int64Of(v.Raw); ok && n >= 0 && n <= 100 {
			c.sevHist[n]++
		}
	}
}

// str returns field f's unescaped string value (valid until the next call).
func (c *collector) str(f int) []byte {
	c.scratch = c.vals[f].AppendStr(c.scratch[:0])
	return c.scratch
}

// crossFields handles what involves several fields: the id's uniqueness,
// the account and its groups, the conditional mixes and the node.
func (c *collector) crossFields(i int, ok *[schema.NumFields]bool) {
	if ok[schema.ID] {
		id := c.str(schema.ID)
		h := [2]uint64{maphash.Bytes(c.seeds[0], id), maphash.Bytes(c.seeds[1], id)}
		if first, dup := c.ids[h]; dup {
			c.violation(i, schema.ID, ClassDomain, "duplicate id", c.vals[schema.ID].Raw)
			c.examplesNote(schema.ID, i, first)
			ok[schema.ID] = false
		} else if len(c.ids) < c.opt.MaxDistinct {
			c.ids[h] = int32(i)
		} else {
			c.idsTruncated = true
		}
	}
	hasVPC := -1
	if ok[schema.VPCID] {
		hasVPC = 0
		if len(c.vals[schema.VPCID].Raw) > 2 {
			hasVPC = 1
		} else {
			c.withoutVPC++
		}
	}
	if ok[schema.IAMRoleARN] && len(c.vals[schema.IAMRoleARN].Raw) == 2 {
		c.withoutRole++
	}
	var exp, class = -1, -1
	if ok[schema.NetworkExposure] {
		exp = enumIndex(exposureValues, c.str(schema.NetworkExposure))
		if hasVPC >= 0 {
			c.exposureByVPC[hasVPC][exp]++
		}
	}
	if ok[schema.DataClassification] {
		class = enumIndex(classValues, c.str(schema.DataClassification))
		if exp >= 0 {
			c.classByExposure[exp][class]++
		}
		if ok[schema.IAMRoleARN] {
			c.classCount[class]++
			if len(c.vals[schema.IAMRoleARN].Raw) == 2 {
				c.noRoleByClass[class]++
			}
		}
	}
	if ok[schema.MITRETacticID] && exp >= 0 && class >= 0 {
		t := enumIndex(tacticValues, c.str(schema.MITRETacticID))
		c.tacticByKind[kindOf(exp, class)][t]++
	}

	acct, grp := c.groupsOf(ok)
	c.addNode(i, ok, acct, grp, exp, class)
}

// groupsOf returns the finding's account and its group in each group kind
// (-2 where unknown: a field invalid or the distinct keys over the cap).
func (c *collector) groupsOf(ok *[schema.NumFields]bool) (int32, [numGroupKinds]int32) {
	acct := int32(-1)
	if ok[schema.AWSAccountID] {
		acct = c.account(c.str(schema.AWSAccountID))
	}
	var grp [numGroupKinds]int32
	for k := range grp {
		grp[k] = -2 // unknown
	}
	if acct >= 0 {
		vpcGroup := int32(-2)
		if ok[schema.VPCID] {
			vpcGroup = c.group(gVPC, acct, schema.VPCID, -1)
			grp[gVPC] = vpcGroup
		}
		if ok[schema.ResourceID] {
			grp[gResource] = c.group(gResource, acct, schema.ResourceID, vpcGroup)
		}
		if ok[schema.IAMRoleARN] {
			grp[gRole] = c.group(gRole, acct, schema.IAMRoleARN, vpcGroup)
		}
		if g, r := grp[gResource], grp[gRole]; g >= 0 && r >= 0 {
			t := &c.groups[gResource]
			switch {
			case t.firstRole[g] < 0:
				t.firstRole[g] = r
			case t.firstRole[g] != r:
				t.multiRole[g] = true
			}
		}
	}
	return acct, grp
}

// addNode records the finding as a node of the reachability walk, unless
// the walk is already off or this finding makes the engine reject the file.
func (c *collector) addNode(i int, ok *[schema.NumFields]bool, acct int32, grp [numGroupKinds]int32, exp, class int) {
	if c.nodesSkip != "" {
		return
	}
	for f := range schema.NumFields {
		if schema.Fields[f].Engine && !ok[f] {
			c.noReach(fmt.Sprintf("finding %d: %s is invalid (the engine rejects the file)", i, schema.Fields[f].Name))
			return
		}
	}
	for k := range grp {
		if grp[k] == -2 {
			c.noReach("more distinct keys than the profiler keeps (Options.MaxDistinct)")
			return
		}
	}
	status := enumIndex(statusValues, c.str(schema.WorkflowStatus))
	stage := enumIndex(tacticValues, c.str(schema.MITRETacticID)) + 1
	var flags uint8
	if status <= 1 {
		flags |= nodeActive
		if exp == 0 {
			flags |= nodeEntry
		}
		if class >= 2 {
			flags |= nodeTarget
		}
	}
	if exp <= 1 {
		flags |= nodeReach
	}
	n := &c.nodes
	n.acct = append(n.acct, acct)
	for k := range grp {
		n.group[k] = append(n.group[k], grp[k])
	}
	n.stage = append(n.stage, uint8(stage))
	n.flags = append(n.flags, flags)
}

// examplesNote adds the first occurrence to the last duplicate-id example.
func (c *collector) examplesNote(f, i int, first int32) {
	acc := c.fieldViol[f]
	if n := len(acc.examples); n > 0 && acc.examples[n-1].Index == i {
		acc.examples[n-1].Rule = fmt.Sprintf("duplicate id (first at finding %d)", first)
	}
}

// kindOf classifies a finding for the tactic mixes: 0 INTERNET-exposed,
// 1 CONFIDENTIAL or RESTRICTED, 2 other.
func kindOf(exposure, class int) int {
	switch {
	case exposure == 0:
		return 0
	case class >= 2:
		return 1
	}
	return 2
}

func (c *collector) account(id []byte) int32 {
	if a, ok := c.accts[string(id)]; ok {
		c.acctSize[a]++
		return a
	}
	if len(c.acctNames) >= c.opt.MaxDistinct {
		c.acctTrunc = true
		return -1
	}
	a := int32(len(c.acctNames))
	name := string(id)
	c.accts[name] = a
	c.acctNames = append(c.acctNames, name)
	c.acctSize = append(c.acctSize, 1)
	return a
}

// group interns field f's value within account acct in table k and
// returns its group, -1 for an empty value (roles, VPCs), -2 when the table
// is full. vpcGroup is the finding's VPC group, for SpanningVPCs.
func (c *collector) group(k int, acct int32, f int, vpcGroup int32) int32 {
	v := c.vals[f]
	if len(v.Raw) == 2 {
		if k == gResource {
			return -2 // cannot happen: resource_id is non-empty
		}
		return -1
	}
	t := &c.groups[k]
	c.key = binary.BigEndian.AppendUint32(c.key[:0], uint32(acct))
	c.key = v.AppendStr(c.key)
	g, ok := t.keys[string(c.key)]
	if !ok {
		if len(t.size) >= c.opt.MaxDistinct {
			t.truncated = true
			return -2
		}
		g = int32(len(t.size))
		t.keys[string(c.key)] = g
		t.size = append(t.size, 0)
		t.firstVPC = append(t.firstVPC, -1)
		t.multi = append(t.multi, false)
		if k == gResource {
			t.firstRole = append(t.firstRole, -1)
			t.multiRole = append(t.multiRole, false)
		}
	}
	t.size[g]++
	switch {
	case vpcGroup < 0: // no VPC or unknown: says nothing about spanning
	case t.firstVPC[g] < 0:
		t.firstVPC[g] = vpcGroup
	case t.firstVPC[g] != vpcGroup:
		t.multi[g] = true
	}
	return g
}

func mib(n int) string {
	if n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MiB"
	}
	return strconv.Itoa(n) + " bytes"
}
