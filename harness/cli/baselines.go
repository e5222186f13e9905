package cli

import (
	"fmt"

	"github.com/aegisbench/aegisbench/harness/baselines"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/argval"
)

func init() {
	registerCommand(command{
		name:    "baselines",
		summary: "baselines import DIR: write reports/baselines/<platform>/ and COMPARISON.md from a CI matrix's results files",
		run:     runBaselines,
	})
}

const baselinesUsage = `import DIR [-o reports/baselines] [--expect linux-amd64,darwin-arm64]

Finds the results files (*.txt) under DIR (the artifacts of the scheduled
baseline workflow, one per platform), names each file's platform from its own
goos and goarch lines, and writes OUT/<platform>/results.txt, BASELINE.md and
plots for each, then OUT/COMPARISON.md over every platform in OUT. Every file
is checked first: a malformed file, a file without goos/goarch, two files for
one platform, or an --expect platform without a file writes nothing and
exits 1. Files without benchmark results are skipped.`

func runBaselines(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "baselines", baselinesUsage)
	out := fs.String("o", "reports/baselines", "baselines `dir` to write")
	expect := fs.String("expect", "", "platforms that must have a results file (comma-separated)")
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "import" {
		return cmdline.UsageError("baselines: want `baselines import DIR`")
	}
	found, err := baselines.Scan(pos[1], argval.List(*expect))
	if err != nil {
		return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("baselines: %w", err)}
	}
	for _, s := range found.Skipped {
		fmt.Fprintf(env.Stderr, "baselines: skipped %s (no benchmark results)\n", s)
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	written, err := baselines.Import(ctx, found, *out)
	for _, d := range written {
		fmt.Fprintf(env.Stderr, "baselines: wrote %s\n", d)
	}
	if err != nil {
		return interrupted(fmt.Errorf("baselines: %w", err))
	}
	fmt.Fprintf(env.Stderr, "baselines: wrote %s/%s\n", *out, baselines.ComparisonFile)
	return nil
}
