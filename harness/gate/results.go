// Package gate decides whether a change regressed performance: it compares
// a base and a head results file in the Go benchmark format, benchmark by
// benchmark and unit by unit, with a Mann-Whitney U test and a threshold on
// the median change (both must agree before a change counts as a
// regression), compares exact units (allocs/op, B/op, instructions/op)
// directly, and says "cannot decide" rather than pass when the samples
// cannot support a verdict. It also runs base and head interleaved from a
// git worktree, counts instructions for a deterministic mode, and
// calibrates its own false-positive and detection rates.
package gate

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"
)

// Series identifies one compared quantity: a full benchmark name (without
// the "Benchmark" prefix, as benchfmt reports it) and a tidied unit
// ("sec/op", "B/op", "allocs/op", "instructions/op").
type Series struct {
	Name string
	Unit string
}

// Results are the samples of one side (base or head), grouped by series.
type Results struct {
	// Order lists the series in order of first appearance.
	Order []Series
	// Values holds the samples of each series, in file order.
	Values map[Series][]float64
	// Units is the unit metadata declared in the files (assume=, better=).
	Units benchfmt.UnitMetadataMap
	// Files names the files read, for messages.
	Files []string
}

// Grouper groups results of both sides with one benchproc projection (key:
// full name and unit), so that the keys of base and head compare equal.
type Grouper struct {
	projection *benchproc.Projection
	name, unit *benchproc.Field
}

// NewGrouper returns a Grouper keyed on ".fullname" and ".unit".
func NewGrouper() (*Grouper, error) {
	var parser benchproc.ProjectionParser
	filter, err := benchproc.NewFilter("*")
	if err != nil {
		return nil, err
	}
	proj, unit, err := parser.ParseWithUnit(".fullname", filter)
	if err != nil {
		return nil, fmt.Errorf("gate: projection: %w", err)
	}
	var name *benchproc.Field
	for _, f := range proj.Fields() {
		if f.Name == ".fullname" {
			name = f
		}
	}
	if name == nil {
		return nil, errors.New("gate: projection has no .fullname field")
	}
	return &Grouper{projection: proj, name: name, unit: unit}, nil
}

// ReadFiles reads results files (in the Go benchmark format) into one side.
// A syntax error is an error naming file and line.
func (g *Grouper) ReadFiles(paths ...string) (*Results, error) {
	res := newResults()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("gate: %w", err)
		}
		err = g.read(res, f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// Read reads one results stream into a new side; name is used in messages.
func (g *Grouper) Read(r io.Reader, name string) (*Results, error) {
	res := newResults()
	if err := g.read(res, r, name); err != nil {
		return nil, err
	}
	return res, nil
}

func newResults() *Results {
	return &Results{Values: map[Series][]float64{}, Units: benchfmt.UnitMetadataMap{}}
}

func (g *Grouper) read(res *Results, r io.Reader, name string) error {
	res.Files = append(res.Files, name)
	reader := benchfmt.NewReader(r, name)
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return fmt.Errorf("gate: %w", rec)
		case *benchfmt.Result:
			keys := g.projection.ProjectValues(rec)
			for i, k := range keys {
				s := Series{Name: k.Get(g.name), Unit: k.Get(g.unit)}
				if _, seen := res.Values[s]; !seen {
					res.Order = append(res.Order, s)
				}
				res.Values[s] = append(res.Values[s], rec.Values[i].Value)
			}
		}
	}
	if err := reader.Err(); err != nil {
		return fmt.Errorf("gate: reading %s: %w", name, err)
	}
	for k, v := range reader.Units() {
		res.Units[k] = v
	}
	return nil
}
