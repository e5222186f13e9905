package anonymize_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets/anonymize"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"
)

// generate writes a dataset into dir and returns its path.
func generate(t *testing.T, dir, shape string, n int) string {
	t.Helper()
	path := filepath.Join(dir, shape+".json")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, generators.Generate(f, generators.Config{Findings: n, Seed: 7, Shape: shape}))
	require.NoError(t, f.Close())
	return path
}

// output is the part of the engine's output document the tests compare.
type output struct {
	Totals   map[string]int64 `json:"totals"`
	Accounts []struct {
		ID             string           `json:"aws_account_id"`
		Findings       int64            `json:"findings"`
		Active         int64            `json:"active"`
		Edges          int64            `json:"edges"`
		Entries        int64            `json:"entries"`
		Targets        int64            `json:"targets"`
		CandidatePaths int64            `json:"candidate_paths"`
		Paths          []map[string]any `json:"paths"`
	} `json:"accounts"`
}

// runEngine runs the go engine (all paths kept) on a file.
func runEngine(t *testing.T, path string) ([]byte, output) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out, err := goengine.AttackPaths(raw, engines.Options{MaxDepth: 4, TopK: 0})
	require.NoError(t, err, "the engine rejects %s", path)
	var o output
	require.NoError(t, json.Unmarshal(out, &o))
	return out, o
}

// accountCounts returns the per-account counts, sorted (account ids are
// renamed, so accounts are compared as a multiset).
func accountCounts(o output) []string {
	var out []string
	for _, a := range o.Accounts {
		out = append(out, strings.Join([]string{strconv.FormatInt(a.Findings, 10), strconv.FormatInt(a.Active, 10),
			strconv.FormatInt(a.Edges, 10), strconv.FormatInt(a.Entries, 10), strconv.FormatInt(a.Targets, 10),
			strconv.FormatInt(a.CandidatePaths, 10)}, "/"))
	}
	sort.Strings(out)
	return out
}

var key = []byte("test key, not a secret")

func sizeFor(shape string) int {
	if shape == "dense" {
		return 300
	}
	return 600
}

func TestGraphSurvives(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range generators.ShapeNames() {
		for _, keepOrder := range []bool{false, true} {
			t.Run(shape+"/keep-order="+strconv.FormatBool(keepOrder), func(t *testing.T) {
				in := generate(t, dir, shape, sizeFor(shape))
				out := filepath.Join(dir, shape+"-anon-"+strconv.FormatBool(keepOrder)+".json")
				st, err := anonymize.File(in, out, anonymize.Options{Key: key, KeepOrder: keepOrder})
				require.NoError(t, err)
				assert.Equal(t, sizeFor(shape), st.Findings)
				assert.Equal(t, sizeFor(shape), st.Distinct[anonymize.KindID])

				_, before := runEngine(t, in)
				_, after := runEngine(t, out)
				for _, k := range []string{"findings", "active", "edges", "entries", "targets", "candidate_paths", "paths"} {
					assert.Equal(t, before.Totals[k], after.Totals[k], "totals.%s", k)
				}
				assert.Greater(t, before.Totals["findings"], int64(0))
				assert.Equal(t, accountCounts(before), accountCounts(after))
			})
		}
	}
}

// readMapping parses a mapping into kind -> pseudonym -> original.
func readMapping(t *testing.T, raw []byte) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		require.Len(t, f, 3, sc.Text())
		orig, err := strconv.Unquote(f[1])
		require.NoError(t, err)
		ps, err := strconv.Unquote(f[2])
		require.NoError(t, err)
		if out[f[0]] == nil {
			out[f[0]] = map[string]string{}
		}
		_, dup := out[f[0]][ps]
		require.False(t, dup, "pseudonym %q given twice in kind %s", ps, f[0])
		out[f[0]][ps] = orig
	}
	require.NoError(t, sc.Err())
	return out
}

// rename maps the ids and accounts of an output document back.
func rename(t *testing.T, doc any, m map[string]map[string]string) any {
	back := func(kind string, v any) any {
		s := v.(string)
		orig, ok := m[kind][s]
		require.True(t, ok, "%s %q not in the mapping", kind, s)
		return orig
	}
	switch d := doc.(type) {
	case map[string]any:
		for k, v := range d {
			switch k {
			case "aws_account_id":
				d[k] = back("account", v)
			case "entry_id", "target_id":
				d[k] = back("id", v)
			case "finding_ids":
				for i, id := range v.([]any) {
					v.([]any)[i] = back("id", id)
				}
			default:
				d[k] = rename(t, v, m)
			}
		}
	case []any:
		for i := range d {
			d[i] = rename(t, d[i], m)
		}
	}
	return doc
}

