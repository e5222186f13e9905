// Package pathscmd is the paths command: the attack-path operation of
// engines/SPEC.md on a findings file, with any registered engine, under the
// process contract (exit codes, error documents, output never half
// written). aegisbench runs it as `aegisbench paths`; the aegispaths
// program is this command alone, so that a whole-process timing of a
// Go-hosted engine does not start the whole harness (its plotting, profile
// and history packages).
//
// The engines must be registered by the program (blank imports of
// engines/goengine, engines/rustengine, ...).
package pathscmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/argval"
	"github.com/aegisbench/aegisbench/internal/peakrss"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// Summary is the command's one-line description.
const Summary = "compute the attack paths of a findings file with one engine (the process contract)"

// Usage is the command's usage text after its invocation.
const Usage = `--in FILE [--engine NAME] [--out FILE] [--max-depth N] [--top-k K] [--timeout D]

Runs the attack-path operation of engines/SPEC.md on a findings document and
writes the output document to --out (through a temporary file and a rename,
never half-written) or to stdout.

The engine is "go" unless --engine names another registered engine (see the
flag's help; "exec:COMMAND" runs COMMAND under the process contract,
"ffi:PATH" loads a shared library exporting the engine C ABI); when
--engine is not given and AEGIS_RUST_PATHS=true, it is "rust-ffi" (the reference report's
feature flag; also 1, yes, on; any other value is refused), and the choice
is reported on stderr.

The output may not be the input file (refused before reading). A regular
file goes to a streaming engine (go, go-naive, rust-ffi, rust-cli, exec:) by
path, so it is never held whole; any other input, or any input of an engine
that takes bytes (ffi:), is refused when larger than --max-input; a
stream (device, pipe) is read only up to the first byte no JSON document
can hold there (so /dev/zero is one byte of invalid_json). --timings writes the wall time of
each stage and the peak RSS to stderr.
An engine run as a process answers within --timeout or its whole process
group is killed; its answer must be exactly one output document with exit
0 or one error document with exit 1, anything else is an engine failure
(exit 1, nothing written to --out). SIGINT and SIGTERM stop the engine and
exit 130 and 143.

Exit status: 0 when the output document was written; 1 for bad input (the
error document, aegis.error.v1, goes where the output would have gone, and a
message naming the file, finding index and field goes to stderr; an option
out of range is bad input too: invalid_options), for an unreadable file or an
engine failure; 2 for a usage error.`

// Run runs the command line args (without the invocation, which is how
// usage names the command: "aegisbench paths", "aegispaths").
func Run(env cmdline.Env, invocation string, args []string) error {
	fs := cmdline.NewProgramFlagSet(env, invocation, Usage)
	engineName := fs.String("engine", "go", "engine: "+strings.Join(engines.Names(), ", ")+" (exec as exec:COMMAND)")
	in := fs.String("in", "", "findings document to read (required)")
	out := fs.String("out", "", "output file; stdout when empty or -")
	maxDepth := fs.Int("max-depth", engines.DefaultMaxDepth, fmt.Sprintf("longest path in edges (%d..%d)", engines.MinMaxDepth, engines.MaxMaxDepth))
	topK := fs.Int("top-k", engines.DefaultTopK, fmt.Sprintf("paths kept per account, 0 for all (0..%d)", engines.MaxTopK))
	var lim cmdline.Limits
	lim.Register(fs, 10*time.Minute)
	timings := fs.Bool("timings", false, "write the wall time of each stage (read, validate, compute, encode, write) and the peak RSS to stderr")
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cmdline.UsageError("paths: unexpected argument %q", rest[0])
	}
	if *in == "" {
		fs.Usage()
		return cmdline.UsageError("paths: --in is required")
	}
	if err := lim.Check("paths"); err != nil {
		return err
	}
	name := *engineName
	if !cmdline.FlagGiven(fs, "engine") {
		rust, err := argval.Bool(rustPathsEnv, os.Getenv(rustPathsEnv), false)
		if err != nil {
			return cmdline.UsageError("paths: %v", err)
		}
		if rust {
			name = "rust-ffi"
			fmt.Fprintf(env.Stderr, "paths: %s=%s: using engine rust-ffi\n", rustPathsEnv, os.Getenv(rustPathsEnv))
		}
	}
	if err := cmdline.DistinctFiles("paths", []safeio.File{{Flag: "--in", Path: *in}}, []safeio.File{{Flag: "--out", Path: *out}}); err != nil {
		return err
	}
	eng, err := cmdline.OpenEngine("paths", name)
	if err != nil {
		return err
	}
	eng = lim.LimitEngine(eng)
	if os.Getenv("GOGC") == "" {
		// One operation, then exit: the heap is mostly the findings, live
		// to the end, so collecting at 2x live (GOGC=100) rescans them for
		// nothing. 4x keeps a few collections and bounds the slack.
		debug.SetGCPercent(400)
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	tm := &engines.Timings{}
	ctx = engines.WithTimings(ctx, tm)
	// A regular file goes to a streaming engine by path (memory bounded by
	// the engine's own data); anything else is read under --max-input,
	// stopping at the first byte no JSON document can hold.
	read := func(path string) ([]byte, error) { return cmdline.ReadFindings(env, "paths", path, lim.MaxInput) }
	doc, err := engines.AttackPathsFile(ctx, eng, *in, engines.Options{MaxDepth: *maxDepth, TopK: *topK}, read)
	var exit *cmdline.ExitError
	if errors.As(err, &exit) {
		return interrupted(err) // the file could not be read: the message names it
	}
	if err != nil {
		return interrupted(cmdline.EngineFailure(env, "paths", name, *in, *out, err))
	}
	start := time.Now()
	if err := cmdline.WriteDocument(env, *out, doc); err != nil {
		return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("paths: writing the output: %w", err)}
	}
	if *timings {
		tm.Since(engines.StageWrite, start)
		tm.PeakRSS, _ = peakrss.Self() // 0 (left out) when unknown
		return tm.Format(env.Stderr)
	}
	return nil
}

// rustPathsEnv is the reference report's feature flag: true makes rust-ffi the default
// engine of paths.
const rustPathsEnv = "AEGIS_RUST_PATHS"
