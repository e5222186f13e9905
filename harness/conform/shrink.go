package conform

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
)

// EngineFields are the 11 members of a finding the attack-path operation
// reads (engines/SPEC.md section 1), in table order.
var EngineFields = []string{
	"id", "aws_account_id", "severity_normalized", "workflow_status", "resource_id", "vpc_id",
	"network_exposure", "iam_role_arn", "data_classification", "epss_e5", "mitre_tactic_id",
}

// Predicate reports whether a findings document still shows the failure
// being shrunk. An error stops the shrink (it is not "does not fail").
type Predicate func(ctx context.Context, doc []byte) (bool, error)

// SameFailure returns the Predicate "ref and cand, run on the document
// with opt, still differ with class want".
func SameFailure(ref, cand engines.Engine, opt engines.Options, want Class, cmp CompareOptions) Predicate {
	return func(ctx context.Context, doc []byte) (bool, error) {
		r := Execute(ctx, ref, bytes.Clone(doc), opt)
		c := Execute(ctx, cand, bytes.Clone(doc), opt)
		if err := ctx.Err(); err != nil {
			return false, err
		}
		return Compare(r, c, cmp).Class == want, nil
	}
}

// ShrinkOptions tune Shrink.
type ShrinkOptions struct {
	// Budget bounds the wall time of the shrink (0: unbounded). When it
	// runs out, Shrink returns the smallest failing document found so far
	// and says it is not known to be 1-minimal.
	Budget time.Duration
	// NoRename keeps the original strings. By default Shrink tries to
	// replace the values of id, aws_account_id, resource_id, iam_role_arn
	// and vpc_id by short names that keep their equalities and their
	// bytewise order, so the regression reads easily; each renaming is kept
	// only if the failure survives it.
	NoRename bool
}

// ShrinkResult is what Shrink found.
type ShrinkResult struct {
	// Input is the smallest failing findings document found.
	Input            []byte
	Findings         int
	OriginalFindings int
	// Tests counts predicate evaluations (each runs both engines).
	Tests int
	// Minimal reports a 1-minimal document: removing any one finding, or
	// any one member of a finding, makes the failure go away.
	Minimal         bool
	BudgetExhausted bool
	Elapsed         time.Duration
	// Notes say what could not be done (an input that is not an array).
	Notes []string
}

// errBudget unwinds a shrink whose budget ran out.
var errBudget = errors.New("shrink budget exhausted")

// Shrink reduces doc, a findings document on which fails holds, by delta
// debugging (Zeller's ddmin): first over the elements of the findings
// array, then over the members of each remaining finding (first dropping
// every member the engines do not read in one step), then by renaming
// strings (see ShrinkOptions.NoRename), then over the findings once more.
// Every document it keeps has been tested to fail.
func Shrink(ctx context.Context, doc []byte, fails Predicate, opt ShrinkOptions) (ShrinkResult, error) {
	// Split before the clock starts: the budget is for tests, and a
	// shrink stopped early still knows the input's size.
	items, splitErr := splitArray(doc)
	s := &shrinker{ctx: ctx, fails: fails, start: time.Now(), cache: map[[32]byte]bool{}}
	if opt.Budget > 0 {
		s.deadline = s.start.Add(opt.Budget)
	}
	res, err := s.shrink(doc, items, splitErr, opt)
	res.Tests, res.Elapsed = s.tests, time.Since(s.start)
	return res, err
}

