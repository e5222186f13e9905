package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"

	_ "github.com/aegisbench/aegisbench/engines/rustengine" // registers rust-ffi when built with it
)

// fuzzEngines returns the engines FuzzDifferential compares: go (the
// reference), go-naive, and rust-ffi when this build has it.
var fuzzEngines = sync.OnceValues(func() ([]engines.Engine, string) {
	es := []engines.Engine{goengine.New(), goengine.NewNaive()}
	err := engines.Available("rust-ffi")
	if err != nil {
		return es, "rust-ffi not in this build (" + err.Error() + "): comparing go with go-naive only"
	}
	e, err := engines.Open("rust-ffi")
	if err != nil {
		return es, "rust-ffi did not open (" + err.Error() + "): comparing go with go-naive only"
	}
	return append(es, e), "comparing go with go-naive and rust-ffi"
})

// FuzzDifferential feeds generated findings documents, mutated towards the
// spec's edge cases (shared resources, roles and VPCs, duplicate ids,
// out-of-domain and mistyped values, missing and repeated members,
// non-object elements, non-ASCII ids), or raw bytes, to every engine and
// requires canonical agreement with go, or the same error (code, index,
// field). The seed corpus runs in `make test`.
func FuzzDifferential(f *testing.F) {
	shapes := generators.ShapeNames()
	for _, sd := range fuzzSeedCorpus(shapes) {
		f.Add(sd.seed, sd.n, sd.shape, sd.depth, sd.topK, sd.muts)
	}
	es, note := fuzzEngines()
	f.Log(note)
	f.Fuzz(func(t *testing.T, seed uint64, n, shape, depth, topK uint8, muts []byte) {
		doc := fuzzDocument(seed, n, shape, muts, shapes)
		opt := engines.Options{MaxDepth: int(depth % 18), TopK: int(topK % 30)}
		ctx := context.Background()
		ref := Execute(ctx, es[0], doc, opt)
		if ref.Kind == KindFailure {
			t.Fatalf("%s failed: %s\ninput: %.2000s", ref.Engine, ref.Failure, doc)
		}
		for _, e := range es[1:] {
			c := Compare(ref, Execute(ctx, e, bytes.Clone(doc), opt), DefaultCompareOptions())
			if c.Class.Divergent() {
				var ops []string
				for _, op := range c.Diff {
					ops = append(ops, op.String())
				}
				t.Fatalf("%s vs %s: %s\n%s\n%s\noptions %+v, input (%d bytes):\n%.4000s",
					c.Reference, c.Candidate, c.Class, strings.Join(c.Notes, "\n"), strings.Join(ops, "\n"), opt, len(doc), doc)
			}
		}
	})
}

// fuzzSeed is one entry of FuzzDifferential's seed corpus.
type fuzzSeed struct {
	seed                  uint64
	n, shape, depth, topK uint8
	muts                  []byte
}

// fuzzSeedCorpus is small and fast: it runs in every `go test`.
func fuzzSeedCorpus(shapes []string) []fuzzSeed {
	raw := uint8(len(shapes)) // the shape byte selecting raw mode
	var out []fuzzSeed
	// Per shape: two findings made an entry and a target each, active,
	// in one account on one resource, so at least one path exists.
	link := []byte{5, 1, 0, 0, 1, 0, 7, 0, 1, 7, 1, 1, 3, 0, 0, 4, 0, 0, 3, 1, 0, 4, 1, 0}
	for i := range shapes {
		out = append(out, fuzzSeed{1, 12, uint8(i), 4, 20, link})
	}
	return append(out,
		fuzzSeed{2, 16, 0, 3, 0, []byte{0, 1, 2, 3, 4, 5, 3, 6, 7, 4, 7, 8, 1, 2, 3, 5, 9, 1}}, // edges, entries, targets
		fuzzSeed{3, 10, 1, 16, 1, []byte{6, 2, 5, 15, 0, 9}},                                   // duplicate id, swap
		fuzzSeed{4, 10, 0, 4, 20, []byte{8, 3, 4, 8, 5, 6}},                                    // epss out of domain, mistyped
		fuzzSeed{5, 10, 2, 4, 20, []byte{9, 2, 7, 10, 4, 2}},                                   // missing and repeated members
		fuzzSeed{6, 10, 0, 4, 20, []byte{11, 3, 1, 12, 1, 14}},                                 // non-object element, bad tactic
		fuzzSeed{7, 10, 0, 5, 2, []byte{14, 1, 0, 14, 2, 1, 3, 1, 0, 4, 2, 0}},                 // non-ASCII ids
		fuzzSeed{8, 10, 0, 0, 20, nil},                                                         // max_depth 0
		fuzzSeed{9, 10, 0, 17, 20, []byte{13, 1, 2}},                                           // max_depth 17 beats a field error
		fuzzSeed{0, 0, raw, 4, 20, []byte(`[{"id":"a"}] x`)},
		fuzzSeed{0, 0, raw, 4, 20, []byte("\xef\xbb\xbf[]")},
		fuzzSeed{0, 0, raw, 4, 20, []byte(`[{"id":"\ud800"}]`)},
		fuzzSeed{0, 0, raw, 4, 20, []byte(`{"not":"an array"}`)},
		fuzzSeed{0, 0, raw, 4, 20, []byte(` [ ] `)},
	)
}