func TestKeepOrderIdenticalUpToRenaming(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range []string{"realistic", "ties", "chain", "many-accounts", "adversarial"} {
		t.Run(shape, func(t *testing.T) {
			in := generate(t, dir, shape, sizeFor(shape))
			out := filepath.Join(dir, shape+"-ordered.json")
			var mapping bytes.Buffer
			_, err := anonymize.File(in, out, anonymize.Options{Key: key, KeepOrder: true, Mapping: &mapping})
			require.NoError(t, err)
			m := readMapping(t, mapping.Bytes())

			before, _ := runEngine(t, in)
			after, _ := runEngine(t, out)
			require.NotEqual(t, before, after, "the anonymized output should name other ids")
			var want, got any
			require.NoError(t, json.Unmarshal(before, &want))
			require.NoError(t, json.Unmarshal(after, &got))
			assert.Equal(t, want, rename(t, got, m))
		})
	}
}

func TestTiesMayChangeWithoutKeepOrder(t *testing.T) {
	// Not a requirement, a fact worth pinning: plain pseudonyms keep the
	// counts but not the ids' order, so the chosen paths differ.
	dir := t.TempDir()
	in := generate(t, dir, "ties", 600)
	out := filepath.Join(dir, "anon.json")
	var mapping bytes.Buffer
	_, err := anonymize.File(in, out, anonymize.Options{Key: key, Mapping: &mapping})
	require.NoError(t, err)
	before, _ := runEngine(t, in)
	after, _ := runEngine(t, out)
	var want, got any
	require.NoError(t, json.Unmarshal(before, &want))
	require.NoError(t, json.Unmarshal(after, &got))
	assert.NotEqual(t, want, rename(t, got, readMapping(t, mapping.Bytes())))
}

// decodeFindings reads a findings file as generic objects.
func decodeFindings(t *testing.T, path string) []map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

func TestPseudonymForms(t *testing.T) {
	dir := t.TempDir()
	in := generate(t, dir, "realistic", 400)
	out := filepath.Join(dir, "anon.json")
	st, err := anonymize.File(in, out, anonymize.Options{Key: key})
	require.NoError(t, err)
	orig, anon := decodeFindings(t, in), decodeFindings(t, out)
	require.Len(t, anon, len(orig))
	assert.Equal(t, 1200, st.Texts, "title, description and remediation_text of 400 findings")

	twelve := regexp.MustCompile(`^[1-9][0-9]{11}$`)
	vpc := regexp.MustCompile(`^vpc-[0-9a-f]{17}$`)
	subnet := regexp.MustCompile(`^subnet-[0-9a-f]{17}$`)
	ipv4 := regexp.MustCompile(`^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$`)
	// forward[field][original] = pseudonym, reverse the other way: both
	// must be functions (consistent and collision-free).
	forward, reverse := map[string]map[string]string{}, map[string]map[string]string{}
	pair := func(kind string, o, a any) {
		os, as := o.(string), a.(string)
		if forward[kind] == nil {
			forward[kind], reverse[kind] = map[string]string{}, map[string]string{}
		}
		if prev, ok := forward[kind][os]; ok {
			assert.Equal(t, prev, as, "%s %q got two pseudonyms", kind, os)
		}
		if prev, ok := reverse[kind][as]; ok {
			assert.Equal(t, prev, os, "%s pseudonym %q given to two values", kind, as)
		}
		forward[kind][os], reverse[kind][as] = as, os
	}
	for i := range orig {
		o, a := orig[i], anon[i]
		require.Len(t, a, 56)
		for _, f := range []string{"id", "aws_account_id", "resource_id", "iam_role_arn", "vpc_id", "subnet_id", "public_ip", "resource_name", "aws_account_name"} {
			if o[f] == "" {
				assert.Equal(t, "", a[f], "finding %d: empty %s must stay empty", i, f)
				continue
			}
			assert.NotEqual(t, o[f], a[f], "finding %d: %s kept", i, f)
			kind := f
			if f == "resource_name" {
				kind = "name"
			}
			pair(kind, o[f], a[f])
		}
		for k, id := range o["related_finding_ids"].([]any) {
			pair("id", id, a["related_finding_ids"].([]any)[k])
		}
		assert.Regexp(t, twelve, a["aws_account_id"])
		if a["vpc_id"] != "" {
			assert.Regexp(t, vpc, a["vpc_id"])
		}
		if a["subnet_id"] != "" {
			assert.Regexp(t, subnet, a["subnet_id"])
		}
		if a["public_ip"] != "" {
			assert.Regexp(t, ipv4, a["public_ip"])
		}
		for _, f := range []string{"id", "resource_id", "iam_role_arn"} {
			os, as := o[f].(string), a[f].(string)
			if !strings.HasPrefix(os, "arn:") || as == "" {
				continue
			}
			op, ap := strings.SplitN(os, ":", 6), strings.SplitN(as, ":", 6)
			require.Len(t, ap, 6, "finding %d: %s %q lost its ARN structure", i, f, as)
			assert.Equal(t, op[:4], ap[:4], "partition, service and region stay")
			if op[4] != "" {
				assert.Equal(t, a["aws_account_id"], ap[4], "finding %d: the ARN's account is the account's pseudonym", i)
			}
		}
		for _, f := range []string{"title", "description", "remediation_text"} {
			assert.Len(t, a[f], len(o[f].(string)), "finding %d: %s keeps its length", i, f)
			if o[f] != "" {
				assert.NotEqual(t, o[f], a[f])
			}
		}
		for _, f := range []string{"severity_normalized", "epss_e5", "workflow_status", "network_exposure", "data_classification", "mitre_tactic_id", "region", "types", "open_ports", "first_observed_at"} {
			assert.Equal(t, o[f], a[f], "finding %d: %s must be kept", i, f)
		}
		require.Equal(t, len(o["resource_tags"].([]any)), len(a["resource_tags"].([]any)))
		for k, tag := range o["resource_tags"].([]any) {
			ok, ov, _ := strings.Cut(tag.(string), "=")
			ak, av, _ := strings.Cut(a["resource_tags"].([]any)[k].(string), "=")
			assert.Equal(t, ok, ak, "common tag keys stay")
			assert.NotEqual(t, ov, av)
			if ok == "Name" {
				assert.Equal(t, forward["name"][ov], av, "a Name tag is the resource name's pseudonym")
			}
		}
	}
	assert.Len(t, forward["id"], st.Distinct[anonymize.KindID])
	assert.Len(t, forward["aws_account_id"], 5)
}

