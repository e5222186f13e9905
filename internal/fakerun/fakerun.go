// Package fakerun is a bench.Runner for tests: it records the command
// lines it is asked to run and answers with a handler, so tests of the
// base-ref runs and instruction counting check the plan without starting
// processes.
package fakerun

import (
	"context"
	"strings"
	"sync"

	"github.com/aegisbench/aegisbench/harness/bench"
)

// Runner records every command and answers with Handler (success with no
// output when nil).
type Runner struct {
	mu      sync.Mutex
	plan    []string
	Handler func(c bench.Command) (bench.Output, error)
}

// Run records c and calls the handler.
func (f *Runner) Run(ctx context.Context, c bench.Command) (bench.Output, error) {
	f.mu.Lock()
	f.plan = append(f.plan, c.String())
	f.mu.Unlock()
	if f.Handler == nil {
		return bench.Output{}, nil
	}
	return f.Handler(c)
}

// Plan returns the command lines run so far, in order.
func (f *Runner) Plan() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.plan...)
}

// ArgAfter returns the argument following flag in args ("-o FILE" or
// "-o=FILE"), or "".
func ArgAfter(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, flag+"="); ok {
			return v
		}
	}
	return ""
}
