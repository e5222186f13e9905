package conform

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// classifyDocuments explains two output documents whose canonical forms
// differ. In order of precedence: missing/extra attack paths, ordering
// only, float last-ulp, missing/extra members, other.
func classifyDocuments(ref, cand Outcome, opt CompareOptions) (Class, []string) {
	var a, b any
	if err := json.Unmarshal(ref.Canonical, &a); err != nil {
		return ClassOther, []string{fmt.Sprintf("%s: canonical document does not decode: %v", ref.Engine, err)}
	}
	if err := json.Unmarshal(cand.Canonical, &b); err != nil {
		return ClassOther, []string{fmt.Sprintf("%s: canonical document does not decode: %v", cand.Engine, err)}
	}
	notes := noteList{max: opt.MaxNotes}

	pa, okA := attackPaths(a)
	pb, okB := attackPaths(b)
	if okA && okB {
		missing, extra := multisetDifference(pa, pb)
		if len(missing)+len(extra) > 0 {
			for _, k := range missing {
				notes.add("attack path %s: in %s, missing from %s", k, ref.Engine, cand.Engine)
			}
			for _, k := range extra {
				notes.add("attack path %s: in %s, not in %s", k, cand.Engine, ref.Engine)
			}
			return ClassMissingExtra, notes.lines()
		}
		if reflect.DeepEqual(normalizePaths(a), normalizePaths(b)) {
			describeOrder(a, b, ref.Engine, cand.Engine, &notes)
			return ClassOrderingOnly, notes.lines()
		}
	}

	var diffs []leafDiff
	walk(a, b, "", &diffs)
	allULP, allMember := len(diffs) > 0, len(diffs) > 0
	for _, d := range diffs {
		if d.kind != diffNumber || d.ulps > opt.MaxULP || (isIntegral(d.a) && isIntegral(d.b)) {
			allULP = false
		}
		if d.kind != diffMissing && d.kind != diffExtra {
			allMember = false
		}
	}
	for _, d := range diffs {
		notes.add("%s", d.describe(ref.Engine, cand.Engine))
	}
	switch {
	case allULP:
		return ClassFloatULP, notes.lines()
	case allMember:
		return ClassMissingExtra, notes.lines()
	}
	return ClassOther, notes.lines()
}

// noteList collects explanation lines up to max, then counts the rest.
type noteList struct {
	max     int
	notes   []string
	dropped int
}

func (n *noteList) add(format string, args ...any) {
	if len(n.notes) >= n.max {
		n.dropped++
		return
	}
	n.notes = append(n.notes, fmt.Sprintf(format, args...))
}

func (n *noteList) lines() []string {
	if n.dropped > 0 {
		return append(n.notes, fmt.Sprintf("... and %d more", n.dropped))
	}
	return n.notes
}

// attackPaths returns the multiset of attack paths of an output document,
// keyed by account, entry and target, or false when doc does not have the
// shape of an attack-path output (accounts[].paths[]).
func attackPaths(doc any) (map[string]int, bool) {
	accounts, ok := accountList(doc)
	if !ok {
		return nil, false
	}
	keys := map[string]int{}
	for _, acc := range accounts {
		paths, ok := acc["paths"].([]any)
		if !ok {
			return nil, false
		}
		for _, p := range paths {
			path, ok := p.(map[string]any)
			if !ok {
				return nil, false
			}
			keys[pathKey(acc, path)]++
		}
	}
	return keys, true
}

func accountList(doc any) ([]map[string]any, bool) {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil, false
	}
	list, ok := obj["accounts"].([]any)
	if !ok {
		return nil, false
	}
	out := make([]map[string]any, 0, len(list))
	for _, a := range list {
		acc, ok := a.(map[string]any)
		if !ok {
			return nil, false
		}
		out = append(out, acc)
	}
	return out, true
}

func pathKey(acc, path map[string]any) string {
	return fmt.Sprintf("account=%s entry=%s target=%s", scalarText(acc["aws_account_id"]), scalarText(path["entry_id"]), scalarText(path["target_id"]))
}

