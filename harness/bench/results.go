package bench

import (
	"bytes"
	"io"
	"slices"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// ExactCandidates are the units that may be declared exact ("Unit U
// assume=exact"): counts that do not vary between runs of deterministic
// code.
var ExactCandidates = []string{"allocs/op", "B/op"}

// ExactUnits returns the units of ExactCandidates that are exact in ms:
// every benchmark that reports the unit has the same value in all its
// samples, and at least one benchmark has two samples or more. A unit
// that was seen varying is not declared exact, so benchstat then
// summarizes it with a median and confidence interval instead.
func ExactUnits(ms []Measurement) []string {
	var out []string
	for _, unit := range ExactCandidates {
		values := map[string][]float64{}
		for _, m := range ms {
			for _, v := range m.Result.Values {
				if v.Unit == unit {
					name := m.Result.Name.String()
					values[name] = append(values[name], v.Value)
				}
			}
		}
		exact, repeated := len(values) > 0, false
		for _, vs := range values {
			if len(vs) > 1 {
				repeated = true
			}
			for _, v := range vs[1:] {
				if v != vs[0] {
					exact = false
				}
			}
		}
		if exact && repeated {
			out = append(out, unit)
		}
	}
	return out
}

// WriteResults writes ms in the Go benchmark format: unit metadata for
// the exact units first, then the results grouped by package (in order of
// first appearance, samples in the order taken), each with the header
// configuration plus its "pkg".
func WriteResults(w io.Writer, header []benchfmt.Config, ms []Measurement) error {
	bw := benchfmt.NewWriter(w)
	for _, unit := range ExactUnits(ms) {
		meta := &benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: unit, Key: "assume"}, OrigUnit: unit, Value: "exact"}
		if err := bw.Write(meta); err != nil {
			return err
		}
	}
	var pkgs []string
	byPkg := map[string][]Measurement{}
	for _, m := range ms {
		if _, ok := byPkg[m.Pkg]; !ok {
			pkgs = append(pkgs, m.Pkg)
		}
		byPkg[m.Pkg] = append(byPkg[m.Pkg], m)
	}
	for _, pkg := range pkgs {
		config := slices.Clone(header)
		config = append(config, benchfmt.Config{Key: "pkg", Value: []byte(pkg), File: true})
		for _, m := range byPkg[pkg] {
			res := &benchfmt.Result{Config: config, Name: m.Result.Name, Iters: m.Result.Iters, Values: m.Result.Values}
			if err := bw.Write(res); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteResultsFile writes the results file at path atomically (a
// temporary file renamed into place).
func WriteResultsFile(path string, header []benchfmt.Config, ms []Measurement) error {
	var buf bytes.Buffer
	if err := WriteResults(&buf, header, ms); err != nil {
		return err
	}
	return atomicfile.WriteFileMkdirAll(path, buf.Bytes())
}
