// Package instructions counts the instructions an engine run executes
// (callgrind, or perf stat where the kernel allows), for a regression
// gate that noise on shared runners cannot move: one process per count,
// under an environment that makes repeated counts of one build agree to
// about 0.1% (DeterministicEnv), written as "instructions/op" results
// (an exact unit, lower better).
package instructions

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/refrun"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// Command, Output and Runner are the benchmark runner's: a counter runs
// its processes through a Runner, so tests substitute a fake.
type (
	Command = refrun.Command
	Output  = refrun.Output
	Runner  = refrun.Runner
)

// InstructionsUnit is the unit of instruction-count results.
const InstructionsUnit = "instructions/op"

// DeterministicEnv is added to every counted command so that repeated
// counts of the same build agree to about 0.1%: one Go P, no asynchronous
// preemption signals (which also crash callgrind on Go binaries now and
// then), one rayon thread, and no garbage collection below 4 GiB of heap.
// GC is off because its mark phase lasts a wall-clock time (the background
// worker is paced by time), so how much code runs with write barriers on
// varies from run to run: measured with GC on, 15% of the counts of the
// same run were 3-11% high. Allocation growth still shows, in the
// allocator's own instructions (and in allocs/op in time mode).
var DeterministicEnv = []string{"GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1", "GOGC=off", "GOMEMLIMIT=4GiB", "RAYON_NUM_THREADS=1"}

// Counter counts the user-space instructions a command executes.
type Counter interface {
	// Name is "callgrind" or "perf".
	Name() string
	// Count runs c under the counter and returns the instruction count.
	// scratch is a directory for the counter's own files.
	Count(ctx context.Context, r Runner, c Command, scratch string) (uint64, error)
}

// Callgrind counts instructions with valgrind's callgrind tool (the Ir
// event): slow (tens of times the native run time) but the same count
// run after run, on any Linux machine, including virtual CI runners that
// expose no hardware counters.
type Callgrind struct {
	// Valgrind is the valgrind executable; "" means "valgrind".
	Valgrind string
	// Retries is how many times a failed run is repeated (valgrind
	// occasionally aborts on a signal race in Go programs).
	Retries int
}

// Name returns "callgrind".
func (Callgrind) Name() string { return "callgrind" }

// Count runs c under callgrind and reads the total from its output file.
func (cg Callgrind) Count(ctx context.Context, r Runner, c Command, scratch string) (uint64, error) {
	f, err := os.CreateTemp(scratch, "callgrind.out.*")
	if err != nil {
		return 0, fmt.Errorf("gate: %w", err)
	}
	out := f.Name()
	f.Close()
	defer os.Remove(out)
	bin := cg.Valgrind
	if bin == "" {
		bin = "valgrind"
	}
	wrapped := Command{Dir: c.Dir, Env: c.Env, Path: bin,
		Args: append([]string{"--tool=callgrind", "--callgrind-out-file=" + out, "-q", "--", c.Path}, c.Args...)}
	for attempt := 0; ; attempt++ {
		_, err = r.Run(ctx, wrapped)
		if err == nil || attempt >= cg.Retries || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return 0, fmt.Errorf("gate: callgrind: %w", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return 0, fmt.Errorf("gate: callgrind output: %w", err)
	}
	n, err := ParseCallgrind(data)
	if err != nil {
		return 0, fmt.Errorf("gate: %s: %w", out, err)
	}
	return n, nil
}

// ParseCallgrind returns the total instruction count (the first event,
// Ir) of a callgrind output file: its "totals:" line, or else its
// "summary:" line.
func ParseCallgrind(data []byte) (uint64, error) {
	var summary string
	var haveSummary bool
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "totals:"):
			return firstCount(line, "totals:")
		case strings.HasPrefix(line, "summary:"):
			summary, haveSummary = line, true
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if haveSummary {
		return firstCount(summary, "summary:")
	}
	return 0, errors.New("no totals: or summary: line in callgrind output")
}