// fuzzDocument builds the input: muts itself in raw mode (shape ==
// len(shapes)), else n%24 generated findings of the shape, mutated by muts
// read three bytes at a time (operation, finding i, argument j).
func fuzzDocument(seed uint64, n, shape uint8, muts []byte, shapes []string) []byte {
	if int(shape)%(len(shapes)+1) == len(shapes) {
		return muts
	}
	var b bytes.Buffer
	cfg := generators.Config{Findings: int(n % 24), Seed: seed, Shape: shapes[int(shape)%(len(shapes)+1)]}
	if err := generators.Generate(&b, cfg); err != nil {
		panic(err)
	}
	items, err := splitArray(b.Bytes())
	if err != nil {
		panic(err)
	}
	if len(items) == 0 {
		return b.Bytes()
	}
	objs := make([][]member, len(items))
	for i := range items {
		objs[i], _ = parseObject(items[i])
	}
	for k := 0; k+2 < len(muts); k += 3 {
		mutate(objs, items, muts[k], int(muts[k+1])%len(items), int(muts[k+2]))
	}
	for i := range items {
		if objs[i] != nil {
			items[i] = encodeObject(objs[i])
		}
	}
	return buildArray(items)
}

var (
	fuzzInts    = []string{"0", "100000", "100001", "-1", "1.5", `"5"`, "null", "1e2", "-0", "99999999999999999999", "100", "101", "50.0"}
	fuzzTactics = []string{"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
		"TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040", "TA9999", ""}
	fuzzElements = []string{"1", `"x"`, "null", "[]", "{}"}
)

// mutate applies one mutation to finding i (objs[i] nil: not an object).
func mutate(objs [][]member, items [][]byte, op byte, i, j int) {
	other := j % len(objs)
	get := func(o []member, key string) json.RawMessage {
		for _, m := range o {
			if m.key == key {
				return m.raw
			}
		}
		return nil
	}
	set := func(key string, raw json.RawMessage) {
		if objs[i] == nil || raw == nil {
			return
		}
		for k := range objs[i] {
			if objs[i][k].key == key {
				objs[i][k].raw = raw
			}
		}
	}
	copyFrom := func(key string) { set(key, get(objs[other], key)) }
	switch op % 16 {
	case 0:
		copyFrom("resource_id")
	case 1:
		copyFrom("iam_role_arn")
	case 2:
		copyFrom("vpc_id")
		set("network_exposure", json.RawMessage(`"VPC"`))
	case 3:
		set("network_exposure", json.RawMessage(`"INTERNET"`))
	case 4:
		set("data_classification", json.RawMessage(`"RESTRICTED"`))
	case 5:
		copyFrom("aws_account_id")
	case 6:
		copyFrom("id")
	case 7:
		set("workflow_status", json.RawMessage([]string{`"RESOLVED"`, `"NEW"`}[j%2]))
	case 8:
		set("epss_e5", json.RawMessage(fuzzInts[j%len(fuzzInts)]))
	case 9:
		if objs[i] != nil {
			drop := EngineFields[j%len(EngineFields)]
			var kept []member
			for _, m := range objs[i] {
				if m.key != drop {
					kept = append(kept, m)
				}
			}
			objs[i] = kept
		}
	case 10:
		if objs[i] != nil {
			key := EngineFields[j%len(EngineFields)]
			if raw := get(objs[i], key); raw != nil {
				objs[i] = append(objs[i], member{key: key, raw: raw})
			}
		}
	case 11:
		objs[i], items[i] = nil, []byte(fuzzElements[j%len(fuzzElements)])
	case 12:
		set("mitre_tactic_id", json.RawMessage(`"`+fuzzTactics[j%len(fuzzTactics)]+`"`))
	case 13:
		set("severity_normalized", json.RawMessage(fuzzInts[j%len(fuzzInts)]))
	case 14:
		ids := []string{`"é"`, `"\u00e9"`, `"e\u0301"`, `"\ud83d\ude00"`, `"😀"`, `"Z"`, `"a"`}
		set("id", json.RawMessage(ids[j%len(ids)]))
	case 15:
		objs[i], objs[other] = objs[other], objs[i]
		items[i], items[other] = items[other], items[i]
	}
}

// TestFuzzSeedCorpusCoversOutcomes keeps the seed corpus honest: it must
// reach outputs with attack paths and every error code of the spec.
func TestFuzzSeedCorpusCoversOutcomes(t *testing.T) {
	shapes := generators.ShapeNames()
	seen := map[string]int{}
	for _, sd := range fuzzSeedCorpus(shapes) {
		doc := fuzzDocument(sd.seed, sd.n, sd.shape, sd.muts, shapes)
		o := Execute(context.Background(), goengine.New(), doc, engines.Options{MaxDepth: int(sd.depth % 18), TopK: int(sd.topK % 30)})
		switch o.Kind {
		case KindError:
			seen[o.Error.Doc.Code]++
		case KindOutput:
			var out struct {
				Totals struct{ Paths int } `json:"totals"`
			}
			if err := json.Unmarshal(o.Canonical, &out); err != nil {
				t.Fatal(err)
			}
			if out.Totals.Paths > 0 {
				seen["output with paths"]++
			} else {
				seen["output without paths"]++
			}
		default:
			t.Fatalf("go failed on a seed: %s", o.Failure)
		}
	}
	t.Logf("seed corpus outcomes: %v", seen)
	for _, want := range []string{"output with paths", engines.CodeInvalidOptions, engines.CodeInvalidJSON, engines.CodeInvalidField, engines.CodeDuplicateID} {
		if seen[want] == 0 {
			t.Errorf("no seed reaches %q (outcomes: %v)", want, seen)
		}
	}
}
