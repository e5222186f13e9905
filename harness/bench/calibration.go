package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/harness/platformcal"
)

// The platform calibration benchmark (harness/platformcal): one Go and one
// Criterion measurement per round, size-less, so that every results file
// carries the platform's speed on a fixed workload.
const (
	calibrationPkg       = "harness/platformcal"
	calibrationBenchName = "calibration_bench"
	calibrationGroup     = "platform_calibration"
)

// goCalibrationArm runs BenchmarkCalibration/engine=go.
func goCalibrationArm(cfg Config) arm {
	return arm{
		label:   "go calibration",
		cmd:     goBenchCommand(cfg, calibrationPkg, "", "^BenchmarkCalibration$"),
		collect: goCollector([]string{platformcal.GoName}),
	}
}

// criterionCalibrationArm runs Criterion's calibration_bench.
func criterionCalibrationArm(cfg Config) arm {
	args := []string{"bench", "--locked", "-p", criterionPkg, "--bench", calibrationBenchName, "--",
		"--noplot",
		"--warm-up-time", "0.2", "--measurement-time", "0.5", "--sample-size", "10", // tiny: a reference, not a subject
		"--output-format", "bencher"}
	return arm{
		label:   "criterion calibration",
		cmd:     Command{Dir: cfg.Root, Path: cfg.Programs.Cargo, Args: args},
		collect: func(out Output) ([]Measurement, error) { return parseCalibrationBencher(out.Stdout) },
	}
}

// parseCalibrationBencher reads the bencher line of calibration_bench.
func parseCalibrationBencher(stdout []byte) ([]Measurement, error) {
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		m := bencherLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil || m[1] != calibrationGroup {
			continue
		}
		ns, err := strconv.ParseFloat(strings.ReplaceAll(m[2], ",", ""), 64)
		if err != nil {
			return nil, fmt.Errorf("cargo bench output line %d: %w", line, err)
		}
		res := &benchfmt.Result{Name: benchfmt.Name(platformcal.RustName), Iters: 1, Values: []benchfmt.Value{{Value: ns, Unit: "ns/op"}}}
		return []Measurement{{Pkg: CriterionPkg, Result: res}}, nil
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("no bencher line for %s in the cargo bench output", calibrationGroup)
}