func (s *shrinker) shrink(doc []byte, items [][]byte, splitErr error, opt ShrinkOptions) (ShrinkResult, error) {
	res := ShrinkResult{Input: doc}
	if splitErr == nil {
		// Known before any test, so a shrink stopped early reports the
		// input's size, never "0 findings".
		res.OriginalFindings, res.Findings = len(items), len(items)
	}
	ok, err := s.test(doc)
	if err != nil {
		return res, fmt.Errorf("shrink: testing the original input: %w", err)
	}
	if !ok {
		return res, errors.New("shrink: the failure does not reproduce on the original input")
	}
	if splitErr != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("not shrunk: the input is not a JSON array (%v)", splitErr))
		return res, nil
	}

	minimal, err := s.run(func() (bool, error) {
		return s.shrinkFindings(&items)
	})
	if err == nil && minimal {
		for i := range items {
			m, err := s.run(func() (bool, error) { return s.shrinkMembers(items, i) })
			if err != nil {
				return res, err
			}
			minimal = minimal && m
		}
		if !opt.NoRename && !s.exhausted {
			if err := s.rename(items); err != nil && !errors.Is(err, errBudget) {
				return res, err
			}
		}
		if !s.exhausted { // removing members may have made a finding removable
			minimal, err = s.run(func() (bool, error) { return s.shrinkFindings(&items) })
		}
	}
	if err != nil {
		return res, err
	}
	res.Input, res.Findings = buildArray(items), len(items)
	res.BudgetExhausted = s.exhausted
	res.Minimal = minimal && !s.exhausted
	// Every document kept was tested, but the rebuilt array may differ in
	// bytes from the original input when nothing could be removed: test it
	// (a cache hit otherwise), and fall back to the original if the budget
	// forbids.
	ok, err = s.test(res.Input)
	switch {
	case errors.Is(err, errBudget):
		res.Input, res.Findings, res.Minimal, res.BudgetExhausted = doc, res.OriginalFindings, false, true
	case err != nil:
		return res, err
	case !ok:
		return res, errors.New("shrink: the shrunk document no longer fails (is an engine nondeterministic?)")
	}
	return res, nil
}

type shrinker struct {
	ctx       context.Context
	fails     Predicate
	start     time.Time
	deadline  time.Time
	tests     int
	cache     map[[32]byte]bool
	exhausted bool
}

// run runs one phase, turning a budget stop into "not minimal".
func (s *shrinker) run(phase func() (bool, error)) (bool, error) {
	minimal, err := phase()
	if errors.Is(err, errBudget) {
		s.exhausted = true
		return false, nil
	}
	return minimal, err
}

func (s *shrinker) test(doc []byte) (bool, error) {
	key := sha256.Sum256(doc)
	if v, ok := s.cache[key]; ok {
		return v, nil
	}
	if !s.deadline.IsZero() && time.Now().After(s.deadline) {
		s.exhausted = true
		return false, errBudget
	}
	ctx := s.ctx
	if !s.deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, s.deadline)
		defer cancel()
	}
	s.tests++
	ok, err := s.fails(ctx, doc)
	if err != nil {
		if !s.deadline.IsZero() && time.Now().After(s.deadline) && s.ctx.Err() == nil {
			s.exhausted = true
			return false, errBudget
		}
		return false, err
	}
	s.cache[key] = ok
	return ok, nil
}

func (s *shrinker) shrinkFindings(items *[][]byte) (bool, error) {
	out, minimal, err := ddmin(*items, func(sub [][]byte) (bool, error) { return s.test(buildArray(sub)) })
	if err == nil || errors.Is(err, errBudget) {
		*items = out
	}
	return minimal, err
}

// shrinkMembers shrinks the members of finding i (when it is an object),
// keeping the other findings as they are.
func (s *shrinker) shrinkMembers(items [][]byte, i int) (bool, error) {
	members, err := parseObject(items[i])
	if err != nil {
		return true, nil // not an object: nothing to take apart
	}
	with := func(ms []member) []byte {
		doc := make([][]byte, len(items))
		copy(doc, items)
		doc[i] = encodeObject(ms)
		return buildArray(doc)
	}
	var engineOnly []member
	for _, m := range members {
		if isEngineField(m.key) {
			engineOnly = append(engineOnly, m)
		}
	}
	if len(engineOnly) < len(members) {
		ok, err := s.test(with(engineOnly))
		if err != nil {
			return false, err
		}
		if ok {
			members = engineOnly
			items[i] = encodeObject(members)
		}
	}
	out, minimal, err := ddmin(members, func(ms []member) (bool, error) { return s.test(with(ms)) })
	if err == nil || errors.Is(err, errBudget) {
		items[i] = encodeObject(out)
	}
	return minimal, err
}

