package refrun

import "github.com/aegisbench/aegisbench/harness/bench"

// Command is one process the gate starts; it is the benchmark runner's
// command (working directory, program, arguments, added environment), so
// both render and run processes the same way.
type Command = bench.Command

// Output is what a finished command wrote.
type Output = bench.Output

// Runner runs commands. The gate reaches git, the Go toolchain, the
// benchmark runner and the instruction counters only through it, so tests
// substitute a fake that records the plan.
type Runner = bench.Runner

// ExecRunner runs commands as processes; a non-zero exit is an error
// carrying the tail of stderr.
type ExecRunner = bench.ExecRunner
