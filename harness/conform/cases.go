package conform

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// CaseKind says where a case's input comes from.
type CaseKind string

// Kinds of cases.
const (
	KindGenerated CaseKind = "generated" // gen/<shape>/n=<n>/seed=<seed>/d=<d>/k=<k>
	KindVector    CaseKind = "vector"    // vector/<name>
	KindDataset   CaseKind = "dataset"   // dataset/<file base name>/d=<d>/k=<k>
)

// Case is one input and options value every engine runs on.
type Case struct {
	// Name is stable across runs and platforms; it is what the
	// expected-failures list and --case name.
	Name    string
	Kind    CaseKind
	Options engines.Options
	// Load returns the findings document; every engine gets the same
	// bytes.
	Load func() ([]byte, error)
	// Expected is a vector's expectation (engine ExpectedEngine), nil for
	// other cases.
	Expected *Outcome
	// ReplayFlags are the flags, besides --engines and --case, that replay
	// needs (--dataset FILE for a dataset case).
	ReplayFlags []string
}

// Source produces the findings document of a generated case.
type Source func(shape string, findings int, seed uint64) ([]byte, error)

// Generated names a generated case.
type Generated struct {
	Shape    string
	Findings int
	Seed     uint64
	Options  engines.Options
}

// Name returns "gen/<shape>/n=<n>/seed=<seed>/d=<max_depth>/k=<top_k>".
func (g Generated) Name() string {
	return fmt.Sprintf("gen/%s/n=%d/seed=%d/d=%d/k=%d", g.Shape, g.Findings, g.Seed, g.Options.MaxDepth, g.Options.TopK)
}

// Case returns the case, its input produced by src.
func (g Generated) Case(src Source) Case {
	return Case{
		Name: g.Name(), Kind: KindGenerated, Options: g.Options,
		Load: func() ([]byte, error) {
			b, err := src(g.Shape, g.Findings, g.Seed)
			if err != nil {
				return nil, fmt.Errorf("generate %s: %w", g.Name(), err)
			}
			return b, nil
		},
	}
}

// ParseGenerated parses a generated case name (Generated.Name's format).
func ParseGenerated(name string) (Generated, error) {
	parts := strings.Split(name, "/")
	bad := func(why string) (Generated, error) {
		return Generated{}, fmt.Errorf("case %q: %s (want gen/SHAPE/n=N/seed=S/d=D/k=K)", name, why)
	}
	if len(parts) != 6 || parts[0] != "gen" || parts[1] == "" {
		return bad("not a generated case name")
	}
	var g Generated
	g.Shape = parts[1]
	fields := []struct {
		key string
		set func(v uint64)
	}{
		{"n", func(v uint64) { g.Findings = int(v) }},
		{"seed", func(v uint64) { g.Seed = v }},
		{"d", func(v uint64) { g.Options.MaxDepth = int(v) }},
		{"k", func(v uint64) { g.Options.TopK = int(v) }},
	}
	for i, f := range fields {
		val, ok := strings.CutPrefix(parts[i+2], f.key+"=")
		if !ok {
			return bad(fmt.Sprintf("part %d is %q, want %s=...", i+3, parts[i+2], f.key))
		}
		v, err := strconv.ParseUint(val, 10, 63)
		if err != nil {
			return bad(fmt.Sprintf("%s: %v", f.key, err))
		}
		f.set(v)
	}
	return g, nil
}

// VectorCase returns the case "vector/<name>" of an attack-path vector:
// its input bytes, options and expectation (expected document, or the
// error document when expectedErr is not nil).
func VectorCase(name string, input []byte, opt engines.Options, expected []byte, expectedErr *engines.ErrorDoc) Case {
	c := Case{Name: "vector/" + name, Kind: KindVector, Options: opt}
	exp, err := ExpectedOutcome(expected, expectedErr)
	if err != nil {
		c.Load = func() ([]byte, error) { return nil, fmt.Errorf("vector %s: %w", name, err) }
		return c
	}
	c.Expected = &exp
	c.Load = func() ([]byte, error) { return input, nil }
	return c
}

// DatasetCase returns the case "dataset/<base name>/d=<d>/k=<k>" reading
// the findings document at path: refused when larger than maxInput bytes,
// and read only up to the first byte no JSON document can hold there
// (safeio.ReadDocument), so /dev/zero is a one-byte invalid_json case.
func DatasetCase(path string, opt engines.Options, maxInput int64) Case {
	base := strings.TrimSuffix(filepath.Base(path), ".json")
	return Case{
		Name:        fmt.Sprintf("dataset/%s/d=%d/k=%d", base, opt.MaxDepth, opt.TopK),
		Kind:        KindDataset,
		Options:     opt,
		Load:        func() ([]byte, error) { return readDataset(path, maxInput) },
		ReplayFlags: []string{"--dataset", path},
	}
}

func readDataset(path string, maxInput int64) ([]byte, error) {
	data, _, err := safeio.ReadDocument(path, maxInput)
	return data, err
}