func TestNoIdentifierLeaks(t *testing.T) {
	dir := t.TempDir()
	in := generate(t, dir, "realistic", 300)
	out := filepath.Join(dir, "anon.json")
	_, err := anonymize.File(in, out, anonymize.Options{Key: key})
	require.NoError(t, err)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	checked := 0
	for i, f := range decodeFindings(t, in) {
		for _, field := range []string{"id", "aws_account_id", "aws_account_name", "resource_id", "iam_role_arn", "vpc_id", "subnet_id", "public_ip", "resource_name"} {
			v := f[field].(string)
			if v == "" {
				continue
			}
			checked++
			require.False(t, bytes.Contains(raw, []byte(v)), "finding %d: %s %q appears in the output", i, field, v)
		}
		// The account id inside ARNs and the application name of tags.
		for _, tag := range f["resource_tags"].([]any) {
			_, v, _ := strings.Cut(tag.(string), "=")
			require.False(t, bytes.Contains(raw, []byte(`"`+v+`"`)) || bytes.Contains(raw, []byte("="+v+`"`)), "tag value %q appears in the output", v)
		}
	}
	assert.Greater(t, checked, 2000)
}

func TestDeterministicAndKeyed(t *testing.T) {
	dir := t.TempDir()
	in := generate(t, dir, "adversarial", 300)
	run := func(k string, keepOrder bool) []byte {
		out := filepath.Join(dir, "out.json")
		_, err := anonymize.File(in, out, anonymize.Options{Key: []byte(k), KeepOrder: keepOrder})
		require.NoError(t, err)
		raw, err := os.ReadFile(out)
		require.NoError(t, err)
		return raw
	}
	a := run("k1", false)
	assert.Equal(t, a, run("k1", false))
	assert.NotEqual(t, a, run("k2", false))
	assert.True(t, json.Valid(a))
	b := run("k1", true)
	assert.Equal(t, b, run("k1", true))
	assert.NotEqual(t, a, b)

	// Stream gives the same bytes as File in one pass.
	f, err := os.Open(in)
	require.NoError(t, err)
	defer f.Close()
	var s bytes.Buffer
	_, err = anonymize.Stream(f, &s, anonymize.Options{Key: []byte("k1")})
	require.NoError(t, err)
	assert.Equal(t, a, s.Bytes())
}

