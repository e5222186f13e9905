package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
)

func init() {
	registerCommand(command{
		name:    "run",
		summary: "the main job: ensure datasets, quick conformance, benchmarks, report",
		run:     runMainJob,
	})
}

// mainJobEngines are the engines the main job uses when they are available.
var mainJobEngines = []string{"go", "rust-ffi", "rust-cli"}

// mainJobStep is one subcommand of the main job.
type mainJobStep struct {
	title string
	args  []string
}

// runMainJob chains the other subcommands in-process: datasets ensure,
// conform (quick: every shape, the two smaller sizes, seed 1, every vector),
// bench and report. Each step's own output goes to env; a step that fails
// stops the job.
func runMainJob(env Env, args []string) error {
	fs := newFlagSet(env, "run", "[--sizes 200,2000,20000] [--count 5] [-o out]")
	sizes := fs.String("sizes", "200,2000,20000", "realistic dataset sizes to benchmark")
	count := fs.Int("count", 5, "benchmark samples (separate processes) per benchmark")
	out := fs.String("o", "out", "output `dir`: results.txt, profiles/, report/ (BASELINE.md, CONFORMANCE.md, plots)")
	conformSizes := fs.String("conform-sizes", "200,2000", "sizes of the quick conformance run")
	skipBench := fs.Bool("skip-bench", false, "stop after conformance (no benchmarks, no report)")
	store := fs.String("store", defaultStore(), "history store the results are imported into (\"\": none); the report says where the run stands against the previous runs of this machine")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	maxN := 0
	for _, s := range splitList(*sizes) {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return usageError("--sizes: %q is not a positive number of findings", s)
		}
		maxN = max(maxN, n)
	}
	if *count < 1 {
		return usageError("--count must be at least 1")
	}

	var have, lack []string
	for _, name := range mainJobEngines {
		if err := engines.Available(name); err != nil {
			lack = append(lack, fmt.Sprintf("%s (%v)", name, err))
			continue
		}
		have = append(have, name)
	}
	if len(have) == 0 || have[0] != "go" {
		return errors.New("the Go engine is not available: nothing to run")
	}
	fmt.Fprintf(env.Stdout, "engines: %s\n", strings.Join(have, ", "))
	for _, l := range lack {
		fmt.Fprintf(env.Stdout, "engine not available: %s\n", l)
	}

	report := filepath.Join(*out, "report")
	steps := []mainJobStep{
		{"datasets", []string{"datasets", "ensure", "--max-findings", strconv.Itoa(maxN)}},
		{"conformance", []string{"conform", "--engines", strings.Join(have, ","), "--sizes", *conformSizes,
			"--shapes", "all", "--seeds", "1", "--report", filepath.Join(report, "CONFORMANCE.md")}},
	}
	if !*skipBench {
		results := filepath.Join(*out, "results.txt")
		steps = append(steps,
			mainJobStep{"benchmarks", []string{"bench", "--sizes", *sizes, "--count", strconv.Itoa(*count),
				"--engines", strings.Join(have, ","), "-o", results,
				"--profile-dir", filepath.Join(*out, "profiles")}})
		reportArgs := []string{"report", results, "--profile-dir", filepath.Join(*out, "profiles"), "-o", report}
		if *store != "" {
			steps = append(steps, mainJobStep{"history", []string{"history", "import", "--store", *store, results}})
			reportArgs = append(reportArgs, "--history-store", *store)
		}
		steps = append(steps, mainJobStep{"report", reportArgs})
	}
	start := time.Now()
	for i, s := range steps {
		fmt.Fprintf(env.Stdout, "\n== step %d/%d: %s: aegisbench %s\n", i+1, len(steps), s.title, strings.Join(s.args, " "))
		t0 := time.Now()
		if err := Run(env.Stdout, env.Stderr, s.args); err != nil {
			return fmt.Errorf("main job step %q failed: %w", s.title, err)
		}
		fmt.Fprintf(env.Stdout, "== %s done in %s\n", s.title, time.Since(t0).Round(time.Second))
	}
	fmt.Fprintf(env.Stdout, "\nmain job done in %s\n", time.Since(start).Round(time.Second))
	fmt.Fprintf(env.Stdout, "conformance report: %s\n", filepath.Join(report, "CONFORMANCE.md"))
	if !*skipBench {
		fmt.Fprintf(env.Stdout, "baseline report:    %s (plots in %s)\n", filepath.Join(report, "BASELINE.md"), filepath.Join(report, "plots"))
		fmt.Fprintf(env.Stdout, "results file:       %s (benchstat %s)\n", filepath.Join(*out, "results.txt"), filepath.Join(*out, "results.txt"))
	}
	return nil
}
