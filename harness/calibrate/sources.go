package calibrate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/harness/instructions"
)

// BenchSource samples the benchmark set in time mode: each round of a
// side is one `aegisbench bench ARGS --count COUNT` run of the Binary
// (COUNT 1 with Config.Rounds samples per side: as the gate's --base-ref
// runs take them).
type BenchSource struct {
	Runner bench.Runner
	// Binary is the aegisbench executable; Dir the tree it runs in.
	Binary, Dir string
	// Args are bench's arguments (sizes, tools, engines).
	Args []string
	// Count is the samples per side.
	Count int
	// Scratch holds the results files.
	Scratch string
	runs    int
}

// Mode returns "time".
func (b *BenchSource) Mode() string { return "time" }

// Unit returns "sec/op".
func (b *BenchSource) Unit() string { return "sec/op" }

// Sample runs bench once and returns its results file.
func (b *BenchSource) Sample(ctx context.Context) ([]byte, error) {
	b.runs++
	out := filepath.Join(b.Scratch, fmt.Sprintf("side-%03d.txt", b.runs))
	args := append([]string{"bench"}, b.Args...)
	args = append(args, "--count", fmt.Sprint(b.Count), "-o", out)
	if _, err := b.Runner.Run(ctx, bench.Command{Dir: b.Dir, Path: b.Binary, Args: args}); err != nil {
		return nil, err
	}
	defer os.Remove(out)
	return os.ReadFile(out)
}

// InstructionSource samples the benchmark set in instructions mode: each
// side counts every target on every input Count times.
type InstructionSource struct {
	Runner bench.Runner
	Config instructions.InstrConfig
}

// Mode returns "instructions".
func (s *InstructionSource) Mode() string { return "instructions" }

// Unit returns "instructions/op".
func (s *InstructionSource) Unit() string { return instructions.InstructionsUnit }

// Sample counts once per target, input and count.
func (s *InstructionSource) Sample(ctx context.Context) ([]byte, error) {
	var buf bytes.Buffer
	if err := instructions.MeasureInstructions(ctx, s.Runner, s.Config, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Machine describes this machine for a calibration report: OS and
// architecture, CPU model, cores and the load average.
func Machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s/%s, %s, %d cores, load average %s", runtime.GOOS, runtime.GOARCH, cpu, runtime.NumCPU(), LoadAverage())
}

// LoadAverage returns the 1, 5 and 15 minute load averages, or "unknown".
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