func scalarText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// multisetDifference returns the keys (with repetition) in a but not b,
// and in b but not a, sorted.
func multisetDifference(a, b map[string]int) (missing, extra []string) {
	for k, n := range a {
		for range n - b[k] {
			missing = append(missing, k)
		}
	}
	for k, n := range b {
		for range n - a[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// normalizePaths returns a copy of an attack-path document with the
// accounts sorted by id and each account's paths sorted by (entry, target)
// with their rank removed, so two documents that differ only in the order
// of accounts or paths become equal.
func normalizePaths(doc any) any {
	obj := doc.(map[string]any)
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	accounts, _ := accountList(doc)
	list := make([]any, len(accounts))
	for i, acc := range accounts {
		accCopy := make(map[string]any, len(acc))
		for k, v := range acc {
			accCopy[k] = v
		}
		paths := acc["paths"].([]any)
		norm := make([]any, len(paths))
		for j, p := range paths {
			pc := map[string]any{}
			for k, v := range p.(map[string]any) {
				if k != "rank" {
					pc[k] = v
				}
			}
			norm[j] = pc
		}
		sort.SliceStable(norm, func(x, y int) bool {
			return pathKey(acc, norm[x].(map[string]any)) < pathKey(acc, norm[y].(map[string]any))
		})
		accCopy["paths"] = norm
		list[i] = accCopy
	}
	sort.SliceStable(list, func(x, y int) bool {
		return scalarText(list[x].(map[string]any)["aws_account_id"]) < scalarText(list[y].(map[string]any)["aws_account_id"])
	})
	out["accounts"] = list
	return out
}

// describeOrder notes, per account, the first position where the order of
// paths differs.
func describeOrder(a, b any, refName, candName string, notes *noteList) {
	accA, _ := accountList(a)
	accB, _ := accountList(b)
	ids := func(accs []map[string]any) []string {
		var out []string
		for _, acc := range accs {
			out = append(out, scalarText(acc["aws_account_id"]))
		}
		return out
	}
	if idsA, idsB := ids(accA), ids(accB); !reflect.DeepEqual(idsA, idsB) {
		notes.add("accounts in another order: %s has %s, %s has %s", refName, valueText(idsA), candName, valueText(idsB))
		return
	}
	for i := range min(len(accA), len(accB)) {
		pa, pb := accA[i]["paths"].([]any), accB[i]["paths"].([]any)
		for j := range min(len(pa), len(pb)) {
			x, y := pa[j].(map[string]any), pb[j].(map[string]any)
			if pathKey(accA[i], x) != pathKey(accB[i], y) {
				notes.add("account %s: the same %d paths in another order; at /accounts/%d/paths/%d %s has %s -> %s (score %s), %s has %s -> %s (score %s)",
					scalarText(accA[i]["aws_account_id"]), len(pa), i, j,
					refName, scalarText(x["entry_id"]), scalarText(x["target_id"]), scalarText(x["score"]),
					candName, scalarText(y["entry_id"]), scalarText(y["target_id"]), scalarText(y["score"]))
				break
			}
		}
	}
}

type diffKind int

const (
	diffNumber  diffKind = iota // two different numbers
	diffMissing                 // member or element only in the reference
	diffExtra                   // member or element only in the candidate
	diffValue                   // any other difference of values or types
)

// leafDiff is one difference found by walk.
type leafDiff struct {
	kind diffKind
	ptr  string
	a, b any
	ulps uint64
}

func (d leafDiff) describe(refName, candName string) string {
	ptr := pointerOrRoot(d.ptr)
	switch d.kind {
	case diffNumber:
		if isIntegral(d.a) && isIntegral(d.b) {
			return fmt.Sprintf("%s: %s %s, %s %s", ptr, refName, valueText(d.a), candName, valueText(d.b))
		}
		u := fmt.Sprintf("%d ulp apart", d.ulps)
		if d.ulps == math.MaxUint64 {
			u = "different signs"
		}
		return fmt.Sprintf("%s: %s %s, %s %s (%s)", ptr, refName, valueText(d.a), candName, valueText(d.b), u)
	case diffMissing:
		return fmt.Sprintf("%s: in %s (%s), missing from %s", ptr, refName, valueText(d.a), candName)
	case diffExtra:
		return fmt.Sprintf("%s: in %s (%s), not in %s", ptr, candName, valueText(d.b), refName)
	}
	return fmt.Sprintf("%s: %s %s, %s %s", ptr, refName, valueText(d.a), candName, valueText(d.b))
}

// walk compares two decoded documents and appends their differences.
func walk(a, b any, ptr string, out *[]leafDiff) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := sortedKeys(x)
		for _, k := range sortedKeys(y) {
			if _, in := x[k]; !in {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			p := ptr + "/" + escapePointer(k)
			va, inA := x[k]
			vb, inB := y[k]
			switch {
			case !inB:
				*out = append(*out, leafDiff{kind: diffMissing, ptr: p, a: va})
			case !inA:
				*out = append(*out, leafDiff{kind: diffExtra, ptr: p, b: vb})
			default:
				walk(va, vb, p, out)
			}
		}
		return
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		for i := range max(len(x), len(y)) {
			p := fmt.Sprintf("%s/%d", ptr, i)
			switch {
			case i >= len(y):
				*out = append(*out, leafDiff{kind: diffMissing, ptr: p, a: x[i]})
			case i >= len(x):
				*out = append(*out, leafDiff{kind: diffExtra, ptr: p, b: y[i]})
			default:
				walk(x[i], y[i], p, out)
			}
		}
		return
	case float64:
		if y, ok := b.(float64); ok {
			if x != y {
				*out = append(*out, leafDiff{kind: diffNumber, ptr: ptr, a: x, b: y, ulps: ulpDistance(x, y)})
			}
			return
		}
	default:
		if reflect.DeepEqual(a, b) {
			return
		}
	}
	*out = append(*out, leafDiff{kind: diffValue, ptr: ptr, a: a, b: b})
}

// ulpDistance returns how many representable binary64 values lie between
// x and y (1 for neighbours), or MaxUint64 when their signs differ.
func ulpDistance(x, y float64) uint64 {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.MaxUint64
	}
	if x == y {
		return 0
	}
	if math.Signbit(x) != math.Signbit(y) {
		if x == 0 || y == 0 { // +0 vs tiny negative or the reverse
			return ulpDistance(math.Abs(x), math.Abs(y))
		}
		return math.MaxUint64
	}
	bx, by := math.Float64bits(math.Abs(x)), math.Float64bits(math.Abs(y))
	if bx > by {
		return bx - by
	}
	return by - bx
}

func isIntegral(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// escapePointer escapes one RFC 6901 reference token.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// valueText renders a decoded value as compact JSON, cut at 160 bytes.
func valueText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const limit = 160
	if len(b) > limit {
		return string(b[:limit]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}
