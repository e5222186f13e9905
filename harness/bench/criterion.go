package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// The Criterion executor: one `cargo bench` process per sample and size.
// Criterion's own samples within a run are not independent (same process,
// same heap, same CPU state), so each run contributes one result line: its
// median point estimate, read from the bencher-format line it prints.

// CriterionPkg is the results-file "pkg" of Criterion results.
const CriterionPkg = "rust/libaegispath/benches/attackpath_bench (criterion)"

// CriterionEngine is the engine name of Criterion results: the Rust engine
// called natively.
const CriterionEngine = "rust"

// criterionArm runs the three Criterion groups on dataset d, whose path
// reaches the bench target in AEGISBENCH_DATASET_<n>.
func criterionArm(cfg Config, d Dataset) arm {
	n := d.Findings
	var groups []string
	for _, g := range CriterionGroups {
		groups = append(groups, g.Group)
	}
	filter := fmt.Sprintf("^(%s)/n=%d$", strings.Join(groups, "|"), n)
	args := []string{"bench", "--locked", "-p", criterionPkg, "--bench", criterionName, "--",
		"--noplot",
		"--warm-up-time", seconds(cfg.Criterion.WarmUp),
		"--measurement-time", seconds(cfg.Criterion.Measurement),
		"--sample-size", strconv.Itoa(cfg.Criterion.SampleSize),
		"--output-format", "bencher",
		filter}
	return arm{
		label: fmt.Sprintf("criterion engine=rust n=%d", n),
		cmd: Command{Dir: cfg.Root, Path: cfg.Programs.Cargo, Args: args,
			Env: []string{fmt.Sprintf("AEGISBENCH_DATASET_%d=%s", n, d.Path), benchSizesEnv(cfg)}},
		collect: func(out Output) ([]Measurement, error) {
			ms, err := ParseCriterionBencher(out.Stdout)
			if err != nil {
				return nil, err
			}
			seen := map[string]bool{}
			for _, m := range ms {
				seen[m.Result.Name.String()] = true
			}
			for _, g := range CriterionGroups {
				name := CriterionName(g.Stage, n)
				if !seen[name] {
					return nil, fmt.Errorf("no bencher line for %s/n=%d in the cargo bench output", g.Group, n)
				}
			}
			return ms, nil
		},
	}
}

// CriterionName is the result name of a Criterion measurement:
// "Criterion/stage=STAGE/engine=rust/n=N" (without "Benchmark").
func CriterionName(stage string, n int) string {
	return fmt.Sprintf("Criterion/stage=%s/engine=%s/n=%d", stage, CriterionEngine, n)
}

// seconds formats d as Criterion's floating-point seconds.
func seconds(d interface{ Seconds() float64 }) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// bencherLine matches Criterion's --output-format bencher result:
// "test GROUP/ID ... bench:   1,234,567 ns/iter (+/- 8,901)".
var bencherLine = regexp.MustCompile(`^test (\S+) \.\.\. bench:\s+([0-9,]+(?:\.[0-9]+)?) ns/iter \(\+/- [0-9,.]+\)`)

// ParseCriterionBencher reads Criterion's bencher-format lines and returns
// one result per known group ("GROUP/n=N"), named by CriterionName, with
// the median in ns/op. Lines of other groups are ignored; a known group
// with an id other than n=N is an error.
func ParseCriterionBencher(stdout []byte) ([]Measurement, error) {
	stages := map[string]string{}
	for _, g := range CriterionGroups {
		stages[g.Group] = g.Stage
	}
	var out []Measurement
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		m := bencherLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		group, id, ok := strings.Cut(m[1], "/")
		stage, known := stages[group]
		if !known {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(id, "n="))
		if !ok || !strings.HasPrefix(id, "n=") || err != nil {
			return nil, fmt.Errorf("cargo bench output line %d: benchmark id %q is not GROUP/n=N", line, m[1])
		}
		ns, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
		if err != nil {
			return nil, fmt.Errorf("cargo bench output line %d: %w", line, err)
		}
		res := &benchfmt.Result{
			Name:   benchfmt.Name(CriterionName(stage, n)),
			Iters:  1,
			Values: []benchfmt.Value{{Value: ns, Unit: "ns/op"}},
		}
		out = append(out, Measurement{Pkg: CriterionPkg, Result: res})
	}
	return out, sc.Err()
}
