package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/engines"
)

// The hyperfine executor: whole-process timings of the Go-hosted engines
// (`aegispaths --engine go`, the paths command alone) and of the aegispath
// CLI. Each hyperfine invocation times one engine on one dataset (warm-up
// runs first), so that invocations of the engines alternate; every timed
// run is a separate process and becomes one result line.

// ProcessPkg is the results-file "pkg" of process timings.
const ProcessPkg = "processes (hyperfine)"

// UnitPeakRSS is the unit of a process's peak resident set size.
const UnitPeakRSS = "peak-RSS-B"

// ProcessName is the result name of a process timing:
// "Process/engine=E/n=N", or "Process/dataset=D/engine=E/n=N" for a
// dataset given with --dataset.
func ProcessName(dataset, engine string, n int) string {
	if dataset == "" {
		return fmt.Sprintf("Process/engine=%s/n=%d", engine, n)
	}
	return fmt.Sprintf("Process/dataset=%s/engine=%s/n=%d", NameSafe(dataset), engine, n)
}

var unsafeNameChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// NameSafe makes s usable as a sub-benchmark value: anything but letters,
// digits, '.', '_' and '-' becomes '_'.
func NameSafe(s string) string { return unsafeNameChars.ReplaceAllString(s, "_") }

// processArms times each selected process engine on dataset d. label is
// the dataset's name for --dataset files and "" for the standard ladder.
func processArms(cfg Config, d Dataset, label string) []arm {
	var arms []arm
	opts := []string{"--in", d.Path, "--max-depth", strconv.Itoa(cfg.MaxDepth), "--top-k", strconv.Itoa(cfg.TopK)}
	paths := func(engine string) Command {
		return Command{Path: aegispathsBin(cfg), Args: append([]string{"--engine", engine}, opts...)}
	}
	add := func(engine string, target Command) {
		arms = append(arms, hyperfineArm(cfg, d, label, engine, target))
		if cfg.Hyperfine.Stages {
			arms = append(arms, timingsArm(d, label, engine, target))
		}
	}
	if cfg.has(cfg.Engines, EngineGo) {
		add(EngineGo, paths("go"))
	}
	if cfg.has(cfg.Engines, EngineRustCLI) {
		add(EngineRustCLI, Command{Path: aegispathBin(cfg), Args: opts})
	}
	if rustFFIProcess(cfg) {
		add(EngineRustFFI, paths("rust-ffi"))
	}
	return append(arms, userProcessArms(cfg, d, label)...)
}

// ProcessStageName is the result name of one stage of a whole process, as
// its --timings line reports it: "ProcessStage/engine=E/stage=S/n=N" (with
// "dataset=D/" after the base for a --dataset file).
func ProcessStageName(dataset, engine, stage string, n int) string {
	if dataset == "" {
		return fmt.Sprintf("ProcessStage/engine=%s/stage=%s/n=%d", engine, NameSafe(stage), n)
	}
	return fmt.Sprintf("ProcessStage/dataset=%s/engine=%s/stage=%s/n=%d", NameSafe(dataset), engine, NameSafe(stage), n)
}

// timingsArm runs target once with --timings and records each stage it
// reports (where a whole process spends its time; hyperfine times the
// whole).
func timingsArm(d Dataset, label, engine string, target Command) arm {
	target.Args = append(slices.Clone(target.Args), "--timings")
	desc := fmt.Sprintf("timings engine=%s n=%d", engine, d.Findings)
	if label != "" {
		desc = fmt.Sprintf("timings dataset=%s engine=%s n=%d", label, engine, d.Findings)
	}
	return arm{
		label: desc,
		cmd:   target,
		collect: func(out Output) ([]Measurement, error) {
			tm, err := engines.ParseTimings(out.Stderr)
			if err != nil {
				return nil, err
			}
			var ms []Measurement
			for _, s := range tm.Stages {
				res := &benchfmt.Result{
					Name:   benchfmt.Name(ProcessStageName(label, engine, s.Name, d.Findings)),
					Iters:  1,
					Values: []benchfmt.Value{{Value: float64(s.D.Nanoseconds()), Unit: "ns/op"}},
				}
				ms = append(ms, Measurement{Pkg: ProcessPkg, Result: res})
			}
			return ms, nil
		},
	}
}

