package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/peakrss"
)

func init() {
	registerCommand(command{
		name:    "paths",
		summary: "compute the attack paths of a findings file with one engine (the process contract)",
		run:     runPaths,
	})
}

const pathsUsage = `--in FILE [--engine NAME] [--out FILE] [--max-depth N] [--top-k K]

Runs the attack-path operation of engines/SPEC.md on a findings document and
writes the output document to --out (through a temporary file and a rename,
never half-written) or to stdout.

The engine is "go" unless --engine names another registered engine (see the
flag's help; "exec:COMMAND" runs COMMAND under the process contract); when
--engine is not given and AEGIS_RUST_PATHS=true, it is "rust-ffi" (the seed's
feature flag), and the choice is reported on stderr.

Exit status: 0 when the output document was written; 1 for bad input (the
error document, aegis.error.v1, goes where the output would have gone, and a
message naming the file, finding index and field goes to stderr; an option
out of range is bad input too: invalid_options), for an unreadable file or an
engine failure; 2 for a usage error.`

func runPaths(env Env, args []string) error {
	fs := newFlagSet(env, "paths", pathsUsage)
	engineName := fs.String("engine", "go", "engine: "+strings.Join(engines.Names(), ", ")+" (exec as exec:COMMAND)")
	in := fs.String("in", "", "findings document to read (required)")
	out := fs.String("out", "", "output file; stdout when empty or -")
	maxDepth := fs.Int("max-depth", engines.DefaultMaxDepth, fmt.Sprintf("longest path in edges (%d..%d)", engines.MinMaxDepth, engines.MaxMaxDepth))
	topK := fs.Int("top-k", engines.DefaultTopK, fmt.Sprintf("paths kept per account, 0 for all (0..%d)", engines.MaxTopK))
	timings := fs.Bool("timings", false, "write the wall time of each stage (read, validate, compute, encode, write) and the peak RSS to stderr")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("paths: unexpected argument %q", rest[0])
	}
	if *in == "" {
		fs.Usage()
		return usageError("paths: --in is required")
	}
	name := *engineName
	if !flagGiven(fs, "engine") && os.Getenv("AEGIS_RUST_PATHS") == "true" {
		name = "rust-ffi"
		fmt.Fprintln(env.Stderr, "paths: AEGIS_RUST_PATHS=true: using engine rust-ffi")
	}
	eng, err := openEngine("paths", name)
	if err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// One operation, then exit: the heap is mostly the findings, live
		// to the end, so collecting at 2x live (GOGC=100) rescans them for
		// nothing. 4x keeps a few collections and bounds the slack.
		debug.SetGCPercent(400)
	}
	tm := &engines.Timings{}
	ctx := engines.WithTimings(context.Background(), tm)
	doc, err := engines.AttackPathsFile(ctx, eng, *in, engines.Options{MaxDepth: *maxDepth, TopK: *topK})
	if err != nil {
		return engineFailure(env, "paths", name, *in, *out, err)
	}
	start := time.Now()
	if err := writeDocument(env, *out, doc); err != nil {
		return &ExitError{Code: 1, Err: fmt.Errorf("paths: writing the output: %w", err)}
	}
	if *timings {
		tm.Since(engines.StageWrite, start)
		tm.PeakRSS, _ = peakrss.Self() // 0 (left out) when unknown
		return tm.Format(env.Stderr)
	}
	return nil
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// openEngine opens a registered engine: an unknown name is a usage error
// (exit 2), an engine this build or machine cannot run is exit 1.
func openEngine(cmd, name string) (engines.Engine, error) {
	eng, err := engines.Open(name)
	switch {
	case err == nil:
		return eng, nil
	case errors.Is(err, engines.ErrUnavailable):
		return nil, &ExitError{Code: 1, Err: fmt.Errorf("%s: %w", cmd, err)}
	default:
		return nil, usageError("%s: --engine: %v", cmd, err)
	}
}

// engineFailure handles an engine error: for bad input (*engines.Error) it
// writes the error document where the output would have gone and returns
// exit 1 with a message naming the file, finding and field; any other
// error is the engine's own failure (exit 1, nothing written).
func engineFailure(env Env, cmd, engine, in, out string, err error) error {
	var bad *engines.Error
	if !errors.As(err, &bad) {
		return &ExitError{Code: 1, Err: fmt.Errorf("%s: engine %s failed on %s: %w", cmd, engine, in, err)}
	}
	msg := fmt.Errorf("%s: %s: %w", cmd, in, bad)
	if werr := writeDocument(env, out, bad.Document()); werr != nil {
		msg = fmt.Errorf("%w (and writing the error document failed: %v)", msg, werr)
	}
	return &ExitError{Code: 1, Err: msg}
}

// writeDocument writes doc and a newline to stdout when path is "" or "-",
// straight into a device or pipe, and otherwise through a temporary file in
// the same directory renamed into place, so path never holds a partial
// document.
func writeDocument(env Env, path string, doc []byte) error {
	doc = append(doc[:len(doc):len(doc)], '\n')
	if path == "" || path == "-" {
		_, err := env.Stdout.Write(doc)
		return err
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(doc)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return atomicfile.WriteFile(path, doc)
}
