package cli

import (
	"fmt"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/harness/cmdline"
)

const ladderUsage = `P1 P2 ... [--tolerance 0.05] [flags]

Lines up the size-invariant figures (edges per finding; entries, targets and
candidate paths per 1,000 findings; group sizes and their tails; the share
of resources with several roles; the mean reachable set) of profiles of one
shape at several sizes, smallest first. Each argument is a profile JSON
document (datasets profile --json) or a findings file (profiled on the fly).
Exit status 1 when a figure differs from the first profile's by more than
the tolerance (make profile-ladder runs it on the standard ladder).`

func datasetsLadder(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "datasets ladder", ladderUsage)
	var pf profileFlags
	pf.register(fs)
	tol := fs.Float64("tolerance", profile.InvarianceTolerance, "relative difference from the first profile allowed")
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return cmdline.UsageError("datasets ladder: want at least two files, got %d", len(pos))
	}
	if *tol <= 0 {
		return cmdline.UsageError("datasets ladder: --tolerance must be > 0")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	ps, err := loadProfiles(ctx, pos, pf)
	if err != nil {
		return interrupted(fmt.Errorf("datasets ladder: %w", err))
	}
	rows := profile.Ladder(ps, *tol)
	if err := profile.WriteLadder(env.Stdout, ps, rows, *tol); err != nil {
		return err
	}
	if n := profile.Outside(rows); n > 0 {
		return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("datasets ladder: %d figure(s) outside ±%.0f%% of the first profile", n, 100**tol)}
	}
	return nil
}