func firstCount(line, prefix string) (uint64, error) {
	fields := strings.Fields(strings.TrimPrefix(line, prefix))
	if len(fields) == 0 {
		return 0, fmt.Errorf("empty %q line", prefix)
	}
	n, err := strconv.ParseUint(fields[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q line: %w", prefix, err)
	}
	return n, nil
}

// PerfStat counts instructions with `perf stat -e instructions:u`: as fast
// as a native run, where the kernel and the (virtual) machine expose the
// hardware counter.
type PerfStat struct {
	// Perf is the perf executable; "" means "perf".
	Perf string
}

// Name returns "perf".
func (PerfStat) Name() string { return "perf" }

// Count runs c under perf stat and reads the instructions:u count.
func (p PerfStat) Count(ctx context.Context, r Runner, c Command, scratch string) (uint64, error) {
	f, err := os.CreateTemp(scratch, "perf-stat.*.csv")
	if err != nil {
		return 0, fmt.Errorf("gate: %w", err)
	}
	out := f.Name()
	f.Close()
	defer os.Remove(out)
	bin := p.Perf
	if bin == "" {
		bin = "perf"
	}
	wrapped := Command{Dir: c.Dir, Env: c.Env, Path: bin,
		Args: append([]string{"stat", "-x", ",", "-e", "instructions:u", "-o", out, "--", c.Path}, c.Args...)}
	if _, err := r.Run(ctx, wrapped); err != nil {
		return 0, fmt.Errorf("gate: perf stat: %w", err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return 0, fmt.Errorf("gate: perf stat output: %w", err)
	}
	n, err := ParsePerfStat(data)
	if err != nil {
		return 0, fmt.Errorf("gate: %s: %w", out, err)
	}
	return n, nil
}

// ParsePerfStat returns the instruction count from `perf stat -x,` output
// (lines "VALUE,UNIT,EVENT,..."). "<not supported>" and "<not counted>"
// are errors.
func ParsePerfStat(data []byte) (uint64, error) {
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		if len(f) < 3 || !strings.HasPrefix(f[2], "instructions") {
			continue
		}
		if strings.HasPrefix(f[0], "<") {
			return 0, fmt.Errorf("instructions counter %s", f[0])
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("instructions value %q: %w", f[0], err)
		}
		return n, nil
	}
	return 0, errors.New("no instructions line in perf stat output")
}

// DetectCounter returns the counter to use. want is "perf", "callgrind" or
// "auto": perf when `perf stat -e instructions:u true` yields a count,
// else callgrind when valgrind runs.
func DetectCounter(ctx context.Context, r Runner, scratch, want string) (Counter, error) {
	var perfErr error
	if want == "auto" || want == "perf" {
		if _, perfErr = (PerfStat{}).Count(ctx, r, Command{Path: "true"}, scratch); perfErr == nil {
			return PerfStat{}, nil
		}
		if want == "perf" {
			return nil, fmt.Errorf("gate: perf cannot count instructions here: %w", perfErr)
		}
	}
	if want != "auto" && want != "callgrind" {
		return nil, fmt.Errorf("gate: unknown instruction counter %q (want auto, perf or callgrind)", want)
	}
	if _, err := r.Run(ctx, Command{Path: "valgrind", Args: []string{"--version"}}); err != nil {
		if perfErr != nil {
			return nil, fmt.Errorf("gate: no instruction counter: perf: %v; valgrind: %w", perfErr, err)
		}
		return nil, fmt.Errorf("gate: valgrind not available: %w", err)
	}
	return Callgrind{Retries: 1}, nil
}

// InstrTarget is one engine whose pipeline is counted: Command is the
// program with its leading arguments; "--in FILE --max-depth N --top-k K"
// is appended (the process contract of aegispaths, `aegisbench paths` and
// aegispath).
type InstrTarget struct {
	Engine  string
	Command Command
}

// InstrInput is one findings file and its size.
type InstrInput struct {
	N    int
	Path string
	// Dataset names a user's file (--dataset); empty for the standard
	// ladder. It becomes a /dataset= element of the benchmark name.
	Dataset string
}

// InstrConfig configures MeasureInstructions.
type InstrConfig struct {
	Counter Counter
	Targets []InstrTarget
	Inputs  []InstrInput
	Options engines.Options
	// Count is the number of counts per target and input (rounds run all
	// targets and inputs in turn).
	Count int
	// Scratch is a directory for the counter's files.
	Scratch string
}

// PathsProgram is the argument-vector prefix that runs a tree's paths
// command: its aegispaths executable when one was built (the engines with
// no harness linked, as bench times them), else its aegisbench's `paths`
// (trees older than cmd/aegispaths). Counting aegisbench would count the
// harness's package inits (fonts, SQLite, pprof) as the engines' work, so
// a harness-only change would move the engines' instructions.
func PathsProgram(aegisbench, aegispaths string) []string {
	if aegispaths != "" {
		return []string{aegispaths}
	}
	return []string{aegisbench, "paths"}
}

// PathsTargets returns the targets for engines run through program (a
// PathsProgram) in tree dir; engine "rust-cli" is the aegispath CLI built
// in that tree, run directly (under callgrind, a child process would not
// be counted), and is an error when it has not been built.
func PathsTargets(program []string, dir string, engineNames []string) ([]InstrTarget, error) {
	var ts []InstrTarget
	for _, e := range engineNames {
		if e == "rust-cli" {
			p := AegispathIn(dir)
			if p == "" {
				return nil, fmt.Errorf("gate: engine rust-cli: %s not built (cargo build --release -p libaegispath)", filepath.Join(dir, "target", "release", "aegispath"))
			}
			ts = append(ts, InstrTarget{Engine: e, Command: Command{Dir: dir, Path: p}})
			continue
		}
		args := append(append([]string(nil), program[1:]...), "--engine", e)
		ts = append(ts, InstrTarget{Engine: e, Command: Command{Dir: dir, Path: program[0], Args: args}})
	}
	return ts, nil
}

// AegispathIn returns the path of the aegispath CLI built in tree dir
// (target/release/aegispath), or "" when it is not there.
func AegispathIn(dir string) string {
	p := filepath.Join(dir, "target", "release", "aegispath")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// InstructionsName is the benchmark name of an instruction count.
func InstructionsName(engine string, n int) string {
	return fmt.Sprintf("BenchmarkInstructions/engine=%s/n=%d", engine, n)
}

// WriteInstructionsHeader writes the config and unit lines that precede
// instruction-count results.
func WriteInstructionsHeader(w io.Writer, counter string) error {
	_, err := fmt.Fprintf(w, "counter: %s\nUnit %s assume=exact better=lower\n", counter, InstructionsUnit)
	return err
}

// MeasureInstructions counts the instructions of every target on every
// input, Count times, and writes results in the Go benchmark format:
//
//	counter: callgrind
//	Unit instructions/op assume=exact better=lower
//	BenchmarkInstructions/engine=go/n=2000 1 123456789 instructions/op
//
// A target that exits non-zero is an error naming target and input.
func MeasureInstructions(ctx context.Context, r Runner, cfg InstrConfig, w io.Writer) error {
	if cfg.Counter == nil {
		return errors.New("gate: InstrConfig.Counter is nil")
	}
	if cfg.Count < 1 {
		return fmt.Errorf("gate: instruction count rounds %d must be >= 1", cfg.Count)
	}
	if len(cfg.Targets) == 0 || len(cfg.Inputs) == 0 {
		return errors.New("gate: no engines or inputs to count instructions of")
	}
	var buf bytes.Buffer
	if err := WriteInstructionsHeader(&buf, cfg.Counter.Name()); err != nil {
		return err
	}
	for round := 0; round < cfg.Count; round++ {
		for _, in := range cfg.Inputs {
			for _, t := range cfg.Targets {
				c := t.Command
				c.Args = append(append([]string(nil), c.Args...), "--in", in.Path,
					"--max-depth", strconv.Itoa(cfg.Options.MaxDepth), "--top-k", strconv.Itoa(cfg.Options.TopK))
				c.Env = append(append([]string(nil), c.Env...), DeterministicEnv...)
				n, err := cfg.Counter.Count(ctx, r, c, cfg.Scratch)
				if err != nil {
					return fmt.Errorf("gate: counting instructions of engine %s on %s: %w", t.Engine, in.Path, err)
				}
				name := InstructionsName(t.Engine, in.N)
				if in.Dataset != "" {
					name = strings.Replace(name, "/engine=", "/dataset="+in.Dataset+"/engine=", 1)
				}
				fmt.Fprintf(&buf, "%s 1 %d %s\n", name, n, InstructionsUnit)
			}
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// InstructionSample returns the instructions-mode SampleFunc for RunRef:
// each side's own `aegispaths --engine E` (`aegisbench paths --engine E`
// in a tree without it; its aegispath CLI for rust-cli) counted once on
// every input. Both sides read the same input files, so only the code
// differs.
func InstructionSample(counter Counter, engineNames []string, inputs []InstrInput, opt engines.Options, scratch string) refrun.SampleFunc {
	return func(ctx context.Context, r Runner, side refrun.Side, out string) error {
		targets, err := PathsTargets(PathsProgram(side.Binary, side.Paths), side.Dir, engineNames)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		cfg := InstrConfig{Counter: counter, Targets: targets, Inputs: inputs, Options: opt, Count: 1, Scratch: scratch}
		if err := MeasureInstructions(ctx, r, cfg, &buf); err != nil {
			return err
		}
		return atomicfile.WriteFile(out, buf.Bytes())
	}
}