func hyperfineArm(cfg Config, d Dataset, label, engine string, target Command) arm {
	name := ProcessName(label, engine, d.Findings)
	args := []string{"-N", "--style", "none",
		"--warmup", strconv.Itoa(cfg.Hyperfine.Warmup),
		"--runs", strconv.Itoa(cfg.Hyperfine.Runs),
		"--export-json", "/dev/stdout",
		"--command-name", name}
	var prepare []Command
	if cfg.Hyperfine.Settle {
		prepare = append(prepare, Command{Dir: cfg.Root, Path: aegisbenchBin(cfg), Args: []string{"datasets", "settle", d.Path}})
	}
	args = append(args, target.String())
	desc := fmt.Sprintf("hyperfine engine=%s n=%d", engine, d.Findings)
	if label != "" {
		desc = fmt.Sprintf("hyperfine dataset=%s engine=%s n=%d", label, engine, d.Findings)
	}
	runs := cfg.Hyperfine.Runs
	return arm{
		label:   desc,
		prepare: prepare,
		cmd:     Command{Dir: cfg.Root, Path: cfg.Programs.Hyperfine, Args: args},
		collect: func(out Output) ([]Measurement, error) {
			ms, err := ParseHyperfineJSON(out.Stdout, name)
			if err != nil {
				return nil, err
			}
			if len(ms) != runs {
				return nil, fmt.Errorf("hyperfine reported %d timed runs, want %d", len(ms), runs)
			}
			return ms, nil
		},
	}
}

// MinHyperfine is the first hyperfine release whose JSON export holds each
// run's peak RSS (memory_usage_byte); make run builds this version when
// the one on PATH is older (Makefile HYPERFINE_VERSION).
const MinHyperfine = "1.19.0"

type hyperfineExport struct {
	Results []struct {
		Command   string    `json:"command"`
		Times     []float64 `json:"times"`
		ExitCodes []*int    `json:"exit_codes"`
		// Memory is absent before hyperfine 1.19.
		Memory []float64 `json:"memory_usage_byte"`
	} `json:"results"`
}

// ParseHyperfineJSON reads a hyperfine --export-json document holding one
// command and returns one result line per timed run, named name, in ns/op
// (rounded to the nanosecond), with its peak RSS (UnitPeakRSS) when the
// export has memory_usage_byte (hyperfine >= 1.19).
//
// Peak RSS is hyperfine's getrusage(RUSAGE_CHILDREN) after the run: the
// largest resident set of the processes hyperfine has waited for so far
// (its warm-up runs included; so no --prepare or --setup command runs
// under hyperfine: HyperfineSettings.Settle), which are spawned by
// hyperfine, a small process. It is not this harness's wait4 of hyperfine: on Linux a
// vfork'ed child carries its parent's own peak RSS, and this harness is
// larger than a small engine run. A zero is "not measured" and dropped.
// A run that exited non-zero is an error.
func ParseHyperfineJSON(data []byte, name string) ([]Measurement, error) {
	var doc hyperfineExport
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("hyperfine export is not JSON: %w (output starts %q)", err, head(data, 120))
	}
	if len(doc.Results) != 1 {
		return nil, fmt.Errorf("hyperfine export has %d results, want 1", len(doc.Results))
	}
	r := doc.Results[0]
	for i, c := range r.ExitCodes {
		if c != nil && *c != 0 {
			return nil, fmt.Errorf("hyperfine run %d of %q exited with status %d", i+1, r.Command, *c)
		}
	}
	var out []Measurement
	for i, t := range r.Times {
		res := &benchfmt.Result{
			Name:   benchfmt.Name(name),
			Iters:  1,
			Values: []benchfmt.Value{{Value: math.Round(t * 1e9), Unit: "ns/op"}},
		}
		if len(r.Memory) == len(r.Times) && r.Memory[i] > 0 {
			res.Values = append(res.Values, benchfmt.Value{Value: r.Memory[i], Unit: UnitPeakRSS})
		}
		out = append(out, Measurement{Pkg: ProcessPkg, Result: res})
	}
	return out, nil
}

func head(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return strings.TrimSpace(string(b))
}
