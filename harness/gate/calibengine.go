package gate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
)

// OpenCalibrationEngine opens an engine like engines.Open, and also the
// calibration-only wrappers, which exist to inject a known slowdown and are
// deliberately not in the engines registry:
//
//	slow:FRACTION:INNER    after each call, busy-waits FRACTION of the time
//	                       the inner engine took (time mode: 0.1 = 10% slower)
//	spin:ITERATIONS:INNER  after each call, runs a fixed arithmetic loop of
//	                       ITERATIONS steps (instructions mode: a fixed number
//	                       of extra instructions)
//
// INNER is any engine name, including another wrapper.
func OpenCalibrationEngine(name string) (engines.Engine, error) {
	kind, rest, ok := strings.Cut(name, ":")
	if !ok || (kind != "slow" && kind != "spin") {
		return engines.Open(name)
	}
	param, inner, ok := strings.Cut(rest, ":")
	if !ok || inner == "" {
		return nil, fmt.Errorf("gate: calibration engine %q: want %s:PARAM:INNER", name, kind)
	}
	in, err := OpenCalibrationEngine(inner)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "slow":
		f, err := strconv.ParseFloat(param, 64)
		if err != nil || f < 0 || f > 100 {
			return nil, fmt.Errorf("gate: calibration engine %q: fraction %q must be a number in 0..100", name, param)
		}
		return &slowEngine{name: name, inner: in, fraction: f}, nil
	default:
		n, err := strconv.ParseUint(param, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("gate: calibration engine %q: iterations %q must be a non-negative integer", name, param)
		}
		return &spinEngine{name: name, inner: in, iterations: n}, nil
	}
}

// slowEngine wraps an engine and busy-waits a fraction of its time.
type slowEngine struct {
	name     string
	inner    engines.Engine
	fraction float64
}

func (e *slowEngine) Name() string { return e.name }

func (e *slowEngine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	start := time.Now()
	out, err := e.inner.AttackPaths(ctx, findings, opt)
	elapsed := time.Since(start)
	deadline := start.Add(elapsed + time.Duration(float64(elapsed)*e.fraction))
	for time.Now().Before(deadline) {
		// Busy-wait: the slowdown must cost CPU like real work does.
	}
	return out, err
}

// spinEngine wraps an engine and runs a fixed loop after each call.
type spinEngine struct {
	name       string
	inner      engines.Engine
	iterations uint64
}

func (e *spinEngine) Name() string { return e.name }

func (e *spinEngine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	out, err := e.inner.AttackPaths(ctx, findings, opt)
	spinSink = spin(e.iterations)
	return out, err
}

// spinSink keeps the compiler from discarding spin's result.
var spinSink uint64

// spin runs n steps of a linear congruential generator: a fixed handful of
// instructions per step.
//
//go:noinline
func spin(n uint64) uint64 {
	x := uint64(1)
	for i := uint64(0); i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// RunEngineOnce runs engine name (calibration wrappers allowed) once on the
// findings file in and writes the output document to stdout, following the
// process contract: bad input writes the error document and returns an
// *engines.Error.
func RunEngineOnce(ctx context.Context, name, in string, opt engines.Options, stdout io.Writer) error {
	e, err := OpenCalibrationEngine(name)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("gate: %w", err)
	}
	out, err := e.AttackPaths(ctx, data, opt)
	var ee *engines.Error
	if errors.As(err, &ee) {
		if _, werr := stdout.Write(append(ee.Document(), '\n')); werr != nil {
			return werr
		}
		return err
	}
	if err != nil {
		return fmt.Errorf("gate: engine %s: %w", name, err)
	}
	_, err = stdout.Write(out)
	return err
}
