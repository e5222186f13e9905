package cli

import (
	"fmt"

	"github.com/aegisbench/aegisbench/harness/baselines"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

func init() {
	registerCommand(command{
		name:    "compare-platforms",
		summary: "markdown table of ratios between two platforms' baselines, with what is not comparable",
		run:     runComparePlatforms,
	})
}

const comparePlatformsUsage = `A B [-o FILE.md]

A and B are baseline directories (holding results.txt, e.g.
reports/baselines/linux-amd64) or results files. Writes the platform
calibration benchmark of each side, the dimensionless figures computed on each
side (stage ratios, speedups, FFI overhead ratio, scaling exponents), and the
ratio B/A of every benchmark measured on both, classified: comparable (exact
units of the same code on the same data), comparable after normalizing by the
calibration (absolute times of the same code on the same data), or not
comparable with every reason (figures reported rather than measured, unknown
or different commits, datasets with different or unrecorded digests,
different packages, no calibration).`

func runComparePlatforms(env cmdline.Env, args []string) error {
	fset := cmdline.NewFlagSet(env, "compare-platforms", comparePlatformsUsage)
	out := fset.String("o", "", "write the markdown to `file` (default: standard output)")
	pos, err := parseFlagsAnywhere(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return cmdline.UsageError("compare-platforms: want two baselines (A B), got %d", len(pos))
	}
	// Short work, not cut short: a signal is answered 130/143 at its end,
	// and the output is written whole or not at all.
	_, interrupted, stop := cmdline.Interruptible()
	defer stop()
	return interrupted(comparePlatforms(env, pos[0], pos[1], *out))
}

// comparePlatforms writes the comparison of baselines a and b to out
// ("" for stdout).
func comparePlatforms(env cmdline.Env, a, b, out string) error {
	md, err := baselines.Compare(a, b)
	if err != nil {
		return fmt.Errorf("compare-platforms: %w", err)
	}
	if out == "" {
		_, err := env.Stdout.Write(md)
		return err
	}
	if err := atomicfile.WriteFileMkdirAll(out, md); err != nil {
		return fmt.Errorf("compare-platforms: %w", err)
	}
	fmt.Fprintf(env.Stderr, "compare-platforms: wrote %s\n", out)
	return nil
}
