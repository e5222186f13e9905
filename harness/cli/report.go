package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/reports"
)

func init() {
	registerCommand(command{
		name:    "report",
		summary: "write BASELINE.md and its plots from results files (benchstat statistics)",
		run:     runReport,
	})
}

const reportUsage = `RESULTS... -o DIR [--profile-dir DIR] [--title TITLE]

Reads results files in the Go benchmark format (aegisbench bench output; several
files are merged as more samples of one platform) and writes DIR/BASELINE.md and
DIR/plots/*.png|svg: the Go and Criterion tables, Go vs Rust at every size with
speedups, confidence intervals and Mann-Whitney p-values, fitted scaling
exponents, FFI overhead, process timings, where the time goes, memory, and with
--profile-dir the Go engine's hot paths from its pprof profiles. Whatever was
not measured is listed as such.

Files from different platforms (goos, goarch, cpu) or core counts are not
samples of one platform: report refuses to merge them unless --mixed is
given (compare platforms with compare-platforms instead).`

func runReport(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "report", reportUsage)
	out := fs.String("o", "", "output `dir` (BASELINE.md, plots/)")
	profiles := fs.String("profile-dir", "", "`dir` holding cpu.pprof and mem.pprof of the Go engine (bench --profile-dir)")
	title := fs.String("title", "", "report title (default \"Performance Baseline\")")
	mixed := fs.Bool("mixed", false, "merge files from different platforms or core counts anyway")
	store := fs.String("history-store", "", "history store `file` holding this (one) results file: add where the run stands against the previous runs of this machine")
	files, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return cmdline.UsageError("report: no results files given")
	}
	if *out == "" {
		return cmdline.UsageError("report: -o DIR is required")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	r := reports.FilesReport{Files: files, Dir: *out, Options: reports.Options{Title: *title, ProfileDir: *profiles}, Mixed: *mixed, Store: *store}
	return interrupted(writeReport(ctx, env, r))
}

// writeReport writes the report r asks for, interruptible.
func writeReport(ctx context.Context, env cmdline.Env, r reports.FilesReport) error {
	path, err := reports.WriteFilesReport(ctx, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "report: wrote %s\n", path)
	return nil
}

// parseFlagsAnywhere is parseFlags for commands whose flags may follow
// their positional arguments ("report a.txt b.txt -o DIR"): it parses,
// takes one positional argument, and parses again until the end. "--"
// ends flag parsing.
func parseFlagsAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		rest, err := cmdline.ParseFlags(fs, args)
		if err != nil {
			return nil, err
		}
		if len(rest) == 0 {
			return pos, nil
		}
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