// renameGroups are the string members renamed by rename, with the prefix
// of their short names.
var renameGroups = []struct{ field, prefix string }{
	{"id", "f"}, {"aws_account_id", "acct"}, {"resource_id", "res"}, {"iam_role_arn", "role"}, {"vpc_id", "vpc"},
}

// rename tries, one member name at a time, to replace every non-empty
// string value by a short name that keeps equality and bytewise order.
func (s *shrinker) rename(items [][]byte) error {
	for _, g := range renameGroups {
		distinct := map[string]bool{}
		parsed := make([][]member, len(items))
		for i, it := range items {
			ms, err := parseObject(it)
			if err != nil {
				continue
			}
			parsed[i] = ms
			for _, m := range ms {
				if v, ok := stringValue(m); ok && m.key == g.field && v != "" {
					distinct[v] = true
				}
			}
		}
		if len(distinct) == 0 {
			continue
		}
		values := make([]string, 0, len(distinct))
		for v := range distinct {
			values = append(values, v)
		}
		sort.Strings(values)
		width := len(fmt.Sprint(len(values)))
		names := make(map[string]string, len(values))
		changed := false
		for i, v := range values {
			names[v] = fmt.Sprintf("%s%0*d", g.prefix, width, i+1)
			changed = changed || names[v] != v
		}
		if !changed {
			continue
		}
		next := make([][]byte, len(items))
		copy(next, items)
		for i, ms := range parsed {
			if ms == nil {
				continue
			}
			out := make([]member, len(ms))
			for j, m := range ms {
				out[j] = m
				if v, ok := stringValue(m); ok && m.key == g.field && v != "" {
					out[j].raw, _ = json.Marshal(names[v])
				}
			}
			next[i] = encodeObject(out)
		}
		ok, err := s.test(buildArray(next))
		if err != nil {
			return err
		}
		if ok {
			copy(items, next)
		}
	}
	return nil
}

// member is one member of a JSON object, value kept raw.
type member struct {
	key string
	raw json.RawMessage
}

// parseObject splits a JSON object into its members in document order,
// keeping repeated names.
func parseObject(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not an object")
	}
	var ms []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, errors.New("object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("member %q: %w", key, err)
		}
		ms = append(ms, member{key: key, raw: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return ms, nil
}

// encodeObject writes members back as a compact JSON object.
func encodeObject(ms []member) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(marshalString(m.key))
		b.WriteByte(':')
		b.Write(m.raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func marshalString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimRight(b.Bytes(), "\n")
}

func stringValue(m member) (string, bool) {
	var s string
	if len(m.raw) == 0 || m.raw[0] != '"' {
		return "", false
	}
	if err := json.Unmarshal(m.raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func isEngineField(name string) bool {
	for _, f := range EngineFields {
		if f == name {
			return true
		}
	}
	return false
}

// splitArray returns the elements of a top-level JSON array, raw.
func splitArray(doc []byte) ([][]byte, error) {
	if !bytes.HasPrefix(bytes.TrimLeft(doc, " \t\r\n"), []byte("[")) {
		return nil, errors.New("top level is not an array")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(doc, &raws); err != nil {
		return nil, err
	}
	items := make([][]byte, len(raws))
	for i, r := range raws {
		items[i] = r
	}
	return items, nil
}

// buildArray writes a findings document with one element per line.
func buildArray(items [][]byte) []byte {
	if len(items) == 0 {
		return []byte("[]\n")
	}
	var b strings.Builder
	b.WriteString("[\n")
	for i, it := range items {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.Write(it)
	}
	b.WriteString("\n]\n")
	return []byte(b.String())
}
