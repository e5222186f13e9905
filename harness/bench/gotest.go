package bench

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/harness/results"
)

// The Go executor: each package's tests are compiled once (go test -c) and
// the test binary then runs once per sample with -test.count 1, so that
// every sample is a fresh process running the same binary.

// goTestBuild compiles the tests of pkg (relative to the root) into the
// work directory, with an optional build tag.
func goTestBuild(cfg Config, pkg, tag string) Command {
	args := []string{"test", "-c"}
	if tag != "" {
		args = append(args, "-tags", tag)
	}
	args = append(args, "-o", testBinary(cfg, pkg, tag), "./"+pkg)
	return Command{Dir: cfg.Root, Path: cfg.Programs.Go, Args: args}
}

// goBenchCommand runs the compiled tests of pkg once with the benchmarks
// matching regex, in the package directory (as go test does).
func goBenchCommand(cfg Config, pkg, tag, regex string, extra ...string) Command {
	args := []string{"-test.run", "^$", "-test.bench", regex, "-test.benchmem", "-test.count", "1"}
	if cfg.Benchtime != "" {
		args = append(args, "-test.benchtime", cfg.Benchtime)
	}
	args = append(args, extra...)
	return Command{Dir: filepath.Join(cfg.Root, pkg), Path: testBinary(cfg, pkg, tag), Args: args,
		Env: []string{benchSizesEnv(cfg)}}
}

// bySizeRegex selects BASE/n=N for the given bases.
func bySizeRegex(bases []string, n int) string {
	return fmt.Sprintf("^Benchmark(%s)$/^n=%d$", strings.Join(bases, "|"), n)
}

// byEngineRegex selects BASE/engine=ENGINE/n=N for the given bases.
func byEngineRegex(bases []string, engine string, n int) string {
	return fmt.Sprintf("^Benchmark(%s)$/^engine=%s$/^n=%d$", strings.Join(bases, "|"), engine, n)
}

// goEngineArms measure the Go engine's benchmarks at size n: the engine
// pipeline and computation (AttackPaths, Pipeline), then the loader and
// list operations (Load, SerializePaths, ListFindings, GetFinding, and
// Decode when it exists).
func goEngineArms(cfg Config, n int) []arm {
	var byEngine, bySize []string
	for _, b := range goEngineByEngine {
		byEngine = append(byEngine, fmt.Sprintf("%s/engine=go/n=%d", b, n))
	}
	for _, b := range goEngineBySize {
		bySize = append(bySize, fmt.Sprintf("%s/n=%d", b, n))
	}
	return []arm{{
		label:   fmt.Sprintf("go engine=go n=%d", n),
		cmd:     goBenchCommand(cfg, goEnginePkg, "", byEngineRegex(goEngineByEngine, EngineGo, n)),
		collect: goCollector(byEngine),
	}, {
		label:   fmt.Sprintf("go load/list n=%d", n),
		cmd:     goBenchCommand(cfg, goEnginePkg, "", bySizeRegex(append(slices.Clone(goEngineBySize), goEngineOptional...), n)),
		collect: goCollector(bySize),
	}}
}

// generateArm measures the findings generator at size n.
func generateArm(cfg Config, n int) arm {
	return arm{
		label:   fmt.Sprintf("go generate n=%d", n),
		cmd:     goBenchCommand(cfg, generatorsPkg, "", bySizeRegex([]string{"Generate"}, n)),
		collect: goCollector([]string{fmt.Sprintf("Generate/n=%d", n)}),
	}
}

// rustFFIPipelineArm measures the Rust engine called over cgo at size n.
func rustFFIPipelineArm(cfg Config, n int) arm {
	return arm{
		label:   fmt.Sprintf("go engine=rust-ffi n=%d", n),
		cmd:     goBenchCommand(cfg, rustEnginePkg, rustFFITag, byEngineRegex([]string{"Pipeline"}, EngineRustFFI, n)),
		collect: goCollector([]string{fmt.Sprintf("Pipeline/engine=rust-ffi/n=%d", n)}),
	}
}

// FFICalls are the sub-benchmarks of BenchmarkFFI: the bare call and echo
// round trips.
var FFICalls = []string{"call=noop", "echo=1KB", "echo=64KB", "echo=1MB"}

// rustFFICallArm measures the cost of the FFI boundary itself.
func rustFFICallArm(cfg Config) arm {
	var expect []string
	for _, c := range FFICalls {
		expect = append(expect, "FFI/"+c)
	}
	return arm{
		label:   "go ffi calls",
		cmd:     goBenchCommand(cfg, rustEnginePkg, rustFFITag, "^BenchmarkFFI$"),
		collect: goCollector(expect),
	}
}

// Profile file names written into Config.ProfileDir.
const (
	ProfileCPU       = "cpu.pprof"
	ProfileMem       = "mem.pprof"
	ProfileBenchmark = "benchmark.txt" // the profiled run's benchmark lines
)

// goProfileArm profiles BenchmarkAttackPaths/engine=go at the largest size.
func goProfileArm(cfg Config) arm {
	n := slices.Max(cfg.Sizes)
	dir, _ := filepath.Abs(cfg.ProfileDir)
	return arm{
		label: fmt.Sprintf("go profile AttackPaths engine=go n=%d", n),
		cmd: goBenchCommand(cfg, goEnginePkg, "", byEngineRegex([]string{"AttackPaths"}, EngineGo, n),
			"-test.cpuprofile", filepath.Join(dir, ProfileCPU),
			"-test.memprofile", filepath.Join(dir, ProfileMem)),
		collect: goCollector([]string{fmt.Sprintf("AttackPaths/engine=go/n=%d", n)}),
	}
}

// goCollector parses go test output and checks that every expected
// benchmark (full name without the GOMAXPROCS suffix) produced a line.
func goCollector(expect []string) func(Output) ([]Measurement, error) {
	return func(out Output) ([]Measurement, error) {
		ms, err := ParseGoTest(out.Stdout)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, m := range ms {
			name, _ := results.StripProcs(m.Result.Name.String())
			seen[name] = true
		}
		var missing []string
		for _, e := range expect {
			if !seen[e] {
				missing = append(missing, "Benchmark"+e)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("no result line for %s in the go test output", strings.Join(missing, ", "))
		}
		return ms, nil
	}
}

// ParseGoTest reads the benchmark lines of go test output. Each result
// keeps its name, iterations and values; its package comes from the
// output's "pkg:" line. A malformed benchmark line is an error naming its
// line.
func ParseGoTest(stdout []byte) ([]Measurement, error) {
	recs, err := results.Records(bytes.NewReader(stdout), "go test output")
	if err != nil {
		return nil, err
	}
	var out []Measurement
	for _, rec := range recs {
		res := &benchfmt.Result{Name: rec.Name, Iters: rec.Iters, Values: rec.Values}
		out = append(out, Measurement{Pkg: rec.GetConfig("pkg"), Result: res})
	}
	return out, nil
}

// benchSizesEnv tells the size-parameterised benchmarks (Go and Criterion)
// which sizes exist in this run, so sizes beyond the default ladder
// (200000, 1000000) run the same benchmark code.
func benchSizesEnv(cfg Config) string {
	parts := make([]string, len(cfg.Sizes))
	for i, n := range cfg.Sizes {
		parts[i] = strconv.Itoa(n)
	}
	return datasets.BenchSizesEnv + "=" + strings.Join(parts, ",")
}
