package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/process"
	"github.com/aegisbench/aegisbench/internal/interrupt"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// limitFlags are the bounds every command that runs an engine on a file
// takes: input size, output size of a process engine, time of one call.
type limitFlags struct {
	maxInput, maxOutput int64
	timeout             time.Duration
}

// register adds --max-input, --max-output and --timeout to fs.
func (l *limitFlags) register(fs *flag.FlagSet, defTimeout time.Duration) {
	def := safeio.DefaultLimit()
	fs.Int64Var(&l.maxInput, "max-input", def, "refuse a findings `file` larger than this many bytes before reading it into memory (a regular file an engine streams is not read whole and not limited; default: a quarter of this machine's memory, at least 1 GiB)")
	fs.Int64Var(&l.maxOutput, "max-output", 0, "an engine run as a process that writes more than this many `bytes` is killed (engine failure); 0: 64 MiB plus 16 times the input, at most a quarter of memory")
	fs.DurationVar(&l.timeout, "timeout", defTimeout, "bound on one engine call (the engine's whole process group is killed)")
}

// check validates the bounds (a usage error for cmd when out of range).
func (l *limitFlags) check(cmd string) error {
	switch {
	case l.maxInput <= 0:
		return usageError("%s: --max-input %d: must be positive", cmd, l.maxInput)
	case l.maxOutput < 0:
		return usageError("%s: --max-output %d: must be 0 (the default) or positive", cmd, l.maxOutput)
	case l.timeout <= 0:
		return usageError("%s: --timeout %s: must be positive", cmd, l.timeout)
	}
	return nil
}

// limitEngine applies --max-output to an engine run as a process.
func (l *limitFlags) limitEngine(eng engines.Engine) engines.Engine {
	if pl, ok := eng.(process.OutputLimiter); ok {
		return pl.WithMaxOutput(l.maxOutput)
	}
	return eng
}

// readFindings reads a findings document under --max-input, stopping at
// the first byte no JSON document can hold (the engine then answers
// invalid_json on what was read; a note says where reading stopped).
func readFindings(env Env, cmd, path string, limit int64) ([]byte, error) {
	data, stopped, err := safeio.ReadDocument(path, limit)
	if err != nil {
		return nil, &ExitError{Code: 1, Err: fmt.Errorf("%s: cannot read the findings: %w", cmd, err)}
	}
	if stopped != "" {
		fmt.Fprintf(env.Stderr, "%s: %s: reading stopped: %s\n", cmd, path, stopped)
	}
	return data, nil
}

// distinctFiles refuses (usage error, before any work) an output that is
// the same file as an input or another output.
func distinctFiles(cmd string, inputs, outputs []safeio.File) error {
	if err := safeio.DistinctFiles(inputs, outputs); err != nil {
		return usageError("%s: %v", cmd, err)
	}
	return nil
}

// interruptible returns the context of a command that stops on SIGINT or
// SIGTERM, and a function mapping the command's error to the signal's
// exit code (130, 143) when it was interrupted.
func interruptible() (context.Context, func(error) error, func()) {
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
