package cmdline

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/process"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/interrupt"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// Limits are the bounds every command that runs an engine on a file
// takes: input size, output size of a process engine, time of one call.
type Limits struct {
	MaxInput, MaxOutput int64
	Timeout             time.Duration
}

// Register adds --max-input, --max-output and --timeout to fs.
func (l *Limits) Register(fs *flag.FlagSet, defTimeout time.Duration) {
	def := safeio.DefaultLimit()
	fs.Int64Var(&l.MaxInput, "max-input", def, "refuse a findings `file` larger than this many bytes before reading it into memory (a regular file an engine streams is not read whole and not limited; default: a quarter of this machine's memory, at least 1 GiB)")
	fs.Int64Var(&l.MaxOutput, "max-output", 0, "an engine run as a process that writes more than this many `bytes` is killed (engine failure); 0: 64 MiB plus 16 times the input, at most a quarter of memory")
	fs.DurationVar(&l.Timeout, "timeout", defTimeout, "bound on one engine call (the engine's whole process group is killed)")
}

// Check validates the bounds (a usage error for cmd when out of range).
func (l *Limits) Check(cmd string) error {
	switch {
	case l.MaxInput <= 0:
		return UsageError("%s: --max-input %d: must be positive", cmd, l.MaxInput)
	case l.MaxOutput < 0:
		return UsageError("%s: --max-output %d: must be 0 (the default) or positive", cmd, l.MaxOutput)
	case l.Timeout <= 0:
		return UsageError("%s: --timeout %s: must be positive", cmd, l.Timeout)
	}
	return nil
}

// LimitEngine applies --max-output to an engine run as a process.
func (l *Limits) LimitEngine(eng engines.Engine) engines.Engine {
	if pl, ok := eng.(process.OutputLimiter); ok {
		return pl.WithMaxOutput(l.MaxOutput)
	}
	return eng
}

// ReadFindings reads a findings document under --max-input, stopping at
// the first byte no JSON document can hold (the engine then answers
// invalid_json on what was read; a note says where reading stopped).
func ReadFindings(env Env, cmd, path string, limit int64) ([]byte, error) {
	data, stopped, err := safeio.ReadDocument(path, limit)
	if err != nil {
		return nil, &ExitError{Code: 1, Err: fmt.Errorf("%s: cannot read the findings: %w", cmd, err)}
	}
	if stopped != "" {
		fmt.Fprintf(env.Stderr, "%s: %s: reading stopped: %s\n", cmd, path, stopped)
	}
	return data, nil
}

// DistinctFiles refuses (usage error, before any work) an output that is
// the same file as an input or another output.
func DistinctFiles(cmd string, inputs, outputs []safeio.File) error {
	if err := safeio.DistinctFiles(inputs, outputs); err != nil {
		return UsageError("%s: %v", cmd, err)
	}
	return nil
}

// Interruptible returns the context of a command that stops on SIGINT or
// SIGTERM, and a function mapping the command's error to the signal's
// exit code (130, 143) when it was interrupted.
func Interruptible() (context.Context, func(error) error, func()) {
	ctx, caught, stop := interrupt.Notify(context.Background())
	return ctx, func(err error) error {
		if code := caught.ExitCode(); code != 0 {
			if err == nil {
				err = errors.New("interrupted")
			}
			return &ExitError{Code: code, Err: fmt.Errorf("interrupted by %v: %w", caught.Signal(), err)}
		}
		return err
	}, stop
}

// OpenEngine opens a registered engine: an unknown name is a usage error
// (exit 2), an engine this build or machine cannot run is exit 1.
func OpenEngine(cmd, name string) (engines.Engine, error) {
	eng, err := engines.Open(name)
	switch {
	case err == nil:
		return eng, nil
	case errors.Is(err, engines.ErrUnavailable):
		return nil, &ExitError{Code: 1, Err: fmt.Errorf("%s: %w", cmd, err)}
	default:
		return nil, UsageError("%s: --engine: %v", cmd, err)
	}
}

// EngineFailure handles an engine error: for bad input (*engines.Error) it
// writes the error document where the output would have gone and returns
// exit 1 with a message naming the file, finding and field; any other
// error is the engine's own failure (exit 1, nothing written).
func EngineFailure(env Env, cmd, engine, in, out string, err error) error {
	var bad *engines.Error
	if !errors.As(err, &bad) {
		return &ExitError{Code: 1, Err: fmt.Errorf("%s: engine %s failed on %s: %w", cmd, engine, in, err)}
	}
	msg := fmt.Errorf("%s: %s: %w", cmd, in, bad)
	if werr := WriteDocument(env, out, bad.Document()); werr != nil {
		msg = fmt.Errorf("%w (and writing the error document failed: %v)", msg, werr)
	}
	return &ExitError{Code: 1, Err: msg}
}

// WriteDocument writes doc and a newline where the output goes
// (atomicfile.WriteOutput: stdout for "" or "-", never a partial file).
func WriteDocument(env Env, path string, doc []byte) error {
	return atomicfile.WriteOutput(env.Stdout, path, append(doc[:len(doc):len(doc)], '\n'))
}