func TestDropsUnknownMembersAndKeepsOddValues(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.json")
	doc := `[{"id":"a","secret_note":"call Bob at 555-0100","aws_account_id":"123456789012","vpc_id":"","iam_role_arn":null,` +
		`"related_finding_ids":["b","a"],"resource_tags":["Owner=alice","cc:dept=42","bare"],"public_ip":"2001:db8::1","epss_e5":7},` +
		`{"id":"b","aws_account_id":"123456789012","title":"x\ny","remediation_url":"https://user:pw@example.com/path?q=1"}]`
	require.NoError(t, os.WriteFile(in, []byte(doc), 0o644))
	out := filepath.Join(dir, "out.json")
	st, err := anonymize.File(in, out, anonymize.Options{Key: key})
	require.NoError(t, err)
	assert.Equal(t, 1, st.DroppedMembers)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "Bob")
	assert.NotContains(t, string(raw), "alice")
	assert.NotContains(t, string(raw), "dept")
	assert.NotContains(t, string(raw), "pw@")
	assert.NotContains(t, string(raw), "2001:db8")
	var got []map[string]any
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, "", got[0]["vpc_id"])
	assert.Nil(t, got[0]["iam_role_arn"])
	assert.Equal(t, float64(7), got[0]["epss_e5"])
	assert.Equal(t, got[1]["id"], got[0]["related_finding_ids"].([]any)[0], "related ids use the id map")
	assert.Equal(t, got[0]["id"], got[0]["related_finding_ids"].([]any)[1])
	assert.Equal(t, got[0]["aws_account_id"], got[1]["aws_account_id"])
	assert.Len(t, got[1]["title"], 3)
	assert.Regexp(t, `^https://example\.invalid/[0-9a-f]{16}$`, got[1]["remediation_url"])
	tags := got[0]["resource_tags"].([]any)
	assert.Regexp(t, `^Owner=v-[0-9a-f]{24}$`, tags[0])
	assert.Regexp(t, `^k-[0-9a-f]{24}=v-[0-9a-f]{24}$`, tags[1])
	assert.Regexp(t, `^v-[0-9a-f]{24}$`, tags[2])
	assert.Regexp(t, `^ip-[0-9a-f]{16}$`, got[0]["public_ip"])
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, doc, want string }{
		{"not json", "hello", "byte 0: not a findings document"},
		{"object", `{"id":"a"}`, "not a findings document: a JSON object"},
		{"truncated", `[{"id":"a"},{"id":"b`, "finding 1 (byte 20): unexpected end of file inside finding 1, which starts at byte 12"},
		{"not an object", `[{"id":"a"},[1]]`, "finding 1: not an object but an array"},
		{"bad escape", `[{"id":"a\q"}]`, `finding 0 (byte 1): byte 8 of the finding: unknown escape \q`},
		{"id is a number", `[{"id":12}]`, "finding 0: field id: want a string, got a number"},
		{"tags not strings", `[{"resource_tags":["a",1]}]`, "finding 0: field resource_tags: want an array of strings, got an element that is a number"},
		{"trailing garbage", `[{"id":"a"}] x`, "data after the closing ']'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := filepath.Join(dir, "bad.json")
			require.NoError(t, os.WriteFile(in, []byte(tc.doc), 0o644))
			out := filepath.Join(dir, "out.json")
			require.NoError(t, os.WriteFile(out, []byte("previous"), 0o644))
			for _, keepOrder := range []bool{false, true} {
				_, err := anonymize.File(in, out, anonymize.Options{Key: key, KeepOrder: keepOrder})
				require.Error(t, err)
				assert.Contains(t, err.Error(), in+": ")
				assert.Contains(t, err.Error(), tc.want)
				prev, rerr := os.ReadFile(out)
				require.NoError(t, rerr)
				assert.Equal(t, "previous", string(prev), "the output must be left untouched")
				entries, rerr := os.ReadDir(dir)
				require.NoError(t, rerr)
				assert.Len(t, entries, 2, "a temporary file was left behind")
			}
		})
	}
	_, err := anonymize.File(filepath.Join(dir, "bad.json"), filepath.Join(dir, "o.json"), anonymize.Options{})
	assert.ErrorIs(t, err, anonymize.ErrNoKey)
	_, err = anonymize.File(filepath.Join(dir, "missing.json"), filepath.Join(dir, "o.json"), anonymize.Options{Key: key})
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestOversizeFinding(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(in, []byte(`[{"id":"a"},{"description":"`+strings.Repeat("x", 5000)+`"}]`), 0o644))
	_, err := anonymize.File(in, filepath.Join(dir, "out.json"), anonymize.Options{Key: key, MaxFindingBytes: 1024})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "finding 1 (byte 12): exceeds 1024 bytes (the per-finding cap)")
}

func TestEmptyDocument(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(in, []byte(" [ ] \n"), 0o644))
	out := filepath.Join(dir, "out.json")
	st, err := anonymize.File(in, out, anonymize.Options{Key: key, KeepOrder: true})
	require.NoError(t, err)
	assert.Equal(t, 0, st.Findings)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "[]\n", string(raw))
}
