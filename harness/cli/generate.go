package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/interrupt"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

func init() {
	registerCommand(command{
		name:    "generate",
		summary: "write a deterministic synthetic findings dataset (any size, several shapes)",
		run:     runGenerate,
	})
}

const generateUsage = `[--findings N] [--seed S] [--shape SHAPE] [-o FILE]
       aegisbench generate --like PROFILE.json [--findings N] [--seed S] [-o FILE]
       aegisbench generate --list-shapes

Writes a findings document (a JSON array of 56-field findings) that depends
only on --findings, --seed and --shape (or the --like profile): the same
bytes on every platform. --like fits a profile of your own file, so a 20K
file can be scaled to 200K or 1M findings with its own statistics.
-o - or no -o writes to stdout; a file is written through a temporary file and
a rename, so it is never left half-written. A progress bar is shown on a
terminal.`

// runGenerate parses the flags of generate, then writes the dataset.
func runGenerate(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "generate", generateUsage)
	findings := fs.Int("findings", 200, "number of findings (>= 0)")
	seed := fs.Uint64("seed", 1, "PRNG seed")
	shape := fs.String("shape", generators.DefaultShape, "dataset shape: "+strings.Join(generators.ShapeNames(), ", "))
	var out string
	fs.StringVar(&out, "o", "-", "output file, - for stdout")
	fs.StringVar(&out, "out", "-", "same as -o")
	listShapes := fs.Bool("list-shapes", false, "list the shapes and what each stresses, then exit")
	version := fs.Int("generator-version", generators.DefaultVersion, fmt.Sprintf("generator version %d..%d (1 reproduces the datasets of old results files)", generators.MinVersion, generators.LatestVersion))
	like := fs.String("like", "", "draw the dataset from a profile (`PROFILE.json` of `aegisbench datasets profile --json`) instead of a shape: its accounts and skew, group sizes, mixes and EPSS distribution at any size")
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cmdline.UsageError("generate: unexpected argument %q", rest[0])
	}
	if *listShapes {
		for _, s := range generators.Shapes() {
			fmt.Fprintf(env.Stdout, "%-14s %s\n", s.Name, s.Doc)
		}
		return nil
	}
	if *findings < 0 || *findings > argval.MaxFindings {
		return cmdline.UsageError("generate: --findings must be in 0..%d, got %d", argval.MaxFindings, *findings)
	}
	if err := cmdline.DistinctFiles("generate", []safeio.File{{Flag: "--like", Path: *like}}, []safeio.File{{Flag: "-o", Path: out}}); err != nil {
		return err
	}
	if *version < generators.MinVersion || *version > generators.LatestVersion {
		return cmdline.UsageError("generate: --generator-version must be %d..%d, got %d", generators.MinVersion, generators.LatestVersion, *version)
	}
	cfg := generators.Config{Findings: *findings, Seed: *seed, Shape: *shape, Version: *version}
	label := *shape
	if *like != "" {
		shapeSet := false
		fs.Visit(func(f *flag.Flag) { shapeSet = shapeSet || f.Name == "shape" })
		if shapeSet {
			return cmdline.UsageError("generate: --like and --shape are exclusive")
		}
		p, err := profile.Load(*like)
		if err != nil {
			return cmdline.UsageError("generate: --like: %v", err)
		}
		fit, err := p.Fit()
		if err != nil {
			return cmdline.UsageError("generate: --like %s: %v", *like, err)
		}
		cfg.Shape, cfg.Like = "", &fit
		label = "like " + *like
	}
	if err := cfg.Validate(); err != nil {
		return cmdline.UsageError("generate: --shape: %v", err)
	}
	return writeGenerated(env, cfg, out, label)
}

// writeGenerated generates cfg into out: stdout for "-" or "", streamed
// into a device or pipe, else a file written whole or not at all (label
// names the shape in the summary line). SIGINT or SIGTERM stops it (exit
// 130 or 143): a file is then not written at all.
func writeGenerated(env cmdline.Env, cfg generators.Config, out, label string) error {
	toStdout := out == "-" || out == ""
	cfg.Progress = findingsProgressBar(env, cfg.Findings, "generating", toStdout)
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	if toStdout {
		return interrupted(generators.Generate(interrupt.Writer(ctx, env.Stdout), cfg))
	}
	if fi, err := os.Stat(out); err == nil && !fi.Mode().IsRegular() {
		// A device or pipe (/dev/null, a FIFO): stream into it, never
		// rename over it.
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		err = generators.Generate(interrupt.Writer(ctx, f), cfg)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return interrupted(err)
	}
	size, sum, err := datasets.GenerateFileContext(ctx, out, cfg, nil)
	if err != nil {
		return interrupted(err)
	}
	if cfg.Like == nil {
		label += fmt.Sprintf(", generator version %d", cfg.EffectiveVersion())
	}
	fmt.Fprintf(env.Stderr, "wrote %s: %d findings (%s, seed %d), %d bytes, sha256 %s\n", out, cfg.Findings, label, cfg.Seed, size, sum)
	return nil
}

// isTerminalWriter reports whether w is a terminal.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// findingsProgressBar returns a Progress callback drawing a bar of total findings on
// env.Stderr, or nil when stderr is not a terminal or when the data itself
// goes to the same terminal (dataToStdout and stdout a terminal).
func findingsProgressBar(env cmdline.Env, total int, desc string, dataToStdout bool) func(done int) {
	if total <= 0 || !isTerminalWriter(env.Stderr) || (dataToStdout && isTerminalWriter(env.Stdout)) {
		return nil
	}
	bar := progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString("findings"),
		progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100_000_000), // 100ms
		progressbar.OptionClearOnFinish(),
	)
	return func(done int) {
		_ = bar.Set64(int64(done))
		if done >= total {
			_ = bar.Finish()
		}
	}
}
